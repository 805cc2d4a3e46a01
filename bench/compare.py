#!/usr/bin/python3
"""Library comparison: the same workloads through Myriad and its peers.

    myriad bench compare [--full] [--num-envs N] [--steps T] [--runs R]
    myriad bench compare --workload gene [--num-envs N]
    myriad bench compare --overhead [--sizes 10000,1000000]
    make peers    # the pinned peers, one venv each: bench/.venv-<peer>

Workloads (random actions, automatic reset):
  cartpole  myriad/fused       rollout() inside the C library
            myriad/step        VectorEnv.step() from Python, NumPy actions
            gymnasium/single   gym.make("CartPole-v1"), one env (N = 1)
            gymnasium/vector   CartPoleVectorEnv(num_envs=N)
            gymnax/jit         jit(scan(vmap(step))), blocking on the result
            envpool/step       envpool.make(..., env_type="gymnasium"), sync
            myriad-jax/cartpole  the JAX original, stepped as its own
                               benchmarks/throughput.py does (random agent,
                               make_train_step_fn under lax.scan)
  gene      myriad/gene-fused  the CcaS-CcaR circuit, random light, 288 steps
            myriad-jax/gene    the JAX original's ccasr-gfp-control
--full runs CartPole at 1, 16, 256, 4096, 65536 and 1M envs and the gene
circuit at 100, 1K, 10K and 100K envs, and draws library_comparison-style
lines of steps/s against N.

Every entry runs in its own process (its peer's venv from `make peers` if
there is one, else this Python), so one library's threads or JIT cannot
disturb another; the thread count is the same for all (OMP/OpenBLAS/MKL
threads, EnvPool num_threads, Myriad threads; JAX on the CPU uses the
machine's cores).  A peer that is not installed, or would not install
(bench/.venv-<peer>.failed), is a row saying so, never a gap.  Timing
(docs/benchmarks.md): the first call (JIT compile, first touch) is timed and
reported on its own, then --warmup untimed rounds, then --runs timed
rounds, interleaved A B C ... A B C ... so that drift hits all alike, each
run continuing from the previous state; steps/s = env-steps / median.  The
CSV (written atomically) has each row's ratio to Myriad's best mode at
that size; a plot goes next to it.

--overhead: the Python step API against the C step API at each size (C:
`myriad bench throughput --mode step`), alternating for --rounds rounds;
targets: >= 50% at 10K envs, >= 80% at 1M.
"""

import argparse
import csv
import datetime
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

# Myriad's binding is imported from the checkout, except in a worker of the
# JAX original, whose own package is also called "myriad"
myriad = None
MYRIAD_ERROR = "not imported"
if os.environ.get("MYRIAD_COMPARE_NO_BINDING") != "1":
    sys.path.insert(0, os.path.join(ROOT, "python"))
    try:
        import myriad  # noqa: E402
        MYRIAD_ERROR = None
    except ImportError as e:  # the library itself is missing: report, exit 1
        myriad = None
        MYRIAD_ERROR = str(e)

COLUMNS = [
    "workload", "library", "mode", "num_envs", "steps", "runs", "warmup", "status",
    "first_call_s", "time_mean_s", "time_std_s", "time_min_s",
    "time_median_s", "time_max_s", "steps_per_s", "speedup_vs_slowest",
    "ratio_to_myriad_best",
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


# ------------------------------------------------------------------ episodes
# Mean episode length comes from a separate, untimed counting pass of the
# same workload (same library, N, random actions) from a fresh reset, so the
# timed loops carry no bookkeeping.  Unbiased rule: every episode that starts
# before step C of the pass is followed to its end (CartPole truncates at
# 500), none other is counted; C is chosen so that about EPISODES_TARGET
# episodes are counted (at least 20 steps).
EPISODES_TARGET = 60000


def count_cutoff(n):
    return int(max(20, np.ceil(EPISODES_TARGET * 22.2 / max(n, 1))))


class EpisodeCounter:
    """Per-env episode lengths from done flags, numpy; next_step: the
    library resets a finished env on the following step() call (Gymnasium's
    vector envs, EnvPool), which is then no transition of an episode."""

    def __init__(self, n, next_step=False):
        self.C = count_cutoff(n)
        self.t = 0
        self.next_step = next_step
        self.length = np.zeros(n, np.int64)
        self.open = np.ones(n, bool)   # the current episode is counted
        self.skip = np.zeros(n, bool)  # this call is a reset, no transition
        self.episodes = 0
        self.length_sum = 0

    def update(self, done):
        done = np.asarray(done, bool)
        if self.next_step:
            real = ~self.skip
            self.length += real
            done = done & real
            self.skip = done.copy()
        else:
            self.length += 1
        fin = done & self.open
        if fin.any():
            self.episodes += int(np.count_nonzero(fin))
            self.length_sum += int(self.length[fin].sum())
        if done.any():
            self.length[done] = 0
            self.open[done] = self.t + 1 < self.C
        self.t += 1

    def busy(self):
        return (self.t < self.C or self.open.any()) and self.t < self.C + 2000

    def result(self):
        e = self.episodes
        return e, (self.length_sum / e if e else None)


def jax_episode_pass(n, step_done, carry0):
    """The same counting rule inside jax.lax.while_loop (untimed, compiled
    apart): step_done(carry) -> (carry, done[n])."""
    import jax
    import jax.numpy as jnp
    C = count_cutoff(n)

    def cond(c):
        t, _, _, op, _, _ = c
        return ((t < C) | jnp.any(op)) & (t < C + 2000)

    def body(c):
        t, inner, L, op, tot, cnt = c
        inner, done = step_done(inner)
        done = done.astype(bool)
        L = L + 1
        fin = done & op
        tot = tot + jnp.sum(jnp.where(fin, L, 0))
        cnt = cnt + jnp.sum(fin.astype(jnp.int32))
        L = jnp.where(done, 0, L)
        op = jnp.where(done, t + 1 < C, op)
        return (t + 1, inner, L, op, tot, cnt)

    @jax.jit
    def go(inner):
        c = (jnp.int32(0), inner, jnp.zeros(n, jnp.int32), jnp.ones(n, bool),
             jnp.int32(0), jnp.int32(0))
        c = jax.lax.while_loop(cond, body, c)
        return c[4], c[5]

    tot, cnt = go(carry0)
    cnt = int(cnt)
    return cnt, (int(tot) / cnt if cnt else None)


def numpy_episode_pass(n, make_env_step, next_step=False):
    """make_env_step() -> step(actions) -> done[n], on a fresh env."""
    step = make_env_step()
    rng = np.random.default_rng(12345)
    ec = EpisodeCounter(n, next_step)
    while ec.busy():
        ec.update(step(rng.integers(0, 2, n, dtype=np.int32)))
    return ec.result()


def action_pool(n, seed, k=8):
    """k random action sets drawn before timing, cycled through."""
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 2, n, dtype=np.int32) for _ in range(k)]


