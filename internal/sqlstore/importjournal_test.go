package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/fake"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
	"github.com/focusflow/focusflow/internal/userdata"
)

// sampleDoc is a valid document of another account: tasks tasks (with
// history: an entry and a line of activity each, a note every tenth).
func sampleDoc(t testing.TB, tasks int, history bool, account string, now time.Time) []byte {
	t.Helper()
	rows := userdata.SampleRows(tasks, history, now.Add(-time.Hour))
	rows.Account = account
	raw, err := json.Marshal(userdata.Build(rows, now))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// journalSetup is an account with tasks of its own, on days a large
// document also fills, and that document.
type journalSetup struct {
	db     *sqlstore.DB
	clock  *fake.Clock
	user   *focusflow.User
	big    []byte
	before string // the account's figures and rows before the large import
	// late is the chunk at which a fault counts as late: after several
	// committed short transactions on SQLite; PostgreSQL has one.
	late int
}

func newJournalSetup(t *testing.T, e storetest.Engine) *journalSetup {
	t.Helper()
	s := &journalSetup{clock: fake.NewClock(time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC))}
	s.db = e.Open(t, s.clock.Now)
	s.user = exportAccount(t, s.db, "kim")
	if _, err := importDoc(s.db, s.clock.Now, s.user, sampleDoc(t, 40, false, "own-tasks", s.clock.Now())); err != nil {
		t.Fatal(err)
	}
	s.user = exportReload(t, s.db, s.user)
	s.big = sampleDoc(t, 2500, true, "big-account", s.clock.Now())
	s.before = s.figures(t)
	if sqlstore.ChunkedImports(s.db) {
		s.late = 3
	}
	return s
}

func (s *journalSetup) figures(t *testing.T) string {
	t.Helper()
	f, err := sqlstore.ImportFigures(context.Background(), s.db, s.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// A failure in a late chunk undoes what the earlier ones wrote: rows,
// per-day and per-hour figures, runs, time on tasks and the journal are
// as before; the same document then imports whole.
func TestImportFailingLateWritesNothing(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			s := newJournalSetup(t, e)
			boom := errors.New("the disk is full")
			sqlstore.SetImportFault(s.db, func(chunk int) error {
				if chunk == s.late {
					return boom
				}
				return nil
			})
			if _, err := importDoc(s.db, s.clock.Now, s.user, s.big); !errors.Is(err, boom) {
				t.Fatalf("import with a failing chunk %d: %v", s.late, err)
			}
			if after := s.figures(t); after != s.before {
				t.Errorf("after the failed import:\n%s\nbefore it:\n%s", after, s.before)
			}
			sqlstore.SetImportFault(s.db, nil)
			sum, err := importDoc(s.db, s.clock.Now, s.user, s.big)
			if err != nil || sum.Created.Tasks != 2500 || sum.Created.TimeEntries != 2500 {
				t.Fatalf("the import after: %+v, %v", sum, err)
			}
		})
	}
}

// An import cut short by a crash leaves its journal row; once it has gone
// unrenewed, CleanupImports (run at start and by the sweep) removes what
// it wrote. Until then the account refuses another import.
func TestImportCutShortIsCleanedUp(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			s := newJournalSetup(t, e)
			sqlstore.SetImportFault(s.db, func(chunk int) error {
				if chunk == s.late {
					return sqlstore.ErrImportCrash
				}
				return nil
			})
			if _, err := importDoc(s.db, s.clock.Now, s.user, s.big); !errors.Is(err, sqlstore.ErrImportCrash) {
				t.Fatalf("crashing import: %v", err)
			}
			sqlstore.SetImportFault(s.db, nil)
			chunked := sqlstore.ChunkedImports(s.db)
			if half := s.figures(t); (half != s.before) != chunked {
				t.Errorf("after the crash (chunked %v), the account changed: %v", chunked, half != s.before)
			}
			ctx := context.Background()
			if chunked {
				if _, err := importDoc(s.db, s.clock.Now, s.user, s.big); focusflow.ErrorCode(err) != focusflow.ECONFLICT {
					t.Errorf("an import while the cut one looks alive: %v", err)
				}
				if n, err := s.db.CleanupImports(ctx); n != 0 || err != nil {
					t.Errorf("cleanup before the journal is stale: %d, %v", n, err)
				}
			}
			s.clock.Advance(sqlstore.StaleImport + time.Second)
			want := 0
			if chunked {
				want = 1
			}
			if n, err := s.db.CleanupImports(ctx); n != want || err != nil {
				t.Errorf("cleanup: %d imports undone, %v; want %d", n, err, want)
			}
			if after := s.figures(t); after != s.before {
				t.Errorf("after the cleanup:\n%s\nbefore the import:\n%s", after, s.before)
			}
		})
	}
}

