#!/usr/bin/env bash
# usage: bench/peers/install.sh [PEER ...]
# One virtual environment per peer library, bench/.venv-<peer>, from the
# pinned bench/peers/<peer>.txt, for `myriad bench compare` (the product and
# `make test` never need them).  Each peer gets its own venv because their
# pins conflict (gymnax 1.0.1 wants gymnasium < 1.4, the JAX original pins
# jaxlib 0.7.2, EnvPool older gymnasium).  A peer that will not install is
# reported with the reason in bench/.venv-<peer>.failed and skipped by the
# comparison, never a silent gap.  Python: $PEER_PYTHON (default python3).
set -u
cd "$(dirname "$0")/../.."
py=${PEER_PYTHON:-python3}
peers=("$@")
[ ${#peers[@]} -gt 0 ] || peers=(gymnasium gymnax myriad-jax envpool gillespy2 pufferlib)
status=0
for p in "${peers[@]}"; do
  req=bench/peers/$p.txt venv=bench/.venv-$p
  [ -f "$req" ] || { echo "peers: no $req"; status=1; continue; }
  if [ -x "$venv/bin/python" ] && cmp -s "$req" "$venv/requirements.txt"; then
    echo "peers: $p: up to date ($venv)"
    continue
  fi
  rm -rf "$venv" "$venv.failed"
  echo "peers: $p: installing $(grep -v '^#' "$req" | tr '\n' ' ')"
  # --copies: a peer that resolves sys.executable (GillesPy2 runs SCons
  # that way) must land on the venv's own interpreter, not the base one
  if "$py" -m venv --copies "$venv" && "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 &&
     "$venv/bin/python" -m pip install -q -r "$req" >"$venv.log" 2>&1; then
    cp "$req" "$venv/requirements.txt"
    echo "peers: $p: ok"
  else
    { echo "pip install -r $req failed:"; tail -5 "$venv.log" 2>/dev/null; } >"$venv.failed"
    rm -rf "$venv"
    echo "peers: $p: FAILED (reason in $venv.failed):"
    sed 's/^/    /' "$venv.failed"
  fi
done
exit $status
