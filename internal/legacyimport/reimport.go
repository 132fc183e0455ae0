package legacyimport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

// Running the import again applies what changed in the original since the
// last run. Every row imported is remembered (sqlstore's legacy_ids) under
// one of these kinds with the original's id, the account it belongs to
// here, and two signatures: of the source row as imported, and of our row
// as the import left it. The next run compares both: a row the original
// changed is updated unless it was changed here too (FocusFlow's kept, the
// conflict reported); a row the original deleted is listed, and deleted
// only when asked. Whether a row counts as imported already, and what
// happens to it, is decided here — for accounts in earlierAccount, for
// every other row in judge — and nowhere else.
const (
	kindUser     = "legacy:user"
	kindTask     = "legacy:task"
	kindDayNote  = "legacy:day_note"
	kindNote     = "legacy:note"
	kindActivity = "legacy:activity"
)

// mappedKinds are the row kinds of one user and where their ids point. A
// day note has no id of its own, so its mapping points at its user.
var mappedKinds = []struct {
	kind  string
	table sqlstore.MapTable
}{
	{kindTask, sqlstore.TaskTable},
	{kindNote, sqlstore.NoteTable},
	{kindActivity, sqlstore.ActivityTable},
	{kindDayNote, sqlstore.UserTable},
}

// earlierAccount is our id of the account an earlier run made for the
// original user, or 0. A mapping counts only while it still points at the
// account it made (same join date): ids can be reused after a deletion.
// Without a created_at of its own the join date was derived from the data,
// which may have grown since; the account's existence has to do then.
func (im *importer) earlierAccount(acc *account, mapped *focusflow.User) int64 {
	if mapped == nil {
		return 0
	}
	_, createdOK := parseTime(acc.source.created, im.dbLoc)
	if mapped.CreatedAt.UnixMilli() == acc.createdAt.UnixMilli() || !createdOK {
		return mapped.ID
	}
	return 0
}

// loadMarks reads what earlier runs imported for this account.
func (run *userRun) loadMarks(ctx context.Context) error {
	run.marks = map[string]map[int64]sqlstore.Mark{}
	for _, k := range mappedKinds {
		m, err := run.l.Marks(ctx, k.kind, k.table, run.user.ID)
		if err != nil {
			return err
		}
		run.marks[k.kind] = m
	}
	run.taskID = map[int64]int64{}
	for from, m := range run.marks[kindTask] {
		if m.Exists {
			run.taskID[from] = m.ID
		}
	}
	return nil
}

// verdict is what a run does with one row of the original.
type verdict int

const (
	verdictNew      verdict = iota // not imported before: added
	verdictKept                    // unchanged in the original since: left alone
	verdictUpdate                  // changed in the original only: applied
	verdictConflict                // changed in the original and here: FocusFlow's kept
	verdictGone                    // deleted here, unchanged in the original: stays deleted
	verdictBaseline                // imported before signatures were kept: taken as it is now
)

// judge decides about a row of the original whose signature is now src,
// given what an earlier run remembered of it (ok false: nothing) and the
// signature target of our row now (unused when it was deleted here).
func judge(m sqlstore.Mark, ok bool, src, target string) verdict {
	switch {
	case !ok:
		return verdictNew
	case m.SourceSig == "" && m.Exists:
		return verdictBaseline
	case m.SourceSig == src || m.SourceSig == "":
		if !m.Exists {
			return verdictGone
		}
		return verdictKept
	case m.Exists && m.TargetSig == target:
		return verdictUpdate
	default:
		return verdictConflict
	}
}

// count records what a verdict did to a row imported before.
func (run *userRun) count(v verdict, row, what string) {
	c := &run.rep.Counts
	switch v {
	case verdictKept, verdictGone, verdictBaseline:
		c.Kept++
	case verdictUpdate:
		c.Updated++
		run.rep.Changes = append(run.rep.Changes, Change{Kind: ChangeUpdated, Row: row, What: what})
	case verdictConflict:
		c.Conflicts++
		run.rep.Changes = append(run.rep.Changes, Change{Kind: ChangeConflict, Row: row, What: what})
	}
}

// conflictWhat says what a conflict kept.
func conflictWhat(m sqlstore.Mark, what string) string {
	if !m.Exists {
		return what + " in the original, but the row was deleted in FocusFlow since the last import: it stays deleted"
	}
	return what + " in the original, but the row was also changed in FocusFlow since the last import: FocusFlow's version kept"
}

// removed handles the rows of a kind an earlier run imported that the
// original no longer has (seen holds the ids it still has): listed, and
// with --delete-removed deleted — unless changed here since (changed).
func (run *userRun) removed(ctx context.Context, kind string, seen map[int64]bool, row func(sqlstore.Mark) string,
	changed func(context.Context, sqlstore.Mark) (bool, error), del func(context.Context, sqlstore.Mark) error) error {
	marks := run.marks[kind]
	froms := make([]int64, 0, len(marks))
	for from := range marks {
		if !seen[from] {
			froms = append(froms, from)
		}
	}
	sort.Slice(froms, func(i, j int) bool { return froms[i] < froms[j] })
	for _, from := range froms {
		m := marks[from]
		if !m.Exists { // deleted on both sides
			if err := run.l.Forget(ctx, kind, from); err != nil {
				return err
			}
			continue
		}
		ch := Change{Kind: ChangeRemoved, Row: row(m), What: "deleted in the original; kept here (--delete-removed deletes it)"}
		c := &run.rep.Counts
		if !run.im.deleteRemoved {
			c.Removed++
			run.rep.Changes = append(run.rep.Changes, ch)
			continue
		}
		isChanged, err := changed(ctx, m)
		if err != nil {
			return err
		}
		if isChanged {
			c.Conflicts++
			ch.Kind, ch.What = ChangeConflict, "deleted in the original, but changed in FocusFlow since the last import: kept"
			run.rep.Changes = append(run.rep.Changes, ch)
			continue
		}
		if err := del(ctx, m); err != nil {
			return err
		}
		if err := run.l.Forget(ctx, kind, from); err != nil {
			return err
		}
		c.Deleted++
		ch.Kind, ch.What = ChangeDeleted, "deleted in the original: deleted here too"
		run.rep.Changes = append(run.rep.Changes, ch)
	}
	return nil
}

// sig is a short signature of values: their SHA-256, of which 16 bytes
// are kept (collisions do not matter at that length).
func sig(values ...string) string {
	h := sha256.New()
	for _, v := range values {
		fmt.Fprintf(h, "%d:%s;", len(v), v)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// sigParts splits a signature of several parts ("a|b"); a missing part is
// empty.
func sigParts(s string, n int) []string {
	parts := strings.SplitN(s, "|", n)
	for len(parts) < n {
		parts = append(parts, "")
	}
	return parts
}
