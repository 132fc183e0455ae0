package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/focusflow/focusflow"
)

// backfillBatch is how many rows the search back-fill reads, and at most
// writes, per statement: one round trip each way per batch instead of
// one per row, with bounded memory however large the tables are.
const backfillBatch = 1000

// backfillSource is a table whose search_words the back-fill fills: a
// query of the batch of its rows after id $1 (at most $2 of them), each
// result row an id and one text (a row may come several times, once per
// extra text: a task's tag names, in name order).
type backfillSource struct {
	table, batch string
}

var backfillSources = []backfillSource{
	// The texts are those the write path indexes: reindexTasks' title,
	// description and tag names in the same order.
	{"tasks", `SELECT t.id, t.title, t.description, COALESCE(g.name, '')
		FROM (SELECT id, title, description FROM tasks WHERE id > $1 ORDER BY id LIMIT $2) t
		LEFT JOIN task_tags tt ON tt.task_id = t.id
		LEFT JOIN tags g ON g.id = tt.tag_id
		ORDER BY t.id, g.name_fold`},
	{"notes", `SELECT id, title, content, '' FROM notes WHERE id > $1 ORDER BY id LIMIT $2`},
	{"day_notes", `SELECT id, text, '', '' FROM day_notes WHERE id > $1 ORDER BY id LIMIT $2`},
}

// indexSearchWords fills search_words of every task (with its tags'
// names) and note from their texts: the data step of the migration that
// brings search. It works through each table in batches of
// backfillBatch rows by id, each written by one UPDATE.
func indexSearchWords(ctx context.Context, tx *sql.Tx) error {
	for _, src := range backfillSources {
		for after := int64(0); ; {
			rows, last, err := readBackfillBatch(ctx, tx, src, after)
			if err != nil {
				return fmt.Errorf("%s after id %d: %w", src.table, after, err)
			}
			if last == 0 {
				break
			}
			if err := writeSearchWords(ctx, tx, src.table, rows); err != nil {
				return fmt.Errorf("%s after id %d: %w", src.table, after, err)
			}
			after = last
		}
	}
	return nil
}

// wordsRow is a row's id and the words search finds it by.
type wordsRow struct {
	id    int64
	words string
}

// readBackfillBatch reads the batch of src's rows after id after and
// returns those with words, and the last id read (0: none left).
func readBackfillBatch(ctx context.Context, tx *sql.Tx, src backfillSource, after int64) ([]wordsRow, int64, error) {
	type texts struct {
		id    int64
		texts []string
	}
	var read []*texts
	err := queryEach(ctx, tx, src.batch, []any{after, backfillBatch}, func(r *sql.Rows) error {
		var id int64
		var a, b, extra string
		if err := r.Scan(&id, &a, &b, &extra); err != nil {
			return err
		}
		if len(read) == 0 || read[len(read)-1].id != id {
			read = append(read, &texts{id: id, texts: []string{a, b}})
		}
		if extra != "" {
			last := read[len(read)-1]
			last.texts = append(last.texts, extra)
		}
		return nil
	})
	if err != nil || len(read) == 0 {
		return nil, 0, err
	}
	var out []wordsRow
	for _, t := range read {
		if words := focusflow.SearchWords(t.texts...); words != "" {
			out = append(out, wordsRow{t.id, words})
		}
	}
	return out, read[len(read)-1].id, nil
}

// writeSearchWords sets the words of rows of table (whose names come
// from backfillSources, never from input) in one statement.
func writeSearchWords(ctx context.Context, tx *sql.Tx, table string, rows []wordsRow) error {
	if len(rows) == 0 {
		return nil
	}
	var b strings.Builder
	args := make([]any, 0, 2*len(rows))
	fmt.Fprintf(&b, `UPDATE %s SET search_words = v.column2 FROM (VALUES `, table)
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `(CAST($%d AS BIGINT), CAST($%d AS TEXT))`, 2*i+1, 2*i+2)
		args = append(args, r.id, r.words)
	}
	fmt.Fprintf(&b, `) AS v WHERE %s.id = v.column1`, table)
	_, err := tx.ExecContext(ctx, b.String(), args...)
	return err
}
