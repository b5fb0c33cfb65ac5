#!/usr/bin/env bash
# Stands in for the reboot in the sandbox: a new boot id for plumb's fake system, and the sandbox
# kernel's command line taken from grub.cfg, as a real boot would.
# Usage: simulate-reboot.sh ROOT FAKE_SYSTEM_FOLDER
set -euo pipefail
root=$1 fake=$2
echo "fake-boot-$(( $(cat "$fake/boot_id" 2>/dev/null | tr -dc 0-9 || echo 1) + 1 ))" > "$fake/boot_id"
sed -n 's/^linux /BOOT_IMAGE=/p' "$root/boot/grub/grub.cfg" > "$root/proc/cmdline"
