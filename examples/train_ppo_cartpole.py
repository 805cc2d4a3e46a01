#!/usr/bin/env python3
"""Train Stable-Baselines3's PPO on CartPole-v1: Myriad's (through
myriad.sb3) or, with --backend gymnasium, Gymnasium's, with the same
hyper-parameters (rl-baselines3-zoo's for PPO on CartPole-v1).

    examples/.venv/bin/python examples/train_ppo_cartpole.py                       # Myriad
    examples/.venv/bin/python examples/train_ppo_cartpole.py --backend gymnasium
    examples/.venv/bin/python examples/train_ppo_cartpole.py --plot docs/img/ppo_cartpole.png

(examples/requirements.txt makes examples/.venv; myriad comes from a pip
install or else from this source tree, python/ with the build/libmyriad.so
that `make` builds.)

Logged to --log-dir (default examples/out) as
ppo_cartpole_BACKEND_seedS.csv (and a .json summary):
every training episode (env steps and wall-clock seconds at its end, its
return) and every evaluation (every --eval-every env steps: the mean return
of --eval-episodes deterministic episodes on fresh envs of the same
backend).  Wall-clock counts training only (evaluations excluded); the
summary also gives the seconds of it spent stepping the envs.  Solved:
the first evaluation with a mean return >= 475 (Gymnasium's
reward_threshold for CartPole-v1); stays solved: the first evaluation
from which every later one is >= 475.  At the end the policy is evaluated on
100 episodes (--final-episodes); the script exits 0 when that mean return
is >= 475, else 1.  --plot PNG draws the curves of every backend logged in
--log-dir (return against env steps and against wall-clock) and exits.
"""
import argparse
import csv
import glob
import json
import os
import sys
import time

import numpy as np

try:  # pip-installed, or on PYTHONPATH
    import myriad  # noqa: F401
except ImportError:  # else the source tree's (with build/libmyriad.so)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "python"))

SOLVED = 475.0

# rl-baselines3-zoo, hyperparams/ppo.yml, CartPole-v1
HYPER = dict(n_envs=8, n_timesteps=100_000, n_steps=32, batch_size=256,
             gae_lambda=0.8, gamma=0.98, n_epochs=20, ent_coef=0.0,
             learning_rate=1e-3, clip_range=0.2)


def linear(v0):
    # rl-zoo's lin_<v>: v0 * progress_remaining (1 -> 0)
    return lambda progress_remaining: progress_remaining * v0


def make_envs(backend, n, seed, timed=False):
    from stable_baselines3.common.vec_env import VecEnvWrapper, VecMonitor
    if backend == "myriad":
        import myriad.sb3
        venv = VecMonitor(myriad.sb3.make_vec_env("Myriad/CartPole-v1", n,
                                                  seed=seed))
    else:
        from stable_baselines3.common.env_util import make_vec_env
        venv = make_vec_env("CartPole-v1", n_envs=n, seed=seed)  # Monitor each
    if not timed:
        return venv

    class Timed(VecEnvWrapper):
        """Seconds spent stepping the envs (step_wait), of the training."""
        seconds = 0.0

        def reset(self):
            return self.venv.reset()

        def step_wait(self):
            t = time.perf_counter()
            out = self.venv.step_wait()
            self.seconds += time.perf_counter() - t
            return out

    return Timed(venv)


def evaluate(model, venv, episodes):
    from stable_baselines3.common.evaluation import evaluate_policy
    rets, _ = evaluate_policy(model, venv, n_eval_episodes=episodes,
                              deterministic=True, return_episode_rewards=True)
    return float(np.mean(rets)), float(np.std(rets)), len(rets)


