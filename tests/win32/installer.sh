#!/usr/bin/env bash
# The Windows installer and zip under Wine: a silent install, plumb.exe --version from the
# installed path and through the machine PATH, the policy library validating in place, the state
# folder made; then a silent uninstall that removes the program and its PATH entry and keeps
# %ProgramData%\plumb. Usage: tests/win32/installer.sh SETUP_EXE ZIP (WINEPREFIX set).
set -uo pipefail
setup=$(realpath "$1")
zip=$(realpath "$2")
fail=0
check() {  # check DESCRIPTION COMMAND...: fails the script when the command fails
  local what=$1
  shift
  "$@" || { echo "FAIL: $what"; fail=1; }
}
run() { out=$(wine "$@" 2>&1 | tr -d '\r'); }
pf="$WINEPREFIX/drive_c/Program Files/plumb"
env_key='HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment'

wine "$setup" /S
wineserver -w
check "plumb.exe is installed in Program Files\\plumb" test -f "$pf/plumb.exe"
check "the policy library is installed" test -f "$pf/policies/windows/lanmanserver-own-process.toml"
check "the docs are installed" test -f "$pf/docs/README.md"
check "the uninstaller is installed" test -f "$pf/uninstall.exe"
check "%ProgramData%\\plumb is made" test -d "$WINEPREFIX/drive_c/ProgramData/plumb"
run 'C:\Program Files\plumb\plumb.exe' --version
check "--version from the installed path: $out" grep -qE '^plumb [0-9.]+ \(commit ([0-9a-f]{12}(-dirty)?|unknown), windows-x86_64\)$' <<<"$out"
run reg query "$env_key" /v Path
check "the machine PATH has the program folder: $out" grep -qiF 'C:\Program Files\plumb' <<<"$out"
run cmd /c 'plumb --version'
check "plumb found through PATH: $out" grep -qE '^plumb [0-9.]+ \(commit' <<<"$out"
run 'C:\Program Files\plumb\plumb.exe' validate 'C:\Program Files\plumb\policies'
check "the installed library validates: $out" grep -qxF 'plumb validate: 9 policies, 24 resources, no errors' <<<"$out"
run reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\plumb' /v QuietUninstallString
check "Programs and Features knows the silent uninstall: $out" grep -qF '"C:\Program Files\plumb\uninstall.exe" /S' <<<"$out"

# A second install (an upgrade in place) adds PATH once, not twice.
wine "$setup" /S
wineserver -w
run reg query "$env_key" /v Path
check "PATH holds the program folder once: $out" test "$(grep -oiF 'C:\Program Files\plumb' <<<"$out" | wc -l)" -eq 1

touch "$WINEPREFIX/drive_c/ProgramData/plumb/journal.json"
wine 'C:\Program Files\plumb\uninstall.exe' /S
wineserver -w  # the uninstaller copies itself to %TEMP% and runs from there
check "plumb.exe is removed" test ! -e "$pf/plumb.exe"
check "the program folder is removed" test ! -e "$pf"
check "%ProgramData%\\plumb and what it holds are kept" test -f "$WINEPREFIX/drive_c/ProgramData/plumb/journal.json"
run reg query "$env_key" /v Path
check "the PATH entry is removed: $out" test "$(grep -ciF 'C:\Program Files\plumb' <<<"$out")" -eq 0
run reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\plumb'
check "the uninstall entry is removed" test "$(grep -c QuietUninstallString <<<"$out")" -eq 0

# The zip: unpacked anywhere, plumb.exe runs and its library validates.
dir="$WINEPREFIX/drive_c/xcopy"
mkdir -p "$dir" && (cd "$dir" && unzip -q "$zip")
run 'C:\xcopy\plumb\plumb.exe' validate 'C:\xcopy\plumb\policies'
check "the zip's plumb.exe validates its library: $out" grep -qxF 'plumb validate: 9 policies, 24 resources, no errors' <<<"$out"

[ $fail -eq 0 ] && echo "Windows installer and zip under Wine: all passed"
exit $fail
