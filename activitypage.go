package focusflow

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// How much of a day's activity log one read returns: the day view holds
// the latest lines, and the rest is read a page at a time, newest first.
const (
	DayActivityShown    = 20  // lines in the day view
	DefaultActivityPage = 20  // lines in a page without a limit
	MaxActivityPage     = 100 // lines in a page at most
)

// ActivityCursor marks a line of a day's activity log. Lines are ordered
// newest first, and lines of the same instant by id (the later written
// first), so a page that continues "before" a cursor neither repeats nor
// skips a line.
type ActivityCursor struct {
	At time.Time
	ID int64
}

// CursorOf is the cursor of a line.
func CursorOf(l ActivityRow) ActivityCursor { return ActivityCursor{At: l.At, ID: l.ID} }

// String is the cursor as clients see it: opaque, URL-safe text.
func (c ActivityCursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.At.UnixMilli(), 10) + "." +
		strconv.FormatInt(c.ID, 10)))
}

// ParseActivityCursor reads a cursor that String made, and only such a
// cursor: any other text (another encoding of the same numbers included)
// is refused, naming field.
func ParseActivityCursor(field, s string) (ActivityCursor, error) {
	bad := Invalid(field, "%q is not a cursor this server gave out.", Shorten(s, 40))
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(raw) > 40 {
		return ActivityCursor{}, bad
	}
	ms, id, ok := strings.Cut(string(raw), ".")
	at, err1 := strconv.ParseInt(ms, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || at < 0 || n <= 0 {
		return ActivityCursor{}, bad
	}
	c := ActivityCursor{At: time.UnixMilli(at).UTC(), ID: n}
	if c.String() != s { // leading zeros, a sign, padding bits
		return ActivityCursor{}, bad
	}
	return c, nil
}

// ParseActivityLimit reads the number of lines a page asks for: "" is
// DefaultActivityPage, otherwise 1 to MaxActivityPage.
func ParseActivityLimit(field, s string) (int, error) {
	if s == "" {
		return DefaultActivityPage, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxActivityPage || strconv.Itoa(n) != s {
		return 0, Invalid(field, "Limit must be a whole number between 1 and %d (got %q).", MaxActivityPage, Shorten(s, 40))
	}
	return n, nil
}

// ActivityPage is a page of a day's activity log, newest first. Next is
// the cursor to continue from, nil when there is nothing older.
type ActivityPage struct {
	Lines []ActivityRow
	Next  *ActivityCursor
}

// PageOf turns up to limit+1 lines read newest first into a page of at
// most limit lines: the extra line only tells that more follow.
func PageOf(lines []ActivityRow, limit int) ActivityPage {
	if len(lines) <= limit {
		return ActivityPage{Lines: lines}
	}
	lines = lines[:limit]
	next := CursorOf(lines[limit-1])
	return ActivityPage{Lines: lines, Next: &next}
}
