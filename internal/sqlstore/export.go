package sqlstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// The export document: everything a user owns, as one versioned JSON
// document that ImportDoc loads back (into the same account or another).
//
// Rows carry refs ("t12", "e40", "n3", "a7": a letter and the row's id in
// the exporting database) and the document names the exporting account by
// an opaque, stable reference. Re-importing into the same account skips
// the rows whose ids still exist for it; importing into another account
// creates them anew and remembers the refs (legacy_ids), so importing the
// same document there twice creates nothing the second time.
//
// What it holds is the user's own history, so it keeps each time entry's
// source (timer, manual, capped, imported): relabelling would make the
// export–import round trip lossy. The document is still client-supplied,
// so its entries pass the same checks as manual ones (in the past, at most
// 24 hours, overlapping nothing), which gives no power a user lacks already.
// A running timer's current stretch is not exported (it is not finished),
// and a task that was in progress arrives paused. Achievements are not part
// of it: they are recomputed from the data.
const (
	ExportFormat  = "focusflow-export"
	ExportVersion = 1
)

// ExportDoc is the document. Field names are a contract: a version 1
// document must stay readable.
type ExportDoc struct {
	Format     string           `json:"format"`
	Version    int              `json:"version"`
	ExportedAt string           `json:"exported_at"`
	Account    string           `json:"account"`
	Profile    ExportProfile    `json:"profile"`
	Tasks      []ExportTask     `json:"tasks"`
	Entries    []ExportEntry    `json:"time_entries"`
	DayNotes   []ExportDayNote  `json:"day_notes"`
	Notes      []ExportNote     `json:"notes"`
	Activity   []ExportActivity `json:"activity"`
}

// ExportProfile holds the account's settings. Username, email and join
// date are for the reader; an import never changes them.
type ExportProfile struct {
	Username    string `json:"username"`
	Email       string `json:"email"`
	CreatedAt   string `json:"created_at"`
	Timezone    string `json:"timezone"`
	Theme       string `json:"theme"`
	DailyGoalMS int64  `json:"daily_goal_ms"`
	TimerCapMS  int64  `json:"timer_cap_ms"`
	FocusMode   bool   `json:"focus_mode"`
}

// ExportTask is a task; its spent time is the sum of its time entries.
type ExportTask struct {
	Ref             string  `json:"ref"`
	Date            string  `json:"date"`
	Title           string  `json:"title"`
	Description     string  `json:"description"`
	StartTime       *string `json:"start_time"`
	DurationMinutes *int    `json:"duration_minutes"`
	Status          string  `json:"status"`
	Position        int     `json:"position"`
	SpentMS         int64   `json:"spent_ms"`
	CompletedAt     *string `json:"completed_at"`
	CreatedAt       string  `json:"created_at"`
}

// ExportEntry is a closed time entry of a task.
type ExportEntry struct {
	Ref        string `json:"ref"`
	TaskRef    string `json:"task_ref"`
	StartedAt  string `json:"started_at"`
	EndedAt    string `json:"ended_at"`
	DurationMS int64  `json:"duration_ms"`
	Source     string `json:"source"`
}

// ExportDayNote is a day's free-text note.
type ExportDayNote struct {
	Date      string `json:"date"`
	Text      string `json:"text"`
	UpdatedAt string `json:"updated_at"`
}

