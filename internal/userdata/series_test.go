package userdata

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
)

// validDocV4 is validDocV3 with recurring tasks: a weekly series with a
// tag and a skipped day whose occurrence t2 is, and a task t1 left an
// occurrence of a deleted series, edited on its own.
func validDocV4() map[string]any {
	doc := validDocV3()
	doc["version"] = 4
	profile := doc["profile"].(map[string]any)
	profile["time_format"], profile["carry_forward_auto"] = "24", true
	doc["series"] = []any{map[string]any{"ref": "s5", "repeat": "weekly", "interval": 1, "weekdays": []any{"fri", "mon"},
		"month_day": 0, "start_date": "2025-04-28", "end_date": nil, "title": "Review", "description": "",
		"start_time": "09:30", "duration_minutes": 30, "tag_refs": []any{"g2"}, "skipped_dates": []any{"2025-04-28"},
		"created_at": "2025-04-27T08:00:00.000Z"}}
	doc["occurrences"] = []any{
		map[string]any{"task_ref": "t1", "series_ref": nil, "date": "2025-04-30", "detached": true},
		map[string]any{"task_ref": "t2", "series_ref": "s5", "date": "2025-05-02", "detached": false},
	}
	return doc
}

func TestVersion4Series(t *testing.T) {
	plan, err := parseAndCheck(t, validDocV4())
	if err != nil {
		t.Fatal(err)
	}
	want := focusflow.Series{ID: 5, Rule: focusflow.SeriesRule{Kind: "weekly", Interval: 1, Weekdays: []string{"mon", "fri"},
		Start: "2025-04-28"}, Title: "Review", StartTime: "09:30", DurationMinutes: 30, Tags: []focusflow.Tag{{ID: 2}},
		CreatedAt: time.Date(2025, 4, 27, 8, 0, 0, 0, time.UTC)}
	if len(plan.Series) != 1 || !reflect.DeepEqual(plan.Series[0], want) {
		t.Errorf("series %+v, want %+v", plan.Series, want)
	}
	if !reflect.DeepEqual(plan.Skips, []focusflow.SeriesSkip{{SeriesID: 5, Date: "2025-04-28"}}) {
		t.Errorf("skips %+v", plan.Skips)
	}
	t1, t2 := plan.Tasks[0], plan.Tasks[1]
	if t1.SeriesID != 0 || t1.SeriesDate != "2025-04-30" || !t1.SeriesDetached ||
		t2.SeriesID != 5 || t2.SeriesDate != "2025-05-02" || t2.SeriesDetached {
		t.Errorf("occurrences: %+v %+v", t1, t2)
	}
	if s := plan.Settings; *s.TimeFormat != "24" || !*s.CarryForward {
		t.Errorf("settings %q %v", *s.TimeFormat, *s.CarryForward)
	}
	// Version 3 has none of it: its fields are unknown there, and its
	// plan leaves the account's own time format and carry-forward be.
	v3, err := parseAndCheck(t, validDocV3())
	if err != nil || v3.Settings.TimeFormat != nil || v3.Settings.CarryForward != nil || len(v3.Series) != 0 {
		t.Errorf("version 3: %+v, %v", v3, err)
	}
	for key, v := range map[string]any{"series": []any{}, "occurrences": []any{}, "profile.time_format": "24",
		"profile.carry_forward_auto": true} {
		doc := validDocV3()
		set(doc, key, v)
		if _, err := parseAndCheck(t, doc); focusflow.ErrorField(err) != key || !strings.Contains(err.Error(), "later version") {
			t.Errorf("%s in a version 3 document: %v", key, err)
		}
	}
}

// Every malformed series or occurrence is refused naming its field, the
// rule's by the API's own validation.
func TestVersion4BadSeries(t *testing.T) {
	for _, tc := range []struct {
		path  string
		value any
		field string
	}{
		{"series.0.repeat", "yearly", "series[0].repeat"},
		{"series.0.interval", 53, "series[0].interval"},
		{"series.0.weekdays", []any{"someday"}, "series[0].weekdays"},
		{"series.0.weekdays", []any{}, "series[0].weekdays"},
		{"series.0.repeat", "monthly", "series[0].month_day"},
		{"series.0.start_date", "2025-02-30", "series[0].start_date"},
		{"series.0.end_date", "2025-04-01", "series[0].end_date"},
		{"series.0.end_date", "2031-01-01", "series[0].end_date"},
		{"series.0.end_date", "", "series[0].end_date"},
		{"series.0.title", " ", "series[0].title"},
		{"series.0.start_time", "25:00", "series[0].start_time"},
		{"series.0.duration_minutes", 0, "series[0].duration_minutes"},
		{"series.0.ref", "t5", "series[0].ref"},
		{"series.0.created_at", "2099-01-01T00:00:00.000Z", "series[0].created_at"},
		{"series.0.tag_refs", []any{"g9"}, "series[0].tag_refs[0]"},
		{"series.0.tag_refs", []any{"g2", "g2"}, "series[0].tag_refs[1]"},
		{"series.0.skipped_dates", []any{"2025-04-01"}, "series[0].skipped_dates[0]"},
		{"series.0.skipped_dates", []any{"soon"}, "series[0].skipped_dates[0]"},
		{"series.0.skipped_dates", []any{"2025-04-28", "2025-04-28"}, "series[0].skipped_dates[1]"},
		{"series.0.title", "DELETE", "series[0].title"},
		{"series.0.repeat", nil, "series[0].repeat"},
		{"series.0.colour", "red", "series[0].colour"},
		{"occurrences.1.task_ref", "t9", "occurrences[1].task_ref"},
		{"occurrences.1.task_ref", "t1", "occurrences[1].task_ref"},
		{"occurrences.1.series_ref", "s9", "occurrences[1].series_ref"},
		{"occurrences.1.date", "2025-13-01", "occurrences[1].date"},
		{"occurrences.0.series_ref", "s5", "occurrences[1].date"}, // t1 and t2 on one day of s5
		{"occurrences.1.detached", "no", "occurrences[1].detached"},
		{"occurrences", "DELETE", "occurrences"},
		{"profile.time_format", "36", "profile.time_format"},
		{"profile.carry_forward_auto", nil, "profile.carry_forward_auto"},
	} {
		doc := validDocV4()
		if tc.path == "occurrences.0.series_ref" {
			set(doc, "occurrences.0.date", "2025-05-02")
		}
		set(doc, tc.path, tc.value)
		if _, err := parseAndCheck(t, doc); focusflow.ErrorField(err) != tc.field {
			t.Errorf("%s = %v: got %v (field %q), want field %q", tc.path, tc.value, err, focusflow.ErrorField(err), tc.field)
		}
	}
}

