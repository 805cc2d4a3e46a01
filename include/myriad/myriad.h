/*
 * myriad.h -- public C API of libmyriad.
 *
 * A batch holds N independent environments of one kind in struct-of-arrays
 * layout and steps them together.  Every fallible call returns a status code
 * (MYR_OK or a negative myr_status); myr_strerror() names the code and
 * myr_last_error() gives the detailed message of the calling thread's last
 * failure.  A failed call changes nothing: the batch stays usable and its
 * state is unchanged.  The exceptions: an interrupted rollout (MYR_EINTR)
 * keeps the steps it completed, and a CUDA runtime failure after a kernel
 * ran leaves the batch's state unspecified.  On the CUDA backend a failed
 * CUDA runtime call returns MYR_ENOMEM when the device ran out of memory
 * (cudaErrorMemoryAllocation) and MYR_EDEVICE for any other failure
 * (illegal address, launch failure, no device, ...); the message names the
 * call and CUDA's error string ("cuda: ... failed: ...").  The library
 * never exits and never prints except through the log hook.
 *
 * Memory: stepping and CPU rollouts without recording allocate nothing.  The
 * calls that allocate are myr_batch_create() (everything a batch needs for
 * the step API), myr_batch_set_threads() (a new thread pool, and larger
 * rollout scratch when the count grows), myr_batch_set_block_size() (new
 * rollout scratch), myr_batch_rollout() with recording (one chunk of
 * trajectory rows per call, freed before it returns), the first CPU rollout
 * with a pid policy (per-env memory, kept by the batch) and, on the CUDA
 * backend, the first myr_batch_step(), or myr_batch_reset() /
 * myr_batch_reset_mask() with a mask or obs (device step buffers, 11 + 8 x
 * obs_dim bytes per env, kept by the batch).
 *
 * Threads: one call at a time runs on a batch.  The calls documented with
 * MYR_EBUSY claim the batch and return MYR_EBUSY, changing nothing, while
 * another call (another thread, or a chunk callback re-entering) holds it;
 * the accessors, myr_batch_get_param() and myr_batch_state_hash() do not
 * claim it and must not run concurrently with a call that changes the
 * batch.  Different batches may be used from different threads at once.
 * Unless stated otherwise an "N" array has myr_batch_num_envs() entries and
 * is caller-owned and borrowed for the call only.
 *
 * Random numbers are counter-based (Philox4x32-10): every draw is a pure
 * function of (seed, global env index, step counter, stream), so results do
 * not depend on the thread count, block size, chunk size or process layout.
 */
#ifndef MYRIAD_MYRIAD_H
#define MYRIAD_MYRIAD_H

#include <signal.h> /* sig_atomic_t (myr_rollout_def.stop) */
#include <stddef.h>
#include <stdint.h>

/* MYR_API marks the public functions: the shared library is built with
 * hidden visibility and exports these only.  Predefine MYR_API to override
 * (e.g. __declspec(dllexport) or dllimport for a Windows DLL; the library
 * itself builds on POSIX systems). */
#ifndef MYR_API
#  if defined(_WIN32)
#    define MYR_API
#  elif defined(__GNUC__)
#    define MYR_API __attribute__((visibility("default")))
#  else
#    define MYR_API
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define MYR_VERSION_MAJOR 0
#define MYR_VERSION_MINOR 1
#define MYR_VERSION_PATCH 0
#define MYR_VERSION_STRING "0.1.0"

/* Largest number of environments in one batch, and bound of the global
 * index range: env_offset + num_envs <= MYR_MAX_ENVS (env indices are 32-bit
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
  X(MYR_EBUSY, -10, "batch in use by another call")          \
  X(MYR_EDEVICE, -11, "device failure")

typedef enum myr_status {
#define MYR_STATUS_ENUM_(name, value, text) name = value,
  MYR_STATUS_LIST(MYR_STATUS_ENUM_)
#undef MYR_STATUS_ENUM_
} myr_status;

/* Name of a status code ("out of memory"), "unknown status" for any other
 * value; static storage, never NULL. */
MYR_API const char* myr_strerror(int status);

/* Detailed message of the calling thread's last failed call, e.g.
 * "unknown parameter 'mas' for 'cartpole-v1' (try 'myriad envs')"; "" if
 * the thread has had no failure.  Successful calls do not clear it.
 * Thread-local storage (at most 511 characters), valid until the thread's
 * next failing call; never NULL. */
MYR_API const char* myr_last_error(void);

/* ---------------------------------------------------------------- hooks */

/* Allocator for every heap block the library allocates itself (not the C
 * library's own allocations, such as thread stacks, nor CUDA device
 * memory).  alloc has malloc semantics (size >= 1; NULL on failure, which
 * the call reports as MYR_ENOMEM) and must return memory aligned to at
 * least 16 bytes; release frees a block alloc returned (never NULL).  Both
 * receive ctx and are called only from the thread that called into the
 * library, never from its worker threads.  alloc or release NULL restores
 * malloc/free.  Blocks are freed through the hook installed at the time,
 * so change it only while no batch exists, and not while another thread
 * calls into the library. */
