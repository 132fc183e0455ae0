package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/focusflow/focusflow/internal/config"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"golang.org/x/term"
	"gopkg.in/natefinch/lumberjack.v2"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// env is what run takes from the process: the environment and stdin.
type env struct {
	lookup func(string) (string, bool)
	stdin  io.Reader
	// readFile reads *_FILE secrets and .env; nil means os.ReadFile.
	readFile func(string) ([]byte, error)
	// terminal tells whether a stream is a terminal a person watches; nil
	// asks the operating system.
	terminal func(any) bool
}

// onTerminal reports whether the stream (stdin, stdout or stderr) is a
// terminal.
func (e env) onTerminal(stream any) bool {
	if e.terminal != nil {
		return e.terminal(stream)
	}
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Exit statuses.
const (
	exitOK     = 0
	exitFail   = 1
	exitConfig = 2
)

type command struct {
	name, summary string
	run           func(ctx context.Context, a *app, args []string) int
}

func commands() []command {
	return []command{
		{"serve", "run the web server (the default)", cmdServe},
		{"migrate", "apply database migrations and exit", cmdMigrate},
		{"backup", "write a consistent backup of the database to FILE", cmdBackup},
		{"restore", "load a backup FILE into an empty database", cmdRestore},
		{"import-legacy", "import the original (Flask) FocusFlow's users and data: --from URL", cmdImportLegacy},
		{"user", "manage accounts: list, create, set-password, lock, unlock, delete, events", cmdUser},
		{"token", "personal access tokens: token create|list|revoke --user NAME", cmdToken},
		{"session", "revoke sessions: session revoke --user NAME | --all", cmdSession},
		{"healthcheck", "probe the local server's /health (exit 0 healthy, 1 not)", cmdHealthcheck},
		{"version", "print the version", cmdVersion},
	}
}

// app is what every subcommand shares.
type app struct {
	env            env
	stdout, stderr io.Writer
	cfg            *config.Config
	logger         *slog.Logger
	closeLog       func()
}

// run is main without the process: testable with its own environment and
// output. It returns the exit status.
func run(ctx context.Context, args []string, e env, stdout, stderr io.Writer) int {
	if e.readFile == nil {
		e.readFile = os.ReadFile
	}
	a := &app{env: e, stdout: stdout, stderr: stderr}
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		a.usage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, a, args)
		}
	}
	fmt.Fprintf(stderr, "focusflow: unknown command %q\n\n", name)
	a.usage(stderr)
	return exitConfig
}

func (a *app) usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: focusflow [command] [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from the environment (and ./.env); see README.md.\nRun 'focusflow COMMAND --help' for a command's flags.")
}

// flags makes a FlagSet whose --help prints to stdout and whose errors go
// to stderr.
func (a *app) flags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: focusflow %s\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags; done is true when the command should return code.
func (a *app) parse(fs *flag.FlagSet, args []string) (done bool, code int) {
	// Help goes to stdout once; the flag package would print it to the
	// error output before returning ErrHelp.
	for _, arg := range args {
		if arg == "--" {
			break
		}
		if arg == "-h" || arg == "-help" || arg == "--help" || arg == "--h" {
			fs.SetOutput(a.stdout)
			fs.Usage()
			return true, exitOK
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, exitOK
		}
		return true, exitConfig
	}
	return false, 0
}

// loadConfig reads and validates the configuration; problems are printed one
// per line and the command exits with status 2.
func (a *app) loadConfig() bool {
	cfg, err := config.Load(a.env.lookup, ".env", a.env.readFile)
	if err != nil {
		var ce *config.Errors
		if errors.As(err, &ce) {
			fmt.Fprintln(a.stderr, "focusflow: invalid configuration:")
			for _, p := range ce.Problems {
				fmt.Fprintln(a.stderr, "  "+p)
			}
		} else {
			fmt.Fprintln(a.stderr, "focusflow: configuration:", err)
		}
		return false
	}
	a.cfg = cfg
	a.setupLogging()
	for _, w := range cfg.Warnings {
		a.logger.Warn("CONFIGURATION WARNING: " + w)
	}
	return true
}

// setupLogging writes JSON lines to stdout and, unless LOG_FILE is empty, to
// a size-rotated file.
func (a *app) setupLogging() {
	out := a.stdout
	a.closeLog = func() {}
	if a.cfg.LogFile != "" {
		if err := os.MkdirAll(filepath.Dir(a.cfg.LogFile), 0o750); err == nil {
			lj := &lumberjack.Logger{Filename: a.cfg.LogFile, MaxSize: 50, MaxBackups: 10, Compress: true}
			out = io.MultiWriter(a.stdout, lj)
			a.closeLog = func() { lj.Close() }
		} else {
			fmt.Fprintln(a.stderr, "focusflow: cannot create log directory; logging to stdout only:", err)
		}
	}
	a.logger = slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: a.cfg.LogLevel, ReplaceAttr: readableDurations}))
}

