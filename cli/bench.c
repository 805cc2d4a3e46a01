/*
 * bench.c -- timing one configuration (bench_measure), `myriad bench
 * throughput` (one configuration, or the num_envs matrix) and the `bench`
 * dispatch.
 *
 * A measurement creates its own batch, touches every page with one step,
 * then runs: an optional probe that sets the steps per run, the warm-up
 * runs, and the timed runs, each continuing from the previous state.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "bench_compare.h"
#include "mpi.h"
#include "tune.h"

/* ------------------------------------------------------------ system */

void bench_reset_peak_rss(void) {
  /* "5" resets the VmHWM mark (Linux >= 4.0); elsewhere a harmless no-op */
  FILE* f = fopen("/proc/self/clear_refs", "w");
  if (f == NULL) return;
  fputs("5", f);
  fclose(f);
}

uint64_t bench_available_memory(void) {
  FILE* f = fopen("/proc/meminfo", "r");
  char line[256];
  uint64_t kb = 0;
  long pages, page;
  if (f != NULL) {
    while (fgets(line, sizeof line, f) != NULL)
      if (strncmp(line, "MemAvailable:", 13) == 0) {
        kb = strtoull(line + 13, NULL, 10);
        break;
      }
    fclose(f);
  }
  if (kb > 0) return kb * 1024u;
  pages = sysconf(_SC_PHYS_PAGES);
  page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0;
  return (uint64_t)pages * (uint64_t)page;
}

void bench_stamp(char* buf, size_t size) {
  time_t now = time(NULL);
  struct tm tmv;
  gmtime_r(&now, &tmv);
  strftime(buf, size, "%Y%m%dT%H%M%SZ", &tmv);
}

int bench_env_selected(const cli_opts* o, const myr_env_info* e) {
  if (strcmp(o->env, "all") == 0) return 1;
  if (strcmp(o->env, BENCH_DEFAULT_ENVS) == 0)
    return e == myr_env_find("cartpole-v1") || e == myr_env_find("gene-circuit");
  return myr_env_find(o->env) == e;
}

/* mkdir -p */
static int make_dirs(const char* dir) {
  char p[1024];
  size_t k;
  snprintf(p, sizeof p, "%s", dir);
  for (k = 1; p[k] != '\0'; ++k) {
    if (p[k] != '/') continue;
    p[k] = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST) return -1;
    p[k] = '/';
  }
  if (mkdir(p, 0777) != 0 && errno != EEXIST) return -1;
  return 0;
}

int bench_csv_path(const cli_opts* o, const bench_suite_opts* s,
                   const char* kind, char* path, size_t size) {
  const char* dir = s->out_dir          ? s->out_dir
                    : s->commit_results ? BENCH_RESULTS_DIR
                                        : BENCH_OUT_DIR;
  if (o->csv != NULL) {
    snprintf(path, size, "%s", o->csv);
    return 0;
  }
  if (make_dirs(dir) != 0) {
    cli_error("bench: cannot create '%s': %s", dir, strerror(errno));
    return CLI_EXIT_FAIL;
  }
  {
    /* never overwrite an earlier run's file from the same second */
    int k;
    for (k = 1; k < 100; ++k) {
      char suffix[16] = "";
      if (k > 1) snprintf(suffix, sizeof suffix, "-%d", k);
      if ((size_t)snprintf(path, size, "%s/%s-%s%s.csv", dir, kind, s->stamp,
                           suffix) >= size) {
        cli_error("bench: output path too long under '%s'", dir);
        return CLI_EXIT_USAGE;
      }
      if (access(path, F_OK) != 0) return 0;
    }
  }
  cli_error("bench: too many result files for %s in '%s'", s->stamp, dir);
  return CLI_EXIT_FAIL;
}

/* ------------------------------------------------------------ measurement */

typedef struct step_buffers {
  int32_t* actions; /* ACTION_SETS x N */
  float* obs;
  float* reward;
  uint8_t* term;
  uint8_t* trunc;
} step_buffers;

#define ACTION_SETS 16

static void free_step_buffers(step_buffers* s) {
  free(s->actions);
  free(s->obs);
  free(s->reward);
  free(s->term);
  free(s->trunc);
}

