package focusflow

import (
	"slices"
	"strings"
	"time"
)

// APIToken is a personal access token: a script's or a calendar's way in,
// limited to some scopes. Only a keyed hash of the token is stored; the
// token itself is shown once, when it is made.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	Scopes     []string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	LastUsedAt time.Time // zero: never used
	LastUsedIP string
	RevokedAt  time.Time // zero: live
	// Hash is the stored keyed hash, for the constant-time comparison the
	// caller makes after a lookup by it.
	Hash string
}

// Expired says whether the token is past its expiry at now.
func (t *APIToken) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// Allows says whether the token has scope.
func (t *APIToken) Allows(scope string) bool { return slices.Contains(t.Scopes, scope) }

// NewAPIToken describes a token to create.
type NewAPIToken struct {
	UserID    int64
	Name      string
	Scopes    []string
	ExpiresAt time.Time // zero: never
	Hash      string
}

// Token scopes: what a token may do. A token made with no scope given gets
// all of them.
const (
	ScopeTasksRead    = "tasks:read"    // day view, tasks, entries, timer state
	ScopeTasksWrite   = "tasks:write"   // create, edit and delete tasks and entries
	ScopeTimerWrite   = "timer:write"   // timer actions
	ScopeNotesRead    = "notes:read"    // day note and typed notes (and the day view's notes parts)
	ScopeNotesWrite   = "notes:write"   // write them
	ScopeStatsRead    = "stats:read"    // statistics and achievements
	ScopeExportRead   = "export:read"   // JSON and CSV export
	ScopeImportWrite  = "import:write"  // document import
	ScopeCalendarRead = "calendar:read" // the calendar feed only
)

// Scopes lists every scope, in the order forms show them.
var Scopes = []string{ScopeTasksRead, ScopeTasksWrite, ScopeTimerWrite, ScopeNotesRead, ScopeNotesWrite,
	ScopeStatsRead, ScopeExportRead, ScopeImportWrite, ScopeCalendarRead}

// TokenNameText is the rule of a token's name.
var TokenNameText = TextRule{Max: MaxTokenName}

// Limits of tokens.
const (
	MaxTokenName      = 100
	MaxTokensPerUser  = 50
	MaxTokenLifetime  = 5 * 365 * 24 * time.Hour
	DefaultTokenName  = "API token"
	TokenTouchEvery   = time.Minute // last use is written at most this often per token
	TokenPrefix       = "ffpat_"
	CalendarFeedLimit = 5000 // events in one feed
)

// NormalizeScopes checks scopes and returns them deduplicated in the order
// of Scopes; none given means all.
func NormalizeScopes(scopes []string) ([]string, error) {
	if len(scopes) == 0 {
		return slices.Clone(Scopes), nil
	}
	for _, s := range scopes {
		if !slices.Contains(Scopes, s) {
			return nil, Invalid("scopes", "%q is not a scope (scopes: %s).", Shorten(s, 40), strings.Join(Scopes, ", "))
		}
	}
	var out []string
	for _, s := range Scopes {
		if slices.Contains(scopes, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// Validate checks a token to create and fills in its defaults: a name, and
// every scope when none is given. now is the creation time.
func (n *NewAPIToken) Validate(now time.Time) error {
	name, err := TokenNameText.CleanField("name", n.Name)
	if err != nil {
		return err
	}
	if name == "" {
		name = DefaultTokenName
	}
	n.Name = name
	scopes, err := NormalizeScopes(n.Scopes)
	if err != nil {
		return err
	}
	n.Scopes = scopes
	if !n.ExpiresAt.IsZero() {
		if !n.ExpiresAt.After(now) {
			return Invalid("expires", "The expiry must be in the future.")
		}
		if n.ExpiresAt.Sub(now) > MaxTokenLifetime {
			return Invalid("expires", "A token can live at most 5 years.")
		}
	}
	return nil
}

// ParseTokenLifetime reads a lifetime such as "90d", "12h" or "2w"; "" or
// "never" is no expiry (0).
func ParseTokenLifetime(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" || s == "never" {
		return 0, nil
	}
	units := map[byte]time.Duration{'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	unit, ok := units[s[len(s)-1]]
	n := 0
	for _, c := range s[:len(s)-1] {
		if c < '0' || c > '9' || n > 100_000 {
			ok = false
			break
		}
		n = n*10 + int(c-'0')
	}
	if !ok || len(s) < 2 || n <= 0 {
		return 0, Invalid("expires", "%q is not a lifetime: use a number of hours, days or weeks, such as 90d.", Shorten(s, 20))
	}
	d := time.Duration(n) * unit
	if d > MaxTokenLifetime {
		return 0, Invalid("expires", "A token can live at most 5 years.")
	}
	return d, nil
}
