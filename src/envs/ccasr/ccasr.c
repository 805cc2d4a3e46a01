/*
 * ccasr.c -- the CcaS-CcaR gene circuit environment classes
 * ccasr-gfp-control (alias gene-circuit) and ccasr-gfp-sysid, sharing the
 * physics of physics.h.
 *
 * Invariants:
 *  - per env: counts H, F >= 0, step counter t, the running episode return
 *    (control) and, for sysid, the env's own kinetic parameters
 *    (nu, Kh, nh, Kf, nf), drawn once at batch creation from
 *    p = exp(log(p0) + scale * N(0,1)) (Philox stream MYR_STREAM_PARAM,
 *    clock 0) and never redrawn, not even by a seeded reset;
 *  - the SSA draws of env g in the step at clock c come from one Philox
 *    call (seed, g, c, MYR_STREAM_SSA), so the trajectory of an env is a
 *    pure function of (seed, g, actions) and the step API equals a fused
 *    rollout with the same actions, for any thread count or block size;
 *  - a step never allocates; the only tables (R3/R4 propensities, target
 *    curve) are built at creation.
 *
 * The step runs in three passes over the range:
 *  1. the SSA in LANES "lanes": a lane loop whose body is the branch-free
 *     myr_ccasr_iter(), which the compiler vectorises (16 lanes per
 *     AVX-512 instruction; under AVX-512 the loop is written out with four
 *     groups of 16 lanes interleaved, so that four long dependency chains
 *     overlap, with the same operations in the same order).  The
 *     envs of the range that step are staged ahead (a window at a time:
 *     counts, eta * U, nu and the Philox seed of their generator; under
 *     AVX-512 16 envs and 8 seeds per instruction); after a sweep in which
 *     some lane's env finished its step, that env is written back (under
 *     AVX-512 queued, and written a buffer at a time) and the lane loads
 *     the next staged env (stream compaction: under AVX-512 one expanding
 *     load per column and group of 16 lanes, lane by lane otherwise), so
 *     lanes idle only once the range runs out (the lane-by-lane loop then
 *     packs the live lanes into the fewest groups).  An env whose
 *     count leaves the table (at staging or in a sweep) finishes its step
 *     alone with the same iteration and the exact propensity formula
 *     beyond the table.  Per-env K or n (sysid priors): each lane carries
 *     its own R3/R4 propensities, recomputed by the formula when its count
 *     changes; a per-env nu is just a lane input.  An env's draws come
 *     from its own generator, advanced only by its own iterations, and
 *     every env runs the same arithmetic whichever lane, sweep or path
 *     runs it, so the schedule never changes a result;
 *  2. step counter, reward and truncation of every env in one AVX-512 pass
 *     (loops the compiler vectorises in other builds), then statistics and
 *     autoreset of the few envs with a flag (src/task/passes.h, as
 *     CartPole's step);
 *  3. observations, if requested.
 */
#include <math.h>
#include <string.h>
#if defined(__AVX512F__) && defined(__BMI2__) && defined(__AVX512DQ__)
#  include <immintrin.h>
#endif

#include "../../core/fastmath.h"
#include "layout.h"
#include "seeds.h"
#include "../../core/ssa16.h"
#include "../../task/passes.h"

MYR__CUDA_DECLARE(ccasr)

/* lanes advanced together by the vectorised SSA loop, in groups of VEC
 * (one AVX-512 vector of floats); several groups per sweep keep the
 * out-of-order core busy with independent chains */
#define LANES 64
#define VEC 16
_Static_assert(LANES % VEC == 0, "LANES");
/* envs staged ahead of the lanes in one go */
#define STAGE 256
/* envs whose counts wait to be written back (the AVX-512 refill) */
#define WRITEBACK 256
/* target curve entries kept in a table (beyond: computed) */
#define TARGET_TABLE_MAX 65536

/* ------------------------------------------------------------ parameters */

/* indices shared by both tasks */
enum {
  P_ETA,
  P_NU,
  P_A,
  P_KH,
  P_NH,
  P_KF,
  P_NF,
  P_DT,
  P_CAP,
  P_MAX_STEPS,
  P_COMMON
};

/* control task */
enum {
  P_N_HORIZON = P_COMMON,
  P_TARGET_MODE,
  P_TARGET,
  P_SINE_MEAN,
  P_SINE_AMP,
  P_SINE_PERIOD,
  P_CONTROL_COUNT
};

/* sysid task: log-normal prior scales of nu, Kh, nh, Kf, nf */
enum { P_NU_SCALE = P_COMMON, P_SYSID_COUNT = P_COMMON + 5 };

/* the per-env kinetic parameters of sysid, in this order */
static const int32_t per_env_param[5] = {P_NU, P_KH, P_NH, P_KF, P_NF};

#define KINETIC_PARAMS                                                        \
  {"eta", 1.0, 1e-9, 1e6, 0, "1/min", "R1: H production rate under light"}, \
      {"nu", 0.01, 1e-9, 1e3, 0, "1/min",                                   \
       "R2, R5: degradation/dilution rate of H and F"},                    \
      {"a", 1.0, 1e-9, 1e6, 0, "1/min",                                    \
       "R3, R4: maximal GFP production (0.5*a each)"},                     \
      {"Kh", 90.0, 1e-6, 1e9, 0, "molecules", "R3: half-activation by H"}, \
      {"nh", 3.6, 1e-3, 100.0, 0, "", "R3: Hill exponent"},                \
      {"Kf", 30.0, 1e-6, 1e9, 0, "molecules", "R4: half-activation by F"}, \
      {"nf", 3.6, 1e-3, 100.0, 0, "", "R4: Hill exponent"},                \
      {"dt", 5.0, 1e-6, 1e6, 0, "min", "time per step (exact SSA inside)"},  \
      {"cap", 10000.0, 1.0, 1e7, 1, "reactions",                            \
       "reactions per env-step at most (hits are counted)"},                \
      {"max_steps", 288.0, 1.0, 2147483647.0, 1, "steps", "truncation horizon"}

static const myr_param_info control_params[P_CONTROL_COUNT] = {
    KINETIC_PARAMS,
    {"n_horizon", 1.0, 0.0, 64.0, 1, "steps",
     "future targets in the observation (obs_dim = 2 + n_horizon)"},
    {"target_mode", 0.0, 0.0, 1.0, 1, "", "0 constant target, 1 sine"},
    {"target", 25.0, 0.0, 1e9, 0, "molecules", "constant target of F"},
    {"sine_mean", 30.0, 0.0, 1e9, 0, "molecules", "sine target: mean"},
    {"sine_amp", 20.0, 0.0, 1e9, 0, "molecules", "sine target: amplitude"},
    {"sine_period", 600.0, 1e-6, 1e9, 0, "min", "sine target: period"},
};

