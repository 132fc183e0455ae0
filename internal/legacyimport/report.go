package legacyimport

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Report is what an import did (or, in a dry run, would do).
type Report struct {
	Source   string
	Timezone string
	DryRun   bool
	Users    []UserReport
	// Orphans are rows whose user does not exist in the original (SQLite
	// did not enforce its foreign keys): they are not imported.
	Orphans []Problem
	Totals  Counts
	Time    TimeAccount
}

// UserReport is one original user's part of the report.
type UserReport struct {
	LegacyID       int64
	LegacyUsername string
	UserID         int64  // ours; 0 for a new user in a dry run
	Username       string // as imported
	// State is "new" (account created), "updated" (account imported
	// before, new rows added) or "unchanged" (nothing new to import).
	State    string
	Counts   Counts
	Time     TimeAccount
	Problems []Problem
}

// Counts count rows imported by this run; AlreadyThere counts rows
// skipped because an earlier run imported them.
type Counts struct {
	Users, Tasks, Entries, DayNotes, Notes, Activity int
	// ExtraNotes are notes made to keep text that did not fit (the rest
	// of an over-long title, description or note).
	ExtraNotes   int
	AlreadyThere int
	Problems     int
}

func (c *Counts) add(o Counts) {
	c.Users += o.Users
	c.Tasks += o.Tasks
	c.Entries += o.Entries
	c.DayNotes += o.DayNotes
	c.Notes += o.Notes
	c.Activity += o.Activity
	c.ExtraNotes += o.ExtraNotes
	c.AlreadyThere += o.AlreadyThere
	c.Problems += o.Problems
}

// TimeAccount accounts for every millisecond of the tasks this run handled:
// Valid − Capped − Dropped + Running = Imported. Valid is the sum of the
// non-negative time_spent values; Negative the sum of the negative ones
// (never imported); Capped what the 24-hours-a-day rule and the forgotten-
// timer cap cut; Dropped the time of tasks that could not be imported at
// all; Running the time of timers that were running, from their start to
// their last sync.
type TimeAccount struct {
	ValidMS, NegativeMS, CappedMS, DroppedMS, RunningMS, ImportedMS int64
}

func (t *TimeAccount) add(o TimeAccount) {
	t.ValidMS += o.ValidMS
	t.NegativeMS += o.NegativeMS
	t.CappedMS += o.CappedMS
	t.DroppedMS += o.DroppedMS
	t.RunningMS += o.RunningMS
	t.ImportedMS += o.ImportedMS
}

// Balanced reports whether the accounting adds up.
func (t TimeAccount) Balanced() bool {
	return t.ValidMS-t.CappedMS-t.DroppedMS+t.RunningMS == t.ImportedMS
}

// Problem is one value the original allowed and we do not, and what the
// import did about it.
type Problem struct {
	Row     string // e.g. `task 12 "Refactor…" (2025-06-11)`
	Problem string
	Action  string
}

// WriteText writes the report for people: every user with what was
// imported and every problem with what was done, then a summary whose time
// line accounts for every millisecond.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	did := "imported"
	if r.DryRun {
		did = "would import"
	}
	fmt.Fprintf(&b, "Legacy import from %s (naive timestamps read in %s)\n", r.Source, r.Timezone)
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
	state := map[string]string{"new": "new account", "updated": "imported before; new rows added",
		"unchanged": "imported before; nothing new"}[u.State]
	fmt.Fprintf(b, "user %d %q → %q (%s): %s\n", u.LegacyID, u.LegacyUsername, u.Username, id, state)
	c := u.Counts
	fmt.Fprintf(b, "  %s: %s\n", did, reportCounts(c))
	if c.AlreadyThere > 0 {
		fmt.Fprintf(b, "  already imported by an earlier run: %s\n", plural(c.AlreadyThere, "row"))
	}
	if u.Time != (TimeAccount{}) {
		fmt.Fprintf(b, "  time: %s\n", reportTime(u.Time))
	}
	if len(u.Problems) > 0 {
		fmt.Fprintf(b, "  problems (%d):\n", len(u.Problems))
		writeProblems(b, u.Problems)
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
	fmt.Fprintf(b, "  %s: %s\n", did, reportCounts(r.Totals))
	if r.Totals.AlreadyThere > 0 {
		fmt.Fprintf(b, "  already imported by an earlier run: %s\n", plural(r.Totals.AlreadyThere, "row"))
	}
	fmt.Fprintf(b, "  problems found: %d\n", r.Totals.Problems)
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

// reportTime shows the accounting in exact milliseconds.
func reportTime(t TimeAccount) string {
	s := fmt.Sprintf("valid time_spent %s ms", group(t.ValidMS))
	if t.CappedMS != 0 {
		s += fmt.Sprintf(" − capped %s ms", group(t.CappedMS))
	}
	if t.DroppedMS != 0 {
		s += fmt.Sprintf(" − tasks not imported %s ms", group(t.DroppedMS))
	}
	if t.RunningMS != 0 {
		s += fmt.Sprintf(" + running timers %s ms", group(t.RunningMS))
	}
	s += fmt.Sprintf(" = imported %s ms (%s)", group(t.ImportedMS), exactMS(t.ImportedMS))
	if t.NegativeMS != 0 {
		s += fmt.Sprintf("; negative time_spent not imported: %s ms", group(t.NegativeMS))
	}
	return s
}

// group writes a number with thousands separators: 20,000.
func group(n int64) string { return message.NewPrinter(language.English).Sprint(n) }

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

// local writes an instant as the original's users saw it, to the
// millisecond when there is one.
func (im *importer) local(t time.Time) string {
	s := t.In(im.loc).Format("2006-01-02 15:04:05.000")
	return strings.TrimSuffix(s, ".000")
}
