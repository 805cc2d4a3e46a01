#!/usr/bin/python3
"""Library comparison: one CartPole workload through every library installed.

    /usr/bin/python3 bench/compare.py [--num-envs N] [--steps T] [--runs R]
    /usr/bin/python3 bench/compare.py --overhead [--sizes 10000,1000000]
    myriad bench compare [same options]

Workload: CartPole-v1, uniform random actions, automatic reset, N envs x T
steps per timed run.  Entries (each only if importable; otherwise listed as
skipped with the ImportError text, never estimated):
  myriad     fused   rollout inside the C library (random policy)
  myriad     step    VectorEnv.step() from Python, NumPy random actions
  gymnasium  single  gym.make("CartPole-v1"), one env, Python loop
  gymnasium  vector  CartPoleVectorEnv(num_envs=N)
  gymnax     jit     jit(scan(vmap(step))), blocking on the result
  envpool    step    envpool.make("CartPole-v1", num_envs=N)
The single-env Gymnasium loop runs min(N*T, --single-steps) steps of one env.

Timing (DESIGN §8): the first call (JIT compile, first touch) is timed and
reported on its own, then --warmup untimed runs, then --runs timed runs,
each continuing from the previous state; mean/std/min/median/max of the
per-run wall time; steps/s = env-steps / median.  Output: a CSV (written
atomically: temp file + rename) and a bar chart PNG next to it.

--overhead: the Python step API against the C step API at each size: the C
figure is `myriad bench throughput --mode step` (pre-generated actions,
same runs), the Python figure is VectorEnv.step() with pre-made int32
action arrays under the same rules.  C and Python alternate for --rounds
rounds; the ratio compares the fastest run of each (the run least disturbed
by other load), the median ratio is printed beside it; targets: >= 50% at
10K envs, >= 80% at 1M.
"""

import argparse
import csv
import datetime
import io
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))

import numpy as np  # noqa: E402

try:
    import myriad  # noqa: E402
    MYRIAD_ERROR = None
except ImportError as e:  # the library itself is missing: report, exit 1
    myriad = None
    MYRIAD_ERROR = str(e)

COLUMNS = [
    "library", "mode", "num_envs", "steps", "runs", "warmup", "status",
    "first_call_s", "time_mean_s", "time_std_s", "time_min_s",
    "time_median_s", "time_max_s", "steps_per_s", "speedup_vs_slowest",
    "episodes", "mean_episode_length", "version", "note", "threads",
    "cpu_model", "git_rev", "timestamp",
]


# ------------------------------------------------------------------ helpers

def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_rev():
    try:
        out = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def time_stats(times):
    t = np.asarray(times, dtype=np.float64)
    return {
        "time_mean_s": float(t.mean()),
        "time_std_s": float(t.std(ddof=1)) if t.size > 1 else 0.0,
        "time_min_s": float(t.min()),
        "time_median_s": float(np.median(t)),
        "time_max_s": float(t.max()),
    }


def _publish(tmp, path):
    """Give tmp the usual permissions (mkstemp makes 0600), rename it."""
    um = os.umask(0)
    os.umask(um)
    os.chmod(tmp, 0o666 & ~um)
    os.replace(tmp, path)


