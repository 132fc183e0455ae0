package userdata

import (
	"encoding/json"
	"fmt"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/strictjson"
)

// docSection is the document with its sections still raw: each part is
// decoded on its own, so that every broken one is reported with its index.
type docSection struct {
	Format     string            `json:"format"`
	Version    int               `json:"version"`
	ExportedAt string            `json:"exported_at"`
	Account    string            `json:"account"`
	Profile    json.RawMessage   `json:"profile"`
	Tasks      []json.RawMessage `json:"tasks"`
	Entries    []json.RawMessage `json:"time_entries"`
	DayNotes   []json.RawMessage `json:"day_notes"`
	Notes      []json.RawMessage `json:"notes"`
	Activity   []json.RawMessage `json:"activity"`
}

// sections are the keys every document has besides format and version.
var sections = []string{"exported_at", "account", "profile", "tasks", "time_entries", "day_notes", "notes", "activity"}

// Parse decodes a document strictly: one JSON object, no unknown or
// duplicate fields, right types, every required field present and not
// null. It does not judge the values (Check does). Problems come back as
// one *focusflow.ImportError whose problems name the path of each culprit.
func Parse(data []byte) (*focusflow.ExportDoc, error) {
	r := strictjson.Reader{Input: "The document", Integer: "a whole number"}
	top, err := r.Object(data)
	if err != nil {
		return nil, asImportError(err)
	}
	var sec docSection
	if err := top.Decode(&sec, "format", "version"); err != nil {
		return nil, asImportError(err)
	}
	if sec.Format != focusflow.ExportFormat {
		return nil, invalidDoc("format", "This is not a FocusFlow export (format %q, expected %q).",
			focusflow.Shorten(sec.Format, 40), focusflow.ExportFormat)
	}
	if sec.Version != focusflow.ExportVersion {
		return nil, invalidDoc("version", "Version %d of the export format is not supported; this FocusFlow reads version %d.",
			sec.Version, focusflow.ExportVersion)
	}
	p := &focusflow.ImportError{}
	for _, k := range sections {
		addError(p, top.Require(k))
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	doc := &focusflow.ExportDoc{Format: sec.Format, Version: sec.Version, ExportedAt: sec.ExportedAt, Account: sec.Account}
	addError(p, r.DecodeAt(sec.Profile, "profile", &doc.Profile,
		"timezone", "theme", "daily_goal_ms", "timer_cap_ms", "focus_mode"))
	doc.Tasks = decodeEach[focusflow.ExportTask](p, r, sec.Tasks, "tasks", "ref", "date", "title", "status", "created_at")
	doc.Entries = decodeEach[focusflow.ExportEntry](p, r, sec.Entries, "time_entries",
		"ref", "task_ref", "started_at", "ended_at", "source")
	doc.DayNotes = decodeEach[focusflow.ExportDayNote](p, r, sec.DayNotes, "day_notes", "date", "text")
	doc.Notes = decodeEach[focusflow.ExportNote](p, r, sec.Notes, "notes", "ref", "date", "type", "content", "created_at")
	doc.Activity = decodeEach[focusflow.ExportActivity](p, r, sec.Activity, "activity", "ref", "date", "at", "kind", "message")
	if err := p.Err(); err != nil {
		return nil, err
	}
	return doc, nil
}

// decodeEach decodes the elements of a section, recording what is wrong
// with each in p.
func decodeEach[T any](p *focusflow.ImportError, r strictjson.Reader, raws []json.RawMessage, section string,
	required ...string) []T {
	out := make([]T, len(raws))
	for i, raw := range raws {
		addError(p, r.DecodeAt(raw, fmt.Sprintf("%s[%d]", section, i), &out[i], required...))
	}
	return out
}

// addError records err, an *focusflow.Error about one field, in p.
func addError(p *focusflow.ImportError, err error) {
	if err != nil {
		p.Add(focusflow.ErrorField(err), "%s", focusflow.ErrorMessage(err))
	}
}

// asImportError turns the error about one field into a document's error.
func asImportError(err error) error {
	p := &focusflow.ImportError{}
	addError(p, err)
	return p
}

// invalidDoc is a document's error with one problem.
func invalidDoc(field, format string, args ...any) error {
	p := &focusflow.ImportError{}
	p.Add(field, format, args...)
	return p
}
