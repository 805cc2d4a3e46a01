/*
 * mountaincar.c -- the MountainCar-v0 environment class (Gymnasium
 * classic_control/mountain_car.py): actions {0 push left, 1 no push,
 * 2 push right}, reward -1 on every step, terminated at the goal,
 * truncated after max_steps (200).  Reset: x ~ U(-0.6, -0.4), v = 0.
 *
 * State per env: position and velocity (float32 or float64 arrays by
 * precision) and the step counter; the episode return is -length.  Any
 * parameter may be randomised per env (read through myr__param()).  Built
 * with -ffp-contract=off so the float64 path keeps Gymnasium's rounding.
 */
#include <math.h>
#include <string.h>

#include "physics.h"
#include "../../engine/internal.h"

enum {
  MC_MIN_POSITION,
  MC_MAX_POSITION,
  MC_MAX_SPEED,
  MC_GOAL_POSITION,
  MC_GOAL_VELOCITY,
  MC_FORCE,
  MC_GRAVITY,
  MC_MAX_STEPS,
  MC_RESET_LOW,
  MC_RESET_HIGH,
  MC_NUM_PARAMS
};

static const myr_param_info params[MC_NUM_PARAMS] = {
    {"min_position", -1.2, -1e3, 1e3, 0, "m", "left wall (inelastic)"},
    {"max_position", 0.6, -1e3, 1e3, 0, "m", "right end of the track"},
    {"max_speed", 0.07, 0.0, 1e3, 0, "m/step", "|velocity| is clipped to this"},
    {"goal_position", 0.5, -1e3, 1e3, 0, "m", "x >= this ends the episode"},
    {"goal_velocity", 0.0, -1e3, 1e3, 0, "m/step",
     "... if also velocity >= this"},
    {"force", 0.001, 0.0, 1e3, 0, "m/step^2", "push of actions 0 and 2"},
    {"gravity", 0.0025, 0.0, 1e3, 0, "m/step^2", "gravity along the hill"},
    {"max_steps", 200.0, 1.0, 2147483647.0, 1, "steps", "truncation horizon"},
    {"reset_low", -0.6, -1e3, 1e3, 0, "m", "reset draws x ~ U(low, high)"},
    {"reset_high", -0.4, -1e3, 1e3, 0, "m", "reset draws x ~ U(low, high)"},
};

static const myr_field_info fields[] = {
    {"position", "m", "position on the track", 0, 1, 0},
    {"velocity", "m/step", "velocity", 0, 1, 0},
    {"t", "steps", "steps since reset", 1, 1, 0},
};

typedef struct mc_env {
  myr_mountaincar_params p;
  myr_mountaincar_params_f pf;
  int random;
  float* x;      /* float32 mode (n) */
  float* v;
  double* x64;   /* float64 mode (n) */
  double* v64;
  int32_t* t;    /* steps since reset (n) */
} mc_env;

static void load_params(const myr_batch* b, int64_t i,
                        myr_mountaincar_params* p) {
  p->min_position = myr__param(b, MC_MIN_POSITION, i);
  p->max_position = myr__param(b, MC_MAX_POSITION, i);
  p->max_speed = myr__param(b, MC_MAX_SPEED, i);
  p->goal_position = myr__param(b, MC_GOAL_POSITION, i);
  p->goal_velocity = myr__param(b, MC_GOAL_VELOCITY, i);
  p->force = myr__param(b, MC_FORCE, i);
  p->gravity = myr__param(b, MC_GRAVITY, i);
  p->max_steps = (int32_t)myr__param(b, MC_MAX_STEPS, i);
  p->reset_low = myr__param(b, MC_RESET_LOW, i);
  p->reset_high = myr__param(b, MC_RESET_HIGH, i);
}

/* the track must be non-empty and the reset range inside it */
static int mc_validate(const double* v) {
  if (!(v[MC_MIN_POSITION] < v[MC_MAX_POSITION]))
    return myr__fail(MYR_ERANGE, "mountaincar-v0: min_position must be < "
                     "max_position");
  if (!(v[MC_RESET_LOW] <= v[MC_RESET_HIGH]))
    return myr__fail(MYR_ERANGE, "mountaincar-v0: reset_low must be <= "
                     "reset_high");
  return MYR_OK;
}

static int mc_init(myr_batch* b) {
  mc_env* E = (mc_env*)myr__alloc(sizeof *E);
  int32_t k;
  if (E == NULL) return myr__fail(MYR_ENOMEM, "out of memory (mountaincar)");
  memset(E, 0, sizeof *E);
  for (k = 0; k < MC_NUM_PARAMS; ++k) E->random |= b->param_randomised[k];
  b->env = E;
  load_params(b, 0, &E->p);
  E->pf = myr_mountaincar_params_to_f(&E->p);
  return MYR_OK;
}

static void mc_fini(myr_batch* b) {
  myr__free(b->env);
  b->env = NULL;
}

static void mc_bind(myr_batch* b, myr__arena* a) {
  mc_env* E = (mc_env*)b->env;
  int64_t n = b->num_envs;
  if (b->precision == MYR_FLOAT32) {
    E->x = (float*)myr__arena_take(a, n, sizeof(float));
    E->v = (float*)myr__arena_take(a, n, sizeof(float));
  } else {
    E->x64 = (double*)myr__arena_take(a, n, sizeof(double));
    E->v64 = (double*)myr__arena_take(a, n, sizeof(double));
  }
  E->t = (int32_t*)myr__arena_take(a, n, sizeof(int32_t));
}

