/*
 * myriad.h -- public C API of libmyriad.
 *
 * A batch holds N independent environments of one kind in struct-of-arrays
 * layout and steps them together.  Every fallible call returns a status code
 * (MYR_OK or a negative myr_status); myr_strerror() names the code and
 * myr_last_error() gives the detailed message of the calling thread's last
 * failure.  A failed call changes nothing: the batch stays usable and its
 * state is unchanged (the one exception is an interrupted rollout,
 * MYR_EINTR, which keeps the steps it completed).  The library never exits
 * and never prints except through the log hook.  Stepping never allocates;
 * the calls that may are myr_batch_create(), myr_batch_set_threads(),
 * myr_batch_set_block_size(), myr_batch_rollout() with recording (one
 * trajectory buffer per call) and the first rollout with a pid policy (its
 * per-env memory, kept by the batch).
 *
 * Random numbers are counter-based (Philox4x32-10): every draw is a pure
 * function of (seed, global env index, step counter, stream), so results do
 * not depend on the thread count, block size, chunk size or process layout.
 */
#ifndef MYRIAD_MYRIAD_H
#define MYRIAD_MYRIAD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MYR_VERSION_MAJOR 0
#define MYR_VERSION_MINOR 1
#define MYR_VERSION_PATCH 0
#define MYR_VERSION_STRING "0.1.0"

/* Largest number of environments in one batch (env indices are 32-bit
 * Philox counter words). */
#define MYR_MAX_ENVS ((int64_t)1 << 32)

/* Largest molecule count of a stochastic env's species (2^30).  The SSA
 * never applies a reaction that would pass it: that env-step ends early and
 * is counted as a cap hit, and the episode is truncated at that step;
 * myr_batch_set_state() refuses counts above it (MYR_ERANGE). */
#define MYR_COUNT_MAX 1073741824

/* ---------------------------------------------------------------- status */

#define MYR_STATUS_LIST(X)                                   \
  X(MYR_OK, 0, "success")                                    \
  X(MYR_ENOMEM, -1, "out of memory")                         \
  X(MYR_EINVAL, -2, "invalid argument")                      \
  X(MYR_ENOENV, -3, "unknown environment")                   \
  X(MYR_ENODEV, -4, "backend not built in")                  \
  X(MYR_ENOPARAM, -5, "unknown parameter")                   \
  X(MYR_ERANGE, -6, "value out of range")                    \
  X(MYR_ENOFIELD, -7, "unknown state field")                 \
  X(MYR_EINTR, -9, "interrupted")                            \
  X(MYR_EBUSY, -10, "batch in use by another call")

typedef enum myr_status {
#define MYR_STATUS_ENUM_(name, value, text) name = value,
  MYR_STATUS_LIST(MYR_STATUS_ENUM_)
#undef MYR_STATUS_ENUM_
} myr_status;

/* Name of a status code ("out of memory"); never NULL. */
const char* myr_strerror(int status);

/* Detailed message of the calling thread's last failed call, e.g.
 * "unknown parameter 'mas' for env 'cartpole-v1'"; "" if none. */
const char* myr_last_error(void);

/* ---------------------------------------------------------------- hooks */

/* Allocator used for every allocation the library makes (malloc-like
 * semantics; alignment of at least 16), always from the thread that called
 * into the library, never from its worker threads.  NULL restores the C
 * library's.
 * Not thread-safe against concurrent batch creation: set it first. */
typedef void* (*myr_alloc_fn)(size_t size, void* ctx);
typedef void (*myr_free_fn)(void* ptr, void* ctx);
void myr_set_allocator(myr_alloc_fn alloc, myr_free_fn release, void* ctx);

/* Log hook: receives warnings (level 1) and information (level 2).  The
 * default discards everything. */
typedef void (*myr_log_fn)(int level, const char* message, void* ctx);
void myr_set_log_hook(myr_log_fn fn, void* ctx);

/* ---------------------------------------------------------------- enums */

