/*
 * params.c -- parameter settings: validation against each parameter's range,
 * the shared values, and the per-env draws of distributed parameters.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* ------------------------------------------------------------ parameters */

int myr__find_param(const myr_env_info* info, const char* name) {
  int32_t i;
  for (i = 0; i < info->num_params; ++i)
    if (strcmp(info->params[i].name, name) == 0) return i;
  return -1;
}

static int check_value(const myr_env_info* info, const myr_param_info* p,
                       double v) {
  if (!isfinite(v))
    return myr__fail(MYR_ERANGE, "parameter '%s' of '%s' must be finite",
                     p->name, info->id);
  if (v < p->min_value || v > p->max_value)
    return myr__fail(MYR_ERANGE,
                     "parameter '%s' of '%s' = %g is outside [%g, %g]",
                     p->name, info->id, v, p->min_value, p->max_value);
  if (p->is_integer && v != floor(v))
    return myr__fail(MYR_ERANGE, "parameter '%s' of '%s' must be an integer",
                     p->name, info->id);
  return MYR_OK;
}

/* validate the settings and fill values[] (defaults, then overrides) */
int myr__resolve_params(const myr__env_class* cls, const myr_batch_def* def,
                          double* values, myr_param_setting* dist,
                          uint8_t* randomised) {
  const myr_env_info* info = &cls->info;
  int32_t i;
  int rc;
  if (def->num_params < 0 || (def->num_params > 0 && def->params == NULL))
    return myr__fail(MYR_EINVAL, "num_params < 0 or params is NULL");
  for (i = 0; i < info->num_params; ++i) {
    values[i] = info->params[i].default_value;
    randomised[i] = 0;
  }
  for (i = 0; i < def->num_params; ++i) {
    const myr_param_setting* s = &def->params[i];
    int k;
    if (s->name == NULL) return myr__fail(MYR_EINVAL, "parameter name is NULL");
    k = myr__find_param(info, s->name);
    if (k < 0)
      return myr__fail(MYR_ENOPARAM,
                       "unknown parameter '%s' for '%s' (try 'myriad envs')",
                       s->name, info->id);
    if (s->dist == MYR_DIST_FIXED) {
      if ((rc = check_value(info, &info->params[k], s->a)) != MYR_OK) return rc;
      values[k] = s->a;
      randomised[k] = 0;
    } else if (s->dist == MYR_DIST_UNIFORM || s->dist == MYR_DIST_LOGNORMAL) {
      if (!cls->per_env_params)
        return myr__fail(MYR_EINVAL,
                         "'%s' does not support per-env distributions for '%s'",
                         info->id, s->name);
      if (!isfinite(s->a) || !isfinite(s->b))
        return myr__fail(MYR_ERANGE, "distribution of '%s' must be finite",
                         s->name);
      if (s->dist == MYR_DIST_UNIFORM) {
        if (!(s->a <= s->b))
          return myr__fail(MYR_ERANGE, "uniform(%g,%g) for '%s': lo > hi", s->a,
                           s->b, s->name);
        if ((rc = check_value(info, &info->params[k], s->a)) != MYR_OK ||
            (rc = check_value(info, &info->params[k], s->b)) != MYR_OK)
          return rc;
      } else if (s->b < 0.0) {
        return myr__fail(MYR_ERANGE, "lognormal scale for '%s' must be >= 0",
                         s->name);
      }
      dist[k] = *s;
      dist[k].name = info->params[k].name;
      randomised[k] = 1;
    } else {
      return myr__fail(MYR_EINVAL, "bad distribution kind %d for '%s'",
                       (int)s->dist, s->name);
    }
  }
  if (cls->validate != NULL) return cls->validate(values);
  return MYR_OK;
}

/* ------------------------------------------------------------ per-env params */

/* lay out one (n) double array per randomised parameter and, if there is
 * one, the class's per-env constants (num_pcols arrays of n 4-byte values) */
void myr__bind_params(myr_batch* b, myr__arena* a) {
  int32_t k, any = 0;
  for (k = 0; k < b->cls->info.num_params; ++k) {
    b->param_env[k] = b->param_randomised[k]
                          ? (double*)myr__arena_take(a, b->v.num_envs, sizeof(double))
                          : NULL;
    any |= b->param_randomised[k];
  }
  for (k = 0; k < b->cls->num_pcols; ++k)
    b->v.pcol[k].p = any ? myr__arena_take(a, b->v.num_envs, 4) : NULL;
}

