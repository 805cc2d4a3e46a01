/*
 * sbml.c -- SBML import through libSBML's C API (optional: built with
 * MYR_HAVE_SBML; without it every load fails with "built without SBML
 * support (libsbml)").
 *
 * What is read, and how it is interpreted (docs/reaction-networks.md):
 *  - species are integer molecule counts: initialAmount, or
 *    initialConcentration x compartment size, must be a whole number;
 *    in a kinetic law a species with hasOnlySubstanceUnits="true" stands
 *    for its count, any other for count / compartment size (its
 *    concentration), so a compartment size must be set;
 *  - a kinetic law is the reaction's propensity in reactions per model
 *    time unit, read literally (no conversion): for 2A -> B write
 *    k * A * (A - 1) / 2 for the stochastic mass-action convention;
 *  - global parameters stay parameters (the input is one, and each is a
 *    parameter of the env); local parameters and compartment sizes are
 *    constants; function definitions are inlined;
 *  - refused, with an error naming the element and its id: events, rate,
 *    assignment and algebraic rules, initial assignments, conversion
 *    factors, fast or reversible reactions, reactions without a kinetic
 *    law, stoichiometryMath or non-integer stoichiometry, delay, time and
 *    Avogadro csymbols, piecewise, relational, logical and any other
 *    MathML function outside + - * / ^ exp ln log root abs floor ceiling
 *    min max, concentration species without a compartment size;
 * constraints and unit definitions are ignored (they do not change the
 * dynamics).  The compiled program never re-reads the SBML.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

#if !defined(MYR_HAVE_SBML)

int myr__sbml_read(const char* text, size_t len, int is_file,
                   myr_model** out) {
  (void)text;
  (void)len;
  (void)is_file;
  *out = NULL;
  return myr__fail(MYR_ENODEV, "built without SBML support (libsbml): "
                   "rebuild with libsbml installed (Debian: libsbml5-dev) "
                   "and -DMYR_SBML=ON");
}

int myr_sbml_available(void) { return 0; }

#else

#include <sbml/SBMLTypes.h>

int myr_sbml_available(void) { return 1; }

/* inlined function definitions: bound variable names and the arguments
 * they stand for, resolved in the caller's frame */
#define FRAMES_MAX 16
#define BVARS_MAX 32

typedef struct frame {
  int32_t n;
  const char* name[BVARS_MAX];
  const ASTNode_t* arg[BVARS_MAX];
  int32_t parent; /* frame the arguments are compiled in, -1: the law */
} frame;

typedef struct comp {
  myr_model* m;
  const Model_t* sm;
  const KineticLaw_t* kl;
  const char* rid;  /* the reaction's id, for messages */
  int32_t cap;      /* room in m->ops */
  int32_t sp;       /* stack depth at this point of the program */
  frame frames[FRAMES_MAX];
  int32_t nframes;
  int32_t cur;      /* current frame, -1: the kinetic law itself */
} comp;

static const char* str_or(const char* s, const char* dflt) {
  return s != NULL && s[0] != '\0' ? s : dflt;
}

static int emit(comp* c, int32_t code, int32_t arg, double value, int pops) {
  myr__op* op;
  if (c->m->num_ops >= c->cap)
    return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s': the model's "
                     "propensities exceed %d operations", c->rid, MYR__NET_OPS_MAX);
  c->sp += 1 - pops;
  if (c->sp > MYR__NET_STACK)
    return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s': expression "
                     "nested too deeply (stack of %d)", c->rid, MYR__NET_STACK);
  op = &c->m->ops[c->m->num_ops++];
  op->code = code;
  op->arg = arg;
  op->value = value;
  return MYR_OK;
}

static int compile(comp* c, const ASTNode_t* n);

/* a name: a bound variable, local parameter, species, parameter or
 * compartment */
