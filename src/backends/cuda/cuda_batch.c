/*
 * cuda_batch.c -- host side of the CUDA backend: device allocation, the
 * host mirror, and the reset / step / rollout entry points behind the
 * myr_batch_* API (see cuda_backend.h for the mirror protocol).
 *
 * Invariants: d->mem mirrors b->mem byte for byte (device pointer of a host
 * array = d->mem + (host pointer - b->mem)); d->host_stale is set before
 * every launch that may change state and cleared by cuda_sync_host().  The step
 * I/O buffers (actions, outputs, mask: 11 + 8 x obs_dim bytes per env) are
 * allocated on the first call that needs them and kept until destroy.
 *
 * The backend names no env: the class's `cuda` member is the env's ops
 * table (struct myr__cuda_env, kernels.h, defined by its .cu file), and
 * every op gets the same myr__cuda_view of the batch (view_of below).  An
 * env's extra device memory (aux_bytes, e.g. read-only tables) is
 * allocated and filled at create and freed at destroy.
 *
 * Failures: a CUDA call that fails returns MYR_ENOMEM if the device ran out
 * of memory (cudaErrorMemoryAllocation) and MYR_EDEVICE for anything else,
 * with CUDA's error string in the message.  Everything that can fail
 * before a kernel runs (buffers, copies in) is done first, so such a
 * failure changes nothing; the mirror is marked stale before a launch, so
 * after a failing kernel the host reads the device (or fails) rather than
 * trusting an old mirror.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cuda_backend.h"
#include "kernels.h"

typedef struct myr__cuda_batch {
  unsigned char* mem;         /* device copy of the arena (mem_bytes) */
  unsigned long long* totals; /* device: rollout sums */
  unsigned char* io;          /* device step I/O, NULL until first used */
  unsigned char* aux;         /* the env's aux_bytes (its tables), or NULL */
  size_t device_bytes;        /* device memory held by the batch */
  int host_stale;             /* device state newer than the host mirror */
} myr__cuda_batch;

/* the status of the CUDA failure just recorded */
static int cuda_status(void) {
  return myr__cuda_out_of_memory() ? MYR_ENOMEM : MYR_EDEVICE;
}

static int cuda_fail(const char* what) {
  return myr__fail(cuda_status(), "cuda: %s failed: %s", what,
                   myr__cuda_error());
}

/* a device allocation of `what` failed */
static int alloc_fail(const char* what) {
  if (myr__cuda_out_of_memory())
    return myr__fail(MYR_ENOMEM, "out of device memory: %s (%s)", what,
                     myr__cuda_error());
  return myr__fail(MYR_EDEVICE, "cuda: allocation of %s failed: %s", what,
                   myr__cuda_error());
}

static void* dev_ptr(const myr_batch* b, const void* host) {
  const myr__cuda_batch* d = (const myr__cuda_batch*)b->dev;
  return d->mem + ((const unsigned char*)host - (const unsigned char*)b->mem);
}

/* the env's CUDA ops (its class names them, MYR__CUDA_ENV) */
static const struct myr__cuda_env* ops(const myr_batch* b) {
  return b->cls->cuda;
}

/* the device view of the batch as it is now (seed and epoch change) */
static myr__cuda_view view_of(const myr_batch* b) {
  const myr__cuda_batch* d = (const myr__cuda_batch*)b->dev;
  myr__cuda_view v;
  int32_t c;
  memset(&v, 0, sizeof v);
  for (c = 0; c < MYR__COLS_MAX; ++c)
    v.col[c] = b->v.col[c].p != NULL ? dev_ptr(b, b->v.col[c].p) : NULL;
  v.pending = (uint8_t*)dev_ptr(b, b->pending);
  v.aux = d->aux;
  v.data = b->v.data;
  v.num_envs = b->v.num_envs;
  v.env_offset = b->v.env_offset;
  v.seed = b->v.seed;
  v.epoch = b->v.epoch;
  v.autoreset = (int32_t)b->v.autoreset;
  v.totals = d->totals;
  return v;
}

/* the env's device memory beside its columns (read-only tables), filled
 * from its host constants */
static int aux_create(myr_batch* b) {
  myr__cuda_batch* d = (myr__cuda_batch*)b->dev;
  const struct myr__cuda_env* env = ops(b);
  myr__cuda_view v = view_of(b);
  size_t bytes = env->aux_bytes != NULL ? env->aux_bytes(&v) : 0;
  char what[160];
  if (bytes == 0) return MYR_OK;
  d->aux = (unsigned char*)myr__cuda_malloc(bytes);
  if (d->aux != NULL) d->device_bytes += bytes;
  snprintf(what, sizeof what, "the tables of %s", b->cls->info.id);
  if (d->aux == NULL) return alloc_fail(what);
  v.aux = d->aux;
  if (env->upload_aux != NULL && env->upload_aux(&v) != 0) {
    snprintf(what, sizeof what, "copy of the tables of %s", b->cls->info.id);
    return cuda_fail(what);
  }
  return MYR_OK;
}

