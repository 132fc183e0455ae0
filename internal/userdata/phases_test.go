package userdata

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
)

// A version 2 document's sessions become the plan's phases and settings.
func TestCheckPlansPhasesAndSessions(t *testing.T) {
	doc := validDoc()
	// A completed focus paused on the way lasts more than planned.
	set(doc, "phases.2", phase("p3", "t1", "focus", "09:30", "09:58", 1500000, "completed"))
	plan, err := parseAndCheck(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	at := func(hm string) time.Time { v, _ := time.Parse(time.RFC3339, "2025-05-01T"+hm+":00Z"); return v }
	want := []focusflow.PhaseRow{
		{ID: 1, TaskID: 1, Kind: "focus", StartedAt: at("09:00"), EndedAt: at("09:25"), Planned: 25 * time.Minute, Outcome: "completed"},
		{ID: 2, TaskID: 1, Kind: "short_break", StartedAt: at("09:25"), EndedAt: at("09:30"), Planned: 5 * time.Minute,
			Outcome: "completed"},
		{ID: 3, TaskID: 1, Kind: "focus", StartedAt: at("09:30"), EndedAt: at("09:58"), Planned: 25 * time.Minute,
			Outcome: "completed"},
		{ID: 4, Kind: "long_break", StartedAt: at("09:58"), EndedAt: at("10:05"), Planned: 15 * time.Minute, Outcome: "skipped"},
	}
	if !reflect.DeepEqual(plan.Phases, want) {
		t.Errorf("phases:\n%+v\nwant\n%+v", plan.Phases, want)
	}
	wantPlan := focusflow.SessionPlan{Mode: "pomodoro", Focus: 25 * time.Minute, ShortBreak: 5 * time.Minute,
		LongBreak: 15 * time.Minute, LongBreakEvery: 4, FlowRatio: 5, AutoBreaks: true}
	if s := plan.Settings; s.Session == nil || *s.Session != wantPlan || s.Signals == nil ||
		*s.Signals != (focusflow.Signals{Volume: 70, Notify: true}) {
		t.Errorf("session settings %+v %+v", s.Session, s.Signals)
	}
	// Breaks are phases only: the document's one time entry is all.
	if len(plan.Entries) != 1 {
		t.Errorf("entries %+v", plan.Entries)
	}
}

// Phases follow each other: one that starts before another ends is
// refused with its path; phases that touch, instants and any order pass.
func TestCheckFindsOverlappingPhases(t *testing.T) {
	doc := validDoc()
	set(doc, "phases.3", phase("p4", nil, "long_break", "09:57", "10:05", 900000, "skipped"))
	_, err := parseAndCheck(t, doc)
	if focusflow.ErrorField(err) != "phases[3].started_at" || !strings.Contains(focusflow.ErrorMessage(err), "phases[3] overlaps phases[2]") {
		t.Errorf("overlapping phases: %v", err)
	}

	doc = validDoc()
	ps := doc["phases"].([]any)
	doc["phases"] = []any{ps[3], ps[1], ps[0], ps[2],
		phase("p5", "t2", "focus", "09:10", "09:10", 0, "stopped"), phase("p6", "t2", "focus", "10:05", "10:06", 0, "ended")}
	if _, err := parseAndCheck(t, doc); err != nil {
		t.Errorf("phases in any order, touching, and an instant: %v", err)
	}

	// Every overlap is named, each with the phase it runs into.
	doc = validDoc()
	doc["phases"] = []any{phase("p1", "t1", "focus", "09:00", "10:00", 0, "stopped"),
		phase("p2", "t1", "short_break", "09:10", "09:20", 600000, "completed"),
		phase("p3", "t1", "focus", "09:30", "09:40", 0, "capped")}
	_, err = parseAndCheck(t, doc)
	ie, _ := err.(*focusflow.ImportError)
	if ie == nil || len(ie.Problems) != 2 || ie.Problems[0].Field != "phases[1].started_at" ||
		ie.Problems[1].Field != "phases[2].started_at" || !strings.Contains(ie.Problems[1].Message, "overlaps phases[0]") {
		t.Errorf("two overlaps: %v", err)
	}
}

// A version 1 document, without sessions, reads as before: no phases,
// and no session settings for the store to apply.
func TestVersion1DocumentsStillImport(t *testing.T) {
	plan, err := parseAndCheck(t, validDocV1())
	if err != nil {
		t.Fatal(err)
	}
	v2, _ := parseAndCheck(t, validDoc())
	if plan.Phases == nil || len(plan.Phases) != 0 || plan.Settings.Session != nil || plan.Settings.Signals != nil {
		t.Errorf("sessions of a version 1 document: %+v %+v %+v", plan.Phases, plan.Settings.Session, plan.Settings.Signals)
	}
	v2.Phases = plan.Phases
	if !reflect.DeepEqual(plan.UserRows, v2.UserRows) || *plan.Settings.Timezone != "UTC" {
		t.Errorf("version 1 rows:\n%+v\nwant\n%+v", plan.UserRows, v2.UserRows)
	}

	// A document version 1 wrote, kept as it came out.
	raw, err := os.ReadFile(filepath.Join("testdata", "export-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	plan, err = Check(doc, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || doc.Profile.Session != nil || len(plan.Tasks) != 4 || len(plan.Entries) != 4 ||
		len(plan.DayNotes) != 1 || len(plan.Notes) != 2 || len(plan.Activity) == 0 || len(plan.Phases) != 0 ||
		plan.Settings.Session != nil || *plan.Settings.Timezone != "Europe/Paris" {
		t.Errorf("the version 1 file: %+v", plan)
	}
}

// Each version has exactly its own fields: a version 1 document with a
// field of version 2 is refused like one with any unknown field.
func TestLaterFieldsAreUnknownInEarlierVersions(t *testing.T) {
	v2 := validDoc()
	profile := v2["profile"].(map[string]any)
	for _, tc := range []struct {
		field string
		value any
	}{
		{"phases", v2["phases"]},
		{"phases", []any{}},
		{"profile.session", profile["session"]},
		{"profile.signals", profile["signals"]},
	} {
		doc := validDocV1()
		set(doc, tc.field, tc.value)
		_, err := parseAndCheck(t, doc)
		if focusflow.ErrorField(err) != tc.field || !strings.Contains(focusflow.ErrorMessage(err), "Unknown field") ||
			!strings.Contains(focusflow.ErrorMessage(err), "this document is version 1") {
			t.Errorf("%s in a version 1 document: %v", tc.field, err)
		}
	}
}

// A later version, or another format, is refused for what it is, not for
// the first field this version does not know.
func TestLaterVersionsAndOtherFormatsAreNamed(t *testing.T) {
	doc := validDoc()
	doc["version"], doc["goals"] = focusflow.ExportVersion+1, []any{}
	set(doc, "profile.language", "fr")
	_, err := parseAndCheck(t, doc)
	if focusflow.ErrorField(err) != "version" ||
		!strings.Contains(focusflow.ErrorMessage(err), fmt.Sprintf("Version %d of the export format is not supported", focusflow.ExportVersion+1)) {
		t.Errorf("a later version's document: %v", err)
	}
	_, err = Parse([]byte(`{"format":"other-app","version":1,"items":[]}`))
	if focusflow.ErrorField(err) != "format" || !strings.Contains(focusflow.ErrorMessage(err), "not a FocusFlow export") {
		t.Errorf("another format: %v", err)
	}
	for body, field := range map[string]string{
		`{"format":null,"version":1}`:                 "format",
		`{"format":"focusflow-export","version":"2"}`: "version",
		`{"format":"focusflow-export"}`:               "version",
	} {
		if _, err := Parse([]byte(body)); focusflow.ErrorField(err) != field {
			t.Errorf("%s: %v", body, err)
		}
	}
}

// A new version must say which keys it added, or its documents would be
// read with the previous version's.
func TestEveryVersionListsItsKeys(t *testing.T) {
	if len(added) != focusflow.ExportVersion {
		t.Errorf("added lists %d versions; the export format is at version %d", len(added), focusflow.ExportVersion)
	}
}
