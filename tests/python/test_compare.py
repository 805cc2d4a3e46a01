"""`myriad bench compare` end to end: Myriad rows measured, absent peers
listed as skipped with their ImportError, CSV and PNG written."""
import csv
import importlib.util
import os
import subprocess

import pytest


def test_bench_compare_cli(tmp_path):
    cli = os.environ.get("MYRIAD_CLI")
    if not cli:
        pytest.skip("MYRIAD_CLI not set (CTest sets it)")
    out_csv = tmp_path / "cmp.csv"
    res = subprocess.run([cli, "bench", "compare", "--num-envs", "256",
                          "--steps", "20", "--runs", "5", "--csv", str(out_csv)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    with open(out_csv) as f:
        rows = {(r["library"], r["mode"]): r for r in csv.DictReader(f)}
    for key in (("myriad", "fused"), ("myriad", "step")):
        r = rows[key]
        assert r["status"] == "ok" and float(r["steps_per_s"]) > 0
        assert int(r["num_envs"]) == 256 and int(r["runs"]) == 5
        assert float(r["time_min_s"]) <= float(r["time_median_s"]) <= float(r["time_max_s"])
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for lib, mod in (("gymnasium", "gymnasium"), ("gymnax", "jax"), ("envpool", "envpool"),
                     ("myriad-jax", "jax")):
        entries = [r for (l, _), r in rows.items() if l == lib]
        assert entries
        venv = os.path.join(root, "bench", ".venv-%s" % lib, "bin", "python")
        if not os.path.exists(venv) and importlib.util.find_spec(mod) is None:
            # not installed: a row saying why, never a silent gap
            assert all(r["status"] == "skipped" and "ImportError" in r["note"]
                       and "make peers" in r["note"] for r in entries)
            assert "skipped" in res.stdout and lib in res.stdout
        for r in entries:
            if r["status"] == "ok":  # a peer from `make peers`, measured
                assert float(r["steps_per_s"]) > 0 and float(r["ratio_to_myriad_best"]) > 0
    best = max(float(r["ratio_to_myriad_best"]) for (l, _), r in rows.items()
               if l == "myriad")
    assert best == pytest.approx(1.0)
    slowest = min(float(r["steps_per_s"]) for r in rows.values() if r["status"] == "ok")
    for r in rows.values():
        if r["status"] == "ok":
            assert float(r["speedup_vs_slowest"]) == pytest.approx(
                float(r["steps_per_s"]) / slowest, rel=1e-4)
    png = tmp_path / "cmp.png"
    assert png.stat().st_size > 1000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_bench_compare_rejects_too_few_runs():
    cli = os.environ.get("MYRIAD_CLI")
    if not cli:
        pytest.skip("MYRIAD_CLI not set (CTest sets it)")
    res = subprocess.run([cli, "bench", "compare", "--runs", "2"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "at least 5" in res.stderr


def test_bench_compare_help_documents_every_option():
    cli = os.environ.get("MYRIAD_CLI")
    if not cli:
        pytest.skip("MYRIAD_CLI not set (CTest sets it)")
    res = subprocess.run([cli, "bench", "compare", "--help"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0
    lines = res.stdout.split("options:", 1)[1].splitlines()
    options = [l for l in lines if l.startswith("  --")]
    assert len(options) >= 14
    for i, line in enumerate(lines):
        if not line.startswith("  --"):
            continue
        # words beside the option and its METAVAR, or on the next line
        words = [t for t in line.split()[1:] if not t.isupper()]
        if not words:
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            words = nxt.split() if not nxt.lstrip().startswith("-") else []
        assert words, "undocumented option: %s" % line.strip()
