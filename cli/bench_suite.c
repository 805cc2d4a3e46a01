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

/* measure one point of the memory profile and emit its row */
static int mem_emit(const cli_opts* eo, const myr_env_info* e, const char* kind,
                    int64_t n, int64_t chunk, int64_t steps, bench_csv* csv) {
  mem_point p;
  bench_result r;
  int rc = mem_measure(eo, n, chunk, steps, &p);
  if (rc != 0) return rc;
  mem_row(eo, e, kind, n, chunk, steps, &p, &r);
  return bench_emit(csv, &r);
}

static const int64_t mem_sizes[] = {1000,    10000,    100000,   1000000,
                                    2000000, 5000000,  10000000, 50000000,
                                    100000000};
/* the chunk sizes of the memory profile and of the chunk sweep */
static const int64_t chunk_sizes[] = {8, 16, 32, 64, 128, 256, 512};
static const int64_t mem_total_steps[] = {64, 256, 1024, 4096};

static int memory_env(const cli_opts* eo, const bench_suite_opts* s,
                      const myr_env_info* e, bench_csv* csv) {
  int do_envs = strcmp(eo->profile, "chunk") != 0;
  int do_chunk = strcmp(eo->profile, "envs") != 0;
  size_t nsizes = s->smoke ? 2 : eo->full ? 9 : 6;
  size_t nchunks = s->smoke ? 2 : 7;
  size_t nsteps = s->smoke ? 2 : eo->full ? 4 : 3;
  int64_t n_default = eo->has_num_envs ? eo->num_envs
                      : s->smoke       ? 1000
                      : eo->full       ? 100000
                                       : 10000;
  int64_t n_chunk = n_default, default_chunk;
  myr_batch* tiny = NULL;
  double row;
  int rc;
  size_t i;
  /* bytes of a recorded row (does a chunk of them fit?) and the chunk of
   * the steps profile: the default */
  if ((rc = cli_tiny_batch(eo, e, &tiny)) != 0) return rc;
  row = (double)myr_batch_row_bytes(tiny);
  default_chunk = myr_batch_default_chunk(tiny);
  myr_batch_destroy(tiny);
  if (do_chunk && !eo->has_num_envs && !s->smoke) {
    /* slow envs get fewer envs so the profile stays within budget */
    int64_t all_steps = 0;
    double rate;
    for (i = 0; i < nchunks; ++i) all_steps += chunk_sizes[i];
    for (i = 0; i < nsteps; ++i) all_steps += mem_total_steps[i];
    if ((rc = bench_probe_rate(eo, e->id, 1000, &rate)) != 0) return rc;
    n_chunk = bench_affordable_envs(rate, all_steps, eo->full ? 120.0 : 10.0,
                                    1000, n_default);
  }
  /* bytes/env vs num_envs, no recording */
  for (i = 0; do_envs && i < nsizes && rc == 0; ++i)
    if (bench_fits_memory(e, mem_sizes[i], 0))
      rc = mem_emit(eo, e, "memory-envs", mem_sizes[i], 0, 8, csv);
  /* recording: vs chunk size (one chunk per run), then vs total steps */
  for (i = 0; do_chunk && i < nchunks + nsteps && rc == 0; ++i) {
    int by_chunk = i < nchunks;
    int64_t chunk = by_chunk ? chunk_sizes[i] : default_chunk;
    int64_t steps = by_chunk ? chunk : mem_total_steps[i - nchunks];
    if (bench_fits_memory(e, n_chunk, (double)chunk * row))
      rc = mem_emit(eo, e, by_chunk ? "memory-chunk" : "memory-steps", n_chunk,
                    chunk, steps, csv);
  }
  return rc;
}

int bench_memory(const cli_opts* o, const bench_suite_opts* s) {
  return bench_each_env(o, s, "memory", 1, memory_env);
}

/* ------------------------------------------------------------ sweeps */

/* one fused-rollout setting a sweep varies, applied to a config */
typedef void (*sweep_apply)(bench_config* c, int64_t value);

