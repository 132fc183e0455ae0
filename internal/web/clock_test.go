package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// TestTimeFormat: the profile's clock setting is stored as chosen, shown
// by /api/v1/me, refused with its field named when unknown, and the
// profile page shows its times in the user's zone in that one format.
func TestTimeFormat(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		me := func() string {
			var m struct {
				TimeFormat string `json:"time_format"`
			}
			c.get("/api/v1/me").expect(t, http.StatusOK).decode(t, &m)
			return m.TimeFormat
		}
		if got := me(); got != "auto" {
			t.Errorf("a new account's time_format = %q, want auto", got)
		}
		res := c.postForm("/profile/settings", url.Values{"time_format": {"25"}}).expect(t, http.StatusBadRequest)
		if !strings.Contains(res.formError(), "Time format") || !strings.Contains(res.Body, `id="time_format" name="time_format" aria-invalid="true"`) {
			t.Errorf("a bad time format: %q", res.formError())
		}
		if got := me(); got != "auto" {
			t.Errorf("a refused change changed time_format to %q", got)
		}

		// UTC+14 all year: a time on the page in UTC would be 14 hours off.
		c.postForm("/profile/settings", url.Values{"time_format": {"12"}, "timezone": {"Pacific/Kiritimati"}}).
			expect(t, http.StatusSeeOther)
		if got := me(); got != "12" {
			t.Errorf("time_format = %q, want 12", got)
		}
		page := c.get("/profile").expect(t, http.StatusOK).Body
		when := regexp.MustCompile(`<time datetime="([^"]+)" data-clock>([^<]+)</time>`).FindStringSubmatch(page)
		if when == nil {
			t.Fatalf("no event time on the profile page")
		}
		if strings.Contains(when[2], "UTC") || !regexp.MustCompile(`^\d{1,2} \w{3} \d{4}, \d{1,2}:\d{2} (AM|PM)$`).MatchString(when[2]) {
			t.Errorf("event time %q (at %s): want the 12-hour clock, no UTC", when[2], when[1])
		}
		at, err := time.Parse(time.RFC3339, when[1])
		if err != nil {
			t.Fatal(err)
		}
		kiri, _ := time.LoadLocation("Pacific/Kiritimati")
		if want := at.In(kiri).Format("2 Jan 2006, 3:04 PM"); when[2] != want {
			t.Errorf("event time %q, want %q (the user's zone)", when[2], want)
		}
		if !strings.Contains(page, `<meta name="focusflow-clock" content="12" data-zone="Pacific/Kiritimati">`) {
			t.Error("the page does not tell its scripts the user's clock")
		}

		c.postForm("/profile/settings", url.Values{"time_format": {"24"}}).expect(t, http.StatusSeeOther)
		page = c.get("/profile").expect(t, http.StatusOK).Body
		when = regexp.MustCompile(`<time datetime="[^"]+" data-clock>([^<]+)</time>`).FindStringSubmatch(page)
		if when == nil || !regexp.MustCompile(`^\d{1,2} \w{3} \d{4}, \d{2}:\d{2}$`).MatchString(when[1]) {
			t.Errorf("event time %v: want the 24-hour clock", when)
		}
	})
}
