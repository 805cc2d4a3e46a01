/*
 * Unit tests of the pure pieces of `myriad bench` and `myriad tune`: the
 * time statistics, the automatic steps per run, the CSV writer (header,
 * quoting, atomic rewrite, partial marker) and the tune cache (fresh, stale
 * key, corrupt file, out-of-range values, bad checksum).
 *
 * Built with cli/bench_csv.c and cli/tune_cache.c; the CLI helpers they
 * call are defined here (one process, no MPI) so that the test controls the CPU model (a
 * comma and a quote exercise the CSV quoting; changing it makes the cache
 * stale).
 */
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "check.h"
#include "shell.h"
#include "mpi.h"
#include "tune.h"

static char cpu_model[128] = "Test CPU, \"fast\" edition";
static int errors_printed = 0;

void cli_error(const char* fmt, ...) {
  va_list ap;
  errors_printed++;
  fputs("(expected) myriad: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}
const char* cli_cpu_model(void) { return cpu_model; }
const char* cli_compiler(void) { return "cc 1.0"; }
const char* cli_git_rev(void) { return "abc123"; }
int cli_mpi_is_root(void) { return 1; }

static void write_text(const char* path, const char* text) {
  FILE* f = fopen(path, "wb");
  if (f == NULL) return;
  fputs(text, f);
  fclose(f);
}

static int count_lines(const char* s) {
  int n = 0;
  for (; *s; ++s) n += *s == '\n';
  return n;
}

static void test_stats(void) {
  double t[5] = {5.0, 1.0, 4.0, 2.0, 3.0};
  double t4[4] = {4.0, 1.0, 3.0, 2.0};
  double one[1] = {7.0};
  double mean, sd, mn, med, mx;
  bench_time_stats(t, 5, &mean, &sd, &mn, &med, &mx);
  CHECK(mean == 3.0 && mn == 1.0 && mx == 5.0 && med == 3.0);
  CHECK(fabs(sd - sqrt(2.5)) < 1e-12); /* sample std of 1..5 */
  bench_time_stats(t4, 4, &mean, &sd, &mn, &med, &mx);
  CHECK(med == 2.5 && mean == 2.5 && mn == 1.0 && mx == 4.0);
  CHECK(fabs(sd - sqrt(5.0 / 3.0)) < 1e-12);
  bench_time_stats(one, 1, &mean, &sd, &mn, &med, &mx);
  CHECK(mean == 7.0 && sd == 0.0 && med == 7.0);
  bench_time_stats(one, 0, &mean, &sd, &mn, &med, &mx);
  CHECK(mean == 0.0 && med == 0.0);
}

static void test_auto_steps(void) {
  bench_config c;
  memset(&c, 0, sizeof c);
  c.num_envs = 1000;
  c.chunk = 64;
  c.target_s = 0.1;
  c.max_run_s = 0.5;
  c.min_steps = 2;
  /* 1e9 env-steps/s: 1e5 steps wanted, rounded up to whole chunks */
  CHECK(bench_auto_steps(&c, 1e9) == 100032);
  /* too few for a chunk but a chunk fits in max_run_s: one chunk */
  CHECK(bench_auto_steps(&c, 2e5) == 64);
  /* a chunk would exceed max_run_s: floor(0.5 * 1e4 / 1000) = 5 */
  CHECK(bench_auto_steps(&c, 1e4) == 5);
  /* never below min_steps */
  CHECK(bench_auto_steps(&c, 1e2) == 2);
  /* whole_chunks insists on a full chunk */
  c.whole_chunks = 1;
  CHECK(bench_auto_steps(&c, 1e2) == 64);
}

static void test_csv(const char* dir) {
  bench_csv csv;
  bench_result r;
  char path[512], tmp[600], field[64];
  char* text;
  memset(&r, 0, sizeof r);
  snprintf(path, sizeof path, "%s/out.csv", dir);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);

  /* quoting */
  CHECK(strcmp(bench_csv_field(field, sizeof field, "plain"), "plain") == 0);
  CHECK(strcmp(bench_csv_field(field, sizeof field, "a,b"), "\"a,b\"") == 0);
  CHECK(strcmp(bench_csv_field(field, sizeof field, "say \"hi\""),
               "\"say \"\"hi\"\"\"") == 0);

  /* header only after open */
  CHECK(bench_csv_open(&csv, path) == 0);
  text = slurp(path);
  CHECK(text != NULL && strcmp(text, bench_csv_header()) == 0);
  CHECK(strncmp(bench_csv_header(), "kind,env,num_envs,chunk,", 24) == 0);
  free(text);

  /* one row per add, the file rewritten whole (no .tmp left behind) */
  r.kind = "throughput";
  r.cfg.env = "cartpole-v1";
  r.cfg.num_envs = 1000;
  r.cfg.runs = 5;
  r.steps = 64;
  r.chunk = 64;
  r.threads = 2;
  r.has_time = 1;
  r.t_median = 0.5;
  r.steps_per_s = 128000;
  r.efficiency = -1;
  CHECK(bench_csv_add(&csv, &r) == 0);
  r.kind = "memory-envs";
  r.has_time = 0;
  r.efficiency = 1.0 / 3.0;
  CHECK(bench_csv_add(&csv, &r) == 0);
  CHECK(csv.rows == 2);
  CHECK(access(tmp, F_OK) != 0);
  text = slurp(path);
  CHECK(text != NULL && count_lines(text) == 3);
  if (text != NULL) {
    const char* row1 = strchr(text, '\n') + 1;
    const char* row2 = strchr(row1, '\n') + 1;
    CHECK(strncmp(row1, "throughput,cartpole-v1,1000,64,", 31) == 0);
    CHECK(strstr(row1, ",128000,") != NULL);
    /* the CPU model holds a comma and quotes: quoted, quotes doubled */
    CHECK(strstr(row1, ",\"Test CPU, \"\"fast\"\" edition\",") != NULL);
    /* a memory row leaves the time columns empty, keeps efficiency at
     * full precision (17 significant digits round-trip a double) */
    CHECK(strstr(row2, ",5,0,,,,,,,,0.33333333333333331,") != NULL);
    CHECK(strstr(text, "# partial") == NULL);
  }
  free(text);

  /* partial marker as the last line */
  CHECK(bench_csv_finish(&csv, 1) == 0);
  bench_csv_close(&csv);
  text = slurp(path);
  CHECK(text != NULL && count_lines(text) == 4);
  if (text != NULL) {
    const char* last = text + strlen(text) - 1;
    while (last > text && last[-1] != '\n') last--;
    CHECK(strncmp(last, "# partial", 9) == 0);
  }
  free(text);

  /* a complete run has no marker */
  CHECK(bench_csv_open(&csv, path) == 0);
  CHECK(bench_csv_finish(&csv, 0) == 0);
  bench_csv_close(&csv);
  text = slurp(path);
  CHECK(text != NULL && strstr(text, "# partial") == NULL);
  free(text);

  /* an unwritable path is an error, not a crash */
  errors_printed = 0;
  CHECK(bench_csv_open(&csv, "/nonexistent-dir/x.csv") != 0);
  CHECK(errors_printed > 0);
  bench_csv_close(&csv);
}

/* replace the first occurrence of `from` in the cache file with `to`,
 * keeping the (now wrong) checksum */
static void edit_cache(const char* path, const char* from, const char* to) {
  char* text = slurp(path);
  char out[8192];
  char* at;
  if (text == NULL) return;
  at = strstr(text, from);
  if (at != NULL) {
    *at = '\0';
    snprintf(out, sizeof out, "%s%s%s", text, to, at + strlen(from));
    write_text(path, out);
  }
  free(text);
}

/* recompute the checksum line of a hand-edited cache file */
static void resign_cache(const char* path) {
  char* text = slurp(path);
  char* sum;
  uint64_t h = 0xcbf29ce484222325ull;
  size_t i, n;
  char out[8192];
  if (text == NULL) return;
  sum = strstr(text, "checksum=");
  if (sum != NULL) {
    n = (size_t)(sum - text);
    for (i = 0; i < n; ++i) {
      h ^= (unsigned char)text[i];
      h *= 0x100000001b3ull;
    }
    *sum = '\0';
    snprintf(out, sizeof out, "%schecksum=fnv1a64:%016llx\n", text,
             (unsigned long long)h);
    write_text(path, out);
  }
  free(text);
}

static void test_tune_cache(const char* dir) {
  tune_entry e, got;
  char path[1200], why[512], text[4096];
  cli_opts o;
  int32_t cpus = myr_cpu_count();

  CHECK(setenv("XDG_CACHE_HOME", dir, 1) == 0);
  CHECK(tune_cache_path("cartpole", path, sizeof path) == 0);
  CHECK(strstr(path, "/myriad/tune-cartpole-v1.txt") != NULL);

  /* missing */
  CHECK(tune_load("cartpole-v1", &got, why, sizeof why) == TUNE_MISSING);

  /* fresh: save, load, apply */
  tune_key("cartpole", &e);
  CHECK(strcmp(e.env, "cartpole-v1") == 0);
  CHECK(strstr(e.build, "cc 1.0") != NULL && strstr(e.build, "abc123") != NULL);
  e.num_envs = 100000;
  e.threads = 1;
  e.block = 2048;
  e.chunk = 128;
  e.steps_per_s = 1.5e8;
  CHECK(tune_save(&e, path, sizeof path) == 0);
  CHECK(tune_load("cartpole", &got, why, sizeof why) == TUNE_FRESH);
  CHECK(got.threads == 1 && got.block == 2048 && got.chunk == 128 &&
        got.num_envs == 100000);
  memset(&o, 0, sizeof o);
  o.threads = 0;
  o.has_chunk = 1;
  o.chunk = 16; /* explicit: kept */
  tune_apply(&o, "cartpole-v1");
  CHECK(o.threads == 1 && o.block == 2048 && o.chunk == 16);

  /* round trip through the text */
  CHECK(tune_format(&e, text, sizeof text) > 0);
  CHECK(tune_parse(text, &got, why, sizeof why) == 0);

  /* stale: another CPU model */
  snprintf(cpu_model, sizeof cpu_model, "Another CPU");
  CHECK(tune_load("cartpole", &got, why, sizeof why) == TUNE_STALE);
  CHECK(strstr(why, "another CPU") != NULL);
  memset(&o, 0, sizeof o);
  tune_apply(&o, "cartpole");
  CHECK(o.threads == 0 && o.block == 0 && o.chunk == 0);
  snprintf(cpu_model, sizeof cpu_model, "Test CPU, \"fast\" edition");
  CHECK(tune_load("cartpole", &got, why, sizeof why) == TUNE_FRESH);

  /* stale: another build (re-signed, so only the key differs) */
  edit_cache(path, "abc123", "def456");
  resign_cache(path);
  CHECK(tune_load("cartpole", &got, why, sizeof why) == TUNE_STALE);
  CHECK(tune_save(&e, path, sizeof path) == 0);

  /* stale: more threads than this machine has (re-signed) */
  if (cpus < 1024) {
    char more[32];
    snprintf(more, sizeof more, "threads=%d", (int)cpus + 1);
    edit_cache(path, "threads=1", more);
    resign_cache(path);
    CHECK(tune_load("cartpole", &got, why, sizeof why) == TUNE_STALE);
    CHECK(tune_save(&e, path, sizeof path) == 0);
  }

  /* corrupt: a value changed without re-signing */
  edit_cache(path, "block=2048", "block=4096");
  CHECK(tune_load("cartpole", &got, why, sizeof why) == TUNE_CORRUPT);
  CHECK(strstr(why, "checksum") != NULL);
  memset(&o, 0, sizeof o);
  tune_apply(&o, "cartpole");
  CHECK(o.block == 0);

  /* corrupt: out-of-range values even with a valid checksum */
  CHECK(tune_save(&e, path, sizeof path) == 0);
  edit_cache(path, "threads=1", "threads=0");
  resign_cache(path);
  CHECK(tune_load("cartpole", &got, why, sizeof why) == TUNE_CORRUPT);
  CHECK(strstr(why, "out of range") != NULL);
  CHECK(tune_save(&e, path, sizeof path) == 0);
  edit_cache(path, "chunk=128", "chunk=99999999999");
  resign_cache(path);
  CHECK(tune_load("cartpole", &got, why, sizeof why) == TUNE_CORRUPT);
  CHECK(tune_save(&e, path, sizeof path) == 0);
  edit_cache(path, "steps_per_s=1.5e+08", "steps_per_s=-1");
  resign_cache(path);
  CHECK(tune_load("cartpole", &got, why, sizeof why) == TUNE_CORRUPT);

  /* corrupt: garbage, truncation, missing and unknown keys */
  write_text(path, "\x01\x02 not a cache\n");
  CHECK(tune_load("cartpole", &got, why, sizeof why) == TUNE_CORRUPT);
  CHECK(tune_format(&e, text, sizeof text) > 0);
  text[strlen(text) / 2] = '\0';
  write_text(path, text);
  CHECK(tune_load("cartpole", &got, why, sizeof why) == TUNE_CORRUPT);
  CHECK(tune_parse("format=1\nthreads=2\n", &got, why, sizeof why) != 0);
  CHECK(strstr(why, "missing") != NULL);
  CHECK(tune_parse("format=1\ncolour=blue\n", &got, why, sizeof why) != 0);
  CHECK(strstr(why, "unknown key") != NULL);
  CHECK(tune_parse("format=2\n", &got, why, sizeof why) != 0);
  CHECK(tune_parse("", &got, why, sizeof why) != 0);

  /* saving again repairs it */
  CHECK(tune_save(&e, path, sizeof path) == 0);
  CHECK(tune_load("cartpole", &got, why, sizeof why) == TUNE_FRESH);
  remove(path);
}

/* the progress line fits any terminal width without reaching the last
 * column; wide terminals get the bar and the step counts */
static void test_progress_line(void) {
  static const int widths[] = {1, 10, 20, 40, 60, 80, 100, 132, 400};
  char line[512];
  size_t i;
  for (i = 0; i < sizeof widths / sizeof widths[0]; ++i) {
    size_t n = cli_progress_line(line, sizeof line, widths[i], 123456789012LL,
                                 999999999999LL, 9.87e11, 12345.6);
    CHECK_MSG(n == strlen(line) && (int)n <= widths[i] - 1 + (widths[i] < 2),
              "width %d: %zu characters: '%s'", widths[i], n, line);
    CHECK(strchr(line, '\n') == NULL);
  }
  cli_progress_line(line, sizeof line, 80, 25000, 50000, 8.7e8, 3.2);
  CHECK_MSG(strstr(line, "[") != NULL && strstr(line, "step 25000/50000") != NULL &&
            strstr(line, "50.0%") != NULL, "'%s'", line);
  /* not a terminal: the whole text, no bar */
  cli_progress_line(line, sizeof line, 0, 25000, 50000, 8.7e8, 3.2);
  CHECK(strstr(line, "[") == NULL && strstr(line, "ETA") != NULL);
}

int main(void) {
  char dir[] = "/tmp/myriad-bench-unit-XXXXXX";
  char cmd[600];
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 1;
  }
  test_stats();
  test_auto_steps();
  test_csv(dir);
  test_tune_cache(dir);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  test_progress_line();
  return check_summary("test_bench_unit");
}
