package translog_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/translog"
)

type state struct {
	USCC   string `json:"uscc"`
	Status string `json:"status"`
	Rep    string `json:"legal_rep,omitempty"`
}

func newLog(t *testing.T, d *db.DB) *translog.Log {
	t.Helper()
	skey, err := translog.GenerateKey("qcity.test/440800")
	if err != nil {
		t.Fatal(err)
	}
	l, err := translog.New(d, &qcity.FixedClock{T: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}, skey)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	return l
}

func appendN(t *testing.T, l *translog.Log, from, n int) {
	t.Helper()
	err := l.DB.InTx(context.Background(), func(tx *db.Tx) error {
		var recs []translog.Record
		for i := from; i < from+n; i++ {
			recs = append(recs, translog.Record{Kind: "test.listed", Ref: fmt.Sprintf("test/%d", i), Subject: "S",
				Date: qcity.NewDate(2026, 5, 1), State: state{USCC: fmt.Sprint(i), Status: "listed"}})
		}
		_, err := l.Append(context.Background(), tx, recs...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAppendProveVerify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := newLog(t, d)
		src := translog.DBSource{DB: d}
		// The empty log verifies.
		v0, err := translog.Verify(ctx, src, l.VerifierKey(), nil)
		if err != nil || v0.Checkpoint.Size != 0 {
			t.Fatalf("empty: %+v %v", v0.Checkpoint, err)
		}
		// Appends one at a time and in batches give the same tree as a from-scratch build.
		appendN(t, l, 0, 1)
		appendN(t, l, 1, 6)
		v1, err := translog.Verify(ctx, src, l.VerifierKey(), &v0.Checkpoint)
		if err != nil || v1.Checkpoint.Size != 7 {
			t.Fatalf("v1: %+v %v", v1.Checkpoint, err)
		}
		for i := 7; i < 40; i += 11 {
			appendN(t, l, i, 11)
		}
		v2, err := translog.Verify(ctx, src, l.VerifierKey(), &v1.Checkpoint)
		if err != nil || v2.Checkpoint.Size != 40 {
			t.Fatalf("v2: %+v %v", v2.Checkpoint, err)
		}
		if !strings.HasPrefix(string(v2.Signed), "qcity.test/440800\n40\n") {
			t.Errorf("checkpoint text: %q", v2.Signed)
		}
		// Every record's inclusion proof checks against the head, for several tree sizes.
		for _, size := range []int64{1, 7, 23, 40} {
			root, err := tlog.TreeHash(size, translog.Reader(ctx, d))
			if err != nil {
				t.Fatal(err)
			}
			for i := range size {
				p, err := translog.ProveInclusion(ctx, d, i, size)
				if err != nil {
					t.Fatal(err)
				}
				if err := tlog.CheckRecord(p, size, root, i, tlog.RecordHash(v2.Records[i])); err != nil {
					t.Fatalf("record %d in %d: %v", i, size, err)
				}
			}
		}
		// Consistency proofs between every pair of sizes.
		for old := int64(1); old <= 40; old += 3 {
			oldRoot, _ := tlog.TreeHash(old, translog.Reader(ctx, d))
			p, err := translog.ProveConsistency(ctx, d, old, 40)
			if err != nil {
				t.Fatal(err)
			}
			if err := tlog.CheckTree(p, 40, v2.Checkpoint.Root, old, oldRoot); err != nil {
				t.Fatalf("consistency %d→40: %v", old, err)
			}
		}
		// Out-of-range proof requests are refused with invalid, not a 500.
		for _, c := range [][2]int64{{40, 40}, {-1, 5}, {3, 41}} {
			if _, err := translog.ProveInclusion(ctx, d, c[0], c[1]); qcity.ErrorCode(err) != qcity.EINVALID {
				t.Errorf("inclusion %v: %v", c, err)
			}
		}
		if _, err := translog.ProveConsistency(ctx, d, 41, 40); qcity.ErrorCode(err) != qcity.EINVALID {
			t.Errorf("consistency 41→40: %v", err)
		}
		// Replay gives the last state per ref.
		st, err := translog.Replay(v2.Records)
		if err != nil || len(st) != 40 || string(st["test/5"].State) != `{"uscc":"5","status":"listed"}` {
			t.Errorf("replay: %d %v %s", len(st), err, st["test/5"].State)
		}
		// A wrong key is refused.
		other := newLog(t, dbtest.SQLite(t))
		if _, err := translog.Verify(ctx, src, other.VerifierKey(), nil); err == nil {
			t.Error("verify with another key passed")
		}
		// A key other than the one the database's log was made with is refused at start.
		l2, _ := translog.New(d, l.Clock, mustKey(t, "qcity.test/440800"))
		if err := l2.Init(ctx); err == nil || !strings.Contains(err.Error(), "does not match") {
			t.Errorf("second key: %v", err)
		}
	})
}

func mustKey(t *testing.T, name string) string {
	k, err := translog.GenerateKey(name)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestTamperDetected(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := newLog(t, d)
		appendN(t, l, 0, 5)
		v, err := translog.Verify(ctx, translog.DBSource{DB: d}, l.VerifierKey(), nil)
		if err != nil {
			t.Fatal(err)
		}
		// qcity cannot change a record: the table refuses it.
		if _, err := d.Exec(ctx, `UPDATE translog_records SET data = ? WHERE idx = 2`, []byte(`{}`)); err == nil {
			t.Fatal("record update allowed")
		}
		if _, err := d.Exec(ctx, `DELETE FROM translog_records WHERE idx = 4`); err == nil {
			t.Fatal("record delete allowed")
		}
		// Someone with the database's owner rights drops the guard and edits record 2.
		dropGuards(t, d)
		forged := strings.Replace(string(v.Records[2]), `"listed"`, `"removed"`, 1)
		if _, err := d.Exec(ctx, `UPDATE translog_records SET data = ? WHERE idx = 2`, []byte(forged)); err != nil {
			t.Fatal(err)
		}
		_, err = translog.Verify(ctx, translog.DBSource{DB: d}, l.VerifierKey(), &v.Checkpoint)
		if err == nil || !strings.Contains(err.Error(), "no longer hash") {
			t.Errorf("forged record: %v", err)
		}
		_, err = translog.Verify(ctx, translog.DBSource{DB: d}, l.VerifierKey(), nil)
		if err == nil || !strings.Contains(err.Error(), "altered") {
			t.Errorf("forged record, no previous checkpoint: %v", err)
		}
	})
}