/* "a, b and c": the envs with CUDA kernels, for a refusal */
static void cuda_env_list(char* out, size_t size) {
  const myr__env_class* cls;
  int32_t i, count = 0, k = 0;
  size_t used = 0;
  out[0] = '\0';
  for (i = 0; (cls = myr__env_class_at(i)) != NULL; ++i)
    if (cls->cuda != NULL) ++count;
  for (i = 0; (cls = myr__env_class_at(i)) != NULL; ++i) {
    int w;
    if (cls->cuda == NULL) continue;
    ++k;
    w = snprintf(out + used, size - used, "%s%s",
                 k == 1 ? "" : (k == count ? " and " : ", "), cls->info.id);
    if (w < 0 || (size_t)w >= size - used) return; /* truncated */
    used += (size_t)w;
  }
}

static int cuda_check(const myr_batch_def* def, const myr__env_class* cls) {
  if (cls->cuda == NULL) {
    char envs[256];
    cuda_env_list(envs, sizeof envs);
    return myr__fail(MYR_EINVAL,
                     "backend cuda does not support '%s' yet (%s only); use "
                     "the cpu backend", cls->info.id, envs);
  }
  if (def->precision != MYR_FLOAT32)
    return myr__fail(MYR_EINVAL, "backend cuda supports float32 only");
  {
    /* the kernels read one shared set of constants */
    int32_t i;
    for (i = 0; i < def->num_params && def->params != NULL; ++i)
      if (def->params[i].dist != MYR_DIST_FIXED)
        return myr__fail(MYR_EINVAL,
                         "backend cuda does not support per-env parameter "
                         "distributions ('%s'); use the cpu backend",
                         def->params[i].name ? def->params[i].name : "(null)");
  }
  if (myr__cuda_device_count() <= 0)
    return myr__fail(MYR_ENODEV, "backend cuda: no CUDA device found");
  return MYR_OK;
}

static void cuda_destroy(myr_batch* b);

static int cuda_create(myr_batch* b) {
  myr__cuda_batch* d = (myr__cuda_batch*)myr__alloc(sizeof *d);
  if (d == NULL) return myr__fail(MYR_ENOMEM, "out of memory (cuda batch)");
  memset(d, 0, sizeof *d);
  d->mem = (unsigned char*)myr__cuda_malloc(b->mem_bytes);
  d->totals = (unsigned long long*)myr__cuda_malloc(8 * sizeof(unsigned long long));
  d->device_bytes = b->mem_bytes + 8 * sizeof(unsigned long long);
  if (d->mem == NULL || d->totals == NULL) {
    char what[96];
    myr__cuda_free(d->mem);
    myr__cuda_free(d->totals);
    myr__free(d);
    snprintf(what, sizeof what, "%lld envs need %zu bytes",
             (long long)b->v.num_envs, b->mem_bytes);
    return alloc_fail(what);
  }
  b->dev = d;
  if (myr__cuda_copy(d->mem, b->mem, b->mem_bytes, 1) != 0) {
    int rc = cuda_fail("copy to device");
    cuda_destroy(b);
    return rc;
  }
  {
    int rc = aux_create(b);
    if (rc != MYR_OK) {
      cuda_destroy(b);
      return rc;
    }
  }
  return MYR_OK;
}

static void cuda_destroy(myr_batch* b) {
  myr__cuda_batch* d = (myr__cuda_batch*)b->dev;
  if (d == NULL) return;
  myr__cuda_free(d->mem);
  myr__cuda_free(d->totals);
  myr__cuda_free(d->io);
  myr__cuda_free(d->aux);
  myr__free(d);
  b->dev = NULL;
}

static int cuda_sync_host(const myr_batch* b) {
  myr__cuda_batch* d = (myr__cuda_batch*)b->dev;
  if (d == NULL || !d->host_stale) return MYR_OK;
  if (myr__cuda_copy(b->mem, d->mem, b->mem_bytes, 0) != 0)
    return cuda_fail("copy to host");
  d->host_stale = 0;
  return MYR_OK;
}

