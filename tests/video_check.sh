#!/usr/bin/env bash
# usage: tests/video_check.sh VENV TESTS_DIR
# tests/python/test_record_video.py with the video test venv's Python
# (scripts/video-venv.sh), where gymnasium and moviepy are importable.
# Exit 77 (skipped) when the venv is missing or broken.
set -u
venv=$1 tests=$2
if ! "$venv/bin/python" -c "import gymnasium, moviepy, imageio_ffmpeg, numpy, pytest" 2>/dev/null; then
  echo "python_video: no video venv at $venv (make video-venv makes it; skipped)"
  exit 77
fi
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$tests/test_record_video.py"
