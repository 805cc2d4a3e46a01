/*
 * bench_suite.c -- `myriad bench memory`, `bench chunk` and `bench threads`.
 *
 * Memory is measured in a child process per point (fork), so each point
 * starts from a clean heap and its peak RSS is its own: the child resets
 * its peak mark, reads its RSS, creates the batch, runs a few steps (with
 * trajectory recording for the chunk and steps profiles, through a callback
 * that discards the rows), and reports its peak RSS through a pipe.
 * The child first returns the heap pages its parent had freed to the system
 * (malloc_trim) so that reused pages are not missed.
 * Measured bytes/env = (peak RSS - RSS before the batch) / num_envs; the
 * theoretical figure is the batch's allocated state / num_envs, plus one
 * chunk of trajectory rows when recording (the library holds exactly one).
 */
#include <errno.h>
#if defined(__GLIBC__) || defined(__linux__)
#  include <malloc.h>
#endif
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "tune.h"

/* ------------------------------------------------------------ memory */

const char* const bench_memory_usage =
    "usage: myriad bench memory [--env ID|all] [--profile envs|chunk|both]\n"
    "                           [--full] [--num-envs N] [--threads K]\n"
    "                           [--csv FILE] [--out DIR] [--smoke]\n"
    "\n"
    "Peak resident memory, each point in its own child process.\n"
    "  envs    bytes/env vs num_envs (1K .. 5M; --full adds 10M, 50M, 100M\n"
    "          where memory allows): measured RSS growth beside the batch's\n"
    "          allocated state (theory)\n"
    "  chunk   trajectory recording on, N envs (default 10K; 100K with\n"
    "          --full; fewer for slow envs so the profile takes about 10 s,\n"
    "          2 min with --full): memory vs chunk size 8 .. 512 (one chunk\n"
    "          per run), and vs total steps 64 .. 1024 (4096 with --full) at\n"
    "          the default chunk, which it must not depend on\n"
    "Rows go to DIR/memory-<UTC time>.csv (default DIR bench/out;\n"
    "--full --commit-results: bench/results).\n";

typedef struct mem_point {
  int status;
  uint64_t rss0;    /* before the batch, bytes */
  uint64_t rss1;    /* after the run */
  uint64_t peak;    /* peak mark after the run */
  uint64_t state_bytes;
  uint64_t row_bytes; /* bytes one env adds to a recorded row */
  int32_t threads;
  int64_t chunk;      /* the chunk and block the rollout used */
  int64_t block;
  int64_t episodes;
  int64_t length_sum;
  uint64_t device_bytes; /* cuda backend: device memory of the batch */
  char err[256];
} mem_point;

static int discard_rows(const myr_traj_chunk* c, void* user) {
  (void)c;
  (void)user;
  return 0;
}

/* in the child: one batch, `steps` steps, recording when chunk > 0 */
static void mem_child(const cli_opts* o, int64_t n, int64_t chunk,
                      int64_t steps, mem_point* p) {
  myr_batch* b = NULL;
  myr_batch_def def = myr_batch_def_default();
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  int rc;
  memset(p, 0, sizeof *p);
#if defined(__GLIBC__)
  /* start like a fresh process: hand the heap pages the parent freed back
   * to the system (they are resident and would be reused uncounted) and
   * undo glibc's dynamic raise of the mmap threshold */
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  malloc_trim(0);
#endif
  bench_reset_peak_rss();
  p->rss0 = cli_current_rss();
  def.seed = o->seed;
  def.threads = o->threads;
  def.precision = o->precision;
  def.num_params = o->num_params;
  def.params = o->params;
  def.backend =
      strcmp(o->backend, "cuda") == 0 ? MYR_BACKEND_CUDA : MYR_BACKEND_CPU;
  rc = myr_batch_create(o->env, n, &def, &b);
  if (rc == MYR_OK && o->block > 0) rc = myr_batch_set_block_size(b, o->block);
  if (rc == MYR_OK) {
    rd.steps = steps;
    rd.policy = "random";
    rd.chunk_size = chunk > 0 ? chunk : o->chunk;
    rd.stop = cli_stop_flag();
    if (chunk > 0) rd.on_chunk = discard_rows;
    rc = myr_batch_rollout(b, &rd, &st);
  }
  p->status = rc;
  if (rc != MYR_OK) {
    snprintf(p->err, sizeof p->err, "%s", myr_last_error());
  } else {
    p->rss1 = cli_current_rss();
    p->peak = cli_peak_rss();
    p->state_bytes = myr_batch_state_bytes(b);
    p->row_bytes = (uint64_t)myr_batch_row_bytes(b);
    p->threads = myr_batch_threads(b);
    p->chunk = st.chunk_size;
    p->block = st.block_size;
    p->episodes = st.episodes;
    p->length_sum = st.length_sum;
    p->device_bytes = (uint64_t)myr_batch_device_bytes(b);
  }
  myr_batch_destroy(b);
}

