/*
 * acrobot.c -- the Acrobot-v1 environment class (Gymnasium
 * classic_control/acrobot.py): actions {0, 1, 2} apply torque {-1, 0, +1}
 * at the second joint; reward -1 per step and 0 on the terminal step;
 * terminated when the free end rises one link length above the pivot;
 * truncated after max_steps (500).  Reset: each of the four state
 * variables ~ U(-0.1, 0.1), rounded to float32 as Gymnasium's
 * .astype(np.float32) does.  Observation [cos th1, sin th1, cos th2,
 * sin th2, dth1, dth2].
 *
 * State per env: four float32 or float64 arrays by precision and the step
 * counter.  Any parameter may be randomised per env (myr__param()).  Built
 * with -ffp-contract=off so the float64 path keeps Gymnasium's rounding.
 */
#include <math.h>
#include <string.h>

#include "physics.h"
#include "../../engine/internal.h"

enum {
  AC_L1,
  AC_L2,
  AC_M1,
  AC_M2,
  AC_LC1,
  AC_LC2,
  AC_MOI,
  AC_MAX_VEL1,
  AC_MAX_VEL2,
  AC_G,
  AC_DT,
  AC_TORQUE,
  AC_MAX_STEPS,
  AC_RESET_BOUND,
  AC_NUM_PARAMS
};

static const myr_param_info params[AC_NUM_PARAMS] = {
    {"link_length_1", 1.0, 1e-6, 1e3, 0, "m", "length of link 1"},
    {"link_length_2", 1.0, 1e-6, 1e3, 0, "m",
     "length of link 2 (not in the dynamics, as in Gymnasium)"},
    {"link_mass_1", 1.0, 1e-6, 1e6, 0, "kg", "mass of link 1"},
    {"link_mass_2", 1.0, 1e-6, 1e6, 0, "kg", "mass of link 2"},
    {"link_com_pos_1", 0.5, 0.0, 1e3, 0, "m", "centre of mass of link 1"},
    {"link_com_pos_2", 0.5, 0.0, 1e3, 0, "m", "centre of mass of link 2"},
    {"link_moi", 1.0, 1e-6, 1e6, 0, "kg m^2", "moment of inertia of each link"},
    {"max_vel_1", 4.0 * 3.14159265358979323846, 0.0, 1e6, 0, "rad/s",
     "|dtheta1| bound"},
    {"max_vel_2", 9.0 * 3.14159265358979323846, 0.0, 1e6, 0, "rad/s",
     "|dtheta2| bound"},
    {"g", 9.8, 0.0, 1000.0, 0, "m/s^2", "gravitational acceleration"},
    {"dt", 0.2, 1e-6, 10.0, 0, "s", "time step (one RK4 step)"},
    {"torque", 1.0, 0.0, 1e6, 0, "N m", "torque of actions 0 and 2"},
    {"max_steps", 500.0, 1.0, 2147483647.0, 1, "steps", "truncation horizon"},
    {"reset_bound", 0.1, 0.0, 10.0, 0, "", "reset draws U(-b, b) per variable"},
};

static const myr_field_info fields[] = {
    {"theta1", "rad", "angle of link 1 from hanging down", 0, 1, 0},
    {"theta2", "rad", "angle of link 2 relative to link 1", 0, 1, 0},
    {"dtheta1", "rad/s", "angular velocity of link 1", 0, 1, 0},
    {"dtheta2", "rad/s", "angular velocity of link 2", 0, 1, 0},
    {"t", "steps", "steps since reset", 1, 1, 0},
};

typedef struct ac_env {
  myr_acrobot_params p;
  myr_acrobot_params_f pf;
  int random;
  float* s[4];    /* float32 mode: theta1, theta2, dtheta1, dtheta2 (n) */
  double* s64[4]; /* float64 mode (n) */
  int32_t* t;     /* steps since reset (n) */
} ac_env;

static void load_params(const myr_batch* b, int64_t i, myr_acrobot_params* p) {
  p->l1 = myr__param(b, AC_L1, i);
  p->l2 = myr__param(b, AC_L2, i);
  p->m1 = myr__param(b, AC_M1, i);
  p->m2 = myr__param(b, AC_M2, i);
  p->lc1 = myr__param(b, AC_LC1, i);
  p->lc2 = myr__param(b, AC_LC2, i);
  p->moi = myr__param(b, AC_MOI, i);
  p->max_vel1 = myr__param(b, AC_MAX_VEL1, i);
  p->max_vel2 = myr__param(b, AC_MAX_VEL2, i);
  p->g = myr__param(b, AC_G, i);
  p->dt = myr__param(b, AC_DT, i);
  p->torque = myr__param(b, AC_TORQUE, i);
  p->max_steps = (int32_t)myr__param(b, AC_MAX_STEPS, i);
  p->reset_bound = myr__param(b, AC_RESET_BOUND, i);
}

static int ac_init(myr_batch* b) {
  ac_env* E = (ac_env*)myr__alloc(sizeof *E);
  int32_t k;
  if (E == NULL) return myr__fail(MYR_ENOMEM, "out of memory (acrobot)");
  memset(E, 0, sizeof *E);
  for (k = 0; k < AC_NUM_PARAMS; ++k) E->random |= b->param_randomised[k];
  b->env = E;
  load_params(b, 0, &E->p);
  E->pf = myr_acrobot_params_to_f(&E->p);
  return MYR_OK;
}

static void ac_fini(myr_batch* b) {
  myr__free(b->env);
  b->env = NULL;
}

static void ac_bind(myr_batch* b, myr__arena* a) {
  ac_env* E = (ac_env*)b->env;
  int64_t n = b->num_envs;
  int j;
  for (j = 0; j < 4; ++j) {
    if (b->precision == MYR_FLOAT32)
      E->s[j] = (float*)myr__arena_take(a, n, sizeof(float));
    else
      E->s64[j] = (double*)myr__arena_take(a, n, sizeof(double));
  }
  E->t = (int32_t*)myr__arena_take(a, n, sizeof(int32_t));
}

static double get_var(const ac_env* E, const myr_batch* b, int j, int64_t i) {
  return b->precision == MYR_FLOAT32 ? (double)E->s[j][i] : E->s64[j][i];
}

static void observe_one(const ac_env* E, const myr_batch* b, int64_t i,
                        float* o) {
  double th1 = get_var(E, b, 0, i), th2 = get_var(E, b, 1, i);
  o[0] = (float)cos(th1);
  o[1] = (float)sin(th1);
  o[2] = (float)cos(th2);
  o[3] = (float)sin(th2);
  o[4] = (float)get_var(E, b, 2, i);
  o[5] = (float)get_var(E, b, 3, i);
}

/* four variables ~ U(-b, b) from one Philox block, rounded to float32 */
static void reset_one(myr_batch* b, int64_t i, uint64_t clock, uint32_t stream,
                      float* obs) {
  ac_env* E = (ac_env*)b->env;
  myr_philox_out r =
      myr_draw(b->seed, (uint32_t)(b->env_offset + i), clock, stream, b->epoch);
  double bound = myr__param(b, AC_RESET_BOUND, i);
  int j;
  for (j = 0; j < 4; ++j) {
    float v = (float)(-bound + 2.0 * bound * (double)myr_u01f(r.v[j]));
    if (b->precision == MYR_FLOAT32)
      E->s[j][i] = v;
    else
      E->s64[j][i] = (double)v;
  }
  E->t[i] = 0;
  if (obs != NULL) observe_one(E, b, i, obs);
}

static void ac_reset(myr_batch* b, int64_t begin, int64_t end,
                     const uint8_t* mask, uint32_t stream, float* obs) {
  int64_t i;
  for (i = begin; i < end; ++i)
    if (mask == NULL || mask[i])
      reset_one(b, i, b->clock, stream, obs ? obs + (i - begin) * 6 : NULL);
}

