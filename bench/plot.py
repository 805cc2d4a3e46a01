#!/usr/bin/python3
"""Draw the benchmark plots from `myriad bench` CSV files.

usage: bench/plot.py [--out DIR] [PATH ...]

PATH is a CSV file or a directory; for a directory the newest CSV of each
kind (throughput-*, memory-*, chunk-*, threads-*) is used.  Without PATH,
bench/out/ next to this script (where `myriad bench` writes; the committed
figures are in bench/results/).  PNGs go to --out (default: the directory
of the first PATH).  Every title names the CPU, its core count, the date,
the git revision and whether the run was quick or --full:

  throughput_scaling.png   env-steps/s vs num_envs, log-log
  scaling_efficiency.png   throughput as a fraction of each env's best
                           batch size vs num_envs (where the machine fills)
  memory_scaling.png       bytes/env (measured, theory) vs num_envs; peak
                           RSS vs chunk size and vs total steps (recording)
  chunk_sensitivity.png    env-steps/s vs chunk size
  thread_scaling.png       speed-up and efficiency vs threads

Comment lines (# partial ...) are skipped; a partial file is plotted with
"(partial)" in the title.  Needs matplotlib (Debian: python3-matplotlib).
"""

import argparse
import csv
import glob
import math
import os
import sys

plt = None  # matplotlib.pyplot, imported by main() after the CSVs are read

KINDS = ("throughput", "memory", "chunk", "threads")
# columns that hold numbers (empty where not applicable); the others are text
NUMERIC = ("num_envs", "chunk", "block", "threads", "steps", "runs", "warmup",
           "time_mean_s", "time_std_s", "time_min_s", "time_median_s",
           "time_max_s", "steps_per_s", "steps_per_s_per_env", "efficiency",
           "bytes_per_env", "theory_bytes_per_env", "peak_rss_bytes",
           "episodes", "mean_episode_length", "reactions_per_step", "cap_hits",
           "cores")
# columns every row must fill
REQUIRED = ("kind", "env", "num_envs", "chunk", "threads", "steps")


class CsvError(Exception):
    """A file that is not a readable `myriad bench` CSV."""


def newest(directory, kind):
    files = sorted(glob.glob(os.path.join(directory, kind + "-*.csv")),
                   key=lambda p: (os.path.basename(p), os.path.getmtime(p)))
    return files[-1] if files else None


def warn(msg):
    print("plot.py: warning: %s" % msg, file=sys.stderr)


def convert(row, where):
    """A row with numbers converted, or None (with a warning) when a
    required field is empty or a number is malformed, not finite or not
    positive where it must be."""
    out = {}
    for key, value in row.items():
        if key in NUMERIC and value != "":
            try:
                x = float(value)
            except ValueError:
                return warn("%s: %s=%r is not a number (row skipped)"
                            % (where, key, value))
            if not math.isfinite(x) or x < 0 or (key.startswith("time_") and x == 0
                                                  and key != "time_std_s"):
                return warn("%s: %s=%s out of range (row skipped)"
                            % (where, key, value))
            out[key] = x
        else:
            out[key] = None if value == "" and key in NUMERIC else value
    for key in REQUIRED:
        if out.get(key) in (None, ""):
            return warn("%s: no %s (row skipped)" % (where, key))
    return out


def read_csv(path):
    """Rows as dicts (numbers converted) and a partial flag.  Comment lines
    (# partial ...) are skipped; rows with the wrong number of fields or
    malformed numbers are skipped with a warning; a file without the bench
    header raises CsvError."""
    try:
        with open(path, newline="") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise CsvError("%s: cannot read: %s" % (path, e))
    partial = any(line.startswith("# partial") for line in lines)
    body = [(i + 1, line) for i, line in enumerate(lines)
            if line and not line.startswith("#")]
    if not body:
        raise CsvError("%s: empty (no header)" % path)
    try:
        parsed = list(csv.reader([line for _, line in body]))
    except csv.Error as e:
        raise CsvError("%s: %s" % (path, e))
    header = parsed[0]
    missing = [k for k in REQUIRED if k not in header]
    if missing:
        raise CsvError("%s: not a myriad bench CSV (no column %s in line %d)"
                       % (path, ", ".join(missing), body[0][0]))
    rows = []
    for (line, _), fields in zip(body[1:], parsed[1:]):
        if len(fields) != len(header):
            warn("%s line %d: %d fields, the header has %d (row skipped)"
                 % (path, line, len(fields), len(header)))
            continue
        row = convert(dict(zip(header, fields)), "%s line %d" % (path, line))
        if row is not None:
            rows.append(row)
    if len(body) > 1 and not rows:
        warn("%s: no readable rows" % path)
    return rows, partial


