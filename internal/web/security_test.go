package web

// The attack suite of issue 3: every test drives the real HTTP handler on
// every engine and asserts what an attacker would actually get (status,
// body, cookies, headers, the database state seen through follow-up
// requests, and the log).

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/config"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// injectionPayloads are classic SQL injection strings plus the bytes that
// break naive drivers: NUL, invalid UTF-8 and look-alike quotes.
var injectionPayloads = []string{
	`' OR 1=1--`,
	`' OR '1'='1`,
	`"; DROP TABLE users;--`,
	`admin'--`,
	`1); DELETE FROM sessions;--`,
	`' UNION SELECT email, 1 FROM users--`,
	"\x00",
	"abc\x00' OR 1=1--",
	"\u2019 OR 1=1--",  // right single quotation mark
	"\uff07 OR 1=1--",  // fullwidth apostrophe
	"\u02bc OR 1=1--",  // modifier letter apostrophe
	`\' OR 1=1--`,      // backslash escape (MySQL style)
	"\xff\xfe' OR 1=1", // invalid UTF-8
	`%27%20OR%201%3D1--`,
	strings.Repeat("'", 300),
}

// internalsPattern matches what must never reach a client: driver and SQL
// error text, Go source paths, stack traces.
var internalsPattern = regexp.MustCompile(`SQLSTATE|[Ss]yntax error|SQLITE_|\bsqlite3?:|\bpgconn\b|\bpgx\b|\bpq: |\bsql: |` +
	`near "|unrecognized token|\.go:\d|goroutine \d|runtime\.|panic:|database is closed|connection refused|` +
	`password_hash|invalid byte sequence|violates|constraint failed`)

// assertSafe checks an answer to an attack: no 5xx, no internals, none of
// leaks (a victim's data). What the attacker sent may come back (forms are
// refilled), so the payloads are removed from the body before looking.
func assertSafe(t testing.TB, res *response, leaks ...string) {
	t.Helper()
	if res.Status >= 500 {
		t.Errorf("server error: %s", res)
		return
	}
	body := unreflect(normalizePage(res.Body))
	if m := internalsPattern.FindString(body); m != "" {
		t.Errorf("response shows internals (%q): %s", m, res)
	}
	for _, l := range append(leaks, "$argon2id$", "pbkdf2:") {
		if l != "" && strings.Contains(body, l) {
			t.Errorf("response leaks %q: %s", l, res)
		}
	}
}

// unreflect removes every injection and XSS payload, in every escaping the
// server may have applied, from a body.
func unreflect(body string) string {
	for _, p := range append(slices.Clone(injectionPayloads), xssPayload) {
		b, _ := json.Marshal(p)
		for _, form := range []string{p, template.HTMLEscapeString(p), html.EscapeString(p), strings.Trim(string(b), `"`),
			url.QueryEscape(p), url.PathEscape(p), strings.ToValidUTF8(p, "\ufffd"), strings.ToValidUTF8(p, "\uFFFD")} {
			if strings.TrimSpace(form) != "" {
				body = strings.ReplaceAll(body, form, "PAYLOAD")
			}
		}
	}
	return body
}

// anyName is a login name no one has used yet (so no lockout is shared).
func anyName() string { return "name_" + randomHex(5) }

// ---------------------------------------------------------------- SQL injection

func TestSQLInjection(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		victimClient, victim := ts.signedInClient(t)
		attacker, _ := ts.signedInClient(t)
		usersBefore, err := ts.store.ListUsers(ts.ctx())
		if err != nil {
			t.Fatal(err)
		}

		t.Run("signup fields", func(t *testing.T) {
			c := ts.newClient(t)
			for _, p := range injectionPayloads {
				for _, field := range []string{"username", "email", "timezone"} {
					u := ts.nextUser()
					form := url.Values{"username": {u.Username}, "email": {u.Email}, "password": {u.Password}, "timezone": {"UTC"}}
					form.Set(field, p)
					res := c.trySignup(form)
					assertSafe(t, res, victim.Email)
					if res.Status != http.StatusBadRequest {
						t.Errorf("signup with %s=%q: want 400 (invalid), got %s", field, p, res)
					}
				}
			}
		})

		t.Run("password is stored and checked verbatim", func(t *testing.T) {
			for _, p := range injectionPayloads {
				u := ts.nextUser()
				password := p + " plum vortex"
				c := ts.newClient(t)
				res := c.trySignup(url.Values{"username": {u.Username}, "email": {u.Email}, "password": {password}, "timezone": {"UTC"}})
				assertSafe(t, res)
				if res.Status != http.StatusSeeOther {
					if res.Status != http.StatusBadRequest {
						t.Errorf("signup with password %q: %s", password, res)
					}
					continue
				}
				ts.secrets.add(password)
				c2 := ts.newClient(t)
				if res := c2.tryLogin(u.Username, password); res.Status != http.StatusSeeOther {
					t.Errorf("login with password %q after signup: %s", password, res)
				}
				if res := c2.tryLogin(u.Username, password+"x"); res.Status != http.StatusUnauthorized {
					t.Errorf("login with a longer password than %q: want 401, got %s", password, res)
				}
			}
		})

		t.Run("login fields", func(t *testing.T) {
			for _, p := range injectionPayloads {
				c := ts.newClient(t)
				for _, creds := range [][2]string{{p, p}, {p, "whatever-password"}, {victim.Username, p},
					{victim.Username + p, victim.Password}, {p + victim.Email, "x"}} {
					res := c.tryLogin(creds[0], creds[1])
					leak := victim.Email
					if strings.Contains(creds[0], leak) {
						leak = "" // the refilled form shows what was typed
					}
					assertSafe(t, res, leak)
					// 429: the victim's name is locked after 5 failures.
					if res.Status != http.StatusUnauthorized && res.Status != http.StatusBadRequest &&
						res.Status != http.StatusTooManyRequests {
						t.Errorf("login %q/%q: want 401, 400 or 429, got %s", creds[0], creds[1], res)
					}
					if c.sessionToken() != "" {
						t.Fatalf("login %q/%q signed the client in", creds[0], creds[1])
					}
				}
			}
		})

		t.Run("user agent", func(t *testing.T) {
			// Stored with the session and in the security events.
			_, victim := ts.signedInClient(t)
			for _, p := range injectionPayloads {
				if strings.ContainsRune(p, 0) {
					continue // not a valid header value; net/http refuses to send it
				}
				c := ts.newClient(t)
				c.Header.Set("User-Agent", p)
				res := c.tryLogin(victim.Username, victim.Password)
				assertSafe(t, res)
				if res.Status != http.StatusSeeOther {
					t.Errorf("login with User-Agent %q: want 303, got %s", p, res)
					continue
				}
				assertSafe(t, c.get("/profile").expect(t, http.StatusOK))
				c.tryLogin(victim.Username, "wrong password "+p) // a failure event with this agent
			}
		})

		t.Run("profile settings", func(t *testing.T) {
			attacker := attacker.in(t)
			for _, p := range injectionPayloads {
				for _, field := range []string{"timezone", "theme", "daily_goal_minutes", "timer_cap_hours"} {
					res := attacker.postForm("/profile/settings", url.Values{field: {p}})
					assertSafe(t, res, victim.Email)
					if res.Status != http.StatusBadRequest {
						t.Errorf("settings %s=%q: want 400, got %s", field, p, res)
					}
				}
			}
			var me struct{ Timezone string }
			attacker.me().expect(t, http.StatusOK).decode(t, &me)
			if me.Timezone != "UTC" {
				t.Errorf("time zone changed to %q", me.Timezone)
			}
		})

		t.Run("query strings", func(t *testing.T) {
			anon := ts.newClient(t)
			for _, p := range injectionPayloads {
				q := url.QueryEscape(p)
				assertSafe(t, anon.get("/login?next="+q).expect(t, http.StatusOK), victim.Email)
				assertSafe(t, anon.get("/?notice="+q).expect(t, http.StatusOK), victim.Email)
				assertSafe(t, anon.get("/signup?username="+q).expect(t, http.StatusOK), victim.Email)
				assertSafe(t, attacker.get("/dashboard?date="+q).expect(t, http.StatusOK, http.StatusBadRequest), victim.Email)
				assertSafe(t, attacker.get("/profile?tab="+q).expect(t, http.StatusOK), victim.Email)
				res := attacker.get("/api/v1/me?id=" + q + "&user_id=" + strconv.FormatInt(victim.ID, 10))
				assertSafe(t, res.expect(t, http.StatusOK), victim.Email)
			}
		})

		t.Run("path segments", func(t *testing.T) {
			for _, p := range injectionPayloads {
				seg := url.PathEscape(p)
				for _, path := range []string{
					"/api/v1/tasks/" + seg, "/api/v1/tasks/1" + seg, "/api/v1/tasks/" + seg + "/entries",
					"/api/v1/days/" + seg, "/api/v1/days/" + seg + "/note", "/api/v1/notes/" + seg,
					"/api/v1/entries/" + seg, "/api/v1/timer/" + seg, "/api/v1/" + seg,
					"/profile/" + seg, "/static/" + seg, "/static/css/" + seg + ".css", "/" + seg,
				} {
					for _, method := range []string{http.MethodGet, http.MethodPatch, http.MethodDelete} {
						var res *response
						if method == http.MethodGet {
							res = attacker.get(path)
						} else {
							res = attacker.json(method, path, map[string]any{"title": p})
						}
						assertSafe(t, res, victim.Email)
						if res.Status < 400 {
							t.Errorf("%s %s: want a 4xx, got %s", method, path, res)
						}
					}
				}
			}
		})

		t.Run("JSON bodies", func(t *testing.T) {
			forEachJSONEndpoint(t, ts, func(t *testing.T, c *client, ep jsonEndpoint, path string) {
				for _, p := range injectionPayloads {
					res := c.json(ep.method, path, ep.body(p))
					assertSafe(t, res, victim.Email)
				}
			})
		})

		// The users table is intact: the same users exist, and the victim
		// still signs in (once the lockout the attempts caused is over)
		// and sees only their own account.
		ts.clock.Advance(2 * time.Minute)
		usersAfter, err := ts.store.ListUsers(ts.ctx())
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range usersBefore {
			found := false
			for _, a := range usersAfter {
				if a.ID == b.ID && a.Username == b.Username && a.Email == b.Email {
					found = true
				}
			}
			if !found {
				t.Errorf("user %d (%s) is gone or changed after the injection attempts", b.ID, b.Username)
			}
		}
		if !victimClient.signedIn() {
			t.Error("the victim's session ended during the injection attempts")
		}
		fresh := ts.newClient(t)
		fresh.login(victim.Username, victim.Password)
		if id := fresh.userID(); id != victim.ID {
			t.Errorf("signed in as %d, want %d", id, victim.ID)
		}
		// Every attempt left its trace: no security event failed to be
		// stored, and nothing became an internal error.
		for _, msg := range []string{"record security event", "internal error", "panic"} {
			for _, e := range ts.logs.find(t, msg) {
				t.Errorf("log: %s: %v", msg, e)
			}
		}
		// (The payloads double as login names here, which are logged;
		// the real secret is the victim's password.)
		if strings.Contains(ts.logs.String(), victim.Password) {
			t.Error("the log contains the victim's password")
		}
	})
}

