/*
 * model.c -- myr_model: lifetime, lookup, the env options (from
 * myr_model_opts, then the sidecar file, then the defaults) and the
 * checks that make a loaded model safe to simulate (model.h lists them).
 *
 * The sidecar is the file next to the model with the extension .myriad:
 * lines "key = value", '#' starts a comment; keys input, input_levels,
 * input_max, observe, dt, horizon, cap, reward, target (as in
 * myr_model_opts).  An unknown key or a bad value is an error naming the
 * file, line and key.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* ------------------------------------------------------------ lifetime */

int myr__model_new(int32_t reactions, int32_t ops, myr_model** out) {
  myr_model* m = (myr_model*)myr__alloc(sizeof *m);
  size_t r = (size_t)(reactions > 0 ? reactions : 1);
  size_t o = (size_t)(ops > 0 ? ops : 1);
  *out = NULL;
  if (m == NULL) return myr__fail(MYR_ENOMEM, "out of memory (model)");
  memset(m, 0, sizeof *m);
  m->start = (int32_t*)myr__alloc(sizeof(int32_t) * (r + 1));
  m->ops = (myr__op*)myr__alloc(sizeof(myr__op) * o);
  m->need = (int32_t*)myr__alloc(sizeof(int32_t) * r * MYR__NET_SPECIES_MAX);
  m->delta = (int32_t*)myr__alloc(sizeof(int32_t) * r * MYR__NET_SPECIES_MAX);
  if (m->start == NULL || m->ops == NULL || m->need == NULL || m->delta == NULL) {
    myr_model_destroy(m);
    return myr__fail(MYR_ENOMEM, "out of memory (model)");
  }
  memset(m->start, 0, sizeof(int32_t) * (r + 1));
  memset(m->need, 0, sizeof(int32_t) * r * MYR__NET_SPECIES_MAX);
  memset(m->delta, 0, sizeof(int32_t) * r * MYR__NET_SPECIES_MAX);
  m->input = -1;
  m->reward = -1;
  *out = m;
  return MYR_OK;
}

void myr_model_destroy(myr_model* m) {
  if (m == NULL) return;
  myr__free(m->start);
  myr__free(m->ops);
  myr__free(m->need);
  myr__free(m->delta);
  myr__free(m);
}

int myr__model_copy(const myr_model* m, myr_model** out) {
  myr_model* c;
  int rc = myr__model_new(m->num_reactions, m->num_ops, &c);
  size_t r = (size_t)m->num_reactions;
  if (rc != MYR_OK) return rc;
  {
    int32_t* start = c->start;
    myr__op* ops = c->ops;
    int32_t* need = c->need;
    int32_t* delta = c->delta;
    *c = *m;
    c->start = start;
    c->ops = ops;
    c->need = need;
    c->delta = delta;
  }
  memcpy(c->start, m->start, sizeof(int32_t) * (r + 1));
  memcpy(c->ops, m->ops, sizeof(myr__op) * (size_t)m->num_ops);
  memcpy(c->need, m->need, sizeof(int32_t) * r * MYR__NET_SPECIES_MAX);
  memcpy(c->delta, m->delta, sizeof(int32_t) * r * MYR__NET_SPECIES_MAX);
  *out = c;
  return MYR_OK;
}

const char* myr_model_name(const myr_model* m) { return m ? m->name : ""; }

int32_t myr__model_species(const myr_model* m, const char* name) {
  int32_t s;
  for (s = 0; s < m->num_species; ++s)
    if (strcmp(m->species[s], name) == 0) return s;
  return -1;
}

int32_t myr__model_param(const myr_model* m, const char* name) {
  int32_t k;
  for (k = 0; k < m->num_params; ++k)
    if (strcmp(m->params[k], name) == 0) return k;
  return -1;
}

myr_model_opts myr_model_opts_default(void) {
  myr_model_opts o;
  memset(&o, 0, sizeof o);
  return o;
}

/* ------------------------------------------------------------ programs */

