// Package sqlstore is FocusFlow's one store over database/sql. The same
// queries run on embedded SQLite (modernc.org/sqlite, no cgo) and on
// PostgreSQL (pgx); dialect.go holds the few real differences.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options say which database to open.
type Options struct {
	// URL is a postgres:// or postgresql:// URL. When empty, SQLitePath is used.
	URL        string
	SQLitePath string
	MaxConns   int
	// PoolWait bounds how long a call waits for a pooled connection; 0
	// leaves it to the caller's context alone.
	PoolWait time.Duration
	Logger   *slog.Logger
	// Now is the clock; tests inject one.
	Now func() time.Time
	// TimerCapOverride, when positive, replaces every user's timer cap.
	// Only for tests of the capping path (FOCUSFLOW_TEST_TIMER_CAP in
	// development); production never sets it.
	TimerCapOverride time.Duration
	// TestMinute, when positive, is how long a minute of a new session's
	// phases lasts (FOCUSFLOW_TEST_MINUTE in development, for browser
	// tests); production never sets it.
	TestMinute time.Duration
}

// DB is the store. For SQLite, writes go through a single connection (SQLite
// allows one writer at a time; queuing in Go beats spinning on SQLITE_BUSY)
// while reads use a small pool. For PostgreSQL both are the same pool.
type DB struct {
	read, write connPool
	dialect     dialect
	now         func() time.Time
	logger      *slog.Logger
	capOverride time.Duration
	testMinute  time.Duration
	// importFault, set by tests, may fail an import where it can still
	// fail (see importWriter.fault), given the chunk's number from 0.
	importFault func(chunk int) error
	// beforeRoundTrip, when set (tests only), is called as a write
	// transaction starts and before each of its round trips to the
	// database, so that a test can end the caller's context at any step.
	beforeRoundTrip func()
}

// roundTrip calls the beforeRoundTrip test hook, if any.
func (db *DB) roundTrip() {
	if db.beforeRoundTrip != nil {
		db.beforeRoundTrip()
	}
}

// Open opens the database and checks it answers once. It does not migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = 20
	}
	// Instants are stored as milliseconds: the clock says no more than
	// that, so what a write returns is exactly what a later read gives.
	clock := opts.Now
	db := &DB{now: func() time.Time { return clock().Truncate(time.Millisecond) }, logger: opts.Logger,
		capOverride: opts.TimerCapOverride, testMinute: opts.TestMinute}
	var err error
	if opts.URL != "" {
		err = db.openPostgres(opts)
	} else {
		err = db.openSQLite(opts)
	}
	if err != nil {
		return nil, err
	}
	err = db.Ping(ctx)
	// Two processes creating the same new SQLite file race to switch it to
	// WAL, and the loser gets SQLITE_BUSY without the busy handler being
	// consulted; the switch takes microseconds, so trying again is enough.
	for i := 0; err != nil && isBusy(err) && i < 50; i++ {
		time.Sleep(20 * time.Millisecond)
		err = db.Ping(ctx)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Connect opens the database, retrying with backoff for up to timeout while
// it is unreachable (a database that starts after the app, or a short
// outage during a deploy). Each failure is logged without secrets.
func Connect(ctx context.Context, opts Options, timeout time.Duration) (*DB, error) {
	deadline := time.Now().Add(timeout)
	delay := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		db, err := Open(ctx, opts)
		if err == nil {
			return db, nil
		}
		if opts.Logger != nil {
			opts.Logger.Warn("database not reachable", "attempt", attempt, "error", SafeError(err))
		}
		if time.Now().Add(delay).After(deadline) {
			return nil, fmt.Errorf("database not reachable after %d attempts in %s: %s", attempt, timeout, SafeError(err))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}

func (db *DB) openPostgres(opts Options) error {
	cfg, err := pgx.ParseConfig(withSSLDefault(opts.URL))
	if err != nil {
		return errors.New("DATABASE_URL is not a valid PostgreSQL URL")
	}
	// Transaction-mode poolers (PgBouncer, Supabase on :6543) hand each
	// transaction to any server connection, so a named prepared statement
	// must never outlive its transaction. The exec mode sends every query
	// as an unnamed statement in one round trip: safe through a pooler and
	// still parameterised on the server. A deployment connected directly
	// may opt into cached prepared statements (less parsing and planning
	// per query) with default_query_exec_mode=cache_statement in the URL.
	if !strings.Contains(opts.URL, "default_query_exec_mode=") {
		cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	}
	cfg.RuntimeParams["timezone"] = "UTC"
	cfg.RuntimeParams["application_name"] = "focusflow"
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 5 * time.Second
	}
	cfg.BuildContextWatcherHandler = cancelOnServer
	pool := stdlib.OpenDB(*cfg)
	pool.SetMaxOpenConns(opts.MaxConns)
	pool.SetMaxIdleConns(opts.MaxConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pool.SetConnMaxLifetime(30 * time.Minute)
	db.read, db.write, db.dialect = connPool{pool, opts.PoolWait}, connPool{pool, opts.PoolWait}, postgresDialect
	return nil
}

// cancelOnServer makes a cancelled or expired context cancel the statement
// on the server — a statement waiting for a lock stops waiting, and its
// transaction can be rolled back on a connection that stays usable —
// instead of only dropping the connection, which leaves the server
// running it. If the server does not answer (a stalled network), the
// connection is cut half a second later and discarded.
func cancelOnServer(c *pgconn.PgConn) ctxwatch.Handler {
	return &serverCancel{conn: c, cutAfter: 500 * time.Millisecond, cancelWait: 10 * time.Second}
}

// serverCancel is pgx's cancel-request handler with one difference that
// matters behind PgBouncer: the cancel connection is left open until the
// pooler closes it (or cancelWait passes), never closed from our side the
// moment the statement returns. PgBouncer 1.18 exits with "bad client
// state" when a cancel client disconnects before the server has finished
// with its cancel request, and pgx's own handler does exactly that.
type serverCancel struct {
	conn       *pgconn.PgConn
	cutAfter   time.Duration // the statement's connection is cut this long after a cancel
	cancelWait time.Duration // the longest a cancel request may wait for its answer
	deadline   time.Time
	done       chan struct{}
}

func (h *serverCancel) HandleCancel(context.Context) {
	h.deadline = time.Now().Add(h.cutAfter)
	_ = h.conn.Conn().SetDeadline(h.deadline)
	done := make(chan struct{})
	h.done = done
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), h.cancelWait)
		defer cancel()
		if h.conn.CancelRequest(ctx) == nil {
			// The server has taken the request but may deliver it to the
			// backend a moment later; wait that moment so it cannot cancel
			// the connection's next statement instead.
			time.Sleep(100 * time.Millisecond)
		}
	}()
}

