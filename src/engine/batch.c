/*
 * batch.c -- batch lifetime, settings, the reset and step entry points, and
 * one call at a time on a batch.
 *
 * Every public entry point validates all of its input before touching the
 * batch, so a failed call leaves the batch exactly as it was; the work
 * itself runs through the batch's backend (backend.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

/* ------------------------------------------------------------ defaults */

myr_batch_def myr_batch_def_default(void) {
  myr_batch_def d;
  memset(&d, 0, sizeof d);
  d.seed = 0;
  d.threads = 0;
  d.precision = MYR_FLOAT32;
  d.autoreset = MYR_AUTORESET_SAME_STEP;
  d.env_offset = 0;
  d.num_params = 0;
  d.params = NULL;
  d.model = NULL;
  return d;
}

/* ------------------------------------------------------------ scratch */

/* per worker, on its own cache lines: the worker's statistics (64 bytes),
 * then 4 x block random words, block actions (int32 or float32 x dim; also
 * where the CPU step narrows myr_batch_step_i64's actions),
 * reward, terminated, truncated, obs (block x obs_dim) */
static size_t scratch_stride(const myr_batch* b) {
  size_t blk = (size_t)b->block_size;
  size_t dim = (size_t)(b->cls->info.action_space.kind == MYR_SPACE_BOX
                            ? b->cls->info.action_space.n
                            : 1);
  size_t bytes = blk * 4 * sizeof(uint32_t) + blk * dim * 4 + blk * 4 +
                 blk * 2 + blk * (size_t)b->info.obs_dim * 4 +
                 blk * sizeof(double); /* policy: the field it reads */
  return (bytes + MYR__STATS_BYTES + 4096 + 63) & ~(size_t)63;
}

_Static_assert(sizeof(myr__stats) <= MYR__STATS_BYTES,
               "a worker's statistics must fit their scratch slot");

unsigned char* myr__scratch(myr_batch* b, int32_t worker) {
  return (unsigned char*)b->scratch + (size_t)worker * b->scratch_stride +
         MYR__STATS_BYTES;
}

myr__stats* myr__worker_stats(myr_batch* b, int32_t worker) {
  return (myr__stats*)((unsigned char*)b->scratch +
                       (size_t)worker * b->scratch_stride);
}

/* the block size of a batch of class cls when the caller sets none */
static int64_t default_block(const myr__env_class* cls) {
  return cls->default_block > 0 ? cls->default_block : MYR__DEFAULT_BLOCK;
}

static int alloc_scratch(myr_batch* b, int32_t threads, int64_t block) {
  myr_batch tmp = *b;
  void* mem;
  tmp.block_size = block;
  size_t stride = scratch_stride(&tmp);
  mem = myr__alloc_aligned(stride * (size_t)threads);
  if (mem == NULL)
    return myr__fail(MYR_ENOMEM, "out of memory (rollout scratch)");
  myr__free_aligned(b->scratch);
  b->scratch = mem;
  b->scratch_stride = stride;
  b->block_size = block;
  return MYR_OK;
}


/* ------------------------------------------------------------ host reset */

typedef struct reset_job {
  myr_batch* b;
  const uint8_t* mask;
  float* obs;
} reset_job;

static void reset_range(void* ctx, int64_t begin, int64_t end, int32_t w) {
  reset_job* j = (reset_job*)ctx;
  myr_batch* b = j->b;
  int64_t i;
  (void)w;
  b->cls->reset(&b->v, b->clock, begin, end, j->mask, MYR_STREAM_RESET,
                j->obs ? j->obs + begin * b->info.obs_dim : NULL);
  for (i = begin; i < end; ++i)
    if (j->mask == NULL || j->mask[i]) b->pending[i] = 0;
}

void myr__host_reset(myr_batch* b, const uint8_t* mask, float* obs) {
  reset_job j;
  j.b = b;
  j.mask = mask;
  j.obs = obs;
  myr__pool_for(b->pool, b->v.num_envs, MYR__RANGE_ALIGN, reset_range, &j);
}

