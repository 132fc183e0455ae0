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
	Phases     []json.RawMessage `json:"phases"`
	Tags       []json.RawMessage `json:"tags"`
	TaskTags   []json.RawMessage `json:"task_tags"`
}

// profileSection is the profile with its version 2 parts still raw (the
// outer fields hide the embedded ones of the same name from encoding/json).
type profileSection struct {
	focusflow.ExportProfile
	Session json.RawMessage `json:"session"`
	Signals json.RawMessage `json:"signals"`
}

// versionKeys are the keys a version of the document added, at the top
// and in the profile. A document must have every key of its version and
// the earlier ones (besides format and version), and none of a later one:
// strict decoding, per version.
type versionKeys struct{ top, profile []string }

// added lists versionKeys by version (added[v-1] is version v's).
var added = []versionKeys{
	{top: []string{"exported_at", "account", "profile", "tasks", "time_entries", "day_notes", "notes", "activity"},
		profile: []string{"timezone", "theme", "daily_goal_ms", "timer_cap_ms", "focus_mode"}},
	{top: []string{"phases"}, profile: []string{"session", "signals"}},
	// Version 3: the planner. Recurring series add their key here.
	{top: []string{"tags", "task_tags"}},
}

// keysOf returns the keys version has (own) and those later versions
// added (later).
func keysOf(version int, pick func(versionKeys) []string) (own, later []string) {
	for i, k := range added {
		if i < version {
			own = append(own, pick(k)...)
		} else {
			later = append(later, pick(k)...)
		}
	}
	return own, later
}

// Parse decodes a document of any version up to focusflow.ExportVersion
// strictly: one JSON object, no unknown or duplicate fields (a field of a
// later version is unknown), right types, every required field present
// and not null. It does not judge the values (Check does). Problems come
// back as one *focusflow.ImportError whose problems name the path of each
// culprit.
func Parse(data []byte) (*focusflow.ExportDoc, error) {
	r := strictjson.Reader{Input: "The document", Integer: "a whole number"}
	top, err := r.Object(data)
	if err != nil {
		return nil, asImportError(err)
	}
	// The format and version first, leniently: another format's file, or a
	// later version's, has fields this one does not know, and its reader
	// should hear why rather than about the first of them.
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if json.Unmarshal(data, &head) == nil {
		if err := checkHead(top, head.Format, head.Version); err != nil {
			return nil, err
		}
	}
	var sec docSection
	if err := top.Decode(&sec, "format", "version"); err != nil {
		return nil, asImportError(err)
	}
	if err := checkHead(top, sec.Format, sec.Version); err != nil {
		return nil, err
	}
	p := &focusflow.ImportError{}
	own, later := keysOf(sec.Version, func(k versionKeys) []string { return k.top })
	requireKeys(p, top, "", sec.Version, own, later)
	if err := p.Err(); err != nil {
		return nil, err
	}
	doc := &focusflow.ExportDoc{Format: sec.Format, Version: sec.Version, ExportedAt: sec.ExportedAt, Account: sec.Account}
	doc.Profile = decodeProfile(p, r, sec.Profile, sec.Version)
	doc.Tasks = decodeEach[focusflow.ExportTask](p, r, sec.Tasks, "tasks", "ref", "date", "title", "status", "created_at")
	doc.Entries = decodeEach[focusflow.ExportEntry](p, r, sec.Entries, "time_entries",
		"ref", "task_ref", "started_at", "ended_at", "source")
	doc.DayNotes = decodeEach[focusflow.ExportDayNote](p, r, sec.DayNotes, "day_notes", "date", "text")
	doc.Notes = decodeEach[focusflow.ExportNote](p, r, sec.Notes, "notes", "ref", "date", "type", "content", "created_at")
	doc.Activity = decodeEach[focusflow.ExportActivity](p, r, sec.Activity, "activity", "ref", "date", "at", "kind", "message")
	if sec.Version >= 2 {
		doc.Phases = decodeEach[focusflow.ExportPhase](p, r, sec.Phases, "phases",
			"ref", "kind", "started_at", "ended_at", "planned_ms", "outcome")
	}
	if sec.Version >= 3 {
		doc.Tags = decodeEach[focusflow.ExportTag](p, r, sec.Tags, "tags", "ref", "name", "color", "created_at")
		doc.TaskTags = decodeEach[focusflow.ExportTaskTag](p, r, sec.TaskTags, "task_tags", "task_ref", "tag_ref")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return doc, nil
}

// checkHead refuses a document of another format, or of a version this
// FocusFlow does not read, when it says which.
func checkHead(top *strictjson.Object, format string, version int) error {
	if top.Require("format") == nil && format != focusflow.ExportFormat {
		return invalidDoc("format", "This is not a FocusFlow export (format %q, expected %q).",
			focusflow.Shorten(format, 40), focusflow.ExportFormat)
	}
	if top.Require("version") == nil && (version < 1 || version > focusflow.ExportVersion) {
		return invalidDoc("version", "Version %d of the export format is not supported; this FocusFlow reads versions 1 to %d.",
			version, focusflow.ExportVersion)
	}
	return nil
}

// requireKeys records in p every key of own that o (at path, "" or
// "profile.") lacks, and every key of later that it has: a field of a
// later version than the document's.
func requireKeys(p *focusflow.ImportError, o *strictjson.Object, path string, version int, own, later []string) {
	for _, k := range own {
		addError(p, o.Require(k))
	}
	for _, k := range later {
		if o.Has(k) {
			f := path + k
			p.Add(f, "Unknown field %q (it came with a later version of the export format; this document is version %d).",
				f, version)
		}
	}
}

// decodeProfile decodes the profile of a document of version, with the
// session settings and signals of version 2.
func decodeProfile(p *focusflow.ImportError, r strictjson.Reader, raw json.RawMessage, version int) focusflow.ExportProfile {
	var ps profileSection
	o, err := r.ObjectAt(raw, "profile")
	if err == nil {
		err = o.Decode(&ps)
	}
	if err != nil {
		addError(p, err)
		return ps.ExportProfile
	}
	own, later := keysOf(version, func(k versionKeys) []string { return k.profile })
	requireKeys(p, o, "profile.", version, own, later)
	out := ps.ExportProfile
	if version < 2 {
		return out
	}
	if o.Require("session") == nil {
		out.Session = &focusflow.ExportSession{}
		addError(p, r.DecodeAt(ps.Session, "profile.session", out.Session, "mode", "focus_minutes",
			"short_break_minutes", "long_break_minutes", "long_break_every", "flow_break_ratio", "auto_start_breaks",
			"auto_start_focus"))
	}
	if o.Require("signals") == nil {
		out.Signals = &focusflow.ExportSignals{}
		addError(p, r.DecodeAt(ps.Signals, "profile.signals", out.Signals, "sound_volume", "sound_muted", "notify"))
	}
	return out
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
