/*
 * layout.h -- the state of a ccasr-gfp-control / ccasr-gfp-sysid batch
 * (ccasr.c), shared with the host code of its CUDA kernels (ccasr.cu,
 * nvcc), which reads the column indices and the class's constants.
 *
 * Invariants: the per-env arrays live in the batch arena (bind); the R3/R4
 * table and the target curve are built at creation and read-only after.
 */
#ifndef MYR_ENVS_CCASR_ENV_H
#define MYR_ENVS_CCASR_ENV_H

#include "physics.h"
#include "../../task/task.h"

/* task of a batch */
enum { MYR__CCASR_CONTROL = 0, MYR__CCASR_SYSID = 1 };

/* per-env state: public fields, then the control task's running return
 * (double, so a long episode's sum does not stall as a float's would) */
#define CC_STATE(F, H)                                                      \
  F(CC_H, "H", I32, "molecules", "CcaS-CcaR count", 1, MYR_COUNT_MAX)       \
  F(CC_F, "F", I32, "molecules", "GFP count", 1, MYR_COUNT_MAX)             \
  F(CC_T, "t", I32, "steps", "steps since reset", 1, 0)                     \
  F(CC_TIME, "time", DERIVED, "min", "time since reset (t * dt)", 0, 0)     \
  F(CC_H_END, "H_end", I32, "molecules",                                    \
    "H at the end of the env's last finished episode", 0, 0)                \
  F(CC_F_END, "F_end", I32, "molecules",                                    \
    "F at the end of the env's last finished episode", 0, 0)
#define CC_HIDDEN(F, H) H(CC_RET, F64)

enum { CC_STATE(MYR__ENUM_F, MYR__ENUM_H) CC_HIDDEN(MYR__ENUM_F, MYR__ENUM_H)
       CC_NUM_COLS };

/* The class's constants.  Invariants: the R3/R4 table and the target curve
 * are built at creation and read-only after. */
typedef struct myr__ccasr_env {
  int32_t task;
  myr_ccasr_params p;
  myr_ccasr_tables tab;   /* R3/R4 propensities with the shared parameters */
  int32_t max_steps;
  int32_t obs_dim;        /* 2 + n_horizon (control), 1 (sysid) */
  int32_t n_horizon;
  int32_t per_env;        /* sysid: kinetic parameters differ per env */
  int32_t varies[5];      /* which of nu, Kh, nh, Kf, nf differ per env */
  float* target;          /* target F at step k, k < target_len (control) */
  int64_t target_len;
  int32_t target_mode;
  double target_const, sine_mean, sine_amp, sine_period;
} myr__ccasr_env;

#if defined(MYR_HAVE_CUDA) || defined(__CUDACC__)
/* ccasr.c fills the constants, ccasr.cu's host code reads them, copies
 * the table and the target curve to the device and p into a kernel
 * argument (64-bit hosts: CUDA builds for no other); see MYR__LAYOUT in
 * src/core/common.h */
MYR__SIZE(myr_ccasr_params, 72);
#define MYR__AT_(m, o) MYR__AT(myr_ccasr_params, m, o);
MYR__AT_(eta, 0) MYR__AT_(nu, 8) MYR__AT_(a, 16) MYR__AT_(Kh, 24)
MYR__AT_(nh, 32) MYR__AT_(Kf, 40) MYR__AT_(nf, 48) MYR__AT_(dt, 56)
MYR__AT_(cap, 64)
#undef MYR__AT_

MYR__SIZE(myr_ccasr_tables, 8 * MYR_CCASR_TABLE);
#define MYR__AT_(m, o) MYR__AT(myr_ccasr_tables, m, o);
MYR__AT_(r3, 0) MYR__AT_(r4, 4 * MYR_CCASR_TABLE)
#undef MYR__AT_

MYR__SIZE(myr__ccasr_env, 8368);
#define MYR__AT_(m, o) MYR__AT(myr__ccasr_env, m, o);
MYR__AT_(task, 0) MYR__AT_(p, 8) MYR__AT_(tab, 80) MYR__AT_(max_steps, 8272)
MYR__AT_(obs_dim, 8276) MYR__AT_(n_horizon, 8280) MYR__AT_(per_env, 8284)
MYR__AT_(varies, 8288) MYR__AT_(target, 8312) MYR__AT_(target_len, 8320)
MYR__AT_(target_mode, 8328) MYR__AT_(target_const, 8336)
MYR__AT_(sine_mean, 8344) MYR__AT_(sine_amp, 8352) MYR__AT_(sine_period, 8360)
#undef MYR__AT_
#endif

#endif /* MYR_ENVS_CCASR_ENV_H */
