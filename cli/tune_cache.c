/*
 * tune_cache.c -- the `myriad tune` cache: file format, validation, paths
 * and the --tuned option.
 *
 * File (one per env, e.g. ~/.cache/myriad/tune-cartpole-v1.txt):
 *   # comment lines
 *   format=1
 *   cpu=<CPU model>  env=<env id>  build=<build info; compiler; rev>
 *   num_envs=<N> threads=<K> block=<B> chunk=<C> steps_per_s=<rate>
 *   checksum=fnv1a64:<16 hex digits of the bytes before this line>
 * (one key per line).  Every key must appear exactly once; anything else
 * makes the file corrupt.  Nothing read from the file is used before all of
 * it has been validated.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tune.h"

#define TUNE_FORMAT 1

static uint64_t fnv1a64(const char* s, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  size_t i;
  for (i = 0; i < n; ++i) {
    h ^= (unsigned char)s[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

/* copy s without newlines (values are single lines) */
static void one_line(char* out, size_t size, const char* s) {
  size_t k = 0;
  for (; *s && k + 1 < size; ++s) out[k++] = (*s == '\n' || *s == '\r') ? ' ' : *s;
  out[k] = '\0';
}

void tune_key(const char* env_id, tune_entry* e) {
  const myr_env_info* info = myr_env_find(env_id);
  char build[512];
  memset(e, 0, sizeof *e);
  one_line(e->cpu, sizeof e->cpu, cli_cpu_model());
  one_line(e->env, sizeof e->env, info ? info->id : env_id);
  snprintf(build, sizeof build, "%s; %s; rev %s", myr_build_info(),
           cli_compiler(), cli_git_rev());
  one_line(e->build, sizeof e->build, build);
}

int tune_cache_path(const char* env_id, char* buf, size_t size) {
  const char* xdg = getenv("XDG_CACHE_HOME");
  const char* home = getenv("HOME");
  char name[80];
  size_t k = 0;
  const myr_env_info* info = myr_env_find(env_id);
  const char* id = info ? info->id : env_id;
  /* file-name-safe env id */
  for (; *id && k + 1 < sizeof name; ++id)
    name[k++] = ((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') ||
                 (*id >= '0' && *id <= '9') || *id == '-' || *id == '.')
                    ? *id
                    : '_';
  name[k] = '\0';
  if (xdg != NULL && xdg[0] == '/')
    snprintf(buf, size, "%s/myriad/tune-%s.txt", xdg, name);
  else if (home != NULL && home[0] != '\0')
    snprintf(buf, size, "%s/.cache/myriad/tune-%s.txt", home, name);
  else
    return -1;
  return 0;
}

int tune_format(const tune_entry* e, char* buf, size_t size) {
  int n = snprintf(buf, size,
                   "# myriad tune cache: fastest fused rollout found on this "
                   "machine (see 'myriad tune --help')\n"
                   "format=%d\ncpu=%s\nenv=%s\nbuild=%s\nnum_envs=%lld\n"
                   "threads=%d\nblock=%lld\nchunk=%lld\nsteps_per_s=%.6g\n",
                   TUNE_FORMAT, e->cpu, e->env, e->build, (long long)e->num_envs,
                   (int)e->threads, (long long)e->block, (long long)e->chunk,
                   e->steps_per_s);
  int m;
  if (n < 0 || (size_t)n >= size) return -1;
  m = snprintf(buf + n, size - (size_t)n, "checksum=fnv1a64:%016llx\n",
               (unsigned long long)fnv1a64(buf, (size_t)n));
  if (m < 0 || (size_t)(n + m) >= size) return -1;
  return n + m;
}

/* strict integer in [lo, hi] */
static int parse_int(const char* v, int64_t lo, int64_t hi, int64_t* out) {
  char* end = NULL;
  long long x;
  errno = 0;
  x = strtoll(v, &end, 10);
  if (end == v || *end != '\0' || errno == ERANGE) return -1;
  if (x < lo || x > hi) return -2;
  *out = x;
  return 0;
}

#define WHY(...)                              \
  do {                                        \
    snprintf(why, why_size, __VA_ARGS__);     \
    return -1;                                \
  } while (0)

int tune_parse(const char* text, tune_entry* out, char* why, size_t why_size) {
  enum { K_FORMAT, K_CPU, K_ENV, K_BUILD, K_N, K_THREADS, K_BLOCK, K_CHUNK,
         K_RATE, K_SUM, K_COUNT };
  static const char* const keys[K_COUNT] = {
      "format", "cpu", "env", "build", "num_envs", "threads", "block", "chunk",
      "steps_per_s", "checksum"};
  int seen[K_COUNT];
  tune_entry e;
  const char* p = text;
  size_t sum_at = 0;
  int k;
  memset(seen, 0, sizeof seen);
  memset(&e, 0, sizeof e);
  while (*p != '\0') {
    const char* nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    char line[512];
    char* eq;
    const char* v;
    int64_t x = 0;
    int r = 0;
    if (len >= sizeof line) WHY("line too long");
    memcpy(line, p, len);
    line[len] = '\0';
    if (line[0] == '#' || len == 0) {
      p += len + (nl != NULL);
      continue;
    }
    eq = strchr(line, '=');
    if (eq == NULL) WHY("malformed line '%.40s'", line);
    *eq = '\0';
    v = eq + 1;
    for (k = 0; k < K_COUNT; ++k)
      if (strcmp(line, keys[k]) == 0) break;
    if (k == K_COUNT) WHY("unknown key '%.40s'", line);
    if (seen[k]) WHY("duplicate key '%s'", keys[k]);
    if (k != K_SUM && seen[K_SUM]) WHY("data after the checksum");
    seen[k] = 1;
    switch (k) {
      case K_FORMAT:
        r = parse_int(v, TUNE_FORMAT, TUNE_FORMAT, &x);
        if (r != 0) WHY("unsupported format '%.20s'", v);
        break;
      case K_CPU: one_line(e.cpu, sizeof e.cpu, v); break;
      case K_ENV: one_line(e.env, sizeof e.env, v); break;
      case K_BUILD: one_line(e.build, sizeof e.build, v); break;
      case K_N:
        r = parse_int(v, 1, MYR_MAX_ENVS, &x);
        e.num_envs = x;
        break;
      case K_THREADS:
        r = parse_int(v, 1, 1024, &x);
        e.threads = (int32_t)x;
        break;
      case K_BLOCK:
        r = parse_int(v, 1, 1 << 22, &x);
        e.block = x;
        break;
      case K_CHUNK:
        r = parse_int(v, 1, 1 << 24, &x);
        e.chunk = x;
        break;
      case K_RATE: {
        char* end = NULL;
        e.steps_per_s = strtod(v, &end);
        if (end == v || *end != '\0') r = -1;
        else if (!isfinite(e.steps_per_s) || e.steps_per_s <= 0) r = -2;
        break;
      }
      default: {
        char hex[17];
        sum_at = (size_t)(p - text);
        if (strncmp(v, "fnv1a64:", 8) != 0 || strlen(v + 8) != 16)
          WHY("malformed checksum");
        snprintf(hex, sizeof hex, "%016llx",
                 (unsigned long long)fnv1a64(text, sum_at));
        if (strcmp(hex, v + 8) != 0) WHY("checksum mismatch");
        break;
      }
    }
    if (r == -1) WHY("bad value '%.40s' for %s", v, keys[k]);
    if (r == -2) WHY("%s=%.40s out of range", keys[k], v);
    p += len + (nl != NULL);
  }
  for (k = 0; k < K_COUNT; ++k)
    if (!seen[k]) WHY("missing key '%s'", keys[k]);
  *out = e;
  return 0;
}

int tune_load(const char* env_id, tune_entry* out, char* why, size_t why_size) {
  char path[1200], text[4096];
  tune_entry key;
  FILE* f;
  size_t n;
  if (tune_cache_path(env_id, path, sizeof path) != 0) {
    snprintf(why, why_size, "no cache directory (neither XDG_CACHE_HOME nor HOME)");
    return TUNE_MISSING;
  }
  f = fopen(path, "r");
  if (f == NULL) {
    snprintf(why, why_size, "%s: %s", path, strerror(errno));
    return TUNE_MISSING;
  }
  n = fread(text, 1, sizeof text - 1, f);
  if (!feof(f)) {
    fclose(f);
    snprintf(why, why_size, "%s: file too large", path);
    return TUNE_CORRUPT;
  }
  fclose(f);
  text[n] = '\0';
  if (strlen(text) != n) {
    snprintf(why, why_size, "%s: binary data", path);
    return TUNE_CORRUPT;
  }
  if (tune_parse(text, out, why, why_size) != 0) return TUNE_CORRUPT;
  tune_key(env_id, &key);
  if (strcmp(out->env, key.env) != 0) {
    snprintf(why, why_size, "entry is for env '%s'", out->env);
    return TUNE_STALE;
  }
  if (strcmp(out->cpu, key.cpu) != 0) {
    snprintf(why, why_size, "tuned on another CPU ('%s')", out->cpu);
    return TUNE_STALE;
  }
  if (strcmp(out->build, key.build) != 0) {
    snprintf(why, why_size, "tuned with another build ('%s')", out->build);
    return TUNE_STALE;
  }
  if (out->threads > myr_cpu_count()) {
    snprintf(why, why_size, "threads=%d exceeds the %d online CPUs",
             (int)out->threads, (int)myr_cpu_count());
    return TUNE_STALE;
  }
  return TUNE_FRESH;
}

int tune_save(const tune_entry* e, char* path, size_t path_size) {
  char dir[1200], text[4096];
  char* slash;
  size_t k;
  int n;
  if (tune_cache_path(e->env, path, path_size) != 0) {
    cli_error("tune: no cache directory (set XDG_CACHE_HOME or HOME)");
    return -1;
  }
  /* mkdir -p the directory */
  snprintf(dir, sizeof dir, "%s", path);
  slash = strrchr(dir, '/');
  if (slash != NULL) *slash = '\0';
  for (k = 1; dir[k] != '\0'; ++k) {
    if (dir[k] != '/') continue;
    dir[k] = '\0';
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) break;
    dir[k] = '/';
  }
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    cli_error("tune: cannot create '%s': %s", dir, strerror(errno));
    return -1;
  }
  if ((n = tune_format(e, text, sizeof text)) < 0) {
    cli_error("tune: cache entry too long");
    return -1;
  }
  return cli_write_atomic("tune", path, text, (size_t)n);
}

void tune_apply(cli_opts* o, const char* env_id) {
  tune_entry e;
  char why[512];
  const myr_env_info* info = myr_env_find(env_id);
  const char* id = info ? info->id : env_id;
  int st = tune_load(env_id, &e, why, sizeof why);
  if (st == TUNE_MISSING) {
    fprintf(stderr,
            "myriad: warning: no tuned settings for '%s' (%s); run 'myriad "
            "tune --env %s' (using defaults)\n", id, why, id);
    return;
  }
  if (st != TUNE_FRESH) {
    fprintf(stderr,
            "myriad: warning: ignoring the %s tune cache for '%s': %s; run "
            "'myriad tune --env %s' again (using defaults)\n",
            st == TUNE_STALE ? "stale" : "corrupt", id, why, id);
    return;
  }
  if (!o->has_threads) o->threads = e.threads;
  if (!o->has_block) o->block = e.block;
  if (!o->has_chunk) o->chunk = e.chunk;
  fprintf(stderr, "myriad: tuned settings for '%s': threads %d, block %lld, "
          "chunk %lld%s\n", id, (int)o->threads, (long long)o->block,
          (long long)o->chunk,
          (o->has_threads || o->has_block || o->has_chunk)
              ? " (explicit options kept)" : "");
}
