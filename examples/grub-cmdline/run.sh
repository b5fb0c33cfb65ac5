#!/usr/bin/env bash
# A kernel command line change that needs a reboot, end to end on a sandbox root: apply arms the
# reboot barrier and schedules the reboot in Saturday's window; the scheduled task reboots; the
# boot-time task resumes and checks the running kernel. Rebooting is simulated: the example runs
# plumb against its file-backed fake system (PLUMB_FAKE_SYSTEM), which records the reboot instead
# of doing it.
# Usage: examples/grub-cmdline/run.sh [PLUMB_BINARY]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plumb=${1:-$here/../../build/plumb}
out=${GRUB_EXAMPLE_OUT:-/tmp/plumb-grub-example}
"$here/prepare-sandbox.sh" "$out/root"
rm -rf "$out/state" "$out/fake" && mkdir -p "$out/fake"
export PLUMB_FAKE_SYSTEM=$out/fake
echo 1795604400 > "$out/fake/now"   # Wednesday 2026-11-25 11:00 UTC
echo fake-boot-1 > "$out/fake/boot_id"
common=(--root "$out/root" --state-dir "$out/state")

step() { printf '\n$ %s\n' "$*"; }
expect() { echo "exit code $1 ($2)"; [ "$1" -eq "$3" ] || exit 1; }

step plumb test
"$plumb" test "$here/policies" "${common[@]}"
expect $? "4 = drift found" 4

step plumb apply
"$plumb" apply "$here/policies" "${common[@]}"
expect $? "8 = changed; the rest waits for the scheduled reboot" 8

step plumb status
"$plumb" status "$here/policies" --state-dir "$out/state"

step "# Saturday 02:00: the timer runs plumb reboot --execute"
echo 1795831200 > "$out/fake/now"
"$plumb" reboot --execute "$here/policies" --state-dir "$out/state"
expect $? "0 = rebooting" 0
"$here/simulate-reboot.sh" "$out/root" "$out/fake"

step "# after the boot: plumb apply --resume"
"$plumb" apply --resume "$here/policies" "${common[@]}" --all
expect $? "0 = compliant" 0
