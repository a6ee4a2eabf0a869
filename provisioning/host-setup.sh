#!/usr/bin/env bash
# Prepares a Debian 12 host for labhub: Debian packages, the Podman host
# configuration and the subordinate id range for --userns=auto.
#
# Run it directly (as root):   provisioning/host-setup.sh [--check]
# or source it and call:       labhub_host_setup [--check]
#
# It changes only what is missing, so a second run does nothing. With --check it
# changes nothing and exits 1 if anything is missing. See provisioning/README.md.

# Debian packages a labhub host (and CI) needs. Extend this list as features land;
# LABHUB_EXTRA_APT_PACKAGES (space-separated) adds more without editing the file.
LABHUB_APT_PACKAGES=(
  openjdk-17-jdk-headless
  maven
  podman
  runc
  uidmap
  mmdebstrap
  jq
  curl
  chromium
  chromium-driver
  fonts-dejavu-core
  acl  # setfacl: what others shared with a user, inside their container (spawner/SharedFolders.java)
  busybox-static  # the tiny image the Podman client tests build (appliance/.../podman/TestPodman.java)
)

# Podman settings labhub relies on (see shared facts in provisioning/README.md):
# crun fails on these hosts' hybrid cgroups, and containers may not inherit the
# host's rlimits. A drop-in leaves the operator's own containers.conf untouched.
LABHUB_CONTAINERS_CONF=${LABHUB_CONTAINERS_CONF:-/etc/containers/containers.conf}
LABHUB_CONTAINERS_DROPIN=${LABHUB_CONTAINERS_DROPIN:-/etc/containers/containers.conf.d/50-labhub.conf}
LABHUB_SUBID_FILES=(/etc/subuid /etc/subgid)
LABHUB_SUBID_LINE='containers:2147483647:2147483648'

hs_say() { printf 'host-setup: %s\n' "$*" >&2; }

hs_is_root() { [[ $(id -u) -eq 0 ]]; }

hs_dropin_content() {
  cat <<'EOF'
# Written by labhub provisioning/host-setup.sh. Podman reads this after
# /etc/containers/containers.conf; delete it to undo.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
runtime = "runc"
EOF
}

# Prints the wanted packages that are not installed, one per line.
hs_missing_packages() {
  local pkg status extra=()
  read -r -a extra <<<"${LABHUB_EXTRA_APT_PACKAGES:-}"
  for pkg in "${LABHUB_APT_PACKAGES[@]}" "${extra[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ $status != "install ok installed" ]]; then
      printf '%s\n' "$pkg"
    fi
  done
}

