/*
 * cartpole_env.h -- CartPole-v1 batch state shared by the float32 kernels
 * (cartpole.c) and the float64 kernels (cartpole64.c, built without FMA
 * contraction).
 */
#ifndef MYR_ENVS_CARTPOLE_ENV_H
#define MYR_ENVS_CARTPOLE_ENV_H

#include "physics.h"
#include "../../engine/internal.h"

/* Parameter indices in myr__cartpole_class.info.params. */
enum {
  CP_GRAVITY,
  CP_MASSCART,
  CP_MASSPOLE,
  CP_LENGTH,
  CP_FORCE_MAG,
  CP_TAU,
  CP_THETA_DEG,
  CP_X_THRESHOLD,
  CP_MAX_STEPS,
  CP_RESET_BOUND,
  CP_NUM_PARAMS
};

/* State of n environments, one array per field; float32 arrays in float32
 * mode, float64 arrays in float64 mode (the other set is NULL).  p and pf
 * hold the shared constants; when some parameter is randomised per env
 * (random != 0) the step reads each env's constants through
 * myr__cartpole_load() instead (cartpole_random.c, cartpole64.c). */
typedef struct myr__cartpole_env {
  myr_cartpole_params p;
  myr_cartpole_params_f pf;
  int random;        /* some parameter has a per-env distribution */
  float* x;          /* m     (n) */
  float* x_dot;      /* m/s   (n) */
  float* theta;      /* rad   (n) */
  float* theta_dot;  /* rad/s (n) */
  double* xd;        /* float64 mode: x, x_dot, theta, theta_dot (n each) */
  double* x_dotd;
  double* thetad;
  double* theta_dotd;
  int32_t* t;        /* steps since reset (n) */
} myr__cartpole_env;

/* constants of env i (batch index; the shared values unless randomised),
 * derived as Gymnasium derives them */
static inline void myr__cartpole_load(const myr_batch* b, int64_t i,
                                      myr_cartpole_params* p) {
  p->gravity = myr__param(b, CP_GRAVITY, i);
  p->masscart = myr__param(b, CP_MASSCART, i);
  p->masspole = myr__param(b, CP_MASSPOLE, i);
  p->length = myr__param(b, CP_LENGTH, i);
  p->force_mag = myr__param(b, CP_FORCE_MAG, i);
  p->tau = myr__param(b, CP_TAU, i);
  /* Gymnasium: 12 * 2 * math.pi / 360 */
  p->theta_threshold = myr__param(b, CP_THETA_DEG, i) * 2.0 * M_PI / 360.0;
  p->x_threshold = myr__param(b, CP_X_THRESHOLD, i);
  p->max_steps = (int32_t)myr__param(b, CP_MAX_STEPS, i);
  p->reset_bound = myr__param(b, CP_RESET_BOUND, i);
  myr_cartpole_derive(p);
}

/* draw the reset state of env i (global index g) into q */
void myr__cartpole_draw(const myr_batch* b, int64_t g, uint64_t clock,
                        uint32_t stream, double q[4]);
void myr__cartpole_step64(myr_batch* b, int64_t begin, int64_t end,
                          const myr__io* io, myr__stats* st);
/* steps with per-env constants (some parameter randomised): float32
 * (cartpole_random.c) and float64 in Gymnasium order (cartpole64.c) */
void myr__cartpole_step_random(myr_batch* b, int64_t begin, int64_t end,
                               const myr__io* io, myr__stats* st);
void myr__cartpole_step64_random(myr_batch* b, int64_t begin, int64_t end,
                                 const myr__io* io, myr__stats* st);

#endif /* MYR_ENVS_CARTPOLE_ENV_H */
