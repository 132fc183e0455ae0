// Command focusflow-load seeds FocusFlow's database with load users and
// drives a running server (or any loopback URL) with concurrent requests,
// printing requests, errors, req/s and p50/p90/p99/max latency per endpoint.
//
//	focusflow-load seed --db URL --users 1000 --days 365
//	focusflow-load run  --base http://127.0.0.1:8080 --users 64 --conns 64 --duration 15s --scenario day|start|mixed
//	focusflow-load url  --url http://127.0.0.1:7070/day [--method POST] --conns 64 --duration 15s
//
// Load is only ever sent to loopback addresses (127.0.0.0/8, ::1,
// localhost); any other target is refused with exit status 2. Every run
// stops by itself after --duration.
//
// # Comparing with the reference server
//
// The speed targets are fractions of the throughput of ../shared/reference
// (a bare net/http + pgx server doing the least database work), measured in
// the same session on the same machine and PostgreSQL:
//
//  1. Databases (any names; two databases keep the tables apart):
//
//     psql "$ADMIN_URL" -c 'create database refdb' -c 'create database focusflow_load'
//     REF=postgres://postgres@127.0.0.1:5432/refdb?sslmode=disable
//     DB=postgres://postgres@127.0.0.1:5432/focusflow_load?sslmode=disable
//
//  2. Seed the reference, once (about 25 s):
//
//     (cd ../shared/reference && go run . -db "$REF" -seed -users 1000 -days 365)
//
//  3. Seed FocusFlow (gives an empty database the schema first, and refuses
//     one at another schema version; about a minute or two for 5.5M
//     entries; --force replaces earlier load users):
//
//     go run ./cmd/focusflow-load seed --db "$DB" --users 1000 --days 365
//
//  4. Start both servers:
//
//     (cd ../shared/reference && go run . -db "$REF" -addr 127.0.0.1:7070 -users 1000) &
//     ENVIRONMENT=development DATABASE_URL="$DB" DATA_DIR=$(mktemp -d) LOG_LEVEL=WARNING LOG_FILE= \
//     RATELIMIT_IP=1000000/minute RATELIMIT_READ=1000000/minute RATELIMIT_WRITE=1000000/minute \
//     RATELIMIT_LOGIN=100000/hour go run ./cmd/focusflow serve --addr 127.0.0.1:8080 &
//
//     (the reference's -users must match the number it was seeded with: its
//     /day picks a random user among them. Better: go build both first and
//     run the binaries, so the compiler does not compete with the
//     measurement.)
//
//  5. Measure, one after the other, with the same connections and duration:
//
//     focusflow-load url --url http://127.0.0.1:7070/day --conns 64 --duration 15s
//     focusflow-load run --base http://127.0.0.1:8080 --scenario day --users 64 --conns 64 --duration 15s
//     focusflow-load url --url http://127.0.0.1:7070/start --method POST --conns 64 --duration 15s
//     focusflow-load run --base http://127.0.0.1:8080 --scenario start --users 64 --conns 64 --duration 15s
//
//  6. Compare: FocusFlow's day req/s should be at least 35% of the
//     reference's /day with p99 under 50 ms; its timer start at least 40%
//     of the reference's /start with zero errors. For history-size
//     independence, add a user with 1 day and one with 5 years and drive
//     each alone:
//
//     focusflow-load seed --db "$DB" --first 2001 --users 1 --days 1
//     focusflow-load seed --db "$DB" --first 2002 --users 1 --days 1825
//     focusflow-load run --base http://127.0.0.1:8080 --first 2001 --users 1 --conns 64 --duration 15s
//     focusflow-load run --base http://127.0.0.1:8080 --first 2002 --users 1 --conns 64 --duration 15s
//
// The load tool itself uses CPU on the same machine (as wrk would), equally
// for both servers.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Usage: focusflow-load <command> [flags]

Commands:
  seed   create load users with a history directly in the database (PostgreSQL or SQLite)
  run    sign load users in to a FocusFlow server and drive its API
  url    drive any loopback URL (e.g. the reference server's /day and POST /start)

"focusflow-load <command> --help" describes each command's flags.
Targets must be loopback addresses (127.0.0.0/8, ::1, localhost); every run stops after --duration.

Comparing with the reference server (../shared/reference), in one session:

  1. REF=postgres://postgres@127.0.0.1:5432/refdb?sslmode=disable
     DB=postgres://postgres@127.0.0.1:5432/focusflow_load?sslmode=disable
     (create both databases first)
  2. (cd ../shared/reference && go run . -db "$REF" -seed -users 1000 -days 365)
  3. focusflow-load seed --db "$DB" --users 1000 --days 365        [--force to replace]
  4. (cd ../shared/reference && go run . -db "$REF" -addr 127.0.0.1:7070 -users 1000) &   [-users as seeded]
     ENVIRONMENT=development DATABASE_URL="$DB" DATA_DIR=$(mktemp -d) LOG_LEVEL=WARNING LOG_FILE= \
     RATELIMIT_IP=1000000/minute RATELIMIT_READ=1000000/minute RATELIMIT_WRITE=1000000/minute \
     RATELIMIT_LOGIN=100000/hour focusflow serve --addr 127.0.0.1:8080 &
  5. focusflow-load url --url http://127.0.0.1:7070/day --conns 64 --duration 15s
     focusflow-load run --base http://127.0.0.1:8080 --scenario day --users 64 --conns 64 --duration 15s
     focusflow-load url --url http://127.0.0.1:7070/start --method POST --conns 64 --duration 15s
     focusflow-load run --base http://127.0.0.1:8080 --scenario start --users 64 --conns 64 --duration 15s
  6. Targets: day >= 35% of /day req/s with p99 < 50ms; start >= 40% of /start req/s with 0 errors.
     History-size independence: seed --first 2001 --users 1 --days 1 and --first 2002 --users 1 --days 1825,
     then run --first 2001 --users 1 and run --first 2002 --users 1 and compare.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "seed":
		return seedCommand(ctx, args[1:], stdout, stderr)
	case "run":
		return runCommand(ctx, args[1:], stdout, stderr)
	case "url":
		return urlCommand(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "focusflow-load: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
