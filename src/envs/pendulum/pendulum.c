/*
 * pendulum.c -- the Pendulum-v1 environment class (Gymnasium
 * classic_control/pendulum.py): continuous torque, reward -cost, never
 * terminates, truncated after max_steps (200).
 *
 * State per env: theta and theta_dot (float32 arrays in float32 mode,
 * float64 arrays in float64 mode), the step counter and the episode return
 * so far (statistics).  Any parameter may be randomised per env; the step
 * then reads that env's constants through myr__param().  Built with
 * -ffp-contract=off so the float64 path keeps Gymnasium's rounding.
 */
#include <math.h>
#include <string.h>

#include "physics.h"
#include "../../engine/internal.h"

enum {
  PD_G,
  PD_M,
  PD_L,
  PD_MAX_SPEED,
  PD_MAX_TORQUE,
  PD_DT,
  PD_MAX_STEPS,
  PD_RESET_THETA,
  PD_RESET_SPEED,
  PD_NUM_PARAMS
};

static const myr_param_info params[PD_NUM_PARAMS] = {
    {"g", 10.0, 0.0, 1000.0, 0, "m/s^2", "gravitational acceleration"},
    {"m", 1.0, 1e-6, 1e6, 0, "kg", "mass of the rod"},
    {"l", 1.0, 1e-6, 1e3, 0, "m", "length of the rod"},
    {"max_speed", 8.0, 0.0, 1e6, 0, "rad/s", "|theta_dot| is clipped to this"},
    {"max_torque", 2.0, 0.0, 1e6, 0, "N m",
     "|torque| is clipped to this (the action space stays [-2, 2])"},
    {"dt", 0.05, 1e-6, 1.0, 0, "s", "time step"},
    {"max_steps", 200.0, 1.0, 2147483647.0, 1, "steps", "truncation horizon"},
    {"reset_theta", 3.14159265358979323846, 0.0, 1e3, 0, "rad",
     "reset draws theta ~ U(-a, a)"},
    {"reset_speed", 1.0, 0.0, 1e3, 0, "rad/s",
     "reset draws theta_dot ~ U(-b, b)"},
};

static const myr_field_info fields[] = {
    {"theta", "rad", "angle from upright (not wrapped)", 0, 1, 0},
    {"theta_dot", "rad/s", "angular velocity", 0, 1, 0},
    {"t", "steps", "steps since reset", 1, 1, 0},
    {"ret", "", "return of the episode so far", 0, 0, 0},
};

typedef struct pd_env {
  myr_pendulum_params p;
  myr_pendulum_params_f pf;
  int random;        /* some parameter is randomised per env */
  float* th;         /* float32 mode (n) */
  float* thd;
  double* th64;      /* float64 mode (n) */
  double* thd64;
  int32_t* t;        /* steps since reset (n) */
  double* ret;       /* episode return so far (n) */
} pd_env;

/* constants of env i (shared unless randomised) */
static void load_params(const myr_batch* b, int64_t i, myr_pendulum_params* p) {
  p->g = myr__param(b, PD_G, i);
  p->m = myr__param(b, PD_M, i);
  p->l = myr__param(b, PD_L, i);
  p->max_speed = myr__param(b, PD_MAX_SPEED, i);
  p->max_torque = myr__param(b, PD_MAX_TORQUE, i);
  p->dt = myr__param(b, PD_DT, i);
  p->max_steps = (int32_t)myr__param(b, PD_MAX_STEPS, i);
  p->reset_theta = myr__param(b, PD_RESET_THETA, i);
  p->reset_speed = myr__param(b, PD_RESET_SPEED, i);
}

static int pd_init(myr_batch* b) {
  pd_env* E = (pd_env*)myr__alloc(sizeof *E);
  int32_t k;
  if (E == NULL) return myr__fail(MYR_ENOMEM, "out of memory (pendulum)");
  memset(E, 0, sizeof *E);
  for (k = 0; k < PD_NUM_PARAMS; ++k) E->random |= b->param_randomised[k];
  b->env = E;
  load_params(b, 0, &E->p); /* param_env is not bound yet: shared values */
  E->pf = myr_pendulum_params_to_f(&E->p);
  return MYR_OK;
}

static void pd_fini(myr_batch* b) {
  myr__free(b->env);
  b->env = NULL;
}

static void pd_bind(myr_batch* b, myr__arena* a) {
  pd_env* E = (pd_env*)b->env;
  int64_t n = b->num_envs;
  if (b->precision == MYR_FLOAT32) {
    E->th = (float*)myr__arena_take(a, n, sizeof(float));
    E->thd = (float*)myr__arena_take(a, n, sizeof(float));
  } else {
    E->th64 = (double*)myr__arena_take(a, n, sizeof(double));
    E->thd64 = (double*)myr__arena_take(a, n, sizeof(double));
  }
  E->t = (int32_t*)myr__arena_take(a, n, sizeof(int32_t));
  E->ret = (double*)myr__arena_take(a, n, sizeof(double));
}

static void observe_one(const pd_env* E, const myr_batch* b, int64_t i,
                        float* o) {
  double th = b->precision == MYR_FLOAT32 ? (double)E->th[i] : E->th64[i];
  double thd = b->precision == MYR_FLOAT32 ? (double)E->thd[i] : E->thd64[i];
  o[0] = (float)cos(th);
  o[1] = (float)sin(th);
  o[2] = (float)thd;
}

