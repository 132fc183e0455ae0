package web

// Insights: GET /api/v1/stats, GET /api/v1/achievements, the /achievements
// page (its server-rendered SVG charts are built in charts.go, each with a
// table for screen readers) and the profile's statistics summary.

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// insightStore is what the insight handlers need.
type insightStore interface {
	Insights(ctx context.Context, user *focusflow.User, from, to string) (*focusflow.Insights, error)
	Achievements(ctx context.Context, user *focusflow.User) ([]focusflow.Achievement, error)
	Summary(ctx context.Context, user *focusflow.User) (*focusflow.Summary, error)
	TagReport(ctx context.Context, user *focusflow.User, from, to string) (*focusflow.TagReport, error)
}

func (s *Server) insightRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /api/v1/stats", s.requireUser(s.apiStats))
	handle("GET /api/v1/achievements", s.requireUser(s.apiAchievements))
	handle("GET /achievements", s.requireUser(s.achievementsPage))
}

// statsDefinitions document the figures in every stats response.
var statsDefinitions = map[string]string{
	"day": "A calendar date in your time zone. A task counts on its own date; focus time counts on the local " +
		"day (and hour) in which it happened, so an entry across midnight is split between the two days. " +
		"After a time-zone change, task dates stay and focus time is re-bucketed in the new zone.",
	"focus_ms": "Focus time in milliseconds: timer entries, capped entries up to the cap, and manual entries " +
		"(also reported on their own as manual_ms). The running timer counts up to now (or its cap).",
	"streak": "Completed-task streak: the number of consecutive days, ending today — or yesterday if today has " +
		"no completed task yet — with at least one completed task. longest is the longest such run ever, " +
		"up to today (the most recent one on a tie), whatever the range asked for.",
	"focus_streak": "Focus streak: the number of consecutive days, ending today — or yesterday if today has not " +
		"reached it yet — on which focus time reached the daily goal (your current goal, applied to every " +
		"day). longest is the longest such run ever, up to today, whatever the range asked for.",
	"days_active": "Days with any focus time or at least one completed task.",
	"goal_days":   "Days whose focus time reached the daily goal.",
	"sessions": "Focus sessions whose phases began in the range: planned_phases are focus phases with a planned " +
		"length (countdown, pomodoro), completed_phases those that ran to their planned end (not skipped or stopped), " +
		"breaks the breaks taken (skipped ones included) and break_ms their time, cycles the long breaks reached " +
		"(full pomodoro cycles). Breaks are never focus time.",
	"plan": "Plan versus reality over the last 30 days, for tasks with a planned start time and duration. " +
		"Lateness is the first timer start minus the planned start in your time zone (negative: early), " +
		"averaged over tasks that have a timer entry; on time means within 5 minutes either side. " +
		"efficiency_percent is the spent time of completed planned tasks over their estimates " +
		"(100 = as planned, above 100 = took longer).",
	"by_tag": byTagDefinition,
}

// --- JSON shapes ---

type statsTotalsJSON struct {
	Tasks          int     `json:"tasks"`
	Completed      int     `json:"completed"`
	CompletionRate float64 `json:"completion_rate"`
	FocusMS        int64   `json:"focus_ms"`
	ManualMS       int64   `json:"manual_ms"`
	DaysActive     int     `json:"days_active"`
	GoalDays       int     `json:"goal_days"`
}

type statsDayJSON struct {
	Date      string `json:"date"`
	FocusMS   int64  `json:"focus_ms"`
	ManualMS  int64  `json:"manual_ms"`
	Total     int    `json:"total"`
	Completed int    `json:"completed"`
	GoalMet   bool   `json:"goal_met"`
}

type statsWeekdayJSON struct {
	Weekday   int    `json:"weekday"` // ISO 8601: 1 = Monday … 7 = Sunday
	Name      string `json:"name"`
	Days      int    `json:"days"`
	FocusMS   int64  `json:"focus_ms"`
	ManualMS  int64  `json:"manual_ms"`
	Total     int    `json:"total"`
	Completed int    `json:"completed"`
}

