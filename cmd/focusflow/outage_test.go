package main

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// cutProxy is a TCP proxy of the test's own between the app and
// PostgreSQL: cutting it simulates a database outage without stopping the
// shared server that other tests use.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.cut() })
	return p
}

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		if !down {
			p.conns = append(p.conns, c)
		}
		p.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		go func() {
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				return
			}
			p.mu.Lock()
			p.conns = append(p.conns, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			io.Copy(c, up)
			c.Close()
		}()
	}
}

// cut drops every connection and refuses new ones until restore.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *cutProxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

func waitStatus(t *testing.T, url string, want int, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		code, body := getStatus(t, url)
		if code == want {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: status %d (%s), want %d", url, code, body, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestDatabaseOutageWhileServing(t *testing.T) {
	dbURL := storetest.CreateDatabase(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	base, stop := startServe(t, map[string]string{"DATA_DIR": t.TempDir(), "LOG_FILE": "", "DATABASE_URL": u.String()})
	waitStatus(t, base+"/health", 200, 5*time.Second)

	proxy.cut()
	body := waitStatus(t, base+"/health", 503, 10*time.Second)
	if strings.TrimSpace(body) != `{"status":"unhealthy"}` {
		t.Fatalf("unhealthy body leaks details: %s", body)
	}
	// A request that needs the database gets a short generic 503.
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.AddCookie(&http.Cookie{Name: "focusflow", Value: "some-session-token"})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 503 || !strings.Contains(string(b), `"unavailable"`) || strings.Contains(string(b), "dial") ||
		strings.Contains(string(b), "127.0.0.1") {
		t.Fatalf("API during outage: %d %s", res.StatusCode, b)
	}
	// /ping never touches the database.
	if code, _ := getStatus(t, base+"/ping"); code != 200 {
		t.Fatalf("/ping during outage: %d", code)
	}

	proxy.restore()
	waitStatus(t, base+"/health", 200, 15*time.Second)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("after recovery an unknown session is anonymous (401), got %d", res.StatusCode)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
}

func TestDatabaseDownAtStartGivesUpClearly(t *testing.T) {
	vars := map[string]string{"DATA_DIR": t.TempDir(), "LOG_FILE": "", "DB_CONNECT_TIMEOUT": "1s",
		"DATABASE_URL": "postgres://focusflow:placeholder-db-password@127.0.0.1:" + freePort(t) + "/focusflow?sslmode=disable"}
	code, out, errOut := runWith(t, vars, "", "serve")
	if code != 1 || !strings.Contains(errOut, "cannot open the database") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, "database not reachable") {
		t.Fatalf("attempts are not logged:\n%s", out)
	}
	if strings.Contains(out+errOut, "placeholder-db-password") {
		t.Fatal("the database password was printed")
	}
}