/* theta ~ U(-a, a), theta_dot ~ U(-b, b) from one Philox block */
static void reset_one(myr_batch* b, int64_t i, uint64_t clock, uint32_t stream,
                      float* obs) {
  pd_env* E = (pd_env*)b->env;
  myr_philox_out r =
      myr_draw(b->seed, (uint32_t)(b->env_offset + i), clock, stream, b->epoch);
  double a = myr__param(b, PD_RESET_THETA, i);
  double s = myr__param(b, PD_RESET_SPEED, i);
  double th = -a + 2.0 * a * myr_u01d(r.v[0], r.v[1]);
  double thd = -s + 2.0 * s * myr_u01d(r.v[2], r.v[3]);
  if (b->precision == MYR_FLOAT32) {
    E->th[i] = (float)th;
    E->thd[i] = (float)thd;
  } else {
    E->th64[i] = th;
    E->thd64[i] = thd;
  }
  E->t[i] = 0;
  E->ret[i] = 0.0;
  if (obs != NULL) observe_one(E, b, i, obs);
}

static void pd_reset(myr_batch* b, int64_t begin, int64_t end,
                     const uint8_t* mask, uint32_t stream, float* obs) {
  int64_t i;
  for (i = begin; i < end; ++i)
    if (mask == NULL || mask[i])
      reset_one(b, i, b->clock, stream, obs ? obs + (i - begin) * 3 : NULL);
}

/* physics of env i; returns the reward */
static float physics(pd_env* E, const myr_batch* b, int64_t i, float u,
                     int32_t* max_steps) {
  if (b->precision == MYR_FLOAT32) {
    float th, thd, cost;
    if (E->random) {
      myr_pendulum_params p;
      myr_pendulum_params_f pf;
      load_params(b, i, &p);
      pf = myr_pendulum_params_to_f(&p);
      myr_pendulum_step_f(&pf, E->th[i], E->thd[i], u, &th, &thd, &cost);
      *max_steps = p.max_steps;
    } else {
      myr_pendulum_step_f(&E->pf, E->th[i], E->thd[i], u, &th, &thd, &cost);
      *max_steps = E->p.max_steps;
    }
    E->th[i] = th;
    E->thd[i] = thd;
    return -cost;
  } else {
    double th, thd, cost;
    myr_pendulum_params p = E->p;
    if (E->random) load_params(b, i, &p);
    myr_pendulum_step_d(&p, E->th64[i], E->thd64[i], u, &th, &thd, &cost);
    E->th64[i] = th;
    E->thd64[i] = thd;
    *max_steps = p.max_steps;
    return (float)-cost;
  }
}

static void pd_step(myr_batch* b, int64_t begin, int64_t end,
                    const myr__io* io, myr__stats* st) {
  pd_env* E = (pd_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) {
    int64_t k = i - begin;
    int32_t max_steps;
    float rew;
    uint8_t tr;
    if (myr__next_step_due(b, i, k, io)) {
      /* the step after an end: reset, ignore the action, reward 0 */
      reset_one(b, i, io->clock, MYR_STREAM_AUTORESET,
                io->obs ? io->obs + 3 * k : NULL);
      continue;
    }
    rew = physics(E, b, i, io->act_f[k], &max_steps);
    E->t[i] += 1;
    tr = (uint8_t)(E->t[i] >= max_steps);
    if (b->pending[i]) rew = 0.0f; /* disabled: stepping past the end */
    E->ret[i] += (double)rew;
    if (myr__step_end(b, i, k, io, st, rew, 0, tr, E->ret[i], E->t[i])) {
      if (io->final_obs != NULL) observe_one(E, b, i, io->final_obs + 3 * k);
      reset_one(b, i, io->clock, MYR_STREAM_AUTORESET, NULL);
    }
    if (io->obs != NULL) observe_one(E, b, i, io->obs + 3 * k);
  }
}

static void pd_observe(const myr_batch* b, int64_t begin, int64_t end,
                       float* obs) {
  const pd_env* E = (const pd_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) observe_one(E, b, i, obs + 3 * (i - begin));
}

static void pd_get_field(const myr_batch* b, int32_t f, int64_t begin,
                         int64_t end, double* out) {
  const pd_env* E = (const pd_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) {
    double v;
    if (f == 2)
      v = (double)E->t[i];
    else if (f == 3)
      v = E->ret[i];
    else if (b->precision == MYR_FLOAT32)
      v = (double)(f == 0 ? E->th[i] : E->thd[i]);
    else
      v = f == 0 ? E->th64[i] : E->thd64[i];
    out[i - begin] = v;
  }
}

static void pd_set_field(myr_batch* b, int32_t f, int64_t begin, int64_t end,
                         const double* in) {
  pd_env* E = (pd_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) {
    double v = in[i - begin];
    if (f == 2)
      E->t[i] = (int32_t)v;
    else if (b->precision == MYR_FLOAT32)
      *(f == 0 ? &E->th[i] : &E->thd[i]) = (float)v;
    else
      *(f == 0 ? &E->th64[i] : &E->thd64[i]) = v;
  }
}

const myr__env_class myr__pendulum_class = {
    {"pendulum-v1", "pendulum,Pendulum-v1",
     "torque-driven swing-up of a rigid rod (Gymnasium Pendulum-v1)", 3, -8.0f,
     8.0f, {MYR_SPACE_BOX, 1, -2.0f, 2.0f}, PD_NUM_PARAMS, params,
     (int32_t)(sizeof fields / sizeof fields[0]), fields, 200,
     2 * sizeof(float) + sizeof(int32_t) + sizeof(double) + sizeof(uint8_t),
     "[cos(theta), sin(theta), theta_dot (rad/s)]",
     "-(angle_normalize(theta)^2 + 0.1 theta_dot^2 + 0.001 u^2), u the clipped torque"},
    NULL,
    pd_init,
    pd_fini,
    pd_bind,
    pd_reset,
    pd_step,
    pd_observe,
    pd_get_field,
    pd_set_field,
    NULL,
    myr__param_get,
};
