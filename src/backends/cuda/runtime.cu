/*
 * runtime.cu -- the CUDA runtime as the backend's C side and the env
 * kernel files use it (kernels.h): devices, allocation, copies, and the
 * last CUDA error, which every failing call records so that
 * myr__cuda_error() names it and myr__cuda_out_of_memory() classifies it.
 */
#include <cuda_runtime.h>

#include "kernels.h"

namespace {

cudaError_t g_last = cudaSuccess;

int check(cudaError_t e) {
  if (e != cudaSuccess) g_last = e;
  return (int)e;
}

}  // namespace

extern "C" {

int myr__cuda_device_count(void) {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError(); /* clear the sticky "no device" error */
    return 0;
  }
  return n;
}

const char* myr__cuda_error(void) { return cudaGetErrorString(g_last); }

int myr__cuda_out_of_memory(void) {
  return g_last == cudaErrorMemoryAllocation;
}

/* record an error of a kernel file for myr__cuda_error() */
int myr__cuda_note(int error) { return check((cudaError_t)error); }

void* myr__cuda_malloc(size_t bytes) {
  void* p = NULL;
  if (check(cudaMalloc(&p, bytes)) != 0) return NULL;
  return p;
}

void myr__cuda_free(void* ptr) {
  if (ptr != NULL) cudaFree(ptr);
}

int myr__cuda_copy(void* dst, const void* src, size_t bytes, int to_device) {
  return check(cudaMemcpy(dst, src, bytes,
                          to_device ? cudaMemcpyHostToDevice
                                    : cudaMemcpyDeviceToHost));
}

}  // extern "C"
