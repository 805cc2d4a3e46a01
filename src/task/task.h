/*
 * task.h -- the task layer: what an environment class is, what it sees of a
 * batch, and the one autoreset contract every backend follows.
 *
 * An env is a description plus a few functions:
 *  - its parameters and its per-env state, each listed once in an X-macro
 *    (MYR__PARAM_*, MYR__STATE_*): from the lists follow the public metadata
 *    (myr_param_info, myr_field_info), the column types, get/set of fields,
 *    bytes per env for either precision, the state hash and the device
 *    layout; the engine owns the arrays ("columns"), one per state entry;
 *  - reset, step and observe over a range of envs of a myr__env view, which
 *    is read-only: an env writes only its columns and the step outputs.
 * Envs include this header and src/core/ only; the engine includes it to
 * drive them.  The contract functions are MYR_HD, so the CUDA kernels use
 * the same ones as the CPU kernels.
 */
#ifndef MYR_TASK_TASK_H
#define MYR_TASK_TASK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "myriad/myriad.h"
#include "../core/common.h"
#include "../core/philox.h"

/* ------------------------------------------------------------ autoreset */

/* What a step does to an env, from the batch's mode and the env's pending
 * flag (its episode ended and it was not reset yet):
 *  RUN       an ordinary step;
 *  RESET     next_step mode, the step after an end: the env resets instead
 *            of stepping, ignores its action, returns reward 0 and no flags;
 *  PAST_END  disabled mode, stepping an ended env: the dynamics go on and
 *            the flags are recomputed, the reward is 0, nothing is counted
 *            (as Gymnasium's classic envs do past termination). */
enum { MYR__STEP_RUN = 0, MYR__STEP_RESET = 1, MYR__STEP_PAST_END = 2 };

MYR_HD int myr__step_kind(int autoreset, uint8_t pending) {
  if (!pending) return MYR__STEP_RUN;
  return autoreset == MYR_AUTORESET_NEXT_STEP ? MYR__STEP_RESET
                                              : MYR__STEP_PAST_END;
}

/* The reward a step of that kind reports. */
MYR_HD float myr__step_reward(int kind, float reward) {
  return kind == MYR__STEP_RUN ? reward : 0.0f;
}

/* After the dynamics of a RUN or PAST_END step with flags (term, trunc):
 *  NONE     nothing ended (or the env was already past its end);
 *  RESET    same_step: the episode ended; record it, write final_obs, then
 *           reset the env now (MYR_STREAM_AUTORESET at this step's clock);
 *  PENDING  next_step or disabled: the episode ended; record it; the env is
 *           now pending (*pending = 1). */
enum { MYR__END_NONE = 0, MYR__END_RESET = 1, MYR__END_PENDING = 2 };

MYR_HD int myr__step_end(int autoreset, int kind, uint8_t* pending,
                         uint8_t terminated, uint8_t truncated) {
  if (kind != MYR__STEP_RUN || !(terminated | truncated)) return MYR__END_NONE;
  if (autoreset == MYR_AUTORESET_SAME_STEP) return MYR__END_RESET;
  *pending = 1;
  return MYR__END_PENDING;
}

#if !defined(__CUDACC__)

/* ------------------------------------------------------------ errors, memory */

#if defined(__GNUC__)
#  define MYR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define MYR_PRINTF(a, b)
#endif

/* record the detailed message of a failure and return status */
int myr__fail(int status, const char* fmt, ...) MYR_PRINTF(2, 3);
/* send a message to the caller's log hook (level 1 warning, 2 info) */
void myr__log(int level, const char* fmt, ...) MYR_PRINTF(2, 3);
void* myr__alloc(size_t size);
void myr__free(void* ptr);
/* 64-byte aligned allocation through the user allocator */
void* myr__alloc_aligned(size_t size);
void myr__free_aligned(void* ptr);

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
  /* env-steps in which some propensity was negative or NaN (it counted
   * as 0): a model error the run reports */
  int64_t bad_propensities;
} myr__stats;

void myr__stats_add_episode(myr__stats* s, double ret, int64_t length);

/* add a return already in 1/MYR_RETURN_SCALE units to the 128-bit sum */
static inline void myr__stats_add_fixed(myr__stats* s, int64_t fixed) {
  uint64_t lo = s->return_lo + (uint64_t)fixed;
  s->return_hi += (fixed < 0 ? -1 : 0) + (lo < s->return_lo);
  s->return_lo = lo;
}

