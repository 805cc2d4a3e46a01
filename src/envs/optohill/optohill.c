/*
 * optohill.c -- the opto-hill-1d environment class: one species X produced
 * at a light-dependent Hill rate and degraded linearly, simulated exactly
 * with Gillespie's direct method (physics.h) for dt = 5 minutes
 * per step with the light held.  A system-identification task: action =
 * light U in [0, 1] (Box(0, 1, (1,)), clipped), obs [X/100], reward 0,
 * episodes truncate after 288 steps (24 h), reset X = x0 (default 0).
 *
 * State per env: the count X and the step counter (8 bytes).  The
 * precision option has no effect: counts are integers and the SSA works in
 * float64 in both modes.  Every kinetic parameter may be randomised per
 * env (myr__param()).  Reaction-cap hits go to stats->cap_hits.
 *
 * The step runs in two passes over the range:
 *  1. the SSA of myr_optohill_ssa() (physics.h) in OH_LANES lanes: the
 *     envs that step are staged ahead (X, the production propensity
 *     k_prod * hill(U), k_deg, dt, the cap; parameters with no per-env
 *     distribution read once per pass and K^n computed once then), and
 *     each sweep draws every lane's Philox block (vectorised; 8 lanes per
 *     AVX-512 vector), takes libm's log of the waiting-time uniforms lane
 *     by lane, and applies one reaction per lane with the scalar SSA's
 *     double operations, branch-free.  A lane whose env finished its step
 *     writes it back and loads the next staged env, so lanes idle only
 *     once the range runs out (then the live ones are packed low).  The
 *     draws of a reaction are a pure function of (seed, env, clock,
 *     reactions so far), so the lane schedule never changes a result;
 *  2. per env, through myr__step_each(): step counter, truncation, statistics,
 *     autoreset, observations.
 */
#include <math.h>
#include <string.h>

#include "../../task/task.h"
#include "physics.h"
#include "../../core/philox8.h"
#if defined(__AVX512F__) && defined(__AVX512DQ__)
#  include <immintrin.h>
#endif

#if defined(__GNUC__)
#  define NOINLINE __attribute__((noinline))
#else
#  define NOINLINE
#endif

#define OH_PARAMS(P) \
  P(OH_K_PROD, "k_prod", 5.0, 0.0, 1e6, 0, "1/min", "maximal production rate", k_prod) \
  P(OH_K, "K", 0.5, 1e-9, 1e3, 0, "", "light of half-maximal production", K) \
  P(OH_N, "n", 2.0, 0.0, 100.0, 0, "", "Hill coefficient", n) \
  P(OH_K_DEG, "k_deg", 0.05, 0.0, 1e3, 0, "1/min", "degradation rate per molecule", k_deg) \
  P(OH_DT, "dt", 5.0, 1e-6, 1e4, 0, "min", "time per step (light held)", dt) \
  P(OH_MAX_STEPS, "max_steps", 288.0, 1.0, 2147483647.0, 1, "steps", "truncation horizon", max_steps) \
  P(OH_MAX_REACTIONS, "max_reactions", 10000.0, 1.0, 16777215.0, 1, "", "cap on reactions per step (hits are counted)", max_reactions) \
  P(OH_X0, "x0", 0.0, 0.0, 1e9, 1, "molecules", "X at reset", x0)

enum { OH_PARAMS(MYR__PARAM_ENUM) OH_NUM_PARAMS };

#define OH_STATE(F, H)                                                      \
  F(OH_XC, "X", I32, "molecules", "count of the species", 1, MYR_COUNT_MAX) \
  F(OH_T, "t", I32, "steps", "steps since reset", 1, 0)

enum { OH_STATE(MYR__ENUM_F, MYR__ENUM_H) OH_NUM_COLS };
MYR__DEFINE_TABLES(OH_PARAMS, OH_STATE)

static void observe1(const myr__env* e, int64_t i, float* o) {
  o[0] = (float)e->col[OH_XC].i[i] / 100.0f;
}

static void reset1(const myr__env* e, int64_t i, uint64_t clock,
                   uint32_t stream) {
  (void)clock;
  (void)stream; /* deterministic reset: X = x0 */
  e->col[OH_XC].i[i] = (int32_t)myr__param(e, OH_X0, i);
  e->col[OH_T].i[i] = 0;
}

/* ------------------------------------------------------------ SSA */