/* fork, measure in the child, read the point back; returns an exit code */
static int mem_measure(const cli_opts* o, int64_t n, int64_t chunk,
                       int64_t steps, mem_point* p) {
  int fd[2], status = 0;
  size_t got = 0;
  pid_t pid;
  fflush(stdout);
  fflush(stderr);
  if (pipe(fd) != 0) {
    cli_error("bench memory: pipe: %s", strerror(errno));
    return CLI_EXIT_FAIL;
  }
  pid = fork();
  if (pid < 0) {
    cli_error("bench memory: fork: %s", strerror(errno));
    close(fd[0]);
    close(fd[1]);
    return CLI_EXIT_FAIL;
  }
  if (pid == 0) {
    mem_point cp;
    size_t off = 0;
    close(fd[0]);
    mem_child(o, n, chunk, steps, &cp);
    while (off < sizeof cp) {
      ssize_t w = write(fd[1], (const char*)&cp + off, sizeof cp - off);
      if (w <= 0) _exit(3);
      off += (size_t)w;
    }
    _exit(0);
  }
  close(fd[1]);
  while (got < sizeof *p) {
    ssize_t r = read(fd[0], (char*)p + got, sizeof *p - got);
    if (r > 0) {
      got += (size_t)r;
    } else if (r < 0 && errno == EINTR) {
      if (*cli_stop_flag()) kill(pid, SIGTERM);
    } else {
      break;
    }
  }
  close(fd[0]);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (*cli_stop_flag()) return CLI_EXIT_FAIL;
  if (got != sizeof *p || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    cli_error("bench memory: the measuring process for %lld envs failed%s",
              (long long)n,
              WIFSIGNALED(status) ? " (killed: out of memory?)" : "");
    return CLI_EXIT_FAIL;
  }
  if (p->status != MYR_OK) {
    if (p->status == MYR_EINTR) return CLI_EXIT_FAIL;
    cli_error("bench memory: %s", p->err);
    return cli_exit_code(p->status);
  }
  return 0;
}

static void mem_row(const cli_opts* o, const myr_env_info* e, const char* kind,
                    int64_t n, int64_t chunk, int64_t steps,
                    const mem_point* p, bench_result* r) {
  memset(r, 0, sizeof *r);
  r->kind = kind;
  r->cfg.env = e->id;
  r->cfg.num_envs = n;
  r->cfg.runs = 1;
  r->cfg.record = chunk > 0;
  r->cfg.full = o->full;
  r->has_time = 0;
  r->efficiency = -1;
  r->threads = p->threads;
  r->block = p->block;
  r->chunk = p->chunk;
  r->steps = steps;
  r->precision = myr_precision_name(o->precision);
  r->bytes_per_env = p->peak > p->rss0 ? (double)(p->peak - p->rss0) / (double)n : 0;
  r->theory_bytes_per_env =
      (double)p->state_bytes / (double)n +
      (chunk > 0 ? (double)(chunk < steps ? chunk : steps) * (double)p->row_bytes
                 : 0);
  r->peak_rss = p->peak;
  r->backend = o->backend;
  r->device_bytes_per_env = (double)p->device_bytes / (double)n;
  r->episodes = p->episodes;
  r->mean_length = p->episodes ? (double)p->length_sum / (double)p->episodes : 0;
}

