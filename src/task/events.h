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

#endif /* MYR_TASK_EVENTS_H */
