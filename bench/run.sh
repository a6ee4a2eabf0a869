#!/usr/bin/env bash
# bench/run.sh [NAME]: the benchmarks behind `./labhub bench`. NAME is startup, api-users, login, spawn, proxy, webdav or
# search or preserve; none runs all eight.
# Each prints its result next to a baseline measured in the same run, and a ratio. The hub always runs as its own
# process (the real jar), on 127.0.0.1, a port it picks itself, a fresh data root under a temp folder, and its default
# configuration: LABHUB_* variables of this shell are not passed on (LABHUB_JAVA_OPTS is, as ./labhub run does).
# spawn starts real notebook containers: it needs root, Podman and the image localhost/labhub/kernel-minimal:latest
# (./labhub kernels build), and removes every container it made, also after a failure or Ctrl-C. proxy needs the same,
# and compares with configurable-http-proxy, which it installs once with npm into bench/target/chp (node >= 20 and npm;
# without them that side is skipped), once, not at every run. webdav compares the
# hub's /dav/ with an nginx of its own (Debian's nginx and libnginx-mod-http-dav-ext) and rclone uploads; as root it
# installs those Debian packages when missing (apt-get, never leaving Debian's nginx service running). preserve times
# preserve and re-run of a small notebook against raw `podman run … nbconvert --execute` in the same image (root,
# Podman and the minimal image, as spawn). image (by name only) gives the sizes of the hub's container image and the
# kernel images and times the container's start to healthy against the jar's (root, Podman, ./labhub image). search compares the hub's /api/search with ripgrep over the same files
# (Debian's ripgrep, installed as root when missing); BENCH_SEARCH_NOTEBOOKS and BENCH_SEARCH_OTHERS (10000 each),
# BENCH_SEARCH_REPS (10) and BENCH_SEARCH_SECONDS (60, the freshness phase) make a smaller run while working on it. Those
# installs are the only downloads of any benchmark; nothing is downloaded while a benchmark is measured.
# The output is also kept in bench/target/last-run.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"
# BENCH_HUB_JAR runs the benchmarks against another build (an older commit's jar, with its lib/ beside it).
HUB_JAR=${BENCH_HUB_JAR:-$ROOT/appliance/target/labhub.jar}
BENCH_JAR=$ROOT/bench/target/labhub-bench.jar
ALL=(startup api-users login spawn proxy webdav search preserve)
CHP_VERSION=5.3.0
CHP_DIR=$ROOT/bench/target/chp
SPAWN_IMAGE=localhost/labhub/kernel-minimal:latest
SETTLE_SECONDS=10

usage() {
  echo "usage: bench/run.sh [startup|api-users|login|spawn|proxy|webdav|search|preserve|image]   (no NAME: the first eight; spawn alone about 3 minutes, proxy about 3, webdav about 7, search about 10, preserve about 2, image about 3)"
}

case ${1:-} in
  '') SELECTED=("${ALL[@]}") ;;
  startup | api-users | login | spawn | proxy | webdav | search | preserve | image) SELECTED=("$1") ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac
(($# <= 1)) || { usage >&2; exit 2; }

if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then JAVA=$JAVA_HOME/bin/java; else JAVA=$(command -v java); fi
JAVA_OPTS=()
read -r -a JAVA_OPTS <<<"${LABHUB_JAVA_OPTS:-}"
# The hub's environment without LABHUB_* settings, so it runs on its defaults (Argon2id 19 MiB, t=2, 2 at a time).
HUB_ENV=(env)
for v in $(compgen -e); do
  if [[ $v == LABHUB_* ]]; then HUB_ENV+=(-u "$v"); fi
done

# True when $1 is missing or a file under the other arguments is newer.
stale() {
  local target=$1
  shift
  [[ -f $target ]] || return 0
  [[ -n $(find "$@" -type f -newer "$target" -print -quit 2>/dev/null) ]]
}

mkdir -p bench/target
exec > >(tee bench/target/last-run.txt) 2>&1

if [[ -z ${BENCH_HUB_JAR:-} ]] && { stale "$HUB_JAR" appliance/src storage/src web pom.xml appliance/pom.xml storage/pom.xml || [[ ! -d appliance/target/lib ]]; }; then
  echo "bench: building the hub (mvn -B -q -o -DskipTests package)" >&2
  mvn -B -q -o -DskipTests package
  touch "$HUB_JAR"
fi
if stale "$BENCH_JAR" bench/src bench/pom.xml pom.xml; then
  echo "bench: building the load generators (mvn -B -q -o -f bench/pom.xml package)" >&2
  mvn -B -q -o -f bench/pom.xml package
  touch "$BENCH_JAR"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/labhub-bench.XXXXXX")
PIDS=()
# Containers of this run carry org.labhub.bench-run=RUN_ID (raw baseline) or org.labhub.hub=<id of a hub of $TMP>.
RUN_ID=$$

# Stops one process we started: SIGTERM, up to 30 s, then SIGKILL.
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  remove_containers
  rm -rf "$TMP"
}

# Removes the containers of this run that the spawn generator left (it removes them itself unless it was killed).
remove_containers() {
  local f ids=()
  [[ -d $TMP/spawn-raw || -d $TMP/proxy || -d $TMP/preserve || -d $TMP/image ]] || return 0
  mapfile -t ids < <(podman ps -aq --filter "label=org.labhub.bench-run=$RUN_ID" 2>/dev/null)
  for f in "$TMP"/*/secrets/hub-id; do
    if [[ -f $f ]]; then
      mapfile -t -O "${#ids[@]}" ids < <(podman ps -aq --filter "label=org.labhub.hub=$(<"$f")" 2>/dev/null)
    fi
  done
  if ((${#ids[@]})); then
    echo "bench: removing ${#ids[@]} leftover container(s)" >&2
    podman rm -f -t 0 "${ids[@]}" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_jvm NAME COMMAND...: runs COMMAND in the background with its output in $TMP/NAME.log and waits (at most
# 60 s) for its "serving http://127.0.0.1:PORT/" line. Sets STARTED_PID and STARTED_URL.
start_jvm() {
  local name=$1 log=$TMP/$1.log i line
  shift
  : >"$log"
  "$@" >"$log" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  for ((i = 0; i < 600; i++)); do
    line=$(grep -o -m1 'serving http://127\.0\.0\.1:[0-9]*/' "$log" || true)
    if [[ -n $line ]]; then
      STARTED_URL=${line#serving }
      STARTED_URL=${STARTED_URL%/}
      return 0
    fi
    kill -0 "$STARTED_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: $name did not start; its log:" >&2
  tail -n 40 "$log" >&2
  exit 1
}

# start_hub NAME: a hub on a new data root $TMP/NAME. Sets HUB_PID, HUB_URL, HUB_DATA.
start_hub() {
  HUB_DATA=$TMP/$1
  mkdir -p "$HUB_DATA"
  start_jvm "$1" "${HUB_ENV[@]}" "$JAVA" "${JAVA_OPTS[@]}" -jar "$HUB_JAR" run --data "$HUB_DATA" --port 0 --bind 127.0.0.1
  HUB_PID=$STARTED_PID HUB_URL=$STARTED_URL
}

rss_kib() {
  awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

mib() {
  awk -v k="$1" 'BEGIN {printf "%.0f MiB", k / 1024}'
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'
}

# Runs a load generator. In the background plus wait, so an interrupt is handled at once (bash defers traps until a
# foreground child ends) and cleanup stops the generator too.
bench_java() {
  "$JAVA" -jar "$BENCH_JAR" "$@" &
  local pid=$!
  PIDS+=("$pid")
  wait "$pid"
}

note_load() {
  echo "bench: $1 starts; load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

run_startup() {
  note_load startup
  bench_java startup --java "$JAVA" --java-opts "${LABHUB_JAVA_OPTS:-}" --hub-jar "$HUB_JAR" --bench-jar "$BENCH_JAR" \
    --tmp "$TMP" --runs 5
}

# api-users, with the memory readings around it: the hub's RSS after start, after the load, after 10 s idle, and
# after a forced full GC; a bare JVM (bench BareHealth) started alongside and read at the same moments is the baseline.
run_api_users() {
  note_load api-users
  start_hub api-users
  start_jvm bare "$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" org.labhub.bench.BareHealth
  local bare=$STARTED_PID
  sleep 2
  local hub_start bare_start hub_load bare_load hub_idle bare_idle hub_gc bare_gc
  hub_start=$(rss_kib "$HUB_PID") bare_start=$(rss_kib "$bare")
  bench_java api-users --url "$HUB_URL" --data "$HUB_DATA" --pid "$HUB_PID" --users 200 --rounds 5
  hub_load=$(rss_kib "$HUB_PID") bare_load=$(rss_kib "$bare")
  sleep "$SETTLE_SECONDS"
  hub_idle=$(rss_kib "$HUB_PID") bare_idle=$(rss_kib "$bare")
  jcmd "$HUB_PID" GC.run >/dev/null 2>&1 || true
  jcmd "$bare" GC.run >/dev/null 2>&1 || true
  sleep 2
  hub_gc=$(rss_kib "$HUB_PID") bare_gc=$(rss_kib "$bare")
  printf 'memory: hub RSS 2 s after start %s, after the api-users load %s, after %s s idle %s, after a forced GC (jcmd GC.run) %s\n' \
    "$(mib "$hub_start")" "$(mib "$hub_load")" "$SETTLE_SECONDS" "$(mib "$hub_idle")" "$(mib "$hub_gc")"
  printf 'memory: baseline bare JVM (idle) %s / %s / %s / %s; ratio after start %s, after load %s, after idle %s, after GC %s\n' \
    "$(mib "$bare_start")" "$(mib "$bare_load")" "$(mib "$bare_idle")" "$(mib "$bare_gc")" "$(ratio "$hub_start" "$bare_start")" \
    "$(ratio "$hub_load" "$bare_load")" "$(ratio "$hub_idle" "$bare_idle")" "$(ratio "$hub_gc" "$bare_gc")"
  local verdict=met
  ((hub_idle < 200 * 1024)) || verdict=MISSED
  printf 'memory: target < 200 MiB RSS when idle (after the load and %s s): %s (%s)\n' "$SETTLE_SECONDS" "$verdict" "$(mib "$hub_idle")"
  stop_pid "$bare"
  stop_pid "$HUB_PID"
}

run_login() {
  note_load login
  start_hub login
  bench_java login --url "$HUB_URL" --data "$HUB_DATA" --pid "$HUB_PID" --logins 20 --reps 3 --flood 500
  stop_pid "$HUB_PID"
}

# spawn: why it cannot run here, or nothing.
spawn_missing() {
  if (($(id -u) != 0)); then
    echo "it needs root (the hub maps each user's container to its own host uid range)"
  elif ! command -v podman >/dev/null 2>&1; then
    echo "Podman is not installed (provisioning/host-setup.sh)"
  elif ! podman image exists "$SPAWN_IMAGE" 2>/dev/null; then
    echo "the image $SPAWN_IMAGE is missing (./labhub kernels build minimal)"
  fi
}

# spawn: two hubs (spawner.max_concurrent_spawns 4 and 10) against raw `podman run -d`, all interleaved.
run_spawn() {
  local missing
  missing=$(spawn_missing)
  if [[ -n $missing ]]; then
    # Asked for by name, that is a failure; as part of all four, the others still count.
    ((${#SELECTED[@]} == 1)) && { echo "bench: spawn cannot run: $missing" >&2; exit 1; }
    echo "spawn: SKIPPED: $missing"
    return 0
  fi
  note_load spawn
  bench_java spawn --java "$JAVA" --java-opts "${LABHUB_JAVA_OPTS:-}" --hub-jar "$HUB_JAR" --tmp "$TMP" \
    --image "$SPAWN_IMAGE" --run-id "$RUN_ID" --runs 10 --users 10 --rounds 3
}

# proxy: configurable-http-proxy in bench/target/chp, installed from npm the first time (a later run reuses it).
ensure_chp() {
  if grep -qs "\"version\": \"$CHP_VERSION\"" "$CHP_DIR/node_modules/configurable-http-proxy/package.json"; then
    return 0
  fi
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "bench: node or npm is missing: proxy runs without its configurable-http-proxy side" >&2
    return 0
  fi
  echo "bench: installing configurable-http-proxy@$CHP_VERSION into bench/target/chp (npm, once)" >&2
  mkdir -p "$CHP_DIR"
  if ! npm install --prefix "$CHP_DIR" --save-exact --no-audit --no-fund "configurable-http-proxy@$CHP_VERSION" >"$TMP/npm.log" 2>&1; then
    echo "bench: npm install failed; proxy runs without its configurable-http-proxy side. npm said:" >&2
    tail -n 20 "$TMP/npm.log" >&2
  fi
}

# proxy: one hub, one user's notebook server; small GETs, kernel round trips and a 1 GiB download, each straight to
# the notebook's Unix socket, through the hub and through configurable-http-proxy, interleaved.
run_proxy() {
  local missing
  missing=$(spawn_missing)
  if [[ -n $missing ]]; then
    ((${#SELECTED[@]} == 1)) && { echo "bench: proxy cannot run: $missing" >&2; exit 1; }
    echo "proxy: SKIPPED: $missing"
    return 0
  fi
  ensure_chp
  note_load proxy
  bench_java proxy --java "$JAVA" --java-opts "${LABHUB_JAVA_OPTS:-}" --hub-jar "$HUB_JAR" --tmp "$TMP" --chp "$CHP_DIR" \
    --seconds 3 --rounds 3 --executions 300 --download-mib 1024
}

# webdav: what it needs and cannot install, or nothing. As root, missing Debian packages are installed first.
WEBDAV_PACKAGES=(nginx libnginx-mod-http-dav-ext rclone)
dav_ext_module() {
  local f
  for f in /usr/lib/nginx/modules/ngx_http_dav_ext_module.so /usr/share/nginx/modules/ngx_http_dav_ext_module.so; do
    [[ -f $f ]] && { echo "$f"; return 0; }
  done
  return 1
}

webdav_missing() {
  if command -v nginx >/dev/null 2>&1 && dav_ext_module >/dev/null && command -v rclone >/dev/null 2>&1 \
    && command -v openssl >/dev/null 2>&1; then
    return 0
  fi
  if (($(id -u) != 0)); then
    echo "it needs nginx, libnginx-mod-http-dav-ext, rclone and openssl (as root: apt-get install -y --no-install-recommends ${WEBDAV_PACKAGES[*]} openssl)"
    return 0
  fi
  echo "bench: installing ${WEBDAV_PACKAGES[*]} (apt-get, once; Debian's nginx service is kept from starting)" >&2
  # policy-rc.d exit 101: the packages' maintainer scripts may not start services, so Debian's nginx never takes port 80.
  local policy=/usr/sbin/policy-rc.d had_policy=0 ok=1
  if [[ -e $policy ]]; then had_policy=1; cp -p "$policy" "$TMP/policy-rc.d.saved"; fi
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${WEBDAV_PACKAGES[@]}" openssl >"$TMP/apt.log" 2>&1 || ok=0
  if ((had_policy)); then cp -p "$TMP/policy-rc.d.saved" "$policy"; else rm -f "$policy"; fi
  # And for later boots: the service stays off (a no-op without systemd).
  if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
    systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
  if ((!ok)) || ! dav_ext_module >/dev/null || ! command -v rclone >/dev/null 2>&1; then
    echo "apt-get install ${WEBDAV_PACKAGES[*]} failed: $(tail -n 3 "$TMP/apt.log" | tr '\n' ' ')"
  fi
}

# True when something accepts connections on 127.0.0.1:$1 (bash's /dev/tcp: no ss or curl needed).
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# start_nginx: our own nginx (not Debian's service) with the WebDAV modules and Basic auth, on 127.0.0.1 and a free
# port, everything under $TMP/nginx. Sets NGINX_PID, NGINX_URL, NGINX_ROOT, NGINX_USER, NGINX_PASSWORD.
start_nginx() {
  local dir=$TMP/nginx module port i tries pid user_line=''
  module=$(dav_ext_module)
  mkdir -p "$dir"/{root,body,proxy,fastcgi,uwsgi,scgi,logs}
  NGINX_ROOT=$dir/root NGINX_USER=alice NGINX_PASSWORD=$(openssl rand -hex 24)
  # apr1 (nginx's own MD5-based crypt, about as costly per request as labhub's token check); -5 (SHA-crypt, 5000
  # rounds) would add about a millisecond to each of nginx's requests.
  printf '%s:%s\n' "$NGINX_USER" "$(openssl passwd -apr1 "$NGINX_PASSWORD")" >"$dir/htpasswd"
  (($(id -u) == 0)) && user_line='user root;'
  for ((tries = 0; tries < 20; tries++)); do
    port=$((20000 + RANDOM % 40000))
    port_open "$port" && continue
    cat >"$dir/nginx.conf" <<EOF
$user_line
load_module $module;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log $dir/logs/access.log;
  sendfile on;
  keepalive_requests 100000;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port;
    root $dir/root;
    location / {
      auth_basic "bench";
      auth_basic_user_file $dir/htpasswd;
      dav_methods PUT DELETE MKCOL COPY MOVE;
      dav_ext_methods PROPFIND OPTIONS;
      create_full_put_path on;
      client_max_body_size 0;
    }
  }
}
EOF
    : >"$dir/logs/error.log"
    nginx -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" -g 'daemon off;' >"$dir/logs/stdout.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    for ((i = 0; i < 50; i++)); do
      # nginx writes its pid file only after it has bound its sockets.
      if [[ -s $dir/nginx.pid ]] && kill -0 "$pid" 2>/dev/null && port_open "$port"; then
        NGINX_PID=$pid NGINX_URL=http://127.0.0.1:$port/
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if grep -qs 'Address already in use' "$dir/logs/error.log" "$dir/logs/stdout.log"; then
      stop_pid "$pid"
      continue
    fi
    echo "bench: nginx did not start; its log:" >&2
    cat "$dir/logs/error.log" "$dir/logs/stdout.log" >&2
    exit 1
  done
  echo "bench: found no free port for nginx" >&2
  exit 1
}

# webdav: PUT/GET of 1 GiB, PROPFIND Depth 1 on 10,000 files, rclone upload of 10,000 small files; labhub against
# our nginx (and cp / a plain read as the disk's floor), interleaved.
run_webdav() {
  local missing
  missing=$(webdav_missing)
  if [[ -n $missing ]]; then
    ((${#SELECTED[@]} == 1)) && { echo "bench: webdav cannot run: $missing" >&2; exit 1; }
    echo "webdav: SKIPPED: $missing"
    return 0
  fi
  note_load webdav
  start_nginx
  echo "webdav: $(nginx -v 2>&1 | sed 's/^nginx version: //') with $(basename "$(dav_ext_module)") (pid $NGINX_PID, worker_processes auto); $(rclone version 2>/dev/null | head -n 1)"
  start_hub webdav
  bench_java webdav --tmp "$TMP" --hub-url "$HUB_URL" --hub-data "$HUB_DATA" --hub-pid "$HUB_PID" \
    --nginx-url "$NGINX_URL" --nginx-root "$NGINX_ROOT" --nginx-user "$NGINX_USER" --nginx-password "$NGINX_PASSWORD" \
    --big-mib "${BENCH_WEBDAV_MIB:-1024}" --rounds 3 --propfind-files "${BENCH_WEBDAV_FILES:-10000}" --propfind-reps 20 \
    --upload-files "${BENCH_WEBDAV_FILES:-10000}" --rclone-files "${BENCH_WEBDAV_RCLONE_FILES:-2000}" --upload-rounds "${BENCH_WEBDAV_ROUNDS:-2}" --transfers 8
  stop_pid "$HUB_PID"
  stop_pid "$NGINX_PID"
}

# search: ripgrep, or what is missing. As root, Debian's ripgrep is installed first.
search_missing() {
  command -v rg >/dev/null 2>&1 && return 0
  if (($(id -u) != 0)); then
    echo "it needs ripgrep (as root: apt-get install -y --no-install-recommends ripgrep)"
    return 0
  fi
  echo "bench: installing ripgrep (apt-get, once)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ripgrep >"$TMP/apt-rg.log" 2>&1 \
    || echo "apt-get install ripgrep failed: $(tail -n 3 "$TMP/apt-rg.log" | tr '\n' ' ')"
}

# search: 50 accounts sharing with u00; the corpus (10,000 notebooks, 10,000 other files) written with the hub stopped;
# the full index build timed as `labhub reindex` (offline); then the hub again: 20 queries as u00 against ripgrep over
# the same folders, and freshness under load (100 files/s for 60 s written into u00's home).
run_search() {
  local missing
  missing=$(search_missing)
  if [[ -n $missing ]]; then
    ((${#SELECTED[@]} == 1)) && { echo "bench: search cannot run: $missing" >&2; exit 1; }
    echo "search: SKIPPED: $missing"
    return 0
  fi
  note_load search
  start_hub search
  bench_java search-setup --url "$HUB_URL" --data "$HUB_DATA" --token-file "$TMP/search-token"
  stop_pid "$HUB_PID"
  bench_java search-corpus --data "$HUB_DATA" --notebooks "${BENCH_SEARCH_NOTEBOOKS:-10000}" --others "${BENCH_SEARCH_OTHERS:-10000}"
  local t0=$SECONDS out
  out=$("${HUB_ENV[@]}" "$JAVA" "${JAVA_OPTS[@]}" -jar "$HUB_JAR" reindex --data "$HUB_DATA" 2>&1 | tail -n 1)
  echo "search: full index build (labhub reindex, offline, hub stopped): $out; $((SECONDS - t0)) s with the JVM start"
  echo "search: index on disk $(du -sh "$HUB_DATA/index" | cut -f1), corpus $(du -sh "$HUB_DATA/homes" | cut -f1)"
  start_hub search
  bench_java search --url "$HUB_URL" --data "$HUB_DATA" --token-file "$TMP/search-token" --rg "$(command -v rg)" \
    --reps "${BENCH_SEARCH_REPS:-10}" --seconds "${BENCH_SEARCH_SECONDS:-60}"
  printf 'search: hub RSS at the end %s\n' "$(mib "$(rss_kib "$HUB_PID")")"
  stop_pid "$HUB_PID"
}

# preserve: one hub; preserve (by reference) and re-run of a small notebook, interleaved with raw podman runs of it.
run_preserve() {
  local missing
  missing=$(spawn_missing)
  if [[ -n $missing ]]; then
    ((${#SELECTED[@]} == 1)) && { echo "bench: preserve cannot run: $missing" >&2; exit 1; }
    echo "preserve: SKIPPED: $missing"
    return 0
  fi
  note_load preserve
  bench_java preserve --java "$JAVA" --java-opts "${LABHUB_JAVA_OPTS:-}" --hub-jar "$HUB_JAR" --tmp "$TMP" \
    --image "$SPAWN_IMAGE" --runs 3
}

# image: the container image (./labhub image) against the jar. Sizes of it and of each kernel image, then start to
# healthy on a fresh data root, the container (`podman run` as docs/container.md says) and the jar (as ./labhub run
# starts it), five of each, interleaved, both on one Podman API service of this run.
IMAGE_REF=localhost/labhub/labhub:latest

image_missing() {
  if (($(id -u) != 0)); then
    echo "it needs root (the image is in root's Podman storage)"
  elif ! command -v podman >/dev/null 2>&1; then
    echo "Podman is not installed (provisioning/host-setup.sh)"
  elif ! podman image exists "$IMAGE_REF" 2>/dev/null; then
    echo "the image $IMAGE_REF is missing (./labhub image)"
  fi
}

human_bytes() {
  awk -v b="$1" 'BEGIN { split("B kB MB GB", u, " "); i = 1; while (b >= 1000 && i < 4) { b /= 1000; i++ }; printf "%.1f %s", b, u[i] }'
}

# A TCP port nothing listens on (the container's is published on it before anything answers).
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}

# wait_healthy URL START: seconds from START until URL/api/health answers 200 (at most 180 s).
wait_healthy() {
  local url=$1 start=$2 i
  for ((i = 0; i < 1800; i++)); do
    if curl -fsS -m 2 -o /dev/null "$url/api/health" 2>/dev/null; then
      awk -v a="$start" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.2f", b - a }'
      return 0
    fi
    sleep 0.1
  done
  return 1
}

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

run_image() {
  local missing
  missing=$(image_missing)
  if [[ -n $missing ]]; then
    ((${#SELECTED[@]} == 1)) && { echo "bench: image cannot run: $missing" >&2; exit 1; }
    echo "image: SKIPPED: $missing"
    return 0
  fi
  note_load image
  local ref
  printf 'image: %s %s (id %.12s)\n' "$IMAGE_REF" "$(human_bytes "$(podman image inspect --format '{{.Size}}' "$IMAGE_REF")")" \
    "$(podman image inspect --format '{{.Id}}' "$IMAGE_REF")"
  while IFS= read -r ref; do
    podman image exists "$ref:latest" || continue
    printf 'image: kernel %s:latest %s\n' "$ref" "$(human_bytes "$(podman image inspect --format '{{.Size}}' "$ref:latest")")"
  done < <(podman images --format '{{.Repository}}' --filter 'reference=localhost/labhub/kernel-*' | sort -u)

  mkdir -p "$TMP/image"
  local sock=$TMP/image/podman.sock
  podman system service --time=0 "unix://$sock" >"$TMP/image/podman.log" 2>&1 &
  PIDS+=("$!")
  local i
  for ((i = 0; i < 100; i++)); do [[ -S $sock ]] && break; sleep 0.1; done
  [[ -S $sock ]] || { echo "bench: podman system service made no socket" >&2; exit 1; }

  local -a jar_s=() ctr_s=()
  local round data port start secs pid name
  for ((round = 1; round <= 5; round++)); do
    # The jar, as ./labhub run starts it (same JVM options and class archive), on the same Podman service.
    data=$TMP/image/jar-$round port=$(free_port)
    mkdir -p "$data"
    start=${EPOCHREALTIME/,/.}
    "${HUB_ENV[@]}" LABHUB_PODMAN_SOCKET="$sock" "$JAVA" "${JAVA_OPTS[@]}" -jar "$HUB_JAR" run --data "$data" --port "$port" \
      --bind 127.0.0.1 >"$TMP/image/jar-$round.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    secs=$(wait_healthy "http://127.0.0.1:$port" "$start") || { tail -n 30 "$TMP/image/jar-$round.log" >&2; echo "bench: the jar did not become healthy" >&2; exit 1; }
    jar_s+=("$secs")
    stop_pid "$pid"

    # The container, as docs/container.md runs it (data root at the same path inside and out).
    data=$TMP/image/ctr-$round port=$(free_port) name=labhub-bench-image-$RUN_ID-$round
    mkdir -p "$data"
    start=${EPOCHREALTIME/,/.}
    podman run -d --name "$name" --label "org.labhub.bench-run=$RUN_ID" -p "127.0.0.1:$port:8080" \
      --cap-drop=ALL --cap-add=CHOWN,DAC_OVERRIDE,FOWNER --security-opt=no-new-privileges --read-only --tmpfs /tmp \
      -v "$sock:/run/podman/podman.sock" -e LABHUB_PODMAN_SOCKET=/run/podman/podman.sock \
      -v "$data:$data" -e LABHUB_DATA_ROOT="$data" "$IMAGE_REF" >/dev/null
    secs=$(wait_healthy "http://127.0.0.1:$port" "$start") || { podman logs --tail 30 "$name" >&2; echo "bench: the container did not become healthy" >&2; exit 1; }
    ctr_s+=("$secs")
    podman rm -f -t 20 "$name" >/dev/null
    printf 'image: round %d: jar %s s, container %s s\n' "$round" "${jar_s[-1]}" "${ctr_s[-1]}"
  done
  local jm cm
  jm=$(median "${jar_s[@]}") cm=$(median "${ctr_s[@]}")
  printf 'image: start to healthy (fresh data root), median of 5: container %s s, jar %s s; ratio container/jar %s\n' \
    "$cm" "$jm" "$(ratio "$cm" "$jm")"
}

main() {
  echo "bench: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
    "$("$JAVA" -version 2>&1 | head -n 1); hub ${BENCH_HUB_JAR:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')}" \
    "${LABHUB_JAVA_OPTS:+with LABHUB_JAVA_OPTS=$LABHUB_JAVA_OPTS}"
  echo "bench: the machine may be shared: compare each result with its own baseline (same run), not across runs"
  local name started=$SECONDS
  for name in "${SELECTED[@]}"; do
    case $name in
      startup) run_startup ;;
      api-users) run_api_users ;;
      login) run_login ;;
      spawn) run_spawn ;;
      proxy) run_proxy ;;
      webdav) run_webdav ;;
      search) run_search ;;
      preserve) run_preserve ;;
      image) run_image ;;
    esac
  done
  echo "bench: done in $((SECONDS - started)) s"
}

main
