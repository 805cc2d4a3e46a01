/*
 * batch.c -- batch lifetime, reset, step, state access and the state hash.
 *
 * Every public entry point validates all of its input before touching the
 * batch, so a failed call leaves the batch exactly as it was.  Work on the
 * envs goes through the thread pool in contiguous ranges aligned to 64
 * envs (whole cache lines of every float array).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../backends/cuda/cuda_backend.h"

#define RANGE_ALIGN 64

/* ------------------------------------------------------------ registry */

static const myr__env_class* const classes[] = {
#define MYR_ENV_CLASS_(name) &name,
#include "../envs/env_list.h"
#undef MYR_ENV_CLASS_
};

int32_t myr__env_class_count(void) {
  return (int32_t)(sizeof classes / sizeof classes[0]);
}

const myr__env_class* myr__env_class_at(int32_t index) {
  if (index < 0 || index >= myr__env_class_count()) return NULL;
  return classes[index];
}

static int alias_matches(const char* aliases, const char* id) {
  size_t len = strlen(id);
  const char* p = aliases;
  while (p != NULL && *p != '\0') {
    const char* comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    if (n == len && strncmp(p, id, n) == 0) return 1;
    p = comma ? comma + 1 : NULL;
  }
  return 0;
}

const myr__env_class* myr__env_class_find(const char* id) {
  int32_t i;
  if (id == NULL) return NULL;
  for (i = 0; i < myr__env_class_count(); ++i)
    if (strcmp(classes[i]->info.id, id) == 0 ||
        alias_matches(classes[i]->info.aliases, id))
      return classes[i];
  return NULL;
}

int32_t myr_env_count(void) { return myr__env_class_count(); }

const myr_env_info* myr_env_at(int32_t index) {
  const myr__env_class* c = myr__env_class_at(index);
  return c ? &c->info : NULL;
}

const myr_env_info* myr_env_find(const char* id) {
  const myr__env_class* c = myr__env_class_find(id);
  if (c == NULL) {
    myr__fail(MYR_ENOENV, "unknown environment '%s'", id ? id : "(null)");
    return NULL;
  }
  return &c->info;
}

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
  return d;
}

/* ------------------------------------------------------------ parameters */

static int find_param(const myr_env_info* info, const char* name) {
  int32_t i;
  for (i = 0; i < info->num_params; ++i)
    if (strcmp(info->params[i].name, name) == 0) return i;
  return -1;
}

static int check_value(const myr_env_info* info, const myr_param_info* p,
                       double v) {
  if (!isfinite(v))
    return myr__fail(MYR_ERANGE, "parameter '%s' of '%s' must be finite",
                     p->name, info->id);
  if (v < p->min_value || v > p->max_value)
    return myr__fail(MYR_ERANGE,
                     "parameter '%s' of '%s' = %g is outside [%g, %g]",
                     p->name, info->id, v, p->min_value, p->max_value);
  if (p->is_integer && v != floor(v))
    return myr__fail(MYR_ERANGE, "parameter '%s' of '%s' must be an integer",
                     p->name, info->id);
  return MYR_OK;
}

