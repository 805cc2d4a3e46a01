/* opto-hill-1d: exact SSA statistics (birth-death: Poisson with mean
 * (k_prod hill(U) / k_deg)(1 - exp(-k_deg t)) from X = 0), the boundary
 * rules (no propensity: nothing happens; the reaction cap is counted), and
 * the step API equal to a fused rollout for 1 and 2 threads. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "myriad/myriad.h"

static myr_batch* make(int64_t n, int32_t threads, int np,
                       const myr_param_setting* ps) {
  myr_batch_def d = myr_batch_def_default();
  myr_batch* b = NULL;
  d.seed = 21;
  d.threads = threads;
  d.num_params = np;
  d.params = ps;
  CHECK_OK(myr_batch_create("opto-hill-1d", n, &d, &b));
  return b;
}

static void mean_var(const double* x, int64_t n, double* m, double* v) {
  double s = 0, s2 = 0;
  int64_t i;
  for (i = 0; i < n; ++i) s += x[i];
  *m = s / (double)n;
  for (i = 0; i < n; ++i) s2 += (x[i] - *m) * (x[i] - *m);
  *v = s2 / (double)(n - 1);
}

static void test_statistics(void) {
  enum { N = 10000 };
  myr_param_setting ps = {"max_steps", MYR_DIST_FIXED, 1000, 0};
  myr_batch* b = make(N, 2, 1, &ps);
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  static double x[N];
  double m, v, expect, se;
  rd.policy = "constant:1";
  /* transient: after 4 steps (20 min = 1/k_deg) the mean is 80(1 - 1/e) */
  rd.steps = 4;
  CHECK_OK(myr_batch_rollout(b, &rd, &st));
  CHECK_OK(myr_batch_get_state(b, "X", x));
  mean_var(x, N, &m, &v);
  expect = 80.0 * (1.0 - exp(-1.0));
  se = sqrt(expect / N);
  CHECK_MSG(fabs(m - expect) < 5 * se, "transient mean %g, want %g", m, expect);
  /* Poisson: variance equals mean (SE of a sample variance ~ m sqrt(2/N)) */
  CHECK_MSG(fabs(v - expect) < 5 * expect * sqrt(2.0 / N), "var %g", v);
  /* steady state under full light: k_prod hill(1) / k_deg = 80 */
  rd.steps = 96;
  CHECK_OK(myr_batch_rollout(b, &rd, &st));
  CHECK_OK(myr_batch_get_state(b, "X", x));
  mean_var(x, N, &m, &v);
  se = sqrt(80.0 / N);
  CHECK_MSG(fabs(m - 80.0) < 5 * se, "steady mean %g, want 80 +- %g", m, 5 * se);
  CHECK_MSG(fabs(v - 80.0) < 5 * 80.0 * sqrt(2.0 / N), "steady var %g", v);
  CHECK(st.reactions > 0 && st.cap_hits == 0 && myr_batch_cap_hits(b) == 0);
  /* half light: hill(0.5) = 1/2, mean 50 */
  rd.policy = "constant:0.5";
  rd.steps = 100;
  CHECK_OK(myr_batch_rollout(b, &rd, &st));
  CHECK_OK(myr_batch_get_state(b, "X", x));
  mean_var(x, N, &m, &v);
  CHECK_MSG(fabs(m - 50.0) < 5 * sqrt(50.0 / N), "half-light mean %g", m);
  myr_batch_destroy(b);
}

static void test_boundaries(void) {
  enum { N = 256 };
  double x[N];
  int64_t i;
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  myr_batch* b = make(N, 1, 0, NULL);
  int all_zero = 1;
  /* darkness from X = 0: total propensity 0, nothing happens */
  rd.policy = "constant:0";
  rd.steps = 50;
  CHECK_OK(myr_batch_rollout(b, &rd, &st));
  CHECK_OK(myr_batch_get_state(b, "X", x));
  for (i = 0; i < N; ++i) all_zero &= x[i] == 0.0;
  CHECK(all_zero && st.reactions == 0);
  myr_batch_destroy(b);
  /* a cap of 5 reactions per step under full light is hit and counted */
  {
    myr_param_setting ps = {"max_reactions", MYR_DIST_FIXED, 5, 0};
    int capped = 1;
    b = make(N, 1, 1, &ps);
    rd.policy = "constant:1";
    rd.steps = 10;
    CHECK_OK(myr_batch_rollout(b, &rd, &st));
    CHECK_MSG(st.cap_hits > N, "cap hits %lld", (long long)st.cap_hits);
    CHECK(myr_batch_cap_hits(b) == st.cap_hits);
    CHECK(st.reactions >= 5 * st.cap_hits);
    CHECK_OK(myr_batch_get_state(b, "X", x));
    for (i = 0; i < N; ++i) capped &= x[i] <= 50.0;
    CHECK(capped);
    myr_batch_destroy(b);
  }
}

/* the step API with the random policy's actions equals a fused rollout,
 * and 1 and 2 threads agree */
static void test_step_equals_rollout(void) {
  enum { N = 300, T = 300 };
  myr_batch* a = make(N, 1, 0, NULL);
  myr_batch* c = make(N, 2, 0, NULL);
  myr_rollout_def rd = myr_rollout_def_default();
  static float act[N], obs[N], rew[N];
  static uint8_t te[N], tr[N];
  myr_step_out out = {obs, rew, te, tr, NULL};
  int t;
  for (t = 0; t < T; ++t) {
    CHECK_OK(myr_batch_random_actions(a, act));
    CHECK_OK(myr_batch_step_box(a, act, &out));
  }
  rd.steps = T;
  rd.chunk_size = 7;
  CHECK_OK(myr_batch_rollout(c, &rd, NULL));
  CHECK(myr_batch_state_hash(a) == myr_batch_state_hash(c));
  myr_batch_destroy(a);
  myr_batch_destroy(c);
}

int main(void) {
  test_statistics();
  test_boundaries();
  test_step_equals_rollout();
  return check_summary("test_envs_optohill");
}
