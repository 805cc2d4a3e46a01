/*
 * internal.h -- the batch object, the environment class interface and the
 * helpers shared by the engine and the environments.
 *
 * Invariants of a batch:
 *  - all per-env arrays live in one 64-byte-aligned allocation (mem), laid
 *    out by the env class's bind() through a myr__arena; nothing is
 *    allocated on the step path;
 *  - env i of the batch has global index env_offset + i, which is what the
 *    random streams and the state hash see;
 *  - clock counts steps since the last seeded reset; every env shares it;
 *  - pending[i] is set when env i's episode has ended and it has not been
 *    reset yet (next_step: reset due on the next step; disabled: waits for
 *    myr_batch_reset_mask).
 */
#ifndef MYR_ENGINE_INTERNAL_H
#define MYR_ENGINE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#if !defined(__cplusplus)
#  include <stdatomic.h>
#endif

#include "myriad/myriad.h"
#include "../core/philox.h"

#if defined(__GNUC__)
#  define MYR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define MYR_PRINTF(a, b)
#endif

/* ------------------------------------------------------------ errors, memory */

/* record the detailed message of a failure and return status */
int myr__fail(int status, const char* fmt, ...) MYR_PRINTF(2, 3);
void myr__log(int level, const char* fmt, ...) MYR_PRINTF(2, 3);
void* myr__alloc(size_t size);
void myr__free(void* ptr);
/* 64-byte aligned allocation through the user allocator */
void* myr__alloc_aligned(size_t size);
void myr__free_aligned(void* ptr);
/* physical memory in bytes (0 if unknown) */
uint64_t myr__phys_mem(void);
/* bytes a new allocation can still get: the least of physical memory,
 * MemAvailable, the memory cgroup's limit less its usage and RLIMIT_AS less
 * the address space in use (0 if unknown); *what names the bound */
uint64_t myr__mem_room(const char** what);

/* Two-pass layout of per-env arrays: with base == NULL take() only counts
 * bytes; with a base it hands out 64-byte aligned slices. */
typedef struct myr__arena {
  unsigned char* base;
  size_t used;
} myr__arena;

void* myr__arena_take(myr__arena* a, int64_t count, size_t elem_size);

/* ------------------------------------------------------------ thread pool */

typedef struct myr__pool myr__pool;
/* runs [begin, end) of a parallel-for on worker `worker` (0 = caller) */
typedef void (*myr__range_fn)(void* ctx, int64_t begin, int64_t end,
                              int32_t worker);

int myr__pool_create(int32_t threads, myr__pool** out);
void myr__pool_destroy(myr__pool* pool);
int32_t myr__pool_threads(const myr__pool* pool);
/* Split [0, n) into one contiguous range per worker (boundaries multiples
 * of `align` envs) and run fn on each; returns when all are done. */
void myr__pool_for(myr__pool* pool, int64_t n, int64_t align, myr__range_fn fn,
                   void* ctx);

/* ------------------------------------------------------------ statistics */

/* Episode statistics kept as integers so that sums do not depend on the
 * order of accumulation (thread count, block size, ranks). */

typedef struct myr__stats {
  int64_t episodes;
  int64_t length_sum;
  /* sum of returns * MYR_RETURN_SCALE, each rounded: 128-bit two's
   * complement, return_hi * 2^64 + return_lo */
  uint64_t return_lo;
  int64_t return_hi;
  int64_t return_overflows; /* episodes whose return could not be summed */
  int64_t cap_hits;
  int64_t reactions;
} myr__stats;

void myr__stats_add_episode(myr__stats* s, double ret, int64_t length);

/* add a return already in 1/MYR_RETURN_SCALE units to the 128-bit sum */
static inline void myr__stats_add_fixed(myr__stats* s, int64_t fixed) {
  uint64_t lo = s->return_lo + (uint64_t)fixed;
  s->return_hi += (fixed < 0 ? -1 : 0) + (lo < s->return_lo);
  s->return_lo = lo;
}

/* copy the sums of s into the public statistics (and finish them) */
void myr__stats_publish(const myr__stats* s, myr_rollout_stats* out);

void myr__stats_merge(myr__stats* into, const myr__stats* from);

/* ------------------------------------------------------------ policies */

typedef enum myr__policy_kind {
  MYR__POLICY_RANDOM = 0,
  MYR__POLICY_CONSTANT = 1,
  MYR__POLICY_BANGBANG = 2,
  MYR__POLICY_PID = 3,
  MYR__POLICY_PERIODIC = 4
} myr__policy_kind;

/* most terms in a bangbang/pid field combination */
#define MYR__POLICY_TERMS 8

