#!/usr/bin/env python3
"""Train an SB3 PPO agent to hold the CcaS-CcaR gene circuit's GFP level at
its target by switching the light, and compare it with the built-in
controllers the library runs itself: random, constant, periodic, bang-bang
and PID (the JAX original's headline experiment).

    examples/.venv/bin/python examples/train_gene_circuit.py
    examples/.venv/bin/python examples/train_gene_circuit.py --plot docs/img/gene_circuit.png

(examples/requirements.txt makes examples/.venv; myriad comes from a pip
install or else from this source tree, python/ with the build/libmyriad.so
that `make` builds.)

The task (`myriad envs --env gene-circuit`): 288 steps of 5 minutes (one
day), exact stochastic simulation of the circuit inside each step; the
observation is [F/80, target/80, next target/80], the action light off/on,
the reward -|F - 25| molecules per step (F starts at 0), so an episode's
return is minus the summed tracking error.  The agent sees only F, not
the light-driven intermediate H, so the policy gets the last --frame-stack
observations (SB3's VecFrameStack).

The controllers' gains are chosen on one seed (a small grid over bang-bang
setpoints and PID gains) and every controller and the agent are then
scored on --eval-envs fresh episodes of another seed (mean return, and its
standard error).  Logged to --log-dir (default examples/out) as
gene_circuit_seedS.csv/.json; --plot PNG draws the agent's learning curve
(evaluations against env steps and wall-clock) with the controllers'
scores as lines, and exits.
"""
import argparse
import csv
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

HORIZON = 288


def controller_scores(num_envs, seed):
    """Mean return (and standard error) of each built-in controller over
    num_envs episodes, run by the library itself (fused rollout)."""
    import myriad

    def score(policy, s):
        env = myriad.make("gene-circuit", num_envs, seed=s, threads=1)
        rec = env.rollout(HORIZON, policy=policy, record=True)
        env.close()
        ret = rec["reward"].astype(np.float64).sum(axis=0)
        return float(ret.mean()), float(ret.std() / np.sqrt(len(ret)))

    tune_seed = seed + 777
    # bang-bang: light on while F is below a threshold
    bb = max(("bangbang:field=F,setpoint=%g,invert=1" % s
              for s in (10, 15, 18, 20, 22, 25)),
             key=lambda p: score(p, tune_seed)[0])
    # PID: light on when round(kp e + ki I + kd d) >= 1, e = 25 - F
    pid = max(("pid:field=F,setpoint=25,kp=%g,ki=%g,kd=%g,limit=200" %
               (kp, ki, kd)
               for kp in (0.05, 0.1, 0.2, 0.5)
               for ki in (0.0, 0.001, 0.005, 0.02)
               for kd in (0.0, 0.5, 2.0)),
              key=lambda p: score(p, tune_seed)[0])
    pers = max(("periodic:%d" % w for w in (1, 2, 5, 10, 20)),
               key=lambda p: score(p, tune_seed)[0])
    out = {}
    for name, p in (("random", "random"), ("always off", "constant:0"),
                    ("always on", "constant:1"), ("periodic", pers),
                    ("bang-bang", bb), ("PID", pid)):
        m, se = score(p, seed)
        out[name] = {"policy": p, "mean_return": m, "stderr": se}
    return out


def make_env(num_envs, seed, frame_stack):
    import myriad.sb3
    from stable_baselines3.common.vec_env import VecFrameStack
    venv = myriad.sb3.make_vec_env("gene-circuit", num_envs, seed=seed)
    return VecFrameStack(venv, frame_stack) if frame_stack > 1 else venv


def agent_score(model, num_envs, seed, frame_stack):
    """Mean return (and standard error) of the deterministic policy over
    num_envs episodes of one seed."""
    venv = make_env(num_envs, seed, frame_stack)
    obs = venv.reset()
    total = np.zeros(num_envs)
    for t in range(HORIZON):
        act, _ = model.predict(obs, deterministic=True)
        obs, rew, done, _ = venv.step(act)
        total += rew
    assert done.all()  # every env ended its episode at step 288
    venv.close()
    return float(total.mean()), float(total.std() / np.sqrt(num_envs))


