package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// newToken stores a token for the user as the profile page would, and
// records it as a secret the log must never hold.
func (ts *testServer) newToken(t testing.TB, userID int64, expires time.Time, scopes ...string) (string, *focusflow.APIToken) {
	t.Helper()
	raw := auth.NewPAT()
	ts.secrets.add(raw)
	n := focusflow.NewAPIToken{UserID: userID, Name: "test script", Scopes: scopes, ExpiresAt: expires,
		Hash: auth.HashToken(ts.Server.tokenKey, raw)}
	if err := n.Validate(ts.clock.Now()); err != nil {
		t.Fatal(err)
	}
	tok, err := ts.store.CreateAPIToken(ts.ctx(), n)
	if err != nil {
		t.Fatal(err)
	}
	return raw, tok
}

// bearerClient is a script: no cookies it keeps using, the token in every
// request's Authorization header. Requests to it take noCSRF().
func (ts *testServer) bearerClient(t testing.TB, token string) *client {
	c := ts.newClient(t)
	c.Header.Set("Authorization", "Bearer "+token)
	return c
}

func wantStatus(t *testing.T, res *response, status int, contains string) {
	t.Helper()
	res.expect(t, status)
	if contains != "" && !strings.Contains(res.Body, contains) {
		t.Errorf("%s %s: body %q lacks %q", res.method, res.path, res.Body, contains)
	}
}

func TestBearerTokenUseAndScopes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		_, u := ts.signedInClient(t)
		raw, _ := ts.newToken(t, u.ID, time.Time{}, focusflow.ScopeTasksRead, focusflow.ScopeTasksWrite)
		c := ts.bearerClient(t, raw)

		var me struct{ Username string }
		c.get("/api/v1/me").expect(t, http.StatusOK).decode(t, &me)
		if me.Username != u.Username {
			t.Fatalf("me: %+v", me)
		}
		// A script's write needs no CSRF token, even with another site's
		// Origin, and gets no CORS headers.
		res := c.json("POST", "/api/v1/tasks", map[string]any{"title": "From a script", "date": "2025-07-05"},
			noCSRF(), crossSite()).expect(t, http.StatusCreated)
		for k := range res.Header {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("bearer response has a CORS header %s", k)
			}
		}
		wantStatus(t, c.json("POST", "/api/v1/timer/start", map[string]any{}, noCSRF()), http.StatusForbidden, "timer:write")
		res = c.get("/api/v1/stats")
		wantStatus(t, res, http.StatusForbidden, "stats:read")
		if !strings.Contains(res.Header.Get("WWW-Authenticate"), `insufficient_scope`) {
			t.Errorf("scope refusal without WWW-Authenticate: %v", res.Header)
		}
		// The day view leaves out notes without notes:read.
		var day map[string]any
		c.get("/api/v1/days/2025-07-05").expect(t, http.StatusOK).decode(t, &day)
		if _, ok := day["notes"]; ok {
			t.Errorf("day view shows notes to a token without notes:read")
		}
		if _, ok := day["note"]; ok {
			t.Errorf("day view shows the day note to a token without notes:read")
		}
		if tasks, _ := day["tasks"].([]any); len(tasks) != 1 {
			t.Errorf("day view tasks: %v", day["tasks"])
		}
		// Pages, account security and the CSRF endpoint are closed to tokens.
		for _, p := range []struct{ method, path string }{{"GET", "/dashboard"}, {"GET", "/profile"},
			{"POST", "/profile/password"}, {"POST", "/profile/delete"}, {"POST", "/profile/sessions/revoke"},
			{"POST", "/logout"}, {"GET", "/api/v1/csrf"}} {
			c.do(p.method, p.path, nil, "").expect(t, http.StatusForbidden)
		}
		// The first use from an address is in the owner's audit trail.
		events, err := ts.store.Events(ts.ctx(), u.ID, 50)
		if err != nil || !slices.ContainsFunc(events, func(e focusflow.SecurityEvent) bool {
			return e.Kind == focusflow.EventTokenNewAddress && e.IP == "127.0.0.1"
		}) {
			t.Errorf("no token_new_address event: %+v %v", events, err)
		}
		ts.assertLogsClean(t, raw)
	})
}

