/*
 * test_cartpole.c -- the CUDA backend against the CPU reference for
 * CartPole-v1 float32 (exit 77, "skipped", where no CUDA device is present).
 *
 * Tolerance: the GPU rounds every operation as written (nvcc --fmad=false,
 * IEEE division); the CPU float32 kernels may contract a*b+c into FMAs
 * (-ffp-contract=fast), so one step can differ by a few ulps.  Checked:
 *  - resets (Philox draws mapped in double): bitwise equal;
 *  - one step from the same state with the same actions: observations
 *    within 1e-5 relative, rewards/terminated/truncated equal except for
 *    envs within 1e-4 of a termination threshold (at most 1 in 10^4);
 *  - fused random and constant rollouts of 200 steps from the same seed:
 *    episode counts and mean lengths within 0.1 %, and 99 % of envs end in
 *    the same state (chaotic divergence after a rounding difference is
 *    rare within an episode of ~22 steps); the number of bitwise-equal
 *    envs is printed;
 *  - on the GPU, the step API driven by the random policy's actions equals
 *    the fused rollout bit for bit (same kernels, same arithmetic).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "myriad/myriad.h"

#define N 100003 /* odd: a partial last block */
#define SKIP 77

static const char* const fields[] = {"x", "x_dot", "theta", "theta_dot", "t"};

static int make(int backend, uint64_t seed, myr_autoreset mode, myr_batch** b) {
  myr_batch_def def = myr_batch_def_default();
  def.seed = seed;
  def.threads = 2;
  def.autoreset = mode;
  def.backend = backend;
  return myr_batch_create("cartpole", N, &def, b);
}

/* copy every state field of src into dst (so one step starts equal) */
static void copy_state(const myr_batch* src, myr_batch* dst, double* buf) {
  int f;
  for (f = 0; f < 5; ++f) {
    CHECK_OK(myr_batch_get_state(src, fields[f], buf));
    CHECK_OK(myr_batch_set_state(dst, fields[f], buf));
  }
}

static void test_reset(void) {
  myr_batch *c = NULL, *g = NULL;
  double* a = (double*)malloc(sizeof(double) * N);
  double* b = (double*)malloc(sizeof(double) * N);
  float* oc = (float*)malloc(sizeof(float) * 4 * N);
  float* og = (float*)malloc(sizeof(float) * 4 * N);
  uint64_t seed = 99;
  int f;
  int64_t i, diff = 0;
  CHECK_OK(make(MYR_BACKEND_CPU, 7, MYR_AUTORESET_SAME_STEP, &c));
  CHECK_OK(make(MYR_BACKEND_CUDA, 7, MYR_AUTORESET_SAME_STEP, &g));
  CHECK(myr_batch_backend(g) == MYR_BACKEND_CUDA);
  CHECK(myr_batch_state_hash(c) == myr_batch_state_hash(g));
  /* a re-keyed reset runs the reset kernel */
  CHECK_OK(myr_batch_reset(c, &seed, oc));
  CHECK_OK(myr_batch_reset(g, &seed, og));
  CHECK(memcmp(oc, og, sizeof(float) * 4 * N) == 0);
  for (f = 0; f < 5; ++f) {
    CHECK_OK(myr_batch_get_state(c, fields[f], a));
    CHECK_OK(myr_batch_get_state(g, fields[f], b));
    for (i = 0; i < N; ++i) diff += a[i] != b[i];
  }
  CHECK_MSG(diff == 0, "%lld reset values differ", (long long)diff);
  CHECK(myr_batch_state_hash(c) == myr_batch_state_hash(g));
  myr_batch_destroy(c);
  myr_batch_destroy(g);
  free(a);
  free(b);
  free(oc);
  free(og);
}

static int near_threshold(const float* o) {
  /* x threshold 2.4 m, theta threshold 12 degrees */
  return fabsf(fabsf(o[0]) - 2.4f) < 1e-4f ||
         fabsf(fabsf(o[2]) - 0.20943951f) < 1e-4f;
}

