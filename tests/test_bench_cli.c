/*
 * `myriad bench` and `myriad tune` through the CLI binary: a smoke run of
 * every bench kind with tiny sizes (exit 0, CSV rows of the right kind),
 * an interrupted throughput run (SIGINT after the first row: exit 1, rows
 * kept, partial marker, no .tmp left), tune writing its cache and --tuned
 * using it or warning about a corrupt one, usage errors, and bench/plot.py
 * drawing the smoke CSVs when the Python has matplotlib.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <stdarg.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "shell.h"

static char dir[] = "/tmp/myriad-bench-cli-XXXXXX";

static int count_lines(const char* s) {
  int n = 0;
  for (; s && *s; ++s) n += *s == '\n';
  return n;
}

/* the one file in d whose name starts with prefix; 0 if none or several */
static int find_one(const char* d, const char* prefix, char* out, size_t size) {
  DIR* h = opendir(d);
  struct dirent* e;
  int n = 0;
  if (h == NULL) return 0;
  while ((e = readdir(h)) != NULL)
    if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
      snprintf(out, size, "%s/%s", d, e->d_name);
      n++;
    }
  closedir(h);
  return n == 1;
}

/* rows of a CSV whose first field is kind */
static int rows_of(const char* text, const char* kind) {
  int n = 0;
  size_t k = strlen(kind);
  const char* p = text;
  while (p && *p) {
    if (strncmp(p, kind, k) == 0 && p[k] == ',') n++;
    p = strchr(p, '\n');
    if (p) p++;
  }
  return n;
}

static void test_smoke(void) {
  static const char* kinds[] = {"throughput", "memory", "chunk", "threads"};
  static const char* row_kind[] = {"throughput", "memory-envs", "chunk",
                                   "threads"};
  char out[600], path[900];
  size_t i;
  for (i = 0; i < 4; ++i) {
    char* text;
    snprintf(out, sizeof out, "%s/%s", dir, kinds[i]);
    CHECK_MSG(sh("%s bench %s --smoke --env cartpole --out %s > %s/log 2>&1",
                 MYR_CLI, kinds[i], out, dir) == 0, "bench %s", kinds[i]);
    CHECK_MSG(find_one(out, kinds[i], path, sizeof path), "%s CSV", kinds[i]);
    text = slurp(path);
    CHECK(text != NULL && strncmp(text, "kind,env,num_envs,", 18) == 0);
    CHECK_MSG(text != NULL && rows_of(text, row_kind[i]) >= 2, "%s rows",
              kinds[i]);
    CHECK(text != NULL && strstr(text, "# partial") == NULL);
    CHECK(text != NULL && strstr(text, ",cpu,") != NULL);
    free(text);
  }
  /* the memory kind also has the chunk and steps profiles */
  snprintf(out, sizeof out, "%s/memory", dir);
  if (find_one(out, "memory", path, sizeof path)) {
    char* text = slurp(path);
    CHECK(text != NULL && rows_of(text, "memory-chunk") >= 2);
    CHECK(text != NULL && rows_of(text, "memory-steps") >= 2);
    free(text);
  }
  /* bench all: one CSV per kind with one timestamp */
  snprintf(out, sizeof out, "%s/all", dir);
  CHECK(sh("%s bench all --smoke --env cartpole --out %s > %s/log 2>&1",
           MYR_CLI, out, dir) == 0);
  for (i = 0; i < 4; ++i)
    CHECK_MSG(find_one(out, kinds[i], path, sizeof path), "all: %s", kinds[i]);
  /* printed lines fit 100 columns when stdout is not a wide terminal */
  CHECK_MSG(sh("awk 'length($0) > 100 { bad = 1; print } END { exit bad }' %s/log",
               dir) == 0, "lines over 100 columns in %s/log", dir);
#if defined(MYR_PYTHON) && defined(MYR_SOURCE_DIR)
  if (sh("%s -c 'import matplotlib' 2>/dev/null", MYR_PYTHON) == 0) {
    static const char* pngs[] = {"throughput_scaling.png",
                                 "scaling_efficiency.png", "memory_scaling.png",
                                 "chunk_sensitivity.png", "thread_scaling.png"};
    CHECK(sh("%s %s/bench/plot.py --out %s %s > %s/plot.log 2>&1", MYR_PYTHON,
             MYR_SOURCE_DIR, out, out, dir) == 0);
    for (i = 0; i < 5; ++i) {
      struct stat st;
      snprintf(path, sizeof path, "%s/%s", out, pngs[i]);
      CHECK_MSG(stat(path, &st) == 0 && st.st_size > 1000, "%s", pngs[i]);
    }
  } else {
    printf("plot.py not checked: %s has no matplotlib\n", MYR_PYTHON);
  }
#endif
}

