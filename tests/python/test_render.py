"""render_mode="rgb_array": frames drawn with NumPy (myriad.render).

Without gymnasium/pygame only the frames themselves are tested (shape,
dtype, that they follow the state); in the test venv (tests/.venv-gym,
which has gymnasium and pygame) the classic-control frames are also
compared with Gymnasium's own frame of the same state, and the Gymnasium
entry points are tested."""
import numpy as np
import pytest

import myriad

SIZES = {"cartpole-v1": (400, 600), "pendulum-v1": (500, 500),
         "mountaincar-v0": (400, 600), "acrobot-v1": (500, 500),
         "ccasr-gfp-control": (400, 600), "ccasr-gfp-sysid": (400, 600)}
FPS = {"cartpole-v1": 50, "pendulum-v1": 30, "mountaincar-v0": 30,
       "acrobot-v1": 15}
# a state field whose change must change the frame, and a new value
MOVE = {"cartpole-v1": ("theta", 0.15), "pendulum-v1": ("theta", 1.0),
        "mountaincar-v0": ("position", 0.2), "acrobot-v1": ("theta1", 1.0),
        "ccasr-gfp-control": ("F", 60.0), "ccasr-gfp-sysid": ("F", 60.0)}


@pytest.mark.parametrize("env_id", sorted(SIZES))
def test_frames_shape_dtype_and_state(env_id):
    env = myriad.make(env_id, 5, seed=1, render_mode="rgb_array",
                      render_envs=3)
    try:
        assert env.metadata["render_modes"] == ["rgb_array"]
        if env_id in FPS:
            assert env.metadata["render_fps"] == FPS[env_id]
        env.reset(seed=1)
        for _ in range(3):
            env.step(env.random_actions())
        frames = env.render()
        assert isinstance(frames, tuple) and len(frames) == 3
        for f in frames:
            assert f.shape == SIZES[env_id] + (3,) and f.dtype == np.uint8
            assert (f != 255).any() and (f == 255).any()
        name, value = MOVE[env_id]
        before = env.render()[0]
        v = env.get_state(name)
        v[0] = value
        env.set_state(name, v)
        after = env.render()
        assert (after[0] != before).any(), "frame did not follow the state"
        assert (after[1] == frames[1]).all()  # env 1 untouched
    finally:
        env.close()


def test_render_options():
    env = myriad.make("cartpole", 4)
    assert env.render_mode is None and env.render() is None
    assert env.metadata["render_modes"] == ["rgb_array"]
    env.close()
    assert len(myriad.make("cartpole", 4, render_mode="rgb_array").render()) == 1
    for bad in (0, 5):
        with pytest.raises(ValueError, match="render_envs"):
            myriad.make("cartpole", 4, render_mode="rgb_array",
                        render_envs=bad)
    with pytest.raises(ValueError, match="render_mode"):
        myriad.make("cartpole", 4, render_mode="human")
    with pytest.raises(ValueError, match="renderer"):
        myriad.make("opto-hill-1d", 4, render_mode="rgb_array")
    assert myriad.make("opto-hill-1d", 4).metadata["render_modes"] == []


def test_frames_collected_over_an_episode():
    # what a video recorder would collect (RecordVideo itself needs moviepy,
    # which the test venv does not have)
    env = myriad.make("cartpole", 2, seed=3, render_mode="rgb_array")
    env.reset(seed=3)
    frames = []
    for _ in range(20):
        env.step(np.ones(2, np.int32))
        frames.append(env.render()[0])
    video = np.stack(frames)
    assert video.shape == (20, 400, 600, 3)
    assert len({f.tobytes() for f in frames}) > 10  # the cart moves
    env.close()


def test_gene_circuit_history_follows_episodes():
    env = myriad.make("ccasr-gfp-control", 2, seed=0, autoreset="same_step",
                      render_mode="rgb_array", render_envs=2, max_steps=30)
    env.reset(seed=0)
    on = np.array([255, 200, 0], np.uint8)
    env.step(np.array([1, 0], np.int32))
    f = env.render()
    # env 0 had the light on: yellow in its strip, env 1 not
    assert (f[0] == on).all(2).any() and not (f[1] == on).all(2).any()
    for _ in range(40):  # past an autoreset: the record starts again
        env.step(np.ones(2, np.int32))
    assert env.get_state("t")[0] < 30
    assert len(env._hist.t[0]) <= env.get_state("t")[0] + 1
    env.close()


# ------------------------------------------------------------ Gymnasium

GYM = {"cartpole-v1": ("CartPole-v1", ["x", "x_dot", "theta", "theta_dot"]),
       "pendulum-v1": ("Pendulum-v1", ["theta", "theta_dot"]),
       "mountaincar-v0": ("MountainCar-v0", ["position", "velocity"]),
       "acrobot-v1": ("Acrobot-v1", ["theta1", "theta2", "dtheta1",
                                     "dtheta2"])}
