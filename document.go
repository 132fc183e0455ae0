package focusflow

import (
	"fmt"
	"time"
)

// The export document: everything a user owns, as one versioned JSON
// document that an import loads back (into the same account or another).
//
// Rows carry refs ("t12", "e40", "n3", "a7": a letter and the row's id in
// the exporting database) and the document names the exporting account by
// an opaque, stable reference. Re-importing into the same account skips
// the rows whose ids still exist for it; importing into another account
// creates them anew and remembers the refs, so importing the same document
// there twice creates nothing the second time.
//
// What it holds is the user's own history, so it keeps each time entry's
// source (timer, manual, capped, imported): relabelling would make the
// export–import round trip lossy. The document is still client-supplied,
// so its entries pass the same checks as manual ones (in the past, at most
// 24 hours, overlapping nothing), which gives no power a user lacks already,
// and its phases must be what the timer's rules can record.
// A running timer's current stretch is not exported (it is not finished),
// and a task that was in progress arrives paused. Achievements are not part
// of it: they are recomputed from the data.
//
// Version 2 added focus sessions: the session settings and signals in the
// profile, and the finished phases (focus and breaks; breaks are kept
// there only, never as time entries). Version 3 added the planner: the
// account's tags and which task carries which (task_tags). Version 4
// added recurring tasks (series with their tags and skipped days, and
// which tasks are occurrences of which series) and the profile's time
// format and carry-forward setting. An import reads every version up to
// ExportVersion, each with exactly its own fields.
const (
	ExportFormat  = "focusflow-export"
	ExportVersion = 4
)

// ExportDoc is the document. Field names are a contract: a document of
// every earlier version must stay readable.
type ExportDoc struct {
	Format     string           `json:"format"`
	Version    int              `json:"version"`
	ExportedAt string           `json:"exported_at"`
	Account    string           `json:"account"`
	Profile    ExportProfile    `json:"profile"`
	Tasks      []ExportTask     `json:"tasks"`
	Entries    []ExportEntry    `json:"time_entries"`
	DayNotes   []ExportDayNote  `json:"day_notes"`
	Notes      []ExportNote     `json:"notes"`
	Activity   []ExportActivity `json:"activity"`
	// Phases are version 2's; nil in a version 1 document.
	Phases []ExportPhase `json:"phases"`
	// Tags and TaskTags are version 3's; nil in earlier documents.
	Tags     []ExportTag     `json:"tags"`
	TaskTags []ExportTaskTag `json:"task_tags"`
	// Series and Occurrences are version 4's; nil in earlier documents.
	// They come after the tags the series give their occurrences.
	Series      []ExportSeries     `json:"series"`
	Occurrences []ExportOccurrence `json:"occurrences"`
}

// ExportSeries is a recurring task: its repeat rule, with the API's field
// names and rules (SeriesRule), the template its occurrences are copied
// from, the tags they are given, and the days whose occurrence the user
// deleted (SkippedDates, within the rule's days), which are not created
// again. EndDate null: the rule runs to its cap.
type ExportSeries struct {
	Ref             string   `json:"ref"`
	Repeat          string   `json:"repeat"`
	Interval        int      `json:"interval"`
	Weekdays        []string `json:"weekdays"`
	MonthDay        int      `json:"month_day"`
	StartDate       string   `json:"start_date"`
	EndDate         *string  `json:"end_date"`
	Title           string   `json:"title"`
	Description     string   `json:"description"`
	StartTime       *string  `json:"start_time"`
	DurationMinutes *int     `json:"duration_minutes"`
	TagRefs         []string `json:"tag_refs"`
	SkippedDates    []string `json:"skipped_dates"`
	CreatedAt       string   `json:"created_at"`
}

