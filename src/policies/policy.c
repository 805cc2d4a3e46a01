/*
 * policy.c -- built-in policies of fused rollouts: parsing and actions.
 *
 * The random policy is a pure function of (seed, global env index, clock):
 *  - two discrete actions: one bit per step, 128 steps per Philox call
 *    (bit clock%32 of word (clock/32)%4 of draw clock/128);
 *  - otherwise one 32-bit word per step and action dimension, 4 steps per
 *    call (word clock%4 of draw clock/4, sub-stream 1 + dimension);
 *    discrete: floor(word * n / 2^32); box: low + (high - low) * u01(word).
 * myr_batch_random_actions() and the fused rollout use the same formulas,
 * so driving the step API with it reproduces a fused random rollout.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/internal.h"
#include "policy.h"

int myr__policy_parse(const myr_env_info* env, const char* spec,
                      myr__policy* out) {
  myr__policy p;
  memset(&p, 0, sizeof p);
  if (env == NULL || spec == NULL || out == NULL)
    return myr__fail(MYR_EINVAL, "policy spec is NULL");
  if (strcmp(spec, "random") == 0) {
    p.kind = MYR__POLICY_RANDOM;
  } else if (strncmp(spec, "constant:", 9) == 0) {
    const char* v = spec + 9;
    char* end = NULL;
    double a;
    errno = 0;
    a = strtod(v, &end);
    if (end == v || *end != '\0' || errno == ERANGE || !isfinite(a))
      return myr__fail(MYR_EINVAL, "bad constant action in policy '%s'", spec);
    p.kind = MYR__POLICY_CONSTANT;
    if (env->action_space.kind == MYR_SPACE_DISCRETE) {
      if (a != floor(a) || a < 0 || a >= env->action_space.n)
        return myr__fail(MYR_EINVAL,
                         "constant action %s is outside the action space "
                         "{0..%d} of '%s'", v, (int)env->action_space.n - 1,
                         env->id);
      p.action = (int32_t)a;
    } else {
      if (a < (double)env->action_space.low || a > (double)env->action_space.high)
        return myr__fail(MYR_EINVAL,
                         "constant action %s is outside [%g, %g] of '%s'", v,
                         (double)env->action_space.low,
                         (double)env->action_space.high, env->id);
      p.value = (float)a;
    }
  } else {
    return myr__fail(MYR_EINVAL,
                     "unknown policy '%s' (random, constant:<a>)", spec);
  }
  *out = p;
  return MYR_OK;
}

int myr_policy_check(const myr_env_info* env, const char* spec) {
  myr__policy p;
  return myr__policy_parse(env, spec, &p);
}

int myr_batch_random_actions(const myr_batch* b, void* actions) {
  const myr_space* sp;
  int64_t i;
  if (b == NULL || actions == NULL)
    return myr__fail(MYR_EINVAL, "batch or actions is NULL");
  sp = &b->cls->info.action_space;
  for (i = 0; i < b->num_envs; ++i) {
    uint32_t env = (uint32_t)(b->env_offset + i);
    if (sp->kind == MYR_SPACE_DISCRETE) {
      ((int32_t*)actions)[i] =
          myr__random_discrete(b->seed, env, b->clock, sp->n);
    } else {
      int32_t d;
      for (d = 0; d < sp->n; ++d)
        ((float*)actions)[i * sp->n + d] =
            myr__random_box(b->seed, env, b->clock, d, sp->low, sp->high);
    }
  }
  return MYR_OK;
}
