package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/live"
)

type profileData struct {
	Sessions       []sessionRow
	Events         []focusflow.SecurityEvent
	GoalMinutes    int
	TimerCapHours  int
	Themes         []string
	TimeFormats    []string
	SignupDisabled bool
	Stats          any // the statistics summary (nil when unavailable)
	Plan           *sessionPlanJSON
	Signals        signalsJSON
	Modes          []string
	Tokens         tokensData
}

type sessionRow struct {
	focusflow.Session
	Current bool
	Device  string
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request, a *authState) {
	s.renderProfile(w, r, a, http.StatusOK, page{Notice: notice(r)})
}

func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, a *authState, status int, p page) {
	s.renderProfileWith(w, r, a, status, p, "", "")
}

// renderProfileWith renders the profile, showing a token just created.
func (s *Server) renderProfileWith(w http.ResponseWriter, r *http.Request, a *authState, status int, p page, created, name string) {
	ctx := r.Context()
	sessions, err := s.store.Sessions(ctx, a.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	events, err := s.store.Events(ctx, a.user.ID, 20)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]sessionRow, len(sessions))
	for i, ss := range sessions {
		rows[i] = sessionRow{Session: ss, Current: ss.ID == a.session.ID, Device: deviceName(ss.UserAgent)}
	}
	tokens, err := s.tokensCard(r, a, created, name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stats, err := s.profileStats(ctx, a.user)
	if err != nil {
		s.logger.WarnContext(ctx, "profile statistics", "error", err)
	}
	p.Title = "Profile"
	p.Data = profileData{Sessions: rows, Events: events, GoalMinutes: int(a.user.DailyGoal / time.Minute),
		TimerCapHours: int(a.user.TimerCap / time.Hour), Themes: focusflow.Themes, TimeFormats: focusflow.TimeFormats, Stats: stats,
		Plan: toSessionPlanJSON(a.user.Session), Signals: toSignalsJSON(a.user.Signals), Modes: focusflow.Modes,
		Tokens: tokens}
	s.renderStatus(w, r, status, "profile", p)
}

// deviceName turns a User-Agent into something a person recognises.
func deviceName(ua string) string {
	browser := "Browser"
	for _, b := range []string{"Firefox", "Edg", "Chrome", "Safari", "curl"} {
		if strings.Contains(ua, b) {
			browser = map[string]string{"Edg": "Edge"}[b]
			if browser == "" {
				browser = b
			}
			break
		}
	}
	for _, o := range []string{"Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux"} {
		if strings.Contains(ua, o) {
			return browser + " on " + strings.Replace(o, "Mac OS", "macOS", 1)
		}
	}
	return browser
}

func (s *Server) updateSettings(w http.ResponseWriter, r *http.Request, a *authState) {
	var set focusflow.UserSettings
	fail := func(err error) {
		s.renderProfile(w, r, a, http.StatusBadRequest, page{Error: focusflow.ErrorMessage(err), Field: focusflow.ErrorField(err)})
	}
	if v := r.PostFormValue("timezone"); v != "" {
		if err := focusflow.ValidateTimezone(v); err != nil {
			fail(err)
			return
		}
		set.Timezone = &v
	}
	if v := r.PostFormValue("theme"); v != "" {
		if !slices.Contains(focusflow.Themes, v) {
			fail(focusflow.Invalid("theme", "Theme must be auto, light or dark."))
			return
		}
		set.Theme = &v
	}
	if v := r.PostFormValue("time_format"); v != "" {
		if err := focusflow.ValidateTimeFormat(v); err != nil {
			fail(err)
			return
		}
		set.TimeFormat = &v
	}
	if v := r.PostFormValue("daily_goal_minutes"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 5 || n > 1440 {
			fail(focusflow.Invalid("daily_goal_minutes", "Daily goal must be between 5 and 1440 minutes."))
			return
		}
		d := time.Duration(n) * time.Minute
		set.DailyGoal = &d
	}
	if v := r.PostFormValue("timer_cap_hours"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || time.Duration(n)*time.Hour < focusflow.MinTimerCap || time.Duration(n)*time.Hour > focusflow.MaxTimerCap {
			fail(focusflow.Invalid("timer_cap_hours", "Timer cap must be between 1 and 12 hours."))
			return
		}
		d := time.Duration(n) * time.Hour
		set.TimerCap = &d
	}
	if r.PostForm.Has("focus_mode_set") {
		on := r.PostFormValue("focus_mode") != ""
		set.FocusMode = &on
	}
	if r.PostForm.Has("carry_forward_set") {
		on := r.PostFormValue("carry_forward") != ""
		set.CarryForward = &on
	}
	if err := sessionSettings(r, &set); err != nil {
		fail(err)
		return
	}
	if err := s.saveSettings(r, a.user.ID, set); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/profile?notice=settings-saved", http.StatusSeeOther)
}