// One import per account at a time, whatever the instance: the store
// refuses a second while the first runs (the journal's row per user on
// SQLite, an advisory lock on PostgreSQL).
func TestImportOnePerAccountInTheStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			s := newJournalSetup(t, e)
			small := sampleDoc(t, 5, false, "small-account", s.clock.Now())
			held, release := make(chan struct{}), make(chan struct{})
			sqlstore.SetImportFault(s.db, func(chunk int) error {
				if chunk == 0 {
					close(held)
					<-release
				}
				return nil
			})
			done := make(chan error, 1)
			go func() {
				_, err := importDoc(s.db, s.clock.Now, s.user, s.big)
				done <- err
			}()
			<-held
			plan, err := userdata.New(nil, s.clock.Now).Decode(strings.NewReader(string(small)))
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.db.ImportRows(context.Background(), s.user, plan)
			close(release)
			if focusflow.ErrorCode(err) != focusflow.ECONFLICT || !strings.Contains(focusflow.ErrorMessage(err), "already running") {
				t.Errorf("a second import of the account: %v", err)
			}
			if err := <-done; err != nil {
				t.Errorf("the first import: %v", err)
			}
			sqlstore.SetImportFault(s.db, nil)
			if _, err := s.db.ImportRows(context.Background(), s.user, plan); err != nil {
				t.Errorf("the second import, after: %v", err)
			}
		})
	}
}

// While an import runs (on PostgreSQL: everything written, its one
// transaction still open), another user's writes go through:
// it holds no lock on a table that a writer would wait for, only row locks
// on the importing user's rows.
func TestImportDoesNotBlockOtherUsers(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			s := newJournalSetup(t, e)
			other := exportAccount(t, s.db, "lee")
			held, release := make(chan struct{}), make(chan struct{})
			var first atomic.Bool
			sqlstore.SetImportFault(s.db, func(chunk int) error {
				// PostgreSQL: everything written, the one transaction open;
				// SQLite: between two short transactions.
				if chunk == 0 && first.CompareAndSwap(false, true) { // the held import, not the other user's
					close(held)
					<-release
				}
				return nil
			})
			done := make(chan error, 1)
			go func() {
				_, err := importDoc(s.db, s.clock.Now, s.user, sampleDoc(t, 300, false, "held-open", s.clock.Now()))
				done <- err
			}()
			select {
			case <-held:
			case err := <-done:
				t.Fatalf("the import ended before its last transaction was held: %v", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // blocked, not slow, fails it
			defer cancel()
			if locks, err := sqlstore.TableLocksBlockingWriters(ctx, s.db); err != nil || len(locks) > 0 {
				t.Errorf("table locks that writers wait for, during the import: %v, %v", locks, err)
			}
			task := &focusflow.Task{Date: "2026-03-01", Title: "meanwhile"}
			if err := s.db.CreateTask(ctx, other, task); err != nil {
				t.Errorf("another user's task during the import: %v", err)
			}
			if _, err := importDoc(s.db, s.clock.Now, other, sampleDoc(t, 20, true, "lee-account", s.clock.Now())); err != nil {
				t.Errorf("another user's import during the import: %v", err)
			}
			close(release)
			if err := <-done; err != nil {
				t.Errorf("the held import: %v", err)
			}
		})
	}
}
