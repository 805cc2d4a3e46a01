/*
 * run.c -- `myriad run` (a fused rollout with statistics and optional .npy
 * recording) and `myriad demo` (the showcase with live progress).
 */
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
    "                  [--chunk C] [--block B] [--record DIR]\n"
    "\n"
    "Run T steps of N environments with a built-in policy inside the library\n"
    "and print the statistics and an order-independent hash of the final\n"
    "state.  Policies: random, constant:<a>, periodic:<steps>,\n"
    "bangbang:field=F[,setpoint=S][,invert=1] and\n"
    "pid:field=F,setpoint=S[,kp=..,ki=..,kd=..,limit=..,bias=..], where F is a\n"
    "state field (see 'myriad envs'), e.g. pid:field=F,setpoint=25,kp=0.1, or a\n"
    "linear combination of fields: terms [coef*]name joined by + or -, e.g.\n"
    "bangbang:field=theta+0.5*theta_dot+0.01*x+0.1*x_dot (keeps CartPole up).\n"
    "--param KEY=VALUE fixes a parameter; KEY=uniform(lo,hi) or\n"
    "KEY=lognormal(loc,scale) draws it once per env (kept across resets).\n"
    "--record DIR streams the\n"
    "trajectory to DIR/{obs,action,reward,terminated,truncated}.npy in chunks\n"
    "of C steps (memory O(C x N)); files are written under temporary names\n"
    "and renamed when complete.\n"
    "Defaults: --env cartpole-v1 --num-envs 100000 --steps 1000 --policy random\n";

/* ------------------------------------------------------------ recording */

typedef struct recorder {
  myr_npy files[5];
  int64_t rows;
  int failed;
} recorder;

static int on_chunk(const myr_traj_chunk* c, void* user) {
  recorder* r = (recorder*)user;
  size_t rows = (size_t)c->steps * (size_t)c->num_envs;
  if (myr_npy_append(&r->files[0], c->obs, rows * (size_t)c->obs_dim * 4) != 0 ||
      myr_npy_append(&r->files[1], c->action, rows * (size_t)c->action_dim * 4) != 0 ||
      myr_npy_append(&r->files[2], c->reward, rows * 4) != 0 ||
      myr_npy_append(&r->files[3], c->terminated, rows) != 0 ||
      myr_npy_append(&r->files[4], c->truncated, rows) != 0) {
    r->failed = 1;
    return 1;
  }
  r->rows += c->steps;
  return 0;
}

static int open_recorder(recorder* r, const char* dir, const myr_env_info* e,
                         int64_t steps, int64_t n) {
  int64_t so[3] = {steps, n, e->obs_dim};
  int64_t sa[3] = {steps, n, e->action_space.n};
  int64_t s1[2] = {steps, n};
  int box = e->action_space.kind == MYR_SPACE_BOX;
  memset(r, 0, sizeof *r);
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    cli_error("run: cannot create '%s': %s", dir, strerror(errno));
    return CLI_EXIT_FAIL;
  }
  if (myr_npy_open(&r->files[0], dir, "obs", "<f4", so, 3) != 0 ||
      myr_npy_open(&r->files[1], dir, "action", box ? "<f4" : "<i4", sa,
                   box ? 3 : 2) != 0 ||
      myr_npy_open(&r->files[2], dir, "reward", "<f4", s1, 2) != 0 ||
      myr_npy_open(&r->files[3], dir, "terminated", "|u1", s1, 2) != 0 ||
      myr_npy_open(&r->files[4], dir, "truncated", "|u1", s1, 2) != 0) {
    int k;
    cli_error("run: cannot write trajectory files in '%s': %s", dir,
              strerror(errno));
    for (k = 0; k < 5; ++k) myr_npy_abort(&r->files[k]);
    return CLI_EXIT_FAIL;
  }
  return 0;
}

