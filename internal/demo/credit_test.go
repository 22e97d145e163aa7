package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/registry"
	"qcity/internal/translog"
	"qcity/internal/workday"
)

// creditNow is the clock of the credit tests: late 2026, so the 2025 reports are
// closed and the oldest serious-list listings have expired.
var creditNow = samplingNow

type creditDB struct {
	d    *db.DB
	ctx  context.Context
	city *City
	log  *translog.Log
	svc  *credit.Service
}

// newCreditDB loads a city of n entities and its credit history (no sampling).
func newCreditDB(t *testing.T, d *db.DB, n int, seed uint64, opts CreditOptions) (*creditDB, *creditLoader) {
	t.Helper()
	j := zhanjiang(t)
	clock := &qcity.FixedClock{T: creditNow}
	ctx := qcity.WithActor(context.Background(), qcity.System("demo test"))
	reg := registry.NewService(d, clock, j)
	city, err := Generate(Options{Seed: seed, Entities: n, Today: qcity.DateOf(creditNow)}, j)
	if err != nil {
		t.Fatal(err)
	}
	if err := Load(ctx, reg, city, nil); err != nil {
		t.Fatal(err)
	}
	skey, err := translog.GenerateKey("qcity.test/demo-credit")
	if err != nil {
		t.Fatal(err)
	}
	log, err := translog.New(d, clock, skey)
	if err != nil {
		t.Fatal(err)
	}
	if err := log.Init(ctx); err != nil {
		t.Fatal(err)
	}
	svc := credit.NewService(d, clock, reg, log, j)
	if err := svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	var last, calls int
	l, err := loadCredit(ctx, svc, city, opts, func(done, total int) {
		calls++
		if done < last || done > total {
			t.Errorf("progress(%d, %d) after %d", done, total, last)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != l.total {
		t.Errorf("progress called %d times, last %d of %d", calls, last, l.total)
	}
	return &creditDB{d: d, ctx: ctx, city: city, log: log, svc: svc}, l
}

func TestPlanCreditDeterministic(t *testing.T) {
	c := defaultCity(t)
	j := zhanjiang(t)
	today := qcity.DateOf(creditNow)
	a, err := planCredit(7, c, j, workday.Default(), today)
	if err != nil {
		t.Fatal(err)
	}
	b, err := planCredit(7, c, j, workday.Default(), today)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different plans")
	}
	other, err := planCredit(8, c, j, workday.Default(), today)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a.Reports, other.Reports) || reflect.DeepEqual(a.Events, other.Events) {
		t.Error("seeds 7 and 8 gave the same plan")
	}
	// Contents derive from the seed, the entity and the year alone.
	d, _ := loadData()
	r := a.Reports[len(a.Reports)/2]
	e := &c.Entities[r.Entity]
	c1, o1, p1 := reportContent(7, e, r, qcity.Date{}, d)
	c2, o2, p2 := reportContent(7, e, r, qcity.Date{}, d)
	if c1 != c2 || !reflect.DeepEqual(o1, o2) || !reflect.DeepEqual(p1, p2) {
		t.Error("report contents differ for the same seed")
	}
	// Nothing is planned after today, and events are in date order.
	for i, ev := range a.Events {
		if ev.On.After(today) || i > 0 && ev.On.Before(a.Events[i-1].On) {
			t.Fatalf("event %d on %s out of order or after today", i, ev.On)
		}
	}
	for i, rep := range a.Reports {
		if rep.FiledOn.After(today) || i > 0 && rep.FiledOn.Before(a.Reports[i-1].FiledOn) ||
			rep.FiledOn.Before(credit.ReportWindowOpens(rep.Year)) {
			t.Fatalf("report %d filed %s for %d", i, rep.FiledOn, rep.Year)
		}
	}
}

// TestReportContentsAsFileReport files planned reports through the service and checks
// it accepts them and stores exactly what the bulk insert stores.
func TestReportContentsAsFileReport(t *testing.T) {
	d := dbtest.SQLite(t)
	j := zhanjiang(t)
	clock := &qcity.FixedClock{T: creditNow}
	ctx := qcity.WithActor(context.Background(), qcity.System("demo test"))
	reg := registry.NewService(d, clock, j)
	city, err := Generate(Options{Seed: 3, Entities: 3000, Today: qcity.DateOf(creditNow)}, j)
	if err != nil {
		t.Fatal(err)
	}
	if err := Load(ctx, reg, city, nil); err != nil {
		t.Fatal(err)
	}
	svc := credit.NewService(d, clock, reg, nil, j)
	if err := svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	plan, err := planCredit(11, city, j, svc.Cal, qcity.DateOf(creditNow))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := loadData()
	l := &creditLoader{ctx: ctx, svc: svc, city: city}
	seen := map[string]int{}
	checked := 0
	for _, rep := range plan.Reports {
		e := &city.Entities[rep.Entity]
		kind := fmt.Sprintf("%s/%v/%v", e.Type, rep.Paper, rep.Publish)
		if seen[kind] >= 6 {
			continue
		}
		seen[kind]++
		c, opt, pub := reportContent(11, e, rep, qcity.Date{}, data)
		in := credit.ReportInput{USCC: e.USCC, Year: rep.Year, Contents: c, Optional: opt, PublishOptional: pub}
		publish := rep.Publish
		in.Publish = &publish
		actor := l.enterprise(rep.Entity)
		if rep.Paper {
			actor = l.countyOf(rep.Entity)
		}
		clock.T = rep.FiledOn.Time().Add(2 * time.Hour)
		got, err := svc.FileReport(actor, in)
		if err != nil {
			t.Fatalf("%s %d (%s): %v", e.USCC, rep.Year, kind, err)
		}
		if got.Contents != c || !reflect.DeepEqual(got.Optional, opt) || !reflect.DeepEqual(got.PublishedOptional, pub) ||
			got.Publish != rep.Publish || (got.Channel == credit.ChannelPaper) != rep.Paper {
			t.Errorf("%s %d: the service stored\n%+v %v %v\nthe demo has\n%+v %v %v", e.USCC, rep.Year, got.Contents, got.Optional,
				got.PublishedOptional, c, opt, pub)
		}
		checked++
	}
	if checked < 20 || seen["individual_business/true/true"] == 0 || seen["individual_business/false/false"] == 0 {
		t.Errorf("checked %d reports of kinds %v", checked, seen)
	}
}

func countRows(t *testing.T, c *creditDB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := c.d.QueryRow(c.ctx, q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestLoadCredit loads a small city's credit history on each engine and checks the
// 2019 annual report rate, every state of every list, the rules runs and the log.
func TestLoadCredit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		start := time.Now()
		c, l := newCreditDB(t, d, 2000, 5, CreditOptions{})
		t.Logf("%d reports and %d steps in %s (rules runs %s, reports %s)", len(l.plan.Reports), len(l.plan.Events),
			time.Since(start).Round(time.Millisecond), l.took[evRules].Round(time.Millisecond), l.took[len(l.took)-1].Round(time.Millisecond))
		checkCredit(t, c, false)
	})
}

