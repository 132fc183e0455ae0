package userdata

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
)

// sampleRows are an account's rows as a store returns them.
func sampleRows() *focusflow.ExportRows {
	at := func(h, m int) time.Time { return time.Date(2025, 5, 1, h, m, 0, 0, time.UTC) }
	return &focusflow.ExportRows{
		User: focusflow.User{ID: 7, Username: "kim", Email: "kim@example.com", Timezone: "Europe/Paris", Theme: "dark",
			FocusMode: true, DailyGoal: 90 * time.Minute, TimerCap: time.Hour, CreatedAt: at(0, 0),
			Session: focusflow.SessionPlan{Mode: focusflow.ModePomodoro, Focus: 50 * time.Minute, ShortBreak: 10 * time.Minute,
				LongBreak: 30 * time.Minute, LongBreakEvery: 3, FlowRatio: 4, AutoFocus: true},
			Signals: focusflow.Signals{Volume: 35, Notify: true}, TimeFormat: "24", CarryForward: true},
		Account: "acct-42",
		UserRows: focusflow.UserRows{
			Tasks: []focusflow.Task{
				{ID: 12, Date: "2025-05-01", Title: "Plan", StartTime: "09:00", DurationMinutes: 45,
					Status: focusflow.StatusCompleted, Position: 2, Spent: 30*time.Minute + 500*time.Millisecond,
					CompletedAt: at(10, 0), CreatedAt: at(8, 0)},
				{ID: 13, Date: "2025-05-01", Title: "Open", Status: focusflow.StatusInProgress, CreatedAt: at(8, 5)},
			},
			Entries: []focusflow.TimeEntry{
				{ID: 40, TaskID: 12, StartedAt: at(9, 0), EndedAt: at(9, 30).Add(500 * time.Millisecond), Source: "timer"},
				{ID: 41, TaskID: 13, StartedAt: at(11, 0), Source: "timer"}, // still running
			},
			DayNotes: []focusflow.DayNoteRow{{Date: "2025-05-01", DayNote: focusflow.DayNote{Text: "ok", UpdatedAt: at(20, 0)}}},
			Notes: []focusflow.Note{{ID: 3, Date: "2025-05-01", Type: "idea", Content: "c", CreatedAt: at(12, 0),
				UpdatedAt: at(12, 30)}},
			Activity: []focusflow.ActivityRow{
				{ID: 7, Date: "2025-05-01", Activity: focusflow.Activity{At: at(10, 0), Kind: "task_completed", Message: "Done", TaskID: 12}},
				{ID: 8, Date: "2025-05-01", Activity: focusflow.Activity{At: at(10, 5), Kind: "task_added", Message: "Gone", TaskID: 99}},
				{ID: 9, Date: "2025-05-01", Activity: focusflow.Activity{At: at(10, 6), Kind: "note_added", Message: "Note"}},
			},
			Phases: []focusflow.PhaseRow{
				{ID: 5, TaskID: 12, Kind: focusflow.PhaseFocus, StartedAt: at(9, 0), EndedAt: at(9, 30).Add(500 * time.Millisecond),
					Planned: 25 * time.Minute, Outcome: "completed"},
				{ID: 6, TaskID: 12, Kind: focusflow.PhaseShortBreak, StartedAt: at(9, 30).Add(500 * time.Millisecond),
					EndedAt: at(9, 35).Add(500 * time.Millisecond), Planned: 5 * time.Minute, Outcome: "completed"},
				{ID: 8, TaskID: 99, Kind: focusflow.PhaseFocus, StartedAt: at(10, 0), EndedAt: at(10, 3), Outcome: "stopped"},
			},
		},
	}
}

