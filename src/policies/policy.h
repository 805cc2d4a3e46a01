/*
 * policy.h -- built-in policies of fused rollouts: the random policy's draws
 * (see policy.c for the layout) and the closed-loop policies (bangbang,
 * pid, periodic) that read one state field of each env.
 */
#ifndef MYR_POLICIES_POLICY_H
#define MYR_POLICIES_POLICY_H

#include "../core/philox.h"
#include "../engine/internal.h"

/* two actions: the draw for the 128-step window clock >> 7 (callers may
 * cache it while the window lasts) and the action bit of one step in it */
MYR_HD myr_philox_out myr__random_bit_words(uint64_t seed, uint32_t env,
                                            uint64_t clock) {
  return myr_draw(seed, env, clock >> 7, MYR_STREAM_ACTION, 0);
}

MYR_HD int32_t myr__random_bit(const myr_philox_out* words, uint64_t clock) {
  return (int32_t)((words->v[(clock >> 5) & 3u] >> (clock & 31u)) & 1u);
}

MYR_HD int32_t myr__random_discrete(uint64_t seed, uint32_t env,
                                    uint64_t clock, int32_t n) {
  if (n == 2) {
    myr_philox_out r = myr__random_bit_words(seed, env, clock);
    return myr__random_bit(&r, clock);
  } else {
    myr_philox_out r = myr_draw(seed, env, clock >> 2, MYR_STREAM_ACTION, 1);
    return (int32_t)(((uint64_t)r.v[clock & 3u] * (uint64_t)n) >> 32);
  }
}

MYR_HD float myr__random_box(uint64_t seed, uint32_t env, uint64_t clock,
                             int32_t dim, float low, float high) {
  myr_philox_out r =
      myr_draw(seed, env, clock >> 2, MYR_STREAM_ACTION, 1u + (uint32_t)dim);
  return low + (high - low) * myr_u01f(r.v[clock & 3u]);
}

/* Before a fused rollout with policy p: make sure the batch holds the
 * per-env memory p needs (pid: integral and previous error, allocated on
 * first use).  The memory carries over from the previous rollout if that
 * one used the same policy and ended at the current clock, seed and
 * epoch; otherwise it starts from zero.  Returns MYR_OK or MYR_ENOMEM. */
int myr__policy_begin(myr_batch* b, const myr__policy* p);

/* After a fused rollout: remember where it ended (see myr__policy_begin). */
void myr__policy_end(myr_batch* b, const myr__policy* p);

/* Actions of a closed-loop policy (bangbang, pid, periodic) for envs
 * [begin, end) before the step at `clock`.  field: scratch of end - begin
 * doubles; act: int32 (discrete) or float32 x dim (box), indexed from
 * begin.  pid updates the per-env memory of these envs. */
void myr__policy_act(myr_batch* b, const myr__policy* p, int64_t begin,
                     int64_t end, uint64_t clock, double* field, void* act);

/* After a step: pid forgets the memory of envs whose episode ended. */
void myr__policy_after_step(myr_batch* b, const myr__policy* p, int64_t begin,
                            int64_t end, const uint8_t* terminated,
                            const uint8_t* truncated);

#endif /* MYR_POLICIES_POLICY_H */
