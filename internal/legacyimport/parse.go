package legacyimport

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
)

// Reading the original's values. Every column arrives as text (source.go);
// what each spelling means is decided here, and nowhere else, so that a
// spelling the original wrote and this file does not know yet is added in
// one place.

// naiveLayouts are the spellings of a timestamp the original wrote:
// PostgreSQL's ISO output of a TIMESTAMP (fractions without their trailing
// zeros), Python's isoformat() as its SQLite adapter stored datetime.now()
// ("T", microseconds only when there are any), and SQLite's
// CURRENT_TIMESTAMP (a space, whole seconds).
var naiveLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseTime reads a timestamp: naive ones are wall-clock times in
// loc; ones with an offset (a TIMESTAMPTZ column) are taken as they say;
// bare numbers are Unix seconds or milliseconds.
func parseTime(v sql.NullString, loc *time.Location) (time.Time, bool) {
	s := strings.TrimSpace(v.String)
	if !v.Valid || s == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "-:") {
		if n > 1e11 { // milliseconds
			return time.UnixMilli(int64(math.Round(n))).UTC(), true
		}
		return time.UnixMilli(int64(math.Round(n * 1000))).UTC(), true
	}
	for _, l := range naiveLayouts {
		for _, zone := range []string{"Z07:00", "Z07"} {
			if t, err := time.Parse(l+zone, s); err == nil {
				return t.UTC(), true
			}
		}
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// instant reads one of the original's timestamps as parseTime does, kept
// to the millisecond as FocusFlow keeps them; a value with a finer part is
// remembered, so that the report can say how many were rounded.
func (im *importer) instant(v sql.NullString, loc *time.Location) (time.Time, bool) {
	t, ok := parseTime(v, loc)
	if !ok {
		return t, false
	}
	if t.Nanosecond()%int(time.Millisecond) != 0 {
		im.rounded[v.String] = true
	}
	return t.Truncate(time.Millisecond), true
}

// parseMS reads a millisecond count (time_spent). SQLite kept whatever
// number the client sent, fractions included: such a value is rounded to
// the nearest millisecond and rounding says so; one beyond what a count
// of milliseconds can be is not read, and fault says why.
func parseMS(v sql.NullString) (n int64, rounding, fault string, ok bool) {
	s := strings.TrimSpace(v.String)
	if !v.Valid || s == "" {
		return 0, "", "", false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, "", "", true
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange), math.IsNaN(f):
		return 0, "", "is not a number", false
	case math.IsInf(f, 0) || math.Abs(f) >= math.MaxInt64:
		return 0, "", "is beyond what a count of milliseconds can be", false
	}
	n = int64(math.Round(f))
	if float64(n) != f {
		rounding = fmt.Sprintf("%s ms is not a whole number of milliseconds: rounded to %d ms", s, n)
	}
	return n, rounding, "", true
}

// parseDate reads a calendar date; a midnight time after it (SQLite
// files sometimes hold datetimes) is accepted.
func parseDate(v sql.NullString) (string, bool) {
	s := strings.TrimSpace(v.String)
	if !v.Valid {
		return "", false
	}
	if len(s) > 10 {
		rest := strings.TrimLeft(s[10:], " T")
		if rest != "00:00:00" && rest != "00:00" && rest != "00:00:00.000" {
			return "", false
		}
		s = s[:10]
	}
	if _, err := focusflow.ParseDate(s); err != nil {
		return "", false
	}
	return s, true
}

// parseClock reads a time of day as HH:MM. exact is false when the
// value had to be read leniently (9:5, 09:00:30).
func parseClock(v sql.NullString) (hhmm string, exact, ok bool) {
	s := strings.TrimSpace(v.String)
	if !v.Valid || s == "" {
		return "", true, false
	}
	if focusflow.ValidClock(s) {
		return s, true, true // today's rule
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return "", false, false
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return "", false, false
	}
	hhmm = fmt.Sprintf("%02d:%02d", h, m)
	exact = len(parts[0]) == 2 && len(parts[1]) == 2
	if len(parts) == 3 {
		sec, err := strconv.ParseFloat(parts[2], 64)
		if err != nil || sec < 0 || sec >= 60 {
			return "", false, false
		}
		exact = exact && sec == 0 // seconds were never entered; a non-zero value is dropped
	}
	return hhmm, exact, true
}

// mustMS is a millisecond count, 0 when there is none.
func mustMS(v sql.NullString) int64 {
	n, _, _, _ := parseMS(v)
	return n
}
