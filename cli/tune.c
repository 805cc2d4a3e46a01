/*
 * tune.c -- `myriad tune`: search threads x block size x chunk for the
 * fastest fused random rollout of an env on this machine and cache it.
 *
 * The search is a coordinate descent over three grids: first block x chunk
 * with every CPU, then the thread count at the best block and chunk, then
 * (if fewer threads won) block and chunk again one at a time.  Every point
 * is a full bench_measure() (warm-up excluded, median of the timed runs,
 * each run a whole number of chunks), so the defaults are among the points.
 * The winner replaces the defaults only when it beats them by more than
 * the measured noise (the larger relative spread, (max - min) / median of
 * the timed runs, of the two points): a "winner" inside the noise is luck,
 * and the defaults are cached instead.
 */
#include <string.h>

#include "bench.h"
#include "tune.h"

static const char* tune_usage =
    "usage: myriad tune [--env ID|all] [--num-envs N] [--runs R] [--warmup W]\n"
    "                   [--seed S] [--param KEY=VALUE ...] [--smoke]\n"
    "\n"
    "Search threads (1, 2, 4, ..., all CPUs) x block size (envs a worker\n"
    "advances together, 256 .. 16384) x chunk (steps a block advances while\n"
    "cache-resident, 16 .. 256 and 1024) for the fastest fused random rollout\n"
    "of N envs"
    " (default 1M; --env default cartpole-v1), R timed runs per point\n"
    "(default 3).  The winner is cached in $XDG_CACHE_HOME/myriad/ (else\n"
    "~/.cache/myriad/), keyed by CPU model, env and build; --tuned on run,\n"
    "demo and bench applies it unless --threads/--block/--chunk are given.\n"
    "The defaults (all CPUs, the env's block: 1024, or 8192 for the SSA envs;\n"
    "chunk 1024, a rollout's default without recording) are kept unless the\n"
    "best point beats them by more than the measured noise (the larger\n"
    "spread, (max - min) / median, of the two points' timed runs).\n"
    "--smoke measures tiny runs (tests).\n";

typedef struct tune_point {
  int32_t threads;
  int64_t block, chunk;
  double rate;
  double noise; /* (max - min) / median of the timed runs */
} tune_point;

typedef struct tune_ctx {
  const cli_opts* o;
  const bench_suite_opts* s;
  const char* env;
  tune_point best;
  int points;
} tune_ctx;

/* measure one point (rate in *rate if not NULL); keeps the best; returns an
 * exit code */
static int measure(tune_ctx* t, int32_t threads, int64_t block, int64_t chunk,
                   tune_point* out) {
  bench_config c;
  bench_result r;
  char s1[32];
  int rc;
  bench_config_from(t->o, t->s, t->env, t->o->num_envs, &c);
  c.threads = threads;
  c.block = block;
  c.chunk = chunk;
  c.whole_chunks = 1;
  c.target_s = t->s->smoke ? 0.002 : 0.05;
  c.steps = 0;
  rc = bench_measure(t->o, &c, &r);
  if (rc != 0) return rc;
  t->points++;
  printf("  threads %-3d block %-6lld chunk %-4lld  %9s steps/s\n", (int)threads,
         (long long)block, (long long)chunk, cli_si(r.steps_per_s, s1, sizeof s1));
  fflush(stdout);
  {
    tune_point p;
    p.threads = threads;
    p.block = block;
    p.chunk = chunk;
    p.rate = r.steps_per_s;
    p.noise = r.t_median > 0 ? (r.t_max - r.t_min) / r.t_median : 0.0;
    if (out != NULL) *out = p;
    if (p.rate > t->best.rate) t->best = p;
  }
  return 0;
}

