"""myriad.sb3: a Myriad batch as a Stable-Baselines3 VecEnv.

The contract of SB3's VecEnv (as its DummyVecEnv keeps it): spaces of one
env, same-step reset with infos[i]["terminal_observation"],
infos[i]["TimeLimit.truncated"], seed() used at the next reset,
reset_infos, get_attr/set_attr/env_method with indices, step_async/
step_wait, render; SB3's own wrappers and checker; PPO, A2C and DQN run on
it.  Skipped (with the reason) where stable-baselines3 is not importable:
make test does not install it; examples/requirements.txt does
(tests/sb3_check.sh runs this file with examples/.venv)."""
import math

import numpy as np
import pytest

sb3 = pytest.importorskip(
    "stable_baselines3",
    reason="stable-baselines3 not importable (examples/requirements.txt "
           "installs it into examples/.venv; make test does not need it)")

import gymnasium as gym  # noqa: E402
from stable_baselines3.common.vec_env import (DummyVecEnv,  # noqa: E402
                                              VecCheckNan, VecEnv,
                                              VecFrameStack, VecMonitor,
                                              VecNormalize)

import myriad  # noqa: E402
import myriad.sb3 as msb3  # noqa: E402

THETA_LIMIT = 12 * 2 * math.pi / 360


def random_actions(venv, rng):
    return rng.integers(0, venv.action_space.n, size=venv.num_envs)


def test_is_an_sb3_vecenv_with_single_env_spaces():
    venv = msb3.make_vec_env("Myriad/CartPole-v1", 16, seed=0)
    assert isinstance(venv, VecEnv) and isinstance(venv, msb3.MyriadVecEnv)
    assert venv.num_envs == 16
    assert venv.observation_space == gym.spaces.Box(
        venv.observation_space.low, venv.observation_space.high, (4,),
        np.float32)
    assert venv.observation_space.shape == (4,)
    assert venv.action_space == gym.spaces.Discrete(2)
    assert venv.render_mode is None and venv.metadata["render_modes"] == []
    # a myriad id or alias works too
    assert msb3.make_vec_env("cartpole", 2).observation_space.shape == (4,)
    with pytest.raises(ValueError, match="unknown environment"):
        msb3.make_vec_env("Myriad/NoSuchEnv-v0", 2)
    venv.close()


def test_reset_and_step_shapes_dtypes_and_async():
    venv = msb3.make_vec_env("cartpole", 16, seed=1)
    obs = venv.reset()
    assert obs.shape == (16, 4) and obs.dtype == np.float32
    assert all(o in venv.observation_space for o in obs)
    assert venv.reset_infos == [{}] * 16
    venv.step_async(np.ones(16, dtype=np.int64))
    obs2, rew, dones, infos = venv.step_wait()
    assert obs2.shape == (16, 4) and obs2.dtype == np.float32
    assert rew.shape == (16,) and rew.dtype == np.float32 and np.all(rew == 1)
    assert dones.shape == (16,) and dones.dtype == np.bool_
    assert isinstance(infos, list) and len(infos) == 16
    assert all(i["TimeLimit.truncated"] is False for i in infos)
    # returned arrays are the caller's: the next step does not change them
    keep = obs2.copy()
    venv.step(np.zeros(16, dtype=np.int64))
    assert np.array_equal(keep, obs2)
    with pytest.raises(RuntimeError):
        venv.step_wait()  # no step_async before


def test_same_step_reset_and_terminal_observation():
    # the adapter against the myriad batch it wraps, stepped alike
    n = 64
    venv = msb3.make_vec_env("cartpole", n, seed=5)
    ref = myriad.make("cartpole", n, seed=5)
    venv.seed(11)
    obs = venv.reset()
    ref_obs, _ = ref.reset(seed=11)
    assert np.array_equal(obs, ref_obs)
    rng = np.random.default_rng(0)
    ended = 0
    for _ in range(60):
        a = random_actions(venv, rng)
        obs, rew, dones, infos = venv.step(a)
        r_obs, r_rew, term, trunc, r_info = ref.step(a)
        assert np.array_equal(obs, r_obs) and np.array_equal(rew, r_rew)
        assert np.array_equal(dones, term | trunc)
        for i in range(n):
            if dones[i]:
                ended += 1
                t = infos[i]["terminal_observation"]
                assert t.shape == (4,) and t.dtype == np.float32
                assert np.array_equal(t, r_info["final_obs"][i])
                # a terminal CartPole state, and obs is the next episode's
                assert abs(t[0]) > 2.4 or abs(t[2]) > THETA_LIMIT
                assert abs(obs[i]).max() <= 0.05
                assert infos[i]["TimeLimit.truncated"] is False
            else:
                assert "terminal_observation" not in infos[i]
    assert ended > 0


