package web

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// healthCache keeps the last database check for a second: /health is not
// rate-limited, so it must not turn a flood into a database query each.
type healthCache struct {
	mu      sync.Mutex
	checked time.Time
	ok      bool
}

func (s *Server) ping(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		s.writeJSON(w, r, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	if s.healthy(r.Context()) {
		s.writeJSON(w, r, http.StatusOK, map[string]string{"status": "healthy", "version": s.version})
		return
	}
	s.writeJSON(w, r, http.StatusServiceUnavailable, map[string]string{"status": "unhealthy"})
}

// healthy checks the database at most once a second; concurrent callers
// wait for the one check in flight instead of starting their own.
func (s *Server) healthy(ctx context.Context) bool {
	h := &s.health
	h.mu.Lock()
	defer h.mu.Unlock()
	if time.Since(h.checked) < time.Second {
		return h.ok
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	err := s.store.Ping(ctx)
	if err != nil {
		s.logger.Warn("health check: database unreachable", "error", err)
	}
	h.ok, h.checked = err == nil, time.Now()
	return h.ok
}

func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	u, err := s.assets.url("img/icon.svg")
	if err != nil {
		s.notFound(w, r)
		return
	}
	http.Redirect(w, r, u, http.StatusMovedPermanently)
}

func (s *Server) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("User-agent: *\nDisallow: /api/\nDisallow: /dashboard\nDisallow: /profile\n"))
}