func TestBuild(t *testing.T) {
	doc := Build(sampleRows(), time.Date(2025, 6, 1, 10, 0, 0, 0, time.FixedZone("X", 3600)))
	if doc.Format != focusflow.ExportFormat || doc.Version != focusflow.ExportVersion ||
		doc.ExportedAt != "2025-06-01T09:00:00.000Z" || doc.Account != "acct-42" {
		t.Errorf("header: %+v", doc)
	}
	wantProfile := focusflow.ExportProfile{Username: "kim", Email: "kim@example.com", CreatedAt: "2025-05-01T00:00:00.000Z",
		Timezone: "Europe/Paris", Theme: "dark", DailyGoalMS: 5_400_000, TimerCapMS: 3_600_000, FocusMode: true,
		Session: &focusflow.ExportSession{Mode: "pomodoro", FocusMinutes: 50, ShortBreakMinutes: 10, LongBreakMinutes: 30,
			LongBreakEvery: 3, FlowBreakRatio: 4, AutoStartFocus: true},
		Signals: &focusflow.ExportSignals{SoundVolume: 35, Notify: true}, TimeFormat: ptr("24"), CarryForward: ptr(true)}
	if !reflect.DeepEqual(doc.Profile, wantProfile) {
		t.Errorf("profile: %+v %+v %+v", doc.Profile, doc.Profile.Session, doc.Profile.Signals)
	}
	t1, t2 := doc.Tasks[0], doc.Tasks[1]
	if t1.Ref != "t12" || *t1.StartTime != "09:00" || *t1.DurationMinutes != 45 || t1.SpentMS != 1_800_500 ||
		*t1.CompletedAt != "2025-05-01T10:00:00.000Z" || t1.CreatedAt != "2025-05-01T08:00:00.000Z" || t1.Position != 2 {
		t.Errorf("task: %+v", t1)
	}
	if t2.Ref != "t13" || t2.StartTime != nil || t2.DurationMinutes != nil || t2.CompletedAt != nil ||
		t2.Status != focusflow.StatusInProgress {
		t.Errorf("task without plan: %+v", t2)
	}
	wantEntries := []focusflow.ExportEntry{{Ref: "e40", TaskRef: "t12", StartedAt: "2025-05-01T09:00:00.000Z",
		EndedAt: "2025-05-01T09:30:00.500Z", DurationMS: 1_800_500, Source: "timer"}}
	if !reflect.DeepEqual(doc.Entries, wantEntries) {
		t.Errorf("entries (the running one left out): %+v", doc.Entries)
	}
	if n := doc.DayNotes[0]; n != (focusflow.ExportDayNote{Date: "2025-05-01", Text: "ok", UpdatedAt: "2025-05-01T20:00:00.000Z"}) {
		t.Errorf("day note: %+v", n)
	}
	if n := doc.Notes[0]; n.Ref != "n3" || n.UpdatedAt != "2025-05-01T12:30:00.000Z" {
		t.Errorf("note: %+v", n)
	}
	var refs []string
	for _, a := range doc.Activity {
		r := "-"
		if a.TaskRef != nil {
			r = *a.TaskRef
		}
		refs = append(refs, a.Ref+":"+r)
	}
	if want := []string{"a7:t12", "a8:-", "a9:-"}; !reflect.DeepEqual(refs, want) {
		t.Errorf("activity refs %v, want %v (a deleted task is named by no ref)", refs, want)
	}
	t12 := "t12"
	wantPhases := []focusflow.ExportPhase{
		{Ref: "p5", TaskRef: &t12, Kind: "focus", StartedAt: "2025-05-01T09:00:00.000Z", EndedAt: "2025-05-01T09:30:00.500Z",
			PlannedMS: 1_500_000, Outcome: "completed"},
		{Ref: "p6", TaskRef: &t12, Kind: "short_break", StartedAt: "2025-05-01T09:30:00.500Z",
			EndedAt: "2025-05-01T09:35:00.500Z", PlannedMS: 300_000, Outcome: "completed"},
		{Ref: "p8", Kind: "focus", StartedAt: "2025-05-01T10:00:00.000Z", EndedAt: "2025-05-01T10:03:00.000Z",
			Outcome: "stopped"}, // its task is gone: named by no ref
	}
	if !reflect.DeepEqual(doc.Phases, wantPhases) {
		t.Errorf("phases: %+v", doc.Phases)
	}

	// An account with nothing still has every section, as empty arrays.
	raw, _ := json.Marshal(Build(&focusflow.ExportRows{Account: "acct-1"}, time.Now()))
	var sections map[string]json.RawMessage
	json.Unmarshal(raw, &sections)
	for _, k := range []string{"tasks", "time_entries", "day_notes", "notes", "activity", "phases", "tags", "task_tags",
		"series", "occurrences"} {
		if string(sections[k]) != "[]" {
			t.Errorf("%s of an empty account: %s", k, sections[k])
		}
	}
}

