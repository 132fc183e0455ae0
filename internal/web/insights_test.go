package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// insightsSeed gives a signed-in client a completed task with 90 minutes of
// manual time yesterday (the harness clock is 2025-07-05 09:00 UTC).
func insightsSeed(t *testing.T, c *client) {
	t.Helper()
	var task struct {
		ID int64 `json:"id"`
	}
	c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"date": "2025-07-04", "title": "Write <b>report</b>",
		"start_time": "08:00", "duration_minutes": 60}).expect(t, http.StatusCreated).decode(t, &task)
	id := strconv.FormatInt(task.ID, 10)
	c.json(http.MethodPost, "/api/v1/tasks/"+id+"/entries", map[string]any{
		"started_at": "2025-07-04T08:00:00Z", "ended_at": "2025-07-04T09:30:00Z"}).expect(t, http.StatusCreated)
	c.json(http.MethodPatch, "/api/v1/tasks/"+id, map[string]any{"status": "completed"}).expect(t, http.StatusOK)
}

func TestStatsRangeValidation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		for _, tc := range []struct{ query, field string }{
			{"from=2025-02-30", "from"},
			{"from=2025-2-3", "from"},
			{"from=", "from"},
			{"to=2025-13-01", "to"},
			{"to=tomorrow", "to"},
			{"from=2025-07-06&to=2025-07-05", "from"},
			{"from=2015-06-28&to=2025-07-05", "from"}, // 3,661 days
			{"from=2025-07-06", "from"},               // after the default end, today
		} {
			res := c.get("/api/v1/stats?"+tc.query).expect(t, http.StatusBadRequest)
			if got := res.apiError(t); got.Field != tc.field || got.Code != "invalid" {
				t.Errorf("%s: error %+v, want field %q", tc.query, got, tc.field)
			}
		}
		var ok struct {
			From string `json:"from"`
			To   string `json:"to"`
		}
		c.get("/api/v1/stats").expect(t, http.StatusOK).decode(t, &ok)
		if ok.From != "2024-07-06" || ok.To != "2025-07-05" {
			t.Errorf("default range %s..%s", ok.From, ok.To)
		}
		c.get("/api/v1/stats?from=2015-06-29&to=2025-07-05").expect(t, http.StatusOK).decode(t, &ok) // 3,660 days
		c.get("/api/v1/stats?to=2025-01-31").expect(t, http.StatusOK).decode(t, &ok)
		if ok.From != "2024-02-02" || ok.To != "2025-01-31" { // 365 days, 29 February 2024 included
			t.Errorf("range ending 2025-01-31: %s..%s", ok.From, ok.To)
		}
		ts.newClient(t).get("/api/v1/stats").expect(t, http.StatusUnauthorized)
	})
}

var apiTimePattern = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

func TestStatsAndAchievementsJSON(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		insightsSeed(t, c)
		var st struct {
			From, To, Today, Timezone string
			Totals                    struct {
				Tasks          int     `json:"tasks"`
				Completed      int     `json:"completed"`
				CompletionRate float64 `json:"completion_rate"`
				FocusMS        int64   `json:"focus_ms"`
				ManualMS       int64   `json:"manual_ms"`
				DaysActive     int     `json:"days_active"`
			} `json:"totals"`
			Days []struct {
				Date    string `json:"date"`
				FocusMS int64  `json:"focus_ms"`
			} `json:"days"`
			Weekdays []struct {
				Weekday int    `json:"weekday"`
				Name    string `json:"name"`
			} `json:"weekdays"`
			Hours  []struct{ Hour int } `json:"hours"`
			Months []struct {
				Month string `json:"month"`
			} `json:"months"`
			Streak struct {
				Current      int     `json:"current"`
				Longest      int     `json:"longest"`
				LongestStart *string `json:"longest_start"`
			} `json:"streak"`
			FocusStreak map[string]any `json:"focus_streak"`
			Plan        struct {
				Planned    int    `json:"planned_tasks"`
				Lateness   *int64 `json:"average_lateness_ms"`
				Efficiency *int   `json:"efficiency_percent"`
				Days       []any  `json:"days"`
			} `json:"plan"`
			Goal struct {
				GoalMS int64 `json:"goal_ms"`
				Today  struct {
					Date string `json:"date"`
				} `json:"today"`
				Week []any `json:"week"`
			} `json:"goal"`
			Definitions map[string]string `json:"definitions"`
			ServerTime  string            `json:"server_time"`
		}
		c.get("/api/v1/stats").expect(t, http.StatusOK).decode(t, &st)
		if st.Totals.Tasks != 1 || st.Totals.Completed != 1 || st.Totals.CompletionRate != 1 ||
			st.Totals.FocusMS != 5_400_000 || st.Totals.ManualMS != 5_400_000 || st.Totals.DaysActive != 1 {
			t.Errorf("totals %+v", st.Totals)
		}
		if len(st.Days) != 1 || st.Days[0].Date != "2025-07-04" || st.Days[0].FocusMS != 5_400_000 {
			t.Errorf("days %+v", st.Days)
		}
		if len(st.Weekdays) != 7 || st.Weekdays[0].Weekday != 1 || st.Weekdays[0].Name != "Monday" || len(st.Hours) != 24 || len(st.Months) != 13 {
			t.Errorf("weekdays %+v hours %d months %d", st.Weekdays, len(st.Hours), len(st.Months))
		}
		if st.Streak.Current != 1 || st.Streak.Longest != 1 || st.Streak.LongestStart == nil || *st.Streak.LongestStart != "2025-07-04" {
			t.Errorf("streak %+v", st.Streak)
		}
		if st.FocusStreak["current"] != float64(0) || st.FocusStreak["longest_start"] != nil {
			t.Errorf("focus streak %+v (90 min is under the 2 h goal)", st.FocusStreak)
		}
		if st.Plan.Planned != 1 || st.Plan.Lateness != nil || st.Plan.Efficiency == nil || *st.Plan.Efficiency != 150 || len(st.Plan.Days) != 30 {
			t.Errorf("plan %+v", st.Plan)
		}
		if st.Goal.GoalMS != 7_200_000 || st.Goal.Today.Date != "2025-07-05" || len(st.Goal.Week) != 7 {
			t.Errorf("goal %+v", st.Goal)
		}
		for _, k := range []string{"streak", "focus_streak", "day", "focus_ms", "plan"} {
			if st.Definitions[k] == "" {
				t.Errorf("definition %q missing", k)
			}
		}
		if st.Timezone != "UTC" || !apiTimePattern.MatchString(st.ServerTime) {
			t.Errorf("timezone %q server_time %q", st.Timezone, st.ServerTime)
		}

		var ach struct {
			Achievements []struct {
				ID          string  `json:"id"`
				Name        string  `json:"name"`
				Description string  `json:"description"`
				Unlocked    bool    `json:"unlocked"`
				UnlockedAt  *string `json:"unlocked_at"`
				Progress    struct {
					Current int    `json:"current"`
					Target  int    `json:"target"`
					Unit    string `json:"unit"`
				} `json:"progress"`
			} `json:"achievements"`
			Unlocked int `json:"unlocked"`
			Total    int `json:"total"`
		}
		c.get("/api/v1/achievements").expect(t, http.StatusOK).decode(t, &ach)
		if ach.Total < 17 || len(ach.Achievements) != ach.Total || ach.Unlocked != 2 {
			t.Fatalf("achievements: %d of %d unlocked", ach.Unlocked, ach.Total)
		}
		for _, a := range ach.Achievements {
			switch a.ID {
			case "first_task", "focus_1h":
				if !a.Unlocked || a.UnlockedAt == nil || *a.UnlockedAt != "2025-07-04T23:59:59.999Z" {
					t.Errorf("%s: %+v", a.ID, a)
				}
			case "focus_10h":
				if a.Unlocked || a.UnlockedAt != nil || a.Progress.Current != 90 || a.Progress.Target != 600 || a.Progress.Unit != "minutes" {
					t.Errorf("focus_10h: %+v", a)
				}
			}
			if a.Name == "" || a.Description == "" {
				t.Errorf("achievement without a name: %+v", a)
			}
		}
		// Achievements are the server's: a client cannot write them.
		c.json(http.MethodPost, "/api/v1/achievements", map[string]any{"id": "tasks_100"}).expect(t, http.StatusMethodNotAllowed)
		c.json(http.MethodPut, "/api/v1/achievements", map[string]any{"id": "tasks_100"}).expect(t, http.StatusMethodNotAllowed)
	})
}

