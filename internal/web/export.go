package web

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/live"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/userdata"
)

// exportStore is what the export and import handlers need: the rows of
// the user's document, which userdata builds and checks.
type exportStore interface {
	userdata.Store
}

// Audit-trail kinds: a stolen session's first move is often to take the
// data, so exports are recorded as well as imports.
const (
	eventDataExport = "data_export"
	eventDataImport = "data_import"
)

// profileImportPath is the profile page's import form. Its uploads are
// documents like POST /api/v1/import takes, so it deserves the same body
// limit (importBodyLimit) in limitBody.
const profileImportPath = "/profile/import"

// importBodyLimit is the largest body an import request may have: a
// document of IMPORT_MAX_BYTES and room for a form's framing around it.
// The document itself is measured as it is read.
func (s *Server) importBodyLimit() int64 {
	return s.cfg.ImportMaxBytes + 64<<10
}

// importTooLarge refuses a document over IMPORT_MAX_BYTES, naming it.
func importTooLarge(limit int64) error {
	return &focusflow.Error{Code: focusflow.ETOOLARGE, Field: "file", Message: fmt.Sprintf("The document is larger "+
		"than %d bytes, the most this server imports (IMPORT_MAX_BYTES=%d).", limit, limit)}
}

// exportRoutes registers the user's own data going out and coming back.
func (s *Server) exportRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /api/v1/export", s.requireUser(s.apiExport))
	handle("GET /api/v1/export.csv", s.requireUser(s.apiExportCSV))
	handle("POST "+importPath, s.requireUser(s.apiImport))
	handle("POST "+profileImportPath, s.requireUser(s.profileImport))
}

// attachment names the download, dated in the user's zone.
func (s *Server) attachment(w http.ResponseWriter, a *authState, prefix, ext string) {
	name := prefix + "-" + localdate.Today(s.now(), a.user.Location()) + "." + ext
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
}

// apiExport answers the user's whole export document.
func (s *Server) apiExport(w http.ResponseWriter, r *http.Request, a *authState) {
	doc, err := s.userdata.Export(r.Context(), a.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, focusflow.SecurityEvent{Kind: eventDataExport, UserID: a.user.ID, Login: a.user.Username, Detail: "json"}, "")
	s.attachment(w, a, "focusflow-export", "json")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)+1))
	w.Write(append(body, '\n'))
}

// csvHeader is the export's columns.
var csvHeader = []string{"date", "task", "tags", "started_at", "ended_at", "duration_minutes", "source"}

// apiExportCSV answers the time entries as a spreadsheet: one row per
// entry, in the user's zone, dated by the local day the entry started.
func (s *Server) apiExportCSV(w http.ResponseWriter, r *http.Request, a *authState) {
	doc, err := s.userdata.Export(r.Context(), a.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, focusflow.SecurityEvent{Kind: eventDataExport, UserID: a.user.ID, Login: a.user.Username, Detail: "csv"}, "")
	s.attachment(w, a, "focusflow-time-entries", "csv")
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	// A byte-order mark: spreadsheet programs otherwise guess the
	// encoding and garble every accented title.
	io.WriteString(w, "\uFEFF")
	writeEntriesCSV(w, doc, a.user.Location())
}

func writeEntriesCSV(w io.Writer, doc *focusflow.ExportDoc, loc *time.Location) error {
	titles := map[string]string{}
	for _, t := range doc.Tasks {
		titles[t.Ref] = t.Title
	}
	tags := taskTagNames(doc)
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180, and what spreadsheets expect
	cw.Write(csvHeader)
	const local = "2006-01-02 15:04:05"
	for _, e := range doc.Entries {
		start, err1 := time.Parse(time.RFC3339Nano, e.StartedAt)
		end, err2 := time.Parse(time.RFC3339Nano, e.EndedAt)
		if err1 != nil || err2 != nil {
			continue // the store writes these; they always parse
		}
		start, end = start.In(loc), end.In(loc)
		row := []string{start.Format(localdate.DateLayout), titles[e.TaskRef], tags[e.TaskRef], start.Format(local), end.Format(local),
			strconv.FormatFloat(float64(e.DurationMS)/60000, 'f', 2, 64), e.Source}
		for i := range row {
			row[i] = spreadsheetSafe(row[i])
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// taskTagNames is each task's tags as one cell, by task ref: the names in
// the document's order, separated by "; ".
func taskTagNames(doc *focusflow.ExportDoc) map[string]string {
	names := map[string]string{}
	for _, g := range doc.Tags {
		names[g.Ref] = g.Name
	}
	out := map[string]string{}
	for _, l := range doc.TaskTags {
		if out[l.TaskRef] != "" {
			out[l.TaskRef] += "; "
		}
		out[l.TaskRef] += names[l.TagRef]
	}
	return out
}

// spreadsheetSafe keeps a cell from being run as a formula: a leading
// apostrophe makes spreadsheets show it as text (OWASP's CSV injection
// advice). Tab and carriage return count too: some programs skip them and
// read the formula after.
func spreadsheetSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// problemJSON is one thing wrong with an imported document.
type problemJSON struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// apiImport loads an export document into the signed-in account.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request, a *authState) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		s.fail(w, r, focusflow.Invalid("", "Send the export document as application/json."))
		return
	}
	sum, err := s.importDocument(r, a, r.Body)
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		err = importTooLarge(s.cfg.ImportMaxBytes)
	}
	if focusflow.ErrorCode(err) == focusflow.EUNAVAILABLE {
		w.Header().Set("Retry-After", strconv.Itoa(int(userdata.RetryAfter/time.Second)))
	}
	var ie *focusflow.ImportError
	if errors.As(err, &ie) {
		probs := make([]problemJSON, len(ie.Problems))
		for i, p := range ie.Problems {
			probs[i] = problemJSON{Field: p.Field, Message: p.Message}
		}
		status := statusOf[focusflow.ErrorCode(err)]
		s.writeJSON(w, r, status, map[string]any{
			"error": errorDetail{Code: focusflow.ErrorCode(err), Message: focusflow.ErrorMessage(err),
				Field: focusflow.ErrorField(err), RequestID: requestID(r.Context())},
			"problems": probs, "more_problems": ie.More})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"imported": sum})
}

