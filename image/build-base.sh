#!/usr/bin/env bash
# image/build-base.sh [--force]: builds the JRE base image the hub's container image is made from, from Debian
# packages only (image/packages.txt), and prints the path of its docker-archive tarball, which Jib reads
# (<from><image>tar:///…</image></from>; a docker:// base through Podman fails, Jib #4134).
#
# [1/3] mmdebstrap --variant=essential installs the packages into a fresh Debian 12 rootfs (no apt, no init);
# [2/3] `podman import` makes it an image localhost/labhub/jre-base:<hash12> with the locale and PATH set;
# [3/3] `podman save --format docker-archive` writes image/.built/jre-base-<hash12>.tar.
# The hash covers this folder (like kernels/): when that tarball and image exist, nothing is rebuilt.
# Uses the host's bookworm sources and the .deb cache of kernels/build.sh (LABHUB_KERNEL_CACHE, LABHUB_KERNEL_TMP).
set -euo pipefail

IMAGE_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
BUILT=$IMAGE_DIR/.built
REPO=localhost/labhub/jre-base
SUITE=bookworm
FORCE=false
DPKG_EXCLUDES=(
  'path-exclude=/usr/share/man/*'
  'path-exclude=/usr/share/locale/*'
  'path-exclude=/usr/share/doc/*'
  'path-include=/usr/share/doc/*/copyright'
  'path-exclude=/usr/share/lintian/*'
  'path-exclude=/usr/share/info/*'
)

say() { printf '%s\n' "$*" >&2; }
die() { printf 'image base: %s\n' "$*" >&2; exit 1; }
now() { printf '%s\n' "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { d = b - a; printf (d < 10 ? "%.1f s" : "%d s"), d }'; }

case ${1:-} in
  '') ;;
  --force) FORCE=true ;;
  *) say "usage: image/build-base.sh [--force]"; exit 2 ;;
esac

# sha256 over every file of the recipe (names and executable bits count, as in kernels/lib.sh).
recipe_hash() {
  (
    cd "$IMAGE_DIR" || exit 1
    find . -path ./.built -prune -o -type f ! -name '*~' ! -name '.*.swp' -print0 | LC_ALL=C sort -z |
      while IFS= read -r -d '' f; do
        printf '%s %s %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$([[ -x $f ]] && echo x || echo -)" "$f"
      done
  ) | sha256sum | cut -d' ' -f1
}

packages() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$IMAGE_DIR/packages.txt"; }

# The host's own Debian sources for the suite (the mirror it can reach), as kernels/build.sh does.
apt_sources() {
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
}

cache_dir() {
  local c=${LABHUB_KERNEL_CACHE:-}
  [[ -n $c ]] || c=/var/cache/labhub/debs
  [[ $c == none ]] && return 0
  mkdir -p "$c" || return 0
  printf '%s\n' "$c"
}

(($(id -u) == 0)) || die "needs root: the image goes to root's Podman storage (run ./labhub image as root)"
command -v mmdebstrap >/dev/null 2>&1 || die "mmdebstrap not found: run provisioning/host-setup.sh as root"
command -v podman >/dev/null 2>&1 || die "podman not found: run provisioning/host-setup.sh as root"

HASH=$(recipe_hash)
REF=$REPO:${HASH:0:12}
TAR=$BUILT/jre-base-${HASH:0:12}.tar
label=$(podman image inspect --format '{{index .Labels "org.labhub.recipe-hash"}}' "$REF" 2>/dev/null) || label=''
if ! $FORCE && [[ $label == "$HASH" && -s $TAR ]]; then
  say "image base: up to date ($REF)"
  printf '%s\n' "$TAR"
  exit 0
fi

mkdir -p "$BUILT"
exec {lockfd}>"$BUILT/.lock"
flock "$lockfd"
t0=$(now)
TMP=$(mktemp -d "${LABHUB_KERNEL_TMP:-/var/tmp}/labhub-jre-base.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
chmod 0755 "$TMP" # apt downloads as the _apt user
pkgs=$(packages | paste -sd, -)
say "image base: building $REF from: ${pkgs//,/ }"
args=(--variant=essential --mode=auto --format=tar "--include=$pkgs"
  --aptopt='Acquire::Retries "3"' --aptopt='Acquire::Languages "none"' --aptopt='APT::Install-Recommends "false"')
for opt in "${DPKG_EXCLUDES[@]}"; do args+=("--dpkgopt=$opt"); done
cache=$(cache_dir)
if [[ -n $cache ]]; then
  # shellcheck disable=SC2016 # $1 is for mmdebstrap's hook shell
  args+=(--skip=essential/unlink --skip=download/empty
    --setup-hook='mkdir -p "$1"/var/cache/apt/archives/'
    "--setup-hook=sync-in $cache /var/cache/apt/archives/"
    "--customize-hook=sync-out /var/cache/apt/archives $cache")
fi
# Man pages are left out, but update-alternatives (openjdk's postinst) links java.1.gz there and fails without the folder.
# shellcheck disable=SC2016
args+=(--setup-hook='mkdir -p "$1"/usr/share/man/man1' "--customize-hook=$IMAGE_DIR/customize.sh \"\$1\"")
mapfile -t mirrors < <(apt_sources)
say "[1/3] mmdebstrap (packages from ${mirrors[0]#deb }…)"
if ! TMPDIR=$TMP mmdebstrap "${args[@]}" "$SUITE" "$TMP/rootfs.tar" "${mirrors[@]}" </dev/null >"$TMP/mmdebstrap.log" 2>&1; then
  cp "$TMP/mmdebstrap.log" "$BUILT/mmdebstrap.log"
  grep -E '^(E|W): ' "$TMP/mmdebstrap.log" | grep -v unsandboxed | head -n 10 | sed 's/^/  | /' >&2
  tail -n 12 "$TMP/mmdebstrap.log" | sed 's/^/  | /' >&2
  die "mmdebstrap failed; full log in image/.built/mmdebstrap.log"
fi
say "[1/3] mmdebstrap: $(elapsed "$t0"), rootfs $(du -h "$TMP/rootfs.tar" | cut -f1)"

t1=$(now)
java_home=/usr/lib/jvm/java-17-openjdk-amd64
tar -tf "$TMP/rootfs.tar" >"$TMP/files.txt"
grep -qx "\./${java_home#/}/bin/java" "$TMP/files.txt" || die "the rootfs has no $java_home/bin/java"
id=$(podman import --quiet \
  --change 'ENV LANG=C.UTF-8' --change 'ENV LC_ALL=C.UTF-8' \
  --change "ENV JAVA_HOME=$java_home" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "LABEL org.labhub.recipe-hash=\"$HASH\"" \
  --change "LABEL org.opencontainers.image.title=\"labhub JRE base (Debian $SUITE)\"" \
  --message "labhub JRE base, recipe $HASH" \
  "$TMP/rootfs.tar") || die "podman import failed"
podman tag "${id##*$'\n'}" "$REF" "$REPO:latest" || die "podman tag failed"
say "[2/3] podman import: $(elapsed "$t1")"

t2=$(now)
rm -f "$BUILT"/jre-base-*.tar "$TMP/base.tar"
podman save --format docker-archive -o "$TMP/base.tar" "$REF" || die "podman save failed"
mv -f "$TMP/base.tar" "$TAR"
say "[3/3] podman save: $(elapsed "$t2"); base $REF, $(du -h "$TAR" | cut -f1) tarball, built in $(elapsed "$t0")"
printf '%s\n' "$TAR"