# ------------------------------------------------------------------ workloads
# Each returns (run, num_envs, steps, version, extra) or raises ImportError;
# extra() gives episode statistics where the library reports them.

def wl_myriad_fused(a, env_id="cartpole"):
    """Python rollout(): the fused rollout inside the C library."""
    if myriad is None:
        raise ImportError(MYRIAD_ERROR)
    env = myriad.make(env_id, a.num_envs, seed=a.seed, threads=a.threads)
    acc = {"episodes": 0, "length_sum": 0}

    def run():
        st = env.rollout(a.steps, policy="random")
        acc["episodes"] += st["episodes"]
        acc["length_sum"] += st["length_sum"]

    def extra():
        if env_id != "cartpole":
            e = acc["episodes"]
            return e, (acc["length_sum"] / e if e else 0.0)
        # untimed: a fresh batch, one long rollout from reset; its completed
        # episodes (at >= 2000 steps an env the bias is under 0.4%)
        probe = myriad.make(env_id, a.num_envs, seed=a.seed + 7,
                            threads=a.threads)
        st = probe.rollout(max(2000, count_cutoff(a.num_envs)), policy="random")
        probe.close()
        e = st["episodes"]
        return e, (st["length_sum"] / e if e else None)

    return run, a.num_envs, a.steps, myriad.__version__, extra


def wl_myriad_step(a):
    """Python VectorEnv.step(), NumPy actions drawn before timing."""
    if myriad is None:
        raise ImportError(MYRIAD_ERROR)
    # copy=False: the zero-copy step API (copies would time NumPy's memcpy)
    env = myriad.make("cartpole", a.num_envs, seed=a.seed, threads=a.threads,
                      copy=False)
    env.reset(seed=a.seed)
    n, T = a.num_envs, a.steps
    pool = action_pool(n, a.seed)
    step = env.step

    def run():
        for s in range(T):
            step(pool[s & 7])

    def extra():
        def make():
            e = myriad.make("cartpole", n, seed=a.seed + 7, threads=a.threads,
                            copy=False)
            e.reset(seed=a.seed + 7)

            def st(act):
                _, _, term, trunc, _ = e.step(act)
                return term | trunc
            return st
        return numpy_episode_pass(n, make)

    return run, n, T, myriad.__version__, extra


def wl_myriad_cli(a, mode):
    """The C API through `myriad bench throughput --mode MODE` (no Python in
    the loop): each timed run is one CLI call of --runs 1 --warmup 1 that
    reports its own timed run; setup and its warm-up run are not timed."""
    if myriad is None:
        raise ImportError(MYRIAD_ERROR)
    cli = find_cli(a)
    if cli is None:
        raise ImportError("myriad CLI not found")
    box = {"steps": a.steps, "ep": None}

    def call(steps, keep):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "c.csv")
            cmd = [cli, "bench", "throughput", "--env", "cartpole", "--mode",
                   mode, "--num-envs", str(a.num_envs), "--steps", str(steps),
                   "--runs", "1", "--warmup", "1", "--csv", out]
            if a.threads:
                cmd += ["--threads", str(a.threads)]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            with open(out) as f:
                r = next(csv.DictReader(l for l in f if not l.startswith("#")))
        return float(r["time_median_s"]), r

    def run():
        return call(box["steps"], False)[0]

    def set_steps(t):
        box["steps"] = t

    run.set_steps = set_steps

    def extra():
        if mode != "fused":
            # the same myr_batch_step() through the binding's step()
            return wl_myriad_step(a)[4]()
        # untimed, as for Python rollout(): a long fused rollout
        _, r = call(max(2000, count_cutoff(a.num_envs)), True)
        try:
            return int(r["episodes"]), float(r["mean_episode_length"])
        except (KeyError, ValueError):
            return None, None

    return run, a.num_envs, a.steps, myriad.__version__, extra


def wl_myriad_c_step(a):
    return wl_myriad_cli(a, "step")


def wl_myriad_c_fused(a):
    return wl_myriad_cli(a, "fused")


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

    def extra():
        def make():
            e = gym.make("CartPole-v1")
            e.reset(seed=a.seed + 7)
            e.action_space.seed(a.seed + 7)

            def st(_):
                _, _, term, trunc, _ = e.step(e.action_space.sample())
                if term or trunc:
                    e.reset()
                return np.array([term or trunc])
            return st
        return numpy_episode_pass(1, make)

    return run, 1, steps, gym.__version__, extra


def wl_gym_vector(a):
    import gymnasium as gym
    from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv
    env = CartPoleVectorEnv(num_envs=a.num_envs)
    env.reset(seed=a.seed)
    n, T = a.num_envs, a.steps
    pool = action_pool(n, a.seed)

    def run():
        for s in range(T):
            env.step(pool[s & 7])

    def extra():
        def make():
            e = CartPoleVectorEnv(num_envs=n)
            e.reset(seed=a.seed + 7)

            def st(act):
                _, _, term, trunc, _ = e.step(act)
                return term | trunc
            return st
        # NEXT_STEP autoreset: the call after a done is the reset
        return numpy_episode_pass(n, make, next_step=True)

    return run, n, T, gym.__version__, extra


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

    def step_done(carry):
        k, s = carry
        k, ka, ks = jax.random.split(k, 3)
        act = jax.random.randint(ka, (n,), 0, 2)
        out = vstep(jax.random.split(ks, n), s, act, params)
        # gymnax 1.x: obs, state, reward, terminated, truncated, info;
        # earlier: obs, state, reward, done, info
        done = out[3] | out[4] if len(out) == 6 else out[3]
        return (k, out[1]), done

    def body(carry, _):
        carry, done = step_done(carry)
        return carry, done.sum()

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

    def extra():
        k1 = jax.random.PRNGKey(a.seed + 7)
        k1, k2 = jax.random.split(k1)
        _, s1 = jax.vmap(env.reset, in_axes=(0, None))(
            jax.random.split(k2, n), params)
        return jax_episode_pass(n, step_done, (k1, s1))

    return run, n, T, gymnax.__version__ if hasattr(gymnax, "__version__") \
        else "unknown", extra