typedef void* (*myr_alloc_fn)(size_t size, void* ctx);
typedef void (*myr_free_fn)(void* ptr, void* ctx);
MYR_API void myr_set_allocator(myr_alloc_fn alloc, myr_free_fn release,
                               void* ctx);

/* Log hook, called with ctx and a message (at most 511 characters, valid
 * during the call only): warnings (level 1): reaction-cap hits during a step
 * or rollout (one message per call that had any, with the count).  Level 2
 * (information) is reserved.  fn NULL (the default) discards everything.
 * Set it before other threads call into the library. */
typedef void (*myr_log_fn)(int level, const char* message, void* ctx);
MYR_API void myr_set_log_hook(myr_log_fn fn, void* ctx);

/* ---------------------------------------------------------------- enums */

typedef enum myr_autoreset {
  MYR_AUTORESET_SAME_STEP = 0, /* finished envs reset inside step(): obs is
                                  the new episode's first observation, the
                                  terminal obs goes to final_obs */
  MYR_AUTORESET_NEXT_STEP = 1, /* obs is the terminal observation; the step
                                  after an end resets, ignores its action
                                  and returns reward 0 and flags 0 */
  MYR_AUTORESET_DISABLED = 2   /* caller resets with myr_batch_reset_mask();
                                  stepping an ended env anyway keeps
                                  integrating it, with reward 0.  Fused
                                  rollouts refuse this mode */
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
  MYR_SPACE_BOX = 1       /* float32 actions in [low, high]^n */
} myr_space_kind;

/* Per-env values (UNIFORM, LOGNORMAL) are drawn once at myr_batch_create()
 * from (def->seed, global env index) and kept for the batch's lifetime,
 * across every reset; a draw outside the parameter's [min, max] fails the
 * create (MYR_ERANGE).  Integer parameters: UNIFORM gives a whole number in
 * [a, b], each equally likely; LOGNORMAL is rounded to the nearest. */
typedef enum myr_dist {
  MYR_DIST_FIXED = 0,    /* value a, shared by every env */
  MYR_DIST_UNIFORM = 1,  /* per env: U(a, b), a <= b, both in range */
  MYR_DIST_LOGNORMAL = 2 /* per env: exp(a + b * N(0,1)), b >= 0 */
} myr_dist;

/* ---------------------------------------------------------------- metadata */

/* All strings of the metadata below are static, never NULL. */

/* One parameter of an environment.  A value must be finite and in
 * [min_value, max_value] (inclusive); an integer parameter's value must
 * also be a whole number.  Otherwise myr_batch_create() fails with
 * MYR_ERANGE. */
typedef struct myr_param_info {
  const char* name;
  double default_value;
  double min_value;
  double max_value;
  int32_t is_integer;      /* 1: whole numbers only, else 0 */
  const char* unit;        /* "kg", "s", "1/min", "" */
  const char* description; /* one line */
} myr_param_info;

/* One named state field, read with myr_batch_get_state() and, if writable,
 * written with myr_batch_set_state() (values as double, in unit). */
typedef struct myr_field_info {
  const char* name;
  const char* unit;
  const char* description;
  int32_t is_integer; /* 1: whole numbers (counts, step counters) */
  int32_t writable;   /* 0: set_state refuses the field (MYR_EINVAL) */
  double max_value; /* largest value set_state accepts for an integer field
                       (0: 2147483646); integer fields are >= 0 */
} myr_field_info;

typedef struct myr_space {
  myr_space_kind kind;
  int32_t n;   /* discrete: number of actions; box: dimension */
  float low;   /* box: bounds of every dimension; discrete: unused */
  float high;
} myr_space;

typedef struct myr_env_info {
  const char* id;          /* canonical id, e.g. "cartpole-v1" */
  const char* aliases;     /* comma-separated, may be "" */
  const char* description; /* one line */
  int32_t obs_dim;         /* floats per observation with the default
                              parameters; a batch's own (it may depend on
                              its parameters) is myr_batch_env()->obs_dim */
  float obs_low;  /* bounds of each observation entry (may be +-inf) */
  float obs_high;
  myr_space action_space;
  int32_t num_params;
  const myr_param_info* params; /* num_params entries */
  int32_t num_fields;
  const myr_field_info* fields; /* num_fields entries */
  int32_t max_steps_default; /* truncation horizon with default parameters */
  size_t state_bytes_per_env; /* bytes of per-env state at float32
                                 precision, all per-env arrays without
                                 alignment padding; myr_batch_state_bytes()
                                 gives a batch's real total for its
                                 precision and parameters */
  const char* observation; /* layout of one observation, one line */
  const char* reward;      /* reward of one step, one line */
} myr_env_info;

/* Number of registered environments, and the metadata of environment
 * index in [0, myr_env_count()) (static storage; NULL outside). */
