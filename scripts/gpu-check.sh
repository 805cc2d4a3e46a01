#!/usr/bin/env bash
# usage: scripts/gpu-check.sh [OUTDIR]
# On a machine with a CUDA GPU, in one run of at most a few minutes:
#  1. build with CUDA for the device's architecture in a fresh build folder;
#  2. run the CUDA tests (CPU vs GPU agreement; a skip counts as a failure);
#  3. the same CartPole and gene-circuit runs on both backends: the gene
#     circuit's lines must be identical, CartPole's episodes and mean
#     length/return within 0.1 % (float32 rounding; tests/cuda states why),
#     and on each backend CartPole's mean return equal to its mean length
#     (+1 a step);
#  4. throughput sweeps of the fused rollouts (CartPole 100K, 1M, 10M, 100M
#     envs; gene circuit 100K, 1M, 10M) and device memory per env;
#  5. gymnax CartPole on the same GPU through bench/compare.py at the same N
#     (jit(vmap) step under lax.scan, compile time reported apart), when JAX
#     imports; gymnax and its pure-Python dependencies may come as wheels in
#     $GPU_WHEELS (scripts/gpu-wheels.sh downloads them).
# Each part runs even if an earlier one failed; the summary at the end names
# every part that failed and the exit status is non-zero if any did.
# Everything goes to OUTDIR (default $OUT, else bench/out/gpu) in at most
# eight files: gpu-check.log, gpu_throughput.csv, gpu_memory.csv,
# gymnax_gpu.csv.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-${OUT:-bench/out/gpu}}
build=${BUILD:-build-gpu-check}
mkdir -p "$out"
log_file="$out/gpu-check.log"
: >"$log_file"
exec > >(tee -a "$log_file") 2>&1
start=$(date +%s)
failed=()
log() { printf '[gpu-check %3ds] %s\n' $(( $(date +%s) - start )) "$*"; }
# part NAME CMD...: run one part, note a failure, carry on
part() {
  local name=$1; shift
  log "== $name"
  if ! "$@"; then
    log "FAILED: $name"
    failed+=("$name")
  fi
}

arch=${CUDA_ARCH:-}
if [ -z "$arch" ] && command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader
  arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d '. ')
fi
arch=${arch:-90}
cli="$build/myriad"

build_cuda() {
  rm -rf "$build"
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMYR_CUDA=ON -DMYR_WERROR=ON \
    -DCMAKE_CUDA_ARCHITECTURES="$arch" | grep 'myriad:' &&
  cmake --build "$build" -j "$(nproc)" >"$build.log" 2>&1 || { tail -40 "$build.log"; return 1; }
  "$cli" version
}

cuda_tests() {
  local t rc status=0
  for t in "$build"/cuda_test_*; do
    [ -x "$t" ] || { echo "no CUDA tests built"; return 1; }
    "$t"; rc=$?
    if [ "$rc" -ne 0 ]; then echo "$(basename "$t") exit $rc"; status=1; fi
  done
  return $status
}

# value KEY FILE: the first number on the line of `myriad run` that starts with KEY
value() { grep -E "^$1" "$2" | head -1 | grep -oE '[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?' | head -1; }

cartpole_both() {
  local a="run --env cartpole --num-envs 1000000 --steps 500 --seed 1"
  "$cli" $a --backend cpu | tee "$build/run_cpu.txt" &&
  "$cli" $a --backend cuda | tee "$build/run_cuda.txt" || return 1
  local key c g ok=0
  for key in 'episodes' 'mean return' 'mean length'; do
    c=$(value "$key" "$build/run_cpu.txt"); g=$(value "$key" "$build/run_cuda.txt")
    if awk -v c="$c" -v g="$g" 'BEGIN { d = c - g; if (d < 0) d = -d; exit !(c > 0 && d <= 1e-3 * c) }'; then
      echo "cartpole $key: cpu $c gpu $g (within 0.1 %)"
    else
      echo "cartpole $key: cpu $c gpu $g: NOT within 0.1 %"; ok=1
    fi
  done
  for key in cpu cuda; do
    c=$(value 'mean return' "$build/run_$key.txt"); g=$(value 'mean length' "$build/run_$key.txt")
    if [ -n "$c" ] && [ "$c" = "$g" ]; then
      echo "cartpole $key: mean return = mean length ($c)"
    else
      echo "cartpole $key: mean return $c != mean length $g"; ok=1
    fi
  done
  return $ok
}