def write_atomic(path, text):
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".",
                               suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        _publish(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def measure(run, runs, warmup):
    """First call timed apart, warm-up runs, then timed runs."""
    t0 = time.perf_counter()
    run()
    first = time.perf_counter() - t0
    for _ in range(warmup):
        run()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return first, times


# ------------------------------------------------------------------ workloads
# Each returns (run, num_envs, steps, version, extra) or raises ImportError;
# extra() gives episode statistics where the library reports them.

def wl_myriad_fused(a):
    if myriad is None:
        raise ImportError(MYRIAD_ERROR)
    env = myriad.make("cartpole", a.num_envs, seed=a.seed, threads=a.threads)
    acc = {"episodes": 0, "length_sum": 0}

    def run():
        st = env.rollout(a.steps, policy="random")
        acc["episodes"] += st["episodes"]
        acc["length_sum"] += st["length_sum"]

    def extra():
        e = acc["episodes"]
        return e, (acc["length_sum"] / e if e else 0.0)

    return run, a.num_envs, a.steps, myriad.__version__, extra


def wl_myriad_step(a):
    if myriad is None:
        raise ImportError(MYRIAD_ERROR)
    env = myriad.make("cartpole", a.num_envs, seed=a.seed, threads=a.threads)
    env.reset(seed=a.seed)
    rng = np.random.default_rng(a.seed)
    n, T = a.num_envs, a.steps
    acc = {"episodes": 0}

    def run():
        eps = 0
        for _ in range(T):
            obs, rew, term, trunc, info = env.step(
                rng.integers(0, 2, n, dtype=np.int32))
            eps += int(np.count_nonzero(info["_final_obs"]))
        acc["episodes"] += eps

    def extra():
        return acc["episodes"], None

    return run, n, T, myriad.__version__, extra


def wl_gym_single(a):
    import gymnasium as gym
    env = gym.make("CartPole-v1")
    env.reset(seed=a.seed)
    env.action_space.seed(a.seed)
    steps = int(min(a.num_envs * a.steps, a.single_steps))
    acc = {"episodes": 0}

    def run():
        eps = 0
        for _ in range(steps):
            _, _, term, trunc, _ = env.step(env.action_space.sample())
            if term or trunc:
                eps += 1
                env.reset()
        acc["episodes"] += eps

    return run, 1, steps, gym.__version__, lambda: (acc["episodes"], None)


def wl_gym_vector(a):
    import gymnasium as gym
    from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv
    env = CartPoleVectorEnv(num_envs=a.num_envs)
    env.reset(seed=a.seed)
    rng = np.random.default_rng(a.seed)
    n, T = a.num_envs, a.steps

    def run():
        for _ in range(T):
            env.step(rng.integers(0, 2, n))

    return run, n, T, gym.__version__, lambda: (None, None)


def wl_gymnax(a):
    import jax
    import gymnax
    env, params = gymnax.make("CartPole-v1")
    n, T = a.num_envs, a.steps
    key = jax.random.PRNGKey(a.seed)
    key, k0 = jax.random.split(key)
    _, state = jax.vmap(env.reset, in_axes=(0, None))(
        jax.random.split(k0, n), params)
    vstep = jax.vmap(env.step, in_axes=(0, 0, 0, None))

    def body(carry, _):
        k, s = carry
        k, ka, ks = jax.random.split(k, 3)
        act = jax.random.randint(ka, (n,), 0, 2)
        _, s, _, done, _ = vstep(jax.random.split(ks, n), s, act, params)
        return (k, s), done.sum()

    @jax.jit
    def rollout(k, s):
        (k, s), dones = jax.lax.scan(body, (k, s), None, length=T)
        return k, s, dones.sum()

    box = {"k": key, "s": state, "episodes": 0}

    def run():
        k, s, d = rollout(box["k"], box["s"])
        jax.block_until_ready(s)
        box["k"], box["s"] = k, s
        box["episodes"] += int(d)

    return run, n, T, gymnax.__version__ if hasattr(gymnax, "__version__") \
        else "unknown", lambda: (box["episodes"], None)


def wl_envpool(a):
    import envpool
    env = envpool.make("CartPole-v1", env_type="gymnasium",
                       num_envs=a.num_envs, seed=a.seed)
    env.reset()
    rng = np.random.default_rng(a.seed)
    n, T = a.num_envs, a.steps

    def run():
        for _ in range(T):
            env.step(rng.integers(0, 2, n, dtype=np.int32))

    return run, n, T, envpool.__version__, lambda: (None, None)


WORKLOADS = [
    ("myriad", "fused", wl_myriad_fused),
    ("myriad", "step", wl_myriad_step),
    ("gymnasium", "single", wl_gym_single),
    ("gymnasium", "vector", wl_gym_vector),
    ("gymnax", "jit", wl_gymnax),
    ("envpool", "step", wl_envpool),
]


# ------------------------------------------------------------------ compare

def run_compare(a):
    stamp = datetime.datetime.now(datetime.timezone.utc)
    ts = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    common = {"cpu_model": cpu_model(), "git_rev": git_rev(), "timestamp": ts,
              "runs": a.runs, "warmup": a.warmup,
              "threads": a.threads if a.threads else os.cpu_count()}
    rows = []
    only = set(a.only.split(",")) if a.only else None
    print("compare: CartPole-v1, random actions, auto-reset, %d envs x %d "
          "steps, %d timed runs (+%d warm-up)" %
          (a.num_envs, a.steps, a.runs, a.warmup))
    for lib, mode, fn in WORKLOADS:
        name = "%s/%s" % (lib, mode)
        if only and lib not in only and name not in only:
            continue
        row = dict(common, library=lib, mode=mode)
        try:
            run, n, T, version, extra = fn(a)
        except ImportError as e:
            row.update(status="skipped", note="ImportError: %s" % e,
                       num_envs=a.num_envs, steps=a.steps)
            rows.append(row)
            print("  %-18s skipped (ImportError: %s)" % (name, e))
            continue
        first, times = measure(run, a.runs, a.warmup)
        st = time_stats(times)
        eps, mean_len = extra()
        row.update(st, status="ok", num_envs=n, steps=T, version=version,
                   first_call_s=first,
                   steps_per_s=n * T / st["time_median_s"],
                   episodes=eps if eps is not None else "",
                   mean_episode_length=("%.4f" % mean_len)
                   if mean_len else "")
        rows.append(row)
        print("  %-18s %9d envs x %5d steps  first call %8.4f s  median "
              "%8.4f s (min %.4f max %.4f sd %.4f)  %12.4g steps/s" %
              (name, n, T, first, st["time_median_s"], st["time_min_s"],
               st["time_max_s"], st["time_std_s"], row["steps_per_s"]))
    ok = [r for r in rows if r["status"] == "ok"]
    if ok:
        slowest = min(r["steps_per_s"] for r in ok)
        for r in ok:
            r["speedup_vs_slowest"] = r["steps_per_s"] / slowest
        print("speed-up vs the slowest (%s):" % min(
            ok, key=lambda r: r["steps_per_s"])["library"])
        for r in sorted(ok, key=lambda r: -r["steps_per_s"]):
            print("  %-18s %10.1fx" % ("%s/%s" % (r["library"], r["mode"]),
                                        r["speedup_vs_slowest"]))
    skipped = [r for r in rows if r["status"] == "skipped"]
    if skipped:
        print("skipped (not installed): %s" % ", ".join(
            sorted({r["library"] for r in skipped})))

    csv_path = a.csv or os.path.join(
        ROOT, "bench", "out",
        "compare-%s.csv" % stamp.strftime("%Y%m%dT%H%M%SZ"))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore",
                       lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: (("%.6g" % v) if isinstance(v, float) else v)
                    for k, v in r.items()})
    write_atomic(csv_path, buf.getvalue())
    print("csv: %s" % csv_path)
    if not a.no_plot and ok:
        png = a.plot or os.path.splitext(csv_path)[0] + ".png"
        plot(ok, skipped, png, a, common["cpu_model"])
        print("plot: %s" % png)
    return 0 if ok else 1


