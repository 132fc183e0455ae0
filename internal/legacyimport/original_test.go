package legacyimport_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/legacyimport"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// The fixtures in testdata/original were written by the original app
// itself, through its HTTP API, in both of its eras (see their headers):
// the SQLite era on a server whose clock is in Berlin (its
// CURRENT_TIMESTAMP in UTC), the PostgreSQL era on a UTC server with users
// whose days are in Berlin. State 2 is the same database days later, after
// edits made in the original.

// originalEra is how one era's fixtures are read.
type originalEra struct {
	name                 string // "sqlite" or "postgres"
	source, database     string // the zones of its two clocks
	users                string
	firstNow, secondNow  func(t *testing.T, src *sql.DB) time.Time
	timestampsAreRounded bool
}

var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}()

func originalEras(t *testing.T) []originalEra {
	// SQLite era: the first import runs on the morning alice's timer runs
	// (carol's, four days old, is past the cap); the second the next day.
	sqliteEra := originalEra{name: "sqlite", source: "Europe/Berlin", database: "UTC", users: "Europe/Berlin",
		firstNow:  func(*testing.T, *sql.DB) time.Time { return time.Date(2026, 10, 22, 10, 30, 0, 0, berlin) },
		secondNow: func(*testing.T, *sql.DB) time.Time { return time.Date(2026, 10, 23, 10, 0, 0, 0, berlin) }}
	eras := []originalEra{sqliteEra}
	if storetest.PostgresURL(t) != "" {
		// PostgreSQL era: made on the real clock in minutes; the imports
		// run half an hour and a day after its last timer start.
		latest := func(t *testing.T, src *sql.DB, after time.Duration) time.Time {
			var s string
			if err := src.QueryRow(`SELECT CAST(MAX(timer_start_time) AS TEXT) FROM user_tasks`).Scan(&s); err != nil {
				t.Fatal(err)
			}
			at, err := time.ParseInLocation("2006-01-02 15:04:05.999999999", s, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			return at.Add(after)
		}
		eras = append(eras, originalEra{name: "postgres", source: "UTC", database: "UTC", users: "Europe/Berlin",
			firstNow:  func(t *testing.T, src *sql.DB) time.Time { return latest(t, src, 30*time.Minute) },
			secondNow: func(t *testing.T, src *sql.DB) time.Time { return latest(t, src, 24*time.Hour) }})
	}
	return eras
}

// originalSource builds the original's database of an era in one of its
// states and returns its --from URL and a connection to it.
func originalSource(t *testing.T, era string, state int) (string, *sql.DB) {
	t.Helper()
	var src string
	var db *sql.DB
	var err error
	files := []string{era + "_schema.sql", filepath.Join("original", fmt.Sprintf("%s_state%d.sql", era, state))}
	if era == "sqlite" {
		path := filepath.Join(t.TempDir(), "focus_flow.db")
		src = "sqlite:///" + path // four slashes, as the original's deployments wrote it
		db, err = sql.Open("sqlite", path)
	} else {
		src = storetest.CreateDatabase(t)
		db, err = sql.Open("pgx", storetest.ExecMode(src))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, st := range legacyStatements(t, files...) {
		if _, err := db.Exec(st); err != nil {
			t.Fatalf("fixture %s: %v\n%.300s", era, err, st)
		}
	}
	return src, db
}

// clockTarget is a FocusFlow store whose clock the test sets.
type clockTarget struct {
	*legacyTarget
	now time.Time
}

func newClockTarget(t *testing.T, e storetest.Engine) *clockTarget {
	ct := &clockTarget{}
	lt := newLegacyTarget(t, e)
	opts := e.Options(t)
	opts.Now = func() time.Time { return ct.now }
	if opts.URL == "" {
		opts.SQLitePath = filepath.Join(t.TempDir(), "clock.db")
	} else {
		opts.URL = storetest.CreateDatabase(t)
	}
	db, err := sqlstore.Open(lt.ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(lt.ctx); err != nil {
		t.Fatal(err)
	}
	raw := storetest.Raw(t, opts)
	ct.legacyTarget = &legacyTarget{db: db, raw: raw, ctx: lt.ctx}
	return ct
}

func (ct *clockTarget) importFrom(t *testing.T, era originalEra, src string, deleteRemoved bool) *legacyimport.Report {
	t.Helper()
	s, err := legacyimport.Open(ct.ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	rep, err := legacyimport.Import(ct.ctx, ct.db, s, legacyimport.Options{SourceLocation: zone(era.source),
		DatabaseLocation: zone(era.database), Location: zone(era.users), DeleteRemoved: deleteRemoved})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + text.String())
	if !rep.Time.Balanced() || strings.Contains(text.String(), "DOES NOT ADD UP") {
		t.Errorf("the time accounting does not add up: %+v", rep.Time)
	}
	return rep
}

// originalTask is a task as the original kept it, with its total as the
// original's pages showed it at now: time_spent plus a running timer's
// elapsed time (which FocusFlow caps as any forgotten timer).
type originalTask struct {
	id, user    int64
	date, title string
	status      string
	total       int64
	running     time.Time
	dayCapped   bool // its date holds more than 24 hours in the original
}

func originalTasks(t *testing.T, src *sql.DB, srcLoc *time.Location, now time.Time) map[int64]*originalTask {
	t.Helper()
	rows, err := src.Query(`SELECT id, user_id, CAST(entry_date AS TEXT), title, status, CAST(time_spent AS TEXT),
		CAST(timer_start_time AS TEXT) FROM user_tasks ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]*originalTask{}
	perDate := map[string]float64{}
	for rows.Next() {
		var ot originalTask
		var spent string
		var start sql.NullString
		if err := rows.Scan(&ot.id, &ot.user, &ot.date, &ot.title, &ot.status, &spent, &start); err != nil {
			t.Fatal(err)
		}
		f, err := strconv.ParseFloat(spent, 64)
		if err != nil {
			t.Fatal(err)
		}
		perDate[fmt.Sprint(ot.user, ot.date)] += math.Max(f, 0)
		if f < 1e15 {
			ot.total = max(0, int64(math.Round(f)))
		}
		if start.Valid && ot.status == "in-progress" {
			at, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", strings.Replace(start.String, " ", "T", 1), srcLoc)
			if err != nil {
				t.Fatal(err)
			}
			ot.running = at.Truncate(time.Millisecond)
			ot.total += min(now.Sub(ot.running), focusflow.DefaultTimerCap).Milliseconds()
		}
		out[ot.id] = &ot
	}
	for _, ot := range out {
		ot.dayCapped = perDate[fmt.Sprint(ot.user, ot.date)] > float64(24*time.Hour/time.Millisecond)
	}
	return out
}

// checkTotals compares FocusFlow's figures with the original's: every
// task's total, every user's, and every entry_date's, to the millisecond
// (days the original filled with more than 24 hours are capped and
// reported instead); FocusFlow's own per-day focus equals the entry_date
// totals, a session still running aside.
func checkTotals(t *testing.T, ct *clockTarget, rep *legacyimport.Report, tasks map[int64]*originalTask) {
	t.Helper()
	ours := map[int64]int64{}
	for _, u := range rep.Users {
		user, err := ct.db.User(ct.ctx, u.UserID)
		if err != nil {
			t.Fatal(err)
		}
		ours[u.LegacyID] = user.ID
	}
	perUser, perDate := map[int64][2]int64{}, map[string][2]int64{}
	for _, ot := range tasks {
		if ot.dayCapped {
			continue
		}
		var id int64
		if err := ct.raw.QueryRow(`SELECT new_id FROM legacy_ids WHERE kind = 'legacy:task' AND legacy_id = $1`, ot.id).Scan(&id); err != nil {
			t.Fatalf("task %d %q was not imported: %v", ot.id, ot.title, err)
		}
		task, err := ct.db.Task(ct.ctx, ours[ot.user], id)
		if err != nil {
			t.Fatal(err)
		}
		if got := task.Spent.Milliseconds(); got != ot.total {
			t.Errorf("task %d %q: %d ms here, %d ms in the original", ot.id, ot.title, got, ot.total)
		}
		u, d := perUser[ot.user], perDate[fmt.Sprint(ot.user, " ", ot.date)]
		perUser[ot.user] = [2]int64{u[0] + task.Spent.Milliseconds(), u[1] + ot.total}
		perDate[fmt.Sprint(ot.user, " ", ot.date)] = [2]int64{d[0] + task.Spent.Milliseconds(), d[1] + ot.total}
	}
	for k, v := range perUser {
		if v[0] != v[1] {
			t.Errorf("original user %d: %d ms here, %d ms in the original", k, v[0], v[1])
		}
	}
	for k, v := range perDate {
		if v[0] != v[1] {
			t.Errorf("user and entry_date %s: %d ms here, %d ms in the original", k, v[0], v[1])
		}
		user, date, _ := strings.Cut(k, " ")
		uid, _ := strconv.ParseInt(user, 10, 64)
		focus := ct.count(t, `SELECT focus_ms FROM daily_stats WHERE user_id = $1 AND date = $2`, ours[uid], date)
		// Entries off their task's day: a session at its real time, or
		// time moved across midnight — each named in the report.
		day, _ := time.ParseInLocation("2006-01-02", date, berlin)
		off := ct.count(t, `SELECT COUNT(*) FROM time_entries e JOIN tasks k ON k.id = e.task_id WHERE e.user_id = $1
			AND k.date = $2 AND (e.ended_at IS NULL OR e.started_at < $3 OR e.ended_at > $4)`, ours[uid], date,
			day.UnixMilli(), day.AddDate(0, 0, 1).UnixMilli())
		if off == 0 && focus != v[0] {
			t.Errorf("user and entry_date %s: FocusFlow's per-day focus %d ms, its tasks' %d ms", k, focus, v[0])
		}
		if u := legacyUserReport(t, rep, uid); off > 0 && u.State == "new" && len(u.Running) == 0 && len(u.Moved) == 0 {
			t.Errorf("user and entry_date %s: entries off their day, and the report says nothing", k)
		}
	}
	if n := ct.count(t, `SELECT COUNT(*) FROM time_entries a JOIN time_entries b ON a.user_id = b.user_id
		AND a.id < b.id AND a.started_at < COALESCE(b.ended_at, $1) AND b.started_at < COALESCE(a.ended_at, $1)`,
		ct.now.UnixMilli()); n != 0 {
		t.Errorf("%d pairs of entries overlap", n)
	}
}

func TestImportOriginalBothEras(t *testing.T) {
	for _, era := range originalEras(t) {
		for _, e := range storetest.Engines(t) {
			t.Run(era.name+"→"+e.Name, func(t *testing.T) {
				srcLoc, _ := time.LoadLocation(era.source)
				src, srcDB := originalSource(t, era.name, 1)
				ct := newClockTarget(t, e)
				ct.now = era.firstNow(t, srcDB)
				rep := ct.importFrom(t, era, src, false)
				tasks := originalTasks(t, srcDB, srcLoc, ct.now)
				checkTotals(t, ct, rep, tasks)
				checkOriginalFirst(t, ct, era, rep, tasks)

				editInFocusFlow(t, ct)
				src2, srcDB2 := originalSource(t, era.name, 2)
				ct.now = era.secondNow(t, srcDB)
				rep2 := ct.importFrom(t, era, src2, false)
				checkOriginalSecond(t, ct, rep2)
				// The sweep records what the read path shows: a session past
				// its cap is capped, an imported one as any other.
				if _, err := ct.db.CapExpiredTimers(ct.ctx); err != nil {
					t.Fatal(err)
				}
				tasks2 := originalTasks(t, srcDB2, srcLoc, ct.now)
				delete(tasks2, taskByTitle(t, tasks2, "Planning").id) // FocusFlow's manual entry added to it
				checkTotals(t, ct, rep2, tasks2)

				// A third run deletes what the original deleted, when asked.
				rep3 := ct.importFrom(t, era, src2, true)
				if rep3.Totals.Deleted != 1 || rep3.Totals.Removed != 0 || rep3.Totals.Added() != 0 || rep3.Totals.Updated != 0 {
					t.Errorf("third run totals: %+v", rep3.Totals)
				}
				if n := ct.count(t, `SELECT COUNT(*) FROM tasks WHERE title = 'Tidy desk'`); n != 0 {
					t.Errorf("the task deleted in the original is still here")
				}
			})
		}
	}
}

func taskByTitle(t *testing.T, tasks map[int64]*originalTask, title string) *originalTask {
	t.Helper()
	for _, ot := range tasks {
		if ot.title == title {
			return ot
		}
	}
	t.Fatalf("the original has no task %q", title)
	return nil
}

// checkOriginalFirst checks what the first import made of the original's
// timers and times of day.
func checkOriginalFirst(t *testing.T, ct *clockTarget, era originalEra, rep *legacyimport.Report, tasks map[int64]*originalTask) {
	t.Helper()
	alice, _ := ct.user(t, "alice")
	if alice.Timezone != era.users {
		t.Errorf("alice's zone %q, want %q", alice.Timezone, era.users)
	}
	// alice's timer runs on here as her session, from its real start.
	timer, err := ct.db.Timer(ct.ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	run := taskByTitle(t, tasks, "Write report")
	if timer == nil || timer.State != focusflow.TimerRunning || !timer.StartedAt.Equal(run.running) ||
		timer.Mode != focusflow.ModeStopwatch || timer.Phase != focusflow.PhaseFocus {
		t.Fatalf("alice's timer: %+v, want running since %s", timer, run.running)
	}
	if u := legacyUserReport(t, rep, 1); len(u.Running) != 1 || !strings.Contains(u.Running[0].Action, "goes on as the user's running timer") {
		t.Errorf("alice's running timer is not reported: %+v", u.Running)
	}
	carol, _ := ct.user(t, "carol smith")
	forgotten := taskByTitle(t, tasks, "Forgotten timer")
	var capped int64
	if err := ct.raw.QueryRow(`SELECT COUNT(*) FROM time_entries WHERE user_id = $1 AND source = 'capped' AND started_at = $2
		AND ended_at = $3`, carol.ID, forgotten.running.UnixMilli(), forgotten.running.Add(focusflow.DefaultTimerCap).UnixMilli()).Scan(&capped); err != nil {
		t.Fatal(err)
	}
	older := ct.now.Sub(forgotten.running) > focusflow.DefaultTimerCap
	if u := legacyUserReport(t, rep, 4); older && (capped != 1 || len(u.Running) != 1 || !strings.Contains(u.Running[0].Action, "older than the cap")) {
		t.Errorf("carol's forgotten timer: %d capped entries, report %+v", capped, u.Running)
	}
	if era.name == "sqlite" {
		// Times of day: "Deep work 0" last synced 2026-10-12 11:01:30.001 in
		// Berlin; its entry ends there.
		var end int64
		if err := ct.raw.QueryRow(`SELECT MAX(e.ended_at) FROM time_entries e JOIN tasks k ON k.id = e.task_id
			WHERE k.title = 'Deep work 0'`).Scan(&end); err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 10, 12, 11, 1, 30, 1_000_000, berlin); !time.UnixMilli(end).Equal(want) {
			t.Errorf("Deep work 0 ends at %s, want %s", time.UnixMilli(end).In(berlin), want)
		}
		// Joined when the database's UTC clock says.
		if want := time.Date(2026, 10, 1, 6, 0, 5, 0, time.UTC); !alice.CreatedAt.Equal(want) {
			t.Errorf("alice joined %s, want %s", alice.CreatedAt, want)
		}
		if rep.RoundedTimestamps == 0 {
			t.Error("no timestamp reported as rounded to the millisecond")
		}
		if b := legacyUserReport(t, rep, 2); !hasProblem(b, "task 22", "1234.5 ms is not a whole number", "rounded") ||
			!hasProblem(b, "task 21", "capped") {
			t.Errorf("Bob's report: %+v", b.Problems)
		}
	}
	// little bob's line about alice's task loses the link, reported.
	if lb := legacyUserReport(t, rep, 3); !hasProblem(lb, "task_db_id 1 is a task of another user (original user 1)") {
		t.Errorf("the cross-user link is not reported: %+v", lb.Problems)
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	if !strings.Contains(text.String(), "✓") || strings.Contains(text.String(), "-9,") {
		t.Errorf("the summary does not add up exactly:\n%s", text.String())
	}
}

// editInFocusFlow changes what the user would between two imports: a task
// the original will change too, and a manual entry on another.
func editInFocusFlow(t *testing.T, ct *clockTarget) {
	t.Helper()
	alice, _ := ct.user(t, "alice")
	var id, planning int64
	if err := ct.raw.QueryRow(`SELECT id FROM tasks WHERE user_id = $1 AND title = 'Deep work 5'`, alice.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	title := "Deep work 5 (renamed in FocusFlow)"
	if _, err := ct.db.UpdateTask(ct.ctx, alice, id, focusflow.TaskPatch{Title: &title}); err != nil {
		t.Fatal(err)
	}
	if err := ct.raw.QueryRow(`SELECT id FROM tasks WHERE user_id = $1 AND title = 'Planning'`, alice.ID).Scan(&planning); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 10, 21, 7, 0, 0, 0, berlin)
	if _, err := ct.db.AddManualEntry(ct.ctx, alice, planning, start, start.Add(20*time.Minute)); err != nil {
		t.Fatal(err)
	}
}

// checkOriginalSecond checks what the second import applied.
func checkOriginalSecond(t *testing.T, ct *clockTarget, rep *legacyimport.Report) {
	t.Helper()
	a := legacyUserReport(t, rep, 1)
	if a.State != "updated" || a.Counts.Tasks != 1 || a.Counts.Conflicts != 1 || a.Counts.Removed != 1 || a.Counts.Updated < 5 {
		t.Errorf("alice's second run: state %s, counts %+v, changes %+v", a.State, a.Counts, a.Changes)
	}
	has := func(kind string, parts ...string) bool {
		for _, ch := range a.Changes {
			text := ch.Kind + ": " + ch.Row + ": " + ch.What
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(text, p)
			}
			if ok && ch.Kind == kind {
				return true
			}
		}
		return false
	}
	for _, want := range []struct {
		kind  string
		parts []string
	}{
		{legacyimport.ChangeConflict, []string{"Deep work 5", "FocusFlow's version kept"}},
		{legacyimport.ChangeUpdated, []string{"Deep work 6", "title"}},
		{legacyimport.ChangeUpdated, []string{"Planning", "time"}},
		{legacyimport.ChangeUpdated, []string{"Write report", "time"}},
		{legacyimport.ChangeUpdated, []string{"note 2", "updated"}},
		{legacyimport.ChangeUpdated, []string{"daily note 7", "updated"}},
		{legacyimport.ChangeRemoved, []string{"--delete-removed"}},
	} {
		if !has(want.kind, want.parts...) {
			t.Errorf("alice's changes lack %s %q: %+v", want.kind, want.parts, a.Changes)
		}
	}
	alice, _ := ct.user(t, "alice")
	titles := map[string]string{}
	rows, err := ct.raw.Query(`SELECT title, status FROM tasks WHERE user_id = $1`, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var title, status string
		rows.Scan(&title, &status)
		titles[title] = status
	}
	rows.Close()
	for title, status := range map[string]string{"Deep work 5 (renamed in FocusFlow)": "completed",
		"Deep work 6 (renamed)": "completed", "Write report": "completed", "Tidy desk": "pending",
		"New after first import": "pending"} {
		if titles[title] != status {
			t.Errorf("alice's task %q: status %q, want %q (tasks %v)", title, titles[title], status, titles)
		}
	}
	// The session the first import started is replaced by the original's
	// final figures: her timer is free again.
	if timer, err := ct.db.Timer(ct.ctx, alice); err != nil || timer != nil {
		t.Errorf("alice's timer after the original stopped it: %+v, %v", timer, err)
	}
	if n := ct.count(t, `SELECT COUNT(*) FROM notes WHERE user_id = $1 AND content = 'Mornings are best; afternoons for email.'`, alice.ID); n != 1 {
		t.Error("the note edited in the original was not updated")
	}
	if n := ct.count(t, `SELECT COUNT(*) FROM day_notes WHERE user_id = $1 AND text = 'Day 6 went fine. Added later.'`, alice.ID); n != 1 {
		t.Error("the daily note edited in the original was not updated")
	}
	if n := ct.count(t, `SELECT COUNT(*) FROM time_entries WHERE user_id = $1 AND source = 'manual'`, alice.ID); n != 1 {
		t.Error("the entry made in FocusFlow did not survive the re-import")
	}
	if s := rep.Totals; s.Conflicts != 1 || s.Removed != 1 || s.Deleted != 0 {
		t.Errorf("second run totals: %+v", s)
	}
	for _, u := range rep.Users {
		if u.LegacyID != 1 && u.LegacyID != 2 && u.State != "unchanged" {
			t.Errorf("user %d changed on the second run: %+v", u.LegacyID, u)
		}
	}
}

// A session the first import started that the user then stops here is
// theirs: the original's later figures for that task's time are a
// conflict, never counted twice. A password changed in the original
// between two imports works here, unless the user signed in here since.
func TestReimportKeepsWhatTheUserDidHere(t *testing.T) {
	era := originalEras(t)[0]
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			src, srcDB := originalSource(t, era.name, 1)
			ct := newClockTarget(t, e)
			ct.now = era.firstNow(t, srcDB)
			ct.importFrom(t, era, src, false)
			alice, _ := ct.user(t, "alice")
			timer, err := ct.db.Timer(ct.ctx, alice)
			if err != nil || timer == nil {
				t.Fatalf("alice's timer: %+v, %v", timer, err)
			}
			ct.now = ct.now.Add(5 * time.Minute)
			if _, err := ct.db.TimerAction(ct.ctx, alice, focusflow.TimerCommand{Action: focusflow.ActionStop,
				Version: timer.Version}); err != nil {
				t.Fatal(err)
			}
			var report int64
			if err := ct.raw.QueryRow(`SELECT id FROM tasks WHERE user_id = $1 AND title = 'Write report'`, alice.ID).Scan(&report); err != nil {
				t.Fatal(err)
			}
			before, _ := ct.db.Task(ct.ctx, alice.ID, report)

			src2, srcDB2 := originalSource(t, era.name, 2)
			var carolHash string
			srcDB2.QueryRow(`SELECT password_hash FROM users WHERE id = 4`).Scan(&carolHash)
			if _, err := srcDB2.Exec(`UPDATE users SET password_hash = $1 WHERE id = 2`, carolHash); err != nil {
				t.Fatal(err)
			}
			ct.now = era.secondNow(t, srcDB)
			rep := ct.importFrom(t, era, src2, false)
			a := legacyUserReport(t, rep, 1)
			conflict := false
			for _, ch := range a.Changes {
				conflict = conflict || ch.Kind == legacyimport.ChangeConflict && strings.Contains(ch.Row, "Write report") &&
					strings.Contains(ch.What, "its time")
			}
			if !conflict {
				t.Errorf("the session stopped here is not a conflict: %+v", a.Changes)
			}
			if after, _ := ct.db.Task(ct.ctx, alice.ID, report); after.Spent != before.Spent {
				t.Errorf("Write report's time changed from %s to %s", before.Spent, after.Spent)
			}
			b := legacyUserReport(t, rep, 2)
			if len(b.Changes) == 0 || !strings.Contains(b.Changes[0].What, "password") {
				t.Errorf("Bob's password change is not reported: %+v", b.Changes)
			}
			if _, hash := ct.user(t, "Bob"); hash != carolHash {
				t.Error("Bob's new password from the original does not work here")
			}
		})
	}
}
