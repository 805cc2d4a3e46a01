/*
 * network.c -- the reaction-network env class (id "reaction-network",
 * alias "sbml"): any reaction network given as data (myr_model: SBML
 * through myr_model_load, or the built-in birth-death model when a batch
 * is created without one), simulated by the exact Gillespie direct method.
 *
 * The class is made per batch: the template registered in env_list.h
 * describes the built-in model; myr_batch_create calls its build() with
 * the batch's def, which returns the batch's own class (fields = the
 * model's species then t, parameters = dt, cap, max_steps, target then the
 * model's global parameters but the input, as many as fit MYR_PARAMS_MAX)
 * holding a copy of the model; the batch frees it at destroy.
 *
 * Invariants:
 *  - per env: species counts in [0, MYR_COUNT_MAX], step counter t, the
 *    running return (hidden F64);
 *  - the SSA of env g in the step at clock c draws from one generator
 *    seeded by one Philox call (seed, g, c, MYR_STREAM_SSA), as the gene
 *    circuit does: one SplitMix64 output per reaction, low 32 bits -> u1 in
 *    (0, 1], 24 random bits (waiting time -ln(u1) / a0), high 32 bits ->
 *    u2 in [0, 1), 24 bits
 *    (reaction: the first j with u2 * a0 < a_0 + ... + a_j).  The
 *    trajectory of an env is a pure function of (seed, g, actions): the
 *    same for any thread count, block size or process layout;
 *  - exactness rules of the gene circuit: a reaction whose time falls past
 *    the step boundary is not applied (memorylessness makes discarding it
 *    exact); a0 == 0 ends the step with no event; the cumulative sums are
 *    computed once in one order and u2 * a0 < a0, so a reaction with
 *    propensity 0 is never chosen; at most `cap` reactions per env-step,
 *    and a reaction that would take a count past MYR_COUNT_MAX (or an
 *    infinite total propensity) ends the step the same way -- both are
 *    counted as cap hits; the episode truncates when a count reaches
 *    MYR_COUNT_MAX;
 *  - a propensity is the reaction's program evaluated in double and
 *    rounded to float32; sums, waiting times and the time left are
 *    float32 (the gene circuit's choice); a value that is negative or NaN
 *    counts as 0, and a reaction whose reactants are short (count <
 *    stoichiometry) has propensity 0, so counts never go negative;
 *  - a step never allocates: programs are compiled when the batch is made
 *    (shared parameters folded in as constants, the input and per-env
 *    parameters read from per-lane slots).
 *
 * The step runs LANES envs at a time: every iteration evaluates each
 * reaction's propensity for all lanes at once, then advances each lane by
 * one direct-method event; a lane whose env's step is over takes the next
 * env of the range.  Two ways compute an event, with the same bits:
 * generic_event(), one loop over the lanes per operation of each program
 * (vectorised by the compiler), for any model; and, where AVX-512 is
 * built in and every reaction is tabulated, c * X or per-group (at most
 * FAST_R reactions, FAST_S species), fast_event(), written in AVX-512 with
 * the lanes' values in registers, four vectors of 16 interleaved, whose
 * lanes refill from staged envs with expanding loads (ssa_fast).  A lane's
 * arithmetic never depends on the others, so grouping never changes a
 * result.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "../../task/passes.h"
#include "../ccasr/physics.h" /* myr_ccasr_rng_seed, myr_logf_fast */
#include "../ccasr/seeds.h"   /* myr__ssa_seeds */
#include "../../core/ssa16.h" /* the draws in AVX-512 */

/* the small-network kernel (fast_event) and its staged refill need
 * AVX-512 (F, DQ) and BMI2 */
#if defined(MYR_HAVE_SSA16) && defined(__BMI2__)
#  define MYR__NET_FAST 1
/* inlined into each specialisation, whose constants then fold in */
#  define INLINE MYR_WIDE static inline __attribute__((always_inline))
#endif

#define LANES 64
_Static_assert(LANES <= 64, "lane masks are 64-bit");
/* env-steps whose generators are seeded in one go, ahead of the lanes */
#define SEEDS 64
/* reactions the lane loop's cumulative table holds */
#define NET_REACTIONS MYR__NET_REACTIONS_MAX
/* counts 0 .. TABLE-1 of a tabulated propensity (a power of two) */
#define TABLE 1024
/* reactions up to which an event's changes are found by selects, not a
 * gather */
#define SELECT_MAX 16
/* reactions evaluated once per group (K_GROUP) at most */
#define GROUP_MAX 32
/* the small-network kernel (fast_event): reactions and species at most */
#define FAST_R 16
#define FAST_S 16
/* input levels up to which K_GROUP values are tabulated per level */
#define GTAB_LEVELS 64
/* the env's own parameters before the model's */
enum { P_DT, P_CAP, P_MAX_STEPS, P_TARGET, P_TABLES, P_OWN };
/* lane slots: the input, then per-env parameters */
#define SLOTS (MYR_PARAMS_MAX + 1)
/* a lane loop with a gather: GCC would unroll it into scalar loads before
 * the vectoriser sees it */
#if defined(__GNUC__) && !defined(__clang__)
#  define NO_UNROLL _Pragma("GCC unroll 1")
#else
#  define NO_UNROLL
#endif

/* how the step gets reaction j's propensity (all give the same doubles:
 * tables and per-group values are the program's own results) */
enum {
  K_PROGRAM = 0, /* evaluate the program every iteration */
  K_GROUP = 1,   /* reads no species: evaluated once per group and step */
  K_TABLE = 2,   /* reads one species and no lane slot: tabulated over
                    counts below TABLE, the program beyond */
  K_LINEAR = 3   /* a folded table whose program is c * X (c >= 0, X's
                    stoichiometry as a reactant at most 1): the same
                    double product, rounded, for every count */
};

/* ------------------------------------------------------------ the class */

typedef struct net_class {
  myr__env_class cls;
  myr_model* m;                               /* owned copy */
  myr_param_info params[MYR_PARAMS_MAX];
  int32_t param_model[MYR_PARAMS_MAX];        /* model parameter, -1: own */
  myr_field_info fields[2 * MYR__NET_SPECIES_MAX + 1];
  /* columns: the species (S), t (S), then, where 2 S + 2 columns fit, the
   * counts at each env's last episode end X_end (S + 1 ..), then the
   * running return (col_ret) */
  int32_t ends;
  int32_t col_ret;
  /* env parameters after the model's: the sine target, then init_<S> */
  int32_t p_amp, p_period;
  int32_t p_init[MYR__NET_SPECIES_MAX]; /* -1: not a parameter */
  char init_name[MYR__NET_SPECIES_MAX][MYR__NET_NAME + 8];
  char init_desc[MYR__NET_SPECIES_MAX][MYR__NET_NAME + 48];
  char end_name[MYR__NET_SPECIES_MAX][MYR__NET_NAME + 4];
  char end_desc[MYR__NET_SPECIES_MAX][MYR__NET_NAME + 48];
  uint8_t types[MYR__COLS_MAX];
  char desc[256], observation[512], reward[160];
  char field_desc[MYR__NET_SPECIES_MAX][MYR__NET_NAME + 32];
  char param_desc[MYR_PARAMS_MAX][MYR__NET_NAME + 32];
} net_class;

/* per batch: the values in force and the batch's programs */
typedef struct net_data {
  const myr_model* m;
  const net_class* nc;
  double dt;
  int32_t cap, max_steps;
  double target;
  double amp, period;    /* sine target: target + amp sin(2 pi t dt / period) */
  myr__op* ops;          /* m->num_ops, PARAM resolved to CONST / LANE */
  int32_t num_slots;     /* slot 0: the input (always present) */
  int32_t slot_param[SLOTS]; /* env parameter of slot k >= 1 */
  double input_scale;    /* input = action * input_scale */
  int32_t kind[NET_REACTIONS];
  int32_t tab_species[NET_REACTIONS]; /* K_TABLE: the species read */
  int32_t gslot[NET_REACTIONS];       /* K_GROUP: its row of group values */
  /* K_TABLE: its reactants are the table's species only, so the table
   * holds the final propensity (clamped at 0, 0 where reactants are
   * short) */
  int32_t folded[NET_REACTIONS];
  double lin[NET_REACTIONS];          /* K_LINEAR: c */
  /* K_GROUP values by input level (discrete input, no per-env
   * parameter, at most GTAB_LEVELS levels), else NULL: gtab[a * groups + g] */
  float* gtab;
  int32_t groups;
  int32_t fast;          /* fast_event() runs the events (no K_PROGRAM,
                            R <= FAST_R, S <= FAST_S, AVX-512) */
  int32_t fast_refill;   /* and lanes refill from staged envs (ssa_fast:
                            per-group values tabulated or none, so no
                            lane slot is read) */
  float* tab;            /* K_TABLE reactions: TABLE values each, at
                            tab + j * TABLE (unused rows for the others) */
  /* reactants of reaction j: rs_species/rs_need[rs_start[j] ..
   * rs_start[j+1]) */
  int32_t rs_start[NET_REACTIONS + 1];
  int32_t rs_species[NET_REACTIONS * MYR__NET_SPECIES_MAX];
  int32_t rs_need[NET_REACTIONS * MYR__NET_SPECIES_MAX];
  int32_t delta[NET_REACTIONS * MYR__NET_SPECIES_MAX]; /* m->delta */
} net_data;

