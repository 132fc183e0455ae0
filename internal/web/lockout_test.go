package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// The owner of an account is not locked out of it by failures from
// elsewhere: browsers that signed in before are judged by their own count,
// and a signed-in session by its own.
func TestNoLockoutOfTheOwner(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		stranger := ts.newClient(t)

		// lockName fails sign-in for name five times from a stranger's
		// browser, then checks the name is locked for a new browser.
		lockName := func(t *testing.T, u testUser) {
			t.Helper()
			for range auth.LockoutThreshold {
				stranger.tryLogin(u.Username, "a wrong password").expect(t, http.StatusUnauthorized)
			}
			expectLocked(t, ts.newClient(t).tryLogin(u.Username, u.Password), 60)
		}
		// ownBrowser signs a new user up and out again: the browser keeps
		// its device cookie.
		ownBrowser := func(t *testing.T) (*client, testUser) {
			t.Helper()
			c, u := ts.signedInClient(t)
			c.logout()
			if c.cookie(ts.Server.deviceCookie()) == "" {
				t.Fatal("no device cookie after signup and logout")
			}
			return c, u
		}

		t.Run("the device cookie", func(t *testing.T) {
			u := ts.nextUser()
			res := ts.newClient(t).signup(u.Username, u.Email, u.Password)
			ck := res.setCookie(ts.Server.deviceCookie())
			if ck == nil {
				t.Fatal("signup set no device cookie")
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
				t.Errorf("device cookie attributes: %+v", ck)
			}
			if ck.MaxAge < 364*24*3600 {
				t.Errorf("device cookie Max-Age = %d, want about a year", ck.MaxAge)
			}
			res = ts.newClient(t).login(u.Username, u.Password)
			if res.setCookie(ts.Server.deviceCookie()) == nil {
				t.Error("sign-in set no device cookie")
			}
		})

		t.Run("a known browser signs in while the name is locked", func(t *testing.T) {
			own, alice := ownBrowser(t)
			lockName(t, alice)
			own.login(alice.Username, alice.Password)
			own.logout()
			// The owner's success leaves the name locked for the stranger.
			expectLocked(t, ts.newClient(t).tryLogin(alice.Username, alice.Password), 60)

			// A guess each time the lock ends keeps the name locked, the
			// lock growing to an hour; the owner's browser is not affected.
			for n := auth.LockoutThreshold; n < auth.LockoutThreshold+8; n++ {
				ts.clock.Advance(auth.LockoutFor(n) + time.Second)
				stranger.tryLogin(alice.Username, "a wrong password").expect(t, http.StatusUnauthorized)
			}
			expectLocked(t, ts.newClient(t).tryLogin(alice.Username, alice.Password), 3600)
			own.login(alice.Username, alice.Password)
		})

		t.Run("a device cookie helps only its own account", func(t *testing.T) {
			_, alice := ownBrowser(t)
			bobs, _ := ownBrowser(t)
			lockName(t, alice)
			expectLocked(t, bobs.tryLogin(alice.Username, alice.Password), 60)

			forged := ts.newClient(t)
			forged.plantCookie(ts.Server.deviceCookie(), auth.Sign([]byte("another key"),
				strconv.FormatInt(alice.ID, 10)+".0.x"))
			expectLocked(t, forged.tryLogin(alice.Username, alice.Password), 60)

			// Nor does the cookie of a deleted account for the account
			// that takes its id (SQLite hands the highest id out again).
			dc, dora := ts.signedInClient(t)
			old := dc.cookie(ts.Server.deviceCookie())
			dc.postForm("/profile/delete", url.Values{"password": {dora.Password}}).expect(t, http.StatusSeeOther)
			if dc.cookie(ts.Server.deviceCookie()) != "" {
				t.Error("deleting the account left its device cookie")
			}
			ts.clock.Advance(time.Second)
			_, next := ts.signedInClient(t)
			t.Logf("deleted account %d, next account %d", dora.ID, next.ID)
			lockName(t, next)
			dc.plantCookie(ts.Server.deviceCookie(), old)
			expectLocked(t, dc.tryLogin(next.Username, next.Password), 60)
		})

		t.Run("a known browser has a limit of its own", func(t *testing.T) {
			own, carol := ownBrowser(t)
			other, _ := ts.signedInClient(t)
			other.logout()
			other.login(carol.Username, carol.Password)
			other.logout()
			lockName(t, carol)

			lock := auth.DeviceLock()
			for range lock.Threshold - 1 {
				own.tryLogin(carol.Username, "a wrong password").expect(t, http.StatusUnauthorized)
			}
			// Below the limit, the owner's typos on one browser can be
			// followed by the right password; that clears the count.
			own.login(carol.Username, carol.Password)
			own.logout()
			for range lock.Threshold {
				own.tryLogin(carol.Username, "a wrong password").expect(t, http.StatusUnauthorized)
			}
			res := own.tryLogin(carol.Username, carol.Password)
			expectLocked(t, res, 60)
			if own.sessionToken() != "" {
				t.Fatal("a locked browser got a session")
			}
			// Another browser of the owner's is not affected.
			other.login(carol.Username, carol.Password)
			if len(ts.logs.find(t, "security event", "kind", focusflow.EventLockout, "detail", "known device",
				"login", carol.Username)) != 1 {
				t.Error("the browser's lock was not audited once")
			}
			ts.clock.Advance(61 * time.Second)
			own.login(carol.Username, carol.Password)
		})

		t.Run("failures from a known browser do not lock the name", func(t *testing.T) {
			own, dave := ownBrowser(t)
			for range auth.DeviceLock().Threshold - 1 {
				own.tryLogin(dave.Username, "a wrong password").expect(t, http.StatusUnauthorized)
			}
			ts.newClient(t).login(dave.Username, dave.Password)
		})

		t.Run("the password asked again in a session", func(t *testing.T) {
			ec, erin := ts.signedInClient(t)
			other := ts.newClient(t)
			other.login(erin.Username, erin.Password)
			lockName(t, erin)
			changePassword := func(c *client, current, next string) *response {
				return c.postForm("/profile/password", url.Values{"current_password": {current},
					"new_password": {next}, "confirm_password": {next}})
			}

			// The owner's session changes the password while the name is
			// locked for strangers.
			newPassword := "Quiet-harbour-lamp-" + randomHex(4)
			ts.secrets.add(newPassword)
			changePassword(ec, erin.Password, newPassword).expect(t, http.StatusSeeOther)
			erin.Password = newPassword

			// Wrong answers are limited per session, with a clear answer.
			lock := auth.ReentryLock()
			for range lock.Threshold {
				res := changePassword(ec, "a wrong password", "Another-pass-123").expect(t, http.StatusBadRequest)
				if !strings.Contains(res.formError(), "not correct") {
					t.Fatalf("wrong current password: %q", res.formError())
				}
			}
			res := ec.postForm("/profile/delete", url.Values{"password": {erin.Password}})
			expectLocked(t, res, 15*60)
			if !strings.Contains(res.formError(), "Too many wrong passwords") {
				t.Errorf("per-session lock message: %q", res.formError())
			}
			expectLocked(t, changePassword(ec, erin.Password, "Another-pass-123"), 15*60)
			if !ec.signedIn() {
				t.Fatal("the locked session was signed out")
			}

			// Another session of the same user has a count of its own (the
			// password change ended the one it had; it is a known browser).
			other.login(erin.Username, erin.Password)
			changePassword(other, "a wrong password", "Another-pass-123").expect(t, http.StatusBadRequest)

			ts.clock.Advance(15 * time.Minute)
			ec.postForm("/profile/delete", url.Values{"password": {erin.Password}}).expect(t, http.StatusSeeOther)
		})

		t.Run("wrong answers in a session do not lock the name", func(t *testing.T) {
			fc, frank := ts.signedInClient(t)
			for range auth.LockoutThreshold + 1 {
				fc.postForm("/profile/delete", url.Values{"password": {"a wrong password"}})
			}
			ts.newClient(t).login(frank.Username, frank.Password)
			n, _, err := ts.store.LoginFailures(ts.ctx(), auth.NormalizeLogin(frank.Username))
			if err != nil || n != 0 {
				t.Errorf("name failures after wrong answers in a session: %d, %v", n, err)
			}
		})

		t.Run("the session's count holds across instances", func(t *testing.T) {
			gc, gina := ts.signedInClient(t)
			gc2 := ts.sibling(t).withSession(t, gc.sessionToken())
			for i := range auth.ReentryLock().Threshold {
				c := gc
				if i%2 == 1 {
					c = gc2
				}
				c.postForm("/profile/delete", url.Values{"password": {"a wrong password"}}).expect(t, http.StatusBadRequest)
			}
			expectLocked(t, gc2.postForm("/profile/delete", url.Values{"password": {gina.Password}}), 15*60)
			expectLocked(t, gc.postForm("/profile/delete", url.Values{"password": {gina.Password}}), 15*60)
		})

		t.Run("the browser's count holds across instances", func(t *testing.T) {
			own, hal := ownBrowser(t)
			own2 := ts.sibling(t).newClient(t)
			own2.plantCookie(ts.Server.deviceCookie(), own.cookie(ts.Server.deviceCookie()))
			lockName(t, hal)
			own2.login(hal.Username, hal.Password)
			for i := range auth.DeviceLock().Threshold {
				c := own
				if i%2 == 1 {
					c = own2
				}
				c.tryLogin(hal.Username, "a wrong password").expect(t, http.StatusUnauthorized)
			}
			expectLocked(t, own2.tryLogin(hal.Username, hal.Password), 60)
		})
		ts.assertLogsClean(t)
	})
}

