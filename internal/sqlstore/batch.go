package sqlstore

import (
	"context"
)

// readBatch queues read queries and runs them together on the read pool,
// in one round trip where the engine pipelines (dialect.runBatch). Each
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
	return b.db.dialect.runBatch(ctx, b.db.read, b.queries)
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
