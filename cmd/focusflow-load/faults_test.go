package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// echoServer answers every byte it gets with the same byte.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	return ln.Addr().String()
}

// roundTripWithin writes msg and reads it back within d.
func roundTripWithin(c net.Conn, msg string, d time.Duration) (string, error) {
	if _, err := c.Write([]byte(msg)); err != nil {
		return "", err
	}
	return readWithin(c, len(msg), d)
}

func readWithin(c net.Conn, n int, d time.Duration) (string, error) {
	c.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, n)
	_, err := io.ReadFull(c, buf)
	return string(buf), err
}

func TestFaultProxyModes(t *testing.T) {
	p, err := newFaultProxy(echoServer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	c, err := net.Dial("tcp", p.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, err := roundTripWithin(c, "hello", 2*time.Second); err != nil || got != "hello" {
		t.Fatalf("pass: %q, %v", got, err)
	}

	p.setMode(modeStall)
	_, err = roundTripWithin(c, "held", 200*time.Millisecond)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("stall: the echo came through (%v)", err)
	}
	fresh, err := net.Dial("tcp", p.addr()) // accepted, but nothing flows
	if err != nil {
		t.Fatalf("stall refuses new connections: %v", err)
	}
	defer fresh.Close()
	if _, err := roundTripWithin(fresh, "new", 200*time.Millisecond); err == nil {
		t.Fatal("stall: a new connection was forwarded")
	}

	p.setMode(modePass) // what was held flows on, on both connections
	if got, err := readWithin(c, len("held"), 2*time.Second); err != nil || got != "held" {
		t.Fatalf("after the stall: %q, %v", got, err)
	}
	if got, err := readWithin(fresh, len("new"), 2*time.Second); err != nil || got != "new" {
		t.Fatalf("after the stall, the new connection: %q, %v", got, err)
	}

	p.setMode(modeReset)
	if _, err := roundTripWithin(c, "x", 2*time.Second); err == nil || isTimeout(err) {
		t.Fatalf("reset: the connection still works or hangs (%v)", err)
	}
	if again, err := net.Dial("tcp", p.addr()); err == nil {
		if _, err := roundTripWithin(again, "y", 2*time.Second); err == nil || isTimeout(err) {
			t.Fatalf("reset: a new connection works or hangs (%v)", err)
		}
		again.Close()
	}

	p.setMode(modePass)
	c2, err := net.Dial("tcp", p.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if got, err := roundTripWithin(c2, "back", 2*time.Second); err != nil || got != "back" {
		t.Fatalf("after the reset: %q, %v", got, err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestOutcomesTableAndExit(t *testing.T) {
	pass := &outcome{name: "stall", took: 1500 * time.Millisecond}
	pass.measure("slowest answer", 2013*time.Millisecond)
	pass.measure("peak RSS", mib(183<<20))
	fail := &outcome{name: "kill", took: time.Second}
	fail.measure("writes acknowledged / sent", "10 / 12")
	fail.failf("lost: %q", "fault-1")
	skip := &outcome{name: "redis", skipped: "needs --redis"}

	var out bytes.Buffer
	printOutcomes(&out, []*outcome{pass, fail, skip})
	report := out.String()
	for _, want := range []string{
		"stall    PASS   slowest answer", "2.013 s", "183.0 MiB", "kill     FAIL", "10 / 12",
		"redis    SKIP   skipped: needs --redis", "FAIL kill:\n  lost: \"fault-1\"", "1 passed, 1 failed, 1 skipped",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "FAIL stall") {
		t.Errorf("a passing scenario is listed as failed:\n%s", report)
	}
	for _, tc := range []struct {
		name string
		list []*outcome
		want int
	}{
		{"all pass", []*outcome{pass}, 0},
		{"pass and skip", []*outcome{pass, skip}, 0},
		{"one fails", []*outcome{pass, fail, skip}, 1},
		{"only skipped: nothing was tested", []*outcome{skip}, 1},
		{"nothing", nil, 1},
	} {
		if got := outcomesExit(tc.list); got != tc.want {
			t.Errorf("%s: exit %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestParseProcStatus(t *testing.T) {
	status := "Name:\tfocusflow\nVmPeak:\t 1300000 kB\nVmHWM:\t  187392 kB\nVmRSS:\t   24576 kB\nThreads:\t9\n"
	peak, now, err := parseProcStatus(strings.NewReader(status))
	if err != nil || peak != 187392<<10 || now != 24576<<10 {
		t.Fatalf("peak %d, now %d, %v", peak, now, err)
	}
	if _, _, err := parseProcStatus(strings.NewReader("Name:\tx\n")); err == nil {
		t.Fatal("no figures: no error")
	}
	// The suite reads its own process the same way.
	if f, err := os.Open("/proc/self/status"); err == nil {
		defer f.Close()
		if peak, now, err := parseProcStatus(f); err != nil || peak < now || now == 0 {
			t.Fatalf("own process: peak %d, now %d, %v", peak, now, err)
		}
	}
}

func TestFaultsFlags(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "focusflow")
	os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"faults", "--db", "sqlite"}, "--bin is required"},
		{[]string{"faults", "--bin", bin}, "--db is required"},
		{[]string{"faults", "--bin", bin + ".missing", "--db", "sqlite"}, "is not a file"},
		{[]string{"faults", "--bin", bin, "--db", "mysql://x"}, "want postgres"},
		{[]string{"faults", "--bin", bin, "--db", "sqlite", "--run", "stall,nosuch"}, `no scenario "nosuch"`},
		{[]string{"faults", "--bin", bin, "--db", "sqlite", "--redis", "http://x"}, "want redis://"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), tc.args, &out, &errb); code != 2 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, errb.String(), tc.want)
		}
	}
}

func TestTallyCheck(t *testing.T) {
	budget := 3 * time.Second
	for _, tc := range []struct {
		name    string
		answers []answer
		fails   string
	}{
		{"2xx and clean 503s pass", []answer{{status: 200, took: time.Second}, {status: 503, retryAfter: "1", took: 2 * time.Second}}, ""},
		{"503 without Retry-After", []answer{{status: 503, took: time.Second}}, "503 without Retry-After"},
		{"a 500", []answer{{status: 500}}, "got 500"},
		{"no answer", []answer{{err: errors.New("EOF"), took: time.Second}}, "no answer"},
		{"too slow", []answer{{status: 200, took: 4 * time.Second}}, "answered after 4.000 s"},
		{"nothing sent", nil, "no request was sent"},
	} {
		o := &outcome{name: "x"}
		var tl tally
		for _, a := range tc.answers {
			tl.add(a)
		}
		tl.check(o, "phase", budget)
		got := strings.Join(o.failures, "; ")
		if (tc.fails == "") != (got == "") || !strings.Contains(got, tc.fails) {
			t.Errorf("%s: failures %q, want %q", tc.name, got, tc.fails)
		}
	}
}

// The ledger finds writes lost (acknowledged, absent) and doubled.
func TestLedgerVerify(t *testing.T) {
	titles := []string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var tasks []map[string]string
		for _, t := range titles {
			tasks = append(tasks, map[string]string{"title": t})
		}
		json.NewEncoder(w).Encode(map[string]any{"tasks": tasks})
	}))
	defer srv.Close()
	l := newLedger()
	l.writes["kept"] = answer{status: 201}
	l.writes["lost"] = answer{status: 201}
	l.writes["doubled"] = answer{status: 503, retryAfter: "1"}
	l.writes["refused"] = answer{status: 503, retryAfter: "1"}
	titles = []string{"kept", "doubled", "doubled", "other"}
	o := &outcome{name: "x"}
	l.verify(context.Background(), o, srv.Client(), srv.URL, []*session{{name: "u"}})
	got := strings.Join(o.failures, "\n")
	if !strings.Contains(got, `lost: "lost"`) || !strings.Contains(got, `applied twice: "doubled"`) || len(o.failures) != 2 {
		t.Fatalf("failures:\n%s", got)
	}
	if o.measured[0].value != "2 / 4" {
		t.Fatalf("measured %+v", o.measured)
	}
}
