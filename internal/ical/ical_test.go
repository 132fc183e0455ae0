package ical

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zone database, as the binary embeds it
	"unicode/utf8"
)

func TestLinesFoldAt75OctetsWithoutSplittingCharacters(t *testing.T) {
	value := Text(strings.Repeat("Plan; review, ship \\ 🚀 ✓ é\n", 12))
	var w Writer
	w.Line("SUMMARY", value)
	doc := w.String()
	if !strings.HasSuffix(doc, "\r\n") {
		t.Fatal("the line does not end in CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(doc, "\r\n"), "\r\n")
	if len(lines) < 5 {
		t.Fatalf("a long line was not folded: %d lines", len(lines))
	}
	for i, l := range lines {
		if len(l) > 75 {
			t.Errorf("line %d has %d octets", i, len(l))
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a character: %q", i, l)
		}
		if i > 0 && l[0] != ' ' {
			t.Errorf("continuation %d does not start with a space", i)
		}
	}
	if unfolded := strings.ReplaceAll(strings.TrimSuffix(doc, "\r\n"), "\r\n ", ""); unfolded != "SUMMARY:"+value {
		t.Errorf("unfolding does not give the line back:\n%q\n%q", unfolded, "SUMMARY:"+value)
	}
}

func TestTextEscaping(t *testing.T) {
	for in, want := range map[string]string{
		`a,b;c\d`:         `a\,b\;c\\d`,
		"one\r\ntwo\nx\r": `one\ntwo\nx\n`,
		"tab\tok\x01":     "tab\tok",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestVTimezoneHasTheTransitions(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	var w Writer
	w.VTimezone(loc, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC))
	doc := w.String()
	for _, want := range []string{"TZID:Europe/Berlin", "BEGIN:DAYLIGHT\r\nDTSTART:20250330T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST",
		"BEGIN:STANDARD\r\nDTSTART:20251026T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET"} {
		if !strings.Contains(doc, want) {
			t.Errorf("VTIMEZONE lacks %q:\n%s", want, doc)
		}
	}
}
