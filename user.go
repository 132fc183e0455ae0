package focusflow

import (
	"slices"
	"time"
)

// User is an account. It never carries the password hash: code that needs
// the hash asks the store for it explicitly (the original crashed because it
// did the opposite).
type User struct {
	ID          int64
	Username    string
	Email       string
	Timezone    string // IANA name; a "day" is a date in this zone
	Theme       string // auto | light | dark
	TimeFormat  string // auto (the browser's locale decides) | 12 | 24
	FocusMode   bool
	DailyGoal   time.Duration
	TimerCap    time.Duration
	Session     SessionPlan // how a focus session runs unless a start says otherwise
	Signals     Signals     // how a phase's end is signalled on the user's devices
	CreatedAt   time.Time
	LastLoginAt time.Time // zero when never
	LockedAt    time.Time // zero when not locked by an administrator
	// CarryForward: unfinished tasks of earlier days move to today by
	// themselves at the user's midnight.
	CarryForward bool
}

// Location returns the user's time zone, UTC when the stored name is unknown.
func (u *User) Location() *time.Location {
	if loc, err := time.LoadLocation(u.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// Defaults for new accounts.
const (
	DefaultDailyGoal = 2 * time.Hour
	DefaultTimerCap  = 4 * time.Hour
	MinTimerCap      = 1 * time.Hour
	MaxTimerCap      = 12 * time.Hour
)

// Themes a user can pick.
var Themes = []string{"auto", "light", "dark"}

// TimeFormats are how clock times can be shown: as the browser's locale
// has them, or always with 12 or 24 hours.
var TimeFormats = []string{"auto", "12", "24"}

// ValidateTimeFormat checks a time format a user picks (TimeFormats).
func ValidateTimeFormat(v string) error {
	if !slices.Contains(TimeFormats, v) {
		return Invalid("time_format", "Time format must be auto, 12 or 24.")
	}
	return nil
}

// Session is a signed-in browser. Only an HMAC of its token is stored.
type Session struct {
	ID         int64
	UserID     int64
	CreatedAt  time.Time
	ExpiresAt  time.Time // absolute lifetime
	Remember   bool
	LastSeenAt time.Time
	IP         string
	UserAgent  string
}

// SecurityEvent is one line of the audit trail.
type SecurityEvent struct {
	ID        int64
	At        time.Time
	Kind      string
	UserID    int64 // 0 when unknown or deleted
	Login     string
	IP        string
	UserAgent string
	Detail    string
	Count     int // aggregated events (CSRF and rate-limit rejections)
}

// Security event kinds.
const (
	EventSignup          = "signup"
	EventLoginSuccess    = "login_success"
	EventLoginFailure    = "login_failure"
	EventLockout         = "lockout"
	EventSpraying        = "login_spraying" // many names failing to sign in at once; no user
	EventLogout          = "logout"
	EventPasswordChange  = "password_change"
	EventSessionsRevoked = "sessions_revoked"
	EventAccountDeleted  = "account_deleted"
	EventAccountLocked   = "account_locked"
	EventAccountUnlocked = "account_unlocked"
	EventCSRFRejected    = "csrf_rejected"
	EventRateLimited     = "rate_limited"
	EventTimerAnomaly    = "timer_anomaly"
	EventTokenCreated    = "token_created"
	EventTokenNewAddress = "token_new_address" // first use of a token from an address
	EventTokenRevoked    = "token_revoked"
	EventTokenRejected   = "token_rejected" // a malformed, unknown, revoked or expired token
)

// Signals say how the end of a phase reaches the user: a sound at a
// volume (0–100) unless muted, and a desktop notification when turned on
// (each browser also asks its own permission).
type Signals struct {
	Volume int
	Muted  bool
	Notify bool
}

// UserSettings are the profile preferences a user can change; nil fields
// stay as they are.
type UserSettings struct {
	Timezone   *string
	Theme      *string
	TimeFormat *string
	FocusMode  *bool
	DailyGoal  *time.Duration
	TimerCap   *time.Duration
	Session    *SessionPlan
	Signals    *Signals
	// CarryForward moves unfinished tasks of earlier days to today at the
	// user's midnight.
	CarryForward *bool
}

// Validate checks the session plan and signals when set (the other
// settings are checked where they are read, with their forms' wording).
func (s UserSettings) Validate() error {
	if s.Session != nil {
		if err := s.Session.Validate(); err != nil {
			return err
		}
	}
	if s.Signals != nil && (s.Signals.Volume < 0 || s.Signals.Volume > 100) {
		return Invalid("sound_volume", "The volume must be from 0 to 100.")
	}
	return nil
}

// NewSession describes a session to create. TokenHash is the HMAC of the
// cookie token; the token itself is never stored.
type NewSession struct {
	TokenHash   string
	UserID      int64
	Lifetime    time.Duration
	IdleTimeout time.Duration // 0: none ("remember me")
	Remember    bool
	IP          string
	UserAgent   string
}

// Recheck names the credential a read checks again in its own round trip
// because the caller took it from a cache: a session's or an API token's
// hash (at most one is set; neither: nothing to check).
type Recheck struct {
	SessionHash string
	TokenHash   string
}

// ErrSessionGone answers a request whose session check found the session
// ended (logged out, revoked, expired or locked out on any instance), or
// whose API token did (revoked, expired, account locked).
var ErrSessionGone = &Error{Code: EUNAUTHORIZED, Message: "Please sign in."}
