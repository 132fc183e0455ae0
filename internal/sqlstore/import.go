package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
)

// ImportRows writes a checked document (internal/userdata makes the plan)
// into the user's account, all of it or nothing (on SQLite in short
// transactions, undone if a later one fails: see importWriter). Rows the
// account already has are skipped: same-account rows by their ids,
// another account's by the legacy_ids an earlier import of the document
// left. Entries and phases that overlap the account's own are refused as
// a conflict; day notes from another account are merged into the
// account's; settings (session settings and signals too, when the
// document has them) are applied only from another account's document
// (the account's own are newer than its export). Series the account lacks
// come with their tags and skipped days, and the occurrences the document
// lists belong to them, so that no day gets a second occurrence. One
// import per account runs at a time; a second is refused as a conflict.
func (db *DB) ImportRows(ctx context.Context, user *focusflow.User, plan *focusflow.ImportPlan) (*focusflow.ImportSummary, error) {
	account, err := db.accountRef(ctx, user, false)
	if err != nil {
		return nil, err
	}
	same := account != "" && plan.Account == account
	im := &rowImport{db: db, plan: plan, same: same, user: user, now: db.now(),
		sum: &focusflow.ImportSummary{SameAccount: same}}
	if im.w, err = db.beginImport(ctx, user.ID, user.Location()); err != nil {
		return nil, err
	}
	if err := im.run(ctx); err != nil {
		return nil, im.w.abort(ctx, err)
	}
	return im.sum, nil
}

// rowImport is one ImportRows.
type rowImport struct {
	db      *DB
	w       *importWriter
	plan    *focusflow.ImportPlan
	same    bool // the document comes from this account
	user    *focusflow.User
	sum     *focusflow.ImportSummary
	now     time.Time
	taskIDs map[int64]int64 // the document's task id → ours (existing or new)
	tagIDs  map[int64]int64 // the document's tag id → ours (existing or new)
	// have are the document's rows the account has already, by kind: the
	// document's id → ours.
	have map[string]map[int64]int64
}

// run reads what the account has, refuses overlaps, then writes the rows
// (in chunks where the engine needs them) and, in the last transaction,
// what changes rows the account had before: settings, day notes.
func (im *rowImport) run(ctx context.Context) error {
	if err := im.prepare(ctx); err != nil {
		return err
	}
	if im.w.tx == nil {
		if err := im.w.next(ctx); err != nil {
			return err
		}
	}
	for _, step := range []func(context.Context) error{im.tasks, im.entries, im.notes, im.activity, im.phases} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	x := sqlExec{im.w.tx}
	if err := im.w.figures.apply(ctx, im.db, x, im.user.ID, false); err != nil {
		return err
	}
	im.w.figures = newFigureDelta()
	loc, err := im.settings(ctx)
	if err != nil {
		return err
	}
	// Focus figures were written in the account's zone; a document from
	// another account may have moved it.
	if loc.String() != im.user.Location().String() {
		if err := im.db.rebucketFocus(ctx, x, im.user.ID, loc); err != nil {
			return err
		}
	}
	// The runs follow the new days and the (maybe new) daily goal.
	if err := im.db.recomputeRuns(ctx, x, im.user.ID); err != nil {
		return err
	}
	if err := im.dayNotes(ctx); err != nil {
		return err
	}
	// Tags go in the last transaction, with what the account had before:
	// an import that fails leaves no tag behind.
	if err := im.tags(ctx); err != nil {
		return err
	}
	if err := im.series(ctx); err != nil {
		return err
	}
	return im.w.finish(ctx)
}