// saveSettings stores checked settings and tells the user's other pages.
func (s *Server) saveSettings(r *http.Request, userID int64, set focusflow.UserSettings) error {
	// Cached users would keep the old settings until they expire.
	s.sessions.dropUser(userID)
	s.tokens.dropUser(userID)
	if err := s.store.UpdateSettings(r.Context(), userID, set); err != nil {
		return err
	}
	s.publish(userID, live.KindSettings, live.AreaSettings, map[string]any{})
	return nil
}

// checkCurrentPassword verifies the signed-in user's password for a
// sensitive action, and returns how long to wait when the session may not
// try again yet. Wrong answers are counted per session, apart from the
// name's lockout: the session already says whose browser this is, so
// failures from elsewhere must not stop the owner here, and a wrong answer
// here must not lock the owner's name; a thief holding the session cookie
// still gets only a few tries.
func (s *Server) checkCurrentPassword(r *http.Request, a *authState, field, password string) (time.Duration, error) {
	ctx := r.Context()
	count := reentryCount(a)
	failures, retry, err := s.lockState(ctx, count)
	if err != nil {
		return 0, err
	}
	if retry > 0 {
		return retry, focusflow.Errorf(focusflow.ERATELIMIT,
			"Too many wrong passwords. For your safety, try again in %s.", humanDuration(retry))
	}
	hash, err := s.store.PasswordHash(ctx, a.user.ID)
	if err != nil {
		return 0, err
	}
	ok, _, err := s.hasher.Verify(ctx, hash, password)
	if focusflow.ErrorCode(err) == focusflow.EUNAVAILABLE {
		return 0, err
	}
	if !ok {
		e := focusflow.SecurityEvent{UserID: a.user.ID, Login: a.user.Username}
		if err := s.countFailure(r, count, failures, e); err != nil {
			return 0, err
		}
		return 0, focusflow.Invalid(field, "Your current password is not correct.")
	}
	return 0, s.clearFailures(ctx, count, failures)
}

// profileFailed answers a sensitive action that failed: a wrong or locked
// password and invalid input are shown on the form (with Retry-After
// while locked); anything else is an error page.
func (s *Server) profileFailed(w http.ResponseWriter, r *http.Request, a *authState, field string, retry time.Duration, err error) {
	code := focusflow.ErrorCode(err)
	if code != focusflow.EINVALID && code != focusflow.ERATELIMIT {
		s.fail(w, r, err)
		return
	}
	if retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(ceilSeconds(retry)))
	}
	if f := focusflow.ErrorField(err); f != "" {
		field = f
	}
	s.renderProfile(w, r, a, statusOf[code], page{Error: focusflow.ErrorMessage(err), Field: field})
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, a *authState) {
	fail := func(err error) { s.profileFailed(w, r, a, "", 0, err) }
	current, next, confirm := r.PostFormValue("current_password"), r.PostFormValue("new_password"), r.PostFormValue("confirm_password")
	if retry, err := s.checkCurrentPassword(r, a, "current_password", current); err != nil {
		s.profileFailed(w, r, a, "current_password", retry, err)
		return
	}
	if next != confirm {
		fail(focusflow.Invalid("confirm_password", "The new password and its confirmation do not match."))
		return
	}
	if err := auth.CheckPassword(next, a.user.Username, a.user.Email); err != nil {
		fail(focusflow.Invalid("new_password", "%s", focusflow.ErrorMessage(err)))
		return
	}
	hash, err := s.hasher.Hash(r.Context(), next)
	if err != nil {
		fail(err)
		return
	}
	if err := s.store.SetPasswordHash(r.Context(), a.user.ID, hash); err != nil {
		fail(err)
		return
	}
	// A new token for this browser, and every other session ends.
	sess, err := s.startSession(w, r, a.user, a.session.Remember)
	if err != nil {
		fail(err)
		return
	}
	s.sessions.dropUser(a.user.ID)
	if _, err := s.store.DeleteUserSessions(r.Context(), a.user.ID, sess.ID); err != nil {
		fail(err)
		return
	}
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventPasswordChange, UserID: a.user.ID, Login: a.user.Username}, "")
	s.signedOut(a.user.ID, nil, true, sess.ID)
	http.Redirect(w, r, "/profile?notice=password-changed", http.StatusSeeOther)
}

