package web

// The SVG charts of the /achievements page: each builder turns statistics
// into coordinates and labels, with a table equivalent for screen readers,
// so that the template only places them.

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// The heatmap's drawing units: the cells' SVG scales to its card's width
// (never narrower than hmWidth pixels; it scrolls instead), and its labels
// sit in an overlay placed in percentages, so that they keep the page's
// type size at every scale.
const (
	hmCell   = 11
	hmPitch  = 14
	hmLeft   = 32
	hmTop    = 18
	hmWeeks  = 53
	hmLevels = 5
	hmWidth  = hmLeft + hmWeeks*hmPitch
	hmHeight = hmTop + 7*hmPitch
)

type heatmapView struct {
	Width, Height int
	Cells         []heatCell
	Months        []svgLabel
	Weekdays      []svgLabel
	Rows          []heatRow // the table equivalent: active days
	Legend        []heatLegend
	Cell          int
	Summary       string
}

type heatCell struct {
	X, Y, Level int
	Today       bool
	Title       string
}

type heatRow struct {
	Date, Label, Focus, Manual string
	Completed, Total           int
	Percent                    int
}

type heatLegend struct {
	Level int
	Label string
}

// svgLabel is a text of a chart, placed by SVG lengths: percentages of the
// heatmap's drawing for its labels; a bar's label has its X only (its
// chart gives the baseline).
type svgLabel struct {
	X, Y  string
	Text  string
	Minor bool // left out where the chart is narrow
}

// barChart is a vertical bar chart with one or two series, as wide as its
// card: bars are placed in percentages of the plot's width and pixels of
// its height, so that text never scales with the chart.
type barChart struct {
	ID, Title, Desc string
	Height          int
	Base            int // the y of the plot's bottom line
	LabelY          int // baseline of the x-axis labels
	Bars            []bar
	Grid            []gridLine // y-axis labels with their line
	Series          []string   // legend names (two-series charts)
	Rows            []barRow   // table equivalent
	Columns         []string   // table headers
	Empty           bool
}

type gridLine struct {
	Y    int
	Text string
}

type bar struct {
	X, W      string // percentages of the plot's width
	Y, H      int
	X2        string // second series (plan vs reality)
	Y2, H2    int
	Label     svgLabel
	Title     string
	Title2    string
	ShowLabel bool
	Second    bool
}

type barRow struct {
	Cells []string
}

// pct formats a percentage for an SVG length.
func pct(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) + "%"
}

// heatLevel is the intensity class of a day: 0 no focus, then below half
// the goal, below the goal, up to 1.5× the goal, and beyond.
func heatLevel(focus, goal time.Duration) int {
	switch {
	case focus <= 0:
		return 0
	case goal <= 0:
		return 2
	case focus*2 < goal:
		return 1
	case focus < goal:
		return 2
	case focus*2 < goal*3:
		return 3
	}
	return 4
}

func buildHeatmap(st *focusflow.Insights) heatmapView {
	hm := heatmapView{Cell: hmCell}
	byDate := map[string]focusflow.DayStats{}
	for _, d := range st.Days {
		byDate[d.Date] = d
	}
	// The grid ends with the week of the range's last day and goes back
	// 53 weeks; days outside the range are left out.
	last, _ := localdate.ParseDate(st.To)
	end := last.AddDate(0, 0, 6-localdate.ISOWeekday(last.Weekday()))
	start := end.AddDate(0, 0, 1-7*hmWeeks)
	hm.Width, hm.Height = hmWidth, hmHeight
	prevMonth := time.Month(0)
	var monthWeeks []int
	for w := range hmWeeks {
		// A month is labelled above the first week whose Monday is in it,
		// unless too near the right edge for its name.
		if monday := start.AddDate(0, 0, w*7); monday.Month() != prevMonth {
			if w < hmWeeks-2 {
				hm.Months = append(hm.Months, hmLabel(hmLeft+w*hmPitch, hmTop-6, monday.Format("Jan")))
				monthWeeks = append(monthWeeks, w)
			}
			prevMonth = monday.Month()
		}
		for dow := range 7 {
			day := start.AddDate(0, 0, w*7+dow)
			date := day.Format(localdate.DateLayout)
			if date < st.From || date > st.To {
				continue
			}
			d := byDate[date]
			hm.Cells = append(hm.Cells, heatCell{X: hmLeft + w*hmPitch, Y: hmTop + dow*hmPitch, Level: heatLevel(d.Focus, st.Goal),
				Today: date == st.To, Title: heatTitle(day, d, st.Goal)})
			if d.Focus > 0 || d.Total > 0 {
				hm.Rows = append(hm.Rows, heatRow{Date: date, Label: day.Format("Mon 2 Jan 2006"), Focus: formatDuration(d.Focus),
					Manual: formatDuration(d.Manual), Completed: d.Completed, Total: d.Total, Percent: goalPercent(d.Focus, st.Goal)})
			}
		}
	}
	// Drop a month label crowding the first one.
	if len(monthWeeks) > 1 && monthWeeks[1]-monthWeeks[0] < 3 {
		hm.Months = hm.Months[1:]
	}
	for i, name := range []string{"Mon", "Wed", "Fri"} {
		hm.Weekdays = append(hm.Weekdays, hmLabel(hmLeft-4, hmTop+(i*2)*hmPitch+hmCell-1, name))
	}
	for lvl, label := range []string{"No focus", "Under half the goal", "Under the goal", "Goal reached", "1.5× the goal or more"} {
		hm.Legend = append(hm.Legend, heatLegend{Level: lvl, Label: label})
	}
	hm.Summary = fmt.Sprintf("%d days with focus time or tasks between %s and %s; %d days reached the daily goal.",
		len(hm.Rows), dayLabel(st.From, "2 Jan 2006"), dayLabel(st.To, "2 Jan 2006"), st.Totals.GoalDays)
	return hm
}

