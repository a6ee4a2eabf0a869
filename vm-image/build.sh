#!/usr/bin/env bash
# vm-image/build.sh [--force] [--size SIZE]: builds the bootable labhub disk, vm-image/out/labhub.raw and
# labhub.qcow2. Run through `./labhub vm-image`, as root (loop devices, mounts, chroot).
#
# Three stages, each cached by a hash of what it is made from, so changing labhub re-runs only stage 3:
#   [1/3] root file system  mmdebstrap installs vm-image/packages.txt into a Debian 12 tarball and runs
#                           rootfs/customize.sh (hash: packages.txt, rootfs/, lib/rootfs.sh)
#   [2/3] base disk         a GPT disk (BIOS boot, ESP, ext4 root by UUID) on a loop device, the tarball
#                           unpacked, the kernel images loaded into its Podman storage, GRUB installed for
#                           BIOS and UEFI (hash: stage 1, lib/disk.sh, the kernel images' ids, the size)
#   [3/3] labhub            a copy of the base disk gets labhub (provisioning/install.sh in a chroot) and
#                           the first-boot units, then is converted to a compressed qcow2 (lib/labhub.sh;
#                           always runs)
#
# Environment:
#   LABHUB_VM_CACHE=DIR       stage cache (default /var/cache/labhub/vm; needs ~2x the disk's used space)
#   LABHUB_VM_KERNELS="a b"   kernel images to preload (default: minimal python; built first when missing)
#   LABHUB_VM_SIZE=8G         virtual disk size (the first boot grows the file system to the disk)
#   LABHUB_APT_SOURCES=FILE   one-line apt sources to build from (default: the host's bookworm sources)
set -euo pipefail

VM_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
ROOT_DIR=$(cd "$VM_DIR/.." && pwd)
OUT=$VM_DIR/out
CACHE=${LABHUB_VM_CACHE:-/var/cache/labhub/vm}
SIZE=${LABHUB_VM_SIZE:-8G}
read -r -a KERNELS <<<"${LABHUB_VM_KERNELS:-minimal python}"
FORCE=false

# shellcheck source=vm-image/lib/common.sh
source "$VM_DIR/lib/common.sh"
# shellcheck source=vm-image/lib/rootfs.sh
source "$VM_DIR/lib/rootfs.sh"
# shellcheck source=vm-image/lib/disk.sh
source "$VM_DIR/lib/disk.sh"
# shellcheck source=vm-image/lib/labhub.sh
source "$VM_DIR/lib/labhub.sh"

usage() {
  cat <<'EOF'
Usage: ./labhub vm-image [--force] [--size SIZE]

Builds vm-image/out/labhub.raw and labhub.qcow2: Debian 12, Podman, the JRE, labhub and the kernel
images, bootable with BIOS and UEFI. Stages whose inputs did not change are reused from the cache.
  --force       rebuild every stage
  --size SIZE   virtual disk size (default 8G; LABHUB_VM_SIZE)
EOF
}

while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --force) FORCE=true ;;
    --size) (($# >= 2)) || vm_usage_error "--size needs a value"; SIZE=$2; shift ;;
    --size=*) SIZE=${1#*=} ;;
    *) vm_usage_error "unknown argument: $1" ;;
  esac
  shift
done
[[ $SIZE =~ ^[0-9]+G$ ]] || vm_usage_error "--size must look like 8G, not '$SIZE'"
((${SIZE%G} >= 4)) || vm_usage_error "--size must be at least 4G"
((EUID == 0)) || vm_die "run as root: the build uses loop devices, mounts and a chroot"
for tool in mmdebstrap losetup sfdisk mkfs.ext4 mkfs.vfat mcopy qemu-img podman jq; do
  command -v "$tool" >/dev/null 2>&1 ||
    vm_die "$tool not found: apt-get install mmdebstrap fdisk e2fsprogs dosfstools mtools qemu-utils podman jq"
done
mkdir -p "$CACHE" "$OUT"
trap vm_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(vm_now)
rootfs_hash=$(vm_rootfs_hash)
rootfs_tar=$CACHE/rootfs-${rootfs_hash:0:16}.tar
vm_stage_rootfs "$rootfs_tar"

kernel_ids=$(vm_kernel_ids "${KERNELS[@]}")
base_hash=$(vm_base_hash "$rootfs_hash" "$kernel_ids")
base_raw=$CACHE/base-${base_hash:0:16}.raw
vm_stage_base "$base_raw" "$rootfs_tar" "$kernel_ids"

vm_stage_labhub "$base_raw" "$OUT/labhub.raw" "$OUT/labhub.qcow2"
vm_prune_cache "$rootfs_tar" "$base_raw"
vm_say "built $(vm_rel "$OUT/labhub.raw") ($(vm_disk_sizes "$OUT/labhub.raw")) and $(vm_rel "$OUT/labhub.qcow2") ($(vm_human "$(stat -c %s "$OUT/labhub.qcow2")")) in $(vm_elapsed "$t0")"
