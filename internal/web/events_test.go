package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/config"
	"github.com/focusflow/focusflow/internal/live"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// sseEvent is one event read off a stream.
type sseEvent struct {
	ID, Kind string
	Data     map[string]any
}

// eventStream is an open GET /api/v1/events of a client.
type eventStream struct {
	t      testing.TB
	res    *http.Response
	events chan sseEvent
	cancel context.CancelFunc
}

// openEvents opens the client's stream; lastID resumes.
func (c *client) openEvents(lastID string) *eventStream {
	c.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/v1/events", nil)
	for k, v := range c.Header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "text/event-stream")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		cancel()
		c.t.Fatalf("GET /api/v1/events: %v", err)
	}
	s := &eventStream{t: c.t, res: res, events: make(chan sseEvent, 64), cancel: cancel}
	c.t.Cleanup(s.close)
	if res.StatusCode == http.StatusOK {
		go s.read()
	}
	return s
}

func (s *eventStream) close() {
	s.cancel()
	s.res.Body.Close()
}

func (s *eventStream) read() {
	defer close(s.events)
	sc := bufio.NewScanner(s.res.Body)
	var e sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if e.Kind != "" {
				s.events <- e
			}
			e = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			e.ID = line[4:]
		case strings.HasPrefix(line, "event: "):
			e.Kind = line[7:]
		case strings.HasPrefix(line, "data: "):
			json.Unmarshal([]byte(line[6:]), &e.Data)
		}
	}
}

// next waits for the next event of kind (others are skipped).
func (s *eventStream) next(kind string) sseEvent {
	s.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				s.t.Fatalf("stream ended while waiting for a %s event", kind)
			}
			if e.Kind == kind {
				return e
			}
		case <-timeout:
			s.t.Fatalf("no %s event within 10 s", kind)
		}
	}
}

// ended waits for the stream to end.
func (s *eventStream) ended() {
	s.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-timeout:
			s.t.Fatal("the stream did not end within 10 s")
		}
	}
}

func TestEventsReachEveryDeviceOfTheUser(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		laptop, u := ts.signedInClient(t)
		phone := ts.newClient(t)
		phone.login(u.Username, u.Password).expect(t, http.StatusSeeOther)
		stranger, _ := ts.signedInClient(t)
		onLaptop, onPhone, onStranger := laptop.openEvents(""), phone.openEvents(""), stranger.openEvents("")
		if ct := onPhone.res.Header.Get("Content-Type"); ct != "text/event-stream" {
			t.Fatalf("content type %q", ct)
		}

		task := laptop.json("POST", "/api/v1/tasks", map[string]any{"date": "2025-07-05", "title": "Write"}).expect(t, 201)
		if e := onPhone.next("day"); e.Data["date"] != "2025-07-05" || e.Data["what"] != "tasks" || e.ID == "" {
			t.Fatalf("day event %+v", e)
		}
		var created struct{ ID int64 }
		if err := json.Unmarshal([]byte(task.Body), &created); err != nil {
			t.Fatal(err)
		}
		id := created.ID
		laptop.json("POST", "/api/v1/timer/start", map[string]any{"task_id": id}).expect(t, 200)
		for _, s := range []*eventStream{onLaptop, onPhone} {
			e := s.next("timer")
			if timer, _ := e.Data["timer"].(map[string]any); timer["state"] != "running" || timer["phase"] != "focus" {
				t.Fatalf("timer event %+v", e)
			}
		}
		phone.json("PUT", "/api/v1/days/2025-07-05/note", map[string]any{"text": "from the phone"}).expect(t, 200)
		if e := onLaptop.next("day"); e.Data["what"] != "day_note" {
			t.Fatalf("day note event %+v", e)
		}
		select {
		case e := <-onStranger.events:
			t.Fatalf("another user's stream got %+v", e)
		case <-time.After(100 * time.Millisecond):
		}
	})
}

func TestEventsResumeFromTheLastID(t *testing.T) {
	ts := newTestServer(t, storetest.Engines(t)[0])
	c, _ := ts.signedInClient(t)
	s := c.openEvents("")
	c.json("POST", "/api/v1/tasks", map[string]any{"date": "2025-07-05", "title": "One"}).expect(t, 201)
	last := s.next("day").ID
	s.close()
	c.json("POST", "/api/v1/tasks", map[string]any{"date": "2025-07-05", "title": "Two"}).expect(t, 201)
	// Resuming replays what was missed …
	if e := c.openEvents(last).next("day"); e.ID == last || e.Data["what"] != "tasks" {
		t.Fatalf("resumed with %+v", e)
	}
	// … and an id this instance does not know asks for a full reload.
	c.openEvents("nothing-like-it").next("resync")
}

