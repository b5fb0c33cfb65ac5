#!/usr/bin/env bash
# A sandbox root for the grub example: /etc/default/grub, a stand-in for update-grub that writes
# /boot/grub/grub.cfg, and /proc/cmdline of the running (sandbox) kernel.
# Usage: prepare-sandbox.sh ROOT
set -euo pipefail
root=$1
rm -rf "$root"
mkdir -p "$root/etc/default" "$root/boot/grub" "$root/proc" "$root/usr/sbin"
cat > "$root/etc/default/grub" <<'GRUB'
GRUB_DEFAULT=0
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
GRUB_CMDLINE_LINUX_DEFAULT="quiet"
GRUB_CMDLINE_LINUX=""
GRUB
cat > "$root/usr/sbin/update-grub" <<'SCRIPT'
#!/bin/sh
# Sandbox stand-in for update-grub: the kernel line grub.cfg would carry.
set -e
. "$PLUMB_ROOT/etc/default/grub"
echo "linux /vmlinuz root=/dev/sda1 ro $GRUB_CMDLINE_LINUX $GRUB_CMDLINE_LINUX_DEFAULT" > "$PLUMB_ROOT/boot/grub/grub.cfg"
SCRIPT
chmod 755 "$root/usr/sbin/update-grub"
echo "linux /vmlinuz root=/dev/sda1 ro quiet" > "$root/boot/grub/grub.cfg"
echo "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet" > "$root/proc/cmdline"
