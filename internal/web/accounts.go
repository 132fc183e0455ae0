package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
)

// notices are the fixed messages a redirect can ask a page to show; no user
// text is ever reflected through the URL.
var notices = map[string]string{
	"signed-out":       "You have been signed out.",
	"password-changed": "Your password has been changed. Other sessions were signed out; your API tokens were kept (revoke any that may be exposed).",
	"token-revoked":    "The token has been revoked.",
	"sessions-revoked": "Other sessions have been signed out.",
	"settings-saved":   "Settings saved.",
	"account-deleted":  "Your account and all its data have been deleted.",
	"signed-up":        "Welcome to FocusFlow!",
}

func notice(r *http.Request) string { return notices[r.URL.Query().Get("notice")] }

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if authFrom(r.Context()) != nil {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return
	}
	s.render(w, r, "landing", page{Title: "FocusFlow", Notice: notice(r), Data: map[string]bool{"SignupEnabled": s.cfg.SignupEnabled}})
}

func (s *Server) signupPage(w http.ResponseWriter, r *http.Request) {
	if authFrom(r.Context()) != nil {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return
	}
	s.render(w, r, "signup", page{Title: "Sign up", Data: signupData{Enabled: s.cfg.SignupEnabled}})
}

type signupData struct{ Enabled bool }

func (s *Server) signup(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.SignupEnabled {
		s.renderStatus(w, r, http.StatusForbidden, "signup", page{Title: "Sign up", Data: signupData{},
			Error: "Public signup is closed on this server. Ask its administrator for an account."})
		return
	}
	rate := s.cfg.RateSignup
	if !s.allow(w, r, "signup", "signup:"+info(r.Context()).ip, rate.Limit, rate.Window) {
		return
	}
	form := map[string]string{
		"username": strings.TrimSpace(r.PostFormValue("username")),
		"email":    strings.TrimSpace(r.PostFormValue("email")),
		"timezone": strings.TrimSpace(r.PostFormValue("timezone")),
	}
	password := r.PostFormValue("password")
	formErr := func(status int, err error) {
		s.renderStatus(w, r, status, "signup", page{Title: "Sign up", Data: signupData{Enabled: true}, Form: form,
			Error: focusflow.ErrorMessage(err), Field: focusflow.ErrorField(err)})
	}
	u, err := validateSignup(form["username"], form["email"], form["timezone"], password)
	if err != nil {
		formErr(http.StatusBadRequest, err)
		return
	}
	hash, err := s.hasher.Hash(r.Context(), password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.CreateUser(r.Context(), u, hash); err != nil {
		if focusflow.ErrorCode(err) == focusflow.ECONFLICT {
			formErr(http.StatusConflict, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventSignup, UserID: u.ID, Login: u.Username}, "")
	if _, err := s.startSession(w, r, u, false); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/dashboard?notice=signed-up", http.StatusSeeOther)
}

// validateSignup checks a new account's fields and returns the user to
// create; `focusflow user create` applies the same rules.
func validateSignup(username, email, timezone, password string) (*focusflow.User, error) {
	if timezone == "" {
		timezone = "UTC"
	}
	for _, err := range []error{focusflow.ValidateUsername(username), focusflow.ValidateEmail(email),
		focusflow.ValidateTimezone(timezone), auth.CheckPassword(password, username, email)} {
		if err != nil {
			return nil, err
		}
	}
	return &focusflow.User{Username: username, Email: email, Timezone: timezone}, nil
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if authFrom(r.Context()) != nil {
		http.Redirect(w, r, localTarget(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, "login", page{Title: "Sign in", Notice: notice(r),
		Form: map[string]string{"next": localTarget(r.URL.Query().Get("next"))}})
}

// localTarget returns next when it is a path on this site, else
// /dashboard: "/x" yes; "//host", "/\host", "https://…" and anything with
// control characters no.
func localTarget(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsRune(next, '\\') || strings.IndexFunc(next, unicode.IsControl) >= 0 || len(next) > 2000 {
		return "/dashboard"
	}
	return next
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	rate := s.cfg.RateLogin
	if !s.allow(w, r, "login", "login:"+info(r.Context()).ip, rate.Limit, rate.Window) {
		return
	}
	name := strings.TrimSpace(r.PostFormValue("username"))
	next := localTarget(r.PostFormValue("next"))
	user, retry, err := s.signIn(r, name, r.PostFormValue("password"))
	if err != nil {
		status := statusOf[focusflow.ErrorCode(err)]
		if status == 0 || status == http.StatusInternalServerError || status == http.StatusServiceUnavailable {
			s.fail(w, r, err)
			return
		}
		if retry > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(ceilSeconds(retry)))
		}
		s.renderStatus(w, r, status, "login", page{Title: "Sign in", Error: focusflow.ErrorMessage(err),
			Form: map[string]string{"username": name, "next": next}})
		return
	}
	if _, err := s.startSession(w, r, user, r.PostFormValue("remember") != ""); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// errBadCredentials is the one answer to a wrong username or password.
var errBadCredentials = focusflow.Errorf(focusflow.EUNAUTHORIZED, "Incorrect username or password.")

// signIn checks a login name and password. It is the one place sign-in
// happens, so a second factor can be added as a step after it. An unknown
// name costs the same hash as a wrong password and counts toward the same
// lockout, so neither timing nor a 429 tells whether an account exists.
// Nothing here sleeps: a locked name is refused at once with a retry time.
//
// A browser that has signed in to the account before is judged by its own
// count instead of the name's (see signInCount). Its success clears only
// its own count: clearing the name's would hand whoever is guessing from
// elsewhere a fresh set of tries each time the owner signs in.
func (s *Server) signIn(r *http.Request, name, password string) (*focusflow.User, time.Duration, error) {
	ctx := r.Context()
	key := auth.NormalizeLogin(name)
	if key == "" || password == "" {
		return nil, 0, focusflow.Invalid("username", "Enter your username (or email) and password.")
	}
	// No account has a name with control characters, and PostgreSQL
	// cannot even compare text holding NUL: refuse such names before the
	// database sees them.
	if len(key) > 254 || len(password) > 1024 || strings.ContainsFunc(key, unicode.IsControl) {
		return nil, 0, errBadCredentials
	}
	user, hash, err := s.store.UserByLogin(ctx, name)
	if err != nil && focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
		return nil, 0, err
	}
	count := s.signInCount(r, key, user)
	failures, retry, err := s.lockState(ctx, count)
	if err != nil {
		return nil, 0, err
	}
	if retry > 0 {
		s.metrics.Lockouts.Inc()
		return nil, retry, focusflow.Errorf(focusflow.ERATELIMIT,
			"Too many failed sign-in attempts. Try again in %s.", humanDuration(retry))
	}
	ok, rehash := false, false
	if user != nil {
		ok, rehash, err = s.hasher.Verify(ctx, hash, password)
		if err != nil && focusflow.ErrorCode(err) == focusflow.EUNAVAILABLE {
			return nil, 0, err
		} else if err != nil {
			s.logger.ErrorContext(ctx, "stored password hash unreadable", "user_id", user.ID, "error", err)
		}
	} else if err := s.hasher.DummyVerify(ctx, password); err != nil {
		return nil, 0, err
	}
	if !ok || !user.LockedAt.IsZero() {
		return nil, 0, s.loginFailed(r, count, failures, key, user)
	}
	if err := s.clearFailures(ctx, count, failures); err != nil {
		return nil, 0, err
	}
	if rehash {
		s.upgradeHash(ctx, user.ID, password)
	}
	if err := s.store.RecordLogin(ctx, user.ID); err != nil {
		return nil, 0, err
	}
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventLoginSuccess, UserID: user.ID, Login: user.Username}, "")
	return user, 0, nil
}

