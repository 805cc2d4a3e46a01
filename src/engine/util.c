/*
 * util.c -- status messages, the per-thread last-error buffer, allocator and
 * log hooks, the arena, integer statistics and the small text parsers.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* ------------------------------------------------------------ status */

const char* myr_strerror(int status) {
  switch (status) {
#define MYR_STATUS_CASE_(name, value, text) \
  case value:                               \
    return text;
    MYR_STATUS_LIST(MYR_STATUS_CASE_)
#undef MYR_STATUS_CASE_
    default:
      return "unknown status";
  }
}

static _Thread_local char last_error[512];

const char* myr_last_error(void) { return last_error; }

int myr__fail(int status, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  return status;
}

/* ------------------------------------------------------------ hooks */

static void* default_alloc(size_t size, void* ctx) {
  (void)ctx;
  return malloc(size);
}

static void default_free(void* ptr, void* ctx) {
  (void)ctx;
  free(ptr);
}

static myr_alloc_fn alloc_fn = default_alloc;
static myr_free_fn free_fn = default_free;
static void* alloc_ctx = NULL;
static myr_log_fn log_fn = NULL;
static void* log_ctx = NULL;

void myr_set_allocator(myr_alloc_fn alloc, myr_free_fn release, void* ctx) {
  if (alloc == NULL || release == NULL) {
    alloc_fn = default_alloc;
    free_fn = default_free;
    alloc_ctx = NULL;
    return;
  }
  alloc_fn = alloc;
  free_fn = release;
  alloc_ctx = ctx;
}

void myr_set_log_hook(myr_log_fn fn, void* ctx) {
  log_fn = fn;
  log_ctx = ctx;
}

void myr__log(int level, const char* fmt, ...) {
  char msg[512];
  va_list ap;
  if (log_fn == NULL) return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  log_fn(level, msg, log_ctx);
}

void* myr__alloc(size_t size) { return alloc_fn(size == 0 ? 1 : size, alloc_ctx); }

void myr__free(void* ptr) {
  if (ptr != NULL) free_fn(ptr, alloc_ctx);
}

/* aligned blocks keep the raw pointer just below the aligned address */
void* myr__alloc_aligned(size_t size) {
  if (size > SIZE_MAX - 128) return NULL;
  unsigned char* raw = (unsigned char*)myr__alloc(size + 64 + sizeof(void*));
  if (raw == NULL) return NULL;
  uintptr_t p = ((uintptr_t)(raw + sizeof(void*)) + 63u) & ~(uintptr_t)63u;
  ((void**)p)[-1] = raw;
  return (void*)p;
}

void myr__free_aligned(void* ptr) {
  if (ptr != NULL) myr__free(((void**)ptr)[-1]);
}

/* first unsigned number in a file (0 if absent or "max") */
static uint64_t read_u64(const char* path, const char* key) {
  FILE* f = fopen(path, "r");
  char line[256];
  uint64_t v = 0;
  size_t klen = key ? strlen(key) : 0;
  if (f == NULL) return 0;
  while (fgets(line, sizeof line, f) != NULL) {
    if (key != NULL && strncmp(line, key, klen) != 0) continue;
    v = strtoull(line + klen, NULL, 10);
    break;
  }
  fclose(f);
  return v;
}

/* limit - usage of this process's memory cgroup (v2, else v1), 0 if none:
 * the group's path in /proc/self/cgroup, looked up under the mount and,
 * in a container whose mount is its own group, at the mount itself */
static uint64_t cgroup_room(void) {
  static const char* const v2[2] = {"/sys/fs/cgroup", "memory.max"};
  static const char* const v1[2] = {"/sys/fs/cgroup/memory", "memory.limit_in_bytes"};
  FILE* f = fopen("/proc/self/cgroup", "r");
  char line[512], group[400] = "", path[1024];
  int version = 0, k;
  if (f == NULL) return 0;
  while (fgets(line, sizeof line, f) != NULL) {
    char* p = strrchr(line, ':');
    int is_v2 = strncmp(line, "0::", 3) == 0;
    int is_v1 = strstr(line, ":memory:") != NULL;
    if (p == NULL || !(is_v2 || is_v1) || (is_v2 && version == 1)) continue;
    snprintf(group, sizeof group, "%s", p + 1);
    group[strcspn(group, "\n")] = '\0';
    version = is_v1 ? 1 : 2;
  }
  fclose(f);
  if (version == 0) return 0;
  for (k = 0; k < 2; ++k) {
    const char* const* v = version == 2 ? v2 : v1;
    uint64_t limit, usage;
    snprintf(path, sizeof path, "%s%s/%s", v[0], k == 0 ? group : "", v[1]);
    limit = read_u64(path, NULL);
    if (limit == 0 || limit >= ((uint64_t)1 << 60)) continue; /* none, "max" */
    snprintf(path, sizeof path, "%s%s/%s", v[0], k == 0 ? group : "",
             version == 2 ? "memory.current" : "memory.usage_in_bytes");
    usage = read_u64(path, NULL);
    return limit > usage ? limit - usage : 1;
  }
  return 0;
}

