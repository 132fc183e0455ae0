package web

import (
	"context"
	"net/http"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
)

// authState is the signed-in user of a request.
type authState struct {
	session   *focusflow.Session
	user      *focusflow.User
	tokenHash string
	// token is set when an API token, not a cookie, authenticated the
	// request (session and tokenHash are then empty).
	token *focusflow.APIToken
	// cached is set when the session came from the session cache; the
	// handler must then check it again in its own round trip.
	cached bool
}

func authFrom(ctx context.Context) *authState {
	a, _ := ctx.Value(authKey).(*authState)
	return a
}

// sessionCookie is __Host- prefixed when Secure, which pins it to this host
// and path and forbids a Domain attribute.
func (s *Server) sessionCookie() string {
	if s.cfg.CookieSecure {
		return "__Host-focusflow"
	}
	return "focusflow"
}

func (s *Server) preSessionCookie() string {
	if s.cfg.CookieSecure {
		return "__Host-focusflow-pre"
	}
	return "focusflow-pre"
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", Secure: s.cfg.CookieSecure,
		HttpOnly: s.cfg.CookieHTTPOnly, SameSite: s.cfg.CookieSameSite}
	switch {
	case maxAge > 0:
		c.MaxAge = int(maxAge / time.Second)
	case maxAge < 0:
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// loadSession resolves the session cookie to a user in one query. An
// unknown, expired or revoked token is simply anonymous. A request that
// carries an API token is authenticated by it alone (bearer.go).
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if raw, inQuery, ok := presentedToken(r); ok && !unlimited(r.URL.Path) {
			s.loadBearer(w, r, next, raw, inQuery)
			return
		}
		c, err := r.Cookie(s.sessionCookie())
		if err != nil || c.Value == "" || unlimited(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		hash := auth.HashToken(s.sessionKey, c.Value)
		cacheable := revalidatedRoute(r)
		if cacheable {
			if sess, user, ok := s.sessions.get(hash, s.now()); ok {
				info(r.Context()).userID = user.ID
				ctx := context.WithValue(r.Context(), authKey, &authState{session: sess, user: user, tokenHash: hash, cached: true})
				next.ServeHTTP(w, r.WithContext(ctx))
				return
			}
		}
		sess, user, err := s.store.SessionUser(r.Context(), hash)
		switch focusflow.ErrorCode(err) {
		case "":
		case focusflow.ENOTFOUND:
			s.setCookie(w, s.sessionCookie(), "", -1)
			next.ServeHTTP(w, r)
			return
		default:
			s.fail(w, r, err)
			return
		}
		s.touch(r, sess)
		if cacheable {
			s.sessions.put(hash, sess, user, s.now())
		}
		info(r.Context()).userID = user.ID
		ctx := context.WithValue(r.Context(), authKey, &authState{session: sess, user: user, tokenHash: hash})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// touch updates "last seen" at most once a minute per session.
func (s *Server) touch(r *http.Request, sess *focusflow.Session) {
	now := s.now()
	if now.Sub(sess.LastSeenAt) < time.Minute {
		return
	}
	s.seenMu.Lock()
	last, ok := s.seen[sess.ID]
	if ok && now.Sub(last) < time.Minute {
		s.seenMu.Unlock()
		return
	}
	s.seen[sess.ID] = now
	if len(s.seen) > 100_000 { // bounded: forget everything rather than grow
		clear(s.seen)
	}
	s.seenMu.Unlock()
	if err := s.store.TouchSession(r.Context(), sess.ID, info(r.Context()).ip); err != nil {
		s.logger.WarnContext(r.Context(), "touch session", "error", err)
	}
}

// startSession signs a user in with a fresh token (no fixation: any token
// the browser had before is replaced and its session deleted), and marks
// the browser as known to the account (see rememberDevice).
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, user *focusflow.User, remember bool) (*focusflow.Session, error) {
	if old := authFrom(r.Context()); old != nil {
		s.sessions.drop(old.tokenHash)
		s.store.DeleteSession(r.Context(), old.tokenHash)
	}
	token := auth.NewToken()
	lifetime, idle := s.cfg.SessionLifetime, s.cfg.IdleTimeout
	if remember {
		lifetime, idle = s.cfg.RememberLifetime, 0
	}
	sess, err := s.store.CreateSession(r.Context(), focusflow.NewSession{
		TokenHash: auth.HashToken(s.sessionKey, token), UserID: user.ID, Lifetime: lifetime, IdleTimeout: idle,
		Remember: remember, IP: info(r.Context()).ip, UserAgent: focusflow.Shorten(r.UserAgent(), 255)})
	if err != nil {
		return nil, err
	}
	maxAge := time.Duration(0) // a browser-session cookie unless "remember me"
	if remember {
		maxAge = lifetime
	}
	s.setCookie(w, s.sessionCookie(), token, maxAge)
	s.setCookie(w, s.preSessionCookie(), "", -1)
	s.rememberDevice(w, r, user)
	return sess, nil
}

// requireUser wraps a route that needs a signed-in user: pages redirect to
// the login page, the API answers 401.
func (s *Server) requireUser(next func(w http.ResponseWriter, r *http.Request, a *authState)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := authFrom(r.Context())
		if a == nil {
			if isAPI(r) || r.Method != http.MethodGet {
				if isAPI(r) {
					w.Header().Set("WWW-Authenticate", `Bearer realm="focusflow"`)
				}
				s.fail(w, r, focusflow.Errorf(focusflow.EUNAUTHORIZED, "Please sign in."))
				return
			}
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		next(w, r, a)
	}
}

// audit records a security event in the table and the log. Flood-prone
// kinds are aggregated per key and minute.
func (s *Server) audit(r *http.Request, e focusflow.SecurityEvent, aggKey string) {
	ri := info(r.Context())
	if e.IP == "" {
		e.IP = ri.ip
	}
	if e.UserAgent == "" {
		e.UserAgent = focusflow.Shorten(r.UserAgent(), 255)
	}
	s.logger.InfoContext(r.Context(), "security event", "kind", e.Kind, "user_id", e.UserID, "login", e.Login,
		"ip", e.IP, "detail", e.Detail, "request_id", ri.id)
	var err error
	if aggKey != "" {
		err = s.store.RecordAggregatedEvent(r.Context(), e, aggKey)
	} else {
		err = s.store.RecordEvent(r.Context(), e)
	}
	if err != nil {
		s.logger.WarnContext(r.Context(), "record security event", "error", err)
	}
}
