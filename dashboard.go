package focusflow

import "time"

// Task statuses. in-progress and paused come only from timer actions.
const (
	StatusPending    = "pending"
	StatusInProgress = "in-progress"
	StatusPaused     = "paused"
	StatusCompleted  = "completed"
)

// Task is a piece of work planned for one calendar day.
type Task struct {
	ID              int64
	UserID          int64
	Date            string // YYYY-MM-DD
	Title           string
	Description     string
	StartTime       string // HH:MM or ""
	DurationMinutes int    // 0 when not planned
	Status          string
	Position        int
	Spent           time.Duration // derived: closed entries + live part
	CompletedAt     time.Time
	CreatedAt       time.Time
}

// Time entry sources.
const (
	SourceTimer    = "timer"
	SourceManual   = "manual"
	SourceCapped   = "capped"
	SourceImported = "imported"
)

// TimeEntry is a stretch of focus on a task: the truth behind spent time.
type TimeEntry struct {
	ID        int64
	TaskID    int64
	StartedAt time.Time
	EndedAt   time.Time // zero while running
	Source    string
}

// Running reports whether the entry is still open.
func (e *TimeEntry) Running() bool { return e.EndedAt.IsZero() }

// Timer states.
const (
	TimerRunning = "running"
	TimerPaused  = "paused"
)

// Timer is a user's focus timer. A nil *Timer means idle.
type Timer struct {
	TaskID    int64
	State     string
	StartedAt time.Time     // start of the running entry; zero when paused
	Elapsed   time.Duration // the task's spent time including the live part
	Version   int64
}

// Note types.
var NoteTypes = []string{"general", "reflection", "idea", "reminder"}

// Note is a typed note on a day.
type Note struct {
	ID        int64
	Date      string
	Type      string
	Title     string
	Content   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// DayNote is the one free-text note of a day.
type DayNote struct {
	Text      string
	UpdatedAt time.Time // zero when never saved
}

// Activity kinds.
const (
	ActTaskAdded     = "task_added"
	ActTaskCompleted = "task_completed"
	ActTaskReopened  = "task_reopened"
	ActTimerStarted  = "timer_started"
	ActTimerPaused   = "timer_paused"
	ActTimerResumed  = "timer_resumed"
	ActTimerStopped  = "timer_stopped"
	ActTimerCapped   = "timer_capped"
	ActNoteAdded     = "note_added"
	ActAnomaly       = "anomaly"
)

// Activity is one line of a day's activity log.
type Activity struct {
	At      time.Time
	Kind    string
	Message string
	TaskID  int64
}

// DayStats are the per-day figures kept up to date with every write.
type DayStats struct {
	Date      string
	Focus     time.Duration // all focus time, manual included
	Manual    time.Duration
	Total     int
	Completed int
}

// Day is everything the dashboard shows for one date.
type Day struct {
	Date     string
	Tasks    []Task
	Note     DayNote
	Notes    []Note
	Activity []Activity
	Timer    *Timer
	Stats    DayStats   // this date, live timer included
	Week     []DayStats // Monday–Sunday of the date's week, live included
	Streak   int
}
