# shellcheck shell=bash
# Stage 3 of vm-image/build.sh: labhub and the first-boot units on a copy of the base disk, then the qcow2.
# Kept apart from lib/disk.sh, whose hash keys the base disk: changing this file does not rebuild it.

# vm_install_labhub MNT: provisioning/install.sh (h-install's host installer) run inside the image, on a
# copy of this checkout with the built jar. --no-start: no systemd runs in the chroot; the first boot
# does the rest.
vm_install_labhub() {
  local mnt=$1 src=/var/tmp/labhub-src log
  if [[ ! -x $ROOT_DIR/provisioning/install.sh ]]; then
    [[ ${LABHUB_VM_NO_LABHUB:-} == 1 ]] || vm_die "provisioning/install.sh is missing (LABHUB_VM_NO_LABHUB=1 builds a disk without labhub)"
    vm_say "      LABHUB_VM_NO_LABHUB=1: no labhub in this disk"
    return 0
  fi
  [[ -f $ROOT_DIR/appliance/target/labhub.jar && -d $ROOT_DIR/appliance/target/lib ]] ||
    vm_die "appliance/target/labhub.jar is not built: run ./labhub build"
  rm -rf "$mnt$src"
  mkdir -p "$mnt$src/appliance/target"
  git -C "$ROOT_DIR" ls-files -z --cached --others --exclude-standard |
    (cd "$ROOT_DIR" && tar --null -T - -cf - --ignore-failed-read 2>/dev/null) | tar -xf - -C "$mnt$src" ||
    vm_die "copying the checkout into the image failed"
  cp -a "$ROOT_DIR/appliance/target/labhub.jar" "$ROOT_DIR/appliance/target/lib" "$mnt$src/appliance/target/"
  if [[ -f $ROOT_DIR/appliance/target/labhub.jsa ]]; then cp -a "$ROOT_DIR/appliance/target/labhub.jsa" "$mnt$src/appliance/target/"; fi
  log=$OUT/install.log
  if ! chroot "$mnt" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 HOME=/root bash "$src/provisioning/install.sh" --offline --no-start --skip-kernels >"$log" 2>&1; then
    tail -n 25 "$log" | sed 's/^/  | /' >&2
    vm_die "provisioning/install.sh failed inside the image; full log in $(vm_rel "$log")"
  fi
  rm -rf "$mnt$src"
  # install.sh ran `labhub init` for the new data root: an admin password, session keys and a catalog that
  # every VM made from this image would share. They go; each VM's first boot makes its own (labhub init
  # again, firstboot/labhub-firstboot). The config stays, minus what init recorded from the build.
  find "$mnt/var/lib/labhub" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
  rm -f "$mnt/etc/labhub/.install-init"
  vm_say "      labhub installed by provisioning/install.sh (log: $(vm_rel "$log")); build-time secrets removed"
}

