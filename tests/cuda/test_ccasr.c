/*
 * test_ccasr.c -- the CUDA backend of ccasr-gfp-control (gene-circuit)
 * against the CPU reference (exit 77, "skipped", where no CUDA device is
 * present).
 *
 * Both backends seed an env-step's generator with the same Philox call and
 * run the same float32 SSA without contractions, so where the propensities
 * come from the shared table (counts below MYR_CCASR_TABLE, the default
 * parameters) every count must be identical:
 *  - fused random and constant rollouts across an episode end (300 steps,
 *    same_step and next_step): episode statistics, reactions and cap hits
 *    equal, H, F, t, H_end, F_end equal env for env, equal state hashes;
 *  - a reaction cap of 3 (hit in most steps): equal cap hits;
 *  - the step API from equal states with the random policy's actions
 *    (same_step, next_step, and disabled, where an ended env keeps
 *    simulating with reward 0): observations, rewards, flags, final
 *    observations bitwise equal, equal cap hits; on the GPU the step API
 *    equals the fused rollout (equal hashes; not in disabled mode, which
 *    fused rollouts refuse).
 * Beyond the table the propensity is pow() in double (glibc vs CUDA's
 * libdevice), which may round differently in the last place, so with
 * eta = 20 (H near 2000) the test asks for means and variances of H and F
 * within 5 standard errors and most envs identical.  Every case also checks
 * the moments (a weaker check that holds whatever the draws).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "myriad/myriad.h"

#define N 100003 /* odd: a partial last block */
#define NS 20011 /* envs of the step API test */
#define SKIP 77

static const char* const fields[] = {"H", "F", "t", "H_end", "F_end"};

static int make(int backend, int64_t n, uint64_t seed, myr_autoreset mode,
                const myr_param_setting* params, int32_t num_params,
                myr_batch** b) {
  myr_batch_def def = myr_batch_def_default();
  def.seed = seed;
  def.threads = 2;
  def.autoreset = mode;
  def.backend = backend;
  def.params = params;
  def.num_params = num_params;
  return myr_batch_create("gene-circuit", n, &def, b);
}

/* mean and variance of a field; returns 1 if the two batches' moments
 * agree within 5 standard errors (of the mean and of the variance) */
