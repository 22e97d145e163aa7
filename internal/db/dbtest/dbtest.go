// Package dbtest gives storage tests real databases: a fresh SQLite file in a temporary
// directory always, and a fresh PostgreSQL schema when QCITY_TEST_POSTGRES holds a DSN.
// With QCITY_TEST_STRICT=1 (set by .ci/run) a missing PostgreSQL fails the test instead of
// skipping it, so CI cannot pass without running the PostgreSQL half.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"qcity/internal/db"
)

// PostgresDSN returns the PostgreSQL test server's DSN, or "" (skipping or, in strict
// mode, failing t) when none is configured.
func PostgresDSN(t testing.TB) string {
	dsn := os.Getenv("QCITY_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("QCITY_TEST_STRICT") == "1" {
			t.Fatal("QCITY_TEST_POSTGRES is not set, and QCITY_TEST_STRICT=1 forbids skipping PostgreSQL tests")
		}
		t.Skip("QCITY_TEST_POSTGRES not set: PostgreSQL half skipped")
	}
	return dsn
}

// SQLite opens a migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "test.db"))
}

// Postgres opens a migrated database in a new PostgreSQL schema dropped at the end of the
// test. It skips (or fails in strict mode) without QCITY_TEST_POSTGRES.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	dsn := PostgresDSN(t)
	ctx := context.Background()
	admin, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	return open(t, db.WithSearchPath(dsn, schema))
}

// PostgresTwice opens two independent handles on one fresh PostgreSQL schema, as two
// qcity instances sharing a database would have.
func PostgresTwice(t testing.TB) (*db.DB, *db.DB) {
	t.Helper()
	a := Postgres(t)
	dsn := PostgresDSN(t)
	var schema string
	if err := a.QueryRow(context.Background(), "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	return a, open(t, db.WithSearchPath(dsn, schema))
}

func open(t testing.TB, dsn string) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return d
}

// Each runs fn as subtests "sqlite" and "postgres", each on its own fresh database. The
// postgres subtest skips (or fails in strict mode) without QCITY_TEST_POSTGRES.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}
