#!/bin/bash
# Measures FocusFlow builds side by side in one sitting, interleaved: for
# each round, each build in turn is started on its own database, driven by
# the load tool through each scenario, and stopped. Prints one line per
# run; take the medians across rounds.
#
#   scripts/compare.sh [-r ROUNDS] [-d DURATION] [-c CONNS] [-w SETTLE] [-s "day start stats"] \
#       NAME=BINARY,LOADTOOL,DATABASE_URL [NAME=…]
#
# Each database is seeded beforehand by the build's own load tool
# (focusflow-load seed --db URL --users 1000 --days 365). A start run adds
# activity lines to today; they are pruned before each day run so that
# every day run measures the same day. Each server is left to settle
# (-w, default 20s) before it is measured: a fresh start runs its periodic
# work at once (the achievement pass evaluates every user the previous
# round's timer starts changed), which is not what the measurement is of.
# Load goes to loopback only.
set -euo pipefail
rounds=3 duration=10s conns=64 settle=20 scenarios="day start stats"
while getopts r:d:c:w:s: opt; do
	case $opt in
	r) rounds=$OPTARG ;;
	d) duration=$OPTARG ;;
	c) conns=$OPTARG ;;
	w) settle=${OPTARG%s} ;;
	s) scenarios=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -gt 0 ]] || { sed -n '2,13p' "$0"; exit 2; }

port=18200
prune() { # prune DATABASE_URL: today's activity of the load users goes
	psql -X -q "$1" -c "DELETE FROM activity WHERE date = to_char(now() at time zone 'UTC', 'YYYY-MM-DD')
		AND user_id IN (SELECT id FROM users WHERE username LIKE 'load-user-%')" >/dev/null
}
serve() { # serve BINARY DATABASE_URL: starts it, prints its pid
	ENVIRONMENT=development DATABASE_URL="$2" DATA_DIR="$(mktemp -d)" LOG_LEVEL=WARNING LOG_FILE= \
		RATELIMIT_IP=100000000/minute RATELIMIT_READ=100000000/minute RATELIMIT_WRITE=100000000/minute \
		RATELIMIT_LOGIN=100000/hour "$1" serve --addr 127.0.0.1:$port >/dev/null 2>&1 &
	local pid=$!
	for _ in $(seq 200); do curl -sf -o /dev/null http://127.0.0.1:$port/ping && break; sleep 0.1; done
	echo $pid
}

for round in $(seq "$rounds"); do
	for build in "$@"; do
		name=${build%%=*}
		IFS=, read -r bin load db <<<"${build#*=}"
		pid=$(serve "$bin" "$db")
		sleep "$settle"
		for scenario in $scenarios; do
			[[ $scenario == day ]] && prune "$db"
			out=$("$load" run --base http://127.0.0.1:$port --scenario "$scenario" --users 64 --conns "$conns" \
				--duration "$duration" --warmup 2s 2>&1 | grep -E '^(GET|POST) ' || true)
			printf 'round %s  %-8s %-6s %s\n' "$round" "$name" "$scenario" "$(echo "$out" | tr -s ' ')"
		done
		kill "$pid"
		wait "$pid" 2>/dev/null || true
	done
done
