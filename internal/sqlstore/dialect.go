package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/focusflow/focusflow"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds what really differs between the engines; nothing outside
// this file asks which engine it runs on. Everything else — $n
// placeholders, RETURNING, ON CONFLICT … DO UPDATE, partial indexes — is
// written once and runs on both.
type dialect struct {
	name string
	// lockMigrations serialises concurrent migrators inside the migration
	// transaction. On PostgreSQL it is a transaction-level advisory lock,
	// which (unlike a session-level one) also holds through a
	// transaction-mode pooler. SQLite's BEGIN IMMEDIATE already locks.
	lockMigrations string
	// forUpdate locks rows read in a transaction; SQLite's single writer
	// (BEGIN IMMEDIATE) already serialises writers.
	forUpdate string
	// dayNumber is an SQL expression numbering the days of the date
	// column (YYYY-MM-DD text), consecutive dates by consecutive numbers.
	dayNumber string
	// tableExists is a query answering whether the table named by $1
	// exists.
	tableExists string
	// snapshot opens a read transaction that sees one consistent state
	// across statements (SQLite's read transactions always do).
	snapshot sql.TxOptions
	// pipelined: several statements go to the server in one round trip
	// (a pgx pipeline on one connection; pooler-safe, since every
	// statement is unnamed). SQLite runs in process: one by one it is.
	pipelined bool
	// notify sends $2 to the listeners of channel $1; "" where the engine
	// has no such thing (SQLite runs one instance).
	notify string
	// dayPlanner is an expression telling a day view whether the user %[1]s
	// has any tag (1) and any series covering the date %[2]s (2). On
	// PostgreSQL a PL/pgSQL function keeps its plans per server
	// connection, where two subqueries in the day view's first statement
	// would be planned on every view (no statement outlives a
	// transaction through a pooler).
	dayPlanner string

	// What whole-database tools (backup, restore) need; catalog.go
	// exports it without the engine's name.

	// catalog lists the database's own tables, in any order.
	catalog func(ctx context.Context, q Querier) ([]*Table, error)
	// readExpr is the SELECT expression that reads a column so that its
	// value survives a trip through a dump.
	readExpr func(c Column) string
	// beginLoad starts a bulk load's transaction. SQLite checks foreign
	// keys at commit, so that row order does not matter; PostgreSQL's
	// constraints are not deferrable, and the load order (referenced
	// tables first) satisfies them.
	beginLoad string
	// maxParams is how many bind parameters one statement may have.
	maxParams int
	// param writes the bind parameter number n for a column of type typ.
	param func(b *strings.Builder, n int, typ string)
	// sequences lists a table's columns that draw from a sequence, with
	// the sequence; "" where there are none to move after a load (SQLite
	// takes the next rowid from the rows themselves).
	sequences string
	// fileQuery names the file the database lives in; "" on PostgreSQL,
	// which is not a file.
	fileQuery string

	// searchMatch is the condition that the row aliased %[1]s of the
	// table %[2]s matches the search query in $2 (written by searchQuery
	// for the user in $1).
	searchMatch string
	// searchQuery writes the engine's query for rows of userID having, for
	// each term, a word that starts with it.
	searchQuery func(userID int64, terms []string) string
	// chunkedImports: an import of a user's document is written in short
	// transactions that give the single writer back between them (SQLite),
	// rather than in one transaction that takes row locks only
	// (PostgreSQL, where other users' writes do not wait for it).
	chunkedImports bool
	// importLock claims the right to import into user $1 for the rest of
	// the transaction (true) or finds another import holding it (false);
	// "" where the import journal's unique row per user is the lock.
	importLock string
}

