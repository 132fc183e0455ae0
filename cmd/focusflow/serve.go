package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/metrics"
	"github.com/focusflow/focusflow/internal/ratelimit"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/web"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func cmdServe(ctx context.Context, a *app, args []string) int {
	fs := a.flags("serve", "serve [--addr HOST:PORT]\n\nRuns the web server until SIGINT or SIGTERM.")
	addr := fs.String("addr", "", "listen address (default from PORT, e.g. :8080)")
	if done, code := a.parse(fs, args); done {
		return code
	}
	if !a.loadConfig() {
		return exitConfig
	}
	defer a.closeLog()
	cfg, logger := a.cfg, a.logger
	if generated, err := cfg.EnsureSecretKey(); err != nil {
		fmt.Fprintln(a.stderr, "focusflow:", err)
		return exitConfig
	} else if generated {
		logger.Info("generated a development SECRET_KEY and saved it in DATA_DIR (set SECRET_KEY in production)")
	}
	logger.Info("starting FocusFlow", "version", buildVersion(), "config", cfg)
	mem := a.tuneGC()

	db, ok := a.openStore(ctx, schemaMigrate)
	if !ok {
		return exitFail
	}
	defer db.Close()
	// Background workers end before the database closes and run returns:
	// none may write to DATA_DIR or the log after that.
	var workers sync.WaitGroup
	defer workers.Wait()

	reg := prometheus.NewRegistry()
	m := metrics.New(reg, db.Stats)
	limiter, closeLimiter, err := ratelimit.Open(cfg.RateLimitStorageURL, ratelimit.Options{
		Logger: logger, OnFallback: m.RateLimitFallbacks.Inc})
	if err != nil {
		fmt.Fprintln(a.stderr, "focusflow: RATELIMIT_STORAGE_URL:", err)
		return exitConfig
	}
	defer closeLimiter.Close()

	lv := a.startLive(db, m)
	defer lv.stop()
	srv, err := web.New(web.Deps{Config: cfg, Store: db, Limiter: limiter, Metrics: m, Logger: logger,
		Hasher: auth.NewHasher(auth.DefaultParams, mem.HashWorkers, 2*time.Second), Version: buildVersion(),
		Live: lv.hub, Phases: lv.scheduler, EventsRecheck: lv.recheck})
	lv.server = srv
	if err != nil {
		logger.Error("building the web server", "error", err)
		return exitFail
	}
	if *addr == "" {
		*addr = cfg.Addr
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(a.stderr, "focusflow: cannot listen:", err)
		return exitFail
	}
	workers.Go(func() { lv.scheduler.Run(lv.ctx) })
	if cfg.MetricsAddr != "" {
		go serveMetrics(ctx, cfg.MetricsAddr, reg, logger)
	}
	sweepCtx, stopSweep := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSweep()
	workers.Go(func() { sweep(sweepCtx, db, cfg.SecurityEventRetention, m, logger) })
	return a.serveUntilDone(ctx, ln, srv, lv)
}

// serveUntilDone serves on ln until the process is told to stop, then
// stops accepting, lets in-flight requests finish up to the deadline and
// returns (the caller closes the database).
func (a *app) serveUntilDone(ctx context.Context, ln net.Listener, srv *web.Server, lv *liveParts) int {
	logger := a.logger
	httpServer := newHTTPServer(srv, logger)
	// Event streams never go idle: they end when the listener closes (the
	// pages reconnect to another instance), not at the shutdown deadline.
	httpServer.RegisterOnShutdown(lv.hub.Close)
	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String(), "url", "http://"+displayAddr(ln.Addr()))
	if a.env.onTerminal(a.stdout) {
		// A person started it: one plain line to click, beside the log.
		fmt.Fprintf(a.stdout, "FocusFlow is running at http://%s\n", displayAddr(ln.Addr()))
	}
	select {
	case err := <-errc:
		logger.Error("server stopped", "error", err)
		return exitFail
	case <-ctx.Done():
	}
	if d := a.cfg.DrainDelay; d > 0 {
		// Still serving, but /health says "draining": load balancers stop
		// sending new requests before the listener closes.
		logger.Info("draining", "delay", d.String())
		srv.Drain()
		time.Sleep(d)
	}
	logger.Info("shutting down", "timeout", a.cfg.ShutdownTimeout.String())
	lv.hub.Drain()
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		logger.Warn("shutdown deadline passed; closing remaining connections", "error", err)
		httpServer.Close()
	}
	logger.Info("stopped")
	return exitOK
}

// newHTTPServer bounds what one client may hold: slow headers, slow
// bodies, idle connections, huge headers.
func newHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second, // imports upload up to 50 MiB
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

func displayAddr(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() {
		if ok {
			return "localhost:" + strconv.Itoa(tcp.Port)
		}
	}
	return addr.String()
}

func serveMetrics(ctx context.Context, addr string, reg *prometheus.Registry, logger *slog.Logger) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	// Profiles, on the private listener only: where the time goes under
	// load, for the operator and for performance work.
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	logger.Info("metrics listening", "addr", addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("metrics listener", "error", err)
	}
}