/* validate the settings and fill values[] (defaults, then overrides) */
static int resolve_params(const myr__env_class* cls, const myr_batch_def* def,
                          double* values, myr_param_setting* dist,
                          uint8_t* randomised) {
  const myr_env_info* info = &cls->info;
  int32_t i;
  int rc;
  if (def->num_params < 0 || (def->num_params > 0 && def->params == NULL))
    return myr__fail(MYR_EINVAL, "num_params < 0 or params is NULL");
  for (i = 0; i < info->num_params; ++i) {
    values[i] = info->params[i].default_value;
    randomised[i] = 0;
  }
  for (i = 0; i < def->num_params; ++i) {
    const myr_param_setting* s = &def->params[i];
    int k;
    if (s->name == NULL) return myr__fail(MYR_EINVAL, "parameter name is NULL");
    k = find_param(info, s->name);
    if (k < 0)
      return myr__fail(MYR_ENOPARAM,
                       "unknown parameter '%s' for '%s' (try 'myriad envs')",
                       s->name, info->id);
    if (s->dist == MYR_DIST_FIXED) {
      if ((rc = check_value(info, &info->params[k], s->a)) != MYR_OK) return rc;
      values[k] = s->a;
      randomised[k] = 0;
    } else if (s->dist == MYR_DIST_UNIFORM || s->dist == MYR_DIST_LOGNORMAL) {
      if (cls->get_param == NULL)
        return myr__fail(MYR_EINVAL,
                         "'%s' does not support per-env distributions for '%s'",
                         info->id, s->name);
      if (!isfinite(s->a) || !isfinite(s->b))
        return myr__fail(MYR_ERANGE, "distribution of '%s' must be finite",
                         s->name);
      if (s->dist == MYR_DIST_UNIFORM) {
        if (!(s->a <= s->b))
          return myr__fail(MYR_ERANGE, "uniform(%g,%g) for '%s': lo > hi", s->a,
                           s->b, s->name);
        if ((rc = check_value(info, &info->params[k], s->a)) != MYR_OK ||
            (rc = check_value(info, &info->params[k], s->b)) != MYR_OK)
          return rc;
      } else if (s->b < 0.0) {
        return myr__fail(MYR_ERANGE, "lognormal scale for '%s' must be >= 0",
                         s->name);
      }
      dist[k] = *s;
      dist[k].name = info->params[k].name;
      randomised[k] = 1;
    } else {
      return myr__fail(MYR_EINVAL, "bad distribution kind %d for '%s'",
                       (int)s->dist, s->name);
    }
  }
  if (cls->validate != NULL) return cls->validate(values);
  return MYR_OK;
}

/* ------------------------------------------------------------ scratch */

/* per worker, on its own cache lines: the worker's statistics (64 bytes),
 * then 4 x block random words, block actions (int32 or float32 x dim),
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

#define DEFAULT_BLOCK 1024

/* ------------------------------------------------------------ reset */

typedef struct reset_job {
  myr_batch* b;
  const uint8_t* mask;
  uint32_t stream;
  float* obs;
} reset_job;

static void reset_range(void* ctx, int64_t begin, int64_t end, int32_t w) {
  reset_job* j = (reset_job*)ctx;
  int64_t i;
  (void)w;
  j->b->cls->reset(j->b, begin, end, j->mask, j->stream,
                   j->obs ? j->obs + begin * j->b->info.obs_dim : NULL);
  for (i = begin; i < end; ++i)
    if (j->mask == NULL || j->mask[i]) j->b->pending[i] = 0;
}

static void run_reset(myr_batch* b, const uint8_t* mask, uint32_t stream,
                      float* obs) {
  reset_job j;
  j.b = b;
  j.mask = mask;
  j.stream = stream;
  j.obs = obs;
  myr__pool_for(b->pool, b->num_envs, RANGE_ALIGN, reset_range, &j);
}

/* ------------------------------------------------------------ per-env params */

/* lay out one (n) double array per randomised parameter */
static void bind_param_arrays(myr_batch* b, myr__arena* a) {
  int32_t k;
  for (k = 0; k < b->cls->info.num_params; ++k)
    b->param_env[k] = b->param_randomised[k]
                          ? (double*)myr__arena_take(a, b->num_envs, sizeof(double))
                          : NULL;
}

/* Parameter k of env i: one Philox block at (global env index, clock 0,
 * MYR_STREAM_PARAM, sub-stream k).  uniform: lo + (hi - lo) u with a 53-bit
 * u (integer parameters: a whole number in [lo, hi], each equally likely);
 * lognormal: exp(loc + scale z), z from Box-Muller on two 53-bit uniforms
 * (integer parameters: rounded to nearest). */
static double draw_param(const myr_batch* b, int32_t k, int64_t i) {
  const myr_param_setting* d = &b->param_dist[k];
  myr_philox_out r = myr_draw(b->seed, (uint32_t)(b->env_offset + i), 0,
                              MYR_STREAM_PARAM, (uint32_t)k);
  int integer = b->cls->info.params[k].is_integer;
  if (d->dist == MYR_DIST_UNIFORM) {
    double u = myr_u01d(r.v[0], r.v[1]);
    if (integer) {
      double v = d->a + floor(u * (d->b - d->a + 1.0));
      return v > d->b ? d->b : v;
    }
    return d->a + (d->b - d->a) * u;
  } else {
    double u1 = myr_u01d_open0(r.v[0], r.v[1]);
    double u2 = myr_u01d(r.v[2], r.v[3]);
    double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
    double v = exp(d->a + d->b * z);
    return integer ? floor(v + 0.5) : v;
  }
}

