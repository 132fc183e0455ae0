package web

import (
	"context"
	"net/http"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/api"
	"github.com/focusflow/focusflow/internal/live"
)

const (
	importPath = "/api/v1/import"
)

const eventsRoute = "GET /api/v1/events"

// routes registers every route. The middleware finds each request's
// route before anything else (routing.go).
func (s *Server) routes() *router {
	rt := newRouter()
	handle := func(pattern string, h http.HandlerFunc) { rt.handle(pattern, h) }

	handle("GET /ping", s.ping)
	handle("GET /health", s.healthz)
	handle("GET /static/", s.serveStatic)
	handle("GET /favicon.ico", s.favicon)
	handle("GET /robots.txt", s.robots)
	handle("GET "+manifestPath, s.serveManifest)
	handle("GET "+workerPath, s.serveWorker)

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
	handle("POST /profile/tokens", s.requireUser(s.createToken))
	handle("POST /profile/tokens/{id}/revoke", s.requireUser(s.revokeToken))
	handle("GET /dashboard", s.requireUser(s.dashboardPage))
	handle("GET /search", s.requireUser(s.searchPage))

	handle("GET /api/v1/me", s.requireUser(s.apiMe))
	handle("PATCH /api/v1/me", s.requireUser(s.apiUpdateMe))
	handle("GET /api/v1/csrf", s.apiCSRF)
	handle("GET /api/v1/openapi.json", s.openAPI)

	handle("GET /api/v1/days/{date}", s.requireUser(s.apiDay))
	handle("GET /api/v1/days/{date}/activity", s.requireUser(s.apiDayActivity))
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
	handle(eventsRoute, s.requireUser(s.apiEvents))
	handle("GET /api/v1/notes", s.requireUser(s.apiNotes))
	handle("POST /api/v1/notes", s.requireUser(s.apiCreateNote))
	handle("PATCH /api/v1/notes/{id}", s.requireUser(s.apiUpdateNote))
	handle("DELETE /api/v1/notes/{id}", s.requireUser(s.apiDelete(live.AreaNotes, "notes",
		func(ctx context.Context, u *focusflow.User, id int64) error { return s.store.DeleteNote(ctx, u.ID, id) })))
	handle("GET /api/v1/search", s.requireUser(s.apiSearch))
	handle(calendarRoute, s.requireUser(s.apiCalendar))
	s.tagRoutes(handle)
	s.seriesRoutes(handle)
	s.carryRoutes(handle)
	s.exportRoutes(handle)
	s.insightRoutes(handle)
	return rt
}

// openAPI serves the API description kept in api/openapi.json.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(api.OpenAPI)
}
