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

#include "../../task/task.h"
#include "physics.h"

#define MC_PARAMS(P) \
  P(MC_MIN_POSITION, "min_position", -1.2, -1e3, 1e3, 0, "m", "left wall (inelastic)", min_position) \
  P(MC_MAX_POSITION, "max_position", 0.6, -1e3, 1e3, 0, "m", "right end of the track", max_position) \
  P(MC_MAX_SPEED, "max_speed", 0.07, 0.0, 1e3, 0, "m/step", "|velocity| is clipped to this", max_speed) \
  P(MC_GOAL_POSITION, "goal_position", 0.5, -1e3, 1e3, 0, "m", "x >= this ends the episode", goal_position) \
  P(MC_GOAL_VELOCITY, "goal_velocity", 0.0, -1e3, 1e3, 0, "m/step", "... if also velocity >= this", goal_velocity) \
  P(MC_FORCE, "force", 0.001, 0.0, 1e3, 0, "m/step^2", "push of actions 0 and 2", force) \
  P(MC_GRAVITY, "gravity", 0.0025, 0.0, 1e3, 0, "m/step^2", "gravity along the hill", gravity) \
  P(MC_MAX_STEPS, "max_steps", 200.0, 1.0, 2147483647.0, 1, "steps", "truncation horizon", max_steps) \
  P(MC_RESET_LOW, "reset_low", -0.6, -1e3, 1e3, 0, "m", "reset draws x ~ U(low, high)", reset_low) \
  P(MC_RESET_HIGH, "reset_high", -0.4, -1e3, 1e3, 0, "m", "reset draws x ~ U(low, high)", reset_high)

enum { MC_PARAMS(MYR__PARAM_ENUM) MC_NUM_PARAMS };

#define MC_STATE(F, H)                                                      \
  F(MC_POS, "position", REAL, "m", "position on the track", 1, 0)           \
  F(MC_VEL, "velocity", REAL, "m/step", "velocity", 1, 0)                   \
  F(MC_T, "t", I32, "steps", "steps since reset", 1, 0)

enum { MC_STATE(MYR__ENUM_F, MYR__ENUM_H) MC_NUM_COLS };
MYR__DEFINE_TABLES(MC_PARAMS, MC_STATE)

MYR__DEFINE_CONSTS(mc, myr_mountaincar_params, myr_mountaincar_params_f,
                   myr_mountaincar_params_f_from, MC_PARAMS)

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

static void observe1(const myr__env* e, int64_t i, float* o) {
  o[0] = (float)myr__real(e, MC_POS, i);
  o[1] = (float)myr__real(e, MC_VEL, i);
}

static void reset1(const myr__env* e, int64_t i, uint64_t clock,
                   uint32_t stream) {
  myr_philox_out r =
      myr_draw(e->seed, (uint32_t)(e->env_offset + i), clock, stream, e->epoch);
  double lo = myr__param(e, MC_RESET_LOW, i), hi = myr__param(e, MC_RESET_HIGH, i);
  myr__set_real(e, MC_POS, i, lo + (hi - lo) * myr_u01d(r.v[0], r.v[1]));
  myr__set_real(e, MC_VEL, i, 0.0);
  e->col[MC_T].i[i] = 0;
}

/* physics of env i; returns terminated */
static uint8_t physics(const myr__env* e, int64_t i, int32_t a,
                       int32_t* max_steps) {
  int32_t te;
  if (e->precision == MYR_FLOAT32) {
    myr_mountaincar_params_f tmp;
    const myr_mountaincar_params_f* pf = mc_pf(e, i, &tmp);
    te = myr_mountaincar_step_f(pf, e->col[MC_POS].f + i, e->col[MC_VEL].f + i, a);
    *max_steps = pf->max_steps;
  } else {
    myr_mountaincar_params tmp;
    const myr_mountaincar_params* p = mc_p(e, i, &tmp);
    te = myr_mountaincar_step_d(p, e->col[MC_POS].d + i, e->col[MC_VEL].d + i, a);
    *max_steps = p->max_steps;
  }
  return (uint8_t)te;
}

static myr__one advance(const myr__env* e, int64_t i, int64_t k, int kind,
                        const myr__io* io, myr__stats* st) {
  int32_t max_steps;
  int32_t* t = e->col[MC_T].i + i;
  uint8_t te = physics(e, i, io->act_i[k], &max_steps);
  (void)kind;
  (void)st;
  /* reward -1 on every step */
  return myr__one_counted(t, max_steps, -1.0f, te, -(double)*t);
}

MYR__DEFINE_EACH(mc, 2, advance, reset1, observe1)

const myr__env_class myr__mountaincar_class = {
    .info = {.id = "mountaincar-v0", .aliases = "mountaincar,MountainCar-v0",
             .description = "under-powered car in a valley (Gymnasium MountainCar-v0)",
             .obs_dim = 2, .obs_low = -1.2f, .obs_high = 0.6f,
             .action_space = {MYR_SPACE_DISCRETE, 3, 0.0f, 2.0f},
             MYR__INFO_TABLES(MC_STATE), .max_steps_default = 200,
             .observation = "[position (m), velocity (m/step)]",
             .reward = "-1 on every step"},
    MYR__CLASS_COLS, .per_env_params = 1, .validate = mc_validate,
    .init = mc_init, .fini = myr__free,
    .reset = mc_reset, .step = mc_step, .observe = mc_observe,
};
