#!/usr/bin/env bash
# Installs labhub on a Debian 12 server from this source checkout, upgrades an existing install, or
# removes it. Run as root. Every step checks first, so running it again changes nothing.
#
#   provisioning/install.sh [--offline] [--no-start] [--skip-kernels] [--hostname NAME]
#                           [--tls self-signed | --tls-cert PEM --tls-key PEM] [--admin-password-file FILE]
#   provisioning/install.sh --uninstall [--purge]
#
# Exit codes: 0 done; 1 a step failed (the message says which); 2 bad arguments; 3 --offline and Debian
# packages are missing (the list is printed); 4 an upgrade failed and the previous release was put back;
# 5 not root or not a Debian host. docs/install.md is the operator's guide.
set -euo pipefail

SRC=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)

# Where things go (docs/install.md, "Where things live").
OPT=/opt/labhub
RELEASES=$OPT/releases
CURRENT=$OPT/current
ETC=/etc/labhub
CONF=$ETC/labhub.conf
DATA=/var/lib/labhub
BACKUPS=/var/lib/labhub-backups
WRAPPER=/usr/local/bin/labhub
UNIT=/etc/systemd/system/labhub.service
INIT_STAMP=$ETC/.install-init
KEEP_RELEASES=3
# Read, then removed from the environment: the hub refuses LABHUB_* variables that are not settings.
HEALTH_WAIT=${LABHUB_HEALTH_WAIT:-180}
RELEASE_NAME=${LABHUB_RELEASE_NAME:-}
unset LABHUB_HEALTH_WAIT LABHUB_RELEASE_NAME

# The Debian packages a labhub server runs with (the build needs more: provisioning/host-setup.sh).
RUNTIME_PACKAGES=(openjdk-17-jre-headless podman runc uidmap acl ca-certificates curl)
# Building the notebook images (kernels/build.sh) needs these too.
KERNEL_BUILD_PACKAGES=(mmdebstrap jq)

say() { printf 'install: %s\n' "$*"; }
warn() { printf 'install: warning: %s\n' "$*" >&2; }
die() { printf 'install: %s\n' "$*" >&2; exit "${2:-1}"; }

usage() {
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

usage_error() {
  printf 'install: %s\n' "$*" >&2
  usage >&2
  exit 2
}

OFFLINE=false NO_START=false SKIP_KERNELS=false UNINSTALL=false PURGE=false
HOSTNAME_ARG='' TLS_MODE='' TLS_CERT='' TLS_KEY='' PASSWORD_FILE=''

parse_args() {
  while (($#)); do
    case $1 in
      --offline) OFFLINE=true ;;
      --no-start) NO_START=true ;;
      --skip-kernels) SKIP_KERNELS=true ;;
      --uninstall) UNINSTALL=true ;;
      --purge) PURGE=true ;;
      --hostname | --tls | --tls-cert | --tls-key | --admin-password-file)
        if (($# < 2)) || [[ -z $2 ]]; then usage_error "$1 needs a value"; fi
        case $1 in
          --hostname) HOSTNAME_ARG=$2 ;;
          --tls) TLS_MODE=$2 ;;
          --tls-cert) TLS_CERT=$(realpath -m -- "$2") ;;
          --tls-key) TLS_KEY=$(realpath -m -- "$2") ;;
          --admin-password-file) PASSWORD_FILE=$(realpath -m -- "$2") ;;
        esac
        shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage_error "unknown argument: $1" ;;
    esac
    shift
  done
  if $UNINSTALL; then
    if [[ -n $HOSTNAME_ARG$TLS_MODE$TLS_CERT$TLS_KEY$PASSWORD_FILE ]] || $OFFLINE || $NO_START || $SKIP_KERNELS; then
      usage_error "--uninstall takes only --purge"
    fi
    return
  fi
  $PURGE && usage_error "--purge goes with --uninstall"
  case $TLS_MODE in
    '' | self-signed | none) ;;
    *) usage_error "--tls takes self-signed or none (a certificate of your own: --tls-cert PEM --tls-key PEM)" ;;
  esac
  if [[ -n $TLS_CERT || -n $TLS_KEY ]]; then
    [[ -n $TLS_CERT && -n $TLS_KEY ]] || usage_error "--tls-cert and --tls-key go together"
    [[ -z $TLS_MODE ]] || usage_error "--tls $TLS_MODE cannot be combined with --tls-cert/--tls-key"
    [[ -r $TLS_CERT ]] || usage_error "--tls-cert: $TLS_CERT is not readable"
    [[ -r $TLS_KEY ]] || usage_error "--tls-key: $TLS_KEY is not readable"
  fi
  if [[ -n $PASSWORD_FILE && ! -r $PASSWORD_FILE ]]; then
    usage_error "--admin-password-file: $PASSWORD_FILE is not readable"
  fi
  if [[ -n $HOSTNAME_ARG && ! $HOSTNAME_ARG =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]]; then
    usage_error "--hostname: '$HOSTNAME_ARG' is not a host name"
  fi
}

