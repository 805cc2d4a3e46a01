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

#include "../../task/task.h"
#include "physics.h"

#define PD_PARAMS(P)                                                        \
  P(PD_G, "g", 10.0, 0.0, 1000.0, 0, "m/s^2", "gravitational acceleration", g) \
  P(PD_M, "m", 1.0, 1e-6, 1e6, 0, "kg", "mass of the rod", m)                  \
  P(PD_L, "l", 1.0, 1e-6, 1e3, 0, "m", "length of the rod", l)                 \
  P(PD_MAX_SPEED, "max_speed", 8.0, 0.0, 1e6, 0, "rad/s",                   \
    "|theta_dot| is clipped to this", max_speed)                                       \
  P(PD_MAX_TORQUE, "max_torque", 2.0, 0.0, 1e6, 0, "N m",                   \
    "|torque| is clipped to this (the action space stays [-2, 2])", max_torque)         \
  P(PD_DT, "dt", 0.05, 1e-6, 1.0, 0, "s", "time step", dt)                      \
  P(PD_MAX_STEPS, "max_steps", 200.0, 1.0, 2147483647.0, 1, "steps",        \
    "truncation horizon", max_steps)                                                   \
  P(PD_RESET_THETA, "reset_theta", MYR_PI, 0.0, 1e3, 0, "rad",              \
    "reset draws theta ~ U(-a, a)", reset_theta)                                         \
  P(PD_RESET_SPEED, "reset_speed", 1.0, 0.0, 1e3, 0, "rad/s",               \
    "reset draws theta_dot ~ U(-b, b)", reset_speed)

#define PD_STATE(F, H)                                                      \
  F(PD_THETA, "theta", REAL, "rad", "angle from upright (not wrapped)", 1, 0) \
  F(PD_THETA_DOT, "theta_dot", REAL, "rad/s", "angular velocity", 1, 0)     \
  F(PD_T, "t", I32, "steps", "steps since reset", 1, 0)                     \
  F(PD_RET, "ret", F64, "", "return of the episode so far", 0, 0)

enum { PD_PARAMS(MYR__PARAM_ENUM) PD_NUM_PARAMS };
enum { PD_STATE(MYR__ENUM_F, MYR__ENUM_H) PD_NUM_COLS };
MYR__DEFINE_TABLES(PD_PARAMS, PD_STATE)

MYR__DEFINE_CONSTS(pd, myr_pendulum_params, myr_pendulum_params_f,
                   myr_pendulum_params_to_f, PD_PARAMS)

static void observe1(const myr__env* e, int64_t i, float* o) {
  double th = myr__real(e, PD_THETA, i);
  o[0] = (float)cos(th);
  o[1] = (float)sin(th);
  o[2] = (float)myr__real(e, PD_THETA_DOT, i);
}

/* theta ~ U(-a, a), theta_dot ~ U(-b, b) from one Philox block */
static void reset1(const myr__env* e, int64_t i, uint64_t clock,
                   uint32_t stream) {
  myr_philox_out r =
      myr_draw(e->seed, (uint32_t)(e->env_offset + i), clock, stream, e->epoch);
  double a = myr__param(e, PD_RESET_THETA, i);
  double s = myr__param(e, PD_RESET_SPEED, i);
  myr__set_real(e, PD_THETA, i, -a + 2.0 * a * myr_u01d(r.v[0], r.v[1]));
  myr__set_real(e, PD_THETA_DOT, i, -s + 2.0 * s * myr_u01d(r.v[2], r.v[3]));
  e->col[PD_T].i[i] = 0;
  e->col[PD_RET].d[i] = 0.0;
}

/* physics of env i; returns the reward */
static float physics(const myr__env* e, int64_t i, float u,
                     int32_t* max_steps) {
  if (e->precision == MYR_FLOAT32) {
    float* th = e->col[PD_THETA].f;
    float* thd = e->col[PD_THETA_DOT].f;
    float nth, nthd, cost;
    myr_pendulum_params_f tmp;
    const myr_pendulum_params_f* pf = pd_pf(e, i, &tmp);
    myr_pendulum_step_f(pf, th[i], thd[i], u, &nth, &nthd, &cost);
    *max_steps = pf->max_steps;
    th[i] = nth;
    thd[i] = nthd;
    return -cost;
  } else {
    double* th = e->col[PD_THETA].d;
    double* thd = e->col[PD_THETA_DOT].d;
    double nth, nthd, cost;
    myr_pendulum_params tmp;
    const myr_pendulum_params* p = pd_p(e, i, &tmp);
    myr_pendulum_step_d(p, th[i], thd[i], u, &nth, &nthd, &cost);
    th[i] = nth;
    thd[i] = nthd;
    *max_steps = p->max_steps;
    return (float)-cost;
  }
}

static myr__one advance(const myr__env* e, int64_t i, int64_t k, int kind,
                        const myr__io* io, myr__stats* st) {
  int32_t max_steps;
  float reward = myr__step_reward(kind, physics(e, i, io->act_f[k], &max_steps));
  myr__one r = myr__one_counted(e->col[PD_T].i + i, max_steps, reward, 0,
                                e->col[PD_RET].d[i]);
  (void)st;
  e->col[PD_RET].d[i] = r.ret;
  return r;
}

MYR__DEFINE_EACH(pd, 3, advance, reset1, observe1)

const myr__env_class myr__pendulum_class = {
    .info = {.id = "pendulum-v1", .aliases = "pendulum,Pendulum-v1",
             .description = "torque-driven swing-up of a rigid rod (Gymnasium Pendulum-v1)",
             .obs_dim = 3, .obs_low = -8.0f, .obs_high = 8.0f,
             .action_space = {MYR_SPACE_BOX, 1, -2.0f, 2.0f},
             MYR__INFO_TABLES(PD_STATE), .max_steps_default = 200,
             .observation = "[cos(theta), sin(theta), theta_dot (rad/s)]",
             .reward = "-(angle_normalize(theta)^2 + 0.1 theta_dot^2 + 0.001 u^2), "
                       "u the clipped torque"},
    MYR__CLASS_COLS, .per_env_params = 1,
    .init = pd_init, .fini = myr__free,
    .reset = pd_reset, .step = pd_step, .observe = pd_observe,
};
