/*
 * Fuzz regressions and seed corpora, replayed without a fuzz build: every
 * file in fuzz/regressions/<target>/ and fuzz/corpus/<target>/ goes through
 * the entry points its fuzz target uses (parameter strings, env ids, policy
 * specs into the library; tune cache files into `myriad run --tuned`).  A
 * watchdog alarm turns a hang into a failure.  Regression inputs must also
 * leave every state finite after a longer rollout in both precisions.
 */
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "envs/acrobot/physics.h"
#include "myriad/myriad.h"

static char root[1024]; /* the source tree, from this file's path */

/* read a file as a NUL-terminated string, at most size-1 bytes */
static int slurp(const char* path, char* out, size_t size) {
  FILE* f = fopen(path, "rb");
  size_t n;
  if (f == NULL) return -1;
  n = fread(out, 1, size - 1, f);
  fclose(f);
  out[n] = '\0';
  return 0;
}

/* call fn(path) for each regular file in root/sub; returns the count */
static int each_file(const char* sub, void (*fn)(const char*, const char*)) {
  char dir[1200], path[1600];
  DIR* d;
  struct dirent* e;
  int n = 0;
  snprintf(dir, sizeof dir, "%s/%s", root, sub);
  d = opendir(dir);
  if (d == NULL) return 0;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    fn(path, e->d_name);
    n++;
  }
  closedir(d);
  return n;
}

static int all_finite(myr_batch* b, int64_t n) {
  const myr_env_info* e = myr_batch_env(b);
  double v[64];
  int32_t f;
  int64_t i;
  int ok = 1;
  for (f = 0; f < e->num_fields; ++f) {
    myr_batch_get_state(b, e->fields[f].name, v);
    for (i = 0; i < n; ++i) ok &= isfinite(v[i]) != 0;
  }
  return ok;
}

/* fuzz_param's steps: parse, then create and roll out every env; with
 * strict, 64 envs x 300 steps in both precisions with finite states */
static void replay_param_text(const char* text, const char* name, int strict) {
  myr_param_setting s;
  char pname[64];
  myr_precision p;
  myr_autoreset m;
  int32_t e;
  int prec;
  (void)myr_precision_parse(text, &p);
  (void)myr_autoreset_parse(text, &m);
  if (myr_param_parse(text, &s, pname, sizeof pname) != MYR_OK) {
    CHECK_MSG(!strict, "%s: regression input no longer parses", name);
    return;
  }
  for (e = 0; e < myr_env_count(); ++e)
    for (prec = 0; prec < (strict ? 2 : 1); ++prec) {
      myr_batch_def def = myr_batch_def_default();
      myr_batch* b = NULL;
      int64_t n = strict ? 64 : 3;
      def.threads = 1;
      def.num_params = 1;
      def.params = &s;
      def.precision = prec ? MYR_FLOAT64 : MYR_FLOAT32;
      if (myr_batch_create(myr_env_at(e)->id, n, &def, &b) == MYR_OK) {
        myr_rollout_def rd = myr_rollout_def_default();
        rd.steps = strict ? 300 : 2;
        CHECK_MSG(myr_batch_rollout(b, &rd, NULL) == MYR_OK, "%s on %s: %s",
                  name, myr_env_at(e)->id, myr_last_error());
        if (strict)
          CHECK_MSG(all_finite(b, n), "%s on %s (%s): non-finite state", name,
                    myr_env_at(e)->id, prec ? "float64" : "float32");
        myr_batch_destroy(b);
      }
    }
}

static void replay_param(const char* path, const char* name) {
  char text[4096];
  if (slurp(path, text, sizeof text) == 0) replay_param_text(text, name, 0);
}

static void replay_param_strict(const char* path, const char* name) {
  char text[4096];
  if (slurp(path, text, sizeof text) == 0) replay_param_text(text, name, 1);
}

/* fuzz_sbml's steps: load the model text (an optional observe option
 * after a line "--"), then step a batch of it */
static void replay_sbml(const char* path, const char* name) {
  static char text[1 << 16];
  myr_model_opts o = myr_model_opts_default();
  myr_model* m = NULL;
  char* sep;
  (void)name;
  if (slurp(path, text, sizeof text) != 0) return;
  o.sidecar = "";
  if ((sep = strstr(text, "\n--\n")) != NULL) {
    *sep = '\0';
    o.observe = sep + 4;
  }
  if (myr_model_load_string(text, strlen(text), &o, &m) == MYR_OK) {
    myr_batch_def def = myr_batch_def_default();
    myr_batch* b = NULL;
    myr_rollout_def r = myr_rollout_def_default();
    def.threads = 1;
    def.model = m;
    r.steps = 3;
    CHECK_OK(myr_batch_create("reaction-network", 17, &def, &b));
    if (b != NULL) CHECK_OK(myr_batch_rollout(b, &r, NULL));
    myr_batch_destroy(b);
    myr_model_destroy(m);
  } else {
    CHECK_MSG(myr_last_error()[0] != '\0', "%s: a failed load without a message", name);
  }
}

static void replay_envid(const char* path, const char* name) {
  char text[4096];
  myr_batch* b = NULL;
  myr_batch_def def = myr_batch_def_default();
  (void)name;
  if (slurp(path, text, sizeof text) != 0) return;
  (void)myr_env_find(text);
  def.threads = 1;
  if (myr_batch_create(text, 2, &def, &b) == MYR_OK) myr_batch_destroy(b);
}

