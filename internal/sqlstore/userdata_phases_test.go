package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/fake"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// Focus sessions in the export document (version 2), and version 1
// documents, which have none.

// A document version 1 wrote imports as it always did: everything but
// sessions, which it does not have, so the account keeps its own session
// settings and signals.
func TestImportVersion1Document(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "userdata", "testdata", "export-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v1 focusflow.ExportDoc
	if err := json.Unmarshal(raw, &v1); err != nil || v1.Version != 1 {
		t.Fatalf("the fixture: version %d, %v", v1.Version, err)
	}
	storetest.Run(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		now := func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }
		u := exportAccount(t, db, "vera")
		plan := focusflow.DefaultSessionPlan()
		plan.Mode, plan.FlowRatio = focusflow.ModeFlowtime, 3
		signals := focusflow.Signals{Volume: 10, Notify: true}
		if err := db.UpdateSettings(ctx, u.ID, focusflow.UserSettings{Session: &plan, Signals: &signals}); err != nil {
			t.Fatal(err)
		}
		sum, err := importDoc(db, now, u, raw)
		if err != nil {
			t.Fatal(err)
		}
		want := focusflow.ImportCounts{Tasks: 4, TimeEntries: 4, DayNotes: 1, Notes: 2, Activity: len(v1.Activity)}
		if sum.SameAccount || !sum.SettingsApplied || sum.Created != want {
			t.Errorf("summary %+v", sum)
		}
		u = exportReload(t, db, u)
		if u.Timezone != "Europe/Paris" || u.Theme != "dark" || u.Session != plan || u.Signals != signals {
			t.Errorf("settings after a version 1 import: %q %q %+v %+v", u.Timezone, u.Theme, u.Session, u.Signals)
		}
		// The account holds exactly what the file did.
		again, _ := exportDoc(t, db, now, u)
		if len(again.Phases) != 0 {
			t.Errorf("phases from a version 1 document: %+v", again.Phases)
		}
		again.Version, again.Phases, again.Profile.Session, again.Profile.Signals = 1, nil, nil, nil
		again.Tags, again.TaskTags, again.Series, again.Occurrences = nil, nil, nil, nil
		again.Profile.TimeFormat, again.Profile.CarryForward = nil, nil
		again.Profile.Username, again.Profile.Email, again.Profile.CreatedAt = v1.Profile.Username, v1.Profile.Email, v1.Profile.CreatedAt
		if a, b := normalizeExport(t, &v1), normalizeExport(t, again); a != b {
			t.Errorf("the version 1 import:\n--- file\n%s\n--- account\n%s", a, b)
		}
		sum, err = importDoc(db, now, u, raw)
		if err != nil || sum.Created != (focusflow.ImportCounts{}) || sum.Skipped != want {
			t.Errorf("second import: %+v, %v", sum, err)
		}
	})
}

// Phases that break the rules are refused with their paths, and nothing
// of the document is written.
func TestImportRefusesBadPhases(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			c := fake.NewClock(time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC))
			db := e.Open(t, c.Now)
			src := exportSeed(t, db, c, exportAccount(t, db, "walt"))
			into := exportAccount(t, db, "xena")
			c.Advance(time.Hour)
			doc, _ := exportDoc(t, db, c.Now, src)
			before, _ := exportDoc(t, db, c.Now, into)

			doc.Phases[3].StartedAt = "2026-03-02T11:04:00.000Z" // inside the focus before it
			doc.Phases[2].EndedAt = "2026-03-02T11:05:00.000Z"   // completed, 10 minutes short
			doc.Phases[0].Kind = "nap"
			raw, _ := json.Marshal(doc)
			_, err := importDoc(db, c.Now, into, raw)
			var ie *focusflow.ImportError
			if !errors.As(err, &ie) || focusflow.ErrorCode(err) != focusflow.EINVALID {
				t.Fatalf("bad phases: %v", err)
			}
			var fields []string
			for _, p := range ie.Problems {
				fields = append(fields, p.Field)
			}
			if want := []string{"phases[0].kind", "phases[2].ended_at", "phases[3].started_at"}; !reflect.DeepEqual(fields, want) {
				t.Errorf("problems at %q, want %q: %v", fields, want, err)
			}
			if after, _ := exportDoc(t, db, c.Now, into); normalizeExport(t, after) != normalizeExport(t, before) {
				t.Error("a refused document wrote")
			}
		})
	}
}