def wl_envpool(a):
    import envpool
    threads = a.threads if a.threads else os.cpu_count()

    def make():
        return envpool.make("CartPole-v1", env_type="gymnasium",
                            num_envs=a.num_envs, seed=a.seed,
                            num_threads=threads)
    env = make()
    env.reset()
    n, T = a.num_envs, a.steps
    pool = action_pool(n, a.seed)

    def run():
        for s in range(T):
            env.step(pool[s & 7])

    def extra():
        def mk():
            e = make()
            e.reset()

            def st(act):
                _, _, term, trunc, _ = e.step(act)
                return term | trunc
            return st
        # EnvPool resets a finished env on the next step() call
        return numpy_episode_pass(n, mk, next_step=True)

    return run, n, T, envpool.__version__, extra


def wl_myriad_jax(a, env_id="cartpole-control"):
    """The JAX original's CartPole with its random agent, stepped the way its
    own benchmark (benchmarks/throughput.py) does: make_train_step_fn with
    no replay buffer under lax.scan, jitted, blocking on the result."""
    import jax
    from myriad.agents.classical.random import make_agent
    from myriad.envs import make_env
    from myriad.platform.steps import (make_collection_step_fn,
                                       make_train_step_fn)
    from myriad.platform.types import TrainingEnvState
    from myriad.utils.observations import to_array
    import importlib.metadata as md
    env = make_env(env_id)
    agent = make_agent(action_space=env.get_action_space(env.config))
    n, T = a.num_envs, a.steps

    def start(seed):
        key = jax.random.PRNGKey(seed)
        obs, states = jax.vmap(env.reset, in_axes=(0, None, None))(
            jax.random.split(key, n), env.params, env.config)
        obs = jax.vmap(to_array)(obs)
        training = TrainingEnvState(env_state=states, obs=obs)
        return key, agent.init(key, obs[0], agent.params), training

    key, agent_state, training = start(a.seed)
    step_fn = make_train_step_fn(agent=agent, env=env, replay_buffer=None,
                                 num_envs=n)

    def body(carry, _):
        k, ag, tr = carry
        k, ag, tr, _, metrics = step_fn(k, ag, tr, None, batch_size=1)
        return (k, ag, tr), None

    @jax.jit
    def rollout(k, ag, tr):
        return jax.lax.scan(body, (k, ag, tr), None, length=T)[0]

    box = {"c": (key, agent_state, training)}

    def run():
        c = rollout(*box["c"])
        jax.block_until_ready(c)
        box["c"] = c

    def extra():
        if env_id != "cartpole-control":
            return None, None
        # untimed: the same random agent and auto-reset through its
        # collection step, which returns the transitions' done flags
        collect = make_collection_step_fn(agent=agent, env=env, num_envs=n)

        def step_done(c):
            c, tr = collect(*c)
            return c, tr.done
        return jax_episode_pass(n, step_done, start(a.seed + 7))

    return run, n, T, md.version("myriad-jax"), extra


def wl_myriad_gene(a):
    """The gene circuit, random light: the same fused rollout."""
    return wl_myriad_fused(a, "gene-circuit")


def wl_myriad_jax_gene(a):
    """The JAX original's ccasr-gfp-control with its random agent."""
    return wl_myriad_jax(a, "ccasr-gfp-control")


def f_moments(f):
    """mean, its standard error, variance of an array of F counts"""
    f = np.asarray(f, dtype=np.float64)
    return "F(500 min) mean %.3f +- %.3f, var %.2f (K=%d)" % (
        f.mean(), f.std(ddof=1) / np.sqrt(f.size), f.var(ddof=1), f.size)


def wl_myriad_ssa(a):
    """K exact CcaS-CcaR trajectories, constant light, 24 h (288 x 5 min)."""
    if myriad is None:
        raise ImportError(MYRIAD_ERROR)
    env = myriad.make("gene-circuit", a.num_envs, seed=a.seed, threads=a.threads)

    def run():
        env.rollout(288, policy="constant:1")

    def extra():
        probe = myriad.make("gene-circuit", a.num_envs, seed=a.seed + 1,
                            threads=a.threads)
        probe.rollout(100, policy="constant:1")
        return None, None, f_moments(probe.get_state("F"))

    return run, a.num_envs, 288, myriad.__version__, extra


def gillespy2_ccasr_model():
    """The CcaS-CcaR network as a GillesPy2 model (light U a parameter),
    propensities as in src/envs/ccasr/physics.h: R1 eta*U, R2 nu*H, R3/R4 0.5*a*hill,
    R5 nu*F; the caller sets the timespan."""
    import gillespy2
    m = gillespy2.Model(name="ccasr")
    par = dict(eta=1.0, nu=0.01, a=1.0, Kh=90.0, nh=3.6, Kf=30.0, nf=3.6, U=1.0)
    m.add_parameter([gillespy2.Parameter(name=k, expression=v) for k, v in par.items()])
    H = gillespy2.Species(name="H", initial_value=0, mode="discrete")
    F = gillespy2.Species(name="F", initial_value=0, mode="discrete")
    m.add_species([H, F])
    m.add_reaction([
        gillespy2.Reaction(name="r1", reactants={}, products={H: 1},
                           propensity_function="eta*U"),
        gillespy2.Reaction(name="r2", reactants={H: 1}, products={},
                           propensity_function="nu*H"),
        gillespy2.Reaction(name="r3", reactants={}, products={F: 1},
                           propensity_function="0.5*a*pow(H,nh)/(pow(Kh,nh)+pow(H,nh))"),
        gillespy2.Reaction(name="r4", reactants={}, products={F: 1},
                           propensity_function="0.5*a*pow(F,nf)/(pow(Kf,nf)+pow(F,nf))"),
        gillespy2.Reaction(name="r5", reactants={F: 1}, products={},
                           propensity_function="nu*F"),
    ])
    return m


