#!/usr/bin/env bash
# Stages the Windows cross build's dependencies in DIR (default build-win-deps): links to the
# header-only libraries' own folders (toml++, Boost, spdlog, fmt, nlohmann, CLI11, kainjow's Mustache) and the Debian
# sources of tinyxml2 and simdjson, fetched with apt-get source (a deb-src entry is added when there is none).
# Idempotent.
set -euo pipefail
out=$(realpath -m "${1:-build-win-deps}")
mkdir -p "$out/include"
for d in toml++ boost spdlog fmt nlohmann CLI kainjow; do
  [ -d "/usr/include/$d" ] || { echo "stage-windows-deps: /usr/include/$d missing; run scripts/install-deps.sh" >&2; exit 1; }
  ln -sfn "/usr/include/$d" "$out/include/$d"
done
# Debian's source of PACKAGE, unpacked into $out/NAME (a no-op when $out/NAME/FILE exists).
fetch_source() {
  local package=$1 name=$2 file=$3
  [ -f "$out/$name/$file" ] && return 0
  bash "$(dirname "$0")/ensure-deb-src.sh" "$package"
  local work
  work=$(mktemp -d)
  (cd "$work" && apt-get source -qq "$package" >/dev/null 2>&1)
  rm -rf "${out:?}/$name"
  mv "$(find "$work" -maxdepth 1 -type d -name "$package-*" | head -1)" "$out/$name"
  rm -rf "$work"
  [ -f "$out/$name/$file" ] || { echo "stage-windows-deps: $package's source has no $file" >&2; exit 1; }
}
fetch_source tinyxml2 tinyxml2 tinyxml2.cpp
# simdjson's single-file amalgamation (singleheader/simdjson.{h,cpp}) is what the build compiles.
fetch_source simdjson simdjson singleheader/simdjson.cpp
echo "staged in $out"