MYR_API int32_t myr_env_count(void);
MYR_API const myr_env_info* myr_env_at(int32_t index);

/* Look up an environment by its id or one of its aliases (exact,
 * case-sensitive); NULL if id is NULL or unknown (last error set). */
MYR_API const myr_env_info* myr_env_find(const char* id);

/* ---------------------------------------------------------------- batch */

/* One parameter override. */
typedef struct myr_param_setting {
  const char* name; /* a name of myr_env_info.params; borrowed for the
                       create call */
  myr_dist dist;
  double a; /* value (fixed), low (uniform), log-location (lognormal) */
  double b; /* high (uniform), log-scale (lognormal); unused (fixed) */
} myr_param_setting;

/* Definition of a batch; fill with myr_batch_def_default() then edit. */
typedef struct myr_batch_def {
  uint64_t seed;            /* any value; default 0 */
  int32_t threads;          /* worker threads in [0, 1024] (the caller's
                               thread is one of them); 0 (default) =
                               myr_cpu_count() */
  myr_precision precision;  /* default MYR_FLOAT32 */
  myr_autoreset autoreset;  /* default MYR_AUTORESET_SAME_STEP */
  int64_t env_offset;       /* global index of env 0 (process sharding), in
                               [0, MYR_MAX_ENVS - num_envs]; default 0 */
  int32_t num_params;       /* >= 0; default 0 */
  const myr_param_setting* params; /* num_params settings, applied in
                               order (a later one for the same name
                               replaces an earlier one); may be NULL when
                               num_params is 0; borrowed for the create
                               call.  Parameters not named keep their
                               default_value */
  int32_t backend;          /* myr_backend: MYR_BACKEND_CPU (default) or
                               MYR_BACKEND_CUDA.  A CUDA batch keeps its
                               state on the device; step() copies the
                               caller's host buffers in and out; state
                               access and the hash read a host mirror.
                               The CUDA backend supports cartpole-v1 and
                               ccasr-gfp-control at MYR_FLOAT32 with
                               fixed parameters; its rollouts take the
                               random and constant policies, without
                               recording */
  const struct myr_model* model; /* "reaction-network" (alias "sbml"): the
                               model the batch simulates (myr_model_load),
                               borrowed for the create call (the batch keeps
                               its own copy); NULL (default) for every
                               other env, which refuses a model */
} myr_batch_def;

/* seed 0, threads 0, MYR_FLOAT32, MYR_AUTORESET_SAME_STEP, env_offset 0, no
 * parameters, MYR_BACKEND_CPU, no model. */
MYR_API myr_batch_def myr_batch_def_default(void);

typedef struct myr_batch myr_batch;

/* Create a batch of num_envs environments of kind env_id (id or alias).
 * def may be NULL (myr_batch_def_default()).  Environments start reset
 * exactly as a myr_batch_reset() with def's seed resets them (clock 0);
 * per-env parameters are drawn now (myr_dist).  *out receives the
 * batch, or NULL on failure.  Returns
 *   MYR_EINVAL   out is NULL; num_envs <= 0; env_offset outside
 *                [0, MYR_MAX_ENVS - num_envs]; precision, autoreset,
 *                backend or a setting's dist not one of the enum's values;
 *                threads outside [0, 1024]; num_params < 0, or params NULL
 *                with num_params > 0; a setting's name NULL; a per-env
 *                distribution for a parameter the env cannot vary per env;
 *                CUDA: an env other than cartpole-v1 or ccasr-gfp-control,
 *                MYR_FLOAT64, or a per-env distribution
 *   MYR_ENOENV   env_id NULL or unknown
 *   MYR_ENOPARAM a setting names no parameter of the env
 *   MYR_ERANGE   a value (fixed, or a uniform bound) not finite, outside
 *                the parameter's range or not whole for an integer one;
 *                a distribution's a or b not finite; uniform a > b;
 *                lognormal b < 0; a per-env draw outside the range; the
 *                env's cross-parameter checks failed (the message says
 *                which, per env for per-env values)
 *   MYR_ENODEV   CUDA requested but not built in ("backend not built in:
 *                cuda"), or built in and no device found
 *   MYR_ENOMEM   num_envs > MYR_MAX_ENVS; the state and the rollout
 *                scratch would not fit in the memory the process may
 *                still get (physical, available, the memory cgroup's
 *                limit, RLIMIT_AS: the message names the bound); an
 *                allocation or a worker thread's start failed; CUDA: out
 *                of device memory
 *   MYR_EDEVICE  CUDA: any other failure of a device allocation or copy */
MYR_API int myr_batch_create(const char* env_id, int64_t num_envs,
                             const myr_batch_def* def, myr_batch** out);

/* Release a batch, its worker threads and its device memory.  NULL is a
 * no-op.  Called while a call runs on the batch (from a chunk callback or
 * another thread), the release is deferred until that call returns; a CPU
 * rollout then stops at its next chunk boundary (MYR_EINTR), a CUDA one
 * runs to its end.  The batch must not be used once the release happened. */
