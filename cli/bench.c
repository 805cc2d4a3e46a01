/*
 * bench.c -- `myriad bench throughput`: timing one configuration, the time
 * statistics, and the CSV writer shared by every bench sub-command.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "bench_compare.h"

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

int bench_measure(const cli_opts* o, const bench_config* c, bench_result* r) {
  cli_opts bo = *o;
  myr_batch* b = NULL;
  myr_rollout_def def = myr_rollout_def_default();
  step_buffers sb;
  double times[BENCH_MAX_RUNS];
  uint64_t rss0;
  int64_t episodes = 0, len_sum = 0, reactions = 0, caps = 0;
  int run, rc = 0;

  memset(r, 0, sizeof *r);
  memset(&sb, 0, sizeof sb);
  r->cfg = *c;
  bo.env = c->env;
  bo.num_envs = c->num_envs;
  bo.threads = c->threads;
  bo.block = c->block;
  rss0 = cli_current_rss();
  if ((rc = cli_make_batch(&bo, &b)) != 0) return rc;
  r->theory_bytes_per_env =
      (double)myr_batch_state_bytes(b) / (double)c->num_envs;
  r->threads = myr_batch_threads(b);
  r->precision = myr_precision_name(myr_batch_precision(b));
  if (c->step_mode) {
    if (myr_batch_env(b)->action_space.kind != MYR_SPACE_DISCRETE) {
      cli_error("bench: step mode supports discrete-action envs only");
      myr_batch_destroy(b);
      return CLI_EXIT_USAGE;
    }
    if (alloc_step_buffers(&sb, myr_batch_env(b), c->num_envs) != 0) {
      cli_error("bench: out of memory (step buffers for %lld envs)",
                (long long)c->num_envs);
      myr_batch_destroy(b);
      return CLI_EXIT_FAIL;
    }
  }
  /* touch every page once, then measure the state's resident bytes */
  {
    myr_rollout_def touch = myr_rollout_def_default();
    touch.steps = 1;
    touch.policy = "random";
    if (myr_batch_rollout(b, &touch, NULL) != MYR_OK) {
      cli_error("bench: %s", myr_last_error());
      myr_batch_destroy(b);
      free_step_buffers(&sb);
      return CLI_EXIT_FAIL;
    }
  }
  {
    uint64_t rss1 = cli_current_rss();
    r->bytes_per_env =
        rss1 > rss0 ? (double)(rss1 - rss0) / (double)c->num_envs : 0.0;
  }
  def.steps = c->steps;
  def.policy = "random";
  def.chunk_size = c->chunk;
  def.stop = cli_stop_flag();
  if (c->record) def.on_chunk = discard_chunk;
  r->chunk = c->chunk > 0 ? c->chunk : 64;

  for (run = 0; run < c->warmup + c->runs && rc == 0; ++run) {
    double t0 = cli_now(), t1;
    myr_rollout_stats st;
    int status = MYR_OK;
    memset(&st, 0, sizeof st);
    if (c->step_mode) {
      myr_step_out out;
      int64_t s;
      out.obs = sb.obs;
      out.reward = sb.reward;
      out.terminated = sb.term;
      out.truncated = sb.trunc;
      out.final_obs = NULL;
      for (s = 0; s < c->steps && status == MYR_OK; ++s) {
        status = myr_batch_step(
            b, sb.actions + (size_t)(s % ACTION_SETS) * (size_t)c->num_envs, &out);
        if (*cli_stop_flag()) status = MYR_EINTR;
      }
    } else {
      status = myr_batch_rollout(b, &def, &st);
    }
    t1 = cli_now();
    if (status != MYR_OK) {
      if (status != MYR_EINTR) cli_error("bench: %s", myr_last_error());
      rc = status == MYR_EINTR ? CLI_EXIT_FAIL : cli_exit_code(status);
      break;
    }
    if (run >= c->warmup) {
      times[run - c->warmup] = t1 - t0;
      episodes += st.episodes;
      len_sum += st.length_sum;
      reactions += st.reactions;
      caps += st.cap_hits;
    }
  }
  if (rc == 0) {
    bench_time_stats(times, c->runs, &r->t_mean, &r->t_std, &r->t_min,
                     &r->t_median, &r->t_max);
    r->steps_per_s = (double)c->num_envs * (double)c->steps / r->t_median;
    r->per_env_steps_per_s = (double)c->steps / r->t_median;
    r->episodes = episodes;
    r->mean_length = episodes ? (double)len_sum / (double)episodes : 0.0;
    r->reactions = reactions;
    r->cap_hits = caps;
    r->peak_rss = cli_peak_rss();
  }
  free_step_buffers(&sb);
  myr_batch_destroy(b);
  return rc;
}

