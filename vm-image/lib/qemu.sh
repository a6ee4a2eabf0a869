# shellcheck shell=bash
# Booting the labhub disk with qemu for the tests and benchmarks: a throw-away overlay on the image, no
# network but one forwarded port, the serial console in a file, and a clean power-off through ACPI.
#
# Network rule: `-nic user,restrict=on` lets nothing out of the guest; the only way in is the host's
# 127.0.0.1:PORT forwarded to the guest's 443.

VM_QEMU_PID='' VM_QEMU_DIR='' VM_QEMU_PORT=''

# vm_free_port: a TCP port nothing listens on at 127.0.0.1.
vm_free_port() {
  local p i
  for ((i = 0; i < 50; i++)); do
    p=$((20000 + RANDOM % 30000))
    if ! ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; then
      printf '%s\n' "$p"
      return 0
    fi
  done
  vm_die "no free port found"
}

# vm_boot IMAGE DIR [--uefi] [--seed FILE] [--size SIZE]: boots a copy-on-write overlay of IMAGE (kept in DIR,
# which also receives console.log and the monitor socket); sets VM_QEMU_PID and VM_QEMU_PORT.
vm_boot() {
  local image=$1 dir=$2 uefi=false seed='' size=${LABHUB_VM_TEST_SIZE:-12G}
  shift 2
  while (($#)); do
    case $1 in
      --uefi) uefi=true ;;
      --seed) seed=$2; shift ;;
      --size) size=$2; shift ;;
    esac
    shift
  done
  command -v qemu-system-x86_64 >/dev/null 2>&1 || vm_die "qemu-system-x86_64 not found: apt-get install qemu-system-x86"
  mkdir -p "$dir"
  VM_QEMU_DIR=$dir
  local fmt=raw
  [[ $image != *.qcow2 ]] || fmt=qcow2
  # A bigger virtual size than the image's, so the first boot has a disk to grow into.
  qemu-img create -q -f qcow2 -b "$(realpath "$image")" -F "$fmt" "$dir/overlay.qcow2" "$size" ||
    vm_die "qemu-img create (overlay) failed"
  VM_QEMU_PORT=$(vm_free_port)
  local -a args=(-name labhub-test -accel tcg -cpu max -smp "${LABHUB_VM_CPUS:-2}" -m "${LABHUB_VM_MEMORY:-4096}"
    -drive "file=$dir/overlay.qcow2,if=virtio,format=qcow2,discard=unmap"
    -nic "user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:$VM_QEMU_PORT-:443"
    -display none -serial "file:$dir/console.log"
    -monitor "unix:$dir/monitor.sock,server,nowait"
    -pidfile "$dir/qemu.pid" -daemonize)
  if $uefi; then
    local code=/usr/share/OVMF/OVMF_CODE_4M.fd vars=/usr/share/OVMF/OVMF_VARS_4M.fd
    [[ -r $code && -r $vars ]] || vm_die "UEFI needs OVMF: apt-get install ovmf"
    cp "$vars" "$dir/OVMF_VARS.fd"
    args+=(-machine q35 -drive "if=pflash,format=raw,unit=0,readonly=on,file=$code"
      -drive "if=pflash,format=raw,unit=1,file=$dir/OVMF_VARS.fd")
  fi
  if [[ -n $seed ]]; then args+=(-drive "file=$seed,if=virtio,format=raw,readonly=on"); fi
  : >"$dir/console.log"
  qemu-system-x86_64 "${args[@]}" 2>"$dir/qemu.err" || { cat "$dir/qemu.err" >&2; vm_die "qemu failed to start"; }
  VM_QEMU_PID=$(<"$dir/qemu.pid")
}

# vm_wait_console PATTERN TIMEOUT_SECONDS: waits for an extended regex in the console; on time-out or when
# qemu exits, prints the console's tail and returns 1.
vm_wait_console() {
  local pattern=$1 timeout=$2 start=$SECONDS
  until grep -Eq "$pattern" "$VM_QEMU_DIR/console.log" 2>/dev/null; do
    if ! kill -0 "$VM_QEMU_PID" 2>/dev/null; then
      printf 'vm: qemu exited before the console showed /%s/; its last lines:\n' "$pattern" >&2
      vm_console_tail 40 >&2
      return 1
    fi
    if ((SECONDS - start >= timeout)); then
      printf 'vm: the console did not show /%s/ within %d s; its last lines:\n' "$pattern" "$timeout" >&2
      vm_console_tail 40 >&2
      return 1
    fi
    sleep 1
  done
}

vm_console_tail() { tr -d '\r' <"$VM_QEMU_DIR/console.log" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | tail -n "${1:-40}" | sed 's/^/  | /'; }

# vm_console_value PREFIX_REGEX: the rest of the last console line after PREFIX_REGEX.
vm_console_value() {
  tr -d '\r' <"$VM_QEMU_DIR/console.log" | sed -n -E "s/^.*$1//p" | tail -n1
}

# vm_poweroff [TIMEOUT]: ACPI power button, then waits for qemu to exit (quits it after TIMEOUT s).
vm_poweroff() {
  local timeout=${1:-180} start=$SECONDS
  [[ -n $VM_QEMU_PID ]] || return 0
  if kill -0 "$VM_QEMU_PID" 2>/dev/null; then
    vm_monitor system_powerdown
    while kill -0 "$VM_QEMU_PID" 2>/dev/null; do
      if ((SECONDS - start >= timeout)); then
        printf 'vm: no clean power-off within %d s; stopping qemu\n' "$timeout" >&2
        vm_monitor quit
        sleep 2
        kill "$VM_QEMU_PID" 2>/dev/null || true
        break
      fi
      sleep 1
    done
  fi
  VM_QEMU_PID=''
}

# vm_monitor COMMAND: one command to qemu's human monitor (bash's own /dev/tcp cannot do Unix sockets;
# python3 is on every Debian host that runs these tests, socat may not be).
vm_monitor() {
  python3 - "$VM_QEMU_DIR/monitor.sock" "$1" <<'EOF' >/dev/null 2>&1 || true
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
time.sleep(0.5)
s.close()
EOF
}

# vm_discard: stops qemu if it still runs and deletes the overlay (the trap calls it on every exit).
vm_discard() {
  if [[ -n $VM_QEMU_PID ]] && kill -0 "$VM_QEMU_PID" 2>/dev/null; then
    vm_monitor quit
    sleep 1
    kill "$VM_QEMU_PID" 2>/dev/null || true
  fi
  VM_QEMU_PID=''
  [[ -z $VM_QEMU_DIR ]] || rm -f "$VM_QEMU_DIR/overlay.qcow2" "$VM_QEMU_DIR/OVMF_VARS.fd"
}

# vm_make_seed FILE USER_DATA META_DATA: a small FAT disk labelled CIDATA holding the two files.
vm_make_seed() {
  local file=$1 mnt
  rm -f "$file"
  mkfs.vfat -C -n CIDATA "$file" 2048 >/dev/null || vm_die "mkfs.vfat (seed) failed"
  # Written with mtools: no mount, and no vfat needed in the host's kernel.
  mnt=$(mktemp -d)
  printf '%s\n' "$2" >"$mnt/user-data"
  printf '%s\n' "$3" >"$mnt/meta-data"
  MTOOLS_SKIP_CHECK=1 mcopy -i "$file" "$mnt/user-data" "$mnt/meta-data" ::/ || { rm -rf "$mnt"; vm_die "writing the seed failed (mtools)"; }
  rm -rf "$mnt"
}
