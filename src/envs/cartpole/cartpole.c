/*
 * cartpole.c -- the CartPole-v1 environment class: parameters, reset,
 * the float32 step kernel and state access (float64 kernel: step64.c).
 *
 * The float32 step runs in three passes over the range so that the first,
 * which carries all the arithmetic, is a branch-free loop the compiler
 * vectorises (8 envs per AVX2 instruction):
 *   1. physics, step counter, termination, truncation, reward 1;
 *   2. a scalar pass over the few envs with an event (episode end, or a
 *      pending reset in next_step/disabled modes): statistics, final_obs,
 *      autoreset;
 *   3. observations, if requested (skipped in unrecorded fused rollouts).
 * Pass 1 reads the shared constants or, when some parameter has a per-env
 * distribution, each env's own float32 constants, derived once at create
 * (cp_derive_pcols), so per-env parameters keep the vectorised kernel.
 * The float64 kernel in Gymnasium's order is step64.c.
 */
#include <math.h>
#include <string.h>

#include "layout.h"
#include "../../core/philox8.h"

MYR__CUDA_DECLARE(cartpole)

static const myr_param_info params[] = {CP_PARAMS(MYR__PARAM_INFO)};
static const myr_field_info fields[] = {CP_STATE(MYR__INFO_F, MYR__INFO_H)};
static const uint8_t types[] = {CP_STATE(MYR__TYPE_F, MYR__TYPE_H)};

/* ------------------------------------------------------------ lifetime */

static int cp_init(const myr__env* e, myr__decl* d, void** data) {
  myr__cartpole_data* D = (myr__cartpole_data*)myr__alloc(sizeof *D);
  int32_t k;
  if (D == NULL) return myr__fail(MYR_ENOMEM, "out of memory (cartpole)");
  memset(D, 0, sizeof *D);
  for (k = 0; k < CP_NUM_PARAMS; ++k) D->random |= d->randomised[k];
  /* param_env is not bound yet: the shared values */
  myr__cartpole_load(e, 0, &D->p);
  D->pf = myr_cartpole_params_to_f(&D->p);
  *data = D;
  return MYR_OK;
}

/* ------------------------------------------------------------ reset */

static void cp_reset(const myr__env* e, uint64_t clock, int64_t begin,
                     int64_t end, const uint8_t* mask, uint32_t stream,
                     float* obs) {
  int64_t i;
  int32_t c;
  for (i = begin; i < end; ++i) {
    double q[4];
    if (mask != NULL && !mask[i]) continue;
    myr__cartpole_draw(e, i, clock, stream, q);
    for (c = 0; c < 4; ++c) {
      if (e->precision == MYR_FLOAT32)
        e->col[c].f[i] = (float)q[c];
      else
        e->col[c].d[i] = q[c];
      if (obs != NULL) obs[(i - begin) * 4 + c] = (float)q[c];
    }
    e->col[CP_T].i[i] = 0;
  }
}

/* ------------------------------------------------------------ step, float32 */

static void cp_observe(const myr__env* e, int64_t begin, int64_t end,
                       float* obs);

/* per-env constants (pcol) of a batch with a randomised parameter: env
 * i's float32 constants, myr_cartpole_params_to_f() of its own values,
 * derived once at create by cp_derive_pcols() */
#define CP_PCOLS(X) \
  X(CPK_GRAVITY, gravity, f) \
  X(CPK_MASSPOLE, masspole, f) \
  X(CPK_LENGTH, length, f) \
  X(CPK_FORCE_MAG, force_mag, f) \
  X(CPK_TAU, tau, f) \
  X(CPK_THETA_THRESHOLD, theta_threshold, f) \
  X(CPK_X_THRESHOLD, x_threshold, f) \
  X(CPK_INV_TOTAL_MASS, inv_total_mass, f) \
  X(CPK_POLEMASS_LENGTH, polemass_length, f) \
  X(CPK_MAX_STEPS, max_steps, i)

enum { CP_PCOLS(MYR__PCOL_ENUM) CPK_COUNT };
MYR__DEFINE_PCOLS(cp, myr__cartpole_load, myr_cartpole_params, myr_cartpole_params_f,
                  myr_cartpole_params_to_f, CP_PCOLS)

/* pass 1: one Euler step of envs [0, n) of the range; branch-free so the
 * compiler vectorises it (the arguments never alias).  The constants are
 * the shared *Pp (pc NULL) or env k's own, pc[CPK_*] offset to the range:
 * the same loop body either way, inlined into cp_step twice, so both
 * contract the same multiply-adds in every build and a degenerate
 * distribution (uniform(a,a)) gives the shared-constant trajectory bit for
 * bit (tests/test_cartpole_random.c).  Inlined because a call costs the
 * step API about 10% at 1M envs.  small: every |theta| <=
 * MYR_SINCOSF_SMALL, so sin and cos skip the range reduction (the same
 * values). */
