/*
 * philox8.h -- Philox4x32-10 (philox.h) for 8 counters at once in AVX-512,
 * host only: each 32-bit word sits in a 64-bit lane, so _mm512_mul_epu32
 * (which reads the low halves) gives the full 32x32->64 products in one
 * instruction and the high halves never reach a low half; callers mask
 * the words to 32 bits where they leave.  Bit for bit myr_philox4x32_10.
 * myr_draw_list() draws for a list of envs with it (portable fallback).
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
  uint32_t s0[2], s1[2]; /* the keys of rounds 0 and 1 as scalars */
} myr_philox8_key;

static inline void myr_philox8_key_init(myr_philox8_key* K, uint64_t seed) {
  uint32_t a = (uint32_t)seed, b = (uint32_t)(seed >> 32);
  int i;
  for (i = 0; i < 10; ++i) {
    if (i < 2) {
      K->s0[i] = a;
      K->s1[i] = b;
    }
    K->k0[i] = _mm512_set1_epi64((int64_t)a);
    K->k1[i] = _mm512_set1_epi64((int64_t)b);
    a += MYR_PHILOX_W0;
    b += MYR_PHILOX_W1;
  }
}

/* rounds i0 .. 9 on counters c[0..3] (8 lanes each), in place */
static inline void myr_philox8_from(const myr_philox8_key* K, int i0, __m512i c[4]) {
  const __m512i m0 = _mm512_set1_epi64(MYR_PHILOX_M0);
  const __m512i m1 = _mm512_set1_epi64(MYR_PHILOX_M1);
  __m512i c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
  int i;
  for (i = i0; i < 10; ++i) {
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

/* the 10 rounds on counters c[0..3] (8 lanes each), in place */
static inline void myr_philox8(const myr_philox8_key* K, __m512i c[4]) {
  myr_philox8_from(K, 0, c);
}

/* The 10 rounds on counters whose words 1 .. 3 are the same in every lane
 * (u1 .. u3; word 0 in c0): in round 0 the product of word 2 and the new
 * word 0 are then the same in every lane, in round 1 the product of word
 * 0, so those are computed once in scalar arithmetic.  The low 32 bits of
 * each lane's words are myr_philox8()'s; the high halves, which nothing
 * reads, may differ. */
static inline void myr_philox8_uniform(const myr_philox8_key* K, __m512i c0,
                                       uint32_t u1, uint32_t u2, uint32_t u3,
                                       __m512i c[4]) {
  const uint32_t k00 = K->s0[0], k01 = K->s0[1], k10 = K->s1[0], k11 = K->s1[1];
  const __m512i m0 = _mm512_set1_epi64(MYR_PHILOX_M0);
  const __m512i m1 = _mm512_set1_epi64(MYR_PHILOX_M1);
  /* round 0: c0 varies, the product of word 2 does not */
  uint64_t q1 = (uint64_t)MYR_PHILOX_M1 * u2;
  uint32_t w0 = (uint32_t)(q1 >> 32) ^ u1 ^ k00; /* new word 0, uniform */
  uint32_t w1 = (uint32_t)q1;                    /* new word 1, uniform */
  __m512i p0 = _mm512_mul_epu32(c0, m0);          /* new word 3 */
  __m512i w2 = _mm512_xor_si512(_mm512_srli_epi64(p0, 32),
                                _mm512_set1_epi64((int64_t)(u3 ^ k10)));
  /* round 1: now word 0 is uniform, word 2 varies */
  uint64_t q0 = (uint64_t)MYR_PHILOX_M0 * w0;
  __m512i p1 = _mm512_mul_epu32(w2, m1);
  c[0] = _mm512_xor_si512(_mm512_srli_epi64(p1, 32), _mm512_set1_epi64((int64_t)(w1 ^ k01)));
  c[2] = _mm512_xor_si512(p0, _mm512_set1_epi64((int64_t)((uint32_t)(q0 >> 32) ^ k11)));
  c[1] = p1;
  c[3] = _mm512_set1_epi64((int64_t)q0);
  myr_philox8_from(K, 2, c);
}
#endif

#ifdef MYR_HAVE_PHILOX8
/* the draws myr_draw(seed, g0 + off[j .. j+7], clock, stream, sub) (off
 * NULL: g0 + j ..): the 4 output words in c[0..3], 8 lanes each */
static inline void myr_philox8_draw_o(const myr_philox8_key* K, uint32_t g0,
                                      __m256i o, uint64_t clock, uint32_t stream,
                                      uint32_t sub, __m512i c[4]) {
  myr_philox8_uniform(K, _mm512_cvtepu32_epi64(_mm256_add_epi32(o, _mm256_set1_epi32((int32_t)g0))),
                      (uint32_t)clock, (uint32_t)(clock >> 32),
                      (stream << 24) | (sub & 0xFFFFFFu), c);
}

static inline void myr_philox8_draw(const myr_philox8_key* K, uint32_t g0,
                                    const int32_t* off, int32_t j, uint64_t clock,
                                    uint32_t stream, uint32_t sub, __m512i c[4]) {
  const __m256i o = off != NULL ? _mm256_loadu_si256((const __m256i*)(off + j))
                                : _mm256_add_epi32(_mm256_set1_epi32(j),
                                                   _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  myr_philox8_draw_o(K, g0, o, clock, stream, sub, c);
}

#  if defined(__AVX512VL__)
#    define MYR_HAVE_PHILOX8_TAIL 1
/* the same for the n < 8 draws j .. j+n-1 (lanes n .. 7 hold draws for
 * offset 0 and are to be dropped): off is read only where n allows */
static inline void myr_philox8_draw_tail(const myr_philox8_key* K, uint32_t g0,
                                         const int32_t* off, int32_t j, int32_t n,
                                         uint64_t clock, uint32_t stream,
                                         uint32_t sub, __m512i c[4]) {
  const __m256i o = off != NULL
                        ? _mm256_maskz_loadu_epi32((__mmask8)((1u << n) - 1u), off + j)
                        : _mm256_add_epi32(_mm256_set1_epi32(j),
                                           _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  myr_philox8_draw_o(K, g0, o, clock, stream, sub, c);
}
#  endif
#endif

/* myr_draw(seed, g0 + off[j], clock, stream, sub) for j < n (off NULL:
 * g0 + j): word k of draw j into w[k * ld + j] (ld >= n), 8 draws per call
 * of myr_philox8() where AVX-512 is compiled in, the last 1 .. 7 in one
 * masked call (AVX-512VL) or one by one; bit for bit myr_draw() */
static inline void myr_draw_list(uint64_t seed, uint32_t g0, const int32_t* off,
                                 int32_t n, uint64_t clock, uint32_t stream,
                                 uint32_t sub, uint32_t* w, int32_t ld) {
  int32_t j = 0, k;
#ifdef MYR_HAVE_PHILOX8
  myr_philox8_key K;
  myr_philox8_key_init(&K, seed);
  for (; j + 8 <= n; j += 8) {
    __m512i c[4];
    myr_philox8_draw(&K, g0, off, j, clock, stream, sub, c);
    for (k = 0; k < 4; ++k)
      _mm256_storeu_si256((__m256i*)(w + (size_t)k * (size_t)ld + (size_t)j),
                          _mm512_cvtepi64_epi32(c[k]));
  }
#  ifdef MYR_HAVE_PHILOX8_TAIL
  if (j < n) { /* the last 1 .. 7 draws in one masked call */
    __m512i c[4];
    myr_philox8_draw_tail(&K, g0, off, j, n - j, clock, stream, sub, c);
    for (k = 0; k < 4; ++k)
      _mm256_mask_storeu_epi32(w + (size_t)k * (size_t)ld + (size_t)j,
                               (__mmask8)((1u << (n - j)) - 1u),
                               _mm512_cvtepi64_epi32(c[k]));
    j = n;
  }
#  endif
#endif
  for (; j < n; ++j) {
    myr_philox_out r = myr_draw(seed, g0 + (uint32_t)(off != NULL ? off[j] : j), clock,
                                stream, sub);
    for (k = 0; k < 4; ++k) w[(size_t)k * (size_t)ld + (size_t)j] = r.v[k];
  }
}

#endif /* MYR_CORE_PHILOX8_H */
