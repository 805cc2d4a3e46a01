/*
 * bench_csv.c -- the pure pieces of `myriad bench`: time statistics, the
 * automatic choice of steps per run, and the CSV writer.
 *
 * The writer keeps the whole file in memory and after every row writes it
 * to PATH.tmp, flushes, and renames it over PATH (rename is atomic on POSIX
 * file systems), so PATH always holds the header and whole rows only.  An
 * interrupted run appends a "# partial" comment line as its last line.
 * Fields not applicable to a row (time statistics of a memory row, the
 * efficiency of a chunk row) are left empty.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "mpi.h"

/* ------------------------------------------------------------ statistics */

static int cmp_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

void bench_time_stats(double* t, int n, double* mean, double* std, double* mn,
                      double* median, double* mx) {
  double s = 0, ss = 0;
  int i;
  if (n <= 0) {
    *mean = *std = *mn = *median = *mx = 0;
    return;
  }
  qsort(t, (size_t)n, sizeof *t, cmp_double);
  for (i = 0; i < n; ++i) s += t[i];
  *mean = s / n;
  for (i = 0; i < n; ++i) ss += (t[i] - *mean) * (t[i] - *mean);
  *std = n > 1 ? sqrt(ss / (n - 1)) : 0.0;
  *mn = t[0];
  *mx = t[n - 1];
  *median = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

/* ------------------------------------------------------------ steps per run */

int64_t bench_auto_steps(const bench_config* c, double rate) {
  double n = (double)c->num_envs;
  /* c->chunk is the chunk the runs use (bench_measure resolves 0 to the
   * batch's default); below 1 nothing is rounded to whole chunks */
  int64_t chunk = c->chunk > 0 ? c->chunk : 1;
  double want, cap;
  int64_t steps;
  if (rate <= 0 || n <= 0) return chunk;
  want = c->target_s * rate / n;
  cap = c->max_run_s > 0 ? c->max_run_s * rate / n : want;
  if (want > 1e12) want = 1e12;
  steps = (int64_t)ceil(want);
  if (steps >= chunk) {
    /* whole chunks only, so every chunk of the run is the chunk measured */
    steps = (steps + chunk - 1) / chunk * chunk;
  } else if (c->whole_chunks || cap >= (double)chunk) {
    steps = chunk;
  } else {
    /* a full chunk would run too long (huge or slow batches) */
    steps = (int64_t)floor(cap);
    if (steps < c->min_steps) steps = c->min_steps;
  }
  return steps < 1 ? 1 : steps;
}

/* ------------------------------------------------------------ CSV */

const char* bench_csv_header(void) {
  return "kind,env,num_envs,chunk,block,threads,backend,precision,mode,steps,"
         "runs,warmup,time_mean_s,time_std_s,time_min_s,time_median_s,"
         "time_max_s,steps_per_s,steps_per_s_per_env,efficiency,"
         "bytes_per_env,theory_bytes_per_env,peak_rss_bytes,episodes,"
         "mean_episode_length,reactions_per_step,cap_hits,cpu_model,simd_isa,"
         "compiler,git_rev,timestamp,device_bytes_per_env,cores,suite\n";
}

static int append(bench_csv* c, const char* s) {
  size_t n = strlen(s);
  if (c->len + n + 1 > c->cap) {
    size_t cap = (c->cap ? c->cap * 2 : 4096);
    char* t;
    while (cap < c->len + n + 1) cap *= 2;
    t = (char*)realloc(c->text, cap);
    if (t == NULL) return -1;
    c->text = t;
    c->cap = cap;
  }
  memcpy(c->text + c->len, s, n + 1);
  c->len += n;
  return 0;
}

/* the text to a new temporary file beside PATH, then renamed over it
 * (safefile.c: no planted link followed, nothing but a regular file
 * replaced) */
static int flush_atomic(bench_csv* c) {
  if (!cli_mpi_is_root()) return 0; /* MPI: rank 0 writes the files */
  return cli_write_atomic("bench", c->path, c->text, c->len);
}

int bench_csv_open(bench_csv* c, const char* path) {
  memset(c, 0, sizeof *c);
  c->lock_fd = -1;
  if (strlen(path) >= sizeof c->path) {
    cli_error("bench: CSV path too long: '%s'", path);
    return -1;
  }
  snprintf(c->path, sizeof c->path, "%s", path);
  /* one writer per CSV: a second run into the same file fails at once */
  if (cli_mpi_is_root()) {
    snprintf(c->lock_path, sizeof c->lock_path, "%s.lock", path);
    if (cli_check_replaceable("bench", path) != 0 ||
        (c->lock_fd = cli_lock("bench", c->lock_path, 0)) < 0) {
      c->lock_fd = -1;
      return -1;
    }
  }
  if (append(c, bench_csv_header()) != 0 || flush_atomic(c) != 0) {
    bench_csv_close(c); /* nothing held after a failed open */
    return -1;
  }
  return 0;
}

char* bench_csv_field(char* out, size_t size, const char* s) {
  size_t k = 0;
  int quote = strpbrk(s, ",\"\n\r") != NULL;
  if (size < 3) {
    if (size > 0) out[0] = '\0';
    return out;
  }
  if (quote) out[k++] = '"';
  /* leave room for a doubled quote, the closing quote and the NUL */
  for (; *s && k + 4 <= size; ++s) {
    if (*s == '"') out[k++] = '"';
    out[k++] = *s;
  }
  if (quote) out[k++] = '"';
  out[k] = '\0';
  return out;
}

/* a number, or an empty field when not applicable */
static const char* num(char* buf, size_t size, const char* fmt, double v,
                       int applicable) {
  if (!applicable || !isfinite(v)) buf[0] = '\0';
  else snprintf(buf, size, fmt, v);
  return buf;
}

int bench_csv_add(bench_csv* c, const bench_result* r) {
  char line[4096], env[160], cpu[256], comp[256], ts[64];
  char f[13][40];
  time_t now = time(NULL);
  struct tm tmv;
  int t = r->has_time;
  double steps_total =
      (double)r->cfg.num_envs * (double)r->steps * (double)r->cfg.runs;
  gmtime_r(&now, &tmv);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tmv);
  bench_csv_field(env, sizeof env, r->cfg.env);
  bench_csv_field(cpu, sizeof cpu, cli_cpu_model());
  bench_csv_field(comp, sizeof comp, cli_compiler());
  snprintf(line, sizeof line,
           "%s,%s,%lld,%lld,%lld,%d,%s,%s,%s,%lld,%d,%d,%s,%s,%s,%s,%s,%s,%s,"
           "%s,%s,%s,%llu,%lld,%s,%s,%lld,%s,%s,%s,%s,%s,%s,%ld,%s\n",
           r->kind ? r->kind : "throughput", env, (long long)r->cfg.num_envs,
           (long long)r->chunk, (long long)r->block, (int)r->threads,
           r->backend ? r->backend : "cpu",
           r->precision ? r->precision : "float32",
           r->cfg.step_mode ? "step" : (r->cfg.record ? "fused+record" : "fused"),
           (long long)r->steps, (int)r->cfg.runs, (int)r->cfg.warmup,
           num(f[0], sizeof f[0], "%.17g", r->t_mean, t),
           num(f[1], sizeof f[1], "%.17g", r->t_std, t),
           num(f[2], sizeof f[2], "%.17g", r->t_min, t),
           num(f[3], sizeof f[3], "%.17g", r->t_median, t),
           num(f[4], sizeof f[4], "%.17g", r->t_max, t),
           num(f[5], sizeof f[5], "%.17g", r->steps_per_s, t),
           num(f[6], sizeof f[6], "%.17g", r->per_env_steps_per_s, t),
           num(f[7], sizeof f[7], "%.17g", r->efficiency, r->efficiency >= 0),
           num(f[8], sizeof f[8], "%.17g", r->bytes_per_env, 1),
           num(f[9], sizeof f[9], "%.17g", r->theory_bytes_per_env, 1),
           (unsigned long long)r->peak_rss, (long long)r->episodes,
           num(f[10], sizeof f[10], "%.17g", r->mean_length, r->episodes > 0),
           num(f[11], sizeof f[11], "%.17g",
               steps_total > 0 ? (double)r->reactions / steps_total : 0.0, t),
           (long long)r->cap_hits, cpu, myr_simd_isa(), comp, cli_git_rev(), ts,
           num(f[12], sizeof f[12], "%.17g", r->device_bytes_per_env,
               r->backend != NULL && strcmp(r->backend, "cuda") == 0),
           sysconf(_SC_NPROCESSORS_ONLN), r->cfg.full ? "full" : "quick");
  if (append(c, line) != 0) {
    cli_error("bench: out of memory (CSV text)");
    return -1;
  }
  c->rows++;
  return flush_atomic(c);
}

int bench_csv_finish(bench_csv* c, int partial) {
  if (!partial) return 0;
  if (append(c, "# partial: interrupted before all rows were measured\n") != 0)
    return -1;
  return flush_atomic(c);
}

void bench_csv_close(bench_csv* c) {
  free(c->text);
  if (c->lock_fd >= 0) cli_unlock(c->lock_fd, c->lock_path);
  memset(c, 0, sizeof *c);
  c->lock_fd = -1;
}
