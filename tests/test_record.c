/*
 * `myriad run --record DIR`: complete .npy files with the right shapes and
 * a manifest written last; an interrupted run keeps what was recorded as
 * *.partial.npy with a header that matches the data; a full disk (file size
 * limit) is reported and leaves partial files that agree with their
 * headers; a directory is one owned unit: an earlier recording is refused
 * unless --force, a second run into a directory being recorded fails, and
 * planted symlinks are never followed.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "shell.h"

static char dir[] = "/tmp/myriad-record-XXXXXX";

static long file_size(const char* path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* the shape tuple of a .npy header, e.g. "(50, 100, 4)" */
static int npy_shape(const char* path, long dims[3]) {
  char head[129];
  FILE* f = fopen(path, "rb");
  const char* p;
  size_t n;
  if (f == NULL) return -1;
  n = fread(head, 1, 128, f);
  fclose(f);
  head[n] = '\0';
  if (n != 128 || memcmp(head, "\x93NUMPY", 6) != 0) return -1;
  p = strstr(head + 10, "'shape': (");
  if (p == NULL) return -1;
  dims[0] = dims[1] = dims[2] = 0;
  return sscanf(p + 10, "%ld, %ld, %ld", &dims[0], &dims[1], &dims[2]);
}

/* entries of d whose names end with suffix (and start with prefix) */
static int count_files(const char* d, const char* prefix, const char* suffix,
                       char* first, size_t size) {
  DIR* h = opendir(d);
  struct dirent* e;
  int n = 0;
  if (h == NULL) return 0;
  while ((e = readdir(h)) != NULL) {
    size_t k = strlen(e->d_name), s = strlen(suffix);
    if (strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
    if (k < s || strcmp(e->d_name + k - s, suffix) != 0) continue;
    if (n++ == 0 && first != NULL) snprintf(first, size, "%s/%s", d, e->d_name);
  }
  closedir(h);
  return n;
}

static void test_complete(void) {
  char cmd[1024], path[1200], out[8192];
  char* text;
  long dims[3];
  snprintf(cmd, sizeof cmd, MYR_CLI " run --num-envs 100 --steps 50 --chunk 8 "
           "--seed 7 --record %s/full", dir);
  CHECK(sh_capture(cmd, out, sizeof out) == 0);
  /* the run says what it wrote */
  CHECK_MSG(strstr(out, "recorded") != NULL && strstr(out, "obs.npy") != NULL &&
            strstr(out, "(50, 100, 4)") != NULL && strstr(out, "manifest.json") != NULL,
            "%s", out);
  snprintf(path, sizeof path, "%s/full/obs.npy", dir);
  CHECK(npy_shape(path, dims) == 3 && dims[0] == 50 && dims[1] == 100 && dims[2] == 4);
  CHECK(file_size(path) == 128 + 50 * 100 * 4 * 4);
  snprintf(path, sizeof path, "%s/full/terminated.npy", dir);
  CHECK(npy_shape(path, dims) >= 2 && dims[0] == 50 && file_size(path) == 128 + 5000);
  snprintf(path, sizeof path, "%s/full", dir);
  CHECK(count_files(path, "", ".tmp", NULL, 0) == 0);
  snprintf(path, sizeof path, "%s/full/manifest.json", dir);
  text = slurp(path);
  CHECK_MSG(text != NULL && strstr(text, "\"complete\": true") != NULL &&
            strstr(text, "\"seed\": 7") != NULL &&
            strstr(text, "\"env\": \"cartpole-v1\"") != NULL &&
            strstr(text, "\"shape\": [50, 100, 4]") != NULL &&
            strstr(text, "\"revision\"") != NULL, "%s", text ? text : "(none)");
  free(text);
}

/* an earlier recording is refused (exit 2, nothing changed) unless --force */
static void test_reuse(void) {
  char cmd[1024], path[1200], out[8192];
  long dims[3];
  snprintf(cmd, sizeof cmd, MYR_CLI " run --num-envs 100 --steps 20 --record %s/full",
           dir);
  CHECK(sh_capture(cmd, out, sizeof out) == 2);
  CHECK_MSG(strstr(out, "already holds a recording") != NULL &&
            strstr(out, "--force") != NULL, "%s", out);
  snprintf(path, sizeof path, "%s/full/obs.npy", dir);
  CHECK(npy_shape(path, dims) == 3 && dims[0] == 50);
  snprintf(cmd, sizeof cmd, MYR_CLI " run --num-envs 100 --steps 20 --record %s/full "
           "--force", dir);
  CHECK(sh_capture(cmd, out, sizeof out) == 0);
  CHECK(npy_shape(path, dims) == 3 && dims[0] == 20);
  /* a lone stale file of a killed run (a *.npy.XXXXXX.tmp or partial) also
   * counts as an earlier recording */
  snprintf(cmd, sizeof cmd, "mkdir -p %s/stale && echo x > %s/stale/obs.npy.Ab12Cd.tmp",
           dir, dir);
  CHECK(sh(cmd) == 0);
  snprintf(cmd, sizeof cmd, MYR_CLI " run --num-envs 10 --steps 5 --record %s/stale", dir);
  CHECK(sh_capture(cmd, out, sizeof out) == 2 && strstr(out, "obs.npy.Ab12Cd.tmp") != NULL);
  snprintf(cmd, sizeof cmd, MYR_CLI " run --num-envs 10 --steps 5 --record %s/stale "
           "--force", dir);
  CHECK(sh_capture(cmd, out, sizeof out) == 0);
  snprintf(path, sizeof path, "%s/stale", dir);
  CHECK(count_files(path, "", ".tmp", NULL, 0) == 0);
  /* other files in the directory are the user's: kept */
  snprintf(cmd, sizeof cmd, "echo mine > %s/stale/notes.txt && " MYR_CLI
           " run --num-envs 10 --steps 5 --record %s/stale --force >/dev/null && "
           "grep -q mine %s/stale/notes.txt", dir, dir, dir);
  CHECK(sh(cmd) == 0);
}

/* planted links: never followed, the file they point at stays as it was */
static void test_symlinks(void) {
  char cmd[2048], out[8192];
  snprintf(cmd, sizeof cmd, "mkdir -p %s/trap && echo precious > %s/victim && "
           "ln -s %s/victim %s/trap/obs.npy && ln -s %s/victim %s/trap/reward.npy.tmp",
           dir, dir, dir, dir, dir, dir);
  CHECK(sh(cmd) == 0);
  snprintf(cmd, sizeof cmd, MYR_CLI " run --num-envs 10 --steps 5 --record %s/trap", dir);
  CHECK(sh_capture(cmd, out, sizeof out) == 2);
  snprintf(cmd, sizeof cmd, MYR_CLI " run --num-envs 10 --steps 5 --record %s/trap "
           "--force", dir);
  CHECK(sh_capture(cmd, out, sizeof out) == 0);
  snprintf(cmd, sizeof cmd, "test \"$(cat %s/victim)\" = precious && test -f "
           "%s/trap/obs.npy && test ! -L %s/trap/obs.npy", dir, dir, dir);
  CHECK_MSG(sh(cmd) == 0, "a planted link was followed or kept");
  /* --record naming a file, not a directory */
  snprintf(cmd, sizeof cmd, MYR_CLI " run --num-envs 10 --steps 5 --record %s/victim",
           dir);
  CHECK(sh_capture(cmd, out, sizeof out) == 2 && strstr(out, "not a directory") != NULL);
  CHECK(sh("test \"$(cat %s/victim)\" = precious", dir) == 0);
}

/* a directory being recorded is locked: a second run fails at once (exit 1)
 * and the first one's files are untouched */
static void test_lock(void) {
  char cmd[2048], path[1200], out[8192];
  int fd;
  snprintf(path, sizeof path, "%s/locked", dir);
  CHECK(mkdir(path, 0777) == 0);
  fd = open(path, O_RDONLY | O_DIRECTORY);
  CHECK(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0);
  snprintf(cmd, sizeof cmd, MYR_CLI " run --num-envs 10 --steps 5 --record %s", path);
  CHECK(sh_capture(cmd, out, sizeof out) == 1);
  CHECK_MSG(strstr(out, "in use by another myriad process") != NULL, "%s", out);
  CHECK(count_files(path, "", "", NULL, 0) == 2); /* . and .. */
  close(fd);
  CHECK(sh_capture(cmd, out, sizeof out) == 0);
}

static void test_interrupt(void) {
  char path[1200], tmp[1200];
  long dims[3];
  pid_t pid = fork();
  if (pid == 0) {
    char out[600];
    snprintf(out, sizeof out, "%s/cut", dir);
    if (freopen("/dev/null", "w", stdout) == NULL ||
        freopen("/dev/null", "w", stderr) == NULL)
      _exit(126);
    execl(MYR_CLI, MYR_CLI, "run", "--num-envs", "1000", "--steps",
          "100000000", "--chunk", "16", "--record", out, (char*)NULL);
    _exit(127);
  } else {
    int status = 0, k;
    snprintf(path, sizeof path, "%s/cut", dir);
    for (k = 0; k < 400; ++k) {
      if (count_files(path, "reward.npy.", ".tmp", tmp, sizeof tmp) == 1 &&
          file_size(tmp) >= 128 + 64000)
        break;
      usleep(10000);
    }
    kill(pid, SIGINT);
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    snprintf(path, sizeof path, "%s/cut/reward.partial.npy", dir);
    CHECK(npy_shape(path, dims) == 2 && dims[0] > 0 && dims[1] == 1000);
    CHECK(file_size(path) == 128 + dims[0] * 1000 * 4);
    snprintf(path, sizeof path, "%s/cut/reward.npy", dir);
    CHECK(file_size(path) < 0); /* nothing that looks complete */
    snprintf(path, sizeof path, "%s/cut", dir);
    CHECK(count_files(path, "", ".tmp", NULL, 0) == 0);
    snprintf(path, sizeof path, "%s/cut/manifest.json", dir);
    CHECK(sh("grep -q '\"complete\": false' %s", path) == 0);
  }
}

/* full disk: a 64 KiB file size limit makes the writes fail; every partial
 * file holds exactly the rows its header names, the same rows in each */
static void test_full_disk(void) {
  char cmd[1024], path[1200];
  char* err;
  long dims[3], rows = -1;
  int k;
  static const char* const names[] = {"obs", "action", "reward", "terminated",
                                      "truncated"};
  static const long row_bytes[] = {1000 * 16, 1000 * 4, 1000 * 4, 1000, 1000};
  snprintf(cmd, sizeof cmd, "bash -c \"trap '' XFSZ; ulimit -f 64; exec " MYR_CLI
           " run --num-envs 1000 --steps 100 --chunk 1 --record %s/full-disk\" "
           ">/dev/null 2>%s/err.txt", dir, dir);
  CHECK(sh(cmd) == 1);
  snprintf(path, sizeof path, "%s/full-disk/obs.npy", dir);
  CHECK(file_size(path) < 0);
  snprintf(path, sizeof path, "%s/err.txt", dir);
  err = slurp(path);
  CHECK_MSG(err != NULL && strstr(err, "failed") != NULL, "stderr: %s", err ? err : "");
  free(err);
  for (k = 0; k < 5; ++k) {
    snprintf(path, sizeof path, "%s/full-disk/%s.partial.npy", dir, names[k]);
    CHECK_MSG(npy_shape(path, dims) >= 2, "%s", path);
    if (rows < 0) rows = dims[0];
    CHECK_MSG(dims[0] == rows, "%s: %ld rows, obs has %ld", names[k], dims[0], rows);
    CHECK_MSG(file_size(path) == 128 + dims[0] * row_bytes[k],
              "%s: %ld bytes for %ld rows", names[k], file_size(path), dims[0]);
  }
  /* 64 KiB hold 4 whole steps of obs (128 + 4 x 16,000 bytes) */
  CHECK_MSG(rows == 4, "%ld whole steps kept", rows);
}

int main(void) {
  CHECK(mkdtemp(dir) != NULL);
  test_complete();
  test_reuse();
  test_symlinks();
  test_lock();
  test_interrupt();
  test_full_disk();
  if (check_failed_ == 0) sh("rm -rf %s", dir);
  else fprintf(stderr, "files kept in %s\n", dir);
  return check_summary("test_record");
}