/* ------------------------------------------------------------ CSV */

const char* bench_csv_header(void) {
  return "env,num_envs,chunk,threads,backend,precision,mode,steps,runs,"
         "time_mean_s,time_std_s,time_min_s,time_median_s,time_max_s,"
         "steps_per_s,steps_per_s_per_env,bytes_per_env,theory_bytes_per_env,"
         "peak_rss_bytes,episodes,mean_episode_length,reactions_per_step,"
         "cpu_model,simd_isa,compiler,git_rev,timestamp\n";
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

/* write text to path.tmp, then rename over path */
static int flush_atomic(bench_csv* c) {
  char tmp[1100];
  FILE* f;
  int bad = 0;
  snprintf(tmp, sizeof tmp, "%s.tmp", c->path);
  f = fopen(tmp, "w");
  if (f == NULL) {
    cli_error("bench: cannot write '%s': %s", tmp, strerror(errno));
    return -1;
  }
  if (fwrite(c->text, 1, c->len, f) != c->len) bad = 1;
  if (fflush(f) != 0) bad = 1;
  if (fclose(f) != 0) bad = 1;
  if (bad) {
    cli_error("bench: writing '%s' failed: %s", tmp, strerror(errno));
    remove(tmp);
    return -1;
  }
  if (rename(tmp, c->path) != 0) {
    cli_error("bench: cannot rename '%s': %s", tmp, strerror(errno));
    return -1;
  }
  return 0;
}

int bench_csv_open(bench_csv* c, const char* path) {
  memset(c, 0, sizeof *c);
  snprintf(c->path, sizeof c->path, "%s", path);
  if (append(c, bench_csv_header()) != 0) return -1;
  return flush_atomic(c);
}

static void csv_field(char* out, size_t size, const char* s) {
  /* quote fields that may hold commas */
  size_t k = 0;
  if (k < size - 1) out[k++] = '"';
  for (; *s && k + 3 < size; ++s) {
    if (*s == '"') out[k++] = '"';
    out[k++] = *s;
  }
  out[k++] = '"';
  out[k] = '\0';
}

int bench_csv_add(bench_csv* c, const bench_result* r) {
  char line[2048], cpu[256], comp[256], ts[64];
  time_t now = time(NULL);
  struct tm tmv;
  double steps_total = (double)r->cfg.num_envs * (double)r->cfg.steps * r->cfg.runs;
  gmtime_r(&now, &tmv);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tmv);
  csv_field(cpu, sizeof cpu, cli_cpu_model());
  csv_field(comp, sizeof comp, cli_compiler());
  snprintf(line, sizeof line,
           "%s,%lld,%lld,%d,cpu,%s,%s,%lld,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,"
           "%.6g,%.4g,%.4g,%llu,%lld,%.4f,%.4f,%s,%s,%s,%s,%s\n",
           r->cfg.env, (long long)r->cfg.num_envs, (long long)r->chunk,
           (int)r->threads, r->precision ? r->precision : "float32",
           r->cfg.step_mode ? "step" : (r->cfg.record ? "fused+record" : "fused"),
           (long long)r->cfg.steps, (int)r->cfg.runs, r->t_mean, r->t_std,
           r->t_min, r->t_median, r->t_max, r->steps_per_s,
           r->per_env_steps_per_s, r->bytes_per_env, r->theory_bytes_per_env,
           (unsigned long long)r->peak_rss, (long long)r->episodes,
           r->mean_length,
           steps_total > 0 ? (double)r->reactions / steps_total : 0.0, cpu,
           myr_simd_isa(), comp, cli_git_rev(), ts);
  if (append(c, line) != 0) return -1;
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
  memset(c, 0, sizeof *c);
}

