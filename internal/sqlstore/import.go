package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
)

// ImportRows writes a checked document (internal/userdata makes the plan)
// into the user's account in one transaction, or nothing. Rows the account
// already has are skipped: same-account rows by their ids, another
// account's by the legacy_ids an earlier import of the document left.
// Entries and phases that overlap the account's own are refused as a
// conflict; day notes from another account are merged into the account's;
// settings (session settings and signals too, when the document has them)
// are applied only from another account's document (the account's own are
// newer than its export).
func (db *DB) ImportRows(ctx context.Context, user *focusflow.User, plan *focusflow.ImportPlan) (*focusflow.ImportSummary, error) {
	account, err := db.accountRef(ctx, user, false)
	if err != nil {
		return nil, err
	}
	same := account != "" && plan.Account == account
	sum := &focusflow.ImportSummary{SameAccount: same}
	now := db.now()
	err = db.tx(ctx, func(tx *sql.Tx) error {
		*sum = focusflow.ImportSummary{SameAccount: same}
		imp := &rowImport{db: db, tx: tx, plan: plan, same: same, user: user, sum: sum, now: now}
		return imp.run(ctx)
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}

// rowImport is one ImportRows transaction.
type rowImport struct {
	db      *DB
	tx      *sql.Tx
	plan    *focusflow.ImportPlan
	same    bool // the document comes from this account
	user    *focusflow.User
	sum     *focusflow.ImportSummary
	now     time.Time
	taskIDs map[int64]int64 // the document's task id → ours (existing or new)
}

func (im *rowImport) run(ctx context.Context) error {
	loc, err := im.settings(ctx)
	if err != nil {
		return err
	}
	if err := im.tasks(ctx); err != nil {
		return err
	}
	if err := im.entries(ctx); err != nil {
		return err
	}
	// Focus figures: recomputed from every entry in the (possibly new)
	// zone, which also moves the account's older figures if it changed.
	if err := im.db.rebucketFocus(ctx, sqlExec{im.tx}, im.user.ID, loc); err != nil {
		return err
	}
	if err := im.dayNotes(ctx); err != nil {
		return err
	}
	if err := im.notes(ctx); err != nil {
		return err
	}
	if err := im.activity(ctx); err != nil {
		return err
	}
	return im.phases(ctx)
}

// mapKind names a document row kind in legacy_ids, per source account and
// target user.
func (im *rowImport) mapKind(kind string) string {
	return "doc:" + im.plan.Account + ":" + strconv.FormatInt(im.user.ID, 10) + ":" + kind
}

// present returns which of the document's ids already have a row of table
// for this user, and its id: the row of that id in the same account, or
// the row an earlier import of this document made.
func (im *rowImport) present(ctx context.Context, table, kind string, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	var query string
	var args []any
	if im.same {
		query = `SELECT id, id FROM ` + table + ` WHERE user_id = $1`
		args = []any{im.user.ID}
	} else {
		query = `SELECT l.legacy_id, l.new_id FROM legacy_ids l JOIN ` + table + ` t ON t.id = l.new_id AND t.user_id = $1
			WHERE l.kind = $2`
		args = []any{im.user.ID, im.mapKind(kind)}
	}
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	err := queryEach(ctx, im.tx, query, args, func(r *sql.Rows) error {
		var from, id int64
		if err := r.Scan(&from, &id); err != nil {
			return err
		}
		if want[from] {
			out[from] = id
		}
		return nil
	})
	return out, err
}

// remember records that the document's row from became our row id.
func (im *rowImport) remember(ctx context.Context, kind string, from, id int64) error {
	if im.same {
		return nil // the ids themselves say it
	}
	_, err := im.tx.ExecContext(ctx, `INSERT INTO legacy_ids (kind, legacy_id, new_id) VALUES ($1, $2, $3)
		ON CONFLICT (kind, legacy_id) DO UPDATE SET new_id = excluded.new_id`, im.mapKind(kind), from, id)
	return wrapDBError(err)
}

// settings applies another account's settings and returns the zone the
// account's days are in from now on.
func (im *rowImport) settings(ctx context.Context) (*time.Location, error) {
	if im.same {
		return im.user.Location(), nil
	}
	if query, args := settingsUpdate(im.user.ID, im.plan.Settings); query != "" {
		if _, err := im.tx.ExecContext(ctx, query, args...); err != nil {
			return nil, wrapDBError(err)
		}
	}
	im.sum.SettingsApplied = true
	if tz := im.plan.Settings.Timezone; tz != nil {
		if loc, err := time.LoadLocation(*tz); err == nil {
			return loc, nil
		}
	}
	return im.user.Location(), nil
}

func (im *rowImport) tasks(ctx context.Context) error {
	tasks, uid := im.plan.Tasks, im.user.ID
	have, err := im.present(ctx, "tasks", "task", idsOf(tasks, func(t focusflow.Task) int64 { return t.ID }))
	if err != nil {
		return err
	}
	im.taskIDs = map[int64]int64{}
	for _, t := range tasks {
		if id, ok := have[t.ID]; ok {
			im.taskIDs[t.ID] = id
			im.sum.Skipped.Tasks++
			continue
		}
		var completed any
		if !t.CompletedAt.IsZero() {
			completed = t.CompletedAt.UnixMilli()
		}
		var id int64
		if err := im.tx.QueryRowContext(ctx, `INSERT INTO tasks (user_id, date, title, description, start_time,
			duration_minutes, status, position, spent_ms, completed_at, created_at, updated_at, search_words)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12) RETURNING id`,
			uid, t.Date, t.Title, t.Description, nullString(t.StartTime), nullInt(t.DurationMinutes), t.Status,
			t.Position, completed, t.CreatedAt.UnixMilli(), im.now.UnixMilli(), taskSearchWords(&t)).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		if err := addTaskCounts(ctx, sqlExec{im.tx}, uid, t.Date, 1, b2i(t.Status == focusflow.StatusCompleted)); err != nil {
			return err
		}
		if err := im.remember(ctx, "task", t.ID, id); err != nil {
			return err
		}
		im.taskIDs[t.ID] = id
		im.sum.Created.Tasks++
	}
	return nil
}

// entries writes the time entries the account lacks. None may overlap
// anything the account has (a running timer counts up to now): one that
// does is a conflict, and nothing is written.
func (im *rowImport) entries(ctx context.Context) error {
	entries, uid := im.plan.Entries, im.user.ID
	have, err := im.present(ctx, "time_entries", "entry", idsOf(entries, func(e focusflow.TimeEntry) int64 { return e.ID }))
	if err != nil {
		return err
	}
	if err := im.refuseOverlaps(ctx, have); err != nil {
		return err
	}
	spent := map[int64]int64{}
	for _, e := range entries {
		if _, ok := have[e.ID]; ok {
			im.sum.Skipped.TimeEntries++
			continue
		}
		taskID := im.taskIDs[e.TaskID]
		var id int64
		if err := im.tx.QueryRowContext(ctx, `INSERT INTO time_entries (user_id, task_id, started_at, ended_at, source, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, uid, taskID, e.StartedAt.UnixMilli(), e.EndedAt.UnixMilli(),
			e.Source, im.now.UnixMilli()).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		if err := im.remember(ctx, "entry", e.ID, id); err != nil {
			return err
		}
		spent[taskID] += e.EndedAt.Sub(e.StartedAt).Milliseconds()
		im.sum.Created.TimeEntries++
	}
	for _, taskID := range slices.Sorted(maps.Keys(spent)) {
		if _, err := im.tx.ExecContext(ctx, `UPDATE tasks SET spent_ms = spent_ms + $3 WHERE id = $1 AND user_id = $2`,
			taskID, uid, spent[taskID]); err != nil {
			return wrapDBError(err)
		}
	}
	return nil
}

// refuseOverlaps returns a conflict naming every new entry that overlaps
// one the account has.
func (im *rowImport) refuseOverlaps(ctx context.Context, have map[int64]int64) error {
	busy, err := im.busy(ctx, `SELECT started_at, COALESCE(ended_at, $2) FROM time_entries WHERE user_id = $1`,
		im.user.ID, im.now.UnixMilli())
	if err != nil {
		return err
	}
	return overlapConflicts(busy, "time_entries", "a time entry", len(im.plan.Entries), func(i int) (time.Time, time.Time, bool) {
		e := im.plan.Entries[i]
		_, there := have[e.ID]
		return e.StartedAt, e.EndedAt, !there
	})
}

// busy reads the stretches of time (start and end) a query returns.
func (im *rowImport) busy(ctx context.Context, query string, args ...any) (*spanSet, error) {
	busy := &spanSet{}
	err := queryEach(ctx, im.tx, query, args, func(r *sql.Rows) error {
		var s entrySpan
		if err := r.Scan(&s.start, &s.end); err != nil {
			return err
		}
		if s.end > s.start {
			busy.add(s)
		}
		return nil
	})
	return busy, err
}

// overlapConflicts is the conflict naming every new row of a section of
// the document (row(i) gives its times and whether it is new) that
// overlaps busy, the stretches the account has of what the rows are.
func overlapConflicts(busy *spanSet, section, what string, n int, row func(int) (time.Time, time.Time, bool)) error {
	conflicts := &focusflow.ImportError{Conflict: true}
	for i := range n {
		start, end, isNew := row(i)
		if isNew && end.After(start) && busy.overlaps(entrySpan{start.UnixMilli(), end.UnixMilli()}) {
			conflicts.Add(fmt.Sprintf("%s[%d].started_at", section, i), "%s[%d] (%s–%s) overlaps %s the account already has.",
				section, i, start.Format(time.RFC3339), end.Format(time.RFC3339), what)
		}
	}
	return conflicts.Err()
}

// overlaps reports whether s overlaps any interval of the set.
func (tl *spanSet) overlaps(s entrySpan) bool {
	i := sort.Search(len(tl.spans), func(i int) bool { return tl.spans[i].end > s.start })
	return i < len(tl.spans) && tl.spans[i].start < s.end
}

func idsOf[T any](rows []T, id func(T) int64) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}

// dayNotes writes the day notes. One for a day the account has a note
// for is skipped when it says nothing new, and otherwise (from another
// account) added below the account's text.
func (im *rowImport) dayNotes(ctx context.Context) error {
	tx, uid := im.tx, im.user.ID
	for i, n := range im.plan.DayNotes {
		day, _ := focusflow.ParseDate(n.Date)
		dayKey := int64(day.Year()*10000 + int(day.Month())*100 + day.Day())
		if !im.same {
			var mapped int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM legacy_ids WHERE kind = $1 AND legacy_id = $2`,
				im.mapKind("day_note"), dayKey).Scan(&mapped); err != nil {
				return wrapDBError(err)
			}
			if mapped > 0 {
				im.sum.Skipped.DayNotes++
				continue
			}
		}
		var text string
		err := tx.QueryRowContext(ctx, `SELECT text FROM day_notes WHERE user_id = $1 AND date = $2`, uid, n.Date).Scan(&text)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO day_notes (user_id, date, text, updated_at, search_words)
				VALUES ($1, $2, $3, $4, $5)`, uid, n.Date, n.Text, n.UpdatedAt.UnixMilli(), focusflow.SearchWords(n.Text)); err != nil {
				return wrapDBError(err)
			}
			im.sum.Created.DayNotes++
		case err != nil:
			return wrapDBError(err)
		case im.same || text == n.Text || strings.Contains(text, n.Text):
			im.sum.Skipped.DayNotes++
		default:
			if err := im.mergeDayNote(ctx, i, n, text); err != nil {
				return err
			}
			im.sum.Created.DayNotes++
		}
		if !im.same {
			if _, err := tx.ExecContext(ctx, `INSERT INTO legacy_ids (kind, legacy_id, new_id) VALUES ($1, $2, $3)
				ON CONFLICT (kind, legacy_id) DO NOTHING`, im.mapKind("day_note"), dayKey, uid); err != nil {
				return wrapDBError(err)
			}
		}
	}
	return nil
}

// mergeDayNote keeps both texts of a day another account wrote about too:
// the account's first, the document's below it.
func (im *rowImport) mergeDayNote(ctx context.Context, i int, n focusflow.DayNoteRow, text string) error {
	merged := text
	if strings.TrimSpace(text) != "" {
		merged += "\n\n"
	}
	merged += n.Text
	if utf8.RuneCountInString(merged) > focusflow.MaxDayNote {
		e := &focusflow.ImportError{}
		e.Add(fmt.Sprintf("day_notes[%d].text", i),
			"day_notes[%d]: the account already has a note for %s, and both together exceed %d characters.",
			i, n.Date, focusflow.MaxDayNote)
		return e
	}
	_, err := im.tx.ExecContext(ctx, `UPDATE day_notes SET text = $3, updated_at = $4, search_words = $5
		WHERE user_id = $1 AND date = $2`, im.user.ID, n.Date, merged, im.now.UnixMilli(), focusflow.SearchWords(merged))
	return wrapDBError(err)
}

func (im *rowImport) notes(ctx context.Context) error {
	notes := im.plan.Notes
	have, err := im.present(ctx, "notes", "note", idsOf(notes, func(n focusflow.Note) int64 { return n.ID }))
	if err != nil {
		return err
	}
	for _, n := range notes {
		if _, ok := have[n.ID]; ok {
			im.sum.Skipped.Notes++
			continue
		}
		var id int64
		if err := im.tx.QueryRowContext(ctx, `INSERT INTO notes (user_id, date, type, title, content, created_at, updated_at,
			search_words) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, im.user.ID, n.Date, n.Type, n.Title, n.Content,
			n.CreatedAt.UnixMilli(), n.UpdatedAt.UnixMilli(), noteSearchWords(&n)).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		if err := im.remember(ctx, "note", n.ID, id); err != nil {
			return err
		}
		im.sum.Created.Notes++
	}
	return nil
}

