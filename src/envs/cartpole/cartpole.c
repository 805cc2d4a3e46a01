/*
 * cartpole.c -- the CartPole-v1 environment class: parameters, reset,
 * the float32 step kernel and state access (float64 kernel: cartpole64.c).
 *
 * The float32 step runs in three passes over the range so that the first,
 * which carries all the arithmetic, is a branch-free loop the compiler
 * vectorises (8 envs per AVX2 instruction):
 *   1. physics, step counter, termination, truncation, reward 1;
 *   2. a scalar pass over the few envs with an event (episode end, or a
 *      pending reset in next_step/disabled modes): statistics, final_obs,
 *      autoreset;
 *   3. observations, if requested (skipped in unrecorded fused rollouts).
 * That kernel reads the shared constants.  Any parameter may also be given
 * a per-env distribution; the batch then steps with a kernel that reads
 * each env's constants (cartpole_random.c, float64: cartpole64.c).
 */
#include <math.h>
#include <string.h>

#include "layout.h"

static const myr_param_info params[CP_NUM_PARAMS] = {
    {"gravity", 9.8, 0.0, 1000.0, 0, "m/s^2", "gravitational acceleration"},
    {"masscart", 1.0, 1e-6, 1e6, 0, "kg", "mass of the cart"},
    {"masspole", 0.1, 1e-6, 1e6, 0, "kg", "mass of the pole"},
    {"length", 0.5, 1e-6, 1e3, 0, "m", "half the pole length"},
    {"force_mag", 10.0, 0.0, 1e6, 0, "N", "force of a push"},
    {"tau", 0.02, 1e-6, 1.0, 0, "s", "time step (explicit Euler)"},
    {"theta_threshold_deg", 12.0, 1e-6, 360.0, 0, "deg",
     "|theta| beyond this terminates"},
    {"x_threshold", 2.4, 1e-6, 1e6, 0, "m", "|x| beyond this terminates"},
    {"max_steps", 500.0, 1.0, 2147483647.0, 1, "steps",
     "truncation horizon"},
    {"reset_bound", 0.05, 0.0, 10.0, 0, "", "reset draws U(-b, b) per variable"},
};

static const myr_field_info fields[] = {
    {"x", "m", "cart position", 0, 1, 0},
    {"x_dot", "m/s", "cart velocity", 0, 1, 0},
    {"theta", "rad", "pole angle from upright", 0, 1, 0},
    {"theta_dot", "rad/s", "pole angular velocity", 0, 1, 0},
    {"t", "steps", "steps since reset", 1, 1, 0},
};

/* ------------------------------------------------------------ lifetime */

static int cp_init(myr_batch* b) {
  myr__cartpole_env* E = (myr__cartpole_env*)myr__alloc(sizeof *E);
  int32_t k;
  if (E == NULL) return myr__fail(MYR_ENOMEM, "out of memory (cartpole)");
  memset(E, 0, sizeof *E);
  for (k = 0; k < CP_NUM_PARAMS; ++k) E->random |= b->param_randomised[k];
  /* param_env is not bound yet: the shared values */
  myr__cartpole_load(b, 0, &E->p);
  E->pf = myr_cartpole_params_to_f(&E->p);
  b->env = E;
  return MYR_OK;
}

static void cp_fini(myr_batch* b) {
  myr__free(b->env);
  b->env = NULL;
}

static void cp_bind(myr_batch* b, myr__arena* a) {
  myr__cartpole_env* E = (myr__cartpole_env*)b->env;
  int64_t n = b->num_envs;
  if (b->precision == MYR_FLOAT32) {
    E->x = (float*)myr__arena_take(a, n, sizeof(float));
    E->x_dot = (float*)myr__arena_take(a, n, sizeof(float));
    E->theta = (float*)myr__arena_take(a, n, sizeof(float));
    E->theta_dot = (float*)myr__arena_take(a, n, sizeof(float));
  } else {
    E->xd = (double*)myr__arena_take(a, n, sizeof(double));
    E->x_dotd = (double*)myr__arena_take(a, n, sizeof(double));
    E->thetad = (double*)myr__arena_take(a, n, sizeof(double));
    E->theta_dotd = (double*)myr__arena_take(a, n, sizeof(double));
  }
  E->t = (int32_t*)myr__arena_take(a, n, sizeof(int32_t));
}

