/*
 * optohill.c -- the opto-hill-1d environment class: one species X produced
 * at a light-dependent Hill rate and degraded linearly, simulated exactly
 * with Gillespie's direct method (src/core/optohill.h) for dt = 5 minutes
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

enum {
  OH_K_PROD,
  OH_K,
  OH_N,
  OH_K_DEG,
  OH_DT,
  OH_MAX_STEPS,
  OH_MAX_REACTIONS,
  OH_X0,
  OH_NUM_PARAMS
};

static const myr_param_info params[] = {
    {"k_prod", 5.0, 0.0, 1e6, 0, "1/min", "maximal production rate"},
    {"K", 0.5, 1e-9, 1e3, 0, "", "light of half-maximal production"},
    {"n", 2.0, 0.0, 100.0, 0, "", "Hill coefficient"},
    {"k_deg", 0.05, 0.0, 1e3, 0, "1/min", "degradation rate per molecule"},
    {"dt", 5.0, 1e-6, 1e4, 0, "min", "time per step (light held)"},
    {"max_steps", 288.0, 1.0, 2147483647.0, 1, "steps", "truncation horizon"},
    {"max_reactions", 10000.0, 1.0, 16777215.0, 1, "",
     "cap on reactions per step (hits are counted)"},
    {"x0", 0.0, 0.0, 1e9, 1, "molecules", "X at reset"},
};

#define OH_STATE(F, H)                                                      \
  F(OH_XC, "X", I32, "molecules", "count of the species", 1, MYR_COUNT_MAX) \
  F(OH_T, "t", I32, "steps", "steps since reset", 1, 0)

enum { OH_STATE(MYR__ENUM_F, MYR__ENUM_H) OH_NUM_COLS };
static const myr_field_info fields[] = {OH_STATE(MYR__INFO_F, MYR__INFO_H)};
static const uint8_t types[] = {OH_STATE(MYR__TYPE_F, MYR__TYPE_H)};

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
  t[i] += 1;
  r.reward = 0.0f;
  r.terminated = 0;
  /* the horizon, or X at MYR_COUNT_MAX (no production past it) */
  r.truncated = (uint8_t)(t[i] >= (int32_t)myr__param(e, OH_MAX_STEPS, i) ||
                          x[i] >= MYR_COUNT_MAX);
  r.ret = 0.0;
  r.length = t[i];
  return r;
}

static void oh_reset(const myr__env* e, uint64_t clock, int64_t begin,
                     int64_t end, const uint8_t* mask, uint32_t stream,
                     float* obs) {
  myr__reset_each(e, clock, begin, end, mask, stream, obs, 1, reset1, observe1);
}

static void oh_step(const myr__env* e, int64_t begin, int64_t end,
                    const myr__io* io, myr__stats* st) {
  myr__step_each(e, begin, end, io, st, 1, advance, reset1, observe1);
}

static void oh_observe(const myr__env* e, int64_t begin, int64_t end,
                       float* obs) {
  myr__observe_each(e, begin, end, obs, 1, observe1);
}

const myr__env_class myr__optohill_class = {
    {"opto-hill-1d", "optohill",
     "light-induced production, linear decay; exact SSA (system id)", 1, 0.0f,
     INFINITY, {MYR_SPACE_BOX, 1, 0.0f, 1.0f}, OH_NUM_PARAMS, params,
     (int32_t)(sizeof fields / sizeof fields[0]), fields, 288,
     OH_STATE(MYR__BYTES_F, MYR__BYTES_H) + 1,
     "[X/100]",
     "0 (system identification)"},
    types,
    OH_NUM_COLS,
    1,
    NULL,
    NULL, /* no constants: every parameter is read per env */
    NULL,
    oh_reset,
    oh_step,
    oh_observe,
    NULL,
    NULL,
};
