// Package metrics defines FocusFlow's Prometheus collectors. They are
// registered on a registry passed in (never the global one) and served only
// on the separate METRICS_ADDR listener.
package metrics

import (
	"database/sql"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds every collector the app updates.
type Metrics struct {
	Requests *prometheus.CounterVec
	Latency  *prometheus.HistogramVec

	// The signals an operator watches: brute force, abuse, availability,
	// timer manipulation.
	FailedLogins        prometheus.Counter
	Lockouts            prometheus.Counter
	Spraying            prometheus.Counter
	CSRFRejections      prometheus.Counter
	RateLimitRejections *prometheus.CounterVec
	RateLimitFallbacks  prometheus.Counter
	DBErrors            prometheus.Counter
	DBTimeouts          prometheus.Counter
	TimerAnomalies      *prometheus.CounterVec

	EventStreams     prometheus.Gauge   // open live-update streams
	PhaseTransitions prometheus.Counter // phase ends recorded by this instance
	PhaseLag         prometheus.Histogram
}

// New creates the collectors and registers them, plus Go runtime, process
// and database pool collectors, on reg. dbStats may be nil.
func New(reg prometheus.Registerer, dbStats func() sql.DBStats) *Metrics {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "focusflow_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "focusflow_http_request_duration_seconds", Help: "HTTP request latency by route pattern and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "status"}),
		FailedLogins: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "focusflow_failed_logins_total", Help: "Failed sign-in attempts (brute force indicator).",
		}),
		Lockouts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "focusflow_login_lockouts_total", Help: "Sign-in attempts refused because the login name is locked out.",
		}),
		Spraying: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "focusflow_login_spraying_total", Help: "Alarms of failed sign-ins for many different names within a few minutes (password spraying).",
		}),
		CSRFRejections: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "focusflow_csrf_rejections_total", Help: "Requests rejected by CSRF protection.",
		}),
		RateLimitRejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "focusflow_rate_limit_rejections_total", Help: "Requests rejected by a rate limit (abuse indicator).",
		}, []string{"limit"}),
		RateLimitFallbacks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "focusflow_rate_limit_fallbacks_total", Help: "Rate-limit decisions made in memory because Redis was unreachable.",
		}),
		DBErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "focusflow_database_errors_total", Help: "Requests that failed because the database was unavailable.",
		}),
		DBTimeouts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "focusflow_request_deadline_exceeded_total",
			Help: "Requests answered 503 because their database budget (DB_QUERY_TIMEOUT) ran out.",
		}),
		TimerAnomalies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "focusflow_timer_anomalies_total", Help: "Unusual timer patterns (possible manipulation) by kind.",
		}, []string{"kind"}),
		EventStreams: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "focusflow_event_streams", Help: "Open live-update (Server-Sent Events) streams on this instance.",
		}),
		PhaseTransitions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "focusflow_phase_transitions_total", Help: "Focus-session phase ends recorded by this instance.",
		}),
		PhaseLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "focusflow_phase_transition_lag_seconds", Help: "How long after its planned instant a phase end was recorded.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 5, 30, 120},
		}),
	}
	reg.MustRegister(m.Requests, m.Latency, m.FailedLogins, m.Lockouts, m.Spraying, m.CSRFRejections,
		m.RateLimitRejections, m.RateLimitFallbacks, m.DBErrors, m.DBTimeouts, m.TimerAnomalies,
		m.EventStreams, m.PhaseTransitions, m.PhaseLag,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if dbStats != nil {
		pool := func(name, help string, v func(sql.DBStats) float64) prometheus.Collector {
			return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "focusflow_db_" + name, Help: help},
				func() float64 { return v(dbStats()) })
		}
		reg.MustRegister(
			pool("open_connections", "Open database connections.", func(s sql.DBStats) float64 { return float64(s.OpenConnections) }),
			pool("in_use_connections", "Database connections in use.", func(s sql.DBStats) float64 { return float64(s.InUse) }),
			pool("idle_connections", "Idle database connections.", func(s sql.DBStats) float64 { return float64(s.Idle) }),
			pool("wait_count", "Total waits for a database connection.", func(s sql.DBStats) float64 { return float64(s.WaitCount) }),
			pool("wait_seconds", "Total time spent waiting for a database connection.", func(s sql.DBStats) float64 { return s.WaitDuration.Seconds() }),
		)
	}
	return m
}
