"""`myriad render`: the C command (MYRIAD_CLI, set by CTest) and the Python
one (python -m myriad render) write an episode as a GIF (Pillow) or an MP4
(ffmpeg), and its frames are the frames render() returns for the same
env, seed and policy.  Skipped without Pillow (GIF) or ffmpeg (MP4)."""
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import myriad
from myriad import movie

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CLI = os.environ.get("MYRIAD_CLI")
POLE = (202, 152, 101)   # Gymnasium's CartPole pole colour
AXLE = (129, 132, 203)

try:
    from PIL import Image
except ImportError:
    Image = None
need_pil = pytest.mark.skipif(Image is None, reason="Pillow not importable "
                              "(Debian: python3-pil) - GIF tests skipped")
need_cli = pytest.mark.skipif(not CLI or not os.access(CLI, os.X_OK),
                              reason="MYRIAD_CLI (the built myriad "
                              "command) not set - run from ctest")
FFMPEG = shutil.which("ffmpeg")
need_ffmpeg = pytest.mark.skipif(FFMPEG is None or shutil.which("ffprobe")
                                 is None, reason="ffmpeg/ffprobe not on PATH "
                                 "(Debian: apt-get install ffmpeg) - MP4 "
                                 "tests skipped")


def python_frames(env_id, steps, seed, **kw):
    """render() of a batch of one made and stepped with step() and the
    random policy's actions: independent of myriad.movie."""
    env = myriad.make(env_id, 1, seed=seed, render_mode="rgb_array", **kw)
    env.reset(seed=seed)
    out = []
    for _ in range(steps):
        out.append(env.render()[0])
        env.step(env.random_actions())
    env.close()
    return out


def gif_frames(path):
    im = Image.open(path)
    out = []
    for k in range(im.n_frames):
        im.seek(k)
        out.append(np.asarray(im.convert("RGB")))
    return im, out


def has_colour(frame, rgb):
    return bool(np.all(frame == np.array(rgb, dtype=np.uint8), axis=-1).any())