/* ------------------------------------------------------------ lanes */

typedef struct lanes {
  _Alignas(64) double x[MYR__NET_SPECIES_MAX][LANES];  /* counts, for programs */
  int32_t xi[MYR__NET_SPECIES_MAX][LANES]; /* counts */
  int32_t dv[MYR__NET_SPECIES_MAX][LANES]; /* the chosen event's changes */
  double slot[SLOTS][LANES];
  float cum[NET_REACTIONS][LANES];
  double ad[LANES];   /* a program's result */
  float a[LANES];
  float rem[LANES];
  float r[LANES];
  float left[LANES];
  float a0[LANES];
  uint64_t rng[LANES];
  int32_t j[LANES];
  int32_t fire[LANES];
  int32_t over[LANES];
  int32_t n[LANES];
  int32_t act[LANES];
  int32_t hit[LANES];
  int32_t bad[LANES];  /* a propensity was negative or NaN this step */
  int32_t live[LANES]; /* the lane holds an env (act: its step goes on) */
  int64_t k[LANES];    /* its index in the range */
  float group[GROUP_MAX][LANES]; /* K_GROUP propensities of the lanes' envs */
} lanes;

/* reaction j's propensity for every lane into out */
MYR_WIDE static void eval(const myr__op* op, int32_t n, const lanes* L,
                          double* MYR_RESTRICT out) {
  double st[MYR__NET_STACK][LANES];
  int32_t k, l, sp = 0;
  for (k = 0; k < n; ++k) {
    const myr__op* o = &op[k];
    double* a = st[sp > 0 ? sp - 1 : 0];
    double* b = st[sp > 1 ? sp - 2 : 0];
    switch (o->code) {
      case MYR__OP_CONST:
        for (l = 0; l < LANES; ++l) st[sp][l] = o->value;
        sp++;
        break;
      case MYR__OP_SPECIES:
        for (l = 0; l < LANES; ++l) st[sp][l] = L->x[o->arg][l];
        sp++;
        break;
      case MYR__OP_LANE:
        for (l = 0; l < LANES; ++l) st[sp][l] = L->slot[o->arg][l];
        sp++;
        break;
      case MYR__OP_ADD: for (l = 0; l < LANES; ++l) b[l] += a[l]; sp--; break;
      case MYR__OP_SUB: for (l = 0; l < LANES; ++l) b[l] -= a[l]; sp--; break;
      case MYR__OP_MUL: for (l = 0; l < LANES; ++l) b[l] *= a[l]; sp--; break;
      case MYR__OP_DIV: for (l = 0; l < LANES; ++l) b[l] /= a[l]; sp--; break;
      case MYR__OP_POW:
        for (l = 0; l < LANES; ++l) b[l] = pow(b[l], a[l]);
        sp--;
        break;
      case MYR__OP_MIN:
        for (l = 0; l < LANES; ++l) b[l] = fmin(b[l], a[l]);
        sp--;
        break;
      case MYR__OP_MAX:
        for (l = 0; l < LANES; ++l) b[l] = fmax(b[l], a[l]);
        sp--;
        break;
      case MYR__OP_NEG: for (l = 0; l < LANES; ++l) a[l] = -a[l]; break;
      case MYR__OP_EXP: for (l = 0; l < LANES; ++l) a[l] = exp(a[l]); break;
      case MYR__OP_LN: for (l = 0; l < LANES; ++l) a[l] = log(a[l]); break;
      case MYR__OP_LOG10: for (l = 0; l < LANES; ++l) a[l] = log10(a[l]); break;
      case MYR__OP_SQRT: for (l = 0; l < LANES; ++l) a[l] = sqrt(a[l]); break;
      case MYR__OP_ABS: for (l = 0; l < LANES; ++l) a[l] = fabs(a[l]); break;
      case MYR__OP_FLOOR: for (l = 0; l < LANES; ++l) a[l] = floor(a[l]); break;
      case MYR__OP_CEIL: for (l = 0; l < LANES; ++l) a[l] = ceil(a[l]); break;
      default: break; /* programs are checked at load */
    }
  }
  for (l = 0; l < LANES; ++l) out[l] = st[0][l];
}

static const myr__op* prog(const net_data* D, int32_t j, int32_t* n) {
  *n = D->m->start[j + 1] - D->m->start[j];
  return D->ops + D->m->start[j];
}

/* the counts as doubles, for programs */
MYR_WIDE static void counts_to_double(lanes* L, int32_t S) {
  int32_t s, l;
  for (s = 0; s < S; ++s)
    for (l = 0; l < LANES; ++l) L->x[s][l] = (double)L->xi[s][l];
}

/* reaction j's propensity for every lane into L->a, by its kind (group:
 * the K_GROUP values of this group and step; *fresh: L->x holds the
 * current counts); returns 1 if that is already the final value (a
 * folded table), 0 if the clamp and the reactant check are still due */
MYR_WIDE static int32_t propensity(const net_data* D, int32_t j, lanes* L,
                                   const float (*group)[LANES], int32_t* fresh) {
  int32_t l, n;
  const myr__op* op;
  if (D->kind[j] == K_GROUP) {
    for (l = 0; l < LANES; ++l) L->a[l] = group[D->gslot[j]][l];
    return 0;
  }
  if (D->kind[j] == K_LINEAR) {
    const int32_t* MYR_RESTRICT x = L->xi[D->tab_species[j]];
    const double c = D->lin[j];
    float* MYR_RESTRICT a = L->a;
    for (l = 0; l < LANES; ++l) a[l] = (float)(c * (double)x[l]);
    return 1;
  }
  if (D->kind[j] == K_TABLE) {
    const int32_t* MYR_RESTRICT x = L->xi[D->tab_species[j]];
    const float* MYR_RESTRICT t = D->tab + (size_t)j * TABLE;
    float* MYR_RESTRICT a = L->a;
    uint32_t bits = 0;
    /* TABLE is a power of two: some count >= TABLE iff their OR is */
    NO_UNROLL
    for (l = 0; l < LANES; ++l) bits |= (uint32_t)x[l];
    if (bits < (uint32_t)TABLE) {
      NO_UNROLL
      for (l = 0; l < LANES; ++l) a[l] = t[x[l]];
      return D->folded[j];
    }
  }
  if (!*fresh) {
    counts_to_double(L, D->m->num_species);
    *fresh = 1;
  }
  op = prog(D, j, &n);
  eval(op, n, L, L->ad);
  for (l = 0; l < LANES; ++l) L->a[l] = (float)L->ad[l];
  return 0;
}

/* the envs of a range in the lanes: the next env to load, and the sums
 * of the envs written back */
typedef struct feed {
  const myr__env* e;
  const net_data* D;
  int64_t begin;
  int64_t n, next;
  const int32_t* act;  /* discrete actions, or NULL */
  const float* act_f;  /* Box actions (input_box), or NULL */
  const uint8_t* pend;
  uint64_t clock;
  int64_t sum_n, sum_hit, sum_bad;
  int64_t seeds_at;         /* seed[q] is that of env seeds_at + q */
  uint64_t seed[SEEDS];
} feed;

/* lane l takes the next env of the range that steps (envs that reset
 * instead are passed over); returns 0, the lane left idle with zero counts
 * and slots, once the range is exhausted */
static int32_t load(feed* F, lanes* L, int32_t l) {
  const myr__env* e = F->e;
  const net_data* D = F->D;
  const int32_t S = D->m->num_species;
  int32_t s, k;
  int64_t i;
  while (F->next < F->n &&
         myr__step_kind((int)e->autoreset, F->pend[F->next]) == MYR__STEP_RESET)
    F->next++;
  if (F->next >= F->n) {
    for (s = 0; s < S; ++s) L->xi[s][l] = 0;
    for (k = 0; k < D->num_slots; ++k) L->slot[k][l] = 0.0;
    for (k = 0; D->gtab != NULL && k < D->groups; ++k) L->group[k][l] = D->gtab[k];
    L->act[l] = 0;
    L->live[l] = 0;
    return 0;
  }
  L->k[l] = F->next++;
  i = F->begin + L->k[l];
  for (s = 0; s < S; ++s) L->xi[s][l] = e->col[s].i[i];
  L->n[l] = 0;
  L->hit[l] = 0;
  L->bad[l] = 0;
  L->rem[l] = (float)D->dt;
  if (F->act_f != NULL) {
    /* clipped to the space, as Gymnasium's continuous envs do */
    double u = (double)F->act_f[L->k[l]];
    L->slot[0][l] = u < 0.0 ? 0.0 : u > D->m->input_max ? D->m->input_max : u;
  } else {
    L->slot[0][l] = (double)F->act[L->k[l]] * D->input_scale;
  }
  if (D->gtab != NULL) {
    const float* gv = D->gtab + (size_t)F->act[L->k[l]] * (size_t)D->groups;
    for (k = 0; k < D->groups; ++k) L->group[k][l] = gv[k];
  }
  for (k = 1; k < D->num_slots; ++k)
    L->slot[k][l] = myr__param(e, D->slot_param[k], i);
  if (L->k[l] >= F->seeds_at + SEEDS) {
    /* the next SEEDS envs' generators, vectorised (envs are loaded in
     * order; one that resets instead wastes its seed) */
    int64_t left = F->n - L->k[l];
    F->seeds_at = L->k[l];
    myr__ssa_seeds(e->seed, (uint32_t)(e->env_offset + i), NULL,
                   left < SEEDS ? (int32_t)left : SEEDS, F->clock, F->seed);
  }
  L->rng[l] = F->seed[L->k[l] - F->seeds_at];
  L->act[l] = 1;
  L->live[l] = 1;
  return 1;
}

