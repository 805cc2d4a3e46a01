/*
 * pool.c -- a persistent thread pool with a range-based parallel-for.
 *
 * The caller is worker 0; threads-1 pthreads are workers 1..threads-1.  A
 * job is published by bumping `generation` (release) under the mutex; a
 * worker that sees a new generation runs its contiguous range of [0, n) and
 * decrements `remaining`.  Workers spin briefly before sleeping on the
 * condition variable, so back-to-back steps do not pay a wake-up each.
 * The split of [0, n) depends only on (n, threads, align): worker w always
 * gets the same envs, and results never depend on scheduling.
 */
#include <pthread.h>
#include <signal.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#  include <immintrin.h>
#  define cpu_relax() _mm_pause()
#else
#  define cpu_relax() ((void)0)
#endif

#include "internal.h"

#define SPIN_ROUNDS 20000

typedef struct worker_arg {
  struct myr__pool* pool;
  int32_t index;
} worker_arg;

struct myr__pool {
  int32_t threads;
  pthread_t* tids;
  worker_arg* args; /* owned by the pool: workers never allocate or free */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  atomic_uint_fast64_t generation;
  atomic_int remaining;
  atomic_int stop;
  /* the current job, written before the generation bump */
  myr__range_fn fn;
  void* ctx;
  int64_t n;
  int64_t align;
};

static void worker_range(const myr__pool* p, int32_t w, int64_t* b, int64_t* e) {
  int64_t t = p->threads;
  int64_t lo = p->n * w / t;
  int64_t hi = p->n * (w + 1) / t;
  lo -= lo % p->align;
  hi = w == t - 1 ? p->n : hi - hi % p->align;
  *b = lo;
  *e = hi;
}

static void* worker_main(void* arg) {
  worker_arg* wa = (worker_arg*)arg;
  myr__pool* p = wa->pool;
  int32_t index = wa->index;
  uint_fast64_t seen = 0;
  for (;;) {
    uint_fast64_t g = atomic_load_explicit(&p->generation, memory_order_acquire);
    int spin;
    for (spin = 0; g == seen && spin < SPIN_ROUNDS; ++spin) {
      cpu_relax();
      g = atomic_load_explicit(&p->generation, memory_order_acquire);
    }
    if (g == seen) {
      pthread_mutex_lock(&p->mu);
      while ((g = atomic_load_explicit(&p->generation, memory_order_acquire)) ==
             seen)
        pthread_cond_wait(&p->cv, &p->mu);
      pthread_mutex_unlock(&p->mu);
    }
    seen = g;
    if (atomic_load_explicit(&p->stop, memory_order_acquire)) break;
    {
      int64_t b, e;
      worker_range(p, index, &b, &e);
      if (b < e) p->fn(p->ctx, b, e, index);
    }
    atomic_fetch_sub_explicit(&p->remaining, 1, memory_order_release);
  }
  return NULL;
}

static void publish(myr__pool* p) {
  pthread_mutex_lock(&p->mu);
  atomic_fetch_add_explicit(&p->generation, 1, memory_order_release);
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

int myr__pool_create(int32_t threads, myr__pool** out) {
  myr__pool* p;
  sigset_t all, old_mask;
  int32_t i;
  *out = NULL;
  if (threads < 1) threads = 1;
  p = (myr__pool*)myr__alloc(sizeof *p);
  if (p == NULL) return myr__fail(MYR_ENOMEM, "out of memory (thread pool)");
  p->threads = 1;
  p->tids = NULL;
  p->args = NULL;
  p->fn = NULL;
  p->ctx = NULL;
  p->n = 0;
  p->align = 1;
  atomic_init(&p->generation, 0);
  atomic_init(&p->remaining, 0);
  atomic_init(&p->stop, 0);
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  if (threads > 1) {
    p->tids = (pthread_t*)myr__alloc(sizeof(pthread_t) * (size_t)threads);
    p->args = (worker_arg*)myr__alloc(sizeof(worker_arg) * (size_t)threads);
    if (p->tids == NULL || p->args == NULL) {
      myr__pool_destroy(p);
      return myr__fail(MYR_ENOMEM, "out of memory (thread pool)");
    }
    /* workers start with every signal blocked (they inherit the mask), so
     * a process-directed signal such as Ctrl-C is handled by an
     * application thread, never inside the library's workers */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old_mask);
    for (i = 1; i < threads; ++i) {
      worker_arg* wa = &p->args[i];
      wa->pool = p;
      wa->index = i;
      if (pthread_create(&p->tids[i], NULL, worker_main, wa) != 0) {
        pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
        myr__pool_destroy(p);
        return myr__fail(MYR_ENOMEM, "cannot start worker thread %d", (int)i);
      }
      p->threads = i + 1;
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
  }
  *out = p;
  return MYR_OK;
}

void myr__pool_destroy(myr__pool* p) {
  int32_t i;
  if (p == NULL) return;
  if (p->threads > 1) {
    atomic_store_explicit(&p->stop, 1, memory_order_release);
    publish(p);
    for (i = 1; i < p->threads; ++i) pthread_join(p->tids[i], NULL);
  }
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv);
  myr__free(p->tids);
  myr__free(p->args);
  myr__free(p);
}


static int64_t p_align(int64_t align) { return align < 1 ? 1 : align; }

void myr__pool_for(myr__pool* p, int64_t n, int64_t align, myr__range_fn fn,
                   void* ctx) {
  int64_t b, e;
  if (n <= 0) return;
  /* one thread, or a job no larger than one aligned block: worker_range()
   * would give every env to the last worker and none to the caller, so the
   * caller runs it itself (the same envs in one range, as with one thread)
   * instead of waking a worker and waiting for it, which on a busy machine
   * costs far more than the job */
  if (p->threads == 1 || n <= p_align(align)) {
    fn(ctx, 0, n, 0);
    return;
  }
  p->fn = fn;
  p->ctx = ctx;
  p->n = n;
  p->align = p_align(align);
  atomic_store_explicit(&p->remaining, p->threads - 1, memory_order_relaxed);
  publish(p);
  worker_range(p, 0, &b, &e);
  if (b < e) fn(ctx, b, e, 0);
  {
    int spin = 0;
    while (atomic_load_explicit(&p->remaining, memory_order_acquire) != 0) {
      if (++spin < SPIN_ROUNDS)
        cpu_relax();
      else
        sched_yield();
    }
  }
}
