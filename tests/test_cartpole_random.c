/* CartPole per-env parameters: over 1M envs the sample mean and spread of
 * a uniform and a lognormal parameter match the distribution; the values
 * are the same for 1 and 2 threads and survive resets and rollouts; a
 * degenerate distribution uniform(a,a) steps bit for bit like the fixed
 * value a (float32 and float64, every autoreset mode); env i of a
 * randomised batch steps like a fixed batch set to env i's own values. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "myriad/myriad.h"

static int make(int64_t n, int32_t threads, myr_precision prec,
                myr_autoreset mode, int np, const myr_param_setting* ps,
                myr_batch** b) {
  myr_batch_def d = myr_batch_def_default();
  d.seed = 2024;
  d.threads = threads;
  d.precision = prec;
  d.autoreset = mode;
  d.num_params = np;
  d.params = ps;
  return myr_batch_create("cartpole", n, &d, b);
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
  const double loc = -0.7, scale = 0.2; /* length ~ 0.5 m */
  myr_param_setting ps[2] = {{"masspole", MYR_DIST_UNIFORM, 0.05, 0.2},
                             {"length", MYR_DIST_LOGNORMAL, -0.7, 0.2}};
  myr_batch *b1 = NULL, *b2 = NULL;
  double* u = (double*)malloc(sizeof(double) * N);
  double* v = (double*)malloc(sizeof(double) * N);
  double* w = (double*)malloc(sizeof(double) * N);
  double m, sd, want_sd, want_m, lo = 1e9, hi = -1e9;
  uint64_t seed = 5;
  int64_t i;
  myr_rollout_def rd = myr_rollout_def_default();
  CHECK_OK(make(N, 1, MYR_FLOAT32, MYR_AUTORESET_SAME_STEP, 2, ps, &b1));
  CHECK_OK(make(N, 2, MYR_FLOAT32, MYR_AUTORESET_SAME_STEP, 2, ps, &b2));
  if (b1 == NULL || b2 == NULL || u == NULL || v == NULL || w == NULL) return;

  /* uniform(0.05, 0.2): mean 0.125, sd 0.15/sqrt(12); SE of the sample
   * sd is about sd * sqrt(0.8 / N) for a uniform (kurtosis 1.8) */
  CHECK_OK(myr_batch_get_param(b1, "masspole", u));
  moments(u, N, &m, &sd);
  for (i = 0; i < N; ++i) {
    if (u[i] < lo) lo = u[i];
    if (u[i] > hi) hi = u[i];
  }
  want_sd = 0.15 / sqrt(12.0);
  CHECK_MSG(fabs(m - 0.125) < 5 * want_sd / sqrt((double)N), "mean %g", m);
  CHECK_MSG(fabs(sd - want_sd) < 5 * want_sd * sqrt(0.8 / N), "sd %g want %g",
            sd, want_sd);
  CHECK(lo >= 0.05 && hi <= 0.2 && lo < 0.0502 && hi > 0.1998);

  /* lognormal(-0.7, 0.2): log-values N(-0.7, 0.2), mean exp(loc+scale^2/2) */
  CHECK_OK(myr_batch_get_param(b1, "length", v));
  for (i = 0; i < N; ++i) w[i] = log(v[i]);
  moments(w, N, &m, &sd);
  CHECK_MSG(fabs(m - loc) < 5 * scale / sqrt((double)N), "log mean %g", m);
  CHECK_MSG(fabs(sd - scale) < 5 * scale / sqrt(2.0 * N), "log sd %g", sd);
  moments(v, N, &m, &sd);
  want_m = exp(loc + scale * scale / 2);
  want_sd = want_m * sqrt(exp(scale * scale) - 1.0);
  CHECK_MSG(fabs(m - want_m) < 5 * want_sd / sqrt((double)N),
            "lognormal mean %g want %g", m, want_m);

  /* shared parameters read back as their value for every env */
  CHECK_OK(myr_batch_get_param(b1, "masscart", w));
  CHECK(w[0] == 1.0 && w[N - 1] == 1.0);

  /* 1 and 2 threads: the same values, and the same dynamics */
  CHECK_OK(myr_batch_get_param(b2, "masspole", w));
  CHECK(memcmp(u, w, sizeof(double) * N) == 0);
  CHECK_OK(myr_batch_get_param(b2, "length", w));
  CHECK(memcmp(v, w, sizeof(double) * N) == 0);
  rd.steps = 30;
  CHECK_OK(myr_batch_rollout(b1, &rd, NULL));
  CHECK_OK(myr_batch_rollout(b2, &rd, NULL));
  CHECK(myr_batch_state_hash(b1) == myr_batch_state_hash(b2));

  /* kept across autoresets (30 steps end many episodes), seeded and
   * unseeded resets */
  CHECK_OK(myr_batch_reset(b2, &seed, NULL));
  CHECK_OK(myr_batch_reset(b2, NULL, NULL));
  CHECK_OK(myr_batch_get_param(b2, "masspole", w));
  CHECK(memcmp(u, w, sizeof(double) * N) == 0);
  CHECK_OK(myr_batch_get_param(b2, "length", w));
  CHECK(memcmp(v, w, sizeof(double) * N) == 0);

  myr_batch_destroy(b1);
  myr_batch_destroy(b2);
  free(u);
  free(v);
  free(w);
}

