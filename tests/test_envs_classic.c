/* Pendulum-v1, MountainCar-v0 and Acrobot-v1 against float64 references
 * written here straight from Gymnasium's published equations (bitwise in
 * float64 mode, a tolerance in float32 mode), plus physical checks: the
 * pendulum's upright point is unstable and hanging is stable, its energy is
 * conserved without torque, an energy-pumping rule drives the mountain car
 * to the goal, and Acrobot's single RK4 step agrees with a fine
 * integration. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "myriad/myriad.h"

#define PI 3.14159265358979323846

static uint64_t lcg(uint64_t* s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return *s >> 33;
}

static myr_batch* make(const char* id, int64_t n, myr_precision prec,
                       myr_autoreset ar, const char* pname, double pval) {
  myr_batch_def d = myr_batch_def_default();
  myr_param_setting s;
  myr_batch* b = NULL;
  d.seed = 11;
  d.threads = 1;
  d.precision = prec;
  d.autoreset = ar;
  if (pname != NULL) {
    s.name = pname;
    s.dist = MYR_DIST_FIXED;
    s.a = pval;
    s.b = 0.0;
    d.num_params = 1;
    d.params = &s;
  }
  CHECK_OK(myr_batch_create(id, n, &d, &b));
  return b;
}

/* ------------------------------------------------------------ pendulum */

/* pendulum.py step() with NumPy 2 promotion: u is float32, so
 * 3.0/(m*l**2)*u and 0.001*(u**2) are float32 products */
static void ref_pendulum(double* th, double* thdot, float u_in, double* cost) {
  const double g = 10.0, m = 1.0, l = 1.0, dt = 0.05, max_speed = 8.0;
  float u = u_in < -2.0f ? -2.0f : (u_in > 2.0f ? 2.0f : u_in);
  double x = *th + PI, two_pi = 2.0 * PI, an, nthdot;
  double r = fmod(x, two_pi);
  if (r < 0) r += two_pi;
  an = r - PI;
  *cost = an * an + 0.1 * (*thdot * *thdot) + (double)(0.001f * (u * u));
  nthdot = *thdot +
           (3.0 * g / (2.0 * l) * sin(*th) + (double)((float)(3.0 / (m * (l * l))) * u)) * dt;
  if (nthdot < -max_speed) nthdot = -max_speed;
  if (nthdot > max_speed) nthdot = max_speed;
  *th = *th + nthdot * dt;
  *thdot = nthdot;
}

static void test_pendulum_reference(myr_precision prec) {
  enum { N = 8, T = 199 };
  myr_batch* b = make("pendulum-v1", N, prec, MYR_AUTORESET_SAME_STEP, NULL, 0);
  double th[N], thd[N], got_th[N], got_thd[N], cost[N], maxerr = 0.0;
  float act[N], obs[N * 3], rew[N];
  uint8_t te[N], tr[N];
  myr_step_out out = {obs, rew, te, tr, NULL};
  uint64_t s = 5;
  int t, i, exact = 1, reward_ok = 1, flags_ok = 1;
  CHECK_OK(myr_batch_get_state(b, "theta", th));
  CHECK_OK(myr_batch_get_state(b, "theta_dot", thd));
  for (i = 0; i < N; ++i)
    CHECK(fabs(th[i]) <= PI && fabs(thd[i]) <= 1.0);
  for (t = 0; t < T; ++t) {
    for (i = 0; i < N; ++i)
      act[i] = (float)((double)lcg(&s) / 2147483648.0 * 5.0 - 2.5); /* some clipped */
    CHECK_OK(myr_batch_step_box(b, act, &out));
    CHECK_OK(myr_batch_get_state(b, "theta", got_th));
    CHECK_OK(myr_batch_get_state(b, "theta_dot", got_thd));
    for (i = 0; i < N; ++i) {
      ref_pendulum(&th[i], &thd[i], act[i], &cost[i]);
      if (prec == MYR_FLOAT64) {
        if (got_th[i] != th[i] || got_thd[i] != thd[i]) exact = 0;
        if (rew[i] != (float)-cost[i]) reward_ok = 0;
      } else {
        double e = fabs(got_th[i] - th[i]) + fabs(got_thd[i] - thd[i]);
        if (e > maxerr) maxerr = e;
        if (fabs((double)rew[i] + cost[i]) > 1e-3 * (1.0 + cost[i])) reward_ok = 0;
        /* float32 drifts from float64 on a chaotic path: resync */
        th[i] = got_th[i];
        thd[i] = got_thd[i];
      }
      if (te[i] || tr[i]) flags_ok = 0;
    }
  }
  if (prec == MYR_FLOAT64) CHECK_MSG(exact, "float64 pendulum is not bitwise");
  else CHECK_MSG(maxerr < 1e-4, "float32 pendulum one-step error %g", maxerr);
  CHECK(reward_ok);
  CHECK(flags_ok);
  /* step 200 truncates */
  CHECK_OK(myr_batch_step_box(b, act, &out));
  for (i = 0; i < N; ++i) CHECK(tr[i] == 1 && te[i] == 0);
  myr_batch_destroy(b);
}