static const myr_param_info sysid_params[P_SYSID_COUNT] = {
    KINETIC_PARAMS,
    {"nu_scale", 0.0, 0.0, 10.0, 0, "", "log-normal prior scale of nu"},
    {"Kh_scale", 0.0, 0.0, 10.0, 0, "", "log-normal prior scale of Kh"},
    {"nh_scale", 0.0, 0.0, 10.0, 0, "", "log-normal prior scale of nh"},
    {"Kf_scale", 0.0, 0.0, 10.0, 0, "", "log-normal prior scale of Kf"},
    {"nf_scale", 0.0, 0.0, 10.0, 0, "", "log-normal prior scale of nf"},
};

static const myr_field_info fields[] = {CC_STATE(MYR__INFO_F, MYR__INFO_H)};
static const uint8_t control_types[] = {
    CC_STATE(MYR__TYPE_F, MYR__TYPE_H) CC_HIDDEN(MYR__TYPE_F, MYR__TYPE_H)};
static const uint8_t sysid_types[] = {CC_STATE(MYR__TYPE_F, MYR__TYPE_H)};
#define F_COUNT ((int32_t)(sizeof fields / sizeof fields[0]))

/* ------------------------------------------------------------ state */

enum { TASK_CONTROL = MYR__CCASR_CONTROL, TASK_SYSID = MYR__CCASR_SYSID };

typedef myr__ccasr_env ccasr_env;

/* target F at step k (time k * dt) */
static double target_exact(const ccasr_env* E, int64_t k) {
  return myr_ccasr_target(E->target_mode != 0, E->target_const, E->sine_mean,
                          E->sine_amp, E->sine_period, E->p.dt, k);
}

static float target_at(const ccasr_env* E, int64_t k) {
  return k < E->target_len ? E->target[k] : (float)target_exact(E, k);
}

/* ------------------------------------------------------------ validation */

static int control_validate(const double* v) {
  if (v[P_TARGET_MODE] == 1.0 && v[P_SINE_AMP] > v[P_SINE_MEAN])
    return myr__fail(MYR_ERANGE,
                     "sine target of 'ccasr-gfp-control' would go negative: "
                     "sine_amp (%g) > sine_mean (%g)",
                     v[P_SINE_AMP], v[P_SINE_MEAN]);
  return MYR_OK;
}

/* ------------------------------------------------------------ lifetime */

static int init_common(const myr__env* e, myr__decl* d, void** data,
                       int32_t task) {
  ccasr_env* E = (ccasr_env*)myr__alloc(sizeof *E);
  const double* v = e->param_values;
  const myr_param_info* info = task == TASK_CONTROL ? control_params : sysid_params;
  const char* id = task == TASK_CONTROL ? "ccasr-gfp-control" : "ccasr-gfp-sysid";
  int32_t k;
  if (E == NULL) return myr__fail(MYR_ENOMEM, "out of memory (ccasr)");
  memset(E, 0, sizeof *E);
  E->task = task;
  E->p.eta = v[P_ETA];
  E->p.nu = v[P_NU];
  E->p.a = v[P_A];
  E->p.Kh = v[P_KH];
  E->p.nh = v[P_NH];
  E->p.Kf = v[P_KF];
  E->p.nf = v[P_NF];
  E->p.dt = v[P_DT];
  E->p.cap = (int32_t)v[P_CAP];
  E->max_steps = (int32_t)v[P_MAX_STEPS];
  myr_ccasr_tables_fill(&E->tab, &E->p);

  if (task == TASK_CONTROL) {
    E->n_horizon = (int32_t)v[P_N_HORIZON];
    E->obs_dim = 2 + E->n_horizon;
    E->target_mode = (int32_t)v[P_TARGET_MODE];
    E->target_const = v[P_TARGET];
    E->sine_mean = v[P_SINE_MEAN];
    E->sine_amp = v[P_SINE_AMP];
    E->sine_period = v[P_SINE_PERIOD];
    E->target_len = (int64_t)E->max_steps + E->n_horizon + 1;
    if (E->target_len > TARGET_TABLE_MAX) E->target_len = TARGET_TABLE_MAX;
    E->target = (float*)myr__alloc(sizeof(float) * (size_t)E->target_len);
    if (E->target == NULL) {
      myr__free(E);
      return myr__fail(MYR_ENOMEM, "out of memory (ccasr target)");
    }
    {
      int64_t i;
      for (i = 0; i < E->target_len; ++i)
        E->target[i] = (float)target_exact(E, i);
    }
  } else {
    /* a prior scale is the engine's lognormal(log p0, scale) setting: the
     * engine draws it once per env at create (MYR_STREAM_PARAM, sub-stream
     * = parameter index), rejects draws outside the range, and keeps it in
     * b->param_env[] across resets */
    E->obs_dim = 1;
    for (k = 0; k < 5; ++k) {
      int32_t pk = per_env_param[k];
      double scale = v[P_NU_SCALE + k];
      if (scale > 0.0 && d->randomised[pk]) {
        myr__free(E);
        return myr__fail(MYR_EINVAL,
                         "'%s' of 'ccasr-gfp-sysid' has both a distribution "
                         "and %s_scale > 0: give one",
                         sysid_params[pk].name, sysid_params[pk].name);
      }
      if (scale > 0.0) {
        d->dist[pk].name = sysid_params[pk].name;
        d->dist[pk].dist = MYR_DIST_LOGNORMAL;
        d->dist[pk].a = log(v[pk]);
        d->dist[pk].b = scale;
        d->randomised[pk] = 1;
      }
      E->varies[k] = d->randomised[pk];
      E->per_env |= E->varies[k];
    }
  }
  /* per-env distributions only for the sysid kinetic parameters */
  for (k = 0; k < MYR_PARAMS_MAX; ++k) {
    int32_t ok = 0, j;
    if (!d->randomised[k]) continue;
    for (j = 0; j < 5; ++j) ok |= task == TASK_SYSID && per_env_param[j] == k;
    if (!ok) {
      myr__free(E->target);
      myr__free(E);
      return myr__fail(MYR_EINVAL,
                       "parameter '%s' of '%s' cannot vary per env",
                       info[k].name, id);
    }
  }
  d->obs_dim = E->obs_dim;
  *data = E;
  return MYR_OK;
}

static int control_init(const myr__env* e, myr__decl* d, void** data) {
  return init_common(e, d, data, TASK_CONTROL);
}

static int sysid_init(const myr__env* e, myr__decl* d, void** data) {
  return init_common(e, d, data, TASK_SYSID);
}

static void cc_fini(void* data) {
  ccasr_env* E = (ccasr_env*)data;
  myr__free(E->target);
  myr__free(E);
}

/* ------------------------------------------------------------ observation */

static void observe_one(const myr__env* e, int64_t i, float* o) {
  const ccasr_env* E = (const ccasr_env*)e->data;
  int32_t k;
  o[0] = (float)e->col[CC_F].i[i] / 80.0f;
  if (E->task == TASK_CONTROL)
    for (k = 0; k <= E->n_horizon; ++k)
      o[1 + k] = target_at(E, (int64_t)e->col[CC_T].i[i] + k) / 80.0f;
}

