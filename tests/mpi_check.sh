#!/bin/sh
# usage: mpi_check.sh MYRIAD MPIEXEC NP
# A run sharded over NP MPI ranks (one thread each) must report the same
# episode statistics and final-state hash as one process with all envs, for
# CartPole, the gene circuit and reaction networks (whose reactions, cap hits and mean and
# variance of H, F, H_end, F_end are reduced over the ranks).
# N is odd so that the shards have different sizes.  Exit 77: skipped.
set -eu
cli=$1
mpiexec=$2
np=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# Open MPI refuses root without these; --oversubscribe allows np > cores
extra=""
if "$mpiexec" --help 2>&1 | grep -q -- --allow-run-as-root; then
  [ "$(id -u)" = 0 ] && extra="--allow-run-as-root"
  extra="$extra --oversubscribe"
fi

# check_case NAME LINES ARGS...: LINES report lines must match
check_case() {
  name=$1
  lines=$2
  shift 2
  "$cli" "$@" --threads 2 >"$dir/one.txt"
  # Open MPI's own allocations read as leaks in sanitizer builds
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  export ASAN_OPTIONS
  # shellcheck disable=SC2086
  if ! "$mpiexec" $extra -np "$np" "$cli" "$@" --threads 1 >"$dir/mpi.txt" 2>"$dir/mpi.err"; then
    if grep -qi "not enough slots\|could not.*launch\|failed to start" "$dir/mpi.err"; then
      echo "mpi_check: cannot start $np ranks here; skipped"
      cat "$dir/mpi.err"
      exit 77
    fi
    echo "mpi_check: mpirun failed:"
    cat "$dir/mpi.err"
    exit 1
  fi

  # gene circuits add reactions, cap hits and the population moments
  keys='^(env|num_envs|steps|policy|seed|episodes|mean return|mean length|reactions|cap hits|mean H|var H|mean F|var F|state hash) '
  grep -E "$keys" "$dir/one.txt" >"$dir/one.keys"
  grep -E "$keys" "$dir/mpi.txt" >"$dir/mpi.keys"
  if [ "$(wc -l <"$dir/one.keys")" -ne "$lines" ]; then
    echo "mpi_check: $name: single-process output lacks the expected lines:"
    cat "$dir/one.txt"
    exit 1
  fi
  if ! grep -q "^processes      $np " "$dir/mpi.txt"; then
    echo "mpi_check: $name: the run did not report $np processes:"
    cat "$dir/mpi.txt"
    exit 1
  fi
  if ! diff "$dir/one.keys" "$dir/mpi.keys"; then
    echo "mpi_check: $name: $np ranks differ from one process (diff above)"
    exit 1
  fi
  echo "mpi_check: $name: $np ranks == 1 process:"
  cat "$dir/mpi.keys"
}

check_case cartpole 9 run --env cartpole --num-envs 10007 --steps 200 --seed 12345
# episodes end at step 40, so the H_end/F_end moments are not all zero
check_case gene-circuit 19 run --env gene-circuit --num-envs 10007 --steps 50 \
  --param max_steps=40
# the reaction-network env: its built-in model, and the shipped SBML
# CcaS-CcaR model where SBML support is built in
check_case reaction-network 11 run --env reaction-network --num-envs 10007 --steps 60
if "$cli" run --env ccasr --num-envs 1 --steps 1 >/dev/null 2>&1; then
  check_case sbml-ccasr 19 run --env ccasr --num-envs 10007 --steps 50 \
    --param max_steps=40
  # a model given only by file (no special case in the code)
  check_case sbml-dimer 11 run --model "$(dirname "$0")/data/sbml/dimer.xml" \
    --num-envs 10007 --steps 40
fi
# returns past int64 in 2^-10 units (about -2e16 an episode): the 128-bit
# sums of the ranks add up to the single process's
check_case pendulum-huge-returns 9 run --env pendulum-v1 --num-envs 401 --steps 1000 \
  --param l=1e-6 --param max_speed=1e6

# a num_envs past the limit is refused before any sharding (exit 2)
set +e
# shellcheck disable=SC2086
"$mpiexec" $extra -np "$np" "$cli" run --num-envs 9000000000000000000 >"$dir/big.txt" 2>&1
rc=$?
set -e
if [ "$rc" -ne 2 ] || ! grep -q "4294967296" "$dir/big.txt"; then
  echo "mpi_check: --num-envs 9e18 under $np ranks: exit $rc, expected 2 and the limit:"
  cat "$dir/big.txt"
  exit 1
fi
echo "mpi_check: --num-envs 9e18 under $np ranks: refused with the limit"