def wl_gillespy2_ssa(a):
    """The same network in GillesPy2 (gillespy2_ccasr_model), its compiled
    exact SSA (SSACSolver); the first call includes compiling the C++
    solver."""
    import gillespy2
    m = gillespy2_ccasr_model()
    m.timespan(np.linspace(0, 1440, 289))
    box = {"solver": None, "seed": a.seed, "last": None}

    def run():
        if box["solver"] is None:
            box["solver"] = gillespy2.SSACSolver(model=m)
        box["seed"] += 1
        box["last"] = box["solver"].run(number_of_trajectories=a.num_envs,
                                        seed=box["seed"])

    def extra():
        return None, None, f_moments([tr["F"][100] for tr in box["last"]])

    return run, a.num_envs, 288, gillespy2.__version__, extra


# ------------------------------------------------------------------ F moments
# The gene circuit against the chemical master equation solved numerically
# (bench/data/ccasr_cme_reference.csv: step,U,mean_H,var_H,mean_F,var_F,
# start H = F = 0, 5-minute steps, light 10 steps on, 10 off).  Every
# simulator runs K independent cells under that same light schedule; the
# sample mean and variance of F after FSTAT_STEP steps, with standard
# errors, go beside the reference row of that step.
CME_REFERENCE = os.path.join(ROOT, "bench", "data", "ccasr_cme_reference.csv")
FSTAT_STEP = 100
FSTAT_COLUMNS = ["library", "trajectories", "step", "minutes", "mean_F",
                 "se_mean_F", "var_F", "se_var_F", "ref_mean_F", "ref_var_F",
                 "mean_miss_se", "var_miss_se", "seconds", "version", "note",
                 "git_rev", "timestamp"]