#endif /* !__CUDACC__ */

/* ------------------------------------------------------------ columns
 *
 * Plain C that nvcc reads too: an env's layout.h expands its lists with
 * these, and its .cu host code reads the column indices and its constants
 * struct from there. */

/* Type of one per-env array: REAL is float32 or float64 by the batch's
 * precision, F64 always float64, I32 int32; DERIVED has no array (the
 * class's derive() computes it, read-only). */
enum { MYR__REAL = 0, MYR__I32 = 1, MYR__F64 = 2, MYR__DERIVED = 3 };

/* one per-env array of the batch (type from the class's column list) */
typedef union myr__col {
  void* p;
  float* f;
  double* d;
  int32_t* i;
} myr__col;

/* most columns (state fields plus hidden arrays) of an env */
#define MYR__COLS_MAX 16
/* most per-env constant arrays of an env (myr__env_class.num_pcols) */
#define MYR__PCOLS_MAX 16
#define MYR_PARAMS_MAX 32

/* X-macro expanders.  An env lists its state as
 *   #define XX_STATE(F, H)
 *     F(XX_NAME, "name", TYPE, "unit", "description", writable, max)
 *     H(XX_HIDDEN, TYPE)
 * public fields (F) first, in the order of myr_env_info.fields (the state
 * hash follows it), hidden per-env arrays (H) after them; max is the
 * largest value set_state accepts for an I32 field (0: 2147483646). */