func (s *Server) importDocument(r *http.Request, a *authState, body io.Reader) (*focusflow.ImportSummary, error) {
	sum, err := s.userdata.Import(r.Context(), a.user, body)
	if err != nil {
		return nil, err
	}
	s.publish(a.user.ID, live.KindResync, "", map[string]any{}) // anything may have changed
	s.audit(r, focusflow.SecurityEvent{Kind: eventDataImport, UserID: a.user.ID, Login: a.user.Username,
		Detail: fmt.Sprintf("%d tasks, %d time entries, %d session phases, %d notes created", sum.Created.Tasks,
			sum.Created.TimeEntries, sum.Created.Phases, sum.Created.Notes)}, "")
	return sum, nil
}

// profileImport is the profile page's form: a file upload (field "file")
// answered with the profile page and what happened.
func (s *Server) profileImport(w http.ResponseWriter, r *http.Request, a *authState) {
	fail := func(status int, msg string) {
		s.renderProfile(w, r, a, status, page{Error: msg, Field: "import_file"})
	}
	f, _, err := r.FormFile("file")
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		fail(http.StatusRequestEntityTooLarge, focusflow.ErrorMessage(importTooLarge(s.cfg.ImportMaxBytes)))
		return
	}
	if err != nil {
		fail(http.StatusBadRequest, "Choose a FocusFlow export file (.json) to import.")
		return
	}
	defer f.Close()
	sum, err := s.importDocument(r, a, f)
	if err != nil {
		code := focusflow.ErrorCode(err)
		if code == focusflow.EUNAVAILABLE {
			w.Header().Set("Retry-After", strconv.Itoa(int(userdata.RetryAfter/time.Second)))
		}
		if code != focusflow.EINVALID && code != focusflow.ECONFLICT && code != focusflow.ETOOLARGE &&
			code != focusflow.EUNAVAILABLE {
			s.fail(w, r, err)
			return
		}
		fail(statusOf[code], focusflow.ErrorMessage(err))
		return
	}
	// Settings may have changed: show the page with the account as it is now.
	if u, err := s.store.User(r.Context(), a.user.ID); err == nil {
		a.user = u
	}
	s.renderProfile(w, r, a, http.StatusOK, page{Notice: importNotice(sum)})
}

// importNotice says what an import did, in one sentence.
func importNotice(sum *focusflow.ImportSummary) string {
	c := sum.Created
	msg := fmt.Sprintf("Imported %s, %s, %s, %s, %s and %s.", countOf(c.Tasks, "task"),
		countOf(c.TimeEntries, "time entry"), countOf(c.Phases, "session phase"), countOf(c.DayNotes, "daily note"),
		countOf(c.Notes, "note"), countOf(c.Activity, "activity entry"))
	if c.Series > 0 {
		msg = strings.TrimSuffix(msg, ".") + ", with " + countOf(c.Series, "repeating task") + "."
	}
	if k := sum.Skipped; k != (focusflow.ImportCounts{}) {
		msg += fmt.Sprintf(" %d already there (skipped).", k.Tasks+k.TimeEntries+k.Phases+k.DayNotes+k.Notes+k.Activity+k.Series)
	}
	if sum.SettingsApplied {
		msg += " Settings were taken from the file."
	}
	return msg
}

func countOf(n int, word string) string {
	switch {
	case n == 1:
		return "1 " + word
	case strings.HasSuffix(word, "y"):
		return strconv.Itoa(n) + " " + strings.TrimSuffix(word, "y") + "ies"
	}
	return strconv.Itoa(n) + " " + word + "s"
}
