/*
 * common.c -- option parsing and helpers shared by the myriad commands.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
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
  /* what a command gets for an option not given (unnamed fields: 0) */
  static const cli_opts defaults = {
      .env = "cartpole-v1", .num_envs = 100000, .steps = 1000,
      .precision = MYR_FLOAT32, .autoreset = MYR_AUTORESET_SAME_STEP,
      .policy = "random", .runs = 5, .warmup = 1,
      .mode = "fused", .profile = "both", .backend = "cpu"};
  *o = defaults;
  o->cmd = cmd;
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

/* ------------------------------------------------------------ parsing */

typedef struct cli_option cli_option;

/* stores value v of option opt into o; prints the error and returns
 * CLI_EXIT_USAGE on a bad value */
typedef int (*option_setter)(cli_opts* o, const cli_option* opt,
                             const char* v);

/* one row of the option table */
struct cli_option {
  const char* name;
  unsigned bit;              /* OPT_*: the commands that accept it */
  option_setter set;         /* NULL: a flag, no value (sets int at `field`) */
  size_t field;              /* offsetof the destination in cli_opts */
  size_t given;              /* offsetof its has_* flag; 0: none is kept
                                (offset 0 is cmd, never such a flag) */
  int64_t lo, hi;            /* integer options: accepted range */
  const char* const* choices; /* set_choice: the accepted words, NULL-ended */
};

#define FIELD(f) offsetof(cli_opts, f)

static void* field_of(cli_opts* o, size_t off) { return (char*)o + off; }

static int set_string(cli_opts* o, const cli_option* opt, const char* v) {
  *(const char**)field_of(o, opt->field) = v;
  return 0;
}

/* one of opt->choices; the option's name without "--" names it in the
 * message: "unknown mode 'x' (fused, step)" */
static int set_choice(cli_opts* o, const cli_option* opt, const char* v) {
  char list[128] = "";
  size_t k, len = 0;
  for (k = 0; opt->choices[k] != NULL; ++k) {
    if (strcmp(v, opt->choices[k]) == 0) return set_string(o, opt, v);
    len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                            k > 0 ? ", " : "", opt->choices[k]);
  }
  cli_error("%s: unknown %s '%s' (%s)", o->cmd, opt->name + 2, v, list);
  return CLI_EXIT_USAGE;
}

static int set_i64(cli_opts* o, const cli_option* opt, const char* v) {
  return parse_i64(o->cmd, opt->name, v, opt->lo, opt->hi,
                   (int64_t*)field_of(o, opt->field));
}

static int set_i32(cli_opts* o, const cli_option* opt, const char* v) {
  int64_t x = 0;
  int rc = parse_i64(o->cmd, opt->name, v, opt->lo, opt->hi, &x);
  if (rc == 0) *(int32_t*)field_of(o, opt->field) = (int32_t)x;
  return rc;
}

static int set_real(cli_opts* o, const cli_option* opt, const char* v) {
  char* end = NULL;
  double d;
  errno = 0;
  d = strtod(v, &end);
  if (end == v || *end != '\0' || errno == ERANGE || !isfinite(d) || d <= 0.0) {
    cli_error("%s: bad value '%s' for %s (want a positive number)", o->cmd, v,
              opt->name);
    return CLI_EXIT_USAGE;
  }
  *(double*)field_of(o, opt->field) = d;
  return 0;
}

static int set_seed(cli_opts* o, const cli_option* opt, const char* v) {
  char* end = NULL;
  uint64_t seed;
  errno = 0;
  /* decimal digits only: no sign, no blanks, no octal or hex prefix */
  seed = isdigit((unsigned char)v[0]) ? strtoull(v, &end, 10) : 0;
  if (end == NULL || end == v || *end != '\0' || errno == ERANGE) {
    cli_error("%s: bad value '%s' for %s (want a decimal integer in "
              "[0, 18446744073709551615])", o->cmd, v, opt->name);
    return CLI_EXIT_USAGE;
  }
  *(uint64_t*)field_of(o, opt->field) = seed;
  return 0;
}

/* a library parse status: its message is the error */
static int library_status(const cli_opts* o, int status) {
  if (status == MYR_OK) return 0;
  cli_error("%s: %s", o->cmd, myr_last_error());
  return CLI_EXIT_USAGE;
}

static int set_precision(cli_opts* o, const cli_option* opt, const char* v) {
  return library_status(
      o, myr_precision_parse(v, (myr_precision*)field_of(o, opt->field)));
}

static int set_autoreset(cli_opts* o, const cli_option* opt, const char* v) {
  return library_status(
      o, myr_autoreset_parse(v, (myr_autoreset*)field_of(o, opt->field)));
}

