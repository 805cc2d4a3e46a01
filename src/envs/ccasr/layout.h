/*
 * ccasr_env.h -- the state of a ccasr-gfp-control / ccasr-gfp-sysid batch
 * (src/envs/extra/ccasr.c), shared with the CUDA backend (src/cuda/), which
 * mirrors the per-env arrays on the device.
 *
 * Invariants: the per-env arrays live in the batch arena (bind); the R3/R4
 * table and the target curve are built at creation and read-only after.
 */
#ifndef MYR_ENVS_CCASR_ENV_H
#define MYR_ENVS_CCASR_ENV_H

#include "physics.h"
#include "../../engine/internal.h"

/* task of a batch */
enum { MYR__CCASR_CONTROL = 0, MYR__CCASR_SYSID = 1 };

typedef struct myr__ccasr_env {
  int32_t task;
  myr_ccasr_params p;
  myr_ccasr_tables tab;   /* R3/R4 propensities with the shared parameters */
  int32_t max_steps;
  int32_t obs_dim;        /* 2 + n_horizon (control), 1 (sysid) */
  int32_t n_horizon;
  int32_t per_env;        /* sysid: kinetic parameters differ per env */
  int32_t varies[5];      /* which of nu, Kh, nh, Kf, nf differ per env */
  const myr_batch* batch; /* for myr__param() */
  float* target;          /* target F at step k, k < target_len (control) */
  int64_t target_len;
  int32_t target_mode;
  double target_const, sine_mean, sine_amp, sine_period;
  /* per-env arrays */
  int32_t* H;    /* molecules (n) */
  int32_t* F;    /* molecules (n) */
  int32_t* t;    /* steps since reset (n) */
  double* ret;   /* return of the running episode (n, control); double, so
                    a long episode's sum does not stall as a float's would */
  int32_t* H_end; /* H, F when the last episode ended (n each; 0 before) */
  int32_t* F_end;
  /* sysid per-env parameters live in the batch (myr__param) */
} myr__ccasr_env;

#endif /* MYR_ENVS_CCASR_ENV_H */
