/*
 * Fuzz target: the reaction-network model loader (SBML text through
 * libSBML, the checks and the MathML compiler), then a batch of the model
 * stepped a few times.  Input: SBML text; an optional second part after a
 * line "--" is the observe option ("A, B/2"), and a third after another
 * such line the input option (a parameter or a species).  Without SBML
 * support every load fails cleanly, which is checked too.
 */
#include "fuzz_common.h"
#include "myriad/myriad.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static char text[1 << 16];
  size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
  char* sep;
  myr_model_opts o = myr_model_opts_default();
  myr_model* m = NULL;
  memcpy(text, data, n);
  text[n] = '\0';
  o.sidecar = "";
  if ((sep = strstr(text, "\n--\n")) != NULL) {
    *sep = '\0';
    o.observe = sep + 4;
    n = (size_t)(sep - text);
    if ((sep = strstr(sep + 4, "\n--\n")) != NULL) {
      *sep = '\0';
      o.input = sep + 4;
    }
  }
  if (myr_model_load_string(text, n, &o, &m) == MYR_OK) {
    myr_batch_def def = myr_batch_def_default();
    myr_batch* b = NULL;
    myr_rollout_def r = myr_rollout_def_default();
    def.threads = 1;
    def.model = m;
    r.steps = 3;
    if (myr_batch_create("reaction-network", 17, &def, &b) == MYR_OK) {
      (void)myr_batch_rollout(b, &r, NULL);
      myr_batch_destroy(b);
    }
    myr_model_destroy(m);
  }
  return 0;
}