// ExportOccurrence says that a task was created by a series' rule for
// Date (which stays when the task moves to another day), and whether it
// was edited on its own (Detached), so that changes to the series leave
// it alone. SeriesRef is null once the series was deleted: the task
// still counts as an occurrence.
type ExportOccurrence struct {
	TaskRef   string  `json:"task_ref"`
	SeriesRef *string `json:"series_ref"`
	Date      string  `json:"date"`
	Detached  bool    `json:"detached"`
}

// ExportTag is one of the account's tags. Its name is unique in the
// document ignoring case and accents (Fold); an import gives a task the
// account's tag of that name when there is one.
type ExportTag struct {
	Ref       string `json:"ref"`
	Name      string `json:"name"`
	Color     string `json:"color"`
	CreatedAt string `json:"created_at"`
}

// ExportTaskTag puts a tag on a task.
type ExportTaskTag struct {
	TaskRef string `json:"task_ref"`
	TagRef  string `json:"tag_ref"`
}

// ExportProfile holds the account's settings. Username, email and join
// date are for the reader; an import never changes them.
type ExportProfile struct {
	Username    string `json:"username"`
	Email       string `json:"email"`
	CreatedAt   string `json:"created_at"`
	Timezone    string `json:"timezone"`
	Theme       string `json:"theme"`
	DailyGoalMS int64  `json:"daily_goal_ms"`
	TimerCapMS  int64  `json:"timer_cap_ms"`
	FocusMode   bool   `json:"focus_mode"`
	// Session and Signals are version 2's; nil in a version 1 document.
	Session *ExportSession `json:"session,omitempty"`
	Signals *ExportSignals `json:"signals,omitempty"`
	// TimeFormat and CarryForward are version 4's; nil in earlier ones.
	TimeFormat   *string `json:"time_format,omitempty"`
	CarryForward *bool   `json:"carry_forward_auto,omitempty"`
}

// ExportSession is the account's session plan (SessionPlan), in minutes.
type ExportSession struct {
	Mode              string `json:"mode"`
	FocusMinutes      int    `json:"focus_minutes"`
	ShortBreakMinutes int    `json:"short_break_minutes"`
	LongBreakMinutes  int    `json:"long_break_minutes"`
	LongBreakEvery    int    `json:"long_break_every"`
	FlowBreakRatio    int    `json:"flow_break_ratio"`
	AutoStartBreaks   bool   `json:"auto_start_breaks"`
	AutoStartFocus    bool   `json:"auto_start_focus"`
}

// ExportSessionOf is p as the document writes it.
func ExportSessionOf(p SessionPlan) *ExportSession {
	return &ExportSession{Mode: p.Mode, FocusMinutes: int(p.Focus / time.Minute),
		ShortBreakMinutes: int(p.ShortBreak / time.Minute), LongBreakMinutes: int(p.LongBreak / time.Minute),
		LongBreakEvery: p.LongBreakEvery, FlowBreakRatio: p.FlowRatio, AutoStartBreaks: p.AutoBreaks,
		AutoStartFocus: p.AutoFocus}
}

// Plan is the session plan s describes, unchecked (SessionPlan.Validate).
func (s *ExportSession) Plan() SessionPlan {
	return SessionPlan{Mode: s.Mode, Focus: wholeMinutes(s.FocusMinutes), ShortBreak: wholeMinutes(s.ShortBreakMinutes),
		LongBreak: wholeMinutes(s.LongBreakMinutes), LongBreakEvery: s.LongBreakEvery, FlowRatio: s.FlowBreakRatio,
		AutoBreaks: s.AutoStartBreaks, AutoFocus: s.AutoStartFocus}
}

// wholeMinutes is n minutes, or -1 (which no plan allows) for a number
// of minutes so large that the duration would wrap around.
func wholeMinutes(n int) time.Duration {
	if n < 0 || n > int(MaxPhase/time.Minute) {
		return -1
	}
	return time.Duration(n) * time.Minute
}

// ExportSignals are the account's Signals.
type ExportSignals struct {
	SoundVolume int  `json:"sound_volume"`
	SoundMuted  bool `json:"sound_muted"`
	Notify      bool `json:"notify"`
}

