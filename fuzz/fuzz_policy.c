/*
 * Fuzz target: policy specs ("random", "constant:<a>", and whatever other
 * built-in policies parse) against every environment; a spec that parses
 * must also run a short fused rollout.
 */
#include "fuzz_common.h"
#include "myriad/myriad.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  char text[FUZZ_MAX_TEXT];
  int32_t e;
  fuzz_text(data, size, text);
  for (e = 0; e < myr_env_count(); ++e) {
    const myr_env_info* info = myr_env_at(e);
    if (myr_policy_check(info, text) == MYR_OK) {
      myr_batch_def def = myr_batch_def_default();
      myr_batch* b = NULL;
      def.threads = 1;
      if (myr_batch_create(info->id, 5, &def, &b) == MYR_OK) {
        myr_rollout_def rd = myr_rollout_def_default();
        rd.steps = 3;
        rd.policy = text;
        (void)myr_batch_rollout(b, &rd, NULL);
        myr_batch_destroy(b);
      }
    }
  }
  return 0;
}
