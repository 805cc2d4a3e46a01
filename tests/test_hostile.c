/*
 * Hostile numbers: parameters at the edges of their ranges give correct
 * results or clear errors, never NaN states propagating or endless loops.
 */
#include "check.h"
#include "myriad/myriad.h"

static int all_finite(myr_batch* b, int64_t n) {
  const myr_env_info* e = myr_batch_env(b);
  double* v = (double*)malloc(sizeof(double) * (size_t)n);
  int32_t f;
  int64_t i;
  int ok = 1;
  for (f = 0; f < e->num_fields; ++f) {
    myr_batch_get_state(b, e->fields[f].name, v);
    for (i = 0; i < n; ++i) ok &= isfinite(v[i]) != 0;
  }
  free(v);
  return ok;
}

static void edge_run(const char* env, const char* const* settings, int count,
                     int64_t steps, int expect_ok) {
  myr_param_setting ps[8];
  char names[8][64];
  myr_batch_def def = myr_batch_def_default();
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  myr_batch* b = NULL;
  int i, rc;
  for (i = 0; i < count; ++i)
    CHECK_OK(myr_param_parse(settings[i], &ps[i], names[i], sizeof names[i]));
  def.params = ps;
  def.num_params = count;
  def.threads = 2;
  rc = myr_batch_create(env, 512, &def, &b);
  if (!expect_ok) {
    CHECK_MSG(rc != MYR_OK && strlen(myr_last_error()) > 0, "%s: %s accepted",
              env, settings[0]);
    return;
  }
  CHECK_MSG(rc == MYR_OK, "%s: %s", settings[0], myr_last_error());
  if (b == NULL) return;
  rd.steps = steps;
  CHECK_OK(myr_batch_rollout(b, &rd, &st));
  CHECK_MSG(all_finite(b, 512), "%s with %s: non-finite state", env, settings[0]);
  CHECK(st.mean_length >= 0.0 && isfinite(st.mean_return));
  myr_batch_destroy(b);
}

int main(void) {
  /* huge forces and tiny masses: the state blows up within a step, the
   * episode terminates (non-finite counts as out of bounds) and resets */
  static const char* huge[] = {"force_mag=1e6", "masscart=1e-6", "masspole=1e-6",
                               "length=1e-6", "gravity=1000"};
  static const char* tiny_dt[] = {"tau=1e-6"};
  static const char* wide[] = {"x_threshold=1e6", "theta_threshold_deg=360",
                               "max_steps=2147483647", "reset_bound=10"};
  static const char* beyond[] = {"force_mag=1e7"};
  static const char* negative[] = {"masspole=-1"};
  static const char* zero_len[] = {"length=0"};
  edge_run("cartpole", huge, 5, 200, 1);
  edge_run("cartpole", tiny_dt, 1, 600, 1);
  edge_run("cartpole", wide, 4, 300, 1);
  edge_run("cartpole", beyond, 1, 1, 0);
  edge_run("cartpole", negative, 1, 1, 0);
  edge_run("cartpole", zero_len, 1, 1, 0);
  /* tiny dt: nothing falls in 600 steps, so every episode is truncated */
  {
    myr_param_setting ps;
    char name[64];
    myr_batch_def def = myr_batch_def_default();
    myr_rollout_def rd = myr_rollout_def_default();
    myr_rollout_stats st;
    myr_batch* b = NULL;
    CHECK_OK(myr_param_parse("tau=1e-6", &ps, name, sizeof name));
    def.params = &ps;
    def.num_params = 1;
    CHECK_OK(myr_batch_create("cartpole", 100, &def, &b));
    rd.steps = 600;
    CHECK_OK(myr_batch_rollout(b, &rd, &st));
    CHECK(st.episodes == 100 && st.mean_length == 500.0);
    myr_batch_destroy(b);
  }
  /* non-finite state written by the caller terminates on the next step */
  {
    myr_batch* b = NULL;
    double th[4] = {0, 0, 0, 0};
    float obs[16], rew[4];
    uint8_t te[4], tr[4];
    int32_t a[4] = {0, 1, 0, 1};
    myr_step_out out = {obs, rew, te, tr, NULL};
    CHECK_OK(myr_batch_create("cartpole", 4, NULL, &b));
    th[1] = 1e30;
    CHECK_OK(myr_batch_set_state(b, "theta_dot", th));
    CHECK_OK(myr_batch_step(b, a, &out));
    CHECK(te[1] == 1 && te[0] == 0);
    CHECK(all_finite(b, 4));
    myr_batch_destroy(b);
  }
  return check_summary("test_hostile");
}
