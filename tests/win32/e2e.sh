#!/usr/bin/env bash
# End-to-end checks of plumb.exe under Wine: exit codes and messages verbatim, a real file and a
# real cmd.exe command. Usage: tests/win32/e2e.sh PLUMB_EXE (WINEPREFIX set to a fresh prefix).
set -uo pipefail
exe=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
# The policy repository must pass StrictModes. Wine shows a Unix folder that others may write
# (/tmp, where a clone may live; Wine knows no sticky bit) as granting Everyone full control, so
# the policies are copied to the prefix's C: drive, where they would sit on a Windows node.
mkdir -p "$WINEPREFIX/drive_c/plumb-src/tests"
cp -r "$here/policies" "$WINEPREFIX/drive_c/plumb-src/"
cp -r "$here/tests/data" "$WINEPREFIX/drive_c/plumb-src/tests/"
src='C:/plumb-src'
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
policies="$src/tests/data/windows-smoke"
state='C:\plumb-state'
mkdir -p "$WINEPREFIX/drive_c/plumb-smoke"

run validate "$src/policies"
expect 0 "plumb validate: 9 policies, 24 resources, no errors"
run facts
expect 0 "os = 'windows'"
expect 0 "cpus = $(nproc)"
grep -qE "^memory_mb = [1-9][0-9]*$" <<<"$out" || { echo "FAIL: no memory_mb"; echo "$out"; fail=1; }
grep -qE "^domain_joined = (true|false)$" <<<"$out" || { echo "FAIL: no domain_joined"; echo "$out"; fail=1; }
run facts --json
expect 0
printf '%s\n' "$out" > "$WINEPREFIX/facts.json"
if ! python3 "$here/scripts/check-json-schema.py" "$here/docs/schemas/facts.schema.json" "$WINEPREFIX/facts.json"; then
  echo "FAIL: plumb.exe facts --json does not fit docs/schemas/facts.schema.json"; fail=1
fi
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
# A recorded run, read back by status and by the fleet report (simdjson, files written in pieces).
run test "$policies" --state-dir "$state" --history
expect 0
run status "$policies" --state-dir "$state"
expect 0 "drift now: none"
run report 'C:\plumb-state\reports' --csv 'C:\fleet.csv' --html 'C:\fleet.html'
expect 0 "plumb report: 1 node: 1 compliant, 0 drifted, 0 failed, 0 waiting for a reboot; 0 stale"
grep -q '^[^,]*,smoke,marker,compliant,' "$WINEPREFIX/drive_c/fleet.csv" || { echo "FAIL: fleet CSV"; cat "$WINEPREFIX/drive_c/fleet.csv"; fail=1; }
grep -q '<b>1</b>compliant</div>' "$WINEPREFIX/drive_c/fleet.html" || { echo "FAIL: fleet HTML"; fail=1; }
run test 'Z:/nonexistent/policies' --state-dir "$state"
expect 3 "Z:/nonexistent/policies: policy path does not exist"
run bogus
expect 2 "plumb: error: unknown command 'bogus'"

# LanmanServer share -> own through the real SCM; the reboot goes to the file-backed fake system.
lanman="$src/tests/data/windows-lanman"
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
# A new process sees the change; it waits for the reboot and is not drifted.
export PLUMB_FAKE_SYSTEM='C:\fake'
run test "$lanman" --state-dir "$state"
expect 1 "pending reboot  lanmanserver-own-process/lanmanserver     takes effect after a reboot: changed 'service_type'"
expect 1 "plumb test: 2 resources: 1 pending reboot, 1 failed (T)"
grep -q "drifted" <<<"$out" && { echo "FAIL: drifted after apply"; echo "$out"; fail=1; }
run reboot --execute "$lanman" --state-dir "$state"
expect 0 "plumb reboot: rebooting for lanmanserver-own-process/lanmanserver"
[ "$(wc -l < "$WINEPREFIX/drive_c/fake/reboots")" -eq 1 ] || { echo "FAIL: not rebooted exactly once"; fail=1; }
echo fake-boot-2 > "$WINEPREFIX/drive_c/fake/boot_id"
run apply --resume "$lanman" --state-dir "$state"
expect 1 "plumb apply: 2 resources: 1 compliant, 1 failed (T)"
run test "$lanman" --state-dir "$state"
expect 1 "plumb test: 2 resources: 1 compliant, 1 failed (T)"
unset PLUMB_FAKE_SYSTEM

