package credit_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/translog"
	"qcity/internal/uscc"
)

type fixture struct {
	t        testing.TB
	d        *db.DB
	clock    *qcity.FixedClock
	reg      *registry.Service
	log      *translog.Log
	svc      *credit.Service
	city     context.Context
	county   context.Context // 霞山区
	rnd      *rand.Rand
	entities map[string]registry.Entity
	skey     string
}

func date(s string) qcity.Date {
	x, err := qcity.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func newFixture(t testing.TB, d *db.DB, today string) *fixture {
	t.Helper()
	j, _ := region.Default().Jurisdiction("440800")
	f := &fixture{t: t, d: d, clock: &qcity.FixedClock{}, rnd: rand.New(rand.NewPCG(3, 3)), entities: map[string]registry.Entity{}}
	f.setToday(today)
	f.reg = registry.NewService(d, f.clock, j)
	skey, err := translog.GenerateKey("qcity.test/credit")
	if err != nil {
		t.Fatal(err)
	}
	f.skey = skey
	if f.log, err = translog.New(d, f.clock, skey); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := f.log.Init(ctx); err != nil {
		t.Fatal(err)
	}
	f.svc = credit.NewService(d, f.clock, f.reg, f.log, j)
	if err := f.svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	f.city = qcity.WithActor(ctx, qcity.Actor{Kind: qcity.ActorUser, ID: 1, Name: "city", Role: qcity.RoleCityOfficial})
	f.county = qcity.WithActor(ctx, qcity.Actor{Kind: qcity.ActorUser, ID: 2, Name: "xiashan", Role: qcity.RoleCountyOfficial, Region: "440803"})
	return f
}

func (f *fixture) setToday(s string) {
	f.clock.T = date(s).Time().Add(2 * time.Hour) // 10:00 in China
}

func (f *fixture) entity(key, typ, established string) registry.Entity {
	f.t.Helper()
	ty := byte('1')
	switch typ {
	case "individual_business":
		ty = '2'
	case "farmer_cooperative":
		ty = '3'
	}
	auth := byte('9')
	if typ == "farmer_cooperative" {
		auth = '9'
	}
	e, err := f.reg.CreateEntity(f.city, registry.EntityInput{USCC: uscc.Generate(f.rnd, auth, ty, "440803"), Name: "湛江" + key + "测试有限公司",
		Type: typ, LegalRepresentative: "张" + key, Address: "湛江市霞山区人民大道" + key + "号", Region: "440803", Industry: "1311",
		EstablishedOn: established})
	if err != nil {
		f.t.Fatal(err)
	}
	f.entities[key] = e
	return e
}

func (f *fixture) as(e registry.Entity) context.Context {
	return qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 50, Name: "ent-" + e.USCC[:6], Role: qcity.RoleEnterprise, USCC: e.USCC})
}

func report(e registry.Entity, year int) credit.ReportInput {
	return credit.ReportInput{USCC: e.USCC, Year: year, Contents: credit.ReportContents{Address: e.Address, Postcode: "524000",
		Phone: "0759-2288001", Email: "info@example.cn", OperatingStatus: "operating"},
		Optional: map[string]string{"headcount": "25", "revenue": "1200.50", "net_profit": "-30"}, PublishOptional: []string{"headcount"}}
}

func (f *fixture) run(on string) credit.Summary {
	f.t.Helper()
	f.setToday(on)
	sum, err := f.svc.RunRules(context.Background(), date(on), false)
	if err != nil {
		f.t.Fatalf("rules run %s: %v", on, err)
	}
	return sum
}

// verify checks the log from outside and that every row's public state is the state
// the log replays to.
func (f *fixture) verify() translog.Verified {
	f.t.Helper()
	ctx := context.Background()
	v, err := translog.Verify(ctx, translog.DBSource{DB: f.d}, f.log.VerifierKey(), nil)
	if err != nil {
		f.t.Fatal(err)
	}
	want, err := translog.Replay(v.Records)
	if err != nil {
		f.t.Fatal(err)
	}
	got, err := credit.LoggedStates(ctx, f.d)
	if err != nil {
		f.t.Fatal(err)
	}
	if diffs := translog.CompareStates(want, got); len(diffs) > 0 {
		f.t.Fatalf("data and log disagree:\n%s", strings.Join(diffs, "\n"))
	}
	return v
}

func code(err error) string { return qcity.ErrorCode(err) }

