/*
 * pendulum.c -- the Pendulum-v1 environment class (Gymnasium
 * classic_control/pendulum.py): continuous torque, reward -cost, never
 * terminates, truncated after max_steps (200).
 *
 * State per env: theta and theta_dot (float32 arrays in float32 mode,
 * float64 arrays in float64 mode), the step counter and the episode return
 * so far (statistics).  Any parameter may be randomised per env.
 *
 * The float32 step runs in three passes over the range (src/task/passes.h):
 *   1. physics, step counter, truncation, reward and return so far: a
 *      branch-free loop the compiler vectorises, reading the shared float32
 *      constants or, when some parameter has a per-env distribution, each
 *      env's own, derived once at create (pd_derive_pcols);
 *   2. a scalar pass over the few envs with an event (episode end, or a
 *      pending reset in next_step/disabled modes): statistics, final_obs,
 *      autoreset;
 *   3. observations, if requested.
 * The float64 step goes one env at a time (myr__step_each), reading each
 * env's constants through myr__param().  Built with -ffp-contract=off so
 * the float64 path keeps Gymnasium's rounding.
 */
#include <math.h>
#include <string.h>

#include "../../task/task.h"
#include "../../task/passes.h"
#include "physics.h"

#define PD_PARAMS(P)                                                        \
  P(PD_G, "g", 10.0, 0.0, 1000.0, 0, "m/s^2", "gravitational acceleration", g) \
  P(PD_M, "m", 1.0, 1e-6, 1e6, 0, "kg", "mass of the rod", m)                  \
  P(PD_L, "l", 1.0, 1e-6, 1e3, 0, "m", "length of the rod", l)                 \
  P(PD_MAX_SPEED, "max_speed", 8.0, 0.0, 1e6, 0, "rad/s",                   \
    "|theta_dot| is clipped to this", max_speed)                                       \
  P(PD_MAX_TORQUE, "max_torque", 2.0, 0.0, 1e6, 0, "N m",                   \
    "|torque| is clipped to this (the action space stays [-2, 2])", max_torque)         \
  P(PD_DT, "dt", 0.05, 1e-6, 1.0, 0, "s", "time step", dt)                      \
  P(PD_MAX_STEPS, "max_steps", 200.0, 1.0, 2147483647.0, 1, "steps",        \
    "truncation horizon", max_steps)                                                   \
  P(PD_RESET_THETA, "reset_theta", MYR_PI, 0.0, 1e3, 0, "rad",              \
    "reset draws theta ~ U(-a, a)", reset_theta)                                         \
  P(PD_RESET_SPEED, "reset_speed", 1.0, 0.0, 1e3, 0, "rad/s",               \
    "reset draws theta_dot ~ U(-b, b)", reset_speed)

#define PD_STATE(F, H)                                                      \
  F(PD_THETA, "theta", REAL, "rad", "angle from upright (not wrapped)", 1, 0) \
  F(PD_THETA_DOT, "theta_dot", REAL, "rad/s", "angular velocity", 1, 0)     \
  F(PD_T, "t", I32, "steps", "steps since reset", 1, 0)                     \
  F(PD_RET, "ret", F64, "", "return of the episode so far", 0, 0)

enum { PD_PARAMS(MYR__PARAM_ENUM) PD_NUM_PARAMS };
enum { PD_STATE(MYR__ENUM_F, MYR__ENUM_H) PD_NUM_COLS };
MYR__DEFINE_TABLES(PD_PARAMS, PD_STATE)

MYR__DEFINE_CONSTS(pd, myr_pendulum_params, myr_pendulum_params_f,
                   myr_pendulum_params_to_f, PD_PARAMS)

static void observe1(const myr__env* e, int64_t i, float* o) {
  double th = myr__real(e, PD_THETA, i);
  o[0] = (float)cos(th);
  o[1] = (float)sin(th);
  o[2] = (float)myr__real(e, PD_THETA_DOT, i);
}

