"""Where ``import myriad`` finds libmyriad.so in a checkout: the release
build, never a sanitizer or fuzz build (those abort a plain interpreter)."""
import os
import shutil
import subprocess
import sys

import myriad

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fake_checkout(tmp_path, builds):
    """A copy of python/myriad beside build folders: {name: cache_lines}."""
    shutil.copytree(os.path.join(ROOT, "python", "myriad"),
                    tmp_path / "python" / "myriad",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    real = os.path.realpath(myriad.lib_path)
    for k, (name, cache) in enumerate(builds.items()):
        d = tmp_path / name
        d.mkdir()
        shutil.copy(real, d / "libmyriad.so")
        (d / "CMakeCache.txt").write_text("".join(l + "\n" for l in cache))
        t = 1_000_000_000 + 1000 * k  # later entries are newer
        os.utime(d / "libmyriad.so", (t, t))


def loaded(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MYRIAD_LIB"}
    env["PYTHONPATH"] = str(tmp_path / "python")
    return subprocess.run(
        [sys.executable, "-c", "import myriad; myriad.make('cartpole', 8); "
         "print(myriad._lib.lib_path)"],
        env=env, capture_output=True, text=True, cwd=str(tmp_path))


def test_release_build_wins_over_newer_sanitizer_builds(tmp_path):
    fake_checkout(tmp_path, {
        "build": ["MYR_SANITIZE:STRING=", "MYR_FUZZ:BOOL=OFF"],
        "build-asan": ["MYR_SANITIZE:STRING=address,undefined"],
        "build-tsan": ["MYR_SANITIZE:STRING=thread"],
        "build-fuzz": ["MYR_SANITIZE:STRING=", "MYR_FUZZ:BOOL=ON"],
    })
    r = loaded(tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(tmp_path / "build" / "libmyriad.so")


def test_only_sanitizer_builds_is_a_clear_import_error(tmp_path):
    fake_checkout(tmp_path, {
        "build-asan": ["MYR_SANITIZE:STRING=address,undefined"],
        "build-fuzz": ["MYR_FUZZ:BOOL=ON"],
    })
    r = loaded(tmp_path)
    assert r.returncode != 0
    assert "libmyriad.so not found" in r.stderr
    assert "build-asan" not in r.stdout


def test_other_plain_build_is_used(tmp_path):
    fake_checkout(tmp_path, {"build-release": ["MYR_SANITIZE:STRING="]})
    r = loaded(tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(tmp_path / "build-release" / "libmyriad.so")
