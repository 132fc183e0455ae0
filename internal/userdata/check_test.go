package userdata

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
)

// checkNow is the clock of the checks: after everything validDoc names.
var checkNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// validDoc is a small valid document of the latest version, as decoded
// JSON so that cases can break it in ways the Go types cannot express.
func validDoc() map[string]any {
	return map[string]any{
		"format": "focusflow-export", "version": 2, "exported_at": "2025-06-01T10:00:00.000Z", "account": "acct-0123",
		"profile": map[string]any{"username": "x", "email": "x@example.com", "created_at": "2025-01-01T00:00:00.000Z",
			"timezone": "UTC", "theme": "auto", "daily_goal_ms": 7200000, "timer_cap_ms": 14400000, "focus_mode": false,
			"session": map[string]any{"mode": "pomodoro", "focus_minutes": 25, "short_break_minutes": 5,
				"long_break_minutes": 15, "long_break_every": 4, "flow_break_ratio": 5, "auto_start_breaks": true,
				"auto_start_focus": false},
			"signals": map[string]any{"sound_volume": 70, "sound_muted": false, "notify": true}},
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
		// A pomodoro: focus, break, focus skipped after a pause (it spans
		// more than it ran), and a long break skipped, its task deleted.
		"phases": []any{
			phase("p1", "t1", "focus", "09:00", "09:25", 1500000, "completed"),
			phase("p2", "t1", "short_break", "09:25", "09:30", 300000, "completed"),
			phase("p3", "t1", "focus", "09:30", "09:58", 1500000, "skipped"),
			phase("p4", nil, "long_break", "09:58", "10:05", 900000, "skipped"),
		},
	}
}

// phase is a phase of validDoc, on 1 May 2025 between two clock times.
func phase(ref string, task any, kind, start, end string, planned int64, outcome string) map[string]any {
	return map[string]any{"ref": ref, "task_ref": task, "kind": kind, "started_at": "2025-05-01T" + start + ":00.000Z",
		"ended_at": "2025-05-01T" + end + ":00.000Z", "planned_ms": planned, "outcome": outcome}
}

// validDocV1 is validDoc as version 1 wrote it: without sessions.
func validDocV1() map[string]any {
	doc := validDoc()
	doc["version"] = 1
	delete(doc, "phases")
	delete(doc["profile"].(map[string]any), "session")
	delete(doc["profile"].(map[string]any), "signals")
	return doc
}