#define MYR__IS_INT_REAL 0
#define MYR__IS_INT_F64 0
#define MYR__IS_INT_I32 1
#define MYR__IS_INT_DERIVED 0
#define MYR__ENUM_F(id, name, type, unit, desc, writable, max) id,
#define MYR__ENUM_H(id, type) id,
#define MYR__INFO_F(id, name, type, unit, desc, writable, max) \
  {name, unit, desc, MYR__IS_INT_##type, writable, max},
#define MYR__INFO_H(id, type)
#define MYR__TYPE_F(id, name, type, unit, desc, writable, max) MYR__##type,
#define MYR__TYPE_H(id, type) MYR__##type,
/* float32 bytes per env of each entry (myr_env_info.state_bytes_per_env) */
#define MYR__SIZE_REAL 4
#define MYR__SIZE_F64 8
#define MYR__SIZE_I32 4
#define MYR__SIZE_DERIVED 0
#define MYR__BYTES_F(id, name, type, unit, desc, writable, max) +MYR__SIZE_##type
#define MYR__BYTES_H(id, type) +MYR__SIZE_##type

/* and its parameters as
 *   #define XX_PARAMS(P)
 *     P(XX_NAME, "name", default, min, max, is_integer, "unit",
 *       "description", member)
 * where member names the field of the env's constants struct that holds
 * the value (is_integer 1: an int32_t field); MYR__DEFINE_CONSTS() below
 * loads them from it. */
#define MYR__PARAM_ENUM(id, name, def, lo, hi, integer, unit, desc, m) id,
#define MYR__PARAM_INFO(id, name, def, lo, hi, integer, unit, desc, m) \
  {name, def, lo, hi, integer, unit, desc},
#define MYR__PARAM_COUNT(id, name, def, lo, hi, integer, unit, desc, m) +1
#define MYR__LOAD_0(dst, v) (dst) = (v);
#define MYR__LOAD_1(dst, v) (dst) = (int32_t)(v);
#define MYR__PARAM_LOAD(id, name, def, lo, hi, integer, unit, desc, m) \
  MYR__LOAD_##integer(p->m, myr__param(e, id, i))

/* The tables of an env from its lists: params[], fields[] and types[] */
#define MYR__DEFINE_TABLES(PARAMS, STATE)                                    \
  static const myr_param_info params[] = {PARAMS(MYR__PARAM_INFO)};         \
  static const myr_field_info fields[] = {STATE(MYR__INFO_F, MYR__INFO_H)}; \
  static const uint8_t types[] = {STATE(MYR__TYPE_F, MYR__TYPE_H)};

/* The tables part of a class's myr_env_info, for an env whose file has
 * params[] and fields[] arrays and the state list STATE (+1: the pending
 * flag the engine keeps per env), and the columns part of its class. */
#define MYR__INFO_TABLES(STATE)                                              \
  .num_params = (int32_t)(sizeof params / sizeof params[0]), .params = params, \
  .num_fields = (int32_t)(sizeof fields / sizeof fields[0]), .fields = fields, \
  .state_bytes_per_env = STATE(MYR__BYTES_F, MYR__BYTES_H) + 1
#define MYR__CLASS_COLS .types = types, .num_cols = (int32_t)sizeof types

#if !defined(__CUDACC__)

/* ------------------------------------------------------------ the env view */

/* What an env function sees of its batch (owned by the engine; env code
 * reads it and writes only through col[]).  Env i of the view has global
 * index env_offset + i, which its random streams use. */
typedef struct myr__env {
  myr__col col[MYR__COLS_MAX]; /* per-env arrays, in the class's order */
  const void* data;            /* the class's constants (init), or NULL */
  int64_t num_envs;
  int64_t env_offset;
  uint64_t seed;
  uint32_t epoch;              /* explicit resets since the seeded one */
  myr_precision precision;
  myr_autoreset autoreset;
  const double* param_values;  /* shared parameter values */
  double* const* param_env;    /* per param: per-env values (n) or NULL */
  /* per-env constants (num_pcols 4-byte arrays of n: float or int32),
   * derived once from each env's parameters by the class's
   * derive_pcols(); all NULL unless some parameter is randomised */
  myr__col pcol[MYR__PCOLS_MAX];
  /* a class made per batch (build() below): its description, else NULL */
  const void* model;
} myr__env;

/* value of parameter k for env i (per-env if randomised, else shared) */
static inline double myr__param(const myr__env* e, int32_t k, int64_t i) {
  return e->param_env[k] != NULL ? e->param_env[k][i] : e->param_values[k];
}

/* Outputs of a step on [begin, end); pointers are already offset so that
 * index k refers to env begin + k.  obs, final_obs may be NULL (fused
 * rollouts without recording; final_obs when the caller gave none);
 * reward, terminated, truncated are always given. */
typedef struct myr__io {
  uint64_t clock;       /* batch clock before this step */
  const int32_t* act_i; /* discrete actions (or NULL for box, or packed) */
  const float* act_f;   /* box actions (or NULL for discrete) */
  /* two actions packed as bits, given only to a class with
   * packed_actions (the fused rollout's random policy, not recording):
   * the action of io index k is (act_bits[k] >> act_shift) & 1, and act_i
   * is NULL; otherwise act_bits is NULL */
  const uint32_t* act_bits;
  uint32_t act_shift;
  float* obs;
  float* reward;
  uint8_t* terminated;
  uint8_t* truncated;
  float* final_obs;
  uint8_t* pending;     /* the envs' pending flags (see myr__step_kind) */
} myr__io;

/* the discrete action of io index k, from act_i or packed in act_bits */
static inline int32_t myr__io_action(const myr__io* io, int64_t k) {
  return io->act_bits != NULL ? (int32_t)((io->act_bits[k] >> io->act_shift) & 1u)
                              : io->act_i[k];
}

/* the actions of a two-action class either way as words and a bit: action
 * k is 1 where (words[k] & *bit) != 0 (act_i holds 0 or 1: bit 1) */
static inline const uint32_t* myr__io_action_bits(const myr__io* io, uint32_t* bit) {
  if (io->act_bits != NULL) {
    *bit = 1u << io->act_shift;
    return io->act_bits;
  }
  *bit = 1u;
  return (const uint32_t*)io->act_i;
}

/* What init() may declare beyond the parameter values: the batch's
 * observation size, and per-env distributions of its own (sysid priors). */
typedef struct myr__decl {
  int32_t obs_dim;
  myr_param_setting dist[MYR_PARAMS_MAX];
  uint8_t randomised[MYR_PARAMS_MAX];
} myr__decl;

/* device kernels of an env: an env with CUDA kernels names them
 * MYR__CUDA_ENV(name), which is the ops table myr__cuda_<name> (struct
 * myr__cuda_env, declared by the backend in src/backends/cuda/kernels.h)
 * that its .cu file defines when CUDA is built in, else NULL */
struct myr__cuda_env;
#if defined(MYR_HAVE_CUDA)
#  define MYR__CUDA_DECLARE(name) extern const struct myr__cuda_env myr__cuda_##name;
#  define MYR__CUDA_ENV(name) &myr__cuda_##name
#else
#  define MYR__CUDA_DECLARE(name)
#  define MYR__CUDA_ENV(name) NULL
#endif

typedef struct myr__env_class {
  myr_env_info info;
  const uint8_t* types; /* column types: info.num_fields fields, then hidden */
  int32_t num_cols;
  /* 1: any parameter may get a per-env distribution (the env reads every
   * parameter through myr__param()); init() may still refuse some */
  int32_t per_env_params;
  /* optional: cross-parameter checks after range checks; returns a status */
  int (*validate)(const double* values);
  /* optional: build the class's constants (*data, freed by fini) from the
   * shared values, and declare obs_dim and per-env distributions; e's
   * columns and param_env are not bound yet */
  int (*init)(const myr__env* e, myr__decl* decl, void** data);
  void (*fini)(void* data);
  /* reset envs [begin, end) whose mask is set (mask NULL: all), drawing
   * from `stream` at `clock`; obs indexed from begin, may be NULL */
  void (*reset)(const myr__env* e, uint64_t clock, int64_t begin,
                int64_t end, const uint8_t* mask, uint32_t stream,
                float* obs);
  /* one step on [begin, end) under the autoreset contract */
  void (*step)(const myr__env* e, int64_t begin, int64_t end,
               const myr__io* io, myr__stats* st);
  void (*observe)(const myr__env* e, int64_t begin, int64_t end, float* obs);
  /* optional: DERIVED fields on [begin, end) */
  void (*derive)(const myr__env* e, int32_t field, int64_t begin,
                 int64_t end, double* out);
  /* the env's CUDA kernels, or NULL (CPU only) */
  const struct myr__cuda_env* cuda;
  /* optional: per-env constants.  When some parameter of a batch has a
   * per-env distribution, the engine lays out num_pcols arrays of n 4-byte
   * values (e->pcol) and, once the draws are made at create, calls
   * derive_pcols() on [begin, end) ranges (from several threads) to fill
   * them: whatever the step would otherwise re-derive from myr__param()
   * on every step.  Parameters never change after create, so neither do
   * these; every later view of the batch sees them read-only. */
  int32_t num_pcols;
  void (*derive_pcols)(const myr__env* e, int64_t begin, int64_t end);
  /* optional: the block size a batch starts with (0: MYR__DEFAULT_BLOCK).
   * The SSA envs take larger blocks: their lanes idle at the end of every
   * block-step while the slowest envs finish, and their state per env is
   * small (MYR__SSA_BLOCK) */
  int32_t default_block;
  /* optional: step() takes two actions packed as bits (myr__io.act_bits),
   * which spares the fused rollout a pass unpacking its random policy's
   * bits into act_i */
  int32_t packed_actions;
  /* optional: a class made per batch from its def (the reaction network:
   * fields and parameters come from def->model).  myr_batch_create calls
   * the registered class's build() first and uses the class it returns
   * (owned by the batch, freed by that class's free_class() after fini at
   * destroy); `model` is the made class's description, which its env
   * functions see as e->model.  A class without build() refuses a model. */
  int (*build)(const myr_batch_def* def, struct myr__env_class** out);
  void (*free_class)(struct myr__env_class* cls);
  const void* model;
} myr__env_class;

/* the SSA envs' default_block: with 8192 envs the gene circuit's fused
 * rollout of 100K envs ran 5-8% faster than with 1024 (its lanes idled 8%
 * of the time at 1024, 1% at 8192), the other SSA envs 2-4% */
#define MYR__SSA_BLOCK 8192

/* ------------------------------------------------------------ one at a time */

/* The autoreset contract for envs stepped one env at a time.  advance()
 * runs env i's dynamics (io index k) for a RUN or PAST_END step, updating
 * its columns, and returns the step's reward before the contract applies
 * (a PAST_END step reports 0), its flags, and the running episode's return
 * and length; reset1() draws env i's initial state, observe1() writes its
 * observation; ended() (optional, NULL: none) records what an env keeps of
 * an episode that ended (e.g. its counts at the end), before an autoreset.
 * A static inline template: called with static functions, the compiler
 * inlines them into one loop per env. */
typedef struct myr__one {
  float reward;
  uint8_t terminated;
  uint8_t truncated;
  double ret;
  int64_t length;
} myr__one;

/* advance()'s common tail: count the step in *t, truncate at the horizon
 * max_steps, and add the step's reward to the episode's return so far */
static inline myr__one myr__one_counted(int32_t* t, int32_t max_steps,
                                        float reward, uint8_t terminated,
                                        double ret_before) {
  myr__one r;
  *t += 1;
  r.reward = reward;
  r.terminated = terminated;
  r.truncated = (uint8_t)(*t >= max_steps);
  r.ret = ret_before + (double)reward;
  r.length = *t;
  return r;
}

static inline void myr__step_each(
    const myr__env* e, int64_t begin, int64_t end, const myr__io* io,
    myr__stats* st, int32_t obs_dim,
    myr__one (*advance)(const myr__env* e, int64_t i, int64_t k, int kind,
                        const myr__io* io, myr__stats* st),
    void (*reset1)(const myr__env* e, int64_t i, uint64_t clock,
                   uint32_t stream),
    void (*observe1)(const myr__env* e, int64_t i, float* o),
    void (*ended)(const myr__env* e, int64_t i)) {
  int64_t i;
  for (i = begin; i < end; ++i) {
    int64_t k = i - begin;
    int kind = myr__step_kind((int)e->autoreset, io->pending[k]);
    if (kind == MYR__STEP_RESET) {
      reset1(e, i, io->clock, MYR_STREAM_AUTORESET);
      io->pending[k] = 0;
      io->reward[k] = 0.0f;
      io->terminated[k] = 0;
      io->truncated[k] = 0;
    } else {
      myr__one r = advance(e, i, k, kind, io, st);
      io->reward[k] = myr__step_reward(kind, r.reward);
      io->terminated[k] = r.terminated;
      io->truncated[k] = r.truncated;
      switch (myr__step_end((int)e->autoreset, kind, &io->pending[k],
                            r.terminated, r.truncated)) {
        case MYR__END_RESET:
          myr__stats_add_episode(st, r.ret, r.length);
          if (ended != NULL) ended(e, i);
          if (io->final_obs != NULL)
            observe1(e, i, io->final_obs + k * obs_dim);
          reset1(e, i, io->clock, MYR_STREAM_AUTORESET);
          break;
        case MYR__END_PENDING:
          myr__stats_add_episode(st, r.ret, r.length);
          if (ended != NULL) ended(e, i);
          break;
        default:
          break;
      }
    }
    if (io->obs != NULL) observe1(e, i, io->obs + k * obs_dim);
  }
}

/* reset() and observe() of such an env, from its reset1() and observe1() */
static inline void myr__reset_each(
    const myr__env* e, uint64_t clock, int64_t begin, int64_t end,
    const uint8_t* mask, uint32_t stream, float* obs, int32_t obs_dim,
    void (*reset1)(const myr__env* e, int64_t i, uint64_t clock,
                   uint32_t stream),
    void (*observe1)(const myr__env* e, int64_t i, float* o)) {
  int64_t i;
  for (i = begin; i < end; ++i) {
    if (mask != NULL && !mask[i]) continue;
    reset1(e, i, clock, stream);
    if (obs != NULL) observe1(e, i, obs + (i - begin) * obs_dim);
  }
}

static inline void myr__observe_each(
    const myr__env* e, int64_t begin, int64_t end, float* obs,
    int32_t obs_dim, void (*observe1)(const myr__env* e, int64_t i, float* o)) {
  int64_t i;
  for (i = begin; i < end; ++i) observe1(e, i, obs + (i - begin) * obs_dim);
}

/* The constants of an env whose parameters (PARAMS, with member names) all
 * live in one struct ptype, and whose float32 step reads pftype =
 * to_f(&ptype).  Defines
 *   tag_data            the shared values, their float32 copy, and whether
 *                       some parameter has a per-env distribution
 *   tag_load(e, i, p)   env i's value of every parameter
 *   tag_init            the class's init(): the shared constants
 *   tag_p               env i's constants: the shared ones, or (some
 *                       parameter per env) its own, built in *tmp (the
 *                       float32 steps read per-env constants from pcols:
 *                       MYR__DEFINE_PCOLS below) */
#define MYR__DEFINE_CONSTS(tag, ptype, pftype, to_f, PARAMS)                  \
  typedef struct tag##_data {                                                \
    ptype p;                                                                 \
    pftype pf;                                                               \
    int random;                                                              \
  } tag##_data;                                                              \
  static inline void tag##_load(const myr__env* e, int64_t i, ptype* p) {    \
    PARAMS(MYR__PARAM_LOAD)                                                  \
  }                                                                          \
  static inline int tag##_init(const myr__env* e, myr__decl* d,              \
                               void** data) {                                \
    tag##_data* D = (tag##_data*)myr__alloc(sizeof *D);                      \
    int32_t k;                                                               \
    if (D == NULL) return myr__fail(MYR_ENOMEM, "out of memory (" #tag ")"); \
    memset(D, 0, sizeof *D);                                                 \
    for (k = 0; k < (0 PARAMS(MYR__PARAM_COUNT)); ++k)                       \
      D->random |= d->randomised[k];                                         \
    tag##_load(e, 0, &D->p); /* param_env is not bound yet: shared values */ \
    D->pf = to_f(&D->p);                                                     \
    *data = D;                                                               \
    return MYR_OK;                                                           \
  }                                                                          \
  static inline const ptype* tag##_p(const myr__env* e, int64_t i,           \
                                     ptype* tmp) {                           \
    const tag##_data* D = (const tag##_data*)e->data;                        \
    if (!D->random) return &D->p;                                            \
    tag##_load(e, i, tmp);                                                   \
    return tmp;                                                              \
  }

