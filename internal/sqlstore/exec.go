package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

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
			// A failed pipeline may have left the transaction open or
			// aborted; ROLLBACK ends either (and is harmless otherwise).
			p.pending = nil
			if _, rbErr := p.conn.Exec(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
				return errors.Join(err, driverBad(rbErr))
			}
			return err
		}
		p.Exec(ctx, "COMMIT")
		return p.Query(ctx, "", nil, nil)
	})
}

// driverBad marks the connection unusable after a failed rollback, so the
// pool discards it instead of handing out a connection mid-transaction.
func driverBad(err error) error {
	return errors.Join(err, driver.ErrBadConn)
}
