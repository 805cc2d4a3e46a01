/*
 * bench.h -- measurement and CSV pieces of `myriad bench` and `myriad tune`.
 *
 * Timing rules (docs/benchmarks.md): warm-up runs are excluded, then `runs` timed
 * runs on a monotonic clock, each continuing from the previous state; the
 * statistics are over the per-run wall times and throughput is taken from
 * the median run.  When the steps per run are not given, a short probe
 * rollout measures the rate first and the steps are chosen so that one run
 * lasts about target_s seconds (the probe is a warm-up too, never timed).
 *
 * CSV files are rewritten in full to a new temporary file and renamed over
 * FILE after every row (cli_write_atomic), so a reader (or an interruption)
 * only ever sees whole rows; an interrupted run ends with a "# partial"
 * comment line.  FILE.lock is held while a run writes FILE: a second run
 * into the same FILE fails at once, and FILE is only ever replaced while it
 * is a regular file.
 */
#ifndef MYR_CLI_BENCH_H
#define MYR_CLI_BENCH_H

#include "cli.h"

#define BENCH_MAX_RUNS 1000
/* the most threads `bench threads` and `tune` sweep up to: a choice of
 * these commands that keeps a sweep short on many-core machines, not a
 * library limit (the library accepts up to 1024 threads) */
#define BENCH_MAX_THREADS 64

typedef struct bench_config {
  const char* env;
  int64_t num_envs;
  int64_t steps;   /* per timed run; 0 = choose from target_s */
  int64_t chunk;   /* 0 = default */
  int64_t block;   /* 0 = default */
  int32_t threads; /* 0 = all */
  int32_t runs;
  int32_t warmup;
  int step_mode;   /* 0 fused rollout, 1 step API with caller actions */
  int record;      /* fused rollout with trajectory recording on */
  /* automatic steps (steps == 0): one run lasts about target_s seconds but
   * at most max_run_s (then at least min_steps); with whole_chunks every run
   * holds at least one full chunk whatever it costs */
  double target_s;
  double max_run_s;
  int64_t min_steps;
  int whole_chunks;
  int full;        /* part of a --full run (the CSV's suite column) */
} bench_config;

typedef struct bench_result {
  bench_config cfg;
  const char* kind;       /* "throughput", "chunk", "threads", "memory-envs" */
  int has_time;           /* 0: the time columns are not applicable */
  int32_t threads;        /* actual */
  int64_t chunk;          /* actual */
  int64_t block;          /* actual */
  int64_t steps;          /* actual steps per timed run */
  double t_mean, t_std, t_min, t_median, t_max; /* seconds per run */
  double steps_per_s;     /* env-steps / median run time */
  double per_env_steps_per_s;
  double efficiency;      /* < 0: not applicable (see docs/benchmarks.md) */
  double bytes_per_env;   /* measured: RSS growth from creating the batch */
  double theory_bytes_per_env; /* allocated bytes / num_envs */
  double device_bytes_per_env; /* device memory / num_envs (cuda; else 0) */
  uint64_t peak_rss;      /* high-water mark of this configuration */
  int64_t episodes;
  double mean_length;
  int64_t reactions;
  int64_t cap_hits;
  const char* precision;
  const char* backend;    /* "cpu" or "cuda" */
} bench_result;

/* time statistics of n samples (sorted in place); std is the sample
 * standard deviation (n - 1), 0 for one sample */
void bench_time_stats(double* t, int n, double* mean, double* std, double* mn,
                      double* median, double* mx);

/* steps per run for a measured rate (env-steps/s) under the config's
 * automatic-steps rules (pure; see bench_config); c->chunk is the chunk the
 * runs use, resolved (bench_measure asks the batch for its default) */
int64_t bench_auto_steps(const bench_config* c, double rate);

/* run one configuration; prints the error and returns an exit code
 * (CLI_EXIT_FAIL without a message when interrupted by a signal) */
int bench_measure(const cli_opts* o, const bench_config* c, bench_result* r);

/* reset the process's peak-RSS mark (Linux; no-op elsewhere) */
void bench_reset_peak_rss(void);
/* bytes of memory that a new allocation can use: MemAvailable, else
 * physical memory; 0 if unknown */
uint64_t bench_available_memory(void);

