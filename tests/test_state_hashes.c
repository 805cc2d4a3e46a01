/*
 * Regression table of trajectories: for every env, precision and autoreset
 * mode, a fixed seed and fixed actions must give the same state hash and
 * the same outputs (obs, rewards, flags, final_obs) as the table recorded
 * below.  Three variants per row:
 *   0  step API, default parameters, 300 steps (past the gene circuit's
 *      288-step horizon), disabled mode restarting a third of the envs
 *      with myr_batch_reset_mask() every 25 steps;
 *   1  the same with a per-env parameter distribution (where the env has
 *      one: see per_env_param());
 *   2  a fused random rollout of 200 steps (its statistics and the state
 *      hash; disabled mode refuses rollouts, recorded as zero).
 * Run with MYR_HASHES_PRINT=1 to print the table for the build at hand.
 *
 * float32 CartPole is compiled with FMA contraction, and CartPole's reset
 * draws (both precisions) take one fused multiply-add where the CPU has
 * it, so its rows hold for gcc on a CPU with FMA (avx2+fma, avx512) only;
 * on other builds those rows are reported as skipped.  Every other row is
 * portable (no contraction).
 */
#include <stdint.h>

#include "check.h"
#include "myriad/myriad.h"

enum { N = 40, STEPS = 300, ROLL = 200 };

typedef struct row {
  const char* env;
  int precision;
  int mode;
  int variant;
  uint64_t hash;
  uint64_t digest;
} row;

static const row table[] = {
#include "data/state_hashes.inc"
};

static uint64_t fnv(uint64_t h, const void* p, size_t n) {
  const unsigned char* c = (const unsigned char*)p;
  size_t i;
  for (i = 0; i < n; ++i) h = (h ^ c[i]) * 1099511628211ull;
  return h;
}

/* a per-env distribution the env supports ({NULL} if none) */
static myr_param_setting per_env_param(const char* id) {
  myr_param_setting s = {NULL, MYR_DIST_UNIFORM, 0, 0};
  if (strcmp(id, "cartpole-v1") == 0) s.name = "masspole", s.a = 0.05, s.b = 0.2;
  if (strcmp(id, "pendulum-v1") == 0) s.name = "m", s.a = 0.5, s.b = 1.5;
  if (strcmp(id, "mountaincar-v0") == 0) s.name = "force", s.a = 0.0008, s.b = 0.0012;
  if (strcmp(id, "acrobot-v1") == 0) s.name = "link_mass_1", s.a = 0.8, s.b = 1.2;
  if (strcmp(id, "opto-hill-1d") == 0) s.name = "k_prod", s.a = 2.0, s.b = 8.0;
  if (strcmp(id, "reaction-network") == 0) s.name = "k", s.a = 5.0, s.b = 15.0;
  if (strcmp(id, "ccasr-gfp-sysid") == 0)
    s.name = "nu_scale", s.dist = MYR_DIST_FIXED, s.a = 0.2;
  return s;
}

/* fixed actions: an LCG of (step, env) */
static void actions(const myr_env_info* info, int step, void* act) {
  int i, d, dim = info->action_space.kind == MYR_SPACE_BOX ? info->action_space.n : 1;
  for (i = 0; i < N; ++i)
    for (d = 0; d < dim; ++d) {
      uint32_t x = (uint32_t)(step * 7919 + i * 104729 + d * 31) * 1664525u + 1013904223u;
      x ^= x >> 16;
      if (info->action_space.kind == MYR_SPACE_BOX) {
        float lo = info->action_space.low, hi = info->action_space.high;
        ((float*)act)[i * dim + d] = lo + (hi - lo) * (float)(x >> 8) / 16777216.0f;
      } else {
        ((int32_t*)act)[i] = (int32_t)(x % (uint32_t)info->action_space.n);
      }
    }
}

