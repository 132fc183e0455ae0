package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/focusflow/focusflow"
)

// Personal access tokens (see focusflow.APIToken). Lookups are by the
// token's keyed hash; the caller compares the stored hash again in
// constant time.

const tokenColumns = `k.id, k.user_id, k.token_hash, k.name, k.scopes, k.created_at, k.expires_at, k.last_used_at,
	k.last_used_ip, k.revoked_at`

// tokenReturning is tokenColumns for RETURNING, where SQLite allows no
// table alias.
var tokenReturning = strings.ReplaceAll(tokenColumns, "k.", "")

// tokenRow receives tokenColumns; finish fills in t after the scan.
type tokenRow struct {
	t                      focusflow.APIToken
	scopes                 string
	created                int64
	expires, used, revoked sql.NullInt64
}

func (r *tokenRow) dest() []any {
	return []any{&r.t.ID, &r.t.UserID, &r.t.Hash, &r.t.Name, &r.scopes, &r.created, &r.expires, &r.used,
		&r.t.LastUsedIP, &r.revoked}
}

func (r *tokenRow) finish() *focusflow.APIToken {
	t := r.t
	t.Scopes = strings.Fields(r.scopes)
	t.CreatedAt = fromMS(r.created)
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = fromNullMS(r.expires), fromNullMS(r.used), fromNullMS(r.revoked)
	return &t
}

// CreateAPIToken stores a new token (n must be validated) and returns it.
// A user has at most focusflow.MaxTokensPerUser live tokens.
func (db *DB) CreateAPIToken(ctx context.Context, n focusflow.NewAPIToken) (*focusflow.APIToken, error) {
	now := db.ms()
	t := &focusflow.APIToken{UserID: n.UserID, Name: n.Name, Scopes: n.Scopes, CreatedAt: fromMS(now),
		ExpiresAt: n.ExpiresAt, Hash: n.Hash}
	var expires any
	if !n.ExpiresAt.IsZero() {
		expires = n.ExpiresAt.UnixMilli()
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var live int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL
			AND (expires_at IS NULL OR expires_at > $2)`, n.UserID, now).Scan(&live); err != nil {
			return wrapDBError(err)
		}
		if live >= focusflow.MaxTokensPerUser {
			return focusflow.Errorf(focusflow.ECONFLICT, "You have %d tokens already: revoke one you no longer use first.", live)
		}
		return wrapDBError(tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, name, scopes, created_at,
			expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			n.UserID, n.Hash, n.Name, strings.Join(n.Scopes, " "), now, expires).Scan(&t.ID))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// APITokenByHash finds a token and its user in one query, whatever their
// state: the caller tells a revoked or expired token, or a locked account,
// from a good one (and says which in the audit trail).
func (db *DB) APITokenByHash(ctx context.Context, hash string) (*focusflow.APIToken, *focusflow.User, error) {
	var row tokenRow
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+`, `+tokenColumns+`
		FROM api_tokens k JOIN users u ON u.id = k.user_id WHERE k.token_hash = $1`, hash), row.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, notFound("Token")
	}
	if err != nil {
		return nil, nil, wrapDBError(err)
	}
	return row.finish(), db.adjust(u), nil
}

// TouchAPIToken records a use of the token from ip, and whether ip is new
// to it. Callers do it at most once a minute per token and address, so
// that reads do not turn into writes.
func (db *DB) TouchAPIToken(ctx context.Context, tokenID int64, ip string) (newAddress bool, err error) {
	now := db.ms()
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $2, last_used_ip = $3 WHERE id = $1`,
			tokenID, now, ip); err != nil {
			return wrapDBError(err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO api_token_addresses (token_id, ip, first_used_at)
			VALUES ($1, $2, $3) ON CONFLICT (token_id, ip) DO NOTHING`, tokenID, ip, now)
		if err != nil {
			return wrapDBError(err)
		}
		n, err := res.RowsAffected()
		newAddress = n > 0
		return err
	})
	return newAddress, err
}

// APITokens lists a user's tokens that are not revoked (expired ones
// included, so that their owner sees why a script stopped), newest first.
func (db *DB) APITokens(ctx context.Context, userID int64) ([]focusflow.APIToken, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens k
		WHERE k.user_id = $1 AND k.revoked_at IS NULL ORDER BY k.created_at DESC, k.id DESC`, userID)
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	var out []focusflow.APIToken
	for rows.Next() {
		var r tokenRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, wrapDBError(err)
		}
		t := r.finish()
		t.Hash = ""
		out = append(out, *t)
	}
	return out, wrapDBError(rows.Err())
}

// RevokeAPIToken revokes one of the user's live tokens and returns it;
// another user's token, or one revoked already, is not found.
func (db *DB) RevokeAPIToken(ctx context.Context, userID, tokenID int64) (*focusflow.APIToken, error) {
	var r tokenRow
	err := db.write.QueryRowContext(ctx, `UPDATE api_tokens SET revoked_at = $3
		WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING `+tokenReturning,
		tokenID, userID, db.ms()).Scan(r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Token")
	}
	if err != nil {
		return nil, wrapDBError(err)
	}
	return r.finish(), nil
}

// RevokeUserAPITokens revokes every live token of a user and returns how
// many it revoked.
func (db *DB) RevokeUserAPITokens(ctx context.Context, userID int64) (int64, error) {
	return revokeUserTokens(ctx, db.write, userID, db.ms())
}

func revokeUserTokens(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, userID, now int64) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`,
		userID, now)
	if err != nil {
		return 0, wrapDBError(err)
	}
	return res.RowsAffected()
}