/* ------------------------------------------------------------ reset */

/* each variable ~ U(-b, b) from one Philox call (24-bit uniforms); b is
 * the env's own reset_bound when that parameter is randomised */
void myr__cartpole_draw(const myr_batch* b, int64_t g, uint64_t clock,
                        uint32_t stream, double q[4]) {
  myr_philox_out r = myr_draw(b->seed, (uint32_t)g, clock, stream, b->epoch);
  double bound = myr__param(b, CP_RESET_BOUND, g - b->env_offset);
  double lo = -bound, width = 2.0 * bound;
  int k;
  for (k = 0; k < 4; ++k) q[k] = lo + width * (double)myr_u01f(r.v[k]);
}

static void reset_one(myr_batch* b, int64_t i, uint64_t clock, uint32_t stream,
                      float* obs) {
  myr__cartpole_env* E = (myr__cartpole_env*)b->env;
  double q[4];
  myr__cartpole_draw(b, b->env_offset + i, clock, stream, q);
  if (b->precision == MYR_FLOAT32) {
    E->x[i] = (float)q[0];
    E->x_dot[i] = (float)q[1];
    E->theta[i] = (float)q[2];
    E->theta_dot[i] = (float)q[3];
  } else {
    E->xd[i] = q[0];
    E->x_dotd[i] = q[1];
    E->thetad[i] = q[2];
    E->theta_dotd[i] = q[3];
  }
  E->t[i] = 0;
  if (obs != NULL) {
    obs[0] = (float)q[0];
    obs[1] = (float)q[1];
    obs[2] = (float)q[2];
    obs[3] = (float)q[3];
  }
}

static void cp_reset(myr_batch* b, int64_t begin, int64_t end,
                     const uint8_t* mask, uint32_t stream, float* obs) {
  int64_t i;
  for (i = begin; i < end; ++i)
    if (mask == NULL || mask[i])
      reset_one(b, i, b->clock, stream, obs ? obs + (i - begin) * 4 : NULL);
}

/* ------------------------------------------------------------ step, float32 */

static void cp_observe(const myr_batch* b, int64_t begin, int64_t end,
                       float* obs);

/* pass 1: one Euler step of envs [0, n) of the range; branch-free so the
 * compiler vectorises it (the arguments never alias) */
