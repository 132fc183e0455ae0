package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/fake"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
	"github.com/focusflow/focusflow/internal/userdata"
)

// txFixture is a user with two tasks, a manual entry and a note, and —
// when running — a timer on task A.
type txFixture struct {
	user              *focusflow.User
	a, b, entry, note int64
	version           int64
}

type txCase struct {
	name    string
	running bool
	op      func(ctx context.Context, db *sqlstore.DB, f *txFixture) error
}

func ptr[T any](v T) *T { return &v }

// txCases are the store's writes, each made in a transaction of its own.
var txCases = []txCase{
	{"create task", false, func(ctx context.Context, db *sqlstore.DB, f *txFixture) error {
		return db.CreateTask(ctx, f.user, &focusflow.Task{Date: "2025-07-05", Title: "new"})
	}},
	{"rename task", false, func(ctx context.Context, db *sqlstore.DB, f *txFixture) error {
		_, err := db.UpdateTask(ctx, f.user, f.a, focusflow.TaskPatch{Title: ptr("renamed")})
		return err
	}},
	{"complete the timer's task", true, func(ctx context.Context, db *sqlstore.DB, f *txFixture) error {
		_, err := db.UpdateTask(ctx, f.user, f.a, focusflow.TaskPatch{Status: ptr(focusflow.StatusCompleted)})
		return err
	}},
	{"delete the timer's task", true, func(ctx context.Context, db *sqlstore.DB, f *txFixture) error {
		return db.DeleteTask(ctx, f.user, f.a)
	}},
	{"timer start", false, timerOp(focusflow.ActionStart, false)},
	{"timer switch", true, func(ctx context.Context, db *sqlstore.DB, f *txFixture) error {
		_, err := db.TimerAction(ctx, f.user, focusflow.TimerCommand{Action: focusflow.ActionStart, TaskID: f.b})
		return err
	}},
	{"timer pause", true, timerOp(focusflow.ActionPause, true)},
	{"timer stop", true, timerOp(focusflow.ActionStop, true)},
	{"add entry", false, func(ctx context.Context, db *sqlstore.DB, f *txFixture) error {
		_, err := db.AddManualEntry(ctx, f.user, f.b, txEpoch.Add(-5*time.Hour), txEpoch.Add(-4*time.Hour))
		return err
	}},
	{"edit entry", false, func(ctx context.Context, db *sqlstore.DB, f *txFixture) error {
		_, err := db.UpdateEntry(ctx, f.user, f.entry, ptr(txEpoch.Add(-4*time.Hour)), nil)
		return err
	}},
	{"delete entry", false, func(ctx context.Context, db *sqlstore.DB, f *txFixture) error {
		return db.DeleteEntry(ctx, f.user, f.entry)
	}},
	{"create note", false, func(ctx context.Context, db *sqlstore.DB, f *txFixture) error {
		return db.CreateNote(ctx, f.user, &focusflow.Note{Date: "2025-07-05", Type: "idea", Content: "more"})
	}},
	{"edit note", false, func(ctx context.Context, db *sqlstore.DB, f *txFixture) error {
		_, err := db.UpdateNote(ctx, f.user.ID, f.note, focusflow.NotePatch{Content: ptr("changed")})
		return err
	}},
	{"settings", false, func(ctx context.Context, db *sqlstore.DB, f *txFixture) error {
		return db.UpdateSettings(ctx, f.user.ID, focusflow.UserSettings{Timezone: ptr("Europe/Paris"),
			DailyGoal: ptr(3 * time.Hour)})
	}},
}

// importCase imports the document of donor's account (a database/sql
// transaction of its own).
func importCase(t *testing.T, db *sqlstore.DB, donor *txFixture, now func() time.Time) txCase {
	t.Helper()
	ctx := context.Background()
	// Its manual entry moves out of the way of the importer's own.
	if _, err := db.UpdateEntry(ctx, donor.user, donor.entry, ptr(txEpoch.Add(-8*time.Hour)),
		ptr(txEpoch.Add(-7*time.Hour))); err != nil {
		t.Fatal(err)
	}
	svc := userdata.New(db, now)
	doc, err := svc.Export(ctx, donor.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return txCase{"import", false, func(ctx context.Context, db *sqlstore.DB, f *txFixture) error {
		_, err := svc.Import(ctx, f.user, bytes.NewReader(data))
		return err
	}}
}

func timerOp(action string, versioned bool) func(context.Context, *sqlstore.DB, *txFixture) error {
	return func(ctx context.Context, db *sqlstore.DB, f *txFixture) error {
		cmd := focusflow.TimerCommand{Action: action, Version: f.version, HasVersion: versioned}
		if action == focusflow.ActionStart {
			cmd.TaskID = f.a
		}
		_, err := db.TimerAction(ctx, f.user, cmd)
		return err
	}
}

var txEpoch = time.Date(2025, 7, 5, 9, 0, 0, 0, time.UTC)

// TestEveryTransactionEnds ends the caller's context at every step of every
// write — before it starts, before each round trip to the database
// (cancelled there, or while that round trip is under way) — and checks
// that no session of the database is left idle in a transaction, that the
// write was applied wholly or not at all, and that the user's next write
// goes through.
func TestEveryTransactionEnds(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			clock := fake.NewClock(txEpoch)
			opts := e.Options(t)
			opts.Now = clock.Now
			db := storetest.OpenAndMigrate(t, opts)
			watch := storetest.WatchTransactions(t, opts.URL)
			users := 0
			fixture := func(t *testing.T, running bool) *txFixture {
				t.Helper()
				users++
				return newTxFixture(t, db, users, running)
			}
			for _, c := range append(txCases, importCase(t, db, fixture(t, true), clock.Now)) {
				t.Run(c.name, func(t *testing.T) {
					ref := fixture(t, c.running)
					before := userPrint(t, db, ref)
					if err := c.op(context.Background(), db, ref); err != nil {
						t.Fatalf("uncancelled: %v", err)
					}
					after := userPrint(t, db, ref)
					if before == after {
						t.Fatal("the write changed nothing")
					}
					for _, during := range []bool{false, true} {
						for k := 0; ; k++ {
							f := fixture(t, c.running)
							if got := userPrint(t, db, f); got != before {
								t.Fatalf("fixtures differ:\n%s\n%s", got, before)
							}
							reached, err := cancelAtStep(db, k, during, func(ctx context.Context) error { return c.op(ctx, db, f) })
							where := fmt.Sprintf("cancelled at step %d (during=%v)", k, during)
							watch.AssertNoneOpen(t, where)
							switch got := userPrint(t, db, f); {
							case err == nil && got != after:
								t.Errorf("%s: succeeded but not applied:\n%s", where, got)
							case got != before && got != after:
								t.Errorf("%s: applied in part (err %v):\n%s\nbefore:\n%s\nafter:\n%s", where, err, got, before, after)
							}
							nextWriteSucceeds(t, db, f, where)
							if !reached {
								break
							}
						}
					}
				})
			}
		})
	}
}

