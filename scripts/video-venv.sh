#!/usr/bin/env bash
# usage: scripts/video-venv.sh [VENV]   (make video-venv)
# The test venv of tests/python/test_record_video.py: Gymnasium's vector
# RecordVideo writes its videos with moviepy, which needs a newer NumPy than
# Debian's, so this venv has its own packages (no --system-site-packages):
# Debian's Python (MYR_PYTHON, default /usr/bin/python3) with a pinned
# gymnasium, numpy, moviepy and pytest from PyPI.
# Default VENV: tests/.venv-video (git-ignored).  Does nothing when the venv
# already has those versions; exits 1 when pip cannot install them (offline).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-tests/.venv-video}
py=${MYR_PYTHON:-/usr/bin/python3}
gym_version=1.4.0
numpy_version=2.4.6
moviepy_version=2.2.1
pytest_version=9.2.0

have() {
  # versions from the installed metadata (moviepy 2.2.1 says 2.1.2 in
  # moviepy.__version__)
  "$venv/bin/python" -c "import sys
from importlib.metadata import version
import gymnasium, numpy, pytest, moviepy, imageio_ffmpeg
sys.exit(version('gymnasium') != '$gym_version' or
         version('numpy') != '$numpy_version' or
         version('moviepy') != '$moviepy_version' or
         version('pytest') != '$pytest_version')" 2>/dev/null
}

if [ -x "$venv/bin/python" ] && have; then
  echo "video-venv: $venv has gymnasium $gym_version and moviepy $moviepy_version"
  exit 0
fi
"$py" -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
  --retries 1 --timeout 20 "gymnasium==$gym_version" "numpy==$numpy_version" \
  "moviepy==$moviepy_version" "pytest==$pytest_version"
have || { echo "video-venv: $venv lacks gymnasium $gym_version, numpy $numpy_version, moviepy $moviepy_version or pytest $pytest_version" >&2; exit 1; }
echo "video-venv: $venv has gymnasium $gym_version and moviepy $moviepy_version"