static void params_range(void* ctx, int64_t begin, int64_t end, int32_t w) {
  myr_batch* b = (myr_batch*)ctx;
  int32_t k;
  int64_t i;
  (void)w;
  for (k = 0; k < b->cls->info.num_params; ++k)
    if (b->param_env[k] != NULL)
      for (i = begin; i < end; ++i) b->param_env[k][i] = draw_param(b, k, i);
}

/* draw every randomised parameter; fail if a draw leaves the range */
static int draw_params(myr_batch* b) {
  const myr_env_info* info = &b->cls->info;
  int32_t k;
  int64_t i;
  myr__pool_for(b->pool, b->num_envs, RANGE_ALIGN, params_range, b);
  for (k = 0; k < info->num_params; ++k) {
    const myr_param_info* p = &info->params[k];
    if (b->param_env[k] == NULL) continue;
    for (i = 0; i < b->num_envs; ++i) {
      double v = b->param_env[k][i];
      if (!(v >= p->min_value && v <= p->max_value))
        return myr__fail(MYR_ERANGE,
                         "parameter '%s' of '%s': the per-env draw %g for env "
                         "%lld is outside [%g, %g]", p->name, info->id, v,
                         (long long)i, p->min_value, p->max_value);
    }
  }
  /* cross-parameter checks hold for every env's own values, not only for
   * the shared ones */
  if (b->cls->validate != NULL) {
    int any = 0;
    for (k = 0; k < info->num_params; ++k) any |= b->param_env[k] != NULL;
    for (i = 0; any && i < b->num_envs; ++i) {
      double values[MYR_PARAMS_MAX];
      int rc;
      for (k = 0; k < info->num_params; ++k)
        values[k] = b->param_env[k] ? b->param_env[k][i] : b->param_values[k];
      if ((rc = b->cls->validate(values)) != MYR_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s", myr_last_error());
        return myr__fail(rc, "per-env parameters of env %lld: %s",
                         (long long)i, why);
      }
    }
  }
  return MYR_OK;
}

/* ------------------------------------------------------------ create */