/* ------------------------------------------------------------ create */

/* every check of a create call that needs no allocation */
static int check_def(const myr__env_class* cls, const char* env_id,
                     int64_t num_envs, const myr_batch_def* def,
                     const myr__backend** be) {
  if (cls == NULL)
    return myr__fail(MYR_ENOENV, "unknown environment '%s' (try 'myriad envs')",
                     env_id ? env_id : "(null)");
  if (num_envs <= 0)
    return myr__fail(MYR_EINVAL, "num_envs must be positive (got %lld)",
                     (long long)num_envs);
  if (num_envs > MYR_MAX_ENVS)
    return myr__fail(MYR_ENOMEM,
                     "out of memory: %lld envs exceed the limit of %lld",
                     (long long)num_envs, (long long)MYR_MAX_ENVS);
  if (def->env_offset < 0 || def->env_offset > MYR_MAX_ENVS - num_envs)
    return myr__fail(MYR_EINVAL, "env_offset %lld out of range",
                     (long long)def->env_offset);
  if ((unsigned)def->precision > MYR_FLOAT64)
    return myr__fail(MYR_EINVAL, "bad precision %d", (int)def->precision);
  if ((unsigned)def->autoreset > MYR_AUTORESET_DISABLED)
    return myr__fail(MYR_EINVAL, "bad autoreset mode %d", (int)def->autoreset);
  if (def->threads < 0 || def->threads > MYR__THREADS_MAX)
    return myr__fail(MYR_EINVAL, "threads must be in [0, %d] (got %d)",
                     MYR__THREADS_MAX, (int)def->threads);
  if (def->backend != MYR_BACKEND_CPU && def->backend != MYR_BACKEND_CUDA)
    return myr__fail(MYR_EINVAL, "bad backend %d", (int)def->backend);
  *be = myr__backend_find(def->backend);
  if (*be == NULL)
    return myr__fail(MYR_ENODEV, "backend not built in: %s",
                     myr_backend_name(def->backend));
  return (*be)->check != NULL ? (*be)->check(def, cls) : MYR_OK;
}

/* the class's constants and declarations; b->info gets this batch's
 * obs_dim and bytes per env */
static int init_class(myr_batch* b) {
  const myr__env_class* cls = b->cls;
  myr__decl decl;
  void* data = NULL;
  int32_t k, c;
  int rc;
  b->info = cls->info;
  b->v.param_values = b->param_values;
  b->v.param_env = b->param_env;
  memset(&decl, 0, sizeof decl);
  decl.obs_dim = cls->info.obs_dim;
  memcpy(decl.dist, b->param_dist, sizeof decl.dist);
  memcpy(decl.randomised, b->param_randomised, sizeof decl.randomised);
  if (cls->init != NULL && (rc = cls->init(&b->v, &decl, &data)) != MYR_OK)
    return rc;
  b->data = data;
  b->v.data = data;
  b->info.obs_dim = decl.obs_dim;
  for (k = 0; k < cls->info.num_params; ++k) {
    b->param_dist[k] = decl.dist[k];
    b->param_randomised[k] = decl.randomised[k];
  }
  b->info.state_bytes_per_env = sizeof(uint8_t); /* pending */
  for (c = 0; c < cls->num_cols; ++c)
    b->info.state_bytes_per_env += myr__col_bytes(cls, c, b->v.precision);
  return MYR_OK;
}

/* lay out pending, the per-env parameters and the columns */
static void layout(myr_batch* b, myr__arena* a) {
  b->pending = (uint8_t*)myr__arena_take(a, b->v.num_envs, sizeof(uint8_t));
  myr__bind_params(b, a);
  myr__bind_cols(b, a);
}

/* one allocation for every per-env array, if it fits in what this process
 * may still allocate (a cgroup's limit is enforced by the OOM killer, with
 * no message, if it is not checked here) */
