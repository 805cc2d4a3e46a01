/*
 * The shared autoreset contract (src/task/task.h) on every registered env,
 * both precisions and every autoreset mode, 131 envs, same seed each time:
 *  1. same_step, next_step: the step API fed with myr_batch_random_actions()
 *     equals a recorded fused random rollout bit for bit for 400 steps
 *     (actions, obs, rewards, flags, clock, cap hits, state hash), and an
 *     unrecorded rollout ends in the same state; the episodes summed from
 *     the step outputs equal the rollout's statistics (count, length and
 *     return sums, means) and the step API's own per-step counts; the
 *     ending step's obs (final_obs in same_step, obs in next_step) equals
 *     what a disabled twin stepped from the same state reports, final_obs
 *     rows of envs that did not end stay untouched, and the next_step reset
 *     step returns reward 0 and no flags;
 *  2. CUDA, where built in and a device is present: the GPU step API equals
 *     the GPU fused rollout bit for bit (statistics, hash) and the CPU step
 *     for step (float32 CartPole within a tolerance, see below); envs or
 *     precisions the backend refuses are skipped with a printed line;
 *  3. disabled: a step past an episode's end is an ordinary step from the
 *     same state (obs, flags and writable state equal a twin that takes it
 *     as a normal step) except that the reward is 0 and no episode is
 *     counted; the step counter and the state go on; myr_batch_reset_mask()
 *     starts new episodes that are counted when they end; fused rollouts
 *     refuse the mode and change nothing.
 * The step API reports no statistics, so its per-step episode counts are
 * read from the engine's per-worker statistics (engine/internal.h).
 * max_steps is lowered (77; 23 in part 3) so that every env ends episodes.
 */
#include <stdarg.h>
#include <stdint.h>

#include "check.h"
#include "engine/internal.h"
#include "myriad/myriad.h"

enum { N = 131, STEPS = 400, CHUNK = 45, BLOCK = 48 };
enum { HORIZON = 77, HORIZON_D = 23 };

/* ------------------------------------------------------------ tallies */

/* mismatches of one kind: how many, and the first one in words */
typedef struct tally {
  long count;
  char first[400];
} tally;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void note(tally* t, const char* fmt, ...) {
  va_list ap;
  if (t->count++ != 0) return;
  va_start(ap, fmt);
  vsnprintf(t->first, sizeof t->first, fmt, ap);
  va_end(ap);
}

#define REPORT(t, ctx, what)                                                 \
  CHECK_MSG((t).count == 0, "%s: %s: %ld mismatches, first: %s", ctx, what, \
            (t).count, (t).first)

static uint32_t bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

/* first entry where two obs rows differ bitwise, -1 if none */
static int row_diff(const float* a, const float* b, int32_t od) {
  int32_t k;
  for (k = 0; k < od; ++k)
    if (bits(a[k]) != bits(b[k])) return (int)k;
  return -1;
}

/* ------------------------------------------------------------ episodes */

/* episode sums as the library keeps them: each return rounded to
 * 1/MYR_RETURN_SCALE (returns here are small: int64 holds the sum) */
typedef struct sums {
  int64_t episodes, length, ret_fixed;
} sums;

static void add_episode(sums* s, int64_t length, double ret) {
  s->episodes += 1;
  s->length += length;
  s->ret_fixed += (int64_t)llrint(ret * MYR_RETURN_SCALE);
}

/* one counted step of a running episode (length, return); an episode that
 * ended goes into s and starts over.  Returns `ended`. */
static int count_step(sums* s, int64_t* len, double* ret, float reward,
                      int ended) {
  *len += 1;
  *ret += (double)reward;
  if (ended) {
    add_episode(s, *len, *ret);
    *len = 0;
    *ret = 0.0;
  }
  return ended;
}

/* the step API's statistics of the batch's last step (CPU backend) */
static myr__stats step_stats(myr_batch* b) {
  myr__stats s;
  int32_t w;
  memset(&s, 0, sizeof s);
  for (w = 0; w < myr_batch_threads(b); ++w)
    myr__stats_merge(&s, myr__worker_stats(b, w));
  return s;
}

static int same_sums(const sums* want, const myr__stats* got) {
  return got->episodes == want->episodes && got->length_sum == want->length &&
         got->return_lo == (uint64_t)want->ret_fixed &&
         got->return_hi == (want->ret_fixed < 0 ? -1 : 0) &&
         got->return_overflows == 0;
}

/* the rollout's statistics against sums of the step outputs */
static void check_stats(const char* ctx, const myr_rollout_stats* st,
                        const sums* s) {
  double mean_ret = s->episodes ? (double)s->ret_fixed / MYR_RETURN_SCALE /
                                      (double)s->episodes
                                : 0.0;
  double mean_len =
      s->episodes ? (double)s->length / (double)s->episodes : 0.0;
  CHECK_MSG(st->episodes == s->episodes && st->length_sum == s->length &&
                st->return_sum_fixed == s->ret_fixed &&
                st->return_sum_fixed_hi == (s->ret_fixed < 0 ? -1 : 0) &&
                st->return_overflows == 0,
            "%s: rollout %lld episodes, length %lld, return %lld:%lld; step "
            "outputs %lld, %lld, %lld", ctx, (long long)st->episodes,
            (long long)st->length_sum, (long long)st->return_sum_fixed_hi,
            (long long)st->return_sum_fixed, (long long)s->episodes,
            (long long)s->length, (long long)s->ret_fixed);
  CHECK_MSG(st->mean_return == mean_ret && st->mean_length == mean_len,
            "%s: rollout means return %.17g length %.17g, step outputs %.17g "
            "%.17g", ctx, st->mean_return, st->mean_length, mean_ret, mean_len);
}

