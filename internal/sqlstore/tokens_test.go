package sqlstore_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

func TestAPITokenLifecycle(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			db := e.Open(t, func() time.Time { return now })
			u := &focusflow.User{Username: "dora", Email: "dora@example.test"}
			other := &focusflow.User{Username: "eve", Email: "eve@example.test"}
			for _, x := range []*focusflow.User{u, other} {
				if err := db.CreateUser(ctx, x, "hash"); err != nil {
					t.Fatal(err)
				}
			}
			tok, err := db.CreateAPIToken(ctx, focusflow.NewAPIToken{UserID: u.ID, Name: "script", Hash: "h1",
				Scopes: []string{focusflow.ScopeTasksRead, focusflow.ScopeStatsRead}, ExpiresAt: now.Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreateAPIToken(ctx, focusflow.NewAPIToken{UserID: u.ID, Name: "dup", Hash: "h1",
				Scopes: focusflow.Scopes}); err == nil {
				t.Fatal("two tokens with one hash were stored")
			}
			got, gu, err := db.APITokenByHash(ctx, "h1")
			if err != nil || gu.ID != u.ID || got.ID != tok.ID || got.Name != "script" || got.Hash != "h1" ||
				!slices.Equal(got.Scopes, []string{"tasks:read", "stats:read"}) || !got.ExpiresAt.Equal(now.Add(time.Hour)) ||
				!got.LastUsedAt.IsZero() || !got.RevokedAt.IsZero() {
				t.Fatalf("lookup: %+v %+v %v", got, gu, err)
			}
			if _, _, err := db.APITokenByHash(ctx, "nope"); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Fatalf("unknown hash: %v", err)
			}
			// The first use from an address is new; the next is not; another address is.
			for i, c := range []struct {
				ip   string
				want bool
			}{{"192.0.2.1", true}, {"192.0.2.1", false}, {"198.51.100.7", true}} {
				now = now.Add(time.Minute)
				isNew, err := db.TouchAPIToken(ctx, tok.ID, c.ip)
				if err != nil || isNew != c.want {
					t.Fatalf("touch %d from %s: new=%v (want %v), %v", i, c.ip, isNew, c.want, err)
				}
			}
			got, _, _ = db.APITokenByHash(ctx, "h1")
			if got.LastUsedIP != "198.51.100.7" || !got.LastUsedAt.Equal(now) {
				t.Fatalf("last use: %s at %v", got.LastUsedIP, got.LastUsedAt)
			}
			list, err := db.APITokens(ctx, u.ID)
			if err != nil || len(list) != 1 || list[0].ID != tok.ID || list[0].Hash != "" {
				t.Fatalf("list: %+v %v", list, err)
			}
			if _, err := db.RevokeAPIToken(ctx, other.ID, tok.ID); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Fatalf("another user revoked the token: %v", err)
			}
			if _, err := db.RevokeAPIToken(ctx, u.ID, tok.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.RevokeAPIToken(ctx, u.ID, tok.ID); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Fatalf("revoked twice: %v", err)
			}
			got, _, _ = db.APITokenByHash(ctx, "h1")
			if !got.RevokedAt.Equal(now) {
				t.Fatalf("revoked at %v", got.RevokedAt)
			}
			if list, _ := db.APITokens(ctx, u.ID); len(list) != 0 {
				t.Fatalf("a revoked token is listed: %+v", list)
			}
		})
	}
}

func TestLockAndDeleteEndTokens(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := e.Open(t, nil)
			u := &focusflow.User{Username: "fay", Email: "fay@example.test"}
			if err := db.CreateUser(ctx, u, "hash"); err != nil {
				t.Fatal(err)
			}
			for _, h := range []string{"a", "b"} {
				if _, err := db.CreateAPIToken(ctx, focusflow.NewAPIToken{UserID: u.ID, Name: h, Hash: h, Scopes: focusflow.Scopes}); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.SetLocked(ctx, u.ID, true); err != nil {
				t.Fatal(err)
			}
			if err := db.SetLocked(ctx, u.ID, false); err != nil {
				t.Fatal(err)
			}
			for _, h := range []string{"a", "b"} {
				if tok, _, err := db.APITokenByHash(ctx, h); err != nil || tok.RevokedAt.IsZero() {
					t.Fatalf("token %s after lock and unlock: %+v %v", h, tok, err)
				}
			}
			if _, err := db.CreateAPIToken(ctx, focusflow.NewAPIToken{UserID: u.ID, Name: "c", Hash: "c", Scopes: focusflow.Scopes}); err != nil {
				t.Fatal(err)
			}
			if err := db.DeleteUser(ctx, u.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.APITokenByHash(ctx, "c"); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Fatalf("a deleted account's token is found: %v", err)
			}
		})
	}
}

func TestTokensPerUserLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		u := &focusflow.User{Username: "gil", Email: "gil@example.test"}
		if err := db.CreateUser(ctx, u, "hash"); err != nil {
			t.Fatal(err)
		}
		for i := range focusflow.MaxTokensPerUser {
			if _, err := db.CreateAPIToken(ctx, focusflow.NewAPIToken{UserID: u.ID, Name: "t", Hash: "h" + strconv.Itoa(i),
				Scopes: focusflow.Scopes}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := db.CreateAPIToken(ctx, focusflow.NewAPIToken{UserID: u.ID, Name: "t", Hash: "one-too-many", Scopes: focusflow.Scopes})
		if focusflow.ErrorCode(err) != focusflow.ECONFLICT {
			t.Fatalf("token over the limit: %v", err)
		}
	})
}