func TestAnnualReports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "2023-12-20")
		co := f.entity("A", "company", "2015-03-01")
		ind := f.entity("B", "individual_business", "2018-05-01")
		br := f.entity("C", "branch", "2018-05-01")
		// Before 1 January the window is closed.
		if _, err := f.svc.FileReport(f.as(co), report(co, 2023)); code(err) != qcity.EINVALID {
			t.Fatalf("before the window: %v", err)
		}
		f.setToday("2024-03-01")
		young := f.entity("D", "company", "2024-02-01")
		r, err := f.svc.FileReport(f.as(co), report(co, 2023))
		if err != nil || r.Late || r.Channel != "online" || !r.Publish {
			t.Fatalf("file: %+v %v", r, err)
		}
		if _, err := f.svc.FileReport(f.as(co), report(co, 2023)); code(err) != qcity.ECONFLICT {
			t.Errorf("second filing: %v", err)
		}
		// Another enterprise cannot file for it; a branch does not file; an entity set up in
		// 2024 owes nothing for 2023.
		if _, err := f.svc.FileReport(f.as(ind), report(co, 2022)); code(err) != qcity.EFORBIDDEN {
			t.Errorf("filing for another: %v", err)
		}
		if _, err := f.svc.FileReport(f.as(br), report(br, 2023)); code(err) != qcity.EINVALID {
			t.Errorf("branch: %v", err)
		}
		if _, err := f.svc.FileReport(f.as(young), report(young, 2023)); code(err) != qcity.EINVALID {
			t.Errorf("not due: %v", err)
		}
		// Officials enter paper filings of individual businesses only.
		if _, err := f.svc.FileReport(f.county, report(co, 2022)); code(err) != qcity.EFORBIDDEN {
			t.Errorf("paper filing for a company: %v", err)
		}
		in := report(ind, 2023)
		no := false
		in.Publish = &no
		in.Contents.Postcode = ""
		pr, err := f.svc.FileReport(f.county, in)
		if err != nil || pr.Channel != "paper" || pr.Publish {
			t.Fatalf("paper filing: %+v %v", pr, err)
		}
		// Bad fields.
		bad := report(co, 2022)
		bad.Contents.Phone, bad.Contents.Email, bad.Contents.Postcode, bad.Contents.OperatingStatus = "12", "not-an-email", "52400", "open"
		bad.Optional = map[string]string{"revenue": "12.345", "owner": "x"}
		_, err = f.svc.FileReport(f.as(co), bad)
		if qe := qcity.AsError(err); qe == nil || len(qe.Fields) != 6 {
			t.Errorf("bad fields: %v", err)
		}
		// A correction before 30 June keeps old and new values.
		f.setToday("2024-06-30")
		c := report(co, 2023)
		c.Contents.Phone = "0759-2288999"
		c.PublishOptional = []string{"headcount", "revenue"}
		r, err = f.svc.CorrectReport(f.as(co), c)
		if err != nil || len(r.Corrections) != 2 || r.Corrections[0].Field != "phone" || r.Corrections[0].Old != "0759-2288001" {
			t.Fatalf("correction: %+v %v", r.Corrections, err)
		}
		f.setToday("2024-07-01")
		if _, err := f.svc.CorrectReport(f.as(co), report(co, 2023)); code(err) != qcity.ECONFLICT {
			t.Errorf("correction after 30 June: %v", err)
		}
		// The public sees the published optional fields and the individual's filing only.
		pub, err := f.svc.FindReport(context.Background(), co.USCC, 2023)
		if err != nil || pub.Optional["revenue"] != "1200.50" || pub.Optional["net_profit"] != "" || len(pub.Corrections) != 2 {
			t.Errorf("public report: %+v %v", pub, err)
		}
		pi, err := f.svc.FindReport(context.Background(), ind.USCC, 2023)
		if err != nil || pi.Contents.Address != "" || pi.FiledOn.IsZero() {
			t.Errorf("unpublished individual report: %+v %v", pi, err)
		}
		// The rate: due are A, B (C is a branch, D set up in 2024); both filed on time.
		rows, total, err := f.svc.ReportRate(f.city, credit.RateFilter{Year: 2023, AsOf: date("2024-07-01")})
		if err != nil || total.Due != 2 || total.Filed != 2 || total.OnTime != 2 || total.Rate != 100 || len(rows) != 1 || rows[0].Rank != 1 {
			t.Errorf("rate: %+v %+v %v", rows, total, err)
		}
		// As of February, before any filing, nobody had filed.
		_, total, _ = f.svc.ReportRate(f.city, credit.RateFilter{Year: 2023, AsOf: date("2024-02-01"), Group: "type"})
		if total.Filed != 0 || total.Due != 2 {
			t.Errorf("rate as of February: %+v", total)
		}
		un, n, err := f.svc.FindUnfiled(f.city, 2023, date("2024-02-01"), "", 10, 0)
		if err != nil || n != 2 || len(un) != 2 {
			t.Errorf("unfiled: %d %v", n, err)
		}
	})
}

