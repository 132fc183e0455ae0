package focusflow

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s and strips its accents (the combining marks of its
// canonical decomposition): "Crème BRÛLÉE" → "creme brulee". Text that is
// compared ignoring case and accents is folded with this one function, so
// that every engine compares the same strings.
func Fold(s string) string {
	s = norm.NFD.String(strings.ToLower(s))
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, s)
}