/* lanes advanced together by the SSA lane loops (float64: 8 per AVX-512
 * vector), and envs staged ahead of them in one go */
#define OH_LANES 64
#define OH_VEC 8
#define OH_STAGE 256
/* oh_done() keeps the lanes' flags in one 64-bit word, 16 per vector */
_Static_assert(OH_LANES <= 64 && OH_LANES % 16 == 0, "OH_LANES");

/* The lanes: lane l holds env begin + k[l] (live) or nothing (live = act =
 * 0, a1 = k_deg = 0, so nothing can fire).  Per sweep: the Philox block of
 * every lane's next reaction (draw), the waiting-time logs (libm's log,
 * lane by lane, so each env gets the very double of the scalar SSA), then
 * the reaction (apply). */
typedef struct oh_lanes {
  _Alignas(64) double t[OH_LANES]; /* min elapsed in the step */
  double a1[OH_LANES];   /* production propensity k_prod * hill(U) */
  double kd[OH_LANES];   /* k_deg */
  double dt[OH_LANES];
  double u1[OH_LANES];   /* this sweep's uniforms: waiting time, */
  double u2[OH_LANES];   /* choice */
  double lg[OH_LANES];   /* log(u1) */
  int32_t x[OH_LANES];
  int32_t cnt[OH_LANES]; /* reactions fired this step */
  int32_t maxr[OH_LANES];
  int32_t act[OH_LANES];
  int32_t hit[OH_LANES];
  int32_t live[OH_LANES];
  int32_t k[OH_LANES];
  uint32_t g[OH_LANES];  /* global env index (Philox counter word 0) */
} oh_lanes;

/* the envs of one SSA pass (at most 2^30) and the staged ones: the next
 * envs of the range that step, with their step's inputs */
typedef struct oh_feed {
  const myr__env* e;
  const myr__io* io;
  int32_t* X;
  int64_t begin;
  int32_t n, next, sc, sp;
  int64_t sum_n, sum_hit;
  /* K and n shared by all envs (their param_env is NULL), then K^n; the
   * other parameters of the SSA shared */
  int32_t shared_kn, shared_rest;
  double kn;
  double sa1[OH_STAGE];
  double skd[OH_STAGE];
  double sdt[OH_STAGE];
  int32_t sx[OH_STAGE];
  int32_t smaxr[OH_STAGE];
  int32_t sk[OH_STAGE];
} oh_feed;

/* hill(U; K, n) as myr_optohill_hill(), with K^n given when K and n are
 * shared (the same double) */
static double hill_kn(double u, double n, double kn) {
  double un;
  if (!(u > 0.0)) return 0.0;
  un = pow(u, n);
  return un / (kn + un);
}

/* stage the next envs of the range that step (envs that reset instead,
 * next_step after an end, are passed over); returns the envs staged, 0
 * once the range is exhausted */
static int32_t oh_stage(oh_feed* D) {
  const myr__env* e = D->e;
  D->sc = 0;
  D->sp = 0;
  while (D->sc == 0 && D->next < D->n) {
    int32_t end = D->n - D->next < OH_STAGE ? D->n : D->next + OH_STAGE, k;
    for (k = D->next; k < end; ++k) {
      int64_t i = D->begin + k;
      int32_t c = D->sc;
      double u = (double)D->io->act_f[k], kp;
      myr_optohill_params p;
      if (myr__step_kind((int)e->autoreset, D->io->pending[k]) ==
          MYR__STEP_RESET)
        continue;
      u = u < 0.0 ? 0.0 : (u > 1.0 ? 1.0 : u);
      kp = myr__param(e, OH_K_PROD, i);
      if (D->shared_kn) {
        D->sa1[c] = kp * hill_kn(u, e->param_values[OH_N], D->kn);
      } else {
        p.K = myr__param(e, OH_K, i);
        p.n = myr__param(e, OH_N, i);
        D->sa1[c] = kp * myr_optohill_hill(&p, u);
      }
      if (D->shared_rest) {
        D->skd[c] = e->param_values[OH_K_DEG];
        D->sdt[c] = e->param_values[OH_DT];
        D->smaxr[c] = (int32_t)e->param_values[OH_MAX_REACTIONS];
      } else {
        D->skd[c] = myr__param(e, OH_K_DEG, i);
        D->sdt[c] = myr__param(e, OH_DT, i);
        D->smaxr[c] = (int32_t)myr__param(e, OH_MAX_REACTIONS, i);
      }
      D->sx[c] = D->X[i];
      D->sk[c] = k;
      D->sc = c + 1;
    }
    D->next = end;
  }
  return D->sc;
}