// ExportNote is a typed note.
type ExportNote struct {
	Ref       string `json:"ref"`
	Date      string `json:"date"`
	Type      string `json:"type"`
	Title     string `json:"title"`
	Content   string `json:"content"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// ExportActivity is a line of a day's activity log.
type ExportActivity struct {
	Ref     string  `json:"ref"`
	Date    string  `json:"date"`
	At      string  `json:"at"`
	Kind    string  `json:"kind"`
	Message string  `json:"message"`
	TaskRef *string `json:"task_ref"`
}

// Limits a document's contents keep to (the API's).
const (
	docMaxTitle       = 255
	docMaxDescription = 10_000
	docMaxNote        = 20_000
	docMaxDayNote     = 20_000
	docMaxMessage     = 1_000
	docMaxEntry       = 24 * time.Hour
	docMaxProblems    = 50
)

// exportTime is the document's instant format: RFC 3339, UTC, ms.
func exportTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func exportTimePtr(ms sql.NullInt64) *string {
	if !ms.Valid {
		return nil
	}
	s := exportTime(fromMS(ms.Int64))
	return &s
}

// kindAccount rows in legacy_ids hold each account's export secret
// (legacy_id = user id, new_id = a random number), made at its first
// export: ids and join dates alone can be equal on two instances.
const kindAccount = "account"

// accountRef names an account in documents: stable for the account,
// different on every other instance (and after an id is reused), and not
// its bare id. With create false it returns "" for an account that never
// exported.
func (db *DB) accountRef(ctx context.Context, u *focusflow.User, create bool) (string, error) {
	if create {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		secret := int64(binary.BigEndian.Uint64(b[:]) >> 1)
		if _, err := db.write.ExecContext(ctx, `INSERT INTO legacy_ids (kind, legacy_id, new_id) VALUES ($1, $2, $3)
			ON CONFLICT (kind, legacy_id) DO NOTHING`, kindAccount, u.ID, secret); err != nil {
			return "", wrapDBError(err)
		}
	}
	var secret int64
	err := db.write.QueryRowContext(ctx, `SELECT new_id FROM legacy_ids WHERE kind = $1 AND legacy_id = $2`,
		kindAccount, u.ID).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", wrapDBError(err)
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "focusflow-account:%d:%d:%d", secret, u.ID, u.CreatedAt.UnixMilli()))
	return "acct-" + hex.EncodeToString(sum[:8]), nil
}

func ref(prefix string, id int64) string { return prefix + strconv.FormatInt(id, 10) }

// Export builds the user's document.
func (db *DB) Export(ctx context.Context, userID int64) (*ExportDoc, error) {
	u, err := db.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	account, err := db.accountRef(ctx, u, true)
	if err != nil {
		return nil, err
	}
	// One snapshot: a read transaction (PostgreSQL: repeatable read) so
	// that entries and their tasks agree.
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect.name == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer tx.Rollback()
	doc := &ExportDoc{Format: ExportFormat, Version: ExportVersion, ExportedAt: exportTime(db.now()),
		Account: account,
		Profile: ExportProfile{Username: u.Username, Email: u.Email, CreatedAt: exportTime(u.CreatedAt),
			Timezone: u.Timezone, Theme: u.Theme, DailyGoalMS: u.DailyGoal.Milliseconds(),
			TimerCapMS: u.TimerCap.Milliseconds(), FocusMode: u.FocusMode},
		Tasks: []ExportTask{}, Entries: []ExportEntry{}, DayNotes: []ExportDayNote{}, Notes: []ExportNote{},
		Activity: []ExportActivity{}}
	tasks := map[int64]bool{}
	err = queryEach(ctx, tx, `SELECT id, date, title, description, start_time, duration_minutes, status, position,
		spent_ms, completed_at, created_at FROM tasks WHERE user_id = $1 ORDER BY date, position, id`, []any{userID},
		func(r *sql.Rows) error {
			var t ExportTask
			var id, created int64
			var start sql.NullString
			var dur sql.NullInt64
			var completed sql.NullInt64
			if err := r.Scan(&id, &t.Date, &t.Title, &t.Description, &start, &dur, &t.Status, &t.Position, &t.SpentMS,
				&completed, &created); err != nil {
				return err
			}
			t.Ref, t.CreatedAt, t.CompletedAt = ref("t", id), exportTime(fromMS(created)), exportTimePtr(completed)
			if start.Valid {
				t.StartTime = &start.String
			}
			if dur.Valid && dur.Int64 > 0 {
				n := int(dur.Int64)
				t.DurationMinutes = &n
			}
			tasks[id] = true
			doc.Tasks = append(doc.Tasks, t)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = queryEach(ctx, tx, `SELECT id, task_id, started_at, ended_at, source FROM time_entries
		WHERE user_id = $1 AND ended_at IS NOT NULL ORDER BY started_at, ended_at, id`, []any{userID},
		func(r *sql.Rows) error {
			var e ExportEntry
			var id, task, start, end int64
			if err := r.Scan(&id, &task, &start, &end, &e.Source); err != nil {
				return err
			}
			e.Ref, e.TaskRef = ref("e", id), ref("t", task)
			e.StartedAt, e.EndedAt, e.DurationMS = exportTime(fromMS(start)), exportTime(fromMS(end)), end-start
			doc.Entries = append(doc.Entries, e)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = queryEach(ctx, tx, `SELECT date, text, updated_at FROM day_notes WHERE user_id = $1 ORDER BY date`, []any{userID},
		func(r *sql.Rows) error {
			var n ExportDayNote
			var updated int64
			if err := r.Scan(&n.Date, &n.Text, &updated); err != nil {
				return err
			}
			n.UpdatedAt = exportTime(fromMS(updated))
			doc.DayNotes = append(doc.DayNotes, n)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = queryEach(ctx, tx, `SELECT `+noteColumns+` FROM notes WHERE user_id = $1 ORDER BY date, created_at, id`, []any{userID},
		func(r *sql.Rows) error {
			n, err := scanNote(r)
			if err != nil {
				return err
			}
			doc.Notes = append(doc.Notes, ExportNote{Ref: ref("n", n.ID), Date: n.Date, Type: n.Type, Title: n.Title,
				Content: n.Content, CreatedAt: exportTime(n.CreatedAt), UpdatedAt: exportTime(n.UpdatedAt)})
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = queryEach(ctx, tx, `SELECT id, date, at, kind, message, task_id FROM activity WHERE user_id = $1
		ORDER BY at, id`, []any{userID}, func(r *sql.Rows) error {
		var a ExportActivity
		var id, at int64
		var task sql.NullInt64
		if err := r.Scan(&id, &a.Date, &at, &a.Kind, &a.Message, &task); err != nil {
			return err
		}
		a.Ref, a.At = ref("a", id), exportTime(fromMS(at))
		// The log outlives deleted tasks; a ref must point into the document.
		if task.Valid && tasks[task.Int64] {
			r := ref("t", task.Int64)
			a.TaskRef = &r
		}
		doc.Activity = append(doc.Activity, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

func queryEach(ctx context.Context, q sqlQueryer, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return wrapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return wrapDBError(rows.Err())
}

// --- reading a document ---

// ImportError lists everything wrong with a document, each problem naming
// where it is (tasks[3].title). It presents as EINVALID (or ECONFLICT when
// the only problems are overlaps with the account's entries) with the first
// problem as message and field.
type ImportError struct {
	Problems []focusflow.Error
	// More counts problems left out after the first docMaxProblems.
	More     int
	conflict bool
}

func (e *ImportError) Error() string {
	return "import: " + e.summary()
}

func (e *ImportError) summary() string {
	if len(e.Problems) == 0 {
		return "the document is not valid"
	}
	p := e.Problems[0]
	msg := p.Message
	if p.Field != "" {
		msg = p.Field + ": " + msg
	}
	if n := len(e.Problems) - 1 + e.More; n > 0 {
		msg += fmt.Sprintf(" (and %d more problem", n)
		if n > 1 {
			msg += "s"
		}
		msg += ")"
	}
	return msg
}

// As presents the error to the one error-code map.
func (e *ImportError) As(target any) bool {
	if t, ok := target.(**focusflow.Error); ok {
		code := focusflow.EINVALID
		if e.conflict {
			code = focusflow.ECONFLICT
		}
		field := ""
		if len(e.Problems) > 0 {
			field = e.Problems[0].Field
		}
		*t = &focusflow.Error{Code: code, Message: "The document was not imported: " + e.summary(), Field: field}
		return true
	}
	return false
}

type problems struct{ list *ImportError }

func (p problems) add(field, format string, args ...any) {
	if len(p.list.Problems) >= docMaxProblems {
		p.list.More++
		return
	}
	p.list.Problems = append(p.list.Problems, focusflow.Error{Code: focusflow.EINVALID, Field: field,
		Message: fmt.Sprintf(format, args...)})
}

func (p problems) err() error {
	if len(p.list.Problems) == 0 {
		return nil
	}
	return p.list
}

// docSection is the raw document: each array element is decoded on its
// own, so that an error can name its index.
type docSection struct {
	Format     json.RawMessage   `json:"format"`
	Version    json.RawMessage   `json:"version"`
	ExportedAt json.RawMessage   `json:"exported_at"`
	Account    json.RawMessage   `json:"account"`
	Profile    json.RawMessage   `json:"profile"`
	Tasks      []json.RawMessage `json:"tasks"`
	Entries    []json.RawMessage `json:"time_entries"`
	DayNotes   []json.RawMessage `json:"day_notes"`
	Notes      []json.RawMessage `json:"notes"`
	Activity   []json.RawMessage `json:"activity"`
}

// ParseExport decodes a document strictly: one JSON object, no unknown
// fields, right types, every required field present. It does not judge
// the values (ImportDoc does); errors name the path of the culprit.
func ParseExport(data []byte) (*ExportDoc, error) {
	p := problems{&ImportError{}}
	var sec docSection
	if err := decodeStrictly(data, &sec, "", []string{"format", "version"}); err != nil {
		return nil, err
	}
	doc := &ExportDoc{}
	if err := decodeStrictly(sec.Format, &doc.Format, "format", nil); err != nil {
		return nil, err
	}
	if err := decodeStrictly(sec.Version, &doc.Version, "version", nil); err != nil {
		return nil, err
	}
	if doc.Format != ExportFormat {
		return nil, importInvalid("format", "This is not a FocusFlow export (format %q, expected %q).", truncateRunes(doc.Format, 40), ExportFormat)
	}
	if doc.Version != ExportVersion {
		return nil, importInvalid("version", "Version %d of the export format is not supported; this FocusFlow reads version %d.",
			doc.Version, ExportVersion)
	}
	for _, k := range []string{"exported_at", "account", "profile", "tasks", "time_entries", "day_notes", "notes", "activity"} {
		if !hasKey(data, k) {
			p.add(k, "%s is required.", k)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	decodeInto := func(raw json.RawMessage, dst any, path string, required []string) {
		if err := decodeStrictly(raw, dst, path, required); err != nil {
			var ie *ImportError
			if errors.As(err, &ie) {
				for _, pr := range ie.Problems {
					p.add(pr.Field, "%s", pr.Message)
				}
			}
		}
	}
	decodeInto(sec.ExportedAt, &doc.ExportedAt, "exported_at", nil)
	decodeInto(sec.Account, &doc.Account, "account", nil)
	decodeInto(sec.Profile, &doc.Profile, "profile", []string{"timezone", "theme", "daily_goal_ms", "timer_cap_ms", "focus_mode"})
	doc.Tasks = make([]ExportTask, len(sec.Tasks))
	for i, raw := range sec.Tasks {
		decodeInto(raw, &doc.Tasks[i], fmt.Sprintf("tasks[%d]", i), []string{"ref", "date", "title", "status", "created_at"})
	}
	doc.Entries = make([]ExportEntry, len(sec.Entries))
	for i, raw := range sec.Entries {
		decodeInto(raw, &doc.Entries[i], fmt.Sprintf("time_entries[%d]", i), []string{"ref", "task_ref", "started_at", "ended_at", "source"})
	}
	doc.DayNotes = make([]ExportDayNote, len(sec.DayNotes))
	for i, raw := range sec.DayNotes {
		decodeInto(raw, &doc.DayNotes[i], fmt.Sprintf("day_notes[%d]", i), []string{"date", "text"})
	}
	doc.Notes = make([]ExportNote, len(sec.Notes))
	for i, raw := range sec.Notes {
		decodeInto(raw, &doc.Notes[i], fmt.Sprintf("notes[%d]", i), []string{"ref", "date", "type", "content", "created_at"})
	}
	doc.Activity = make([]ExportActivity, len(sec.Activity))
	for i, raw := range sec.Activity {
		decodeInto(raw, &doc.Activity[i], fmt.Sprintf("activity[%d]", i), []string{"ref", "date", "at", "kind", "message"})
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return doc, nil
}

func importInvalid(field, format string, args ...any) error {
	p := problems{&ImportError{}}
	p.add(field, format, args...)
	return p.err()
}

func hasKey(obj []byte, key string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(obj, &m) != nil {
		return false
	}
	_, ok := m[key]
	return ok
}

// decodeStrictly decodes raw into dst refusing unknown fields, nulls for
// required fields and trailing data; errors carry the path.
func decodeStrictly(raw json.RawMessage, dst any, path string, required []string) error {
	join := func(field string) string {
		switch {
		case path == "":
			return field
		case field == "":
			return path
		}
		return path + "." + field
	}
	where := path
	if where == "" {
		where = "The document"
	}
	if required != nil || path == "" {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil || m == nil {
			return importInvalid(path, "%s must be a JSON object.", where)
		}
		for _, k := range required {
			v, ok := m[k]
			if !ok {
				return importInvalid(join(k), "%s is required.", join(k))
			}
			if string(bytes.TrimSpace(v)) == "null" {
				return importInvalid(join(k), "%s must not be null.", join(k))
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te):
			f := join(te.Field)
			return importInvalid(f, "%s has the wrong type (expected %s).", f, jsonKindOf(te.Type.String()))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return importInvalid(join(name), "Unknown field %q in %s.", name, where)
		case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return importInvalid(path, "%s is not valid JSON.", where)
		default:
			return importInvalid(path, "%s could not be read: %s", where, truncateRunes(err.Error(), 200))
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return importInvalid(path, "Unexpected data after %s.", strings.ToLower(where[:1])+where[1:])
	}
	return nil
}

func jsonKindOf(goType string) string {
	switch {
	case strings.Contains(goType, "[]"):
		return "an array"
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a whole number"
	case strings.Contains(goType, "string"):
		return "a string"
	case strings.Contains(goType, "bool"):
		return "true or false"
	}
	return "an object"
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// --- checking a document ---

var (
	refPattern     = regexp.MustCompile(`^[tena][0-9]{1,18}$`)
	accountPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	kindPattern    = regexp.MustCompile(`^[a-z_]{1,40}$`)
	clockHHMM      = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// docText validates text like the API: valid UTF-8, no control characters
// (tabs and line breaks only when multiline), at most max characters after
// trimming. It returns the trimmed text.
func docText(p problems, field, v string, max int, multiline, required bool) string {
	if !utf8.ValidString(v) {
		p.add(field, "%s contains invalid characters.", field)
		return v
	}
	v = strings.TrimSpace(v)
	for _, r := range v {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t' || r == '\r')) {
			p.add(field, "%s contains control characters.", field)
			return v
		}
	}
	if n := utf8.RuneCountInString(v); n > max {
		p.add(field, "%s is too long (%d characters; at most %d).", field, n, max)
	}
	if required && v == "" {
		p.add(field, "%s is required.", field)
	}
	return v
}

func docDate(p problems, field, v string) {
	if _, err := localdate.ParseDate(v); err != nil {
		p.add(field, "%s %q is not a valid date (YYYY-MM-DD).", field, truncateRunes(v, 40))
	}
}

// docInstant parses an RFC 3339 instant that must not lie in the future.
func docInstant(p problems, field, v string, now time.Time) time.Time {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		p.add(field, "%s must be an RFC 3339 timestamp like 2026-01-02T15:04:05.000Z.", field)
		return time.Time{}
	}
	t = t.UTC().Truncate(time.Millisecond)
	if t.After(now) {
		p.add(field, "%s lies in the future.", field)
	}
	return t
}

func refID(r string) int64 {
	n, _ := strconv.ParseInt(r[1:], 10, 64)
	return n
}

// checked is a document that passed every check, with parsed values.
type checked struct {
	doc        *ExportDoc
	sameAcct   bool
	tasks      []checkedTask
	entries    []checkedEntry
	activities []time.Time
	noteTimes  [][2]time.Time
	dayUpdated []time.Time
}

type checkedTask struct {
	created, completed time.Time
}

type checkedEntry struct {
	task       int // index into tasks
	start, end time.Time
}

// check validates every value of the document; nothing is written yet.
func (db *DB) check(doc *ExportDoc, user *focusflow.User, account string) (*checked, error) {
	now := db.now()
	p := problems{&ImportError{}}
	c := &checked{doc: doc}
	if doc.Format != ExportFormat || doc.Version != ExportVersion {
		return nil, importInvalid("format", "This is not a version %d FocusFlow export.", ExportVersion)
	}
	docInstant(p, "exported_at", doc.ExportedAt, now.Add(time.Minute))
	if !accountPattern.MatchString(doc.Account) {
		p.add("account", "account must be 1–64 letters, digits, - or _.")
	}
	c.sameAcct = account != "" && doc.Account == account
	pr := doc.Profile
	if err := focusflow.ValidateTimezone(pr.Timezone); err != nil {
		p.add("profile.timezone", "profile.timezone %q is not a known time zone.", truncateRunes(pr.Timezone, 64))
	}
	if !slices.Contains(focusflow.Themes, pr.Theme) {
		p.add("profile.theme", "profile.theme must be auto, light or dark.")
	}
	if pr.DailyGoalMS < (5*time.Minute).Milliseconds() || pr.DailyGoalMS > (24*time.Hour).Milliseconds() {
		p.add("profile.daily_goal_ms", "profile.daily_goal_ms must be between 5 minutes and 24 hours.")
	}
	if pr.TimerCapMS < focusflow.MinTimerCap.Milliseconds() || pr.TimerCapMS > focusflow.MaxTimerCap.Milliseconds() {
		p.add("profile.timer_cap_ms", "profile.timer_cap_ms must be between 1 and 12 hours.")
	}
	if utf8.RuneCountInString(pr.Username) > 320 || utf8.RuneCountInString(pr.Email) > 320 {
		p.add("profile", "profile.username and profile.email are at most 320 characters.")
	}
	if pr.CreatedAt != "" {
		docInstant(p, "profile.created_at", pr.CreatedAt, now)
	}

	taskIndex := map[string]int{}
	c.tasks = make([]checkedTask, len(doc.Tasks))
	for i := range doc.Tasks {
		t := &doc.Tasks[i]
		f := fmt.Sprintf("tasks[%d]", i)
		if !refPattern.MatchString(t.Ref) || t.Ref[0] != 't' {
			p.add(f+".ref", "%s.ref must be \"t\" and digits, like \"t12\".", f)
		} else if _, dup := taskIndex[t.Ref]; dup {
			p.add(f+".ref", "%s.ref %q appears twice.", f, t.Ref)
		} else {
			taskIndex[t.Ref] = i
		}
		docDate(p, f+".date", t.Date)
		t.Title = docText(p, f+".title", t.Title, docMaxTitle, false, true)
		t.Description = docText(p, f+".description", t.Description, docMaxDescription, true, false)
		if t.StartTime != nil && !clockHHMM.MatchString(*t.StartTime) {
			p.add(f+".start_time", "%s.start_time must be HH:MM (00:00–23:59) or null.", f)
		}
		if t.DurationMinutes != nil && (*t.DurationMinutes < 1 || *t.DurationMinutes > 1440) {
			p.add(f+".duration_minutes", "%s.duration_minutes must be between 1 and 1440, or null.", f)
		}
		switch t.Status {
		case focusflow.StatusPending, focusflow.StatusInProgress, focusflow.StatusPaused, focusflow.StatusCompleted:
		default:
			p.add(f+".status", "%s.status must be pending, in-progress, paused or completed.", f)
		}
		if t.Position < 0 || t.Position > 100_000 {
			p.add(f+".position", "%s.position must be between 0 and 100000.", f)
		}
		if t.SpentMS < 0 {
			p.add(f+".spent_ms", "%s.spent_ms must not be negative.", f)
		}
		c.tasks[i].created = docInstant(p, f+".created_at", t.CreatedAt, now)
		if t.CompletedAt != nil {
			if t.Status != focusflow.StatusCompleted {
				p.add(f+".completed_at", "%s.completed_at is set but the task is not completed.", f)
			}
			c.tasks[i].completed = docInstant(p, f+".completed_at", *t.CompletedAt, now)
		}
	}

	entryRefs := map[string]bool{}
	spent := make([]int64, len(doc.Tasks))
	c.entries = make([]checkedEntry, len(doc.Entries))
	for i := range doc.Entries {
		e := &doc.Entries[i]
		f := fmt.Sprintf("time_entries[%d]", i)
		if !refPattern.MatchString(e.Ref) || e.Ref[0] != 'e' {
			p.add(f+".ref", "%s.ref must be \"e\" and digits, like \"e40\".", f)
		} else if entryRefs[e.Ref] {
			p.add(f+".ref", "%s.ref %q appears twice.", f, e.Ref)
		}
		entryRefs[e.Ref] = true
		ti, ok := taskIndex[e.TaskRef]
		if !ok {
			p.add(f+".task_ref", "%s.task_ref %q names no task of the document.", f, truncateRunes(e.TaskRef, 40))
			ti = -1
		}
		switch e.Source {
		case focusflow.SourceTimer, focusflow.SourceManual, focusflow.SourceCapped, focusflow.SourceImported:
		default:
			p.add(f+".source", "%s.source must be timer, manual, capped or imported.", f)
		}
		start := docInstant(p, f+".started_at", e.StartedAt, now)
		end := docInstant(p, f+".ended_at", e.EndedAt, now)
		c.entries[i] = checkedEntry{task: ti, start: start, end: end}
		if start.IsZero() || end.IsZero() {
			continue
		}
		switch {
		case end.Before(start):
			p.add(f+".ended_at", "%s ends before it starts.", f)
		case end.Sub(start) > docMaxEntry:
			p.add(f+".ended_at", "%s is longer than 24 hours.", f)
		case e.DurationMS != end.Sub(start).Milliseconds():
			p.add(f+".duration_ms", "%s.duration_ms is %d but the entry lasts %d ms.", f, e.DurationMS, end.Sub(start).Milliseconds())
		}
		if ti >= 0 {
			spent[ti] += end.Sub(start).Milliseconds()
		}
	}
	// No two entries of the document overlap.
	order := make([]int, 0, len(c.entries))
	for i, e := range c.entries {
		if !e.start.IsZero() && !e.end.IsZero() && !e.end.Before(e.start) {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return c.entries[order[a]].start.Before(c.entries[order[b]].start) })
	last := -1
	for _, i := range order {
		e := c.entries[i]
		if e.start.Equal(e.end) {
			continue // an instant overlaps nothing
		}
		if last >= 0 && e.start.Before(c.entries[last].end) {
			p.add(fmt.Sprintf("time_entries[%d].started_at", i), "time_entries[%d] overlaps time_entries[%d].", i, last)
		}
		if last < 0 || e.end.After(c.entries[last].end) {
			last = i
		}
	}
	for i := range doc.Tasks {
		if doc.Tasks[i].SpentMS != spent[i] {
			p.add(fmt.Sprintf("tasks[%d].spent_ms", i), "tasks[%d].spent_ms is %d but its time entries add up to %d ms.",
				i, doc.Tasks[i].SpentMS, spent[i])
		}
	}

	dates := map[string]bool{}
	c.dayUpdated = make([]time.Time, len(doc.DayNotes))
	for i := range doc.DayNotes {
		n := &doc.DayNotes[i]
		f := fmt.Sprintf("day_notes[%d]", i)
		docDate(p, f+".date", n.Date)
		if dates[n.Date] {
			p.add(f+".date", "%s.date %s appears twice.", f, n.Date)
		}
		dates[n.Date] = true
		n.Text = docText(p, f+".text", n.Text, docMaxDayNote, true, false)
		if n.UpdatedAt != "" {
			c.dayUpdated[i] = docInstant(p, f+".updated_at", n.UpdatedAt, now)
		}
	}
	noteRefs := map[string]bool{}
	c.noteTimes = make([][2]time.Time, len(doc.Notes))
	for i := range doc.Notes {
		n := &doc.Notes[i]
		f := fmt.Sprintf("notes[%d]", i)
		if !refPattern.MatchString(n.Ref) || n.Ref[0] != 'n' {
			p.add(f+".ref", "%s.ref must be \"n\" and digits, like \"n3\".", f)
		} else if noteRefs[n.Ref] {
			p.add(f+".ref", "%s.ref %q appears twice.", f, n.Ref)
		}
		noteRefs[n.Ref] = true
		docDate(p, f+".date", n.Date)
		if !slices.Contains(focusflow.NoteTypes, n.Type) {
			p.add(f+".type", "%s.type must be one of general, reflection, idea, reminder.", f)
		}
		n.Title = docText(p, f+".title", n.Title, docMaxTitle, false, false)
		n.Content = docText(p, f+".content", n.Content, docMaxNote, true, true)
		created := docInstant(p, f+".created_at", n.CreatedAt, now)
		updated := created
		if n.UpdatedAt != "" {
			updated = docInstant(p, f+".updated_at", n.UpdatedAt, now)
		}
		c.noteTimes[i] = [2]time.Time{created, updated}
	}
	actRefs := map[string]bool{}
	c.activities = make([]time.Time, len(doc.Activity))
	for i := range doc.Activity {
		a := &doc.Activity[i]
		f := fmt.Sprintf("activity[%d]", i)
		if !refPattern.MatchString(a.Ref) || a.Ref[0] != 'a' {
			p.add(f+".ref", "%s.ref must be \"a\" and digits, like \"a7\".", f)
		} else if actRefs[a.Ref] {
			p.add(f+".ref", "%s.ref %q appears twice.", f, a.Ref)
		}
		actRefs[a.Ref] = true
		docDate(p, f+".date", a.Date)
		c.activities[i] = docInstant(p, f+".at", a.At, now)
		if !kindPattern.MatchString(a.Kind) {
			p.add(f+".kind", "%s.kind must be 1–40 lower-case letters or _.", f)
		}
		a.Message = docText(p, f+".message", a.Message, docMaxMessage, false, true)
		if a.TaskRef != nil {
			if _, ok := taskIndex[*a.TaskRef]; !ok {
				p.add(f+".task_ref", "%s.task_ref %q names no task of the document.", f, truncateRunes(*a.TaskRef, 40))
			}
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// --- loading a document ---

// ImportCounts count the rows of a document by kind.
type ImportCounts struct {
	Tasks       int `json:"tasks"`
	TimeEntries int `json:"time_entries"`
	DayNotes    int `json:"day_notes"`
	Notes       int `json:"notes"`
	Activity    int `json:"activity"`
}

// ImportSummary says what an import did. Skipped rows were already there
// (an earlier import of the same document, or the account it came from).
type ImportSummary struct {
	SameAccount     bool         `json:"same_account"`
	SettingsApplied bool         `json:"settings_applied"`
	Created         ImportCounts `json:"created"`
	Skipped         ImportCounts `json:"skipped"`
}

// ImportDoc loads a document into the user's account: every value is
// checked first, then everything is written in one transaction, or nothing
// is. Settings are applied only from another account's document (the
// account's own are newer than its export).
func (db *DB) ImportDoc(ctx context.Context, user *focusflow.User, doc *ExportDoc) (*ImportSummary, error) {
	account, err := db.accountRef(ctx, user, false)
	if err != nil {
		return nil, err
	}
	c, err := db.check(doc, user, account)
	if err != nil {
		return nil, err
	}
	sum := &ImportSummary{SameAccount: c.sameAcct}
	now := db.now()
	err = db.tx(ctx, func(tx *sql.Tx) error {
		*sum = ImportSummary{SameAccount: c.sameAcct}
		imp := &docImport{db: db, tx: tx, c: c, user: user, sum: sum, now: now}
		return imp.run(ctx)
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}

type docImport struct {
	db      *DB
	tx      *sql.Tx
	c       *checked
	user    *focusflow.User
	sum     *ImportSummary
	now     time.Time
	taskIDs map[int]int64 // document task index → our id (existing or new)
}

// mapKind names a document row kind in legacy_ids, per source account and
// target user.
func (im *docImport) mapKind(kind string) string {
	return "doc:" + im.c.doc.Account + ":" + strconv.FormatInt(im.user.ID, 10) + ":" + kind
}

// present returns which of the refs (by id) already have a row of table
// for this user: the row of that id in the same account, or the row an
// earlier import of this document made.
func (im *docImport) present(ctx context.Context, table, kind string, refs []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(refs) == 0 {
		return out, nil
	}
	var query string
	var args []any
	if im.c.sameAcct {
		query = `SELECT id, id FROM ` + table + ` WHERE user_id = $1`
		args = []any{im.user.ID}
	} else {
		query = `SELECT l.legacy_id, l.new_id FROM legacy_ids l JOIN ` + table + ` t ON t.id = l.new_id AND t.user_id = $1
			WHERE l.kind = $2`
		args = []any{im.user.ID, im.mapKind(kind)}
	}
	want := map[int64]string{}
	for _, r := range refs {
		want[refID(r)] = r
	}
	err := queryEach(ctx, im.tx, query, args, func(r *sql.Rows) error {
		var from, id int64
		if err := r.Scan(&from, &id); err != nil {
			return err
		}
		if ref, ok := want[from]; ok {
			out[ref] = id
		}
		return nil
	})
	return out, err
}

func (im *docImport) remember(ctx context.Context, kind string, ref string, id int64) error {
	if im.c.sameAcct {
		return nil // the ids themselves say it
	}
	_, err := im.tx.ExecContext(ctx, `INSERT INTO legacy_ids (kind, legacy_id, new_id) VALUES ($1, $2, $3)
		ON CONFLICT (kind, legacy_id) DO UPDATE SET new_id = excluded.new_id`, im.mapKind(kind), refID(ref), id)
	return wrapDBError(err)
}

func (im *docImport) run(ctx context.Context) error {
	doc, c, tx, uid := im.c.doc, im.c, im.tx, im.user.ID
	loc := im.user.Location()
	if !c.sameAcct {
		pr := doc.Profile
		if _, err := tx.ExecContext(ctx, `UPDATE users SET timezone = $2, theme = $3, focus_mode = $4, daily_goal_ms = $5,
			timer_cap_ms = $6 WHERE id = $1`, uid, pr.Timezone, pr.Theme, pr.FocusMode, pr.DailyGoalMS, pr.TimerCapMS); err != nil {
			return wrapDBError(err)
		}
		loc, _ = time.LoadLocation(pr.Timezone)
		im.sum.SettingsApplied = true
	}

	// Tasks.
	refs := make([]string, len(doc.Tasks))
	for i, t := range doc.Tasks {
		refs[i] = t.Ref
	}
	have, err := im.present(ctx, "tasks", "task", refs)
	if err != nil {
		return err
	}
	im.taskIDs = map[int]int64{}
	for i, t := range doc.Tasks {
		if id, ok := have[t.Ref]; ok {
			im.taskIDs[i] = id
			im.sum.Skipped.Tasks++
			continue
		}
		status := t.Status
		if status == focusflow.StatusInProgress {
			status = focusflow.StatusPaused // no timer runs for it here
		}
		var completed any
		if status == focusflow.StatusCompleted {
			at := c.tasks[i].completed
			if at.IsZero() {
				at = c.tasks[i].created
			}
			completed = at.UnixMilli()
		}
		var start any
		if t.StartTime != nil {
			start = *t.StartTime
		}
		var dur any
		if t.DurationMinutes != nil {
			dur = *t.DurationMinutes
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO tasks (user_id, date, title, description, start_time, duration_minutes,
			status, position, spent_ms, completed_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11) RETURNING id`,
			uid, t.Date, t.Title, t.Description, start, dur, status, t.Position, completed,
			c.tasks[i].created.UnixMilli(), im.now.UnixMilli()).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		if err := addTaskCounts(ctx, sqlExec{tx}, uid, t.Date, 1, b2i(status == focusflow.StatusCompleted)); err != nil {
			return err
		}
		if err := im.remember(ctx, "task", t.Ref, id); err != nil {
			return err
		}
		im.taskIDs[i] = id
		im.sum.Created.Tasks++
	}

	// Time entries: those already there are skipped; the others must not
	// overlap anything the account has (a running timer counts up to now).
	refs = make([]string, len(doc.Entries))
	for i, e := range doc.Entries {
		refs[i] = e.Ref
	}
	have, err = im.present(ctx, "time_entries", "entry", refs)
	if err != nil {
		return err
	}
	busy := &spanSet{}
	err = queryEach(ctx, tx, `SELECT started_at, COALESCE(ended_at, $2) FROM time_entries WHERE user_id = $1`,
		[]any{uid, im.now.UnixMilli()}, func(r *sql.Rows) error {
			var s entrySpan
			if err := r.Scan(&s.start, &s.end); err != nil {
				return err
			}
			if s.end > s.start {
				busy.add(s)
			}
			return nil
		})
	if err != nil {
		return err
	}
	conflicts := problems{&ImportError{conflict: true}}
	for i, e := range doc.Entries {
		if _, ok := have[e.Ref]; ok {
			continue
		}
		ce := c.entries[i]
		if ce.end.After(ce.start) && busy.overlaps(entrySpan{ce.start.UnixMilli(), ce.end.UnixMilli()}) {
			conflicts.add(fmt.Sprintf("time_entries[%d].started_at", i),
				"time_entries[%d] (%s–%s) overlaps a time entry the account already has.", i, e.StartedAt, e.EndedAt)
		}
	}
	if err := conflicts.err(); err != nil {
		return err
	}
	spent := map[int64]int64{}
	for i, e := range doc.Entries {
		if _, ok := have[e.Ref]; ok {
			im.sum.Skipped.TimeEntries++
			continue
		}
		ce := c.entries[i]
		taskID := im.taskIDs[ce.task]
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO time_entries (user_id, task_id, started_at, ended_at, source, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, uid, taskID, ce.start.UnixMilli(), ce.end.UnixMilli(), e.Source,
			im.now.UnixMilli()).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		if err := im.remember(ctx, "entry", e.Ref, id); err != nil {
			return err
		}
		spent[taskID] += ce.end.Sub(ce.start).Milliseconds()
		im.sum.Created.TimeEntries++
	}
	for _, taskID := range slices.Sorted(maps.Keys(spent)) {
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET spent_ms = spent_ms + $3 WHERE id = $1 AND user_id = $2`,
			taskID, uid, spent[taskID]); err != nil {
			return wrapDBError(err)
		}
	}
	// Focus figures: recomputed from every entry in the (possibly new)
	// zone, which also moves the account's older figures if it changed.
	if err := im.db.rebucketFocus(ctx, sqlExec{tx}, uid, loc); err != nil {
		return err
	}

	if err := im.dayNotes(ctx); err != nil {
		return err
	}
	if err := im.notes(ctx); err != nil {
		return err
	}
	return im.activity(ctx)
}

// overlaps reports whether s overlaps any interval of the set.
func (tl *spanSet) overlaps(s entrySpan) bool {
	i := sort.Search(len(tl.spans), func(i int) bool { return tl.spans[i].end > s.start })
	return i < len(tl.spans) && tl.spans[i].start < s.end
}

func (im *docImport) dayNotes(ctx context.Context) error {
	doc, tx, uid := im.c.doc, im.tx, im.user.ID
	for i, n := range doc.DayNotes {
		day, _ := localdate.ParseDate(n.Date)
		dayKey := int64(day.Year()*10000 + int(day.Month())*100 + day.Day())
		if !im.c.sameAcct {
			var mapped int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM legacy_ids WHERE kind = $1 AND legacy_id = $2`,
				im.mapKind("day_note"), dayKey).Scan(&mapped); err != nil {
				return wrapDBError(err)
			}
			if mapped > 0 {
				im.sum.Skipped.DayNotes++
				continue
			}
		}
		var text string
		err := tx.QueryRowContext(ctx, `SELECT text FROM day_notes WHERE user_id = $1 AND date = $2`, uid, n.Date).Scan(&text)
		updated := im.c.dayUpdated[i]
		if updated.IsZero() {
			updated = im.now
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO day_notes (user_id, date, text, updated_at) VALUES ($1, $2, $3, $4)`,
				uid, n.Date, n.Text, updated.UnixMilli()); err != nil {
				return wrapDBError(err)
			}
			im.sum.Created.DayNotes++
		case err != nil:
			return wrapDBError(err)
		case im.c.sameAcct || text == n.Text || strings.Contains(text, n.Text):
			im.sum.Skipped.DayNotes++
		default:
			// Another account's note for a day this one wrote about too:
			// both texts are kept.
			merged := text
			if strings.TrimSpace(text) != "" {
				merged += "\n\n"
			}
			merged += n.Text
			if utf8.RuneCountInString(merged) > docMaxDayNote {
				return importInvalid(fmt.Sprintf("day_notes[%d].text", i),
					"day_notes[%d]: the account already has a note for %s, and both together exceed %d characters.", i, n.Date, docMaxDayNote)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE day_notes SET text = $3, updated_at = $4 WHERE user_id = $1 AND date = $2`,
				uid, n.Date, merged, im.now.UnixMilli()); err != nil {
				return wrapDBError(err)
			}
			im.sum.Created.DayNotes++
		}
		if !im.c.sameAcct {
			if _, err := tx.ExecContext(ctx, `INSERT INTO legacy_ids (kind, legacy_id, new_id) VALUES ($1, $2, $3)
				ON CONFLICT (kind, legacy_id) DO NOTHING`, im.mapKind("day_note"), dayKey, uid); err != nil {
				return wrapDBError(err)
			}
		}
	}
	return nil
}

