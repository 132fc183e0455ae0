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

// txExec runs fn in a write transaction with an execer: pipelined on
// PostgreSQL, statement by statement on SQLite. fn's error rolls back.
func (db *DB) txExec(ctx context.Context, fn func(execer) error) error {
	if !db.dialect.pipelined {
		return db.tx(ctx, func(tx *sql.Tx) error { return fn(sqlExec{tx}) })
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return wrapDBError(err)
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		p := &pipeExec{conn: pgxConn(driverConn)}
		p.Exec(ctx, "BEGIN")
		if err := fn(p); err != nil {
			return p.rollback(ctx, err)
		}
		// The writes and the COMMIT go out together. An error in any of
		// them makes the server skip the rest of the pipeline, COMMIT
		// included, leaving the transaction open: it is rolled back
		// before the connection goes back to the pool.
		p.Exec(ctx, "COMMIT")
		if err := p.Query(ctx, "", nil, nil); err != nil {
			return p.rollback(ctx, err)
		}
		return nil
	})
}

// rollback ends a transaction that failed (or whose pipeline failed,
// leaving it open or aborted) even when ctx is cancelled; a connection on
// which even that fails is discarded, never handed back mid-transaction.
func (p *pipeExec) rollback(ctx context.Context, cause error) error {
	p.pending = nil
	end, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := p.conn.Exec(end, "ROLLBACK"); err != nil {
		return errors.Join(cause, driverBad(err))
	}
	return cause
}

// driverBad marks the connection unusable after a failed rollback, so the
// pool discards it instead of handing out a connection mid-transaction.
func driverBad(err error) error {
	return errors.Join(err, driver.ErrBadConn)
}