static int set_param(cli_opts* o, const cli_option* opt, const char* v) {
  int rc;
  (void)opt;
  if (o->num_params >= CLI_MAX_PARAMS) {
    cli_error("%s: too many --param options (at most %d)", o->cmd,
              CLI_MAX_PARAMS);
    return CLI_EXIT_USAGE;
  }
  rc = library_status(o, myr_param_parse(v, &o->params[o->num_params],
                                         o->param_names[o->num_params],
                                         sizeof o->param_names[0]));
  if (rc == 0) o->num_params++;
  return rc;
}

static const char* const modes[] = {"fused", "step", NULL};
static const char* const profiles[] = {"envs", "chunk", "both", NULL};
static const char* const backends[] = {"cpu", "cuda", NULL};

/* the fields every row names: its option, the commands, setter, field */
#define OPTION(opt, commands, setter, f) \
  .name = opt, .bit = commands, .set = setter, .field = FIELD(f)

/* every option; the order is the order of "did you mean" candidates */
static const cli_option options[] = {
    {OPTION("--env", OPT_ENV, set_string, env)},
    {OPTION("--num-envs", OPT_NUM_ENVS, set_i64, num_envs),
     .given = FIELD(has_num_envs), .lo = 1, .hi = MYR_MAX_ENVS},
    {OPTION("--steps", OPT_STEPS, set_i64, steps), .given = FIELD(has_steps),
     .hi = INT64_MAX / 2},
    {OPTION("--seed", OPT_SEED, set_seed, seed)},
    /* the library's range of thread counts (0: all online CPUs) */
    {OPTION("--threads", OPT_THREADS, set_i32, threads),
     .given = FIELD(has_threads), .hi = 1024},
    {OPTION("--precision", OPT_PRECISION, set_precision, precision)},
    {OPTION("--policy", OPT_POLICY, set_string, policy)},
    {OPTION("--param", OPT_PARAM, set_param, params)},
    /* the library's range of chunk sizes */
    {OPTION("--chunk", OPT_CHUNK, set_i64, chunk), .given = FIELD(has_chunk),
     .lo = 1, .hi = 1 << 24},
    {OPTION("--block", OPT_BLOCK, set_i64, block), .given = FIELD(has_block),
     .lo = 1, .hi = 1 << 22},
    {OPTION("--runs", OPT_RUNS, set_i32, runs), .lo = 1, .hi = 1000000},
    {OPTION("--warmup", OPT_WARMUP, set_i32, warmup), .hi = 1000000},
    {OPTION("--csv", OPT_CSV, set_string, csv)},
    {OPTION("--mode", OPT_MODE, set_choice, mode), .choices = modes},
    {OPTION("--record", OPT_RECORD, set_string, record)},
    {OPTION("--full", OPT_FULL, NULL, full)},
    {OPTION("--autoreset", OPT_AUTORESET, set_autoreset, autoreset)},
    {OPTION("--profile", OPT_PROFILE, set_choice, profile), .choices = profiles},
    {OPTION("--tuned", OPT_TUNED, NULL, tuned)},
    {OPTION("--backend", OPT_BACKEND, set_choice, backend), .choices = backends},
    {OPTION("--quiet", OPT_QUIET, NULL, quiet)},
    {OPTION("--force", OPT_FORCE, NULL, force)},
    {OPTION("--model", OPT_MODEL, set_string, model)},
    {OPTION("--input", OPT_MODEL, set_string, model_input)},
    {OPTION("--observe", OPT_MODEL, set_string, model_observe)},
    {OPTION("--dt", OPT_MODEL, set_real, model_dt)},
    {OPTION("--input-space", OPT_MODEL, set_string, model_input_space)},
};

#define NUM_OPTIONS (sizeof options / sizeof options[0])

static void unknown_option(const cli_opts* o, const char* name, unsigned acc) {
  const char* cand[NUM_OPTIONS + 1];
  const char* near;
  int n = 0;
  size_t i;
  for (i = 0; i < NUM_OPTIONS; ++i)
    if (acc & options[i].bit) cand[n++] = options[i].name;
  cand[n++] = "--help";
  near = cli_suggest(name, cand, n);
  if (near != NULL)
    cli_error("%s: unknown option '%s'; did you mean '%s'? (see 'myriad %s "
              "--help')", o->cmd, name, near, o->cmd);
  else
    cli_error("%s: unknown option '%s' (see 'myriad %s --help')", o->cmd, name,
              o->cmd);
}

/* the accepted option called name, NULL if none */
static const cli_option* find_option(const char* name, unsigned acc) {
  size_t i;
  for (i = 0; i < NUM_OPTIONS; ++i)
    if ((acc & options[i].bit) && strcmp(name, options[i].name) == 0)
      return &options[i];
  return NULL;
}

