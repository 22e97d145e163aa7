package limits

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"qcity/internal/locale"
)

// readCSV reads a testdata CSV (copies of /work/shared/data/limits) as maps by header.
func readCSV(t testing.TB, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// Every failing item published with both a result and a limit must judge "fail".
func TestFailuresFromAnnouncements(t *testing.T) {
	rows := readCSV(t, "failures_from_announcements.csv")
	judged := 0
	for i, r := range rows {
		if strings.TrimSpace(r["result"]) == "" || strings.TrimSpace(r["limit"]) == "" {
			continue
		}
		judged++
		it, err := JudgeItem(r["result"], r["unit"], r["limit"], "", "不合格")
		if err != nil {
			t.Errorf("row %d (%s %s): %q %q vs %q: %v", i+2, r["food_cn"], r["analyte_cn"], r["result"], r["unit"], r["limit"], err)
			continue
		}
		if it.Verdict != Fail || it.Disagrees {
			t.Errorf("row %d (%s %s): %q %q vs %q = %v %s %v, want fail", i+2, r["food_cn"], r["analyte_cn"], r["result"], r["unit"], r["limit"], it.Verdict, it.Key, it.Args)
		}
	}
	if judged != 68 {
		t.Errorf("judged %d rows, the README says 68 have both a result and a limit", judged)
	}
}

// Every limit of the limit files parses, to the kind the file states; and a value at
// the limit passes while a value just above it fails.
func TestLimitFilesParse(t *testing.T) {
	kinds := map[string]LimitKind{"max": Max, "not_detected": NotDetectedLimit, "micro_plan": MicroPlan}
	for _, name := range []string{"gb2762_2022_contaminants.csv", "limits_from_announcements.csv", "pesticide_mrls_superseded_versions.csv"} {
		rows := readCSV(t, name)
		if len(rows) == 0 {
			t.Fatalf("%s: no rows", name)
		}
		for i, r := range rows {
			l, err := ParseLimit(r["limit"], r["unit"])
			if err != nil {
				t.Errorf("%s row %d: ParseLimit(%q, %q): %v", name, i+2, r["limit"], r["unit"], err)
				continue
			}
			want, ok := kinds[r["limit_kind"]]
			if !ok || l.Kind != want || l.Kind.String() != r["limit_kind"] {
				t.Errorf("%s row %d: %q is kind %d, file says %s", name, i+2, r["limit"], l.Kind, r["limit_kind"])
			}
			if l.Kind != Max && l.Kind != MaxExclusive {
				continue
			}
			at, err := Judge(Result{Kind: Number, Value: l.Value, Unit: r["unit"]}, l, Full)
			if err != nil || at.Verdict != boolVerdict(l.Kind == Max) {
				t.Errorf("%s row %d: value at %s: %+v, %v", name, i+2, l, at, err)
			}
			above := l.Value.shift(0)
			above.scale++ // one more decimal place …
			above = addOne(above)
			over, err := Judge(Result{Kind: Number, Value: above, Unit: r["unit"]}, l, Full)
			if err != nil || over.Verdict != Fail {
				t.Errorf("%s row %d: value %s over %s: %+v, %v", name, i+2, above, l, over, err)
			}
		}
	}
}

func boolVerdict(ok bool) Verdict {
	if ok {
		return Pass
	}
	return Fail
}

// addOne adds one unit in the last place of d (coef × 10 + 1 at one more place).
func addOne(d Decimal) Decimal {
	c := d.coef*10 + 1
	return Decimal{coef: c, scale: d.scale}
}

// Every "limits.…" key named in the package's code exists in both languages, and
// every limits key of the catalogue is named by the code (no orphans).
func TestLimitsKeysInCatalogue(t *testing.T) {
	re := regexp.MustCompile(`"(limits\.[A-Za-z0-9_.]+)"`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	if len(used) < 40 {
		t.Fatalf("only %d keys found: the scan is broken", len(used))
	}
	cat := locale.Default()
	for k := range used {
		for _, l := range locale.Langs {
			if !cat.Has(l, k) {
				t.Errorf("%q missing in %s", k, l)
			}
		}
	}
	var orphans []string
	for _, k := range cat.Keys(locale.ZH) {
		if strings.HasPrefix(k, "limits.") && !used[k] {
			orphans = append(orphans, k)
		}
	}
	sort.Strings(orphans)
	if len(orphans) > 0 {
		t.Errorf("catalogue keys no code names: %v", orphans)
	}
}
