/*
 * bench_compare.h -- `myriad bench compare` (bench/compare.py).
 */
#ifndef MYR_CLI_BENCH_COMPARE_H
#define MYR_CLI_BENCH_COMPARE_H

/* Run bench/compare.py with argv[0..argc) passed through; returns the exit
 * code (0 success, 1 failure, 2 usage). */
int cli_bench_compare(int argc, char** argv);

#endif
