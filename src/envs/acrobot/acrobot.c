/*
 * acrobot.c -- the Acrobot-v1 environment class (Gymnasium
 * classic_control/acrobot.py): actions {0, 1, 2} apply torque {-1, 0, +1}
 * at the second joint; reward -1 per step and 0 on the terminal step;
 * terminated when the free end rises one link length above the pivot;
 * truncated after max_steps (500).  Reset: each of the four state
 * variables ~ U(-0.1, 0.1), rounded to float32 as Gymnasium's
 * .astype(np.float32) does.  Observation [cos th1, sin th1, cos th2,
 * sin th2, dth1, dth2].
 *
 * State per env: four float32 or float64 arrays by precision and the step
 * counter.  Any parameter may be randomised per env.
 *
 * The float32 step runs in three passes over the range (src/task/passes.h):
 *   1. the whole RK4 step (four derivative evaluations, myr_sincosf),
 *      the first turn of the angle wrap, the speed bounds, step counter,
 *      termination, truncation and reward: one branch-free loop the
 *      compiler vectorises, reading the shared float32 constants or, when
 *      some parameter has a per-env distribution, each env's own, derived
 *      once at create (ac_derive_pcols).  An angle the first turn leaves
 *      outside [-pi, pi] (rare: a huge step, or a huge or non-finite state)
 *      flags its env with bit 1 of terminated;
 *   2. a scalar pass over the few envs with an event (a flagged angle: the
 *      rest of the wrap, termination again; episode end, or a pending
 *      reset in next_step/disabled modes): statistics, final_obs,
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

#define AC_PARAMS(P) \
  P(AC_L1, "link_length_1", 1.0, 1e-6, 1e3, 0, "m", "length of link 1", l1) \
  P(AC_L2, "link_length_2", 1.0, 1e-6, 1e3, 0, "m", "length of link 2 (not in the dynamics, as in Gymnasium)", l2) \
  P(AC_M1, "link_mass_1", 1.0, 1e-6, 1e6, 0, "kg", "mass of link 1", m1) \
  P(AC_M2, "link_mass_2", 1.0, 1e-6, 1e6, 0, "kg", "mass of link 2", m2) \
  P(AC_LC1, "link_com_pos_1", 0.5, 0.0, 1e3, 0, "m", "centre of mass of link 1", lc1) \
  P(AC_LC2, "link_com_pos_2", 0.5, 0.0, 1e3, 0, "m", "centre of mass of link 2", lc2) \
  P(AC_MOI, "link_moi", 1.0, 1e-6, 1e6, 0, "kg m^2", "moment of inertia of each link", moi) \
  P(AC_MAX_VEL1, "max_vel_1", 4.0 * MYR_PI, 0.0, 1e6, 0, "rad/s", "|dtheta1| bound", max_vel1) \
  P(AC_MAX_VEL2, "max_vel_2", 9.0 * MYR_PI, 0.0, 1e6, 0, "rad/s", "|dtheta2| bound", max_vel2) \
  P(AC_G, "g", 9.8, 0.0, 1000.0, 0, "m/s^2", "gravitational acceleration", g) \
  P(AC_DT, "dt", 0.2, 1e-6, 10.0, 0, "s", "time step (one RK4 step)", dt) \
  P(AC_TORQUE, "torque", 1.0, 0.0, 1e6, 0, "N m", "torque of actions 0 and 2", torque) \
  P(AC_MAX_STEPS, "max_steps", 500.0, 1.0, 2147483647.0, 1, "steps", "truncation horizon", max_steps) \
  P(AC_RESET_BOUND, "reset_bound", 0.1, 0.0, 10.0, 0, "", "reset draws U(-b, b) per variable", reset_bound)

enum { AC_PARAMS(MYR__PARAM_ENUM) AC_NUM_PARAMS };

#define AC_STATE(F, H)                                                      \
  F(AC_TH1, "theta1", REAL, "rad", "angle of link 1 from hanging down", 1, 0) \
  F(AC_TH2, "theta2", REAL, "rad", "angle of link 2 relative to link 1", 1, 0) \
  F(AC_DTH1, "dtheta1", REAL, "rad/s", "angular velocity of link 1", 1, 0)  \
  F(AC_DTH2, "dtheta2", REAL, "rad/s", "angular velocity of link 2", 1, 0)  \
  F(AC_T, "t", I32, "steps", "steps since reset", 1, 0)

enum { AC_STATE(MYR__ENUM_F, MYR__ENUM_H) AC_NUM_COLS };
MYR__DEFINE_TABLES(AC_PARAMS, AC_STATE)

MYR__DEFINE_CONSTS(ac, myr_acrobot_params, myr_acrobot_params_f,
                   myr_acrobot_params_f_from, AC_PARAMS)

static void observe1(const myr__env* e, int64_t i, float* o) {
  double th1 = myr__real(e, AC_TH1, i), th2 = myr__real(e, AC_TH2, i);
  o[0] = (float)cos(th1);
  o[1] = (float)sin(th1);
  o[2] = (float)cos(th2);
  o[3] = (float)sin(th2);
  o[4] = (float)myr__real(e, AC_DTH1, i);
  o[5] = (float)myr__real(e, AC_DTH2, i);
}

/* four variables ~ U(-b, b) from one Philox block, rounded to float32 */
static void reset1(const myr__env* e, int64_t i, uint64_t clock,
                   uint32_t stream) {
  myr_philox_out r =
      myr_draw(e->seed, (uint32_t)(e->env_offset + i), clock, stream, e->epoch);
  double bound = myr__param(e, AC_RESET_BOUND, i);
  int32_t j;
  for (j = 0; j < 4; ++j)
    myr__set_real(e, j, i,
                  (double)(float)(-bound + 2.0 * bound * (double)myr_u01f(r.v[j])));
  e->col[AC_T].i[i] = 0;
}