static int alloc_state(myr_batch* b, int32_t threads) {
  myr__arena arena = {NULL, 0};
  const char* bound;
  uint64_t room = myr__mem_room(&bound);
  double need;
  layout(b, &arena);
  need = (double)arena.used + (double)scratch_stride(b) * threads;
  if (room != 0 && need > (double)room)
    return myr__fail(MYR_ENOMEM,
                     "out of memory: %lld envs need %.2f GiB, %.2f GiB left "
                     "under %s", (long long)b->v.num_envs, need / 1073741824.0,
                     (double)room / 1073741824.0, bound);
  b->mem_bytes = arena.used;
  b->mem = myr__alloc_aligned(arena.used);
  if (b->mem == NULL)
    return myr__fail(MYR_ENOMEM, "out of memory: %lld envs need %zu bytes",
                     (long long)b->v.num_envs, arena.used);
  memset(b->mem, 0, arena.used);
  arena.base = (unsigned char*)b->mem;
  arena.used = 0;
  layout(b, &arena);
  return MYR_OK;
}

int myr_batch_create(const char* env_id, int64_t num_envs,
                     const myr_batch_def* def_in, myr_batch** out) {
  myr_batch_def def = def_in ? *def_in : myr_batch_def_default();
  const myr__env_class* cls = myr__env_class_find(env_id);
  const myr__backend* be = NULL;
  myr_batch* b;
  int32_t threads = def.threads > 0 ? def.threads : myr_cpu_count();
  int rc;

  if (out == NULL) return myr__fail(MYR_EINVAL, "output pointer is NULL");
  *out = NULL;
  if ((rc = check_def(cls, env_id, num_envs, &def, &be)) != MYR_OK) return rc;
  if (cls->build == NULL && def.model != NULL)
    return myr__fail(MYR_EINVAL, "'%s' takes no model (myr_batch_def.model is "
                     "for 'reaction-network')", cls->info.id);
  b = (myr_batch*)myr__alloc(sizeof *b);
  if (b == NULL) return myr__fail(MYR_ENOMEM, "out of memory (batch)");
  memset(b, 0, sizeof *b);
  atomic_init(&b->state, 0);
  if (cls->build != NULL) {
    if ((rc = cls->build(&def, &b->own_cls)) != MYR_OK) {
      myr__free(b);
      return rc;
    }
    cls = b->own_cls;
  }
  b->cls = cls;
  b->v.model = cls->model;
  b->be = myr__backend_find(MYR_BACKEND_CPU); /* until be->create succeeds */
  b->v.num_envs = num_envs;
  b->v.env_offset = def.env_offset;
  b->v.seed = def.seed;
  b->v.precision = def.precision;
  b->v.autoreset = def.autoreset;
  b->block_size = default_block(cls);

  rc = myr__resolve_params(cls, &def, b->param_values, b->param_dist,
                           b->param_randomised);
  if (rc == MYR_OK) rc = init_class(b);
  if (rc == MYR_OK) rc = alloc_state(b, threads);
  if (rc == MYR_OK) rc = alloc_scratch(b, threads, b->block_size);
  if (rc == MYR_OK) rc = myr__pool_create(threads, &b->pool);
  if (rc == MYR_OK) {
    b->threads = threads;
    rc = myr__draw_params(b);
  }
  if (rc == MYR_OK) {
    /* first episodes: the same as myr_batch_reset(seed); another backend
     * starts from its copy of that state */
    myr__host_reset(b, NULL, NULL);
    if (be != b->be && (rc = be->create(b)) == MYR_OK) b->be = be;
  }
  if (rc != MYR_OK) {
    myr_batch_destroy(b);
    return rc;
  }
  *out = b;
  return MYR_OK;
}

/* the batch and everything it owns */
static void batch_free(myr_batch* b) {
  if (b->be != NULL && b->be->destroy != NULL) b->be->destroy(b);
  myr__pool_destroy(b->pool);
  myr__policy_state_free(b->policy_state);
  if (b->data != NULL && b->cls->fini != NULL) b->cls->fini(b->data);
  if (b->own_cls != NULL) b->own_cls->free_class(b->own_cls);
  myr__free_aligned(b->scratch);
  myr__free_aligned(b->mem);
  myr__free(b);
}

