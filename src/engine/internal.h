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
#include "../task/task.h"

/* ------------------------------------------------------------ memory */

/* physical memory in bytes (0 if unknown) */
uint64_t myr__phys_mem(void);
/* bytes a new allocation can still get: the least of physical memory,
 * MemAvailable, the memory cgroup's limit less its usage and RLIMIT_AS less
 * the address space in use (0 if unknown); *what names the bound */
uint64_t myr__mem_room(const char** what);
/* seconds on a monotonic clock */
double myr__now(void);

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
/* Split [0, n) into one contiguous range per worker (boundaries multiples
 * of `align` envs) and run fn on each; returns when all are done. */
void myr__pool_for(myr__pool* pool, int64_t n, int64_t align, myr__range_fn fn,
                   void* ctx);

/* ------------------------------------------------------------ statistics */

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

/* A parsed policy spec (src/engine/policy.c describes each kind). */
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

#define MYR_ENV_CLASS_(name) extern const myr__env_class name;
#include "../envs/env_list.h"
#undef MYR_ENV_CLASS_
const myr__env_class* myr__env_class_find(const char* id);
const myr__env_class* myr__env_class_at(int32_t index);
int32_t myr__env_class_count(void);

/* ------------------------------------------------------------ the batch */

struct myr_batch {
  const myr__env_class* cls;
  /* the class made for this batch (cls->build of the registered class),
   * or NULL; cls points to it when set */
  myr__env_class* own_cls;
  /* cls->info with this batch's values: init() may set obs_dim from the
   * parameters (myr_batch_env() returns this copy) */
  myr_env_info info;
  /* what the env functions see: columns, constants, seed, epoch, modes,
   * parameters (num_envs, env_offset, seed, epoch live here only) */
  myr__env v;
  uint64_t clock;
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
  void* data;       /* the env class's constants (init), v.data */
  int64_t cap_hits;
  int64_t bad_propensities;
  /* per-worker scratch for fused rollouts */
  void* scratch;
  size_t scratch_stride;
  /* the backend that runs the batch (chosen at create) and its state
   * (NULL on the CPU) */
  const struct myr__backend* be;
  void* dev;
  /* MYR__BUSY while a call runs on the batch, | MYR__DESTROY once
   * myr_batch_destroy() was asked for during one (that call frees it). */
  atomic_int state;
  /* a rollout was stopped inside a chunk: the envs are at different steps
   * until the next full reset, and stepping is refused */
  int torn;
};

/* has the caller's stop flag (myr_rollout_def.stop) been set?  Read as a
 * relaxed atomic: workers look at it while another thread, or a signal
 * handler, sets it (writers from other threads store it atomically too) */
static inline int myr__stop_requested(volatile sig_atomic_t* stop) {
#if defined(__GNUC__)
  return stop != NULL && __atomic_load_n(stop, __ATOMIC_RELAXED) != 0;
#else
  return stop != NULL && *stop != 0;
#endif
}

/* MYR_EINVAL if the batch is torn (see myr_batch.torn), else MYR_OK */
int myr__check_whole(const myr_batch* b);
/* warn (log level 1) when env-steps with a negative or NaN propensity
 * were counted since b->bad_propensities was `before` (what: "step",
 * "rollout") */
void myr__log_bad_propensities(const myr_batch* b, int64_t before,
                               const char* what);

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

/* work on the envs goes through the pool in contiguous ranges aligned to
 * 64 envs (whole cache lines of every float array) */
#define MYR__RANGE_ALIGN 64
/* envs a fused rollout advances together when the caller gives no size
 * and the env class none (default_block), and the ranges of the settings */
#define MYR__DEFAULT_BLOCK 1024
#define MYR__BLOCK_MAX (1 << 22)
#define MYR__CHUNK_MAX (1 << 24)
#define MYR__THREADS_MAX 1024

/* reset envs (mask NULL: all) of the host state from MYR_STREAM_RESET at
 * the batch clock, clearing their pending flags (batch.c) */
void myr__host_reset(myr_batch* b, const uint8_t* mask, float* obs);
/* the backend's host copy up to date / written back (state.c) */
int myr__sync_host(const myr_batch* b);
int myr__sync_device(myr_batch* b);

/* ------------------------------------------------------------ parameters
 * (params.c) */

/* index of parameter `name` in info->params, -1 if none */
int myr__find_param(const myr_env_info* info, const char* name);
/* validate def's settings and fill values[] (defaults, then overrides),
 * dist[] and randomised[]; runs cls->validate on the shared values */
int myr__resolve_params(const myr__env_class* cls, const myr_batch_def* def,
                        double* values, myr_param_setting* dist,
                        uint8_t* randomised);
/* lay out one (n) double array per randomised parameter */
void myr__bind_params(myr_batch* b, myr__arena* a);
/* draw every randomised parameter; fails if a draw leaves the range or
 * an env's own values fail cls->validate */
int myr__draw_params(myr_batch* b);

/* ------------------------------------------------------------ state
 * (state.c) */

/* bytes of column c of the batch's class per env (0: DERIVED) */
size_t myr__col_bytes(const myr__env_class* cls, int32_t c,
                      myr_precision precision);
/* lay out the columns of the batch's class through the arena */
void myr__bind_cols(myr_batch* b, myr__arena* a);
/* state field f of envs [begin, end) as doubles (host copy) */
void myr__get_field(const myr_batch* b, int32_t f, int64_t begin,
                    int64_t end, double* out);

/* per-worker scratch of a fused rollout, carved from batch->scratch */
unsigned char* myr__scratch(myr_batch* b, int32_t worker);
/* per-worker statistics, at the start of the worker's scratch slot */
#define MYR__STATS_BYTES 64
myr__stats* myr__worker_stats(myr_batch* b, int32_t worker);

#endif /* MYR_ENGINE_INTERNAL_H */