# hs_toml_has FILE SECTION KEY ERE: true if KEY under [SECTION] in FILE has a value matching ERE.
hs_toml_has() {
  [[ -r $1 ]] || return 1
  awk -v want="$2" -v key="$3" -v re="$4" '
    /^[[:space:]]*\[/ { sec = $0; gsub(/^[[:space:]]*\[+|\]+[[:space:]]*(#.*)?$/, "", sec); next }
    sec == want {
      line = $0
      if (line ~ "^[[:space:]]*" key "[[:space:]]*=") {
        sub(/^[^=]*=[[:space:]]*/, "", line)
        if (line ~ re) found = 1
      }
    }
    END { exit found ? 0 : 1 }' "$1"
}

# True if Podman's configuration already gives runc and the two ulimits.
hs_podman_conf_ok() {
  if [[ -f $LABHUB_CONTAINERS_DROPIN ]] && [[ $(cat "$LABHUB_CONTAINERS_DROPIN") == "$(hs_dropin_content)" ]]; then
    return 0
  fi
  hs_toml_has "$LABHUB_CONTAINERS_CONF" engine runtime '^"runc"' &&
    hs_toml_has "$LABHUB_CONTAINERS_CONF" containers default_ulimits 'nofile=1024:1024' &&
    hs_toml_has "$LABHUB_CONTAINERS_CONF" containers default_ulimits 'nproc=4096:4096'
}

hs_subids_ok() {
  local f
  for f in "${LABHUB_SUBID_FILES[@]}"; do
    grep -q '^containers:' "$f" 2>/dev/null || return 1
  done
}

hs_install_packages() {
  local -a missing
  mapfile -t missing < <(hs_missing_packages)
  ((${#missing[@]} == 0)) && return 0
  hs_say "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local -a apt_opts=(-y -q -o DPkg::Lock::Timeout=600
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  apt-get "${apt_opts[@]}" update >/dev/null || { hs_say "apt-get update failed"; return 1; }
  apt-get "${apt_opts[@]}" install "${missing[@]}" || { hs_say "apt-get install failed"; return 1; }
}

hs_write_podman_conf() {
  local dir tmp
  dir=$(dirname "$LABHUB_CONTAINERS_DROPIN")
  mkdir -p "$dir"
  tmp=$(mktemp "$dir/.50-labhub.conf.XXXXXX")
  hs_dropin_content >"$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$LABHUB_CONTAINERS_DROPIN"
  hs_say "wrote $LABHUB_CONTAINERS_DROPIN (runtime runc, default_ulimits)"
  if hs_toml_has "$LABHUB_CONTAINERS_CONF" engine runtime '^"' &&
    ! hs_toml_has "$LABHUB_CONTAINERS_CONF" engine runtime '^"runc"'; then
    hs_say "note: $LABHUB_CONTAINERS_CONF names another runtime; the drop-in overrides it with runc"
  fi
}

hs_write_subids() {
  local f
  for f in "${LABHUB_SUBID_FILES[@]}"; do
    grep -q '^containers:' "$f" 2>/dev/null && continue
    # Keep the file's last line intact if it lacks a newline.
    if [[ -s $f && -n $(tail -c1 "$f") ]]; then printf '\n' >>"$f"; fi
    printf '%s\n' "$LABHUB_SUBID_LINE" >>"$f"
    chmod 0644 "$f"
    hs_say "added '$LABHUB_SUBID_LINE' to $f"
  done
}

# Podman must now report runc; anything else means another file overrides ours.
hs_verify_podman() {
  command -v podman >/dev/null 2>&1 || return 0
  local name
  if ! name=$(timeout 60 podman info --format '{{.Host.OCIRuntime.Name}}' 2>/dev/null); then
    hs_say "warning: 'podman info' failed; check the Podman installation"
    return 0
  fi
  if [[ $name != runc ]]; then
    hs_say "podman reports OCI runtime '$name', expected runc: a file under /etc/containers or CONTAINERS_CONF overrides $LABHUB_CONTAINERS_DROPIN"
    return 1
  fi
}

# Prints what root has to do for the missing pieces (used when not root, or with --check).
hs_report_missing() {
  local -a missing=("$@")
  if ((${#missing[@]})); then
    hs_say "missing Debian packages; as root run:"
    printf '  apt-get update && apt-get install -y %s\n' "${missing[*]}" >&2
  fi
  if ! hs_podman_conf_ok; then
    hs_say "missing Podman host config; as root write $LABHUB_CONTAINERS_DROPIN with:"
    hs_dropin_content | sed 's/^/  /' >&2
  fi
  if ! hs_subids_ok; then
    hs_say "missing subordinate ids for --userns=auto; as root add this line to ${LABHUB_SUBID_FILES[*]}:"
    printf '  %s\n' "$LABHUB_SUBID_LINE" >&2
  fi
}

# labhub_host_setup [--check]: returns 0 when the host is ready, 1 otherwise.
labhub_host_setup() {
  local check=false
  case ${1:-} in
    --check) check=true ;;
    '') ;;
    *) hs_say "unknown option: $1 (usage: host-setup.sh [--check])"; return 2 ;;
  esac
  if ! command -v dpkg-query >/dev/null 2>&1; then
    hs_say "dpkg-query not found: this script supports Debian 12 hosts only"
    return 1
  fi

  local -a missing
  mapfile -t missing < <(hs_missing_packages)
  local conf_ok=true ids_ok=true
  hs_podman_conf_ok || conf_ok=false
  hs_subids_ok || ids_ok=false

  if ((${#missing[@]} == 0)) && $conf_ok && $ids_ok; then
    return 0
  fi
  if $check; then
    hs_report_missing "${missing[@]}"
    return 1
  fi
  if ! hs_is_root; then
    hs_report_missing "${missing[@]}"
    if ((${#missing[@]})); then
      return 1
    fi
    hs_say "warning: continuing without it; Podman-backed features and tests will fail"
    return 0
  fi

  hs_install_packages || return 1
  $conf_ok || hs_write_podman_conf
  $ids_ok || hs_write_subids
  hs_verify_podman || return 1
  hs_say "host ready"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  labhub_host_setup "$@"
fi