// ---------------------------------------------------------------- XSS

const xssPayload = `<script>alert(1)</script>`

// assertEscaped checks that a payload comes out inert: never raw, and (when
// it was rendered at all) HTML-escaped.
func assertEscaped(t testing.TB, res *response, payload string, mustAppear bool) {
	t.Helper()
	if strings.Contains(res.Body, payload) || strings.Contains(strings.ToLower(res.Body), "<script>alert") {
		t.Errorf("raw payload %q in the response: %s", payload, res)
	}
	if mustAppear && !strings.Contains(res.Body, "&lt;script&gt;") {
		t.Errorf("payload %q not rendered escaped (&lt;script&gt;): %s", payload, res)
	}
}

func TestStoredXSS(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)

		t.Run("login form refills the username escaped", func(t *testing.T) {
			c := ts.newClient(t)
			for _, p := range []string{xssPayload, `"><script>alert(1)</script>`, `' onfocus='alert(1)`} {
				res := c.tryLogin(p, "wrong password").expect(t, http.StatusUnauthorized)
				assertEscaped(t, res, p, strings.Contains(p, "<script>"))
				// The refill stays inside its attribute, quotes escaped.
				if want := `value="` + template.HTMLEscapeString(p) + `"`; !strings.Contains(res.Body, want) {
					t.Errorf("username not refilled as %s: %s", want, res)
				}
			}
		})

		t.Run("signup refills and error messages are escaped", func(t *testing.T) {
			c := ts.newClient(t)
			u := ts.nextUser()
			// Every field carries the payload; username fails first.
			res := c.trySignup(url.Values{"username": {xssPayload}, "email": {xssPayload + "@example.com"},
				"password": {u.Password}, "timezone": {xssPayload}}).expect(t, http.StatusBadRequest)
			assertEscaped(t, res, xssPayload, true)
			// A valid username and email: the time zone error quotes the
			// submitted value.
			res = c.trySignup(url.Values{"username": {u.Username}, "email": {u.Email}, "password": {u.Password},
				"timezone": {xssPayload}}).expect(t, http.StatusBadRequest)
			assertEscaped(t, res, xssPayload, true)
			if !strings.Contains(res.formError(), "time zone") {
				t.Errorf("want the time zone error, got %q", res.formError())
			}
		})

		t.Run("next parameter is escaped", func(t *testing.T) {
			c := ts.newClient(t)
			res := c.get("/login?next="+url.QueryEscape(`/"><script>alert(1)</script>`)).expect(t, http.StatusOK)
			assertEscaped(t, res, xssPayload, false)
		})

		t.Run("profile settings error is escaped", func(t *testing.T) {
			c, _ := ts.signedInClient(t)
			res := c.postForm("/profile/settings", url.Values{"timezone": {xssPayload}}).expect(t, http.StatusBadRequest)
			assertEscaped(t, res, xssPayload, true)
		})

		t.Run("user agent on the profile page", func(t *testing.T) {
			c, u := ts.signedInClient(t)
			other := ts.newClient(t)
			other.Header.Set("User-Agent", xssPayload)
			other.login(u.Username, u.Password)
			other.tryLogin(u.Username, "a wrong password") // an event with the agent too
			for _, cl := range []*client{c, other} {
				res := cl.get("/profile").expect(t, http.StatusOK)
				assertEscaped(t, res, xssPayload, false)
			}
		})

		t.Run("JSON bodies", func(t *testing.T) {
			forEachJSONEndpoint(t, ts, func(t *testing.T, c *client, ep jsonEndpoint, path string) {
				res := c.json(ep.method, path, ep.body(xssPayload))
				assertSafe(t, res)
				if strings.Contains(res.Body, xssPayload) {
					t.Errorf("JSON answer carries raw %q (encoding/json escapes < > &): %s", xssPayload, res)
				}
				for _, page := range []string{"/dashboard", "/profile"} {
					assertEscaped(t, c.get(page).expect(t, http.StatusOK), xssPayload, false)
				}
			})
		})

		t.Run("error pages do not reflect the path", func(t *testing.T) {
			c := ts.newClient(t)
			res := c.get("/"+url.PathEscape(xssPayload)).expect(t, http.StatusNotFound)
			assertEscaped(t, res, xssPayload, false)
			res = c.get("/api/v1/"+url.PathEscape(xssPayload)).expect(t, http.StatusNotFound)
			assertEscaped(t, res, xssPayload, false)
		})
	})
}

// TestScriptsUseNoHTMLSinks checks the served scripts statically: user
// text reaches the page through textContent, never through an HTML sink
// (and nothing is evaluated from a string, which the CSP forbids anyway).
func TestScriptsUseNoHTMLSinks(t *testing.T) {
	t.Parallel()
	sinks := regexp.MustCompile(`\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|\beval\(|new Function\(|` +
		`set(Timeout|Interval)\(\s*['"\x60]|createContextualFragment|\.srcdoc\s*=|javascript:`)
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for name, f := range a.byHashed {
		if !strings.HasSuffix(name, ".js") {
			continue
		}
		n++
		for i, line := range strings.Split(string(f.body), "\n") {
			code := line
			if j := strings.Index(code, "//"); j >= 0 && !strings.Contains(code[:j], "'") && !strings.Contains(code[:j], `"`) {
				code = code[:j] // a comment may name the sinks it avoids
			}
			if m := sinks.FindString(code); m != "" {
				t.Errorf("%s:%d uses %q: %s", name, i+1, m, strings.TrimSpace(line))
			}
		}
	}
	if n == 0 {
		t.Fatal("no scripts found")
	}
}

// ---------------------------------------------------------------- CSRF

