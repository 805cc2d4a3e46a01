/*
 * shell.h -- helpers of the tests that drive the myriad command: run a
 * formatted shell command, run one and capture its output, read a file.
 * static inline, so a test includes what it uses without warnings.
 */
#ifndef MYR_TESTS_SHELL_H
#define MYR_TESTS_SHELL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/* system() of a printf-formatted command; its exit code, -1 if it did not
 * exit normally */
static inline int sh(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int sh(const char* fmt, ...) {
  char cmd[4096];
  va_list ap;
  int st;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* run cmd, capture its stdout and stderr into out (NUL-terminated); its
 * exit code, -1 if it did not exit normally */
static inline int sh_capture(const char* cmd, char* out, size_t size) {
  char full[4096];
  FILE* p;
  size_t n = 0;
  int status;
  snprintf(full, sizeof full, "%s 2>&1", cmd);
  p = popen(full, "r");
  if (p == NULL) return -1;
  while (n + 1 < size) {
    size_t r = fread(out + n, 1, size - 1 - n, p);
    if (r == 0) break;
    n += r;
  }
  out[n] = '\0';
  status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* a whole file as a NUL-terminated string (caller frees), NULL if absent */
static inline char* slurp(const char* path) {
  FILE* f = fopen(path, "rb");
  char* s;
  long n;
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  s = (char*)calloc((size_t)n + 1, 1);
  if (s != NULL && fread(s, 1, (size_t)n, f) != (size_t)n) s[0] = '\0';
  fclose(f);
  return s;
}

#endif
