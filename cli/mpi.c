/*
 * mpi.c -- process sharding for `mpirun -np K myriad ...` (see mpi.h).
 *
 * MPI is started only when an MPI launcher set up this process (Open MPI,
 * PMI or PMIx environment variables), so a plain `myriad` from an MPI build
 * starts as fast as one without and needs no MPI runtime.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "mpi.h"

#if defined(MYR_HAVE_MPI)
#  include <mpi.h>
#endif

static int g_rank = 0;
static int g_size = 1;
static int g_active = 0; /* MPI_Init was called */

int cli_mpi_rank(void) { return g_rank; }
int cli_mpi_size(void) { return g_size; }
int cli_mpi_is_root(void) { return g_rank == 0; }

void cli_mpi_shard(int64_t n, int64_t* begin, int64_t* count) {
  /* rank r owns [n*r/K, n*(r+1)/K); n <= 2^32 (MYR_MAX_ENVS), so the
   * products fit in 64 bits */
  int64_t lo = n * g_rank / g_size;
  int64_t hi = n * (g_rank + 1) / g_size;
  *begin = lo;
  *count = hi - lo;
}

#if defined(MYR_HAVE_MPI)

static int launched_by_mpi(void) {
  static const char* const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK",
                                     "PMI_RANK", "PMI_SIZE", NULL};
  int k;
  for (k = 0; vars[k] != NULL; ++k)
    if (getenv(vars[k]) != NULL) return 1;
  return 0;
}

int cli_mpi_init(int* argc, char*** argv) {
  if (!launched_by_mpi()) return 0;
  if (MPI_Init(argc, argv) != MPI_SUCCESS) {
    cli_error("MPI_Init failed");
    return CLI_EXIT_FAIL;
  }
  g_active = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  /* only rank 0 prints results */
  if (g_rank != 0 && freopen("/dev/null", "w", stdout) == NULL) {
    cli_error("rank %d: cannot silence stdout", g_rank);
    return CLI_EXIT_FAIL;
  }
  return 0;
}

void cli_mpi_finalize(int exit_code) {
  if (!g_active) return;
  fflush(stdout);
  fflush(stderr);
  if (exit_code != 0 && g_size > 1) MPI_Abort(MPI_COMM_WORLD, exit_code);
  MPI_Finalize();
  g_active = 0;
}

void cli_mpi_barrier(void) {
  if (g_active && g_size > 1) MPI_Barrier(MPI_COMM_WORLD);
}

void cli_mpi_sum_i64(int64_t* values, int count) {
  if (g_active && g_size > 1)
    MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_INT64_T, MPI_SUM,
                  MPI_COMM_WORLD);
}

void cli_mpi_max_f64(double* values, int count) {
  if (g_active && g_size > 1)
    MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_DOUBLE, MPI_MAX,
                  MPI_COMM_WORLD);
}

uint64_t cli_mpi_sum_u64(uint64_t value) {
  /* unsigned addition wraps, as the single-process hash does */
  if (g_active && g_size > 1)
    MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_UINT64_T, MPI_SUM,
                  MPI_COMM_WORLD);
  return value;
}

#else /* without MPI: one rank */

int cli_mpi_init(int* argc, char*** argv) {
  (void)argc;
  (void)argv;
  (void)g_active;
  return 0;
}

void cli_mpi_finalize(int exit_code) { (void)exit_code; }
void cli_mpi_barrier(void) {}
void cli_mpi_sum_i64(int64_t* values, int count) {
  (void)values;
  (void)count;
}
void cli_mpi_max_f64(double* values, int count) {
  (void)values;
  (void)count;
}
uint64_t cli_mpi_sum_u64(uint64_t value) { return value; }

#endif

void cli_mpi_reduce_stats(myr_rollout_stats* st) {
  int64_t sums[10];
  uint64_t lo = (uint64_t)st->return_sum_fixed;
  if (g_size == 1) return;
  sums[0] = st->steps;
  sums[1] = st->episodes;
  sums[2] = st->length_sum;
  sums[3] = st->cap_hits;
  sums[4] = st->reactions;
  sums[5] = st->return_overflows;
  /* the 128-bit return sum in pieces an int64 sum over ranks cannot
   * overflow: the two 32-bit halves of the low word and the high word */
  sums[6] = (int64_t)(lo & 0xFFFFFFFFu);
  sums[7] = (int64_t)(lo >> 32);
  sums[8] = st->return_sum_fixed_hi;
  sums[9] = st->bad_propensities;
  cli_mpi_sum_i64(sums, 10);
  cli_mpi_max_f64(&st->wall_seconds, 1);
  st->steps = sums[0];
  st->episodes = sums[1];
  st->length_sum = sums[2];
  st->cap_hits = sums[3];
  st->reactions = sums[4];
  st->return_overflows = sums[5];
  st->bad_propensities = sums[9];
  /* reassemble hi * 2^64 + halves[1] * 2^32 + halves[0] (both halves are
   * non-negative sums below 2^63), carrying into the high word */
  {
    uint64_t lo1 = ((uint64_t)sums[7] & 0xFFFFFFFFu) << 32;
    uint64_t low = lo1 + (uint64_t)sums[6];
    st->return_sum_fixed_hi = sums[8] + (sums[7] >> 32) + (low < lo1);
    st->return_sum_fixed = (int64_t)low;
  }
  /* means from the exact sums */
  myr_rollout_stats_finish(st);
}