// A document Build makes with series passes Parse and Check and gives
// back the series, their tags and skips, and the occurrences.
func TestBuildCheckSeriesRoundTrip(t *testing.T) {
	rows := sampleRows()
	rows.Entries = rows.Entries[:1]
	rows.Tags = []focusflow.Tag{{ID: 3, Name: "b", Color: "teal", CreatedAt: rows.User.CreatedAt},
		{ID: 4, Name: "a", Color: "slate", CreatedAt: rows.User.CreatedAt}}
	rows.Series = []focusflow.Series{
		{ID: 8, Rule: focusflow.SeriesRule{Kind: "daily", Start: "2025-04-30", End: "2025-05-10"}, Title: "Daily",
			Tags: []focusflow.Tag{{ID: 3}, {ID: 4}}, CreatedAt: rows.User.CreatedAt},
		{ID: 9, Rule: focusflow.SeriesRule{Kind: "monthly", MonthDay: 31, Start: "2025-01-31"}, Title: "Bills",
			Description: "pay", StartTime: "08:00", DurationMinutes: 15, Tags: []focusflow.Tag{}, CreatedAt: rows.User.CreatedAt},
	}
	// The second skip lies after the end the rule was shortened to: it
	// says nothing, and is left out.
	rows.Skips = []focusflow.SeriesSkip{{SeriesID: 8, Date: "2025-05-03"}, {SeriesID: 8, Date: "2025-06-01"}}
	rows.Tasks[0].SeriesID, rows.Tasks[0].SeriesDate, rows.Tasks[0].SeriesDetached = 8, "2025-04-30", true
	rows.Tasks[1].SeriesDate = "2025-04-30" // its series is gone
	doc := Build(rows, checkNow)
	if len(doc.Series) != 2 || !reflect.DeepEqual(doc.Series[0].TagRefs, []string{"g3", "g4"}) ||
		!reflect.DeepEqual(doc.Series[0].SkippedDates, []string{"2025-05-03"}) || doc.Series[1].EndDate != nil ||
		doc.Series[1].Weekdays == nil || len(doc.Occurrences) != 2 || *doc.Occurrences[0].SeriesRef != "s8" ||
		doc.Occurrences[1].SeriesRef != nil {
		t.Fatalf("document: %+v %+v", doc.Series, doc.Occurrences)
	}
	raw, _ := json.Marshal(doc)
	parsed, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Check(parsed, checkNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Series) != 2 || plan.Series[0].Rule.End != "2025-05-10" || plan.Series[1].Rule.End != "" ||
		len(plan.Series[0].Tags) != 2 || len(plan.Skips) != 1 || plan.Tasks[0].SeriesID != 8 || !plan.Tasks[0].SeriesDetached ||
		plan.Tasks[1].SeriesID != 0 || plan.Tasks[1].SeriesDate != "2025-04-30" {
		t.Errorf("plan: %+v %+v %+v", plan.Series, plan.Skips, plan.Tasks)
	}
}

// Documents each earlier version wrote, kept as they came out, still
// import; their plans carry no series and leave the settings a later
// version added alone.
func TestEarlierVersionFilesStillImport(t *testing.T) {
	for v := 1; v < focusflow.ExportVersion; v++ {
		raw, err := os.ReadFile(filepath.Join("testdata", fmt.Sprintf("export-v%d.json", v)))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Parse(raw)
		if err != nil {
			t.Fatalf("version %d: %v", v, err)
		}
		plan, err := Check(doc, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatalf("version %d: %v", v, err)
		}
		if doc.Version != v || len(plan.Tasks) != 4 || len(plan.Series) != 0 || plan.Settings.TimeFormat != nil ||
			plan.Settings.CarryForward != nil || (v >= 3) != (len(plan.Tags) > 0) || (v >= 2) != (plan.Settings.Session != nil) {
			t.Errorf("version %d file: %+v", v, plan)
		}
	}
}
