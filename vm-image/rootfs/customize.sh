#!/usr/bin/env bash
# rootfs/customize.sh ROOTFS: mmdebstrap's customize hook for the VM's root file system (stage 1 of
# vm-image/build.sh). Everything here is the same for every disk built from this recipe: nothing that
# depends on the partitions (fstab, GRUB) and nothing of labhub itself (stage 3), so changing labhub
# does not re-run mmdebstrap.
set -euo pipefail
root=$1
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)

say() { printf 'I: labhub: %s\n' "$*"; }

# The Podman settings and subordinate ids a labhub host needs, written by the same code that prepares
# a host (provisioning/host-setup.sh), pointed at the image.
# shellcheck source=provisioning/host-setup.sh
source "$here/../../provisioning/host-setup.sh"
LABHUB_CONTAINERS_CONF=$root/etc/containers/containers.conf
LABHUB_CONTAINERS_DROPIN=$root/etc/containers/containers.conf.d/50-labhub.conf
LABHUB_SUBID_FILES=("$root/etc/subuid" "$root/etc/subgid")
hs_write_podman_conf
hs_write_subids

# Identity: every VM made from this image must get its own machine id (systemd writes one at the first
# boot when the file is empty, which also triggers ConditionFirstBoot=) and its own SSH host keys
# (labhub-firstboot generates them).
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id" "$root"/etc/ssh/ssh_host_*
echo labhub >"$root/etc/hostname"
cat >"$root/etc/hosts" <<'HOSTS'
127.0.0.1	localhost
127.0.1.1	labhub
::1		localhost ip6-localhost ip6-loopback
HOSTS

# Network: DHCP on any wired interface through systemd-networkd (part of systemd, no extra package).
# Nothing waits for the network: the VM must come up the same with no network at all.
mkdir -p "$root/etc/systemd/network"
cat >"$root/etc/systemd/network/50-wired.network" <<'NET'
[Match]
Name=en* eth*

[Network]
DHCP=yes
NET
chroot "$root" systemctl enable systemd-networkd.service >/dev/null 2>&1
chroot "$root" systemctl mask systemd-networkd-wait-online.service >/dev/null 2>&1

# Boot loader defaults: kernel messages and a login on both the screen and the first serial port (the
# tests read the serial console), a short menu timeout, root by UUID (GRUB's default).
cat >"$root/etc/default/grub" <<'GRUB'
# Written by labhub vm-image/rootfs/customize.sh
GRUB_DEFAULT=0
GRUB_TIMEOUT=1
GRUB_DISTRIBUTOR=Debian
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=tty0 console=ttyS0,115200n8"
GRUB_TERMINAL="console serial"
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_DISABLE_OS_PROBER=true
GRUB

# The apt sources an installed VM uses (the build may have used a local mirror).
cat >"$root/etc/apt/sources.list" <<'APT'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
APT

# Root has no password (locked): people log in over SSH with a key from the NoCloud seed, or an operator
# sets one from the hypervisor. The console still shows the URL and admin password (see firstboot/).
chroot "$root" passwd -l root >/dev/null

# A journal kept on disk helps when the first boot goes wrong; cap it for a small disk.
mkdir -p "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=persistent\nSystemMaxUse=100M\n' >"$root/etc/systemd/journald.conf.d/50-labhub.conf"

say "root file system customised"
