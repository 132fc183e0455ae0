package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// icalParser reads an iCalendar document on stdin with Debian's
// python3-icalendar and prints its events as JSON.
const icalParser = `
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
tzids = [str(c['TZID']) for c in cal.walk('VTIMEZONE')]
out = {'tzids': tzids, 'events': []}
for e in cal.walk('VEVENT'):
    start = e.decoded('DTSTART')
    out['events'].append({
        'uid': str(e['UID']), 'summary': str(e['SUMMARY']),
        'description': str(e.get('DESCRIPTION', '')),
        'start': start.isoformat(), 'tzid': e['DTSTART'].params.get('TZID', ''),
        'utc_offset': start.utcoffset().total_seconds(),
        'minutes': e.decoded('DURATION').total_seconds() / 60,
        'status': str(e['STATUS']), 'sequence': int(e['SEQUENCE'])})
json.dump(out, sys.stdout)
`

type parsedEvent struct {
	UID, Summary, Description, Start, TZID, Status string
	UTCOffset                                      float64 `json:"utc_offset"`
	Minutes                                        float64
	Sequence                                       int
}

// parseICal runs the real parser. Without python3-icalendar it skips,
// unless the environment says the tools must be there (CI).
func parseICal(t *testing.T, doc string) (tzids []string, events map[string]parsedEvent) {
	t.Helper()
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import icalendar").Run(); err != nil {
		if os.Getenv("FOCUSFLOW_REQUIRE_TOOLS") != "" || os.Getenv("FOCUSFLOW_REQUIRE_POSTGRES") != "" {
			t.Fatalf("python3-icalendar is required (apt-get install -y python3-icalendar): %v", err)
		}
		t.Skipf("python3-icalendar is not installed: %v", err)
	}
	cmd := exec.Command(python, "-c", icalParser)
	cmd.Stdin = strings.NewReader(doc)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("the iCalendar parser refused the feed: %v\n%s\n%s", err, stderr, doc)
	}
	var v struct {
		TZIDs  []string `json:"tzids"`
		Events []parsedEvent
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	events = map[string]parsedEvent{}
	for _, e := range v.Events {
		events[e.UID] = e
	}
	return v.TZIDs, events
}

// checkFolding checks RFC 5545 line rules on the raw document.
func checkFolding(t *testing.T, doc string) {
	t.Helper()
	if !strings.HasSuffix(doc, "\r\n") || strings.Contains(strings.ReplaceAll(doc, "\r\n", ""), "\n") {
		t.Error("lines do not all end in CRLF")
	}
	for i, l := range strings.Split(strings.TrimSuffix(doc, "\r\n"), "\r\n") {
		if len(l) > 75 || !utf8.ValidString(l) {
			t.Errorf("line %d: %d octets, valid UTF-8 %v: %q", i, len(l), utf8.ValidString(l), l)
		}
	}
}

func TestCalendarFeed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, u := ts.signedInClient(t)
		zone := "Europe/Berlin"
		if err := ts.store.UpdateSettings(ts.ctx(), u.ID, focusflow.UserSettings{Timezone: &zone}); err != nil {
			t.Fatal(err)
		}
		nasty := `Plan, review; ship \ it 🚀 ` + strings.Repeat("très long titre, ", 8) + "end"
		create := func(body map[string]any) int64 {
			var task struct{ ID int64 }
			c.json("POST", "/api/v1/tasks", body).expect(t, http.StatusCreated).decode(t, &task)
			return task.ID
		}
		timed := create(map[string]any{"title": nasty, "date": "2025-07-05", "start_time": "09:30",
			"duration_minutes": 50, "description": "line one\nline two, with; marks \\ and 🙂"})
		done := create(map[string]any{"title": "Done already", "date": "2025-06-10", "start_time": "14:00"})
		c.json("PATCH", "/api/v1/tasks/"+itoa64(done), map[string]any{"status": "completed"}).expect(t, http.StatusOK)
		create(map[string]any{"title": "No start time", "date": "2025-07-05"})
		create(map[string]any{"title": "Too far ahead", "date": "2025-10-10", "start_time": "08:00"})
		create(map[string]any{"title": "Too long ago", "date": "2025-06-01", "start_time": "08:00"})
		edge := create(map[string]any{"title": "Last day in the window", "date": "2025-10-02", "start_time": "07:00"})

		raw, _ := ts.newToken(t, u.ID, time.Time{}, focusflow.ScopeCalendarRead)
		feed := ts.newClient(t)
		res := feed.get("/api/v1/calendar.ics?token="+url.QueryEscape(raw)).expect(t, http.StatusOK)
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("content type %q", res.Header.Get("Content-Type"))
		}
		checkFolding(t, res.Body)
		// The token opens the calendar and nothing else but /me.
		script := ts.bearerClient(t, raw)
		script.get("/api/v1/days/2025-07-05").expect(t, http.StatusForbidden)
		script.get("/api/v1/me").expect(t, http.StatusOK)
		other, _ := ts.newToken(t, u.ID, time.Time{}, focusflow.ScopeTasksRead)
		wantStatus(t, feed.get("/api/v1/calendar.ics?token="+url.QueryEscape(other)), http.StatusForbidden, "calendar:read")

		tzids, events := parseICal(t, res.Body)
		if len(tzids) != 1 || tzids[0] != zone {
			t.Errorf("VTIMEZONEs %v", tzids)
		}
		if len(events) != 3 {
			t.Fatalf("want 3 events (two timed tasks in range and a completed one), got %+v", events)
		}
		ev := events["task-"+itoa64(timed)+"@focusflow"]
		if ev.Summary != nasty || ev.Description != "line one\nline two, with; marks \\ and 🙂" ||
			ev.Start != "2025-07-05T09:30:00+02:00" || ev.TZID != zone || ev.Minutes != 50 || ev.Status != "CONFIRMED" {
			t.Errorf("timed task event: %+v", ev)
		}
		if ev := events["task-"+itoa64(done)+"@focusflow"]; ev.Summary != "✓ Done already" || ev.Minutes != 30 ||
			ev.Status != "CONFIRMED" {
			t.Errorf("completed task event: %+v", ev)
		}
		if ev := events["task-"+itoa64(edge)+"@focusflow"]; ev.UTCOffset != 7200 || ev.Start != "2025-10-02T07:00:00+02:00" {
			t.Errorf("event in the zone: %+v", ev)
		}

		// A change keeps the UID and raises SEQUENCE.
		ts.clock.Advance(90 * time.Second)
		c.json("PATCH", "/api/v1/tasks/"+itoa64(timed), map[string]any{"title": "Renamed"}).expect(t, http.StatusOK)
		_, after := parseICal(t, feed.get("/api/v1/calendar.ics?token="+url.QueryEscape(raw)).expect(t, http.StatusOK).Body)
		if ev2 := after["task-"+itoa64(timed)+"@focusflow"]; ev2.Summary != "Renamed" || ev2.Sequence <= ev.Sequence {
			t.Errorf("after a change: %+v (before: sequence %d)", ev2, ev.Sequence)
		}
		ts.assertLogsClean(t, raw, other)
	})
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
