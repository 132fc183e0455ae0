package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
)

const userColumns = `u.id, u.username, u.email, u.timezone, u.theme, u.focus_mode, u.daily_goal_ms, u.timer_cap_ms,
	u.created_at, u.last_login_at, u.locked_at, u.focus_settings`

type rowScanner interface{ Scan(dest ...any) error }

func scanUser(row rowScanner, extra ...any) (*focusflow.User, error) {
	var u focusflow.User
	var goal, limit, created int64
	var lastLogin, locked sql.NullInt64
	var settings sql.NullString
	dest := []any{&u.ID, &u.Username, &u.Email, &u.Timezone, &u.Theme, &u.FocusMode, &goal, &limit,
		&created, &lastLogin, &locked, &settings}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	readFocusSettings(settings, &u)
	u.DailyGoal = time.Duration(goal) * time.Millisecond
	u.TimerCap = time.Duration(limit) * time.Millisecond
	u.CreatedAt = fromMS(created)
	u.LastLoginAt = fromNullMS(lastLogin)
	u.LockedAt = fromNullMS(locked)
	return &u, nil
}

// ErrAccountTaken is the one neutral answer to a signup whose username or
// email exists: it must not say which.
var ErrAccountTaken = &focusflow.Error{Code: focusflow.ECONFLICT,
	Message: "That username or email cannot be used. Please choose another, or sign in if you already have an account."}

// CreateUser inserts a user with a password hash; u.ID and u.CreatedAt are set.
func (db *DB) CreateUser(ctx context.Context, u *focusflow.User, passwordHash string) error {
	u.CreatedAt = fromMS(db.ms())
	return insertUser(ctx, db.write, u, passwordHash)
}

// insertUser inserts u as it is, joined at u.CreatedAt, with the defaults
// of a new account where u leaves a setting empty; u.ID is set.
func insertUser(ctx context.Context, q sqlQueryer, u *focusflow.User, passwordHash string) error {
	if u.Timezone == "" {
		u.Timezone = "UTC"
	}
	if u.Theme == "" {
		u.Theme = "auto"
	}
	if u.DailyGoal == 0 {
		u.DailyGoal = focusflow.DefaultDailyGoal
	}
	if u.TimerCap == 0 {
		u.TimerCap = focusflow.DefaultTimerCap
	}
	err := q.QueryRowContext(ctx, `INSERT INTO users (username, username_key, email, email_key, password_hash,
		timezone, theme, daily_goal_ms, timer_cap_ms, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		u.Username, strings.ToLower(u.Username), u.Email, strings.ToLower(u.Email), passwordHash,
		u.Timezone, u.Theme, u.DailyGoal.Milliseconds(), u.TimerCap.Milliseconds(), u.CreatedAt.UnixMilli()).Scan(&u.ID)
	if isUniqueViolation(err) {
		return ErrAccountTaken
	}
	return wrapDBError(err)
}

func notFound(what string) error {
	return focusflow.Errorf(focusflow.ENOTFOUND, "%s not found.", what)
}

// User returns a user by id.
func (db *DB) User(ctx context.Context, id int64) (*focusflow.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("User")
	}
	if err != nil {
		return nil, wrapDBError(err)
	}
	return db.adjust(u), nil
}

// adjust applies test-only overrides to a user read from the database.
func (db *DB) adjust(u *focusflow.User) *focusflow.User {
	if db.capOverride > 0 {
		u.TimerCap = db.capOverride
	}
	return u
}

// UserByLogin finds a user by username or email (ignoring case) and returns
// the password hash beside it, for sign-in only.
func (db *DB) UserByLogin(ctx context.Context, login string) (*focusflow.User, string, error) {
	key := strings.ToLower(strings.TrimSpace(login))
	var hash string
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u
		WHERE u.username_key = $1 OR u.email_key = $1 ORDER BY (u.username_key = $1) DESC LIMIT 1`, key), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", notFound("User")
	}
	if err != nil {
		return nil, "", wrapDBError(err)
	}
	return u, hash, nil
}

// PasswordHash returns a user's password hash.
func (db *DB) PasswordHash(ctx context.Context, userID int64) (string, error) {
	var hash string
	err := db.read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("User")
	}
	return hash, wrapDBError(err)
}

