package userdata

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/focusflow/focusflow"
)

// Recurring tasks in the document (version 4): the series, and which
// tasks are occurrences of which series.

// seriesRef is the row letter of a series' ref.
const seriesRef = 's'

// pendingSeries is what finish resolves of a series once every tag is
// read: the tags it names, by their refs.
type pendingSeries struct {
	index  int // in the document
	inPlan int // in the plan's series; -1: none (its ref is wrong)
	tags   []string
}

// series checks one of the document's series: the rule by the API's own
// rules (SeriesRule.Validate), the template as a task's, and the skipped
// days, which must be days the rule covers, once each.
func (c *checker) series(i int, s *focusflow.ExportSeries) {
	f := fmt.Sprintf("series[%d]", i)
	row := focusflow.Series{ID: c.ref(f, s.Ref, "s4", c.seen(seriesRef)),
		Rule: focusflow.SeriesRule{Kind: s.Repeat, Interval: s.Interval, Weekdays: s.Weekdays, MonthDay: s.MonthDay,
			Start: s.StartDate}}
	if s.EndDate != nil {
		row.Rule.End = *s.EndDate
		if row.Rule.End == "" {
			c.p.Add(f+".end_date", "%s.end_date must be a date (YYYY-MM-DD) or null (no end).", f)
		}
	}
	ruleOK := true
	if err := row.Rule.Validate(); err != nil {
		field := f + "." + focusflow.ErrorField(err)
		c.p.Add(field, "%s: %s", field, focusflow.ErrorMessage(err))
		ruleOK = false
	}
	row.Title, row.Description, row.StartTime, row.DurationMinutes = c.planned(f, s.Title, s.Description, s.StartTime,
		s.DurationMinutes)
	row.CreatedAt = c.instant(f+".created_at", s.CreatedAt, c.now)
	c.skips(f, row, s.SkippedDates, ruleOK)
	ps := pendingSeries{index: i, inPlan: -1, tags: s.TagRefs}
	if row.ID != 0 {
		ps.inPlan = len(c.plan.Series)
		c.plan.Series = append(c.plan.Series, row)
	}
	c.pendingSeries = append(c.pendingSeries, ps)
}

// skips checks the days whose occurrence of series row the user deleted.
func (c *checker) skips(f string, row focusflow.Series, dates []string, ruleOK bool) {
	seen := map[string]bool{}
	for j, d := range dates {
		df := fmt.Sprintf("%s.skipped_dates[%d]", f, j)
		if _, err := focusflow.ParseDate(d); err != nil {
			c.p.Add(df, "%s %q is not a valid date (YYYY-MM-DD).", df, focusflow.Shorten(d, 40))
			continue
		}
		if seen[d] {
			c.p.Add(df, "%s %s appears twice.", df, d)
			continue
		}
		seen[d] = true
		if ruleOK && (d < row.Rule.Start || d > row.Rule.LastDate()) {
			c.p.Add(df, "%s %s is outside the series' days (%s to %s).", df, d, row.Rule.Start, row.Rule.LastDate())
			continue
		}
		if row.ID != 0 {
			c.plan.Skips = append(c.plan.Skips, focusflow.SeriesSkip{SeriesID: row.ID, Date: d})
		}
	}
}

// occurrence keeps one of the document's occurrences, which finish
// resolves once every task and series is read (seriesLinks).
func (c *checker) occurrence(_ int, o *focusflow.ExportOccurrence) {
	c.occurrences = append(c.occurrences, *o)
}

// seriesLinks resolves the refs of the series and occurrences: a series'
// tags are tags of the document, once each and at most MaxTagsPerTask;
// an occurrence names a task of the document (once) and a series of it
// (or none: the series was deleted), and no two occurrences of a series
// have the same day.
func (c *checker) seriesLinks() {
	tags, series := c.seen(tagRef), c.seen(seriesRef)
	for _, ps := range c.pendingSeries {
		f := fmt.Sprintf("series[%d]", ps.index)
		if len(ps.tags) > focusflow.MaxTagsPerTask {
			c.p.Add(f+".tag_refs", "%s has more than %d tags.", f, focusflow.MaxTagsPerTask)
		}
		for j, r := range ps.tags {
			id, ok := c.refID(r, tagRef, tags)
			if !ok {
				c.p.Add(fmt.Sprintf("%s.tag_refs[%d]", f, j), "%s.tag_refs[%d] %q names no tag of the document.", f, j,
					focusflow.Shorten(r, 40))
			} else if slices.Contains(ps.tags[:j], r) {
				c.p.Add(fmt.Sprintf("%s.tag_refs[%d]", f, j), "%s.tag_refs[%d] %s appears twice.", f, j, r)
			} else if ps.inPlan >= 0 {
				s := &c.plan.Series[ps.inPlan]
				s.Tags = append(s.Tags, focusflow.Tag{ID: id})
			}
		}
	}
	tasks, days := map[int64]bool{}, map[focusflow.SeriesSkip]bool{}
	for i, o := range c.occurrences {
		f := fmt.Sprintf("occurrences[%d]", i)
		taskID := c.taskID(f, o.TaskRef)
		at, okTask := c.taskByID[taskID]
		if taskID > 0 && !okTask {
			c.p.Add(f+".task_ref", "%s.task_ref %q names no task of the document.", f, focusflow.Shorten(o.TaskRef, 40))
		}
		if okTask && tasks[taskID] {
			c.p.Add(f+".task_ref", "%s.task_ref %s is an occurrence a second time.", f, o.TaskRef)
			okTask = false
		}
		tasks[taskID] = true
		c.date(f+".date", o.Date)
		var seriesID int64
		if o.SeriesRef != nil {
			id, ok := c.refID(*o.SeriesRef, seriesRef, series)
			if !ok {
				c.p.Add(f+".series_ref", "%s.series_ref %q names no series of the document.", f,
					focusflow.Shorten(*o.SeriesRef, 40))
			}
			if day := (focusflow.SeriesSkip{SeriesID: id, Date: o.Date}); ok && days[day] {
				c.p.Add(f+".date", "%s: series %s has another occurrence on %s.", f, *o.SeriesRef, o.Date)
			} else if ok {
				days[day], seriesID = true, id
			}
		}
		if okTask {
			t := &c.plan.Tasks[at]
			t.SeriesID, t.SeriesDate, t.SeriesDetached = seriesID, o.Date, o.Detached
		}
	}
}

