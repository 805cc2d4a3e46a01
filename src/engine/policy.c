/*
 * policy.c -- built-in policies of fused rollouts: parsing and actions.
 *
 * The random policy is a pure function of (seed, global env index, clock):
 *  - two discrete actions: one bit per step, 128 steps per Philox call
 *    (bit clock%32 of word (clock/32)%4 of draw clock/128);
 *  - otherwise one 32-bit word per step and action dimension, 4 steps per
 *    call (word clock%4 of draw clock/4, sub-stream 1 + dimension);
 *    discrete: floor(word * n / 2^32); box: low + (high - low) * u01(word).
 * myr_batch_random_actions() and the fused rollout use the same formulas,
 * so driving the step API with it reproduces a fused random rollout.
 *
 * Closed-loop policies read one *state field* of each env by name (the
 * names myr_env_info.fields lists, e.g. "theta" of cartpole, "F" of the
 * gene circuit, "X" of opto-hill), through the class's get_field(), before
 * each step, or a linear combination of fields: the value of key 'field'
 * is terms "[coef*]name" joined by '+' or '-' (at most 8; a leading sign
 * is allowed; coef a finite number), e.g.
 * field=theta+0.5*theta_dot+0.01*x+0.1*x_dot, and the policy reads
 * sum_j coef_j * name_j (summed in the order written, in double).  A plain
 * name is the one-term combination.  "On" means the highest action
 * (discrete n - 1, box high) and "off" the lowest (0, box low).
 *  - bangbang:field=COMB[,setpoint=S][,invert=1]: on when value > S
 *    (default S = 0), off otherwise; invert swaps on and off.  On CartPole
 *    the combination above is a linear state-feedback rule that keeps the
 *    pole up (tests/test_policies.c measures how often).
 *  - pid:field=COMB,setpoint=S[,kp=..][,ki=..][,kd=..][,limit=L][,bias=B]:
 *    error e = S - value; integral I = clamp(I + e, -L, L) (anti-windup,
 *    default L unbounded); derivative d = e - e_prev (0 on an episode's
 *    first step); output u = B + kp e + ki I + kd d, one step = one time
 *    unit.  Box actions: u clipped to [low, high]; discrete actions: u
 *    thresholded to the nearest action, floor(u + 1/2) clamped to
 *    [0, n - 1] (two actions: on when u >= 1/2).  I and e_prev are kept
 *    per env in the batch (so results do not depend on threads or block
 *    size) and cleared when an episode ends.
 *  - periodic:W: W steps on, then W steps off, by the batch clock
 *    ((clock / W) mod 2 == 0), as the JAX original's periodic agent: a
 *    period of 2W steps.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "policy.h"

struct myr__policy_state {
  int64_t num_envs;
  double* integral;   /* pid integral of the error (n) */
  double* prev_error; /* previous error, NaN on an episode's first step (n) */
  int valid;          /* the fields below describe where memory left off */
  myr__policy policy;
  uint64_t seed;
  uint32_t epoch;
  uint64_t clock;
};

/* ------------------------------------------------------------ parsing */

/* parse a finite number spanning [v, end) */
static int parse_value(const char* v, const char* end, double* out) {
  char buf[64];
  char* stop = NULL;
  size_t len = (size_t)(end - v);
  if (len == 0 || len >= sizeof buf) return -1;
  memcpy(buf, v, len);
  buf[len] = '\0';
  errno = 0;
  *out = strtod(buf, &stop);
  if (stop == buf || *stop != '\0' || errno == ERANGE || !isfinite(*out))
    return -1;
  return 0;
}

static int find_field(const myr_env_info* env, const char* name, size_t len) {
  int32_t i;
  for (i = 0; i < env->num_fields; ++i)
    if (strlen(env->fields[i].name) == len &&
        strncmp(env->fields[i].name, name, len) == 0)
      return i;
  return -1;
}

/* The value of key 'field' spanning [v, end): a linear combination of
 * state fields, terms "[coef*]name" joined by '+' or '-' (a leading sign
 * is allowed), e.g. "theta+0.5*theta_dot-0.01*x".  A coefficient is a
 * finite number (exponents such as 1e-3 allowed) followed by '*'. */
