# shellcheck shell=bash
# Shared by vm-image/build.sh and vm-image/qemu.sh: messages, timing, sizes, and the clean-up of every
# loop device, mount and temporary file a build made, on every exit path (vm_cleanup runs from the trap).

vm_say() { printf 'vm-image: %s\n' "$*"; }
vm_die() { printf 'vm-image: %s\n' "$*" >&2; exit 1; }
vm_usage_error() { printf 'vm-image: %s\n' "$*" >&2; exit 2; }

vm_now() { printf '%s\n' "${EPOCHREALTIME/,/.}"; }
# vm_elapsed START: seconds since START ("84 s", or "3.2 s" under ten seconds).
vm_elapsed() { awk -v a="$1" -v b="$(vm_now)" 'BEGIN { d = b - a; printf (d < 10 ? "%.1f s" : "%d s"), d }'; }
vm_seconds() { awk -v a="$1" -v b="$(vm_now)" 'BEGIN { printf "%.1f", b - a }'; }

vm_human() {
  awk -v b="$1" 'BEGIN { split("B KB MB GB TB", u, " "); i = 1; while (b >= 1000 && i < 5) { b /= 1000; i++ }
    printf (i == 1 ? "%d %s" : "%.1f %s"), b, u[i] }'
}

# vm_disk_sizes FILE: "8.6 GB virtual, 2.9 GB allocated" for a sparse raw file.
vm_disk_sizes() {
  printf '%s virtual, %s allocated\n' "$(vm_human "$(stat -c %s "$1")")" "$(vm_human "$(($(stat -c %b "$1") * 512))")"
}

vm_rel() { printf '%s\n' "${1#"$PWD"/}"; }

# What the build holds right now, released in reverse by vm_cleanup.
VM_MOUNTS=() VM_LOOPS=() VM_TMPS=() VM_PARTIAL=() VM_LOOP='' VM_TMP=''

vm_mount() {
  mount "$@" || vm_die "mount $* failed"
  VM_MOUNTS+=("${*: -1}")
}

# vm_umount_under DIR: unmounts DIR and everything below it, deepest first.
vm_umount_under() {
  local dir m
  dir=$(realpath -m "$1")
  awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while IFS= read -r m; do
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
}

vm_umount_all() {
  local i
  for ((i = ${#VM_MOUNTS[@]} - 1; i >= 0; i--)); do vm_umount_under "${VM_MOUNTS[i]}"; done
  VM_MOUNTS=()
}

# vm_loop_attach FILE: attaches FILE (with its partitions) to a loop device, named in VM_LOOP.
# (Results go through globals, not stdout: a $(...) subshell would lose what the clean-up must release.)
vm_loop_attach() {
  VM_LOOP=$(losetup -P -f --show "$1") || vm_die "losetup -P $1 failed (no free loop device?)"
  VM_LOOPS+=("$VM_LOOP")
}

# vm_loop_part DEV N: the partition node, waiting briefly for the kernel to create it.
vm_loop_part() {
  local p=${1}p$2 i
  for ((i = 0; i < 50; i++)); do
    [[ -b $p ]] && { printf '%s\n' "$p"; return 0; }
    partx -a "$1" 2>/dev/null || true
    sleep 0.1
  done
  vm_die "partition $p did not appear"
}

vm_loops_detach() {
  local d
  for d in "${VM_LOOPS[@]}"; do losetup -d "$d" 2>/dev/null || true; done
  VM_LOOPS=()
}

# vm_tmpdir: a new temporary folder, named in VM_TMP.
vm_tmpdir() {
  local base=${LABHUB_VM_TMP:-/var/tmp}
  VM_TMP=$(mktemp -d "$base/labhub-vm.XXXXXX") || vm_die "cannot create a temp folder in $base"
  chmod 0755 "$VM_TMP" # apt downloads as _apt, which must reach the root file system inside
  VM_TMPS+=("$VM_TMP")
}

vm_cleanup() {
  local status=$? t f
  vm_umount_all
  vm_loops_detach
  for t in "${VM_TMPS[@]}"; do
    vm_umount_under "$t"
    rm -rf --one-file-system "$t"
  done
  VM_TMPS=()
  # A stage that did not finish leaves no half-written output behind.
  for f in "${VM_PARTIAL[@]}"; do rm -f "$f"; done
  VM_PARTIAL=()
  return "$status"
}

# vm_prune_cache KEEP...: drops cached stages other than the ones this build used.
vm_prune_cache() {
  local f k keep
  for f in "$CACHE"/rootfs-*.tar "$CACHE"/base-*.raw; do
    [[ -e $f ]] || continue
    keep=false
    for k in "$@"; do [[ $f == "$k" ]] && keep=true; done
    $keep || rm -f "$f" "$f.json"
  done
}

# vm_hash_files DIR PATH...: sha256 over the named files (contents, executable bit, path) below DIR.
vm_hash_files() {
  local dir=$1
  shift
  (
    cd "$dir" || exit 1
    find "$@" -type f ! -name '*~' ! -name '.*.swp' -print0 | LC_ALL=C sort -z |
      while IFS= read -r -d '' f; do
        printf '%s %s %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$([[ -x $f ]] && echo x || echo -)" "$f"
      done
  ) | sha256sum | cut -d' ' -f1
}
