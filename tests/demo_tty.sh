#!/usr/bin/env bash
# usage: tests/demo_tty.sh MYRIAD_CLI
# The demo on an 80-column terminal (tmux): the progress line is redrawn in
# place, never wraps, and the summary follows.  Exit 77 (skipped) without
# tmux.
set -u
cli=$1
command -v tmux >/dev/null || { echo "demo_tty: tmux not found (skipped)"; exit 77; }
sock="myriad-demo-tty-$$"
out=$(mktemp -d "${TMPDIR:-/tmp}/myriad-demo-tty.XXXXXX")
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$out"' EXIT
tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 \
  "$cli demo --num-envs 20000 --steps 200000 --threads 2; echo DEMO-EXIT=\$?; sleep 60"
fail=0 seen=0
for i in $(seq 1 900); do
  sleep 0.1
  # -J joins wrapped rows back into one line: a line over 79 columns wrapped
  tmux -L "$sock" capture-pane -p -J >"$out/pane" 2>/dev/null || break
  n=$(grep -c 'ETA' "$out/pane")
  long=$(awk 'length($0) > 79' "$out/pane" | head -1)
  if [ "$n" -gt 1 ]; then echo "demo_tty: $n progress lines on screen (not redrawn in place):"; cat "$out/pane"; fail=1; break; fi
  if [ -n "$long" ]; then echo "demo_tty: a line wider than 79 columns: '$long'"; fail=1; break; fi
  [ "$n" -eq 1 ] && seen=$((seen + 1))
  grep -q 'DEMO-EXIT=' "$out/pane" && break
done
if ! grep -q 'DEMO-EXIT=0' "$out/pane"; then echo "demo_tty: the demo did not finish with exit 0:"; cat "$out/pane"; fail=1; fi
grep -q 'summary' "$out/pane" || { echo "demo_tty: no summary"; fail=1; }
[ "$seen" -ge 3 ] || { echo "demo_tty: the progress line was seen only $seen times"; fail=1; }
[ $fail -eq 0 ] && echo "demo_tty: one progress line redrawn in place at 80 columns ($seen captures)"
exit $fail