type statsHourJSON struct {
	Hour    int   `json:"hour"`
	FocusMS int64 `json:"focus_ms"`
}

type statsMonthJSON struct {
	Month      string `json:"month"`
	Days       int    `json:"days"`
	DaysActive int    `json:"days_active"`
	FocusMS    int64  `json:"focus_ms"`
	ManualMS   int64  `json:"manual_ms"`
	Total      int    `json:"total"`
	Completed  int    `json:"completed"`
}

type streakJSON struct {
	Current      int     `json:"current"`
	Longest      int     `json:"longest"`
	LongestStart *string `json:"longest_start"`
	LongestEnd   *string `json:"longest_end"`
}

type planDayJSON struct {
	Date       string `json:"date"`
	Planned    int    `json:"planned_tasks"`
	EstimateMS int64  `json:"estimate_ms"`
	SpentMS    int64  `json:"spent_ms"`
}

type planJSON struct {
	From              string        `json:"from"`
	To                string        `json:"to"`
	Planned           int           `json:"planned_tasks"`
	Started           int           `json:"started_tasks"`
	OnTime            int           `json:"on_time_tasks"`
	AverageLatenessMS *int64        `json:"average_lateness_ms"`
	Completed         int           `json:"completed_tasks"`
	EstimateMS        int64         `json:"estimate_ms"`
	SpentMS           int64         `json:"spent_ms"`
	EfficiencyPercent *int          `json:"efficiency_percent"`
	Days              []planDayJSON `json:"days"`
}

type goalDayJSON struct {
	Date        string `json:"date"`
	FocusMS     int64  `json:"focus_ms"`
	GoalPercent int    `json:"goal_percent"`
	Met         bool   `json:"met"`
}

type goalJSON struct {
	GoalMS int64         `json:"goal_ms"`
	Today  goalDayJSON   `json:"today"`
	Week   []goalDayJSON `json:"week"`
}

type statsJSON struct {
	From        string             `json:"from"`
	To          string             `json:"to"`
	Today       string             `json:"today"`
	Timezone    string             `json:"timezone"`
	Totals      statsTotalsJSON    `json:"totals"`
	Days        []statsDayJSON     `json:"days"`
	Weekdays    []statsWeekdayJSON `json:"weekdays"`
	Hours       []statsHourJSON    `json:"hours"`
	Months      []statsMonthJSON   `json:"months"`
	Streak      streakJSON         `json:"streak"`
	FocusStreak streakJSON         `json:"focus_streak"`
	Plan        planJSON           `json:"plan"`
	Sessions    sessionStatsJSON   `json:"sessions"`
	Goal        goalJSON           `json:"goal"`
	ByTag       *tagReportJSON     `json:"by_tag,omitempty"` // with include=by_tag
	Definitions map[string]string  `json:"definitions"`
	ServerTime  string             `json:"server_time"`
}

type sessionStatsJSON struct {
	PlannedPhases   int   `json:"planned_phases"`
	CompletedPhases int   `json:"completed_phases"`
	Breaks          int   `json:"breaks"`
	BreakMS         int64 `json:"break_ms"`
	Cycles          int   `json:"cycles"`
}

func optDate(d string) *string {
	if d == "" {
		return nil
	}
	return &d
}

func toStreakJSON(s focusflow.StreakStats) streakJSON {
	return streakJSON{Current: s.Current, Longest: s.Longest, LongestStart: optDate(s.LongestStart), LongestEnd: optDate(s.LongestEnd)}
}

func completionRate(completed, total int) float64 {
	if total == 0 {
		return 0
	}
	return math.Round(float64(completed)/float64(total)*10000) / 10000
}

