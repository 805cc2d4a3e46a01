/*
 * tune.h -- `myriad tune` and its cache of the fastest fused-rollout
 * settings (threads x block size x chunk) per machine, env and build.
 *
 * The cache is one small text file per env under $XDG_CACHE_HOME/myriad/
 * (fallback ~/.cache/myriad/): key=value lines ending in an FNV-1a 64-bit
 * checksum of everything before it.  An entry is used only when it parses,
 * its checksum matches, every value is in range, and its key (CPU model,
 * env id, build: myr_build_info + compiler + git revision) equals this
 * process's; otherwise it is ignored with a warning.
 */
#ifndef MYR_CLI_TUNE_H
#define MYR_CLI_TUNE_H

#include "cli.h"

typedef struct tune_entry {
  char cpu[128];
  char env[64];
  char build[384];
  int64_t num_envs;   /* batch size the search ran at */
  int32_t threads;
  int64_t block;
  int64_t chunk;
  double steps_per_s; /* measured at the best settings */
} tune_entry;

enum { TUNE_FRESH = 0, TUNE_MISSING = 1, TUNE_STALE = 2, TUNE_CORRUPT = 3 };

/* fill the key fields (cpu, env, build) for this machine and build */
void tune_key(const char* env_id, tune_entry* e);
/* cache file of an env; returns 0, or -1 when no cache directory is known */
int tune_cache_path(const char* env_id, char* buf, size_t size);
/* the file text of an entry, checksum included; returns its length or -1 */
int tune_format(const tune_entry* e, char* buf, size_t size);
/* parse and validate a file's text (syntax, checksum, ranges); returns 0 or
 * -1 with the reason in why */
int tune_parse(const char* text, tune_entry* out, char* why, size_t why_size);
/* load the entry of env_id: TUNE_FRESH, TUNE_MISSING, TUNE_STALE (another
 * key, or more threads than this machine has) or TUNE_CORRUPT, with the
 * reason in why */
int tune_load(const char* env_id, tune_entry* out, char* why, size_t why_size);
/* write the entry atomically (creating the directory); path receives the
 * file name; returns 0 or prints an error and returns -1 */
int tune_save(const tune_entry* e, char* path, size_t path_size);
/* --tuned: apply the cached threads, block and chunk of env_id to o where
 * they were not given explicitly; warns and leaves o alone when the entry
 * is missing, stale or corrupt */
void tune_apply(cli_opts* o, const char* env_id);

#endif
