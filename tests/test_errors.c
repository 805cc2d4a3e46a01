/*
 * Bad input: each error code comes from some call here, the message names
 * the problem, and a failed call leaves the batch usable and unchanged.
 */
#include <stdint.h>

#include "check.h"
#include "myriad/myriad.h"

static int contains(const char* s, const char* part) {
  return strstr(s, part) != NULL;
}

/* allocator that fails from the k-th allocation on */
static int alloc_budget = -1;
static int alloc_count = 0;
static void* failing_alloc(size_t size, void* ctx) {
  (void)ctx;
  if (alloc_budget >= 0 && alloc_count++ >= alloc_budget) return NULL;
  return malloc(size);
}
static void plain_free(void* p, void* ctx) {
  (void)ctx;
  free(p);
}

int main(void) {
  myr_batch* b = NULL;
  myr_batch* bad = (myr_batch*)0x1;
  myr_batch_def def = myr_batch_def_default();
  myr_param_setting ps[2];
  char name[64];
  int rc;

  def.threads = 2;
  /* unknown environment */
  rc = myr_batch_create("cartpol", 10, &def, &bad);
  CHECK(rc == MYR_ENOENV && bad == NULL);
  CHECK(contains(myr_last_error(), "cartpol"));
  CHECK(myr_env_find("nope") == NULL);
  CHECK(strcmp(myr_strerror(MYR_ENOENV), "unknown environment") == 0);
  CHECK(strcmp(myr_strerror(MYR_EDEVICE), "device failure") == 0);
  CHECK(MYR_EDEVICE == -11);
  {
    /* the status list: 11 codes, each with its own text; values not in it
     * are "unknown status" */
    int count = 0;
#define COUNT_STATUS_(name, value, text)                          \
  count += 1;                                                      \
  CHECK(strcmp(myr_strerror(value), "unknown status") != 0);
    MYR_STATUS_LIST(COUNT_STATUS_)
#undef COUNT_STATUS_
    CHECK_MSG(count == 11, "%d status codes", count);
    CHECK(strcmp(myr_strerror(-8), "unknown status") == 0);
    CHECK(strcmp(myr_strerror(-12), "unknown status") == 0);
  }

  /* num_envs 0, negative, NULL output */
  CHECK(myr_batch_create("cartpole", 0, &def, &b) == MYR_EINVAL && b == NULL);
  CHECK(myr_batch_create("cartpole", -5, &def, &b) == MYR_EINVAL);
  CHECK(myr_batch_create("cartpole", 10, &def, NULL) == MYR_EINVAL);
  /* absurd sizes: out of memory, not a crash */
  CHECK(myr_batch_create("cartpole", MYR_MAX_ENVS + 1, &def, &b) == MYR_ENOMEM);
  CHECK(myr_batch_create("cartpole", INT64_MAX, &def, &b) == MYR_ENOMEM);
  CHECK(contains(myr_last_error(), "out of memory"));
  /* bad enums and thread counts */
  def.precision = (myr_precision)7;
  CHECK(myr_batch_create("cartpole", 10, &def, &b) == MYR_EINVAL);
  def.precision = MYR_FLOAT32;
  def.autoreset = (myr_autoreset)9;
  CHECK(myr_batch_create("cartpole", 10, &def, &b) == MYR_EINVAL);
  def.autoreset = MYR_AUTORESET_SAME_STEP;
  def.threads = -1;
  CHECK(myr_batch_create("cartpole", 10, &def, &b) == MYR_EINVAL);
  def.threads = 2;

  /* parameters: unknown name, out of range, NaN, non-integer */
  def.params = ps;
  def.num_params = 1;
  ps[0].name = "mass";
  ps[0].dist = MYR_DIST_FIXED;
  ps[0].a = 1.0;
  ps[0].b = 0.0;
  CHECK(myr_batch_create("cartpole", 10, &def, &b) == MYR_ENOPARAM);
  CHECK(contains(myr_last_error(), "'mass'"));
  ps[0].name = "tau";
  ps[0].a = -0.01;
  CHECK(myr_batch_create("cartpole", 10, &def, &b) == MYR_ERANGE);
  CHECK(contains(myr_last_error(), "tau"));
  ps[0].a = (double)NAN;
  CHECK(myr_batch_create("cartpole", 10, &def, &b) == MYR_ERANGE);
  ps[0].name = "max_steps";
  ps[0].a = 200.5;
  CHECK(myr_batch_create("cartpole", 10, &def, &b) == MYR_ERANGE);
  ps[0].a = 200;
  CHECK_OK(myr_batch_create("cartpole", 10, &def, &b));
  myr_batch_destroy(b);
  b = NULL;
  /* the text parser */
  CHECK_OK(myr_param_parse("max_steps=200", &ps[1], name, sizeof name));
  CHECK(strcmp(ps[1].name, "max_steps") == 0 && ps[1].a == 200.0);
  CHECK(myr_param_parse("max_steps", &ps[1], name, sizeof name) == MYR_EINVAL);
  CHECK(myr_param_parse("max_steps=abc", &ps[1], name, sizeof name) == MYR_EINVAL);
  CHECK(myr_param_parse("=3", &ps[1], name, sizeof name) == MYR_EINVAL);
  CHECK(myr_param_parse("x=uniform(1,", &ps[1], name, sizeof name) == MYR_EINVAL);
  CHECK_OK(myr_param_parse("x=uniform(1,2)", &ps[1], name, sizeof name));
  CHECK(ps[1].dist == MYR_DIST_UNIFORM && ps[1].a == 1.0 && ps[1].b == 2.0);
  {
    myr_precision p;
    myr_autoreset m;
    CHECK(myr_precision_parse("float16", &p) == MYR_EINVAL);
    CHECK(myr_autoreset_parse("sometimes", &m) == MYR_EINVAL);
  }
  def.num_params = 0;
  def.params = NULL;

  /* allocation failure at every allocation of batch creation */
  {
    int k, ok = 0;
    myr_set_allocator(failing_alloc, plain_free, NULL);
    for (k = 0; k < 64 && !ok; ++k) {
      alloc_budget = k;
      alloc_count = 0;
      rc = myr_batch_create("cartpole", 1000, &def, &b);
      if (rc == MYR_OK) {
        ok = 1;
        myr_batch_destroy(b);
        b = NULL;
      } else {
        CHECK_MSG(rc == MYR_ENOMEM && b == NULL, "k=%d rc=%d", k, rc);
      }
    }
    CHECK(ok && k > 2);
    myr_set_allocator(NULL, NULL, NULL);
    alloc_budget = -1;
  }

  /* a batch to misuse */
  CHECK_OK(myr_batch_create("cartpole", 100, &def, &b));
  {
    float obs[400], rew[100], f[100];
    uint8_t te[100], tr[100];
    int32_t act[100];
    double vals[100];
    myr_step_out out = {obs, rew, te, tr, NULL};
    myr_step_out no_obs = {NULL, rew, te, tr, NULL};
    myr_rollout_def rd = myr_rollout_def_default();
    volatile sig_atomic_t stop = 1;
    uint64_t h0 = myr_batch_state_hash(b), c0 = myr_batch_clock(b);
    int i;
    for (i = 0; i < 100; ++i) act[i] = i & 1;
    /* actions outside {0, 1} */
    act[99] = 2;
    CHECK(myr_batch_step(b, act, &out) == MYR_EINVAL);
    CHECK(contains(myr_last_error(), "env 99"));
    act[99] = -1;
    CHECK(myr_batch_step(b, act, &out) == MYR_EINVAL);
    act[99] = 1;
    /* NULL buffers */
    CHECK(myr_batch_step(b, NULL, &out) == MYR_EINVAL);
    CHECK(myr_batch_step(b, act, NULL) == MYR_EINVAL);
    CHECK(myr_batch_step(b, act, &no_obs) == MYR_EINVAL);
    CHECK(myr_batch_step(NULL, act, &out) == MYR_EINVAL);
    CHECK(myr_batch_step_box(b, f, &out) == MYR_EINVAL);
    CHECK(myr_batch_get_state(b, "x", NULL) == MYR_EINVAL);
    CHECK(myr_batch_reset_mask(b, NULL, NULL) == MYR_EINVAL);
    CHECK(myr_batch_random_actions(b, NULL) == MYR_EINVAL);
    /* unknown fields and parameters, NaN and bad integers in set_state */
    CHECK(myr_batch_get_state(b, "angle", vals) == MYR_ENOFIELD);
    CHECK(myr_batch_get_param(b, "mass", vals) == MYR_ENOPARAM);
    for (i = 0; i < 100; ++i) vals[i] = 0.01;
    vals[50] = (double)NAN;
    CHECK(myr_batch_set_state(b, "theta", vals) == MYR_ERANGE);
    vals[50] = 1.5;
    CHECK(myr_batch_set_state(b, "t", vals) == MYR_EINVAL ||
          myr_batch_set_state(b, "t", vals) == MYR_ERANGE);
    /* rollouts: bad policy, negative steps, disabled mode */
    rd.steps = 10;
    rd.policy = "greedy";
    CHECK(myr_batch_rollout(b, &rd, NULL) == MYR_EINVAL);
    CHECK(contains(myr_last_error(), "greedy"));
    rd.policy = "constant:2";
    CHECK(myr_batch_rollout(b, &rd, NULL) == MYR_EINVAL);
    rd.policy = "constant:0.5";
    CHECK(myr_batch_rollout(b, &rd, NULL) == MYR_EINVAL);
    rd.policy = "random";
    rd.steps = -1;
    CHECK(myr_batch_rollout(b, &rd, NULL) == MYR_EINVAL);
    CHECK(myr_batch_set_threads(b, -3) == MYR_EINVAL);
    CHECK(myr_batch_set_block_size(b, -3) == MYR_EINVAL);
    /* nothing above changed the batch */
    CHECK(myr_batch_state_hash(b) == h0 && myr_batch_clock(b) == c0);
    /* a rollout whose stop flag is already set does not start */
    rd.steps = 100;
    rd.chunk_size = 10;
    rd.stop = &stop;
    CHECK(myr_batch_rollout(b, &rd, NULL) == MYR_EINTR);
    CHECK(myr_batch_clock(b) == c0 && myr_batch_state_hash(b) == h0);
    /* and the batch is still usable */
    CHECK_OK(myr_batch_step(b, act, &out));
    CHECK_OK(myr_batch_set_threads(b, 3));
    CHECK_OK(myr_batch_step(b, act, &out));
  }
  myr_batch_destroy(b);
  myr_batch_destroy(NULL);
  {
    myr_batch_def d64 = myr_batch_def_default();
    myr_batch* c = NULL;
    myr_rollout_def rd = myr_rollout_def_default();
    d64.autoreset = MYR_AUTORESET_DISABLED;
    CHECK_OK(myr_batch_create("cartpole", 10, &d64, &c));
    rd.steps = 5;
    CHECK(myr_batch_rollout(c, &rd, NULL) == MYR_EINVAL);
    myr_batch_destroy(c);
  }
  return check_summary("test_errors");
}
