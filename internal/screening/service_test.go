package screening_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/screening"
	"qcity/internal/translog"
	"qcity/internal/uscc"
)

type fixture struct {
	t      *testing.T
	d      *db.DB
	clock  *qcity.FixedClock
	reg    *registry.Service
	credit *credit.Service
	svc    *screening.Service
	city   context.Context
	client context.Context // a procurement platform's API key
	rnd    *rand.Rand
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	j, _ := region.Default().Jurisdiction("440800")
	f := &fixture{t: t, d: d, clock: &qcity.FixedClock{T: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}, rnd: rand.New(rand.NewPCG(5, 5))}
	f.reg = registry.NewService(d, f.clock, j)
	skey, _ := translog.GenerateKey("qcity.test/screening")
	log, err := translog.New(d, f.clock, skey)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := log.Init(ctx); err != nil {
		t.Fatal(err)
	}
	f.credit = credit.NewService(d, f.clock, f.reg, log, j)
	if err := f.credit.Load(ctx); err != nil {
		t.Fatal(err)
	}
	f.svc = screening.NewService(d, f.clock)
	if err := f.svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	f.city = qcity.WithActor(ctx, qcity.Actor{Kind: qcity.ActorUser, ID: 1, Name: "city", Role: qcity.RoleCityOfficial})
	f.client = qcity.WithActor(ctx, qcity.Actor{Kind: qcity.ActorAPIKey, ID: 7, Name: "湛江公共资源交易平台", Role: qcity.RoleAPIClient})
	return f
}

func (f *fixture) entity(name, county, rep string, former ...string) registry.Entity {
	f.t.Helper()
	e, err := f.reg.CreateEntity(f.city, registry.EntityInput{USCC: uscc.Generate(f.rnd, '9', '1', county), Name: name, FormerNames: former,
		Type: "company", LegalRepresentative: rep, Region: county, EstablishedOn: "2015-05-01"})
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

func (f *fixture) as(e registry.Entity) context.Context {
	return qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 60, Name: "ent", Role: qcity.RoleEnterprise, USCC: e.USCC})
}

func (f *fixture) screen(ctx context.Context, purpose string, subjects ...screening.Subject) screening.Screening {
	f.t.Helper()
	sc, err := f.svc.Screen(ctx, screening.Request{Purpose: purpose, Subjects: subjects})
	if err != nil {
		f.t.Fatal(err)
	}
	return sc
}

func lists(r screening.Result) string {
	var l []string
	for _, x := range r.Restrictions {
		l = append(l, x.List)
	}
	return strings.Join(l, ",")
}

