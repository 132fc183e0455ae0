package auth

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"
)

func TestCSRF(t *testing.T) {
	t0 := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	c := CSRF{Key: DeriveKey("example-secret-key", "csrf"), MaxAge: 2 * time.Hour}
	const session = "session-binding-1"
	fresh := c.Issue(session, t0)

	raw, _ := base64.RawURLEncoding.DecodeString(fresh)
	raw[len(raw)-1] ^= 1
	macFlipped := base64.RawURLEncoding.EncodeToString(raw)
	raw[len(raw)-1] ^= 1
	raw[0] ^= 1 // alter the issue time
	timeFlipped := base64.RawURLEncoding.EncodeToString(raw)

	tests := []struct {
		name    string
		c       CSRF
		token   string
		binding string
		now     time.Time
		want    error
	}{
		{"fresh", c, fresh, session, t0, nil},
		{"just before MaxAge", c, fresh, session, t0.Add(2*time.Hour - time.Second), nil},
		{"at MaxAge", c, fresh, session, t0.Add(2 * time.Hour), nil},
		{"past MaxAge", c, fresh, session, t0.Add(2*time.Hour + time.Second), ErrCSRFExpired},
		{"missing", c, "", session, t0, ErrCSRFMissing},
		{"other session", c, fresh, "session-binding-2", t0, ErrCSRFInvalid},
		{"empty binding", c, c.Issue("", t0), "", t0, ErrCSRFInvalid},
		{"other key", CSRF{Key: DeriveKey("example-secret-key", "other"), MaxAge: time.Hour}, fresh, session, t0, ErrCSRFInvalid},
		{"MAC altered", c, macFlipped, session, t0, ErrCSRFInvalid},
		{"issue time altered", c, timeFlipped, session, t0, ErrCSRFInvalid},
		{"truncated", c, fresh[:len(fresh)-4], session, t0, ErrCSRFInvalid},
		{"not base64", c, "not a token!", session, t0, ErrCSRFInvalid},
		{"issued within allowed skew", c, c.Issue(session, t0.Add(time.Minute)), session, t0, nil},
		{"issued beyond allowed skew", c, c.Issue(session, t0.Add(time.Minute+time.Second)), session, t0, ErrCSRFInvalid},
		{"zero MaxAge fails closed", CSRF{Key: c.Key}, fresh, session, t0, ErrCSRFExpired},
		{"empty key fails closed", CSRF{MaxAge: time.Hour}, CSRF{MaxAge: time.Hour}.Issue(session, t0), session, t0, ErrCSRFInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.c.Check(tt.token, tt.binding, tt.now); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Errorf("Check = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestCSRFTokensDiffer(t *testing.T) {
	// The nonce makes repeated tokens for one session differ (BREACH).
	c := CSRF{Key: DeriveKey("example-secret-key", "csrf"), MaxAge: time.Hour}
	t0 := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	if a, b := c.Issue("s", t0), c.Issue("s", t0); a == b {
		t.Errorf("two tokens for the same session and second are equal: %q", a)
	}
}
