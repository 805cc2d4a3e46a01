/*
 * acrobot.h -- Acrobot-v1 physics (Sutton 1996; Sutton & Barto 2018 "book"
 * dynamics, as in Gymnasium classic_control/acrobot.py), one step of one
 * environment: a single classical RK4 step of length dt on the state
 * (theta1, theta2, dtheta1, dtheta2) with the torque held, then the angles
 * wrapped into [-pi, pi] and the speeds bounded, in that order.
 *
 * float64 follows Gymnasium's expression order term by term (rk4() with
 * t = [0, dt], _dsdt() with book_or_nips = "book", torque noise 0); compile
 * with -ffp-contract=off and libm sin/cos.  float32 evaluates the same
 * expressions in float32 with myr_sincosf (its wrap loop split into a
 * branch-free first turn and the rest, for the vectorised step).
 */
#ifndef MYR_CORE_ACROBOT_H
#define MYR_CORE_ACROBOT_H

#include "../../core/common.h"
#include "../../core/fastmath.h"

#if !defined(__CUDACC__)
#  include <math.h>
#endif

#define MYR_ACROBOT_PI 3.14159265358979323846

/* Constants (float64 master copy); read-only while stepping. */
typedef struct myr_acrobot_params {
  double l1;        /* m, length of link 1 */
  double l2;        /* m, length of link 2 (drawing only in Gymnasium) */
  double m1;        /* kg */
  double m2;        /* kg */
  double lc1;       /* m, centre of mass of link 1 */
  double lc2;       /* m, centre of mass of link 2 */
  double moi;       /* kg m^2, moment of inertia of both links */
  double max_vel1;  /* rad/s */
  double max_vel2;  /* rad/s */
  double g;         /* m/s^2 */
  double dt;        /* s, one RK4 step */
  double torque;    /* N m, magnitude of actions 0 and 2 */
  double reset_bound; /* reset draws each variable from U(-b, b) */
  int32_t max_steps;  /* truncation horizon (steps) */
} myr_acrobot_params;

/* the members of the float32 copy */
#define MYR_ACROBOT_F(X) \
  X(l1) X(m1) X(m2) X(lc1) X(lc2) X(moi) X(max_vel1) X(max_vel2) X(g) X(dt) X(torque)

MYR_DEFINE_FLOAT_COPY(myr_acrobot_params_f, myr_acrobot_params, MYR_ACROBOT_F)

#if !defined(__CUDACC__) /* float64 Gymnasium-order path: CPU only (libm) */
/* _dsdt(): time derivative of s = (theta1, theta2, dtheta1, dtheta2) */
MYR_HD void myr_acrobot_dsdt_d(const myr_acrobot_params* p, const double* s,
                               double a, double* ds) {
  const double pi = MYR_ACROBOT_PI;
  double m1 = p->m1, m2 = p->m2, l1 = p->l1, lc1 = p->lc1, lc2 = p->lc2;
  double I1 = p->moi, I2 = p->moi, g = p->g;
  double theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3];
  double d1 = m1 * (lc1 * lc1) +
              m2 * (l1 * l1 + lc2 * lc2 + 2.0 * l1 * lc2 * cos(theta2)) + I1 +
              I2;
  double d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos(theta2)) + I2;
  double phi2 = m2 * lc2 * g * cos(theta1 + theta2 - pi / 2.0);
  double phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * sin(theta2) -
                2.0 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin(theta2) +
                (m1 * lc1 + m2 * l1) * g * cos(theta1 - pi / 2.0) + phi2;
  double ddtheta2 = (a + d2 / d1 * phi1 -
                     m2 * l1 * lc2 * (dtheta1 * dtheta1) * sin(theta2) - phi2) /
                    (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1);
  double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  ds[0] = dtheta1;
  ds[1] = dtheta2;
  ds[2] = ddtheta1;
  ds[3] = ddtheta2;
}

/* wrap() and bound() of acrobot.py.  Gymnasium subtracts the period in a
 * loop, which never ends for huge or infinite angles (possible with extreme
 * parameters); beyond 64 periods the angle is first reduced with fmod, so
 * the loop runs at most 64 times and a non-finite angle becomes NaN. */
