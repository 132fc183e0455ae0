package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
)

// Personal access tokens: Authorization: Bearer ffpat_… on /api/v1. A
// token is an explicit credential — no browser sends it by itself — so
// bearer requests need no CSRF token and get no CORS headers (scripts and
// servers use the API; other sites' pages must not).

// tokenStore is what bearer authentication and token management need.
type tokenStore interface {
	CreateAPIToken(ctx context.Context, n focusflow.NewAPIToken) (*focusflow.APIToken, error)
	APITokenByHash(ctx context.Context, hash string) (*focusflow.APIToken, *focusflow.User, error)
	TouchAPIToken(ctx context.Context, tokenID int64, ip string) (bool, error)
	APITokens(ctx context.Context, userID int64) ([]focusflow.APIToken, error)
	RevokeAPIToken(ctx context.Context, userID, tokenID int64) (*focusflow.APIToken, error)
}

// presentedToken returns the token a request carries: the Authorization
// header's bearer token, or a token= query parameter (which only the
// calendar feed accepts). ok is false when it carries none.
func presentedToken(r *http.Request) (token string, inQuery, ok bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(rest), false, true
		}
	}
	if q := r.URL.Query(); q.Has("token") || q.Has("access_token") {
		t := q.Get("token")
		if t == "" {
			t = q.Get("access_token")
		}
		return t, true, true
	}
	return "", false, false
}

// loadBearer authenticates a request that carries a token. It answers
// 401 (with WWW-Authenticate) for a malformed, unknown, revoked or expired
// token or a locked account, and 403 where tokens may not go.
func (s *Server) loadBearer(w http.ResponseWriter, r *http.Request, next http.Handler, raw string, inQuery bool) {
	route := info(r.Context()).match.route
	switch {
	case !isAPI(r):
		s.fail(w, r, focusflow.Errorf(focusflow.EFORBIDDEN, "API tokens work only on /api/v1; pages need a signed-in browser."))
		return
	case inQuery && route != calendarRoute:
		s.rejectToken(w, r, "in query string", 0,
			"An API token goes in the Authorization header (Bearer), never in the URL.")
		return
	case !auth.WellFormedPAT(raw):
		s.rejectToken(w, r, "malformed", 0, "The API token is not valid.")
		return
	}
	hash := auth.HashToken(s.tokenKey, raw)
	cacheable := revalidatedRoute(r)
	if cacheable {
		// The day view checks the token again in its own round trip.
		if t, u, ok := s.tokens.get(hash, s.now()); ok {
			s.serveAsToken(w, r, next, t, u, true)
			return
		}
	}
	t, u, err := s.store.APITokenByHash(r.Context(), hash)
	switch focusflow.ErrorCode(err) {
	case "":
	case focusflow.ENOTFOUND:
		s.rejectToken(w, r, "unknown", 0, "The API token is not valid.")
		return
	default:
		s.fail(w, r, err)
		return
	}
	now := s.now()
	switch {
	case subtle.ConstantTimeCompare([]byte(t.Hash), []byte(hash)) != 1:
		s.rejectToken(w, r, "unknown", 0, "The API token is not valid.")
		return
	case !t.RevokedAt.IsZero():
		s.rejectToken(w, r, "revoked", u.ID, "The API token was revoked.")
		return
	case t.Expired(now):
		s.rejectToken(w, r, "expired", u.ID, "The API token has expired.")
		return
	case !u.LockedAt.IsZero():
		s.rejectToken(w, r, "account locked", u.ID, "The API token is not valid.")
		return
	}
	if cacheable {
		s.tokens.put(hash, t, u, now)
	}
	s.serveAsToken(w, r, next, t, u, false)
}

// serveAsToken serves the request as the token's user.
func (s *Server) serveAsToken(w http.ResponseWriter, r *http.Request, next http.Handler, t *focusflow.APIToken,
	u *focusflow.User, cached bool) {
	s.touchToken(r, t, u)
	info(r.Context()).userID = u.ID
	ctx := context.WithValue(r.Context(), authKey, &authState{user: u, token: t, cached: cached})
	next.ServeHTTP(w, r.WithContext(ctx))
}

// rejectToken answers a failed token. The failure counts against the
// client's address in the sign-in budget, like a wrong password: past it
// the answer is 429.
func (s *Server) rejectToken(w http.ResponseWriter, r *http.Request, reason string, userID int64, msg string) {
	ip := info(r.Context()).ip
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventTokenRejected, UserID: userID, Detail: reason},
		"token-rejected:ip:"+ip+"|user:"+strconv.FormatInt(userID, 10)+"|"+reason)
	rate := s.cfg.RateLogin
	if !s.allow(w, r, "login", "login:"+ip, rate.Limit, rate.Window) {
		return
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="focusflow", error="invalid_token"`)
	s.fail(w, r, focusflow.Errorf(focusflow.EUNAUTHORIZED, "%s", msg))
}

// touchToken records the token's use at most once a minute per token and
// address; the first use from an address is a security event.
func (s *Server) touchToken(r *http.Request, t *focusflow.APIToken, u *focusflow.User) {
	now, ip := s.now(), info(r.Context()).ip
	if ip == t.LastUsedIP && now.Sub(t.LastUsedAt) < focusflow.TokenTouchEvery {
		return
	}
	key := "t" + strconv.FormatInt(t.ID, 10) + "|" + ip
	s.seenMu.Lock()
	last, ok := s.tokenSeen[key]
	if ok && now.Sub(last) < focusflow.TokenTouchEvery {
		s.seenMu.Unlock()
		return
	}
	s.tokenSeen[key] = now
	if len(s.tokenSeen) > 100_000 { // bounded: forget everything rather than grow
		clear(s.tokenSeen)
	}
	s.seenMu.Unlock()
	isNew, err := s.store.TouchAPIToken(r.Context(), t.ID, ip)
	if err != nil {
		s.logger.WarnContext(r.Context(), "touch token", "error", err)
		return
	}
	if isNew {
		s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventTokenNewAddress, UserID: u.ID, Login: u.Username,
			Detail: tokenLabel(t)}, "")
	}
}

// tokenLabel names a token in the audit trail: its id and name, never
// any part of the token.
func tokenLabel(t *focusflow.APIToken) string {
	return "token " + strconv.FormatInt(t.ID, 10) + " (" + focusflow.Shorten(t.Name, 60) + ")"
}

// checkScope refuses a token a route it has no scope for (403 naming the
// scope), or any route closed to tokens. Cookie sessions pass.
func (s *Server) checkScope(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := authFrom(r.Context())
		if a == nil || a.token == nil {
			next.ServeHTTP(w, r)
			return
		}
		need, ok := routeScopes[info(r.Context()).match.route]
		switch {
		case !ok:
			s.fail(w, r, focusflow.Errorf(focusflow.EFORBIDDEN, "API tokens cannot be used here; sign in with a browser."))
		case !a.mayRead(need):
			w.Header().Set("WWW-Authenticate", `Bearer realm="focusflow", error="insufficient_scope", scope="`+need+`"`)
			s.fail(w, r, &focusflow.Error{Code: focusflow.EFORBIDDEN, Field: "scope",
				Message: "This token lacks the scope " + need + "."})
		default:
			next.ServeHTTP(w, r)
		}
	})
}