static int compile_name(comp* c, const char* name) {
  const Species_t* sp;
  const Compartment_t* cp;
  int32_t k;
  if (name == NULL) name = "";
  if (c->cur >= 0) {
    frame* f = &c->frames[c->cur];
    for (k = 0; k < f->n; ++k)
      if (strcmp(f->name[k], name) == 0) {
        int32_t saved = c->cur;
        int rc;
        c->cur = f->parent;
        rc = compile(c, f->arg[k]);
        c->cur = saved;
        return rc;
      }
  }
  if (c->kl != NULL) {
    unsigned int i, nl = KineticLaw_getNumLocalParameters(c->kl);
    for (i = 0; i < nl; ++i) {
      const LocalParameter_t* lp = KineticLaw_getLocalParameter((KineticLaw_t*)c->kl, i);
      if (strcmp(str_or(LocalParameter_getId(lp), ""), name) == 0)
        return emit(c, MYR__OP_CONST, 0, LocalParameter_getValue(lp), 0);
    }
    nl = KineticLaw_getNumParameters(c->kl); /* Level 2 local parameters */
    for (i = 0; i < nl; ++i) {
      const Parameter_t* lp = KineticLaw_getParameter((KineticLaw_t*)c->kl, i);
      if (strcmp(str_or(Parameter_getId(lp), ""), name) == 0)
        return emit(c, MYR__OP_CONST, 0, Parameter_getValue(lp), 0);
    }
  }
  if ((k = myr__model_species(c->m, name)) >= 0) {
    int rc;
    sp = Model_getSpeciesById((Model_t*)c->sm, name);
    if ((rc = emit(c, MYR__OP_SPECIES, k, 0.0, 0)) != MYR_OK) return rc;
    if (sp != NULL && !Species_getHasOnlySubstanceUnits(sp)) {
      /* a concentration: count / size (checked set and > 0 when read) */
      cp = Model_getCompartmentById((Model_t*)c->sm, Species_getCompartment(sp));
      if ((rc = emit(c, MYR__OP_CONST, 0, Compartment_getSize(cp), 0)) != MYR_OK)
        return rc;
      return emit(c, MYR__OP_DIV, 0, 0.0, 2);
    }
    return MYR_OK;
  }
  if ((k = myr__model_param(c->m, name)) >= 0)
    return emit(c, MYR__OP_PARAM, k, 0.0, 0);
  cp = Model_getCompartmentById((Model_t*)c->sm, name);
  if (cp != NULL) {
    if (!Compartment_isSetSize(cp))
      return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s' uses "
                       "compartment '%s', which has no size", c->rid, name);
    return emit(c, MYR__OP_CONST, 0, Compartment_getSize(cp), 0);
  }
  return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s': unknown symbol "
                   "'%s' (not a species, parameter or compartment)", c->rid, name);
}

/* the children of n folded with op (n-ary plus, times, min, max) */
static int fold(comp* c, const ASTNode_t* n, int32_t op, double empty) {
  unsigned int i, k = ASTNode_getNumChildren(n);
  int rc;
  if (k == 0) return emit(c, MYR__OP_CONST, 0, empty, 0);
  for (i = 0; i < k; ++i) {
    if ((rc = compile(c, ASTNode_getChild(n, i))) != MYR_OK) return rc;
    if (i > 0 && (rc = emit(c, op, 0, 0.0, 2)) != MYR_OK) return rc;
  }
  return MYR_OK;
}

static int unary(comp* c, const ASTNode_t* n, int32_t op, const char* what) {
  int rc;
  if (ASTNode_getNumChildren(n) != 1)
    return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s': %s takes one "
                     "argument", c->rid, what);
  if ((rc = compile(c, ASTNode_getChild(n, 0))) != MYR_OK) return rc;
  return emit(c, op, 0, 0.0, 1);
}

static int binary(comp* c, const ASTNode_t* n, int32_t op, const char* what) {
  int rc;
  if (ASTNode_getNumChildren(n) != 2)
    return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s': %s takes two "
                     "arguments", c->rid, what);
  if ((rc = compile(c, ASTNode_getChild(n, 0))) != MYR_OK ||
      (rc = compile(c, ASTNode_getChild(n, 1))) != MYR_OK)
    return rc;
  return emit(c, op, 0, 0.0, 2);
}

