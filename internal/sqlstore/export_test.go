package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// What the tests need from inside the package.

// SetBeforeRoundTrip installs the beforeRoundTrip hook (tests only).
func SetBeforeRoundTrip(db *DB, f func()) { db.beforeRoundTrip = f }

// SetImportFault makes every import call fault where it can still fail
// (after each short transaction on SQLite, before the one transaction
// commits on PostgreSQL), with the chunk's number from 0.
func SetImportFault(db *DB, fault func(chunk int) error) { db.importFault = fault }

// ErrImportCrash, returned by a fault, leaves the import as a crash would.
var ErrImportCrash = errImportCrash

// ChunkedImports reports whether db writes imports in short transactions.
func ChunkedImports(db *DB) bool { return db.dialect.chunkedImports }

// StaleImport is how long an import's journal row may go unrenewed.
const StaleImport = staleImport

// ImportFigures lists a user's per-day and per-hour figures, the time on
// their tasks, their rows and the journal rows, as text to compare.
func ImportFigures(ctx context.Context, db *DB, userID int64) (string, error) {
	var b strings.Builder
	for _, q := range []string{
		`SELECT date, focus_ms, manual_ms, total, completed, run, focus_run FROM daily_stats WHERE user_id = $1 ORDER BY date`,
		`SELECT date, hour, focus_ms FROM hourly_focus WHERE user_id = $1 ORDER BY date, hour`,
		`SELECT COUNT(*), COALESCE(SUM(spent_ms), 0) FROM tasks WHERE user_id = $1`,
		`SELECT COUNT(*) FROM time_entries WHERE user_id = $1`,
		`SELECT COUNT(*) FROM activity WHERE user_id = $1`,
		`SELECT COUNT(*) FROM notes WHERE user_id = $1`,
		`SELECT COUNT(*) FROM legacy_ids WHERE kind LIKE 'doc:%'`,
		`SELECT COUNT(*) FROM import_journal WHERE user_id = $1`,
	} {
		args := []any{userID}
		if !strings.Contains(q, "$1") {
			args = nil
		}
		err := queryEach(ctx, db.read, q, args, func(r *sql.Rows) error {
			cols, _ := r.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				return err
			}
			fmt.Fprintln(&b, vals...)
			return nil
		})
		if err != nil {
			return "", err
		}
		b.WriteString("--\n")
	}
	return b.String(), nil
}

// TableLocksBlockingWriters lists the table-level locks other sessions
// hold that would make an INSERT, UPDATE or DELETE wait (stronger than
// ROW EXCLUSIVE), on PostgreSQL; SQLite has none to list.
func TableLocksBlockingWriters(ctx context.Context, db *DB) ([]string, error) {
	if db.dialect.name != "postgres" {
		return nil, nil
	}
	var out []string
	err := queryEach(ctx, db.read, `SELECT c.relname || ' ' || l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
		WHERE l.locktype = 'relation' AND l.pid <> pg_backend_pid()
		AND l.mode NOT IN ('AccessShareLock', 'RowShareLock', 'RowExclusiveLock')`, nil, func(r *sql.Rows) error {
		var s string
		err := r.Scan(&s)
		out = append(out, s)
		return err
	})
	return out, err
}
