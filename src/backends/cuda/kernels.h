/*
 * kernels.h -- the C interface between the CUDA backend's host side
 * (cuda_batch.c, C11), its runtime helpers (runtime.cu) and its kernels
 * (src/envs/cartpole/cartpole.cu and src/envs/ccasr/ccasr.cu, CUDA C++).
 *
 * A view holds device pointers into one allocation that mirrors the host
 * batch's arena byte for byte (same offsets), plus the constants a kernel
 * needs.  Every launcher returns 0 or, on failure, non-zero after recording
 * the CUDA error, which myr__cuda_error() names and myr__cuda_out_of_memory()
 * classifies.  Launchers synchronise before returning.
 */
#ifndef MYR_CUDA_KERNELS_H
#define MYR_CUDA_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "../../envs/cartpole/physics.h"
#include "../../envs/ccasr/physics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CartPole float32 batch on the device */
typedef struct myr_cuda_cartpole {
  float* x;          /* m     (n), device */
  float* x_dot;      /* m/s   (n) */
  float* theta;      /* rad   (n) */
  float* theta_dot;  /* rad/s (n) */
  int32_t* t;        /* steps since reset (n) */
  uint8_t* pending;  /* episode ended, reset due (n) */
  myr_cartpole_params_f p;
  double reset_lo;    /* reset draws reset_lo + reset_width * U[0,1) */
  double reset_width;
  int64_t n;
  int64_t env_offset; /* global index of env 0 */
  uint64_t seed;
  uint32_t epoch;
  int32_t autoreset;  /* myr_autoreset */
  unsigned long long* totals; /* device: episodes and length sum of the
                                 current launch (the return is the length) */
} myr_cuda_cartpole;

/* outputs of one step; device pointers, obs/final_obs may be NULL */
typedef struct myr_cuda_step_io {
  const int32_t* act; /* (n) */
  float* obs;         /* (n x 4) */
  float* reward;      /* (n) */
  uint8_t* terminated;
  uint8_t* truncated;
  float* final_obs;   /* (n x 4) or NULL */
} myr_cuda_step_io;

/* ccasr-gfp-control batch on the device (src/envs/ccasr/ccasr.c) */
typedef struct myr_cuda_ccasr {
  int32_t* H;        /* molecules (n), device */
  int32_t* F;        /* molecules (n) */
  int32_t* t;        /* steps since reset (n) */
  double* ret;       /* return of the running episode (n) */
  int32_t* H_end;    /* H, F when the last episode ended (n each) */
  int32_t* F_end;
  uint8_t* pending;  /* episode ended, reset due (n) */
  const myr_ccasr_tables* tab; /* device copy of the host's R3/R4 table */
  const float* target;         /* device copy of the target curve */
  int64_t target_len;          /* entries of target; beyond: the formula */
  myr_ccasr_params p;
  int32_t max_steps;
  int32_t n_horizon;  /* obs_dim = 2 + n_horizon */
  int32_t target_mode; /* 0 constant, 1 sine */
  double target_const, sine_mean, sine_amp, sine_period;
  int64_t n;
  int64_t env_offset; /* global index of env 0 */
  uint64_t seed;
  int32_t autoreset;  /* myr_autoreset */
  unsigned long long* totals; /* device: episodes, length sum, return sum
                                 (units of 1/MYR_RETURN_SCALE), reactions,
                                 cap hits of the current launch */
} myr_cuda_ccasr;

/* ------------------------------------------------------------ layout
 *
 * These structs cross from the host to the device: the views and the step
 * I/O are kernel arguments, passed by value; the constants are members of
 * the views; the R3/R4 table is copied byte for byte.  The C compiler
 * (cuda_batch.c), nvcc's host compiler and nvcc's device pass each check
 * the numbers below (64-bit hosts: CUDA builds for no other), so a struct
 * that one of them lays out differently, or an edit to a struct that these
 * numbers do not follow, fails to compile (MYR__LAYOUT,
 * src/core/common.h).  A new member needs its line here. */