/* theta = 0 upright is unstable, hanging (pi) is stable; energy
 * 0.5 thdot^2 + (3g/2l) cos(theta) is conserved without torque */
static void test_pendulum_physics(void) {
  enum { N = 3, T = 1000 };
  myr_batch* b = make("pendulum-v1", N, MYR_FLOAT64, MYR_AUTORESET_SAME_STEP,
                      "max_steps", 100000);
  double th0[N] = {1e-3, PI + 0.1, PI - 1.0}, thd0[N] = {0, 0, 0};
  double th[N], thd[N], e0 = 0.5 * 0.0 + 15.0 * cos(PI - 1.0);
  double min_hang = 1e9, max_hang = -1e9, max_de = 0.0, max_up = 0.0;
  double e_first = 0.0, e_last = 0.0;
  float act[N] = {0, 0, 0}, obs[N * 3], rew[N];
  uint8_t te[N], tr[N];
  myr_step_out out = {obs, rew, te, tr, NULL};
  int t;
  CHECK_OK(myr_batch_set_state(b, "theta", th0));
  CHECK_OK(myr_batch_set_state(b, "theta_dot", thd0));
  for (t = 0; t < T; ++t) {
    double e;
    CHECK_OK(myr_batch_step_box(b, act, &out));
    CHECK_OK(myr_batch_get_state(b, "theta", th));
    CHECK_OK(myr_batch_get_state(b, "theta_dot", thd));
    if (t < 100 && fabs(th[0]) > max_up) max_up = fabs(th[0]);
    if (th[1] < min_hang) min_hang = th[1];
    if (th[1] > max_hang) max_hang = th[1];
    e = 0.5 * thd[2] * thd[2] + 15.0 * cos(th[2]);
    if (fabs(e - e0) > max_de) max_de = fabs(e - e0);
    if (t < 200) e_first += e / 200.0;
    if (t >= T - 200) e_last += e / 200.0;
  }
  CHECK_MSG(max_up > 1.0, "upright did not fall: max |theta| %g", max_up);
  CHECK_MSG(min_hang > PI - 0.15 && max_hang < PI + 0.15,
            "hanging drifted to [%g, %g]", min_hang, max_hang);
  /* semi-implicit Euler: a bounded energy oscillation (about 8% at this
   * amplitude and dt), no drift between the first and last 200 steps */
  CHECK_MSG(max_de < 0.15 * fabs(e0), "energy error %g of %g", max_de, e0);
  CHECK_MSG(fabs(e_last - e_first) < 0.01 * fabs(e0),
            "energy drifts: mean %g then %g", e_first, e_last);
  CHECK_MSG(max_de > 0.0, "energy exactly constant: the step did not move");
  myr_batch_destroy(b);
}

/* ------------------------------------------------------------ mountaincar */

static int ref_mountaincar(double* x, double* v, int a) {
  double position = *x, velocity = *v;
  velocity += (a - 1) * 0.001 + cos(3 * position) * (-0.0025);
  if (velocity < -0.07) velocity = -0.07;
  if (velocity > 0.07) velocity = 0.07;
  position += velocity;
  if (position < -1.2) position = -1.2;
  if (position > 0.6) position = 0.6;
  if (position == -1.2 && velocity < 0) velocity = 0;
  *x = position;
  *v = velocity;
  return position >= 0.5 && velocity >= 0;
}