int myr__enter(const myr_batch* cb) {
  myr_batch* b = (myr_batch*)cb; /* the claim is not part of the value */
  int idle = 0;
  if (b == NULL) return MYR_OK; /* the call reports the NULL itself */
  if (atomic_compare_exchange_strong(&b->state, &idle, MYR__BUSY)) return MYR_OK;
  return myr__fail(MYR_EBUSY,
                   idle & MYR__DESTROY
                       ? "batch is being destroyed"
                       : "batch is in use by another call (another thread, or "
                         "a chunk callback calling back into its own batch); "
                         "one call at a time");
}

void myr__leave(const myr_batch* cb) {
  myr_batch* b = (myr_batch*)cb;
  int busy = MYR__BUSY;
  if (b == NULL) return;
  /* a destroy asked for meanwhile left MYR__BUSY | MYR__DESTROY: free now */
  if (!atomic_compare_exchange_strong(&b->state, &busy, 0)) batch_free(b);
}

int myr__destroy_requested(const myr_batch* b) {
  return (atomic_load(&((myr_batch*)b)->state) & MYR__DESTROY) != 0;
}

void myr_batch_destroy(myr_batch* b) {
  int old;
  if (b == NULL) return;
  old = atomic_fetch_or(&b->state, MYR__DESTROY);
  /* in use: the running call frees it when it returns; destroyed twice:
   * nothing more to do */
  if (old == 0) batch_free(b);
}

/* ------------------------------------------------------------ accessors */

const myr_env_info* myr_batch_env(const myr_batch* b) {
  return b ? &b->info : NULL;
}
int64_t myr_batch_num_envs(const myr_batch* b) { return b ? b->v.num_envs : 0; }
int32_t myr_batch_threads(const myr_batch* b) { return b ? b->threads : 0; }
myr_autoreset myr_batch_autoreset(const myr_batch* b) {
  return b ? b->v.autoreset : MYR_AUTORESET_SAME_STEP;
}
myr_precision myr_batch_precision(const myr_batch* b) {
  return b ? b->v.precision : MYR_FLOAT32;
}
uint64_t myr_batch_seed(const myr_batch* b) { return b ? b->v.seed : 0; }
myr_backend myr_batch_backend(const myr_batch* b) {
  return b && b->be->kind == MYR_BACKEND_CUDA ? MYR_BACKEND_CUDA
                                             : MYR_BACKEND_CPU;
}
const char* myr_backend_name(int backend) {
  return backend == MYR_BACKEND_CPU    ? "cpu"
         : backend == MYR_BACKEND_CUDA ? "cuda"
                                       : "unknown";
}
uint64_t myr_batch_clock(const myr_batch* b) { return b ? b->clock : 0; }
size_t myr_batch_state_bytes(const myr_batch* b) { return b ? b->mem_bytes : 0; }
size_t myr_batch_device_bytes(const myr_batch* b) {
  return b != NULL && b->be->device_bytes != NULL ? b->be->device_bytes(b)
                                                  : 0;
}
int64_t myr_batch_cap_hits(const myr_batch* b) { return b ? b->cap_hits : 0; }
void myr__log_bad_propensities(const myr_batch* b, int64_t before,
                               const char* what) {
  if (b->bad_propensities > before)
    myr__log(1, "%s: a propensity was negative or NaN (counted as 0) in %lld "
             "env-steps of this %s: the model's kinetic laws are wrong there",
             b->cls->info.id, (long long)(b->bad_propensities - before), what);
}

int64_t myr_batch_bad_propensities(const myr_batch* b) {
  return b ? b->bad_propensities : 0;
}
int64_t myr_batch_block_size(const myr_batch* b) { return b ? b->block_size : 0; }

