/*
 * One call at a time on a batch: a chunk callback that calls back into its
 * own batch (step, set_threads, get_state, another rollout) gets MYR_EBUSY
 * and changes nothing, so the rollout's statistics are those of a rollout
 * without the calls; a destroy inside the callback, or from another thread
 * during a rollout, is deferred until the rollout returns (which it does at
 * the next chunk boundary, MYR_EINTR); two threads on one batch: one gets
 * MYR_EBUSY, nothing deadlocks.  ASan and TSan run this test too.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "myriad/myriad.h"

#define N 4096

static myr_batch* make(int threads) {
  myr_batch_def def = myr_batch_def_default();
  myr_batch* b = NULL;
  def.seed = 3;
  def.threads = threads;
  CHECK_OK(myr_batch_create("cartpole", N, &def, &b));
  return b;
}

typedef struct reenter {
  myr_batch* b;
  int chunks;
  int busy;        /* calls refused with MYR_EBUSY */
  int other;       /* calls that returned anything else */
  int destroy_at;  /* chunk at which to destroy the batch (0: never) */
  int said_busy;   /* refusals whose message says why */
} reenter;

static int calls_back(const myr_traj_chunk* c, void* user) {
  reenter* r = (reenter*)user;
  static int32_t act[N];
  static double buf[N];
  float obs[4 * 8];
  myr_rollout_def rd = myr_rollout_def_default();
  int rc[5], k;
  (void)c;
  r->chunks++;
  rd.steps = 1;
  rc[0] = myr_batch_step(r->b, act, NULL);
  r->said_busy += strstr(myr_last_error(), "in use by another call") != NULL;
  rc[1] = myr_batch_set_threads(r->b, 1);
  rc[2] = myr_batch_get_state(r->b, "x", buf);
  rc[3] = myr_batch_rollout(r->b, &rd, NULL);
  rc[4] = myr_batch_observe(r->b, obs);
  for (k = 0; k < 5; ++k) {
    if (rc[k] == MYR_EBUSY) r->busy++;
    else r->other++;
  }
  if (r->destroy_at > 0 && r->chunks == r->destroy_at) myr_batch_destroy(r->b);
  return 0;
}

static void test_callback(void) {
  myr_batch *a = make(2), *b = make(2);
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats sa, sb;
  reenter r;
  memset(&r, 0, sizeof r);
  r.b = b;
  rd.steps = 200;
  rd.chunk_size = 16;
  CHECK_OK(myr_batch_rollout(a, &rd, &sa));
  rd.on_chunk = calls_back;
  rd.user = &r;
  CHECK_OK(myr_batch_rollout(b, &rd, &sb));
  CHECK(r.chunks == 13 && r.busy == 5 * 13 && r.other == 0 && r.said_busy == 13);
  /* nothing the refused calls tried happened */
  CHECK(sa.episodes == sb.episodes && sa.length_sum == sb.length_sum &&
        sa.return_sum_fixed == sb.return_sum_fixed);
  CHECK(myr_batch_threads(b) == 2);
  CHECK(myr_batch_state_hash(a) == myr_batch_state_hash(b));
  CHECK(myr_batch_clock(a) == myr_batch_clock(b));
  /* and the batch works normally afterwards */
  rd.on_chunk = NULL;
  CHECK_OK(myr_batch_set_threads(b, 1));
  CHECK_OK(myr_batch_rollout(b, &rd, &sb));
  myr_batch_destroy(a);
  myr_batch_destroy(b);
}

/* destroy inside the callback: the rollout stops at that chunk boundary and
 * the batch is freed when it returns (ASan: no use after free, no leak) */
static void test_destroy_in_callback(void) {
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  reenter r;
  int rc;
  memset(&r, 0, sizeof r);
  r.b = make(2);
  r.destroy_at = 3;
  rd.steps = 1000;
  rd.chunk_size = 10;
  rd.on_chunk = calls_back;
  rd.user = &r;
  rc = myr_batch_rollout(r.b, &rd, &st);
  CHECK_MSG(rc == MYR_EINTR && strstr(myr_last_error(), "destroyed") != NULL,
            "rc %d: %s", rc, myr_last_error());
  CHECK(r.chunks == 3 && st.steps == 30 * N);
}

typedef struct runner {
  myr_batch* b;
  atomic_int started, done;
  int rc;
} runner;

