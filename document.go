package focusflow

import "fmt"

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
// 24 hours, overlapping nothing), which gives no power a user lacks already.
// A running timer's current stretch is not exported (it is not finished),
// and a task that was in progress arrives paused. Achievements are not part
// of it: they are recomputed from the data.
const (
	ExportFormat  = "focusflow-export"
	ExportVersion = 1
)

// ExportDoc is the document. Field names are a contract: a version 1
// document must stay readable.
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
	// than its export).
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