/* a call of a functionDefinition: its body with the arguments bound */
static int inline_call(comp* c, const ASTNode_t* n) {
  const char* name = str_or(ASTNode_getName(n), "");
  const FunctionDefinition_t* fd =
      Model_getFunctionDefinitionById((Model_t*)c->sm, name);
  unsigned int i, na;
  frame* f;
  int32_t saved;
  int rc;
  const ASTNode_t* body;
  if (fd == NULL)
    return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s': unknown "
                     "function '%s'", c->rid, name);
  na = FunctionDefinition_getNumArguments(fd);
  body = FunctionDefinition_getBody(fd);
  if (body == NULL || na != ASTNode_getNumChildren(n) || na > BVARS_MAX)
    return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s': call of "
                     "functionDefinition '%s' with %u arguments (it takes %u, "
                     "at most %d)", c->rid, name, ASTNode_getNumChildren(n), na,
                     BVARS_MAX);
  if (c->nframes >= FRAMES_MAX)
    return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s': function "
                     "definitions nested deeper than %d (at '%s')", c->rid,
                     FRAMES_MAX, name);
  f = &c->frames[c->nframes];
  f->n = (int32_t)na;
  f->parent = c->cur;
  for (i = 0; i < na; ++i) {
    f->name[i] = str_or(ASTNode_getName(FunctionDefinition_getArgument(fd, i)), "");
    f->arg[i] = ASTNode_getChild(n, i);
  }
  saved = c->cur;
  c->cur = c->nframes++;
  rc = compile(c, body);
  c->nframes--;
  c->cur = saved;
  return rc;
}