static void test_interrupt(void) {
  char csv[600], tmp[700];
  char* text;
  pid_t pid;
  int st = 0, waited = 0;
  snprintf(csv, sizeof csv, "%s/int.csv", dir);
  snprintf(tmp, sizeof tmp, "%s.tmp", csv);
  pid = fork();
  if (pid == 0) {
    FILE* devnull = freopen("/dev/null", "w", stdout);
    (void)devnull;
    execl(MYR_CLI, MYR_CLI, "bench", "throughput", "--env", "cartpole",
          "--csv", csv, (char*)NULL);
    _exit(127);
  }
  CHECK(pid > 0);
  if (pid <= 0) return;
  /* wait (up to 60 s) for the header and the first row */
  for (waited = 0; waited < 6000; ++waited) {
    struct timespec ts = {0, 10000000};
    text = slurp(csv);
    if (count_lines(text) >= 2) {
      free(text);
      break;
    }
    free(text);
    if (waitpid(pid, &st, WNOHANG) == pid) break;
    nanosleep(&ts, NULL);
  }
  kill(pid, SIGINT);
  waitpid(pid, &st, 0);
  CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1, "exit status %d",
            WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  text = slurp(csv);
  CHECK(text != NULL && rows_of(text, "throughput") >= 1);
  /* not every size was measured, and the file says so in its last line */
  CHECK(text != NULL && rows_of(text, "throughput") < 8);
  if (text != NULL) {
    const char* last = text + strlen(text) - 1;
    while (last > text && last[-1] != '\n') last--;
    CHECK(strncmp(last, "# partial", 9) == 0);
  }
  free(text);
  CHECK(access(tmp, F_OK) != 0);
}

static void test_tune(void) {
  char cache[700], log[700];
  char* text;
  snprintf(log, sizeof log, "%s/tune.log", dir);
  CHECK(sh("XDG_CACHE_HOME=%s %s tune --env cartpole --num-envs 2000 --smoke "
           "> %s 2>&1", dir, MYR_CLI, log) == 0);
  snprintf(cache, sizeof cache, "%s/myriad/tune-cartpole-v1.txt", dir);
  text = slurp(cache);
  CHECK(text != NULL && strstr(text, "threads=") != NULL &&
        strstr(text, "checksum=fnv1a64:") != NULL);
  free(text);
  /* the defaults were among the points, and the winner was weighed
   * against them and the noise */
  text = slurp(log);
  CHECK_MSG(text != NULL && (strstr(text, "measured noise") != NULL ||
                             strstr(text, "best for cartpole-v1: threads 2, block 1024, "
                                          "chunk 1024") != NULL ||
                             strstr(text, "(threads 1, block 1024, chunk 1024)") != NULL),
            "%s", text ? text : "");
  free(text);
  /* --tuned uses it */
  CHECK(sh("XDG_CACHE_HOME=%s %s run --tuned --env cartpole --num-envs 1000 "
           "--steps 10 > %s 2>&1", dir, MYR_CLI, log) == 0);
  text = slurp(log);
  CHECK(text != NULL && strstr(text, "tuned settings for 'cartpole-v1'") != NULL);
  free(text);
  CHECK(sh("XDG_CACHE_HOME=%s %s bench throughput --tuned --env cartpole "
           "--num-envs 1000 --steps 4 --runs 5 > %s 2>&1", dir, MYR_CLI, log) == 0);
  /* a corrupt cache is ignored with a warning, and the run still works */
  CHECK(sh("sed -i 's/^block=.*/block=77/' %s", cache) == 0);
  CHECK(sh("XDG_CACHE_HOME=%s %s demo --tuned --num-envs 1000 --steps 10 "
           "> %s 2>&1", dir, MYR_CLI, log) == 0);
  text = slurp(log);
  CHECK(text != NULL && strstr(text, "ignoring the corrupt tune cache") != NULL);
  free(text);
  /* a missing one too */
  CHECK(sh("XDG_CACHE_HOME=%s/none %s run --tuned --num-envs 100 --steps 2 "
           "> %s 2>&1", dir, MYR_CLI, log) == 0);
  text = slurp(log);
  CHECK(text != NULL && strstr(text, "no tuned settings") != NULL);
  free(text);
  /* a link planted at the cache's old fixed temporary name is not followed */
  CHECK(sh("echo precious > %s/tune-victim && ln -sf %s/tune-victim %s.tmp", dir,
           dir, cache) == 0);
  CHECK(sh("XDG_CACHE_HOME=%s %s tune --env cartpole --num-envs 2000 --smoke "
           "> %s 2>&1", dir, MYR_CLI, log) == 0);
  CHECK(sh("test \"$(cat %s/tune-victim)\" = precious && grep -q threads= %s", dir,
           cache) == 0);
}

