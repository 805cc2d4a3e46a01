"""Gymnasium 1.4 CartPole-v1 reference trajectories driven through Python.

Every episode of tests/data/cartpole_v1_gymnasium.csv becomes one env
of a batch with autoreset disabled: its state is set from the step-0 row,
the recorded actions are applied with step(), and each row is compared.
float64: bit for bit (state read back with get_state, which returns the
float64 state).  float32: on the random episodes the same end step and
states within 1e-5; on the balancing ones states within 1e-3 over the first
100 steps (replaying the float64 run's actions open loop, float32 rounding
grows along a 500-step episode until the pole may fall early).
"""
import csv
import os

import numpy as np
import pytest

import myriad

FIELDS = ("x", "x_dot", "theta", "theta_dot")


def load_episodes(data_dir):
    path = os.path.join(data_dir, "cartpole_v1_gymnasium.csv")
    eps = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            eps.setdefault(int(row["episode"]), []).append(row)
    out = []
    for k in sorted(eps):
        rows = sorted(eps[k], key=lambda r: int(r["step"]))
        out.append({
            "policy": int(rows[0]["policy"]),
            "state": np.array([[float(r[c]) for c in FIELDS] for r in rows]),
            "action": np.array([int(r["action"]) for r in rows]),
            "reward": np.array([float(r["reward"]) for r in rows]),
            "terminated": np.array([int(r["terminated"]) for r in rows], bool),
            "truncated": np.array([int(r["truncated"]) for r in rows], bool),
        })
    return out


def drive(eps, precision):
    """Run every episode in one batch; returns per-step states and flags."""
    n = len(eps)
    T = max(len(e["action"]) for e in eps)
    env = myriad.make("cartpole", n, precision=precision, autoreset="disabled")
    for k, c in enumerate(FIELDS):
        env.set_state(c, [e["state"][0, k] for e in eps])
    env.set_state("t", 0)
    states = np.zeros((T, n, 4))
    obs = np.zeros((T, n, 4), dtype=np.float32)
    flags = np.zeros((T, n, 3))
    states[0] = np.stack([env.get_state(c) for c in FIELDS], axis=1)
    obs[0] = env.observe()
    acts = np.zeros(n, dtype=np.int32)
    for s in range(1, T):
        for i, e in enumerate(eps):
            acts[i] = e["action"][s] if s < len(e["action"]) else 0
        o, r, te, tr, info = env.step(acts)
        states[s] = np.stack([env.get_state(c) for c in FIELDS], axis=1)
        obs[s] = o
        flags[s] = np.stack([r, te, tr], axis=1)
    return states, obs, flags


def test_reference_data_shape(data_dir):
    eps = load_episodes(data_dir)
    assert len(eps) == 40
    assert sum(e["policy"] == 0 for e in eps) == 20
    assert all(len(e["action"]) == 501 for e in eps if e["policy"] == 1)


def test_float64_bit_for_bit(data_dir):
    eps = load_episodes(data_dir)
    states, obs, flags = drive(eps, "float64")
    rows = 0
    for i, e in enumerate(eps):
        L = len(e["action"])
        # exact float64 equality of every state of every row
        assert np.array_equal(states[:L, i], e["state"]), "episode %d" % i
        assert np.array_equal(obs[:L, i], e["state"].astype(np.float32))
        assert np.array_equal(flags[1:L, i, 0], e["reward"][1:])
        assert np.array_equal(flags[1:L, i, 1].astype(bool), e["terminated"][1:])
        assert np.array_equal(flags[1:L, i, 2].astype(bool), e["truncated"][1:])
        rows += L
    assert rows == 10487


def test_float32_within_tolerance(data_dir):
    eps = load_episodes(data_dir)
    states, obs, flags = drive(eps, "float32")
    for i, e in enumerate(eps):
        L = len(e["action"])
        if e["policy"] == 0:
            ended = np.flatnonzero(flags[1:L, i, 1] + flags[1:L, i, 2])
            ref_end = np.flatnonzero(e["terminated"][1:] | e["truncated"][1:])
            assert ended.size and ended[0] == ref_end[0], "episode %d" % i
            err = np.abs(states[:L, i] - e["state"]).max()
            assert err <= 1e-5, "episode %d: %g" % (i, err)
        else:
            err = np.abs(states[:101, i] - e["state"][:101]).max()
            assert err <= 1e-3, "episode %d: %g" % (i, err)