var (
	sqliteDialect = dialect{
		name:        "sqlite",
		dayNumber:   `CAST(julianday(date) AS INTEGER)`,
		tableExists: `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1)`,
		snapshot:    sql.TxOptions{ReadOnly: true},
		catalog:     sqliteCatalog,
		readExpr:    sqliteReadExpr,
		beginLoad:   `PRAGMA defer_foreign_keys = ON`,
		maxParams:   32766, // SQLITE_MAX_VARIABLE_NUMBER
		param:       sqliteParam,
		fileQuery:   `SELECT file FROM pragma_database_list WHERE name = 'main'`,
		// The unary + keeps SQLite from driving the query by the matches
		// (all users' rows, each looked up, then sorted): it walks the
		// user's rows newest first and checks each against them.
		searchMatch: `+%[1]s.id IN (SELECT rowid FROM %[2]s_search WHERE %[2]s_search MATCH $2)`,
		dayPlanner: `(CASE WHEN EXISTS (SELECT 1 FROM tags g WHERE g.user_id = %[1]s) THEN 1 ELSE 0 END
			+ CASE WHEN EXISTS (SELECT 1 FROM task_series ss WHERE ss.user_id = %[1]s
			  AND ss.start_date <= %[2]s AND ss.end_date >= %[2]s) THEN 2 ELSE 0 END)`,
		searchQuery: sqliteSearchQuery,

		chunkedImports: true,
	}
	postgresDialect = dialect{
		name:           "postgres",
		lockMigrations: "SELECT pg_advisory_xact_lock(7204316154)",
		forUpdate:      " FOR UPDATE",
		dayNumber:      `date::date`,
		tableExists:    `SELECT to_regclass($1) IS NOT NULL`,
		snapshot:       sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
		pipelined:      true,
		notify:         `SELECT pg_notify($1, $2)`,
		catalog:        postgresCatalog,
		readExpr:       postgresReadExpr,
		maxParams:      65535, // the protocol's limit
		param:          postgresParam,
		importLock:     `SELECT pg_try_advisory_xact_lock(hashtextextended('focusflow-import:' || $1, 0))`,
		sequences: `SELECT a.attname, pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname)
			FROM pg_attribute a
			JOIN pg_class c ON c.oid = a.attrelid
			JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped`,
		searchMatch: `%[1]s.search_vector @@ $2::tsquery`,
		dayPlanner:  `focusflow_day_planner_v1(%[1]s, %[2]s)`,
		searchQuery: postgresSearchQuery,
	}
)

// runBatch runs queries in order on pool, each seeing the effects of the
// ones before it: in one round trip where the engine pipelines.
func (d dialect) runBatch(ctx context.Context, pool connPool, queries []batchQuery) error {
	if !d.pipelined {
		for _, q := range queries {
			if err := runSQL(ctx, pool, q); err != nil {
				return err
			}
		}
		return nil
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return wrapDBError(err)
	}
	defer conn.Close()
	return wrapDBError(conn.Raw(func(driverConn any) error {
		return pipeline(ctx, pgxConn(driverConn), queries)
	}))
}

// pipeline is the one PostgreSQL batch runner: it sends queries as one
// pgx batch and calls each query's row function per row; a query without
// one is a statement whose result is only checked.
func pipeline(ctx context.Context, conn *pgx.Conn, queries []batchQuery) error {
	batch := &pgx.Batch{}
	for _, q := range queries {
		qq := batch.Queue(q.sql, q.args...)
		if q.row == nil {
			continue
		}
		qq.Query(func(rows pgx.Rows) error {
			for rows.Next() {
				if err := q.row(rows); err != nil {
					return err
				}
			}
			return rows.Err()
		})
	}
	return conn.SendBatch(ctx, batch).Close()
}

func pgxConn(driverConn any) *pgx.Conn { return driverConn.(*stdlib.Conn).Conn() }

// sqliteReadExpr hides the declared type with a unary plus: the driver
// would otherwise turn text in DATE/DATETIME/TIMESTAMP columns into
// time.Time.
func sqliteReadExpr(c Column) string { return "+" + QuoteIdent(c.Name) }

// postgresReadExpr reads types without a plain JSON form as their text.
func postgresReadExpr(c Column) string {
	if c.Kind == KindOther {
		return QuoteIdent(c.Name) + "::text"
	}
	return QuoteIdent(c.Name)
}

