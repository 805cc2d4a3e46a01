/*
 * report.h -- the statistics block printed by `myriad run`.
 */
#ifndef MYR_CLI_REPORT_H
#define MYR_CLI_REPORT_H

#include <stdio.h>

#include "cli.h"

void cli_report_run(FILE* f, const cli_opts* o, const myr_batch* b,
                    const myr_rollout_stats* st);

#endif
