/*
 * kernels.h -- the C interface between the CUDA backend's host side
 * (cuda_batch.c, C11) and the CUDA code (CUDA C++): the runtime helpers of
 * runtime.cu, and the ops table that each env with CUDA kernels defines in
 * its own .cu file (src/envs/<env>/<env>.cu).
 *
 * An env with CUDA kernels defines `const struct myr__cuda_env
 * myr__cuda_<name>` (with C linkage) in its .cu file and names it in its
 * class with MYR__CUDA_ENV(name) (src/task/task.h).  The backend knows no
 * env: it passes every op one myr__cuda_view of the batch, device pointers
 * into one allocation that mirrors the host batch's arena byte for byte
 * (same offsets) plus the host pointer of the class's constants, and the
 * env's .cu builds its own kernel argument from it.
 *
 * Every op and launcher returns 0 or, on failure, non-zero after recording
 * the CUDA error (myr__cuda_note), which myr__cuda_error() names and
 * myr__cuda_out_of_memory() classifies.  Ops synchronise before returning.
 */
#ifndef MYR_CUDA_KERNELS_H
#define MYR_CUDA_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "../../core/common.h"
#include "../../task/task.h"

#ifdef __cplusplus
extern "C" {
#endif

/* outputs of one step; device pointers, obs/final_obs may be NULL */
typedef struct myr_cuda_step_io {
  const int32_t* act; /* (n) */
  float* obs;         /* (n x obs_dim) */
  float* reward;      /* (n) */
  uint8_t* terminated;
  uint8_t* truncated;
  float* final_obs;   /* (n x obs_dim) or NULL */
} myr_cuda_step_io;

/* The batch as every env op sees it (cuda_batch.c builds it before each
 * call; seed and epoch change with a re-keyed reset). */
typedef struct myr__cuda_view {
  /* device pointer of each column in the class's order (the host column's
   * offset in the arena, on the device), NULL where the host has none
   * (DERIVED fields, past the class's columns) */
  void* col[MYR__COLS_MAX];
  uint8_t* pending;        /* device: episode ended, reset due (n) */
  unsigned char* aux;      /* device: the env's aux_bytes, or NULL */
  const void* data;        /* HOST: the class's constants (myr__env.data) */
  int64_t num_envs;
  int64_t env_offset;      /* global index of env 0 */
  uint64_t seed;
  uint32_t epoch;          /* explicit resets since the seeded one */
  int32_t autoreset;       /* myr_autoreset */
  unsigned long long* totals; /* device: 8 sums the ops may use as scratch
                                 for their reductions */
} myr__cuda_view;

/* entries of the rollout sums an env's rollout adds to */
enum {
  MYR__CUDA_EPISODES = 0, /* episodes that ended */
  MYR__CUDA_LENGTHS = 1,  /* their lengths */
  MYR__CUDA_RETURNS = 2,  /* their returns, in units of 1/MYR_RETURN_SCALE */
  MYR__CUDA_REACTIONS = 3,
  MYR__CUDA_CAP_HITS = 4,
  MYR__CUDA_TOTALS = 5
};

/* What the backend runs for one env, defined by the env's .cu file. */
struct myr__cuda_env {
  /* optional (NULL: none): device bytes the env needs beside its columns,
   * from its host constants v->data (v->aux is NULL yet) */
  size_t (*aux_bytes)(const myr__cuda_view* v);
  /* optional: fill v->aux (aux_bytes of device memory) from v->data */
  int (*upload_aux)(const myr__cuda_view* v);
  /* reset envs whose mask[i] (device, may be NULL: all) is set, drawing
   * from `stream` at `clock`; obs (device, n x obs_dim) may be NULL */
  int (*reset)(const myr__cuda_view* v, uint64_t clock, uint32_t stream,
               const uint8_t* mask, float* obs);
  /* one step of every env with the batch's autoreset mode; adds the
   * reactions and cap hits of the step to sums[0..1] */
  int (*step)(const myr__cuda_view* v, uint64_t clock,
              const myr_cuda_step_io* io, int64_t sums[2]);
  /* fused rollout of `steps` steps from clock0; policy 0 random (two
   * actions), 1 constant `action`; adds to totals[MYR__CUDA_*] (entries
   * the env has nothing for stay as they are) */
  int (*rollout)(const myr__cuda_view* v, uint64_t clock0, int64_t steps,
                 int32_t policy, int32_t action,
                 int64_t totals[MYR__CUDA_TOTALS]);
};

/* ------------------------------------------------------------ layout
 *
 * These structs cross from the C compiler (cuda_batch.c fills the view and
 * the step I/O, reads the ops table) to nvcc's host compiler (the .cu
 * files), and the step I/O on to the device as a kernel argument; each of
 * them checks the numbers below (MYR__LAYOUT, src/core/common.h).  The
 * envs pin their own structs (their layout.h, their .cu).  A new member
 * needs its line here. */
MYR__SIZE(void*, 8);

MYR__SIZE(myr_cuda_step_io, 48);
#define MYR__AT_(m, o) MYR__AT(myr_cuda_step_io, m, o);
MYR__AT_(act, 0) MYR__AT_(obs, 8) MYR__AT_(reward, 16)
MYR__AT_(terminated, 24) MYR__AT_(truncated, 32) MYR__AT_(final_obs, 40)
#undef MYR__AT_

MYR__SIZE(myr__cuda_view, 8 * MYR__COLS_MAX + 64);
#define MYR__AT_(m, o) MYR__AT(myr__cuda_view, m, o);
MYR__AT_(col, 0) MYR__AT_(pending, 8 * MYR__COLS_MAX)
MYR__AT_(aux, 8 * MYR__COLS_MAX + 8) MYR__AT_(data, 8 * MYR__COLS_MAX + 16)
MYR__AT_(num_envs, 8 * MYR__COLS_MAX + 24)
MYR__AT_(env_offset, 8 * MYR__COLS_MAX + 32)
MYR__AT_(seed, 8 * MYR__COLS_MAX + 40) MYR__AT_(epoch, 8 * MYR__COLS_MAX + 48)
MYR__AT_(autoreset, 8 * MYR__COLS_MAX + 52)
MYR__AT_(totals, 8 * MYR__COLS_MAX + 56)
#undef MYR__AT_

MYR__SIZE(struct myr__cuda_env, 40);
MYR__AT(struct myr__cuda_env, aux_bytes, 0);
MYR__AT(struct myr__cuda_env, upload_aux, 8);
MYR__AT(struct myr__cuda_env, reset, 16);
MYR__AT(struct myr__cuda_env, step, 24);
MYR__AT(struct myr__cuda_env, rollout, 32);

/* ------------------------------------------------------------ runtime */

/* number of CUDA devices (0 when none or no driver) */
int myr__cuda_device_count(void);
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

#ifdef __cplusplus
}
#endif
#endif /* MYR_CUDA_KERNELS_H */
