package userdata

import (
	"bytes"
	"encoding/json"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/strictjson"
)

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
	// Version 3: the planner's tags.
	{top: []string{"tags", "task_tags"}},
	// Version 4: recurring tasks, and the rest of the profile's settings.
	{top: []string{"series", "occurrences"}, profile: []string{"time_format", "carry_forward_auto"}},
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
	col := &collector{}
	d := newDocReader(bytes.NewReader(data), col, 0)
	head, err := d.read()
	if err != nil {
		return nil, err
	}
	col.doc.Format, col.doc.Version, col.doc.ExportedAt = head.Format, head.Version, head.ExportedAt
	col.doc.Account, col.doc.Profile = head.Account, head.Profile
	if head.Version < 2 {
		col.doc.Phases = nil
	}
	if head.Version < 3 {
		col.doc.Tags, col.doc.TaskTags = nil, nil
	}
	if head.Version < 4 {
		col.doc.Series, col.doc.Occurrences = nil, nil
	}
	return &col.doc, nil
}

// collector is the sink that keeps every element, for Parse.
type collector struct{ doc focusflow.ExportDoc }

func (c *collector) task(_ int, t *focusflow.ExportTask)   { c.doc.Tasks = append(c.doc.Tasks, *t) }
func (c *collector) entry(_ int, e *focusflow.ExportEntry) { c.doc.Entries = append(c.doc.Entries, *e) }
func (c *collector) dayNote(_ int, n *focusflow.ExportDayNote) {
	c.doc.DayNotes = append(c.doc.DayNotes, *n)
}
func (c *collector) note(_ int, n *focusflow.ExportNote) { c.doc.Notes = append(c.doc.Notes, *n) }
func (c *collector) activity(_ int, a *focusflow.ExportActivity) {
	c.doc.Activity = append(c.doc.Activity, *a)
}
func (c *collector) phase(_ int, p *focusflow.ExportPhase) { c.doc.Phases = append(c.doc.Phases, *p) }
func (c *collector) tag(_ int, g *focusflow.ExportTag)     { c.doc.Tags = append(c.doc.Tags, *g) }
func (c *collector) taskTag(_ int, l *focusflow.ExportTaskTag) {
	c.doc.TaskTags = append(c.doc.TaskTags, *l)
}
func (c *collector) series(_ int, s *focusflow.ExportSeries) { c.doc.Series = append(c.doc.Series, *s) }
func (c *collector) occurrence(_ int, o *focusflow.ExportOccurrence) {
	c.doc.Occurrences = append(c.doc.Occurrences, *o)
}

// keySet is an object's keys, as requireKeys and checkHead ask about them.
type keySet interface {
	Has(key string) bool
	Require(key string) error
}

// checkHead refuses a document of another format, or of a version this
// FocusFlow does not read, when it says which.
func checkHead(top keySet, format string, version int) error {
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
func requireKeys(p *focusflow.ImportError, o keySet, path string, version int, own, later []string) {
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
