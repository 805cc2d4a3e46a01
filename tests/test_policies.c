/* Built-in closed-loop policies: spec errors name the bad key (or the bad
 * term of a field combination); bangbang on one field, bangbang on a
 * linear combination of fields and a thresholded PID on CartPole; PID holds the gene circuit (if built)
 * and opto-hill near a setpoint better than random light; periodic
 * switches on the clock; PID memory is per env, so threads, block size,
 * chunk size and splitting a rollout in two change nothing. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "myriad/myriad.h"

static myr_batch* make(const char* id, int64_t n, int32_t threads,
                       uint64_t seed) {
  myr_batch_def d = myr_batch_def_default();
  myr_batch* b = NULL;
  d.seed = seed;
  d.threads = threads;
  CHECK_OK(myr_batch_create(id, n, &d, &b));
  return b;
}

static void bad_spec(const char* env, const char* spec, const char* must) {
  int rc = myr_policy_check(myr_env_find(env), spec);
  CHECK_MSG(rc == MYR_EINVAL && strstr(myr_last_error(), must) != NULL,
            "'%s' -> %d '%s' (want '%s')", spec, rc, myr_last_error(), must);
}

static void test_parse(void) {
  const myr_env_info* cp = myr_env_find("cartpole-v1");
  CHECK_OK(myr_policy_check(cp, "bangbang:field=theta_dot"));
  CHECK_OK(myr_policy_check(cp, "pid:field=theta,setpoint=0,kp=-1,kd=-3,bias=0.5"));
  CHECK_OK(myr_policy_check(cp, "periodic:10"));
  bad_spec("cartpole-v1", "pid:field=theta,setpoint=0,kq=1", "'kq'");
  bad_spec("cartpole-v1", "pid:field=theta,setpoint=0,kp=abc", "'kp'");
  bad_spec("cartpole-v1", "pid:field=thetta,setpoint=0", "'thetta'");
  bad_spec("cartpole-v1", "pid:setpoint=0,kp=1", "'field'");
  bad_spec("cartpole-v1", "pid:field=theta,kp=1", "'setpoint'");
  bad_spec("cartpole-v1", "pid:field=theta,setpoint=0,limit=-1", "'limit'");
  bad_spec("cartpole-v1", "bangbang:field=theta,invert=2", "'invert'");
  bad_spec("cartpole-v1", "bangbang:field=theta,kp=1", "'kp'");
  bad_spec("cartpole-v1", "bangbang:field=theta,setpoint", "'setpoint'");
  bad_spec("cartpole-v1", "bangbang", "'field'");
  bad_spec("cartpole-v1", "periodic:0", "period");
  bad_spec("cartpole-v1", "periodic:2.5", "period");
  bad_spec("cartpole-v1", "pidd:field=theta", "unknown policy");
  /* linear combinations of fields; errors name the bad term */
  CHECK_OK(myr_policy_check(cp, "bangbang:field=theta+0.5*theta_dot+0.01*x+0.1*x_dot"));
  CHECK_OK(myr_policy_check(cp, "bangbang:field=-x_dot-2*theta,setpoint=0.1"));
  CHECK_OK(myr_policy_check(cp, "bangbang:field=1e-2*x+2.5E+1*theta"));
  CHECK_OK(myr_policy_check(cp, "pid:field=theta+5*theta_dot,setpoint=0,kp=-1"));
  bad_spec("cartpole-v1", "bangbang:field=theta+0.5*thetadot", "term '+0.5*thetadot'");
  bad_spec("cartpole-v1", "bangbang:field=theta+abc*x", "term '+abc*x'");
  bad_spec("cartpole-v1", "bangbang:field=theta+0.5**x", "term '+0.5**x'");
  bad_spec("cartpole-v1", "bangbang:field=theta*2", "term 'theta*2'");
  bad_spec("cartpole-v1", "bangbang:field=theta++x", "empty term");
  bad_spec("cartpole-v1", "bangbang:field=theta-", "empty term");
  bad_spec("cartpole-v1", "bangbang:field=", "empty");
  bad_spec("cartpole-v1", "bangbang:field=0.5*", "term '0.5*'");
  bad_spec("cartpole-v1", "pid:field=theta+inf*x,setpoint=0", "term '+inf*x'");
  bad_spec("cartpole-v1",
           "bangbang:field=x+x+x+x+x+x+x+x+theta", "more than 8 terms at '+theta'");
}

static myr_rollout_stats run(myr_batch* b, const char* policy, int64_t steps) {
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  memset(&st, 0, sizeof st);
  rd.policy = policy;
  rd.steps = steps;
  CHECK_OK(myr_batch_rollout(b, &rd, &st));
  return st;
}

/* fraction of episodes that reached the 500-step limit */
static double full_fraction(const char* policy, double* mean_len) {
  myr_batch* b = make("cartpole-v1", 1000, 2, 3);
  myr_rollout_stats st = run(b, policy, 1500);
  myr_batch_destroy(b);
  *mean_len = st.mean_length;
  /* every episode ended within 1500 steps: all lengths 500 <=> mean 500 */
  return st.episodes ? (st.mean_length >= 499.999 ? 1.0 : st.mean_length / 500.0)
                     : 0.0;
}

