// Package web is FocusFlow's HTTP layer: routes, middleware, HTML pages and
// the JSON API. New wires it from explicit dependencies; nothing is global.
package web

import (
	"context"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/config"
	"github.com/focusflow/focusflow/internal/live"
	"github.com/focusflow/focusflow/internal/metrics"
	"github.com/focusflow/focusflow/internal/ratelimit"
	"github.com/focusflow/focusflow/internal/userdata"
)

// Store is everything the web layer asks of the database, grouped by the
// handlers that need it.
type Store interface {
	Ping(ctx context.Context) error
	accountStore
	sessionStore
	tokenStore
	auditStore
	dayStore
	taskStore
	tagStore
	orderStore
	seriesStore
	carryStore
	timerStore
	entryStore
	noteStore
	searchStore
	exportStore
	insightStore
	calendarStore
}

type accountStore interface {
	CreateUser(ctx context.Context, u *focusflow.User, passwordHash string) error
	User(ctx context.Context, id int64) (*focusflow.User, error)
	UserByLogin(ctx context.Context, login string) (*focusflow.User, string, error)
	PasswordHash(ctx context.Context, userID int64) (string, error)
	SetPasswordHash(ctx context.Context, userID int64, hash string) error
	RecordLogin(ctx context.Context, userID int64) error
	UpdateSettings(ctx context.Context, userID int64, s focusflow.UserSettings) error
	DeleteUser(ctx context.Context, userID int64) error
	LoginFailures(ctx context.Context, loginKey string) (int, time.Time, error)
	AddLoginFailure(ctx context.Context, loginKey string, window time.Duration) (int, error)
	ClearLoginFailures(ctx context.Context, loginKey string) error
}

type sessionStore interface {
	CreateSession(ctx context.Context, n focusflow.NewSession) (*focusflow.Session, error)
	SessionUser(ctx context.Context, tokenHash string) (*focusflow.Session, *focusflow.User, error)
	TouchSession(ctx context.Context, sessionID int64, ip string) error
	DeleteSession(ctx context.Context, tokenHash string) error
	DeleteUserSessions(ctx context.Context, userID, exceptID int64) (int64, error)
	Sessions(ctx context.Context, userID int64) ([]focusflow.Session, error)
}

type auditStore interface {
	RecordEvent(ctx context.Context, e focusflow.SecurityEvent) error
	RecordAggregatedEvent(ctx context.Context, e focusflow.SecurityEvent, key string) error
	Events(ctx context.Context, userID int64, limit int) ([]focusflow.SecurityEvent, error)
}

// Deps are the server's dependencies.
type Deps struct {
	Config  *config.Config
	Store   Store
	Hasher  *auth.Hasher
	Limiter ratelimit.Limiter
	Metrics *metrics.Metrics
	Logger  *slog.Logger
	Now     func() time.Time // nil: time.Now
	Version string
	// Live carries changes to the users' open pages; nil turns the event
	// stream off (it answers 503 and pages poll).
	Live *live.Hub
	// EventsRecheck is how often an open event stream checks its session
	// is still valid: sign-outs the hub is not told about (an admin
	// command on SQLite, a bus that is down) end streams within it.
	EventsRecheck time.Duration
	// Phases learns of the phase ends this instance's actions set, to
	// record them on time; nil: they are recorded when next looked at.
	Phases interface {
		Watch(userID int64, at time.Time)
	}
}

