/*
 * Fuzz target: environment ids and aliases, through the lookup and through
 * batch creation.
 */
#include "fuzz_common.h"
#include "myriad/myriad.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  char text[FUZZ_MAX_TEXT];
  myr_batch* b = NULL;
  myr_batch_def def = myr_batch_def_default();
  fuzz_text(data, size, text);
  (void)myr_env_find(text);
  def.threads = 1;
  if (myr_batch_create(text, 2, &def, &b) == MYR_OK) myr_batch_destroy(b);
  return 0;
}
