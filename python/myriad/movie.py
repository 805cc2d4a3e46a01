"""``myriad render``: one env stepped with a built-in policy, drawn frame by
frame (:mod:`myriad.render`) and written as a GIF (Pillow) or an MP4
(the ``ffmpeg`` program), so an episode can be watched without writing
code::

    myriad render --env cartpole --steps 200 --out cartpole.gif
    python -m myriad render --env gene-circuit --policy pid:field=F,setpoint=25,kp=0.1 --out gc.mp4

The C command ``myriad render`` runs this module with the Python recorded
at build time; the pip-installed ``myriad`` command runs it in its own
Python.  :func:`frames` is the same episode as NumPy arrays.

Frames: frame 0 is the state after ``reset(seed=S)``, frame k the state
after k steps (``steps`` frames in all; the last step's result is not
drawn).  The env is ``myriad.make(env, 1, seed=S, render_mode="rgb_array")``
stepped by ``rollout(1, policy=P)`` per frame (same_step autoreset: an
episode that ends starts again at once), so ``render()`` of an env made and
stepped the same way returns the same frames.
"""

import argparse
import os
import shutil
import subprocess
import sys

import numpy as np

from . import _lib as L
from .env import make

USAGE_EPILOG = """\
policies: random, constant:A, periodic:W, bangbang:field=F[,setpoint=S]
[,invert=1], pid:field=F,setpoint=S[,kp=..,ki=..,kd=..,limit=..,bias=..]
(see `myriad run --help`).  Envs with frames: cartpole, pendulum,
mountaincar, acrobot, gene-circuit (ccasr-gfp-control), ccasr-gfp-sysid.
The GIF needs Pillow (pip install 'myriad[render]' or Debian's
python3-pil); the MP4 needs the ffmpeg program (Debian: apt-get install
ffmpeg).  A GIF has STEPS frames when the frames use at most 128 colours
in all (the classic-control ones do); with more, Pillow merges identical
consecutive frames into one longer frame."""


class RenderError(Exception):
    """A missing writer (Pillow, ffmpeg) or a failed write."""


def frames(env_id="cartpole", steps=200, policy="random", seed=0,
           **params):
    """Yield ``steps`` frames ((H, W, 3) uint8) of env 0 stepped with a
    built-in policy, as ``myriad render`` draws them."""
    env = make(env_id, 1, seed=seed, threads=1, render_mode="rgb_array",
               **params)
    try:
        env.reset(seed=seed)
        for k in range(steps):
            yield env.render()[0]
            if k + 1 < steps:
                env.rollout(1, policy=policy)
    finally:
        env.close()


def fps_of(env_id):
    """Gymnasium's frames per second for the env (10 for the gene
    circuit)."""
    env = make(env_id, 1)
    try:
        if "render_fps" not in env.metadata:
            raise ValueError("%s has no renderer" % env.env_id)
        return env.metadata["render_fps"]
    finally:
        env.close()


def check_policy(env_id, policy):
    """ValueError (the library's message) unless ``policy`` is a built-in
    policy the env accepts."""
    if not isinstance(policy, str):
        raise TypeError("policy must be a string such as 'random'")
    p = L.myr_env_find(env_id.encode())
    if not p:
        raise L.error(L.MYR_ENOENV)
    L.check(L.myr_policy_check(p, policy.encode()))


def _pillow():
    try:
        from PIL import Image
    except ImportError:
        raise RenderError(
            "writing a GIF needs Pillow, which this Python (%s) cannot import:"
            " pip install pillow (or 'myriad[render]'; Debian: apt-get install"
            " python3-pil), or write an .mp4 (ffmpeg)" % sys.executable)
    return Image


def _pack(frame):
    f = frame.astype(np.uint32)
    return (f[..., 0] << 16) | (f[..., 1] << 8) | f[..., 2]


def write_gif(path, frame_iter, fps):
    """Write the frames as a looping GIF.  Frames of at most 256 colours in
    all (the classic-control ones) keep their exact colours (one palette
    made from every frame's colours), and up to 128 colours every frame is
    its own GIF frame; otherwise each frame is quantised by Pillow.
    Returns the number of frames given."""
    Image = _pillow()
    local = []  # per frame: its colours (packed) and the index of each pixel
    shape = None
    for fr in frame_iter:
        if shape is None:
            shape = fr.shape
        elif fr.shape != shape:
            raise RenderError("frames of different sizes: %s and %s" %
                              (shape, fr.shape))
        cols, inv = np.unique(_pack(fr), return_inverse=True)
        local.append((cols, inv.reshape(fr.shape[:2])))
    if not local:
        raise RenderError("no frames to write (steps must be >= 1)")
    allcols = np.unique(np.concatenate([c for c, _ in local]))
    images = []
    m = len(allcols)
    if m <= 256:
        # one exact palette; up to 128 colours it holds each colour twice
        # (entries c and 128 + c) and odd frames use the second copy, so
        # that no two consecutive frames have the same indices: Pillow
        # would merge identical frames into one, and the GIF would have
        # fewer frames than steps
        twice = m <= 128
        pal = np.zeros((256, 3), dtype=np.uint8)
        for base in ((0, 128) if twice else (0,)):
            pal[base:base + m, 0] = allcols >> 16
            pal[base:base + m, 1] = (allcols >> 8) & 255
            pal[base:base + m, 2] = allcols & 255
        palette = pal.reshape(-1).tolist()
        for k, (cols, inv) in enumerate(local):
            lut = np.searchsorted(allcols, cols).astype(np.uint8)
            if twice and k % 2:
                lut += 128
            im = Image.fromarray(lut[inv], mode="P")
            im.putpalette(palette)
            images.append(im)
    else:
        for cols, inv in local:
            rgb = np.empty(inv.shape + (3,), dtype=np.uint8)
            c = cols[inv]
            rgb[..., 0], rgb[..., 1], rgb[..., 2] = c >> 16, (c >> 8) & 255, \
                c & 255
            images.append(Image.fromarray(rgb).quantize(256))
    duration = max(1, int(round(1000.0 / fps)))
    try:
        images[0].save(path, format="GIF", save_all=True,
                       append_images=images[1:], duration=duration, loop=0,
                       optimize=False)
    except OSError as e:
        raise RenderError("cannot write %s: %s" % (path, e))
    return len(images)


