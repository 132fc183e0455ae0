package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/fake"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
	"github.com/focusflow/focusflow/internal/userdata"
)

// The store's side of the user's export document: ExportRows and
// ImportRows, driven through userdata as the web layer and the CLI do.

// exportAccount creates an account like a signup would.
func exportAccount(t *testing.T, db *sqlstore.DB, name string) *focusflow.User {
	t.Helper()
	ctx := context.Background()
	u := &focusflow.User{Username: name, Email: name + "@example.com", Timezone: "UTC"}
	if err := db.CreateUser(ctx, u, "hash"); err != nil {
		t.Fatal(err)
	}
	u, err := db.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func exportReload(t *testing.T, db *sqlstore.DB, u *focusflow.User) *focusflow.User {
	t.Helper()
	u, err := db.User(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// exportSeed gives the account a bit of everything: settings, tasks with
// timer, manual and capped time, a pomodoro with a break, day notes, typed
// notes and activity.
func exportSeed(t *testing.T, db *sqlstore.DB, c *clock, u *focusflow.User) *focusflow.User {
	t.Helper()
	ctx := context.Background()
	tz, theme, focus := "Europe/Paris", "dark", true
	goal, limit := 90*time.Minute, 1*time.Hour
	if err := db.UpdateSettings(ctx, u.ID, focusflow.UserSettings{Timezone: &tz, Theme: &theme, FocusMode: &focus,
		DailyGoal: &goal, TimerCap: &limit}); err != nil {
		t.Fatal(err)
	}
	u = exportReload(t, db, u)
	task := func(date, title, desc, start string, dur int) *focusflow.Task {
		tk := &focusflow.Task{Date: date, Title: title, Description: desc, StartTime: start, DurationMinutes: dur}
		if err := db.CreateTask(ctx, u, tk); err != nil {
			t.Fatal(err)
		}
		return tk
	}
	act := func(action string, taskID, version int64) int64 {
		res, err := db.TimerAction(ctx, u, focusflow.TimerCommand{Action: action, TaskID: taskID, Version: version})
		if err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		if res.Timer == nil {
			return 0
		}
		return res.Timer.Version
	}
	report := task("2026-03-02", "Write report", "Line 1\nLine 2", "09:00", 60)
	formula := task("2026-03-02", "=SUM(A1:A9)", "", "", 0)
	// Tags: one on two tasks, one (accented) on one.
	var tagIDs []int64
	for _, g := range []focusflow.Tag{{Name: "Écrire", Color: "teal"}, {Name: "admin", Color: "slate"}} {
		if err := db.CreateTag(ctx, u, &g); err != nil {
			t.Fatal(err)
		}
		tagIDs = append(tagIDs, g.ID)
	}
	for _, l := range []struct{ task, tag int64 }{{report.ID, tagIDs[0]}, {report.ID, tagIDs[1]}, {formula.ID, tagIDs[1]}} {
		if _, err := db.AddTaskTag(ctx, u, l.task, l.tag); err != nil {
			t.Fatal(err)
		}
	}
	week := task("2026-03-03", "Plan the week", "", "", 30)
	forgotten := task("2026-03-01", "+forgotten timer", "", "", 0)

	// A forgotten timer, capped at the hour (source capped).
	v := act(focusflow.ActionStart, forgotten.ID, 0)
	c.Advance(3 * time.Hour)
	if _, err := db.CapExpiredTimers(ctx); err != nil {
		t.Fatal(err)
	}
	// Timer work with a pause, then stop (completes the task).
	v = act(focusflow.ActionStart, report.ID, v+1)
	c.Advance(25*time.Minute + 333*time.Millisecond)
	v = act(focusflow.ActionPause, 0, v)
	c.Advance(5 * time.Minute)
	v = act(focusflow.ActionResume, 0, v)
	c.Advance(10 * time.Minute)
	act(focusflow.ActionComplete, 0, v)
	u = exportPomodoro(t, db, c, u, week.ID)
	// Manual time the evening before.
	if _, err := db.AddManualEntry(ctx, u, formula.ID, time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 1, 21, 30, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutDayNote(ctx, u.ID, "2026-03-02", "A good day.\nTwo lines."); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*focusflow.Note{
		{Date: "2026-03-02", Type: "idea", Title: "Automate", Content: "Charts from a template"},
		{Date: "2026-03-03", Type: "reminder", Content: "Call Sam"},
	} {
		if err := db.CreateNote(ctx, u, n); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Minute)
	}
	return u
}

// exportPomodoro sets the account's session settings and signals and runs
// a pomodoro on a task: a focus phase and a break run to their ends, then a
// stop during the next focus. It returns the account as it is afterwards.
func exportPomodoro(t *testing.T, db *sqlstore.DB, c *clock, u *focusflow.User, taskID int64) *focusflow.User {
	t.Helper()
	ctx := context.Background()
	plan := focusflow.SessionPlan{Mode: focusflow.ModePomodoro, Focus: 25 * time.Minute, ShortBreak: 5 * time.Minute,
		LongBreak: 20 * time.Minute, LongBreakEvery: 3, FlowRatio: 4, AutoBreaks: true, AutoFocus: true}
	signals := focusflow.Signals{Volume: 35, Muted: true, Notify: true}
	if err := db.UpdateSettings(ctx, u.ID, focusflow.UserSettings{Session: &plan, Signals: &signals}); err != nil {
		t.Fatal(err)
	}
	u = exportReload(t, db, u)
	if _, err := db.TimerAction(ctx, u, focusflow.TimerCommand{Action: focusflow.ActionStart, TaskID: taskID}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Duration{25 * time.Minute, 5 * time.Minute} {
		c.Advance(d)
		if _, err := db.CapExpiredTimers(ctx); err != nil { // records the phase's end on time
			t.Fatal(err)
		}
	}
	c.Advance(10 * time.Minute)
	tm, err := db.Timer(ctx, u)
	if err != nil || tm == nil || tm.Phase != focusflow.PhaseFocus {
		t.Fatalf("after the break: %+v, %v", tm, err)
	}
	if _, err := db.TimerAction(ctx, u, focusflow.TimerCommand{Action: focusflow.ActionStop, Version: tm.Version}); err != nil {
		t.Fatal(err)
	}
	return u
}

// normalizeExport replaces what differs between instances — refs (ids),
// the account reference and the export time — by stable names in order
// of appearance.
func normalizeExport(t *testing.T, doc *focusflow.ExportDoc) string {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var d focusflow.ExportDoc
	json.Unmarshal(b, &d)
	names := map[string]string{}
	name := func(r string) string {
		if n, ok := names[r]; ok {
			return n
		}
		names[r] = fmt.Sprintf("%c#%d", r[0], len(names))
		return names[r]
	}
	d.ExportedAt, d.Account = "EXPORTED_AT", "ACCOUNT"
	for i := range d.Tasks {
		d.Tasks[i].Ref = name(d.Tasks[i].Ref)
	}
	for i := range d.Entries {
		d.Entries[i].Ref, d.Entries[i].TaskRef = name(d.Entries[i].Ref), name(d.Entries[i].TaskRef)
	}
	for i := range d.Notes {
		d.Notes[i].Ref = name(d.Notes[i].Ref)
	}
	optional := func(r *string) *string {
		if r == nil {
			return nil
		}
		n := name(*r)
		return &n
	}
	for i := range d.Activity {
		d.Activity[i].Ref, d.Activity[i].TaskRef = name(d.Activity[i].Ref), optional(d.Activity[i].TaskRef)
	}
	for i := range d.Phases {
		d.Phases[i].Ref, d.Phases[i].TaskRef = name(d.Phases[i].Ref), optional(d.Phases[i].TaskRef)
	}
	for i := range d.Tags {
		d.Tags[i].Ref = name(d.Tags[i].Ref)
	}
	for i := range d.TaskTags {
		d.TaskTags[i].TaskRef, d.TaskTags[i].TagRef = name(d.TaskTags[i].TaskRef), name(d.TaskTags[i].TagRef)
	}
	for i := range d.Series {
		d.Series[i].Ref = name(d.Series[i].Ref)
		for j, r := range d.Series[i].TagRefs {
			d.Series[i].TagRefs[j] = name(r)
		}
	}
	for i := range d.Occurrences {
		d.Occurrences[i].TaskRef, d.Occurrences[i].SeriesRef = name(d.Occurrences[i].TaskRef), optional(d.Occurrences[i].SeriesRef)
	}
	out, _ := json.MarshalIndent(d, "", " ")
	return string(out)
}

// exportDoc exports u's document and returns it with its JSON, as a file
// would carry it.
func exportDoc(t *testing.T, db *sqlstore.DB, now func() time.Time, u *focusflow.User) (*focusflow.ExportDoc, []byte) {
	t.Helper()
	doc, err := userdata.New(db, now).Export(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, raw
}

// importDoc loads a document into u's account.
func importDoc(db *sqlstore.DB, now func() time.Time, u *focusflow.User, raw []byte) (*focusflow.ImportSummary, error) {
	return userdata.New(db, now).Import(context.Background(), u, bytes.NewReader(raw))
}

func TestExportImportRoundTrip(t *testing.T) {
	engines := storetest.Engines(t)
	for _, pair := range enginePairs(engines) {
		t.Run(pair[0].Name+"→"+pair[1].Name, func(t *testing.T) {
			ctx := context.Background()
			c := fake.NewClock(time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC))
			src := pair[0].Open(t, c.Now)
			dst := pair[1].Open(t, c.Now)
			// The same person's account on the other instance, made at the
			// same moment so that only ids tell them apart.
			alice := exportAccount(t, src, "alice")
			there := exportAccount(t, dst, "alice")
			alice = exportSeed(t, src, c, alice)
			c.Advance(time.Hour)

			doc, raw := exportDoc(t, src, c.Now, alice)
			if doc.Format != "focusflow-export" || doc.Version != 4 || len(doc.Tasks) != 4 || len(doc.Entries) != 6 ||
				len(doc.DayNotes) != 1 || len(doc.Notes) != 2 || len(doc.Activity) == 0 || len(doc.Phases) != 5 ||
				len(doc.Tags) != 2 || len(doc.TaskTags) != 3 {
				t.Fatalf("export: %+v", doc)
			}
			sources := map[string]int{}
			for _, en := range doc.Entries {
				sources[en.Source]++
			}
			if sources["timer"] != 4 || sources["manual"] != 1 || sources["capped"] != 1 {
				t.Errorf("entry sources %v", sources)
			}
			var phases []string
			for _, p := range doc.Phases {
				phases = append(phases, fmt.Sprintf("%s %s %d", p.Kind, p.Outcome, p.PlannedMS/60000))
			}
			if want := []string{"focus capped 0", "focus stopped 0", "focus completed 25", "short_break completed 5",
				"focus stopped 25"}; !reflect.DeepEqual(phases, want) {
				t.Errorf("phases %q, want %q", phases, want)
			}
			sum, err := importDoc(dst, c.Now, there, raw)
			if err != nil {
				t.Fatal(err)
			}
			want := focusflow.ImportCounts{Tasks: 4, TimeEntries: 6, DayNotes: 1, Notes: 2, Activity: len(doc.Activity), Phases: 5,
				Tags: 2}
			if sum.SameAccount || !sum.SettingsApplied || sum.Created != want || sum.Skipped != (focusflow.ImportCounts{}) {
				t.Errorf("import summary %+v", sum)
			}
			// Another account's session settings and signals are taken too.
			if u := exportReload(t, dst, there); u.Session != alice.Session || u.Signals != alice.Signals ||
				u.Session.Mode != focusflow.ModePomodoro {
				t.Errorf("settings: %+v %+v, want %+v %+v", u.Session, u.Signals, alice.Session, alice.Signals)
			}
			again, _ := exportDoc(t, dst, c.Now, there)
			if a, b := normalizeExport(t, doc), normalizeExport(t, again); a != b {
				t.Errorf("the round trip changed the document:\n--- exported\n%s\n--- imported and exported again\n%s", a, b)
			}
			// The per-day figures agree too.
			s1, _ := src.DayStats(ctx, alice.ID, "2026-01-01", "2026-12-31")
			s2, _ := dst.DayStats(ctx, there.ID, "2026-01-01", "2026-12-31")
			if !reflect.DeepEqual(s1, s2) {
				t.Errorf("day stats differ:\n %+v\n %+v", s1, s2)
			}

			// Importing the same document again creates nothing — into the
			// other account and into the account it came from.
			before := normalizeExport(t, again)
			sum, err = importDoc(dst, c.Now, exportReload(t, dst, there), raw)
			if err != nil || sum.Created != (focusflow.ImportCounts{}) || sum.Skipped != want {
				t.Errorf("second import elsewhere: %+v, %v", sum, err)
			}
			if after, _ := exportDoc(t, dst, c.Now, there); normalizeExport(t, after) != before {
				t.Error("the second import changed the account")
			}
			sum, err = importDoc(src, c.Now, alice, raw)
			if err != nil || !sum.SameAccount || sum.SettingsApplied || sum.Created != (focusflow.ImportCounts{}) || sum.Skipped != want {
				t.Errorf("import into the same account: %+v, %v", sum, err)
			}
		})
	}
}

// enginePairs are the ways a document can travel between engines: every
// engine to itself, and SQLite to and from each other engine.
func enginePairs(engines []storetest.Engine) [][2]storetest.Engine {
	var out [][2]storetest.Engine
	for _, e := range engines {
		out = append(out, [2]storetest.Engine{e, e})
		if e.Name != engines[0].Name {
			out = append(out, [2]storetest.Engine{engines[0], e}, [2]storetest.Engine{e, engines[0]})
		}
	}
	return out
}

// A deleted task comes back when its account imports an older export.
func TestImportRestoresDeletedRows(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		u := exportAccount(t, db, "carol")
		tk := &focusflow.Task{Date: "2025-01-02", Title: "Keep me"}
		if err := db.CreateTask(ctx, u, tk); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddManualEntry(ctx, u, tk.ID, time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC),
			time.Date(2025, 1, 2, 10, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		_, raw := exportDoc(t, db, nil, u)
		if err := db.DeleteTask(ctx, u, tk.ID); err != nil {
			t.Fatal(err)
		}
		sum, err := importDoc(db, nil, u, raw)
		if err != nil {
			t.Fatal(err)
		}
		// Its lines (added, time added) are still there: kept, not doubled.
		if !sum.SameAccount || sum.Created.Tasks != 1 || sum.Created.TimeEntries != 1 || sum.Skipped.Activity != 2 {
			t.Errorf("summary %+v", sum)
		}
		d, err := db.Day(ctx, u, "2025-01-02", focusflow.Recheck{})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Tasks) != 1 || d.Tasks[0].Spent != time.Hour || d.Stats.Focus != time.Hour || d.Stats.Total != 1 {
			t.Errorf("day after restore: %+v %+v", d.Tasks, d.Stats)
		}
	})
}

// An entry that overlaps one the account has is a conflict, and nothing
// of the document is written, though its tasks come first.
func TestImportRefusesOverlapsWithTheAccount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		from, into := exportAccount(t, db, "gina"), exportAccount(t, db, "hugo")
		for _, a := range []struct {
			u          *focusflow.User
			start, end time.Time
		}{
			{from, time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)},
			{into, time.Date(2025, 5, 1, 9, 50, 0, 0, time.UTC), time.Date(2025, 5, 1, 10, 30, 0, 0, time.UTC)},
		} {
			tk := &focusflow.Task{Date: "2025-05-01", Title: "Work of " + a.u.Username}
			if err := db.CreateTask(ctx, a.u, tk); err != nil {
				t.Fatal(err)
			}
			if _, err := db.AddManualEntry(ctx, a.u, tk.ID, a.start, a.end); err != nil {
				t.Fatal(err)
			}
		}
		before, _ := exportDoc(t, db, nil, into)
		_, raw := exportDoc(t, db, nil, from)
		_, err := importDoc(db, nil, into, raw)
		if focusflow.ErrorCode(err) != focusflow.ECONFLICT || focusflow.ErrorField(err) != "time_entries[0].started_at" ||
			!strings.Contains(focusflow.ErrorMessage(err), "overlaps a time entry the account already has") {
			t.Errorf("overlap with the account's entry: %v", err)
		}
		after, _ := exportDoc(t, db, nil, into)
		if normalizeExport(t, after) != normalizeExport(t, before) || !reflect.DeepEqual(after.Profile, before.Profile) {
			t.Errorf("the conflicting import wrote: %+v", after)
		}
	})
}

