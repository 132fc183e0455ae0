package backup

// Reading FocusFlow's dump back: every line checked against the header as
// it streams into a sink (nothing, to verify; a loader, to restore).

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// verifyDumpFile reads a dump to the end without loading it: header,
// every row, row counts, and the gzip checksum.
func verifyDumpFile(ctx context.Context, path string, progress func(Progress)) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	cr := &countingReader{r: bufio.NewReaderSize(f, 256<<10)}
	var s sink = discardSink{}
	if progress != nil {
		s = &progressSink{next: s, phase: "verify", fn: progress, bytes: func() int64 { return cr.n }, totalBytes: fi.Size()}
	}
	h, err := readDump(ctx, cr, s)
	if err != nil {
		return nil, err
	}
	sum := h.summary(FormatDump)
	sum.Bytes = fi.Size()
	return sum, nil
}

// readDump decodes a dump from r into s, checking its structure as it goes:
// the header, each table against the header's list, row lengths, row
// counts, the trailer, and (by reading to the end) the gzip checksum.
func readDump(ctx context.Context, r io.Reader, s sink) (*dumpHeader, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, invalid("the dump is not readable gzip: %v", err)
	}
	gz.Multistream(false)
	dec := json.NewDecoder(gz)
	dec.UseNumber()
	h, err := readDumpHeader(dec)
	if err != nil {
		return nil, err
	}
	if err := s.begin(h); err != nil {
		return nil, err
	}
	var total int64
	for _, want := range h.Tables {
		if err := readTable(ctx, dec, want, s); err != nil {
			return nil, err
		}
		total += want.Rows
	}
	var tr tableHeader
	if err := dec.Decode(&tr); err != nil || !tr.End || tr.Rows != total {
		return nil, invalid("the dump is truncated or damaged: its end marker is missing or wrong")
	}
	// Read to the end: only then does gzip check its CRC and length.
	rest, err := io.ReadAll(io.MultiReader(dec.Buffered(), gz))
	if err != nil {
		return nil, invalid("the dump is damaged: %v", err)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, invalid("the dump has unexpected data after its end marker")
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	return h, nil
}

func readDumpHeader(dec *json.Decoder) (*dumpHeader, error) {
	var h dumpHeader
	if err := dec.Decode(&h); err != nil {
		return nil, invalid("the dump has no readable header: %v", err)
	}
	switch {
	case h.Format != dumpFormatName:
		return nil, invalid("the file is a gzip file but not a FocusFlow dump")
	case h.Version > dumpFormatVersion:
		return nil, invalid("the dump has format version %d; this FocusFlow binary reads version %d (use a newer release)",
			h.Version, dumpFormatVersion)
	case h.Version != dumpFormatVersion:
		return nil, invalid("unknown dump format version %d", h.Version)
	}
	return &h, nil
}

// readTable reads the table the header announced next: its header line,
// then exactly as many rows as announced.
func readTable(ctx context.Context, dec *json.Decoder, want TableRows, s sink) error {
	var th tableHeader
	if err := dec.Decode(&th); err != nil {
		return invalid("the dump is damaged or truncated before table %s: %v", want.Name, err)
	}
	if th.Table != want.Name || th.Rows != want.Rows || len(th.Columns) == 0 || len(th.Types) != len(th.Columns) {
		return invalid("the dump's table %q does not match its header (expected %s with %d rows)", th.Table, want.Name, want.Rows)
	}
	if err := s.table(&th); err != nil {
		return err
	}
	var row []any
	for i := int64(0); i < th.Rows; i++ {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		row = row[:0]
		if err := dec.Decode(&row); err != nil {
			return invalid("the dump is damaged or truncated in table %s, row %d of %d: %v", th.Table, i+1, th.Rows, err)
		}
		if len(row) != len(th.Columns) {
			return invalid("table %s, row %d has %d values for %d columns", th.Table, i+1, len(row), len(th.Columns))
		}
		for j, v := range row {
			var err error
			if row[j], err = decodeValue(v); err != nil {
				return invalid("table %s, row %d, column %s: %v", th.Table, i+1, th.Columns[j], err)
			}
		}
		if err := s.row(row); err != nil {
			return err
		}
	}
	return nil
}

func decodeValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool:
		return x, nil
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i, nil
		}
		if strings.ContainsAny(string(x), ".eE") {
			if f, err := strconv.ParseFloat(string(x), 64); err == nil {
				return f, nil
			}
		}
		return nil, fmt.Errorf("number %s is out of range", x)
	case map[string]any:
		return decodeObject(x)
	}
	return nil, fmt.Errorf("unexpected value %v", v)
}

// decodeObject decodes the one-key objects that stand for values JSON has
// no form for.
func decodeObject(x map[string]any) (any, error) {
	for k, raw := range x {
		s, ok := raw.(string)
		if len(x) != 1 || !ok {
			break
		}
		switch k {
		case "base64", "base64_text":
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, err
			}
			if k == "base64_text" {
				return string(b), nil
			}
			return b, nil
		case "float":
			switch s {
			case "NaN":
				return math.NaN(), nil
			case "Infinity":
				return math.Inf(1), nil
			case "-Infinity":
				return math.Inf(-1), nil
			}
		}
	}
	return nil, fmt.Errorf("unexpected value %v", x)
}
