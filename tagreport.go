package focusflow

import "time"

// TagFigures are one tag's figures over a range of days (or the untagged
// tasks', or every task's).
type TagFigures struct {
	Tasks     int           // tasks dated in the range
	Completed int           // … of them completed
	Focus     time.Duration // time entries' time inside the range, manual included
	// Plan versus reality: tasks of the range with a planned start time
	// and duration, their estimates and the time spent on them; of them
	// the completed ones, with their own estimates and spent time.
	Planned                           int
	PlannedEstimate, PlannedSpent     time.Duration
	PlannedCompleted                  int
	CompletedEstimate, CompletedSpent time.Duration
}

// Add adds the figures of o to f.
func (f *TagFigures) Add(o TagFigures) {
	f.Tasks += o.Tasks
	f.Completed += o.Completed
	f.Focus += o.Focus
	f.Planned += o.Planned
	f.PlannedEstimate += o.PlannedEstimate
	f.PlannedSpent += o.PlannedSpent
	f.PlannedCompleted += o.PlannedCompleted
	f.CompletedEstimate += o.CompletedEstimate
	f.CompletedSpent += o.CompletedSpent
}

// TagRow is the figures of one tag.
type TagRow struct {
	Tag Tag
	TagFigures
}

// TagReport breaks a range's figures down by tag. A task with several
// tags counts under each of them, so the rows can add up to more than
// Total, which counts every task and every entry once; Untagged is the
// tasks without a tag. Focus counts closed time entries (a running timer
// counts once it stops), split at the range's edges in the user's zone.
type TagReport struct {
	From, To    string
	Tags        []TagRow // every tag of the user, by name
	Untagged    TagFigures
	Total       TagFigures
	MultiTagged int // tasks of the range with more than one tag
}
