package web

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/config"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// budgetServer is a test server whose requests have a short database
// budget and whose store waits briefly for a connection.
func budgetServer(t *testing.T, e storetest.Engine, budget, poolWait time.Duration) *testServer {
	t.Helper()
	clock := newFakeClock(testEpoch)
	opts := e.Options(t)
	opts.Now, opts.PoolWait, opts.MaxConns = clock.Now, poolWait, 4
	db, err := sqlstore.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return startTestServer(t, testSetup{Engine: e, Store: db, Clock: clock,
		Config: []func(*config.Config){func(c *config.Config) { c.DBQueryTimeout = budget }}})
}

// within runs fn and fails the test when it took longer than limit: the
// promise under test is an answer within the budget plus a second.
func within(t *testing.T, limit time.Duration, what string, fn func() *response) *response {
	t.Helper()
	start := time.Now()
	res := fn()
	if took := time.Since(start); took > limit {
		t.Errorf("%s took %v, want at most %v", what, took, limit)
	}
	return res
}

func unavailable(t *testing.T, res *response) {
	t.Helper()
	res.expect(t, http.StatusServiceUnavailable)
	if res.Header.Get("Retry-After") == "" {
		t.Errorf("503 without Retry-After: %s", res)
	}
}

func TestDeadlines(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		const budget, poolWait = 600 * time.Millisecond, 200 * time.Millisecond
		ts := budgetServer(t, e, budget, poolWait)
		c, _ := ts.signedInClient(t)
		day := "/api/v1/days/" + testEpoch.Format(time.DateOnly)
		c.get(day).expect(t, http.StatusOK)

		t.Run("held connections", func(t *testing.T) {
			// Every write connection taken: a write waits for the pool
			// at most poolWait, then is refused, and nothing is applied.
			token := c.csrfToken()
			_, write := ts.store.Pools()
			var held []*sql.Conn
			for range write.Stats().MaxOpenConnections {
				conn, err := write.Conn(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				held = append(held, conn)
			}
			before := ts.counter(t, "focusflow_database_errors_total")
			res := within(t, budget+time.Second, "a write with the pool held", func() *response {
				return c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"date": testEpoch.Format(time.DateOnly), "title": "held"},
					withCSRF(token))
			})
			unavailable(t, res)
			if got := ts.counter(t, "focusflow_database_errors_total"); got != before+1 {
				t.Errorf("database errors counted %v → %v, want one more", before, got)
			}
			for _, conn := range held {
				conn.Close()
			}
			if strings.Contains(c.get(day).expect(t, http.StatusOK).Body, `"held"`) {
				t.Error("the refused write was applied")
			}
			c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"date": testEpoch.Format(time.DateOnly), "title": "after"}).
				expect(t, http.StatusCreated)
		})

		if e.Name != "postgres" {
			return
		}
		t.Run("held table lock", func(t *testing.T) {
			// A statement waiting for a lock is cancelled on the server
			// when the budget runs out: the request gets its 503, and the
			// connection is clean for the next one.
			_, pool := ts.store.Pools()
			locker, err := pool.Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer locker.Close()
			tx, err := locker.BeginTx(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(`LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE`); err != nil {
				t.Fatal(err)
			}
			token := c.csrfToken()
			before := ts.counter(t, "focusflow_request_deadline_exceeded_total")
			for _, req := range []func() *response{
				func() *response { return c.get(day) },
				func() *response {
					return c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"date": testEpoch.Format(time.DateOnly), "title": "locked"},
						withCSRF(token))
				},
			} {
				unavailable(t, within(t, budget+time.Second, "a request behind a held lock", req))
			}
			if got := ts.counter(t, "focusflow_request_deadline_exceeded_total"); got != before+2 {
				t.Errorf("deadlines counted %v → %v, want two more", before, got)
			}
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			body := c.get(day).expect(t, http.StatusOK).Body
			if strings.Contains(body, `"locked"`) {
				t.Error("the refused write was applied once the lock was gone")
			}
			var waiting int
			if err := pool.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
				AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
				t.Fatal(err)
			}
			if waiting != 0 {
				t.Errorf("%d statements still wait for the lock on the server", waiting)
			}
		})
	})
}

func TestClientHangUpIs499(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/days/2025-07-05", nil)
		req.AddCookie(&http.Cookie{Name: ts.sessionCookieName(), Value: c.sessionToken()})
		rec := httptest.NewRecorder()
		ts.Server.ServeHTTP(rec, req)
		if rec.Code != statusClientClosed {
			t.Fatalf("status %d, want 499: %s", rec.Code, rec.Body)
		}
		if got := ts.logs.find(t, "request", "status", "499", "route", "GET /api/v1/days/{date}"); len(got) != 1 {
			t.Errorf("want one access-log line with status 499 and the route, got %v", got)
		}
		if got := ts.logs.find(t, "internal error"); len(got) != 0 {
			t.Errorf("a hang-up was logged as an internal error: %v", got)
		}
		if ts.counter(t, "focusflow_http_requests_total", "status", "500") != 0 {
			t.Error("a hang-up was counted as a 500")
		}
	})
}