// expectLocked fails the test unless res is a 429 whose Retry-After is
// retry seconds.
func expectLocked(t *testing.T, res *response, retry int) {
	t.Helper()
	if res.Status != http.StatusTooManyRequests {
		t.Fatalf("want 429 (locked), got %s", res)
	}
	if got := res.Header.Get("Retry-After"); got != strconv.Itoa(retry) {
		t.Errorf("Retry-After = %q, want %d", got, retry)
	}
}

func TestPasswordSprayingAlarm(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e, trustProxyHops(1))
		const metric = "focusflow_login_spraying_total"
		fams, err := ts.registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range fams {
			found = found || f.GetName() == metric
		}
		if !found {
			t.Fatalf("%s is not exported before any alarm", metric)
		}

		_, victim := ts.signedInClient(t)
		names := []string{victim.Username}
		for i := range auth.SprayNames + 20 {
			names = append(names, "sprayed_"+strconv.Itoa(i)+"_"+randomHex(3))
		}
		// One try per name, each from another address: no name and no
		// address meets a limit of its own.
		spray := func(names []string) {
			for i, name := range names {
				c := ts.newClient(t)
				c.Header.Set("X-Forwarded-For", "203.0.113."+strconv.Itoa(i%250+1))
				c.tryLogin(name, "Summer2025!").expect(t, http.StatusUnauthorized)
			}
		}
		spray(names[:auth.SprayNames])
		if got := ts.counter(t, metric); got != 0 {
			t.Fatalf("%s = %v after %d names, want 0", metric, got, auth.SprayNames)
		}
		spray(names[auth.SprayNames : auth.SprayNames+1])
		if got := ts.counter(t, metric); got != 1 {
			t.Fatalf("%s = %v after %d names, want 1", metric, got, auth.SprayNames+1)
		}
		// Once a window, however long the spray goes on within it.
		spray(names[auth.SprayNames+1:])
		if got := ts.counter(t, metric); got != 1 {
			t.Fatalf("%s = %v, want one alarm a window", metric, got)
		}
		if got := len(ts.logs.find(t, "security event", "kind", focusflow.EventSpraying)); got != 1 {
			t.Errorf("%d spraying events in the log, want 1", got)
		}
		if dump := ts.dump(t); !strings.Contains(dump, focusflow.EventSpraying) {
			t.Error("the spraying event is not in the audit trail")
		}

		ts.clock.Advance(auth.SprayWindow)
		spray(names[1 : auth.SprayNames+2])
		if got := ts.counter(t, metric); got != 2 {
			t.Errorf("%s = %v after a spray in the next window, want 2", metric, got)
		}
		ts.assertLogsClean(t)
	})
}
