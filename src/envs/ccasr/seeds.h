/*
 * seeds.h -- the SSA generators of many env-steps at once (host only):
 * myr_ccasr_rng_seed() for envs g0 + off[j] (off NULL: g0 + j), j < n,
 * 8 at a time in AVX-512 where it is compiled in (myr_philox8_draw; the
 * last 1 .. 7 in one masked call where AVX-512VL is).
 * Used by the gene circuit's and the reaction network's lane refill; the
 * values are myr_ccasr_rng_seed()'s bit for bit (the Philox rounds are
 * exact integer arithmetic).
 */
#ifndef MYR_ENVS_CCASR_SEEDS_H
#define MYR_ENVS_CCASR_SEEDS_H

#include <stdint.h>

#include "../../core/philox8.h"
#include "physics.h"

static inline void myr__ssa_seeds(uint64_t seed, uint32_t g0,
                                  const int32_t* off, int32_t n,
                                  uint64_t clock, uint64_t* out) {
  int32_t j = 0;
#ifdef MYR_HAVE_PHILOX8
  const __m512i lo32 = _mm512_set1_epi64(0xFFFFFFFFll);
  myr_philox8_key K;
  myr_philox8_key_init(&K, seed);
  for (; j + 8 <= n; j += 8) {
    __m512i c[4];
    myr_philox8_draw(&K, g0, off, j, clock, MYR_STREAM_SSA, 0, c);
    /* words 1:0 */
    _mm512_storeu_si512(out + j, _mm512_or_si512(_mm512_slli_epi64(c[1], 32),
                                                 _mm512_and_si512(c[0], lo32)));
  }
#  ifdef MYR_HAVE_PHILOX8_TAIL
  if (j < n) { /* the last 1 .. 7 in one masked call */
    __m512i c[4];
    myr_philox8_draw_tail(&K, g0, off, j, n - j, clock, MYR_STREAM_SSA, 0, c);
    _mm512_mask_storeu_epi64(out + j, (__mmask8)((1u << (n - j)) - 1u),
                             _mm512_or_si512(_mm512_slli_epi64(c[1], 32),
                                             _mm512_and_si512(c[0], lo32)));
    j = n;
  }
#  endif
#endif
  for (; j < n; ++j)
    out[j] = myr_ccasr_rng_seed(seed, g0 + (uint32_t)(off != NULL ? off[j] : j), clock);
}

#endif /* MYR_ENVS_CCASR_SEEDS_H */
