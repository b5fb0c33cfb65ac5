#!/usr/bin/env bash
# The quickstart: test (drift shown) -> apply -> test (compliant) on a sandbox root.
# Usage: examples/quickstart/run.sh [PLUMB_BINARY]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plumb=${1:-$here/../../build/plumb}
out=${QUICKSTART_OUT:-/tmp/plumb-quickstart}
"$here/prepare-sandbox.sh" "$out/root"
mkdir -p "$out/reports"
common=(--root "$out/root" --state-dir "$out/state")

step() { printf '\n$ %s\n' "$*"; }

step plumb test
"$plumb" test "$here/policies" "${common[@]}" --json "$out/reports/test-before.json" --junit "$out/reports/test-before.xml"
rc=$?; echo "exit code $rc (4 = drift found)"; [ $rc -eq 4 ] || exit 1

step plumb apply --dry-run
"$plumb" apply --dry-run "$here/policies" "${common[@]}"
rc=$?; echo "exit code $rc (4 = drift found, nothing changed)"; [ $rc -eq 4 ] || exit 1

step plumb apply
"$plumb" apply "$here/policies" "${common[@]}" --json "$out/reports/apply.json" --junit "$out/reports/apply.xml"
rc=$?; echo "exit code $rc (4 = changed, audit-mode drift remains)"; [ $rc -eq 4 ] || exit 1

step plumb test
"$plumb" test "$here/policies" "${common[@]}" --json "$out/reports/test-after.json" --junit "$out/reports/test-after.xml"
rc=$?; echo "exit code $rc (4 = only the audit-mode sshd setting still drifts)"; [ $rc -eq 4 ] || exit 1

printf '\nReports: %s\n' "$out/reports"
