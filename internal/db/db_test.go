package db_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
)

func TestRebind(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2"},
		{"SELECT '?' , ? FROM t", "SELECT '?' , $1 FROM t"},
		{`SELECT "a?" FROM t WHERE x = ?`, `SELECT "a?" FROM t WHERE x = $1`},
		{"SELECT ? -- what?\n, ?", "SELECT $1 -- what?\n, $2"},
		{"SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"},
	}
	for _, c := range cases {
		if got := db.Postgres.Rebind(c.in); got != c.want {
			t.Errorf("Rebind(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := db.SQLite.Rebind(c.in); got != c.in {
			t.Errorf("SQLite Rebind changed %q", c.in)
		}
	}
}

// Both engines' migrations must produce the same tables and columns.
func TestSchemasMatch(t *testing.T) {
	ctx := context.Background()
	lite, err := dbtest.SQLite(t).Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := dbtest.Postgres(t).Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 {
		t.Fatal("no columns in the SQLite schema")
	}
	a, b := fmtCols(lite), fmtCols(pg)
	if a != b {
		t.Errorf("schemas differ\nsqlite:\n%s\npostgres:\n%s", a, b)
	}
}

func fmtCols(cs []db.Column) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s.%s notnull=%v\n", c.Table, c.Name, c.NotNull)
	}
	return b.String()
}

// Both engines must have the same migration files.
func TestMigrationFilesMatch(t *testing.T) {
	a, _ := db.Migrations(db.SQLite)
	b, _ := db.Migrations(db.Postgres)
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Version != b[i].Version {
			t.Errorf("migration %d: sqlite %s, postgres %s", i, a[i].Version, b[i].Version)
		}
	}
}

func TestStorage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		pending, err := d.Pending(ctx)
		if err != nil || len(pending) != 0 {
			t.Fatalf("after migrate: pending %v, err %v", pending, err)
		}
		again, err := d.Migrate(ctx, time.Now())
		if err != nil || len(again) != 0 {
			t.Fatalf("second migrate applied %v, err %v", again, err)
		}

		// Timestamps and dates round-trip exactly (to the microsecond) on both engines.
		at := time.Date(2026, 3, 4, 5, 6, 7, 890123000, time.UTC)
		day := qcity.NewDate(2019, 6, 30)
		var id int64
		err = d.InTx(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO entities (uscc, name, entity_type, region_code, status,
				established_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				"91440800MA4W12346A", "测试", "company", "440802", "active", day, at, at).Scan(&id)
		})
		if err != nil {
			t.Fatal(err)
		}
		var gotAt time.Time
		var gotDay qcity.Date
		if err := d.QueryRow(ctx, `SELECT created_at, established_on FROM entities WHERE id = ?`, id).Scan(&gotAt, &gotDay); err != nil {
			t.Fatal(err)
		}
		if !gotAt.Equal(at) || gotDay != day {
			t.Errorf("round trip: %v %v, want %v %v", gotAt, gotDay, at, day)
		}
		// Ordering of timestamps in SQL matches time order, sub-second included.
		var later int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM entities WHERE created_at > ?`, at.Add(-time.Microsecond)).Scan(&later); err != nil || later != 1 {
			t.Errorf("created_at > at-1µs: %d, %v", later, err)
		}
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM entities WHERE created_at > ?`, at.Add(time.Microsecond)).Scan(&later); err != nil || later != 0 {
			t.Errorf("created_at > at+1µs: %d, %v", later, err)
		}

		// Unique violations are recognised.
		_, err = d.Exec(ctx, `INSERT INTO entities (uscc, name, entity_type, region_code, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, "91440800MA4W12346A", "重复", "company", "440802", "active", at, at)
		if !db.IsUniqueViolation(err) {
			t.Errorf("duplicate uscc: %v, want a unique violation", err)
		}
		// Foreign-key violations are recognised (foreign keys are on in SQLite).
		_, err = d.Exec(ctx, `INSERT INTO products (entity_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)`, 999999, "x", at, at)
		if !db.IsFKViolation(err) {
			t.Errorf("dangling product: %v, want an FK violation", err)
		}

		// A failing transaction leaves nothing behind.
		err = d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)`, "a", "1", at); err != nil {
				return err
			}
			return fmt.Errorf("boom")
		})
		if err == nil {
			t.Fatal("want error")
		}
		var n int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM settings`).Scan(&n)
		if n != 0 {
			t.Errorf("rolled-back insert left %d rows", n)
		}

		// The audit log cannot be changed.
		if _, err := d.Exec(ctx, `INSERT INTO audit_log (at, actor_kind, actor_name, action, object_type) VALUES (?, ?, ?, ?, ?)`,
			at, "system", "test", "create", "entity"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `UPDATE audit_log SET actor_name = 'x'`); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("update audit_log: %v, want append-only error", err)
		}
		if _, err := d.Exec(ctx, `DELETE FROM audit_log`); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("delete audit_log: %v, want append-only error", err)
		}
	})
}
