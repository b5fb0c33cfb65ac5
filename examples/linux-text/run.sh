#!/usr/bin/env bash
# The line, block, augeas, sysctl and service types on a sandbox root: test (drift and diffs shown) -> apply ->
# test (compliant). Usage: examples/linux-text/run.sh [PLUMB_BINARY]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plumb=${1:-$here/../../build/plumb}
out=${EXAMPLE_OUT:-/tmp/plumb-linux-text}
"$here/prepare-sandbox.sh" "$out/root"
common=(--root "$out/root" --state-dir "$out/state")

step() { printf '\n$ %s\n' "$*"; }

step plumb test
"$plumb" test "$here/policies" "${common[@]}"
rc=$?; echo "exit code $rc (4 = drift found, nothing changed)"; [ $rc -eq 4 ] || exit 1

step plumb apply
"$plumb" apply "$here/policies" "${common[@]}"
rc=$?; echo "exit code $rc (5 = changed)"; [ $rc -eq 5 ] || exit 1

step plumb test
"$plumb" test "$here/policies" "${common[@]}"
rc=$?; echo "exit code $rc (0 = compliant)"; [ $rc -eq 0 ] || exit 1

step cat /etc/hosts /etc/ssh/sshd_config /etc/fstab
cat "$out/root/etc/hosts"; echo; cat -A "$out/root/etc/ssh/sshd_config"; echo; cat "$out/root/etc/fstab"

step ls /etc/systemd/system
(cd "$out/root" && find etc/systemd/system -type l -printf '%p -> %l\n' | sort)