def plot(ok, skipped, png, a, cpu):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ok = sorted(ok, key=lambda r: r["steps_per_s"])
    labels = ["%s\n%s (%s env%s)" % (r["library"], r["mode"],
                                     "{:,}".format(r["num_envs"]),
                                     "" if r["num_envs"] == 1 else "s")
              for r in ok]
    vals = [r["steps_per_s"] for r in ok]
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.8 * len(ok)))
    bars = ax.barh(range(len(ok)), vals, color="#3b7dd8")
    ax.set_yticks(range(len(ok)))
    ax.set_yticklabels(labels, fontsize=8)
    if max(vals) / min(vals) > 100:
        ax.set_xscale("log")
    for b, r in zip(bars, ok):
        ax.text(b.get_width(), b.get_y() + b.get_height() / 2,
                " %.3g steps/s (%.1fx)" % (r["steps_per_s"],
                                           r["speedup_vs_slowest"]),
                va="center", fontsize=8)
    ax.set_xlabel("env-steps per second (median of %d runs)" % a.runs)
    title = "CartPole-v1, random actions: %s envs x %d steps\n%s" % (
        "{:,}".format(a.num_envs), a.steps, cpu)
    if skipped:
        title += "\nnot installed: %s" % ", ".join(
            sorted({r["library"] for r in skipped}))
    ax.set_title(title, fontsize=9)
    ax.set_xlim(right=max(vals) * (20 if ax.get_xscale() == "log" else 1.6))
    fig.tight_layout()
    d = os.path.dirname(os.path.abspath(png))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".png.tmp", dir=d)
    os.close(fd)
    fig.savefig(tmp, dpi=120, format="png")
    plt.close(fig)
    _publish(tmp, png)