func TestCSRF(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)

		// theme reads a user's theme from the store: "nothing changed" is
		// checked on the database, not on the answer.
		theme := func(t *testing.T, id int64) string {
			u, err := ts.store.User(ts.ctx(), id)
			if err != nil {
				t.Fatal(err)
			}
			return u.Theme
		}
		rejected := func(t *testing.T, res *response, reason string) {
			t.Helper()
			if res.Status != http.StatusForbidden {
				t.Fatalf("want 403, got %s", res)
			}
			if isAPI := strings.HasPrefix(res.path, "/api/"); isAPI {
				e := res.apiError(t)
				if e.Code != focusflow.EFORBIDDEN || !strings.Contains(e.Message, reason) {
					t.Errorf("want forbidden (%s), got %+v", reason, e)
				}
			} else {
				if !res.isHTML() {
					t.Errorf("want an HTML page, got %q", res.Header.Get("Content-Type"))
				}
				if !strings.Contains(res.Body, "could not be verified") || !strings.Contains(res.Body, reason) {
					t.Errorf("want a clear message (%s): %s", reason, res)
				}
			}
		}

		t.Run("cross-origin", func(t *testing.T) {
			c, u := ts.signedInClient(t)
			before := ts.counter(t, "focusflow_csrf_rejections_total")
			for _, opts := range [][]reqOpt{
				{crossSite()},
				{withFetchSite("cross-site")},
				{withFetchSite("same-site")},
				{withFetchSite(""), withHeader("Origin", "https://evil.example")},
				{withFetchSite(""), withHeader("Origin", "null")},
			} {
				// A valid token does not help a cross-origin request.
				res := c.postForm("/profile/settings", url.Values{"theme": {"dark"}}, opts...)
				rejected(t, res, "cross-origin")
				res = c.postForm("/logout", nil, opts...)
				rejected(t, res, "cross-origin")
				res = c.json(http.MethodPost, "/api/v1/notes", map[string]any{}, opts...)
				rejected(t, res, "cross-origin")
			}
			if theme(t, u.ID) != "auto" {
				t.Error("a cross-origin request changed the theme")
			}
			if !c.signedIn() {
				t.Error("a cross-origin logout signed the user out")
			}
			if got := ts.counter(t, "focusflow_csrf_rejections_total") - before; got != 15 {
				t.Errorf("csrf rejections counter rose by %v, want 15", got)
			}

			// Login and signup CSRF: a visitor's browser is not signed
			// into the attacker's account, nor an account created.
			v := ts.newClient(t)
			res := v.tryLoginOpts(u.Username, u.Password, crossSite())
			rejected(t, res, "cross-origin")
			if v.sessionToken() != "" {
				t.Error("cross-site login set a session cookie")
			}
			n := ts.nextUser()
			res = v.trySignup(url.Values{"username": {n.Username}, "email": {n.Email}, "password": {n.Password}}, crossSite())
			rejected(t, res, "cross-origin")
			if _, _, err := ts.store.UserByLogin(ts.ctx(), n.Username); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Errorf("cross-site signup created the user (err %v)", err)
			}
		})

		t.Run("token", func(t *testing.T) {
			c, u := ts.signedInClient(t)
			other, _ := ts.signedInClient(t)
			visitor := ts.newClient(t)
			otherToken := other.csrfToken()
			visitorToken := visitor.csrfToken()
			valid := c.csrfToken()
			forged := valid[:len(valid)-4] + "AAAA"
			if forged == valid {
				forged = valid[:len(valid)-4] + "BBBB"
			}
			for _, tc := range []struct {
				name, token, reason string
			}{
				{"none", "", "missing token"},
				{"garbage", "not-a-token", "invalid token"},
				{"forged MAC", forged, "invalid token"},
				{"another user's session", otherToken, "invalid token"},
				{"a visitor's pre-session", visitorToken, "invalid token"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					// Non-browser clients (no Sec-Fetch-Site, no Origin)
					// pass layer 1 and still need the token.
					for _, opts := range [][]reqOpt{{withCSRF(tc.token)}, {withCSRF(tc.token), withFetchSite("")}} {
						rejected(t, c.postForm("/profile/settings", url.Values{"theme": {"dark"}}, opts...), tc.reason)
						rejected(t, c.postForm("/logout", nil, opts...), tc.reason)
						rejected(t, c.postForm("/profile/sessions/revoke", nil, opts...), tc.reason)
						rejected(t, c.postForm("/profile/password", url.Values{"current_password": {u.Password},
							"new_password": {"x-new-password-1"}, "confirm_password": {"x-new-password-1"}}, opts...), tc.reason)
						rejected(t, c.postForm("/profile/delete", url.Values{"password": {u.Password}}, opts...), tc.reason)
						rejected(t, c.json(http.MethodPost, "/api/v1/notes", map[string]any{}, opts...), tc.reason)
					}
				})
			}
			if theme(t, u.ID) != "auto" || !c.signedIn() || !other.signedIn() {
				t.Fatal("a rejected request changed something")
			}
			c.login(u.Username, u.Password) // the password did not change

			// A form field token also works in the header, and a valid
			// one passes (the empty note is then refused as invalid).
			if res := c.json(http.MethodPost, "/api/v1/notes", map[string]any{}); res.Status != http.StatusBadRequest {
				t.Errorf("POST /api/v1/notes with a valid X-CSRF-Token: want 400 from the handler, got %s", res)
			}
			c.postForm("/profile/settings", url.Values{"theme": {"dark"}}).expect(t, http.StatusSeeOther)
			if theme(t, u.ID) != "dark" {
				t.Error("a valid token did not let the change through")
			}
			// The token from the page's meta works too, for the logout
			// form, sent as the X-CSRF-Token header of a script.
			tok := c.csrfFromPage("/profile")
			c.do(http.MethodPost, "/logout", strings.NewReader(""), "application/x-www-form-urlencoded",
				withHeader("X-CSRF-Token", tok)).expect(t, http.StatusSeeOther)
			if c.signedIn() {
				t.Error("logout with a header token did not sign out")
			}
		})

		t.Run("a token outlives neither its session nor login", func(t *testing.T) {
			c := ts.newClient(t)
			u := ts.nextUser()
			c.signup(u.Username, u.Email, u.Password)
			before := c.csrfToken()
			c.logout()
			c.login(u.Username, u.Password)
			rejected(t, c.postForm("/profile/settings", url.Values{"theme": {"dark"}}, withCSRF(before)), "invalid token")
			// The visitor's pre-session token dies at login too.
			v := ts.newClient(t)
			pre := v.csrfToken()
			v.login(u.Username, u.Password)
			rejected(t, v.postForm("/profile/settings", url.Values{"theme": {"dark"}}, withCSRF(pre)), "invalid token")
		})

		t.Run("expired token", func(t *testing.T) {
			c, u := ts.signedInClient(t)
			old := c.csrfToken()
			ts.clock.Advance(ts.cfg.CSRFTimeLimit - time.Second)
			c.postForm("/profile/settings", url.Values{"theme": {"light"}}, withCSRF(old)).expect(t, http.StatusSeeOther)
			ts.clock.Advance(2 * time.Second)
			rejected(t, c.postForm("/profile/settings", url.Values{"theme": {"dark"}}, withCSRF(old)), "expired token")
			rejected(t, c.json(http.MethodPost, "/api/v1/notes", map[string]any{}, withCSRF(old)), "expired token")
			if theme(t, u.ID) != "light" {
				t.Error("an expired token changed the theme")
			}
			// The page's script fetches a fresh token and carries on.
			c.postForm("/profile/settings", url.Values{"theme": {"dark"}}).expect(t, http.StatusSeeOther)
			if theme(t, u.ID) != "dark" {
				t.Error("a fresh token did not work")
			}
		})

		t.Run("rejections are audited", func(t *testing.T) {
			c, u := ts.signedInClient(t)
			for range 3 {
				c.postForm("/profile/settings", url.Values{"theme": {"dark"}}, noCSRF()).expect(t, http.StatusForbidden)
			}
			events, err := ts.store.Events(ts.ctx(), u.ID, 50)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, ev := range events {
				if ev.Kind == focusflow.EventCSRFRejected {
					n += ev.Count
				}
			}
			if n != 3 {
				t.Errorf("want 3 csrf_rejected events (aggregated), got %d in %+v", n, events)
			}
		})

		t.Run("JSON API writes", func(t *testing.T) {
			forEachJSONEndpoint(t, ts, func(t *testing.T, c *client, ep jsonEndpoint, path string) {
				body := ep.body("csrf check")
				rejected(t, c.json(ep.method, path, body, noCSRF()), "missing token")
				rejected(t, c.json(ep.method, path, body, noCSRF(), withFetchSite("")), "missing token")
				rejected(t, c.json(ep.method, path, body, withCSRF("garbage")), "invalid token")
				rejected(t, c.json(ep.method, path, body, crossSite()), "cross-origin")
				rejected(t, c.json(ep.method, path, body, withFetchSite("same-site")), "cross-origin")
				// Only the header counts: not a token in the query string.
				tok := c.csrfToken()
				res := c.json(ep.method, path+"?csrf_token="+url.QueryEscape(tok), body, noCSRF())
				rejected(t, res, "missing token")
				if res := c.json(ep.method, path, body); res.Status == http.StatusForbidden {
					t.Errorf("a valid X-CSRF-Token was refused: %s", res)
				}
			})
			// A DELETE without a token deletes nothing.
			c, _ := ts.signedInClient(t)
			id := createTask(t, c)
			path := "/api/v1/tasks/" + strconv.FormatInt(id, 10)
			rejected(t, c.json(http.MethodDelete, path, nil, noCSRF()), "missing token")
			rejected(t, c.json(http.MethodDelete, path, nil, crossSite()), "cross-origin")
			if res := c.json(http.MethodDelete, path, nil); res.Status >= 300 {
				t.Errorf("the task is gone after the rejected DELETEs, or a valid DELETE failed: %s", res)
			}
		})

		t.Run("WTF_CSRF_ENABLED=false disables only the token", func(t *testing.T) {
			off := ts.sibling(t, fromEnv("WTF_CSRF_ENABLED", "false"))
			if off.cfg.CSRFEnabled {
				t.Fatal("config did not disable CSRF")
			}
			c, u := off.signedInClient(t)
			c.postForm("/profile/settings", url.Values{"theme": {"dark"}}, noCSRF()).expect(t, http.StatusSeeOther)
			c.postForm("/profile/settings", url.Values{"theme": {"light"}}, noCSRF(), withFetchSite("")).expect(t, http.StatusSeeOther)
			res := c.postForm("/profile/settings", url.Values{"theme": {"dark"}}, crossSite())
			rejected(t, res, "cross-origin")
			res = c.postForm("/profile/settings", url.Values{"theme": {"dark"}}, noCSRF(), withFetchSite("same-site"))
			rejected(t, res, "cross-origin")
			if theme(t, u.ID) != "light" {
				t.Error("cross-origin request changed the theme with CSRF tokens disabled")
			}
		})
	})
}

// tryLoginOpts is tryLogin with request options.
func (c *client) tryLoginOpts(username, password string, opts ...reqOpt) *response {
	c.t.Helper()
	c.ts.secrets.add(password)
	return c.postForm("/login", url.Values{"username": {username}, "password": {password}}, opts...)
}

// ---------------------------------------------------------------- sessions

