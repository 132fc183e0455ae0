package web

import (
	"net/http"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// The day view may reuse a cached session, but a session ended anywhere
// else (another instance's logout, an administrator's revocation) is
// refused on the very next request, and settings changed elsewhere apply.
func TestCachedSessionIsRevalidatedByTheDayView(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		day := "/api/v1/days/" + ts.clock.Now().UTC().Format("2006-01-02")
		var body struct {
			Progress struct {
				GoalMS int64 `json:"goal_ms"`
			} `json:"progress"`
		}
		c.get(day).expect(t, http.StatusOK) // resolves and caches the session
		c.get(day).expect(t, http.StatusOK).decode(t, &body)
		if body.Progress.GoalMS != focusflow.DefaultDailyGoal.Milliseconds() {
			t.Fatalf("goal %d", body.Progress.GoalMS)
		}

		// Another instance changes the goal: the next read shows it.
		goal := 3 * time.Hour
		if err := ts.store.UpdateSettings(ts.ctx(), c.userID(), focusflow.UserSettings{DailyGoal: &goal}); err != nil {
			t.Fatal(err)
		}
		c.get(day).expect(t, http.StatusOK).decode(t, &body)
		if body.Progress.GoalMS != goal.Milliseconds() {
			t.Fatalf("goal after a change elsewhere: %d", body.Progress.GoalMS)
		}

		// Another instance ends the session: refused at once, cookie cleared.
		hash := auth.HashToken(auth.DeriveKey(ts.cfg.SecretKey, "session"), c.sessionToken())
		if err := ts.store.DeleteSession(ts.ctx(), hash); err != nil {
			t.Fatal(err)
		}
		res := c.get(day).expect(t, http.StatusUnauthorized)
		if ck := res.setCookie(ts.sessionCookieName()); ck == nil || ck.MaxAge >= 0 {
			t.Fatalf("the dead session's cookie is not cleared: %v", ck)
		}
		c.me().expect(t, http.StatusUnauthorized)
	})
}
