/*
 * Interrupted and failing CLI runs.  SIGTERM as well as SIGINT during
 * `bench throughput`, `bench chunk`, `tune` and `run --record`: what was
 * measured or recorded is kept and marked partial, the exit status is 1 and
 * no .tmp file is left (test_bench_cli and test_record cover SIGINT on
 * `bench throughput` and `run --record`).  A full disk under `bench --csv`
 * and allocation failure in benchmark set-up are reported with a message
 * and exit 1.
 */
#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "shell.h"

static char dir[] = "/tmp/myriad-interrupt-XXXXXX";

static int count_of(const char* text, const char* what) {
  int n = 0;
  const char* p = text;
  while (p != NULL && (p = strstr(p, what)) != NULL) {
    n++;
    p += strlen(what);
  }
  return n;
}

/* files under d whose name ends in .tmp */
static int tmp_files(const char* d) {
  DIR* h = opendir(d);
  struct dirent* e;
  int n = 0;
  if (h == NULL) return 0;
  while ((e = readdir(h)) != NULL) {
    size_t k = strlen(e->d_name);
    n += k >= 4 && strcmp(e->d_name + k - 4, ".tmp") == 0;
  }
  closedir(h);
  return n;
}

/* the path of a *.tmp file in d whose name starts with prefix; 0 if none */
static int find_tmp(const char* d, const char* prefix, char* out, size_t size) {
  DIR* h = opendir(d);
  struct dirent* e;
  int found = 0;
  if (h == NULL) return 0;
  while (!found && (e = readdir(h)) != NULL) {
    size_t k = strlen(e->d_name);
    if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && k >= 4 &&
        strcmp(e->d_name + k - 4, ".tmp") == 0) {
      snprintf(out, size, "%s/%s", d, e->d_name);
      found = 1;
    }
  }
  closedir(h);
  return found;
}

/* start the CLI with stdout and stderr to files; env: "NAME=VALUE" or NULL */
static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static pid_t start(const char* out, const char* err, const char* env,
                   const char* const* args) {
  pid_t pid = fork();
  if (pid == 0) {
    char* argv[32];
    int i;
    if (freopen(out, "w", stdout) == NULL || freopen(err, "w", stderr) == NULL)
      _exit(126);
    if (env != NULL) putenv((char*)env);
    argv[0] = (char*)MYR_CLI;
    for (i = 0; args[i] != NULL && i < 30; ++i) argv[i + 1] = (char*)args[i];
    argv[i + 1] = NULL;
    execv(MYR_CLI, argv);
    _exit(127);
  }
  return pid;
}

/* wait (up to 60 s) until file holds at least n copies of what, then send
 * sig; returns the exit status (-1 if killed by a signal) */
