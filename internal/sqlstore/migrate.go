package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func (db *DB) migrations() ([]migration, error) {
	dir := path.Join("migrations", db.dialect.name)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %q is not named NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// goSteps are data steps run right after a migration's SQL, in the same
// transaction, where SQL per engine would repeat Go code that exists
// anyway.
var goSteps = map[int]func(ctx context.Context, tx *sql.Tx, d dialect) error{
	4: func(ctx context.Context, tx *sql.Tx, d dialect) error {
		_, err := tx.ExecContext(ctx, recomputeRunsSQL(d, completedRuns, false))
		return err
	},
	7: func(ctx context.Context, tx *sql.Tx, d dialect) error {
		_, err := tx.ExecContext(ctx, recomputeRunsSQL(d, focusRuns, false))
		return err
	},
	13: func(ctx context.Context, tx *sql.Tx, _ dialect) error { return indexSearchWords(ctx, tx) },
}

// SchemaTooNewError means the database was migrated by a newer FocusFlow.
type SchemaTooNewError struct{ Database, Binary int }

func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("the database schema is at version %d but this FocusFlow binary only knows up to %d: "+
		"run the newer release (or roll the database back) instead of running an older binary against it", e.Database, e.Binary)
}

// SchemaOutdatedError means the database's schema is older than this
// binary's (or absent) and the command at hand does not migrate.
type SchemaOutdatedError struct{ Database, Binary int }

func (e *SchemaOutdatedError) Error() string {
	if e.Database == 0 {
		return fmt.Sprintf("the database has no FocusFlow schema yet (this binary needs version %d): run 'focusflow migrate' first", e.Binary)
	}
	return fmt.Sprintf("the database schema is at version %d but this FocusFlow binary needs version %d: run 'focusflow migrate' first",
		e.Database, e.Binary)
}

// Migrate applies pending migrations, all in one transaction: either the
// schema moves to the latest version or it stays where it was. Concurrent
// migrators (several instances starting at once) wait on a lock taken
// inside that transaction, then find nothing left to do.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	return db.migrate(ctx, false)
}

// CreateSchema gives an empty database (schema version 0) the whole schema,
// as Migrate does, and accepts one already at this binary's version. It
// refuses to upgrade any other: that is Migrate's job, run on purpose.
// The check is made under the migration lock, so it holds against
// concurrent migrators.
func (db *DB) CreateSchema(ctx context.Context) (applied []string, err error) {
	return db.migrate(ctx, true)
}

// CheckSchema returns nil when the database's schema is this binary's, a
// *SchemaOutdatedError when it is older or absent, and a
// *SchemaTooNewError when it is newer. It changes nothing.
func (db *DB) CheckSchema(ctx context.Context) error {
	have, want, err := db.SchemaVersion(ctx)
	switch {
	case err != nil:
		return err
	case have > want:
		return &SchemaTooNewError{Database: have, Binary: want}
	case have < want:
		return &SchemaOutdatedError{Database: have, Binary: want}
	}
	return nil
}

func (db *DB) migrate(ctx context.Context, onlyEmpty bool) (applied []string, err error) {
	return db.migrateTo(ctx, onlyEmpty, math.MaxInt)
}

// migrateTo is migrate stopping after version upTo (tests of a data step
// start from the schema before it).
func (db *DB) migrateTo(ctx context.Context, onlyEmpty bool, upTo int) (applied []string, err error) {
	all, err := db.migrations()
	if err != nil {
		return nil, err
	}
	latest := all[len(all)-1].version
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if db.dialect.lockMigrations != "" {
			if _, err := tx.ExecContext(ctx, db.dialect.lockMigrations); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
			return err
		}
		current, err := schemaVersion(ctx, tx)
		if err != nil {
			return err
		}
		if current > latest {
			return &SchemaTooNewError{Database: current, Binary: latest}
		}
		if onlyEmpty && current != 0 && current != latest {
			return &SchemaOutdatedError{Database: current, Binary: latest}
		}
		for _, m := range all {
			if m.version <= current || m.version > upTo {
				continue
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
			}
			if step := goSteps[m.version]; step != nil {
				if err := step(ctx, tx, db.dialect); err != nil {
					return fmt.Errorf("migration %04d_%s (data step): %w", m.version, m.name, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.version, m.name, db.ms()); err != nil {
				return err
			}
			applied = append(applied, fmt.Sprintf("%04d_%s", m.version, m.name))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return applied, nil
}

// SchemaVersion returns the database's schema version and the latest this
// binary knows.
func (db *DB) SchemaVersion(ctx context.Context) (database, binary int, err error) {
	all, err := db.migrations()
	if err != nil {
		return 0, 0, err
	}
	var exists bool
	if err := db.read.QueryRowContext(ctx, db.dialect.tableExists, "schema_migrations").Scan(&exists); err != nil {
		return 0, 0, wrapDBError(err)
	}
	if !exists {
		return 0, all[len(all)-1].version, nil
	}
	v, err := schemaVersion(ctx, db.read)
	return v, all[len(all)-1].version, err
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func schemaVersion(ctx context.Context, q queryer) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, wrapDBError(err)
	}
	return int(v.Int64), nil
}
