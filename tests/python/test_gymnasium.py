"""Myriad against the real Gymnasium 1.x: registration, check_env, the
VectorEnv contract, and Gymnasium's own vector wrappers on Myriad's vector
env.  Skipped when gymnasium is not importable (`make test` runs this file
again with the test venv's Python, tests/.venv-gym, where it is)."""
import warnings

import numpy as np
import pytest

gym = pytest.importorskip(
    "gymnasium", reason="gymnasium is not installed for this Python: "
    "scripts/gym-venv.sh makes tests/.venv-gym, which make test uses")

if not hasattr(gym.vector, "AutoresetMode"):
    pytest.skip("gymnasium %s has no AutoresetMode (1.1+ needed)" %
                gym.__version__, allow_module_level=True)

import myriad  # noqa: E402  (registers Myriad/...)
from gymnasium.utils.env_checker import check_env  # noqa: E402
from gymnasium.vector import AutoresetMode  # noqa: E402
from gymnasium.vector.utils import batch_space  # noqa: E402
from gymnasium.wrappers import vector as vw  # noqa: E402

NAMES = {
    "cartpole-v1": "Myriad/CartPole-v1",
    "pendulum-v1": "Myriad/Pendulum-v1",
    "mountaincar-v0": "Myriad/MountainCar-v0",
    "acrobot-v1": "Myriad/Acrobot-v1",
    "ccasr-gfp-control": "Myriad/GeneCircuit-v0",
    "ccasr-gfp-sysid": "Myriad/GeneCircuitSysId-v0",
    "opto-hill-1d": "Myriad/OptoHill1D-v0",
}
GYM_TWINS = {  # Gymnasium's own env of the same physics
    "Myriad/CartPole-v1": "CartPole-v1",
    "Myriad/Pendulum-v1": "Pendulum-v1",
    "Myriad/MountainCar-v0": "MountainCar-v0",
    "Myriad/Acrobot-v1": "Acrobot-v1",
}
# check_env warnings Gymnasium's own CartPole/Pendulum raise too: infinite
# observation bounds and a Box action space that is not [-1, 1]
UNAVOIDABLE = ("infinity", "symmetric and normalized")


def make_vec(gid, n, **kw):
    return gym.make_vec(gid, num_envs=n, vectorization_mode="vector_entry_point",
                        **kw)


# ------------------------------------------------------------------ registry

def test_every_env_is_registered_under_myriad():
    assert myriad.HAVE_GYMNASIUM
    assert set(myriad.GYMNASIUM_IDS) == set(myriad.envs())
    for eid, gid in myriad.GYMNASIUM_IDS.items():
        assert gid in gym.envs.registry, gid
        spec = gym.spec(gid)
        assert spec.namespace == "Myriad"
        assert spec.vector_entry_point == "myriad.gymnasium_envs:make_vector"
        assert spec.kwargs["env_id"] == eid
    # the names docs/python.md lists
    for eid, gid in NAMES.items():
        if eid in myriad.GYMNASIUM_IDS:
            assert myriad.GYMNASIUM_IDS[eid] == gid


def test_reimport_does_not_warn():
    import importlib
    import myriad.gymnasium_envs as ge
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ge.register()
        importlib.reload(ge).register()


def test_gym_name_of_unknown_ids():
    from myriad.gymnasium_envs import gym_name
    assert gym_name("foo-bar-v3") == "FooBar-v3"
    assert gym_name("baz") == "Baz-v0"


