package focusflow

import (
	"slices"
	"strings"
	"time"
)

// Repeat kinds of a recurring task.
const (
	RepeatDaily   = "daily"   // every day
	RepeatWeekly  = "weekly"  // on chosen weekdays, every Interval weeks
	RepeatMonthly = "monthly" // on day MonthDay, clamped to the month's last day
)

// Limits of a repeat rule. A rule covers at most MaxSeriesYears from its
// start: an end date beyond is refused, and an open-ended rule stops there.
const (
	MaxSeriesYears    = 5
	MaxSeriesInterval = 52 // weeks between two repeated weeks
)

// Weekday names of a weekly rule, Monday first.
var WeekdayNames = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// SeriesRule says on which calendar days a recurring task occurs.
type SeriesRule struct {
	Kind     string
	Interval int      // weekly: weeks between repeated weeks (1 = every week); else 0
	Weekdays []string // weekly: chosen days, WeekdayNames order
	MonthDay int      // monthly: 1–31
	Start    string   // first possible day, YYYY-MM-DD
	End      string   // last possible day, "" = MaxSeriesYears after Start
}

// Validate checks the rule, normalising it in place: the weekdays are
// sorted Monday first without repeats, and fields of other kinds cleared.
func (r *SeriesRule) Validate() error {
	if err := ValidateDate("start_date", r.Start); err != nil {
		return err
	}
	if r.End != "" {
		if err := ValidateDate("end_date", r.End); err != nil {
			return err
		}
		if r.End < r.Start {
			return Invalid("end_date", "The end date cannot be before the start date.")
		}
		if last := r.CapDate(); r.End > last {
			return Invalid("end_date", "A repeating task can run for at most %d years: end by %s.", MaxSeriesYears, last)
		}
	}
	switch r.Kind {
	case RepeatDaily:
		r.Interval, r.Weekdays, r.MonthDay = 0, nil, 0
	case RepeatWeekly:
		if r.Interval == 0 {
			r.Interval = 1
		}
		if r.Interval < 1 || r.Interval > MaxSeriesInterval {
			return Invalid("interval", "Repeat every 1 to %d weeks.", MaxSeriesInterval)
		}
		days, err := normalWeekdays(r.Weekdays)
		if err != nil {
			return err
		}
		r.Weekdays, r.MonthDay = days, 0
	case RepeatMonthly:
		if r.MonthDay < 1 || r.MonthDay > 31 {
			return Invalid("month_day", "The day of the month must be between 1 and 31.")
		}
		r.Interval, r.Weekdays = 0, nil
	default:
		return Invalid("repeat", "Repeat must be \"daily\", \"weekly\" or \"monthly\".")
	}
	return nil
}

func normalWeekdays(in []string) ([]string, error) {
	var out []string
	for _, name := range WeekdayNames {
		if slices.ContainsFunc(in, func(s string) bool { return strings.EqualFold(s, name) }) {
			out = append(out, name)
		}
	}
	for _, s := range in {
		if !slices.Contains(WeekdayNames, strings.ToLower(s)) {
			return nil, Invalid("weekdays", "Unknown weekday %q; use mon, tue, wed, thu, fri, sat or sun.", Shorten(s, 20))
		}
	}
	if len(out) == 0 {
		return nil, Invalid("weekdays", "Choose at least one weekday.")
	}
	return out, nil
}

// CapDate is the last day the rule may cover: the day before the start's
// MaxSeriesYears anniversary (that of 29 February is 28 February).
func (r *SeriesRule) CapDate() string {
	start, err := ParseDate(r.Start)
	if err != nil {
		return r.Start
	}
	y, m, d := start.Date()
	anniversary := time.Date(y+MaxSeriesYears, m, 1, 0, 0, 0, 0, time.UTC)
	if last := anniversary.AddDate(0, 1, -1).Day(); d > last {
		d = last
	}
	return anniversary.AddDate(0, 0, d-2).Format(DateLayout)
}

// LastDate is the last day the rule covers: its end date or its cap.
func (r *SeriesRule) LastDate() string {
	if r.End != "" {
		return r.End
	}
	return r.CapDate()
}

// Series is a recurring task: a rule and the template each occurrence is
// copied from when it is created.
type Series struct {
	ID              int64
	UserID          int64
	Rule            SeriesRule
	Title           string
	Description     string
	StartTime       string // HH:MM or ""
	DurationMinutes int
	Tags            []Tag // copied to each occurrence; on create, the ids to set
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// ValidateNew checks a series a user creates, trimming its texts in place.
func (s *Series) ValidateNew() error {
	p := TaskPatch{Title: &s.Title, Description: &s.Description, StartTime: &s.StartTime,
		DurationMinutes: &s.DurationMinutes}
	if err := p.Validate(); err != nil {
		return err
	}
	if len(s.Tags) > 0 {
		ids, err := ValidateTagIDs("tag_ids", TagIDs(s.Tags))
		if err != nil {
			return err
		}
		s.Tags = make([]Tag, len(ids))
		for i, id := range ids {
			s.Tags[i].ID = id
		}
	}
	return s.Rule.Validate()
}

// Edit scopes of a change to an occurrence of a series.
const (
	ScopeThis      = "this"      // only this occurrence; it leaves the series' updates
	ScopeFollowing = "following" // the series from this occurrence's day on
)

// CarryForwardDays is how far back unfinished tasks are offered to move
// to today: older ones are history rather than a to-do list.
const CarryForwardDays = 30

// SeriesPatch changes a series from one of its occurrences on ("this and
// following"); nil fields stay. A new rule starts on that occurrence's day
// whatever start it names.
type SeriesPatch struct {
	Title           *string
	Description     *string
	StartTime       *string // "" clears
	DurationMinutes *int    // 0 clears
	Rule            *SeriesRule
}

// Apply makes the series that runs from date on: s with the patch applied,
// starting on date, and validates it. An end date s had stays unless the
// patch brings a rule of its own.
func (p *SeriesPatch) Apply(s *Series, date string) error {
	setIf(&s.Title, p.Title)
	setIf(&s.Description, p.Description)
	setIf(&s.StartTime, p.StartTime)
	setIf(&s.DurationMinutes, p.DurationMinutes)
	setIf(&s.Rule, p.Rule)
	s.Rule.Start = date
	return s.ValidateNew()
}
