/*
 * step_random.c -- the CartPole-v1 float32 step when some parameter has a
 * per-env distribution (the float64 one is step64.c).
 *
 * Each env's constants come from myr__cartpole_load() (its own values of
 * the randomised parameters, the shared values of the rest), derived as
 * Gymnasium derives them and converted to float32 with
 * myr_cartpole_params_to_f(), then the env takes the same
 * myr_cartpole_step_f() step as the shared-constant kernel in cartpole.c.
 * Built with the same -ffp-contract=fast as cartpole.c, so a degenerate
 * distribution (uniform(a,a)) reproduces the fixed-parameter trajectory bit
 * for bit (tests/test_cartpole_random.c).  Parameters were drawn once at
 * create and are kept across resets; the reset bound is the env's own.
 */
#include "layout.h"

static void put4f(float* o, myr_cartpole_qf r) {
  o[0] = r.x;
  o[1] = r.x_dot;
  o[2] = r.theta;
  o[3] = r.theta_dot;
}

void myr__cartpole_step_random(const myr__env* e, int64_t begin, int64_t end,
                               const myr__io* io, myr__stats* st) {
  float* x = e->col[CP_X].f;
  float* x_dot = e->col[CP_X_DOT].f;
  float* theta = e->col[CP_THETA].f;
  float* theta_dot = e->col[CP_THETA_DOT].f;
  int32_t* t = e->col[CP_T].i;
  int64_t i;
  for (i = begin; i < end; ++i) {
    int64_t k = i - begin;
    int kind = myr__step_kind(e->autoreset, io->pending[k]);
    myr_cartpole_params p;
    myr_cartpole_params_f pf;
    myr_cartpole_qf q, r;
    int32_t tk = t[i] + 1;
    int reset = 0;

    myr__cartpole_load(e, i, &p);
    pf = myr_cartpole_params_to_f(&p);
    q.x = x[i];
    q.x_dot = x_dot[i];
    q.theta = theta[i];
    q.theta_dot = theta_dot[i];
    r = myr_cartpole_step_f(&pf, q, io->act_i[k]);
    io->terminated[k] = (uint8_t)myr_cartpole_terminated_f(&pf, r);
    io->truncated[k] = (uint8_t)(tk >= pf.max_steps);
    io->reward[k] = myr__step_reward(kind, 1.0f);
    if (kind == MYR__STEP_RESET) {
      reset = 1;
      io->pending[k] = 0;
      io->terminated[k] = 0;
      io->truncated[k] = 0;
    } else {
      int ended = myr__step_end(e->autoreset, kind, &io->pending[k],
                                io->terminated[k], io->truncated[k]);
      /* reward 1 per step, so return = length */
      if (ended != MYR__END_NONE) myr__stats_add_episode(st, (double)tk, tk);
      if (ended == MYR__END_RESET) {
        if (io->final_obs != NULL) put4f(io->final_obs + 4 * k, r);
        reset = 1;
      }
    }
    if (reset) {
      double s[4];
      myr__cartpole_draw(e, i, io->clock, MYR_STREAM_AUTORESET, s);
      r.x = (float)s[0];
      r.x_dot = (float)s[1];
      r.theta = (float)s[2];
      r.theta_dot = (float)s[3];
      tk = 0;
    }
    x[i] = r.x;
    x_dot[i] = r.x_dot;
    theta[i] = r.theta;
    theta_dot[i] = r.theta_dot;
    t[i] = tk;
    if (io->obs != NULL) put4f(io->obs + 4 * k, r);
  }
}
