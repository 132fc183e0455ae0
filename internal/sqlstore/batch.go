package sqlstore

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// readBatch queues read queries and runs them together: on PostgreSQL in
// one round trip (a pgx pipeline on one connection, pooler-safe since every
// statement is unnamed), on SQLite one after another on the read pool. Each
// query has a callback called once per row.
type readBatch struct {
	db      *DB
	queries []batchQuery
}

type batchQuery struct {
	sql  string
	args []any
	row  func(rowScanner) error
}

func (db *DB) batch() *readBatch { return &readBatch{db: db} }

// Query queues a query; row is called for every result row.
func (b *readBatch) Query(sql string, args []any, row func(rowScanner) error) {
	b.queries = append(b.queries, batchQuery{sql: sql, args: args, row: row})
}

// Run executes the queued queries.
func (b *readBatch) Run(ctx context.Context) error {
	if b.db.dialect.name != "postgres" {
		for _, q := range b.queries {
			if err := runSQL(ctx, b.db.read, q); err != nil {
				return err
			}
		}
		return nil
	}
	conn, err := b.db.read.Conn(ctx)
	if err != nil {
		return wrapDBError(err)
	}
	defer conn.Close()
	err = conn.Raw(func(driverConn any) error {
		pc := driverConn.(*stdlib.Conn).Conn()
		batch := &pgx.Batch{}
		for _, q := range b.queries {
			batch.Queue(q.sql, q.args...).Query(func(rows pgx.Rows) error {
				for rows.Next() {
					if err := q.row(rows); err != nil {
						return err
					}
				}
				return rows.Err()
			})
		}
		return pc.SendBatch(ctx, batch).Close()
	})
	return wrapDBError(err)
}

func runSQL(ctx context.Context, db sqlQueryer, q batchQuery) error {
	rows, err := db.QueryContext(ctx, q.sql, q.args...)
	if err != nil {
		return wrapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := q.row(rows); err != nil {
			return err
		}
	}
	return wrapDBError(rows.Err())
}
