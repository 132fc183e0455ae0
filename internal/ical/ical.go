// Package ical writes iCalendar (RFC 5545) documents: content lines
// folded at 75 octets without splitting a UTF-8 character, TEXT values
// escaped, and a VTIMEZONE built from Go's time zone database.
package ical

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// maxLine is the longest content line, in octets, without its CRLF.
const maxLine = 75

// Writer builds a document line by line.
type Writer struct{ b strings.Builder }

// Line writes one content line, NAME[;PARAMS]:VALUE, folded as needed. The
// value must already be in its iCalendar form (see Text).
func (w *Writer) Line(nameAndParams, value string) {
	line := nameAndParams + ":" + value
	first := true
	for line != "" {
		limit := maxLine
		if !first {
			limit-- // the leading space of a continuation counts
			w.b.WriteByte(' ')
		}
		cut := len(line)
		if cut > limit {
			cut = limit
			for cut > 0 && !utf8.RuneStart(line[cut]) {
				cut--
			}
		}
		w.b.WriteString(line[:cut])
		w.b.WriteString("\r\n")
		line, first = line[cut:], false
	}
}

// String returns the document.
func (w *Writer) String() string { return w.b.String() }

// Text escapes a TEXT value: backslash, semicolon and comma get a
// backslash, and every line break becomes \n.
func Text(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', ';', ',':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case '\n':
			b.WriteString(`\n`)
		default:
			if c < 0x20 && c != '\t' || c == 0x7f {
				continue // control characters are not allowed in TEXT
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// UTC formats an instant as a UTC DATE-TIME.
func UTC(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// Local formats a wall-clock time as a local DATE-TIME (for TZID=).
func Local(t time.Time) string { return t.Format("20060102T150405") }

// Duration formats a whole number of minutes as a DURATION.
func Duration(minutes int) string { return fmt.Sprintf("PT%dM", minutes) }

// VTimezone writes the VTIMEZONE of loc for instants from from to to: an
// observance for the offset in force at from, then one per transition in
// between (found by scanning, since Go does not expose the zone's rules).
func (w *Writer) VTimezone(loc *time.Location, from, to time.Time) {
	w.Line("BEGIN", "VTIMEZONE")
	w.Line("TZID", loc.String())
	start := from.In(loc)
	_, off := start.Zone()
	w.observance(start, off, start)
	for t := from; t.Before(to); {
		next := t.Add(24 * time.Hour)
		if _, o := next.In(loc).Zone(); o != off {
			at := transition(loc, t, next)
			w.observance(at.In(loc), off, at.In(loc))
			_, off = at.In(loc).Zone()
		}
		t = next
	}
	w.Line("END", "VTIMEZONE")
}

// observance writes a STANDARD or DAYLIGHT component that starts at the
// instant at (in its zone), coming from offset from.
func (w *Writer) observance(at time.Time, from int, named time.Time) {
	kind := "STANDARD"
	if named.IsDST() {
		kind = "DAYLIGHT"
	}
	name, to := named.Zone()
	w.Line("BEGIN", kind)
	// DTSTART is the onset in the local time that was in force before it.
	w.Line("DTSTART", Local(at.UTC().Add(time.Duration(from)*time.Second)))
	w.Line("TZOFFSETFROM", offset(from))
	w.Line("TZOFFSETTO", offset(to))
	w.Line("TZNAME", Text(name))
	w.Line("END", kind)
}

// transition finds the first instant in (a, b] whose offset differs from
// a's, to the second.
func transition(loc *time.Location, a, b time.Time) time.Time {
	_, off := a.In(loc).Zone()
	for b.Sub(a) > time.Second {
		mid := a.Add(b.Sub(a) / 2)
		if _, o := mid.In(loc).Zone(); o == off {
			a = mid
		} else {
			b = mid
		}
	}
	return b.Truncate(time.Second)
}

func offset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	h, m, s := seconds/3600, seconds/60%60, seconds%60
	if s != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, h, m, s)
	}
	return fmt.Sprintf("%c%02d%02d", sign, h, m)
}
