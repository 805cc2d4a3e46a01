/* The CcaS-CcaR gene circuit: statistics against exact results (Poisson
 * H, pure death beyond the propensity table, the master-equation reference
 * for a light schedule), the exactness rules (no reaction out of nothing,
 * the cap), determinism (threads, block and chunk sizes, step API vs fused
 * rollout), bad parameters, task outputs and per-env sysid parameters. */
#include <stdint.h>

#include "check.h"
#include "envs/ccasr/physics.h"
#include "myriad/myriad.h"

/* ------------------------------------------------------------ helpers */

typedef struct run {
  myr_batch* b;
  int64_t n;
  int32_t od;
  float* obs;
  float* rew;
  uint8_t* term;
  uint8_t* trunc;
  int32_t* act;
  double* h;
  double* f;
} run;

static int run_open(run* r, const char* env, int64_t n, int32_t threads,
                    const myr_param_setting* ps, int32_t nps) {
  myr_batch_def d = myr_batch_def_default();
  int rc;
  memset(r, 0, sizeof *r);
  d.seed = 2024;
  d.threads = threads;
  d.params = ps;
  d.num_params = nps;
  rc = myr_batch_create(env, n, &d, &r->b);
  if (rc != MYR_OK) return rc;
  r->n = n;
  r->od = myr_batch_env(r->b)->obs_dim;
  r->obs = (float*)malloc(sizeof(float) * (size_t)(n * r->od));
  r->rew = (float*)malloc(sizeof(float) * (size_t)n);
  r->term = (uint8_t*)malloc((size_t)n);
  r->trunc = (uint8_t*)malloc((size_t)n);
  r->act = (int32_t*)malloc(sizeof(int32_t) * (size_t)n);
  r->h = (double*)malloc(sizeof(double) * (size_t)n);
  r->f = (double*)malloc(sizeof(double) * (size_t)n);
  return MYR_OK;
}

static void run_close(run* r) {
  myr_batch_destroy(r->b);
  free(r->obs);
  free(r->rew);
  free(r->term);
  free(r->trunc);
  free(r->act);
  free(r->h);
  free(r->f);
}

static int run_step(run* r, int32_t action) {
  myr_step_out o;
  int64_t i;
  for (i = 0; i < r->n; ++i) r->act[i] = action;
  o.obs = r->obs;
  o.reward = r->rew;
  o.terminated = r->term;
  o.truncated = r->trunc;
  o.final_obs = NULL;
  return myr_batch_step(r->b, r->act, &o);
}

typedef struct moments {
  double mean, var, m4; /* sample mean, variance, 4th central moment */
} moments;

static moments moments_of(const double* x, int64_t n) {
  moments m;
  double s = 0.0, s2 = 0.0, s4 = 0.0;
  int64_t i;
  for (i = 0; i < n; ++i) s += x[i];
  m.mean = s / (double)n;
  for (i = 0; i < n; ++i) {
    double d = x[i] - m.mean;
    s2 += d * d;
    s4 += d * d * d * d;
  }
  m.var = s2 / (double)(n - 1);
  m.m4 = s4 / (double)n;
  return m;
}

/* sample mean and variance within 5 standard errors of the truth; the
 * variance's standard error from the sample fourth moment */
static void check_moments(const char* what, int64_t step, const double* x,
                          int64_t n, double mean, double var) {
  moments m = moments_of(x, n);
  double se_mean = sqrt((var > 0 ? var : 1e-12) / (double)n);
  double se_var = sqrt(fabs(m.m4 - m.var * m.var) / (double)n) + 1e-12;
  CHECK_MSG(fabs(m.mean - mean) <= 5.0 * se_mean,
            "%s step %lld: mean %.5f vs %.5f (se %.5f)", what, (long long)step,
            m.mean, mean, se_mean);
  CHECK_MSG(fabs(m.var - var) <= 5.0 * se_var,
            "%s step %lld: var %.5f vs %.5f (se %.5f)", what, (long long)step,
            m.var, var, se_var);
}

