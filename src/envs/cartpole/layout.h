/*
 * layout.h -- CartPole-v1's description (parameters, per-env state) and
 * what its two step kernels share: the float32 SIMD kernel, with shared or
 * per-env constants (cartpole.c), and the float64 kernel in Gymnasium's
 * order (step64.c, built without FMA contraction).
 *
 * The lists, the column indices and the constants struct are read by
 * cartpole.cu's host code too (nvcc); the rest is C for the CPU kernels.
 */
#ifndef MYR_ENVS_CARTPOLE_LAYOUT_H
#define MYR_ENVS_CARTPOLE_LAYOUT_H

#include "../../task/task.h"
#include "physics.h"

#if !defined(__CUDACC__)
#  include <math.h>
#endif

#define CP_PARAMS(P)                                                        \
  P(CP_GRAVITY, "gravity", 9.8, 0.0, 1000.0, 0, "m/s^2",                    \
    "gravitational acceleration", gravity)                                           \
  P(CP_MASSCART, "masscart", 1.0, 1e-6, 1e6, 0, "kg", "mass of the cart", masscart)   \
  P(CP_MASSPOLE, "masspole", 0.1, 1e-6, 1e6, 0, "kg", "mass of the pole", masspole)   \
  P(CP_LENGTH, "length", 0.5, 1e-6, 1e3, 0, "m", "half the pole length", length)    \
  P(CP_FORCE_MAG, "force_mag", 10.0, 0.0, 1e6, 0, "N", "force of a push", force_mag)   \
  P(CP_TAU, "tau", 0.02, 1e-6, 1.0, 0, "s", "time step (explicit Euler)", tau)   \
  P(CP_THETA_DEG, "theta_threshold_deg", 12.0, 1e-6, 360.0, 0, "deg",       \
    "|theta| beyond this terminates", theta_threshold)                                       \
  P(CP_X_THRESHOLD, "x_threshold", 2.4, 1e-6, 1e6, 0, "m",                  \
    "|x| beyond this terminates", x_threshold)                                           \
  P(CP_MAX_STEPS, "max_steps", 500.0, 1.0, 2147483647.0, 1, "steps",        \
    "truncation horizon", max_steps)                                                   \
  P(CP_RESET_BOUND, "reset_bound", 0.05, 0.0, 10.0, 0, "",                  \
    "reset draws U(-b, b) per variable", reset_bound)

#define CP_STATE(F, H)                                                      \
  F(CP_X, "x", REAL, "m", "cart position", 1, 0)                            \
  F(CP_X_DOT, "x_dot", REAL, "m/s", "cart velocity", 1, 0)                  \
  F(CP_THETA, "theta", REAL, "rad", "pole angle from upright", 1, 0)        \
  F(CP_THETA_DOT, "theta_dot", REAL, "rad/s", "pole angular velocity", 1, 0) \
  F(CP_T, "t", I32, "steps", "steps since reset", 1, 0)

enum { CP_PARAMS(MYR__PARAM_ENUM) CP_NUM_PARAMS };
enum { CP_STATE(MYR__ENUM_F, MYR__ENUM_H) CP_NUM_COLS };

/* The class's constants: p and pf hold the shared ones; when some
 * parameter has a per-env distribution (random != 0) the step reads each
 * env's constants through myr__cartpole_load() instead. */
typedef struct myr__cartpole_data {
  myr_cartpole_params p;
  myr_cartpole_params_f pf;
  int random;
} myr__cartpole_data;

#if defined(MYR_HAVE_CUDA) || defined(__CUDACC__)
/* cartpole.c fills the constants, cartpole.cu's host code reads them and
 * copies pf into a kernel argument (64-bit hosts: CUDA builds for no
 * other); see MYR__LAYOUT in src/core/common.h */
MYR__SIZE(myr_cartpole_params, 96);
#define MYR__AT_(m, o) MYR__AT(myr_cartpole_params, m, o);
MYR__AT_(reset_bound, 64) MYR__AT_(max_steps, 72) MYR__AT_(total_mass, 80)
MYR__AT_(polemass_length, 88)
#undef MYR__AT_

MYR__SIZE(myr_cartpole_params_f, 44);
#define MYR__AT_(m, o) MYR__AT(myr_cartpole_params_f, m, o);
MYR__AT_(gravity, 0) MYR__AT_(masspole, 4) MYR__AT_(length, 8)
MYR__AT_(force_mag, 12) MYR__AT_(tau, 16) MYR__AT_(theta_threshold, 20)
MYR__AT_(x_threshold, 24) MYR__AT_(total_mass, 28)
MYR__AT_(inv_total_mass, 32) MYR__AT_(polemass_length, 36)
MYR__AT_(max_steps, 40)
#undef MYR__AT_

