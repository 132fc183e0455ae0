package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

// CSRF check failures. They are plain errors so the web layer can tell them
// apart (a missing token is usually a stale form; an expired one deserves
// "please reload the page") and map them to EFORBIDDEN itself.
var (
	ErrCSRFMissing = errors.New("auth: CSRF token missing")
	ErrCSRFInvalid = errors.New("auth: CSRF token invalid")
	ErrCSRFExpired = errors.New("auth: CSRF token expired")
)

// CSRFClockSkew is how far in the future a token's issue time may lie (clocks
// of several app instances drift a little); anything beyond is rejected.
const CSRFClockSkew = time.Minute

const (
	csrfTimeLen  = 8
	csrfNonceLen = 16
	csrfTokenLen = csrfTimeLen + csrfNonceLen + sha256.Size
)

// CSRF issues and checks synchronizer tokens bound to a session id (or, for
// visitors who are not signed in, to a pre-session id) so a token lifted from
// one visitor's page is useless in another's, and stamped with their issue
// time so old ones die after MaxAge. Key should come from
// DeriveKey(secret, "csrf"). A zero Key or non-positive MaxAge fails closed:
// no token checks out.
type CSRF struct {
	Key    []byte
	MaxAge time.Duration
}

// Issue returns base64url(issuedAt ‖ nonce ‖ HMAC(Key, binding ‖ issuedAt ‖
// nonce)), where issuedAt is the Unix time in seconds as 8 big-endian bytes.
// The random nonce makes every token different, so a token in a compressed
// HTTPS response does not repeat across responses (BREACH).
func (c CSRF) Issue(binding string, now time.Time) string {
	var buf [csrfTokenLen]byte
	binary.BigEndian.PutUint64(buf[:csrfTimeLen], uint64(now.Unix()))
	rand.Read(buf[csrfTimeLen : csrfTimeLen+csrfNonceLen]) // never fails
	copy(buf[csrfTimeLen+csrfNonceLen:], c.mac(binding, buf[:csrfTimeLen+csrfNonceLen]))
	return base64.RawURLEncoding.EncodeToString(buf[:])
}

// Check verifies a token from Issue against the request's binding. It returns
// nil, ErrCSRFMissing (empty token), ErrCSRFInvalid (garbled, forged, bound to
// something else, issued in the future, or an empty binding) or
// ErrCSRFExpired (authentic but older than MaxAge). The MAC is checked first,
// so only authentic tokens can be reported as expired.
func (c CSRF) Check(token, binding string, now time.Time) error {
	if token == "" {
		return ErrCSRFMissing
	}
	if binding == "" || len(c.Key) == 0 {
		return ErrCSRFInvalid
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) != csrfTokenLen {
		return ErrCSRFInvalid
	}
	body, sum := raw[:csrfTimeLen+csrfNonceLen], raw[csrfTimeLen+csrfNonceLen:]
	if !hmac.Equal(sum, c.mac(binding, body)) {
		return ErrCSRFInvalid
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(body[:csrfTimeLen])), 0)
	if issued.Sub(now) > CSRFClockSkew {
		return ErrCSRFInvalid
	}
	if c.MaxAge <= 0 || now.Sub(issued) > c.MaxAge {
		return ErrCSRFExpired
	}
	return nil
}

// mac covers the binding followed by the fixed-length time and nonce; as
// the tail has a fixed length, no two (binding, body) pairs share an input.
func (c CSRF) mac(binding string, body []byte) []byte {
	m := hmac.New(sha256.New, c.Key)
	m.Write([]byte(binding))
	m.Write(body)
	return m.Sum(nil)
}
