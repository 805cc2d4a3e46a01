/*
 * safefile.c -- how the command writes files that others may watch or
 * attack: results are written to a new temporary file beside their final
 * name (NAME.XXXXXX.tmp), created with O_CREAT|O_EXCL (mkstemps: a planted
 * symlink or file of that name makes the creation fail instead of being
 * followed), synced to disk, and renamed over the final name only while that name is absent or
 * a regular file (never over a FIFO, a device, a directory or a symlink).
 * A path that several processes could write at once is guarded by an
 * advisory lock (flock, released when the process dies, so a crash leaves
 * no stale lock behind).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_check_replaceable(const char* what, const char* path) {
  struct stat st;
  if (lstat(path, &st) != 0) {
    if (errno == ENOENT) return 0;
    cli_error("%s: cannot inspect '%s': %s", what, path, strerror(errno));
    return -1;
  }
  if (S_ISREG(st.st_mode)) return 0;
  cli_error("%s: '%s' exists and is not a regular file (%s); not replaced", what,
            path, S_ISLNK(st.st_mode)    ? "a symbolic link"
                  : S_ISFIFO(st.st_mode) ? "a FIFO"
                  : S_ISDIR(st.st_mode)  ? "a directory"
                  : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                               : "not a file");
  return -1;
}

int cli_tmp_open(const char* what, const char* path, char* tmp, size_t size) {
  int fd;
  mode_t mask;
  if ((size_t)snprintf(tmp, size, "%s.XXXXXX.tmp", path) >= size) {
    cli_error("%s: path too long: '%s'", what, path);
    return -1;
  }
  fd = mkstemps(tmp, 4);
  if (fd < 0) {
    cli_error("%s: cannot create a temporary file beside '%s': %s", what, path,
              strerror(errno));
    return -1;
  }
  /* mkstemps makes 0600; results get the usual 0666 less the umask (if
   * that fails the file merely stays private) */
  mask = umask(0);
  umask(mask);
  (void)fchmod(fd, 0666 & ~mask);
  return fd;
}

int cli_publish(const char* what, int fd, const char* tmp, const char* path) {
  int bad = 0;
  if (fd >= 0) {
    if (fsync(fd) != 0) bad = errno;
    if (close(fd) != 0 && bad == 0) bad = errno;
  }
  if (bad != 0) {
    cli_error("%s: writing '%s' failed: %s", what, path, strerror(bad));
    unlink(tmp);
    return -1;
  }
  if (cli_check_replaceable(what, path) != 0) {
    unlink(tmp);
    return -1;
  }
  if (rename(tmp, path) != 0) {
    cli_error("%s: cannot rename '%s' to '%s': %s", what, tmp, path,
              strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

int cli_write_atomic(const char* what, const char* path, const void* data,
                     size_t len) {
  char tmp[1200];
  const char* p = (const char*)data;
  int fd;
  if (cli_check_replaceable(what, path) != 0) return -1;
  if ((fd = cli_tmp_open(what, path, tmp, sizeof tmp)) < 0) return -1;
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      cli_error("%s: writing '%s' failed: %s", what, path,
                w < 0 ? strerror(errno) : "no space written");
      close(fd);
      unlink(tmp);
      return -1;
    }
    p += w;
    len -= (size_t)w;
  }
  return cli_publish(what, fd, tmp, path);
}

int cli_lock(const char* what, const char* path, int directory) {
  int fd = directory ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                     : open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) {
    cli_error("%s: cannot open '%s' for locking: %s", what, path,
              strerror(errno));
    return -1;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    close(fd);
    if (e == EWOULDBLOCK)
      cli_error("%s: '%s' is in use by another myriad process; wait for it or "
                "choose another path", what, path);
    else
      cli_error("%s: cannot lock '%s': %s", what, path, strerror(e));
    return -1;
  }
  return fd;
}

void cli_unlock(int fd, const char* remove_path) {
  if (fd < 0) return;
  if (remove_path != NULL) unlink(remove_path);
  close(fd);
}