func efficiencyPercent(p focusflow.PlanStats) *int {
	if p.Estimate <= 0 || p.Completed == 0 {
		return nil
	}
	v := int(math.Round(float64(p.Spent) / float64(p.Estimate) * 100))
	return &v
}

func goalDay(d focusflow.DayStats, goal time.Duration) goalDayJSON {
	return goalDayJSON{Date: d.Date, FocusMS: d.Focus.Milliseconds(), GoalPercent: goalPercent(d.Focus, goal),
		Met: goal > 0 && d.Focus >= goal}
}

func (s *Server) toStatsJSON(st *focusflow.Insights, tz string) statsJSON {
	out := statsJSON{From: st.From, To: st.To, Today: st.Today, Timezone: tz,
		Totals: statsTotalsJSON{Tasks: st.Totals.Tasks, Completed: st.Totals.Completed,
			CompletionRate: completionRate(st.Totals.Completed, st.Totals.Tasks),
			FocusMS:        st.Totals.Focus.Milliseconds(), ManualMS: st.Totals.Manual.Milliseconds(),
			DaysActive: st.Totals.DaysActive, GoalDays: st.Totals.GoalDays},
		Days:        make([]statsDayJSON, len(st.Days)),
		Streak:      toStreakJSON(st.Streak),
		FocusStreak: toStreakJSON(st.FocusStreak),
		ByTag:       toTagReportJSON(st.ByTag),
		Definitions: statsDefinitions,
		ServerTime:  apiTime(s.now()),
	}
	for i, d := range st.Days {
		out.Days[i] = statsDayJSON{Date: d.Date, FocusMS: d.Focus.Milliseconds(), ManualMS: d.Manual.Milliseconds(),
			Total: d.Total, Completed: d.Completed, GoalMet: st.Goal > 0 && d.Focus >= st.Goal}
	}
	for i, w := range st.Weekdays {
		out.Weekdays = append(out.Weekdays, statsWeekdayJSON{Weekday: i + 1, Name: w.Weekday.String(), Days: w.Days,
			FocusMS: w.Focus.Milliseconds(), ManualMS: w.Manual.Milliseconds(), Total: w.Total, Completed: w.Completed})
	}
	for h, d := range st.Hours {
		out.Hours = append(out.Hours, statsHourJSON{Hour: h, FocusMS: d.Milliseconds()})
	}
	out.Months = make([]statsMonthJSON, len(st.Months))
	for i, m := range st.Months {
		out.Months[i] = statsMonthJSON{Month: m.Month, Days: m.Days, DaysActive: m.DaysActive, FocusMS: m.Focus.Milliseconds(),
			ManualMS: m.Manual.Milliseconds(), Total: m.Total, Completed: m.Completed}
	}
	p := st.Plan
	out.Plan = planJSON{From: p.From, To: p.To, Planned: p.Planned, Started: p.Started, OnTime: p.OnTime,
		Completed: p.Completed, EstimateMS: p.Estimate.Milliseconds(), SpentMS: p.Spent.Milliseconds(),
		EfficiencyPercent: efficiencyPercent(p), Days: make([]planDayJSON, len(p.Days))}
	if p.Started > 0 {
		late := p.Lateness.Milliseconds()
		out.Plan.AverageLatenessMS = &late
	}
	for i, d := range p.Days {
		out.Plan.Days[i] = planDayJSON{Date: d.Date, Planned: d.Planned, EstimateMS: d.Estimate.Milliseconds(), SpentMS: d.Spent.Milliseconds()}
	}
	ss := st.Sessions
	out.Sessions = sessionStatsJSON{PlannedPhases: ss.PlannedPhases, CompletedPhases: ss.CompletedPhases, Breaks: ss.Breaks,
		BreakMS: ss.BreakTime.Milliseconds(), Cycles: ss.Cycles}
	out.Goal = goalJSON{GoalMS: st.Goal.Milliseconds(), Today: goalDay(st.GoalToday, st.Goal)}
	for _, d := range st.GoalWeek {
		out.Goal.Week = append(out.Goal.Week, goalDay(d, st.Goal))
	}
	return out
}

