/* Pendulum, MountainCar and Acrobot with per-env parameters (the float32
 * step reads each env's constants from the per-env arrays derived at
 * create): a degenerate distribution uniform(a,a) steps bit for bit like
 * the fixed value a (float32 and float64, every autoreset mode, step and
 * rollout); env i of a randomised batch steps like a fixed batch set to env
 * i's own values; and Acrobot's vectorised float32 step, angle wrap
 * included (huge steps, huge angles), is the one-env step of physics.h. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "myriad/myriad.h"
#include "envs/acrobot/physics.h"

/* an env, a parameter to randomise, and a range for it */
typedef struct env_case {
  const char* id;
  const char* param;
  double a, b;
} env_case;

static const env_case cases[] = {
    {"pendulum-v1", "m", 0.5, 1.5},
    {"mountaincar-v0", "force", 0.0008, 0.0012},
    {"acrobot-v1", "link_mass_1", 0.8, 1.2},
};

static int make(const char* id, int64_t n, int32_t threads, myr_precision prec,
                myr_autoreset mode, int np, const myr_param_setting* ps,
                myr_batch** b) {
  myr_batch_def d = myr_batch_def_default();
  d.seed = 4242;
  d.threads = threads;
  d.precision = prec;
  d.autoreset = mode;
  d.num_params = np;
  d.params = ps;
  return myr_batch_create(id, n, &d, b);
}

/* step a and b with the same random actions for `steps` steps; compare
 * every output bit for bit (all envs, or only env `only` when >= 0);
 * returns 1 if all were equal and some episode ended on the way */
static int same_run(myr_batch* a, myr_batch* b, int64_t n, int steps,
                    int64_t only) {
  const myr_env_info* info = myr_batch_env(a);
  int box = info->action_space.kind == MYR_SPACE_BOX;
  size_t od = (size_t)info->obs_dim;
  float* oa = (float*)malloc(sizeof(float) * od * (size_t)n);
  float* ob = (float*)malloc(sizeof(float) * od * (size_t)n);
  float* fa = (float*)calloc(od * (size_t)n, sizeof(float));
  float* fb = (float*)calloc(od * (size_t)n, sizeof(float));
  float* ra = (float*)malloc(sizeof(float) * (size_t)n);
  float* rb = (float*)malloc(sizeof(float) * (size_t)n);
  uint8_t* ta = (uint8_t*)malloc(2 * (size_t)n);
  uint8_t* tb = (uint8_t*)malloc(2 * (size_t)n);
  float* act = (float*)malloc(sizeof(float) * 8 * (size_t)n);
  int same = 1, s, ended = 0;
  myr_step_out outa, outb;
  int64_t lo = only >= 0 ? only : 0, cnt = only >= 0 ? 1 : n;
  size_t ko = od * (size_t)lo, no = od * (size_t)cnt;
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
    int rc = myr_batch_random_actions(a, act);
    if (rc == MYR_OK)
      rc = box ? myr_batch_step_box(a, act, &outa)
               : myr_batch_step(a, (const int32_t*)act, &outa);
    if (rc == MYR_OK)
      rc = box ? myr_batch_step_box(b, act, &outb)
               : myr_batch_step(b, (const int32_t*)act, &outb);
    if (rc != MYR_OK) {
      same = 0;
      break;
    }
    same = memcmp(oa + ko, ob + ko, sizeof(float) * no) == 0 &&
           memcmp(fa + ko, fb + ko, sizeof(float) * no) == 0 &&
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
  return same && ended > 0;
}

/* uniform(a,a) is the fixed value a, bit for bit, in both precisions and
 * every autoreset mode (n not a multiple of 8: the event pass's tail) */