static int alloc_step_buffers(step_buffers* s, const myr_env_info* e, int64_t n) {
  uint64_t z = 0x9E3779B97F4A7C15ull;
  int64_t i;
  memset(s, 0, sizeof *s);
  s->actions = (int32_t*)malloc(sizeof(int32_t) * (size_t)(n * ACTION_SETS));
  s->obs = (float*)malloc(sizeof(float) * (size_t)(n * e->obs_dim));
  s->reward = (float*)malloc(sizeof(float) * (size_t)n);
  s->term = (uint8_t*)malloc((size_t)n);
  s->trunc = (uint8_t*)malloc((size_t)n);
  if (!s->actions || !s->obs || !s->reward || !s->term || !s->trunc) {
    free_step_buffers(s);
    return -1;
  }
  /* pre-generated caller actions (SplitMix64), cycled through */
  for (i = 0; i < n * ACTION_SETS; ++i) {
    uint64_t x = (z += 0x9E3779B97F4A7C15ull);
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    x ^= x >> 31;
    s->actions[i] = (int32_t)((x >> 32) % (uint64_t)e->action_space.n);
  }
  return 0;
}

static int discard_chunk(const myr_traj_chunk* c, void* user) {
  (void)c;
  (void)user;
  return 0;
}

typedef struct measure_ctx {
  myr_batch* b;
  const bench_config* c;
  myr_rollout_def def;
  step_buffers sb;
  uint64_t step_count; /* step-mode calls so far (cycles the action sets) */
} measure_ctx;

/* run `steps` steps; wall time in *dt; returns a library status */
static int run_once(measure_ctx* m, int64_t steps, myr_rollout_stats* st,
                    double* dt) {
  double t0;
  int status = MYR_OK;
  cli_mpi_barrier(); /* MPI: all ranks start together */
  t0 = cli_now();
  memset(st, 0, sizeof *st);
  if (m->c->step_mode) {
    myr_step_out out;
    int64_t s, n = m->c->num_envs;
    out.obs = m->sb.obs;
    out.reward = m->sb.reward;
    out.terminated = m->sb.term;
    out.truncated = m->sb.trunc;
    out.final_obs = NULL;
    for (s = 0; s < steps && status == MYR_OK; ++s) {
      size_t set = (size_t)(m->step_count++ % ACTION_SETS);
      status = myr_batch_step(m->b, m->sb.actions + set * (size_t)n, &out);
      if (*cli_stop_flag()) status = MYR_EINTR;
    }
  } else {
    m->def.steps = steps;
    status = myr_batch_rollout(m->b, &m->def, st);
  }
  *dt = cli_now() - t0;
  cli_mpi_max_f64(dt, 1); /* MPI: the slowest rank's time, on every rank */
  return status;
}

static int fail_status(int status) {
  if (status == MYR_EINTR) return CLI_EXIT_FAIL;
  cli_error("bench: %s", myr_last_error());
  return cli_exit_code(status);
}

/* the batch, step buffers and rollout definition of one measurement, and
 * the fields of r that describe the batch; returns an exit code */
static int measure_open(const cli_opts* o, const bench_config* c,
                        measure_ctx* m, bench_result* r) {
  cli_opts bo = *o;
  int rc;
  memset(m, 0, sizeof *m);
  m->c = c;
  bo.env = c->env;
  bo.num_envs = c->num_envs;
  bo.threads = c->threads;
  bo.block = c->block;
  if ((rc = cli_make_batch(&bo, &m->b)) != 0) return rc;
  r->threads = myr_batch_threads(m->b);
  r->precision = myr_precision_name(myr_batch_precision(m->b));
  r->backend = myr_backend_name((int)myr_batch_backend(m->b));
  r->device_bytes_per_env =
      (double)myr_batch_device_bytes(m->b) / (double)c->num_envs;
  if (c->step_mode &&
      myr_batch_env(m->b)->action_space.kind != MYR_SPACE_DISCRETE) {
    cli_error("bench: step mode supports discrete-action envs only");
    rc = CLI_EXIT_USAGE;
  } else if (c->step_mode &&
             alloc_step_buffers(&m->sb, myr_batch_env(m->b), c->num_envs) != 0) {
    cli_error("bench: out of memory (step buffers for %lld envs)",
              (long long)c->num_envs);
    rc = CLI_EXIT_FAIL;
  }
  if (rc != 0) {
    myr_batch_destroy(m->b);
    return rc;
  }
  m->def = myr_rollout_def_default();
  m->def.policy = "random";
  m->def.chunk_size = c->chunk;
  m->def.stop = cli_stop_flag();
  if (c->record) m->def.on_chunk = discard_chunk;
  return 0;
}