func dropGuards(t *testing.T, d *db.DB) {
	ctx := context.Background()
	var stmts []string
	if d.Dialect() == db.Postgres {
		stmts = []string{`DROP TRIGGER translog_records_no_change ON translog_records`}
	} else {
		stmts = []string{`DROP TRIGGER translog_records_no_update`}
	}
	for _, s := range stmts {
		if _, err := d.Exec(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCommitments(t *testing.T) {
	s := translog.Commit("张三")
	if !translog.Opens(s.Commitment, s.Salt, "张三") || translog.Opens(s.Commitment, s.Salt, "李四") {
		t.Error("commitment does not open correctly")
	}
	if s2 := translog.Commit("张三"); s2.Commitment == s.Commitment {
		t.Error("two commitments to one value are equal: the salt is not fresh")
	}
	if translog.Commit("").Commitment != "" {
		t.Error("empty value committed")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := newLog(t, d)
		sec := translog.Commit("王五")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := l.Append(ctx, tx, translog.Record{Kind: "penalty.published", Ref: "penalty/1", Date: qcity.NewDate(2026, 5, 1),
				State: state{USCC: "X", Status: "published", Rep: sec.Commitment}, Secrets: []translog.Secret{sec}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		salt, val, ok, err := translog.Opening(ctx, d, sec.Commitment)
		if err != nil || !ok || val != "王五" || !translog.Opens(sec.Commitment, salt, val) {
			t.Fatalf("opening: %v %q %v", ok, val, err)
		}
		before, _ := translog.Verify(ctx, translog.DBSource{DB: d}, l.VerifierKey(), nil)
		if err := d.InTx(ctx, func(tx *db.Tx) error { return translog.Erase(ctx, tx, time.Now(), sec.Commitment) }); err != nil {
			t.Fatal(err)
		}
		if _, _, ok, _ := translog.Opening(ctx, d, sec.Commitment); ok {
			t.Error("opening survives erasure")
		}
		after, err := translog.Verify(ctx, translog.DBSource{DB: d}, l.VerifierKey(), &before.Checkpoint)
		if err != nil || after.Checkpoint != before.Checkpoint {
			t.Errorf("erasure changed the log: %v", err)
		}
		if strings.Contains(string(after.Records[0]), "王五") {
			t.Error("personal data in the clear in the log")
		}
	})
}