// phaseDoc is from's document with phases in place of any it had, on its
// first task.
func phaseDoc(t *testing.T, db *sqlstore.DB, now func() time.Time, from *focusflow.User, phases ...focusflow.ExportPhase) []byte {
	t.Helper()
	doc, _ := exportDoc(t, db, now, from)
	for i := range phases {
		phases[i].TaskRef = &doc.Tasks[0].Ref
	}
	doc.Phases = phases
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// A user's phases follow each other: an imported phase that overlaps one
// the account has recorded, or its session's current phase, is a
// conflict, even without time entries (a break has none).
func TestImportRefusesPhasesOverlappingTheAccount(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			c := fake.NewClock(t0)
			db := e.Open(t, c.Now)
			from, into := exportAccount(t, db, "yann"), exportAccount(t, db, "zoe")
			for _, u := range []*focusflow.User{from, into} {
				if err := db.CreateTask(ctx, u, &focusflow.Task{Date: "2026-03-02", Title: "Work of " + u.Username}); err != nil {
					t.Fatal(err)
				}
			}
			// into: a pomodoro from 09:00, its break 09:25–09:30, stopped at 09:40.
			into = exportPomodoro(t, db, c, into, mustFirstTask(t, db, into))
			breakAt := func(ref string, from, to time.Duration) focusflow.ExportPhase {
				return focusflow.ExportPhase{Ref: ref, Kind: focusflow.PhaseShortBreak, StartedAt: t0.Add(from).Format(time.RFC3339),
					EndedAt: t0.Add(to).Format(time.RFC3339), PlannedMS: 300000, Outcome: "skipped"}
			}
			before, _ := exportDoc(t, db, c.Now, into)
			_, err := importDoc(db, c.Now, into, phaseDoc(t, db, c.Now, from, breakAt("p1", 26*time.Minute, 29*time.Minute)))
			if focusflow.ErrorCode(err) != focusflow.ECONFLICT || focusflow.ErrorField(err) != "phases[0].started_at" ||
				!strings.Contains(focusflow.ErrorMessage(err), "overlaps a phase the account already has") {
				t.Errorf("a phase over a recorded one: %v", err)
			}
			if after, _ := exportDoc(t, db, c.Now, into); normalizeExport(t, after) != normalizeExport(t, before) {
				t.Errorf("a conflicting import wrote: %+v", after)
			}
			// Touching the account's phases is fine.
			c.Advance(10 * time.Minute)
			sum, err := importDoc(db, c.Now, into, phaseDoc(t, db, c.Now, from, breakAt("p2", 40*time.Minute, 45*time.Minute)))
			if err != nil || sum.Created.Phases != 1 {
				t.Errorf("a phase right after the account's: %+v, %v", sum, err)
			}

			// A session running since 09:50, its phases not recorded yet.
			if _, err := db.TimerAction(ctx, into, focusflow.TimerCommand{Action: focusflow.ActionStart,
				TaskID: mustFirstTask(t, db, into)}); err != nil {
				t.Fatal(err)
			}
			c.Advance(30 * time.Minute)
			before, _ = exportDoc(t, db, c.Now, into)
			_, err = importDoc(db, c.Now, into, phaseDoc(t, db, c.Now, from, breakAt("p3", 60*time.Minute, 62*time.Minute)))
			if focusflow.ErrorCode(err) != focusflow.ECONFLICT || focusflow.ErrorField(err) != "phases[0].started_at" {
				t.Errorf("a phase during the current one: %v", err)
			}
			if after, _ := exportDoc(t, db, c.Now, into); !reflect.DeepEqual(after.Phases, before.Phases) {
				t.Errorf("a conflicting import wrote phases: %+v", after.Phases)
			}
		})
	}
}

func mustFirstTask(t *testing.T, db *sqlstore.DB, u *focusflow.User) int64 {
	t.Helper()
	rows, err := db.ExportRows(context.Background(), u.ID)
	if err != nil || len(rows.Tasks) == 0 {
		t.Fatalf("tasks of %s: %v", u.Username, err)
	}
	return rows.Tasks[0].ID
}

// Imported phases count towards achievements: the import marks the
// account for the award pass, which then finds them.
func TestImportedPhasesEarnAchievements(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			c := fake.NewClock(t0.Add(24 * time.Hour))
			opts := e.Options(t)
			opts.Now = c.Now
			db, raw := openStore(t, opts), openRaw(t, opts)
			from, into := exportAccount(t, db, "abel"), exportAccount(t, db, "bea")
			if err := db.CreateTask(ctx, from, &focusflow.Task{Date: "2026-03-02", Title: "Pending"}); err != nil {
				t.Fatal(err)
			}
			phase := func(ref, kind string, from, to time.Duration, planned int64, outcome string) focusflow.ExportPhase {
				return focusflow.ExportPhase{Ref: ref, Kind: kind, StartedAt: t0.Add(from).Format(time.RFC3339),
					EndedAt: t0.Add(to).Format(time.RFC3339), PlannedMS: planned, Outcome: outcome}
			}
			// No time entries: only the phases can earn these.
			doc := phaseDoc(t, db, c.Now, from, phase("p1", focusflow.PhaseFocus, 0, 25*time.Minute, 1_500_000, "completed"),
				phase("p2", focusflow.PhaseShortBreak, 25*time.Minute, 30*time.Minute, 300_000, "completed"))
			if _, err := importDoc(db, c.Now, into, doc); err != nil {
				t.Fatal(err)
			}
			if _, marks := tableRows(t, raw, into.ID); marks != 1 {
				t.Errorf("%d award marks after the import", marks)
			}
			if _, err := db.AwardAchievements(ctx); err != nil {
				t.Fatal(err)
			}
			list, err := db.Achievements(ctx, into)
			if err != nil {
				t.Fatal(err)
			}
			byID := map[string]focusflow.Achievement{}
			for _, a := range list {
				byID[a.ID] = a
			}
			if !byID["phase_first"].Unlocked || byID["breaks_20"].Current != 1 {
				t.Errorf("after an imported focus phase and break: %+v %+v", byID["phase_first"], byID["breaks_20"])
			}
		})
	}
}
