/*
 * Fuzz target: command-line option parsing (cli_parse) with every option
 * accepted; the input is split into arguments at newlines.
 */
#include <stdio.h>

#include "../cli/cli.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  char text[FUZZ_MAX_TEXT];
  char* argv[64];
  int argc = 0;
  size_t n = fuzz_text(data, size, text), i;
  cli_opts o;
  char* start = text;
  for (i = 0; i <= n && argc < 64; ++i) {
    if (text[i] == '\n' || text[i] == '\0') {
      text[i] = '\0';
      argv[argc++] = start;
      start = text + i + 1;
    }
  }
  cli_opts_init(&o, "fuzz");
  (void)cli_parse(&o, argc, argv, 0xFFFFFFFFu, "");
  return 0;
}