/* lane l takes the next staged env; returns 0 (the lane left idle) once
 * the range is exhausted */
static int32_t oh_load(oh_feed* D, oh_lanes* L, int32_t l) {
  int32_t s;
  if (D->sp == D->sc && oh_stage(D) == 0) {
    L->live[l] = 0;
    L->act[l] = 0;
    L->a1[l] = 0.0;
    L->kd[l] = 0.0;
    L->x[l] = 0;
    return 0;
  }
  s = D->sp++;
  L->t[l] = 0.0;
  L->a1[l] = D->sa1[s];
  L->kd[l] = D->skd[s];
  L->dt[l] = D->sdt[s];
  L->x[l] = D->sx[s];
  L->maxr[l] = D->smaxr[s];
  L->k[l] = D->sk[s];
  L->g[l] = (uint32_t)(D->e->env_offset + D->begin + D->sk[s]);
  L->cnt[l] = 0;
  L->hit[l] = 0;
  L->act[l] = 1;
  L->live[l] = 1;
  return 1;
}

/* the env of lane l is done: write it back */
static void oh_retire(oh_feed* D, oh_lanes* L, int32_t l) {
  D->X[D->begin + L->k[l]] = L->x[l];
  D->sum_n += L->cnt[l];
  D->sum_hit += L->hit[l];
}

/* the Philox block of every lane's next reaction (sub-stream = reactions
 * fired so far) as the two uniforms of myr_optohill_ssa() */
#if defined(__AVX512F__) && defined(__AVX512DQ__)
/* Philox4x32-10 on 8 lanes per vector (core/philox8.h) */
MYR_WIDE static void oh_draw(oh_lanes* MYR_RESTRICT L, int32_t nl, uint64_t seed,
                             uint64_t clock) {
  const __m512i lo32 = _mm512_set1_epi64(0xFFFFFFFFll);
  const __m512i sub = _mm512_set1_epi64(0xFFFFFFll);
  const __m512i stream = _mm512_set1_epi64((int64_t)MYR_STREAM_SSA << 24);
  const __m512i one = _mm512_set1_epi64(1);
  const __m512d ulp = _mm512_set1_pd(1.1102230246251565404e-16);
  myr_philox8_key K;
  int32_t l;
  myr_philox8_key_init(&K, seed);
  for (l = 0; l < nl; l += 8) {
    __m512i c[4], c0, c1, c2, c3;
    __m512i hi, lo, m;
    c[0] = _mm512_cvtepu32_epi64(_mm256_load_si256((const __m256i*)(L->g + l)));
    c[1] = _mm512_set1_epi64((int64_t)(uint32_t)clock);
    c[2] = _mm512_set1_epi64((int64_t)(uint32_t)(clock >> 32));
    c[3] = _mm512_cvtepu32_epi64(_mm256_load_si256((const __m256i*)(L->cnt + l)));
    c[3] = _mm512_or_si512(_mm512_and_si512(c[3], sub), stream);
    myr_philox8(&K, c);
    c0 = c[0];
    c1 = c[1];
    c2 = c[2];
    c3 = c[3];
    /* myr_u01d_open0(v0, v1) and myr_u01d(v2, v3) */
    hi = _mm512_and_si512(c0, lo32);
    lo = _mm512_and_si512(c1, lo32);
    m = _mm512_or_si512(_mm512_slli_epi64(_mm512_srli_epi64(hi, 5), 26),
                        _mm512_srli_epi64(lo, 6));
    _mm512_store_pd(L->u1 + l,
                    _mm512_mul_pd(_mm512_cvtepu64_pd(_mm512_add_epi64(m, one)), ulp));
    hi = _mm512_and_si512(c2, lo32);
    lo = _mm512_and_si512(c3, lo32);
    m = _mm512_or_si512(_mm512_slli_epi64(_mm512_srli_epi64(hi, 5), 26),
                        _mm512_srli_epi64(lo, 6));
    _mm512_store_pd(L->u2 + l, _mm512_mul_pd(_mm512_cvtepu64_pd(m), ulp));
  }
}
#else
MYR_WIDE static void oh_draw(oh_lanes* MYR_RESTRICT L, int32_t nl, uint64_t seed,
                             uint64_t clock) {
  int32_t l;
  for (l = 0; l < nl; ++l) {
    myr_philox_out r =
        myr_draw(seed, L->g[l], clock, MYR_STREAM_SSA, (uint32_t)L->cnt[l]);
    L->u1[l] = myr_u01d_open0(r.v[0], r.v[1]);
    L->u2[l] = myr_u01d(r.v[2], r.v[3]);
  }
}
#endif

