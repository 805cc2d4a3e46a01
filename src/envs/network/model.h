/*
 * model.h -- a reaction network as data (struct myr_model), its compiled
 * propensity programs, and the pieces the loaders (sbml.c) and the env
 * class (network.c) share.
 *
 * Invariants of a loaded model (checked by myr__model_finish before any
 * batch sees it):
 *  - 1 <= num_species <= MYR__NET_SPECIES_MAX, 1 <= num_reactions <=
 *    MYR__NET_REACTIONS_MAX, num_params <= MYR__NET_PARAMS_MAX; names are
 *    non-empty, unique among species and parameters, < MYR__NET_NAME bytes;
 *  - initial counts are in [0, MYR_COUNT_MAX];
 *  - reaction j's program is ops[start[j] .. start[j+1]): a stack program
 *    (postfix) that needs at most MYR__NET_STACK slots and leaves exactly
 *    one value, the propensity in reactions per model time unit; it reads
 *    species counts (as doubles; a concentration is compiled as count / V)
 *    and parameters by index, never anything else;
 *  - need[j][s] >= 0 is how many molecules of s reaction j consumes and
 *    delta[j][s] its net change of s (0 for boundary or constant species);
 *  - the options (input, observed species, dt, ...) name valid indices.
 * A model never changes after myr_model_load returns it.
 */
#ifndef MYR_ENVS_NETWORK_MODEL_H
#define MYR_ENVS_NETWORK_MODEL_H

#include <stdint.h>

#include "../../task/task.h"

/* species: columns are the species, then t, then the running return */
#define MYR__NET_SPECIES_MAX (MYR__COLS_MAX - 2)
#define MYR__NET_REACTIONS_MAX 256
#define MYR__NET_PARAMS_MAX 256
#define MYR__NET_OPS_MAX 65536
#define MYR__NET_STACK 32
#define MYR__NET_NAME 64

/* program operations; arg: species or parameter index (or lane slot) */
enum {
  MYR__OP_CONST = 0, /* push value */
  MYR__OP_SPECIES,   /* push count of species arg */
  MYR__OP_PARAM,     /* push parameter arg (a batch turns these into
                        CONST, or LANE for the input and per-env values) */
  MYR__OP_LANE,      /* push the lane's value of slot arg (batch only) */
  MYR__OP_ADD,
  MYR__OP_SUB,
  MYR__OP_MUL,
  MYR__OP_DIV,
  MYR__OP_POW,
  MYR__OP_NEG,
  MYR__OP_EXP,
  MYR__OP_LN,
  MYR__OP_LOG10,
  MYR__OP_SQRT,
  MYR__OP_ABS,
  MYR__OP_FLOOR,
  MYR__OP_CEIL,
  MYR__OP_MIN,
  MYR__OP_MAX,
  MYR__OP_COUNT
};

typedef struct myr__op {
  int32_t code;
  int32_t arg;
  double value;
} myr__op;

struct myr_model {
  char name[128];
  int32_t num_species;
  char species[MYR__NET_SPECIES_MAX][MYR__NET_NAME];
  int32_t init[MYR__NET_SPECIES_MAX];
  int32_t num_params;
  char params[MYR__NET_PARAMS_MAX][MYR__NET_NAME];
  double param_value[MYR__NET_PARAMS_MAX];
  int32_t num_reactions;
  int32_t num_ops;
  int32_t* start;   /* (num_reactions + 1) */
  myr__op* ops;     /* (num_ops) */
  int32_t* need;    /* (num_reactions x num_species) */
  int32_t* delta;   /* (num_reactions x num_species) */
  /* how the env uses the model */
  int32_t input;    /* parameter index, -1: none */
  int32_t input_levels;
  int32_t input_box;  /* 1: a Box action in [0, input_max] */
  double input_max;
  int32_t num_obs;
  int32_t obs[MYR__NET_SPECIES_MAX];
  double obs_scale[MYR__NET_SPECIES_MAX];
  double dt;
  int32_t horizon;
  int32_t cap;
  int32_t reward;   /* species index, -1: reward 0 */
  double target;
};

/* an empty model with room for `reactions` reactions and `ops` ops */
int myr__model_new(int32_t reactions, int32_t ops, myr_model** out);
/* a copy (the batch's own) */
int myr__model_copy(const myr_model* m, myr_model** out);
/* species / parameter index by name, -1 if none */
int32_t myr__model_species(const myr_model* m, const char* name);
int32_t myr__model_param(const myr_model* m, const char* name);
/* apply opts, then the sidecar (path, or none), then the defaults, and
 * check every invariant above; fails naming what is wrong */
int myr__model_finish(myr_model* m, const myr_model_opts* opts,
                      const char* sidecar);
/* check a program: stack depth, one result, valid indices */
int myr__model_check_program(const myr_model* m, int32_t j);

/* the SBML reader (sbml.c): text is a file path (is_file) or SBML text of
 * len bytes; on success *out is a model with species, parameters and
 * reactions, before myr__model_finish */
int myr__sbml_read(const char* text, size_t len, int is_file,
                   myr_model** out);

#endif /* MYR_ENVS_NETWORK_MODEL_H */