def collect(paths):
    """{kind: (rows, partial, path)} from files and directories."""
    found = {}
    for path in paths:
        if os.path.isdir(path):
            for kind in KINDS:
                p = newest(path, kind)
                if p and kind not in found:
                    rows, partial = read_csv(p)
                    if rows:
                        found[kind] = (rows, partial, p)
        elif os.path.isfile(path):
            rows, partial = read_csv(path)
            if not rows:
                warn("%s: no data rows (skipped)" % path)
                continue
            kind = str(rows[0]["kind"]).split("-")[0]
            found[kind] = (rows, partial, path)
        else:
            sys.exit("plot.py: no such file or directory: %s" % path)
    return found


def hardware(rows):
    """CPU, cores, SIMD, compiler, date, revision and quick/full of a run."""
    r = rows[0]
    cores = r.get("cores")
    return "%s (%s), %s, %s\n%s, rev %s, %s run" % (
        r.get("cpu_model") or "unknown CPU",
        "%d cores" % cores if cores else "cores not recorded",
        r.get("simd_isa") or "?", r.get("compiler") or "?",
        (r.get("timestamp") or "undated")[:10], r.get("git_rev") or "?",
        r.get("suite") or "quick/full not recorded")


def by_env(rows, kind=None):
    groups = {}
    for r in rows:
        if kind is not None and r["kind"] != kind:
            continue
        groups.setdefault(r["env"], []).append(r)
    return groups


def title(ax_or_fig, what, rows, partial):
    text = "%s%s\n%s" % (what, " (partial)" if partial else "", hardware(rows))
    if hasattr(ax_or_fig, "suptitle"):
        ax_or_fig.suptitle(text, fontsize=10)
    else:
        ax_or_fig.set_title(text, fontsize=10)


def save(fig, out, name):
    path = os.path.join(out, name)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print("wrote %s" % path)


def rate_bounds(r):
    """Throughput from the slowest and fastest run (error bars)."""
    work = r["num_envs"] * r["steps"]
    return work / r["time_max_s"], work / r["time_min_s"]


def plot_throughput(rows, partial, out):
    fig, ax = plt.subplots(figsize=(7.5, 5))
    for env, rs in sorted(by_env(rows, "throughput").items()):
        rs = sorted((r for r in rs if r["steps_per_s"]), key=lambda r: r["num_envs"])
        if not rs:
            continue
        n = [r["num_envs"] for r in rs]
        y = [r["steps_per_s"] for r in rs]
        lo = [y[i] - rate_bounds(r)[0] for i, r in enumerate(rs)]
        hi = [rate_bounds(r)[1] - y[i] for i, r in enumerate(rs)]
        ax.errorbar(n, y, yerr=[lo, hi], marker="o", capsize=3,
                    label="%s (%s)" % (env, rs[0]["mode"]))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("parallel environments (num_envs)")
    ax.set_ylabel("throughput (env-steps/s)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    title(ax, "Throughput scaling, random policy (median run; bars: min-max)",
          rows, partial)
    save(fig, out, "throughput_scaling.png")


def plot_efficiency(rows, partial, out):
    """Throughput at each N as a fraction of the env's best N: where a batch
    is large enough to fill the machine, and where it falls out of cache."""
    fig, ax = plt.subplots(figsize=(7.5, 5))
    for env, rs in sorted(by_env(rows, "throughput").items()):
        rs = sorted((r for r in rs if r["steps_per_s"]), key=lambda r: r["num_envs"])
        if rs:
            best = max(r["steps_per_s"] for r in rs)
            ax.plot([r["num_envs"] for r in rs],
                    [r["steps_per_s"] / best for r in rs], marker="o", label=env)
    ax.set_xscale("log")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("parallel environments (num_envs)")
    ax.set_ylabel("throughput / best throughput of that env")
    ax.axhline(1.0, color="gray", linestyle="--", linewidth=1)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    title(ax, "Fraction of peak throughput vs batch size", rows, partial)
    save(fig, out, "scaling_efficiency.png")