static void measure_close(measure_ctx* m) {
  free_step_buffers(&m->sb);
  myr_batch_destroy(m->b);
}

/* one step touches every page; then the resident bytes the batch added
 * since rss0, per env */
static int touch_pages(measure_ctx* m, uint64_t rss0, bench_result* r) {
  myr_rollout_stats st;
  double dt;
  uint64_t rss1;
  int status = run_once(m, 1, &st, &dt);
  if (status != MYR_OK) return fail_status(status);
  rss1 = cli_current_rss();
  r->bytes_per_env =
      rss1 > rss0 ? (double)(rss1 - rss0) / (double)myr_batch_num_envs(m->b)
                  : 0.0;
  return 0;
}

/* steps per timed run: the config's, or chosen from a probe's rate (runs
 * of 1, 4, 16, ... steps until one lasts long enough to time) */
static int steps_per_run(measure_ctx* m, int64_t* steps) {
  const bench_config* c = m->c;
  bench_config resolved = *c;
  myr_rollout_stats st;
  double dt = 0, enough = c->target_s < 0.05 ? c->target_s : 0.05;
  int64_t p;
  if (c->steps > 0) {
    *steps = c->steps;
    return 0;
  }
  for (p = 1;; p *= 4) {
    int status = run_once(m, p, &st, &dt);
    if (status != MYR_OK) return fail_status(status);
    if (dt >= enough || p >= (1 << 16)) break;
  }
  if (resolved.chunk <= 0) resolved.chunk = myr_batch_default_chunk(m->b);
  *steps = bench_auto_steps(&resolved, (double)c->num_envs * (double)p /
                                           (dt > 1e-9 ? dt : 1e-9));
  return 0;
}

/* the warm-up and timed runs of r->steps steps: time statistics, totals
 * over every MPI rank's shard, and the chunk and block the runs used */
static int timed_runs(measure_ctx* m, bench_result* r) {
  const bench_config* c = m->c;
  double times[BENCH_MAX_RUNS];
  /* episodes, length sum, reactions, cap hits */
  int64_t sums[4] = {0, 0, 0, 0};
  myr_rollout_stats st;
  int run;
  for (run = 0; run < c->warmup + c->runs; ++run) {
    double dt;
    int status = run_once(m, r->steps, &st, &dt);
    if (status != MYR_OK) return fail_status(status);
    if (run < c->warmup) continue;
    times[run - c->warmup] = dt;
    sums[0] += st.episodes;
    sums[1] += st.length_sum;
    sums[2] += st.reactions;
    sums[3] += st.cap_hits;
  }
  cli_mpi_sum_i64(sums, 4);
  bench_time_stats(times, c->runs, &r->t_mean, &r->t_std, &r->t_min,
                   &r->t_median, &r->t_max);
  r->has_time = 1;
  r->steps_per_s = (double)c->num_envs * (double)r->steps / r->t_median;
  r->per_env_steps_per_s = (double)r->steps / r->t_median;
  r->episodes = sums[0];
  r->mean_length = sums[0] ? (double)sums[1] / (double)sums[0] : 0.0;
  r->reactions = sums[2];
  r->cap_hits = sums[3] + (c->step_mode ? myr_batch_cap_hits(m->b) : 0);
  r->peak_rss = cli_peak_rss();
  /* a step-mode run has no chunk */
  r->chunk = c->step_mode ? 1 : st.chunk_size;
  r->block = c->step_mode ? myr_batch_block_size(m->b) : st.block_size;
  return 0;
}

/* the bytes per env the batch allocated: its state, plus the one chunk of
 * trajectory rows a recording rollout holds */
static double theory_bytes_per_env(const measure_ctx* m, const bench_result* r) {
  double bytes =
      (double)myr_batch_state_bytes(m->b) / (double)myr_batch_num_envs(m->b);
  if (m->c->record && !m->c->step_mode)
    bytes += (double)(r->chunk < r->steps ? r->chunk : r->steps) *
             (double)myr_batch_row_bytes(m->b);
  return bytes;
}

