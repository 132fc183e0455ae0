package web

import (
	"context"
	"net/http"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/api"
	"github.com/focusflow/focusflow/internal/live"
)

const (
	importPath      = "/api/v1/import"
	importBodyLimit = 50 << 20
)

// routes registers every route. handle records the matched pattern for the
// access log and metrics.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) {
		s.patterns = append(s.patterns, pattern)
		mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			info(r.Context()).pattern = pattern
			h(w, r)
		}))
	}

	handle("GET /ping", s.ping)
	handle("GET /health", s.healthz)
	handle("GET /static/", s.serveStatic)
	handle("GET /favicon.ico", s.favicon)
	handle("GET /robots.txt", s.robots)

	handle("GET /{$}", s.home)
	handle("GET /signup", s.signupPage)
	handle("POST /signup", s.signup)
	handle("GET /login", s.loginPage)
	handle("POST /login", s.login)
	handle("POST /logout", s.logout)
	handle("GET /profile", s.requireUser(s.profilePage))
	handle("POST /profile/settings", s.requireUser(s.updateSettings))
	handle("POST /profile/password", s.requireUser(s.changePassword))
	handle("POST /profile/sessions/revoke", s.requireUser(s.revokeOtherSessions))
	handle("POST /profile/delete", s.requireUser(s.deleteAccount))
	handle("GET /dashboard", s.requireUser(s.dashboardPage))

	handle("GET /api/v1/me", s.requireUser(s.apiMe))
	handle("GET /api/v1/csrf", s.apiCSRF)
	handle("GET /api/v1/openapi.json", s.openAPI)

	handle("GET /api/v1/days/{date}", s.requireUser(s.apiDay))
	handle("PUT /api/v1/days/{date}/note", s.requireUser(s.apiPutDayNote))
	handle("POST /api/v1/tasks", s.requireUser(s.apiCreateTask))
	handle("PATCH /api/v1/tasks/{id}", s.requireUser(s.apiUpdateTask))
	handle("DELETE /api/v1/tasks/{id}", s.requireUser(s.apiDelete(live.AreaTasks, "tasks",
		func(ctx context.Context, u *focusflow.User, id int64) error { return s.store.DeleteTask(ctx, u, id) })))
	handle("GET /api/v1/tasks/{id}/entries", s.requireUser(s.apiEntries))
	handle("POST /api/v1/tasks/{id}/entries", s.requireUser(s.apiAddEntry))
	handle("PATCH /api/v1/entries/{id}", s.requireUser(s.apiUpdateEntry))
	handle("DELETE /api/v1/entries/{id}", s.requireUser(s.apiDelete(live.AreaTasks, "entries",
		func(ctx context.Context, u *focusflow.User, id int64) error { return s.store.DeleteEntry(ctx, u, id) })))
	handle("GET /api/v1/timer", s.requireUser(s.apiTimer))
	handle("POST /api/v1/timer/start", s.requireUser(s.apiTimerAction(focusflow.ActionStart)))
	handle("POST /api/v1/timer/pause", s.requireUser(s.apiTimerAction(focusflow.ActionPause)))
	handle("POST /api/v1/timer/resume", s.requireUser(s.apiTimerAction(focusflow.ActionResume)))
	handle("POST /api/v1/timer/stop", s.requireUser(s.apiTimerAction(focusflow.ActionStop)))
	handle("POST /api/v1/timer/complete", s.requireUser(s.apiTimerAction(focusflow.ActionComplete)))
	handle("POST /api/v1/timer/skip", s.requireUser(s.apiTimerAction(focusflow.ActionSkip)))
	handle("POST /api/v1/timer/extend", s.requireUser(s.apiTimerAction(focusflow.ActionExtend)))
	handle("GET /api/v1/events", s.requireUser(s.apiEvents))
	handle("GET /api/v1/notes", s.requireUser(s.apiNotes))
	handle("POST /api/v1/notes", s.requireUser(s.apiCreateNote))
	handle("PATCH /api/v1/notes/{id}", s.requireUser(s.apiUpdateNote))
	handle("DELETE /api/v1/notes/{id}", s.requireUser(s.apiDelete(live.AreaNotes, "notes",
		func(ctx context.Context, u *focusflow.User, id int64) error { return s.store.DeleteNote(ctx, u.ID, id) })))
	s.exportRoutes(handle)
	s.insightRoutes(handle)

	return s.unmatched(mux)
}

// openAPI serves the API description kept in api/openapi.json.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(api.OpenAPI)
}

// unmatched answers requests no route takes in our own error shape: 405
// (keeping the mux's Allow header) when the path exists for other methods,
// else 404 — JSON under /api/, an HTML page elsewhere.
func (s *Server) unmatched(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		probe := &probeWriter{header: http.Header{}}
		mux.ServeHTTP(probe, r)
		if probe.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", probe.header.Get("Allow"))
			s.fail(w, r, focusflow.Errorf(focusflow.EMETHOD, "Method %s is not allowed here.", r.Method))
			return
		}
		s.notFound(w, r)
	})
}

// probeWriter captures the status and headers of the mux's own 404/405
// answer without sending them.
type probeWriter struct {
	header http.Header
	status int
}

func (p *probeWriter) Header() http.Header         { return p.header }
func (p *probeWriter) Write(b []byte) (int, error) { return len(b), nil }
func (p *probeWriter) WriteHeader(code int)        { p.status = code }
