#!/usr/bin/env bash
# kernels/build.sh [--force] [--all | NAME...]: builds notebook images from the recipes in kernels/
# (default: minimal python), from Debian packages only. Run through `./labhub kernels build`.
#
# For each recipe: [1/3] mmdebstrap installs the recipe's packages into a fresh Debian 12 rootfs
# and runs kernels/common/customize.sh in it; [2/3] `podman import` turns the rootfs tarball into
# an image with the start command, user and labels; [3/3] the image is tagged
# localhost/labhub/kernel-NAME:<hash12> and :latest and described in kernels/.built/NAME.json.
# The hash covers the recipe, kernels/common/ and this script: when an image with
# that hash exists, the recipe is up to date and nothing is rebuilt (--force rebuilds anyway).
#
# Environment:
#   LABHUB_SNAPSHOT=YYYYMMDDTHHMMSSZ  build from snapshot.debian.org at that date (needs that host)
#   LABHUB_APT_SOURCES=FILE           one-line apt sources to build from (default: the host's
#                                     bookworm, bookworm-updates and bookworm-security sources)
#   LABHUB_KERNEL_CACHE=DIR|none      .deb cache kept between builds (root: /var/cache/labhub/debs)
#   LABHUB_KERNEL_TMP=DIR             where the rootfs is built (default /var/tmp; needs ~3x the image size)
set -euo pipefail

# shellcheck source=kernels/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

SUITE=bookworm
FORCE=false
# Things no notebook needs, kept out of every image at unpack time (copyright files stay).
DPKG_EXCLUDES=(
  'path-exclude=/usr/share/man/*'
  'path-exclude=/usr/share/locale/*'
  'path-exclude=/usr/share/doc/*'
  'path-include=/usr/share/doc/*/copyright'
  'path-exclude=/usr/share/lintian/*'
)

usage() {
  cat <<'EOF'
Usage: ./labhub kernels build [--force] [--all | NAME...]

Builds the notebook images of the named recipes in kernels/ (default: minimal python; --all: every
recipe) with mmdebstrap and podman import. A recipe whose image is already built is skipped.
  --force   rebuild even if an image for the recipe's current hash exists
EOF
}

now() { printf '%s\n' "${EPOCHREALTIME/,/.}"; }
# elapsed START: seconds since START, rounded (e.g. "84 s", or "0.3 s" under ten seconds).
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { d = b - a; printf (d < 10 ? "%.1f s" : "%d s"), d }'; }

labhub_version() {
  local v
  v=$(awk '/<parent>/ { p = 1 } /<\/parent>/ { p = 0; next }
    !p && /<version>/ { gsub(/.*<version>|<\/version>.*/, ""); print; exit }' "$KERNELS_DIR/../pom.xml" 2>/dev/null) || true
  printf '%s\n' "${v:-unknown}"
}

# The apt sources lines (one-line format) the image is built from.
apt_sources() {
  if [[ -n ${LABHUB_SNAPSHOT:-} ]]; then
    local s=http://snapshot.debian.org/archive
    printf 'deb %s/debian/%s %s main\n' "$s" "$LABHUB_SNAPSHOT" "$SUITE" "$s" "$LABHUB_SNAPSHOT" "$SUITE-updates"
    printf 'deb %s/debian-security/%s %s-security main\n' "$s" "$LABHUB_SNAPSHOT" "$SUITE"
  elif [[ -n ${LABHUB_APT_SOURCES:-} ]]; then
    [[ -r $LABHUB_APT_SOURCES ]] || kl_die "LABHUB_APT_SOURCES=$LABHUB_APT_SOURCES is not a readable file"
    grep -E '^[[:space:]]*deb[[:space:]]' "$LABHUB_APT_SOURCES"
  else
    # The host's own Debian sources for this suite, so the build uses the mirror the host can reach.
    local lines
    # shellcheck disable=SC2016 # apt's own format
    lines=$(apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE) $(TARGET_OF)' 2>/dev/null |
      awk -v s="$SUITE" '$3 == "deb" && ($2 == s || $2 == s "-updates" || $2 == s "-security") { print "deb " $1 " " $2 " main" }' |
      sort -u) || true
    if [[ -n $lines ]]; then
      printf '%s\n' "$lines"
    else
      printf 'deb http://deb.debian.org/debian %s main\n' "$SUITE" "$SUITE-updates"
      printf 'deb http://deb.debian.org/debian-security %s-security main\n' "$SUITE"
    fi
  fi
}

