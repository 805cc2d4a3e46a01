/*
 * The reaction-network env: the built-in birth-death model against its
 * exact distribution (Poisson), determinism (threads, block sizes, the
 * tabulated propensities against the general programs), and, where SBML
 * support is built in: every refused SBML feature (the error names the
 * element and its id), the options and sidecar errors, the SBML CcaS-CcaR
 * model against the hand-written gene-circuit env and against the
 * chemical master equation (tests/data/ccasr_cme_reference.csv).  Without
 * SBML support, loading must fail with the "built without" error.
 */
#include <stdint.h>

#include "check.h"
#include "myriad/myriad.h"
#include "shell.h"

#ifndef MYR_DATA_DIR
#  define MYR_DATA_DIR "tests/data"
#endif
#define SBML_DIR MYR_DATA_DIR "/sbml/"
#define MODELS_DIR MYR_DATA_DIR "/../../models/"
#ifndef MYR_CLI
#  define MYR_CLI "myriad"
#endif

/* moments of one integer field over the batch: mean, variance, and the
 * standard errors of both (from the sample's fourth central moment) */
typedef struct moments {
  double mean, var, se_mean, se_var;
} moments;

static moments field_moments(myr_batch* b, const char* field) {
  int64_t n = myr_batch_num_envs(b), i;
  double* x = (double*)malloc(sizeof(double) * (size_t)n);
  double s = 0, s2 = 0, s4 = 0;
  moments m = {0, 0, 0, 0};
  if (x == NULL || myr_batch_get_state(b, field, x) != MYR_OK) {
    free(x);
    return m;
  }
  for (i = 0; i < n; ++i) s += x[i];
  m.mean = s / (double)n;
  for (i = 0; i < n; ++i) {
    double d = x[i] - m.mean;
    s2 += d * d;
    s4 += d * d * d * d;
  }
  m.var = s2 / (double)(n - 1);
  m.se_mean = sqrt(m.var / (double)n);
  m.se_var = sqrt(fmax(s4 / (double)n - m.var * m.var, 1e-12) / (double)n);
  free(x);
  return m;
}

static myr_batch* make(const char* env, int64_t n, const myr_model* model,
                       int threads, const char* param, double value) {
  myr_batch_def d = myr_batch_def_default();
  myr_param_setting p = {param, MYR_DIST_FIXED, value, 0};
  myr_batch* b = NULL;
  d.seed = 7;
  d.threads = threads;
  d.model = model;
  if (param != NULL) {
    d.num_params = 1;
    d.params = &p;
  }
  CHECK_OK(myr_batch_create(env, n, &d, &b));
  return b;
}

static void rollout(myr_batch* b, int64_t steps, const char* policy) {
  myr_rollout_def r = myr_rollout_def_default();
  r.steps = steps;
  r.policy = policy;
  CHECK_OK(myr_batch_rollout(b, &r, NULL));
}

/* |x - want| within 5 standard errors */
static int near5(double x, double want, double se) {
  return fabs(x - want) <= 5.0 * se + 1e-12;
}

/* ------------------------------------------------------------ built in */

static void builtin_birth_death(void) {
  /* 0 -> X at k*U = 10, X -> 0 at g = 0.1 per X; from X = 0 the count at
   * time t is Poisson with mean 100 (1 - exp(-0.1 t)) */
  const int64_t n = 40000;
  const int steps = 30;
  myr_batch* b = make("reaction-network", n, NULL, 0, NULL, 0);
  double lam = 100.0 * (1.0 - exp(-0.1 * steps));
  moments m;
  if (b == NULL) return;
  rollout(b, steps, "constant:1");
  m = field_moments(b, "X");
  CHECK_MSG(near5(m.mean, lam, sqrt(lam / (double)n)), "mean X %f, want %f",
            m.mean, lam);
  CHECK_MSG(near5(m.var, lam, sqrt((lam + 2.0 * lam * lam) / (double)n)),
            "var X %f, want %f", m.var, lam);
  myr_batch_destroy(b);
}

/* the same final state for any thread count, block size, and with or
 * without tabulated propensities */