/* ------------------------------------------------------------ batches */

typedef struct cfg {
  const myr_env_info* info;
  myr_precision prec;
  myr_autoreset mode;
  int32_t horizon; /* max_steps, if the env has that parameter */
  char ctx[96];    /* "env precision mode" for messages */
} cfg;

static int has_param(const myr_env_info* info, const char* name) {
  int32_t k;
  for (k = 0; k < info->num_params; ++k)
    if (strcmp(info->params[k].name, name) == 0) return 1;
  return 0;
}

/* the truncation horizon the batches of c get */
static int32_t horizon_of(const cfg* c) {
  if (!has_param(c->info, "max_steps") || c->horizon > c->info->max_steps_default)
    return c->info->max_steps_default;
  return c->horizon;
}

static int make(const cfg* c, myr_autoreset mode, int backend, int32_t threads,
                myr_batch** b) {
  myr_batch_def def = myr_batch_def_default();
  myr_param_setting s = {"max_steps", MYR_DIST_FIXED, 0, 0};
  def.seed = 20260515;
  def.threads = threads;
  def.precision = c->prec;
  def.autoreset = mode;
  def.backend = backend;
  if (has_param(c->info, "max_steps")) {
    s.a = horizon_of(c);
    def.params = &s;
    def.num_params = 1;
  }
  *b = NULL;
  return myr_batch_create(c->info->id, N, &def, b);
}

static int is_box(const myr_env_info* info) {
  return info->action_space.kind == MYR_SPACE_BOX;
}

static int32_t act_dim(const myr_env_info* info) {
  return is_box(info) ? info->action_space.n : 1;
}

static int step(myr_batch* b, const void* act, const myr_step_out* out) {
  return is_box(myr_batch_env(b)) ? myr_batch_step_box(b, (const float*)act, out)
                                  : myr_batch_step(b, (const int32_t*)act, out);
}

/* copy every writable state field of the masked envs (mask NULL: all) from
 * src to dst; returns the first failing status */
static int copy_state(myr_batch* dst, const myr_batch* src,
                      const uint8_t* mask, double* a, double* b) {
  const myr_env_info* info = myr_batch_env(src);
  int32_t f, i;
  int rc = MYR_OK;
  for (f = 0; f < info->num_fields && rc == MYR_OK; ++f) {
    const char* name = info->fields[f].name;
    if (!info->fields[f].writable) continue;
    if ((rc = myr_batch_get_state(src, name, a)) != MYR_OK) break;
    if ((rc = myr_batch_get_state(dst, name, b)) != MYR_OK) break;
    for (i = 0; i < N; ++i)
      if (mask == NULL || mask[i]) b[i] = a[i];
    rc = myr_batch_set_state(dst, name, b);
  }
  return rc;
}

/* name of the first writable field that differs between two batches (NULL
 * if none); *env gets the env */
static const char* state_diff(const myr_batch* x, const myr_batch* y,
                              double* a, double* b, int32_t* env) {
  const myr_env_info* info = myr_batch_env(x);
  int32_t f, i;
  for (f = 0; f < info->num_fields; ++f) {
    const char* name = info->fields[f].name;
    if (!info->fields[f].writable) continue;
    if (myr_batch_get_state(x, name, a) != MYR_OK ||
        myr_batch_get_state(y, name, b) != MYR_OK) {
      *env = -1;
      return name;
    }
    for (i = 0; i < N; ++i)
      if (memcmp(&a[i], &b[i], sizeof(double)) != 0) {
        *env = i;
        return name;
      }
  }
  return NULL;
}

/* per-step outputs of one batch */
typedef struct outs {
  float* obs;
  float* fin;
  float rew[N];
  uint8_t te[N], tr[N];
  float act[N * 8]; /* N x act_dim int32 or float32 actions */
} outs;

static void outs_init(outs* o, int32_t od) {
  memset(o, 0, sizeof *o);
  o->obs = (float*)calloc((size_t)(N * od), sizeof(float));
  o->fin = (float*)calloc((size_t)(N * od), sizeof(float));
}

static void outs_free(outs* o) {
  free(o->obs);
  free(o->fin);
}

/* a NaN no env writes: marks final_obs rows that must stay untouched */
static const uint32_t SENTINEL = 0x7fc0beefu;

static void fill_sentinel(float* p, int64_t n) {
  int64_t k;
  float s;
  memcpy(&s, &SENTINEL, sizeof s);
  for (k = 0; k < n; ++k) p[k] = s;
}

static int untouched(const float* p, int32_t od) {
  int32_t k;
  for (k = 0; k < od; ++k)
    if (bits(p[k]) != SENTINEL) return 0;
  return 1;
}

/* ------------------------------------------------------------ recording */

