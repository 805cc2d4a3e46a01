"""The reaction-network env (alias "sbml") from Python, and its statistics
against the chemical master equation solved by finite state projection
(SciPy's expm_multiply on the truncated generator): the birth-death model
and a two-species network with second-order mass action
(tests/data/sbml/dimer.xml), means and variances within 5 standard errors.
"""
import os

import numpy as np
import pytest

import myriad
from myriad import _lib as L

SBML = bool(L.myr_sbml_available())
needs_sbml = pytest.mark.skipif(not SBML, reason="built without SBML support (libsbml)")


def fsp(propensities, changes, shape, x0, t):
    """P(X(t)) on the box [0, shape) by expm_multiply; mass leaving the box
    is lost (the test checks it is negligible)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import expm_multiply
    idx = np.indices(shape).reshape(len(shape), -1).T  # state list
    n = idx.shape[0]
    flat = lambda s: np.ravel_multi_index(s.T, shape)  # noqa: E731
    rows, cols, vals = [], [], []
    out = np.zeros(n)
    for a, d in zip(propensities, changes):
        rate = a(idx)
        dest = idx + np.asarray(d)
        inside = np.all((dest >= 0) & (dest < np.asarray(shape)), axis=1)
        src = np.arange(n)
        rows.append(flat(dest[inside]))
        cols.append(src[inside])
        vals.append(rate[inside])
        out += rate
    rows.append(np.arange(n))
    cols.append(np.arange(n))
    vals.append(-out)
    Q = coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                   shape=(n, n)).tocsr()
    p0 = np.zeros(n)
    p0[np.ravel_multi_index(x0, shape)] = 1.0
    p = expm_multiply(Q * t, p0)
    return idx, p


def moments(idx, p, k):
    m = float(np.sum(p * idx[:, k]))
    v = float(np.sum(p * (idx[:, k] - m) ** 2))
    return m, v


def check_moments(samples, mean, var, what):
    n = samples.size
    sm, sv = samples.mean(), samples.var(ddof=1)
    se_m = np.sqrt(var / n)
    m4 = np.mean((samples - sm) ** 4)
    se_v = np.sqrt(max(m4 - sv * sv, 1e-12) / n)
    assert abs(sm - mean) < 5 * se_m, (what, "mean", sm, mean, se_m)
    assert abs(sv - var) < 5 * se_v, (what, "var", sv, var, se_v)


def test_builtin_model_without_sbml():
    env = myriad.make("reaction-network", 64, seed=1)
    obs, _ = env.reset()
    assert obs.shape == (64, 1)
    env.step(np.ones(64, dtype=np.int32))
    env.close()


def test_model_without_sbml_support_is_refused():
    if SBML:
        pytest.skip("SBML support is built in")
    with pytest.raises(L.MyriadRuntimeError, match="built without SBML support"):
        myriad.make("sbml", 4, model=os.path.join(myriad.env.models_dir(), "ccasr.xml"))


@needs_sbml
def test_make_sbml_options(root_dir):
    path = os.path.join(root_dir, "models", "ccasr.xml")
    env = myriad.make("sbml", 100, model=path, input="U", observe=["F/80", "H"], dt=5)
    obs, _ = env.reset()
    assert obs.shape == (100, 2)
    assert env.env_id == "reaction-network"
    assert env.single_action_space.n == 2
    for _ in range(5):
        obs, r, term, trunc, _ = env.step(np.ones(100, dtype=np.int32))
    h = env.get_state("H")
    assert np.allclose(obs[:, 1], h)
    env.close()
    with pytest.raises(ValueError, match="no species 'Q'"):
        myriad.make("sbml", 4, model=path, observe=["Q"])
    # a shipped model by name
    env = myriad.make("sbml", 4, model="repressilator")
    assert env.single_observation_space.shape == (3,)
    env.close()


@needs_sbml
def test_box_input_and_model_options(root_dir):
    path = os.path.join(root_dir, "models", "ccasr.xml")
    box = myriad.make("sbml", 32, seed=3, model=path, input_space="box")
    disc = myriad.make("sbml", 32, seed=3, model=path)
    assert box.single_action_space.shape == (1,)
    assert box.single_action_space.low[0] == 0.0
    assert box.single_action_space.high[0] == 1.0
    box.reset(seed=3)
    disc.reset(seed=3)
    a = (np.arange(32) % 2).astype(np.int32)
    for _ in range(6):
        _, rb, _, _, _ = box.step(a.astype(np.float32).reshape(32, 1))
        _, rd, _, _, _ = disc.step(a)
        assert np.array_equal(rb, rd)
    assert box.state_hash() == disc.state_hash()
    box.close()
    disc.close()
    with pytest.raises(ValueError, match="input_space"):
        myriad.make("sbml", 4, model=path, input_space="continuous")
    # per-env initial counts and the bad-propensity count
    env = myriad.make("reaction-network", 1000, seed=2, init_X="uniform(5,9)",
                      k=-1.0)
    env.reset(seed=2)
    x = env.get_state("X")
    assert x.min() == 5 and x.max() == 9
    env.step(np.ones(1000, dtype=np.int32))
    assert env.bad_propensities == 1000
    env.close()


@needs_sbml
def test_birth_death_against_cme(root_dir):
    """0 -> X at k*U = 10, X -> 0 at 0.1 X; 30 steps of dt = 1 from X = 0."""
    n, steps = 50000, 30
    env = myriad.make("sbml", n, seed=3, model=os.path.join(root_dir, "models", "birth_death.xml"))
    env.reset(seed=3)
    for _ in range(steps):
        env.step(np.ones(n, dtype=np.int32))
    x = env.get_state("X")
    env.close()
    idx, p = fsp([lambda s: np.full(len(s), 10.0), lambda s: 0.1 * s[:, 0]],
                 [(1,), (-1,)], (400,), (0,), float(steps))
    assert 1 - p.sum() < 1e-10
    m, v = moments(idx, p, 0)
    check_moments(x, m, v, "X")


@needs_sbml
@pytest.mark.parametrize("steps", [10, 20])
def test_dimer_against_cme(data_dir, steps):
    """A made (4), decays (0.1 A); 2A -> B at 0.02 A(A-1)/2; B -> 2A (0.2 B)."""
    n = 50000
    env = myriad.make("sbml", n, seed=5, model=os.path.join(data_dir, "sbml", "dimer.xml"))
    env.reset(seed=5)
    for _ in range(steps):
        env.step(np.zeros(n, dtype=np.int32))
    a, b = env.get_state("A"), env.get_state("B")
    env.close()
    prop = [lambda s: np.full(len(s), 4.0),
            lambda s: 0.1 * s[:, 0],
            lambda s: 0.02 * s[:, 0] * (s[:, 0] - 1) / 2.0,
            lambda s: 0.2 * s[:, 1]]
    idx, p = fsp(prop, [(1, 0), (-1, 0), (-2, 1), (2, -1)], (90, 70), (0, 0), float(steps))
    assert 1 - p.sum() < 1e-8, 1 - p.sum()
    for k, x in ((0, a), (1, b)):
        m, v = moments(idx, p, k)
        check_moments(x, m, v, "AB"[k])
