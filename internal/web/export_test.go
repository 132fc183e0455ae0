package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/legacyimport"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// exportSeedAPI gives a signed-in client a day of work through the API.
func exportSeedAPI(t *testing.T, ts *testServer, c *client) {
	t.Helper()
	var task struct {
		ID int64 `json:"id"`
	}
	c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"date": "2025-07-04", "title": "=HYPERLINK(\"http://evil\")",
		"description": "two\nlines"}).expect(t, http.StatusCreated).decode(t, &task)
	c.json(http.MethodPost, "/api/v1/tasks/"+strconv.FormatInt(task.ID, 10)+"/entries", map[string]any{
		"started_at": "2025-07-04T08:00:00Z", "ended_at": "2025-07-04T09:30:00Z"}).expect(t, http.StatusCreated)
	var plain struct {
		ID int64 `json:"id"`
	}
	c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"date": "2025-07-04", "title": "Café, \"quoted\""}).
		expect(t, http.StatusCreated).decode(t, &plain)
	c.json(http.MethodPost, "/api/v1/tasks/"+strconv.FormatInt(plain.ID, 10)+"/entries", map[string]any{
		"started_at": "2025-07-04T10:00:00Z", "ended_at": "2025-07-04T10:20:30Z"}).expect(t, http.StatusCreated)
	c.json(http.MethodPut, "/api/v1/days/2025-07-04/note", map[string]any{"text": "fine day"}).expect(t, http.StatusOK)
	c.json(http.MethodPost, "/api/v1/notes", map[string]any{"date": "2025-07-04", "type": "idea", "content": "later"}).
		expect(t, http.StatusCreated)
}

