package legacyimport_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/legacyimport"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// legacyNow is when the tests' imports run: after every fixture row except
// carol's task dated in the future.
var legacyNow = time.Date(2025, 7, 5, 9, 0, 0, 0, time.UTC)

// legacySourceKinds are the original's two database kinds.
func legacySourceKinds(t *testing.T) []string {
	kinds := []string{"sqlite"}
	if storetest.PostgresURL(t) != "" {
		kinds = append(kinds, "postgres")
	}
	return kinds
}

// legacyStatements splits a fixture file into statements (the fixtures end
// every statement with ";" at the end of a line, and no text holds one).
func legacyStatements(t testing.TB, files ...string) []string {
	t.Helper()
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range strings.Split(string(b), ";\n") {
			if strings.TrimSpace(st) != "" {
				out = append(out, st)
			}
		}
	}
	return out
}

// legacyFixture builds the original's database of the given kind with the
// fixture rows and returns its URL for --from.
func legacyFixture(t testing.TB, kind string) string {
	t.Helper()
	var db *sql.DB
	var err error
	var src string
	var files []string
	switch kind {
	case "sqlite":
		path := filepath.Join(t.TempDir(), "focusflow.db")
		db, err = sql.Open("sqlite", path)
		src = "sqlite://" + path
		files = []string{"sqlite_schema.sql", "rows.sql", "sqlite_extra.sql"}
	case "postgres":
		src = storetest.CreateDatabase(t)
		db, err = sql.Open("pgx", storetest.ExecMode(src))
		files = []string{"postgres_schema.sql", "rows.sql"}
	}
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, st := range legacyStatements(t, files...) {
		if _, err := db.Exec(st); err != nil {
			t.Fatalf("fixture %s: %v\n%s", kind, err, st)
		}
	}
	return src
}

// legacyTarget is a migrated FocusFlow store with the test clock, and a
// raw connection to the same database for checks the store has no query
// for.
type legacyTarget struct {
	db  *sqlstore.DB
	raw *sql.DB
	ctx context.Context
}

func newLegacyTarget(t *testing.T, e storetest.Engine) *legacyTarget {
	t.Helper()
	opts := e.Options(t)
	opts.Now = func() time.Time { return legacyNow }
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	raw := storetest.Raw(t, opts)
	return &legacyTarget{db: db, raw: raw, ctx: ctx}
}

func (lt *legacyTarget) count(t testing.TB, query string, args ...any) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := lt.raw.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n.Int64
}

// snapshot counts the rows of every table an import writes.
func (lt *legacyTarget) snapshot(t testing.TB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"users", "tasks", "time_entries", "day_notes", "notes", "activity", "daily_stats",
		"hourly_focus", "legacy_ids"} {
		fmt.Fprintf(&b, "%s=%d ", table, lt.count(t, "SELECT COUNT(*) FROM "+table))
	}
	fmt.Fprintf(&b, "spent=%d focus=%d", lt.count(t, "SELECT SUM(spent_ms) FROM tasks"),
		lt.count(t, "SELECT SUM(focus_ms) FROM daily_stats"))
	return b.String()
}

