/*
 * bench_compare.c -- `myriad bench compare`: the library comparison lives in
 * bench/compare.py because its peers (Gymnasium, gymnax, EnvPool) are
 * Python libraries.  This runs that script with the interpreter and source
 * tree recorded at build time (MYR_PYTHON, MYR_SOURCE_DIR), pointing it at
 * this build's libmyriad.so (MYRIAD_LIB) and this executable (MYRIAD_CLI)
 * unless the caller set those already.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_compare.h"
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

int cli_bench_compare(int argc, char** argv) {
  static char python[] = MYR_PYTHON;
  char script[4096], self[4096];
  char** args;
  ssize_t len;
  int i;

  /* the script, this build's library and this executable */
  snprintf(script, sizeof script, "%s/bench/compare.py", MYR_SOURCE_DIR);
  if (access(script, R_OK) != 0) {
    cli_error("bench compare: cannot read '%s': %s", script, strerror(errno));
    return CLI_EXIT_FAIL;
  }
  if (getenv("MYRIAD_LIB") == NULL && MYR_SHARED_LIB[0] != '\0' &&
      access(MYR_SHARED_LIB, R_OK) == 0)
    setenv("MYRIAD_LIB", MYR_SHARED_LIB, 1);
  len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (getenv("MYRIAD_CLI") == NULL && len > 0) {
    self[len] = '\0';
    setenv("MYRIAD_CLI", self, 1);
  }

  /* python compare.py ARGS...: the script's exit code becomes ours */
  args = (char**)malloc(sizeof *args * (size_t)(argc + 3));
  if (args == NULL) {
    cli_error("bench compare: out of memory");
    return CLI_EXIT_FAIL;
  }
  args[0] = python;
  args[1] = script;
  for (i = 0; i < argc; ++i) args[i + 2] = argv[i];
  args[argc + 2] = NULL;
  fflush(stdout);
  fflush(stderr);
  execv(python, args);
  cli_error("bench compare: cannot run '%s': %s", python, strerror(errno));
  free(args);
  return CLI_EXIT_FAIL;
}