def train(args):
    import torch
    from stable_baselines3 import PPO
    from stable_baselines3.common.callbacks import BaseCallback

    torch.set_num_threads(args.torch_threads)
    h = HYPER
    venv = make_envs(args.backend, h["n_envs"], args.seed, timed=True)
    eval_env = make_envs(args.backend, args.eval_envs, args.seed + 10_000)
    rows = []

    class Log(BaseCallback):
        """Training episodes as they end; an evaluation every eval_every
        env steps, its time kept out of the training clock."""

        def __init__(self):
            super().__init__()
            self.excluded = 0.0
            self.next_eval = args.eval_every
            self.solved = None

        def _on_training_start(self):
            self.t0 = time.perf_counter()

        def clock(self):
            return time.perf_counter() - self.t0 - self.excluded

        def _on_step(self):
            for info in self.locals["infos"]:
                ep = info.get("episode")
                if ep is not None:
                    rows.append(("train", self.num_timesteps, self.clock(),
                                 float(ep["r"]), int(ep["l"])))
            if self.num_timesteps >= self.next_eval:
                self.next_eval += args.eval_every
                wall = self.clock()
                e0 = time.perf_counter()
                mean, std, n = evaluate(self.model, eval_env,
                                        args.eval_episodes)
                self.excluded += time.perf_counter() - e0
                rows.append(("eval", self.num_timesteps, wall, mean, n))
                if self.solved is None and mean >= SOLVED:
                    self.solved = (self.num_timesteps, wall)
                print("%-9s %7d steps %7.1f s  eval mean return %6.1f +- %5.1f"
                      % (args.backend, self.num_timesteps, wall, mean, std),
                      flush=True)
            return True

    model = PPO("MlpPolicy", venv, n_steps=h["n_steps"],
                batch_size=h["batch_size"], gae_lambda=h["gae_lambda"],
                gamma=h["gamma"], n_epochs=h["n_epochs"],
                ent_coef=h["ent_coef"],
                learning_rate=linear(h["learning_rate"]),
                clip_range=linear(h["clip_range"]), seed=args.seed,
                device="cpu", verbose=0)
    log = Log()
    model.learn(args.timesteps, callback=log)
    train_wall = log.clock()
    mean, std, n = evaluate(model, eval_env, args.final_episodes)
    rows.append(("final", model.num_timesteps, train_wall, mean, n))
    env_s = venv.seconds
    venv.close()
    eval_env.close()

    os.makedirs(args.log_dir, exist_ok=True)
    path = os.path.join(args.log_dir, "ppo_cartpole_%s_seed%d.csv" %
                        (args.backend, args.seed))
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kind", "env_steps", "wall_s", "return", "length_or_n"])
        w.writerows(rows)
    # stays solved: the first evaluation from which every later one (and
    # the final one) is >= 475
    evals = [r for r in rows if r[0] in ("eval", "final")]
    stay = None
    for i in range(len(evals)):
        if all(r[3] >= SOLVED for r in evals[i:]):
            stay = evals[i]
            break
    summary = {
        "backend": args.backend, "seed": args.seed,
        "timesteps": int(model.num_timesteps),
        "train_wall_s": round(train_wall, 2),
        "final_mean_return": mean, "final_std_return": std,
        "final_episodes": n,
        "solved_at_env_steps": log.solved[0] if log.solved else None,
        "solved_at_wall_s": round(log.solved[1], 2) if log.solved else None,
        "env_step_s": round(env_s, 2),
        "stays_solved_from_env_steps": stay[1] if stay else None,
        "stays_solved_from_wall_s": round(stay[2], 2) if stay else None,
        "torch_threads": args.torch_threads,
    }
    with open(path[:-4] + ".json", "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary))
    print("log: %s" % path)
    return 0 if mean >= SOLVED else 1


def rolling(x, k):
    x = np.asarray(x, dtype=float)
    c = np.cumsum(np.insert(x, 0, 0.0))
    out = np.empty_like(x)
    for i in range(len(x)):
        j = max(0, i + 1 - k)
        out[i] = (c[i + 1] - c[j]) / (i + 1 - j)
    return out


def plot(args):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    files = sorted(glob.glob(os.path.join(args.log_dir, "ppo_cartpole_*.csv")))
    if not files:
        sys.stderr.write("no ppo_cartpole_*.csv in %s: train first\n" %
                         args.log_dir)
        return 1
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    colours = {"myriad": "tab:blue", "gymnasium": "tab:orange"}
    for path in files:
        backend, seed = os.path.basename(path)[len("ppo_cartpole_"):-4] \
            .rsplit("_seed", 1)
        with open(path) as f:
            rows = list(csv.DictReader(f))
        tr = [r for r in rows if r["kind"] == "train"]
        ev = [r for r in rows if r["kind"] == "eval"]
        summ = path[:-4] + ".json"
        label = backend
        if os.path.exists(summ):
            with open(summ) as f:
                s = json.load(f)
            label = "%s seed %s: final %.1f (%d episodes), solved at %s" % (
                backend, seed, s["final_mean_return"], s["final_episodes"],
                "%d steps, %.1f s" % (s["solved_at_env_steps"],
                                      s["solved_at_wall_s"])
                if s["solved_at_env_steps"] else "never")
        c = colours.get(backend)
        for ax, key in zip(axes, ("env_steps", "wall_s")):
            x = [float(r[key]) for r in tr]
            ax.plot(x, rolling([float(r["return"]) for r in tr], 20),
                    color=c, alpha=0.5, lw=1)
            ax.plot([float(r[key]) for r in ev],
                    [float(r["return"]) for r in ev], "o-", color=c,
                    label=label if key == "env_steps" else
                    "%s seed %s" % (backend, seed), ms=4)
    for ax, xl in zip(axes, ("env steps", "wall-clock training time (s)")):
        ax.axhline(SOLVED, color="grey", ls="--", lw=1)
        ax.set_xlabel(xl)
        ax.set_ylabel("return")
        ax.set_ylim(0, 520)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="lower right")
    axes[1].legend(fontsize=8, loc="lower right")
    fig.suptitle("SB3 PPO on CartPole-v1 (rl-zoo hyper-parameters, 8 envs): "
                 "lines = training episodes (mean of 20), dots = evaluations "
                 "(deterministic)", fontsize=10)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(args.plot)), exist_ok=True)
    fig.savefig(args.plot, dpi=100)
    print("wrote %s" % args.plot)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", choices=("myriad", "gymnasium"),
                   default="myriad")
    p.add_argument("--timesteps", type=int, default=HYPER["n_timesteps"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--eval-every", type=int, default=5000)
    p.add_argument("--eval-episodes", type=int, default=10)
    p.add_argument("--eval-envs", type=int, default=10)
    p.add_argument("--final-episodes", type=int, default=100)
    p.add_argument("--torch-threads", type=int, default=1)
    p.add_argument("--log-dir", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "out"))
    p.add_argument("--plot", metavar="PNG",
                   help="draw the logged curves into PNG and exit")
    args = p.parse_args()
    if args.plot:
        return plot(args)
    return train(args)


if __name__ == "__main__":
    sys.exit(main())
