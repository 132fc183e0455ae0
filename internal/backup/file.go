package backup

// Backup files on disk: telling their kind, and putting a finished one in
// place so that a name never holds half a backup.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// backupKind tells a SQLite file from a dump by its first bytes.
func backupKind(path string) (Format, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	if !fi.Mode().IsRegular() {
		return "", 0, invalid("%s is not a regular file", path)
	}
	head := make([]byte, len(sqliteMagic))
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case string(head) == sqliteMagic:
		return FormatSQLite, fi.Size(), nil
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return FormatDump, fi.Size(), nil
	case n == 0:
		return "", 0, invalid("the file is empty")
	}
	return "", 0, invalid("the file is neither a SQLite database nor a FocusFlow dump")
}

// placeFile renames tmp to path, refusing to replace an existing path
// unless overwrite, and syncs the directory so the rename survives a crash.
func placeFile(tmp, path string, overwrite bool) error {
	if overwrite {
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
	} else {
		// A hard link fails when path exists: no window in which another
		// file could be replaced.
		err := os.Link(tmp, path)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", path, fs.ErrExist)
		}
		if err != nil {
			// Some file systems have no hard links.
			if _, serr := os.Lstat(path); serr == nil {
				return fmt.Errorf("%s: %w", path, fs.ErrExist)
			}
			if err := os.Rename(tmp, path); err != nil {
				return err
			}
		} else {
			os.Remove(tmp)
		}
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