static void cc_observe(const myr__env* e, int64_t begin, int64_t end,
                       float* obs) {
  const ccasr_env* E = (const ccasr_env*)e->data;
  int64_t i;
  for (i = begin; i < end; ++i) observe_one(e, i, obs + (i - begin) * E->obs_dim);
}

/* ------------------------------------------------------------ reset */

static void reset_one(const myr__env* e, int64_t i) {
  e->col[CC_H].i[i] = 0;
  e->col[CC_F].i[i] = 0;
  e->col[CC_T].i[i] = 0;
  if (e->col[CC_RET].d != NULL) e->col[CC_RET].d[i] = 0.0;
}

static void cc_reset(const myr__env* e, uint64_t clock, int64_t begin,
                     int64_t end, const uint8_t* mask, uint32_t stream,
                     float* obs) {
  const ccasr_env* E = (const ccasr_env*)e->data;
  int64_t i;
  (void)clock;
  (void)stream; /* deterministic reset: H = F = 0 */
  for (i = begin; i < end; ++i) {
    if (mask != NULL && !mask[i]) continue;
    reset_one(e, i);
    if (obs != NULL) observe_one(e, i, obs + (i - begin) * E->obs_dim);
  }
}

/* ------------------------------------------------------------ SSA */

/* The lanes of the SSA pass.  Lane l holds env begin + k[l] (live) or
 * nothing (live = act = 0, h = f = 0, so the lane loop still reads valid
 * table entries); an env enters a lane at the start of its step and leaves
 * it, written back, when its step is over. */
typedef struct lanes {
  _Alignas(64) int32_t h[LANES];
  int32_t f[LANES];
  int32_t n[LANES];     /* reactions applied this step */
  int32_t act[LANES];   /* step still running */
  int32_t hit[LANES];   /* reaction cap ended the step */
  int32_t live[LANES];  /* the lane holds an env */
  int32_t k[LANES];     /* its env: begin + k */
  float rem[LANES];     /* min left in the step */
  float eta_u[LANES];   /* eta * U */
  float nu[LANES];      /* the env's nu */
  float r3[LANES];      /* own propensities (per-env K or n): R3 at h_at, */
  float r4[LANES];      /* R4 at f_at */
  int32_t h_at[LANES];
  int32_t f_at[LANES];
  uint64_t rng[LANES];
  /* the AVX-512 lane loop: live as one bit mask per group of VEC lanes
   * (act, hit and live stay unused there: a live lane is active when a
   * sweep starts, and a cap hit ends its step in that sweep) */
  uint32_t live_m[LANES / VEC];
} lanes;

/* The envs of one SSA pass: the range (at most 2^30 envs, so k fits an
 * int32), the next env to stage, and the staged envs: the next envs of the
 * range that step, in order, with their step's inputs and generators (one
 * vectorised Philox loop per window).  Lanes load from the stage. */
typedef struct feed {
  const myr__env* e;
  const ccasr_env* E;
  int32_t* H;
  int32_t* F;
  int64_t begin;
  int32_t n, next;
  const uint32_t* act;  /* actions, indexed by k: light on where act & abit */
  uint32_t abit;        /* 1, or the bit of packed actions (myr__io) */
  const uint8_t* pend;  /* pending flags, indexed by k */
  uint64_t clock;
  int32_t own;          /* some K or n per env: own propensities */
  int32_t own_nu;       /* nu per env */
  int32_t sc, sp;       /* staged envs, the next one to load */
  float dt;             /* min, one step */
  int64_t sum_n, sum_hit;
  /* + VEC: whole vectors may be read past the staged envs */
  _Alignas(64) int32_t sk[STAGE + VEC];
  int32_t sh[STAGE + VEC];
  int32_t sf[STAGE + VEC];
  float seta[STAGE + VEC];
  float snu[STAGE + VEC];
  uint64_t srng[STAGE + VEC];
  /* the envs done whose counts are not written back yet (whole vectors
   * are stored past the last one) */
  int32_t wn;
  _Alignas(64) int32_t wk[WRITEBACK + VEC];
  int32_t wh[WRITEBACK + VEC];
  int32_t wf[WRITEBACK + VEC];
} feed;

/* U, the light of env k (0 or 1) */
static float light(const feed* D, int32_t k) {
  return (float)((D->act[k] & D->abit) != 0);
}

/* R3 (species 0, count H) or R4 (species 1, count F) propensity of env i:
 * the shared table when that reaction's parameters are shared, else the
 * formula with the env's own K and n */
static float prop_env(const myr__env* e, const ccasr_env* E, int32_t species,
                      int64_t i, int32_t x) {
  int32_t kk = 1 + 2 * species; /* index of K in per_env_param; n follows */
  if (!E->varies[kk] && !E->varies[kk + 1])
    return species == 0 ? myr_ccasr_r3(&E->tab, &E->p, x)
                        : myr_ccasr_r4(&E->tab, &E->p, x);
  return myr_ccasr_prop((double)x, E->p.a,
                        myr__param(e, per_env_param[kk], i),
                        myr__param(e, per_env_param[kk + 1], i));
}

static float nu_env(const myr__env* e, const ccasr_env* E, int64_t i) {
  return E->varies[0] ? (float)myr__param(e, P_NU, i) : (float)E->p.nu;
}

#if defined(__AVX512F__) && defined(__BMI2__) && defined(__AVX512DQ__)
#define MYR__CCASR_REFILL_VEC 1
static int32_t stage(feed* D);

/* stage() 16 envs at a time from env k while a block of 16 all step and
 * all have their counts inside the table (else the rest goes env by env);
 * returns the env reached */
static int32_t stage_vec(feed* D, int32_t k, int32_t end) {
  const myr__env* e = D->e;
  const ccasr_env* E = D->E;
  const double* pnu = E->varies[0] ? e->param_env[P_NU] : NULL;
  const __m512 eta = _mm512_set1_ps((float)E->p.eta);
  const __m512 nu = _mm512_set1_ps((float)E->p.nu);
  const __m512i tab = _mm512_set1_epi32(MYR_CCASR_TABLE);
  const __m512i iota = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6,
                                        5, 4, 3, 2, 1, 0);
  const int next_step = (int)e->autoreset == MYR_AUTORESET_NEXT_STEP;
  for (; k + VEC <= end; k += VEC) {
    int64_t i = D->begin + k;
    int32_t c = D->sc;
    __m512i h = _mm512_loadu_si512(D->H + i);
    __m512i f = _mm512_loadu_si512(D->F + i);
    __mmask16 out = _mm512_cmpge_epu32_mask(h, tab) | _mm512_cmpge_epu32_mask(f, tab);
    if (next_step) {
      __m128i p = _mm_loadu_si128((const __m128i*)(D->pend + k));
      if (_mm_movemask_epi8(_mm_cmpeq_epi8(p, _mm_setzero_si128())) != 0xFFFF)
        break;
    }
    if (out != 0 && !D->own) break;
    _mm512_storeu_si512(D->sk + c, _mm512_add_epi32(_mm512_set1_epi32(k), iota));
    _mm512_storeu_si512(D->sh + c, h);
    _mm512_storeu_si512(D->sf + c, f);
    /* eta * U, U = 1 or 0 */
    _mm512_storeu_ps(D->seta + c,
                     _mm512_maskz_mov_ps(_mm512_test_epi32_mask(_mm512_loadu_si512(D->act + k),
                                                                _mm512_set1_epi32((int32_t)D->abit)),
                                         eta));
    if (pnu != NULL) {
      __m256 lo = _mm512_cvtpd_ps(_mm512_loadu_pd(pnu + i));
      __m256 hi = _mm512_cvtpd_ps(_mm512_loadu_pd(pnu + i + 8));
      _mm512_storeu_ps(D->snu + c,
                       _mm512_insertf32x8(_mm512_castps256_ps512(lo), hi, 1));
    } else {
      _mm512_storeu_ps(D->snu + c, nu);
    }
    D->sc = c + VEC;
  }
  return k;
}

