/*
 * random_policy.h -- the random policy's draws, shared by the CPU rollouts
 * (src/backends/cpu/rollout.c, src/engine/policy.c) and the CUDA kernels:
 * every action is a pure function of (seed, global env index, clock).
 */
#ifndef MYR_CORE_RANDOM_POLICY_H
#define MYR_CORE_RANDOM_POLICY_H

#include "philox.h"

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

#endif /* MYR_CORE_RANDOM_POLICY_H */
