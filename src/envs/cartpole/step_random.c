/*
 * cartpole_random.c -- the CartPole-v1 float32 step when some parameter has
 * a per-env distribution (the float64 one is in cartpole64.c).
 *
 * Each env's constants come from myr__cartpole_load() (its own values of
 * the randomised parameters, the shared values of the rest), derived as
 * Gymnasium derives them (total_mass, polemass_length, theta threshold) and
 * converted to float32 with myr_cartpole_params_to_f(), then the env takes
 * the same myr_cartpole_step_f() step as the shared-constant kernel in
 * cartpole.c.  Built with the same -ffp-contract=fast as cartpole.c, so a
 * degenerate distribution (uniform(a,a)) reproduces the fixed-parameter
 * trajectory bit for bit (tests/test_cartpole_random.c).
 *
 * Episode ends, autoreset modes, statistics, final_obs and observations
 * follow cartpole.c: reward 1 per step (0 on a step past an end), same_step
 * resets inside the step from MYR_STREAM_AUTORESET at the batch clock,
 * next_step resets on the following step and ignores its action, disabled
 * keeps stepping a finished env with reward 0.  Parameters were drawn once
 * at create and are kept across resets; the reset bound is the env's own.
 */
#include "layout.h"

void myr__cartpole_step_random(myr_batch* b, int64_t begin, int64_t end,
                               const myr__io* io, myr__stats* st) {
  myr__cartpole_env* E = (myr__cartpole_env*)b->env;
  int64_t i;
  for (i = begin; i < end; ++i) {
    int64_t k = i - begin;
    uint8_t* pend = &b->pending[i];
    myr_cartpole_params p;
    myr_cartpole_params_f pf;
    myr_cartpole_qf q, r;
    int32_t tk = E->t[i] + 1;
    int reset = 0;

    /* this env's constants */
    myr__cartpole_load(b, i, &p);
    pf = myr_cartpole_params_to_f(&p);

    /* physics, termination, truncation, reward */
    q.x = E->x[i];
    q.x_dot = E->x_dot[i];
    q.theta = E->theta[i];
    q.theta_dot = E->theta_dot[i];
    r = myr_cartpole_step_f(&pf, q, io->act_i[k]);
    io->terminated[k] = (uint8_t)myr_cartpole_terminated_f(&pf, r);
    io->truncated[k] = (uint8_t)(tk >= pf.max_steps);
    io->reward[k] = 1.0f;

    /* events */
    if (*pend) {
      io->reward[k] = 0.0f;
      if (b->autoreset == MYR_AUTORESET_NEXT_STEP) {
        /* the step after an end: reset, ignore the action, reward 0 */
        reset = 1;
        *pend = 0;
        io->terminated[k] = 0;
        io->truncated[k] = 0;
      }
    } else if (io->terminated[k] | io->truncated[k]) {
      /* an episode ended: reward 1 per step, so return = length */
      myr__stats_add_episode(st, (double)tk, tk);
      if (b->autoreset == MYR_AUTORESET_SAME_STEP) {
        if (io->final_obs != NULL) {
          float* f = io->final_obs + 4 * k;
          f[0] = r.x;
          f[1] = r.x_dot;
          f[2] = r.theta;
          f[3] = r.theta_dot;
        }
        reset = 1;
      } else {
        *pend = 1;
      }
    }
    if (reset) {
      double s[4];
      myr__cartpole_draw(b, b->env_offset + i, io->clock, MYR_STREAM_AUTORESET,
                         s);
      r.x = (float)s[0];
      r.x_dot = (float)s[1];
      r.theta = (float)s[2];
      r.theta_dot = (float)s[3];
      tk = 0;
    }
    E->x[i] = r.x;
    E->x_dot[i] = r.x_dot;
    E->theta[i] = r.theta;
    E->theta_dot[i] = r.theta_dot;
    E->t[i] = tk;

    /* observations */
    if (io->obs != NULL) {
      float* o = io->obs + 4 * k;
      o[0] = r.x;
      o[1] = r.x_dot;
      o[2] = r.theta;
      o[3] = r.theta_dot;
    }
  }
}
