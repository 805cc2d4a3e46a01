/*
 * myr_batch_step_i64: int64 actions step exactly as myr_batch_step with the
 * same actions as int32 (outputs and state hash), across blocks that split
 * the workers' ranges; out-of-range values and NULL arguments are refused
 * with the batch unchanged.
 */
#include <stdint.h>

#include "check.h"
#include "myriad/myriad.h"

#define N 3001 /* not a multiple of the 64-env range alignment */
#define STEPS 60

static int contains(const char* s, const char* part) {
  return strstr(s, part) != NULL;
}

static float obs_a[N * 8], obs_b[N * 8], fin_a[N * 8], fin_b[N * 8];
static float rew_a[N], rew_b[N];
static uint8_t term_a[N], term_b[N], trunc_a[N], trunc_b[N];
static int32_t act32[N];
static int64_t act64[N];

static void same_as_step(const char* env, int32_t threads, int64_t block) {
  myr_batch_def def = myr_batch_def_default();
  myr_batch *a = NULL, *b = NULL;
  myr_step_out oa = {obs_a, rew_a, term_a, trunc_a, fin_a};
  myr_step_out ob = {obs_b, rew_b, term_b, trunc_b, fin_b};
  int32_t od, na;
  int64_t i, t;
  int equal = 1;
  def.seed = 7;
  def.threads = threads;
  CHECK(myr_batch_create(env, N, &def, &a) == MYR_OK);
  CHECK(myr_batch_create(env, N, &def, &b) == MYR_OK);
  if (a == NULL || b == NULL) return;
  CHECK(myr_batch_set_block_size(a, block) == MYR_OK);
  CHECK(myr_batch_set_block_size(b, block) == MYR_OK);
  od = myr_batch_env(a)->obs_dim;
  na = myr_batch_env(a)->action_space.n;
  CHECK(myr_batch_reset(a, NULL, obs_a) == MYR_OK);
  CHECK(myr_batch_reset(b, NULL, obs_b) == MYR_OK);
  memset(fin_a, 0, sizeof fin_a);
  memset(fin_b, 0, sizeof fin_b);
  for (t = 0; t < STEPS; ++t) {
    CHECK(myr_batch_random_actions(a, act32) == MYR_OK);
    for (i = 0; i < N; ++i) {
      /* vary by env too, so that a shifted or stale block would show */
      act32[i] = (int32_t)((act32[i] + i * 7 + t) % na);
      act64[i] = act32[i];
    }
    CHECK(myr_batch_step(a, act32, &oa) == MYR_OK);
    CHECK(myr_batch_step_i64(b, act64, &ob) == MYR_OK);
    if (memcmp(obs_a, obs_b, sizeof(float) * (size_t)(N * od)) != 0 ||
        memcmp(rew_a, rew_b, sizeof rew_a) != 0 ||
        memcmp(term_a, term_b, sizeof term_a) != 0 ||
        memcmp(trunc_a, trunc_b, sizeof trunc_a) != 0 ||
        memcmp(fin_a, fin_b, sizeof(float) * (size_t)(N * od)) != 0)
      equal = 0;
  }
  CHECK_MSG(equal, "%s threads %d block %lld: step_i64 outputs differ", env,
            (int)threads, (long long)block);
  CHECK_MSG(myr_batch_state_hash(a) == myr_batch_state_hash(b),
            "%s threads %d block %lld: state hashes differ", env, (int)threads,
            (long long)block);
  CHECK(myr_batch_clock(a) == myr_batch_clock(b));
  myr_batch_destroy(a);
  myr_batch_destroy(b);
}

static void refuses(void) {
  myr_batch_def def = myr_batch_def_default();
  myr_batch* b = NULL;
  myr_step_out out = {obs_a, rew_a, term_a, trunc_a, NULL};
  const int64_t bad[] = {-1, 2, (int64_t)1 << 40, INT64_MIN,
                         ((int64_t)1 << 32) + 1};
  const char* shown[] = {"-1", "2", "1099511627776", "-9223372036854775808",
                         "4294967297"};
  uint64_t h;
  size_t k;
  int64_t i;
  def.threads = 2;
  CHECK(myr_batch_create("cartpole-v1", N, &def, &b) == MYR_OK);
  if (b == NULL) return;
  CHECK(myr_batch_reset(b, NULL, obs_a) == MYR_OK);
  for (i = 0; i < N; ++i) act64[i] = i & 1;
  CHECK(myr_batch_step_i64(b, act64, &out) == MYR_OK);
  h = myr_batch_state_hash(b);
  for (k = 0; k < sizeof bad / sizeof bad[0]; ++k) {
    act64[N - 5] = bad[k]; /* late: envs before it must not have moved */
    CHECK(myr_batch_step_i64(b, act64, &out) == MYR_EINVAL);
    CHECK_MSG(contains(myr_last_error(), shown[k]) &&
                  contains(myr_last_error(), "env 2996") &&
                  contains(myr_last_error(), "{0..1}"),
              "message: %s", myr_last_error());
    CHECK(myr_batch_state_hash(b) == h);
    CHECK(myr_batch_clock(b) == 1);
  }
  act64[N - 5] = 1;
  CHECK(myr_batch_step_i64(NULL, act64, &out) == MYR_EINVAL);
  CHECK(contains(myr_last_error(), "batch is NULL"));
  CHECK(myr_batch_step_i64(b, NULL, &out) == MYR_EINVAL);
  CHECK(contains(myr_last_error(), "actions is NULL"));
  CHECK(myr_batch_step_i64(b, act64, NULL) == MYR_EINVAL);
  out.obs = NULL;
  CHECK(myr_batch_step_i64(b, act64, &out) == MYR_EINVAL);
  out.obs = obs_a;
  CHECK(myr_batch_state_hash(b) == h);
  /* still usable */
  CHECK(myr_batch_step_i64(b, act64, &out) == MYR_OK);
  CHECK(myr_batch_clock(b) == 2);
  myr_batch_destroy(b);
  /* a box env: the discrete entry points are refused */
  CHECK(myr_batch_create("pendulum-v1", 4, &def, &b) == MYR_OK);
  if (b != NULL) {
    CHECK(myr_batch_reset(b, NULL, obs_a) == MYR_OK);
    CHECK(myr_batch_step_i64(b, act64, &out) == MYR_EINVAL);
    CHECK(contains(myr_last_error(), "myr_batch_step_box"));
    myr_batch_destroy(b);
  }
}

int main(void) {
  same_as_step("cartpole-v1", 1, 0);
  same_as_step("cartpole-v1", 2, 100); /* blocks split each range */
  same_as_step("acrobot-v1", 2, 1);
  same_as_step("mountaincar-v0", 1, 333);
  refuses();
  return check_summary("test_step_i64");
}