MYR__SIZE(void*, 8);

MYR__SIZE(myr_cartpole_params_f, 44);
MYR__AT(myr_cartpole_params_f, gravity, 0);
MYR__AT(myr_cartpole_params_f, masspole, 4);
MYR__AT(myr_cartpole_params_f, length, 8);
MYR__AT(myr_cartpole_params_f, force_mag, 12);
MYR__AT(myr_cartpole_params_f, tau, 16);
MYR__AT(myr_cartpole_params_f, theta_threshold, 20);
MYR__AT(myr_cartpole_params_f, x_threshold, 24);
MYR__AT(myr_cartpole_params_f, total_mass, 28);
MYR__AT(myr_cartpole_params_f, inv_total_mass, 32);
MYR__AT(myr_cartpole_params_f, polemass_length, 36);
MYR__AT(myr_cartpole_params_f, max_steps, 40);

MYR__SIZE(myr_ccasr_params, 72);
MYR__AT(myr_ccasr_params, eta, 0);
MYR__AT(myr_ccasr_params, nu, 8);
MYR__AT(myr_ccasr_params, a, 16);
MYR__AT(myr_ccasr_params, Kh, 24);
MYR__AT(myr_ccasr_params, nh, 32);
MYR__AT(myr_ccasr_params, Kf, 40);
MYR__AT(myr_ccasr_params, nf, 48);
MYR__AT(myr_ccasr_params, dt, 56);
MYR__AT(myr_ccasr_params, cap, 64);

MYR__SIZE(myr_ccasr_tables, 8 * MYR_CCASR_TABLE);
MYR__AT(myr_ccasr_tables, r3, 0);
MYR__AT(myr_ccasr_tables, r4, 4 * MYR_CCASR_TABLE);

MYR__SIZE(myr_cuda_cartpole, 152);
MYR__AT(myr_cuda_cartpole, x, 0);
MYR__AT(myr_cuda_cartpole, x_dot, 8);
MYR__AT(myr_cuda_cartpole, theta, 16);
MYR__AT(myr_cuda_cartpole, theta_dot, 24);
MYR__AT(myr_cuda_cartpole, t, 32);
MYR__AT(myr_cuda_cartpole, pending, 40);
MYR__AT(myr_cuda_cartpole, p, 48);
MYR__AT(myr_cuda_cartpole, reset_lo, 96);
MYR__AT(myr_cuda_cartpole, reset_width, 104);
MYR__AT(myr_cuda_cartpole, n, 112);
MYR__AT(myr_cuda_cartpole, env_offset, 120);
MYR__AT(myr_cuda_cartpole, seed, 128);
MYR__AT(myr_cuda_cartpole, epoch, 136);
MYR__AT(myr_cuda_cartpole, autoreset, 140);
MYR__AT(myr_cuda_cartpole, totals, 144);

MYR__SIZE(myr_cuda_step_io, 48);
MYR__AT(myr_cuda_step_io, act, 0);
MYR__AT(myr_cuda_step_io, obs, 8);
MYR__AT(myr_cuda_step_io, reward, 16);
MYR__AT(myr_cuda_step_io, terminated, 24);
MYR__AT(myr_cuda_step_io, truncated, 32);
MYR__AT(myr_cuda_step_io, final_obs, 40);

