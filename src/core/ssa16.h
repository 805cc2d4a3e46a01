/*
 * ssa16.h -- the direct method's draws for 16 lanes at once in AVX-512,
 * host only: one SplitMix64 output per lane split into the two 32-bit
 * words, u2 in [0, 1) and -log(u1) (u1 in (0, 1]) from them.  Bit for bit
 * what myr_ccasr_iter() (ccasr/physics.h) computes lane by lane: the same
 * integer steps and float results (IEEE, round to nearest), so a lane's
 * event never depends on which path ran it.  Used by the gene circuit's lane loop and the
 * reaction network's small-network kernel.
 */
#ifndef MYR_CORE_SSA16_H
#define MYR_CORE_SSA16_H

#include <stdint.h>

#if defined(__AVX512F__) && defined(__AVX512DQ__) && !defined(__CUDACC__)
#  include <immintrin.h>
#  define MYR_HAVE_SSA16 1

/* advance the generators rng[0..15] (64-byte aligned) by one SplitMix64
 * step; *w1, *w2: the low and high 32-bit words of each lane's output,
 * lane l in element l */
static inline void myr__splitmix16(uint64_t* rng, __m512i* w1, __m512i* w2) {
  const __m512i gamma = _mm512_set1_epi64((int64_t)0x9E3779B97F4A7C15ull);
  const __m512i mix1 = _mm512_set1_epi64((int64_t)0xBF58476D1CE4E5B9ull);
  const __m512i mix2 = _mm512_set1_epi64((int64_t)0x94D049BB133111EBull);
  const __m512i lo_idx = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14,
                                          12, 10, 8, 6, 4, 2, 0);
  const __m512i hi_idx = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15,
                                          13, 11, 9, 7, 5, 3, 1);
  __m512i s0 = _mm512_add_epi64(_mm512_load_si512(rng), gamma);
  __m512i s1 = _mm512_add_epi64(_mm512_load_si512(rng + 8), gamma);
  __m512i z0, z1;
  _mm512_store_si512(rng, s0);
  _mm512_store_si512(rng + 8, s1);
  z0 = _mm512_mullo_epi64(_mm512_xor_si512(s0, _mm512_srli_epi64(s0, 30)), mix1);
  z1 = _mm512_mullo_epi64(_mm512_xor_si512(s1, _mm512_srli_epi64(s1, 30)), mix1);
  z0 = _mm512_mullo_epi64(_mm512_xor_si512(z0, _mm512_srli_epi64(z0, 27)), mix2);
  z1 = _mm512_mullo_epi64(_mm512_xor_si512(z1, _mm512_srli_epi64(z1, 27)), mix2);
  z0 = _mm512_xor_si512(z0, _mm512_srli_epi64(z0, 31));
  z1 = _mm512_xor_si512(z1, _mm512_srli_epi64(z1, 31));
  *w1 = _mm512_permutex2var_epi32(z0, lo_idx, z1);
  *w2 = _mm512_permutex2var_epi32(z0, hi_idx, z1);
}

/* u2 = (w2 >> 8) 2^-24 in [0, 1) */
static inline __m512 myr__u2_16(__m512i w2) {
  return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(w2, 8)),
                       _mm512_set1_ps(5.9604644775390625e-8f));
}

/* -myr_logf_fast(u1) of 16 lanes' u1 = ((w1 >> 8) + 1) 2^-24 in (0, 1]
 * (ccasr/physics.h), bit for bit (+0 where u1 = 1, where the scalar
 * negation gives -0; rem - tau is the same either way): the exponent and
 * mantissa of v = u1 2^24 (exact) by vgetexpps and vgetmantps (u1 = m 2^e,
 * m in [0.5, 1): e = getexp(v) - 23, m = getmant(v)), and the negation
 * carried through the polynomial by negated coefficients (round to
 * nearest is symmetric, so each step is exactly the negative of the
 * scalar one: -(y x - c) = (-y) x + c).  tests/test_ssa16.c checks all
 * 2^24 inputs. */
static inline __m512 myr__neglog_u1_16(__m512i w1) {
  const __m512 one = _mm512_set1_ps(1.0f);
  __m512 v = _mm512_cvtepi32_ps(_mm512_add_epi32(_mm512_srli_epi32(w1, 8),
                                                 _mm512_set1_epi32(1)));
  __m512 x = _mm512_getmant_ps(v, _MM_MANT_NORM_p5_1, _MM_MANT_SIGN_src);
  __m512 ef = _mm512_sub_ps(_mm512_getexp_ps(v), _mm512_set1_ps(23.0f));
  __m512 z, y;
  __mmask16 lo = _mm512_cmp_ps_mask(x, _mm512_set1_ps(0.707106781186547524f), _CMP_LT_OQ);
  ef = _mm512_mask_sub_ps(ef, lo, ef, one);
  x = _mm512_sub_ps(_mm512_mask_add_ps(x, lo, x, x), one);
  z = _mm512_mul_ps(x, x);
  y = _mm512_set1_ps(-7.0376836292e-2f);
  y = _mm512_add_ps(_mm512_mul_ps(y, x), _mm512_set1_ps(1.1514610310e-1f));
  y = _mm512_sub_ps(_mm512_mul_ps(y, x), _mm512_set1_ps(1.1676998740e-1f));
  y = _mm512_add_ps(_mm512_mul_ps(y, x), _mm512_set1_ps(1.2420140846e-1f));
  y = _mm512_sub_ps(_mm512_mul_ps(y, x), _mm512_set1_ps(1.4249322787e-1f));
  y = _mm512_add_ps(_mm512_mul_ps(y, x), _mm512_set1_ps(1.6668057665e-1f));
  y = _mm512_sub_ps(_mm512_mul_ps(y, x), _mm512_set1_ps(2.0000714765e-1f));
  y = _mm512_add_ps(_mm512_mul_ps(y, x), _mm512_set1_ps(2.4999993993e-1f));
  y = _mm512_sub_ps(_mm512_mul_ps(y, x), _mm512_set1_ps(3.3333331174e-1f));
  y = _mm512_mul_ps(_mm512_mul_ps(y, x), z);
  y = _mm512_add_ps(y, _mm512_mul_ps(_mm512_set1_ps(2.12194440e-4f), ef));
  y = _mm512_add_ps(y, _mm512_mul_ps(_mm512_set1_ps(0.5f), z));
  return _mm512_add_ps(_mm512_sub_ps(y, x), _mm512_mul_ps(_mm512_set1_ps(-0.693359375f), ef));
}

#  if defined(__BMI2__)
/* Lane refill from staged envs: the lanes of m that take one when avail
 * are staged (all of m, or its lowest avail lanes), and the expanding load
 * of 16 64-bit values (two vectors, lanes 0-7 and 8-15) into the lanes of
 * take from consecutive src[0 ..]. */
static inline uint32_t myr__lanes_taking(uint32_t m, int32_t avail) {
  return _mm_popcnt_u32(m) > avail ? _pdep_u32((1u << avail) - 1u, m) : m;
}

static inline void myr__expand64x16(__m512i* lo, __m512i* hi, uint32_t take,
                                    const void* src) {
  const uint64_t* p = (const uint64_t*)src;
  *lo = _mm512_mask_expandloadu_epi64(*lo, (__mmask8)(take & 0xFFu), p);
  *hi = _mm512_mask_expandloadu_epi64(*hi, (__mmask8)(take >> 8),
                                      p + _mm_popcnt_u32(take & 0xFFu));
}
#  endif
#endif

#endif /* MYR_CORE_SSA16_H */