func (h *serverCancel) HandleUnwatchAfterCancel() {
	select {
	case <-h.done:
		_ = h.conn.Conn().SetDeadline(time.Time{})
	case <-time.After(time.Until(h.deadline) + 200*time.Millisecond):
		// No answer to the cancel yet: it could still reach whatever
		// this connection runs next, so the connection goes rather than
		// the request waiting for it.
		_ = h.conn.Conn().Close()
	}
}

// withSSLDefault requires TLS when the URL names no sslmode and the host is
// not on this machine: the connection to the database must be encrypted,
// and pgx's own default ("prefer") silently falls back to plain text.
func withSSLDefault(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	if q.Get("sslmode") != "" || isLoopback(u.Hostname()) {
		return raw
	}
	q.Set("sslmode", "require")
	u.RawQuery = q.Encode()
	return u.String()
}

func isLoopback(host string) bool {
	if host == "" || host == "localhost" || strings.HasPrefix(host, "/") {
		return true // empty host or a path means a Unix socket
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (db *DB) openSQLite(opts Options) error {
	if opts.SQLitePath == "" {
		return errors.New("no database configured")
	}
	if dir := filepath.Dir(opts.SQLitePath); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create database directory: %w", err)
		}
	}
	dsn := "file:" + opts.SQLitePath +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
	write, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	// journal_mode is persistent and set by the writer; readers leave it
	// alone so that they never need the exclusive lock switching takes.
	read, err := sql.Open("sqlite", strings.Replace(dsn, "&_pragma=journal_mode(WAL)", "", 1)+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return err
	}
	read.SetMaxOpenConns(4)
	read.SetMaxIdleConns(4)
	db.read, db.write, db.dialect = connPool{read, opts.PoolWait}, connPool{write, opts.PoolWait}, sqliteDialect
	return nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return err
	}
	if db.read != db.write {
		return db.read.PingContext(ctx)
	}
	return nil
}

// Close closes the pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Engine names the database engine: "sqlite" or "postgres".
func (db *DB) Engine() string { return db.dialect.name }

// Stats reports pool statistics for metrics.
func (db *DB) Stats() sql.DBStats { return db.write.Stats() }

// SafeError describes a connection error without the DSN or password: the
// drivers sometimes echo connection strings in their messages.
func SafeError(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	for _, marker := range []string{"postgres://", "postgresql://", "password="} {
		if i := strings.Index(msg, marker); i >= 0 {
			msg = msg[:i] + "(connection details redacted)"
		}
	}
	return msg
}

// tx runs fn in a write transaction, committing when fn returns nil.
// fn's statements run under ctx; the transaction itself (BEGIN, COMMIT,
// ROLLBACK) under endContext's rule, so that a caller who gives up while
// fn runs gets a rolled-back transaction on a connection that stays
// usable, and one who gives up once fn is done gets it committed.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	db.roundTrip()
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return wrapDBError(err)
	}
	defer conn.Close()
	if err := ctx.Err(); err != nil {
		return err // nothing begun
	}
	txCtx, cancel := txContext(ctx)
	defer cancel()
	tx, err := conn.BeginTx(txCtx, nil)
	if err != nil {
		return wrapDBError(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	db.roundTrip()
	return wrapDBError(tx.Commit())
}

// txContext is what a database/sql transaction lives under (database/sql
// rolls it back, and pgx then discards the connection, when that context
// ends): ctx without its cancellation, with its deadline (if any) moved
// txEndGrace later for the COMMIT or ROLLBACK.
func txContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok {
		return context.WithDeadline(context.WithoutCancel(ctx), d.Add(txEndGrace))
	}
	return context.WithCancel(context.WithoutCancel(ctx))
}

func (db *DB) ms() int64 { return db.now().UnixMilli() }

func fromMS(ms int64) time.Time {
	return time.UnixMilli(ms).UTC()
}

func fromNullMS(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return fromMS(ms.Int64)
}

// Notify sends payload to the instances listening on channel (PostgreSQL
// NOTIFY, through any connection, a pooler's too). It reports false where
// the engine has none: on SQLite every instance is this one process.
func (db *DB) Notify(ctx context.Context, channel, payload string) (bool, error) {
	if db.dialect.notify == "" {
		return false, nil
	}
	_, err := db.write.ExecContext(ctx, db.dialect.notify, channel, payload)
	return true, wrapDBError(err)
}