static inline __attribute__((always_inline)) void physics_span(
    const myr_cartpole_params_f* Pp, const myr__col* pc, int64_t k0,
    float* MYR_RESTRICT x, float* MYR_RESTRICT xd, float* MYR_RESTRICT th,
    float* MYR_RESTRICT thd, int32_t* MYR_RESTRICT t,
    const uint32_t* MYR_RESTRICT act, uint32_t abit, uint8_t* MYR_RESTRICT term,
    uint8_t* MYR_RESTRICT trunc, float* MYR_RESTRICT rew, int64_t n,
    const int32_t small) {
  const myr_cartpole_params_f S = *Pp;
  int64_t k;
  for (k = 0; k < n; ++k) {
    myr_cartpole_params_f P = S;
    myr_cartpole_qf q, r;
    int32_t tk = t[k] + 1;
    if (pc != NULL) {
      cp_pcols_at(&P, pc, k0 + k);
    }
    q.x = x[k];
    q.x_dot = xd[k];
    q.theta = th[k];
    q.theta_dot = thd[k];
    r = myr_cartpole_step_fs(&P, q, (act[k] & abit) != 0, small);
    x[k] = r.x;
    xd[k] = r.x_dot;
    th[k] = r.theta;
    thd[k] = r.theta_dot;
    t[k] = tk;
    term[k] = (uint8_t)myr_cartpole_terminated_f(&P, r);
    trunc[k] = (uint8_t)(tk >= P.max_steps);
    rew[k] = 1.0f;
  }
}

/* pass 1 in spans of 64 envs, each with the small-angle sin and cos where
 * every angle of the span allows it (CartPole's stay within 0.21 rad
 * unless a parameter or a written state says otherwise) */
#define PHYSICS_SPAN 64
static inline __attribute__((always_inline)) void physics_f32(
    const myr_cartpole_params_f* Pp, const myr__col* pc, float* MYR_RESTRICT x,
    float* MYR_RESTRICT xd, float* MYR_RESTRICT th, float* MYR_RESTRICT thd,
    int32_t* MYR_RESTRICT t, const uint32_t* MYR_RESTRICT act, uint32_t abit,
    uint8_t* MYR_RESTRICT term, uint8_t* MYR_RESTRICT trunc,
    float* MYR_RESTRICT rew, int64_t n) {
  int64_t k0, k;
  for (k0 = 0; k0 < n; k0 += PHYSICS_SPAN) {
    int64_t m = n - k0 < PHYSICS_SPAN ? n - k0 : PHYSICS_SPAN;
    int32_t big = 0;
    /* NaN counts as big */
    for (k = 0; k < m; ++k) big |= !(fabsf(th[k0 + k]) <= MYR_SINCOSF_SMALL);
    if (big)
      physics_span(Pp, pc, k0, x + k0, xd + k0, th + k0, thd + k0, t + k0,
                   act + k0, abit, term + k0, trunc + k0, rew + k0, m, 0);
    else
      physics_span(Pp, pc, k0, x + k0, xd + k0, th + k0, thd + k0, t + k0,
                   act + k0, abit, term + k0, trunc + k0, rew + k0, m, 1);
  }
}

/* Autoreset of the listed envs (offsets from begin): the same formula as
 * myr__cartpole_draw(): lo + width * u in double, then float, with the
 * env's own bound if it is randomised. */
#define RESET_BATCH 256
/* resets listed before they are applied */
#define RESET_LIST 1024

#if defined(MYR_HAVE_PHILOX8_TAIL) && defined(__AVX512DQ__)
/* In AVX-512, 8 envs at a time in registers: one Philox call per env
 * (myr_philox8), the four uniforms u = (w >> 8) 2^-24 converted straight
 * to double (exact, as float then double is), the affine map, and
 * scatters into the columns (stores of values just computed one by one
 * would wait on store forwarding) */
