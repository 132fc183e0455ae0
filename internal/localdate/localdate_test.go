package localdate

import (
	"testing"
	"time"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func sumByDate(ps []Portion) map[string]int64 {
	m := map[string]int64{}
	for _, p := range ps {
		m[p.Date] += p.MS
	}
	return m
}

func TestPortionsSplitAtLocalMidnight(t *testing.T) {
	tests := []struct {
		name       string
		zone       string
		start, end string // RFC 3339
		want       map[string]int64
	}{
		{"utc within a day", "UTC", "2026-03-01T09:00:00Z", "2026-03-01T10:30:00Z",
			map[string]int64{"2026-03-01": 90 * 60e3}},
		{"across local midnight in Kolkata (+5:30)", "Asia/Kolkata", "2026-03-01T18:00:00Z", "2026-03-01T19:00:00Z",
			// 23:30–00:30 local
			map[string]int64{"2026-03-01": 30 * 60e3, "2026-03-02": 30 * 60e3}},
		{"New York spring forward (23-hour day)", "America/New_York", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z",
			// 00:00 Mar 8 EST .. 00:00 Mar 9 EDT is 23 hours of Mar 8
			map[string]int64{"2026-03-08": 23 * 3600e3}},
		{"Berlin fall back (25-hour day)", "Europe/Berlin", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z",
			map[string]int64{"2026-10-25": 25 * 3600e3}},
		{"Lord Howe 30-minute shift", "Australia/Lord_Howe", "2026-04-04T13:00:00Z", "2026-04-05T13:30:00Z",
			// DST ends 5 Apr 2026 02:00 (+11) → 01:30 (+10:30): the day is 24.5 h
			map[string]int64{"2026-04-05": 24*3600e3 + 30*60e3}},
		{"leap day", "UTC", "2028-02-28T23:00:00Z", "2028-03-01T01:00:00Z",
			map[string]int64{"2028-02-28": 3600e3, "2028-02-29": 24 * 3600e3, "2028-03-01": 3600e3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := mustLoc(t, tt.zone)
			start, _ := time.Parse(time.RFC3339, tt.start)
			end, _ := time.Parse(time.RFC3339, tt.end)
			got := sumByDate(Portions(start, end, loc))
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for d, ms := range tt.want {
				if got[d] != ms {
					t.Errorf("%s: got %d ms, want %d", d, got[d], ms)
				}
			}
		})
	}
}

func TestPortionsHoursAreLocalAndSumToTotal(t *testing.T) {
	loc := mustLoc(t, "Asia/Kolkata")
	start := time.Date(2026, 5, 1, 3, 10, 0, 0, time.UTC) // 08:40 local
	end := start.Add(2*time.Hour + 5*time.Minute)         // 10:45 local
	ps := Portions(start, end, loc)
	want := []Portion{{"2026-05-01", 8, 20 * 60e3}, {"2026-05-01", 9, 60 * 60e3}, {"2026-05-01", 10, 45 * 60e3}}
	if len(ps) != len(want) {
		t.Fatalf("got %+v", ps)
	}
	for i := range want {
		if ps[i] != want[i] {
			t.Errorf("portion %d = %+v, want %+v", i, ps[i], want[i])
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, bad := range []string{"2025-02-30", "2025-2-3", "2025-13-01", "", "20250101", "2025-01-01T00:00:00Z", "0000-01-01"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	if _, err := ParseDate("2028-02-29"); err != nil {
		t.Errorf("leap day rejected: %v", err)
	}
}

func TestTodayInZone(t *testing.T) {
	now := time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC)
	if got := Today(now, mustLoc(t, "Asia/Kolkata")); got != "2026-03-02" {
		t.Fatalf("Kolkata today = %s", got)
	}
	if got := Today(now, mustLoc(t, "America/New_York")); got != "2026-03-01" {
		t.Fatalf("New York today = %s", got)
	}
}

func TestWeekOf(t *testing.T) {
	w := WeekOf("2026-11-27") // a Friday
	if w[0] != "2026-11-23" || w[6] != "2026-11-29" {
		t.Fatalf("week = %v", w)
	}
	if w := WeekOf("2026-11-23"); w[0] != "2026-11-23" {
		t.Fatalf("Monday's week starts %s", w[0])
	}
}
