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

func TestLocks(t *testing.T) {
	now := time.Date(2025, 7, 5, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		lock     Lock
		failures int
		want     time.Duration
	}{
		{"device below its threshold", DeviceLock(), 9, 0},
		{"device at its threshold", DeviceLock(), 10, time.Minute},
		{"device doubles", DeviceLock(), 12, 4 * time.Minute},
		{"device capped", DeviceLock(), math.MaxInt, time.Hour},
		{"re-entry below its threshold", ReentryLock(), 4, 0},
		{"re-entry at its threshold", ReentryLock(), 5, 15 * time.Minute},
		{"re-entry doubles", ReentryLock(), 6, 30 * time.Minute},
		{"re-entry capped", ReentryLock(), 7, time.Hour},
	}
	for _, tt := range tests {
		if got := tt.lock.For(tt.failures); got != tt.want {
			t.Errorf("%s: For(%d) = %v; want %v", tt.name, tt.failures, got, tt.want)
		}
		if got := tt.lock.Remaining(tt.failures, now.Add(-time.Second), now); got != max(tt.want-time.Second, 0) {
			t.Errorf("%s: Remaining a second after = %v", tt.name, got)
		}
		if got := tt.lock.Window(tt.failures); got != LockoutPeriod+tt.want {
			t.Errorf("%s: Window = %v", tt.name, got)
		}
	}
}

func TestCountKeysAreNeverLoginNames(t *testing.T) {
	for _, k := range []string{DeviceKey(1, "abc"), SessionKey(1)} {
		if NormalizeLogin(k) == k {
			t.Errorf("%q is a normalised login name: a name typed at sign-in could reach its count", k)
		}
	}
}