static void* long_rollout(void* arg) {
  runner* r = (runner*)arg;
  myr_rollout_def rd = myr_rollout_def_default();
  rd.steps = 2000000;
  rd.chunk_size = 8;
  atomic_store(&r->started, 1);
  r->rc = myr_batch_rollout(r->b, &rd, NULL);
  atomic_store(&r->done, 1);
  return NULL;
}

/* two threads: the second call is refused while the rollout runs, and a
 * destroy from the second thread stops the rollout and frees the batch */
static void test_threads(void) {
  runner r;
  pthread_t t;
  static int32_t act[N];
  int k, busy = 0, ok = 0;
  memset(&r, 0, sizeof r);
  r.b = make(1);
  CHECK(pthread_create(&t, NULL, long_rollout, &r) == 0);
  while (!atomic_load(&r.started)) usleep(100);
  for (k = 0; k < 200 && !atomic_load(&r.done); ++k) {
    int rc = myr_batch_step(r.b, act, NULL);
    busy += rc == MYR_EBUSY;
    ok += rc == MYR_OK;
    usleep(200);
  }
  CHECK_MSG(busy > 0, "no call was refused (%d went through)", ok);
  CHECK(!atomic_load(&r.done)); /* 2M steps of 4096 envs take minutes */
  myr_batch_destroy(r.b);      /* deferred: the rollout frees it */
  pthread_join(t, NULL);
  CHECK_MSG(r.rc == MYR_EINTR, "rollout returned %d", r.rc);
}

typedef struct heavy {
  myr_batch* b;
  volatile sig_atomic_t stop;
  atomic_int started;
  int rc;
  myr_rollout_stats st;
} heavy;

static void* heavy_rollout(void* arg) {
  heavy* h = (heavy*)arg;
  myr_rollout_def rd = myr_rollout_def_default();
  rd.steps = 100000;
  rd.chunk_size = 512;
  rd.policy = "constant:1";
  rd.stop = &h->stop;
  atomic_store(&h->started, 1);
  h->rc = myr_batch_rollout(h->b, &rd, &h->st);
  return NULL;
}

/* the stop flag set while a heavy chunk runs (each env-step a million SSA
 * reactions, a chunk of 512 steps tens of seconds): the rollout stops
 * inside the chunk at once, the batch says so and refuses to step until a
 * full reset */
static void test_stop_inside_chunk(void) {
  myr_param_setting ps[4];
  char names[4][64];
  static const char* const set[] = {"eta=1e6", "nu=1e-9", "cap=1000000", "dt=1e6"};
  myr_batch_def def = myr_batch_def_default();
  heavy h;
  pthread_t t;
  static int32_t act[4];
  int k;
  struct timespec t0, t1, pause = {0, 100000000};
  memset(&h, 0, sizeof h);
  for (k = 0; k < 4; ++k)
    CHECK_OK(myr_param_parse(set[k], &ps[k], names[k], sizeof names[k]));
  def.params = ps;
  def.num_params = 4;
  def.threads = 2;
  CHECK_OK(myr_batch_create("gene-circuit", 4, &def, &h.b));
  CHECK(pthread_create(&t, NULL, heavy_rollout, &h) == 0);
  while (!atomic_load(&h.started)) usleep(100);
  nanosleep(&pause, NULL);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  __atomic_store_n(&h.stop, 1, __ATOMIC_RELAXED); /* the flag is read atomically */
  pthread_join(t, NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  CHECK_MSG(h.rc == MYR_EINTR, "rc %d", h.rc);
  CHECK_MSG((double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec) < 5.0,
            "the stop took too long");
  CHECK(h.st.steps == 0); /* no whole step of the chunk was counted */
  CHECK(myr_batch_step(h.b, act, NULL) == MYR_EINVAL);
  CHECK(strstr(myr_last_error(), "reset it") != NULL);
  {
    myr_rollout_def rd = myr_rollout_def_default();
    rd.steps = 1;
    CHECK(myr_batch_rollout(h.b, &rd, NULL) == MYR_EINVAL);
  }
  CHECK_OK(myr_batch_reset(h.b, NULL, NULL));
  {
    float obs[4 * 3], rew[4];
    uint8_t te[4], tr[4];
    myr_step_out out = {obs, rew, te, tr, NULL};
    CHECK_OK(myr_batch_set_state(h.b, "H", (const double[4]){0, 0, 0, 0}));
    CHECK_OK(myr_batch_step(h.b, act, &out));
  }
  myr_batch_destroy(h.b);
}

int main(void) {
  test_callback();
  test_stop_inside_chunk();
  test_destroy_in_callback();
  test_threads();
  return check_summary("test_reentrant");
}