static int parse_combination(const myr_env_info* env, const char* spec,
                             const char* v, const char* end, myr__policy* p) {
  const char* cur = v;
  int32_t n = 0;
  if (v == end)
    return myr__fail(MYR_EINVAL, "policy '%s': key 'field' is empty", spec);
  while (cur < end) {
    const char* t0 = cur; /* the term, with its sign, for messages */
    const char* name;
    const char* stop;
    const char* star;
    double sign = 1.0, coef = 1.0;
    int f;
    if (*cur == '+' || *cur == '-') {
      sign = *cur == '-' ? -1.0 : 1.0;
      ++cur;
    }
    /* the term ends at the next '+' or '-' that does not follow an
     * exponent marker of a coefficient (1e-3*x) */
    star = NULL;
    for (stop = cur; stop < end; ++stop) {
      if (*stop == '*' && star == NULL) star = stop;
      if ((*stop == '+' || *stop == '-') &&
          !(star == NULL && stop > cur &&
            (stop[-1] == 'e' || stop[-1] == 'E') && stop - 1 > cur &&
            ((stop[-2] >= '0' && stop[-2] <= '9') || stop[-2] == '.')))
        break;
    }
    if (stop == cur)
      return myr__fail(MYR_EINVAL,
                       "policy '%s': key 'field': empty term after '%.*s'",
                       spec, (int)(cur - v), v);
    if (n == MYR__POLICY_TERMS)
      return myr__fail(MYR_EINVAL,
                       "policy '%s': key 'field': more than %d terms at "
                       "'%.*s'", spec, MYR__POLICY_TERMS, (int)(stop - t0),
                       t0);
    name = cur;
    if (star != NULL) {
      if (parse_value(cur, star, &coef) != 0)
        return myr__fail(MYR_EINVAL,
                         "policy '%s': key 'field': bad coefficient in term "
                         "'%.*s' (want NUMBER*FIELD)", spec,
                         (int)(stop - t0), t0);
      name = star + 1;
    }
    f = find_field(env, name, (size_t)(stop - name));
    if (f < 0)
      return myr__fail(MYR_EINVAL,
                       "policy '%s': key 'field': term '%.*s': '%.*s' is not "
                       "a state field of '%s' (see 'myriad envs')", spec,
                       (int)(stop - t0), t0, (int)(stop - name), name,
                       env->id);
    p->term_field[n] = f;
    p->term_coef[n] = sign * coef;
    ++n;
    cur = stop;
  }
  p->num_terms = n;
  p->field = p->term_field[0];
  return MYR_OK;
}

/* "key=value,key=value" after "bangbang:" or "pid:" */
static int parse_keys(const myr_env_info* env, const char* spec,
                      const char* args, myr__policy* p) {
  int pid = p->kind == MYR__POLICY_PID;
  const char* keys = pid ? "field, setpoint, kp, ki, kd, limit, bias"
                         : "field, setpoint, invert";
  const char* cur = args;
  int have_field = 0, have_setpoint = 0;
  while (*cur != '\0') {
    const char* comma = strchr(cur, ',');
    const char* end = comma ? comma : cur + strlen(cur);
    const char* eq = memchr(cur, '=', (size_t)(end - cur));
    size_t klen = eq ? (size_t)(eq - cur) : (size_t)(end - cur);
    double v = 0.0;
    int is_num = 0;
#define KEY(name) (klen == strlen(name) && strncmp(cur, name, klen) == 0)
    if (eq == NULL)
      return myr__fail(MYR_EINVAL, "policy '%s': '%.*s' is not key=value",
                       spec, (int)klen, cur);
    if (!KEY("field")) {
      if (parse_value(eq + 1, end, &v) != 0) {
        if (KEY("setpoint") || KEY("invert") ||
            (pid && (KEY("kp") || KEY("ki") || KEY("kd") || KEY("limit") ||
                     KEY("bias"))))
          return myr__fail(MYR_EINVAL,
                           "policy '%s': bad value '%.*s' for key '%.*s' "
                           "(want a finite number)", spec,
                           (int)(end - eq - 1), eq + 1, (int)klen, cur);
      } else {
        is_num = 1;
      }
    }
    if (KEY("field")) {
      int rc = parse_combination(env, spec, eq + 1, end, p);
      if (rc != MYR_OK) return rc;
      have_field = 1;
    } else if (KEY("setpoint") && is_num) {
      p->setpoint = v;
      have_setpoint = 1;
    } else if (!pid && KEY("invert") && is_num) {
      if (v != 0.0 && v != 1.0)
        return myr__fail(MYR_EINVAL,
                         "policy '%s': key 'invert' must be 0 or 1", spec);
      p->invert = (int32_t)v;
    } else if (pid && KEY("kp") && is_num) {
      p->kp = v;
    } else if (pid && KEY("ki") && is_num) {
      p->ki = v;
    } else if (pid && KEY("kd") && is_num) {
      p->kd = v;
    } else if (pid && KEY("limit") && is_num) {
      if (v < 0.0)
        return myr__fail(MYR_EINVAL,
                         "policy '%s': key 'limit' must be >= 0", spec);
      p->limit = v;
    } else if (pid && KEY("bias") && is_num) {
      p->bias = v;
    } else {
      return myr__fail(MYR_EINVAL, "policy '%s': unknown key '%.*s' (%s)",
                       spec, (int)klen, cur, keys);
    }
#undef KEY
    cur = comma ? comma + 1 : end;
  }
  if (!have_field)
    return myr__fail(MYR_EINVAL,
                     "policy '%s' needs key 'field' (a state field of '%s')",
                     spec, env->id);
  if (pid && !have_setpoint)
    return myr__fail(MYR_EINVAL, "policy '%s' needs key 'setpoint'", spec);
  return MYR_OK;
}

