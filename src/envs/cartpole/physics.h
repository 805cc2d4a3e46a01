/*
 * cartpole.h -- CartPole physics (Barto, Sutton & Anderson 1983, with the
 * corrected pole equations of Florian 2007 as used by Gymnasium's
 * CartPole-v1), one explicit-Euler step of one environment.
 *
 * Two precisions:
 *  - float64 follows Gymnasium's operation order term by term and must be
 *    compiled without FMA contraction (-ffp-contract=off, nvcc --fmad=false)
 *    and with the C library's cos/sin: it reproduces Gymnasium bit for bit.
 *  - float32 is the fast path: the same equations with a precomputed
 *    reciprocal of the total mass and the vectorisable myr_sincosf().
 * Positions use the old velocities (explicit Euler).
 */
#ifndef MYR_CORE_CARTPOLE_H
#define MYR_CORE_CARTPOLE_H

#include "../../core/common.h"
#include "../../core/fastmath.h"

#if !defined(__CUDACC__)
#  include <math.h>
#endif

/* Physical constants (float64 master copy); read-only while stepping. */
typedef struct myr_cartpole_params {
  double gravity;         /* m/s^2 */
  double masscart;        /* kg */
  double masspole;        /* kg */
  double length;          /* m, half the pole length */
  double force_mag;       /* N */
  double tau;             /* s, Euler step */
  double theta_threshold; /* rad, |theta| beyond terminates */
  double x_threshold;     /* m, |x| beyond terminates */
  double reset_bound;     /* reset draws each variable from U(-b, b) */
  int32_t max_steps;      /* truncation horizon (steps) */
  /* derived, as Gymnasium computes them */
  double total_mass;      /* masspole + masscart */
  double polemass_length; /* masspole * length */
} myr_cartpole_params;

/* float32 copy of the constants used by the fast path */
typedef struct myr_cartpole_params_f {
  float gravity, masspole, length, force_mag, tau;
  float theta_threshold, x_threshold;
  float total_mass, inv_total_mass, polemass_length;
  int32_t max_steps;
} myr_cartpole_params_f;

typedef struct myr_cartpole_q {
  double x, x_dot, theta, theta_dot;
} myr_cartpole_q;

typedef struct myr_cartpole_qf {
  float x, x_dot, theta, theta_dot;
} myr_cartpole_qf;

MYR_HD void myr_cartpole_derive(myr_cartpole_params* p) {
  p->total_mass = p->masspole + p->masscart;
  p->polemass_length = p->masspole * p->length;
}

MYR_HD myr_cartpole_params_f myr_cartpole_params_to_f(
    const myr_cartpole_params* p) {
  myr_cartpole_params_f f;
  f.gravity = (float)p->gravity;
  f.masspole = (float)p->masspole;
  f.length = (float)p->length;
  f.force_mag = (float)p->force_mag;
  f.tau = (float)p->tau;
  f.theta_threshold = (float)p->theta_threshold;
  f.x_threshold = (float)p->x_threshold;
  f.total_mass = (float)p->total_mass;
  f.inv_total_mass = (float)(1.0 / p->total_mass);
  f.polemass_length = (float)p->polemass_length;
  f.max_steps = p->max_steps;
  return f;
}

#if !defined(__CUDACC__) /* float64 Gymnasium-order path: CPU only (libm) */
/* float64 step in Gymnasium 1.x operation order (cartpole.py, step()) */
MYR_HD myr_cartpole_q myr_cartpole_step_d(const myr_cartpole_params* p,
                                          myr_cartpole_q q, int32_t action) {
  double force = action == 1 ? p->force_mag : -p->force_mag;
  double costheta = cos(q.theta);
  double sintheta = sin(q.theta);
  double temp = (force + p->polemass_length * (q.theta_dot * q.theta_dot) *
                             sintheta) /
                p->total_mass;
  double thetaacc =
      (p->gravity * sintheta - costheta * temp) /
      (p->length *
       (4.0 / 3.0 - p->masspole * (costheta * costheta) / p->total_mass));
  double xacc = temp - p->polemass_length * thetaacc * costheta / p->total_mass;
  myr_cartpole_q n;
  n.x = q.x + p->tau * q.x_dot;
  n.x_dot = q.x_dot + p->tau * xacc;
  n.theta = q.theta + p->tau * q.theta_dot;
  n.theta_dot = q.theta_dot + p->tau * thetaacc;
  return n;
}
#endif

/* float32 step: same equations, reciprocal total mass, myr_sincosf
 * (small: |theta| <= MYR_SINCOSF_SMALL, the same values without the range
 * reduction) */
MYR_HD myr_cartpole_qf myr_cartpole_step_fs(const myr_cartpole_params_f* p,
                                            myr_cartpole_qf q, int32_t action,
                                            int32_t small) {
  float force = action ? p->force_mag : -p->force_mag;
  float sintheta, costheta;
  if (small)
    myr_sincosf_small(q.theta, &sintheta, &costheta);
  else
    myr_sincosf(q.theta, &sintheta, &costheta);
  float temp = (force + p->polemass_length * (q.theta_dot * q.theta_dot) *
                            sintheta) *
               p->inv_total_mass;
  float thetaacc =
      (p->gravity * sintheta - costheta * temp) /
      (p->length * (1.33333333333333333f - p->masspole *
                                               (costheta * costheta) *
                                               p->inv_total_mass));
  float xacc =
      temp - p->polemass_length * thetaacc * costheta * p->inv_total_mass;
  myr_cartpole_qf n;
  n.x = q.x + p->tau * q.x_dot;
  n.x_dot = q.x_dot + p->tau * xacc;
  n.theta = q.theta + p->tau * q.theta_dot;
  n.theta_dot = q.theta_dot + p->tau * thetaacc;
  return n;
}

MYR_HD myr_cartpole_qf myr_cartpole_step_f(const myr_cartpole_params_f* p,
                                           myr_cartpole_qf q, int32_t action) {
  return myr_cartpole_step_fs(p, q, action, 0);
}

/* Gymnasium's termination test (strict inequalities; NaN terminates too) */
MYR_HD int32_t myr_cartpole_terminated_f(const myr_cartpole_params_f* p,
                                         myr_cartpole_qf q) {
  /* bitwise & keeps the test branch-free (vectorisable) */
  return !((q.x >= -p->x_threshold) & (q.x <= p->x_threshold) &
           (q.theta >= -p->theta_threshold) & (q.theta <= p->theta_threshold));
}

MYR_HD int32_t myr_cartpole_terminated_d(const myr_cartpole_params* p,
                                         myr_cartpole_q q) {
  return !(q.x >= -p->x_threshold && q.x <= p->x_threshold &&
           q.theta >= -p->theta_threshold && q.theta <= p->theta_threshold);
}

#endif /* MYR_CORE_CARTPOLE_H */
