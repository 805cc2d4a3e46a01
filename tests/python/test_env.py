"""The vector-environment contract: shapes, dtypes, zero copy, autoreset
modes, errors, determinism, and the step API against the fused rollout."""
import threading

import numpy as np
import pytest

import myriad

RESET_BOUND = 0.05


def run_until_end(env, action=1, limit=200):
    """Step with a constant action until some env ends; returns the step."""
    a = np.full(env.num_envs, action, dtype=np.int32)
    for _ in range(limit):
        out = env.step(a)
        if out[2].any() or out[3].any():
            return out
    raise AssertionError("no episode ended within %d steps" % limit)


# ------------------------------------------------------------------ basics

def test_dtypes_shapes_and_spaces():
    with myriad.make("cartpole", 37, seed=1) as env:
        assert env.num_envs == 37
        obs, info = env.reset(seed=2)
        assert obs.dtype == np.float32 and obs.shape == (37, 4)
        assert info == {}
        obs, rew, term, trunc, info = env.step(np.zeros(37, dtype=np.int32))
        assert obs.dtype == np.float32 and obs.shape == (37, 4)
        assert rew.dtype == np.float32 and rew.shape == (37,)
        assert term.dtype == np.bool_ and term.shape == (37,)
        assert trunc.dtype == np.bool_ and trunc.shape == (37,)
        # C writes 0/1 bytes only
        assert term.view(np.uint8).max() <= 1 and trunc.view(np.uint8).max() <= 1
        assert np.all(rew == 1.0)
        assert env.single_action_space.n == 2
        assert env.single_observation_space.shape == (4,)
        assert env.single_observation_space.dtype == np.float32
        assert env.observation_space.shape == (37, 4)
        assert env.action_space.shape == (37,)
        a = env.action_space.sample()
        assert env.action_space.contains(a)
        assert not env.action_space.contains(np.full(37, 2))
        assert env.single_action_space.contains(1)
        assert not env.single_action_space.contains(2)
        assert env.single_observation_space.contains(obs[0])
        assert env.metadata["autoreset_mode"] in ("same_step",) or \
            "SAME" in str(env.metadata["autoreset_mode"]).upper()
        assert env.info["id"] == "cartpole-v1"
    assert env.closed


def test_zero_copy_buffers():
    env = myriad.make("cartpole", 5000, seed=3, copy=False)
    actions = np.ones(5000, dtype=np.int32)
    obs1, rew1, term1, trunc1, info1 = env.step(actions)
    addr = obs1.__array_interface__["data"][0]
    obs2, rew2, term2, trunc2, info2 = env.step(actions)
    # the same arrays come back, and C wrote into them
    assert obs2 is obs1 and rew2 is rew1 and term2 is term1 and trunc2 is trunc1
    assert obs2.__array_interface__["data"][0] == addr
    assert np.shares_memory(obs1, env.observe())
    theta = env.get_state("theta")
    assert np.array_equal(obs2[:, 2], theta.astype(np.float32))
    assert info2["final_obs"] is info1["final_obs"]
    # an int32 contiguous action array is passed to C as it is
    assert env._act_obj is actions
    # other integer arrays and lists are converted (values identical)
    h = env.state_hash()
    env2 = myriad.make("cartpole", 5000, seed=3, copy=False)
    env2.step(actions.astype(np.int64))
    env2.step(actions.tolist())
    assert env2.state_hash() == h


def test_copy_option_returns_fresh_arrays():
    env = myriad.make("cartpole", 64, seed=4, copy=True)
    ref = myriad.make("cartpole", 64, seed=4, copy=False)
    a = np.zeros(64, dtype=np.int32)
    o1 = env.step(a)
    o2 = env.step(a)
    r1 = tuple(x.copy() for x in ref.step(a)[:4])
    r2 = ref.step(a)
    assert o1[0] is not o2[0]
    assert not np.shares_memory(o1[0], o2[0])
    for x, y in zip(o1[:4], r1):
        assert np.array_equal(x, y)
    for x, y in zip(o2[:4], r2[:4]):
        assert np.array_equal(x, y)
    # the infos are fresh too, with the buffers' values
    assert o1[4]["final_obs"] is not o2[4]["final_obs"]
    assert not np.shares_memory(o2[4]["final_obs"], ref._final_obs)
    assert np.array_equal(o2[4]["_final_obs"], r2[4]["_final_obs"])


def test_copy_is_the_default():
    """As Gymnasium's vector envs: results the caller may keep and write."""
    env = myriad.make("cartpole", 32, seed=4)
    assert env.copy
    obs0, _ = env.reset(seed=1)
    kept = obs0.copy()
    a = np.ones(32, dtype=np.int32)
    for _ in range(30):
        out = env.step(a)
    assert np.array_equal(obs0, kept)          # not overwritten by steps
    for x in out[:4] + (out[4]["final_obs"], out[4]["_final_obs"]):
        assert x.flags.writeable and x.flags.owndata
        assert not np.shares_memory(x, env._obs) and \
            not np.shares_memory(x, env._final_obs)
    out[0][:] = 7.0                             # writing changes nothing
    assert not np.any(env.observe() == 7.0)


# ------------------------------------------------------------------ autoreset

def test_same_step_contract():
    env = myriad.make("cartpole", 256, seed=5, autoreset="same_step")
    obs, rew, term, trunc, info = run_until_end(env)
    ended = term | trunc
    assert np.array_equal(info["_final_obs"], ended)
    assert info["_final_obs"].dtype == np.bool_
    fo = info["final_obs"][ended]
    # terminal observations are past a threshold; returned obs are new episodes
    assert np.all((np.abs(fo[:, 0]) > 2.4) | (np.abs(fo[:, 2]) > 12 * 2 * np.pi / 360))
    assert np.all(np.abs(obs[ended]) <= RESET_BOUND)
    assert np.all(env.get_state("t")[ended] == 0)
    assert np.all(rew[ended] == 1.0)


def test_next_step_contract():
    env = myriad.make("cartpole", 256, seed=6, autoreset="next_step")
    obs, rew, term, trunc, info = run_until_end(env)
    assert "final_obs" not in info
    ended = (term | trunc).copy()
    terminal = obs[ended].copy()
    assert np.all((np.abs(terminal[:, 0]) > 2.4) |
                  (np.abs(terminal[:, 2]) > 12 * 2 * np.pi / 360))
    # the following step resets them, ignores the action, reward 0
    obs, rew, term, trunc, info = env.step(np.ones(256, dtype=np.int32))
    assert np.all(rew[ended] == 0.0)
    assert not term[ended].any() and not trunc[ended].any()
    assert np.all(np.abs(obs[ended]) <= RESET_BOUND)
    assert np.all(rew[~ended] == 1.0)


def test_disabled_contract_and_reset_mask():
    env = myriad.make("cartpole", 128, seed=7, autoreset="disabled")
    obs, rew, term, trunc, info = run_until_end(env)
    ended = (term | trunc).copy()
    obs, rew, term, trunc, info = env.step(np.ones(128, dtype=np.int32))
    assert np.all(rew[ended] == 0.0)  # stepping past the end
    before = obs.copy()
    obs, info = env.reset(options={"reset_mask": ended})
    assert np.all(np.abs(obs[ended]) <= RESET_BOUND)
    assert np.array_equal(obs[~ended], before[~ended])
    t = env.get_state("t")
    assert np.all(t[ended] == 0) and np.all(t[~ended] > 0)
    obs, rew, term, trunc, info = env.step(np.ones(128, dtype=np.int32))
    assert np.all(rew[ended] == 1.0)


def test_truncation():
    env = myriad.make("cartpole", 64, seed=8, max_steps=5)
    for k in range(5):
        obs, rew, term, trunc, info = env.step(np.arange(64, dtype=np.int32) % 2)
    assert trunc.all() and not term.any()
    assert np.all(env.get_state("t") == 0)
    assert info["_final_obs"].all()


# ------------------------------------------------------------------ errors

def test_errors_are_python_exceptions():
    with pytest.raises(ValueError, match="unknown environment"):
        myriad.make("cartpol", 4)
    with pytest.raises(ValueError, match="unknown parameter"):
        myriad.make("cartpole", 4, mas=1.0)
    with pytest.raises(ValueError, match="finite"):
        myriad.make("cartpole", 4, masscart=float("nan"))
    with pytest.raises(ValueError, match="outside"):
        myriad.make("cartpole", 4, masscart=-1.0)
    with pytest.raises(ValueError, match="integer"):
        myriad.make("cartpole", 4, max_steps=2.5)
    with pytest.raises(ValueError):
        myriad.make("cartpole", 4, masscart="bogus(1")
    with pytest.raises(ValueError, match="num_envs"):
        myriad.make("cartpole", 0)
    with pytest.raises(MemoryError):
        myriad.make("cartpole", 2 ** 40)
    with pytest.raises(ValueError):
        myriad.make("cartpole", 4, autoreset="sometimes")
    with pytest.raises(ValueError):
        myriad.make("cartpole", 4, precision="float16")
    with pytest.raises(TypeError):
        myriad.make("cartpole", 4, masscart=[1.0])
    err = None
    try:
        myriad.make("cartpole", 4, mas=1.0)
    except myriad.MyriadError as e:
        err = e
    assert err is not None and err.status == -5