// SetPasswordHash replaces a user's password hash.
func (db *DB) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	return db.execOne(ctx, "User", `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, hash)
}

// RecordLogin stamps a successful sign-in.
func (db *DB) RecordLogin(ctx context.Context, userID int64) error {
	return db.execOne(ctx, "User", `UPDATE users SET last_login_at = $2 WHERE id = $1`, userID, db.ms())
}

// UpdateSettings changes the given settings of a user.
func (db *DB) UpdateSettings(ctx context.Context, userID int64, s focusflow.UserSettings) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		// The session plan and the signals share one document: the one
		// not given keeps its value, read under the row lock.
		if (s.Session == nil) != (s.Signals == nil) {
			var raw sql.NullString
			if err := tx.QueryRowContext(ctx, `SELECT focus_settings FROM users WHERE id = $1`+db.dialect.forUpdate,
				userID).Scan(&raw); err != nil {
				return wrapDBError(err)
			}
			var cur focusflow.User
			readFocusSettings(raw, &cur)
			if s.Session == nil {
				s.Session = &cur.Session
			} else {
				s.Signals = &cur.Signals
			}
		}
		query, args := settingsUpdate(userID, s)
		if query == "" {
			return nil
		}
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return wrapDBError(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("User")
		}
		if s.Timezone == nil {
			if s.DailyGoal != nil { // which days reached the goal may change
				return db.recomputeFocusRuns(ctx, sqlExec{tx}, userID)
			}
			return nil
		}
		loc, err := time.LoadLocation(*s.Timezone)
		if err != nil {
			return focusflow.Invalid("timezone", "Unknown time zone.")
		}
		return db.rebucketFocus(ctx, sqlExec{tx}, userID, loc)
	})
}

// settingsUpdate is the UPDATE that applies the given settings to a user,
// or "" when s sets none.
func settingsUpdate(userID int64, s focusflow.UserSettings) (string, []any) {
	var sets []string
	args := []any{userID}
	add := func(col string, v any) {
		args = append(args, v)
		sets = append(sets, col+" = $"+strconv.Itoa(len(args)))
	}
	if s.Timezone != nil {
		add("timezone", *s.Timezone)
	}
	if s.Theme != nil {
		add("theme", *s.Theme)
	}
	if s.FocusMode != nil {
		add("focus_mode", *s.FocusMode)
	}
	if s.DailyGoal != nil {
		add("daily_goal_ms", s.DailyGoal.Milliseconds())
	}
	if s.TimerCap != nil {
		add("timer_cap_ms", s.TimerCap.Milliseconds())
	}
	if s.Session != nil || s.Signals != nil {
		// The document holds both (UpdateSettings fills in the other).
		add("focus_settings", focusSettingsJSON(*s.Session, *s.Signals))
	}
	if len(sets) == 0 {
		return "", nil
	}
	// Column names come from the fixed list above, never from input.
	return `UPDATE users SET ` + strings.Join(sets, ", ") + ` WHERE id = $1`, args
}

// SetLocked locks or unlocks an account (administrator action).
// Locking also revokes every API token of the account: unlocking gives
// the owner their password back, not the tokens an intruder may have made.
func (db *DB) SetLocked(ctx context.Context, userID int64, locked bool) error {
	if !locked {
		return db.execOne(ctx, "User", `UPDATE users SET locked_at = NULL WHERE id = $1`, userID)
	}
	now := db.ms()
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET locked_at = $2 WHERE id = $1`, userID, now)
		if err != nil {
			return wrapDBError(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("User")
		}
		_, err = revokeUserTokens(ctx, tx, userID, now)
		return err
	})
}

// DeleteUser deletes a user and, through ON DELETE CASCADE, every row of
// their data and every session. Security events stay, with the user reduced
// to an opaque reference, until retention removes them.
func (db *DB) DeleteUser(ctx context.Context, userID int64) error {
	ref := opaqueUserRef(userID)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE security_events SET user_id = NULL, user_ref = $2,
			login = '' WHERE user_id = $1`, userID, ref); err != nil {
			return wrapDBError(err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, userID)
		if err != nil {
			return wrapDBError(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("User")
		}
		return nil
	})
}

// opaqueUserRef names a deleted user in the audit trail without being
// traceable back to the account.
func opaqueUserRef(userID int64) string {
	sum := sha256.Sum256([]byte("focusflow-deleted-user:" + strconv.FormatInt(userID, 10)))
	return "deleted:" + hex.EncodeToString(sum[:6])
}

// UserSummary is a row of `focusflow user list`.
type UserSummary struct {
	focusflow.User
	Sessions int
}

// ListUsers lists all users for administrators.
func (db *DB) ListUsers(ctx context.Context) ([]UserSummary, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+`,
		(SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id) FROM users u ORDER BY u.id`)
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	var out []UserSummary
	for rows.Next() {
		var n int
		u, err := scanUser(rows, &n)
		if err != nil {
			return nil, err
		}
		out = append(out, UserSummary{User: *u, Sessions: n})
	}
	return out, wrapDBError(rows.Err())
}

func (db *DB) execOne(ctx context.Context, what, query string, args ...any) error {
	res, err := db.write.ExecContext(ctx, query, args...)
	if err != nil {
		return wrapDBError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound(what)
	}
	return nil
}
