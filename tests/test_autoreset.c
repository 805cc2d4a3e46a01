/*
 * The contract of each autoreset mode on the ending step and the step
 * after it: observations, rewards, flags, final_obs, and the state.
 */
#include "check.h"
#include "myriad/myriad.h"

static const char* names[5] = {"x", "x_dot", "theta", "theta_dot", "t"};

static myr_batch* make(myr_autoreset mode, int64_t n) {
  myr_batch_def def = myr_batch_def_default();
  myr_batch* b = NULL;
  def.seed = 3;
  def.threads = 1;
  def.autoreset = mode;
  CHECK_OK(myr_batch_create("cartpole", n, &def, &b));
  return b;
}

/* env 0 about to fall (terminates on the next step), env 1 near upright
 * at step 499 (truncates on the next step), env 2 ordinary */
static void set_up(myr_batch* b) {
  double x[3] = {0, 0, 0}, xd[3] = {0, 0, 0}, th[3] = {0.2, 0.0, 0.01},
         thd[3] = {2.0, 0.0, 0.0}, t[3] = {10, 499, 3};
  CHECK_OK(myr_batch_set_state(b, "x", x));
  CHECK_OK(myr_batch_set_state(b, "x_dot", xd));
  CHECK_OK(myr_batch_set_state(b, "theta", th));
  CHECK_OK(myr_batch_set_state(b, "theta_dot", thd));
  CHECK_OK(myr_batch_set_state(b, "t", t));
}

static void state_of(myr_batch* b, int64_t i, double out[5]) {
  double v[3];
  int k;
  for (k = 0; k < 5; ++k) {
    myr_batch_get_state(b, names[k], v);
    out[k] = v[i];
  }
}

int main(void) {
  int32_t act[3] = {1, 1, 0};
  float obs[12], fin[12], rew[3];
  uint8_t te[3], tr[3];
  myr_step_out out = {obs, rew, te, tr, fin};
  double terminal0[5], terminal1[5], s[5];
  int k;

  /* reference: the terminal states, from a batch that never resets */
  {
    myr_batch* d = make(MYR_AUTORESET_DISABLED, 3);
    set_up(d);
    CHECK(myr_batch_autoreset(d) == MYR_AUTORESET_DISABLED);
    CHECK_OK(myr_batch_step(d, act, &out));
    CHECK(te[0] == 1 && tr[0] == 0 && rew[0] == 1.0f);
    CHECK(te[1] == 0 && tr[1] == 1 && rew[1] == 1.0f);
    CHECK(te[2] == 0 && tr[2] == 0);
    state_of(d, 0, terminal0);
    state_of(d, 1, terminal1);
    CHECK(terminal0[4] == 11 && terminal1[4] == 500);
    /* disabled: the ended env stays; stepping past the end gives reward 0 */
    CHECK((double)obs[2] == (double)(float)terminal0[2]);
    CHECK_OK(myr_batch_step(d, act, &out));
    CHECK(rew[0] == 0.0f && te[0] == 1);
    CHECK(rew[1] == 0.0f && tr[1] == 1);
    CHECK(rew[2] == 1.0f);
    /* reset by mask: only env 0 */
    {
      uint8_t mask[3] = {1, 0, 0};
      double before2[5], after2[5];
      state_of(d, 2, before2);
      CHECK_OK(myr_batch_reset_mask(d, mask, obs));
      state_of(d, 0, s);
      state_of(d, 2, after2);
      CHECK(s[4] == 0 && fabs(s[2]) <= 0.05);
      CHECK(memcmp(before2, after2, sizeof before2) == 0);
      CHECK((double)obs[2] == s[2]);
      CHECK_OK(myr_batch_step(d, act, &out));
      CHECK(rew[0] == 1.0f && te[0] == 0);
    }
    myr_batch_destroy(d);
  }

  /* same_step: reset inside the step; obs is the new episode's first;
   * final_obs holds the true terminal state */
  {
    myr_batch* b = make(MYR_AUTORESET_SAME_STEP, 3);
    set_up(b);
    for (k = 0; k < 12; ++k) fin[k] = -99.0f;
    CHECK_OK(myr_batch_step(b, act, &out));
    CHECK(te[0] == 1 && tr[0] == 0 && rew[0] == 1.0f);
    CHECK(te[1] == 0 && tr[1] == 1 && rew[1] == 1.0f);
    for (k = 0; k < 4; ++k) {
      CHECK((double)fin[k] == (double)(float)terminal0[k]);
      CHECK((double)fin[4 + k] == (double)(float)terminal1[k]);
    }
    CHECK(fin[8] == -99.0f); /* untouched for envs that did not end */
    state_of(b, 0, s);
    CHECK(s[4] == 0);
    for (k = 0; k < 4; ++k) CHECK((double)obs[k] == s[k] && fabs(s[k]) <= 0.05);
    /* the next step is an ordinary first step of the new episode */
    CHECK_OK(myr_batch_step(b, act, &out));
    CHECK(te[0] == 0 && rew[0] == 1.0f);
    state_of(b, 0, s);
    CHECK(s[4] == 1);
    myr_batch_destroy(b);
  }

  /* next_step: the ending step returns the terminal obs; the step after
   * resets, ignores its action, and returns reward 0 with no flags */
  {
    myr_batch* b = make(MYR_AUTORESET_NEXT_STEP, 3);
    myr_batch* c = make(MYR_AUTORESET_NEXT_STEP, 3);
    int32_t other[3] = {0, 0, 0};
    float obs_c[12];
    myr_step_out out_c = {obs_c, rew, te, tr, NULL};
    set_up(b);
    set_up(c);
    CHECK_OK(myr_batch_step(b, act, &out));
    CHECK_OK(myr_batch_step(c, act, &out_c));
    CHECK(te[0] == 1 && tr[1] == 1 && rew[0] == 1.0f);
    for (k = 0; k < 4; ++k) CHECK((double)obs[k] == (double)(float)terminal0[k]);
    state_of(b, 0, s);
    CHECK(s[4] == 11); /* not reset yet */
    CHECK_OK(myr_batch_step(b, act, &out));
    CHECK(te[0] == 0 && tr[0] == 0 && rew[0] == 0.0f);
    CHECK(te[1] == 0 && tr[1] == 0 && rew[1] == 0.0f);
    state_of(b, 0, s);
    CHECK(s[4] == 0 && fabs(s[2]) <= 0.05);
    for (k = 0; k < 4; ++k) CHECK((double)obs[k] == s[k]);
    /* the action of the reset step is ignored */
    CHECK_OK(myr_batch_step(c, other, &out_c));
    CHECK(memcmp(obs, obs_c, 8 * sizeof(float)) == 0);
    myr_batch_destroy(b);
    myr_batch_destroy(c);
  }
  return check_summary("test_autoreset");
}
