package focus

import (
	"testing"
	"time"

	"github.com/focusflow/focusflow"
)

// TestTestMinute: a test minute shortens a new session's phases in
// proportion, and no minute leaves them as planned.
func TestTestMinute(t *testing.T) {
	p := focusflow.DefaultSessionPlan()
	if got := (Settings{}).scale(p); got != p {
		t.Errorf("scale without a test minute = %+v, want %+v", got, p)
	}
	got := Settings{Minute: time.Second}.scale(p)
	if got.Focus != 25*time.Second || got.ShortBreak != 5*time.Second || got.LongBreak != 15*time.Second {
		t.Errorf("scaled plan = %+v, want 25s/5s/15s", got)
	}
	if got.Mode != p.Mode || got.LongBreakEvery != p.LongBreakEvery || got.AutoBreaks != p.AutoBreaks {
		t.Errorf("scaling changed more than the lengths: %+v", got)
	}
}