@pytest.mark.parametrize("gid", sorted(NAMES.values()))
def test_make_vec_gives_myriad_vector_env(gid):
    if gid not in myriad.GYMNASIUM_IDS.values():
        pytest.skip("%s is not built in" % gid)
    envs = make_vec(gid, 5)
    assert isinstance(envs, myriad.VectorEnv)
    assert isinstance(envs, gym.vector.VectorEnv)
    assert envs.num_envs == 5
    assert envs.metadata["autoreset_mode"] is AutoresetMode.NEXT_STEP
    assert envs.spec.id == gid
    assert envs.observation_space == batch_space(envs.single_observation_space, 5)
    assert envs.action_space == batch_space(envs.single_action_space, 5)
    obs, info = envs.reset(seed=3)
    assert obs in envs.observation_space and info == {}
    for _ in range(20):
        obs, rew, term, trunc, info = envs.step(envs.action_space.sample())
        assert obs in envs.observation_space
    envs.close()
    assert envs.closed


@pytest.mark.parametrize("gid", sorted(NAMES.values()))
def test_single_env_passes_check_env(gid):
    if gid not in myriad.GYMNASIUM_IDS.values():
        pytest.skip("%s is not built in" % gid)
    env = gym.make(gid)
    assert isinstance(env.unwrapped, gym.Env)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env.unwrapped)
    other = [str(w.message) for w in caught
             if not any(u in str(w.message) for u in UNAVOIDABLE)]
    assert other == []
    # the wrapped env (PassiveEnvChecker, OrderEnforcing) steps too
    env.reset(seed=1)
    out = env.step(env.action_space.sample())
    assert isinstance(out[1], float) and isinstance(out[2], bool)
    env.close()
    env.close()


@pytest.mark.parametrize("gid,twin", sorted(GYM_TWINS.items()))
def test_spaces_are_gymnasiums(gid, twin):
    ref = gym.make(twin)
    env = gym.make(gid)
    assert env.observation_space == ref.observation_space, \
        (env.observation_space, ref.observation_space)
    assert env.action_space == ref.action_space
    vec = make_vec(gid, 3)
    assert vec.single_observation_space == ref.observation_space
    assert vec.single_action_space == ref.action_space


def test_cartpole_bounds_follow_parameters():
    env = myriad.make("cartpole", 2, x_threshold=1.0, theta_threshold_deg=6)
    hi = env.single_observation_space.high
    assert hi[0] == np.float32(2.0) and np.isinf(hi[1])
    assert hi[2] == np.float32(6 * 2 * np.pi / 360 * 2)
    mc = myriad.make("mountaincar", 2, max_speed=0.05)
    assert np.array_equal(mc.single_observation_space.high,
                          np.array([0.6, 0.05], np.float32))


def test_single_env_matches_vector_env():
    env = gym.make("Myriad/CartPole-v1")
    vec = myriad.make("cartpole", 1, autoreset="disabled")
    o1, _ = env.reset(seed=9)
    o2, _ = vec.reset(seed=9)
    assert o1.shape == (4,) and np.array_equal(o1, o2[0])
    for t in range(30):
        a = t % 2
        o1, r1, te1, tr1, _ = env.step(a)
        o2, r2, te2, tr2, _ = vec.step(np.array([a]))
        assert np.array_equal(o1, o2[0]) and r1 == r2[0] and te1 == te2[0]
    with pytest.raises(ValueError, match="outside"):
        env.unwrapped.step(2)
    with pytest.raises(ValueError, match="outside"):
        env.unwrapped.step(np.int64(2 ** 32 + 1))
    with pytest.raises(TypeError):
        env.unwrapped.step(0.5)


def test_kwargs_reach_the_env():
    envs = make_vec("Myriad/CartPole-v1", 4, max_episode_steps=7,
                    masscart=2.0, autoreset_mode=AutoresetMode.SAME_STEP,
                    seed=5)
    assert envs.params()["max_steps"] == 7 and envs.params()["masscart"] == 2.0
    assert envs.metadata["autoreset_mode"] is AutoresetMode.SAME_STEP
    a = np.zeros(4, np.int64)
    for _ in range(6):
        envs.step(a)
    _, _, term, trunc, info = envs.step(a)
    assert trunc.all() and info["_final_obs"].all()
    env = gym.make("Myriad/Pendulum-v1", g=9.81, max_steps=5)
    assert env.unwrapped.vector_env.params()["g"] == 9.81
    with pytest.raises(ValueError, match="renderer"):
        gym.make("Myriad/OptoHill1D-v0", render_mode="rgb_array")