static int compile(comp* c, const ASTNode_t* n) {
  ASTNodeType_t t;
  int rc;
  if (n == NULL)
    return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s': empty math",
                     c->rid);
  t = ASTNode_getType(n);
  switch (t) {
    case AST_PLUS: return fold(c, n, MYR__OP_ADD, 0.0);
    case AST_TIMES: return fold(c, n, MYR__OP_MUL, 1.0);
    case AST_MINUS:
      if (ASTNode_getNumChildren(n) == 1) return unary(c, n, MYR__OP_NEG, "minus");
      return binary(c, n, MYR__OP_SUB, "minus");
    case AST_DIVIDE: return binary(c, n, MYR__OP_DIV, "divide");
    case AST_POWER:
    case AST_FUNCTION_POWER: return binary(c, n, MYR__OP_POW, "power");
    case AST_INTEGER:
      return emit(c, MYR__OP_CONST, 0, (double)ASTNode_getInteger(n), 0);
    case AST_REAL:
    case AST_REAL_E:
    case AST_RATIONAL: return emit(c, MYR__OP_CONST, 0, ASTNode_getReal(n), 0);
    case AST_CONSTANT_E: return emit(c, MYR__OP_CONST, 0, 2.718281828459045235, 0);
    case AST_CONSTANT_PI: return emit(c, MYR__OP_CONST, 0, 3.141592653589793238, 0);
    case AST_NAME: return compile_name(c, ASTNode_getName(n));
    case AST_FUNCTION_EXP: return unary(c, n, MYR__OP_EXP, "exp");
    case AST_FUNCTION_LN: return unary(c, n, MYR__OP_LN, "ln");
    case AST_FUNCTION_ABS: return unary(c, n, MYR__OP_ABS, "abs");
    case AST_FUNCTION_FLOOR: return unary(c, n, MYR__OP_FLOOR, "floor");
    case AST_FUNCTION_CEILING: return unary(c, n, MYR__OP_CEIL, "ceiling");
    case AST_FUNCTION_LOG:
      if (ASTNode_getNumChildren(n) == 1) return unary(c, n, MYR__OP_LOG10, "log");
      /* log_b(x) = ln(x) / ln(b); children: base, x */
      if (ASTNode_getNumChildren(n) != 2) return unary(c, n, MYR__OP_LOG10, "log");
      if ((rc = compile(c, ASTNode_getChild(n, 1))) != MYR_OK ||
          (rc = emit(c, MYR__OP_LN, 0, 0.0, 1)) != MYR_OK ||
          (rc = compile(c, ASTNode_getChild(n, 0))) != MYR_OK ||
          (rc = emit(c, MYR__OP_LN, 0, 0.0, 1)) != MYR_OK)
        return rc;
      return emit(c, MYR__OP_DIV, 0, 0.0, 2);
    case AST_FUNCTION_ROOT:
      if (ASTNode_getNumChildren(n) == 1) return unary(c, n, MYR__OP_SQRT, "root");
      if (ASTNode_getNumChildren(n) != 2) return unary(c, n, MYR__OP_SQRT, "root");
      /* x^(1/degree); children: degree, x */
      if ((rc = compile(c, ASTNode_getChild(n, 1))) != MYR_OK ||
          (rc = emit(c, MYR__OP_CONST, 0, 1.0, 0)) != MYR_OK ||
          (rc = compile(c, ASTNode_getChild(n, 0))) != MYR_OK ||
          (rc = emit(c, MYR__OP_DIV, 0, 0.0, 2)) != MYR_OK)
        return rc;
      return emit(c, MYR__OP_POW, 0, 0.0, 2);
    case AST_FUNCTION_MAX: return fold(c, n, MYR__OP_MAX, 0.0);
    case AST_FUNCTION_MIN: return fold(c, n, MYR__OP_MIN, 0.0);
    case AST_FUNCTION: return inline_call(c, n);
    case AST_FUNCTION_DELAY:
      return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s' uses delay: "
                       "delays are not supported by the SSA", c->rid);
    case AST_NAME_TIME:
      return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s' uses the time "
                       "csymbol: time-dependent propensities are not supported",
                       c->rid);
    case AST_NAME_AVOGADRO:
      return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s' uses the "
                       "avogadro csymbol: not supported", c->rid);
    default: {
      const char* name = ASTNode_getName(n);
      return myr__fail(MYR_EINVAL, "kineticLaw of reaction '%s': unsupported "
                       "MathML function '%s' (supported: + - * / ^ exp ln log "
                       "root abs floor ceiling min max and function "
                       "definitions)", c->rid,
                       name != NULL ? name : "(operator)");
    }
  }
}

/* id of an SBML element for messages */
#define ID(s) str_or((s), "(no id)")

static int copy_name(char* dst, const char* id, const char* what) {
  if (id == NULL || id[0] == '\0')
    return myr__fail(MYR_EINVAL, "a %s has no id", what);
  if (strlen(id) >= MYR__NET_NAME)
    return myr__fail(MYR_EINVAL, "%s '%s': id longer than %d characters", what,
                     id, MYR__NET_NAME - 1);
  strcpy(dst, id);
  return MYR_OK;
}

/* the refused model-level elements */
static int check_model(const Model_t* sm) {
  unsigned int i;
  if (Model_getNumEvents(sm) > 0) {
    const Event_t* e = Model_getEvent((Model_t*)sm, 0);
    return myr__fail(MYR_EINVAL, "SBML event '%s' is not supported (the SSA "
                     "has no discontinuous events)", ID(Event_getId(e)));
  }
  for (i = 0; i < Model_getNumRules(sm); ++i) {
    const Rule_t* r = Model_getRule((Model_t*)sm, i);
    const char* kind = Rule_isRate(r) ? "rateRule"
                       : Rule_isAssignment(r) ? "assignmentRule" : "algebraicRule";
    if (Rule_isAlgebraic(r))
      return myr__fail(MYR_EINVAL, "SBML algebraicRule (rule %u of the model) "
                       "is not supported (only reactions change the state)", i + 1);
    return myr__fail(MYR_EINVAL, "SBML %s for '%s' is not supported (only "
                     "reactions change the state)", kind, ID(Rule_getVariable(r)));
  }
  if (Model_getNumInitialAssignments(sm) > 0) {
    const InitialAssignment_t* a = Model_getInitialAssignment((Model_t*)sm, 0);
    return myr__fail(MYR_EINVAL, "SBML initialAssignment for '%s' is not "
                     "supported (give initial values directly)",
                     ID(InitialAssignment_getSymbol(a)));
  }
  if (Model_isSetConversionFactor(sm))
    return myr__fail(MYR_EINVAL, "SBML model conversionFactor '%s' is not "
                     "supported", ID(Model_getConversionFactor(sm)));
  return MYR_OK;
}