static int tune_env(const cli_opts* o, const bench_suite_opts* s,
                    const myr_env_info* e) {
  static const int64_t blocks[] = {256, 512, 1024, 2048, 4096, 8192, 16384};
  /* the last is the chunk a CPU rollout without recording uses by default
   * (up to 1024 steps, myriad.h), as tune's rollouts are */
  static const int64_t chunks[] = {16, 32, 64, 128, 256, 1024};
  /* --smoke: chunks 256 and 1024 only (the defaults stay among the points) */
  size_t nb = sizeof blocks / sizeof blocks[0], nc = sizeof chunks / sizeof chunks[0], i, j;
  size_t j0 = s->smoke ? nc - 2 : 0;
  int32_t cpus = myr_cpu_count() < BENCH_MAX_THREADS ? myr_cpu_count()
                                                     : BENCH_MAX_THREADS;
  int32_t th;
  int64_t default_block, default_chunk;
  myr_batch* tiny = NULL;
  tune_ctx t;
  tune_entry entry;
  tune_point defaults;
  char path[1200], s1[32], s2[32];
  const char* kept = "";
  int rc = 0;

  /* the library's defaults, to weigh the winner against */
  if ((rc = cli_tiny_batch(o, e, &tiny)) != 0) return rc;
  default_block = myr_batch_block_size(tiny);
  default_chunk = chunks[nc - 1];
  myr_batch_destroy(tiny);
  memset(&t, 0, sizeof t);
  memset(&defaults, 0, sizeof defaults);
  t.o = o;
  t.s = s;
  t.env = e->id;
  printf("tune %s: %lld envs, %d CPUs (%s)\n", e->id, (long long)o->num_envs,
         (int)myr_cpu_count(), cli_cpu_model());
  /* block sizes beyond the batch are all the same run */
  while (nb > 1 && blocks[nb - 1] > o->num_envs && blocks[nb - 2] >= o->num_envs)
    nb--;
  /* 1: block x chunk with every CPU (includes the defaults) */
  for (i = 0; i < nb && rc == 0; ++i)
    for (j = j0; j < nc && rc == 0; ++j)
      rc = measure(&t, cpus, blocks[i], chunks[j],
                   blocks[i] == default_block && chunks[j] == default_chunk
                       ? &defaults
                       : NULL);
  /* 2: thread counts at the best block and chunk */
  {
    tune_point b1 = t.best;
    for (th = 1; th < cpus && rc == 0; th *= 2)
      rc = measure(&t, th, b1.block, b1.chunk, NULL);
    /* 3: fewer threads won: block, then chunk, again at that count */
    if (rc == 0 && t.best.threads != cpus) {
      tune_point b2 = t.best;
      for (i = 0; i < nb && rc == 0; ++i)
        if (blocks[i] != b2.block) rc = measure(&t, b2.threads, blocks[i], b2.chunk, NULL);
      b2 = t.best;
      for (j = j0; j < nc && rc == 0; ++j)
        if (chunks[j] != b2.chunk) rc = measure(&t, b2.threads, b2.block, chunks[j], NULL);
    }
  }
  if (rc != 0) {
    if (*cli_stop_flag() && t.points > 0) {
      printf("partial: best of the %d points measured for %s before the "
             "interruption: threads %d, block %lld, chunk %lld: %s steps/s "
             "(not cached)\n", t.points, e->id, (int)t.best.threads,
             (long long)t.best.block, (long long)t.best.chunk,
             cli_si(t.best.rate, s1, sizeof s1));
      fflush(stdout);
    }
    return rc;
  }
  /* a winner within the noise of the defaults is not a winner */
  if (defaults.rate > 0 && t.best.rate != defaults.rate) {
    double noise = t.best.noise > defaults.noise ? t.best.noise : defaults.noise;
    double gain = t.best.rate / defaults.rate - 1.0;
    printf("best point beats the defaults by %.1f%%; measured noise %.1f%%\n",
           100.0 * gain, 100.0 * noise);
    if (gain <= noise) {
      t.best = defaults;
      kept = ", the defaults: no point beat them by more than the noise";
    }
  }
  tune_key(e->id, &entry);
  entry.num_envs = o->num_envs;
  entry.threads = t.best.threads;
  entry.block = t.best.block;
  entry.chunk = t.best.chunk;
  entry.steps_per_s = t.best.rate;
  if (tune_save(&entry, path, sizeof path) != 0) return CLI_EXIT_FAIL;
  printf("best for %s%s: threads %d, block %lld, chunk %lld: %s steps/s "
         "(%d points", e->id, kept, (int)entry.threads, (long long)entry.block,
         (long long)entry.chunk, cli_si(entry.steps_per_s, s1, sizeof s1),
         t.points);
  if (defaults.rate > 0)
    printf("; defaults (threads %d, block %lld, chunk %lld) %s steps/s",
           (int)cpus, (long long)defaults.block, (long long)defaults.chunk,
           cli_si(defaults.rate, s2, sizeof s2));
  printf(")\ncached in %s\n", path);
  fflush(stdout);
  return 0;
}

int cli_cmd_tune(int argc, char** argv) {
  cli_opts o;
  bench_suite_opts s;
  int rc = 0, i, k = 0;
  int32_t e;
  memset(&s, 0, sizeof s);
  /* --smoke is tune's own */
  for (i = 0; i < argc; ++i) {
    if (strcmp(argv[i], "--smoke") == 0) s.smoke = 1;
    else argv[k++] = argv[i];
  }
  argc = k;
  cli_opts_init(&o, "tune");
  o.num_envs = 1000000;
  o.runs = 3;
  rc = cli_parse(&o, argc, argv,
                 OPT_ENV | OPT_ENV_ALL | OPT_NUM_ENVS | OPT_RUNS | OPT_WARMUP | OPT_SEED |
                     OPT_PARAM | OPT_PRECISION,
                 tune_usage);
  if (rc != 0) return rc < 0 ? 0 : rc;
  cli_install_signals();
  for (e = 0; e < myr_env_count() && rc == 0; ++e) {
    const myr_env_info* info = myr_env_at(e);
    if (strcmp(o.env, "all") != 0 && myr_env_find(o.env) != info) continue;
    rc = tune_env(&o, &s, info);
  }
  if (*cli_stop_flag()) {
    cli_error("tune: interrupted; nothing cached");
    return CLI_EXIT_FAIL;
  }
  return rc;
}