static void observe_one(const mc_env* E, const myr_batch* b, int64_t i,
                        float* o) {
  if (b->precision == MYR_FLOAT32) {
    o[0] = E->x[i];
    o[1] = E->v[i];
  } else {
    o[0] = (float)E->x64[i];
    o[1] = (float)E->v64[i];
  }
}

static void reset_one(myr_batch* b, int64_t i, uint64_t clock, uint32_t stream,
                      float* obs) {
  mc_env* E = (mc_env*)b->env;
  myr_philox_out r =
      myr_draw(b->seed, (uint32_t)(b->env_offset + i), clock, stream, b->epoch);
  double lo = myr__param(b, MC_RESET_LOW, i), hi = myr__param(b, MC_RESET_HIGH, i);
  double x = lo + (hi - lo) * myr_u01d(r.v[0], r.v[1]);
  if (b->precision == MYR_FLOAT32) {
    E->x[i] = (float)x;
    E->v[i] = 0.0f;
  } else {
    E->x64[i] = x;
    E->v64[i] = 0.0;
  }
  E->t[i] = 0;
  if (obs != NULL) observe_one(E, b, i, obs);
}

static void mc_reset(myr_batch* b, int64_t begin, int64_t end,
                     const uint8_t* mask, uint32_t stream, float* obs) {
  int64_t i;
  for (i = begin; i < end; ++i)
    if (mask == NULL || mask[i])
      reset_one(b, i, b->clock, stream, obs ? obs + (i - begin) * 2 : NULL);
}

/* physics of env i; returns terminated */
static uint8_t physics(mc_env* E, const myr_batch* b, int64_t i, int32_t a,
                       int32_t* max_steps) {
  int32_t te;
  if (b->precision == MYR_FLOAT32) {
    if (E->random) {
      myr_mountaincar_params p;
      myr_mountaincar_params_f pf;
      load_params(b, i, &p);
      pf = myr_mountaincar_params_to_f(&p);
      te = myr_mountaincar_step_f(&pf, &E->x[i], &E->v[i], a);
      *max_steps = p.max_steps;
    } else {
      te = myr_mountaincar_step_f(&E->pf, &E->x[i], &E->v[i], a);
      *max_steps = E->p.max_steps;
    }
  } else {
    myr_mountaincar_params p = E->p;
    if (E->random) load_params(b, i, &p);
    te = myr_mountaincar_step_d(&p, &E->x64[i], &E->v64[i], a);
    *max_steps = p.max_steps;
  }
  return (uint8_t)te;
}

static void mc_step(myr_batch* b, int64_t begin, int64_t end,
                    const myr__io* io, myr__stats* st) {
  mc_env* E = (mc_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) {
    int64_t k = i - begin;
    int32_t max_steps;
    uint8_t te, tr;
    if (myr__next_step_due(b, i, k, io)) {
      reset_one(b, i, io->clock, MYR_STREAM_AUTORESET,
                io->obs ? io->obs + 2 * k : NULL);
      continue;
    }
    te = physics(E, b, i, io->act_i[k], &max_steps);
    E->t[i] += 1;
    tr = (uint8_t)(E->t[i] >= max_steps);
    if (myr__step_end(b, i, k, io, st, -1.0f, te, tr, -(double)E->t[i],
                      E->t[i])) {
      if (io->final_obs != NULL) observe_one(E, b, i, io->final_obs + 2 * k);
      reset_one(b, i, io->clock, MYR_STREAM_AUTORESET, NULL);
    }
    if (io->obs != NULL) observe_one(E, b, i, io->obs + 2 * k);
  }
}

static void mc_observe(const myr_batch* b, int64_t begin, int64_t end,
                       float* obs) {
  const mc_env* E = (const mc_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) observe_one(E, b, i, obs + 2 * (i - begin));
}

static void mc_get_field(const myr_batch* b, int32_t f, int64_t begin,
                         int64_t end, double* out) {
  const mc_env* E = (const mc_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) {
    double v;
    if (f == 2)
      v = (double)E->t[i];
    else if (b->precision == MYR_FLOAT32)
      v = (double)(f == 0 ? E->x[i] : E->v[i]);
    else
      v = f == 0 ? E->x64[i] : E->v64[i];
    out[i - begin] = v;
  }
}

static void mc_set_field(myr_batch* b, int32_t f, int64_t begin, int64_t end,
                         const double* in) {
  mc_env* E = (mc_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) {
    double v = in[i - begin];
    if (f == 2)
      E->t[i] = (int32_t)v;
    else if (b->precision == MYR_FLOAT32)
      *(f == 0 ? &E->x[i] : &E->v[i]) = (float)v;
    else
      *(f == 0 ? &E->x64[i] : &E->v64[i]) = v;
  }
}

const myr__env_class myr__mountaincar_class = {
    {"mountaincar-v0", "mountaincar,MountainCar-v0",
     "under-powered car in a valley (Gymnasium MountainCar-v0)", 2, -1.2f, 0.6f,
     {MYR_SPACE_DISCRETE, 3, 0.0f, 2.0f}, MC_NUM_PARAMS, params,
     (int32_t)(sizeof fields / sizeof fields[0]), fields, 200,
     2 * sizeof(float) + sizeof(int32_t) + sizeof(uint8_t),
     "[position (m), velocity (m/step)]",
     "-1 on every step"},
    mc_validate,
    mc_init,
    mc_fini,
    mc_bind,
    mc_reset,
    mc_step,
    mc_observe,
    mc_get_field,
    mc_set_field,
    NULL,
    myr__param_get,
};
