#!/usr/bin/env bash
# vm-image/bench.sh (`./labhub bench vm`): the VM disk's sizes (raw: virtual and allocated; qcow2) and the
# time from starting qemu to labhub answering its health check, under TCG (no KVM), median of
# BENCH_VM_BOOTS (3) first boots of fresh overlays. Builds the image first when it is missing. As root.
# The output is also kept in vm-image/out/bench.txt.
set -euo pipefail

VM_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
# shellcheck source=vm-image/lib/common.sh
source "$VM_DIR/lib/common.sh"
# shellcheck source=vm-image/lib/qemu.sh
source "$VM_DIR/lib/qemu.sh"

((EUID == 0)) || vm_die "run as root"
BOOTS=${BENCH_VM_BOOTS:-3}
TIMEOUT=${LABHUB_VM_BOOT_TIMEOUT:-1200}
OUTDIR=$VM_DIR/out
[[ -s $OUTDIR/labhub.qcow2 ]] || bash "$VM_DIR/build.sh"

# Runs in the pipeline's subshell, which holds the VM: its own trap stops it on every exit.
bench() {
  trap vm_discard EXIT
  local raw=$OUTDIR/labhub.raw qcow=$OUTDIR/labhub.qcow2 times=() i t s kernel median
  printf 'bench vm: disk: raw %s; qcow2 %s (compressed)\n' "$(vm_disk_sizes "$raw")" "$(vm_human "$(stat -c %s "$qcow")")"
  printf 'bench vm: host: %s CPUs, qemu %s, -accel tcg -cpu max -smp %s -m %s\n' "$(nproc)" \
    "$(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')" "${LABHUB_VM_CPUS:-2}" "${LABHUB_VM_MEMORY:-4096}"
  for ((i = 1; i <= BOOTS; i++)); do
    t=$(vm_now)
    vm_boot "$qcow" "$OUTDIR/bench"
    vm_wait_console '^labhub: (ready|NOT READY)' "$TIMEOUT" || vm_die "boot $i did not get to ready"
    if grep -q '^labhub: NOT READY' "$OUTDIR/bench/console.log"; then vm_console_tail 40; vm_die "boot $i: labhub did not become healthy"; fi
    s=$(vm_seconds "$t")
    # The guest's own view: kernel start to userspace and to the ready line.
    kernel=$(tr -d '\r' <"$OUTDIR/bench/console.log" | grep -m1 -o 'Startup finished in .*' || true)
    times+=("$s")
    printf 'bench vm: boot %d: qemu start to healthy %s s%s\n' "$i" "$s" "${kernel:+ (systemd: $kernel)}"
    vm_poweroff 240
    vm_discard
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')
  printf 'bench vm: boot to healthy under TCG: median %s s of %d (%s)\n' "$median" "$BOOTS" "${times[*]}"
}
bench 2>&1 | tee "$OUTDIR/bench.txt"
exit "${PIPESTATUS[0]}"