/* the env of lane l is done: write it back */
static void retire(feed* F, const lanes* L, int32_t l) {
  const int64_t i = F->begin + L->k[l];
  int32_t s;
  for (s = 0; s < F->D->m->num_species; ++s) F->e->col[s].i[i] = L->xi[s][l];
  F->sum_n += L->n[l];
  F->sum_hit += L->hit[l];
  F->sum_bad += L->bad[l];
}

/* K_GROUP reactions read no species: their values for the lanes' envs
 * (again after a refill; an unchanged lane gets the same values) */
MYR_WIDE static void group_values(const net_data* D, lanes* L,
                                  float (*group)[LANES]) {
  int32_t j, l, n;
  for (j = 0; j < D->m->num_reactions; ++j)
    if (D->kind[j] == K_GROUP) {
      const myr__op* op = prog(D, j, &n);
      eval(op, n, L, L->ad);
      for (l = 0; l < LANES; ++l) group[D->gslot[j]][l] = (float)L->ad[l];
    }
}

#ifdef MYR__NET_FAST
/* fast_event() runs the lanes as NV vectors of 16, interleaved operation by
 * operation: one event is a long dependency chain (the generator, the log
 * polynomial, the division) that a single vector leaves mostly waiting */
#define NV (LANES / 16)
_Static_assert(LANES % 16 == 0, "fast_event runs whole AVX-512 vectors of lanes");
/* One event of every lane for a small network (D->fast: every reaction a
 * table, c * X or a per-group value, R <= FAST_R, S <= FAST_S): the
 * generic iteration (generic_event) with the values in registers instead
 * of one pass over the lanes per operation -- the same floats and
 * integers from the same operations in the same order, so the two paths
 * agree bit for bit (the tests compare them through tables=0, which
 * sends every model down the generic path).  S: the species, a constant
 * where ssa_fast() is specialised, so that the counts and changes stay in
 * registers.  Returns the lanes whose env's step ended (bit l: lane l). */
INLINE uint64_t fast_event(const net_data* D, lanes* L, int32_t cap,
                           const int32_t S) {
  const int32_t R = D->m->num_reactions;
  const __m512 zero = _mm512_setzero_ps();
  const __m512i one = _mm512_set1_epi32(1);
  __m512 cum[FAST_R][NV], c[NV], a[NV], a0[NV], safe[NV], tau[NV], left[NV], r[NV];
  __m512i w1[NV], w2[NV], dv[FAST_S][NV], x[FAST_S][NV], nv[NV];
  __mmask16 act[NV], live[NV], bad[NV], lv[NV], fire[NV], over[NV], hit[NV], ge_prev[NV];
  int32_t fresh = 0, j, q, sp, g;
  uint64_t done = 0;

  for (g = 0; g < NV; ++g) {
    __m512i av = _mm512_load_si512(L->act + 16 * g);
    __m512i lvv = _mm512_load_si512(L->live + 16 * g);
    act[g] = _mm512_test_epi32_mask(av, av);
    live[g] = _mm512_test_epi32_mask(lvv, lvv);
    bad[g] = 0;
    ge_prev[g] = (__mmask16)0xFFFF;
    c[g] = zero;
  }
  for (sp = 0; sp < S; ++sp)
    for (g = 0; g < NV; ++g) {
      x[sp][g] = _mm512_load_si512(L->xi[sp] + 16 * g);
      dv[sp][g] = _mm512_setzero_si512();
    }
  /* cumulative propensities, in reaction order */
  for (j = 0; j < R; ++j) {
    int32_t final = 0;
    if (D->kind[j] == K_GROUP) {
      for (g = 0; g < NV; ++g) a[g] = _mm512_load_ps(L->group[D->gslot[j]] + 16 * g);
    } else if (D->kind[j] == K_LINEAR) {
      const __m512d cv = _mm512_set1_pd(D->lin[j]);
      for (g = 0; g < NV; ++g) {
        const __m512i xs = x[D->tab_species[j]][g];
        __m256 lo = _mm512_cvtpd_ps(_mm512_mul_pd(cv, _mm512_cvtepi32_pd(_mm512_castsi512_si256(xs))));
        __m256 hi = _mm512_cvtpd_ps(_mm512_mul_pd(cv, _mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(xs, 1))));
        a[g] = _mm512_insertf32x8(_mm512_castps256_ps512(lo), hi, 1);
      }
      final = 1;
    } else {
      __mmask16 out = 0;
      for (g = 0; g < NV; ++g)
        out |= _mm512_cmpge_epu32_mask(x[D->tab_species[j]][g], _mm512_set1_epi32(TABLE));
      if (out == 0) {
        for (g = 0; g < NV; ++g)
          a[g] = _mm512_i32gather_ps(x[D->tab_species[j]][g], D->tab + (size_t)j * TABLE, 4);
        final = D->folded[j];
      } else {
        /* a count beyond the table: the program (L->xi holds the counts) */
        propensity(D, j, L, (const float(*)[LANES])L->group, &fresh);
        for (g = 0; g < NV; ++g) a[g] = _mm512_load_ps(L->a + 16 * g);
      }
    }
    if (!final) {
      /* short reactants give 0; a negative or NaN value counts as 0 */
      for (q = D->rs_start[j]; q < D->rs_start[j + 1]; ++q)
        for (g = 0; g < NV; ++g)
          a[g] = _mm512_mask_mov_ps(a[g], _mm512_cmplt_epi32_mask(x[D->rs_species[q]][g],
                                                                  _mm512_set1_epi32(D->rs_need[q])),
                                    zero);
      for (g = 0; g < NV; ++g) {
        bad[g] |= act[g] & _mm512_cmp_ps_mask(a[g], zero, _CMP_NGE_UQ);
        a[g] = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(a[g], zero, _CMP_GT_OQ), a[g]);
      }
    }
    for (g = 0; g < NV; ++g) {
      c[g] = j > 0 ? _mm512_add_ps(c[g], a[g]) : a[g];
      cum[j][g] = c[g];
    }
  }
  /* one event per lane: waiting time, then which reaction */
  for (g = 0; g < NV; ++g) {
    a0[g] = c[g];
    myr__splitmix16(L->rng + 16 * g, &w1[g], &w2[g]);
    lv[g] = _mm512_cmp_ps_mask(a0[g], zero, _CMP_GT_OQ);
    safe[g] = _mm512_mask_mov_ps(_mm512_set1_ps(1.0f), lv[g], a0[g]);
  }
  for (g = 0; g < NV; ++g) {
    /* +0 where u1 = 1 (the scalar negation gives -0): rem - tau is the
     * same either way, as rem >= +0 */
    tau[g] = _mm512_div_ps(myr__neglog_u1_16(w1[g]), safe[g]);
  }
  for (g = 0; g < NV; ++g) {
    left[g] = _mm512_sub_ps(_mm512_load_ps(L->rem + 16 * g), tau[g]);
    fire[g] = act[g] & lv[g] & _mm512_cmp_ps_mask(left[g], zero, _CMP_GE_OQ);
    r[g] = _mm512_mul_ps(myr__u2_16(w2[g]), a0[g]);
  }
  /* reaction j is chosen where cum[j-1] <= r < cum[j] (cum never
   * decreases); its changes by masked adds */
  for (j = 0; j < R; ++j)
    for (g = 0; g < NV; ++g) {
      __mmask16 ge = j < R - 1 ? _mm512_cmp_ps_mask(r[g], cum[j][g], _CMP_GE_OQ) : 0;
      __mmask16 sel = ge_prev[g] & (__mmask16)~ge;
      for (sp = 0; sp < S; ++sp) {
        const int32_t d = D->delta[j * MYR__NET_SPECIES_MAX + sp];
        if (d != 0) dv[sp][g] = _mm512_mask_add_epi32(dv[sp][g], sel, dv[sp][g], _mm512_set1_epi32(d));
      }
      ge_prev[g] = ge;
    }
  /* the cap, a count that would pass MYR_COUNT_MAX or an infinite a0 */
  for (g = 0; g < NV; ++g) {
    nv[g] = _mm512_load_si512(L->n + 16 * g);
    over[g] = _mm512_cmpge_epi32_mask(nv[g], _mm512_set1_epi32(cap)) |
              _mm512_cmp_ps_mask(a0[g], _mm512_set1_ps(FLT_MAX), _CMP_NLE_UQ);
    for (sp = 0; sp < S; ++sp)
      over[g] |= _mm512_cmpgt_epi32_mask(dv[sp][g], _mm512_setzero_si512()) &
                 _mm512_cmpgt_epi32_mask(x[sp][g], _mm512_sub_epi32(_mm512_set1_epi32(MYR_COUNT_MAX),
                                                                    dv[sp][g]));
    hit[g] = fire[g] & over[g];
    fire[g] &= (__mmask16)~hit[g];
  }
  for (g = 0; g < NV; ++g) {
    const int32_t o = 16 * g;
    _mm512_store_ps(L->rem + o, _mm512_mask_mov_ps(_mm512_load_ps(L->rem + o), fire[g], left[g]));
    _mm512_store_si512(L->n + o, _mm512_mask_add_epi32(nv[g], fire[g], nv[g], one));
    _mm512_store_si512(L->hit + o, _mm512_mask_mov_epi32(_mm512_load_si512(L->hit + o), hit[g], one));
    _mm512_store_si512(L->bad + o, _mm512_mask_mov_epi32(_mm512_load_si512(L->bad + o), bad[g], one));
    _mm512_store_si512(L->act + o, _mm512_maskz_mov_epi32(fire[g], one));
    for (sp = 0; sp < S; ++sp)
      _mm512_store_si512(L->xi[sp] + o, _mm512_mask_add_epi32(x[sp][g], fire[g], x[sp][g], dv[sp][g]));
    done |= (uint64_t)(live[g] & (__mmask16)~fire[g]) << o;
  }
  return done;
}
#endif