// exportSessionStore runs a pomodoro on the user's task through the store:
// a focus phase and a short break to their ends, then a stop.
func exportSessionStore(t *testing.T, ts *testServer, userID, taskID int64) {
	t.Helper()
	u, err := ts.store.User(ts.ctx(), userID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.TimerAction(ts.ctx(), u, focusflow.TimerCommand{Action: focusflow.ActionStart, TaskID: taskID,
		Mode: focusflow.ModePomodoro}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Duration{u.Session.Focus, u.Session.ShortBreak} {
		ts.clock.Advance(d)
		if _, err := ts.store.CapExpiredTimers(ts.ctx()); err != nil {
			t.Fatal(err)
		}
	}
	tm, err := ts.store.Timer(ts.ctx(), u)
	if err != nil || tm == nil {
		t.Fatalf("timer after the break: %+v, %v", tm, err)
	}
	if _, err := ts.store.TimerAction(ts.ctx(), u, focusflow.TimerCommand{Action: focusflow.ActionStop, Version: tm.Version}); err != nil {
		t.Fatal(err)
	}
}

func TestExportEndpoints(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, u := ts.signedInClient(t)
		exportSeedAPI(t, ts, c)
		var first focusflow.ExportDoc
		c.get("/api/v1/export").expect(t, http.StatusOK).decode(t, &first)
		exportSessionStore(t, ts, c.userID(), refID(t, first.Tasks[1].Ref))
		// Two tags on the café task, one named like a formula.
		tagIDs := []int64{c.createTag(t, "Writing", "teal").ID, c.createTag(t, "=evil()", "red").ID}
		c.json("PUT", fmt.Sprintf("/api/v1/tasks/%d/tags", refID(t, first.Tasks[1].Ref)), map[string]any{"tag_ids": tagIDs}).
			expect(t, http.StatusOK)

		res := c.get("/api/v1/export").expect(t, http.StatusOK)
		if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename=focusflow-export-2025-07-05.json` {
			t.Errorf("Content-Disposition %q", cd)
		}
		var doc focusflow.ExportDoc
		res.decode(t, &doc)
		if doc.Format != "focusflow-export" || doc.Version != 4 || doc.Profile.Username != u.Username ||
			len(doc.Tags) != 2 || len(doc.TaskTags) != 2 ||
			len(doc.Tasks) != 2 || len(doc.Entries) != 3 || len(doc.DayNotes) != 1 || len(doc.Notes) != 1 ||
			doc.Profile.Session == nil || doc.Profile.Session.FocusMinutes != 25 || doc.Profile.Signals == nil {
			t.Errorf("export: %+v", doc)
		}
		if len(doc.Phases) != 2 || doc.Phases[0].Kind != "focus" || doc.Phases[1].Kind != "short_break" ||
			*doc.Phases[1].TaskRef != doc.Tasks[1].Ref || doc.Phases[1].PlannedMS != 300_000 {
			t.Errorf("phases: %+v", doc.Phases)
		}

		res = c.get("/api/v1/export.csv").expect(t, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("CSV Content-Type %q", ct)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "focusflow-time-entries-2025-07-05.csv") {
			t.Errorf("CSV Content-Disposition %q", cd)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatalf("CSV: %v\n%s", err, res.Body)
		}
		// Time entries only: the break is in the JSON document's phases.
		want := [][]string{
			{"date", "task", "tags", "started_at", "ended_at", "duration_minutes", "source"},
			{"2025-07-04", `'=HYPERLINK("http://evil")`, "", "2025-07-04 08:00:00", "2025-07-04 09:30:00", "90.00", "manual"},
			{"2025-07-04", `Café, "quoted"`, "'=evil(); Writing", "2025-07-04 10:00:00", "2025-07-04 10:20:30", "20.50", "manual"},
			{"2025-07-05", `Café, "quoted"`, "'=evil(); Writing", "2025-07-05 09:00:00", "2025-07-05 09:25:00", "25.00", "timer"},
		}
		if len(rows) != len(want) {
			t.Fatalf("CSV rows %q", rows)
		}
		for i := range want {
			if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
				t.Errorf("CSV row %d: %q, want %q", i, rows[i], want[i])
			}
		}
		for _, cell := range []string{"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"} {
			if got := spreadsheetSafe(cell); got != "'"+cell {
				t.Errorf("spreadsheetSafe(%q) = %q", cell, got)
			}
		}
		if spreadsheetSafe("fine") != "fine" || spreadsheetSafe("") != "" {
			t.Error("spreadsheetSafe changed a harmless cell")
		}

		// Into another account: created; again: all skipped.
		body, _ := json.Marshal(doc)
		other, _ := ts.signedInClient(t)
		var out struct {
			Imported focusflow.ImportSummary `json:"imported"`
		}
		other.json(http.MethodPost, "/api/v1/import", body).expect(t, http.StatusOK).decode(t, &out)
		if out.Imported.Created.Tasks != 2 || out.Imported.Created.TimeEntries != 3 || out.Imported.Created.Phases != 2 ||
			out.Imported.SameAccount {
			t.Errorf("import: %+v", out.Imported)
		}
		other.json(http.MethodPost, "/api/v1/import", body).expect(t, http.StatusOK).decode(t, &out)
		if out.Imported.Created != (focusflow.ImportCounts{}) || out.Imported.Skipped.Tasks != 2 || out.Imported.Skipped.Phases != 2 {
			t.Errorf("second import: %+v", out.Imported)
		}
		// Into the same account: nothing new.
		c.json(http.MethodPost, "/api/v1/import", body).expect(t, http.StatusOK).decode(t, &out)
		if !out.Imported.SameAccount || out.Imported.Created != (focusflow.ImportCounts{}) {
			t.Errorf("same-account import: %+v", out.Imported)
		}

		// A bad document: 400, the path of every problem, nothing written.
		doc.Tasks[1].Title = strings.Repeat("x", 256)
		doc.Notes[0].Type = "todo"
		doc.Phases[1].StartedAt = "2025-07-05T09:20:00.000Z"
		bad, _ := json.Marshal(doc)
		third, _ := ts.signedInClient(t)
		res = third.json(http.MethodPost, "/api/v1/import", bad).expect(t, http.StatusBadRequest)
		var failure struct {
			Error    errorDetail   `json:"error"`
			Problems []problemJSON `json:"problems"`
		}
		res.decode(t, &failure)
		if failure.Error.Code != "invalid" || failure.Error.Field != "tasks[1].title" || len(failure.Problems) != 3 ||
			failure.Problems[1].Field != "notes[0].type" || failure.Problems[2].Field != "phases[1].started_at" {
			t.Errorf("bad document: %s", res.Body)
		}
		var mine focusflow.ExportDoc
		third.get("/api/v1/export").expect(t, http.StatusOK).decode(t, &mine)
		if len(mine.Tasks) != 0 {
			t.Errorf("a rejected import wrote %d tasks", len(mine.Tasks))
		}
		third.json(http.MethodPost, "/api/v1/import", `{"format":"focusflow-export","version":1,"tasks":"no"}`).
			expect(t, http.StatusBadRequest)
		third.do(http.MethodPost, "/api/v1/import", strings.NewReader(string(body)), "text/plain",
			withHeader("X-CSRF-Token", third.csrfToken())).expect(t, http.StatusBadRequest)
		// Signed out and without a CSRF token: refused.
		ts.newClient(t).json(http.MethodPost, "/api/v1/import", body).expect(t, http.StatusUnauthorized, http.StatusForbidden)
		third.json(http.MethodPost, "/api/v1/import", body, noCSRF()).expect(t, http.StatusForbidden)
		ts.newClient(t).get("/api/v1/export").expect(t, http.StatusUnauthorized)
	})
}

