package focusflow

import "time"

// The calendar feed: a user's planned tasks as events in the calendar
// they already use.

// Feed window and defaults.
const (
	CalendarPastDays        = 30
	CalendarFutureDays      = 90
	CalendarDefaultDuration = 30 * time.Minute // a task without an estimate
	CalendarCompletedPrefix = "✓ "
)

// CalendarTask is a task the feed shows: one with a start time. UpdatedAt
// is when it last changed, which makes the event's revision number.
type CalendarTask struct {
	Task
	UpdatedAt time.Time
}