int bench_measure(const cli_opts* o, const bench_config* c, bench_result* r) {
  measure_ctx m;
  uint64_t rss0;
  int rc;
  memset(r, 0, sizeof *r);
  r->cfg = *c;
  r->kind = "throughput";
  r->efficiency = -1;
  if (c->runs < 1 || c->runs > BENCH_MAX_RUNS) {
    cli_error("bench: runs must be in [1, %d]", BENCH_MAX_RUNS);
    return CLI_EXIT_USAGE;
  }
  bench_reset_peak_rss();
  rss0 = cli_current_rss();
  if ((rc = measure_open(o, c, &m, r)) != 0) return rc;
  if ((rc = touch_pages(&m, rss0, r)) == 0 &&
      (rc = steps_per_run(&m, &r->steps)) == 0) {
    r->cfg.steps = r->steps;
    if ((rc = timed_runs(&m, r)) == 0)
      r->theory_bytes_per_env = theory_bytes_per_env(&m, r);
  }
  measure_close(&m);
  return rc;
}

/* a memory row: its profile, sizes, peak RSS and bytes/env (measured and
 * theoretical; device bytes too on cuda) */
static void print_memory(const bench_result* r) {
  char s1[32];
  /* kind without its "memory-" prefix: envs, chunk or steps (profile) */
  printf("%-5s %-17.17s %7s envs chunk %-4lld steps %-5lld %6.1f MiB "
         "%7.1f B/env theory %.1f\n",
         r->kind + 7, r->cfg.env, cli_si((double)r->cfg.num_envs, s1, sizeof s1),
         (long long)r->chunk, (long long)r->steps,
         (double)r->peak_rss / 1048576.0, r->bytes_per_env,
         r->theory_bytes_per_env);
  if (r->backend != NULL && strcmp(r->backend, "cuda") == 0)
    printf("%-5s %-17s %7s      device %.1f B/env\n", "", "", "",
           r->device_bytes_per_env);
  fflush(stdout);
}

/* one line per result: at most 100 columns, or the wide form (min, max,
 * sd, per-env rate, efficiency) on a terminal wide enough for it */
void bench_print(const bench_result* r) {
  char s1[32], s2[32], s3[32];
  static int wide = -1;
  if (strncmp(r->kind, "memory-", 7) == 0) {
    print_memory(r);
    return;
  }
  if (wide < 0) wide = isatty(1) && cli_terminal_columns(1) >= 190;
  cli_si((double)r->cfg.num_envs, s1, sizeof s1);
  cli_si(r->steps_per_s, s2, sizeof s2);
  if (wide) {
    printf("%-18s %8s envs  %-5s chunk %-4lld thr %-2d steps %-6lld median "
           "%8.4f s (min %.4f max %.4f sd %.4f)  %9s steps/s  %8s/env",
           r->cfg.env, s1, r->cfg.step_mode ? "step" : "fused",
           (long long)r->chunk, (int)r->threads, (long long)r->steps,
           r->t_median, r->t_min, r->t_max, r->t_std, s2,
           cli_si(r->per_env_steps_per_s, s3, sizeof s3));
    if (r->efficiency >= 0) printf("  eff %.3f", r->efficiency);
    if (r->episodes > 0) printf("  ep.len %.2f", r->mean_length);
  } else {
    printf("%-17.17s %7s envs %-5s thr %-2d chunk %-4lld %8.4f s %9s steps/s",
           r->cfg.env, s1, r->cfg.step_mode ? "step" : "fused", (int)r->threads,
           (long long)r->chunk, r->t_median, s2);
    if (r->episodes > 0) printf("  ep.len %.1f", r->mean_length);
  }
  printf("\n");
  fflush(stdout);
}

/* ------------------------------------------------------------ throughput */

