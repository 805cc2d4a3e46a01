/*
 * registry.c -- the backends built into this library.  Adding a backend:
 * one myr__backend table in its own folder and one line here.
 */
#include "cpu/cpu.h"
#if defined(MYR_HAVE_CUDA)
#  include "cuda/cuda_backend.h"
#endif

const myr__backend* myr__backend_find(int kind) {
  if (kind == MYR_BACKEND_CPU) return &myr__cpu_backend;
#if defined(MYR_HAVE_CUDA)
  if (kind == MYR_BACKEND_CUDA) return &myr__cuda_backend;
#endif
  return NULL;
}

int myr_backend_available(int backend) {
  return myr__backend_find(backend) != NULL;
}