# ------------------------------------------------------------------ contract

def test_same_step_infos_have_masks():
    envs = myriad.make("cartpole", 64, seed=2, autoreset="same_step")
    a = np.ones(64, np.int64)
    for _ in range(100):
        obs, rew, term, trunc, info = envs.step(a)
        if info["_final_obs"].any():
            break
    done = term | trunc
    assert set(info) == {"final_obs", "_final_obs", "final_info", "_final_info"}
    assert np.array_equal(info["_final_obs"], done)
    assert np.array_equal(info["_final_info"], done)
    assert info["final_obs"].shape == (64, 4)
    assert all(envs.single_observation_space.contains(o)
               for o in info["final_obs"][done])


def test_next_step_and_disabled_infos_are_empty():
    for mode in ("next_step", "disabled"):
        envs = myriad.make("cartpole", 8, autoreset=mode)
        assert envs.reset()[1] == {}
        assert envs.step(np.zeros(8, np.int64))[4] == {}


def test_reset_seed_int_list_and_np_random():
    n = 6
    a = myriad.make("cartpole", n)
    b = myriad.make("cartpole", n)
    oa, _ = a.reset(seed=42)
    ob, _ = b.reset(seed=list(range(42, 42 + n)))  # Gymnasium's int -> list
    assert np.array_equal(oa, ob)
    assert a.np_random_seed == 42
    ref = np.random.Generator(np.random.PCG64(np.random.SeedSequence(42)))
    assert a.np_random.bit_generator.state == ref.bit_generator.state
    oc, _ = b.reset(seed=[7, 1, 3, 3, 9, 2])
    od, _ = a.reset(seed=[7, 1, 3, 3, 9, 2])
    assert np.array_equal(oc, od) and not np.array_equal(oc, oa)
    assert a.reset(seed=[None] * n)[0].shape == (n, 4)
    with pytest.raises(ValueError, match="one per env"):
        a.reset(seed=[1, 2])
    with pytest.raises(ValueError, match="all ints or all None"):
        a.reset(seed=[1, None, 2, 3, 4, 5])


def test_reset_mask_in_disabled_mode():
    envs = make_vec("Myriad/CartPole-v1", 32, autoreset_mode="disabled",
                    copy=False)
    envs.reset(seed=0)
    a = np.ones(32, np.int64)
    for _ in range(60):
        obs, rew, term, trunc, info = envs.step(a)
    done = (term | trunc).copy()
    assert done.any()
    before = obs.copy()
    obs, info = envs.reset(options={"reset_mask": done})
    assert info == {}
    assert np.all(np.abs(obs[done]) <= 0.05)
    assert np.array_equal(obs[~done], before[~done])


def test_returned_arrays_are_writable_copies_by_default():
    envs = make_vec("Myriad/CartPole-v1", 8, autoreset_mode="same_step")
    obs, _ = envs.reset(seed=0)
    out = envs.step(envs.action_space.sample())
    for x in (obs,) + out[:4] + (out[4]["final_obs"],):
        assert x.flags.writeable
    out2 = envs.step(envs.action_space.sample())
    assert not np.shares_memory(out[0], out2[0])
    zc = make_vec("Myriad/CartPole-v1", 8, copy=False)
    o1 = zc.step(zc.action_space.sample())[0]
    o2 = zc.step(zc.action_space.sample())[0]
    assert o1 is o2 and o1.flags.writeable