static void test_degenerate(void) {
  enum { N = 1001 };
  myr_precision precs[2] = {MYR_FLOAT32, MYR_FLOAT64};
  myr_autoreset modes[3] = {MYR_AUTORESET_SAME_STEP, MYR_AUTORESET_NEXT_STEP,
                            MYR_AUTORESET_DISABLED};
  size_t c;
  int p, m;
  for (c = 0; c < sizeof cases / sizeof cases[0]; ++c)
    for (p = 0; p < 2; ++p)
      for (m = 0; m < 3; ++m) {
        const env_case* ec = &cases[c];
        double v = 0.5 * (ec->a + ec->b);
        myr_param_setting fixed[2] = {{ec->param, MYR_DIST_FIXED, v, 0},
                                      {"max_steps", MYR_DIST_FIXED, 150, 0}};
        myr_param_setting degen[2] = {{ec->param, MYR_DIST_UNIFORM, v, v},
                                      {"max_steps", MYR_DIST_UNIFORM, 150, 150}};
        myr_batch *a = NULL, *b = NULL;
        myr_rollout_def rd = myr_rollout_def_default();
        myr_rollout_stats sa, sb;
        CHECK_OK(make(ec->id, N, 2, precs[p], modes[m], 2, fixed, &a));
        CHECK_OK(make(ec->id, N, 1, precs[p], modes[m], 2, degen, &b));
        if (a == NULL || b == NULL) return;
        CHECK(myr_batch_state_hash(a) == myr_batch_state_hash(b));
        CHECK_MSG(same_run(a, b, N, 400, -1), "%s precision %d mode %d",
                  ec->id, p, m);
        CHECK(myr_batch_state_hash(a) == myr_batch_state_hash(b));
        if (modes[m] != MYR_AUTORESET_DISABLED) {
          rd.steps = 400;
          CHECK_OK(myr_batch_rollout(a, &rd, &sa));
          CHECK_OK(myr_batch_rollout(b, &rd, &sb));
          CHECK_MSG(myr_batch_state_hash(a) == myr_batch_state_hash(b),
                    "rollout: %s precision %d mode %d", ec->id, p, m);
          CHECK(sa.episodes == sb.episodes && sa.episodes > 0 &&
                sa.length_sum == sb.length_sum &&
                sa.return_sum_fixed == sb.return_sum_fixed);
        }
        myr_batch_destroy(a);
        myr_batch_destroy(b);
      }
}

/* env i of a randomised batch steps like env i of a batch whose shared
 * values are env i's draws (float32: the per-env constant arrays) */
static void test_per_env_values(void) {
  enum { N = 203 };
  const int64_t pick[3] = {0, 77, N - 1};
  size_t c;
  int j;
  for (c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
    const env_case* ec = &cases[c];
    myr_param_setting r[2] = {{ec->param, MYR_DIST_UNIFORM, ec->a, ec->b},
                              {"max_steps", MYR_DIST_UNIFORM, 60, 250}};
    myr_batch *a = NULL, *b = NULL;
    double v[N], t[N];
    CHECK_OK(make(ec->id, N, 2, MYR_FLOAT32, MYR_AUTORESET_SAME_STEP, 2, r, &a));
    if (a == NULL) return;
    CHECK_OK(myr_batch_get_param(a, ec->param, v));
    CHECK_OK(myr_batch_get_param(a, "max_steps", t));
    for (j = 0; j < 3; ++j) {
      int64_t i = pick[j];
      myr_param_setting f[2] = {{ec->param, MYR_DIST_FIXED, v[i], 0},
                                {"max_steps", MYR_DIST_FIXED, t[i], 0}};
      myr_batch* a2 = NULL;
      CHECK_OK(make(ec->id, N, 2, MYR_FLOAT32, MYR_AUTORESET_SAME_STEP, 2, r, &a2));
      CHECK_OK(make(ec->id, N, 1, MYR_FLOAT32, MYR_AUTORESET_SAME_STEP, 2, f, &b));
      if (a2 == NULL || b == NULL) return;
      CHECK_MSG(same_run(a2, b, N, 600, i), "%s env %lld", ec->id, (long long)i);
      myr_batch_destroy(a2);
      myr_batch_destroy(b);
    }
    myr_batch_destroy(a);
  }
}

/* One float32 step of an acrobot env in the order of physics.h, one env at
 * a time: RK4, the whole wrap, the bounds; returns terminated.  *turns is
 * set if an angle needed more than the first turn of the wrap. */
static int acrobot_ref(const myr_acrobot_params_f* p, float* s, int32_t a,
                       int* turns) {
  const float three_pi = 9.42477796f;
  myr_acrobot_rk4_f(p, s, (float)(a - 1) * p->torque);
  *turns = !(fabsf(s[0]) < three_pi) || !(fabsf(s[1]) < three_pi);
  s[0] = myr_acrobot_wrap_f(s[0]);
  s[1] = myr_acrobot_wrap_f(s[1]);
  s[2] = s[2] < -p->max_vel1 ? -p->max_vel1
                             : (s[2] > p->max_vel1 ? p->max_vel1 : s[2]);
  s[3] = s[3] < -p->max_vel2 ? -p->max_vel2
                             : (s[3] > p->max_vel2 ? p->max_vel2 : s[3]);
  return myr_acrobot_terminal_f(s);
}

