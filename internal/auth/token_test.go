package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"testing"
)

func TestNewToken(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b {
		t.Fatalf("two tokens are equal: %q", a)
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(a)
	if err != nil || len(raw) != 32 {
		t.Fatalf("token %q decodes to %d bytes (%v); want 32", a, len(raw), err)
	}
}

// Known answers computed with Python's hmac module. They pin the formats:
// changing DeriveKey or HashToken would silently log every user out.
func TestDeriveKeyAndHashTokenKnownAnswers(t *testing.T) {
	key := DeriveKey("example-secret-key", "session")
	if got, want := hex.EncodeToString(key), "1619d0e6532f16ab228529babcc5c41d41c9a3399a59d3f8086bcf087a57db56"; got != want {
		t.Errorf("DeriveKey = %s; want %s", got, want)
	}
	if got, want := HashToken(key, "example-session-token"), "a401233a626154a8c7228bac2d7b499aa6bf9532170fe7894799c91a46fa6044"; got != want {
		t.Errorf("HashToken = %s; want %s", got, want)
	}
	if got, want := Sign(key, "hello"), "hello.-krkd8AhxCBZRG9Rj56Cl0b64G0VfKbCVhBbuewgJis"; got != want {
		t.Errorf("Sign = %s; want %s", got, want)
	}
}

func TestDeriveKeySeparatesPurposesAndSecrets(t *testing.T) {
	session := DeriveKey("example-secret-key", "session")
	if bytes.Equal(session, DeriveKey("example-secret-key", "csrf")) {
		t.Error("session and csrf keys are equal")
	}
	if bytes.Equal(session, DeriveKey("another-secret-key", "session")) {
		t.Error("keys from different secrets are equal")
	}
	if !bytes.Equal(session, DeriveKey("example-secret-key", "session")) {
		t.Error("DeriveKey is not deterministic")
	}
}

func TestDeriveKeyPanicsOnEmptySecret(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("DeriveKey(\"\", ...) did not panic")
		}
	}()
	DeriveKey("", "session")
}

func TestSignUnsign(t *testing.T) {
	key := DeriveKey("example-secret-key", "cookie")
	other := DeriveKey("example-secret-key", "other")
	for _, value := range []string{"", "hello", "a.b.c", "flash: saved ✓", "."} {
		signed := Sign(key, value)
		got, ok := Unsign(key, signed)
		if !ok || got != value {
			t.Errorf("Unsign(Sign(%q)) = %q, %v", value, got, ok)
		}
		if _, ok := Unsign(other, signed); ok {
			t.Errorf("Sign(%q) verified under another key", value)
		}
	}

	signed := Sign(key, "user=42")
	bad := []struct{ name, signed string }{
		{"empty", ""},
		{"no separator", "user=42"},
		{"value altered", "user=43" + signed[len("user=42"):]},
		{"value extended", "x" + signed},
		{"MAC truncated", signed[:len(signed)-1]},
		{"MAC altered", signed[:len(signed)-1] + flipBase64(signed[len(signed)-1])},
		{"MAC missing", "user=42."},
		{"MAC not base64", "user=42.!!!!"},
	}
	for _, tt := range bad {
		if v, ok := Unsign(key, tt.signed); ok {
			t.Errorf("%s: Unsign(%q) = %q, true", tt.name, tt.signed, v)
		}
	}
}

// flipBase64 returns a different base64url character.
func flipBase64(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
