/*
 * Every parameter of every environment at the edges of its range, one at a
 * time: creating the batch and a short rollout either succeed with a finite
 * state (a non-finite state must end the episode and be reset) or fail
 * with a clear error; nothing hangs (ctest's timeout would catch it).
 */
#include "check.h"
#include "myriad/myriad.h"

static int finite_state(myr_batch* b, int64_t n) {
  const myr_env_info* e = myr_batch_env(b);
  double v[64];
  int32_t f;
  int64_t i;
  for (f = 0; f < e->num_fields; ++f) {
    myr_batch_get_state(b, e->fields[f].name, v);
    for (i = 0; i < n; ++i)
      if (!isfinite(v[i])) return 0;
  }
  return 1;
}

int main(void) {
  int32_t e, k;
  int runs = 0;
  for (e = 0; e < myr_env_count(); ++e) {
    const myr_env_info* info = myr_env_at(e);
    for (k = 0; k < info->num_params; ++k) {
      const myr_param_info* p = &info->params[k];
      double edges[2];
      int j;
      edges[0] = p->min_value;
      edges[1] = p->max_value;
      for (j = 0; j < 2; ++j) {
        myr_param_setting s;
        myr_batch_def def = myr_batch_def_default();
        myr_rollout_def rd = myr_rollout_def_default();
        myr_rollout_stats st;
        myr_batch* b = NULL;
        int rc;
        s.name = p->name;
        s.dist = MYR_DIST_FIXED;
        s.a = edges[j];
        s.b = 0.0;
        def.params = &s;
        def.num_params = 1;
        def.threads = 1;
        def.seed = 11;
        rc = myr_batch_create(info->id, 16, &def, &b);
        if (rc != MYR_OK) {
          /* a cross-parameter check may refuse an edge: with a message */
          CHECK_MSG(strlen(myr_last_error()) > 0, "%s %s=%g: silent failure",
                    info->id, p->name, edges[j]);
          continue;
        }
        rd.steps = 6;
        rc = myr_batch_rollout(b, &rd, &st);
        CHECK_MSG(rc == MYR_OK, "%s %s=%g: rollout %d (%s)", info->id, p->name,
                  edges[j], rc, myr_last_error());
        CHECK_MSG(finite_state(b, 16), "%s %s=%g: non-finite state", info->id,
                  p->name, edges[j]);
        CHECK(isfinite(st.mean_return) && isfinite(st.mean_length));
        myr_batch_destroy(b);
        runs++;
      }
    }
  }
  /* combinations: each parameter at its minimum, maximum or default, drawn
   * by a fixed generator; 100 combinations per environment */
  {
    uint64_t z = 12345;
    for (e = 0; e < myr_env_count(); ++e) {
      const myr_env_info* info = myr_env_at(e);
      int c;
      for (c = 0; c < 100; ++c) {
        myr_param_setting s[64];
        myr_batch_def def = myr_batch_def_default();
        myr_rollout_def rd = myr_rollout_def_default();
        myr_rollout_stats st;
        myr_batch* b = NULL;
        for (k = 0; k < info->num_params && k < 64; ++k) {
          const myr_param_info* p = &info->params[k];
          uint64_t r;
          z = z * 6364136223846793005ull + 1442695040888963407ull;
          r = (z >> 33) % 3;
          s[k].name = p->name;
          s[k].dist = MYR_DIST_FIXED;
          s[k].a = r == 0 ? p->min_value : r == 1 ? p->max_value : p->default_value;
          s[k].b = 0.0;
          /* keep the per-step work bounded: caps and horizons at default */
          if (strcmp(p->name, "cap") == 0 || strcmp(p->name, "max_reactions") == 0)
            s[k].a = p->default_value;
        }
        def.params = s;
        def.num_params = k;
        def.threads = 1;
        def.seed = (uint64_t)c;
        if (myr_batch_create(info->id, 8, &def, &b) != MYR_OK) {
          CHECK(strlen(myr_last_error()) > 0);
          continue;
        }
        rd.steps = 4;
        CHECK_MSG(myr_batch_rollout(b, &rd, &st) == MYR_OK, "%s combination %d",
                  info->id, c);
        CHECK_MSG(finite_state(b, 8), "%s combination %d: non-finite state",
                  info->id, c);
        myr_batch_destroy(b);
        runs++;
      }
    }
  }
  CHECK(runs > 50);
  return check_summary("test_hostile_all");
}