static int batch_set_threads(myr_batch* b, int32_t threads) {
  myr__pool* pool;
  int rc;
  if (b == NULL) return myr__fail(MYR_EINVAL, "batch is NULL");
  if (threads < 0 || threads > MYR__THREADS_MAX)
    return myr__fail(MYR_EINVAL, "threads must be in [0, %d] (got %d)",
                     MYR__THREADS_MAX, (int)threads);
  if (threads == 0) threads = myr_cpu_count();
  if (threads == b->threads) return MYR_OK;
  if (threads > b->threads &&
      (rc = alloc_scratch(b, threads, b->block_size)) != MYR_OK)
    return rc;
  if ((rc = myr__pool_create(threads, &pool)) != MYR_OK) return rc;
  myr__pool_destroy(b->pool);
  b->pool = pool;
  b->threads = threads;
  return MYR_OK;
}

static int batch_set_block_size(myr_batch* b, int64_t block) {
  if (b == NULL) return myr__fail(MYR_EINVAL, "batch is NULL");
  if (block < 0 || block > MYR__BLOCK_MAX)
    return myr__fail(MYR_EINVAL, "block size must be in [0, %d] (got %lld)",
                     MYR__BLOCK_MAX, (long long)block);
  if (block == 0) block = default_block(b->cls);
  if (block == b->block_size) return MYR_OK;
  {
    int32_t slots = b->threads;
    return alloc_scratch(b, slots, block);
  }
}

/* ------------------------------------------------------------ reset API */

static int batch_reset(myr_batch* b, const uint64_t* seed, float* obs) {
  uint64_t seed0, clock0;
  uint32_t epoch0;
  int rc;
  if (b == NULL) return myr__fail(MYR_EINVAL, "batch is NULL");
  seed0 = b->v.seed;
  clock0 = b->clock;
  epoch0 = b->v.epoch;
  if (seed != NULL) {
    b->v.seed = *seed;
    b->clock = 0;
    b->v.epoch = 0;
  } else {
    b->v.epoch += 1;
  }
  if ((rc = b->be->reset(b, NULL, obs)) != MYR_OK) {
    /* a failed call changes nothing */
    b->v.seed = seed0;
    b->clock = clock0;
    b->v.epoch = epoch0;
    return rc;
  }
  b->torn = 0; /* every env starts over: one clock again */
  return MYR_OK;
}

int myr__check_whole(const myr_batch* b) {
  if (!b->torn) return MYR_OK;
  return myr__fail(MYR_EINVAL, "the batch's last rollout was interrupted inside "
                   "a chunk, so its envs are at different steps; reset it "
                   "(myr_batch_reset) before stepping it again");
}

static int batch_reset_mask(myr_batch* b, const uint8_t* mask, float* obs) {
  int rc;
  if (b == NULL) return myr__fail(MYR_EINVAL, "batch is NULL");
  if (mask == NULL) return myr__fail(MYR_EINVAL, "mask is NULL");
  b->v.epoch += 1;
  /* a failed call changes nothing: the epoch stays */
  if ((rc = b->be->reset(b, mask, obs)) != MYR_OK) b->v.epoch -= 1;
  return rc;
}

/* ------------------------------------------------------------ step */

/* the checks both step calls make before they look at the actions */
static int check_step(const myr_batch* b, myr_space_kind kind,
                      const void* actions, const myr_step_out* out) {
  int rc;
  if (b == NULL) return myr__fail(MYR_EINVAL, "batch is NULL");
  if (b->cls->info.action_space.kind != kind)
    return myr__fail(MYR_EINVAL, "'%s' has a %s action space: use %s",
                     b->cls->info.id, kind == MYR_SPACE_BOX ? "discrete" : "box",
                     kind == MYR_SPACE_BOX ? "myr_batch_step" : "myr_batch_step_box");
  if ((rc = myr__check_whole(b)) != MYR_OK) return rc;
  if (actions == NULL) return myr__fail(MYR_EINVAL, "actions is NULL");
  if (out == NULL || out->obs == NULL || out->reward == NULL ||
      out->terminated == NULL || out->truncated == NULL)
    return myr__fail(MYR_EINVAL,
                     "step outputs obs, reward, terminated, truncated must "
                     "not be NULL");
  return MYR_OK;
}

