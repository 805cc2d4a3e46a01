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
 *  1. the SSA, W envs at a time in "lanes": a lane loop whose body is the
 *     branch-free myr_ccasr_iter() with tabulated propensities, which the
 *     compiler vectorises (16 lanes per AVX-512 instruction).  Lanes that
 *     finish early idle (masked) until the slowest lane of the group ends.
 *     If a count leaves the table, the group finishes lane by lane with
 *     the same iteration and the exact propensity formula beyond the
 *     table: every env runs the same arithmetic either way, so the choice
 *     never changes a result.  Per-env parameters (sysid with priors) use
 *     the lane-by-lane loop with propensities recomputed when a count
 *     changes;
 *  2. step counter, reward, truncation, statistics and autoreset;
 *  3. observations, if requested.
 */
#include <math.h>
#include <string.h>

#include "../../core/fastmath.h"
#include "layout.h"

MYR__CUDA_DECLARE(ccasr)

/* lanes advanced together by the vectorised SSA loop */
#define LANES 16
/* GCC's tuning for this CPU family prefers 256-bit vectors; the lane loop
 * runs about 1.3x faster with 512-bit ones where AVX-512 is compiled in */
#if defined(__GNUC__) && !defined(__clang__) && defined(__AVX512F__)
#  define WIDE __attribute__((target("prefer-vector-width=512")))
#else
#  define WIDE
#endif
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

/* one group of up to LANES envs starting at env i0 (m of them) */
typedef struct lanes {
  int32_t h[LANES];
  int32_t f[LANES];
  int32_t n[LANES];     /* reactions applied this step */
  int32_t act[LANES];   /* step still running */
  int32_t hit[LANES];   /* reaction cap ended the step */
  float rem[LANES];     /* min left in the step */
  float eta_u[LANES];   /* eta * U */
  uint64_t rng[LANES];
} lanes;

/* shared parameters: propensities from the table or, beyond it, the
 * formula, re-evaluated only when a count changes */