def plot_memory(rows, partial, out):
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    ax = axes[0]
    for env, rs in sorted(by_env(rows, "memory-envs").items()):
        rs = sorted(rs, key=lambda r: r["num_envs"])
        n = [r["num_envs"] for r in rs]
        line = ax.plot(n, [r["bytes_per_env"] for r in rs], marker="o",
                       label="%s measured" % env)
        ax.plot(n, [r["theory_bytes_per_env"] for r in rs], linestyle="--",
                color=line[0].get_color(), label="%s theory" % env)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("parallel environments (num_envs)")
    ax.set_ylabel("memory per env (bytes/env, peak RSS growth)")
    ax.set_title("bytes/env vs num_envs", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    for ax, kind, key, label in (
            (axes[1], "memory-chunk", "chunk", "chunk size (steps)"),
            (axes[2], "memory-steps", "steps", "total steps per rollout (chunk 64)")):
        for env, rs in sorted(by_env(rows, kind).items()):
            rs = sorted(rs, key=lambda r: r[key])
            x = [r[key] for r in rs]
            n = rs[0]["num_envs"]
            line = ax.plot(x, [r["bytes_per_env"] * n / 2**20 for r in rs],
                           marker="o", label="%s measured (%d envs)" % (env, n))
            ax.plot(x, [r["theory_bytes_per_env"] * n / 2**20 for r in rs],
                    linestyle="--", color=line[0].get_color(),
                    label="%s state + one chunk (theory)" % env)
        ax.set_xscale("log", base=2)
        ax.set_xlabel(label)
        ax.set_ylabel("peak RSS growth from the batch (MiB)")
        ax.set_title("recording on: memory vs %s" % key, fontsize=10)
        ax.set_ylim(bottom=0)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    title(fig, "Memory scaling", rows, partial)
    save(fig, out, "memory_scaling.png")


def plot_chunk(rows, partial, out):
    fig, ax = plt.subplots(figsize=(7.5, 5))
    for env, rs in sorted(by_env(rows, "chunk").items()):
        rs = sorted(rs, key=lambda r: r["chunk"])
        ax.plot([r["chunk"] for r in rs], [r["steps_per_s"] for r in rs],
                marker="o", label="%s, %d envs" % (env, rs[0]["num_envs"]))
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("chunk size (steps a cache-resident block advances)")
    ax.set_ylabel("throughput (env-steps/s)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    title(ax, "Chunk-size sensitivity (fused rollout, median run)", rows, partial)
    save(fig, out, "chunk_sensitivity.png")


def plot_threads(rows, partial, out):
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    top = 1
    for env, rs in sorted(by_env(rows, "threads").items()):
        rs = sorted(rs, key=lambda r: r["threads"])
        t = [r["threads"] for r in rs]
        label = "%s, %d envs" % (env, rs[0]["num_envs"])
        axes[0].plot(t, [r["steps_per_s"] / rs[0]["steps_per_s"] for r in rs],
                     marker="o", label=label)
        axes[1].plot(t, [r["efficiency"] for r in rs], marker="o", label=label)
        top = max(top, max(t))
    axes[0].plot([1, top], [1, top], linestyle="--", color="gray", label="ideal")
    axes[0].set_xlabel("threads")
    axes[0].set_ylabel("speed-up over 1 thread")
    axes[1].axhline(1.0, linestyle="--", color="gray")
    axes[1].set_xlabel("threads")
    axes[1].set_ylabel("efficiency (speed-up / threads)")
    axes[1].set_ylim(bottom=0)
    for ax in axes:
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    title(fig, "Thread scaling (strong scaling, fixed num_envs)", rows, partial)
    save(fig, out, "thread_scaling.png")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", help="CSV files or directories")
    ap.add_argument("--out", help="directory for the PNGs")
    args = ap.parse_args()
    paths = args.paths or [os.path.join(here, "out")]
    out = args.out or (paths[0] if os.path.isdir(paths[0])
                       else os.path.dirname(os.path.abspath(paths[0])))
    os.makedirs(out, exist_ok=True)
    try:
        found = collect(paths)
    except CsvError as e:
        sys.exit("plot.py: %s" % e)
    if not found:
        sys.exit("plot.py: no benchmark CSVs in %s (run 'myriad bench all')"
                 % ", ".join(paths))
    global plt
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        sys.exit("plot.py: needs matplotlib (Debian: python3-matplotlib): %s" % e)
    drawn = 0
    for kind, fns in (("throughput", (plot_throughput, plot_efficiency)),
                      ("memory", (plot_memory,)), ("chunk", (plot_chunk,)),
                      ("threads", (plot_threads,))):
        if kind not in found:
            print("no %s CSV: its plot is skipped" % kind)
            continue
        rows, partial, path = found[kind]
        print("%s: %s" % (kind, path))
        for fn in fns:
            fn(rows, partial, out)
            drawn += 1
    return 0 if drawn else 1


if __name__ == "__main__":
    sys.exit(main())
