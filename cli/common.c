/*
 * common.c -- option parsing and helpers shared by the myriad commands.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cli.h"
#include "mpi.h"

void cli_error(const char* fmt, ...) {
  va_list ap;
  fputs("myriad: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

void cli_opts_init(cli_opts* o, const char* cmd) {
  memset(o, 0, sizeof *o);
  o->cmd = cmd;
  o->env = "cartpole-v1";
  o->num_envs = 100000;
  o->steps = 1000;
  o->seed = 0;
  o->threads = 0;
  o->precision = MYR_FLOAT32;
  o->autoreset = MYR_AUTORESET_SAME_STEP;
  o->policy = "random";
  o->chunk = 0;
  o->block = 0;
  o->runs = 5;
  o->warmup = 1;
  o->csv = NULL;
  o->mode = "fused";
  o->profile = "both";
  o->backend = "cpu";
}

static int parse_i64(const char* cmd, const char* opt, const char* v,
                     int64_t lo, int64_t hi, int64_t* out) {
  char* end = NULL;
  double d;
  long long x;
  errno = 0;
  x = strtoll(v, &end, 10);
  if (end != v && (*end == 'k' || *end == 'K' || *end == 'M' || *end == 'G') &&
      end[1] == '\0') {
    /* 100K, 1M, 5M style sizes (range checked before the conversion: a
     * double outside long long's range has no defined conversion) */
    d = (double)x * (*end == 'G' ? 1e9 : *end == 'M' ? 1e6 : 1e3);
    if (d > 9e18 || d < -9e18) errno = ERANGE;
    else x = (long long)d;
    end++;
  } else if (end != v && (*end == 'e' || *end == 'E' || *end == '.')) {
    /* 1e6 */
    d = strtod(v, &end);
    if (*end == '\0' && d >= -9e18 && d <= 9e18 && d == floor(d))
      x = (long long)d;
    else
      end = (char*)v;
  }
  if (end == v || *end != '\0' || errno == ERANGE || x < lo || x > hi) {
    cli_error("%s: bad value '%s' for %s (want an integer in [%lld, %lld])",
              cmd, v, opt, (long long)lo, (long long)hi);
    return CLI_EXIT_USAGE;
  }
  *out = x;
  return 0;
}

/* ------------------------------------------------------------ suggestions */