@need_cli
@need_pil
def test_cli_gif_cartpole_200_frames_match_python_render(tmp_path):
    out = tmp_path / "cartpole.gif"
    r = subprocess.run([CLI, "render", "--env", "cartpole", "--steps", "200",
                        "--seed", "7", "--out", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "200 frames" in r.stdout
    im, frames = gif_frames(out)
    assert im.n_frames == 200 and im.size == (600, 400)
    assert im.info.get("duration") == 20   # 50 fps, as Gymnasium
    # the cart (black), the pole and the axle are drawn
    for f in frames[::20]:
        assert has_colour(f, POLE) and has_colour(f, AXLE)
        assert has_colour(f, (0, 0, 0))
    # frame k is render() after k steps with the same seed and policy,
    # pixel for pixel (CartPole has 4 colours: the GIF palette is exact)
    ref = python_frames("cartpole", 200, seed=7)
    for k in range(200):
        assert np.array_equal(frames[k], ref[k]), k
    # and the episode moves: the frames are not all the same
    assert not np.array_equal(frames[0], frames[100])


@need_cli
@need_pil
def test_cli_gif_other_seed_differs(tmp_path):
    a, b = tmp_path / "a.gif", tmp_path / "b.gif"
    for seed, out in ((1, a), (2, b)):
        r = subprocess.run([CLI, "render", "--steps", "30", "--seed",
                            str(seed), "--out", str(out)],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
    fa, fb = gif_frames(a)[1], gif_frames(b)[1]
    assert len(fa) == len(fb) == 30
    assert any(not np.array_equal(x, y) for x, y in zip(fa, fb))


@need_pil
@pytest.mark.parametrize("env_id", ["pendulum", "mountaincar", "acrobot",
                                    "gene-circuit"])
def test_movie_frames_equal_render_of_stepped_env(env_id, tmp_path):
    # the module's frames (stepped by rollout(1, "random")) are render() of
    # an env stepped by step(random_actions()) - for the gene circuit this
    # includes the plot's history (F and the light of each step)
    got = list(movie.frames(env_id, 40, "random", 3))
    ref = python_frames(env_id, 40, seed=3)
    assert len(got) == 40
    for k in range(40):
        assert np.array_equal(got[k], ref[k]), (env_id, k)
    out = tmp_path / "x.gif"
    n = movie.write_gif(str(out), iter(got), movie.fps_of(env_id))
    assert n == 40
    im, frames = gif_frames(out)
    assert im.n_frames == 40
    for k in (0, 17, 39):
        assert np.array_equal(frames[k], got[k]), (env_id, k)


@need_pil
def test_gene_circuit_frame_shows_target_f_and_light(tmp_path):
    # light on every step (constant:1): the strip is yellow; the target line
    # is red, the F trajectory green
    got = list(movie.frames("gene-circuit", 30, "constant:1", 0))
    last = got[-1]
    assert has_colour(last, (255, 200, 0))        # light on
    assert has_colour(last, (220, 40, 40))        # target
    assert has_colour(last, (0, 150, 0))          # F
    off = list(movie.frames("gene-circuit", 30, "constant:0", 0))[-1]
    assert not has_colour(off, (255, 200, 0)) and has_colour(off, (60, 60, 60))


@need_pil
def test_python_console_command_renders(tmp_path):
    # python -m myriad render: the pip-installed `myriad` entry point's path
    out = tmp_path / "p.gif"
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    r = subprocess.run([sys.executable, "-m", "myriad", "render", "--env",
                        "acrobot", "--steps", "12", "--policy", "constant:2",
                        "--out", str(out)], capture_output=True, text=True,
                       env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    im, frames = gif_frames(out)
    assert im.n_frames == 12 and im.size == (500, 500)


def test_render_errors(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))

    def run(*args, **extra):
        e = dict(env, **extra)
        return subprocess.run([sys.executable, "-m", "myriad", "render"] +
                              list(args), capture_output=True, text=True,
                              env=e, timeout=300)
    r = run("--out", str(tmp_path / "x.png"))
    assert r.returncode == 2 and ".gif or .mp4" in r.stderr
    r = run("--policy", "bogus", "--out", str(tmp_path / "x.mp4"),
            MYRIAD_FFMPEG=sys.executable)  # fails on the policy first
    assert r.returncode == 1 and "policy" in r.stderr
    r = run("--env", "optohill", "--out", str(tmp_path / "x.gif"))
    assert r.returncode == 1 and "renderer" in r.stderr
    r = run("--steps", "0", "--out", str(tmp_path / "x.gif"))
    assert r.returncode == 2
    # no ffmpeg on PATH: a clear error naming it
    r = run("--out", str(tmp_path / "x.mp4"), PATH="/nonexistent")
    assert r.returncode == 1 and "ffmpeg" in r.stderr
    assert not (tmp_path / "x.mp4").exists()
    # an ffmpeg that fails: its failure is reported, not a success
    r = run("--steps", "5", "--out", str(tmp_path / "z.mp4"),
            MYRIAD_FFMPEG="/bin/false")
    assert r.returncode == 1 and "ffmpeg" in r.stderr
    # no Pillow: a clear error naming it
    code = ("import sys; sys.modules['PIL'] = None\n"
            "from myriad.movie import main\n"
            "sys.exit(main(['--out', %r]))" % str(tmp_path / "y.gif"))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True,
                       text=True, env=env, timeout=300)
    assert r.returncode == 1 and "Pillow" in r.stderr
    assert not (tmp_path / "y.gif").exists()


@need_cli
@need_ffmpeg
def test_cli_mp4(tmp_path):
    out = tmp_path / "cartpole.mp4"
    r = subprocess.run([CLI, "render", "--env", "cartpole", "--steps", "60",
                        "--seed", "7", "--out", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
         "-show_entries", "stream=nb_read_frames,width,height,codec_name",
         "-of", "default=noprint_wrappers=1", str(out)],
        capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr
    info = dict(line.split("=", 1) for line in probe.stdout.split())
    assert info["nb_read_frames"] == "60", info
    assert (info["width"], info["height"]) == ("600", "400")
    assert info["codec_name"] == "h264"
    # decoded frames are close to render()'s (H.264 is lossy)
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(out), "-f",
                          "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, timeout=120).stdout
    dec = np.frombuffer(raw, np.uint8).reshape(60, 400, 600, 3)
    ref = python_frames("cartpole", 60, seed=7)
    for k in (0, 30, 59):
        err = np.abs(dec[k].astype(int) - ref[k].astype(int)).mean()
        assert err < 3.0, (k, err)
        # the frame that k is closest to among the others is k itself
        assert err < np.abs(dec[k].astype(int) -
                            ref[(k + 30) % 60].astype(int)).mean()