static void reset_batch(const myr__env* e, int64_t begin, uint64_t clock,
                        const int32_t* list, int32_t m) {
  const myr__cartpole_data* D = (const myr__cartpole_data*)e->data;
  const double* bound = e->param_env[CP_RESET_BOUND]; /* per env, or NULL */
  const uint32_t g0 = (uint32_t)(e->env_offset + begin);
  float* col[4];
  int32_t* t = e->col[CP_T].i + begin;
  const __m512d scale = _mm512_set1_pd(5.9604644775390625e-8);
  myr_philox8_key K;
  int32_t j, c;
  for (c = 0; c < 4; ++c) col[c] = e->col[CP_X + c].f + begin;
  myr_philox8_key_init(&K, e->seed);
  for (j = 0; j < m; j += 8) {
    const __mmask8 mk = (__mmask8)(m - j >= 8 ? 0xFFu : (1u << (m - j)) - 1u);
    const __m256i off = _mm256_maskz_loadu_epi32(mk, list + j);
    __m512i w[4];
    __m512d b, lo, width;
    myr_philox8_draw_o(&K, g0, off, clock, MYR_STREAM_AUTORESET, e->epoch, w);
    b = bound != NULL ? _mm512_mask_i32gather_pd(_mm512_setzero_pd(), mk, off,
                                                 bound + begin, 8)
                      : _mm512_set1_pd(D->p.reset_bound);
    lo = _mm512_xor_pd(b, _mm512_set1_pd(-0.0)); /* -b */
    width = _mm512_mul_pd(_mm512_set1_pd(2.0), b);
    for (c = 0; c < 4; ++c) {
      /* (w >> 8) 2^-24 of each lane's low word (the high word cleared by
       * the shift's zero mask) */
      __m512d u = _mm512_mul_pd(
          _mm512_cvtepi64_pd(_mm512_maskz_srli_epi32((__mmask16)0x5555, w[c], 8)), scale);
#  if defined(__FP_FAST_FMA)
      __m512d q = _mm512_fmadd_pd(width, u, lo);
#  else
      __m512d q = _mm512_add_pd(lo, _mm512_mul_pd(width, u));
#  endif
      _mm256_mask_i32scatter_ps(col[c], mk, off, _mm512_cvtpd_ps(q), 4);
    }
    _mm256_mask_i32scatter_epi32(t, mk, off, _mm256_setzero_si256(), 4);
  }
}
#else
/* in three loops: the Philox draws (8 at a time where AVX-512 is,
 * myr_draw_list), the states from the draws, the scatter into the columns */
static void reset_batch(const myr__env* e, int64_t begin, uint64_t clock,
                        const int32_t* list, int32_t m) {
  const myr__cartpole_data* D = (const myr__cartpole_data*)e->data;
  const double* bound = e->param_env[CP_RESET_BOUND]; /* per env, or NULL */
  uint32_t w[4][RESET_BATCH];
  double lo[RESET_BATCH], width[RESET_BATCH];
  float q[4][RESET_BATCH];
  const uint32_t g0 = (uint32_t)(e->env_offset + begin);
  const uint64_t seed = e->seed;
  const uint32_t epoch = e->epoch;
  int32_t j, c;
  myr_draw_list(seed, g0, list, m, clock, MYR_STREAM_AUTORESET, epoch, &w[0][0],
                RESET_BATCH);
  for (j = 0; j < m; ++j) {
    double b = bound != NULL ? bound[begin + list[j]] : D->p.reset_bound;
    lo[j] = -b;
    width[j] = 2.0 * b;
  }
  for (c = 0; c < 4; ++c)
    for (j = 0; j < m; ++j)
      q[c][j] = (float)myr__cartpole_affine(lo[j], width[j], myr_u01f(w[c][j]));
  for (j = 0; j < m; ++j) {
    int64_t i = begin + list[j];
    e->col[CP_X].f[i] = q[0][j];
    e->col[CP_X_DOT].f[i] = q[1][j];
    e->col[CP_THETA].f[i] = q[2][j];
    e->col[CP_THETA_DOT].f[i] = q[3][j];
    e->col[CP_T].i[i] = 0;
  }
}
#endif

/* the listed envs, RESET_BATCH at a time */
static void reset_listed(const myr__env* e, int64_t begin, uint64_t clock,
                         const int32_t* list, int32_t m) {
  int32_t j;
  for (j = 0; j < m; j += RESET_BATCH)
    reset_batch(e, begin, clock, list + j, m - j < RESET_BATCH ? m - j : RESET_BATCH);
}