// Server serves FocusFlow over HTTP.
type Server struct {
	cfg     *config.Config
	store   Store
	hasher  *auth.Hasher
	limiter ratelimit.Limiter
	metrics *metrics.Metrics
	logger  *slog.Logger
	now     func() time.Time
	version string
	live    *live.Hub
	// eventsRecheck: see Deps.EventsRecheck.
	eventsRecheck time.Duration
	phases        interface {
		Watch(userID int64, at time.Time)
	}

	sessionKey, csrfKey, cookieKey []byte
	loginNameKey                   []byte // digests of unknown login names in the audit trail
	deviceKey                      []byte // device cookies (lockout.go)
	// tokenKey hashes API tokens for storage: rotating SECRET_KEY makes
	// every token (and calendar URL) unusable.
	tokenKey    []byte
	spraying    *auth.SprayWatch
	csrf        auth.CSRF
	crossOrigin *http.CrossOriginProtection
	pages       map[string]*template.Template
	assets      *assets
	pwa         *pwa
	health      healthCache
	handler     http.Handler
	router      *router
	// draining is set once the server is told to stop: /health answers
	// 503 so that load balancers send new requests elsewhere.
	draining atomic.Bool
	// seen remembers when each session's "last seen" was last written, so
	// that reads do not turn into a write per request.
	seenMu sync.Mutex
	seen   map[int64]time.Time
	// tokenSeen does the same for API tokens, per token and address.
	tokenSeen map[string]time.Time
	// sessions caches resolved sessions for the day view (sessioncache.go).
	sessions *authCache[focusflow.Session]
	// tokens caches resolved API tokens the same way (bearer.go).
	tokens *authCache[focusflow.APIToken]

	// userdata builds and loads users' export documents over store.
	userdata *userdata.Service
}

// New builds the server and its routes.
func New(d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.EventsRecheck <= 0 {
		d.EventsRecheck = 4 * time.Second
	}
	s := &Server{
		cfg: d.Config, store: d.Store, hasher: d.Hasher, limiter: d.Limiter, metrics: d.Metrics,
		logger: d.Logger, now: d.Now, version: d.Version, live: d.Live, eventsRecheck: d.EventsRecheck, phases: d.Phases,
		sessionKey:   auth.DeriveKey(d.Config.SecretKey, "session"),
		csrfKey:      auth.DeriveKey(d.Config.SecretKey, "csrf"),
		cookieKey:    auth.DeriveKey(d.Config.SecretKey, "cookie"),
		loginNameKey: auth.DeriveKey(d.Config.SecretKey, "login-name"),
		deviceKey:    auth.DeriveKey(d.Config.SecretKey, "device"),
		tokenKey:     auth.PATKey(d.Config.SecretKey),
		tokenSeen:    map[string]time.Time{},
		spraying:     auth.NewSprayWatch(auth.SprayNames, auth.SprayWindow),
		crossOrigin:  http.NewCrossOriginProtection(),
		seen:         map[int64]time.Time{},
		sessions:     newAuthCache[focusflow.Session](),
		tokens:       newAuthCache[focusflow.APIToken](),
		userdata: userdata.New(d.Store, d.Now).WithLimits(userdata.Limits{MaxRows: d.Config.ImportMaxRows,
			MaxBytes: d.Config.ImportMaxBytes, MaxParallel: d.Config.ImportMaxParallel}),
	}
	s.csrf = auth.CSRF{Key: s.csrfKey, MaxAge: d.Config.CSRFTimeLimit}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pwa, err = buildPWA(s.assets); err != nil {
		return nil, err
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	s.router = s.routes()
	s.handler = s.middleware(s.router)
	// Labelled counters start at zero, so that a dashboard shows "none
	// yet" rather than no series at all.
	for _, name := range []string{"ip", "signup", "login", "write", "read"} {
		s.metrics.RateLimitRejections.WithLabelValues(name)
	}
	for _, kind := range focusflow.AnomalyKinds() {
		s.metrics.TimerAnomalies.WithLabelValues(kind)
	}
	return s, nil
}

// Drain makes /health answer 503 "draining" and every response ask its
// client to close the connection, while requests are still served: the
// first step of a graceful stop.
func (s *Server) Drain() { s.draining.Store(true) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if v == nil {
		w.WriteHeader(status)
		return
	}
	// Encoded whole first: with a Content-Length the response goes out in
	// one write instead of chunks (the day view is larger than net/http's
	// 4 KiB buffer), and an encoding error can still become a clean 500.
	body, err := json.Marshal(v)
	if err != nil {
		s.logger.ErrorContext(r.Context(), "encode response", "error", err)
		http.Error(w, `{"error":{"code":"internal","message":"Internal error."}}`, http.StatusInternalServerError)
		return
	}
	body = append(body, '\n')
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