static void test_usage(void) {
  CHECK(sh("%s bench nosuch > /dev/null 2>&1", MYR_CLI) == 2);
  CHECK(sh("%s bench throughput --out > /dev/null 2>&1", MYR_CLI) == 2);
  CHECK(sh("%s bench memory --profile sideways > /dev/null 2>&1", MYR_CLI) == 2);
  CHECK(sh("%s bench chunk --env cartpol > /dev/null 2>&1", MYR_CLI) == 2);
  CHECK(sh("%s tune --env nosuch > /dev/null 2>&1", MYR_CLI) == 2);
  CHECK(sh("%s bench throughput --num-envs 0 > /dev/null 2>&1", MYR_CLI) == 2);
  CHECK(sh("%s bench all --csv x.csv > /dev/null 2>&1", MYR_CLI) == 2);
  CHECK(sh("%s bench throughput --help > /dev/null 2>&1", MYR_CLI) == 0);
}

/* where CSVs go: quick runs into the git-ignored bench/out of the working
 * directory, never bench/results; --commit-results only with --full, not
 * with --out, --csv or --smoke; each row names the cores and quick/full */
static void test_out_dir(void) {
  char cwd[600], outdir[700], path[900], out[4096];
  char* text;
  snprintf(cwd, sizeof cwd, "%s/cwd", dir);
  CHECK(sh("mkdir -p %s", cwd) == 0);
  CHECK(sh("cd %s && %s bench throughput --smoke --env cartpole > log 2>&1",
           cwd, MYR_CLI) == 0);
  snprintf(outdir, sizeof outdir, "%s/bench/out", cwd);
  CHECK_MSG(find_one(outdir, "throughput-", path, sizeof path),
            "no throughput CSV in bench/out");
  snprintf(out, sizeof out, "%s/bench/results", cwd);
  CHECK_MSG(access(out, F_OK) != 0, "a quick run created %s", out);
  text = slurp(path);
  CHECK(text != NULL && strstr(text, ",cores,suite\n") != NULL);
  CHECK(text != NULL && strstr(text, ",quick\n") != NULL);
  free(text);
  snprintf(path, sizeof path, "cd %s && %s bench all --commit-results", cwd, MYR_CLI);
  CHECK(sh_capture(path, out, sizeof out) == 2 && strstr(out, "--full") != NULL);
  snprintf(path, sizeof path, "cd %s && %s bench throughput --full --smoke "
           "--commit-results", cwd, MYR_CLI);
  CHECK(sh_capture(path, out, sizeof out) == 2);
  snprintf(path, sizeof path, "cd %s && %s bench all --full --commit-results "
           "--out x", cwd, MYR_CLI);
  CHECK(sh_capture(path, out, sizeof out) == 2);
  snprintf(out, sizeof out, "%s/bench/results", cwd);
  CHECK_MSG(access(out, F_OK) != 0, "a refused run created %s", out);
  /* a parameter one of the selected envs lacks is refused before any env
   * is measured (CartPole's masspole: the gene circuit has none) */
  snprintf(path, sizeof path, "cd %s && %s bench chunk --param masspole=0.2", cwd,
           MYR_CLI);
  CHECK(sh_capture(path, out, sizeof out) == 2 &&
        strstr(out, "unknown parameter 'masspole'") != NULL &&
        strstr(out, "cartpole-v1 ") == NULL);
  CHECK(!find_one(outdir, "chunk-", path, sizeof path));
}

/* --csv PATH: nothing but a regular file is replaced (a symlink, a FIFO,
 * /dev/stdout are refused before the benchmark runs and left as they
 * were), a planted PATH.tmp link is never followed, and a second run into
 * a CSV being written fails at once */
