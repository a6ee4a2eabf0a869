#!/usr/bin/env bash
# kernels/test.sh [--no-build] [--all | NAME...]: proves kernel images (default: minimal).
# Run through `./labhub kernels test`. Needs root (like the hub: it maps user namespaces).
#
# For each recipe it builds the image (or reuses it when the recipe is unchanged), then starts the
# image's default command the way the hub's spawner will:
#   podman run --network=none --read-only --tmpfs /tmp --cap-drop=ALL
#     --security-opt=no-new-privileges --pids-limit 512 --memory <manifest> --cpus <manifest>
#     --user 1000:1000 --uidmap 0:BASE:65536 --gidmap 0:BASE:65536
#     -v HOME_DIR:/home/jovyan -v RUN_DIR:/run/labhub  (both owned by BASE+1000 on the host)
# waits (at most 60 s) until /api/status answers 200 over the notebook's Unix socket, asks the
# notebook to start the manifest's kernel, executes the manifest's test line in it and checks the
# output (python 1+1 -> 2, R -> [1] 2, Octave -> ans = 2), checks that the notebook saved a file
# into the home with the right host owner and that the root filesystem is read-only.
# Then it does the same start with --userns=auto and the :U mount option (the alternative mapping),
# up to /api/status and one saved file.
# Prints build time, image size and timings per kernel; exits non-zero on the first failure.
set -euo pipefail

# shellcheck source=kernels/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

READY_TIMEOUT=60
KERNEL_TIMEOUT=90
BUILD=true
# Host uid/gid range for the test containers: container uid 0..65535 -> BASE..BASE+65535. Outside
# the `containers` range of /etc/subuid (used by --userns=auto) and far above ordinary accounts.
TEST_UID_BASE=${LABHUB_TEST_UID_BASE:-1879048192}

usage() {
  cat <<'EOF'
Usage: ./labhub kernels test [--no-build] [--all | NAME...]

Builds (or reuses) the images of the named recipes (default: minimal; --all: every recipe), starts
each as the hub will (no network, read-only root, no capabilities, user namespace, home and socket
bind-mounted), and executes one line of its language through its kernel.
  --no-build  test the image already tagged :latest without building
EOF
}

now() { printf '%s\n' "${EPOCHREALTIME/,/.}"; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

CONTAINERS=() TMPDIRS=()
cleanup() {
  local c d
  for c in "${CONTAINERS[@]}"; do
    if podman container exists "$c" 2>/dev/null; then remove_container "$c"; fi
  done
  for d in "${TMPDIRS[@]}"; do rm -rf --one-file-system "$d"; done
  CONTAINERS=() TMPDIRS=()
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  printf 'kernel %s: FAILED: %s\n' "$NAME" "$*" >&2
  if [[ -n ${CURRENT:-} ]]; then
    printf '  last lines of the container log:\n' >&2
    podman logs --tail 25 "$CURRENT" 2>&1 | sed 's/^/  | /' >&2 || true
  fi
  exit 1
}

# wait_ready SOCKET BASE TOKEN: polls /api/status until 200, the container exits, or the timeout.
wait_ready() {
  local sock=$1 base=$2 token=$3 t0 code state
  t0=$SECONDS
  while ((SECONDS - t0 < READY_TIMEOUT)); do
    if [[ -S $sock ]]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --unix-socket "$sock" \
        -H "Authorization: token $token" "http://localhost${base}api/status" 2>/dev/null) || true
      [[ $code == 200 ]] && return 0
    fi
    state=$(podman inspect --format '{{.State.Status}}' "$CURRENT" 2>/dev/null) || state=gone
    [[ $state == running || $state == created ]] || fail "the container stopped ($state) before the notebook answered"
    sleep 0.1
  done
  fail "/api/status did not answer 200 within ${READY_TIMEOUT} s (last HTTP status: ${code:-none})"
}

# save_file SOCKET BASE TOKEN NAME: creates a notebook in the home through the contents API.
save_file() {
  curl -sf -o /dev/null --max-time 10 --unix-socket "$1" -X PUT -H "Authorization: token $3" \
    -H 'Content-Type: application/json' --data '{"type": "notebook"}' "http://localhost${2}api/contents/$4"
}