/* Levenshtein distance of a and b, case-insensitive (short strings) */
static int edit_distance(const char* a, const char* b) {
  int row[64], i, j;
  int la = (int)strlen(a), lb = (int)strlen(b);
  if (la > 62 || lb > 62) return 1 << 20;
  for (j = 0; j <= lb; ++j) row[j] = j;
  for (i = 1; i <= la; ++i) {
    int diag = row[0];
    row[0] = i;
    for (j = 1; j <= lb; ++j) {
      int up = row[j];
      int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
      int best = diag + cost;
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

static int is_prefix_nocase(const char* p, const char* s) {
  for (; *p != '\0'; ++p, ++s)
    if (tolower((unsigned char)*p) != tolower((unsigned char)*s)) return 0;
  return 1;
}

const char* cli_suggest(const char* s, const char* const* cand, int n) {
  const char* best = NULL;
  int i, best_d = 1 << 20, len = (int)strlen(s);
  int limit = len < 3 ? 1 : len < 9 ? 2 : 3;
  for (i = 0; i < n; ++i) {
    int d = edit_distance(s, cand[i]);
    if (len >= 3 && is_prefix_nocase(s, cand[i])) d = 0;
    if (d < best_d) {
      best_d = d;
      best = cand[i];
    }
  }
  return best_d <= limit ? best : NULL;
}

/* the env id or alias closest to s */
#define SUGGEST_MAX 256
static const char* suggest_env(const char* s) {
  static char alias[SUGGEST_MAX][48];
  const char* names[SUGGEST_MAX];
  int n = 0;
  int32_t e;
  for (e = 0; e < myr_env_count() && n < SUGGEST_MAX; ++e) {
    const myr_env_info* info = myr_env_at(e);
    const char* a = info->aliases;
    names[n++] = info->id;
    while (*a != '\0' && n < SUGGEST_MAX) { /* comma-separated aliases */
      size_t k = strcspn(a, ",");
      snprintf(alias[n], sizeof alias[n], "%.*s", (int)(k < 47 ? k : 47), a);
      names[n] = alias[n];
      n++;
      a += k + (a[k] == ',');
    }
  }
  return cli_suggest(s, names, n);
}

/* every option, for "did you mean" */
static const struct {
  const char* name;
  unsigned bit;
} option_names[] = {
    {"--env", OPT_ENV},         {"--num-envs", OPT_NUM_ENVS},
    {"--steps", OPT_STEPS},     {"--seed", OPT_SEED},
    {"--threads", OPT_THREADS}, {"--precision", OPT_PRECISION},
    {"--policy", OPT_POLICY},   {"--param", OPT_PARAM},
    {"--chunk", OPT_CHUNK},     {"--block", OPT_BLOCK},
    {"--runs", OPT_RUNS},       {"--warmup", OPT_WARMUP},
    {"--csv", OPT_CSV},         {"--mode", OPT_MODE},
    {"--record", OPT_RECORD},   {"--full", OPT_FULL},
    {"--autoreset", OPT_AUTORESET}, {"--profile", OPT_PROFILE},
    {"--tuned", OPT_TUNED},     {"--backend", OPT_BACKEND},
    {"--quiet", OPT_QUIET},     {"--force", OPT_FORCE},
    {"--help", ~0u},
};

static void unknown_option(const cli_opts* o, const char* name, unsigned acc) {
  const char* cand[32];
  const char* near;
  int n = 0;
  size_t i;
  for (i = 0; i < sizeof option_names / sizeof option_names[0]; ++i)
    if (acc & option_names[i].bit) cand[n++] = option_names[i].name;
  near = cli_suggest(name, cand, n);
  if (near != NULL)
    cli_error("%s: unknown option '%s'; did you mean '%s'? (see 'myriad %s "
              "--help')", o->cmd, name, near, o->cmd);
  else
    cli_error("%s: unknown option '%s' (see 'myriad %s --help')", o->cmd, name,
              o->cmd);
}

/* ------------------------------------------------------------ parsing */

int cli_parse(cli_opts* o, int argc, char** argv, unsigned acc,
              const char* usage) {
  int i;
  for (i = 0; i < argc; ++i) {
    const char* a = argv[i];
    const char* v = NULL;
    int64_t x = 0;
    int rc = 0;
    char name[64];
    const char* eq;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage, stdout);
      return -1;
    }
    if (strncmp(a, "--", 2) != 0) {
      cli_error("%s: unexpected argument '%s' (see 'myriad %s --help')", o->cmd,
                a, o->cmd);
      return CLI_EXIT_USAGE;
    }
    /* --opt=value or --opt value */
    eq = strchr(a, '=');
    if (eq != NULL) {
      size_t len = (size_t)(eq - a);
      if (len >= sizeof name) len = sizeof name - 1;
      memcpy(name, a, len);
      name[len] = '\0';
      v = eq + 1;
    } else {
      snprintf(name, sizeof name, "%s", a);
    }
#define FLAG(str, bit) (strcmp(name, str) == 0 && (acc & (bit)))
#define NEED_VALUE()                                                        \
  do {                                                                      \
    if (v == NULL) {                                                        \
      if (i + 1 >= argc) {                                                  \
        cli_error("%s: option %s needs a value", o->cmd, name);             \
        return CLI_EXIT_USAGE;                                              \
      }                                                                     \
      v = argv[++i];                                                        \
    }                                                                       \
  } while (0)
    if (FLAG("--full", OPT_FULL)) {
      o->full = 1;
    } else if (FLAG("--force", OPT_FORCE)) {
      o->force = 1;
    } else if (FLAG("--tuned", OPT_TUNED)) {
      o->tuned = 1;
    } else if (FLAG("--quiet", OPT_QUIET)) {
      o->quiet = 1;
    } else if (FLAG("--env", OPT_ENV)) {
      NEED_VALUE();
      o->env = v;
    } else if (FLAG("--num-envs", OPT_NUM_ENVS)) {
      NEED_VALUE();
      rc = parse_i64(o->cmd, name, v, 1, MYR_MAX_ENVS, &x);
      o->num_envs = x;
      o->has_num_envs = 1;
    } else if (FLAG("--steps", OPT_STEPS)) {
      NEED_VALUE();
      rc = parse_i64(o->cmd, name, v, 0, INT64_MAX / 2, &x);
      o->steps = x;
      o->has_steps = 1;
    } else if (FLAG("--seed", OPT_SEED)) {
      char* end = NULL;
      NEED_VALUE();
      errno = 0;
      /* decimal digits only: no sign, no blanks, no octal or hex prefix */
      o->seed = isdigit((unsigned char)v[0]) ? strtoull(v, &end, 10) : 0;
      if (end == NULL || end == v || *end != '\0' || errno == ERANGE) {
        cli_error("%s: bad value '%s' for --seed (want a decimal integer in "
                  "[0, 18446744073709551615])", o->cmd, v);
        return CLI_EXIT_USAGE;
      }
    } else if (FLAG("--threads", OPT_THREADS)) {
      NEED_VALUE();
      rc = parse_i64(o->cmd, name, v, 0, 1024, &x);
      o->threads = (int32_t)x;
      o->has_threads = 1;
    } else if (FLAG("--precision", OPT_PRECISION)) {
      NEED_VALUE();
      if (myr_precision_parse(v, &o->precision) != MYR_OK) {
        cli_error("%s: %s", o->cmd, myr_last_error());
        return CLI_EXIT_USAGE;
      }
    } else if (FLAG("--autoreset", OPT_AUTORESET)) {
      NEED_VALUE();
      if (myr_autoreset_parse(v, &o->autoreset) != MYR_OK) {
        cli_error("%s: %s", o->cmd, myr_last_error());
        return CLI_EXIT_USAGE;
      }
    } else if (FLAG("--policy", OPT_POLICY)) {
      NEED_VALUE();
      o->policy = v;
    } else if (FLAG("--param", OPT_PARAM)) {
      NEED_VALUE();
      if (o->num_params >= CLI_MAX_PARAMS) {
        cli_error("%s: too many --param options (at most %d)", o->cmd,
                  CLI_MAX_PARAMS);
        return CLI_EXIT_USAGE;
      }
      if (myr_param_parse(v, &o->params[o->num_params],
                          o->param_names[o->num_params],
                          sizeof o->param_names[0]) != MYR_OK) {
        cli_error("%s: %s", o->cmd, myr_last_error());
        return CLI_EXIT_USAGE;
      }
      o->num_params++;
    } else if (FLAG("--chunk", OPT_CHUNK)) {
      NEED_VALUE();
      rc = parse_i64(o->cmd, name, v, 1, 1 << 24, &x);
      o->chunk = x;
      o->has_chunk = 1;
    } else if (FLAG("--block", OPT_BLOCK)) {
      NEED_VALUE();
      rc = parse_i64(o->cmd, name, v, 1, 1 << 22, &x);
      o->block = x;
      o->has_block = 1;
    } else if (FLAG("--runs", OPT_RUNS)) {
      NEED_VALUE();
      rc = parse_i64(o->cmd, name, v, 1, 1000000, &x);
      o->runs = (int32_t)x;
    } else if (FLAG("--warmup", OPT_WARMUP)) {
      NEED_VALUE();
      rc = parse_i64(o->cmd, name, v, 0, 1000000, &x);
      o->warmup = (int32_t)x;
    } else if (FLAG("--csv", OPT_CSV)) {
      NEED_VALUE();
      o->csv = v;
    } else if (FLAG("--mode", OPT_MODE)) {
      NEED_VALUE();
      if (strcmp(v, "fused") != 0 && strcmp(v, "step") != 0) {
        cli_error("%s: unknown mode '%s' (fused, step)", o->cmd, v);
        return CLI_EXIT_USAGE;
      }
      o->mode = v;
    } else if (FLAG("--record", OPT_RECORD)) {
      NEED_VALUE();
      o->record = v;
    } else if (FLAG("--profile", OPT_PROFILE)) {
      NEED_VALUE();
      if (strcmp(v, "envs") != 0 && strcmp(v, "chunk") != 0 &&
          strcmp(v, "both") != 0) {
        cli_error("%s: unknown profile '%s' (envs, chunk, both)", o->cmd, v);
        return CLI_EXIT_USAGE;
      }
      o->profile = v;
    } else if (FLAG("--backend", OPT_BACKEND)) {
      NEED_VALUE();
      if (strcmp(v, "cpu") != 0 && strcmp(v, "cuda") != 0) {
        cli_error("%s: unknown backend '%s' (cpu, cuda)", o->cmd, v);
        return CLI_EXIT_USAGE;
      }
      o->backend = v;
    } else {
      unknown_option(o, name, acc);
      return CLI_EXIT_USAGE;
    }
#undef FLAG
#undef NEED_VALUE
    if (rc != 0) return rc;
  }
  if ((acc & OPT_ENV) && o->env != NULL) {
    if (strcmp(o->env, "all") == 0) {
      if (!(acc & OPT_ENV_ALL)) {
        cli_error("%s: --env all is not accepted here; name one environment "
                  "(try 'myriad envs')", o->cmd);
        return CLI_EXIT_USAGE;
      }
    } else if (myr_env_find(o->env) == NULL) {
      const char* near = suggest_env(o->env);
      if (near != NULL)
        cli_error("unknown environment '%s'; did you mean '%s'? (try 'myriad "
                  "envs')", o->env, near);
      else
        cli_error("unknown environment '%s' (try 'myriad envs')", o->env);
      return CLI_EXIT_USAGE;
    }
  }
  if (strcmp(o->backend, "cuda") == 0 &&
      strstr(myr_build_info(), "cuda") == NULL) {
    cli_error("%s: backend not built in: cuda (this build: %s)", o->cmd,
              myr_build_info());
    return CLI_EXIT_USAGE;
  }
  return 0;
}

int cli_exit_code(int status) {
  switch (status) {
    case MYR_OK: return CLI_EXIT_OK;
    case MYR_EINVAL:
    case MYR_ENOENV:
    case MYR_ENOPARAM:
    case MYR_ERANGE:
    case MYR_ENOFIELD:
    case MYR_ENODEV: return CLI_EXIT_USAGE;
    default: return CLI_EXIT_FAIL;
  }
}

int cli_make_batch(const cli_opts* o, myr_batch** out) {
  myr_batch_def def = myr_batch_def_default();
  int64_t count;
  int rc;
  /* under mpirun this rank steps its shard of the global env range */
  cli_mpi_shard(o->num_envs, &def.env_offset, &count);
  if (count == 0) {
    cli_error("%s: %lld envs cannot be split over %d processes", o->cmd,
              (long long)o->num_envs, cli_mpi_size());
    return CLI_EXIT_USAGE;
  }
  if (o->threads > myr_cpu_count())
    fprintf(stderr, "myriad: warning: --threads %d is more than the %d online "
            "CPUs: threads will share cores (results are the same, only "
            "slower)\n", (int)o->threads, (int)myr_cpu_count());
  def.seed = o->seed;
  def.threads = o->threads;
  def.precision = o->precision;
  def.autoreset = o->autoreset;
  def.num_params = o->num_params;
  def.params = o->params;
  def.backend = strcmp(o->backend, "cuda") == 0 ? MYR_BACKEND_CUDA
                                                : MYR_BACKEND_CPU;
  rc = myr_batch_create(o->env, count, &def, out);
  if (rc == MYR_OK && o->block > 0) {
    rc = myr_batch_set_block_size(*out, o->block);
    if (rc != MYR_OK) {
      myr_batch_destroy(*out);
      *out = NULL;
    }
  }
  if (rc != MYR_OK) {
    cli_error("%s", myr_last_error());
    return cli_exit_code(rc);
  }
  return 0;
}

int cli_check_params(const cli_opts* o, const myr_env_info* e) {
  myr_batch_def def = myr_batch_def_default();
  myr_batch* b = NULL;
  int rc;
  def.threads = 1;
  def.precision = o->precision;
  def.num_params = o->num_params;
  def.params = o->params;
  rc = myr_batch_create(e->id, 1, &def, &b);
  myr_batch_destroy(b);
  if (rc != MYR_OK) {
    cli_error("%s: %s: %s", o->cmd, e->id, myr_last_error());
    return cli_exit_code(rc);
  }
  return 0;
}

double cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t status_kb(const char* key) {
  FILE* f = fopen("/proc/self/status", "r");
  char line[256];
  uint64_t kb = 0;
  size_t klen = strlen(key);
  if (f == NULL) return 0;
  while (fgets(line, sizeof line, f) != NULL)
    if (strncmp(line, key, klen) == 0) {
      kb = strtoull(line + klen, NULL, 10);
      break;
    }
  fclose(f);
  return kb;
}

uint64_t cli_peak_rss(void) {
  uint64_t kb = status_kb("VmHWM:");
  if (kb == 0) {
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0) kb = (uint64_t)ru.ru_maxrss;
  }
  return kb * 1024u;
}

