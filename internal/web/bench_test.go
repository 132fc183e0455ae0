package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/config"
	"github.com/focusflow/focusflow/internal/metrics"
	"github.com/focusflow/focusflow/internal/ratelimit"
	"github.com/prometheus/client_golang/prometheus"
)

// sessionOnlyStore answers the session lookup from memory, so the
// benchmark measures the middleware and not the database.
type sessionOnlyStore struct {
	Store
	session *focusflow.Session
	user    *focusflow.User
}

func (s sessionOnlyStore) SessionUser(context.Context, string) (*focusflow.Session, *focusflow.User, error) {
	return s.session, s.user, nil
}

// BenchmarkMiddleware measures the whole chain — recover, request id and
// access log (JSON, discarded), security headers, body limit, IP rate limit
// (memory), session (stubbed), CSRF (both layers), user rate limit — around
// a handler that does nothing, for a signed-in POST with a CSRF token.
func BenchmarkMiddleware(b *testing.B) {
	cfg, err := config.Load(func(k string) (string, bool) {
		v, ok := map[string]string{"SECRET_KEY": "bench-secret-key-placeholder-0123456789abcdef",
			"RATELIMIT_IP": "1000000000/minute", "RATELIMIT_WRITE": "1000000000/minute"}[k]
		return v, ok
	}, "", nil)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	store := sessionOnlyStore{session: &focusflow.Session{ID: 1, UserID: 7, LastSeenAt: now},
		user: &focusflow.User{ID: 7, Username: "bench", Timezone: "UTC"}}
	s, err := New(Deps{Config: cfg, Store: store, Limiter: ratelimit.NewMemory(nil),
		Metrics: metrics.New(prometheus.NewRegistry(), nil), Hasher: auth.NewHasher(auth.DefaultParams, 1, time.Second),
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	rt := newRouter()
	rt.handle("POST /bench", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	h := s.middleware(rt)
	token := "session-token"
	csrf := s.csrf.Issue("s:"+auth.HashToken(s.sessionKey, token), now)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/bench", nil)
		req.RemoteAddr = "192.0.2.10:1234"
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("X-CSRF-Token", csrf)
		req.AddCookie(&http.Cookie{Name: "focusflow", Value: token})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusNoContent {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