// readableDurations writes durations as "1.5s" rather than the JSON
// handler's raw nanoseconds, which no reader of a log line can take in.
func readableDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}

// storeOptions says which database the configuration names.
func (a *app) storeOptions() sqlstore.Options {
	opts := sqlstore.Options{MaxConns: a.cfg.DBMaxConns, PoolWait: a.cfg.DBPoolWait, Logger: a.logger}
	// A short timer cap lets browser tests see a forgotten timer capped,
	// and a short minute lets them see a session's phases end.
	opts.TimerCapOverride = a.testDuration("FOCUSFLOW_TEST_TIMER_CAP", "overrides every timer cap", 0)
	opts.TestMinute = a.testDuration("FOCUSFLOW_TEST_MINUTE", "shortens the phases of new sessions", time.Minute)
	if p, ok := a.cfg.SQLitePath(); ok {
		opts.SQLitePath = p
	} else {
		opts.URL = a.cfg.DatabaseURL
	}
	return opts
}

// testDuration reads a duration that only tests set (below limit, when
// one is given); it is ignored outside development, and logged.
func (a *app) testDuration(name, what string, limit time.Duration) time.Duration {
	v, ok := a.env.lookup(name)
	if !ok || v == "" || a.cfg.Production {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || (limit > 0 && d >= limit) {
		return 0
	}
	a.logger.Warn(name+" "+what+" (testing only)", "value", d.String())
	return d
}

// schemaUse is what a command may do about the database's schema. Only
// serve and migrate apply migrations: an upgrade is a step an operator
// takes on purpose, never a side effect of an admin command run with a
// newer binary. The rest refuse a database whose schema is not theirs,
// with one line that says what to do.
type schemaUse int

const (
	// schemaCurrent: the schema must be this binary's; nothing is written.
	// For admin commands, and for user import too: it needs an existing
	// account, which an empty database cannot have.
	schemaCurrent schemaUse = iota
	// schemaCreate: as schemaCurrent, but an empty database (no FocusFlow
	// schema) is given the schema: for commands that load data.
	schemaCreate
	// schemaPreview: as schemaCurrent, but an empty database is accepted
	// as it is: for the dry run of a load, which writes nothing.
	schemaPreview
	// schemaMigrate: pending migrations are applied.
	schemaMigrate
)

// openStore opens the configured database (with retries) and applies the
// command's schema rule. On failure it has printed one line to stderr.
func (a *app) openStore(ctx context.Context, use schemaUse) (*sqlstore.DB, bool) {
	db, err := sqlstore.Connect(ctx, a.storeOptions(), a.cfg.DBConnectTimeout)
	if err != nil {
		a.logger.Error("cannot open the database", "database", a.cfg.DatabaseURLRedacted(), "error", err.Error())
		fmt.Fprintln(a.stderr, "focusflow: cannot open the database:", err)
		return nil, false
	}
	if err := a.prepareSchema(ctx, db, use); err != nil {
		db.Close()
		fmt.Fprintln(a.stderr, "focusflow:", sqlstore.SafeError(err))
		return nil, false
	}
	return db, true
}

func (a *app) prepareSchema(ctx context.Context, db *sqlstore.DB, use schemaUse) error {
	switch use {
	case schemaMigrate, schemaCreate:
		migrate := db.Migrate
		if use == schemaCreate {
			migrate = db.CreateSchema
		}
		applied, err := migrate(ctx)
		if err != nil {
			if use == schemaMigrate {
				a.logger.Error("migration failed", "error", sqlstore.SafeError(err))
			}
			return err
		}
		if len(applied) > 0 {
			a.logger.Info("migrations applied", "migrations", applied)
		}
		return nil
	}
	err := db.CheckSchema(ctx)
	var outdated *sqlstore.SchemaOutdatedError
	if use == schemaPreview && errors.As(err, &outdated) && outdated.Database == 0 {
		return nil
	}
	return err
}

func cmdVersion(ctx context.Context, a *app, args []string) int {
	fs := a.flags("version", "version")
	if done, code := a.parse(fs, args); done {
		return code
	}
	fmt.Fprintln(a.stdout, "focusflow", buildVersion())
	return exitOK
}

func cmdMigrate(ctx context.Context, a *app, args []string) int {
	fs := a.flags("migrate", "migrate\n\nApplies pending database migrations (serve does this at start too) and exits.")
	if done, code := a.parse(fs, args); done {
		return code
	}
	if !a.loadConfig() {
		return exitConfig
	}
	defer a.closeLog()
	db, ok := a.openStore(ctx, schemaMigrate)
	if !ok {
		return exitFail
	}
	defer db.Close()
	have, _, _ := db.SchemaVersion(ctx)
	fmt.Fprintf(a.stdout, "database schema is at version %d\n", have)
	return exitOK
}
