package main

import (
	"time"

	"github.com/focusflow/focusflow"
)

// A heavy day (--heavy-day): today holds as much as a busy user's day
// does, so that the cost of a day view can be compared with a light one.
const (
	heavyTasks    = 20
	heavyNotes    = 10
	heavyActivity = 200
)

type activityRow struct {
	userID        int64
	date          string
	at            int64
	kind, message string
	taskID        *int64
}

// tasksOn is how many tasks a day of the history has.
func (c *seedConfig) tasksOn(isToday bool) int {
	if isToday && c.heavyDay {
		return heavyTasks
	}
	return c.tasksPerDay
}

// tasksPerUser is how many tasks one user's history has.
func (c *seedConfig) tasksPerUser() int64 {
	return int64(c.days-1)*int64(c.tasksPerDay) + int64(c.tasksOn(true))
}

// heavyToday writes today's typed notes and activity log of a heavy day:
// a line for each task added, then the timer going from task to task,
// and a line for each note. Two lines share each instant, as lines of one
// action do, and none is later than now.
func (g *dayGen) heavyToday(day time.Time, date string, tasks []taskRow) {
	from, to := day.UnixMilli(), g.c.now.Add(-time.Second).UnixMilli()
	at := func(i int) int64 { return from + (to-from)*int64(i/2*2)/heavyActivity }
	notes := make([]noteRow, 0, heavyNotes)
	for len(notes) < heavyNotes {
		notes = append(notes, g.text.note())
	}
	timerKinds := [...]struct{ kind, verb string }{{focusflow.ActTimerStarted, "Started"},
		{focusflow.ActTimerPaused, "Paused"}, {focusflow.ActTimerResumed, "Resumed"}, {focusflow.ActTimerStopped, "Stopped"}}
	for i := range heavyActivity {
		line := activityRow{userID: g.u.id, date: date, at: at(i)}
		switch n := len(notes); {
		case i < len(tasks):
			id := tasks[i].id
			line.kind, line.message, line.taskID = focusflow.ActTaskAdded, "Added task: "+tasks[i].title, &id
		case i >= heavyActivity-n:
			note := &notes[i-(heavyActivity-n)]
			line.kind, line.message = focusflow.ActNoteAdded, "Added note: "+noteLabel(note)
			note.userID, note.date, note.at = g.u.id, date, line.at
		default:
			t, k := tasks[g.rng.IntN(len(tasks))], timerKinds[i%len(timerKinds)]
			line.kind, line.message, line.taskID = k.kind, k.verb+" timer: "+t.title, &t.id
		}
		g.b.activity = append(g.b.activity, line)
	}
	g.b.notes = append(g.b.notes, notes...)
}

// noteLabel is how a note is named in the log: its title, else its type.
func noteLabel(n *noteRow) string {
	if n.title != "" {
		return n.title
	}
	return n.typ
}
