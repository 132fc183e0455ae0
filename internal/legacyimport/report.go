package legacyimport

import (
	"fmt"
	"io"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// Report is what an import did (or, in a dry run, would do).
type Report struct {
	Source string
	// The zones naive timestamps were read in: the original server's clock
	// (Source), the database's CURRENT_TIMESTAMP (Database), and the
	// users' zone (Users), which dates their days.
	Zones         Zones
	DryRun        bool
	DeleteRemoved bool
	Users         []UserReport
	// Orphans are rows whose user does not exist in the original (SQLite
	// did not enforce its foreign keys): they are not imported.
	Orphans []Problem
	Totals  Counts
	Time    TimeAccount
	// RoundedTimestamps counts the timestamps that had a part finer than
	// a millisecond, which FocusFlow does not keep (truncated).
	RoundedTimestamps int
}

// Zones are the time zones of an import.
type Zones struct{ Source, Database, Users string }

// UserReport is one original user's part of the report.
type UserReport struct {
	LegacyID       int64
	LegacyUsername string
	UserID         int64  // ours; 0 for a new user in a dry run
	Username       string // as imported
	// State is "new" (account created), "updated" (account imported
	// before, rows added, changed or deleted) or "unchanged".
	State    string
	Counts   Counts
	Time     TimeAccount
	Problems []Problem
	// Changes are what a re-import did to rows imported before (updated,
	// deleted) and what it left alone: conflicts (changed in the original
	// and here: FocusFlow's kept) and rows the original deleted.
	Changes []Change
	// Moved lists the entries that could not end at their task's last
	// sync, or crossed the start of their day, and where they went.
	Moved []Problem
	// Running is the session a timer running in the original became.
	Running []Problem
}

// Change is what happened to a row imported before.
type Change struct {
	Kind string // ChangeUpdated, ChangeConflict, ChangeRemoved, ChangeDeleted
	Row  string
	What string
}

// Change kinds.
const (
	ChangeUpdated  = "updated"
	ChangeConflict = "conflict"
	ChangeRemoved  = "removed in the original"
	ChangeDeleted  = "deleted"
)

// Counts count rows added by this run, and what it did with the rows an
// earlier run imported: Updated (changed in the original since, applied),
// Kept (unchanged there), Conflicts (changed in the original and here
// since: FocusFlow's kept), Removed (deleted in the original, kept here)
// and Deleted (deleted in the original, deleted here: --delete-removed).
type Counts struct {
	Users, Tasks, Entries, DayNotes, Notes, Activity int
	// ExtraNotes are notes made to keep text that did not fit (the rest
	// of an over-long title, description or note).
	ExtraNotes                                 int
	Updated, Kept, Conflicts, Removed, Deleted int
	Problems                                   int
}

// Added is the number of rows this run added.
func (c Counts) Added() int { return c.Tasks + c.DayNotes + c.Notes + c.Activity }

func (c *Counts) add(o Counts) {
	c.Users += o.Users
	c.Tasks += o.Tasks
	c.Entries += o.Entries
	c.DayNotes += o.DayNotes
	c.Notes += o.Notes
	c.Activity += o.Activity
	c.ExtraNotes += o.ExtraNotes
	c.Updated += o.Updated
	c.Kept += o.Kept
	c.Conflicts += o.Conflicts
	c.Removed += o.Removed
	c.Deleted += o.Deleted
	c.Problems += o.Problems
}

// TimeAccount accounts for every millisecond of the tasks this run placed
// time for: Valid − Capped − Dropped + Running = Imported. Valid is the sum
// of the non-negative time_spent values; Negative the sum of the negative
// ones (never imported); Capped what the 24-hours-a-day rule and the
// forgotten-timer cap cut; Dropped the time of tasks that could not be
// imported at all; Running the time of timers that were running in the
// original, from their start to the import (or to their cap), when the
// import recorded it as an entry. Live is the time so far of sessions
// that go on running here: it is counted when they stop. Replaced is what
// earlier imports had recorded for tasks whose time this run rebuilt. The
// sums are exact at any size: the original's time_spent values can add up
// to more than an int64 holds.
type TimeAccount struct {
	ValidMS, NegativeMS, CappedMS, DroppedMS, RunningMS, ImportedMS, LiveMS, ReplacedMS Millis
}

func (t *TimeAccount) add(o TimeAccount) {
	t.ValidMS = t.ValidMS.Plus(o.ValidMS)
	t.NegativeMS = t.NegativeMS.Plus(o.NegativeMS)
	t.CappedMS = t.CappedMS.Plus(o.CappedMS)
	t.DroppedMS = t.DroppedMS.Plus(o.DroppedMS)
	t.RunningMS = t.RunningMS.Plus(o.RunningMS)
	t.ImportedMS = t.ImportedMS.Plus(o.ImportedMS)
	t.LiveMS = t.LiveMS.Plus(o.LiveMS)
	t.ReplacedMS = t.ReplacedMS.Plus(o.ReplacedMS)
}

// Balanced reports whether the accounting adds up.
func (t TimeAccount) Balanced() bool {
	return t.ValidMS.Minus(t.CappedMS).Minus(t.DroppedMS).Plus(t.RunningMS) == t.ImportedMS
}

// Millis is an exact signed count of milliseconds of 128 bits: hi·2⁶⁴ + lo
// in two's complement. Comparable with ==; the zero value is 0.
type Millis struct {
	hi int64
	lo uint64
}

// MS is n milliseconds.
func MS(n int64) Millis {
	m := Millis{lo: uint64(n)}
	if n < 0 {
		m.hi = -1
	}
	return m
}

// Plus is m + o.
func (m Millis) Plus(o Millis) Millis {
	lo, carry := bits.Add64(m.lo, o.lo, 0)
	return Millis{hi: m.hi + o.hi + int64(carry), lo: lo}
}

// Minus is m − o.
func (m Millis) Minus(o Millis) Millis {
	lo, borrow := bits.Sub64(m.lo, o.lo, 0)
	return Millis{hi: m.hi - o.hi - int64(borrow), lo: lo}
}

// Add adds n milliseconds.
func (m *Millis) Add(n int64) { *m = m.Plus(MS(n)) }

// IsZero reports whether m is 0.
func (m Millis) IsZero() bool { return m == Millis{} }

// Int64 is m when it fits an int64.
func (m Millis) Int64() (int64, bool) {
	n := int64(m.lo)
	return n, m.hi == n>>63
}

func (m Millis) big() *big.Int {
	b := new(big.Int).SetInt64(m.hi)
	b.Lsh(b, 64)
	return b.Add(b, new(big.Int).SetUint64(m.lo))
}

// String writes m in decimal with thousands separators: 20,000.
func (m Millis) String() string {
	s := m.big().String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Exact writes m as a duration: 1h 02m 03.250s, and in years when it is
// too long for that to mean anything.
func (m Millis) Exact() string {
	if n, ok := m.Int64(); ok && n > -1<<53 && n < 1<<53 {
		return exactMS(n)
	}
	years := new(big.Int).Quo(m.big(), big.NewInt(365*24*3_600_000))
	return "about " + years.String() + " years"
}

// Problem is one value the original allowed and we do not, and what the
// import did about it.
type Problem struct {
	Row     string // e.g. `task 12 "Refactor…" (2025-06-11)`
	Problem string
	Action  string
}

// WriteText writes the report for people: every user with what was
// imported, changed and moved, and every problem with what was done, then
// a summary whose time line accounts for every millisecond.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	did := "imported"
	if r.DryRun {
		did = "would import"
	}
	fmt.Fprintf(&b, "Legacy import from %s\n", r.Source)
	fmt.Fprintf(&b, "Time zones: the original server's clock %s; the database's CURRENT_TIMESTAMP %s; the users' days %s\n",
		r.Zones.Source, r.Zones.Database, r.Zones.Users)
	if r.DryRun {
		b.WriteString("DRY RUN: every check ran; nothing was written.\n")
	}
	for _, u := range r.Users {
		writeUser(&b, u, did)
	}
	if len(r.Orphans) > 0 {
		b.WriteString("\nrows without a user in the original:\n")
		writeProblems(&b, r.Orphans)
	}
	r.writeSummary(&b, did)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeUser(b *strings.Builder, u UserReport, did string) {
	b.WriteString("\n")
	id := "not created: dry run"
	if u.UserID != 0 {
		id = "id " + strconv.FormatInt(u.UserID, 10)
	}
	state := map[string]string{"new": "new account", "updated": "imported before; changes applied",
		"unchanged": "imported before; nothing changed"}[u.State]
	fmt.Fprintf(b, "user %d %q → %q (%s): %s\n", u.LegacyID, u.LegacyUsername, u.Username, id, state)
	c := u.Counts
	fmt.Fprintf(b, "  %s: %s\n", did, reportCounts(c))
	if c.Updated+c.Kept+c.Conflicts+c.Removed+c.Deleted > 0 {
		fmt.Fprintf(b, "  imported before: %s\n", reportSync(c))
	}
	if u.Time != (TimeAccount{}) {
		fmt.Fprintf(b, "  time: %s\n", reportTime(u.Time))
	}
	for _, sec := range []struct {
		title string
		list  []Problem
	}{{"running timer", u.Running}, {"entries moved", u.Moved}, {"problems", u.Problems}} {
		if len(sec.list) > 0 {
			fmt.Fprintf(b, "  %s (%d):\n", sec.title, len(sec.list))
			writeProblems(b, sec.list)
		}
	}
	if len(u.Changes) > 0 {
		fmt.Fprintf(b, "  changes since the last import (%d):\n", len(u.Changes))
		for _, ch := range u.Changes {
			fmt.Fprintf(b, "  - %s: %s: %s\n", ch.Kind, ch.Row, ch.What)
		}
	}
}

func writeProblems(b *strings.Builder, ps []Problem) {
	for _, p := range ps {
		fmt.Fprintf(b, "  - %s: %s\n      → %s\n", p.Row, p.Problem, p.Action)
	}
}

func (r *Report) writeSummary(b *strings.Builder, did string) {
	var states = map[string]int{}
	for _, u := range r.Users {
		states[u.State]++
	}
	b.WriteString("\nSummary")
	if r.DryRun {
		b.WriteString(" (dry run: nothing was written)")
	}
	fmt.Fprintf(b, ": %s (%d new, %d updated, %d unchanged)\n", plural(len(r.Users), "user"), states["new"],
		states["updated"], states["unchanged"])
	t := r.Totals
	fmt.Fprintf(b, "  rows: %d added, %d updated, %d kept, %d conflicting, %d deleted", t.Added(), t.Updated, t.Kept,
		t.Conflicts, t.Deleted)
	if t.Removed > 0 {
		fmt.Fprintf(b, ", %d deleted in the original but kept here", t.Removed)
		if !r.DeleteRemoved {
			b.WriteString(" (--delete-removed deletes them)")
		}
	}
	fmt.Fprintf(b, "\n  %s: %s\n", did, reportCounts(t))
	fmt.Fprintf(b, "  problems found: %d\n", t.Problems)
	if r.RoundedTimestamps > 0 {
		fmt.Fprintf(b, "  rounding: %s had microseconds; FocusFlow keeps milliseconds (the rest truncated)\n",
			plural(r.RoundedTimestamps, "timestamp"))
	}
	check := "✓"
	if !r.Time.Balanced() {
		check = "✗ DOES NOT ADD UP"
	}
	fmt.Fprintf(b, "  time: %s %s\n", reportTime(r.Time), check)
}

func reportCounts(c Counts) string {
	s := fmt.Sprintf("%s, %s, %s, %s, %s", plural(c.Tasks, "task"), plural(c.Entries, "time entry"),
		plural(c.DayNotes, "daily note"), plural(c.Notes, "note"), plural(c.Activity, "activity entry"))
	if c.ExtraNotes > 0 {
		s += fmt.Sprintf(" (+%s keeping text that did not fit)", plural(c.ExtraNotes, "note"))
	}
	return s
}

func reportSync(c Counts) string {
	return fmt.Sprintf("%d updated, %d kept, %d conflicting, %d deleted, %d deleted in the original but kept here",
		c.Updated, c.Kept, c.Conflicts, c.Deleted, c.Removed)
}

// reportTime shows the accounting in exact milliseconds.
func reportTime(t TimeAccount) string {
	s := fmt.Sprintf("valid time_spent %s ms", t.ValidMS)
	if !t.CappedMS.IsZero() {
		s += fmt.Sprintf(" − capped %s ms", t.CappedMS)
	}
	if !t.DroppedMS.IsZero() {
		s += fmt.Sprintf(" − tasks not imported %s ms", t.DroppedMS)
	}
	if !t.RunningMS.IsZero() {
		s += fmt.Sprintf(" + running timers %s ms", t.RunningMS)
	}
	s += fmt.Sprintf(" = imported %s ms (%s)", t.ImportedMS, t.ImportedMS.Exact())
	if !t.LiveMS.IsZero() {
		s += fmt.Sprintf("; still running here: %s ms so far", t.LiveMS)
	}
	if !t.ReplacedMS.IsZero() {
		s += fmt.Sprintf("; replacing %s ms an earlier import recorded", t.ReplacedMS)
	}
	if !t.NegativeMS.IsZero() {
		s += fmt.Sprintf("; negative time_spent not imported: %s ms", t.NegativeMS)
	}
	return s
}

// group writes a number with thousands separators: 20,000.
func group(n int64) string { return MS(n).String() }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "y") {
		return strconv.Itoa(n) + " " + strings.TrimSuffix(word, "y") + "ies"
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// exactMS writes a duration exactly: 1h 02m 03.250s.
func exactMS(ms int64) string {
	neg := ms < 0
	if neg {
		ms = -ms
	}
	h, m, s, rest := ms/3_600_000, ms/60_000%60, ms/1000%60, ms%1000
	var out string
	switch {
	case h > 0:
		out = fmt.Sprintf("%dh %02dm %02d", h, m, s)
	case m > 0:
		out = fmt.Sprintf("%dm %02d", m, s)
	default:
		out = strconv.FormatInt(s, 10)
	}
	if rest > 0 {
		out += fmt.Sprintf(".%03d", rest)
	}
	out += "s"
	if neg {
		out = "-" + out
	}
	return out
}

func exactDuration(d time.Duration) string { return exactMS(d.Milliseconds()) }

// local writes an instant as the user sees it, in their zone, to the
// millisecond when there is one.
func (run *userRun) local(t time.Time) string {
	s := t.In(run.loc()).Format("2006-01-02 15:04:05.000")
	return strings.TrimSuffix(s, ".000")
}

// loc is the user's zone: the one an earlier import or the user gave the
// account, else the users' zone of this run.
func (run *userRun) loc() *time.Location {
	if run.user != nil && run.user.Timezone != "" {
		return run.user.Location()
	}
	return run.im.loc
}
