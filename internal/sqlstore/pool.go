package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// connPool is a database/sql pool whose callers wait at most wait for a
// connection; the statement then runs under the caller's own context.
// database/sql acquires a connection and runs a statement under one
// context, so the acquisition is done apart, with Conn.
//
// Under a stall every connection is held until its statement's deadline;
// without this bound every new request would queue behind them for its
// whole budget, and the backlog would outlive the stall.
type connPool struct {
	*sql.DB
	wait time.Duration
}

// errPoolBusy is returned when no connection came free within the wait.
var errPoolBusy = errors.New("no database connection came free in time")

// conn takes a connection from the pool, waiting at most p.wait. The
// caller closes it.
func (p connPool) conn(ctx context.Context) (*sql.Conn, error) {
	if p.wait <= 0 {
		return p.DB.Conn(ctx)
	}
	wctx, cancel := context.WithTimeout(ctx, p.wait)
	defer cancel()
	c, err := p.DB.Conn(wctx)
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return nil, &unavailableError{cause: errPoolBusy}
	}
	return c, err
}

// Conn takes a connection, waiting at most p.wait.
func (p connPool) Conn(ctx context.Context) (*sql.Conn, error) { return p.conn(ctx) }

func (p connPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c, err := p.conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.ExecContext(ctx, query, args...)
}

// QueryContext runs a query on a connection of its own. The connection
// goes back to the pool when the rows are closed: Conn.Close waits for
// them, so it is left to a goroutine.
func (p connPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c, err := p.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := c.QueryContext(ctx, query, args...)
	go c.Close()
	return rows, err
}

// QueryRowContext is QueryContext for one row; a failed acquisition
// surfaces at Scan, as database/sql's own errors do.
func (p connPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c, err := p.conn(ctx)
	if err != nil {
		return expiredRow(ctx, p.DB)
	}
	row := c.QueryRowContext(ctx, query, args...)
	go c.Close()
	return row
}

// BeginTx starts a transaction on a connection that goes back to the pool
// when the transaction ends.
func (p connPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	c, err := p.conn(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := c.BeginTx(ctx, opts)
	go c.Close()
	return tx, err
}

// expiredRow is a *sql.Row whose Scan reports a deadline exceeded, which
// is what a wait for a connection that ran out is. database/sql offers no
// constructor for a failed row; a query under an already expired context
// yields one without touching the pool.
func expiredRow(ctx context.Context, db *sql.DB) *sql.Row {
	dead, cancel := context.WithDeadline(ctx, time.Time{})
	defer cancel()
	return db.QueryRowContext(dead, "")
}