def light(k):
    """U during step k (1-based): 10 steps on, 10 off, ..."""
    return 1 if ((k - 1) // 10) % 2 == 0 else 0


def cme_reference(step=FSTAT_STEP):
    with open(CME_REFERENCE) as f:
        rows = list(csv.DictReader(f))
    for r in rows:  # the file's light column is the schedule used here
        if int(float(r["U"])) != light(int(r["step"])):
            raise SystemExit("compare.py: %s: U at step %s is not the 10 on / "
                             "10 off schedule" % (CME_REFERENCE, r["step"]))
    for r in rows:
        if int(r["step"]) == step:
            return float(r["mean_F"]), float(r["var_F"])
    raise SystemExit("compare.py: no step %d in %s" % (step, CME_REFERENCE))


def f_summary(f):
    """JSON of the sample mean, variance and their standard errors."""
    f = np.asarray(f, dtype=np.float64)
    k = f.size
    m = f.mean()
    v = f.var(ddof=1)
    m4 = np.mean((f - m) ** 4)
    return json.dumps({"k": int(k), "mean": float(m),
                       "se_mean": float(np.sqrt(v / k)), "var": float(v),
                       "se_var": float(np.sqrt(max(m4 - v * v, 0.0) / k))})


def wl_myriad_fstat(a):
    if myriad is None:
        raise ImportError(MYRIAD_ERROR)
    env = myriad.make("gene-circuit", a.num_envs, seed=a.seed,
                      threads=a.threads, copy=False)
    box = {}

    def run():
        env.reset(seed=a.seed)
        for k in range(1, FSTAT_STEP + 1):
            env.step(np.full(a.num_envs, light(k), np.int32))
        box["F"] = env.get_state("F").copy()

    return run, a.num_envs, FSTAT_STEP, myriad.__version__, \
        lambda: (None, None, f_summary(box["F"]))


def wl_myriad_jax_fstat(a):
    import jax
    import jax.numpy as jnp
    import importlib.metadata as md
    from myriad.envs import make_env
    env = make_env("ccasr-gfp-control")
    n = a.num_envs
    key = jax.random.PRNGKey(a.seed)
    _, st = jax.vmap(env.reset, in_axes=(0, None, None))(
        jax.random.split(key, n), env.params, env.config)
    vstep = jax.vmap(env.step, in_axes=(0, 0, 0, None, None))
    U = jnp.array([light(k) for k in range(1, FSTAT_STEP + 1)], jnp.int32)

    @jax.jit
    def go(key, st):
        def body(c, u):
            k, s = c
            k, ks = jax.random.split(k)
            out = vstep(jax.random.split(ks, n), s, jnp.full((n,), u, jnp.int32),
                        env.params, env.config)
            return (k, out[1]), None
        (k, s), _ = jax.lax.scan(body, (key, st), U)
        return s.physics.F

    box = {}

    def run():
        box["F"] = np.asarray(go(key, st))

    return run, n, FSTAT_STEP, md.version("myriad-jax"), \
        lambda: (None, None, f_summary(box["F"]))


def wl_gillespy2_fstat(a):
    """GillesPy2's compiled exact SSA has no time-dependent rates, so each
    10-step stretch of constant light is one run (U a parameter, set at run
    time with variable=True), cells grouped by their (H, F) at its start
    (exact by the Markov property)."""
    import collections
    import gillespy2
    m = gillespy2_ccasr_model()
    m.timespan(np.array([0.0, 50.0]))  # one stretch: 10 steps of 5 min
    box = {}

    def run():
        solver = gillespy2.SSACSolver(model=m, variable=True)
        K = a.num_envs
        state = np.zeros((K, 2), np.int64)
        seed = a.seed
        for stretch in range(FSTAT_STEP // 10):
            groups = collections.defaultdict(list)
            for i, (h, f) in enumerate(state):
                groups[(int(h), int(f))].append(i)
            for (h, f), idx in groups.items():
                seed += 1
                res = solver.run(number_of_trajectories=len(idx), seed=seed,
                                 variables={"H": h, "F": f,
                                            "U": float(light(10 * stretch + 1))})
                for j, tr in zip(idx, res):
                    state[j] = (tr["H"][-1], tr["F"][-1])
        box["F"] = state[:, 1]

    return run, a.num_envs, FSTAT_STEP, gillespy2.__version__, \
        lambda: (None, None, f_summary(box["F"]))


FSTAT_WORKLOADS = [
    ("myriad", "fstat", wl_myriad_fstat),
    ("myriad-jax", "fstat", wl_myriad_jax_fstat),
    ("gillespy2", "fstat", wl_gillespy2_fstat),
]


def fstats_path(csv_path):
    d, base = os.path.split(csv_path)
    if base.startswith("compare-"):
        return os.path.join(d, "fstats-" + base[len("compare-"):])
    return os.path.splitext(csv_path)[0] + "-fstats.csv"


def sbml_path(csv_path):
    d, base = os.path.split(csv_path)
    if base.startswith("compare-"):
        return os.path.join(d, "sbml-" + os.path.splitext(base[len("compare-"):])[0] + ".md")
    return os.path.splitext(csv_path)[0] + "-sbml.md"


def run_sbml(a, common, csv_path):
    """The SBML models (bench/sbml_gillespy2.py): Myriad's reaction-network
    env and GillesPy2's SSACSolver on the same files, input at its top
    level; trajectories/s rows for the CSV, and the statistics (means and
    variances beside each other, in standard errors) as Markdown next to
    it."""
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import sbml_gillespy2 as sg
    rows = []
    gpy, _ = sg.gillespy2_python()
    if not os.path.exists(gpy):
        _, why = peer_python("gillespy2")
        return [dict(common, workload="sbml", library="gillespy2", mode="sbml",
                     status="skipped", num_envs="", steps="",
                     note=why or "no GillesPy2 venv (make peers)")]
    print("compare sbml: %d Myriad cells, %d GillesPy2 trajectories per model, "
          "the input at its top level" % (a.sbml_cells, a.sbml_gcells))
    try:
        measured, text, worst = sg.compare_models(a.sbml_cells, a.sbml_gcells,
                                                  log=lambda s: print("  " + s))
    except RuntimeError as e:
        return [dict(common, workload="sbml", library="gillespy2", mode="sbml",
                     status="skipped", num_envs="", steps="", note=str(e)[:300])]
    for name, cells, r1, gcells, r2 in measured:
        base = dict(common, workload="sbml", mode=name, status="ok", steps="",
                    note="trajectories/s: one trajectory = one cell over the "
                         "model's whole run")
        rows.append(dict(base, library="myriad", num_envs=cells, size=name,
                         steps_per_s=r1, ratio_to_myriad_best=1.0,
                         version=myriad.__version__ if myriad else ""))
        rows.append(dict(base, library="gillespy2", num_envs=gcells, size=name,
                         steps_per_s=r2, ratio_to_myriad_best=r2 / r1,
                         version="1.8.3"))
    path = sbml_path(csv_path)
    write_atomic(path, "# Reaction networks: Myriad and GillesPy2 on the same SBML "
                 "files (%s, %s, %d threads)\n\n%s" % (
                     common["timestamp"], common["cpu_model"], common["threads"], text))
    print("  largest difference %.2f standard errors; statistics: %s" % (worst, path))
    return rows


def run_fstats(a, common, csv_path):
    """F after FSTAT_STEP steps from each simulator beside the master
    equation; a table on stdout and a CSV next to the comparison CSV."""
    ref_m, ref_v = cme_reference()
    rows = []
    save = (a.num_envs, a.steps, a.min_time)
    a.steps, a.min_time = FSTAT_STEP, 0.0
    print("F after %d steps (%d min), light 10 steps on / 10 off, against the "
          "chemical master equation (mean %.4f, var %.4f)" %
          (FSTAT_STEP, 5 * FSTAT_STEP, ref_m, ref_v))
    for lib, mode, fn in FSTAT_WORKLOADS:
        a.num_envs = a.fstat_k[lib]
        w = Worker(lib, mode, a)
        st = w.ready
        row = {"library": lib, "trajectories": a.num_envs, "step": FSTAT_STEP,
               "minutes": 5 * FSTAT_STEP, "ref_mean_F": ref_m,
               "ref_var_F": ref_v, "git_rev": common["git_rev"],
               "timestamp": common["timestamp"]}
        if st["status"] != "ok":
            row["note"] = "skipped: %s%s" % (st.get("note", ""),
                                             " (%s)" % w.why if w.why else "")
            w.close()
            rows.append(row)
            print("  %-12s %s" % (lib, row["note"]))
            continue
        s = json.loads(w.ask("stats")["note"])
        w.close()
        row.update(trajectories=s["k"], mean_F=s["mean"], se_mean_F=s["se_mean"],
                   var_F=s["var"], se_var_F=s["se_var"],
                   mean_miss_se=(s["mean"] - ref_m) / s["se_mean"],
                   var_miss_se=(s["var"] - ref_v) / s["se_var"],
                   seconds=st["first_call_s"], version=st["version"])
        rows.append(row)
    a.num_envs, a.steps, a.min_time = save
    print("  %-12s %8s %16s %18s %10s %10s %8s" % (
        "library", "K", "mean F +- se", "var F +- se", "mean miss", "var miss",
        "seconds"))
    print("  %-12s %8s %16s %18s" % ("CME", "", "%.4f" % ref_m, "%.4f" % ref_v))
    for r in rows:
        if "mean_F" in r:
            print("  %-12s %8d %8.4f +- %.4f %9.4f +- %.4f %+9.2f se %+7.2f se "
                  "%8.2f" % (r["library"], r["trajectories"], r["mean_F"],
                             r["se_mean_F"], r["var_F"], r["se_var_F"],
                             r["mean_miss_se"], r["var_miss_se"], r["seconds"]))
    path = fstats_path(csv_path)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FSTAT_COLUMNS, extrasaction="ignore",
                       lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: (("%.6g" % v) if isinstance(v, float) else v)
                    for k, v in r.items()})
    write_atomic(path, buf.getvalue())
    print("F statistics csv: %s" % path)
    return rows

WORKLOADS = [
    ("myriad", "fused", wl_myriad_fused),
    ("myriad", "step", wl_myriad_step),
    ("myriad", "c-fused", wl_myriad_c_fused),
    ("myriad", "c-step", wl_myriad_c_step),
    ("gymnasium", "single", wl_gym_single),
    ("gymnasium", "vector", wl_gym_vector),
    ("gymnax", "jit", wl_gymnax),
    ("envpool", "step", wl_envpool),
    ("myriad-jax", "cartpole", wl_myriad_jax),
]

