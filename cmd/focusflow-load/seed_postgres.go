package main

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
)

// pgStore writes with COPY over native pgx connections, one per worker.
type pgStore struct {
	ctl   *pgx.Conn
	conns chan *pgx.Conn
	n     int
}

const loadUserPattern = "load-user-%"

// bigTables are deleted explicitly, children first, before the users: one
// set-based DELETE each instead of a cascade fired row by row.
var bigTables = []string{"time_entries", "hourly_focus", "daily_stats", "timers", "activity", "notes", "day_notes", "tasks", "sessions"}

func openPostgresStore(ctx context.Context, url string, workers int, fast bool, out io.Writer) (*pgStore, error) {
	connect := func() (*pgx.Conn, error) {
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			return nil, fmt.Errorf("--db is not a valid PostgreSQL URL")
		}
		cfg.RuntimeParams["timezone"] = "UTC"
		cfg.RuntimeParams["application_name"] = "focusflow-load"
		return pgx.ConnectConfig(ctx, cfg)
	}
	s := &pgStore{conns: make(chan *pgx.Conn, workers), n: workers}
	var err error
	if s.ctl, err = connect(); err != nil {
		return nil, err
	}
	replica := fast
	for range workers {
		c, err := connect()
		if err != nil {
			s.close()
			return nil, err
		}
		if replica {
			// Foreign-key checks are triggers; in replica mode they do not
			// fire. Only a superuser may switch, so fall back when refused.
			if _, err := c.Exec(ctx, "SET session_replication_role = replica"); err != nil {
				fmt.Fprintln(out, "note: cannot skip foreign-key triggers (not a superuser); copying with them")
				replica = false
				c.Close(ctx)
				if c, err = connect(); err != nil {
					s.close()
					return nil, err
				}
			}
		}
		s.conns <- c
	}
	return s, nil
}

func (s *pgStore) parallel() int { return s.n }

func (s *pgStore) close() {
	ctx := context.Background()
	if s.ctl != nil {
		s.ctl.Close(ctx)
	}
	for {
		select {
		case c := <-s.conns:
			c.Close(ctx)
		default:
			return
		}
	}
}

func (s *pgStore) existing(ctx context.Context, names []string) (inRange, all int, err error) {
	err = s.ctl.QueryRow(ctx, `SELECT count(*) FILTER (WHERE username_key = ANY($1)), count(*)
		FROM users WHERE username_key LIKE $2`, names, loadUserPattern).Scan(&inRange, &all)
	return inRange, all, err
}

