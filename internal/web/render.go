package web

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/ui"
)

// page is what every template receives.
type page struct {
	Title   string
	User    *focusflow.User
	CSRF    string
	Theme   string
	Notice  string
	Error   string
	Field   string            // the form field the error is about
	Form    map[string]string // values to refill a form with (never passwords)
	Data    any
	Version string
}

func (s *Server) parseTemplates() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset":     s.assets.url,
		"date":      func(t time.Time) string { return t.Format("2 Jan 2006") },
		"datetime":  userClock,
		"rfc3339":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"eventName": eventName,
	}
	base, err := template.New("base.html").Funcs(funcs).ParseFS(ui.Templates, "templates/base.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(ui.Templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		if path.Base(n) == "base.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(ui.Templates, n)
		if err != nil {
			return nil, err
		}
		pages[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return pages, nil
}

// render writes a page with status 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, p page) {
	s.renderStatus(w, r, http.StatusOK, name, p)
}

// renderStatus writes a page, filling in what every page needs. It renders
// into a buffer first so that a template error becomes a clean 500.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	p, ok := data.(page)
	if !ok {
		p = page{Data: data}
		if ep, isErr := data.(errorPage); isErr {
			p.Title = ep.Title
		}
	}
	if a := authFrom(r.Context()); a != nil {
		p.User = a.user
	}
	p.Theme = "auto"
	if p.User != nil {
		p.Theme = p.User.Theme
	}
	if p.CSRF == "" {
		p.CSRF = s.csrfToken(w, r)
	}
	p.Version = s.version
	t, ok := s.pages[name]
	if !ok {
		t = s.pages["error"]
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base.html", p); err != nil {
		s.logger.ErrorContext(r.Context(), "render", "template", name, "error", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("Internal error. Request id: " + requestID(r.Context()) + "\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// userClock renders an instant for the user: in their time zone, with 12
// or 24 hours as they chose ("auto" renders 24 hours here and the page's
// script rewrites it as the browser's language has it), one format only.
func userClock(u *focusflow.User, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if u == nil {
		return t.UTC().Format("2 Jan 2006, 15:04 UTC")
	}
	t = t.In(u.Location())
	if u.TimeFormat == "12" {
		return t.Format("2 Jan 2006, 3:04 PM")
	}
	return t.Format("2 Jan 2006, 15:04")
}