typedef struct trace {
  int64_t rows;
  int32_t od, ad;
  int calls, bad;
  float* obs;
  unsigned char* act;
  float* rew;
  uint8_t* te;
  uint8_t* tr;
} trace;

static int record(const myr_traj_chunk* c, void* user) {
  trace* t = (trace*)user;
  size_t cells = (size_t)(c->steps * N);
  t->calls++;
  if ((int64_t)c->step0 != t->rows || t->rows + c->steps > STEPS ||
      c->num_envs != N || c->obs_dim != t->od || c->action_dim != t->ad) {
    t->bad++;
    return 1;
  }
  memcpy(t->obs + t->rows * N * t->od, c->obs, cells * (size_t)t->od * 4);
  memcpy(t->act + t->rows * N * t->ad * 4, c->action, cells * (size_t)t->ad * 4);
  memcpy(t->rew + t->rows * N, c->reward, cells * 4);
  memcpy(t->te + t->rows * N, c->terminated, cells);
  memcpy(t->tr + t->rows * N, c->truncated, cells);
  t->rows += c->steps;
  return 0;
}

/* ------------------------------------------------------------ 1. step API = fused rollout */

static long episodes_compared = 0;

static void check_fused(const cfg* c) {
  const myr_env_info* info = c->info;
  const char* ctx = c->ctx;
  myr_batch *a = NULL, *r = NULL, *x = NULL;
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  trace t;
  outs oa, ox;
  sums mine, eng_total;
  tally t_act, t_out, t_model, t_fin, t_twin, t_copy, t_eng;
  double *da, *db;
  int64_t len[N];
  double ret[N];
  uint8_t pend[N], fresh[N];
  int64_t reactions = 0, caps = 0;
  int32_t od, ad, s, i;
  int same = c->mode == MYR_AUTORESET_SAME_STEP;

  memset(&mine, 0, sizeof mine);
  memset(&eng_total, 0, sizeof eng_total);
  memset(&t_act, 0, sizeof t_act);
  t_out = t_model = t_fin = t_twin = t_copy = t_eng = t_act;
  CHECK_OK(make(c, c->mode, MYR_BACKEND_CPU, 1, &a));
  CHECK_OK(make(c, c->mode, MYR_BACKEND_CPU, 2, &r));
  CHECK_OK(make(c, MYR_AUTORESET_DISABLED, MYR_BACKEND_CPU, 2, &x));
  if (a == NULL || r == NULL || x == NULL) {
    myr_batch_destroy(a);
    myr_batch_destroy(r);
    myr_batch_destroy(x);
    return;
  }
  od = myr_batch_env(a)->obs_dim;
  ad = act_dim(info);
  CHECK(ad <= 8);

  /* (b) the fused rollout, recorded */
  memset(&t, 0, sizeof t);
  t.od = od;
  t.ad = ad;
  t.obs = (float*)calloc((size_t)(STEPS * N * od), sizeof(float));
  t.act = (unsigned char*)calloc((size_t)(STEPS * N * ad), 4);
  t.rew = (float*)calloc((size_t)(STEPS * N), sizeof(float));
  t.te = (uint8_t*)calloc((size_t)(STEPS * N), 1);
  t.tr = (uint8_t*)calloc((size_t)(STEPS * N), 1);
  CHECK_OK(myr_batch_set_block_size(r, BLOCK));
  rd.steps = STEPS;
  rd.chunk_size = CHUNK;
  rd.policy = "random";
  rd.on_chunk = record;
  rd.user = &t;
  memset(&st, 0, sizeof st);
  CHECK_OK(myr_batch_rollout(r, &rd, &st));
  CHECK_MSG(t.rows == STEPS && t.bad == 0 && t.calls == (STEPS + CHUNK - 1) / CHUNK &&
                st.steps == (int64_t)STEPS * N && myr_batch_clock(r) == STEPS,
            "%s: recorded %lld rows in %d chunks (%d bad), %lld env-steps",
            ctx, (long long)t.rows, t.calls, t.bad, (long long)st.steps);
  /* an unrecorded rollout (no observations written) ends the same */
  {
    myr_batch* q = NULL;
    myr_rollout_def qd = myr_rollout_def_default();
    myr_rollout_stats qs;
    memset(&qs, 0, sizeof qs);
    qd.steps = STEPS;
    CHECK_OK(make(c, c->mode, MYR_BACKEND_CPU, 2, &q));
    if (q != NULL) {
      CHECK_OK(myr_batch_rollout(q, &qd, &qs));
      CHECK_MSG(qs.episodes == st.episodes && qs.length_sum == st.length_sum &&
                    qs.return_sum_fixed == st.return_sum_fixed &&
                    qs.reactions == st.reactions &&
                    myr_batch_state_hash(q) == myr_batch_state_hash(r),
                "%s: unrecorded rollout: %lld episodes, hash %016llx; "
                "recorded: %lld, %016llx", ctx, (long long)qs.episodes,
                (unsigned long long)myr_batch_state_hash(q),
                (long long)st.episodes,
                (unsigned long long)myr_batch_state_hash(r));
    }
    myr_batch_destroy(q);
  }

  /* (a) the step API with the same actions, and a disabled twin */
  outs_init(&oa, od);
  outs_init(&ox, od);
  da = (double*)malloc(sizeof(double) * N);
  db = (double*)malloc(sizeof(double) * N);
  memset(len, 0, sizeof len);
  memset(ret, 0, sizeof ret);
  memset(pend, 0, sizeof pend);
  for (s = 0; s < STEPS; ++s) {
    const size_t row = (size_t)s * N;
    myr_step_out out_a = {oa.obs, oa.rew, oa.te, oa.tr, oa.fin};
    myr_step_out out_x = {ox.obs, ox.rew, ox.te, ox.tr, NULL};
    sums step_sums;
    myr__stats eng;
    int any = 0, rc;

    rc = myr_batch_random_actions(a, oa.act);
    if (rc != MYR_OK) note(&t_act, "step %d: random actions -> %d", s, rc);
    for (i = 0; i < N; ++i)
      if (memcmp((const unsigned char*)oa.act + (size_t)i * (size_t)ad * 4,
                 t.act + (row + (size_t)i) * (size_t)ad * 4, (size_t)ad * 4) != 0)
        note(&t_act, "step %d env %d: policy action differs from the rollout's", s, i);
    fill_sentinel(oa.fin, (int64_t)N * od);
    rc = step(a, oa.act, &out_a);
    if (rc != MYR_OK) note(&t_out, "step %d: step -> %d (%s)", s, rc, myr_last_error());
    eng = step_stats(a);
    reactions += eng.reactions;
    caps += eng.cap_hits;
    rc = step(x, oa.act, &out_x);
    if (rc != MYR_OK) note(&t_twin, "step %d: twin step -> %d (%s)", s, rc, myr_last_error());

    memset(&step_sums, 0, sizeof step_sums);
    for (i = 0; i < N; ++i) {
      const float* ob = oa.obs + (size_t)i * (size_t)od;
      const float* fn = oa.fin + (size_t)i * (size_t)od;
      const float* xo = ox.obs + (size_t)i * (size_t)od;
      int k = row_diff(ob, t.obs + (row + (size_t)i) * (size_t)od, od);
      int ended = oa.te[i] | oa.tr[i];
      int reset_step = !same && pend[i];
      /* step API vs rollout, bit for bit */
      if (k >= 0)
        note(&t_out, "step %d env %d: obs[%d] %a (step API) vs %a (rollout)", s,
             i, k, (double)ob[k], (double)t.obs[(row + (size_t)i) * (size_t)od + (size_t)k]);
      if (bits(oa.rew[i]) != bits(t.rew[row + (size_t)i]) ||
          oa.te[i] != t.te[row + (size_t)i] || oa.tr[i] != t.tr[row + (size_t)i])
        note(&t_out, "step %d env %d: reward %a term %d trunc %d (step API) vs "
             "%a %d %d (rollout)", s, i, (double)oa.rew[i], oa.te[i], oa.tr[i],
             (double)t.rew[row + (size_t)i], t.te[row + (size_t)i], t.tr[row + (size_t)i]);
      /* the contract, and the episodes the outputs imply */
      fresh[i] = 0;
      if (reset_step) {
        if (oa.rew[i] != 0.0f || ended)
          note(&t_model, "step %d env %d: next_step reset step gave reward %a "
               "term %d trunc %d", s, i, (double)oa.rew[i], oa.te[i], oa.tr[i]);
        len[i] = 0;
        ret[i] = 0.0;
        pend[i] = 0;
        fresh[i] = 1;
      } else if (count_step(&step_sums, &len[i], &ret[i], oa.rew[i], ended)) {
        if (same)
          fresh[i] = 1;
        else
          pend[i] = 1;
      }
      if (!(same && ended) && !untouched(fn, od))
        note(&t_fin, "step %d env %d: final_obs row written (ended %d, %s)", s,
             i, ended, myr_autoreset_name(c->mode));
      /* the twin took the same step unless this env reset instead */
      if (reset_step) continue;
      if (bits(ox.rew[i]) != bits(oa.rew[i]) || ox.te[i] != oa.te[i] ||
          ox.tr[i] != oa.tr[i])
        note(&t_twin, "step %d env %d: reward %a term %d trunc %d, disabled "
             "twin %a %d %d", s, i, (double)oa.rew[i], oa.te[i], oa.tr[i],
             (double)ox.rew[i], ox.te[i], ox.tr[i]);
      k = row_diff(same && ended ? fn : ob, xo, od);
      if (k >= 0)
        note(same && ended ? &t_fin : &t_twin,
             "step %d env %d: %s[%d] %a, disabled twin's obs %a", s, i,
             same && ended ? "final_obs" : "obs", k,
             (double)(same && ended ? fn : ob)[k], (double)xo[k]);
    }
    mine.episodes += step_sums.episodes;
    mine.length += step_sums.length;
    mine.ret_fixed += step_sums.ret_fixed;
    if (!same_sums(&step_sums, &eng))
      note(&t_eng, "step %d: the step counted %lld episodes, length %lld, "
           "return %lld; its outputs say %lld, %lld, %lld", s,
           (long long)eng.episodes, (long long)eng.length_sum,
           (long long)eng.return_lo, (long long)step_sums.episodes,
           (long long)step_sums.length, (long long)step_sums.ret_fixed);

    /* envs that started a new episode: the twin starts from the same state */
    for (i = 0; i < N; ++i) any |= fresh[i];
    if (any) {
      rc = myr_batch_reset_mask(x, fresh, NULL);
      if (rc == MYR_OK) rc = copy_state(x, a, fresh, da, db);
      if (rc == MYR_OK) rc = myr_batch_observe(x, ox.obs);
      if (rc != MYR_OK) note(&t_copy, "step %d: twin resync -> %d (%s)", s, rc,
                             myr_last_error());
      for (i = 0; i < N; ++i) {
        int k;
        if (!fresh[i]) continue;
        k = row_diff(oa.obs + (size_t)i * (size_t)od, ox.obs + (size_t)i * (size_t)od, od);
        if (k >= 0)
          note(&t_copy, "step %d env %d: obs[%d] not reproduced by its "
               "writable state fields", s, i, k);
      }
    }
  }
  REPORT(t_act, ctx, "random policy actions, step API vs rollout");
  REPORT(t_out, ctx, "obs/reward/flags, step API vs rollout");
  REPORT(t_model, ctx, "autoreset contract");
  REPORT(t_fin, ctx, "final_obs");
  REPORT(t_twin, ctx, "dynamics vs a disabled twin");
  REPORT(t_copy, ctx, "twin resynchronisation");
  REPORT(t_eng, ctx, "the step API's per-step episode statistics");
  check_stats(ctx, &st, &mine);
  CHECK_MSG(st.reactions == reactions && st.cap_hits == caps &&
                myr_batch_cap_hits(a) == myr_batch_cap_hits(r),
            "%s: reactions %lld / cap hits %lld (rollout) vs %lld / %lld "
            "(step API)", ctx, (long long)st.reactions, (long long)st.cap_hits,
            (long long)reactions, (long long)caps);
  CHECK_MSG(myr_batch_clock(a) == myr_batch_clock(r) &&
                myr_batch_state_hash(a) == myr_batch_state_hash(r),
            "%s: state hash %016llx (step API) vs %016llx (rollout)", ctx,
            (unsigned long long)myr_batch_state_hash(a),
            (unsigned long long)myr_batch_state_hash(r));
  /* enough ends to mean something: more than one episode per env */
  CHECK_MSG(mine.episodes > N, "%s: only %lld episodes ended", ctx,
            (long long)mine.episodes);
  episodes_compared += (long)mine.episodes;

  outs_free(&oa);
  outs_free(&ox);
  free(da);
  free(db);
  free(t.obs);
  free(t.act);
  free(t.rew);
  free(t.te);
  free(t.tr);
  myr_batch_destroy(a);
  myr_batch_destroy(r);
  myr_batch_destroy(x);
}