static myr_param_setting fixed(const char* name, double v) {
  myr_param_setting s;
  s.name = name;
  s.dist = MYR_DIST_FIXED;
  s.a = v;
  s.b = 0.0;
  return s;
}

/* ------------------------------------------------------------ physics */

/* H under constant light from 0 is Poisson((eta/nu)(1 - exp(-nu t))) */
static void test_poisson_h(void) {
  run r;
  int64_t step;
  const double eta = 1.0, nu = 0.01, dt = 5.0;
  CHECK_OK(run_open(&r, "gene-circuit", 100000, 2, NULL, 0));
  for (step = 1; step <= 60; ++step) {
    CHECK_OK(run_step(&r, 1));
    if (step == 1 || step == 4 || step == 15 || step == 60) {
      double lam = eta / nu * (1.0 - exp(-nu * dt * (double)step));
      CHECK_OK(myr_batch_get_state(r.b, "H", r.h));
      check_moments("poisson H", step, r.h, r.n, lam, lam);
    }
  }
  CHECK(myr_batch_cap_hits(r.b) == 0);
  run_close(&r);
}

/* light off from H = F = 0: nothing can happen */
static void test_dark(void) {
  myr_batch* b;
  myr_batch_def d = myr_batch_def_default();
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  double* x = (double*)malloc(sizeof(double) * 20000);
  int64_t i, nonzero = 0;
  d.seed = 5;
  d.threads = 2;
  CHECK_OK(myr_batch_create("ccasr-gfp-control", 20000, &d, &b));
  rd.steps = 300; /* across the truncation at 288 */
  rd.policy = "constant:0";
  CHECK_OK(myr_batch_rollout(b, &rd, &st));
  CHECK(st.reactions == 0);
  CHECK(st.episodes == 20000);
  /* reward -|0 - 25| every step */
  CHECK_MSG(fabs(st.mean_return + 25.0 * 288.0) < 1e-6, "return %g",
            st.mean_return);
  CHECK_OK(myr_batch_get_state(b, "H", x));
  for (i = 0; i < 20000; ++i) nonzero += x[i] != 0.0;
  CHECK_OK(myr_batch_get_state(b, "F", x));
  for (i = 0; i < 20000; ++i) nonzero += x[i] != 0.0;
  CHECK(nonzero == 0);
  myr_batch_destroy(b);
  free(x);
}

/* beyond the propensity table (H0 = 2000, light off): H is a pure death
 * process, Binomial(H0, exp(-nu t)) */
static void test_beyond_table(void) {
  run r;
  int64_t i, step;
  const double h0 = 2000.0, nu = 0.01, dt = 5.0;
  CHECK(h0 > (double)MYR_CCASR_TABLE);
  CHECK_OK(run_open(&r, "gene-circuit", 4000, 2, NULL, 0));
  for (i = 0; i < r.n; ++i) r.h[i] = h0;
  CHECK_OK(myr_batch_set_state(r.b, "H", r.h));
  for (step = 1; step <= 10; ++step) CHECK_OK(run_step(&r, 0));
  {
    double p = exp(-nu * dt * 10.0);
    CHECK_OK(myr_batch_get_state(r.b, "H", r.h));
    check_moments("death H", 10, r.h, r.n, h0 * p, h0 * p * (1.0 - p));
    /* F is produced through R3 at nearly 0.5 a per minute */
    CHECK_OK(myr_batch_get_state(r.b, "F", r.f));
    CHECK(moments_of(r.f, r.n).mean > 5.0);
  }
  run_close(&r);
}

/* means and variances of H and F against the master equation (finite
 * state projection) for the 10-on/10-off schedule of the reference file */
