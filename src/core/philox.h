/*
 * philox.h -- Philox4x32-10 counter-based random numbers (Salmon, Moraes,
 * Dror & Shaw, "Parallel Random Numbers: As Easy as 1, 2, 3", SC'11).
 *
 * A draw is a pure function of a 128-bit counter and a 64-bit key, so any
 * environment can compute its numbers without shared generator state.  In
 * Myriad the key is the batch seed and the counter is laid out as
 *   c0 = global env index, c1 = clock (low 32 bits), c2 = clock (high 32),
 *   c3 = stream << 24 | sub-stream (epoch or draw number, 24 bits),
 * so draws never depend on the thread count or process layout.  Checked
 * against the Random123 known-answer vectors (tests/test_philox.c).
 */
#ifndef MYR_CORE_PHILOX_H
#define MYR_CORE_PHILOX_H

#include "common.h"

#define MYR_PHILOX_M0 0xD2511F53u
#define MYR_PHILOX_M1 0xCD9E8D57u
#define MYR_PHILOX_W0 0x9E3779B9u
#define MYR_PHILOX_W1 0xBB67AE85u

/* streams (high byte of counter word 3) */
#define MYR_STREAM_ACTION 1u    /* random policy */
#define MYR_STREAM_RESET 2u     /* explicit reset */
#define MYR_STREAM_AUTORESET 3u /* reset after an episode ends inside step */
#define MYR_STREAM_SSA 4u       /* stochastic simulation draws */
#define MYR_STREAM_PARAM 5u     /* per-env parameter draws */

typedef struct myr_philox_out {
  uint32_t v[4];
} myr_philox_out;

/* one Philox round: two 32x32->64 products, xor with the other words */
MYR_HD void myr_philox_round(uint32_t* c0, uint32_t* c1, uint32_t* c2,
                             uint32_t* c3, uint32_t k0, uint32_t k1) {
  uint64_t p0 = (uint64_t)MYR_PHILOX_M0 * (uint64_t)(*c0);
  uint64_t p1 = (uint64_t)MYR_PHILOX_M1 * (uint64_t)(*c2);
  uint32_t n0 = (uint32_t)(p1 >> 32) ^ *c1 ^ k0;
  uint32_t n2 = (uint32_t)(p0 >> 32) ^ *c3 ^ k1;
  *c1 = (uint32_t)p1;
  *c3 = (uint32_t)p0;
  *c0 = n0;
  *c2 = n2;
}

/* Philox4x32 with 10 rounds: ctr (4 words), key (2 words) -> 4 words */
MYR_HD myr_philox_out myr_philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2,
                                        uint32_t c3, uint32_t k0, uint32_t k1) {
  myr_philox_out r;
  int i;
  for (i = 0; i < 10; ++i) {
    myr_philox_round(&c0, &c1, &c2, &c3, k0, k1);
    k0 += MYR_PHILOX_W0;
    k1 += MYR_PHILOX_W1;
  }
  r.v[0] = c0;
  r.v[1] = c1;
  r.v[2] = c2;
  r.v[3] = c3;
  return r;
}

/* the Myriad counter layout (see top of file) */
MYR_HD myr_philox_out myr_draw(uint64_t seed, uint32_t env, uint64_t clock,
                               uint32_t stream, uint32_t sub) {
  return myr_philox4x32_10(env, (uint32_t)clock, (uint32_t)(clock >> 32),
                           (stream << 24) | (sub & 0xFFFFFFu), (uint32_t)seed,
                           (uint32_t)(seed >> 32));
}

/* uniform float in [0, 1) with 24 random bits */
MYR_HD float myr_u01f(uint32_t u) {
  return (float)(u >> 8) * 5.9604644775390625e-8f;
}

/* uniform float in (0, 1] with 24 random bits (safe for log) */
MYR_HD float myr_u01f_open0(uint32_t u) {
  return (float)((u >> 8) + 1u) * 5.9604644775390625e-8f;
}

/* uniform double in [0, 1) with 53 random bits from two words */
MYR_HD double myr_u01d(uint32_t hi, uint32_t lo) {
  uint64_t m = ((uint64_t)(hi >> 5) << 26) | (uint64_t)(lo >> 6);
  return (double)m * 1.1102230246251565404e-16;
}

/* uniform double in (0, 1] */
MYR_HD double myr_u01d_open0(uint32_t hi, uint32_t lo) {
  uint64_t m = ((uint64_t)(hi >> 5) << 26) | (uint64_t)(lo >> 6);
  return (double)(m + 1u) * 1.1102230246251565404e-16;
}

/* SplitMix64 (Steele, Lea & Flood 2014): the finaliser, a bijective mix of
 * 64 bits (the state hash), and the generator built on it, which advances
 * its state by the golden gamma (the SSA's per-env-step stream) */
MYR_HD uint64_t myr_mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

MYR_HD uint64_t myr_splitmix64(uint64_t* state) {
  return myr_mix64(*state += 0x9E3779B97F4A7C15ull);
}

#endif /* MYR_CORE_PHILOX_H */