int myr__policy_parse(const myr_env_info* env, const char* spec,
                      myr__policy* out) {
  myr__policy p;
  memset(&p, 0, sizeof p);
  if (env == NULL || spec == NULL || out == NULL)
    return myr__fail(MYR_EINVAL, "policy spec is NULL");
  if (strcmp(spec, "random") == 0) {
    p.kind = MYR__POLICY_RANDOM;
  } else if (strncmp(spec, "constant:", 9) == 0) {
    const char* v = spec + 9;
    char* end = NULL;
    double a;
    errno = 0;
    a = strtod(v, &end);
    if (end == v || *end != '\0' || errno == ERANGE || !isfinite(a))
      return myr__fail(MYR_EINVAL, "bad constant action in policy '%s'", spec);
    p.kind = MYR__POLICY_CONSTANT;
    if (env->action_space.kind == MYR_SPACE_DISCRETE) {
      if (a != floor(a) || a < 0 || a >= env->action_space.n)
        return myr__fail(MYR_EINVAL,
                         "constant action %s is outside the action space "
                         "{0..%d} of '%s'", v, (int)env->action_space.n - 1,
                         env->id);
      p.action = (int32_t)a;
    } else {
      if (a < (double)env->action_space.low || a > (double)env->action_space.high)
        return myr__fail(MYR_EINVAL,
                         "constant action %s is outside [%g, %g] of '%s'", v,
                         (double)env->action_space.low,
                         (double)env->action_space.high, env->id);
      p.value = (float)a;
    }
  } else if (strcmp(spec, "bangbang") == 0 || strcmp(spec, "pid") == 0) {
    return myr__fail(MYR_EINVAL, "policy '%s' needs key 'field' (e.g. "
                     "'%s:field=NAME,setpoint=S')", spec, spec);
  } else if (strncmp(spec, "bangbang:", 9) == 0 ||
             strncmp(spec, "pid:", 4) == 0) {
    int rc;
    int pid = spec[0] == 'p';
    p.kind = pid ? MYR__POLICY_PID : MYR__POLICY_BANGBANG;
    p.limit = (double)INFINITY;
    if ((rc = parse_keys(env, spec, spec + (pid ? 4 : 9), &p)) != MYR_OK)
      return rc;
  } else if (strncmp(spec, "periodic:", 9) == 0) {
    double w;
    const char* v = spec + 9;
    if (parse_value(v, v + strlen(v), &w) != 0 || w != floor(w) || w < 1.0 ||
        w > 1e15)
      return myr__fail(MYR_EINVAL,
                       "policy '%s': the period must be a whole number of "
                       "steps >= 1", spec);
    p.kind = MYR__POLICY_PERIODIC;
    p.period = (int64_t)w;
  } else {
    return myr__fail(MYR_EINVAL,
                     "unknown policy '%s' (random, constant:<a>, "
                     "bangbang:field=F[,setpoint=S][,invert=1], "
                     "pid:field=F,setpoint=S[,kp=..,ki=..,kd=..,limit=..,"
                     "bias=..], periodic:<steps on, then off>)", spec);
  }
  *out = p;
  return MYR_OK;
}

