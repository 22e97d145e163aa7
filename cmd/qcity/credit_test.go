package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/registry"
	"qcity/internal/uscc"
)

// The rules engine and the log verifier from the command line: a run for a date, a
// second run skipped, verification of the database and of the running server against
// the checkpoint seen before, and a row changed behind qcity's back caught by both.
func TestRulesRunAndLogVerify(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "qcity.db")
	if _, _, err := run(t, dbPath, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	// Two entities, one set up in 2025 that files nothing.
	m, _, _ := testMain("", map[string]string{"QCITY_DB": dbPath})
	ctx := qcity.WithActor(context.Background(), qcity.System("test"))
	var c common
	m.flags("test", &c)
	a, err := m.open(ctx, c, false)
	if err != nil {
		t.Fatal(err)
	}
	for i, code := range []string{"91440803MA4W0001", "91440802MA4W0002"} {
		_, err := a.registry.CreateEntity(ctx, registry.EntityInput{USCC: completeCode(code), Name: []string{"湛江市霞山区甲有限公司", "湛江市赤坎区乙有限公司"}[i],
			Type: "company", LegalRepresentative: "张三", Region: code[2:8], EstablishedOn: "2025-02-01"})
		if err != nil {
			t.Fatal(err)
		}
	}
	a.Close()
	if _, _, err := run(t, dbPath, "", "rules", "run", "--date", "not-a-date"); exitCode(err) != 2 {
		t.Errorf("bad date: %v", err)
	}
	out, _, err := run(t, dbPath, "", "rules", "run", "--date", "2026-07-01")
	if err != nil || !strings.Contains(out, "report year 2025: 2 listing proposals") {
		t.Fatalf("rules run: %q %v", out, err)
	}
	if out, _, err := run(t, dbPath, "", "rules", "run", "--date", "2026-07-01"); err != nil || !strings.Contains(out, "already ran") {
		t.Errorf("second run: %q %v", out, err)
	}
	if out, _, err := run(t, dbPath, "", "rules", "run", "--date", "2026-07-01", "--force"); err != nil || !strings.Contains(out, "0 listing proposals") {
		t.Errorf("forced run: %q %v", out, err)
	}
	// Confirm the proposals: two listings in the log.
	a, err = m.open(ctx, c, false)
	if err != nil {
		t.Fatal(err)
	}
	props, _, err := a.credit.FindAbnormals(ctx, credit.AbnormalFilter{State: credit.StateProposed}, true)
	if err != nil || len(props) != 2 {
		t.Fatalf("proposals: %d %v", len(props), err)
	}
	if _, _, err := a.credit.ConfirmProposals(ctx, []int64{props[0].ID, props[1].ID}); err != nil {
		t.Fatal(err)
	}
	a.Close()

	state := filepath.Join(dir, "seen.json")
	out, _, err = run(t, dbPath, "", "log", "verify", "--state", state)
	if err != nil || !strings.Contains(out, "trusting the log key on first use") || !strings.Contains(out, "log verified") || !strings.Contains(out, "2 records") {
		t.Fatalf("verify: %q %v", out, err)
	}
	// The server: the same log over HTTP, checked against the checkpoint seen before.
	srv := serve(t, dbPath)
	out, _, err = run(t, dbPath, "", "log", "verify", "--url", srv.url, "--state", state)
	if err != nil || !strings.Contains(out, "consistent with the checkpoint seen before (2 records)") || !strings.Contains(out, "2 public entries match") {
		t.Fatalf("verify --url: %q %v", out, err)
	}
	var seen verifyState
	b, _ := os.ReadFile(state)
	json.Unmarshal(b, &seen)
	if !strings.Contains(seen.Checkpoint, "\n2\n") {
		t.Errorf("state file: %s", b)
	}
	// A key other than the trusted one is refused.
	if _, _, err := run(t, dbPath, "", "log", "verify", "--state", state, "--key", "other+12345678+AQ=="); err == nil {
		t.Error("other key accepted")
	}

	// Someone edits a listing's decision number directly in the database.
	a, err = m.open(ctx, c, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.Exec(ctx, `UPDATE abnormal_listings SET decision_no = ? WHERE id = ?`, "伪造〔2026〕1号", props[0].ID); err != nil {
		t.Fatal(err)
	}
	a.Close()
	out, _, err = run(t, dbPath, "", "log", "verify", "--state", state)
	if err == nil || exitCode(err) != 1 || !strings.Contains(out, "abnormal/") || !strings.Contains(err.Error(), "changed outside the log") {
		t.Errorf("tampered database verified: %q %v", out, err)
	}
	out, _, err = run(t, dbPath, "", "log", "verify", "--url", srv.url, "--state", state)
	if err == nil || !strings.Contains(out, "differs from the log") {
		t.Errorf("tampered server verified: %q %v", out, err)
	}
	// Someone deletes a listing: the server no longer publishes an entry the log says is
	// in force.
	a, _ = m.open(ctx, c, false)
	a.db.Exec(ctx, `DELETE FROM abnormal_listings WHERE id = ?`, props[1].ID)
	a.Close()
	out, _, err = run(t, dbPath, "", "log", "verify", "--url", srv.url, "--state", filepath.Join(dir, "fresh.json"))
	if err == nil || !strings.Contains(out, "in force in the log but not published") {
		t.Errorf("deleted listing not noticed: %q %v", out, err)
	}
	if _, _, err := run(t, dbPath, "", "log", "verify", "--url", "ftp://x"); exitCode(err) != 2 {
		t.Errorf("bad url: %v", err)
	}
}

// completeCode completes a 16-character prefix into a valid USCC.
func completeCode(prefix16 string) string {
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		for _, d := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
			code := prefix16 + string(c) + string(d)
			if validUSCC(code) {
				return code
			}
		}
	}
	panic("no valid completion")
}

func validUSCC(code string) bool { return uscc.Validate(code) == nil }
