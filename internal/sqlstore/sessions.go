package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/focusflow/focusflow"
)

// CreateSession stores a new session and returns it.
func (db *DB) CreateSession(ctx context.Context, n focusflow.NewSession) (*focusflow.Session, error) {
	now := db.ms()
	s := &focusflow.Session{UserID: n.UserID, CreatedAt: fromMS(now), ExpiresAt: fromMS(now + n.Lifetime.Milliseconds()),
		Remember: n.Remember, LastSeenAt: fromMS(now), IP: n.IP, UserAgent: n.UserAgent}
	err := db.write.QueryRowContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at,
		idle_timeout_ms, remember, last_seen_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $3, $7, $8) RETURNING id`,
		n.TokenHash, n.UserID, now, s.ExpiresAt.UnixMilli(), n.IdleTimeout.Milliseconds(), n.Remember, n.IP, n.UserAgent).Scan(&s.ID)
	return s, wrapDBError(err)
}

// SessionUser finds the live session with this token hash and its user in
// one query. Expired, idle and locked-out sessions are not found.
func (db *DB) SessionUser(ctx context.Context, tokenHash string) (*focusflow.Session, *focusflow.User, error) {
	var s focusflow.Session
	var created, expires, seen int64
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+`, s.id, s.created_at, s.expires_at,
		s.remember, s.last_seen_at, s.ip, s.user_agent
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2
		  AND (s.idle_timeout_ms = 0 OR s.last_seen_at + s.idle_timeout_ms > $2)
		  AND u.locked_at IS NULL`, tokenHash, db.ms()),
		&s.ID, &created, &expires, &s.Remember, &seen, &s.IP, &s.UserAgent)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, notFound("Session")
	}
	if err != nil {
		return nil, nil, wrapDBError(err)
	}
	s.UserID, s.CreatedAt, s.ExpiresAt, s.LastSeenAt = u.ID, fromMS(created), fromMS(expires), fromMS(seen)
	return &s, db.adjust(u), nil
}

// TouchSession records activity. Callers do it at most once a minute per
// session so that reads do not turn into writes.
func (db *DB) TouchSession(ctx context.Context, sessionID int64, ip string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2, ip = $3 WHERE id = $1`, sessionID, db.ms(), ip)
	return wrapDBError(err)
}

// DeleteSession ends one session by its token hash (logout).
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	return wrapDBError(err)
}

// DeleteUserSessions ends every session of a user except one (0: all) and
// returns how many ended.
func (db *DB) DeleteUserSessions(ctx context.Context, userID, exceptID int64) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, exceptID)
	if err != nil {
		return 0, wrapDBError(err)
	}
	return res.RowsAffected()
}

// DeleteAllSessions signs everyone out (incident response).
func (db *DB) DeleteAllSessions(ctx context.Context) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions`)
	if err != nil {
		return 0, wrapDBError(err)
	}
	return res.RowsAffected()
}

// Sessions lists a user's live sessions, most recently seen first.
func (db *DB) Sessions(ctx context.Context, userID int64) ([]focusflow.Session, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, created_at, expires_at, remember, last_seen_at, ip, user_agent
		FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC, id DESC`, userID, db.ms())
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	var out []focusflow.Session
	for rows.Next() {
		s := focusflow.Session{UserID: userID}
		var created, expires, seen int64
		if err := rows.Scan(&s.ID, &created, &expires, &s.Remember, &seen, &s.IP, &s.UserAgent); err != nil {
			return nil, err
		}
		s.CreatedAt, s.ExpiresAt, s.LastSeenAt = fromMS(created), fromMS(expires), fromMS(seen)
		out = append(out, s)
	}
	return out, wrapDBError(rows.Err())
}

// DeleteExpiredSessions removes sessions past their absolute lifetime or
// idle timeout.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1
		OR (idle_timeout_ms > 0 AND last_seen_at + idle_timeout_ms <= $1)`, db.ms())
	if err != nil {
		return 0, wrapDBError(err)
	}
	return res.RowsAffected()
}