/* Per-env constants (myr__env_class.num_pcols) of an env whose float32
 * step reads a constants struct pftype: each member the step reads is one
 * pcol, listed as
 *   #define XX_PCOLS(X)  X(XXK_NAME, member, f)  ...  (i: an int32_t member)
 * and expanded into enum { XX_PCOLS(MYR__PCOL_ENUM) XXK_COUNT }.
 * MYR__DEFINE_PCOLS then defines
 *   tag_derive_pcols    the class's derive_pcols(): env i's members from
 *                       to_f() of its own values (load(e, i, &ptype))
 *   tag_pcols_at(P, pc, k)  env k's members into *P, pc offset to a range
 *                       (myr__pcols_from) */
#define MYR__PCOL_ENUM(id, m, ty) id,
#define MYR__PCOL_STORE(id, m, ty) c[id].ty[i] = f.m;
#define MYR__PCOL_LOAD(id, m, ty) P->m = pc[id].ty[k];
#define MYR__DEFINE_PCOLS(tag, load, ptype, pftype, to_f, PCOLS)              \
  static void tag##_derive_pcols(const myr__env* e, int64_t begin,           \
                                 int64_t end) {                              \
    const myr__col* c = e->pcol;                                             \
    int64_t i;                                                               \
    for (i = begin; i < end; ++i) {                                          \
      ptype p;                                                               \
      pftype f;                                                              \
      load(e, i, &p);                                                        \
      f = to_f(&p);                                                          \
      PCOLS(MYR__PCOL_STORE)                                                 \
    }                                                                        \
  }                                                                          \
  static inline __attribute__((always_inline)) void tag##_pcols_at(          \
      pftype* P, const myr__col* pc, int64_t k) {                            \
    PCOLS(MYR__PCOL_LOAD)                                                    \
  }

/* the first count pcols of e offset to the range starting at begin */
static inline void myr__pcols_from(myr__col* pc, const myr__env* e,
                                   int32_t count, int64_t begin) {
  int32_t c;
  for (c = 0; c < count; ++c) pc[c].f = e->pcol[c].f + begin;
}

/* a REAL column's value of env i as a double / stored from a double */
static inline double myr__real(const myr__env* e, int32_t c, int64_t i) {
  return e->precision == MYR_FLOAT32 ? (double)e->col[c].f[i] : e->col[c].d[i];
}

static inline void myr__set_real(const myr__env* e, int32_t c, int64_t i,
                                 double v) {
  if (e->precision == MYR_FLOAT32)
    e->col[c].f[i] = (float)v;
  else
    e->col[c].d[i] = v;
}

#endif /* !__CUDACC__ */
#endif /* MYR_TASK_TASK_H */