uint64_t myr__phys_mem(void) {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0;
  return (uint64_t)pages * (uint64_t)page;
}

uint64_t myr__mem_room(const char** what) {
  struct rlimit rl;
  uint64_t room = myr__phys_mem(), v;
  *what = "physical memory";
  v = read_u64("/proc/meminfo", "MemAvailable:") * 1024u;
  if (v != 0 && v < room) {
    room = v;
    *what = "available memory";
  }
  v = cgroup_room();
  if (v != 0 && (room == 0 || v < room)) {
    room = v;
    *what = "the memory cgroup's limit";
  }
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    uint64_t used = read_u64("/proc/self/status", "VmSize:") * 1024u;
    v = (uint64_t)rl.rlim_cur > used ? (uint64_t)rl.rlim_cur - used : 1;
    if (room == 0 || v < room) {
      room = v;
      *what = "the address-space limit (ulimit -v)";
    }
  }
  return room;
}

int32_t myr_cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int32_t)n : 1;
}

double myr__now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ------------------------------------------------------------ arena */

void* myr__arena_take(myr__arena* a, int64_t count, size_t elem_size) {
  size_t bytes = ((size_t)count * elem_size + 63u) & ~(size_t)63u;
  void* p = a->base != NULL ? (void*)(a->base + a->used) : NULL;
  a->used += bytes;
  return p;
}

/* ------------------------------------------------------------ statistics */

void myr__stats_add_episode(myr__stats* s, double ret, int64_t length) {
  double fixed = ret * MYR_RETURN_SCALE;
  s->episodes += 1;
  s->length_sum += length;
  /* |fixed| < 2^62: llrint is exact and 2^66 such episodes fit the sum */
  if (fabs(fixed) < 4611686018427387904.0)
    myr__stats_add_fixed(s, (int64_t)llrint(fixed));
  else
    s->return_overflows += 1;
}

void myr_rollout_stats_finish(myr_rollout_stats* s) {
  double sum;
  if (s == NULL) return;
  /* the 128-bit sum hi * 2^64 + lo (lo unsigned); a sum inside int64 is
   * lo itself (hi its sign), converted once: adding -2^64 and lo near 2^64
   * in double would cancel and lose up to 2^10 of a negative sum */
  if (s->return_sum_fixed_hi == (s->return_sum_fixed < 0 ? -1 : 0))
    sum = (double)s->return_sum_fixed;
  else
    sum = (double)s->return_sum_fixed_hi * 18446744073709551616.0 +
          (double)(uint64_t)s->return_sum_fixed;
  s->mean_return = s->return_overflows > 0 ? (double)NAN
                   : s->episodes ? sum / MYR_RETURN_SCALE / (double)s->episodes
                                 : 0.0;
  s->mean_length =
      s->episodes ? (double)s->length_sum / (double)s->episodes : 0.0;
}

/* add the 128-bit (from_hi, from_lo) to (*hi, *lo) */
static void add128(int64_t* hi, uint64_t* lo, int64_t from_hi, uint64_t from_lo) {
  uint64_t sum = *lo + from_lo;
  *hi += from_hi + (sum < *lo);
  *lo = sum;
}

void myr_rollout_stats_add(myr_rollout_stats* into, const myr_rollout_stats* from) {
  uint64_t lo;
  if (into == NULL || from == NULL) return;
  into->steps += from->steps;
  into->episodes += from->episodes;
  into->wall_seconds += from->wall_seconds;
  into->cap_hits += from->cap_hits;
  into->reactions += from->reactions;
  into->bad_propensities += from->bad_propensities;
  into->length_sum += from->length_sum;
  lo = (uint64_t)into->return_sum_fixed;
  add128(&into->return_sum_fixed_hi, &lo, from->return_sum_fixed_hi,
         (uint64_t)from->return_sum_fixed);
  into->return_sum_fixed = (int64_t)lo;
  into->return_overflows += from->return_overflows;
  myr_rollout_stats_finish(into);
}

void myr__stats_merge(myr__stats* into, const myr__stats* from) {
  into->episodes += from->episodes;
  into->length_sum += from->length_sum;
  add128(&into->return_hi, &into->return_lo, from->return_hi, from->return_lo);
  into->return_overflows += from->return_overflows;
  into->cap_hits += from->cap_hits;
  into->reactions += from->reactions;
  into->bad_propensities += from->bad_propensities;
}

void myr__stats_publish(const myr__stats* s, myr_rollout_stats* out) {
  out->episodes = s->episodes;
  out->cap_hits = s->cap_hits;
  out->reactions = s->reactions;
  out->bad_propensities = s->bad_propensities;
  out->length_sum = s->length_sum;
  out->return_sum_fixed = (int64_t)s->return_lo;
  out->return_sum_fixed_hi = s->return_hi;
  out->return_overflows = s->return_overflows;
  myr_rollout_stats_finish(out);
}