/* write the waiting counts back */
static void flush(feed* D) {
  int32_t j;
  for (j = 0; j < D->wn; ++j) {
    int64_t i = D->begin + D->wk[j];
    D->H[i] = D->wh[j];
    D->F[i] = D->wf[j];
  }
  D->wn = 0;
}

/* The refill of lanes g .. g+15 in AVX-512: the counts of the lanes in
 * mask m (their steps over) are queued for write-back (compressed into
 * the feed's buffer: written one by one right after the sweep's vector
 * stores, they stalled on store forwarding), and the lanes take the next
 * staged envs with one expanding load per column.  The same as retire()
 * and load() lane by lane, with the reaction and cap-hit sums kept by
 * sweep_vec().  Returns the lanes left idle. */
static int32_t refill_group(feed* D, lanes* L, int32_t g, uint32_t m) {
  __m512i k = _mm512_load_si512(L->k + g);
  __m512i h = _mm512_load_si512(L->h + g);
  __m512i f = _mm512_load_si512(L->f + g);
  __m512i zero = _mm512_setzero_si512();
  __m512 eta_u = _mm512_load_ps(L->eta_u + g), nu = _mm512_load_ps(L->nu + g);
  __m512 rem = _mm512_load_ps(L->rem + g), dt = _mm512_set1_ps(D->dt);
  __m512i n = _mm512_load_si512(L->n + g);
  __m512i rng0 = _mm512_load_si512(L->rng + g);
  __m512i rng1 = _mm512_load_si512(L->rng + g + 8);
  uint32_t live = L->live_m[g / VEC];
  int32_t idle = 0;

  {
    __mmask16 dm = (__mmask16)m;
    int32_t w = D->wn;
    _mm512_storeu_si512(D->wk + w, _mm512_maskz_compress_epi32(dm, k));
    _mm512_storeu_si512(D->wh + w, _mm512_maskz_compress_epi32(dm, h));
    _mm512_storeu_si512(D->wf + w, _mm512_maskz_compress_epi32(dm, f));
    D->wn = w + _mm_popcnt_u32(m);
    if (D->wn > WRITEBACK - VEC) flush(D);
  }
  while (m != 0) {
    uint32_t take = m;
    int32_t avail, s;
    __mmask16 mm;
    if (D->sp == D->sc && stage(D) == 0) {
      /* the range is exhausted: these lanes idle */
      mm = (__mmask16)m;
      live &= ~m;
      h = _mm512_mask_mov_epi32(h, mm, zero);
      f = _mm512_mask_mov_epi32(f, mm, zero);
      idle = _mm_popcnt_u32(m);
      break;
    }
    avail = D->sc - D->sp;
    take = myr__lanes_taking(take, avail);
    s = D->sp;
    mm = (__mmask16)take;
    k = _mm512_mask_expandloadu_epi32(k, mm, D->sk + s);
    h = _mm512_mask_expandloadu_epi32(h, mm, D->sh + s);
    f = _mm512_mask_expandloadu_epi32(f, mm, D->sf + s);
    eta_u = _mm512_mask_expandloadu_ps(eta_u, mm, D->seta + s);
    if (D->own_nu) nu = _mm512_mask_expandloadu_ps(nu, mm, D->snu + s);
    myr__expand64x16(&rng0, &rng1, take, D->srng + s);
    n = _mm512_mask_mov_epi32(n, mm, zero);
    rem = _mm512_mask_mov_ps(rem, mm, dt);
    live |= take;
    D->sp = s + (int32_t)_mm_popcnt_u32(take);
    m &= ~take;
  }
  _mm512_store_si512(L->k + g, k);
  _mm512_store_si512(L->h + g, h);
  _mm512_store_si512(L->f + g, f);
  _mm512_store_ps(L->eta_u + g, eta_u);
  if (D->own_nu) _mm512_store_ps(L->nu + g, nu);
  _mm512_store_ps(L->rem + g, rem);
  _mm512_store_si512(L->n + g, n);
  _mm512_store_si512(L->rng + g, rng0);
  _mm512_store_si512(L->rng + g + 8, rng1);
  L->live_m[g / VEC] = live;
  return idle;
}

#endif
/* Stage the next envs of the range that step (envs that reset instead,
 * next_step after an end, are passed over).  An env whose count is beyond
 * the table (shared K and n) runs its whole step here, with the same
 * iteration and the exact propensity formula beyond the table.  Returns
 * the envs staged, 0 once the range is exhausted. */
MYR_WIDE static int32_t stage(feed* D) {
  const myr__env* e = D->e;
  const ccasr_env* E = D->E;
  const float eta = (float)E->p.eta;
  const uint32_t g0 = (uint32_t)(e->env_offset + D->begin);
  D->sc = 0;
  D->sp = 0;
  while (D->sc == 0 && D->next < D->n) {
    int32_t end = D->n - D->next < STAGE ? D->n : D->next + STAGE, k;
    k = D->next;
#ifdef MYR__CCASR_REFILL_VEC
    k = stage_vec(D, k, end);
#endif
    for (; k < end; ++k) {
      int64_t i = D->begin + k;
      int32_t c = D->sc, h, f;
      if (myr__step_kind((int)e->autoreset, D->pend[k]) == MYR__STEP_RESET)
        continue;
      h = D->H[i];
      f = D->F[i];
      if (!D->own &&
          ((uint32_t)h >= MYR_CCASR_TABLE || (uint32_t)f >= MYR_CCASR_TABLE)) {
        uint64_t rng = myr_ccasr_rng_seed(e->seed, g0 + (uint32_t)k, D->clock);
        float rem = D->dt;
        int32_t nr = 0, hit = 0;
        myr_ccasr_ssa_shared(&E->tab, &E->p, eta * light(D, k),
                             nu_env(e, E, i), &h, &f, &rem, &rng, &nr, &hit);
        D->H[i] = h;
        D->F[i] = f;
        D->sum_n += nr;
        D->sum_hit += hit;
        continue;
      }
      D->sk[c] = k;
      D->sh[c] = h;
      D->sf[c] = f;
      D->seta[c] = eta * light(D, k);
      D->snu[c] = nu_env(e, E, i);
      D->sc = c + 1;
    }
    D->next = end;
  }
  /* one Philox call per env-step seeds its generator */
  myr__ssa_seeds(e->seed, g0, D->sk, D->sc, D->clock, D->srng);
  return D->sc;
}

