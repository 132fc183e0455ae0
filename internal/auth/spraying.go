package auth

import (
	"sync"
	"time"
)

// Password spraying tries a few common passwords against many names, from
// many addresses, each name staying under its own lockout. What gives it
// away is breadth: more than SprayNames different names failing to sign
// in within SprayWindow.
const (
	SprayNames  = 20
	SprayWindow = 5 * time.Minute
)

// SprayWatch notices password spraying in the failed sign-ins it is told
// of. It holds at most names+1 login names, so its memory stays bounded
// whatever the traffic, and it is safe for concurrent use.
type SprayWatch struct {
	names  int
	window time.Duration

	mu   sync.Mutex
	seen map[string]time.Time // login name → its latest failure
	// quietUntil ends the window of the last alarm: one alarm a window
	// is enough to tell an operator, and a flood must not become one.
	quietUntil time.Time
}

// NewSprayWatch raises an alarm when more than names different names fail
// within window.
func NewSprayWatch(names int, window time.Duration) *SprayWatch {
	return &SprayWatch{names: names, window: window, seen: make(map[string]time.Time, names+1)}
}

// Failed records a failed sign-in for a normalised login name at now. It
// returns how many different names failed within the window when this
// failure raises the alarm, else 0.
func (w *SprayWatch) Failed(name string, now time.Time) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if now.Before(w.quietUntil) {
		return 0
	}
	w.seen[name] = now
	if len(w.seen) <= w.names {
		return 0
	}
	for n, at := range w.seen {
		if now.Sub(at) >= w.window {
			delete(w.seen, n)
		}
	}
	if len(w.seen) <= w.names {
		return 0
	}
	n := len(w.seen)
	clear(w.seen)
	w.quietUntil = now.Add(w.window)
	return n
}