// The abnormal list for a missing report, from the engine's proposal to removal after
// a late filing, with objections, the log and the public lists.
func TestAbnormalListing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "2024-03-01")
		filed := f.entity("A", "company", "2023-03-01")
		late := f.entity("B", "company", "2023-03-01")
		never := f.entity("C", "company", "2023-03-01")
		ind := f.entity("D", "individual_business", "2023-03-01")
		if _, err := f.svc.FileReport(f.as(filed), report(filed, 2023)); err != nil {
			t.Fatal(err)
		}
		// 30 June: nothing yet.
		if s := f.run("2024-06-30"); s.Proposed != 0 || s.ReportYear != 2022 {
			t.Fatalf("30 June: %+v", s)
		}
		// 1 July: B, C and D are proposed, to be decided by 12 July.
		s := f.run("2024-07-01")
		if s.Proposed != 3 || s.ReportYear != 2023 {
			t.Fatalf("1 July: %+v", s)
		}
		// A second run of the same date is skipped; a forced one changes nothing.
		if s := f.run("2024-07-01"); !s.Skipped {
			t.Errorf("second run not skipped: %+v", s)
		}
		if s, err := f.svc.RunRules(context.Background(), date("2024-07-01"), true); err != nil || s.Changes() != 0 {
			t.Errorf("forced second run changed %d: %+v %v", s.Changes(), s, err)
		}
		props, n, err := f.svc.FindAbnormals(f.city, credit.AbnormalFilter{State: credit.StateProposed}, true)
		if err != nil || n != 3 || props[0].DecideBy != date("2024-07-12") {
			t.Fatalf("proposals: %d %+v %v", n, props, err)
		}
		// Proposals are not public.
		if _, n, _ := f.svc.PublicAbnormalList(context.Background(), credit.AbnormalFilter{}, ""); n != 0 {
			t.Errorf("proposals public: %d", n)
		}
		// B files late on 3 July: its proposal is withdrawn.
		f.setToday("2024-07-03")
		r, err := f.svc.FileReport(f.as(late), report(late, 2023))
		if err != nil || !r.Late {
			t.Fatalf("late filing: %+v %v", r, err)
		}
		ids := make([]int64, len(props))
		for i, p := range props {
			ids[i] = p.ID
		}
		// A county official confirms in bulk on 8 July: C and D are listed, B skipped.
		f.setToday("2024-07-08")
		listed, skipped, err := f.svc.ConfirmProposals(f.county, ids)
		if err != nil || len(listed) != 2 || skipped != 1 {
			t.Fatalf("confirm: %d listed, %d skipped, %v", len(listed), skipped, err)
		}
		var cList, dMark credit.Abnormal
		for _, a := range listed {
			if a.USCC == never.USCC {
				cList = a
			} else {
				dMark = a
			}
		}
		if cList.ListedOn != date("2024-07-08") || !strings.Contains(cList.DecisionNo, "异列〔2024〕") || cList.Authority != "湛江市霞山区市场监督管理局" {
			t.Errorf("listing: %+v", cList)
		}
		if !dMark.Individual || dMark.PublicityEndsOn != date("2025-06-30") {
			t.Errorf("individual mark: %+v", dMark)
		}
		pub, n, err := f.svc.PublicAbnormalList(context.Background(), credit.AbnormalFilter{}, "true")
		if err != nil || n != 2 || pub[0].LogIndex < 0 {
			t.Fatalf("public list: %d %+v %v", n, pub, err)
		}
		f.verify()
		// Objections run 30 days from listing.
		f.setToday("2024-08-08")
		if _, err := f.svc.ObjectAbnormal(f.as(never), cList.ID, "我司已于六月份按时报送年度报告，系统未收到。"); code(err) != qcity.ECONFLICT {
			t.Errorf("objection after 30 days: %v", err)
		}
		f.setToday("2024-08-07")
		a, err := f.svc.ObjectAbnormal(f.as(never), cList.ID, "我司已于六月份按时报送年度报告，系统未收到。")
		if err != nil || a.ObjectionState != credit.ObjectionFiled || a.ObjectionDue != date("2024-08-14") {
			t.Fatalf("objection: %+v %v", a, err)
		}
		if _, err := f.svc.DecideObjection(f.county, cList.ID, "uphold", "核实"); err != nil {
			t.Fatal(err)
		}
		// Rejected objection... it was upheld, so the listing is revoked.
		a, _ = f.svc.FindAbnormal(f.city, cList.ID)
		if a.State != credit.StateRevoked || a.RemovalDecisionNo == "" {
			t.Errorf("upheld objection: %+v", a)
		}
		// The individual business files late and applies to have its mark removed.
		f.setToday("2024-09-02")
		if _, err := f.svc.ApplyRepair(f.as(ind), credit.RepairInput{USCC: ind.USCC, Target: credit.TargetAbnormal, TargetID: dMark.ID,
			Statement: "已补报"}); code(err) != qcity.EINVALID {
			t.Errorf("removal before filing: %v", err)
		}
		if _, err := f.svc.FileReport(f.as(ind), report(ind, 2023)); err != nil {
			t.Fatal(err)
		}
		app, err := f.svc.ApplyRepair(f.as(ind), credit.RepairInput{USCC: ind.USCC, Target: credit.TargetAbnormal, TargetID: dMark.ID, Statement: "已补报2023年度报告"})
		if err != nil || app.DecideBy != date("2024-09-09") {
			t.Fatalf("apply: %+v %v", app, err)
		}
		if _, err := f.svc.DecideRepair(f.as(ind), app.ID, credit.DecisionApprove, ""); code(err) != qcity.EFORBIDDEN {
			t.Errorf("enterprise deciding: %v", err)
		}
		app, err = f.svc.DecideRepair(f.county, app.ID, credit.DecisionApprove, "材料齐全")
		if err != nil || app.State != credit.RepairApproved {
			t.Fatalf("approve: %+v %v", app, err)
		}
		a, _ = f.svc.FindAbnormal(context.Background(), dMark.ID)
		if a.State != credit.StateRemoved || a.RemovedOn != date("2024-09-02") || a.RemovalDecisionNo == "" {
			t.Errorf("removed: %+v", a)
		}
		v := f.verify()
		kinds := map[string]int{}
		for _, rec := range v.Records {
			e, _ := translog.Decode(rec)
			kinds[e.Kind]++
		}
		if kinds[credit.KindAbnormalListed] != 2 || kinds[credit.KindAbnormalRevoked] != 1 || kinds[credit.KindAbnormalRemoved] != 1 {
			t.Errorf("log kinds: %v", kinds)
		}
		// Somebody edits a listing row behind qcity's back: the log no longer matches.
		if _, err := d.Exec(context.Background(), `UPDATE abnormal_listings SET listed_on = ? WHERE id = ?`, date("2024-07-01"), cList.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := credit.LoggedStates(context.Background(), d)
		want, _ := translog.Replay(v.Records)
		if diffs := translog.CompareStates(want, got); len(diffs) != 1 || !strings.Contains(diffs[0], "abnormal/") {
			t.Errorf("tampering not seen: %v", diffs)
		}
	})
}