def write_mp4(path, frame_iter, fps, ffmpeg=None):
    """Pipe the frames into ffmpeg (H.264, yuv420p).  Returns the number of
    frames written."""
    exe = ffmpeg or os.environ.get("MYRIAD_FFMPEG") or shutil.which("ffmpeg")
    if not exe:
        raise RenderError(
            "writing an .mp4 needs the ffmpeg program, which is not on PATH"
            " (Debian: apt-get install ffmpeg; or set MYRIAD_FFMPEG), or write"
            " a .gif (Pillow)")
    it = iter(frame_iter)
    first = next(it, None)
    if first is None:
        raise RenderError("no frames to write (steps must be >= 1)")
    h, w = first.shape[:2]
    cmd = [exe, "-hide_banner", "-loglevel", "error", "-y",
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "%dx%d" % (w, h),
           "-r", str(fps), "-i", "-",
           # yuv420p needs even sizes
           "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
           path]
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    except OSError as e:
        raise RenderError("cannot run %s: %s" % (exe, e))
    n = 0
    try:
        for fr in [first]:
            proc.stdin.write(np.ascontiguousarray(fr).tobytes())
            n += 1
        for fr in it:
            if fr.shape != first.shape:
                raise RenderError("frames of different sizes")
            proc.stdin.write(np.ascontiguousarray(fr).tobytes())
            n += 1
        proc.stdin.close()
    except BrokenPipeError:  # ffmpeg stopped reading: its error follows
        proc.wait()
        err = proc.stderr.read().decode(errors="replace")
        raise RenderError("ffmpeg stopped after %d frames (exit %d): %s" %
                          (n, proc.returncode, err.strip()))
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    err = proc.stderr.read().decode(errors="replace")
    if proc.wait() != 0:
        raise RenderError("ffmpeg failed (exit %d): %s" %
                          (proc.returncode, err.strip()))
    return n


def _params(pairs):
    out = {}
    for kv in pairs or ():
        if "=" not in kv:
            raise ValueError("--param wants KEY=VALUE, not %r" % kv)
        k, v = kv.split("=", 1)
        try:
            out[k] = float(v)
        except ValueError:
            out[k] = v  # a distribution: uniform(a,b), lognormal(m,s)
    return out


def parser(prog="myriad render"):
    p = argparse.ArgumentParser(
        prog=prog, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Step one environment with a built-in policy and write "
                    "its frames as a GIF or an MP4.",
        epilog=USAGE_EPILOG)
    p.add_argument("--env", default="cartpole",
                   help="environment id or alias (default cartpole)")
    p.add_argument("--steps", type=int, default=200,
                   help="frames to write, one per step (default 200)")
    p.add_argument("--policy", default="random",
                   help="built-in policy (default random)")
    p.add_argument("--seed", type=int, default=0, help="reset seed (default 0)")
    p.add_argument("--fps", type=float, default=None,
                   help="frames per second (default: the env's, e.g. 50 for "
                        "CartPole as Gymnasium)")
    p.add_argument("--param", action="append", metavar="KEY=VALUE",
                   help="fix (or draw) a parameter, as myriad run --param")
    p.add_argument("--out", required=True, metavar="FILE.gif|FILE.mp4",
                   help="output file; the suffix chooses the format")
    return p


def main(argv=None, prog="myriad render"):
    args = parser(prog).parse_args(argv)
    ext = os.path.splitext(args.out)[1].lower()
    name = prog.split()[0]
    if ext not in (".gif", ".mp4"):
        sys.stderr.write("%s render: --out must end in .gif or .mp4 (got %r)\n"
                         % (name, args.out))
        return 2
    if args.steps < 1:
        sys.stderr.write("%s render: --steps must be >= 1\n" % name)
        return 2
    try:
        params = _params(args.param)
        fps = args.fps or fps_of(args.env)
        # the arguments and the writer first: no episode computed for nothing
        check_policy(args.env, args.policy)
        if ext == ".gif":
            _pillow()
        it = frames(args.env, args.steps, args.policy, args.seed, **params)
        if ext == ".gif":
            n = write_gif(args.out, it, fps)
        else:
            n = write_mp4(args.out, it, fps)
    except (RenderError, ValueError, TypeError, OSError) as e:
        sys.stderr.write("%s render: %s\n" % (name, e))
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("%s render: interrupted\n" % name)
        return 130
    print("%s: %d frames of %s (policy %s, seed %d) at %g fps" %
          (args.out, n, args.env, args.policy, args.seed, fps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
