package backup

// Writing FocusFlow's dump: the database read in one snapshot and streamed
// through a sink, one JSON line per row.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/focusflow/focusflow/internal/sqlstore"
)

const (
	dumpFormatName    = "focusflow-dump"
	dumpFormatVersion = 1
)

// dumpHeader is a dump's first line.
type dumpHeader struct {
	Format        string      `json:"format"`
	Version       int         `json:"version"`
	SchemaVersion int         `json:"schema_version"`
	Engine        string      `json:"engine"`
	CreatedAt     time.Time   `json:"created_at"`
	Tables        []TableRows `json:"tables"`
}

func (h *dumpHeader) summary(f Format) *Summary {
	s := &Summary{Format: f, Engine: h.Engine, SchemaVersion: h.SchemaVersion, CreatedAt: h.CreatedAt,
		Tables: slices.Clone(h.Tables)}
	for _, t := range h.Tables {
		s.Rows += t.Rows
	}
	return s
}

// tableHeader starts a table's rows; the trailer line ends the dump.
type tableHeader struct {
	Table   string   `json:"table,omitempty"`
	Columns []string `json:"columns,omitempty"`
	Types   []string `json:"types,omitempty"`
	Rows    int64    `json:"rows"`
	End     bool     `json:"end,omitempty"`
}

// sink receives a backup as it streams: from a database (export) or a dump
// file (readDump), into a dump file (dumpWriter) or a database (loader).
type sink interface {
	begin(h *dumpHeader) error
	table(t *tableHeader) error
	row(values []any) error
	end() error
}

type discardSink struct{}

func (discardSink) begin(*dumpHeader) error  { return nil }
func (discardSink) table(*tableHeader) error { return nil }
func (discardSink) row([]any) error          { return nil }
func (discardSink) end() error               { return nil }

// progressSink counts rows on their way to the next sink.
type progressSink struct {
	next       sink
	phase      string
	fn         func(Progress)
	bytes      func() int64
	totalBytes int64
	p          Progress
}

func (s *progressSink) emit() {
	s.p.Phase = s.phase
	s.p.TotalBytes = s.totalBytes
	if s.bytes != nil {
		s.p.Bytes = s.bytes()
	}
	s.fn(s.p)
}

func (s *progressSink) begin(h *dumpHeader) error {
	for _, t := range h.Tables {
		s.p.TotalRows += t.Rows
	}
	s.emit()
	return s.next.begin(h)
}

func (s *progressSink) table(t *tableHeader) error {
	s.p.Table, s.p.TableRows, s.p.TableTotal = t.Table, 0, t.Rows
	s.emit()
	return s.next.table(t)
}

func (s *progressSink) row(v []any) error {
	if err := s.next.row(v); err != nil {
		return err
	}
	s.p.TableRows++
	s.p.Rows++
	if s.p.Rows%2048 == 0 || s.p.TableRows == s.p.TableTotal {
		s.emit()
	}
	return nil
}

func (s *progressSink) end() error {
	if err := s.next.end(); err != nil {
		return err
	}
	s.emit()
	return nil
}

// Dump writes FocusFlow's portable dump of the database to w, read in one
// consistent snapshot and streamed: no table is held in memory.
func Dump(ctx context.Context, db *sqlstore.DB, w io.Writer, progress func(Progress)) (*Summary, error) {
	cw := &countingWriter{w: w}
	gz, _ := gzip.NewWriterLevel(cw, gzip.DefaultCompression)
	out := &dumpWriter{w: bufio.NewWriterSize(gz, 64<<10)}
	var s sink = out
	if progress != nil {
		s = &progressSink{next: out, phase: "dump", fn: progress, bytes: func() int64 { return cw.n }}
	}
	h, err := export(ctx, db, s)
	if err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	sum := h.summary(FormatDump)
	sum.Bytes = cw.n
	return sum, nil
}

// dumpToFile writes a dump into tmp, syncs and closes it, then reads it
// back in full (gzip checksum, structure, row counts).
func dumpToFile(ctx context.Context, db *sqlstore.DB, tmp *os.File, progress func(Progress)) (*Summary, error) {
	bw := bufio.NewWriterSize(tmp, 256<<10)
	sum, err := Dump(ctx, db, bw, progress)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	check, err := verifyDumpFile(ctx, tmp.Name(), progress)
	if err != nil {
		return nil, fmt.Errorf("the new backup failed verification: %w", err)
	}
	sum.Bytes = check.Bytes
	return sum, nil
}

