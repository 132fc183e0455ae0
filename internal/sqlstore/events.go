package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/focusflow/focusflow"
)

// RecordEvent appends a security event.
func (db *DB) RecordEvent(ctx context.Context, e focusflow.SecurityEvent) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO security_events (at, kind, user_id, login, ip, user_agent, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, db.ms(), e.Kind, nullID(e.UserID), e.Login, e.IP, e.UserAgent, e.Detail)
	return wrapDBError(err)
}

// RecordAggregatedEvent counts an event that can arrive in floods (CSRF and
// rate-limit rejections) as one row per kind, key and minute, so an attack
// cannot turn into a write storm on the audit table.
func (db *DB) RecordAggregatedEvent(ctx context.Context, e focusflow.SecurityEvent, key string) error {
	now := db.ms()
	aggKey := e.Kind + "|" + key + "|" + time.UnixMilli(now).UTC().Format("2006-01-02T15:04")
	_, err := db.write.ExecContext(ctx, `INSERT INTO security_events (at, kind, user_id, login, ip, user_agent, detail, agg_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (agg_key) DO UPDATE SET count = security_events.count + 1`,
		now, e.Kind, nullID(e.UserID), e.Login, e.IP, e.UserAgent, e.Detail, aggKey)
	return wrapDBError(err)
}

// Events lists a user's most recent security events.
func (db *DB) Events(ctx context.Context, userID int64, limit int) ([]focusflow.SecurityEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, kind, login, ip, user_agent, detail, count
		FROM security_events WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	var out []focusflow.SecurityEvent
	for rows.Next() {
		e := focusflow.SecurityEvent{UserID: userID}
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Kind, &e.Login, &e.IP, &e.UserAgent, &e.Detail, &e.Count); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, wrapDBError(rows.Err())
}

// DeleteOldEvents removes security events (and so the IP addresses they
// hold) older than the retention period.
func (db *DB) DeleteOldEvents(ctx context.Context, retention time.Duration) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM security_events WHERE at < $1`, db.ms()-retention.Milliseconds())
	if err != nil {
		return 0, wrapDBError(err)
	}
	return res.RowsAffected()
}

// LoginFailures returns the consecutive failures counted for a login name
// and when the last one happened; the caller derives the lockout from them.
func (db *DB) LoginFailures(ctx context.Context, loginKey string) (int, time.Time, error) {
	var n int
	var last int64
	err := db.read.QueryRowContext(ctx, `SELECT failures, last_failed_at FROM login_failures
		WHERE login_key = $1`, loginKey).Scan(&n, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, wrapDBError(err)
	}
	return n, fromMS(last), nil
}

// AddLoginFailure counts one failure for a login name and returns the new
// count. Failures count together while each follows the previous within the
// window; after a quiet window the count starts over. (Keying the reset on
// the last failure rather than the first lets the lockout keep doubling for
// an attacker who waits out each lock.)
func (db *DB) AddLoginFailure(ctx context.Context, loginKey string, window time.Duration) (int, error) {
	now := db.ms()
	var n int
	err := db.write.QueryRowContext(ctx, `INSERT INTO login_failures (login_key, failures, first_failed_at, last_failed_at)
		VALUES ($1, 1, $2, $2)
		ON CONFLICT (login_key) DO UPDATE SET
		  failures = CASE WHEN login_failures.last_failed_at <= $3 THEN 1 ELSE login_failures.failures + 1 END,
		  first_failed_at = CASE WHEN login_failures.last_failed_at <= $3 THEN $2 ELSE login_failures.first_failed_at END,
		  last_failed_at = $2
		RETURNING failures`, loginKey, now, now-window.Milliseconds()).Scan(&n)
	return n, wrapDBError(err)
}

// ClearLoginFailures resets a login name's count after a success.
func (db *DB) ClearLoginFailures(ctx context.Context, loginKey string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE login_key = $1`, loginKey)
	return wrapDBError(err)
}

// DeleteStaleLoginFailures forgets counts whose window has passed.
func (db *DB) DeleteStaleLoginFailures(ctx context.Context, olderThan time.Duration) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE last_failed_at < $1`, db.ms()-olderThan.Milliseconds())
	return wrapDBError(err)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