// ExportSignalsOf is g as the document writes it.
func ExportSignalsOf(g Signals) *ExportSignals {
	return &ExportSignals{SoundVolume: g.Volume, SoundMuted: g.Muted, Notify: g.Notify}
}

// Signals are the signals g describes, unchecked (UserSettings.Validate).
func (g *ExportSignals) Signals() Signals {
	return Signals{Volume: g.SoundVolume, Muted: g.SoundMuted, Notify: g.Notify}
}

// ExportTask is a task; its spent time is the sum of its time entries.
type ExportTask struct {
	Ref             string  `json:"ref"`
	Date            string  `json:"date"`
	Title           string  `json:"title"`
	Description     string  `json:"description"`
	StartTime       *string `json:"start_time"`
	DurationMinutes *int    `json:"duration_minutes"`
	Status          string  `json:"status"`
	Position        int     `json:"position"`
	SpentMS         int64   `json:"spent_ms"`
	CompletedAt     *string `json:"completed_at"`
	CreatedAt       string  `json:"created_at"`
}

// ExportEntry is a closed time entry of a task.
type ExportEntry struct {
	Ref        string `json:"ref"`
	TaskRef    string `json:"task_ref"`
	StartedAt  string `json:"started_at"`
	EndedAt    string `json:"ended_at"`
	DurationMS int64  `json:"duration_ms"`
	Source     string `json:"source"`
}

// ExportDayNote is a day's free-text note.
type ExportDayNote struct {
	Date      string `json:"date"`
	Text      string `json:"text"`
	UpdatedAt string `json:"updated_at"`
}

