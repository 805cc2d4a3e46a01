/*
 * run.c -- `myriad run` (a fused rollout with statistics and optional .npy
 * recording) and `myriad demo` (the showcase with live progress).
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "mpi.h"
#include "npy.h"
#include "report.h"
#include "tune.h"

static const char* run_usage =
    "usage: myriad run [--env ID] [--num-envs N] [--steps T] [--policy P]\n"
    "                  [--threads K] [--seed S] [--precision float32|float64]\n"
    "                  [--autoreset same_step|next_step] [--param KEY=VALUE ...]\n"
    "                  [--chunk C] [--block B] [--record DIR [--force]]\n"
    "                  [--tuned] [--backend cpu|cuda]\n"
    "                  [--model FILE.xml [--input P] [--input-space discrete|box]\n"
    "                                [--observe S[/K],...] [--dt T]]\n"
    "\n"
    "Run T steps of N environments with a built-in policy inside the library\n"
    "and print the statistics and an order-independent hash of the final\n"
    "state.  Policies: random, constant:<a>, periodic:<w> (w steps on, then\n"
    "w steps off, as the JAX original's periodic agent),\n"
    "bangbang:field=F[,setpoint=S][,invert=1] and\n"
    "pid:field=F,setpoint=S[,kp=..,ki=..,kd=..,limit=..,bias=..], where F is a\n"
    "state field (see 'myriad envs'), e.g. pid:field=F,setpoint=25,kp=0.1, or a\n"
    "linear combination of fields: terms [coef*]name joined by + or -, e.g.\n"
    "bangbang:field=theta+0.5*theta_dot+0.01*x+0.1*x_dot (keeps CartPole up).\n"
    "--param KEY=VALUE fixes a parameter; KEY=uniform(lo,hi) or\n"
    "KEY=lognormal(loc,scale) draws it once per env (kept across resets).\n"
    "--record DIR streams the trajectory to\n"
    "DIR/{obs,action,reward,terminated,truncated}.npy in chunks of C steps\n"
    "(memory O(C x N)) under temporary names renamed when complete (after\n"
    "Ctrl-C or a write error: *.partial.npy holding the whole steps taken),\n"
    "then DIR/manifest.json (env, seed, policy, shapes, revision, complete).\n"
    "A directory that holds a recording is refused unless --force, which\n"
    "replaces it; two runs cannot record into one directory at once.\n"
    "--model FILE.xml runs an SBML reaction network (the reaction-network\n"
    "env); --env NAME runs a shipped model (see 'myriad envs'); --input names\n"
    "the parameter (or boundary species) the action sets (--input-space box: a\n"
    "continuous action in [0, input_max], else discrete levels), --observe the\n"
    "observed species (NAME or NAME/SCALE), --dt the model time per step;\n"
    "what is not given comes from the model's sidecar FILE.myriad\n"
    "(docs/reaction-networks.md).  The mean and variance of every species\n"
    "count over the envs are printed at the end.\n"
    "Defaults: --env cartpole-v1 --num-envs 100000 --steps 1000 --policy random\n";

/* ------------------------------------------------------------ recording */

/* A recording directory is one owned unit: while a run records into it, it
 * holds an exclusive lock on the directory (a second run fails at once);
 * it starts empty of any earlier recording (refused unless --force, which
 * removes exactly the files a recording consists of); the .npy files are
 * written under new temporary names (npy.c) and renamed when complete, or
 * as *.partial.npy with a header that matches their data; manifest.json is
 * written last and says what the files are (env, seed, shapes, revision,
 * complete or not).  A directory without a manifest holds no finished
 * recording. */

#define REC_FILES 5
static const char* const rec_names[REC_FILES] = {"obs", "action", "reward",
                                                 "terminated", "truncated"};

typedef struct recorder {
  myr_npy files[REC_FILES];
  int64_t rows;
  int failed;
  int lock_fd;
  const char* dir;
} recorder;