check_snapshot() {
  [[ -n ${LABHUB_SNAPSHOT:-} ]] || return 0
  [[ $LABHUB_SNAPSHOT =~ ^[0-9]{8}T[0-9]{6}Z$ ]] ||
    kl_die "LABHUB_SNAPSHOT must look like 20250520T000000Z, not '$LABHUB_SNAPSHOT'"
  local url=http://snapshot.debian.org/archive/debian/$LABHUB_SNAPSHOT/dists/$SUITE/Release
  curl -fsS -o /dev/null --max-time 20 "$url" 2>/dev/null ||
    kl_die "LABHUB_SNAPSHOT is set but $url cannot be fetched: snapshot.debian.org is not reachable from this host (offline builds cannot pin a date; unset LABHUB_SNAPSHOT)"
}

cache_dir() {
  local c=${LABHUB_KERNEL_CACHE:-}
  if [[ -z $c ]]; then
    if (($(id -u) == 0)); then c=/var/cache/labhub/debs; else c=${XDG_CACHE_HOME:-$HOME/.cache}/labhub/debs; fi
  fi
  [[ $c == none ]] && return 0
  [[ $c != *[[:space:]]* ]] || kl_die "LABHUB_KERNEL_CACHE must not contain spaces: '$c'"
  mkdir -p "$c" || kl_die "cannot create the package cache $c (set LABHUB_KERNEL_CACHE=none to build without one)"
  printf '%s\n' "$c"
}

# prune_cache DIR PACKAGES_FILE: drops cached .debs of packages this build installed in another
# version (superseded by an update), so the cache does not grow with every point release.
prune_cache() {
  local dir=$1 list=$2 f base pkg ver
  local -A have=()
  while IFS=$'\t' read -r pkg ver; do have[${pkg%%:*}]=$ver; done <"$list"
  for f in "$dir"/*.deb; do
    [[ -e $f ]] || continue
    base=${f##*/}
    IFS=_ read -r pkg ver _ <<<"${base%.deb}"
    ver=${ver//%3a/:}
    if [[ -n ${have[$pkg]:-} && ${have[$pkg]} != "$ver" ]]; then rm -f "$f"; fi
  done
}

# Compact progress from mmdebstrap --verbose: its own "I:" stage lines, and every 5 s at most a
# count of the packages apt has downloaded (the cache spares most of them on a rebuild) and dpkg has
# unpacked and set up. The log has everything.
progress() {
  local start=$1 line got=0 unpacked=0 setup=0 last=0 changed=false what='' downloading=false
  while IFS= read -r line; do
    case $line in
      'I: running --'*' in shell: '* | 'I: running special hook: '*)
        # The hook's command line is long: show the kind of hook and its first word only.
        line=${line#I: running } line=${line/ in shell: sh -c \'/: } line=${line/special hook: /}
        printf '      %6s  hook %s\n' "$(elapsed "$start")" "${line%% \"*}" ;;
      'I: '*)
        [[ $line != *'downloading packages'* ]] || downloading=true
        case $line in
          *'labhub:'* | *'apt-get update'* | *'essential'* | *'remaining packages'* | *'downloading'* | \
            *'creating tarball'* | *'cleaning'* | *'success'* | *'extracting'* | *'installing'* | *'chroot'*)
            printf '      %6s  %s\n' "$(elapsed "$start")" "${line#I: }" ;;
        esac ;;
      'W: '*'unsandboxed'*) ;;
      'W: '* | 'E: '*) printf '      %6s  %s\n' "$(elapsed "$start")" "$line" ;;
      'Get:'*) if $downloading; then got=$((got + 1)) changed=true; fi ;;
      'Unpacking '*) unpacked=$((unpacked + 1)) changed=true what=${line#Unpacking } ;;
      'Setting up '*) setup=$((setup + 1)) changed=true what=${line#Setting up } ;;
    esac
    if $changed && ((EPOCHSECONDS - last >= 5)); then
      printf '      %6s  %d downloaded, %d unpacked, %d set up%s\n' "$(elapsed "$start")" \
        "$got" "$unpacked" "$setup" "${what:+ (${what%% *})}"
      last=$EPOCHSECONDS changed=false
    fi
  done
}

