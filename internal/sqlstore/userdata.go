package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/focusflow/focusflow"
)

// The rows of the user's export document (internal/userdata owns the
// document; the store reads and writes its rows).

// kindAccount rows in legacy_ids hold each account's export secret
// (legacy_id = user id, new_id = a random number), made at its first
// export: ids and join dates alone can be equal on two instances.
const kindAccount = "account"

// accountRef names an account in documents: stable for the account,
// different on every other instance (and after an id is reused), and not
// its bare id. With create false it returns "" for an account that never
// exported.
func (db *DB) accountRef(ctx context.Context, u *focusflow.User, create bool) (string, error) {
	if create {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		secret := int64(binary.BigEndian.Uint64(b[:]) >> 1)
		if _, err := db.write.ExecContext(ctx, `INSERT INTO legacy_ids (kind, legacy_id, new_id) VALUES ($1, $2, $3)
			ON CONFLICT (kind, legacy_id) DO NOTHING`, kindAccount, u.ID, secret); err != nil {
			return "", wrapDBError(err)
		}
	}
	var secret int64
	err := db.write.QueryRowContext(ctx, `SELECT new_id FROM legacy_ids WHERE kind = $1 AND legacy_id = $2`,
		kindAccount, u.ID).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", wrapDBError(err)
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "focusflow-account:%d:%d:%d", secret, u.ID, u.CreatedAt.UnixMilli()))
	return "acct-" + hex.EncodeToString(sum[:8]), nil
}

// ExportRows reads everything the user owns for the export document: the
// account with its settings, its reference in documents (made now if it
// has none), and its rows with closed time entries and finished phases
// only, all from one snapshot.
func (db *DB) ExportRows(ctx context.Context, userID int64) (*focusflow.ExportRows, error) {
	u, err := db.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	account, err := db.accountRef(ctx, u, true)
	if err != nil {
		return nil, err
	}
	// One snapshot, so that entries and their tasks agree.
	tx, err := db.BeginSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows := &focusflow.ExportRows{User: *u, Account: account}
	if err := readUserRows(ctx, tx, userID, &rows.UserRows); err != nil {
		return nil, err
	}
	return rows, nil
}

// readUserRows reads the user's rows in a stable order: tasks by day and
// position, everything else as it happened.
func readUserRows(ctx context.Context, q sqlQueryer, userID int64, out *focusflow.UserRows) error {
	for _, read := range []func(context.Context, sqlQueryer, []any, *focusflow.UserRows) error{
		readTasksAndEntries, readNotes, readActivity, readPhases, readTags, readSeries,
	} {
		if err := read(ctx, q, []any{userID}, out); err != nil {
			return err
		}
	}
	return nil
}

func readTasksAndEntries(ctx context.Context, q sqlQueryer, args []any, out *focusflow.UserRows) error {
	err := queryEach(ctx, q, `SELECT `+taskColumns+` FROM tasks t WHERE t.user_id = $1 ORDER BY t.date, t.position, t.id`,
		args, func(r *sql.Rows) error {
			t, err := scanTask(r)
			if err == nil {
				out.Tasks = append(out.Tasks, *t)
			}
			return err
		})
	if err != nil {
		return err
	}
	return queryEach(ctx, q, `SELECT id, task_id, started_at, ended_at, source FROM time_entries
		WHERE user_id = $1 AND ended_at IS NOT NULL ORDER BY started_at, ended_at, id`, args, func(r *sql.Rows) error {
		e, err := scanEntry(r)
		if err == nil {
			out.Entries = append(out.Entries, *e)
		}
		return err
	})
}

// readNotes reads the day notes and the typed notes.
func readNotes(ctx context.Context, q sqlQueryer, args []any, out *focusflow.UserRows) error {
	err := queryEach(ctx, q, `SELECT date, text, updated_at FROM day_notes WHERE user_id = $1 ORDER BY date`, args,
		func(r *sql.Rows) error {
			var n focusflow.DayNoteRow
			var updated int64
			if err := r.Scan(&n.Date, &n.Text, &updated); err != nil {
				return err
			}
			n.UpdatedAt = fromMS(updated)
			out.DayNotes = append(out.DayNotes, n)
			return nil
		})
	if err != nil {
		return err
	}
	return queryEach(ctx, q, `SELECT `+noteColumns+` FROM notes WHERE user_id = $1 ORDER BY date, created_at, id`, args,
		func(r *sql.Rows) error {
			n, err := scanNote(r)
			if err == nil {
				out.Notes = append(out.Notes, *n)
			}
			return err
		})
}

func readActivity(ctx context.Context, q sqlQueryer, args []any, out *focusflow.UserRows) error {
	return queryEach(ctx, q, `SELECT id, date, at, kind, message, task_id FROM activity WHERE user_id = $1
		ORDER BY at, id`, args, func(r *sql.Rows) error {
		var a focusflow.ActivityRow
		var at int64
		var task sql.NullInt64
		if err := r.Scan(&a.ID, &a.Date, &at, &a.Kind, &a.Message, &task); err != nil {
			return err
		}
		a.At, a.TaskID = fromMS(at), task.Int64
		out.Activity = append(out.Activity, a)
		return nil
	})
}

// readPhases reads the finished phases of focus sessions (the running
// one is not finished: it is not recorded yet).
func readPhases(ctx context.Context, q sqlQueryer, args []any, out *focusflow.UserRows) error {
	return queryEach(ctx, q, `SELECT id, task_id, kind, started_at, ended_at, planned_ms, outcome FROM timer_phases
		WHERE user_id = $1 ORDER BY started_at, id`, args, func(r *sql.Rows) error {
		var p focusflow.PhaseRow
		var task sql.NullInt64
		var start, end, planned int64
		if err := r.Scan(&p.ID, &task, &p.Kind, &start, &end, &planned, &p.Outcome); err != nil {
			return err
		}
		p.TaskID, p.StartedAt, p.EndedAt, p.Planned = task.Int64, fromMS(start), fromMS(end), ms(planned)
		out.Phases = append(out.Phases, p)
		return nil
	})
}

func queryEach(ctx context.Context, q sqlQueryer, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return wrapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return wrapDBError(rows.Err())
}