MYR_API void myr_batch_destroy(myr_batch* batch);

/* Accessors: for a NULL batch they return NULL, 0, or the enum's 0 value.
 * myr_batch_env() is the env's metadata with this batch's obs_dim (valid
 * until destroy); threads and block size are the resolved values (never 0);
 * seed is the one of the last seeded reset (or create). */
MYR_API const myr_env_info* myr_batch_env(const myr_batch* batch);
MYR_API int64_t myr_batch_num_envs(const myr_batch* batch);
MYR_API int32_t myr_batch_threads(const myr_batch* batch);
MYR_API myr_autoreset myr_batch_autoreset(const myr_batch* batch);
MYR_API myr_precision myr_batch_precision(const myr_batch* batch);
MYR_API uint64_t myr_batch_seed(const myr_batch* batch);
/* MYR_BACKEND_CPU or MYR_BACKEND_CUDA */
MYR_API myr_backend myr_batch_backend(const myr_batch* batch);
/* "cpu" or "cuda" ("unknown" for other values) */
MYR_API const char* myr_backend_name(int backend);
/* Steps taken since the last seeded reset or create (the batch clock; steps
 * and rollouts advance it, an unseeded reset does not restart it). */
MYR_API uint64_t myr_batch_clock(const myr_batch* batch);
/* Bytes of per-env state the batch allocated: all arrays of all envs for
 * its precision (pending-reset flags and per-env parameters included), each
 * array padded to 64 bytes. */
MYR_API size_t myr_batch_state_bytes(const myr_batch* batch);
/* Bytes of device memory the batch holds (CUDA: state copy, rollout sums,
 * step buffers once allocated, env tables; 0 on the CPU). */
MYR_API size_t myr_batch_device_bytes(const myr_batch* batch);
/* Reaction-cap hits of all steps and rollouts since create (stochastic envs;
 * 0 otherwise); resets do not clear it. */
MYR_API int64_t myr_batch_cap_hits(const myr_batch* batch);
/* Env-steps since create in which some reaction's propensity was negative
 * or NaN (reaction networks; it counted as 0, so the model is wrong there);
 * 0 otherwise; resets do not clear it. */
MYR_API int64_t myr_batch_bad_propensities(const myr_batch* batch);

/* Set the worker thread count: threads in [0, 1024], 0 = myr_cpu_count().
 * Results do not depend on it.  Replaces the thread pool (same count: no-op).
 * Returns MYR_EINVAL (batch NULL, threads out of range), MYR_ENOMEM (scratch
 * allocation or a thread's start failed; the old pool is kept), MYR_EBUSY. */
MYR_API int myr_batch_set_threads(myr_batch* batch, int32_t threads);
/* Set the number of envs a worker advances together in a CPU fused rollout
 * (the working set kept in cache): block_size in [0, 4194304], 0 = the
 * env's default (1024; 8192 for the SSA envs: gene circuit, opto-hill-1d,
 * reaction-network).  Results do not depend on it.  Returns MYR_EINVAL (batch NULL,
 * block_size out of range), MYR_ENOMEM (scratch allocation failed),
 * MYR_EBUSY. */
MYR_API int myr_batch_set_block_size(myr_batch* batch, int64_t block_size);
MYR_API int64_t myr_batch_block_size(const myr_batch* batch);
/* Chunk size a recorded fused rollout of this batch uses when
 * myr_rollout_def's chunk_size is 0 (the backend's default: 64 steps on
 * the CPU, 1024 steps per kernel launch on CUDA); a CPU rollout without
 * recording uses up to 1024 steps per chunk instead (its chunk only sets
 * how often the state streams through memory); 0 for a NULL batch. */
MYR_API int64_t myr_batch_default_chunk(const myr_batch* batch);
/* Bytes one env adds to one recorded trajectory row (obs, action, reward,
 * terminated, truncated: 4 obs_dim + 4 action_dim + 6): a recorded rollout
 * holds min(chunk_size, steps) x num_envs x this many bytes (plus up to 63
 * bytes of alignment per array); 0 for a NULL batch. */
MYR_API size_t myr_batch_row_bytes(const myr_batch* batch);

/* Reset every environment.  If seed is non-NULL the batch is re-keyed with
 * *seed and its clock restarts at 0, so the same seed gives the same
 * episodes (per-env parameters keep their values from create); otherwise
 * fresh initial states are drawn at the current clock.  Ends a torn state
 * (myr_rollout_def.stop).  obs (N x obs_dim) receives the first
 * observations and may be NULL.  Returns MYR_EINVAL (batch NULL), MYR_EBUSY,
 * MYR_ENOMEM (CUDA: out of device memory for the step buffers),
 * MYR_EDEVICE (CUDA: any other device failure). */
MYR_API int myr_batch_reset(myr_batch* batch, const uint64_t* seed,
                            float* obs);