static int on_chunk(const myr_traj_chunk* c, void* user) {
  recorder* r = (recorder*)user;
  size_t rows = (size_t)c->steps * (size_t)c->num_envs;
  if (myr_npy_append(&r->files[0], c->obs, rows * (size_t)c->obs_dim * 4) != 0 ||
      myr_npy_append(&r->files[1], c->action, rows * (size_t)c->action_dim * 4) != 0 ||
      myr_npy_append(&r->files[2], c->reward, rows * 4) != 0 ||
      myr_npy_append(&r->files[3], c->terminated, rows) != 0 ||
      myr_npy_append(&r->files[4], c->truncated, rows) != 0) {
    r->failed = errno ? errno : EIO;
    return 1;
  }
  r->rows += c->steps;
  return 0;
}

/* is name a file of a recording (final, partial, temporary, manifest)? */
static int recording_file(const char* name) {
  size_t k, len = strlen(name);
  if (strcmp(name, "manifest.json") == 0 ||
      (strncmp(name, "manifest.json.", 14) == 0 && len > 18 &&
       strcmp(name + len - 4, ".tmp") == 0))
    return 1;
  for (k = 0; k < REC_FILES; ++k) {
    size_t n = strlen(rec_names[k]);
    const char* rest = name + n;
    if (strncmp(name, rec_names[k], n) != 0) continue;
    if (strcmp(rest, ".npy") == 0 || strcmp(rest, ".partial.npy") == 0 ||
        (strncmp(rest, ".npy.", 5) == 0 && strcmp(name + len - 4, ".tmp") == 0))
      return 1;
  }
  return 0;
}

/* make dir, lock it, and clear (--force) or refuse an earlier recording */
static int claim_dir(recorder* r, const char* dir, int force) {
  struct stat st;
  DIR* h;
  struct dirent* e;
  char found[512] = "";
  int n = 0, rc = 0;
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    cli_error("run: cannot create '%s': %s", dir, strerror(errno));
    return CLI_EXIT_FAIL;
  }
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    cli_error("run: --record '%s' is not a directory", dir);
    return CLI_EXIT_USAGE;
  }
  if ((r->lock_fd = cli_lock("run", dir, 1)) < 0) return CLI_EXIT_FAIL;
  if ((h = opendir(dir)) == NULL) {
    cli_error("run: cannot read '%s': %s", dir, strerror(errno));
    return CLI_EXIT_FAIL;
  }
  while ((e = readdir(h)) != NULL && rc == 0) {
    char path[2048];
    if (!recording_file(e->d_name)) continue;
    if (n++ < 4) {
      size_t used = strlen(found);
      snprintf(found + used, sizeof found - used, "%s%s", used ? ", " : "",
               e->d_name);
    }
    if (!force) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (unlink(path) != 0) { /* unlink removes a link, never its target */
      cli_error("run: cannot remove '%s' of the earlier recording: %s", path,
                strerror(errno));
      rc = CLI_EXIT_FAIL;
    }
  }
  closedir(h);
  if (rc == 0 && n > 0 && !force) {
    cli_error("run: '%s' already holds a recording (%s%s); use --force to "
              "replace it or choose another directory", dir, found,
              n > 4 ? ", ..." : "");
    rc = CLI_EXIT_USAGE;
  }
  return rc;
}

static void release_dir(recorder* r) {
  cli_unlock(r->lock_fd, NULL);
  r->lock_fd = -1;
}

static int open_recorder(recorder* r, const char* dir, const myr_env_info* e,
                         int64_t steps, int64_t n, int force) {
  int64_t so[3] = {steps, n, e->obs_dim};
  int64_t sa[3] = {steps, n, e->action_space.n};
  int64_t s1[2] = {steps, n};
  int box = e->action_space.kind == MYR_SPACE_BOX;
  int k, rc;
  memset(r, 0, sizeof *r);
  r->dir = dir;
  if ((rc = claim_dir(r, dir, force)) != 0) {
    release_dir(r);
    return rc;
  }
  if (myr_npy_open(&r->files[0], dir, "obs", "<f4", so, 3) == 0 &&
      myr_npy_open(&r->files[1], dir, "action", box ? "<f4" : "<i4", sa,
                   box ? 3 : 2) == 0 &&
      myr_npy_open(&r->files[2], dir, "reward", "<f4", s1, 2) == 0 &&
      myr_npy_open(&r->files[3], dir, "terminated", "|u1", s1, 2) == 0 &&
      myr_npy_open(&r->files[4], dir, "truncated", "|u1", s1, 2) == 0)
    return 0;
  for (k = 0; k < REC_FILES; ++k) myr_npy_abort(&r->files[k]);
  release_dir(r);
  return CLI_EXIT_FAIL;
}