func TestCookieRequestsStillNeedCSRF(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		c.json("POST", "/api/v1/tasks", map[string]any{"title": "x", "date": "2025-07-05"}, noCSRF()).
			expect(t, http.StatusForbidden)
		// A bearer header that is not a token does not excuse the cookie
		// from CSRF: the request is judged by the header alone, and fails.
		c.json("POST", "/api/v1/tasks", map[string]any{"title": "x", "date": "2025-07-05"}, noCSRF(),
			withHeader("Authorization", "Bearer not-a-token")).expect(t, http.StatusUnauthorized)
	})
}

func TestTokenInQueryStringRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		_, u := ts.signedInClient(t)
		raw, _ := ts.newToken(t, u.ID, time.Time{})
		anon := ts.newClient(t)
		for _, p := range []string{"/api/v1/me?token=" + raw, "/api/v1/days/2025-07-05?access_token=" + raw,
			"/api/v1/export?token=" + raw} {
			res := anon.get(p).expect(t, http.StatusUnauthorized)
			if res.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: no WWW-Authenticate", p)
			}
		}
		anon.get("/dashboard?token="+raw).expect(t, http.StatusForbidden)
		ts.assertLogsClean(t, raw)
	})
}

func TestTokenExpiryAndRevocationAcrossInstances(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		a := newTestServer(t, e)
		b := a.sibling(t)
		_, u := a.signedInClient(t)
		short, _ := a.newToken(t, u.ID, a.clock.Now().Add(time.Hour))
		long, tok := a.newToken(t, u.ID, time.Time{})
		onB := b.bearerClient(t, long)
		onB.get("/api/v1/me").expect(t, http.StatusOK)
		b.bearerClient(t, short).get("/api/v1/me").expect(t, http.StatusOK)

		a.clock.Advance(time.Hour)
		res := b.bearerClient(t, short).get("/api/v1/me")
		wantStatus(t, res, http.StatusUnauthorized, "expired")
		if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("401 without WWW-Authenticate: Bearer: %v", res.Header)
		}

		// Revoked through one instance, refused by the other at once, even
		// by the day view, which B has just resolved the token for (and
		// keeps it for a few seconds, checking it again in its own read).
		onB.get("/api/v1/days/2025-07-05").expect(t, http.StatusOK)
		if _, err := a.store.RevokeAPIToken(a.ctx(), u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		res = onB.get("/api/v1/days/2025-07-05")
		wantStatus(t, res, http.StatusUnauthorized, "not valid")
		if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("401 without WWW-Authenticate: Bearer: %v", res.Header)
		}
		wantStatus(t, onB.get("/api/v1/days/2025-07-05"), http.StatusUnauthorized, "revoked")
		events, _ := a.store.Events(a.ctx(), u.ID, 50)
		if !slices.ContainsFunc(events, func(e focusflow.SecurityEvent) bool {
			return e.Kind == focusflow.EventTokenRejected && e.Detail == "revoked"
		}) {
			t.Errorf("no token_rejected event for the revoked token: %+v", events)
		}
		a.assertLogsClean(t, short, long)
	})
}