int myr_policy_check(const myr_env_info* env, const char* spec) {
  myr__policy p;
  return myr__policy_parse(env, spec, &p);
}

static int batch_random_actions(const myr_batch* b, void* actions) {
  const myr_space* sp;
  int64_t i;
  if (b == NULL || actions == NULL)
    return myr__fail(MYR_EINVAL, "batch or actions is NULL");
  sp = &b->cls->info.action_space;
  for (i = 0; i < b->v.num_envs; ++i) {
    uint32_t env = (uint32_t)(b->v.env_offset + i);
    if (sp->kind == MYR_SPACE_DISCRETE) {
      ((int32_t*)actions)[i] =
          myr__random_discrete(b->v.seed, env, b->clock, sp->n);
    } else {
      int32_t d;
      for (d = 0; d < sp->n; ++d)
        ((float*)actions)[i * sp->n + d] =
            myr__random_box(b->v.seed, env, b->clock, d, sp->low, sp->high);
    }
  }
  return MYR_OK;
}

/* ------------------------------------------------------------ closed loop */

void myr__policy_state_free(myr__policy_state* s) {
  if (s == NULL) return;
  myr__free_aligned(s->integral);
  myr__free(s);
}

static int same_policy(const myr__policy* a, const myr__policy* b) {
  int32_t j;
  if (a->num_terms != b->num_terms) return 0;
  for (j = 0; j < a->num_terms; ++j)
    if (a->term_field[j] != b->term_field[j] ||
        a->term_coef[j] != b->term_coef[j])
      return 0;
  return a->kind == b->kind && a->field == b->field &&
         a->setpoint == b->setpoint && a->kp == b->kp && a->ki == b->ki &&
         a->kd == b->kd && a->limit == b->limit && a->bias == b->bias;
}

int myr__policy_begin(myr_batch* b, const myr__policy* p) {
  myr__policy_state* s = b->policy_state;
  int64_t i;
  if (p->kind != MYR__POLICY_PID) return MYR_OK;
  if (s == NULL) {
    s = (myr__policy_state*)myr__alloc(sizeof *s);
    if (s == NULL) return myr__fail(MYR_ENOMEM, "out of memory (pid state)");
    memset(s, 0, sizeof *s);
    s->integral =
        (double*)myr__alloc_aligned(2 * sizeof(double) * (size_t)b->v.num_envs);
    if (s->integral == NULL) {
      myr__free(s);
      return myr__fail(MYR_ENOMEM, "out of memory (pid state of %lld envs)",
                       (long long)b->v.num_envs);
    }
    s->prev_error = s->integral + b->v.num_envs;
    s->num_envs = b->v.num_envs;
    b->policy_state = s;
  }
  if (s->valid && same_policy(&s->policy, p) && s->seed == b->v.seed &&
      s->epoch == b->v.epoch && s->clock == b->clock)
    return MYR_OK;
  for (i = 0; i < b->v.num_envs; ++i) {
    s->integral[i] = 0.0;
    s->prev_error[i] = (double)NAN;
  }
  s->valid = 0;
  return MYR_OK;
}

void myr__policy_end(myr_batch* b, const myr__policy* p) {
  myr__policy_state* s = b->policy_state;
  if (p->kind != MYR__POLICY_PID || s == NULL) return;
  s->valid = 1;
  s->policy = *p;
  s->seed = b->v.seed;
  s->epoch = b->v.epoch;
  s->clock = b->clock;
}

/* write "on" (1) or "off" (0) as an action of env k */
static void put_switch(const myr_space* sp, void* act, int64_t k, int on) {
  if (sp->kind == MYR_SPACE_DISCRETE) {
    ((int32_t*)act)[k] = on ? sp->n - 1 : 0;
  } else {
    int32_t d;
    for (d = 0; d < sp->n; ++d)
      ((float*)act)[k * sp->n + d] = on ? sp->high : sp->low;
  }
}

