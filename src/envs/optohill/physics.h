/*
 * optohill.h -- opto-hill-1d: one species X made under light and degraded,
 * simulated exactly with Gillespie's direct method (Gillespie 1977).
 *
 *   R1: X+1 at k_prod * hill(U; K, n),  hill(U) = U^n / (K^n + U^n)
 *   R2: X-1 at k_deg * X
 *
 * The light U in [0, 1] is held for one step of dt minutes.  Exactness
 * rules (as for the gene circuit): a reaction whose time falls beyond the
 * step boundary is not applied (memorylessness makes discarding it and
 * drawing afresh next step exact); when the total propensity is 0 nothing
 * happens; a cap on reactions per step stops the step early and is
 * counted, never silent.  Under constant U the stationary law is Poisson
 * with mean k_prod hill(U) / k_deg (80 under full light with the defaults).
 *
 * Reaction r of a step draws one Philox block at counter (env, clock,
 * MYR_STREAM_SSA, r): words 0-1 give the waiting time, 2-3 the choice.
 */
#ifndef MYR_CORE_OPTOHILL_H
#define MYR_CORE_OPTOHILL_H

#include "../../core/common.h"
#include "../../core/philox.h"

#if !defined(__CUDACC__)
#  include <math.h>
#endif

/* Kinetic constants of one env (float64); read-only while stepping. */
typedef struct myr_optohill_params {
  double k_prod;        /* 1/min, maximal production rate */
  double K;             /* light level of half-maximal production */
  double n;             /* Hill coefficient */
  double k_deg;         /* 1/min, degradation rate per molecule */
  double dt;            /* min per step */
  int32_t max_reactions; /* cap on reactions per step */
} myr_optohill_params;

/* hill(U; K, n) for U in [0, 1] */
MYR_HD double myr_optohill_hill(const myr_optohill_params* p, double u) {
  double un;
  if (!(u > 0.0)) return 0.0;
  un = pow(u, p->n);
  return un / (pow(p->K, p->n) + un);
}

/* Advance one env by dt under light u (already clipped to [0, 1]).
 * *x is the molecule count.  Returns the reactions fired; *cap_hit is set
 * to 1 if the cap, or a production that would take X past MYR_COUNT_MAX,
 * stopped the step early. */
MYR_HD int32_t myr_optohill_ssa(const myr_optohill_params* p, double u,
                                int32_t* x, uint64_t seed, uint32_t env,
                                uint64_t clock, int32_t* cap_hit) {
  double a1 = p->k_prod * myr_optohill_hill(p, u);
  double t = 0.0;
  int32_t count = 0, xi = *x;
  *cap_hit = 0;
  for (;;) {
    double a0 = a1 + p->k_deg * (double)xi;
    myr_philox_out r;
    if (!(a0 > 0.0)) break; /* nothing can happen */
    r = myr_draw(seed, env, clock, MYR_STREAM_SSA, (uint32_t)count);
    t += -log(myr_u01d_open0(r.v[0], r.v[1])) / a0;
    if (t > p->dt) break; /* beyond the boundary: not applied */
    if (myr_u01d(r.v[2], r.v[3]) * a0 < a1) {
      if (xi >= MYR_COUNT_MAX) { /* the count bound ends the step */
        *cap_hit = 1;
        break;
      }
      xi += 1;
    } else {
      xi -= 1;
    }
    if (++count >= p->max_reactions) {
      *cap_hit = 1;
      break;
    }
  }
  *x = xi;
  return count;
}

#endif /* MYR_CORE_OPTOHILL_H */
