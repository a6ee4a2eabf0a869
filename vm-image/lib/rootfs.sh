# shellcheck shell=bash
# Stage 1 of vm-image/build.sh: the VM's root file system as a tarball, from Debian packages only.

VM_SUITE=bookworm
# Manual pages, translations and documentation are no use on an appliance (copyright files stay).
VM_DPKG_EXCLUDES=(
  'path-exclude=/usr/share/man/*'
  'path-exclude=/usr/share/locale/*'
  'path-exclude=/usr/share/doc/*'
  'path-include=/usr/share/doc/*/copyright'
  'path-exclude=/usr/share/lintian/*'
)

vm_packages() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$VM_DIR/packages.txt"; }

# The hash covers what the tarball is made from; host-setup.sh too, since customize.sh takes the Podman
# settings from it.
vm_rootfs_hash() {
  {
    vm_hash_files "$VM_DIR" packages.txt rootfs lib/rootfs.sh
    vm_hash_files "$ROOT_DIR" provisioning/host-setup.sh
    printf 'sources %s\n' "${LABHUB_APT_SOURCES:-host}"
  } | sha256sum | cut -d' ' -f1
}

# The apt sources (one-line format) to build from: LABHUB_APT_SOURCES, else the host's own bookworm
# sources (the mirror this host can reach), else deb.debian.org.
vm_apt_sources() {
  if [[ -n ${LABHUB_APT_SOURCES:-} ]]; then
    [[ -r $LABHUB_APT_SOURCES ]] || vm_die "LABHUB_APT_SOURCES=$LABHUB_APT_SOURCES is not a readable file"
    grep -E '^[[:space:]]*deb[[:space:]]' "$LABHUB_APT_SOURCES"
    return
  fi
  local lines
  # shellcheck disable=SC2016 # apt's own format
  lines=$(apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE) $(TARGET_OF)' 2>/dev/null |
    awk -v s="$VM_SUITE" '$3 == "deb" && ($2 == s || $2 == s "-updates" || $2 == s "-security") { print "deb " $1 " " $2 " main" }' |
    sort -u) || true
  if [[ -n $lines ]]; then
    printf '%s\n' "$lines"
  else
    printf 'deb http://deb.debian.org/debian %s main\n' "$VM_SUITE" "$VM_SUITE-updates"
    printf 'deb http://deb.debian.org/debian-security %s-security main\n' "$VM_SUITE"
  fi
}

# vm_stage_rootfs TAR: builds TAR unless it exists (or --force).
vm_stage_rootfs() {
  local tar=$1 t1 tmp log
  if [[ -s $tar ]] && ! $FORCE; then
    vm_say "[1/3] root file system: cached ($(vm_rel "$tar"))"
    return 0
  fi
  t1=$(vm_now)
  vm_tmpdir
  tmp=$VM_TMP
  log=$tmp/mmdebstrap.log
  local pkgs cache=${LABHUB_KERNEL_CACHE:-/var/cache/labhub/debs}
  pkgs=$(vm_packages | paste -sd, -)
  vm_say "[1/3] root file system: mmdebstrap $VM_SUITE with $(vm_packages | wc -l) packages (log: $log)"
  local -a args=(--variant=apt --mode=root --format=tar --verbose "--include=$pkgs"
    --aptopt='Acquire::Retries "3"' --aptopt='Acquire::Languages "none"')
  local opt
  for opt in "${VM_DPKG_EXCLUDES[@]}"; do args+=("--dpkgopt=$opt"); done
  # With the manual pages left out, update-alternatives still links them (the JRE's java.1.gz) and
  # fails when the folder is missing.
  # shellcheck disable=SC2016
  args+=('--essential-hook=mkdir -p "$1"/usr/share/man/man1')
  # The .deb cache the kernel images use: most packages are downloaded once for both.
  if [[ $cache != none ]]; then
    mkdir -p "$cache"
    # shellcheck disable=SC2016 # $1 is for mmdebstrap's hook shell
    args+=(--skip=essential/unlink --skip=download/empty
      --setup-hook='mkdir -p "$1"/var/cache/apt/archives/'
      "--setup-hook=sync-in $cache /var/cache/apt/archives/"
      "--customize-hook=sync-out /var/cache/apt/archives $cache")
  fi
  # shellcheck disable=SC2016
  args+=("--customize-hook=$(printf '%q' "$VM_DIR/rootfs/customize.sh") \"\$1\"")
  local -a mirrors
  mapfile -t mirrors < <(vm_apt_sources)
  local status=0
  VM_PARTIAL+=("$tar.part")
  TMPDIR=$tmp mmdebstrap "${args[@]}" "$VM_SUITE" "$tar.part" "${mirrors[@]}" </dev/null >"$log" 2>&1 || status=$?
  if ((status != 0)) || [[ ! -s $tar.part ]]; then
    mkdir -p "$OUT"
    cp "$log" "$OUT/mmdebstrap.log" 2>/dev/null || true
    grep -E '^(E|W): ' "$log" | grep -v unsandboxed | head -n 10 | sed 's/^/  | /' >&2
    tail -n 15 "$log" | sed 's/^/  | /' >&2
    vm_die "[1/3] mmdebstrap failed (exit $status); full log in $(vm_rel "$OUT/mmdebstrap.log")"
  fi
  mv -f "$tar.part" "$tar"
  cp "$log" "$OUT/mmdebstrap.log"
  vm_say "[1/3] root file system: $(vm_human "$(stat -c %s "$tar")") in $(vm_elapsed "$t1")"
}