# remove_container NAME: podman rm -f, tolerating Podman 4.3's occasional "unlinkat .../userdata/shm:
# device or resource busy" (seen when other containers start or stop at the same moment): the
# container is gone from Podman by then, only its shm folder lingers; retried, then only a warning.
remove_container() {
  local i err
  for i in 1 2 3; do
    err=$(podman rm -f -t 2 "$1" 2>&1 >/dev/null) && return 0
    podman container exists "$1" 2>/dev/null || break
    sleep "$i"
  done
  if podman container exists "$1" 2>/dev/null; then
    printf 'kernel %s: warning: could not remove container %s: %s\n' "$NAME" "$1" "$err" >&2
  fi
  return 0
}

random_token() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }

test_one() {
  NAME=$1 CURRENT=''
  local ref hash image t0 size count build_s
  kl_check_name "$NAME"
  if $BUILD; then
    bash "$KERNELS_DIR/build.sh" "$NAME" || fail "the build failed"
  fi
  hash=$(kl_recipe_hash "$NAME")
  ref=$(kl_image_ref "$NAME" "$hash")
  if $BUILD; then
    # What the build just made or found up to date (the recipe may have been edited meanwhile).
    ref=$(jq -r .image "$KERNELS_BUILT/$NAME.json" 2>/dev/null) || ref=''
    podman image exists "$ref" 2>/dev/null || fail "no image ${ref:-recorded in kernels/.built/$NAME.json} after the build"
  elif ! kl_built_ok "$NAME" "$hash"; then
    ref=$(kl_image_repo "$NAME"):latest
    podman image exists "$ref" || fail "no image $ref: build it with ./labhub kernels build $NAME"
    printf 'kernel %s: note: testing %s, which is not built from the current recipe\n' "$NAME" "$ref" >&2
  fi
  image=$(podman image inspect --format '{{.Id}}' "$ref")
  size=$(podman image inspect --format '{{.Size}}' "$ref")
  count=$(jq -r '.package_count // "?"' "$KERNELS_BUILT/$NAME.json" 2>/dev/null) || count='?'
  build_s=$(jq -r '.build_seconds.total // "?"' "$KERNELS_BUILT/$NAME.json" 2>/dev/null) || build_s='?'

  local kernel code expect cpus memory
  kernel=$(kl_manifest "$NAME" kernel)
  code=$(kl_manifest "$NAME" test.code)
  expect=$(kl_manifest "$NAME" test.expect)
  cpus=$(kl_manifest "$NAME" default_cpus)
  memory=$(kl_manifest "$NAME" default_memory)

  local tmp base=/user/test/ token uid=$((TEST_UID_BASE + 1000))
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/labhub-kernel-test.XXXXXX")
  TMPDIRS+=("$tmp")
  chmod 0755 "$tmp"
  mkdir -p "$tmp/home" "$tmp/run" "$tmp/home-auto" "$tmp/run-auto"
  # The home and the socket folder belong to the host uid that container uid 1000 maps to.
  chown "$uid:$uid" "$tmp/home" "$tmp/run"
  chmod 0700 "$tmp/home" "$tmp/run"
  token=$(random_token)

  local -a hardening=(--network=none --read-only --tmpfs /tmp --cap-drop=ALL
    --security-opt=no-new-privileges --pids-limit 512 "--memory=$memory" "--cpus=$cpus"
    --user 1000:1000)
  local -a env=(-e LABHUB_SOCKET=/run/labhub/notebook.sock -e "LABHUB_TOKEN=$token" -e "LABHUB_BASE_URL=$base")

  # 1. The mapping the spawner uses: a fixed range per user, so the home keeps one owner on the host.
  CURRENT=labhub-kernel-test-$NAME-$$
  CONTAINERS+=("$CURRENT")
  t0=$(now)
  podman run -d --name "$CURRENT" --label org.labhub.test=kernels "${hardening[@]}" \
    --uidmap "0:$TEST_UID_BASE:65536" --gidmap "0:$TEST_UID_BASE:65536" \
    -v "$tmp/home:/home/jovyan" -v "$tmp/run:/run/labhub" "${env[@]}" "$image" >/dev/null ||
    fail "podman run failed"
  wait_ready "$tmp/run/notebook.sock" "$base" "$token"
  local ready
  ready=$(secs "$t0")
  printf 'kernel %s: notebook answers /api/status over its socket %s s after podman run\n' "$NAME" "$ready"

  local out t1 ran
  t1=$(now)
  out=$(podman exec -i "$CURRENT" timeout "$KERNEL_TIMEOUT" python3 - /run/labhub/notebook.sock "$base" "$token" \
    "$kernel" "$code" "$expect" "$KERNEL_TIMEOUT" <"$KERNELS_DIR/test_kernel.py" 2>&1) ||
    fail "$(printf '%s' "$out" | tail -n 15)"
  ran=$(secs "$t1")
  printf 'kernel %s: %s\n' "$NAME" "$(tail -n 1 <<<"$out")"

  save_file "$tmp/run/notebook.sock" "$base" "$token" proof.ipynb || fail "the notebook could not save a file into the home"
  [[ $(stat -c %u:%g "$tmp/home/proof.ipynb" 2>/dev/null) == "$uid:$uid" ]] ||
    fail "proof.ipynb in the home is not owned by $uid:$uid on the host"
  if podman exec "$CURRENT" sh -c 'touch /usr/local/labhub-test' 2>/dev/null; then
    fail "the root filesystem is writable"
  fi
  [[ $(stat -c %a "$tmp/run/notebook.sock") == 600 ]] || fail "the socket's mode is not 0600"
  remove_container "$CURRENT"

  # 2. The alternative: --userns=auto picks a free range per container; :U chowns the mounts to it.
  CURRENT=labhub-kernel-test-$NAME-auto-$$
  CONTAINERS+=("$CURRENT")
  t0=$(now)
  podman run -d --name "$CURRENT" --label org.labhub.test=kernels "${hardening[@]}" --userns=auto \
    -v "$tmp/home-auto:/home/jovyan:U" -v "$tmp/run-auto:/run/labhub:U" "${env[@]}" "$image" >/dev/null ||
    fail "podman run --userns=auto failed"
  wait_ready "$tmp/run-auto/notebook.sock" "$base" "$token"
  local ready_auto
  ready_auto=$(secs "$t0")
  save_file "$tmp/run-auto/notebook.sock" "$base" "$token" proof.ipynb ||
    fail "with --userns=auto the notebook could not save a file into the home"
  local mapped
  mapped=$(podman inspect --format '{{json .HostConfig.IDMappings}}' "$CURRENT" | jq -r '.UidMap | join(",")')
  printf 'kernel %s: --userns=auto (%s) with :U mounts: ready in %s s, home owned by %s on the host\n' \
    "$NAME" "$mapped" "$ready_auto" "$(stat -c %u:%g "$tmp/home-auto/proof.ipynb")"
  remove_container "$CURRENT"
  CURRENT=''
  cleanup

  printf 'kernel %s: OK  image %s  build %s s  size %s  packages %s  ready %s s  kernel start+exec %s s\n' \
    "$NAME" "$ref" "$build_s" "$(kl_human "$size")" "$count" "$ready" "$ran"
  RESULTS+=("$(printf '%-8s %-45s %8s %10s %8s %8s %8s' "$NAME" "$ref" "$build_s" "$(kl_human "$size")" "$count" "$ready" "$ran")")
}

main() {
  local -a names=()
  while (($#)); do
    case $1 in
      -h | --help) usage; exit 0 ;;
      --no-build) BUILD=false ;;
      --all) mapfile -t -O "${#names[@]}" names < <(kl_names) ;;
      -*) kl_say "kernels test: unknown option $1"; usage >&2; exit 2 ;;
      *) names+=("$1") ;;
    esac
    shift
  done
  ((${#names[@]})) || names=(minimal)
  local n
  for n in "${names[@]}"; do kl_check_name "$n"; done
  (($(id -u) == 0)) || kl_die "kernels test needs root: it maps container users to host uids (--uidmap) as the hub does"
  local tool
  for tool in podman curl jq; do
    command -v "$tool" >/dev/null 2>&1 || kl_die "$tool not found: run provisioning/host-setup.sh as root"
  done
  RESULTS=()
  for n in "${names[@]}"; do test_one "$n"; done
  printf '\n%-8s %-45s %8s %10s %8s %8s %8s\n' kernel image build_s size packages ready_s exec_s
  printf '%s\n' "${RESULTS[@]}"
}

main "$@"; exit $?  # one line: bash has read all of it before running, so editing this file mid-build is safe
