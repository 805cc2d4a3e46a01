/*
 * backend.h -- the interface between the engine and a backend.
 *
 * The engine validates every call, then runs it through the batch's
 * backend (chosen at create from myr_batch_def.backend).  A backend gets a
 * batch whose host state is authoritative at create; after that it may
 * keep the state elsewhere (a device) as long as sync_host() brings the
 * host copy up to date before the engine reads it and sync_device() takes
 * a host write back.  Every operation returns MYR_OK or a status and on
 * failure leaves the batch as it was (clock, epoch and state).  The table
 * of backends is src/backends/registry.c; the engine names none of them.
 */
#ifndef MYR_ENGINE_BACKEND_H
#define MYR_ENGINE_BACKEND_H

#include "internal.h"

typedef struct myr__backend {
  int kind;         /* myr_backend */
  const char* name; /* "cpu", "cuda" */
  /* can this backend run (def, cls)?  Called before anything is allocated */
  int (*check)(const myr_batch_def* def, const myr__env_class* cls);
  /* take over a batch whose host state was just created and reset */
  int (*create)(myr_batch* b);
  void (*destroy)(myr_batch* b);
  /* reset envs (mask NULL: all) from MYR_STREAM_RESET at the batch clock
   * with the batch's current seed and epoch; obs (host, n x obs_dim) may be
   * NULL */
  int (*reset)(myr_batch* b, const uint8_t* mask, float* obs);
  /* one step with host actions (act_i int32 or act_l int64 discrete, in
   * range, or act_f box; the others NULL) and host outputs; adds reaction-cap hits to b->cap_hits; the engine advances the
   * clock on success */
  int (*step)(myr_batch* b, const int32_t* act_i, const int64_t* act_l,
              const float* act_f, const myr_step_out* out);
  /* fused rollout with a parsed policy (the engine has validated def and
   * parsed the policy); advances the clock by the steps it completed */
  int (*rollout)(myr_batch* b, const myr_rollout_def* def,
                 const myr__policy* policy, myr_rollout_stats* stats);
  /* host copy up to date / host copy written back (NULL: always current) */
  int (*sync_host)(const myr_batch* b);
  int (*sync_device)(myr_batch* b);
  size_t (*device_bytes)(const myr_batch* b);
  int64_t default_chunk; /* steps per chunk when the caller gives none */
} myr__backend;

/* the backend of kind (myr_backend), or NULL if it is not built in */
const myr__backend* myr__backend_find(int kind);

#endif /* MYR_ENGINE_BACKEND_H */
