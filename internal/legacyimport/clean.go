package legacyimport

import (
	"database/sql"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
)

// cleanText fits text to one of today's rules (focusflow.TitleText, …) the
// way an import must: where the API refuses a value, this repairs it and
// says how — bytes that are not UTF-8 replaced, control characters removed
// (or made spaces on one line), the text trimmed and cut to rule.Max
// characters. It returns what it changed, and the whole cleaned text as
// overflow when it had to be cut. Whether empty text is allowed is the
// caller's to decide.
func cleanText(s string, rule focusflow.TextRule) (clean string, issues []string, overflow string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		issues = append(issues, "held bytes that are not UTF-8 (replaced by �)")
	}
	controls := false
	s = strings.Map(func(r rune) rune {
		if !unicode.IsControl(r) || rule.Multiline && (r == '\n' || r == '\t' || r == '\r') {
			return r
		}
		controls = true
		if rule.Multiline || r == 0 {
			return -1
		}
		return ' '
	}, s)
	if controls {
		if rule.Multiline {
			issues = append(issues, "held control characters (removed)")
		} else {
			issues = append(issues, "held line breaks or control characters (replaced by spaces)")
		}
	}
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > rule.Max {
		return strings.TrimSpace(string([]rune(s)[:rule.Max])), issues, s
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

// quote shows one of the original's values in the report.
func quote(v sql.NullString) string {
	if !v.Valid {
		return "NULL"
	}
	return strconv.Quote(focusflow.Shorten(v.String, 60))
}