def test_render_call_get_attr_set_attr():
    envs = make_vec("Myriad/CartPole-v1", 4)
    assert envs.render() is None and envs.render_mode is None
    assert envs.get_attr("num_envs") == (4,) * 4
    assert envs.get_attr("masscart") == (1.0,) * 4
    assert envs.get_attr("max_steps") == (500,) * 4
    envs.set_attr("theta", [0.0, 0.01, 0.02, 0.03])
    assert envs.get_attr("theta") == tuple(
        float(np.float32(v)) for v in (0.0, 0.01, 0.02, 0.03))
    assert envs.call("state_hash") == (envs.state_hash(),) * 4
    assert envs.call("masscart") == (1.0,) * 4
    with pytest.raises(ValueError, match="fixed"):
        envs.set_attr("masscart", 2.0)
    envs.set_attr("threads", 1)
    assert envs.threads == 1
    with pytest.raises(ValueError, match="per-env"):
        envs.set_attr("threads", [1, 2, 1, 1])
    with pytest.raises(ValueError, match="values"):
        envs.set_attr("theta", [0.0])


def test_int64_actions_step_like_int32():
    a = myriad.make("cartpole", 100, seed=1)
    b = myriad.make("cartpole", 100, seed=1)
    space = a.action_space
    space.seed(0)
    for _ in range(50):
        act = space.sample()
        assert act.dtype == np.int64
        ra = a.step(act)
        rb = b.step(act.astype(np.int32))
        assert np.array_equal(ra[0], rb[0])
    assert a.state_hash() == b.state_hash()
    for bad in (-1, 2, 2 ** 32, 2 ** 32 + 1, -(2 ** 32) + 1):
        act = np.zeros(100, np.int64)
        act[17] = bad
        with pytest.raises(ValueError, match="outside the action space"):
            a.step(act)
    with pytest.raises(ValueError, match="outside"):
        a.step(np.full(100, 2 ** 32 + 1, np.uint64))
    assert a.state_hash() == b.state_hash()
    a.step(np.ones(100, np.uint8))
    a.step(np.ones(200, np.int64)[::2])  # strided


# ------------------------------------------------------------------ wrappers

def gym_version():
    return tuple(int(x) for x in gym.__version__.split(".")[:2])


@pytest.mark.parametrize("mode", ["same_step", "next_step"])
def test_record_episode_statistics(mode):
    if mode == "same_step" and gym_version() < (1, 4):
        pytest.skip("gymnasium %s: RecordEpisodeStatistics counts same_step "
                    "episodes from 1.4 on" % gym.__version__)
    n, steps = 1000, 300
    envs = vw.RecordEpisodeStatistics(
        make_vec("Myriad/CartPole-v1", n, autoreset_mode=mode, seed=0),
        buffer_length=10 ** 6)
    envs.reset(seed=0)
    envs.action_space.seed(0)
    seen = 0
    for _ in range(steps):
        obs, rew, term, trunc, info = envs.step(envs.action_space.sample())
        if "episode" in info:
            seen += int(info["_episode"].sum())
            assert np.array_equal(info["_episode"], term | trunc)
    lengths = np.array(envs.length_queue)
    assert seen == lengths.size == envs.episode_count > 10000
    # random CartPole-v1 episodes last 22.2 steps on average
    assert abs(lengths.mean() - 22.2) < 0.8, lengths.mean()
    assert np.array_equal(np.array(envs.return_queue), lengths)


def test_zero_copy_survives_record_episode_statistics():
    base = make_vec("Myriad/CartPole-v1", 256, copy=False)
    envs = vw.RecordEpisodeStatistics(base)
    obs0, _ = envs.reset(seed=0)
    addr = base._obs.__array_interface__["data"][0]
    assert obs0.__array_interface__["data"][0] == addr
    for _ in range(50):
        obs = envs.step(envs.action_space.sample())[0]
        assert obs.__array_interface__["data"][0] == addr


