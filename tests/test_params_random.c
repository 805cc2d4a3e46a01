/* Per-env parameter distributions: over 1M envs the sample mean and spread
 * match uniform(lo,hi) and lognormal(loc,scale); the same seed gives the
 * same values for 1 and 2 threads; values survive resets; integer
 * parameters draw whole numbers; per-env values change the dynamics; bad
 * settings fail cleanly. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "myriad/myriad.h"

static int make(const char* id, int64_t n, int32_t threads, uint64_t seed,
                int np, const myr_param_setting* ps, myr_batch** b) {
  myr_batch_def d = myr_batch_def_default();
  d.seed = seed;
  d.threads = threads;
  d.num_params = np;
  d.params = ps;
  return myr_batch_create(id, n, &d, b);
}

static void moments(const double* x, int64_t n, double* m, double* sd) {
  double s = 0, s2 = 0;
  int64_t i;
  for (i = 0; i < n; ++i) s += x[i];
  *m = s / (double)n;
  for (i = 0; i < n; ++i) s2 += (x[i] - *m) * (x[i] - *m);
  *sd = sqrt(s2 / (double)(n - 1));
}

static void test_distributions(void) {
  enum { N = 1000000 };
  myr_param_setting ps[2] = {{"k_deg", MYR_DIST_UNIFORM, 0.01, 0.09},
                             {"k_prod", MYR_DIST_LOGNORMAL, 1.6, 0.3}};
  myr_batch *b1 = NULL, *b2 = NULL;
  double* u = (double*)malloc(sizeof(double) * N);
  double* v = (double*)malloc(sizeof(double) * N);
  double* w = (double*)malloc(sizeof(double) * N);
  double m, sd, lm, lsd, want_m, want_sd, lo = 1e9, hi = -1e9;
  int64_t i;
  uint64_t seed = 77;
  CHECK_OK(make("opto-hill-1d", N, 1, 77, 2, ps, &b1));
  CHECK_OK(make("opto-hill-1d", N, 2, 77, 2, ps, &b2));
  /* uniform(0.01, 0.09): mean 0.05, sd 0.08/sqrt(12) */
  CHECK_OK(myr_batch_get_param(b1, "k_deg", u));
  moments(u, N, &m, &sd);
  for (i = 0; i < N; ++i) {
    if (u[i] < lo) lo = u[i];
    if (u[i] > hi) hi = u[i];
  }
  want_sd = 0.08 / sqrt(12.0);
  CHECK_MSG(fabs(m - 0.05) < 5 * want_sd / sqrt((double)N), "uniform mean %g", m);
  CHECK_MSG(fabs(sd - want_sd) < 5 * want_sd / sqrt(2.0 * N) * 1.2,
            "uniform sd %g want %g", sd, want_sd);
  CHECK(lo >= 0.01 && hi < 0.09 && lo < 0.0101 && hi > 0.0899);
  /* lognormal(1.6, 0.3): log is N(1.6, 0.3); mean exp(1.6 + 0.045) */
  CHECK_OK(myr_batch_get_param(b1, "k_prod", v));
  for (i = 0; i < N; ++i) w[i] = log(v[i]);
  moments(w, N, &lm, &lsd);
  CHECK_MSG(fabs(lm - 1.6) < 5 * 0.3 / sqrt((double)N), "log mean %g", lm);
  CHECK_MSG(fabs(lsd - 0.3) < 5 * 0.3 / sqrt(2.0 * N), "log sd %g", lsd);
  moments(v, N, &m, &sd);
  want_m = exp(1.6 + 0.045);
  want_sd = want_m * sqrt(exp(0.09) - 1.0);
  CHECK_MSG(fabs(m - want_m) < 5 * want_sd / sqrt((double)N), "lognormal mean %g",
            m);
  /* 1 and 2 threads: identical values */
  CHECK_OK(myr_batch_get_param(b2, "k_prod", w));
  CHECK(memcmp(v, w, sizeof(double) * N) == 0);
  CHECK_OK(myr_batch_get_param(b2, "k_deg", w));
  CHECK(memcmp(u, w, sizeof(double) * N) == 0);
  /* kept across resets, seeded or not, and across steps */
  CHECK_OK(myr_batch_reset(b2, &seed, NULL));
  CHECK_OK(myr_batch_reset(b2, NULL, NULL));
  {
    myr_rollout_def rd = myr_rollout_def_default();
    rd.steps = 2;
    rd.policy = "constant:1";
    CHECK_OK(myr_batch_rollout(b2, &rd, NULL));
  }
  CHECK_OK(myr_batch_get_param(b2, "k_deg", w));
  CHECK(memcmp(u, w, sizeof(double) * N) == 0);
  /* shared parameters read back as the shared value */
  CHECK_OK(myr_batch_get_param(b2, "K", w));
  CHECK(w[0] == 0.5 && w[N - 1] == 0.5);
  myr_batch_destroy(b1);
  myr_batch_destroy(b2);
  /* another seed, other values */
  CHECK_OK(make("opto-hill-1d", 1000, 2, 78, 2, ps, &b1));
  CHECK_OK(myr_batch_get_param(b1, "k_deg", w));
  CHECK(memcmp(u, w, sizeof(double) * 1000) != 0);
  myr_batch_destroy(b1);
  free(u);
  free(v);
  free(w);
}