static void determinism(const char* env, const myr_model* model,
                        const char* policy) {
  uint64_t h[6];
  int k;
  for (k = 0; k < 6; ++k) {
    myr_batch* b = make(env, 3001, model, k < 3 ? k + 1 : 2,
                        k == 5 ? "tables" : NULL, 0.0);
    if (b == NULL) return;
    if (k == 3) CHECK_OK(myr_batch_set_block_size(b, 64));
    if (k == 4) CHECK_OK(myr_batch_set_block_size(b, 1000));
    rollout(b, 60, policy);
    h[k] = myr_batch_state_hash(b);
    myr_batch_destroy(b);
  }
  for (k = 1; k < 6; ++k)
    CHECK_MSG(h[k] == h[0], "%s: variant %d hash %016llx != %016llx", env, k,
              (unsigned long long)h[k], (unsigned long long)h[0]);
}

/* ------------------------------------------------------------ SBML */

static myr_model* load(const char* path, const myr_model_opts* o) {
  myr_model* m = NULL;
  CHECK_OK(myr_model_load(path, o, &m));
  return m;
}

static void refused(void) {
  static const struct {
    const char* file;
    const char* words[3];
  } cases[] = {
      {"refuse_event.xml", {"event", "'pulse'", NULL}},
      {"refuse_rate_rule.xml", {"rateRule", "'k'", NULL}},
      {"refuse_assignment_rule.xml", {"assignmentRule", "'k'", NULL}},
      {"refuse_algebraic_rule.xml", {"algebraicRule", "rule 1", NULL}},
      {"refuse_initial_assignment.xml", {"initialAssignment", "'k'", NULL}},
      {"refuse_stoichiometry.xml", {"non-integer stoichiometry", "'conv'", "'A'"}},
      {"refuse_fast.xml", {"fast", "'conv'", NULL}},
      {"refuse_reversible.xml", {"reversible", "'conv'", NULL}},
      {"refuse_delay.xml", {"delay", "'conv'", NULL}},
      {"refuse_time.xml", {"time", "'conv'", NULL}},
      {"refuse_function.xml", {"MathML function 'sin'", "'conv'", NULL}},
      {"refuse_piecewise.xml", {"'piecewise'", "'conv'", NULL}},
      {"refuse_concentration.xml", {"species 'A'", "concentration", "compartment 'cell'"}},
      {"refuse_unknown_symbol.xml", {"unknown symbol 'Z'", "'conv'", NULL}},
      {"refuse_non_integer_amount.xml", {"species 'C'", "2.5", NULL}},
      {"refuse_too_many_species.xml", {"15 species", "at most 14", NULL}},
      {"refuse_malformed.xml", {"not valid SBML", "line", NULL}},
  };
  size_t i;
  int w;
  for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    char path[512];
    myr_model* m = (myr_model*)1;
    int rc;
    snprintf(path, sizeof path, "%s%s", SBML_DIR, cases[i].file);
    rc = myr_model_load(path, NULL, &m);
    CHECK_MSG(rc == MYR_EINVAL && m == NULL, "%s: rc %d", cases[i].file, rc);
    for (w = 0; w < 3 && cases[i].words[w] != NULL; ++w)
      CHECK_MSG(strstr(myr_last_error(), cases[i].words[w]) != NULL,
                "%s: '%s' not in \"%s\"", cases[i].file, cases[i].words[w],
                myr_last_error());
  }
}