// loginFailed counts a failed sign-in for the normalised name under
// count, which had failures before it.
func (s *Server) loginFailed(r *http.Request, count failureCount, failures int, key string, user *focusflow.User) error {
	// A name that matches no account is often a password typed into the
	// wrong field: it is recorded only as a keyed digest, which still lets
	// an operator see one name being sprayed without learning it.
	e := focusflow.SecurityEvent{Login: "unknown:" + auth.HashToken(s.loginNameKey, key)[:16]}
	if user != nil {
		e.UserID, e.Login = user.ID, user.Username
	}
	if err := s.countFailure(r, count, failures, e); err != nil {
		return err
	}
	s.watchSpraying(r, key)
	return errBadCredentials
}

// upgradeHash replaces a legacy or weaker hash after a successful sign-in;
// failing to do so must not fail the sign-in.
func (s *Server) upgradeHash(ctx context.Context, userID int64, password string) {
	hash, err := s.hasher.Hash(ctx, password)
	if err == nil {
		err = s.store.SetPasswordHash(ctx, userID, hash)
	}
	if err != nil {
		s.logger.WarnContext(ctx, "password hash upgrade", "user_id", userID, "error", err)
	}
}

func humanDuration(d time.Duration) string {
	if d < time.Minute {
		return strconv.Itoa(max(ceilSeconds(d), 1)) + " seconds"
	}
	m := int((d + time.Minute - 1) / time.Minute)
	if m == 1 {
		return "1 minute"
	}
	return strconv.Itoa(m) + " minutes"
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if a := authFrom(r.Context()); a != nil {
		s.sessions.drop(a.tokenHash)
		if err := s.store.DeleteSession(r.Context(), a.tokenHash); err != nil {
			s.fail(w, r, err)
			return
		}
		s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventLogout, UserID: a.user.ID, Login: a.user.Username}, "")
		s.signedOut(a.user.ID, []int64{a.session.ID}, false, 0)
	}
	s.setCookie(w, s.sessionCookie(), "", -1)
	http.Redirect(w, r, "/login?notice=signed-out", http.StatusSeeOther)
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, a *authState) {
	s.writeJSON(w, r, http.StatusOK, meJSON(a.user))
}

// meJSON is what /api/v1/me says of the user.
func meJSON(u *focusflow.User) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Username, "email": u.Email, "timezone": u.Timezone,
		"time_format": u.TimeFormat, "carry_forward_auto": u.CarryForward, "created_at": apiTime(u.CreatedAt),
		"session": toSessionPlanJSON(u.Session), "signals": toSignalsJSON(u.Signals)}
}

// apiCSRF hands the page's scripts a fresh token, so a page left open all
// day keeps working past WTF_CSRF_TIME_LIMIT.
func (s *Server) apiCSRF(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, r, http.StatusOK, map[string]string{"csrf_token": s.csrfToken(w, r)})
}

// apiTime formats an instant as the API promises: RFC 3339, UTC, ms.
func apiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }
