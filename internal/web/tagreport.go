package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/focusflow/focusflow"
)

// Reports by tag: the by_tag part of GET /api/v1/stats and the page's
// "By tag" table.

// byTagDefinition documents by_tag in every stats response.
const byTagDefinition = "With include=by_tag, the range broken down by tag: tasks dated in the range and how many were completed, " +
	"focus time of time entries inside the range (closed entries: a running timer counts once it stops), and " +
	"plan versus reality over the range's planned tasks (a start time and a duration). A task with several tags " +
	"counts under each of them, so the rows add up to more than total, which counts every task and entry once; " +
	"untagged is the tasks without a tag."

type tagFiguresJSON struct {
	Tasks               int   `json:"tasks"`
	Completed           int   `json:"completed"`
	FocusMS             int64 `json:"focus_ms"`
	PlannedTasks        int   `json:"planned_tasks"`
	PlannedEstimateMS   int64 `json:"planned_estimate_ms"`
	PlannedSpentMS      int64 `json:"planned_spent_ms"`
	PlannedCompleted    int   `json:"planned_completed"`
	CompletedEstimateMS int64 `json:"completed_estimate_ms"`
	CompletedSpentMS    int64 `json:"completed_spent_ms"`
	EfficiencyPercent   *int  `json:"efficiency_percent"`
}

type tagRowJSON struct {
	Tag tagJSON `json:"tag"`
	tagFiguresJSON
}

type tagReportJSON struct {
	From        string         `json:"from"`
	To          string         `json:"to"`
	Tags        []tagRowJSON   `json:"tags"`
	Untagged    tagFiguresJSON `json:"untagged"`
	Total       tagFiguresJSON `json:"total"`
	MultiTagged int            `json:"multi_tagged_tasks"`
	Note        string         `json:"note"`
}

func toTagFiguresJSON(f focusflow.TagFigures) tagFiguresJSON {
	return tagFiguresJSON{Tasks: f.Tasks, Completed: f.Completed, FocusMS: f.Focus.Milliseconds(),
		PlannedTasks: f.Planned, PlannedEstimateMS: f.PlannedEstimate.Milliseconds(), PlannedSpentMS: f.PlannedSpent.Milliseconds(),
		PlannedCompleted: f.PlannedCompleted, CompletedEstimateMS: f.CompletedEstimate.Milliseconds(),
		CompletedSpentMS: f.CompletedSpent.Milliseconds(),
		EfficiencyPercent: efficiencyPercent(focusflow.PlanStats{Completed: f.PlannedCompleted,
			Estimate: f.CompletedEstimate, Spent: f.CompletedSpent})}
}

// overlapNote says how the rows relate to the total.
func overlapNote(r *focusflow.TagReport) string {
	if r.MultiTagged == 0 {
		return "Every task has at most one tag: the rows and untagged add up to the total."
	}
	subject := fmt.Sprintf("%d tasks have several tags and count", r.MultiTagged)
	if r.MultiTagged == 1 {
		subject = "1 task has several tags and counts"
	}
	return subject + " under each, so the rows add up to more than the total, which counts every task and entry once."
}

func toTagReportJSON(r *focusflow.TagReport) *tagReportJSON {
	if r == nil {
		return nil
	}
	out := &tagReportJSON{From: r.From, To: r.To, Tags: make([]tagRowJSON, len(r.Tags)),
		Untagged: toTagFiguresJSON(r.Untagged), Total: toTagFiguresJSON(r.Total), MultiTagged: r.MultiTagged,
		Note: overlapNote(r)}
	for i := range r.Tags {
		out.Tags[i] = tagRowJSON{Tag: toTagJSON(&r.Tags[i].Tag), tagFiguresJSON: toTagFiguresJSON(r.Tags[i].TagFigures)}
	}
	return out
}

// tagReportView is the page's table by tag.
type tagReportView struct {
	From, To string
	Rows     []tagReportRow
	Untagged tagReportRow
	Total    tagReportRow
	Note     string
}

type tagReportRow struct {
	Name, Color                string
	Tasks, Focus, Plan, Effort string
}

func toTagReportRow(name, color string, f focusflow.TagFigures) tagReportRow {
	row := tagReportRow{Name: name, Color: color,
		Tasks: fmt.Sprintf("%d of %d", f.Completed, f.Tasks), Focus: formatDuration(f.Focus), Plan: "—", Effort: "—"}
	if f.Planned > 0 {
		row.Plan = fmt.Sprintf("%s spent on %s planned (%d tasks)", formatDuration(f.PlannedSpent),
			formatDuration(f.PlannedEstimate), f.Planned)
	}
	if e := toTagFiguresJSON(f).EfficiencyPercent; e != nil {
		row.Effort = strconv.Itoa(*e) + "%"
	}
	return row
}

func buildTagReportView(r *focusflow.TagReport) tagReportView {
	v := tagReportView{From: r.From, To: r.To, Untagged: toTagReportRow("Untagged", "", r.Untagged),
		Total: toTagReportRow("Total (each task once)", "", r.Total), Note: overlapNote(r)}
	for _, row := range r.Tags {
		v.Rows = append(v.Rows, toTagReportRow(row.Tag.Name, row.Tag.Color, row.TagFigures))
	}
	return v
}

// pageTagReport is the page's table by tag: of the range its tag_from and
// tag_to ask for, else the page's own range (from, to).
func (s *Server) pageTagReport(r *http.Request, user *focusflow.User, today, from, to string) (tagReportView, error) {
	q := r.URL.Query()
	if q.Has("tag_from") || q.Has("tag_to") {
		var err error
		if from, to, err = rangeParams(r, today, "tag_from", "tag_to"); err != nil {
			return tagReportView{}, err
		}
	}
	rep, err := s.store.TagReport(r.Context(), user, from, to)
	if err != nil {
		return tagReportView{}, err
	}
	return buildTagReportView(rep), nil
}
