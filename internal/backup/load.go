package backup

// Loading a backup's rows into the database: the sink at the end of a
// restore, whichever kind of file the rows come from.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/focusflow/focusflow/internal/sqlstore"
)

// loader is the sink that writes a backup into the database: it gives an
// empty database the schema, checks that the database is empty (or with
// force, empties it), and inserts every row in one transaction, in
// batches.
type loader struct {
	db    *sqlstore.DB
	ctx   context.Context
	force bool

	tx      *sql.Tx
	targets map[string]*sqlstore.Table

	// The table being loaded: nil cols means its rows are skipped.
	cur     *sqlstore.Table
	cols    []sqlstore.Column
	ins     *sqlstore.BulkInsert
	args    []any
	pending int
	loaded  []*sqlstore.Table
}

func (l *loader) begin(h *dumpHeader) error {
	ctx, db := l.ctx, l.db
	if _, binary, err := db.SchemaVersion(ctx); err != nil {
		return err
	} else if h.SchemaVersion != binary {
		return &VersionError{Backup: h.SchemaVersion, Binary: binary}
	}
	if _, err := db.CreateSchema(ctx); err != nil {
		return err
	}
	tx, err := db.BeginLoad(ctx)
	if err != nil {
		return err
	}
	l.tx = tx
	cat, err := db.ReadCatalog(ctx, tx)
	if err != nil {
		return err
	}
	l.targets = make(map[string]*sqlstore.Table, len(cat.Tables))
	for _, t := range cat.Tables {
		l.targets[t.Name] = t
	}
	busy, err := nonEmptyTables(ctx, tx, cat.Tables)
	if err != nil {
		return err
	}
	if len(busy) > 0 && !l.force {
		return &NotEmptyError{Tables: busy}
	}
	if len(busy) > 0 {
		for _, t := range slices.Backward(cat.Tables) {
			if t.Name == sqlstore.MigrationsTable {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+sqlstore.QuoteIdent(t.Name)); err != nil {
				return fmt.Errorf("empty table %s: %w", t.Name, err)
			}
		}
	}
	return nil
}

func (l *loader) table(th *tableHeader) error {
	if err := l.flush(); err != nil {
		return err
	}
	l.cur, l.cols = nil, nil
	if th.Table == sqlstore.MigrationsTable {
		return nil // the target's own record stays; versions match
	}
	t, ok := l.targets[th.Table]
	if !ok {
		return fmt.Errorf("the backup has a table %s that this database does not have", th.Table)
	}
	byName := make(map[string]sqlstore.Column, len(t.Columns))
	for _, c := range t.Columns {
		byName[c.Name] = c
	}
	cols := make([]sqlstore.Column, len(th.Columns))
	for i, name := range th.Columns {
		c, ok := byName[name]
		if !ok {
			return fmt.Errorf("the backup's table %s has a column %s that this database does not have", th.Table, name)
		}
		cols[i] = c
	}
	l.cur, l.cols = t, cols
	l.loaded = append(l.loaded, t)
	l.ins = l.db.NewBulkInsert(t.Name, cols)
	l.args = l.args[:0]
	l.pending = 0
	return nil
}

func (l *loader) row(values []any) error {
	if l.cols == nil {
		return nil
	}
	for i, v := range values {
		l.args = append(l.args, convertValue(l.cols[i].Kind, v))
	}
	l.pending++
	if l.pending == l.ins.Rows {
		return l.flush()
	}
	return nil
}

func (l *loader) flush() error {
	if l.pending == 0 {
		return nil
	}
	if _, err := l.tx.ExecContext(l.ctx, l.ins.SQL(l.pending), l.args...); err != nil {
		return fmt.Errorf("load table %s: %w", l.cur.Name, err)
	}
	l.args = l.args[:0]
	l.pending = 0
	return nil
}

// convertValue adapts a value to the target column where the engines
// differ: SQLite keeps booleans as 0 and 1.
func convertValue(kind sqlstore.ValueKind, v any) any {
	switch x := v.(type) {
	case int64:
		if kind == sqlstore.KindBool {
			return x != 0
		}
	case bool:
		if kind == sqlstore.KindInt {
			if x {
				return int64(1)
			}
			return int64(0)
		}
	case string:
		if kind == sqlstore.KindBytes {
			return []byte(x)
		}
	}
	return v
}

func (l *loader) end() error {
	if err := l.flush(); err != nil {
		return err
	}
	for _, t := range l.loaded {
		if err := l.db.ResetSequences(l.ctx, l.tx, t.Name); err != nil {
			return err
		}
	}
	err := l.tx.Commit()
	l.tx = nil
	return err
}

func (l *loader) abort() {
	if l.tx != nil {
		l.tx.Rollback()
		l.tx = nil
	}
}

// nonEmptyTables names the tables, other than the migrations table, that
// hold at least one row.
func nonEmptyTables(ctx context.Context, q sqlstore.Querier, tables []*sqlstore.Table) ([]string, error) {
	var busy []string
	for _, t := range tables {
		if t.Name == sqlstore.MigrationsTable {
			continue
		}
		var hasRows bool
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+sqlstore.QuoteIdent(t.Name)+`)`).Scan(&hasRows); err != nil {
			return nil, err
		}
		if hasRows {
			busy = append(busy, t.Name)
		}
	}
	return busy, nil
}
