package live

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/focusflow/focusflow"
)

// PhaseStore is what the scheduler asks of the store.
type PhaseStore interface {
	// NextBoundaries lists the phase ends due before until.
	NextBoundaries(ctx context.Context, until time.Time) ([]focusflow.Boundary, error)
	// AdvanceTimerOf records the boundaries the user's timer has passed;
	// changed is false when there were none (or another instance recorded
	// them first). timer is the timer afterwards, next when it changes by
	// itself again (zero: never).
	AdvanceTimerOf(ctx context.Context, userID int64) (timer *focusflow.Timer, next time.Time, changed bool, err error)
}

// Scheduler records each phase end at its instant, whether or not anyone
// is connected, and tells the user's pages. Every instance runs one: they
// race for each boundary, the row lock lets one record it, and only the
// one that did publishes. A boundary missed while no instance ran is
// recorded at its own instant by the first look after.
type Scheduler struct {
	store   PhaseStore
	publish func(userID int64, t *focusflow.Timer)
	logger  *slog.Logger
	now     func() time.Time
	poll    time.Duration
	onLag   func(time.Duration)

	mu   sync.Mutex
	due  map[int64]time.Time // user → next boundary
	wake chan struct{}
}

// SchedulerConfig wires a scheduler.
type SchedulerConfig struct {
	Store   PhaseStore
	Publish func(userID int64, t *focusflow.Timer) // a phase ended: tell the user's pages
	Logger  *slog.Logger
	Now     func() time.Time
	Poll    time.Duration       // how often the store is asked what is due soon
	OnLag   func(time.Duration) // how late each recorded boundary was (for metrics)
}

// NewScheduler makes a scheduler; Run runs it.
func NewScheduler(cfg SchedulerConfig) *Scheduler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 10 * time.Second
	}
	if cfg.OnLag == nil {
		cfg.OnLag = func(time.Duration) {}
	}
	return &Scheduler{store: cfg.Store, publish: cfg.Publish, logger: cfg.Logger, now: cfg.Now, poll: cfg.Poll,
		onLag: cfg.OnLag, due: map[int64]time.Time{}, wake: make(chan struct{}, 1)}
}

// Watch schedules a user's next boundary (after an action on this
// instance set one); a zero at forgets it.
func (s *Scheduler) Watch(userID int64, at time.Time) {
	s.mu.Lock()
	if at.IsZero() {
		delete(s.due, userID)
	} else {
		s.due[userID] = at
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run records boundaries until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	poll := time.NewTicker(s.poll)
	defer poll.Stop()
	s.refresh(ctx)
	for {
		wait := s.poll
		if next, ok := s.next(); ok {
			wait = min(wait, max(next.Sub(s.now()), 0))
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-poll.C:
			s.refresh(ctx)
		case <-s.wake:
		case <-timer.C:
		}
		timer.Stop()
		s.fire(ctx)
	}
}

// refresh learns the boundaries due within two polls.
func (s *Scheduler) refresh(ctx context.Context) {
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	list, err := s.store.NextBoundaries(qctx, s.now().Add(2*s.poll))
	if err != nil {
		s.logger.Warn("phase scheduler: reading the next phase ends", "error", err)
		return
	}
	s.mu.Lock()
	for _, b := range list {
		if cur, ok := s.due[b.UserID]; !ok || b.At.Before(cur) {
			s.due[b.UserID] = b.At
		}
	}
	s.mu.Unlock()
}

func (s *Scheduler) next() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var first time.Time
	for _, at := range s.due {
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	return first, !first.IsZero()
}

// fire records every boundary that is due.
func (s *Scheduler) fire(ctx context.Context) {
	now := s.now()
	var users []int64
	s.mu.Lock()
	for u, at := range s.due {
		if !at.After(now) {
			users = append(users, u)
			delete(s.due, u)
			s.onLag(now.Sub(at))
		}
	}
	s.mu.Unlock()
	for _, u := range users {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		t, next, changed, err := s.store.AdvanceTimerOf(actx, u)
		cancel()
		if err != nil {
			s.logger.Warn("phase scheduler: recording a phase end", "user_id", u, "error", err)
			continue // the next poll finds it again
		}
		if changed && s.publish != nil {
			s.publish(u, t)
		}
		if !next.IsZero() {
			s.Watch(u, next)
		}
	}
}