static void replay_policy(const char* path, const char* name) {
  char text[4096];
  int32_t e;
  if (slurp(path, text, sizeof text) != 0) return;
  for (e = 0; e < myr_env_count(); ++e) {
    const myr_env_info* info = myr_env_at(e);
    myr_batch_def def = myr_batch_def_default();
    myr_batch* b = NULL;
    if (myr_policy_check(info, text) != MYR_OK) continue;
    def.threads = 1;
    if (myr_batch_create(info->id, 5, &def, &b) == MYR_OK) {
      myr_rollout_def rd = myr_rollout_def_default();
      rd.steps = 3;
      rd.policy = text;
      CHECK_MSG(myr_batch_rollout(b, &rd, NULL) == MYR_OK, "policy %s", name);
      myr_batch_destroy(b);
    }
  }
}

/* a tune cache file as cartpole's cache: `run --tuned` must exit 0 and
 * call a corrupt file corrupt (files named valid* are well-formed) */
static char cache_dir[] = "/tmp/myriad-fuzzreg-XXXXXX";
static void replay_tune_cache(const char* path, const char* name) {
  char cmd[4096], err[4096];
  int st;
  snprintf(cmd, sizeof cmd,
           "mkdir -p %s/myriad && cp '%s' %s/myriad/tune-cartpole-v1.txt && "
           "XDG_CACHE_HOME=%s " MYR_CLI " run --tuned --env cartpole "
           "--num-envs 16 --steps 2 >/dev/null 2>%s/err",
           cache_dir, path, cache_dir, cache_dir, cache_dir);
  st = system(cmd);
  CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "tune cache %s: status %d",
            name, st);
  snprintf(cmd, sizeof cmd, "%s/err", cache_dir);
  err[0] = '\0';
  (void)slurp(cmd, err, sizeof err);
  if (strncmp(name, "valid", 5) == 0)
    CHECK_MSG(strstr(err, "corrupt") == NULL, "%s: %s", name, err);
  else
    CHECK_MSG(strstr(err, "ignoring the corrupt tune cache") != NULL, "%s: %s",
              name, err);
}

int main(void) {
  const double pi = MYR_ACROBOT_PI;
  char* slash;
  int n;
  snprintf(root, sizeof root, "%s", __FILE__);
  slash = strrchr(root, '/');
  if (slash != NULL) *slash = '\0'; /* tests/ */
  slash = strrchr(root, '/');
  if (slash != NULL) *slash = '\0'; /* the source tree */
  alarm(240); /* a hang (the Acrobot wrap loop) fails instead of stalling */

  /* the Acrobot wrap on its own: huge and infinite angles end */
  CHECK(fabs(myr_acrobot_wrap_d(1e300, -pi, pi)) <= pi);
  CHECK(fabs(myr_acrobot_wrap_d(-3e17, -pi, pi)) <= pi);
  CHECK(isnan(myr_acrobot_wrap_d((double)INFINITY, -pi, pi)));

  n = each_file("fuzz/regressions/param", replay_param_strict);
  CHECK_MSG(n >= 2, "%d param regressions in %s/fuzz/regressions", n, root);
  CHECK(each_file("fuzz/corpus/param", replay_param) > 0);
  CHECK(each_file("fuzz/corpus/envid", replay_envid) > 0);
  (void)each_file("fuzz/regressions/envid", replay_envid);
  CHECK(each_file("fuzz/corpus/policy", replay_policy) > 0);
  CHECK(each_file("fuzz/corpus/sbml", replay_sbml) > 0);
  (void)each_file("fuzz/regressions/sbml", replay_sbml);
  (void)each_file("fuzz/regressions/policy", replay_policy);

  /* the combination of extremes on Acrobot, longer */
  {
    static const char* const combo[] = {"dt=10", "link_mass_2=1e6",
                                        "link_moi=1e-6", "max_vel_1=1e6",
                                        "max_vel_2=1e6"};
    myr_param_setting ps[5];
    char names[5][64];
    int i, prec;
    for (i = 0; i < 5; ++i)
      CHECK_OK(myr_param_parse(combo[i], &ps[i], names[i], sizeof names[i]));
    for (prec = 0; prec < 2; ++prec) {
      myr_batch_def def = myr_batch_def_default();
      myr_batch* b = NULL;
      myr_rollout_def rd = myr_rollout_def_default();
      myr_rollout_stats st;
      def.params = ps;
      def.num_params = 5;
      def.threads = 2;
      def.precision = prec ? MYR_FLOAT64 : MYR_FLOAT32;
      CHECK_OK(myr_batch_create("acrobot", 64, &def, &b));
      if (b == NULL) continue;
      rd.steps = 1000;
      CHECK_OK(myr_batch_rollout(b, &rd, &st));
      CHECK(all_finite(b, 64) && isfinite(st.mean_return));
      myr_batch_destroy(b);
    }
  }

  if (mkdtemp(cache_dir) != NULL) {
    char cmd[200];
    CHECK(each_file("fuzz/corpus/cli_tune_cache", replay_tune_cache) >= 10);
    (void)each_file("fuzz/regressions/cli_tune_cache", replay_tune_cache);
    snprintf(cmd, sizeof cmd, "rm -rf %s", cache_dir);
    CHECK(system(cmd) == 0);
  }
  return check_summary("test_fuzz_regressions");
}