static int read_species(myr_model* m, const Model_t* sm, uint8_t* fixed) {
  unsigned int i, ns = Model_getNumSpecies(sm);
  int rc;
  if (ns > MYR__NET_SPECIES_MAX)
    return myr__fail(MYR_EINVAL, "model has %u species; the reaction-network "
                     "env holds at most %d (its %d state columns: the species, "
                     "the step counter and the return)", ns,
                     MYR__NET_SPECIES_MAX, MYR__COLS_MAX);
  for (i = 0; i < ns; ++i) {
    const Species_t* s = Model_getSpecies((Model_t*)sm, i);
    const char* id = Species_getId(s);
    const Compartment_t* cp = Model_getCompartmentById((Model_t*)sm,
                                                        Species_getCompartment(s));
    double amount, vol = cp != NULL && Compartment_isSetSize(cp)
                             ? Compartment_getSize(cp) : (double)NAN;
    if ((rc = copy_name(m->species[i], id, "species")) != MYR_OK) return rc;
    if (Species_isSetConversionFactor(s))
      return myr__fail(MYR_EINVAL, "species '%s': conversionFactor is not "
                       "supported", id);
    if (!Species_getHasOnlySubstanceUnits(s) && !(vol > 0.0 && isfinite(vol)))
      return myr__fail(MYR_EINVAL, "species '%s' is a concentration "
                       "(hasOnlySubstanceUnits is false) but its compartment "
                       "'%s' has no volume (size): set the size, or "
                       "hasOnlySubstanceUnits=\"true\"", id,
                       ID(Species_getCompartment(s)));
    if (Species_isSetInitialAmount(s)) {
      amount = Species_getInitialAmount(s);
    } else if (Species_isSetInitialConcentration(s)) {
      if (!(vol > 0.0 && isfinite(vol)))
        return myr__fail(MYR_EINVAL, "species '%s' has an initialConcentration "
                         "but its compartment '%s' has no volume (size)", id,
                         ID(Species_getCompartment(s)));
      amount = Species_getInitialConcentration(s) * vol;
    } else {
      return myr__fail(MYR_EINVAL, "species '%s' has no initialAmount or "
                       "initialConcentration", id);
    }
    if (!(amount >= 0.0 && amount <= (double)MYR_COUNT_MAX) ||
        amount != floor(amount))
      return myr__fail(MYR_EINVAL, "species '%s': initial amount %g is not a "
                       "whole number of molecules in [0, %d]", id, amount,
                       MYR_COUNT_MAX);
    m->init[i] = (int32_t)amount;
    fixed[i] = (uint8_t)(Species_getBoundaryCondition(s) || Species_getConstant(s));
  }
  m->num_species = (int32_t)ns;
  return MYR_OK;
}