/* complete (rename) or, after an interruption, mark partial */
static int close_recorder(recorder* r, int complete) {
  int k, bad = 0;
  for (k = 0; k < 5; ++k)
    if (myr_npy_close(&r->files[k], r->rows, complete) != 0) bad = 1;
  return bad;
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
                     OPT_BLOCK | OPT_RECORD | OPT_AUTORESET | OPT_TUNED |
                     OPT_BACKEND,
                 run_usage);
  if (rc != 0) return rc < 0 ? 0 : rc;
  if (o.tuned) tune_apply(&o, o.env);
  if (myr_policy_check(myr_env_find(o.env), o.policy) != MYR_OK) {
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
                            o.num_envs)) != 0) {
      myr_batch_destroy(b);
      return rc;
    }
    def.on_chunk = on_chunk;
    def.user = &rec;
  }
  status = myr_batch_rollout(b, &def, &st);
  if (o.record != NULL) {
    int complete = status == MYR_OK && !rec.failed;
    if (close_recorder(&rec, complete) != 0 || rec.failed) {
      cli_error("run: writing the trajectory to '%s' failed: %s", o.record,
                strerror(errno));
      myr_batch_destroy(b);
      return CLI_EXIT_FAIL;
    }
    if (!complete)
      fprintf(stderr, "myriad: run: %s; %lld recorded steps kept in "
              "'%s' as *.partial.npy\n",
              status == MYR_EINTR ? "interrupted" : "stopped by an error",
              (long long)rec.rows, o.record);
  }
  if (status != MYR_OK && status != MYR_EINTR) {
    cli_error("run: %s", myr_last_error());
    myr_batch_destroy(b);
    return cli_exit_code(status);
  }
  cli_mpi_reduce_stats(&st);
  cli_report_run(stdout, &o, b, &st);
  myr_batch_destroy(b);
  if (status == MYR_EINTR) {
    cli_error("run: interrupted after %lld env-steps (statistics above are "
              "partial)", (long long)st.steps);
    return CLI_EXIT_FAIL;
  }
  return 0;
}

/* ------------------------------------------------------------ demo */

static const char* demo_usage =
    "usage: myriad demo [--env ID] [--num-envs N] [--steps T] [--threads K]\n"
    "                   [--seed S] [--policy P] [--param KEY=VALUE ...]\n"
    "\n"
    "The showcase: N environments (default 100,000 CartPole) stepped T times\n"
    "(default 50,000) by a fused random rollout, with a live progress bar on\n"
    "a terminal (plain lines otherwise), then throughput, memory and episode\n"
    "statistics.\n";

static void progress(int tty, int64_t done, int64_t total, double rate,
                     double eta) {
  char r[32];
  double pct = total > 0 ? 100.0 * (double)done / (double)total : 100.0;
  if (tty) {
    int width = 30, k;
    int filled = (int)(pct / 100.0 * width);
    fprintf(stderr, "\r  [");
    for (k = 0; k < width; ++k) fputc(k < filled ? '#' : '.', stderr);
    fprintf(stderr, "] %5.1f%%  step %lld/%lld  %s steps/s  ETA %.1fs   ", pct,
            (long long)done, (long long)total, cli_si(rate, r, sizeof r), eta);
  } else {
    fprintf(stderr, "  %5.1f%%  step %lld/%lld  %s steps/s  ETA %.1fs\n", pct,
            (long long)done, (long long)total, cli_si(rate, r, sizeof r), eta);
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
  o.steps = 50000;
  rc = cli_parse(&o, argc, argv,
                 OPT_ENV | OPT_NUM_ENVS | OPT_STEPS | OPT_SEED | OPT_THREADS |
                     OPT_POLICY | OPT_PARAM | OPT_CHUNK | OPT_BLOCK |
                     OPT_PRECISION | OPT_TUNED | OPT_BACKEND,
                 demo_usage);
  if (rc != 0) return rc < 0 ? 0 : rc;
  if (o.tuned) tune_apply(&o, o.env);
  if (myr_policy_check(myr_env_find(o.env), o.policy) != MYR_OK) {
    cli_error("demo: %s", myr_last_error());
    return CLI_EXIT_USAGE;
  }
  rss_before = (double)cli_current_rss();
  if ((rc = cli_make_batch(&o, &b)) != 0) return rc;
  printf("myriad demo: %s envs of %s, %lld steps, %d threads, %s\n",
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
    total.steps += st.steps;
    total.episodes += st.episodes;
    total.length_sum += st.length_sum;
    total.return_sum_fixed += st.return_sum_fixed;
    total.cap_hits += st.cap_hits;
    total.reactions += st.reactions;
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
