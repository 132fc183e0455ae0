package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// NewToken returns 256 random bits, base64url-encoded without padding (43
// characters): safe in URLs and cookies, and unguessable enough for session
// ids, password-reset links and API tokens.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand crashes the process instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DeriveKey turns the one configured SECRET_KEY into a separate key per
// purpose ("session", "csrf", "cookie", …), so a value made for one purpose
// can never be replayed as another and each use can be reasoned about alone.
// It panics on an empty secret: every key would then be public.
func DeriveKey(secret, purpose string) []byte {
	if secret == "" {
		panic("auth: DeriveKey: empty secret")
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("focusflow:" + purpose))
	return m.Sum(nil)
}

// HashToken returns hex(HMAC-SHA256(key, token)). The sessions table stores
// this instead of the token, so a leaked database dump (or backup) holds no
// usable session; with a keyed hash it cannot even be checked offline
// without the secret key. Tokens are random, so no slow hash is needed.
func HashToken(key []byte, token string) string {
	return hex.EncodeToString(mac(key, token))
}

// Sign returns value + "." + base64url(HMAC-SHA256(key, value)), for values
// the client may see but must not alter (e.g. a flash message or pre-session
// id in a cookie). It does not encrypt.
func Sign(key []byte, value string) string {
	return value + "." + base64.RawURLEncoding.EncodeToString(mac(key, value))
}

// Unsign checks a string made by Sign with the same key and returns the
// original value. The MAC comparison is constant-time.
func Unsign(key []byte, signed string) (string, bool) {
	// The MAC never contains ".", so the last one is the separator even when
	// the value has dots of its own.
	i := strings.LastIndexByte(signed, '.')
	if i < 0 {
		return "", false
	}
	value := signed[:i]
	got, err := base64.RawURLEncoding.Strict().DecodeString(signed[i+1:])
	if err != nil || !hmac.Equal(got, mac(key, value)) {
		return "", false
	}
	return value, true
}

func mac(key []byte, value string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(value))
	return m.Sum(nil)
}