// checkCredit checks a loaded credit history.
func checkCredit(t *testing.T, c *creditDB, full bool) {
	t.Helper()
	ctx := c.ctx
	today := qcity.DateOf(creditNow)

	// The 2019 annual report rate: about 85–92% on time, 93–97% in the end, with late
	// and never-filed entities.
	_, total, err := c.svc.ReportRate(ctx, credit.RateFilter{Year: 2019})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("2019 annual report rate: %.2f%% (%d of %d), on time %.2f%%, late %d", total.Rate, total.Filed, total.Due, total.OnTimeRate, total.Late)
	if total.Rate < 93 || total.Rate > 97 || total.OnTimeRate < 85 || total.OnTimeRate > 92 || total.Late == 0 || total.Filed == total.Due {
		t.Errorf("2019 rate %+v outside the realistic band", total)
	}
	if rows, _, _ := c.svc.ReportRate(ctx, credit.RateFilter{Year: 2019, AsOf: credit.ReportDeadline(2019)}); len(rows) == 0 {
		t.Error("no rate rows by region")
	}
	// Cities file more than the rural counties, companies more than individual
	// businesses, and rates rise over the years.
	urban, rural := credit.RateRow{}, credit.RateRow{}
	for y := firstReportYear; y <= credit.LastClosedReportYear(today); y++ {
		rows, _, err := c.svc.ReportRate(ctx, credit.RateFilter{Year: y})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			switch r.Key {
			case "440802", "440803":
				urban.Due, urban.OnTime = urban.Due+r.Due, urban.OnTime+r.OnTime
			case "440825", "440882":
				rural.Due, rural.OnTime = rural.Due+r.Due, rural.OnTime+r.OnTime
			}
		}
	}
	if urban.OnTime*rural.Due <= rural.OnTime*urban.Due {
		t.Errorf("urban districts %d/%d on time, rural counties %d/%d", urban.OnTime, urban.Due, rural.OnTime, rural.Due)
	}
	byType, _, _ := c.svc.ReportRate(ctx, credit.RateFilter{Year: 2019, Group: "type"})
	rate := map[string]float64{}
	for _, r := range byType {
		rate[r.Key] = r.OnTimeRate
	}
	if rate["company"] <= rate["individual_business"] {
		t.Errorf("on time: companies %.2f%%, individual businesses %.2f%%", rate["company"], rate["individual_business"])
	}
	_, y18, _ := c.svc.ReportRate(ctx, credit.RateFilter{Year: 2018})
	_, y25, _ := c.svc.ReportRate(ctx, credit.RateFilter{Year: 2025})
	if y25.OnTimeRate <= y18.OnTimeRate {
		t.Errorf("on-time rate 2018 %.2f%%, 2025 %.2f%%: no drift up", y18.OnTimeRate, y25.OnTimeRate)
	}
	// Branches never file; paper filings and unpublished reports are individual
	// businesses'; some entities that left have a date, others not.
	if n := countRows(t, c, `SELECT COUNT(*) FROM annual_reports r JOIN entities e ON e.id = r.entity_id WHERE e.entity_type = 'branch'`); n != 0 {
		t.Errorf("%d branch reports", n)
	}
	if n := countRows(t, c, `SELECT COUNT(*) FROM annual_reports r JOIN entities e ON e.id = r.entity_id
		WHERE (r.channel = 'paper' OR r.publish = ?) AND e.entity_type <> 'individual_business'`, false); n != 0 {
		t.Errorf("%d paper or unpublished reports of others than individual businesses", n)
	}
	for _, q := range []string{`SELECT COUNT(*) FROM annual_reports WHERE channel = 'paper'`,
		`SELECT COUNT(*) FROM annual_reports WHERE publish = ?`,
		`SELECT COUNT(*) FROM entities WHERE status <> 'active' AND status_changed_on IS NOT NULL`,
		`SELECT COUNT(*) FROM entities WHERE status <> 'active' AND status_changed_on IS NULL`,
		`SELECT COUNT(*) FROM entities e WHERE e.status <> 'active' AND e.status_changed_on > '2020-12-31'
			AND EXISTS (SELECT 1 FROM annual_reports r WHERE r.entity_id = e.id AND r.year = 2019)`} {
		var args []any
		if strings.Contains(q, "?") {
			args = append(args, false)
		}
		if n := countRows(t, c, q, args...); n == 0 {
			t.Errorf("none: %s", q)
		}
	}

	// Every state of every list.
	states := func(q string) map[string]int {
		rows, err := c.d.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				t.Fatal(err)
			}
			out[k] = n
		}
		return out
	}
	want := func(name string, got map[string]int, keys ...string) {
		t.Helper()
		t.Logf("%s: %v", name, got)
		for _, k := range keys {
			if got[k] == 0 {
				t.Errorf("%s: none %s (%v)", name, k, got)
			}
		}
	}
	want("abnormal list", states(`SELECT state, COUNT(*) FROM abnormal_listings GROUP BY state`),
		credit.StateListed, credit.StateRemoved, credit.StateRevoked, credit.StatePublicityEnded, credit.StateWithdrawn)
	want("abnormal reasons", states(`SELECT reason || '/' || state, COUNT(*) FROM abnormal_listings GROUP BY reason || '/' || state`),
		"unreachable/listed", "unreachable/removed", "adhoc_info/listed", "adhoc_info/removed", "name_change/listed", "annual_report/removed")
	want("objections", states(`SELECT objection_state, COUNT(*) FROM abnormal_listings WHERE objection_state <> '' GROUP BY objection_state`),
		credit.ObjectionUpheld, credit.ObjectionRejected)
	want("serious list", states(`SELECT state, COUNT(*) FROM serious_listings GROUP BY state`),
		credit.SeriousListed, credit.SeriousRemovedEarly, credit.SeriousExpired, credit.SeriousRevoked, credit.SeriousRejected)
	if n := countRows(t, c, `SELECT COUNT(*) FROM serious_listings WHERE relisted_count > 0 AND state = 'listed'`); n == 0 {
		t.Error("no listing relisted after a fraudulent removal")
	}
	if n := countRows(t, c, `SELECT COUNT(*) FROM serious_listings WHERE state IN ('proposed', 'hearing', 'pending_approval')`); n == 0 {
		t.Error("no serious-list case under way")
	}
	if n := countRows(t, c, `SELECT COUNT(*) FROM serious_listings WHERE hearing_on IS NOT NULL AND listed_on IS NOT NULL`); n == 0 {
		t.Error("no listing after a hearing")
	}
	want("penalties", states(`SELECT state, COUNT(*) FROM penalties GROUP BY state`),
		credit.PenaltyPublished, credit.PenaltyEnded, credit.PenaltyEndedEarly, credit.PenaltyWithdrawn, credit.PenaltyUnpublished)
	want("publicity terms", states(`SELECT publicity_term, COUNT(*) FROM penalties WHERE publicity_term <> '' GROUP BY publicity_term`), "3m", "3y")
	want("penalty domains", states(`SELECT domain, COUNT(*) FROM penalties GROUP BY domain`), "food", "quality")
	want("penalty kinds", states(`SELECT kinds, COUNT(*) FROM penalties GROUP BY kinds`), "warning", "fine")
	if n := countRows(t, c, `SELECT COUNT(*) FROM penalties WHERE kinds LIKE '%revoked%' OR kinds LIKE '%suspend%'`); n == 0 {
		t.Error("no penalty revoking or suspending a licence")
	}
	if n := countRows(t, c, `SELECT COUNT(*) FROM penalties WHERE fine_fen > 0 AND (fine_fen < 200000 OR fine_fen > 50000000)`); n != 0 {
		t.Errorf("%d fines outside ¥2,000–¥500,000", n)
	}
	want("repairs", states(`SELECT target || '/' || state, COUNT(*) FROM repair_applications GROUP BY target || '/' || state`),
		"abnormal/approved", "penalty/approved", "penalty/rejected", "serious/approved")
	if n := countRows(t, c, `SELECT COUNT(*) FROM annual_report_corrections`); n == 0 {
		t.Error("no report corrections")
	}
	if n := countRows(t, c, `SELECT COUNT(*) FROM documents WHERE content_type IN ('application/pdf', 'image/png')`); n == 0 {
		t.Error("no uploaded commitment letters or evidence")
	}
	cands, err := c.svc.RevocationCandidates(ctx, "")
	if err != nil || len(cands) == 0 {
		t.Errorf("licence-revocation candidates: %d, %v", len(cands), err)
	}

	// The rules engine ran on 1 July 2018 and the first of every month since 2019.
	runs := countRows(t, c, `SELECT COUNT(*) FROM rules_runs`)
	months := (today.Year-2019)*12 + int(today.Month)
	if runs != months+1 {
		t.Errorf("%d rules runs, want %d", runs, months+1)
	}
	for _, day := range []string{"2018-07-01", "2019-01-01", "2019-07-01", "2023-07-01", "2026-01-01", "2026-11-01"} {
		if n := countRows(t, c, `SELECT COUNT(*) FROM rules_runs WHERE run_date = ?`, day); n != 1 {
			t.Errorf("no rules run on %s", day)
		}
	}
	// A run today finds nothing new to propose (the history is consistent).
	sum, err := c.svc.RunRules(ctx, today, false)
	if err != nil || sum.Proposed != 0 {
		t.Errorf("run today: %+v, %v", sum, err)
	}

	// The log: verified from outside, and it replays to the rows' public states.
	v, err := translog.Verify(ctx, translog.DBSource{DB: c.d}, c.log.VerifierKey(), nil)
	if err != nil {
		t.Fatal(err)
	}
	replayed, err := translog.Replay(v.Records)
	if err != nil {
		t.Fatal(err)
	}
	got, err := credit.LoggedStates(ctx, c.d)
	if err != nil {
		t.Fatal(err)
	}
	if diffs := translog.CompareStates(replayed, got); len(diffs) > 0 {
		t.Errorf("data and log disagree:\n%s", strings.Join(diffs[:min(10, len(diffs))], "\n"))
	}
	if len(v.Records) < 100 {
		t.Errorf("only %d log records", len(v.Records))
	}
	t.Logf("%d log records", len(v.Records))
}

