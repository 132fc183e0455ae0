package focusflow

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Élan":          "elan",
		"ELAN":          "elan",
		"Crème Brûlée":  "creme brulee",
		"Ærø":           "ærø", // letters, not marks: kept
		"Straße":        "straße",
		"  Mixed ÇaSe ": "  mixed case ",
		"":              "",
		"日本語":           "日本語",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