static const char* throughput_usage =
    "usage: myriad bench throughput [--env ID|all] [--full] [--num-envs N]\n"
    "                               [--steps T] [--mode fused|step] [--chunk C]\n"
    "                               [--block B] [--threads K] [--runs R]\n"
    "                               [--warmup W] [--csv FILE] [--out DIR]\n"
    "                               [--commit-results] [--tuned] [--smoke]\n"
    "                               [--param KEY=VALUE ...]\n"
    "\n"
    "Env-steps per second under the random policy.  With --num-envs, one\n"
    "configuration (T steps per run, default 100; CSV only with --csv).\n"
    "Without it, the matrix 100, 1K, 10K, 100K, 500K, 1M, 2M, 5M envs (--full\n"
    "adds 10M, 50M, 100M where memory allows) for --env (default: CartPole\n"
    "and the gene circuit; `all`: every registered env), written to\n"
    "DIR/throughput-<UTC time>.csv (default DIR bench/out; --full\n"
    "--commit-results: bench/results) or --csv FILE.  Steps per run are\n"
    "chosen so that one run takes about 0.1 s (1 s with --full) unless\n"
    "--steps is given.  `fused` runs the rollout inside the library, `step`\n"
    "drives myr_batch_step() with pre-generated caller actions.  W warm-up runs (default 1) are excluded,\n"
    "then R timed runs (default 5) each continue from the previous state;\n"
    "throughput is from the median run.  --smoke uses tiny sizes (tests).\n"
    "Ctrl-C stops at the next chunk, keeps the rows measured and marks the\n"
    "CSV partial (exit 1).\n";

static const int64_t matrix_sizes[] = {100,     1000,    10000,    100000,
                                       500000,  1000000, 2000000,  5000000,
                                       10000000, 50000000, 100000000};

/* the config the options describe for env and n; steps automatic unless
 * given */
void bench_config_from(const cli_opts* o, const bench_suite_opts* s,
                        const char* env, int64_t n, bench_config* c) {
  memset(c, 0, sizeof *c);
  c->env = env;
  c->num_envs = n;
  c->steps = o->has_steps ? o->steps : 0;
  c->chunk = o->chunk;
  c->block = o->block;
  c->threads = o->threads;
  c->runs = o->runs;
  c->warmup = o->warmup;
  c->step_mode = strcmp(o->mode, "step") == 0;
  c->target_s = s->smoke ? 0.002 : o->full ? 1.0 : 0.1;
  c->max_run_s = s->smoke ? 0.01 : o->full ? 15.0 : 0.5;
  c->min_steps = s->smoke || !o->full ? 1 : 2;
  c->full = o->full;
}

int bench_probe_rate(const cli_opts* o, const char* env, int64_t n,
                     double* rate) {
  bench_config c;
  bench_result r;
  bench_suite_opts quick;
  int rc;
  memset(&quick, 0, sizeof quick);
  bench_config_from(o, &quick, env, n, &c);
  c.steps = 0;
  c.runs = 1;
  c.warmup = 0;
  c.target_s = 0.02;
  c.max_run_s = 0.1;
  rc = bench_measure(o, &c, &r);
  *rate = rc == 0 ? r.steps_per_s : 0;
  return rc;
}

int64_t bench_affordable_envs(double rate, int64_t steps, double seconds,
                              int64_t lo, int64_t hi) {
  static const int64_t nice[] = {1000,   2000,   5000,    10000,  20000,
                                 50000,  100000, 200000,  500000, 1000000,
                                 2000000, 5000000, 10000000};
  double want = rate * seconds / (double)steps;
  int64_t n = lo;
  size_t i;
  for (i = 0; i < sizeof nice / sizeof nice[0]; ++i)
    if ((double)nice[i] <= want && nice[i] >= lo) n = nice[i];
  return n < hi ? n : hi;
}

/* can n envs of e fit?  prints the reason and returns 0 if not */
static int fits_memory(const myr_env_info* e, int64_t n, int step_mode,
                       double extra_per_env) {
  double per = (double)e->state_bytes_per_env + 1.0 + extra_per_env;
  double need, avail = (double)bench_available_memory();
  char s1[32];
  if (step_mode) per += ACTION_SETS * 4.0 + e->obs_dim * 4.0 + 6.0;
  need = per * (double)n * 1.05 + 64.0 * 1048576.0;
  if (n > MYR_MAX_ENVS || (avail > 0 && need > 0.85 * avail)) {
    printf("skip %-13s %8s envs: needs about %.1f GiB, %.1f GiB available\n",
           e->id, cli_si((double)n, s1, sizeof s1), need / 1073741824.0,
           avail / 1073741824.0);
    fflush(stdout);
    return 0;
  }
  return 1;
}

