package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
)

// Failed password checks are counted in the store (shared by every
// instance on PostgreSQL) under one of three keys: the login name, the
// account on a known browser, or the session (see auth.Lock).

// failureCount is one count of failed password checks and its lock.
type failureCount struct {
	key    string
	lock   auth.Lock
	detail string // what the audit trail says of its failures ("" for a name)
}

// lockState returns the failures counted under c and how long checks
// under it are still refused (0: go ahead).
func (s *Server) lockState(ctx context.Context, c failureCount) (int, time.Duration, error) {
	failures, last, err := s.store.LoginFailures(ctx, c.key)
	if err != nil {
		return 0, 0, err
	}
	return failures, c.lock.Remaining(failures, last, s.now()), nil
}

// countFailure counts one more failure under c, which had failures before
// it, and audits it as e; reaching the lock is audited as well.
func (s *Server) countFailure(r *http.Request, c failureCount, failures int, e focusflow.SecurityEvent) error {
	n, err := s.store.AddLoginFailure(r.Context(), c.key, c.lock.Window(failures))
	if err != nil {
		return err
	}
	s.metrics.FailedLogins.Inc()
	e.Kind, e.Detail = focusflow.EventLoginFailure, c.detail
	s.audit(r, e, "")
	if n == c.lock.Threshold {
		e.Kind = focusflow.EventLockout
		s.audit(r, e, "")
	}
	return nil
}

// clearFailures starts c's count over after a success.
func (s *Server) clearFailures(ctx context.Context, c failureCount, failures int) error {
	if failures == 0 {
		return nil
	}
	return s.store.ClearLoginFailures(ctx, c.key)
}

// signInCount is the count a sign-in for the normalised name is judged
// by: this browser's own when it has signed in to the account before, so
// that failures from elsewhere cannot lock the owner out of it; else the
// name's, shared by every client that has not.
func (s *Server) signInCount(r *http.Request, name string, u *focusflow.User) failureCount {
	if u != nil {
		if id, ok := s.knownDevice(r, u); ok {
			// A digest, so that the database holds no part of the cookie.
			digest := auth.HashToken(s.deviceKey, id)[:32]
			return failureCount{key: auth.DeviceKey(u.ID, digest), lock: auth.DeviceLock(), detail: "known device"}
		}
	}
	return failureCount{key: name, lock: auth.NameLock()}
}

// reentryCount is the count of passwords asked again in a session.
func reentryCount(a *authState) failureCount {
	return failureCount{key: auth.SessionKey(a.session.ID), lock: auth.ReentryLock(), detail: "password asked again"}
}

// watchSpraying tells the spray watch of a failed sign-in for the
// normalised name, and raises the alarm when it says so.
func (s *Server) watchSpraying(r *http.Request, name string) {
	n := s.spraying.Failed(name, s.now())
	if n == 0 {
		return
	}
	s.metrics.Spraying.Inc()
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventSpraying,
		Detail: fmt.Sprintf("%d names failed to sign in within %s", n, auth.SprayWindow)}, "")
}

// The device cookie marks a browser that has signed in to an account: it
// carries a random id signed together with the account, and lives a year
// from the last sign-in. It grants nothing by itself; it only decides
// which count a sign-in is judged by.
const deviceLifetime = 365 * 24 * time.Hour

func (s *Server) deviceCookie() string {
	if s.cfg.CookieSecure {
		return "__Host-focusflow-device"
	}
	return "focusflow-device"
}

// deviceBinding is what a device cookie signs: the account's id and its
// creation (an id can be used again after a deletion on SQLite), then the
// browser's id.
func deviceBinding(u *focusflow.User, id string) string {
	return strconv.FormatInt(u.ID, 10) + "." + strconv.FormatInt(u.CreatedAt.UnixMilli(), 10) + "." + id
}

// knownDevice returns this browser's id when it has signed in to u before.
func (s *Server) knownDevice(r *http.Request, u *focusflow.User) (string, bool) {
	c, err := r.Cookie(s.deviceCookie())
	if err != nil {
		return "", false
	}
	v, ok := auth.Unsign(s.deviceKey, c.Value)
	if !ok {
		return "", false
	}
	id, ok := strings.CutPrefix(v, deviceBinding(u, ""))
	return id, ok && id != ""
}

// rememberDevice marks this browser as one that signed in to u. A browser
// known already keeps its id, and with it its count.
func (s *Server) rememberDevice(w http.ResponseWriter, r *http.Request, u *focusflow.User) {
	id, ok := s.knownDevice(r, u)
	if !ok {
		id = auth.NewToken()
	}
	s.setCookie(w, s.deviceCookie(), auth.Sign(s.deviceKey, deviceBinding(u, id)), deviceLifetime)
}
