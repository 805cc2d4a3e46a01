/*
 * rollout.c -- fused rollouts: the checks of a rollout call and its policy;
 * the backend runs it (the CPU's: src/backends/cpu/rollout.c).
 */
#include <string.h>

#include "policy.h"
#include "backend.h"

myr_rollout_def myr_rollout_def_default(void) {
  myr_rollout_def d;
  memset(&d, 0, sizeof d);
  d.steps = 1;
  d.policy = "random";
  d.chunk_size = 0;
  return d;
}

static int batch_rollout(myr_batch* b, const myr_rollout_def* def,
                         myr_rollout_stats* stats_out) {
  myr__policy policy;
  int64_t hits0, bad0;
  int rc;
  if (b == NULL || def == NULL)
    return myr__fail(MYR_EINVAL, "batch or rollout definition is NULL");
  if (def->steps < 0)
    return myr__fail(MYR_EINVAL, "steps must be >= 0 (got %lld)",
                     (long long)def->steps);
  if (def->chunk_size < 0 || def->chunk_size > MYR__CHUNK_MAX)
    return myr__fail(MYR_EINVAL, "chunk size must be in [0, %d]",
                     MYR__CHUNK_MAX);
  if (b->v.autoreset == MYR_AUTORESET_DISABLED)
    return myr__fail(MYR_EINVAL,
                     "fused rollouts need autoreset same_step or next_step");
  if ((rc = myr__check_whole(b)) != MYR_OK) return rc;
  rc = myr__policy_parse(&b->cls->info, def->policy ? def->policy : "random",
                         &policy);
  if (rc != MYR_OK) return rc;
  hits0 = b->cap_hits;
  bad0 = b->bad_propensities;
  rc = b->be->rollout(b, def, &policy, stats_out);
  if (b->cap_hits > hits0)
    myr__log(1, "%s: the reaction cap was hit %lld times in this rollout",
             b->cls->info.id, (long long)(b->cap_hits - hits0));
  myr__log_bad_propensities(b, bad0, "rollout");
  return rc;
}

int64_t myr_batch_default_chunk(const myr_batch* b) {
  return b == NULL ? 0 : b->be->default_chunk;
}

size_t myr_batch_row_bytes(const myr_batch* b) {
  int32_t ad;
  if (b == NULL) return 0;
  ad = b->info.action_space.kind == MYR_SPACE_BOX ? b->info.action_space.n : 1;
  return (size_t)b->info.obs_dim * 4 + (size_t)ad * 4 + 4 + 2;
}

int myr_batch_rollout(myr_batch* b, const myr_rollout_def* def,
                      myr_rollout_stats* stats_out) {
  MYR__GUARDED(b, batch_rollout(b, def, stats_out));
}
