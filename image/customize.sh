#!/bin/sh
# mmdebstrap customize hook for the hub's base image: $1 is the rootfs. Leaves out what a container never
# uses (apt lists, caches, logs) so the image is small and the same packages give the same files.
set -eu
root=$1
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
  "$root"/var/log/* "$root"/var/cache/ldconfig/aux-cache "$root"/etc/machine-id
: >"$root"/etc/machine-id
# The package list, for `podman run --entrypoint cat IMAGE /usr/share/labhub/packages.txt`.
mkdir -p "$root"/usr/share/labhub
dpkg-query --admindir="$root"/var/lib/dpkg -W -f '${Package}\t${Version}\n' >"$root"/usr/share/labhub/packages.txt
