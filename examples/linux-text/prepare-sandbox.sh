#!/usr/bin/env bash
# Creates a sandbox root for the linux-text example: a Debian-like /etc/hosts, an sshd_config
# with CRLF line endings that permits root login twice and ends in a Match block, and an
# inetd.conf that still offers telnet, an fstab whose /tmp allows setuid programs, and OpenSSH's
# unit file (not enabled).
set -euo pipefail
root=${1:?usage: prepare-sandbox.sh DIR}
rm -rf "$root"
mkdir -p "$root/etc/ssh" "$root/etc/sysctl.d" "$root/etc/systemd/system" "$root/lib/systemd/system"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tnode1\n\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
printf 'Port 22\r\nPermitRootLogin yes\r\nPasswordAuthentication no\r\n#PermitRootLogin no\r\nPermitRootLogin without-password\r\nMatch User backup\r\n  X11Forwarding no\r\n' \
  > "$root/etc/ssh/sshd_config"
printf 'ftp\tstream\ttcp\tnowait\troot\t/usr/sbin/tcpd\tin.ftpd\ntelnet\tstream\ttcp\tnowait\troot\t/usr/sbin/tcpd\tin.telnetd\n' \
  > "$root/etc/inetd.conf"
printf '# <file system> <mount point> <type> <options> <dump> <pass>\nUUID=2f0c-11 / ext4 errors=remount-ro 0 1\ntmpfs /tmp tmpfs defaults,nodev 0 0\n' \
  > "$root/etc/fstab"
printf '[Unit]\nDescription=OpenBSD Secure Shell server\n\n[Service]\nExecStart=/usr/sbin/sshd -D\n\n[Install]\nWantedBy=multi-user.target\nAlias=sshd.service\n' \
  > "$root/lib/systemd/system/ssh.service"