/* A parsed policy spec (src/policies/policy.c describes each kind). */
typedef struct myr__policy {
  myr__policy_kind kind;
  int32_t action;   /* constant, discrete */
  float value;      /* constant, box */
  int32_t field;    /* bangbang, pid: state field index (info.fields) of
                       the first term */
  /* bangbang, pid: the value read is sum_j term_coef[j] * field term_field[j]
   * (one term with coefficient 1 for a plain field name) */
  int32_t num_terms;
  int32_t term_field[MYR__POLICY_TERMS];
  double term_coef[MYR__POLICY_TERMS];
  int32_t invert;   /* bangbang: swap the high and low actions */
  double setpoint;  /* bangbang threshold, pid target (field units) */
  double kp, ki, kd; /* pid gains (action per field unit [per step]) */
  double limit;     /* pid anti-windup: |integral| <= limit */
  double bias;      /* pid output offset (action units) */
  int64_t period;   /* periodic: steps per period, on for the first half */
} myr__policy;

/* per-env policy memory (pid integral, previous error), owned by the
 * batch, created on first use by a fused rollout (policy.c) */
typedef struct myr__policy_state myr__policy_state;
void myr__policy_state_free(myr__policy_state* s);

int myr__policy_parse(const myr_env_info* env, const char* spec,
                      myr__policy* out);

/* ------------------------------------------------------------ env classes */

/* Outputs of a step on a range; pointers are already offset so that index
 * k refers to env begin + k.  obs, reward, terminated, truncated may be
 * NULL in fused rollouts (not recorded); final_obs may be NULL. */
typedef struct myr__io {
  uint64_t clock;       /* batch clock before this step */
  const int32_t* act_i; /* discrete actions (or NULL for box) */
  const float* act_f;   /* box actions (or NULL for discrete) */
  float* obs;
  float* reward;
  uint8_t* terminated;
  uint8_t* truncated;
  float* final_obs;
} myr__io;

/* The autoreset contract for envs stepped one at a time (io index k is env
 * i).  myr__next_step_due(): in next_step mode an env whose episode ended
 * on the previous step is reset on this one: writes reward 0 and no flags,
 * clears the pending flag and returns 1; the caller then resets env i and
 * writes its observation instead of stepping.  myr__step_end(): after the
 * physics, writes reward (0 while stepping past an end in disabled mode) and
 * flags; on an episode end records (ret, length) and returns 1 when the env
 * must be reset now (same_step: the caller writes final_obs first), or sets
 * it pending (next_step, disabled) and returns 0. */
int myr__next_step_due(myr_batch* b, int64_t i, int64_t k, const myr__io* io);
int myr__step_end(myr_batch* b, int64_t i, int64_t k, const myr__io* io,
                  myr__stats* st, float reward, uint8_t terminated,
                  uint8_t truncated, double ret, int64_t length);

typedef struct myr__env_class {
  myr_env_info info;
  /* cross-parameter checks after range checks; returns a status */
  int (*validate)(const double* values);
  /* create env state (batch->env) from batch->param_values; may fail;
   * may set batch->info.obs_dim when it depends on the parameters */
  int (*init)(myr_batch* b);
  void (*fini)(myr_batch* b);
  /* lay out per-env arrays through the arena (called twice) */
  void (*bind)(myr_batch* b, myr__arena* a);
  /* reset envs [begin, end) whose mask is set (mask NULL: all), drawing
   * from `stream` at the batch clock; obs indexed from begin, may be NULL */
  void (*reset)(myr_batch* b, int64_t begin, int64_t end, const uint8_t* mask,
                uint32_t stream, float* obs);
  /* one step on [begin, end) with autoreset per the batch mode */
  void (*step)(myr_batch* b, int64_t begin, int64_t end, const myr__io* io,
               myr__stats* stats);
  /* observations of [begin, end) */
  void (*observe)(const myr_batch* b, int64_t begin, int64_t end, float* obs);
  /* state fields by index into info.fields, on [begin, end) */
  void (*get_field)(const myr_batch* b, int32_t field, int64_t begin,
                    int64_t end, double* out);
  void (*set_field)(myr_batch* b, int32_t field, int64_t begin, int64_t end,
                    const double* in);
  /* optional: validate a whole state field before writing (NULL: finite) */
  int (*check_field)(const myr_batch* b, int32_t field, const double* in,
                     int64_t n);
  /* optional: per-env parameter values (NULL: shared values, and no
   * per-env distributions); a class that
   * reads every parameter through myr__param() sets myr__param_get, which
   * allows per-env distributions of any of its parameters */
  int (*get_param)(const myr_batch* b, int32_t param, double* out);
} myr__env_class;

