/*
 * policy.h -- built-in policies of fused rollouts: the random policy's draws
 * (see policy.c for the layout) and the closed-loop policies (bangbang,
 * pid, periodic) that read one state field of each env.
 */
#ifndef MYR_POLICIES_POLICY_H
#define MYR_POLICIES_POLICY_H

#include "../core/random_policy.h"
#include "internal.h"

/* Before a fused rollout with policy p: make sure the batch holds the
 * per-env memory p needs (pid: integral and previous error, allocated on
 * first use).  The memory carries over from the previous rollout if that
 * one used the same policy and ended at the current clock, seed and
 * epoch; otherwise it starts from zero.  Returns MYR_OK or MYR_ENOMEM. */
int myr__policy_begin(myr_batch* b, const myr__policy* p);

/* After a fused rollout: remember where it ended (see myr__policy_begin). */
void myr__policy_end(myr_batch* b, const myr__policy* p);

/* Actions of a closed-loop policy (bangbang, pid, periodic) for envs
 * [begin, end) before the step at `clock`.  field: scratch of end - begin
 * doubles; act: int32 (discrete) or float32 x dim (box), indexed from
 * begin.  pid updates the per-env memory of these envs. */
void myr__policy_act(myr_batch* b, const myr__policy* p, int64_t begin,
                     int64_t end, uint64_t clock, double* field, void* act);

/* After a step: pid forgets the memory of envs whose episode ended. */
void myr__policy_after_step(myr_batch* b, const myr__policy* p, int64_t begin,
                            int64_t end, const uint8_t* terminated,
                            const uint8_t* truncated);

#endif /* MYR_POLICIES_POLICY_H */