func (im *rowImport) activity(ctx context.Context) error {
	lines := im.plan.Activity
	have, err := im.present(ctx, "activity", "activity", idsOf(lines, func(a focusflow.ActivityRow) int64 { return a.ID }))
	if err != nil {
		return err
	}
	for _, a := range lines {
		if _, ok := have[a.ID]; ok {
			im.sum.Skipped.Activity++
			continue
		}
		var id int64
		if err := im.tx.QueryRowContext(ctx, `INSERT INTO activity (user_id, date, at, kind, message, task_id)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, im.user.ID, a.Date, a.At.UnixMilli(), a.Kind, a.Message,
			nullID(im.taskIDs[a.TaskID])).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		if err := im.remember(ctx, "activity", a.ID, id); err != nil {
			return err
		}
		im.sum.Created.Activity++
	}
	return nil
}

// phases writes the finished phases of focus sessions the account lacks;
// breaks are phases only, never time entries. One user's phases follow
// each other, so none may overlap a phase the account has (the current
// phase of its session counts up to now): one that does is a conflict, and
// nothing is written.
func (im *rowImport) phases(ctx context.Context) error {
	phases := im.plan.Phases
	have, err := im.present(ctx, "timer_phases", "phase", idsOf(phases, func(p focusflow.PhaseRow) int64 { return p.ID }))
	if err != nil {
		return err
	}
	if err := im.refusePhaseOverlaps(ctx, have); err != nil {
		return err
	}
	var created []focus.PhaseRecord
	for _, p := range phases {
		if _, ok := have[p.ID]; ok {
			im.sum.Skipped.Phases++
			continue
		}
		var id int64
		if err := im.tx.QueryRowContext(ctx, `INSERT INTO timer_phases (user_id, task_id, kind, started_at, ended_at,
			planned_ms, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, im.user.ID, nullID(im.taskIDs[p.TaskID]),
			p.Kind, p.StartedAt.UnixMilli(), p.EndedAt.UnixMilli(), p.Planned.Milliseconds(), p.Outcome).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		if err := im.remember(ctx, "phase", p.ID, id); err != nil {
			return err
		}
		created = append(created, focus.PhaseRecord{Kind: p.Kind, Outcome: p.Outcome})
		im.sum.Created.Phases++
	}
	// The award pass counts phases, as it does after a timer records them.
	if earnsSomething(created) {
		return markAchievementsDue(ctx, sqlExec{im.tx}, im.user.ID)
	}
	return nil
}

// refusePhaseOverlaps returns a conflict naming every new phase that
// overlaps one the account has, or the current phase of its session.
func (im *rowImport) refusePhaseOverlaps(ctx context.Context, have map[int64]int64) error {
	busy, err := im.busy(ctx, `SELECT started_at, ended_at FROM timer_phases WHERE user_id = $1`, im.user.ID)
	if err != nil {
		return err
	}
	var s timerState
	err = s.scanTimerRow(im.tx.QueryRowContext(ctx, `SELECT `+timerColumns+` FROM timers WHERE user_id = $1`, im.user.ID))
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return wrapDBError(err)
	case !s.Idle() && (s.Phase == focusflow.PhaseFocus || focusflow.IsBreak(s.Phase)) && im.now.After(s.PhaseStart):
		busy.add(entrySpan{s.PhaseStart.UnixMilli(), im.now.UnixMilli()})
	}
	return overlapConflicts(busy, "phases", "a phase", len(im.plan.Phases), func(i int) (time.Time, time.Time, bool) {
		p := im.plan.Phases[i]
		_, there := have[p.ID]
		return p.StartedAt, p.EndedAt, !there
	})
}