int myr__model_check_program(const myr_model* m, int32_t j) {
  int32_t k, sp = 0;
  for (k = m->start[j]; k < m->start[j + 1]; ++k) {
    const myr__op* op = &m->ops[k];
    int pops, pushes = 1;
    switch (op->code) {
      case MYR__OP_CONST: pops = 0; break;
      case MYR__OP_SPECIES:
        pops = 0;
        if (op->arg < 0 || op->arg >= m->num_species) return -1;
        break;
      case MYR__OP_PARAM:
        pops = 0;
        if (op->arg < 0 || op->arg >= m->num_params) return -1;
        break;
      case MYR__OP_ADD: case MYR__OP_SUB: case MYR__OP_MUL: case MYR__OP_DIV:
      case MYR__OP_POW: case MYR__OP_MIN: case MYR__OP_MAX: pops = 2; break;
      case MYR__OP_NEG: case MYR__OP_EXP: case MYR__OP_LN: case MYR__OP_LOG10:
      case MYR__OP_SQRT: case MYR__OP_ABS: case MYR__OP_FLOOR:
      case MYR__OP_CEIL: pops = 1; break;
      default: return -1;
    }
    if (sp < pops) return -1;
    sp += pushes - pops;
    if (sp > MYR__NET_STACK) return -1;
  }
  return sp == 1 ? 0 : -1;
}

/* ------------------------------------------------------------ options */

/* the option values as text (each NULL: not given) */
typedef struct opt_text {
  char input[MYR__NET_NAME + 1], levels[32], input_max[64], observe[1024],
      dt[64], horizon[32], cap[32], reward[MYR__NET_NAME + 1], target[64],
      space[32];
  int has_space, has_input, has_levels, has_input_max, has_observe, has_dt, has_horizon,
      has_cap, has_reward, has_target;
} opt_text;

static char* trim(char* s) {
  char* e;
  while (isspace((unsigned char)*s)) ++s;
  e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
  return s;
}

#define SET_TEXT(t, field, v)                                   \
  do {                                                          \
    snprintf((t)->field, sizeof (t)->field, "%s", (v));         \
    (t)->has_##field = 1;                                       \
  } while (0)