static void test_csv_targets(void) {
  char cmd[2400], out[4096], csv[700];
  int fd;
  CHECK(sh("echo precious > %s/victim && ln -s %s/victim %s/link.csv", dir, dir,
           dir) == 0);
  snprintf(cmd, sizeof cmd, "%s bench throughput --smoke --env cartpole --csv "
           "%s/link.csv", MYR_CLI, dir);
  CHECK(sh_capture(cmd, out, sizeof out) == 1 && strstr(out, "a symbolic link") != NULL);
  CHECK(sh("test -L %s/link.csv && test \"$(cat %s/victim)\" = precious", dir, dir) == 0);
  CHECK(sh("mkfifo %s/fifo.csv", dir) == 0);
  snprintf(cmd, sizeof cmd, "timeout 20 %s bench throughput --smoke --env cartpole "
           "--csv %s/fifo.csv", MYR_CLI, dir);
  CHECK(sh_capture(cmd, out, sizeof out) == 1 && strstr(out, "a FIFO") != NULL);
  CHECK(sh("test -p %s/fifo.csv", dir) == 0);
  snprintf(cmd, sizeof cmd, "%s bench throughput --smoke --env cartpole --csv "
           "/dev/null", MYR_CLI);
  CHECK(sh_capture(cmd, out, sizeof out) == 1 && strstr(out, "a device") != NULL);
  CHECK(sh("test -c /dev/null") == 0);
  /* the old fixed temporary name, planted: ignored */
  CHECK(sh("ln -s %s/victim %s/ok.csv.tmp", dir, dir) == 0);
  snprintf(cmd, sizeof cmd, "%s bench throughput --smoke --env cartpole --csv "
           "%s/ok.csv", MYR_CLI, dir);
  CHECK(sh_capture(cmd, out, sizeof out) == 0);
  CHECK(sh("test \"$(cat %s/victim)\" = precious && test -f %s/ok.csv && test ! -e "
           "%s/ok.csv.lock", dir, dir, dir) == 0);
  /* a CSV another run is writing (its lock held here) */
  snprintf(csv, sizeof csv, "%s/busy.csv.lock", dir);
  fd = open(csv, O_RDWR | O_CREAT, 0666);
  CHECK(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0);
  snprintf(cmd, sizeof cmd, "%s bench throughput --smoke --env cartpole --csv "
           "%s/busy.csv", MYR_CLI, dir);
  CHECK(sh_capture(cmd, out, sizeof out) == 1 &&
        strstr(out, "in use by another myriad process") != NULL);
  CHECK(sh("test ! -e %s/busy.csv", dir) == 0);
  close(fd);
  /* results that cannot be printed are a failure, not exit 0 */
  CHECK(sh("%s bench throughput --smoke --env cartpole --num-envs 100 --steps 5 "
           ">/dev/full 2>/dev/null", MYR_CLI) == 1);
  CHECK(sh("%s envs >/dev/full 2>/dev/null", MYR_CLI) == 1);
}

/* bench bandwidth: two rates, and the step API's bound from the triad one
 * (68 bytes per float32 CartPole env-step: 21 of state in and out, action
 * 4, observation 16, reward 4, flags 2) */
static void test_bandwidth(void) {
  char path[512];
  char* text;
  double triad = 0.0, bound = 0.0;
  const char* p;
  CHECK(sh("%s bench bandwidth --smoke --env cartpole --threads 1 --runs 2 "
           "> %s/bw.log 2>&1", MYR_CLI, dir) == 0);
  snprintf(path, sizeof path, "%s/bw.log", dir);
  text = slurp(path);
  CHECK(text != NULL && strstr(text, "copy ") != NULL);
  p = text != NULL ? strstr(text, "triad ") : NULL;
  CHECK(p != NULL && sscanf(p, "triad %lf GB/s", &triad) == 1 && triad > 0.0);
  p = text != NULL ? strstr(text, "cartpole-v1") : NULL;
  CHECK(p != NULL && sscanf(p, "cartpole-v1 %*d B/env-step %lfM", &bound) == 1);
  CHECK(p != NULL && strstr(p, " 68 B/env-step") != NULL);
  /* both figures are printed with two decimals: the bound may differ from
   * the printed triad's by the two half-units of rounding, no more */
  CHECK_MSG(fabs(bound - triad * 1e3 / 68.0) <= 0.005 * 1e3 / 68.0 + 0.005 + 1e-9,
            "bound %g for triad %g GB/s", bound, triad);
  free(text);
  CHECK(sh("%s bench bandwidth --num-envs 5 > /dev/null 2>&1", MYR_CLI) == 2);
}

int main(void) {
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 1;
  }
  test_usage();
  test_out_dir();
  test_csv_targets();
  test_smoke();
  test_interrupt();
  test_tune();
  test_bandwidth();
  if (check_failed_ == 0) sh("rm -rf '%s'", dir);
  else fprintf(stderr, "files kept in %s\n", dir);
  return check_summary("test_bench_cli");
}
