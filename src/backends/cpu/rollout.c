/*
 * rollout.c -- the CPU's fused rollouts: a built-in policy and the physics
 * advance a cache-resident block of envs for a whole chunk of steps before
 * the worker moves to its next block.
 *
 * Loop order: for each chunk (a barrier, the recording callback and the
 * stop check sit between chunks), each worker walks its contiguous env
 * range in blocks of block_size envs; a block runs chunk_size steps while
 * its state stays in L1/L2.  So chunk_size sets how often the whole state
 * streams through memory and how much trajectory memory recording needs
 * (chunk_size x N rows); block_size sets the working set.  The random
 * policy's Philox words are cached per block (128 steps per draw for two
 * actions; a class with packed_actions reads its bits straight from the
 * cache when nothing is recorded).  Each step is exactly cls->step() with
 * the policy's actions, so a fused rollout equals the step API driven with
 * the same actions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/philox8.h"
#include "../../engine/policy.h"
#include "cpu.h"

typedef struct rec_buffers {
  float* obs;
  void* action;
  float* reward;
  uint8_t* terminated;
  uint8_t* truncated;
} rec_buffers;

typedef struct rollout_job {
  myr_batch* b;
  myr__policy policy;
  uint64_t clock0;
  int64_t steps;
  rec_buffers* rec; /* NULL: not recording */
  /* the caller's stop flag, looked at before every step of every block,
   * and whether some block stopped early (the chunk is then torn) */
  volatile sig_atomic_t* stop;
  atomic_int cut;
} rollout_job;

/* refill the per-block cache of random words for the window holding clock
 * (8 envs per Philox call where AVX-512 is compiled in) */
static void refill_words(const myr_batch* b, int64_t begin, int64_t n,
                         uint64_t window, uint32_t sub, uint32_t* words) {
  myr_draw_list(b->v.seed, (uint32_t)(b->v.env_offset + begin), NULL, (int32_t)n,
                window, MYR_STREAM_ACTION, sub, words, (int32_t)n);
}