static void options(void) {
  myr_model_opts o = myr_model_opts_default();
  myr_model* m = (myr_model*)1;
  FILE* f;
  const char* side = "/tmp/myriad_test_network_sidecar.myriad";
  o.observe = "A, Q";
  CHECK(myr_model_load(SBML_DIR "ok_base.xml", &o, &m) == MYR_EINVAL && m == NULL);
  CHECK(strstr(myr_last_error(), "no species 'Q'") != NULL);
  o = myr_model_opts_default();
  o.input = "nope";
  CHECK(myr_model_load(SBML_DIR "ok_base.xml", &o, &m) == MYR_EINVAL);
  CHECK(strstr(myr_last_error(), "no global parameter or species 'nope'") != NULL);
  f = fopen(side, "w");
  if (f != NULL) {
    fputs("# comment\nobserve = B/2\ncolour = red\n", f);
    fclose(f);
    o = myr_model_opts_default();
    o.sidecar = side;
    CHECK(myr_model_load(SBML_DIR "ok_base.xml", &o, &m) == MYR_EINVAL);
    CHECK_MSG(strstr(myr_last_error(), ":3: unknown key 'colour'") != NULL, "%s",
              myr_last_error());
    f = fopen(side, "w");
    fputs("observe = B/2\ndt = 0.5\nhorizon = 7\n", f);
    fclose(f);
    m = load(SBML_DIR "ok_base.xml", &o);
    if (m != NULL) {
      myr_batch* b = make("sbml", 4, m, 1, NULL, 0);
      if (b != NULL) {
        const myr_env_info* e = myr_batch_env(b);
        double v[4];
        CHECK(e->obs_dim == 1 && e->max_steps_default == 7);
        CHECK(myr_batch_get_param(b, "dt", v) == MYR_OK && v[0] == 0.5);
        CHECK(e->num_fields == 5 && strcmp(e->fields[1].name, "B") == 0 &&
              strcmp(e->fields[4].name, "B_end") == 0);
        myr_batch_destroy(b);
      }
      /* a model is for the reaction network only */
      {
        myr_batch_def d = myr_batch_def_default();
        myr_batch* c = NULL;
        d.model = m;
        CHECK(myr_batch_create("cartpole-v1", 4, &d, &c) == MYR_EINVAL && c == NULL);
        CHECK(strstr(myr_last_error(), "takes no model") != NULL);
      }
      myr_model_destroy(m);
    }
    remove(side);
  }
}

/* an inlined function definition computes what the plain law does */
static void function_definition(void) {
  myr_model* a = load(SBML_DIR "ok_base.xml", NULL);
  myr_model* b = load(SBML_DIR "ok_function_definition.xml", NULL);
  uint64_t h[2] = {1, 2};
  int k;
  for (k = 0; k < 2 && a != NULL && b != NULL; ++k) {
    myr_batch* x = make("sbml", 500, k ? b : a, 1, NULL, 0);
    if (x == NULL) break;
    rollout(x, 5, "random");
    h[k] = myr_batch_state_hash(x);
    myr_batch_destroy(x);
  }
  CHECK(h[0] == h[1]);
  myr_model_destroy(a);
  myr_model_destroy(b);
}

/* the SBML CcaS-CcaR model against the hand-written env: both exact SSAs
 * of the same chain, so their statistics agree (not their draws) */
static void ccasr_vs_gene_circuit(const myr_model* m) {
  const int64_t n = 40000;
  myr_batch* a = make("sbml", n, m, 0, NULL, 0);
  myr_batch* g = make("gene-circuit", n, NULL, 0, NULL, 0);
  const char* f[2] = {"H", "F"};
  int k;
  if (a == NULL || g == NULL) return;
  rollout(a, 40, "constant:1");
  rollout(g, 40, "constant:1");
  for (k = 0; k < 2; ++k) {
    moments x = field_moments(a, f[k]), y = field_moments(g, f[k]);
    double se_m = sqrt(x.se_mean * x.se_mean + y.se_mean * y.se_mean);
    double se_v = sqrt(x.se_var * x.se_var + y.se_var * y.se_var);
    CHECK_MSG(near5(x.mean, y.mean, se_m), "mean %s: sbml %f, gene-circuit %f",
              f[k], x.mean, y.mean);
    CHECK_MSG(near5(x.var, y.var, se_v), "var %s: sbml %f, gene-circuit %f",
              f[k], x.var, y.var);
  }
  myr_batch_destroy(a);
  myr_batch_destroy(g);
}

/* the SBML CcaS-CcaR model under the 10-on/10-off schedule against the
 * chemical master equation, at every listed step */