static void test_cme_reference(void) {
  char path[1024], line[256];
  FILE* fp;
  run r;
  int64_t step = 0;
  int32_t rows = 0;
  snprintf(path, sizeof path, "%s/ccasr_cme_reference.csv", MYR_DATA_DIR);
  fp = fopen(path, "r");
  CHECK_MSG(fp != NULL, "cannot open %s", path);
  if (fp == NULL) return;
  CHECK_OK(run_open(&r, "gene-circuit", 100000, 2, NULL, 0));
  CHECK(fgets(line, sizeof line, fp) != NULL); /* header */
  while (fgets(line, sizeof line, fp) != NULL) {
    long k;
    int u;
    double mh, vh, mf, vf;
    if (sscanf(line, "%ld,%d,%lf,%lf,%lf,%lf", &k, &u, &mh, &vh, &mf, &vf) != 6)
      continue;
    /* light during step s: on for the first 10 of every 20 */
    while (step < k) {
      CHECK_OK(run_step(&r, ((step / 10) % 2) == 0 ? 1 : 0));
      ++step;
    }
    CHECK(u == (((k - 1) / 10) % 2 == 0 ? 1 : 0));
    CHECK_OK(myr_batch_get_state(r.b, "H", r.h));
    CHECK_OK(myr_batch_get_state(r.b, "F", r.f));
    check_moments("cme H", step, r.h, r.n, mh, vh);
    check_moments("cme F", step, r.f, r.n, mf, vf);
    ++rows;
  }
  fclose(fp);
  CHECK(rows >= 10);
  CHECK(myr_batch_cap_hits(r.b) == 0);
  run_close(&r);
}

/* the cap: at most `cap` reactions per step, every hit counted */
static void test_cap(void) {
  myr_param_setting ps[1];
  run r;
  int64_t i, step, over = 0;
  ps[0] = fixed("cap", 1.0);
  CHECK_OK(run_open(&r, "gene-circuit", 4096, 1, ps, 1));
  for (step = 1; step <= 10; ++step) CHECK_OK(run_step(&r, 1));
  CHECK_OK(myr_batch_get_state(r.b, "H", r.h));
  CHECK_OK(myr_batch_get_state(r.b, "F", r.f));
  for (i = 0; i < r.n; ++i) over += r.h[i] + r.f[i] > 10.0;
  CHECK(over == 0);
  /* about 5 light reactions per 5 min: almost every step hits the cap */
  CHECK_MSG(myr_batch_cap_hits(r.b) > 4096 * 10 / 2, "cap hits %lld",
            (long long)myr_batch_cap_hits(r.b));
  run_close(&r);
}

/* ------------------------------------------------------------ determinism */

/* random light for 300 steps (across the truncation); some envs start
 * beyond the table so that both SSA paths run */
static uint64_t rollout_hash(const char* env, int32_t threads, int64_t block,
                             int64_t chunk, myr_autoreset mode,
                             int64_t* reactions) {
  myr_batch* b;
  myr_batch_def d = myr_batch_def_default();
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  const int64_t n = 3001;
  double* h = (double*)malloc(sizeof(double) * (size_t)n);
  int64_t i;
  uint64_t hash;
  d.seed = 99;
  d.threads = threads;
  d.autoreset = mode;
  if (myr_batch_create(env, n, &d, &b) != MYR_OK) {
    free(h);
    return 0;
  }
  for (i = 0; i < n; ++i) h[i] = i % 97 == 5 ? 1500.0 : 0.0;
  CHECK_OK(myr_batch_set_state(b, "H", h));
  CHECK_OK(myr_batch_set_block_size(b, block));
  rd.steps = 300;
  rd.chunk_size = chunk;
  CHECK_OK(myr_batch_rollout(b, &rd, &st));
  *reactions = st.reactions;
  hash = myr_batch_state_hash(b);
  myr_batch_destroy(b);
  free(h);
  return hash;
}