typedef enum myr_autoreset {
  MYR_AUTORESET_SAME_STEP = 0, /* finished envs reset inside step(); the
                                  terminal obs goes to final_obs */
  MYR_AUTORESET_NEXT_STEP = 1, /* the step after an end resets, ignores its
                                  action and returns reward 0 */
  MYR_AUTORESET_DISABLED = 2   /* caller resets with myr_batch_reset_mask() */
} myr_autoreset;

typedef enum myr_precision {
  MYR_FLOAT32 = 0, /* float32 state and arithmetic (fast, SIMD) */
  MYR_FLOAT64 = 1  /* float64, reference operation order (Gymnasium parity) */
} myr_precision;

typedef enum myr_backend {
  MYR_BACKEND_CPU = 0, /* threads + SIMD (always built) */
  MYR_BACKEND_CUDA = 1 /* device-resident state on a CUDA GPU (optional at
                          build time: "cuda" in myr_build_info()) */
} myr_backend;

typedef enum myr_space_kind {
  MYR_SPACE_DISCRETE = 0, /* int32 actions in [0, n) */
  MYR_SPACE_BOX = 1       /* float32 actions in [low, high]^dim */
} myr_space_kind;

typedef enum myr_dist {
  MYR_DIST_FIXED = 0,    /* value a */
  MYR_DIST_UNIFORM = 1,  /* per env: U(a, b) */
  MYR_DIST_LOGNORMAL = 2 /* per env: exp(a + b * N(0,1)) */
} myr_dist;

/* ---------------------------------------------------------------- metadata */

/* One parameter of an environment.  Values are validated against
 * [min, max]; integer parameters also must be whole numbers. */
typedef struct myr_param_info {
  const char* name;
  double default_value;
  double min_value;
  double max_value;
  int32_t is_integer;
  const char* unit;        /* "kg", "s", "1/min", "" */
  const char* description; /* one line */
} myr_param_info;

/* One named state field readable and writable with myr_batch_get_state(). */
typedef struct myr_field_info {
  const char* name;
  const char* unit;
  const char* description;
  int32_t is_integer;
  int32_t writable;
  double max_value; /* largest value set_state accepts for an integer field
                       (0: 2147483646) */
} myr_field_info;

typedef struct myr_space {
  myr_space_kind kind;
  int32_t n;   /* discrete: number of actions; box: dimension */
  float low;   /* box bounds (all dimensions) */
  float high;
} myr_space;

typedef struct myr_env_info {
  const char* id;          /* canonical id, e.g. "cartpole-v1" */
  const char* aliases;     /* comma-separated, may be "" */
  const char* description; /* one line */
  int32_t obs_dim;
  float obs_low;  /* bounds of each observation entry (may be +-inf) */
  float obs_high;
  myr_space action_space;
  int32_t num_params;
  const myr_param_info* params;
  int32_t num_fields;
  const myr_field_info* fields;
  int32_t max_steps_default; /* truncation horizon with default parameters */
  size_t state_bytes_per_env; /* float32 state, all per-env arrays */
  const char* observation; /* layout of one observation, one line */
  const char* reward;      /* reward of one step, one line */
} myr_env_info;

/* Number of registered environments and their metadata (static storage). */
int32_t myr_env_count(void);
const myr_env_info* myr_env_at(int32_t index);

/* Look up an environment by id or alias; NULL (and a last-error message) if
 * unknown. */
const myr_env_info* myr_env_find(const char* id);

/* ---------------------------------------------------------------- batch */

/* One parameter override; name is borrowed for the create call. */
typedef struct myr_param_setting {
  const char* name;
  myr_dist dist;
  double a; /* value (fixed), low (uniform), log-location (lognormal) */
  double b; /* high (uniform), log-scale (lognormal) */
} myr_param_setting;