void bench_print(const bench_result* r) {
  char s1[32], s2[32], s3[32];
  printf("%-20s %10s envs  %-6s chunk %-4lld thr %-2d  median %9.4f s  "
         "(min %.4f max %.4f, sd %.4f)  %9s steps/s  %8s/env  %6.1f B/env",
         r->cfg.env, cli_si((double)r->cfg.num_envs, s1, sizeof s1),
         r->cfg.step_mode ? "step" : "fused", (long long)r->chunk,
         (int)r->threads, r->t_median, r->t_min, r->t_max, r->t_std,
         cli_si(r->steps_per_s, s2, sizeof s2),
         cli_si(r->per_env_steps_per_s, s3, sizeof s3), r->theory_bytes_per_env);
  if (r->episodes > 0) printf("  ep.len %.2f", r->mean_length);
  printf("\n");
  fflush(stdout);
}

/* ------------------------------------------------------------ throughput */

static const char* throughput_usage =
    "usage: myriad bench throughput [--env ID] [--num-envs N] [--steps T]\n"
    "                               [--mode fused|step] [--chunk C] [--block B]\n"
    "                               [--threads K] [--runs R] [--warmup W]\n"
    "                               [--csv FILE] [--param KEY=VALUE ...]\n"
    "\n"
    "Time T steps of N envs under the random policy: `fused` runs the\n"
    "rollout inside the library, `step` drives myr_batch_step() with\n"
    "pre-generated caller actions and output buffers.  W warm-up runs are\n"
    "excluded, then R timed runs each continue from the previous state.\n"
    "Throughput is env-steps per second of the median run.\n";

int bench_throughput_one(int argc, char** argv);
int bench_throughput_one(int argc, char** argv) {
  cli_opts o;
  bench_config c;
  bench_result r;
  bench_csv csv;
  int rc;
  cli_opts_init(&o, "bench throughput");
  o.num_envs = 1000000;
  o.steps = 100;
  rc = cli_parse(&o, argc, argv,
                 OPT_ENV | OPT_NUM_ENVS | OPT_STEPS | OPT_SEED | OPT_THREADS |
                     OPT_MODE | OPT_CHUNK | OPT_BLOCK | OPT_RUNS | OPT_WARMUP |
                     OPT_CSV | OPT_PARAM | OPT_PRECISION | OPT_BACKEND,
                 throughput_usage);
  if (rc != 0) return rc < 0 ? 0 : rc;
  memset(&c, 0, sizeof c);
  c.env = o.env;
  c.num_envs = o.num_envs;
  c.steps = o.steps;
  c.chunk = o.chunk;
  c.block = o.block;
  c.threads = o.threads;
  c.runs = o.runs;
  c.warmup = o.warmup;
  c.step_mode = strcmp(o.mode, "step") == 0;
  cli_install_signals();
  if (o.csv != NULL && bench_csv_open(&csv, o.csv) != 0) return CLI_EXIT_FAIL;
  rc = bench_measure(&o, &c, &r);
  if (rc == 0) {
    bench_print(&r);
    if (o.csv != NULL && bench_csv_add(&csv, &r) != 0) rc = CLI_EXIT_FAIL;
  }
  if (o.csv != NULL) {
    if (bench_csv_finish(&csv, rc != 0) != 0) rc = CLI_EXIT_FAIL;
    bench_csv_close(&csv);
  }
  return rc;
}

static const char* bench_usage =
    "usage: myriad bench <kind> [options]\n"
    "\n"
    "kinds:\n"
    "  throughput   env-steps/s of one configuration (see --help)\n"
    "  compare      Myriad beside Gymnasium, gymnax, EnvPool (Python)\n";

int cli_cmd_bench(int argc, char** argv) {
  if (argc < 1 || strcmp(argv[0], "--help") == 0) {
    fputs(bench_usage, argc < 1 ? stderr : stdout);
    return argc < 1 ? CLI_EXIT_USAGE : 0;
  }
  if (strcmp(argv[0], "compare") == 0)
    return cli_bench_compare(argc - 1, argv + 1);
  if (strcmp(argv[0], "throughput") == 0)
    return bench_throughput_one(argc - 1, argv + 1);
  cli_error("bench: unknown kind '%s' (see 'myriad bench --help')", argv[0]);
  return CLI_EXIT_USAGE;
}
