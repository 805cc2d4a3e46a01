#!/usr/bin/env bash
# usage: scripts/gpu-wheels.sh [DIR]
# Download gymnax and the pure-Python packages it imports, as wheels for a
# CPython 3.12 Linux machine (the GPU machine has JAX with CUDA but no
# network), into DIR (default bench/out/gpu-wheels, git-ignored).  Pass DIR
# as GPU_WHEELS to scripts/gpu-check.sh.  jax and jaxlib are not downloaded:
# the GPU machine's own CUDA build of JAX is used.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-bench/out/gpu-wheels}
mkdir -p "$dir"
py=${PYTHON:-python3}
for pkg in gymnax==1.0.1 chex flax gymnasium cloudpickle farama-notifications \
           msgpack optax orbax-checkpoint tensorstore toolz typing-extensions \
           etils absl-py treescope rich markdown-it-py mdurl pygments pyyaml \
           humanize nest-asyncio protobuf simplejson; do
  "$py" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
    --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 \
    --platform manylinux_2_28_x86_64 --platform any -d "$dir" "$pkg"
done
du -sh "$dir"
