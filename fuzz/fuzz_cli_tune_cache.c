/*
 * Fuzz target: the tune cache file parser (tune_parse, the function
 * tune_load applies to a cache file's text).  An entry that parses is
 * written back with tune_format and must parse again to the same values.
 */
#include <stdlib.h>

#include "../cli/tune.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  char text[FUZZ_MAX_TEXT], again[FUZZ_MAX_TEXT], why[256];
  tune_entry e, f;
  fuzz_text(data, size, text);
  if (tune_parse(text, &e, why, sizeof why) != 0) {
    if (why[0] == '\0') abort(); /* a rejection always says why */
    return 0;
  }
  /* in range, as validated */
  if (e.num_envs < 1 || e.num_envs > MYR_MAX_ENVS || e.threads < 1 ||
      e.threads > 1024 || e.block < 1 || e.chunk < 1 || !(e.steps_per_s > 0))
    abort();
  if (tune_format(&e, again, sizeof again) < 0) abort();
  if (tune_parse(again, &f, why, sizeof why) != 0) abort();
  if (strcmp(e.cpu, f.cpu) != 0 || strcmp(e.env, f.env) != 0 ||
      strcmp(e.build, f.build) != 0 || e.num_envs != f.num_envs ||
      e.threads != f.threads || e.block != f.block || e.chunk != f.chunk)
    abort();
  return 0;
}