func (s *pgStore) deleteUsers(ctx context.Context, names []string) (int64, error) {
	tx, err := s.ctl.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE doomed ON COMMIT DROP AS
		SELECT id FROM users WHERE username_key LIKE $1 AND ($2::text[] IS NULL OR username_key = ANY($2))`,
		loadUserPattern, names); err != nil {
		return 0, err
	}
	for _, table := range bigTables {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&exists); err != nil {
			return 0, err
		}
		if !exists {
			continue
		}
		if _, err := tx.Exec(ctx, `DELETE FROM `+pgx.Identifier{table}.Sanitize()+` WHERE user_id IN (SELECT id FROM doomed)`); err != nil {
			return 0, fmt.Errorf("delete from %s: %w", table, err)
		}
	}
	tag, err := tx.Exec(ctx, `DELETE FROM users WHERE id IN (SELECT id FROM doomed)`)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), tx.Commit(ctx)
}

func (s *pgStore) insertUsers(ctx context.Context, users []*userRow) error {
	tx, err := s.ctl.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"users"},
		[]string{"username", "username_key", "email", "email_key", "password_hash", "timezone", "created_at"},
		pgx.CopyFromSlice(len(users), func(i int) ([]any, error) {
			u := users[i]
			return []any{u.username, u.username, u.email, u.email, u.hash, "UTC", u.createdAt}, nil
		}))
	if err != nil {
		return err
	}
	names := make([]string, len(users))
	byName := make(map[string]*userRow, len(users))
	for i, u := range users {
		names[i] = u.username
		byName[u.username] = u
	}
	rows, err := tx.Query(ctx, `SELECT id, username_key FROM users WHERE username_key = ANY($1)`, names)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		byName[name].id = id
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, u := range users {
		if u.id == 0 {
			return fmt.Errorf("user %s got no id", u.username)
		}
	}
	return tx.Commit(ctx)
}

// reserve moves the tasks and time_entries sequences past the ids seeding
// will assign itself, before writing, so that the application (or anything
// else inserting meanwhile) never collides with them.
func (s *pgStore) reserve(ctx context.Context, tasks, entries int64) (taskBase, entryBase int64, err error) {
	one := func(table string, n int64) (int64, error) {
		var base int64
		// nextval claims the first id; setval claims the rest. The maximum
		// guards against ids inserted without the sequence.
		err := s.ctl.QueryRow(ctx, `WITH seq AS (SELECT pg_get_serial_sequence($1, 'id') AS name),
			first AS (SELECT GREATEST(nextval((SELECT name FROM seq)),
				(SELECT COALESCE(MAX(id), 0) + 1 FROM `+pgx.Identifier{table}.Sanitize()+`)) AS id)
			SELECT setval((SELECT name FROM seq), (SELECT id FROM first) + $2::bigint - 1, true) - $2::bigint`,
			table, max(n, 1)).Scan(&base)
		return base, err
	}
	if taskBase, err = one("tasks", tasks); err != nil {
		return 0, 0, err
	}
	entryBase, err = one("time_entries", entries)
	return taskBase, entryBase, err
}

func (s *pgStore) write(ctx context.Context, b *batch) error {
	var conn *pgx.Conn
	select {
	case conn = <-s.conns:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { s.conns <- conn }()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	copies := []struct {
		table string
		cols  []string
		src   pgx.CopyFromSource
	}{
		{"tasks", []string{"id", "user_id", "date", "title", "description", "start_time", "duration_minutes", "status",
			"position", "spent_ms", "completed_at", "created_at", "updated_at", "search_words"},
			pgx.CopyFromSlice(len(b.tasks), func(i int) ([]any, error) {
				t := &b.tasks[i]
				return []any{t.id, t.userID, t.date, t.title, t.description, t.startTime, t.duration, t.status, t.position,
					t.spentMS, t.completedAt, t.created, t.upd, t.words}, nil
			})},
		{"notes", []string{"user_id", "date", "type", "title", "content", "created_at", "updated_at", "search_words"},
			pgx.CopyFromSlice(len(b.notes), func(i int) ([]any, error) {
				n := &b.notes[i]
				return []any{n.userID, n.date, n.typ, n.title, n.content, n.at, n.at, n.words}, nil
			})},
		{"day_notes", []string{"user_id", "date", "text", "updated_at", "search_words"},
			pgx.CopyFromSlice(len(b.dayNote), func(i int) ([]any, error) {
				n := &b.dayNote[i]
				return []any{n.userID, n.date, n.text, n.at, n.words}, nil
			})},
		{"time_entries", []string{"id", "user_id", "task_id", "started_at", "ended_at", "source", "created_at"},
			pgx.CopyFromSlice(len(b.entries), func(i int) ([]any, error) {
				e := &b.entries[i]
				return []any{e.id, e.userID, e.taskID, e.started, e.ended, "timer", e.started}, nil
			})},
		{"activity", []string{"user_id", "date", "at", "kind", "message", "task_id"},
			pgx.CopyFromSlice(len(b.activity), func(i int) ([]any, error) {
				a := &b.activity[i]
				return []any{a.userID, a.date, a.at, a.kind, a.message, a.taskID}, nil
			})},
		{"daily_stats", []string{"user_id", "date", "focus_ms", "manual_ms", "total", "completed"},
			pgx.CopyFromSlice(len(b.daily), func(i int) ([]any, error) {
				d := &b.daily[i]
				return []any{d.userID, d.date, d.focusMS, int64(0), d.total, d.completed}, nil
			})},
		{"hourly_focus", []string{"user_id", "date", "hour", "focus_ms"},
			pgx.CopyFromSlice(len(b.hourly), func(i int) ([]any, error) {
				h := &b.hourly[i]
				return []any{h.userID, h.date, h.hour, h.focusMS}, nil
			})},
		{"timers", []string{"user_id", "task_id", "state", "version", "updated_at"},
			pgx.CopyFromSlice(len(b.users), func(i int) ([]any, error) {
				return []any{b.users[i].id, nil, nil, int64(0), b.now}, nil
			})},
	}
	for _, c := range copies {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, c.src); err != nil {
			return fmt.Errorf("copy into %s: %w", c.table, err)
		}
	}
	return tx.Commit(ctx)
}

func (s *pgStore) finish(ctx context.Context) error {
	_, err := s.ctl.Exec(ctx, `ANALYZE users, tasks, time_entries, daily_stats, hourly_focus, timers, notes, day_notes, activity`)
	return err
}