/* step a and b with the same random actions for `steps` steps; compare
 * every output bit for bit (all envs, or only env `only` when >= 0) */
static int same_run(myr_batch* a, myr_batch* b, int64_t n, int steps,
                    int64_t only) {
  float* oa = (float*)malloc(sizeof(float) * 4 * (size_t)n);
  float* ob = (float*)malloc(sizeof(float) * 4 * (size_t)n);
  float* fa = (float*)calloc(4 * (size_t)n, sizeof(float));
  float* fb = (float*)calloc(4 * (size_t)n, sizeof(float));
  float* ra = (float*)malloc(sizeof(float) * (size_t)n);
  float* rb = (float*)malloc(sizeof(float) * (size_t)n);
  uint8_t* ta = (uint8_t*)malloc(4 * (size_t)n);
  uint8_t* tb = (uint8_t*)malloc(4 * (size_t)n);
  int32_t* act = (int32_t*)malloc(sizeof(int32_t) * (size_t)n);
  int same = 1, s, ended = 0;
  myr_step_out outa, outb;
  int64_t lo = only >= 0 ? only : 0, cnt = only >= 0 ? 1 : n;
  outa.obs = oa;
  outa.reward = ra;
  outa.terminated = ta;
  outa.truncated = ta + n;
  outa.final_obs = fa;
  outb.obs = ob;
  outb.reward = rb;
  outb.terminated = tb;
  outb.truncated = tb + n;
  outb.final_obs = fb;
  for (s = 0; s < steps && same; ++s) {
    int64_t i;
    if (myr_batch_random_actions(a, act) != MYR_OK ||
        myr_batch_step(a, act, &outa) != MYR_OK ||
        myr_batch_step(b, act, &outb) != MYR_OK) {
      same = 0;
      break;
    }
    same = memcmp(oa + 4 * lo, ob + 4 * lo, sizeof(float) * 4 * (size_t)cnt) == 0 &&
           memcmp(fa + 4 * lo, fb + 4 * lo, sizeof(float) * 4 * (size_t)cnt) == 0 &&
           memcmp(ra + lo, rb + lo, sizeof(float) * (size_t)cnt) == 0 &&
           memcmp(ta + lo, tb + lo, (size_t)cnt) == 0 &&
           memcmp(ta + n + lo, tb + n + lo, (size_t)cnt) == 0;
    for (i = lo; i < lo + cnt; ++i) ended += ta[i] | ta[n + i];
  }
  free(oa);
  free(ob);
  free(fa);
  free(fb);
  free(ra);
  free(rb);
  free(ta);
  free(tb);
  free(act);
  /* the comparison must have crossed episode ends to test autoreset */
  return same && ended > 0;
}

/* uniform(a,a) is the fixed value a, bit for bit, in both precisions and
 * every autoreset mode that steps */
