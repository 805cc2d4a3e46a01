#!/usr/bin/python3
"""Myriad's reaction-network env and GillesPy2 on the same SBML files.

    /usr/bin/python3 bench/sbml_gillespy2.py [--cells N] [--gcells M] [--out FILE.md]

For each model (models/*.xml and tests/data/sbml/dimer.xml) the input held
at its top level for the whole run: the final species counts of N Myriad
cells (the Python binding) and of M GillesPy2 1.8.3 SSACSolver trajectories
(GillesPy2 imports the SBML file itself, through python-libsbml), their
means and variances with standard errors, the difference in combined
standard errors, and trajectories per second (one trajectory = one cell
over the whole run; GillesPy2 timed on a second run, after its C++
solver was compiled).  GillesPy2 runs in its venv (bench/.venv-gillespy2
from make peers, with python-libsbml; or GILLESPY2_PYTHON, with
LIBSBML_PYTHONPATH added to its path).  `myriad bench compare --workload
sbml` runs the same comparison and adds its rows to the CSV.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))

# model file, input parameter (or None), its top level, model time, species
MODELS = [
    ("models/birth_death.xml", "U", 1.0, 30.0, 1.0),
    ("models/ccasr.xml", "U", 1.0, 100.0, 5.0),
    ("models/repressilator.xml", None, 0.0, 200.0, 1.0),
    ("models/toggle.xml", "IPTG", 1.0, 50.0, 1.0),
    ("tests/data/sbml/dimer.xml", None, 0.0, 20.0, 1.0),
]

GILLESPY2 = r'''
import json, sys, time
import numpy as np
import gillespy2
path, inp, level, T, n = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
m, errors = gillespy2.import_SBML(path)
if inp != "-":
    m.listOfParameters[inp].expression = repr(level)
m.timespan(np.array([0.0, T]))
solver = gillespy2.SSACSolver(model=m)
m.run(solver=solver, number_of_trajectories=2, seed=1)  # compile
t0 = time.perf_counter()
res = m.run(solver=solver, number_of_trajectories=n, seed=2)
wall = time.perf_counter() - t0
out = {s: [float(tr[s][-1]) for tr in res] for s in m.listOfSpecies}
print(json.dumps({"wall": wall, "final": out}))
'''


def stats(x):
    x = np.asarray(x, dtype=float)
    n = x.size
    m, v = x.mean(), x.var(ddof=1)
    m4 = np.mean((x - m) ** 4)
    return m, v, np.sqrt(v / n), np.sqrt(max(m4 - v * v, 1e-12) / n)


def run_myriad(path, top, T, dt, n):
    import myriad
    env = myriad.make("sbml", n, seed=11, model=os.path.join(ROOT, path), dt=dt)
    env.reset(seed=11)
    a = np.full(n, top, dtype=np.int32)
    steps = int(round(T / dt))
    t0 = time.perf_counter()
    for _ in range(steps):
        env.step(a)
    wall = time.perf_counter() - t0
    names = [f for f in env._info["fields"] if f != "t"]
    final = {s: env.get_state(s) for s in names}
    env.close()
    return wall, final


def gillespy2_python():
    """GillesPy2's interpreter (its venv from make peers) and environment."""
    gpy = os.environ.get("GILLESPY2_PYTHON",
                         os.path.join(ROOT, "bench", ".venv-gillespy2", "bin", "python"))
    envv = dict(os.environ)
    if os.environ.get("LIBSBML_PYTHONPATH"):
        envv["PYTHONPATH"] = os.environ["LIBSBML_PYTHONPATH"]
    return gpy, envv


def compare_models(cells, gcells, log=print):
    """Every model of MODELS through Myriad (cells) and GillesPy2 (gcells):
    (per-model rates [(name, cells, myriad traj/s, gcells, gillespy2
    traj/s)], per-species statistics lines, the report as Markdown, the
    largest |difference| in standard errors).  Raises RuntimeError when
    GillesPy2 fails."""
    gpy, envv = gillespy2_python()
    lines = ["| model | species | Myriad mean (se) | GillesPy2 mean (se) | d mean / se | "
             "Myriad var (se) | GillesPy2 var (se) | d var / se |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    rates = ["| model | Myriad cells | Myriad trajectories/s | GillesPy2 trajectories | "
             "GillesPy2 trajectories/s | ratio |", "|---|---:|---:|---:|---:|---:|"]
    measured = []
    worst = 0.0
    for path, inp, level, T, dt in MODELS:
        top = 1 if inp is not None else 0
        wall, mine = run_myriad(path, top, T, dt, cells)
        p = subprocess.run([gpy, "-c", GILLESPY2, os.path.join(ROOT, path), inp or "-",
                            repr(level), repr(T), str(gcells)],
                           capture_output=True, text=True, env=envv, timeout=3000)
        if p.returncode != 0:
            raise RuntimeError("GillesPy2 failed on %s: %s" % (path, p.stderr[-2000:]))
        g = json.loads(p.stdout.strip().splitlines()[-1])
        name = os.path.basename(path)[:-4]
        for s, x in mine.items():
            if s not in g["final"]:  # not a species (X_end fields)
                continue
            m1, v1, sm1, sv1 = stats(x)
            m2, v2, sm2, sv2 = stats(g["final"][s])
            dm = (m1 - m2) / np.hypot(sm1, sm2)
            dv = (v1 - v2) / np.hypot(sv1, sv2)
            worst = max(worst, abs(dm), abs(dv))
            lines.append("| %s | %s | %.3f (%.3f) | %.3f (%.3f) | %+.2f | %.3f (%.3f) | "
                         "%.3f (%.3f) | %+.2f |" % (name, s, m1, sm1, m2, sm2, dm, v1, sv1,
                                                    v2, sv2, dv))
        r1, r2 = cells / wall, gcells / g["wall"]
        measured.append((name, cells, r1, gcells, r2))
        rates.append("| %s | %d | %.3g | %d | %.3g | %.0fx |" % (name, cells, r1, gcells,
                                                                r2, r1 / r2))
        log(rates[-1])
    text = "\n".join(lines + [""] + rates) + "\n\nlargest |difference|: %.2f se\n" % worst
    return measured, text, worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", type=int, default=100000)
    ap.add_argument("--gcells", type=int, default=2000)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    try:
        _, text, _ = compare_models(a.cells, a.gcells)
    except RuntimeError as e:
        sys.exit(str(e))
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