/* one iteration of myr_optohill_ssa() in every lane, branch-free: the
 * same double operations in the same order; returns whether some live
 * lane's step is over */
MYR_WIDE static int32_t oh_apply(oh_lanes* MYR_RESTRICT L, int32_t nl) {
  int32_t fin = 0, l;
  for (l = 0; l < nl; ++l) {
    double a0 = L->a1[l] + L->kd[l] * (double)L->x[l];
    int32_t pos = a0 > 0.0;
    double t = L->t[l] + -L->lg[l] / (pos ? a0 : 1.0);
    int32_t in = !(t > L->dt[l]);
    int32_t up = L->u2[l] * a0 < L->a1[l];
    int32_t fire = L->act[l] & pos & in;
    int32_t bound = fire & up & (L->x[l] >= MYR_COUNT_MAX);
    int32_t apply = fire & (bound ^ 1);
    int32_t cnt = L->cnt[l] + apply;
    int32_t capped = apply & (cnt >= L->maxr[l]);
    L->x[l] += (up ? 1 : -1) & -apply;
    L->cnt[l] = cnt;
    L->t[l] = apply ? t : L->t[l];
    L->hit[l] |= bound | capped;
    L->act[l] = apply & (capped ^ 1);
    fin |= L->live[l] & (L->act[l] ^ 1);
  }
  return fin;
}

/* the waiting-time logs, libm's log lane by lane (kept out of the vector
 * loops: a call clobbers every vector register) */
NOINLINE static void oh_logs(double* MYR_RESTRICT lg,
                             const double* MYR_RESTRICT u, int32_t nl) {
  int32_t l;
  for (l = 0; l < nl; ++l) lg[l] = log(u[l]);
}

/* the live lanes whose step is over, as bits */
static uint64_t oh_done(const oh_lanes* L, int32_t nl) {
  uint64_t m = 0;
  int32_t l;
#if defined(__AVX512F__)
  for (l = 0; l < nl; l += 16) {
    __m512i live = _mm512_loadu_si512(L->live + l);
    __m512i act = _mm512_loadu_si512(L->act + l);
    m |= (uint64_t)_mm512_mask_testn_epi32_mask(
             _mm512_test_epi32_mask(live, live), act, act) << l;
  }
  if (nl % 16 != 0) m &= ((uint64_t)1 << nl) - 1; /* nl = 8, 24, ...: drop */
#else
  for (l = 0; l < nl; ++l) m |= (uint64_t)(L->live[l] & (L->act[l] ^ 1)) << l;
#endif
  return m;
}

/* lane m moves to lane l (idle) */
static void oh_move(oh_lanes* L, int32_t l, int32_t m) {
  L->t[l] = L->t[m];
  L->a1[l] = L->a1[m];
  L->kd[l] = L->kd[m];
  L->dt[l] = L->dt[m];
  L->x[l] = L->x[m];
  L->cnt[l] = L->cnt[m];
  L->maxr[l] = L->maxr[m];
  L->act[l] = L->act[m];
  L->hit[l] = L->hit[m];
  L->k[l] = L->k[m];
  L->g[l] = L->g[m];
  L->live[l] = 1;
  L->live[m] = 0;
  L->act[m] = 0;
  L->a1[m] = 0.0;
  L->kd[m] = 0.0;
  L->x[m] = 0;
}

/* The SSA of envs [begin, begin + n), n <= 2^30, in lanes that take the
 * next env of the range as theirs finishes its step (as the gene circuit's,
 * ccasr.c); each env draws from its own counters (env, clock, reaction),
 * so the lane schedule never changes a result. */