/* One event of every lane, the generic way: each reaction's propensity
 * by its kind for all lanes, one pass over the lanes per operation, then
 * the draws, the choice and the update.  Returns the lanes whose env's
 * step ended (bit l: lane l). */
MYR_WIDE static uint64_t generic_event(const net_data* D, lanes* L, int32_t cap) {
  const myr_model* M = D->m;
  const int32_t S = M->num_species, R = M->num_reactions;
  int32_t l, s, j, fresh;
  uint64_t done;
  /* cumulative propensities, in reaction order */
  fresh = 0;
  for (j = 0; j < R; ++j) {
    /* a folded table or c * X is final; else short reactants give 0,
     * then a negative or NaN value counts as 0 and is reported */
    if (!propensity(D, j, L, (const float(*)[LANES])L->group, &fresh)) {
      int32_t q;
      for (q = D->rs_start[j]; q < D->rs_start[j + 1]; ++q) {
        const int32_t* xs = L->xi[D->rs_species[q]];
        const int32_t need = D->rs_need[q];
        for (l = 0; l < LANES; ++l) L->a[l] = xs[l] < need ? 0.0f : L->a[l];
      }
      for (l = 0; l < LANES; ++l) {
        L->bad[l] |= L->act[l] & !(L->a[l] >= 0.0f);
        L->a[l] = L->a[l] > 0.0f ? L->a[l] : 0.0f;
      }
    }
    if (j > 0)
      for (l = 0; l < LANES; ++l) L->cum[j][l] = L->cum[j - 1][l] + L->a[l];
    else
      for (l = 0; l < LANES; ++l) L->cum[j][l] = L->a[l];
  }
  /* one event per lane: waiting time, then which reaction (the gene
   * circuit's draws) */
  for (l = 0; l < LANES; ++l) {
    uint64_t z = myr_splitmix64(&L->rng[l]);
    uint32_t w1 = (uint32_t)z, w2 = (uint32_t)(z >> 32);
    float a0 = L->cum[R - 1][l];
    int32_t live = a0 > 0.0f;
    float safe = myr_selectf(live, a0, 1.0f);
    /* u1 in (0, 1] with 24 random bits */
    float u1 = (float)(int32_t)((w1 >> 8) + 1u) * 5.9604644775390625e-8f;
    float tau = -myr_logf_fast(u1) / safe;
    L->left[l] = L->rem[l] - tau;
    L->fire[l] = L->act[l] & live & (L->left[l] >= 0.0f);
    /* r in [0, a0): u2 <= 1 - 2^-24 and round-to-nearest */
    L->r[l] = (float)(int32_t)(w2 >> 8) * 5.9604644775390625e-8f * a0;
    L->a0[l] = a0;
    L->j[l] = 0;
  }
  /* the first j with r < cum[j]: cum never decreases, so it is the
   * number of j < R-1 with cum[j] <= r */
  for (j = 0; j < R - 1; ++j)
    for (l = 0; l < LANES; ++l) L->j[l] += L->r[l] >= L->cum[j][l];
  /* the cap, a count that would pass MYR_COUNT_MAX or an infinite a0
   * ends the lane's step (a hit); else the event is applied */
  for (l = 0; l < LANES; ++l)
    L->over[l] = (L->n[l] >= cap) | !(L->a0[l] <= FLT_MAX);
  if (R <= SELECT_MAX) {
    /* few reactions: each change by selects, cheaper than a gather */
    for (s = 0; s < S; ++s) {
      for (l = 0; l < LANES; ++l) L->dv[s][l] = 0;
      for (j = 0; j < R; ++j) {
        const int32_t d = D->delta[j * MYR__NET_SPECIES_MAX + s];
        if (d == 0) continue;
        for (l = 0; l < LANES; ++l) L->dv[s][l] += d & -(int32_t)(L->j[l] == j);
      }
    }
  } else {
    for (s = 0; s < S; ++s)
      NO_UNROLL
      for (l = 0; l < LANES; ++l)
        L->dv[s][l] = D->delta[L->j[l] * MYR__NET_SPECIES_MAX + s];
  }
  for (s = 0; s < S; ++s)
    for (l = 0; l < LANES; ++l) {
      int32_t dv = L->dv[s][l];
      L->over[l] |= (dv > 0) & (L->xi[s][l] > MYR_COUNT_MAX - dv);
    }
  done = 0;
  for (l = 0; l < LANES; ++l) {
    int32_t hit = L->fire[l] & L->over[l];
    L->fire[l] &= hit ^ 1; /* apply */
    L->rem[l] = myr_selectf(L->fire[l], L->left[l], L->rem[l]);
    L->n[l] += L->fire[l];
    L->hit[l] |= hit;
    L->act[l] = L->fire[l];
    done |= (uint64_t)(L->live[l] & (L->fire[l] ^ 1)) << l;
  }
  for (s = 0; s < S; ++s)
    for (l = 0; l < LANES; ++l) L->xi[s][l] += L->dv[s][l] & -L->fire[l];
  return done;
}

#ifdef MYR__NET_FAST
/* envs staged ahead of the lanes in one go (ssa_fast) */
#define STAGE 64

/* The next envs of the range that step, in order, with what a lane needs:
 * index, counts, per-group values (by the env's input level) and
 * generator.  Lanes take them with one expanding load per column. */
typedef struct stage {
  int32_t sc, sp;  /* staged envs, the next one to take */
  _Alignas(64) int64_t sk[STAGE];
  int32_t so[STAGE]; /* offset in the window, for the seeds */
  int32_t sx[FAST_S][STAGE];
  float sg[GROUP_MAX][STAGE];
  uint64_t srng[STAGE];
} stage;

/* stage the envs of the next window of the range that step (envs that
 * reset instead are passed over); returns the envs staged, 0 once the
 * range is exhausted */
static int32_t stage_next(feed* F, stage* T) {
  const myr__env* e = F->e;
  const net_data* D = F->D;
  const int32_t S = D->m->num_species, NG = D->groups;
  T->sc = 0;
  T->sp = 0;
  while (T->sc == 0 && F->next < F->n) {
    const int64_t k0 = F->next;
    const int64_t end = F->n - k0 < STAGE ? F->n : k0 + STAGE;
    int64_t k;
    int32_t c, q;
    for (k = k0; k < end; ++k) {
      if (myr__step_kind((int)e->autoreset, F->pend[k]) == MYR__STEP_RESET)
        continue;
      c = T->sc++;
      T->sk[c] = k;
      T->so[c] = (int32_t)(k - k0);
      for (q = 0; q < S; ++q) T->sx[q][c] = e->col[q].i[F->begin + k];
      if (NG > 0) {
        const float* gv = D->gtab + (size_t)F->act[k] * (size_t)NG;
        for (q = 0; q < NG; ++q) T->sg[q][c] = gv[q];
      }
    }
    F->next = end;
    /* one Philox call per env-step seeds its generator */
    myr__ssa_seeds(e->seed, (uint32_t)(e->env_offset + F->begin + k0), T->so,
                   T->sc, F->clock, T->srng);
  }
  return T->sc;
}

/* Lanes o .. o+15 in m (bit l: lane o + l; their steps over, written
 * back) take the next staged envs, the same as load() lane by lane but
 * with one expanding load per column.  Returns the lanes left idle (the
 * range exhausted): zero counts, no step running. */
