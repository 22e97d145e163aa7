package demo

import (
	"context"
	"reflect"
	"strconv"
	"testing"
	"time"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/nqi"
	"qcity/internal/registry"
	"qcity/internal/sampling"
)

// programme2019 are the figures of the 2019 programme the demo city's report must
// show, counted from its records.
var programme2019 = map[string]int64{
	"standards_international_national": 8, "standards_local": 3,
	"pilot_projects_national": 6, "pilot_projects_provincial": 13,
	"labs": 109, "metrology_institutions": 7,
	"ip_advantage_enterprises": 12, "cqo_trained_enterprises": 14,
}

func TestGenerateQualityDeterministic(t *testing.T) {
	j := zhanjiang(t)
	city, err := Generate(Options{Seed: 3, Entities: 3000, Today: testToday}, j)
	if err != nil {
		t.Fatal(err)
	}
	a, err := GenerateQuality(QualityOptions{Today: testToday}, city, j)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GenerateQuality(QualityOptions{Today: testToday}, city, j)
	if !reflect.DeepEqual(a, b) {
		t.Error("two plans of the same city differ")
	}
	c, _ := GenerateQuality(QualityOptions{Seed: 99, Today: testToday}, city, j)
	if reflect.DeepEqual(a, c) {
		t.Error("another seed gives the same plan")
	}
	for _, k := range nqi.Kinds() {
		if a.Count(k) == 0 {
			t.Errorf("no %s planned", k.Name)
		}
	}
	// Nothing is dated after today: a plan for an earlier day is smaller.
	early, _ := GenerateQuality(QualityOptions{Today: qcity.NewDate(2020, 1, 15)}, city, j)
	if len(early.Records) >= len(a.Records) || early.Count(nqi.Standards) >= a.Count(nqi.Standards) {
		t.Errorf("a plan to 2020-01-15 has %d records, one to %s %d", len(early.Records), testToday, len(a.Records))
	}
	if _, err := GenerateQuality(QualityOptions{}, city, j); qcity.ErrorCode(err) != qcity.EINVALID {
		t.Errorf("no today: %v", err)
	}
}

// qualityDB is a loaded demo city with its nqi service.
type qualityDB struct {
	d    *db.DB
	reg  *registry.Service
	smp  *sampling.Service
	svc  *nqi.Service
	city *City
	plan *QualityPlan
	ctx  context.Context
}

func newQualityDB(t *testing.T, d *db.DB, entities int, samplingScale float64) *qualityDB {
	t.Helper()
	j := zhanjiang(t)
	clock := &qcity.FixedClock{T: samplingNow}
	q := &qualityDB{d: d, reg: registry.NewService(d, clock, j), ctx: qcity.WithActor(context.Background(), officialActor)}
	sys := qcity.WithActor(context.Background(), qcity.System("demo test"))
	q.smp = sampling.NewService(d, clock, q.reg, j)
	if err := q.smp.Load(sys); err != nil {
		t.Fatal(err)
	}
	city, err := Generate(Options{Seed: 1, Entities: entities, Today: qcity.DateOf(samplingNow)}, j)
	if err != nil {
		t.Fatal(err)
	}
	if err := Load(sys, q.reg, city, nil); err != nil {
		t.Fatal(err)
	}
	q.city = city
	if samplingScale > 0 {
		inputs, err := GenerateSampling(SamplingOptions{Scale: samplingScale}, city)
		if err != nil {
			t.Fatal(err)
		}
		if err := LoadSampling(sys, q.smp, inputs, nil); err != nil {
			t.Fatal(err)
		}
	}
	q.svc = nqi.NewService(d, clock, q.reg, q.smp, nil, j)
	start := time.Now()
	q.plan, err = GenerateQuality(QualityOptions{Today: qcity.DateOf(samplingNow)}, city, j)
	if err != nil {
		t.Fatal(err)
	}
	var last, lastTotal int
	if err := LoadQuality(sys, q.svc, q.plan, func(done, total int) {
		if done < last || done > total {
			t.Errorf("progress(%d, %d) after %d", done, total, last)
		}
		last, lastTotal = done, total
	}); err != nil {
		t.Fatal(err)
	}
	if last != lastTotal || last != len(q.plan.Records) {
		t.Errorf("progress ended at %d of %d for %d records", last, lastTotal, len(q.plan.Records))
	}
	t.Logf("%d quality records loaded in %s", len(q.plan.Records), time.Since(start).Round(time.Millisecond))
	return q
}