# The whole Windows library on this (non-cluster) node, as a server: the cluster policies and the
# Hyper-V baseline (no role fact) do not apply, what Wine lacks (event log, failure actions)
# fails per resource, the rest runs.
printf 'product_type = "server"\n' > "$WINEPREFIX/drive_c/server.toml"
run test "$src/policies/windows" --facts 'C:\server.toml' --state-dir 'C:\library-state'
expect 1 "plumb test: 10 resources: 1 compliant, 1 drifted, 2 failed, 6 not applicable (T)"
expect 1 "failed   lanmanserver-crash-events/server-service-crashes     cannot read the System event log: EvtQuery failed without an error code (the event log API is not implemented here)"
expect 1 "failed   lanmanserver-recovery-actions/lanmanserver-recovery  cannot query the failure actions of service 'LanmanServer': Invalid level (124)"
# A Hyper-V cluster node: Wine has no DISM, so each feature fails on its own and says why.
printf 'product_type = "server"\nrole = "hyperv-cluster-node"\n' > "$WINEPREFIX/drive_c/hv.toml"
run test "$src/policies/windows" --facts 'C:\hv.toml' --state-dir 'C:\library-state'
expect 1
grep -qF "failed   hyperv-cluster-node-baseline/hyper-v" <<<"$out" && grep -qF "DISM is not available on this system: dismapi.dll cannot be loaded: Module not found (126)" <<<"$out" ||
  { echo "FAIL: windows.feature without DISM"; echo "$out"; fail=1; }
# Features become facts only for policies that name one; Wine has no DISM, so there are none, the
# run says why, and the policy does not apply.
mkdir -p "$WINEPREFIX/drive_c/features-policy"
printf '[policy]\nid = "hv"\n[applies_to]\nfeatures.Microsoft-Hyper-V = true\n[[resource]]\nid = "x"\ntype = "file"\npath = %s\ncontent = "x"\n' \
  "'C:\\features-x.txt'" > "$WINEPREFIX/drive_c/features-policy/hv.toml"
run test 'C:\features-policy' --state-dir 'C:\features-state'
expect 0 "plumb test: 1 resource: 1 not applicable (T)"
grep -qF "no features.* facts: DISM is not available on this system" <<<"$out" ||
  { echo "FAIL: no warning for the missing features.* facts"; echo "$out"; fail=1; }
run test "$src/tests/data/windows-cluster" --state-dir 'C:\library-state' --json 'C:\gum.json'
expect 0 "plumb test: 1 resource: 1 not applicable (T)"
grep -qF '"message": "this node is not in a running cluster (cluster service not installed)"' "$WINEPREFIX/drive_c/gum.json" ||
  { echo "FAIL: no not_applicable reason in the JSON report"; cat "$WINEPREFIX/drive_c/gum.json"; fail=1; }

# Export from the registry Wine populated, then test what was exported: compliant, value for value.
run export windows.registry 'HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer' -o 'C:\export\registry.toml'
n=$(sed -nE 's/^plumb export: ([0-9]+) resources written to C:\\export\\registry.toml$/\1/p' <<<"$out")
[ "$rc" -eq 0 ] && [ "${n:-0}" -ge 5 ] || { echo "FAIL: export of the LanmanServer key"; echo "$out"; fail=1; }
run test 'C:\export\registry.toml' --state-dir 'C:\export-state'
expect 0 "plumb test: $n resources: $n compliant (T)"

# plumb pull with the libgit2 built for Windows: a repository with SSH-signed commits (ed25519 and
# RSA, checked with libgcrypt), fetched from file:///C:/..., checked out, validated and applied; then
# a commit by a key the node does not allow is refused and the last good one stays.
repo="$WINEPREFIX/drive_c/pull-repo"
keys="$WINEPREFIX/drive_c/pull-keys"
mkdir -p "$keys" "$repo/policies"
ssh-keygen -q -t ed25519 -N '' -C admin@example.com -f "$keys/admin"
ssh-keygen -q -t rsa -b 3072 -N '' -C ops@example.com -f "$keys/ops"
ssh-keygen -q -t ed25519 -N '' -C mallory@example.com -f "$keys/mallory"
{ echo "admin@example.com $(cut -d' ' -f1,2 "$keys/admin.pub")"
  echo "ops@example.com $(cut -d' ' -f1,2 "$keys/ops.pub")"; } > "$keys/allowed_signers"
fingerprint() { ssh-keygen -lf "$keys/$1.pub" | cut -d' ' -f2; }
git_repo() { HOME="$keys" GIT_CONFIG_NOSYSTEM=1 git -C "$repo" -c user.name=Admin -c user.email=admin@example.com \
  -c gpg.format=ssh "$@"; }