/* the env of lane l is done: write it back */
static void retire(feed* D, lanes* L, int32_t l) {
  int64_t i = D->begin + L->k[l];
  D->H[i] = L->h[l];
  D->F[i] = L->f[l];
  D->sum_n += L->n[l];
  D->sum_hit += L->hit[l];
}

#ifndef MYR__CCASR_REFILL_VEC
/* a lane whose count left the table (shared K and n): the env finishes its
 * step here, as in stage() */
static void finish_lane(const ccasr_env* E, lanes* L, int32_t l) {
  if (!L->act[l]) return;
  myr_ccasr_ssa_shared(&E->tab, &E->p, L->eta_u[l], L->nu[l], &L->h[l],
                       &L->f[l], &L->rem[l], &L->rng[l], &L->n[l], &L->hit[l]);
  L->act[l] = 0;
}
#else
/* the same in the AVX-512 lane loop, where every live lane is active and
 * the sums are kept apart from the lanes */
static void finish_lane_vec(feed* D, lanes* L, int32_t l) {
  int32_t n0 = L->n[l], hit = 0;
  myr_ccasr_ssa_shared(&D->E->tab, &D->E->p, L->eta_u[l], L->nu[l], &L->h[l],
                       &L->f[l], &L->rem[l], &L->rng[l], &L->n[l], &hit);
  D->sum_n += L->n[l] - n0;
  D->sum_hit += hit;
}
#endif

/* lane l takes the next staged env; returns 0 (the lane left idle) when
 * the range is exhausted */
static int32_t load(feed* D, lanes* L, int32_t l) {
  int32_t s;
  if (D->sp == D->sc && stage(D) == 0) {
    L->live[l] = 0;
    L->act[l] = 0;
    L->h[l] = 0;
    L->f[l] = 0;
    return 0;
  }
  s = D->sp++;
  L->k[l] = D->sk[s];
  L->h[l] = D->sh[s];
  L->f[l] = D->sf[s];
  L->eta_u[l] = D->seta[s];
  L->nu[l] = D->snu[s];
  L->rng[l] = D->srng[s];
  L->n[l] = 0;
  L->hit[l] = 0;
  L->act[l] = 1;
  L->live[l] = 1;
  L->rem[l] = D->dt;
  if (D->own) {
    int64_t i = D->begin + L->k[l];
    L->h_at[l] = L->h[l];
    L->f_at[l] = L->f[l];
    L->r3[l] = prop_env(D->e, D->E, 0, i, L->h[l]);
    L->r4[l] = prop_env(D->e, D->E, 1, i, L->f[l]);
  }
  return 1;
}


#ifndef MYR__CCASR_REFILL_VEC
/* lanes 0 .. nl-1, one iteration each, counts inside the table (shared K
 * and n); returns bit 0: some live lane's step is over, bit 1: some count
 * left the table */
MYR_WIDE static int32_t sweep(lanes* MYR_RESTRICT L, int32_t nl,
                              const float* MYR_RESTRICT t3,
                              const float* MYR_RESTRICT t4, int32_t cap) {
  int32_t fin = 0, out = 0, l;
  for (l = 0; l < nl; ++l) {
    int32_t hl = L->h[l], fl = L->f[l];
    /* counts < MYR_CCASR_TABLE here: the count bound cannot be reached */
    L->act[l] = myr_ccasr_iter(L->act[l], L->eta_u[l], L->nu[l], t3[hl],
                               t4[fl], cap, 0, &hl, &fl, &L->rem[l],
                               &L->rng[l], &L->n[l], &L->hit[l]);
    L->h[l] = hl;
    L->f[l] = fl;
    fin |= L->live[l] & (L->act[l] ^ 1);
    out |= ((uint32_t)hl >= MYR_CCASR_TABLE) | ((uint32_t)fl >= MYR_CCASR_TABLE);
  }
  return fin | (out << 1);
}
#endif

#ifdef MYR__CCASR_REFILL_VEC
/* The lane loop in AVX-512 (as sweep() below, which other builds use),
 * with G = 4 groups of 16 lanes (all 64) interleaved operation by
 * operation: one iteration is a long dependency chain (the generator's
 * 64-bit multiplies, the log polynomial, the division), which one or two
 * groups leave mostly waiting (4 ran 5% faster than 2 at 100K envs, 8
 * groups of 128 lanes slower).
 * Each operation is myr_ccasr_iter()'s (bounded = 0), in its order, so
 * every lane computes the same bits.  nl is a multiple of 16 * G.  Every
 * live lane (L->live_m) is active: the lanes whose step ends here are
 * refilled before the next sweep.  Adds the reactions applied and the cap
 * hits to *sum; done_m and out_m get each group's lanes to refill and to
 * finish beyond the table; returns whether there are any. */