MYR_HD double myr_acrobot_wrap_d(double x, double m, double M) {
  double diff = M - m;
  if (!(fabs(x) < 64.0 * diff)) x = fmod(x, diff);
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

MYR_HD double myr_acrobot_bound_d(double x, double m, double M) {
  double lo = x > m ? x : m; /* Python max(x, m): x unless m is larger */
  return lo < M ? lo : M;    /* Python min(lo, M) */
}

/* one env step: rk4() over [0, dt], wrap angles, bound speeds; s in/out */
MYR_HD void myr_acrobot_step_d(const myr_acrobot_params* p, double* s,
                               double torque) {
  const double pi = MYR_ACROBOT_PI;
  double dt = p->dt - 0.0, dt2 = dt / 2.0;
  double k1[4], k2[4], k3[4], k4[4], y[4];
  int j;
  myr_acrobot_dsdt_d(p, s, torque, k1);
  for (j = 0; j < 4; ++j) y[j] = s[j] + dt2 * k1[j];
  myr_acrobot_dsdt_d(p, y, torque, k2);
  for (j = 0; j < 4; ++j) y[j] = s[j] + dt2 * k2[j];
  myr_acrobot_dsdt_d(p, y, torque, k3);
  for (j = 0; j < 4; ++j) y[j] = s[j] + dt * k3[j];
  myr_acrobot_dsdt_d(p, y, torque, k4);
  for (j = 0; j < 4; ++j)
    s[j] = s[j] + dt / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
  s[0] = myr_acrobot_wrap_d(s[0], -pi, pi);
  s[1] = myr_acrobot_wrap_d(s[1], -pi, pi);
  s[2] = myr_acrobot_bound_d(s[2], -p->max_vel1, p->max_vel1);
  s[3] = myr_acrobot_bound_d(s[3], -p->max_vel2, p->max_vel2);
}

/* the free end is one link length above the pivot */
/* Gymnasium's terminal test; a non-finite state (extreme parameters) also
 * ends the episode, so NaN never propagates */
MYR_HD int32_t myr_acrobot_terminal_d(const double* s) {
  return !(-cos(s[0]) - cos(s[1] + s[0]) <= 1.0) || !(s[2] - s[2] == 0.0) ||
         !(s[3] - s[3] == 0.0);
}
#endif

/* float32: the same expressions */
MYR_HD void myr_acrobot_dsdt_f(const myr_acrobot_params_f* p, const float* s,
                               float a, float* ds) {
  const float half_pi = 1.57079632679489662f;
  float m1 = p->m1, m2 = p->m2, l1 = p->l1, lc1 = p->lc1, lc2 = p->lc2;
  float I1 = p->moi, I2 = p->moi, g = p->g;
  float s2, c2, s12, c12, s1, c1;
  float d1, d2, phi1, phi2, ddtheta1, ddtheta2;
  myr_sincosf(s[1], &s2, &c2);
  myr_sincosf(s[0] + s[1] - half_pi, &s12, &c12);
  myr_sincosf(s[0] - half_pi, &s1, &c1);
  (void)s12;
  (void)s1;
  d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2.0f * l1 * lc2 * c2) +
       I1 + I2;
  d2 = m2 * (lc2 * lc2 + l1 * lc2 * c2) + I2;
  phi2 = m2 * lc2 * g * c12;
  phi1 = -m2 * l1 * lc2 * (s[3] * s[3]) * s2 -
         2.0f * m2 * l1 * lc2 * s[3] * s[2] * s2 + (m1 * lc1 + m2 * l1) * g * c1 +
         phi2;
  ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (s[2] * s[2]) * s2 - phi2) /
             (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1);
  ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  ds[0] = s[2];
  ds[1] = s[3];
  ds[2] = ddtheta1;
  ds[3] = ddtheta2;
}

/* the float32 step of one env is myr_acrobot_rk4_f(), then each angle
 * wrapped (myr_acrobot_wrap_f) and each speed bounded; acrobot.c runs it
 * over a range in a vectorised loop with myr_acrobot_wrap1_f() in place
 * of the wrap */

/* rk4() over [0, dt] with the torque held; s in/out (not yet wrapped) */
MYR_HD void myr_acrobot_rk4_f(const myr_acrobot_params_f* p, float* s,
                              float torque) {
  float dt = p->dt, dt2 = p->dt * 0.5f;
  float k1[4], k2[4], k3[4], k4[4], y[4];
  int j;
  myr_acrobot_dsdt_f(p, s, torque, k1);
  for (j = 0; j < 4; ++j) y[j] = s[j] + dt2 * k1[j];
  myr_acrobot_dsdt_f(p, y, torque, k2);
  for (j = 0; j < 4; ++j) y[j] = s[j] + dt2 * k2[j];
  myr_acrobot_dsdt_f(p, y, torque, k3);
  for (j = 0; j < 4; ++j) y[j] = s[j] + dt * k3[j];
  myr_acrobot_dsdt_f(p, y, torque, k4);
  for (j = 0; j < 4; ++j)
    s[j] = s[j] + dt / 6.0f * (k1[j] + 2.0f * k2[j] + 2.0f * k3[j] + k4[j]);
}

/* an angle wrapped into [-pi, pi], bounded as in myr_acrobot_wrap_d */
MYR_HD float myr_acrobot_wrap_f(float x) {
  const float pi = 3.14159265358979f, two_pi = 6.28318530717959f;
  if (!(fabsf(x) < 64.0f * two_pi)) x = fmodf(x, two_pi);
  while (x > pi) x = x - two_pi;
  while (x < -pi) x = x + two_pi;
  return x;
}

/* The first turn of each loop of myr_acrobot_wrap_f, branch-free; x itself
 * where that would first reduce it with fmodf (|x| >= 128 pi, NaN).  For
 * every x, myr_acrobot_wrap_f(myr_acrobot_wrap1_f(x)) is
 * myr_acrobot_wrap_f(x), and a result inside [-pi, pi] is already it:
 * subtracting 2 pi from x > pi (2 pi is exactly twice pi in float32) never
 * goes below -pi, so the second loop has nothing to do after the first, and
 * each turn leaves |x| smaller, so no later turn reduces with fmodf. */
MYR_HD float myr_acrobot_wrap1_f(float x) {
  const float pi = 3.14159265358979f, two_pi = 6.28318530717959f;
  float w = x > pi ? x - two_pi : x;
  w = w < -pi ? w + two_pi : w;
  return fabsf(x) < 64.0f * two_pi ? w : x;
}

MYR_HD int32_t myr_acrobot_terminal_f(const float* s) {
  float sa, ca, sb, cb;
  myr_sincosf(s[0], &sa, &ca);
  myr_sincosf(s[1] + s[0], &sb, &cb);
  (void)sa;
  (void)sb;
  return !(-ca - cb <= 1.0f) || !(s[2] - s[2] == 0.0f) ||
         !(s[3] - s[3] == 0.0f);
}

#endif /* MYR_CORE_ACROBOT_H */
