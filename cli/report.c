/*
 * report.c -- the statistics block printed by `myriad run`: throughput,
 * episode statistics, and the order-independent final-state hash.
 */
#include "report.h"

#include "mpi.h"

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
  fprintf(f, "backend        %s\n", myr_backend_name(myr_batch_backend(b)));
  fprintf(f, "precision      %s\n", myr_precision_name(myr_batch_precision(b)));
  fprintf(f, "seed           %llu\n", (unsigned long long)myr_batch_seed(b));
  fprintf(f, "wall time      %.4f s\n", st->wall_seconds);
  fprintf(f, "throughput     %s env-steps/s\n", cli_si(rate, s1, sizeof s1));
  fprintf(f, "episodes       %lld\n", (long long)st->episodes);
  fprintf(f, "mean return    %.4f\n", st->mean_return);
  fprintf(f, "mean length    %.4f\n", st->mean_length);
  fprintf(f, "state hash     %016llx\n",
          (unsigned long long)cli_mpi_sum_u64(myr_batch_state_hash(b)));
}
