package live

import (
	"encoding/json"
	"testing"
	"time"
)

// next waits for the stream's next event.
func next(t *testing.T, s *Stream) Event {
	t.Helper()
	select {
	case e := <-s.Events():
		return e
	case <-s.Done():
		t.Fatalf("stream ended (%q) while waiting for an event", s.reason)
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5 s")
	}
	return Event{}
}

func quiet(t *testing.T, s *Stream) {
	t.Helper()
	select {
	case e := <-s.Events():
		t.Fatalf("unexpected event %+v", e)
	case <-time.After(50 * time.Millisecond):
	}
}

func open(t *testing.T, h *Hub, user, session int64, last string) *Stream {
	t.Helper()
	s, _, _, err := h.Open(user, session, last)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestEventsReachEveryStreamOfTheirUserOnly(t *testing.T) {
	h := New(Config{})
	defer h.Close()
	a1, a2, b := open(t, h, 1, 10, ""), open(t, h, 1, 11, ""), open(t, h, 2, 20, "")
	h.Publish(Event{User: 1, Kind: KindTimer, Data: json.RawMessage(`{"state":"running"}`)})
	for _, s := range []*Stream{a1, a2} {
		if e := next(t, s); e.Kind != KindTimer || e.ID == "" || string(e.Data) != `{"state":"running"}` {
			t.Fatalf("got %+v", e)
		}
	}
	quiet(t, b)
}

func TestResumeFromLastEventID(t *testing.T) {
	h := New(Config{Replay: 3})
	defer h.Close()
	s := open(t, h, 1, 10, "")
	var ids []string
	for range 5 {
		h.Publish(Event{User: 1, Kind: KindDay})
		ids = append(ids, next(t, s).ID)
	}
	s.Close()
	// The last three are kept: resuming after the third replays two.
	_, replay, resync, err := h.Open(1, 10, ids[2])
	if err != nil || resync || len(replay) != 2 || replay[0].ID != ids[3] || replay[1].ID != ids[4] {
		t.Fatalf("replay %+v resync %v err %v", replay, resync, err)
	}
	// Resuming after an event no longer kept asks for a resync.
	_, replay, resync, _ = h.Open(1, 10, ids[0])
	if !resync || len(replay) != 0 {
		t.Fatalf("resuming from a forgotten id: replay %+v resync %v", replay, resync)
	}
	// Nothing missed: nothing to replay.
	_, replay, resync, _ = h.Open(1, 10, ids[4])
	if resync || len(replay) != 0 {
		t.Fatalf("resuming from the last id: replay %+v resync %v", replay, resync)
	}
}

func TestPerUserCapSupersedesTheOldest(t *testing.T) {
	h := New(Config{PerUser: 2})
	defer h.Close()
	oldest := open(t, h, 1, 10, "")
	open(t, h, 1, 11, "")
	newest := open(t, h, 1, 12, "")
	if r := oldest.Reason(); r != ReasonSuperseded {
		t.Fatalf("oldest ended with %q", r)
	}
	if h.Count() != 2 {
		t.Fatalf("%d streams open, want 2", h.Count())
	}
	h.Publish(Event{User: 1, Kind: KindDay})
	next(t, newest)
}

func TestPerInstanceCapAndDrain(t *testing.T) {
	h := New(Config{PerInstance: 2})
	defer h.Close()
	open(t, h, 1, 10, "")
	open(t, h, 2, 20, "")
	if _, _, _, err := h.Open(3, 30, ""); err != ErrFull {
		t.Fatalf("third stream: %v, want ErrFull", err)
	}
	h2 := New(Config{})
	defer h2.Close()
	kept := open(t, h2, 1, 10, "")
	h2.Drain()
	if _, _, _, err := h2.Open(1, 11, ""); err != ErrDraining {
		t.Fatalf("while draining: %v", err)
	}
	h2.Publish(Event{User: 1, Kind: KindDay})
	next(t, kept) // open streams stay and keep receiving
}

func TestSignOutEndsTheNamedSessions(t *testing.T) {
	h := New(Config{})
	defer h.Close()
	s10, s11, s12, other := open(t, h, 1, 10, ""), open(t, h, 1, 11, ""), open(t, h, 1, 12, ""), open(t, h, 2, 20, "")
	h.Publish(Event{User: 1, Kind: KindSignedOut, Sessions: []int64{10}})
	if r := s10.Reason(); r != ReasonSignedOut {
		t.Fatalf("session 10 ended with %q", r)
	}
	h.Publish(Event{User: 1, Kind: KindSignedOut, All: true, Except: 12})
	if r := s11.Reason(); r != ReasonSignedOut {
		t.Fatalf("session 11 ended with %q", r)
	}
	h.Publish(Event{User: 1, Kind: KindDay})
	next(t, s12)
	// Every user's sessions (session revoke --all).
	h.Publish(Event{Kind: KindSignedOut, All: true})
	for _, s := range []*Stream{s12, other} {
		if r := s.Reason(); r != ReasonSignedOut {
			t.Fatalf("stream of user %d ended with %q", s.User, r)
		}
	}
	if h.Count() != 0 {
		t.Fatalf("%d streams left", h.Count())
	}
}

func TestAStreamThatFallsBehindIsEnded(t *testing.T) {
	h := New(Config{})
	defer h.Close()
	slow := open(t, h, 1, 10, "")
	for range cap(slow.ch) + 1 {
		h.Publish(Event{User: 1, Kind: KindDay})
	}
	select {
	case <-slow.Done():
	case <-time.After(time.Second):
		t.Fatal("a stream that fell behind was kept")
	}
	if h.Count() != 0 {
		t.Fatalf("%d streams left", h.Count())
	}
}

func TestEventsCrossInstancesOnceEach(t *testing.T) {
	bus := NewLocalBus()
	h1, h2 := New(Config{Bus: bus}), New(Config{Bus: bus})
	defer h1.Close()
	defer h2.Close()
	h1.Listen()
	h2.Listen()
	<-bus.Ready()
	<-bus.Ready()
	s1, s2 := open(t, h1, 1, 10, ""), open(t, h2, 1, 11, "")
	h1.Publish(Event{User: 1, Kind: KindTimer})
	e1, e2 := next(t, s1), next(t, s2)
	if e1.ID != e2.ID {
		t.Fatalf("ids differ: %q %q", e1.ID, e2.ID)
	}
	quiet(t, s1) // its own message coming back over the bus is not delivered twice
	h2.Publish(Event{User: 1, Kind: KindSignedOut, Sessions: []int64{10}})
	if r := s1.Reason(); r != ReasonSignedOut {
		t.Fatalf("a sign-out on instance 2 ended instance 1's stream with %q", r)
	}
}