/* Definition of a batch; fill with myr_batch_def_default() then edit. */
typedef struct myr_batch_def {
  uint64_t seed;
  int32_t threads;          /* worker threads; 0 = all online CPUs */
  myr_precision precision;
  myr_autoreset autoreset;
  int64_t env_offset;       /* global index of env 0 (process sharding) */
  int32_t num_params;
  const myr_param_setting* params; /* borrowed for the create call */
  int32_t backend;          /* myr_backend: MYR_BACKEND_CPU (default) or
                               MYR_BACKEND_CUDA.  A CUDA batch keeps its
                               state on the device; step() copies the
                               caller's host buffers in and out; state
                               access and the hash read a host mirror.
                               Without CUDA built in: MYR_ENODEV "backend
                               not built in: cuda"; built in but no device:
                               MYR_ENODEV; an env or precision the CUDA
                               backend lacks, or a per-env parameter
                               distribution: MYR_EINVAL. */
} myr_batch_def;

myr_batch_def myr_batch_def_default(void);

typedef struct myr_batch myr_batch;

/* Create a batch of num_envs environments of kind env_id (id or alias).
 * def may be NULL (defaults).  Environments start reset with def->seed.
 * Returns MYR_ENOENV (unknown id), MYR_ENOPARAM (unknown parameter),
 * MYR_ERANGE (value outside the parameter's range, NaN), MYR_EINVAL
 * (num_envs <= 0, bad enum, NULL out), MYR_ENOMEM (num_envs > MYR_MAX_ENVS, the
 * batch does not fit in memory or an allocation failed).  *out is set to
 * NULL on failure. */
int myr_batch_create(const char* env_id, int64_t num_envs,
                     const myr_batch_def* def, myr_batch** out);

/* Release a batch and its worker threads.  NULL is a no-op. */
void myr_batch_destroy(myr_batch* batch);

const myr_env_info* myr_batch_env(const myr_batch* batch);
int64_t myr_batch_num_envs(const myr_batch* batch);
int32_t myr_batch_threads(const myr_batch* batch);
myr_autoreset myr_batch_autoreset(const myr_batch* batch);
myr_precision myr_batch_precision(const myr_batch* batch);
uint64_t myr_batch_seed(const myr_batch* batch);
/* MYR_BACKEND_CPU or MYR_BACKEND_CUDA */
myr_backend myr_batch_backend(const myr_batch* batch);
/* "cpu" or "cuda" ("unknown" for other values) */
const char* myr_backend_name(int backend);
/* Steps taken since the last seeded reset (the batch clock). */
uint64_t myr_batch_clock(const myr_batch* batch);
/* Bytes of per-env state the batch allocated (all arrays, all envs). */
size_t myr_batch_state_bytes(const myr_batch* batch);
/* Bytes of device memory the batch holds (CUDA backend; 0 on the CPU). */
size_t myr_batch_device_bytes(const myr_batch* batch);
/* Times the per-step reaction cap was hit (stochastic envs; 0 otherwise). */
int64_t myr_batch_cap_hits(const myr_batch* batch);

/* Set the thread count (0 = all online CPUs) or the number of envs a worker
 * advances together in a fused rollout (0 = default). */
int myr_batch_set_threads(myr_batch* batch, int32_t threads);
int myr_batch_set_block_size(myr_batch* batch, int64_t block_size);
int64_t myr_batch_block_size(const myr_batch* batch);
/* Chunk size a fused rollout of this batch uses when myr_rollout_def's
 * chunk_size is 0 (the backend's default: 64 steps on the CPU, 1024 steps
 * per kernel launch on CUDA); 0 for a NULL batch. */
int64_t myr_batch_default_chunk(const myr_batch* batch);
/* Bytes one env adds to one recorded trajectory row (obs, action, reward,
 * terminated, truncated): a recorded rollout holds chunk_size x num_envs x
 * this many bytes; 0 for a NULL batch. */
size_t myr_batch_row_bytes(const myr_batch* batch);

/* Reset every environment.  If seed is non-NULL the batch is re-keyed with
 * *seed and its clock restarts at 0, so the same seed gives the same
 * episodes; otherwise fresh initial states are drawn.  obs (N x obs_dim)
 * receives the first observations and may be NULL. */
