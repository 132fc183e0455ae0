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

const (
	hmCell   = 11
	hmPitch  = 14
	hmLeft   = 30
	hmTop    = 18
	hmWeeks  = 53
	hmLevels = 5
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
	Title       string
}

type heatRow struct {
	Date, Label, Focus, Manual string
	Completed, Total           int
	Percent                    int
}

type heatLegend struct {
	Level       int
	Label       string
	X, TextX, Y int
}

type svgLabel struct {
	X, Y int
	Text string
}

// barChart is a vertical bar chart with one or two series.
type barChart struct {
	ID, Title, Desc string
	Width, Height   int
	PlotTop, Base   int
	Left, Right     int // the plot's x extent (grid lines)
	LabelY          int // baseline of the x-axis labels
	Bars            []bar
	Grid            []svgLabel // y-axis labels with their line
	Series          []string   // legend names (two-series charts)
	Rows            []barRow   // table equivalent
	Columns         []string   // table headers
	Empty           bool
}

type bar struct {
	X, Y, W, H   int
	X2, Y2, H2   int // second series (plan vs reality)
	LabelX       int
	Label, Title string
	Title2       string
	ShowLabel    bool
	Second       bool
}

type barRow struct {
	Cells []string
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
	hm.Width = hmLeft + hmWeeks*hmPitch
	hm.Height = hmTop + 7*hmPitch + 26
	prevMonth := time.Month(0)
	for w := range hmWeeks {
		// A month is labelled above the first week whose Monday is in it.
		if monday := start.AddDate(0, 0, w*7); monday.Month() != prevMonth {
			hm.Months = append(hm.Months, svgLabel{X: hmLeft + w*hmPitch, Y: hmTop - 6, Text: monday.Format("Jan")})
			prevMonth = monday.Month()
		}
		for dow := range 7 {
			day := start.AddDate(0, 0, w*7+dow)
			date := day.Format(localdate.DateLayout)
			if date < st.From || date > st.To {
				continue
			}
			d := byDate[date]
			lvl := heatLevel(d.Focus, st.Goal)
			title := fmt.Sprintf("%s: %s focus", day.Format("Mon 2 Jan 2006"), formatDuration(d.Focus))
			if st.Goal > 0 && d.Focus > 0 {
				title += fmt.Sprintf(" (%d%% of goal)", goalPercent(d.Focus, st.Goal))
			}
			if d.Total > 0 {
				title += fmt.Sprintf(", %d of %d tasks completed", d.Completed, d.Total)
			}
			hm.Cells = append(hm.Cells, heatCell{X: hmLeft + w*hmPitch, Y: hmTop + dow*hmPitch, Level: lvl, Title: title})
			if d.Focus > 0 || d.Total > 0 {
				hm.Rows = append(hm.Rows, heatRow{Date: date, Label: day.Format("Mon 2 Jan 2006"), Focus: formatDuration(d.Focus),
					Manual: formatDuration(d.Manual), Completed: d.Completed, Total: d.Total, Percent: goalPercent(d.Focus, st.Goal)})
			}
		}
	}
	// Drop a month label crowding the first one.
	if len(hm.Months) > 1 && hm.Months[1].X-hm.Months[0].X < 3*hmPitch {
		hm.Months = hm.Months[1:]
	}
	for i, name := range []string{"Mon", "Wed", "Fri"} {
		hm.Weekdays = append(hm.Weekdays, svgLabel{X: hmLeft - 4, Y: hmTop + (i*2)*hmPitch + hmCell - 1, Text: name})
	}
	labels := []string{"No focus", "Under half the goal", "Under the goal", "Goal reached", "1.5× the goal or more"}
	y := hmTop + 7*hmPitch + 8
	x := hmLeft
	for lvl := range hmLevels {
		hm.Legend = append(hm.Legend, heatLegend{Level: lvl, Label: labels[lvl], X: x, TextX: x + hmCell + 4, Y: y})
		x += hmCell + 4 + 6*len(labels[lvl]) + 12
	}
	if x > hm.Width {
		hm.Width = x
	}
	hm.Summary = fmt.Sprintf("%d days with focus time or tasks between %s and %s; %d days reached the daily goal.",
		len(hm.Rows), dayLabel(st.From, "2 Jan 2006"), dayLabel(st.To, "2 Jan 2006"), st.Totals.GoalDays)
	return hm
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

// layoutBars places n bars (values in minutes) in a chart. second, when
// non-nil, is a second series drawn beside each bar.
func layoutBars(c *barChart, n int, values, second []float64, labels []string, labelEvery int) {
	const left, right, top, bottom = 44, 6, 10, 24
	c.PlotTop, c.Base = top, c.Height-bottom
	c.Left, c.Right, c.LabelY = left, c.Width-right, c.Base+17
	plotH := c.Base - top
	maxV := 0.0
	for i := range values {
		maxV = max(maxV, values[i])
		if second != nil {
			maxV = max(maxV, second[i])
		}
	}
	c.Empty = maxV == 0
	step := niceStep(maxV)
	top2 := math.Max(step, math.Ceil(maxV/step)*step)
	for g := 0.0; g <= top2+0.001; g += step {
		y := c.Base - int(math.Round(g/top2*float64(plotH)))
		c.Grid = append(c.Grid, svgLabel{X: left - 6, Y: y, Text: axisLabel(g)})
	}
	slot := float64(c.Width-left-right) / float64(n)
	for i := range n {
		x0 := float64(left) + float64(i)*slot
		b := bar{Label: labels[i], ShowLabel: labelEvery <= 1 || i%labelEvery == 0}
		b.LabelX = int(math.Round(x0 + slot/2))
		h := int(math.Round(values[i] / top2 * float64(plotH)))
		if second == nil {
			w := max(2, int(slot*0.7))
			b.X, b.W = int(math.Round(x0+(slot-float64(w))/2)), w
		} else {
			w := max(2, int(slot*0.4))
			b.X, b.W = int(math.Round(x0+slot/2))-w-1, w
			b.Second = true
			b.X2 = int(math.Round(x0+slot/2)) + 1
			b.H2 = int(math.Round(second[i] / top2 * float64(plotH)))
			b.Y2 = c.Base - b.H2
		}
		b.H, b.Y = h, c.Base-h
		c.Bars = append(c.Bars, b)
	}
}

func buildWeekdayChart(st *focusflow.Insights) barChart {
	c := barChart{ID: "weekday", Title: "Average focus time by day of the week",
		Width: 420, Height: 220, Columns: []string{"Day", "Average focus", "Total focus", "Tasks completed"}}
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
	layoutBars(&c, 7, vals, nil, labels, 1)
	for i, w := range st.Weekdays {
		c.Bars[i].Title = fmt.Sprintf("%s: %s on average, %d tasks completed", w.Weekday, c.Rows[i].Cells[1], w.Completed)
	}
	c.Desc = "Bars show the average focus time per weekday over the range; the table below has the figures."
	return c
}

func buildHourChart(st *focusflow.Insights) barChart {
	c := barChart{ID: "hour", Title: "Focus time by hour of the day", Width: 480, Height: 220,
		Columns: []string{"Hour", "Focus time"}}
	var vals []float64
	var labels []string
	for h, d := range st.Hours {
		vals = append(vals, d.Minutes())
		labels = append(labels, fmt.Sprintf("%02d", h))
		c.Rows = append(c.Rows, barRow{Cells: []string{fmt.Sprintf("%02d:00–%02d:59", h, h), formatDuration(d)}})
	}
	layoutBars(&c, 24, vals, nil, labels, 4)
	for h := range c.Bars {
		c.Bars[h].Title = fmt.Sprintf("%s: %s", c.Rows[h].Cells[0], c.Rows[h].Cells[1])
	}
	c.Desc = "Bars show the total focus time in each local hour of the day over the range."
	return c
}

func buildMonthChart(st *focusflow.Insights) barChart {
	c := barChart{ID: "month", Title: "Monthly activity", Width: 480, Height: 220,
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
	layoutBars(&c, len(vals), vals, nil, labels, 1)
	for i := range c.Bars {
		c.Bars[i].Title = fmt.Sprintf("%s: %s focus, %s tasks completed", c.Rows[i].Cells[0], c.Rows[i].Cells[1], c.Rows[i].Cells[3])
	}
	c.Desc = "Bars show the focus time of each month in the range."
	return c
}

// buildPlanChart draws each day's planned time beside the time spent.
func buildPlanChart(p focusflow.PlanStats) barChart {
	c := barChart{ID: "plan", Title: "Plan versus reality, last 30 days", Width: 480, Height: 220,
		Series: []string{"Planned", "Spent"}, Columns: []string{"Day", "Planned tasks", "Planned time", "Time spent"}}
	var est, spent []float64
	var labels []string
	for _, d := range p.Days {
		est = append(est, d.Estimate.Minutes())
		spent = append(spent, d.Spent.Minutes())
		labels = append(labels, dayLabel(d.Date, "2"))
		if d.Planned > 0 {
			c.Rows = append(c.Rows, barRow{Cells: []string{dayLabel(d.Date, "Mon 2 Jan"), strconv.Itoa(d.Planned),
				formatDuration(d.Estimate), formatDuration(d.Spent)}})
		}
	}
	layoutBars(&c, len(p.Days), est, spent, labels, 5)
	for i, d := range p.Days {
		c.Bars[i].Title = fmt.Sprintf("%s: planned %s", dayLabel(d.Date, "Mon 2 Jan"), formatDuration(d.Estimate))
		c.Bars[i].Title2 = fmt.Sprintf("%s: spent %s", dayLabel(d.Date, "Mon 2 Jan"), formatDuration(d.Spent))
	}
	c.Desc = "For each of the last 30 days, the planned time of tasks with a start time and duration beside the time spent on them."
	return c
}
