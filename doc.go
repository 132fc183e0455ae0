// Package focusflow holds FocusFlow's domain: the types every other package
// speaks (users, tasks, time entries, notes, activity, the timer), the error
// codes, and the small interfaces between layers. It imports nothing of ours.
package focusflow
