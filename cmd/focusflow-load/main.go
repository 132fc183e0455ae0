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
// # Comparing with the bare server
//
// The speed targets are fractions of the throughput of the bare server
// (focusflow-load bare: plain net/http + pgx doing the least database work
// of a day view and a timer start), measured in the same sitting on the
// same machine and PostgreSQL. The README's performance section gives the
// whole recipe; in short:
//
//	focusflow-load bare --db "$DB" --seed --users 1000 --days 365
//	focusflow-load seed --db "$DB" --users 1000 --days 365
//	focusflow-load bare --db "$DB" --addr 127.0.0.1:7070 --users 1000 &
//	focusflow serve --addr 127.0.0.1:8080 &   (with DATABASE_URL="$DB" and high rate limits)
//	focusflow-load url --url http://127.0.0.1:7070/day --conns 64 --duration 15s
//	focusflow-load run --base http://127.0.0.1:8080 --scenario day --users 64 --conns 64 --duration 15s
//	focusflow-load url --url http://127.0.0.1:7070/start --method POST --conns 64 --duration 15s
//	focusflow-load run --base http://127.0.0.1:8080 --scenario start --users 64 --conns 64 --duration 15s
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
  url    drive any loopback URL (e.g. the bare server's /day and POST /start)
  bare   the bare server: the least work a day view and a timer start need (the speed limit)
  events time live updates: act on timers, measure delivery to every stream (or --hold many streams)
  doc    write a large valid export document (--tasks N --out FILE), for measuring imports
  faults start focusflow processes and put them through faults (stall, lock, reset, hang-ups, kill -9,
         Redis down, sign-in burst, big import); assert the outcomes, print the timings

"focusflow-load <command> --help" describes each command's flags.
Targets must be loopback addresses (127.0.0.0/8, ::1, localhost); every run stops after --duration.

Comparing with the bare server, in one sitting (see the README's performance section):

  1. DB=postgres://postgres@127.0.0.1:5432/focusflow_load?sslmode=disable   (create it first)
  2. focusflow-load bare --db "$DB" --seed --users 1000 --days 365
     focusflow-load seed --db "$DB" --users 1000 --days 365                 [--force to replace]
  3. focusflow-load bare --db "$DB" --addr 127.0.0.1:7070 --users 1000 &     [--users as seeded]
     ENVIRONMENT=development DATABASE_URL="$DB" DATA_DIR=$(mktemp -d) LOG_LEVEL=WARNING LOG_FILE= \
     RATELIMIT_IP=1000000/minute RATELIMIT_READ=1000000/minute RATELIMIT_WRITE=1000000/minute \
     RATELIMIT_LOGIN=100000/hour focusflow serve --addr 127.0.0.1:8080 &
  4. focusflow-load url --url http://127.0.0.1:7070/day --conns 64 --duration 15s
     focusflow-load run --base http://127.0.0.1:8080 --scenario day --users 64 --conns 64 --duration 15s
     focusflow-load url --url http://127.0.0.1:7070/start --method POST --conns 64 --duration 15s
     focusflow-load run --base http://127.0.0.1:8080 --scenario start --users 64 --conns 64 --duration 15s
  5. Compare req/s and p99 of each pair; history-size independence: seed --first 2001 --users 1 --days 1
     and --first 2002 --users 1 --days 1825, then run --first 2001 --users 1 and --first 2002 --users 1.
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
	case "bare":
		return bareCommand(ctx, args[1:], stdout, stderr)
	case "events":
		return eventsCommand(ctx, args[1:], stdout, stderr)
	case "doc":
		return docCommand(ctx, args[1:], stdout, stderr)
	case "faults":
		return faultsCommand(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "focusflow-load: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
