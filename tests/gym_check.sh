#!/usr/bin/env bash
# usage: tests/gym_check.sh VENV TESTS_DIR
# tests/python again, with the test venv's Python (scripts/gym-venv.sh),
# where gymnasium is importable: the Gymnasium tests run instead of
# skipping.  Exit 77 (skipped) when the venv is missing or broken.
set -u
venv=$1 tests=$2
if ! "$venv/bin/python" -c "import gymnasium, numpy, pytest" 2>/dev/null; then
  echo "python_gymnasium: no gymnasium venv at $venv (make gym-venv makes it; skipped)"
  exit 77
fi
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$tests"