func TestScreening(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		clean := f.entity("湛江市霞山区诚信建材有限公司", "440803", "李清")
		bad := f.entity("湛江市霞山区海滨水产有限公司", "440803", "张海", "湛江市霞山区海滨渔业有限公司")
		revoked := f.entity("湛江市赤坎区金帆电器有限公司", "440802", "王帆")
		// bad: unreachable (abnormal list), a heavier food penalty, and a serious listing.
		if _, err := f.credit.ListAbnormal(f.city, credit.ListInput{USCC: bad.USCC, Reason: credit.ReasonUnreachable,
			Facts: credit.AbnormalFacts{Letter1On: qcity.NewDate(2026, 1, 5), Letter2On: qcity.NewDate(2026, 1, 25)}}); err != nil {
			t.Fatal(err)
		}
		pen, err := f.credit.RecordPenalty(f.city, credit.PenaltyInput{USCC: bad.USCC, DecisionNo: "湛霞市监罚〔2026〕5号",
			DecidedOn: qcity.NewDate(2026, 2, 20), Kinds: []string{"fine", "confiscation"}, Fine: "300000", Domain: "food",
			Violation: "生产经营致病性微生物超标的水产制品", Basis: "《食品安全法》第一百二十四条", Heavier: true})
		if err != nil {
			t.Fatal(err)
		}
		l, err := f.credit.ProposeSerious(f.city, credit.SeriousInput{USCC: bad.USCC, PenaltyDecisionNo: pen.DecisionNo,
			Circumstances: []string{"5.4"}, Facts: "致病菌超标且拒不召回", IntentEstablished: true,
			Measures: []string{"procurement", "no_honours", "joint_punishment"}})
		if err != nil {
			t.Fatal(err)
		}
		f.credit.StepSerious(f.city, l.ID, credit.StepSubmit, "")
		if _, err := f.credit.StepSerious(f.city, l.ID, credit.StepApprove, "粤市监信函〔2026〕3号"); err != nil {
			t.Fatal(err)
		}
		// revoked: its licence was revoked; its legal representative is barred.
		if _, err := f.credit.RecordPenalty(f.city, credit.PenaltyInput{USCC: revoked.USCC, DecisionNo: "湛赤市监罚〔2026〕9号",
			DecidedOn: qcity.NewDate(2026, 2, 25), Kinds: []string{"licence_revoked"}, Domain: "quality",
			Violation: "生产销售不合格电器", Basis: "《产品质量法》第四十九条"}); err != nil {
			t.Fatal(err)
		}

		// By code: every restriction that applies to the purpose.
		sc := f.screen(f.client, "procurement",
			screening.Subject{Ref: "A", USCC: bad.USCC},
			screening.Subject{Ref: "B", USCC: clean.USCC, Name: clean.Name},
			screening.Subject{Ref: "C", USCC: bad.USCC[:17] + flip(bad.USCC[17]), Name: "海滨水产有限公司（湛江）"},
			screening.Subject{Ref: "D", Name: "湛江市霞山区海滨水产有限责任公司", LegalRepresentative: "张海"},
			screening.Subject{Ref: "E", Name: "海滨水产有限公司"},
			screening.Subject{Ref: "F", Name: "广东省湛江市霞山区海滨渔业有限公司"},
			screening.Subject{Ref: "G", Name: "湛江市麻章区顺风物流有限公司", LegalRepresentative: "王帆"},
			screening.Subject{Ref: "H", Name: "湛江市赤坎区海滨水产有限公司"},
		)
		byRef := map[string]screening.Result{}
		for _, r := range sc.Results {
			byRef[r.Ref] = r
		}
		if r := byRef["A"]; r.Status != "restricted" || lists(r) != "abnormal,serious,penalty" || r.Match.Features[0].Feature != "code_exact" {
			t.Errorf("A by code: %s %s %+v", r.Status, lists(r), r.Match)
		}
		for _, x := range byRef["A"].Restrictions {
			if x.LegalBasis == "" || x.Measure == "" || x.Authority == "" || x.DecisionNo == "" || x.ListedOn.IsZero() {
				t.Errorf("restriction lacks detail: %+v", x)
			}
		}
		if r := byRef["B"]; r.Status != "clear" || len(r.Restrictions) != 0 {
			t.Errorf("B clean: %+v", r)
		}
		if r := byRef["C"]; r.Status != "review" || len(r.Notes) == 0 || r.Notes[0].Key != "uscc.check" || r.Match == nil || r.Match.USCC != bad.USCC {
			t.Errorf("C bad check character: %+v", r)
		}
		if r := byRef["D"]; r.Status != "restricted" || r.Match.Features[0].Feature != "name_exact" || r.Match.Features[1].Feature != "legal_representative" {
			t.Errorf("D by name: %+v", r)
		}
		if r := byRef["E"]; r.Status != "review" || r.Match.Features[0].Feature != "name_exact_no_region" {
			t.Errorf("E without regions: %s %+v", r.Status, r.Match)
		}
		if r := byRef["F"]; r.Status != "restricted" || r.Match.Features[0].Feature != "former_name" {
			t.Errorf("F former name: %s %+v", r.Status, r.Match)
		}
		if r := byRef["G"]; r.Status != "review" || lists(r) != "barred_person" || r.Restrictions[0].Person != "王帆" {
			t.Errorf("G barred legal representative: %s %s", r.Status, lists(r))
		}
		if r := byRef["H"]; r.Status != "clear" || r.Match != nil {
			t.Errorf("H same name in another district: %s %+v", r.Status, r.Match)
		}
		if sc.Restricted != 3 || sc.Review != 3 || sc.Code == "" {
			t.Errorf("summary: %+v", sc)
		}
		// A valid credit code that is in no register does not settle it: a restricted
		// company's name under a made-up code is still found (for review). A bidder
		// given by its code alone is checked for a barred legal representative too,
		// the one on the register.
		madeUp := uscc.Generate(f.rnd, '9', '1', "440803")
		barredRep := f.entity("湛江市麻章区顺风物流有限公司", "440811", "王帆")
		sc2 := f.screen(f.client, "bidding",
			screening.Subject{Ref: "I", USCC: madeUp, Name: "湛江市霞山区海滨水产有限责任公司"},
			screening.Subject{Ref: "J", USCC: barredRep.USCC},
			screening.Subject{Ref: "K", USCC: clean.USCC},
			screening.Subject{Ref: "L", USCC: madeUp},
		)
		if r := sc2.Results[0]; r.Status != "review" || r.Match == nil || r.Match.USCC != bad.USCC || len(r.Notes) != 1 || r.Notes[0].Key != "screening.code_unregistered" {
			t.Errorf("I made-up code with a restricted name: %s %+v %+v", r.Status, r.Match, r.Notes)
		}
		if r := sc2.Results[1]; r.Status != "review" || lists(r) != "barred_person" || r.Restrictions[0].Person != "王帆" {
			t.Errorf("J by code, barred legal representative on the register: %s %s", r.Status, lists(r))
		}
		if r := sc2.Results[2]; r.Status != "clear" || len(r.Notes) != 0 {
			t.Errorf("K clean by code: %+v", r)
		}
		if r := sc2.Results[3]; r.Status != "clear" || len(r.Notes) != 1 || r.Notes[0].Key != "screening.code_unregistered" {
			t.Errorf("L made-up code alone: %+v", r)
		}
		// A serious listing for a false annual report bars its legal representative for
		// three years (企业信息公示暂行条例 Art. 18), for every purpose.
		liar := f.entity("湛江市坡头区宏图贸易有限公司", "440804", "赵明")
		if _, err := f.credit.RecordPenalty(f.city, credit.PenaltyInput{USCC: liar.USCC, DecisionNo: "湛坡市监罚〔2026〕2号",
			DecidedOn: qcity.NewDate(2026, 2, 26), Kinds: []string{"fine"}, Fine: "150000", Domain: "other",
			Violation: "年度报告隐瞒真实情况、弄虚作假", Basis: "《企业信息公示暂行条例》第十八条", Heavier: true}); err != nil {
			t.Fatal(err)
		}
		fl, err := f.credit.ProposeSerious(f.city, credit.SeriousInput{USCC: liar.USCC, PenaltyDecisionNo: "湛坡市监罚〔2026〕2号", Circumstances: []string{credit.CircumstanceFalseReport},
			Facts: "年度报告虚报资产与从业人数，情节严重", IntentEstablished: true, Measures: []string{"procurement", "joint_punishment"}})
		if err != nil {
			t.Fatal(err)
		}
		f.credit.StepSerious(f.city, fl.ID, credit.StepSubmit, "")
		if _, err := f.credit.StepSerious(f.city, fl.ID, credit.StepApprove, "粤市监信函〔2026〕4号"); err != nil {
			t.Fatal(err)
		}
		for _, p := range screening.Purposes {
			r := f.screen(f.client, p, screening.Subject{Ref: "M", Name: "湛江市遂溪县新宏贸易有限公司", LegalRepresentative: "赵 明"}).Results[0]
			if r.Status != "review" || lists(r) != "barred_person" || r.Restrictions[0].Person != "赵明" ||
				!strings.Contains(r.Restrictions[0].LegalBasis, "第十八条") || r.Restrictions[0].EndsOn != r.Restrictions[0].ListedOn.AddDays(365*3+1) {
				t.Errorf("%s: M represented by a person barred after a false report: %s %s %+v", p, r.Status, lists(r), r.Restrictions)
			}
		}
		if r := f.screen(f.client, "bidding", screening.Subject{Ref: "N", Name: "湛江市遂溪县新宏贸易有限公司", LegalRepresentative: "赵敏"}).Results[0]; r.Status != "clear" {
			t.Errorf("N another person: %s %s", r.Status, lists(r))
		}
		// Purposes: each gets the restrictions that apply to it.
		for _, c := range []struct{ purpose, lists string }{
			{"bidding", "abnormal,serious"}, {"licensing", "serious"}, {"honours", "abnormal,serious"},
			{"financing", "serious"}, {"other", "abnormal,serious"},
		} {
			r := f.screen(f.client, c.purpose, screening.Subject{Ref: "A", USCC: bad.USCC}).Results[0]
			if lists(r) != c.lists {
				t.Errorf("%s: %s, want %s", c.purpose, lists(r), c.lists)
			}
		}
		// A false positive, marked by the client, is suppressed for it alone; a code
		// match never is; the decision can be revoked.
		dec, err := f.svc.MarkFalsePositive(f.client, "湛江市霞山区海滨水产有限责任公司", bad.USCC, "另一家同名企业，已核实营业执照")
		if err != nil {
			t.Fatal(err)
		}
		if r := f.screen(f.client, "procurement", screening.Subject{Ref: "D", Name: "湛江市霞山区海滨水产有限责任公司"}).Results[0]; r.Status != "clear" || len(r.Notes) != 1 {
			t.Errorf("suppressed: %+v", r)
		}
		if r := f.screen(f.city, "procurement", screening.Subject{Ref: "D", Name: "湛江市霞山区海滨水产有限责任公司"}).Results[0]; r.Status != "restricted" {
			t.Errorf("another client's check suppressed: %+v", r)
		}
		if r := f.screen(f.client, "procurement", screening.Subject{Ref: "A", USCC: bad.USCC}).Results[0]; r.Status != "restricted" {
			t.Errorf("code match suppressed: %+v", r)
		}
		if err := f.svc.RevokeDecision(f.client, dec.ID); err != nil {
			t.Fatal(err)
		}
		if r := f.screen(f.client, "procurement", screening.Subject{Ref: "D", Name: "湛江市霞山区海滨水产有限责任公司"}).Results[0]; r.Status != "restricted" {
			t.Errorf("after revoking: %+v", r)
		}
		// Another instance on the same database sees a removal at its next screening.
		other := screening.NewService(d, f.clock)
		if err := other.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := f.credit.AnnulPenalty(f.city, pen.ID, "复议撤销"); err != nil {
			t.Fatal(err)
		}
		r, err := other.Screen(f.client, screening.Request{Purpose: "financing", Subjects: []screening.Subject{{Ref: "A", USCC: bad.USCC}}})
		if err != nil || r.Results[0].Status != "clear" {
			t.Errorf("after the annulment (serious listing revoked): %+v %v", r.Results[0], err)
		}
		// The trail and the public certificate.
		hist, total, err := f.svc.History(f.client, 50, 0)
		if err != nil || total < 8 || hist[0].ID <= hist[1].ID {
			t.Errorf("history: %d %v", total, err)
		}
		cert, err := f.svc.Certificate(context.Background(), strings.ToLower(strings.ReplaceAll(sc.Code, "-", " ")))
		if err != nil || len(cert.Subjects) != 8 || cert.Subjects[0].Status != "restricted" || cert.Client != "湛江公共资源交易平台" {
			t.Errorf("certificate: %+v %v", cert, err)
		}
		if _, err := f.svc.Certificate(context.Background(), "AAAA-BBBB-CCCC-DDDD"); qcity.ErrorCode(err) != qcity.ENOTFOUND {
			t.Errorf("unknown code: %v", err)
		}
		var audited int
		d.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE object_type = 'credit_query'`).Scan(&audited)
		if audited < 9 {
			t.Errorf("screenings audited: %d", audited)
		}
	})
}

func TestScreeningBadInput(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	many := make([]screening.Subject, screening.MaxSubjects+1)
	for i := range many {
		many[i] = screening.Subject{Ref: fmt.Sprint(i), Name: "甲"}
	}
	for _, c := range []struct {
		name  string
		req   screening.Request
		field string
	}{
		{"unknown purpose", screening.Request{Purpose: "gossip", Subjects: []screening.Subject{{Ref: "1", Name: "甲公司"}}}, "purpose"},
		{"no subjects", screening.Request{Purpose: "procurement"}, "subjects"},
		{"too many", screening.Request{Purpose: "procurement", Subjects: many}, "subjects"},
		{"no ref", screening.Request{Purpose: "procurement", Subjects: []screening.Subject{{Name: "甲公司"}}}, "subjects[0].ref"},
		{"repeated ref", screening.Request{Purpose: "procurement", Subjects: []screening.Subject{{Ref: "1", Name: "甲公司"}, {Ref: "1", Name: "乙公司"}}}, "subjects[1].ref"},
		{"neither code nor name", screening.Request{Purpose: "procurement", Subjects: []screening.Subject{{Ref: "1"}}}, "subjects[0].name"},
		{"name too long", screening.Request{Purpose: "procurement", Subjects: []screening.Subject{{Ref: "1", Name: strings.Repeat("甲", 201)}}}, "subjects[0].name"},
	} {
		_, err := f.svc.Screen(f.client, c.req)
		qe := qcity.AsError(err)
		if qe == nil || qe.Code != qcity.EINVALID || len(qe.Fields) == 0 || qe.Fields[0].Field != c.field {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	ent := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, Role: qcity.RoleEnterprise, USCC: "x"})
	if _, err := f.svc.Screen(ent, screening.Request{Purpose: "procurement", Subjects: []screening.Subject{{Ref: "1", Name: "甲公司"}}}); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
		t.Errorf("enterprise screening: %v", err)
	}
	var n int
	f.d.QueryRow(context.Background(), `SELECT COUNT(*) FROM screenings`).Scan(&n)
	if n != 0 {
		t.Errorf("%d screenings recorded for refused calls", n)
	}
}

func flip(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}