static void physics_f32(const myr_cartpole_params_f* Pp, float* MYR_RESTRICT x,
                        float* MYR_RESTRICT xd, float* MYR_RESTRICT th,
                        float* MYR_RESTRICT thd, int32_t* MYR_RESTRICT t,
                        const int32_t* MYR_RESTRICT act,
                        uint8_t* MYR_RESTRICT term, uint8_t* MYR_RESTRICT trunc,
                        float* MYR_RESTRICT rew, int64_t n) {
  const myr_cartpole_params_f P = *Pp;
  int64_t k;
  for (k = 0; k < n; ++k) {
    myr_cartpole_qf q, r;
    int32_t tk = t[k] + 1;
    q.x = x[k];
    q.x_dot = xd[k];
    q.theta = th[k];
    q.theta_dot = thd[k];
    r = myr_cartpole_step_f(&P, q, act[k]);
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

/* non-zero if any of the n flags of a, b or c is set (8 at a time) */
static uint64_t any_flag8(const uint8_t* a, const uint8_t* b, const uint8_t* c,
                          int64_t k) {
  uint64_t wa, wb, wc;
  memcpy(&wa, a + k, 8);
  memcpy(&wb, b + k, 8);
  memcpy(&wc, c + k, 8);
  return wa | wb | wc;
}

/* Autoreset of the listed envs (offsets from begin): the Philox draws run
 * as one vectorised loop over the list, then the states are scattered.
 * Same formula as reset_one(): lo + width * u, in double, then float. */
#define RESET_BATCH 256

static void reset_listed(myr_batch* b, int64_t begin, uint64_t clock,
                         const int32_t* list, int32_t m) {
  myr__cartpole_env* E = (myr__cartpole_env*)b->env;
  float q[4][RESET_BATCH];
  double lo = -E->p.reset_bound, width = 2.0 * E->p.reset_bound;
  uint32_t g0 = (uint32_t)(b->env_offset + begin);
  int32_t j;
  for (j = 0; j < m; ++j) {
    myr_philox_out r = myr_draw(b->seed, g0 + (uint32_t)list[j], clock,
                                MYR_STREAM_AUTORESET, b->epoch);
    q[0][j] = (float)(lo + width * (double)myr_u01f(r.v[0]));
    q[1][j] = (float)(lo + width * (double)myr_u01f(r.v[1]));
    q[2][j] = (float)(lo + width * (double)myr_u01f(r.v[2]));
    q[3][j] = (float)(lo + width * (double)myr_u01f(r.v[3]));
  }
  for (j = 0; j < m; ++j) {
    int64_t i = begin + list[j];
    E->x[i] = q[0][j];
    E->x_dot[i] = q[1][j];
    E->theta[i] = q[2][j];
    E->theta_dot[i] = q[3][j];
    E->t[i] = 0;
  }
}

static void cp_step(myr_batch* b, int64_t begin, int64_t end,
                    const myr__io* io, myr__stats* st) {
  myr__cartpole_env* E = (myr__cartpole_env*)b->env;
  int64_t n = end - begin, k, k0;
  float* x;
  float* xd;
  float* th;
  float* thd;
  int32_t* t;
  float* rew = io->reward;
  uint8_t* term = io->terminated;
  uint8_t* trunc = io->truncated;
  uint8_t* pend = b->pending + begin;
  int32_t resets[RESET_BATCH];
  int32_t m = 0;

  if (E->random) {
    /* per-env constants: a separate kernel, so this one stays as it is */
    if (b->precision == MYR_FLOAT64)
      myr__cartpole_step64_random(b, begin, end, io, st);
    else
      myr__cartpole_step_random(b, begin, end, io, st);
    return;
  }
  if (b->precision == MYR_FLOAT64) {
    myr__cartpole_step64(b, begin, end, io, st);
    return;
  }
  x = E->x + begin;
  xd = E->x_dot + begin;
  th = E->theta + begin;
  thd = E->theta_dot + begin;
  t = E->t + begin;

  /* 1. physics */
  physics_f32(&E->pf, x, xd, th, thd, t, io->act_i, term, trunc, rew, n);

  /* 2. events: episode ends and pending resets; groups of 8 envs are
   * tested as one 64-bit word and only flagged bytes are visited */
  for (k0 = 0; k0 < n; k0 += 8) {
    uint64_t w;
    if (k0 + 8 <= n) {
      w = any_flag8(term, trunc, pend, k0);
    } else {
      w = 0;
      for (k = k0; k < n; ++k)
        w |= (uint64_t)(term[k] | trunc[k] | pend[k]) << (8 * (k - k0));
    }
    while (w != 0) {
      k = k0 + (int64_t)(__builtin_ctzll(w) >> 3);
      w &= ~((uint64_t)0xFF << (8 * (k - k0)));
      if (pend[k]) {
        if (b->autoreset == MYR_AUTORESET_NEXT_STEP) {
          /* the step after an end: reset, ignore the action, reward 0 */
          resets[m++] = (int32_t)k;
          pend[k] = 0;
          term[k] = 0;
          trunc[k] = 0;
          rew[k] = 0.0f;
        } else {
          /* disabled: stepping past the end (Gymnasium warns, reward 0) */
          rew[k] = 0.0f;
        }
      } else {
        /* an episode ended: reward 1 per step, so return = length */
        st->episodes += 1;
        st->length_sum += t[k];
        myr__stats_add_fixed(st, (int64_t)t[k] * (int64_t)MYR_RETURN_SCALE);
        if (b->autoreset == MYR_AUTORESET_SAME_STEP) {
          if (io->final_obs != NULL) {
            float* f = io->final_obs + 4 * k;
            f[0] = x[k];
            f[1] = xd[k];
            f[2] = th[k];
            f[3] = thd[k];
          }
          resets[m++] = (int32_t)k;
        } else {
          pend[k] = 1;
        }
      }
      if (m == RESET_BATCH) {
        reset_listed(b, begin, io->clock, resets, m);
        m = 0;
      }
    }
  }
  if (m > 0) reset_listed(b, begin, io->clock, resets, m);

  /* 3. observations */
  if (io->obs != NULL) cp_observe(b, begin, end, io->obs);
}

/* ------------------------------------------------------------ access */

static void cp_observe(const myr_batch* b, int64_t begin, int64_t end,
                       float* obs) {
  const myr__cartpole_env* E = (const myr__cartpole_env*)b->env;
  int64_t i;
  if (b->precision == MYR_FLOAT32) {
    for (i = begin; i < end; ++i) {
      float* o = obs + 4 * (i - begin);
      o[0] = E->x[i];
      o[1] = E->x_dot[i];
      o[2] = E->theta[i];
      o[3] = E->theta_dot[i];
    }
  } else {
    for (i = begin; i < end; ++i) {
      float* o = obs + 4 * (i - begin);
      o[0] = (float)E->xd[i];
      o[1] = (float)E->x_dotd[i];
      o[2] = (float)E->thetad[i];
      o[3] = (float)E->theta_dotd[i];
    }
  }
}

static void cp_get_field(const myr_batch* b, int32_t f, int64_t begin,
                         int64_t end, double* out) {
  const myr__cartpole_env* E = (const myr__cartpole_env*)b->env;
  int64_t i;
  if (f == 4) {
    for (i = begin; i < end; ++i) out[i - begin] = (double)E->t[i];
  } else if (b->precision == MYR_FLOAT32) {
    const float* src[4] = {E->x, E->x_dot, E->theta, E->theta_dot};
    for (i = begin; i < end; ++i) out[i - begin] = (double)src[f][i];
  } else {
    const double* src[4] = {E->xd, E->x_dotd, E->thetad, E->theta_dotd};
    for (i = begin; i < end; ++i) out[i - begin] = src[f][i];
  }
}

static void cp_set_field(myr_batch* b, int32_t f, int64_t begin, int64_t end,
                         const double* in) {
  myr__cartpole_env* E = (myr__cartpole_env*)b->env;
  int64_t i;
  if (f == 4) {
    for (i = begin; i < end; ++i) E->t[i] = (int32_t)in[i - begin];
  } else if (b->precision == MYR_FLOAT32) {
    float* dst[4] = {E->x, E->x_dot, E->theta, E->theta_dot};
    for (i = begin; i < end; ++i) dst[f][i] = (float)in[i - begin];
  } else {
    double* dst[4] = {E->xd, E->x_dotd, E->thetad, E->theta_dotd};
    for (i = begin; i < end; ++i) dst[f][i] = in[i - begin];
  }
}

const myr__env_class myr__cartpole_class = {
    {"cartpole-v1", "cartpole,CartPole-v1",
     "pole balancing on a cart (Gymnasium CartPole-v1)", 4, -INFINITY,
     INFINITY, {MYR_SPACE_DISCRETE, 2, 0.0f, 1.0f}, CP_NUM_PARAMS, params,
     (int32_t)(sizeof fields / sizeof fields[0]), fields, 500,
     4 * sizeof(float) + sizeof(int32_t) + sizeof(uint8_t),
     "[x (m), x_dot (m/s), theta (rad), theta_dot (rad/s)]",
     "+1 on every step, the last one included"},
    NULL,
    cp_init,
    cp_fini,
    cp_bind,
    cp_reset,
    cp_step,
    cp_observe,
    cp_get_field,
    cp_set_field,
    NULL,
    myr__param_get,
};
