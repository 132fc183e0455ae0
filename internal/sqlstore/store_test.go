package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			opts := e.Options(t)
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					db, err := sqlstore.Open(ctx, opts)
					if err != nil {
						errs[i] = fmt.Errorf("open: %w", err)
						return
					}
					defer db.Close()
					_, errs[i] = db.Migrate(ctx)
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatalf("concurrent migrate: %v", err)
				}
			}
			db, err := sqlstore.Open(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			applied, err := db.Migrate(ctx)
			if err != nil || len(applied) != 0 {
				t.Fatalf("second migrate applied %v, err %v", applied, err)
			}
			have, want, err := db.SchemaVersion(ctx)
			if err != nil || have != want || have == 0 {
				t.Fatalf("schema version %d, binary %d, err %v", have, want, err)
			}
		})
	}
}

func TestCreateUserConflictsIgnoreCase(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		u := &focusflow.User{Username: "Alice", Email: "alice@example.test"}
		if err := db.CreateUser(ctx, u, "hash"); err != nil {
			t.Fatal(err)
		}
		for _, dup := range []focusflow.User{
			{Username: "ALICE", Email: "other@example.test"},
			{Username: "bob", Email: "Alice@Example.test"},
		} {
			err := db.CreateUser(ctx, &dup, "hash")
			if focusflow.ErrorCode(err) != focusflow.ECONFLICT || err != sqlstore.ErrAccountTaken {
				t.Fatalf("duplicate %v: got %v", dup, err)
			}
		}
		got, hash, err := db.UserByLogin(ctx, " alice@EXAMPLE.test ")
		if err != nil || got.ID != u.ID || hash != "hash" || got.DailyGoal != focusflow.DefaultDailyGoal {
			t.Fatalf("by email: %+v %q %v", got, hash, err)
		}
		if _, _, err := db.UserByLogin(ctx, "nobody"); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
			t.Fatalf("unknown login: %v", err)
		}
	})
}

func TestSessionsExpireAndIdle(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			db := e.Open(t, func() time.Time { return now })
			u := &focusflow.User{Username: "carol", Email: "carol@example.test"}
			if err := db.CreateUser(ctx, u, "hash"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreateSession(ctx, focusflow.NewSession{TokenHash: "idle", UserID: u.ID,
				Lifetime: 8 * time.Hour, IdleTimeout: 2 * time.Hour}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreateSession(ctx, focusflow.NewSession{TokenHash: "remember", UserID: u.ID,
				Lifetime: 30 * 24 * time.Hour, Remember: true}); err != nil {
				t.Fatal(err)
			}
			s, su, err := db.SessionUser(ctx, "idle")
			if err != nil || su.ID != u.ID || s.Remember {
				t.Fatalf("fresh session: %+v %v", s, err)
			}
			now = now.Add(2*time.Hour + time.Second)
			if _, _, err := db.SessionUser(ctx, "idle"); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Fatalf("idle session still valid: %v", err)
			}
			if _, _, err := db.SessionUser(ctx, "remember"); err != nil {
				t.Fatalf("remember session lost: %v", err)
			}
			n, err := db.DeleteExpiredSessions(ctx)
			if err != nil || n != 1 {
				t.Fatalf("sweep removed %d, %v", n, err)
			}
			if err := db.SetLocked(ctx, u.ID, true); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.SessionUser(ctx, "remember"); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Fatalf("locked user's session still valid: %v", err)
			}
		})
	}
}

func TestLoginFailuresCountAndReset(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			db := e.Open(t, func() time.Time { return now })
			for i := 1; i <= 3; i++ {
				n, err := db.AddLoginFailure(ctx, "alice", 15*time.Minute)
				if err != nil || n != i {
					t.Fatalf("failure %d counted as %d (%v)", i, n, err)
				}
				now = now.Add(10 * time.Minute)
			}
			now = now.Add(16 * time.Minute)
			if n, _ := db.AddLoginFailure(ctx, "alice", 15*time.Minute); n != 1 {
				t.Fatalf("after a quiet window the count restarts, got %d", n)
			}
			n, last, err := db.LoginFailures(ctx, "alice")
			if err != nil || n != 1 || !last.Equal(now) {
				t.Fatalf("LoginFailures = %d %v %v", n, last, err)
			}
			db.ClearLoginFailures(ctx, "alice")
			if n, _, _ := db.LoginFailures(ctx, "alice"); n != 0 {
				t.Fatalf("cleared count = %d", n)
			}
		})
	}
}

func TestDeleteUserKeepsAnonymousEvents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		u := &focusflow.User{Username: "dave", Email: "dave@example.test"}
		if err := db.CreateUser(ctx, u, "hash"); err != nil {
			t.Fatal(err)
		}
		db.RecordEvent(ctx, focusflow.SecurityEvent{Kind: focusflow.EventSignup, UserID: u.ID, Login: "dave"})
		for range 3 {
			if err := db.RecordAggregatedEvent(ctx, focusflow.SecurityEvent{Kind: focusflow.EventCSRFRejected, UserID: u.ID}, "ip:127.0.0.1"); err != nil {
				t.Fatal(err)
			}
		}
		evs, err := db.Events(ctx, u.ID, 10)
		if err != nil || len(evs) != 2 {
			t.Fatalf("events %+v %v", evs, err)
		}
		var agg int
		for _, e := range evs {
			if e.Kind == focusflow.EventCSRFRejected {
				agg = e.Count
			}
		}
		if agg != 3 {
			t.Fatalf("aggregated count %d, want 3", agg)
		}
		if err := db.DeleteUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.User(ctx, u.ID); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
			t.Fatalf("user still there: %v", err)
		}
		if evs, _ := db.Events(ctx, u.ID, 10); len(evs) != 0 {
			t.Fatalf("events still tied to the deleted id: %+v", evs)
		}
		n, err := db.DeleteOldEvents(ctx, -time.Hour)
		if err != nil || n != 2 {
			t.Fatalf("retention removed %d (%v), want the 2 anonymous events", n, err)
		}
	})
}
