/*
 * pendulum.h -- Pendulum-v1 physics (Gymnasium classic_control/pendulum.py):
 * a torque-driven rigid rod, theta = 0 upright, one semi-implicit Euler
 * step of one environment.
 *
 *   thdot' = clip(thdot + (3g/(2l) sin(th) + 3/(m l^2) u) dt, +-max_speed)
 *   th'    = th + thdot' dt                 (the *clipped* new speed)
 *   cost   = norm(th)^2 + 0.1 thdot^2 + 0.001 u^2   (pre-step state,
 *            clipped torque; norm wraps into [-pi, pi))
 *
 * Gravity pulls the rod away from upright (sin(th) > 0 for th in (0, pi)
 * accelerates th further), so th = 0 is unstable and th = pi is stable.
 *
 * Two precisions:
 *  - float64 follows Gymnasium's expression order and NumPy 2 promotion
 *    rules: the action is float32, so the torque term 3/(m l^2) * u and
 *    0.001 * u^2 are evaluated in float32 and then promoted (NEP 50).
 *    Compile without FMA contraction (-ffp-contract=off), libm sin.
 *  - float32 evaluates everything in float32 with myr_sincosf.
 */
#ifndef MYR_CORE_PENDULUM_H
#define MYR_CORE_PENDULUM_H

#include "../../core/common.h"
#include "../../core/fastmath.h"

#if !defined(__CUDACC__)
#  include <math.h>
#endif

/* Physical constants (float64 master copy); read-only while stepping. */
typedef struct myr_pendulum_params {
  double g;           /* m/s^2 */
  double m;           /* kg */
  double l;           /* m, rod length */
  double max_speed;   /* rad/s, |thdot| clip */
  double max_torque;  /* N m, |u| clip */
  double dt;          /* s */
  double reset_theta; /* reset draws th ~ U(-a, a) */
  double reset_speed; /* reset draws thdot ~ U(-b, b) */
  int32_t max_steps;  /* truncation horizon (steps) */
} myr_pendulum_params;

/* float32 copy used by the fast path, with derived coefficients */
typedef struct myr_pendulum_params_f {
  float grav_coef;   /* 3 g / (2 l) */
  float torque_coef; /* 3 / (m l^2) */
  float max_speed, max_torque, dt;
  int32_t max_steps;
} myr_pendulum_params_f;

MYR_HD myr_pendulum_params_f myr_pendulum_params_to_f(
    const myr_pendulum_params* p) {
  myr_pendulum_params_f f;
  f.grav_coef = (float)(3.0 * p->g / (2.0 * p->l));
  f.torque_coef = (float)(3.0 / (p->m * (p->l * p->l)));
  f.max_speed = (float)p->max_speed;
  f.max_torque = (float)p->max_torque;
  f.dt = (float)p->dt;
  f.max_steps = p->max_steps;
  return f;
}

#if !defined(__CUDACC__) /* float64 Gymnasium-order path: CPU only (libm) */
/* ((x + pi) mod 2 pi) - pi with Python's floored modulo */
MYR_HD double myr_pendulum_angle_normalize_d(double x) {
  const double two_pi = 2.0 * 3.14159265358979323846;
  double r = fmod(x + 3.14159265358979323846, two_pi);
  if (r != 0.0 && r < 0.0) r += two_pi;
  return r - 3.14159265358979323846;
}

/* float64 step in Gymnasium's order; writes the new state and the cost */
MYR_HD void myr_pendulum_step_d(const myr_pendulum_params* p, double th,
                                double thdot, float action, double* th_out,
                                double* thdot_out, double* cost_out) {
  float hi = (float)p->max_torque;
  float u = action < -hi ? -hi : (action > hi ? hi : action);
  double an = myr_pendulum_angle_normalize_d(th);
  float ucost = 0.001f * (u * u);
  float utorque = (float)(3.0 / (p->m * (p->l * p->l))) * u;
  double newthdot =
      thdot + (3.0 * p->g / (2.0 * p->l) * sin(th) + (double)utorque) * p->dt;
  *cost_out = an * an + 0.1 * (thdot * thdot) + (double)ucost;
  if (newthdot < -p->max_speed) newthdot = -p->max_speed;
  if (newthdot > p->max_speed) newthdot = p->max_speed;
  *thdot_out = newthdot;
  *th_out = th + newthdot * p->dt;
}
#endif

/* float32 step: the same equations in float32 */
MYR_HD void myr_pendulum_step_f(const myr_pendulum_params_f* p, float th,
                                float thdot, float action, float* th_out,
                                float* thdot_out, float* cost_out) {
  const float pi = 3.14159265358979f, inv_two_pi = 0.159154943091895f;
  float u = action < -p->max_torque
                ? -p->max_torque
                : (action > p->max_torque ? p->max_torque : action);
  float s, c, newthdot;
  float shifted = th + pi;
  float an = shifted - 2.0f * pi * floorf(shifted * inv_two_pi) - pi;
  myr_sincosf(th, &s, &c);
  (void)c;
  newthdot = thdot + (p->grav_coef * s + p->torque_coef * u) * p->dt;
  newthdot = newthdot < -p->max_speed
                 ? -p->max_speed
                 : (newthdot > p->max_speed ? p->max_speed : newthdot);
  *cost_out = an * an + 0.1f * (thdot * thdot) + 0.001f * (u * u);
  *thdot_out = newthdot;
  *th_out = th + newthdot * p->dt;
}

#endif /* MYR_CORE_PENDULUM_H */
