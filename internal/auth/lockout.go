package auth

import (
	"strings"
	"time"
)

// Login lockout: after LockoutThreshold consecutive failures for one login
// name within LockoutPeriod, further attempts for that name are refused for
// a while. The delay grows exponentially so online guessing stays slow, but
// is capped so an attacker who knows a victim's name can lock them out for
// at most an hour at a time.
const (
	LockoutThreshold = 5
	LockoutPeriod    = 15 * time.Minute
	lockoutBase      = time.Minute
	lockoutMax       = time.Hour
)

// LockoutFor returns how long a login name is locked after failures
// consecutive failed attempts counted within LockoutPeriod: 0 below
// LockoutThreshold, 1 minute at the threshold, doubling with each further
// failure (2m, 4m, …) up to 1 hour.
func LockoutFor(failures int) time.Duration {
	if failures < LockoutThreshold {
		return 0
	}
	// Cap the shift before shifting: 1m<<6 already exceeds the hour, and a
	// large count must not overflow.
	shift := min(failures-LockoutThreshold, 6)
	return min(lockoutBase<<shift, lockoutMax)
}

// NormalizeLogin maps a login name to the key failures are counted under:
// surrounding white space removed and lower-cased (Unicode-aware), so
// "Alice", " alice " and "ALICE" are one name and cannot be used to dodge
// the lockout.
func NormalizeLogin(name string) string {
	return strings.ToLower(strings.TrimSpace(name))
}
