/*
 * policy.h -- the random policy's draws (see policy.c for the layout).
 */
#ifndef MYR_POLICIES_POLICY_H
#define MYR_POLICIES_POLICY_H

#include "../core/philox.h"

MYR_HD int32_t myr__random_discrete(uint64_t seed, uint32_t env,
                                    uint64_t clock, int32_t n) {
  if (n == 2) {
    myr_philox_out r = myr_draw(seed, env, clock >> 7, MYR_STREAM_ACTION, 0);
    return (int32_t)((r.v[(clock >> 5) & 3u] >> (clock & 31u)) & 1u);
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

#endif /* MYR_POLICIES_POLICY_H */