/* is --env a registered env (or `all` where accepted)?  prints the error */
static int check_env(cli_opts* o, unsigned acc) {
  const char* near;
  if (strcmp(o->env, "all") == 0) {
    if (acc & OPT_ENV_ALL) return 0;
    cli_error("%s: --env all is not accepted here; name one environment "
              "(try 'myriad envs')", o->cmd);
    return CLI_EXIT_USAGE;
  }
  if (myr_env_find(o->env) != NULL) return 0;
  /* a shipped model by name: the reaction-network env with that model */
  if ((acc & OPT_MODEL) &&
      cli_model_find(o->env, o->model_path, sizeof o->model_path)) {
    o->model = o->model_path;
    o->env = "reaction-network";
    return 0;
  }
  near = suggest_env(o->env);
  if (near != NULL)
    cli_error("unknown environment '%s'; did you mean '%s'? (try 'myriad "
              "envs')", o->env, near);
  else
    cli_error("unknown environment '%s' (try 'myriad envs')", o->env);
  return CLI_EXIT_USAGE;
}

int cli_parse(cli_opts* o, int argc, char** argv, unsigned acc,
              const char* usage) {
  int i, rc;
  for (i = 0; i < argc; ++i) {
    const char* a = argv[i];
    const char* eq = strchr(a, '=');
    const char* v = eq != NULL ? eq + 1 : NULL; /* --opt=value */
    const cli_option* opt;
    char name[64];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage, stdout);
      return -1;
    }
    if (strncmp(a, "--", 2) != 0) {
      cli_error("%s: unexpected argument '%s' (see 'myriad %s --help')", o->cmd,
                a, o->cmd);
      return CLI_EXIT_USAGE;
    }
    snprintf(name, sizeof name, "%.*s",
             (int)(eq != NULL ? (size_t)(eq - a) : strlen(a)), a);
    if ((opt = find_option(name, acc)) == NULL) {
      unknown_option(o, name, acc);
      return CLI_EXIT_USAGE;
    }
    if (opt->set == NULL) { /* a flag; a value after '=' is ignored */
      *(int*)field_of(o, opt->field) = 1;
      continue;
    }
    if (v == NULL && i + 1 >= argc) { /* --opt value */
      cli_error("%s: option %s needs a value", o->cmd, name);
      return CLI_EXIT_USAGE;
    }
    if ((rc = opt->set(o, opt, v != NULL ? v : argv[++i])) != 0) return rc;
    if (opt->given != 0) *(int*)field_of(o, opt->given) = 1;
  }
  if ((acc & OPT_ENV) && o->env != NULL && (rc = check_env(o, acc)) != 0)
    return rc;
  if (o->model != NULL) {
    const myr_env_info* e = myr_env_find(o->env);
    if (o->model == o->model_path) {
      /* --env NAME of a shipped model */
    } else if (e != NULL && e != myr_env_find("reaction-network") &&
               strcmp(o->env, "cartpole-v1") != 0) {
      cli_error("%s: --model is for the reaction-network env, not '%s'",
                o->cmd, o->env);
      return CLI_EXIT_USAGE;
    }
    o->env = "reaction-network";
  } else if ((o->model_input != NULL || o->model_observe != NULL ||
              o->model_dt != 0.0 || o->model_input_space != NULL)) {
    cli_error("%s: --input, --input-space, --observe and --dt need a model "
              "(--model FILE or --env MODEL)", o->cmd);
    return CLI_EXIT_USAGE;
  }
  if (strcmp(o->backend, "cuda") == 0 &&
      !myr_backend_available(MYR_BACKEND_CUDA)) {
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
  if (o->model != NULL) {
    myr_model* m = NULL;
    if ((rc = cli_model_load(o, &m)) != 0) return rc;
    def.model = m;
    rc = myr_batch_create(o->env, count, &def, out);
    myr_model_destroy(m); /* the batch keeps its own copy */
  } else {
    rc = myr_batch_create(o->env, count, &def, out);
  }
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

int cli_tiny_batch(const cli_opts* o, const myr_env_info* e, myr_batch** out) {
  myr_batch_def def = myr_batch_def_default();
  int rc;
  def.threads = 1;
  def.precision = o->precision;
  def.num_params = o->num_params;
  def.params = o->params;
  rc = myr_batch_create(e->id, 1, &def, out);
  if (rc != MYR_OK) {
    cli_error("%s: %s: %s", o->cmd, e->id, myr_last_error());
    return cli_exit_code(rc);
  }
  return 0;
}

int cli_check_params(const cli_opts* o, const myr_env_info* e) {
  myr_batch* b = NULL;
  int rc = cli_tiny_batch(o, e, &b);
  myr_batch_destroy(b);
  return rc;
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

/* what a signal handler may write (the library reads it as myr_rollout_def.stop) */
static volatile sig_atomic_t stop_flag = 0;

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

volatile sig_atomic_t* cli_stop_flag(void) { return &stop_flag; }
