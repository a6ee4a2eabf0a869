#!/usr/bin/env bash
# vm-image/test.sh [--no-build] [--uefi]: the VM stage of the tests (`./labhub test --vm`). As root.
#   1. build (or reuse) vm-image/out/labhub.qcow2
#   2. boot a throw-away overlay of it under qemu (TCG, no network but 127.0.0.1:PORT -> guest 443), wait
#      for "labhub: ready:" on the serial console, read the admin password from it, check the first boot
#      grew the disk, and run the smoke suite against https://127.0.0.1:PORT (./labhub smoke --insecure;
#      health and an admin login with curl when the suite is not there yet); power off, delete the overlay
#   3. boot again with a NoCloud seed (admin password, hostname, one user) and log in with what it set
# Prints one line per check and "vm-test: N passed, N failed" with the timings; exit 1 on any failure.
#
# Environment: LABHUB_VM_BOOT_TIMEOUT (seconds to "ready", default 1200), LABHUB_VM_MEMORY (MiB, 4096),
# LABHUB_VM_CPUS (2), LABHUB_VM_KEEP=1 keeps the console logs in vm-image/out/test/.
set -euo pipefail

VM_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
ROOT_DIR=$(cd "$VM_DIR/.." && pwd)
# shellcheck source=vm-image/lib/common.sh
source "$VM_DIR/lib/common.sh"
# shellcheck source=vm-image/lib/qemu.sh
source "$VM_DIR/lib/qemu.sh"

BUILD=true UEFI=false
while (($#)); do
  case $1 in
    --no-build) BUILD=false ;;
    --uefi) UEFI=true ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) vm_usage_error "unknown argument: $1" ;;
  esac
  shift
done
((EUID == 0)) || vm_die "run as root (the seed disk is made on a loop device; the image build needs root too)"
TIMEOUT=${LABHUB_VM_BOOT_TIMEOUT:-1200}
IMAGE=$VM_DIR/out/labhub.qcow2
WORK=$VM_DIR/out/test
mkdir -p "$WORK"
PASSED=0 FAILED=0
TIMES=()