static void run_block(rollout_job* j, int64_t begin, int64_t end,
                      int32_t worker) {
  myr_batch* b = j->b;
  const myr_env_info* info = &b->info;
  int64_t n = end - begin;
  int64_t N = b->v.num_envs;
  int32_t od = info->obs_dim;
  int32_t box = info->action_space.kind == MYR_SPACE_BOX;
  int32_t ad = box ? info->action_space.n : 1;
  int32_t two = !box && info->action_space.n == 2;
  /* the random bits go to step() packed, where the class takes them and
   * no recording needs the actions */
  int32_t packed = two && b->cls->packed_actions && j->rec == NULL;
  unsigned char* s = myr__scratch(b, worker);
  uint32_t* words = (uint32_t*)s;
  void* act_scratch = s + (size_t)b->block_size * 16;
  float* rew_scratch =
      (float*)((unsigned char*)act_scratch + (size_t)b->block_size * (size_t)ad * 4);
  uint8_t* term_scratch = (uint8_t*)(rew_scratch + b->block_size);
  uint8_t* trunc_scratch = term_scratch + b->block_size;
  /* closed-loop policies: the field they read (after the obs scratch) */
  size_t field_off = ((size_t)(trunc_scratch - s) + (size_t)b->block_size +
                      (size_t)b->block_size * (size_t)od * 4 + 7) & ~(size_t)7;
  double* field_scratch = (double*)(s + field_off);
  uint64_t cached = UINT64_MAX;
  int64_t step, e;
  int32_t d;

  for (step = 0; step < j->steps; ++step) {
    uint64_t clock = j->clock0 + (uint64_t)step;
    myr__io io;
    void* act;
    /* Ctrl-C or myr_batch_destroy() inside a long chunk: stop here (the
     * batch becomes torn) */
    if (atomic_load_explicit(&j->cut, memory_order_relaxed) ||
        myr__stop_requested(j->stop) || myr__destroy_requested(b)) {
      atomic_store(&j->cut, 1);
      return;
    }
    io.clock = clock;
    if (j->rec != NULL) {
      int64_t row = step * N + begin;
      act = (unsigned char*)j->rec->action + (size_t)row * (size_t)ad * 4;
      io.obs = j->rec->obs + row * od;
      io.reward = j->rec->reward + row;
      io.terminated = j->rec->terminated + row;
      io.truncated = j->rec->truncated + row;
    } else {
      act = act_scratch;
      io.obs = NULL;
      io.reward = rew_scratch;
      io.terminated = term_scratch;
      io.truncated = trunc_scratch;
    }
    io.final_obs = NULL;
    io.act_bits = NULL;
    io.act_shift = 0;

    /* the policy's actions for this step */
    if (j->policy.kind == MYR__POLICY_CONSTANT) {
      if (j->rec != NULL || step == 0) {
        if (box)
          for (e = 0; e < n * ad; ++e) ((float*)act)[e] = j->policy.value;
        else
          for (e = 0; e < n; ++e) ((int32_t*)act)[e] = j->policy.action;
      }
    } else if (j->policy.kind != MYR__POLICY_RANDOM) {
      myr__policy_act(b, &j->policy, begin, end, clock, field_scratch, act);
    } else if (two) {
      int32_t* MYR_RESTRICT a = (int32_t*)act;
      const uint32_t* MYR_RESTRICT w;
      uint32_t bit = (uint32_t)(clock & 31u);
      if ((clock >> 7) != cached) {
        cached = clock >> 7;
        refill_words(b, begin, n, cached, 0, words);
      }
      w = words + (size_t)((clock >> 5) & 3u) * (size_t)n;
      if (packed) {
        io.act_bits = w;
        io.act_shift = bit;
      } else {
        for (e = 0; e < n; ++e) a[e] = (int32_t)((w[e] >> bit) & 1u);
      }
    } else {
      for (d = 0; d < ad; ++d) {
        const uint32_t* MYR_RESTRICT w;
        if (ad > 1 || (clock >> 2) != cached) {
          cached = clock >> 2;
          refill_words(b, begin, n, cached, 1u + (uint32_t)d, words);
        }
        w = words + (size_t)(clock & 3u) * (size_t)n;
        if (box) {
          float lo = info->action_space.low, hi = info->action_space.high;
          for (e = 0; e < n; ++e)
            ((float*)act)[e * ad + d] = lo + (hi - lo) * myr_u01f(w[e]);
        } else {
          uint64_t na = (uint64_t)info->action_space.n;
          for (e = 0; e < n; ++e)
            ((int32_t*)act)[e] = (int32_t)(((uint64_t)w[e] * na) >> 32);
        }
      }
    }
    io.act_i = box || io.act_bits != NULL ? NULL : (const int32_t*)act;
    io.act_f = box ? (const float*)act : NULL;
    io.pending = b->pending + begin;
    b->cls->step(&b->v, begin, end, &io, myr__worker_stats(b, worker));
    if (j->policy.kind == MYR__POLICY_PID)
      myr__policy_after_step(b, &j->policy, begin, end, io.terminated,
                             io.truncated);
  }
}

static void rollout_range(void* ctx, int64_t begin, int64_t end, int32_t w) {
  rollout_job* j = (rollout_job*)ctx;
  int64_t blk = j->b->block_size;
  int64_t i;
  for (i = begin; i < end && !atomic_load(&j->cut); i += blk)
    run_block(j, i, i + blk < end ? i + blk : end, w);
}