# ------------------------------------------------------------------ overhead

def find_cli(a):
    if a.myriad:
        return a.myriad
    if os.environ.get("MYRIAD_CLI"):
        return os.environ["MYRIAD_CLI"]
    beside = os.path.join(os.path.dirname(myriad.lib_path), "myriad")
    if os.path.isfile(beside) and os.access(beside, os.X_OK):
        return beside
    return shutil.which("myriad")


def c_step_rate(cli, n, steps, a):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "c.csv")
        cmd = [cli, "bench", "throughput", "--env", "cartpole", "--mode",
               "step", "--num-envs", str(n), "--steps", str(steps),
               "--runs", str(a.runs), "--warmup", str(a.warmup),
               "--csv", out]
        if a.threads:
            cmd += ["--threads", str(a.threads)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(out) as f:
            rows = [r for r in csv.DictReader(
                line for line in f if not line.startswith("#"))]
        try:
            return float(rows[0]["time_median_s"]), float(rows[0]["time_min_s"])
        except (IndexError, KeyError, TypeError, ValueError):
            raise SystemExit("compare.py: no timed row in the CSV of '%s'"
                             % " ".join(cmd))


def py_step_rate(n, steps, a):
    """VectorEnv.step() with pre-made int32 actions, as the C bench does:
    16 pre-generated action sets cycled through."""
    env = myriad.make("cartpole", n, seed=a.seed, threads=a.threads)
    rng = np.random.default_rng(1)
    sets = [rng.integers(0, 2, n, dtype=np.int32) for _ in range(16)]
    step = env.step

    def run():
        for s in range(steps):
            step(sets[s & 15])

    _, times = measure(run, a.runs, a.warmup)
    env.close()
    return float(np.median(times)), float(np.min(times))


def run_overhead(a):
    cli = find_cli(a)
    if cli is None:
        print("compare: myriad CLI not found (use --myriad PATH)",
              file=sys.stderr)
        return 2
    targets = {10000: 0.5, 1000000: 0.8}
    sizes = [int(s) for s in a.sizes.split(",")]
    print("overhead: Python VectorEnv.step() vs C myr_batch_step() (%s), "
          "CartPole, %d runs + %d warm-up; library %s" %
          (cli, a.runs, a.warmup, myriad.lib_path))
    rows = []
    for n in sizes:
        steps = a.steps if a.steps_given else max(20, int(1e7 // n))
        # alternate C and Python so both see the same background load
        c_med, c_min, p_med, p_min = [], [], [], []
        for _ in range(a.rounds):
            m, lo = c_step_rate(cli, n, steps, a)
            c_med.append(m)
            c_min.append(lo)
            m, lo = py_step_rate(n, steps, a)
            p_med.append(m)
            p_min.append(lo)
        c_best, p_best = min(c_min), min(p_min)
        c_mid, p_mid = float(np.median(c_med)), float(np.median(p_med))
        ratio = c_best / p_best
        tgt = targets.get(n)
        verdict = "" if tgt is None else (
            "  (target >= %.0f%%: %s)" % (100 * tgt,
                                          "met" if ratio >= tgt else "MISSED"))
        print("  %9d envs x %5d steps, %d rounds: fastest run C %.2f us/step "
              "(%.4g steps/s), Python %.2f us/step (%.4g steps/s): ratio "
              "%.1f%%%s; median runs %.2f vs %.2f us/step (%.1f%%)" %
              (n, steps, a.rounds, 1e6 * c_best / steps, n * steps / c_best,
               1e6 * p_best / steps, n * steps / p_best, 100 * ratio, verdict,
               1e6 * c_mid / steps, 1e6 * p_mid / steps, 100 * c_mid / p_mid))
        rows.append({"num_envs": n, "steps": steps, "rounds": a.rounds,
                     "c_min_s": c_best, "python_min_s": p_best,
                     "c_median_s": c_mid, "python_median_s": p_mid,
                     "ratio_fastest": ratio, "ratio_median": c_mid / p_mid})
    if a.csv:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        write_atomic(a.csv, buf.getvalue())
        print("csv: %s" % a.csv)
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="myriad bench compare",
        description="CartPole through Myriad and every peer library "
                    "installed (see the module docstring).")
    p.add_argument("--num-envs", type=int, default=10000,
                   help="environments per library (default 10000)")
    p.add_argument("--steps", type=int, default=None,
                   help="steps per timed run (compare: 200; overhead: "
                        "1e7/N, at least 20)")
    p.add_argument("--runs", type=int, default=5,
                   help="timed runs per entry (default 5)")
    p.add_argument("--warmup", type=int, default=1,
                   help="untimed runs after the first call (default 1)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of every library's environments and actions")
    p.add_argument("--threads", type=int, default=0,
                   help="Myriad worker threads (0 = all CPUs)")
    p.add_argument("--single-steps", type=int, default=20000,
                   help="cap on the single-env Gymnasium loop's steps")
    p.add_argument("--only", default=None,
                   help="comma-separated libraries or library/mode entries")
    p.add_argument("--csv", default=None,
                   help="CSV path (default bench/out/compare-<UTC time>.csv)")
    p.add_argument("--plot", default=None, help="PNG path (default: next "
                                                "to the CSV)")
    p.add_argument("--no-plot", action="store_true",
                   help="write the CSV only, no bar chart")
    p.add_argument("--overhead", action="store_true",
                   help="Python step API vs C step API, ratio per size")
    p.add_argument("--sizes", default="10000,1000000",
                   help="--overhead: comma-separated env counts")
    p.add_argument("--myriad", default=None,
                   help="--overhead: path of the myriad CLI")
    p.add_argument("--rounds", type=int, default=3,
                   help="--overhead: alternating C/Python rounds per size")
    a = p.parse_args(argv)
    if a.runs < 5:
        p.error("--runs must be at least 5 (DESIGN §8)")
    if a.num_envs <= 0 or a.warmup < 0:
        p.error("--num-envs must be positive and --warmup >= 0")
    a.steps_given = a.steps is not None
    if a.steps is None:
        a.steps = 200
    if a.steps <= 0:
        p.error("--steps must be positive")
    if a.overhead:
        if myriad is None:
            print("compare: %s" % MYRIAD_ERROR, file=sys.stderr)
            return 1
        return run_overhead(a)
    return run_compare(a)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("compare: interrupted", file=sys.stderr)
        sys.exit(130)
