package auth

import (
	"math"
	"testing"
	"time"
)

func TestLockoutFor(t *testing.T) {
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{-1, 0},
		{0, 0},
		{4, 0},
		{5, time.Minute},
		{6, 2 * time.Minute},
		{7, 4 * time.Minute},
		{8, 8 * time.Minute},
		{9, 16 * time.Minute},
		{10, 32 * time.Minute},
		{11, time.Hour},
		{12, time.Hour},
		{100, time.Hour},
		{math.MaxInt, time.Hour},
	}
	for _, tt := range tests {
		if got := LockoutFor(tt.failures); got != tt.want {
			t.Errorf("LockoutFor(%d) = %v; want %v", tt.failures, got, tt.want)
		}
	}
}

func TestNormalizeLogin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"alice", "alice"},
		{"Alice", "alice"},
		{" alice ", "alice"},
		{"ALICE", "alice"},
		{"\talice\n", "alice"},
		{"ÉLODIE", "élodie"},
		{"al ice", "al ice"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeLogin(tt.in); got != tt.want {
			t.Errorf("NormalizeLogin(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