INT_DTYPES = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32,
              np.int64, np.uint64]


@pytest.mark.parametrize("n", [64, 5000])
def test_every_integer_dtype_steps_as_int32(n):
    # the same actions in any integer dtype (contiguous or strided, a list)
    # give the same trajectory as int32
    rng = np.random.default_rng(5)
    acts = rng.integers(0, 2, size=(40, n))
    ref = myriad.make("cartpole", n, seed=11, copy=False)
    for a in acts:
        ref.step(a.astype(np.int32))
    for dt in INT_DTYPES + ["strided", "list"]:
        env = myriad.make("cartpole", n, seed=11, copy=False)
        for a in acts:
            if dt == "strided":
                a = np.repeat(a.astype(np.int32), 2)[::2]
                assert not a.flags.c_contiguous
            elif dt == "list":
                a = a.tolist()
            else:
                a = a.astype(dt)
            env.step(a)
        assert env.state_hash() == ref.state_hash(), dt


def test_action_array_changed_in_place_is_read_again():
    # one array stepped twice, changed in between: the second step sees the
    # new values, whether myriad converted it or passed its address
    for n, dt in [(64, np.int32), (64, np.int64), (5000, np.int32),
                  (5000, np.int64)]:
        a = np.zeros(n, dtype=dt)
        env = myriad.make("cartpole", n, seed=2, copy=False)
        ref = myriad.make("cartpole", n, seed=2, copy=False)
        env.step(a)
        ref.step(np.zeros(n, dtype=np.int32))
        a[:] = 1
        env.step(a)
        ref.step(np.ones(n, dtype=np.int32))
        assert env.state_hash() == ref.state_hash(), (n, dt)