int bench_fits_memory(const myr_env_info* e, int64_t n, double extra_per_env) {
  return fits_memory(e, n, 0, extra_per_env);
}

int bench_emit(bench_csv* csv, const bench_result* r) {
  bench_print(r);
  return csv != NULL && bench_csv_add(csv, r) != 0 ? CLI_EXIT_FAIL : 0;
}

/* finish a kind's CSV (partial after an interruption or failure), report,
 * and return the exit code */
static int suite_end(bench_csv* csv, int rc, int interrupted) {
  if (bench_csv_finish(csv, interrupted || rc != 0) != 0 && rc == 0)
    rc = CLI_EXIT_FAIL;
  if (interrupted)
    cli_error("bench: interrupted; %d rows kept in '%s' (marked partial)",
              csv->rows, csv->path);
  else if (rc == 0)
    printf("wrote %s (%d rows)\n", csv->path, csv->rows);
  fflush(stdout);
  bench_csv_close(csv);
  return interrupted && rc == 0 ? CLI_EXIT_FAIL : rc;
}

int bench_each_env(const cli_opts* o, const bench_suite_opts* s,
                   const char* kind, int use_csv, bench_env_fn fn) {
  bench_csv csv;
  char path[1200];
  int rc = 0, interrupted;
  int32_t k;
  if (use_csv) {
    if ((rc = bench_csv_path(o, s, kind, path, sizeof path)) != 0) return rc;
    if (bench_csv_open(&csv, path) != 0) return CLI_EXIT_FAIL;
  }
  for (k = 0; k < myr_env_count() && rc == 0 && !*cli_stop_flag(); ++k) {
    const myr_env_info* e = myr_env_at(k);
    cli_opts eo = *o;
    if (!bench_env_selected(o, e)) continue;
    eo.env = e->id;
    if (o->tuned) tune_apply(&eo, e->id);
    rc = fn(&eo, s, e, use_csv ? &csv : NULL);
  }
  interrupted = *cli_stop_flag() != 0;
  if (use_csv) return suite_end(&csv, rc, interrupted);
  if (interrupted) cli_error("bench: interrupted");
  return interrupted && rc == 0 ? CLI_EXIT_FAIL : rc;
}

/* the matrix of sizes (or the one --num-envs) for env e; efficiency is
 * the per-env rate relative to the matrix's first size */
static int throughput_env(const cli_opts* eo, const bench_suite_opts* s,
                          const myr_env_info* e, bench_csv* csv) {
  int single = eo->has_num_envs, step_mode = strcmp(eo->mode, "step") == 0;
  size_t i, nsizes = s->smoke ? 2 : eo->full ? 11 : 8;
  double base = 0;
  int rc = 0;
  if (step_mode && e->action_space.kind != MYR_SPACE_DISCRETE) {
    printf("skip %s: step mode supports discrete-action envs only\n", e->id);
    return 0;
  }
  for (i = 0; i < (single ? 1 : nsizes) && rc == 0 && !*cli_stop_flag(); ++i) {
    int64_t n = single ? eo->num_envs : matrix_sizes[i];
    bench_config c;
    bench_result r;
    if (!single && !fits_memory(e, n, step_mode, 0)) continue;
    bench_config_from(eo, s, e->id, n, &c);
    if (single) c.steps = eo->steps;
    if ((rc = bench_measure(eo, &c, &r)) != 0) break;
    if (!single) {
      if (base <= 0) base = r.per_env_steps_per_s;
      r.efficiency = r.per_env_steps_per_s / base;
    }
    rc = bench_emit(csv, &r);
  }
  return rc;
}

int bench_throughput(const cli_opts* o, const bench_suite_opts* s) {
  /* one configuration goes to a CSV only when --csv names one */
  return bench_each_env(o, s, "throughput", !o->has_num_envs || o->csv != NULL,
                        throughput_env);
}

/* ------------------------------------------------------------ dispatch */

