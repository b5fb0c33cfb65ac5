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
expect 0 "plumb validate: 7 policies, 14 resources, no errors"
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

# LanmanServer share -> own through the real SCM; the reboot goes to the file-backed fake system.
lanman="Z:$here/tests/data/windows-lanman"
mkdir -p "$WINEPREFIX/drive_c/fake"
run test "$lanman" --state-dir "$state"
expect 1 "drifted  lanmanserver-own-process/lanmanserver     service_type: expected 'own', actual 'share'"
expect 1 "failed   lanmanserver-own-process/no-such-service  service 'PlumbNoSuchService' does not exist"
export PLUMB_FAKE_SYSTEM='C:\fake'
run apply "$lanman" --state-dir "$state"
unset PLUMB_FAKE_SYSTEM
expect 1 "                                                          takes effect after a reboot: changed 'service_type'"
expect 1 "plumb apply: 2 resources: 1 pending reboot, 1 failed (T)"
[ -f "$WINEPREFIX/drive_c/fake/scheduled" ] || { echo "FAIL: no reboot scheduled"; fail=1; }
reg=$(wine reg query 'HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer' /v Type 2>/dev/null | tr -d '\r')
grep -q "Type    REG_DWORD    0x10" <<<"$reg" || { echo "FAIL: registry Type is not 0x10: $reg"; fail=1; }
[ $fail -eq 0 ] && echo "plumb.exe end-to-end checks under Wine: all passed"
exit $fail
