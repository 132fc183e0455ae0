package web

// Live updates: GET /api/v1/events streams every change of the signed-in
// user's timer, tasks, entries, notes and settings as Server-Sent Events,
// whichever tab, device, instance or admin command made it, and each phase
// end as it happens. Handlers publish after a write succeeds.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
	"github.com/focusflow/focusflow/internal/live"
)

// Stream timings.
const (
	eventsHeartbeat = 20 * time.Second // proxies close idle responses; pages notice dead ones
	eventsRetry     = 3 * time.Second  // how soon a page's EventSource reconnects
	eventsWrite     = 10 * time.Second // a client that takes longer for one event is dropped
)

func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request, a *authState) {
	if s.live == nil {
		s.fail(w, r, focusflow.Errorf(focusflow.EUNAVAILABLE, "Live updates are not available."))
		return
	}
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = r.URL.Query().Get("last_event_id") // a tab taking over a stream cannot set headers
	}
	if len(last) > 100 {
		s.fail(w, r, focusflow.Invalid("last_event_id", "last_event_id is too long."))
		return
	}
	stream, replay, resync, err := s.live.Open(a.user.ID, a.streamID(), last)
	if errors.Is(err, live.ErrFull) || errors.Is(err, live.ErrDraining) {
		w.Header().Set("Retry-After", "30")
		s.fail(w, r, focusflow.Errorf(focusflow.EUNAVAILABLE, "Too many live connections here; the page keeps itself up to date without one."))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer stream.Close()
	s.metrics.EventStreams.Inc()
	defer s.metrics.EventStreams.Dec()
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // the server's write timeout is for ordinary responses
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // reverse proxies must pass events on at once
	w.WriteHeader(http.StatusOK)
	out := &sseWriter{w: w, rc: rc}
	out.write([]byte(fmt.Sprintf("retry: %d\n\n", eventsRetry.Milliseconds())))
	if resync {
		out.event(live.Event{Kind: live.KindResync, Data: json.RawMessage(`{}`)})
	}
	for _, e := range replay {
		if a.mayRead(areaScopes[e.Area]) {
			out.event(e)
		}
	}
	s.pump(r, a, stream, out)
}

// pump writes the stream's events until the client goes, the hub ends the
// stream (a goodbye tells the page why, and not to reconnect), or the
// session ends.
func (s *Server) pump(r *http.Request, a *authState, stream *live.Stream, out *sseWriter) {
	beat := time.NewTicker(eventsHeartbeat)
	defer beat.Stop()
	recheck := time.NewTicker(s.eventsRecheck)
	defer recheck.Stop()
	for out.err == nil {
		select {
		case <-r.Context().Done():
			return
		case e := <-stream.Events():
			if a.mayRead(areaScopes[e.Area]) {
				out.event(e)
			}
		case <-stream.Done():
			if reason := stream.Reason(); reason != "" {
				out.goodbye(reason)
			}
			return
		case <-beat.C:
			out.comment("keep-alive")
		case <-recheck.C:
			// Sign-outs made outside this process (an admin command on
			// SQLite, a bus that is down) are noticed here.
			if s.authEnded(r.Context(), a) {
				out.goodbye(live.ReasonSignedOut)
				return
			}
		}
	}
}

// authEnded checks a stream's session or API token under the request
// budget the stream itself has not got; a database that does not answer
// in time leaves the stream open for the next check.
func (s *Server) authEnded(ctx context.Context, a *authState) bool {
	if d := s.cfg.DBQueryTimeout; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	if a.token != nil {
		t, u, err := s.store.APITokenByHash(ctx, a.token.Hash)
		if err != nil {
			return focusflow.ErrorCode(err) == focusflow.ENOTFOUND
		}
		return !t.RevokedAt.IsZero() || t.Expired(s.now()) || !u.LockedAt.IsZero()
	}
	_, _, err := s.store.SessionUser(ctx, a.tokenHash)
	return focusflow.ErrorCode(err) == focusflow.ENOTFOUND
}

// streamID is the id the live hub knows a stream's credential by: the
// session's, or the negated token id (session sign-outs never match it).
func (a *authState) streamID() int64 {
	if a.token != nil {
		return -a.token.ID
	}
	return a.session.ID
}

// sseWriter writes the text/event-stream format, flushing each event.
type sseWriter struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	err error
}

func (o *sseWriter) write(b []byte) {
	if o.err != nil {
		return
	}
	o.rc.SetWriteDeadline(time.Now().Add(eventsWrite))
	if _, o.err = o.w.Write(b); o.err == nil {
		o.err = o.rc.Flush()
	}
}

func (o *sseWriter) comment(text string) { o.write([]byte(": " + text + "\n\n")) }

func (o *sseWriter) event(e live.Event) {
	data := e.Data
	if len(data) == 0 {
		data = json.RawMessage(`{}`)
	}
	b := make([]byte, 0, len(data)+64)
	if e.ID != "" {
		b = append(b, "id: "+e.ID+"\n"...)
	}
	b = append(b, "event: "+e.Kind+"\ndata: "...)
	b = append(b, data...) // compact JSON: one line
	b = append(b, "\n\n"...)
	o.write(b)
}

func (o *sseWriter) goodbye(reason string) {
	o.event(live.Event{Kind: live.KindGoodbye, Data: json.RawMessage(`{"reason":` + strconv.Quote(reason) + `}`)})
}

// --- publishing ---

// publish sends an event to the user's streams, if live updates are on.
func (s *Server) publish(userID int64, kind, area string, data any) {
	if s.live == nil {
		return
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return
	}
	s.live.Publish(live.Event{User: userID, Kind: kind, Area: area, Data: raw})
}

// timerChanged tells the user's pages the timer's new state, and the
// scheduler when its phase ends.
func (s *Server) timerChanged(_ *http.Request, a *authState, t *focusflow.Timer) {
	s.publish(a.user.ID, live.KindTimer, live.AreaTimer, map[string]any{"timer": toTimerJSON(t), "server_time": apiTime(s.now())})
	if next := focus.NextBoundary(t, a.user.TimerCap); s.phases != nil && !next.IsZero() {
		s.phases.Watch(a.user.ID, next)
	}
}

// PhaseEnded tells the user's pages that a phase of their session ended
// on time (the scheduler recorded it).
func (s *Server) PhaseEnded(userID int64, t *focusflow.Timer) {
	s.publish(userID, live.KindPhase, live.AreaTimer, map[string]any{"timer": toTimerJSON(t), "server_time": apiTime(s.now())})
}

// dayChanged tells the user's pages that what a date shows changed; an
// empty date means whichever date a page shows.
func (s *Server) dayChanged(userID int64, date, what, area string) {
	d := map[string]any{"what": what}
	if date != "" {
		d["date"] = date
	}
	s.publish(userID, live.KindDay, area, d)
}

// signedOut ends the streams of sessions (all of the user's but except,
// when all is set).
func (s *Server) signedOut(userID int64, sessions []int64, all bool, except int64) {
	if s.live == nil {
		return
	}
	s.live.Publish(live.Event{User: userID, Kind: live.KindSignedOut, Sessions: sessions, All: all, Except: except})
}
