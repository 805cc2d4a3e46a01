#!/usr/bin/env bash
# usage: scripts/gpu-check.sh [OUTDIR]
# On a machine with a CUDA GPU: build with CUDA in a fresh build directory,
# run the CUDA tests (CPU vs GPU agreement; a skip counts as a failure
# here), then a short GPU throughput sweep of the fused CartPole rollout at
# 100K, 1M, 10M and 100M envs and of the gene circuit at 1M and 10M envs
# (target on an H200: >= 1 G env-steps/s).  The CSV goes to OUTDIR (default $OUT, else
# bench/results/gpu).  Takes a few minutes; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-${OUT:-bench/results/gpu}}
build=${BUILD:-build-gpu-check}
mkdir -p "$out"
start=$(date +%s)
log() { printf '[gpu-check %3ds] %s\n' $(( $(date +%s) - start )) "$*"; }

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"

log "configure and build ($build, CUDA on)"
rm -rf "$build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMYR_CUDA=ON -DMYR_WERROR=ON >"$out/cmake.log"
grep 'myriad:' "$out/cmake.log"
cmake --build "$build" -j "$(nproc)" >"$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
cli="$build/myriad"
"$cli" version

log "CUDA tests (a skip is a failure here)"
status=0
for t in "$build"/cuda_test_*; do
  [ -x "$t" ] || continue
  set +e
  "$t" 2>&1 | tee -a "$out/cuda_tests.log"
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" -ne 0 ]; then
    log "FAILED: $(basename "$t") exit $rc"
    status=1
  fi
done

log "the same run on both backends"
"$cli" run --env cartpole --num-envs 1000000 --steps 500 --seed 1 --backend cpu | tee "$out/run_cpu.txt"
"$cli" run --env cartpole --num-envs 1000000 --steps 500 --seed 1 --backend cuda | tee "$out/run_cuda.txt"

log "the same gene-circuit run on both backends (identical lines expected)"
gc="run --env gene-circuit --num-envs 1000000 --steps 300 --seed 3"
"$cli" $gc --backend cpu | tee "$out/run_gc_cpu.txt"
"$cli" $gc --backend cuda | tee "$out/run_gc_cuda.txt"
keys='^(episodes|mean return|reactions|cap hits|mean |var |state hash)'
if ! diff <(grep -E "$keys" "$out/run_gc_cpu.txt") <(grep -E "$keys" "$out/run_gc_cuda.txt"); then
  log "FAILED: gene circuit differs between cpu and cuda (diff above)"
  status=1
fi

log "throughput sweep (fused CartPole rollout, random policy)"
csv="$out/gpu_throughput.csv"
rm -f "$csv"
for spec in 100000:2000 1000000:1000 10000000:500 100000000:200; do
  n=${spec%%:*}
  steps=${spec##*:}
  "$cli" bench throughput --backend cuda --env cartpole --num-envs "$n" \
    --steps "$steps" --runs 5 --warmup 1 --csv "$out/part_$n.csv"
  if [ -f "$csv" ]; then tail -n +2 "$out/part_$n.csv" >>"$csv"; else cp "$out/part_$n.csv" "$csv"; fi
  rm -f "$out/part_$n.csv"
done
log "throughput sweep (fused gene-circuit rollout, random policy)"
for spec in 1000000:288 10000000:100; do
  n=${spec%%:*}
  steps=${spec##*:}
  "$cli" bench throughput --backend cuda --env gene-circuit --num-envs "$n" \
    --steps "$steps" --runs 5 --warmup 1 --csv "$out/part_gc_$n.csv"
  tail -n +2 "$out/part_gc_$n.csv" >>"$csv"
  rm -f "$out/part_gc_$n.csv"
done
log "device memory per env (bench memory --profile envs)"
"$cli" bench memory --backend cuda --profile envs --env cartpole --out "$out" || status=1
log "CSV: $csv"
cat "$csv"
log "done (status $status)"
exit $status