// export reads the whole database in one snapshot transaction and streams
// it to s.
func export(ctx context.Context, db *sqlstore.DB, s sink) (*dumpHeader, error) {
	tx, err := db.BeginSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cat, err := db.ReadCatalog(ctx, tx)
	if err != nil {
		return nil, err
	}
	h := &dumpHeader{Format: dumpFormatName, Version: dumpFormatVersion, Engine: db.Engine(),
		SchemaVersion: cat.SchemaVersion, CreatedAt: db.Now().UTC().Truncate(time.Millisecond)}
	for _, t := range cat.Tables {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+sqlstore.QuoteIdent(t.Name)).Scan(&n); err != nil {
			return nil, err
		}
		h.Tables = append(h.Tables, TableRows{Name: t.Name, Rows: n})
	}
	if err := s.begin(h); err != nil {
		return nil, err
	}
	for i, t := range cat.Tables {
		if err := exportTable(ctx, tx, t, h.Tables[i].Rows, s); err != nil {
			return nil, err
		}
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	return h, nil
}

// exportTable streams one table's rows, in primary-key order, and checks
// that they are as many as counted in the same snapshot.
func exportTable(ctx context.Context, tx *sql.Tx, t *sqlstore.Table, count int64, s sink) error {
	th := &tableHeader{Table: t.Name, Rows: count}
	exprs := make([]string, len(t.Columns))
	for j, c := range t.Columns {
		th.Columns = append(th.Columns, c.Name)
		th.Types = append(th.Types, c.Type)
		exprs[j] = c.Read
	}
	if err := s.table(th); err != nil {
		return err
	}
	q := `SELECT ` + strings.Join(exprs, ", ") + ` FROM ` + sqlstore.QuoteIdent(t.Name)
	if len(t.PK) > 0 {
		pk := make([]string, len(t.PK))
		for i, name := range t.PK {
			pk[i] = sqlstore.QuoteIdent(name)
		}
		q += ` ORDER BY ` + strings.Join(pk, ", ")
	}
	n, err := streamRows(ctx, tx, q, len(t.Columns), s)
	if err != nil {
		return err
	}
	if n != th.Rows {
		return fmt.Errorf("table %s gave %d rows after counting %d: the read was not one snapshot", t.Name, n, th.Rows)
	}
	return nil
}

func streamRows(ctx context.Context, tx *sql.Tx, q string, ncols int, s sink) (int64, error) {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	vals := make([]any, ncols)
	ptrs := make([]any, ncols)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		if err := s.row(vals); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// dumpWriter encodes the dump's lines.
type dumpWriter struct {
	w    *bufio.Writer
	buf  []byte
	rows int64
}

func (d *dumpWriter) line(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	d.w.Write(b)
	return d.w.WriteByte('\n')
}

func (d *dumpWriter) begin(h *dumpHeader) error  { return d.line(h) }
func (d *dumpWriter) table(t *tableHeader) error { return d.line(t) }

func (d *dumpWriter) row(values []any) error {
	b := append(d.buf[:0], '[')
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendValue(b, v); err != nil {
			return err
		}
	}
	b = append(b, ']', '\n')
	d.buf = b
	d.rows++
	_, err := d.w.Write(b)
	return err
}

// end writes the trailer, which repeats the row count as a last check
// that nothing was lost at the end.
func (d *dumpWriter) end() error {
	if err := d.line(&tableHeader{End: true, Rows: d.rows}); err != nil {
		return err
	}
	return d.w.Flush()
}

func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		return appendFloat(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case string:
		if !utf8.ValidString(x) {
			b = append(b, `{"base64_text":"`...)
			b = base64.StdEncoding.AppendEncode(b, []byte(x))
			return append(b, `"}`...), nil
		}
		return appendString(b, x), nil
	case []byte:
		b = append(b, `{"base64":"`...)
		b = base64.StdEncoding.AppendEncode(b, x)
		return append(b, `"}`...), nil
	case time.Time:
		return appendString(b, x.UTC().Format(time.RFC3339Nano)), nil
	}
	return b, fmt.Errorf("cannot dump a value of type %T", v)
}

// appendFloat writes a float so that it reads back as a float, and the
// values JSON has no number for as one-key objects.
func appendFloat(b []byte, x float64) []byte {
	switch {
	case math.IsNaN(x):
		return append(b, `{"float":"NaN"}`...)
	case math.IsInf(x, 1):
		return append(b, `{"float":"Infinity"}`...)
	case math.IsInf(x, -1):
		return append(b, `{"float":"-Infinity"}`...)
	}
	n := len(b)
	b = strconv.AppendFloat(b, x, 'g', -1, 64)
	if !bytes.ContainsAny(b[n:], ".e") {
		b = append(b, ".0"...)
	}
	return b
}

// appendString appends s (valid UTF-8) as a JSON string.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