@pytest.mark.parametrize("dt", INT_DTYPES)
def test_invalid_actions_of_every_dtype_raise(dt):
    # a value outside {0, 1} never wraps into a valid action: ValueError
    # naming the value, and the batch is unchanged
    info = np.iinfo(dt)
    bad_values = {2, int(info.max)}
    if info.min < 0:
        bad_values |= {-1, int(info.min)}
    if info.bits > 32:
        bad_values |= {2 ** 32, 2 ** 32 + 1}
    for n in (16, 5000):
        env = myriad.make("cartpole", n, seed=9)
        env.step(np.zeros(n, dtype=np.int32))
        h, clock = env.state_hash(), env.clock
        for v in sorted(bad_values):
            a = np.zeros(n, dtype=dt)
            a[n // 2] = v
            with pytest.raises(ValueError, match="outside the action space"):
                env.step(a)
            assert env.state_hash() == h and env.clock == clock
        # and a valid array of that dtype still steps afterwards
        env.step(np.ones(n, dtype=dt))
        assert env.clock == clock + 1


def test_bad_actions_change_nothing():
    env = myriad.make("cartpole", 16, seed=9)
    env.step(np.zeros(16, dtype=np.int32))
    h, clock = env.state_hash(), env.clock
    bad = np.zeros(16, dtype=np.int32)
    bad[3] = 2
    with pytest.raises(ValueError, match="outside the action space"):
        env.step(bad)
    bad[3] = -1
    with pytest.raises(ValueError, match="outside the action space"):
        env.step(bad)
    with pytest.raises(ValueError):
        env.step(np.full(16, 2 ** 32 + 1, dtype=np.int64))  # would wrap to 1
    with pytest.raises(ValueError, match="shape"):
        env.step(np.zeros(15, dtype=np.int32))
    with pytest.raises(ValueError, match="shape"):
        env.step(np.zeros((16, 1), dtype=np.int32))
    with pytest.raises(TypeError):
        env.step(np.zeros(16, dtype=np.float32))
    assert env.state_hash() == h and env.clock == clock


def test_state_and_param_errors():
    env = myriad.make("cartpole", 8)
    with pytest.raises(ValueError, match="unknown state field"):
        env.get_state("omega")
    with pytest.raises(ValueError, match="unknown state field"):
        env.set_state("omega", 0.0)
    with pytest.raises(ValueError, match="finite"):
        env.set_state("theta", np.full(8, np.nan))
    with pytest.raises(ValueError, match="shape"):
        env.set_state("theta", np.zeros(7))
    with pytest.raises(ValueError, match="unknown parameter"):
        env.get_param("mas")
    with pytest.raises(ValueError, match="shape"):
        env.reset(options={"reset_mask": np.ones(7, dtype=bool)})
    with pytest.raises(ValueError):
        env.rollout(10, policy="telepathy")
    env.close()
    with pytest.raises(RuntimeError, match="closed"):
        env.step(np.zeros(8, dtype=np.int32))
    with pytest.raises(RuntimeError, match="closed"):
        env.reset()


def test_disabled_mode_rejects_fused_rollout():
    env = myriad.make("cartpole", 8, autoreset="disabled")
    with pytest.raises(ValueError, match="autoreset"):
        env.rollout(10)


# ------------------------------------------------------------------ state, params

def test_state_roundtrip_and_params():
    env = myriad.make("cartpole", 10, masscart=2.0, max_steps="200")
    p = env.params()
    assert p["masscart"] == 2.0 and p["max_steps"] == 200
    assert p["gravity"] == pytest.approx(9.8)
    v = np.linspace(-0.1, 0.1, 10)
    env.set_state("theta", v)
    assert np.array_equal(env.get_state("theta"), v.astype(np.float32).astype(np.float64))
    obs = env.observe()
    assert np.array_equal(obs[:, 2], v.astype(np.float32))
    env.set_state("x", 0.5)
    assert np.all(env.get_state("x") == 0.5)
    assert env.get_state("t").dtype == np.int64


def test_per_env_distributions_when_supported():
    infos = myriad.envs()
    sysid = [k for k in infos if k.endswith("-sysid")]
    if not sysid:
        pytest.skip("no environment with per-env parameter draws is built in")
    eid = sysid[0]
    env = None
    for name, p in infos[eid]["params"].items():
        lo, hi = p["default"], min(p["default"] * 1.5 + 1e-3, p["max"])
        if p["integer"] or not lo < hi:
            continue
        try:  # only some parameters may vary per env
            env = myriad.make(eid, 50, seed=1, **{name: "uniform(%r,%r)" % (lo, hi)})
            break
        except ValueError as e:
            assert "per env" in str(e) or "per-env" in str(e), e
    assert env is not None, "no parameter of %s accepts a per-env draw" % eid
    v = env.params()[name]
    assert isinstance(v, np.ndarray) and v.shape == (50,)
    assert np.all((v >= lo) & (v <= hi)) and np.ptp(v) > 0
    # parameters left alone stay single values
    assert all(isinstance(x, (float, int)) for k, x in env.params().items() if k != name)


# ------------------------------------------------------------------ determinism

def test_same_seed_same_arrays():
    rng = np.random.default_rng(0)
    acts = rng.integers(0, 2, size=(100, 500), dtype=np.int32)
    runs = []
    for threads in (1, 2):
        env = myriad.make("cartpole", 500, seed=11, threads=threads)
        obs0, _ = env.reset(seed=12)
        rec = [obs0.copy()]
        for a in acts:
            o, r, te, tr, info = env.step(a)
            rec.append(np.concatenate([o.ravel(), r, te, tr, info["final_obs"].ravel()]))
        runs.append(np.concatenate(rec, axis=None))
    assert np.array_equal(runs[0], runs[1])
    other = myriad.make("cartpole", 500, seed=11)
    o2, _ = other.reset(seed=13)
    assert not np.array_equal(o2, runs[0][: o2.size].reshape(o2.shape))


@pytest.mark.parametrize("autoreset", ["same_step", "next_step"])
def test_step_loop_equals_fused_rollout(autoreset):
    n, steps = 300, 700
    fused = myriad.make("cartpole", n, seed=21, autoreset=autoreset)
    rec = fused.rollout(steps, policy="random", chunk=50, record=True)
    assert rec["obs"].shape == (steps, n, 4) and rec["action"].dtype == np.int32
    assert rec["episodes"] > 0
    loop = myriad.make("cartpole", n, seed=21, autoreset=autoreset)
    for s in range(steps):
        assert np.array_equal(loop.random_actions(), rec["action"][s])
        obs, rew, term, trunc, info = loop.step(rec["action"][s])
        assert np.array_equal(obs, rec["obs"][s]), s
        assert np.array_equal(rew, rec["reward"][s]), s
        assert np.array_equal(term, rec["terminated"][s]), s
        assert np.array_equal(trunc, rec["truncated"][s]), s
    assert loop.state_hash() == fused.state_hash()
    # episodes seen by the loop match the rollout's statistics
    ended = rec["terminated"] | rec["truncated"]
    if autoreset == "same_step":
        assert ended.sum() == rec["episodes"]


def test_chunk_size_does_not_change_trajectories():
    a = myriad.make("cartpole", 100, seed=3).rollout(90, chunk=7, record=True)
    b = myriad.make("cartpole", 100, seed=3).rollout(90, chunk=64, record=True)
    for k in ("obs", "action", "reward", "terminated", "truncated"):
        assert np.array_equal(a[k], b[k])
    assert a["episodes"] == b["episodes"] and a["length_sum"] == b["length_sum"]


def test_random_rollout_statistics():
    st = myriad.make("cartpole", 20000, seed=1).rollout(200)
    assert st["steps"] == 20000 * 200
    # random CartPole-v1 episodes average 22.16 steps; the early episodes
    # are biased short by the cut at 200 steps, so a loose band
    assert 19.0 < st["mean_length"] < 24.0
    assert st["mean_return"] == pytest.approx(st["mean_length"])


def test_on_chunk_callback_and_stop():
    env = myriad.make("cartpole", 10, seed=2)
    seen = []

    def cb(c):
        seen.append((c["step0"], c["steps"], c["obs"].shape))
        return len(seen) == 2

    with pytest.raises(RuntimeError, match="stopped"):
        env.rollout(100, chunk=10, on_chunk=cb)
    assert seen == [(0, 10, (10, 10, 4)), (10, 10, (10, 10, 4))]

    def boom(c):
        raise ZeroDivisionError("from the callback")

    with pytest.raises(ZeroDivisionError):
        env.rollout(30, chunk=10, on_chunk=boom)


# ------------------------------------------------------------------ GIL

def test_gil_released_during_c_calls():
    env = myriad.make("cartpole", 200_000, seed=1, threads=1)
    env.rollout(5)
    started = threading.Event()
    result = {}

    def work():
        started.set()
        result["st"] = env.rollout(300, chunk=300)

    t = threading.Thread(target=work)
    t.start()
    started.wait()
    count = 0
    while t.is_alive():
        count += 1
    t.join()
    # with the GIL held for the whole C call the loop would barely run
    assert result["st"]["steps"] == 200_000 * 300
    assert count > 1000, count


def test_ctrl_c_stops_a_rollout(root_dir):
    import os
    import signal
    import subprocess
    import sys
    import time
    code = ("import sys, myriad\n"
            "env = myriad.make('cartpole', 200000, seed=1)\n"
            "print('ready', flush=True)\n"
            "try:\n"
            "    env.rollout(10**9, chunk=64)\n"
            "except KeyboardInterrupt as e:\n"
            "    print('interrupted', type(e).__name__, env.clock, flush=True)\n"
            "    sys.exit(3)\n")
    envv = dict(os.environ)
    envv["PYTHONPATH"] = os.path.join(root_dir, "python")
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         env=envv, text=True)
    assert p.stdout.readline().strip() == "ready"
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    try:
        out, _ = p.communicate(timeout=60)
    finally:
        p.kill()
    assert p.returncode == 3, out
    words = out.split()
    assert words[:2] == ["interrupted", "MyriadInterrupted"]
    # a chunk boundary (64 steps asked for, so that some chunk has ended
    # within the 0.5 s even on a slow build; the default is up to 1024)
    assert int(words[2]) % 64 == 0 and int(words[2]) > 0