static void test_cartpole(void) {
  double len_bb, len_pid, len_rand, f_pid;
  myr_batch* b = make("cartpole-v1", 1000, 2, 3);
  len_rand = run(b, "random", 1500).mean_length;
  myr_batch_destroy(b);
  (void)full_fraction("bangbang:field=theta_dot", &len_bb);
  f_pid = full_fraction("pid:field=theta,setpoint=0,kp=-10,kd=-50,bias=0.5",
                        &len_pid);
  printf("cartpole mean episode length: random %.1f, bangbang on theta_dot "
         "%.1f, thresholded PD on theta %.1f\n", len_rand, len_bb, len_pid);
  /* one field alone (theta_dot) balances for about 200 steps on average */
  CHECK_MSG(len_bb > 5.0 * len_rand, "bangbang %g vs random %g", len_bb,
            len_rand);
  /* a switching rule on theta + 5 dtheta holds every episode for 500 */
  CHECK_MSG(f_pid >= 1.0, "PD bang-bang mean length %g", len_pid);
}

/* state hash after a closed-loop rollout of 3000 cartpole-v1 envs */
static uint64_t rollout_hash(const char* policy, int32_t threads,
                             int64_t steps) {
  myr_batch* b = make("cartpole-v1", 3000, threads, 9);
  uint64_t h;
  (void)run(b, policy, steps);
  h = myr_batch_state_hash(b);
  myr_batch_destroy(b);
  return h;
}

/* per env: how its first episode ended (0 still running, 1 terminated,
 * 2 truncated) */
typedef struct first_end {
  int64_t n;
  uint8_t how[1000];
} first_end;

static int track_first_end(const myr_traj_chunk* c, void* user) {
  first_end* r = (first_end*)user;
  int64_t s, i;
  for (s = 0; s < c->steps; ++s)
    for (i = 0; i < c->num_envs && i < r->n; ++i) {
      size_t k = (size_t)(s * c->num_envs + i);
      if (r->how[i] == 0 && (c->terminated[k] | c->truncated[k]))
        r->how[i] = c->terminated[k] ? 1 : 2;
    }
  return 0;
}

/* bangbang on a linear combination of the four state fields (a switching
 * linear state feedback): most envs keep the pole up for the full 500
 * steps, where one raw field (theta_dot) manages about 200 on average */
static void test_bangbang_combination(void) {
  const char* comb = "bangbang:field=theta+0.5*theta_dot+0.01*x+0.1*x_dot";
  myr_batch* b = make("cartpole-v1", 1000, 2, 3);
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  first_end fe;
  int64_t i, full = 0, fell = 0;
  memset(&fe, 0, sizeof fe);
  fe.n = 1000;
  rd.policy = comb;
  rd.steps = 600;
  rd.chunk_size = 64;
  rd.on_chunk = track_first_end;
  rd.user = &fe;
  CHECK_OK(myr_batch_rollout(b, &rd, &st));
  for (i = 0; i < 1000; ++i) {
    full += fe.how[i] == 2;
    fell += fe.how[i] == 1;
  }
  printf("cartpole bangbang on theta+0.5*theta_dot+0.01*x+0.1*x_dot: %lld of "
         "1000 envs truncated at 500 steps, %lld fell; mean episode length "
         "%.1f over %lld episodes\n", (long long)full, (long long)fell,
         st.mean_length, (long long)st.episodes);
  CHECK_MSG(full >= 900, "only %lld of 1000 envs reached 500 steps",
            (long long)full);
  myr_batch_destroy(b);

  /* the coefficients matter: the opposite sign drops the pole at once */
  b = make("cartpole-v1", 1000, 2, 3);
  st = run(b, "bangbang:field=-theta-0.5*theta_dot-0.01*x-0.1*x_dot", 600);
  CHECK_MSG(st.episodes > 0 && st.mean_length < 50.0,
            "negated rule: mean length %g", st.mean_length);
  myr_batch_destroy(b);

  /* a plain field is the one-term combination; positive scales and
   * exponent notation change no action; any thread count gives the same */
  CHECK(rollout_hash("bangbang:field=theta_dot", 2, 300) ==
        rollout_hash("bangbang:field=+1*theta_dot", 1, 300));
  CHECK(rollout_hash("bangbang:field=theta_dot", 2, 300) ==
        rollout_hash("bangbang:field=4*theta_dot", 2, 300));
  CHECK(rollout_hash(comb, 1, 300) ==
        rollout_hash("bangbang:field=theta+5e-1*theta_dot+1e-2*x+1E-1*x_dot",
                     2, 300));
  CHECK(rollout_hash(comb, 1, 300) != rollout_hash("bangbang:field=theta_dot",
                                                   1, 300));
}