func TestUnreachableAndRevocationCandidates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "2023-07-01")
		e := f.entity("U", "company", "2015-03-01")
		f.run("2023-07-01")
		props, _, _ := f.svc.FindAbnormals(f.city, credit.AbnormalFilter{State: credit.StateProposed}, true)
		if _, _, err := f.svc.ConfirmProposals(f.city, []int64{props[0].ID}); err != nil {
			t.Fatal(err)
		}
		f.run("2024-07-01")
		props, _, _ = f.svc.FindAbnormals(f.city, credit.AbnormalFilter{State: credit.StateProposed}, true)
		f.setToday("2024-07-02")
		if _, _, err := f.svc.ConfirmProposals(f.city, []int64{props[0].ID}); err != nil {
			t.Fatal(err)
		}
		// Letters 14 days apart do not prove unreachability; 20 days do.
		in := credit.ListInput{USCC: e.USCC, Reason: credit.ReasonUnreachable,
			Facts: credit.AbnormalFacts{Letter1On: date("2024-05-01"), Letter2On: date("2024-05-15")}}
		if _, err := f.svc.ListAbnormal(f.city, in); code(err) != qcity.EINVALID {
			t.Errorf("letters too close: %v", err)
		}
		in.Facts.Letter2On = date("2024-05-21")
		if _, err := f.svc.ListAbnormal(f.city, in); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ListAbnormal(f.city, in); code(err) != qcity.ECONFLICT {
			t.Errorf("listed twice: %v", err)
		}
		c, err := f.svc.RevocationCandidates(f.city, "")
		if err != nil || len(c) != 1 || c[0].Years != [2]int{2022, 2023} {
			t.Fatalf("revocation candidates: %+v %v", c, err)
		}
		if s := f.run("2024-07-03"); s.Reminders == 0 {
			t.Errorf("no reminder raised: %+v", s)
		}
		rs, _ := f.svc.Reminders(f.city, "", 50)
		found := false
		for _, r := range rs {
			found = found || r.Kind == credit.ReminderRevocation
		}
		if !found {
			t.Errorf("reminders: %+v", rs)
		}
		// Ad-hoc information: the ordered deadline must have passed.
		adhoc := credit.ListInput{USCC: e.USCC, Reason: credit.ReasonAdhocInfo,
			Facts: credit.AbnormalFacts{OrderedOn: date("2024-06-20"), OrderDue: date("2024-07-05")}}
		if _, err := f.svc.ListAbnormal(f.city, adhoc); code(err) != qcity.EINVALID {
			t.Errorf("order not yet due: %v", err)
		}
		// Out of the county official's region.
		other := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, Name: "chikan", Role: qcity.RoleCountyOfficial, Region: "440802"})
		adhoc.Facts.OrderDue = date("2024-07-01")
		if _, err := f.svc.ListAbnormal(other, adhoc); code(err) != qcity.EFORBIDDEN {
			t.Errorf("other county: %v", err)
		}
		f.verify()
	})
}

func penaltyInput(e registry.Entity, no string, decided string) credit.PenaltyInput {
	return credit.PenaltyInput{USCC: e.USCC, DecisionNo: no, DecidedOn: date(decided), Kinds: []string{"fine", "confiscation"},
		Fine: "150000", Confiscated: "23000", Domain: "food", Violation: "生产经营致病性微生物超过食品安全标准限量的食品",
		Basis: "《中华人民共和国食品安全法》第一百二十四条"}
}