static void test_one_step(myr_autoreset mode) {
  myr_batch *c = NULL, *g = NULL;
  int32_t* act = (int32_t*)malloc(sizeof(int32_t) * N);
  double* buf = (double*)malloc(sizeof(double) * N);
  float *oc = (float*)malloc(16 * N), *og = (float*)malloc(16 * N);
  float *fc = (float*)calloc(4 * N, 4), *fg = (float*)calloc(4 * N, 4);
  float *rc = (float*)malloc(4 * N), *rg = (float*)malloc(4 * N);
  uint8_t *tc = (uint8_t*)malloc(N), *tg = (uint8_t*)malloc(N);
  uint8_t *uc = (uint8_t*)malloc(N), *ug = (uint8_t*)malloc(N);
  myr_step_out outc, outg;
  int64_t i, flag_diff = 0, obs_bad = 0, ends = 0;
  int s;
  outc.obs = oc; outc.reward = rc; outc.terminated = tc; outc.truncated = uc;
  outc.final_obs = fc;
  outg.obs = og; outg.reward = rg; outg.terminated = tg; outg.truncated = ug;
  outg.final_obs = fg;
  CHECK_OK(make(MYR_BACKEND_CPU, 11, mode, &c));
  CHECK_OK(make(MYR_BACKEND_CUDA, 11, mode, &g));
  for (s = 0; s < 60; ++s) {
    copy_state(c, g, buf);
    CHECK_OK(myr_batch_random_actions(c, act));
    CHECK_OK(myr_batch_step(c, act, &outc));
    CHECK_OK(myr_batch_step(g, act, &outg));
    for (i = 0; i < N; ++i) {
      int k;
      ends += tc[i] | uc[i];
      if (tc[i] != tg[i] || uc[i] != ug[i] || rc[i] != rg[i]) {
        if (!near_threshold(fc + 4 * i) && !near_threshold(oc + 4 * i))
          flag_diff++;
        continue;
      }
      for (k = 0; k < 4; ++k) {
        float x = oc[4 * i + k], y = og[4 * i + k];
        if (fabsf(x - y) > 1e-5f * (1.0f + fabsf(x))) obs_bad++;
        if (tc[i] | uc[i]) {
          x = fc[4 * i + k];
          y = fg[4 * i + k];
          if (fabsf(x - y) > 1e-5f * (1.0f + fabsf(x))) obs_bad++;
        }
      }
    }
  }
  CHECK(ends > 1000); /* episodes did end, so autoreset was exercised */
  CHECK_MSG(flag_diff <= 60 * N / 10000, "mode %s: %lld flag mismatches",
            myr_autoreset_name(mode), (long long)flag_diff);
  CHECK_MSG(obs_bad == 0, "mode %s: %lld observations out of tolerance",
            myr_autoreset_name(mode), (long long)obs_bad);
  myr_batch_destroy(c);
  myr_batch_destroy(g);
  free(act); free(buf); free(oc); free(og); free(fc); free(fg);
  free(rc); free(rg); free(tc); free(tg); free(uc); free(ug);
}