/* Reset the environments whose mask[i] (N bytes) is non-zero, in any
 * autoreset mode, with fresh initial states; others keep their state.  obs
 * (N x obs_dim) receives their first observations (other rows untouched)
 * and may be NULL.  A torn batch stays torn.  Returns MYR_EINVAL (batch or
 * mask NULL), MYR_EBUSY, MYR_ENOMEM (CUDA: out of device memory for the
 * step buffers), MYR_EDEVICE (CUDA: any other device failure). */
MYR_API int myr_batch_reset_mask(myr_batch* batch, const uint8_t* mask,
                                 float* obs);

/* Outputs of one step; all arrays caller-owned, borrowed for the call. */
typedef struct myr_step_out {
  float* obs;          /* N x obs_dim, required (see myr_autoreset) */
  float* reward;       /* N, required */
  uint8_t* terminated; /* N (0 or 1), required */
  uint8_t* truncated;  /* N (0 or 1), required; both flags may be 1 */
  float* final_obs;    /* N x obs_dim or NULL: terminal obs of envs that
                          ended this step (same_step mode), other rows (all
                          rows in the other modes) untouched */
} myr_step_out;

/* Advance every environment one step with discrete actions (N int32 in
 * [0, n)).  Returns
 *   MYR_EINVAL batch, actions or a required output NULL; the env has a box
 *              action space; an action outside [0, n); the batch is torn
 *              (myr_rollout_def.stop)
 *   MYR_EBUSY  another call holds the batch
 *   MYR_ENOMEM  CUDA: out of device memory for the step buffers
 *   MYR_EDEVICE CUDA: any other device failure */
MYR_API int myr_batch_step(myr_batch* batch, const int32_t* actions,
                           const myr_step_out* out);

/* Same as myr_batch_step with N int64 actions (e.g. NumPy's default integer
 * type), stepped at the int32 speed and with the same results: every action
 * is checked first, then narrowed to int32 a block at a time in the
 * workers' scratch (the CPU backend) or on the host on its way to the device
 * (CUDA), with no allocation.  Returns the errors of myr_batch_step; an
 * action outside [0, n) (negative, n, 2^40, ...) is MYR_EINVAL naming the
 * env and the value, and leaves the batch unchanged. */
MYR_API int myr_batch_step_i64(myr_batch* batch, const int64_t* actions,
                               const myr_step_out* out);

/* Same for box action spaces: actions N x n float32, each finite, clipped
 * to [low, high] by the env as Gymnasium does.  Returns MYR_EINVAL (batch,
 * actions or a required output NULL; a discrete env; an action not finite;
 * a torn batch), MYR_EBUSY. */
MYR_API int myr_batch_step_box(myr_batch* batch, const float* actions,
                               const myr_step_out* out);

/* Actions of the built-in random policy at the current clock (the actions a
 * fused random rollout would take next), a pure function of (seed, global
 * env index, clock): discrete envs write N int32, box envs N x n float32.
 * Changes nothing.  Returns MYR_EINVAL (batch or actions NULL), MYR_EBUSY. */
MYR_API int myr_batch_random_actions(const myr_batch* batch, void* actions);

/* Current observations (N x obs_dim).  Returns MYR_EINVAL (batch or obs
 * NULL), MYR_EBUSY, MYR_EDEVICE (CUDA: the copy from the device failed). */
MYR_API int myr_batch_observe(const myr_batch* batch, float* obs);

/* Named state access: one field (a name of myr_env_info.fields, e.g. "x",
 * "theta", "t", "H") of every env, N values converted to/from double.
 * get_state returns MYR_EINVAL (batch or values NULL), MYR_ENOFIELD (field
 * NULL or unknown), MYR_EBUSY, MYR_EDEVICE (CUDA: the copy failed).
 * set_state validates all N values before writing any: MYR_EINVAL (batch
 * or values NULL, field not writable), MYR_ENOFIELD, MYR_ERANGE (a value
 * not finite; for an integer field not a whole number in [0, max_value]),
 * MYR_EBUSY, MYR_EDEVICE (CUDA: a copy failed).  It writes the field only:
 * episode returns and pending resets are unchanged. */
MYR_API int myr_batch_get_state(const myr_batch* batch, const char* field,
                                double* values);
MYR_API int myr_batch_set_state(myr_batch* batch, const char* field,
                                const double* values);
/* Values of parameter name (a name of myr_env_info.params) for every env (N
 * doubles: the per-env draws of a randomised parameter, else the shared
 * value).  Parameters never change after create; this call does not claim
 * the batch.  Returns MYR_EINVAL (batch or values NULL), MYR_ENOPARAM (name
 * NULL or unknown). */
MYR_API int myr_batch_get_param(const myr_batch* batch, const char* name,
                                double* values);

