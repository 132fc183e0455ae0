package focusflow

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what users store. The API, the user-document import and the
// legacy import all check against these, so a row one of them accepts is
// a row the others accept too.
const (
	MaxTitle           = 255    // task title, note title (code points)
	MaxDescription     = 10_000 // task description
	MaxNoteContent     = 20_000 // typed note content
	MaxDayNote         = 20_000 // the free-text note of a day
	MaxActivityMessage = 1_000  // one activity line
	MaxDurationMinutes = 1440   // a task's estimate: one day
	MaxPosition        = 100_000
	MaxManualEntry     = 24 * time.Hour // one manual time entry
	MaxUsername        = 50
)

// DateLayout is the calendar-date format of the API and the database.
const DateLayout = "2006-01-02"

// TextRule is how one kind of user text is checked: valid UTF-8, no
// control characters (tabs and line breaks only when Multiline), trimmed,
// at most Max code points, and not empty when Required.
type TextRule struct {
	Max       int
	Multiline bool
	Required  bool
}

// The rules of every text a user writes.
var (
	TitleText       = TextRule{Max: MaxTitle, Required: true}
	DescriptionText = TextRule{Max: MaxDescription, Multiline: true}
	NoteTitleText   = TextRule{Max: MaxTitle}
	NoteContentText = TextRule{Max: MaxNoteContent, Multiline: true, Required: true}
	DayNoteText     = TextRule{Max: MaxDayNote, Multiline: true}
	ActivityText    = TextRule{Max: MaxActivityMessage, Required: true}
)

// Clean checks v for field and returns it trimmed; the error names field
// and, in its message, label ("Title", or a document path such as
// "tasks[3].title").
func (r TextRule) Clean(field, label, v string) (string, error) {
	if !utf8.ValidString(v) {
		return "", Invalid(field, "%s contains invalid characters.", label)
	}
	v = strings.TrimSpace(v)
	for _, c := range v {
		if unicode.IsControl(c) && !(r.Multiline && (c == '\n' || c == '\t' || c == '\r')) {
			return "", Invalid(field, "%s contains control characters.", label)
		}
	}
	if n := utf8.RuneCountInString(v); n > r.Max {
		return "", Invalid(field, "%s is too long (%d characters; at most %d).", label, n, r.Max)
	}
	if r.Required && v == "" {
		return "", Invalid(field, "%s is required.", label)
	}
	return v, nil
}

// CleanField is Clean with the label made from the field name
// ("start_time" → "Start time").
func (r TextRule) CleanField(field, v string) (string, error) {
	return r.Clean(field, FieldLabel(field), v)
}

// FieldLabel turns a field name into the words a message starts with.
func FieldLabel(field string) string {
	if field == "" {
		return "The value"
	}
	return strings.ToUpper(field[:1]) + strings.ReplaceAll(field[1:], "_", " ")
}

// Shorten cuts s to at most n code points, ending it with "…" when cut,
// and replaces invalid UTF-8 (PostgreSQL refuses to store it). For text
// that is shown or logged, never for text a user saved.
func Shorten(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

var clockPattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// ValidClock reports whether v is a time of day written HH:MM (00:00–23:59).
func ValidClock(v string) bool { return clockPattern.MatchString(v) }

// ParseDate parses a YYYY-MM-DD calendar date strictly: 2025-02-30 and
// 2025-2-3 are errors, and so are years outside 1970–9999.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil || t.Format(DateLayout) != s {
		return time.Time{}, fmt.Errorf("%q is not a valid date (YYYY-MM-DD)", s)
	}
	if t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("%q is out of range", s)
	}
	return t, nil
}

// ValidateDate checks a calendar date given for field.
func ValidateDate(field, v string) error {
	if _, err := ParseDate(v); err != nil {
		return Invalid(field, "%q is not a valid date; use YYYY-MM-DD.", Shorten(v, 40))
	}
	return nil
}