// refID is the id a ref ("t12") holds.
func refID(t *testing.T, ref string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(ref[1:], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// exportUpload posts the profile page's import form.
func exportUpload(t *testing.T, c *client, content []byte) *response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", c.csrfFromPage("/profile"))
	if content != nil {
		fw, _ := mw.CreateFormFile("file", "focusflow-export.json")
		fw.Write(content)
	}
	mw.Close()
	return c.do(http.MethodPost, "/profile/import", &buf, mw.FormDataContentType())
}

func TestProfileImportForm(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e, fromEnv("MAX_BODY_BYTES", "1048576"))
		c, _ := ts.signedInClient(t)
		exportSeedAPI(t, ts, c)
		page := c.get("/profile").expect(t, http.StatusOK)
		for _, want := range []string{`href="/api/v1/export"`, `href="/api/v1/export.csv"`, `action="/profile/import"`,
			`enctype="multipart/form-data"`, `name="file"`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the profile page lacks %s", want)
			}
		}
		doc := c.get("/api/v1/export").expect(t, http.StatusOK).Body

		other, _ := ts.signedInClient(t)
		res := exportUpload(t, other, []byte(doc)).expect(t, http.StatusOK)
		if !strings.Contains(res.Body, "Imported 2 tasks, 2 time entries, 0 session phases, 1 daily note, 1 note and") {
			t.Errorf("no notice after the import: %s", res)
		}
		res = exportUpload(t, other, []byte(doc)).expect(t, http.StatusOK)
		if !strings.Contains(res.Body, "Imported 0 tasks") || !strings.Contains(res.Body, "already there") {
			t.Errorf("second upload: %s", res)
		}
		res = exportUpload(t, other, []byte(`{"format":"focusflow-export","version":7}`)).expect(t, http.StatusBadRequest)
		if !strings.Contains(res.formError(), "Version 7") {
			t.Errorf("bad file: %q", res.formError())
		}
		res = exportUpload(t, other, nil).expect(t, http.StatusBadRequest)
		if !strings.Contains(res.formError(), "Choose a FocusFlow export file") {
			t.Errorf("no file: %q", res.formError())
		}
	})
}

// A user of the original signs in with the old password after the legacy
// import, through the real sign-in form, and the hash is then upgraded.
func TestLegacyUsersSignIn(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		path := filepath.Join(t.TempDir(), "original.db")
		src, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"sqlite_schema.sql", "rows.sql"} {
			b, err := os.ReadFile(filepath.Join("..", "legacyimport", "testdata", f))
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range strings.Split(string(b), ";\n") {
				if strings.TrimSpace(st) == "" {
					continue
				}
				if _, err := src.Exec(st); err != nil {
					t.Fatal(err)
				}
			}
		}
		src.Close()
		ctx := context.Background()
		legacy, err := legacyimport.Open(ctx, "sqlite://"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer legacy.Close()
		paris, _ := time.LoadLocation("Europe/Paris")
		if _, err := legacyimport.Import(ctx, ts.store, legacy, legacyimport.Options{Location: paris}); err != nil {
			t.Fatal(err)
		}
		for _, login := range []struct{ name, password string }{
			{"alice", "alice-old-pass-1"},       // pbkdf2
			{"BOB", "bob-old-pass-2"},           // scrypt, any case
			{"bob-3", "little-bob-pass-3"},      // renamed: differed from Bob only by case
			{"carol smith", "carol-old-pass-4"}, // breaks today's username rule
			{"user-5@legacy.invalid", "dave-old-pass-5"},
		} {
			c := ts.newClient(t)
			c.login(login.name, login.password)
			if !c.signedIn() {
				t.Errorf("%s is not signed in", login.name)
			}
			u, hash, err := ts.store.UserByLogin(ctx, login.name)
			if err != nil || !strings.HasPrefix(hash, "$argon2id$") {
				t.Errorf("%s: hash not upgraded at sign-in: %.20s… %v", login.name, hash, err)
			}
			if login.name == "alice" {
				// The day view shows the old data.
				var day struct {
					Tasks    []taskJSON   `json:"tasks"`
					Progress progressJSON `json:"progress"`
				}
				c.get("/api/v1/days/2025-06-02").expect(t, http.StatusOK).decode(t, &day)
				if len(day.Tasks) != 2 || day.Progress.FocusMS != 7_200_500 || day.Progress.Completed != 2 || u.Timezone != "Europe/Paris" {
					t.Errorf("alice's 2025-06-02: %+v", day)
				}
			}
		}
		if res := ts.newClient(t).tryLogin("alice", "wrong-password"); res.Status == http.StatusSeeOther {
			t.Error("a wrong password signed in")
		}
	})
}
