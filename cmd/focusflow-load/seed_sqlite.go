package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	_ "modernc.org/sqlite" // the "sqlite" driver
)

// sqliteStore writes through one connection (SQLite has one writer) with
// prepared statements, a transaction per batch.
type sqliteStore struct{ db *sql.DB }

func openSQLiteStore(ctx context.Context, path string) (*sqliteStore, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return &sqliteStore{db: db}, nil
}

func (s *sqliteStore) parallel() int { return 1 }
func (s *sqliteStore) close()        { s.db.Close() }

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func anySlice(names []string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = n
	}
	return out
}

func (s *sqliteStore) existing(ctx context.Context, names []string) (inRange, all int, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT username_key FROM users WHERE username_key LIKE ?`, loadUserPattern)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return 0, 0, err
		}
		all++
		if want[n] {
			inRange++
		}
	}
	return inRange, all, rows.Err()
}

func (s *sqliteStore) deleteUsers(ctx context.Context, names []string) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS doomed (id INTEGER PRIMARY KEY)`); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM doomed`); err != nil {
		return 0, err
	}
	if names == nil {
		_, err = tx.ExecContext(ctx, `INSERT INTO doomed SELECT id FROM users WHERE username_key LIKE ?`, loadUserPattern)
	} else {
		for i := 0; i < len(names) && err == nil; i += 500 {
			chunk := names[i:min(i+500, len(names))]
			_, err = tx.ExecContext(ctx, `INSERT INTO doomed SELECT id FROM users WHERE username_key IN (`+
				placeholders(len(chunk))+`)`, anySlice(chunk)...)
		}
	}
	if err != nil {
		return 0, err
	}
	for _, table := range bigTables {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)`,
			table).Scan(&exists); err != nil {
			return 0, err
		}
		if !exists {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM "`+table+`" WHERE user_id IN (SELECT id FROM doomed)`); err != nil {
			return 0, fmt.Errorf("delete from %s: %w", table, err)
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id IN (SELECT id FROM doomed)`)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return n, tx.Commit()
}

func (s *sqliteStore) insertUsers(ctx context.Context, users []*userRow) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO users (username, username_key, email, email_key, password_hash,
		timezone, created_at) VALUES (?, ?, ?, ?, ?, 'UTC', ?) RETURNING id`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, u := range users {
		if err := stmt.QueryRowContext(ctx, u.username, u.username, u.email, u.email, u.hash, u.createdAt).Scan(&u.id); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// reserve: seeding is the only writer (one connection), so the ids after
// the current maximum are free.
func (s *sqliteStore) reserve(ctx context.Context, _, _ int64) (taskBase, entryBase int64, err error) {
	if err = s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM tasks`).Scan(&taskBase); err != nil {
		return 0, 0, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM time_entries`).Scan(&entryBase)
	return taskBase, entryBase, err
}

func (s *sqliteStore) write(ctx context.Context, b *batch) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	prep := func(q string) (*sql.Stmt, error) { return tx.PrepareContext(ctx, q) }
	// The search index follows through the tables' triggers.
	task, err := prep(`INSERT INTO tasks (id, user_id, date, title, description, start_time, duration_minutes, status,
		position, spent_ms, completed_at, created_at, updated_at, search_words)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer task.Close()
	for _, t := range b.tasks {
		if _, err := task.ExecContext(ctx, t.id, t.userID, t.date, t.title, t.description, t.startTime, t.duration, t.status,
			t.position, t.spentMS, t.completedAt, t.created, t.upd, t.words); err != nil {
			return fmt.Errorf("insert task: %w", err)
		}
	}
	for _, n := range b.notes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notes (user_id, date, type, title, content, created_at, updated_at,
			search_words) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, n.userID, n.date, n.typ, n.title, n.content, n.at, n.at, n.words); err != nil {
			return fmt.Errorf("insert note: %w", err)
		}
	}
	for _, n := range b.dayNote {
		if _, err := tx.ExecContext(ctx, `INSERT INTO day_notes (user_id, date, text, updated_at, search_words)
			VALUES (?, ?, ?, ?, ?)`, n.userID, n.date, n.text, n.at, n.words); err != nil {
			return fmt.Errorf("insert day note: %w", err)
		}
	}
	for _, a := range b.activity {
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity (user_id, date, at, kind, message, task_id)
			VALUES (?, ?, ?, ?, ?, ?)`, a.userID, a.date, a.at, a.kind, a.message, a.taskID); err != nil {
			return fmt.Errorf("insert activity: %w", err)
		}
	}
	entry, err := prep(`INSERT INTO time_entries (id, user_id, task_id, started_at, ended_at, source, created_at)
		VALUES (?, ?, ?, ?, ?, 'timer', ?)`)
	if err != nil {
		return err
	}
	defer entry.Close()
	for _, e := range b.entries {
		if _, err := entry.ExecContext(ctx, e.id, e.userID, e.taskID, e.started, e.ended, e.started); err != nil {
			return fmt.Errorf("insert time entry: %w", err)
		}
	}
	daily, err := prep(`INSERT INTO daily_stats (user_id, date, focus_ms, manual_ms, total, completed) VALUES (?, ?, ?, 0, ?, ?)`)
	if err != nil {
		return err
	}
	defer daily.Close()
	for _, d := range b.daily {
		if _, err := daily.ExecContext(ctx, d.userID, d.date, d.focusMS, d.total, d.completed); err != nil {
			return fmt.Errorf("insert daily_stats: %w", err)
		}
	}
	hourly, err := prep(`INSERT INTO hourly_focus (user_id, date, hour, focus_ms) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer hourly.Close()
	for _, h := range b.hourly {
		if _, err := hourly.ExecContext(ctx, h.userID, h.date, h.hour, h.focusMS); err != nil {
			return fmt.Errorf("insert hourly_focus: %w", err)
		}
	}
	for _, u := range b.users {
		if _, err := tx.ExecContext(ctx, `INSERT INTO timers (user_id, task_id, state, version, updated_at)
			VALUES (?, NULL, NULL, 0, ?)`, u.id, b.now); err != nil {
			return fmt.Errorf("insert timer: %w", err)
		}
	}
	return tx.Commit()
}

func (s *sqliteStore) finish(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `ANALYZE`)
	return err
}
