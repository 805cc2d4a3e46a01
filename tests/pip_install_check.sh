#!/usr/bin/env bash
# usage: tests/pip_install_check.sh   (make pip-check; .ci/run runs it)
# The README's install command in a fresh venv: `pip install ./python` with
# python3 from PATH (PIP_CHECK_PYTHON to choose another, >= 3.10), away
# from the source tree: import myriad from the venv, a 10-step CartPole,
# the `myriad` console command, then gymnasium's registry (Myriad/...).
# Skipped (exit 0 with a message) when that Python is missing or too old,
# or pip cannot reach the package index.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
py=${PIP_CHECK_PYTHON:-python3}
say() { echo "pip-check: $*"; }

command -v "$py" >/dev/null || { say "$py not found (skipped)"; exit 0; }
"$py" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
  { say "$py is older than 3.10 (skipped)"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/myriad-pip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$py" -m venv "$tmp/venv"
pip=("$tmp/venv/bin/python" -m pip --disable-pip-version-check)
if ! "${pip[@]}" download -q --no-deps --retries 1 --timeout 20 \
     -d "$tmp/probe" scikit-build-core >/dev/null 2>&1; then
  say "the package index is not reachable (skipped)"
  exit 0
fi
say "$("$tmp/venv/bin/python" --version) in a fresh venv: pip install ./python"
start=$SECONDS
"${pip[@]}" install -q "$root/python"
say "installed in $((SECONDS - start)) s"

cd "$tmp"
unset MYRIAD_LIB PYTHONPATH
"$tmp/venv/bin/python" - <<'PY'
import os, sys
import numpy as np
import myriad
here = os.path.dirname(myriad.__file__)
assert here.startswith(sys.prefix), here            # the installed package
assert myriad.lib_path == os.path.join(here, "libmyriad.so"), myriad.lib_path
env = myriad.make("cartpole", 16, seed=0)
obs, info = env.reset(seed=0)
for _ in range(10):
    obs, rew, term, trunc, info = env.step(env.action_space.sample())
assert obs.shape == (16, 4) and np.all(rew == 1.0), rew
print("pip-check: 10 CartPole steps from", myriad.lib_path)
PY
"$tmp/venv/bin/myriad" envs >"$tmp/envs.txt"
grep -q '^cartpole-v1' "$tmp/envs.txt" || { cat "$tmp/envs.txt"; exit 1; }
"$tmp/venv/bin/myriad" version >"$tmp/version.txt"
say "\`myriad version\`: $(head -1 "$tmp/version.txt")"

"${pip[@]}" install -q 'gymnasium>=1.1,<2'
"$tmp/venv/bin/python" - <<'PY'
import gymnasium as gym
import myriad
envs = gym.make_vec("Myriad/CartPole-v1", num_envs=8,
                    vectorization_mode="vector_entry_point")
assert isinstance(envs, gym.vector.VectorEnv) and isinstance(envs, myriad.VectorEnv)
envs.reset(seed=0)
envs.step(envs.action_space.sample())
print("pip-check: gymnasium %s sees %d Myriad/ envs" %
      (gym.__version__, len(myriad.GYMNASIUM_IDS)))
PY
say "passed in $((SECONDS - start)) s"