static void mem_print(const bench_result* r) {
  char s1[32];
  /* kind without its "memory-" prefix: envs, chunk or steps (profile) */
  printf("%-5s %-17.17s %7s envs chunk %-4lld steps %-5lld %6.1f MiB "
         "%7.1f B/env theory %.1f\n",
         strncmp(r->kind, "memory-", 7) == 0 ? r->kind + 7 : r->kind, r->cfg.env, cli_si((double)r->cfg.num_envs, s1, sizeof s1),
         (long long)r->chunk, (long long)r->steps,
         (double)r->peak_rss / 1048576.0, r->bytes_per_env,
         r->theory_bytes_per_env);
  if (r->backend != NULL && strcmp(r->backend, "cuda") == 0)
    printf("%-5s %-17s %7s      device %.1f B/env\n", "", "", "",
           r->device_bytes_per_env);
  fflush(stdout);
}

int bench_memory(const cli_opts* o, const bench_suite_opts* s) {
  static const int64_t sizes[] = {1000,     10000,    100000,   1000000,
                                  2000000,  5000000,  10000000, 50000000,
                                  100000000};
  static const int64_t chunks[] = {8, 16, 32, 64, 128, 256, 512};
  static const int64_t total_steps[] = {64, 256, 1024, 4096};
  bench_csv csv;
  char path[1200];
  int do_envs = strcmp(o->profile, "chunk") != 0;
  int do_chunk = strcmp(o->profile, "envs") != 0;
  size_t nsizes = s->smoke ? 2 : o->full ? 9 : 6;
  size_t nchunks = s->smoke ? 2 : 7;
  size_t nsteps = s->smoke ? 2 : o->full ? 4 : 3;
  int64_t n_default = o->has_num_envs ? o->num_envs
                      : s->smoke      ? 1000
                      : o->full       ? 100000
                                      : 10000;
  int64_t n_chunk;
  int rc = 0, interrupted = 0;
  int32_t k;
  size_t i;

  if ((rc = bench_csv_path(o, s, "memory", path, sizeof path)) != 0) return rc;
  if (bench_csv_open(&csv, path) != 0) return CLI_EXIT_FAIL;
  for (k = 0; k < myr_env_count() && rc == 0; ++k) {
    const myr_env_info* e = myr_env_at(k);
    cli_opts eo = *o;
    myr_batch* tiny = NULL;
    double row;
    int64_t default_chunk;
    if (!bench_env_selected(o, e)) continue;
    eo.env = e->id;
    if (o->tuned) tune_apply(&eo, e->id);
    /* bytes of a recorded row (does a chunk of them fit?) and the chunk of
     * the steps profile: the default */
    if ((rc = cli_tiny_batch(&eo, e, &tiny)) != 0) break;
    row = (double)myr_batch_row_bytes(tiny);
    default_chunk = myr_batch_default_chunk(tiny);
    myr_batch_destroy(tiny);
    n_chunk = n_default;
    if (do_chunk && !o->has_num_envs && !s->smoke) {
      /* slow envs get fewer envs so the profile stays within budget */
      int64_t all_steps = 0;
      double rate;
      for (i = 0; i < nchunks; ++i) all_steps += chunks[i];
      for (i = 0; i < nsteps; ++i) all_steps += total_steps[i];
      if ((rc = bench_probe_rate(&eo, e->id, 1000, &rate)) != 0) break;
      n_chunk = bench_affordable_envs(rate, all_steps, o->full ? 120.0 : 10.0,
                                      1000, n_default);
    }
    /* bytes/env vs num_envs, no recording */
    for (i = 0; do_envs && i < nsizes && rc == 0; ++i) {
      mem_point p;
      bench_result r;
      if (!bench_fits_memory(e, sizes[i], 0)) continue;
      rc = mem_measure(&eo, sizes[i], 0, 8, &p);
      if (rc != 0) break;
      mem_row(&eo, e, "memory-envs", sizes[i], 0, 8, &p, &r);
      mem_print(&r);
      if (bench_csv_add(&csv, &r) != 0) rc = CLI_EXIT_FAIL;
    }
    /* recording: vs chunk size (one chunk per run), then vs total steps */
    for (i = 0; do_chunk && i < nchunks + nsteps && rc == 0; ++i) {
      int by_chunk = i < nchunks;
      int64_t chunk = by_chunk ? chunks[i] : default_chunk;
      int64_t steps = by_chunk ? chunk : total_steps[i - nchunks];
      mem_point p;
      bench_result r;
      if (!bench_fits_memory(e, n_chunk, (double)chunk * row)) continue;
      rc = mem_measure(&eo, n_chunk, chunk, steps, &p);
      if (rc != 0) break;
      mem_row(&eo, e, by_chunk ? "memory-chunk" : "memory-steps", n_chunk,
              chunk, steps, &p, &r);
      mem_print(&r);
      if (bench_csv_add(&csv, &r) != 0) rc = CLI_EXIT_FAIL;
    }
  }
  if (*cli_stop_flag()) interrupted = 1;
  return bench_suite_end(&csv, rc, interrupted);
}

