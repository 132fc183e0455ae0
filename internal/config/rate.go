package config

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Rate is a rate limit: at most Limit events per Window.
type Rate struct {
	Limit  int
	Window time.Duration
}

// ParseRate parses "N/second", "N/minute", "N/hour" or "N/day" (also the
// short forms s, m, h, d; any case, spaces around the parts allowed). N
// must be positive.
func ParseRate(s string) (Rate, error) {
	bad := errors.New("is not a rate (use N/second, N/minute, N/hour or N/day, e.g. 20/hour)")
	count, per, ok := strings.Cut(s, "/")
	if !ok {
		return Rate{}, bad
	}
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil {
		return Rate{}, bad
	}
	if n < 1 {
		return Rate{}, errors.New("must allow at least 1 request")
	}
	var window time.Duration
	switch strings.ToLower(strings.TrimSpace(per)) {
	case "second", "s", "sec":
		window = time.Second
	case "minute", "m", "min":
		window = time.Minute
	case "hour", "h":
		window = time.Hour
	case "day", "d":
		window = 24 * time.Hour
	default:
		return Rate{}, bad
	}
	return Rate{Limit: n, Window: window}, nil
}

// String formats r the way ParseRate reads it, e.g. "20/hour" (a window
// ParseRate cannot produce is shown as a Go duration, e.g. "5/10m0s").
func (r Rate) String() string {
	per := r.Window.String()
	switch r.Window {
	case time.Second:
		per = "second"
	case time.Minute:
		per = "minute"
	case time.Hour:
		per = "hour"
	case 24 * time.Hour:
		per = "day"
	}
	return strconv.Itoa(r.Limit) + "/" + per
}