static void ccasr_vs_cme(const myr_model* model) {
  const int64_t n = 200000; /* the size the CME check is specified at */
  FILE* f = fopen(MYR_DATA_DIR "/ccasr_cme_reference.csv", "r");
  myr_batch* b = make("sbml", n, model, 0, NULL, 0);
  char line[256];
  int32_t* act = (int32_t*)malloc(sizeof(int32_t) * (size_t)n);
  float* obs = (float*)malloc(sizeof(float) * (size_t)n);
  float* rew = (float*)malloc(sizeof(float) * (size_t)n);
  uint8_t* term = (uint8_t*)malloc((size_t)n);
  uint8_t* trunc = (uint8_t*)malloc((size_t)n);
  int step = 0, rows = 0;
  CHECK(f != NULL);
  if (f == NULL || b == NULL || !act || !obs || !rew || !term || !trunc) goto done;
  if (fgets(line, sizeof line, f) == NULL) goto done; /* header */
  while (fgets(line, sizeof line, f) != NULL) {
    int k, u;
    double mh, vh, mf, vf;
    myr_step_out out = {obs, rew, term, trunc, NULL};
    moments h, g;
    if (sscanf(line, "%d,%d,%lf,%lf,%lf,%lf", &k, &u, &mh, &vh, &mf, &vf) != 6)
      continue;
    while (step < k) { /* U during step s (1-based): on for 10, off for 10 */
      int64_t i;
      int on = ((step / 10) % 2) == 0;
      for (i = 0; i < n; ++i) act[i] = on;
      CHECK_OK(myr_batch_step(b, act, &out));
      step++;
    }
    CHECK(u == (((k - 1) / 10) % 2 == 0));
    h = field_moments(b, "H");
    g = field_moments(b, "F");
    CHECK_MSG(near5(h.mean, mh, h.se_mean), "step %d mean H %f, CME %f", k, h.mean, mh);
    CHECK_MSG(near5(h.var, vh, h.se_var), "step %d var H %f, CME %f", k, h.var, vh);
    CHECK_MSG(near5(g.mean, mf, g.se_mean), "step %d mean F %f, CME %f", k, g.mean, mf);
    CHECK_MSG(near5(g.var, vf, g.se_var), "step %d var F %f, CME %f", k, g.var, vf);
    rows++;
  }
  CHECK_MSG(rows >= 10, "%d reference rows", rows);
  printf("test_network: CcaS-CcaR SBML vs the CME: %d steps compared at %lld envs\n",
         rows, (long long)n);
done:
  if (f != NULL) fclose(f);
  myr_batch_destroy(b);
  free(act);
  free(obs);
  free(rew);
  free(term);
  free(trunc);
}

/* the command line: shipped models by name, --model with options, the
 * species statistics, --record, and the errors */
static void cli(void) {
  static char out[16384];
  char cmd[2048];
  int rc;
  snprintf(cmd, sizeof cmd, "%s run --env ccasr --num-envs 300 --steps 4 "
           "--policy constant:1 --threads 2", MYR_CLI);
  rc = sh_capture(cmd, out, sizeof out);
  CHECK_MSG(rc == 0, "%s -> %d: %s", cmd, rc, out);
  CHECK(strstr(out, "env            reaction-network") != NULL);
  CHECK(strstr(out, "models/ccasr.xml") != NULL);
  CHECK(strstr(out, "mean H ") != NULL && strstr(out, "var F ") != NULL);
  CHECK(strstr(out, "cap hits       0") != NULL);
  snprintf(cmd, sizeof cmd, "%s run --model %sdimer.xml --observe A/2,B --dt 0.5 "
           "--num-envs 200 --steps 6 --record /tmp/myriad_test_network_rec --force",
           MYR_CLI, SBML_DIR);
  rc = sh_capture(cmd, out, sizeof out);
  CHECK_MSG(rc == 0, "%s -> %d: %s", cmd, rc, out);
  CHECK(strstr(out, "mean A ") != NULL && strstr(out, "var B ") != NULL);
  CHECK(strstr(out, "obs.npy") != NULL && strstr(out, "(6, 200, 2)") != NULL);
  (void)sh("rm -rf /tmp/myriad_test_network_rec");
  snprintf(cmd, sizeof cmd, "%s run --model %srefuse_event.xml --num-envs 2",
           MYR_CLI, SBML_DIR);
  rc = sh_capture(cmd, out, sizeof out);
  CHECK_MSG(rc == 2 && strstr(out, "event 'pulse'") != NULL, "%d: %s", rc, out);
  snprintf(cmd, sizeof cmd, "%s run --env cartpole --input U", MYR_CLI);
  rc = sh_capture(cmd, out, sizeof out);
  CHECK_MSG(rc == 2 && strstr(out, "need a model") != NULL, "%d: %s", rc, out);
  snprintf(cmd, sizeof cmd, "%s envs", MYR_CLI);
  rc = sh_capture(cmd, out, sizeof out);
  CHECK(rc == 0 && strstr(out, "repressilator") != NULL && strstr(out, "toggle") != NULL);
}