func TestStatusBeforeCSRF(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		anon := ts.newClient(t)
		for _, tc := range []struct {
			method, path, allow, route string
		}{
			{"TRACE", "/", "GET, HEAD", "/{$}"},
			{"PROPFIND", "/api/v1/tasks", "POST", "/api/v1/tasks"},
			{"POST", "/ping", "GET, HEAD", "/ping"},
			{"DELETE", "/login", "GET, HEAD, POST", "/login"},
			{"PUT", "/api/v1/tasks/7", "PATCH, DELETE", "/api/v1/tasks/{id}"},
		} {
			res := anon.do(tc.method, tc.path, nil, "", noCSRF()).expect(t, http.StatusMethodNotAllowed)
			if got := res.Header.Get("Allow"); got != tc.allow {
				t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
			}
			if got := ts.logs.find(t, "request", "path", tc.path, "route", tc.route, "status", "405"); len(got) == 0 {
				t.Errorf("%s %s: no access-log line labelled %q", tc.method, tc.path, tc.route)
			}
		}
		anon.do("PROPFIND", "/nowhere", nil, "").expect(t, http.StatusNotFound)
		if n := ts.counter(t, "focusflow_csrf_rejections_total"); n != 0 {
			t.Errorf("%v CSRF rejections counted for unrouted requests", n)
		}
		if n := ts.counter(t, "focusflow_http_requests_total", "method", "OTHER", "status", "405"); n != 2 {
			t.Errorf("unusual methods counted %v times under OTHER, want 2", n)
		}

		// An API write whose session has ended is told to sign in (401),
		// not that it looked forged; the CSRF counter does not move.
		c, _ := ts.signedInClient(t)
		token := c.csrfToken()
		c.postForm("/logout", nil).expect(t, http.StatusSeeOther)
		res := c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"date": "2025-07-05", "title": "x"}, withCSRF(token))
		res.expect(t, http.StatusUnauthorized)
		anon.json(http.MethodPost, "/api/v1/notes", map[string]any{}, noCSRF()).expect(t, http.StatusUnauthorized)
		if n := ts.counter(t, "focusflow_csrf_rejections_total"); n != 0 {
			t.Errorf("%v CSRF rejections counted for signed-out API writes", n)
		}
	})
}

func TestRefusalsCarryTheRoute(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e, ipRate(1, time.Hour))
		c := ts.newClient(t)
		c.get("/api/v1/csrf").expect(t, http.StatusOK)
		c.get("/api/v1/csrf").expect(t, http.StatusTooManyRequests)
		if n := ts.counter(t, "focusflow_http_requests_total", "route", "GET /api/v1/csrf", "status", "429"); n != 1 {
			t.Errorf("rate-limited request counted %v times under its route, want 1", n)
		}
		if n := ts.counter(t, "focusflow_http_requests_total", "route", routeUnmatched); n != 0 {
			t.Errorf("%v routed requests labelled %q", n, routeUnmatched)
		}
	})
}

func TestCountersStartAtZero(t *testing.T) {
	ts := newTestServer(t, storetest.Engines(t)[0])
	fams, err := ts.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	series := map[string]int{}
	for _, f := range fams {
		series[f.GetName()] += len(f.GetMetric())
	}
	for name, want := range map[string]int{"focusflow_rate_limit_rejections_total": 5, "focusflow_timer_anomalies_total": 2} {
		if series[name] != want {
			t.Errorf("%s has %d series before any event, want %d", name, series[name], want)
		}
	}
}

func TestDrain(t *testing.T) {
	ts := newTestServer(t, storetest.Engines(t)[0])
	c := ts.newClient(t)
	c.get("/health").expect(t, http.StatusOK)
	ts.Server.Drain()
	res := c.get("/health").expect(t, http.StatusServiceUnavailable)
	if !strings.Contains(res.Body, `"draining"`) {
		t.Errorf("health while draining: %s", res)
	}
	res = c.get("/login").expect(t, http.StatusOK)
	if !res.raw.Close && res.Header.Get("Connection") != "close" {
		t.Error("responses while draining do not ask the client to close the connection")
	}
}

// trickle hands its data over in pieces with a pause before each, like a
// large upload on a slow line.
type trickle struct {
	data   []byte
	piece  int
	pause  time.Duration
	offset int
}

func (r *trickle) Read(p []byte) (int, error) {
	if r.offset >= len(r.data) {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	n := copy(p[:min(len(p), r.piece)], r.data[r.offset:])
	r.offset += n
	return n, nil
}

func TestImportOutlivesTheConnectionTimeouts(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := startTestServer(t, testSetup{Engine: e, ConnTimeout: 300 * time.Millisecond})
		c, _ := ts.signedInClient(t)
		c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"title": "Carried over", "date": "2025-07-05"}).
			expect(t, http.StatusCreated)
		doc := []byte(c.get("/api/v1/export").expect(t, http.StatusOK).Body)

		// The upload takes three times the server's read timeout.
		other, _ := ts.signedInClient(t)
		body := &trickle{data: doc, piece: len(doc)/6 + 1, pause: 150 * time.Millisecond}
		var out struct {
			Imported focusflow.ImportSummary `json:"imported"`
		}
		other.json(http.MethodPost, "/api/v1/import", body, chunked()).expect(t, http.StatusOK).decode(t, &out)
		if out.Imported.Created.Tasks != 1 {
			t.Fatalf("imported %+v, want the one task", out.Imported.Created)
		}
	})
}