INLINE int32_t refill16(feed* F, stage* T, lanes* L, int32_t o, uint32_t m,
                        const int32_t S) {
  const net_data* D = F->D;
  const int32_t NG = D->groups;
  const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi32(1);
  __m512i k0 = _mm512_load_si512(L->k + o), k1 = _mm512_load_si512(L->k + o + 8);
  __m512i r0 = _mm512_load_si512(L->rng + o), r1 = _mm512_load_si512(L->rng + o + 8);
  __m512i n = _mm512_load_si512(L->n + o), hit = _mm512_load_si512(L->hit + o);
  __m512i bad = _mm512_load_si512(L->bad + o), act = _mm512_load_si512(L->act + o);
  __m512i live = _mm512_load_si512(L->live + o);
  __m512 rem = _mm512_load_ps(L->rem + o);
  const __m512 dt = _mm512_set1_ps((float)D->dt);
  int32_t q, idle = 0;
  while (m != 0) {
    uint32_t take = m;
    int32_t avail, s;
    __mmask16 mm;
    if (T->sp == T->sc && stage_next(F, T) == 0) {
      mm = (__mmask16)m;
      for (q = 0; q < S; ++q)
        _mm512_store_si512(L->xi[q] + o, _mm512_mask_mov_epi32(_mm512_load_si512(L->xi[q] + o), mm, zero));
      act = _mm512_mask_mov_epi32(act, mm, zero);
      live = _mm512_mask_mov_epi32(live, mm, zero);
      idle = _mm_popcnt_u32(m);
      break;
    }
    avail = T->sc - T->sp;
    take = myr__lanes_taking(take, avail);
    s = T->sp;
    mm = (__mmask16)take;
    myr__expand64x16(&k0, &k1, take, T->sk + s);
    myr__expand64x16(&r0, &r1, take, T->srng + s);
    for (q = 0; q < S; ++q)
      _mm512_store_si512(L->xi[q] + o, _mm512_mask_expandloadu_epi32(_mm512_load_si512(L->xi[q] + o),
                                                                 mm, T->sx[q] + s));
    for (q = 0; q < NG; ++q)
      _mm512_store_ps(L->group[q] + o, _mm512_mask_expandloadu_ps(_mm512_load_ps(L->group[q] + o),
                                                              mm, T->sg[q] + s));
    n = _mm512_mask_mov_epi32(n, mm, zero);
    hit = _mm512_mask_mov_epi32(hit, mm, zero);
    bad = _mm512_mask_mov_epi32(bad, mm, zero);
    act = _mm512_mask_mov_epi32(act, mm, one);
    live = _mm512_mask_mov_epi32(live, mm, one);
    rem = _mm512_mask_mov_ps(rem, mm, dt);
    T->sp = s + (int32_t)_mm_popcnt_u32(take);
    m &= ~take;
  }
  _mm512_store_si512(L->k + o, k0);
  _mm512_store_si512(L->k + o + 8, k1);
  _mm512_store_si512(L->rng + o, r0);
  _mm512_store_si512(L->rng + o + 8, r1);
  _mm512_store_si512(L->n + o, n);
  _mm512_store_si512(L->hit + o, hit);
  _mm512_store_si512(L->bad + o, bad);
  _mm512_store_si512(L->act + o, act);
  _mm512_store_si512(L->live + o, live);
  _mm512_store_ps(L->rem + o, rem);
  return idle;
}

/* the lanes in m (their envs written back first if `done`) take the next
 * staged envs; returns the lanes left idle */
INLINE int32_t refill_fast(feed* F, stage* T, lanes* L, uint64_t m,
                           int32_t done, const int32_t S) {
  int32_t g, idle = 0;
  uint64_t w;
  for (w = done ? m : 0; w != 0; w &= w - 1) retire(F, L, __builtin_ctzll(w));
  for (g = 0; g < NV; ++g)
    if ((m >> (16 * g)) & 0xFFFFu)
      idle += refill16(F, T, L, 16 * g, (uint32_t)((m >> (16 * g)) & 0xFFFFu), S);
  return idle;
}

/* the SSA of a range with fast_event() and refill_fast(), S species */
INLINE void ssa_fast_s(feed* F, lanes* L, int32_t cap, const int32_t S) {
  const int32_t NG = F->D->groups;
  stage T;
  int32_t busy;
  T.sc = 0;
  T.sp = 0;
  /* every lane idle, then all of them load */
  memset(L->k, 0, sizeof L->k);
  memset(L->rng, 0, sizeof L->rng);
  memset(L->n, 0, sizeof L->n);
  memset(L->hit, 0, sizeof L->hit);
  memset(L->bad, 0, sizeof L->bad);
  memset(L->act, 0, sizeof L->act);
  memset(L->live, 0, sizeof L->live);
  memset(L->rem, 0, sizeof L->rem);
  memset(L->xi, 0, sizeof L->xi[0] * (size_t)S);
  memset(L->group, 0, sizeof L->group[0] * (size_t)NG);
  busy = LANES - refill_fast(F, &T, L, ~(uint64_t)0 >> (64 - LANES), 0, S);
  while (busy > 0) {
    uint64_t m = fast_event(F->D, L, cap, S);
    if (m != 0) busy -= refill_fast(F, &T, L, m, 1, S);
  }
}

/* ssa_fast_s() with the species count a constant up to 8 */
MYR_WIDE static void ssa_fast(feed* F, lanes* L, int32_t cap) {
  switch (F->D->m->num_species) {
    case 1: ssa_fast_s(F, L, cap, 1); break;
    case 2: ssa_fast_s(F, L, cap, 2); break;
    case 3: ssa_fast_s(F, L, cap, 3); break;
    case 4: ssa_fast_s(F, L, cap, 4); break;
    case 5: ssa_fast_s(F, L, cap, 5); break;
    case 6: ssa_fast_s(F, L, cap, 6); break;
    case 7: ssa_fast_s(F, L, cap, 7); break;
    case 8: ssa_fast_s(F, L, cap, 8); break;
    default: ssa_fast_s(F, L, cap, F->D->m->num_species); break;
  }
}
#endif

/* One step of the SSA for the envs [begin, begin + n): LANES lanes run the
 * event loop; after an event in which some lane's step ended, those envs
 * are written back and the lanes load the next envs of the range, so
 * lanes idle only once the range runs out (lane refill, as the gene
 * circuit).  Every env runs the same events on its own generator whichever
 * lane and sweep it is in, so the schedule never changes a result. */
MYR_WIDE static void ssa_range(const myr__env* e, int64_t begin, int64_t n,
                               const int32_t* act, const float* act_f,
                               const uint8_t* pend,
                               uint64_t clock, myr__stats* st) {
  const net_data* D = (const net_data*)e->data;
  const int32_t cap = D->cap;
  feed F = {.e = e, .D = D, .begin = begin, .n = n, .act = act, .act_f = act_f,
            .pend = pend, .clock = clock, .seeds_at = -SEEDS};
  lanes L;
  int32_t l, busy = 0;

#ifdef MYR__NET_FAST
  if (D->fast_refill) {
    ssa_fast(&F, &L, cap);
  } else
#endif
  {
    for (l = 0; l < LANES; ++l) busy += load(&F, &L, l);
    if (D->gtab == NULL) group_values(D, &L, L.group);
    while (busy > 0) {
      uint64_t m;
#ifdef MYR__NET_FAST
      if (D->fast)
        m = fast_event(D, &L, cap, D->m->num_species);
      else
#endif
        m = generic_event(D, &L, cap);
      if (m == 0) continue;
      /* the lanes whose env's step ended take the next envs (by the bit
       * mask: a branch per lane would be mispredicted) */
      for (; m != 0; m &= m - 1) {
        l = __builtin_ctzll(m);
        retire(&F, &L, l);
        busy -= load(&F, &L, l) ^ 1;
      }
      if (D->gtab == NULL) group_values(D, &L, L.group);
    }
  }
  st->reactions += F.sum_n;
  st->cap_hits += F.sum_hit;
  st->bad_propensities += F.sum_bad;
}

/* ------------------------------------------------------------ env functions */

static void observe_one(const myr__env* e, int64_t i, float* o) {
  const net_data* D = (const net_data*)e->data;
  int32_t k;
  for (k = 0; k < D->m->num_obs; ++k)
    o[k] = (float)((double)e->col[D->m->obs[k]].i[i] / D->m->obs_scale[k]);
}

static void reset_one(const myr__env* e, int64_t i) {
  const net_data* D = (const net_data*)e->data;
  int32_t s, S = D->m->num_species;
  for (s = 0; s < S; ++s)
    e->col[s].i[i] = D->nc->p_init[s] >= 0
                         ? (int32_t)myr__param(e, D->nc->p_init[s], i)
                         : D->m->init[s];
  e->col[S].i[i] = 0;
  e->col[D->nc->col_ret].d[i] = 0.0;
}

