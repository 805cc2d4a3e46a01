/*
 * ccasr.h -- the CcaS-CcaR light-inducible gene circuit: propensities and
 * one exact Gillespie (direct method) iteration of one environment.
 *
 * Model: light U in {0, 1} drives CcaS-CcaR (H),
 * which drives GFP (F), with GFP self-activation.  Integer counts, time in
 * minutes, five reactions with propensities
 *   R1  H -> H + 1   eta * U
 *   R2  H -> H - 1   nu * H
 *   R3  F -> F + 1   0.5 * a * hill(H; Kh, nh)
 *   R4  F -> F + 1   0.5 * a * hill(F; Kf, nf)
 *   R5  F -> F - 1   nu * F
 * with hill(x; K, n) = x^n / (K^n + x^n).  The direct method (Gillespie,
 * J. Comput. Phys. 22:403, 1976; J. Phys. Chem. 81:2340, 1977) draws the
 * waiting time tau = -log(u1) / a0 with a0 the total propensity and picks
 * reaction j with probability a_j / a0 from u2.
 *
 * Invariants of one RL step (the action held constant for dt minutes):
 *  - a reaction whose time falls beyond the step boundary is not applied;
 *    by memorylessness the next step draws a fresh waiting time, which is
 *    exact (discard and resample);
 *  - when a0 == 0 nothing fires and nothing is divided by zero;
 *  - a reaction with zero propensity can never be chosen: the cumulative
 *    sums c1 <= c2 <= c3 <= a0 are computed once, in one order, and the
 *    selector r = u2 * a0 satisfies 0 <= r < a0 (u2 <= 1 - 2^-24 and
 *    round-to-nearest), so an empty interval [c, c) is never hit and the
 *    counts never go negative;
 *  - at most `cap` reactions are applied per step; when one more would
 *    fire inside the step the step ends there and the hit is reported;
 *  - a count never passes MYR_COUNT_MAX (common.h): a reaction that would
 *    take it there ends the step the same way (a cap hit), so H and F stay
 *    in [0, 2^30] and the table index is always valid.
 *
 * Speed choices (the reaction loop is the hot path; see ccasr.c):
 *  - float32 propensities and times.  The relative rounding of a0 and tau
 *    is ~1e-7, far below the statistical resolution of any simulation;
 *  - the R3 and R4 propensities are tabulated over integer counts when the
 *    kinetic parameters are shared by all envs (myr_ccasr_tables), and
 *    computed in double beyond the table, so a lookup and the formula give
 *    the same float;
 *  - -log(u1) by Cephes' logf polynomial (below) instead of libm, so the
 *    lane loop vectorises; u1 has 24 random bits in (0, 1], so waiting
 *    times beyond -log(2^-24) = 16.6 mean times (probability 6e-8 per
 *    draw) are cut off, a negligible bias;
 *  - the random numbers of one env-step come from SplitMix64 (Steele, Lea
 *    & Flood, OOPSLA 2014) seeded by one Philox call keyed by (seed, env,
 *    clock), so results are a pure function of those three whatever the
 *    thread count, block or chunk size.  One 64-bit output feeds one
 *    reaction: low 32 bits -> u1, high 32 bits -> u2.
 */
#ifndef MYR_CORE_CCASR_H
#define MYR_CORE_CCASR_H

#include "../../core/common.h"
#include "../../core/philox.h"

#if !defined(__CUDACC__)
#  include <math.h>
#endif

/* entries of the tabulated R3/R4 propensities (counts 0 .. TABLE-1) */
#define MYR_CCASR_TABLE 1024

/* Kinetic constants shared by all envs; read-only while stepping. */
typedef struct myr_ccasr_params {
  double eta; /* 1/min, R1 rate per unit light */
  double nu;  /* 1/min, degradation/dilution of H and F (R2, R5) */
  double a;   /* 1/min, GFP production; R3 and R4 each get 0.5 * a */
  double Kh;  /* molecules, half-activation of R3 by H */
  double nh;  /* Hill exponent of R3 */
  double Kf;  /* molecules, half-activation of R4 by F */
  double nf;  /* Hill exponent of R4 */
  double dt;  /* min, one RL step */
  int32_t cap; /* reactions per env-step at most */
} myr_ccasr_params;

/* R3 and R4 propensities, 0.5 * a * hill(x), over counts 0 .. TABLE-1 */
typedef struct myr_ccasr_tables {
  float r3[MYR_CCASR_TABLE]; /* 1/min, indexed by H */
  float r4[MYR_CCASR_TABLE]; /* 1/min, indexed by F */
} myr_ccasr_tables;