func TestPenaltiesAndSeriousList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "2024-05-10")
		e := f.entity("P", "company", "2015-03-01")
		light, err := f.svc.RecordPenalty(f.county, credit.PenaltyInput{USCC: e.USCC, DecisionNo: "湛霞市监罚〔2024〕1号",
			DecidedOn: date("2024-05-08"), Kinds: []string{"warning", "fine"}, Fine: "3000", Domain: "quality", Violation: "标签不规范", Basis: "产品质量法"})
		if err != nil || light.PublicityTerm != "3m" || light.PublicityEndsOn != date("2024-08-10") {
			t.Fatalf("light penalty: %+v %v", light, err)
		}
		warn, err := f.svc.RecordPenalty(f.county, credit.PenaltyInput{USCC: e.USCC, DecisionNo: "湛霞市监罚〔2024〕2号",
			DecidedOn: date("2024-05-08"), Kinds: []string{"warning"}, Domain: "quality", Violation: "标签不规范", Basis: "产品质量法"})
		if err != nil || warn.State != credit.PenaltyUnpublished {
			t.Fatalf("warning: %+v %v", warn, err)
		}
		heavy, err := f.svc.RecordPenalty(f.county, penaltyInput(e, "湛霞市监罚〔2024〕3号", "2024-05-09"))
		if err != nil || heavy.Heavier || heavy.PublicityTerm != "3y" || heavy.EarlyEndFrom != date("2025-05-11") {
			t.Fatalf("heavy: %+v %v", heavy, err)
		}
		if _, err := f.svc.RecordPenalty(f.county, penaltyInput(e, "湛霞市监罚〔2024〕3号", "2024-05-09")); code(err) != qcity.ECONFLICT {
			t.Errorf("duplicate decision number: %v", err)
		}
		// The legal representative's name is published while the penalty is, and is in
		// the log only as a commitment.
		list, _, _ := f.svc.PublicPenaltyList(context.Background(), credit.PenaltyFilter{})
		if len(list) != 2 || list[0].LegalRep != "张P" {
			t.Fatalf("published penalties: %+v", list)
		}
		v := f.verify()
		for _, r := range v.Records {
			if strings.Contains(string(r), "张P") {
				t.Fatal("personal data in the clear in the log")
			}
		}
		// The gate: a fine not at the heavier end cannot ground a serious listing.
		sin := credit.SeriousInput{USCC: e.USCC, PenaltyDecisionNo: light.DecisionNo, Circumstances: []string{"5.4"},
			Facts: "抽检致病菌超标，拒不召回", IntentEstablished: true}
		if _, err := f.svc.ProposeSerious(f.county, sin); code(err) != qcity.EINVALID {
			t.Errorf("light penalty accepted for the serious list: %v", err)
		}
		sin.PenaltyDecisionNo = heavy.DecisionNo
		sin.IntentEstablished = false
		if _, err := f.svc.ProposeSerious(f.county, sin); code(err) != qcity.EINVALID {
			t.Errorf("no intent accepted: %v", err)
		}
		// heavy is a fine and confiscation: heavier only if the official says so.
		if _, err := f.svc.ProposeSerious(f.county, credit.SeriousInput{USCC: e.USCC, PenaltyDecisionNo: heavy.DecisionNo,
			Circumstances: []string{"5.4"}, Facts: "x", IntentEstablished: true}); code(err) != qcity.EINVALID {
			t.Errorf("not-heavier fine accepted: %v", err)
		}
		in := penaltyInput(e, "湛霞市监罚〔2024〕4号", "2024-05-09")
		in.Heavier = true
		heavy, err = f.svc.RecordPenalty(f.county, in)
		if err != nil {
			t.Fatal(err)
		}
		sin.PenaltyDecisionNo, sin.IntentEstablished = heavy.DecisionNo, true
		l, err := f.svc.ProposeSerious(f.county, sin)
		if err != nil || l.State != credit.SeriousProposed {
			t.Fatalf("propose: %+v %v", l, err)
		}
		if _, err := f.svc.StepSerious(f.county, l.ID, credit.StepApprove, ""); code(err) != qcity.ECONFLICT {
			t.Errorf("approve out of order: %v", err)
		}
		if l, err = f.svc.StepSerious(f.county, l.ID, credit.StepHearing, "当事人申请听证，2024-05-20举行"); err != nil {
			t.Fatal(err)
		}
		if l, err = f.svc.StepSerious(f.county, l.ID, credit.StepSubmit, ""); err != nil || l.State != credit.SeriousPendingApproval {
			t.Fatalf("submit: %+v %v", l, err)
		}
		if _, err := f.svc.StepSerious(f.county, l.ID, credit.StepApprove, ""); code(err) != qcity.EFORBIDDEN {
			t.Errorf("county approving its own proposal: %v", err)
		}
		f.setToday("2024-05-20")
		if l, err = f.svc.StepSerious(f.city, l.ID, credit.StepApprove, ""); err != nil || l.State != credit.SeriousListed ||
			l.ListedOn != date("2024-05-20") || l.ExpiresOn != date("2027-05-20") {
			t.Fatalf("approve: %+v %v", l, err)
		}
		// Early removal: not before a full year.
		commitment := credit.Upload{Name: "承诺书.pdf", Role: "commitment", Data: []byte("%PDF-1.4\n承诺")}
		evidence := credit.Upload{Name: "缴款凭证.png", Role: "evidence", Data: append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)}
		all := credit.Conditions{PenaltyPerformed: true, HarmRemoved: true, NoNewPenalty: true, NoRestriction: true}
		rin := credit.RepairInput{USCC: e.USCC, Target: credit.TargetSerious, TargetID: l.ID, Statement: "已履行处罚，消除影响",
			Conditions: all, Files: []credit.Upload{commitment, evidence}}
		f.setToday("2025-05-20")
		if _, err := f.svc.ApplyRepair(f.as(e), rin); code(err) != qcity.EINVALID {
			t.Errorf("early removal within the year: %v", err)
		}
		f.setToday("2025-05-21")
		// Files: a renamed executable is refused.
		bad := rin
		bad.Files = []credit.Upload{{Name: "承诺书.pdf", Role: "commitment", Data: []byte("MZ\x90\x00 not a pdf")}, evidence}
		if _, err := f.svc.ApplyRepair(f.as(e), bad); code(err) != qcity.EINVALID {
			t.Errorf("bad file accepted: %v", err)
		}
		missing := rin
		missing.Conditions.HarmRemoved = false
		if _, err := f.svc.ApplyRepair(f.as(e), missing); code(err) != qcity.EINVALID {
			t.Errorf("unmet condition accepted: %v", err)
		}
		app, err := f.svc.ApplyRepair(f.as(e), rin)
		if err != nil || app.AcceptBy != date("2025-05-23") || len(app.Documents) != 2 {
			t.Fatalf("apply: %+v %v", app, err)
		}
		if _, err := f.svc.ApplyRepair(f.as(e), rin); code(err) != qcity.ECONFLICT {
			t.Errorf("second open application: %v", err)
		}
		if _, err := f.svc.DecideRepair(f.county, app.ID, credit.DecisionApprove, ""); code(err) != qcity.ECONFLICT {
			t.Errorf("approve before accepting: %v", err)
		}
		f.setToday("2025-05-22")
		if app, err = f.svc.DecideRepair(f.county, app.ID, credit.DecisionAccept, ""); err != nil || app.DecideBy != date("2025-06-13") {
			t.Fatalf("accept: %+v %v", app, err)
		}
		doc, data, err := f.svc.DocumentData(f.as(e), app.Documents[0].ID)
		if err != nil || doc.ContentType != "application/pdf" || len(data) != len(commitment.Data) {
			t.Errorf("document: %+v %v", doc, err)
		}
		if _, _, err := f.svc.DocumentData(context.Background(), app.Documents[0].ID); code(err) != qcity.ENOTFOUND {
			t.Errorf("document visible to the public: %v", err)
		}
		f.setToday("2025-06-03")
		if app, err = f.svc.DecideRepair(f.county, app.ID, credit.DecisionApprove, "符合条件"); err != nil || app.StopBy != date("2025-06-06") {
			t.Fatalf("approve: %+v %v", app, err)
		}
		l, _ = f.svc.FindSerious(context.Background(), l.ID)
		if l.State != credit.SeriousRemovedEarly || l.RemovedOn != date("2025-06-03") {
			t.Errorf("removed early: %+v", l)
		}
		// The removal was obtained by fraud: relisted, the term restarts.
		f.setToday("2025-09-01")
		if l, err = f.svc.StepSerious(f.city, l.ID, credit.StepRelist, "提交虚假材料骗取移出"); err != nil ||
			l.State != credit.SeriousListed || l.ExpiresOn != date("2028-09-01") || l.Relisted != 1 {
			t.Fatalf("relist: %+v %v", l, err)
		}
		// Revoking or rejecting by hand needs its reasons.
		for _, step := range []string{credit.StepRevoke, credit.StepReject} {
			if _, err := f.svc.StepSerious(f.city, l.ID, step, " "); code(err) != qcity.EINVALID && code(err) != qcity.ECONFLICT {
				t.Errorf("%s without a note: %v", step, err)
			}
		}
		if _, err := f.svc.StepSerious(f.city, l.ID, credit.StepRevoke, ""); code(err) != qcity.EINVALID {
			t.Errorf("revoke without a note: %v", err)
		}
		// The penalty is annulled: the listing is revoked and the publication withdrawn.
		f.setToday("2025-10-10")
		p, err := f.svc.AnnulPenalty(f.county, heavy.ID, "复议撤销")
		if err != nil || p.State != credit.PenaltyWithdrawn {
			t.Fatalf("annul: %+v %v", p, err)
		}
		l, _ = f.svc.FindSerious(context.Background(), l.ID)
		if l.State != credit.SeriousRevoked {
			t.Errorf("listing after annulment: %+v", l)
		}
		f.verify()
		// Risk: the entity had a serious listing, now revoked; penalties remain.
		rc, err := f.svc.RiskOf(f.city, e.USCC)
		if err != nil || rc.Factors.SeriousListed || rc.Factors.Penalties != 2 {
			t.Errorf("risk: %+v %v", rc, err)
		}
		if _, err := f.svc.RiskOf(f.as(e), e.USCC); code(err) != qcity.EFORBIDDEN {
			t.Errorf("risk class shown to the enterprise: %v", err)
		}
	})
}