MYR__SIZE(myr__cartpole_data, 144);
#define MYR__AT_(m, o) MYR__AT(myr__cartpole_data, m, o);
MYR__AT_(p, 0) MYR__AT_(pf, 96) MYR__AT_(random, 140)
#undef MYR__AT_
#endif

#if !defined(__CUDACC__)

#include "../../task/passes.h"

/* constants of env i (the shared values unless randomised), derived as
 * Gymnasium derives them */
static inline void myr__cartpole_load(const myr__env* e, int64_t i,
                                      myr_cartpole_params* p) {
  p->gravity = myr__param(e, CP_GRAVITY, i);
  p->masscart = myr__param(e, CP_MASSCART, i);
  p->masspole = myr__param(e, CP_MASSPOLE, i);
  p->length = myr__param(e, CP_LENGTH, i);
  p->force_mag = myr__param(e, CP_FORCE_MAG, i);
  p->tau = myr__param(e, CP_TAU, i);
  /* Gymnasium: 12 * 2 * math.pi / 360 */
  p->theta_threshold = myr__param(e, CP_THETA_DEG, i) * 2.0 * MYR_PI / 360.0;
  p->x_threshold = myr__param(e, CP_X_THRESHOLD, i);
  p->max_steps = (int32_t)myr__param(e, CP_MAX_STEPS, i);
  p->reset_bound = myr__param(e, CP_RESET_BOUND, i);
  myr_cartpole_derive(p);
}

static inline double myr__cartpole_affine(double lo, double width, float u) {
#if defined(__FP_FAST_FMA)
  return fma(width, (double)u, lo);
#else
  return lo + width * (double)u;
#endif
}

/* the reset state of env i: each variable ~ U(-b, b) from one Philox call
 * (24-bit uniforms); b is the env's own reset_bound when randomised.  One
 * fused multiply-add where the CPU has it, in both precisions (so every
 * kernel, whatever its file's contraction setting, draws the same states) */
static inline void myr__cartpole_draw(const myr__env* e, int64_t i,
                                      uint64_t clock, uint32_t stream,
                                      double q[4]) {
  myr_philox_out r = myr_draw(e->seed, (uint32_t)(e->env_offset + i), clock,
                              stream, e->epoch);
  double bound = myr__param(e, CP_RESET_BOUND, i);
  double lo = -bound, width = 2.0 * bound;
  int k;
  for (k = 0; k < 4; ++k) q[k] = myr__cartpole_affine(lo, width, myr_u01f(r.v[k]));
}

/* The autoreset contract for float32 env i (io index k) once its physics
 * ran: reward, flags, pending, statistics (reward 1 per step, so return =
 * length) and final_obs.  Returns 1 if the env must now be reset (from
 * MYR_STREAM_AUTORESET at io->clock).  The float32 kernel calls it. */
static inline int myr__cartpole_events_f(const myr__env* e, int64_t i,
                                         int64_t k, const myr__io* io,
                                         myr__stats* st) {
  int ev = myr__pass_event(e, io, k);
  int32_t len;
  if (ev == MYR__EVENT_RESET) return 1; /* the reset overwrites the physics */
  if (ev == MYR__EVENT_NONE) return 0;
  len = e->col[CP_T].i[i];
  st->episodes += 1;
  st->length_sum += len;
  myr__stats_add_fixed(st, (int64_t)len * (int64_t)MYR_RETURN_SCALE);
  if (ev != MYR__EVENT_RECORD_RESET) return 0;
  if (io->final_obs != NULL) {
    float* f = io->final_obs + 4 * k;
    f[0] = e->col[CP_X].f[i];
    f[1] = e->col[CP_X_DOT].f[i];
    f[2] = e->col[CP_THETA].f[i];
    f[3] = e->col[CP_THETA_DOT].f[i];
  }
  return 1;
}

/* float64 step in Gymnasium's order (random: per-env constants) */
void myr__cartpole_step64(const myr__env* e, int64_t begin, int64_t end,
                          const myr__io* io, myr__stats* st, int random);

#endif /* !__CUDACC__ */
#endif /* MYR_ENVS_CARTPOLE_LAYOUT_H */
