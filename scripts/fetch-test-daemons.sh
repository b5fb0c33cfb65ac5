#!/usr/bin/env bash
# Unpacks Debian's openssh-server (and the library sshd needs that the build machine lacks) and
# etcd-server into build-test-daemons/, so the tests can ask the real sshd what it reads
# (`sshd -T`) and start a real etcd of their own on loopback (the reboot semaphore). Nothing is
# installed: the packages are downloaded from Debian's archive and extracted with dpkg-deb, and
# no daemon is started. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=build-test-daemons
[ -x "$dest/usr/sbin/sshd" ] && [ -x "$dest/usr/bin/etcd" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # apt's download sandbox user writes here
download() { (cd "$work" && apt-get download -qq openssh-server libwrap0 etcd-server 2>/dev/null); }
# A machine whose package index was cleaned has to read it again first.
download || { [ "$(id -u)" -eq 0 ] && apt-get update -qq && download; } || {
  echo "fetch-test-daemons: cannot download openssh-server and etcd-server from Debian's archive" >&2
  exit 1
}
mkdir -p "$dest"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$dest"; done
chmod 755 "$dest"