// sweep does the periodic work every instance may do at once (all of it is
// idempotent): forgotten timers are capped, newly earned achievements
// stored and, for users who asked, unfinished tasks moved to their new
// day every minute, since all are what users see, and what imports cut
// short by a crash wrote is removed (at start, then every minute, a budget
// at a time); expired sessions,
// old security events and stale login-failure counts go every ten minutes.
// sweepBudget bounds each step of a sweep round.
const sweepBudget = 30 * time.Second

func sweep(ctx context.Context, db *sqlstore.DB, retention time.Duration, m *metrics.Metrics, logger *slog.Logger) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for round := 0; ; round++ {
		// Each step has its own budget: a stalled database delays the
		// next round, never piles rounds up.
		step := func(fn func(ctx context.Context)) {
			sctx, cancel := context.WithTimeout(ctx, sweepBudget)
			defer cancel()
			fn(sctx)
		}
		step(func(ctx context.Context) { capForgottenTimers(ctx, db, m, logger) })
		step(func(ctx context.Context) {
			if n, err := db.CleanupImports(ctx); err != nil && ctx.Err() == nil {
				logger.Warn("sweep imports cut short", "error", err)
			} else if n > 0 {
				logger.Info("undid imports cut short", "imports", n)
			}
		})
		step(func(ctx context.Context) {
			if _, err := db.AwardAchievements(ctx); err != nil {
				logger.Warn("sweep achievements", "error", err)
			}
		})
		step(func(ctx context.Context) {
			if n, err := db.CarryForwardSweep(ctx); err != nil {
				logger.Warn("sweep carry forward", "error", err)
			} else if n > 0 {
				logger.Info("sweep: unfinished tasks moved to today", "count", n)
			}
		})
		if round%10 == 0 {
			step(func(ctx context.Context) { deleteExpired(ctx, db, retention, logger) })
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func capForgottenTimers(ctx context.Context, db *sqlstore.DB, m *metrics.Metrics, logger *slog.Logger) {
	capped, err := db.CapExpiredTimers(ctx)
	if err != nil {
		logger.Warn("sweep timers", "error", err)
	}
	for _, c := range capped {
		m.TimerAnomalies.WithLabelValues(focusflow.AnomalyCapped).Inc()
		logger.Info("security event", "kind", focusflow.EventTimerAnomaly, "user_id", c.UserID, "detail", "capped by sweep")
		if err := db.RecordEvent(ctx, focusflow.SecurityEvent{Kind: focusflow.EventTimerAnomaly, UserID: c.UserID,
			Detail: "capped: timer ran past the cap and was ended at it"}); err != nil {
			logger.Warn("record security event", "error", err)
		}
	}
}

func deleteExpired(ctx context.Context, db *sqlstore.DB, retention time.Duration, logger *slog.Logger) {
	if n, err := db.DeleteExpiredSessions(ctx); err != nil {
		logger.Warn("sweep sessions", "error", err)
	} else if n > 0 {
		logger.Info("sweep: expired sessions deleted", "count", n)
	}
	if n, err := db.DeleteOldEvents(ctx, retention); err != nil {
		logger.Warn("sweep security events", "error", err)
	} else if n > 0 {
		logger.Info("sweep: old security events deleted", "count", n)
	}
	if err := db.DeleteStaleLoginFailures(ctx, 2*time.Hour); err != nil {
		logger.Warn("sweep login failures", "error", err)
	}
}

func cmdHealthcheck(ctx context.Context, a *app, args []string) int {
	fs := a.flags("healthcheck", "healthcheck [--url URL]\n\nProbes the local server's /health; exits 0 when healthy, 1 otherwise.")
	url := fs.String("url", "", "URL to probe (default http://127.0.0.1:$PORT/health)")
	if done, code := a.parse(fs, args); done {
		return code
	}
	if *url == "" {
		port := "8080"
		if p, ok := a.env.lookup("PORT"); ok && p != "" {
			port = p
		}
		*url = "http://127.0.0.1:" + port + "/health"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		fmt.Fprintln(a.stderr, "healthcheck:", err)
		return exitFail
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(a.stderr, "healthcheck: unreachable:", err)
		return exitFail
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintln(a.stderr, "healthcheck: unhealthy:", res.Status)
		return exitFail
	}
	fmt.Fprintln(a.stdout, "healthy")
	return exitOK
}

// tuneGC collects garbage less often than Go's default unless GOGC or
// GOMEMLIMIT say otherwise. A FocusFlow server's heap is small and made of
// short-lived request garbage (rows, JSON), so at GOGC=100 the collector
// runs constantly under load: GOGC=300 served about a third more day views
// per second on 2 cores. The soft memory limit makes the collector work
// harder again before the heap could grow past it.
func (a *app) tuneGC() memoryPlan {
	if v, ok := a.env.lookup("GOGC"); !ok || v == "" {
		debug.SetGCPercent(300)
	}
	v, _ := a.env.lookup("GOMEMLIMIT")
	plan := planMemory(v, cgroupLimit, runtime.NumCPU(), int64(auth.DefaultParams.Memory)<<10)
	if plan.Source != "GOMEMLIMIT" {
		debug.SetMemoryLimit(plan.Limit)
	}
	a.logger.Info("memory", "plan", plan.String())
	return plan
}
