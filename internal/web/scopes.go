package web

import "github.com/focusflow/focusflow"

// anyScope marks a route any valid token may use.
const anyScope = "*"

// calendarRoute is the one route that takes a token in its query string:
// calendar applications can only be given a URL.
const calendarRoute = "GET /api/v1/calendar.ics"

// routeScopes is the scope an API token needs for each route it may use.
// A route missing here is closed to tokens (403): HTML pages, account
// security (password, tokens, sessions, account deletion) and the CSRF
// token endpoint, which only cookie sessions need. A test checks that
// every /api/v1 route is either here or in tokenClosedRoutes.
var routeScopes = map[string]string{
	"GET /api/v1/me":           anyScope,
	"GET /api/v1/openapi.json": anyScope,

	"GET /api/v1/days/{date}":          focusflow.ScopeTasksRead, // its notes parts need notes:read too
	"GET /api/v1/days/{date}/activity": focusflow.ScopeTasksRead,
	"GET /api/v1/tasks/{id}/entries":   focusflow.ScopeTasksRead,
	"GET /api/v1/timer":                focusflow.ScopeTasksRead,
	eventsRoute:                        focusflow.ScopeTasksRead, // events of unreadable areas are left out

	"GET /api/v1/series":                    focusflow.ScopeTasksRead,
	"GET /api/v1/series/{id}":               focusflow.ScopeTasksRead,
	"GET /api/v1/carry-forward":             focusflow.ScopeTasksRead,
	"POST /api/v1/series":                   focusflow.ScopeTasksWrite,
	"DELETE /api/v1/series/{id}":            focusflow.ScopeTasksWrite,
	"POST /api/v1/carry-forward":            focusflow.ScopeTasksWrite,
	"POST /api/v1/tasks/{id}/move-to-today": focusflow.ScopeTasksWrite,
	"POST /api/v1/tasks":                    focusflow.ScopeTasksWrite,
	"PATCH /api/v1/tasks/{id}":              focusflow.ScopeTasksWrite,
	"DELETE /api/v1/tasks/{id}":             focusflow.ScopeTasksWrite,
	"POST /api/v1/tasks/{id}/entries":       focusflow.ScopeTasksWrite,
	"PATCH /api/v1/entries/{id}":            focusflow.ScopeTasksWrite,
	"DELETE /api/v1/entries/{id}":           focusflow.ScopeTasksWrite,

	"GET /api/v1/tags":                        focusflow.ScopeTasksRead,
	"POST /api/v1/tags":                       focusflow.ScopeTasksWrite,
	"PATCH /api/v1/tags/{id}":                 focusflow.ScopeTasksWrite,
	"DELETE /api/v1/tags/{id}":                focusflow.ScopeTasksWrite,
	"POST /api/v1/tags/{id}/merge":            focusflow.ScopeTasksWrite,
	"PUT /api/v1/tasks/{id}/tags":             focusflow.ScopeTasksWrite,
	"PUT /api/v1/tasks/{id}/tags/{tag_id}":    focusflow.ScopeTasksWrite,
	"DELETE /api/v1/tasks/{id}/tags/{tag_id}": focusflow.ScopeTasksWrite,
	"PUT /api/v1/days/{date}/order":           focusflow.ScopeTasksWrite,

	"POST /api/v1/timer/start":    focusflow.ScopeTimerWrite,
	"POST /api/v1/timer/pause":    focusflow.ScopeTimerWrite,
	"POST /api/v1/timer/resume":   focusflow.ScopeTimerWrite,
	"POST /api/v1/timer/stop":     focusflow.ScopeTimerWrite,
	"POST /api/v1/timer/complete": focusflow.ScopeTimerWrite,
	"POST /api/v1/timer/skip":     focusflow.ScopeTimerWrite,
	"POST /api/v1/timer/extend":   focusflow.ScopeTimerWrite,

	"GET /api/v1/search":           focusflow.ScopeTasksRead, // notes are found with notes:read too
	"GET /api/v1/notes":            focusflow.ScopeNotesRead,
	"PUT /api/v1/days/{date}/note": focusflow.ScopeNotesWrite,
	"POST /api/v1/notes":           focusflow.ScopeNotesWrite,
	"PATCH /api/v1/notes/{id}":     focusflow.ScopeNotesWrite,
	"DELETE /api/v1/notes/{id}":    focusflow.ScopeNotesWrite,

	"GET /api/v1/stats":        focusflow.ScopeStatsRead,
	"GET /api/v1/achievements": focusflow.ScopeStatsRead,

	"GET /api/v1/export":     focusflow.ScopeExportRead,
	"GET /api/v1/export.csv": focusflow.ScopeExportRead,
	"POST " + importPath:     focusflow.ScopeImportWrite,

	calendarRoute: focusflow.ScopeCalendarRead,
}

// tokenClosedRoutes are the /api/v1 routes closed to tokens on purpose.
var tokenClosedRoutes = map[string]string{
	"GET /api/v1/csrf": "only cookie sessions need CSRF tokens",
	// No scope covers the account's settings; they change in a signed-in
	// browser, as on the profile page.
	"PATCH /api/v1/me": "account settings change in a signed-in browser only",
}

// areaScopes is the scope a token needs to see a live event of each area.
var areaScopes = map[string]string{
	"timer":    focusflow.ScopeTasksRead,
	"tasks":    focusflow.ScopeTasksRead,
	"notes":    focusflow.ScopeNotesRead,
	"settings": anyScope,
}

// mayRead says whether a (nil for a cookie session) may see data of scope.
func (a *authState) mayRead(scope string) bool {
	return a.token == nil || scope == anyScope || a.token.Allows(scope)
}