static void test_degenerate(void) {
  enum { N = 4096 };
  myr_param_setting fixed[2] = {{"masspole", MYR_DIST_FIXED, 0.15, 0},
                                {"reset_bound", MYR_DIST_FIXED, 0.1, 0}};
  myr_param_setting degen[2] = {{"masspole", MYR_DIST_UNIFORM, 0.15, 0.15},
                                {"reset_bound", MYR_DIST_UNIFORM, 0.1, 0.1}};
  myr_precision precs[2] = {MYR_FLOAT32, MYR_FLOAT64};
  myr_autoreset modes[3] = {MYR_AUTORESET_SAME_STEP, MYR_AUTORESET_NEXT_STEP,
                            MYR_AUTORESET_DISABLED};
  int p, m;
  for (p = 0; p < 2; ++p)
    for (m = 0; m < 3; ++m) {
      myr_batch *a = NULL, *b = NULL;
      myr_rollout_def rd = myr_rollout_def_default();
      CHECK_OK(make(N, 2, precs[p], modes[m], 2, fixed, &a));
      CHECK_OK(make(N, 1, precs[p], modes[m], 2, degen, &b));
      if (a == NULL || b == NULL) return;
      CHECK(myr_batch_state_hash(a) == myr_batch_state_hash(b));
      CHECK_MSG(same_run(a, b, N, 120, -1), "precision %d mode %d", p, m);
      CHECK(myr_batch_state_hash(a) == myr_batch_state_hash(b));
      if (modes[m] != MYR_AUTORESET_DISABLED) {
        rd.steps = 300;
        CHECK_OK(myr_batch_rollout(a, &rd, NULL));
        CHECK_OK(myr_batch_rollout(b, &rd, NULL));
        CHECK_MSG(myr_batch_state_hash(a) == myr_batch_state_hash(b),
                  "rollout: precision %d mode %d", p, m);
      }
      myr_batch_destroy(a);
      myr_batch_destroy(b);
    }
}

/* env i of a randomised batch steps like env i of a batch whose shared
 * values are env i's draws; and the draws matter (episodes differ) */
static void test_per_env_values(void) {
  enum { N = 256 };
  myr_param_setting rnd[3] = {{"masspole", MYR_DIST_UNIFORM, 0.05, 0.5},
                              {"length", MYR_DIST_LOGNORMAL, -0.7, 0.5},
                              {"force_mag", MYR_DIST_UNIFORM, 5.0, 15.0}};
  const char* names[3] = {"masspole", "length", "force_mag"};
  myr_precision precs[2] = {MYR_FLOAT32, MYR_FLOAT64};
  int64_t envs[3] = {0, 77, N - 1};
  int p, e, k;
  for (p = 0; p < 2; ++p)
    for (e = 0; e < 3; ++e) {
      myr_batch *a = NULL, *b = NULL;
      myr_param_setting fix[3];
      double vals[N];
      CHECK_OK(make(N, 2, precs[p], MYR_AUTORESET_SAME_STEP, 3, rnd, &a));
      if (a == NULL) return;
      for (k = 0; k < 3; ++k) {
        CHECK_OK(myr_batch_get_param(a, names[k], vals));
        fix[k].name = names[k];
        fix[k].dist = MYR_DIST_FIXED;
        fix[k].a = vals[envs[e]];
        fix[k].b = 0.0;
      }
      CHECK_OK(make(N, 1, precs[p], MYR_AUTORESET_SAME_STEP, 3, fix, &b));
      if (b == NULL) return;
      CHECK_MSG(same_run(a, b, N, 200, envs[e]), "precision %d env %lld", p,
                (long long)envs[e]);
      myr_batch_destroy(a);
      myr_batch_destroy(b);
    }
  /* the draws change the dynamics: a randomised batch is not the default */
  {
    myr_batch *a = NULL, *b = NULL;
    CHECK_OK(make(N, 1, MYR_FLOAT32, MYR_AUTORESET_SAME_STEP, 3, rnd, &a));
    CHECK_OK(make(N, 1, MYR_FLOAT32, MYR_AUTORESET_SAME_STEP, 0, NULL, &b));
    if (a != NULL && b != NULL) {
      myr_rollout_def rd = myr_rollout_def_default();
      rd.steps = 50;
      CHECK_OK(myr_batch_rollout(a, &rd, NULL));
      CHECK_OK(myr_batch_rollout(b, &rd, NULL));
      CHECK(myr_batch_state_hash(a) != myr_batch_state_hash(b));
    }
    myr_batch_destroy(a);
    myr_batch_destroy(b);
  }
}

/* max_steps (an integer parameter) per env: each env truncates at its own
 * horizon; reset_bound per env bounds each env's reset state */