/* hill(x; K, n) = x^n / (K^n + x^n) = 1 / (1 + (K/x)^n), which stays
 * finite for any exponent (0 for x = 0) */
MYR_HD double myr_ccasr_hill(double x, double K, double n) {
  if (x <= 0.0) return 0.0;
  return 1.0 / (1.0 + pow(K / x, n));
}

/* the float propensity 0.5 * a * hill(x; K, n) used by tables and lanes */
MYR_HD float myr_ccasr_prop(double x, double a, double K, double n) {
  return (float)(0.5 * a * myr_ccasr_hill(x, K, n));
}

MYR_HD void myr_ccasr_tables_fill(myr_ccasr_tables* t,
                                  const myr_ccasr_params* p) {
  int32_t x;
  for (x = 0; x < MYR_CCASR_TABLE; ++x) {
    t->r3[x] = myr_ccasr_prop((double)x, p->a, p->Kh, p->nh);
    t->r4[x] = myr_ccasr_prop((double)x, p->a, p->Kf, p->nf);
  }
}

/* R3 propensity at count h: the table, or the formula beyond it */
MYR_HD float myr_ccasr_r3(const myr_ccasr_tables* t, const myr_ccasr_params* p,
                          int32_t h) {
  return h < MYR_CCASR_TABLE ? t->r3[h]
                             : myr_ccasr_prop((double)h, p->a, p->Kh, p->nh);
}

MYR_HD float myr_ccasr_r4(const myr_ccasr_tables* t, const myr_ccasr_params* p,
                          int32_t f) {
  return f < MYR_CCASR_TABLE ? t->r4[f]
                             : myr_ccasr_prop((double)f, p->a, p->Kf, p->nf);
}

/* natural log of a positive normal float: Cephes logf (Moshier 1989),
 * range reduction to [sqrt(1/2), sqrt(2)) and a degree-9 polynomial, about
 * 1 ulp; branch-free so that lane loops vectorise */
MYR_HD float myr_logf_fast(float v) {
  union {
    float f;
    uint32_t u;
  } c;
  int32_t e, lo;
  float x, z, y, ef;
  c.f = v;
  e = (int32_t)(c.u >> 23) - 126; /* v = m * 2^e, m in [0.5, 1) */
  c.u = (c.u & 0x007FFFFFu) | 0x3F000000u;
  x = c.f;
  /* m < sqrt(1/2): use 2m - 1 and e - 1, else m - 1 */
  lo = x < 0.707106781186547524f;
  e -= lo;
  x = myr_selectf(lo, x + x, x) - 1.0f;
  ef = (float)e;
  z = x * x;
  y = 7.0376836292e-2f;
  y = y * x - 1.1514610310e-1f;
  y = y * x + 1.1676998740e-1f;
  y = y * x - 1.2420140846e-1f;
  y = y * x + 1.4249322787e-1f;
  y = y * x - 1.6668057665e-1f;
  y = y * x + 2.0000714765e-1f;
  y = y * x - 2.4999993993e-1f;
  y = y * x + 3.3333331174e-1f;
  y = y * x * z;
  y += -2.12194440e-4f * ef;
  y += -0.5f * z;
  x = x + y;
  return x + 0.693359375f * ef;
}

/* One direct-method iteration of one env.  Inputs: whether the env's step
 * is still running (nothing changes if not), the light term eta*U, nu,
 * the current R3/R4 propensities r3 = prop(H), r4 = prop(F), and whether
 * counts may be near MYR_COUNT_MAX (`bounded`: 0 only where every count is
 * known to be small, as in the vectorised in-table sweep, so the check
 * compiles away there).
 * In/out: counts, time left in the step (min), generator, reactions
 * applied this step.  Returns 1 if a reaction was applied (the step goes
 * on), 0 if the step is over; *cap_hit is set when the cap ended it.
 * Branch-free (flags are 0/1 ints combined with & and ^, selects by bit
 * masks), so a loop over lanes vectorises. */
