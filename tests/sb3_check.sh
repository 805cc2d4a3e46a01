#!/usr/bin/env bash
# usage: tests/sb3_check.sh VENV TESTS_DIR
# tests/python/test_sb3.py with the examples' venv (examples/requirements.txt:
# stable-baselines3, PyTorch, gymnasium), where SB3 is importable.  Exit 77
# (skipped) when that venv is missing: make test never installs PyTorch.
set -u
venv=$1 tests=$2
if ! "$venv/bin/python" -c "import stable_baselines3, gymnasium, numpy, pytest" 2>/dev/null; then
  echo "python_sb3: no stable-baselines3 venv at $venv (examples/requirements.txt makes it; skipped)"
  exit 77
fi
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$tests/test_sb3.py" "$tests/test_sb3_import.py"