// prepare reads which of the document's rows the account has, outside
// any write transaction, and refuses entries and phases that overlap the
// account's.
func (im *rowImport) prepare(ctx context.Context) error {
	im.have = map[string]map[int64]int64{}
	p := im.plan
	for _, k := range []struct {
		table, kind string
		ids         []int64
	}{
		{"tasks", "task", idsOf(p.Tasks, func(t focusflow.Task) int64 { return t.ID })},
		{"time_entries", "entry", idsOf(p.Entries, func(e focusflow.TimeEntry) int64 { return e.ID })},
		{"notes", "note", idsOf(p.Notes, func(n focusflow.Note) int64 { return n.ID })},
		{"activity", "activity", idsOf(p.Activity, func(a focusflow.ActivityRow) int64 { return a.ID })},
		{"timer_phases", "phase", idsOf(p.Phases, func(p focusflow.PhaseRow) int64 { return p.ID })},
		{"task_series", "series", idsOf(p.Series, func(s focusflow.Series) int64 { return s.ID })},
	} {
		have, err := im.present(ctx, k.table, k.kind, k.ids)
		if err != nil {
			return err
		}
		im.have[k.kind] = have
	}
	if err := im.refuseOverlaps(ctx, im.have["entry"]); err != nil {
		return err
	}
	return im.refusePhaseOverlaps(ctx, im.have["phase"])
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
	err := queryEach(ctx, im.db.read, query, args, func(r *sql.Rows) error {
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

// remember records that the document's row from became our row id, and
// counts the row written.
func (im *rowImport) remember(ctx context.Context, kind string, from, id int64) error {
	if err := im.mapRow(ctx, kind, from, id); err != nil {
		return err
	}
	return im.w.tick(ctx)
}

// mapRow records, for another account's document, that its row from
// became our row id.
func (im *rowImport) mapRow(ctx context.Context, kind string, from, id int64) error {
	if im.same {
		return nil
	}
	_, err := im.w.tx.ExecContext(ctx, `INSERT INTO legacy_ids (kind, legacy_id, new_id, import_id)
		VALUES ($1, $2, $3, $4) ON CONFLICT (kind, legacy_id) DO UPDATE SET new_id = excluded.new_id,
		import_id = excluded.import_id`, im.mapKind(kind), from, id, im.w.id)
	return wrapDBError(err)
}

// settings applies another account's settings and returns the zone the
// account's days are in from now on.
func (im *rowImport) settings(ctx context.Context) (*time.Location, error) {
	if im.same {
		return im.user.Location(), nil
	}
	if query, args := settingsUpdate(im.user.ID, im.plan.Settings); query != "" {
		if _, err := im.w.tx.ExecContext(ctx, query, args...); err != nil {
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

// tasks writes the tasks the account lacks, each with the time of its
// entries the import writes.
func (im *rowImport) tasks(ctx context.Context) error {
	uid, have := im.user.ID, im.have["task"]
	spent := map[int64]int64{} // the document's task id → its new entries' time
	for _, e := range im.plan.Entries {
		if _, ok := im.have["entry"][e.ID]; !ok {
			spent[e.TaskID] += e.EndedAt.Sub(e.StartedAt).Milliseconds()
		}
	}
	im.taskIDs = map[int64]int64{}
	for _, t := range im.plan.Tasks {
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
		// An occurrence gets its series in the last transaction (series).
		if err := im.w.tx.QueryRowContext(ctx, `INSERT INTO tasks (user_id, date, title, description, start_time,
			duration_minutes, status, position, spent_ms, completed_at, created_at, updated_at, import_id, search_words,
			series_date, series_detached) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
			RETURNING id`, uid, t.Date, t.Title, t.Description, nullString(t.StartTime), nullInt(t.DurationMinutes), t.Status,
			t.Position, spent[t.ID], completed, t.CreatedAt.UnixMilli(), im.now.UnixMilli(), im.w.id,
			taskSearchWords(&t), nullString(t.SeriesDate), t.SeriesDetached).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		im.w.figures.addTask(t.Date, t.Status == focusflow.StatusCompleted, 1)
		im.taskIDs[t.ID] = id
		im.sum.Created.Tasks++
		if err := im.remember(ctx, "task", t.ID, id); err != nil {
			return err
		}
	}
	return nil
}

// entries writes the time entries the account lacks (overlaps were
// refused before anything was written), with their focus time, and their
// time on the tasks the account had.
func (im *rowImport) entries(ctx context.Context) error {
	for _, e := range im.plan.Entries {
		if _, ok := im.have["entry"][e.ID]; ok {
			im.sum.Skipped.TimeEntries++
			continue
		}
		taskID := im.taskIDs[e.TaskID]
		var id int64
		if err := im.w.tx.QueryRowContext(ctx, `INSERT INTO time_entries (user_id, task_id, started_at, ended_at, source,
			created_at, import_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, im.user.ID, taskID,
			e.StartedAt.UnixMilli(), e.EndedAt.UnixMilli(), e.Source, im.now.UnixMilli(), im.w.id).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		onTask := int64(0) // a new task has this time already
		if _, existed := im.have["task"][e.TaskID]; existed {
			onTask = taskID
		}
		im.w.figures.addEntry(im.user.Location(), onTask, e.StartedAt, e.EndedAt, e.Source == focusflow.SourceManual, 1)
		im.sum.Created.TimeEntries++
		if err := im.remember(ctx, "entry", e.ID, id); err != nil {
			return err
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
	err := queryEach(ctx, im.db.read, query, args, func(r *sql.Rows) error {
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
	tx, uid := im.w.tx, im.user.ID
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
	_, err := im.w.tx.ExecContext(ctx, `UPDATE day_notes SET text = $3, updated_at = $4, search_words = $5
		WHERE user_id = $1 AND date = $2`, im.user.ID, n.Date, merged, im.now.UnixMilli(), focusflow.SearchWords(merged))
	return wrapDBError(err)
}

func (im *rowImport) notes(ctx context.Context) error {
	for _, n := range im.plan.Notes {
		if _, ok := im.have["note"][n.ID]; ok {
			im.sum.Skipped.Notes++
			continue
		}
		var id int64
		if err := im.w.tx.QueryRowContext(ctx, `INSERT INTO notes (user_id, date, type, title, content, created_at,
			updated_at, import_id, search_words) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, im.user.ID, n.Date,
			n.Type, n.Title, n.Content, n.CreatedAt.UnixMilli(), n.UpdatedAt.UnixMilli(), im.w.id, noteSearchWords(&n)).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		im.sum.Created.Notes++
		if err := im.remember(ctx, "note", n.ID, id); err != nil {
			return err
		}
	}
	return nil
}

func (im *rowImport) activity(ctx context.Context) error {
	for _, a := range im.plan.Activity {
		if _, ok := im.have["activity"][a.ID]; ok {
			im.sum.Skipped.Activity++
			continue
		}
		var id int64
		if err := im.w.tx.QueryRowContext(ctx, `INSERT INTO activity (user_id, date, at, kind, message, task_id, import_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, im.user.ID, a.Date, a.At.UnixMilli(), a.Kind, a.Message,
			nullID(im.taskIDs[a.TaskID]), im.w.id).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		im.sum.Created.Activity++
		if err := im.remember(ctx, "activity", a.ID, id); err != nil {
			return err
		}
	}
	return nil
}

// phases writes the finished phases of focus sessions the account lacks;
// breaks are phases only, never time entries. One user's phases follow
// each other, so none may overlap a phase the account has (the current
// phase of its session counts up to now): one that does is a conflict, and
// nothing is written.
func (im *rowImport) phases(ctx context.Context) error {
	var created []focus.PhaseRecord
	for _, p := range im.plan.Phases {
		if _, ok := im.have["phase"][p.ID]; ok {
			im.sum.Skipped.Phases++
			continue
		}
		var id int64
		if err := im.w.tx.QueryRowContext(ctx, `INSERT INTO timer_phases (user_id, task_id, kind, started_at, ended_at,
			planned_ms, outcome, import_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, im.user.ID,
			nullID(im.taskIDs[p.TaskID]), p.Kind, p.StartedAt.UnixMilli(), p.EndedAt.UnixMilli(), p.Planned.Milliseconds(),
			p.Outcome, im.w.id).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		created = append(created, focus.PhaseRecord{Kind: p.Kind, Outcome: p.Outcome})
		im.sum.Created.Phases++
		if err := im.remember(ctx, "phase", p.ID, id); err != nil {
			return err
		}
	}
	// The award pass counts phases, as it does after a timer records them.
	if earnsSomething(created) {
		return markAchievementsDue(ctx, sqlExec{im.w.tx}, im.user.ID)
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
	err = s.scanTimerRow(im.db.read.QueryRowContext(ctx, `SELECT `+timerColumns+` FROM timers WHERE user_id = $1`, im.user.ID))
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
