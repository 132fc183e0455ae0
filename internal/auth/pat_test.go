package auth

import (
	"strings"
	"testing"
)

func TestPATFormat(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		tok := NewPAT()
		if len(tok) != PATLength || !strings.HasPrefix(tok, "ffpat_") {
			t.Fatalf("token %q: want ffpat_ and %d characters", tok, PATLength)
		}
		if !WellFormedPAT(tok) {
			t.Fatalf("a fresh token is refused: %q", tok)
		}
		if seen[tok] {
			t.Fatalf("token repeated: %q", tok)
		}
		seen[tok] = true
	}
}

func TestPATTyposRefused(t *testing.T) {
	tok := NewPAT()
	bad := []string{"", tok[:len(tok)-1], tok + "0", "ghp_" + tok[6:], strings.ToUpper(tok),
		tok[:len(tok)-2] + "-" + tok[len(tok)-1:]}
	// Every single-character change of the random part is caught by the checksum.
	for i := len(PATPrefix); i < len(PATPrefix)+patRandomLen; i++ {
		c := byte('a')
		if tok[i] == 'a' {
			c = 'b'
		}
		bad = append(bad, tok[:i]+string(c)+tok[i+1:])
	}
	// Two neighbours swapped.
	for i := len(PATPrefix); i+1 < len(PATPrefix)+patRandomLen; i++ {
		if tok[i] != tok[i+1] {
			bad = append(bad, tok[:i]+string(tok[i+1])+string(tok[i])+tok[i+2:])
		}
	}
	for _, b := range bad {
		if WellFormedPAT(b) {
			t.Errorf("a mistyped token is taken as well formed: %q (from %q)", b, tok)
		}
	}
}