func (lt *legacyTarget) run(t *testing.T, src string, dryRun bool) *legacyimport.Report {
	t.Helper()
	s, err := legacyimport.Open(lt.ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var calls []int
	rep, err := legacyimport.Import(lt.ctx, lt.db, s, legacyimport.Options{SourceLocation: legacyParis(t),
		DatabaseLocation: legacyParis(t), DryRun: dryRun, Progress: func(done, total int) { calls = append(calls, done) }})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if len(calls) != len(rep.Users) {
		t.Errorf("progress was told %d times for %d users", len(calls), len(rep.Users))
	}
	return rep
}

func legacyParis(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func legacyUserReport(t *testing.T, rep *legacyimport.Report, legacyID int64) legacyimport.UserReport {
	t.Helper()
	for _, u := range rep.Users {
		if u.LegacyID == legacyID {
			return u
		}
	}
	t.Fatalf("no report for original user %d", legacyID)
	return legacyimport.UserReport{}
}

// hasProblem finds a problem of a user whose text contains every part.
func hasProblem(u legacyimport.UserReport, parts ...string) bool {
	for _, p := range u.Problems {
		text := p.Row + ": " + p.Problem + " → " + p.Action
		ok := true
		for _, part := range parts {
			ok = ok && strings.Contains(text, part)
		}
		if ok {
			return true
		}
	}
	return false
}

func (lt *legacyTarget) user(t *testing.T, login string) (*focusflow.User, string) {
	t.Helper()
	u, hash, err := lt.db.UserByLogin(lt.ctx, login)
	if err != nil {
		t.Fatalf("user %q: %v", login, err)
	}
	return u, hash
}

func (lt *legacyTarget) day(t *testing.T, u *focusflow.User, date string) *focusflow.Day {
	t.Helper()
	d, err := lt.db.Day(lt.ctx, u, date, focusflow.Recheck{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func legacyTask(t *testing.T, d *focusflow.Day, title string) focusflow.Task {
	t.Helper()
	for _, task := range d.Tasks {
		if task.Title == title {
			return task
		}
	}
	t.Fatalf("%s has no task %q (tasks: %+v)", d.Date, title, d.Tasks)
	return focusflow.Task{}
}

func parisTime(t testing.TB, s string) time.Time {
	v, err := time.ParseInLocation("2006-01-02 15:04:05.000", s, legacyParis(t))
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

// The time of the fixtures, worked out by hand from rows.sql.
const (
	aliceValidMS = 5_400_000 + 1_800_500 + 600_000 + 3_600_000 + 2_700_000
	// task 5's timer, running since 2025-06-04 14:00 Paris, is older than
	// the cap when the tests import: capped after 4 hours.
	aliceRunRawMS = 2_667_600_000 // 2025-06-04 12:00 UTC → legacyNow: 741 h
	aliceRunMS    = 4 * 3_600_000
	bobValidMS    = 54_000_000 + 43_200_000 + 90_000
	bobCappedMS   = 54_000_000 + 43_200_000 - 86_400_000 // 2025-06-10 holds 27 h
	carolValidMS  = 600_000
	frankValidMS  = 60_000 + 120_000 // SQLite only
)

func TestImport(t *testing.T) {
	for _, kind := range legacySourceKinds(t) {
		for _, e := range storetest.Engines(t) {
			t.Run(kind+"→"+e.Name, func(t *testing.T) {
				src := legacyFixture(t, kind)
				lt := newLegacyTarget(t, e)
				empty := lt.snapshot(t)

				// A dry run reports everything and writes nothing.
				dry := lt.run(t, src, true)
				if got := lt.snapshot(t); got != empty {
					t.Fatalf("the dry run wrote: %s (before: %s)", got, empty)
				}
				var dryText bytes.Buffer
				dry.WriteText(&dryText)
				if !strings.Contains(dryText.String(), "DRY RUN") {
					t.Errorf("the dry run's report does not say so:\n%s", dryText.String())
				}

				rep := lt.run(t, src, false)
				var text bytes.Buffer
				if err := rep.WriteText(&text); err != nil {
					t.Fatal(err)
				}
				t.Log("\n" + text.String())
				// The dry run reported exactly what the real run did.
				if fmt.Sprint(stripIDs(dry)) != fmt.Sprint(stripIDs(rep)) {
					t.Errorf("dry run and real run differ:\n dry  %+v\n real %+v", stripIDs(dry), stripIDs(rep))
				}

				wantUsers := 5
				validMS := int64(aliceValidMS + bobValidMS + carolValidMS)
				if kind == "sqlite" {
					wantUsers, validMS = 6, validMS+frankValidMS
				}
				if len(rep.Users) != wantUsers || rep.Totals.Users != wantUsers {
					t.Fatalf("users: %d reported, %d created; want %d", len(rep.Users), rep.Totals.Users, wantUsers)
				}
				imported := validMS - bobCappedMS + aliceRunMS
				ms := legacyimport.MS
				wantTime := legacyimport.TimeAccount{ValidMS: ms(validMS), NegativeMS: ms(-120_000),
					CappedMS: ms(bobCappedMS + aliceRunRawMS - aliceRunMS), RunningMS: ms(aliceRunRawMS), ImportedMS: ms(imported)}
				if rep.Time != wantTime {
					t.Errorf("time accounting %+v, want %+v", rep.Time, wantTime)
				}
				// Totals match to the millisecond: the tasks' spent time and
				// the per-day figures both hold exactly what was imported.
				if got := lt.count(t, "SELECT SUM(spent_ms) FROM tasks"); got != imported {
					t.Errorf("tasks hold %d ms, want %d", got, imported)
				}
				if got := lt.count(t, "SELECT SUM(ended_at - started_at) FROM time_entries"); got != imported {
					t.Errorf("entries hold %d ms, want %d", got, imported)
				}
				if got := lt.count(t, "SELECT SUM(focus_ms) FROM daily_stats"); got != imported {
					t.Errorf("daily_stats hold %d ms, want %d", got, imported)
				}
				if got := lt.count(t, "SELECT SUM(focus_ms) FROM hourly_focus"); got != imported {
					t.Errorf("hourly_focus holds %d ms, want %d", got, imported)
				}
				if n := lt.count(t, `SELECT COUNT(*) FROM time_entries a JOIN time_entries b ON a.user_id = b.user_id
					AND a.id < b.id AND a.started_at < b.ended_at AND b.started_at < a.ended_at`); n != 0 {
					t.Errorf("%d pairs of imported entries overlap", n)
				}
				if n := lt.count(t, `SELECT COUNT(*) FROM time_entries WHERE ended_at > $1`, legacyNow.UnixMilli()); n != 0 {
					t.Errorf("%d entries end in the future", n)
				}
				if n := lt.count(t, `SELECT COUNT(*) FROM time_entries WHERE source NOT IN ('imported', 'capped')`); n != 0 {
					t.Errorf("%d imported entries are not source=imported", n)
				}
				checkLegacyAlice(t, lt, legacyUserReport(t, rep, 1))
				checkLegacyBob(t, lt, rep)
				checkLegacyOthers(t, lt, rep)
				if kind == "sqlite" {
					checkLegacySQLiteOnly(t, lt, rep)
				}

				// Re-running imports nothing new.
				done := lt.snapshot(t)
				again := lt.run(t, src, false)
				if got := lt.snapshot(t); got != done {
					t.Errorf("the second run changed the database:\n before %s\n after  %s", done, got)
				}
				for _, u := range again.Users {
					if u.State != "unchanged" || len(u.Problems) != 0 {
						t.Errorf("second run, user %d: state %s, problems %v", u.LegacyID, u.State, u.Problems)
					}
				}
				if again.Totals.Kept == 0 || again.Totals.Tasks != 0 || !again.Time.ImportedMS.IsZero() {
					t.Errorf("second run totals %+v, time %+v", again.Totals, again.Time)
				}
			})
		}
	}
}

// stripIDs leaves what a dry run can know: our ids of new users are not
// made yet.
func stripIDs(r *legacyimport.Report) *legacyimport.Report {
	c := *r
	c.DryRun = false
	c.Users = nil
	for _, u := range r.Users {
		u.UserID = 0
		c.Users = append(c.Users, u)
	}
	return &c
}

func checkLegacyAlice(t *testing.T, lt *legacyTarget, rep legacyimport.UserReport) {
	t.Helper()
	u, hash := lt.user(t, "alice")
	if u.Timezone != "Europe/Paris" || u.Email != "alice@example.com" {
		t.Errorf("alice: %+v", u)
	}
	if want := parisTime(t, "2025-05-20 18:04:05.123"); !u.CreatedAt.Equal(want) {
		t.Errorf("alice joined %s, want %s", u.CreatedAt, want)
	}
	// The Werkzeug hash is kept as is and still verifies.
	h := auth.NewHasher(auth.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1, time.Second)
	if ok, rehash, err := h.Verify(lt.ctx, hash, "alice-old-pass-1"); !ok || !rehash || err != nil {
		t.Errorf("alice's pbkdf2 hash: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	if ok, _, _ := h.Verify(lt.ctx, hash, "wrong"); ok {
		t.Error("a wrong password verified")
	}
	if rep.State != "new" || rep.Counts.Tasks != 6 || rep.Counts.Entries != 6 || rep.Counts.DayNotes != 2 ||
		rep.Counts.Notes != 3 || rep.Counts.Activity != 6 {
		t.Errorf("alice's report: %+v", rep)
	}
	if len(rep.Running) != 1 || !strings.Contains(rep.Running[0].Row, "task 5") ||
		!strings.Contains(rep.Running[0].Action, "older than the cap") || !strings.Contains(rep.Running[0].Action, "2025-06-04 18:00") {
		t.Errorf("alice's running timer is not reported: %+v", rep.Running)
	}

	// The day view shows the old day: tasks, time, notes, activity.
	d := lt.day(t, u, "2025-06-02")
	report, prs := legacyTask(t, d, "Write quarterly report"), legacyTask(t, d, "Review pull requests")
	if report.Spent != 5_400_000*time.Millisecond || prs.Spent != 1_800_500*time.Millisecond ||
		report.Status != focusflow.StatusCompleted || report.StartTime != "09:00" || report.DurationMinutes != 90 ||
		report.Description != "Sections 1–3, then the charts." {
		t.Errorf("2025-06-02 tasks: %+v", d.Tasks)
	}
	if want := parisTime(t, "2025-06-02 10:45:00.000"); !report.CompletedAt.Equal(want) {
		t.Errorf("completed at %s, want %s (from the activity log)", report.CompletedAt, want)
	}
	if d.Stats.Focus != 7_200_500*time.Millisecond || d.Stats.Completed != 2 || d.Stats.Total != 2 {
		t.Errorf("2025-06-02 stats: %+v", d.Stats)
	}
	if d.Note.Text != "Good focus today." || len(d.Notes) != 1 || d.Notes[0].Type != "idea" ||
		d.Notes[0].Title != "Idea: automate report" {
		t.Errorf("2025-06-02 notes: %+v %+v", d.Note, d.Notes)
	}
	if len(d.Activity) != 4 || d.Activity[0].Kind != focusflow.ActTaskCompleted || d.Activity[0].TaskID != report.ID {
		t.Errorf("2025-06-02 activity: %+v", d.Activity)
	}
	// Each entry ends at the task's last sync, and the second one, which
	// would overlap the first, moved earlier.
	e1, _ := lt.db.Entries(lt.ctx, u.ID, report.ID)
	e2, _ := lt.db.Entries(lt.ctx, u.ID, prs.ID)
	if len(e1) != 1 || !e1[0].EndedAt.Equal(parisTime(t, "2025-06-02 10:45:00.000")) || e1[0].Source != focusflow.SourceImported {
		t.Errorf("report entries: %+v", e1)
	}
	if len(e2) != 1 || !e2[0].EndedAt.Equal(e1[0].StartedAt) || e2[0].EndedAt.Sub(e2[0].StartedAt) != 1_800_500*time.Millisecond {
		t.Errorf("review entries %+v, want ending at %s", e2, e1[0].StartedAt)
	}

	// The running timer became alice's session from its real start, capped
	// at 4 hours as any forgotten timer is; the time before it ends where
	// it began.
	d = lt.day(t, u, "2025-06-04")
	deep := legacyTask(t, d, "Deep work: parser")
	if deep.Status != focusflow.StatusPaused || deep.Spent != (3_600_000+aliceRunMS)*time.Millisecond {
		t.Errorf("running task: %+v, timer %+v", deep, d.Timer)
	}
	entries, _ := lt.db.Entries(lt.ctx, u.ID, deep.ID)
	if len(entries) != 2 || !entries[1].StartedAt.Equal(parisTime(t, "2025-06-04 14:00:00.000")) ||
		!entries[1].EndedAt.Equal(parisTime(t, "2025-06-04 18:00:00.000")) || entries[1].Source != focusflow.SourceCapped ||
		!entries[0].EndedAt.Equal(entries[1].StartedAt) {
		t.Errorf("running task entries: %+v", entries)
	}
	if d.Stats.Focus != deep.Spent {
		t.Errorf("2025-06-04 focus %s, want %s", d.Stats.Focus, deep.Spent)
	}
	// No last sync: the entry ends at the end of the task's day.
	d = lt.day(t, u, "2025-06-03")
	email := legacyTask(t, d, "Answer email")
	entries, _ = lt.db.Entries(lt.ctx, u.ID, email.ID)
	if len(entries) != 1 || !entries[0].EndedAt.Equal(localdate.DayEnd("2025-06-03", legacyParis(t))) {
		t.Errorf("answer email entries: %+v", entries)
	}
	if d.Note.Text != "Meetings all afternoon.\nTired." || len(d.Notes) != 1 || d.Notes[0].Title != "" ||
		d.Notes[0].Type != "reminder" {
		t.Errorf("2025-06-03 notes: %+v %+v", d.Note, d.Notes)
	}
	// Activity about a task the original deleted keeps no task id.
	var deleted *focusflow.ActivityRow
	for i := range d.Activity {
		if strings.HasPrefix(d.Activity[i].Message, "Deleted task") {
			deleted = &d.Activity[i]
		}
	}
	if deleted == nil || deleted.TaskID != 0 || deleted.Kind != focusflow.ActImported {
		t.Errorf("deleted-task activity: %+v", d.Activity)
	}
}

func checkLegacyBob(t *testing.T, lt *legacyTarget, rep *legacyimport.Report) {
	t.Helper()
	u, hash := lt.user(t, "Bob")
	h := auth.NewHasher(auth.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1, time.Second)
	if ok, _, err := h.Verify(lt.ctx, hash, "bob-old-pass-2"); !ok || err != nil {
		t.Errorf("Bob's scrypt hash does not verify: %v", err)
	}
	r := legacyUserReport(t, rep, 2)
	for _, want := range [][]string{
		{"task 11", "2025-06-10 holds 27h 00m 00s", "capped to 9h 00m 00s", "flagged"},
		{"task 11", `status "done"`, "read as completed"},
		{"task 12", "status \"blocked\"", "imported as pending"},
		{"task 12", "time_spent is negative (-120000 ms)", "not imported"},
		{"task 12", "title is 300 characters", "full title is kept in a note"},
		{"task 13", "duration_minutes \"-5\"", "left empty"},
		{"note 4", `note_type "todo"`, "imported as general"},
		{"note 5", "content is 20099 characters", "split into 2 notes"}, // its trailing space trimmed
	} {
		if !hasProblem(r, want...) {
			t.Errorf("Bob's report lacks %q: %+v", want, r.Problems)
		}
	}
	// 27 hours on one day: capped to exactly 24 and flagged on the day.
	d := lt.day(t, u, "2025-06-10")
	if d.Stats.Focus != 24*time.Hour || d.Stats.Total != 2 || d.Stats.Completed != 2 {
		t.Errorf("2025-06-10 stats: %+v", d.Stats)
	}
	migrate, outage := legacyTask(t, d, "Migrate database"), legacyTask(t, d, "Fix outage")
	if migrate.Spent != 15*time.Hour || outage.Spent != 9*time.Hour || outage.Status != focusflow.StatusCompleted {
		t.Errorf("capped tasks: %+v %+v", migrate, outage)
	}
	flagged := false
	for _, a := range d.Activity {
		flagged = flagged || a.Kind == focusflow.ActAnomaly && a.TaskID == outage.ID && strings.Contains(a.Message, "27h")
	}
	if !flagged {
		t.Errorf("the capped day is not flagged in its activity: %+v", d.Activity)
	}
	d = lt.day(t, u, "2025-06-11")
	var long focusflow.Task
	for _, task := range d.Tasks {
		if strings.HasPrefix(task.Title, "Refactor the billing module") {
			long = task
		}
	}
	if n := len([]rune(long.Title)); n > 255 || n < 250 || long.Status != focusflow.StatusPending || long.Spent != 0 {
		t.Errorf("long task: %q (%d) %+v", long.Title, len([]rune(long.Title)), long)
	}
	if tiny := legacyTask(t, d, "Tiny task"); tiny.DurationMinutes != 0 || tiny.StartTime != "10:15" || tiny.Spent != 90*time.Second {
		t.Errorf("tiny task: %+v", tiny)
	}
	var fullTitle, parts int
	for _, n := range d.Notes {
		if n.Title == "Full title of a task shortened on import" && len([]rune(n.Content)) == 300 {
			fullTitle++
		}
		if strings.HasPrefix(n.Title, "Incident log (") {
			parts++
			if len([]rune(n.Content)) > 20_000 {
				t.Errorf("note part of %d characters", len([]rune(n.Content)))
			}
		}
	}
	if fullTitle != 1 || parts != 2 {
		t.Errorf("2025-06-11 notes: full title %d, parts %d: %+v", fullTitle, parts, d.Notes)
	}
}

func checkLegacyOthers(t *testing.T, lt *legacyTarget, rep *legacyimport.Report) {
	t.Helper()
	// bob differs from Bob only by case: renamed, reported, signs in with
	// the new name or the email.
	little := legacyUserReport(t, rep, 3)
	if little.Username != "bob-3" || !hasProblem(little, `username "bob" differs only by case`, `imported as "bob-3"`) {
		t.Errorf("bob: %+v", little)
	}
	u, hash := lt.user(t, "little.bob@example.com")
	if u.Username != "bob-3" {
		t.Errorf("bob imported as %q", u.Username)
	}
	h := auth.NewHasher(auth.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1, time.Second)
	if ok, _, _ := h.Verify(lt.ctx, hash, "little-bob-pass-3"); !ok {
		t.Error("bob's hash does not verify")
	}
	// A username that breaks today's rule keeps working.
	carol := legacyUserReport(t, rep, 4)
	if !hasProblem(carol, `"carol smith" breaks today's rule`, "kept as is") {
		t.Errorf("carol: %+v", carol.Problems)
	}
	cu, hash := lt.user(t, "Carol Smith")
	if ok, _, _ := h.Verify(lt.ctx, hash, "carol-old-pass-4"); !ok || cu.Username != "carol smith" {
		t.Errorf("carol: %+v", cu)
	}
	// Her future task's time ends now, not in the future.
	d := lt.day(t, cu, "2025-07-10")
	plan := legacyTask(t, d, "Future plan")
	entries, _ := lt.db.Entries(lt.ctx, cu.ID, plan.ID)
	if len(entries) != 1 || !entries[0].EndedAt.Equal(legacyNow) || !hasProblem(carol, "task 21", "ends now") {
		t.Errorf("future task entries %+v, problems %+v", entries, carol.Problems)
	}
	// dave's email is alice's in capitals: a placeholder, reported.
	dave := legacyUserReport(t, rep, 5)
	if !hasProblem(dave, `email "ALICE@example.com"`, "user-5@legacy.invalid") {
		t.Errorf("dave: %+v", dave.Problems)
	}
	du, hash := lt.user(t, "dave")
	if du.Email != "user-5@legacy.invalid" {
		t.Errorf("dave's email %q", du.Email)
	}
	if ok, _, _ := h.Verify(lt.ctx, hash, "dave-old-pass-5"); !ok {
		t.Error("dave's scrypt hash does not verify")
	}
}

func checkLegacySQLiteOnly(t *testing.T, lt *legacyTarget, rep *legacyimport.Report) {
	t.Helper()
	if len(rep.Orphans) != 2 || !strings.Contains(rep.Orphans[0].Row, "user_tasks") || rep.Orphans[0].Action != "not imported" {
		t.Errorf("orphans: %+v", rep.Orphans)
	}
	frank := legacyUserReport(t, rep, 6)
	for _, want := range [][]string{
		{"task 30", `entry_date "2025-06-31" is not a date`, "dated 2025-06-20"},
		{"task 30", `start_time "25:00" is not a time of day`, "left empty"},
		{"task 31", `start_time "9:05" is not HH:MM`, "read as 09:05"},
	} {
		if !hasProblem(frank, want...) {
			t.Errorf("frank's report lacks %q: %+v", want, frank.Problems)
		}
	}
	u, _ := lt.user(t, "frank")
	d := lt.day(t, u, "2025-06-20")
	if len(d.Tasks) != 2 || d.Tasks[0].StartTime != "09:05" || d.Tasks[1].StartTime != "" || d.Note.Text != "Frank's day" ||
		d.Stats.Focus != frankValidMS*time.Millisecond {
		t.Errorf("frank's day: %+v %+v", d.Tasks, d.Stats)
	}
	if want := time.Date(2025, 5, 1, 6, 0, 0, 0, time.UTC); !u.CreatedAt.Equal(want) {
		t.Errorf("frank joined %s, want %s (an ISO T timestamp in Paris)", u.CreatedAt, want)
	}
}

// An interrupted run leaves whole users behind; the next run finishes and
// rows added to the original since are picked up.
func TestImportResumesAndPicksUpNewRows(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			src := legacyFixture(t, "sqlite")
			lt := newLegacyTarget(t, e)
			s, err := legacyimport.Open(lt.ctx, src)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			// Interrupt after two users: the context ends in the progress
			// callback, so the third user's transaction fails and rolls back.
			ctx, cancel := context.WithCancel(lt.ctx)
			_, err = legacyimport.Import(ctx, lt.db, s, legacyimport.Options{SourceLocation: legacyParis(t), DatabaseLocation: legacyParis(t),
				Progress: func(done, total int) {
					if done == 2 {
						cancel()
					}
				}})
			if err == nil {
				t.Fatal("the interrupted run did not fail")
			}
			if n := lt.count(t, "SELECT COUNT(*) FROM users"); n != 2 {
				t.Fatalf("%d users after the interruption, want 2", n)
			}
			// The original gets a new task and note for alice.
			w, err := sql.Open("sqlite", strings.TrimPrefix(src, "sqlite://"))
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if _, err := w.Exec(`INSERT INTO user_tasks (id, user_id, entry_date, title, status, time_spent, created_at)
				VALUES (50, 1, '2025-06-02', 'Late addition', 'completed', 600000, '2025-06-02 20:00:00')`); err != nil {
				t.Fatal(err)
			}
			rep := lt.run(t, src, false)
			alice := legacyUserReport(t, rep, 1)
			if alice.State != "updated" || alice.Counts.Tasks != 1 || alice.Counts.Kept == 0 || alice.Time.ImportedMS != legacyimport.MS(600_000) {
				t.Errorf("alice on the second run: %+v", alice)
			}
			if got := legacyUserReport(t, rep, 4); got.State != "new" {
				t.Errorf("carol on the second run: %+v", got)
			}
			u, _ := lt.user(t, "alice")
			d := lt.day(t, u, "2025-06-02")
			if len(d.Tasks) != 3 || d.Stats.Focus != (7_200_500+600_000)*time.Millisecond {
				t.Errorf("alice's 2025-06-02 after the second run: %+v %+v", d.Tasks, d.Stats)
			}
			if n := lt.count(t, `SELECT COUNT(*) FROM time_entries a JOIN time_entries b ON a.user_id = b.user_id
				AND a.id < b.id AND a.started_at < b.ended_at AND b.started_at < a.ended_at`); n != 0 {
				t.Errorf("%d pairs of entries overlap", n)
			}
		})
	}
}

func TestOpenRefusesWhatItCannotRead(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"mysql://x", "/tmp/x.db", "sqlite://", "sqlite://" + filepath.Join(t.TempDir(), "missing.db")} {
		if s, err := legacyimport.Open(ctx, u); err == nil {
			s.Close()
			t.Errorf("Open(%q) worked", u)
		}
	}
	// A SQLite file that is not the original's: a clear error, and the
	// file is not changed.
	path := filepath.Join(t.TempDir(), "other.db")
	db, _ := sql.Open("sqlite", path)
	db.Exec(`CREATE TABLE something (id INTEGER)`)
	db.Close()
	before, _ := os.ReadFile(path)
	s, err := legacyimport.Open(ctx, "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	target := storetest.Engines(t)[0].Open(t, nil)
	_, err = legacyimport.Import(ctx, target, s, legacyimport.Options{})
	if err == nil || !strings.Contains(err.Error(), "users table") {
		t.Errorf("import from a foreign database: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("reading the original changed its file")
	}
}

// Names and emails taken by accounts made in FocusFlow before the import
// are not taken over: the original's user is renamed, reported, and keeps
// their password; a deleted imported account is imported again.
func TestImportIntoUsedInstance(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			src := legacyFixture(t, "sqlite")
			lt := newLegacyTarget(t, e)
			mine := &focusflow.User{Username: "Alice", Email: "Alice@Example.com", Timezone: "UTC"}
			if err := lt.db.CreateUser(lt.ctx, mine, "$argon2id$mine"); err != nil {
				t.Fatal(err)
			}
			rep := lt.run(t, src, false)
			alice := legacyUserReport(t, rep, 1)
			if alice.Username != "alice-1" || !hasProblem(alice, `username "alice" differs only by case from "Alice" (an existing FocusFlow account)`) ||
				!hasProblem(alice, `email "alice@example.com" is also the email of an existing FocusFlow account`, "user-1@legacy.invalid") {
				t.Errorf("alice: %+v", alice)
			}
			// dave's email (ALICE@…) is alice's, which the existing account
			// holds: a placeholder too.
			if dave := legacyUserReport(t, rep, 5); !hasProblem(dave, "user-5@legacy.invalid") {
				t.Errorf("dave: %+v", dave.Problems)
			}
			u, hash := lt.user(t, "alice-1")
			if u.Email != "user-1@legacy.invalid" || hash == "$argon2id$mine" {
				t.Errorf("renamed alice: %+v", u)
			}
			if existing, hash := lt.user(t, "alice"); existing.ID != mine.ID || hash != "$argon2id$mine" {
				t.Error("the existing account changed")
			}

			// The imported account is deleted; the next run imports it anew,
			// day notes included.
			if err := lt.db.DeleteUser(lt.ctx, u.ID); err != nil {
				t.Fatal(err)
			}
			rep = lt.run(t, src, false)
			if again := legacyUserReport(t, rep, 1); again.State != "new" || again.Counts.DayNotes != 2 || again.Counts.Tasks != 6 {
				t.Errorf("alice after deletion: %+v", again)
			}
			for _, other := range rep.Users {
				if other.LegacyID != 1 && other.State != "unchanged" {
					t.Errorf("user %d: %s", other.LegacyID, other.State)
				}
			}
		})
	}
}

// The report never shows the original database's password.
func TestOpenHidesThePassword(t *testing.T) {
	base := storetest.CreateDatabase(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "s3cret-legacy-pw")
	s, err := legacyimport.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Kind() != "postgres" || strings.Contains(s.Name(), "s3cret") || !strings.Contains(s.Name(), "xxxxx") {
		t.Errorf("source name %q", s.Name())
	}
}