static void test_determinism(void) {
  static const int32_t threads[4] = {1, 2, 3, 2};
  static const int64_t blocks[4] = {1024, 100, 37, 0}; /* 0: the default */
  static const int64_t chunks[4] = {64, 1, 7, 64};
  int32_t m, k;
  for (m = 0; m < 2; ++m) {
    myr_autoreset mode = m == 0 ? MYR_AUTORESET_SAME_STEP : MYR_AUTORESET_NEXT_STEP;
    int64_t r0 = 0, rk = 0;
    uint64_t h0 = rollout_hash("gene-circuit", 1, 1024, 64, mode, &r0);
    CHECK(h0 != 0 && r0 > 0);
    for (k = 0; k < 4; ++k) {
      uint64_t hk = rollout_hash("gene-circuit", threads[k], blocks[k],
                                 chunks[k], mode, &rk);
      CHECK_MSG(hk == h0 && rk == r0,
                "mode %d threads %d block %lld chunk %lld: %016llx vs %016llx",
                m, (int)threads[k], (long long)blocks[k], (long long)chunks[k],
                (unsigned long long)hk, (unsigned long long)h0);
    }
  }
}

/* the SSA envs start with blocks of MYR__SSA_BLOCK envs, the others with
 * 1024; block size 0 goes back to the env's default */
static void test_default_block(void) {
  static const struct {
    const char* env;
    int64_t block;
  } want[] = {{"gene-circuit", 8192}, {"ccasr-gfp-sysid", 8192},
              {"opto-hill-1d", 8192}, {"reaction-network", 8192},
              {"cartpole", 1024}, {"acrobot", 1024}};
  size_t k;
  for (k = 0; k < sizeof want / sizeof want[0]; ++k) {
    myr_batch* b;
    myr_batch_def d = myr_batch_def_default();
    d.threads = 1;
    CHECK_OK(myr_batch_create(want[k].env, 100, &d, &b));
    if (b == NULL) continue;
    CHECK_MSG(myr_batch_block_size(b) == want[k].block, "%s: block %lld", want[k].env,
              (long long)myr_batch_block_size(b));
    CHECK_OK(myr_batch_set_block_size(b, 300));
    CHECK(myr_batch_block_size(b) == 300);
    CHECK_OK(myr_batch_set_block_size(b, 0));
    CHECK(myr_batch_block_size(b) == want[k].block);
    myr_batch_destroy(b);
  }
}

/* the step API driven with the random policy's actions equals the fused
 * rollout, rewards included */
static void test_step_equals_rollout(void) {
  myr_batch *a, *b;
  myr_batch_def d = myr_batch_def_default();
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  const int64_t n = 1000;
  int32_t* act = (int32_t*)malloc(sizeof(int32_t) * (size_t)n);
  float* obs = (float*)malloc(sizeof(float) * (size_t)n * 3);
  float* rew = (float*)malloc(sizeof(float) * (size_t)n);
  uint8_t* te = (uint8_t*)malloc((size_t)n);
  uint8_t* tr = (uint8_t*)malloc((size_t)n);
  myr_step_out o;
  double ret = 0.0;
  int64_t s, i, ends = 0, terms = 0;
  d.seed = 11;
  d.threads = 2;
  CHECK_OK(myr_batch_create("gene-circuit", n, &d, &a));
  CHECK_OK(myr_batch_create("gene-circuit", n, &d, &b));
  o.obs = obs;
  o.reward = rew;
  o.terminated = te;
  o.truncated = tr;
  o.final_obs = NULL;
  for (s = 0; s < 290; ++s) {
    CHECK_OK(myr_batch_random_actions(a, act));
    CHECK_OK(myr_batch_step(a, act, &o));
    for (i = 0; i < n; ++i) {
      if (s < 288) ret += (double)rew[i];
      ends += tr[i];
      terms += te[i];
    }
  }
  rd.steps = 290;
  CHECK_OK(myr_batch_rollout(b, &rd, &st));
  CHECK(myr_batch_state_hash(a) == myr_batch_state_hash(b));
  CHECK(ends == n && st.episodes == n && terms == 0);
  CHECK_MSG(fabs(st.mean_return - ret / (double)n) < 1e-3 * fabs(st.mean_return),
            "returns %g vs %g", st.mean_return, ret / (double)n);
  myr_batch_destroy(a);
  myr_batch_destroy(b);
  free(act);
  free(obs);
  free(rew);
  free(te);
  free(tr);
}