/* a JSON string (quotes, backslashes and control characters escaped) */
static void json_string(FILE* f, const char* s) {
  fputc('"', f);
  for (; *s != '\0'; ++s) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static const char* dtype_name(const char* descr) {
  return strcmp(descr, "<f4") == 0 ? "float32"
         : strcmp(descr, "<i4") == 0 ? "int32" : "uint8";
}

/* manifest.json, written last (atomically): what the files hold */
static int write_manifest(const recorder* r, const cli_opts* o,
                          const myr_batch* b, int complete) {
  char path[1100], *text = NULL;
  size_t len = 0;
  FILE* f = open_memstream(&text, &len);
  int k, rc;
  if (f == NULL) {
    cli_error("run: out of memory (manifest)");
    return -1;
  }
  fprintf(f, "{\n  \"format\": \"myriad-recording\",\n  \"format_version\": 1,\n");
  fprintf(f, "  \"complete\": %s,\n  \"env\": ", complete ? "true" : "false");
  json_string(f, myr_batch_env(b)->id);
  fprintf(f, ",\n  \"num_envs\": %lld,\n  \"steps\": %lld,\n  \"steps_recorded\": "
          "%lld,\n  \"seed\": %llu,\n  \"policy\": ", (long long)o->num_envs,
          (long long)o->steps, (long long)r->rows, (unsigned long long)o->seed);
  json_string(f, o->policy);
  fprintf(f, ",\n  \"precision\": \"%s\",\n  \"autoreset\": \"%s\",\n  \"params\": [",
          myr_precision_name(o->precision), myr_autoreset_name(o->autoreset));
  for (k = 0; k < o->num_params; ++k) {
    const myr_param_setting* p = &o->params[k];
    fprintf(f, "%s\n    {\"name\": ", k ? "," : "");
    json_string(f, p->name);
    fprintf(f, ", \"dist\": \"%s\", \"a\": %.17g, \"b\": %.17g}",
            p->dist == MYR_DIST_FIXED ? "fixed" : p->dist == MYR_DIST_UNIFORM
                                                      ? "uniform" : "lognormal",
            p->a, p->b);
  }
  fprintf(f, "%s],\n  \"myriad\": ", o->num_params ? "\n  " : "");
  json_string(f, myr_build_info());
  fprintf(f, ",\n  \"revision\": ");
  json_string(f, cli_git_rev());
  fprintf(f, ",\n  \"files\": {");
  for (k = 0; k < REC_FILES; ++k) {
    const myr_npy* n = &r->files[k];
    int d;
    fprintf(f, "%s\n    \"%s\": {\"file\": \"%s%s\", \"dtype\": \"%s\", \"shape\": [",
            k ? "," : "", rec_names[k], rec_names[k],
            complete ? ".npy" : ".partial.npy", dtype_name(n->descr));
    for (d = 0; d < n->ndim; ++d)
      fprintf(f, "%s%lld", d ? ", " : "", (long long)(d == 0 ? r->rows : n->shape[d]));
    fprintf(f, "], \"bytes\": %lld}", (long long)myr_npy_file_bytes(n, r->rows));
  }
  fprintf(f, "\n  }\n}\n");
  if (fclose(f) != 0) {
    free(text);
    cli_error("run: out of memory (manifest)");
    return -1;
  }
  snprintf(path, sizeof path, "%s/manifest.json", r->dir);
  rc = cli_write_atomic("run", path, text, len);
  free(text);
  return rc;
}

/* complete (rename) or, after an interruption or error, keep the whole
 * steps every file holds as *.partial.npy; then the manifest, then the
 * directory entry itself to disk */
static int close_recorder(recorder* r, const cli_opts* o, const myr_batch* b,
                          int complete) {
  int k, bad = 0;
  if (!complete)
    for (k = 0; k < REC_FILES; ++k) {
      int64_t on_disk = myr_npy_rows_written(&r->files[k]);
      if (on_disk < r->rows) r->rows = on_disk;
    }
  for (k = 0; k < REC_FILES; ++k)
    if (myr_npy_close(&r->files[k], r->rows, complete) != 0) bad = 1;
  if (!bad && write_manifest(r, o, b, complete) != 0) bad = 1;
  if (r->lock_fd >= 0) fsync(r->lock_fd);
  release_dir(r);
  return bad;
}

/* what a recording wrote, one line a file */
static void report_recording(FILE* out, const recorder* r, int complete) {
  int k;
  fprintf(out, "recorded       %s (%s: %lld steps)\n", r->dir,
          complete ? "complete" : "partial", (long long)r->rows);
  for (k = 0; k < REC_FILES; ++k) {
    const myr_npy* n = &r->files[k];
    char shape[96], size[32];
    int d;
    size_t used = 0;
    shape[0] = '\0';
    for (d = 0; d < n->ndim; ++d)
      used += (size_t)snprintf(shape + used, sizeof shape - used, "%s%lld",
                               d ? ", " : "", (long long)(d == 0 ? r->rows : n->shape[d]));
    cli_si((double)myr_npy_file_bytes(n, r->rows), size, sizeof size);
    fprintf(out, "  %-22s %-7s (%s)  %sB\n",
            strrchr(complete ? n->final_path : n->partial_path, '/') + 1,
            dtype_name(n->descr), shape, size);
  }
  fprintf(out, "  manifest.json\n");
}

/* ------------------------------------------------------------ run */

int cli_cmd_run(int argc, char** argv) {
  cli_opts o;
  myr_batch* b = NULL;
  myr_rollout_def def = myr_rollout_def_default();
  myr_rollout_stats st;
  recorder rec;
  int rc, status;

  cli_opts_init(&o, "run");
  rc = cli_parse(&o, argc, argv,
                 OPT_ENV | OPT_NUM_ENVS | OPT_STEPS | OPT_SEED | OPT_THREADS |
                     OPT_PRECISION | OPT_POLICY | OPT_PARAM | OPT_CHUNK |
                     OPT_BLOCK | OPT_RECORD | OPT_FORCE | OPT_AUTORESET | OPT_TUNED |
                     OPT_BACKEND | OPT_MODEL,
                 run_usage);
  if (rc != 0) return rc < 0 ? 0 : rc;
  if (o.tuned) tune_apply(&o, o.env);
  /* a model's action space is known once it is loaded: the rollout checks */
  if (o.model == NULL && myr_policy_check(myr_env_find(o.env), o.policy) != MYR_OK) {
    cli_error("run: %s", myr_last_error());
    return CLI_EXIT_USAGE;
  }
  if (o.record != NULL && cli_mpi_size() > 1) {
    cli_error("run: --record is not supported under mpirun (one process "
              "writes the trajectory)");
    return CLI_EXIT_USAGE;
  }
  if ((rc = cli_make_batch(&o, &b)) != 0) return rc;

  def.steps = o.steps;
  def.policy = o.policy;
  def.chunk_size = o.chunk;
  def.stop = cli_stop_flag();
  cli_install_signals();
  if (o.record != NULL) {
    if ((rc = open_recorder(&rec, o.record, myr_batch_env(b), o.steps,
                            o.num_envs, o.force)) != 0) {
      myr_batch_destroy(b);
      return rc;
    }
    def.on_chunk = on_chunk;
    def.user = &rec;
  }
  status = myr_batch_rollout(b, &def, &st);
  if (o.record != NULL) {
    int complete = status == MYR_OK && !rec.failed;
    int bad = close_recorder(&rec, &o, b, complete);
    if (rec.failed)
      cli_error("run: writing the trajectory to '%s' failed: %s", o.record,
                strerror(rec.failed));
    if (!complete && !bad)
      fprintf(stderr, "myriad: run: %s; %lld recorded steps kept in "
              "'%s' as *.partial.npy (manifest.json says so)\n",
              rec.failed ? "write error" : status == MYR_EINTR ? "interrupted"
                                                              : "stopped by an error",
              (long long)rec.rows, o.record);
    if (bad || rec.failed) {
      myr_batch_destroy(b);
      return CLI_EXIT_FAIL;
    }
  }
  if (status != MYR_OK && status != MYR_EINTR) {
    cli_error("run: %s", myr_last_error());
    myr_batch_destroy(b);
    return cli_exit_code(status);
  }
  cli_mpi_reduce_stats(&st);
  cli_report_run(stdout, &o, b, &st);
  if (o.record != NULL) report_recording(stdout, &rec, status == MYR_OK);
  myr_batch_destroy(b);
  if (status == MYR_EINTR) {
    cli_error("run: interrupted after %lld env-steps (statistics above are "
              "partial)", (long long)st.steps);
    return CLI_EXIT_FAIL;
  }
  return 0;
}

/* ------------------------------------------------------------ demo */

/* env-steps of a demo whose --steps is not given: 100,000 envs x 50,000
 * steps, the same at any --num-envs (1M envs: 5,000 steps) */
#define DEMO_ENV_STEPS INT64_C(5000000000)

static const char* demo_usage =
    "usage: myriad demo [--env ID] [--num-envs N] [--steps T] [--threads K]\n"
    "                   [--seed S] [--policy P] [--param KEY=VALUE ...]\n"
    "                   [--chunk C] [--block B] [--precision float32|float64]\n"
    "                   [--tuned] [--backend cpu|cuda]\n"
    "\n"
    "The showcase: N environments (default 100,000 CartPole) stepped T times\n"
    "by a fused random rollout, with a live progress bar on a terminal (one\n"
    "line sized to its width; plain lines otherwise), then throughput, memory\n"
    "and episode statistics.  T defaults to 5,000,000,000 / N (at least 100),\n"
    "so every batch size does the same work: 50,000 steps at 100,000 envs,\n"
    "5,000 at 1,000,000.  --tuned uses the settings 'myriad tune' cached;\n"
    "--backend cuda runs on the GPU where the CUDA backend is built in.\n";

/* on a terminal, one line redrawn in place (blanking what a longer earlier
 * line left); otherwise a plain line at a time */
static void progress(int tty, int64_t done, int64_t total, double rate,
                     double eta) {
  char line[512];
  static size_t last;
  size_t n;
  if (tty) {
    n = cli_progress_line(line, sizeof line, cli_terminal_columns(2), done,
                          total, rate, eta);
    fprintf(stderr, "\r%s%*s", line, last > n ? (int)(last - n) : 0, "");
    last = n;
  } else {
    cli_progress_line(line, sizeof line, 0, done, total, rate, eta);
    fprintf(stderr, "%s\n", line);
  }
  fflush(stderr);
}

int cli_cmd_demo(int argc, char** argv) {
  cli_opts o;
  myr_batch* b = NULL;
  myr_rollout_def def = myr_rollout_def_default();
  myr_rollout_stats total;
  int64_t done = 0, piece;
  double t0, last_print = 0.0, rss_before;
  int tty = isatty(2);
  int rc, status = MYR_OK;
  char s1[32], s2[32];

  cli_opts_init(&o, "demo");
  rc = cli_parse(&o, argc, argv,
                 OPT_ENV | OPT_NUM_ENVS | OPT_STEPS | OPT_SEED | OPT_THREADS |
                     OPT_POLICY | OPT_PARAM | OPT_CHUNK | OPT_BLOCK |
                     OPT_PRECISION | OPT_TUNED | OPT_BACKEND | OPT_MODEL,
                 demo_usage);
  if (rc != 0) return rc < 0 ? 0 : rc;
  /* the same work whatever the batch size: N x T = DEMO_ENV_STEPS */
  if (!o.has_steps) {
    int64_t t = DEMO_ENV_STEPS / o.num_envs;
    o.steps = t < 100 ? 100 : t;
  }
  if (o.tuned) tune_apply(&o, o.env);
  if (o.model == NULL && myr_policy_check(myr_env_find(o.env), o.policy) != MYR_OK) {
    cli_error("demo: %s", myr_last_error());
    return CLI_EXIT_USAGE;
  }
  rss_before = (double)cli_current_rss();
  if ((rc = cli_make_batch(&o, &b)) != 0) return rc;
  printf("myriad demo: %s envs of %s, %lld steps, %d threads\n  %s\n",
         cli_si((double)o.num_envs, s1, sizeof s1), myr_batch_env(b)->id,
         (long long)o.steps, (int)myr_batch_threads(b), myr_build_info());
  fflush(stdout);

  memset(&total, 0, sizeof total);
  def.policy = o.policy;
  def.chunk_size = o.chunk;
  def.stop = cli_stop_flag();
  cli_install_signals();
  /* advance in pieces of about 0.1 s so progress can be shown */
  piece = 16;
  t0 = cli_now();
  while (done < o.steps && status == MYR_OK) {
    myr_rollout_stats st;
    double t1, now;
    def.steps = piece < o.steps - done ? piece : o.steps - done;
    t1 = cli_now();
    status = myr_batch_rollout(b, &def, &st);
    now = cli_now();
    /* a failed rollout filled no statistics; an interrupted one did */
    if (status != MYR_OK && status != MYR_EINTR) break;
    done += st.steps / myr_batch_num_envs(b);
    myr_rollout_stats_add(&total, &st);
    if (now - t1 < 0.05 && piece < (1 << 20)) piece *= 2;
    if (now - last_print > (tty ? 0.1 : 1.0) || done == o.steps) {
      double el = now - t0;
      double rate = el > 0 ? (double)done * (double)o.num_envs / el : 0;
      double eta = done > 0 ? el * (double)(o.steps - done) / (double)done : 0;
      progress(tty, done, o.steps, rate, eta);
      last_print = now;
    }
  }
  total.wall_seconds = cli_now() - t0;
  cli_mpi_reduce_stats(&total);
  if (tty) fputc('\n', stderr);
  myr_rollout_stats_finish(&total);
  if (status != MYR_OK && status != MYR_EINTR) {
    cli_error("demo: %s", myr_last_error());
    myr_batch_destroy(b);
    return cli_exit_code(status);
  }
  printf("\nsummary\n");
  printf("  envs              %lld\n", (long long)o.num_envs);
  printf("  steps             %lld per env, %s env-steps\n", (long long)done,
         cli_si((double)total.steps, s1, sizeof s1));
  printf("  wall time         %.3f s\n", total.wall_seconds);
  printf("  throughput        %s env-steps/s\n",
         cli_si((double)total.steps / total.wall_seconds, s1, sizeof s1));
  printf("  per-env rate      %s steps/s per env\n",
         cli_si((double)done / total.wall_seconds, s2, sizeof s2));
  printf("  state memory      %.1f MiB (%.1f bytes/env)\n",
         (double)myr_batch_state_bytes(b) / 1048576.0,
         (double)myr_batch_state_bytes(b) / (double)o.num_envs);
  printf("  process RSS       %.1f MiB (%.1f MiB before the batch)\n",
         (double)cli_current_rss() / 1048576.0, rss_before / 1048576.0);
  printf("  episodes          %lld finished\n", (long long)total.episodes);
  printf("  mean ep. length   %.2f steps\n", total.mean_length);
  printf("  mean ep. return   %.2f\n", total.mean_return);
  myr_batch_destroy(b);
  if (status == MYR_EINTR) {
    cli_error("demo: interrupted");
    return CLI_EXIT_FAIL;
  }
  return 0;
}