def train(args):
    import torch
    from stable_baselines3 import PPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.vec_env import VecNormalize

    torch.set_num_threads(args.torch_threads)
    t0 = time.perf_counter()
    ctl = controller_scores(args.eval_envs, args.seed + 1000)
    ctl_s = time.perf_counter() - t0
    for name, c in ctl.items():
        print("%-11s %9.1f +- %5.1f   %s" % (name, c["mean_return"],
                                             c["stderr"], c["policy"]))
    print("controllers scored in %.1f s" % ctl_s, flush=True)

    venv = VecNormalize(make_env(args.num_envs, args.seed, args.frame_stack),
                        norm_obs=False, norm_reward=True, gamma=args.gamma)
    rows = []

    class Log(BaseCallback):
        def __init__(self):
            super().__init__()
            self.excluded = 0.0
            self.next_eval = 0

        def _on_training_start(self):
            self.t0 = time.perf_counter()

        def clock(self):
            return time.perf_counter() - self.t0 - self.excluded

        def _on_step(self):
            if self.num_timesteps >= self.next_eval:
                self.next_eval += args.eval_every
                wall = self.clock()
                e0 = time.perf_counter()
                m, se = agent_score(self.model, args.curve_envs,
                                    args.seed + 2000, args.frame_stack)
                self.excluded += time.perf_counter() - e0
                rows.append(("eval", self.num_timesteps, wall, m, se))
                print("agent %8d steps %6.1f s  mean return %9.1f +- %5.1f"
                      % (self.num_timesteps, wall, m, se), flush=True)
            return True

    model = PPO("MlpPolicy", venv, n_steps=HORIZON, batch_size=args.batch,
                n_epochs=args.epochs, gamma=args.gamma, gae_lambda=0.95,
                learning_rate=args.lr, ent_coef=0.0, seed=args.seed,
                device="cpu", verbose=0)
    log = Log()
    model.learn(args.timesteps, callback=log)
    wall = log.clock()
    m, se = agent_score(model, args.eval_envs, args.seed + 1000,
                        args.frame_stack)
    rows.append(("final", model.num_timesteps, wall, m, se))
    venv.close()
    print("agent (final, %d episodes) %9.1f +- %5.1f" % (args.eval_envs, m,
                                                         se))

    os.makedirs(args.log_dir, exist_ok=True)
    path = os.path.join(args.log_dir, "gene_circuit_seed%d.csv" % args.seed)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kind", "env_steps", "wall_s", "mean_return", "stderr"])
        w.writerows(rows)
    summary = {"seed": args.seed, "timesteps": int(model.num_timesteps),
               "num_envs": args.num_envs, "frame_stack": args.frame_stack,
               "train_wall_s": round(wall, 2), "eval_episodes": args.eval_envs,
               "agent": {"mean_return": m, "stderr": se},
               "controllers": ctl}
    with open(path[:-4] + ".json", "w") as f:
        json.dump(summary, f, indent=1)
    print("log: %s" % path)
    best = max(c["mean_return"] for c in ctl.values())
    print("agent %s the best controller (%.1f against %.1f)" %
          ("beats" if m > best else "does not beat", m, best))
    return 0


def plot(args):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    path = os.path.join(args.log_dir, "gene_circuit_seed%d.csv" % args.seed)
    if not os.path.exists(path):
        sys.stderr.write("no %s: train first\n" % path)
        return 1
    with open(path) as f:
        rows = list(csv.DictReader(f))
    with open(path[:-4] + ".json") as f:
        s = json.load(f)
    ev = [r for r in rows if r["kind"] == "eval"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, key in zip(axes, ("env_steps", "wall_s")):
        ax.plot([float(r[key]) for r in ev],
                [float(r["mean_return"]) for r in ev], "o-", color="black",
                ms=3, label="PPO agent (final %.0f)" %
                s["agent"]["mean_return"])
        for (name, c), col in zip(sorted(s["controllers"].items(),
                                         key=lambda kv: -kv[1]["mean_return"]),
                                  colours):
            ax.axhline(c["mean_return"], color=col, ls="--", lw=1,
                       label="%s %.0f" % (name, c["mean_return"]))
        ax.set_xlabel({"env_steps": "env steps",
                       "wall_s": "wall-clock training time (s)"}[key])
        ax.set_ylabel("mean return (-summed |F - 25|)")
        ax.set_ylim(-6000, -2200)  # always on/off lie below (in the legend)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="lower right")
    fig.suptitle("Gene circuit (CcaS-CcaR, exact SSA, 288 steps): PPO through "
                 "myriad.sb3 against the built-in controllers (%d episodes "
                 "each)" % s["eval_episodes"], fontsize=10)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(args.plot)), exist_ok=True)
    fig.savefig(args.plot, dpi=100)
    print("wrote %s" % args.plot)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--timesteps", type=int, default=1_000_000)
    p.add_argument("--num-envs", type=int, default=64)
    p.add_argument("--frame-stack", type=int, default=4)
    p.add_argument("--batch", type=int, default=2304)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--gamma", type=float, default=0.99)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--eval-envs", type=int, default=2000)
    p.add_argument("--curve-envs", type=int, default=256)
    p.add_argument("--eval-every", type=int, default=50_000)
    p.add_argument("--torch-threads", type=int, default=1)
    p.add_argument("--log-dir", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "out"))
    p.add_argument("--plot", metavar="PNG",
                   help="draw the logged curve into PNG and exit")
    args = p.parse_args()
    if args.plot:
        return plot(args)
    return train(args)


if __name__ == "__main__":
    sys.exit(main())
