package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// suiteUsers is how many load users the suite seeds; scenarios take
// disjoint ranges of them.
const suiteUsers = 160

// suite is what every scenario shares: the configuration, the database
// made for the run, and the load users not yet taken.
type suite struct {
	cfg      faultsConfig
	out      io.Writer
	dir      string // temporary: data directories, SQLite file
	dbURL    string // the run's own database, as the servers reach it
	dropName string // the PostgreSQL database to drop at the end
	secret   string // SECRET_KEY of every server: sessions outlive a restart
	seedDay  string // the day the load users' pending tasks are on (UTC)
	mu       sync.Mutex
	next     int // first load user not yet taken
}

// newSuite makes the run's database and seeds its load users.
func newSuite(ctx context.Context, c faultsConfig, out io.Writer) (*suite, error) {
	dir, err := os.MkdirTemp("", "focusflow-faults-")
	if err != nil {
		return nil, err
	}
	s := &suite{cfg: c, out: out, dir: dir, next: 1, secret: rand.Text() + rand.Text()}
	if c.postgres() {
		err = s.createPostgres(ctx)
	} else {
		err = s.useSQLite()
	}
	if err == nil {
		err = s.seed(ctx, 1, suiteUsers, 1, 4, 0)
	}
	if err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// createPostgres creates a database of the run's own on --db's server.
func (s *suite) createPostgres(ctx context.Context) error {
	u, err := url.Parse(s.cfg.db)
	if err != nil {
		return fmt.Errorf("--db: %v", err)
	}
	name := fmt.Sprintf("focusflow_faults_%d_%d", time.Now().Unix(), os.Getpid())
	conn, err := pgx.Connect(ctx, s.cfg.db)
	if err != nil {
		return fmt.Errorf("connect to --db: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return fmt.Errorf("create database %s: %v", name, err)
	}
	s.dropName = name
	u.Path = "/" + name
	s.dbURL = u.String()
	s.logf("database %s created", name)
	return nil
}

func (s *suite) useSQLite() error {
	path := filepath.Join(s.dir, "focusflow.db")
	if rest, ok := strings.CutPrefix(s.cfg.db, "sqlite://"); ok && rest != "" {
		path = rest
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			path = filepath.Join(path, fmt.Sprintf("faults-%d.db", time.Now().UnixNano()))
		}
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("--db: %s exists; give a directory or a new file", path)
		}
	}
	s.dbURL = "sqlite://" + path
	return nil
}

// seed writes users first … first+n-1 with days of history, tasks a
// day and entries a task; today's tasks are pending.
func (s *suite) seed(ctx context.Context, first, n, days, tasks, entries int) error {
	c := seedConfig{dbURL: s.dbURL, users: n, first: first, days: days, tasksPerDay: tasks, entriesPerTask: entries,
		password: defaultPassword, workers: 2, batch: 20, fast: true, now: time.Now().UTC()}
	if s.seedDay == "" {
		s.seedDay = c.now.Format("2006-01-02")
	}
	var log io.Writer = io.Discard
	if s.cfg.verbose {
		log = s.out
	}
	if err := c.seed(ctx, log); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}

// takeUsers reserves n seeded load users; it returns the first one's number.
func (s *suite) takeUsers(n int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next+n-1 > suiteUsers {
		return 0, fmt.Errorf("the suite's %d load users are all taken", suiteUsers)
	}
	first := s.next
	s.next += n
	return first, nil
}

// close drops the run's database and removes its files.
func (s *suite) close() {
	if s.dropName != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, s.cfg.db); err == nil {
			if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+s.dropName+" WITH (FORCE)"); err != nil {
				fmt.Fprintf(s.out, "faults: drop database %s: %v\n", s.dropName, err)
			}
			conn.Close(ctx)
		}
	}
	os.RemoveAll(s.dir)
}

// logf prints progress with -v.
func (s *suite) logf(format string, args ...any) {
	if s.cfg.verbose {
		fmt.Fprintf(s.out, format+"\n", args...)
	}
}

// pgConn is a direct session on the run's database (PostgreSQL only).
func (s *suite) pgConn(ctx context.Context) (*pgx.Conn, error) {
	return pgx.Connect(ctx, s.dbURL)
}

// dbURLVia is the run's database URL with its host replaced by addr (a
// proxy's).
func (s *suite) dbURLVia(addr string) (string, string, error) {
	u, err := url.Parse(s.dbURL)
	if err != nil {
		return "", "", err
	}
	target := u.Host
	u.Host = addr
	return u.String(), target, nil
}
