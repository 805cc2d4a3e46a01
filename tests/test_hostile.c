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

/* a batch of env with parameter settings (NULL-terminated) */
static myr_batch* make_with(const char* env, int64_t n, const char* const* settings,
                            myr_autoreset mode) {
  myr_param_setting ps[8];
  char names[8][64];
  myr_batch_def def = myr_batch_def_default();
  myr_batch* b = NULL;
  int k = 0;
  for (; settings != NULL && settings[k] != NULL; ++k)
    CHECK_OK(myr_param_parse(settings[k], &ps[k], names[k], sizeof names[k]));
  def.params = ps;
  def.num_params = k;
  def.threads = 1;
  def.autoreset = mode;
  CHECK_OK(myr_batch_create(env, n, &def, &b));
  return b;
}

/* counts never pass MYR_COUNT_MAX: set_state refuses more, and a step that
 * would produce past it ends there (a cap hit) and truncates the episode;
 * no int32 wrap, no negative table index (once a SIGSEGV) */
static void count_bound(const char* env, const char* field,
                        const char* const* settings) {
  myr_batch* b = make_with(env, 3, settings, MYR_AUTORESET_DISABLED);
  double v[3], back[3];
  float obs[3 * 8], rew[3], act_f[3] = {1.0f, 1.0f, 1.0f};
  int32_t act_i[3] = {1, 1, 1};
  uint8_t te[3], tr[3];
  myr_step_out out = {obs, rew, te, tr, NULL};
  int64_t hits0;
  int i, s;
  /* 2^31 - 2 is a valid int32 but past the bound */
  v[0] = v[1] = v[2] = 2147483646.0;
  CHECK(myr_batch_set_state(b, field, v) == MYR_ERANGE);
  v[0] = v[1] = v[2] = (double)MYR_COUNT_MAX + 1.0;
  CHECK(myr_batch_set_state(b, field, v) == MYR_ERANGE);
  CHECK(strstr(myr_last_error(), "1073741824") != NULL);
  /* at the bound, and just below it */
  v[0] = (double)MYR_COUNT_MAX;
  v[1] = (double)MYR_COUNT_MAX - 3.0;
  v[2] = 10.0;
  CHECK_OK(myr_batch_set_state(b, field, v));
  hits0 = myr_batch_cap_hits(b);
  for (s = 0; s < 3; ++s) {
    if (myr_batch_env(b)->action_space.kind == MYR_SPACE_BOX)
      CHECK_OK(myr_batch_step_box(b, act_f, &out));
    else
      CHECK_OK(myr_batch_step(b, act_i, &out));
    CHECK_OK(myr_batch_get_state(b, field, back));
    for (i = 0; i < 3; ++i)
      CHECK_MSG(back[i] >= 0.0 && back[i] <= (double)MYR_COUNT_MAX,
                "%s %s of env %d = %.0f after step %d", env, field, i, back[i], s);
    if (s == 0) {
      CHECK_MSG(tr[0] == 1 && tr[1] == 1 && tr[2] == 0,
                "%s: truncated %d %d %d at the count bound", env, tr[0], tr[1], tr[2]);
      CHECK(back[0] == (double)MYR_COUNT_MAX && back[1] == (double)MYR_COUNT_MAX);
    }
  }
  CHECK_MSG(myr_batch_cap_hits(b) > hits0, "%s: bound hits not counted", env);
  myr_batch_destroy(b);
}

/* statistics that cannot overflow: Pendulum with a tiny rod and a huge
 * speed limit earns about -1e11 a step, 640 episodes of 200 steps sum to
 * about -1.3e16 (2^-10 units: -1.3e19, past int64).  The mean return must
 * equal the rewards summed in double (it once came out +8.2e12). */
typedef struct reward_sum {
  double total;
} reward_sum;