/* a negative rate constant (k = -1: birth at k * U < 0) is counted and
 * reported, never silently run; the same model with k >= 0 counts none */
static void bad_propensities(void) {
  myr_batch* b = make("reaction-network", 100, NULL, 0, "k", -1.0);
  myr_rollout_def r = myr_rollout_def_default();
  myr_rollout_stats st;
  if (b == NULL) return;
  r.steps = 3;
  r.policy = "constant:1";
  CHECK_OK(myr_batch_rollout(b, &r, &st));
  CHECK_MSG(st.bad_propensities == 300, "bad propensities %lld, want 300",
            (long long)st.bad_propensities);
  CHECK(myr_batch_bad_propensities(b) == 300);
  r.policy = "constant:0"; /* U = 0: k * U = -0.0, not negative */
  CHECK_OK(myr_batch_rollout(b, &r, &st));
  CHECK(st.bad_propensities == 0 && myr_batch_bad_propensities(b) == 300);
  myr_batch_destroy(b);
  b = make("reaction-network", 100, NULL, 0, "k", 0.0);
  if (b == NULL) return;
  r.policy = "constant:1";
  CHECK_OK(myr_batch_rollout(b, &r, &st));
  CHECK(st.bad_propensities == 0 && myr_batch_bad_propensities(b) == 0);
  myr_batch_destroy(b);
}

/* init_X: a fixed initial count, and one drawn per env (uniform over the
 * integers of [lo, hi], each env its own, the same again at every reset);
 * a lognormal one is refused */
static void initial_counts(void) {
  const int64_t n = 20000;
  myr_batch_def d = myr_batch_def_default();
  myr_param_setting p = {"init_X", MYR_DIST_UNIFORM, 10.0, 20.0};
  myr_batch* b = make("reaction-network", 64, NULL, 0, "init_X", 30.0);
  double* x = (double*)malloc(sizeof(double) * (size_t)n);
  double* y = (double*)malloc(sizeof(double) * (size_t)n);
  int64_t i, lo = 0, hi = 0, bad = 0, same = 1;
  uint8_t* all = (uint8_t*)malloc((size_t)n);
  if (b == NULL || x == NULL || y == NULL || all == NULL) goto out;
  CHECK_OK(myr_batch_get_state(b, "X", x));
  for (i = 0; i < 64; ++i) bad += x[i] != 30.0;
  CHECK(bad == 0);
  myr_batch_destroy(b);
  b = NULL;
  d.seed = 3;
  d.num_params = 1;
  d.params = &p;
  CHECK_OK(myr_batch_create("reaction-network", n, &d, &b));
  if (b == NULL) goto out;
  CHECK_OK(myr_batch_get_state(b, "X", x));
  for (i = 0; i < n; ++i) {
    bad += x[i] < 10.0 || x[i] > 20.0 || x[i] != floor(x[i]);
    lo += x[i] == 10.0;
    hi += x[i] == 20.0;
  }
  /* 11 values, each with probability 1/11 */
  CHECK_MSG(bad == 0 && lo > n / 11 - 300 && hi > n / 11 - 300, "init_X: %lld "
            "outside, %lld at 10, %lld at 20", (long long)bad, (long long)lo,
            (long long)hi);
  rollout(b, 5, "random");
  memset(all, 1, (size_t)n);
  CHECK_OK(myr_batch_reset_mask(b, all, NULL));
  CHECK_OK(myr_batch_get_state(b, "X", y));
  for (i = 0; i < n; ++i) same &= x[i] == y[i];
  CHECK(same);
  myr_batch_destroy(b);
  b = NULL;
  p.dist = MYR_DIST_LOGNORMAL;
  p.a = 2.0;
  p.b = 0.5;
  CHECK(myr_batch_create("reaction-network", 16, &d, &b) == MYR_EINVAL && b == NULL);
  CHECK(strstr(myr_last_error(), "init_X") != NULL &&
        strstr(myr_last_error(), "uniform") != NULL);
out:
  myr_batch_destroy(b);
  free(x);
  free(y);
  free(all);
}