/* ------------------------------------------------------------ float64 */

/* advance() of the float64 step (myr__step_each): env i in Gymnasium's order */
static myr__one advance64(const myr__env* e, int64_t i, int64_t k, int kind,
                          const myr__io* io, myr__stats* st) {
  int32_t* t = e->col[AC_T].i + i;
  double s[4];
  myr_acrobot_params tmp;
  const myr_acrobot_params* p = ac_p(e, i, &tmp);
  uint8_t te;
  int j;
  (void)kind;
  (void)st;
  for (j = 0; j < 4; ++j) s[j] = e->col[j].d[i];
  myr_acrobot_step_d(p, s, (double)(io->act_i[k] - 1) * p->torque);
  for (j = 0; j < 4; ++j) e->col[j].d[i] = s[j];
  te = (uint8_t)myr_acrobot_terminal_d(s);
  /* reward -1 per step, 0 on the terminal step; every step before was -1 */
  return myr__one_counted(t, p->max_steps, te ? 0.0f : -1.0f, te, -(double)*t);
}

/* ------------------------------------------------------------ float32 */

/* per-env constants (pcol) of a batch with a randomised parameter: env
 * i's float32 constants, myr_acrobot_params_f_from() of its own values,
 * derived once at create by ac_derive_pcols() */
#define AC_PCOLS(X) \
  X(ACK_L1, l1, f) \
  X(ACK_M1, m1, f) \
  X(ACK_M2, m2, f) \
  X(ACK_LC1, lc1, f) \
  X(ACK_LC2, lc2, f) \
  X(ACK_MOI, moi, f) \
  X(ACK_MAX_VEL1, max_vel1, f) \
  X(ACK_MAX_VEL2, max_vel2, f) \
  X(ACK_G, g, f) \
  X(ACK_DT, dt, f) \
  X(ACK_TORQUE, torque, f) \
  X(ACK_MAX_STEPS, max_steps, i)

enum { AC_PCOLS(MYR__PCOL_ENUM) ACK_COUNT };
MYR__DEFINE_PCOLS(ac, ac_load, myr_acrobot_params, myr_acrobot_params_f,
                  myr_acrobot_params_f_from, AC_PCOLS)

/* bit of terminated that pass 1 sets for an env whose angles need the rest
 * of the wrap (pass 2 clears it) */