// Another account's note for a day the account wrote about too is kept
// below the account's own, once; a merge past the limit writes nothing.
func TestImportMergesDayNotes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		from, into := exportAccount(t, db, "ines"), exportAccount(t, db, "jack")
		if _, err := db.PutDayNote(ctx, from.ID, "2025-05-01", "From the file."); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutDayNote(ctx, into.ID, "2025-05-01", "Mine."); err != nil {
			t.Fatal(err)
		}
		_, raw := exportDoc(t, db, nil, from)
		for range 2 {
			if _, err := importDoc(db, nil, into, raw); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := exportDoc(t, db, nil, into); len(got.DayNotes) != 1 || got.DayNotes[0].Text != "Mine.\n\nFrom the file." {
			t.Errorf("merged notes: %+v", got.DayNotes)
		}

		long := strings.Repeat("x", focusflow.MaxDayNote-3)
		if _, err := db.PutDayNote(ctx, from.ID, "2025-05-02", long); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutDayNote(ctx, into.ID, "2025-05-02", "Mine."); err != nil {
			t.Fatal(err)
		}
		before, _ := exportDoc(t, db, nil, into)
		_, raw = exportDoc(t, db, nil, from)
		_, err := importDoc(db, nil, into, raw)
		if focusflow.ErrorCode(err) != focusflow.EINVALID || focusflow.ErrorField(err) != "day_notes[1].text" {
			t.Errorf("a merge past the limit: %v", err)
		}
		if after, _ := exportDoc(t, db, nil, into); normalizeExport(t, after) != normalizeExport(t, before) {
			t.Error("the failed merge wrote")
		}
	})
}

// A running timer's task arrives paused, and its open entry stays behind.
func TestImportPausesRunningTasks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		u := exportAccount(t, db, "erin")
		tk := &focusflow.Task{Date: "2025-01-02", Title: "Running"}
		if err := db.CreateTask(ctx, u, tk); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TimerAction(ctx, u, focusflow.TimerCommand{Action: focusflow.ActionStart, TaskID: tk.ID, Version: 0}); err != nil {
			t.Fatal(err)
		}
		doc, raw := exportDoc(t, db, nil, u)
		if len(doc.Entries) != 0 || doc.Tasks[0].Status != focusflow.StatusInProgress {
			t.Fatalf("export of a running timer: %+v %+v", doc.Tasks, doc.Entries)
		}
		other := exportAccount(t, db, "frida")
		if _, err := importDoc(db, nil, other, raw); err != nil {
			t.Fatal(err)
		}
		if got, _ := exportDoc(t, db, nil, other); got.Tasks[0].Status != focusflow.StatusPaused {
			t.Errorf("imported status %q", got.Tasks[0].Status)
		}
	})
}
