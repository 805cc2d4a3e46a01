"""Gymnasium's vector RecordVideo on Myriad's vector env.

RecordVideo writes MP4s with moviepy, which needs a newer NumPy than
Debian's: this file runs with the Python of tests/.venv-video
(scripts/video-venv.sh; the python_video CTest test) and skips, saying why,
where gymnasium or moviepy is missing.  The video must hold the recorded
episode of env 0, one frame per reset and step, each frame the 2 x 2 grid
of Myriad's render() frames of the four envs.
"""
import os

import numpy as np
import pytest

gym = pytest.importorskip(
    "gymnasium", reason="gymnasium is not installed (scripts/video-venv.sh)")
pytest.importorskip(
    "moviepy", reason="moviepy is not installed: RecordVideo cannot write "
    "videos (scripts/video-venv.sh makes tests/.venv-video)")
imageio_ffmpeg = pytest.importorskip(
    "imageio_ffmpeg", reason="imageio-ffmpeg (moviepy's ffmpeg) is missing")
from gymnasium.wrappers.vector import RecordVideo  # noqa: E402

import myriad  # noqa: E402,F401  (registers Myriad/...)

N = 4
SEED = 123


def _make():
    return gym.make_vec("Myriad/CartPole-v1", num_envs=N,
                        vectorization_mode="vector_entry_point",
                        render_mode="rgb_array", render_envs=N)


def _grid(frames):
    # RecordVideo's layout for 4 frames and a 1:1 aspect ratio: 2 x 2
    h, w, _ = frames[0].shape
    g = np.zeros((2 * h, 2 * w, 3), np.uint8)
    for i, f in enumerate(frames):
        r, c = divmod(i, 2)
        g[r * h:(r + 1) * h, c * w:(c + 1) * w] = f
    return g


def _read(path):
    reader = imageio_ffmpeg.read_frames(path)
    meta = reader.__next__()
    w, h = meta["size"]
    frames = [np.frombuffer(b, np.uint8).reshape(h, w, 3) for b in reader]
    return frames, (h, w)


def test_record_video_writes_myriad_frames(tmp_path):
    env = _make()
    assert isinstance(env.unwrapped, myriad.VectorEnv)
    folder = str(tmp_path / "videos")
    env = RecordVideo(env, folder, episode_trigger=lambda e: e == 0)
    env.reset(seed=SEED)
    env.action_space.seed(SEED)
    length = None
    acts = []
    for t in range(1, 600):
        a = env.action_space.sample()
        acts.append(a)
        _, _, term, trunc, _ = env.step(a)
        if length is None and (term[0] or trunc[0]):
            length = t  # env 0's first episode (next_step autoreset)
        if length is not None and t > length:
            break  # the step after the end: RecordVideo wrote the video
    env.close()
    assert length is not None, "env 0 never ended an episode"
    videos = sorted(f for f in os.listdir(folder) if f.endswith(".mp4"))
    assert videos == ["rl-video-episode-0.mp4"], videos
    frames, (h, w) = _read(os.path.join(folder, videos[0]))
    # the reset frame and one per step of the episode
    assert len(frames) == length + 1, (len(frames), length)

    # Myriad's own frames for the same seed and actions
    ref = _make()
    ref.reset(seed=SEED)
    first = ref.render()
    assert len(first) == N
    fh, fw, _ = first[0].shape
    assert (h, w) == (2 * fh, 2 * fw)
    mine = [_grid(first)]
    for a in acts[:length]:
        ref.step(a)
        mine.append(_grid(ref.render()))
    ref.close()
    diffs = [np.abs(v.astype(np.int16) - m).mean()
             for v, m in zip(frames, mine)]
    # H.264 at moviepy's default quality: well under one level on average
    # (about 0.07 here)
    assert max(diffs) < 0.5, diffs
    # and the comparison tells frames one step apart from each other: the
    # video against Myriad's frames shifted by one step differs more
    shifted = [np.abs(v.astype(np.int16) - m).mean()
               for v, m in zip(frames[1:], mine[:-1])]
    assert np.mean(shifted) > 2 * np.mean(diffs), (shifted, diffs)