def test_normalize_observation():
    envs = vw.NormalizeObservation(make_vec("Myriad/CartPole-v1", 512, seed=1))
    envs.reset(seed=1)
    envs.action_space.seed(1)
    outs = []
    for _ in range(200):
        obs = envs.step(envs.action_space.sample())[0]
        assert obs.dtype == np.float32 and np.all(np.isfinite(obs))
        outs.append(obs)
    late = np.concatenate(outs[100:])
    assert np.all(np.abs(late.mean(axis=0)) < 0.3), late.mean(axis=0)
    assert np.all((late.std(axis=0) > 0.5) & (late.std(axis=0) < 1.5))
    # same_step is refused by Gymnasium itself (an assert before 1.4)
    with pytest.raises((ValueError, AssertionError)):
        vw.NormalizeObservation(make_vec("Myriad/CartPole-v1", 4,
                                         autoreset_mode="same_step"))


def test_normalize_reward_matches_its_formula():
    kw = dict(seed=3)
    envs = vw.NormalizeReward(make_vec("Myriad/Acrobot-v1", 64, **kw), gamma=0.9)
    ref = make_vec("Myriad/Acrobot-v1", 64, **kw)
    envs.reset(seed=3)
    ref.reset(seed=3)
    rng = np.random.default_rng(0)
    for _ in range(100):
        a = rng.integers(0, 3, 64)
        _, r, _, _, _ = envs.step(a)
        _, r_ref, _, _, _ = ref.step(a)
        expect = r_ref / np.sqrt(envs.return_rms.var + envs.epsilon)
        assert np.allclose(r, expect)
    assert envs.return_rms.count > 64 * 50


def test_transform_observation():
    base = make_vec("Myriad/MountainCar-v0", 16, seed=4)
    ref = make_vec("Myriad/MountainCar-v0", 16, seed=4)
    envs = vw.TransformObservation(base, lambda o: o * 2.0)
    o, _ = envs.reset(seed=4)
    r, _ = ref.reset(seed=4)
    assert np.array_equal(o, r * 2.0)
    for _ in range(10):
        a = np.full(16, 2)
        assert np.array_equal(envs.step(a)[0], ref.step(a)[0] * 2.0)


def test_clip_and_rescale_action_on_pendulum():
    kw = dict(seed=5)
    clip = vw.ClipAction(make_vec("Myriad/Pendulum-v1", 8, **kw))
    ref = make_vec("Myriad/Pendulum-v1", 8, **kw)
    clip.reset(seed=5)
    ref.reset(seed=5)
    a = np.linspace(-5, 5, 8).reshape(8, 1)  # float64, half outside [-2, 2]
    for _ in range(5):
        assert np.array_equal(clip.step(a)[0], ref.step(np.clip(a, -2, 2))[0])
    res = vw.RescaleAction(make_vec("Myriad/Pendulum-v1", 8, **kw),
                           min_action=np.float32(-1), max_action=np.float32(1))
    ref2 = make_vec("Myriad/Pendulum-v1", 8, **kw)
    res.reset(seed=6)
    ref2.reset(seed=6)
    u = np.linspace(-1, 1, 8).reshape(8, 1).astype(np.float32)
    for _ in range(5):
        o1 = res.step(u)[0]
        o2 = ref2.step(u * 2.0)[0]
        assert np.allclose(o1, o2, atol=1e-6)
    assert res.action_space.low.min() == -1.0


def test_dict_info_to_list():
    envs = vw.DictInfoToList(make_vec("Myriad/CartPole-v1", 16, seed=7,
                                      autoreset_mode="same_step"))
    envs.reset(seed=7)
    a = np.ones(16, np.int64)
    for _ in range(100):
        obs, rew, term, trunc, infos = envs.step(a)
        assert isinstance(infos, list) and len(infos) == 16
        done = term | trunc
        if done.any():
            break
    assert done.any()
    for i in range(16):
        if done[i]:
            assert infos[i]["final_obs"].shape == (4,)
            assert abs(infos[i]["final_obs"][2]) > 0.2  # past the threshold
            assert infos[i]["final_info"] == {}
        else:
            assert infos[i] == {}