gene_both() {
  local a="run --env gene-circuit --num-envs 1000000 --steps 300 --seed 3"
  "$cli" $a --backend cpu | tee "$build/run_gc_cpu.txt" &&
  "$cli" $a --backend cuda | tee "$build/run_gc_cuda.txt" || return 1
  local keys='^(episodes|mean return|reactions|cap hits|mean |var |state hash)'
  diff <(grep -E "$keys" "$build/run_gc_cpu.txt") <(grep -E "$keys" "$build/run_gc_cuda.txt") &&
    echo "gene circuit: identical lines on cpu and cuda"
}

csv="$out/gpu_throughput.csv"
sweep() { # ENV N:STEPS...
  local env=$1 spec n steps part_csv; shift
  for spec in "$@"; do
    n=${spec%%:*}; steps=${spec##*:}; part_csv="$build/part_${env}_$n.csv"
    "$cli" bench throughput --backend cuda --env "$env" --num-envs "$n" \
      --steps "$steps" --runs 5 --warmup 1 --csv "$part_csv" || return 1
    if [ -s "$csv" ]; then tail -n +2 "$part_csv" >>"$csv"; else cp "$part_csv" "$csv"; fi
  done
}

memory() {
  "$cli" bench memory --backend cuda --profile envs --env cartpole --out "$build/mem" &&
    cp "$(ls -t "$build"/mem/memory-*.csv | head -1)" "$out/gpu_memory.csv"
}

gymnax() {
  local py=${PYTHON:-python3} n steps spec
  if [ -n "${GPU_WHEELS:-}" ] && [ -d "$GPU_WHEELS" ]; then
    "$py" -m pip install -q --no-index --no-deps --target "$build/pylib" \
      "$GPU_WHEELS"/*.whl || return 1
    export PYTHONPATH="$build/pylib${PYTHONPATH:+:$PYTHONPATH}"
  fi
  "$py" -c 'import jax, gymnax; print("jax", jax.__version__, jax.devices())' || return 1
  rm -f "$out/gymnax_gpu.csv"
  for spec in 100000:1000 1000000:500 10000000:100; do
    n=${spec%%:*}; steps=${spec##*:}
    MYRIAD_LIB="$build/libmyriad.so" "$py" bench/compare.py --only gymnax \
      --num-envs "$n" --steps "$steps" --runs 5 --warmup 1 --no-plot \
      --csv "$build/gymnax_$n.csv" || return 1
    if [ -s "$out/gymnax_gpu.csv" ]; then tail -n +2 "$build/gymnax_$n.csv" >>"$out/gymnax_gpu.csv"
    else cp "$build/gymnax_$n.csv" "$out/gymnax_gpu.csv"; fi
  done
}

part "build (CUDA, sm_$arch)" build_cuda
if [ -x "$cli" ]; then
  part "CUDA tests (a skip is a failure here)" cuda_tests
  part "CartPole on both backends" cartpole_both
  part "gene circuit on both backends" gene_both
  rm -f "$csv"
  part "CartPole throughput sweep" sweep cartpole 100000:2000 1000000:1000 10000000:500 100000000:200
  part "gene-circuit throughput sweep" sweep gene-circuit 100000:288 1000000:288 10000000:100
  part "device memory per env" memory
fi
part "gymnax CartPole on the same GPU" gymnax
[ -f "$csv" ] && cat "$csv"
if [ ${#failed[@]} -eq 0 ]; then
  log "done: every part passed"
  exit 0
fi
log "done: ${#failed[@]} part(s) failed: ${failed[*]}"
exit 1