static void test_integer_and_reset(void) {
  enum { N = 64 };
  myr_param_setting ps[2] = {{"max_steps", MYR_DIST_UNIFORM, 3, 9},
                             {"reset_bound", MYR_DIST_UNIFORM, 0.001, 0.05}};
  myr_batch* b = NULL;
  double ms[N], rb[N], th[N];
  int32_t act[N];
  float obs[4 * N], rew[N];
  uint8_t term[N], trunc[N];
  int done[N];
  myr_step_out out;
  int64_t i, s, want = 0, len_sum = 0;
  int ok_int = 1, ok_bound = 1, ok_len = 1;
  CHECK_OK(make(N, 2, MYR_FLOAT32, MYR_AUTORESET_SAME_STEP, 2, ps, &b));
  if (b == NULL) return;
  CHECK_OK(myr_batch_get_param(b, "max_steps", ms));
  CHECK_OK(myr_batch_get_param(b, "reset_bound", rb));
  CHECK_OK(myr_batch_get_state(b, "theta", th));
  for (i = 0; i < N; ++i) {
    ok_int &= ms[i] == floor(ms[i]) && ms[i] >= 3 && ms[i] <= 9;
    ok_bound &= fabs(th[i]) <= rb[i] * (1 + 1e-6);
    want += (int64_t)ms[i];
    done[i] = 0;
  }
  CHECK(ok_int);
  CHECK(ok_bound);
  /* alternating pushes from a near-upright start: no env falls within 9
   * steps, so each env's first episode is truncated after exactly its own
   * max_steps */
  out.obs = obs;
  out.reward = rew;
  out.terminated = term;
  out.truncated = trunc;
  out.final_obs = NULL;
  for (s = 1; s <= 9; ++s) {
    for (i = 0; i < N; ++i) act[i] = (int32_t)((s + i) & 1);
    CHECK_OK(myr_batch_step(b, act, &out));
    for (i = 0; i < N; ++i)
      if (!done[i] && (term[i] | trunc[i])) {
        done[i] = 1;
        ok_len &= trunc[i] && !term[i] && s == (int64_t)ms[i];
        len_sum += s;
      }
  }
  for (i = 0; i < N; ++i) ok_len &= done[i];
  CHECK(ok_len);
  CHECK(len_sum == want);
  myr_batch_destroy(b);
}

/* autoresets with reset_bound per env, both precisions: every env that
 * ends an episode restarts within its own bound (the bounds span a factor
 * 50, so a bound read for the wrong env shows), and the new episodes do
 * not all start alike */
static void test_autoreset_bound(void) {
  enum { N = 203, STEPS = 120 };
  myr_param_setting ps[1] = {{"reset_bound", MYR_DIST_UNIFORM, 0.001, 0.05}};
  int32_t p;
  for (p = 0; p < 2; ++p) {
    myr_batch* b = NULL;
    double rb[N];
    int32_t act[N];
    float obs[4 * N], rew[N];
    uint8_t term[N], trunc[N];
    myr_step_out out;
    int64_t i, s, ends = 0, outside = 0;
    double spread = 0.0;
    CHECK_OK(make(N, 2, p == 0 ? MYR_FLOAT32 : MYR_FLOAT64, MYR_AUTORESET_SAME_STEP,
                  1, ps, &b));
    if (b == NULL) return;
    CHECK_OK(myr_batch_get_param(b, "reset_bound", rb));
    out.obs = obs;
    out.reward = rew;
    out.terminated = term;
    out.truncated = trunc;
    out.final_obs = NULL;
    for (s = 0; s < STEPS; ++s) {
      /* pushes that fell most poles within some 10 to 40 steps */
      for (i = 0; i < N; ++i) act[i] = (int32_t)((i / 3 + s / 7) & 1);
      CHECK_OK(myr_batch_step(b, act, &out));
      for (i = 0; i < N; ++i) {
        int32_t c;
        if (!(term[i] | trunc[i])) continue;
        ends += 1;
        for (c = 0; c < 4; ++c) {
          double v = fabs((double)obs[4 * i + c]);
          outside += v > rb[i] * (1 + 1e-6);
          spread = v > spread ? v : spread;
        }
      }
    }
    CHECK_MSG(ends > N, "precision %d: %lld episodes ended", (int)p, (long long)ends);
    CHECK_MSG(outside == 0, "precision %d: %lld reset values beyond their env's bound",
              (int)p, (long long)outside);
    CHECK(spread > 0.01);
    myr_batch_destroy(b);
  }
}

int main(void) {
  test_distributions();
  test_degenerate();
  test_per_env_values();
  test_integer_and_reset();
  test_autoreset_bound();
  return check_summary("test_cartpole_random");
}