static int cuda_sync_device(myr_batch* b) {
  myr__cuda_batch* d = (myr__cuda_batch*)b->dev;
  if (d == NULL) return MYR_OK;
  if (myr__cuda_copy(d->mem, b->mem, b->mem_bytes, 1) != 0) {
    /* the device keeps the state: the host write is dropped, and the next
     * host read fetches the device's copy again */
    d->host_stale = 1;
    return cuda_fail("copy to device");
  }
  d->host_stale = 0;
  return MYR_OK;
}

/* device step I/O with o = 4 * obs_dim bytes of obs per env: act (4n)
 * obs (o n) reward (4n) final_obs (o n) terminated (n) truncated (n)
 * mask (n) */
static int io_buffers(myr_batch* b, myr_cuda_step_io* io, uint8_t** mask) {
  myr__cuda_batch* d = (myr__cuda_batch*)b->dev;
  size_t n = (size_t)b->v.num_envs;
  size_t o = 4 * (size_t)b->info.obs_dim;
  if (d->io == NULL) {
    d->io = (unsigned char*)myr__cuda_malloc((11 + 2 * o) * n);
    if (d->io == NULL) {
      char what[64];
      snprintf(what, sizeof what, "step buffers for %lld envs", (long long)n);
      return alloc_fail(what);
    }
    d->device_bytes += (11 + 2 * o) * n;
  }
  io->act = (const int32_t*)d->io;
  io->obs = (float*)(d->io + 4 * n);
  io->reward = (float*)(d->io + (4 + o) * n);
  io->final_obs = (float*)(d->io + (8 + o) * n);
  io->terminated = d->io + (8 + 2 * o) * n;
  io->truncated = d->io + (9 + 2 * o) * n;
  *mask = d->io + (10 + 2 * o) * n;
  return MYR_OK;
}

static int cuda_reset(myr_batch* b, const uint8_t* mask, float* obs) {
  myr__cuda_batch* d = (myr__cuda_batch*)b->dev;
  myr_cuda_step_io io;
  uint8_t* dmask = NULL;
  size_t n = (size_t)b->v.num_envs;
  size_t o = 4 * (size_t)b->info.obs_dim;
  int rc;
  memset(&io, 0, sizeof io);
  if (mask != NULL || obs != NULL) {
    if ((rc = io_buffers(b, &io, &dmask)) != MYR_OK) return rc;
    if (mask != NULL && myr__cuda_copy(dmask, mask, n, 1) != 0)
      return cuda_fail("copy of the reset mask");
    /* envs outside the mask keep their rows of obs */
    if (obs != NULL && mask != NULL &&
        myr__cuda_copy(io.obs, obs, o * n, 1) != 0)
      return cuda_fail("copy of obs");
  }
  d->host_stale = 1; /* from here on the device state may change */
  {
    myr__cuda_view v = view_of(b);
    if (ops(b)->reset(&v, b->clock, MYR_STREAM_RESET,
                      mask != NULL ? dmask : NULL,
                      obs != NULL ? io.obs : NULL) != 0)
      return cuda_fail("reset kernel");
  }
  if (obs != NULL && myr__cuda_copy(obs, io.obs, o * n, 0) != 0)
    return cuda_fail("copy of obs");
  return MYR_OK;
}

/* int64 actions (checked by the engine) narrowed to int32 on the host, a
 * stack buffer at a time, on their way to the device's action buffer */
static int copy_actions_i64(int32_t* dact, const int64_t* act_l, size_t n) {
  int32_t buf[4096];
  size_t lo, k, m;
  for (lo = 0; lo < n; lo += m) {
    m = n - lo < 4096 ? n - lo : 4096;
    for (k = 0; k < m; ++k) buf[k] = (int32_t)act_l[lo + k];
    if (myr__cuda_copy(dact + lo, buf, 4 * m, 1) != 0) return -1;
  }
  return 0;
}