func TestSessionSecurity(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		cookieName := ts.sessionCookieName()

		t.Run("fixation: a planted token never becomes valid", func(t *testing.T) {
			_, u := ts.signedInClient(t)
			victim := ts.newClient(t)
			planted := "attacker-chosen-" + randomHex(16)
			victim.plantCookie(cookieName, planted)
			res := victim.me().expect(t, http.StatusUnauthorized)
			if c := res.setCookie(cookieName); c == nil || c.MaxAge >= 0 {
				t.Errorf("an unknown session cookie should be deleted, got %v", c)
			}
			victim.plantCookie(cookieName, planted)
			victim.login(u.Username, u.Password)
			if got := victim.sessionToken(); got == "" || got == planted {
				t.Fatalf("session token after login = %q, planted %q", got, planted)
			}
			if ts.withSession(t, planted).signedIn() {
				t.Error("the planted token is a session")
			}
		})

		t.Run("fixation: an attacker's own live session is replaced and ended", func(t *testing.T) {
			attacker, _ := ts.signedInClient(t)
			_, victimUser := ts.signedInClient(t)
			token := attacker.sessionToken()
			victim := ts.withSession(t, token)
			victim.login(victimUser.Username, victimUser.Password)
			if victim.sessionToken() == token {
				t.Fatal("login kept the token the browser had")
			}
			if id := victim.userID(); id != victimUser.ID {
				t.Errorf("victim signed in as %d", id)
			}
			if attacker.signedIn() {
				t.Error("the attacker's token still works after the victim's login replaced it")
			}
		})

		t.Run("new token at every login", func(t *testing.T) {
			c, u := ts.signedInClient(t)
			seen := map[string]bool{c.sessionToken(): true}
			for range 3 {
				old := c.sessionToken()
				c.login(u.Username, u.Password)
				tok := c.sessionToken()
				if seen[tok] {
					t.Fatalf("token reused: %q", tok)
				}
				seen[tok] = true
				if ts.withSession(t, old).signedIn() {
					t.Error("the token before re-login still works")
				}
			}
			if len(c.sessionToken()) < 43 {
				t.Errorf("token %q shorter than 256 bits in base64", c.sessionToken())
			}
		})

		t.Run("replay after logout", func(t *testing.T) {
			c, _ := ts.signedInClient(t)
			token := c.sessionToken()
			res := c.logout()
			if ck := res.setCookie(cookieName); ck == nil || ck.MaxAge >= 0 {
				t.Errorf("logout should delete the cookie, got %v", ck)
			}
			replay := ts.withSession(t, token)
			if replay.signedIn() {
				t.Fatal("the cookie still works after logout")
			}
			replay.get("/profile").expect(t, http.StatusSeeOther)
			if replay.get("/").Status != http.StatusOK {
				t.Error("landing page for the replayed cookie")
			}
		})

		t.Run("replay after SECRET_KEY rotation", func(t *testing.T) {
			c, _ := ts.signedInClient(t)
			token := c.sessionToken()
			rotated := ts.sibling(t, secretKey("rotated-key-placeholder-9876543210fedcba"))
			if rotated.withSession(t, token).signedIn() {
				t.Fatal("the old cookie works after SECRET_KEY rotation")
			}
			// The token was live: the old key still accepts it.
			if !ts.withSession(t, token).signedIn() {
				t.Fatal("the token was not live to begin with")
			}
			// And a CSRF token made under the old key is worthless.
			old := c.csrfToken()
			r := rotated.withSession(t, token)
			res := r.postForm("/login", url.Values{"username": {"x"}, "password": {"y"}}, withCSRF(old))
			if res.Status != http.StatusForbidden {
				t.Errorf("an old-key CSRF token passed after rotation: %s", res)
			}
		})

		t.Run("a leaked database holds no usable token", func(t *testing.T) {
			c, u := ts.signedInClient(t)
			c.get("/profile").expect(t, http.StatusOK)
			token := c.sessionToken()
			csrf := c.csrfToken()
			dump := ts.dump(t)
			hash := auth.HashToken(auth.DeriveKey(testSecretKey, "session"), token)
			if !strings.Contains(dump, hash) {
				t.Fatal("the dump does not contain the session's HMAC: is the sessions table in it?")
			}
			for _, s := range []string{token, csrf, u.Password} {
				if strings.Contains(dump, s) {
					t.Errorf("the database holds %q", s)
				}
			}
			if ts.withSession(t, hash).signedIn() {
				t.Error("the stored hash works as a cookie")
			}
			sessions, err := ts.store.Sessions(ts.ctx(), u.ID)
			if err != nil || len(sessions) != 1 {
				t.Fatalf("sessions: %v %v", sessions, err)
			}
		})

		t.Run("cookie flags (development)", func(t *testing.T) {
			c := ts.newClient(t)
			u := ts.nextUser()
			res := c.signup(u.Username, u.Email, u.Password)
			ck := res.setCookie("focusflow")
			if ck == nil {
				t.Fatalf("no focusflow cookie in %v", res.Header.Values("Set-Cookie"))
			}
			assertCookie(t, ck, false, http.SameSiteLaxMode)
			if ck.MaxAge != 0 || !ck.Expires.IsZero() {
				t.Errorf("without remember-me the cookie must be a browser-session cookie: %v", ck)
			}
			res = c.tryLogin(u.Username, u.Password, "remember", "1")
			ck = res.setCookie("focusflow")
			if ck == nil || ck.MaxAge != int((30*24*time.Hour)/time.Second) {
				t.Errorf("remember-me cookie: want Max-Age 30 days, got %v", ck)
			}
			pre := ts.newClient(t).get("/login").setCookie("focusflow-pre")
			if pre == nil {
				t.Fatal("no pre-session cookie for a visitor")
			}
			assertCookie(t, pre, false, http.SameSiteLaxMode)
		})

		t.Run("cookie flags (secure, over TLS)", func(t *testing.T) {
			sec := ts.siblingWith(t, testSetup{TLS: true, Config: []func(*config.Config){fromEnv("SESSION_COOKIE_SECURE", "true")}})
			c := sec.newClient(t)
			pre := c.get("/login").expect(t, http.StatusOK).setCookie("__Host-focusflow-pre")
			if pre == nil {
				t.Fatal("no __Host-focusflow-pre cookie")
			}
			assertCookie(t, pre, true, http.SameSiteLaxMode)
			u := sec.nextUser()
			res := c.signup(u.Username, u.Email, u.Password)
			ck := res.setCookie("__Host-focusflow")
			if ck == nil {
				t.Fatalf("no __Host-focusflow cookie in %v", res.Header.Values("Set-Cookie"))
			}
			assertCookie(t, ck, true, http.SameSiteLaxMode)
			if res.setCookie("focusflow") != nil {
				t.Error("an unprefixed session cookie was set as well")
			}
			if !c.signedIn() {
				t.Error("the secure cookie does not work over HTTPS")
			}
		})

		t.Run("SESSION_COOKIE_SAMESITE=Strict and HTTPONLY=false are honoured", func(t *testing.T) {
			strict := ts.sibling(t, fromEnv("SESSION_COOKIE_SAMESITE", "Strict"))
			c := strict.newClient(t)
			u := strict.nextUser()
			assertCookie(t, c.signup(u.Username, u.Email, u.Password).setCookie("focusflow"), false, http.SameSiteStrictMode)

			loose := ts.sibling(t, fromEnv("SESSION_COOKIE_HTTPONLY", "false"))
			c = loose.newClient(t)
			u = loose.nextUser()
			if ck := c.signup(u.Username, u.Email, u.Password).setCookie("focusflow"); ck == nil || ck.HttpOnly {
				t.Errorf("SESSION_COOKIE_HTTPONLY=false: got %v", ck)
			}
		})

		t.Run("last seen is written at most once a minute", func(t *testing.T) {
			c, u := ts.signedInClient(t)
			lastSeen := func() time.Time {
				ss, err := ts.store.Sessions(ts.ctx(), u.ID)
				if err != nil || len(ss) != 1 {
					t.Fatalf("sessions: %v %v", ss, err)
				}
				return ss[0].LastSeenAt
			}
			start := lastSeen()
			ts.clock.Advance(30 * time.Second)
			c.get("/profile").expect(t, http.StatusOK)
			if !lastSeen().Equal(start) {
				t.Error("last seen written again within a minute")
			}
			ts.clock.Advance(31 * time.Second)
			c.get("/profile").expect(t, http.StatusOK)
			if got := lastSeen(); !got.Equal(ts.clock.Now()) {
				t.Errorf("last seen %v after a minute, want %v", got, ts.clock.Now())
			}
		})

		t.Run("lifetimes", func(t *testing.T) {
			// Last: it moves the shared clock by days.
			normal, u := ts.signedInClient(t)
			remember := ts.newClient(t)
			remember.tryLogin(u.Username, u.Password, "remember", "1").expect(t, http.StatusSeeOther)
			idle := ts.newClient(t)
			idle.login(u.Username, u.Password)

			// Active every 90 minutes: the idle timeout (2h) never hits.
			for range 5 {
				ts.clock.Advance(90 * time.Minute)
				if !normal.signedIn() || !remember.signedIn() {
					t.Fatal("an active session ended early")
				}
			}
			if idle.signedIn() {
				t.Error("a session idle for 7.5 hours is still valid (idle timeout 2h)")
			}
			ts.clock.Advance(31 * time.Minute) // 8h01m after login
			if normal.signedIn() {
				t.Error("a session outlived its 8-hour absolute lifetime")
			}
			if !remember.signedIn() {
				t.Error("a remember-me session ended after 8 hours")
			}
			ts.clock.Advance(3 * 24 * time.Hour) // no idle timeout with remember-me
			if !remember.signedIn() {
				t.Error("a remember-me session ended after 3 idle days")
			}
			ts.clock.Advance(27 * 24 * time.Hour)
			if remember.signedIn() {
				t.Error("a remember-me session outlived 30 days")
			}
		})
	})
}

func assertCookie(t testing.TB, c *http.Cookie, secure bool, sameSite http.SameSite) {
	t.Helper()
	if c == nil {
		t.Error("no cookie")
		return
	}
	if c.Secure != secure || !c.HttpOnly || c.SameSite != sameSite || c.Path != "/" || c.Domain != "" {
		t.Errorf("cookie %s: Secure=%v HttpOnly=%v SameSite=%v Path=%q Domain=%q; want Secure=%v HttpOnly SameSite=%v Path=/ no Domain",
			c.Name, c.Secure, c.HttpOnly, c.SameSite, c.Path, c.Domain, secure, sameSite)
	}
	if strings.Contains(strings.ToLower(c.Raw), "domain=") {
		t.Errorf("cookie %s has a Domain attribute: %s", c.Name, c.Raw)
	}
}

