package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// Migrations live in migrations/sqlite and migrations/postgres under the same file
// names (NNNN_name.sql). They are append-only: a shipped file is never edited; a change
// is a new file in both folders.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// Migration is one schema step.
type Migration struct {
	Version string // the file name without .sql, e.g. "0001_foundation"
	SQL     string
}

// Migrations returns the embedded migrations of the dialect in order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := "migrations/" + d.String()
	files, err := fs.Glob(migrationFS, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	out := make([]Migration, 0, len(files))
	for _, f := range files {
		b, err := migrationFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: strings.TrimSuffix(path.Base(f), ".sql"), SQL: string(b)})
	}
	return out, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version     TEXT PRIMARY KEY,
    applied_at  TEXT NOT NULL
)`

// migrationLockID is the PostgreSQL advisory lock key held while migrating, so that
// several instances starting together migrate once.
const migrationLockID = 7243021601

// applied returns the versions recorded in schema_migrations (empty if the table is
// missing).
func (db *DB) applied(ctx context.Context, c sqlQueryer) (map[string]bool, error) {
	var exists bool
	var q string
	if db.dialect == Postgres {
		q = `SELECT EXISTS (SELECT 1 FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_name = 'schema_migrations')`
	} else {
		q = `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')`
	}
	if err := c.QueryRowContext(ctx, q).Scan(&exists); err != nil {
		return nil, fmt.Errorf("db: read schema version: %w", err)
	}
	done := map[string]bool{}
	if !exists {
		return done, nil
	}
	rows, err := c.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("db: read schema version: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		done[v] = true
	}
	return done, rows.Err()
}

// Pending returns the versions not yet applied. A version in the database that this
// binary does not know means the database is newer than the binary: an error.
func (db *DB) Pending(ctx context.Context) ([]string, error) {
	return db.pending(ctx, db.w)
}

type sqlQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (db *DB) pending(ctx context.Context, c sqlQueryer) ([]string, error) {
	all, err := Migrations(db.dialect)
	if err != nil {
		return nil, err
	}
	done, err := db.applied(ctx, c)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	var pending []string
	for _, m := range all {
		known[m.Version] = true
		if !done[m.Version] {
			pending = append(pending, m.Version)
		}
	}
	for v := range done {
		if !known[v] {
			return nil, fmt.Errorf("db: the database has migration %s, which this qcity does not know: it is newer than this binary", v)
		}
	}
	return pending, nil
}

// Migrate applies every pending migration, each in its own transaction, and returns the
// versions it applied.
func (db *DB) Migrate(ctx context.Context, now time.Time) ([]string, error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if db.dialect == Postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockID); err != nil {
			return nil, fmt.Errorf("db: migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockID)
	}
	if _, err := conn.ExecContext(ctx, createMigrationsTable); err != nil {
		return nil, fmt.Errorf("db: create schema_migrations: %w", err)
	}
	pending, err := db.pending(ctx, conn)
	if err != nil {
		return nil, err
	}
	all, _ := Migrations(db.dialect)
	byVersion := map[string]string{}
	for _, m := range all {
		byVersion[m.Version] = m.SQL
	}
	var done []string
	for _, v := range pending {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return done, err
		}
		if _, err := tx.ExecContext(ctx, byVersion[v]); err != nil {
			tx.Rollback()
			return done, fmt.Errorf("db: migration %s: %w", v, err)
		}
		ins := db.dialect.Rebind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`)
		if _, err := tx.ExecContext(ctx, ins, v, now.UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return done, fmt.Errorf("db: record migration %s: %w", v, err)
		}
		if err := tx.Commit(); err != nil {
			return done, fmt.Errorf("db: commit migration %s: %w", v, err)
		}
		done = append(done, v)
	}
	return done, nil
}

// Column is one column of a table, as the schema test compares them.
type Column struct {
	Table, Name string
	NotNull     bool
}

// Columns lists the columns of every qcity table (schema_migrations excluded), sorted.
func (db *DB) Columns(ctx context.Context) ([]Column, error) {
	var out []Column
	if db.dialect == Postgres {
		rows, err := db.r.QueryContext(ctx, `SELECT table_name, column_name, is_nullable
			FROM information_schema.columns WHERE table_schema = current_schema()
			AND table_name <> 'schema_migrations' ORDER BY table_name, column_name`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var c Column
			var nullable string
			if err := rows.Scan(&c.Table, &c.Name, &nullable); err != nil {
				return nil, err
			}
			c.NotNull = nullable == "NO"
			out = append(out, c)
		}
		return out, rows.Err()
	}
	rows, err := db.r.QueryContext(ctx, `SELECT m.name, p.name, p."notnull" OR p.pk
		FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT IN ('schema_migrations', 'sqlite_sequence')
		ORDER BY m.name, p.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Column
		if err := rows.Scan(&c.Table, &c.Name, &c.NotNull); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// IsEmpty reports whether the database has no tables at all: a brand-new database that
// may be created without asking.
func (db *DB) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.dialect == Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	if err := db.r.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return false, fmt.Errorf("db: list tables: %w", err)
	}
	return n == 0, nil
}
