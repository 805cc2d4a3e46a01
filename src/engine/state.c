/*
 * state.c -- the per-env columns: layout, named state access, observations
 * and the state hash.
 */
#include <math.h>
#include <string.h>

#include "backend.h"

/* ------------------------------------------------------------ columns */

size_t myr__col_bytes(const myr__env_class* cls, int32_t c,
                      myr_precision precision) {
  switch (cls->types[c]) {
    case MYR__REAL:
      return precision == MYR_FLOAT64 ? sizeof(double) : sizeof(float);
    case MYR__I32:
      return sizeof(int32_t);
    case MYR__F64:
      return sizeof(double);
    default:
      return 0; /* DERIVED: no array */
  }
}

void myr__bind_cols(myr_batch* b, myr__arena* a) {
  int32_t c;
  for (c = 0; c < b->cls->num_cols; ++c) {
    size_t size = myr__col_bytes(b->cls, c, b->v.precision);
    b->v.col[c].p = size ? myr__arena_take(a, b->v.num_envs, size) : NULL;
  }
}

void myr__get_field(const myr_batch* b, int32_t f, int64_t begin, int64_t end,
                    double* out) {
  const myr__col col = b->v.col[f];
  int64_t i;
  switch (b->cls->types[f]) {
    case MYR__REAL:
      if (b->v.precision == MYR_FLOAT64)
        for (i = begin; i < end; ++i) out[i - begin] = col.d[i];
      else
        for (i = begin; i < end; ++i) out[i - begin] = (double)col.f[i];
      break;
    case MYR__I32:
      for (i = begin; i < end; ++i) out[i - begin] = (double)col.i[i];
      break;
    case MYR__F64:
      for (i = begin; i < end; ++i) out[i - begin] = col.d[i];
      break;
    default:
      b->cls->derive(&b->v, f, begin, end, out);
  }
}

/* field f of every env from in[] (checked by the caller; writable fields
 * only, so never DERIVED) */
static void set_field(myr_batch* b, int32_t f, const double* in) {
  const myr__col col = b->v.col[f];
  int64_t i, n = b->v.num_envs;
  switch (b->cls->types[f]) {
    case MYR__REAL:
      if (b->v.precision == MYR_FLOAT64)
        for (i = 0; i < n; ++i) col.d[i] = in[i];
      else
        for (i = 0; i < n; ++i) col.f[i] = (float)in[i];
      break;
    case MYR__I32:
      for (i = 0; i < n; ++i) col.i[i] = (int32_t)in[i];
      break;
    default:
      for (i = 0; i < n; ++i) col.d[i] = in[i];
  }
}

int myr__sync_host(const myr_batch* b) {
  return b->be->sync_host != NULL ? b->be->sync_host(b) : MYR_OK;
}

int myr__sync_device(myr_batch* b) {
  return b->be->sync_device != NULL ? b->be->sync_device(b) : MYR_OK;
}

/* ------------------------------------------------------------ observation */

typedef struct obs_job {
  const myr_batch* b;
  float* obs;
} obs_job;

static void observe_range(void* ctx, int64_t begin, int64_t end, int32_t w) {
  obs_job* j = (obs_job*)ctx;
  (void)w;
  j->b->cls->observe(&j->b->v, begin, end, j->obs + begin * j->b->info.obs_dim);
}

static int batch_observe(const myr_batch* b, float* obs) {
  obs_job j;
  int rc;
  if (b == NULL || obs == NULL)
    return myr__fail(MYR_EINVAL, "batch or obs is NULL");
  j.b = b;
  j.obs = obs;
  if ((rc = myr__sync_host(b)) != MYR_OK) return rc;
  myr__pool_for(b->pool, b->v.num_envs, MYR__RANGE_ALIGN, observe_range, &j);
  return MYR_OK;
}

/* ------------------------------------------------------------ state */

/* the index of field `name` of b's env in *f, after the checks both
 * get_state and set_state make */