// sqliteParam is a plain "?": SQLite resolves "$n" names one by one
// against all earlier ones, which makes a batch of thousands of parameters
// quadratic.
func sqliteParam(b *strings.Builder, _ int, _ string) { b.WriteByte('?') }

// postgresParam casts each parameter to its column's type ("$2::text"), so
// that values that travel as text (timestamps, numerics, …) are parsed by
// the server.
func postgresParam(b *strings.Builder, n int, typ string) {
	b.WriteByte('$')
	b.WriteString(strconv.Itoa(n))
	b.WriteString("::")
	b.WriteString(typ)
}

// sqliteSearchQuery is an FTS5 query of quoted prefix terms, implicitly
// joined by AND: nothing in a term is an operator. The owner is the
// caller's condition on user_id.
func sqliteSearchQuery(_ int64, terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"*`
	}
	return strings.Join(parts, " ")
}

// postgresSearchQuery is a tsquery of quoted prefix terms joined by &,
// each carrying the owner's id as the indexed words do.
func postgresSearchQuery(userID int64, terms []string) string {
	owner := strconv.FormatInt(userID, 10) + ":"
	parts := make([]string, len(terms))
	for i, t := range terms {
		t = strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(owner + t)
		parts[i] = "'" + t + "':*"
	}
	return strings.Join(parts, " & ")
}

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// wrapDBError turns "the database is not there" into EUNAVAILABLE so that
// the web layer answers 503 with a short generic message; other errors pass
// through untouched and end up as a logged "Internal error".
func wrapDBError(err error) error {
	if err == nil || errors.Is(err, sql.ErrNoRows) || errors.Is(err, context.Canceled) {
		return err
	}
	var fe *focusflow.Error
	if errors.As(err, &fe) {
		return err
	}
	if isUnavailable(err) {
		return &unavailableError{cause: err}
	}
	return err
}

func isUnavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Connection exceptions, resource exhaustion, operator shutdown.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "53") ||
			strings.HasPrefix(pgErr.Code, "57P")
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		code := liteErr.Code() & 0xff
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED || code == sqlite3.SQLITE_IOERR ||
			code == sqlite3.SQLITE_FULL || code == sqlite3.SQLITE_CANTOPEN
	}
	// Anything else that is not a server-side SQL error is a transport
	// problem: refused or reset connections, timeouts, a dead pool.
	return true
}

// unavailableError keeps the cause for the log while presenting as
// EUNAVAILABLE to the user.
type unavailableError struct{ cause error }

func (e *unavailableError) Error() string { return "database unavailable: " + SafeError(e.cause) }
func (e *unavailableError) Unwrap() error { return e.cause }

// As lets errors.As(err, **focusflow.Error) see a 503-class error.
func (e *unavailableError) As(target any) bool {
	if t, ok := target.(**focusflow.Error); ok {
		*t = &focusflow.Error{Code: focusflow.EUNAVAILABLE, Message: "The service is temporarily unavailable. Please try again shortly."}
		return true
	}
	return false
}

func isBusy(err error) bool {
	var liteErr *sqlite.Error
	return errors.As(err, &liteErr) && liteErr.Code()&0xff == sqlite3.SQLITE_BUSY
}

// IsUnavailable reports whether err means the database could not be reached.
func IsUnavailable(err error) bool {
	var ue *unavailableError
	return errors.As(err, &ue)
}

// sqliteCatalog lists ordinary tables. Left out are SQLite's internal
// tables (sqlite_*), the shadow tables behind virtual tables, and virtual
// tables themselves (an FTS index has no PostgreSQL counterpart); a SQLite
// file backup keeps all of them.
func sqliteCatalog(ctx context.Context, q Querier) ([]*Table, error) {
	names, err := queryStrings(ctx, q, `SELECT name FROM pragma_table_list
		WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var tables []*Table
	for _, name := range names {
		t := &Table{Name: name}
		if t.Columns, t.PK, err = sqliteColumns(ctx, q, name); err != nil {
			return nil, err
		}
		if t.Refs, err = queryStrings(ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list($1)`, name); err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, nil
}