commit() {  # commit SIGNER TEXT: the policy's file content becomes TEXT
  printf '[policy]\nid = "pulled"\n\n[[resource]]\nid = "marker"\ntype = "file"\npath = %s\ncontent = "%s\\n"\n' \
    "'C:\\pulled.txt'" "$2" > "$repo/policies/pulled.toml"
  git_repo add -A && git_repo -c user.signingkey="$keys/$1" commit -q -S -m "$2"
  git_repo rev-parse --short=12 HEAD
}
git init -q -b main "$repo"
mkdir -p "$WINEPREFIX/drive_c/textfile"
printf "[agent]\nstate_dir = 'C:\\\\pull-state'\nmetrics_file = 'C:\\\\textfile\\\\plumb.prom'\n\n[source]\nurl = 'file:///C:/pull-repo'\nallowed_signers = 'C:\\\\pull-keys\\\\allowed_signers'\n" \
  > "$WINEPREFIX/drive_c/pull-agent.toml"
agent='C:\pull-agent.toml'
first=$(commit admin one)
run pull --agent-config "$agent"
expect 0 "plumb pull: now at $first (main), signed by $(fingerprint admin) (admin@example.com)"
run apply --agent-config "$agent"
expect 5 "plumb apply: 2 resources: 1 compliant, 1 changed (T)"
[ "$(tr -d '\r' < "$WINEPREFIX/drive_c/pulled.txt")" = "one" ] || { echo "FAIL: the pulled policy was not applied"; fail=1; }
# The Prometheus textfile, as windows_exporter's textfile collector would read it.
metrics=$(/usr/bin/python3 "$here/tests/support/read_prometheus.py" "$WINEPREFIX/drive_c/textfile/plumb.prom" 2>&1)
grep -qxF 'plumb_last_run_exit_code{command="apply"} 5' <<<"$metrics" && grep -qE '^plumb_policy_age_seconds [0-9]+$' <<<"$metrics" ||
  { echo "FAIL: the metrics file after the apply"; echo "$metrics"; fail=1; }
second=$(commit ops two)
run apply --pull --agent-config "$agent"
expect 5
[ "$(tr -d '\r' < "$WINEPREFIX/drive_c/pulled.txt")" = "two" ] || { echo "FAIL: apply --pull did not apply the RSA-signed commit $second"; echo "$out"; fail=1; }
bad=$(commit mallory three)
run pull --agent-config "$agent"
expect 10 "plumb: error: refused: commit $bad ('three'): the key $(fingerprint mallory) is not in the allowed signers; the node keeps applying $second"
run test --agent-config "$agent"
expect 1 "plumb test: 2 resources: 1 compliant, 1 failed (T)"
grep -qF ") refused: commit $bad ('three')" <<<"$out" && grep -qF "the node applies the last good commit $second of main" <<<"$out" ||
  { echo "FAIL: the refused pull is not in the run's report"; echo "$out"; fail=1; }
[ "$(tr -d '\r' < "$WINEPREFIX/drive_c/pulled.txt")" = "two" ] || { echo "FAIL: the refused commit changed the node"; fail=1; }

