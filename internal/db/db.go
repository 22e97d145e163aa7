// Package db is qcity's storage basement: it opens the embedded SQLite file or a
// PostgreSQL server behind one type, rebinds the hand-written `?` SQL for PostgreSQL,
// runs transactions, and applies the embedded migrations.
//
// SQLite is set up the careful way: busy_timeout first, WAL, foreign keys on,
// synchronous NORMAL, one writer connection (write transactions take the lock at BEGIN)
// and a pool of read-only connections. PostgreSQL uses one pgx pool for both.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect is the SQL engine behind a DB.
type Dialect int

const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// DB is an open database. Reads go to the reader pool, writes and transactions to the
// writer.
type DB struct {
	dialect Dialect
	w, r    *sql.DB
	dsn     string
}

// IsPostgresDSN reports whether dsn names a PostgreSQL server rather than a SQLite file.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") ||
		strings.Contains(dsn, "host=") || strings.Contains(dsn, "dbname=")
}

// Open opens dsn: a file path for SQLite (created if missing) or a postgres:// URL.
// It does not migrate; see Migrate and Pending.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		return nil, errors.New("db: empty database address")
	}
	var db *DB
	var err error
	if IsPostgresDSN(dsn) {
		db, err = openPostgres(dsn)
	} else {
		db, err = openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := db.w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("db: connect %s: %w", db.dialect, err)
	}
	return db, nil
}

func openSQLite(path string) (*DB, error) {
	path = strings.TrimPrefix(path, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	// busy_timeout must come first so the other pragmas wait for a lock too.
	base := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	// The writer gets a 64 MiB page cache so a large import transaction does not spill
	// pages to the WAL file before it commits.
	w, err := sql.Open("sqlite", base+"&_pragma=cache_size(-65536)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	// One writer: SQLite allows one at a time, and a single connection turns lock
	// contention inside this process into a queue instead of "database is locked".
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	// Create the file and switch it to WAL before readers open it read-only.
	if _, err := w.Exec("PRAGMA user_version"); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &DB{dialect: SQLite, w: w, r: r, dsn: path}, nil
}

func openPostgres(dsn string) (*DB, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(20)
	p.SetMaxIdleConns(10)
	p.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{dialect: Postgres, w: p, r: p, dsn: dsn}, nil
}

// WithSearchPath returns a PostgreSQL DSN that selects schema first; tests use it to
// give each test its own schema.
func WithSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " search_path=" + schema
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.w.Close()
	if db.r != db.w {
		if e := db.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Dialect returns the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.r.PingContext(ctx) }

// Stats returns the writer pool's statistics (for /metrics).
func (db *DB) Stats() sql.DBStats { return db.w.Stats() }

// Querier is what store code runs SQL through: a DB or a Tx.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// Exec runs a write statement on the writer.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.w.ExecContext(ctx, db.dialect.Rebind(query), db.dialect.args(args)...)
}

// Query runs a read on the reader pool.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.r.QueryContext(ctx, db.dialect.Rebind(query), db.dialect.args(args)...)
}

// QueryRow runs a single-row read on the reader pool.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, db.dialect.Rebind(query), db.dialect.args(args)...)
}

// Tx is a write transaction.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
}

// Dialect returns the engine.
func (tx *Tx) Dialect() Dialect { return tx.dialect }

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.dialect.Rebind(query), tx.dialect.args(args)...)
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.dialect.Rebind(query), tx.dialect.args(args)...)
}

// QueryRow runs a single-row query in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.dialect.Rebind(query), tx.dialect.args(args)...)
}

// Prepare prepares a statement for repeated use inside the transaction (bulk loads).
func (tx *Tx) Prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	return tx.tx.PrepareContext(ctx, tx.dialect.Rebind(query))
}

// Args converts arguments the way Exec does, for statements made with Prepare.
func (tx *Tx) Args(args []any) []any { return tx.dialect.args(args) }

// InTx runs fn in a write transaction, committing when fn returns nil and rolling back
// otherwise (and on panic). Every multi-row write goes through here, so an import or a
// workflow step lands whole or not at all.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	tx := &Tx{tx: stx, dialect: db.dialect}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
			return
		}
		if cerr := stx.Commit(); cerr != nil {
			err = fmt.Errorf("db: commit: %w", cerr)
		}
	}()
	return fn(tx)
}

// Rebind turns `?` placeholders into `$1, $2, …` for PostgreSQL, leaving string
// literals, quoted identifiers and comments alone.
func (d Dialect) Rebind(q string) string {
	if d != Postgres || strings.IndexByte(q, '?') < 0 {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch c {
		case '\'', '"':
			j := i + 1
			for j < len(q) && q[j] != c {
				j++
			}
			b.WriteString(q[i:min(j+1, len(q))])
			i = j
		case '-':
			if i+1 < len(q) && q[i+1] == '-' {
				j := strings.IndexByte(q[i:], '\n')
				if j < 0 {
					j = len(q) - i
				}
				b.WriteString(q[i : i+j])
				i += j - 1
			} else {
				b.WriteByte(c)
			}
		case '?':
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// sqliteTime is the fixed-width UTC layout timestamps are stored in on SQLite, so that
// text comparison orders them correctly; the driver parses it back into time.Time for
// columns declared TIMESTAMP.
const sqliteTime = "2006-01-02 15:04:05.000000+00:00"

func (d Dialect) args(args []any) []any {
	if d != SQLite {
		return args
	}
	var out []any // copied on the first change: the caller's slice is left alone
	for i, a := range args {
		var conv any
		switch v := a.(type) {
		case time.Time:
			conv = v.UTC().Format(sqliteTime)
		case *time.Time:
			if v != nil {
				conv = v.UTC().Format(sqliteTime)
			}
		default:
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = conv
	}
	if out == nil {
		return args
	}
	return out
}

// IsUniqueViolation reports whether err is a unique or primary-key constraint failure.
func IsUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// IsFKViolation reports whether err is a foreign-key constraint failure.
func IsFKViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	return false
}

// NullString returns nil for "" so optional text columns store NULL.
func NullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// NullInt returns nil for 0 so optional references store NULL.
func NullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// NullTime returns nil for the zero time.
func NullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
