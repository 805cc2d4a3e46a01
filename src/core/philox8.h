/*
 * philox8.h -- Philox4x32-10 (philox.h) for 8 counters at once in AVX-512,
 * host only: each 32-bit word sits in a 64-bit lane, so _mm512_mul_epu32
 * (which reads the low halves) gives the full 32x32->64 products in one
 * instruction and the high halves never reach a low half; callers mask
 * the words to 32 bits where they leave.  Bit for bit myr_philox4x32_10.
 */
#ifndef MYR_CORE_PHILOX8_H
#define MYR_CORE_PHILOX8_H

#include "philox.h"

#if defined(__AVX512F__) && !defined(__CUDACC__)
#  include <immintrin.h>
#  define MYR_HAVE_PHILOX8 1

/* the 10 round keys of a seed */
typedef struct myr_philox8_key {
  __m512i k0[10], k1[10];
} myr_philox8_key;

static inline void myr_philox8_key_init(myr_philox8_key* K, uint64_t seed) {
  uint32_t a = (uint32_t)seed, b = (uint32_t)(seed >> 32);
  int i;
  for (i = 0; i < 10; ++i) {
    K->k0[i] = _mm512_set1_epi64((int64_t)a);
    K->k1[i] = _mm512_set1_epi64((int64_t)b);
    a += MYR_PHILOX_W0;
    b += MYR_PHILOX_W1;
  }
}

/* the 10 rounds on counters c[0..3] (8 lanes each), in place */
static inline void myr_philox8(const myr_philox8_key* K, __m512i c[4]) {
  const __m512i m0 = _mm512_set1_epi64(MYR_PHILOX_M0);
  const __m512i m1 = _mm512_set1_epi64(MYR_PHILOX_M1);
  __m512i c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
  int i;
  for (i = 0; i < 10; ++i) {
    __m512i p0 = _mm512_mul_epu32(c0, m0);
    __m512i p1 = _mm512_mul_epu32(c2, m1);
    __m512i n0 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), c1, K->k0[i], 0x96);
    __m512i n2 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), c3, K->k1[i], 0x96);
    c1 = p1;
    c3 = p0;
    c0 = n0;
    c2 = n2;
  }
  c[0] = c0;
  c[1] = c1;
  c[2] = c2;
  c[3] = c3;
}
#endif

#endif /* MYR_CORE_PHILOX8_H */