/* ------------------------------------------------------------ tasks */

static void test_control_obs(void) {
  myr_param_setting ps[1];
  run r;
  int64_t i, bad = 0;
  CHECK_OK(run_open(&r, "ccasr-gfp-control", 256, 1, NULL, 0));
  CHECK(r.od == 3);
  CHECK_OK(myr_batch_observe(r.b, r.obs));
  CHECK(r.obs[0] == 0.0f && r.obs[1] == 25.0f / 80.0f && r.obs[2] == 25.0f / 80.0f);
  CHECK_OK(run_step(&r, 1));
  CHECK_OK(myr_batch_get_state(r.b, "F", r.f));
  for (i = 0; i < r.n; ++i)
    bad += r.rew[i] != -fabsf((float)r.f[i] - 25.0f) ||
           r.obs[3 * i] != (float)r.f[i] / 80.0f;
  CHECK(bad == 0);
  CHECK_OK(myr_batch_get_state(r.b, "time", r.h));
  CHECK(r.h[0] == 5.0);
  run_close(&r);

  /* sine target 30 + 20 sin(2 pi t/600), t in minutes */
  ps[0] = fixed("target_mode", 1.0);
  CHECK_OK(run_open(&r, "ccasr-gfp-control", 64, 1, ps, 1));
  for (i = 0; i < 30; ++i) CHECK_OK(run_step(&r, 0));
  {
    double want1 = (30.0 + 20.0 * sin(2.0 * M_PI * 150.0 / 600.0)) / 80.0;
    double want2 = (30.0 + 20.0 * sin(2.0 * M_PI * 155.0 / 600.0)) / 80.0;
    CHECK_MSG(fabs((double)r.obs[1] - want1) < 1e-6 &&
                  fabs((double)r.obs[2] - want2) < 1e-6,
              "%g %g vs %g %g", (double)r.obs[1], (double)r.obs[2], want1, want2);
    CHECK(fabs((double)r.rew[0] + want1 * 80.0) < 1e-4); /* F = 0 in the dark */
  }
  run_close(&r);

  /* n_horizon sets the observation size: [F, target(t..t+4)] / 80 */
  {
    myr_param_setting hs[2];
    myr_rollout_def rd = myr_rollout_def_default();
    hs[0] = fixed("n_horizon", 4.0);
    hs[1] = fixed("target_mode", 1.0);
    CHECK_OK(run_open(&r, "ccasr-gfp-control", 100, 2, hs, 2));
    CHECK(r.od == 6 && myr_env_find("gene-circuit")->obs_dim == 3);
    rd.steps = 7;
    CHECK_OK(myr_batch_rollout(r.b, &rd, NULL));
    CHECK_OK(run_step(&r, 0));
    for (i = 0; i <= 4; ++i) {
      double tm = 5.0 * (double)(8 + i);
      double want = (30.0 + 20.0 * sin(2.0 * M_PI * tm / 600.0)) / 80.0;
      CHECK_MSG(fabs((double)r.obs[6 * 99 + 1 + i] - want) < 1e-6, "h %lld", (long long)i);
    }
    run_close(&r);
  }
}

/* ------------------------------------------------------------ bad input */