static void net_observe(const myr__env* e, int64_t begin, int64_t end,
                        float* obs) {
  const net_data* D = (const net_data*)e->data;
  int64_t i;
  for (i = begin; i < end; ++i)
    observe_one(e, i, obs + (i - begin) * D->m->num_obs);
}

static void net_reset(const myr__env* e, uint64_t clock, int64_t begin,
                      int64_t end, const uint8_t* mask, uint32_t stream,
                      float* obs) {
  const net_data* D = (const net_data*)e->data;
  int64_t i;
  (void)clock;
  (void)stream; /* deterministic reset: the model's initial counts */
  for (i = begin; i < end; ++i) {
    if (mask != NULL && !mask[i]) continue;
    reset_one(e, i);
    if (obs != NULL) observe_one(e, i, obs + (i - begin) * D->m->num_obs);
  }
}

/* Pass 1 of the contract after the SSA (passes.h): every env's step as a
 * RUN step -- step counter, the reward -|X - target| (constant, or the
 * sine about it) added to the return where the env ran (no pending flag),
 * truncation at the horizon or a count at MYR_COUNT_MAX -- in loops the
 * compiler vectorises where the target is constant */
MYR_WIDE static void run_pass(const myr__env* e, int64_t begin, int64_t n,
                              const myr__io* io) {
  const net_data* D = (const net_data*)e->data;
  const int32_t S = D->m->num_species, max_steps = D->max_steps;
  int32_t* MYR_RESTRICT t = e->col[S].i + begin;
  double* MYR_RESTRICT ret = e->col[D->nc->col_ret].d + begin;
  const uint8_t* MYR_RESTRICT pend = io->pending;
  float* MYR_RESTRICT rew = io->reward;
  uint8_t* MYR_RESTRICT term = io->terminated;
  uint8_t* MYR_RESTRICT trunc = io->truncated;
  int64_t k;
  int32_t s;
  for (k = 0; k < n; ++k) t[k] += 1;
  for (k = 0; k < n; ++k) rew[k] = 0.0f;
  for (k = 0; k < n; ++k) {
    term[k] = 0;
    trunc[k] = (uint8_t)(t[k] >= max_steps);
  }
  for (s = 0; s < S; ++s) {
    const int32_t* MYR_RESTRICT x = e->col[s].i + begin;
    for (k = 0; k < n; ++k) trunc[k] |= (uint8_t)(x[k] >= MYR_COUNT_MAX);
  }
  if (D->m->reward < 0) return;
  {
    const int32_t* MYR_RESTRICT x = e->col[D->m->reward].i + begin;
    if (D->amp == 0.0) {
      const double target = D->target;
      for (k = 0; k < n; ++k) rew[k] = (float)-fabs((double)x[k] - target);
    } else {
      /* the gene circuit's sine target at the step just reached */
      for (k = 0; k < n; ++k)
        rew[k] = (float)-fabs((double)x[k] - myr_ccasr_target(1, D->target, D->target, D->amp,
                                                               D->period, D->dt, t[k]));
    }
  }
  /* added to the return where the env ran, reported there (0 elsewhere) */
  myr__add_where_run(ret, rew, pend, n);
  for (k = 0; k < n; ++k) rew[k] = pend[k] == 0 ? rew[k] : 0.0f;
}

/* X_end: the counts at the end of the episode */
static void ended(const myr__env* e, int64_t i) {
  const net_data* D = (const net_data*)e->data;
  const int32_t S = D->m->num_species;
  int32_t q;
  if (!D->nc->ends) return;
  for (q = 0; q < S; ++q) e->col[S + 1 + q].i[i] = e->col[q].i[i];
}

static void net_step(const myr__env* e, int64_t begin, int64_t end,
                     const myr__io* io, myr__stats* st) {
  const net_data* D = (const net_data*)e->data;
  const int32_t S = D->m->num_species;
  ssa_range(e, begin, end - begin, D->m->input_box ? NULL : io->act_i,
            D->m->input_box ? io->act_f : NULL, io->pending, io->clock, st);
  /* step counter, reward, truncation for all, then the contract for the
   * envs with a flag (passes.h), then observations */
  run_pass(e, begin, end - begin, io);
  myr__flagged_contract(e, begin, end - begin, io, st, D->m->num_obs,
                        e->col[D->nc->col_ret].d, e->col[S].i, ended, observe_one,
                        reset_one);
  if (io->obs != NULL) net_observe(e, begin, end, io->obs);
}

/* ------------------------------------------------------------ create */

static void net_fini(void* data);

/* each reaction's kind and, for K_TABLE, its table: the program's own
 * values (the same eval), so the kinds never change a result */
static int classify(net_data* D, int32_t tables) {
  const myr_model* M = D->m;
  int32_t j, k, l, groups = 0, any_table = 0;
  for (j = 0; j < M->num_reactions; ++j) {
    int32_t species = -1, many = 0, lane = 0;
    for (k = M->start[j]; k < M->start[j + 1]; ++k) {
      const myr__op* o = &D->ops[k];
      if (o->code == MYR__OP_LANE) lane = 1;
      if (o->code == MYR__OP_SPECIES) {
        if (species >= 0 && species != o->arg) many = 1;
        species = o->arg;
      }
    }
    D->kind[j] = K_PROGRAM;
    if (!tables) continue;
    if (species < 0 && groups < GROUP_MAX) {
      D->kind[j] = K_GROUP;
      D->gslot[j] = groups++;
      D->groups = groups;
    } else if (species >= 0 && !many && !lane) {
      D->kind[j] = K_TABLE;
      D->tab_species[j] = species;
      any_table = 1;
    }
  }
  if (D->groups > 0 && D->num_slots == 1 && !M->input_box &&
      (M->input < 0 || M->input_levels <= GTAB_LEVELS)) {
    /* the K_GROUP values of each input level: the programs' own results */
    const int32_t levels = M->input >= 0 ? M->input_levels : 1;
    lanes* L = (lanes*)myr__alloc_aligned(sizeof *L);
    D->gtab = (float*)myr__alloc(sizeof(float) * (size_t)levels * (size_t)D->groups);
    if (L == NULL || D->gtab == NULL) {
      myr__free_aligned(L);
      return myr__fail(MYR_ENOMEM, "out of memory (reaction-network tables)");
    }
    memset(L, 0, sizeof *L);
    for (l = 0; l < LANES; ++l) L->slot[0][l] = 0.0;
    for (k = 0; k < levels; k += LANES) {
      int32_t a;
      for (l = 0; l < LANES; ++l) L->slot[0][l] = (double)(k + l) * D->input_scale;
      group_values(D, L, L->group);
      for (a = k; a < levels && a < k + LANES; ++a)
        for (j = 0; j < M->num_reactions; ++j)
          if (D->kind[j] == K_GROUP)
            D->gtab[(size_t)a * (size_t)D->groups + (size_t)D->gslot[j]] =
                L->group[D->gslot[j]][a - k];
    }
    myr__free_aligned(L);
  }
#ifdef MYR__NET_FAST
  D->fast = tables && M->num_reactions <= FAST_R && M->num_species <= FAST_S;
  for (j = 0; j < M->num_reactions; ++j) D->fast &= D->kind[j] != K_PROGRAM;
  D->fast_refill = D->fast && (D->groups == 0 || D->gtab != NULL);
#endif
  if (!any_table) return MYR_OK;
  D->tab = (float*)myr__alloc(sizeof(float) * (size_t)TABLE *
                              (size_t)M->num_reactions);
  if (D->tab == NULL)
    return myr__fail(MYR_ENOMEM, "out of memory (reaction-network tables)");
  {
    lanes* L = (lanes*)myr__alloc_aligned(sizeof *L); /* only the counts are read */
    if (L == NULL)
      return myr__fail(MYR_ENOMEM, "out of memory (reaction-network tables)");
    memset(L, 0, sizeof *L);
    for (j = 0; j < M->num_reactions; ++j) {
      int32_t x0, n;
      const myr__op* op = prog(D, j, &n);
      if (D->kind[j] != K_TABLE) continue;
      for (x0 = 0; x0 < TABLE; x0 += LANES) {
        for (l = 0; l < LANES; ++l) L->x[D->tab_species[j]][l] = (double)(x0 + l);
        eval(op, n, L, L->ad);
        for (l = 0; l < LANES; ++l) D->tab[(size_t)j * TABLE + (size_t)(x0 + l)] = (float)L->ad[l];
      }
      /* the step's clamp and reactant check, where they depend on the
       * table's species only */
      {
        int32_t q, x, ok = 1;
        float* t = D->tab + (size_t)j * TABLE;
        for (q = D->rs_start[j]; q < D->rs_start[j + 1]; ++q)
          ok &= D->rs_species[q] == D->tab_species[j];
        /* a negative or NaN value where the reactants suffice is left to
         * the step, which reports it */
        for (x = 0; ok && x < TABLE; ++x) {
          int32_t short_ = 0;
          for (q = D->rs_start[j]; q < D->rs_start[j + 1]; ++q)
            short_ |= x < D->rs_need[q];
          ok &= short_ | (t[x] >= 0.0f);
        }
        D->folded[j] = ok;
        for (x = 0; ok && x < TABLE; ++x) {
          t[x] = t[x] > 0.0f ? t[x] : 0.0f;
          for (q = D->rs_start[j]; q < D->rs_start[j + 1]; ++q)
            if (x < D->rs_need[q]) t[x] = 0.0f;
        }
        /* c * X or X * c (IEEE products commute): no table needed; with
         * c >= 0 the clamp changes nothing, and a need of 1 only zeroes
         * X = 0, where c * X is 0 already */
        for (q = D->rs_start[j]; ok && q < D->rs_start[j + 1]; ++q)
          ok &= D->rs_need[q] <= 1;
        if (ok && n == 3 && op[2].code == MYR__OP_MUL &&
            ((op[0].code == MYR__OP_CONST && op[1].code == MYR__OP_SPECIES) ||
             (op[0].code == MYR__OP_SPECIES && op[1].code == MYR__OP_CONST))) {
          double c = op[0].code == MYR__OP_CONST ? op[0].value : op[1].value;
          if (c >= 0.0 && c <= (double)FLT_MAX) {
            D->kind[j] = K_LINEAR;
            D->lin[j] = c;
          }
        }
      }
    }
    myr__free_aligned(L);
  }
  return MYR_OK;
}

static int net_init(const myr__env* e, myr__decl* d, void** data) {
  const net_class* nc = (const net_class*)e->model;
  const myr_model* M = nc->m;
  const double* v = e->param_values;
  net_data* D;
  int32_t k, slot_of[MYR__NET_PARAMS_MAX];
  for (k = 0; k < P_OWN; ++k)
    if (d->randomised[k])
      return myr__fail(MYR_EINVAL, "parameter '%s' of 'reaction-network' "
                       "cannot vary per env (the model's parameters can)",
                       nc->params[k].name);
  if (d->randomised[nc->p_amp] || d->randomised[nc->p_period])
    return myr__fail(MYR_EINVAL, "parameters 'target_amp' and 'target_period' "
                     "of 'reaction-network' cannot vary per env");
  if (v[nc->p_amp] > v[P_TARGET])
    return myr__fail(MYR_ERANGE, "sine target of 'reaction-network' would go "
                     "negative: target_amp (%g) > target (%g)",
                     v[nc->p_amp], v[P_TARGET]);
  for (k = 0; k < M->num_species; ++k)
    if (nc->p_init[k] >= 0 && d->randomised[nc->p_init[k]] &&
        d->dist[nc->p_init[k]].dist != MYR_DIST_UNIFORM)
      return myr__fail(MYR_EINVAL, "parameter '%s' of 'reaction-network': an "
                       "initial count per env takes a uniform(lo,hi) "
                       "distribution (a lognormal one is unbounded)",
                       nc->params[nc->p_init[k]].name);
  D = (net_data*)myr__alloc(sizeof *D);
  if (D == NULL) return myr__fail(MYR_ENOMEM, "out of memory (reaction-network)");
  memset(D, 0, sizeof *D);
  D->ops = (myr__op*)myr__alloc(sizeof(myr__op) * (size_t)(M->num_ops > 0 ? M->num_ops : 1));
  if (D->ops == NULL) {
    myr__free(D);
    return myr__fail(MYR_ENOMEM, "out of memory (reaction-network)");
  }
  D->m = M;
  D->nc = nc;
  D->dt = v[P_DT];
  D->cap = (int32_t)v[P_CAP];
  D->max_steps = (int32_t)v[P_MAX_STEPS];
  D->target = v[P_TARGET];
  D->amp = v[nc->p_amp];
  D->period = v[nc->p_period];
  D->input_scale = M->input >= 0 ? M->input_max / (double)(M->input_levels - 1) : 0.0;
  /* the model's parameters: the input (slot 0), per-env (a slot each) or
   * shared (a constant) */
  D->num_slots = 1;
  for (k = 0; k < M->num_params; ++k) slot_of[k] = -1;
  for (k = P_OWN; k < nc->cls.info.num_params; ++k)
    if (d->randomised[k] && nc->param_model[k] >= 0) {
      slot_of[nc->param_model[k]] = D->num_slots;
      D->slot_param[D->num_slots++] = k;
    }
  for (k = 0; k < M->num_ops; ++k) {
    myr__op o = M->ops[k];
    if (o.code == MYR__OP_PARAM) {
      int32_t p = o.arg, q;
      if (p == M->input) {
        o.code = MYR__OP_LANE;
        o.arg = 0;
      } else if (slot_of[p] >= 0) {
        o.code = MYR__OP_LANE;
        o.arg = slot_of[p];
      } else {
        o.code = MYR__OP_CONST;
        o.value = M->param_value[p];
        for (q = P_OWN; q < nc->cls.info.num_params; ++q)
          if (nc->param_model[q] == p) o.value = v[q];
      }
    }
    D->ops[k] = o;
  }
  /* reactants and net changes */
  for (k = 0; k < M->num_reactions; ++k) {
    int32_t s2, q = D->rs_start[k];
    for (s2 = 0; s2 < M->num_species; ++s2) {
      int32_t need = M->need[k * MYR__NET_SPECIES_MAX + s2];
      D->delta[k * MYR__NET_SPECIES_MAX + s2] = M->delta[k * MYR__NET_SPECIES_MAX + s2];
      if (need > 0) {
        D->rs_species[q] = s2;
        D->rs_need[q++] = need;
      }
    }
    D->rs_start[k + 1] = q;
  }
  if (classify(D, (int32_t)v[P_TABLES]) != MYR_OK) {
    net_fini(D);
    return MYR_ENOMEM;
  }
  d->obs_dim = M->num_obs;
  *data = D;
  return MYR_OK;
}

static void net_fini(void* data) {
  net_data* D = (net_data*)data;
  myr__free(D->tab);
  myr__free(D->gtab);
  myr__free(D->ops);
  myr__free(D);
}

static void net_free_class(myr__env_class* cls) {
  net_class* nc = (net_class*)cls;
  myr_model_destroy(nc->m);
  myr__free(nc);
}

/* the built-in model: birth-death, 0 -> X at k * U, X -> 0 at g * X */
static int builtin_model(myr_model** out) {
  myr_model* m;
  myr_model_opts o = myr_model_opts_default();
  int rc = myr__model_new(2, 6, &m);
  static const myr__op ops[6] = {{MYR__OP_PARAM, 0, 0}, {MYR__OP_PARAM, 2, 0},
                                 {MYR__OP_MUL, 0, 0},   {MYR__OP_PARAM, 1, 0},
                                 {MYR__OP_SPECIES, 0, 0}, {MYR__OP_MUL, 0, 0}};
  if (rc != MYR_OK) return rc;
  snprintf(m->name, sizeof m->name, "birth-death (built in)");
  m->num_species = 1;
  strcpy(m->species[0], "X");
  m->num_params = 3;
  strcpy(m->params[0], "k");
  strcpy(m->params[1], "g");
  strcpy(m->params[2], "U");
  m->param_value[0] = 10.0;
  m->param_value[1] = 0.1;
  m->num_reactions = 2;
  m->num_ops = 6;
  memcpy(m->ops, ops, sizeof ops);
  m->start[0] = 0;
  m->start[1] = 3;
  m->start[2] = 6;
  m->delta[0] = 1;
  m->delta[MYR__NET_SPECIES_MAX] = -1;
  m->need[MYR__NET_SPECIES_MAX] = 1;
  o.input = "U";
  o.observe = "X/100";
  o.horizon = 200;
  o.reward = "X";
  o.target = 50;
  o.sidecar = "";
  if ((rc = myr__model_finish(m, &o, NULL)) != MYR_OK) {
    myr_model_destroy(m);
    return rc;
  }
  *out = m;
  return MYR_OK;
}

extern const myr__env_class myr__network_class;

static int net_build(const myr_batch_def* def, myr__env_class** out) {
  net_class* nc;
  myr_model* m = NULL;
  const myr_model* src = def->model;
  int32_t s, k, np;
  size_t used;
  int rc;
  *out = NULL;
  rc = src != NULL ? myr__model_copy(src, &m) : builtin_model(&m);
  if (rc != MYR_OK) return rc;
  nc = (net_class*)myr__alloc(sizeof *nc);
  if (nc == NULL) {
    myr_model_destroy(m);
    return myr__fail(MYR_ENOMEM, "out of memory (reaction-network class)");
  }
  memset(nc, 0, sizeof *nc);
  nc->cls = myr__network_class;
  nc->m = m;
  nc->cls.model = nc;
  nc->cls.build = NULL;
  nc->cls.free_class = net_free_class;

  /* fields: species, then t; columns add the return */
  for (s = 0; s < m->num_species; ++s) {
    snprintf(nc->field_desc[s], sizeof nc->field_desc[s], "count of species %s",
             m->species[s]);
    nc->fields[s] = (myr_field_info){m->species[s], "molecules", nc->field_desc[s],
                                     1, 1, (double)MYR_COUNT_MAX};
    nc->types[s] = MYR__I32;
  }
  nc->fields[s] = (myr_field_info){"t", "steps", "steps since reset", 1, 1, 0};
  nc->types[s] = MYR__I32;
  nc->ends = 2 * m->num_species + 2 <= MYR__COLS_MAX;
  for (s = 0; nc->ends && s < m->num_species; ++s) {
    snprintf(nc->end_name[s], sizeof nc->end_name[s], "%s_end", m->species[s]);
    snprintf(nc->end_desc[s], sizeof nc->end_desc[s],
             "%s at the end of the env's last finished episode", m->species[s]);
    nc->fields[m->num_species + 1 + s] =
        (myr_field_info){nc->end_name[s], "molecules", nc->end_desc[s], 1, 0, 0};
    nc->types[m->num_species + 1 + s] = MYR__I32;
  }
  nc->cls.info.num_fields = m->num_species + 1 + (nc->ends ? m->num_species : 0);
  nc->col_ret = nc->cls.info.num_fields;
  nc->types[nc->col_ret] = MYR__F64;
  nc->cls.info.fields = nc->fields;
  nc->cls.types = nc->types;
  nc->cls.num_cols = nc->col_ret + 1;
  nc->cls.info.state_bytes_per_env = (size_t)(4 * nc->col_ret + 8 + 1);

  /* parameters: the env's own, then the model's (but the input) */
  nc->params[P_DT] = (myr_param_info){"dt", m->dt, 1e-12, 1e12, 0, "time",
                                      "model time per step (exact SSA inside)"};
  nc->params[P_CAP] = (myr_param_info){"cap", (double)m->cap, 1.0, 1e9, 1,
                                       "reactions", "reactions per env-step at "
                                       "most (hits are counted)"};
  nc->params[P_MAX_STEPS] = (myr_param_info){"max_steps", (double)m->horizon, 1.0,
                                             2147483647.0, 1, "steps",
                                             "truncation horizon"};
  nc->params[P_TARGET] = (myr_param_info){"target", m->target, 0.0, 1e12, 0,
                                          "molecules", "constant target of the "
                                          "reward species"};
  nc->params[P_TABLES] = (myr_param_info){"tables", 1.0, 0.0, 1.0, 1, "",
                                          "1: tabulated propensities (the same "
                                          "values), 0: every program every event"};
  for (k = 0; k < P_OWN; ++k) nc->param_model[k] = -1;
  np = P_OWN;
  for (k = 0; k < m->num_params && np < MYR_PARAMS_MAX - 2; ++k) {
    if (k == m->input) continue;
    snprintf(nc->param_desc[np], sizeof nc->param_desc[np], "model parameter %s",
             m->params[k]);
    nc->params[np] = (myr_param_info){m->params[k], m->param_value[k], -1e300,
                                      1e300, 0, "", nc->param_desc[np]};
    nc->param_model[np] = k;
    np++;
  }
  /* after the model's (their per-env draws keep their sub-streams): the
   * sine target, then each species' initial count where the name is free
   * and a slot is left */
  nc->p_amp = np;
  nc->params[np] = (myr_param_info){"target_amp", 0.0, 0.0, 1e12, 0, "molecules",
                                    "sine target: amplitude (0: the constant "
                                    "target)"};
  nc->param_model[np++] = -1;
  nc->p_period = np;
  nc->params[np] = (myr_param_info){"target_period", 100.0 * m->dt, 1e-12, 1e12, 0,
                                    "time", "sine target: period in model time"};
  nc->param_model[np++] = -1;
  for (s = 0; s < m->num_species; ++s) {
    int32_t q, taken = 0;
    nc->p_init[s] = -1;
    snprintf(nc->init_name[s], sizeof nc->init_name[s], "init_%s", m->species[s]);
    for (q = 0; q < np; ++q) taken |= strcmp(nc->params[q].name, nc->init_name[s]) == 0;
    if (taken || np >= MYR_PARAMS_MAX) continue;
    snprintf(nc->init_desc[s], sizeof nc->init_desc[s],
             "initial count of %s (per env: uniform(lo,hi))", m->species[s]);
    nc->params[np] = (myr_param_info){nc->init_name[s], (double)m->init[s], 0.0,
                                      (double)(MYR_COUNT_MAX - 1), 1, "molecules",
                                      nc->init_desc[s]};
    nc->p_init[s] = np;
    nc->param_model[np++] = -1;
  }
  nc->cls.info.params = nc->params;
  nc->cls.info.num_params = np;
  nc->cls.info.max_steps_default = m->horizon;

  nc->cls.info.obs_dim = m->num_obs;
  nc->cls.info.obs_low = 0.0f;
  nc->cls.info.obs_high = INFINITY;
  nc->cls.info.action_space =
      m->input_box ? (myr_space){MYR_SPACE_BOX, 1, 0.0f, (float)m->input_max}
                   : (myr_space){MYR_SPACE_DISCRETE,
                                 m->input >= 0 ? m->input_levels : 1, 0.0f, 1.0f};
  snprintf(nc->desc, sizeof nc->desc, "reaction network '%s', exact SSA: %d "
           "species, %d reactions; input %s", m->name, (int)m->num_species,
           (int)m->num_reactions, m->input >= 0 ? m->params[m->input] : "none");
  nc->cls.info.description = nc->desc;
  used = (size_t)snprintf(nc->observation, sizeof nc->observation, "[");
  for (k = 0; k < m->num_obs && used < sizeof nc->observation; ++k)
    used += (size_t)snprintf(nc->observation + used, sizeof nc->observation - used,
                             "%s%s/%g", k ? ", " : "", m->species[m->obs[k]],
                             m->obs_scale[k]);
  if (used < sizeof nc->observation)
    snprintf(nc->observation + used, sizeof nc->observation - used, "]");
  nc->cls.info.observation = nc->observation;
  if (m->reward >= 0)
    snprintf(nc->reward, sizeof nc->reward, "-|%s - target| in molecules after "
             "the step", m->species[m->reward]);
  else
    snprintf(nc->reward, sizeof nc->reward, "0 (system identification)");
  nc->cls.info.reward = nc->reward;
  *out = &nc->cls;
  return MYR_OK;
}

/* ------------------------------------------------------------ the template */

/* what net_build makes of the built-in model (a batch made without a
 * model gets exactly this) */
static const myr_param_info template_params[] = {
    {"dt", 1.0, 1e-12, 1e12, 0, "time", "model time per step (exact SSA inside)"},
    {"cap", 100000.0, 1.0, 1e9, 1, "reactions",
     "reactions per env-step at most (hits are counted)"},
    {"max_steps", 200.0, 1.0, 2147483647.0, 1, "steps", "truncation horizon"},
    {"target", 50.0, 0.0, 1e12, 0, "molecules",
     "constant target of the reward species"},
    {"tables", 1.0, 0.0, 1.0, 1, "",
     "1: tabulated propensities (the same values), 0: every program every event"},
    {"k", 10.0, -1e300, 1e300, 0, "", "model parameter k"},
    {"g", 0.1, -1e300, 1e300, 0, "", "model parameter g"},
    {"target_amp", 0.0, 0.0, 1e12, 0, "molecules",
     "sine target: amplitude (0: the constant target)"},
    {"target_period", 100.0, 1e-12, 1e12, 0, "time",
     "sine target: period in model time"},
    {"init_X", 0.0, 0.0, (double)(MYR_COUNT_MAX - 1), 1, "molecules",
     "initial count of X (per env: uniform(lo,hi))"},
};
static const myr_field_info template_fields[] = {
    {"X", "molecules", "count of species X", 1, 1, (double)MYR_COUNT_MAX},
    {"t", "steps", "steps since reset", 1, 1, 0},
    {"X_end", "molecules", "X at the end of the env's last finished episode", 1, 0, 0},
};
static const uint8_t template_types[] = {MYR__I32, MYR__I32, MYR__I32, MYR__F64};

const myr__env_class myr__network_class = {
    .info = {.id = "reaction-network", .aliases = "sbml",
             .description = "any reaction network (SBML model: myr_batch_def.model), "
                            "exact SSA; without a model: birth-death 0->X (k*U), X->0 (g*X)",
             .obs_dim = 1, .obs_low = 0.0f, .obs_high = INFINITY,
             .action_space = {MYR_SPACE_DISCRETE, 2, 0.0f, 1.0f},
             .num_params = (int32_t)(sizeof template_params / sizeof template_params[0]),
             .params = template_params,
             .num_fields = (int32_t)(sizeof template_fields / sizeof template_fields[0]),
             .fields = template_fields, .max_steps_default = 200,
             .state_bytes_per_env = 4 * 3 + 8 + 1,
             .observation = "[X/100] (the model's observed species / scales)",
             .reward = "-|X - target| in molecules after the step (the model's reward species)"},
    .types = template_types, .num_cols = (int32_t)sizeof template_types,
    .per_env_params = 1, /* the model's parameters (init refuses the own ones) */
    .init = net_init, .fini = net_fini, .reset = net_reset, .step = net_step,
    .observe = net_observe, .build = net_build,
    .default_block = MYR__SSA_BLOCK,
};
