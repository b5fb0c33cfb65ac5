#!/usr/bin/env bash
# Makes `apt-get source` work: adds a deb-src entry for Debian 12's main archive when apt has
# none (as root only), then reads the source index. Idempotent; used by the scripts that take
# test data and the Windows build's sources from Debian's own source packages.
set -euo pipefail
package=${1:-tinyxml2}
apt-get source --print-uris "$package" >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-deb-src: apt has no deb-src entry; run as root to add one" >&2
  exit 1
fi
cat > /etc/apt/sources.list.d/plumb-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt-get update -qq
