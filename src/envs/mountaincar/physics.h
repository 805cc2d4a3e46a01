/*
 * mountaincar.h -- MountainCar-v0 physics (Moore 1990; Sutton & Barto 2018,
 * as in Gymnasium classic_control/mountain_car.py), one step of one env.
 *
 *   v' = clip(v + (a - 1) force - gravity cos(3 x), +-max_speed)
 *   x' = clip(x + v', [min_position, max_position])
 *   v' = 0 if x' == min_position and v' < 0   (inelastic left wall)
 *   terminated when x' >= goal_position and v' >= goal_velocity
 *
 * float64 follows Gymnasium's operation order (compile with
 * -ffp-contract=off, libm cos); float32 is the same in float32 with
 * myr_sincosf.
 */
#ifndef MYR_CORE_MOUNTAINCAR_H
#define MYR_CORE_MOUNTAINCAR_H

#include "../../core/common.h"
#include "../../core/fastmath.h"

#if !defined(__CUDACC__)
#  include <math.h>
#endif

/* Constants (float64 master copy); read-only while stepping. */
typedef struct myr_mountaincar_params {
  double min_position;  /* m */
  double max_position;  /* m */
  double max_speed;     /* m/step */
  double goal_position; /* m */
  double goal_velocity; /* m/step */
  double force;         /* m/step^2 per unit of (a - 1) */
  double gravity;       /* m/step^2 */
  double reset_low;     /* reset draws x ~ U(low, high), v = 0 */
  double reset_high;
  int32_t max_steps;    /* truncation horizon (steps) */
} myr_mountaincar_params;

/* the members of the float32 copy */
#define MYR_MOUNTAINCAR_F(X)                                    \
  X(min_position) X(max_position) X(max_speed) X(goal_position) \
  X(goal_velocity) X(force) X(gravity)

MYR_DEFINE_FLOAT_COPY(myr_mountaincar_params_f, myr_mountaincar_params, MYR_MOUNTAINCAR_F)

#if !defined(__CUDACC__) /* float64 Gymnasium-order path: CPU only (libm) */
/* float64 step in Gymnasium's order; returns 1 if terminated */
MYR_HD int32_t myr_mountaincar_step_d(const myr_mountaincar_params* p,
                                      double* x, double* v, int32_t action) {
  double position = *x, velocity = *v;
  velocity = velocity + ((double)(action - 1) * p->force +
                         cos(3.0 * position) * (-p->gravity));
  if (velocity < -p->max_speed) velocity = -p->max_speed;
  if (velocity > p->max_speed) velocity = p->max_speed;
  position = position + velocity;
  if (position < p->min_position) position = p->min_position;
  if (position > p->max_position) position = p->max_position;
  if (position == p->min_position && velocity < 0.0) velocity = 0.0;
  *x = position;
  *v = velocity;
  return position >= p->goal_position && velocity >= p->goal_velocity;
}
#endif

/* float32 step: the same in float32 */
MYR_HD int32_t myr_mountaincar_step_f(const myr_mountaincar_params_f* p,
                                      float* x, float* v, int32_t action) {
  float position = *x, velocity = *v, s, c;
  myr_sincosf(3.0f * position, &s, &c);
  (void)s;
  velocity = velocity + ((float)(action - 1) * p->force + c * (-p->gravity));
  velocity = velocity < -p->max_speed
                 ? -p->max_speed
                 : (velocity > p->max_speed ? p->max_speed : velocity);
  position = position + velocity;
  position = position < p->min_position
                 ? p->min_position
                 : (position > p->max_position ? p->max_position : position);
  velocity = (position == p->min_position && velocity < 0.0f) ? 0.0f : velocity;
  *x = position;
  *v = velocity;
  return position >= p->goal_position && velocity >= p->goal_velocity;
}

#endif /* MYR_CORE_MOUNTAINCAR_H */