/* theta ~ U(-a, a), theta_dot ~ U(-b, b) from one Philox block */
static void reset1(const myr__env* e, int64_t i, uint64_t clock,
                   uint32_t stream) {
  myr_philox_out r =
      myr_draw(e->seed, (uint32_t)(e->env_offset + i), clock, stream, e->epoch);
  double a = myr__param(e, PD_RESET_THETA, i);
  double s = myr__param(e, PD_RESET_SPEED, i);
  myr__set_real(e, PD_THETA, i, -a + 2.0 * a * myr_u01d(r.v[0], r.v[1]));
  myr__set_real(e, PD_THETA_DOT, i, -s + 2.0 * s * myr_u01d(r.v[2], r.v[3]));
  e->col[PD_T].i[i] = 0;
  e->col[PD_RET].d[i] = 0.0;
}

/* ------------------------------------------------------------ float64 */

/* advance() of the float64 step (myr__step_each): env i in Gymnasium's order */
static myr__one advance64(const myr__env* e, int64_t i, int64_t k, int kind,
                          const myr__io* io, myr__stats* st) {
  double* th = e->col[PD_THETA].d;
  double* thd = e->col[PD_THETA_DOT].d;
  double nth, nthd, cost;
  myr_pendulum_params tmp;
  const myr_pendulum_params* p = pd_p(e, i, &tmp);
  float reward;
  myr__one r;
  (void)st;
  myr_pendulum_step_d(p, th[i], thd[i], io->act_f[k], &nth, &nthd, &cost);
  th[i] = nth;
  thd[i] = nthd;
  reward = myr__step_reward(kind, (float)-cost);
  r = myr__one_counted(e->col[PD_T].i + i, p->max_steps, reward, 0,
                       e->col[PD_RET].d[i]);
  e->col[PD_RET].d[i] = r.ret;
  return r;
}

/* ------------------------------------------------------------ float32 */

/* per-env constants (pcol) of a batch with a randomised parameter: env
 * i's float32 constants, myr_pendulum_params_to_f() of its own values,
 * derived once at create by pd_derive_pcols() */
#define PD_PCOLS(X) \
  X(PDK_GRAV_COEF, grav_coef, f) \
  X(PDK_TORQUE_COEF, torque_coef, f) \
  X(PDK_MAX_SPEED, max_speed, f) \
  X(PDK_MAX_TORQUE, max_torque, f) \
  X(PDK_DT, dt, f) \
  X(PDK_MAX_STEPS, max_steps, i)

enum { PD_PCOLS(MYR__PCOL_ENUM) PDK_COUNT };
MYR__DEFINE_PCOLS(pd, pd_load, myr_pendulum_params, myr_pendulum_params_f,
                  myr_pendulum_params_to_f, PD_PCOLS)

/* pass 1: one step of envs [0, n) of the range as an ordinary (RUN) step;
 * branch-free so the compiler vectorises it (the arguments never alias).
 * The return so far adds the reward unless the env is pending (a PAST_END
 * step reports 0; a RESET step's return is overwritten by the reset).
 * The constants are the shared *Pp (pc NULL) or env k's own, pc[PDK_*]
 * offset to the range: the same loop body either way, inlined into
 * pd_step twice, so a degenerate distribution (uniform(a,a)) gives the
 * shared-constant trajectory bit for bit. */
static inline __attribute__((always_inline)) void physics_f32(
    const myr_pendulum_params_f* Pp, const myr__col* pc,
    float* MYR_RESTRICT th, float* MYR_RESTRICT thd, int32_t* MYR_RESTRICT t,
    double* MYR_RESTRICT ret, const float* MYR_RESTRICT act,
    const uint8_t* MYR_RESTRICT pend, uint8_t* MYR_RESTRICT term,
    uint8_t* MYR_RESTRICT trunc, float* MYR_RESTRICT rew, int64_t n) {
  const myr_pendulum_params_f S = *Pp;
  int64_t k;
  for (k = 0; k < n; ++k) {
    myr_pendulum_params_f P = S;
    float nth, nthd, cost, reward;
    int32_t tk = t[k] + 1;
    if (pc != NULL) {
      pd_pcols_at(&P, pc, k);
    }
    myr_pendulum_step_f(&P, th[k], thd[k], act[k], &nth, &nthd, &cost);
    reward = -cost;
    th[k] = nth;
    thd[k] = nthd;
    t[k] = tk;
    /* reward, or +0 where pending, by bit masks: as a select on the byte
     * flag it did not vectorise on every target (GCC could not convert
     * the byte mask to the double lanes') */
    ret[k] = ret[k] + (double)myr_selectf(pend[k] == 0, reward, 0.0f);
    term[k] = 0;
    trunc[k] = (uint8_t)(tk >= P.max_steps);
    rew[k] = reward;
  }
}

