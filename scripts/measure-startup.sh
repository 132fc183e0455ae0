#!/bin/bash
# Measures what the foundation issue promises for SQLite: the time from
# exec to the first 200 from /ping on a fresh data directory (database
# created and migrated), and the resident memory when idle and after a few
# page views. Usage: scripts/measure-startup.sh [path/to/focusflow]
set -u
bin=${1:-}
if [ -z "$bin" ]; then
  bin=$(mktemp -d)/focusflow
  go build -o "$bin" ./cmd/focusflow || exit 1
fi
dir=$(mktemp -d); cd "$dir"
start=$(date +%s%N)
DATA_DIR=$dir/data LOG_FILE= "$bin" serve --addr 127.0.0.1:18181 >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 2000); do curl -sf -o /dev/null http://127.0.0.1:18181/ping && break; sleep 0.005; done
end=$(date +%s%N)
echo "first /ping after $(( (end-start)/1000000 )) ms"
sleep 3
echo "idle RSS: $(grep VmRSS /proc/$pid/status)"
for i in $(seq 1 50); do curl -s -o /dev/null http://127.0.0.1:18181/; done
sleep 2
echo "RSS after 50 page views: $(grep VmRSS /proc/$pid/status)"
kill $pid; wait $pid 2>/dev/null; rm -rf $dir