#define AC_WRAP_FLAG 2

/* pass 1: one step of envs [0, n) of the range as an ordinary (RUN) step;
 * branch-free, with the RK4 step and myr_sincosf inlined, so the compiler
 * vectorises the whole integrator (the arguments never alias).  The
 * constants are the shared *Pp (pc NULL) or env k's own, pc[ACK_*] offset
 * to the range: the same loop body either way, inlined into ac_step twice,
 * so a degenerate distribution (uniform(a,a)) gives the shared-constant
 * trajectory bit for bit. */
static inline __attribute__((always_inline)) void physics_f32(
    const myr_acrobot_params_f* Pp, const myr__col* pc,
    float* MYR_RESTRICT th1, float* MYR_RESTRICT th2,
    float* MYR_RESTRICT dth1, float* MYR_RESTRICT dth2,
    int32_t* MYR_RESTRICT t, const int32_t* MYR_RESTRICT act,
    uint8_t* MYR_RESTRICT term, uint8_t* MYR_RESTRICT trunc,
    float* MYR_RESTRICT rew, int64_t n) {
  const float pi = 3.14159265358979f;
  const myr_acrobot_params_f S = *Pp;
  int64_t k;
  for (k = 0; k < n; ++k) {
    myr_acrobot_params_f P = S;
    float s[4];
    int32_t te, wrap, tk = t[k] + 1;
    if (pc != NULL) {
      ac_pcols_at(&P, pc, k);
    }
    s[0] = th1[k];
    s[1] = th2[k];
    s[2] = dth1[k];
    s[3] = dth2[k];
    myr_acrobot_rk4_f(&P, s, (float)(act[k] - 1) * P.torque);
    s[0] = myr_acrobot_wrap1_f(s[0]);
    s[1] = myr_acrobot_wrap1_f(s[1]);
    s[2] = s[2] < -P.max_vel1 ? -P.max_vel1
                              : (s[2] > P.max_vel1 ? P.max_vel1 : s[2]);
    s[3] = s[3] < -P.max_vel2 ? -P.max_vel2
                              : (s[3] > P.max_vel2 ? P.max_vel2 : s[3]);
    te = myr_acrobot_terminal_f(s);
    wrap = !(s[0] >= -pi && s[0] <= pi) | !(s[1] >= -pi && s[1] <= pi);
    th1[k] = s[0];
    th2[k] = s[1];
    dth1[k] = s[2];
    dth2[k] = s[3];
    t[k] = tk;
    term[k] = (uint8_t)(te | (wrap ? AC_WRAP_FLAG : 0));
    trunc[k] = (uint8_t)(tk >= P.max_steps);
    rew[k] = te ? 0.0f : -1.0f;
  }
}

/* pass 1 on envs [begin, begin + n): flatten inlines the whole integrator
 * (rk4, four derivative evaluations, myr_sincosf) into the two loops, as
 * vectorising them needs; a plain inline would keep the calls */
__attribute__((flatten)) static void ac_physics(const myr__env* e,
                                                int64_t begin, int64_t n,
                                                const myr__io* io) {
  const ac_data* D = (const ac_data*)e->data;
  float* th1 = e->col[AC_TH1].f + begin;
  float* th2 = e->col[AC_TH2].f + begin;
  float* dth1 = e->col[AC_DTH1].f + begin;
  float* dth2 = e->col[AC_DTH2].f + begin;
  int32_t* t = e->col[AC_T].i + begin;
  if (D->random) {
    myr__col pc[ACK_COUNT];
    myr__pcols_from(pc, e, ACK_COUNT, begin);
    physics_f32(&D->pf, pc, th1, th2, dth1, dth2, t, io->act_i,
                io->terminated, io->truncated, io->reward, n);
  } else {
    physics_f32(&D->pf, NULL, th1, th2, dth1, dth2, t, io->act_i,
                io->terminated, io->truncated, io->reward, n);
  }
}

/* pass 2: the contract for env k of the range with an event */
typedef struct ac_events {
  const myr__env* e;
  const myr__io* io;
  myr__stats* st;
  int64_t begin;
} ac_events;

