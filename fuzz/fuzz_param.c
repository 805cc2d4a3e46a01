/*
 * Fuzz target: parameter strings ("key=value", "key=uniform(lo,hi)",
 * "key=lognormal(loc,scale)"), the precision and autoreset names, and a
 * batch created with whatever parsed.
 */
#include "fuzz_common.h"
#include "myriad/myriad.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  char text[FUZZ_MAX_TEXT];
  char name[64];
  myr_param_setting s;
  myr_precision p;
  myr_autoreset m;
  int32_t e;
  fuzz_text(data, size, text);
  (void)myr_precision_parse(text, &p);
  (void)myr_autoreset_parse(text, &m);
  if (myr_param_parse(text, &s, name, sizeof name) != MYR_OK) return 0;
  for (e = 0; e < myr_env_count(); ++e) {
    myr_batch_def def = myr_batch_def_default();
    myr_batch* b = NULL;
    def.threads = 1;
    def.num_params = 1;
    def.params = &s;
    if (myr_batch_create(myr_env_at(e)->id, 3, &def, &b) == MYR_OK) {
      myr_rollout_def rd = myr_rollout_def_default();
      rd.steps = 2;
      (void)myr_batch_rollout(b, &rd, NULL);
      myr_batch_destroy(b);
    }
  }
  return 0;
}