static int interrupt_when(pid_t pid, const char* file, const char* what, int n,
                          int sig) {
  int st = 0, k;
  for (k = 0; k < 6000; ++k) {
    struct timespec ts = {0, 10000000};
    char* text = slurp(file);
    int have = count_of(text, what);
    free(text);
    if (have >= n) break;
    if (waitpid(pid, &st, WNOHANG) == pid)
      return WIFEXITED(st) ? 100 + WEXITSTATUS(st) : -1; /* ended early */
    nanosleep(&ts, NULL);
  }
  kill(pid, sig);
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char* last_line(const char* text) {
  const char* last = text + strlen(text);
  if (last > text && last[-1] == '\n') last--;
  while (last > text && last[-1] != '\n') last--;
  return last;
}

/* bench KIND with sig after the first row: rows kept, marked partial */
static void bench_signal(const char* kind, const char* row_kind, int sig) {
  char csv[600], out[600], err[600];
  const char* args[] = {"bench", kind, "--env", "cartpole", "--csv", csv, NULL};
  char* text;
  int rc;
  snprintf(csv, sizeof csv, "%s/%s-%d.csv", dir, kind, sig);
  snprintf(out, sizeof out, "%s/%s-%d.out", dir, kind, sig);
  snprintf(err, sizeof err, "%s/%s-%d.err", dir, kind, sig);
  rc = interrupt_when(start(out, err, NULL, args), csv, row_kind, 1, sig);
  CHECK_MSG(rc == 1, "bench %s, signal %d: exit %d", kind, sig, rc);
  text = slurp(csv);
  CHECK_MSG(text != NULL && strncmp(text, "kind,env,", 9) == 0 &&
                count_of(text, row_kind) >= 1,
            "bench %s: rows kept", kind);
  CHECK_MSG(text != NULL && strncmp(last_line(text), "# partial", 9) == 0,
            "bench %s, signal %d: no partial marker", kind, sig);
  free(text);
  text = slurp(err);
  CHECK_MSG(text != NULL && strstr(text, "interrupted") != NULL &&
                strstr(text, "marked partial") != NULL,
            "bench %s: %s", kind, text ? text : "");
  free(text);
  CHECK(tmp_files(dir) == 0);
}

/* tune with sig after two measured points: points printed, the best so far
 * reported as partial, nothing cached, no .tmp */
static void tune_signal(int sig) {
  char out[600], err[600], env[700], cache[700];
  const char* args[] = {"tune", "--env", "cartpole", "--num-envs", "200000",
                        "--runs", "3", NULL};
  char* text;
  int rc;
  snprintf(out, sizeof out, "%s/tune-%d.out", dir, sig);
  snprintf(err, sizeof err, "%s/tune-%d.err", dir, sig);
  snprintf(env, sizeof env, "XDG_CACHE_HOME=%s/cache-%d", dir, sig);
  rc = interrupt_when(start(out, err, env, args), out, "steps/s", 2, sig);
  CHECK_MSG(rc == 1, "tune, signal %d: exit %d", sig, rc);
  text = slurp(out);
  CHECK(text != NULL && count_of(text, "  threads ") >= 2);
  CHECK_MSG(text != NULL && strstr(text, "partial: best of the") != NULL &&
                strstr(text, "(not cached)") != NULL,
            "tune stdout: %s", text ? text : "");
  free(text);
  text = slurp(err);
  CHECK(text != NULL && strstr(text, "tune: interrupted; nothing cached") != NULL);
  free(text);
  snprintf(cache, sizeof cache, "%s/cache-%d/myriad/tune-cartpole-v1.txt", dir,
           sig);
  CHECK(access(cache, F_OK) != 0);
  snprintf(cache, sizeof cache, "%s/cache-%d/myriad", dir, sig);
  CHECK(tmp_files(cache) == 0);
}

/* run --record with SIGTERM: *.partial.npy, nothing that looks complete */
static void record_sigterm(void) {
  char rec[600], out[600], err[600], path[800];
  const char* args[] = {"run", "--num-envs", "1000", "--steps", "100000000",
                        "--chunk", "16", "--record", rec, NULL};
  char* text;
  int rc;
  snprintf(rec, sizeof rec, "%s/rec", dir);
  snprintf(out, sizeof out, "%s/rec.out", dir);
  snprintf(err, sizeof err, "%s/rec.err", dir);
  {
    pid_t pid = start(out, err, NULL, args);
    int k, st = 0;
    struct stat sb;
    for (k = 0; k < 3000; ++k) {
      struct timespec ts = {0, 20000000};
      /* the temporary file has a unique name: reward.npy.XXXXXX.tmp */
      if (find_tmp(rec, "reward.npy.", path, sizeof path) &&
          stat(path, &sb) == 0 && sb.st_size > 128 + 64000)
        break;
      nanosleep(&ts, NULL);
    }
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
    rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  CHECK_MSG(rc == 1, "run --record, SIGTERM: exit %d", rc);
  snprintf(path, sizeof path, "%s/rec/reward.partial.npy", dir);
  CHECK(access(path, F_OK) == 0);
  snprintf(path, sizeof path, "%s/rec/reward.npy", dir);
  CHECK(access(path, F_OK) != 0);
  CHECK(tmp_files(rec) == 0);
  text = slurp(err);
  CHECK(text != NULL && strstr(text, "partial.npy") != NULL);
  free(text);
}

/* bench --csv onto a 1 KiB file size limit: a message and exit 1, and the
 * file never holds a partial row */
static void full_disk(void) {
  char* text;
  char path[700];
  int rc = sh("bash -c \"trap '' XFSZ; ulimit -f 1; exec %s bench throughput "
              "--smoke --env all --csv %s/full.csv\" >/dev/null 2>%s/full.err",
              MYR_CLI, dir, dir);
  CHECK_MSG(rc == 1, "full disk: exit %d", rc);
  snprintf(path, sizeof path, "%s/full.err", dir);
  text = slurp(path);
  CHECK_MSG(text != NULL && strstr(text, "full.csv' failed: File too large"),
            "full disk: %s", text ? text : "");
  free(text);
  snprintf(path, sizeof path, "%s/full.csv", dir);
  text = slurp(path);
  CHECK(text != NULL && strlen(text) <= 1024 && text[0] != '\0' &&
        text[strlen(text) - 1] == '\n');
  free(text);
  CHECK(tmp_files(dir) == 0);
}

/* allocation failure in benchmark set-up: "out of memory", exit 1 */
static void out_of_memory(void) {
  char path[700];
  char* text;
  int rc;
  snprintf(path, sizeof path, "%s/oom.err", dir);
  /* at the size limit, and (90 GiB) more than the machine's memory:
   * refused before allocating */
  rc = sh("%s bench throughput --env cartpole --num-envs 4294967296 --steps 1 "
          "--runs 1 >/dev/null 2>%s", MYR_CLI, path);
  text = slurp(path);
  CHECK_MSG(rc == 1 && text != NULL && strstr(text, "out of memory") != NULL,
            "exit %d: %s", rc, text ? text : "");
  free(text);
  rc = sh("%s bench throughput --env cartpole --precision float64 --num-envs "
          "4294967296 --steps 1 --runs 1 >/dev/null 2>%s", MYR_CLI, path);
  text = slurp(path);
  CHECK_MSG(rc == 1 && text != NULL && strstr(text, "out of memory") != NULL,
            "exit %d: %s", rc, text ? text : "");
  free(text);
#if defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#    define NO_ULIMIT_V 1 /* sanitizers reserve terabytes of address space */
#  endif
#endif
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && \
    !defined(NO_ULIMIT_V)
  /* an address-space limit makes the allocations themselves fail: the
   * batch's state, and the step-mode buffers after it */
  rc = sh("bash -c 'ulimit -v 2500000; exec %s bench throughput --env cartpole "
          "--num-envs 200000000 --steps 1 --runs 1 --warmup 0' >/dev/null 2>%s",
          MYR_CLI, path);
  text = slurp(path);
  CHECK_MSG(rc == 1 && text != NULL && strstr(text, "out of memory") != NULL,
            "state: exit %d: %s", rc, text ? text : "");
  free(text);
  rc = sh("bash -c 'ulimit -v 2500000; exec %s bench throughput --env cartpole "
          "--mode step --num-envs 50000000 --steps 1 --runs 1 --warmup 0' "
          ">/dev/null 2>%s", MYR_CLI, path);
  text = slurp(path);
  CHECK_MSG(rc == 1 && text != NULL &&
                strstr(text, "out of memory (step buffers") != NULL,
            "step buffers: exit %d: %s", rc, text ? text : "");
  free(text);
#endif
}

/* a chunk of heavy SSA steps (each env-step a million reactions, a chunk
 * of 512 steps about a minute): Ctrl-C stops inside the chunk within a
 * second or so, and a second Ctrl-C ends the process at once */
static void heavy_chunk(void) {
  static const char* args[] = {"run", "--env", "gene-circuit", "--num-envs", "4",
                               "--threads", "2", "--steps", "100000", "--chunk",
                               "512", "--param", "eta=1e6", "--param", "nu=1e-9",
                               "--param", "cap=1000000", "--param", "dt=1e6", NULL};
  char out[600], err[600];
  struct timespec half = {0, 500000000}, gap = {0, 5000000};
  double t0, t1;
  int st = 0, attempt;
  pid_t pid;
  char* text;
  snprintf(out, sizeof out, "%s/heavy.out", dir);
  snprintf(err, sizeof err, "%s/heavy.err", dir);
  pid = start(out, err, NULL, args);
  nanosleep(&half, NULL);
  t0 = now_s();
  kill(pid, SIGINT);
  waitpid(pid, &st, 0);
  t1 = now_s();
  CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d", st);
  CHECK_MSG(t1 - t0 < 10.0, "Ctrl-C took %.1f s to stop a heavy chunk", t1 - t0);
  text = slurp(err);
  CHECK_MSG(text != NULL && strstr(text, "interrupted") != NULL, "%s", text ? text : "");
  free(text);
  /* the second Ctrl-C: the default action, without waiting for a step.
   * The first must reach the run inside a step: one that comes while the
   * batch is still being made (a slow start: a sanitizer build on a busy
   * machine) stops the run before its first step, at once, and the
   * second finds no process.  A run gone before the second Ctrl-C proves
   * nothing either way, so the pair is sent again after a longer wait. */
  args[8] = "100000";
  args[16] = "cap=10000000"; /* one env-step about a second */
#if defined(__SANITIZE_THREAD__)
  /* ThreadSanitizer runs a handler only when the thread reaches one of
   * its interceptors: a thread inside a long SSA step gets both Ctrl-C
   * at the end of the step, as one pending signal, so the run stops
   * there instead of dying.  The plain and ASan builds check this. */
  (void)attempt;
  printf("double Ctrl-C not checked under ThreadSanitizer (it defers "
         "signals to its interceptors)\n");
  return;
#endif
  for (attempt = 0; attempt < 4; ++attempt) {
    struct timespec wait = {1 << attempt, 0};
    pid = start(out, err, NULL, args);
    nanosleep(attempt == 0 ? &half : &wait, NULL);
    kill(pid, SIGINT);
    nanosleep(&gap, NULL);
    /* gone within 5 ms of the first: it was not inside a step */
    if (waitpid(pid, &st, WNOHANG) == pid) continue;
    kill(pid, SIGINT);
    waitpid(pid, &st, 0);
    break;
  }
  CHECK_MSG(attempt < 4, "Ctrl-C came before the first step %d times", attempt);
  CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT,
            "after two Ctrl-C: %s %d", WIFSIGNALED(st) ? "signal" : "exit",
            WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

int main(void) {
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 1;
  }
  bench_signal("throughput", "\nthroughput,", SIGTERM);
  bench_signal("chunk", "\nchunk,", SIGINT);
  bench_signal("chunk", "\nchunk,", SIGTERM);
  tune_signal(SIGINT);
  tune_signal(SIGTERM);
  record_sigterm();
  full_disk();
  out_of_memory();
  heavy_chunk();
  if (check_failed_ == 0) sh("rm -rf '%s'", dir);
  else fprintf(stderr, "files kept in %s\n", dir);
  return check_summary("test_interrupt");
}
