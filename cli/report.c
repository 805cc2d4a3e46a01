/*
 * report.c -- the statistics block printed by `myriad run`: throughput,
 * episode statistics, population statistics of count fields (gene
 * circuits), and the order-independent final-state hash.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

#include "mpi.h"

static int has_int_field(const myr_env_info* e, const char* name) {
  int j;
  for (j = 0; j < e->num_fields; ++j)
    if (strcmp(e->fields[j].name, name) == 0 && e->fields[j].is_integer)
      return 1;
  return 0;
}

/* Mean and variance over all envs (all MPI ranks) of the integer state
 * fields "H" and "F" (the state now) and "H_end", "F_end" (the state at
 * the end of each env's last finished episode, before an autoreset) of
 * envs that have them; the sums are exact integers, so the figures do not
 * depend on threads or ranks. */
static void report_counts(FILE* f, const myr_batch* b, int64_t episodes) {
  static const char* names[4] = {"H", "F", "H_end", "F_end"};
  static const char* shown[4] = {"H", "F", "H at episode end",
                                 "F at episode end"};
  const myr_env_info* e = myr_batch_env(b);
  int64_t n = myr_batch_num_envs(b), i;
  double* x = NULL;
  int k;
  for (k = 0; k < 4; ++k) {
    /* envs, sum, sum of squares as hi * 2^30 + lo: counts are at most
     * MYR_COUNT_MAX = 2^30, so each part stays below 2^62 for 2^32 envs */
    int64_t sums[4] = {0, 0, 0, 0};
    if (!has_int_field(e, names[k])) continue;
    if (x == NULL) x = (double*)malloc(sizeof(double) * (size_t)n);
    if (x == NULL || myr_batch_get_state(b, names[k], x) != MYR_OK) break;
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
      char label[48];
      snprintf(label, sizeof label, "mean %s", shown[k]);
      fprintf(f, "%-14s %.4f\n", label, mean);
      snprintf(label, sizeof label, "var %s", shown[k]);
      fprintf(f, "%-14s %.4f\n", label, var);
    }
    /* after the state now: say why it may be the reset state */
    if (k == 1 && episodes > 0 && has_int_field(e, "t") &&
        myr_batch_get_state(b, "t", x) == MYR_OK) {
      int64_t fresh[1] = {0};
      for (i = 0; i < n; ++i) fresh[0] += x[i] == 0.0;
      cli_mpi_sum_i64(fresh, 1);
      if (fresh[0] > 0)
        fprintf(f, "note           %lld envs ended an episode on the last step and "
                "were reset (H = F = 0\n               as a new episode starts); "
                "the 'at episode end' lines give the\n               state when "
                "each env's last episode ended\n", (long long)fresh[0]);
    }
  }
  free(x);
}

void cli_report_run(FILE* f, const cli_opts* o, const myr_batch* b,
                    const myr_rollout_stats* st) {
  char s1[32];
  const myr_env_info* e = myr_batch_env(b);
  double rate = st->wall_seconds > 0 ? (double)st->steps / st->wall_seconds : 0;
  fprintf(f, "env            %s\n", e->id);
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
  if (st->reactions > 0 || st->cap_hits > 0 || has_int_field(e, "H") ||
      has_int_field(e, "F")) {
    fprintf(f, "reactions      %.4f per env-step\n",
            st->steps > 0 ? (double)st->reactions / (double)st->steps : 0.0);
    fprintf(f, "cap hits       %lld\n", (long long)st->cap_hits);
  }
  report_counts(f, b, st->episodes);
  fprintf(f, "state hash     %016llx\n",
          (unsigned long long)cli_mpi_sum_u64(myr_batch_state_hash(b)));
}
