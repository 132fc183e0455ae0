package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/focusflow/focusflow"
)

// PutDayNote saves the free-text note of a day.
func (db *DB) PutDayNote(ctx context.Context, userID int64, date, text string) (focusflow.DayNote, error) {
	now := db.ms()
	_, err := db.write.ExecContext(ctx, `INSERT INTO day_notes (user_id, date, text, updated_at, search_words)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id, date) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at,
		search_words = excluded.search_words`,
		userID, date, text, now, focusflow.SearchWords(text))
	return focusflow.DayNote{Text: text, UpdatedAt: fromMS(now)}, wrapDBError(err)
}

const noteColumns = `id, date, type, title, content, created_at, updated_at`

func scanNote(row rowScanner) (*focusflow.Note, error) {
	var n focusflow.Note
	var created, updated int64
	if err := row.Scan(&n.ID, &n.Date, &n.Type, &n.Title, &n.Content, &created, &updated); err != nil {
		return nil, err
	}
	n.CreatedAt, n.UpdatedAt = fromMS(created), fromMS(updated)
	return &n, nil
}

// Notes lists a day's typed notes, oldest first.
func (db *DB) Notes(ctx context.Context, userID int64, date string) ([]focusflow.Note, error) {
	return db.notes(ctx, db.read, userID, date)
}

func (db *DB) notes(ctx context.Context, q sqlQueryer, userID int64, date string) ([]focusflow.Note, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+noteColumns+` FROM notes WHERE user_id = $1 AND date = $2 ORDER BY created_at, id`,
		userID, date)
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	out := []focusflow.Note{}
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *n)
	}
	return out, wrapDBError(rows.Err())
}

// CreateNote adds a typed note.
func (db *DB) CreateNote(ctx context.Context, user *focusflow.User, n *focusflow.Note) error {
	now := db.now()
	return db.txExec(ctx, func(tx execer) error {
		if err := tx.QueryRow(ctx, `INSERT INTO notes (user_id, date, type, title, content, created_at, updated_at, search_words)
			VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id`, user.ID, n.Date, n.Type, n.Title, n.Content,
			now.UnixMilli(), noteSearchWords(n)).Scan(&n.ID); err != nil {
			return wrapDBError(err)
		}
		n.CreatedAt, n.UpdatedAt = fromMS(now.UnixMilli()), fromMS(now.UnixMilli())
		label := n.Title
		if label == "" {
			label = n.Type
		}
		return logActivity(ctx, tx, user, now, focusflow.ActNoteAdded, "Added note: "+label, 0)
	})
}

// UpdateNote changes a typed note.
func (db *DB) UpdateNote(ctx context.Context, userID, noteID int64, p focusflow.NotePatch) (*focusflow.Note, error) {
	var out *focusflow.Note
	err := db.txExec(ctx, func(tx execer) error {
		n, err := scanNote(tx.QueryRow(ctx, `SELECT `+noteColumns+` FROM notes WHERE id = $1 AND user_id = $2`+
			db.dialect.forUpdate, noteID, userID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Note")
		}
		if err != nil {
			return wrapDBError(err)
		}
		if p.Type != nil {
			n.Type = *p.Type
		}
		if p.Title != nil {
			n.Title = *p.Title
		}
		if p.Content != nil {
			n.Content = *p.Content
		}
		n.UpdatedAt = fromMS(db.ms())
		if err := tx.Exec(ctx, `UPDATE notes SET type = $3, title = $4, content = $5, updated_at = $6, search_words = $7
			WHERE id = $1 AND user_id = $2`, n.ID, userID, n.Type, n.Title, n.Content, n.UpdatedAt.UnixMilli(),
			noteSearchWords(n)); err != nil {
			return wrapDBError(err)
		}
		out = n
		return nil
	})
	return out, err
}

// noteSearchWords is what search finds a typed note by.
func noteSearchWords(n *focusflow.Note) string { return focusflow.SearchWords(n.Title, n.Content) }

// DeleteNote deletes a typed note.
func (db *DB) DeleteNote(ctx context.Context, userID, noteID int64) error {
	return db.execOne(ctx, "Note", `DELETE FROM notes WHERE id = $1 AND user_id = $2`, noteID, userID)
}
