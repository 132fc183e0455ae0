package sqlstore

// The seam for tools that work on the whole database rather than on
// FocusFlow's records — backup and restore: the table catalog, snapshot
// reads, bulk loads, and the SQLite file underneath. Whatever differs
// between the engines is answered here from the dialect, so such a tool
// never needs to know which engine it runs on.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"
)

// MigrationsTable is FocusFlow's own bookkeeping of applied migrations.
const MigrationsTable = "schema_migrations"

// Querier is what catalog queries run on: a pool or a transaction.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ValueKind is how a column's values travel between the engines.
type ValueKind int

// The kinds of column values.
const (
	KindAny   ValueKind = iota // SQLite without a clear affinity: values pass as they are
	KindInt                    // integers
	KindFloat                  // floating point
	KindBool                   // booleans (integers 0 and 1 on SQLite)
	KindText                   // text
	KindBytes                  // binary
	KindOther                  // PostgreSQL types that travel as text
)

// Column is one column of a table, as the catalog describes it.
type Column struct {
	Name string
	Type string // as the catalog spells it
	Kind ValueKind
	// IdentityAlways marks a PostgreSQL GENERATED ALWAYS AS IDENTITY
	// column: inserting into it needs OVERRIDING SYSTEM VALUE.
	IdentityAlways bool
	// Read is the SELECT expression that reads the column so that its
	// value survives a trip through a dump.
	Read string
}

// Table is one of the database's tables.
type Table struct {
	Name    string
	Columns []Column
	PK      []string // primary key columns, in key order
	Refs    []string // tables this one references
}

// Catalog is what the database itself says it holds.
type Catalog struct {
	// Tables are in load order: a table comes after the tables it
	// references.
	Tables []*Table
	// SchemaVersion is the newest migration applied; 0 when the database
	// has no MigrationsTable.
	SchemaVersion int
}

// Has reports whether the catalog lists a table of that name.
func (c *Catalog) Has(name string) bool {
	for _, t := range c.Tables {
		if t.Name == name {
			return true
		}
	}
	return false
}

