package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// insightsOpenRaw opens a fresh migrated store of engine e and, beside it,
// a plain database/sql handle on the same database for bulk inserts.
func insightsOpenRaw(tb testing.TB, e storetest.Engine, now func() time.Time) (*sqlstore.DB, *sql.DB) {
	tb.Helper()
	opts := e.Options(tb)
	opts.Now = now
	return openStore(tb, opts), openRaw(tb, opts)
}

// openStore opens and migrates the store of opts.
func openStore(tb testing.TB, opts sqlstore.Options) *sqlstore.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return db
}

// openRaw opens a plain database/sql handle on the database of opts.
func openRaw(tb testing.TB, opts sqlstore.Options) *sql.DB {
	return storetest.Raw(tb, opts)
}

// benchSeed gives a user days of history ending today, consistent with the
// writes: 5 planned tasks a day (all completed but today's), 3 timer
// entries of 20 minutes each, daily_stats and hourly_focus split in the
// user's zone. Rows go in as multi-row INSERTs of literals (numbers and
// dates only).
func benchSeed(tb testing.TB, raw *sql.DB, user *focusflow.User, now time.Time, days int) {
	tb.Helper()
	benchSeedIDs(tb, raw, user, now, days, 0)
}

// benchSeedIDs is benchSeed with task and entry ids after idBase.
func benchSeedIDs(tb testing.TB, raw *sql.DB, user *focusflow.User, now time.Time, days int, idBase int64) {
	tb.Helper()
	loc := user.Location()
	today := localdate.Today(now, loc)
	var tasks, entries, daily, hourly []string
	taskID, entryID := idBase, idBase
	for d := days - 1; d >= 0; d-- {
		date := localdate.AddDays(today, -d)
		var focus int64
		completed := 0
		hours := map[int]int64{}
		for i := range 5 {
			taskID++
			hh := 8 + 2*i
			planned := localdate.DayStart(date, loc).Add(time.Duration(hh) * time.Hour)
			start := planned.Add(time.Duration((d*7+i*3)%11) * time.Minute)
			var spent, last int64
			for range 3 {
				end := start.Add(20 * time.Minute)
				if end.After(now) {
					break
				}
				entryID++
				entries = append(entries, fmt.Sprintf("(%d, %d, %d, %d, %d, 'timer', %d)",
					entryID, user.ID, taskID, start.UnixMilli(), end.UnixMilli(), start.UnixMilli()))
				for _, p := range localdate.Portions(start, end, loc) {
					hours[p.Hour] += p.MS
				}
				spent += end.Sub(start).Milliseconds()
				last = end.UnixMilli()
				start = end.Add(5 * time.Minute)
			}
			status, completedAt := "'pending'", "NULL"
			if d > 0 && last > 0 {
				status, completedAt = "'completed'", fmt.Sprint(last)
				completed++
			}
			focus += spent
			created := planned.Add(-time.Hour).UnixMilli()
			tasks = append(tasks, fmt.Sprintf("(%d, %d, '%s', 'task %d', '', '%02d:00', 60, %s, %d, %d, %s, %d, %d)",
				taskID, user.ID, date, i, hh, status, i+1, spent, completedAt, created, created))
		}
		daily = append(daily, fmt.Sprintf("(%d, '%s', %d, 0, 5, %d)", user.ID, date, focus, completed))
		for h, ms := range hours {
			hourly = append(hourly, fmt.Sprintf("(%d, '%s', %d, %d)", user.ID, date, h, ms))
		}
	}
	insert := func(head string, rows []string) {
		for len(rows) > 0 {
			n := min(len(rows), 1000)
			if _, err := raw.Exec(head + strings.Join(rows[:n], ", ")); err != nil {
				tb.Fatalf("seed: %v", err)
			}
			rows = rows[n:]
		}
	}
	insert(`INSERT INTO tasks (id, user_id, date, title, description, start_time, duration_minutes, status, position,
		spent_ms, completed_at, created_at, updated_at) VALUES `, tasks)
	insert(`INSERT INTO time_entries (id, user_id, task_id, started_at, ended_at, source, created_at) VALUES `, entries)
	insert(`INSERT INTO daily_stats (user_id, date, focus_ms, manual_ms, total, completed) VALUES `, daily)
	insert(`INSERT INTO hourly_focus (user_id, date, hour, focus_ms) VALUES `, hourly)
	if _, err := raw.Exec(`ANALYZE`); err != nil { // planner statistics, as after a real load
		tb.Fatal(err)
	}
}