static void ac_event(void* ctx, int64_t k) {
  const ac_events* c = (const ac_events*)ctx;
  const myr__env* e = c->e;
  const myr__io* io = c->io;
  int64_t i = c->begin + k;
  int ev;
  if (io->terminated[k] & AC_WRAP_FLAG) {
    /* the rest of the wrap, then termination of the wrapped state */
    float s[4];
    int32_t te, j;
    for (j = 0; j < 4; ++j) s[j] = e->col[j].f[i];
    s[0] = myr_acrobot_wrap_f(s[0]);
    s[1] = myr_acrobot_wrap_f(s[1]);
    e->col[AC_TH1].f[i] = s[0];
    e->col[AC_TH2].f[i] = s[1];
    te = myr_acrobot_terminal_f(s);
    io->terminated[k] = (uint8_t)te;
    io->reward[k] = te ? 0.0f : -1.0f;
  }
  ev = myr__pass_event(e, io, k);
  if (ev == MYR__EVENT_RECORD || ev == MYR__EVENT_RECORD_RESET) {
    /* -1 per step, 0 on a terminal one, as myr__one_counted() sums it */
    int32_t len = e->col[AC_T].i[i];
    float last = io->terminated[k] ? 0.0f : -1.0f;
    myr__stats_add_episode(c->st, -(double)(len - 1) + (double)last, len);
  }
  if (ev == MYR__EVENT_RECORD_RESET && io->final_obs != NULL)
    observe1(e, i, io->final_obs + 6 * k);
  if (ev == MYR__EVENT_RESET || ev == MYR__EVENT_RECORD_RESET)
    reset1(e, i, io->clock, MYR_STREAM_AUTORESET);
}

MYR_WIDE static void ac_step(const myr__env* e, int64_t begin, int64_t end,
                    const myr__io* io, myr__stats* st) {
  ac_events ctx;

  if (e->precision == MYR_FLOAT64) {
    myr__step_each(e, begin, end, io, st, 6, advance64, reset1, observe1, NULL);
    return;
  }
  /* 1. physics, with the shared constants or each env's own */
  ac_physics(e, begin, end - begin, io);

  /* 2. events: flagged angles, episode ends and pending resets */
  ctx.e = e;
  ctx.io = io;
  ctx.st = st;
  ctx.begin = begin;
  myr__visit_flagged(io->terminated, io->truncated, io->pending, end - begin,
                     ac_event, &ctx);

  /* 3. observations (cos and sin in double, as in float64) */
  if (io->obs != NULL) myr__observe_each(e, begin, end, io->obs, 6, observe1);
}

static void ac_reset(const myr__env* e, uint64_t clock, int64_t begin,
                     int64_t end, const uint8_t* mask, uint32_t stream,
                     float* obs) {
  myr__reset_each(e, clock, begin, end, mask, stream, obs, 6, reset1,
                  observe1);
}

static void ac_observe(const myr__env* e, int64_t begin, int64_t end,
                       float* obs) {
  myr__observe_each(e, begin, end, obs, 6, observe1);
}

const myr__env_class myr__acrobot_class = {
    .info = {.id = "acrobot-v1", .aliases = "acrobot,Acrobot-v1",
             .description = "two-link under-actuated swing-up (Gymnasium Acrobot-v1)",
             .obs_dim = 6, .obs_low = -9.0f * 3.14159265f, .obs_high = 9.0f * 3.14159265f,
             .action_space = {MYR_SPACE_DISCRETE, 3, 0.0f, 2.0f},
             MYR__INFO_TABLES(AC_STATE), .max_steps_default = 500,
             .observation = "[cos(theta1), sin(theta1), cos(theta2), sin(theta2), "
                            "theta1_dot, theta2_dot (rad/s)]",
             .reward = "-1 on every step, 0 on the step that reaches the goal height"},
    MYR__CLASS_COLS, .per_env_params = 1,
    .init = ac_init, .fini = myr__free,
    .reset = ac_reset, .step = ac_step, .observe = ac_observe,
    .num_pcols = ACK_COUNT, .derive_pcols = ac_derive_pcols,
};
