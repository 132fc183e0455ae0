package userdata

import (
	"fmt"
	"slices"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
)

// Focus sessions in the document (version 2): the account's session
// settings and signals, and the finished phases.

// Bounds of a phase.
//
// A phase's planned length is the plan's (at most focusflow.MaxPhase) plus
// the extensions asked for while it ran (at most focusflow.MaxExtendMinutes each);
// the timer never plans one shorter than focusflow.MinPhase (a flowtime
// break is at least that too). A day is far beyond any run of extensions,
// and the longest time entry the API takes.
//
// Its span, from start to end, also counts its pauses, and nothing ends a
// paused session (the cap stops running time only): a countdown paused
// overnight or over a long weekend and finished afterwards is a real
// phase, so the 24 hours of an entry would refuse genuine exports. A month
// keeps every session someone comes back to, and still refuses spans that
// would swamp the focus and break totals the stats sum from phases.
const (
	maxPlanned   = 24 * time.Hour
	maxPhaseSpan = 31 * 24 * time.Hour
)

// phaseOutcomes are how a phase can end (internal/focus decides which).
var phaseOutcomes = []string{focus.OutcomeCompleted, focus.OutcomeSkipped, focus.OutcomeStopped, focus.OutcomeEnded,
	focus.OutcomeCapped}

// sessionSettings checks the session plan and signals of a version 2
// profile and puts them in the plan's settings.
func (c *checker) sessionSettings(pr focusflow.ExportProfile) {
	s, g := pr.Session, pr.Signals
	if s == nil || g == nil { // Parse requires both; a document made in code may lack them
		c.p.Add("profile.session", "A version 2 document has profile.session and profile.signals.")
		return
	}
	plan, signals := s.Plan(), g.Signals()
	// The API's own rules, with its field names, which are the document's.
	if err := (focusflow.UserSettings{Session: &plan}).Validate(); err != nil {
		f := "profile.session." + focusflow.ErrorField(err)
		c.p.Add(f, "%s: %s", f, focusflow.ErrorMessage(err))
	}
	if err := (focusflow.UserSettings{Signals: &signals}).Validate(); err != nil {
		f := "profile.signals." + focusflow.ErrorField(err)
		c.p.Add(f, "%s: %s", f, focusflow.ErrorMessage(err))
	}
	c.plan.Settings.Session, c.plan.Settings.Signals = &plan, &signals
}

// phase checks a finished phase. Phases come from the timer, so they
// must be what its rules can record; one that is not would skew the
// stats and achievements computed from phases.
func (c *checker) phase(i int, p *focusflow.ExportPhase) {
	f := fmt.Sprintf("phases[%d]", i)
	row := focusflow.PhaseRow{ID: c.ref(f, p.Ref, "p5", c.seen(phaseRef)), TaskID: c.optionalTask(f, p.TaskRef),
		Kind: p.Kind, Outcome: p.Outcome}
	if c.phaseKind(f, *p) {
		row.Planned = time.Duration(p.PlannedMS) * time.Millisecond
	}
	row.StartedAt = c.instant(f+".started_at", p.StartedAt, c.now)
	row.EndedAt = c.instant(f+".ended_at", p.EndedAt, c.now)
	c.phaseSpan(f, row)
	c.plan.Phases = append(c.plan.Phases, row)
}

// phaseKind checks a phase's kind, outcome and planned length, and how
// they go together; it reports whether the planned length is valid.
func (c *checker) phaseKind(f string, p focusflow.ExportPhase) bool {
	isBreak := focusflow.IsBreak(p.Kind)
	if p.Kind != focusflow.PhaseFocus && !isBreak {
		c.p.Add(f+".kind", "%s.kind must be focus, short_break or long_break.", f)
	}
	switch {
	case !slices.Contains(phaseOutcomes, p.Outcome):
		c.p.Add(f+".outcome", "%s.outcome must be completed, skipped, stopped, ended or capped.", f)
	case isBreak && (p.Outcome == focus.OutcomeEnded || p.Outcome == focus.OutcomeCapped):
		// Only an open-ended phase is ended by the user, and only a time
		// entry is capped: a break has a planned end and no entry.
		c.p.Add(f+".outcome", "%s.outcome %s is a focus phase's; a break is completed, skipped or stopped.", f, p.Outcome)
	}
	switch {
	case p.PlannedMS < 0 || p.PlannedMS > maxPlanned.Milliseconds() ||
		p.PlannedMS > 0 && p.PlannedMS < focusflow.MinPhase.Milliseconds():
		c.p.Add(f+".planned_ms", "%s.planned_ms must be 0 (no planned end) or from 1 minute to 24 hours.", f)
		return false
	case p.PlannedMS == 0 && isBreak:
		c.p.Add(f+".planned_ms", "%s.planned_ms must not be 0: a break always has a planned length.", f)
	case p.PlannedMS == 0 && p.Outcome == focus.OutcomeCompleted:
		c.p.Add(f+".planned_ms", "%s is completed (ran to its planned end), so planned_ms must not be 0.", f)
	}
	return true
}

// phaseSpan checks how long a phase lasted. One completed ran to its
// planned end: it lasted its planned length, more if it was paused on the
// way, never less.
func (c *checker) phaseSpan(f string, row focusflow.PhaseRow) {
	if row.StartedAt.IsZero() || row.EndedAt.IsZero() {
		return
	}
	lasts := row.EndedAt.Sub(row.StartedAt)
	tooLong := fmt.Sprintf("spans more than %d days", int(maxPhaseSpan/(24*time.Hour)))
	if c.lasting(f, lasts, maxPhaseSpan, tooLong) && row.Outcome == focus.OutcomeCompleted && lasts < row.Planned {
		c.p.Add(f+".ended_at", "%s is completed but lasts %d ms, less than its planned_ms %d.", f,
			lasts.Milliseconds(), row.Planned.Milliseconds())
	}
}
