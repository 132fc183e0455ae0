package sqlstore

import (
	"context"
	"database/sql"

	"github.com/focusflow/focusflow"
)

// readTags reads the user's tags by name and which task carries which.
func readTags(ctx context.Context, q sqlQueryer, args []any, out *focusflow.UserRows) error {
	err := queryEach(ctx, q, `SELECT `+tagColumns+` FROM tags g WHERE g.user_id = $1 ORDER BY g.name_fold, g.id`, args,
		func(r *sql.Rows) error {
			g, err := scanTag(r)
			if err == nil {
				out.Tags = append(out.Tags, *g)
			}
			return err
		})
	if err != nil {
		return err
	}
	return queryEach(ctx, q, `SELECT tt.task_id, tt.tag_id FROM task_tags tt JOIN tasks t ON t.id = tt.task_id
		WHERE t.user_id = $1 ORDER BY tt.task_id, tt.tag_id`, args, func(r *sql.Rows) error {
		var l focusflow.TaskTag
		err := r.Scan(&l.TaskID, &l.TagID)
		out.TaskTags = append(out.TaskTags, l)
		return err
	})
}

// tags gives the account the document's tags and puts them on the tasks
// this import created. A tag is the account's own of the same name
// (ignoring case and accents) when it has one, so importing twice, or
// into the account it came from, makes no second tag; tasks that were
// there already keep the tags they have.
func (im *rowImport) tags(ctx context.Context) error {
	if len(im.plan.Tags) == 0 {
		return nil
	}
	mine := map[string]int64{}
	err := queryEach(ctx, im.w.tx, `SELECT name_fold, id FROM tags WHERE user_id = $1`, []any{im.user.ID}, func(r *sql.Rows) error {
		var fold string
		var id int64
		err := r.Scan(&fold, &id)
		mine[fold] = id
		return err
	})
	if err != nil {
		return err
	}
	ids := map[int64]int64{} // the document's tag id → ours
	im.tagIDs = ids
	for _, g := range im.plan.Tags {
		fold := focusflow.Fold(g.Name)
		if id, ok := mine[fold]; ok {
			ids[g.ID] = id
			im.sum.Skipped.Tags++
			continue
		}
		if len(mine) >= focusflow.MaxTagsPerUser {
			return focusflow.Invalid("tags", "The account would have more than %d tags; merge or delete some first.",
				focusflow.MaxTagsPerUser)
		}
		var id int64
		if err := im.w.tx.QueryRowContext(ctx, `INSERT INTO tags (user_id, name, name_fold, color, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, im.user.ID, g.Name, fold, g.Color, g.CreatedAt.UnixMilli(),
			im.now.UnixMilli()).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		mine[fold], ids[g.ID] = id, id
		im.sum.Created.Tags++
	}
	for _, l := range im.plan.TaskTags {
		_, had := im.have["task"][l.TaskID]
		task, tag := im.taskIDs[l.TaskID], ids[l.TagID]
		if had || task == 0 || tag == 0 {
			continue
		}
		if _, err := im.w.tx.ExecContext(ctx, `INSERT INTO task_tags (task_id, tag_id) VALUES ($1, $2)
			ON CONFLICT (task_id, tag_id) DO NOTHING`, task, tag); err != nil {
			return wrapDBError(err)
		}
	}
	// Search finds a task by its tags' names too.
	return reindexTasks(ctx, sqlExec{im.w.tx}, `t.user_id = $1 AND t.import_id = $2
		AND EXISTS (SELECT 1 FROM task_tags tt WHERE tt.task_id = t.id)`, []any{im.user.ID, im.w.id}, 0)
}