/* Order-independent 64-bit hash of the full state: a sum over envs of a mix
 * of (global env index, every state field's double bits, -0 as +0, the
 * pending-reset flag), so shards add up to the whole.  0 for a NULL batch
 * or a failed CUDA copy.  Does not claim the batch. */
MYR_API uint64_t myr_batch_state_hash(const myr_batch* batch);

/* ---------------------------------------------------------------- rollout */

/* One chunk of a recorded trajectory: row s (0 <= s < steps) holds the step
 * that advanced the batch from clock step0 + s to step0 + s + 1.  Arrays are
 * step-major (steps x num_envs [x dim]), owned by the library and valid
 * during the callback only. */
typedef struct myr_traj_chunk {
  uint64_t step0;          /* batch clock before row 0 */
  int64_t steps;           /* rows: chunk_size, the last chunk fewer */
  int64_t num_envs;
  int32_t obs_dim;
  int32_t action_dim;      /* 1 for discrete, n for box */
  const float* obs;        /* steps x N x obs_dim: observation returned by
                              the step (same_step mode: the new episode's
                              first one; terminal obs are not recorded) */
  const void* action;      /* steps x N x action_dim: int32 (discrete) or
                              float32 (box), as the policy chose them */
  const float* reward;     /* steps x N */
  const uint8_t* terminated; /* steps x N, 0 or 1 */
  const uint8_t* truncated;  /* steps x N, 0 or 1 */
} myr_traj_chunk;

/* Called on the rollout's calling thread after each chunk.  Return non-zero
 * to stop the rollout (it then returns MYR_EINTR).  Calls on the same batch
 * from inside return MYR_EBUSY, except myr_batch_destroy() (deferred: the
 * rollout stops after the callback, MYR_EINTR). */
typedef int (*myr_chunk_fn)(const myr_traj_chunk* chunk, void* user);

/* A fused rollout; fill with myr_rollout_def_default() then edit. */
typedef struct myr_rollout_def {
  int64_t steps;       /* steps to run, >= 0 (0: no-op); default 1 */
  /* Built-in policy (default and NULL: "random"), checked with
   * myr_policy_check().  Grammar ("on" = the highest action: n - 1, or high
   * in every box dimension; "off" = the lowest: 0, or low):
   *   random             uniform actions, a pure function of (seed, global
   *                      env index, clock): myr_batch_random_actions()
   *   constant:A         A a finite number; discrete: a whole number in
   *                      [0, n); box: in [low, high], every dimension
   *   bangbang:KEYS      on when value > setpoint, else off; keys
   *                      field=COMB (required), setpoint=S (default 0),
   *                      invert=0|1 (1 swaps on and off; default 0)
   *   pid:KEYS           e = S - value, I = clamp(I + e, -L, L),
   *                      d = e - e_prev (0 on an episode's first step),
   *                      u = B + kp e + ki I + kd d (one step = one time
   *                      unit); discrete: floor(u + 1/2) clamped to
   *                      [0, n - 1]; box: u clipped to [low, high] in
   *                      every dimension; keys field=COMB (required),
   *                      setpoint=S (required), kp, ki, kd (default 0),
   *                      limit=L >= 0 (default unbounded), bias=B
   *                      (default 0)
   *   periodic:W         on while (clock / W) is even, else off (W steps
   *                      on, W off); W a whole number in [1, 1e15]
   * KEYS are key=value pairs separated by ',' (a repeated key: the last
   * wins); every value but field's is a finite number (strtod syntax).
   * COMB is a linear combination of state fields (myr_env_info.fields):
   * terms "[coef*]name" joined by '+' or '-', a leading sign allowed, at
   * most 8 terms, coef a finite number (exponents such as 1e-3 allowed),
   * e.g. field=theta+0.5*theta_dot-0.01*x; value is sum_j coef_j * name_j
   * of the state before the step, summed in double in the order written.
   * pid keeps I and e_prev per env in the batch, cleared when an episode
   * ends; a rollout with the same pid policy that starts at the clock the
   * last one ended at, with no reset in between, continues them; any other
   * starts from zero.  The CUDA backend runs random and constant only. */
  const char* policy;
  int64_t chunk_size;  /* steps a block advances while resident, and rows
                          per recorded chunk: in [0, 16777216], 0 (default)
                          = myr_batch_default_chunk() when recording; a
                          CPU rollout without recording uses at most
                          steps, and 1024 by default */
  myr_chunk_fn on_chunk; /* NULL (default): no recording; CUDA: must be
                            NULL */
  void* user;          /* passed to on_chunk */
  volatile sig_atomic_t* stop; /* optional: set non-zero (e.g. from a
                          signal handler, which may write a volatile
                          sig_atomic_t; other threads store it
                          atomically; on Linux sig_atomic_t is int) to
                          stop with MYR_EINTR: before the first step, at
                          the next chunk boundary, or inside a running
                          chunk at the next step of each block.  A batch
                          stopped inside a chunk has envs at different
                          steps ("torn"): it refuses steps and rollouts
                          (MYR_EINVAL) until myr_batch_reset().  CUDA:
                          looked at between kernel launches (chunks)
                          only, never tears */
} myr_rollout_def;