// ---------------------------------------------------------------- enumeration

func TestEnumeration(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		_, alice := ts.signedInClient(t)

		t.Run("signup: taken username vs taken email", func(t *testing.T) {
			c := ts.newClient(t)
			n1, n2 := ts.nextUser(), ts.nextUser()
			byName := c.trySignup(url.Values{"username": {strings.ToUpper(alice.Username)}, "email": {n1.Email},
				"password": {n1.Password}, "timezone": {"UTC"}})
			byEmail := c.trySignup(url.Values{"username": {n2.Username}, "email": {strings.ToUpper(alice.Email[:1]) + alice.Email[1:]},
				"password": {n2.Password}, "timezone": {"UTC"}})
			if byName.Status != byEmail.Status || byName.Status < 400 {
				t.Fatalf("statuses differ or succeed: %d vs %d", byName.Status, byEmail.Status)
			}
			if byName.formError() == "" || byName.formError() != byEmail.formError() {
				t.Errorf("messages differ: %q vs %q", byName.formError(), byEmail.formError())
			}
			a := normalizePage(byName.Body, strings.ToUpper(alice.Username), n1.Email)
			b := normalizePage(byEmail.Body, n2.Username, strings.ToUpper(alice.Email[:1])+alice.Email[1:])
			if a != b {
				t.Errorf("bodies differ:\n%s\n----\n%s", a, b)
			}
			for _, s := range []string{"username is taken", "email is taken", "already registered", "exists"} {
				if strings.Contains(strings.ToLower(byName.Body), s) {
					t.Errorf("the message says which one exists (%q)", s)
				}
			}
		})

		t.Run("login: unknown user vs wrong password", func(t *testing.T) {
			c := ts.newClient(t)
			before := ts.counter(t, "focusflow_failed_logins_total")
			unknown := "nobody_" + randomHex(4)
			r1 := c.tryLogin(unknown, "a wrong password")
			r2 := c.tryLogin(alice.Username, "a wrong password")
			if r1.Status != http.StatusUnauthorized || r2.Status != r1.Status {
				t.Fatalf("statuses: %d vs %d", r1.Status, r2.Status)
			}
			a, b := normalizePage(r1.Body, unknown), normalizePage(r2.Body, alice.Username)
			if a != b {
				t.Errorf("bodies differ:\n%s\n----\n%s", a, b)
			}
			if h1, h2 := headerKeys(r1), headerKeys(r2); h1 != h2 {
				t.Errorf("headers differ: %s vs %s", h1, h2)
			}
			if got := ts.counter(t, "focusflow_failed_logins_total") - before; got != 2 {
				t.Errorf("failed logins counter rose by %v, want 2", got)
			}
			// Same through the email field.
			r3 := c.tryLogin("nobody@example.com", "a wrong password")
			r4 := c.tryLogin(alice.Email, "a wrong password")
			if r3.Status != r4.Status || normalizePage(r3.Body, "nobody@example.com") != normalizePage(r4.Body, alice.Email) {
				t.Error("unknown email and wrong password for a known email answer differently")
			}
		})
	})
}

// headerKeys lists the header names and the values that may not differ
// between two answers (everything but Date and Content-Length, and cookies
// by name only).
func headerKeys(r *response) string {
	var b strings.Builder
	for _, k := range sortedKeys(r.Header) {
		switch k {
		case "Date", "Content-Length", "Ratelimit-Remaining", "Ratelimit-Reset":
			continue
		case "Set-Cookie":
			for _, c := range r.raw.Cookies() {
				fmt.Fprintf(&b, "cookie:%s;", c.Name)
			}
			continue
		}
		fmt.Fprintf(&b, "%s=%s;", k, strings.Join(r.Header.Values(k), ","))
	}
	return b.String()
}

// ---------------------------------------------------------------- lockout

func TestLockout(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		_, alice := ts.signedInClient(t)
		c := ts.newClient(t)

		fail := func(t *testing.T, name string) {
			t.Helper()
			c.tryLogin(name, "a wrong password").expect(t, http.StatusUnauthorized)
		}
		locked := func(t *testing.T, name, password string, wantRetry int) *response {
			t.Helper()
			c := ts.newClient(t)
			res := c.tryLogin(name, password)
			if res.Status != http.StatusTooManyRequests {
				t.Fatalf("want 429 (locked), got %s", res)
			}
			if got, _ := strconv.Atoi(res.Header.Get("Retry-After")); got != wantRetry {
				t.Errorf("Retry-After = %q, want %d", res.Header.Get("Retry-After"), wantRetry)
			}
			if c.sessionToken() != "" {
				t.Fatal("a locked login set a session cookie")
			}
			return res
		}

		var lockedAlice *response
		t.Run("five failures lock the name, even for the right password", func(t *testing.T) {
			before := ts.counter(t, "focusflow_login_lockouts_total")
			for range 5 {
				fail(t, alice.Username)
			}
			lockedAlice = locked(t, alice.Username, alice.Password, 60)
			if !strings.Contains(lockedAlice.formError(), "Too many failed sign-in attempts") {
				t.Errorf("lockout message: %q", lockedAlice.formError())
			}
			if ts.counter(t, "focusflow_login_lockouts_total")-before != 1 {
				t.Error("lockouts counter did not rise")
			}
			// The lock is per name: another account is not affected.
			_, bob := ts.signedInClient(t)
			ts.newClient(t).login(bob.Username, bob.Password)
			ts.clock.Advance(59 * time.Second)
			locked(t, alice.Username, alice.Password, 1)
			ts.clock.Advance(2 * time.Second)
			c.login(alice.Username, alice.Password)
			c = ts.newClient(t)
		})

		t.Run("success resets the count", func(t *testing.T) {
			for range 4 {
				fail(t, alice.Username)
			}
			c.login(alice.Username, alice.Password) // 4 < 5: not locked
			c = ts.newClient(t)
			for range 4 {
				fail(t, alice.Username)
			}
			fail(t, alice.Username) // the 5th since the reset
			locked(t, alice.Username, alice.Password, 60)
		})

		t.Run("the window doubles, capped at one hour", func(t *testing.T) {
			// Still locked from the subtest above (5 failures). Each
			// failure after waiting out the lock doubles it.
			want := 60
			for i, next := range []int{120, 240, 480, 960, 1920, 3600, 3600, 3600} {
				ts.clock.Advance(time.Duration(want+1) * time.Second)
				fail(t, alice.Username)
				t.Logf("failure %d after waiting out a %d s lock: want a %d s lock", 6+i, want, next)
				locked(t, alice.Username, alice.Password, next)
				want = next
			}
			ts.clock.Advance(time.Duration(want+1) * time.Second)
			c.login(alice.Username, alice.Password)
			c = ts.newClient(t)
		})

		t.Run("an unknown name is locked the same way", func(t *testing.T) {
			ghost := "ghost_" + randomHex(4)
			for range 5 {
				fail(t, ghost)
			}
			res := locked(t, ghost, "any password", 60)
			// The 429 tells nothing about whether the account exists.
			for range 5 {
				fail(t, "x"+alice.Username)
			}
			_, carol := ts.signedInClient(t)
			for range 5 {
				fail(t, carol.Username)
			}
			res2 := locked(t, carol.Username, carol.Password, 60)
			if normalizePage(res.Body, ghost) != normalizePage(res2.Body, carol.Username) {
				t.Errorf("lockout pages differ for an unknown and a known name:\n%s\n---\n%s", res.Body, res2.Body)
			}
		})

		t.Run("names are normalised", func(t *testing.T) {
			_, dave := ts.signedInClient(t)
			upper := strings.ToUpper(dave.Username)
			for _, name := range []string{" " + dave.Username + " ", upper, dave.Username, "\t" + upper, strings.ToUpper(dave.Username[:1]) + dave.Username[1:]} {
				fail(t, name)
			}
			locked(t, dave.Username, dave.Password, 60)
			locked(t, upper, dave.Password, 60)
		})

		ts.assertLogsClean(t)
	})
}

// ---------------------------------------------------------------- rate limits