/* Parameter k of env i: one Philox block at (global env index, clock 0,
 * MYR_STREAM_PARAM, sub-stream k).  uniform: lo + (hi - lo) u with a 53-bit
 * u (integer parameters: a whole number in [lo, hi], each equally likely);
 * lognormal: exp(loc + scale z), z from Box-Muller on two 53-bit uniforms
 * (integer parameters: rounded to nearest). */
static double draw_param(const myr_batch* b, int32_t k, int64_t i) {
  const myr_param_setting* d = &b->param_dist[k];
  myr_philox_out r = myr_draw(b->v.seed, (uint32_t)(b->v.env_offset + i), 0,
                              MYR_STREAM_PARAM, (uint32_t)k);
  int integer = b->cls->info.params[k].is_integer;
  if (d->dist == MYR_DIST_UNIFORM) {
    double u = myr_u01d(r.v[0], r.v[1]);
    if (integer) {
      double v = d->a + floor(u * (d->b - d->a + 1.0));
      return v > d->b ? d->b : v;
    }
    return d->a + (d->b - d->a) * u;
  } else {
    double u1 = myr_u01d_open0(r.v[0], r.v[1]);
    double u2 = myr_u01d(r.v[2], r.v[3]);
    double z = sqrt(-2.0 * log(u1)) * cos(2.0 * MYR_PI * u2);
    double v = exp(d->a + d->b * z);
    return integer ? floor(v + 0.5) : v;
  }
}

static void params_range(void* ctx, int64_t begin, int64_t end, int32_t w) {
  myr_batch* b = (myr_batch*)ctx;
  int32_t k;
  int64_t i;
  (void)w;
  for (k = 0; k < b->cls->info.num_params; ++k)
    if (b->param_env[k] != NULL)
      for (i = begin; i < end; ++i) b->param_env[k][i] = draw_param(b, k, i);
}

static void pcols_range(void* ctx, int64_t begin, int64_t end, int32_t w) {
  myr_batch* b = (myr_batch*)ctx;
  (void)w;
  b->cls->derive_pcols(&b->v, begin, end);
}

/* draw every randomised parameter; fail if a draw leaves the range; then
 * derive the class's per-env constants from the draws */
int myr__draw_params(myr_batch* b) {
  const myr_env_info* info = &b->cls->info;
  int32_t k;
  int64_t i;
  myr__pool_for(b->pool, b->v.num_envs, MYR__RANGE_ALIGN, params_range, b);
  for (k = 0; k < info->num_params; ++k) {
    const myr_param_info* p = &info->params[k];
    if (b->param_env[k] == NULL) continue;
    for (i = 0; i < b->v.num_envs; ++i) {
      double v = b->param_env[k][i];
      if (!(v >= p->min_value && v <= p->max_value))
        return myr__fail(MYR_ERANGE,
                         "parameter '%s' of '%s': the per-env draw %g for env "
                         "%lld is outside [%g, %g]", p->name, info->id, v,
                         (long long)i, p->min_value, p->max_value);
    }
  }
  /* cross-parameter checks hold for every env's own values, not only for
   * the shared ones */
  if (b->cls->validate != NULL) {
    int any = 0;
    for (k = 0; k < info->num_params; ++k) any |= b->param_env[k] != NULL;
    for (i = 0; any && i < b->v.num_envs; ++i) {
      double values[MYR_PARAMS_MAX];
      int rc;
      for (k = 0; k < info->num_params; ++k)
        values[k] = b->param_env[k] ? b->param_env[k][i] : b->param_values[k];
      if ((rc = b->cls->validate(values)) != MYR_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s", myr_last_error());
        return myr__fail(rc, "per-env parameters of env %lld: %s",
                         (long long)i, why);
      }
    }
  }
  if (b->v.pcol[0].p != NULL && b->cls->derive_pcols != NULL)
    myr__pool_for(b->pool, b->v.num_envs, MYR__RANGE_ALIGN, pcols_range, b);
  return MYR_OK;
}

int myr_batch_get_param(const myr_batch* b, const char* name, double* values) {
  int k;
  int64_t i;
  if (b == NULL || values == NULL)
    return myr__fail(MYR_EINVAL, "batch or values is NULL");
  k = name ? myr__find_param(&b->cls->info, name) : -1;
  if (k < 0)
    return myr__fail(MYR_ENOPARAM, "unknown parameter '%s' for '%s'",
                     name ? name : "(null)", b->cls->info.id);
  for (i = 0; i < b->v.num_envs; ++i) values[i] = myr__param(&b->v, k, i);
  return MYR_OK;
}

