#!/usr/bin/env bash
# usage: tests/memlimit_check.sh MYRIAD_CLI
# The pre-allocation check uses the memory the process may really get: a
# batch larger than the address-space limit (ulimit -v), or than a memory
# cgroup's limit, is refused with a message naming that limit (exit 1),
# never OOM-killed without one.  The cgroup part needs a writable cgroup
# hierarchy (root); where there is none it says so and only the ulimit
# part runs.
set -u
cli=$1
fail=0
expect() { # NAME WANT OUTPUT RC
  if [ "$4" -eq 1 ] && printf '%s' "$3" | grep -q "$2"; then
    echo "memlimit_check: $1: refused ($(printf '%s' "$3" | head -1))"
  else
    echo "memlimit_check: $1: exit $4, expected 1 with '$2': $3"; fail=1
  fi
}
# 1. address space: 2 GiB, a 3.9 GiB batch
out=$( (ulimit -v 2000000; exec "$cli" run --num-envs 200000000 --steps 1) 2>&1); rc=$?
expect "ulimit -v" "address-space limit" "$out" $rc
# 2. a memory cgroup of 1 GiB (v2, else v1), a 2 GiB batch
made=""
group=$(awk -F: '$2 == "" && $1 == "0" { print $3 }' /proc/self/cgroup)
v1=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
for try in v2 v1; do
  if [ $try = v2 ] && [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    base=/sys/fs/cgroup$group; lim=memory.max
  elif [ $try = v1 ] && [ -n "$v1" ] && [ -d /sys/fs/cgroup/memory ]; then
    base=/sys/fs/cgroup/memory$v1; [ -d "$base" ] || base=/sys/fs/cgroup/memory; lim=memory.limit_in_bytes
  else
    continue
  fi
  d="$base/myriad-memlimit-$$"
  if mkdir "$d" 2>/dev/null && echo 1073741824 >"$d/$lim" 2>/dev/null; then made=$d; break; fi
  rmdir "$d" 2>/dev/null
done
if [ -z "$made" ]; then
  echo "memlimit_check: no writable memory cgroup here: cgroup part not run"
else
  out=$(bash -c 'echo $$ > "$1/cgroup.procs" && exec "$2" run --num-envs 100000000 --steps 1' _ "$made" "$cli" 2>&1); rc=$?
  rmdir "$made" 2>/dev/null
  expect "memory cgroup" "memory cgroup" "$out" $rc
fi
exit $fail