def test_time_limit_truncated():
    n = 32
    venv = msb3.make_vec_env("cartpole", n, seed=2, max_episode_steps=6)
    venv.reset()
    alive = np.ones(n, dtype=bool)
    # alternate pushes keep the pole up for 6 steps
    for k in range(6):
        obs, rew, dones, infos = venv.step(np.full(n, k % 2, dtype=np.int64))
        if k < 5:
            alive &= ~dones
    assert alive.all()
    assert dones.all()
    assert all(i["TimeLimit.truncated"] is True for i in infos)
    assert all("terminal_observation" in i for i in infos)
    # the next step starts again (t counts from the reset)
    assert venv.get_attr("t") == [0] * n
    with pytest.raises(ValueError):
        msb3.make_vec_env("cartpole", 2, max_episode_steps=5, max_steps=5)


def test_seed_takes_effect_at_next_reset():
    venv = msb3.make_vec_env("cartpole", 8, seed=0)
    assert venv.seed(123) == list(range(123, 131))
    a = venv.reset()
    venv.seed(123)
    b = venv.reset()
    assert np.array_equal(a, b)
    venv.seed(124)
    c = venv.reset()
    assert not np.array_equal(a, c)
    # seeds are used once: a reset without seed() draws fresh states
    d = venv.reset()
    assert not np.array_equal(c, d)
    # the same seed, the same episode
    rng = np.random.default_rng(3)
    acts = [random_actions(venv, rng) for _ in range(40)]
    runs = []
    for _ in range(2):
        venv.seed(7)
        venv.reset()
        runs.append([venv.step(x)[0] for x in acts])
    assert all(np.array_equal(x, y) for x, y in zip(*runs))


def test_matches_sb3_dummy_vec_env_until_the_episode_ends():
    # SB3's own DummyVecEnv over gym.make("Myriad/CartPole-v1") (one env),
    # seeded alike: the same observations, rewards, dones and terminal
    # observation up to the end of the first episode
    ours = msb3.make_vec_env("Myriad/CartPole-v1", 1, seed=0)
    dummy = DummyVecEnv([lambda: gym.make("Myriad/CartPole-v1")])
    ours.seed(42)
    dummy.seed(42)
    o1, o2 = ours.reset(), dummy.reset()
    assert np.array_equal(o1, o2)
    rng = np.random.default_rng(1)
    for _ in range(500):
        a = rng.integers(0, 2, size=1)
        r1, r2 = ours.step(a), dummy.step(a)
        assert np.array_equal(r1[1], r2[1]) and np.array_equal(r1[2], r2[2])
        if r1[2][0]:
            for key in ("terminal_observation", "TimeLimit.truncated"):
                assert np.array_equal(r1[3][0][key], r2[3][0][key]), key
            break
        assert np.array_equal(r1[0], r2[0])
        assert r1[3][0] == {"TimeLimit.truncated": False}
        assert r2[3][0]["TimeLimit.truncated"] is False
    else:
        pytest.fail("no episode ended in 500 random steps")


def test_get_attr_set_attr_env_method_with_indices():
    venv = msb3.make_vec_env("cartpole", 6, seed=4, masspole=0.2)
    venv.reset()
    x = venv.get_attr("x")
    assert len(x) == 6 and len(set(x)) > 1     # a state field, per env
    assert venv.get_attr("x", [1, 3]) == [x[1], x[3]]
    assert venv.get_attr("x", 2) == [x[2]]
    assert venv.get_attr("masspole", [0, 5]) == [0.2, 0.2]
    assert venv.get_attr("render_mode") == [None] * 6
    assert venv.has_attr("theta") and not venv.has_attr("no_such_attr")
    venv.set_attr("x", 0.5, indices=[1, 4])
    x2 = venv.get_attr("x")
    assert x2[1] == x2[4] == 0.5
    assert [x2[i] for i in (0, 2, 3, 5)] == [x[i] for i in (0, 2, 3, 5)]
    venv.set_attr("x", [0.1, 0.2], indices=[0, 2])
    assert venv.get_attr("x", [0, 2]) == [np.float32(0.1), np.float32(0.2)]
    # a batch attribute: all envs or none
    venv.set_attr("my_note", "hello")
    assert venv.get_attr("my_note", [0, 5]) == ["hello", "hello"]
    with pytest.raises(ValueError, match="whole batch"):
        venv.set_attr("my_note", "x", indices=[0])
    with pytest.raises(IndexError):
        venv.get_attr("x", [6])
    h = venv.env_method("state_hash")
    assert len(h) == 6 and len(set(h)) == 1
    assert venv.env_method("state_hash", indices=[2]) == [h[0]]
    assert venv.env_is_wrapped(gym.Wrapper) == [False] * 6
    assert venv.env_is_wrapped(gym.Wrapper, indices=[1]) == [False]


