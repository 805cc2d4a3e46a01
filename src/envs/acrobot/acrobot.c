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

#include "../../task/task.h"
#include "physics.h"

#define AC_PARAMS(P) \
  P(AC_L1, "link_length_1", 1.0, 1e-6, 1e3, 0, "m", "length of link 1", l1) \
  P(AC_L2, "link_length_2", 1.0, 1e-6, 1e3, 0, "m", "length of link 2 (not in the dynamics, as in Gymnasium)", l2) \
  P(AC_M1, "link_mass_1", 1.0, 1e-6, 1e6, 0, "kg", "mass of link 1", m1) \
  P(AC_M2, "link_mass_2", 1.0, 1e-6, 1e6, 0, "kg", "mass of link 2", m2) \
  P(AC_LC1, "link_com_pos_1", 0.5, 0.0, 1e3, 0, "m", "centre of mass of link 1", lc1) \
  P(AC_LC2, "link_com_pos_2", 0.5, 0.0, 1e3, 0, "m", "centre of mass of link 2", lc2) \
  P(AC_MOI, "link_moi", 1.0, 1e-6, 1e6, 0, "kg m^2", "moment of inertia of each link", moi) \
  P(AC_MAX_VEL1, "max_vel_1", 4.0 * MYR_PI, 0.0, 1e6, 0, "rad/s", "|dtheta1| bound", max_vel1) \
  P(AC_MAX_VEL2, "max_vel_2", 9.0 * MYR_PI, 0.0, 1e6, 0, "rad/s", "|dtheta2| bound", max_vel2) \
  P(AC_G, "g", 9.8, 0.0, 1000.0, 0, "m/s^2", "gravitational acceleration", g) \
  P(AC_DT, "dt", 0.2, 1e-6, 10.0, 0, "s", "time step (one RK4 step)", dt) \
  P(AC_TORQUE, "torque", 1.0, 0.0, 1e6, 0, "N m", "torque of actions 0 and 2", torque) \
  P(AC_MAX_STEPS, "max_steps", 500.0, 1.0, 2147483647.0, 1, "steps", "truncation horizon", max_steps) \
  P(AC_RESET_BOUND, "reset_bound", 0.1, 0.0, 10.0, 0, "", "reset draws U(-b, b) per variable", reset_bound)

enum { AC_PARAMS(MYR__PARAM_ENUM) AC_NUM_PARAMS };

#define AC_STATE(F, H)                                                      \
  F(AC_TH1, "theta1", REAL, "rad", "angle of link 1 from hanging down", 1, 0) \
  F(AC_TH2, "theta2", REAL, "rad", "angle of link 2 relative to link 1", 1, 0) \
  F(AC_DTH1, "dtheta1", REAL, "rad/s", "angular velocity of link 1", 1, 0)  \
  F(AC_DTH2, "dtheta2", REAL, "rad/s", "angular velocity of link 2", 1, 0)  \
  F(AC_T, "t", I32, "steps", "steps since reset", 1, 0)

enum { AC_STATE(MYR__ENUM_F, MYR__ENUM_H) AC_NUM_COLS };
MYR__DEFINE_TABLES(AC_PARAMS, AC_STATE)

MYR__DEFINE_CONSTS(ac, myr_acrobot_params, myr_acrobot_params_f,
                   myr_acrobot_params_f_from, AC_PARAMS)

static void observe1(const myr__env* e, int64_t i, float* o) {
  double th1 = myr__real(e, AC_TH1, i), th2 = myr__real(e, AC_TH2, i);
  o[0] = (float)cos(th1);
  o[1] = (float)sin(th1);
  o[2] = (float)cos(th2);
  o[3] = (float)sin(th2);
  o[4] = (float)myr__real(e, AC_DTH1, i);
  o[5] = (float)myr__real(e, AC_DTH2, i);
}

/* four variables ~ U(-b, b) from one Philox block, rounded to float32 */
static void reset1(const myr__env* e, int64_t i, uint64_t clock,
                   uint32_t stream) {
  myr_philox_out r =
      myr_draw(e->seed, (uint32_t)(e->env_offset + i), clock, stream, e->epoch);
  double bound = myr__param(e, AC_RESET_BOUND, i);
  int32_t j;
  for (j = 0; j < 4; ++j)
    myr__set_real(e, j, i,
                  (double)(float)(-bound + 2.0 * bound * (double)myr_u01f(r.v[j])));
  e->col[AC_T].i[i] = 0;
}

static uint8_t physics(const myr__env* e, int64_t i, int32_t a,
                       int32_t* max_steps) {
  int32_t te;
  int j;
  if (e->precision == MYR_FLOAT32) {
    float s[4];
    myr_acrobot_params_f tmp;
    const myr_acrobot_params_f* pf = ac_pf(e, i, &tmp);
    *max_steps = pf->max_steps;
    for (j = 0; j < 4; ++j) s[j] = e->col[j].f[i];
    myr_acrobot_step_f(pf, s, (float)(a - 1) * pf->torque);
    for (j = 0; j < 4; ++j) e->col[j].f[i] = s[j];
    te = myr_acrobot_terminal_f(s);
  } else {
    double s[4];
    myr_acrobot_params tmp;
    const myr_acrobot_params* p = ac_p(e, i, &tmp);
    *max_steps = p->max_steps;
    for (j = 0; j < 4; ++j) s[j] = e->col[j].d[i];
    myr_acrobot_step_d(p, s, (double)(a - 1) * p->torque);
    for (j = 0; j < 4; ++j) e->col[j].d[i] = s[j];
    te = myr_acrobot_terminal_d(s);
  }
  return (uint8_t)te;
}

static myr__one advance(const myr__env* e, int64_t i, int64_t k, int kind,
                        const myr__io* io, myr__stats* st) {
  int32_t max_steps;
  int32_t* t = e->col[AC_T].i + i;
  uint8_t te = physics(e, i, io->act_i[k], &max_steps);
  (void)kind;
  (void)st;
  /* reward -1 per step, 0 on the terminal step; every step before was -1 */
  return myr__one_counted(t, max_steps, te ? 0.0f : -1.0f, te, -(double)*t);
}

MYR__DEFINE_EACH(ac, 6, advance, reset1, observe1)

const myr__env_class myr__acrobot_class = {
    .info = {.id = "acrobot-v1", .aliases = "acrobot,Acrobot-v1",
             .description = "two-link under-actuated swing-up (Gymnasium Acrobot-v1)",
             .obs_dim = 6, .obs_low = -9.0f * 3.14159265f, .obs_high = 9.0f * 3.14159265f,
             .action_space = {MYR_SPACE_DISCRETE, 3, 0.0f, 2.0f},
             MYR__INFO_TABLES(AC_STATE), .max_steps_default = 500,
             .observation = "[cos(theta1), sin(theta1), cos(theta2), sin(theta2), "
                            "theta1_dot, theta2_dot (rad/s)]",
             .reward = "-1 on every step, 0 on the step that reaches the goal height"},
    MYR__CLASS_COLS, .per_env_params = 1,
    .init = ac_init, .fini = myr__free,
    .reset = ac_reset, .step = ac_step, .observe = ac_observe,
};
