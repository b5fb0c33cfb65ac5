#!/usr/bin/env bash
# Prints how long `plumb.exe test` of the whole Windows policy library takes under Wine once Wine is
# warm: wall time per run (Wine process start included) and plumb's own run time, median of 5.
# Usage: bench/wine-library.sh PLUMB_EXE (WINEPREFIX set to a booted prefix).
set -euo pipefail
exe=$1
here=$(cd "$(dirname "$0")/.." && pwd)
# The policy repository must pass StrictModes. Wine shows a Unix folder that others may write
# (/tmp, where a clone may live; Wine knows no sticky bit) as granting Everyone full control, so
# the policies are copied to the prefix's C: drive, where they would sit on a Windows node.
mkdir -p "$WINEPREFIX/drive_c/plumb-src/tests"
cp -r "$here/policies" "$WINEPREFIX/drive_c/plumb-src/"
cp -r "$here/tests/data" "$WINEPREFIX/drive_c/plumb-src/tests/"
src='C:/plumb-src'
printf 'product_type = "server"\n' > "$WINEPREFIX/drive_c/bench-server.toml"
run() { wine "$exe" test "$src/policies/windows" --facts 'C:\bench-server.toml' --state-dir 'C:\bench-state' 2>&1 | tr -d '\r'; }
# Warm: a Wine process that lives through the runs keeps wineserver and Wine's services up between
# them, as they are on a real Windows host.
wine cmd /c "ping -n 600 127.0.0.1 >nul" >/dev/null 2>&1 </dev/null &
keeper=$!
trap 'kill $keeper 2>/dev/null || true' EXIT
sleep 2
run >/dev/null || true  # and the policy snapshot
walls=() engines=()
for _ in 1 2 3 4 5; do
  start=$(date +%s%N)
  out=$(run || true)
  end=$(date +%s%N)
  walls+=("$(( (end - start) / 1000000 ))")
  engines+=("$(grep -o '([0-9.]*s)' <<<"$out" | tail -1 | tr -d '()s')")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
summary=$(grep '^plumb test:' <<<"$out" | sed -E 's/ \([0-9.]+s\)$//')
printf 'plumb test, Windows policy library under Wine (%s)\n' "$summary"
printf '  wall, with Wine process start   %d ms (median of 5)\n' "$(median "${walls[@]}")"
printf '  plumb run time                  %s s (median of 5, as plumb reports it)\n' "$(median "${engines[@]}")"