uint64_t cli_current_rss(void) { return status_kb("VmRSS:") * 1024u; }

const char* cli_cpu_model(void) {
  static char model[128];
  FILE* f;
  char line[512];
  if (model[0] != '\0') return model;
  snprintf(model, sizeof model, "unknown");
  f = fopen("/proc/cpuinfo", "r");
  if (f == NULL) return model;
  while (fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, "model name", 10) == 0) {
      const char* c = strchr(line, ':');
      size_t n;
      if (c == NULL) break;
      c++;
      while (*c == ' ') c++;
      snprintf(model, sizeof model, "%s", c);
      n = strlen(model);
      while (n > 0 && (model[n - 1] == '\n' || model[n - 1] == ' '))
        model[--n] = '\0';
      break;
    }
  }
  fclose(f);
  return model;
}

const char* cli_compiler(void) {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "gcc " __VERSION__;
#else
  return "unknown";
#endif
}

#ifndef MYR_GIT_REV
#  define MYR_GIT_REV "unknown"
#endif

const char* cli_git_rev(void) { return MYR_GIT_REV; }

static volatile int stop_flag = 0;

/* the first Ctrl-C (or SIGTERM) asks the run to stop at the next step of
 * any block; a second one takes the default action at once */
static void on_signal(int sig) {
  if (stop_flag) {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  /* an atomic store: the library's workers read the flag as an atomic */
#if defined(__GNUC__)
  __atomic_store_n(&stop_flag, 1, __ATOMIC_RELAXED);
#else
  stop_flag = 1;
#endif
}

void cli_install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

volatile int* cli_stop_flag(void) { return &stop_flag; }