// hmLabel places a heatmap label given in drawing units, as percentages
// of the drawing.
func hmLabel(x, y int, text string) svgLabel {
	return svgLabel{X: pct(float64(x) * 100 / hmWidth), Y: pct(float64(y) * 100 / hmHeight), Text: text}
}

func heatTitle(day time.Time, d focusflow.DayStats, goal time.Duration) string {
	title := fmt.Sprintf("%s: %s focus", day.Format("Mon 2 Jan 2006"), formatDuration(d.Focus))
	if goal > 0 && d.Focus > 0 {
		title += fmt.Sprintf(" (%d%% of goal)", goalPercent(d.Focus, goal))
	}
	if d.Total > 0 {
		title += fmt.Sprintf(", %d of %d tasks completed", d.Completed, d.Total)
	}
	return title
}

// niceStep picks a grid step (in minutes) giving about four lines up to max.
func niceStep(maxMin float64) float64 {
	if maxMin <= 0 {
		return 15
	}
	for _, s := range []float64{5, 10, 15, 30, 60, 120, 180, 300, 600, 1200, 3000, 6000, 12000, 30000, 60000} {
		if maxMin/s <= 4 {
			return s
		}
	}
	return math.Ceil(maxMin/4/60000) * 60000
}

// axisLabel is a compact duration for chart axes: "45m", "2h", "1.5h".
func axisLabel(m float64) string {
	if m < 60 {
		return strconv.Itoa(int(m)) + "m"
	}
	return strconv.FormatFloat(math.Round(m/60*10)/10, 'f', -1, 64) + "h"
}

// Bar charts are chartHeight pixels tall: the plot from chartTop to
// chartHeight-chartBottom, the x-axis labels below it.
const chartHeight, chartTop, chartBottom = 200, 10, 26

// labelAt says whether bar i of n has its x-axis label, and whether that
// label is minor (left out where the chart is narrow).
type labelAt func(i, n int) (show, minor bool)

func everyLabel(int, int) (bool, bool) { return true, false }

// layoutBars places n bars (values in minutes). second, when non-nil, is
// a second series drawn beside each bar.
func layoutBars(c *barChart, values, second []float64, labels []string, at labelAt) {
	n := len(values)
	c.Height, c.Base = chartHeight, chartHeight-chartBottom
	c.LabelY = c.Base + 20
	plotH := c.Base - chartTop
	maxV := 0.0
	for i := range values {
		maxV = max(maxV, values[i])
		if second != nil {
			maxV = max(maxV, second[i])
		}
	}
	c.Empty = maxV == 0
	step := niceStep(maxV)
	top := math.Max(step, math.Ceil(maxV/step)*step)
	for g := 0.0; g <= top+0.001; g += step {
		c.Grid = append(c.Grid, gridLine{Y: c.Base - int(math.Round(g/top*float64(plotH))), Text: axisLabel(g)})
	}
	height := func(v float64) int { return int(math.Round(v / top * float64(plotH))) }
	slot := 100 / float64(n)
	for i := range n {
		x0 := float64(i) * slot
		b := bar{Label: svgLabel{X: pct(x0 + slot/2), Text: labels[i]}}
		b.ShowLabel, b.Label.Minor = at(i, n)
		if second == nil {
			b.X, b.W = pct(x0+slot*0.15), pct(slot*0.7)
		} else {
			b.X, b.W, b.X2 = pct(x0+slot*0.08), pct(slot*0.4), pct(x0+slot*0.52)
			b.Second = true
			b.H2 = height(second[i])
			b.Y2 = c.Base - b.H2
		}
		b.H = height(values[i])
		b.Y = c.Base - b.H
		c.Bars = append(c.Bars, b)
	}
}