MYR__SIZE(myr_cuda_ccasr, 240);
MYR__AT(myr_cuda_ccasr, H, 0);
MYR__AT(myr_cuda_ccasr, F, 8);
MYR__AT(myr_cuda_ccasr, t, 16);
MYR__AT(myr_cuda_ccasr, ret, 24);
MYR__AT(myr_cuda_ccasr, H_end, 32);
MYR__AT(myr_cuda_ccasr, F_end, 40);
MYR__AT(myr_cuda_ccasr, pending, 48);
MYR__AT(myr_cuda_ccasr, tab, 56);
MYR__AT(myr_cuda_ccasr, target, 64);
MYR__AT(myr_cuda_ccasr, target_len, 72);
MYR__AT(myr_cuda_ccasr, p, 80);
MYR__AT(myr_cuda_ccasr, max_steps, 152);
MYR__AT(myr_cuda_ccasr, n_horizon, 156);
MYR__AT(myr_cuda_ccasr, target_mode, 160);
MYR__AT(myr_cuda_ccasr, target_const, 168);
MYR__AT(myr_cuda_ccasr, sine_mean, 176);
MYR__AT(myr_cuda_ccasr, sine_amp, 184);
MYR__AT(myr_cuda_ccasr, sine_period, 192);
MYR__AT(myr_cuda_ccasr, n, 200);
MYR__AT(myr_cuda_ccasr, env_offset, 208);
MYR__AT(myr_cuda_ccasr, seed, 216);
MYR__AT(myr_cuda_ccasr, autoreset, 224);
MYR__AT(myr_cuda_ccasr, totals, 232);

/* ------------------------------------------------------------ functions */

/* the CUDA runtime (runtime.cu) */

/* number of CUDA devices (0 when none or no driver) */
int myr__cuda_device_count(void);
/* name of the current device */
const char* myr__cuda_device_name(void);
/* CUDA's string of the last error recorded */
const char* myr__cuda_error(void);
/* 1 if the last error recorded is cudaErrorMemoryAllocation, else 0 */
int myr__cuda_out_of_memory(void);
/* record a CUDA error code (0: none) so that myr__cuda_error() names it;
 * returns the code */
int myr__cuda_note(int error);
void* myr__cuda_malloc(size_t bytes);
void myr__cuda_free(void* ptr);
/* host <-> device copies: to_device 1 (host src) or 0 (device src) */
int myr__cuda_copy(void* dst, const void* src, size_t bytes, int to_device);
int myr__cuda_mem_info(size_t* free_bytes, size_t* total_bytes);

/* reset envs whose mask[i] (device, may be NULL: all) is set, drawing from
 * `stream` at `clock`; obs (device, n x 4) may be NULL */
int myr__cuda_cartpole_reset(const myr_cuda_cartpole* v, uint64_t clock,
                             uint32_t stream, const uint8_t* mask, float* obs);
/* one step of every env with the batch's autoreset mode */
int myr__cuda_cartpole_step(const myr_cuda_cartpole* v, uint64_t clock,
                            const myr_cuda_step_io* io);
/* fused rollout of `steps` steps from clock0; policy 0 random (two
 * actions), 1 constant `action`; adds episodes, length sum and return sum
 * (units of 1/MYR_RETURN_SCALE) to totals[0..2] */
int myr__cuda_cartpole_rollout(const myr_cuda_cartpole* v, uint64_t clock0,
                               int64_t steps, int32_t policy, int32_t action,
                               int64_t totals[3]);

/* gene circuit: reset (H = F = t = 0) of the envs whose mask[i] (device,
 * may be NULL: all) is set; obs (device, n x obs_dim) may be NULL */
int myr__cuda_ccasr_reset(const myr_cuda_ccasr* v, const uint8_t* mask,
                          float* obs);
/* one step of every env (obs rows of 2 + n_horizon floats); adds the
 * reactions and cap hits of the step to sums[0..1] */
int myr__cuda_ccasr_step(const myr_cuda_ccasr* v, uint64_t clock,
                         const myr_cuda_step_io* io, int64_t sums[2]);
/* fused rollout of `steps` steps from clock0; policy 0 random (two
 * actions), 1 constant `action`; adds episodes, length sum, return sum
 * (units of 1/MYR_RETURN_SCALE), reactions and cap hits to totals[0..4] */
int myr__cuda_ccasr_rollout(const myr_cuda_ccasr* v, uint64_t clock0,
                            int64_t steps, int32_t policy, int32_t action,
                            int64_t totals[5]);

#ifdef __cplusplus
}
#endif
#endif /* MYR_CUDA_KERNELS_H */