static int moments_agree(const char* what, const double* a, const double* b,
                         int64_t n) {
  double ma = 0, mb = 0, va = 0, vb = 0, m4 = 0, se_m, se_v;
  int64_t i;
  for (i = 0; i < n; ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= (double)n;
  mb /= (double)n;
  for (i = 0; i < n; ++i) {
    double da = a[i] - ma, db = b[i] - mb;
    va += da * da;
    vb += db * db;
    m4 += da * da * da * da;
  }
  va /= (double)(n - 1);
  vb /= (double)(n - 1);
  m4 /= (double)n;
  /* two independent samples: sqrt(2) x one sample's standard error */
  se_m = sqrt(2.0 * va / (double)n) + 1e-12;
  se_v = sqrt(2.0 * (m4 - va * va) / (double)n) + 1e-12;
  printf("  %-6s cpu mean %9.4f var %9.4f | gpu mean %9.4f var %9.4f\n", what,
         ma, va, mb, vb);
  return fabs(ma - mb) <= 5.0 * se_m && fabs(va - vb) <= 5.0 * se_v;
}

/* compares every field; returns the number of envs that differ in any */
static int64_t compare_fields(const myr_batch* c, const myr_batch* g,
                              int64_t n, int check_moments) {
  double* a = (double*)malloc(sizeof(double) * (size_t)n);
  double* b = (double*)malloc(sizeof(double) * (size_t)n);
  uint8_t* differs = (uint8_t*)calloc((size_t)n, 1);
  int64_t i, count = 0;
  int f;
  CHECK(a != NULL && b != NULL && differs != NULL);
  for (f = 0; f < 5; ++f) {
    CHECK_OK(myr_batch_get_state(c, fields[f], a));
    CHECK_OK(myr_batch_get_state(g, fields[f], b));
    for (i = 0; i < n; ++i) differs[i] |= a[i] != b[i];
    if (check_moments && f != 2)
      CHECK_MSG(moments_agree(fields[f], a, b, n),
                "moments of %s differ by more than 5 standard errors",
                fields[f]);
  }
  for (i = 0; i < n; ++i) count += differs[i];
  free(a);
  free(b);
  free(differs);
  return count;
}

static void test_rollout(int64_t n, const char* policy, myr_autoreset mode,
                         const myr_param_setting* params, int32_t np,
                         int64_t steps, int exact) {
  myr_batch *c = NULL, *g = NULL;
  myr_rollout_def def = myr_rollout_def_default();
  myr_rollout_stats sc, sg;
  int64_t diff;
  def.policy = policy;
  def.steps = steps;
  def.chunk_size = 128;
  printf("rollout %s, %s, %d parameter(s), %lld steps:\n", policy,
         myr_autoreset_name(mode), (int)np, (long long)steps);
  CHECK_OK(make(MYR_BACKEND_CPU, n, 21, mode, params, np, &c));
  CHECK_OK(make(MYR_BACKEND_CUDA, n, 21, mode, params, np, &g));
  CHECK(myr_batch_backend(g) == MYR_BACKEND_CUDA);
  CHECK(myr_batch_state_hash(c) == myr_batch_state_hash(g));
  CHECK_OK(myr_batch_rollout(c, &def, &sc));
  def.chunk_size = 100; /* launches of another length: same result */
  CHECK_OK(myr_batch_rollout(g, &def, &sg));
  printf("  cpu: %lld episodes, return %.4f, %.4f reactions/step, %lld cap "
         "hits\n", (long long)sc.episodes, sc.mean_return,
         (double)sc.reactions / (double)sc.steps, (long long)sc.cap_hits);
  printf("  gpu: %lld episodes, return %.4f, %.4f reactions/step, %lld cap "
         "hits\n", (long long)sg.episodes, sg.mean_return,
         (double)sg.reactions / (double)sg.steps, (long long)sg.cap_hits);
  CHECK(sc.steps == sg.steps);
  diff = compare_fields(c, g, n, 1);
  printf("  %lld of %lld envs differ\n", (long long)diff, (long long)n);
  if (exact) {
    CHECK(sc.episodes == sg.episodes);
    CHECK(sc.length_sum == sg.length_sum);
    CHECK(sc.return_sum_fixed == sg.return_sum_fixed);
    CHECK(sc.reactions == sg.reactions);
    CHECK(sc.cap_hits == sg.cap_hits);
    CHECK(myr_batch_cap_hits(c) == myr_batch_cap_hits(g));
    CHECK_MSG(diff == 0, "%lld envs differ", (long long)diff);
    CHECK(myr_batch_state_hash(c) == myr_batch_state_hash(g));
  } else {
    /* the seeds agree: most envs never meet a differently rounded pow() */
    CHECK_MSG(diff < n / 2, "%lld envs differ", (long long)diff);
    CHECK(llabs(sc.reactions - sg.reactions) <=
          (long long)(1e-3 * (double)sc.reactions));
  }
  myr_batch_destroy(c);
  myr_batch_destroy(g);
}

/* the step API on both backends from the same seed with the random
 * policy's actions (same on both: a pure function of seed, env, clock) */
static void test_step(myr_autoreset mode) {
  myr_batch *c = NULL, *g = NULL, *f = NULL;
  myr_rollout_def def = myr_rollout_def_default();
  int32_t* act = (int32_t*)malloc(sizeof(int32_t) * NS);
  int32_t* act_g = (int32_t*)malloc(sizeof(int32_t) * NS);
  size_t od = 3, bytes_obs = sizeof(float) * od * NS;
  float *oc = (float*)malloc(bytes_obs), *og = (float*)malloc(bytes_obs);
  float *fc = (float*)malloc(bytes_obs), *fg = (float*)malloc(bytes_obs);
  float *rc = (float*)malloc(4 * NS), *rg = (float*)malloc(4 * NS);
  uint8_t *tec = (uint8_t*)malloc(NS), *teg = (uint8_t*)malloc(NS);
  uint8_t *trc = (uint8_t*)malloc(NS), *trg = (uint8_t*)malloc(NS);
  myr_step_out outc, outg;
  int64_t bad = 0;
  int k;
  outc.obs = oc; outc.reward = rc; outc.terminated = tec;
  outc.truncated = trc; outc.final_obs = fc;
  outg.obs = og; outg.reward = rg; outg.terminated = teg;
  outg.truncated = trg; outg.final_obs = fg;
  memset(fc, 0, bytes_obs);
  memset(fg, 0, bytes_obs);
  CHECK_OK(make(MYR_BACKEND_CPU, NS, 5, mode, NULL, 0, &c));
  CHECK_OK(make(MYR_BACKEND_CUDA, NS, 5, mode, NULL, 0, &g));
  CHECK_OK(make(MYR_BACKEND_CUDA, NS, 5, mode, NULL, 0, &f));
  CHECK_OK(myr_batch_reset(c, NULL, oc));
  CHECK_OK(myr_batch_reset(g, NULL, og));
  CHECK(memcmp(oc, og, bytes_obs) == 0);
  CHECK_OK(myr_batch_reset(f, NULL, NULL));
  for (k = 0; k < 295; ++k) { /* crosses the episode end at 288 */
    CHECK_OK(myr_batch_random_actions(c, act));
    CHECK_OK(myr_batch_random_actions(g, act_g));
    CHECK(memcmp(act, act_g, sizeof(int32_t) * NS) == 0);
    CHECK_OK(myr_batch_step(c, act, &outc));
    CHECK_OK(myr_batch_step(g, act, &outg));
    bad += memcmp(oc, og, bytes_obs) != 0;
    bad += memcmp(rc, rg, 4 * NS) != 0;
    bad += memcmp(tec, teg, NS) != 0;
    bad += memcmp(trc, trg, NS) != 0;
    bad += memcmp(fc, fg, bytes_obs) != 0;
  }
  printf("step API %s: %lld output arrays differ over 295 steps\n",
         myr_autoreset_name(mode), (long long)bad);
  CHECK_MSG(bad == 0, "%lld step outputs differ", (long long)bad);
  CHECK(compare_fields(c, g, NS, 0) == 0);
  CHECK(myr_batch_state_hash(c) == myr_batch_state_hash(g));
  CHECK(myr_batch_cap_hits(c) == myr_batch_cap_hits(g));
  /* on the GPU, the fused rollout equals the step API */
  if (mode != MYR_AUTORESET_DISABLED) {
    def.steps = 295;
    def.chunk_size = 64;
    CHECK_OK(myr_batch_rollout(f, &def, NULL));
    CHECK(myr_batch_state_hash(f) == myr_batch_state_hash(g));
  }
  myr_batch_destroy(c);
  myr_batch_destroy(g);
  myr_batch_destroy(f);
  free(act); free(act_g); free(oc); free(og); free(fc); free(fg);
  free(rc); free(rg); free(tec); free(teg); free(trc); free(trg);
}

static void test_unsupported(void) {
  myr_batch* g = NULL;
  myr_rollout_def def = myr_rollout_def_default();
  myr_batch_def bd = myr_batch_def_default();
  CHECK_OK(make(MYR_BACKEND_CUDA, 1000, 1, MYR_AUTORESET_SAME_STEP, NULL, 0,
                &g));
  def.steps = 10;
  /* valid on the cpu, not (yet) fused on the gpu */
  CHECK(myr_policy_check(myr_batch_env(g), "periodic:10") == MYR_OK);
  def.policy = "periodic:10";
  CHECK(myr_batch_rollout(g, &def, NULL) == MYR_EINVAL);
  myr_batch_destroy(g);
  bd.backend = MYR_BACKEND_CUDA;
  g = NULL;
  CHECK(myr_batch_create("ccasr-gfp-sysid", 1000, &bd, &g) == MYR_EINVAL);
  CHECK(g == NULL);
}

int main(void) {
  myr_batch* probe = NULL;
  myr_param_setting cap3, eta20;
  int rc = make(MYR_BACKEND_CUDA, 1, 0, MYR_AUTORESET_SAME_STEP, NULL, 0,
                &probe);
  if (rc == MYR_ENODEV) {
    printf("test_ccasr (cuda): skipped: %s\n", myr_last_error());
    return SKIP;
  }
  CHECK_OK(rc);
  myr_batch_destroy(probe);
  memset(&cap3, 0, sizeof cap3);
  cap3.name = "cap";
  cap3.dist = MYR_DIST_FIXED;
  cap3.a = 3.0;
  eta20 = cap3;
  eta20.name = "eta";
  eta20.a = 20.0;
  test_rollout(N, "random", MYR_AUTORESET_SAME_STEP, NULL, 0, 300, 1);
  test_rollout(N, "random", MYR_AUTORESET_NEXT_STEP, NULL, 0, 300, 1);
  test_rollout(N, "constant:1", MYR_AUTORESET_SAME_STEP, NULL, 0, 300, 1);
  test_rollout(N, "random", MYR_AUTORESET_SAME_STEP, &cap3, 1, 100, 1);
  /* H near 1700 after 40 steps of light: beyond the table */
  test_rollout(10007, "constant:1", MYR_AUTORESET_SAME_STEP, &eta20, 1, 40,
               0);
  test_step(MYR_AUTORESET_SAME_STEP);
  test_step(MYR_AUTORESET_NEXT_STEP);
  test_step(MYR_AUTORESET_DISABLED);
  test_unsupported();
  return check_summary("test_ccasr (cuda)");
}