/* target_amp: the reward tracks target + amp sin(2 pi t dt / period) */
static void sine_target(void) {
  myr_batch_def d = myr_batch_def_default();
  myr_param_setting p[3] = {{"target_amp", MYR_DIST_FIXED, 20.0, 0},
                            {"target_period", MYR_DIST_FIXED, 40.0, 0},
                            {"dt", MYR_DIST_FIXED, 3.0, 0}};
  myr_batch* b = NULL;
  enum { N = 8 };
  float obs[N], rew[N];
  uint8_t term[N], trunc[N];
  int32_t act[N];
  double x[N];
  myr_step_out out = {obs, rew, term, trunc, NULL};
  int t, i, bad = 0;
  d.seed = 5;
  d.num_params = 3;
  d.params = p;
  CHECK_OK(myr_batch_create("reaction-network", N, &d, &b));
  if (b == NULL) return;
  for (i = 0; i < N; ++i) act[i] = i & 1;
  CHECK_OK(myr_batch_reset(b, NULL, obs));
  for (t = 1; t <= 30; ++t) {
    double want = 50.0 + 20.0 * sin(2.0 * 3.14159265358979323846 *
                                    fmod(3.0 * t, 40.0) / 40.0);
    CHECK_OK(myr_batch_step(b, act, &out));
    CHECK_OK(myr_batch_get_state(b, "X", x));
    for (i = 0; i < N; ++i) bad += rew[i] != (float)-fabs(x[i] - want);
  }
  CHECK_MSG(bad == 0, "sine target: %d rewards differ", bad);
  myr_batch_destroy(b);
  p[0].a = 60.0; /* above target 50: the target would go negative */
  b = NULL;
  CHECK(myr_batch_create("reaction-network", N, &d, &b) == MYR_ERANGE && b == NULL);
  CHECK(strstr(myr_last_error(), "target_amp") != NULL);
}

/* input_space box: a continuous action in [0, input_max] sets the input;
 * Box actions 0 and 1 give the discrete levels' trajectories bit for bit
 * (input_max 1, 2 levels), and 2.5 / -1 are clipped to 1 / 0 */
