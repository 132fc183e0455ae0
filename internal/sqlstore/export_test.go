package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// exportClock is a settable clock shared by the stores of a test.
type exportClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *exportClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *exportClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

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
// timer, manual and capped time, day notes, typed notes and activity.
func exportSeed(t *testing.T, db *sqlstore.DB, c *exportClock, u *focusflow.User) *focusflow.User {
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
	task("2026-03-03", "Plan the week", "", "", 30)
	forgotten := task("2026-03-01", "+forgotten timer", "", "", 0)

	// A forgotten timer, capped at the hour (source capped).
	v := act(focusflow.ActionStart, forgotten.ID, 0)
	c.Add(3 * time.Hour)
	if _, err := db.CapExpiredTimers(ctx); err != nil {
		t.Fatal(err)
	}
	// Timer work with a pause, then stop (completes the task).
	v = act(focusflow.ActionStart, report.ID, v+1)
	c.Add(25*time.Minute + 333*time.Millisecond)
	v = act(focusflow.ActionPause, 0, v)
	c.Add(5 * time.Minute)
	v = act(focusflow.ActionResume, 0, v)
	c.Add(10 * time.Minute)
	act(focusflow.ActionStop, 0, v)
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
		c.Add(time.Minute)
	}
	return u
}

// normalizeExport replaces what differs between instances — refs (ids),
// the account reference and the export time — by stable names in order
// of appearance.
func normalizeExport(t *testing.T, doc *sqlstore.ExportDoc) string {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var d sqlstore.ExportDoc
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
	for i := range d.Activity {
		d.Activity[i].Ref = name(d.Activity[i].Ref)
		if r := d.Activity[i].TaskRef; r != nil {
			n := name(*r)
			d.Activity[i].TaskRef = &n
		}
	}
	out, _ := json.MarshalIndent(d, "", " ")
	return string(out)
}

func TestExportImportRoundTrip(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run("sqlite→"+e.Name, func(t *testing.T) {
			ctx := context.Background()
			c := &exportClock{now: time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)}
			src := storetest.Engines(t)[0].Open(t, c.Now)
			dst := e.Open(t, c.Now)
			// The same person's account on the other instance, made at the
			// same moment so that only ids tell them apart.
			alice := exportAccount(t, src, "alice")
			there := exportAccount(t, dst, "alice")
			alice = exportSeed(t, src, c, alice)
			c.Add(time.Hour)

			doc, err := src.Export(ctx, alice.ID)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Format != "focusflow-export" || doc.Version != 1 || len(doc.Tasks) != 4 || len(doc.Entries) != 4 ||
				len(doc.DayNotes) != 1 || len(doc.Notes) != 2 || len(doc.Activity) == 0 {
				t.Fatalf("export: %+v", doc)
			}
			sources := map[string]int{}
			for _, en := range doc.Entries {
				sources[en.Source]++
			}
			if sources["timer"] != 2 || sources["manual"] != 1 || sources["capped"] != 1 {
				t.Errorf("entry sources %v", sources)
			}
			// Through JSON, as a file would carry it.
			raw, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := sqlstore.ParseExport(raw)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := dst.ImportDoc(ctx, there, parsed)
			if err != nil {
				t.Fatal(err)
			}
			want := sqlstore.ImportCounts{Tasks: 4, TimeEntries: 4, DayNotes: 1, Notes: 2, Activity: len(doc.Activity)}
			if sum.SameAccount || !sum.SettingsApplied || sum.Created != want || sum.Skipped != (sqlstore.ImportCounts{}) {
				t.Errorf("import summary %+v", sum)
			}
			again, err := dst.Export(ctx, there.ID)
			if err != nil {
				t.Fatal(err)
			}
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
			sum, err = dst.ImportDoc(ctx, exportReload(t, dst, there), parsed)
			if err != nil || sum.Created != (sqlstore.ImportCounts{}) || sum.Skipped != want {
				t.Errorf("second import elsewhere: %+v, %v", sum, err)
			}
			if after, _ := dst.Export(ctx, there.ID); normalizeExport(t, after) != before {
				t.Error("the second import changed the account")
			}
			sum, err = src.ImportDoc(ctx, alice, parsed)
			if err != nil || !sum.SameAccount || sum.SettingsApplied || sum.Created != (sqlstore.ImportCounts{}) || sum.Skipped != want {
				t.Errorf("import into the same account: %+v, %v", sum, err)
			}
		})
	}
}

// A deleted task comes back when its account imports an older export.
func TestImportDocRestoresDeletedRows(t *testing.T) {
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
		doc, err := db.Export(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteTask(ctx, u, tk.ID); err != nil {
			t.Fatal(err)
		}
		sum, err := db.ImportDoc(ctx, u, doc)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Created.Tasks != 1 || sum.Created.TimeEntries != 1 || sum.Skipped.Activity != 1 {
			t.Errorf("summary %+v", sum)
		}
		d, err := db.Day(ctx, u, "2025-01-02", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Tasks) != 1 || d.Tasks[0].Spent != time.Hour || d.Stats.Focus != time.Hour || d.Stats.Total != 1 {
			t.Errorf("day after restore: %+v %+v", d.Tasks, d.Stats)
		}
	})
}

