/*
 * passes.h -- helpers for an env whose float32 step runs in passes over the
 * struct-of-arrays state of its range (as CartPole's does):
 *   1. a branch-free loop that the compiler vectorises: the dynamics of
 *      every env of the range as an ordinary (RUN) step, the step counter,
 *      the flags and the reward written to the io arrays;
 *   2. a scalar pass that visits only the envs with a set byte in the
 *      flags (an episode end, or a pending reset), found 8 at a time by
 *      myr__visit_flagged(), and applies the task-layer contract to each
 *      (myr__pass_event(): reward, flags, pending, what to record);
 *   3. observations, if requested.
 * Static inline functions of task.h's types only; envs include this after
 * task.h.
 */
#ifndef MYR_TASK_PASSES_H
#define MYR_TASK_PASSES_H

#include <stdint.h>
#include <string.h>

#include "task.h"

/* Call visit(ctx, k) for every k in [0, n), in increasing order, whose byte
 * a[k], b[k] or c[k] is non-zero.  Groups of 8 envs are tested as one
 * 64-bit word and only the flagged bytes are visited, so a range with few
 * events costs about one load per array per 8 envs.  visit may change the
 * bytes of the env it visits (never those of later envs).  Static inline:
 * called with a static function, the compiler inlines visit. */
static inline void myr__visit_flagged(const uint8_t* a, const uint8_t* b,
                                      const uint8_t* c, int64_t n,
                                      void (*visit)(void* ctx, int64_t k),
                                      void* ctx) {
  int64_t k0, k;
  for (k0 = 0; k0 < n; k0 += 8) {
    uint64_t w;
    if (k0 + 8 <= n) {
      uint64_t wa, wb, wc;
      memcpy(&wa, a + k0, 8);
      memcpy(&wb, b + k0, 8);
      memcpy(&wc, c + k0, 8);
      w = wa | wb | wc;
    } else {
      w = 0;
      for (k = k0; k < n; ++k)
        w |= (uint64_t)(a[k] | b[k] | c[k]) << (8 * (k - k0));
    }
    while (w != 0) {
      k = k0 + (int64_t)(__builtin_ctzll(w) >> 3);
      w &= ~((uint64_t)0xFF << (8 * (k - k0)));
      visit(ctx, k);
    }
  }
}

/* What pass 2 does to an env whose dynamics pass 1 ran as a RUN step:
 *  NONE    nothing more (an ordinary step, or a PAST_END step: its reward
 *          is now 0);
 *  RESET   a next_step-mode RESET step: the env must be reset (its pass-1
 *          state is overwritten); reward 0, flags and pending cleared;
 *  RECORD  the episode ended and the env is now pending: record it;
 *  RECORD_RESET  same_step: the episode ended: record it, write final_obs
 *          from the pass-1 state, then reset the env. */
enum {
  MYR__EVENT_NONE = 0,
  MYR__EVENT_RESET = 1,
  MYR__EVENT_RECORD = 2,
  MYR__EVENT_RECORD_RESET = 3
};

/* The contract for env k of the range (io indices), after pass 1 wrote its
 * reward and flags as an ordinary step's: fixes the reward, flags and
 * pending flag as myr__step_each() would have set them, and returns what
 * remains to do (MYR__EVENT_*). */
static inline int myr__pass_event(const myr__env* e, const myr__io* io,
                                  int64_t k) {
  int kind = myr__step_kind((int)e->autoreset, io->pending[k]);
  io->reward[k] = myr__step_reward(kind, io->reward[k]);
  if (kind == MYR__STEP_RESET) {
    io->pending[k] = 0;
    io->terminated[k] = 0;
    io->truncated[k] = 0;
    return MYR__EVENT_RESET;
  }
  switch (myr__step_end((int)e->autoreset, kind, &io->pending[k],
                        io->terminated[k], io->truncated[k])) {
    case MYR__END_RESET:
      return MYR__EVENT_RECORD_RESET;
    case MYR__END_PENDING:
      return MYR__EVENT_RECORD;
    default:
      return MYR__EVENT_NONE;
  }
}

#endif /* MYR_TASK_PASSES_H */