// refID is the id of ref r when it is of the row letter and names one of
// the document's rows of that kind (seen).
func (c *checker) refID(r string, letter byte, seen map[int64]bool) (int64, bool) {
	if !refPattern.MatchString(r) || r[0] != letter {
		return 0, false
	}
	id, _ := strconv.ParseInt(r[1:], 10, 64)
	return id, seen[id]
}

// profileV4 checks the profile's time format and carry-forward setting
// (version 4) and puts them in the plan's settings.
func (c *checker) profileV4(pr focusflow.ExportProfile) {
	if pr.TimeFormat == nil || pr.CarryForward == nil { // Parse requires both; a document made in code may lack them
		c.p.Add("profile.time_format", "A version 4 document has profile.time_format and profile.carry_forward_auto.")
		return
	}
	if !slices.Contains(focusflow.TimeFormats, *pr.TimeFormat) {
		c.p.Add("profile.time_format", "profile.time_format must be auto, 12 or 24.")
	}
	c.plan.Settings.TimeFormat, c.plan.Settings.CarryForward = pr.TimeFormat, pr.CarryForward
}

// exportSeries lists the series with their tags in the document's order
// of tags and their skipped days in order, so that a document survives a
// round trip whatever ids the rows get.
func exportSeries(rows *focusflow.ExportRows) []focusflow.ExportSeries {
	tagAt := map[int64]int{}
	for i, g := range rows.Tags {
		tagAt[g.ID] = i
	}
	skips := map[int64][]string{}
	for _, k := range rows.Skips {
		skips[k.SeriesID] = append(skips[k.SeriesID], k.Date)
	}
	out := make([]focusflow.ExportSeries, 0, len(rows.Series))
	for _, s := range rows.Series {
		e := focusflow.ExportSeries{Ref: ref(seriesRef, s.ID), Repeat: s.Rule.Kind, Interval: s.Rule.Interval,
			Weekdays: nonNil(s.Rule.Weekdays), MonthDay: s.Rule.MonthDay, StartDate: s.Rule.Start, Title: s.Title,
			Description: s.Description, TagRefs: []string{}, SkippedDates: []string{},
			CreatedAt: formatInstant(s.CreatedAt)}
		// A skip the rule no longer covers (its end moved) says nothing.
		for _, d := range skips[s.ID] {
			if d >= s.Rule.Start && d <= s.Rule.LastDate() {
				e.SkippedDates = append(e.SkippedDates, d)
			}
		}
		if end := s.Rule.End; end != "" {
			e.EndDate = &end
		}
		if start := s.StartTime; start != "" {
			e.StartTime = &start
		}
		if minutes := s.DurationMinutes; minutes > 0 {
			e.DurationMinutes = &minutes
		}
		tags := slices.Clone(s.Tags)
		slices.SortFunc(tags, func(a, b focusflow.Tag) int { return cmp.Compare(tagAt[a.ID], tagAt[b.ID]) })
		for _, g := range tags {
			if _, ok := tagAt[g.ID]; ok {
				e.TagRefs = append(e.TagRefs, ref(tagRef, g.ID))
			}
		}
		slices.Sort(e.SkippedDates)
		out = append(out, e)
	}
	return out
}

// exportOccurrences lists the tasks that are occurrences, in the order of
// the tasks.
func exportOccurrences(rows *focusflow.ExportRows) []focusflow.ExportOccurrence {
	series := map[int64]bool{}
	for _, s := range rows.Series {
		series[s.ID] = true
	}
	out := []focusflow.ExportOccurrence{}
	for _, t := range rows.Tasks {
		if !t.Occurrence() {
			continue
		}
		o := focusflow.ExportOccurrence{TaskRef: ref(taskRef, t.ID), Date: t.SeriesDate, Detached: t.SeriesDetached}
		if series[t.SeriesID] {
			r := ref(seriesRef, t.SeriesID)
			o.SeriesRef = &r
		}
		out = append(out, o)
	}
	return out
}
