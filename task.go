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
	Position        int           // the user's order within the day
	Tags            []Tag         // by name; on create, the ids to set
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

// TaskPatch lists the fields of a task to change; nil stays.
type TaskPatch struct {
	Title           *string
	Description     *string
	StartTime       *string // "" clears
	DurationMinutes *int    // 0 clears
	Date            *string
	Position        *int
	Status          *string  // pending (reopen) or completed
	TagIDs          *[]int64 // replaces the task's tags; empty clears
}

// Validate checks every field that is set, trimming the texts in place.
func (p *TaskPatch) Validate() error {
	var err error
	if p.Title != nil {
		if *p.Title, err = TitleText.CleanField("title", *p.Title); err != nil {
			return err
		}
	}
	if p.Description != nil {
		if *p.Description, err = DescriptionText.CleanField("description", *p.Description); err != nil {
			return err
		}
	}
	if p.StartTime != nil && *p.StartTime != "" && !ValidClock(*p.StartTime) {
		return Invalid("start_time", "Start time must be HH:MM (00:00–23:59).")
	}
	if p.DurationMinutes != nil && *p.DurationMinutes != 0 && (*p.DurationMinutes < 1 || *p.DurationMinutes > MaxDurationMinutes) {
		return Invalid("duration_minutes", "Duration must be between 1 and %d minutes.", MaxDurationMinutes)
	}
	if p.Date != nil {
		if err := ValidateDate("date", *p.Date); err != nil {
			return err
		}
	}
	if p.Position != nil && (*p.Position < 0 || *p.Position > MaxPosition) {
		return Invalid("position", "Position must be between 0 and %d.", MaxPosition)
	}
	if p.TagIDs != nil {
		ids, err := ValidateTagIDs("tag_ids", *p.TagIDs)
		if err != nil {
			return err
		}
		*p.TagIDs = ids
	}
	if p.Status != nil && *p.Status != StatusPending && *p.Status != StatusCompleted {
		return Invalid("status", "Status can be set to \"pending\" or \"completed\"; in-progress and paused come from the timer.")
	}
	return nil
}

// Apply sets the fields the patch names on t (the status is not among
// them: completing and reopening have consequences the store carries out).
func (p *TaskPatch) Apply(t *Task) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&t.Title, p.Title)
	set(&t.Description, p.Description)
	set(&t.StartTime, p.StartTime)
	set(&t.Date, p.Date)
	if p.DurationMinutes != nil {
		t.DurationMinutes = *p.DurationMinutes
	}
	if p.Position != nil {
		t.Position = *p.Position
	}
}

// ValidateNew checks a task a user creates, trimming its texts in place:
// a date and a title are required; the status and position are the
// server's.
func (t *Task) ValidateNew() error {
	p := TaskPatch{Date: &t.Date, Title: &t.Title, Description: &t.Description,
		StartTime: &t.StartTime, DurationMinutes: &t.DurationMinutes}
	if err := ValidateDate("date", t.Date); err != nil {
		return err
	}
	if len(t.Tags) > 0 {
		ids, err := ValidateTagIDs("tag_ids", TagIDs(t.Tags))
		if err != nil {
			return err
		}
		t.Tags = make([]Tag, len(ids))
		for i, id := range ids {
			t.Tags[i].ID = id
		}
	}
	return p.Validate()
}

// TagIDs returns the ids of tags.
func TagIDs(tags []Tag) []int64 {
	ids := make([]int64, len(tags))
	for i, t := range tags {
		ids[i] = t.ID
	}
	return ids
}
