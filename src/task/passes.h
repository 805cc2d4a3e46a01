/*
 * passes.h -- helpers for an env whose float32 step runs in passes over the
 * struct-of-arrays state of its range (as CartPole's does):
 *   1. a branch-free loop that the compiler vectorises: the dynamics of
 *      every env of the range as an ordinary (RUN) step, the step counter,
 *      the flags and the reward written to the io arrays;
 *   2. a scalar pass that visits only the envs with a set byte in the
 *      flags (an episode end, or a pending reset), and applies the
 *      task-layer contract to each (myr__pass_event(): reward, flags,
 *      pending, what to record).  Most envs have no flag set: testing 8
 *      flags at a time with a branch mispredicts about once per group at
 *      CartPole's episode length (one env in 22 ends each step), so the
 *      flags of 64 envs become one 64-bit mask (myr__flag_mask(): one
 *      AVX-512 compare, or a multiply per 8 flags) whose set bits are
 *      visited (myr__visit_flagged()) or listed (myr__flag_list());
 *   3. observations, if requested.
 * Static inline functions of task.h's types only; envs include this after
 * task.h.
 */
#ifndef MYR_TASK_PASSES_H
#define MYR_TASK_PASSES_H

#include <stdint.h>
#include <string.h>

#include "task.h"

#if defined(__AVX512F__)
#  include <immintrin.h>
#endif

/* bit j set: a[j] | b[j] | c[j] != 0, for j < n (n <= 64).  Any non-zero
 * byte counts: each is first folded to its bit 0, then 8 bytes are packed
 * into 8 bits by one multiply (byte i, 0 or 1, times 0x0102040810204080
 * lands on bit 56 + i with no carries). */
static inline uint64_t myr__flag_mask_portable(const uint8_t* a,
                                               const uint8_t* b,
                                               const uint8_t* c, int64_t n) {
  uint64_t m = 0;
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    uint64_t wa, wb, wc;
    memcpy(&wa, a + j, 8);
    memcpy(&wb, b + j, 8);
    memcpy(&wc, c + j, 8);
    uint64_t w = wa | wb | wc;
    w |= w >> 4;
    w |= w >> 2;
    w |= w >> 1;
    m |= (((w & 0x0101010101010101ULL) * 0x0102040810204080ULL) >> 56) << j;
  }
  for (; j < n; ++j) m |= (uint64_t)((a[j] | b[j] | c[j]) != 0) << j;
  return m;
}

static inline uint64_t myr__flag_mask(const uint8_t* a, const uint8_t* b,
                                      const uint8_t* c, int64_t n) {
#if defined(__AVX512BW__)
  if (n == 64) {
    __m512i v = _mm512_or_si512(
        _mm512_or_si512(_mm512_loadu_si512((const void*)a),
                        _mm512_loadu_si512((const void*)b)),
        _mm512_loadu_si512((const void*)c));
    return (uint64_t)_mm512_test_epi8_mask(v, v);
  }
#endif
  return myr__flag_mask_portable(a, b, c, n);
}

/* The offsets base + j of the envs j < n (n <= MYR__LIST_SPAN) with a flag,
 * in increasing order, into list (room for n + 16: the AVX-512 path stores
 * whole vectors); returns how many.  Walking the bits of each mask branches
 * once per set bit and mispredicts at the end of every mask; the
 * AVX-512 path packs 16 offsets per compress instead, so the caller's loop
 * over the list mispredicts once per list. */
#define MYR__LIST_SPAN 256

static inline int32_t myr__flag_list(const uint8_t* a, const uint8_t* b,
                                     const uint8_t* c, int32_t n, int32_t base,
                                     int32_t* list) {
  int32_t m = 0, j0;
  for (j0 = 0; j0 < n; j0 += 64) {
    uint64_t w = myr__flag_mask(a + j0, b + j0, c + j0, n - j0 < 64 ? n - j0 : 64);
#if defined(__AVX512F__)
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                            11, 12, 13, 14, 15);
    int32_t q;
    for (q = 0; q < 4 && w != 0; ++q, w >>= 16) {
      __mmask16 bits = (__mmask16)(w & 0xFFFFu);
      __m512i at = _mm512_add_epi32(_mm512_set1_epi32(base + j0 + 16 * q), lanes);
      /* the register form of compress: its memory form is microcoded on
       * some CPUs */
      _mm512_storeu_si512((void*)(list + m), _mm512_maskz_compress_epi32(bits, at));
      m += __builtin_popcount((unsigned)bits);
    }
#else
    for (; w != 0; w &= w - 1) list[m++] = base + j0 + __builtin_ctzll(w);
#endif
  }
  return m;
}

