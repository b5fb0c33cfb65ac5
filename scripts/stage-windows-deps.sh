#!/usr/bin/env bash
# Stages the Windows cross build's dependencies in DIR (default build-win-deps): links to the
# header-only libraries' own folders (toml++, Boost, spdlog, fmt, nlohmann, CLI11) and tinyxml2's
# Debian source, fetched with apt-get source (a deb-src entry is added when there is none).
# Idempotent.
set -euo pipefail
out=$(realpath -m "${1:-build-win-deps}")
mkdir -p "$out/include"
for d in toml++ boost spdlog fmt nlohmann CLI; do
  [ -d "/usr/include/$d" ] || { echo "stage-windows-deps: /usr/include/$d missing; run scripts/install-deps.sh" >&2; exit 1; }
  ln -sfn "/usr/include/$d" "$out/include/$d"
done
if [ ! -f "$out/tinyxml2/tinyxml2.cpp" ]; then
  if ! apt-get source --print-uris tinyxml2 >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "stage-windows-deps: apt has no deb-src entry; run as root to add one" >&2
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
  fi
  work=$(mktemp -d)
  (cd "$work" && apt-get source -qq tinyxml2 >/dev/null 2>&1)
  rm -rf "$out/tinyxml2"
  mv "$(find "$work" -maxdepth 1 -type d -name 'tinyxml2-*' | head -1)" "$out/tinyxml2"
  rm -rf "$work"
fi
echo "staged in $out"
