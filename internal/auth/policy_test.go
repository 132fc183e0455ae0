package auth

import (
	"strings"
	"testing"

	"github.com/focusflow/focusflow"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name, password, username, email string
		wantMsg                         string // substring; "" means accepted
	}{
		{"good", "correct horse battery staple", "alice", "alice@example.com", ""},
		{"exactly 8", "tuba-oak", "alice", "alice@example.com", ""},
		{"7 characters", "tuba-ok", "alice", "alice@example.com", "at least 8"},
		{"empty", "", "alice", "alice@example.com", "at least 8"},
		{"8 code points, 16 bytes", "äöüßäöüß", "alice", "alice@example.com", ""},
		{"7 code points, 14 bytes", "äöüßäöü", "alice", "alice@example.com", "at least 8"},
		{"256 code points", strings.Repeat("horse ", 42) + "stap", "alice", "alice@example.com", ""},
		{"257 code points", strings.Repeat("horse ", 42) + "stapl", "alice", "alice@example.com", "at most 256"},
		{"common", "password", "alice", "alice@example.com", "commonly used"},
		{"common, mixed case", "IloveYou", "alice", "alice@example.com", "commonly used"},
		{"common with digit", "password1", "alice", "alice@example.com", "commonly used"},
		{"contains username", "alice-correct-horse", "alice", "a.l@example.com", "username"},
		{"equals username, case differs", "AliceInChains", "aliceinchains", "x@example.com", "username"},
		{"username shorter than 3 ignored", "al-correct-horse", "al", "x@example.com", ""},
		{"contains email local part", "correct-bob.smith-horse", "bsmith", "Bob.Smith@example.com", "email"},
		{"email local part shorter than 3 ignored", "jo-correct-horse", "xyz", "jo@example.com", ""},
		{"email domain alone is fine", "example.com-horse", "alice", "bob@example.com", ""},
		{"app name", "MyFocusFlowHorse", "alice", "alice@example.com", "name of this app"},
		{"app name, upper case", "FOCUSFLOW-2026", "alice", "alice@example.com", "name of this app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword(tt.password, tt.username, tt.email)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted; want an error mentioning %q", tt.wantMsg)
			}
			if code, field := focusflow.ErrorCode(err), focusflow.ErrorField(err); code != focusflow.EINVALID || field != "password" {
				t.Errorf("code %q field %q; want %q %q", code, field, focusflow.EINVALID, "password")
			}
			if msg := focusflow.ErrorMessage(err); !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q does not mention %q", msg, tt.wantMsg)
			}
		})
	}
}

func TestCommonPasswordList(t *testing.T) {
	m := commonPasswords()
	if len(m) != 10000 {
		t.Errorf("%d common passwords; want 10000", len(m))
	}
	for _, p := range []string{"123456", "password", "qwerty", "trustno1"} {
		if _, ok := m[p]; !ok {
			t.Errorf("%q missing from the common-password list", p)
		}
	}
	for p := range m {
		if p == "" || p != strings.ToLower(p) || strings.TrimSpace(p) != p {
			t.Errorf("entry %q is empty, not lower-case or padded", p)
		}
	}
}

func TestStrength(t *testing.T) {
	tests := []struct {
		password string
		want     int
	}{
		{"", 0},
		{"tuba-ok", 0},  // too short
		{"password", 0}, // common
		{"aaaaaaaaaaaaaaaaaaaa", 1},
		{"abababababababababab", 1},
		{"tuba-oak", 1},
		{"correct horse", 2},
		{"correct horse battery staple", 3},
		{"Correct horse battery staple 7", 4},
	}
	for _, tt := range tests {
		if got := Strength(tt.password); got != tt.want {
			t.Errorf("Strength(%q) = %d; want %d", tt.password, got, tt.want)
		}
	}
}
