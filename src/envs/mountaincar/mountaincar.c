/*
 * mountaincar.c -- the MountainCar-v0 environment class (Gymnasium
 * classic_control/mountain_car.py): actions {0 push left, 1 no push,
 * 2 push right}, reward -1 on every step, terminated at the goal,
 * truncated after max_steps (200).  Reset: x ~ U(-0.6, -0.4), v = 0.
 *
 * State per env: position and velocity (float32 or float64 arrays by
 * precision) and the step counter; the episode return is -length.  Any
 * parameter may be randomised per env.
 *
 * The float32 step runs in three passes over the range (src/task/passes.h):
 *   1. physics, step counter, termination, truncation, reward -1: a
 *      branch-free loop the compiler vectorises, reading the shared float32
 *      constants or, when some parameter has a per-env distribution, each
 *      env's own, derived once at create (mc_derive_pcols);
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

#define MC_PARAMS(P) \
  P(MC_MIN_POSITION, "min_position", -1.2, -1e3, 1e3, 0, "m", "left wall (inelastic)", min_position) \
  P(MC_MAX_POSITION, "max_position", 0.6, -1e3, 1e3, 0, "m", "right end of the track", max_position) \
  P(MC_MAX_SPEED, "max_speed", 0.07, 0.0, 1e3, 0, "m/step", "|velocity| is clipped to this", max_speed) \
  P(MC_GOAL_POSITION, "goal_position", 0.5, -1e3, 1e3, 0, "m", "x >= this ends the episode", goal_position) \
  P(MC_GOAL_VELOCITY, "goal_velocity", 0.0, -1e3, 1e3, 0, "m/step", "... if also velocity >= this", goal_velocity) \
  P(MC_FORCE, "force", 0.001, 0.0, 1e3, 0, "m/step^2", "push of actions 0 and 2", force) \
  P(MC_GRAVITY, "gravity", 0.0025, 0.0, 1e3, 0, "m/step^2", "gravity along the hill", gravity) \
  P(MC_MAX_STEPS, "max_steps", 200.0, 1.0, 2147483647.0, 1, "steps", "truncation horizon", max_steps) \
  P(MC_RESET_LOW, "reset_low", -0.6, -1e3, 1e3, 0, "m", "reset draws x ~ U(low, high)", reset_low) \
  P(MC_RESET_HIGH, "reset_high", -0.4, -1e3, 1e3, 0, "m", "reset draws x ~ U(low, high)", reset_high)

enum { MC_PARAMS(MYR__PARAM_ENUM) MC_NUM_PARAMS };

#define MC_STATE(F, H)                                                      \
  F(MC_POS, "position", REAL, "m", "position on the track", 1, 0)           \
  F(MC_VEL, "velocity", REAL, "m/step", "velocity", 1, 0)                   \
  F(MC_T, "t", I32, "steps", "steps since reset", 1, 0)

enum { MC_STATE(MYR__ENUM_F, MYR__ENUM_H) MC_NUM_COLS };
MYR__DEFINE_TABLES(MC_PARAMS, MC_STATE)

MYR__DEFINE_CONSTS(mc, myr_mountaincar_params, myr_mountaincar_params_f,
                   myr_mountaincar_params_f_from, MC_PARAMS)

/* the track must be non-empty and the reset range inside it */
static int mc_validate(const double* v) {
  if (!(v[MC_MIN_POSITION] < v[MC_MAX_POSITION]))
    return myr__fail(MYR_ERANGE, "mountaincar-v0: min_position must be < "
                     "max_position");
  if (!(v[MC_RESET_LOW] <= v[MC_RESET_HIGH]))
    return myr__fail(MYR_ERANGE, "mountaincar-v0: reset_low must be <= "
                     "reset_high");
  return MYR_OK;
}

static void observe1(const myr__env* e, int64_t i, float* o) {
  o[0] = (float)myr__real(e, MC_POS, i);
  o[1] = (float)myr__real(e, MC_VEL, i);
}

