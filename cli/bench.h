/*
 * bench.h -- measurement and CSV pieces of `myriad bench`.
 *
 * Timing rules (DESIGN §8): warm-up runs are excluded, then `runs` timed
 * runs on a monotonic clock, each continuing from the previous state; the
 * statistics are over the per-run wall times.
 */
#ifndef MYR_CLI_BENCH_H
#define MYR_CLI_BENCH_H

#include "cli.h"

#define BENCH_MAX_RUNS 1000

typedef struct bench_config {
  const char* env;
  int64_t num_envs;
  int64_t steps;   /* per timed run */
  int64_t chunk;   /* 0 = default */
  int64_t block;   /* 0 = default */
  int32_t threads; /* 0 = all */
  int32_t runs;
  int32_t warmup;
  int step_mode;   /* 0 fused rollout, 1 step API with caller actions */
  int record;      /* fused rollout with trajectory recording on */
} bench_config;

typedef struct bench_result {
  bench_config cfg;
  int32_t threads;        /* actual */
  int64_t chunk;          /* actual */
  double t_mean, t_std, t_min, t_median, t_max; /* seconds per run */
  double steps_per_s;     /* env-steps / median run time */
  double per_env_steps_per_s;
  double bytes_per_env;   /* measured: RSS growth from creating the batch */
  double theory_bytes_per_env; /* allocated state bytes / num_envs */
  uint64_t peak_rss;
  int64_t episodes;
  double mean_length;
  int64_t reactions;
  int64_t cap_hits;
  const char* precision;
} bench_result;

/* time statistics of n samples (sorted in place) */
void bench_time_stats(double* t, int n, double* mean, double* std, double* mn,
                      double* median, double* mx);

/* run one configuration; prints the error and returns an exit code */
int bench_measure(const cli_opts* o, const bench_config* c, bench_result* r);

/* CSV with atomic rewrite after every row (rows survive an interruption) */
typedef struct bench_csv {
  char path[1024];
  char* text;
  size_t len, cap;
} bench_csv;

int bench_csv_open(bench_csv* c, const char* path);
int bench_csv_add(bench_csv* c, const bench_result* r);
/* mark the file as partial (a last comment line) after an interruption */
int bench_csv_finish(bench_csv* c, int partial);
void bench_csv_close(bench_csv* c);
const char* bench_csv_header(void);

/* one printed line per result */
void bench_print(const bench_result* r);

#endif