static int read_params(myr_model* m, const Model_t* sm) {
  unsigned int i, np = Model_getNumParameters(sm);
  int rc;
  if (np > MYR__NET_PARAMS_MAX)
    return myr__fail(MYR_EINVAL, "model has %u parameters (at most %d)", np,
                     MYR__NET_PARAMS_MAX);
  for (i = 0; i < np; ++i) {
    const Parameter_t* p = Model_getParameter((Model_t*)sm, i);
    const char* id = Parameter_getId(p);
    if ((rc = copy_name(m->params[i], id, "parameter")) != MYR_OK) return rc;
    if (!Parameter_isSetValue(p))
      return myr__fail(MYR_EINVAL, "parameter '%s' has no value", id);
    m->param_value[i] = Parameter_getValue(p);
    if (!isfinite(m->param_value[i]))
      return myr__fail(MYR_EINVAL, "parameter '%s' has a non-finite value", id);
  }
  m->num_params = (int32_t)np;
  return MYR_OK;
}

/* reactants (sign -1) or products (+1) of reaction j */
static int read_refs(myr_model* m, const Reaction_t* r, int32_t j, int sign,
                     const uint8_t* fixed) {
  unsigned int i, n = sign < 0 ? Reaction_getNumReactants(r)
                               : Reaction_getNumProducts(r);
  const char* rid = ID(Reaction_getId(r));
  for (i = 0; i < n; ++i) {
    const SpeciesReference_t* sr = sign < 0 ? Reaction_getReactant((Reaction_t*)r, i)
                                            : Reaction_getProduct((Reaction_t*)r, i);
    const char* sid = ID(SpeciesReference_getSpecies(sr));
    int32_t s = myr__model_species(m, sid);
    double st = 1.0;
    if (s < 0)
      return myr__fail(MYR_EINVAL, "reaction '%s' refers to unknown species '%s'",
                       rid, sid);
    if (SpeciesReference_isSetStoichiometryMath(sr))
      return myr__fail(MYR_EINVAL, "reaction '%s': stoichiometryMath of species "
                       "'%s' is not supported", rid, sid);
    if (SpeciesReference_isSetStoichiometry(sr))
      st = SpeciesReference_getStoichiometry(sr);
    if (!(st >= 0.0 && st <= 1e6) || st != floor(st))
      return myr__fail(MYR_EINVAL, "reaction '%s': non-integer stoichiometry %g "
                       "of species '%s' (the SSA changes whole molecules)", rid,
                       st, sid);
    if (!fixed[s]) {
      m->delta[j * MYR__NET_SPECIES_MAX + s] += sign * (int32_t)st;
      if (sign < 0) m->need[j * MYR__NET_SPECIES_MAX + s] += (int32_t)st;
    }
  }
  return MYR_OK;
}

static int read_reactions(myr_model* m, const Model_t* sm, const uint8_t* fixed) {
  unsigned int i, nr = Model_getNumReactions(sm);
  comp c;
  int rc;
  memset(&c, 0, sizeof c);
  c.m = m;
  c.sm = sm;
  c.cap = MYR__NET_OPS_MAX;
  c.cur = -1;
  m->num_reactions = (int32_t)nr;
  for (i = 0; i < nr; ++i) {
    const Reaction_t* r = Model_getReaction((Model_t*)sm, i);
    const char* rid = ID(Reaction_getId(r));
    if (Reaction_isSetFast(r) && Reaction_getFast(r))
      return myr__fail(MYR_EINVAL, "reaction '%s' is fast: fast reactions are "
                       "not supported by the SSA", rid);
    if (Reaction_getReversible(r))
      return myr__fail(MYR_EINVAL, "reaction '%s' is reversible: a net rate is "
                       "no propensity; split it into two irreversible "
                       "reactions", rid);
    if (!Reaction_isSetKineticLaw(r))
      return myr__fail(MYR_EINVAL, "reaction '%s' has no kineticLaw", rid);
    if ((rc = read_refs(m, r, (int32_t)i, -1, fixed)) != MYR_OK ||
        (rc = read_refs(m, r, (int32_t)i, +1, fixed)) != MYR_OK)
      return rc;
    c.kl = Reaction_getKineticLaw((Reaction_t*)r);
    c.rid = rid;
    c.sp = 0;
    c.nframes = 0;
    m->start[i] = m->num_ops;
    if ((rc = compile(&c, KineticLaw_getMath(c.kl))) != MYR_OK) return rc;
    m->start[i + 1] = m->num_ops;
  }
  return MYR_OK;
}