/* integer parameters: whole numbers in [lo, hi], each about equally
 * likely; per-env horizons truncate each env at its own step */
static void test_integer_and_dynamics(void) {
  enum { N = 4000 };
  myr_param_setting ps = {"max_steps", MYR_DIST_UNIFORM, 10, 13};
  myr_batch* b = NULL;
  static double ms[N], t[N];
  int64_t i, count[4] = {0, 0, 0, 0};
  int whole = 1, lengths_ok = 1, k;
  static int32_t act[N];
  static float obs[N * 2], rew[N];
  static uint8_t te[N], tr[N];
  myr_step_out out = {obs, rew, te, tr, NULL};
  CHECK_OK(make("mountaincar-v0", N, 2, 5, 1, &ps, &b));
  CHECK_OK(myr_batch_get_param(b, "max_steps", ms));
  for (i = 0; i < N; ++i) {
    whole &= ms[i] == floor(ms[i]) && ms[i] >= 10 && ms[i] <= 13;
    if (ms[i] >= 10 && ms[i] <= 13) count[(int)ms[i] - 10]++;
  }
  CHECK(whole);
  for (k = 0; k < 4; ++k)
    CHECK_MSG(fabs((double)count[k] - N / 4.0) < 5 * sqrt(N * 0.1875),
              "value %d drawn %lld times", 10 + k, (long long)count[k]);
  /* no push: nobody reaches the goal; env i truncates at ms[i] */
  for (i = 0; i < N; ++i) act[i] = 1;
  for (k = 1; k <= 13; ++k) {
    CHECK_OK(myr_batch_step(b, act, &out));
    for (i = 0; i < N; ++i)
      if (tr[i] != (uint8_t)(k == (int)ms[i]) || te[i]) lengths_ok = 0;
  }
  CHECK(lengths_ok);
  CHECK_OK(myr_batch_get_state(b, "t", t));
  for (i = 0; i < N; ++i) lengths_ok &= t[i] == 13.0 - ms[i];
  CHECK(lengths_ok);
  myr_batch_destroy(b);
}

static void test_errors(void) {
  myr_batch* b = (myr_batch*)1;
  myr_param_setting bad1 = {"k_deg", MYR_DIST_UNIFORM, 0.09, 0.01};
  myr_param_setting bad2 = {"K", MYR_DIST_LOGNORMAL, 0.0, 30.0};
  myr_param_setting bad3 = {"k_dg", MYR_DIST_UNIFORM, 0.01, 0.09};
  myr_param_setting bad4 = {"k_deg", MYR_DIST_LOGNORMAL, 0.0, -1.0};
  CHECK(make("opto-hill-1d", 10, 1, 0, 1, &bad1, &b) == MYR_ERANGE && b == NULL);
  b = (myr_batch*)1;
  /* a lognormal this wide leaves K's range [1e-9, 1000] for some env */
  CHECK(make("opto-hill-1d", 1000, 1, 0, 1, &bad2, &b) == MYR_ERANGE &&
        b == NULL && strstr(myr_last_error(), "'K'") != NULL);
  CHECK(make("opto-hill-1d", 10, 1, 0, 1, &bad3, &b) == MYR_ENOPARAM &&
        strstr(myr_last_error(), "'k_dg'") != NULL);
  CHECK(make("opto-hill-1d", 10, 1, 0, 1, &bad4, &b) == MYR_ERANGE);
}

int main(void) {
  test_distributions();
  test_integer_and_dynamics();
  test_errors();
  return check_summary("test_params_random");
}