static void test_rollout(const char* policy, myr_autoreset mode) {
  myr_batch *c = NULL, *g = NULL;
  myr_rollout_def def = myr_rollout_def_default();
  myr_rollout_stats sc, sg;
  double *a = (double*)malloc(sizeof(double) * N);
  double *b = (double*)malloc(sizeof(double) * N);
  unsigned char* same = (unsigned char*)malloc(N);
  int64_t i, close = 0, exact = 0;
  int f;
  def.steps = 200;
  def.policy = policy;
  CHECK_OK(make(MYR_BACKEND_CPU, 5, mode, &c));
  CHECK_OK(make(MYR_BACKEND_CUDA, 5, mode, &g));
  CHECK_OK(myr_batch_rollout(c, &def, &sc));
  CHECK_OK(myr_batch_rollout(g, &def, &sg));
  CHECK(sc.steps == sg.steps);
  CHECK(myr_batch_clock(c) == myr_batch_clock(g));
  CHECK(sg.episodes > 0);
  CHECK_MSG(fabs((double)(sc.episodes - sg.episodes)) <= 1e-3 * (double)sc.episodes,
            "%s: episodes cpu %lld gpu %lld", policy, (long long)sc.episodes,
            (long long)sg.episodes);
  CHECK_MSG(fabs(sc.mean_length - sg.mean_length) <= 1e-3 * sc.mean_length,
            "%s: mean length cpu %.4f gpu %.4f", policy, sc.mean_length,
            sg.mean_length);
  /* returns: CartPole earns 1 per step, so the mean return equals the mean
   * length on each backend, and the backends agree as the lengths do */
  CHECK_MSG(sg.mean_return == sg.mean_length, "%s: gpu mean return %.4f but "
            "mean length %.4f", policy, sg.mean_return, sg.mean_length);
  CHECK_MSG(sc.mean_return == sc.mean_length, "%s: cpu mean return %.4f but "
            "mean length %.4f", policy, sc.mean_return, sc.mean_length);
  CHECK_MSG(fabs(sc.mean_return - sg.mean_return) <= 1e-3 * sc.mean_return,
            "%s: mean return cpu %.4f gpu %.4f", policy, sc.mean_return,
            sg.mean_return);
  memset(same, 1, N);
  for (f = 0; f < 5; ++f) {
    CHECK_OK(myr_batch_get_state(c, fields[f], a));
    CHECK_OK(myr_batch_get_state(g, fields[f], b));
    for (i = 0; i < N; ++i)
      if (fabs(a[i] - b[i]) > 1e-3 * (1.0 + fabs(a[i]))) same[i] = 0;
  }
  for (i = 0; i < N; ++i) close += same[i];
  CHECK_MSG(close >= N - N / 100, "%s: only %lld of %d envs agree", policy,
            (long long)close, N);
  /* how many are bitwise equal (reported, not required) */
  memset(same, 1, N);
  for (f = 0; f < 5; ++f) {
    CHECK_OK(myr_batch_get_state(c, fields[f], a));
    CHECK_OK(myr_batch_get_state(g, fields[f], b));
    for (i = 0; i < N; ++i) same[i] &= a[i] == b[i];
  }
  for (i = 0; i < N; ++i) exact += same[i];
  printf("rollout %-10s %-9s: episodes cpu %lld gpu %lld, mean length cpu "
         "%.4f gpu %.4f, %lld/%d envs bitwise equal%s\n", policy,
         myr_autoreset_name(mode), (long long)sc.episodes,
         (long long)sg.episodes, sc.mean_length, sg.mean_length,
         (long long)exact, N,
         myr_batch_state_hash(c) == myr_batch_state_hash(g) ? " (hash equal)" : "");
  myr_batch_destroy(c);
  myr_batch_destroy(g);
  free(a);
  free(b);
  free(same);
}

/* on the GPU: step API with the random policy's actions == fused rollout */
static void test_step_equals_rollout(void) {
  myr_batch *f = NULL, *s = NULL;
  myr_rollout_def def = myr_rollout_def_default();
  int32_t* act = (int32_t*)malloc(sizeof(int32_t) * N);
  float* obs = (float*)malloc(16 * N);
  float* rew = (float*)malloc(4 * N);
  uint8_t *te = (uint8_t*)malloc(N), *tr = (uint8_t*)malloc(N);
  myr_step_out out;
  int k;
  out.obs = obs; out.reward = rew; out.terminated = te; out.truncated = tr;
  out.final_obs = NULL;
  CHECK_OK(make(MYR_BACKEND_CUDA, 3, MYR_AUTORESET_SAME_STEP, &f));
  CHECK_OK(make(MYR_BACKEND_CUDA, 3, MYR_AUTORESET_SAME_STEP, &s));
  def.steps = 150; /* crosses a 128-step Philox window */
  def.chunk_size = 64;
  CHECK_OK(myr_batch_rollout(f, &def, NULL));
  for (k = 0; k < 150; ++k) {
    CHECK_OK(myr_batch_random_actions(s, act));
    CHECK_OK(myr_batch_step(s, act, &out));
  }
  CHECK(myr_batch_state_hash(f) == myr_batch_state_hash(s));
  myr_batch_destroy(f);
  myr_batch_destroy(s);
  free(act); free(obs); free(rew); free(te); free(tr);
}

int main(void) {
  myr_batch* probe = NULL;
  int rc = make(MYR_BACKEND_CUDA, 0, MYR_AUTORESET_SAME_STEP, &probe);
  if (rc == MYR_ENODEV) {
    printf("test_cartpole (cuda): skipped: %s\n", myr_last_error());
    return SKIP;
  }
  CHECK_OK(rc);
  myr_batch_destroy(probe);
  test_reset();
  test_one_step(MYR_AUTORESET_SAME_STEP);
  test_one_step(MYR_AUTORESET_NEXT_STEP);
  test_rollout("random", MYR_AUTORESET_SAME_STEP);
  test_rollout("random", MYR_AUTORESET_NEXT_STEP);
  test_rollout("constant:1", MYR_AUTORESET_SAME_STEP);
  test_step_equals_rollout();
  return check_summary("test_cartpole (cuda)");
}