int myr_batch_create(const char* env_id, int64_t num_envs,
                     const myr_batch_def* def_in, myr_batch** out) {
  const myr__env_class* cls;
  myr_batch_def def = def_in ? *def_in : myr_batch_def_default();
  myr_batch* b;
  myr__arena arena;
  int32_t threads;
  int rc;
  uint64_t room;
  const char* bound;

  if (out == NULL) return myr__fail(MYR_EINVAL, "output pointer is NULL");
  *out = NULL;
  cls = myr__env_class_find(env_id);
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
  if (def.env_offset < 0 || def.env_offset > MYR_MAX_ENVS - num_envs)
    return myr__fail(MYR_EINVAL, "env_offset %lld out of range",
                     (long long)def.env_offset);
  if ((unsigned)def.precision > MYR_FLOAT64)
    return myr__fail(MYR_EINVAL, "bad precision %d", (int)def.precision);
  if ((unsigned)def.autoreset > MYR_AUTORESET_DISABLED)
    return myr__fail(MYR_EINVAL, "bad autoreset mode %d", (int)def.autoreset);
  if (def.threads < 0 || def.threads > 1024)
    return myr__fail(MYR_EINVAL, "threads must be in [0, 1024] (got %d)",
                     (int)def.threads);
  if (def.backend != MYR_BACKEND_CPU && def.backend != MYR_BACKEND_CUDA)
    return myr__fail(MYR_EINVAL, "bad backend %d", (int)def.backend);
  if ((rc = myr__cuda_check(&def, cls)) != MYR_OK) return rc;

  b = (myr_batch*)myr__alloc(sizeof *b);
  if (b == NULL) return myr__fail(MYR_ENOMEM, "out of memory (batch)");
  memset(b, 0, sizeof *b);
  atomic_init(&b->state, 0);
  b->cls = cls;
  b->num_envs = num_envs;
  b->env_offset = def.env_offset;
  b->seed = def.seed;
  b->precision = def.precision;
  b->autoreset = def.autoreset;
  b->block_size = DEFAULT_BLOCK;

  rc = resolve_params(cls, &def, b->param_values, b->param_dist,
                      b->param_randomised);
  if (rc != MYR_OK) {
    myr__free(b);
    return rc;
  }

  /* env-class state, then one allocation for every per-env array */
  b->info = cls->info;
  rc = cls->init(b);
  if (rc != MYR_OK) {
    myr__free(b);
    return rc;
  }
  arena.base = NULL;
  arena.used = 0;
  myr__arena_take(&arena, num_envs, sizeof(uint8_t)); /* pending */
  bind_param_arrays(b, &arena);
  cls->bind(b, &arena);
  /* the state and a fused rollout's per-worker scratch must fit in what
   * this process may still allocate (a cgroup's limit is enforced by the
   * OOM killer, with no message, if it is not checked here) */
  threads = def.threads > 0 ? def.threads : myr_cpu_count();
  b->block_size = DEFAULT_BLOCK;
  room = myr__mem_room(&bound);
  if (room != 0 && (double)arena.used + (double)scratch_stride(b) * threads >
                       (double)room) {
    double need = (double)arena.used + (double)scratch_stride(b) * threads;
    cls->fini(b);
    myr__free(b);
    return myr__fail(MYR_ENOMEM,
                     "out of memory: %lld envs need %.2f GiB, %.2f GiB left "
                     "under %s", (long long)num_envs, need / 1073741824.0,
                     (double)room / 1073741824.0, bound);
  }
  b->mem_bytes = arena.used;
  b->mem = myr__alloc_aligned(arena.used);
  if (b->mem == NULL) {
    cls->fini(b);
    myr__free(b);
    return myr__fail(MYR_ENOMEM, "out of memory: %lld envs need %zu bytes",
                     (long long)num_envs, arena.used);
  }
  memset(b->mem, 0, arena.used);
  arena.base = (unsigned char*)b->mem;
  arena.used = 0;
  b->pending = (uint8_t*)myr__arena_take(&arena, num_envs, sizeof(uint8_t));
  bind_param_arrays(b, &arena);
  cls->bind(b, &arena);

  rc = alloc_scratch(b, threads, DEFAULT_BLOCK);
  if (rc == MYR_OK) rc = myr__pool_create(threads, &b->pool);
  if (rc == MYR_OK) rc = draw_params(b);
  if (rc != MYR_OK) {
    myr_batch_destroy(b);
    return rc;
  }
  b->threads = threads;

  /* first episodes: the same as myr_batch_reset(seed) */
  run_reset(b, NULL, MYR_STREAM_RESET, NULL);
  /* a CUDA batch starts from a device copy of that state */
  if (def.backend == MYR_BACKEND_CUDA && (rc = myr__cuda_create(b)) != MYR_OK) {
    myr_batch_destroy(b);
    return rc;
  }
  *out = b;
  return MYR_OK;
}