/* CSV with atomic rewrite after every row (rows survive an interruption) */
typedef struct bench_csv {
  char path[1024];
  char lock_path[1100]; /* PATH.lock, held while the file is written */
  int lock_fd;          /* -1: no lock held */
  char* text;
  size_t len, cap;
  int rows;
} bench_csv;

int bench_csv_open(bench_csv* c, const char* path);
int bench_csv_add(bench_csv* c, const bench_result* r);
/* mark the file as partial (a last comment line) after an interruption */
int bench_csv_finish(bench_csv* c, int partial);
void bench_csv_close(bench_csv* c);
const char* bench_csv_header(void);
/* write s as one CSV field: quoted when it holds a comma, quote or newline
 * (quotes doubled); returns out */
char* bench_csv_field(char* out, size_t size, const char* s);

/* one printed line per result */
void bench_print(const bench_result* r);

/* the bench kinds (bench_suite.c) */
typedef struct bench_suite_opts {
  int smoke;            /* tiny sizes: checks that every path runs */
  const char* out_dir;  /* directory for timestamped CSVs */
  const char* stamp;    /* timestamp shared by the files of one run */
  int env_given;        /* --env was on the command line */
  int commit_results;   /* --commit-results: CSVs into bench/results */
} bench_suite_opts;

/* where timestamped CSVs go: quick runs and anything not asked to be kept
 * stay in the git-ignored bench/out; `--full --commit-results` writes the
 * committed bench/results */
#define BENCH_OUT_DIR "bench/out"
#define BENCH_RESULTS_DIR "bench/results"

/* --env when not given: cartpole-v1 and the gene circuit (if registered) */
#define BENCH_DEFAULT_ENVS "cartpole+gene-circuit"
/* is e among the envs the options select (an id, `all`, or the default)? */
int bench_env_selected(const cli_opts* o, const myr_env_info* e);

int bench_throughput(const cli_opts* o, const bench_suite_opts* s);
int bench_memory(const cli_opts* o, const bench_suite_opts* s);
int bench_chunk(const cli_opts* o, const bench_suite_opts* s);
int bench_threads(const cli_opts* o, const bench_suite_opts* s);
/* STREAM-style bandwidth and the step API's bound (bench_bandwidth.c) */
int bench_bandwidth(const cli_opts* o, const bench_suite_opts* s);

extern const char* const bench_memory_usage;
extern const char* const bench_chunk_usage;
extern const char* const bench_threads_usage;

/* would n envs of e (plus extra bytes per env) fit in available memory?
 * prints the reason and returns 0 if not */
int bench_fits_memory(const myr_env_info* e, int64_t n, double extra_per_env);
/* the part of a bench kind for one env e: its rows, measured with eo (the
 * options for e, --tuned applied), go to csv (NULL: printed only);
 * returns an exit code */
typedef int (*bench_env_fn)(const cli_opts* eo, const bench_suite_opts* s,
                            const myr_env_info* e, bench_csv* csv);
/* run a kind: fn for every selected env, until one fails or a signal
 * stops the run, into KIND's CSV when use_csv (finished, partial after an
 * interruption or failure); returns the exit code */
int bench_each_env(const cli_opts* o, const bench_suite_opts* s,
                   const char* kind, int use_csv, bench_env_fn fn);
/* print r and add it to csv (if not NULL); returns an exit code */
int bench_emit(bench_csv* csv, const bench_result* r);
/* the config the options describe for env and n (steps automatic unless
 * --steps was given) */
void bench_config_from(const cli_opts* o, const bench_suite_opts* s,
                       const char* env, int64_t n, bench_config* c);

/* env-steps/s of env at n envs from one short run (for sizing a sweep) */
int bench_probe_rate(const cli_opts* o, const char* env, int64_t n,
                     double* rate);
/* the largest of 1K, 2K, 5K, 10K, ... in [lo, hi] (lo at least) whose run of
 * `steps` steps at `rate` env-steps/s fits in `seconds` */
int64_t bench_affordable_envs(double rate, int64_t steps, double seconds,
                              int64_t lo, int64_t hi);

/* the CSV path of a kind: --csv if given, else OUT_DIR/KIND-STAMP.csv
 * (OUT_DIR created); returns 0 or prints an error */
int bench_csv_path(const cli_opts* o, const bench_suite_opts* s,
                   const char* kind, char* path, size_t size);
/* UTC timestamp for file names: 20261130T010203Z */
void bench_stamp(char* buf, size_t size);

#endif