# the gene circuit (CcaS-CcaR, random light): the JAX original and Myriad
GENE_WORKLOADS = [
    ("myriad", "gene-fused", wl_myriad_gene),
    ("myriad-jax", "gene", wl_myriad_jax_gene),
]
# exact SSA, no control: K trajectories of 24 h under constant light, each
# library with its own K (as many as finish in a few seconds)
SSA_WORKLOADS = [
    ("myriad", "ssa", wl_myriad_ssa),
    ("gillespy2", "ssa", wl_gillespy2_ssa),
]
ALL_WORKLOADS = WORKLOADS + GENE_WORKLOADS + SSA_WORKLOADS + FSTAT_WORKLOADS

# --full: the sizes of each workload, and the steps of one timed run
FULL_SIZES = {"cartpole": [1, 16, 256, 4096, 65536, 1000000],
              "gene": [100, 1000, 10000, 100000]}


# ------------------------------------------------------------------ compare

def peer_python(lib):
    """The interpreter of a peer's own venv (make peers), else this one."""
    if lib == "myriad":
        return sys.executable, None
    py = os.path.join(ROOT, "bench", ".venv-%s" % lib, "bin", "python")
    if os.path.isfile(py) and os.access(py, os.X_OK):
        return py, None
    failed = os.path.join(ROOT, "bench", ".venv-%s.failed" % lib)
    why = "not installed (make peers)"
    if os.path.isfile(failed):
        with open(failed) as f:
            why = "make peers could not install it: " + " ".join(
                f.read().split())[:300]
    return sys.executable, why


class Worker:
    """One workload in its own process (its own venv, threads and JIT), so
    that no peer disturbs another; the orchestrator sends it 'run' lines
    and reads one JSON line back for each."""

    def __init__(self, lib, mode, a):
        py, self.why = peer_python(lib)
        env = dict(os.environ)
        threads = str(a.threads if a.threads else os.cpu_count())
        # every library on the same cores with the same thread count
        env.update({"OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads,
                    "MKL_NUM_THREADS": threads, "JAX_PLATFORMS": "cpu"})
        if lib == "myriad-jax":
            env["MYRIAD_COMPARE_NO_BINDING"] = "1"
        cmd = [py, "-u", os.path.abspath(__file__), "--worker", "%s/%s" % (lib, mode),
               "--num-envs", str(a.num_envs), "--steps", str(a.steps),
               "--seed", str(a.seed), "--threads", str(a.threads),
               "--single-steps", str(a.single_steps), "--runs", str(a.runs),
               "--min-time", str(a.min_time)]
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, env=env)
        self.ready = self.read()

    def read(self):
        line = self.p.stdout.readline()
        if not line:
            return {"status": "failed", "note": "worker exited (code %s)" %
                    self.p.wait()}
        return json.loads(line)

    def ask(self, what):
        self.p.stdin.write(what + "\n")
        self.p.stdin.flush()
        return self.read()

    def close(self):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        self.p.wait()


def worker_main(a):
    """--worker LIB/MODE: set up, time the first call, then answer lines."""
    lib, mode = a.worker.split("/", 1)
    fn = {"%s/%s" % (l, m): f for l, m, f in ALL_WORKLOADS}.get(a.worker)
    if fn is None:
        print(json.dumps({"status": "failed", "note": "unknown entry"}))
        return 2
    try:
        run, n, T, version, extra = fn(a)
    except ImportError as e:
        print(json.dumps({"status": "skipped", "note": "ImportError: %s" % e}))
        return 0
    def timed(f):
        t0 = time.perf_counter()
        got = f()
        t = time.perf_counter() - t0
        # a run that times itself (the CLI rows) returns its own time
        return got if isinstance(got, float) else t

    first = timed(run)
    reps = 1
    if a.min_time > 0:
        # probe (untimed, like warm-up): grow the chunks of T steps a run
        # takes until one run lasts >= --min-time, with a 20% margin
        chunk = run
        box = {"reps": 1}

        def one():
            if hasattr(chunk, "set_steps"):
                chunk.set_steps(T * box["reps"])
                return chunk()
            for _ in range(box["reps"]):
                chunk()

        best = float("inf")  # fastest time per chunk seen: a slow probe
        for _ in range(10):  # (a busy machine) must not make runs short
            t = timed(one)
            best = min(best, max(t, 1e-9) / box["reps"])
            need = int(np.ceil(1.3 * a.min_time / best))
            if box["reps"] >= need and t >= a.min_time:
                break
            box["reps"] = max(need, box["reps"])
        reps = box["reps"]
        run = one
    print(json.dumps({"status": "ok", "num_envs": n, "steps": T * reps,
                      "version": version, "first_call_s": first,
                      "chunk_steps": T, "chunks": reps}))
    for line in sys.stdin:
        if line.strip() == "run":
            print(json.dumps({"t": timed(run)}))
        elif line.strip() == "stats":
            got = extra()
            print(json.dumps({"episodes": got[0], "mean_length": got[1],
                              "note": got[2] if len(got) > 2 else ""}))
    return 0