static int run_step(myr_batch* b, const int32_t* act_i, const int64_t* act_l,
                    const float* act_f, const myr_step_out* out) {
  int64_t hits0 = b->cap_hits, bad0 = b->bad_propensities;
  int rc = b->be->step(b, act_i, act_l, act_f, out);
  if (rc == MYR_OK) b->clock += 1;
  if (b->cap_hits > hits0)
    myr__log(1, "%s: the reaction cap was hit %lld times in this step",
             b->cls->info.id, (long long)(b->cap_hits - hits0));
  myr__log_bad_propensities(b, bad0, "step");
  return rc;
}

static int batch_step(myr_batch* b, const int32_t* actions,
                   const myr_step_out* out) {
  int64_t i, n;
  int32_t na;
  int rc;
  if ((rc = check_step(b, MYR_SPACE_DISCRETE, actions, out)) != MYR_OK) return rc;
  n = b->v.num_envs;
  na = b->cls->info.action_space.n;
  for (i = 0; i < n; ++i)
    if ((uint32_t)actions[i] >= (uint32_t)na)
      return myr__fail(MYR_EINVAL,
                       "action %d of env %lld is outside the action space "
                       "{0..%d}", (int)actions[i], (long long)i, (int)na - 1);
  return run_step(b, actions, NULL, NULL, out);
}

/* all actions are checked before any env moves: an error changes nothing */
static int batch_step_i64(myr_batch* b, const int64_t* actions,
                          const myr_step_out* out) {
  int64_t i, n;
  int32_t na;
  int rc;
  if ((rc = check_step(b, MYR_SPACE_DISCRETE, actions, out)) != MYR_OK) return rc;
  n = b->v.num_envs;
  na = b->cls->info.action_space.n;
  for (i = 0; i < n; ++i)
    if ((uint64_t)actions[i] >= (uint64_t)na)
      return myr__fail(MYR_EINVAL,
                       "action %lld of env %lld is outside the action space "
                       "{0..%d}", (long long)actions[i], (long long)i,
                       (int)na - 1);
  return run_step(b, NULL, actions, NULL, out);
}

static int batch_step_box(myr_batch* b, const float* actions,
                       const myr_step_out* out) {
  int64_t i, n;
  int rc;
  if ((rc = check_step(b, MYR_SPACE_BOX, actions, out)) != MYR_OK) return rc;
  n = b->v.num_envs * b->cls->info.action_space.n;
  for (i = 0; i < n; ++i)
    if (!isfinite(actions[i]))
      return myr__fail(MYR_EINVAL, "action %lld is not finite", (long long)i);
  return run_step(b, NULL, NULL, actions, out);
}

/* ------------------------------------------------------------ one call at a time */

int myr_batch_set_threads(myr_batch* b, int32_t threads) {
  MYR__GUARDED(b, batch_set_threads(b, threads));
}

int myr_batch_set_block_size(myr_batch* b, int64_t block) {
  MYR__GUARDED(b, batch_set_block_size(b, block));
}

int myr_batch_reset(myr_batch* b, const uint64_t* seed, float* obs) {
  MYR__GUARDED(b, batch_reset(b, seed, obs));
}

int myr_batch_reset_mask(myr_batch* b, const uint8_t* mask, float* obs) {
  MYR__GUARDED(b, batch_reset_mask(b, mask, obs));
}

int myr_batch_step(myr_batch* b, const int32_t* actions,
                   const myr_step_out* out) {
  MYR__GUARDED(b, batch_step(b, actions, out));
}

int myr_batch_step_i64(myr_batch* b, const int64_t* actions,
                       const myr_step_out* out) {
  MYR__GUARDED(b, batch_step_i64(b, actions, out));
}

int myr_batch_step_box(myr_batch* b, const float* actions,
                       const myr_step_out* out) {
  MYR__GUARDED(b, batch_step_box(b, actions, out));
}



