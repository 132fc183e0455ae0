package web

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// sessionForm is a valid submission of the Focus sessions and Signals cards.
func sessionForm() url.Values {
	return url.Values{"session_set": {"1"}, "mode": {"pomodoro"}, "focus_minutes": {"50"},
		"short_break_minutes": {"10"}, "long_break_minutes": {"30"}, "long_break_every": {"3"},
		"flow_break_ratio": {"4"}, "auto_start_focus": {"1"},
		"signals_set": {"1"}, "sound_volume": {"35"}, "sound_muted": {"1"}}
}

// TestSessionSettings: the profile's Focus sessions and Signals cards save
// the plan and signals, /api/v1/me shows them, and bad values are refused
// with an error naming their field.
func TestSessionSettings(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, u := ts.signedInClient(t)
		var me struct {
			Session sessionPlanJSON `json:"session"`
			Signals signalsJSON     `json:"signals"`
		}
		c.get("/api/v1/me").expect(t, http.StatusOK).decode(t, &me)
		if me.Session.Mode != "stopwatch" || me.Session.FocusMinutes != 25 || !me.Session.AutoStartBreaks {
			t.Errorf("default session in /api/v1/me = %+v", me.Session)
		}
		c.postForm("/profile/settings", sessionForm()).expect(t, http.StatusSeeOther)
		got, err := ts.store.User(ts.ctx(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		p := got.Session
		if p.Mode != "pomodoro" || p.Focus != 50*time.Minute || p.ShortBreak != 10*time.Minute || p.LongBreak != 30*time.Minute ||
			p.LongBreakEvery != 3 || p.FlowRatio != 4 || p.AutoBreaks || !p.AutoFocus {
			t.Errorf("session plan not saved: %+v", p)
		}
		if s := got.Signals; s.Volume != 35 || !s.Muted || s.Notify {
			t.Errorf("signals not saved: %+v", s)
		}
		c.get("/api/v1/me").expect(t, http.StatusOK).decode(t, &me)
		if me.Session.FocusMinutes != 50 || me.Signals.SoundVolume != 35 || !me.Signals.SoundMuted {
			t.Errorf("/api/v1/me after saving = %+v", me)
		}
		// A form without the cards' markers (the focus-mode toggle) keeps them.
		c.postForm("/profile/settings", url.Values{"focus_mode_set": {"1"}}).expect(t, http.StatusSeeOther)
		if again, _ := ts.store.User(ts.ctx(), u.ID); again.Session != got.Session || again.Signals != got.Signals {
			t.Errorf("the focus-mode toggle changed the session settings: %+v", again)
		}
		for field, bad := range map[string]string{"focus_minutes": "181", "short_break_minutes": "0",
			"long_break_minutes": "x", "long_break_every": "13", "flow_break_ratio": "1", "sound_volume": "101"} {
			form := sessionForm()
			form.Set(field, bad)
			assertFieldError(t, c.postForm("/profile/settings", form).expect(t, http.StatusBadRequest), field, "")
		}
		form := sessionForm()
		form.Set("mode", "marathon")
		if res := c.postForm("/profile/settings", form).expect(t, http.StatusBadRequest); res.formError() == "" {
			t.Error("no message for a bad mode")
		}
	})
}