def test_render_tiles_the_first_envs():
    venv = msb3.make_vec_env("cartpole", 8, seed=0, render_mode="rgb_array",
                             render_envs=4)
    assert venv.render_mode == "rgb_array"
    assert venv.metadata["render_modes"] == ["human", "rgb_array"]
    venv.reset()
    imgs = venv.get_images()
    assert len(imgs) == 4 and imgs[0].shape == (400, 600, 3)
    big = venv.render()
    assert big.shape == (800, 1200, 3) and big.dtype == np.uint8
    assert np.array_equal(big[:400, :600], imgs[0])
    with pytest.warns(UserWarning):
        assert msb3.make_vec_env("cartpole", 2).render() is None


def test_sb3_wrappers():
    n = 16
    venv = VecMonitor(msb3.make_vec_env("cartpole", n, seed=9))
    venv.reset()
    rng = np.random.default_rng(0)
    episodes = []
    for _ in range(100):
        _, _, dones, infos = venv.step(random_actions(venv, rng))
        episodes += [i["episode"] for i, d in zip(infos, dones) if d]
    assert len(episodes) > 30
    # random CartPole: about 22 steps an episode, reward 1 per step
    mean_len = np.mean([e["l"] for e in episodes])
    assert 14 < mean_len < 32, mean_len
    assert all(e["r"] == e["l"] for e in episodes)

    norm = VecNormalize(msb3.make_vec_env("cartpole", n, seed=3),
                        norm_reward=True)
    norm.reset()
    for _ in range(200):
        obs, rew, _, _ = norm.step(rng.integers(0, 2, size=n))
    assert np.abs(obs.mean(axis=0)).max() < 1.5
    assert norm.obs_rms.count > 200 * n

    stack = VecFrameStack(msb3.make_vec_env("cartpole", n, seed=3), 4)
    assert stack.reset().shape == (n, 16)
    assert stack.step(np.zeros(n, dtype=np.int64))[0].shape == (n, 16)

    nan = VecCheckNan(msb3.make_vec_env("pendulum", n, seed=3),
                      raise_exception=True)
    nan.reset()
    for _ in range(5):
        nan.step(rng.uniform(-2, 2, size=(n, 1)).astype(np.float32))
    with pytest.raises(ValueError):
        nan.step(np.full((n, 1), np.nan, dtype=np.float32))


def test_sb3_env_checker_on_the_single_env():
    from stable_baselines3.common.env_checker import check_env
    check_env(gym.make("Myriad/CartPole-v1"), warn=True)
    check_env(gym.make("Myriad/Pendulum-v1"), warn=True)


def test_algorithms_run_on_it():
    import torch
    from stable_baselines3 import A2C, DQN, PPO
    from stable_baselines3.common.evaluation import evaluate_policy
    torch.set_num_threads(1)
    venv = VecMonitor(msb3.make_vec_env("cartpole", 8, seed=0))
    model = PPO("MlpPolicy", venv, n_steps=32, batch_size=128, n_epochs=2,
                seed=0, device="cpu").learn(2048)
    assert model.num_timesteps >= 2048
    assert len(model.ep_info_buffer) > 10  # episodes seen through infos
    mean, std = evaluate_policy(model, venv, n_eval_episodes=10)
    assert mean > 0
    A2C("MlpPolicy", venv, seed=0, device="cpu").learn(400)
    DQN("MlpPolicy", venv, learning_starts=100, seed=0,
        device="cpu").learn(400)
    # a Box action space (Pendulum): actions come as (n, 1) float32
    box = VecMonitor(msb3.make_vec_env("pendulum", 4, seed=0))
    PPO("MlpPolicy", box, n_steps=64, batch_size=64, n_epochs=1, seed=0,
        device="cpu").learn(256)



def test_threads_default_one_for_small_batches():
    assert msb3.make_vec_env("cartpole", 8).venv.threads == 1
    assert msb3.make_vec_env("cartpole", 4096).venv.threads == 1
    big = msb3.make_vec_env("cartpole", 4097).venv
    assert big.threads == myriad.make("cartpole", 4097).threads
    assert msb3.make_vec_env("cartpole", 8, threads=2).venv.threads == 2