func buildWeekdayChart(st *focusflow.Insights) barChart {
	c := barChart{ID: "weekday", Title: "Average focus time by day of the week",
		Columns: []string{"Day", "Average focus", "Total focus", "Tasks completed"}}
	var vals []float64
	var labels []string
	for _, w := range st.Weekdays {
		avg := time.Duration(0)
		if w.Days > 0 {
			avg = w.Focus / time.Duration(w.Days)
		}
		vals = append(vals, avg.Minutes())
		labels = append(labels, w.Weekday.String()[:3])
		c.Rows = append(c.Rows, barRow{Cells: []string{w.Weekday.String(), formatDuration(avg), formatDuration(w.Focus),
			fmt.Sprintf("%d of %d", w.Completed, w.Total)}})
	}
	layoutBars(&c, vals, nil, labels, everyLabel)
	for i, w := range st.Weekdays {
		c.Bars[i].Title = fmt.Sprintf("%s: %s on average, %d tasks completed", w.Weekday, c.Rows[i].Cells[1], w.Completed)
	}
	c.Desc = "Bars show the average focus time per weekday over the range; the table below has the figures."
	return c
}

func buildHourChart(st *focusflow.Insights) barChart {
	c := barChart{ID: "hour", Title: "Focus time by hour of the day",
		Columns: []string{"Hour", "Focus time"}}
	var vals []float64
	var labels []string
	for h, d := range st.Hours {
		vals = append(vals, d.Minutes())
		labels = append(labels, fmt.Sprintf("%02d", h))
		c.Rows = append(c.Rows, barRow{Cells: []string{fmt.Sprintf("%02d:00–%02d:59", h, h), formatDuration(d)}})
	}
	// Every third hour; where narrow, every sixth.
	layoutBars(&c, vals, nil, labels, func(i, _ int) (bool, bool) { return i%3 == 0, i%6 != 0 })
	for h := range c.Bars {
		c.Bars[h].Title = fmt.Sprintf("%s: %s", c.Rows[h].Cells[0], c.Rows[h].Cells[1])
	}
	c.Desc = "Bars show the total focus time in each local hour of the day over the range."
	return c
}

func buildMonthChart(st *focusflow.Insights) barChart {
	c := barChart{ID: "month", Title: "Monthly activity",
		Columns: []string{"Month", "Focus time", "Manual", "Tasks completed", "Days active"}}
	var vals []float64
	var labels []string
	for _, m := range st.Months {
		vals = append(vals, m.Focus.Minutes())
		t, _ := time.Parse("2006-01", m.Month)
		labels = append(labels, t.Format("Jan"))
		c.Rows = append(c.Rows, barRow{Cells: []string{t.Format("January 2006"), formatDuration(m.Focus), formatDuration(m.Manual),
			fmt.Sprintf("%d of %d", m.Completed, m.Total), fmt.Sprintf("%d of %d", m.DaysActive, m.Days)}})
	}
	if len(vals) == 0 {
		return c
	}
	// Every month; where narrow, every other one, ending with this one.
	layoutBars(&c, vals, nil, labels, func(i, n int) (bool, bool) { return true, (n-1-i)%2 == 1 })
	for i := range c.Bars {
		c.Bars[i].Title = fmt.Sprintf("%s: %s focus, %s tasks completed", c.Rows[i].Cells[0], c.Rows[i].Cells[1], c.Rows[i].Cells[3])
	}
	c.Desc = "Bars show the focus time of each month in the range."
	return c
}

// buildPlanChart draws each day's planned time beside the time spent.
func buildPlanChart(p focusflow.PlanStats) barChart {
	c := barChart{ID: "plan", Title: "Plan versus reality, last 30 days",
		Series: []string{"Planned", "Spent"}, Columns: []string{"Day", "Planned tasks", "Planned time", "Time spent"}}
	var est, spent []float64
	var labels []string
	for _, d := range p.Days {
		est = append(est, d.Estimate.Minutes())
		spent = append(spent, d.Spent.Minutes())
		labels = append(labels, dayLabel(d.Date, "2 Jan"))
		if d.Planned > 0 {
			c.Rows = append(c.Rows, barRow{Cells: []string{dayLabel(d.Date, "Mon 2 Jan"), strconv.Itoa(d.Planned),
				formatDuration(d.Estimate), formatDuration(d.Spent)}})
		}
	}
	if len(est) == 0 {
		return c
	}
	// A week apart, ending today: the dates stay clear of each other at
	// every width.
	layoutBars(&c, est, spent, labels, func(i, n int) (bool, bool) { return (n-1-i)%7 == 0, false })
	for i, d := range p.Days {
		c.Bars[i].Title = fmt.Sprintf("%s: planned %s", dayLabel(d.Date, "Mon 2 Jan"), formatDuration(d.Estimate))
		c.Bars[i].Title2 = fmt.Sprintf("%s: spent %s", dayLabel(d.Date, "Mon 2 Jan"), formatDuration(d.Spent))
	}
	c.Desc = "For each of the last 30 days, the planned time of tasks with a start time and duration beside the time spent on them."
	return c
}
