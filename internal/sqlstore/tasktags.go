package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
)

// taskTagsQuery reads the tags of tasks chosen by a condition on t (the
// task), by tag name.
const taskTagsQuery = `SELECT tt.task_id, g.id, g.name, g.color FROM task_tags tt
	JOIN tasks t ON t.id = tt.task_id
	JOIN tags g ON g.id = tt.tag_id
	WHERE t.user_id = $1 AND `

const taskTagsOrder = ` ORDER BY tt.task_id, g.name_fold, g.id`

// tagCollector gathers task tags row by row, for attach.
type tagCollector map[int64][]focusflow.Tag

func (c tagCollector) scan(row rowScanner) error {
	var taskID int64
	var g focusflow.Tag
	if err := row.Scan(&taskID, &g.ID, &g.Name, &g.Color); err != nil {
		return err
	}
	c[taskID] = append(c[taskID], g)
	return nil
}

// attach sets the collected tags on tasks (an empty list for none).
func (c tagCollector) attach(tasks []focusflow.Task) {
	for i := range tasks {
		tasks[i].Tags = c[tasks[i].ID]
		if tasks[i].Tags == nil {
			tasks[i].Tags = []focusflow.Tag{}
		}
	}
}

// loadTaskTags reads the tags of one task.
func loadTaskTags(ctx context.Context, q sqlQueryer, t *focusflow.Task) error {
	c := tagCollector{}
	err := runSQL(ctx, q, batchQuery{sql: taskTagsQuery + `t.id = $2` + taskTagsOrder,
		args: []any{t.UserID, t.ID}, row: c.scan})
	if err != nil {
		return err
	}
	tasks := []focusflow.Task{*t}
	c.attach(tasks)
	t.Tags = tasks[0].Tags
	return nil
}

// setTaskTags makes ids (validated: distinct, at most MaxTagsPerTask) the
// tags of t inside a transaction, and logs what changed. Every id must be
// one of the user's tags (field names the input in the error).
func setTaskTags(ctx context.Context, tx execer, user *focusflow.User, t *focusflow.Task, ids []int64, field string, now time.Time) error {
	names := map[int64]string{}
	err := tx.Query(ctx, `SELECT id, name FROM tags WHERE user_id = $1`, []any{user.ID}, func(row rowScanner) error {
		var id int64
		var name string
		err := row.Scan(&id, &name)
		names[id] = name
		return err
	})
	if err != nil {
		return wrapDBError(err)
	}
	var current []int64
	err = tx.Query(ctx, `SELECT tag_id FROM task_tags WHERE task_id = $1`, []any{t.ID}, func(row rowScanner) error {
		var id int64
		err := row.Scan(&id)
		current = append(current, id)
		return err
	})
	if err != nil {
		return wrapDBError(err)
	}
	var added, removed []string
	for _, id := range ids {
		if _, ok := names[id]; !ok {
			return &focusflow.Error{Code: focusflow.ENOTFOUND, Field: field, Message: fmt.Sprintf("Tag %d not found.", id)}
		}
		if !slices.Contains(current, id) {
			added = append(added, names[id])
			if err := tx.Exec(ctx, `INSERT INTO task_tags (task_id, tag_id) VALUES ($1, $2)`, t.ID, id); err != nil {
				return wrapDBError(err)
			}
		}
	}
	for _, id := range current {
		if !slices.Contains(ids, id) {
			removed = append(removed, names[id])
			if err := tx.Exec(ctx, `DELETE FROM task_tags WHERE task_id = $1 AND tag_id = $2`, t.ID, id); err != nil {
				return wrapDBError(err)
			}
		}
	}
	if len(added)+len(removed) == 0 {
		return nil
	}
	if err := reindexTasks(ctx, tx, `t.id = $1`, []any{t.ID}, 0); err != nil {
		return err
	}
	return logActivity(ctx, tx, user, now, focusflow.ActTaskTagged,
		fmt.Sprintf("Tags of %s: %s", t.Title, tagChange(added, removed)), t.ID)
}

// SetTaskTags makes ids the tags of one of the user's tasks.
func (db *DB) SetTaskTags(ctx context.Context, user *focusflow.User, taskID int64, ids []int64) (*focusflow.Task, error) {
	ids, err := focusflow.ValidateTagIDs("tag_ids", ids)
	if err != nil {
		return nil, err
	}
	return db.editTaskTags(ctx, user, taskID, func([]int64) []int64 { return ids })
}

// AddTaskTag puts one of the user's tags on one of their tasks.
func (db *DB) AddTaskTag(ctx context.Context, user *focusflow.User, taskID, tagID int64) (*focusflow.Task, error) {
	return db.editTaskTags(ctx, user, taskID, func(cur []int64) []int64 {
		if slices.Contains(cur, tagID) {
			return cur
		}
		return append(cur, tagID)
	})
}

// RemoveTaskTag takes a tag off one of the user's tasks (no error when
// the task did not carry it).
func (db *DB) RemoveTaskTag(ctx context.Context, user *focusflow.User, taskID, tagID int64) (*focusflow.Task, error) {
	return db.editTaskTags(ctx, user, taskID, func(cur []int64) []int64 {
		return slices.DeleteFunc(cur, func(id int64) bool { return id == tagID })
	})
}

// editTaskTags sets a task's tags to edit(its current tag ids).
func (db *DB) editTaskTags(ctx context.Context, user *focusflow.User, taskID int64, edit func([]int64) []int64) (*focusflow.Task, error) {
	now := db.now()
	err := db.txExec(ctx, func(tx execer) error {
		t, err := db.taskForUpdate(ctx, tx, user.ID, taskID)
		if err != nil {
			return err
		}
		var cur []int64
		err = tx.Query(ctx, `SELECT tag_id FROM task_tags WHERE task_id = $1 ORDER BY tag_id`, []any{t.ID}, func(row rowScanner) error {
			var id int64
			err := row.Scan(&id)
			cur = append(cur, id)
			return err
		})
		if err != nil {
			return wrapDBError(err)
		}
		ids, err := focusflow.ValidateTagIDs("tag_ids", edit(cur))
		if err != nil {
			return err
		}
		return setTaskTags(ctx, tx, user, t, ids, "tag_ids", now)
	})
	if err != nil {
		return nil, err
	}
	return db.Task(ctx, user.ID, taskID)
}

// tagChange describes added and removed tag names for an activity line.
func tagChange(added, removed []string) string {
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "+"+strings.Join(added, ", +"))
	}
	if len(removed) > 0 {
		parts = append(parts, "−"+strings.Join(removed, ", −"))
	}
	return strings.Join(parts, " ")
}