#define SWEEP_GROUPS 4
#define G SWEEP_GROUPS
MYR_WIDE static int32_t sweep_vec(lanes* MYR_RESTRICT L, int32_t nl,
                                  const float* MYR_RESTRICT t3,
                                  const float* MYR_RESTRICT t4, int32_t cap,
                                  uint32_t* MYR_RESTRICT done_m,
                                  uint32_t* MYR_RESTRICT out_m,
                                  int64_t* MYR_RESTRICT sum) {
  const __m512i one = _mm512_set1_epi32(1), minus_one = _mm512_set1_epi32(-1);
  const __m512i capv = _mm512_set1_epi32(cap), tab = _mm512_set1_epi32(MYR_CCASR_TABLE);
  __mmask16 any = 0;
  int32_t l, j, applied = 0, hits = 0;
  for (l = 0; l < nl; l += 16 * G) {
    __m512i h[G], f[G], n[G], w1[G], w2[G];
    __m512 eta_u[G], nu[G], rem[G], c1[G], c2[G], c3[G], a0[G], safe[G];
    __m512 tau[G];
    for (j = 0; j < G; ++j) {
      int32_t o = l + 16 * j;
      myr__splitmix16(L->rng + o, &w1[j], &w2[j]);
      h[j] = _mm512_load_si512(L->h + o);
      f[j] = _mm512_load_si512(L->f + o);
      n[j] = _mm512_load_si512(L->n + o);
      eta_u[j] = _mm512_load_ps(L->eta_u + o);
      nu[j] = _mm512_load_ps(L->nu + o);
      rem[j] = _mm512_load_ps(L->rem + o);
    }
    /* cumulative propensities: H+1, F+1, H-1, F-1 */
    for (j = 0; j < G; ++j) {
      __m512 r34 = _mm512_add_ps(_mm512_i32gather_ps(h[j], t3, 4),
                                 _mm512_i32gather_ps(f[j], t4, 4));
      c1[j] = eta_u[j];
      c2[j] = _mm512_add_ps(c1[j], r34);
    }
    for (j = 0; j < G; ++j)
      c3[j] = _mm512_add_ps(c2[j], _mm512_mul_ps(nu[j], _mm512_cvtepi32_ps(h[j])));
    for (j = 0; j < G; ++j)
      a0[j] = _mm512_add_ps(c3[j], _mm512_mul_ps(nu[j], _mm512_cvtepi32_ps(f[j])));
    /* safe = a0, or 1 where a0 = 0 (vfixupimmps: the zero class to +1,
     * any other value kept), so that no mask register stays live */
    for (j = 0; j < G; ++j)
      safe[j] = _mm512_fixupimm_ps(a0[j], a0[j], _mm512_set1_epi32(0x11111A11), 0);
    /* tau = -log(u1) / safe */
    for (j = 0; j < G; ++j) tau[j] = _mm512_div_ps(myr__neglog_u1_16(w1[j]), safe[j]);
    /* the masks of one group are made and used in one go (with all four
     * groups' masks live at once, they spilled to general registers) */
    for (j = 0; j < G; ++j) {
      int32_t o = l + 16 * j;
      __m512i dh, df;
      __mmask16 on = (__mmask16)L->live_m[o / 16], lv, fire, b1, b2, nb3, hitm, apply;
      __m512 left = _mm512_sub_ps(rem[j], tau[j]);
      __m512 r = _mm512_mul_ps(myr__u2_16(w2[j]), a0[j]);
      lv = _mm512_cmp_ps_mask(a0[j], _mm512_setzero_ps(), _CMP_GT_OQ);
      fire = on & lv & _mm512_cmp_ps_mask(left, _mm512_setzero_ps(), _CMP_GE_OQ);
      b1 = _mm512_cmp_ps_mask(r, c1[j], _CMP_LT_OQ);
      b2 = _mm512_cmp_ps_mask(r, c2[j], _CMP_LT_OQ);
      nb3 = _mm512_cmp_ps_mask(r, c3[j], _CMP_NLT_UQ); /* !(r < c3) */
      hitm = fire & _mm512_cmpge_epi32_mask(n[j], capv);
      apply = fire & (__mmask16)~hitm;
      /* dh = b1 - (b3 & !b2), df = (b2 & !b1) - !b3: as b1 implies b2
       * and b2 implies b3 (c1 <= c2 <= c3), the two terms of each never
       * hold at once, so each is +1, -1 or 0 by two masked moves */
      dh = _mm512_mask_mov_epi32(_mm512_maskz_mov_epi32(b1, one), (__mmask16)~(b2 | nb3),
                                 minus_one);
      df = _mm512_mask_mov_epi32(_mm512_maskz_mov_epi32(b2 & (__mmask16)~b1, one), nb3,
                                 minus_one);
      h[j] = _mm512_mask_add_epi32(h[j], apply, h[j], dh);
      f[j] = _mm512_mask_add_epi32(f[j], apply, f[j], df);
      _mm512_store_si512(L->h + o, h[j]);
      _mm512_store_si512(L->f + o, f[j]);
      _mm512_store_ps(L->rem + o, _mm512_mask_mov_ps(rem[j], apply, left));
      _mm512_store_si512(L->n + o, _mm512_mask_add_epi32(n[j], apply, n[j], one));
      applied += _mm_popcnt_u32(apply);
      hits += _mm_popcnt_u32(hitm);
      {
        /* an idle lane holds h = f = 0, so only live lanes leave the
         * table */
        __mmask16 lvm = (__mmask16)L->live_m[o / 16];
        __mmask16 om = _mm512_cmpge_epu32_mask(_mm512_max_epu32(h[j], f[j]), tab);
        /* the group's lanes whose step is over or whose count left the
         * table, and those of the latter */
        __mmask16 dm = (lvm & (__mmask16)~apply) | om;
        done_m[o / 16] = (uint32_t)dm;
        out_m[o / 16] = (uint32_t)om;
        any |= dm;
      }
    }
  }
  sum[0] += applied;
  sum[1] += hits;
  return any != 0;
}
#undef G
#endif

/* the same with each lane's own R3/R4 propensities (per-env K or n), any
 * count */
MYR_WIDE static void sweep_own(lanes* MYR_RESTRICT L, int32_t nl, int32_t cap) {
  int32_t l;
  for (l = 0; l < nl; ++l)
    L->act[l] = myr_ccasr_iter(L->act[l], L->eta_u[l], L->nu[l], L->r3[l],
                               L->r4[l], cap, 1, &L->h[l], &L->f[l],
                               &L->rem[l], &L->rng[l], &L->n[l], &L->hit[l]);
}

/* lane m moves to lane l (idle) */
static void move_lane(lanes* L, int32_t l, int32_t m) {
  L->h[l] = L->h[m];
  L->f[l] = L->f[m];
  L->n[l] = L->n[m];
  L->act[l] = L->act[m];
  L->hit[l] = L->hit[m];
  L->live[l] = 1;
  L->k[l] = L->k[m];
  L->rem[l] = L->rem[m];
  L->eta_u[l] = L->eta_u[m];
  L->nu[l] = L->nu[m];
  L->r3[l] = L->r3[m];
  L->r4[l] = L->r4[m];
  L->h_at[l] = L->h_at[m];
  L->f_at[l] = L->f_at[m];
  L->rng[l] = L->rng[m];
  L->live[m] = 0;
  L->act[m] = 0;
  L->h[m] = 0;
  L->f[m] = 0;
}

#ifdef MYR__CCASR_REFILL_VEC
#  define PACK (SWEEP_GROUPS * VEC) /* sweep_vec() runs them together */
/* so the AVX-512 loop never packs lanes: move_lane() keeps L.live, which
 * that loop replaces by L.live_m */
_Static_assert(PACK == LANES, "PACK");
#else
#  define PACK VEC
#endif
_Static_assert(LANES % PACK == 0, "LANES");

/* The SSA of envs [begin, begin + n), n <= 2^30: LANES lanes run the lane
 * loop; after a sweep in which some env's step ended (or a count left the
 * table), the refill writes those envs back and loads the next staged envs
 * of the range in their place, so lanes idle only once the range runs out;
 * then the live lanes are packed low and the loop runs over the groups of
 * PACK lanes that hold some.  Every env runs the same iterations on its own
 * generator whichever lane and sweep it is in, so the schedule never
 * changes a result. */
