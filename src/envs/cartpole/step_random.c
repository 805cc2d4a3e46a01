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

static void get4f(float* o, const myr__env* e, int64_t i) {
  o[0] = e->col[CP_X].f[i];
  o[1] = e->col[CP_X_DOT].f[i];
  o[2] = e->col[CP_THETA].f[i];
  o[3] = e->col[CP_THETA_DOT].f[i];
}

/* autoreset of env i from its own reset bound */
static void reset_one(const myr__env* e, int64_t i, uint64_t clock) {
  double s[4];
  myr__cartpole_draw(e, i, clock, MYR_STREAM_AUTORESET, s);
  e->col[CP_X].f[i] = (float)s[0];
  e->col[CP_X_DOT].f[i] = (float)s[1];
  e->col[CP_THETA].f[i] = (float)s[2];
  e->col[CP_THETA_DOT].f[i] = (float)s[3];
  e->col[CP_T].i[i] = 0;
}

void myr__cartpole_step_random(const myr__env* e, int64_t begin, int64_t end,
                               const myr__io* io, myr__stats* st) {
  int64_t i;
  for (i = begin; i < end; ++i) {
    int64_t k = i - begin;
    myr_cartpole_params p;
    myr_cartpole_params_f pf;

    myr__cartpole_load(e, i, &p);
    pf = myr_cartpole_params_to_f(&p);
    myr__cartpole_physics_f32(&pf, e->col[CP_X].f + i, e->col[CP_X_DOT].f + i,
                              e->col[CP_THETA].f + i,
                              e->col[CP_THETA_DOT].f + i, e->col[CP_T].i + i,
                              &io->act_i[k], &io->terminated[k],
                              &io->truncated[k], &io->reward[k], 1);
    if (myr__cartpole_events_f(e, i, k, io, st)) reset_one(e, i, io->clock);
    if (io->obs != NULL) get4f(io->obs + 4 * k, e, i);
  }
}