static int cuda_step(myr_batch* b, const int32_t* actions,
                     const int64_t* act_l, const float* act_f,
                     const myr_step_out* out) {
  myr__cuda_batch* d = (myr__cuda_batch*)b->dev;
  myr_cuda_step_io io;
  uint8_t* dmask;
  size_t n = (size_t)b->v.num_envs;
  size_t o = 4 * (size_t)b->info.obs_dim;
  int rc;
  (void)act_f; /* the CUDA envs have discrete actions */
  if ((rc = io_buffers(b, &io, &dmask)) != MYR_OK) return rc;
  if ((act_l != NULL ? copy_actions_i64((int32_t*)io.act, act_l, n)
                     : myr__cuda_copy((void*)io.act, actions, 4 * n, 1)) != 0)
    return cuda_fail("copy of actions");
  /* rows of final_obs of envs that did not end stay as the caller had them */
  if (out->final_obs != NULL &&
      myr__cuda_copy(io.final_obs, out->final_obs, o * n, 1) != 0)
    return cuda_fail("copy of final_obs");
  if (out->final_obs == NULL) io.final_obs = NULL;
  d->host_stale = 1; /* from here on the device state may change */
  {
    myr__cuda_view v = view_of(b);
    int64_t sums[2] = {0, 0}; /* reactions, cap hits */
    if (ops(b)->step(&v, b->clock, &io, sums) != 0)
      return cuda_fail("step kernel");
    b->cap_hits += sums[1];
  }
  if (myr__cuda_copy(out->obs, io.obs, o * n, 0) != 0 ||
      myr__cuda_copy(out->reward, io.reward, 4 * n, 0) != 0 ||
      myr__cuda_copy(out->terminated, io.terminated, n, 0) != 0 ||
      myr__cuda_copy(out->truncated, io.truncated, n, 0) != 0 ||
      (out->final_obs != NULL &&
       myr__cuda_copy(out->final_obs, io.final_obs, o * n, 0) != 0))
    return cuda_fail("copy of step outputs");
  return MYR_OK;
}

static int cuda_rollout(myr_batch* b, const myr_rollout_def* def,
                        const myr__policy* policy, myr_rollout_stats* stats) {
  myr__cuda_batch* d = (myr__cuda_batch*)b->dev;
  int64_t chunk = def->chunk_size > 0 ? def->chunk_size : MYR__CUDA_DEFAULT_CHUNK;
  /* episodes, length sum, return sum (units of 1/MYR_RETURN_SCALE),
   * reactions, cap hits */
  int64_t done = 0, totals[MYR__CUDA_TOTALS] = {0, 0, 0, 0, 0};
  int32_t kind;
  double t0;
  int rc = MYR_OK;
  if (def->on_chunk != NULL)
    return myr__fail(MYR_EINVAL, "backend cuda: trajectory recording is not "
                     "supported; record on the cpu backend");
  if (policy->kind == MYR__POLICY_RANDOM)
    kind = 0;
  else if (policy->kind == MYR__POLICY_CONSTANT)
    kind = 1;
  else
    return myr__fail(MYR_EINVAL, "backend cuda: fused rollouts support the "
                     "random and constant policies");
  t0 = myr__now();
  /* one launch per chunk keeps the state in registers for chunk steps;
   * the stop flag is checked between launches */
  while (done < def->steps) {
    int64_t n = def->steps - done < chunk ? def->steps - done : chunk;
    myr__cuda_view v = view_of(b);
    d->host_stale = 1; /* from here on the device state may change */
    if (ops(b)->rollout(&v, b->clock, n, kind, policy->action, totals) != 0) {
      /* the launches before this one count (clock, cap hits) */
      b->cap_hits += totals[MYR__CUDA_CAP_HITS];
      return cuda_fail("rollout kernel");
    }
    b->clock += (uint64_t)n;
    done += n;
    if (myr__stop_requested(def->stop) && done < def->steps) {
      rc = myr__fail(MYR_EINTR, "rollout interrupted after %lld steps",
                     (long long)done);
      break;
    }
  }
  b->cap_hits += totals[MYR__CUDA_CAP_HITS];
  if (stats != NULL) {
    memset(stats, 0, sizeof *stats);
    stats->reactions = totals[MYR__CUDA_REACTIONS];
    stats->cap_hits = totals[MYR__CUDA_CAP_HITS];
    stats->wall_seconds = myr__now() - t0;
    stats->steps = done * b->v.num_envs;
    stats->episodes = totals[MYR__CUDA_EPISODES];
    stats->length_sum = totals[MYR__CUDA_LENGTHS];
    /* the device sums in int64: sign-extend into the 128-bit sum */
    stats->return_sum_fixed = totals[MYR__CUDA_RETURNS];
    stats->return_sum_fixed_hi = totals[MYR__CUDA_RETURNS] < 0 ? -1 : 0;
    stats->chunk_size = chunk;
    stats->block_size = b->block_size;
    myr_rollout_stats_finish(stats);
  }
  return rc;
}

static size_t cuda_device_bytes(const myr_batch* b) {
  const myr__cuda_batch* d = (const myr__cuda_batch*)b->dev;
  return d != NULL ? d->device_bytes : 0;
}

const myr__backend myr__cuda_backend = {
    MYR_BACKEND_CUDA,  "cuda",           cuda_check,
    cuda_create,       cuda_destroy,     cuda_reset,
    cuda_step,         cuda_rollout,     cuda_sync_host,
    cuda_sync_device,  cuda_device_bytes, MYR__CUDA_DEFAULT_CHUNK,
};