MYR_WIDE static void ssa_range(const myr__env* e, int64_t begin, int32_t n,
                               const uint32_t* act, uint32_t abit,
                               const uint8_t* pend, uint64_t clock,
                               myr__stats* st) {
  const ccasr_env* E = (const ccasr_env*)e->data;
  const int32_t cap = E->p.cap;
  feed D;
  lanes L;
  int32_t l, busy = 0, nl = LANES;
#ifdef MYR__CCASR_REFILL_VEC
  uint32_t done_m[LANES / VEC], out_m[LANES / VEC]; /* sweep_vec()'s masks */
  int64_t sums[2] = {0, 0}; /* and its reactions and cap hits */
#endif

  D.e = e;
  D.E = E;
  D.H = e->col[CC_H].i;
  D.F = e->col[CC_F].i;
  D.begin = begin;
  D.n = n;
  D.next = 0;
  D.act = act;
  D.abit = abit;
  D.pend = pend;
  D.clock = clock;
  D.own = E->varies[1] | E->varies[2] | E->varies[3] | E->varies[4];
  D.own_nu = E->varies[0];
  D.sc = 0;
  D.sp = 0;
  D.dt = (float)E->p.dt;
  D.sum_n = 0;
  D.sum_hit = 0;
  D.wn = 0;
  for (l = 0; l < LANES; ++l) {
    L.nu[l] = (float)E->p.nu; /* idle lanes too: shared nu is never reloaded */
    busy += load(&D, &L, l);
  }
#ifdef MYR__CCASR_REFILL_VEC
  for (l = 0; l < LANES / VEC; ++l) {
    int32_t j;
    L.live_m[l] = 0;
    for (j = 0; j < VEC; ++j) L.live_m[l] |= (uint32_t)L.live[l * VEC + j] << j;
  }
#endif

  while (busy > 0) {
    if (D.own) {
      /* the envs done; the propensities of the counts that changed */
      sweep_own(&L, nl, cap);
      for (l = 0; l < nl; ++l) {
        int64_t i = begin + L.k[l];
        if (!L.live[l]) continue;
        if (!L.act[l]) {
          retire(&D, &L, l);
          busy -= load(&D, &L, l) ^ 1;
          continue;
        }
        if (L.h[l] != L.h_at[l]) {
          L.h_at[l] = L.h[l];
          L.r3[l] = prop_env(e, E, 0, i, L.h[l]);
        }
        if (L.f[l] != L.f_at[l]) {
          L.f_at[l] = L.f[l];
          L.r4[l] = prop_env(e, E, 1, i, L.f[l]);
        }
      }
    } else
#ifdef MYR__CCASR_REFILL_VEC
    if (sweep_vec(&L, nl, E->tab.r3, E->tab.r4, cap, done_m, out_m, sums) != 0) {
      int32_t g;
      for (g = 0; g < nl; g += VEC) {
        uint32_t out = out_m[g / VEC], m = done_m[g / VEC];
        while (out != 0) { /* rare: finish beyond the table first */
          finish_lane_vec(&D, &L, g + __builtin_ctz(out));
          out &= out - 1;
        }
        if (m != 0) busy -= refill_group(&D, &L, g, m);
      }
#else
    if (sweep(&L, nl, E->tab.r3, E->tab.r4, cap) != 0) {
      for (l = 0; l < nl; ++l) {
        int32_t outl;
        if (!L.live[l]) continue;
        outl = (uint32_t)L.h[l] >= MYR_CCASR_TABLE ||
               (uint32_t)L.f[l] >= MYR_CCASR_TABLE;
        if (L.act[l] && !outl) continue;
        finish_lane(E, &L, l);
        retire(&D, &L, l);
        busy -= load(&D, &L, l) ^ 1;
      }
#endif
    }
    if (D.next >= D.n && D.sp == D.sc && busy > 0 && busy <= nl - PACK) {
      /* the range is out: pack the live lanes low, drop idle groups */
      int32_t m = nl - 1;
      for (l = 0; l < busy; ++l) {
        if (L.live[l]) continue;
        while (!L.live[m]) --m;
        move_lane(&L, l, m);
      }
      nl = (busy + PACK - 1) / PACK * PACK;
    }
  }
#ifdef MYR__CCASR_REFILL_VEC
  flush(&D);
  D.sum_n += sums[0];
  D.sum_hit += sums[1];
#endif
  st->reactions += D.sum_n;
  st->cap_hits += D.sum_hit;
}

/* ------------------------------------------------------------ step */

/* H_end, F_end: the counts at the end of the episode */
static void ended(const myr__env* e, int64_t i) {
  e->col[CC_H_END].i[i] = e->col[CC_H].i[i];
  e->col[CC_F_END].i[i] = e->col[CC_F].i[i];
}

/* Pass 1 of the contract after the SSA (passes.h): every env's step as a
 * RUN step -- step counter, reward -|F - target| (control) added to the
 * return where the env ran (no pending flag), truncation -- 16 envs at a
 * time in AVX-512 (one pass over the columns), the rest in loops the
 * compiler vectorises; the target from its table where the table covers
 * every step of the 16 envs or the rest (else target_at one by one: the
 * same values) */
MYR_WIDE static void run_pass(const myr__env* e, int64_t begin, int64_t n,
                              const myr__io* io) {
  const ccasr_env* E = (const ccasr_env*)e->data;
  int32_t* MYR_RESTRICT t = e->col[CC_T].i + begin;
  const int32_t* MYR_RESTRICT H = e->col[CC_H].i + begin;
  const int32_t* MYR_RESTRICT F = e->col[CC_F].i + begin;
  const uint8_t* MYR_RESTRICT pend = io->pending;
  float* MYR_RESTRICT rew = io->reward;
  uint8_t* MYR_RESTRICT term = io->terminated;
  uint8_t* MYR_RESTRICT trunc = io->truncated;
  const int32_t tmax = E->max_steps;
  const int control = E->task == TASK_CONTROL;
  int64_t k = 0, k0;
  int32_t tm = 0;
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
  {
    const __m512i one = _mm512_set1_epi32(1), tmaxv = _mm512_set1_epi32(tmax);
    const __m512i cmax = _mm512_set1_epi32(MYR_COUNT_MAX);
    const __m512i tlen = _mm512_set1_epi32((int32_t)E->target_len);
    const __m512 sign = _mm512_set1_ps(-0.0f);
    double* MYR_RESTRICT ret = control ? e->col[CC_RET].d + begin : NULL;
    for (; k + 16 <= n; k += 16) {
      __m512i tk = _mm512_add_epi32(_mm512_loadu_si512(t + k), one);
      __m512i fk = _mm512_loadu_si512(F + k);
      __mmask16 tr = _mm512_cmpge_epi32_mask(tk, tmaxv) |
                     _mm512_cmpge_epi32_mask(_mm512_loadu_si512(H + k), cmax) |
                     _mm512_cmpge_epi32_mask(fk, cmax);
      __m512 tg, r;
      __mmask16 run;
      _mm512_storeu_si512(t + k, tk);
      _mm_storeu_si128((__m128i*)(term + k), _mm_setzero_si128());
      _mm_storeu_si128((__m128i*)(trunc + k), _mm_maskz_mov_epi8(tr, _mm_set1_epi8(1)));
      if (!control) {
        _mm512_storeu_ps(rew + k, _mm512_setzero_ps());
        continue;
      }
      if (_mm512_cmpge_epi32_mask(tk, tlen) == 0) {
        tg = _mm512_i32gather_ps(tk, E->target, 4);
      } else {
        float v[16];
        int32_t j;
        for (j = 0; j < 16; ++j) v[j] = target_at(E, t[k + j]);
        tg = _mm512_loadu_ps(v);
      }
      /* myr_ccasr_reward: -|F - target|, the sign bit set */
      r = _mm512_or_ps(_mm512_sub_ps(_mm512_cvtepi32_ps(fk), tg), sign);
      run = _mm_cmpeq_epi8_mask(_mm_loadu_si128((const __m128i*)(pend + k)),
                                _mm_setzero_si128());
      {
        __m512d lo = _mm512_loadu_pd(ret + k), hi = _mm512_loadu_pd(ret + k + 8);
        _mm512_storeu_pd(ret + k, _mm512_mask_add_pd(lo, (__mmask8)run, lo,
                                                    _mm512_cvtps_pd(_mm512_castps512_ps256(r))));
        _mm512_storeu_pd(ret + k + 8,
                         _mm512_mask_add_pd(hi, (__mmask8)(run >> 8), hi,
                                            _mm512_cvtps_pd(_mm512_extractf32x8_ps(r, 1))));
      }
      _mm512_storeu_ps(rew + k, _mm512_maskz_mov_ps(run, r));
    }
  }
#endif
  /* the rest: loops simple enough for the vectoriser, one quantity each */
  k0 = k;
  for (k = k0; k < n; ++k) t[k] += 1;
  for (k = k0; k < n; ++k) {
    term[k] = 0;
    trunc[k] = (uint8_t)myr_ccasr_truncated(t[k], tmax, H[k], F[k]);
  }
  if (!control) {
    for (k = k0; k < n; ++k) rew[k] = 0.0f;
    return;
  }
  /* the reward at the step just reached, added to the return where the
   * env ran (no pending flag), and reported there (0 elsewhere) */
  for (k = k0; k < n; ++k) tm = t[k] > tm ? t[k] : tm;
  if (tm < E->target_len)
    for (k = k0; k < n; ++k) rew[k] = myr_ccasr_reward(F[k], E->target[t[k]]);
  else
    for (k = k0; k < n; ++k) rew[k] = myr_ccasr_reward(F[k], target_at(E, t[k]));
  myr__add_where_run(e->col[CC_RET].d + begin + k0, rew + k0, pend + k0, n - k0);
  for (k = k0; k < n; ++k) rew[k] = pend[k] == 0 ? rew[k] : 0.0f;
}

static void cc_step(const myr__env* e, int64_t begin, int64_t end,
                    const myr__io* io, myr__stats* st) {
  const ccasr_env* E = (const ccasr_env*)e->data;
  const double* ret = E->task == TASK_CONTROL ? e->col[CC_RET].d : NULL;
  int64_t n = end - begin, k;
  /* the light (0 or 1) as given or packed as bits */
  uint32_t abit;
  const uint32_t* act = myr__io_action_bits(io, &abit);

  /* 1. the SSA of the range, in pieces of at most 2^30 envs */
  for (k = 0; k < n; k += (int64_t)1 << 30) {
    int64_t m = n - k < ((int64_t)1 << 30) ? n - k : (int64_t)1 << 30;
    ssa_range(e, begin + k, (int32_t)m, act + k, abit, io->pending + k,
              io->clock, st);
  }
  /* 2. step counter, reward, truncation for all */
  run_pass(e, begin, n, io);
  /* 3. the envs with a flag: the contract, statistics, final observation,
   * autoreset (passes.h) */
  myr__flagged_contract(e, begin, n, io, st, E->obs_dim, ret, e->col[CC_T].i, ended,
                        observe_one, reset_one);
  /* 4. observations */
  if (io->obs != NULL) cc_observe(e, begin, end, io->obs);
}

/* the derived field: time since reset (min) */
static void cc_derive(const myr__env* e, int32_t f, int64_t begin,
                      int64_t end, double* out) {
  const ccasr_env* E = (const ccasr_env*)e->data;
  int64_t i;
  (void)f; /* CC_TIME, the only DERIVED field */
  for (i = begin; i < end; ++i)
    out[i - begin] = (double)e->col[CC_T].i[i] * E->p.dt;
}

/* ------------------------------------------------------------ classes */

const myr__env_class myr__ccasr_control_class = {
    .info = {.id = "ccasr-gfp-control", .aliases = "gene-circuit",
             .description = "CcaS-CcaR light-controlled GFP, exact SSA; track a target GFP level",
             .obs_dim = 3, .obs_low = 0.0f, .obs_high = INFINITY,
             .action_space = {MYR_SPACE_DISCRETE, 2, 0.0f, 1.0f},
             .num_params = P_CONTROL_COUNT, .params = control_params,
             .num_fields = F_COUNT, .fields = fields, .max_steps_default = 288,
             .state_bytes_per_env = CC_STATE(MYR__BYTES_F, MYR__BYTES_H)
                 CC_HIDDEN(MYR__BYTES_F, MYR__BYTES_H) + 1,
             .observation = "[F/80, target(t)/80, ..., target(t+n_horizon)/80], "
                            "t = steps taken, target in GFP molecules",
             .reward = "-|F - target(t)| in molecules after the step (t counts it)"},
    .types = control_types, .num_cols = (int32_t)sizeof control_types,
    .per_env_params = 0, /* no per-env distributions */
    .validate = control_validate, .init = control_init, .fini = cc_fini,
    .reset = cc_reset, .step = cc_step, .observe = cc_observe,
    .derive = cc_derive, .cuda = MYR__CUDA_ENV(ccasr),
    .default_block = MYR__SSA_BLOCK, .packed_actions = 1,
};

const myr__env_class myr__ccasr_sysid_class = {
    .info = {.id = "ccasr-gfp-sysid", .aliases = "",
             .description = "CcaS-CcaR gene circuit with per-env kinetic parameters "
                            "(system identification); obs F/80, reward 0",
             .obs_dim = 1, .obs_low = 0.0f, .obs_high = INFINITY,
             .action_space = {MYR_SPACE_DISCRETE, 2, 0.0f, 1.0f},
             .num_params = P_SYSID_COUNT, .params = sysid_params,
             .num_fields = F_COUNT, .fields = fields, .max_steps_default = 288,
             .state_bytes_per_env = CC_STATE(MYR__BYTES_F, MYR__BYTES_H) + 1,
             .observation = "[F/80]", .reward = "0 (system identification)"},
    .types = sysid_types, .num_cols = (int32_t)sizeof sysid_types,
    /* the kinetic parameters (init() refuses the others) */
    .per_env_params = 1, .init = sysid_init, .fini = cc_fini,
    .reset = cc_reset, .step = cc_step, .observe = cc_observe,
    .derive = cc_derive, .default_block = MYR__SSA_BLOCK, .packed_actions = 1,
};
