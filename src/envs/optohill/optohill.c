/*
 * optohill.c -- the opto-hill-1d environment class: one species X produced
 * at a light-dependent Hill rate and degraded linearly, simulated exactly
 * with Gillespie's direct method (physics.h) for dt = 5 minutes
 * per step with the light held.  A system-identification task: action =
 * light U in [0, 1] (Box(0, 1, (1,)), clipped), obs [X/100], reward 0,
 * episodes truncate after 288 steps (24 h), reset X = x0 (default 0).
 *
 * State per env: the count X and the step counter (8 bytes).  The
 * precision option has no effect: counts are integers and the SSA works in
 * float64 in both modes.  Every kinetic parameter may be randomised per
 * env (myr__param()).  Reaction-cap hits go to stats->cap_hits.
 */
#include <math.h>
#include <string.h>

#include "../../task/task.h"
#include "physics.h"

#define OH_PARAMS(P) \
  P(OH_K_PROD, "k_prod", 5.0, 0.0, 1e6, 0, "1/min", "maximal production rate", k_prod) \
  P(OH_K, "K", 0.5, 1e-9, 1e3, 0, "", "light of half-maximal production", K) \
  P(OH_N, "n", 2.0, 0.0, 100.0, 0, "", "Hill coefficient", n) \
  P(OH_K_DEG, "k_deg", 0.05, 0.0, 1e3, 0, "1/min", "degradation rate per molecule", k_deg) \
  P(OH_DT, "dt", 5.0, 1e-6, 1e4, 0, "min", "time per step (light held)", dt) \
  P(OH_MAX_STEPS, "max_steps", 288.0, 1.0, 2147483647.0, 1, "steps", "truncation horizon", max_steps) \
  P(OH_MAX_REACTIONS, "max_reactions", 10000.0, 1.0, 16777215.0, 1, "", "cap on reactions per step (hits are counted)", max_reactions) \
  P(OH_X0, "x0", 0.0, 0.0, 1e9, 1, "molecules", "X at reset", x0)

enum { OH_PARAMS(MYR__PARAM_ENUM) OH_NUM_PARAMS };

#define OH_STATE(F, H)                                                      \
  F(OH_XC, "X", I32, "molecules", "count of the species", 1, MYR_COUNT_MAX) \
  F(OH_T, "t", I32, "steps", "steps since reset", 1, 0)

enum { OH_STATE(MYR__ENUM_F, MYR__ENUM_H) OH_NUM_COLS };
MYR__DEFINE_TABLES(OH_PARAMS, OH_STATE)

static void observe1(const myr__env* e, int64_t i, float* o) {
  o[0] = (float)e->col[OH_XC].i[i] / 100.0f;
}

static void reset1(const myr__env* e, int64_t i, uint64_t clock,
                   uint32_t stream) {
  (void)clock;
  (void)stream; /* deterministic reset: X = x0 */
  e->col[OH_XC].i[i] = (int32_t)myr__param(e, OH_X0, i);
  e->col[OH_T].i[i] = 0;
}

static myr__one advance(const myr__env* e, int64_t i, int64_t k, int kind,
                        const myr__io* io, myr__stats* st) {
  myr_optohill_params p;
  myr__one r;
  int32_t* x = e->col[OH_XC].i;
  int32_t* t = e->col[OH_T].i;
  double u = (double)io->act_f[k];
  int32_t cap_hit;
  (void)kind;
  p.k_prod = myr__param(e, OH_K_PROD, i);
  p.K = myr__param(e, OH_K, i);
  p.n = myr__param(e, OH_N, i);
  p.k_deg = myr__param(e, OH_K_DEG, i);
  p.dt = myr__param(e, OH_DT, i);
  p.max_reactions = (int32_t)myr__param(e, OH_MAX_REACTIONS, i);
  u = u < 0.0 ? 0.0 : (u > 1.0 ? 1.0 : u);
  st->reactions += myr_optohill_ssa(&p, u, &x[i], e->seed,
                                    (uint32_t)(e->env_offset + i), io->clock,
                                    &cap_hit);
  st->cap_hits += cap_hit;
  r = myr__one_counted(&t[i], (int32_t)myr__param(e, OH_MAX_STEPS, i), 0.0f, 0,
                       0.0);
  /* also truncated with X at MYR_COUNT_MAX (no production past it) */
  r.truncated = (uint8_t)(r.truncated | (x[i] >= MYR_COUNT_MAX));
  return r;
}

MYR__DEFINE_EACH(oh, 1, advance, reset1, observe1)

const myr__env_class myr__optohill_class = {
    .info = {.id = "opto-hill-1d", .aliases = "optohill",
             .description = "light-induced production, linear decay; exact SSA (system id)",
             .obs_dim = 1, .obs_low = 0.0f, .obs_high = INFINITY,
             .action_space = {MYR_SPACE_BOX, 1, 0.0f, 1.0f},
             MYR__INFO_TABLES(OH_STATE), .max_steps_default = 288,
             .observation = "[X/100]", .reward = "0 (system identification)"},
    /* no init(): no constants, every parameter is read per env */
    MYR__CLASS_COLS, .per_env_params = 1,
    .reset = oh_reset, .step = oh_step, .observe = oh_observe,
};
