/*
 * cpu.h -- the CPU backend: the thread pool runs each env class's step on
 * contiguous ranges of envs (src/backends/cpu/cpu.c) and its fused
 * rollouts (rollout.c); the host state is the batch's only state.
 */
#ifndef MYR_BACKENDS_CPU_H
#define MYR_BACKENDS_CPU_H

#include "../../engine/backend.h"

/* steps a fused rollout advances a block while resident, by default: a
 * recorded one (its rows are held in memory, chunk x num_envs of them),
 * and one without recording (at most its steps).  Between chunks the
 * whole state streams through memory once and the random policy's cached
 * words are drawn again: 1024 steps instead of 64 made the CartPole
 * rollout at 1M envs about 4% faster */
#define MYR__CPU_DEFAULT_CHUNK 64
#define MYR__CPU_UNRECORDED_CHUNK 1024

int myr__cpu_rollout(myr_batch* b, const myr_rollout_def* def,
                     const myr__policy* policy, myr_rollout_stats* stats);

extern const myr__backend myr__cpu_backend;

#endif /* MYR_BACKENDS_CPU_H */
