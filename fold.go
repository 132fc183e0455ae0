package focusflow

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold returns s case- and accent-folded: decomposed, stripped of its
// combining marks, lower-cased and recomposed, so "Élan", "ELAN" and
// "élan" all become "elan". Tag names are unique by their fold, and text
// that is searched is folded the same way, in Go, so that every engine
// compares the same strings.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}
