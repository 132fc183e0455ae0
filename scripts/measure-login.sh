#!/bin/bash
# Times sign-ins through the real login form (GET /login for the CSRF
# token and pre-session cookie, then POST /login) against a running
# FocusFlow, and prints p50/p90/max. The account must exist, e.g. a user
# seeded by `focusflow-load seed`. Loopback only.
# Usage: scripts/measure-login.sh BASE_URL USERNAME PASSWORD [COUNT]
set -u
base=${1:?base URL, e.g. http://127.0.0.1:8080} user=${2:?username} pass=${3:?password} n=${4:-30}
case "$base" in http://127.*|http://localhost*|http://\[::1\]*) ;; *) echo "loopback targets only" >&2; exit 2 ;; esac
for _ in $(seq 1 "$n"); do
  jar=$(mktemp)
  tok=$(curl -s -c "$jar" -b "$jar" "$base/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
  curl -s -o /dev/null -c "$jar" -b "$jar" -w '%{time_total} %{http_code}\n' -H 'Sec-Fetch-Site: same-origin' \
    --data-urlencode "csrf_token=$tok" --data-urlencode "username=$user" --data-urlencode "password=$pass" "$base/login"
  rm -f "$jar"
done | sort -n | awk '$2 != 303 {bad++} {a[NR]=$1} END {
  printf "login: n=%d p50=%.0f ms p90=%.0f ms max=%.0f ms, not signed in: %d\n", NR, a[int(NR*0.5)]*1000, a[int(NR*0.9)]*1000, a[NR]*1000, bad }'