/* ------------------------------------------------------------ 2. CUDA */

static int cuda_state = 0; /* 0 not tried, 1 usable, -1 no device */
static int cuda_configs = 0;

/* float32 CartPole: the CPU kernel contracts multiply-adds into FMAs, the
 * GPU rounds every operation (tests/cuda/test_cartpole.c), so CPU and GPU
 * agree within a tolerance, and an env near a termination threshold may
 * end a step apart; every other CUDA kernel computes exactly what the CPU
 * does */
static int gpu_rounds_differently(const cfg* c) {
  return strcmp(c->info->id, "cartpole-v1") == 0 && c->prec == MYR_FLOAT32;
}

static int close_row(const float* a, const float* b, int32_t od) {
  int32_t k;
  for (k = 0; k < od; ++k)
    if (!(fabs((double)a[k] - (double)b[k]) <= 1e-3 * (1.0 + fabs((double)a[k]))))
      return 0;
  return 1;
}

static void check_cuda(const cfg* c) {
  const myr_env_info* info = c->info;
  const char* ctx = c->ctx;
  myr_batch *cpu = NULL, *gpu = NULL, *roll = NULL;
  myr_rollout_def rd = myr_rollout_def_default();
  myr_rollout_stats st;
  outs oc, og;
  sums mine;
  tally t_act, t_out;
  int64_t len[N];
  double ret[N];
  uint8_t pend[N], diverged[N];
  int32_t od, ad, s, i, n_div = 0;
  int same = c->mode == MYR_AUTORESET_SAME_STEP;
  int tolerant = gpu_rounds_differently(c);
  int rc;

  if (cuda_state < 0) return;
  rc = make(c, c->mode, MYR_BACKEND_CUDA, 2, &gpu);
  if (rc == MYR_ENODEV) {
    printf("test_contract: CUDA part skipped: %s\n", myr_last_error());
    cuda_state = -1;
    return;
  }
  if (rc != MYR_OK) {
    printf("test_contract: cuda: %s skipped: %s\n", ctx, myr_last_error());
    return;
  }
  cuda_state = 1;
  cuda_configs++;
  CHECK_OK(make(c, c->mode, MYR_BACKEND_CPU, 2, &cpu));
  CHECK_OK(make(c, c->mode, MYR_BACKEND_CUDA, 2, &roll));
  if (cpu == NULL || roll == NULL) {
    myr_batch_destroy(cpu);
    myr_batch_destroy(gpu);
    myr_batch_destroy(roll);
    return;
  }
  od = myr_batch_env(cpu)->obs_dim;
  ad = act_dim(info);
  outs_init(&oc, od);
  outs_init(&og, od);
  memset(&mine, 0, sizeof mine);
  memset(&t_act, 0, sizeof t_act);
  t_out = t_act;
  memset(len, 0, sizeof len);
  memset(ret, 0, sizeof ret);
  memset(pend, 0, sizeof pend);
  memset(diverged, 0, sizeof diverged);

  for (s = 0; s < STEPS; ++s) {
    myr_step_out out_c = {oc.obs, oc.rew, oc.te, oc.tr, oc.fin};
    myr_step_out out_g = {og.obs, og.rew, og.te, og.tr, og.fin};
    if (myr_batch_random_actions(cpu, oc.act) != MYR_OK ||
        myr_batch_random_actions(gpu, og.act) != MYR_OK ||
        memcmp(oc.act, og.act, (size_t)(N * ad * 4)) != 0)
      note(&t_act, "step %d: random actions differ or failed (%s)", s, myr_last_error());
    fill_sentinel(oc.fin, (int64_t)N * od);
    fill_sentinel(og.fin, (int64_t)N * od);
    if ((rc = step(cpu, oc.act, &out_c)) != MYR_OK ||
        (rc = step(gpu, oc.act, &out_g)) != MYR_OK)
      note(&t_out, "step %d: step -> %d (%s)", s, rc, myr_last_error());
    for (i = 0; i < N; ++i) {
      const float* co = oc.obs + (size_t)i * (size_t)od;
      const float* go = og.obs + (size_t)i * (size_t)od;
      const float* cf = oc.fin + (size_t)i * (size_t)od;
      const float* gf = og.fin + (size_t)i * (size_t)od;
      int flags_eq = bits(oc.rew[i]) == bits(og.rew[i]) && oc.te[i] == og.te[i] &&
                     oc.tr[i] == og.tr[i];
      int ended = og.te[i] | og.tr[i];
      /* the GPU's own episodes, for its fused rollout below */
      if (!same && pend[i]) {
        len[i] = 0;
        ret[i] = 0.0;
        pend[i] = 0;
      } else if (count_step(&mine, &len[i], &ret[i], og.rew[i], ended)) {
        pend[i] = (uint8_t)!same;
      }
      if (diverged[i]) continue;
      if (!tolerant) {
        int k = row_diff(co, go, od);
        if (k >= 0 || !flags_eq || row_diff(cf, gf, od) >= 0)
          note(&t_out, "step %d env %d: CPU and GPU differ (obs[%d] %a vs %a, "
               "reward %a vs %a, term %d/%d, trunc %d/%d)", s, i, k,
               k >= 0 ? (double)co[k] : 0.0, k >= 0 ? (double)go[k] : 0.0,
               (double)oc.rew[i], (double)og.rew[i], oc.te[i], og.te[i],
               oc.tr[i], og.tr[i]);
      } else if (!flags_eq || !close_row(co, go, od) ||
                 (untouched(cf, od) != untouched(gf, od)) ||
                 (!untouched(cf, od) && !close_row(cf, gf, od))) {
        diverged[i] = 1;
        n_div++;
      }
    }
  }
  REPORT(t_act, ctx, "cuda: random policy actions CPU vs GPU");
  REPORT(t_out, ctx, "cuda: step API CPU vs GPU");
  if (!tolerant) {
    CHECK_MSG(myr_batch_state_hash(cpu) == myr_batch_state_hash(gpu),
              "%s: cuda: state hash CPU %016llx GPU %016llx", ctx,
              (unsigned long long)myr_batch_state_hash(cpu),
              (unsigned long long)myr_batch_state_hash(gpu));
  } else {
    /* envs that never left the tolerance had the same flags on every step,
     * so the same episodes, lengths and returns */
    printf("test_contract: cuda: %s: %d of %d envs left the tolerance or "
           "ended a step apart\n", ctx, n_div, N);
    CHECK_MSG(n_div <= N / 50 + 1, "%s: cuda: %d of %d envs diverged from the "
              "CPU", ctx, n_div, N);
  }

  /* on the GPU, the fused rollout equals its step API exactly */
  rd.steps = STEPS;
  rd.policy = "random";
  memset(&st, 0, sizeof st);
  CHECK_OK(myr_batch_rollout(roll, &rd, &st));
  check_stats(ctx, &st, &mine);
  CHECK_MSG(myr_batch_state_hash(roll) == myr_batch_state_hash(gpu),
            "%s: cuda: state hash of the step API %016llx, of the rollout "
            "%016llx", ctx, (unsigned long long)myr_batch_state_hash(gpu),
            (unsigned long long)myr_batch_state_hash(roll));

  outs_free(&oc);
  outs_free(&og);
  myr_batch_destroy(cpu);
  myr_batch_destroy(gpu);
  myr_batch_destroy(roll);
}

