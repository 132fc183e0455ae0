package web

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/scrypt"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// TestAccountFlows drives the account pages end to end.
func TestAccountFlows(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)

		t.Run("signup, landing and API", func(t *testing.T) {
			c := ts.newClient(t)
			c.get("/").expect(t, http.StatusOK)
			c.get("/api/v1/me").expect(t, http.StatusUnauthorized)
			if e := c.me().apiError(t); e.Code != focusflow.EUNAUTHORIZED {
				t.Errorf("anonymous /api/v1/me: %+v", e)
			}
			page := c.get("/signup").expect(t, http.StatusOK)
			if page.csrfMeta() == "" || !strings.Contains(page.Body, `name="csrf_token"`) {
				t.Error("the signup form carries no CSRF token")
			}
			u := ts.nextUser()
			res := c.trySignup(url.Values{"username": {u.Username}, "email": {u.Email}, "password": {u.Password},
				"timezone": {"Europe/Berlin"}}).expect(t, http.StatusSeeOther)
			if res.location() != "/dashboard?notice=signed-up" {
				t.Errorf("after signup: %q", res.location())
			}
			c.get(res.location()).expect(t, http.StatusOK)
			if loc := c.get("/").expect(t, http.StatusSeeOther).location(); loc != "/dashboard" {
				t.Errorf("/ for a signed-in user: %q", loc)
			}
			if loc := c.get("/signup").expect(t, http.StatusSeeOther).location(); loc != "/dashboard" {
				t.Errorf("/signup for a signed-in user: %q", loc)
			}
			var me map[string]any
			c.me().expect(t, http.StatusOK).decode(t, &me)
			for _, k := range []string{"id", "username", "email", "timezone", "created_at"} {
				if _, ok := me[k]; !ok {
					t.Errorf("/api/v1/me lacks %q: %v", k, me)
				}
			}
			if me["username"] != u.Username || me["email"] != u.Email || me["timezone"] != "Europe/Berlin" ||
				me["created_at"] != testEpoch.Format("2006-01-02T15:04:05.000Z") {
				t.Errorf("/api/v1/me = %v", me)
			}
			for k := range me {
				if strings.Contains(strings.ToLower(k), "password") || strings.Contains(strings.ToLower(k), "hash") {
					t.Errorf("/api/v1/me exposes %q", k)
				}
			}
			var tok map[string]string
			c.get("/api/v1/csrf").expect(t, http.StatusOK).decode(t, &tok)
			if len(tok) != 1 || tok["csrf_token"] == "" {
				t.Errorf("/api/v1/csrf = %v", tok)
			}
		})

		t.Run("signup validation", func(t *testing.T) {
			c := ts.newClient(t)
			u := ts.nextUser()
			for _, tc := range []struct {
				field, value, msg string
			}{
				{"username", "ab", "3–50 characters"},
				{"username", "has space", "3–50 characters"},
				{"username", strings.Repeat("a", 51), "3–50 characters"},
				{"email", "not-an-email", "valid email"},
				{"email", "Name <x@example.com>", "valid email"},
				{"timezone", "Mars/Olympus", "time zone"},
				{"timezone", "Local", "time zone"},
				{"password", "short", "at least 8"},
				{"password", "password123", "commonly used"},
				{"password", "my " + u.Username + " pw", "username"},
				{"password", "I love FocusFlow!", "name of this app"},
			} {
				form := url.Values{"username": {u.Username}, "email": {u.Email}, "password": {u.Password}, "timezone": {"UTC"}}
				form.Set(tc.field, tc.value)
				res := c.trySignup(form).expect(t, http.StatusBadRequest)
				if !strings.Contains(res.formError(), tc.msg) {
					t.Errorf("%s=%q: message %q, want it to mention %q", tc.field, tc.value, res.formError(), tc.msg)
				}
				if tc.field != "password" && tc.field != "timezone" &&
					!strings.Contains(res.Body, `id="`+tc.field+`"`) {
					t.Errorf("no %s field on the page", tc.field)
				}
				if strings.Contains(res.Body, u.Password) {
					t.Error("the signup page echoes the password")
				}
			}
			if _, _, err := ts.store.UserByLogin(ts.ctx(), u.Username); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Error("an invalid signup created the user")
			}
		})

		t.Run("signup closed", func(t *testing.T) {
			closed := ts.sibling(t, fromEnv("SIGNUP_ENABLED", "false"))
			c := closed.newClient(t)
			if !strings.Contains(c.get("/signup").expect(t, http.StatusOK).Body, "signup is closed") {
				t.Error("the signup page does not say signup is closed")
			}
			u := closed.nextUser()
			c.trySignup(url.Values{"username": {u.Username}, "email": {u.Email}, "password": {u.Password}}).
				expect(t, http.StatusForbidden)
			if _, _, err := ts.store.UserByLogin(ts.ctx(), u.Username); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Error("signup while closed created the user")
			}
		})

		t.Run("login by username or email, any case", func(t *testing.T) {
			_, u := ts.signedInClient(t)
			for _, name := range []string{u.Username, strings.ToUpper(u.Username), " " + u.Email + " ", strings.ToUpper(u.Email)} {
				c := ts.newClient(t)
				c.login(name, u.Password)
				if c.userID() != u.ID {
					t.Errorf("login as %q signed in someone else", name)
				}
			}
			c := ts.newClient(t)
			res := c.tryLogin("", "").expect(t, http.StatusBadRequest)
			if res.formError() == "" {
				t.Error("empty login: no message")
			}
			res = c.tryLogin(u.Username, "wrong password").expect(t, http.StatusUnauthorized)
			if res.formError() != "Incorrect username or password." {
				t.Errorf("wrong password message %q", res.formError())
			}
			if !strings.Contains(res.Body, `value="`+u.Username+`"`) {
				t.Error("the login form does not keep the username")
			}
		})

		t.Run("logout is POST only", func(t *testing.T) {
			c, _ := ts.signedInClient(t)
			res := c.get("/logout").expect(t, http.StatusMethodNotAllowed)
			if !strings.Contains(res.Header.Get("Allow"), http.MethodPost) {
				t.Errorf("Allow = %q", res.Header.Get("Allow"))
			}
			if !c.signedIn() {
				t.Fatal("GET /logout signed the user out")
			}
			res = c.logout()
			if res.location() != "/login?notice=signed-out" {
				t.Errorf("after logout: %q", res.location())
			}
			if c.signedIn() {
				t.Error("still signed in after logout")
			}
			// Logging out twice is harmless.
			c.logout()
		})

		t.Run("password change", func(t *testing.T) {
			c, u := ts.signedInClient(t)
			other := ts.newClient(t)
			other.login(u.Username, u.Password)
			change := func(current, next, confirm string) *response {
				ts.secrets.add(current, next, confirm)
				return c.postForm("/profile/password", url.Values{"current_password": {current},
					"new_password": {next}, "confirm_password": {confirm}})
			}
			newPassword := "Glacier-tangent-" + randomHex(6)

			res := change("not my password", newPassword, newPassword).expect(t, http.StatusBadRequest)
			assertFieldError(t, res, "current_password", "current password is not correct")
			res = change(u.Password, newPassword, newPassword+"x").expect(t, http.StatusBadRequest)
			assertFieldError(t, res, "confirm_password", "do not match")
			res = change(u.Password, "short", "short").expect(t, http.StatusBadRequest)
			assertFieldError(t, res, "new_password", "at least 8 characters")
			res = change(u.Password, "qwertyuiop", "qwertyuiop").expect(t, http.StatusBadRequest)
			assertFieldError(t, res, "new_password", "commonly used")
			res = change(u.Password, u.Username+"-2025", u.Username+"-2025").expect(t, http.StatusBadRequest)
			assertFieldError(t, res, "new_password", "username")
			if !other.signedIn() {
				t.Fatal("a failed change ended the other session")
			}

			oldToken := c.sessionToken()
			res = change(u.Password, newPassword, newPassword).expect(t, http.StatusSeeOther)
			if res.location() != "/profile?notice=password-changed" {
				t.Errorf("after the change: %q", res.location())
			}
			if c.sessionToken() == oldToken || c.sessionToken() == "" {
				t.Error("no new session token after the password change")
			}
			if !c.signedIn() {
				t.Error("this session ended with the password change")
			}
			if other.signedIn() {
				t.Error("the other session survived the password change")
			}
			if ts.withSession(t, oldToken).signedIn() {
				t.Error("the token from before the change still works")
			}
			ts.newClient(t).tryLogin(u.Username, u.Password).expect(t, http.StatusUnauthorized)
			ts.newClient(t).login(u.Username, newPassword)
			if !strings.Contains(c.get("/profile").Body, "Password changed") {
				t.Error("the profile does not list the password change")
			}
		})

		t.Run("sign out other sessions", func(t *testing.T) {
			c, u := ts.signedInClient(t)
			others := []*client{ts.newClient(t), ts.newClient(t)}
			for _, o := range others {
				o.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/604.1")
				o.login(u.Username, u.Password)
			}
			profile := c.get("/profile").expect(t, http.StatusOK)
			if n := strings.Count(profile.Body, "<tr><td>"); n < 3 {
				t.Errorf("profile lists %d session rows, want at least 3", n)
			}
			if strings.Count(profile.Body, "(this one)") != 1 || !strings.Contains(profile.Body, "Safari on iPhone") ||
				!strings.Contains(profile.Body, "127.0.0.1") {
				t.Error("profile's session list is incomplete")
			}
			for _, kind := range []string{"Account created", "Signed in"} {
				if !strings.Contains(profile.Body, kind) {
					t.Errorf("profile does not list the %s event", kind)
				}
			}
			c.postForm("/profile/sessions/revoke", nil).expect(t, http.StatusSeeOther)
			for _, o := range others {
				if o.signedIn() {
					t.Error("another session survived 'sign out other sessions'")
				}
			}
			if !c.signedIn() {
				t.Error("'sign out other sessions' ended this one")
			}
			sessions, err := ts.store.Sessions(ts.ctx(), u.ID)
			if err != nil || len(sessions) != 1 {
				t.Errorf("sessions left: %d (%v)", len(sessions), err)
			}
		})

		t.Run("another user's session is untouched", func(t *testing.T) {
			a, _ := ts.signedInClient(t)
			b, _ := ts.signedInClient(t)
			a.postForm("/profile/sessions/revoke", nil).expect(t, http.StatusSeeOther)
			if !b.signedIn() {
				t.Error("one user's revoke ended another user's session")
			}
		})

		t.Run("delete account", func(t *testing.T) {
			c, u := ts.signedInClient(t)
			other := ts.newClient(t)
			other.login(u.Username, u.Password)
			res := c.postForm("/profile/delete", url.Values{"password": {"not my password"}}).expect(t, http.StatusBadRequest)
			if !strings.Contains(res.formError(), "not correct") || !strings.Contains(res.Body, `id="delete_password"`) {
				t.Errorf("wrong password: %q", res.formError())
			}
			c.postForm("/profile/delete", nil).expect(t, http.StatusBadRequest)
			if !c.signedIn() {
				t.Fatal("a refused deletion signed the user out")
			}
			res = c.postForm("/profile/delete", url.Values{"password": {u.Password}}).expect(t, http.StatusSeeOther)
			if res.location() != "/?notice=account-deleted" {
				t.Errorf("after deletion: %q", res.location())
			}
			if ck := res.setCookie(ts.sessionCookieName()); ck == nil || ck.MaxAge >= 0 {
				t.Errorf("the session cookie is not deleted: %v", ck)
			}
			if c.signedIn() || other.signedIn() {
				t.Error("a session of the deleted user survived")
			}
			if _, err := ts.store.User(ts.ctx(), u.ID); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Errorf("the user row remains: %v", err)
			}
			if sessions, _ := ts.store.Sessions(ts.ctx(), u.ID); len(sessions) != 0 {
				t.Errorf("%d sessions remain", len(sessions))
			}
			if events, _ := ts.store.Events(ts.ctx(), u.ID, 100); len(events) != 0 {
				t.Errorf("%d security events still name the user id", len(events))
			}
			// The events stay, anonymised.
			dump := ts.dump(t)
			if !strings.Contains(dump, focusflow.EventAccountDeleted) || !strings.Contains(dump, "deleted:") {
				t.Error("the anonymised security events are gone")
			}
			for _, s := range []string{u.Email, u.Username + `"`} {
				if strings.Contains(dump, s) {
					t.Errorf("the database still holds %q after deletion", s)
					for line := range strings.Lines(dump) {
						if strings.Contains(line, s) || strings.HasPrefix(line, `{"table"`) {
							t.Logf("%s", line)
						}
					}
				}
			}
			ts.newClient(t).tryLogin(u.Username, u.Password).expect(t, http.StatusUnauthorized)
			// The name is free again.
			n := ts.newClient(t)
			n.signup(u.Username, u.Email, "Fresh-start-"+randomHex(6))
		})

		t.Run("legacy Werkzeug hashes", func(t *testing.T) { testLegacyPasswords(t, ts) })

		t.Run("profile settings", func(t *testing.T) {
			c, u := ts.signedInClient(t)
			c.postForm("/profile/settings", url.Values{"timezone": {"Asia/Tokyo"}, "theme": {"dark"},
				"daily_goal_minutes": {"90"}, "timer_cap_hours": {"6"}, "focus_mode_set": {"1"}, "focus_mode": {"1"}}).
				expect(t, http.StatusSeeOther)
			got, err := ts.store.User(ts.ctx(), u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Timezone != "Asia/Tokyo" || got.Theme != "dark" || got.DailyGoal.Minutes() != 90 ||
				got.TimerCap.Hours() != 6 || !got.FocusMode {
				t.Errorf("settings not saved: %+v", got)
			}
			if !strings.Contains(c.get("/profile").Body, `data-theme="dark"`) {
				t.Error("the page does not use the theme")
			}
			for field, bad := range map[string]string{"theme": "neon", "daily_goal_minutes": "2", "timer_cap_hours": "13",
				"timezone": "Nowhere/Special"} {
				res := c.postForm("/profile/settings", url.Values{field: {bad}}).expect(t, http.StatusBadRequest)
				if field == "theme" { // a <select>: the template marks no aria-invalid on it
					if res.formError() == "" {
						t.Error("no message for a bad theme")
					}
					continue
				}
				assertFieldError(t, res, field, "")
			}
		})
	})
}