type progressJSONA struct {
	Current int    `json:"current"`
	Target  int    `json:"target"`
	Unit    string `json:"unit"`
}

type achievementJSON struct {
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Category    string        `json:"category"`
	Unlocked    bool          `json:"unlocked"`
	UnlockedAt  *string       `json:"unlocked_at"`
	Progress    progressJSONA `json:"progress"`
}

// --- handlers ---

// statsRange reads ?from= and ?to= (default: the last 365 days ending
// today in the user's zone).
func statsRange(r *http.Request, today string) (from, to string, err error) {
	return rangeParams(r, today, "from", "to")
}

// statsIncludes reads ?include=, a comma-separated list of the optional
// parts of the stats: by_tag is the only one. The breakdown by tag reads
// every task and time entry of the range, where the rest of the stats
// read only per-day figures, so a client asks for it when it shows it.
func statsIncludes(r *http.Request) (byTag bool, err error) {
	for _, v := range r.URL.Query()["include"] {
		for part := range strings.SplitSeq(v, ",") {
			if part != "by_tag" {
				return false, focusflow.Invalid("include", "include can only list by_tag, not %q.", focusflow.Shorten(part, 40))
			}
			byTag = true
		}
	}
	return byTag, nil
}

// rangeParams reads a range of dates from the query parameters fromKey
// and toKey: by default the DefaultStatsDays days ending today.
func rangeParams(r *http.Request, today, fromKey, toKey string) (from, to string, err error) {
	q := r.URL.Query()
	to = today
	if v := q.Get(toKey); v != "" || q.Has(toKey) {
		if to, err = dateParam(toKey, v); err != nil {
			return "", "", err
		}
	}
	if v := q.Get(fromKey); v != "" || q.Has(fromKey) {
		if from, err = dateParam(fromKey, v); err != nil {
			return "", "", err
		}
	} else {
		from = localdate.AddDays(to, 1-focusflow.DefaultStatsDays)
	}
	f, _ := localdate.ParseDate(from)
	t, _ := localdate.ParseDate(to)
	if f.After(t) {
		return "", "", focusflow.Invalid(fromKey, "%s (%s) must not be after %s (%s).", fromKey, from, toKey, to)
	}
	if days := int(t.Sub(f).Hours()/24) + 1; days > focusflow.MaxStatsDays {
		return "", "", focusflow.Invalid(fromKey, "The range is %d days long; it can be at most %d days.", days, focusflow.MaxStatsDays)
	}
	return from, to, nil
}

