/*
 * Fuzz target: long hostile rollouts.  The input picks an env, up to six of
 * its parameters at values inside the ranges `myriad envs` prints (the
 * edges, the default, or anywhere between on a log scale), a policy
 * (random, constant, bang-bang, PID, periodic), the autoreset mode, 1..64
 * envs, 1..2 threads, a chunk size and up to a few hundred steps.  A batch
 * that create() refuses is fine; one it accepts must roll out without a
 * crash, a hang or a sanitizer report, and with sane results: every
 * env-step counted, lengths adding up, a finite mean return unless the
 * rollout says the return overflowed, counts inside [0, MYR_COUNT_MAX].
 * The work of one input is bounded (envs x steps x reaction cap), so a
 * slow input is a bug, not the price of a big cap.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "myriad/myriad.h"

typedef struct bytes {
  const uint8_t* p;
  size_t n;
} bytes;

static uint32_t take(bytes* b) {
  uint32_t v = 0;
  int k;
  for (k = 0; k < 4; ++k) {
    v = (v << 8) | (b->n ? *b->p : 0u);
    if (b->n) {
      b->p++;
      b->n--;
    }
  }
  return v;
}

/* a value of parameter p inside [min, max] */
static double pick(const myr_param_info* p, uint32_t r) {
  double lo = p->min_value, hi = p->max_value, v;
  double u = (double)(r >> 3) / 536870912.0; /* [0, 1) */
  switch (r & 7u) {
    case 0: v = lo; break;
    case 1: v = hi; break;
    case 2: v = p->default_value; break;
    case 3: v = lo + (hi - lo) * u; break;
    default: /* log scale between max(lo, tiny) and hi */
      if (hi > 0.0) {
        double a = lo > 1e-12 ? lo : 1e-12;
        v = exp(log(a) + (log(hi) - log(a)) * u);
      } else {
        v = lo + (hi - lo) * u;
      }
  }
  if (v < lo) v = lo;
  if (v > hi) v = hi;
  if (p->is_integer) v = floor(v);
  return v;
}

static void fail(const char* what) {
  fprintf(stderr, "fuzz_rollout: %s\n", what);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const policies[] = {"random", "constant:0", "constant:1",
                                         "periodic:7", NULL, NULL};
  bytes in = {data, size};
  const myr_env_info* e = myr_env_at((int32_t)(take(&in) % (uint32_t)myr_env_count()));
  myr_param_setting ps[6];
  myr_batch_def def = myr_batch_def_default();
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  myr_batch* b = NULL;
  char policy[160];
  double cap = 1.0, got[64];
  int64_t n, steps;
  int32_t np = (int32_t)(take(&in) % 7u), k, f, kcap = -1;
  for (k = 0; k < np && e->num_params > 0; ++k) {
    const myr_param_info* p = &e->params[take(&in) % (uint32_t)e->num_params];
    ps[k].name = p->name;
    ps[k].dist = MYR_DIST_FIXED;
    ps[k].a = pick(p, take(&in));
    ps[k].b = 0.0;
    /* the reaction cap of an SSA env bounds the work of one env-step */
    if (strcmp(p->name, "cap") == 0 || strcmp(p->name, "max_reactions") == 0) {
      cap = ps[k].a;
      kcap = k;
    }
  }
  for (k = 0; k < e->num_params; ++k)
    if ((strcmp(e->params[k].name, "cap") == 0 ||
         strcmp(e->params[k].name, "max_reactions") == 0) && cap == 1.0)
      cap = e->params[k].default_value;
  def.params = ps;
  def.num_params = np;
  def.seed = take(&in);
  def.threads = 1 + (int32_t)(take(&in) & 1u);
  def.autoreset = (take(&in) & 1u) ? MYR_AUTORESET_NEXT_STEP : MYR_AUTORESET_SAME_STEP;
  n = 1 + (int64_t)(take(&in) % 64u);
  steps = 1 + (int64_t)(take(&in) % 300u);
  /* at most about 2e6 reactions per input: an instrumented build runs a
   * few envs' SSA lanes at well under 1e6 reactions/s (2e7 took a
   * reaction-network input past libFuzzer's 60 s timeout) */
  while (steps > 1 && (double)n * (double)steps * cap > 2e6) steps /= 2;
  while (n > 1 && (double)n * (double)steps * cap > 2e6) n /= 2;
  /* one env-step may still be too much (a cap of 1e9 with dt = 1e12) */
  if (cap > 2e6) {
    if (kcap < 0) return 0;
    ps[kcap].a = 2e6;
  }
  if (myr_batch_create(e->id, n, &def, &b) != MYR_OK) return 0;
  k = (int32_t)(take(&in) % 6u);
  if (policies[k] != NULL) {
    snprintf(policy, sizeof policy, "%s", policies[k]);
  } else if (e->num_fields > 0) {
    const char* field = e->fields[take(&in) % (uint32_t)e->num_fields].name;
    snprintf(policy, sizeof policy, k == 4 ? "bangbang:field=%s,setpoint=%g"
                                           : "pid:field=%s,setpoint=%g,kp=%g,ki=0.01",
             field, (double)(take(&in) % 200u) - 50.0, (double)(take(&in) % 100u) / 10.0);
  } else {
    snprintf(policy, sizeof policy, "random");
  }
  rd.policy = policy;
  rd.steps = steps;
  rd.chunk_size = 1 + (int64_t)(take(&in) % 128u);
  if (myr_batch_rollout(b, &rd, &st) == MYR_OK) {
    if (st.steps != n * steps) fail("env-steps not all counted");
    if (st.episodes < 0 || st.length_sum < st.episodes) fail("lengths do not add up");
    if (st.return_overflows == 0 && !isfinite(st.mean_return))
      fail("non-finite mean return without an overflow report");
    if (st.return_overflows > 0 && !isnan(st.mean_return))
      fail("overflowed returns but a mean return");
    /* counts stay inside [0, MYR_COUNT_MAX] */
    for (f = 0; f < e->num_fields && n <= 64; ++f) {
      int64_t i;
      if (!e->fields[f].is_integer) continue;
      if (myr_batch_get_state(b, e->fields[f].name, got) != MYR_OK) fail("get_state");
      for (i = 0; i < n; ++i)
        if (got[i] < 0.0 || (strcmp(e->fields[f].unit, "molecules") == 0 &&
                             got[i] > (double)MYR_COUNT_MAX))
          fail("a count outside [0, MYR_COUNT_MAX]");
    }
  }
  myr_batch_destroy(b);
  return 0;
}