MYR_HD int32_t myr_ccasr_iter(int32_t active, float eta_u, float nu, float r3,
                              float r4, int32_t cap, int32_t bounded,
                              int32_t* h, int32_t* f, float* rem, uint64_t* rng,
                              int32_t* n, int32_t* cap_hit) {
  uint64_t z = myr_splitmix64(rng);
  uint32_t w1 = (uint32_t)z, w2 = (uint32_t)(z >> 32);
  /* cumulative propensities, in this order: H+1, F+1, H-1, F-1 */
  float c1 = eta_u;
  float c2 = c1 + (r3 + r4);
  float c3 = c2 + nu * (float)*h;
  float a0 = c3 + nu * (float)*f;
  int32_t live = a0 > 0.0f;
  float safe = myr_selectf(live, a0, 1.0f);
  /* waiting time; u1 in (0, 1] with 24 random bits */
  float u1 = (float)(int32_t)((w1 >> 8) + 1u) * 5.9604644775390625e-8f;
  float tau = -myr_logf_fast(u1) / safe;
  float left = *rem - tau;
  int32_t fire = active & live & (left >= 0.0f);
  /* which reaction: r in [0, a0) */
  float r = (float)(int32_t)(w2 >> 8) * 5.9604644775390625e-8f * a0;
  int32_t b1 = r < c1, b2 = r < c2, b3 = r < c3;
  int32_t dh = b1 - (b3 & (b2 ^ 1));
  int32_t df = (b2 & (b1 ^ 1)) - (b3 ^ 1);
  /* the cap, or a count that would pass MYR_COUNT_MAX, ends the step */
  int32_t full = bounded & (((dh > 0) & (*h >= MYR_COUNT_MAX)) |
                            ((df > 0) & (*f >= MYR_COUNT_MAX)));
  int32_t hit = fire & ((*n >= cap) | full);
  int32_t apply = fire & (hit ^ 1);
  *h += dh & -apply;
  *f += df & -apply;
  *rem = myr_selectf(apply, left, *rem);
  *n += apply;
  *cap_hit |= hit;
  return apply;
}

/* The generator of env g for the step at `clock`: one Philox call
 * (seed, g, clock, MYR_STREAM_SSA), words 1:0 as the SplitMix64 state.
 * Every backend seeds an env-step this way, so a seed means the same
 * trajectory everywhere. */
MYR_HD uint64_t myr_ccasr_rng_seed(uint64_t seed, uint32_t g, uint64_t clock) {
  myr_philox_out r = myr_draw(seed, g, clock, MYR_STREAM_SSA, 0);
  return ((uint64_t)r.v[1] << 32) | r.v[0];
}

/* One whole RL step of one env with the shared parameters, iterating
 * myr_ccasr_iter() until the step is over; the R3/R4 propensities come
 * from the table or, beyond it, the formula, re-evaluated only when a
 * count changes (the same floats either way).  eta_u = (float)eta * U,
 * rem = (float)dt on entry.  Adds the reactions applied to *n and sets
 * *cap_hit when the cap ended the step. */
MYR_HD void myr_ccasr_ssa_shared(const myr_ccasr_tables* t,
                                 const myr_ccasr_params* p, float eta_u,
                                 float nu, int32_t* h, int32_t* f, float* rem,
                                 uint64_t* rng, int32_t* n, int32_t* cap_hit) {
  int32_t h_at = *h, f_at = *f, active = 1;
  float r3 = myr_ccasr_r3(t, p, h_at);
  float r4 = myr_ccasr_r4(t, p, f_at);
  while (active) {
    if (*h != h_at) {
      h_at = *h;
      r3 = myr_ccasr_r3(t, p, h_at);
    }
    if (*f != f_at) {
      f_at = *f;
      r4 = myr_ccasr_r4(t, p, f_at);
    }
    active = myr_ccasr_iter(1, eta_u, nu, r3, r4, p->cap, 1, h, f, rem, rng, n,
                            cap_hit);
  }
}

/* target of the control task at step k (time k * dt): constant, or the
 * sine mean + amp * sin(2 pi t / period) with the phase reduced in double
 * so long runs keep full accuracy */
MYR_HD double myr_ccasr_target(int32_t sine, double constant, double mean,
                               double amp, double period, double dt,
                               int64_t k) {
  double tmin;
  if (!sine) return constant;
  tmin = fmod((double)k * dt, period);
  return mean + amp * sin(2.0 * 3.14159265358979323846 * tmin / period);
}

/* truncation of an episode after t steps: the horizon, or a count at
 * MYR_COUNT_MAX (the SSA applies no reaction past it, so the episode
 * cannot go on as the model says) */
MYR_HD int32_t myr_ccasr_truncated(int32_t t, int32_t max_steps, int32_t h,
                                   int32_t f) {
  return (t >= max_steps) | (h >= MYR_COUNT_MAX) | (f >= MYR_COUNT_MAX);
}

/* control reward -|F_{t+1} - target_{t+1}| (raw counts) */
MYR_HD float myr_ccasr_reward(int32_t f, float target) {
  return -fabsf((float)f - target);
}

#endif /* MYR_CORE_CCASR_H */
