package web

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// importedTasks is how many tasks the client's account has, as its own
// export says.
func importedTasks(t *testing.T, c *client) int {
	t.Helper()
	var doc struct {
		Tasks []any `json:"tasks"`
	}
	c.get("/api/v1/export").expect(t, http.StatusOK).decode(t, &doc)
	return len(doc.Tasks)
}

// A document over IMPORT_MAX_ROWS or IMPORT_MAX_BYTES is refused with 413
// naming the setting, through the API and the profile form, and nothing
// of it is written.
func TestImportLimitsNameTheSetting(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e, fromEnv("IMPORT_MAX_ROWS", "4", "IMPORT_MAX_BYTES", "4096"))
		c, _ := ts.signedInClient(t)
		exportSeedAPI(t, ts, c) // 2 tasks, 2 entries, a day note, a note: 6 rows
		doc := c.get("/api/v1/export").expect(t, http.StatusOK).Body
		other, _ := ts.signedInClient(t)

		res := other.json(http.MethodPost, "/api/v1/import", doc).expect(t, http.StatusRequestEntityTooLarge)
		if e := res.apiError(t); !strings.Contains(e.Message, "IMPORT_MAX_ROWS=4") || e.Field == "" {
			t.Errorf("over the rows: %+v", e)
		}
		res = exportUpload(t, other, []byte(doc)).expect(t, http.StatusRequestEntityTooLarge)
		if !strings.Contains(res.formError(), "IMPORT_MAX_ROWS") {
			t.Errorf("over the rows, by the form: %q", res.formError())
		}

		big := strings.Replace(doc, `"tasks"`, strings.Repeat(" ", 5000)+`"tasks"`, 1)
		for _, opts := range [][]reqOpt{nil, {chunked()}} {
			res = other.json(http.MethodPost, "/api/v1/import", big, opts...).expect(t, http.StatusRequestEntityTooLarge)
			if e := res.apiError(t); !strings.Contains(e.Message, "IMPORT_MAX_BYTES=4096") || e.Field != "file" {
				t.Errorf("over the bytes (%d options): %+v", len(opts), e)
			}
		}
		res = exportUpload(t, other, []byte(big)).expect(t, http.StatusRequestEntityTooLarge)
		if !strings.Contains(res.formError(), "IMPORT_MAX_BYTES") {
			t.Errorf("over the bytes, by the form: %q", res.formError())
		}
		if n := importedTasks(t, other); n != 0 {
			t.Errorf("refused documents wrote %d tasks", n)
		}
	})
}

// slowImport starts an import whose body arrives only when the returned
// function is called, and waits until the server runs it.
func slowImport(t *testing.T, ts *testServer, c *client, doc string) (finish func() *response) {
	t.Helper()
	pr, pw := io.Pipe()
	done := make(chan *response, 1)
	go func() { done <- c.json(http.MethodPost, "/api/v1/import", pr, chunked()) }()
	for i := 0; !ts.Server.userdata.Importing(c.userID()); i++ {
		if i > 1000 {
			t.Fatal("the import never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return func() *response {
		io.WriteString(pw, doc)
		pw.Close()
		return <-done
	}
}

// One import per user at a time (a second gets 409), and at most
// IMPORT_MAX_PARALLEL per instance (one more gets 503 with Retry-After).
func TestImportsTakeTurns(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e, fromEnv("IMPORT_MAX_PARALLEL", "1"))
		src, _ := ts.signedInClient(t)
		exportSeedAPI(t, ts, src)
		doc := src.get("/api/v1/export").expect(t, http.StatusOK).Body
		a, _ := ts.signedInClient(t)
		b, _ := ts.signedInClient(t)

		finish := slowImport(t, ts, a, doc)
		res := a.json(http.MethodPost, "/api/v1/import", doc).expect(t, http.StatusConflict)
		if e := res.apiError(t); !strings.Contains(e.Message, "already running") {
			t.Errorf("second import of the same user: %+v", e)
		}
		res = b.json(http.MethodPost, "/api/v1/import", doc).expect(t, http.StatusServiceUnavailable)
		if e := res.apiError(t); !strings.Contains(e.Message, "IMPORT_MAX_PARALLEL=1") || res.Header.Get("Retry-After") == "" {
			t.Errorf("an import past the instance's limit: %+v, Retry-After %q", e, res.Header.Get("Retry-After"))
		}
		finish().expect(t, http.StatusOK)
		b.json(http.MethodPost, "/api/v1/import", doc).expect(t, http.StatusOK)
		if na, nb := importedTasks(t, a), importedTasks(t, b); na != 2 || nb != 2 {
			t.Errorf("after their turns: %d and %d tasks, want 2 each", na, nb)
		}
	})
}