int myr_batch_reset(myr_batch* batch, const uint64_t* seed, float* obs);

/* Reset the environments whose mask[i] is non-zero (any autoreset mode).
 * obs (N x obs_dim) receives their first observations (others untouched)
 * and may be NULL. */
int myr_batch_reset_mask(myr_batch* batch, const uint8_t* mask, float* obs);

/* Outputs of one step; all arrays caller-owned, borrowed for the call. */
typedef struct myr_step_out {
  float* obs;          /* N x obs_dim, required */
  float* reward;       /* N, required */
  uint8_t* terminated; /* N, required */
  uint8_t* truncated;  /* N, required */
  float* final_obs;    /* N x obs_dim or NULL: terminal obs of envs that
                          ended this step (same_step mode), others untouched */
} myr_step_out;

/* Advance every environment one step with discrete actions (N int32 in
 * [0, n)).  Returns MYR_EINVAL for NULL buffers, an action outside the
 * space, or a box-action env; the batch is unchanged then. */
int myr_batch_step(myr_batch* batch, const int32_t* actions,
                   const myr_step_out* out);

/* Same for box action spaces (N x dim float32, finite, clipped by the env
 * as Gymnasium does). */
int myr_batch_step_box(myr_batch* batch, const float* actions,
                       const myr_step_out* out);

/* Actions of the built-in random policy at the current clock (the actions a
 * fused random rollout would take next): discrete envs write int32, box envs
 * float32 (N x dim). */
int myr_batch_random_actions(const myr_batch* batch, void* actions);

/* Current observations (N x obs_dim). */
int myr_batch_observe(const myr_batch* batch, float* obs);

/* Named state access: values converted to/from double.  Fields are listed in
 * myr_env_info.fields ("x", "theta", "t", "H", ...).  Parameters (including
 * per-env randomised ones) are read with myr_batch_get_param(). */
int myr_batch_get_state(const myr_batch* batch, const char* field,
                        double* values);
int myr_batch_set_state(myr_batch* batch, const char* field,
                        const double* values);
int myr_batch_get_param(const myr_batch* batch, const char* name,
                        double* values);

/* Order-independent 64-bit hash of the full state: a sum over envs of a mix
 * of (global env index, state bits), so shards add up to the whole. */
uint64_t myr_batch_state_hash(const myr_batch* batch);

/* ---------------------------------------------------------------- rollout */

/* One chunk of a recorded trajectory: row s (0 <= s < steps) holds the step
 * that advanced the batch from clock step0 + s to step0 + s + 1.  Arrays are
 * step-major (steps x num_envs [x dim]) and valid during the callback only. */
typedef struct myr_traj_chunk {
  uint64_t step0;
  int64_t steps;
  int64_t num_envs;
  int32_t obs_dim;
  int32_t action_dim;      /* 1 for discrete */
  const float* obs;        /* observation returned by the step */
  const void* action;      /* int32 (discrete) or float32 (box) */
  const float* reward;
  const uint8_t* terminated;
  const uint8_t* truncated;
} myr_traj_chunk;

/* Return non-zero to stop the rollout early (it then returns MYR_EINTR). */
typedef int (*myr_chunk_fn)(const myr_traj_chunk* chunk, void* user);

typedef struct myr_rollout_def {
  int64_t steps;       /* steps to run */
  const char* policy;  /* "random", "constant:<a>", ... (myr_policy_parse) */
  int64_t chunk_size;  /* steps a block advances while resident, and steps
                          per recorded chunk; 0 = default */
  myr_chunk_fn on_chunk; /* NULL: no recording */
  void* user;
  volatile int* stop;  /* optional: set non-zero (e.g. from a signal
                          handler) to stop: at the next chunk boundary, or
                          inside a running chunk at the next step of each
                          block.  A batch stopped inside a chunk has envs
                          at different steps: it refuses steps and rollouts
                          (MYR_EINVAL) until myr_batch_reset() */
} myr_rollout_def;

myr_rollout_def myr_rollout_def_default(void);