def measure_size(a, workload, entries, common):
    """Rows of every entry at a.num_envs x a.steps, rounds interleaved."""
    rows = []
    only = set(a.only.split(",")) if a.only else None
    print("compare %s: %d envs x %d steps, %d timed runs (+%d warm-up), "
          "rounds interleaved, each library in its own process, %d threads "
          "each" % (workload, a.num_envs, a.steps, a.runs, a.warmup,
                    common["threads"]))
    workers = []
    size = a.num_envs if workload != "ssa" else 0  # the group rows compare in
    for lib, mode, fn in entries:
        if lib == "gymnasium" and mode == "single" and a.full and a.num_envs != 1:
            continue  # the single env is measured at N = 1
        name = "%s/%s" % (lib, mode)
        if only and lib not in only and name not in only:
            continue
        if workload == "ssa":  # trajectories per library, from --ssa-k
            a.num_envs = a.ssa_k[lib]
        w = Worker(lib, mode, a)
        row = dict(common, library=lib, mode=mode, workload=workload, size=size)
        st = w.ready
        if st["status"] != "ok":
            note = st.get("note", "")
            if w.why:
                note += " (%s)" % w.why
            row.update(status="skipped", note=note, num_envs=a.num_envs,
                       steps=a.steps)
            rows.append(row)
            print("  %-20s skipped (%s)" % (name, note))
            w.close()
            continue
        if a.budget > 0 and st["first_call_s"] > a.budget:
            # one run would hold the machine too long at this size
            row.update(status="skipped", num_envs=st["num_envs"], steps=st["steps"],
                       version=st["version"], first_call_s=st["first_call_s"],
                       note="one run took %.1f s, over the %.0f s budget "
                            "(--budget)" % (st["first_call_s"], a.budget))
            rows.append(row)
            print("  %-20s skipped (%s)" % (name, row["note"]))
            w.close()
            continue
        row.update(status="ok", num_envs=st["num_envs"], steps=st["steps"],
                   version=st["version"], first_call_s=st["first_call_s"],
                   chunks=st.get("chunks", 1), chunk_steps=st.get("chunk_steps"))
        workers.append((w, row, []))
    # warm-up, then the timed runs: A B C ... A B C ... so drift hits all
    for r in range(a.warmup + a.runs):
        for w, row, times in workers:
            t = w.ask("run")["t"]
            if r >= a.warmup:
                times.append(t)
    for w, row, times in workers:
        st = time_stats(times)
        ex = w.ask("stats")
        w.close()
        row.update(st, steps_per_s=row["num_envs"] * row["steps"] /
                   st["time_median_s"],
                   note=("%s%d chunks of %d steps a timed run" % (
                       ex["note"] + "; " if ex.get("note") else "",
                       row["chunks"], row["chunk_steps"]))
                   if row.get("chunks", 1) > 1 else ex.get("note", ""),
                   episodes=ex["episodes"] if ex["episodes"] is not None else "",
                   mean_episode_length=("%.4f" % ex["mean_length"])
                   if ex["mean_length"] else "")
        if a.min_time > 0 and st["time_median_s"] < a.min_time:
            row["note"] = (row["note"] + "; " if row["note"] else "") + \
                "median run under --min-time %g s" % a.min_time
        rows.append(row)
        print("  %-20s %9d envs x %5d steps  first call %8.4f s  median "
              "%8.4f s (min %.4f max %.4f sd %.4f)  %12.4g steps/s  mean "
              "episode %s" %
              ("%s/%s" % (row["library"], row["mode"]), row["num_envs"],
               row["steps"], row["first_call_s"], st["time_median_s"],
               st["time_min_s"], st["time_max_s"], st["time_std_s"],
               row["steps_per_s"], row["mean_episode_length"] or "-"))
    for r in rows:
        if workload == "ssa" and r["status"] == "ok":
            r["note"] = "%.4g trajectories/s; %s" % (
                r["steps_per_s"] / 288.0, r.get("note", ""))
    # ratio of each row to Myriad's best mode at this size
    best = max((r["steps_per_s"] for r in rows
                if r["status"] == "ok" and r["library"] == "myriad"), default=0)
    for r in rows:
        if r["status"] == "ok" and best > 0:
            r["ratio_to_myriad_best"] = r["steps_per_s"] / best
    return rows


def write_rows(a, rows, stamp):
    """The CSV of the rows so far (atomic rewrite); its path."""
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
    return csv_path