static void reset1(const myr__env* e, int64_t i, uint64_t clock,
                   uint32_t stream) {
  myr_philox_out r =
      myr_draw(e->seed, (uint32_t)(e->env_offset + i), clock, stream, e->epoch);
  double lo = myr__param(e, MC_RESET_LOW, i), hi = myr__param(e, MC_RESET_HIGH, i);
  myr__set_real(e, MC_POS, i, lo + (hi - lo) * myr_u01d(r.v[0], r.v[1]));
  myr__set_real(e, MC_VEL, i, 0.0);
  e->col[MC_T].i[i] = 0;
}

/* ------------------------------------------------------------ float64 */

/* advance() of the float64 step (myr__step_each): env i in Gymnasium's order */
static myr__one advance64(const myr__env* e, int64_t i, int64_t k, int kind,
                          const myr__io* io, myr__stats* st) {
  int32_t* t = e->col[MC_T].i + i;
  myr_mountaincar_params tmp;
  const myr_mountaincar_params* p = mc_p(e, i, &tmp);
  uint8_t te = (uint8_t)myr_mountaincar_step_d(p, e->col[MC_POS].d + i,
                                               e->col[MC_VEL].d + i,
                                               io->act_i[k]);
  (void)kind;
  (void)st;
  /* reward -1 on every step */
  return myr__one_counted(t, p->max_steps, -1.0f, te, -(double)*t);
}

/* ------------------------------------------------------------ float32 */

/* per-env constants (pcol) of a batch with a randomised parameter: env
 * i's float32 constants, myr_mountaincar_params_f_from() of its own
 * values, derived once at create by mc_derive_pcols() */
#define MC_PCOLS(X) \
  X(MCK_MIN_POSITION, min_position, f) \
  X(MCK_MAX_POSITION, max_position, f) \
  X(MCK_MAX_SPEED, max_speed, f) \
  X(MCK_GOAL_POSITION, goal_position, f) \
  X(MCK_GOAL_VELOCITY, goal_velocity, f) \
  X(MCK_FORCE, force, f) \
  X(MCK_GRAVITY, gravity, f) \
  X(MCK_MAX_STEPS, max_steps, i)

enum { MC_PCOLS(MYR__PCOL_ENUM) MCK_COUNT };
MYR__DEFINE_PCOLS(mc, mc_load, myr_mountaincar_params, myr_mountaincar_params_f,
                  myr_mountaincar_params_f_from, MC_PCOLS)

/* pass 1: one step of envs [0, n) of the range as an ordinary (RUN) step;
 * branch-free so the compiler vectorises it (the arguments never alias).
 * The constants are the shared *Pp (pc NULL) or env k's own, pc[MCK_*]
 * offset to the range: the same loop body either way, inlined into
 * mc_step twice, so a degenerate distribution (uniform(a,a)) gives the
 * shared-constant trajectory bit for bit. */
static inline __attribute__((always_inline)) void physics_f32(
    const myr_mountaincar_params_f* Pp, const myr__col* pc,
    float* MYR_RESTRICT pos, float* MYR_RESTRICT vel, int32_t* MYR_RESTRICT t,
    const int32_t* MYR_RESTRICT act, uint8_t* MYR_RESTRICT term,
    uint8_t* MYR_RESTRICT trunc, float* MYR_RESTRICT rew, int64_t n) {
  const myr_mountaincar_params_f S = *Pp;
  int64_t k;
  for (k = 0; k < n; ++k) {
    myr_mountaincar_params_f P = S;
    float x = pos[k], v = vel[k];
    int32_t te, tk = t[k] + 1;
    if (pc != NULL) {
      mc_pcols_at(&P, pc, k);
    }
    te = myr_mountaincar_step_f(&P, &x, &v, act[k]);
    pos[k] = x;
    vel[k] = v;
    t[k] = tk;
    term[k] = (uint8_t)te;
    trunc[k] = (uint8_t)(tk >= P.max_steps);
    rew[k] = -1.0f;
  }
}

/* pass 2: the contract for env k of the range with an event */
typedef struct mc_events {
  const myr__env* e;
  const myr__io* io;
  myr__stats* st;
  int64_t begin;
} mc_events;