func TestRateLimits(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)

		limited := func(t *testing.T, res *response, limit int, api bool) {
			t.Helper()
			if res.Status != http.StatusTooManyRequests {
				t.Fatalf("want 429, got %s", res)
			}
			if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra < 1 {
				t.Errorf("Retry-After = %q", res.Header.Get("Retry-After"))
			}
			if res.Header.Get("RateLimit-Limit") != strconv.Itoa(limit) || res.Header.Get("RateLimit-Remaining") != "0" {
				t.Errorf("RateLimit-Limit=%q Remaining=%q, want %d and 0", res.Header.Get("RateLimit-Limit"),
					res.Header.Get("RateLimit-Remaining"), limit)
			}
			if reset, err := strconv.Atoi(res.Header.Get("RateLimit-Reset")); err != nil || reset < 1 {
				t.Errorf("RateLimit-Reset = %q", res.Header.Get("RateLimit-Reset"))
			}
			if api {
				if e := res.apiError(t); e.Code != focusflow.ERATELIMIT {
					t.Errorf("want code rate_limited, got %+v", e)
				}
			} else if !res.isHTML() || !strings.Contains(res.Body, "Too many requests") {
				t.Errorf("want an HTML page saying so: %s", res)
			}
		}

		loginLimit := func(t *testing.T, srv *testServer) {
			c := srv.newClient(t)
			for i := range 3 {
				res := c.tryLogin(fmt.Sprintf("spray%d_%s", i, randomHex(3)), "a wrong password")
				res.expect(t, http.StatusUnauthorized)
				if res.Header.Get("RateLimit-Remaining") != strconv.Itoa(2-i) {
					t.Errorf("attempt %d: RateLimit-Remaining = %q", i+1, res.Header.Get("RateLimit-Remaining"))
				}
			}
			// Password spraying across names from one IP hits the limit.
			limited(t, c.tryLogin("spray9_"+randomHex(3), "a wrong password"), 3, false)
			ra, _ := strconv.Atoi(c.tryLogin("x", "y").Header.Get("Retry-After"))
			if ra < 19*60 || ra > 20*60 {
				t.Errorf("Retry-After %d s, want about 20 minutes (3/hour)", ra)
			}
		}

		t.Run("login per IP", func(t *testing.T) {
			srv := ts.sibling(t, fromEnv("RATELIMIT_LOGIN", "3/hour"))
			before := srv.counter(t, "focusflow_rate_limit_rejections_total", "limit", "login")
			loginLimit(t, srv)
			if got := srv.counter(t, "focusflow_rate_limit_rejections_total", "limit", "login") - before; got != 2 {
				t.Errorf("rate limit rejections rose by %v, want 2", got)
			}
			// Other pages still work for this IP.
			srv.newClient(t).get("/login").expect(t, http.StatusOK)
		})

		t.Run("login per IP with Redis", func(t *testing.T) {
			srv := ts.siblingWith(t, testSetup{Limiter: redisLimiter(t, ts.clock), Config: []func(*config.Config){loginRate(3, time.Hour)}})
			loginLimit(t, srv)
		})

		t.Run("signup per IP", func(t *testing.T) {
			srv := ts.sibling(t, signupRate(2, time.Hour))
			c := srv.newClient(t)
			for range 2 {
				u := srv.nextUser()
				c.trySignup(url.Values{"username": {u.Username}, "email": {u.Email}, "password": {u.Password}}).
					expect(t, http.StatusSeeOther)
				c.logout()
			}
			u := srv.nextUser()
			limited(t, c.trySignup(url.Values{"username": {u.Username}, "email": {u.Email}, "password": {u.Password}}), 2, false)
			if _, _, err := ts.store.UserByLogin(ts.ctx(), u.Username); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Error("a rate-limited signup created the user")
			}
		})

		t.Run("JSON 429 under /api/", func(t *testing.T) {
			srv := ts.sibling(t, ipRate(3, time.Minute))
			c := srv.newClient(t)
			for range 3 {
				c.get("/api/v1/csrf").expect(t, http.StatusOK)
			}
			limited(t, c.get("/api/v1/csrf"), 3, true)
			limited(t, c.get("/login"), 3, false)
			ts.clock.Advance(21 * time.Second) // one slot back (3/minute)
			c.get("/api/v1/csrf").expect(t, http.StatusOK)
		})

		t.Run("spoofed X-Forwarded-For without trusted proxies", func(t *testing.T) {
			srv := ts.sibling(t, loginRate(3, time.Hour))
			for i := range 4 {
				c := srv.newClient(t)
				c.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
				c.Header.Set("X-Real-IP", fmt.Sprintf("198.51.100.%d", i+1))
				res := c.tryLogin(anyName(), "a wrong password")
				if i < 3 {
					res.expect(t, http.StatusUnauthorized)
				} else {
					limited(t, res, 3, false)
				}
			}
		})

		t.Run("X-Forwarded-For through one trusted proxy", func(t *testing.T) {
			srv := ts.sibling(t, loginRate(3, time.Hour), trustProxyHops(1))
			client := func(xff string) *client {
				c := srv.newClient(t)
				c.Header.Set("X-Forwarded-For", xff) // as the proxy appends the client's address
				return c
			}
			real := client("203.0.113.7")
			for range 3 {
				real.tryLogin(anyName(), "a wrong password").expect(t, http.StatusUnauthorized)
			}
			limited(t, real.tryLogin(anyName(), "a wrong password"), 3, false)
			// The same client prepending fake hops is still itself.
			limited(t, client("1.2.3.4, 203.0.113.7").tryLogin(anyName(), "x"), 3, false)
			limited(t, client("10.0.0.1,192.168.1.1 , 203.0.113.7").tryLogin(anyName(), "x"), 3, false)
			// Another client has its own budget, even when it claims to
			// be the limited one.
			client("203.0.113.8").tryLogin(anyName(), "x").expect(t, http.StatusUnauthorized)
			client("203.0.113.7, 203.0.113.9").tryLogin(anyName(), "x").expect(t, http.StatusUnauthorized)
			// The proxy may append its own header line instead.
			twoLines := client("203.0.113.66")
			twoLines.Header.Add("X-Forwarded-For", "203.0.113.7")
			limited(t, twoLines.tryLogin(anyName(), "x"), 3, false)
			// Garbage in the header falls back to the peer address.
			client("not-an-ip").tryLogin(anyName(), "x").expect(t, http.StatusUnauthorized)
			// The recorded IP is the real one.
			found := false
			for _, e := range ts.logs.find(t, "security event", "kind", "rate_limited") {
				if e["ip"] == "203.0.113.7" {
					found = true
				}
			}
			if !found {
				t.Error("the rate_limited event does not name the client's real address")
			}
		})

		t.Run("probes and static files are never limited", func(t *testing.T) {
			srv := ts.sibling(t, ipRate(1, time.Hour))
			c := srv.newClient(t)
			css, _ := srv.Server.assets.url("css/app.css")
			for range 5 {
				c.get("/ping").expect(t, http.StatusOK)
				c.get("/health").expect(t, http.StatusOK)
				c.get(css).expect(t, http.StatusOK)
				c.get("/robots.txt").expect(t, http.StatusOK)
			}
			c.get("/login").expect(t, http.StatusOK)
			limited(t, c.get("/login"), 1, false)
			c.get("/ping").expect(t, http.StatusOK)
		})

		t.Run("writes per user", func(t *testing.T) {
			srv := ts.sibling(t, writeRate(2, time.Minute))
			c, _ := srv.signedInClient(t)
			other, _ := srv.signedInClient(t)
			for range 2 {
				c.postForm("/profile/settings", url.Values{"theme": {"dark"}}).expect(t, http.StatusSeeOther)
			}
			limited(t, c.postForm("/profile/settings", url.Values{"theme": {"light"}}), 2, false)
			limited(t, c.json(http.MethodPost, "/api/v1/notes", map[string]any{}), 2, true)
			// Reads are limited apart; other users are not affected.
			c.get("/profile").expect(t, http.StatusOK)
			other.postForm("/profile/settings", url.Values{"theme": {"dark"}}).expect(t, http.StatusSeeOther)
			// A new session does not reset the user's budget.
			_, u := srv.signedInClient(t)
			fresh := srv.newClient(t)
			fresh.login(u.Username, u.Password)
			for range 2 {
				fresh.postForm("/profile/settings", url.Values{"theme": {"dark"}}).expect(t, http.StatusSeeOther)
			}
			again := srv.newClient(t)
			again.login(u.Username, u.Password)
			limited(t, again.postForm("/profile/settings", url.Values{"theme": {"dark"}}), 2, false)
		})

		t.Run("reads per user", func(t *testing.T) {
			srv := ts.sibling(t, readRate(5, time.Minute))
			c, u := srv.signedInClient(t)
			var res *response
			for range 10 {
				if res = c.me(); res.Status != http.StatusOK {
					break
				}
			}
			limited(t, res, 5, true)
			// Another browser of the same user shares the budget.
			c2 := srv.newClient(t)
			c2.login(u.Username, u.Password)
			limited(t, c2.me(), 5, true)
		})
	})
}

func sortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

// ---------------------------------------------------------------- open redirects

func TestOpenRedirects(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		_, u := ts.signedInClient(t)
		cases := []struct{ next, want string }{
			{"//evil.example", "/dashboard"},
			{"//evil.example/path", "/dashboard"},
			{`/\evil.example`, "/dashboard"},
			{`/\/evil.example`, "/dashboard"},
			{`\\evil.example`, "/dashboard"},
			{"https://evil.example", "/dashboard"},
			{"http:evil.example", "/dashboard"},
			{"HTTPS://evil.example/", "/dashboard"},
			{"javascript:alert(1)", "/dashboard"},
			{"data:text/html,<script>alert(1)</script>", "/dashboard"},
			{"/\t/evil.example", "/dashboard"},
			{"/\n/evil.example", "/dashboard"},
			{"/\r\n/evil.example", "/dashboard"},
			{"/a\\b", "/dashboard"},
			// Every control character: C0, DEL and C1.
			{"/\x00/evil.example", "/dashboard"},
			{"/a\x1bb", "/dashboard"},
			{"/a\x7fb", "/dashboard"},
			{"/a\u0085b", "/dashboard"},
			{"/a\u009bb", "/dashboard"},
			{" //evil.example", "/dashboard"},
			{"evil.example", "/dashboard"},
			{"", "/dashboard"},
			{"/" + strings.Repeat("a", 3000), "/dashboard"},
			// Local paths are followed.
			{"/profile?x=1", "/profile?x=1"},
			{"/profile", "/profile"},
			// An encoded slash is a local path segment, not a host.
			{"/%2F%2Fevil.example", "/%2F%2Fevil.example"},
			{"/%5Cevil.example", "/%5Cevil.example"},
		}
		for _, tc := range cases {
			c := ts.newClient(t)
			res := c.tryLogin(u.Username, u.Password, "next", tc.next).expect(t, http.StatusSeeOther)
			loc := res.location()
			if loc != tc.want {
				t.Errorf("next=%q: Location %q, want %q", tc.next, loc, tc.want)
			}
			assertLocalLocation(t, loc)
			// Signed in, GET /login?next=… redirects the same way.
			res = c.get("/login?next="+url.QueryEscape(tc.next)).expect(t, http.StatusSeeOther)
			assertLocalLocation(t, res.location())
		}

		// The round trip a browser makes: a protected page sends the
		// visitor to the login form, which brings them back.
		c := ts.newClient(t)
		res := c.get("/profile?tab=sessions").expect(t, http.StatusSeeOther)
		loginURL, err := url.Parse(res.location())
		if err != nil || loginURL.Path != "/login" || loginURL.Query().Get("next") != "/profile?tab=sessions" {
			t.Fatalf("redirect to login: %q", res.location())
		}
		page := c.get(res.location()).expect(t, http.StatusOK)
		if !strings.Contains(page.Body, `name="next" value="/profile?tab=sessions"`) {
			t.Errorf("the login form does not carry next: %s", page)
		}
		res = c.tryLogin(u.Username, u.Password, "next", "/profile?tab=sessions").expect(t, http.StatusSeeOther)
		if res.location() != "/profile?tab=sessions" {
			t.Errorf("after login: %q", res.location())
		}
	})
}