/* physics of env i; returns terminated */
static uint8_t physics(ac_env* E, const myr_batch* b, int64_t i, int32_t a,
                       int32_t* max_steps) {
  int32_t te;
  int j;
  if (b->precision == MYR_FLOAT32) {
    float s[4];
    myr_acrobot_params_f pf = E->pf;
    *max_steps = E->p.max_steps;
    if (E->random) {
      myr_acrobot_params p;
      load_params(b, i, &p);
      pf = myr_acrobot_params_to_f(&p);
      *max_steps = p.max_steps;
    }
    for (j = 0; j < 4; ++j) s[j] = E->s[j][i];
    myr_acrobot_step_f(&pf, s, (float)(a - 1) * pf.torque);
    for (j = 0; j < 4; ++j) E->s[j][i] = s[j];
    te = myr_acrobot_terminal_f(s);
  } else {
    double s[4];
    myr_acrobot_params p = E->p;
    if (E->random) load_params(b, i, &p);
    *max_steps = p.max_steps;
    for (j = 0; j < 4; ++j) s[j] = E->s64[j][i];
    myr_acrobot_step_d(&p, s, (double)(a - 1) * p.torque);
    for (j = 0; j < 4; ++j) E->s64[j][i] = s[j];
    te = myr_acrobot_terminal_d(s);
  }
  return (uint8_t)te;
}

static void ac_step(myr_batch* b, int64_t begin, int64_t end,
                    const myr__io* io, myr__stats* st) {
  ac_env* E = (ac_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) {
    int64_t k = i - begin;
    int32_t max_steps;
    uint8_t te, tr;
    if (myr__next_step_due(b, i, k, io)) {
      reset_one(b, i, io->clock, MYR_STREAM_AUTORESET,
                io->obs ? io->obs + 6 * k : NULL);
      continue;
    }
    te = physics(E, b, i, io->act_i[k], &max_steps);
    E->t[i] += 1;
    tr = (uint8_t)(E->t[i] >= max_steps);
    /* reward -1 per step, 0 on the terminal step */
    if (myr__step_end(b, i, k, io, st, te ? 0.0f : -1.0f, te, tr,
                      -(double)(E->t[i] - te), E->t[i])) {
      if (io->final_obs != NULL) observe_one(E, b, i, io->final_obs + 6 * k);
      reset_one(b, i, io->clock, MYR_STREAM_AUTORESET, NULL);
    }
    if (io->obs != NULL) observe_one(E, b, i, io->obs + 6 * k);
  }
}

static void ac_observe(const myr_batch* b, int64_t begin, int64_t end,
                       float* obs) {
  const ac_env* E = (const ac_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) observe_one(E, b, i, obs + 6 * (i - begin));
}

static void ac_get_field(const myr_batch* b, int32_t f, int64_t begin,
                         int64_t end, double* out) {
  const ac_env* E = (const ac_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i)
    out[i - begin] = f == 4 ? (double)E->t[i] : get_var(E, b, f, i);
}

static void ac_set_field(myr_batch* b, int32_t f, int64_t begin, int64_t end,
                         const double* in) {
  ac_env* E = (ac_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) {
    if (f == 4)
      E->t[i] = (int32_t)in[i - begin];
    else if (b->precision == MYR_FLOAT32)
      E->s[f][i] = (float)in[i - begin];
    else
      E->s64[f][i] = in[i - begin];
  }
}

const myr__env_class myr__acrobot_class = {
    {"acrobot-v1", "acrobot,Acrobot-v1",
     "two-link under-actuated swing-up (Gymnasium Acrobot-v1)", 6,
     -9.0f * 3.14159265f, 9.0f * 3.14159265f, {MYR_SPACE_DISCRETE, 3, 0.0f, 2.0f},
     AC_NUM_PARAMS, params, (int32_t)(sizeof fields / sizeof fields[0]), fields,
     500, 4 * sizeof(float) + sizeof(int32_t) + sizeof(uint8_t),
     "[cos(theta1), sin(theta1), cos(theta2), sin(theta2), theta1_dot, theta2_dot (rad/s)]",
     "-1 on every step, 0 on the step that reaches the goal height"},
    NULL,
    ac_init,
    ac_fini,
    ac_bind,
    ac_reset,
    ac_step,
    ac_observe,
    ac_get_field,
    ac_set_field,
    NULL,
    myr__param_get,
};