MYR_WIDE static void oh_ssa_range(const myr__env* e, int64_t begin, int32_t n,
                                  const myr__io* io, myr__stats* st) {
  oh_feed D;
  oh_lanes L;
  int32_t l, busy = 0, nl = OH_LANES;
  D.e = e;
  D.io = io;
  D.X = e->col[OH_XC].i;
  D.begin = begin;
  D.n = n;
  D.next = 0;
  D.sc = 0;
  D.sp = 0;
  D.sum_n = 0;
  D.sum_hit = 0;
  D.shared_kn = e->param_env[OH_K] == NULL && e->param_env[OH_N] == NULL;
  D.shared_rest = e->param_env[OH_K_DEG] == NULL &&
                  e->param_env[OH_DT] == NULL &&
                  e->param_env[OH_MAX_REACTIONS] == NULL;
  D.kn = D.shared_kn ? pow(e->param_values[OH_K], e->param_values[OH_N]) : 0.0;
  for (l = 0; l < OH_LANES; ++l) busy += oh_load(&D, &L, l);
  while (busy > 0) {
    oh_draw(&L, nl, e->seed, io->clock);
    oh_logs(L.lg, L.u1, nl);
    if (oh_apply(&L, nl) != 0) {
      uint64_t done = oh_done(&L, nl);
      while (done != 0) {
        l = __builtin_ctzll(done);
        done &= done - 1;
        oh_retire(&D, &L, l);
        busy -= oh_load(&D, &L, l) ^ 1;
      }
    }
    if (D.next >= D.n && D.sp == D.sc && busy > 0 && busy <= nl - OH_VEC) {
      /* the range is out: pack the live lanes low, drop idle groups */
      int32_t m = nl - 1;
      for (l = 0; l < busy; ++l) {
        if (L.live[l]) continue;
        while (!L.live[m]) --m;
        oh_move(&L, l, m);
      }
      nl = (busy + OH_VEC - 1) / OH_VEC * OH_VEC;
    }
  }
  st->reactions += D.sum_n;
  st->cap_hits += D.sum_hit;
}

/* ------------------------------------------------------------ step */

/* pass 2 for env i, whose SSA pass 1 ran: the step counter and truncation
 * (the horizon, or X at MYR_COUNT_MAX: no production past it) */
static myr__one counted(const myr__env* e, int64_t i, int64_t k, int kind,
                        const myr__io* io, myr__stats* st) {
  myr__one r = myr__one_counted(&e->col[OH_T].i[i],
                                (int32_t)myr__param(e, OH_MAX_STEPS, i), 0.0f,
                                0, 0.0);
  (void)k, (void)kind, (void)io, (void)st;
  r.truncated = (uint8_t)(r.truncated | (e->col[OH_XC].i[i] >= MYR_COUNT_MAX));
  return r;
}

/* 1. the SSA of the range (envs that reset instead are skipped); 2. the
 * autoreset contract, statistics and observations per env through
 * myr__step_each() */
static void oh_step(const myr__env* e, int64_t begin, int64_t end,
                    const myr__io* io, myr__stats* st) {
  const int64_t piece = (int64_t)1 << 30;
  int64_t k;
  for (k = 0; k < end - begin; k += piece) {
    myr__io sub = *io;
    int64_t m = end - begin - k < piece ? end - begin - k : piece;
    sub.act_f = io->act_f + k;
    sub.pending = io->pending + k;
    oh_ssa_range(e, begin + k, (int32_t)m, &sub, st);
  }
  myr__step_each(e, begin, end, io, st, 1, counted, reset1, observe1, NULL);
}

static void oh_reset(const myr__env* e, uint64_t clock, int64_t begin,
                     int64_t end, const uint8_t* mask, uint32_t stream,
                     float* obs) {
  myr__reset_each(e, clock, begin, end, mask, stream, obs, 1, reset1, observe1);
}

static void oh_observe(const myr__env* e, int64_t begin, int64_t end,
                       float* obs) {
  myr__observe_each(e, begin, end, obs, 1, observe1);
}

const myr__env_class myr__optohill_class = {
    .info = {.id = "opto-hill-1d", .aliases = "optohill",
             .description = "light-induced production, linear decay; exact SSA (system id)",
             .obs_dim = 1, .obs_low = 0.0f, .obs_high = INFINITY,
             .action_space = {MYR_SPACE_BOX, 1, 0.0f, 1.0f},
             MYR__INFO_TABLES(OH_STATE), .max_steps_default = 288,
             .observation = "[X/100]", .reward = "0 (system identification)"},
    /* no init(): no constants, every parameter is read per env */
    MYR__CLASS_COLS, .per_env_params = 1,
    .reset = oh_reset, .step = oh_step, .observe = oh_observe,
    .default_block = MYR__SSA_BLOCK,
};