def run_compare(a):
    stamp = datetime.datetime.now(datetime.timezone.utc)
    ts = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    threads = a.threads if a.threads else os.cpu_count()
    common = {"cpu_model": cpu_model(), "git_rev": git_rev(), "timestamp": ts,
              "runs": a.runs, "warmup": a.warmup, "threads": threads}
    rows = []
    if a.full:
        for workload, entries in (("cartpole", WORKLOADS), ("gene", GENE_WORKLOADS)):
            for n in FULL_SIZES[workload]:
                a.num_envs = n
                # about 2e8 env-steps a run at the top, at most 20K steps
                a.steps = 288 if workload == "gene" else \
                    int(min(20000, max(50, 2e6 // max(n, 1))))
                a.single_steps = 20000
                rows += measure_size(a, workload, entries, common)
                write_rows(a, rows, stamp)  # what was measured survives
        rows += measure_size(a, "ssa", SSA_WORKLOADS, common)
        write_rows(a, rows, stamp)
        rows += run_sbml(a, common, a.csv or os.path.join(
            ROOT, "bench", "out", "compare-%s.csv" % stamp.strftime("%Y%m%dT%H%M%SZ")))
    elif a.workload == "sbml":
        rows = run_sbml(a, common, a.csv or os.path.join(
            ROOT, "bench", "out", "compare-%s.csv" % stamp.strftime("%Y%m%dT%H%M%SZ")))
    elif a.workload != "fstats":
        entries = {"cartpole": WORKLOADS, "gene": GENE_WORKLOADS,
                   "ssa": SSA_WORKLOADS}[a.workload]
        rows = measure_size(a, a.workload, entries, common)
    if a.full or a.workload == "fstats":
        csv_path = a.csv or os.path.join(
            ROOT, "bench", "out",
            "compare-%s.csv" % stamp.strftime("%Y%m%dT%H%M%SZ"))
        run_fstats(a, common, csv_path)
        if not a.full:
            return 0
    # peers tried by `make peers` that have no workload here: say why
    for lib in ("pufferlib",):
        _, why = peer_python(lib)
        if why is not None and os.path.exists(os.path.join(
                ROOT, "bench", ".venv-%s.failed" % lib)):
            rows.append(dict(common, workload="cartpole", library=lib,
                             mode="cartpole", status="skipped", note=why,
                             num_envs="", steps=""))
    ok = [r for r in rows if r["status"] == "ok"]
    groups = {}
    for r in ok:  # entries measured together (SSA: each with its own K)
        groups.setdefault((r["workload"], r["size"]), []).append(r)
    for (workload, n), rs in sorted(groups.items(), key=lambda kv: (
            kv[0][0], str(kv[0][1]).rjust(12))):
        slowest = min(r["steps_per_s"] for r in rs)
        for r in rs:
            r["speedup_vs_slowest"] = r["steps_per_s"] / slowest
        print("%s, %s: steps/s, the ratio to Myriad's best mode, the mean "
              "episode length" %
              (workload, n if isinstance(n, str) else
               "%d envs" % n if n else "K trajectories each"))
        for r in sorted(rs, key=lambda r: -r["steps_per_s"]):
            print("  %-20s %12.4g  %10.4gx  %s" % (
                "%s/%s" % (r["library"], r["mode"]), r["steps_per_s"],
                r.get("ratio_to_myriad_best", float("nan")),
                r.get("mean_episode_length") or "-"))
    skipped = [r for r in rows if r["status"] == "skipped"]
    if skipped:
        print("skipped: %s" % "; ".join(sorted(
            {"%s: %s" % (r["library"], r["note"]) for r in skipped})))

    csv_path = write_rows(a, rows, stamp)
    print("csv: %s" % csv_path)
    if not a.no_plot and ok and (a.full or a.workload != "sbml"):
        png = a.plot or os.path.splitext(csv_path)[0] + ".png"
        if len(groups) > 1:
            plot_sizes(ok, skipped, png, a, common)
        else:
            plot(ok, skipped, png, a, common["cpu_model"])
        print("plot: %s" % png)
    return 0 if ok else 1


def save_png(fig, png):
    """fig to png through a new temporary file renamed over it."""
    import matplotlib.pyplot as plt
    fig.tight_layout()
    d = os.path.dirname(os.path.abspath(png))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".png.tmp", dir=d)
    os.close(fd)
    fig.savefig(tmp, dpi=120, format="png")
    plt.close(fig)
    _publish(tmp, png)


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
    save_png(fig, png)


def plot_sizes(ok, skipped, png, a, common):
    """library_comparison: steps/s against num_envs, one line per entry,
    CartPole and the gene circuit side by side (log-log)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.2))
    for ax, workload, what in ((axes[0], "cartpole", "CartPole-v1"),
                               (axes[1], "gene", "CcaS-CcaR gene circuit")):
        lines = {}
        for r in ok:
            if r["workload"] == workload:
                lines.setdefault("%s/%s" % (r["library"], r["mode"]), []).append(r)
        for name, rs in sorted(lines.items()):
            rs = sorted(rs, key=lambda r: r["num_envs"])
            ax.plot([r["num_envs"] for r in rs], [r["steps_per_s"] for r in rs],
                    marker="o", label=name,
                    linewidth=2.2 if name.startswith("myriad/") else 1.2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("parallel environments (num_envs)")
        ax.set_ylabel("env-steps per second (median of %d runs)" % a.runs)
        ax.set_title("%s, random actions" % what, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    title = "Myriad beside its peers, each in its own process, %d threads; %s " \
            "(%d cores), %s, rev %s" % (common["threads"], common["cpu_model"],
                                        os.cpu_count(), common["timestamp"][:10],
                                        common["git_rev"])
    if skipped:
        title += "\nskipped (reasons in the CSV): %s" % ", ".join(sorted(
            {"%s%s" % (r["library"], " at %s envs" % r["num_envs"]
                       if r["num_envs"] else "") for r in skipped}))
    fig.suptitle(title, fontsize=9)
    save_png(fig, png)


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
    env = myriad.make("cartpole", n, seed=a.seed, threads=a.threads,
                      copy=False)
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
    p.add_argument("--full", action="store_true",
                   help="every workload at every size: CartPole at 1, 16, "
                        "256, 4096, 65536, 1M envs, the gene circuit at 100, "
                        "1K, 10K, 100K (288 steps)")
    p.add_argument("--budget", type=float, default=None,
                   help="skip an entry whose first run takes longer than this "
                        "many seconds (default: 20 with --full, else none)")
    p.add_argument("--ssa-k", default="100000,2000",
                   help="ssa workload: trajectories of Myriad and of GillesPy2 "
                        "(default 100000,2000)")
    p.add_argument("--fstat-k", default="100000,50000,2000",
                   help="F statistics against the master equation: cells of "
                        "Myriad, the JAX original and GillesPy2 (default "
                        "100000,50000,2000)")
    p.add_argument("--sbml-cells", type=int, default=100000,
                   help="sbml workload: Myriad cells per model")
    p.add_argument("--sbml-gcells", type=int, default=2000,
                   help="sbml workload: GillesPy2 trajectories per model")
    p.add_argument("--workload", choices=("cartpole", "gene", "ssa", "fstats", "sbml"),
                   default="cartpole",
                   help="without --full: CartPole (default), the gene "
                        "circuit against the JAX original, exact SSA "
                        "trajectories against GillesPy2, (fstats) F "
                        "moments against the master equation, or (sbml) the "
                        "shipped SBML models against GillesPy2's import of them")
    p.add_argument("--min-time", type=float, default=None,
                   help="each timed run lasts at least this many seconds: "
                        "a probe run after the first call sets how many "
                        "chunks of --steps a run takes (default: 1 with "
                        "--full, else 0: one chunk)")
    p.add_argument("--overhead", action="store_true",
                   help="Python step API vs C step API, ratio per size")
    p.add_argument("--sizes", default="10000,1000000",
                   help="--overhead: comma-separated env counts")
    p.add_argument("--myriad", default=None,
                   help="--overhead: path of the myriad CLI")
    p.add_argument("--rounds", type=int, default=3,
                   help="--overhead: alternating C/Python rounds per size")
    p.add_argument("--worker", default=None,
                   help="internal: run one LIBRARY/MODE entry for the "
                        "orchestrator, answering 'run' and 'stats' lines")
    a = p.parse_args(argv)
    if a.runs < 5:
        p.error("--runs must be at least 5 (medians of at least 5 timed runs)")
    if a.num_envs <= 0 or a.warmup < 0:
        p.error("--num-envs must be positive and --warmup >= 0")
    try:
        km, kg = (int(x) for x in a.ssa_k.split(","))
    except ValueError:
        p.error("--ssa-k wants two integers: MYRIAD,GILLESPY2")
    if km <= 1 or kg <= 1:
        p.error("--ssa-k: at least 2 trajectories each")
    a.ssa_k = {"myriad": km, "gillespy2": kg}
    try:
        fm, fj, fg = (int(x) for x in a.fstat_k.split(","))
    except ValueError:
        p.error("--fstat-k wants three integers: MYRIAD,MYRIAD_JAX,GILLESPY2")
    a.fstat_k = {"myriad": fm, "myriad-jax": fj, "gillespy2": fg}
    if a.budget is None:
        a.budget = 20.0 if a.full else 0.0
    if a.min_time is None:
        a.min_time = 1.0 if a.full else 0.0
    a.steps_given = a.steps is not None
    if a.steps is None:
        a.steps = 200
    if a.steps <= 0:
        p.error("--steps must be positive")
    if a.worker:
        return worker_main(a)
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