func (s *Server) apiStats(w http.ResponseWriter, r *http.Request, a *authState) {
	from, to, err := statsRange(r, localdate.Today(s.now(), a.user.Location()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byTag, err := statsIncludes(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.store.Insights(r.Context(), a.user, from, to)
	if err == nil && byTag {
		st.ByTag, err = s.store.TagReport(r.Context(), a.user, from, to)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, s.toStatsJSON(st, a.user.Location().String()))
}

func toAchievementsJSON(list []focusflow.Achievement) []achievementJSON {
	out := make([]achievementJSON, len(list))
	for i, a := range list {
		out[i] = achievementJSON{ID: a.ID, Name: a.Name, Description: a.Description, Category: a.Category,
			Unlocked: a.Unlocked, UnlockedAt: optTime(a.UnlockedAt),
			Progress: progressJSONA{Current: a.Current, Target: a.Target, Unit: a.Unit}}
	}
	return out
}

func (s *Server) apiAchievements(w http.ResponseWriter, r *http.Request, a *authState) {
	list, err := s.store.Achievements(r.Context(), a.user)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unlocked := 0
	for _, x := range list {
		if x.Unlocked {
			unlocked++
		}
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"achievements": toAchievementsJSON(list),
		"unlocked": unlocked, "total": len(list)})
}

// --- the page ---

func (s *Server) achievementsPage(w http.ResponseWriter, r *http.Request, a *authState) {
	ctx := r.Context()
	today := localdate.Today(s.now(), a.user.Location())
	st, err := s.store.Insights(ctx, a.user, localdate.AddDays(today, 1-focusflow.DefaultStatsDays), today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.store.Achievements(ctx, a.user)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := buildInsightsView(st, list, a.user.Location())
	if v.ByTag, err = s.pageTagReport(r, a.user, today, st.From, st.To); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "achievements", page{Title: "Achievements", Data: v})
}

// profileStats is the profile's statistics summary.
func (s *Server) profileStats(ctx context.Context, user *focusflow.User) (any, error) {
	sum, err := s.store.Summary(ctx, user)
	if err != nil {
		return nil, err
	}
	return profileStatsView{
		Tasks: sum.Tasks, Completed: sum.Completed, CompletionPercent: percentOf(sum.Completed, sum.Tasks),
		Focus: formatDuration(sum.Focus), Manual: formatDuration(sum.Manual), HasManual: sum.Manual > 0,
		DaysActive: sum.DaysActive, GoalDays: sum.GoalDays,
		Streak: sum.Streak.Current, LongestStreak: sum.Streak.Longest,
		FocusStreak: sum.FocusStreak.Current, LongestFocusStreak: sum.FocusStreak.Longest,
		Achievements: sum.Achievements, AchievementsTotal: sum.AchievementsTotal,
		MemberSince: user.CreatedAt, Goal: formatDuration(user.DailyGoal),
	}, nil
}

type profileStatsView struct {
	Tasks, Completed, CompletionPercent int
	Focus, Manual                       string
	HasManual                           bool
	DaysActive, GoalDays                int
	Streak, LongestStreak               int
	FocusStreak, LongestFocusStreak     int
	Achievements, AchievementsTotal     int
	MemberSince                         time.Time
	Goal                                string
}

func percentOf(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return int(math.Round(float64(part) * 100 / float64(whole)))
}

// formatDuration writes a duration the way people say it: "1 h 25 min",
// "45 min", "0 min".
func formatDuration(d time.Duration) string {
	m := int64(d / time.Minute)
	if m < 60 {
		return strconv.FormatInt(m, 10) + " min"
	}
	if m%60 == 0 {
		return strconv.FormatInt(m/60, 10) + " h"
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

func formatLateness(d time.Duration) string {
	switch {
	case d.Abs() < time.Minute:
		return "on time"
	case d < 0:
		return formatDuration(-d) + " early"
	}
	return formatDuration(d) + " late"
}

// --- view model: numbers and labels computed here, so the templates only
// place them ---

type insightsView struct {
	From, To, Today string
	Goal            string
	Totals          []factView
	Heatmap         heatmapView
	Weekdays        barChart
	Hours           barChart
	Months          barChart
	Plan            planView
	Sessions        []factView
	Week            []goalDayView
	Achievements    []achievementView
	Unlocked, Total int
	Definitions     map[string]string
	ByTag           tagReportView
}

type factView struct {
	Label, Value, Note string
}

type goalDayView struct {
	Date, Label, Focus string
	Percent, Capped    int // Capped: percent limited to 100 for <progress>
	Met                bool
}

type achievementView struct {
	ID, Name, Description, Category string
	Unlocked                        bool
	UnlockedAt                      time.Time
	UnlockedLabel                   string // in the user's zone
	Current, Target                 int
	Progress                        string
}

func buildInsightsView(st *focusflow.Insights, list []focusflow.Achievement, loc *time.Location) insightsView {
	v := insightsView{From: st.From, To: st.To, Today: st.Today, Goal: formatDuration(st.Goal),
		Definitions: statsDefinitions}
	t := st.Totals
	v.Totals = []factView{
		{"Tasks completed", fmt.Sprintf("%d of %d", t.Completed, t.Tasks), fmt.Sprintf("%d%%", percentOf(t.Completed, t.Tasks))},
		{"Focus time", formatDuration(t.Focus), manualNote(t.Manual)},
		{"Days active", strconv.Itoa(t.DaysActive), ""},
		{"Days at goal", strconv.Itoa(t.GoalDays), "goal " + formatDuration(st.Goal)},
		{"Current streak", days(st.Streak.Current), "longest " + days(st.Streak.Longest)},
		{"Focus streak", days(st.FocusStreak.Current), "longest " + days(st.FocusStreak.Longest)},
	}
	v.Heatmap = buildHeatmap(st)
	v.Weekdays = buildWeekdayChart(st)
	v.Hours = buildHourChart(st)
	v.Months = buildMonthChart(st)
	v.Plan = buildPlanView(st.Plan)
	ss := st.Sessions
	v.Sessions = []factView{
		{"Focus phases finished as planned", fmt.Sprintf("%d of %d", ss.CompletedPhases, ss.PlannedPhases),
			fmt.Sprintf("%d%%", percentOf(ss.CompletedPhases, ss.PlannedPhases))},
		{"Breaks taken", strconv.Itoa(ss.Breaks), formatDuration(ss.BreakTime)},
		{"Full cycles", strconv.Itoa(ss.Cycles), "a long break reached"},
	}
	for _, d := range st.GoalWeek {
		g := goalDayView{Date: d.Date, Label: dayLabel(d.Date, "Mon 2 Jan"), Focus: formatDuration(d.Focus),
			Percent: goalPercent(d.Focus, st.Goal), Met: st.Goal > 0 && d.Focus >= st.Goal}
		g.Capped = min(g.Percent, 100)
		v.Week = append(v.Week, g)
	}
	for _, a := range list {
		av := achievementView{ID: a.ID, Name: a.Name, Description: a.Description, Category: a.Category,
			Unlocked: a.Unlocked, UnlockedAt: a.UnlockedAt, Current: a.Current, Target: a.Target}
		if a.Unlocked {
			av.UnlockedLabel = a.UnlockedAt.In(loc).Format("2 Jan 2006")
		}
		av.Progress = fmt.Sprintf("%d of %d %s", a.Current, a.Target, a.Unit)
		if a.Unlocked {
			v.Unlocked++
		}
		v.Achievements = append(v.Achievements, av)
	}
	v.Total = len(list)
	return v
}

func manualNote(d time.Duration) string {
	if d <= 0 {
		return "no manual time"
	}
	return "of which manual " + formatDuration(d)
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}

func dayLabel(date, layout string) string {
	d, err := localdate.ParseDate(date)
	if err != nil {
		return date
	}
	return d.Format(layout)
}

type planView struct {
	Chart      barChart
	Facts      []factView
	HasPlanned bool
}

func buildPlanView(p focusflow.PlanStats) planView {
	v := planView{HasPlanned: p.Planned > 0, Chart: buildPlanChart(p)}
	late := "—"
	if p.Started > 0 {
		late = formatLateness(p.Lateness)
	}
	eff := "—"
	if e := efficiencyPercent(p); e != nil {
		eff = fmt.Sprintf("%d%%", *e)
	}
	v.Facts = []factView{
		{"Planned tasks", strconv.Itoa(p.Planned), "with a start time and a duration"},
		{"Average start", late, fmt.Sprintf("over %d tasks started with the timer", p.Started)},
		{"Started on time", fmt.Sprintf("%d of %d", p.OnTime, p.Started), "within 5 minutes"},
		{"Spent versus estimate", eff, fmt.Sprintf("%s spent on %s planned (%d completed tasks)",
			formatDuration(p.Spent), formatDuration(p.Estimate), p.Completed)},
	}
	return v
}
