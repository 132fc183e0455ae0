package auth

import (
	"strconv"
	"testing"
	"time"
)

func TestSprayWatch(t *testing.T) {
	start := time.Date(2025, 7, 5, 9, 0, 0, 0, time.UTC)
	fail := func(w *SprayWatch, names int, from int, at time.Time) (alarms []int) {
		for i := range names {
			if n := w.Failed("user"+strconv.Itoa(from+i), at); n > 0 {
				alarms = append(alarms, n)
			}
		}
		return alarms
	}

	t.Run("one name failing often is not spraying", func(t *testing.T) {
		w := NewSprayWatch(3, time.Minute)
		for range 100 {
			if w.Failed("alice", start) > 0 {
				t.Fatal("alarm for one name")
			}
		}
	})

	t.Run("more than the limit of names within the window", func(t *testing.T) {
		w := NewSprayWatch(3, time.Minute)
		if got := fail(w, 3, 0, start); got != nil {
			t.Fatalf("alarm at the limit: %v", got)
		}
		if got := fail(w, 1, 3, start.Add(59*time.Second)); len(got) != 1 || got[0] != 4 {
			t.Fatalf("alarms = %v, want [4]", got)
		}
	})

	t.Run("names older than the window do not count", func(t *testing.T) {
		w := NewSprayWatch(3, time.Minute)
		fail(w, 3, 0, start)
		if got := fail(w, 3, 10, start.Add(time.Minute)); got != nil {
			t.Fatalf("alarm from names a window apart: %v", got)
		}
		if len(w.seen) > 4 {
			t.Errorf("holds %d names, want at most 4", len(w.seen))
		}
	})

	t.Run("once a window, then again while it goes on", func(t *testing.T) {
		w := NewSprayWatch(3, time.Minute)
		if got := fail(w, 40, 0, start); len(got) != 1 {
			t.Fatalf("alarms in the first window = %v, want one", got)
		}
		if got := fail(w, 40, 100, start.Add(59*time.Second)); got != nil {
			t.Fatalf("second alarm within the window: %v", got)
		}
		if got := fail(w, 40, 200, start.Add(time.Minute)); len(got) != 1 {
			t.Fatalf("alarms in the next window = %v, want one", got)
		}
	})

	t.Run("memory stays bounded", func(t *testing.T) {
		w := NewSprayWatch(SprayNames, SprayWindow)
		for i := range 100_000 {
			w.Failed("user"+strconv.Itoa(i), start.Add(time.Duration(i)*time.Second))
			if len(w.seen) > SprayNames+1 {
				t.Fatalf("holds %d names after %d failures", len(w.seen), i+1)
			}
		}
	})
}