/* mean |field - setpoint| over envs and steps of a rollout */
static double tracking_error(const char* env, const char* field,
                             const char* policy, double setpoint,
                             int64_t steps) {
  enum { N = 2000 };
  static double v[N];
  myr_batch* b = make(env, N, 2, 8);
  double err = 0.0;
  int64_t t, i;
  run(b, policy, 60); /* settle */
  for (t = 0; t < steps; t += 10) {
    run(b, policy, 10);
    CHECK_OK(myr_batch_get_state(b, field, v));
    for (i = 0; i < N; ++i) err += fabs(v[i] - setpoint);
  }
  myr_batch_destroy(b);
  return err / (double)N / (double)(steps / 10);
}

static void test_pid_holds(void) {
  double e_pid = tracking_error("opto-hill-1d", "X",
                                "pid:field=X,setpoint=40,kp=0.02,ki=0.002,limit=500",
                                40.0, 200);
  double e_rand = tracking_error("opto-hill-1d", "X", "random", 40.0, 200);
  printf("opto-hill |X - 40|: pid %.2f, random %.2f\n", e_pid, e_rand);
  CHECK_MSG(e_pid < 0.6 * e_rand, "pid %g vs random %g", e_pid, e_rand);
  if (myr_env_find("gene-circuit") != NULL) {
    const char* pid = "pid:field=F,setpoint=25,kp=0.1";
    double g_pid = tracking_error("gene-circuit", "F", pid, 25.0, 200);
    double g_rand = tracking_error("gene-circuit", "F", "random", 25.0, 200);
    printf("gene circuit |F - 25|: %s %.2f, random %.2f\n", pid, g_pid, g_rand);
    CHECK_MSG(g_pid < 0.75 * g_rand, "pid %g vs random %g", g_pid, g_rand);
  }
}

typedef struct rec_actions {
  int32_t a[16];
  int n;
} rec_actions;

static int grab(const myr_traj_chunk* c, void* user) {
  rec_actions* r = (rec_actions*)user;
  int64_t s;
  for (s = 0; s < c->steps && r->n < 16; ++s)
    r->a[r->n++] = ((const int32_t*)c->action)[s * c->num_envs];
  return 0;
}

static void test_periodic(void) {
  myr_batch* b = make("cartpole-v1", 4, 1, 1);
  myr_rollout_def rd = myr_rollout_def_default();
  rec_actions r;
  /* the JAX original's periodic agent: W steps on, then W steps off */
  const int32_t want[10] = {1, 1, 1, 0, 0, 0, 1, 1, 1, 0};
  int k, ok = 1;
  memset(&r, 0, sizeof r);
  rd.policy = "periodic:3";
  rd.steps = 10;
  rd.chunk_size = 3;
  rd.on_chunk = grab;
  rd.user = &r;
  CHECK_OK(myr_batch_rollout(b, &rd, NULL));
  for (k = 0; k < 10; ++k) ok &= r.a[k] == want[k];
  CHECK_MSG(ok && r.n == 10, "periodic actions %d %d %d %d %d %d %d", r.a[0],
            r.a[1], r.a[2], r.a[3], r.a[4], r.a[5], r.a[6]);
  myr_batch_destroy(b);
}

/* PID memory lives per env in the batch */
static void test_pid_determinism(void) {
  const char* pid = "pid:field=X,setpoint=30,kp=0.03,ki=0.001,kd=0.01";
  uint64_t h[4];
  myr_rollout_def rd = myr_rollout_def_default();
  myr_batch* b;
  int k;
  for (k = 0; k < 4; ++k) {
    b = make("opto-hill-1d", 3000, k == 0 ? 1 : 2, 4);
    rd.policy = pid;
    rd.chunk_size = k == 2 ? 5 : 0;
    if (k == 1) CHECK_OK(myr_batch_set_block_size(b, 64));
    if (k == 3) { /* two rollouts of 50 == one of 100 */
      rd.steps = 50;
      CHECK_OK(myr_batch_rollout(b, &rd, NULL));
      CHECK_OK(myr_batch_rollout(b, &rd, NULL));
    } else {
      rd.steps = 100;
      CHECK_OK(myr_batch_rollout(b, &rd, NULL));
    }
    h[k] = myr_batch_state_hash(b);
    myr_batch_destroy(b);
  }
  CHECK(h[0] == h[1] && h[0] == h[2] && h[0] == h[3]);
  /* and the integral matters: without ki the result differs */
  b = make("opto-hill-1d", 3000, 2, 4);
  rd.policy = "pid:field=X,setpoint=30,kp=0.03,kd=0.01";
  rd.steps = 100;
  rd.chunk_size = 0;
  CHECK_OK(myr_batch_rollout(b, &rd, NULL));
  CHECK(myr_batch_state_hash(b) != h[0]);
  myr_batch_destroy(b);
}

int main(void) {
  test_parse();
  test_cartpole();
  test_bangbang_combination();
  test_pid_holds();
  test_periodic();
  test_pid_determinism();
  return check_summary("test_policies");
}