static const char* bench_usage =
    "usage: myriad bench <kind> [options]\n"
    "\n"
    "kinds:\n"
    "  throughput   env-steps/s vs num_envs (or one configuration)\n"
    "  memory       peak RSS and bytes/env vs num_envs and vs chunk size\n"
    "  chunk        throughput vs chunk size at a fixed num_envs\n"
    "  threads      strong scaling over 1..cores threads, with efficiency\n"
    "  all          every kind, one CSV each under bench/out/\n"
    "  compare      Myriad beside Gymnasium, gymnax, EnvPool (Python)\n"
    "  bandwidth    memory bandwidth (STREAM copy, triad) and the step API's\n"
    "               bound from it\n"
    "\n"
    "--env defaults to CartPole and the gene circuit; --env all selects every\n"
    "registered env.  'myriad bench <kind> --help' describes a kind's\n"
    "options; see also docs/benchmarks.md.\n";

static const char* all_usage =
    "usage: myriad bench all [--env ID|all] [--full] [--runs R] [--warmup W]\n"
    "                        [--out DIR | --commit-results] [--tuned] [--smoke]\n"
    "                        [--seed S]\n"
    "\n"
    "Run throughput, memory, chunk and threads in turn, writing\n"
    "DIR/<kind>-<UTC time>.csv for each (one timestamp for the whole run).\n"
    "DIR is bench/out (git-ignored) unless --out is given; --full passes\n"
    "through to every kind, and only `--full --commit-results` writes into\n"
    "bench/results, the figures behind the README.  Then `make plots` draws\n"
    "the newest CSVs of bench/out (`make plots RESULTS=bench/results` the\n"
    "committed ones).\n";

/* take --smoke and --out DIR (bench-only options) out of argv */
static int take_suite_opts(int* argc, char** argv, bench_suite_opts* s) {
  int i, k = 0;
  for (i = 0; i < *argc; ++i) {
    if (strcmp(argv[i], "--env") == 0 || strncmp(argv[i], "--env=", 6) == 0)
      s->env_given = 1;
    if (strcmp(argv[i], "--smoke") == 0) {
      s->smoke = 1;
    } else if (strcmp(argv[i], "--commit-results") == 0) {
      s->commit_results = 1;
    } else if (strcmp(argv[i], "--out") == 0) {
      if (i + 1 >= *argc) {
        cli_error("bench: option --out needs a value");
        return CLI_EXIT_USAGE;
      }
      s->out_dir = argv[++i];
    } else if (strncmp(argv[i], "--out=", 6) == 0) {
      s->out_dir = argv[i] + 6;
    } else {
      argv[k++] = argv[i];
    }
  }
  *argc = k;
  if (s->out_dir != NULL && s->out_dir[0] == '\0') {
    cli_error("bench: --out needs a directory");
    return CLI_EXIT_USAGE;
  }
  if (s->commit_results && s->out_dir != NULL) {
    cli_error("bench: --commit-results writes into " BENCH_RESULTS_DIR
              "; it does not take --out");
    return CLI_EXIT_USAGE;
  }
  return 0;
}

typedef struct bench_kind {
  const char* name;
  int (*fn)(const cli_opts* o, const bench_suite_opts* s);
  unsigned accepted;
  const char* const* usage;
} bench_kind;

#define COMMON_OPTS                                                      \
  (OPT_ENV | OPT_ENV_ALL | OPT_SEED | OPT_PARAM | OPT_PRECISION | OPT_FULL | \
   OPT_TUNED | \
   OPT_BACKEND | OPT_MODEL)

static int bench_all(const cli_opts* o, const bench_suite_opts* s);

static const char* bandwidth_usage =
    "usage: myriad bench bandwidth [--env ID|all] [--threads K] [--runs R]\n"
    "                              [--smoke]\n"
    "\n"
    "STREAM-style memory bandwidth with K threads (default: every core):\n"
    "copy a = b and triad a = b + s c over three arrays of 256 MiB, best\n"
    "and median of R runs (default 5).  Then, for each selected env, the\n"
    "bytes the step API moves per float32 env-step (state in and out,\n"
    "action, observation, reward, two flags) and the env-steps/s that the\n"
    "triad rate allows.\n";

