#!/usr/bin/env bash
# Cross-builds plumb for Windows (mingw-w64) and tests it under Wine in a fresh prefix: the
# Windows test binary, end-to-end checks of plumb.exe, then the installer and the zip (silent
# install, run, uninstall). Needs scripts/install-deps.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/stage-windows-deps.sh build-win-deps >/dev/null
cmake --preset windows >/dev/null
cmake --build --preset windows
WINEPREFIX=$(mktemp -d /tmp/plumb-wine-XXXXXX)
export WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$WINEPREFIX"' EXIT
wine wineboot --init >/dev/null 2>&1
wineserver -w  # the prefix's first boot finishes in the background; services start only after it
echo "Windows tests under Wine ($(wine --version)), prefix $WINEPREFIX"
wine build-win/tests/plumb_tests.exe --gtest_brief=1
bash tests/win32/e2e.sh build-win/plumb.exe
mapfile -t packages < <(bash scripts/windows-installer.sh build-win)
bash tests/win32/installer.sh "${packages[@]}"
bash bench/wine-library.sh build-win/plumb.exe