/* steps 1, policy "random", chunk_size 0, no callback, user and stop
 * NULL. */
MYR_API myr_rollout_def myr_rollout_def_default(void);

/* Statistics of one rollout (not cumulative). */
typedef struct myr_rollout_stats {
  int64_t steps;          /* env-steps taken (num_envs x whole steps) */
  int64_t episodes;       /* episodes that ended during the rollout (their
                             whole length and return, steps before it
                             included) */
  double mean_return;     /* over ended episodes (0 if none; NaN when
                             return_overflows > 0) */
  double mean_length;     /* over ended episodes, in steps (0 if none) */
  double wall_seconds;    /* monotonic seconds the rollout ran (chunk
                             callbacks included) */
  int64_t cap_hits;       /* reaction-cap hits during the rollout */
  int64_t reactions;      /* SSA reactions fired (stochastic envs; else 0) */
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
  /* env-steps in which a reaction's propensity was negative or NaN
   * (reaction networks: it counts as 0; a model error, reported) */
  int64_t bad_propensities;
} myr_rollout_stats;

/* Fixed-point scale of the return sums: 2^10 keeps 1/1024 per episode. */
#define MYR_RETURN_SCALE 1024.0

/* Recompute mean_return and mean_length from episodes, length_sum,
 * return_overflows and the return sum (after adding up the sums of several
 * rollouts or shards).  NULL is a no-op. */
MYR_API void myr_rollout_stats_finish(myr_rollout_stats* stats);

/* Add the counts and exact sums of `from` to `into` (steps, episodes,
 * wall_seconds, cap_hits, reactions, bad_propensities, length_sum, the return sum,
 * return_overflows; wall_seconds add up, as for pieces run one after
 * another; chunk_size and block_size stay into's), then finish `into`.
 * Either NULL is a no-op. */
MYR_API void myr_rollout_stats_add(myr_rollout_stats* into,
                                   const myr_rollout_stats* from);

/* Run def->steps steps with a built-in policy inside the library (autoreset
 * mode same_step or next_step as the batch is set).  Equivalent step by
 * step to myr_batch_step() with that policy's actions.  Recording streams
 * chunks of chunk_size steps through def->on_chunk, so memory stays
 * O(chunk_size x N).  stats may be NULL; it is filled on MYR_OK and
 * MYR_EINTR (the steps taken), untouched on other failures.  Returns
 *   MYR_EINVAL batch or def NULL; steps < 0; chunk_size outside
 *              [0, 16777216]; autoreset disabled; the batch is torn; a bad
 *              policy (myr_policy_check()); CUDA: on_chunk set, or a
 *              policy other than random and constant
 *   MYR_ENOMEM a recorded chunk (myr_batch_row_bytes()) would not fit in
 *              the memory the process may still get, or an allocation
 *              failed (trajectory chunk, pid memory); CUDA: out of device
 *              memory
 *   MYR_EINTR  stopped by def->stop, by on_chunk returning non-zero, or
 *              (CPU) by myr_batch_destroy() during the rollout
 *   MYR_EBUSY  another call holds the batch
 *   MYR_EDEVICE CUDA: any other device failure */
MYR_API int myr_batch_rollout(myr_batch* batch, const myr_rollout_def* def,
                              myr_rollout_stats* stats);

/* Check a policy spec (grammar at myr_rollout_def.policy) against an env
 * without running anything.  Returns MYR_OK, or MYR_EINVAL (env or spec
 * NULL, or the spec is invalid for env; the message says why).  It does
 * not check backend support. */
MYR_API int myr_policy_check(const myr_env_info* env, const char* spec);

/* ---------------------------------------------------------------- models */

/* A reaction network as data, for the "reaction-network" env (alias
 * "sbml"): species with integer initial counts, parameters, reactions with
 * integer stoichiometry and propensities (compiled expressions), plus how
 * the env uses it: one input held for each step, the observed species and
 * their scales, the model time per step, the horizon, the reaction cap and
 * an optional tracking reward.  docs/reaction-networks.md describes the
 * SBML subset, the sidecar file and the exactness rules.  A model is
 * immutable once loaded; batches copy what they need, so it may be
 * destroyed after myr_batch_create(). */
typedef struct myr_model myr_model;

/* How the env uses a model.  Every field left at its default (NULL, 0)
 * takes the sidecar's value (the file next to the model with the extension
 * .myriad, key = value lines), else the default named here. */