// set changes the value at a dotted path ("tasks.1.title"); the value
// "DELETE" removes the key.
func set(doc map[string]any, path string, v any) {
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

// parseAndCheck runs a document through Parse and Check, as Import does.
func parseAndCheck(t *testing.T, doc map[string]any) (*focusflow.ImportPlan, error) {
	t.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	return Check(d, checkNow)
}

func TestBadDocumentsAreRefused(t *testing.T) {
	long := func(n int) string { return strings.Repeat("é", n) }
	cases := []struct {
		path  string
		value any
		field string
		text  string
	}{
		{"format", "something-else", "format", "not a FocusFlow export"},
		{"version", 5, "version", "Version 5 of the export format is not supported; this FocusFlow reads versions 1 to 4"},
		{"version", 0, "version", "Version 0"},
		{"version", "1", "version", "wrong type (expected a whole number)"},
		{"account", "acct 1", "account", "1–64 letters"},
		{"exported_at", "2025-06-01T12:05:00.000Z", "exported_at", "future"},
		{"tasks.0.title", long(256), "tasks[0].title", "too long (256 characters; at most 255)"},
		{"tasks.0.title", "  ", "tasks[0].title", "required"},
		{"tasks.0.title", nil, "tasks[0].title", "must not be null"},
		{"tasks.1.title", "a\nb", "tasks[1].title", "control characters"},
		{"tasks.0.description", long(10_001), "tasks[0].description", "at most 10000"},
		{"tasks.1.date", "2025-02-30", "tasks[1].date", "not a valid date"},
		{"tasks.1.start_time", "9:30", "tasks[1].start_time", "HH:MM"},
		{"tasks.1.duration_minutes", 0, "tasks[1].duration_minutes", "between 1 and 1440"},
		{"tasks.1.duration_minutes", 1441, "tasks[1].duration_minutes", "between 1 and 1440"},
		{"tasks.1.status", "done", "tasks[1].status", "pending, in-progress"},
		{"tasks.1.position", "first", "tasks[1].position", "wrong type (expected a whole number)"},
		{"tasks.1.position", 100_001, "tasks[1].position", "between 0 and 100000"},
		{"tasks.1.colour", "red", "tasks[1].colour", "Unknown field"},
		{"tasks.1.ref", "t1", "tasks[1].ref", "appears twice"},
		{"tasks.1.ref", "e2", "tasks[1].ref", `must be "t" and digits`},
		{"tasks.1.ref", "t0", "tasks[1].ref", `must be "t" and digits`},
		{"tasks.1.ref", "t02", "tasks[1].ref", `must be "t" and digits`},
		{"tasks.0.spent_ms", 5, "tasks[0].spent_ms", "add up to 3600000"},
		{"tasks.1.spent_ms", -1, "tasks[1].spent_ms", "negative"},
		{"tasks.1.completed_at", "2025-05-02T09:00:00.000Z", "tasks[1].completed_at", "not completed"},
		{"tasks.1.created_at", "yesterday", "tasks[1].created_at", "RFC 3339"},
		{"tasks.1.created_at", "DELETE", "tasks[1].created_at", "required"},
		{"tasks.1", "t2", "tasks[1]", "must be a JSON object"},
		{"time_entries.0.ended_at", "2025-05-01T08:00:00.000Z", "time_entries[0].ended_at", "ends before it starts"},
		{"time_entries.0.ended_at", "2025-05-02T09:00:01.000Z", "time_entries[0].ended_at", "longer than 24 hours"},
		{"time_entries.0.ended_at", "2099-05-01T08:00:00.000Z", "time_entries[0].ended_at", "future"},
		{"time_entries.0.task_ref", "t9", "time_entries[0].task_ref", "names no task"},
		{"time_entries.0.source", "forged", "time_entries[0].source", "timer, manual"},
		{"time_entries.0.duration_ms", 1, "time_entries[0].duration_ms", "lasts 3600000 ms"},
		{"day_notes.0.text", long(20_001), "day_notes[0].text", "at most 20000"},
		{"day_notes.0.date", "2025-13-01", "day_notes[0].date", "not a valid date"},
		{"notes.0.content", long(20_001), "notes[0].content", "at most 20000"},
		{"notes.0.content", "", "notes[0].content", "required"},
		{"notes.0.type", "todo", "notes[0].type", "general, reflection"},
		{"notes.0.ref", "a1", "notes[0].ref", `must be "n" and digits`},
		{"activity.0.task_ref", "t7", "activity[0].task_ref", "names no task"},
		{"activity.0.kind", "Drop Table", "activity[0].kind", "not an activity kind"},
		{"activity.0.kind", "task_teleported", "activity[0].kind", "not an activity kind"},
		{"activity.0.message", long(1_001), "activity[0].message", "at most 1000"},
		{"profile.timezone", "Mars/Olympus", "profile.timezone", "time zone"},
		{"profile.theme", "neon", "profile.theme", "auto, light or dark"},
		{"profile.daily_goal_ms", 60000, "profile.daily_goal_ms", "between 5 minutes and 24 hours"},
		{"profile.timer_cap_ms", 60000, "profile.timer_cap_ms", "between 1 and 12 hours"},
		{"profile.focus_mode", "DELETE", "profile.focus_mode", "required"},
		{"profile.session", "DELETE", "profile.session", "required"},
		{"profile.session", nil, "profile.session", "must not be null"},
		{"profile.session", "pomodoro", "profile.session", "must be a JSON object"},
		{"profile.session.mode", "sprint", "profile.session.mode", "Mode must be one of"},
		{"profile.session.focus_minutes", 181, "profile.session.focus_minutes", "from 1 to 180"},
		{"profile.session.focus_minutes", 1_000_000_000_000, "profile.session.focus_minutes", "from 1 to 180"},
		{"profile.session.short_break_minutes", 0, "profile.session.short_break_minutes", "from 1 to 180"},
		{"profile.session.long_break_minutes", 2.5, "profile.session.long_break_minutes", "whole number"},
		{"profile.session.long_break_every", 13, "profile.session.long_break_every", "1 to 12"},
		{"profile.session.flow_break_ratio", 1, "profile.session.flow_break_ratio", "from 2 to 10"},
		{"profile.session.auto_start_focus", "DELETE", "profile.session.auto_start_focus", "required"},
		{"profile.session.colour", "red", "profile.session.colour", "Unknown field"},
		{"profile.signals", "DELETE", "profile.signals", "required"},
		{"profile.signals.sound_volume", 101, "profile.signals.sound_volume", "from 0 to 100"},
		{"profile.signals.sound_volume", -1, "profile.signals.sound_volume", "from 0 to 100"},
		{"profile.signals.notify", "yes", "profile.signals.notify", "true or false"},
		{"profile.signals.sound_muted", "DELETE", "profile.signals.sound_muted", "required"},
		{"phases", "DELETE", "phases", "required"},
		{"phases", nil, "phases", "must not be null"},
		{"phases.0.kind", "waiting", "phases[0].kind", "focus, short_break or long_break"},
		{"phases.0.outcome", "done", "phases[0].outcome", "completed, skipped, stopped, ended or capped"},
		{"phases.1.outcome", "capped", "phases[1].outcome", "a break is completed, skipped or stopped"},
		{"phases.3.outcome", "ended", "phases[3].outcome", "a break is completed, skipped or stopped"},
		{"phases.0.planned_ms", -1, "phases[0].planned_ms", "0 (no planned end) or from 1 minute to 24 hours"},
		{"phases.2.planned_ms", 59_999, "phases[2].planned_ms", "0 (no planned end) or from 1 minute to 24 hours"},
		{"phases.2.planned_ms", 86_400_001, "phases[2].planned_ms", "0 (no planned end) or from 1 minute to 24 hours"},
		{"phases.1.planned_ms", 0, "phases[1].planned_ms", "a break always has a planned length"},
		{"phases.0.planned_ms", 0, "phases[0].planned_ms", "completed (ran to its planned end)"},
		{"phases.0.planned_ms", 1_500_001, "phases[0].ended_at", "lasts 1500000 ms, less than its planned_ms 1500001"},
		{"phases.0.ended_at", "2025-05-01T08:59:59.999Z", "phases[0].ended_at", "ends before it starts"},
		{"phases.0.started_at", "2025-03-31T08:59:59.999Z", "phases[0].ended_at", "spans more than 31 days"},
		{"phases.3.ended_at", "2099-05-01T08:00:00.000Z", "phases[3].ended_at", "future"},
		{"phases.3.started_at", "today", "phases[3].started_at", "RFC 3339"},
		{"phases.2.task_ref", "t9", "phases[2].task_ref", "names no task"},
		{"phases.2.task_ref", 2, "phases[2].task_ref", "wrong type (expected a string)"},
		{"phases.2.ref", "t1", "phases[2].ref", `must be "p" and digits`},
		{"phases.2.ref", "p1", "phases[2].ref", "appears twice"},
		{"phases.2.planned_ms", "DELETE", "phases[2].planned_ms", "required"},
		{"phases.2.outcome", nil, "phases[2].outcome", "must not be null"},
		{"phases.2.colour", "red", "phases[2].colour", "Unknown field"},
		{"profile", nil, "profile", "must not be null"},
		{"tasks", "DELETE", "tasks", "required"},
		{"tasks", "no", "tasks", "wrong type (expected an array)"},
		{"extra", 1, "extra", "Unknown field"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			doc := validDoc()
			set(doc, tc.path, tc.value)
			_, err := parseAndCheck(t, doc)
			var ie *focusflow.ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("%s = %.40v: got %v, want an *ImportError", tc.path, tc.value, err)
			}
			var fe *focusflow.Error
			if !errors.As(err, &fe) || fe.Code != focusflow.EINVALID || fe.Field != tc.field || !strings.Contains(fe.Message, tc.text) {
				t.Errorf("%s = %.40v: got %v (field %q), want field %q mentioning %q", tc.path, tc.value, err,
					focusflow.ErrorField(err), tc.field, tc.text)
			}
		})
	}
}

