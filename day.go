package focusflow

import "time"

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
	ActFocusDone     = "focus_done"     // a planned focus phase ran to its end
	ActPhaseSkipped  = "phase_skipped"  // the user ended a phase early
	ActPhaseExtended = "phase_extended" // the user added time to a phase
	ActNoteAdded     = "note_added"
	ActAnomaly       = "anomaly"
	ActTagCreated    = "tag_created"
	ActTagChanged    = "tag_changed" // renamed or recoloured
	ActTagMerged     = "tag_merged"
	ActTagDeleted    = "tag_deleted"
	ActTaskTagged    = "task_tagged"    // a task's tags changed
	ActTaskMoved     = "task_moved"     // a task moved within its day
	ActSeriesAdded   = "series_added"   // a repeating task was created
	ActSeriesChanged = "series_changed" // "this and following" changed a series
	ActSeriesEnded   = "series_ended"   // a repeating task was deleted
	ActTaskCarried   = "task_carried"   // an unfinished task moved to today
	ActTaskEdited    = "task_edited"    // title, description, estimate, start time or date changed
	ActTaskDeleted   = "task_deleted"
	ActEntryAdded    = "entry_added" // a manual time entry
	ActEntryEdited   = "entry_edited"
	ActEntryDeleted  = "entry_deleted"
	ActImported      = "imported" // a line of the original app of no known kind
)

// ActivityKinds lists every activity kind, in the order declared: the API
// documents exactly these.
func ActivityKinds() []string {
	return []string{ActTaskAdded, ActTaskCompleted, ActTaskReopened, ActTimerStarted, ActTimerPaused,
		ActTimerResumed, ActTimerStopped, ActTimerCapped, ActFocusDone, ActPhaseSkipped, ActPhaseExtended,
		ActNoteAdded, ActAnomaly, ActTagCreated, ActTagChanged, ActTagMerged, ActTagDeleted, ActTaskTagged,
		ActTaskMoved, ActSeriesAdded, ActSeriesChanged, ActSeriesEnded, ActTaskCarried, ActTaskEdited,
		ActTaskDeleted, ActEntryAdded, ActEntryEdited, ActEntryDeleted, ActImported}
}

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
	Date  string
	Tasks []Task
	Note  DayNote
	Notes []Note
	// The latest DayActivityShown lines, newest first; ActivityNext is
	// where the rest continues (nil when there is no more).
	Activity     []ActivityRow
	ActivityNext *ActivityCursor
	Timer        *Timer
	Stats        DayStats   // this date, live timer included
	Week         []DayStats // Monday–Sunday of the date's week, live included
	Streak       int
	Series       map[int64]Series // the series of the day's occurrences
}
