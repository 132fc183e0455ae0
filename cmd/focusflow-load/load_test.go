package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond // 1 … 100 ms
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value", ms(7), 50, 7 * time.Millisecond},
		{"one value p99", ms(7), 99, 7 * time.Millisecond},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p90 of 1..100", hundred, 90, 90 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p100 of 1..100", hundred, 100, 100 * time.Millisecond},
		{"p50 of 4 is the 2nd", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p51 of 4 is the 3rd", ms(1, 2, 3, 4), 51, 3 * time.Millisecond},
		{"p99 of 10 is the max", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"tiny p is the min", ms(3, 5, 9), 0.001, 3 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("%s: percentile(p%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	r := newRecorder()
	for i := 1; i <= 10; i++ {
		r.record(200, time.Duration(i)*time.Millisecond, nil)
	}
	r.record(404, 20*time.Millisecond, nil)
	r.record(500, 30*time.Millisecond, nil)
	r.record(500, 40*time.Millisecond, nil)
	r.record(204, 1*time.Millisecond, nil)
	r.record(0, 50*time.Millisecond, fmt.Errorf("connection refused"))
	other := newRecorder()
	other.record(429, 5*time.Millisecond, nil)
	r.merge(other)

	s := r.summarize("GET /x", 2*time.Second)
	if s.Requests != 16 {
		t.Errorf("requests = %d, want 16", s.Requests)
	}
	if s.Errors != 5 {
		t.Errorf("errors = %d, want 5 (404, 429, 2×500, transport)", s.Errors)
	}
	if s.ErrorsBy != "404×1, 429×1, 500×2, transport×1" {
		t.Errorf("errors by = %q", s.ErrorsBy)
	}
	if s.PerSecond != 8 {
		t.Errorf("req/s = %v, want 8", s.PerSecond)
	}
	if s.Max != 50*time.Millisecond {
		t.Errorf("max = %v", s.Max)
	}
	if s.P50 != 6*time.Millisecond { // sorted: 1,1,2,3,4,5,5,6,7,… → the 8th of 16
		t.Errorf("p50 = %v, want 6ms", s.P50)
	}
	var out bytes.Buffer
	printReport(&out, "test", 4, 2*time.Second, []summary{s})
	for _, want := range []string{"GET /x", "16", "8.0", "6.00ms", "50.00ms", "500×2", "connection refused"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestCheckTarget(t *testing.T) {
	ok := []string{
		"http://127.0.0.1:8080", "http://127.0.0.1:7070/day", "http://127.1.2.3/", "https://127.255.255.254:443/x",
		"http://localhost:8080", "http://LOCALHOST/", "http://[::1]:8080/api", "http://[::1%25lo]:8080/",
		"http://[::ffff:127.0.0.1]:80/",
	}
	for _, raw := range ok {
		if _, err := checkTarget(raw); err != nil {
			t.Errorf("checkTarget(%q) = %v, want allowed", raw, err)
		}
	}
	refused := []string{
		"http://10.0.0.1:8080", "http://192.168.1.10/", "http://0.0.0.0:8080", "http://[::]:8080",
		"http://example.com/", "http://localhost.example.com/", "http://127.0.0.1.nip.io/", "http://128.0.0.1/",
		"http://[::2]/", "http://user:pw@127.0.0.1/", "ftp://127.0.0.1/", "127.0.0.1:8080", "http:///path", "://bad",
	}
	for _, raw := range refused {
		if _, err := checkTarget(raw); err == nil {
			t.Errorf("checkTarget(%q) allowed, want refused", raw)
		}
	}
}

func TestLoopbackOnlyDial(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:80", "[::1]:80", "127.9.9.9:1"} {
		if err := loopbackOnly("tcp", addr, nil); err != nil {
			t.Errorf("loopbackOnly(%q) = %v", addr, err)
		}
	}
	for _, addr := range []string{"10.1.1.1:80", "[2001:db8::1]:443", "0.0.0.0:80", "nohost"} {
		if err := loopbackOnly("tcp", addr, nil); err == nil {
			t.Errorf("loopbackOnly(%q) allowed", addr)
		}
	}
}

// Non-loopback targets are refused with status 2 before any request is sent.
func TestCommandsRefuseRemoteTargets(t *testing.T) {
	for _, args := range [][]string{
		{"url", "--url", "http://192.0.2.1/day", "--duration", "1s"},
		{"run", "--base", "http://example.com", "--duration", "1s"},
		{"run", "--base", "http://10.0.0.1:8080"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if !strings.Contains(errb.String(), "loopback") {
			t.Errorf("%v: message %q does not mention loopback", args, errb.String())
		}
	}
}

func TestHelp(t *testing.T) {
	for _, cmd := range []string{"seed", "run", "url"} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{cmd, "--help"}, &out, &errb); code != 0 {
			t.Errorf("%s --help: exit %d", cmd, code)
		}
		if !strings.Contains(errb.String(), "Usage: focusflow-load "+cmd) {
			t.Errorf("%s --help: %q", cmd, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "RATELIMIT_LOGIN") {
		t.Errorf("--help: exit %d, %q", code, out.String())
	}
}

func TestCSRFFromPage(t *testing.T) {
	tests := map[string]string{
		`<html><head><meta name="csrf-token" content="abc.def&#43;g"></head>`:            "abc.def+g",
		`<form><input type="hidden" name="csrf_token" value="tok-1"></form>`:             "tok-1",
		`<meta name="csrf-token" content="meta"><input name="csrf_token" value="input">`: "meta",
		`<html>no token</html>`:                                                              "",
		"<meta\n  name=\"csrf-token\"\n  content=\"x\">":                                     "x",
		`<input type="hidden" name="csrf_token" value="a&amp;b" autocomplete="off">`:         "a&b",
		`<input name="other" value="no"><input name="csrf_token" value="yes" type="hidden">`: "yes",
	}
	for page, want := range tests {
		if got := csrfFromPage([]byte(page)); got != want {
			t.Errorf("csrfFromPage(%q) = %q, want %q", page, got, want)
		}
	}
}

func TestSplitByHour(t *testing.T) {
	day := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	var h [24]int64
	splitByHour(day.Add(9*time.Hour+50*time.Minute), day.Add(11*time.Hour+5*time.Minute), &h)
	want := map[int]int64{9: 10 * 60000, 10: 60 * 60000, 11: 5 * 60000}
	for hour, v := range h {
		if v != want[hour] {
			t.Errorf("hour %d = %d ms, want %d", hour, v, want[hour])
		}
	}
	h = [24]int64{}
	splitByHour(day.Add(23*time.Hour), day.Add(23*time.Hour+59*time.Minute+59*time.Second), &h)
	if h[23] != (59*60+59)*1000 {
		t.Errorf("hour 23 = %d", h[23])
	}
}

// The generated history is consistent: entry sums are the tasks' spent_ms
// and the day's focus, hours add up to the day, nothing ends after now or
// crosses midnight, ids are the reserved ones.
func TestHistoryConsistent(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 11, 27, 14, 30, 0, 0, time.UTC),
		time.Date(2026, 11, 27, 6, 44, 31, 123456789, time.UTC), // early: today compressed
		time.Date(2026, 11, 27, 0, 0, 30, 0, time.UTC),          // seconds after midnight: no entries today
	} {
		c := &seedConfig{days: 40, tasksPerDay: 5, entriesPerTask: 3, now: now}
		u := &userRow{num: 7, id: 42, daysOfHistory: 40, taskBase: 1000, entryBase: 5000}
		b := &batch{}
		c.history(u, b)
		if len(b.tasks) != 200 || len(b.daily) != 40 {
			t.Fatalf("%v: %d tasks, %d days", now, len(b.tasks), len(b.daily))
		}
		spent := map[int64]int64{}
		taskDate := map[int64]string{}
		for _, tk := range b.tasks {
			taskDate[tk.id] = tk.date
			if tk.id <= 1000 || tk.id > 1200 || tk.userID != 42 {
				t.Fatalf("task id %d user %d", tk.id, tk.userID)
			}
			if tk.date == now.Format("2006-01-02") && tk.status != "pending" {
				t.Errorf("today's task %d is %s", tk.id, tk.status)
			}
			if tk.created > now.UnixMilli() || tk.upd > now.UnixMilli() {
				t.Errorf("%v: task %d created or updated in the future", now, tk.id)
			}
			if (tk.status == "completed") != (tk.completedAt != nil) {
				t.Errorf("task %d: status %s, completed_at %v", tk.id, tk.status, tk.completedAt)
			}
		}
		dayFocus := map[string]int64{}
		for _, e := range b.entries {
			if e.id <= 5000 || e.id > 5600 {
				t.Fatalf("entry id %d", e.id)
			}
			if e.ended <= e.started || e.ended > now.UnixMilli() {
				t.Errorf("entry %d: %d … %d (now %d)", e.id, e.started, e.ended, now.UnixMilli())
			}
			sd, ed := time.UnixMilli(e.started).UTC().Format("2006-01-02"), time.UnixMilli(e.ended).UTC().Format("2006-01-02")
			if sd != taskDate[e.taskID] || ed != sd {
				t.Errorf("entry %d on %s…%s, task on %s", e.id, sd, ed, taskDate[e.taskID])
			}
			spent[e.taskID] += e.ended - e.started
			dayFocus[sd] += e.ended - e.started
		}
		for _, tk := range b.tasks {
			if tk.spentMS != spent[tk.id] {
				t.Errorf("task %d: spent_ms %d, entries %d", tk.id, tk.spentMS, spent[tk.id])
			}
		}
		hourSum := map[string]int64{}
		for _, h := range b.hourly {
			if h.hour < 0 || h.hour > 23 || h.focusMS <= 0 {
				t.Errorf("hourly row %+v", h)
			}
			hourSum[h.date] += h.focusMS
		}
		for _, d := range b.daily {
			if d.focusMS != dayFocus[d.date] || d.focusMS != hourSum[d.date] || d.total != 5 {
				t.Errorf("%s: focus %d, entries %d, hours %d, total %d", d.date, d.focusMS, dayFocus[d.date], hourSum[d.date], d.total)
			}
		}
		today := now.Format("2006-01-02")
		if now.Hour() >= 6 && dayFocus[today] == 0 {
			t.Errorf("%v: no focus today", now)
		}
		if now.Hour() >= 6 && len(b.entries) != 600 {
			t.Errorf("%v: %d entries, want all 600", now, len(b.entries))
		}
	}
}

// fakeApp is just enough of FocusFlow's sign-in flow and API for run.
type fakeApp struct {
	days, starts, logins atomic.Int64
	mu                   sync.Mutex
	lastStart            map[string]int64 // session → last task started
	switches, repeats    int
}

func (f *fakeApp) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "focusflow-pre", Value: "pre1", Path: "/"})
		fmt.Fprint(w, `<html><head><meta name="csrf-token" content="form-token"></head><body>
			<form method="post"><input type="hidden" name="csrf_token" value="form-token"></form></body></html>`)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("focusflow-pre")
		if err != nil || c.Value != "pre1" || r.PostFormValue("csrf_token") != "form-token" ||
			r.PostFormValue("password") != "pw" || !strings.HasPrefix(r.PostFormValue("username"), "load-user-") {
			http.Error(w, "bad login", http.StatusBadRequest)
			return
		}
		n := f.logins.Add(1)
		http.SetCookie(w, &http.Cookie{Name: "focusflow", Value: fmt.Sprintf("s-%d-%s", n, r.PostFormValue("username")), Path: "/"})
		http.SetCookie(w, &http.Cookie{Name: "focusflow-pre", Value: "", Path: "/", MaxAge: -1})
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
	})
	session := func(r *http.Request) string {
		c, err := r.Cookie("focusflow")
		if err != nil || !strings.HasPrefix(c.Value, "s-") {
			return ""
		}
		return c.Value
	}
	mux.HandleFunc("GET /api/v1/csrf", func(w http.ResponseWriter, r *http.Request) {
		if session(r) == "" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"csrf_token": "api-" + session(r)})
	})
	mux.HandleFunc("GET /api/v1/days/{date}", func(w http.ResponseWriter, r *http.Request) {
		if session(r) == "" || r.PathValue("date") != time.Now().UTC().Format("2006-01-02") {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		f.days.Add(1)
		fmt.Fprint(w, `{"date":"x","tasks":[{"id":11,"title":"a"},{"id":12,"title":"b"},{"id":13,"title":"c"}]}`)
	})
	mux.HandleFunc("POST /api/v1/timer/start", func(w http.ResponseWriter, r *http.Request) {
		s := session(r)
		if s == "" || r.Header.Get("X-CSRF-Token") != "api-"+s {
			http.Error(w, "csrf", http.StatusForbidden)
			return
		}
		var body struct {
			TaskID int64 `json:"task_id"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || (body.TaskID != 11 && body.TaskID != 12) {
			http.Error(w, "bad task", http.StatusBadRequest)
			return
		}
		f.starts.Add(1)
		f.mu.Lock()
		if f.lastStart[s] == body.TaskID {
			f.repeats++
		} else {
			f.switches++
		}
		f.lastStart[s] = body.TaskID
		f.mu.Unlock()
		w.Write([]byte(`{}`))
	})
	return mux
}

func TestRunAgainstFakeApp(t *testing.T) {
	f := &fakeApp{lastStart: map[string]int64{}}
	srv := httptest.NewServer(f.handler())
	defer srv.Close()
	for _, scenario := range []string{"day", "start", "mixed"} {
		var out, errb bytes.Buffer
		began := time.Now()
		code := run(context.Background(), []string{"run", "--base", srv.URL, "--users", "3", "--conns", "3",
			"--duration", "300ms", "--scenario", scenario, "--password", "pw"}, &out, &errb)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", scenario, code, out.String(), errb.String())
		}
		if took := time.Since(began); took > 5*time.Second {
			t.Errorf("%s: took %v for a 300ms run", scenario, took)
		}
		report := out.String()
		if scenario != "start" && !strings.Contains(report, "GET /api/v1/days/{today}") {
			t.Errorf("%s: no day line:\n%s", scenario, report)
		}
		if scenario != "day" && !strings.Contains(report, "POST /api/v1/timer/start") {
			t.Errorf("%s: no start line:\n%s", scenario, report)
		}
		if strings.Contains(report, "errors of") {
			t.Errorf("%s: errors:\n%s", scenario, report)
		}
	}
	if f.logins.Load() != 9 || f.days.Load() == 0 || f.starts.Load() == 0 {
		t.Errorf("logins %d, days %d, starts %d", f.logins.Load(), f.days.Load(), f.starts.Load())
	}
	// One worker per user: every start switches the user's task.
	if f.repeats != 0 || f.switches == 0 {
		t.Errorf("starts: %d switches, %d repeats", f.switches, f.repeats)
	}
}

func TestURLCountsErrorsByStatus(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		if n.Add(1)%4 == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"url", "--url", srv.URL + "/start", "--method", "post", "--conns", "2",
		"--duration", "200ms"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "POST /start") || !strings.Contains(out.String(), "503×") {
		t.Errorf("report:\n%s", out.String())
	}
}

func TestSignInReportsRateLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			fmt.Fprint(w, `<meta name="csrf-token" content="t">`)
			return
		}
		w.Header().Set("Retry-After", "60")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"run", "--base", srv.URL, "--users", "1", "--duration", "1s"}, &out, &errb); code != 1 {
		t.Errorf("exit %d", code)
	}
	if !strings.Contains(errb.String(), "RATELIMIT_LOGIN") {
		t.Errorf("message: %q", errb.String())
	}
}
