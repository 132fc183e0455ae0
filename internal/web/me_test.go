package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

type meSettingsJSON struct {
	Timezone     string `json:"timezone"`
	TimeFormat   string `json:"time_format"`
	CarryForward *bool  `json:"carry_forward_auto"`
}

// /api/v1/me shows the carry-forward setting, and PATCH /api/v1/me
// changes it (and the zone and time format) by the profile page's rules:
// bad values are refused naming the field and change nothing; tokens and
// requests without the CSRF token may not change settings.
func TestMeSettingsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, u := ts.signedInClient(t)
		me := func() meSettingsJSON {
			var m meSettingsJSON
			c.get("/api/v1/me").expect(t, http.StatusOK).decode(t, &m)
			return m
		}
		before := me()
		if before.CarryForward == nil || *before.CarryForward {
			t.Fatalf("a new account's carry_forward_auto: %+v", before)
		}
		for body, field := range map[string]string{
			`{"carry_forward_auto":"yes"}`:                           "carry_forward_auto",
			`{"time_format":"25","carry_forward_auto":true}`:         "time_format",
			`{"timezone":"Mars/Olympus","carry_forward_auto":true}`:  "timezone",
			`{"theme":"dark"}`:                                       "theme",
			`{"carry_forward_auto":true,"Carry_Forward_Auto":false}`: "Carry_Forward_Auto",
		} {
			if got := c.json("PATCH", "/api/v1/me", body).expect(t, http.StatusBadRequest).apiError(t); got.Field != field {
				t.Errorf("%s: error about %q: %+v", body, got.Field, got)
			}
		}
		if got := me(); got.TimeFormat != before.TimeFormat || got.Timezone != before.Timezone || *got.CarryForward {
			t.Errorf("refused changes changed the settings: %+v", got)
		}

		var out meSettingsJSON
		c.json("PATCH", "/api/v1/me", `{"carry_forward_auto":true,"time_format":"24"}`).expect(t, http.StatusOK).decode(t, &out)
		if !*out.CarryForward || out.TimeFormat != "24" || out.Timezone != before.Timezone {
			t.Errorf("PATCH answered %+v", out)
		}
		if got := me(); !*got.CarryForward || got.TimeFormat != "24" {
			t.Errorf("after PATCH: %+v", got)
		}
		if page := c.get("/profile").expect(t, http.StatusOK).Body; !strings.Contains(page, `name="carry_forward" value="1" checked`) {
			t.Error("the profile page's toggle is not on after PATCH")
		}
		// Absent and null fields stay.
		c.json("PATCH", "/api/v1/me", `{"time_format":null}`).expect(t, http.StatusOK).decode(t, &out)
		if !*out.CarryForward || out.TimeFormat != "24" {
			t.Errorf("a null field changed the settings: %+v", out)
		}
		c.json("PATCH", "/api/v1/me", `{"carry_forward_auto":false,"timezone":"Asia/Tokyo"}`).expect(t, http.StatusOK).decode(t, &out)
		if *out.CarryForward || out.Timezone != "Asia/Tokyo" {
			t.Errorf("turning it off: %+v", out)
		}

		c.json("PATCH", "/api/v1/me", `{"carry_forward_auto":true}`, noCSRF()).expect(t, http.StatusForbidden)
		raw, _ := ts.newToken(t, u.ID, time.Time{}, focusflow.ScopeTasksRead, focusflow.ScopeTasksWrite)
		script := ts.bearerClient(t, raw)
		var seen meSettingsJSON
		script.get("/api/v1/me").expect(t, http.StatusOK).decode(t, &seen)
		if seen.CarryForward == nil || *seen.CarryForward {
			t.Errorf("a token's /api/v1/me: %+v", seen)
		}
		script.json("PATCH", "/api/v1/me", `{"carry_forward_auto":true}`, noCSRF()).expect(t, http.StatusForbidden)
		if got := me(); *got.CarryForward {
			t.Errorf("a refused request turned carry forward on: %+v", got)
		}
	})
}
