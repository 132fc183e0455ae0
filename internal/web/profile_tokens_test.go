package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

var shownToken = regexp.MustCompile(`ffpat_[0-9A-Za-z]{49}`)

// createTokenOnPage makes a token through the profile form and returns it
// as the page showed it.
func createTokenOnPage(t *testing.T, c *client, form url.Values) string {
	t.Helper()
	res := c.postForm("/profile/tokens", form).expect(t, http.StatusCreated)
	raw := shownToken.FindString(res.Body)
	if raw == "" {
		t.Fatalf("no token on the page: %s", res)
	}
	c.ts.secrets.add(raw)
	return raw
}

func TestProfileTokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, u := ts.signedInClient(t)
		raw := createTokenOnPage(t, c, url.Values{"name": {"Backup <script>"}, "expires": {"90d"},
			"scope": {"tasks:read", "stats:read"}})
		script := ts.bearerClient(t, raw)
		script.get("/api/v1/stats").expect(t, http.StatusOK)
		script.get("/api/v1/export").expect(t, http.StatusForbidden)

		page := c.get("/profile").expect(t, http.StatusOK)
		if strings.Contains(page.Body, raw) {
			t.Fatal("the token is shown again on the profile")
		}
		for _, want := range []string{"Backup &lt;script&gt;", "tasks:read, stats:read", "from 127.0.0.1", "2025-10-03"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("profile lacks %q", want)
			}
		}
		// Bad forms change nothing and name the field.
		for _, f := range []struct {
			form  url.Values
			field string
		}{
			{url.Values{"name": {"x"}, "expires": {"90d"}}, "scopes"},
			{url.Values{"name": {"x"}, "expires": {"90d"}, "scope": {"admin"}}, "scopes"},
			{url.Values{"name": {"x"}, "expires": {"tomorrow"}, "scope": {"tasks:read"}}, "expires"},
			{url.Values{"name": {strings.Repeat("n", 101)}, "scope": {"tasks:read"}}, "name"},
		} {
			res := c.postForm("/profile/tokens", f.form).expect(t, http.StatusBadRequest)
			if !strings.Contains(res.Body, `name="`+map[string]string{"scopes": "scope", "expires": "expires", "name": "name"}[f.field]) ||
				shownToken.MatchString(res.Body) {
				t.Errorf("form %v: %s", f.form, res.Body)
			}
		}
		if list, _ := ts.store.APITokens(ts.ctx(), u.ID); len(list) != 1 {
			t.Fatalf("tokens after bad forms: %+v", list)
		}

		// A password change keeps the token, and says so.
		newPassword := "Quartz-lantern-" + randomHex(6)
		ts.secrets.add(newPassword)
		res := c.postForm("/profile/password", url.Values{"current_password": {u.Password}, "new_password": {newPassword},
			"confirm_password": {newPassword}}).expect(t, http.StatusSeeOther)
		if !strings.Contains(c.get(res.location()).Body, "API tokens were kept") {
			t.Error("no notice that tokens were kept")
		}
		script.get("/api/v1/stats").expect(t, http.StatusOK)

		list, _ := ts.store.APITokens(ts.ctx(), u.ID)
		// Another user cannot revoke it.
		other, _ := ts.signedInClient(t)
		other.postForm("/profile/tokens/"+strconv.FormatInt(list[0].ID, 10)+"/revoke", nil).expect(t, http.StatusNotFound)
		script.get("/api/v1/stats").expect(t, http.StatusOK)
		c.postForm("/profile/tokens/"+strconv.FormatInt(list[0].ID, 10)+"/revoke", nil).expect(t, http.StatusSeeOther)
		script.get("/api/v1/stats").expect(t, http.StatusUnauthorized)

		kinds := map[string]bool{}
		events, _ := ts.store.Events(ts.ctx(), u.ID, 50)
		for _, ev := range events {
			kinds[ev.Kind] = true
		}
		for _, k := range []string{"token_created", "token_new_address", "token_revoked", "token_rejected"} {
			if !kinds[k] {
				t.Errorf("no %s event: %v", k, kinds)
			}
		}
		ts.assertLogsClean(t, raw)
	})
}
