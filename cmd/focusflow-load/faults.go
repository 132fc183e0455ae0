package main

// focusflow-load faults starts real focusflow processes on loopback ports
// and puts them through the faults an operator meets: a database that
// stalls or resets, a held table lock, clients that hang up mid-write,
// kill -9 under load, Redis gone, a burst of sign-ins and a big import.
// Each scenario asserts its outcome (every request answered in time,
// nothing lost, nothing applied twice) and reports what it measured; the
// timings are printed, never asserted beyond generous bounds.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

const faultsUsage = `Usage: focusflow-load faults --bin PATH --db URL [--redis URL] [--short] [--run NAMES]

Starts focusflow processes (the binary --bin) on loopback ports, against
a database of its own: on PostgreSQL (--db postgres://…) a new database
created on that server and dropped at the end; on SQLite (--db sqlite, or
sqlite:///path/dir-or-file.db) a file in a temporary directory. For each
scenario it asserts the outcome and prints the measured timings as a
table; the exit status is 1 when a scenario failed, 2 for bad flags.

Scenarios (those marked PG need PostgreSQL, redis needs --redis):
  stall   PG: a proxy in front of the database stops forwarding; signed-in
          requests are answered (2xx or 503 with Retry-After) within
          DB_QUERY_TIMEOUT + 1 s, the server recovers, writes are neither
          lost nor doubled
  lock    PG: another session holds ACCESS EXCLUSIVE on tasks; the same
  reset   PG: the proxy resets every connection; clean 503s, fast recovery
  hangup  clients hang up mid-write (timer actions with tiny timeouts):
          no transaction left open, the next action works, entries do not
          overlap
  kill    kill -9 under load: after a restart every acknowledged write is
          there and the running timer lost no time
  redis   redis: rate limits in Redis behind a proxy that stalls, then
          resets; requests are still answered
  burst   16 concurrent sign-ins: peak RSS of the server (VmHWM) under the
          documented bound
  import  a big import while other users write: their writes are answered;
          their worst latency is reported

Flags:
`

// faultsConfig is what the faults subcommand was asked for.
type faultsConfig struct {
	bin, db, redis string
	short          bool
	run            string
	queryTimeout   time.Duration
	verbose        bool
	serverEnv      stringList // KEY=VALUE for every server, e.g. GOMEMLIMIT=409MiB
}

func faultsCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("faults", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c faultsConfig
	fs.StringVar(&c.bin, "bin", "", "the focusflow `binary` to start (go build -o /tmp/focusflow ./cmd/focusflow)")
	fs.StringVar(&c.db, "db", "", "postgres://… (a server to create a database on) or sqlite")
	fs.StringVar(&c.redis, "redis", "", "redis://HOST:PORT/N on loopback, for the Redis scenario")
	fs.BoolVar(&c.short, "short", false, "small sizes and durations: the whole suite in about two minutes")
	fs.StringVar(&c.run, "run", "", "comma-separated scenarios to run (default all)")
	fs.DurationVar(&c.queryTimeout, "query-timeout", 0, "DB_QUERY_TIMEOUT of the stall, lock and reset scenarios' servers (default 5s, 2s with --short); the others run with the default")
	fs.Var(&c.serverEnv, "server-env", "`KEY=VALUE` added to every server's environment (repeatable), e.g. GOMEMLIMIT=409MiB")
	fs.BoolVar(&c.verbose, "v", false, "print progress and the servers' logs of failed scenarios")
	fs.Usage = func() {
		fmt.Fprint(stderr, faultsUsage)
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, "faults", stderr); done {
		return code
	}
	if err := c.validate(); err != nil {
		fmt.Fprintln(stderr, "faults:", err)
		return 2
	}
	s, err := newSuite(ctx, c, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "faults:", err)
		return 1
	}
	defer s.close()
	results := s.runAll(ctx)
	printOutcomes(stdout, results)
	return outcomesExit(results)
}

func (c *faultsConfig) validate() error {
	switch {
	case c.bin == "":
		return errors.New("--bin is required: the focusflow binary to start")
	case c.db == "":
		return errors.New("--db is required: postgres://… or sqlite")
	}
	if st, err := os.Stat(c.bin); err != nil || st.IsDir() {
		return fmt.Errorf("--bin %q is not a file", c.bin)
	}
	if abs, err := filepath.Abs(c.bin); err == nil {
		c.bin = abs // the servers run in directories of their own
	}
	if !c.postgres() && c.db != "sqlite" && !strings.HasPrefix(c.db, "sqlite://") {
		return fmt.Errorf("--db %q: want postgres://…, postgresql://… or sqlite", c.db)
	}
	if c.redis != "" && !strings.HasPrefix(c.redis, "redis://") {
		return fmt.Errorf("--redis %q: want redis://HOST:PORT/N", c.redis)
	}
	for _, kv := range c.serverEnv {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return fmt.Errorf("--server-env %q: want KEY=VALUE", kv)
		}
	}
	if c.queryTimeout == 0 {
		c.queryTimeout = 5 * time.Second
		if c.short {
			c.queryTimeout = 2 * time.Second
		}
	}
	if c.queryTimeout < 100*time.Millisecond || c.queryTimeout > time.Minute {
		return errors.New("--query-timeout must be between 100ms and 1m")
	}
	for _, name := range c.selected() {
		if !slices.ContainsFunc(scenarios, func(sc scenario) bool { return sc.name == name }) {
			return fmt.Errorf("--run: no scenario %q", name)
		}
	}
	return nil
}

func (c *faultsConfig) postgres() bool {
	return strings.HasPrefix(c.db, "postgres://") || strings.HasPrefix(c.db, "postgresql://")
}

// selected is the scenarios named by --run, nil for all.
func (c *faultsConfig) selected() []string {
	if c.run == "" {
		return nil
	}
	var names []string
	for n := range strings.SplitSeq(c.run, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// size is n, or small in short mode.
func (c *faultsConfig) size(n, small int) int {
	if c.short {
		return small
	}
	return n
}

// span is d, or short in short mode.
func (c *faultsConfig) span(d, short time.Duration) time.Duration {
	if c.short {
		return short
	}
	return d
}

// scenario is one fault and what must hold through it.
type scenario struct {
	name  string
	needs string // "postgres", "redis" or "" (any engine)
	run   func(ctx context.Context, s *suite, o *outcome)
}

// scenarios in the order they run.
var scenarios = []scenario{
	{"stall", "postgres", stallScenario},
	{"lock", "postgres", lockScenario},
	{"reset", "postgres", resetScenario},
	{"hangup", "", hangupScenario},
	{"kill", "", killScenario},
	{"redis", "redis", redisScenario},
	{"burst", "", burstScenario},
	{"import", "", importScenario},
}

// runAll runs the selected scenarios one after the other.
func (s *suite) runAll(ctx context.Context) []*outcome {
	want := s.cfg.selected()
	var out []*outcome
	for _, sc := range scenarios {
		if want != nil && !slices.Contains(want, sc.name) {
			continue
		}
		o := &outcome{name: sc.name}
		out = append(out, o)
		switch {
		case sc.needs == "postgres" && !s.cfg.postgres():
			o.skipped = "needs PostgreSQL"
		case sc.needs == "redis" && s.cfg.redis == "":
			o.skipped = "needs --redis"
		case ctx.Err() != nil:
			o.failf("interrupted")
		default:
			s.logf("--- %s", sc.name)
			began := time.Now()
			sc.run(ctx, s, o)
			o.took = time.Since(began)
			s.logf("--- %s: %d failures in %s", sc.name, len(o.failures), o.took.Round(time.Millisecond))
		}
	}
	return out
}
