/*
 * bench_bandwidth.c -- `myriad bench bandwidth`: this machine's memory
 * bandwidth, measured the way STREAM measures it, and what it allows the
 * step API.
 *
 * Three arrays of 2^25 doubles (256 MiB each, far beyond any cache; 2^17
 * with --smoke) are split into one contiguous slice per thread, first
 * touched by the thread that uses it.  Two kernels, R timed runs each
 * after one untimed one: copy a[i] = b[i] (16 bytes per element) and triad
 * a[i] = b[i] + s c[i] (24 bytes).  As in STREAM, bytes are those the
 * program reads and writes (no write-allocate traffic) and the best run is
 * the rate; the median is printed beside it.
 *
 * The step API moves, per env-step of a float32 batch, its state in and
 * out (myr_env_info.state_bytes_per_env, the pending flag included), the
 * caller's action (4 bytes per dimension), the observation (4 obs_dim),
 * the reward (4) and the two flags (2).  Divided into the triad rate this
 * gives the env-steps/s bandwidth bound printed for each selected env.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "cli.h"

typedef struct bw_slice {
  double* a;
  double* b;
  double* c;
  size_t n;
  int kernel; /* 0 first touch, 1 copy, 2 triad */
} bw_slice;

static void* bw_work(void* arg) {
  bw_slice* s = (bw_slice*)arg;
  double* a = s->a;
  const double* b = s->b;
  const double* c = s->c;
  const double q = 3.0;
  size_t i;
  if (s->kernel == 0) {
    for (i = 0; i < s->n; ++i) {
      s->a[i] = 0.0;
      s->b[i] = 1.0;
      s->c[i] = 2.0;
    }
  } else if (s->kernel == 1) {
    for (i = 0; i < s->n; ++i) a[i] = b[i];
  } else {
    for (i = 0; i < s->n; ++i) a[i] = b[i] + q * c[i];
  }
  return NULL;
}

static double bw_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* one pass of kernel over every slice, a thread each; seconds, or -1 */
static double bw_pass(bw_slice* sl, int32_t threads, int kernel) {
  pthread_t tid[1024];
  int32_t t, started = 0;
  double t0 = bw_now();
  for (t = 0; t < threads; ++t) {
    sl[t].kernel = kernel;
    if (pthread_create(&tid[t], NULL, bw_work, &sl[t]) != 0) break;
    started += 1;
  }
  for (t = 0; t < started; ++t) pthread_join(tid[t], NULL);
  return started == threads ? bw_now() - t0 : -1.0;
}

static int cmp_double(const void* x, const void* y) {
  double a = *(const double*)x, b = *(const double*)y;
  return (a > b) - (a < b);
}

int bench_bandwidth(const cli_opts* o, const bench_suite_opts* s) {
  const size_t n = s->smoke ? (size_t)1 << 17 : (size_t)1 << 25;
  const int32_t threads = o->threads > 0 ? o->threads : myr_cpu_count();
  const int32_t runs = o->runs > 0 ? o->runs : 5;
  static const char* const names[2] = {"copy", "triad"};
  static const double bytes_per[2] = {16.0, 24.0};
  double best[2] = {0.0, 0.0};
  double* mem;
  bw_slice sl[1024];
  int32_t t, e;
  int k, r;

  if (threads > 1024) {
    cli_error("bench bandwidth: at most 1024 threads");
    return CLI_EXIT_USAGE;
  }
  mem = (double*)malloc(3 * n * sizeof(double));
  if (mem == NULL) {
    cli_error("bench bandwidth: out of memory (%zu MiB)",
              3 * n * sizeof(double) >> 20);
    return CLI_EXIT_FAIL;
  }
  for (t = 0; t < threads; ++t) {
    size_t lo = n * (size_t)t / (size_t)threads;
    size_t hi = n * (size_t)(t + 1) / (size_t)threads;
    sl[t].a = mem + lo;
    sl[t].b = mem + n + lo;
    sl[t].c = mem + 2 * n + lo;
    sl[t].n = hi - lo;
  }
  printf("memory bandwidth, %d threads, 3 arrays of %zu MiB, best and median "
         "of %d runs\n", (int)threads, n * sizeof(double) >> 20, (int)runs);
  if (bw_pass(sl, threads, 0) < 0.0) {
    free(mem);
    cli_error("bench bandwidth: cannot start %d threads", (int)threads);
    return CLI_EXIT_FAIL;
  }
  for (k = 0; k < 2; ++k) {
    double sec[64];
    int32_t m = runs < 64 ? runs : 64;
    bw_pass(sl, threads, k + 1); /* untimed */
    for (r = 0; r < m; ++r) {
      sec[r] = bw_pass(sl, threads, k + 1);
      if (*cli_stop_flag()) break;
    }
    if (r < m) {
      free(mem);
      return CLI_EXIT_FAIL;
    }
    qsort(sec, (size_t)m, sizeof sec[0], cmp_double);
    best[k] = bytes_per[k] * (double)n / sec[0];
    printf("%-6s %8.2f GB/s best  %8.2f GB/s median\n", names[k], best[k] * 1e-9,
           bytes_per[k] * (double)n / sec[m / 2] * 1e-9);
  }
  free(mem);

  /* the step API's bound for each selected env (float32) */
  for (e = 0; e < myr_env_count(); ++e) {
    const myr_env_info* info = myr_env_at(e);
    double bytes;
    int32_t ad;
    if (!bench_env_selected(o, info)) continue;
    ad = info->action_space.kind == MYR_SPACE_BOX ? info->action_space.n : 1;
    bytes = 2.0 * (double)info->state_bytes_per_env + 4.0 * ad +
            4.0 * info->obs_dim + 4.0 + 2.0;
    printf("step API bound %-18s %4.0f B/env-step  %8.2fM env-steps/s "
           "at the triad rate\n", info->id, bytes, best[1] / bytes * 1e-6);
  }
  return 0;
}