static void test_bad_params(void) {
  myr_batch* b = (myr_batch*)1;
  myr_batch_def d = myr_batch_def_default();
  myr_param_setting ps[2];
  static const char* positive[] = {"eta", "nu", "a", "Kh", "nh",
                                   "Kf", "nf", "dt", "cap", "max_steps"};
  int32_t k;
  d.params = ps;
  d.num_params = 1;
  for (k = 0; k < 10; ++k) {
    ps[0] = fixed(positive[k], -1.0);
    CHECK(myr_batch_create("gene-circuit", 10, &d, &b) == MYR_ERANGE && b == NULL);
    ps[0] = fixed(positive[k], 0.0);
    CHECK(myr_batch_create("gene-circuit", 10, &d, &b) == MYR_ERANGE);
    ps[0] = fixed(positive[k], (double)NAN);
    CHECK(myr_batch_create("ccasr-gfp-sysid", 10, &d, &b) == MYR_ERANGE);
    ps[0] = fixed(positive[k], (double)INFINITY);
    CHECK(myr_batch_create("gene-circuit", 10, &d, &b) == MYR_ERANGE);
  }
  ps[0] = fixed("cap", 2.5);
  CHECK(myr_batch_create("gene-circuit", 10, &d, &b) == MYR_ERANGE);
  ps[0] = fixed("target_mode", 2.0);
  CHECK(myr_batch_create("gene-circuit", 10, &d, &b) == MYR_ERANGE);
  ps[0] = fixed("Kh_scale", -0.1);
  CHECK(myr_batch_create("ccasr-gfp-sysid", 10, &d, &b) == MYR_ERANGE);
  ps[0] = fixed("etta", 1.0);
  CHECK(myr_batch_create("gene-circuit", 10, &d, &b) == MYR_ENOPARAM);
  CHECK(strstr(myr_last_error(), "etta") != NULL);
  ps[0] = fixed("Kh_scale", 0.5); /* a sysid parameter */
  CHECK(myr_batch_create("gene-circuit", 10, &d, &b) == MYR_ENOPARAM);
  /* cross-check: a sine target below zero */
  d.num_params = 2;
  ps[0] = fixed("target_mode", 1.0);
  ps[1] = fixed("sine_amp", 40.0);
  CHECK(myr_batch_create("gene-circuit", 10, &d, &b) == MYR_ERANGE);
  CHECK(strstr(myr_last_error(), "sine_amp") != NULL);
  /* a prior scale and a distribution for the same parameter */
  ps[0] = fixed("Kh_scale", 0.5);
  ps[1].name = "Kh";
  ps[1].dist = MYR_DIST_LOGNORMAL;
  ps[1].a = log(90.0);
  ps[1].b = 0.2;
  CHECK(myr_batch_create("ccasr-gfp-sysid", 10, &d, &b) == MYR_EINVAL);

  /* bad state writes change nothing */
  {
    double v[64], back[64];
    int32_t i;
    d.num_params = 0;
    CHECK_OK(myr_batch_create("gene-circuit", 64, &d, &b));
    for (i = 0; i < 64; ++i) v[i] = i == 7 ? -1.0 : 3.0;
    CHECK(myr_batch_set_state(b, "H", v) == MYR_ERANGE);
    v[7] = 2.5;
    CHECK(myr_batch_set_state(b, "F", v) == MYR_ERANGE);
    v[7] = 3.0;
    CHECK(myr_batch_set_state(b, "time", v) == MYR_EINVAL);
    CHECK(myr_batch_set_state(b, "G", v) == MYR_ENOFIELD);
    CHECK_OK(myr_batch_get_state(b, "H", back));
    CHECK(back[0] == 0.0 && back[7] == 0.0);
    myr_batch_destroy(b);
  }
}

/* ------------------------------------------------------------ sysid */