/* ------------------------------------------------------------ 3. disabled */

static long past_end_steps = 0;

static void check_disabled(const cfg* c) {
  const char* ctx = c->ctx;
  /* steps before and after the restart: every env ends before each */
  const int32_t P1 = horizon_of(c) + 17, P2 = horizon_of(c) + 7;
  myr_batch *d = NULL, *u = NULL;
  myr_rollout_def rd = myr_rollout_def_default();
  outs o, ou;
  float* prev;
  float* robs;
  double *da, *db, *tv;
  int64_t t_model[N], len[N];
  double ret[N];
  uint8_t ended[N], mask[N], ones[N];
  sums total;
  tally t_dyn, t_rew, t_eng, t_state, t_t, t_reset, t_fin, t_sync;
  long past = 0, moved = 0;
  int32_t od, s, i;
  uint64_t h0;
  int rc;

  memset(&t_dyn, 0, sizeof t_dyn);
  t_rew = t_eng = t_state = t_t = t_reset = t_fin = t_sync = t_dyn;
  CHECK_OK(make(c, MYR_AUTORESET_DISABLED, MYR_BACKEND_CPU, 2, &d));
  CHECK_OK(make(c, MYR_AUTORESET_DISABLED, MYR_BACKEND_CPU, 1, &u));
  if (d == NULL || u == NULL) {
    myr_batch_destroy(d);
    myr_batch_destroy(u);
    return;
  }
  od = myr_batch_env(d)->obs_dim;

  /* fused rollouts refuse the mode, changing nothing */
  h0 = myr_batch_state_hash(d);
  rd.steps = 10;
  rc = myr_batch_rollout(d, &rd, NULL);
  CHECK_MSG(rc == MYR_EINVAL && myr_batch_clock(d) == 0 &&
                myr_batch_state_hash(d) == h0,
            "%s: a disabled rollout returned %d", ctx, rc);

  outs_init(&o, od);
  outs_init(&ou, od);
  prev = (float*)calloc((size_t)(N * od), sizeof(float));
  robs = (float*)calloc((size_t)(N * od), sizeof(float));
  da = (double*)malloc(sizeof(double) * N);
  db = (double*)malloc(sizeof(double) * N);
  tv = (double*)malloc(sizeof(double) * N);
  memset(t_model, 0, sizeof t_model);
  memset(len, 0, sizeof len);
  memset(ret, 0, sizeof ret);
  memset(ended, 0, sizeof ended);
  memset(ones, 1, sizeof ones);
  memset(&total, 0, sizeof total);
  CHECK_OK(myr_batch_observe(d, prev));

  for (s = 0; s < P1 + P2; ++s) {
    myr_step_out out = {o.obs, o.rew, o.te, o.tr, o.fin};
    myr_step_out out_u = {ou.obs, ou.rew, ou.te, ou.tr, NULL};
    sums step_sums;
    myr__stats eng;

    if (s == P1) {
      /* the caller restarts every other env */
      for (i = 0; i < N; ++i) mask[i] = (uint8_t)(i % 2 == 0);
      fill_sentinel(robs, (int64_t)N * od);
      CHECK_OK(myr_batch_reset_mask(d, mask, robs));
      CHECK_OK(myr_batch_observe(d, prev));
      CHECK_OK(myr_batch_get_state(d, "t", tv));
      for (i = 0; i < N; ++i) {
        const float* ro = robs + (size_t)i * (size_t)od;
        if (mask[i]) {
          if (row_diff(ro, prev + (size_t)i * (size_t)od, od) >= 0 || tv[i] != 0.0)
            note(&t_reset, "env %d: reset_mask obs differs from observe(), or t %g", i, tv[i]);
          t_model[i] = 0;
          len[i] = 0;
          ret[i] = 0.0;
          ended[i] = 0;
        } else if (!untouched(ro, od) || tv[i] != (double)t_model[i]) {
          note(&t_reset, "env %d: not masked, but its obs row was written or t changed", i);
        }
      }
    }

    /* the twin takes this step as an ordinary one from the same state */
    rc = myr_batch_random_actions(d, o.act);
    if (rc == MYR_OK) rc = myr_batch_random_actions(u, ou.act);
    if (rc == MYR_OK) rc = myr_batch_reset_mask(u, ones, NULL);
    if (rc == MYR_OK) rc = copy_state(u, d, NULL, da, db);
    if (rc != MYR_OK || memcmp(o.act, ou.act, sizeof o.act) != 0)
      note(&t_sync, "step %d: twin set-up -> %d (%s)", s, rc, myr_last_error());

    fill_sentinel(o.fin, (int64_t)N * od);
    rc = step(d, o.act, &out);
    if (rc != MYR_OK) note(&t_dyn, "step %d: step -> %d (%s)", s, rc, myr_last_error());
    eng = step_stats(d);
    rc = step(u, o.act, &out_u);
    if (rc != MYR_OK) note(&t_dyn, "step %d: twin step -> %d (%s)", s, rc, myr_last_error());
    if (myr_batch_get_state(d, "t", tv) != MYR_OK)
      note(&t_t, "step %d: no step counter t (%s)", s, myr_last_error());

    memset(&step_sums, 0, sizeof step_sums);
    for (i = 0; i < N; ++i) {
      const float* ob = o.obs + (size_t)i * (size_t)od;
      int k = row_diff(ob, ou.obs + (size_t)i * (size_t)od, od);
      /* dynamics and flags as an ordinary step's */
      if (k >= 0 || o.te[i] != ou.te[i] || o.tr[i] != ou.tr[i])
        note(&t_dyn, "step %d env %d (%s): obs[%d] %a term %d trunc %d, an "
             "ordinary step gives %a %d %d", s, i,
             ended[i] ? "past its end" : "in its episode", k,
             k >= 0 ? (double)ob[k] : 0.0,
             o.te[i], o.tr[i], k >= 0 ? (double)ou.obs[(size_t)i * (size_t)od + (size_t)k] : 0.0,
             ou.te[i], ou.tr[i]);
      if (!untouched(o.fin + (size_t)i * (size_t)od, od))
        note(&t_fin, "step %d env %d: final_obs row written in disabled mode", s, i);
      t_model[i] += 1;
      if (tv[i] != (double)t_model[i])
        note(&t_t, "step %d env %d (%s): t = %g, %lld steps since its reset", s,
             i, ended[i] ? "past its end" : "in its episode", tv[i],
             (long long)t_model[i]);
      if (ended[i]) {
        /* past the end: reward 0, nothing counted, the state goes on */
        past++;
        moved += row_diff(ob, prev + (size_t)i * (size_t)od, od) >= 0;
        if (bits(o.rew[i]) != 0u)
          note(&t_rew, "step %d env %d: reward %a past the end", s, i, (double)o.rew[i]);
      } else {
        if (bits(o.rew[i]) != bits(ou.rew[i]))
          note(&t_rew, "step %d env %d: reward %a, an ordinary step gives %a", s,
               i, (double)o.rew[i], (double)ou.rew[i]);
        if (count_step(&step_sums, &len[i], &ret[i], o.rew[i], o.te[i] | o.tr[i]))
          ended[i] = 1;
      }
    }
    if (!same_sums(&step_sums, &eng))
      note(&t_eng, "step %d: the step counted %lld episodes (length %lld, "
           "return %lld), the episodes that ended are %lld (%lld, %lld)", s,
           (long long)eng.episodes, (long long)eng.length_sum,
           (long long)eng.return_lo, (long long)step_sums.episodes,
           (long long)step_sums.length, (long long)step_sums.ret_fixed);
    total.episodes += step_sums.episodes;
    {
      int32_t env = 0;
      const char* f = state_diff(d, u, da, db, &env);
      if (f != NULL)
        note(&t_state, "step %d env %d: state field %s differs from an "
             "ordinary step's", s, env, f);
    }
    memcpy(prev, o.obs, sizeof(float) * (size_t)(N * od));
  }
  REPORT(t_sync, ctx, "disabled: twin set-up");
  REPORT(t_dyn, ctx, "disabled: dynamics and flags");
  REPORT(t_rew, ctx, "disabled: rewards");
  REPORT(t_eng, ctx, "disabled: episodes counted");
  REPORT(t_state, ctx, "disabled: state");
  REPORT(t_t, ctx, "disabled: step counter");
  REPORT(t_reset, ctx, "disabled: myr_batch_reset_mask");
  REPORT(t_fin, ctx, "disabled: final_obs");
  /* every env ended within P1 steps, every restarted one within P2 */
  CHECK_MSG(total.episodes == N + (N + 1) / 2, "%s: disabled: %lld episodes "
            "ended, want %d", ctx, (long long)total.episodes, N + (N + 1) / 2);
  CHECK_MSG(past > 0 && moved > 0, "%s: disabled: %ld steps past an end, the "
            "obs moved on %ld of them", ctx, past, moved);
  past_end_steps += past;

  outs_free(&o);
  outs_free(&ou);
  free(prev);
  free(robs);
  free(da);
  free(db);
  free(tv);
  myr_batch_destroy(d);
  myr_batch_destroy(u);
}

