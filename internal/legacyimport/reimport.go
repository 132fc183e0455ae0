package legacyimport

import (
	"context"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

// Running the import again imports only what earlier runs did not: every
// row imported is remembered (sqlstore's legacy_ids) under one of these
// kinds with the original's id. Whether a row counts as imported already
// is decided here — for accounts in earlierAccount, for every other row in
// alreadyImported — and nowhere else.
const (
	kindUser     = "legacy:user"
	kindTask     = "legacy:task"
	kindDayNote  = "legacy:day_note"
	kindNote     = "legacy:note"
	kindActivity = "legacy:activity"
)

// mappedKinds are the row kinds of one user and where their ids point. A
// day note has no id of its own, so its mapping points at its user; the
// original's ids are global, so another user's mapping never matches.
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
	_, createdOK := parseTime(acc.source.created, im.loc)
	if mapped.CreatedAt.UnixMilli() == acc.createdAt.UnixMilli() || !createdOK {
		return mapped.ID
	}
	return 0
}

// loadMapped reads which of this user's original rows earlier runs
// imported: only mappings whose row still exists for this user count.
func (run *userRun) loadMapped(ctx context.Context) error {
	run.mapped = map[string]map[int64]int64{}
	for _, k := range mappedKinds {
		m, err := run.l.Mapped(ctx, k.kind, k.table, run.user.ID)
		if err != nil {
			return err
		}
		run.mapped[k.kind] = m
	}
	run.taskID = map[int64]int64{}
	for from, id := range run.mapped[kindTask] {
		run.taskID[from] = id
	}
	return nil
}

// alreadyImported reports whether an earlier run imported the original's
// row id of kind; it is skipped then, even when the original changed it
// since. date is a day note's date ("" when it is not a date).
func (run *userRun) alreadyImported(ctx context.Context, kind string, id int64, date string) (bool, error) {
	if _, ok := run.mapped[kind][id]; !ok {
		return false, nil
	}
	if kind != kindDayNote || date == "" {
		return true, nil
	}
	// A day note has no id of its own: it is there while its day has one
	// (the account may have been deleted and made anew).
	return run.l.HasDayNote(ctx, run.user.ID, date)
}