func TestLockAndDeleteEndTokenAccess(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		_, u := ts.signedInClient(t)
		raw, _ := ts.newToken(t, u.ID, time.Time{})
		c := ts.bearerClient(t, raw)
		c.get("/api/v1/me").expect(t, http.StatusOK)
		c.get("/api/v1/days/2025-07-05").expect(t, http.StatusOK) // resolved and kept for the day view
		if err := ts.store.SetLocked(ts.ctx(), u.ID, true); err != nil {
			t.Fatal(err)
		}
		c.get("/api/v1/days/2025-07-05").expect(t, http.StatusUnauthorized)
		c.get("/api/v1/me").expect(t, http.StatusUnauthorized)
		if err := ts.store.SetLocked(ts.ctx(), u.ID, false); err != nil {
			t.Fatal(err)
		}
		c.get("/api/v1/me").expect(t, http.StatusUnauthorized) // unlocking does not bring tokens back

		_, v := ts.signedInClient(t)
		raw2, _ := ts.newToken(t, v.ID, time.Time{})
		c2 := ts.bearerClient(t, raw2)
		c2.get("/api/v1/me").expect(t, http.StatusOK)
		if err := ts.store.DeleteUser(ts.ctx(), v.ID); err != nil {
			t.Fatal(err)
		}
		c2.get("/api/v1/me").expect(t, http.StatusUnauthorized)
	})
}

func TestFailedTokensCountAgainstTheAddress(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e, loginRate(3, time.Hour))
		typo, c := auth.NewPAT(), byte('a')
		if typo[10] == c {
			c = 'b'
		}
		typo = typo[:10] + string(c) + typo[11:]
		for _, bad := range []string{"ffpat_short", typo, auth.NewPAT()} {
			ts.bearerClient(t, bad).get("/api/v1/me").expect(t, http.StatusUnauthorized)
		}
		ts.bearerClient(t, auth.NewPAT()).get("/api/v1/me").expect(t, http.StatusTooManyRequests)
		// The address's sign-in budget is spent too.
		ts.newClient(t).tryLogin("nobody", "wrong-password-placeholder").expect(t, http.StatusTooManyRequests)
	})
}

// Every /api/v1 route says what a token needs for it, or why tokens may
// not use it; the table names no route that does not exist.
func TestEveryAPIRouteHasATokenRule(t *testing.T) {
	ts := newTestServer(t, storetest.Engines(t)[0])
	registered := map[string]bool{}
	for _, p := range ts.Server.router.patterns {
		registered[p] = true
		if !strings.Contains(p, " /api/v1/") {
			continue
		}
		_, scoped := routeScopes[p]
		_, closed := tokenClosedRoutes[p]
		if scoped == closed {
			t.Errorf("route %s: in routeScopes %v, in tokenClosedRoutes %v (want exactly one)", p, scoped, closed)
		}
	}
	for p := range routeScopes {
		if !registered[p] {
			t.Errorf("routeScopes names %s, which is not a route", p)
		}
	}
}

// A token's event stream carries only the areas it may read, survives its
// owner's sign-outs, and ends when the token is revoked.
func TestTokenEventStream(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := startTestServer(t, testSetup{Engine: e, EventsRecheck: 50 * time.Millisecond})
		c, u := ts.signedInClient(t)
		raw, tok := ts.newToken(t, u.ID, time.Time{}, focusflow.ScopeTasksRead)
		stream := ts.bearerClient(t, raw).openEvents("")
		if stream.res.StatusCode != http.StatusOK {
			t.Fatalf("token stream: %d", stream.res.StatusCode)
		}
		c.json("PUT", "/api/v1/days/2025-07-05/note", map[string]any{"text": "private"}).expect(t, http.StatusOK)
		c.json("POST", "/api/v1/tasks", map[string]any{"date": "2025-07-05", "title": "Seen"}).expect(t, http.StatusCreated)
		for ev := stream.next("day"); ev.Data["what"] != "tasks"; ev = stream.next("day") {
			if ev.Data["what"] == "day_note" {
				t.Fatalf("a token without notes:read saw a notes event: %+v", ev)
			}
		}
		c.postForm("/profile/sessions/revoke", nil).expect(t, http.StatusSeeOther)
		c.json("POST", "/api/v1/tasks", map[string]any{"date": "2025-07-05", "title": "Still seen"}).expect(t, http.StatusCreated)
		stream.next("day")
		if _, err := ts.store.RevokeAPIToken(ts.ctx(), u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if ev := stream.next("goodbye"); ev.Data["reason"] != "signed_out" {
			t.Fatalf("goodbye %+v", ev)
		}
		stream.ended()
	})
}
