package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
)

// Route labels for requests no registered pattern takes.
const (
	routeUnmatched = "unmatched" // no route has this path
	routeRedirect  = "redirect"  // the mux redirects to a cleaned path
)

// routeMethods are the methods routes are registered with, in the order
// an Allow header lists them.
var routeMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete}

// match is what the mux would do with a request, found before any other
// middleware runs so that every answer — a rate limit, a CSRF refusal, a
// deadline — is logged and counted under the route it was meant for.
type match struct {
	route string   // the registered pattern, or a label above
	found bool     // a registered pattern takes the request
	allow []string // methods the path has when found is false
}

// router is a mux that knows its patterns, so that a request's route can
// be found before it is served.
type router struct {
	mux        *http.ServeMux
	registered map[string]bool
	patterns   []string // in order of registration
}

func newRouter() *router {
	return &router{mux: http.NewServeMux(), registered: map[string]bool{}}
}

func (rt *router) handle(pattern string, h http.Handler) {
	rt.patterns = append(rt.patterns, pattern)
	rt.registered[pattern] = true
	rt.mux.Handle(pattern, h)
}

// match asks the mux which pattern takes r. For a path that exists only
// for other methods it finds those methods (and labels the request with
// the path of the first), so that the answer can be a 405 with Allow
// before any session or CSRF work.
func (rt *router) match(r *http.Request) match {
	_, pattern := rt.mux.Handler(r)
	if rt.registered[pattern] {
		return match{route: pattern, found: true}
	}
	if pattern != "" {
		// Only redirects come back with a pattern nobody registered; their
		// "pattern" is the request's own cleaned path, not a label.
		return match{route: routeRedirect, found: true}
	}
	m := match{route: routeUnmatched}
	probe := *r
	for _, method := range routeMethods {
		probe.Method = method
		if _, p := rt.mux.Handler(&probe); rt.registered[p] {
			if m.allow == nil {
				_, path, _ := strings.Cut(p, " ")
				m.route = path
			}
			m.allow = append(m.allow, method)
		}
	}
	return m
}

// refuseUnrouted answers requests no route takes: 405 with Allow when the
// path exists for other methods (unusual methods such as TRACE or PROPFIND
// included), else 404 — before CSRF checks, so neither counts as a CSRF
// failure.
func (s *Server) refuseUnrouted(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := info(r.Context()).match
		switch {
		case m.found:
			next.ServeHTTP(w, r)
		case m.allow != nil:
			w.Header().Set("Allow", strings.Join(m.allow, ", "))
			s.fail(w, r, focusflow.Errorf(focusflow.EMETHOD, "Method %s is not allowed here.",
				focusflow.Shorten(r.Method, 20)))
		default:
			s.notFound(w, r)
		}
	})
}

// metricMethod keeps the method label's values to a known few: any other
// token a client sends would otherwise make a new series.
func metricMethod(m string) string {
	for _, known := range routeMethods {
		if m == known {
			return m
		}
	}
	if m == http.MethodOptions {
		return m
	}
	return "OTHER"
}

// Budgets for routes whose work is not one short exchange with the
// database.
const (
	// importBudget covers reading, checking and writing a whole export
	// document, which may hold years of data.
	importBudget = 2 * time.Minute
)

// budget gives each request its deadline for database work
// (DB_QUERY_TIMEOUT): every call made for it ends by then and the request
// is answered 503 with Retry-After. An event stream lives for hours and is
// left without one; each of its own checks carries a deadline instead.
func (s *Server) budget(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := s.cfg.DBQueryTimeout
		switch info(r.Context()).match.route {
		case eventsRoute:
			d = 0
		case "POST " + importPath, "POST " + profileImportPath:
			d = importBudget
			// The server's read and write timeouts suit every other
			// request; an upload of a large document and its checks may
			// take the whole budget, and its answer must still be sent.
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Now().Add(d))
			_ = rc.SetWriteDeadline(time.Now().Add(d + 10*time.Second))
		}
		if d <= 0 {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