# vm_toml_merge FROM INTO: sets each `key = value` of FROM in its [section] of INTO, replacing the same key,
# adding the section at the end when INTO has none (TOML forbids a section twice). Comments are kept.
vm_toml_merge() {
  local from=$1 into=$2 tmp
  tmp=$(mktemp "$into.XXXXXX")
  awk '
    function secname(l) { gsub(/^[[:space:]]*\[|\][[:space:]]*(#.*)?$/, "", l); return l }
    function keyname(l) { sub(/[[:space:]]*=.*/, "", l); gsub(/^[[:space:]]+/, "", l); return l }
    FNR == NR {
      if ($0 ~ /^[[:space:]]*(#|$)/) next
      if ($0 ~ /^[[:space:]]*\[/) { sec = secname($0); if (!(sec in order)) { order[sec] = ++nsec; names[nsec] = sec }; next }
      k = keyname($0); want[sec, k] = $0; keys[sec] = keys[sec] SUBSEP k; next
    }
    function flush(s,   n, i, parts) {
      n = split(keys[s], parts, SUBSEP)
      for (i = 2; i <= n; i++) if (!done[s, parts[i]]) { print want[s, parts[i]]; done[s, parts[i]] = 1 }
    }
    /^[[:space:]]*\[/ { if (cur in order) flush(cur); cur = secname($0); seen[cur] = 1; print; next }
    cur in order && $0 !~ /^[[:space:]]*(#|$)/ && ((cur, keyname($0)) in want) {
      if (!done[cur, keyname($0)]) { print want[cur, keyname($0)]; done[cur, keyname($0)] = 1 }
      next
    }
    { print }
    END {
      if (cur in order) flush(cur)
      for (i = 1; i <= nsec; i++) if (!(names[i] in seen)) { print ""; print "[" names[i] "]"; flush(names[i]) }
    }' "$from" "$into" >"$tmp" || { rm -f "$tmp"; vm_die "merging $from into $into failed"; }
  chmod --reference="$into" "$tmp"
  chown --reference="$into" "$tmp"
  mv -f "$tmp" "$into"
}

# vm_install_firstboot MNT: the first-boot unit and scripts, and the VM's own settings for labhub.
vm_install_firstboot() {
  local mnt=$1 f
  install -d -m 0755 "$mnt/usr/local/lib/labhub-vm"
  for f in "$VM_DIR"/firstboot/*; do
    case $f in
      *.service) install -m 0644 "$f" "$mnt/etc/systemd/system/" ;;
      *.toml) ;;
      *) install -m 0755 "$f" "$mnt/usr/local/lib/labhub-vm/" ;;
    esac
  done
  if [[ -f $mnt/etc/labhub/labhub.conf ]]; then
    vm_toml_merge "$VM_DIR/firstboot/labhub-vm.toml" "$mnt/etc/labhub/labhub.conf"
  fi
  chroot "$mnt" systemctl enable labhub-firstboot.service labhub-ready.service >/dev/null 2>&1 || vm_die "enabling the first-boot units failed"
  # Podman's own boot-time services cost a minute under emulation and labhub needs none of them: the
  # hub uses podman.socket (enabled by install.sh), which starts the API service on demand.
  chroot "$mnt" systemctl disable podman.service podman-auto-update.service podman-auto-update.timer \
    podman-restart.service >/dev/null 2>&1 || true
  # Until the first boot has run, the login prompt says it is coming.
  printf 'Debian GNU/Linux 12 \\n \\l\n\nlabhub: the first boot has not finished yet.\n\n' >"$mnt/etc/issue"
}

# vm_stage_labhub BASE RAW QCOW2
vm_stage_labhub() {
  local base=$1 raw=$2 qcow=$3 t tmp mnt loop
  t=$(vm_now)
  vm_say "[3/3] labhub: copying the base disk"
  vm_tmpdir
  tmp=$VM_TMP
  mnt=$tmp/mnt
  mkdir -p "$mnt"
  VM_PARTIAL+=("$raw.part" "$qcow.part")
  cp --sparse=always "$base" "$raw.part"
  vm_mount_disk "$raw.part" "$mnt"
  loop=$VM_LOOP
  vm_chroot_prepare "$mnt" "$loop"
  vm_install_labhub "$mnt"
  vm_install_firstboot "$mnt"
  # Whatever ran in the chroot must not leave an identity behind that every VM would share.
  : >"$mnt/etc/machine-id"
  rm -f "$mnt"/etc/ssh/ssh_host_* "$mnt/var/lib/systemd/random-seed"
  vm_unmount_disk
  rm -f "$raw" "$qcow"
  mv -f "$raw.part" "$raw"
  local tq
  tq=$(vm_now)
  # -m/-W: several compressing coroutines writing out of order use every CPU (otherwise one does all).
  qemu-img convert -c -m 8 -W -O qcow2 "$raw" "$qcow.part" || vm_die "qemu-img convert failed"
  mv -f "$qcow.part" "$qcow"
  vm_say "[3/3] labhub: done in $(vm_elapsed "$t") (qcow2 conversion $(vm_elapsed "$tq"))"
}