var (
	styleAttr    = regexp.MustCompile(`\sstyle=`)
	inlineScript = regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`)
)

func TestAchievementsAndProfilePages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		if res := ts.newClient(t).get("/achievements"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.location(), "/login") {
			t.Fatalf("signed out: %s", res)
		}
		c, _ := ts.signedInClient(t)
		empty := c.get("/achievements").expect(t, http.StatusOK)
		if !strings.Contains(empty.Body, `class="heatmap"`) || !strings.Contains(empty.Body, "Give tasks a start time") {
			t.Errorf("empty page: %s", empty)
		}
		insightsSeed(t, c)
		res := c.get("/achievements").expect(t, http.StatusOK)
		body := res.Body
		for _, want := range []string{
			`<svg class="heatmap"`, `class="hm l2"`, // 90 minutes: under the 2 h goal, over half of it
			`Fri 4 Jul 2025: 1 h 30 min focus (75% of goal), 1 of 1 tasks completed`,
			`<svg class="bars"`, `id="weekday-chart"`, `id="hour-chart"`, `id="month-chart"`, `id="plan-chart"`,
			`<table>`, `<th scope="row">Friday</th>`, `<th scope="row">08:00–08:59</th>`,
			`First step`, `Perfect week`, `Unlocked <time datetime="2025-07-04T23:59:59Z">4 Jul 2025</time>`,
			`<progress max="600" value="90"`, `2 of 21 unlocked`, `How these figures are counted`,
			`/static/css/insights.`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if n := strings.Count(body, `<rect class="hm l`); n != 365 {
			t.Errorf("%d heatmap cells, want 365 days", n)
		}
		if n := strings.Count(body, `<span class="hm-key l`); n != 5 {
			t.Errorf("%d heatmap key squares, want 5", n)
		}
		if n := strings.Count(body, ` today"`); n != 1 {
			t.Errorf("%d heatmap cells marked today, want 1", n)
		}
		if styleAttr.MatchString(body) || inlineScript.MatchString(body) {
			t.Error("the page has an inline style or script, which the CSP forbids")
		}
		if strings.Contains(body, "<b>report</b>") {
			t.Error("user text is not escaped")
		}

		prof := c.get("/profile").expect(t, http.StatusOK).Body
		for _, want := range []string{`id="stats-h"`, "Tasks completed</dt><dd>1 of 1 (100%)", "1 h 30 min <small>(of which manual 1 h 30 min)</small>",
			"<dt>Streak</dt><dd>1 day <small>(longest 1)</small>", "2 of 21 unlocked", "Member since"} {
			if !strings.Contains(prof, want) {
				t.Errorf("the profile lacks %q", want)
			}
		}
		if n := strings.Count(prof, "Member since"); n != 1 {
			t.Errorf("the profile says Member since %d times, want once", n)
		}
		ts.assertLogsClean(t)
	})
}