static void test_mountaincar_reference(myr_precision prec) {
  enum { N = 16, T = 199 };
  myr_batch* b = make("mountaincar-v0", N, prec, MYR_AUTORESET_DISABLED, NULL, 0);
  double x[N], v[N], gx[N], gv[N], maxerr = 0.0;
  int32_t act[N];
  float obs[N * 2], rew[N];
  uint8_t te[N], tr[N], done[N] = {0};
  myr_step_out out = {obs, rew, te, tr, NULL};
  uint64_t s = 9;
  int t, i, exact = 1, flags_ok = 1, wall = 0;
  CHECK_OK(myr_batch_get_state(b, "position", x));
  CHECK_OK(myr_batch_get_state(b, "velocity", v));
  for (i = 0; i < N; ++i) CHECK(x[i] >= -0.6 && x[i] < -0.4 && v[i] == 0.0);
  for (t = 0; t < T; ++t) {
    for (i = 0; i < N; ++i)
      act[i] = i < N / 2 ? (int32_t)(lcg(&s) % 3)
                         : v[i] >= 0.0 ? 2 : 0; /* pumping reaches the wall */
    CHECK_OK(myr_batch_step(b, act, &out));
    CHECK_OK(myr_batch_get_state(b, "position", gx));
    CHECK_OK(myr_batch_get_state(b, "velocity", gv));
    for (i = 0; i < N; ++i) {
      int term;
      if (done[i]) continue;
      term = ref_mountaincar(&x[i], &v[i], act[i]);
      if (x[i] == -1.2) wall = 1;
      if (prec == MYR_FLOAT64) {
        if (gx[i] != x[i] || gv[i] != v[i]) exact = 0;
      } else {
        double e = fabs(gx[i] - x[i]) + fabs(gv[i] - v[i]);
        if (e > maxerr) maxerr = e;
        x[i] = gx[i];
        v[i] = gv[i];
      }
      if (te[i] != (uint8_t)term || tr[i] || rew[i] != -1.0f) flags_ok = 0;
      done[i] = (uint8_t)term;
    }
  }
  if (prec == MYR_FLOAT64) CHECK_MSG(exact, "float64 mountaincar not bitwise");
  else CHECK_MSG(maxerr < 1e-5, "float32 mountaincar one-step error %g", maxerr);
  CHECK(flags_ok);
  CHECK_MSG(wall, "no env reached the left wall");
  myr_batch_destroy(b);
}

/* pushing in the direction of motion pumps energy: every env reaches the
 * goal within the 200-step limit (random pushing almost never does) */
static void test_mountaincar_pumping(void) {
  enum { N = 1000 };
  myr_batch* b = make("mountaincar-v0", N, MYR_FLOAT32, MYR_AUTORESET_DISABLED,
                      NULL, 0);
  double v[N];
  int32_t act[N];
  float obs[N * 2], rew[N];
  uint8_t te[N], tr[N], reached[N] = {0};
  myr_step_out out = {obs, rew, te, tr, NULL};
  int t, i, n_reached = 0;
  for (t = 0; t < 200; ++t) {
    CHECK_OK(myr_batch_get_state(b, "velocity", v));
    for (i = 0; i < N; ++i) act[i] = v[i] >= 0.0 ? 2 : 0;
    CHECK_OK(myr_batch_step(b, act, &out));
    for (i = 0; i < N; ++i)
      if (!reached[i] && te[i] && !tr[i]) reached[i] = 1;
  }
  for (i = 0; i < N; ++i) n_reached += reached[i];
  CHECK_MSG(n_reached == N, "%d of %d reached the goal", n_reached, N);
  myr_batch_destroy(b);
  /* the random policy in a fused rollout: episodes all truncate at 200 */
  {
    myr_rollout_def rd = myr_rollout_def_default();
    myr_rollout_stats st;
    b = make("mountaincar-v0", 1000, MYR_FLOAT32, MYR_AUTORESET_SAME_STEP, NULL,
             0);
    rd.steps = 400;
    CHECK_OK(myr_batch_rollout(b, &rd, &st));
    CHECK_MSG(st.mean_length > 190.0 && st.mean_return == -st.mean_length,
              "random: length %g return %g", st.mean_length, st.mean_return);
    myr_batch_destroy(b);
  }
}