func TestParseNeedsOneObject(t *testing.T) {
	for _, body := range []string{``, `[]`, `null`, `{"format":"focusflow-export","version":1} x`, `{"format":"focusflow-export"`,
		`{"format":"focusflow-export","version":1,"Version":1}`} {
		_, err := Parse([]byte(body))
		var ie *focusflow.ImportError
		if !errors.As(err, &ie) || focusflow.ErrorCode(err) != focusflow.EINVALID {
			t.Errorf("%q: %v", body, err)
		}
	}
}

// A key given twice in a row, in any case, is refused with its path.
func TestParseRefusesDuplicateKeys(t *testing.T) {
	raw, _ := json.Marshal(validDoc())
	body := strings.Replace(string(raw), `"title":"Two"`, `"title":"Two","Title":"Deux"`, 1)
	_, err := Parse([]byte(body))
	if focusflow.ErrorField(err) != "tasks[1].Title" || !strings.Contains(focusflow.ErrorMessage(err), "more than once") {
		t.Errorf("duplicate key: %v", err)
	}
}

func TestCheckFindsOverlapsWithinTheDocument(t *testing.T) {
	doc := validDoc()
	entries := doc["time_entries"].([]any)
	doc["time_entries"] = append(entries, map[string]any{"ref": "e2", "task_ref": "t2",
		"started_at": "2025-05-01T09:30:00.000Z", "ended_at": "2025-05-01T09:45:00.000Z", "duration_ms": 900000, "source": "manual"})
	set(doc, "tasks.1.spent_ms", 900000)
	_, err := parseAndCheck(t, doc)
	if focusflow.ErrorField(err) != "time_entries[1].started_at" || !strings.Contains(focusflow.ErrorMessage(err), "overlaps time_entries[0]") {
		t.Errorf("overlap within the document: %v", err)
	}

	// Entries that only touch, and an instant inside another, overlap nothing.
	doc = validDoc()
	doc["time_entries"] = append(doc["time_entries"].([]any),
		map[string]any{"ref": "e2", "task_ref": "t2", "started_at": "2025-05-01T10:00:00.000Z",
			"ended_at": "2025-05-01T10:15:00.000Z", "duration_ms": 900000, "source": "manual"},
		map[string]any{"ref": "e3", "task_ref": "t2", "started_at": "2025-05-01T09:10:00.000Z",
			"ended_at": "2025-05-01T09:10:00.000Z", "duration_ms": 0, "source": "manual"})
	set(doc, "tasks.1.spent_ms", 900000)
	if _, err := parseAndCheck(t, doc); err != nil {
		t.Errorf("touching entries: %v", err)
	}
}