// assertLocalLocation checks that a browser would stay on this site.
func assertLocalLocation(t testing.TB, loc string) {
	t.Helper()
	base, _ := url.Parse("http://focusflow.test/login")
	u, err := base.Parse(loc)
	if err != nil || u.Host != "focusflow.test" || u.Scheme != "http" || strings.ContainsAny(loc, "\\\t\r\n") {
		t.Errorf("Location %q leaves the site", loc)
	}
}

// ---------------------------------------------------------------- bodies

func TestRequestBodies(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		t.Run("malformed JSON", func(t *testing.T) { testMalformedJSONBodies(t, ts) })
		c, u := ts.signedInClient(t)
		limit := int(ts.cfg.MaxBodyBytes)
		big := strings.Repeat("a", limit+1)

		for _, opts := range [][]reqOpt{nil, {chunked()}} {
			name := "with Content-Length"
			if opts != nil {
				name = "chunked"
			}
			t.Run(name, func(t *testing.T) {
				// A form page: 413 as HTML, and nothing happens.
				res := c.postForm("/profile/settings", url.Values{"theme": {"dark"}, "pad": {big}}, opts...)
				if res.Status != http.StatusRequestEntityTooLarge {
					t.Errorf("oversized form: want 413, got %s", res)
				} else if !res.isHTML() || !strings.Contains(res.Body, "too large") {
					t.Errorf("want an HTML page saying the body is too large: %s", res)
				}
				if usr, _ := ts.store.User(ts.ctx(), u.ID); usr.Theme != "auto" {
					t.Error("the oversized request changed the theme")
				}
				v := ts.newClient(t)
				res = v.postForm("/login", url.Values{"username": {u.Username}, "password": {u.Password}, "pad": {big}}, opts...)
				if res.Status != http.StatusRequestEntityTooLarge {
					t.Errorf("oversized login: want 413, got %s", res)
				}
				// Under /api/: JSON.
				res = c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"title": big}, opts...)
				if res.Status != http.StatusRequestEntityTooLarge {
					t.Errorf("oversized JSON: want 413, got %s", res)
				} else if e := res.apiError(t); e.Code != focusflow.ETOOLARGE || !strings.Contains(e.Message, strconv.Itoa(limit)) {
					t.Errorf("want too_large naming the limit, got %+v", e)
				}
			})
		}
		// Just under the limit is fine.
		pad := strings.Repeat("a", limit-200)
		c.postForm("/profile/settings", url.Values{"theme": {"dark"}, "pad": {pad}}).expect(t, http.StatusSeeOther)
	})
}

// ---------------------------------------------------------------- error pages

func TestErrorPagesHideInternals(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		anon := ts.newClient(t)

		// hasRequestID checks that the page names the request id, and that
		// the same id is in the access log (so an operator can find it).
		hasRequestID := func(t *testing.T, res *response) {
			t.Helper()
			var id string
			if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				id = res.apiError(t).RequestID
			} else if m := regexp.MustCompile(`Request id: <code>([0-9a-f]{16})</code>`).FindStringSubmatch(res.Body); m != nil {
				id = m[1]
			}
			if id == "" {
				t.Errorf("no request id shown: %s", res)
				return
			}
			if len(ts.logs.find(t, "request", "request_id", id)) == 0 {
				t.Errorf("request id %s is not in the log", id)
			}
		}

		t.Run("404 and 405", func(t *testing.T) {
			for _, res := range []*response{
				anon.get("/no/such/page").expect(t, http.StatusNotFound),
				anon.get("/api/v1/no-such-thing").expect(t, http.StatusNotFound),
				c.get("/static/../../../etc/passwd"),
				c.get("/static/css/app.css").expect(t, http.StatusNotFound), // unhashed name
				anon.get("/logout").expect(t, http.StatusMethodNotAllowed),
				c.json(http.MethodDelete, "/api/v1/me", nil).expect(t, http.StatusMethodNotAllowed),
				c.json(http.MethodPut, "/api/v1/csrf", "{}").expect(t, http.StatusMethodNotAllowed),
			} {
				assertSafe(t, res)
				if res.Status >= 400 {
					hasRequestID(t, res)
				}
				if res.Status == http.StatusMethodNotAllowed && res.Header.Get("Allow") == "" {
					t.Errorf("405 without Allow: %s", res)
				}
			}
			if e := c.json(http.MethodDelete, "/api/v1/me", nil).apiError(t); e.Code != focusflow.EMETHOD {
				t.Errorf("405 JSON code %q", e.Code)
			}
		})

		t.Run("a panic is a generic 500", func(t *testing.T) {
			rt := newRouter()
			secret := "panic-detail /src/focusflow/internal/x.go:42 SELECT password_hash FROM users"
			rt.handle("/boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(secret) }))
			rt.handle("/api/boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(secret) }))
			rt.handle("/ok", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }))
			base := ts.serveWith(t, rt)
			pc := ts.newClientFor(t, base)
			for _, path := range []string{"/boom", "/api/boom"} {
				res := pc.get(path).expect(t, http.StatusInternalServerError)
				assertSafe(t, &response{Status: 200, Body: res.Body}, secret, "x.go")
				if !strings.Contains(res.Body, "Internal error") {
					t.Errorf("want a generic message: %s", res)
				}
				hasRequestID(t, res)
				assertSecurityHeaders(t, res, false)
			}
			if len(ts.logs.find(t, "panic")) != 2 {
				t.Error("the panics are not logged")
			}
			if n := len(ts.logs.find(t, "request", "path", "/boom", "status", "500")); n != 1 {
				t.Errorf("the access log has %d lines for the panicked request with status 500, want 1", n)
			}
			// The server goes on serving.
			pc.get("/ok").expect(t, http.StatusOK)
		})

		t.Run("a dead database is a generic 503", func(t *testing.T) {
			// Last: this closes the store under the running server.
			if err := ts.store.Close(); err != nil {
				t.Fatal(err)
			}
			before := ts.counter(t, "focusflow_database_errors_total")
			for _, res := range []*response{
				c.get("/profile"),
				c.get("/api/v1/me"),
				anon.tryLogin(anyName(), "a wrong password"),
				anon.get("/health"),
			} {
				if res.Status != http.StatusServiceUnavailable && res.Status != http.StatusInternalServerError {
					t.Errorf("want 503 (or 500), got %s", res)
				}
				assertSafe(t, &response{Status: 200, Body: res.Body})
				if strings.Contains(res.Body, "closed") {
					t.Errorf("the driver's error text reaches the client: %s", res)
				}
				if res.path != "/health" {
					hasRequestID(t, res)
				}
			}
			if e := c.get("/api/v1/me").apiError(t); e.Code != focusflow.EUNAVAILABLE || !strings.Contains(e.Message, "temporarily unavailable") {
				t.Errorf("want unavailable, got %+v", e)
			}
			if ts.counter(t, "focusflow_database_errors_total") <= before {
				t.Error("database errors are not counted")
			}
			// The full error is in the log for the operator.
			if !strings.Contains(ts.logs.String(), "database is closed") {
				t.Error("the cause is not logged")
			}
			// Pages that need no database still work.
			anon.get("/ping").expect(t, http.StatusOK)
		})
	})
}

// ---------------------------------------------------------------- logs

func TestLogsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	const dbPassword = "placeholder-db-password"
	const dbURL = "postgres://focusflow:" + dbPassword + "@127.0.0.1:1/x"

	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e, func(c *config.Config) { c.DatabaseURL = dbURL })
		c, u := ts.signedInClient(t)
		// A password sent as a bearer token is refused, and not logged.
		ts.bearerClient(t, u.Password).get("/api/v1/me").expect(t, http.StatusUnauthorized)
		ts.newClient(t).get("/api/v1/me?token="+url.QueryEscape(u.Password)).expect(t, http.StatusUnauthorized)
		// Failed logins, with the password in odd places.
		v := ts.newClient(t)
		for _, p := range []string{"wrong-" + u.Password, u.Password + " ", strings.ToUpper(u.Password)} {
			v.tryLogin(u.Username, p).expect(t, http.StatusUnauthorized)
		}
		v.get("/login?next=/profile&password=" + url.QueryEscape(u.Password))
		v.login(u.Username, u.Password)
		// Password change, its failures, CSRF and limit rejections.
		newPassword := "Quartz-lantern-" + randomHex(6)
		ts.secrets.add(newPassword)
		c.postForm("/profile/password", url.Values{"current_password": {"nope " + u.Password},
			"new_password": {newPassword}, "confirm_password": {newPassword}}).expect(t, http.StatusBadRequest)
		c.postForm("/profile/password", url.Values{"current_password": {u.Password},
			"new_password": {newPassword}, "confirm_password": {newPassword + "x"}}).expect(t, http.StatusBadRequest)
		c.postForm("/profile/password", url.Values{"current_password": {u.Password},
			"new_password": {newPassword}, "confirm_password": {newPassword}}).expect(t, http.StatusSeeOther)
		c.postForm("/profile/settings", url.Values{"theme": {"dark"}}, withCSRF(c.csrfToken()+"x"))
		c.postForm("/profile/settings", url.Values{"theme": {"dark"}}, crossSite())
		c.postForm("/profile/delete", url.Values{"password": {"wrong " + newPassword}})
		c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"title": "x", "password": newPassword})
		c.postForm("/profile/delete", url.Values{"password": {newPassword}}).expect(t, http.StatusSeeOther)
		ts.assertLogsClean(t, dbPassword, testSecretKey)

		// The log really recorded the flow (so the check above means
		// something).
		for _, kind := range []string{"signup", "login_failure", "login_success", "password_change", "csrf_rejected", "account_deleted"} {
			if len(ts.logs.find(t, "security event", "kind", kind)) == 0 {
				t.Errorf("no %s event in the log", kind)
			}
		}

		// A password typed into the username field must not reach the
		// log: names matching no account are kept only as a digest.
		t.Run("password typed as the username", func(t *testing.T) {
			password := "Mistyped-into-username-" + randomHex(6)
			ts.newClient(t).tryLogin(password, password).expect(t, http.StatusUnauthorized)
			if strings.Contains(ts.logs.String(), password) {
				t.Fatal("a password typed as the login name is in the log")
			}
		})
	})

	t.Run("configuration and connection errors", func(t *testing.T) {
		var buf logBuffer
		logger := slog.New(slog.NewJSONHandler(&buf, nil))
		cfg := loadTestConfig(t, "DATABASE_URL", dbURL, "RATELIMIT_STORAGE_URL", "redis://:"+dbPassword+"@127.0.0.1:1/0")
		logger.Info("starting", "config", cfg, "config_value", *cfg)
		text := buf.String() + fmt.Sprintf("%v %+v %#v %s %v %+v %#v", cfg, cfg, cfg, cfg, *cfg, *cfg, *cfg) +
			cfg.DatabaseURLRedacted() + cfg.RateLimitStorageURLRedacted()
		if strings.Contains(text, dbPassword) || strings.Contains(text, testSecretKey) {
			t.Errorf("configuration output shows a secret: %s", text)
		}
		// A bad variable's error line does not echo the URL's password.
		_, err := config.Load(func(k string) (string, bool) {
			v, ok := map[string]string{"ENVIRONMENT": "production", "SECRET_KEY": "x",
				"DATABASE_URL": "mysql://focusflow:" + dbPassword + "@db/x"}[k]
			return v, ok
		}, "", nil)
		if err == nil || strings.Contains(err.Error(), dbPassword) {
			t.Errorf("config error shows the password: %v", err)
		}
		// The driver's connection error, as the store reports it.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err = sqlstore.Open(ctx, sqlstore.Options{URL: dbURL})
		if err == nil {
			t.Fatal("connecting to port 1 succeeded")
		}
		if strings.Contains(err.Error(), dbPassword) || strings.Contains(sqlstore.SafeError(err), dbPassword) {
			t.Errorf("connection error shows the password: %v", err)
		}
	})
}

// ---------------------------------------------------------------- headers

const wantCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; " +
	"font-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// assertSecurityHeaders checks the headers every response must carry.
func assertSecurityHeaders(t testing.TB, res *response, hsts bool) {
	t.Helper()
	h := res.Header
	want := map[string]string{
		"Content-Security-Policy":      wantCSP,
		"X-Content-Type-Options":       "nosniff",
		"X-Frame-Options":              "DENY",
		"Referrer-Policy":              "strict-origin-when-cross-origin",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s %s: %s = %q, want %q", res.method, res.path, k, got, v)
		}
	}
	if h.Get("Permissions-Policy") == "" {
		t.Errorf("%s %s: no Permissions-Policy", res.method, res.path)
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "http:", "https:", "*"} {
		if strings.Contains(h.Get("Content-Security-Policy"), bad) {
			t.Errorf("CSP allows %s", bad)
		}
	}
	if got := h.Get("Strict-Transport-Security"); hsts && got != "max-age=63072000; includeSubDomains" {
		t.Errorf("%s %s: HSTS = %q, want it", res.method, res.path, got)
	} else if !hsts && got != "" {
		t.Errorf("%s %s: HSTS over plain HTTP: %q", res.method, res.path, got)
	}
	ct := h.Get("Content-Type")
	if res.Body != "" && ct == "" {
		t.Errorf("%s %s: a body without Content-Type", res.method, res.path)
	}
	if (strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "javascript")) &&
		!strings.Contains(strings.ToLower(ct), "charset=utf-8") {
		t.Errorf("%s %s: Content-Type %q has no charset", res.method, res.path, ct)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		anon := ts.newClient(t)
		css, _ := ts.Server.assets.url("css/app.css")
		js, _ := ts.Server.assets.url("js/app.js")
		svg, _ := ts.Server.assets.url("img/icon.svg")

		type kind struct {
			name    string
			res     *response
			noStore bool
		}
		limitedSrv := ts.sibling(t, ipRate(1, time.Hour))
		lc := limitedSrv.newClient(t)
		lc.get("/login")
		kinds := []kind{
			{"landing page", anon.get("/").expect(t, http.StatusOK), true},
			{"login page", anon.get("/login").expect(t, http.StatusOK), true},
			{"signed-in page", c.get("/profile").expect(t, http.StatusOK), true},
			{"dashboard", c.get("/dashboard").expect(t, http.StatusOK), true},
			{"JSON", c.get("/api/v1/me").expect(t, http.StatusOK), true},
			{"JSON csrf", anon.get("/api/v1/csrf").expect(t, http.StatusOK), true},
			{"JSON 401", anon.get("/api/v1/me").expect(t, http.StatusUnauthorized), true},
			{"redirect", anon.get("/profile").expect(t, http.StatusSeeOther), true},
			{"form redirect", c.postForm("/profile/settings", url.Values{"theme": {"dark"}}).expect(t, http.StatusSeeOther), true},
			{"static css", anon.get(css).expect(t, http.StatusOK), false},
			{"static js", anon.get(js).expect(t, http.StatusOK), false},
			{"static svg", anon.get(svg).expect(t, http.StatusOK), false},
			{"robots", anon.get("/robots.txt").expect(t, http.StatusOK), false},
			{"ping", anon.get("/ping").expect(t, http.StatusOK), true},
			{"health", anon.get("/health").expect(t, http.StatusOK), true},
			{"404", anon.get("/nope").expect(t, http.StatusNotFound), true},
			{"404 JSON", anon.get("/api/v1/nope").expect(t, http.StatusNotFound), true},
			{"405", anon.get("/logout").expect(t, http.StatusMethodNotAllowed), true},
			{"403", c.postForm("/profile/settings", nil, crossSite()).expect(t, http.StatusForbidden), true},
			{"403 JSON", c.json(http.MethodPost, "/api/v1/notes", "{}", noCSRF()).expect(t, http.StatusForbidden), true},
			{"413", c.postForm("/profile/settings", url.Values{"x": {strings.Repeat("a", 5000)}}).expect(t, http.StatusRequestEntityTooLarge), true},
			{"429", lc.get("/login").expect(t, http.StatusTooManyRequests), true},
			{"429 JSON", lc.get("/api/v1/csrf").expect(t, http.StatusTooManyRequests), true},
		}
		for _, k := range kinds {
			t.Run(k.name, func(t *testing.T) {
				assertSecurityHeaders(t, k.res, false)
				cc := k.res.Header.Get("Cache-Control")
				if k.noStore && cc != "no-store" {
					t.Errorf("Cache-Control = %q, want no-store", cc)
				}
				if strings.HasPrefix(k.name, "static") && !strings.Contains(cc, "immutable") {
					t.Errorf("static Cache-Control = %q", cc)
				}
			})
		}

		t.Run("HSTS only over HTTPS", func(t *testing.T) {
			// A spoofed X-Forwarded-Proto without a trusted proxy.
			res := anon.get("/login", withHeader("X-Forwarded-Proto", "https"))
			assertSecurityHeaders(t, res, false)

			proxied := ts.sibling(t, trustProxyHops(1))
			pc := proxied.newClient(t)
			assertSecurityHeaders(t, pc.get("/login", withHeader("X-Forwarded-Proto", "https")), true)
			assertSecurityHeaders(t, pc.get("/nope", withHeader("X-Forwarded-Proto", "https")), true)
			assertSecurityHeaders(t, pc.get("/login", withHeader("X-Forwarded-Proto", "http")), false)
			// The proxy's (right-most) value counts, not the client's.
			assertSecurityHeaders(t, pc.get("/login", withHeader("X-Forwarded-Proto", "https, http")), false)

			tlsSrv := ts.siblingWith(t, testSetup{TLS: true, Config: []func(*config.Config){secureCookies}})
			tc := tlsSrv.newClient(t)
			assertSecurityHeaders(t, tc.get("/login").expect(t, http.StatusOK), true)
			assertSecurityHeaders(t, tc.get("/api/v1/csrf").expect(t, http.StatusOK), true)
			assertSecurityHeaders(t, tc.get(css).expect(t, http.StatusOK), true)
		})
	})
}