# [reboot.lock] through WinHTTP: a FleetLock double (one slot) on loopback. An operator gives back
# the slot of a node that died holding it; a proxy's 502 and a server that is not there are refusals.
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 "$here/tests/support/fleetlock_server.py" "$port" 1 &
lock_server=$!
lock() {  # lock ENDPOINT ID: the double's HTTP status for that node, asked from Linux
  curl -s -o /dev/null -w '%{http_code}' -H 'fleet-lock-protocol: true' \
    -d "{\"client_params\":{\"id\":\"$2\",\"group\":\"web\"}}" "http://127.0.0.1:$port/v1/$1"
}
for _ in $(seq 50); do [ "$(lock steady-state probe)" = 200 ] && break; sleep 0.1; done
[ "$(lock pre-reboot dead-node)" = 200 ] && [ "$(lock pre-reboot other-node)" = 409 ] || { echo "FAIL: the FleetLock double"; fail=1; }
lock_repo() {
  mkdir -p "$WINEPREFIX/drive_c/lock-policy"
  printf '[reboot]\npolicy = "immediate"\n\n[reboot.lock]\nurl = "%s"\ngroup = "%s"\n%b' "$1" "$2" "${3:-}" \
    > "$WINEPREFIX/drive_c/lock-policy/plumb.toml"
  printf '[policy]\nid = "x"\n[[resource]]\nid = "x"\ntype = "file"\npath = %s\ncontent = "x"\n' "'C:\\lock-x.txt'" \
    > "$WINEPREFIX/drive_c/lock-policy/x.toml"
}
lock_repo "http://127.0.0.1:$port" web
run reboot 'C:\lock-policy' --state-dir 'C:\lock-state' --release-lock dead-node
expect 0 "plumb reboot: released the reboot slot of dead-node in FleetLock group 'web' at http://127.0.0.1:$port"
[ "$(lock pre-reboot other-node)" = 200 ] || { echo "FAIL: plumb.exe did not give the slot back"; fail=1; }
run status 'C:\lock-policy' --state-dir 'C:\lock-state'
grep -qE "^reboot slot: none held \(this node's id: [0-9a-f-]{36}\)$" <<<"$out" || { echo "FAIL: status without the slot line"; echo "$out"; fail=1; }
lock_repo "http://127.0.0.1:$port" broken
run reboot 'C:\lock-policy' --state-dir 'C:\lock-state' --release-lock dead-node
expect 1 "plumb reboot: the reboot slot was not released from FleetLock group 'broken' at http://127.0.0.1:$port (HTTP 502)"
kill "$lock_server"; wait "$lock_server" 2>/dev/null
lock_repo "http://127.0.0.1:$port" web
run reboot 'C:\lock-policy' --state-dir 'C:\lock-state' --release-lock dead-node
expect 1 "plumb reboot: the reboot slot was not released: FleetLock group 'web' at http://127.0.0.1:$port: no answer from http://127.0.0.1:$port/v1/steady-state: cannot connect (WinHTTP 12029)"

# The etcd backend through WinHTTP: a real etcd (Debian's, unpacked by scripts/fetch-test-daemons.sh)
# on loopback keeps a semaphore whose one slot a dead node holds; plumb.exe gives it back with a
# compare-and-swap transaction through etcd's JSON gateway.
etcd="$here/build-test-daemons/usr/bin/etcd"
if [ -x "$etcd" ]; then
  etcd_dir=$(mktemp -d)
  free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  client=$(free_port); peer=$(free_port)
  "$etcd" --data-dir "$etcd_dir/data" --listen-client-urls "http://127.0.0.1:$client" \
    --advertise-client-urls "http://127.0.0.1:$client" --listen-peer-urls "http://127.0.0.1:$peer" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer" --initial-cluster "default=http://127.0.0.1:$peer" \
    --logger zap --log-outputs "$etcd_dir/etcd.log" &
  etcd_server=$!
  key=$(printf 'com.coreos.airlock/groups/web/v1/semaphore' | base64 -w0)
  value=$(printf '{"total_slots":1,"holders":["dead-node"]}' | base64 -w0)
  for _ in $(seq 100); do
    curl -sf -X POST "http://127.0.0.1:$client/v3/kv/put" -d "{\"key\":\"$key\",\"value\":\"$value\"}" >/dev/null && break
    sleep 0.1
  done
  holders() {  # the semaphore's holders, as etcd keeps them
    curl -s -X POST "http://127.0.0.1:$client/v3/kv/range" -d "{\"key\":\"$key\"}" |
      /usr/bin/python3 -c 'import base64, json, sys; print(json.loads(base64.b64decode(json.load(sys.stdin)["kvs"][0]["value"]))["holders"])'
  }
  [ "$(holders)" = "['dead-node']" ] || { echo "FAIL: etcd did not take the semaphore"; cat "$etcd_dir/etcd.log"; fail=1; }
  lock_repo "http://127.0.0.1:$client" web 'backend = "etcd"\n'
  run reboot 'C:\lock-policy' --state-dir 'C:\lock-state' --release-lock dead-node
  expect 0 "plumb reboot: released the reboot slot of dead-node in etcd group 'web' at http://127.0.0.1:$client"
  [ "$(holders)" = "[]" ] || { echo "FAIL: plumb.exe did not give the etcd slot back: $(holders)"; fail=1; }
  kill "$etcd_server"; wait "$etcd_server" 2>/dev/null
  rm -rf "$etcd_dir"
else
  echo "SKIP: no etcd in build-test-daemons (scripts/fetch-test-daemons.sh): the etcd backend is not run under Wine"
fi

[ $fail -eq 0 ] && echo "plumb.exe end-to-end checks under Wine: all passed"
exit $fail