// Every problem is listed, not only the first, up to a limit.
func TestCheckListsEveryProblem(t *testing.T) {
	doc := validDoc()
	set(doc, "tasks.0.title", "")
	set(doc, "notes.0.type", "todo")
	_, err := parseAndCheck(t, doc)
	var ie *focusflow.ImportError
	if !errors.As(err, &ie) || len(ie.Problems) != 2 || ie.Problems[1].Field != "notes[0].type" ||
		!strings.Contains(focusflow.ErrorMessage(err), "and 1 more problem)") {
		t.Errorf("two problems: %v", err)
	}

	doc = validDoc()
	var tasks []any
	for i := range focusflow.MaxImportProblems + 10 {
		tasks = append(tasks, map[string]any{"ref": fmt.Sprintf("t%d", i+1), "date": "2025-05-01", "title": "",
			"status": "pending", "created_at": "2025-05-01T08:00:00.000Z"})
	}
	doc["tasks"], doc["time_entries"], doc["activity"] = tasks, []any{}, []any{}
	_, err = parseAndCheck(t, doc)
	if !errors.As(err, &ie) || len(ie.Problems) != focusflow.MaxImportProblems || ie.More != 10 ||
		!strings.Contains(focusflow.ErrorMessage(err), "and 59 more problems)") {
		t.Errorf("many problems: %d listed, %d more: %v", len(ie.Problems), ie.More, err)
	}
}

func TestCheckMakesThePlan(t *testing.T) {
	doc := validDoc()
	set(doc, "tasks.0.title", "  One  ")
	set(doc, "tasks.0.completed_at", nil)
	set(doc, "tasks.1.status", "in-progress")
	set(doc, "day_notes.0.updated_at", "DELETE")
	set(doc, "notes.0.updated_at", "DELETE")
	set(doc, "profile.timezone", "Europe/Paris")
	plan, err := parseAndCheck(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	if plan.Account != "acct-0123" || *plan.Settings.Timezone != "Europe/Paris" || *plan.Settings.DailyGoal != 2*time.Hour ||
		*plan.Settings.TimerCap != 4*time.Hour || *plan.Settings.Theme != "auto" || *plan.Settings.FocusMode {
		t.Errorf("account and settings: %q %+v", plan.Account, plan.Settings)
	}
	t1, t2 := plan.Tasks[0], plan.Tasks[1]
	if t1.ID != 1 || t1.Title != "One" || t1.Status != focusflow.StatusCompleted || !t1.CompletedAt.Equal(t1.CreatedAt) ||
		!t1.CreatedAt.Equal(at("2025-05-01T08:00:00Z")) || t1.StartTime != "" || t1.DurationMinutes != 0 {
		t.Errorf("completed task without a completion time: %+v", t1)
	}
	if t2.ID != 2 || t2.Status != focusflow.StatusPaused || t2.StartTime != "09:30" || t2.DurationMinutes != 30 ||
		!t2.CompletedAt.IsZero() {
		t.Errorf("task in progress: %+v", t2)
	}
	e := plan.Entries[0]
	if e.ID != 1 || e.TaskID != 1 || e.Source != "timer" || !e.StartedAt.Equal(at("2025-05-01T09:00:00Z")) ||
		!e.EndedAt.Equal(at("2025-05-01T10:00:00Z")) {
		t.Errorf("entry: %+v", e)
	}
	if n := plan.DayNotes[0]; n.Date != "2025-05-01" || n.Text != "hello" || !n.UpdatedAt.Equal(checkNow) {
		t.Errorf("day note without an update time: %+v", n)
	}
	if n := plan.Notes[0]; n.ID != 1 || n.Type != "idea" || n.Content != "c" || !n.UpdatedAt.Equal(n.CreatedAt) {
		t.Errorf("note without an update time: %+v", n)
	}
	if a := plan.Activity[0]; a.ID != 1 || a.TaskID != 1 || a.Kind != "task_completed" || a.Date != "2025-05-01" ||
		!a.At.Equal(at("2025-05-01T10:00:00Z")) {
		t.Errorf("activity: %+v", a)
	}
}