// exportValidDoc is a small valid document for the validation cases.
func exportValidDoc() map[string]any {
	return map[string]any{
		"format": "focusflow-export", "version": 1, "exported_at": "2025-06-01T10:00:00.000Z", "account": "acct-0123",
		"profile": map[string]any{"username": "x", "email": "x@example.com", "created_at": "2025-01-01T00:00:00.000Z",
			"timezone": "UTC", "theme": "auto", "daily_goal_ms": 7200000, "timer_cap_ms": 14400000, "focus_mode": false},
		"tasks": []any{
			map[string]any{"ref": "t1", "date": "2025-05-01", "title": "One", "description": "", "start_time": nil,
				"duration_minutes": nil, "status": "completed", "position": 1, "spent_ms": 3600000,
				"completed_at": "2025-05-01T10:00:00.000Z", "created_at": "2025-05-01T08:00:00.000Z"},
			map[string]any{"ref": "t2", "date": "2025-05-02", "title": "Two", "description": "", "start_time": "09:30",
				"duration_minutes": 30, "status": "pending", "position": 1, "spent_ms": 0, "completed_at": nil,
				"created_at": "2025-05-02T08:00:00.000Z"},
		},
		"time_entries": []any{
			map[string]any{"ref": "e1", "task_ref": "t1", "started_at": "2025-05-01T09:00:00.000Z",
				"ended_at": "2025-05-01T10:00:00.000Z", "duration_ms": 3600000, "source": "timer"},
		},
		"day_notes": []any{map[string]any{"date": "2025-05-01", "text": "hello", "updated_at": "2025-05-01T20:00:00.000Z"}},
		"notes": []any{map[string]any{"ref": "n1", "date": "2025-05-01", "type": "idea", "title": "", "content": "c",
			"created_at": "2025-05-01T12:00:00.000Z", "updated_at": "2025-05-01T12:00:00.000Z"}},
		"activity": []any{map[string]any{"ref": "a1", "date": "2025-05-01", "at": "2025-05-01T10:00:00.000Z",
			"kind": "task_completed", "message": "Completed task: One", "task_ref": "t1"}},
	}
}

func exportSet(doc map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	var cur any = doc
	for i, p := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if v == "DELETE" {
					delete(c, p)
				} else {
					c[p] = v
				}
				return
			}
			cur = c[p]
		case []any:
			var n int
			fmt.Sscan(p, &n)
			if last {
				c[n] = v
				return
			}
			cur = c[n]
		}
	}
}