// count returns the number of rows of a query.
func (q *qualityDB) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.d.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// checkProgramme checks the 2019 report's register figures and that each drills down
// to exactly the records it counts.
func checkProgramme(t *testing.T, q *qualityDB, rep *nqi.Report) {
	t.Helper()
	for key, want := range programme2019 {
		ind, ok := rep.Indicator(key)
		if !ok {
			t.Errorf("no %s", key)
			continue
		}
		if ind.Value != float64(want) || ind.Numerator == nil || *ind.Numerator != want {
			t.Errorf("%s = %v, want %d", key, ind.Value, want)
		}
		dr, err := q.svc.Drill(q.ctx, key, 2019, 500, 0)
		if err != nil {
			t.Fatal(err)
		}
		if int64(dr.Total) != want || len(dr.Items) != int(want) {
			t.Errorf("%s drills down to %d records (%d shown), want %d", key, dr.Total, len(dr.Items), want)
		}
	}
}

// The demo's quality records load through the service's validation, and the 2019
// report counts the programme's figures from them; other years differ.
func TestLoadQuality(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		q := newQualityDB(t, d, 2500, 0)
		rep, err := q.svc.Report(q.ctx, 2019)
		if err != nil {
			t.Fatal(err)
		}
		checkProgramme(t, q, rep)
		// The figures are counted, not stored: other years give other figures.
		for year, want := range map[int]map[string]float64{
			2018: {"standards_international_national": 1, "standards_local": 2, "ip_advantage_enterprises": 10},
			2020: {"standards_international_national": 2, "standards_local": 1, "ip_advantage_enterprises": 11, "pilot_projects_national": 5},
		} {
			rep, err := q.svc.Report(q.ctx, year)
			if err != nil {
				t.Fatal(err)
			}
			for key, v := range want {
				if ind, _ := rep.Indicator(key); ind.Value != v {
					t.Errorf("%d %s = %v, want %v", year, key, ind.Value, v)
				}
			}
		}
		// Every register holds records; benchmarking classifies indicators in all
		// three classes and names leaders; some instruments are overdue; the fund
		// paid within its cap.
		for _, k := range nqi.Kinds() {
			if n := q.count(t, `SELECT COUNT(*) FROM `+k.Name); n != q.plan.Count(k) || n == 0 {
				t.Errorf("%s: %d rows, %d planned", k.Name, n, q.plan.Count(k))
			}
		}
		for _, class := range []string{"leading", "meeting", "below"} {
			if q.count(t, `SELECT COUNT(*) FROM benchmark_indicators WHERE class = ?`, class) == 0 {
				t.Errorf("no benchmarking indicator %s", class)
			}
		}
		if leaders, err := q.svc.Leaders(q.ctx, 2019); err != nil || len(leaders) == 0 {
			t.Errorf("leaders 2019: %d %v", len(leaders), err)
		}
		_, overdue, err := q.svc.Find(q.ctx, nqi.Instruments, nqi.Filter{Extra: map[string]string{"due": "overdue"}, Limit: 1})
		if err != nil || overdue == 0 {
			t.Errorf("overdue instruments: %d %v", overdue, err)
		}
		if q.count(t, `SELECT COUNT(*) FROM fund_loans WHERE status = 'compensated'`) == 0 {
			t.Error("no compensated loan")
		}
		if n := q.count(t, `SELECT COUNT(*) FROM fund_loans l WHERE (SELECT SUM(c.amount) FROM fund_compensations c WHERE c.loan_id = l.id) > l.loss * l.coverage_pct / 100`); n != 0 {
			t.Errorf("%d loans compensated beyond the cap", n)
		}
		cov, ok := rep.Indicator("bright_kitchen_coverage")
		if !ok || cov.Value < 35 || cov.Value > 70 {
			t.Errorf("bright kitchen coverage 2019: %+v", cov)
		}
		// One audit record per register's batch.
		batches := 0
		for _, k := range nqi.Kinds() {
			batches += q.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND summary = 'demo' AND object_type = ?`, k.Object)
		}
		if n := batches; n != len(nqi.Kinds()) {
			t.Errorf("%d audited batches, want %d", n, len(nqi.Kinds()))
		}
		// Loading the same plan again conflicts instead of duplicating.
		if err := LoadQuality(q.ctx, q.svc, q.plan, nil); err == nil {
			t.Error("a second load of the same plan succeeded")
		}
	})
}

// A city of a few entities still gets its quality records, fewer of them.
func TestLoadQualityTinyCity(t *testing.T) {
	for _, n := range []int{1, 30} {
		q := newQualityDB(t, dbtest.SQLite(t), n, 0)
		if rep, err := q.svc.Report(q.ctx, 2019); err != nil {
			t.Fatal(err)
		} else if labs, _ := rep.Indicator("labs"); labs.Value != 109 {
			t.Errorf("%d entities: %v labs", n, labs.Value)
		}
	}
}

// TestDemoQualityReport2019 loads the whole demo city (20,000 entities, three years of
// sampling, the quality records) and checks that its 2019 annual quality report shows
// the programme's figures, each computed from records.
func TestDemoQualityReport2019(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 113,000 samples (about 30 s)")
	}
	q := newQualityDB(t, dbtest.SQLite(t), DefaultEntities, 1)
	rep, err := q.svc.Report(q.ctx, 2019)
	if err != nil {
		t.Fatal(err)
	}
	checkProgramme(t, q, rep)
	get := func(key string) nqi.Indicator {
		ind, ok := rep.Indicator(key)
		if !ok {
			t.Fatalf("no %s", key)
		}
		return ind
	}
	if ind := get("manufacturing_pass_rate"); ind.Value != 93.2 || ind.Unit != "%" {
		t.Errorf("manufacturing pass rate %+v, want 93.20%%", ind)
	}
	for _, lv := range []string{"national", "provincial", "city", "county"} {
		if ind := get("agri_pass_rate_" + lv); ind.Value < 96 || *ind.Denominator == 0 {
			t.Errorf("agricultural pass rate %s: %v (%d/%d), want at least 96%%", lv, ind.Value, *ind.Numerator, *ind.Denominator)
		}
	}
	if ind := get("food_batches"); ind.Value != 31451 {
		t.Errorf("food batches %v, want 31,451", ind.Value)
	}
	if ind := get("food_pass_rate"); ind.Value != 98.59 || *ind.Numerator != 31008 || *ind.Denominator != 31451 {
		t.Errorf("food pass rate %v (%d/%d), want 98.59%% (31,008/31,451)", ind.Value, *ind.Numerator, *ind.Denominator)
	}
	// The sampling figures come from the sample records themselves.
	if n := q.count(t, `SELECT COUNT(*) FROM samples WHERE kind = 'food' AND sampled_on >= '2019-01-01' AND sampled_on <= '2019-12-31'`); n < 31451 {
		t.Errorf("%d food samples of 2019 in the database", n)
	}
	for _, ind := range rep.Indicators {
		t.Logf("%-34s %10v %v/%v %s", ind.Key, ind.Value, deref(ind.Numerator), deref(ind.Denominator), ind.Unit)
	}
}

func deref(p *int64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatInt(*p, 10)
}

// BenchmarkQualityReport computes the 2019 annual quality report of the demo city
// (20,000 entities, its quality records; the pass rates come from the statistics cube,
// here empty) and one drill-down page, as the report page and a click on a figure do.
func BenchmarkQualityReport(b *testing.B) {
	j := zhanjiang(b)
	d := dbtest.SQLite(b)
	clock := &qcity.FixedClock{T: samplingNow}
	reg := registry.NewService(d, clock, j)
	sys := qcity.WithActor(context.Background(), qcity.System("bench"))
	city, err := Generate(Options{Seed: 1, Entities: DefaultEntities, Today: qcity.DateOf(samplingNow)}, j)
	if err != nil {
		b.Fatal(err)
	}
	if err := Load(sys, reg, city, nil); err != nil {
		b.Fatal(err)
	}
	smp := sampling.NewService(d, clock, reg, j)
	svc := nqi.NewService(d, clock, reg, smp, nil, j)
	plan, err := GenerateQuality(QualityOptions{Today: qcity.DateOf(samplingNow)}, city, j)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := LoadQuality(sys, svc, plan, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d quality records loaded in %s", len(plan.Records), time.Since(start).Round(time.Millisecond))
	ctx := qcity.WithActor(context.Background(), officialActor)
	b.Run("report", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Report(ctx, 2019); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("drill", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Drill(ctx, "labs", 2019, 50, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}