/* the batch and everything it owns */
static void batch_free(myr_batch* b) {
  myr__cuda_destroy(b);
  myr__pool_destroy(b->pool);
  myr__policy_state_free(b->policy_state);
  if (b->cls != NULL && b->env != NULL) b->cls->fini(b);
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
int64_t myr_batch_num_envs(const myr_batch* b) { return b ? b->num_envs : 0; }
int32_t myr_batch_threads(const myr_batch* b) { return b ? b->threads : 0; }
myr_autoreset myr_batch_autoreset(const myr_batch* b) {
  return b ? b->autoreset : MYR_AUTORESET_SAME_STEP;
}
myr_precision myr_batch_precision(const myr_batch* b) {
  return b ? b->precision : MYR_FLOAT32;
}
uint64_t myr_batch_seed(const myr_batch* b) { return b ? b->seed : 0; }
myr_backend myr_batch_backend(const myr_batch* b) {
  return b && b->backend == MYR_BACKEND_CUDA ? MYR_BACKEND_CUDA
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
  return b != NULL && b->dev != NULL ? myr__cuda_device_bytes(b) : 0;
}
int64_t myr_batch_cap_hits(const myr_batch* b) { return b ? b->cap_hits : 0; }
int64_t myr_batch_block_size(const myr_batch* b) { return b ? b->block_size : 0; }

static int batch_set_threads(myr_batch* b, int32_t threads) {
  myr__pool* pool;
  int rc;
  if (b == NULL) return myr__fail(MYR_EINVAL, "batch is NULL");
  if (threads < 0 || threads > 1024)
    return myr__fail(MYR_EINVAL, "threads must be in [0, 1024] (got %d)",
                     (int)threads);
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
  if (block < 0 || block > (1 << 22))
    return myr__fail(MYR_EINVAL, "block size must be in [0, 4194304] (got %lld)",
                     (long long)block);
  if (block == 0) block = DEFAULT_BLOCK;
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
  if (b == NULL) return myr__fail(MYR_EINVAL, "batch is NULL");
  seed0 = b->seed;
  clock0 = b->clock;
  epoch0 = b->epoch;
  if (seed != NULL) {
    b->seed = *seed;
    b->clock = 0;
    b->epoch = 0;
  } else {
    b->epoch += 1;
  }
  if (b->dev != NULL) {
    int rc = myr__cuda_reset(b, NULL, obs);
    if (rc != MYR_OK) {
      /* a failed call changes nothing */
      b->seed = seed0;
      b->clock = clock0;
      b->epoch = epoch0;
    }
    return rc;
  }
  run_reset(b, NULL, MYR_STREAM_RESET, obs);
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
  if (b == NULL) return myr__fail(MYR_EINVAL, "batch is NULL");
  if (mask == NULL) return myr__fail(MYR_EINVAL, "mask is NULL");
  b->epoch += 1;
  if (b->dev != NULL) return myr__cuda_reset(b, mask, obs);
  run_reset(b, mask, MYR_STREAM_RESET, obs);
  return MYR_OK;
}

/* ------------------------------------------------------------ step */

typedef struct step_job {
  myr_batch* b;
  const int32_t* act_i;
  const float* act_f;
  const myr_step_out* out;
} step_job;

static void step_range(void* ctx, int64_t begin, int64_t end, int32_t w) {
  step_job* j = (step_job*)ctx;
  const myr_batch* b = j->b;
  int32_t od = b->info.obs_dim;
  int32_t ad = b->cls->info.action_space.kind == MYR_SPACE_BOX
                   ? b->cls->info.action_space.n
                   : 1;
  myr__io io;
  io.clock = b->clock;
  io.act_i = j->act_i ? j->act_i + begin : NULL;
  io.act_f = j->act_f ? j->act_f + begin * ad : NULL;
  io.obs = j->out->obs + begin * od;
  io.reward = j->out->reward + begin;
  io.terminated = j->out->terminated + begin;
  io.truncated = j->out->truncated + begin;
  io.final_obs = j->out->final_obs ? j->out->final_obs + begin * od : NULL;
  j->b->cls->step(j->b, begin, end, &io, myr__worker_stats(j->b, w));
}

static int check_out(const myr_step_out* out) {
  if (out == NULL || out->obs == NULL || out->reward == NULL ||
      out->terminated == NULL || out->truncated == NULL)
    return myr__fail(MYR_EINVAL,
                     "step outputs obs, reward, terminated, truncated must "
                     "not be NULL");
  return MYR_OK;
}

static int run_step(myr_batch* b, const int32_t* act_i, const float* act_f,
                    const myr_step_out* out) {
  step_job j;
  int32_t w;
  if (b->dev != NULL) {
    int rc = myr__cuda_step(b, act_i, out);
    if (rc == MYR_OK) b->clock += 1;
    return rc;
  }
  for (w = 0; w < b->threads; ++w)
    memset(myr__worker_stats(b, w), 0, sizeof(myr__stats));
  j.b = b;
  j.act_i = act_i;
  j.act_f = act_f;
  j.out = out;
  myr__pool_for(b->pool, b->num_envs, RANGE_ALIGN, step_range, &j);
  for (w = 0; w < b->threads; ++w)
    b->cap_hits += myr__worker_stats(b, w)->cap_hits;
  b->clock += 1;
  return MYR_OK;
}

static int batch_step(myr_batch* b, const int32_t* actions,
                   const myr_step_out* out) {
  int64_t i, n;
  int32_t na;
  int rc;
  if (b == NULL) return myr__fail(MYR_EINVAL, "batch is NULL");
  if (b->cls->info.action_space.kind != MYR_SPACE_DISCRETE)
    return myr__fail(MYR_EINVAL, "'%s' has a box action space: use "
                     "myr_batch_step_box", b->cls->info.id);
  if ((rc = myr__check_whole(b)) != MYR_OK) return rc;
  if (actions == NULL) return myr__fail(MYR_EINVAL, "actions is NULL");
  if ((rc = check_out(out)) != MYR_OK) return rc;
  n = b->num_envs;
  na = b->cls->info.action_space.n;
  for (i = 0; i < n; ++i)
    if ((uint32_t)actions[i] >= (uint32_t)na)
      return myr__fail(MYR_EINVAL,
                       "action %d of env %lld is outside the action space "
                       "{0..%d}", (int)actions[i], (long long)i, (int)na - 1);
  return run_step(b, actions, NULL, out);
}

static int batch_step_box(myr_batch* b, const float* actions,
                       const myr_step_out* out) {
  int64_t i, n;
  int rc;
  if (b == NULL) return myr__fail(MYR_EINVAL, "batch is NULL");
  if (b->cls->info.action_space.kind != MYR_SPACE_BOX)
    return myr__fail(MYR_EINVAL, "'%s' has a discrete action space: use "
                     "myr_batch_step", b->cls->info.id);
  if ((rc = myr__check_whole(b)) != MYR_OK) return rc;
  if (actions == NULL) return myr__fail(MYR_EINVAL, "actions is NULL");
  if ((rc = check_out(out)) != MYR_OK) return rc;
  n = b->num_envs * b->cls->info.action_space.n;
  for (i = 0; i < n; ++i)
    if (!isfinite(actions[i]))
      return myr__fail(MYR_EINVAL, "action %lld is not finite", (long long)i);
  return run_step(b, NULL, actions, out);
}

/* ------------------------------------------------------------ observation */

typedef struct obs_job {
  const myr_batch* b;
  float* obs;
} obs_job;

static void observe_range(void* ctx, int64_t begin, int64_t end, int32_t w) {
  obs_job* j = (obs_job*)ctx;
  (void)w;
  j->b->cls->observe(j->b, begin, end, j->obs + begin * j->b->info.obs_dim);
}

static int batch_observe(const myr_batch* b, float* obs) {
  obs_job j;
  int rc;
  if (b == NULL || obs == NULL)
    return myr__fail(MYR_EINVAL, "batch or obs is NULL");
  j.b = b;
  j.obs = obs;
  if ((rc = myr__cuda_sync_host(b)) != MYR_OK) return rc;
  myr__pool_for(b->pool, b->num_envs, RANGE_ALIGN, observe_range, &j);
  return MYR_OK;
}

/* ------------------------------------------------------------ state */

static int find_field(const myr_batch* b, const char* name) {
  int32_t i;
  const myr_env_info* info = &b->cls->info;
  if (name == NULL) return -1;
  for (i = 0; i < info->num_fields; ++i)
    if (strcmp(info->fields[i].name, name) == 0) return i;
  return -1;
}

static int batch_get_state(const myr_batch* b, const char* field, double* values) {
  int f, rc;
  if (b == NULL || values == NULL)
    return myr__fail(MYR_EINVAL, "batch or values is NULL");
  f = find_field(b, field);
  if (f < 0)
    return myr__fail(MYR_ENOFIELD, "unknown state field '%s' for '%s'",
                     field ? field : "(null)", b->cls->info.id);
  if ((rc = myr__cuda_sync_host(b)) != MYR_OK) return rc;
  b->cls->get_field(b, f, 0, b->num_envs, values);
  return MYR_OK;
}

static int batch_set_state(myr_batch* b, const char* field, const double* values) {
  int f, rc;
  int64_t i;
  const myr_field_info* fi;
  if (b == NULL || values == NULL)
    return myr__fail(MYR_EINVAL, "batch or values is NULL");
  f = find_field(b, field);
  if (f < 0)
    return myr__fail(MYR_ENOFIELD, "unknown state field '%s' for '%s'",
                     field ? field : "(null)", b->cls->info.id);
  fi = &b->cls->info.fields[f];
  if (!fi->writable)
    return myr__fail(MYR_EINVAL, "state field '%s' is read-only", fi->name);
  if (b->cls->check_field != NULL) {
    if ((rc = b->cls->check_field(b, f, values, b->num_envs)) != MYR_OK)
      return rc;
  } else {
    for (i = 0; i < b->num_envs; ++i) {
      if (!isfinite(values[i]))
        return myr__fail(MYR_ERANGE, "value of '%s' for env %lld is not finite",
                         fi->name, (long long)i);
      if (fi->is_integer &&
          (values[i] != floor(values[i]) || values[i] < 0 ||
           values[i] > (fi->max_value > 0 ? fi->max_value : 2147483646.0)))
        return myr__fail(MYR_ERANGE,
                         "value of '%s' for env %lld must be an integer in "
                         "[0, %.0f]", fi->name, (long long)i,
                         fi->max_value > 0 ? fi->max_value : 2147483646.0);
    }
  }
  if ((rc = myr__cuda_sync_host(b)) != MYR_OK) return rc;
  b->cls->set_field(b, f, 0, b->num_envs, values);
  return myr__cuda_sync_device(b);
}

int myr_batch_get_param(const myr_batch* b, const char* name, double* values) {
  int k;
  int64_t i;
  if (b == NULL || values == NULL)
    return myr__fail(MYR_EINVAL, "batch or values is NULL");
  k = name ? find_param(&b->cls->info, name) : -1;
  if (k < 0)
    return myr__fail(MYR_ENOPARAM, "unknown parameter '%s' for '%s'",
                     name ? name : "(null)", b->cls->info.id);
  if (b->cls->get_param != NULL) return b->cls->get_param(b, k, values);
  for (i = 0; i < b->num_envs; ++i) values[i] = b->param_values[k];
  return MYR_OK;
}

int myr__param_get(const myr_batch* b, int32_t k, double* out) {
  int64_t i;
  for (i = 0; i < b->num_envs; ++i) out[i] = myr__param(b, k, i);
  return MYR_OK;
}

/* ------------------------------------------------------------ hash */

static uint64_t mix64(uint64_t z) {
  /* SplitMix64 finaliser (Steele, Lea & Flood 2014) */
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t myr_batch_state_hash(const myr_batch* b) {
  enum { CHUNK = 512 };
  double buf[CHUNK];
  uint64_t acc[CHUNK];
  uint64_t total = 0;
  int64_t i0, i;
  int32_t f;
  if (b == NULL) return 0;
  if (myr__cuda_sync_host(b) != MYR_OK) return 0;
  for (i0 = 0; i0 < b->num_envs; i0 += CHUNK) {
    int64_t i1 = i0 + CHUNK < b->num_envs ? i0 + CHUNK : b->num_envs;
    for (i = i0; i < i1; ++i)
      acc[i - i0] = mix64((uint64_t)(b->env_offset + i) + 0x9E3779B97F4A7C15ull);
    for (f = 0; f < b->cls->info.num_fields; ++f) {
      b->cls->get_field(b, f, i0, i1, buf);
      for (i = i0; i < i1; ++i) {
        uint64_t bits;
        double v = buf[i - i0] == 0.0 ? 0.0 : buf[i - i0]; /* -0 == +0 */
        memcpy(&bits, &v, sizeof bits);
        acc[i - i0] = mix64(acc[i - i0] ^ bits) + (uint64_t)f;
      }
    }
    for (i = i0; i < i1; ++i) total += acc[i - i0] ^ ((uint64_t)b->pending[i] << 7);
  }
  return total;
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

int myr_batch_step_box(myr_batch* b, const float* actions,
                       const myr_step_out* out) {
  MYR__GUARDED(b, batch_step_box(b, actions, out));
}

int myr_batch_observe(const myr_batch* b, float* obs) {
  MYR__GUARDED(b, batch_observe(b, obs));
}

int myr_batch_get_state(const myr_batch* b, const char* field, double* values) {
  MYR__GUARDED(b, batch_get_state(b, field, values));
}

int myr_batch_set_state(myr_batch* b, const char* field, const double* values) {
  MYR__GUARDED(b, batch_set_state(b, field, values));
}
