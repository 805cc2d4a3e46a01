/*
 * mpi.h -- running `myriad` as K processes under mpirun.
 *
 * The global env index range [0, N) is split into contiguous shards: rank r
 * of K owns [N*r/K, N*(r+1)/K) and creates its batch with env_offset set to
 * the shard's start, so every env draws the same random numbers as in a
 * single process.  Episode statistics are exact integer sums and the state
 * hash is a wrapping sum over envs, so the reduced results equal a single
 * process's bit for bit.  Rank 0 prints and writes files; the other ranks'
 * stdout goes to /dev/null (errors still reach stderr).
 *
 * Without MPI at build time (MYR_HAVE_MPI undefined), or when the process
 * was not started by an MPI launcher, there is one rank and every call is a
 * no-op.
 */
#ifndef MYR_CLI_MPI_H
#define MYR_CLI_MPI_H

#include <stdint.h>

#include "myriad/myriad.h"

/* Start MPI if this process was started by an MPI launcher; otherwise run
 * as the only rank.  Returns 0, or an exit code if MPI failed to start. */
int cli_mpi_init(int* argc, char*** argv);

/* Shut MPI down with the command's exit code: a failing rank aborts the
 * whole job (so that no rank waits forever in a collective). */
void cli_mpi_finalize(int exit_code);

int cli_mpi_rank(void);
int cli_mpi_size(void);
/* 1 on rank 0 (the one that prints and writes files) */
int cli_mpi_is_root(void);

/* this rank's shard of the global range [0, n): [*begin, *begin + *count) */
void cli_mpi_shard(int64_t n, int64_t* begin, int64_t* count);

void cli_mpi_barrier(void);
/* in-place reductions over all ranks (every rank gets the result) */
void cli_mpi_sum_i64(int64_t* values, int count);
void cli_mpi_max_f64(double* values, int count);
/* wrapping sum of a uint64 (the state hash) */
uint64_t cli_mpi_sum_u64(uint64_t value);

/* Reduce rollout statistics: sums of the integer fields, the maximum wall
 * time, and the means recomputed from the exact sums. */
void cli_mpi_reduce_stats(myr_rollout_stats* st);

#endif /* MYR_CLI_MPI_H */
