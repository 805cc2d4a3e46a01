/*
 * test_pool.c -- the thread pool's parallel-for: every env of [0, n) runs
 * exactly once, and a job no larger than one aligned block runs on the
 * calling thread as worker 0 (no hand-off to a worker that may be asleep).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "check.h"
#include "engine/internal.h"

#define MAXN 5000

typedef struct job {
  atomic_int hits[MAXN];
  atomic_int calls;
  atomic_int on_caller;   /* ranges run by the calling thread */
  atomic_int worker_max;
  pthread_t caller;
} job;

static void range_fn(void* ctx, int64_t b, int64_t e, int32_t worker) {
  job* j = (job*)ctx;
  int64_t i;
  for (i = b; i < e; ++i) atomic_fetch_add(&j->hits[i], 1);
  atomic_fetch_add(&j->calls, 1);
  if (pthread_equal(pthread_self(), j->caller))
    atomic_fetch_add(&j->on_caller, 1);
  if (worker > atomic_load(&j->worker_max)) atomic_store(&j->worker_max, worker);
}

static void run(myr__pool* p, int64_t n, int64_t align, job* j) {
  int64_t i;
  for (i = 0; i < MAXN; ++i) atomic_init(&j->hits[i], 0);
  atomic_init(&j->calls, 0);
  atomic_init(&j->on_caller, 0);
  atomic_init(&j->worker_max, 0);
  j->caller = pthread_self();
  myr__pool_for(p, n, align, range_fn, j);
}

static int each_once(job* j, int64_t n) {
  int64_t i;
  for (i = 0; i < MAXN; ++i)
    if (atomic_load(&j->hits[i]) != (i < n ? 1 : 0)) return 0;
  return 1;
}

int main(void) {
  static job j;
  int32_t threads;
  for (threads = 1; threads <= 4; threads *= 2) {
    myr__pool* p = NULL;
    int64_t sizes[] = {0, 1, 8, 63, 64, 65, 128, 1000, 4999};
    size_t k;
    CHECK(myr__pool_create(threads, &p) == MYR_OK && p != NULL);
    for (k = 0; k < sizeof sizes / sizeof sizes[0]; ++k) {
      int64_t n = sizes[k];
      run(p, n, 64, &j);
      CHECK_MSG(each_once(&j, n), "threads %d n %lld", (int)threads, (long long)n);
      if (n == 0) {
        CHECK(atomic_load(&j.calls) == 0);
      } else if (n <= 64 || threads == 1) {
        /* one range, on the caller, as worker 0 */
        CHECK_MSG(atomic_load(&j.calls) == 1 && atomic_load(&j.on_caller) == 1 &&
                      atomic_load(&j.worker_max) == 0,
                  "threads %d n %lld: %d calls, %d on the caller", (int)threads,
                  (long long)n, atomic_load(&j.calls), atomic_load(&j.on_caller));
      }
    }
    /* align 1: small jobs are split too (one env a worker at most) */
    run(p, 3, 1, &j);
    CHECK(each_once(&j, 3));
    myr__pool_destroy(p);
  }
  return check_summary("test_pool");
}
