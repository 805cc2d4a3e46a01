#!/usr/bin/env bash
# usage: scripts/gym-venv.sh [VENV]   (make gym-venv)
# The test venv make test runs tests/python with a second time, so that the
# Gymnasium tests (tests/python/test_gymnasium.py) meet the real gymnasium:
# Debian's Python (MYR_PYTHON, default /usr/bin/python3) with its NumPy and
# pytest (--system-site-packages) plus a pinned gymnasium and pygame from
# PyPI (pygame: Gymnasium's own rgb_array frames, which
# tests/python/test_render.py compares Myriad's frames with).
# Default VENV: tests/.venv-gym (git-ignored).  Does nothing when the venv
# already has that version; exits 1 when pip cannot install it (offline).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-tests/.venv-gym}
py=${MYR_PYTHON:-/usr/bin/python3}
version=1.4.0
pygame_version=2.6.1

have() {
  "$venv/bin/python" -c "import os, sys
os.environ['PYGAME_HIDE_SUPPORT_PROMPT'] = '1'
import gymnasium, numpy, pytest, pygame
sys.exit(gymnasium.__version__ != '$version' or
         pygame.version.ver != '$pygame_version')" 2>/dev/null
}

if [ -x "$venv/bin/python" ] && have; then
  echo "gym-venv: $venv has gymnasium $version and pygame $pygame_version"
  exit 0
fi
"$py" -m venv --system-site-packages "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
  --retries 1 --timeout 20 "gymnasium==$version" "pygame==$pygame_version"
have || { echo "gym-venv: $venv lacks gymnasium $version, pygame $pygame_version, numpy or pytest" >&2; exit 1; }
echo "gym-venv: $venv has gymnasium $version and pygame $pygame_version"