static void mc_event(void* ctx, int64_t k) {
  const mc_events* c = (const mc_events*)ctx;
  const myr__env* e = c->e;
  int64_t i = c->begin + k;
  int ev = myr__pass_event(e, c->io, k);
  if (ev == MYR__EVENT_RECORD || ev == MYR__EVENT_RECORD_RESET) {
    /* the return of -1 per step, as myr__one_counted() sums it */
    int32_t len = e->col[MC_T].i[i];
    myr__stats_add_episode(c->st, -(double)(len - 1) + (double)-1.0f, len);
  }
  if (ev == MYR__EVENT_RECORD_RESET && c->io->final_obs != NULL)
    observe1(e, i, c->io->final_obs + 2 * k);
  if (ev == MYR__EVENT_RESET || ev == MYR__EVENT_RECORD_RESET)
    reset1(e, i, c->io->clock, MYR_STREAM_AUTORESET);
}

static void mc_observe(const myr__env* e, int64_t begin, int64_t end,
                       float* obs);

MYR_WIDE static void mc_step(const myr__env* e, int64_t begin, int64_t end,
                    const myr__io* io, myr__stats* st) {
  const mc_data* D = (const mc_data*)e->data;
  int64_t n = end - begin;
  float* pos;
  float* vel;
  int32_t* t;
  mc_events ctx;

  if (e->precision == MYR_FLOAT64) {
    myr__step_each(e, begin, end, io, st, 2, advance64, reset1, observe1, NULL);
    return;
  }
  pos = e->col[MC_POS].f + begin;
  vel = e->col[MC_VEL].f + begin;
  t = e->col[MC_T].i + begin;

  /* 1. physics, with the shared constants or each env's own */
  if (D->random) {
    myr__col pc[MCK_COUNT];
    myr__pcols_from(pc, e, MCK_COUNT, begin);
    physics_f32(&D->pf, pc, pos, vel, t, io->act_i, io->terminated,
                io->truncated, io->reward, n);
  } else {
    physics_f32(&D->pf, NULL, pos, vel, t, io->act_i, io->terminated,
                io->truncated, io->reward, n);
  }

  /* 2. events: episode ends and pending resets */
  ctx.e = e;
  ctx.io = io;
  ctx.st = st;
  ctx.begin = begin;
  myr__visit_flagged(io->terminated, io->truncated, io->pending, n, mc_event,
                     &ctx);

  /* 3. observations */
  if (io->obs != NULL) mc_observe(e, begin, end, io->obs);
}

static void mc_reset(const myr__env* e, uint64_t clock, int64_t begin,
                     int64_t end, const uint8_t* mask, uint32_t stream,
                     float* obs) {
  myr__reset_each(e, clock, begin, end, mask, stream, obs, 2, reset1,
                  observe1);
}

/* two loads and two stores per env with the columns hoisted: the compiler
 * vectorises the interleave */
static void mc_observe(const myr__env* e, int64_t begin, int64_t end,
                       float* obs) {
  int64_t i;
  if (e->precision == MYR_FLOAT32) {
    const float* x = e->col[MC_POS].f;
    const float* v = e->col[MC_VEL].f;
    for (i = begin; i < end; ++i) {
      float* o = obs + 2 * (i - begin);
      o[0] = x[i], o[1] = v[i];
    }
  } else {
    myr__observe_each(e, begin, end, obs, 2, observe1);
  }
}

const myr__env_class myr__mountaincar_class = {
    .info = {.id = "mountaincar-v0", .aliases = "mountaincar,MountainCar-v0",
             .description = "under-powered car in a valley (Gymnasium MountainCar-v0)",
             .obs_dim = 2, .obs_low = -1.2f, .obs_high = 0.6f,
             .action_space = {MYR_SPACE_DISCRETE, 3, 0.0f, 2.0f},
             MYR__INFO_TABLES(MC_STATE), .max_steps_default = 200,
             .observation = "[position (m), velocity (m/step)]",
             .reward = "-1 on every step"},
    MYR__CLASS_COLS, .per_env_params = 1, .validate = mc_validate,
    .init = mc_init, .fini = myr__free,
    .reset = mc_reset, .step = mc_step, .observe = mc_observe,
    .num_pcols = MCK_COUNT, .derive_pcols = mc_derive_pcols,
};
