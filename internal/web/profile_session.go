package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/focusflow/focusflow"
)

// The profile's "Focus sessions" and "Signals" cards: how a session runs
// unless a start says otherwise, and how a phase's end reaches the user.
// Each card posts its own marker (session_set, signals_set), so that a
// form without them (the dashboard's focus-mode toggle) changes neither.

// signalsJSON is a user's signals as the API shows them.
type signalsJSON struct {
	SoundVolume int  `json:"sound_volume"`
	SoundMuted  bool `json:"sound_muted"`
	Notify      bool `json:"notify"`
}

func toSignalsJSON(s focusflow.Signals) signalsJSON {
	return signalsJSON{SoundVolume: s.Volume, SoundMuted: s.Muted, Notify: s.Notify}
}

// formInt reads a whole number the form must carry; a missing or garbled
// one is an error naming the field.
func formInt(r *http.Request, field, message string) (int, error) {
	n, err := strconv.Atoi(r.PostFormValue(field))
	if err != nil {
		return 0, focusflow.Invalid(field, "%s", message)
	}
	return n, nil
}

// formMinutes reads a phase length in minutes.
func formMinutes(r *http.Request, field string) (time.Duration, error) {
	n, err := formInt(r, field, focusflow.FieldLabel(field)+" must be a whole number of minutes from 1 to 180.")
	return time.Duration(n) * time.Minute, err
}

// sessionFromForm reads the Focus sessions card, when it was sent.
func sessionFromForm(r *http.Request) (*focusflow.SessionPlan, error) {
	if !r.PostForm.Has("session_set") {
		return nil, nil
	}
	p := focusflow.SessionPlan{Mode: r.PostFormValue("mode"),
		AutoBreaks: r.PostFormValue("auto_start_breaks") != "", AutoFocus: r.PostFormValue("auto_start_focus") != ""}
	var err error
	for _, f := range []struct {
		field string
		dst   *time.Duration
	}{{"focus_minutes", &p.Focus}, {"short_break_minutes", &p.ShortBreak}, {"long_break_minutes", &p.LongBreak}} {
		if *f.dst, err = formMinutes(r, f.field); err != nil {
			return nil, err
		}
	}
	if p.LongBreakEvery, err = formInt(r, "long_break_every", "A long break comes after 1 to 12 focus phases."); err != nil {
		return nil, err
	}
	if p.FlowRatio, err = formInt(r, "flow_break_ratio", "The flowtime break ratio must be a whole number from 2 to 10."); err != nil {
		return nil, err
	}
	return &p, p.Validate()
}

// signalsFromForm reads the Signals card, when it was sent.
func signalsFromForm(r *http.Request) (*focusflow.Signals, error) {
	if !r.PostForm.Has("signals_set") {
		return nil, nil
	}
	volume, err := formInt(r, "sound_volume", "The volume must be a whole number from 0 to 100.")
	if err != nil {
		return nil, err
	}
	return &focusflow.Signals{Volume: volume, Muted: r.PostFormValue("sound_muted") != "",
		Notify: r.PostFormValue("notify") != ""}, nil
}

// sessionSettings adds both cards to set, checked as UserSettings does.
func sessionSettings(r *http.Request, set *focusflow.UserSettings) error {
	var err error
	if set.Session, err = sessionFromForm(r); err != nil {
		return err
	}
	if set.Signals, err = signalsFromForm(r); err != nil {
		return err
	}
	return set.Validate()
}