/* the value a closed-loop policy reads for envs [begin, end) into out:
 * one field, or sum_j coef_j * field_j accumulated term by term in the
 * order written (the same for any thread count or block size) */
#define TERM_BLOCK 64

static void read_value(const myr_batch* b, const myr__policy* p,
                       int64_t begin, int64_t end, double* out) {
  double tmp[TERM_BLOCK];
  int64_t s0, k;
  int32_t j;
  if (p->num_terms == 1 && p->term_coef[0] == 1.0) {
    myr__get_field(b, p->term_field[0], begin, end, out);
    return;
  }
  for (s0 = begin; s0 < end; s0 += TERM_BLOCK) {
    int64_t s1 = end - s0 < TERM_BLOCK ? end : s0 + TERM_BLOCK;
    double* o = out + (s0 - begin);
    for (j = 0; j < p->num_terms; ++j) {
      double c = p->term_coef[j];
      myr__get_field(b, p->term_field[j], s0, s1, tmp);
      if (j == 0)
        for (k = 0; k < s1 - s0; ++k) o[k] = c * tmp[k];
      else
        for (k = 0; k < s1 - s0; ++k) o[k] += c * tmp[k];
    }
  }
}

void myr__policy_act(myr_batch* b, const myr__policy* p, int64_t begin,
                     int64_t end, uint64_t clock, double* field, void* act) {
  const myr_space* sp = &b->cls->info.action_space;
  int64_t n = end - begin, k;
  if (p->kind == MYR__POLICY_PERIODIC) {
    int on = (clock / (uint64_t)p->period) % 2u == 0u;
    for (k = 0; k < n; ++k) put_switch(sp, act, k, on);
    return;
  }
  read_value(b, p, begin, end, field);
  if (p->kind == MYR__POLICY_BANGBANG) {
    for (k = 0; k < n; ++k) {
      int on = field[k] > p->setpoint;
      put_switch(sp, act, k, p->invert ? !on : on);
    }
    return;
  }
  /* pid */
  {
    myr__policy_state* s = b->policy_state;
    double* integral = s->integral + begin;
    double* prev = s->prev_error + begin;
    for (k = 0; k < n; ++k) {
      double e = p->setpoint - field[k];
      double in = integral[k] + e;
      double d = isnan(prev[k]) ? 0.0 : e - prev[k];
      double u;
      in = in > p->limit ? p->limit : (in < -p->limit ? -p->limit : in);
      integral[k] = in;
      prev[k] = e;
      u = p->bias + p->kp * e + p->ki * in + p->kd * d;
      if (b->v.autoreset == MYR_AUTORESET_NEXT_STEP && b->pending[begin + k]) {
        /* this step resets the env and ignores the action: the next
         * episode starts with clean memory */
        integral[k] = 0.0;
        prev[k] = (double)NAN;
      }
      if (sp->kind == MYR_SPACE_DISCRETE) {
        double a = floor(u + 0.5);
        int32_t ai = !(a > 0.0) ? 0 : a >= (double)(sp->n - 1)
                                           ? sp->n - 1
                                           : (int32_t)a;
        ((int32_t*)act)[k] = ai;
      } else {
        float uf = !(u > (double)sp->low)
                       ? sp->low
                       : (u > (double)sp->high ? sp->high : (float)u);
        int32_t dd;
        for (dd = 0; dd < sp->n; ++dd) ((float*)act)[k * sp->n + dd] = uf;
      }
    }
  }
}

void myr__policy_after_step(myr_batch* b, const myr__policy* p, int64_t begin,
                            int64_t end, const uint8_t* terminated,
                            const uint8_t* truncated) {
  myr__policy_state* s = b->policy_state;
  int64_t k;
  if (p->kind != MYR__POLICY_PID) return;
  for (k = 0; k < end - begin; ++k)
    if (terminated[k] | truncated[k]) {
      s->integral[begin + k] = 0.0;
      s->prev_error[begin + k] = (double)NAN;
    }
}

int myr_batch_random_actions(const myr_batch* b, void* actions) {
  MYR__GUARDED(b, batch_random_actions(b, actions));
}
