package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// sqlQueryer is database/sql's query surface, shared by *sql.DB and *sql.Tx.
type sqlQueryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// execer is what transactional bookkeeping runs its statements through.
// Exec may be deferred: on PostgreSQL deferred statements travel with the
// next query or the commit in one round trip, so a timer action costs a
// handful of round trips instead of one per statement. Their errors then
// surface at that next query and abort the transaction as usual.
type execer interface {
	Exec(ctx context.Context, query string, args ...any) error
	// QueryRow runs a query (after anything deferred) when Scan is called.
	QueryRow(ctx context.Context, query string, args ...any) rowScanner
	// Query runs a query (after anything deferred), calling each per row.
	Query(ctx context.Context, query string, args []any, each func(rowScanner) error) error
	// Batch runs several queries, in order, in one round trip where the
	// driver allows; each still sees the effects of the ones before it.
	Batch(ctx context.Context, queries ...batchQuery) error
}

// sqlExec runs statements one at a time through database/sql.
type sqlExec struct{ q sqlQueryer }

func (e sqlExec) Exec(ctx context.Context, query string, args ...any) error {
	_, err := e.q.ExecContext(ctx, query, args...)
	return wrapDBError(err)
}

func (e sqlExec) QueryRow(ctx context.Context, query string, args ...any) rowScanner {
	return e.q.QueryRowContext(ctx, query, args...)
}

func (e sqlExec) Query(ctx context.Context, query string, args []any, each func(rowScanner) error) error {
	return runSQL(ctx, e.q, batchQuery{sql: query, args: args, row: each})
}

func (e sqlExec) Batch(ctx context.Context, queries ...batchQuery) error {
	for _, q := range queries {
		if err := runSQL(ctx, e.q, q); err != nil {
			return err
		}
	}
	return nil
}

// pipeExec runs a PostgreSQL transaction on one pgx connection, pipelining
// deferred statements with the next query.
type pipeExec struct {
	conn    *pgx.Conn
	pending []batchQuery
	step    func() // DB.beforeRoundTrip
}

func (p *pipeExec) Exec(ctx context.Context, query string, args ...any) error {
	p.pending = append(p.pending, batchQuery{sql: query, args: args})
	return nil
}

func (p *pipeExec) Query(ctx context.Context, query string, args []any, each func(rowScanner) error) error {
	if query == "" {
		return p.Batch(ctx)
	}
	return p.Batch(ctx, batchQuery{sql: query, args: args, row: each})
}

func (p *pipeExec) Batch(ctx context.Context, queries ...batchQuery) error {
	all := append(p.pending, queries...)
	p.pending = nil
	if p.step != nil {
		p.step()
	}
	return wrapDBError(pipeline(ctx, p.conn, all))
}

func (p *pipeExec) QueryRow(ctx context.Context, query string, args ...any) rowScanner {
	return lazyRow(func(dest ...any) error {
		found := false
		err := p.Query(ctx, query, args, func(row rowScanner) error {
			if found {
				return nil
			}
			found = true
			return row.Scan(dest...)
		})
		if err == nil && !found {
			return sql.ErrNoRows
		}
		return err
	})
}

// lazyRow runs its query when scanned, like *sql.Row.
type lazyRow func(dest ...any) error

func (f lazyRow) Scan(dest ...any) error { return f(dest...) }

// steppedExec is an execer that calls step before each statement: the
// test hook DB.beforeRoundTrip on the statement-by-statement path.
type steppedExec struct {
	execer
	step func()
}

func (e steppedExec) Exec(ctx context.Context, query string, args ...any) error {
	e.step()
	return e.execer.Exec(ctx, query, args...)
}

func (e steppedExec) QueryRow(ctx context.Context, query string, args ...any) rowScanner {
	return lazyRow(func(dest ...any) error {
		e.step()
		return e.execer.QueryRow(ctx, query, args...).Scan(dest...)
	})
}

func (e steppedExec) Query(ctx context.Context, query string, args []any, each func(rowScanner) error) error {
	e.step()
	return e.execer.Query(ctx, query, args, each)
}

func (e steppedExec) Batch(ctx context.Context, queries ...batchQuery) error {
	for _, q := range queries {
		e.step()
		if err := e.execer.Batch(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// txExec runs fn in a write transaction with an execer: pipelined on
// PostgreSQL, statement by statement on SQLite. fn's error rolls back.
//
// However the caller's context ends — before BEGIN, between statements or
// during the COMMIT — the transaction is committed or rolled back before
// its connection goes back to the pool, and a connection whose state is
// unknown is discarded: an open transaction would hold its row locks for
// as long as the connection sits idle in the pool.
func (db *DB) txExec(ctx context.Context, fn func(execer) error) error {
	if !db.dialect.pipelined {
		return db.tx(ctx, func(tx *sql.Tx) error {
			var e execer = sqlExec{tx}
			if db.beforeRoundTrip != nil {
				e = steppedExec{e, db.beforeRoundTrip}
			}
			return fn(e)
		})
	}
	db.roundTrip()
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return wrapDBError(err)
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		p := &pipeExec{conn: pgxConn(driverConn), step: db.beforeRoundTrip}
		p.Exec(ctx, "BEGIN")
		err := fn(p)
		if err == nil {
			// Everything the transaction decided is known: the writes and
			// the COMMIT go out together, and a client that hangs up now
			// no longer stops them (see endContext).
			end, cancel := endContext(ctx)
			p.Exec(end, "COMMIT")
			err = p.Query(end, "", nil, nil)
			cancel()
		}
		return p.end(ctx, err)
	})
}

// txEndGrace is how long the last round trip of a transaction (its writes
// with the COMMIT, or its ROLLBACK) may run past the caller's deadline.
const txEndGrace = time.Second

// endContext is what a transaction ends under: the caller's values and
// deadline (but at least txEndGrace from now), not its cancellation. A
// COMMIT interrupted half-way leaves the caller unsure whether it happened
// and the connection in a state to be repaired; a ROLLBACK must run
// precisely when the caller has given up.
func endContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline := time.Now().Add(txEndGrace)
	if d, ok := ctx.Deadline(); ok && d.After(deadline) {
		deadline = d
	}
	return context.WithDeadline(context.WithoutCancel(ctx), deadline)
}

// errTxOpen reports a transaction found open after its COMMIT went out
// (the server skipped it): it was rolled back.
var errTxOpen = errors.New("transaction still open after COMMIT; rolled back")

// end makes sure the transaction is over before the connection goes back
// to the pool: one still open (a failed or interrupted pipeline leaves it
// open or aborted) is rolled back, even when ctx is cancelled, and a
// connection that is closed, or on which the rollback fails, is discarded.
func (p *pipeExec) end(ctx context.Context, cause error) error {
	p.pending = nil
	pg := p.conn.PgConn()
	if pg.IsClosed() {
		return errors.Join(cause, errTxUnknown, driver.ErrBadConn)
	}
	if pg.TxStatus() == 'I' {
		return cause
	}
	if cause == nil {
		cause = errTxOpen
	}
	end, cancel := endContext(ctx)
	defer cancel()
	if _, err := p.conn.Exec(end, "ROLLBACK"); err != nil || pg.TxStatus() != 'I' {
		return errors.Join(cause, err, errTxUnknown, driver.ErrBadConn)
	}
	return cause
}

// errTxUnknown marks a connection whose transaction state is unknown (cut,
// or a ROLLBACK that failed): the pool discards it (driver.ErrBadConn).
var errTxUnknown = errors.New("connection discarded: transaction state unknown")