# Thresholds.  Myriad fills shapes without anti-aliasing and Gymnasium
# draws anti-aliased outlines (gfxdraw.aapolygon/aacircle, aalines), so
# edge pixels differ; interiors, positions and colours must agree.
# "equal": share of all pixels with the same RGB (measured >= 0.9937);
# "ink": share of the pixels non-white in either frame that are equal
# (measured >= 0.91, MountainCar 0.43: its track is an anti-aliased curve,
# two pixels wide in Gymnasium's frame, one in Myriad's).  "equal" alone
# is weak (the background dominates: a CartPole cart 5 pixels off still
# scores 0.993); "ink" catches geometry: the cart 2 pixels off scores 0.76,
# the pole 0.05 rad off 0.78, both below 0.85.
EQUAL_MIN = 0.99
INK_MIN = {"cartpole-v1": 0.85, "pendulum-v1": 0.85,
           "mountaincar-v0": 0.38, "acrobot-v1": 0.85}


def _gym_with_pygame():
    gym = pytest.importorskip(
        "gymnasium", reason="gymnasium is not installed for this Python: "
        "scripts/gym-venv.sh makes tests/.venv-gym (with pygame)")
    pytest.importorskip("pygame", reason="pygame is not installed: "
                        "scripts/gym-venv.sh installs it into tests/.venv-gym")
    return gym


def match(ref, mine):
    eq = (ref == mine).all(2)
    ink = (ref != 255).any(2) | (mine != 255).any(2)
    return float(eq.mean()), float((eq & ink).sum() / max(ink.sum(), 1))


@pytest.mark.parametrize("env_id", sorted(GYM))
def test_frames_match_gymnasium(env_id, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    gym = _gym_with_pygame()
    gid, fields = GYM[env_id]
    n = 8
    env = myriad.make(env_id, n, seed=4, render_mode="rgb_array",
                      render_envs=n)
    ref_env = gym.make(gid, render_mode="rgb_array")
    ref_env.reset(seed=0)
    g = ref_env.unwrapped
    env.reset(seed=4)
    try:
        for _ in range(6):
            for _ in range(7):
                env.step(env.random_actions())
            frames = env.render()
            state = np.stack([env.get_state(f) for f in fields], axis=1)
            for i in range(n):
                g.state = state[i].copy()
                ref = g.render()
                assert ref.shape == frames[i].shape
                equal, ink = match(ref, frames[i])
                assert equal >= EQUAL_MIN and ink >= INK_MIN[env_id], \
                    (env_id, state[i], equal, ink)
    finally:
        env.close()
        ref_env.close()


def test_gymnasium_entry_points():
    gym = pytest.importorskip("gymnasium", reason="gymnasium is not installed")
    if not myriad.GYMNASIUM_IDS:
        pytest.skip("gymnasium %s: Myriad ids not registered" % gym.__version__)
    envs = gym.make_vec("Myriad/CartPole-v1", num_envs=4,
                        vectorization_mode="vector_entry_point",
                        render_mode="rgb_array")
    envs.reset(seed=0)
    frames = envs.render()
    assert isinstance(frames, tuple) and len(frames) == 1
    assert frames[0].shape == (400, 600, 3)
    assert envs.metadata["render_fps"] == 50
    envs.close()
    envs = gym.make_vec("Myriad/Acrobot-v1", num_envs=4,
                        vectorization_mode="vector_entry_point",
                        render_mode="rgb_array", render_envs=4)
    envs.reset(seed=0)
    assert len(envs.render()) == 4
    envs.close()
    for gid, shape, fps in (("Myriad/Pendulum-v1", (500, 500), 30),
                            ("Myriad/MountainCar-v0", (400, 600), 30),
                            ("Myriad/GeneCircuit-v0", (400, 600), 10)):
        env = gym.make(gid, render_mode="rgb_array")
        env.reset(seed=0)
        env.step(env.action_space.sample())
        f = env.render()
        assert isinstance(f, np.ndarray) and f.shape == shape + (3,)
        assert f.dtype == np.uint8 and env.metadata["render_fps"] == fps
        env.close()
    # rgb_array_list: Gymnasium's RenderCollection over the rgb_array frames
    env = gym.make("Myriad/CartPole-v1", render_mode="rgb_array_list")
    env.reset(seed=0)
    for _ in range(5):
        env.step(1)
    frames = env.render()
    assert len(frames) == 6 and frames[-1].shape == (400, 600, 3)
    env.close()
    with pytest.raises(ValueError, match="renderer"):
        gym.make("Myriad/OptoHill1D-v0", render_mode="rgb_array")