/* ------------------------------------------------------------ main */

int main(void) {
  int32_t e;
  int p, m, configs = 0;
  for (e = 0; e < myr_env_count(); ++e) {
    for (p = 0; p < 2; ++p)
      for (m = 0; m < 3; ++m) {
        cfg c;
        c.info = myr_env_at(e);
        c.prec = p ? MYR_FLOAT64 : MYR_FLOAT32;
        c.mode = (myr_autoreset)m;
        c.horizon = m == MYR_AUTORESET_DISABLED ? HORIZON_D : HORIZON;
        snprintf(c.ctx, sizeof c.ctx, "%s %s %s", c.info->id,
                 myr_precision_name(c.prec), myr_autoreset_name(c.mode));
        configs++;
        if (c.mode == MYR_AUTORESET_DISABLED) {
          check_disabled(&c);
        } else {
          check_fused(&c);
          if (myr_backend_available(MYR_BACKEND_CUDA)) check_cuda(&c);
        }
      }
  }
  if (!myr_backend_available(MYR_BACKEND_CUDA))
    printf("test_contract: CUDA part skipped: backend not built in (%s)\n",
           myr_build_info());
  else if (cuda_state > 0)
    printf("test_contract: CUDA part: %d configurations compared\n", cuda_configs);
  printf("test_contract: %d envs, %d configurations, %ld episodes compared "
         "with the fused rollout, %ld env-steps past an end\n",
         (int)myr_env_count(), configs, episodes_compared, past_end_steps);
  return check_summary("test_contract");
}