/* ------------------------------------------------------------ acrobot */

static void ref_dsdt(const double* s, double a, double* d) {
  const double m1 = 1, m2 = 1, l1 = 1, lc1 = 0.5, lc2 = 0.5, I1 = 1, I2 = 1,
               g = 9.8;
  double theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3];
  double d1 = m1 * pow(lc1, 2) +
              m2 * (pow(l1, 2) + pow(lc2, 2) + 2 * l1 * lc2 * cos(theta2)) + I1 +
              I2;
  double d2 = m2 * (pow(lc2, 2) + l1 * lc2 * cos(theta2)) + I2;
  double phi2 = m2 * lc2 * g * cos(theta1 + theta2 - PI / 2.0);
  double phi1 = -m2 * l1 * lc2 * pow(dtheta2, 2) * sin(theta2) -
                2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin(theta2) +
                (m1 * lc1 + m2 * l1) * g * cos(theta1 - PI / 2) + phi2;
  double ddtheta2 = (a + d2 / d1 * phi1 -
                     m2 * l1 * lc2 * pow(dtheta1, 2) * sin(theta2) - phi2) /
                    (m2 * pow(lc2, 2) + I2 - pow(d2, 2) / d1);
  double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  d[0] = dtheta1;
  d[1] = dtheta2;
  d[2] = ddtheta1;
  d[3] = ddtheta2;
}

/* rk4() of acrobot.py over [0, h] in `sub` equal pieces (no wrapping) */
static void ref_rk4(double* s, double a, double h, int sub) {
  int k, j;
  for (k = 0; k < sub; ++k) {
    double dt = h / sub, dt2 = dt / 2.0, k1[4], k2[4], k3[4], k4[4], y[4];
    ref_dsdt(s, a, k1);
    for (j = 0; j < 4; ++j) y[j] = s[j] + dt2 * k1[j];
    ref_dsdt(y, a, k2);
    for (j = 0; j < 4; ++j) y[j] = s[j] + dt2 * k2[j];
    ref_dsdt(y, a, k3);
    for (j = 0; j < 4; ++j) y[j] = s[j] + dt * k3[j];
    ref_dsdt(y, a, k4);
    for (j = 0; j < 4; ++j)
      s[j] = s[j] + dt / 6.0 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
  }
}

static void ref_acrobot(double* s, int action) {
  double diff = PI - -PI;
  int j;
  ref_rk4(s, (double)(action - 1), 0.2, 1);
  for (j = 0; j < 2; ++j) {
    while (s[j] > PI) s[j] -= diff;
    while (s[j] < -PI) s[j] += diff;
  }
  s[2] = fmin(fmax(s[2], -4 * PI), 4 * PI);
  s[3] = fmin(fmax(s[3], -9 * PI), 9 * PI);
}

static const char* ac_names[4] = {"theta1", "theta2", "dtheta1", "dtheta2"};