/* ------------------------------------------------------------ parsers */

static int parse_number(const char* s, const char* end, double* out) {
  char buf[64];
  size_t len = (size_t)(end - s);
  char* stop = NULL;
  if (len == 0 || len >= sizeof buf) return -1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  errno = 0;
  *out = strtod(buf, &stop);
  if (stop != buf + len || errno == ERANGE) return -1;
  return 0;
}

int myr_param_parse(const char* text, myr_param_setting* out, char* name_buf,
                    size_t name_buf_size) {
  const char* eq;
  const char* v;
  size_t name_len;
  myr_param_setting s;
  if (text == NULL || out == NULL || name_buf == NULL)
    return myr__fail(MYR_EINVAL, "parameter text or output is NULL");
  eq = strchr(text, '=');
  if (eq == NULL)
    return myr__fail(MYR_EINVAL, "parameter '%s' is not KEY=VALUE", text);
  name_len = (size_t)(eq - text);
  if (name_len == 0 || name_len >= name_buf_size)
    return myr__fail(MYR_EINVAL, "bad parameter name in '%s'", text);
  v = eq + 1;
  s.name = name_buf;
  s.b = 0.0;
  if (strncmp(v, "uniform(", 8) == 0 || strncmp(v, "lognormal(", 10) == 0) {
    int uniform = v[0] == 'u';
    const char* open = strchr(v, '(');
    const char* comma = strchr(open, ',');
    const char* close = strchr(open, ')');
    if (comma == NULL || close == NULL || comma > close || close[1] != '\0' ||
        parse_number(open + 1, comma, &s.a) != 0 ||
        parse_number(comma + 1, close, &s.b) != 0)
      return myr__fail(MYR_EINVAL, "bad distribution in '%s' (want %s)", text,
                       uniform ? "uniform(lo,hi)" : "lognormal(loc,scale)");
    s.dist = uniform ? MYR_DIST_UNIFORM : MYR_DIST_LOGNORMAL;
  } else {
    s.dist = MYR_DIST_FIXED;
    if (parse_number(v, v + strlen(v), &s.a) != 0)
      return myr__fail(MYR_EINVAL, "bad value in '%s' (want a number)", text);
  }
  memcpy(name_buf, text, name_len);
  name_buf[name_len] = '\0';
  *out = s;
  return MYR_OK;
}

int myr_precision_parse(const char* text, myr_precision* out) {
  if (text != NULL && out != NULL) {
    if (strcmp(text, "float32") == 0 || strcmp(text, "f32") == 0) {
      *out = MYR_FLOAT32;
      return MYR_OK;
    }
    if (strcmp(text, "float64") == 0 || strcmp(text, "f64") == 0) {
      *out = MYR_FLOAT64;
      return MYR_OK;
    }
  }
  return myr__fail(MYR_EINVAL, "unknown precision '%s' (float32, float64)",
                   text ? text : "(null)");
}

int myr_autoreset_parse(const char* text, myr_autoreset* out) {
  static const char* names[] = {"same_step", "next_step", "disabled"};
  int i;
  if (text != NULL && out != NULL)
    for (i = 0; i < 3; ++i)
      if (strcmp(text, names[i]) == 0) {
        *out = (myr_autoreset)i;
        return MYR_OK;
      }
  return myr__fail(MYR_EINVAL,
                   "unknown autoreset mode '%s' (same_step, next_step, disabled)",
                   text ? text : "(null)");
}

const char* myr_autoreset_name(myr_autoreset mode) {
  switch (mode) {
    case MYR_AUTORESET_SAME_STEP: return "same_step";
    case MYR_AUTORESET_NEXT_STEP: return "next_step";
    case MYR_AUTORESET_DISABLED: return "disabled";
  }
  return "unknown";
}

const char* myr_precision_name(myr_precision precision) {
  return precision == MYR_FLOAT64 ? "float64" : "float32";
}

/* ------------------------------------------------------------ build info */

#if defined(__AVX512F__)
#  define MYR_SIMD_ISA "avx512"
#elif defined(__AVX2__) && defined(__FMA__)
#  define MYR_SIMD_ISA "avx2+fma"
#elif defined(__AVX2__)
#  define MYR_SIMD_ISA "avx2"
#elif defined(__AVX__)
#  define MYR_SIMD_ISA "avx"
#elif defined(__SSE4_2__)
#  define MYR_SIMD_ISA "sse4.2"
#elif defined(__aarch64__)
#  define MYR_SIMD_ISA "neon"
#else
#  define MYR_SIMD_ISA "scalar"
#endif

#ifndef MYR_BACKENDS
#  define MYR_BACKENDS "cpu"
#endif

const char* myr_simd_isa(void) { return MYR_SIMD_ISA; }


const char* myr_build_info(void) {
  return "myriad " MYR_VERSION_STRING " backends=" MYR_BACKENDS
         " simd=" MYR_SIMD_ISA;
}
