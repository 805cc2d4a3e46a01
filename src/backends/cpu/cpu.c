/*
 * cpu.c -- the CPU backend's reset and step: the pool splits the batch into
 * contiguous ranges aligned to MYR__RANGE_ALIGN envs and each worker runs
 * the env class's step on its range with its own statistics slot.  int64
 * actions (myr_batch_step_i64, already checked) are narrowed to int32 a
 * block at a time into the worker's scratch, just before the block steps.
 */
#include <string.h>

#include "cpu.h"

typedef struct step_job {
  myr_batch* b;
  const int32_t* act_i;
  const int64_t* act_l;
  const float* act_f;
  const myr_step_out* out;
} step_job;

static void step_envs(step_job* j, int64_t begin, int64_t end, int32_t w,
                      const int32_t* act_i) {
  myr_batch* b = j->b;
  int32_t od = b->info.obs_dim;
  int32_t ad = b->info.action_space.kind == MYR_SPACE_BOX
                   ? b->info.action_space.n
                   : 1;
  myr__io io;
  io.clock = b->clock;
  io.act_i = act_i;
  io.act_bits = NULL;
  io.act_shift = 0;
  io.act_f = j->act_f ? j->act_f + begin * ad : NULL;
  io.obs = j->out->obs + begin * od;
  io.reward = j->out->reward + begin;
  io.terminated = j->out->terminated + begin;
  io.truncated = j->out->truncated + begin;
  io.final_obs = j->out->final_obs ? j->out->final_obs + begin * od : NULL;
  io.pending = b->pending + begin;
  b->cls->step(&b->v, begin, end, &io, myr__worker_stats(b, w));
}

static void step_range(void* ctx, int64_t begin, int64_t end, int32_t w) {
  step_job* j = (step_job*)ctx;
  myr_batch* b = j->b;
  int64_t lo, hi, e;
  int32_t* act;
  if (j->act_l == NULL) {
    step_envs(j, begin, end, w, j->act_i ? j->act_i + begin : NULL);
    return;
  }
  /* the actions slot of the scratch (layout: batch.c, scratch_stride):
   * block_size int32 after the 4 x block_size random words */
  act = (int32_t*)(myr__scratch(b, w) + (size_t)b->block_size * 16);
  for (lo = begin; lo < end; lo = hi) {
    hi = end - lo < b->block_size ? end : lo + b->block_size;
    for (e = lo; e < hi; ++e) act[e - lo] = (int32_t)j->act_l[e];
    step_envs(j, lo, hi, w, act);
  }
}

static int cpu_step(myr_batch* b, const int32_t* act_i, const int64_t* act_l,
                    const float* act_f, const myr_step_out* out) {
  step_job j;
  int32_t w;
  for (w = 0; w < b->threads; ++w)
    memset(myr__worker_stats(b, w), 0, sizeof(myr__stats));
  j.b = b;
  j.act_i = act_i;
  j.act_l = act_l;
  j.act_f = act_f;
  j.out = out;
  myr__pool_for(b->pool, b->v.num_envs, MYR__RANGE_ALIGN, step_range, &j);
  for (w = 0; w < b->threads; ++w) {
    b->cap_hits += myr__worker_stats(b, w)->cap_hits;
    b->bad_propensities += myr__worker_stats(b, w)->bad_propensities;
  }
  return MYR_OK;
}

static int cpu_reset(myr_batch* b, const uint8_t* mask, float* obs) {
  myr__host_reset(b, mask, obs);
  return MYR_OK;
}

const myr__backend myr__cpu_backend = {
    MYR_BACKEND_CPU,
    "cpu",
    NULL, /* check: the CPU runs every env and precision */
    NULL, /* create: the host state is the state */
    NULL,
    cpu_reset,
    cpu_step,
    myr__cpu_rollout,
    NULL, /* sync_host, sync_device: nothing elsewhere */
    NULL,
    NULL, /* device_bytes */
    MYR__CPU_DEFAULT_CHUNK,
};
