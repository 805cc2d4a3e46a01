/*
 * The autoreset contract on every environment (test_autoreset.c checks
 * CartPole in detail): with max_steps 7 every episode ends within 7 steps;
 *  - same_step: the env's step counter is 0 right after the ending step;
 *  - next_step: the step after an end returns reward 0 and no flags, and
 *    the counter is 0 after it;
 *  - disabled: an ended env stays ended (flags stay set, reward 0) until
 *    myr_batch_reset_mask(), which restarts exactly the masked envs.
 */
#include "check.h"
#include "myriad/myriad.h"

enum { N = 64, T = 30 };

static void check_env(const myr_env_info* info, myr_autoreset mode) {
  myr_batch_def def = myr_batch_def_default();
  myr_param_setting s = {"max_steps", MYR_DIST_FIXED, 7, 0};
  myr_batch* b = NULL;
  float* obs;
  float* fin;
  float rew[N];
  uint8_t te[N], tr[N], ended[N], mask[N];
  double t[N];
  void* act;
  int box = info->action_space.kind == MYR_SPACE_BOX;
  int step, i, od, bad = 0;
  int64_t ends = 0;
  def.autoreset = mode;
  def.threads = 2;
  def.seed = 9;
  def.params = &s;
  def.num_params = 1;
  CHECK_OK(myr_batch_create(info->id, N, &def, &b));
  if (b == NULL) return;
  od = myr_batch_env(b)->obs_dim;
  obs = (float*)malloc(sizeof(float) * (size_t)(N * od));
  fin = (float*)malloc(sizeof(float) * (size_t)(N * od));
  act = malloc(sizeof(float) * (size_t)(N * (box ? info->action_space.n : 1)));
  memset(ended, 0, sizeof ended);
  for (step = 0; step < T; ++step) {
    myr_step_out out = {obs, rew, te, tr, fin};
    int rc;
    CHECK_OK(myr_batch_random_actions(b, act));
    rc = box ? myr_batch_step_box(b, (const float*)act, &out)
             : myr_batch_step(b, (const int32_t*)act, &out);
    CHECK_MSG(rc == MYR_OK, "%s: %s", info->id, myr_last_error());
    CHECK_OK(myr_batch_get_state(b, "t", t));
    for (i = 0; i < N; ++i) {
      int end = te[i] | tr[i];
      if (mode == MYR_AUTORESET_SAME_STEP) {
        bad += end ? t[i] != 0.0 : t[i] == 0.0;
      } else if (mode == MYR_AUTORESET_NEXT_STEP) {
        if (ended[i]) bad += rew[i] != 0.0f || end || t[i] != 0.0;
        else bad += t[i] == 0.0 || t[i] > 7.0;
      } else {
        if (ended[i]) bad += !end || rew[i] != 0.0f;
      }
      bad += t[i] > 7.0 && mode != MYR_AUTORESET_DISABLED;
      ends += end && !(mode == MYR_AUTORESET_DISABLED && ended[i]);
      ended[i] = (uint8_t)(mode == MYR_AUTORESET_DISABLED ? (ended[i] | end)
                                                          : end);
    }
  }
  CHECK_MSG(bad == 0, "%s mode %s: %d rows break the contract", info->id,
            myr_autoreset_name(mode), bad);
  CHECK_MSG(ends >= N, "%s mode %s: only %lld episodes ended", info->id,
            myr_autoreset_name(mode), (long long)ends);
  if (mode == MYR_AUTORESET_DISABLED) {
    /* every env ended; restart the even ones only */
    for (i = 0; i < N; ++i) mask[i] = (uint8_t)(i % 2 == 0);
    CHECK_OK(myr_batch_reset_mask(b, mask, obs));
    CHECK_OK(myr_batch_get_state(b, "t", t));
    for (i = 0; i < N; ++i) bad += (i % 2 == 0) ? t[i] != 0.0 : t[i] == 0.0;
    CHECK_MSG(bad == 0, "%s: reset_mask restarted the wrong envs", info->id);
  }
  free(obs);
  free(fin);
  free(act);
  myr_batch_destroy(b);
}

int main(void) {
  int32_t e;
  for (e = 0; e < myr_env_count(); ++e) {
    check_env(myr_env_at(e), MYR_AUTORESET_SAME_STEP);
    check_env(myr_env_at(e), MYR_AUTORESET_NEXT_STEP);
    check_env(myr_env_at(e), MYR_AUTORESET_DISABLED);
  }
  return check_summary("test_autoreset_all");
}
