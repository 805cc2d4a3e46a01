/*
 * CartPole-v1 against trajectories produced by the real Gymnasium 1.4
 * (tests/data/cartpole_v1_gymnasium.csv): float64 must match every row
 * bit for bit; float32 must end random episodes on the same step within
 * 1e-5 and keep balancing episodes within 1e-3 for 100 steps.
 */
#include "check.h"
#include "myriad/myriad.h"

#define MAX_ROWS 11000

typedef struct row {
  int episode, policy, step, action;
  double s[4];
  double reward;
  int terminated, truncated;
} row;

static row rows[MAX_ROWS];
static int nrows;

static int load(void) {
  char line[512];
  FILE* f = fopen(MYR_DATA_DIR "/cartpole_v1_gymnasium.csv", "r");
  if (f == NULL) return -1;
  if (fgets(line, sizeof line, f) == NULL) {
    fclose(f);
    return -1;
  }
  while (nrows < MAX_ROWS && fgets(line, sizeof line, f) != NULL) {
    row* r = &rows[nrows];
    if (sscanf(line, "%d,%d,%d,%d,%lf,%lf,%lf,%lf,%lf,%d,%d", &r->episode,
               &r->policy, &r->step, &r->action, &r->s[0], &r->s[1], &r->s[2],
               &r->s[3], &r->reward, &r->terminated, &r->truncated) == 11)
      nrows++;
  }
  fclose(f);
  return 0;
}

static const char* names[4] = {"x", "x_dot", "theta", "theta_dot"};

/* run one episode starting at rows[first]; returns the index after it */
static int run_episode(int first, myr_precision prec, int* mismatches,
                       double* max_err, int* end_ok) {
  myr_batch_def def = myr_batch_def_default();
  myr_batch* b = NULL;
  float obs[4], rew;
  uint8_t te, tr;
  myr_step_out out = {obs, &rew, &te, &tr, NULL};
  int i = first, k, ep = rows[first].episode;
  double v, zero = 0.0;
  int limit = rows[first].policy == 1 && prec == MYR_FLOAT32 ? 100 : 1 << 30;
  def.precision = prec;
  def.autoreset = MYR_AUTORESET_DISABLED;
  def.threads = 1;
  *mismatches = 0;
  *max_err = 0.0;
  *end_ok = 1;
  CHECK_OK(myr_batch_create("CartPole-v1", 1, &def, &b));
  if (b == NULL) return first + 1;
  for (k = 0; k < 4; ++k) CHECK_OK(myr_batch_set_state(b, names[k], &rows[i].s[k]));
  CHECK_OK(myr_batch_set_state(b, "t", &zero));
  for (i = first + 1; i < nrows && rows[i].episode == ep; ++i) {
    int32_t a = rows[i].action;
    CHECK_OK(myr_batch_step(b, &a, &out));
    if (rows[i].step > limit) continue;
    for (k = 0; k < 4; ++k) {
      myr_batch_get_state(b, names[k], &v);
      if (prec == MYR_FLOAT64) {
        if (v != rows[i].s[k]) (*mismatches)++;
      } else if (fabs(v - rows[i].s[k]) > *max_err) {
        *max_err = fabs(v - rows[i].s[k]);
      }
    }
    if ((double)rew != rows[i].reward || te != rows[i].terminated ||
        tr != rows[i].truncated) {
      if (prec == MYR_FLOAT64) (*mismatches)++;
      else *end_ok = 0;
    }
  }
  myr_batch_destroy(b);
  return i;
}

int main(void) {
  int i, episodes = 0, random_eps = 0, balance_eps = 0;
  CHECK_MSG(load() == 0 && nrows > 10000, "reference data missing (%d rows)",
            nrows);
  /* float64: bit for bit on every row */
  for (i = 0; i < nrows;) {
    int mism, end_ok;
    double err;
    int ep = rows[i].episode;
    i = run_episode(i, MYR_FLOAT64, &mism, &err, &end_ok);
    CHECK_MSG(mism == 0, "float64 episode %d: %d mismatching values", ep, mism);
    episodes++;
  }
  CHECK(episodes == 40);
  /* float32: tolerances */
  for (i = 0; i < nrows;) {
    int mism, end_ok, ep = rows[i].episode, pol = rows[i].policy;
    double err;
    i = run_episode(i, MYR_FLOAT32, &mism, &err, &end_ok);
    if (pol == 0) {
      random_eps++;
      CHECK_MSG(err <= 1e-5 && end_ok, "float32 random episode %d: max err %g, "
                "same end %d", ep, err, end_ok);
    } else {
      balance_eps++;
      CHECK_MSG(err <= 1e-3, "float32 balancing episode %d: max err %g", ep, err);
    }
  }
  CHECK(random_eps == 20 && balance_eps == 20);
  return check_summary("test_cartpole_parity");
}
