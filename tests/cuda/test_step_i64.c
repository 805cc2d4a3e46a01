/*
 * test_step_i64.c -- myr_batch_step_i64 on the CUDA backend (exit 77,
 * "skipped", where no CUDA device is present): int64 actions, narrowed on
 * the host 4096 at a time, step exactly as the same actions as int32
 * through myr_batch_step (outputs and state hash, same kernels); an
 * out-of-range action is refused with the state unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "myriad/myriad.h"

#define N 10007 /* more than two host chunks of 4096, a partial last one */
#define STEPS 50
#define SKIP 77

static float obs_a[N * 4], obs_b[N * 4], fin_a[N * 4], fin_b[N * 4];
static float rew_a[N], rew_b[N];
static uint8_t term_a[N], term_b[N], trunc_a[N], trunc_b[N];
static int32_t act32[N];
static int64_t act64[N];

static int make(myr_batch** b) {
  myr_batch_def def = myr_batch_def_default();
  def.seed = 3;
  def.threads = 2;
  def.backend = MYR_BACKEND_CUDA;
  return myr_batch_create("cartpole", N, &def, b);
}

int main(void) {
  myr_batch *a = NULL, *b = NULL;
  myr_step_out oa = {obs_a, rew_a, term_a, trunc_a, fin_a};
  myr_step_out ob = {obs_b, rew_b, term_b, trunc_b, fin_b};
  int64_t i, t;
  int equal = 1;
  uint64_t h;
  int rc = make(&a);
  if (rc == MYR_ENODEV) {
    printf("test_step_i64 (cuda): skipped: %s\n", myr_last_error());
    return SKIP;
  }
  CHECK(rc == MYR_OK);
  CHECK(make(&b) == MYR_OK);
  if (a == NULL || b == NULL) return check_summary("test_step_i64 (cuda)");
  CHECK(myr_batch_reset(a, NULL, obs_a) == MYR_OK);
  CHECK(myr_batch_reset(b, NULL, obs_b) == MYR_OK);
  memset(fin_a, 0, sizeof fin_a);
  memset(fin_b, 0, sizeof fin_b);
  for (t = 0; t < STEPS; ++t) {
    CHECK(myr_batch_random_actions(a, act32) == MYR_OK);
    for (i = 0; i < N; ++i) {
      act32[i] = (int32_t)((act32[i] + i + t) & 1);
      act64[i] = act32[i];
    }
    CHECK(myr_batch_step(a, act32, &oa) == MYR_OK);
    CHECK(myr_batch_step_i64(b, act64, &ob) == MYR_OK);
    if (memcmp(obs_a, obs_b, sizeof obs_a) != 0 ||
        memcmp(rew_a, rew_b, sizeof rew_a) != 0 ||
        memcmp(term_a, term_b, sizeof term_a) != 0 ||
        memcmp(trunc_a, trunc_b, sizeof trunc_a) != 0 ||
        memcmp(fin_a, fin_b, sizeof fin_a) != 0)
      equal = 0;
  }
  CHECK_MSG(equal, "step_i64 outputs differ from myr_batch_step's");
  h = myr_batch_state_hash(b);
  CHECK(myr_batch_state_hash(a) == h);
  act64[N - 1] = (int64_t)1 << 40;
  CHECK(myr_batch_step_i64(b, act64, &ob) == MYR_EINVAL);
  CHECK_MSG(strstr(myr_last_error(), "1099511627776") != NULL,
            "message: %s", myr_last_error());
  CHECK(myr_batch_state_hash(b) == h);
  CHECK(myr_batch_clock(b) == STEPS);
  myr_batch_destroy(a);
  myr_batch_destroy(b);
  return check_summary("test_step_i64 (cuda)");
}
