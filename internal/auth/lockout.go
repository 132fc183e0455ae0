package auth

import (
	"strconv"
	"strings"
	"time"
)

// Password checks are counted in three ways, each with a Lock of its own:
//
//   - per login name, for clients that have not signed in to the account
//     before (NameLock): anyone can add to it, so it only slows guessing
//     and is capped so that a stranger can lock an owner out of new
//     browsers for at most an hour at a time;
//   - per account and browser that has signed in to it before (DeviceLock):
//     only that browser adds to it, so failures from elsewhere never lock
//     the owner's own browsers out;
//   - per signed-in session, for the password asked again before a
//     password change or account deletion (ReentryLock).
//
// After Threshold consecutive failures, each within LockoutPeriod plus the
// lock then running of the one before, further checks are refused for a
// while; the lock doubles with each further failure so online guessing
// stays slow.
const (
	LockoutThreshold = 5
	LockoutPeriod    = 15 * time.Minute
)

// A Lock says how long checks are refused after consecutive failures.
type Lock struct {
	Threshold int
	First     time.Duration // the lock at the threshold
	Max       time.Duration // the longest lock
}

// NameLock guards a login name (see above).
func NameLock() Lock { return Lock{Threshold: LockoutThreshold, First: time.Minute, Max: time.Hour} }

// DeviceLock guards an account on one browser that signed in to it before.
// The owner mistypes there as anywhere, hence the higher threshold; a thief
// holding the device cookie still meets a doubling lock.
func DeviceLock() Lock { return Lock{Threshold: 10, First: time.Minute, Max: time.Hour} }

// ReentryLock guards the password asked again inside a session: five wrong
// answers wait a quarter of an hour.
func ReentryLock() Lock { return Lock{Threshold: 5, First: LockoutPeriod, Max: time.Hour} }

// For returns how long checks are refused after failures consecutive
// failures: 0 below the threshold, First at it, doubling with each further
// failure up to Max.
func (l Lock) For(failures int) time.Duration {
	if failures < l.Threshold {
		return 0
	}
	// Cap the shift before shifting: a large count must not overflow.
	shift := min(failures-l.Threshold, 16)
	return min(l.First<<shift, l.Max)
}

// Remaining returns how long checks are still refused at now, after
// failures consecutive failures the last of which was at last; 0 when the
// next check may go ahead.
func (l Lock) Remaining(failures int, last, now time.Time) time.Duration {
	return max(last.Add(l.For(failures)).Sub(now), 0)
}

// Window is how long a count survives a failure that followed failures
// others. Measured from that failure alone, a lock longer than
// LockoutPeriod would reset the count of whoever waits it out, and the
// doubling could never reach its cap.
func (l Lock) Window(failures int) time.Duration { return LockoutPeriod + l.For(failures) }

// LockoutFor is NameLock().For: 1 minute at LockoutThreshold failures,
// doubling with each further failure (2m, 4m, …) up to 1 hour.
func LockoutFor(failures int) time.Duration { return NameLock().For(failures) }

// NormalizeLogin maps a login name to the key failures are counted under:
// surrounding white space removed and lower-cased (Unicode-aware), so
// "Alice", " alice " and "ALICE" are one name and cannot be used to dodge
// the lockout.
func NormalizeLogin(name string) string {
	return strings.ToLower(strings.TrimSpace(name))
}

// The device and session counts are kept beside the names' under keys that
// begin with an upper-case letter, which NormalizeLogin never returns: no
// name typed at the sign-in form can add to them or clear them.

// DeviceKey is the count of one browser (known by a digest of its device
// id) on one account.
func DeviceKey(userID int64, deviceDigest string) string {
	return "Device:" + strconv.FormatInt(userID, 10) + ":" + deviceDigest
}

// SessionKey is the count of passwords asked again in one session.
func SessionKey(sessionID int64) string { return "Session:" + strconv.FormatInt(sessionID, 10) }