# State of the build in progress, for the exit trap.
TMP='' IMPORTED='' TAGGED=false
cleanup() {
  local status=$?
  if [[ -n $IMPORTED ]] && ! $TAGGED; then
    podman rmi -f "$IMPORTED" >/dev/null 2>&1 || true
  fi
  if [[ -n $TMP && -d $TMP ]]; then
    # mmdebstrap mounts /proc, /sys and /dev into its chroot; if it was killed, unmount before removing.
    local m
    awk -v t="$TMP/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo 2>/dev/null | sort -r |
      while IFS= read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf --one-file-system "$TMP"
  fi
  TMP='' IMPORTED=''
  return "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

validate_recipe() {
  local name=$1 key val
  [[ $(kl_manifest "$name" name) == "$name" ]] || kl_die "$name/manifest.toml: name must be \"$name\""
  for key in display_name description language kernel default_cpus default_memory test.code test.expect; do
    val=$(kl_manifest "$name" "$key")
    [[ -n $val ]] || kl_die "$name/manifest.toml: missing $key"
    [[ $val != *[\"\\]* ]] || kl_die "$name/manifest.toml: $key must not contain quotes or backslashes"
  done
  [[ $(kl_manifest "$name" default_cpus) =~ ^[0-9]+(\.[0-9]+)?$ ]] || kl_die "$name/manifest.toml: default_cpus must be a number"
  [[ $(kl_manifest "$name" default_memory) =~ ^[0-9]+[KMG]$ ]] || kl_die "$name/manifest.toml: default_memory must look like 2G or 512M"
  [[ -f $KERNELS_DIR/$name/packages.txt ]] || kl_die "$name/packages.txt is missing"
  local -a pkgs
  mapfile -t pkgs < <(kl_packages "$name")
  ((${#pkgs[@]})) || kl_die "$name/packages.txt lists no packages"
  local p
  for p in "${pkgs[@]}"; do
    [[ $p =~ ^[a-z0-9][a-z0-9.+-]+$ ]] || kl_die "$name/packages.txt: '$p' is not a Debian package name"
  done
}

# check_packages NAME: a misspelt package would otherwise fail only after mmdebstrap has installed
# the essential set (a minute). The host's apt lists are for the same suite when the build uses the
# host's sources; with other sources, or no lists on the host, mmdebstrap is left to find out.
check_packages() {
  [[ -z ${LABHUB_SNAPSHOT:-}${LABHUB_APT_SOURCES:-} ]] || return 0
  local -a pkgs unknown=()
  local known p
  mapfile -t pkgs < <(kl_packages "$1")
  known=$(apt-cache policy apt "${pkgs[@]}" 2>/dev/null | sed -n 's/^\([^ ].*\):$/\1/p') || return 0
  grep -qx apt <<<"$known" || return 0
  for p in "${pkgs[@]}"; do
    grep -qxF "$p" <<<"$known" || unknown+=("$p")
  done
  ((${#unknown[@]} == 0)) ||
    kl_die "$1/packages.txt: not in the host's apt lists: ${unknown[*]} (misspelt? or run apt-get update)"
}

# write_json NAME HASH REF PACKAGES_FILE SECONDS_JSON: kernels/.built/NAME.json from the image as Podman has it.
write_json() {
  local name=$1 hash=$2 ref=$3 pkgfile=$4 times=$5 info out
  info=$(podman image inspect --format '{{.Id}} {{.Digest}} {{.Size}} {{.Created.UTC.Format "2006-01-02T15:04:05Z"}}' "$ref") ||
    kl_die "podman image inspect $ref failed"
  local id digest size created
  read -r id digest size created <<<"$info"
  mkdir -p "$KERNELS_BUILT"
  out=$(mktemp "$KERNELS_BUILT/.$name.json.XXXXXX")
  jq -n --arg name "$name" --arg display "$(kl_manifest "$name" display_name)" \
    --arg ref "$ref" --arg latest "$(kl_image_repo "$name"):latest" --arg id "$id" --arg digest "$digest" \
    --arg hash "$hash" --argjson size "$size" --arg created "$created" --arg version "$(labhub_version)" \
    --arg snapshot "${LABHUB_SNAPSHOT:-}" --arg suite "$SUITE" --argjson seconds "$times" \
    --rawfile pkgs "$pkgfile" '
    ($pkgs | split("\n") | map(select(length > 0) | split("\t") | {key: .[0], value: .[1]}) | from_entries) as $p |
    { name: $name, display_name: $display, image: $ref, image_latest: $latest, image_id: $id, digest: $digest,
      recipe_hash: $hash, labhub_version: $version, suite: $suite,
      snapshot: (if $snapshot == "" then null else $snapshot end),
      created: $created, size_bytes: $size, build_seconds: $seconds,
      package_count: ($p | length), packages: $p }' >"$out" || { rm -f "$out"; kl_die "writing $KERNELS_BUILT/$name.json failed"; }
  mv -f "$out" "$KERNELS_BUILT/$name.json"
}

# The image is up to date: make sure :latest and the .json point at it too.
refresh_up_to_date() {
  local name=$1 hash=$2 ref=$3 latest id latest_id
  latest=$(kl_image_repo "$name"):latest
  id=$(podman image inspect --format '{{.Id}}' "$ref")
  latest_id=$(podman image inspect --format '{{.Id}}' "$latest" 2>/dev/null) || true
  [[ $id == "$latest_id" ]] || podman tag "$ref" "$latest"
  if [[ $(jq -r .recipe_hash "$KERNELS_BUILT/$name.json" 2>/dev/null) != "$hash" ]]; then
    local tmp
    tmp=$(mktemp)
    podman run --rm --network=none --entrypoint cat "$ref" /usr/share/labhub/packages.txt >"$tmp" 2>/dev/null || true
    write_json "$name" "$hash" "$ref" "$tmp" null
    rm -f "$tmp"
  fi
}

build_one() {
  local name=$1 t0 hash ref latest
  t0=$(now)
  kl_check_name "$name"
  validate_recipe "$name"
  hash=$(kl_recipe_hash "$name")
  ref=$(kl_image_ref "$name" "$hash")
  latest=$(kl_image_repo "$name"):latest
  if ! $FORCE && kl_built_ok "$name" "$hash"; then
    refresh_up_to_date "$name" "$hash" "$ref"
    printf 'kernel %s: up to date (%s) [%s]\n' "$name" "$ref" "$(elapsed "$t0")"
    return 0
  fi

  check_packages "$name"

  # One build per recipe at a time (a second ./labhub kernels build waits for the first).
  mkdir -p "$KERNELS_BUILT"
  local lockfd
  exec {lockfd}>"$KERNELS_BUILT/.$name.lock"
  if ! flock -n "$lockfd"; then
    kl_say "kernel $name: another build of it is running; waiting for it"
    flock "$lockfd"
    if ! $FORCE && kl_built_ok "$name" "$hash"; then
      printf 'kernel %s: up to date (%s), built by the other run\n' "$name" "$ref"
      exec {lockfd}>&-
      return 0
    fi
  fi

  local base=${LABHUB_KERNEL_TMP:-/var/tmp}
  TMP=$(mktemp -d "$base/labhub-kernel-$name.XXXXXX") || kl_die "cannot create a temp folder in $base"
  chmod 0755 "$TMP" # apt downloads as the _apt user, which must reach the rootfs inside
  local free_kb
  free_kb=$(df -Pk "$TMP" | awk 'NR == 2 { print $4 }')
  if ((free_kb < 6 * 1024 * 1024)); then
    kl_say "kernel $name: warning: only $((free_kb / 1024)) MB free in $base; a big image needs about three times its size (rootfs, tarball, Podman's copy); set LABHUB_KERNEL_TMP to build elsewhere"
  fi
  local cache sources pkgs
  cache=$(cache_dir)
  sources=$(apt_sources)
  pkgs=$(kl_packages "$name" | paste -sd, -)
  printf 'kernel %s: building %s\n' "$name" "$ref"
  printf '  packages: %s\n' "${pkgs//,/ }"
  printf '  from:     %s\n' "$(awk '{ print $2 " " $3 }' <<<"$sources" | paste -sd';' - | sed 's/;/; /g')"

  # [1/3] rootfs
  local t1 log=$TMP/mmdebstrap.log
  t1=$(now)
  printf '[1/3] resolving, downloading and installing packages (mmdebstrap)\n'
  local -a args=(--variant=apt --mode=auto --format=tar --verbose "--include=$pkgs"
    --aptopt='Acquire::Retries "3"' --aptopt='Acquire::Languages "none"')
  local opt
  for opt in "${DPKG_EXCLUDES[@]}"; do args+=("--dpkgopt=$opt"); done
  if [[ -n ${LABHUB_SNAPSHOT:-} ]]; then args+=(--aptopt='Acquire::Check-Valid-Until "false"'); fi
  if [[ -n $cache ]]; then
    # shellcheck disable=SC2016 # $1 is for mmdebstrap's hook shell
    args+=(--skip=essential/unlink --skip=download/empty
      --setup-hook='mkdir -p "$1"/var/cache/apt/archives/'
      "--setup-hook=sync-in $cache /var/cache/apt/archives/"
      "--customize-hook=sync-out /var/cache/apt/archives $cache")
  fi
  local hook
  # shellcheck disable=SC2016 # $1 is the rootfs, given to the hook by mmdebstrap
  printf -v hook '%q "$1" %q %q %q' "$KERNELS_DIR/common/customize.sh" "$name" "$hash" "$TMP"
  args+=("--customize-hook=$hook")
  local -a mirrors=()
  mapfile -t mirrors <<<"$sources"
  local status=0
  TMPDIR=$TMP mmdebstrap "${args[@]}" "$SUITE" "$TMP/rootfs.tar" "${mirrors[@]}" </dev/null 2>&1 |
    tee "$log" | progress "$t1" || status=$?
  ((status == 0)) || status=${PIPESTATUS[0]}
  if ((status != 0)) || [[ ! -s $TMP/rootfs.tar ]]; then
    mkdir -p "$KERNELS_BUILT"
    cp "$log" "$KERNELS_BUILT/$name.log" 2>/dev/null || true
    kl_say "kernel $name: mmdebstrap failed (exit $status); errors and last lines of its log:"
    {
      grep -E '^(E|W): ' "$log" | grep -v 'unsandboxed' | head -n 10
      printf '  ...\n'
      grep -v -E '^(Get:|Selecting|Preparing|Unpacking|Setting up|Processing|\(Reading)' "$log" | tail -n 12
    } | sed 's/^/  | /' >&2
    kl_die "kernel $name: build failed; full log in ${KERNELS_BUILT#"$PWD"/}/$name.log; nothing was tagged"
  fi
  local s1 d1
  s1=$(elapsed "$t1") d1=$(awk -v a="$t1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
  printf '[1/3] resolving, downloading and installing packages (mmdebstrap)… %s (rootfs %s)\n' "$s1" \
    "$(kl_human "$(stat -c %s "$TMP/rootfs.tar")")"
  if [[ -n $cache ]]; then prune_cache "$cache" "$TMP/packages.txt"; fi

  # [2/3] image
  local t2 d2 labels=() k v
  t2=$(now)
  printf '[2/3] importing into Podman…\n'
  for k in display_name description language default_cpus default_memory; do
    v=$(kl_manifest "$name" "$k")
    labels+=(--change "LABEL org.labhub.${k//_/-}=\"$v\"")
  done
  labels+=(--change "LABEL org.labhub.kernelspec=\"$(kl_manifest "$name" kernel)\"")
  labels+=(--change "LABEL org.labhub.kernel=\"$name\""
    --change "LABEL org.labhub.recipe-hash=\"$hash\""
    --change "LABEL org.labhub.version=\"$(labhub_version)\""
    --change "LABEL org.labhub.suite=\"$SUITE\""
    --change "LABEL org.labhub.snapshot=\"${LABHUB_SNAPSHOT:-}\""
    --change "LABEL org.labhub.test-code=\"$(kl_manifest "$name" test.code)\""
    --change "LABEL org.labhub.test-expect=\"$(kl_manifest "$name" test.expect)\""
    --change "LABEL org.opencontainers.image.title=\"labhub kernel $name\"")
  IMPORTED=$(podman import --quiet \
    --change 'ENTRYPOINT ["/usr/bin/tini", "--"]' \
    --change 'CMD ["/usr/local/bin/labhub-notebook"]' \
    --change 'ENV LANG=C.UTF-8' --change 'ENV HOME=/home/jovyan' --change 'ENV SHELL=/bin/bash' \
    --change 'ENV USER=jovyan' \
    --change 'USER 1000:1000' --change 'WORKDIR /home/jovyan' \
    "${labels[@]}" \
    --message "labhub kernel $name, recipe $hash" \
    "$TMP/rootfs.tar" 2>"$TMP/import.err") || {
    IMPORTED=''
    sed 's/^/  | /' "$TMP/import.err" >&2
    kl_die "kernel $name: podman import failed; nothing was tagged"
  }
  IMPORTED=${IMPORTED##*$'\n'}
  IMPORTED=${IMPORTED#sha256:}
  rm -f "$TMP/rootfs.tar"
  podman tag "$IMPORTED" "$ref" "$latest" 2>"$TMP/tag.err" || {
    podman untag "$IMPORTED" >/dev/null 2>&1 || true
    sed 's/^/  | /' "$TMP/tag.err" >&2
    kl_die "kernel $name: podman tag failed; the new image was removed"
  }
  TAGGED=true
  d2=$(awk -v a="$t2" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
  printf '[2/3] importing into Podman… %s\n' "$(elapsed "$t2")"

  # [3/3] record
  printf '[3/3] recording manifest\n'
  local total
  total=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
  write_json "$name" "$hash" "$ref" "$TMP/packages.txt" \
    "{\"total\": $total, \"mmdebstrap\": $d1, \"import\": $d2}"
  cp "$log" "$KERNELS_BUILT/$name.log"
  local size count
  size=$(jq -r .size_bytes "$KERNELS_BUILT/$name.json")
  count=$(jq -r .package_count "$KERNELS_BUILT/$name.json")
  printf 'kernel %s: built %s in %s: %s, %s packages (%s)\n' "$name" "$ref" "$(elapsed "$t0")" \
    "$(kl_human "$size")" "$count" "${KERNELS_BUILT#"$PWD"/}/$name.json"
  cleanup
  TAGGED=false
  exec {lockfd}>&-
}

main() {
  local -a names=()
  while (($#)); do
    case $1 in
      -h | --help) usage; exit 0 ;;
      --force) FORCE=true ;;
      --all) mapfile -t -O "${#names[@]}" names < <(kl_names) ;;
      -*) kl_say "kernels build: unknown option $1"; usage >&2; exit 2 ;;
      *) names+=("$1") ;;
    esac
    shift
  done
  ((${#names[@]})) || names=("${KERNELS_DEFAULT[@]}")
  local n
  for n in "${names[@]}"; do kl_check_name "$n"; done

  command -v podman >/dev/null 2>&1 || kl_die "podman not found: run provisioning/host-setup.sh as root"
  command -v mmdebstrap >/dev/null 2>&1 || kl_die "mmdebstrap not found: run provisioning/host-setup.sh as root"
  command -v jq >/dev/null 2>&1 || kl_die "jq not found: run provisioning/host-setup.sh as root"
  if (($(id -u) != 0)); then
    kl_say "kernels: note: not root: mmdebstrap runs in unshare mode (needs your range in /etc/subuid) and the images go to your own rootless Podman storage, which a hub run by root does not see"
  fi
  check_snapshot
  for n in "${names[@]}"; do build_one "$n"; done
}

main "$@"; exit $?  # one line: bash has read all of it before running, so editing this file mid-build is safe
