package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/focusflow/focusflow"
)

const tagColumns = `g.id, g.user_id, g.name, g.color, g.created_at`

func scanTag(row rowScanner, extra ...any) (*focusflow.Tag, error) {
	var g focusflow.Tag
	var created int64
	if err := row.Scan(append([]any{&g.ID, &g.UserID, &g.Name, &g.Color, &created}, extra...)...); err != nil {
		return nil, err
	}
	g.CreatedAt = fromMS(created)
	return &g, nil
}

// Tags lists the user's tags by name, each with how many tasks carry it.
func (db *DB) Tags(ctx context.Context, userID int64) ([]focusflow.Tag, error) {
	out := []focusflow.Tag{}
	err := queryEach(ctx, db.read, `SELECT `+tagColumns+`,
		(SELECT COUNT(*) FROM task_tags tt WHERE tt.tag_id = g.id)
		FROM tags g WHERE g.user_id = $1 ORDER BY g.name_fold, g.id`, []any{userID}, func(row *sql.Rows) error {
		var n int
		g, err := scanTag(row, &n)
		if err == nil {
			g.Tasks = n
			out = append(out, *g)
		}
		return err
	})
	return out, err
}

// Tag returns one of the user's tags.
func (db *DB) Tag(ctx context.Context, userID, tagID int64) (*focusflow.Tag, error) {
	g, err := scanTag(db.read.QueryRowContext(ctx, `SELECT `+tagColumns+` FROM tags g WHERE g.id = $1 AND g.user_id = $2`,
		tagID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Tag")
	}
	return g, wrapDBError(err)
}

func tagForUpdate(ctx context.Context, tx execer, d dialect, userID, tagID int64, field string) (*focusflow.Tag, error) {
	g, err := scanTag(tx.QueryRow(ctx, `SELECT `+tagColumns+` FROM tags g WHERE g.id = $1 AND g.user_id = $2`+d.forUpdate,
		tagID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &focusflow.Error{Code: focusflow.ENOTFOUND, Field: field, Message: "Tag not found."}
	}
	return g, wrapDBError(err)
}

// tagNameTaken is the conflict of a name that folds like another tag's.
func tagNameTaken(name string) error {
	return &focusflow.Error{Code: focusflow.ECONFLICT, Field: "name",
		Message: fmt.Sprintf("You already have a tag named like %q (names are compared ignoring case and accents).", name)}
}

// checkTagName refuses a name that folds like one of the user's other
// tags (not except's).
func checkTagName(ctx context.Context, tx execer, userID, except int64, name string) error {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tags WHERE user_id = $1 AND name_fold = $2 AND id <> $3`,
		userID, focusflow.Fold(name), except).Scan(&n)
	if err != nil {
		return wrapDBError(err)
	}
	if n > 0 {
		return tagNameTaken(name)
	}
	return nil
}

// CreateTag adds one of the user's tags; g must have passed ValidateNew.
func (db *DB) CreateTag(ctx context.Context, user *focusflow.User, g *focusflow.Tag) error {
	now := db.now()
	err := db.txExec(ctx, func(tx execer) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tags WHERE user_id = $1`, user.ID).Scan(&n); err != nil {
			return wrapDBError(err)
		}
		if n >= focusflow.MaxTagsPerUser {
			return focusflow.Invalid("name", "You have %d tags, the most there can be; delete or merge some first.", n)
		}
		if err := checkTagName(ctx, tx, user.ID, 0, g.Name); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO tags (user_id, name, name_fold, color, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
			user.ID, g.Name, focusflow.Fold(g.Name), g.Color, now.UnixMilli()).Scan(&g.ID)
		if err != nil {
			return wrapDBError(err)
		}
		g.UserID, g.CreatedAt = user.ID, fromMS(now.UnixMilli())
		return logActivity(ctx, tx, user, now, focusflow.ActTagCreated, "Created tag: "+g.Name, 0)
	})
	if isUniqueViolation(err) { // a concurrent create of the same name
		return tagNameTaken(g.Name)
	}
	return err
}

