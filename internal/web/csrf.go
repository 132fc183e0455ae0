package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
)

// checkCSRF protects every unsafe request in two layers: the browser's own
// Sec-Fetch-Site/Origin signals (net/http.CrossOriginProtection), then a
// token bound to the session — or, for visitors, to a signed pre-session
// cookie, so that no database row is created per visitor.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A bearer token is no ambient credential: a forged cross-site
		// request cannot carry it.
		if a := authFrom(r.Context()); !unsafeMethod(r.Method) || a != nil && a.token != nil {
			next.ServeHTTP(w, r)
			return
		}
		// Every unsafe API route needs a signed-in user, and without one
		// nothing is done: the client hears that it is signed out (401),
		// not that its request looked forged.
		if isAPI(r) && authFrom(r.Context()) == nil {
			s.fail(w, r, focusflow.Errorf(focusflow.EUNAUTHORIZED, "Please sign in."))
			return
		}
		if err := s.crossOrigin.Check(r); err != nil {
			s.rejectCSRF(w, r, "cross-origin request")
			return
		}
		if s.cfg.CSRFEnabled {
			token := r.Header.Get("X-CSRF-Token")
			if token == "" && isForm(r) {
				token = r.PostFormValue("csrf_token")
			}
			binding, ok := s.csrfBinding(r)
			if !ok {
				s.rejectCSRF(w, r, "no session")
				return
			}
			if err := s.csrf.Check(token, binding, s.now()); err != nil {
				reason := "invalid token"
				switch {
				case errors.Is(err, auth.ErrCSRFMissing):
					reason = "missing token"
				case errors.Is(err, auth.ErrCSRFExpired):
					reason = "expired token"
				}
				s.rejectCSRF(w, r, reason)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return len(ct) >= 33 && ct[:33] == "application/x-www-form-urlencoded" ||
		len(ct) >= 19 && ct[:19] == "multipart/form-data"
}

func (s *Server) rejectCSRF(w http.ResponseWriter, r *http.Request, reason string) {
	s.metrics.CSRFRejections.Inc()
	// Aggregated per address and user: keyed by address alone, every
	// user behind one NAT would see the others' rejections counted on the
	// first one's event.
	ri := info(r.Context())
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventCSRFRejected, UserID: ri.userID,
		Detail: reason}, "ip:"+ri.ip+"|user:"+strconv.FormatInt(ri.userID, 10))
	s.fail(w, r, focusflow.Errorf(focusflow.EFORBIDDEN,
		"This request could not be verified (%s). Reload the page and try again.", reason))
}

// csrfBinding is what a CSRF token is tied to: the session when signed in,
// else the pre-session cookie.
func (s *Server) csrfBinding(r *http.Request) (string, bool) {
	if a := authFrom(r.Context()); a != nil {
		return "s:" + a.tokenHash, true
	}
	c, err := r.Cookie(s.preSessionCookie())
	if err != nil {
		return "", false
	}
	id, ok := auth.Unsign(s.cookieKey, c.Value)
	return "p:" + id, ok
}

// csrfToken issues a token for the page being rendered, setting the
// pre-session cookie first when a visitor has none.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	binding, ok := s.csrfBinding(r)
	if !ok {
		id := auth.NewToken()
		s.setCookie(w, s.preSessionCookie(), auth.Sign(s.cookieKey, id), 0)
		binding = "p:" + id
	}
	return s.csrf.Issue(binding, s.now())
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
