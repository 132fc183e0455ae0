package sqlstore

import (
	"database/sql"
	"encoding/json"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
)

// Focus sessions keep two small JSON documents: a user's focus settings
// (users.focus_settings) and a running session's details (timers.session).
// Nothing queries inside them, and they are read on hot paths (every
// signed-in request, every day view), where each column costs parsing and
// planning when statements are not prepared: one column each.

// planDoc is a session plan as stored.
type planDoc struct {
	Mode       string `json:"mode"`
	Focus      int64  `json:"focus_ms"`
	Short      int64  `json:"short_ms"`
	Long       int64  `json:"long_ms"`
	Every      int    `json:"every"`
	Ratio      int    `json:"ratio"`
	AutoBreaks bool   `json:"auto_breaks"`
	AutoFocus  bool   `json:"auto_focus"`
}

func toPlanDoc(p focusflow.SessionPlan) planDoc {
	return planDoc{Mode: p.Mode, Focus: p.Focus.Milliseconds(), Short: p.ShortBreak.Milliseconds(),
		Long: p.LongBreak.Milliseconds(), Every: p.LongBreakEvery, Ratio: p.FlowRatio, AutoBreaks: p.AutoBreaks,
		AutoFocus: p.AutoFocus}
}

func (d planDoc) plan() focusflow.SessionPlan {
	return focusflow.SessionPlan{Mode: d.Mode, Focus: ms(d.Focus), ShortBreak: ms(d.Short), LongBreak: ms(d.Long),
		LongBreakEvery: d.Every, FlowRatio: d.Ratio, AutoBreaks: d.AutoBreaks, AutoFocus: d.AutoFocus}
}

// settingsDoc is users.focus_settings.
type settingsDoc struct {
	planDoc
	Volume int  `json:"volume"`
	Muted  bool `json:"muted"`
	Notify bool `json:"notify"`
}

// DefaultSignals are the signals of a new account.
var defaultSignals = focusflow.Signals{Volume: 70}

// readFocusSettings decodes users.focus_settings into u (defaults when
// NULL or unreadable).
func readFocusSettings(raw sql.NullString, u *focusflow.User) {
	u.Session, u.Signals = focusflow.DefaultSessionPlan(), defaultSignals
	var d settingsDoc
	if !raw.Valid || json.Unmarshal([]byte(raw.String), &d) != nil {
		return
	}
	u.Session = d.plan()
	u.Signals = focusflow.Signals{Volume: d.Volume, Muted: d.Muted, Notify: d.Notify}
}

// focusSettingsJSON is the document of a plan and signals.
func focusSettingsJSON(p focusflow.SessionPlan, g focusflow.Signals) string {
	b, _ := json.Marshal(settingsDoc{planDoc: toPlanDoc(p), Volume: g.Volume, Muted: g.Muted, Notify: g.Notify})
	return string(b)
}

// sessionDoc is timers.session: a session's details but the phase's end.
type sessionDoc struct {
	Phase     string  `json:"phase"`
	Start     int64   `json:"start"` // ms
	Len       int64   `json:"len_ms"`
	Left      int64   `json:"left_ms"`
	Next      string  `json:"next,omitempty"`
	Cycle     int     `json:"cycle"`
	FlowFocus int64   `json:"flow_ms,omitempty"`
	Plan      planDoc `json:"plan"`
}

// sessionJSON is the document of s; nil for an idle timer.
func sessionJSON(s focus.State) any {
	if s.Idle() {
		return nil
	}
	b, _ := json.Marshal(sessionDoc{Phase: s.Phase, Start: s.PhaseStart.UnixMilli(), Len: s.PhaseLen.Milliseconds(),
		Left: s.PhaseLeft.Milliseconds(), Next: s.Next, Cycle: s.Cycle, FlowFocus: s.FlowFocus.Milliseconds(),
		Plan: toPlanDoc(s.Plan)})
	return string(b)
}

// readSession decodes timers.session into s. A running timer without one
// is a stopwatch in focus, as every timer was before sessions.
func readSession(raw sql.NullString, s *focus.State, updatedAt time.Time) {
	var d sessionDoc
	if !raw.Valid || json.Unmarshal([]byte(raw.String), &d) != nil {
		if s.Status != "" {
			s.Plan, s.Phase, s.PhaseStart = focusflow.DefaultSessionPlan(), focusflow.PhaseFocus, updatedAt
			s.Mode = s.Plan.Mode
		}
		return
	}
	s.Plan = d.Plan.plan()
	s.Mode, s.Phase, s.Next, s.Cycle = d.Plan.Mode, d.Phase, d.Next, d.Cycle
	s.PhaseStart, s.PhaseLen, s.PhaseLeft, s.FlowFocus = fromMS(d.Start), ms(d.Len), ms(d.Left), ms(d.FlowFocus)
}

func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }
