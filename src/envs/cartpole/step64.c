/*
 * step64.c -- CartPole-v1 float64 step in Gymnasium's operation order.
 * Built with -ffp-contract=off (no FMA) and libm cos/sin, so a trajectory
 * matches Gymnasium 1.x bit for bit (tests/test_cartpole_parity.c).  With
 * per-env parameters the same loop reads each env's constants, derived in
 * the same order as Gymnasium's constructor (total_mass, polemass_length,
 * theta threshold), so a degenerate distribution gives the fixed-parameter
 * trajectory bit for bit (tests/test_cartpole_random.c).
 */
#include "layout.h"

static void put4(float* o, myr_cartpole_q r) {
  o[0] = (float)r.x;
  o[1] = (float)r.x_dot;
  o[2] = (float)r.theta;
  o[3] = (float)r.theta_dot;
}

static myr_cartpole_q drawn(const myr__env* e, int64_t i, uint64_t clock) {
  double s[4];
  myr_cartpole_q r;
  myr__cartpole_draw(e, i, clock, MYR_STREAM_AUTORESET, s);
  r.x = s[0];
  r.x_dot = s[1];
  r.theta = s[2];
  r.theta_dot = s[3];
  return r;
}

void myr__cartpole_step64(const myr__env* e, int64_t begin, int64_t end,
                          const myr__io* io, myr__stats* st, int random) {
  const myr__cartpole_data* D = (const myr__cartpole_data*)e->data;
  double* x = e->col[CP_X].d;
  double* x_dot = e->col[CP_X_DOT].d;
  double* theta = e->col[CP_THETA].d;
  double* theta_dot = e->col[CP_THETA_DOT].d;
  int32_t* t = e->col[CP_T].i;
  myr_cartpole_params env_p;
  const myr_cartpole_params* P = random ? &env_p : &D->p;
  int64_t i;
  for (i = begin; i < end; ++i) {
    int64_t k = i - begin;
    int kind = myr__step_kind((int)e->autoreset, io->pending[k]);
    myr_cartpole_q q, r;
    int32_t tk = t[i] + 1;
    if (kind == MYR__STEP_RESET) {
      r = drawn(e, i, io->clock);
      tk = 0;
      io->pending[k] = 0;
      io->terminated[k] = 0;
      io->truncated[k] = 0;
      io->reward[k] = 0.0f;
    } else {
      if (random) myr__cartpole_load(e, i, &env_p);
      q.x = x[i];
      q.x_dot = x_dot[i];
      q.theta = theta[i];
      q.theta_dot = theta_dot[i];
      r = myr_cartpole_step_d(P, q, myr__io_action(io, k));
      io->terminated[k] = (uint8_t)myr_cartpole_terminated_d(P, r);
      io->truncated[k] = (uint8_t)(tk >= P->max_steps);
      io->reward[k] = myr__step_reward(kind, 1.0f);
      switch (myr__step_end((int)e->autoreset, kind, &io->pending[k],
                            io->terminated[k], io->truncated[k])) {
        case MYR__END_RESET:
          myr__stats_add_episode(st, (double)tk, tk);
          if (io->final_obs != NULL) put4(io->final_obs + 4 * k, r);
          r = drawn(e, i, io->clock);
          tk = 0;
          break;
        case MYR__END_PENDING:
          myr__stats_add_episode(st, (double)tk, tk);
          break;
        default:
          break;
      }
    }
    x[i] = r.x;
    x_dot[i] = r.x_dot;
    theta[i] = r.theta;
    theta_dot[i] = r.theta_dot;
    t[i] = tk;
    if (io->obs != NULL) put4(io->obs + 4 * k, r);
  }
}
