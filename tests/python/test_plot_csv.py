"""bench/plot.py reading malformed `myriad bench` CSVs: a clear message and
a non-zero exit for files it cannot use, skipped rows (with a warning) for
bad lines, never a traceback.  Needs no matplotlib: the CSVs are read
before it is imported."""
import importlib.util
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLOT = os.path.join(ROOT, "bench", "plot.py")

HEADER = ("kind,env,num_envs,chunk,block,threads,backend,precision,mode,steps,"
          "runs,warmup,time_mean_s,time_std_s,time_min_s,time_median_s,"
          "time_max_s,steps_per_s,steps_per_s_per_env,efficiency,"
          "bytes_per_env,theory_bytes_per_env,peak_rss_bytes,episodes,"
          "mean_episode_length,reactions_per_step,cap_hits,cpu_model,simd_isa,"
          "compiler,git_rev,timestamp")


def row(n=1000, t="0.01", rate="1e+07"):
    return ("throughput,cartpole-v1,%d,64,1024,2,cpu,float32,fused,100,5,1,"
            "%s,0.001,%s,%s,%s,%s,10000,1.0000,36,36,1000000,50,20.0000,0.0000,"
            "0,\"Some CPU, 2 cores\",avx2,gcc 12,abc123,2026-01-01T00:00:00Z"
            % (n, t, t, t, t, rate))


@pytest.fixture(scope="module")
def plot():
    spec = importlib.util.spec_from_file_location("myriad_plot", PLOT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def run_plot(*args):
    res = subprocess.run([sys.executable, PLOT] + list(args),
                         capture_output=True, text=True, timeout=60)
    assert "Traceback" not in res.stderr, res.stderr
    return res


def test_valid_rows_and_partial_marker(plot, tmp_path):
    p = write(tmp_path, "throughput-a.csv", "\n".join(
        [HEADER, row(1000), row(2000), "# partial: interrupted"]) + "\n")
    rows, partial = plot.read_csv(p)
    assert partial and [r["num_envs"] for r in rows] == [1000.0, 2000.0]
    assert rows[0]["cpu_model"] == "Some CPU, 2 cores"
    assert rows[0]["time_min_s"] == 0.01 and rows[0]["kind"] == "throughput"


@pytest.mark.parametrize("text,why", [
    ("", "empty"),
    ("\n\n# partial: interrupted before all rows were measured\n", "empty"),
    ("a,b,c\n1,2,3\n", "not a myriad bench CSV"),
    ("\x00\x01\x02garbage\n", "not a myriad bench CSV"),
])
def test_unusable_file_is_an_error(plot, tmp_path, text, why):
    p = write(tmp_path, "bad.csv", text)
    with pytest.raises(plot.CsvError, match=why):
        plot.read_csv(p)
    res = run_plot(p)
    assert res.returncode != 0 and why in res.stderr, res.stderr


def test_header_only_has_no_rows(plot, tmp_path):
    p = write(tmp_path, "throughput-h.csv", HEADER + "\n")
    assert plot.read_csv(p) == ([], False)
    res = run_plot(p)
    assert res.returncode != 0
    assert "no data rows" in res.stderr and "no benchmark CSVs" in res.stderr


@pytest.mark.parametrize("bad,why", [
    (row()[:40], "fields"),                      # truncated line
    (row() + ",extra", "fields"),                # too many columns
    (row(t="fast"), "not a number"),             # non-numeric value
    (row(t="nan"), "out of range"),              # NaN
    (row(rate="inf"), "out of range"),           # infinity
    (row(t="0"), "out of range"),                # zero time (division)
    (row(n=-5), "out of range"),                 # negative count
    (row().replace("throughput,cartpole-v1,1000", "throughput,,1000"), "no env"),
    ("# parti", None),                           # cut-off marker: a comment
    ('"unterminated,quote', "fields"),
])
def test_bad_row_is_skipped(plot, tmp_path, capsys, bad, why):
    p = write(tmp_path, "throughput-r.csv",
              "\n".join([HEADER, row(1000), bad, row(4000)]) + "\n")
    rows, partial = plot.read_csv(p)
    err = capsys.readouterr().err
    assert [r["num_envs"] for r in rows] == [1000.0, 4000.0] or \
        (bad.startswith('"') and [r["num_envs"] for r in rows] == [1000.0])
    assert not partial
    if why is not None:
        assert why in err, err


def test_missing_file_and_directory(tmp_path):
    res = run_plot(str(tmp_path / "nosuch.csv"))
    assert res.returncode != 0 and "no such file" in res.stderr
    res = run_plot(str(tmp_path))
    assert res.returncode != 0 and "no benchmark CSVs" in res.stderr