func TestImportDocRejectsBadDocuments(t *testing.T) {
	long := func(n int) string { return strings.Repeat("é", n) }
	cases := []struct {
		path  string
		value any
		field string
		text  string
	}{
		{"format", "something-else", "format", "not a FocusFlow export"},
		{"version", 2, "version", "Version 2"},
		{"version", "1", "version", "wrong type"},
		{"tasks.0.title", long(256), "tasks[0].title", "too long (256 characters; at most 255)"},
		{"tasks.0.title", "  ", "tasks[0].title", "required"},
		{"tasks.1.title", "a\nb", "tasks[1].title", "control characters"},
		{"tasks.0.description", long(10_001), "tasks[0].description", "at most 10000"},
		{"tasks.1.date", "2025-02-30", "tasks[1].date", "not a valid date"},
		{"tasks.1.start_time", "9:30", "tasks[1].start_time", "HH:MM"},
		{"tasks.1.duration_minutes", 0, "tasks[1].duration_minutes", "between 1 and 1440"},
		{"tasks.1.status", "done", "tasks[1].status", "pending, in-progress"},
		{"tasks.1.position", "first", "tasks[1].position", "wrong type (expected a whole number)"},
		{"tasks.1.colour", "red", "tasks[1].colour", "Unknown field"},
		{"tasks.1.ref", "t1", "tasks[1].ref", "appears twice"},
		{"tasks.0.spent_ms", 5, "tasks[0].spent_ms", "add up to 3600000"},
		{"tasks.1.created_at", "yesterday", "tasks[1].created_at", "RFC 3339"},
		{"tasks.1.created_at", "DELETE", "tasks[1].created_at", "required"},
		{"time_entries.0.ended_at", "2025-05-01T08:00:00.000Z", "time_entries[0].ended_at", "ends before it starts"},
		{"time_entries.0.ended_at", "2099-05-01T08:00:00.000Z", "time_entries[0].ended_at", "future"},
		{"time_entries.0.task_ref", "t9", "time_entries[0].task_ref", "names no task"},
		{"time_entries.0.source", "forged", "time_entries[0].source", "timer, manual"},
		{"time_entries.0.duration_ms", 1, "time_entries[0].duration_ms", "lasts 3600000 ms"},
		{"day_notes.0.text", long(20_001), "day_notes[0].text", "at most 20000"},
		{"notes.0.content", long(20_001), "notes[0].content", "at most 20000"},
		{"notes.0.content", "", "notes[0].content", "required"},
		{"notes.0.type", "todo", "notes[0].type", "general, reflection"},
		{"activity.0.task_ref", "t7", "activity[0].task_ref", "names no task"},
		{"activity.0.kind", "Drop Table", "activity[0].kind", "lower-case"},
		{"profile.timezone", "Mars/Olympus", "profile.timezone", "time zone"},
		{"profile.theme", "neon", "profile.theme", "auto, light or dark"},
		{"profile.timer_cap_ms", 60000, "profile.timer_cap_ms", "between 1 and 12 hours"},
		{"tasks", "DELETE", "tasks", "required"},
	}
	storetest.Run(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		u := exportAccount(t, db, "dora")
		empty, _ := db.Export(ctx, u.ID)
		for _, tc := range cases {
			doc := exportValidDoc()
			exportSet(doc, tc.path, tc.value)
			raw, _ := json.Marshal(doc)
			d, err := sqlstore.ParseExport(raw)
			if err == nil {
				_, err = db.ImportDoc(ctx, u, d)
			}
			var fe *focusflow.Error
			if err == nil || !errors.As(err, &fe) || fe.Code != focusflow.EINVALID || fe.Field != tc.field || !strings.Contains(fe.Message, tc.text) {
				t.Errorf("%s = %.40v: got %v (field %q), want field %q mentioning %q", tc.path, tc.value, err, focusflow.ErrorField(err), tc.field, tc.text)
			}
		}
		// Nothing of any failed import was written.
		after, _ := db.Export(ctx, u.ID)
		if len(after.Tasks)+len(after.Entries)+len(after.Notes)+len(after.DayNotes)+len(after.Activity) != 0 ||
			after.Profile != empty.Profile {
			t.Errorf("a rejected document left rows: %+v", after)
		}

		// Overlapping entries within the document.
		doc := exportValidDoc()
		entries := doc["time_entries"].([]any)
		doc["time_entries"] = append(entries, map[string]any{"ref": "e2", "task_ref": "t2",
			"started_at": "2025-05-01T09:30:00.000Z", "ended_at": "2025-05-01T09:45:00.000Z", "duration_ms": 900000, "source": "manual"})
		exportSet(doc, "tasks.1.spent_ms", 900000)
		raw, _ := json.Marshal(doc)
		d, err := sqlstore.ParseExport(raw)
		if err == nil {
			_, err = db.ImportDoc(ctx, u, d)
		}
		if focusflow.ErrorField(err) != "time_entries[1].started_at" || !strings.Contains(focusflow.ErrorMessage(err), "overlaps time_entries[0]") {
			t.Errorf("overlap within the document: %v", err)
		}

		// Every problem is listed, not only the first.
		doc = exportValidDoc()
		exportSet(doc, "tasks.0.title", "")
		exportSet(doc, "notes.0.type", "todo")
		raw, _ = json.Marshal(doc)
		d, _ = sqlstore.ParseExport(raw)
		_, err = db.ImportDoc(ctx, u, d)
		var ie *sqlstore.ImportError
		if !errors.As(err, &ie) || len(ie.Problems) != 2 || !strings.Contains(focusflow.ErrorMessage(err), "and 1 more problem") {
			t.Errorf("two problems: %v", err)
		}

		// Overlap with an entry the account already has: a conflict, and
		// nothing written.
		tk := &focusflow.Task{Date: "2025-05-01", Title: "Mine"}
		if err := db.CreateTask(ctx, u, tk); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddManualEntry(ctx, u, tk.ID, time.Date(2025, 5, 1, 9, 50, 0, 0, time.UTC),
			time.Date(2025, 5, 1, 10, 30, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		raw, _ = json.Marshal(exportValidDoc())
		d, _ = sqlstore.ParseExport(raw)
		_, err = db.ImportDoc(ctx, u, d)
		if focusflow.ErrorCode(err) != focusflow.ECONFLICT || focusflow.ErrorField(err) != "time_entries[0].started_at" {
			t.Errorf("overlap with the account's entry: %v", err)
		}
		if after, _ := db.Export(ctx, u.ID); len(after.Tasks) != 1 {
			t.Errorf("the conflicting import wrote: %d tasks", len(after.Tasks))
		}
	})
}

func TestParseExportNeedsAnObject(t *testing.T) {
	for _, body := range []string{``, `[]`, `{"format":"focusflow-export","version":1} x`, `{"format":"focusflow-export"`} {
		if _, err := sqlstore.ParseExport([]byte(body)); focusflow.ErrorCode(err) != focusflow.EINVALID {
			t.Errorf("%q: %v", body, err)
		}
	}
}

// A running timer's task arrives paused, and its open entry stays behind.
func TestImportDocPausesRunningTasks(t *testing.T) {
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
		doc, err := db.Export(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Entries) != 0 || doc.Tasks[0].Status != focusflow.StatusInProgress {
			t.Fatalf("export of a running timer: %+v %+v", doc.Tasks, doc.Entries)
		}
		other := exportAccount(t, db, "frida")
		if _, err := db.ImportDoc(ctx, other, doc); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Export(ctx, other.ID)
		if got.Tasks[0].Status != focusflow.StatusPaused {
			t.Errorf("imported status %q", got.Tasks[0].Status)
		}
	})
}