typedef struct myr_rollout_stats {
  int64_t steps;          /* env-steps taken (num_envs x steps) */
  int64_t episodes;       /* episodes that ended */
  double mean_return;     /* over ended episodes (0 if none; NaN when
                             return_overflows > 0) */
  double mean_length;     /* over ended episodes (0 if none) */
  double wall_seconds;
  int64_t cap_hits;       /* reaction-cap hits during the rollout */
  int64_t reactions;      /* SSA reactions fired (stochastic envs) */
  /* exact sums for aggregating shards: lengths, and returns in units of
   * 1/MYR_RETURN_SCALE, each episode's return rounded, summed as a 128-bit
   * two's-complement integer return_sum_fixed_hi * 2^64 +
   * (uint64_t)return_sum_fixed (order-independent, so any split adds up to
   * the same numbers, and no allowed input overflows it; for sums inside
   * int64, return_sum_fixed alone is the sum) */
  int64_t length_sum;
  int64_t return_sum_fixed;    /* low 64 bits */
  int64_t return_sum_fixed_hi; /* high 64 bits */
  /* episodes whose return is too large to sum exactly (|return| >=
   * 2^62 / MYR_RETURN_SCALE, or not finite): counted in episodes and
   * length_sum but not in the return sum; mean_return is then NaN */
  int64_t return_overflows;
  /* the chunk and block sizes the rollout actually used (defaults resolved,
   * backend-specific: a CUDA rollout's chunk is one kernel launch) */
  int64_t chunk_size;
  int64_t block_size;
} myr_rollout_stats;

/* Fixed-point scale of the return sums: 2^10 keeps 1/1024 per episode. */
#define MYR_RETURN_SCALE 1024.0

/* Recompute mean_return and mean_length from episodes, length_sum and the
 * return sum (after adding up the sums of several rollouts or shards).
 * NULL is a no-op. */
void myr_rollout_stats_finish(myr_rollout_stats* stats);

/* Add the counts and exact sums of `from` to `into` (wall_seconds add up,
 * as for pieces run one after another), then finish `into`.  NULL is a
 * no-op. */
void myr_rollout_stats_add(myr_rollout_stats* into,
                           const myr_rollout_stats* from);

/* Run def->steps steps with a built-in policy inside the library (autoreset
 * mode same_step or next_step as the batch is set).  Equivalent step by
 * step to myr_batch_step() with that policy's actions.  Recording streams
 * chunks of chunk_size steps through def->on_chunk, so memory stays
 * O(chunk_size x N).  stats may be NULL. */
int myr_batch_rollout(myr_batch* batch, const myr_rollout_def* def,
                      myr_rollout_stats* stats);

/* Check a policy spec against an env without running anything. */
int myr_policy_check(const myr_env_info* env, const char* spec);

/* ---------------------------------------------------------------- parsing */

/* Parse "name=value", "name=uniform(lo,hi)" or "name=lognormal(loc,scale)".
 * name_buf receives the name (out->name points into it). */
int myr_param_parse(const char* text, myr_param_setting* out, char* name_buf,
                    size_t name_buf_size);

/* Parse "float32"/"float64" and "same_step"/"next_step"/"disabled". */
int myr_precision_parse(const char* text, myr_precision* out);
int myr_autoreset_parse(const char* text, myr_autoreset* out);
const char* myr_autoreset_name(myr_autoreset mode);
const char* myr_precision_name(myr_precision precision);

/* ---------------------------------------------------------------- build */

/* 1 if backend (myr_backend) is built into this library, else 0.  A
 * built-in CUDA backend may still find no device at create (MYR_ENODEV). */
int myr_backend_available(int backend);
/* "cpu", plus the SIMD ISA and optional backends compiled in. */
const char* myr_build_info(void);
/* SIMD instruction set the kernels were compiled for ("avx2+fma", ...). */
const char* myr_simd_isa(void);
/* Online CPUs. */
int32_t myr_cpu_count(void);

#ifdef __cplusplus
}
#endif
#endif /* MYRIAD_MYRIAD_H */
