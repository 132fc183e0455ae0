package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/focusflow/focusflow"
)

// searchTable is one kind of row search finds: its table and the columns
// that make a result of it.
type searchTable struct {
	kind, table, title, noteType, body string
}

var searchTables = []searchTable{
	{focusflow.SearchTask, "tasks", "x.title", "''", "x.description"},
	{focusflow.SearchNote, "notes", "x.title", "x.type", "x.content"},
	{focusflow.SearchDayNote, "day_notes", "''", "''", "x.text"},
}

// searchSQL builds the one query of a page: per table, the user's
// matching rows after the cursor, newest first and no more than a page
// (each through its own full-text index); then the page from their union.
// $1 user, $2 engine query ("" without terms), $3 cursor date, $4.. each
// table's id bound at that date, then the tag (0: none), then 1 when
// notes may be found, then the page size. With a tag, only tasks that
// carry it.
func searchSQL(d dialect, terms bool) string {
	var b strings.Builder
	b.WriteString(`SELECT kind, id, date, title, note_type, body FROM (`)
	tag := len(searchTables) + 4
	notes := tag + 1
	limit := notes + 1
	for i, t := range searchTables {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		match := `$2 = ''`
		if terms {
			match = fmt.Sprintf(d.searchMatch, "x", t.table)
		}
		tagged := fmt.Sprintf(`CAST($%d AS BIGINT) = 0 AND CAST($%d AS BIGINT) = 1`, tag, notes)
		if t.kind == focusflow.SearchTask {
			tagged = fmt.Sprintf(`CAST($%d AS BIGINT) = 0`, tag)
			tagged = fmt.Sprintf(`(%s OR EXISTS (SELECT 1 FROM task_tags tt WHERE tt.task_id = x.id AND tt.tag_id = $%d))`,
				tagged, tag)
		}
		fmt.Fprintf(&b, `SELECT * FROM (SELECT '%s' AS kind, %d AS rank, x.id, x.date, %s AS title, %s AS note_type, %s AS body
			FROM %s x WHERE x.user_id = $1 AND %s AND %s AND (x.date < $3 OR (x.date = $3 AND x.id < $%d))
			ORDER BY x.date DESC, x.id DESC LIMIT $%d) AS %s_page`,
			t.kind, focusflow.SearchKindRank(t.kind), t.title, t.noteType, t.body,
			t.table, match, tagged, i+4, limit, t.table)
	}
	fmt.Fprintf(&b, `) AS found ORDER BY date DESC, rank DESC, id DESC LIMIT $%d`, limit)
	return b.String()
}

// firstSearchDate sorts after every date a row can have.
const firstSearchDate = "9999-12-32"

// Search returns a page of the user's tasks and notes having, for every
// term, a word that starts with it; newest day first.
func (db *DB) Search(ctx context.Context, userID int64, q focusflow.SearchQuery) (*focusflow.SearchPage, error) {
	var match string
	if len(q.Terms) > 0 {
		match = db.dialect.searchQuery(userID, q.Terms)
	}
	args := []any{userID, match, firstSearchDate}
	if q.After.Date != "" {
		args[2] = q.After.Date
	}
	after := focusflow.SearchKindRank(q.After.Kind)
	for _, t := range searchTables {
		// At the cursor's date: kinds listed before the cursor's are done,
		// its own continues below its id, later ones start over.
		switch rank := focusflow.SearchKindRank(t.kind); {
		case q.After.Date == "" || rank < after:
			args = append(args, int64(math.MaxInt64))
		case rank == after:
			args = append(args, q.After.ID)
		default:
			args = append(args, int64(0))
		}
	}
	args = append(args, q.Tag, int64(b2i(!q.TasksOnly)), q.Limit+1)
	page := &focusflow.SearchPage{Results: []focusflow.SearchResult{}}
	err := queryEach(ctx, db.read, searchSQL(db.dialect, len(q.Terms) > 0), args, func(rows *sql.Rows) error {
		var r focusflow.SearchResult
		if err := rows.Scan(&r.Kind, &r.ID, &r.Date, &r.Title, &r.NoteType, &r.Body); err != nil {
			return err
		}
		page.Results = append(page.Results, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(page.Results) > q.Limit {
		page.Results = page.Results[:q.Limit]
		last := page.Results[q.Limit-1]
		page.Next = focusflow.EncodeSearchCursor(focusflow.SearchCursor{Date: last.Date, Kind: last.Kind, ID: last.ID})
	}
	return page, nil
}

// taskSearchWords is what search finds a new task by, before it has tags
// (reindexTasks adds their names).
func taskSearchWords(t *focusflow.Task) string { return focusflow.SearchWords(t.Title, t.Description) }

// reindexTasks recomputes search_words of the tasks chosen by cond (a
// condition on t, with args) from their title, description and tag names,
// leaving out the tag skipTag (one about to be deleted; 0 for none), and
// writes the rows whose words changed. A task is found by its tags' names:
// every change to a task's tags or to a tag's name calls this in its
// transaction.
func reindexTasks(ctx context.Context, tx execer, cond string, args []any, skipTag int64) error {
	type taskText struct {
		id         int64
		texts      []string
		words, was string
	}
	var tasks []*taskText
	err := tx.Query(ctx, fmt.Sprintf(`SELECT t.id, t.title, t.description, t.search_words, COALESCE(g.name, '')
		FROM tasks t
		LEFT JOIN task_tags tt ON tt.task_id = t.id AND tt.tag_id <> $%d
		LEFT JOIN tags g ON g.id = tt.tag_id
		WHERE %s ORDER BY t.id, g.name_fold`, len(args)+1, cond), append(args, skipTag), func(row rowScanner) error {
		var id int64
		var title, desc, was, tag string
		if err := row.Scan(&id, &title, &desc, &was, &tag); err != nil {
			return err
		}
		if len(tasks) == 0 || tasks[len(tasks)-1].id != id {
			tasks = append(tasks, &taskText{id: id, texts: []string{title, desc}, was: was})
		}
		if tag != "" {
			last := tasks[len(tasks)-1]
			last.texts = append(last.texts, tag)
		}
		return nil
	})
	if err != nil {
		return wrapDBError(err)
	}
	for _, t := range tasks {
		if t.words = focusflow.SearchWords(t.texts...); t.words == t.was {
			continue
		}
		if err := tx.Exec(ctx, `UPDATE tasks SET search_words = $2 WHERE id = $1`, t.id, t.words); err != nil {
			return wrapDBError(err)
		}
	}
	return nil
}

// reindexTagTasks recomputes the words of the tasks that carry tagID;
// without its name when the tag is about to go (skip).
func reindexTagTasks(ctx context.Context, tx execer, userID, tagID int64, skip bool) error {
	var skipTag int64
	if skip {
		skipTag = tagID
	}
	return reindexTasks(ctx, tx, `t.user_id = $1 AND t.id IN (SELECT task_id FROM task_tags WHERE tag_id = $2)`,
		[]any{userID, tagID}, skipTag)
}
