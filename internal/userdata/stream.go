package userdata

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/strictjson"
)

// A document is read token by token: the rows of its sections are decoded
// one at a time and handed to a sink (the checker, or Parse's collector),
// so that neither the uploaded bytes nor the raw sections are ever held
// whole, and a document over the row limit is refused as soon as it
// crosses it.

// sink receives the elements of a document's sections as they are read,
// with their index in their section.
type sink interface {
	task(i int, t *focusflow.ExportTask)
	entry(i int, e *focusflow.ExportEntry)
	dayNote(i int, n *focusflow.ExportDayNote)
	note(i int, n *focusflow.ExportNote)
	activity(i int, a *focusflow.ExportActivity)
	phase(i int, p *focusflow.ExportPhase)
	tag(i int, g *focusflow.ExportTag)
	taskTag(i int, l *focusflow.ExportTaskTag)
	series(i int, s *focusflow.ExportSeries)
	occurrence(i int, o *focusflow.ExportOccurrence)
}

// section is one array of rows of the document.
type section struct {
	key string
	// decode decodes the element raw (at path, the i-th) strictly and
	// hands it to s.
	decode func(r strictjson.Reader, raw json.RawMessage, path string, i int, s sink) error
}

// sectionOf is the section key whose elements are T, each with its
// required keys, handed to a sink by hand.
func sectionOf[T any](key string, hand func(sink, int, *T), required ...string) section {
	return section{key: key, decode: func(r strictjson.Reader, raw json.RawMessage, path string, i int, s sink) error {
		var v T
		if err := r.DecodeAt(raw, path, &v, required...); err != nil {
			return err
		}
		hand(s, i, &v)
		return nil
	}}
}

// sections are the document's arrays of rows (of every version).
var sections = []section{
	sectionOf("tasks", sink.task, "ref", "date", "title", "status", "created_at"),
	sectionOf("time_entries", sink.entry, "ref", "task_ref", "started_at", "ended_at", "source"),
	sectionOf("day_notes", sink.dayNote, "date", "text"),
	sectionOf("notes", sink.note, "ref", "date", "type", "content", "created_at"),
	sectionOf("activity", sink.activity, "ref", "date", "at", "kind", "message"),
	sectionOf("phases", sink.phase, "ref", "kind", "started_at", "ended_at", "planned_ms", "outcome"),
	sectionOf("tags", sink.tag, "ref", "name", "color", "created_at"),
	sectionOf("task_tags", sink.taskTag, "task_ref", "tag_ref"),
	sectionOf("series", sink.series, "ref", "repeat", "start_date", "title", "created_at"),
	sectionOf("occurrences", sink.occurrence, "task_ref", "date"),
}

// docReader reads one document from a stream.
type docReader struct {
	dec     *json.Decoder
	in      *limitedReader
	r       strictjson.Reader
	sink    sink
	maxRows int // 0: no limit
	rows    int
	keys    map[string]json.RawMessage // folded key → value; sections as "[]" (or null)
	head    focusflow.ExportDoc        // format, version, exported_at and account
	// shape is the first problem with the document's top level (an
	// unknown key, a wrong type), reported after its format and version.
	shape error
	// badHead is set when the format or the version has the wrong type.
	badHead error
	elems   *focusflow.ImportError // problems with single rows
}

// newDocReader reads from in, handing rows to s; maxRows 0 sets no limit.
func newDocReader(in io.Reader, s sink, maxRows int) *docReader {
	lr, ok := in.(*limitedReader)
	if !ok {
		lr = &limitedReader{r: in}
	}
	return &docReader{dec: json.NewDecoder(lr), in: lr, r: strictjson.Reader{Input: "The document", Integer: "a whole number"},
		sink: s, maxRows: maxRows, keys: map[string]json.RawMessage{}, elems: &focusflow.ImportError{}}
}

// Has and Require answer about the top level's keys (keySet).
func (d *docReader) Has(key string) bool {
	_, ok := d.keys[strictjson.FoldKey(key)]
	return ok
}

func (d *docReader) Require(key string) error {
	v, ok := d.keys[strictjson.FoldKey(key)]
	switch {
	case !ok:
		return focusflow.Invalid(key, "Field %q is required.", key)
	case string(v) == "null":
		return focusflow.Invalid(key, "Field %q must not be null.", key)
	}
	return nil
}

// read reads the whole document, handing its rows to the sink, and
// returns its head and profile; problems come back as one
// *focusflow.ImportError, a document over a limit as a too-large error.
func (d *docReader) read() (*focusflow.ExportDoc, error) {
	if tok, err := d.dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, d.broken(err, "", "The document must be a JSON object.")
	}
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return nil, d.broken(err, "", "The document is not valid JSON.")
		}
		key, _ := tok.(string)
		fk := strictjson.FoldKey(key)
		if _, dup := d.keys[fk]; dup {
			return nil, asImportError(focusflow.Invalid(key, "Field %q appears more than once.", key))
		}
		if err := d.value(key, fk); err != nil {
			return nil, err
		}
	}
	if _, err := d.dec.Token(); err != nil {
		return nil, d.broken(err, "", "The document is not valid JSON.")
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return nil, d.broken(err, "", "Unexpected data after the JSON object.")
	}
	return d.finish()
}