ok() { PASSED=$((PASSED + 1)); printf 'vm-test: [ok] %s\n' "$*"; }
fail() { FAILED=$((FAILED + 1)); printf 'vm-test: [FAILED] %s\n' "$*"; }
finish() {
  local status=$?
  vm_discard
  [[ ${LABHUB_VM_KEEP:-} == 1 ]] || rm -f "$WORK"/*/overlay.qcow2 "$WORK/seed.img"
  printf 'vm-test: %d passed, %d failed%s\n' "$PASSED" "$FAILED" "${TIMES[*]:+ (${TIMES[*]})}"
  if ((FAILED > 0 && status == 0)); then status=1; fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. The image.
if $BUILD; then
  t=$(vm_now)
  bash "$VM_DIR/build.sh" || { fail "building the image"; exit 1; }
  TIMES+=("build $(vm_elapsed "$t")")
  ok "image built or reused: $(vm_rel "$IMAGE")"
fi
[[ -s $IMAGE ]] || { fail "no image at $IMAGE (run ./labhub vm-image)"; exit 1; }

# boot_ready NAME [vm_boot options]: boots and waits for the ready line; sets BOOT_SECONDS.
boot_ready() {
  local name=$1 t
  shift
  rm -rf "${WORK:?}/$name"
  t=$(vm_now)
  vm_boot "$IMAGE" "$WORK/$name" "$@"
  printf 'vm-test: booting %s (qemu pid %s, https://127.0.0.1:%s, console %s)\n' "$name" "$VM_QEMU_PID" \
    "$VM_QEMU_PORT" "$(vm_rel "$WORK/$name/console.log")"
  if ! vm_wait_console '^labhub: (ready|NOT READY)' "$TIMEOUT"; then
    fail "$name: boot to ready within ${TIMEOUT} s"
    return 1
  fi
  BOOT_SECONDS=$(vm_seconds "$t")
  if grep -q '^labhub: NOT READY' "$WORK/$name/console.log"; then
    vm_console_tail 60 >&2
    fail "$name: labhub became healthy (the VM says it did not)"
    return 1
  fi
  ok "$name: booted to healthy in $BOOT_SECONDS s (TCG)"
}

# login_works USER PASSWORD: a session login through the login form, as a browser makes it.
login_works() {
  local base=https://127.0.0.1:$VM_QEMU_PORT jar csrf status
  jar=$(mktemp)
  csrf=$(curl -ksS -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
  status=$(curl -ksS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" -H "Origin: $base" \
    --data-urlencode "username=$1" --data-urlencode "password=$2" --data-urlencode "csrf=$csrf" \
    --data-urlencode "next=/" "$base/login") || status=000
  rm -f "$jar"
  [[ $status == 303 ]]
}

# 2. First boot, no seed; the smoke suite.
plain_opts=()
if $UEFI; then plain_opts+=(--uefi); fi
if boot_ready plain "${plain_opts[@]}"; then
  TIMES+=("boot to healthy ${BOOT_SECONDS} s")
  console=$WORK/plain/console.log
  password=$(vm_console_value 'labhub: admin user: [^ ]+  password: ')
  admin=$(tr -d '\r' <"$console" | sed -n -E 's/^labhub: admin user: ([^ ]+) .*/\1/p' | tail -n1)
  if [[ -n $password ]]; then ok "plain: admin password read from the console"; else fail "plain: no admin password on the console"; fi
  if grep -q 'labhub-firstboot: grew the root file system' "$console"; then
    ok "plain: first boot grew the file system ($(grep -o 'grew the root file system to [^ ]*' "$console" | tail -n1))"
  else
    fail "plain: first boot did not grow the root file system into the bigger disk"
  fi
  pwfile=$WORK/plain/admin-password
  (umask 077 && printf '%s\n' "$password" >"$pwfile")
  url=https://127.0.0.1:$VM_QEMU_PORT
  if [[ -f $ROOT_DIR/smoke-tests/pom.xml ]] && grep -q 'cmd_smoke' "$ROOT_DIR/labhub"; then
    t=$(vm_now)
    if "$ROOT_DIR/labhub" smoke --url "$url" --insecure --admin "${admin:-admin}" --admin-password-file "$pwfile" \
      --timeout-minutes 20 2>&1 | sed 's/^/  /'; then
      ok "plain: smoke suite passed against the VM"
    else
      fail "plain: smoke suite against the VM"
    fi
    TIMES+=("smoke $(vm_elapsed "$t")")
  else
    printf 'vm-test: note: ./labhub smoke is not in this checkout; checking health and the admin login with curl\n'
    if curl -ksf --max-time 20 "$url/api/health" >/dev/null; then ok "plain: GET /api/health over the forwarded port"; else fail "plain: GET /api/health"; fi
    if login_works "${admin:-admin}" "$password"; then ok "plain: admin logs in with the console's password"; else fail "plain: admin login"; fi
  fi
  t=$(vm_now)
  vm_poweroff 240
  if grep -qE 'reboot: Power down|Power down|System halted' "$console"; then
    ok "plain: clean power-off in $(vm_elapsed "$t")"
  else
    fail "plain: no clean power-off (qemu was stopped)"
  fi
fi
vm_discard

# 3. A NoCloud seed: admin password, hostname, a user.
seed_pw="seed-$(head -c 9 /dev/urandom | base64 | tr '+/' 'xy')"
user_pw="user-$(head -c 9 /dev/urandom | base64 | tr '+/' 'xy')"
vm_make_seed "$WORK/seed.img" "#cloud-config
hostname: seeded-lab
labhub:
  admin_password: \"$seed_pw\"
  users:
    - name: seeduser
      password: \"$user_pw\"" "instance-id: labhub-test-1
local-hostname: ignored-by-user-data"
if boot_ready seeded --seed "$WORK/seed.img"; then
  console=$WORK/seeded/console.log
  if login_works admin "$seed_pw"; then ok "seeded: admin logs in with the seed's password"; else fail "seeded: admin login with the seed's password"; fi
  if login_works seeduser "$user_pw"; then ok "seeded: the seed's user logs in"; else fail "seeded: login of the seed's user"; fi
  if grep -q 'hostname set to seeded-lab' "$console"; then ok "seeded: hostname set from the seed"; else fail "seeded: hostname from the seed"; fi
  vm_poweroff 240
fi
