// Package userdata is the user's export document (focusflow.ExportDoc):
// building it from the rows an account owns, reading an uploaded one
// strictly, checking every value, and turning a valid one into the rows
// the store writes. It needs no database: the store reads and writes the
// rows through Store.
package userdata

import (
	"context"
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
	store Store
	now   func() time.Time
}

// New returns a Service over store; now is the clock (nil: time.Now) that
// dates documents and that no instant of an imported one may lie after.
func New(store Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, now: now}
}

// Export builds the user's document.
func (s *Service) Export(ctx context.Context, userID int64) (*focusflow.ExportDoc, error) {
	rows, err := s.store.ExportRows(ctx, userID)
	if err != nil {
		return nil, err
	}
	return Build(rows, s.now()), nil
}

// Import reads a document (the bytes of a file or request body) and loads
// it into the user's account: every value is checked first, then
// everything is written in one transaction, or nothing is. Problems with
// the document come back as one *focusflow.ImportError.
func (s *Service) Import(ctx context.Context, user *focusflow.User, data []byte) (*focusflow.ImportSummary, error) {
	doc, err := Parse(data)
	if err != nil {
		return nil, err
	}
	plan, err := Check(doc, s.now())
	if err != nil {
		return nil, err
	}
	return s.store.ImportRows(ctx, user, plan)
}