// The engine across several years: terms end on the right day whatever day it runs,
// and the personal data of ended penalties is erased while the log stays whole.
func TestRulesAcrossYears(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "2021-01-04")
		e := f.entity("Y", "company", "2015-03-01")
		p, err := f.svc.RecordPenalty(f.city, credit.PenaltyInput{USCC: e.USCC, DecisionNo: "湛市监罚〔2021〕9号",
			DecidedOn: date("2021-01-04"), Kinds: []string{"criticism"}, Domain: "quality", Violation: "x", Basis: "y"})
		if err != nil {
			t.Fatal(err)
		}
		in := penaltyInput(e, "湛市监罚〔2021〕10号", "2021-01-04")
		in.Kinds, in.Heavier = []string{"fine", "permit_revoked"}, true
		heavy, err := f.svc.RecordPenalty(f.city, in)
		if err != nil {
			t.Fatal(err)
		}
		l, err := f.svc.ProposeSerious(f.city, credit.SeriousInput{USCC: e.USCC, PenaltyDecisionNo: heavy.DecisionNo,
			Circumstances: []string{"5.2"}, Facts: "添加非食用物质", IntentEstablished: true})
		if err != nil {
			t.Fatal(err)
		}
		f.svc.StepSerious(f.city, l.ID, credit.StepSubmit, "")
		if l, err = f.svc.StepSerious(f.city, l.ID, credit.StepApprove, "省局同意（粤市监函〔2021〕1号）"); err != nil {
			t.Fatal(err)
		}
		// Run the engine weekly from 2021 to mid-2024, with one gap of a month.
		ended, expired := qcity.Date{}, qcity.Date{}
		for day := date("2021-01-05"); day.Before(date("2024-06-01")); day = day.AddDays(7) {
			if day.After(date("2022-03-01")) && day.Before(date("2022-04-01")) {
				continue
			}
			s := f.run(day.String())
			if s.PenaltiesEnded > 0 && ended.IsZero() {
				ended = day
			}
			if s.SeriousExpired > 0 {
				expired = day
			}
		}
		p, _ = f.svc.FindPenalty(f.city, p.ID)
		if p.State != credit.PenaltyEnded || p.EndedOn != date("2021-04-05") || ended.Before(p.EndedOn) {
			t.Errorf("3-month publicity: %+v (ended by the run of %s)", p, ended)
		}
		l, _ = f.svc.FindSerious(f.city, l.ID)
		if l.State != credit.SeriousExpired || l.RemovedOn != date("2024-01-05") || expired.IsZero() {
			t.Errorf("serious expiry: %+v", l)
		}
		heavy, _ = f.svc.FindPenalty(f.city, heavy.ID)
		if heavy.State != credit.PenaltyEnded || heavy.EndedOn != date("2024-01-05") {
			t.Errorf("3-year publicity: %+v", heavy)
		}
		if _, _, ok, _ := translog.Opening(context.Background(), d, heavy.LegalRepCommitment); ok {
			t.Error("legal representative still opened after the term")
		}
		// A forced re-run of every date changes nothing.
		for _, day := range []string{"2021-04-06", "2022-03-15", "2024-01-05", "2024-05-27"} {
			f.setToday(day)
			if s, err := f.svc.RunRules(context.Background(), date(day), true); err != nil || s.Changes() != 0 {
				t.Errorf("rerun %s: %+v %v", day, s, err)
			}
		}
		f.verify()
	})
}

// Two qcity instances share one PostgreSQL database and both start the day's run at
// once: exactly one executes it.
func TestRulesRunOnceAcrossInstances(t *testing.T) {
	d1, d2 := dbtest.PostgresTwice(t)
	f := newFixture(t, d1, "2024-03-01")
	for i := range 30 {
		f.entity(string(rune('a'+i%26))+string(rune('A'+i/26)), "company", "2020-01-01")
	}
	j, _ := region.Default().Jurisdiction("440800")
	// The second instance uses the same log key, as instances of one deployment do.
	other := credit.NewService(d2, f.clock, registry.NewService(d2, f.clock, j), f.log2(d2), j)
	if err := other.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, day := range []string{"2024-07-01", "2024-07-02", "2024-08-01", "2025-07-01"} {
		f.setToday(day)
		start := make(chan struct{})
		type result struct {
			s   credit.Summary
			err error
		}
		out := make(chan result, 2)
		for _, svc := range []*credit.Service{f.svc, other} {
			go func() {
				<-start
				s, err := svc.RunRules(context.Background(), date(day), false)
				out <- result{s, err}
			}()
		}
		close(start)
		r1, r2 := <-out, <-out
		if r1.err != nil || r2.err != nil {
			t.Fatalf("%s: %v / %v", day, r1.err, r2.err)
		}
		if r1.s.Skipped == r2.s.Skipped {
			t.Fatalf("%s: skipped %v and %v: want exactly one run", day, r1.s.Skipped, r2.s.Skipped)
		}
	}
	var n int
	d1.QueryRow(context.Background(), `SELECT COUNT(*) FROM abnormal_listings WHERE report_year = 2023`).Scan(&n)
	if n != 30 {
		t.Errorf("proposals for 2023: %d, want 30 (one per entity)", n)
	}
	f.verify()
}