static int find_field(const myr_batch* b, const char* name,
                      const double* values, int* f) {
  int32_t i;
  const myr_env_info* info;
  if (b == NULL || values == NULL)
    return myr__fail(MYR_EINVAL, "batch or values is NULL");
  info = &b->cls->info;
  for (i = 0; name != NULL && i < info->num_fields; ++i)
    if (strcmp(info->fields[i].name, name) == 0) {
      *f = i;
      return MYR_OK;
    }
  return myr__fail(MYR_ENOFIELD, "unknown state field '%s' for '%s'",
                   name ? name : "(null)", info->id);
}

static int batch_get_state(const myr_batch* b, const char* field, double* values) {
  int f = 0, rc;
  if ((rc = find_field(b, field, values, &f)) != MYR_OK) return rc;
  if ((rc = myr__sync_host(b)) != MYR_OK) return rc;
  myr__get_field(b, f, 0, b->v.num_envs, values);
  return MYR_OK;
}

static int batch_set_state(myr_batch* b, const char* field, const double* values) {
  int f = 0, rc;
  int64_t i;
  const myr_field_info* fi;
  double max;
  if ((rc = find_field(b, field, values, &f)) != MYR_OK) return rc;
  fi = &b->cls->info.fields[f];
  if (!fi->writable)
    return myr__fail(MYR_EINVAL, "state field '%s' is read-only", fi->name);
  max = fi->max_value > 0 ? fi->max_value : 2147483646.0;
  for (i = 0; i < b->v.num_envs; ++i) {
    if (!isfinite(values[i]))
      return myr__fail(MYR_ERANGE, "value of '%s' for env %lld is not finite",
                       fi->name, (long long)i);
    if (fi->is_integer &&
        (values[i] != floor(values[i]) || values[i] < 0 || values[i] > max))
      return myr__fail(MYR_ERANGE,
                       "value of '%s' for env %lld must be an integer in "
                       "[0, %.0f]", fi->name, (long long)i, max);
  }
  if ((rc = myr__sync_host(b)) != MYR_OK) return rc;
  set_field(b, f, values);
  return myr__sync_device(b);
}

/* ------------------------------------------------------------ hash */

uint64_t myr_batch_state_hash(const myr_batch* b) {
  enum { CHUNK = 512 };
  double buf[CHUNK];
  uint64_t acc[CHUNK];
  uint64_t total = 0;
  int64_t i0, i;
  int32_t f;
  if (b == NULL) return 0;
  if (myr__sync_host(b) != MYR_OK) return 0;
  for (i0 = 0; i0 < b->v.num_envs; i0 += CHUNK) {
    int64_t i1 = i0 + CHUNK < b->v.num_envs ? i0 + CHUNK : b->v.num_envs;
    for (i = i0; i < i1; ++i)
      acc[i - i0] = myr_mix64((uint64_t)(b->v.env_offset + i) + 0x9E3779B97F4A7C15ull);
    for (f = 0; f < b->cls->info.num_fields; ++f) {
      myr__get_field(b, f, i0, i1, buf);
      for (i = i0; i < i1; ++i) {
        uint64_t bits;
        double v = buf[i - i0] == 0.0 ? 0.0 : buf[i - i0]; /* -0 == +0 */
        memcpy(&bits, &v, sizeof bits);
        acc[i - i0] = myr_mix64(acc[i - i0] ^ bits) + (uint64_t)f;
      }
    }
    for (i = i0; i < i1; ++i) total += acc[i - i0] ^ ((uint64_t)b->pending[i] << 7);
  }
  return total;
}


int myr_batch_observe(const myr_batch* b, float* obs) {
  MYR__GUARDED(b, batch_observe(b, obs));
}

int myr_batch_get_state(const myr_batch* b, const char* field, double* values) {
  MYR__GUARDED(b, batch_get_state(b, field, values));
}

int myr_batch_set_state(myr_batch* b, const char* field, const double* values) {
  MYR__GUARDED(b, batch_set_state(b, field, values));
}