// sqliteColumns lists a table's columns and its primary key in key order.
func sqliteColumns(ctx context.Context, q Querier, table string) (cols []Column, pk []string, err error) {
	rows, err := q.QueryContext(ctx, `SELECT name, type, pk FROM pragma_table_xinfo($1) WHERE hidden = 0 ORDER BY cid`, table)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	type pkCol struct {
		name string
		pos  int
	}
	var pks []pkCol
	for rows.Next() {
		var c Column
		var pos int
		if err := rows.Scan(&c.Name, &c.Type, &pos); err != nil {
			return nil, nil, err
		}
		c.Kind = sqliteKind(c.Type)
		cols = append(cols, c)
		if pos > 0 {
			pks = append(pks, pkCol{c.Name, pos})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	slices.SortFunc(pks, func(a, b pkCol) int { return a.pos - b.pos })
	for _, p := range pks {
		pk = append(pk, p.name)
	}
	return cols, pk, nil
}

// sqliteKind follows SQLite's type affinity rules, plus BOOL for the
// booleans SQLite stores as integers.
func sqliteKind(typ string) ValueKind {
	t := strings.ToUpper(typ)
	switch {
	case strings.Contains(t, "BOOL"):
		return KindBool
	case strings.Contains(t, "INT"):
		return KindInt
	case strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"), strings.Contains(t, "TEXT"):
		return KindText
	case strings.Contains(t, "BLOB"):
		return KindBytes
	case strings.Contains(t, "REAL"), strings.Contains(t, "FLOA"), strings.Contains(t, "DOUB"):
		return KindFloat
	}
	return KindAny
}

// postgresCatalog lists the ordinary and partitioned tables of the current
// schema (a partition is read and loaded through its parent).
func postgresCatalog(ctx context.Context, q Querier) ([]*Table, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.oid::bigint, c.relname FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
		ORDER BY c.relname`)
	if err != nil {
		return nil, err
	}
	var tables []*Table
	var oids []int64
	for rows.Next() {
		var oid int64
		t := &Table{}
		if err := rows.Scan(&oid, &t.Name); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, t)
		oids = append(oids, oid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, t := range tables {
		if t.Columns, err = postgresColumns(ctx, q, oids[i]); err != nil {
			return nil, err
		}
		if t.PK, err = queryStrings(ctx, q, `SELECT a.attname FROM pg_index i
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
			WHERE i.indrelid = $1::bigint::oid AND i.indisprimary
			ORDER BY array_position(i.indkey::int2[], a.attnum)`, oids[i]); err != nil {
			return nil, err
		}
		if t.Refs, err = queryStrings(ctx, q, `SELECT DISTINCT p.relname FROM pg_constraint k
			JOIN pg_class p ON p.oid = k.confrelid
			WHERE k.contype = 'f' AND k.conrelid = $1::bigint::oid`, oids[i]); err != nil {
			return nil, err
		}
	}
	return tables, nil
}

// postgresColumns lists the stored columns of the table with the given
// oid. Generated columns are computed again on load, so they are left out,
// as are search vectors (tsvector), which the database's own triggers
// derive from the rows' search words.
func postgresColumns(ctx context.Context, q Querier, oid int64) ([]Column, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typname, a.attidentity = 'a'
		FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
		WHERE a.attrelid = $1::bigint::oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
		  AND t.typname <> 'tsvector'
		ORDER BY a.attnum`, oid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []Column
	for rows.Next() {
		var c Column
		var typname string
		if err := rows.Scan(&c.Name, &c.Type, &typname, &c.IdentityAlways); err != nil {
			return nil, err
		}
		c.Kind = postgresKind(typname)
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

func postgresKind(typname string) ValueKind {
	switch typname {
	case "int2", "int4", "int8":
		return KindInt
	case "float4", "float8":
		return KindFloat
	case "bool":
		return KindBool
	case "text", "varchar", "bpchar", "name":
		return KindText
	case "bytea":
		return KindBytes
	}
	return KindOther
}