/* 512-bit vectors for pass 1 (MYR_WIDE) */
MYR_WIDE static void cp_step(const myr__env* e, int64_t begin, int64_t end,
                             const myr__io* io, myr__stats* st) {
  const myr__cartpole_data* D = (const myr__cartpole_data*)e->data;
  int64_t n = end - begin, k, k0;
  float* x;
  float* xd;
  float* th;
  float* thd;
  int32_t* t;
  const uint32_t* act;
  uint32_t abit;
  float* rew = io->reward;
  uint8_t* term = io->terminated;
  uint8_t* trunc = io->truncated;
  uint8_t* pend = io->pending;
  int32_t resets[RESET_LIST];
  int32_t flagged[RESET_BATCH + 16];
  int32_t m = 0;
  /* same_step mode without final_obs: an env with a flag ended an
   * ordinary step (pending is set in the other modes only) */
  const int same_step =
      e->autoreset == MYR_AUTORESET_SAME_STEP && io->final_obs == NULL;
  int64_t ended = 0, length_sum = 0;

  if (e->precision == MYR_FLOAT64) {
    myr__cartpole_step64(e, begin, end, io, st, D->random);
    return;
  }
  x = e->col[CP_X].f + begin;
  xd = e->col[CP_X_DOT].f + begin;
  th = e->col[CP_THETA].f + begin;
  thd = e->col[CP_THETA_DOT].f + begin;
  t = e->col[CP_T].i + begin;

  /* 1. physics, with the shared constants or each env's own; the actions
   * (0 or 1) as they are or packed as bits */
  act = myr__io_action_bits(io, &abit);
  if (D->random) {
    myr__col pc[CPK_COUNT];
    myr__pcols_from(pc, e, CPK_COUNT, begin);
    physics_f32(&D->pf, pc, x, xd, th, thd, t, act, abit, term, trunc, rew, n);
  } else {
    physics_f32(&D->pf, NULL, x, xd, th, thd, t, act, abit, term, trunc, rew,
                n);
  }

  /* 2. events: episode ends and pending resets, listed RESET_BATCH envs
   * at a time (src/task/passes.h); only the envs with a flag are visited.
   * The resets wait until RESET_LIST are due or the range is done (an
   * env's events never read another env's state), so each call of
   * reset_listed() draws for many envs */
  for (k0 = 0; k0 < n; k0 += RESET_BATCH) {
    int32_t span = n - k0 < RESET_BATCH ? (int32_t)(n - k0) : RESET_BATCH;
    int32_t listed = myr__flag_list(term + k0, trunc + k0, pend + k0, span,
                                    (int32_t)k0, flagged);
    int32_t j;
    if (m > RESET_LIST - RESET_BATCH) {
      reset_listed(e, begin, io->clock, resets, m);
      m = 0;
    }
    for (j = 0; j < listed; ++j) {
      k = flagged[j];
      if (same_step && !pend[k]) {
        /* what myr__cartpole_events_f() does for an ordinary step that
         * ended, with the statistics summed below */
        ended += 1;
        length_sum += t[k];
        resets[m++] = (int32_t)k;
      } else if (myr__cartpole_events_f(e, begin + k, k, io, st)) {
        resets[m++] = (int32_t)k;
      }
    }
  }
  if (m > 0) reset_listed(e, begin, io->clock, resets, m);
  /* reward 1 per step: each return is its length, exact in fixed point */
  st->episodes += ended;
  st->length_sum += length_sum;
  myr__stats_add_fixed(st, length_sum * (int64_t)MYR_RETURN_SCALE);

  /* 3. observations */
  if (io->obs != NULL) cp_observe(e, begin, end, io->obs);
}

/* ------------------------------------------------------------ access */

/* four loads and four stores per env with the columns hoisted: the compiler
 * vectorises the interleave (a loop over the columns would not) */
static void cp_observe(const myr__env* e, int64_t begin, int64_t end,
                       float* obs) {
  const myr__col* c = e->col;
  int64_t i;
  if (e->precision == MYR_FLOAT32) {
    const float *x = c[CP_X].f, *xd = c[CP_X_DOT].f;
    const float *th = c[CP_THETA].f, *thd = c[CP_THETA_DOT].f;
    for (i = begin; i < end; ++i) {
      float* o = obs + 4 * (i - begin);
      o[0] = x[i], o[1] = xd[i], o[2] = th[i], o[3] = thd[i];
    }
  } else {
    const double *x = c[CP_X].d, *xd = c[CP_X_DOT].d;
    const double *th = c[CP_THETA].d, *thd = c[CP_THETA_DOT].d;
    for (i = begin; i < end; ++i) {
      float* o = obs + 4 * (i - begin);
      o[0] = (float)x[i], o[1] = (float)xd[i];
      o[2] = (float)th[i], o[3] = (float)thd[i];
    }
  }
}

const myr__env_class myr__cartpole_class = {
    .info = {.id = "cartpole-v1", .aliases = "cartpole,CartPole-v1",
             .description = "pole balancing on a cart (Gymnasium CartPole-v1)",
             .obs_dim = 4, .obs_low = -INFINITY, .obs_high = INFINITY,
             .action_space = {MYR_SPACE_DISCRETE, 2, 0.0f, 1.0f},
             MYR__INFO_TABLES(CP_STATE), .max_steps_default = 500,
             .observation = "[x (m), x_dot (m/s), theta (rad), theta_dot (rad/s)]",
             .reward = "+1 on every step, the last one included"},
    MYR__CLASS_COLS, .per_env_params = 1, /* every parameter may vary per env */
    .init = cp_init, .fini = myr__free,
    .reset = cp_reset, .step = cp_step, .observe = cp_observe,
    .cuda = MYR__CUDA_ENV(cartpole),
    .num_pcols = CPK_COUNT, .derive_pcols = cp_derive_pcols,
    .packed_actions = 1,
};
