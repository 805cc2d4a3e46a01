/*
 * cartpole_env.h -- CartPole-v1 batch state shared by the float32 kernels
 * (cartpole.c) and the float64 kernels (cartpole64.c, built without FMA
 * contraction).
 */
#ifndef MYR_ENVS_CARTPOLE_ENV_H
#define MYR_ENVS_CARTPOLE_ENV_H

#include "../core/cartpole.h"
#include "../engine/internal.h"

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
 * mode, float64 arrays in float64 mode (the other set is NULL). */
typedef struct myr__cartpole_env {
  myr_cartpole_params p;
  myr_cartpole_params_f pf;
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

/* draw the reset state of env i (global index g) into q */
void myr__cartpole_draw(const myr_batch* b, int64_t g, uint64_t clock,
                        uint32_t stream, double q[4]);
void myr__cartpole_step64(myr_batch* b, int64_t begin, int64_t end,
                          const myr__io* io, myr__stats* st);

#endif /* MYR_ENVS_CARTPOLE_ENV_H */
