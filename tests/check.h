/*
 * check.h -- a minimal test harness: CHECK() records a failure with file
 * and line and goes on; main() returns check_summary(), which prints
 * "N passed, N failed" and returns non-zero if anything failed.
 */
#ifndef MYR_TESTS_CHECK_H
#define MYR_TESTS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed_ = 0;
static int check_failed_ = 0;

#define CHECK(cond)                                                       \
  do {                                                                    \
    if (cond) {                                                           \
      check_passed_++;                                                    \
    } else {                                                              \
      check_failed_++;                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,    \
              #cond);                                                     \
    }                                                                     \
  } while (0)

#define CHECK_MSG(cond, ...)                                              \
  do {                                                                    \
    if (cond) {                                                           \
      check_passed_++;                                                    \
    } else {                                                              \
      check_failed_++;                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__,    \
              #cond);                                                     \
      fprintf(stderr, __VA_ARGS__);                                       \
      fputc('\n', stderr);                                                \
    }                                                                     \
  } while (0)

/* a call that must return MYR_OK; prints the library's message if not */
#define CHECK_OK(call)                                                    \
  do {                                                                    \
    int check_rc_ = (call);                                               \
    CHECK_MSG(check_rc_ == 0, "%s -> %d (%s)", #call, check_rc_,          \
              myr_last_error());                                          \
  } while (0)

static int check_summary(const char* name) {
  printf("%s: %d passed, %d failed\n", name, check_passed_, check_failed_);
  return check_failed_ == 0 ? 0 : 1;
}

#endif
