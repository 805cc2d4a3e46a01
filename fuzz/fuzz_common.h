/*
 * fuzz_common.h -- turn a fuzzer's byte buffer into a NUL-terminated
 * string (bounded), shared by the libFuzzer targets.
 */
#ifndef MYR_FUZZ_COMMON_H
#define MYR_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FUZZ_MAX_TEXT 4096

static size_t fuzz_text(const uint8_t* data, size_t size, char* out) {
  size_t n = size < FUZZ_MAX_TEXT - 1 ? size : FUZZ_MAX_TEXT - 1;
  memcpy(out, data, n);
  out[n] = '\0';
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

#endif