static void box_input(void) {
  myr_model_opts o = myr_model_opts_default();
  myr_model *mb = NULL, *md = NULL;
  myr_batch *bb = NULL, *bd = NULL;
  myr_batch_def d = myr_batch_def_default();
  enum { N = 64 };
  static float obs[N], rew[N], rew2[N], act_f[N];
  static uint8_t term[N], trunc[N];
  static int32_t act[N];
  myr_step_out out = {obs, rew, term, trunc, NULL};
  myr_step_out out2 = {obs, rew2, term, trunc, NULL};
  const myr_env_info* info;
  int t, i, same = 1;
  o.input_space = "box";
  mb = load(MODELS_DIR "ccasr.xml", &o);
  md = load(MODELS_DIR "ccasr.xml", NULL);
  if (mb == NULL || md == NULL) goto out;
  d.seed = 11;
  d.model = mb;
  CHECK_OK(myr_batch_create("sbml", N, &d, &bb));
  d.model = md;
  CHECK_OK(myr_batch_create("sbml", N, &d, &bd));
  if (bb == NULL || bd == NULL) goto out;
  info = myr_batch_env(bb);
  CHECK(info->action_space.kind == MYR_SPACE_BOX && info->action_space.n == 1 &&
        info->action_space.low == 0.0f && info->action_space.high == 1.0f);
  CHECK(myr_batch_step(bb, act, &out) == MYR_EINVAL); /* a Box env */
  CHECK_OK(myr_batch_reset(bb, NULL, obs));
  CHECK_OK(myr_batch_reset(bd, NULL, obs));
  for (t = 0; t < 12; ++t) {
    for (i = 0; i < N; ++i) {
      act[i] = ((i + t) / 3) & 1;
      act_f[i] = act[i] ? (t % 3 == 0 ? 2.5f : 1.0f) : (t % 2 ? -1.0f : 0.0f);
    }
    CHECK_OK(myr_batch_step_box(bb, act_f, &out));
    CHECK_OK(myr_batch_step(bd, act, &out2));
    for (i = 0; i < N; ++i) same &= rew[i] == rew2[i];
  }
  CHECK(same && myr_batch_state_hash(bb) == myr_batch_state_hash(bd));
  for (i = 0; i < N; ++i) act_f[i] = 0.5f; /* a level between: a new path */
  CHECK_OK(myr_batch_step_box(bb, act_f, &out));
  for (i = 0; i < N; ++i) act[i] = 1;
  CHECK_OK(myr_batch_step(bd, act, &out2));
  CHECK(myr_batch_state_hash(bb) != myr_batch_state_hash(bd));
  o.input_space = "continuous";
  myr_model_destroy(mb);
  mb = (myr_model*)1;
  CHECK(myr_model_load(MODELS_DIR "ccasr.xml", &o, &mb) == MYR_EINVAL && mb == NULL);
  CHECK(strstr(myr_last_error(), "input_space 'continuous'") != NULL);
out:
  myr_batch_destroy(bb);
  myr_batch_destroy(bd);
  myr_model_destroy(mb);
  myr_model_destroy(md);
}

/* tests/data/sbml/fast_edges.xml runs through the small-network kernel
 * with counts on both sides of the propensity tables' end, a rate that is
 * negative for some counts (bad propensities) and, with cap = 20, a cap
 * hit in every env-step: the same final state, reaction, cap-hit and
 * bad-propensity counts as the general programs (tables = 0) */
static void fast_edges(void) {
  myr_model* m = load(SBML_DIR "fast_edges.xml", NULL);
  const double caps[2] = {10000.0, 20.0};
  int c, t;
  if (m == NULL) return;
  determinism("sbml", m, "random");
  for (c = 0; c < 2; ++c) {
    uint64_t h[2];
    myr_rollout_stats st[2];
    double* x = NULL;
    for (t = 0; t < 2; ++t) {
      myr_batch_def d = myr_batch_def_default();
      myr_param_setting p[2] = {{"cap", MYR_DIST_FIXED, caps[c], 0},
                                {"tables", MYR_DIST_FIXED, (double)(1 - t), 0}};
      myr_rollout_def r = myr_rollout_def_default();
      myr_batch* b = NULL;
      d.seed = 11;
      d.threads = 2;
      d.model = m;
      d.num_params = 2;
      d.params = p;
      CHECK_OK(myr_batch_create("sbml", 3000, &d, &b));
      if (b == NULL) break;
      r.steps = 20;
      r.policy = "random";
      CHECK_OK(myr_batch_rollout(b, &r, &st[t]));
      h[t] = myr_batch_state_hash(b);
      if (t == 0 && c == 0) {
        /* some counts ended beyond the table, others inside it */
        int64_t i, above = 0;
        x = (double*)malloc(sizeof(double) * 3000);
        if (x != NULL && myr_batch_get_state(b, "X", x) == MYR_OK)
          for (i = 0; i < 3000; ++i) above += x[i] >= 1024.0;
        CHECK_MSG(above > 100 && above < 2900, "%lld of 3000 envs end at X >= 1024",
                  (long long)above);
        free(x);
      }
      myr_batch_destroy(b);
    }
    if (t < 2) break;
    CHECK_MSG(h[0] == h[1], "cap %g: hash %016llx with tables, %016llx without",
              caps[c], (unsigned long long)h[0], (unsigned long long)h[1]);
    CHECK(st[0].bad_propensities > 0 && st[0].bad_propensities == st[1].bad_propensities);
    CHECK(st[0].cap_hits == st[1].cap_hits && st[0].reactions == st[1].reactions);
    CHECK(c == 0 ? st[0].cap_hits == 0 : st[0].cap_hits == 3000 * 20);
  }
  myr_model_destroy(m);
}