static const bench_kind kinds[] = {
    {"throughput", bench_throughput,
     COMMON_OPTS | OPT_NUM_ENVS | OPT_STEPS | OPT_THREADS | OPT_MODE |
         OPT_CHUNK | OPT_BLOCK | OPT_RUNS | OPT_WARMUP | OPT_CSV,
     &throughput_usage},
    {"memory", bench_memory,
     COMMON_OPTS | OPT_PROFILE | OPT_NUM_ENVS | OPT_THREADS | OPT_CSV,
     &bench_memory_usage},
    {"chunk", bench_chunk,
     COMMON_OPTS | OPT_NUM_ENVS | OPT_STEPS | OPT_THREADS | OPT_BLOCK |
         OPT_RUNS | OPT_WARMUP | OPT_CSV,
     &bench_chunk_usage},
    {"threads", bench_threads,
     COMMON_OPTS | OPT_NUM_ENVS | OPT_STEPS | OPT_CHUNK | OPT_BLOCK |
         OPT_RUNS | OPT_WARMUP | OPT_CSV,
     &bench_threads_usage},
    {"all", bench_all, COMMON_OPTS | OPT_RUNS | OPT_WARMUP, &all_usage},
    /* after "all": not one of the kinds it runs */
    {"bandwidth", bench_bandwidth, OPT_ENV | OPT_ENV_ALL | OPT_THREADS | OPT_RUNS,
     &bandwidth_usage},
};

static int bench_all(const cli_opts* o, const bench_suite_opts* s) {
  size_t i;
  int rc = 0;
  for (i = 0; strcmp(kinds[i].name, "all") != 0 && rc == 0; ++i) {
    printf("== bench %s%s\n", kinds[i].name, o->full ? " --full" : "");
    fflush(stdout);
    rc = kinds[i].fn(o, s);
    if (*cli_stop_flag()) return rc != 0 ? rc : CLI_EXIT_FAIL;
  }
  return rc;
}

int cli_cmd_bench(int argc, char** argv) {
  cli_opts o;
  bench_suite_opts s;
  char stamp[32], cmd[64];
  size_t i;
  int32_t e;
  int rc;
  if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
    fputs(bench_usage, argc < 1 ? stderr : stdout);
    return argc < 1 ? CLI_EXIT_USAGE : 0;
  }
  if (strcmp(argv[0], "compare") == 0)
    return cli_bench_compare(argc - 1, argv + 1);
  for (i = 0; i < sizeof kinds / sizeof kinds[0]; ++i)
    if (strcmp(argv[0], kinds[i].name) == 0) break;
  if (i == sizeof kinds / sizeof kinds[0]) {
    cli_error("bench: unknown kind '%s' (see 'myriad bench --help')", argv[0]);
    return CLI_EXIT_USAGE;
  }
  memset(&s, 0, sizeof s);
  argc -= 1;
  argv += 1;
  if ((rc = take_suite_opts(&argc, argv, &s)) != 0) return rc;
  snprintf(cmd, sizeof cmd, "bench %s", kinds[i].name);
  cli_opts_init(&o, cmd);
  o.env = "all";
  o.num_envs = 1000000;
  o.steps = 100;
  rc = cli_parse(&o, argc, argv, kinds[i].accepted, *kinds[i].usage);
  if (rc != 0) return rc < 0 ? 0 : rc;
  if (s.commit_results && (!o.full || s.smoke || o.csv != NULL)) {
    cli_error("bench: --commit-results keeps the figures of a --full run in "
              BENCH_RESULTS_DIR " (without --smoke or --csv)");
    return CLI_EXIT_USAGE;
  }
  if (!s.env_given) o.env = BENCH_DEFAULT_ENVS;
  if (strcmp(o.backend, "cpu") != 0 && strcmp(kinds[i].name, "throughput") != 0 &&
      !(strcmp(kinds[i].name, "memory") == 0 && strcmp(o.profile, "envs") == 0)) {
    cli_error("bench: the cuda backend is benchmarked by 'bench throughput' and "
              "'bench memory --profile envs' (recording is CPU-only)");
    return CLI_EXIT_USAGE;
  }
  /* every selected env accepts the parameters, before anything runs */
  for (e = 0; e < myr_env_count(); ++e) {
    const myr_env_info* info = myr_env_at(e);
    if (bench_env_selected(&o, info) && (rc = cli_check_params(&o, info)) != 0)
      return rc;
  }
  bench_stamp(stamp, sizeof stamp);
  s.stamp = stamp;
  cli_install_signals();
  return kinds[i].fn(&o, &s);
}
