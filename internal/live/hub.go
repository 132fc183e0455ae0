// Package live pushes changes to a signed-in user's open pages as they
// happen: an in-process hub of streams per user, and a bus that carries
// events between instances (PostgreSQL LISTEN/NOTIFY or Redis pub/sub).
// Events say what changed; they are not the data of record: a stream that
// missed some (a lost connection, an instance restart, a bus outage) is
// told to resync and reads the current state again, so nothing is lost.
package live

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Event kinds.
const (
	KindTimer    = "timer"    // the timer changed; Data is the timer (or null)
	KindPhase    = "phase"    // a phase ended on time; Data is the timer
	KindDay      = "day"      // tasks, entries or notes of a date changed; Data names the date
	KindSettings = "settings" // the profile's settings changed
	KindResync   = "resync"   // events may have been missed: read everything again
	KindGoodbye  = "goodbye"  // the stream ends and must not reconnect; Data gives the reason
	// KindSignedOut ends the streams of the sessions it names (never sent
	// to a page as such: the streams get a goodbye).
	KindSignedOut = "signed_out"
)

// Areas, for streams that may see only some events (scoped tokens).
const (
	AreaTimer    = "timer"
	AreaTasks    = "tasks"
	AreaNotes    = "notes"
	AreaSettings = "settings"
)

// Reasons a stream ends with a goodbye.
const (
	ReasonSuperseded = "superseded" // the user opened more streams than allowed
	ReasonSignedOut  = "signed_out"
)

// Event is one change of one user's data (User 0: every user, for a
// revocation of all sessions).
type Event struct {
	ID   string          `json:"id"`
	User int64           `json:"user"`
	Kind string          `json:"kind"`
	Area string          `json:"area,omitempty"`
	Data json.RawMessage `json:"data,omitempty"`
	// For KindSignedOut: the sessions whose streams end. All ends every
	// session of User (every user's when User is 0) but Except.
	Sessions []int64 `json:"sessions,omitempty"`
	All      bool    `json:"all,omitempty"`
	Except   int64   `json:"except,omitempty"`
}

// Errors of Open.
var (
	ErrFull     = errors.New("live: too many open streams on this instance")
	ErrDraining = errors.New("live: shutting down")
)

// Config sizes a hub.
type Config struct {
	PerUser     int           // streams one user may hold; over it the oldest ends
	PerInstance int           // streams this instance holds at most
	Replay      int           // recent events kept per user for resuming
	Grace       time.Duration // how long a user's recent events outlive their last stream
	Bus         Bus           // nil: this instance only
	Logger      *slog.Logger
	Now         func() time.Time
}

// Hub is one instance's streams.
type Hub struct {
	cfg      Config
	instance string
	seq      atomic.Uint64

	mu       sync.Mutex
	users    map[int64]*userStreams
	total    int
	draining bool

	out       chan []byte // to the bus
	stop      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

type userStreams struct {
	streams []*Stream // oldest first
	recent  []Event   // the last cfg.Replay events, oldest first
	idle    time.Time // when the last stream closed; zero while any is open
}

// New makes a hub; Close stops it.
func New(cfg Config) *Hub {
	if cfg.PerUser <= 0 {
		cfg.PerUser = 8
	}
	if cfg.PerInstance <= 0 {
		cfg.PerInstance = 10_000
	}
	if cfg.Replay <= 0 {
		cfg.Replay = 64
	}
	if cfg.Grace <= 0 {
		cfg.Grace = 2 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &Hub{cfg: cfg, instance: newInstanceID(), users: map[int64]*userStreams{},
		out: make(chan []byte, 1024), stop: make(chan struct{})}
	h.wg.Go(h.forget)
	if cfg.Bus != nil {
		h.wg.Go(h.send)
	}
	return h
}

// Close ends every stream and stops the hub's goroutines; closing again
// does nothing.
func (h *Hub) Close() {
	h.closeOnce.Do(func() {
		h.Drain()
		h.mu.Lock()
		for _, us := range h.users {
			for _, s := range us.streams {
				s.end("")
			}
		}
		h.mu.Unlock()
		close(h.stop)
		h.wg.Wait()
	})
}

// Drain refuses new streams; open ones stay until they close.
func (h *Hub) Drain() {
	h.mu.Lock()
	h.draining = true
	h.mu.Unlock()
}

// Count is the number of open streams.
func (h *Hub) Count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total
}

// Open registers a stream of user's session. When lastID is set, replay
// holds the events after it; resync is set when they are not all known
// here (the page must then read everything again).
func (h *Hub) Open(user, session int64, lastID string) (s *Stream, replay []Event, resync bool, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.draining:
		return nil, nil, false, ErrDraining
	case h.total >= h.cfg.PerInstance:
		return nil, nil, false, ErrFull
	}
	us := h.users[user]
	if us == nil {
		us = &userStreams{}
		h.users[user] = us
	}
	for len(us.streams) >= h.cfg.PerUser {
		us.streams[0].end(ReasonSuperseded)
		h.remove(us.streams[0])
	}
	s = &Stream{hub: h, User: user, Session: session, ch: make(chan Event, 32), done: make(chan struct{})}
	us.streams = append(us.streams, s)
	us.idle = time.Time{}
	h.total++
	if lastID != "" {
		replay, resync = us.after(lastID)
	}
	return s, replay, resync, nil
}