#define MYR_ENV_CLASS_(name) extern const myr__env_class name;
#include "../envs/env_list.h"
#undef MYR_ENV_CLASS_
const myr__env_class* myr__env_class_find(const char* id);
const myr__env_class* myr__env_class_at(int32_t index);
int32_t myr__env_class_count(void);

/* ------------------------------------------------------------ the batch */

#define MYR_PARAMS_MAX 32

struct myr_batch {
  const myr__env_class* cls;
  /* cls->info with this batch's values: init() may set obs_dim from the
   * parameters (myr_batch_env() returns this copy) */
  myr_env_info info;
  int64_t num_envs;
  int64_t env_offset;
  uint64_t seed;
  uint64_t clock;
  uint32_t epoch;
  myr_precision precision;
  myr_autoreset autoreset;
  int32_t threads;
  int64_t block_size;
  myr__pool* pool;
  double param_values[MYR_PARAMS_MAX];
  /* per-env parameter settings (distributions) as given at create */
  myr_param_setting param_dist[MYR_PARAMS_MAX];
  uint8_t param_randomised[MYR_PARAMS_MAX];
  /* per-env values of randomised parameters, drawn once at create from
   * MYR_STREAM_PARAM (sub-stream = parameter index); NULL if shared (n) */
  double* param_env[MYR_PARAMS_MAX];
  myr__policy_state* policy_state; /* NULL until a pid rollout */
  uint8_t* pending; /* (n) */
  void* mem;        /* all per-env arrays */
  size_t mem_bytes;
  void* env;        /* env-class state (params, array pointers) */
  int64_t cap_hits;
  /* per-worker scratch for fused rollouts */
  void* scratch;
  size_t scratch_stride;
  /* myr_backend; dev is the device state of a CUDA batch (NULL on the
   * CPU), see src/cuda/cuda_backend.h */
  int32_t backend;
  void* dev;
  /* MYR__BUSY while a call runs on the batch, | MYR__DESTROY once
   * myr_batch_destroy() was asked for during one (that call frees it).
   * The CUDA kernels (C++) include this header but never touch a batch;
   * C++17 has no atomic_int, and an int has its size and alignment. */
#if defined(__cplusplus)
  int state;
#else
  atomic_int state;
#endif
  /* a rollout was stopped inside a chunk: the envs are at different steps
   * until the next full reset, and stepping is refused */
  int torn;
};

/* has the caller's stop flag (myr_rollout_def.stop) been set?  Read as a
 * relaxed atomic: workers look at it while another thread, or a signal
 * handler, sets it (writers from other threads store it atomically too) */
static inline int myr__stop_requested(volatile int* stop) {
#if defined(__GNUC__)
  return stop != NULL && __atomic_load_n(stop, __ATOMIC_RELAXED) != 0;
#else
  return stop != NULL && *stop != 0;
#endif
}

/* MYR_EINVAL if the batch is torn (see myr_batch.torn), else MYR_OK */
int myr__check_whole(const myr_batch* b);

/* One call at a time on a batch: every call that steps, resets, reads or
 * writes the state claims the batch first and returns MYR_EBUSY if another
 * call (another thread, or a chunk callback re-entering) holds it; a
 * destroy during a call is deferred until that call returns, and a
 * rollout stops at its next chunk boundary when it sees one. */
#define MYR__BUSY 1
#define MYR__DESTROY 2
int myr__enter(const myr_batch* b);
void myr__leave(const myr_batch* b);
/* was the batch's destruction requested during the running call? */
int myr__destroy_requested(const myr_batch* b);
/* run `call` (an int expression) with b claimed; returns its status */
#define MYR__GUARDED(b, call)          \
  do {                                 \
    int guard_rc_ = myr__enter(b);     \
    if (guard_rc_ != MYR_OK) return guard_rc_; \
    guard_rc_ = (call);                \
    myr__leave(b);                     \
    return guard_rc_;                  \
  } while (0)

/* value of parameter k for env i (per-env if randomised, else shared) */
static inline double myr__param(const myr_batch* b, int32_t k, int64_t i) {
  return b->param_env[k] != NULL ? b->param_env[k][i] : b->param_values[k];
}

/* get_param for classes that read parameters through myr__param():
 * param k of every env into out (n) */
int myr__param_get(const myr_batch* b, int32_t k, double* out);

/* per-worker scratch of a fused rollout, carved from batch->scratch */
unsigned char* myr__scratch(myr_batch* b, int32_t worker);
/* per-worker statistics, at the start of the worker's scratch slot */
#define MYR__STATS_BYTES 64
myr__stats* myr__worker_stats(myr_batch* b, int32_t worker);

#endif /* MYR_ENGINE_INTERNAL_H */
