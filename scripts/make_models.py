#!/usr/bin/env python3
"""Write the shipped SBML models (models/*.xml) and the test models
(tests/data/sbml/*.xml): SBML Level 3 Version 1 core, species in molecule
counts (hasOnlySubstanceUnits="true"), irreversible reactions whose kinetic
laws are propensities (reactions per model time unit).

    python3 scripts/make_models.py      # rewrites the files in place
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def ci(x):
    return f"<ci> {x} </ci>"


def cn(v):
    if isinstance(v, int):
        return f'<cn type="integer"> {v} </cn>'
    return f"<cn> {v!r} </cn>"


def ap(op, *args):
    return f"<apply><{op}/>" + "".join(args) + "</apply>"


def times(*a):
    return ap("times", *a)


def hill_act(x, K, n):
    """x^n / (K^n + x^n)"""
    return ap("divide", ap("power", ci(x), ci(n)),
              ap("plus", ap("power", ci(K), ci(n)), ap("power", ci(x), ci(n))))


def hill_rep(x, K, n):
    """1 / (1 + (x / K)^n)"""
    return ap("divide", cn(1), ap("plus", cn(1), ap("power", ap("divide", ci(x), ci(K)), ci(n))))


def model(mid, name, species, params, reactions, notes=""):
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1">',
           f'  <model id="{mid}" name="{name}" substanceUnits="item" timeUnits="second" extentUnits="item">']
    if notes:
        out.append('    <notes><body xmlns="http://www.w3.org/1999/xhtml"><p>'
                   + notes + '</p></body></notes>')
    out.append('    <listOfCompartments>')
    out.append('      <compartment id="cell" spatialDimensions="3" size="1" constant="true"/>')
    out.append('    </listOfCompartments>')
    out.append('    <listOfSpecies>')
    for sid, init in species:
        out.append(f'      <species id="{sid}" compartment="cell" initialAmount="{init}" '
                   'hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>')
    out.append('    </listOfSpecies>')
    out.append('    <listOfParameters>')
    for pid, val in params:
        out.append(f'      <parameter id="{pid}" value="{val!r}" constant="true"/>')
    out.append('    </listOfParameters>')
    out.append('    <listOfReactions>')
    for rid, reac, prod, mods, law in reactions:
        out.append(f'      <reaction id="{rid}" reversible="false" fast="false">')
        for tag, lst in (("listOfReactants", reac), ("listOfProducts", prod)):
            if lst:
                out.append(f'        <{tag}>')
                for sid, st in lst:
                    out.append(f'          <speciesReference species="{sid}" stoichiometry="{st}" constant="true"/>')
                out.append(f'        </{tag}>')
        if mods:
            out.append('        <listOfModifiers>')
            for sid in mods:
                out.append(f'          <modifierSpeciesReference species="{sid}"/>')
            out.append('        </listOfModifiers>')
        out.append('        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML">'
                   + law + '</math></kineticLaw>')
        out.append('      </reaction>')
    out.append('    </listOfReactions>')
    out.append('  </model>')
    out.append('</sbml>')
    return "\n".join(out) + "\n"


def write(path, text):
    with open(os.path.join(ROOT, path), "w") as f:
        f.write(text)


# birth-death: 0 -> X at k*U, X -> 0 at g*X
write("models/birth_death.xml", model(
    "birth_death", "birth-death process",
    [("X", 0)], [("k", 10.0), ("g", 0.1), ("U", 1.0)],
    [("birth", [], [("X", 1)], [], times(ci("k"), ci("U"))),
     ("death", [("X", 1)], [], [], times(ci("g"), ci("X")))],
    "Birth-death process: X is made at k*U per time unit and each molecule "
    "decays at rate g; from X = 0 the count at time t is Poisson with mean "
    "k*U/g*(1 - exp(-g*t))."))

# CcaS-CcaR (src/envs/ccasr/physics.h): minutes, light U in {0, 1}
write("models/ccasr.xml", model(
    "ccasr", "CcaS-CcaR light-inducible GFP circuit",
    [("H", 0), ("F", 0)],
    [("eta", 1.0), ("nu", 0.01), ("a", 1.0), ("Kh", 90.0), ("nh", 3.6),
     ("Kf", 30.0), ("nf", 3.6), ("U", 0.0)],
    [("R1", [], [("H", 1)], [], times(ci("eta"), ci("U"))),
     ("R2", [("H", 1)], [], [], times(ci("nu"), ci("H"))),
     ("R3", [], [("F", 1)], ["H"], times(cn(0.5), ci("a"), hill_act("H", "Kh", "nh"))),
     ("R4", [], [("F", 1)], ["F"], times(cn(0.5), ci("a"), hill_act("F", "Kf", "nf"))),
     ("R5", [("F", 1)], [], [], times(ci("nu"), ci("F")))],
    "CcaS-CcaR: light U drives CcaS-CcaR (H), which drives GFP (F) with GFP "
    "self-activation; time in minutes (the rates of myriad's gene-circuit env)."))

# Elowitz-Leibler repressilator: mRNA mX, protein pX; X represses the next
# gene (lacI -| tetR -| cI -| lacI); time in minutes
rep_params = [("alpha", 2.0), ("alpha0", 0.002), ("K", 5.0), ("n", 2.0),
              ("dm", 0.5), ("beta", 2.0), ("dp", 0.1)]
rep_rx = []
genes = ["lacI", "tetR", "cI"]
for i, g in enumerate(genes):
    rep = genes[(i - 1) % 3]  # the gene before represses this one
    m, p, pr = "m_" + g, "p_" + g, "p_" + rep
    rep_rx += [
        ("tx_" + g, [], [(m, 1)], [pr],
         ap("plus", ci("alpha0"), times(ci("alpha"), hill_rep(pr, "K", "n")))),
        ("mdeg_" + g, [(m, 1)], [], [], times(ci("dm"), ci(m))),
        ("tl_" + g, [], [(p, 1)], [m], times(ci("beta"), ci(m))),
        ("pdeg_" + g, [(p, 1)], [], [], times(ci("dp"), ci(p)))]
write("models/repressilator.xml", model(
    "repressilator", "Elowitz-Leibler repressilator",
    [("m_lacI", 0), ("p_lacI", 20), ("m_tetR", 0), ("p_tetR", 0), ("m_cI", 0), ("p_cI", 0)],
    rep_params, rep_rx,
    "Repressilator (Elowitz and Leibler, Nature 403:335, 2000): three genes, "
    "each repressing the next by a Hill function; mRNA and protein counts, "
    "time in minutes."))

# Gardner toggle switch with IPTG induction (Gardner, Cantor and Collins,
# Nature 403:339, 2000), molecule counts
write("models/toggle.xml", model(
    "toggle", "Gardner genetic toggle switch with IPTG",
    [("u", 0), ("v", 0)],
    [("alpha1", 50.0), ("alpha2", 50.0), ("beta", 2.5), ("gamma", 1.0),
     ("Ku", 10.0), ("Kv", 10.0), ("eta", 2.0), ("KI", 1.0), ("d", 1.0),
     ("IPTG", 0.0)],
    [("make_u", [], [("u", 1)], ["v"], times(ci("alpha1"), hill_rep("v", "Kv", "beta"))),
     ("make_v", [], [("v", 1)], ["u"],
      times(ci("alpha2"), ap("divide", cn(1), ap("plus", cn(1), ap("power",
          ap("divide", ap("divide", ci("u"), ap("power", ap("plus", cn(1), ap("divide", ci("IPTG"), ci("KI"))), ci("eta"))), ci("Ku")),
          ci("gamma")))))),
     ("deg_u", [("u", 1)], [], [], times(ci("d"), ci("u"))),
     ("deg_v", [("v", 1)], [], [], times(ci("d"), ci("v")))],
    "Toggle switch: u and v repress each other; the inducer IPTG (the input) "
    "sequesters u's repression of v, flipping the switch to high v."))

# a two-species network with second-order mass action (tests only)
write("tests/data/sbml/dimer.xml", model(
    "dimer", "dimerisation",
    [("A", 0), ("B", 0)], [("k1", 4.0), ("d1", 0.1), ("k2", 0.02), ("d2", 0.2)],
    [("make", [], [("A", 1)], [], ci("k1")),
     ("decay", [("A", 1)], [], [], times(ci("d1"), ci("A"))),
     ("dimerise", [("A", 2)], [("B", 1)], [],
      times(ci("k2"), ci("A"), ap("minus", ci("A"), cn(1)), cn(0.5))),
     ("split", [("B", 1)], [("A", 2)], [], times(ci("d2"), ci("B")))],
    "A is made and decays; two A make one B (stochastic mass action "
    "k2*A*(A-1)/2); B splits back into two A."))


# ---------------------------------------------------------------- refused
# One small file per feature the SSA cannot honour; tests/test_network.c
# checks that loading each fails with a message naming the element and id.

def refused(comp='<compartment id="cell" spatialDimensions="3" size="1" constant="true"/>',
            hosu="true", extra_species="", before_reactions="", after_reactions="",
            rev="false", fast="false", st="1", law=None, extra_model=""):
    law = law or times(ci("k"), ci("A"))
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1">
  <model id="refused">
    <listOfCompartments>
      {comp}
    </listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="cell" initialAmount="10" hasOnlySubstanceUnits="{hosu}" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="cell" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>{extra_species}
    </listOfSpecies>
    <listOfParameters>
      <parameter id="k" value="1" constant="false"/>
    </listOfParameters>{extra_model}{before_reactions}
    <listOfReactions>
      <reaction id="conv" reversible="{rev}" fast="{fast}">
        <listOfReactants><speciesReference species="A" stoichiometry="{st}" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML">{law}</math></kineticLaw>
      </reaction>
    </listOfReactions>{after_reactions}
  </model>
</sbml>
'''


MATH = '<math xmlns="http://www.w3.org/1998/Math/MathML">'
R = "tests/data/sbml/"
write(R + "ok_base.xml", refused())
write(R + "refuse_event.xml", refused(after_reactions=f'''
    <listOfEvents>
      <event id="pulse" useValuesFromTriggerTime="true">
        <trigger initialValue="false" persistent="true">{MATH}<apply><gt/><ci> B </ci><cn> 5 </cn></apply></math></trigger>
        <listOfEventAssignments><eventAssignment variable="A">{MATH}<cn> 10 </cn></math></eventAssignment></listOfEventAssignments>
      </event>
    </listOfEvents>'''))
write(R + "refuse_rate_rule.xml", refused(before_reactions=f'''
    <listOfRules><rateRule variable="k">{MATH}<cn> 0.1 </cn></math></rateRule></listOfRules>'''))
write(R + "refuse_assignment_rule.xml", refused(before_reactions=f'''
    <listOfRules><assignmentRule variable="k">{MATH}<apply><times/><cn> 2 </cn><ci> B </ci></apply></math></assignmentRule></listOfRules>'''))
write(R + "refuse_algebraic_rule.xml", refused(before_reactions=f'''
    <listOfRules><algebraicRule>{MATH}<apply><minus/><ci> k </ci><cn> 1 </cn></apply></math></algebraicRule></listOfRules>'''))
write(R + "refuse_initial_assignment.xml", refused(before_reactions=f'''
    <listOfInitialAssignments><initialAssignment symbol="k">{MATH}<cn> 3 </cn></math></initialAssignment></listOfInitialAssignments>'''))
write(R + "refuse_stoichiometry.xml", refused(st="1.5"))
write(R + "refuse_fast.xml", refused(fast="true"))
write(R + "refuse_reversible.xml", refused(rev="true"))
write(R + "refuse_delay.xml", refused(law='<apply><times/><ci> k </ci><apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/delay"> delay </csymbol><ci> A </ci><cn> 1 </cn></apply></apply>'))
write(R + "refuse_time.xml", refused(law='<apply><times/><ci> k </ci><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time"> t </csymbol></apply>'))
write(R + "refuse_function.xml", refused(law='<apply><times/><ci> k </ci><apply><sin/><ci> A </ci></apply></apply>'))
write(R + "refuse_piecewise.xml", refused(law='<piecewise><piece><ci> k </ci><apply><gt/><ci> A </ci><cn> 1 </cn></apply></piece><otherwise><cn> 0 </cn></otherwise></piecewise>'))
write(R + "refuse_concentration.xml", refused(
    comp='<compartment id="cell" spatialDimensions="3" constant="true"/>', hosu="false"))
write(R + "refuse_unknown_symbol.xml", refused(law=times(ci("k"), ci("Z"))))
write(R + "refuse_non_integer_amount.xml", refused(extra_species='''
      <species id="C" compartment="cell" initialAmount="2.5" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>'''))
write(R + "refuse_too_many_species.xml", refused(extra_species="".join(f'''
      <species id="S{i}" compartment="cell" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>''' for i in range(13))))
write(R + "refuse_malformed.xml", refused()[:400])
# a function definition, inlined (accepted): k * sq(A) / A = k * A
write(R + "ok_function_definition.xml", refused(
    extra_model=f'''
    <listOfFunctionDefinitions>
      <functionDefinition id="sq">{MATH}<lambda><bvar><ci> x </ci></bvar><apply><times/><ci> x </ci><ci> x </ci></apply></lambda></math></functionDefinition>
    </listOfFunctionDefinitions>''',
    law='<apply><divide/><apply><times/><ci> k </ci><apply><ci> sq </ci><ci> A </ci></apply></apply><ci> A </ci></apply>'))