/* an input that is a species: a boundary species set by the action runs
 * exactly as the same model with the input as a parameter, and leaves
 * the state; a species a reaction changes, or a non-boundary reactant, is
 * refused naming it */
static void input_species(void) {
  myr_model_opts o = myr_model_opts_default();
  myr_model* mp;
  myr_model* ms;
  myr_model* bad = (myr_model*)1;
  uint64_t h[2];
  int t;
  o.input = "I";
  o.input_levels = 3;
  o.input_max = 2.0;
  mp = load(SBML_DIR "inducer_param.xml", &o);
  ms = load(SBML_DIR "inducer_species.xml", &o);
  if (mp == NULL || ms == NULL) goto out;
  for (t = 0; t < 2; ++t) {
    myr_batch* b = make("sbml", 2000, t == 0 ? mp : ms, 2, NULL, 0.0);
    double x[2000];
    if (b == NULL) goto out;
    rollout(b, 40, "random");
    h[t] = myr_batch_state_hash(b);
    CHECK(myr_batch_get_state(b, "X", x) == MYR_OK && x[0] >= 0.0);
    if (t == 1) CHECK(myr_batch_get_state(b, "I", x) != MYR_OK);
    myr_batch_destroy(b);
  }
  CHECK_MSG(h[0] == h[1], "input species: hash %016llx, as a parameter %016llx",
            (unsigned long long)h[1], (unsigned long long)h[0]);
  o.input = "X";
  CHECK(myr_model_load(SBML_DIR "inducer_species.xml", &o, &bad) == MYR_EINVAL && bad == NULL);
  CHECK_MSG(strstr(myr_last_error(), "species 'X' is changed by reaction 1") != NULL,
            "%s", myr_last_error());
  o.input = "Z";
  bad = (myr_model*)1;
  CHECK(myr_model_load(SBML_DIR "inducer_species.xml", &o, &bad) == MYR_EINVAL && bad == NULL);
  CHECK(strstr(myr_last_error(), "no global parameter or species 'Z'") != NULL);
  o.input = "I";
  bad = (myr_model*)1;
  CHECK(myr_model_load(SBML_DIR "refuse_input_reactant.xml", &o, &bad) == MYR_EINVAL && bad == NULL);
  CHECK_MSG(strstr(myr_last_error(), "species 'I' is a reactant of reaction 1") != NULL,
            "%s", myr_last_error());
out:
  myr_model_destroy(mp);
  myr_model_destroy(ms);
}

int main(void) {
  builtin_birth_death();
  bad_propensities();
  initial_counts();
  sine_target();
  determinism("reaction-network", NULL, "random");
  if (!myr_sbml_available()) {
    myr_model* m = (myr_model*)1;
    CHECK(myr_model_load(SBML_DIR "ok_base.xml", NULL, &m) == MYR_ENODEV && m == NULL);
    CHECK(strstr(myr_last_error(), "built without SBML support (libsbml)") != NULL);
    printf("test_network: built without SBML support: SBML tests skipped\n");
    return check_summary("test_network");
  }
  refused();
  options();
  box_input();
  cli();
  function_definition();
  fast_edges();
  input_species();
  {
    static const char* const files[] = {MODELS_DIR "ccasr.xml",
                                        MODELS_DIR "repressilator.xml",
                                        MODELS_DIR "toggle.xml",
                                        SBML_DIR "dimer.xml"};
    size_t i;
    for (i = 0; i < sizeof files / sizeof files[0]; ++i) {
      myr_model* m = load(files[i], NULL);
      if (m == NULL) continue;
      determinism("sbml", m, "random");
      if (i == 0) {
        ccasr_vs_gene_circuit(m);
        ccasr_vs_cme(m);
      }
      myr_model_destroy(m);
    }
  }
  return check_summary("test_network");
}