// log2 opens the fixture's log (same key) on another handle.
func (f *fixture) log2(d *db.DB) *translog.Log {
	l, err := translog.New(d, f.clock, f.skey)
	if err != nil {
		f.t.Fatal(err)
	}
	return l
}

// fieldKeys returns the message keys of an invalid-input error.
func fieldKeys(err error) []string {
	var e *qcity.Error
	if !errors.As(err, &e) {
		return nil
	}
	var keys []string
	for _, f := range e.Fields {
		keys = append(keys, f.Key)
	}
	return keys
}

// listSerious records a heavier penalty on e and lists e on the serious list on day.
func (f *fixture) listSerious(e registry.Entity, no, day string, restrictionUntil qcity.Date) credit.Serious {
	f.t.Helper()
	f.setToday(day)
	in := penaltyInput(e, no, day)
	in.Heavier, in.RestrictionUntil = true, restrictionUntil
	pen, err := f.svc.RecordPenalty(f.county, in)
	if err != nil {
		f.t.Fatal(err)
	}
	l, err := f.svc.ProposeSerious(f.county, credit.SeriousInput{USCC: e.USCC, PenaltyDecisionNo: pen.DecisionNo,
		Circumstances: []string{"5.4"}, Facts: "抽检致病菌超标，拒不召回", IntentEstablished: true})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.svc.StepSerious(f.county, l.ID, credit.StepSubmit, ""); err != nil {
		f.t.Fatal(err)
	}
	if l, err = f.svc.StepSerious(f.city, l.ID, credit.StepApprove, ""); err != nil || l.State != credit.SeriousListed {
		f.t.Fatalf("approve: %+v %v", l, err)
	}
	return l
}

// Order 44 Art. 16: no early removal while a restriction set by law still runs, nor
// after a new heavier penalty, whatever the enterprise ticks; and repair 办法 Art. 6
// condition 4 (not on either list) must still hold when the application is decided.
func TestEarlyEndConditionsFromData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "2024-05-20")
		commitment := credit.Upload{Name: "承诺书.pdf", Role: "commitment", Data: []byte("%PDF-1.4\n承诺")}
		evidence := credit.Upload{Name: "缴款凭证.png", Role: "evidence", Data: append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)}
		all := credit.Conditions{PenaltyPerformed: true, HarmRemoved: true, NoNewPenalty: true, NoRestriction: true}
		apply := func(e registry.Entity, target string, id int64) (credit.Repair, error) {
			return f.svc.ApplyRepair(f.as(e), credit.RepairInput{USCC: e.USCC, Target: target, TargetID: id,
				Statement: "已履行处罚，消除影响", Conditions: all, Files: []credit.Upload{commitment, evidence}})
		}

		// A restriction until 30 June 2026 (shorter than the term) bars an early removal
		// until it has ended.
		r := f.entity("R", "company", "2015-03-01")
		lr := f.listSerious(r, "湛霞市监罚〔2024〕11号", "2024-05-20", date("2026-06-30"))
		f.setToday("2025-06-02")
		if _, err := apply(r, credit.TargetSerious, lr.ID); !slices.Contains(fieldKeys(err), "credit.restriction_running") {
			t.Errorf("early removal during the restriction: %v", err)
		}
		f.setToday("2026-07-01")
		if _, err := apply(r, credit.TargetSerious, lr.ID); err != nil {
			t.Errorf("early removal after the restriction: %v", err)
		}

		// A new heavier penalty after the listing bars it; once annulled, it no longer does.
		n := f.entity("N", "company", "2015-03-01")
		ln := f.listSerious(n, "湛霞市监罚〔2024〕12号", "2024-05-20", qcity.Date{})
		f.setToday("2025-01-10")
		in := penaltyInput(n, "湛霞市监罚〔2025〕1号", "2025-01-10")
		in.Heavier = true
		again, err := f.svc.RecordPenalty(f.county, in)
		if err != nil {
			t.Fatal(err)
		}
		f.setToday("2025-06-02")
		if _, err := apply(n, credit.TargetSerious, ln.ID); !slices.Contains(fieldKeys(err), "credit.new_heavier_penalty") {
			t.Errorf("early removal after a new heavier penalty: %v", err)
		}
		if _, err := f.svc.AnnulPenalty(f.county, again.ID, "复议撤销"); err != nil {
			t.Fatal(err)
		}
		app, err := apply(n, credit.TargetSerious, ln.ID)
		if err != nil {
			t.Fatalf("early removal once the new penalty is annulled: %v", err)
		}
		if app, err = f.svc.DecideRepair(f.county, app.ID, credit.DecisionAccept, ""); err != nil {
			t.Fatal(err)
		}
		// Another heavier penalty while the application is pending: it cannot be approved.
		f.setToday("2025-06-05")
		in.DecisionNo, in.DecidedOn = "湛霞市监罚〔2025〕2号", date("2025-06-05")
		if _, err := f.svc.RecordPenalty(f.county, in); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.DecideRepair(f.county, app.ID, credit.DecisionApprove, "符合条件"); !slices.Contains(fieldKeys(err), "credit.new_heavier_penalty") {
			t.Errorf("approved despite a new heavier penalty: %v", err)
		}
		if l, _ := f.svc.FindSerious(f.city, ln.ID); l.State != credit.SeriousRemovalApplied {
			t.Errorf("listing after the refused approval: %+v", l)
		}

		// Penalty publicity: listed on the abnormal list between application and decision.
		f.setToday("2024-05-20")
		g := f.entity("G", "company", "2015-03-01")
		pin := penaltyInput(g, "湛霞市监罚〔2024〕13号", "2024-05-20")
		pin.Domain = "quality"
		pen, err := f.svc.RecordPenalty(f.county, pin)
		if err != nil || pen.EarlyEndFrom != date("2024-11-21") {
			t.Fatalf("penalty: %+v %v", pen, err)
		}
		f.setToday("2024-12-02")
		papp, err := apply(g, credit.TargetPenalty, pen.ID)
		if err != nil {
			t.Fatal(err)
		}
		if papp, err = f.svc.DecideRepair(f.county, papp.ID, credit.DecisionAccept, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ListAbnormal(f.city, credit.ListInput{USCC: g.USCC, Reason: credit.ReasonUnreachable,
			Facts: credit.AbnormalFacts{Letter1On: date("2024-10-08"), Letter2On: date("2024-10-28")}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.DecideRepair(f.county, papp.ID, credit.DecisionApprove, "符合条件"); !slices.Contains(fieldKeys(err), "credit.on_a_list") {
			t.Errorf("publication ended early while on the abnormal list: %v", err)
		}
		if p, _ := f.svc.FindPenalty(f.city, pen.ID); p.State != credit.PenaltyPublished {
			t.Errorf("penalty after the refused approval: %+v", p)
		}
		f.verify()
	})
}

