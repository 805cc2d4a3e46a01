/*
 * The flag masks and lists of src/task/passes.h: bit j is set exactly when
 * one of the three flag bytes of env j is non-zero, for every group size
 * 0..64, with the AVX-512 path (where it is compiled in) and the portable
 * one giving the same mask; the list holds the same envs in order.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "../src/task/passes.h"

int main(void) {
  uint8_t f[3][64];
  uint32_t s = 12345u;
  int trial, n, j, c;
  for (trial = 0; trial < 400; ++trial) {
    /* all-zero, sparse and dense patterns */
    uint32_t density = (uint32_t)(trial % 4) * 20u;
    for (c = 0; c < 3; ++c)
      for (j = 0; j < 64; ++j) {
        s = s * 1664525u + 1013904223u;
        /* any non-zero byte is a flag (Acrobot marks angles to finish
         * wrapping with bit 1 of terminated) */
        f[c][j] = (uint8_t)((s >> 24) % 100u < density ? 1u + (s >> 8) % 255u : 0u);
      }
    for (n = 0; n <= 64; ++n) {
      uint64_t want = 0, fast, port;
      for (j = 0; j < n; ++j)
        want |= (uint64_t)((f[0][j] | f[1][j] | f[2][j]) != 0) << j;
      fast = myr__flag_mask(f[0], f[1], f[2], n);
      port = myr__flag_mask_portable(f[0], f[1], f[2], n);
      CHECK_MSG(fast == want && port == want,
                "trial %d n %d: want %016llx fast %016llx portable %016llx",
                trial, n, (unsigned long long)want, (unsigned long long)fast,
                (unsigned long long)port);
    }
  }
  /* lists over 256 envs: the flagged offsets in increasing order */
  for (trial = 0; trial < 200; ++trial) {
    uint8_t g[3][256];
    int32_t list[256 + 16], want[256];
    int32_t m, w = 0, base = trial * 7;
    for (c = 0; c < 3; ++c)
      for (j = 0; j < 256; ++j) {
        s = s * 1664525u + 1013904223u;
        g[c][j] = (uint8_t)((s >> 24) % 100u < (uint32_t)(trial % 5) * 10u);
      }
    n = 1 + trial % 256;
    for (j = 0; j < n; ++j)
      if (g[0][j] | g[1][j] | g[2][j]) want[w++] = base + j;
    m = myr__flag_list(g[0], g[1], g[2], n, base, list);
    CHECK_MSG(m == w && memcmp(list, want, sizeof(int32_t) * (size_t)w) == 0,
              "list trial %d n %d: %d envs listed, %d flagged", trial, n, m, w);
  }
  return check_summary("test_passes");
}