// A document Build makes passes Parse and Check, and comes back as the
// rows it was made of (but for what an import changes on purpose).
func TestBuildParseCheckRoundTrip(t *testing.T) {
	rows := sampleRows()
	rows.Entries = rows.Entries[:1]
	raw, err := json.Marshal(Build(rows, checkNow))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Check(doc, checkNow)
	if err != nil {
		t.Fatal(err)
	}
	want := rows.UserRows
	want.Tasks = append([]focusflow.Task(nil), rows.Tasks...)
	want.Tasks[1].Status = focusflow.StatusPaused // no timer runs for it after an import
	for i := range want.Tasks {
		want.Tasks[i].Spent = 0 // the entries make it
	}
	want.Activity = append([]focusflow.ActivityRow(nil), rows.Activity...)
	want.Activity[1].TaskID = 0 // its task is not in the document
	want.Phases = append([]focusflow.PhaseRow(nil), rows.Phases...)
	want.Phases[2].TaskID = 0 // likewise
	if !reflect.DeepEqual(plan.UserRows, want) {
		t.Errorf("plan rows:\n%+v\nwant\n%+v", plan.UserRows, want)
	}
	if plan.Account != rows.Account || *plan.Settings.Timezone != rows.User.Timezone ||
		*plan.Settings.DailyGoal != rows.User.DailyGoal || *plan.Settings.TimerCap != rows.User.TimerCap ||
		*plan.Settings.Session != rows.User.Session || *plan.Settings.Signals != rows.User.Signals {
		t.Errorf("plan header: %q %+v", plan.Account, plan.Settings)
	}
}

// fakeStore records what a Service asks of the store.
type fakeStore struct {
	rows    *focusflow.ExportRows
	planned []*focusflow.ImportPlan
}

func (f *fakeStore) ExportRows(ctx context.Context, userID int64) (*focusflow.ExportRows, error) {
	if userID != f.rows.User.ID {
		return nil, focusflow.Errorf(focusflow.ENOTFOUND, "User not found.")
	}
	return f.rows, nil
}

func (f *fakeStore) ImportRows(ctx context.Context, user *focusflow.User, plan *focusflow.ImportPlan) (*focusflow.ImportSummary, error) {
	f.planned = append(f.planned, plan)
	return &focusflow.ImportSummary{Created: focusflow.ImportCounts{Tasks: len(plan.Tasks)}}, nil
}

func TestServiceWritesOnlyCheckedDocuments(t *testing.T) {
	ctx := context.Background()
	store := &fakeStore{rows: sampleRows()}
	store.rows.Entries = store.rows.Entries[:1]
	svc := New(store, func() time.Time { return checkNow })
	doc, err := svc.Export(ctx, 7)
	if err != nil || doc.ExportedAt != "2025-06-01T12:00:00.000Z" || len(doc.Tasks) != 2 {
		t.Fatalf("export: %+v, %v", doc, err)
	}
	if _, err := svc.Export(ctx, 8); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
		t.Errorf("export of an unknown user: %v", err)
	}
	raw, _ := json.Marshal(doc)
	sum, err := svc.Import(ctx, &store.rows.User, bytes.NewReader(raw))
	if err != nil || sum.Created.Tasks != 2 || len(store.planned) != 1 || store.planned[0].Tasks[0].ID != 12 {
		t.Fatalf("import: %+v, %v", sum, err)
	}

	doc.Tasks[0].Title = ""
	raw, _ = json.Marshal(doc)
	_, err = svc.Import(ctx, &store.rows.User, bytes.NewReader(raw))
	var ie *focusflow.ImportError
	if !errors.As(err, &ie) || len(store.planned) != 1 {
		t.Errorf("a bad document reached the store: %v, %d writes", err, len(store.planned))
	}
	if _, err := svc.Import(ctx, &store.rows.User, strings.NewReader("{")); !errors.As(err, &ie) || len(store.planned) != 1 {
		t.Errorf("broken JSON reached the store: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
