package focusflow_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
)

// A cursor reads back as itself; any other text, including another
// spelling of the same numbers, is refused naming the field.
func TestActivityCursor(t *testing.T) {
	c := focusflow.ActivityCursor{At: time.Date(2025, 7, 5, 9, 30, 0, 0, time.UTC), ID: 7}
	got, err := focusflow.ParseActivityCursor("before", c.String())
	if err != nil || got != c {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, bad := range []string{"", "x", "%%%", c.String() + "=", base64.StdEncoding.EncodeToString([]byte("1751707800000.77")),
		enc("1751707800000"), enc("1751707800000.0"), enc("1751707800000.-7"), enc("-1.7"), enc("01751707800000.7"),
		enc("1751707800000.07"), enc("+1751707800000.7"), enc("1751707800000.7.1"), enc(" 1751707800000.7"),
		enc("a.7"), enc("99999999999999999999.7"), "MTc1MTcwNzgwMDAwMC43A"} {
		_, err := focusflow.ParseActivityCursor("before", bad)
		if focusflow.ErrorCode(err) != focusflow.EINVALID || focusflow.ErrorField(err) != "before" {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestActivityLimit(t *testing.T) {
	for in, want := range map[string]int{"": 20, "1": 1, "100": 100, "37": 37} {
		if n, err := focusflow.ParseActivityLimit("limit", in); n != want || err != nil {
			t.Errorf("%q: %d %v", in, n, err)
		}
	}
	for _, bad := range []string{"0", "101", "-1", "1.5", "x", "020", "+5", " 5", "99999999999999999999"} {
		if _, err := focusflow.ParseActivityLimit("limit", bad); focusflow.ErrorCode(err) != focusflow.EINVALID {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