static void test_acrobot_reference(myr_precision prec) {
  enum { N = 8, T = 300 };
  myr_batch* b = make("acrobot-v1", N, prec, MYR_AUTORESET_DISABLED, NULL, 0);
  double s[4][N], g[4][N], maxerr = 0.0;
  int32_t act[N];
  float obs[N * 6], rew[N];
  uint8_t te[N], tr[N], done[N] = {0};
  myr_step_out out = {obs, rew, te, tr, NULL};
  uint64_t seed = 3;
  int t, i, j, exact = 1, flags_ok = 1, wrapped = 0, n_term = 0;
  for (j = 0; j < 4; ++j) CHECK_OK(myr_batch_get_state(b, ac_names[j], s[j]));
  for (i = 0; i < N; ++i)
    for (j = 0; j < 4; ++j)
      CHECK(fabs(s[j][i]) <= 0.1 && s[j][i] == (double)(float)s[j][i]);
  for (t = 0; t < T; ++t) {
    /* pump: torque against dtheta1 swings up in about 80 steps */
    for (i = 0; i < N; ++i)
      act[i] = i % 2 ? (int32_t)(lcg(&seed) % 3) : s[2][i] >= 0 ? 0 : 2;
    CHECK_OK(myr_batch_step(b, act, &out));
    for (j = 0; j < 4; ++j) CHECK_OK(myr_batch_get_state(b, ac_names[j], g[j]));
    for (i = 0; i < N; ++i) {
      double q[4];
      int term;
      if (done[i]) continue;
      for (j = 0; j < 4; ++j) q[j] = s[j][i];
      ref_acrobot(q, act[i]);
      term = -cos(q[0]) - cos(q[1] + q[0]) > 1.0;
      for (j = 0; j < 2; ++j)
        if (fabs(q[j]) > 3.0) wrapped = 1;
      for (j = 0; j < 4; ++j) {
        if (prec == MYR_FLOAT64) {
          if (g[j][i] != q[j]) exact = 0;
        } else {
          double e = fabs(g[j][i] - q[j]);
          if (e > maxerr) maxerr = e;
        }
        s[j][i] = prec == MYR_FLOAT64 ? q[j] : g[j][i];
      }
      if (prec == MYR_FLOAT64 &&
          (te[i] != (uint8_t)term || rew[i] != (term ? 0.0f : -1.0f)))
        flags_ok = 0;
      if (te[i]) {
        done[i] = 1;
        n_term++;
      }
    }
  }
  if (prec == MYR_FLOAT64) CHECK_MSG(exact, "float64 acrobot is not bitwise");
  else CHECK_MSG(maxerr < 1e-3, "float32 acrobot one-step error %g", maxerr);
  CHECK(flags_ok);
  CHECK_MSG(wrapped, "no angle came near the wrap");
  CHECK_MSG(n_term > 0, "the pumping envs never swung up");
  myr_batch_destroy(b);
}

/* one RK4 step of 0.2 s against 2000 RK4 substeps (error O(h^5)) */
static void test_acrobot_rk4_accuracy(void) {
  enum { N = 4 };
  myr_batch* b = make("acrobot-v1", N, MYR_FLOAT64, MYR_AUTORESET_DISABLED,
                      NULL, 0);
  double init[4][N] = {{0.3, -1.0, 2.0, 0.0},
                       {0.2, 0.5, -1.5, 1.0},
                       {0.0, 1.0, 0.5, -2.0},
                       {0.5, -0.5, 1.0, 3.0}};
  double g[4][N], worst = 0.0, nonzero = 0.0;
  int32_t act[N] = {0, 1, 2, 1};
  float obs[N * 6], rew[N];
  uint8_t te[N], tr[N];
  myr_step_out out = {obs, rew, te, tr, NULL};
  int i, j;
  for (j = 0; j < 4; ++j) CHECK_OK(myr_batch_set_state(b, ac_names[j], init[j]));
  CHECK_OK(myr_batch_step(b, act, &out));
  for (j = 0; j < 4; ++j) CHECK_OK(myr_batch_get_state(b, ac_names[j], g[j]));
  for (i = 0; i < N; ++i) {
    double q[4];
    for (j = 0; j < 4; ++j) q[j] = init[j][i];
    ref_rk4(q, (double)(act[i] - 1), 0.2, 2000);
    for (j = 0; j < 4; ++j) {
      double e = fabs(g[j][i] - q[j]);
      if (e > worst) worst = e;
      if (e > nonzero) nonzero = e;
    }
  }
  CHECK_MSG(worst < 2e-3, "one RK4 step vs fine integration: %g", worst);
  CHECK_MSG(nonzero > 0.0, "suspiciously exact");
  myr_batch_destroy(b);
}

int main(void) {
  test_pendulum_reference(MYR_FLOAT64);
  test_pendulum_reference(MYR_FLOAT32);
  test_pendulum_physics();
  test_mountaincar_reference(MYR_FLOAT64);
  test_mountaincar_reference(MYR_FLOAT32);
  test_mountaincar_pumping();
  test_acrobot_reference(MYR_FLOAT64);
  test_acrobot_reference(MYR_FLOAT32);
  test_acrobot_rk4_accuracy();
  return check_summary("test_envs_classic");
}
