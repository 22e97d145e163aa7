package db_test

import (
	"context"
	"errors"
	"testing"

	"qcity/internal/db"
	"qcity/internal/db/dbtest"
)

func TestAllAndPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, `CREATE TABLE list_regions (code TEXT PRIMARY KEY)`); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"440802", "440803", "440804", "440811", "440823", "440825", "440881", "440882", "440883", "440000", "445200"} {
			if _, err := d.Exec(ctx, `INSERT INTO list_regions (code) VALUES (?)`, c); err != nil {
				t.Fatal(err)
			}
		}
		const want = 9
		code := func(r db.Scanner) (string, error) {
			var c string
			return c, r.Scan(&c)
		}
		l := db.List{Columns: "code", From: "list_regions", Where: []string{"code LIKE ?"}, Args: []any{"4408%"}, Order: "code DESC"}
		got, total, err := db.Page(ctx, d, l, 3, 2, code)
		if err != nil || total != want || len(got) != 3 {
			t.Fatalf("page: %v, total %d (want %d), %v", got, total, want, err)
		}
		all, err := db.All(ctx, d, code, `SELECT code FROM list_regions WHERE code LIKE ? ORDER BY code DESC`, "4408%")
		if err != nil || len(all) != want {
			t.Fatalf("all: %d rows, want %d, %v", len(all), want, err)
		}
		for i, c := range got {
			if all[i+2] != c {
				t.Errorf("page row %d = %s, want %s", i, c, all[i+2])
			}
		}
		// No match: an empty slice, not nil; a scan error stops the query.
		none, err := db.All(ctx, d, code, `SELECT code FROM list_regions WHERE code = ?`, "nowhere")
		if err != nil || none == nil || len(none) != 0 {
			t.Errorf("no rows: %#v, %v", none, err)
		}
		boom := errors.New("boom")
		if _, _, err := db.Page(ctx, d, l, 3, 0, func(db.Scanner) (string, error) { return "", boom }); !errors.Is(err, boom) {
			t.Errorf("scan error: %v", err)
		}
		if _, err := db.All(ctx, d, code, `SELECT code FROM no_such_table`); err == nil {
			t.Error("a bad query gave no error")
		}
	})
}

func TestEscapeLike(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, `CREATE TABLE like_names (name TEXT)`); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"50%折扣商行", "500折扣商行", "a_b 公司", "axb 公司", `c\d 公司`} {
			if _, err := d.Exec(ctx, `INSERT INTO like_names (name) VALUES (?)`, n); err != nil {
				t.Fatal(err)
			}
		}
		name := func(r db.Scanner) (string, error) {
			var n string
			return n, r.Scan(&n)
		}
		for q, want := range map[string]string{"50%": "50%折扣商行", "a_b": "a_b 公司", `c\d`: `c\d 公司`} {
			got, err := db.All(ctx, d, name, `SELECT name FROM like_names WHERE name LIKE ? ESCAPE '\'`, "%"+db.EscapeLike(q)+"%")
			if err != nil || len(got) != 1 || got[0] != want {
				t.Errorf("%q: %v %v, want only %q", q, got, err, want)
			}
		}
	})
}
