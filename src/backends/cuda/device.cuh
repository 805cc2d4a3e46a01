/*
 * device.cuh -- what every env's CUDA kernels share (CUDA C++ only): the
 * block size and grid of a launch, recording a CUDA error for the backend
 * (myr__cuda_note, kernels.h), a block-wide sum into one atomic add, and
 * the fused rollout's discrete policy action.  Included by the .cu files
 * only, each its own translation unit.
 */
#ifndef MYR_CUDA_DEVICE_CUH
#define MYR_CUDA_DEVICE_CUH

#include <cuda_runtime.h>

#include "../../core/random_policy.h"
#include "kernels.h"

static const int kBlock = 256; /* threads per block of every kernel */

/* record e for the backend; 0 if it is cudaSuccess */
static inline int note(cudaError_t e) { return myr__cuda_note((int)e); }

static inline unsigned grid_for(int64_t n) {
  return (unsigned)((n + kBlock - 1) / kBlock);
}

/* the launch just made, then the wait for it: 0 or the recorded error */
static inline int finish_launch() {
  int rc = note(cudaGetLastError());
  return rc != 0 ? rc : note(cudaDeviceSynchronize());
}

/* sum a value over the block (kBlock threads) into one atomic add
 * (wrapping, so signed sums in two's complement add up exactly) */
__device__ __forceinline__ void block_add(unsigned long long value,
                                          unsigned long long* total) {
  __shared__ unsigned long long warp_sums[kBlock / 32];
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, k;
  for (k = 16; k > 0; k >>= 1) value += __shfl_down_sync(0xffffffffu, value, k);
  if (lane == 0) warp_sums[warp] = value;
  __syncthreads();
  if (warp == 0) {
    value = lane < kBlock / 32 ? warp_sums[lane] : 0ull;
    for (k = 16; k > 0; k >>= 1)
      value += __shfl_down_sync(0xffffffffu, value, k);
    if (lane == 0 && value != 0ull) atomicAdd(total, value);
  }
  __syncthreads();
}

/* The actions of a two-action env in a fused rollout: policy 0 is random
 * (myr__random_discrete(seed, g, clock, 2), one draw per 128 steps, cached
 * in the cursor), any other the constant action. */
struct policy_cursor {
  int32_t policy, constant;
  uint64_t seed;
  uint32_t g; /* global env index */
  uint64_t cached;
  myr_philox_out words;
};

__device__ __forceinline__ policy_cursor policy_start(int32_t policy,
                                                      int32_t constant,
                                                      uint64_t seed,
                                                      int64_t g) {
  policy_cursor c;
  c.policy = policy;
  c.constant = constant;
  c.seed = seed;
  c.g = (uint32_t)g;
  c.cached = ~0ull;
  return c;
}

__device__ __forceinline__ int32_t policy_action(policy_cursor* c,
                                                 uint64_t clock) {
  if (c->policy != 0) return c->constant;
  if ((clock >> 7) != c->cached) {
    c->cached = clock >> 7;
    c->words = myr__random_bit_words(c->seed, c->g, clock);
  }
  return myr__random_bit(&c->words, clock);
}

#endif /* MYR_CUDA_DEVICE_CUH */