// cancelAtStep runs op with a context that ends at its k-th step (0: as
// the write starts, then before each round trip): right there, or — when
// during — while that round trip is under way. It reports whether op
// reached step k.
func cancelAtStep(db *sqlstore.DB, k int, during bool, op func(context.Context) error) (bool, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	step := 0
	sqlstore.SetBeforeRoundTrip(db, func() {
		if step == k {
			if during {
				go func() {
					time.Sleep(time.Duration(k%3) * 100 * time.Microsecond)
					cancel()
				}()
			} else {
				cancel()
			}
		}
		step++
	})
	err := op(ctx)
	sqlstore.SetBeforeRoundTrip(db, nil)
	return step > k, err
}

func newTxFixture(t *testing.T, db *sqlstore.DB, n int, running bool) *txFixture {
	t.Helper()
	ctx := context.Background()
	u := &focusflow.User{Username: fmt.Sprint("user", n), Email: fmt.Sprintf("user%d@example.test", n)}
	if err := db.CreateUser(ctx, u, "hash"); err != nil {
		t.Fatal(err)
	}
	u, err := db.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := &txFixture{user: u}
	for _, id := range []*int64{&f.a, &f.b} {
		task := &focusflow.Task{Date: "2025-07-05", Title: fmt.Sprint("task ", id == &f.b)}
		if err := db.CreateTask(ctx, u, task); err != nil {
			t.Fatal(err)
		}
		*id = task.ID
	}
	e, err := db.AddManualEntry(ctx, u, f.a, txEpoch.Add(-3*time.Hour), txEpoch.Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	f.entry = e.ID
	n1 := &focusflow.Note{Date: "2025-07-05", Type: "idea", Content: "first"}
	if err := db.CreateNote(ctx, u, n1); err != nil {
		t.Fatal(err)
	}
	f.note = n1.ID
	if running {
		res, err := db.TimerAction(ctx, u, focusflow.TimerCommand{Action: focusflow.ActionStart, TaskID: f.a})
		if err != nil {
			t.Fatal(err)
		}
		f.version = res.Timer.Version
	}
	return f
}

// nextWriteSucceeds checks that the user can write again at once: a new
// task and its deletion, which takes the locks of the user's timer and
// tasks and the day's figures.
func nextWriteSucceeds(t *testing.T, db *sqlstore.DB, f *txFixture, where string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	task := &focusflow.Task{Date: "2025-07-05", Title: "next"}
	err := db.CreateTask(ctx, f.user, task)
	if err == nil {
		err = db.DeleteTask(ctx, f.user, task.ID)
	}
	if err != nil {
		t.Errorf("%s: the next write failed: %v", where, err)
	}
}

// userPrint describes what the user has, without ids (which differ
// between users), one line per row, sorted.
func userPrint(t *testing.T, db *sqlstore.DB, f *txFixture) string {
	t.Helper()
	read, _ := db.Pools()
	var lines []string
	for _, table := range []string{"tasks", "time_entries", "timers", "day_notes", "notes", "activity", "daily_stats",
		"hourly_focus", "achievements", "timer_phases"} {
		lines = append(lines, rowLines(t, read, table, `SELECT * FROM `+table+` WHERE user_id = $1`, f.user.ID)...)
	}
	// Whether achievements are due for a check, not how many changes
	// asked for it: undoing an interrupted import asks once more.
	lines = append(lines, rowLines(t, read, "achievement_checks", `SELECT due_at FROM achievement_checks
		WHERE user_id = $1`, f.user.ID)...)
	lines = append(lines, rowLines(t, read, "users", `SELECT timezone, theme, daily_goal_ms, timer_cap_ms
		FROM users WHERE id = $1`, f.user.ID)...)
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func rowLines(t *testing.T, db *sql.DB, table, query string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		b.WriteString(table)
		for i, c := range cols {
			// Ids differ between the fixtures; so does PostgreSQL's search
			// vector, whose words carry their owner's id.
			if c == "id" || strings.HasSuffix(c, "_id") || c == "search_vector" {
				continue
			}
			if v, ok := vals[i].([]byte); ok {
				vals[i] = string(v)
			}
			fmt.Fprintf(&b, " %s=%v", c, vals[i])
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
