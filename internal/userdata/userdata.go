// Package userdata is the user's export document (focusflow.ExportDoc):
// building it from the rows an account owns, reading an uploaded one
// strictly, checking every value, and turning a valid one into the rows
// the store writes. It needs no database: the store reads and writes the
// rows through Store.
package userdata

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/focusflow/focusflow"
)

// Store reads and writes the rows of documents.
type Store interface {
	// ExportRows reads everything the account owns, from one snapshot,
	// with the account's reference in documents (made at its first
	// export).
	ExportRows(ctx context.Context, userID int64) (*focusflow.ExportRows, error)
	// ImportRows writes a checked plan into the user's account in one
	// transaction, or nothing: it skips the rows the account already has,
	// refuses entries and phases that overlap the account's with a
	// conflicting *focusflow.ImportError, merges day notes, applies the
	// settings of another account's document (its session settings and
	// signals when it has them), and keeps the per-day figures and the
	// achievements right.
	ImportRows(ctx context.Context, user *focusflow.User, plan *focusflow.ImportPlan) (*focusflow.ImportSummary, error)
}

// Service exports and imports users' documents through a store.
type Service struct {
	store  Store
	now    func() time.Time
	limits Limits
	slots  chan struct{} // one per import running; nil: no limit

	mu        sync.Mutex
	importing map[int64]bool // users with an import running here
}

// Limits bound what imports may take from an instance. Zero values set no
// limit.
type Limits struct {
	MaxRows     int   // rows (every element of every section) per document: IMPORT_MAX_ROWS
	MaxBytes    int64 // bytes per document: IMPORT_MAX_BYTES
	MaxParallel int   // imports running at once: IMPORT_MAX_PARALLEL
}

// New returns a Service over store; now is the clock (nil: time.Now) that
// dates documents and that no instant of an imported one may lie after.
func New(store Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, now: now, importing: map[int64]bool{}}
}

// WithLimits sets the limits of imports and returns s.
func (s *Service) WithLimits(l Limits) *Service {
	s.limits = l
	s.slots = nil
	if l.MaxParallel > 0 {
		s.slots = make(chan struct{}, l.MaxParallel)
	}
	return s
}

// Importing reports whether an import into the user's account runs on
// this instance.
func (s *Service) Importing(userID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.importing[userID]
}

// RetryAfter is how long a client refused for want of a free import slot
// is told to wait.
const RetryAfter = 10 * time.Second

// begin claims the right to import for user: one import per user at a
// time (the store refuses a second one on another instance too), and at
// most MaxParallel on this instance. The caller calls the returned end
// when the import is over.
func (s *Service) begin(userID int64) (end func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.importing[userID] {
		return nil, focusflow.Errorf(focusflow.ECONFLICT,
			"An import into this account is already running; wait until it has finished, then try again.")
	}
	if s.slots != nil {
		select {
		case s.slots <- struct{}{}:
		default:
			return nil, focusflow.Errorf(focusflow.EUNAVAILABLE, "The server is busy with other imports "+
				"(IMPORT_MAX_PARALLEL=%d at once); try again in %d seconds.", s.limits.MaxParallel, int(RetryAfter/time.Second))
		}
	}
	s.importing[userID] = true
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.importing, userID)
		if s.slots != nil {
			<-s.slots
		}
	}, nil
}

// Export builds the user's document.
func (s *Service) Export(ctx context.Context, userID int64) (*focusflow.ExportDoc, error) {
	rows, err := s.store.ExportRows(ctx, userID)
	if err != nil {
		return nil, err
	}
	return Build(rows, s.now()), nil
}

// Import reads a document (a file or request body) as a stream and loads
// it into the user's account: every value is checked first, as it is
// read, then everything is written, or nothing is. Problems with the
// document come back as one *focusflow.ImportError; a document over a
// limit as a too-large error naming the setting; a second import for the
// same user while one runs as a conflict, and one past the instance's
// parallel imports as unavailable (retry after RetryAfter).
func (s *Service) Import(ctx context.Context, user *focusflow.User, in io.Reader) (*focusflow.ImportSummary, error) {
	end, err := s.begin(user.ID)
	if err != nil {
		return nil, err
	}
	defer end()
	plan, err := s.Decode(in)
	if err != nil {
		return nil, err
	}
	return s.store.ImportRows(ctx, user, plan)
}

// Decode reads a document as a stream, checks it as it goes, within the
// limits, and returns the rows to write.
func (s *Service) Decode(in io.Reader) (*focusflow.ImportPlan, error) {
	c := newChecker(s.now())
	d := newDocReader(&limitedReader{r: in, max: s.limits.MaxBytes}, c, s.limits.MaxRows)
	head, err := d.read()
	if err != nil {
		return nil, err
	}
	return c.finish(head)
}