static void test_sysid_params(void) {
  myr_param_setting ps[2];
  myr_batch_def d = myr_batch_def_default();
  myr_batch *b1, *b2;
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  const int64_t n = 20000;
  double* k1 = (double*)malloc(sizeof(double) * (size_t)n);
  double* k2 = (double*)malloc(sizeof(double) * (size_t)n);
  int64_t i, diff = 0;
  uint64_t seed = 3;

  ps[0] = fixed("Kh_scale", 0.5);
  ps[1] = fixed("max_steps", 5.0); /* short episodes: several resets */
  d.seed = 17;
  d.params = ps;
  d.num_params = 2;
  d.threads = 1;
  CHECK_OK(myr_batch_create("ccasr-gfp-sysid", n, &d, &b1));
  d.threads = 2;
  CHECK_OK(myr_batch_create("ccasr-gfp-sysid", n, &d, &b2));
  CHECK(myr_batch_env(b1)->obs_dim == 1);
  CHECK_OK(myr_batch_get_param(b1, "Kh", k1));
  CHECK_OK(myr_batch_get_param(b2, "Kh", k2));
  for (i = 0; i < n; ++i) diff += k1[i] != k2[i];
  CHECK(diff == 0);
  /* log Kh ~ N(log 90, 0.5^2) */
  for (i = 0; i < n; ++i) k2[i] = log(k1[i]);
  check_moments("log Kh", 0, k2, n, log(90.0), 0.25);
  /* shared parameters stay shared */
  CHECK_OK(myr_batch_get_param(b1, "nu", k2));
  CHECK(k2[0] == 0.01 && k2[n - 1] == 0.01);

  /* kept across episodes and seeded resets */
  rd.steps = 12;
  CHECK_OK(myr_batch_rollout(b1, &rd, &st));
  CHECK(st.episodes == 2 * n);
  CHECK_OK(myr_batch_reset(b1, &seed, NULL));
  CHECK_OK(myr_batch_get_param(b1, "Kh", k2));
  diff = 0;
  for (i = 0; i < n; ++i) diff += k1[i] != k2[i];
  CHECK(diff == 0);
  /* no scale: every env has the default */
  {
    myr_batch* s;
    d.num_params = 0;
    CHECK_OK(myr_batch_create("ccasr-gfp-sysid", 8, &d, &s));
    CHECK_OK(myr_batch_get_param(s, "Kh", k2));
    CHECK(k2[0] == 90.0 && k2[7] == 90.0);
    myr_batch_destroy(s);
  }
  myr_batch_destroy(b1);
  myr_batch_destroy(b2);
  free(k1);
  free(k2);
}

/* per-env parameters change the dynamics: nu drawn per env, H under light
 * is Poisson with each env's own mean, so mean H = E[(1/nu)(1-exp(-nu t))] */
static void test_sysid_dynamics(void) {
  myr_param_setting ps[1];
  run r;
  int64_t i, step;
  double* nu;
  double want = 0.0, want_var = 0.0;
  ps[0] = fixed("nu_scale", 0.3);
  CHECK_OK(run_open(&r, "ccasr-gfp-sysid", 50000, 2, ps, 1));
  CHECK(r.od == 1);
  nu = (double*)malloc(sizeof(double) * (size_t)r.n);
  CHECK_OK(myr_batch_get_param(r.b, "nu", nu));
  for (step = 0; step < 20; ++step) CHECK_OK(run_step(&r, 1));
  for (i = 0; i < r.n; ++i) {
    double lam = (1.0 / (double)(float)nu[i]) * (1.0 - exp(-(double)(float)nu[i] * 100.0));
    want += lam;
    want_var += lam + lam * lam;
  }
  want /= (double)r.n;
  want_var = want_var / (double)r.n - want * want; /* mixture of Poissons */
  CHECK_OK(myr_batch_get_state(r.b, "H", r.h));
  check_moments("sysid H", 20, r.h, r.n, want, want_var);
  {
    int64_t nonzero = 0;
    for (i = 0; i < r.n; ++i) nonzero += r.rew[i] != 0.0f;
    CHECK(nonzero == 0);
  }
  CHECK_OK(myr_batch_get_state(r.b, "F", r.f));
  CHECK(r.obs[5] == (float)r.f[5] / 80.0f);
  free(nu);
  run_close(&r);
}

int main(void) {
  test_poisson_h();
  test_dark();
  test_beyond_table();
  test_cme_reference();
  test_cap();
  test_determinism();
  test_default_block();
  test_step_equals_rollout();
  test_control_obs();
  test_bad_params();
  test_sysid_params();
  test_sysid_dynamics();
  return check_summary("test_ccasr");
}