/* returns 0 if the variant does not apply */
static int run(const myr_env_info* info, int prec, int mode, int variant,
               uint64_t* hash, uint64_t* digest) {
  myr_batch_def def = myr_batch_def_default();
  myr_param_setting s = per_env_param(info->id);
  myr_batch* b = NULL;
  int box = info->action_space.kind == MYR_SPACE_BOX;
  int od, step, i;
  float *obs, *fin, rew[N];
  uint8_t te[N], tr[N], mask[N];
  float act[N * 8];
  def.seed = 20261201;
  def.threads = 2;
  def.precision = (myr_precision)prec;
  def.autoreset = (myr_autoreset)mode;
  if (variant == 1) {
    if (s.name == NULL) return 0;
    def.params = &s;
    def.num_params = 1;
  }
  *digest = 1469598103934665603ull;
  if (myr_batch_create(info->id, N, &def, &b) != MYR_OK) {
    CHECK_MSG(0, "%s: %s", info->id, myr_last_error());
    return 0;
  }
  od = myr_batch_env(b)->obs_dim;
  obs = (float*)calloc((size_t)(N * od), sizeof(float));
  fin = (float*)calloc((size_t)(N * od), sizeof(float));
  if (variant == 2) {
    myr_rollout_def rd = myr_rollout_def_default();
    myr_rollout_stats st;
    memset(&st, 0, sizeof st);
    rd.steps = ROLL;
    if (myr_batch_rollout(b, &rd, &st) == MYR_OK) {
      int64_t v[5] = {st.episodes, st.length_sum, st.return_sum_fixed,
                      st.reactions, st.cap_hits};
      *digest = fnv(*digest, v, sizeof v);
    }
  } else {
    for (step = 0; step < STEPS; ++step) {
      myr_step_out out = {obs, rew, te, tr, mode == 0 ? fin : NULL};
      int rc;
      actions(info, step, act);
      rc = box ? myr_batch_step_box(b, act, &out)
               : myr_batch_step(b, (const int32_t*)act, &out);
      CHECK_MSG(rc == MYR_OK, "%s: %s", info->id, myr_last_error());
      *digest = fnv(*digest, obs, sizeof(float) * (size_t)(N * od));
      *digest = fnv(*digest, rew, sizeof rew);
      *digest = fnv(*digest, te, sizeof te);
      *digest = fnv(*digest, tr, sizeof tr);
      if (mode == 0) *digest = fnv(*digest, fin, sizeof(float) * (size_t)(N * od));
      if (mode == MYR_AUTORESET_DISABLED && step % 25 == 24) {
        for (i = 0; i < N; ++i) mask[i] = (uint8_t)(i % 3 == (step / 25) % 3);
        CHECK_OK(myr_batch_reset_mask(b, mask, obs));
        *digest = fnv(*digest, obs, sizeof(float) * (size_t)(N * od));
      }
    }
  }
  *hash = myr_batch_state_hash(b);
  free(obs);
  free(fin);
  myr_batch_destroy(b);
  return 1;
}

/* CartPole rows depend on FMA (float32 contraction, the reset draws) */
static int portable(const char* env) {
  return strcmp(env, "cartpole-v1") != 0;
}

static int fma_build(void) {
#if defined(__GNUC__) && !defined(__clang__)
  return strstr(myr_simd_isa(), "avx512") != NULL ||
         strstr(myr_simd_isa(), "fma") != NULL;
#else
  return 0;
#endif
}

int main(void) {
  int print = getenv("MYR_HASHES_PRINT") != NULL;
  int32_t e;
  int prec, mode, variant, skipped = 0;
  size_t rows = sizeof table / sizeof table[0], k, found;
  for (e = 0; e < myr_env_count(); ++e) {
    const myr_env_info* info = myr_env_at(e);
    for (prec = 0; prec < 2; ++prec)
      for (mode = 0; mode < 3; ++mode)
        for (variant = 0; variant < 3; ++variant) {
          uint64_t h, d;
          if (!run(info, prec, mode, variant, &h, &d)) continue;
          if (print) {
            printf("{\"%s\", %d, %d, %d, 0x%016llxull, 0x%016llxull},\n",
                   info->id, prec, mode, variant, (unsigned long long)h,
                   (unsigned long long)d);
            continue;
          }
          if (!portable(info->id) && !fma_build()) {
            skipped++;
            continue;
          }
          for (k = 0, found = 0; k < rows; ++k) {
            const row* r = &table[k];
            if (strcmp(r->env, info->id) != 0 || r->precision != prec ||
                r->mode != mode || r->variant != variant)
              continue;
            found = 1;
            CHECK_MSG(r->hash == h && r->digest == d,
                      "%s %s %s variant %d: hash %016llx digest %016llx, "
                      "recorded %016llx %016llx", info->id,
                      myr_precision_name((myr_precision)prec),
                      myr_autoreset_name((myr_autoreset)mode), variant,
                      (unsigned long long)h, (unsigned long long)d,
                      (unsigned long long)r->hash,
                      (unsigned long long)r->digest);
          }
          CHECK_MSG(found, "%s %d %d %d: no recorded row", info->id, prec,
                    mode, variant);
        }
  }
  if (skipped)
    printf("test_state_hashes: %d CartPole rows skipped (recorded "
           "for gcc with FMA; this build: %s)\n", skipped, myr_simd_isa());
  return print ? 0 : check_summary("test_state_hashes");
}