// BenchmarkInsights measures GET /api/v1/stats's store call (the default
// 365-day range) for one user with 1 and with 10 years of history, at 8
// concurrent callers, and the profile summary (which reads the user's
// per-day rows once). It runs on PostgreSQL (FOCUSFLOW_TEST_DATABASE_URL)
// and, with FOCUSFLOW_BENCH_SQLITE=1, on SQLite too.
//
//	FOCUSFLOW_TEST_DATABASE_URL=postgres://… go test ./internal/sqlstore -run '^$' -bench Insights -benchtime 2000x
func BenchmarkInsights(b *testing.B) {
	var engines []storetest.Engine
	for _, e := range storetest.Engines(b) {
		if e.Name == "postgres" || os.Getenv("FOCUSFLOW_BENCH_SQLITE") != "" {
			engines = append(engines, e)
		}
	}
	if len(engines) == 0 {
		b.Skip("FOCUSFLOW_TEST_DATABASE_URL not set (and FOCUSFLOW_BENCH_SQLITE unset): nothing to benchmark")
	}
	now := time.Date(2026, 3, 10, 18, 30, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ctx := context.Background()
	for _, e := range engines {
		for _, years := range []int{1, 10} {
			db, raw := insightsOpenRaw(b, e, clock)
			user := &focusflow.User{Username: "bench", Email: "bench@example.test", Timezone: "Europe/Berlin"}
			if err := db.CreateUser(ctx, user, "hash"); err != nil {
				b.Fatal(err)
			}
			user, _ = db.User(ctx, user.ID)
			benchSeed(b, raw, user, now, years*365)
			if err := db.RecomputeStreakRuns(ctx); err != nil { // daily_stats.run, as the writes keep it
				b.Fatal(err)
			}
			today := localdate.Today(now, user.Location())
			from := localdate.AddDays(today, 1-focusflow.DefaultStatsDays)
			if _, err := db.AwardAchievements(ctx); err != nil { // the one-off award pass
				b.Fatal(err)
			}
			ops := []struct {
				name string
				fn   func() error
			}{
				{"stats", func() error { _, err := db.Insights(ctx, user, from, today); return err }},
				{"summary", func() error { _, err := db.Summary(ctx, user); return err }},
			}
			for _, op := range ops {
				// One caller: the cost of one call. Eight: the load target.
				b.Run(fmt.Sprintf("%s/%s/%dy/serial", e.Name, op.name, years), func(b *testing.B) {
					benchParallel(b, 1, op.fn)
				})
				b.Run(fmt.Sprintf("%s/%s/%dy/8-concurrent", e.Name, op.name, years), func(b *testing.B) {
					benchParallel(b, 8, op.fn)
				})
			}
		}
	}
}

// benchParallel runs fn from about `concurrent` goroutines (one: a plain
// loop) and reports the latency percentiles beside ns/op (which, in
// parallel, is wall time over operations: the inverse of throughput).
func benchParallel(b *testing.B, concurrent int, fn func() error) {
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	if concurrent == 1 {
		for range b.N {
			t0 := time.Now()
			if err := fn(); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		b.StopTimer()
		reportLatency(b, lat)
		return
	}
	b.SetParallelism(max(1, concurrent/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			t0 := time.Now()
			if err := fn(); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	reportLatency(b, lat)
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
