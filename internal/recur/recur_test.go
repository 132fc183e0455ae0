package recur

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

func mustRule(t *testing.T, r focusflow.SeriesRule) Rule {
	t.Helper()
	rule, err := New(r)
	if err != nil {
		t.Fatalf("New(%+v): %v", r, err)
	}
	return rule
}

func TestBetween(t *testing.T) {
	tests := []struct {
		name     string
		rule     focusflow.SeriesRule
		from, to string
		want     []string
	}{
		{"daily from the start on", focusflow.SeriesRule{Kind: "daily", Start: "2026-03-30"},
			"2026-03-28", "2026-04-01", []string{"2026-03-30", "2026-03-31", "2026-04-01"}},
		{"daily stops at its end date", focusflow.SeriesRule{Kind: "daily", Start: "2026-01-01", End: "2026-01-02"},
			"2026-01-01", "2026-01-05", []string{"2026-01-01", "2026-01-02"}},
		{"chosen weekdays", focusflow.SeriesRule{Kind: "weekly", Weekdays: []string{"wed", "mon"}, Start: "2026-12-01"},
			"2026-12-01", "2026-12-14", []string{"2026-12-02", "2026-12-07", "2026-12-09", "2026-12-14"}},
		// 2026-12-02 is a Wednesday; its week starts on Monday 2026-11-30,
		// so the Monday of that week is before the start and not counted.
		{"every 2 weeks anchored to the start's week", focusflow.SeriesRule{Kind: "weekly", Interval: 2,
			Weekdays: []string{"mon", "fri"}, Start: "2026-12-02"},
			"2026-11-30", "2026-12-31", []string{"2026-12-04", "2026-12-14", "2026-12-18", "2026-12-28"}},
		{"every 3 weeks across a year end", focusflow.SeriesRule{Kind: "weekly", Interval: 3,
			Weekdays: []string{"sun"}, Start: "2026-12-20"},
			"2026-12-01", "2027-02-01", []string{"2026-12-20", "2027-01-10", "2027-01-31"}},
		{"monthly on the 31st is clamped to each month's last day", focusflow.SeriesRule{Kind: "monthly", MonthDay: 31,
			Start: "2027-01-01"}, "2027-01-01", "2027-05-31",
			[]string{"2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"}},
		{"monthly on the 29th in a leap year", focusflow.SeriesRule{Kind: "monthly", MonthDay: 29,
			Start: "2028-01-15"}, "2028-01-01", "2028-03-31", []string{"2028-01-29", "2028-02-29", "2028-03-29"}},
		{"monthly on the 30th in February of a common year", focusflow.SeriesRule{Kind: "monthly", MonthDay: 30,
			Start: "2026-01-30"}, "2026-02-01", "2026-03-01", []string{"2026-02-28"}},
		{"daily over a leap day", focusflow.SeriesRule{Kind: "daily", Start: "2028-02-28", End: "2028-03-01"},
			"2028-02-01", "2028-03-31", []string{"2028-02-28", "2028-02-29", "2028-03-01"}},
		{"an open rule stops at its cap", focusflow.SeriesRule{Kind: "daily", Start: "2026-03-15"},
			"2031-03-13", "2031-03-20", []string{"2031-03-13", "2031-03-14"}},
		{"a range before the start has none", focusflow.SeriesRule{Kind: "daily", Start: "2026-03-15"},
			"2026-03-01", "2026-03-14", nil},
		{"a range after the end has none", focusflow.SeriesRule{Kind: "monthly", MonthDay: 1, Start: "2026-01-01",
			End: "2026-06-30"}, "2026-07-01", "2026-12-31", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustRule(t, tt.rule).Between(tt.from, tt.to)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Between(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

// The occurrence of a day is found by the day's date in the user's zone:
// around a daylight-saving change the local date at each instant decides,
// and a 23- or 25-hour day still has exactly one occurrence.
func TestOccursAcrossDaylightSaving(t *testing.T) {
	tests := []struct {
		zone    string
		instant string // RFC 3339
		want    string // the user's date then
	}{
		{"Europe/Berlin", "2026-03-28T23:30:00Z", "2026-03-29"}, // 00:30 CET, the spring-forward day
		{"Europe/Berlin", "2026-03-29T21:59:00Z", "2026-03-29"}, // 23:59 CEST, same day
		{"Europe/Berlin", "2026-03-29T22:00:00Z", "2026-03-30"}, // midnight after the 23-hour day
		{"America/New_York", "2026-11-01T04:30:00Z", "2026-11-01"},
		{"America/New_York", "2026-11-02T04:59:00Z", "2026-11-01"}, // 23:59 EST of the 25-hour day
		{"Australia/Lord_Howe", "2026-04-04T13:00:00Z", "2026-04-05"},
	}
	sundays := mustRule(t, focusflow.SeriesRule{Kind: "weekly", Weekdays: []string{"sun"}, Start: "2026-01-01"})
	for _, tt := range tests {
		loc, err := time.LoadLocation(tt.zone)
		if err != nil {
			t.Fatal(err)
		}
		at, _ := time.Parse(time.RFC3339, tt.instant)
		date := localdate.Today(at, loc)
		if date != tt.want {
			t.Fatalf("%s at %s: date %s, want %s", tt.zone, tt.instant, date, tt.want)
		}
		wantSunday := at.In(loc).Weekday() == time.Sunday
		if got := sundays.Occurs(date); got != wantSunday {
			t.Errorf("%s at %s (%s): Occurs = %v, want %v", tt.zone, tt.instant, date, got, wantSunday)
		}
	}
	// Every day of a DST week occurs once, whatever its length in hours.
	daily := mustRule(t, focusflow.SeriesRule{Kind: "daily", Start: "2026-03-23"})
	if got := daily.Between("2026-03-23", "2026-03-31"); len(got) != 9 {
		t.Errorf("daily over Berlin's spring forward: %v", got)
	}
}

func TestOccursRefusesMalformedDates(t *testing.T) {
	r := mustRule(t, focusflow.SeriesRule{Kind: "daily", Start: "2026-01-01"})
	for _, d := range []string{"", "2026-02-30", "2026-1-2"} {
		if r.Occurs(d) {
			t.Errorf("Occurs(%q) = true", d)
		}
	}
	if got := r.Between("2026-01-05", "nope"); got != nil {
		t.Errorf("Between with a bad bound = %v", got)
	}
}

func TestValidateNamesTheField(t *testing.T) {
	tests := []struct {
		name  string
		rule  focusflow.SeriesRule
		field string
	}{
		{"unknown kind", focusflow.SeriesRule{Kind: "hourly", Start: "2026-01-01"}, "repeat"},
		{"missing start", focusflow.SeriesRule{Kind: "daily"}, "start_date"},
		{"end before start", focusflow.SeriesRule{Kind: "daily", Start: "2026-01-02", End: "2026-01-01"}, "end_date"},
		{"end past the cap", focusflow.SeriesRule{Kind: "daily", Start: "2026-01-01", End: "2031-01-01"}, "end_date"},
		{"no weekdays", focusflow.SeriesRule{Kind: "weekly", Start: "2026-01-01"}, "weekdays"},
		{"unknown weekday", focusflow.SeriesRule{Kind: "weekly", Weekdays: []string{"mon", "funday"}, Start: "2026-01-01"}, "weekdays"},
		{"interval too long", focusflow.SeriesRule{Kind: "weekly", Interval: 53, Weekdays: []string{"mon"}, Start: "2026-01-01"}, "interval"},
		{"day 32", focusflow.SeriesRule{Kind: "monthly", MonthDay: 32, Start: "2026-01-01"}, "month_day"},
		{"day 0", focusflow.SeriesRule{Kind: "monthly", Start: "2026-01-01"}, "month_day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.rule)
			var e *focusflow.Error
			if !errors.As(err, &e) || e.Field != tt.field || e.Code != focusflow.EINVALID {
				t.Errorf("error %v, want invalid %s", err, tt.field)
			}
		})
	}
	// The last day of the cap is accepted.
	if _, err := New(focusflow.SeriesRule{Kind: "daily", Start: "2026-01-01", End: "2030-12-31"}); err != nil {
		t.Errorf("end on the cap: %v", err)
	}
}

func TestCapDate(t *testing.T) {
	for start, want := range map[string]string{
		"2026-03-15": "2031-03-14",
		"2026-03-01": "2031-02-28",
		"2028-02-29": "2033-02-27",
		"2027-12-31": "2032-12-30",
	} {
		r := focusflow.SeriesRule{Start: start}
		if got := r.CapDate(); got != want {
			t.Errorf("CapDate(%s) = %s, want %s", start, got, want)
		}
	}
}

func TestSummary(t *testing.T) {
	tests := map[string]focusflow.SeriesRule{
		"Every day":                          {Kind: "daily"},
		"Every week on Mon, Wed":             {Kind: "weekly", Interval: 1, Weekdays: []string{"mon", "wed"}},
		"Every 2 weeks on Fri":               {Kind: "weekly", Interval: 2, Weekdays: []string{"fri"}},
		"Monthly on day 31 until 2027-01-31": {Kind: "monthly", MonthDay: 31, End: "2027-01-31"},
	}
	for want, r := range tests {
		if got := Summary(r); got != want {
			t.Errorf("Summary(%+v) = %q, want %q", r, got, want)
		}
	}
}