func TestEventStreamsEndWithTheirSession(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		a, u := ts.signedInClient(t)
		b := ts.newClient(t)
		b.login(u.Username, u.Password).expect(t, http.StatusSeeOther)
		onA, onB := a.openEvents(""), b.openEvents("")
		a.logout()
		if e := onA.next("goodbye"); e.Data["reason"] != "signed_out" {
			t.Fatalf("goodbye %+v", e)
		}
		onA.ended()
		b.json("POST", "/api/v1/tasks", map[string]any{"date": "2025-07-05", "title": "Still here"}).expect(t, 201)
		onB.next("day") // the other device's stream goes on
	})
}

// An admin command's sign-out reaches the streams: over the bus when the
// instances listen on one, else by the streams checking their session.
func TestAdminSignOutEndsStreams(t *testing.T) {
	e := storetest.Engines(t)[0]
	t.Run("over the bus", func(t *testing.T) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		s := c.openEvents("")
		msg, _ := live.EncodeForBus(live.Event{User: c.userID(), Kind: live.KindSignedOut, All: true})
		ts.bus.Publish(context.Background(), msg)
		if ev := s.next("goodbye"); ev.Data["reason"] != "signed_out" {
			t.Fatalf("goodbye %+v", ev)
		}
	})
	t.Run("by rechecking the session", func(t *testing.T) {
		ts := startTestServer(t, testSetup{Engine: e, Bus: live.NewLocalBus(), EventsRecheck: 100 * time.Millisecond})
		c, _ := ts.signedInClient(t)
		s := c.openEvents("")
		if _, err := ts.store.DeleteUserSessions(ts.ctx(), c.userID(), 0); err != nil { // as session revoke does
			t.Fatal(err)
		}
		if ev := s.next("goodbye"); ev.Data["reason"] != "signed_out" {
			t.Fatalf("goodbye %+v", ev)
		}
	})
}

func TestEventStreamLimits(t *testing.T) {
	e := storetest.Engines(t)[0]
	t.Run("per user: the oldest is told not to reconnect", func(t *testing.T) {
		ts := newTestServer(t, e, func(c *config.Config) { c.EventsPerUser = 2 })
		c, _ := ts.signedInClient(t)
		first := c.openEvents("")
		c.openEvents("")
		c.openEvents("")
		if ev := first.next("goodbye"); ev.Data["reason"] != "superseded" {
			t.Fatalf("goodbye %+v", ev)
		}
	})
	t.Run("per instance: 503 and the page polls", func(t *testing.T) {
		ts := newTestServer(t, e, func(c *config.Config) { c.EventsMaxStreams = 1 })
		a, _ := ts.signedInClient(t)
		b, _ := ts.signedInClient(t)
		a.openEvents("")
		s := b.openEvents("")
		if s.res.StatusCode != http.StatusServiceUnavailable || s.res.Header.Get("Retry-After") == "" {
			t.Fatalf("over the limit: %d, Retry-After %q", s.res.StatusCode, s.res.Header.Get("Retry-After"))
		}
	})
	t.Run("signed out: 401", func(t *testing.T) {
		ts := newTestServer(t, e)
		if s := ts.newClient(t).openEvents(""); s.res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("anonymous stream: %d", s.res.StatusCode)
		}
	})
}

// Two instances on one PostgreSQL hear each other over LISTEN/NOTIFY on a
// direct connection, also when DATABASE_URL goes through a transaction
// pooler (FOCUSFLOW_TEST_DIRECT_URL names the server behind it).
func TestEventsCrossInstancesOverPostgres(t *testing.T) {
	var pg storetest.Engine
	for _, e := range storetest.Engines(t) {
		if e.Name == "postgres" {
			pg = e
		}
	}
	if pg.Name == "" {
		t.Skip("FOCUSFLOW_TEST_DATABASE_URL not set: LISTEN/NOTIFY needs PostgreSQL")
	}
	opts := pg.Options(t)
	notify := opts.URL
	if direct := os.Getenv("FOCUSFLOW_TEST_DIRECT_URL"); direct != "" {
		notify = storetest.SameDatabase(t, direct, opts.URL)
	}
	newBus := func() live.Bus {
		b, err := live.NewPGBus(notify, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(b.Close)
		return b
	}
	clk := newFakeClock(testEpoch)
	opts.Now = clk.Now
	store, err := sqlstore.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	one := startTestServer(t, testSetup{Engine: pg, Store: store, Clock: clk, Bus: newBus()})
	two := one.siblingWith(t, testSetup{Bus: newBus()})
	time.Sleep(500 * time.Millisecond) // both listeners up (each probes its connection first)
	onOne, u := one.signedInClient(t)
	onTwo := two.newClient(t)
	onTwo.login(u.Username, u.Password).expect(t, http.StatusSeeOther)
	stream := onTwo.openEvents("")
	deadline := time.Now().Add(10 * time.Second)
	for n := 0; ; n++ {
		onOne.json("POST", "/api/v1/tasks", map[string]any{"date": "2025-07-05", "title": fmt.Sprint("Task ", n)}).expect(t, 201)
		select {
		case e := <-stream.events:
			if e.Kind == "day" {
				return
			}
		case <-time.After(500 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("a change made through instance 1 never reached a stream on instance 2")
		}
	}
}
