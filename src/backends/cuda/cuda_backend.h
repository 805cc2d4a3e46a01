/*
 * cuda_backend.h -- the CUDA backend as the engine sees it (batch.c and
 * rollout.c call these; the code is src/cuda/cuda_batch.c).
 *
 * A CUDA batch keeps the authoritative state on the device and the host
 * arena as a mirror with the same layout: device work marks the mirror
 * stale, and every host read (observe, state access, hash) first copies the
 * device state back; a host write (set_state) copies it to the device.
 * b->dev is NULL for a CPU batch.  Built without CUDA (MYR_HAVE_CUDA
 * undefined) the functions below are inline fallbacks and asking for the
 * CUDA backend fails with MYR_ENODEV "backend not built in: cuda".
 */
#ifndef MYR_CUDA_BACKEND_H
#define MYR_CUDA_BACKEND_H

#include "../../engine/internal.h"

/* steps per kernel launch of a CUDA rollout when the caller gives none */
#define MYR__CUDA_DEFAULT_CHUNK 1024

#if defined(MYR_HAVE_CUDA)

/* validate a CUDA request before anything is allocated: built in, a
 * device present, a supported env and precision */
int myr__cuda_check(const myr_batch_def* def, const myr__env_class* cls);
/* after the host state is created and reset: allocate the device state
 * and copy the host state there */
int myr__cuda_create(myr_batch* b);
void myr__cuda_destroy(myr_batch* b);
/* reset (mask NULL: all) with MYR_STREAM_RESET at the batch clock; obs is a
 * host buffer (n x obs_dim) or NULL */
int myr__cuda_reset(myr_batch* b, const uint8_t* mask, float* obs);
/* one step with host action and output buffers (copied in and out) */
int myr__cuda_step(myr_batch* b, const int32_t* actions,
                   const myr_step_out* out);
int myr__cuda_rollout(myr_batch* b, const myr_rollout_def* def,
                      const myr__policy* policy, myr_rollout_stats* stats);
/* device -> host mirror (if stale), host mirror -> device */
int myr__cuda_sync_host(const myr_batch* b);
int myr__cuda_sync_device(myr_batch* b);
/* device memory the batch holds (state, sums, step buffers, tables) */
size_t myr__cuda_device_bytes(const myr_batch* b);

#else

static inline int myr__cuda_check(const myr_batch_def* def,
                                  const myr__env_class* cls) {
  (void)cls;
  if (def->backend == MYR_BACKEND_CUDA)
    return myr__fail(MYR_ENODEV, "backend not built in: cuda");
  return MYR_OK;
}
static inline int myr__cuda_create(myr_batch* b) {
  (void)b;
  return myr__fail(MYR_ENODEV, "backend not built in: cuda");
}
static inline void myr__cuda_destroy(myr_batch* b) { (void)b; }
static inline int myr__cuda_reset(myr_batch* b, const uint8_t* mask,
                                  float* obs) {
  (void)b;
  (void)mask;
  (void)obs;
  return myr__fail(MYR_ENODEV, "backend not built in: cuda");
}
static inline int myr__cuda_step(myr_batch* b, const int32_t* actions,
                                 const myr_step_out* out) {
  (void)b;
  (void)actions;
  (void)out;
  return myr__fail(MYR_ENODEV, "backend not built in: cuda");
}
static inline int myr__cuda_rollout(myr_batch* b, const myr_rollout_def* def,
                                    const myr__policy* policy,
                                    myr_rollout_stats* stats) {
  (void)b;
  (void)def;
  (void)policy;
  (void)stats;
  return myr__fail(MYR_ENODEV, "backend not built in: cuda");
}
static inline int myr__cuda_sync_host(const myr_batch* b) {
  (void)b;
  return MYR_OK;
}
static inline int myr__cuda_sync_device(myr_batch* b) {
  (void)b;
  return MYR_OK;
}
static inline size_t myr__cuda_device_bytes(const myr_batch* b) {
  (void)b;
  return 0;
}

#endif
#endif /* MYR_CUDA_BACKEND_H */