static void finish_lane_shared(const ccasr_env* E, lanes* L, int32_t l,
                               float nu) {
  if (!L->act[l]) return;
  myr_ccasr_ssa_shared(&E->tab, &E->p, L->eta_u[l], nu, &L->h[l], &L->f[l],
                       &L->rem[l], &L->rng[l], &L->n[l], &L->hit[l]);
  L->act[l] = 0;
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

/* per-env parameters: propensities re-evaluated when a count changes */
static void finish_lane_per_env(const myr__env* e, lanes* L, int32_t l,
                                int64_t i) {
  const ccasr_env* E = (const ccasr_env*)e->data;
  float nu = (float)myr__param(e, P_NU, i);
  int32_t h_at = L->h[l], f_at = L->f[l];
  float r3 = prop_env(e, E, 0, i, h_at);
  float r4 = prop_env(e, E, 1, i, f_at);
  while (L->act[l]) {
    if (L->h[l] != h_at) {
      h_at = L->h[l];
      r3 = prop_env(e, E, 0, i, h_at);
    }
    if (L->f[l] != f_at) {
      f_at = L->f[l];
      r4 = prop_env(e, E, 1, i, f_at);
    }
    L->act[l] = myr_ccasr_iter(1, L->eta_u[l], nu, r3, r4, E->p.cap, 1, &L->h[l],
                               &L->f[l], &L->rem[l], &L->rng[l], &L->n[l],
                               &L->hit[l]);
  }
}

/* one iteration of every lane, counts inside the table; returns bit 0:
 * some lane is still running, bit 1: some count left the table */
WIDE static int32_t sweep(lanes* MYR_RESTRICT L, const float* MYR_RESTRICT t3,
                     const float* MYR_RESTRICT t4, float nu, int32_t cap) {
  int32_t any = 0, out = 0, l;
  for (l = 0; l < LANES; ++l) {
    int32_t hl = L->h[l], fl = L->f[l];
    /* counts < MYR_CCASR_TABLE here: the count bound cannot be reached */
    L->act[l] = myr_ccasr_iter(L->act[l], L->eta_u[l], nu, t3[hl], t4[fl], cap, 0,
                               &hl, &fl, &L->rem[l], &L->rng[l], &L->n[l],
                               &L->hit[l]);
    L->h[l] = hl;
    L->f[l] = fl;
    any |= L->act[l];
    out |= ((uint32_t)hl >= MYR_CCASR_TABLE) | ((uint32_t)fl >= MYR_CCASR_TABLE);
  }
  return any | (out << 1);
}

WIDE static void ssa_group(const myr__env* e, int64_t i0, int32_t m,
                      const int32_t* act, const uint8_t* pend, uint64_t clock,
                      myr__stats* st) {
  const ccasr_env* E = (const ccasr_env*)e->data;
  int32_t* H = e->col[CC_H].i;
  int32_t* F = e->col[CC_F].i;
  const float eta = (float)E->p.eta;
  const float nu = (float)E->p.nu;
  const int32_t cap = E->p.cap;
  const uint32_t g0 = (uint32_t)(e->env_offset + i0);
  lanes L;
  int32_t l, out = 0, sum_n = 0, sum_hit = 0;

  /* load the lanes; padding lanes and envs that reset instead of stepping
   * (next_step after an end) stay idle */
  for (l = 0; l < LANES; ++l) {
    int32_t on = l < m &&
                 myr__step_kind((int)e->autoreset, pend[l]) != MYR__STEP_RESET;
    L.h[l] = on ? H[i0 + l] : 0;
    L.f[l] = on ? F[i0 + l] : 0;
    L.act[l] = on;
    L.eta_u[l] = on ? eta * (float)act[l] : 0.0f;
    L.n[l] = 0;
    L.hit[l] = 0;
    L.rem[l] = (float)E->p.dt;
    out |= (uint32_t)L.h[l] >= MYR_CCASR_TABLE ||
           (uint32_t)L.f[l] >= MYR_CCASR_TABLE;
  }
  /* one Philox call per env-step seeds its generator */
  for (l = 0; l < LANES; ++l)
    L.rng[l] = myr_ccasr_rng_seed(e->seed, g0 + (uint32_t)l, clock);

  if (E->per_env) {
    for (l = 0; l < m; ++l) finish_lane_per_env(e, &L, l, i0 + l);
  } else {
    /* vectorised lane loop while every count is inside the table */
    while (!out) {
      int32_t flags = sweep(&L, E->tab.r3, E->tab.r4, nu, cap);
      out = flags >> 1;
      if (!(flags & 1)) break;
    }
    /* a count left the table: finish lane by lane (same arithmetic) */
    if (out)
      for (l = 0; l < m; ++l) finish_lane_shared(E, &L, l, nu);
  }

  /* write back */
  for (l = 0; l < m; ++l) {
    if (myr__step_kind((int)e->autoreset, pend[l]) == MYR__STEP_RESET) continue;
    H[i0 + l] = L.h[l];
    F[i0 + l] = L.f[l];
    sum_n += L.n[l];
    sum_hit += L.hit[l];
  }
  st->reactions += sum_n;
  st->cap_hits += sum_hit;
}

/* ------------------------------------------------------------ step */

/* truncation (myr_ccasr_truncated: the horizon or the count bound) */
static int32_t at_end(const myr__env* e, int64_t i) {
  const ccasr_env* E = (const ccasr_env*)e->data;
  return myr_ccasr_truncated(e->col[CC_T].i[i], E->max_steps,
                             e->col[CC_H].i[i], e->col[CC_F].i[i]);
}

static void cc_step(const myr__env* e, int64_t begin, int64_t end,
                    const myr__io* io, myr__stats* st) {
  const ccasr_env* E = (const ccasr_env*)e->data;
  int32_t* t = e->col[CC_T].i;
  double* ret = e->col[CC_RET].d; /* control only */
  int64_t n = end - begin, k;
  uint8_t* pend = io->pending;
  int32_t od = E->obs_dim;

  /* 1. the SSA, LANES envs at a time */
  for (k = 0; k < n; k += LANES) {
    int32_t m = n - k < LANES ? (int32_t)(n - k) : LANES;
    ssa_group(e, begin + k, m, io->act_i + k, pend + k, io->clock, st);
  }

  /* 2. step counter, reward, truncation, statistics, autoreset */
  for (k = 0; k < n; ++k) {
    int64_t i = begin + k;
    int kind = myr__step_kind((int)e->autoreset, pend[k]);
    float r = 0.0f;
    uint8_t tr;
    if (kind == MYR__STEP_RESET) {
      reset_one(e, i);
      pend[k] = 0;
      io->reward[k] = 0.0f;
      io->terminated[k] = 0;
      io->truncated[k] = 0;
      continue;
    }
    t[i] += 1;
    if (E->task == TASK_CONTROL && kind == MYR__STEP_RUN) {
      /* -|F_{t+1} - target_{t+1}|: the target of the step just reached
       * (the JAX original compared with the previous step's target) */
      r = myr_ccasr_reward(e->col[CC_F].i[i], target_at(E, t[i]));
      ret[i] += (double)r;
    }
    tr = (uint8_t)at_end(e, i);
    io->reward[k] = myr__step_reward(kind, r);
    io->terminated[k] = 0;
    io->truncated[k] = tr;
    if (myr__step_end((int)e->autoreset, kind, &pend[k], 0, tr) == MYR__END_NONE)
      continue;
    myr__stats_add_episode(st, ret != NULL ? ret[i] : 0.0, t[i]);
    e->col[CC_H_END].i[i] = e->col[CC_H].i[i];
    e->col[CC_F_END].i[i] = e->col[CC_F].i[i];
    if (e->autoreset == MYR_AUTORESET_SAME_STEP) {
      if (io->final_obs != NULL) observe_one(e, i, io->final_obs + k * od);
      reset_one(e, i);
    }
  }

  /* 3. observations */
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
    .derive = cc_derive,
};
