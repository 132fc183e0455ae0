package userdata

import (
	"fmt"
	"time"

	"github.com/focusflow/focusflow"
)

// SampleRows makes the rows of a large, valid account for measuring
// imports: tasks tasks, thirty a day, all ending before end; with history,
// each task has one time entry and a line of activity and every tenth a
// note. Every value passes Check.
func SampleRows(tasks int, history bool, end time.Time) *focusflow.ExportRows {
	end = end.UTC().Truncate(time.Millisecond)
	const perDay = 30
	days := (tasks + perDay - 1) / perDay
	first := end.Truncate(24*time.Hour).AddDate(0, 0, -days-1)
	rows := &focusflow.ExportRows{Account: "sample-account",
		User: focusflow.User{Username: "sample", Email: "sample@example.invalid", CreatedAt: first, Timezone: "UTC",
			Theme: "auto", TimeFormat: "auto", DailyGoal: 4 * time.Hour, TimerCap: 4 * time.Hour, Session: focusflow.DefaultSessionPlan(),
			Signals: focusflow.Signals{Volume: 50}}}
	for i := range tasks {
		day := first.AddDate(0, 0, i/perDay)
		start := day.Add(6*time.Hour + time.Duration(i%perDay)*25*time.Minute)
		id := int64(i + 1)
		date := day.Format("2006-01-02")
		rows.Tasks = append(rows.Tasks, focusflow.Task{ID: id, Date: date,
			Title:       fmt.Sprintf("Sample task %d: weekly report", id),
			Description: "Gather the figures, draft it, send it.",
			Status:      focusflow.StatusCompleted, Position: i % perDay,
			CompletedAt: start.Add(20 * time.Minute), CreatedAt: day})
		if !history {
			continue
		}
		rows.Tasks[i].Spent = 20 * time.Minute
		rows.Entries = append(rows.Entries, focusflow.TimeEntry{ID: id, TaskID: id, StartedAt: start,
			EndedAt: start.Add(20 * time.Minute), Source: focusflow.SourceTimer})
		rows.Activity = append(rows.Activity, focusflow.ActivityRow{ID: id, Date: date,
			Activity: focusflow.Activity{At: start.Add(20 * time.Minute), Kind: "task_completed",
				Message: fmt.Sprintf("Completed task: Sample task %d", id), TaskID: id}})
		if i%10 == 0 {
			rows.Notes = append(rows.Notes, focusflow.Note{ID: id, Date: date, Type: "reflection", Title: "Notes",
				Content: "Went well; start earlier tomorrow.", CreatedAt: day, UpdatedAt: day})
		}
	}
	return rows
}
