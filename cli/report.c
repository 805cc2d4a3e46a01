/*
 * report.c -- the statistics block printed by `myriad run`: throughput,
 * episode statistics, population statistics of the species count fields
 * of stochastic envs (and of their X_end fields: the counts when each
 * env's last episode ended), and the order-independent final-state hash.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

#include "mpi.h"

/* A species count: an integer field that set_state caps at MYR_COUNT_MAX
 * (the molecule counts of stochastic envs). */
static int is_count(const myr_field_info* f) {
  return f->is_integer && f->max_value == (double)MYR_COUNT_MAX;
}

/* the name of the integer field X_end paired with count field j (X), in
 * buf; NULL if field j is no count or has no such pair */
static const char* end_field(const myr_env_info* e, int32_t j, char* buf,
                             size_t size) {
  int32_t k;
  if (!is_count(&e->fields[j])) return NULL;
  snprintf(buf, size, "%s_end", e->fields[j].name);
  for (k = 0; k < e->num_fields; ++k)
    if (strcmp(e->fields[k].name, buf) == 0 && e->fields[k].is_integer)
      return buf;
  return NULL;
}

/* the episode clock: the integer field counted in steps (0 after a reset) */
static const myr_field_info* clock_field(const myr_env_info* e) {
  int32_t j;
  for (j = 0; j < e->num_fields; ++j)
    if (e->fields[j].is_integer && strcmp(e->fields[j].unit, "steps") == 0)
      return &e->fields[j];
  return NULL;
}

static int has_counts(const myr_env_info* e) {
  int32_t j;
  for (j = 0; j < e->num_fields; ++j)
    if (is_count(&e->fields[j])) return 1;
  return 0;
}

/* Mean and variance over all envs (all MPI ranks) of integer field `name`,
 * printed as "mean <shown>" and "var <shown>"; the sums are exact integers,
 * so the figures do not depend on threads or ranks.  x holds n doubles. */
static int report_field(FILE* f, const myr_batch* b, const char* name,
                        const char* shown, double* x) {
  /* envs, sum, sum of squares as hi * 2^30 + lo: counts are at most
   * MYR_COUNT_MAX = 2^30, so each part stays below 2^62 for 2^32 envs */
  int64_t sums[4] = {0, 0, 0, 0};
  int64_t n = myr_batch_num_envs(b), i;
  char label[80];
  if (myr_batch_get_state(b, name, x) != MYR_OK) return -1;
  for (i = 0; i < n; ++i) {
    int64_t v = (int64_t)x[i];
    int64_t sq = v * v;
    sums[1] += v;
    sums[2] += sq >> 30;
    sums[3] += sq & ((INT64_C(1) << 30) - 1);
  }
  sums[0] = n;
  cli_mpi_sum_i64(sums, 4);
  if (sums[0] > 0) {
    double mean = (double)sums[1] / (double)sums[0];
    double sumsq = (double)sums[2] * 1073741824.0 + (double)sums[3];
    double var = sums[0] > 1 ? (sumsq - (double)sums[1] * mean) /
                                   (double)(sums[0] - 1)
                             : 0.0;
    snprintf(label, sizeof label, "mean %s", shown);
    fprintf(f, "%-14s %.4f\n", label, mean);
    snprintf(label, sizeof label, "var %s", shown);
    fprintf(f, "%-14s %.4f\n", label, var);
  }
  return 0;
}

/* Envs whose episode ended on the last step were reset, so their counts
 * now are the reset state: say so, naming the counts that have an X_end
 * field (the state when each env's last episode ended). */
static void report_fresh(FILE* f, const myr_batch* b, int64_t episodes,
                         double* x) {
  const myr_env_info* e = myr_batch_env(b);
  const myr_field_info* clock = clock_field(e);
  int64_t n = myr_batch_num_envs(b), i;
  int64_t fresh[1] = {0};
  char names[256] = "", end_name[80];
  size_t len = 0;
  int32_t j;
  for (j = 0; j < e->num_fields; ++j)
    if (end_field(e, j, end_name, sizeof end_name) != NULL &&
        len < sizeof names)
      len += (size_t)snprintf(names + len, sizeof names - len, "%s = ",
                              e->fields[j].name);
  if (len == 0 || episodes <= 0 || clock == NULL ||
      myr_batch_get_state(b, clock->name, x) != MYR_OK)
    return;
  for (i = 0; i < n; ++i) fresh[0] += x[i] == 0.0;
  cli_mpi_sum_i64(fresh, 1);
  if (fresh[0] > 0)
    fprintf(f, "note           %lld envs ended an episode on the last step and "
            "were reset (%s0\n               as a new episode starts); "
            "the 'at episode end' lines give the\n               state when "
            "each env's last episode ended\n", (long long)fresh[0], names);
}

