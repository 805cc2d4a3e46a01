/*
 * The flag masks of src/task/events.h: bit j is set exactly when one of the
 * three flags of env j is, for every group size 0..64, with the AVX-512
 * path (where it is compiled in) and the portable one giving the same mask.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "../src/task/events.h"

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
        f[c][j] = (uint8_t)((s >> 24) % 100u < density);
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
  return check_summary("test_events");
}
