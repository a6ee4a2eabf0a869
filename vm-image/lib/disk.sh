# shellcheck shell=bash
# Stage 2 of vm-image/build.sh: the partitioned base disk (root file system, kernel images, GRUB), and the
# loop-device helpers stage 3 (lib/labhub.sh) uses too.

# GPT partition types: BIOS boot (GRUB's core image for BIOS on GPT), EFI system, Linux file system.
VM_PART_BIOS=21686148-6449-6E6F-744E-656564454649
VM_PART_ESP=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
VM_PART_LINUX=0FC63DAF-8483-4772-8E79-3D69D8477DE4
# The root file system is the last partition, so the first boot can grow it into the rest of the disk.
VM_ROOT_PART=3
VM_ESP_PART=2

# shellcheck source=kernels/lib.sh
source "$ROOT_DIR/kernels/lib.sh"

# vm_kernel_ids NAME...: builds (or finds up to date) the kernel images and prints "NAME REF ID" lines.
vm_kernel_ids() {
  local name hash ref id
  if (($#)); then
    bash "$ROOT_DIR/kernels/build.sh" "$@" >&2 || vm_die "building the kernel images ($*) failed"
  fi
  for name in "$@"; do
    hash=$(kl_recipe_hash "$name")
    ref=$(kl_image_ref "$name" "$hash")
    id=$(podman image inspect --format '{{.Id}}' "$ref") || vm_die "kernel image $ref not found after building it"
    printf '%s %s %s\n' "$name" "$ref" "$id"
  done
}

# vm_base_hash ROOTFS_HASH KERNEL_IDS (SIZE from build.sh)
vm_base_hash() {
  {
    # shellcheck disable=SC2153 # set by build.sh
    printf 'rootfs %s\nsize %s\n' "$1" "$SIZE"
    printf '%s\n' "$2"
    vm_hash_files "$VM_DIR" lib/disk.sh
  } | sha256sum | cut -d' ' -f1
}

# vm_chroot_prepare MNT LOOP: /proc, /sys and a small /dev of its own in the image, holding the loop
# device, its partitions and /dev/disk/by-uuid links (GRUB writes root=UUID= only when that link exists,
# and this host runs no udev to make it).
vm_chroot_prepare() {
  local mnt=$1 loop=$2 n p uuid
  vm_mount -t proc proc "$mnt/proc"
  vm_mount -t sysfs sysfs "$mnt/sys"
  vm_mount -t tmpfs -o mode=0755,size=16m devtmp "$mnt/dev"
  for n in null zero full random urandom tty; do cp -a "/dev/$n" "$mnt/dev/"; done
  mkdir -p "$mnt/dev/pts" "$mnt/dev/shm" "$mnt/dev/disk/by-uuid"
  # bash's process substitution and scripts reading /dev/stdin need these.
  ln -s /proc/self/fd "$mnt/dev/fd"
  ln -s /proc/self/fd/0 "$mnt/dev/stdin"
  ln -s /proc/self/fd/1 "$mnt/dev/stdout"
  ln -s /proc/self/fd/2 "$mnt/dev/stderr"
  cp -a "$loop" "$loop"p* "$mnt/dev/"
  for p in "$loop"p*; do
    uuid=$(blkid -s UUID -o value "$p" 2>/dev/null) || continue
    [[ -z $uuid ]] || ln -sf "../../${p#/dev/}" "$mnt/dev/disk/by-uuid/$uuid"
  done
}

# vm_mount_disk RAW MNT: attaches RAW (loop device in VM_LOOP) and mounts its root file system at MNT.
vm_mount_disk() {
  local raw=$1 mnt=$2
  vm_loop_attach "$raw"
  vm_mount "$(vm_loop_part "$VM_LOOP" $VM_ROOT_PART)" "$mnt"
}

vm_unmount_disk() {
  sync
  vm_umount_all
  vm_loops_detach
}

# vm_load_kernels MNT "NAME REF ID" lines: saves each image once (cached by id) and loads it into the
# image's own Podman storage, so no user waits for an image at the first boot.
vm_load_kernels() {
  local mnt=$1 lines=$2 name ref id archive tmp t
  vm_tmpdir
  tmp=$VM_TMP
  while read -r name ref id; do
    [[ -n $name ]] || continue
    t=$(vm_now)
    archive=$CACHE/kernel-$name-${id:0:12}.tar
    if [[ ! -s $archive ]]; then
      rm -f "$CACHE/kernel-$name-"*.tar
      VM_PARTIAL+=("$archive.part")
      podman save -q --format docker-archive -o "$archive.part" "$ref" >/dev/null || vm_die "podman save $ref failed"
      mv -f "$archive.part" "$archive"
    fi
    podman --root "$mnt/var/lib/containers/storage" --runroot "$tmp/run" --storage-driver overlay \
      load -q -i "$archive" >/dev/null || vm_die "loading $ref into the image failed"
    podman --root "$mnt/var/lib/containers/storage" --runroot "$tmp/run" --storage-driver overlay \
      tag "$ref" "$(kl_image_repo "$name"):latest" || vm_die "tagging $ref in the image failed"
    vm_say "      kernel $name: $ref loaded ($(vm_human "$(stat -c %s "$archive")")) in $(vm_elapsed "$t")"
  done <<<"$lines"
  # The build host's Podman recorded its own paths in the database next to the images; the VM's Podman
  # would refuse them ("database static dir does not match"). Images live in the storage, not there.
  rm -rf "$mnt/var/lib/containers/storage/libpod" "$mnt/var/lib/containers/storage/tmp"
  vm_umount_under "$tmp"
}

# vm_stage_base RAW TAR KERNEL_IDS: the base disk, unless cached (KERNEL_IDS: vm_kernel_ids' lines).
vm_stage_base() {
  local raw=$1 tar=$2 kernel_ids=$3 t tmp mnt loop root_uuid esp_uuid
  if [[ -s $raw ]] && ! $FORCE; then
    vm_say "[2/3] base disk: cached ($(vm_rel "$raw"))"
    return 0
  fi
  t=$(vm_now)
  vm_say "[2/3] base disk: $SIZE, GPT (BIOS boot, ESP, ext4 root), kernels ${KERNELS[*]:-none}"
  vm_tmpdir
  tmp=$VM_TMP
  mnt=$tmp/mnt
  mkdir -p "$mnt"
  VM_PARTIAL+=("$raw.part")
  rm -f "$raw.part"
  truncate -s "$SIZE" "$raw.part"
  sfdisk -q "$raw.part" <<EOF || vm_die "partitioning failed"
label: gpt
start=1MiB, size=1MiB, type=$VM_PART_BIOS, name="bios"
size=127MiB, type=$VM_PART_ESP, name="esp"
type=$VM_PART_LINUX, name="root"
EOF
  vm_loop_attach "$raw.part"
  loop=$VM_LOOP
  root_uuid=$(cat /proc/sys/kernel/random/uuid)
  mkfs.vfat -F 32 -n ESP "$(vm_loop_part "$loop" $VM_ESP_PART)" >/dev/null || vm_die "mkfs.vfat failed"
  mkfs.ext4 -q -F -L labhub-root -U "$root_uuid" -m 1 "$(vm_loop_part "$loop" $VM_ROOT_PART)" ||
    vm_die "mkfs.ext4 failed"
  esp_uuid=$(blkid -s UUID -o value "$(vm_loop_part "$loop" $VM_ESP_PART)")
  vm_mount "$(vm_loop_part "$loop" $VM_ROOT_PART)" "$mnt"
  # The ESP is not mounted here: build hosts' kernels may lack vfat (these do); GRUB's EFI files are
  # written to the empty mount point and copied into the FAT partition with mtools.
  mkdir -p "$mnt/boot/efi"

  tar -xpf "$tar" -C "$mnt" --numeric-owner --xattrs --xattrs-include='*' || vm_die "unpacking the root file system failed"
  cat >"$mnt/etc/fstab" <<EOF
# <file system>  <mount point>  <type>  <options>  <dump>  <pass>
UUID=$root_uuid  /  ext4  errors=remount-ro  0  1
UUID=$esp_uuid  /boot/efi  vfat  umask=0077,nofail  0  2
EOF
  vm_say "      root file system unpacked ($(du -sh --one-file-system "$mnt" | cut -f1)) after $(vm_elapsed "$t")"

  vm_load_kernels "$mnt" "$kernel_ids"

  vm_chroot_prepare "$mnt" "$loop"
  chroot "$mnt" grub-install --target=i386-pc --boot-directory=/boot "$loop" >"$tmp/grub.log" 2>&1 ||
    { cat "$tmp/grub.log" >&2; vm_die "grub-install --target=i386-pc failed"; }
  # UEFI: GRUB at the removable-media path (EFI/BOOT/BOOTX64.EFI), which firmware boots without NVRAM
  # entries. grub-install would refuse: it wants the ESP mounted as FAT, which this host cannot do. So
  # the same image it would make, by hand: GRUB's EFI modules next to the BIOS ones, and a core image
  # that finds the root file system by UUID and reads the shared /boot/grub/grub.cfg.
  mkdir -p "$mnt/boot/grub/x86_64-efi" "$tmp/EFI/BOOT"
  cp "$mnt"/usr/lib/grub/x86_64-efi/*.mod "$mnt"/usr/lib/grub/x86_64-efi/*.lst "$mnt/boot/grub/x86_64-efi/"
  # shellcheck disable=SC2016 # $root is GRUB's variable
  printf 'search --no-floppy --fs-uuid --set=root %s\nset prefix=($root)/boot/grub\n' "$root_uuid" >"$mnt/tmp/grub-efi.cfg"
  chroot "$mnt" grub-mkimage -O x86_64-efi -p /boot/grub -c /tmp/grub-efi.cfg -o /tmp/BOOTX64.EFI \
    part_gpt part_msdos ext2 fat search search_fs_uuid normal configfile linux gzio echo all_video efi_gop serial \
    terminal >>"$tmp/grub.log" 2>&1 || { cat "$tmp/grub.log" >&2; vm_die "grub-mkimage -O x86_64-efi failed"; }
  mv "$mnt/tmp/BOOTX64.EFI" "$tmp/EFI/BOOT/"
  rm -f "$mnt/tmp/grub-efi.cfg"
  # (mtools cannot read a partition's geometry and says so; it does not need it)
  MTOOLS_SKIP_CHECK=1 mcopy -s -i "$(vm_loop_part "$loop" $VM_ESP_PART)" "$tmp/EFI" ::/ 2>>"$tmp/grub.log" ||
    { cat "$tmp/grub.log" >&2; vm_die "copying GRUB's EFI image into the ESP failed"; }
  chroot "$mnt" grub-mkconfig -o /boot/grub/grub.cfg >>"$tmp/grub.log" 2>&1 ||
    { cat "$tmp/grub.log" >&2; vm_die "grub-mkconfig failed"; }
  grep -q "root=UUID=$root_uuid" "$mnt/boot/grub/grub.cfg" ||
    vm_die "grub.cfg does not name the root file system by UUID $root_uuid"
  vm_unmount_disk
  mv -f "$raw.part" "$raw"
  vm_say "[2/3] base disk: $(vm_disk_sizes "$raw") in $(vm_elapsed "$t")"
}