// UpdateTag renames or recolours one of the user's tags.
func (db *DB) UpdateTag(ctx context.Context, user *focusflow.User, tagID int64, p focusflow.TagPatch) (*focusflow.Tag, error) {
	now := db.now()
	var out *focusflow.Tag
	err := db.txExec(ctx, func(tx execer) error {
		g, err := tagForUpdate(ctx, tx, db.dialect, user.ID, tagID, "")
		if err != nil {
			return err
		}
		var changes []string
		if p.Name != nil && *p.Name != g.Name {
			if err := checkTagName(ctx, tx, user.ID, g.ID, *p.Name); err != nil {
				return err
			}
			changes = append(changes, fmt.Sprintf("renamed %s to %s", g.Name, *p.Name))
			g.Name = *p.Name
		}
		if p.Color != nil && *p.Color != g.Color {
			changes = append(changes, fmt.Sprintf("%s is now %s", g.Name, *p.Color))
			g.Color = *p.Color
		}
		out = g
		if len(changes) == 0 {
			return nil
		}
		if err := tx.Exec(ctx, `UPDATE tags SET name = $3, name_fold = $4, color = $5, updated_at = $6
			WHERE id = $1 AND user_id = $2`, g.ID, user.ID, g.Name, focusflow.Fold(g.Name), g.Color, now.UnixMilli()); err != nil {
			return wrapDBError(err)
		}
		if err := reindexTagTasks(ctx, tx, user.ID, g.ID, false); err != nil {
			return err
		}
		return logActivity(ctx, tx, user, now, focusflow.ActTagChanged, "Tag: "+strings.Join(changes, "; "), 0)
	})
	if isUniqueViolation(err) {
		return nil, tagNameTaken(*p.Name)
	}
	return out, err
}

// DeleteTag deletes one of the user's tags; its tasks stay, without it.
func (db *DB) DeleteTag(ctx context.Context, user *focusflow.User, tagID int64) error {
	now := db.now()
	return db.txExec(ctx, func(tx execer) error {
		g, err := tagForUpdate(ctx, tx, db.dialect, user.ID, tagID, "")
		if err != nil {
			return err
		}
		// Its tasks lose its name from their words before it goes.
		if err := reindexTagTasks(ctx, tx, user.ID, g.ID, true); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM tags WHERE id = $1 AND user_id = $2`, g.ID, user.ID); err != nil {
			return wrapDBError(err)
		}
		return logActivity(ctx, tx, user, now, focusflow.ActTagDeleted, "Deleted tag: "+g.Name, 0)
	})
}

// MergeTag moves every task of tag from onto tag into (a task that had
// both keeps one) and deletes from.
func (db *DB) MergeTag(ctx context.Context, user *focusflow.User, fromID, intoID int64) (*focusflow.Tag, error) {
	if fromID == intoID {
		return nil, focusflow.Invalid("into", "A tag cannot be merged into itself.")
	}
	now := db.now()
	var into *focusflow.Tag
	err := db.txExec(ctx, func(tx execer) error {
		// Lock in id order, so that two opposite merges cannot deadlock.
		ids := []int64{fromID, intoID}
		slices.Sort(ids)
		tags := map[int64]*focusflow.Tag{}
		for _, id := range ids {
			field := "into"
			if id == fromID {
				field = ""
			}
			g, err := tagForUpdate(ctx, tx, db.dialect, user.ID, id, field)
			if err != nil {
				return err
			}
			tags[id] = g
		}
		from := tags[fromID]
		into = tags[intoID]
		err := tx.Exec(ctx, `INSERT INTO task_tags (task_id, tag_id)
			SELECT task_id, $2 FROM task_tags WHERE tag_id = $1
			ON CONFLICT (task_id, tag_id) DO NOTHING`, from.ID, into.ID)
		if err != nil {
			return wrapDBError(err)
		}
		if err := reindexTagTasks(ctx, tx, user.ID, from.ID, true); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM tags WHERE id = $1 AND user_id = $2`, from.ID, user.ID); err != nil {
			return wrapDBError(err)
		}
		return logActivity(ctx, tx, user, now, focusflow.ActTagMerged,
			fmt.Sprintf("Merged tag %s into %s", from.Name, into.Name), 0)
	})
	if err != nil {
		return nil, err
	}
	return db.Tag(ctx, user.ID, into.ID)
}
