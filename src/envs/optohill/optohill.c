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

#include "physics.h"
#include "../../engine/internal.h"

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

static const myr_param_info params[OH_NUM_PARAMS] = {
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

static const myr_field_info fields[] = {
    {"X", "molecules", "count of the species", 1, 1, MYR_COUNT_MAX},
    {"t", "steps", "steps since reset", 1, 1, 0},
};

typedef struct oh_env {
  int32_t* x; /* molecules (n) */
  int32_t* t; /* steps since reset (n) */
} oh_env;

static int oh_init(myr_batch* b) {
  oh_env* E = (oh_env*)myr__alloc(sizeof *E);
  if (E == NULL) return myr__fail(MYR_ENOMEM, "out of memory (opto-hill)");
  memset(E, 0, sizeof *E);
  b->env = E;
  return MYR_OK;
}

static void oh_fini(myr_batch* b) {
  myr__free(b->env);
  b->env = NULL;
}

static void oh_bind(myr_batch* b, myr__arena* a) {
  oh_env* E = (oh_env*)b->env;
  E->x = (int32_t*)myr__arena_take(a, b->num_envs, sizeof(int32_t));
  E->t = (int32_t*)myr__arena_take(a, b->num_envs, sizeof(int32_t));
}

static void reset_one(myr_batch* b, int64_t i, float* obs) {
  oh_env* E = (oh_env*)b->env;
  E->x[i] = (int32_t)myr__param(b, OH_X0, i);
  E->t[i] = 0;
  if (obs != NULL) obs[0] = (float)E->x[i] / 100.0f;
}

static void oh_reset(myr_batch* b, int64_t begin, int64_t end,
                     const uint8_t* mask, uint32_t stream, float* obs) {
  int64_t i;
  (void)stream;
  for (i = begin; i < end; ++i)
    if (mask == NULL || mask[i]) reset_one(b, i, obs ? obs + (i - begin) : NULL);
}

static void oh_step(myr_batch* b, int64_t begin, int64_t end,
                    const myr__io* io, myr__stats* st) {
  oh_env* E = (oh_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) {
    int64_t k = i - begin;
    myr_optohill_params p;
    double u = (double)io->act_f[k];
    int32_t cap_hit, max_steps;
    uint8_t tr;
    if (myr__next_step_due(b, i, k, io)) {
      reset_one(b, i, io->obs ? io->obs + k : NULL);
      continue;
    }
    p.k_prod = myr__param(b, OH_K_PROD, i);
    p.K = myr__param(b, OH_K, i);
    p.n = myr__param(b, OH_N, i);
    p.k_deg = myr__param(b, OH_K_DEG, i);
    p.dt = myr__param(b, OH_DT, i);
    p.max_reactions = (int32_t)myr__param(b, OH_MAX_REACTIONS, i);
    max_steps = (int32_t)myr__param(b, OH_MAX_STEPS, i);
    u = u < 0.0 ? 0.0 : (u > 1.0 ? 1.0 : u);
    st->reactions += myr_optohill_ssa(&p, u, &E->x[i], b->seed,
                                      (uint32_t)(b->env_offset + i), io->clock,
                                      &cap_hit);
    st->cap_hits += cap_hit;
    E->t[i] += 1;
    /* the horizon, or X at MYR_COUNT_MAX (no production past it) */
    tr = (uint8_t)(E->t[i] >= max_steps || E->x[i] >= MYR_COUNT_MAX);
    if (myr__step_end(b, i, k, io, st, 0.0f, 0, tr, 0.0, E->t[i])) {
      if (io->final_obs != NULL) io->final_obs[k] = (float)E->x[i] / 100.0f;
      reset_one(b, i, NULL);
    }
    if (io->obs != NULL) io->obs[k] = (float)E->x[i] / 100.0f;
  }
}

static void oh_observe(const myr_batch* b, int64_t begin, int64_t end,
                       float* obs) {
  const oh_env* E = (const oh_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) obs[i - begin] = (float)E->x[i] / 100.0f;
}

static void oh_get_field(const myr_batch* b, int32_t f, int64_t begin,
                         int64_t end, double* out) {
  const oh_env* E = (const oh_env*)b->env;
  const int32_t* src = f == 0 ? E->x : E->t;
  int64_t i;
  for (i = begin; i < end; ++i) out[i - begin] = (double)src[i];
}

static void oh_set_field(myr_batch* b, int32_t f, int64_t begin, int64_t end,
                         const double* in) {
  oh_env* E = (oh_env*)b->env;
  int32_t* dst = f == 0 ? E->x : E->t;
  int64_t i;
  for (i = begin; i < end; ++i) dst[i] = (int32_t)in[i - begin];
}

const myr__env_class myr__optohill_class = {
    {"opto-hill-1d", "optohill",
     "light-induced production, linear decay; exact SSA (system id)", 1, 0.0f,
     INFINITY, {MYR_SPACE_BOX, 1, 0.0f, 1.0f}, OH_NUM_PARAMS, params,
     (int32_t)(sizeof fields / sizeof fields[0]), fields, 288,
     2 * sizeof(int32_t) + sizeof(uint8_t),
     "[X/100]",
     "0 (system identification)"},
    NULL,
    oh_init,
    oh_fini,
    oh_bind,
    oh_reset,
    oh_step,
    oh_observe,
    oh_get_field,
    oh_set_field,
    NULL,
    myr__param_get,
};
