package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
)

// middleware wraps the routes in the order that makes each check see
// what it needs, outermost first. Authentication itself is per route (see routes.go).
func (s *Server) middleware(rt *router) http.Handler {
	h := http.Handler(rt.mux)
	h = s.checkScope(h)
	h = s.limitUser(h)
	h = s.checkCSRF(h)
	h = s.refuseUnrouted(h)
	h = s.loadSession(h)
	h = s.limitIP(h)
	h = s.limitBody(h)
	h = s.securityHeaders(h)
	h = s.budget(h)
	// Recovery sits inside the access log so that a recovered panic is
	// logged (and counted) as the 500 it became, and its error page can
	// show the request id.
	h = s.recoverPanics(h)
	h = s.logRequests(rt, h)
	return h
}

// reqInfo is filled in as the request travels inward and read by the access
// log on the way out.
type reqInfo struct {
	id     string
	match  match // the route, found first (routing.go)
	userID int64
	https  bool
	ip     string
}

type ctxKey int

const (
	infoKey ctxKey = iota
	authKey
)

func info(ctx context.Context) *reqInfo {
	if ri, ok := ctx.Value(infoKey).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

func requestID(ctx context.Context) string { return info(ctx).id }

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// recoverPanics turns a panic into a logged error and a generic 500 that
// shows the request id — never the panic text or a stack trace.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger.ErrorContext(r.Context(), "panic", "request_id", requestID(r.Context()),
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if rw, ok := w.(*statusWriter); !ok || !rw.wrote {
					s.fail(w, r, errors.New("panic"))
				}
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter records the status and size for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach Flush (server-sent events).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one access-log line per request: never cookies, tokens,
// bodies or query strings.
func (s *Server) logRequests(rt *router, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: newRequestID(), ip: s.clientIP(r), https: s.isHTTPS(r), match: rt.match(r)}
		r = r.WithContext(context.WithValue(r.Context(), infoKey, ri))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		if s.draining.Load() {
			sw.Header().Set("Connection", "close")
		}
		defer func() {
			elapsed := time.Since(start)
			status := strconv.Itoa(sw.status)
			if s.metrics != nil {
				s.metrics.Requests.WithLabelValues(ri.match.route, metricMethod(r.Method), status).Inc()
				s.metrics.Latency.WithLabelValues(ri.match.route, status).Observe(elapsed.Seconds())
			}
			attrs := []any{"method", focusflow.Shorten(r.Method, 20), "route", ri.match.route, "path", r.URL.Path,
				"status", sw.status, "bytes", sw.bytes, "duration_ms", float64(elapsed.Microseconds()) / 1000,
				"request_id", ri.id, "ip", ri.ip}
			if ri.userID != 0 {
				attrs = append(attrs, "user_id", ri.userID)
			}
			s.logger.InfoContext(r.Context(), "request", attrs...)
		}()
		next.ServeHTTP(sw, r)
	})
}

// contentSecurityPolicy allows nothing inline and nothing from other hosts;
// media-src lets the page play its own phase-end sound.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self'; connect-src 'self'; font-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		// Static assets replace this with a long-lived cache header.
		h.Set("Cache-Control", "no-store")
		if info(r.Context()).https {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			limit := s.cfg.MaxBodyBytes
			if r.URL.Path == importPath || r.URL.Path == profileImportPath {
				limit = s.importBodyLimit()
				if r.ContentLength > limit {
					s.fail(w, r, importTooLarge(s.cfg.ImportMaxBytes))
					return
				}
			}
			if r.ContentLength > limit {
				s.fail(w, r, focusflow.Errorf(focusflow.ETOOLARGE, "The request body is too large (limit %d bytes).", limit))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			// Parse a form here, where a body over the limit (one sent
			// without Content-Length) can still get its 413: later,
			// PostFormValue would swallow the error and the request fail
			// as a "missing CSRF token" or an empty form.
			if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
				var mb *http.MaxBytesError
				if err := r.ParseForm(); errors.As(err, &mb) {
					s.fail(w, r, err)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Routes that need no rate limit: probes and static files.
func unlimited(path string) bool {
	return path == "/ping" || path == "/health" || strings.HasPrefix(path, "/static/") ||
		path == "/favicon.ico" || path == "/robots.txt"
}

// limitIP limits every request by client address, before any session or
// database work is done for it.
func (s *Server) limitIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if unlimited(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		rate := s.cfg.RateIP
		if !s.allow(w, r, "ip", "ip:"+info(r.Context()).ip, rate.Limit, rate.Window) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitUser limits signed-in requests by user: writes and reads apart.
func (s *Server) limitUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := authFrom(r.Context())
		if a == nil || unlimited(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		name, rate := "read", s.cfg.RateRead
		if unsafeMethod(r.Method) {
			name, rate = "write", s.cfg.RateWrite
		}
		if !s.allow(w, r, name, "user:"+strconv.FormatInt(a.user.ID, 10)+":"+name, rate.Limit, rate.Window) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// allow applies one limit; on rejection it answers 429 and records it.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, name, key string, limit int, window time.Duration) bool {
	res, err := s.limiter.Allow(r.Context(), key, limit, window)
	if err != nil {
		// The limiter falls back to memory by itself; an error here is a
		// bug, and refusing every request for it would be worse.
		s.logger.ErrorContext(r.Context(), "rate limiter", "error", err)
		return true
	}
	h := w.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(res.Limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(max(res.Remaining, 0)))
	h.Set("RateLimit-Reset", strconv.Itoa(ceilSeconds(res.Reset)))
	if res.Allowed {
		return true
	}
	h.Set("Retry-After", strconv.Itoa(max(ceilSeconds(res.RetryAfter), 1)))
	s.metrics.RateLimitRejections.WithLabelValues(name).Inc()
	ri := info(r.Context())
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventRateLimited, UserID: ri.userID, Detail: name}, key)
	s.fail(w, r, focusflow.Errorf(focusflow.ERATELIMIT, "Too many requests. Please wait %d seconds and try again.",
		max(ceilSeconds(res.RetryAfter), 1)))
	return false
}

func ceilSeconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// clientIP is the peer address, or — behind TRUST_PROXY_HOPS trusted
// proxies — the address those proxies saw, counted from the right of
// X-Forwarded-For so that a client-supplied prefix is never believed.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	hops := s.cfg.TrustProxyHops
	if hops <= 0 {
		return host
	}
	var hopsSeen []string
	for _, line := range r.Header.Values("X-Forwarded-For") {
		for part := range strings.SplitSeq(line, ",") {
			if p := strings.TrimSpace(part); p != "" {
				hopsSeen = append(hopsSeen, p)
			}
		}
	}
	if len(hopsSeen) == 0 {
		return host
	}
	i := max(len(hopsSeen)-hops, 0)
	if ip := net.ParseIP(hopsSeen[i]); ip != nil {
		return ip.String()
	}
	return host
}

// isHTTPS says whether the client reached us over HTTPS, directly or per a
// trusted proxy's X-Forwarded-Proto.
func (s *Server) isHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if s.cfg.TrustProxyHops <= 0 {
		return false
	}
	vals := strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(vals[len(vals)-1]), "https")
}