# True when systemd runs this machine (not a chroot, not a container without it): only then start and reload.
systemd_running() { [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; }

service_active() { systemd_running && systemctl is-active --quiet labhub.service; }

# ---- packages and host settings (shared with ./labhub up: provisioning/host-setup.sh) ----

# shellcheck source=provisioning/host-setup.sh
source "$SRC/provisioning/host-setup.sh"

install_packages() {
  LABHUB_APT_PACKAGES=("${RUNTIME_PACKAGES[@]}")
  if ! $SKIP_KERNELS; then LABHUB_APT_PACKAGES+=("${KERNEL_BUILD_PACKAGES[@]}"); fi
  local -a missing
  mapfile -t missing < <(hs_missing_packages)
  if ((${#missing[@]})); then
    if $OFFLINE; then
      printf 'install: --offline and these Debian packages are missing: %s\n' "${missing[*]}" >&2
      printf 'install: install them first: apt-get install -y %s\n' "${missing[*]}" >&2
      exit 3
    fi
    hs_install_packages || die "installing Debian packages failed (see above)"
  fi
  if ! hs_podman_conf_ok; then hs_write_podman_conf; fi
  if ! hs_subids_ok; then hs_write_subids; fi
}

# ---- the release: jar, lib/, kernel recipes, provisioning files, docs ----

built_jar() {
  local jar=$SRC/appliance/target/labhub.jar
  if [[ ! -f $jar || ! -d $SRC/appliance/target/lib ]]; then
    command -v mvn >/dev/null 2>&1 ||
      die "$jar is missing and Maven is not installed: build it first (./labhub build) or copy a built checkout"
    say "building the hub (./labhub build)"
    "$SRC/labhub" build >&2 || die "the build failed"
  fi
  printf '%s\n' "$jar"
}

# The release's name: the hub's version and a hash of what runs (jar and libraries), so a rebuilt jar of the
# same version is a new release too. LABHUB_RELEASE_NAME replaces it (packagers, tests).
release_name() {
  local jar=$1 version hash
  if [[ -n $RELEASE_NAME ]]; then
    [[ $RELEASE_NAME =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]] || die "LABHUB_RELEASE_NAME '$RELEASE_NAME' is not a plain name" 2
    printf '%s\n' "$RELEASE_NAME"
    return
  fi
  version=$(java -jar "$jar" version) || die "cannot read the version of $jar (is Java 17 installed?)"
  hash=$( (cd "$(dirname "$jar")" && sha256sum labhub.jar lib/*.jar) | sha256sum | cut -c1-12)
  printf '%s-%s\n' "$version" "$hash"
}

install_release() {
  local jar=$1 name=$2 dir=$RELEASES/$2
  if [[ -f $dir/.complete ]]; then
    return 0
  fi
  say "installing release $name into $dir"
  local tmp=$RELEASES/.$name.partial
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cp -p "$jar" "$tmp/labhub.jar"
  cp -rp "$SRC/appliance/target/lib" "$tmp/lib"
  mkdir -p "$tmp/kernels" "$tmp/provisioning" "$tmp/docs"
  (cd "$SRC/kernels" && tar --exclude=.built -cf - .) | (cd "$tmp/kernels" && tar -xf -)
  cp -p "$SRC/pom.xml" "$tmp/pom.xml"  # kernels/build.sh labels images with the version in it
  cp -rp "$SRC/provisioning/." "$tmp/provisioning/"
  cp -p "$SRC"/docs/*.md "$tmp/docs/" 2>/dev/null || true
  touch "$tmp/.complete"
  chown -R root:root "$tmp"
  chmod -R u=rwX,go=rX "$tmp"
  rm -rf "$dir"
  mv "$tmp" "$dir"
}

# Points $CURRENT at a release with one rename, so it is never missing or half-switched.
switch_to() {
  local name=$1
  [[ $(readlink "$CURRENT" 2>/dev/null) == "releases/$name" ]] && return 0
  ln -sfn "releases/$name" "$OPT/.current.new"
  mv -T "$OPT/.current.new" "$CURRENT"
  say "current release: $name"
}

prune_releases() {
  local keep=$1 d
  local -a all=()
  mapfile -t all < <(ls -1t "$RELEASES" 2>/dev/null)
  local n=0
  for d in "${all[@]}"; do
    [[ -d $RELEASES/$d && $d != .* ]] || continue
    n=$((n + 1))
    if ((n > KEEP_RELEASES)) && [[ $d != "$keep" && $d != "$(basename "$(readlink "$CURRENT")")" ]]; then
      rm -rf "${RELEASES:?}/$d"
      say "removed old release $d"
    fi
  done
}

# ---- files outside the release ----

# write_if_changed FILE MODE OWNER: stdin becomes FILE (atomically) only when its content differs.
write_if_changed() {
  local file=$1 mode=$2 owner=$3 tmp
  tmp=$(mktemp "$(dirname "$file")/.$(basename "$file").XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  chown "$owner" "$tmp"
  if [[ -f $file ]] && cmp -s "$tmp" "$file" && [[ $(stat -c '%a %U:%G' "$file") == "${mode#0} $owner" ]]; then
    rm -f "$tmp"
    return 1
  fi
  mv -f "$tmp" "$file"
}

ensure_user() {
  if ! getent group labhub >/dev/null; then
    groupadd --system labhub
    say "created the system group labhub"
  fi
  if ! getent passwd labhub >/dev/null; then
    useradd --system --gid labhub --home-dir "$DATA" --no-create-home --shell /usr/sbin/nologin \
      --comment "labhub notebook hub" labhub
    say "created the system user labhub"
  fi
}

write_wrapper() {
  if write_if_changed "$WRAPPER" 0755 root:root <<EOF; then say "wrote $WRAPPER"; fi
#!/bin/sh
# labhub's command line on this server (written by provisioning/install.sh): the installed release, with the
# installed config. 'labhub kernels build|test|list' builds the notebook images from the installed recipes.
case "\${LC_ALL:-\${LC_CTYPE:-\${LANG:-}}}" in
  *UTF-8* | *utf-8* | *UTF8* | *utf8*) ;;
  *) LC_ALL=C.UTF-8; export LC_ALL ;;
esac
LABHUB_CONFIG=\${LABHUB_CONFIG:-$CONF}
export LABHUB_CONFIG
if [ "\${1:-}" = kernels ]; then
  shift
  case "\${1:-}" in
    build | test) sub=\$1; shift; exec bash $CURRENT/kernels/\$sub.sh "\$@" ;;
    list) exec bash -c '. "\$1/kernels/lib.sh" && kl_list' labhub $CURRENT ;;
    *) echo "usage: labhub kernels build|test|list [NAME...]" >&2; exit 2 ;;
  esac
fi
# shellcheck disable=SC2086 # the options are words
exec java \${LABHUB_JAVA_OPTS:--Xmx256m} -jar $CURRENT/labhub.jar "\$@"
EOF
}

write_config() {
  install -d -m 0750 -o root -g labhub "$ETC"
  if [[ -f $CONF ]]; then
    return 0  # the operator's file: never overwritten (labhub init edits only its own keys)
  fi
  local port=80
  if [[ $TLS_MODE == self-signed || -n $TLS_CERT ]]; then port=443; fi
  write_if_changed "$CONF" 0640 root:labhub <<EOF || true
# labhub configuration (TOML). Written once by provisioning/install.sh and never overwritten by it;
# 'labhub init' sets http.public_url and the [tls] keys. Every key: docs/configuration.md or 'labhub config-doc'.
# Restart after a change: systemctl restart labhub

[data]
root = "$DATA"

[http]
bind = "0.0.0.0"
port = $port

[podman]
# root's Podman API socket (podman.socket), which the installer enables.
socket = "/run/podman/podman.sock"
EOF
  say "wrote $CONF"
}

# A provided certificate is copied under /etc/labhub/tls/, where the sandboxed service may read it.
copy_tls_files() {
  [[ -n $TLS_CERT ]] || return 0
  install -d -m 0750 -o root -g labhub "$ETC/tls"
  if write_if_changed "$ETC/tls/cert.pem" 0644 root:labhub <"$TLS_CERT"; then say "copied $TLS_CERT to $ETC/tls/cert.pem"; fi
  if write_if_changed "$ETC/tls/key.pem" 0640 root:labhub <"$TLS_KEY"; then say "copied $TLS_KEY to $ETC/tls/key.pem"; fi
  TLS_CERT=$ETC/tls/cert.pem TLS_KEY=$ETC/tls/key.pem
}

write_unit() {
  if write_if_changed "$UNIT" 0644 root:root <"$SRC/provisioning/labhub.service"; then
    say "wrote $UNIT"
    if systemd_running; then systemctl daemon-reload; fi
  fi
  install -d -m 0750 -o root -g labhub "$DATA"
  install -d -m 0700 -o root -g root "$BACKUPS"
  # enable works without a running systemd (a chroot): it only makes the links.
  local unit
  for unit in podman.socket labhub.service; do
    if ! systemctl is-enabled --quiet "$unit" 2>/dev/null; then
      systemctl enable --quiet "$unit"
      say "enabled $unit"
    fi
  done
}

build_kernels() {
  if $SKIP_KERNELS; then
    say "notebook images: skipped (--skip-kernels); build them later with: labhub kernels build"
    return 0
  fi
  if ! bash "$CURRENT/kernels/build.sh" minimal python; then
    warn "the notebook images could not be built; users cannot start servers until 'labhub kernels build' succeeds"
  fi
}

# ---- labhub init: admin, host name, TLS (offline: the service must be stopped) ----

init_args() {
  INIT_ARGS=(--config "$CONF")
  [[ -z $HOSTNAME_ARG ]] || INIT_ARGS+=(--hostname "$HOSTNAME_ARG")
  [[ -z $TLS_MODE ]] || INIT_ARGS+=(--tls "$TLS_MODE")
  [[ -z $TLS_CERT ]] || INIT_ARGS+=(--tls-cert "$TLS_CERT" --tls-key "$TLS_KEY")
  [[ -z $PASSWORD_FILE ]] || INIT_ARGS+=(--admin-password-file "$PASSWORD_FILE")
}

# What init was last run with (and the password file's content hash): the same again means nothing to do.
init_stamp() {
  printf '%s\n' "${INIT_ARGS[@]}"
  if [[ -n $PASSWORD_FILE ]]; then sha256sum <"$PASSWORD_FILE"; fi
  if [[ -n $TLS_CERT ]]; then cat "$TLS_CERT" "$TLS_KEY" | sha256sum; fi
}

# Needed for a new data root, or when init options are given that differ from the last run's.
init_needed() {
  [[ -f $DATA/db/service.properties ]] || return 0
  ((${#INIT_ARGS[@]} > 2)) || return 1
  [[ -f $INIT_STAMP ]] && cmp -s <(init_stamp) "$INIT_STAMP" && return 1
  return 0
}

run_init() {
  "$WRAPPER" init "${INIT_ARGS[@]}" || die "labhub init failed (see above)"
  init_stamp >"$INIT_STAMP"
  chmod 0600 "$INIT_STAMP"
}

# ---- service ----

hub_url() {
  local scheme=http port
  port=$(awk -F= '/^\[/{s=$0} s=="[http]" && $1~/^[[:space:]]*port[[:space:]]*$/ {gsub(/[[:space:]]/,"",$2); print $2}' "$CONF")
  if grep -Eq '^[[:space:]]*(self_signed[[:space:]]*=[[:space:]]*true|certificate[[:space:]]*=[[:space:]]*"[^"]+")' "$CONF"; then
    scheme=https
  fi
  printf '%s://127.0.0.1:%s\n' "$scheme" "${port:-8080}"
}

# Waits for /api/health; a hub that exits (systemd counts a restart, or gives up) has failed at once.
wait_healthy() {
  local url deadline body restarts
  url="$(hub_url)/api/health"
  restarts=$(systemctl show -p NRestarts --value labhub.service)
  deadline=$((SECONDS + HEALTH_WAIT))
  while ((SECONDS < deadline)); do
    if body=$(curl -fsSk --max-time 5 "$url" 2>/dev/null); then
      say "healthy: $url answers $body"
      return 0
    fi
    if [[ $(systemctl show -p SubState --value labhub.service) == failed ||
      $(systemctl show -p NRestarts --value labhub.service) != "$restarts" ]]; then
      warn "labhub.service exited; journalctl -u labhub -n 30:"
      journalctl -u labhub.service -n 30 --no-pager >&2 || true
      return 1
    fi
    sleep 1
  done
  warn "$url did not answer within ${HEALTH_WAIT}s"
  return 1
}

start_service() {
  if $NO_START; then
    say "not starting (--no-start): labhub.service is enabled and starts at the next boot"
    return 0
  fi
  systemd_running || die "systemd is not running here: use --no-start (the service starts at the next boot)"
  systemctl start podman.socket || warn "podman.socket did not start; the hub will report Podman as degraded"
  if ! systemctl is-active --quiet labhub.service; then
    systemctl start labhub.service
    say "started labhub.service"
  fi
  wait_healthy
}

stop_service() {
  if service_active; then
    systemctl stop labhub.service
    say "stopped labhub.service"
  fi
}

# ---- upgrade ----

# The backup before an upgrade: through the running hub (online) or offline, into BACKUPS/<UTC stamp>.
take_backup() {
  [[ -f $DATA/db/service.properties ]] || return 0
  local target
  target=$BACKUPS/$(date -u +%Y%m%dT%H%M%SZ)
  # The catalog, secrets and config: what an upgrade can change. Taken with the hub stopped, so nothing changes
  # between this copy and the switch; homes and archives are for the regular backups (docs/operations.md).
  say "backing up the catalog to $target before the upgrade"
  if ! "$WRAPPER" backup "$target" --catalog-only; then
    start_service || true
    die "the backup failed; nothing was upgraded"
  fi
  BACKUP_DIR=$target
}

# After a failed upgrade, with the previous release in place: its catalog as it was before the upgrade. The
# catalog the failed release used (maybe migrated) is kept beside it for a post-mortem.
restore_catalog() {
  local failed=$1 aside
  [[ -n ${BACKUP_DIR:-} && -d $DATA/db ]] || return 0
  aside=$DATA/db.failed-$failed-$(date -u +%Y%m%dT%H%M%SZ)
  mv "$DATA/db" "$aside"
  if "$WRAPPER" restore "$BACKUP_DIR"; then
    say "catalog restored from $BACKUP_DIR; the one release $failed used is kept in $aside"
  else
    mv "$aside" "$DATA/db"
    warn "restoring the catalog from $BACKUP_DIR failed; the catalog release $failed used stays in place"
  fi
}

upgrade() {
  local from=$1 to=$2 stamp_before=""
  say "upgrading $from -> $to"
  stop_service
  take_backup
  switch_to "$to"
  if [[ -f $INIT_STAMP ]]; then stamp_before=$(cat "$INIT_STAMP"); fi
  if init_needed; then run_init; fi
  if $NO_START; then
    say "upgraded to $to (not started: --no-start)"
    return 0
  fi
  if start_service; then
    say "upgraded to $to; the catalog backup is in ${BACKUP_DIR:-(no data yet)}"
    return 0
  fi
  warn "release $to did not become healthy: switching back to $from"
  systemctl stop labhub.service || true  # also when it is between restarts (not "active")
  systemctl reset-failed labhub.service 2>/dev/null || true
  switch_to "$from"
  restore_catalog "$to"
  # What init did went with the catalog: the next run must see it as not done.
  if [[ -n $stamp_before ]]; then printf '%s\n' "$stamp_before" >"$INIT_STAMP"; else rm -f "$INIT_STAMP"; fi
  if start_service; then
    warn "rolled back to $from, which is running with the catalog as it was before the upgrade"
  else
    warn "the previous release $from does not start either; restore ${BACKUP_DIR:-the last backup} (docs/install.md)"
  fi
  exit 4
}

# ---- uninstall ----

uninstall() {
  if systemd_running && systemctl list-unit-files labhub.service >/dev/null 2>&1; then
    if systemctl disable --now labhub.service 2>/dev/null; then say "stopped and disabled labhub.service"; fi
  elif [[ -e /etc/systemd/system/multi-user.target.wants/labhub.service ]]; then
    systemctl disable labhub.service 2>/dev/null || rm -f /etc/systemd/system/multi-user.target.wants/labhub.service
  fi
  local f
  for f in "$UNIT" "$WRAPPER"; do
    if [[ -e $f ]]; then rm -f "$f" && say "removed $f"; fi
  done
  if systemd_running; then systemctl daemon-reload; fi
  if [[ -d $OPT ]]; then rm -rf "$OPT" && say "removed $OPT"; fi
  if $PURGE; then
    for f in "$DATA" "$ETC" "$BACKUPS"; do
      if [[ -e $f ]]; then rm -rf "$f" && say "removed $f (--purge)"; fi
    done
    if getent passwd labhub >/dev/null; then userdel labhub && say "removed the user labhub"; fi
    if getent group labhub >/dev/null && groupdel labhub 2>/dev/null; then say "removed the group labhub"; fi
    say "left in place: Debian packages, notebook images in root's Podman, /etc/containers/containers.conf.d/50-labhub.conf"
  else
    say "kept $DATA, $ETC and $BACKUPS (remove them with --uninstall --purge)"
  fi
}

# ---- main ----

main() {
  parse_args "$@"
  [[ $(id -u) -eq 0 ]] || die "run it as root (sudo $0 ...)" 5
  command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this installer supports Debian 12 hosts" 5
  if $UNINSTALL; then
    uninstall
    return 0
  fi
  install_packages
  local jar name previous=''
  jar=$(built_jar)
  name=$(release_name "$jar")
  ensure_user
  install -d -m 0755 "$OPT" "$RELEASES"
  install_release "$jar" "$name"
  write_config
  copy_tls_files
  init_args
  if [[ -L $CURRENT ]]; then previous=$(basename "$(readlink "$CURRENT")"); fi
  if [[ -n $previous && $previous != "$name" && -f $RELEASES/$previous/.complete ]]; then
    write_wrapper
    write_unit
    upgrade "$previous" "$name"
  else
    switch_to "$name"
    write_wrapper
    write_unit
    if init_needed; then
      # init works offline: a running hub is stopped for it and started again below.
      stop_service
      run_init
    fi
  fi
  build_kernels
  prune_releases "$name"
  start_service
  say "done in $SECONDS s: release $name; admin password in $DATA/secrets/admin-password (labhub init --print-admin-password shows it)"
}

main "$@"
