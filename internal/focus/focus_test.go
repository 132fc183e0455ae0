package focus

import (
	"testing"
	"time"
)

func TestCap(t *testing.T) {
	start := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	if end, capped := Cap(start, start.Add(3*time.Hour), 4*time.Hour); capped || !end.Equal(start.Add(3*time.Hour)) {
		t.Fatalf("under the cap: %v %v", end, capped)
	}
	if end, capped := Cap(start, start.Add(30*time.Hour), 4*time.Hour); !capped || !end.Equal(start.Add(4*time.Hour)) {
		t.Fatalf("over the cap: %v %v", end, capped)
	}
}