func (s *Server) revokeOtherSessions(w http.ResponseWriter, r *http.Request, a *authState) {
	s.sessions.dropUser(a.user.ID)
	n, err := s.store.DeleteUserSessions(r.Context(), a.user.ID, a.session.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventSessionsRevoked, UserID: a.user.ID,
		Detail: strconv.FormatInt(n, 10) + " sessions"}, "")
	s.signedOut(a.user.ID, nil, true, a.session.ID)
	http.Redirect(w, r, "/profile?notice=sessions-revoked", http.StatusSeeOther)
}

func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request, a *authState) {
	if retry, err := s.checkCurrentPassword(r, a, "delete_password", r.PostFormValue("password")); err != nil {
		s.profileFailed(w, r, a, "delete_password", retry, err)
		return
	}
	// Recorded first so that the deletion reduces it to an opaque id too.
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventAccountDeleted, UserID: a.user.ID}, "")
	s.sessions.dropUser(a.user.ID)
	s.tokens.dropUser(a.user.ID)
	if err := s.store.DeleteUser(r.Context(), a.user.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.signedOut(a.user.ID, nil, true, 0)
	// The failure counts are keyed by name, not by user: without this the
	// name outlives the account, and whoever takes it next inherits them.
	for _, login := range []string{a.user.Username, a.user.Email} {
		if err := s.store.ClearLoginFailures(r.Context(), auth.NormalizeLogin(login)); err != nil {
			s.logger.WarnContext(r.Context(), "clear login failures of a deleted account", "error", err)
		}
	}
	s.setCookie(w, s.sessionCookie(), "", -1)
	s.setCookie(w, s.deviceCookie(), "", -1)
	http.Redirect(w, r, "/?notice=account-deleted", http.StatusSeeOther)
}

// eventNames are the security events in words, as the profile lists them.
var eventNames = map[string]string{
	focusflow.EventSignup:          "Account created",
	focusflow.EventLoginSuccess:    "Signed in",
	focusflow.EventLoginFailure:    "Wrong password",
	focusflow.EventLockout:         "Sign-in paused after wrong passwords",
	focusflow.EventSpraying:        "Many failed sign-ins",
	focusflow.EventLogout:          "Signed out",
	focusflow.EventPasswordChange:  "Password changed",
	focusflow.EventSessionsRevoked: "Other sessions signed out",
	focusflow.EventAccountDeleted:  "Account deleted",
	focusflow.EventAccountLocked:   "Account locked by an administrator",
	focusflow.EventAccountUnlocked: "Account unlocked by an administrator",
	focusflow.EventCSRFRejected:    "Form refused (expired or from another site)",
	focusflow.EventRateLimited:     "Too many requests",
	focusflow.EventTimerAnomaly:    "Timer corrected",
	eventDataExport:                "Data exported",
	eventDataImport:                "Data imported",
}

// eventName is a security event kind in words; an unknown kind is shown
// as it is stored, with spaces.
func eventName(kind string) string {
	if n, ok := eventNames[kind]; ok {
		return n
	}
	return strings.ReplaceAll(kind, "_", " ")
}