/* libSBML's first error (or fatal) of the document, with its line */
static int doc_errors(SBMLDocument_t* doc, const char* what) {
  unsigned int sev[2] = {LIBSBML_SEV_FATAL, LIBSBML_SEV_ERROR}, k;
  for (k = 0; k < 2; ++k)
    if (SBMLDocument_getNumErrorsWithSeverity(doc, sev[k]) > 0) {
      const SBMLError_t* e = SBMLDocument_getErrorWithSeverity(doc, 0, sev[k]);
      char msg[320];
      size_t len;
      snprintf(msg, sizeof msg, "%s", str_or(XMLError_getMessage((const XMLError_t*)e), "?"));
      len = strlen(msg);
      while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' ')) msg[--len] = '\0';
      return myr__fail(MYR_EINVAL, "%s is not valid SBML (line %u): %s", what,
                       XMLError_getLine((const XMLError_t*)e), msg);
    }
  return MYR_OK;
}

int myr__sbml_read(const char* text, size_t len, int is_file,
                   myr_model** out) {
  SBMLDocument_t* doc;
  const Model_t* sm;
  myr_model* m = NULL;
  uint8_t fixed[MYR__NET_SPECIES_MAX];
  char what[300];
  int rc;
  *out = NULL;
  if (is_file) {
    FILE* f = fopen(text, "rb");
    if (f == NULL)
      return myr__fail(MYR_EINVAL, "cannot read model '%s'", text);
    fclose(f);
    snprintf(what, sizeof what, "'%s'", text);
    doc = readSBMLFromFile(text);
  } else {
    /* libSBML reads a NUL-terminated string */
    char* copy = (char*)myr__alloc(len + 1);
    if (copy == NULL) return myr__fail(MYR_ENOMEM, "out of memory (SBML text)");
    memcpy(copy, text, len);
    copy[len] = '\0';
    snprintf(what, sizeof what, "the model text");
    doc = readSBMLFromString(copy);
    myr__free(copy);
  }
  if (doc == NULL) return myr__fail(MYR_ENOMEM, "out of memory (libsbml)");
  if ((rc = doc_errors(doc, what)) != MYR_OK) {
    SBMLDocument_free(doc);
    return rc;
  }
  sm = SBMLDocument_getModel(doc);
  if (sm == NULL) {
    SBMLDocument_free(doc);
    return myr__fail(MYR_EINVAL, "%s has no <model>", what);
  }
  memset(fixed, 0, sizeof fixed);
  rc = myr__model_new((int32_t)Model_getNumReactions(sm) <= MYR__NET_REACTIONS_MAX
                          ? (int32_t)Model_getNumReactions(sm) : 1,
                      MYR__NET_OPS_MAX, &m);
  if (rc == MYR_OK && Model_getNumReactions(sm) > MYR__NET_REACTIONS_MAX)
    rc = myr__fail(MYR_EINVAL, "model has %u reactions (at most %d)",
                   Model_getNumReactions(sm), MYR__NET_REACTIONS_MAX);
  if (rc == MYR_OK) {
    snprintf(m->name, sizeof m->name, "%s",
             str_or(Model_getName(sm), str_or(Model_getId(sm), "model")));
    rc = check_model(sm);
  }
  if (rc == MYR_OK) rc = read_species(m, sm, fixed);
  if (rc == MYR_OK) rc = read_params(m, sm);
  if (rc == MYR_OK) rc = read_reactions(m, sm, fixed);
  SBMLDocument_free(doc);
  if (rc == MYR_OK) {
    /* the exact-size copy */
    myr_model* c = NULL;
    rc = myr__model_copy(m, &c);
    myr_model_destroy(m);
    m = c;
  }
  if (rc != MYR_OK) {
    myr_model_destroy(m);
    return rc;
  }
  *out = m;
  return MYR_OK;
}

#endif /* MYR_HAVE_SBML */
