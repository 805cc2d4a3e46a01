/*
 * `myriad run --record DIR`: complete .npy files with the right shapes;
 * an interrupted run keeps what was recorded as *.partial.npy with a
 * consistent header; a full disk (file size limit) is reported, and no
 * truncated file ever looks complete.
 */
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

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

static int run(const char* cmd) {
  int status = system(cmd);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void) {
  char dir[] = "/tmp/myriad-record-XXXXXX";
  char cmd[1024], path[1200];
  long dims[3];
  CHECK(mkdtemp(dir) != NULL);

  /* complete recording */
  snprintf(cmd, sizeof cmd, MYR_CLI " run --num-envs 100 --steps 50 --chunk 8 "
           "--record %s/full >/dev/null", dir);
  CHECK(run(cmd) == 0);
  snprintf(path, sizeof path, "%s/full/obs.npy", dir);
  CHECK(npy_shape(path, dims) == 3 && dims[0] == 50 && dims[1] == 100 && dims[2] == 4);
  CHECK(file_size(path) == 128 + 50 * 100 * 4 * 4);
  snprintf(path, sizeof path, "%s/full/terminated.npy", dir);
  CHECK(npy_shape(path, dims) >= 2 && dims[0] == 50 && file_size(path) == 128 + 5000);
  snprintf(path, sizeof path, "%s/full/obs.npy.tmp", dir);
  CHECK(file_size(path) < 0);

  /* interrupted: SIGINT while recording */
  {
    pid_t pid = fork();
    if (pid == 0) {
      char out[600];
      snprintf(out, sizeof out, "%s/cut", dir);
      freopen("/dev/null", "w", stdout);
      freopen("/dev/null", "w", stderr);
      execl(MYR_CLI, MYR_CLI, "run", "--num-envs", "1000", "--steps",
            "100000000", "--chunk", "16", "--record", out, (char*)NULL);
      _exit(127);
    } else {
      int status = 0, k;
      snprintf(path, sizeof path, "%s/cut/reward.npy.tmp", dir);
      for (k = 0; k < 200 && file_size(path) < 128 + 64000; ++k) usleep(20000);
      kill(pid, SIGINT);
      waitpid(pid, &status, 0);
      CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
      snprintf(path, sizeof path, "%s/cut/reward.partial.npy", dir);
      CHECK(npy_shape(path, dims) == 2 && dims[0] > 0 && dims[1] == 1000);
      CHECK(file_size(path) == 128 + dims[0] * 1000 * 4);
      snprintf(path, sizeof path, "%s/cut/reward.npy", dir);
      CHECK(file_size(path) < 0); /* nothing that looks complete */
      snprintf(path, sizeof path, "%s/cut/reward.npy.tmp", dir);
      CHECK(file_size(path) < 0);
    }
  }

  /* full disk: a 64 KiB file size limit makes the writes fail */
  snprintf(cmd, sizeof cmd, "bash -c \"trap '' XFSZ; ulimit -f 64; exec " MYR_CLI
           " run --num-envs 1000 --steps 100 --chunk 10 --record %s/full-disk\" "
           ">/dev/null 2>%s/err.txt", dir, dir);
  CHECK(run(cmd) == 1);
  snprintf(path, sizeof path, "%s/full-disk/obs.npy", dir);
  CHECK(file_size(path) < 0);
  {
    char err[512] = {0};
    FILE* f;
    snprintf(path, sizeof path, "%s/err.txt", dir);
    f = fopen(path, "r");
    if (f != NULL) {
      size_t n = fread(err, 1, sizeof err - 1, f);
      err[n] = '\0';
      fclose(f);
    }
    CHECK_MSG(strstr(err, "failed") != NULL, "stderr: %s", err);
  }
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(run(cmd) == 0);
  return check_summary("test_record");
}
