/*
 * cuda_backend.h -- the CUDA backend as the engine sees it (batch.c and
 * rollout.c call these; the code is src/backends/cuda/cuda_batch.c).
 *
 * A CUDA batch keeps the authoritative state on the device and the host
 * arena as a mirror with the same layout: device work marks the mirror
 * stale, and every host read (observe, state access, hash) first copies the
 * device state back; a host write (set_state) copies it to the device.
 * Built without CUDA the backend is absent from src/backends/registry.c
 * and asking for it fails with MYR_ENODEV "backend not built in: cuda".
 */
#ifndef MYR_CUDA_BACKEND_H
#define MYR_CUDA_BACKEND_H

#include "../../engine/backend.h"

/* steps per kernel launch of a CUDA rollout when the caller gives none */
#define MYR__CUDA_DEFAULT_CHUNK 1024

/* the CUDA backend's operations (cuda_batch.c); built only with CUDA */
extern const myr__backend myr__cuda_backend;

#endif /* MYR_CUDA_BACKEND_H */