// assertFieldError checks a form page's error: the message (when msg is
// not "") and the field marked aria-invalid.
func assertFieldError(t testing.TB, res *response, field, msg string) {
	t.Helper()
	if msg != "" && !strings.Contains(strings.ToLower(res.formError()), strings.ToLower(msg)) {
		t.Errorf("message %q, want it to mention %q", res.formError(), msg)
	}
	if res.formError() == "" {
		t.Errorf("no error message on the page")
	}
	marked := regexp.MustCompile(`id="` + field + `"[^>]*aria-invalid="true"`)
	if !marked.MatchString(res.Body) {
		t.Errorf("field %s is not marked invalid", field)
	}
}

// testLegacyPasswords signs in users imported from the original app with
// Werkzeug hashes and checks they are re-hashed with argon2id.
func testLegacyPasswords(t *testing.T, ts *testServer) {
	password := "Legacy-secret-" + randomHex(4)
	ts.secrets.add(password)
	salt := "NaClNaClNaCl1234"
	dk, err := pbkdf2.Key(sha256.New, password, []byte(salt), 1000, 32)
	if err != nil {
		t.Fatal(err)
	}
	sk, err := scrypt.Key([]byte(password), []byte(salt), 1<<14, 8, 1, 64)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, hash string }{
		{"pbkdf2", "pbkdf2:sha256:1000$" + salt + "$" + hex.EncodeToString(dk)},
		{"scrypt", "scrypt:16384:8:1$" + salt + "$" + hex.EncodeToString(sk)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "legacy_" + tc.name
			id := ts.createUser(t, name, name+"@example.com", tc.hash)
			ts.newClient(t).tryLogin(name, password+"x").expect(t, http.StatusUnauthorized)
			if h, _ := ts.store.PasswordHash(ts.ctx(), id); h != tc.hash {
				t.Fatal("a failed login changed the stored hash")
			}
			c := ts.newClient(t)
			c.login(name, password)
			if c.userID() != id {
				t.Fatal("signed in as someone else")
			}
			h, err := ts.store.PasswordHash(ts.ctx(), id)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(h, "$argon2id$v=19$") {
				t.Fatalf("stored hash after login is %q, want argon2id", h)
			}
			// The new hash verifies the same password, and only it.
			ts.newClient(t).login(name, password)
			ts.newClient(t).tryLogin(name, password+"x").expect(t, http.StatusUnauthorized)
			if h2, _ := ts.store.PasswordHash(ts.ctx(), id); h2 != h {
				t.Error("the argon2id hash was replaced again at the next login")
			}
		})
	}
	ts.assertLogsClean(t)
}
