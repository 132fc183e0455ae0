package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/focusflow/focusflow"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds what really differs between the engines; nothing outside
// this file asks which engine it runs on. Everything else — $n
// placeholders, RETURNING, ON CONFLICT … DO UPDATE, partial indexes — is
// written once and runs on both.
type dialect struct {
	name string
	// lockMigrations serialises concurrent migrators inside the migration
	// transaction. On PostgreSQL it is a transaction-level advisory lock,
	// which (unlike a session-level one) also holds through a
	// transaction-mode pooler. SQLite's BEGIN IMMEDIATE already locks.
	lockMigrations string
	// forUpdate locks rows read in a transaction; SQLite's single writer
	// (BEGIN IMMEDIATE) already serialises writers.
	forUpdate string
	// dayNumber is an SQL expression numbering the days of the date
	// column (YYYY-MM-DD text), consecutive dates by consecutive numbers.
	dayNumber string
	// tableExists is a query answering whether the table named by $1
	// exists.
	tableExists string
	// snapshot opens a read transaction that sees one consistent state
	// across statements (SQLite's read transactions always do).
	snapshot sql.TxOptions
	// pipelined: several statements go to the server in one round trip
	// (a pgx pipeline on one connection; pooler-safe, since every
	// statement is unnamed). SQLite runs in process: one by one it is.
	pipelined bool
}

var (
	sqliteDialect = dialect{name: "sqlite",
		dayNumber:   `CAST(julianday(date) AS INTEGER)`,
		tableExists: `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1)`,
		snapshot:    sql.TxOptions{ReadOnly: true},
	}
	postgresDialect = dialect{name: "postgres",
		lockMigrations: "SELECT pg_advisory_xact_lock(7204316154)",
		forUpdate:      " FOR UPDATE",
		dayNumber:      `date::date`,
		tableExists:    `SELECT to_regclass($1) IS NOT NULL`,
		snapshot:       sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
		pipelined:      true,
	}
)

// runBatch runs queries in order on pool, each seeing the effects of the
// ones before it: in one round trip where the engine pipelines.
func (d dialect) runBatch(ctx context.Context, pool *sql.DB, queries []batchQuery) error {
	if !d.pipelined {
		for _, q := range queries {
			if err := runSQL(ctx, pool, q); err != nil {
				return err
			}
		}
		return nil
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return wrapDBError(err)
	}
	defer conn.Close()
	return wrapDBError(conn.Raw(func(driverConn any) error {
		return pipeline(ctx, pgxConn(driverConn), queries)
	}))
}

// pipeline is the one PostgreSQL batch runner: it sends queries as one
// pgx batch and calls each query's row function per row; a query without
// one is a statement whose result is only checked.
func pipeline(ctx context.Context, conn *pgx.Conn, queries []batchQuery) error {
	batch := &pgx.Batch{}
	for _, q := range queries {
		qq := batch.Queue(q.sql, q.args...)
		if q.row == nil {
			continue
		}
		qq.Query(func(rows pgx.Rows) error {
			for rows.Next() {
				if err := q.row(rows); err != nil {
					return err
				}
			}
			return rows.Err()
		})
	}
	return conn.SendBatch(ctx, batch).Close()
}

func pgxConn(driverConn any) *pgx.Conn { return driverConn.(*stdlib.Conn).Conn() }

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// wrapDBError turns "the database is not there" into EUNAVAILABLE so that
// the web layer answers 503 with a short generic message; other errors pass
// through untouched and end up as a logged "Internal error".
func wrapDBError(err error) error {
	if err == nil || errors.Is(err, sql.ErrNoRows) || errors.Is(err, context.Canceled) {
		return err
	}
	var fe *focusflow.Error
	if errors.As(err, &fe) {
		return err
	}
	if isUnavailable(err) {
		return &unavailableError{cause: err}
	}
	return err
}

func isUnavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Connection exceptions, resource exhaustion, operator shutdown.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "53") ||
			strings.HasPrefix(pgErr.Code, "57P")
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		code := liteErr.Code() & 0xff
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED || code == sqlite3.SQLITE_IOERR ||
			code == sqlite3.SQLITE_FULL || code == sqlite3.SQLITE_CANTOPEN
	}
	// Anything else that is not a server-side SQL error is a transport
	// problem: refused or reset connections, timeouts, a dead pool.
	return true
}

// unavailableError keeps the cause for the log while presenting as
// EUNAVAILABLE to the user.
type unavailableError struct{ cause error }

func (e *unavailableError) Error() string { return "database unavailable: " + SafeError(e.cause) }
func (e *unavailableError) Unwrap() error { return e.cause }

// As lets errors.As(err, **focusflow.Error) see a 503-class error.
func (e *unavailableError) As(target any) bool {
	if t, ok := target.(**focusflow.Error); ok {
		*t = &focusflow.Error{Code: focusflow.EUNAVAILABLE, Message: "The service is temporarily unavailable. Please try again shortly."}
		return true
	}
	return false
}

func isBusy(err error) bool {
	var liteErr *sqlite.Error
	return errors.As(err, &liteErr) && liteErr.Code()&0xff == sqlite3.SQLITE_BUSY
}

// IsUnavailable reports whether err means the database could not be reached.
func IsUnavailable(err error) bool {
	var ue *unavailableError
	return errors.As(err, &ue)
}
