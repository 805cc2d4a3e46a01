/*
 * test_backend.c -- choosing a backend through myr_batch_def.backend: the
 * CPU default, a clear MYR_ENODEV when CUDA is not built in (or no device
 * is present), MYR_EINVAL for values that name no backend or for what the
 * CUDA backend does not support.
 */
#include <string.h>

#include "check.h"
#include "myriad/myriad.h"

int main(void) {
  myr_batch_def def = myr_batch_def_default();
  myr_batch* b = NULL;
  int cuda_built = strstr(myr_build_info(), "cuda") != NULL;
  int rc;

  /* the default is the CPU */
  CHECK(def.backend == MYR_BACKEND_CPU);
  CHECK_OK(myr_batch_create("cartpole", 10, &def, &b));
  CHECK(myr_batch_backend(b) == MYR_BACKEND_CPU);
  myr_batch_destroy(b);
  CHECK(strcmp(myr_backend_name(MYR_BACKEND_CPU), "cpu") == 0);
  CHECK(strcmp(myr_backend_name(MYR_BACKEND_CUDA), "cuda") == 0);
  CHECK(strcmp(myr_backend_name(42), "unknown") == 0);

  /* a value that names no backend */
  def.backend = 42;
  b = (myr_batch*)&def; /* must be reset to NULL on failure */
  CHECK(myr_batch_create("cartpole", 10, &def, &b) == MYR_EINVAL);
  CHECK(b == NULL);
  def.backend = -1;
  CHECK(myr_batch_create("cartpole", 10, &def, &b) == MYR_EINVAL);

  /* CUDA: not built in, or built in without a device here */
  def.backend = MYR_BACKEND_CUDA;
  rc = myr_batch_create("cartpole", 10, &def, &b);
  if (!cuda_built) {
    CHECK(rc == MYR_ENODEV);
    CHECK(strcmp(myr_last_error(), "backend not built in: cuda") == 0);
    CHECK(b == NULL);
  } else if (rc == MYR_ENODEV) {
    CHECK(strstr(myr_last_error(), "no CUDA device") != NULL);
    CHECK(b == NULL);
  } else {
    CHECK_OK(rc);
    CHECK(myr_batch_backend(b) == MYR_BACKEND_CUDA);
    myr_batch_destroy(b);
    b = NULL;
    /* float64 stays on the CPU */
    def.precision = MYR_FLOAT64;
    CHECK(myr_batch_create("cartpole", 10, &def, &b) == MYR_EINVAL);
    CHECK(b == NULL);
  }
  return check_summary("test_backend");
}