// ExportNote is a typed note.
type ExportNote struct {
	Ref       string `json:"ref"`
	Date      string `json:"date"`
	Type      string `json:"type"`
	Title     string `json:"title"`
	Content   string `json:"content"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// ExportActivity is a line of a day's activity log.
type ExportActivity struct {
	Ref     string  `json:"ref"`
	Date    string  `json:"date"`
	At      string  `json:"at"`
	Kind    string  `json:"kind"`
	Message string  `json:"message"`
	TaskRef *string `json:"task_ref"`
}

// ExportPhase is a finished phase of a focus session: focus, or a break.
// PlannedMS is 0 for a phase without a planned end (stopwatch and
// flowtime focus).
type ExportPhase struct {
	Ref       string  `json:"ref"`
	TaskRef   *string `json:"task_ref"`
	Kind      string  `json:"kind"`
	StartedAt string  `json:"started_at"`
	EndedAt   string  `json:"ended_at"`
	PlannedMS int64   `json:"planned_ms"`
	Outcome   string  `json:"outcome"`
}

// UserRows are the rows an account owns that the document carries. Ids
// are those of the database the rows come from: the store's own when it
// reads them for an export, the exporting database's (the numbers in the
// document's refs) in an import plan.
type UserRows struct {
	Tasks    []Task
	Entries  []TimeEntry // closed entries only
	DayNotes []DayNoteRow
	Notes    []Note
	Activity []ActivityRow // TaskID 0: the line names no task
	Phases   []PhaseRow    // finished phases, in order
	Tags     []Tag
	TaskTags []TaskTag
	// Series hold their tags by id only; a task's SeriesID, SeriesDate and
	// SeriesDetached say which series it is an occurrence of.
	Series []Series
	Skips  []SeriesSkip
}

// SeriesSkip is a day whose occurrence of a series the user deleted.
type SeriesSkip struct {
	SeriesID int64
	Date     string
}

// TaskTag is a tag on a task, by ids.
type TaskTag struct {
	TaskID, TagID int64
}

// PhaseRow is a finished phase of a focus session as stored.
type PhaseRow struct {
	ID        int64
	TaskID    int64  // 0: none, or its task was deleted
	Kind      string // PhaseFocus, PhaseShortBreak or PhaseLongBreak
	StartedAt time.Time
	EndedAt   time.Time
	Planned   time.Duration // 0: the phase had no planned end
	Outcome   string
}

// DayNoteRow is a day's note with its date.
type DayNoteRow struct {
	Date string
	DayNote
}

// ActivityRow is a line of the activity log as stored: with its id and the
// local date it belongs to.
type ActivityRow struct {
	ID   int64
	Date string
	Activity
}

// ExportRows is what the store reads for an export: the account, its
// reference in documents (stable for the account, different on every
// other instance) and its rows, from one snapshot.
type ExportRows struct {
	User    User
	Account string
	UserRows
}

// ImportPlan is a document that passed every check, as rows for the store
// to write in one transaction. Rows keep the exporting database's ids, by
// which the store recognises rows it already has; a task's Spent is not
// written (its entries make it), and every Status, CompletedAt and
// UpdatedAt is final.
type ImportPlan struct {
	// Account is the exporting account's reference (ExportDoc.Account).
	Account string
	// Settings are the document's; the store applies them only when the
	// document comes from another account (the account's own are newer
	// than its export). Session and Signals are nil for a version 1
	// document, which has none: the account keeps its own.
	Settings UserSettings
	UserRows
}

// ImportCounts count the rows of a document by kind.
type ImportCounts struct {
	Tasks       int `json:"tasks"`
	TimeEntries int `json:"time_entries"`
	DayNotes    int `json:"day_notes"`
	Notes       int `json:"notes"`
	Activity    int `json:"activity"`
	Phases      int `json:"phases"`
	Tags        int `json:"tags"`
	Series      int `json:"series"`
}

// ImportSummary says what an import did. Skipped rows were already there
// (an earlier import of the same document, or the account it came from).
type ImportSummary struct {
	SameAccount     bool         `json:"same_account"`
	SettingsApplied bool         `json:"settings_applied"`
	Created         ImportCounts `json:"created"`
	Skipped         ImportCounts `json:"skipped"`
}

// MaxImportProblems is how many problems an ImportError lists; the rest
// are only counted: a broken file can have one on every line.
const MaxImportProblems = 50

// ImportError lists everything wrong with a document, each problem naming
// where it is (tasks[3].title). It presents as EINVALID (or ECONFLICT when
// Conflict is set: the only problems are overlaps with the account's
// entries) with the first problem as message and field.
type ImportError struct {
	Problems []Error
	// More counts problems left out after the first MaxImportProblems.
	More     int
	Conflict bool
}

// Add records a problem about field.
func (e *ImportError) Add(field, format string, args ...any) {
	if len(e.Problems) >= MaxImportProblems {
		e.More++
		return
	}
	e.Problems = append(e.Problems, Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns e, or nil when it lists no problem.
func (e *ImportError) Err() error {
	if len(e.Problems) == 0 {
		return nil
	}
	return e
}

func (e *ImportError) Error() string {
	return "import: " + e.summary()
}

func (e *ImportError) summary() string {
	if len(e.Problems) == 0 {
		return "the document is not valid"
	}
	p := e.Problems[0]
	msg := p.Message
	if p.Field != "" {
		msg = p.Field + ": " + msg
	}
	if n := len(e.Problems) - 1 + e.More; n > 0 {
		msg += fmt.Sprintf(" (and %d more problem", n)
		if n > 1 {
			msg += "s"
		}
		msg += ")"
	}
	return msg
}

// As presents the error to the one error-code map.
func (e *ImportError) As(target any) bool {
	if t, ok := target.(**Error); ok {
		code := EINVALID
		if e.Conflict {
			code = ECONFLICT
		}
		field := ""
		if len(e.Problems) > 0 {
			field = e.Problems[0].Field
		}
		*t = &Error{Code: code, Message: "The document was not imported: " + e.summary(), Field: field}
		return true
	}
	return false
}