// after returns the recent events after id; ok is false when id is not
// among them.
func (us *userStreams) after(id string) ([]Event, bool) {
	for i, e := range us.recent {
		if e.ID == id {
			return append([]Event(nil), us.recent[i+1:]...), false
		}
	}
	return nil, true
}

// remove unregisters s; h.mu is held.
func (h *Hub) remove(s *Stream) {
	us := h.users[s.User]
	if us == nil {
		return
	}
	for i, o := range us.streams {
		if o == s {
			us.streams = append(us.streams[:i], us.streams[i+1:]...)
			h.total--
			break
		}
	}
	if len(us.streams) == 0 {
		us.idle = h.cfg.Now()
	}
}

// Publish assigns the event an id, delivers it to this instance's streams
// and hands it to the bus for the others. It never blocks: a bus that
// cannot keep up loses events, and their streams resync when it recovers.
func (h *Hub) Publish(e Event) {
	if e.ID == "" {
		e.ID = fmt.Sprintf("%x-%s-%x", h.cfg.Now().UnixMilli(), h.instance, h.seq.Add(1))
	}
	h.deliver(e)
	if h.cfg.Bus == nil {
		return
	}
	msg, err := json.Marshal(busMessage{Origin: h.instance, Event: e})
	if err != nil {
		return
	}
	select {
	case h.out <- msg:
	default:
		h.cfg.Logger.Warn("live: bus queue full, event not sent to other instances", "kind", e.Kind)
	}
}

// Resync tells every stream of this instance to read everything again
// (events from other instances may have been lost).
func (h *Hub) Resync() {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := Event{Kind: KindResync}
	for _, us := range h.users {
		us.recent = nil // nothing before this point can be resumed from
		for _, s := range us.streams {
			s.send(e)
		}
	}
}

// deliver hands e to the streams it concerns.
func (h *Hub) deliver(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e.Kind == KindSignedOut {
		h.signOut(e)
		return
	}
	us := h.users[e.User]
	if us == nil {
		return
	}
	for _, r := range us.recent {
		if r.ID == e.ID {
			return // seen already (it came by two routes)
		}
	}
	us.recent = append(us.recent, e)
	if n := len(us.recent) - h.cfg.Replay; n > 0 {
		us.recent = us.recent[n:]
	}
	for _, s := range us.streams {
		s.send(e)
	}
}

// signOut ends the streams of the sessions e names; h.mu is held.
func (h *Hub) signOut(e Event) {
	for user, us := range h.users {
		if e.User != 0 && user != e.User {
			continue
		}
		for _, s := range append([]*Stream(nil), us.streams...) {
			// Negative ids are API tokens' streams: signing sessions out
			// leaves them (their revocation ends them at the next check).
			if s.Session == e.Except || s.Session < 0 && e.All {
				continue
			}
			match := e.All
			for _, id := range e.Sessions {
				match = match || id == s.Session
			}
			if match {
				s.end(ReasonSignedOut)
				h.remove(s)
			}
		}
	}
}

// forget drops the recent events of users whose streams closed more than
// Grace ago.
func (h *Hub) forget() {
	t := time.NewTicker(h.cfg.Grace / 4)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
		}
		h.mu.Lock()
		now := h.cfg.Now()
		for user, us := range h.users {
			if len(us.streams) == 0 && now.Sub(us.idle) > h.cfg.Grace {
				delete(h.users, user)
			}
		}
		h.mu.Unlock()
	}
}

// Stream is one open event stream of one session.
type Stream struct {
	hub     *Hub
	User    int64
	Session int64
	ch      chan Event
	done    chan struct{}
	once    sync.Once
	reason  string
}

// Events delivers the stream's events.
func (s *Stream) Events() <-chan Event { return s.ch }

// Done is closed when the hub ends the stream; Reason then says why ("" for
// a shutdown, or a stream that fell behind and should resume).
func (s *Stream) Done() <-chan struct{} { return s.done }

// Reason is why the hub ended the stream.
func (s *Stream) Reason() string {
	<-s.done
	return s.reason
}

// Close unregisters the stream (its client went away).
func (s *Stream) Close() {
	s.hub.mu.Lock()
	s.hub.remove(s)
	s.hub.mu.Unlock()
	s.end("")
}

// send queues e; a stream that has fallen this far behind is ended, and
// its page resumes from the last event it saw.
func (s *Stream) send(e Event) {
	select {
	case s.ch <- e:
	default:
		s.end("")
		s.hub.remove(s)
	}
}

func (s *Stream) end(reason string) {
	s.once.Do(func() {
		s.reason = reason
		close(s.done)
	})
}