// digest hashes the credit records a plan produced, leaving out what is random by
// design (the salts of the log's commitments) and the creation timestamps.
func digest(t *testing.T, c *creditDB) string {
	t.Helper()
	h := sha256.New()
	for _, q := range []string{
		`SELECT e.uscc, CAST(e.status_changed_on AS TEXT) FROM entities e WHERE e.status_changed_on IS NOT NULL ORDER BY e.uscc`,
		`SELECT e.uscc, r.year, CAST(r.filed_on AS TEXT), r.channel, r.contents, r.optional, r.published_optional, r.filed_by
			FROM annual_reports r JOIN entities e ON e.id = r.entity_id ORDER BY e.uscc, r.year`,
		`SELECT e.uscc, a.reason, a.report_year, a.state, CAST(a.listed_on AS TEXT), a.decision_no, CAST(a.removed_on AS TEXT),
			a.removal_decision_no, a.objection_state FROM abnormal_listings a JOIN entities e ON e.id = a.entity_id ORDER BY a.id`,
		`SELECT p.decision_no, p.state, CAST(p.published_on AS TEXT), CAST(p.publicity_ends_on AS TEXT), CAST(p.ended_on AS TEXT), p.fine_fen
			FROM penalties p ORDER BY p.id`,
		`SELECT l.state, CAST(l.listed_on AS TEXT), CAST(l.expires_on AS TEXT), CAST(l.removed_on AS TEXT), l.relisted_count, l.decision_no
			FROM serious_listings l ORDER BY l.id`,
		`SELECT target, target_id, state, CAST(applied_on AS TEXT), CAST(decided_on AS TEXT) FROM repair_applications ORDER BY id`,
		`SELECT kind, ref, subject FROM translog_records ORDER BY idx`,
	} {
		rows, err := c.d.Query(c.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(h, "%v\x1f", v)
			}
			h.Write([]byte{'\n'})
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

// The same city and seed give the same records, on a fresh database each time.
func TestLoadCreditDeterministic(t *testing.T) {
	a, _ := newCreditDB(t, dbtest.SQLite(t), 800, 9, CreditOptions{})
	b, _ := newCreditDB(t, dbtest.SQLite(t), 800, 9, CreditOptions{})
	if da, db := digest(t, a), digest(t, b); da != db {
		t.Errorf("two loads of the same city and seed differ: %s, %s", da, db)
	}
}

// TestLoadCreditFull loads the default city's credit history and reports the time it
// takes: it runs on every first start of `qcity serve --demo`.
func TestLoadCreditFull(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the default city's credit history (about 20 s)")
	}
	start := time.Now()
	// As `qcity demo` loads it: the city's seed for the credit records too.
	c, l := newCreditDB(t, dbtest.SQLite(t), DefaultEntities, DefaultSeed, CreditOptions{Seed: DefaultSeed})
	took := time.Since(start)
	t.Logf("city and credit loaded in %s: %d reports (%d batches), %d steps; rules runs %s, confirmations %s, repairs %s, reports %s",
		took.Round(time.Millisecond), len(l.plan.Reports), l.flushes, len(l.plan.Events), l.took[evRules].Round(time.Millisecond),
		l.took[evConfirm].Round(time.Millisecond), (l.took[evApply] + l.took[evDecide]).Round(time.Millisecond),
		l.took[len(l.took)-1].Round(time.Millisecond))
	checkCredit(t, c, true)
}