func (im *docImport) notes(ctx context.Context) error {
	doc, tx, uid := im.c.doc, im.tx, im.user.ID
	refs := make([]string, len(doc.Notes))
	for i, n := range doc.Notes {
		refs[i] = n.Ref
	}
	have, err := im.present(ctx, "notes", "note", refs)
	if err != nil {
		return err
	}
	for i, n := range doc.Notes {
		if _, ok := have[n.Ref]; ok {
			im.sum.Skipped.Notes++
			continue
		}
		times := im.c.noteTimes[i]
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO notes (user_id, date, type, title, content, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, uid, n.Date, n.Type, n.Title, n.Content,
			times[0].UnixMilli(), times[1].UnixMilli()).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		if err := im.remember(ctx, "note", n.Ref, id); err != nil {
			return err
		}
		im.sum.Created.Notes++
	}
	return nil
}

func (im *docImport) activity(ctx context.Context) error {
	doc, tx, uid := im.c.doc, im.tx, im.user.ID
	refs := make([]string, len(doc.Activity))
	for i, a := range doc.Activity {
		refs[i] = a.Ref
	}
	have, err := im.present(ctx, "activity", "activity", refs)
	if err != nil {
		return err
	}
	taskByRef := map[string]int64{}
	for i, t := range doc.Tasks {
		taskByRef[t.Ref] = im.taskIDs[i]
	}
	for i, a := range doc.Activity {
		if _, ok := have[a.Ref]; ok {
			im.sum.Skipped.Activity++
			continue
		}
		var task int64
		if a.TaskRef != nil {
			task = taskByRef[*a.TaskRef]
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO activity (user_id, date, at, kind, message, task_id)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, uid, a.Date, im.c.activities[i].UnixMilli(), a.Kind, a.Message,
			nullID(task)).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		if err := im.remember(ctx, "activity", a.Ref, id); err != nil {
			return err
		}
		im.sum.Created.Activity++
	}
	return nil
}