/* pass 2: the contract for env k of the range with an event */
typedef struct pd_events {
  const myr__env* e;
  const myr__io* io;
  myr__stats* st;
  int64_t begin;
} pd_events;

static void pd_event(void* ctx, int64_t k) {
  const pd_events* c = (const pd_events*)ctx;
  const myr__env* e = c->e;
  int64_t i = c->begin + k;
  int ev = myr__pass_event(e, c->io, k);
  if (ev == MYR__EVENT_RECORD || ev == MYR__EVENT_RECORD_RESET)
    myr__stats_add_episode(c->st, e->col[PD_RET].d[i], e->col[PD_T].i[i]);
  if (ev == MYR__EVENT_RECORD_RESET && c->io->final_obs != NULL)
    observe1(e, i, c->io->final_obs + 3 * k);
  if (ev == MYR__EVENT_RESET || ev == MYR__EVENT_RECORD_RESET)
    reset1(e, i, c->io->clock, MYR_STREAM_AUTORESET);
}

MYR_WIDE static void pd_step(const myr__env* e, int64_t begin, int64_t end,
                    const myr__io* io, myr__stats* st) {
  const pd_data* D = (const pd_data*)e->data;
  int64_t n = end - begin;
  float* th;
  float* thd;
  int32_t* t;
  double* ret;
  pd_events ctx;

  if (e->precision == MYR_FLOAT64) {
    myr__step_each(e, begin, end, io, st, 3, advance64, reset1, observe1, NULL);
    return;
  }
  th = e->col[PD_THETA].f + begin;
  thd = e->col[PD_THETA_DOT].f + begin;
  t = e->col[PD_T].i + begin;
  ret = e->col[PD_RET].d + begin;

  /* 1. physics, with the shared constants or each env's own */
  if (D->random) {
    myr__col pc[PDK_COUNT];
    myr__pcols_from(pc, e, PDK_COUNT, begin);
    physics_f32(&D->pf, pc, th, thd, t, ret, io->act_f, io->pending,
                io->terminated, io->truncated, io->reward, n);
  } else {
    physics_f32(&D->pf, NULL, th, thd, t, ret, io->act_f, io->pending,
                io->terminated, io->truncated, io->reward, n);
  }

  /* 2. events: episode ends and pending resets */
  ctx.e = e;
  ctx.io = io;
  ctx.st = st;
  ctx.begin = begin;
  myr__visit_flagged(io->terminated, io->truncated, io->pending, n, pd_event,
                     &ctx);

  /* 3. observations (cos and sin of theta in double, as in float64) */
  if (io->obs != NULL) myr__observe_each(e, begin, end, io->obs, 3, observe1);
}

static void pd_reset(const myr__env* e, uint64_t clock, int64_t begin,
                     int64_t end, const uint8_t* mask, uint32_t stream,
                     float* obs) {
  myr__reset_each(e, clock, begin, end, mask, stream, obs, 3, reset1,
                  observe1);
}

static void pd_observe(const myr__env* e, int64_t begin, int64_t end,
                       float* obs) {
  myr__observe_each(e, begin, end, obs, 3, observe1);
}

const myr__env_class myr__pendulum_class = {
    .info = {.id = "pendulum-v1", .aliases = "pendulum,Pendulum-v1",
             .description = "torque-driven swing-up of a rigid rod (Gymnasium Pendulum-v1)",
             .obs_dim = 3, .obs_low = -8.0f, .obs_high = 8.0f,
             .action_space = {MYR_SPACE_BOX, 1, -2.0f, 2.0f},
             MYR__INFO_TABLES(PD_STATE), .max_steps_default = 200,
             .observation = "[cos(theta), sin(theta), theta_dot (rad/s)]",
             .reward = "-(angle_normalize(theta)^2 + 0.1 theta_dot^2 + 0.001 u^2), "
                       "u the clipped torque"},
    MYR__CLASS_COLS, .per_env_params = 1,
    .init = pd_init, .fini = myr__free,
    .reset = pd_reset, .step = pd_step, .observe = pd_observe,
    .num_pcols = PDK_COUNT, .derive_pcols = pd_derive_pcols,
};