/* the sidecar's keys into t where opts left them unset (opts win) */
static int read_sidecar(const char* path, opt_text* t, const opt_text* given) {
  FILE* f = fopen(path, "r");
  char line[1200];
  int lineno = 0;
  if (f == NULL)
    return myr__fail(MYR_EINVAL, "cannot read the sidecar '%s': %s", path,
                     strerror(errno));
  while (fgets(line, sizeof line, f) != NULL) {
    char *k, *v, *eq, *hash = strchr(line, '#');
    ++lineno;
    if (hash != NULL) *hash = '\0';
    k = trim(line);
    if (*k == '\0') continue;
    if ((eq = strchr(k, '=')) == NULL) {
      fclose(f);
      return myr__fail(MYR_EINVAL, "%s:%d: expected 'key = value'", path, lineno);
    }
    *eq = '\0';
    v = trim(eq + 1);
    k = trim(k);
#define KEY(name, field)                                \
    if (strcmp(k, name) == 0) {                         \
      if (!given->has_##field) SET_TEXT(t, field, v);   \
      continue;                                         \
    }
    KEY("input", input) KEY("input_levels", levels) KEY("input_max", input_max)
    KEY("observe", observe) KEY("dt", dt) KEY("horizon", horizon)
    KEY("cap", cap) KEY("reward", reward) KEY("target", target)
    KEY("input_space", space)
#undef KEY
    fclose(f);
    return myr__fail(MYR_EINVAL,
                     "%s:%d: unknown key '%s' (input, input_levels, input_max, "
                     "input_space, observe, dt, horizon, cap, reward, target)",
                     path, lineno, k);
  }
  fclose(f);
  return MYR_OK;
}

static int parse_real(const char* what, const char* v, double lo, double hi,
                      double* out) {
  char* end = NULL;
  double d;
  errno = 0;
  d = strtod(v, &end);
  if (end == v || *trim(end) != '\0' || !isfinite(d) || d < lo || d > hi)
    return myr__fail(MYR_EINVAL, "bad %s '%s' (want a number in [%g, %g])", what,
                     v, lo, hi);
  *out = d;
  return MYR_OK;
}

static int parse_int(const char* what, const char* v, double lo, double hi,
                     int32_t* out) {
  double d = 0.0;
  int rc = parse_real(what, v, lo, hi, &d);
  if (rc != MYR_OK) return rc;
  if (d != floor(d))
    return myr__fail(MYR_EINVAL, "bad %s '%s' (want a whole number)", what, v);
  *out = (int32_t)d;
  return MYR_OK;
}

static int list_species(const myr_model* m, char* buf, size_t size) {
  int32_t s;
  size_t used = 0;
  buf[0] = '\0';
  for (s = 0; s < m->num_species && used < size; ++s)
    used += (size_t)snprintf(buf + used, size - used, "%s%s", s ? ", " : "",
                             m->species[s]);
  return 0;
}

/* The input names species s: a species no reaction changes (a boundary
 * or constant species, or one no reaction produces or consumes) becomes
 * a global parameter of the same name, set by the action and held for the
 * step: its count in every kinetic law reads the input, and it leaves the
 * state.  Refused where a reaction changes it or has it as a reactant
 * (the direct method would have to check its count against the
 * stoichiometry; a species that only acts belongs among the modifiers). */
static int input_species(myr_model* m, int32_t s) {
  const int32_t S = m->num_species;
  int32_t j, k, q;
  for (j = 0; j < m->num_reactions; ++j) {
    if (m->delta[j * MYR__NET_SPECIES_MAX + s] != 0)
      return myr__fail(MYR_EINVAL, "input: species '%s' is changed by reaction "
                       "%d of model '%s' (an input species must be a boundary "
                       "or constant species, or one no reaction changes)",
                       m->species[s], (int)j + 1, m->name);
    if (m->need[j * MYR__NET_SPECIES_MAX + s] != 0)
      return myr__fail(MYR_EINVAL, "input: species '%s' is a reactant of reaction "
                       "%d of model '%s' (make it a boundary species or a "
                       "modifier to use it as the input)",
                       m->species[s], (int)j + 1, m->name);
  }
  if (S < 2)
    return myr__fail(MYR_EINVAL, "input: species '%s' is the only species of "
                     "model '%s'", m->species[s], m->name);
  if (m->num_params >= MYR__NET_PARAMS_MAX)
    return myr__fail(MYR_EINVAL, "input: model '%s' has %d parameters, no room "
                     "for species '%s' as one", m->name, (int)m->num_params,
                     m->species[s]);
  q = m->num_params++;
  memcpy(m->params[q], m->species[s], sizeof m->params[q]);
  m->param_value[q] = (double)m->init[s];
  for (k = 0; k < m->num_ops; ++k) {
    myr__op* o = &m->ops[k];
    if (o->code != MYR__OP_SPECIES) continue;
    if (o->arg == s) {
      o->code = MYR__OP_PARAM;
      o->arg = q;
    } else if (o->arg > s) {
      o->arg -= 1;
    }
  }
  for (j = 0; j < m->num_reactions; ++j) {
    int32_t* need = m->need + j * MYR__NET_SPECIES_MAX;
    int32_t* delta = m->delta + j * MYR__NET_SPECIES_MAX;
    for (k = s; k + 1 < S; ++k) {
      need[k] = need[k + 1];
      delta[k] = delta[k + 1];
    }
    need[S - 1] = 0;
    delta[S - 1] = 0;
  }
  for (k = s; k + 1 < S; ++k) {
    memcpy(m->species[k], m->species[k + 1], sizeof m->species[k]);
    m->init[k] = m->init[k + 1];
  }
  m->num_species = S - 1;
  return MYR_OK;
}

/* "A, B/80": observed species and scales */
static int parse_observe(myr_model* m, const char* text) {
  char buf[1024], names[512];
  char* p;
  char* save = NULL;
  snprintf(buf, sizeof buf, "%s", text);
  m->num_obs = 0;
  for (p = strtok_r(buf, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save)) {
    char* name = trim(p);
    char* slash = strchr(name, '/');
    double scale = 1.0;
    int32_t s;
    int rc;
    if (slash != NULL) {
      *slash = '\0';
      if ((rc = parse_real("observation scale", trim(slash + 1), 1e-300, 1e300,
                           &scale)) != MYR_OK)
        return rc;
      name = trim(name);
    }
    if ((s = myr__model_species(m, name)) < 0) {
      list_species(m, names, sizeof names);
      return myr__fail(MYR_EINVAL, "observe: no species '%s' in model '%s' "
                       "(species: %s)", name, m->name, names);
    }
    if (m->num_obs >= MYR__NET_SPECIES_MAX)
      return myr__fail(MYR_EINVAL, "observe: more than %d entries",
                       MYR__NET_SPECIES_MAX);
    m->obs[m->num_obs] = s;
    m->obs_scale[m->num_obs] = scale;
    m->num_obs++;
  }
  if (m->num_obs == 0)
    return myr__fail(MYR_EINVAL, "observe: no species named in '%s'", text);
  return MYR_OK;
}

int myr__model_finish(myr_model* m, const myr_model_opts* opts_in,
                      const char* sidecar) {
  myr_model_opts opts = opts_in ? *opts_in : myr_model_opts_default();
  opt_text given, t;
  char names[512];
  int32_t j, s, k;
  int rc;

  /* the model itself */
  if (m->num_species < 1)
    return myr__fail(MYR_EINVAL, "model '%s' has no species", m->name);
  if (m->num_reactions < 1)
    return myr__fail(MYR_EINVAL, "model '%s' has no reactions", m->name);
  for (s = 0; s < m->num_species; ++s) {
    if (m->init[s] < 0 || m->init[s] > MYR_COUNT_MAX)
      return myr__fail(MYR_EINVAL, "species '%s': initial count %d outside "
                       "[0, %d]", m->species[s], (int)m->init[s], MYR_COUNT_MAX);
    for (k = 0; k < s; ++k)
      if (strcmp(m->species[k], m->species[s]) == 0)
        return myr__fail(MYR_EINVAL, "species '%s' defined twice", m->species[s]);
    if (myr__model_param(m, m->species[s]) >= 0)
      return myr__fail(MYR_EINVAL, "'%s' names both a species and a parameter",
                       m->species[s]);
  }
  for (j = 0; j < m->num_reactions; ++j)
    if (myr__model_check_program(m, j) != 0)
      return myr__fail(MYR_EINVAL, "reaction %d of model '%s': malformed "
                       "propensity program", (int)j, m->name);

  /* options: given ones, then the sidecar's, then defaults */
  memset(&given, 0, sizeof given);
  if (opts.input != NULL) SET_TEXT(&given, input, opts.input);
  if (opts.input_levels != 0) {
    snprintf(given.levels, sizeof given.levels, "%d", (int)opts.input_levels);
    given.has_levels = 1;
  }
  if (opts.input_max != 0.0) {
    snprintf(given.input_max, sizeof given.input_max, "%.17g", opts.input_max);
    given.has_input_max = 1;
  }
  if (opts.observe != NULL) SET_TEXT(&given, observe, opts.observe);
  if (opts.input_space != NULL) SET_TEXT(&given, space, opts.input_space);
  if (opts.dt != 0.0) {
    snprintf(given.dt, sizeof given.dt, "%.17g", opts.dt);
    given.has_dt = 1;
  }
  if (opts.horizon != 0) {
    snprintf(given.horizon, sizeof given.horizon, "%d", (int)opts.horizon);
    given.has_horizon = 1;
  }
  if (opts.cap != 0) {
    snprintf(given.cap, sizeof given.cap, "%d", (int)opts.cap);
    given.has_cap = 1;
  }
  if (opts.reward != NULL) SET_TEXT(&given, reward, opts.reward);
  if (opts.target != 0.0) {
    snprintf(given.target, sizeof given.target, "%.17g", opts.target);
    given.has_target = 1;
  }
  t = given;
  if (sidecar != NULL && (rc = read_sidecar(sidecar, &t, &given)) != MYR_OK)
    return rc;

  m->input = -1;
  if (t.has_input && t.input[0] != '\0') {
    if (myr__model_param(m, t.input) < 0 && myr__model_species(m, t.input) >= 0 &&
        (rc = input_species(m, myr__model_species(m, t.input))) != MYR_OK)
      return rc;
    if ((m->input = myr__model_param(m, t.input)) < 0)
      return myr__fail(MYR_EINVAL, "input: no global parameter or species '%s' "
                       "in model '%s'", t.input, m->name);
  }
  m->input_levels = 2;
  if (t.has_levels &&
      (rc = parse_int("input_levels", t.levels, 2, 1 << 20, &m->input_levels)) != MYR_OK)
    return rc;
  m->input_box = 0;
  if (t.has_space) {
    if (strcmp(t.space, "box") == 0) m->input_box = 1;
    else if (strcmp(t.space, "discrete") != 0)
      return myr__fail(MYR_EINVAL, "bad input_space '%s' (want discrete or box)",
                       t.space);
    if (m->input_box && m->input < 0)
      return myr__fail(MYR_EINVAL, "input_space box needs an input parameter "
                       "(input = NAME)");
  }
  m->input_max = 1.0;
  if (t.has_input_max &&
      (rc = parse_real("input_max", t.input_max, 1e-300, 1e300, &m->input_max)) != MYR_OK)
    return rc;
  if (t.has_observe && t.observe[0] != '\0') {
    if ((rc = parse_observe(m, t.observe)) != MYR_OK) return rc;
  } else {
    m->num_obs = m->num_species;
    for (s = 0; s < m->num_species; ++s) {
      m->obs[s] = s;
      m->obs_scale[s] = 1.0;
    }
  }
  m->dt = 1.0;
  if (t.has_dt && (rc = parse_real("dt", t.dt, 1e-12, 1e12, &m->dt)) != MYR_OK)
    return rc;
  m->horizon = 1000;
  if (t.has_horizon &&
      (rc = parse_int("horizon", t.horizon, 1, 2147483647.0, &m->horizon)) != MYR_OK)
    return rc;
  m->cap = 100000;
  if (t.has_cap && (rc = parse_int("cap", t.cap, 1, 1e9, &m->cap)) != MYR_OK)
    return rc;
  m->reward = -1;
  if (t.has_reward && t.reward[0] != '\0' &&
      (m->reward = myr__model_species(m, t.reward)) < 0) {
    list_species(m, names, sizeof names);
    return myr__fail(MYR_EINVAL, "reward: no species '%s' in model '%s' "
                     "(species: %s)", t.reward, m->name, names);
  }
  m->target = 0.0;
  if (t.has_target &&
      (rc = parse_real("target", t.target, 0.0, 1e12, &m->target)) != MYR_OK)
    return rc;
  return MYR_OK;
}

/* ------------------------------------------------------------ loading */

/* FILE.myriad next to FILE.xml (or FILE): its path in buf if it exists */
static const char* default_sidecar(const char* path, char* buf, size_t size) {
  const char* slash = strrchr(path, '/');
  const char* dot = strrchr(path, '.');
  size_t stem = dot != NULL && (slash == NULL || dot > slash)
                    ? (size_t)(dot - path) : strlen(path);
  FILE* f;
  if (stem + 8 >= size) return NULL;
  snprintf(buf, size, "%.*s.myriad", (int)stem, path);
  if ((f = fopen(buf, "r")) == NULL) return NULL;
  fclose(f);
  return buf;
}

static int load(const char* text, size_t len, int is_file,
                const myr_model_opts* opts, myr_model** out) {
  myr_model* m = NULL;
  char side[4096];
  const char* sidecar = NULL;
  int rc;
  if (out == NULL) return myr__fail(MYR_EINVAL, "output pointer is NULL");
  *out = NULL;
  if (text == NULL)
    return myr__fail(MYR_EINVAL, is_file ? "model path is NULL" : "model text is NULL");
  if (opts != NULL && opts->sidecar != NULL)
    sidecar = opts->sidecar[0] != '\0' ? opts->sidecar : NULL;
  else if (is_file)
    sidecar = default_sidecar(text, side, sizeof side);
  if ((rc = myr__sbml_read(text, len, is_file, &m)) != MYR_OK) return rc;
  if ((rc = myr__model_finish(m, opts, sidecar)) != MYR_OK) {
    myr_model_destroy(m);
    return rc;
  }
  *out = m;
  return MYR_OK;
}

int myr_model_load(const char* path, const myr_model_opts* opts,
                   myr_model** out) {
  return load(path, 0, 1, opts, out);
}

int myr_model_load_string(const char* text, size_t len,
                          const myr_model_opts* opts, myr_model** out) {
  return load(text, len, 0, opts, out);
}