/* Call visit(ctx, k) for every k in [0, n), in increasing order, whose byte
 * a[k], b[k] or c[k] is non-zero: one mask per 64 envs, then its set bits.
 * visit may change the bytes of the env it visits (never those of later
 * envs).  Static inline: called with a static function, the compiler
 * inlines visit. */
static inline void myr__visit_flagged(const uint8_t* a, const uint8_t* b,
                                      const uint8_t* c, int64_t n,
                                      void (*visit)(void* ctx, int64_t k),
                                      void* ctx) {
  int64_t k0;
  for (k0 = 0; k0 < n; k0 += 64) {
    uint64_t w = myr__flag_mask(a + k0, b + k0, c + k0, n - k0 < 64 ? n - k0 : 64);
    for (; w != 0; w &= w - 1) visit(ctx, k0 + __builtin_ctzll(w));
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

/* ret[k] += rew[k] where pending[k] is 0, for k < n (pass 1 of an env with
 * a running return: the envs that ran add their reward; a select, not an
 * add of 0, which would turn a -0.0 return into +0.0).  In AVX-512 where it
 * is compiled in: GCC 12 does not vectorise the byte test beside doubles. */
static inline void myr__add_where_run(double* MYR_RESTRICT ret,
                                      const float* MYR_RESTRICT rew,
                                      const uint8_t* MYR_RESTRICT pending,
                                      int64_t n) {
  int64_t k = 0;
#if defined(__AVX512F__)
  for (; k + 8 <= n; k += 8) {
    __m512d r = _mm512_loadu_pd(ret + k);
    __m512i p = _mm512_cvtepu8_epi64(_mm_loadl_epi64((const __m128i*)(pending + k)));
    _mm512_storeu_pd(ret + k, _mm512_mask_add_pd(r, _mm512_testn_epi64_mask(p, p), r,
                                                _mm512_cvtps_pd(_mm256_loadu_ps(rew + k))));
  }
#endif
  for (; k < n; ++k) ret[k] = pending[k] == 0 ? ret[k] + (double)rew[k] : ret[k];
}

/* Pass 2 for an env whose pass 1 ran every env of [begin, begin + n) as a
 * RUN step (counter, reward, flags written to io): the contract for the
 * envs with a flag (myr__pass_event) -- an ended episode's statistics
 * (return ret[i], 0 where ret is NULL; length t[i]), ended(i) where given,
 * final_obs through observe1(), then reset1(i) where the env resets.  What
 * myr__step_each() does for those envs, without visiting the others.
 * Static inline: called with static functions, the compiler inlines them. */
static inline void myr__flagged_contract(
    const myr__env* e, int64_t begin, int64_t n, const myr__io* io,
    myr__stats* st, int32_t obs_dim, const double* ret, const int32_t* t,
    void (*ended)(const myr__env* e, int64_t i),
    void (*observe1)(const myr__env* e, int64_t i, float* o),
    void (*reset1)(const myr__env* e, int64_t i)) {
  int32_t flagged[MYR__LIST_SPAN + 16];
  int64_t k0;
  for (k0 = 0; k0 < n; k0 += MYR__LIST_SPAN) {
    int32_t span = n - k0 < MYR__LIST_SPAN ? (int32_t)(n - k0) : MYR__LIST_SPAN;
    int32_t listed = myr__flag_list(io->terminated + k0, io->truncated + k0,
                                    io->pending + k0, span, (int32_t)k0, flagged);
    int32_t j;
    for (j = 0; j < listed; ++j) {
      int64_t k = flagged[j], i = begin + k;
      int ev = myr__pass_event(e, io, k);
      if (ev == MYR__EVENT_NONE) continue;
      if (ev != MYR__EVENT_RESET) {
        myr__stats_add_episode(st, ret != NULL ? ret[i] : 0.0, t[i]);
        if (ended != NULL) ended(e, i);
        if (ev == MYR__EVENT_RECORD) continue;
        if (io->final_obs != NULL) observe1(e, i, io->final_obs + k * obs_dim);
      }
      reset1(e, i);
    }
  }
}

#endif /* MYR_TASK_PASSES_H */
