#!/bin/sh
# usage: mpi_check.sh MYRIAD MPIEXEC NP
# A run sharded over NP MPI ranks (one thread each) must report the same
# episode statistics and final-state hash as one process with all envs.
# N is odd so that the shards have different sizes.  Exit 77: skipped.
set -eu
cli=$1
mpiexec=$2
np=$3
args="run --env cartpole --num-envs 10007 --steps 200 --seed 12345"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# Open MPI refuses root without these; --oversubscribe allows np > cores
extra=""
if "$mpiexec" --help 2>&1 | grep -q -- --allow-run-as-root; then
  [ "$(id -u)" = 0 ] && extra="--allow-run-as-root"
  extra="$extra --oversubscribe"
fi

"$cli" $args --threads 2 >"$dir/one.txt"
# Open MPI's own allocations read as leaks in sanitizer builds
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
# shellcheck disable=SC2086
if ! "$mpiexec" $extra -np "$np" "$cli" $args --threads 1 >"$dir/mpi.txt" 2>"$dir/mpi.err"; then
  if grep -qi "not enough slots\|could not.*launch\|failed to start" "$dir/mpi.err"; then
    echo "mpi_check: cannot start $np ranks here; skipped"
    cat "$dir/mpi.err"
    exit 77
  fi
  echo "mpi_check: mpirun failed:"
  cat "$dir/mpi.err"
  exit 1
fi

keys='^(env|num_envs|steps|policy|seed|episodes|mean return|mean length|state hash) '
grep -E "$keys" "$dir/one.txt" >"$dir/one.keys"
grep -E "$keys" "$dir/mpi.txt" >"$dir/mpi.keys"
if [ "$(wc -l <"$dir/one.keys")" -ne 9 ]; then
  echo "mpi_check: single-process output lacks the expected lines:"
  cat "$dir/one.txt"
  exit 1
fi
if ! grep -q "^processes      $np " "$dir/mpi.txt"; then
  echo "mpi_check: the run did not report $np processes:"
  cat "$dir/mpi.txt"
  exit 1
fi
if ! diff "$dir/one.keys" "$dir/mpi.keys"; then
  echo "mpi_check: $np ranks differ from one process (diff above)"
  exit 1
fi
echo "mpi_check: $np ranks == 1 process:"
cat "$dir/mpi.keys"
