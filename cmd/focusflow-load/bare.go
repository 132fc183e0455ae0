package main

// The bare server is the speed limit FocusFlow is measured against: plain
// net/http over a pgx pool, no sessions, no middleware, no validation, doing
// the least database work FocusFlow's two hottest operations need:
//
//   - GET /day: one query, the tasks of a random user's day with the time
//     summed from their time entries;
//   - POST /start: one transaction, closing the user's running time entry
//     and opening a new one.
//
// FocusFlow does more per request (sessions, CSRF, rate limits, notes,
// activity, the running timer), so it cannot beat it; every speed target is
// a fraction of the bare server's throughput measured in the same sitting,
// on the same machine and database, which makes the targets hold on any
// machine. Its tables (bare_tasks, bare_entries) live beside FocusFlow's in
// the load database and never touch them.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

const bareSchema = `
CREATE TABLE IF NOT EXISTS bare_tasks (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL, day DATE NOT NULL,
  title TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bare_entries (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL, task_id BIGINT NOT NULL,
  started_ms BIGINT NOT NULL, ended_ms BIGINT);
CREATE INDEX IF NOT EXISTS bare_tasks_user_day ON bare_tasks (user_id, day);
CREATE INDEX IF NOT EXISTS bare_entries_task ON bare_entries (task_id);
CREATE UNIQUE INDEX IF NOT EXISTS bare_entries_running ON bare_entries (user_id) WHERE ended_ms IS NULL;
`

// bareDayQuery is the day view reduced to its core: a day's tasks with
// their spent time, a running entry counting up to now.
const bareDayQuery = `SELECT t.id, t.title, t.status, COALESCE(SUM(COALESCE(e.ended_ms, $3) - e.started_ms), 0)
FROM bare_tasks t LEFT JOIN bare_entries e ON e.task_id = t.id
WHERE t.user_id = $1 AND t.day = $2 GROUP BY t.id ORDER BY t.id`

type bareConfig struct {
	db, addr    string
	seed        bool
	users, days int
}

func bareCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c bareConfig
	fs.StringVar(&c.db, "db", "", "PostgreSQL URL (required)")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:7070", "loopback address to listen on")
	fs.BoolVar(&c.seed, "seed", false, "create and fill the bare tables, then exit")
	fs.IntVar(&c.users, "users", 1000, "users to seed, or the number seeded (GET /day picks one at random)")
	fs.IntVar(&c.days, "days", 365, "days of history per user to seed (5 tasks a day, 3 entries each)")
	if code, done := parseFlags(fs, args, "bare", stderr); done {
		return code
	}
	if err := c.validate(); err != nil {
		fmt.Fprintln(stderr, "focusflow-load bare:", err)
		return 2
	}
	pool, err := pgxpool.New(ctx, c.db)
	if err != nil {
		fmt.Fprintln(stderr, "focusflow-load bare:", err)
		return 2
	}
	defer pool.Close()
	if c.seed {
		if err := c.fill(ctx, pool, stdout); err != nil {
			fmt.Fprintln(stderr, "focusflow-load bare: seed:", err)
			return 1
		}
		return 0
	}
	if err := c.serve(ctx, pool, stdout); err != nil {
		fmt.Fprintln(stderr, "focusflow-load bare:", err)
		return 1
	}
	return 0
}

func (c *bareConfig) validate() error {
	host, _, err := net.SplitHostPort(c.addr)
	switch {
	case c.db == "":
		return errors.New("--db is required")
	case err != nil || !loopbackHost(host):
		return errors.New("--addr must be a loopback HOST:PORT")
	case c.users < 1 || c.users > 1_000_000:
		return errors.New("--users must be between 1 and 1000000")
	case c.days < 1 || c.days > 3660:
		return errors.New("--days must be between 1 and 3660")
	}
	return nil
}

// fill seeds every user's history ending today, in one statement per user
// for the tasks and one for all entries.
func (c *bareConfig) fill(ctx context.Context, pool *pgxpool.Pool, out io.Writer) error {
	if _, err := pool.Exec(ctx, bareSchema); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `TRUNCATE bare_tasks, bare_entries RESTART IDENTITY`); err != nil {
		return err
	}
	first := time.Now().AddDate(0, 0, -c.days)
	for u := 1; u <= c.users; u++ {
		if _, err := pool.Exec(ctx, `INSERT INTO bare_tasks (user_id, day, title, status)
			SELECT $1, $2::date + (g / 5), 'Task ' || g, 'completed' FROM generate_series(0, $3 * 5 - 1) g`,
			u, first, c.days+1); err != nil {
			return err
		}
	}
	if _, err := pool.Exec(ctx, `INSERT INTO bare_entries (user_id, task_id, started_ms, ended_ms)
		SELECT t.user_id, t.id, k * 1000, k * 1000 + 1500000 FROM bare_tasks t, generate_series(1, 3) k`); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `ANALYZE bare_tasks; ANALYZE bare_entries`); err != nil {
		return err
	}
	fmt.Fprintf(out, "seeded %d users × %d days\n", c.users, c.days+1)
	return nil
}

func (c *bareConfig) serve(ctx context.Context, pool *pgxpool.Pool, out io.Writer) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /day", func(w http.ResponseWriter, r *http.Request) { c.day(w, r, pool) })
	mux.HandleFunc("POST /start", func(w http.ResponseWriter, r *http.Request) { c.start(w, r, pool) })
	srv := &http.Server{Addr: c.addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	fmt.Fprintf(out, "bare server on http://%s (GET /day, POST /start)\n", c.addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (c *bareConfig) user(r *http.Request) int {
	if u, err := strconv.Atoi(r.URL.Query().Get("u")); err == nil && u >= 1 && u <= c.users {
		return u
	}
	return 1 + rand.IntN(c.users)
}

type bareTask struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	Status  string `json:"status"`
	SpentMS int64  `json:"spent_ms"`
}

func (c *bareConfig) day(w http.ResponseWriter, r *http.Request, pool *pgxpool.Pool) {
	today := time.Now().Format("2006-01-02")
	rows, err := pool.Query(r.Context(), bareDayQuery, c.user(r), today, time.Now().UnixMilli())
	if err != nil {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	tasks := []bareTask{}
	for rows.Next() {
		var t bareTask
		if err := rows.Scan(&t.ID, &t.Title, &t.Status, &t.SpentMS); err != nil {
			rows.Close()
			http.Error(w, "database error", http.StatusInternalServerError)
			return
		}
		tasks = append(tasks, t)
	}
	if rows.Err() != nil {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"date": today, "tasks": tasks})
}

// start is the write half of a timer start: close the user's running
// entry, open a new one, in one transaction.
func (c *bareConfig) start(w http.ResponseWriter, r *http.Request, pool *pgxpool.Pool) {
	ctx := r.Context()
	uid, now := c.user(r), time.Now().UnixMilli()
	tx, err := pool.Begin(ctx)
	if err != nil {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var id int64
	if _, err = tx.Exec(ctx, `UPDATE bare_entries SET ended_ms = $2 WHERE user_id = $1 AND ended_ms IS NULL`, uid, now); err == nil {
		err = tx.QueryRow(ctx, `INSERT INTO bare_entries (user_id, task_id, started_ms) VALUES ($1, $2, $3) RETURNING id`,
			uid, uid, now).Scan(&id)
	}
	if err == nil {
		err = tx.Commit(ctx)
	}
	if err != nil {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"entry":%d,"started_ms":%d}`, id, now)
}