/* The count fields (the state now), then the note on reset envs, then each
 * count's X_end field (the state at the end of the env's last finished
 * episode, before an autoreset) where the env has one. */
static void report_counts(FILE* f, const myr_batch* b, int64_t episodes) {
  const myr_env_info* e = myr_batch_env(b);
  double* x;
  char end_name[80], shown[96];
  int32_t j;
  int ok = 1;
  if (!has_counts(e)) return;
  x = (double*)malloc(sizeof(double) * (size_t)myr_batch_num_envs(b));
  if (x == NULL) return;
  for (j = 0; ok && j < e->num_fields; ++j)
    if (is_count(&e->fields[j]))
      ok = report_field(f, b, e->fields[j].name, e->fields[j].name, x) == 0;
  if (ok) report_fresh(f, b, episodes, x);
  for (j = 0; ok && j < e->num_fields; ++j)
    if (end_field(e, j, end_name, sizeof end_name) != NULL) {
      snprintf(shown, sizeof shown, "%s at episode end", e->fields[j].name);
      ok = report_field(f, b, end_name, shown, x) == 0;
    }
  free(x);
}

void cli_report_run(FILE* f, const cli_opts* o, const myr_batch* b,
                    const myr_rollout_stats* st) {
  char s1[32];
  const myr_env_info* e = myr_batch_env(b);
  double rate = st->wall_seconds > 0 ? (double)st->steps / st->wall_seconds : 0;
  fprintf(f, "env            %s\n", e->id);
  if (o->model != NULL) fprintf(f, "model          %s\n", o->model);
  /* o->num_envs is the global count (all MPI ranks) */
  fprintf(f, "num_envs       %lld\n", (long long)o->num_envs);
  fprintf(f, "steps          %lld per env (%lld env-steps)\n",
          (long long)(o->num_envs ? st->steps / o->num_envs : 0),
          (long long)st->steps);
  fprintf(f, "policy         %s\n", o->policy);
  fprintf(f, "threads        %d\n", (int)myr_batch_threads(b));
  if (cli_mpi_size() > 1)
    fprintf(f, "processes      %d (MPI ranks, threads each)\n", cli_mpi_size());
  fprintf(f, "backend        %s\n", myr_backend_name((int)myr_batch_backend(b)));
  fprintf(f, "precision      %s\n", myr_precision_name(myr_batch_precision(b)));
  fprintf(f, "seed           %llu\n", (unsigned long long)myr_batch_seed(b));
  fprintf(f, "wall time      %.4f s\n", st->wall_seconds);
  fprintf(f, "throughput     %s env-steps/s\n", cli_si(rate, s1, sizeof s1));
  fprintf(f, "episodes       %lld\n", (long long)st->episodes);
  if (st->return_overflows > 0)
    fprintf(f, "mean return    not representable: %lld episodes' returns exceed "
            "+-4.5e15\n", (long long)st->return_overflows);
  else
    fprintf(f, "mean return    %.4f\n", st->mean_return);
  fprintf(f, "mean length    %.4f\n", st->mean_length);
  if (st->reactions > 0 || st->cap_hits > 0 || has_counts(e)) {
    fprintf(f, "reactions      %.4f per env-step\n",
            st->steps > 0 ? (double)st->reactions / (double)st->steps : 0.0);
    fprintf(f, "cap hits       %lld\n", (long long)st->cap_hits);
  }
  if (st->bad_propensities > 0)
    fprintf(f, "bad propensity %lld env-steps (a negative or NaN propensity, "
            "counted as 0: check the model's kinetic laws)\n",
            (long long)st->bad_propensities);
  report_counts(f, b, st->episodes);
  fprintf(f, "state hash     %016llx\n",
          (unsigned long long)cli_mpi_sum_u64(myr_batch_state_hash(b)));
}
