#!/usr/bin/env bash
# Builds the Windows installer and the zip for xcopy deployment from a built build-win/plumb.exe:
#   scripts/windows-installer.sh [BUILD_DIR]   -> BUILD_DIR/plumb-VERSION-setup.exe, BUILD_DIR/plumb-VERSION-windows-x86_64.zip
# makensis comes from Debian's nsis package; the zip holds plumb.exe, the policy library and the docs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build-win}" && pwd)
version=$(sed -nE 's/^project\(plumb VERSION ([0-9.]+).*/\1/p' "$here/CMakeLists.txt")
setup="$build/plumb-$version-setup.exe"
makensis -V2 -DVERSION="$version" -DSOURCE="$here" -DEXE="$build/plumb.exe" -DOUTFILE="$setup" \
  "$here/packaging/windows/plumb.nsi" >&2
zip="$build/plumb-$version-windows-x86_64.zip"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/plumb/docs"
cp "$build/plumb.exe" "$stage/plumb/"
cp -r "$here/policies" "$stage/plumb/"
cp "$here/README.md" "$stage/plumb/docs/"
cp -r "$here/docs/." "$stage/plumb/docs/"
rm -f "$zip"
(cd "$stage" && TZ=UTC find plumb -exec touch -d @0 {} + && find plumb | LC_ALL=C sort | zip -q -X -D "$zip" -@)
echo "$setup"
echo "$zip"