static int sum_rewards(const myr_traj_chunk* c, void* user) {
  reward_sum* r = (reward_sum*)user;
  int64_t k, n = c->steps * c->num_envs;
  for (k = 0; k < n; ++k) r->total += (double)c->reward[k];
  return 0;
}

static void stats_overflow(void) {
  static const char* const big[] = {"l=1e-6", "max_speed=1e6", NULL};
  myr_batch* b = make_with("pendulum-v1", 64, big, MYR_AUTORESET_SAME_STEP);
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st, sum, again;
  reward_sum r = {0.0};
  double want;
  rd.steps = 2000;
  rd.on_chunk = sum_rewards;
  rd.user = &r;
  CHECK_OK(myr_batch_rollout(b, &rd, &st));
  CHECK(st.episodes == 640 && st.return_overflows == 0);
  want = r.total / (double)st.episodes;
  CHECK_MSG(st.mean_return < 0.0 && fabs(st.mean_return - want) <= 1e-9 * fabs(want),
            "mean return %.6g, rewards say %.6g", st.mean_return, want);
  CHECK(st.return_sum_fixed_hi < -1 || (st.return_sum_fixed_hi == -1 &&
                                        st.return_sum_fixed >= 0));
  /* adding pieces gives the same exact sum as one rollout */
  memset(&sum, 0, sizeof sum);
  myr_rollout_stats_add(&sum, &st);
  myr_rollout_stats_add(&sum, &st);
  CHECK(sum.episodes == 1280 && sum.mean_return == st.mean_return);
  myr_batch_destroy(b);
  /* an episode whose return cannot be summed exactly is reported: NaN mean,
   * counted, never a wrapped figure */
  {
    static const char* const huge[] = {"l=1e-6", "max_speed=1e6", "max_steps=100000",
                                       NULL};
    b = make_with("pendulum-v1", 2, huge, MYR_AUTORESET_SAME_STEP);
    rd.steps = 100000;
    rd.on_chunk = NULL;
    CHECK_OK(myr_batch_rollout(b, &rd, &again));
    CHECK_MSG(again.return_overflows == 2 && isnan(again.mean_return) &&
              again.episodes == 2, "overflows %lld, mean %g",
              (long long)again.return_overflows, again.mean_return);
    myr_batch_destroy(b);
  }
}

/* the gene circuit's per-env return is a double: a long episode's return
 * keeps growing (a float stalled once its sum reached 2^24 times the step
 * reward's ulp) */
static void long_return(void) {
  static const char* const long_ep[] = {"max_steps=2000000", "target=1000000", NULL};
  myr_batch* b = make_with("gene-circuit", 1, long_ep, MYR_AUTORESET_SAME_STEP);
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  rd.steps = 2000000;
  rd.policy = "constant:0";
  CHECK_OK(myr_batch_rollout(b, &rd, &st));
  /* light off: F stays 0, every step earns exactly -1e6 */
  CHECK_MSG(st.episodes == 1 && st.mean_return == -2e12, "mean return %.17g",
            st.mean_return);
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
  {
    /* the audit's gene circuit: production fast enough to fill 2^30 in a
     * step, no degradation (a ~3 minute crash once) */
    static const char* const gc[] = {"eta=1e6", "nu=1e-9", "cap=10000000",
                                     "dt=1e6", NULL};
    /* GFP self-activation alone (R4 at 0.5 a), the same for F */
    static const char* const gf[] = {"eta=1e-9", "a=1e6", "nu=1e-9",
                                     "cap=10000000", "dt=1e6", NULL};
    static const char* const oh[] = {"k_prod=1e6", "k_deg=0",
                                     "max_reactions=16777215", "dt=1e4", NULL};
    count_bound("gene-circuit", "H", gc);
    count_bound("gene-circuit", "F", gf);
    count_bound("ccasr-gfp-sysid", "H", gc);
    count_bound("opto-hill-1d", "X", oh);
  }
  stats_overflow();
  long_return();
  return check_summary("test_hostile");
}