/* ------------------------------------------------------------ chunk */

const char* const bench_chunk_usage =
    "usage: myriad bench chunk [--env ID|all] [--full] [--num-envs N]\n"
    "                          [--threads K] [--block B] [--steps T] [--runs R]\n"
    "                          [--warmup W] [--csv FILE] [--out DIR] [--tuned]\n"
    "                          [--smoke]\n"
    "\n"
    "Fused-rollout throughput vs chunk size 8, 16, ..., 512 at a fixed\n"
    "num_envs (default 100K; 1M with --full), random policy.  A run always\n"
    "holds whole chunks, so a chunk of 512 runs at least 512 steps; a slow\n"
    "env gets fewer envs (1K, 2K, 5K, ...) so that such a run takes at most\n"
    "0.5 s (5 s with --full).  Rows go to DIR/chunk-<UTC time>.csv (default\n"
    "DIR bench/out; --full --commit-results: bench/results).\n";

int bench_chunk(const cli_opts* o, const bench_suite_opts* s) {
  static const int64_t chunks[] = {8, 16, 32, 64, 128, 256, 512};
  bench_csv csv;
  char path[1200];
  size_t nchunks = s->smoke ? 2 : 7, i;
  int64_t n = o->has_num_envs ? o->num_envs
              : s->smoke      ? 1000
              : o->full       ? 1000000
                              : 100000;
  int rc = 0, interrupted = 0;
  int32_t k;

  if ((rc = bench_csv_path(o, s, "chunk", path, sizeof path)) != 0) return rc;
  if (bench_csv_open(&csv, path) != 0) return CLI_EXIT_FAIL;
  for (k = 0; k < myr_env_count() && rc == 0; ++k) {
    const myr_env_info* e = myr_env_at(k);
    cli_opts eo = *o;
    if (!bench_env_selected(o, e)) continue;
    eo.env = e->id;
    int64_t n_env = n;
    if (o->tuned) tune_apply(&eo, e->id);
    if (!o->has_num_envs && !s->smoke) {
      /* a slow env gets fewer envs so a 512-step run stays affordable */
      double rate;
      char s1[32];
      if ((rc = bench_probe_rate(&eo, e->id, 1000, &rate)) != 0) break;
      n_env = bench_affordable_envs(rate, chunks[nchunks - 1],
                                    o->full ? 5.0 : 0.5, 1000, n);
      if (n_env < n)
        printf("%s: %s envs (a run of %lld steps at more would exceed %.1f s; "
               "--num-envs sets it)\n", e->id,
               cli_si((double)n_env, s1, sizeof s1),
               (long long)chunks[nchunks - 1], o->full ? 5.0 : 0.5);
    }
    if (!bench_fits_memory(e, n_env, 0)) continue;
    for (i = 0; i < nchunks && rc == 0; ++i) {
      bench_config c;
      bench_result r;
      if (*cli_stop_flag()) break;
      bench_config_from(&eo, s, e->id, n_env, &c);
      c.chunk = chunks[i];
      c.whole_chunks = 1;
      if (c.steps > 0 && c.steps < c.chunk) c.steps = c.chunk;
      rc = bench_measure(&eo, &c, &r);
      if (rc != 0) break;
      r.kind = "chunk";
      bench_print(&r);
      if (bench_csv_add(&csv, &r) != 0) rc = CLI_EXIT_FAIL;
    }
  }
  if (*cli_stop_flag()) interrupted = 1;
  return bench_suite_end(&csv, rc, interrupted);
}