int myr__cpu_rollout(myr_batch* b, const myr_rollout_def* def,
                     const myr__policy* policy, myr_rollout_stats* stats_out) {
  rollout_job j;
  myr__stats total;
  rec_buffers rec;
  unsigned char* rec_mem = NULL;
  int64_t chunk, done = 0;
  int32_t w, ad, od;
  double t0;
  int rc = MYR_OK;

  memset(&j, 0, sizeof j);
  j.stop = def->stop;
  atomic_init(&j.cut, 0);
  j.policy = *policy;
  if ((rc = myr__policy_begin(b, &j.policy)) != MYR_OK) return rc;
  chunk = def->chunk_size > 0     ? def->chunk_size
          : def->on_chunk != NULL ? MYR__CPU_DEFAULT_CHUNK
                                  : MYR__CPU_UNRECORDED_CHUNK;
  if (def->steps > 0 && chunk > def->steps && def->on_chunk == NULL)
    chunk = def->steps;
  od = b->info.obs_dim;
  ad = b->cls->info.action_space.kind == MYR_SPACE_BOX
           ? b->cls->info.action_space.n
           : 1;

  /* trajectory buffers: one chunk of rows, reused for every chunk */
  if (def->on_chunk != NULL) {
    int64_t rows = (chunk < def->steps ? chunk : def->steps);
    double per_row = (double)b->v.num_envs * (double)myr_batch_row_bytes(b);
    size_t so, sa, sr, sb;
    const char* bound;
    uint64_t room = myr__mem_room(&bound);
    if (rows < 1) rows = 1;
    if (per_row * (double)rows > (double)SIZE_MAX / 2 ||
        (room != 0 && per_row * (double)rows > (double)room))
      return myr__fail(MYR_ENOMEM,
                       "out of memory: a chunk of %lld steps x %lld envs needs "
                       "%.2f GiB, %.2f GiB left under %s", (long long)rows,
                       (long long)b->v.num_envs,
                       per_row * (double)rows / 1073741824.0,
                       (double)room / 1073741824.0, bound);
    so = ((size_t)rows * (size_t)b->v.num_envs * (size_t)od * 4 + 63) & ~(size_t)63;
    sa = ((size_t)rows * (size_t)b->v.num_envs * (size_t)ad * 4 + 63) & ~(size_t)63;
    sr = ((size_t)rows * (size_t)b->v.num_envs * 4 + 63) & ~(size_t)63;
    sb = ((size_t)rows * (size_t)b->v.num_envs + 63) & ~(size_t)63;
    rec_mem = (unsigned char*)myr__alloc_aligned(so + sa + sr + 2 * sb);
    if (rec_mem == NULL)
      return myr__fail(MYR_ENOMEM, "out of memory (trajectory chunk of %lld steps)",
                       (long long)rows);
    rec.obs = (float*)rec_mem;
    rec.action = rec_mem + so;
    rec.reward = (float*)(rec_mem + so + sa);
    rec.terminated = rec_mem + so + sa + sr;
    rec.truncated = rec_mem + so + sa + sr + sb;
    j.rec = &rec;
  }

  for (w = 0; w < b->threads; ++w)
    memset(myr__worker_stats(b, w), 0, sizeof(myr__stats));
  j.b = b;
  t0 = myr__now();
  if (myr__stop_requested(def->stop))
    rc = myr__fail(MYR_EINTR, "rollout interrupted before its first step");
  while (done < def->steps && rc == MYR_OK) {
    int64_t n = def->steps - done < chunk ? def->steps - done : chunk;
    j.clock0 = b->clock;
    j.steps = n;
    myr__pool_for(b->pool, b->v.num_envs, MYR__RANGE_ALIGN, rollout_range, &j);
    if (atomic_load(&j.cut)) {
      /* some envs took fewer of this chunk's steps than others */
      b->torn = 1;
      if (myr__destroy_requested(b))
        rc = myr__fail(MYR_EINTR, "batch destroyed during the rollout (inside "
                       "a chunk, after %lld whole steps)", (long long)done);
      else
        rc = myr__fail(MYR_EINTR, "rollout interrupted inside a chunk after %lld "
                       "whole steps; the envs are at different steps until the "
                       "batch is reset", (long long)done);
      break;
    }
    b->clock += (uint64_t)n;
    done += n;
    if (j.rec != NULL) {
      myr_traj_chunk c;
      c.step0 = j.clock0;
      c.steps = n;
      c.num_envs = b->v.num_envs;
      c.obs_dim = od;
      c.action_dim = ad;
      c.obs = rec.obs;
      c.action = rec.action;
      c.reward = rec.reward;
      c.terminated = rec.terminated;
      c.truncated = rec.truncated;
      if (def->on_chunk(&c, def->user) != 0) {
        rc = myr__fail(MYR_EINTR, "rollout stopped by the chunk callback");
        break;
      }
    }
    if (myr__stop_requested(def->stop)) {
      rc = myr__fail(MYR_EINTR, "rollout interrupted after %lld steps",
                     (long long)done);
      break;
    }
    if (myr__destroy_requested(b)) {
      rc = myr__fail(MYR_EINTR, "batch destroyed during the rollout (after "
                     "%lld steps)", (long long)done);
      break;
    }
  }
  myr__policy_end(b, &j.policy);
  memset(&total, 0, sizeof total);
  for (w = 0; w < b->threads; ++w)
    myr__stats_merge(&total, myr__worker_stats(b, w));
  b->cap_hits += total.cap_hits;
  b->bad_propensities += total.bad_propensities;
  if (stats_out != NULL) {
    stats_out->wall_seconds = myr__now() - t0;
    stats_out->steps = done * b->v.num_envs;
    myr__stats_publish(&total, stats_out);
    stats_out->chunk_size = chunk;
    stats_out->block_size = b->block_size;
  }
  myr__free_aligned(rec_mem);
  return rc;
}

