#!/usr/bin/env bash
# Helpers the installer test (install-test.sh) runs inside its systemd container, where the installed hub is
# reachable on 127.0.0.1 only (the container has no network). Each prints what it found and exits non-zero when
# the check fails.
#   in-container.sh login URL ORIGIN USER PASSWORD_FILE    log in through the login form; print /api/user
#   in-container.sh create-user URL ADMIN_PASSWORD_FILE NAME PASSWORD
#   in-container.sh snapshot                              what a second install run must leave unchanged
set -euo pipefail

JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT

# login URL ORIGIN USER PASSWORD: a cookie session like a browser's; fails unless /api/user names USER.
login() {
  local url=$1 origin=$2 user=$3 password=$4 csrf code me
  csrf=$(curl -fsSk -c "$JAR" -b "$JAR" "$url/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
  [[ -n $csrf ]] || { echo "no csrf token on $url/login" >&2; return 1; }
  code=$(curl -sSk -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" -H "Origin: $origin" \
    --data-urlencode "username=$user" --data-urlencode "password=$password" --data-urlencode "csrf=$csrf" \
    --data-urlencode "next=/" "$url/login")
  [[ $code == 303 || $code == 302 ]] || { echo "POST /login answered $code" >&2; return 1; }
  me=$(curl -fsSk -b "$JAR" "$url/api/user") || { echo "GET /api/user failed after login" >&2; return 1; }
  [[ $me == *"\"name\":\"$user\""* ]] || { echo "GET /api/user answered $me" >&2; return 1; }
  # The token for cookie-carried API calls, from any page the session loads.
  CSRF=$(curl -fsSk -b "$JAR" "$url/" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
  printf '%s\n' "$me"
}

create_user() {
  local url=$1 pwfile=$2 name=$3 password=$4 code
  login "$url" "$url" admin "$(cat "$pwfile")" >/dev/null
  code=$(curl -sSk -o /dev/stderr -w '%{http_code}' -b "$JAR" -H "Origin: $url" -H "X-CSRF-Token: $CSRF" \
    -H 'Content-Type: application/json' -d "{\"password\":\"$password\"}" "$url/api/users/$name")
  [[ $code == 201 ]] || { echo "POST /api/users/$name answered $code" >&2; return 1; }
  echo "created $name"
}

snapshot() {
  find /opt/labhub /etc/labhub /usr/local/bin/labhub /etc/systemd/system/labhub.service /etc/containers/containers.conf.d \
    /etc/subuid /etc/subgid /var/lib/labhub-backups -printf '%p %s %m %u:%g %T@\n' 2>/dev/null | sort
  getent passwd labhub
  systemctl show -p MainPID -p ActiveEnterTimestampMonotonic -p NRestarts labhub.service
  sha256sum /var/lib/labhub/secrets/admin-password
}

cmd=${1:-}
shift || true
case $cmd in
  login) login "$1" "$2" "$3" "$(cat "$4")" ;;
  create-user) create_user "$@" ;;
  snapshot) snapshot ;;
  *) echo "usage: in-container.sh login|create-user|snapshot ..." >&2; exit 2 ;;
esac