typedef struct myr_model_opts {
  const char* input;    /* the global parameter set by the action (e.g.
                           "U"), or a species no reaction changes (a
                           boundary or constant species; it becomes the
                           input and leaves the state); "" for none;
                           default: none */
  int32_t input_levels; /* discrete levels of the input, >= 2: action a in
                           [0, levels) sets input = input_max * a /
                           (levels - 1); default 2 */
  double input_max;     /* > 0; default 1 */
  const char* observe;  /* observed species, comma-separated, each NAME or
                           NAME/SCALE (observation = count / SCALE);
                           default: every species, scale 1 */
  double dt;            /* model time per step, > 0; default 1 */
  int32_t horizon;      /* steps per episode (truncation), >= 1; default
                           1000 */
  int32_t cap;          /* reactions per env-step at most, >= 1; default
                           100000 */
  const char* reward;   /* species tracked: reward -|count - target|; ""
                           or default: reward 0 */
  double target;        /* the constant target, >= 0; default 0 */
  const char* sidecar;  /* the sidecar's path; NULL: FILE.myriad next to
                           the model if it exists; "": none */
  const char* input_space; /* "discrete" (input_levels levels) or "box":
                           a continuous action in [0, input_max] sets the
                           input (outside: clipped, as Gymnasium's
                           continuous envs); default discrete */
} myr_model_opts;

/* every field NULL / 0: the sidecar's values, else the defaults */
MYR_API myr_model_opts myr_model_opts_default(void);

/* Load an SBML file (Level 3 core, or Level 2; docs/reaction-networks.md)
 * into a model.  opts may be NULL.  Returns MYR_OK, or
 *   MYR_EINVAL  path or out NULL; the file cannot be read or is not valid
 *               SBML (libSBML's first error, with its line); the model uses
 *               something an exact SSA cannot honour (events, rules,
 *               initial assignments, non-integer stoichiometry, fast or
 *               reversible reactions, delays, a concentration without a
 *               compartment volume, an unknown MathML function, ...): the
 *               message names the element and its id; opts or the sidecar
 *               name an unknown species or parameter, or a bad value;
 *               more species than the env's columns allow (the message
 *               names the limit)
 *   MYR_ENODEV  built without SBML support (libsbml)
 *   MYR_ENOMEM  an allocation failed
 * *out is NULL on failure. */
MYR_API int myr_model_load(const char* path, const myr_model_opts* opts,
                           myr_model** out);
/* The same from SBML text in memory (len bytes; no sidecar unless
 * opts->sidecar names one). */
MYR_API int myr_model_load_string(const char* text, size_t len,
                                  const myr_model_opts* opts,
                                  myr_model** out);
/* NULL is a no-op. */
MYR_API void myr_model_destroy(myr_model* model);
/* The model's name (its SBML name or id), "" for NULL. */
MYR_API const char* myr_model_name(const myr_model* model);
/* 1 if this library was built with SBML support, else 0. */
MYR_API int myr_sbml_available(void);

/* ---------------------------------------------------------------- parsing */

/* Parse "name=value", "name=uniform(lo,hi)" or "name=lognormal(loc,scale)"
 * (no spaces; numbers in strtod syntax, each under 64 characters) into
 * *out.  The name is not checked against any env (myr_batch_create() does
 * that, and the range checks).  name_buf (name_buf_size bytes) receives the
 * name and out->name points into it; out->b is 0 for a fixed value.
 * Returns MYR_EINVAL (text, out or name_buf NULL; no '='; the name empty or
 * not shorter than name_buf_size; a malformed number or distribution);
 * *out and name_buf are written only on success. */
MYR_API int myr_param_parse(const char* text, myr_param_setting* out,
                            char* name_buf, size_t name_buf_size);

/* Parse "float32" (or "f32") / "float64" (or "f64"), and "same_step" /
 * "next_step" / "disabled".  Return MYR_EINVAL (text or out NULL, unknown
 * name); *out is written only on success. */
MYR_API int myr_precision_parse(const char* text, myr_precision* out);
MYR_API int myr_autoreset_parse(const char* text, myr_autoreset* out);
/* "same_step", "next_step", "disabled" ("unknown" for other values). */
MYR_API const char* myr_autoreset_name(myr_autoreset mode);
/* "float64" for MYR_FLOAT64, "float32" for any other value. */
MYR_API const char* myr_precision_name(myr_precision precision);

/* ---------------------------------------------------------------- build */

/* 1 if backend (myr_backend) is built into this library, else 0.  A
 * built-in CUDA backend may still find no device at create (MYR_ENODEV). */
MYR_API int myr_backend_available(int backend);
/* "myriad <version> backends=<list> simd=<isa>", e.g. "myriad 0.1.0
 * backends=cpu,cuda simd=avx2+fma": the list names "cpu" and, when built,
 * "cuda" and "mpi" (the CLI's process sharding); static storage. */
MYR_API const char* myr_build_info(void);
/* SIMD instruction set the kernels were compiled for: "avx512",
 * "avx2+fma", "avx2", "avx", "sse4.2", "neon" or "scalar". */
MYR_API const char* myr_simd_isa(void);
/* Online CPUs (at least 1). */
MYR_API int32_t myr_cpu_count(void);

#ifdef __cplusplus
}
#endif
#endif /* MYRIAD_MYRIAD_H */
