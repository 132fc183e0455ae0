package focusflow

import "time"

// Limits and windows of the insights.
const (
	// MaxStatsDays is the longest range GET /api/v1/stats accepts.
	MaxStatsDays = 3660
	// DefaultStatsDays is the default range: the last 365 days.
	DefaultStatsDays = 365
	// PlanDays is the window of plan versus reality, ending today. Deep
	// work and punctuality are judged over the same window.
	PlanDays = 30
	// OnTimeWindow: a planned task whose first timer entry starts within
	// this much of its planned start (either side) started on time.
	OnTimeWindow = 5 * time.Minute
	// DeepWorkMin is the shortest uninterrupted timer entry that counts as
	// deep work.
	DeepWorkMin = 25 * time.Minute
)

// Insights are the figures of one range of days for one user.
type Insights struct {
	From, To string // inclusive
	Today    string // the user's today
	Goal     time.Duration
	Totals   InsightTotals
	// Days lists the days of the range that have any figure, oldest first.
	Days     []DayStats
	Weekdays [7]WeekdayStats // Monday first
	Hours    [24]time.Duration
	Months   []MonthStats // every calendar month the range touches
	// All-time streaks, whatever the range.
	Streak      StreakStats // days with at least one completed task
	FocusStreak StreakStats // days whose focus time reached the daily goal
	Plan        PlanStats
	Sessions    SessionStats
	GoalToday   DayStats   // today, live timer included
	GoalWeek    []DayStats // Monday–Sunday of today's week
	ByTag       *TagReport // the range by tag
}

// SessionStats sum the focus sessions whose phases began in a range.
type SessionStats struct {
	PlannedPhases   int           // focus phases with a planned length (countdown, pomodoro)
	CompletedPhases int           // … that ran to their planned end
	Breaks          int           // breaks taken (started and ended, skipped ones included)
	BreakTime       time.Duration // time spent on them
	Cycles          int           // full pomodoro cycles: long breaks reached
}

// PhaseCount counts the recorded phases of one kind and outcome.
type PhaseCount struct {
	Kind, Outcome string
	Count         int
	Planned       int           // of them with a planned length
	Time          time.Duration // their total length
}

// InsightTotals sum a range.
type InsightTotals struct {
	Tasks, Completed int
	Focus, Manual    time.Duration // Focus includes Manual
	DaysActive       int           // days with focus time or a completed task
	GoalDays         int           // days whose focus time reached the goal
}

// WeekdayStats sum one day of the week over a range.
type WeekdayStats struct {
	Weekday          time.Weekday
	Days             int // how many of these weekdays the range has
	Focus, Manual    time.Duration
	Total, Completed int
}

// MonthStats sum one calendar month (the part inside the range).
type MonthStats struct {
	Month            string // YYYY-MM
	Days, DaysActive int
	Focus, Manual    time.Duration
	Total, Completed int
}

// StreakStats is one kind of streak: the current run ending today (or
// yesterday when today does not count yet) and the longest ever, with the
// dates of the longest (the most recent one on a tie).
type StreakStats struct {
	Current, Longest         int
	LongestStart, LongestEnd string // "" when Longest is 0
}

// PlanStats compare planned tasks (a start time and a duration) with what
// happened, over the last PlanDays days.
type PlanStats struct {
	From, To string
	Planned  int // tasks with a planned start and duration
	Started  int // … of which with a timer entry (lateness is measured)
	OnTime   int // … of which started within OnTimeWindow of the plan
	// Lateness is the average of first timer start minus planned start
	// over Started tasks; negative means early.
	Lateness time.Duration
	// Completed planned tasks: their estimates against their spent time.
	Completed       int
	Estimate, Spent time.Duration
	Days            []PlanDay // every day of the window, oldest first
}

// PlanDay is one day of plan versus reality: all planned tasks of the day.
type PlanDay struct {
	Date            string
	Planned         int
	Estimate, Spent time.Duration
}

// Achievement is one achievement as a user sees it.
type Achievement struct {
	ID, Name, Description, Category string
	Unlocked                        bool
	UnlockedAt                      time.Time // zero while locked
	Current, Target                 int       // progress, in Unit
	Unit                            string
}

// Summary is the profile's statistics: all-time totals and streaks, and
// how many achievements are unlocked.
type Summary struct {
	Tasks, Completed  int
	Focus, Manual     time.Duration // Focus includes Manual
	DaysActive        int
	GoalDays          int
	Streak            StreakStats
	FocusStreak       StreakStats
	Achievements      int // unlocked
	AchievementsTotal int
}