// value reads the value of the top-level key (folded: fk).
func (d *docReader) value(key, fk string) error {
	for _, sec := range sections {
		if fk == strictjson.FoldKey(sec.key) {
			return d.section(sec, key, fk)
		}
	}
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return d.broken(err, key, fmt.Sprintf("Field %q is not valid JSON.", key))
	}
	d.keys[fk] = raw
	if string(raw) == "null" {
		return nil
	}
	var dst any
	switch fk {
	case strictjson.FoldKey("format"):
		dst = &d.head.Format
	case strictjson.FoldKey("version"):
		dst = &d.head.Version
	case strictjson.FoldKey("exported_at"):
		dst = &d.head.ExportedAt
	case strictjson.FoldKey("account"):
		dst = &d.head.Account
	case strictjson.FoldKey("profile"):
		return nil // decoded at the end, by the document's version
	default:
		d.shapeProblem(focusflow.Invalid(key, "Unknown field %q.", key))
		return nil
	}
	if json.Unmarshal(raw, dst) != nil {
		want := "a string"
		if fk == strictjson.FoldKey("version") {
			want = d.r.Integer
		}
		err := focusflow.Invalid(key, "Field %q has the wrong type (expected %s).", key, want)
		if fk == strictjson.FoldKey("format") || fk == strictjson.FoldKey("version") {
			d.badHead = err
		}
		d.shapeProblem(err)
	}
	return nil
}

func (d *docReader) shapeProblem(err error) {
	if d.shape == nil {
		d.shape = err
	}
}

// section reads one array of rows, element by element.
func (d *docReader) section(sec section, key, fk string) error {
	tok, err := d.dec.Token()
	if err != nil {
		return d.broken(err, key, fmt.Sprintf("Field %q is not valid JSON.", key))
	}
	if tok == nil {
		d.keys[fk] = json.RawMessage("null")
		return nil
	}
	d.keys[fk] = json.RawMessage("[]")
	if tok != json.Delim('[') {
		d.shapeProblem(focusflow.Invalid(key, "Field %q has the wrong type (expected an array).", key))
		return d.skip(tok, key)
	}
	for i := 0; d.dec.More(); i++ {
		path := fmt.Sprintf("%s[%d]", sec.key, i)
		if d.rows++; d.maxRows > 0 && d.rows > d.maxRows {
			return &focusflow.Error{Code: focusflow.ETOOLARGE, Field: path, Message: fmt.Sprintf("The document has "+
				"more than %d rows (tasks, time entries, notes, activity and phases together); this server imports at "+
				"most IMPORT_MAX_ROWS=%d per document.", d.maxRows, d.maxRows)}
		}
		var raw json.RawMessage
		if err := d.dec.Decode(&raw); err != nil {
			return d.broken(err, path, fmt.Sprintf("%s is not valid JSON.", path))
		}
		addError(d.elems, sec.decode(d.r, raw, path, i, d.sink))
	}
	if _, err := d.dec.Token(); err != nil {
		return d.broken(err, key, fmt.Sprintf("Field %q is not valid JSON.", key))
	}
	return nil
}

// skip reads past the rest of a value that began with tok.
func (d *docReader) skip(tok json.Token, key string) error {
	depth := 0
	for {
		if delim, ok := tok.(json.Delim); ok {
			if delim == '{' || delim == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
		var err error
		if tok, err = d.dec.Token(); err != nil {
			return d.broken(err, key, fmt.Sprintf("Field %q is not valid JSON.", key))
		}
	}
}

// broken is the error for a document that could not be read on: over the
// size limit, or not JSON (msg, about field).
func (d *docReader) broken(err error, field, msg string) error {
	if d.in.over {
		return d.in.tooLarge()
	}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		var se *json.SyntaxError
		if !errors.As(err, &se) {
			return err // the stream failed, not the document
		}
	}
	return asImportError(focusflow.Invalid(field, "%s", msg))
}

// finish judges the top level once the whole document has been read: its
// format and version first (another format's file, or a later version's,
// has fields this one does not know, and its reader should hear why
// rather than about the first of them), then its keys, its profile and
// its rows.
func (d *docReader) finish() (*focusflow.ExportDoc, error) {
	for _, k := range []string{"format", "version"} {
		if err := d.Require(k); err != nil {
			return nil, asImportError(err)
		}
	}
	if d.badHead != nil {
		return nil, asImportError(d.badHead)
	}
	if err := checkHead(d, d.head.Format, d.head.Version); err != nil {
		return nil, err
	}
	if d.shape != nil {
		return nil, asImportError(d.shape)
	}
	p := &focusflow.ImportError{}
	own, later := keysOf(d.head.Version, func(k versionKeys) []string { return k.top })
	requireKeys(p, d, "", d.head.Version, own, later)
	if err := p.Err(); err != nil {
		return nil, err
	}
	doc := d.head
	doc.Profile = decodeProfile(d.elems, d.r, d.keys[strictjson.FoldKey("profile")], d.head.Version)
	if err := d.elems.Err(); err != nil {
		return nil, err
	}
	return &doc, nil
}

// limitedReader reads at most max bytes (0: any number) and remembers
// whether the input had more.
type limitedReader struct {
	r    io.Reader
	max  int64
	n    int64
	over bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.max > 0 && int64(len(p)) > l.max-l.n+1 {
		p = p[:l.max-l.n+1]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.max > 0 && l.n > l.max {
		l.over = true
		return n, l.tooLarge()
	}
	return n, err
}

func (l *limitedReader) tooLarge() error {
	return &focusflow.Error{Code: focusflow.ETOOLARGE, Field: "file", Message: fmt.Sprintf("The document is larger "+
		"than %d bytes, the most this server imports (IMPORT_MAX_BYTES=%d).", l.max, l.max)}
}