/* ------------------------------------------------------------ threads */

const char* const bench_threads_usage =
    "usage: myriad bench threads [--env ID|all] [--full] [--num-envs N]\n"
    "                            [--chunk C] [--block B] [--steps T] [--runs R]\n"
    "                            [--warmup W] [--csv FILE] [--out DIR]\n"
    "                            [--tuned] [--smoke]\n"
    "\n"
    "Strong scaling: the same N envs (default 1M; 5M with --full) on 1, 2,\n"
    "..., all online CPUs (every count up to 8, then powers of two and the\n"
    "total).  Speed-up = throughput / throughput on 1 thread; efficiency =\n"
    "speed-up / threads.  Rows go to DIR/threads-<UTC time>.csv (default DIR\n"
    "bench/out; --full --commit-results: bench/results).\n";

/* 1..8, then powers of two, then the CPU count (at most BENCH_MAX_THREADS) */
static int thread_counts(int32_t cpus, int smoke, int32_t* out) {
  int n = 0;
  int32_t t;
  if (cpus > BENCH_MAX_THREADS) cpus = BENCH_MAX_THREADS;
  if (smoke && cpus > 2) cpus = 2;
  for (t = 1; t <= cpus; t = t < 8 ? t + 1 : t * 2) out[n++] = t;
  if (out[n - 1] != cpus) out[n++] = cpus;
  return n;
}

int bench_threads(const cli_opts* o, const bench_suite_opts* s) {
  bench_csv csv;
  char path[1200];
  int32_t counts[32];
  int ncounts = thread_counts(myr_cpu_count(), s->smoke, counts), i;
  int64_t n = o->has_num_envs ? o->num_envs
              : s->smoke      ? 1000
              : o->full       ? 5000000
                              : 1000000;
  int rc = 0, interrupted = 0;
  int32_t k;

  if ((rc = bench_csv_path(o, s, "threads", path, sizeof path)) != 0) return rc;
  if (bench_csv_open(&csv, path) != 0) return CLI_EXIT_FAIL;
  for (k = 0; k < myr_env_count() && rc == 0; ++k) {
    const myr_env_info* e = myr_env_at(k);
    cli_opts eo = *o;
    double rate1 = 0;
    if (!bench_env_selected(o, e)) continue;
    eo.env = e->id;
    if (o->tuned) tune_apply(&eo, e->id);
    if (!bench_fits_memory(e, n, 0)) continue;
    for (i = 0; i < ncounts && rc == 0; ++i) {
      bench_config c;
      bench_result r;
      if (*cli_stop_flag()) break;
      bench_config_from(&eo, s, e->id, n, &c);
      c.threads = counts[i];
      rc = bench_measure(&eo, &c, &r);
      if (rc != 0) break;
      r.kind = "threads";
      if (i == 0) rate1 = r.steps_per_s;
      r.efficiency = rate1 > 0 ? r.steps_per_s / rate1 / (double)r.threads : -1;
      bench_print(&r);
      if (bench_csv_add(&csv, &r) != 0) rc = CLI_EXIT_FAIL;
    }
  }
  if (*cli_stop_flag()) interrupted = 1;
  return bench_suite_end(&csv, rc, interrupted);
}