// An individual business's mark for not filing is published from 1 July to the next
// 30 June; a mark for being unreachable has no such end and stays public until removed.
func TestIndividualMarkPublicity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "2024-03-01")
		ind := f.entity("I", "individual_business", "2020-03-01")
		if _, err := f.svc.FileReport(f.as(ind), report(ind, 2023)); err != nil {
			t.Fatal(err)
		}
		a, err := f.svc.ListAbnormal(f.city, credit.ListInput{USCC: ind.USCC, Reason: credit.ReasonUnreachable,
			Facts: credit.AbnormalFacts{Letter1On: date("2024-01-08"), Letter2On: date("2024-01-29")}})
		if err != nil || !a.Individual || !a.PublicityEndsOn.IsZero() {
			t.Fatalf("unreachable mark: %+v %v", a, err)
		}
		if s := f.run("2024-07-01"); s.MarksEnded != 0 {
			t.Errorf("marks ended on 1 July: %+v", s)
		}
		if s := f.run("2025-07-01"); s.MarksEnded != 0 {
			t.Errorf("marks ended a year on: %+v", s)
		}
		if a, _ = f.svc.FindAbnormal(f.city, a.ID); a.State != credit.StateListed {
			t.Errorf("unreachable mark after 30 June: %+v", a)
		}
		f.verify()
	})
}

// An upheld objection revokes the listing, and an open application to remove it is
// closed with it rather than left on the worklist with nothing to decide.
func TestUpheldObjectionClosesRepair(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "2024-03-01")
		e := f.entity("O", "company", "2020-03-01")
		a, err := f.svc.ListAbnormal(f.city, credit.ListInput{USCC: e.USCC, Reason: credit.ReasonUnreachable,
			Facts: credit.AbnormalFacts{Letter1On: date("2024-01-08"), Letter2On: date("2024-01-29")}})
		if err != nil {
			t.Fatal(err)
		}
		f.setToday("2024-03-05")
		evidence := credit.Upload{Name: "租赁合同.pdf", Role: "evidence", Data: []byte("%PDF-1.4\n合同")}
		app, err := f.svc.ApplyRepair(f.as(e), credit.RepairInput{USCC: e.USCC, Target: credit.TargetAbnormal, TargetID: a.ID,
			Statement: "已恢复正常联系", Files: []credit.Upload{evidence}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ObjectAbnormal(f.as(e), a.ID, "两封挂号信均寄错地址，我司一直在登记住所经营。"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.DecideObjection(f.city, a.ID, "uphold", "核实属实"); err != nil {
			t.Fatal(err)
		}
		if r, _ := f.svc.FindRepair(f.city, app.ID); r.State != credit.RepairRejected {
			t.Errorf("application after the listing was revoked: %+v", r)
		}
		if _, n, _ := f.svc.FindRepairs(f.city, credit.RepairFilter{State: "open"}); n != 0 {
			t.Errorf("%d applications still open", n)
		}
		f.verify()
	})
}

// An entity that owed last year's report but was deregistered before 1 July still
// counts as due, but is not proposed for listing; one deregistered after the proposal
// has it withdrawn and is not listed.
func TestNoListingOfCeasedEntities(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "2024-03-01")
		gone := f.entity("G", "company", "2020-03-01")
		later := f.entity("L", "company", "2020-03-01")
		f.entity("S", "company", "2020-03-01")
		ctx := context.Background()
		if _, err := d.Exec(ctx, `UPDATE entities SET status = 'deregistered', status_changed_on = ? WHERE uscc = ?`, date("2024-03-01"), gone.USCC); err != nil {
			t.Fatal(err)
		}
		if s := f.run("2024-07-01"); s.Proposed != 2 {
			t.Errorf("proposed %d, want 2 (the deregistered entity is not listed): %+v", s.Proposed, s)
		}
		props, _, _ := f.svc.FindAbnormals(f.city, credit.AbnormalFilter{State: credit.StateProposed}, true)
		ids := []int64{}
		for _, p := range props {
			if p.USCC == gone.USCC {
				t.Errorf("proposal for a deregistered entity: %+v", p)
			}
			ids = append(ids, p.ID)
		}
		if _, err := d.Exec(ctx, `UPDATE entities SET status = 'deregistered', status_changed_on = ? WHERE uscc = ?`, date("2024-07-03"), later.USCC); err != nil {
			t.Fatal(err)
		}
		f.setToday("2024-07-05")
		listed, skipped, err := f.svc.ConfirmProposals(f.city, ids)
		if err != nil || len(listed) != 1 || skipped != 1 || listed[0].USCC == later.USCC {
			t.Errorf("confirm: %+v skipped %d %v", listed, skipped, err)
		}
		if s, err := f.svc.RunRules(ctx, date("2024-07-05"), true); err != nil || s.Changes() != 0 {
			t.Errorf("second run: %+v %v", s, err)
		}
		f.verify()
	})
}
