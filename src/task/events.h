/*
 * events.h -- finding the few envs of a range with an event after a
 * vectorised physics pass.
 *
 * A SIMD step writes per-env flags (terminated, truncated, and the pending
 * flags of the batch) as bytes that are 0 or 1.  Most envs have none set;
 * the contract pass only needs the others.  Testing 8 flags at a time with
 * a branch mispredicts about once per group at CartPole's episode length
 * (22 steps, so one env in 22 ends each step); instead the flags of 64 envs
 * become one 64-bit mask (bit j: env j has a flag), one AVX-512 compare or
 * eight multiplies without it, and the caller walks its set bits.
 */
#ifndef MYR_TASK_EVENTS_H
#define MYR_TASK_EVENTS_H

#include <stdint.h>
#include <string.h>

#if defined(__AVX512BW__)
#  include <immintrin.h>
#endif

/* bit j set: a[j] | b[j] | c[j] != 0, for j < n (n <= 64); flags are 0/1
 * bytes.  8 bytes packed into 8 bits by one multiply: byte i (0 or 1) of w
 * times 0x0102040810204080 lands on bit 56 + i with no carries. */
static inline uint64_t myr__flag_mask_portable(const uint8_t* a,
                                               const uint8_t* b,
                                               const uint8_t* c, int64_t n) {
  uint64_t m = 0;
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    uint64_t wa, wb, wc;
    memcpy(&wa, a + j, 8);
    memcpy(&wb, b + j, 8);
    memcpy(&wc, c + j, 8);
    m |= (((wa | wb | wc) * 0x0102040810204080ULL) >> 56) << j;
  }
  for (; j < n; ++j) m |= (uint64_t)((a[j] | b[j] | c[j]) != 0) << j;
  return m;
}

static inline uint64_t myr__flag_mask(const uint8_t* a, const uint8_t* b,
                                      const uint8_t* c, int64_t n) {
#if defined(__AVX512BW__)
  if (n == 64) {
    __m512i v = _mm512_or_si512(
        _mm512_or_si512(_mm512_loadu_si512((const void*)a),
                        _mm512_loadu_si512((const void*)b)),
        _mm512_loadu_si512((const void*)c));
    return (uint64_t)_mm512_test_epi8_mask(v, v);
  }
#endif
  return myr__flag_mask_portable(a, b, c, n);
}

/* The offsets base + j of the envs j < n (n <= MYR__LIST_SPAN) with a flag,
 * in increasing order, into list (room for n + 16: the AVX-512 path stores
 * whole vectors); returns how many.  Walking the bits of each mask branches
 * once per set bit and mispredicts at the end of every mask; the
 * AVX-512 path packs 16 offsets per compress instead, so the caller's loop
 * over the list mispredicts once per list. */
#define MYR__LIST_SPAN 256

static inline int32_t myr__flag_list(const uint8_t* a, const uint8_t* b,
                                     const uint8_t* c, int32_t n, int32_t base,
                                     int32_t* list) {
  int32_t m = 0, j0;
  for (j0 = 0; j0 < n; j0 += 64) {
    uint64_t w = myr__flag_mask(a + j0, b + j0, c + j0, n - j0 < 64 ? n - j0 : 64);
#if defined(__AVX512F__)
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                            11, 12, 13, 14, 15);
    int32_t q;
    for (q = 0; q < 4 && w != 0; ++q, w >>= 16) {
      __mmask16 bits = (__mmask16)(w & 0xFFFFu);
      __m512i at = _mm512_add_epi32(_mm512_set1_epi32(base + j0 + 16 * q), lanes);
      /* the register form of compress: its memory form is microcoded on
       * some CPUs */
      _mm512_storeu_si512((void*)(list + m), _mm512_maskz_compress_epi32(bits, at));
      m += __builtin_popcount((unsigned)bits);
    }
#else
    for (; w != 0; w &= w - 1) list[m++] = base + j0 + __builtin_ctzll(w);
#endif
  }
  return m;
}

#endif /* MYR_TASK_EVENTS_H */
