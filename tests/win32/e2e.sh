#!/usr/bin/env bash
# End-to-end checks of plumb.exe under Wine: exit codes and messages verbatim, a real file and a
# real cmd.exe command. Usage: tests/win32/e2e.sh PLUMB_EXE (WINEPREFIX set to a fresh prefix).
set -uo pipefail
exe=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
fail=0
# Output without CRs, with run times as "(T)"; the exit code in rc.
run() {
  out=$(wine "$exe" "$@" 2>&1; echo "rc=$?")
  rc=$(tail -1 <<<"$out" | tr -dc 0-9)
  out=$(sed '$d' <<<"$out" | tr -d '\r' | sed -E 's/\([0-9]+\.[0-9]+s\)/(T)/')
}
expect() {  # expect RC TEXT: the last run's exit code and a line of its output
  if [ "$rc" -ne "$1" ]; then echo "FAIL: plumb.exe exited $rc, expected $1"; echo "$out"; fail=1; fi
  if [ -n "${2:-}" ] && ! grep -qxF -- "$2" <<<"$out"; then echo "FAIL: missing line: $2"; echo "$out"; fail=1; fi
}
policies="Z:$here/tests/data/windows-smoke"
state='C:\plumb-state'
mkdir -p "$WINEPREFIX/drive_c/plumb-smoke"

run validate "Z:$here/policies"
expect 0 "plumb validate: 2 policies, 8 resources, no errors"
run facts
expect 0 "os = 'windows'"
run test "$policies" --state-dir "$state"
expect 4 "drifted  smoke/marker  ensure: expected 'present', actual 'absent'"
[ -z "$(grep -F 'smoke/check' <<<"$out")" ] && { echo "FAIL: check not reported"; fail=1; }
run apply "$policies" --state-dir "$state"
expect 5 "plumb apply: 2 resources: 1 compliant, 1 changed (T)"
run apply "$policies" --state-dir "$state"
expect 0
run test "$policies" --state-dir "$state"
expect 0
[ "$(cat "$WINEPREFIX/drive_c/plumb-smoke/marker.txt")" = "hello from plumb" ] || { echo "FAIL: marker content"; fail=1; }
run test 'Z:/nonexistent/policies' --state-dir "$state"
expect 3 "Z:/nonexistent/policies: policy path does not exist"
run bogus
expect 2 "plumb: error: unknown command 'bogus'"
[ $fail -eq 0 ] && echo "plumb.exe end-to-end checks under Wine: all passed"
exit $fail
