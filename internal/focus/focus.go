// Package focus holds the focus timer's rules as plain functions over
// instants: given the timer's state, an action, the time and the user's
// settings, what the new state is. There is no goroutine per timer: a
// running timer is a start instant in the database, and its elapsed time
// is computed from the server clock whenever it is read.
package focus

import "time"

// Cap returns when a timer started at start must end if it is still
// running at now: at start+limit when that has passed (capped), else now.
func Cap(start, now time.Time, limit time.Duration) (end time.Time, capped bool) {
	if limit > 0 && now.Sub(start) > limit {
		return start.Add(limit), true
	}
	return now, false
}
