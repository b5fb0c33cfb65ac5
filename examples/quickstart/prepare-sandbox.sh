#!/usr/bin/env bash
# Creates a sandbox root with drift for the quickstart: an sshd_config that permits root login,
# a sysctl.d file with the wrong value and a duplicate, and a hand-edited application config.
set -euo pipefail
root=${1:?usage: prepare-sandbox.sh DIR}
rm -rf "$root"
mkdir -p "$root/etc/sysctl.d" "$root/etc/ssh" "$root/etc/exampleapp" "$root/var/log"
cat > "$root/etc/sysctl.d/60-plumb.conf" <<'CONF'
# Local overrides
net.ipv4.ip_forward = 1
vm.swappiness = 10
net.ipv4.ip_forward = 1
CONF
cat > "$root/etc/ssh/sshd_config" <<'CONF'
# sshd configuration
Port 22
PermitRootLogin yes
CONF
cat > "$root/etc/exampleapp/app.conf" <<'CONF'
# exampleapp configuration, managed by plumb
listen = 0.0.0.0:8080
workers = 4
CONF
chmod 0644 "$root/etc/exampleapp/app.conf"