/* measure env e at n envs for each of values[0..count) (applied to the
 * config by apply) and emit the rows as `kind`; efficiency (when with_eff):
 * throughput / (the first row's throughput x threads) */
static int sweep(const cli_opts* eo, const bench_suite_opts* s,
                 const myr_env_info* e, bench_csv* csv, const char* kind,
                 int64_t n, const int64_t* values, size_t count,
                 sweep_apply apply, int with_eff) {
  double rate1 = 0;
  int rc = 0;
  size_t i;
  if (!bench_fits_memory(e, n, 0)) return 0;
  for (i = 0; i < count && rc == 0 && !*cli_stop_flag(); ++i) {
    bench_config c;
    bench_result r;
    bench_config_from(eo, s, e->id, n, &c);
    apply(&c, values[i]);
    if ((rc = bench_measure(eo, &c, &r)) != 0) break;
    r.kind = kind;
    if (i == 0) rate1 = r.steps_per_s;
    if (with_eff)
      r.efficiency = rate1 > 0 ? r.steps_per_s / rate1 / (double)r.threads : -1;
    rc = bench_emit(csv, &r);
  }
  return rc;
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

/* a chunk of the sweep; every run holds whole chunks */
static void apply_chunk(bench_config* c, int64_t chunk) {
  c->chunk = chunk;
  c->whole_chunks = 1;
  if (c->steps > 0 && c->steps < c->chunk) c->steps = c->chunk;
}

static int chunk_env(const cli_opts* eo, const bench_suite_opts* s,
                     const myr_env_info* e, bench_csv* csv) {
  size_t nchunks = s->smoke ? 2 : 7;
  int64_t longest = chunk_sizes[nchunks - 1];
  int64_t n = eo->has_num_envs ? eo->num_envs
              : s->smoke       ? 1000
              : eo->full       ? 1000000
                               : 100000;
  if (!eo->has_num_envs && !s->smoke) {
    /* a slow env gets fewer envs so a 512-step run stays affordable */
    double rate, budget = eo->full ? 5.0 : 0.5;
    int64_t n_env;
    char s1[32];
    int rc = bench_probe_rate(eo, e->id, 1000, &rate);
    if (rc != 0) return rc;
    n_env = bench_affordable_envs(rate, longest, budget, 1000, n);
    if (n_env < n)
      printf("%s: %s envs (a run of %lld steps at more would exceed %.1f s; "
             "--num-envs sets it)\n", e->id,
             cli_si((double)n_env, s1, sizeof s1), (long long)longest, budget);
    n = n_env;
  }
  return sweep(eo, s, e, csv, "chunk", n, chunk_sizes, nchunks, apply_chunk, 0);
}

int bench_chunk(const cli_opts* o, const bench_suite_opts* s) {
  return bench_each_env(o, s, "chunk", 1, chunk_env);
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
static int thread_counts(int32_t cpus, int smoke, int64_t* out) {
  int n = 0;
  int64_t t;
  if (cpus > BENCH_MAX_THREADS) cpus = BENCH_MAX_THREADS;
  if (smoke && cpus > 2) cpus = 2;
  for (t = 1; t <= cpus; t = t < 8 ? t + 1 : t * 2) out[n++] = t;
  if (out[n - 1] != cpus) out[n++] = cpus;
  return n;
}

static void apply_threads(bench_config* c, int64_t threads) {
  c->threads = (int32_t)threads;
}

static int threads_env(const cli_opts* eo, const bench_suite_opts* s,
                       const myr_env_info* e, bench_csv* csv) {
  int64_t counts[32];
  int ncounts = thread_counts(myr_cpu_count(), s->smoke, counts);
  int64_t n = eo->has_num_envs ? eo->num_envs
              : s->smoke       ? 1000
              : eo->full       ? 5000000
                               : 1000000;
  return sweep(eo, s, e, csv, "threads", n, counts, (size_t)ncounts,
               apply_threads, 1);
}

int bench_threads(const cli_opts* o, const bench_suite_opts* s) {
  return bench_each_env(o, s, "threads", 1, threads_env);
}
