/*
 * render.c -- `myriad render`: one env stepped with a built-in policy,
 * written as a GIF or an MP4.  The frames are drawn by the Python package
 * (python/myriad/render.py, with NumPy) and written by Pillow or ffmpeg,
 * so this runs the package's movie module (python -m myriad.movie) with
 * the arguments passed through, as `bench compare` runs bench/compare.py:
 *
 *   the package   next to this executable when it is the one a pip install
 *                 ships (myriad/_bin/myriad), else the source tree's
 *                 python/myriad (MYR_SOURCE_DIR, recorded at build time)
 *   the Python    MYRIAD_PYTHON if set, else the one recorded at build
 *                 time (MYR_PYTHON, which has NumPy)
 *   the library   MYRIAD_LIB if set, else the package's libmyriad.so, else
 *                 this build's (MYR_SHARED_LIB)
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifndef MYR_SOURCE_DIR
#  define MYR_SOURCE_DIR "."
#endif
#ifndef MYR_PYTHON
#  define MYR_PYTHON "/usr/bin/python3"
#endif
#ifndef MYR_SHARED_LIB
#  define MYR_SHARED_LIB ""
#endif

static int readable(const char* dir, const char* file) {
  char p[PATH_MAX + 64];
  snprintf(p, sizeof p, "%s/%s", dir, file);
  return access(p, R_OK) == 0;
}

/* the directory holding the myriad package (put on PYTHONPATH) and the
 * package's own libmyriad.so, if any; 0 when found */
static int find_package(char* parent, size_t cap, char* lib, size_t libcap) {
  char self[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  lib[0] = '\0';
  if (len > 0) {
    /* .../site-packages/myriad/_bin/myriad -> .../site-packages */
    char* cut;
    int up;
    self[len] = '\0';
    for (up = 0; up < 2; ++up) {
      cut = strrchr(self, '/');
      if (cut == NULL) break;
      *cut = '\0';
    }
    if (up == 2 && readable(self, "movie.py") && readable(self, "__init__.py")) {
      if (readable(self, "libmyriad.so"))
        snprintf(lib, libcap, "%s/libmyriad.so", self);
      cut = strrchr(self, '/');
      if (cut != NULL) {
        *cut = '\0';
        snprintf(parent, cap, "%s", self[0] ? self : "/");
        return 0;
      }
    }
  }
  snprintf(parent, cap, "%s/python", MYR_SOURCE_DIR);
  {
    char pkg[PATH_MAX + 16];
    snprintf(pkg, sizeof pkg, "%s/myriad", parent);
    if (readable(pkg, "movie.py")) return 0;
  }
  return -1;
}

int cli_cmd_render(int argc, char** argv) {
  static char module_flag[] = "-m", module[] = "myriad.movie";
  char parent[PATH_MAX], lib[PATH_MAX + 16], self[PATH_MAX];
  const char* python = getenv("MYRIAD_PYTHON");
  const char* old_path = getenv("PYTHONPATH");
  char* path;
  char** args;
  size_t n;
  ssize_t len;
  int i;

  if (python == NULL || python[0] == '\0') python = MYR_PYTHON;
  if (find_package(parent, sizeof parent, lib, sizeof lib) != 0) {
    cli_error("render: cannot find the Python package (%s/myriad/movie.py)",
              parent);
    return CLI_EXIT_FAIL;
  }
  /* PYTHONPATH=<parent>[:old] */
  n = strlen(parent) + (old_path ? strlen(old_path) + 1 : 0) + 1;
  path = (char*)malloc(n);
  if (path == NULL) {
    cli_error("render: out of memory");
    return CLI_EXIT_FAIL;
  }
  if (old_path != NULL && old_path[0] != '\0')
    snprintf(path, n, "%s:%s", parent, old_path);
  else
    snprintf(path, n, "%s", parent);
  setenv("PYTHONPATH", path, 1);
  free(path);
  if (getenv("MYRIAD_LIB") == NULL) {
    if (lib[0] != '\0')
      setenv("MYRIAD_LIB", lib, 1);
    else if (MYR_SHARED_LIB[0] != '\0' && access(MYR_SHARED_LIB, R_OK) == 0)
      setenv("MYRIAD_LIB", MYR_SHARED_LIB, 1);
  }
  len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (getenv("MYRIAD_CLI") == NULL && len > 0) {
    self[len] = '\0';
    setenv("MYRIAD_CLI", self, 1);
  }

  /* python -m myriad.movie ARGS...: its exit code becomes ours */
  args = (char**)malloc(sizeof *args * (size_t)(argc + 4));
  if (args == NULL) {
    cli_error("render: out of memory");
    return CLI_EXIT_FAIL;
  }
  args[0] = (char*)python;
  args[1] = module_flag;
  args[2] = module;
  for (i = 0; i < argc; ++i) args[i + 3] = argv[i];
  args[argc + 3] = NULL;
  fflush(stdout);
  fflush(stderr);
  execv(python, args);
  cli_error("render: cannot run '%s': %s (MYRIAD_PYTHON chooses another "
            "Python, one with NumPy)", python, strerror(errno));
  free(args);
  return CLI_EXIT_FAIL;
}
