/*
 * The many-env draws of src/core/philox8.h and src/envs/ccasr/seeds.h:
 * myr_draw_list() and myr__ssa_seeds() give myr_draw() and
 * myr_ccasr_rng_seed() bit for bit for every count 0 .. 40 (whole groups
 * of 8 and every tail), with an offset list or none, and write nothing
 * past the n entries asked for (the tail's masked stores).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../src/core/philox8.h"
#include "../src/envs/ccasr/seeds.h"

enum { MAXN = 40, LD = 48 };
#define SENTINEL 0xA5A5A5A5u

int main(void) {
  uint32_t s = 777u;
  int trial, n, j, k;
  for (trial = 0; trial < 6; ++trial) {
    const uint64_t seed = UINT64_C(0x9E3779B97F4A7C15) * (uint64_t)(trial + 1);
    const uint64_t clock = trial < 3 ? (uint64_t)trial : UINT64_C(0x123456789) * (uint64_t)trial;
    const uint32_t g0 = trial % 2 == 0 ? 0u : 0xFFFFFFF0u; /* wraps */
    for (n = 0; n <= MAXN; ++n) {
      int listed;
      /* exactly n offsets on the heap, so that a read past them is seen
       * by the address sanitizer */
      int32_t* off = (int32_t*)malloc((size_t)(n > 0 ? n : 1) * sizeof *off);
      CHECK(off != NULL);
      if (off == NULL) return 1;
      for (j = 0; j < n; ++j) {
        s = s * 1664525u + 1013904223u;
        off[j] = (int32_t)(s >> 12);
      }
      for (listed = 0; listed < 2; ++listed) {
        const int32_t* o = listed ? off : NULL;
        uint32_t w[4 * LD];
        uint64_t seeds[LD];
        for (j = 0; j < 4 * LD; ++j) w[j] = SENTINEL;
        for (j = 0; j < LD; ++j) seeds[j] = SENTINEL;
        myr_draw_list(seed, g0, o, n, clock, MYR_STREAM_AUTORESET, 7u, w, LD);
        myr__ssa_seeds(seed, g0, o, n, clock, seeds);
        for (j = 0; j < n; ++j) {
          uint32_t g = g0 + (uint32_t)(o != NULL ? o[j] : j);
          myr_philox_out r = myr_draw(seed, g, clock, MYR_STREAM_AUTORESET, 7u);
          for (k = 0; k < 4; ++k)
            CHECK_MSG(w[k * LD + j] == r.v[k], "draw list n=%d j=%d word %d listed %d",
                      n, j, k, listed);
          CHECK_MSG(seeds[j] == myr_ccasr_rng_seed(seed, g, clock),
                    "ssa seed n=%d j=%d listed %d", n, j, listed);
        }
        for (j = n; j < LD; ++j) {
          CHECK_MSG(seeds[j] == SENTINEL, "ssa seed %d written (n=%d)", j, n);
          for (k = 0; k < 4; ++k)
            CHECK_MSG(w[k * LD + j] == SENTINEL, "word %d of draw %d written (n=%d)",
                      k, j, n);
        }
      }
      free(off);
    }
  }
  return check_summary("test_philox8");
}
