#!/usr/bin/python3
"""Population plot and oscillation period of the shipped repressilator.

    myriad run --env repressilator --num-envs 10000 --steps 600 --record DIR
    /usr/bin/python3 bench/repressilator_plot.py DIR [--out docs/repressilator_population.png]

Reads DIR/obs.npy (steps x cells x 3: p_lacI, p_tetR, p_cI over 20), draws
the median and the 10-90% band of p_lacI over time, and estimates the
period from each cell's trajectory: the first peak of the autocorrelation
of p_lacI after the initial transient, averaged over cells (the peak of
the mean autocorrelation), printed in minutes (dt = 1 min).
"""
import argparse
import os

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--out", default="docs/repressilator_population.png")
    ap.add_argument("--skip", type=int, default=100, help="transient steps")
    a = ap.parse_args()
    obs = np.load(os.path.join(a.dir, "obs.npy"), mmap_mode="r")
    p = np.asarray(obs[:, :, 0], dtype=np.float64) * 20.0  # p_lacI counts
    steps, cells = p.shape
    t = np.arange(1, steps + 1)
    q10, q50, q90 = np.percentile(p, [10, 50, 90], axis=1)
    x = p[a.skip:] - p[a.skip:].mean(axis=0)
    n = x.shape[0]
    f = np.fft.rfft(x, 2 * n, axis=0)
    ac = np.fft.irfft(f * np.conj(f), axis=0)[:n].mean(axis=1)
    ac /= ac[0]
    lag = next(k for k in range(1, n - 1) if ac[k] < 0)  # past the first dip
    peak = lag + int(np.argmax(ac[lag:n // 2]))
    print("cells %d, steps %d: period %d min (autocorrelation %.2f at the peak)"
          % (cells, steps, peak, ac[peak]))
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=120)
    ax.fill_between(t, q10, q90, color="tab:blue", alpha=0.25, label="10-90% of cells")
    ax.plot(t, q50, color="tab:blue", lw=1.5, label="median")
    ax.plot(t, p[:, 0], color="tab:red", lw=0.8, alpha=0.8, label="one cell")
    ax.set_xlabel("time (min)")
    ax.set_ylabel("LacI protein (molecules)")
    ax.set_title("repressilator, %d cells (exact SSA, models/repressilator.xml): "
                 "period %d min" % (cells, peak), fontsize=9)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(a.out)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