@pytest.mark.parametrize("env_id", sorted(myriad.envs()))
def test_every_env_step_equals_rollout(env_id):
    """Discrete and box action spaces alike: replaying the fused rollout's
    recorded actions through step() gives the same arrays."""
    n, steps = 40, 60
    fused = myriad.make(env_id, n, seed=5)
    rec = fused.rollout(steps, chunk=16, record=True)
    loop = myriad.make(env_id, n, seed=5)
    space = loop.single_action_space
    box = not hasattr(space, "n")
    assert rec["action"].dtype == (np.float32 if box else np.int32)
    assert rec["action"].shape == ((steps, n) + space.shape)
    for s in range(steps):
        obs, rew, term, trunc, info = loop.step(rec["action"][s])
        assert obs.shape == (n, loop.single_observation_space.shape[0])
        assert np.array_equal(obs, rec["obs"][s]), s
        assert np.array_equal(rew, rec["reward"][s]), s
        assert np.array_equal(term, rec["terminated"][s]), s
        assert np.array_equal(trunc, rec["truncated"][s]), s
    assert loop.state_hash() == fused.state_hash()
    if box:
        with pytest.raises(ValueError, match="finite"):
            loop.step(np.full((n,) + space.shape, np.nan, dtype=np.float32))
        with pytest.raises(ValueError, match="shape"):
            loop.step(np.zeros(n, dtype=np.float32))
