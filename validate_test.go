package focusflow

import "testing"

func TestEmailsAndUsernamesCannotHideTheirText(t *testing.T) {
	for _, bad := range []string{"ann\u202e@example.com", "ann@exa\u2066mple.com", "ann\u200f@example.com", "ann\x00@example.com"} {
		if ValidateEmail(bad) == nil {
			t.Errorf("email %q accepted", bad)
		}
		if ValidateUsername(bad) == nil {
			t.Errorf("username %q accepted", bad)
		}
	}
	if err := ValidateEmail("ann@example.com"); err != nil {
		t.Fatal(err)
	}
}
