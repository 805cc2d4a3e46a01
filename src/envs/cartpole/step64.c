/*
 * cartpole64.c -- CartPole-v1 float64 step in Gymnasium's operation order.
 * Built with -ffp-contract=off (no FMA) and libm cos/sin, so a trajectory
 * matches Gymnasium 1.x bit for bit (tests/test_cartpole.c).  With
 * per-env parameters the same loop reads each env's constants, derived in
 * the same order as Gymnasium's constructor (total_mass, polemass_length,
 * theta threshold), so a degenerate distribution gives the fixed-parameter
 * trajectory bit for bit (tests/test_cartpole_random.c).
 */
#include "layout.h"

/* random != 0: constants of each env from myr__cartpole_load() */
static inline void step64(myr_batch* b, int64_t begin, int64_t end,
                          const myr__io* io, myr__stats* st, int random) {
  myr__cartpole_env* E = (myr__cartpole_env*)b->env;
  myr_cartpole_params env_p;
  const myr_cartpole_params* P = random ? &env_p : &E->p;
  int64_t i;
  for (i = begin; i < end; ++i) {
    int64_t k = i - begin;
    uint8_t* pend = &b->pending[i];
    myr_cartpole_q q, r;
    int32_t tk = E->t[i] + 1;
    if (random) myr__cartpole_load(b, i, &env_p);
    q.x = E->xd[i];
    q.x_dot = E->x_dotd[i];
    q.theta = E->thetad[i];
    q.theta_dot = E->theta_dotd[i];
    if (*pend && b->autoreset == MYR_AUTORESET_NEXT_STEP) {
      /* the step after an end: reset, ignore the action, reward 0 */
      double s[4];
      myr__cartpole_draw(b, b->env_offset + i, io->clock, MYR_STREAM_AUTORESET,
                         s);
      r.x = s[0];
      r.x_dot = s[1];
      r.theta = s[2];
      r.theta_dot = s[3];
      tk = 0;
      *pend = 0;
      io->terminated[k] = 0;
      io->truncated[k] = 0;
      io->reward[k] = 0.0f;
    } else {
      r = myr_cartpole_step_d(P, q, io->act_i[k]);
      io->terminated[k] = (uint8_t)myr_cartpole_terminated_d(P, r);
      io->truncated[k] = (uint8_t)(tk >= P->max_steps);
      io->reward[k] = *pend ? 0.0f : 1.0f;
      if (!*pend && (io->terminated[k] | io->truncated[k])) {
        myr__stats_add_episode(st, (double)tk, tk);
        if (b->autoreset == MYR_AUTORESET_SAME_STEP) {
          double s[4];
          if (io->final_obs != NULL) {
            float* f = io->final_obs + 4 * k;
            f[0] = (float)r.x;
            f[1] = (float)r.x_dot;
            f[2] = (float)r.theta;
            f[3] = (float)r.theta_dot;
          }
          myr__cartpole_draw(b, b->env_offset + i, io->clock,
                             MYR_STREAM_AUTORESET, s);
          r.x = s[0];
          r.x_dot = s[1];
          r.theta = s[2];
          r.theta_dot = s[3];
          tk = 0;
        } else {
          *pend = 1;
        }
      }
    }
    E->xd[i] = r.x;
    E->x_dotd[i] = r.x_dot;
    E->thetad[i] = r.theta;
    E->theta_dotd[i] = r.theta_dot;
    E->t[i] = tk;
    if (io->obs != NULL) {
      float* o = io->obs + 4 * k;
      o[0] = (float)r.x;
      o[1] = (float)r.x_dot;
      o[2] = (float)r.theta;
      o[3] = (float)r.theta_dot;
    }
  }
}

void myr__cartpole_step64(myr_batch* b, int64_t begin, int64_t end,
                          const myr__io* io, myr__stats* st) {
  step64(b, begin, end, io, st, 0);
}

void myr__cartpole_step64_random(myr_batch* b, int64_t begin, int64_t end,
                                 const myr__io* io, myr__stats* st) {
  step64(b, begin, end, io, st, 1);
}