/* Acrobot float32, disabled mode (every env runs its dynamics every step):
 * the batch's state, flags and rewards after each step are those of
 * acrobot_ref(), with steps long enough (dt up to 6 s, a fast second link)
 * and angles set large enough (up to 1e5 rad) that the wrap often takes
 * several turns or fmodf; shared and per-env constants. */
static void test_acrobot_wrap(void) {
  enum { N = 77, STEPS = 60 };
  static const char* names[4] = {"theta1", "theta2", "dtheta1", "dtheta2"};
  myr_param_setting shared[2] = {{"dt", MYR_DIST_FIXED, 5.0, 0},
                                 {"max_vel_2", MYR_DIST_FIXED, 300.0, 0}};
  myr_param_setting per[2] = {{"dt", MYR_DIST_UNIFORM, 1.0, 6.0},
                              {"max_vel_2", MYR_DIST_UNIFORM, 30.0, 300.0}};
  int variant;
  for (variant = 0; variant < 2; ++variant) {
    myr_batch* b = NULL;
    double st[4][N], now[N], dt[N], mv2[N];
    float obs[6 * N], rew[N];
    uint8_t te[N], tr[N], pend[N];
    int32_t act[N];
    myr_step_out out = {obs, rew, te, tr, NULL};
    int s, k, bad = 0, turns = 0;
    int64_t i;
    CHECK_OK(make("acrobot-v1", N, 2, MYR_FLOAT32, MYR_AUTORESET_DISABLED, 2,
                  variant ? per : shared, &b));
    if (b == NULL) return;
    CHECK_OK(myr_batch_get_param(b, "dt", dt));
    CHECK_OK(myr_batch_get_param(b, "max_vel_2", mv2));
    memset(pend, 0, sizeof pend);
    for (s = 0; s < STEPS; ++s) {
      for (k = 0; k < 4; ++k) CHECK_OK(myr_batch_get_state(b, names[k], st[k]));
      if (s == 20) { /* huge angles (and finite ones where it diverged) */
        for (i = 0; i < N; ++i)
          for (k = 0; k < 4; ++k)
            if (!isfinite(st[k][i])) st[k][i] = 0.1;
        for (i = 0; i < N; i += 3)
          st[0][i] = (i % 2 ? -1.0 : 1.0) * (1e5 + (double)i);
        for (i = 1; i < N; i += 5) st[1][i] = 400.0 + (double)i;
        for (k = 0; k < 4; ++k) CHECK_OK(myr_batch_set_state(b, names[k], st[k]));
        for (k = 0; k < 4; ++k) CHECK_OK(myr_batch_get_state(b, names[k], st[k]));
      }
      CHECK_OK(myr_batch_random_actions(b, act));
      CHECK_OK(myr_batch_step(b, act, &out));
      for (i = 0; i < N; ++i) {
        float q[4];
        int term, many;
        myr_acrobot_params p;
        myr_acrobot_params_f pf;
        memset(&p, 0, sizeof p);
        p.l1 = 1.0, p.l2 = 1.0, p.m1 = 1.0, p.m2 = 1.0, p.lc1 = 0.5;
        p.lc2 = 0.5, p.moi = 1.0, p.max_vel1 = 4.0 * MYR_ACROBOT_PI;
        p.g = 9.8, p.torque = 1.0, p.max_steps = 500;
        p.dt = dt[i];
        p.max_vel2 = mv2[i];
        pf = myr_acrobot_params_f_from(&p);
        for (k = 0; k < 4; ++k) q[k] = (float)st[k][i];
        term = acrobot_ref(&pf, q, act[i], &many);
        turns += many;
        bad += te[i] != (uint8_t)term || tr[i] != 0;
        bad += rew[i] != (pend[i] || term ? 0.0f : -1.0f);
        pend[i] = (uint8_t)(pend[i] | term);
        for (k = 0; k < 4; ++k) st[k][i] = (double)q[k];
      }
      for (k = 0; k < 4; ++k) {
        CHECK_OK(myr_batch_get_state(b, names[k], now));
        for (i = 0; i < N; ++i)
          bad += memcmp(&now[i], &st[k][i], sizeof(double)) != 0 &&
                 !(isnan(now[i]) && isnan(st[k][i]));
      }
    }
    CHECK_MSG(bad == 0, "acrobot variant %d: %d mismatches", variant, bad);
    CHECK_MSG(turns > 200, "acrobot variant %d: only %d steps wrapped more "
              "than once", variant, turns);
    myr_batch_destroy(b);
  }
}

int main(void) {
  test_degenerate();
  test_per_env_values();
  test_acrobot_wrap();
  return check_summary("test_classic_random");
}
