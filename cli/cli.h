/*
 * cli.h -- shared pieces of the `myriad` command: options, errors, output.
 *
 * Exit codes: 0 success, 1 a run failed (out of memory, I/O, interrupted),
 * 2 bad usage (unknown command, option or value).
 */
#ifndef MYR_CLI_CLI_H
#define MYR_CLI_CLI_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "myriad/myriad.h"

#define CLI_MAX_PARAMS 32
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

typedef struct cli_opts {
  const char* cmd;       /* "run", "bench throughput", ... for messages */
  const char* env;
  int64_t num_envs;
  int64_t steps;
  uint64_t seed;
  int32_t threads;
  myr_precision precision;
  myr_autoreset autoreset;
  const char* policy;
  int64_t chunk;
  int64_t block;
  int32_t runs;
  int32_t warmup;
  const char* csv;
  const char* mode;      /* bench: fused | step */
  const char* record;    /* run: directory for .npy trajectories */
  const char* profile;   /* bench memory: envs | chunk | both */
  const char* backend;   /* cpu | cuda */
  int full;
  int tuned;
  int quiet;
  int force;
  /* reaction networks: --model FILE (or --env NAME of a shipped model,
   * models.c), --input, --observe, --dt (NULL / 0: the sidecar's) */
  const char* model;
  const char* model_input;
  const char* model_observe;
  double model_dt;
  const char* model_input_space;
  char model_path[4096];
  int32_t num_params;
  myr_param_setting params[CLI_MAX_PARAMS];
  char param_names[CLI_MAX_PARAMS][64];
  /* which options were given explicitly */
  int has_num_envs, has_steps, has_chunk, has_threads, has_block;
} cli_opts;

/* one option a command accepts */
enum {
  OPT_ENV = 1 << 0,
  OPT_NUM_ENVS = 1 << 1,
  OPT_STEPS = 1 << 2,
  OPT_SEED = 1 << 3,
  OPT_THREADS = 1 << 4,
  OPT_PRECISION = 1 << 5,
  OPT_POLICY = 1 << 6,
  OPT_PARAM = 1 << 7,
  OPT_CHUNK = 1 << 8,
  OPT_BLOCK = 1 << 9,
  OPT_RUNS = 1 << 10,
  OPT_WARMUP = 1 << 11,
  OPT_CSV = 1 << 12,
  OPT_MODE = 1 << 13,
  OPT_RECORD = 1 << 14,
  OPT_FULL = 1 << 15,
  OPT_AUTORESET = 1 << 16,
  OPT_PROFILE = 1 << 17,
  OPT_TUNED = 1 << 18,
  OPT_BACKEND = 1 << 19,
  OPT_QUIET = 1 << 20,
  OPT_ENV_ALL = 1 << 21, /* --env all is accepted (bench, envs) */
  OPT_FORCE = 1 << 22,   /* run --record: replace an earlier recording */
  OPT_MODEL = 1 << 23    /* --model, --input, --observe, --dt */
};

void cli_opts_init(cli_opts* o, const char* cmd);
/* Parse argv[0..argc) against the accepted options; prints a git-style
 * error and returns CLI_EXIT_USAGE on bad input, -1 if --help was shown
 * (usage printed), 0 on success. */
int cli_parse(cli_opts* o, int argc, char** argv, unsigned accepted,
              const char* usage);

/* the candidate closest to s (case-insensitive edit distance, or s a
 * case-insensitive prefix), NULL if none is close enough to suggest */
const char* cli_suggest(const char* s, const char* const* candidates, int n);

/* print "myriad: <message>" to stderr (printf-style) */
void cli_error(const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* create the batch described by the options; prints the error and returns
 * an exit code on failure */
int cli_make_batch(const cli_opts* o, myr_batch** out);

/* do the options' --param settings (and precision) make a valid batch of
 * env e?  prints the error and returns an exit code if not */
int cli_check_params(const cli_opts* o, const myr_env_info* e);
/* a CPU batch of one env of e with the options' parameters and precision,
 * one thread: asks the library for its sizes (default block and chunk,
 * bytes of a recorded row) before the real batch exists; prints the error
 * and returns an exit code on failure */
int cli_tiny_batch(const cli_opts* o, const myr_env_info* e, myr_batch** out);

/* models.c: the path of shipped model `name` (models/NAME.xml in the
 * source tree recorded at build time, $MYRIAD_MODELS, or the install's
 * share/myriad/models) in buf; 0 if there is none */
int cli_model_find(const char* name, char* buf, size_t size);
/* list the shipped models (`myriad envs`) */
void cli_models_list(FILE* f);
/* load the options' model (--model and the model options); prints the
 * error and returns an exit code on failure */
int cli_model_load(const cli_opts* o, myr_model** out);

/* exit code for a library status */
int cli_exit_code(int status);

double cli_now(void);
/* peak resident set size of this process, bytes (0 if unknown) */
uint64_t cli_peak_rss(void);
/* current resident set size of this process, bytes (0 if unknown) */
uint64_t cli_current_rss(void);
/* CPU model name from /proc/cpuinfo */
const char* cli_cpu_model(void);
/* compiler that built this binary */
const char* cli_compiler(void);
/* git revision baked in at build time, or "unknown" */
const char* cli_git_rev(void);
/* human-readable count with SI suffix: 1.23M */
const char* cli_si(double v, char* buf, size_t size);

/* width of the terminal on fd (TIOCGWINSZ, else $COLUMNS, else 80) */
int cli_terminal_columns(int fd);
/* one progress line (bar, percent, steps, rate, ETA) of at most columns-1
 * characters, no newline; columns <= 0: the full text without a bar (not a
 * terminal); returns its length (progress.c) */
size_t cli_progress_line(char* buf, size_t size, int columns, int64_t done,
                         int64_t total, double rate, double eta);

/* safe file writing (safefile.c); `what` prefixes the messages, every
 * failure prints one and returns -1 */
/* 0 if path is absent or a regular file (never replace anything else) */
int cli_check_replaceable(const char* what, const char* path);
/* a new file PATH.XXXXXX.tmp, created O_EXCL (mkstemps), name in tmp; its fd */
int cli_tmp_open(const char* what, const char* path, char* tmp, size_t size);
/* fsync and close fd (if >= 0), then rename tmp over path if path may be
 * replaced; tmp is removed on failure */
int cli_publish(const char* what, int fd, const char* tmp, const char* path);
/* data to path through cli_tmp_open and cli_publish */
int cli_write_atomic(const char* what, const char* path, const void* data,
                     size_t len);
/* an exclusive advisory lock (flock, non-blocking) on a lock file (created,
 * never through a symlink) or on a directory; its fd */
int cli_lock(const char* what, const char* path, int directory);
/* release a lock; remove_path (the lock file) is unlinked first, or NULL */
void cli_unlock(int fd, const char* remove_path);

/* install SIGINT/SIGTERM handlers that set *cli_stop_flag() */
void cli_install_signals(void);
volatile sig_atomic_t* cli_stop_flag(void);

/* commands */
int cli_cmd_envs(int argc, char** argv);
int cli_cmd_run(int argc, char** argv);
int cli_cmd_demo(int argc, char** argv);
int cli_cmd_bench(int argc, char** argv);
int cli_cmd_tune(int argc, char** argv);
/* `myriad render`: runs the Python package's movie module (render.c) */
int cli_cmd_render(int argc, char** argv);

#endif /* MYR_CLI_CLI_H */