// ReadCatalog lists the database's own tables, read through q (a pool, or
// a transaction so that the catalog belongs to the same snapshot as the
// rows read next).
func (db *DB) ReadCatalog(ctx context.Context, q Querier) (*Catalog, error) {
	tables, err := db.dialect.catalog(ctx, q)
	if err != nil {
		return nil, wrapDBError(err)
	}
	c := &Catalog{Tables: dependencyOrder(tables)}
	for _, t := range c.Tables {
		for i := range t.Columns {
			t.Columns[i].Read = db.dialect.readExpr(t.Columns[i])
		}
	}
	if c.Has(MigrationsTable) {
		if c.SchemaVersion, err = schemaVersion(ctx, q); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// dependencyOrder sorts tables so that each comes after the tables it
// references, by name where the foreign keys leave a choice. A table's
// reference to itself is ignored (its rows come in primary-key order, which
// suits the usual parent-before-child ids); tables in a cycle of
// references keep name order at the end.
func dependencyOrder(tables []*Table) []*Table {
	byName := make(map[string]*Table, len(tables))
	for _, t := range tables {
		byName[t.Name] = t
	}
	placed := make(map[string]bool, len(tables))
	ready := func(t *Table) bool {
		for _, r := range t.Refs {
			if r != t.Name && byName[r] != nil && !placed[r] {
				return false
			}
		}
		return true
	}
	var out []*Table
	for len(out) < len(tables) {
		progress := false
		for _, t := range tables {
			if !placed[t.Name] && ready(t) {
				placed[t.Name] = true
				out = append(out, t)
				progress = true
				break // restart, so the order is by name among ready tables
			}
		}
		if !progress {
			for _, t := range tables {
				if !placed[t.Name] {
					placed[t.Name] = true
					out = append(out, t)
				}
			}
		}
	}
	return out
}

func queryStrings(ctx context.Context, q Querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// QuoteIdent quotes a name from the catalog for SQL; both engines use
// standard double quotes.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Pools returns the store's connection pools: the same pool twice on
// PostgreSQL; on SQLite a read-only pool and the single write connection.
// For work the other methods do not cover, such as checking a SQLite file.
func (db *DB) Pools() (read, write *sql.DB) { return db.read.DB, db.write.DB }

// Now is the store's clock (Options.Now): importers and backups date what
// they write, and cap what lies in the future, by the same clock as the store.
func (db *DB) Now() time.Time { return db.now() }

// BeginSnapshot starts a read-only transaction that sees one consistent
// state of the whole database while writers carry on.
func (db *DB) BeginSnapshot(ctx context.Context) (*sql.Tx, error) {
	opts := db.dialect.snapshot
	tx, err := db.read.BeginTx(ctx, &opts)
	return tx, wrapDBError(err)
}

// BeginLoad starts the write transaction of a bulk load, in which rows may
// arrive in any order that the load order of the catalog allows.
func (db *DB) BeginLoad(ctx context.Context) (*sql.Tx, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrapDBError(err)
	}
	if db.dialect.beginLoad != "" {
		if _, err := tx.ExecContext(ctx, db.dialect.beginLoad); err != nil {
			tx.Rollback()
			return nil, wrapDBError(err)
		}
	}
	return tx, nil
}

// BulkInsert is a multi-row INSERT into some columns of a table, sized to
// what the engine allows in one statement.
type BulkInsert struct {
	// Rows is the number of rows in a full batch.
	Rows   int
	prefix string // INSERT INTO t (…) VALUES
	full   string // the statement for a full batch
	cols   []Column
	param  func(b *strings.Builder, n int, typ string)
}

// NewBulkInsert prepares inserts of rows of the given columns into table.
func (db *DB) NewBulkInsert(table string, cols []Column) *BulkInsert {
	names := make([]string, len(cols))
	overriding := ""
	for i, c := range cols {
		names[i] = QuoteIdent(c.Name)
		if c.IdentityAlways {
			overriding = " OVERRIDING SYSTEM VALUE"
		}
	}
	b := &BulkInsert{
		Rows:   max(1, min(1000, db.dialect.maxParams/max(1, len(cols)))),
		prefix: `INSERT INTO ` + QuoteIdent(table) + ` (` + strings.Join(names, ", ") + `)` + overriding + ` VALUES `,
		cols:   cols,
		param:  db.dialect.param,
	}
	b.full = b.SQL(b.Rows)
	return b
}

// SQL is the statement that inserts n rows, their values bound in row
// order.
func (b *BulkInsert) SQL(n int) string {
	if n == b.Rows && b.full != "" {
		return b.full
	}
	var s strings.Builder
	s.WriteString(b.prefix)
	p := 1
	for r := range n {
		if r > 0 {
			s.WriteString(", ")
		}
		s.WriteByte('(')
		for i, c := range b.cols {
			if i > 0 {
				s.WriteString(", ")
			}
			b.param(&s, p, c.Type)
			p++
		}
		s.WriteByte(')')
	}
	return s.String()
}

// ResetSequences moves the table's identity and serial sequences past the
// loaded ids, so that the next insert does not collide with a loaded row.
func (db *DB) ResetSequences(ctx context.Context, tx *sql.Tx, table string) error {
	if db.dialect.sequences == "" {
		return nil
	}
	rows, err := tx.QueryContext(ctx, db.dialect.sequences, table)
	if err != nil {
		return wrapDBError(err)
	}
	type seq struct{ col, name string }
	var seqs []seq
	for rows.Next() {
		var col string
		var name sql.NullString
		if err := rows.Scan(&col, &name); err != nil {
			rows.Close()
			return err
		}
		if name.Valid {
			seqs = append(seqs, seq{col, name.String})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return wrapDBError(err)
	}
	for _, s := range seqs {
		if _, err := tx.ExecContext(ctx, `SELECT setval($1::regclass, m) FROM (SELECT max(`+QuoteIdent(s.col)+
			`) AS m FROM `+QuoteIdent(table)+`) s WHERE m IS NOT NULL`, s.name); err != nil {
			return fmt.Errorf("reset sequence %s: %w", s.name, wrapDBError(err))
		}
	}
	return nil
}

// File names the SQLite file the database lives in. ok is false when the
// database is not a file (PostgreSQL); path is "" for an in-memory SQLite
// database.
func (db *DB) File(ctx context.Context) (path string, ok bool, err error) {
	if db.dialect.fileQuery == "" {
		return "", false, nil
	}
	if err := db.read.QueryRowContext(ctx, db.dialect.fileQuery).Scan(&path); err != nil {
		return "", true, wrapDBError(err)
	}
	return path, true, nil
}

// OpenSQLiteFile opens a SQLite file read-only and as it is: no directory
// is created, no journal mode set, nothing migrated. It is for reading a
// backup file, or the live file for a copy. One connection.
func OpenSQLiteFile(path string) (*DB, error) {
	conn, err := sql.Open("sqlite", sqliteURI(path)+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	return &DB{read: connPool{DB: conn}, write: connPool{DB: conn}, dialect: sqliteDialect, now: time.Now}, nil
}

// RestoreSQLiteFile replaces the SQLite database's contents with those of
// the SQLite file at path through SQLite's backup API: page by page into
// one write transaction on the store's write connection, committed only
// when the whole copy is in place. The destination keeps its journal mode.
// progress, when set, hears of the pages copied so far.
func (db *DB) RestoreSQLiteFile(ctx context.Context, path string, progress func(done, total int64)) error {
	if db.dialect.fileQuery == "" {
		return errors.New("a SQLite file can only be copied into a SQLite database")
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return wrapDBError(err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return errors.New("the SQLite driver offers no backup API")
		}
		b, err := r.NewRestore(sqliteURI(path) + "?mode=ro")
		if err != nil {
			return err
		}
		for {
			more, err := b.Step(1024)
			if err == nil && more {
				err = ctx.Err()
			}
			if err != nil {
				b.Finish() // rolls the destination back
				return err
			}
			if progress != nil {
				total, left := int64(b.PageCount()), int64(b.Remaining())
				progress(total-left, total)
			}
			if !more {
				return b.Finish()
			}
		}
	})
}

// sqliteURI makes a file: URI for path, escaping what SQLite's URI parser
// would take for the query, a fragment or an escape.
func sqliteURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}
