package legacyimport

import (
	"database/sql"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits the import keeps to, the same as the API's: what the original let
// through beyond them is shortened, and the full text kept in a note.
const (
	maxTitle       = 255
	maxDescription = 10_000
	maxNote        = 20_000
	maxMessage     = 1_000
	maxUsername    = 50
)

// cleanText fits text to our rules: valid UTF-8, no control characters
// (line breaks and tabs only when multiline), trimmed, at most max
// characters. It returns what it changed, and the whole cleaned text as
// overflow when it had to be shortened.
func cleanText(s string, max int, multiline bool) (clean string, issues []string, overflow string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		issues = append(issues, "held bytes that are not UTF-8 (replaced by �)")
	}
	controls := false
	s = strings.Map(func(r rune) rune {
		if !unicode.IsControl(r) || multiline && (r == '\n' || r == '\t' || r == '\r') {
			return r
		}
		controls = true
		if multiline || r == 0 {
			return -1
		}
		return ' '
	}, s)
	if controls {
		if multiline {
			issues = append(issues, "held control characters (removed)")
		} else {
			issues = append(issues, "held line breaks or control characters (replaced by spaces)")
		}
	}
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		return strings.TrimSpace(string([]rune(s)[:max])), issues, s
	}
	return s, issues, ""
}

// splitText cuts s into pieces of at most n characters.
func splitText(s string, n int) []string {
	r := []rune(s)
	var out []string
	for len(r) > n {
		out = append(out, string(r[:n]))
		r = r[n:]
	}
	return append(out, string(r))
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// quote shows one of the original's values in the report.
func quote(v sql.NullString) string {
	if !v.Valid {
		return "NULL"
	}
	return strconv.Quote(shorten(v.String, 60))
}
