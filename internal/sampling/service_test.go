package sampling_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/sampling"
	"qcity/internal/translog"
	"qcity/internal/uscc"
)

type fixture struct {
	d         *db.DB
	clock     *qcity.FixedClock
	reg       *registry.Service
	svc       *sampling.Service
	lab, lab2 registry.Organisation
	seller    registry.Entity
	official  context.Context
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	j, _ := region.Default().Jurisdiction("440800")
	f := &fixture{d: d, clock: &qcity.FixedClock{T: time.Date(2024, 1, 10, 2, 0, 0, 0, time.UTC)}}
	f.reg = registry.NewService(d, f.clock, j)
	f.svc = sampling.NewService(d, f.clock, f.reg, j)
	ctx := context.Background()
	if err := f.reg.LoadIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	f.official = qcity.WithActor(ctx, qcity.Actor{Kind: qcity.ActorUser, ID: 1, Name: "city", Role: qcity.RoleCityOfficial})
	var err error
	r := rand.New(rand.NewPCG(1, 1))
	f.lab, err = f.reg.CreateOrganisation(f.official, registry.OrganisationInput{Kind: "lab", Name: "湛江市食品检验所", USCC: uscc.Generate(r, '1', '2', "440800"), Region: "440802"})
	if err != nil {
		t.Fatal(err)
	}
	f.lab2, err = f.reg.CreateOrganisation(f.official, registry.OrganisationInput{Kind: "lab", Name: "广东复检检测有限公司", USCC: uscc.Generate(r, '9', '1', "440100"), Region: "440106"})
	if err != nil {
		t.Fatal(err)
	}
	skey, _ := translog.GenerateKey("qcity.test/sampling")
	if f.svc.Log, err = translog.New(d, f.clock, skey); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Log.Init(ctx); err != nil {
		t.Fatal(err)
	}
	f.seller, err = f.reg.CreateEntity(f.official, registry.EntityInput{USCC: uscc.Generate(r, '9', '2', "440803"), Name: "霞山区海鲜批发部",
		Type: "individual_business", LegalRepresentative: "吴二", Region: "440803", Industry: "5224"})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) labCtx(org registry.Organisation) context.Context {
	return qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 9, Name: "lab", Role: qcity.RoleLab, OrgID: org.ID})
}

func (f *fixture) input(no string, items ...sampling.ItemInput) sampling.SampleInput {
	return sampling.SampleInput{SampleNo: no, Kind: "food", Level: "city", Category: "酒类/白酒", ProductName: "米酒",
		Brand: "示例牌", Specification: "500mL/瓶", Batch: "2023-12-01", SellerUSCC: f.seller.USCC, SellerName: f.seller.Name,
		ProducerUSCC: "91440882MA4W0000" + "XX", ProducerName: "雷州市示例酒厂", Region: "440803", Stage: "流通",
		SampledOn: "2024-01-08", Samplers: []string{"甲", "乙"}, Lab: f.lab.Name, Items: items}
}

func producer(t testing.TB) string {
	r := rand.New(rand.NewPCG(7, 7))
	return uscc.Generate(r, '9', '1', "440882")
}

var (
	methanolOK  = sampling.ItemInput{Item: "甲醇", Result: "0.12", Unit: "g/L", Limit: "≤0.6", LabVerdict: "合格"}
	methanolBad = sampling.ItemInput{Item: "甲醇", Result: "0.9", Unit: "g/L", Limit: "≤0.6", LabVerdict: "不合格"}
	leadOK      = sampling.ItemInput{Item: "铅", Result: "未检出", Unit: "mg/kg", Limit: "≤0.2", LabVerdict: "合格"}
)

func TestSampleLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		labCtx := f.labCtx(f.lab)
		in := f.input("DC24440800001", methanolOK, leadOK)
		in.ProducerUSCC = producer(t)
		smp, err := f.svc.CreateSample(labCtx, in)
		if err != nil {
			t.Fatal(err)
		}
		if smp.Verdict != "pass" || smp.State != sampling.StatePassed || len(smp.Items) != 2 || smp.LabID != f.lab.ID {
			t.Fatalf("passed sample: %+v", smp)
		}
		// The unknown producer was registered, flagged for checking.
		prod, err := f.reg.FindEntityByUSCC(f.official, in.ProducerUSCC)
		if err != nil || !prod.NeedsCheck || prod.Source != "sampling" || prod.Name != "雷州市示例酒厂" || prod.Region != "440882" {
			t.Errorf("registered producer: %+v %v", prod, err)
		}
		// A fail the lab called a pass goes to review.
		in2 := f.input("DC24440800002", sampling.ItemInput{Item: "甲醇", Result: "0.9", Unit: "g/L", Limit: "≤0.6", LabVerdict: "合格"})
		in2.ProducerUSCC = producer(t)
		smp2, err := f.svc.CreateSample(labCtx, in2)
		if err != nil {
			t.Fatal(err)
		}
		if smp2.State != sampling.StateReview || smp2.Verdict != "fail" || smp2.Disagreements != 1 || !smp2.Items[0].Disagrees {
			t.Fatalf("disagreement: %+v", smp2)
		}
		// Labs cannot confirm; officials can.
		if _, err := f.svc.ApplyStep(labCtx, smp2.SampleNo, sampling.StepInput{Step: "confirm_verdict", Outcome: "fail"}); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("lab confirms: %v", err)
		}
		det, err := f.svc.ApplyStep(f.official, smp2.SampleNo, sampling.StepInput{Step: "confirm_verdict", Outcome: "fail", Note: "复核确认"})
		if err != nil || det.State != sampling.StateFailed {
			t.Fatalf("confirm: %v %+v", err, det.State)
		}
		// Serve the notice (day 2 after reporting).
		f.clock.Advance(48 * time.Hour)
		det, err = f.svc.ApplyStep(f.official, smp2.SampleNo, sampling.StepInput{Step: "serve_notice", Documents: []string{"湛市监食检〔2024〕1号"}})
		if err != nil || det.State != sampling.StateServed || det.DisposalState != "open" {
			t.Fatalf("serve: %v %+v", err, det.Sample)
		}
		// The sampled enterprise applies for a re-test; a stranger cannot.
		stranger := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, Role: qcity.RoleEnterprise, USCC: producer(t) + "x"})
		if _, err := f.svc.ApplyStep(stranger, smp2.SampleNo, sampling.StepInput{Step: "request_retest"}); qcity.ErrorCode(err) != qcity.ENOTFOUND {
			t.Errorf("stranger: %v", err)
		}
		ent := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 5, Name: "shop", Role: qcity.RoleEnterprise, USCC: f.seller.USCC})
		f.clock.Advance(24 * time.Hour)
		if det, err = f.svc.ApplyStep(ent, smp2.SampleNo, sampling.StepInput{Step: "request_retest", Note: "申请复检"}); err != nil || det.State != sampling.StateRetestRequested {
			t.Fatalf("request retest: %v %s", err, det.State)
		}
		if det, err = f.svc.ApplyStep(f.official, smp2.SampleNo, sampling.StepInput{Step: "accept_retest"}); err != nil {
			t.Fatal(err)
		}
		det, err = f.svc.ApplyStep(f.official, smp2.SampleNo, sampling.StepInput{Step: "assign_retest_lab"})
		if err != nil || det.RetestLabID != f.lab2.ID {
			t.Fatalf("assign: %v retest lab %d, want %d (never the first lab)", err, det.RetestLabID, f.lab2.ID)
		}
		// The window closes (7 working days after service, 2024-01-23): announce while
		// the re-test is pending.
		f.clock.Advance(11 * 24 * time.Hour)
		det, err = f.svc.ApplyStep(f.official, smp2.SampleNo, sampling.StepInput{Step: "announce"})
		if err != nil || !det.Announced || len(det.Announcements) != 1 || !det.Announcements[0].RetestPending {
			t.Fatalf("announce: %v %+v", err, det.Announcements)
		}
		if det.Announcements[0].Content.FailedItems[0].Item != "甲醇" || det.Announcements[0].Content.ProducerName != "雷州市示例酒厂" {
			t.Errorf("announcement content: %+v", det.Announcements[0].Content)
		}
		// The first lab cannot record the re-test; the re-test lab can, and it overturns.
		if _, err := f.svc.ApplyStep(labCtx, smp2.SampleNo, sampling.StepInput{Step: "record_retest", Items: []sampling.ItemInput{methanolOK}}); qcity.ErrorCode(err) == "" {
			t.Error("first lab recorded the re-test")
		}
		det, err = f.svc.ApplyStep(f.labCtx(f.lab2), smp2.SampleNo, sampling.StepInput{Step: "record_retest", Items: []sampling.ItemInput{methanolOK}, Note: "复检合格"})
		if err != nil || det.State != sampling.StateOverturned || det.Verdict != "pass" || det.FirstVerdict != "fail" {
			t.Fatalf("retest: %v %+v", err, det.Sample)
		}
		if a := det.Announcements[0]; a.Status != "superseded" || a.SupersededOn.IsZero() || a.SupersedeNote != "复检合格" {
			t.Errorf("superseded announcement: %+v", a)
		}
		// The log holds the publication and the supersession, and its last state of the
		// announcement is the one the data shows.
		checkLog(t, f, 2)
		// The public list still shows it, marked superseded.
		list, total, err := f.svc.FindAnnouncements(context.Background(), sampling.AnnouncementFilter{Q: "米酒"})
		if err != nil || total != 1 || list[0].Status != "superseded" {
			t.Errorf("public list: %d %v", total, err)
		}
		// Statistics: two samples judged, both passing now.
		_, tot := f.svc.Stats.Query(sampling.StatsFilter{Kind: "food", Year: 2024})
		if tot.Judged != 2 || tot.Passed != 2 {
			t.Errorf("stats after overturn: %+v", tot)
		}
		// The stats rebuilt from the database agree with the increments.
		if err := f.svc.Stats.Rebuild(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		if _, tot2 := f.svc.Stats.Query(sampling.StatsFilter{Kind: "food", Year: 2024}); tot2 != tot {
			t.Errorf("rebuilt %+v, incremental %+v", tot2, tot)
		}
		// The events tell the story.
		var steps []string
		for _, e := range det.Events {
			steps = append(steps, string(e.Step))
		}
		if got := strings.Join(steps, ","); got != "register,report,confirm_verdict,serve_notice,request_retest,accept_retest,assign_retest_lab,announce,record_retest" {
			t.Errorf("events: %s", got)
		}
	})
}

func TestSampleValidation(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	cases := []struct {
		name  string
		edit  func(*sampling.SampleInput)
		field string
		key   string
	}{
		{"bad sample number", func(in *sampling.SampleInput) { in.SampleNo = "DC 1" }, "sample_no", "sampling.sample_no_format"},
		{"unknown kind", func(in *sampling.SampleInput) { in.Kind = "drug" }, "kind", "sampling.kind_unknown"},
		{"unknown category", func(in *sampling.SampleInput) { in.Category = "火星食品" }, "category", "sampling.category_unknown"},
		{"region outside", func(in *sampling.SampleInput) { in.Region = "440106" }, "region_code", "region.not_in_jurisdiction"},
		{"future date", func(in *sampling.SampleInput) { in.SampledOn = "2024-02-01" }, "sampled_on", "sampling.date_future"},
		{"one sampler", func(in *sampling.SampleInput) { in.Samplers = []string{"甲"} }, "samplers", "sampling.two_samplers"},
		{"unknown lab", func(in *sampling.SampleInput) { in.Lab = "不存在的实验室" }, "lab", "sampling.lab_unknown"},
		{"bad producer code", func(in *sampling.SampleInput) { in.ProducerUSCC = "91440882MA4W00000X" }, "producer_uscc", ""},
		{"no party", func(in *sampling.SampleInput) {
			in.ProducerUSCC, in.SellerUSCC, in.ProducerName, in.SellerName = "", "", "", ""
		}, "seller_uscc", "sampling.party_required"},
		{"unknown stage", func(in *sampling.SampleInput) { in.Stage = "太空" }, "stage", "sampling.stage_unknown"},
		{"item without result", func(in *sampling.SampleInput) { in.Items[0].Result = "" }, "items[0].result", "registry.required"},
		{"unparseable result", func(in *sampling.SampleInput) { in.Items[0].Result = "很多" }, "items[0].result", ""},
		{"unparseable limit", func(in *sampling.SampleInput) { in.Items[0].Limit = "差不多" }, "items[0].limit", ""},
		{"duplicate item", func(in *sampling.SampleInput) { in.Items = append(in.Items, in.Items[0]) }, "items[1].item", "sampling.item_duplicate"},
		{"no limit anywhere", func(in *sampling.SampleInput) { in.Items[0].Limit = "" }, "items[0].limit", "sampling.limit_missing"},
		{"year mismatch", func(in *sampling.SampleInput) { in.Year = "2020" }, "year", "sampling.year_mismatch"},
	}
	for _, c := range cases {
		in := f.input("DC24440800099", methanolOK)
		in.ProducerUSCC = producer(t)
		c.edit(&in)
		_, err := f.svc.CreateSample(f.official, in)
		qe := qcity.AsError(err)
		if qe == nil || qe.Code != qcity.EINVALID {
			t.Errorf("%s: %v, want EINVALID", c.name, err)
			continue
		}
		found := false
		for _, fe := range qe.Fields {
			if fe.Field == c.field && (c.key == "" || fe.Key == c.key) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: fields %v, want %s %s", c.name, qe.Fields, c.field, c.key)
		}
	}
	var n int
	f.d.QueryRow(context.Background(), `SELECT COUNT(*) FROM samples`).Scan(&n)
	if n != 0 {
		t.Errorf("%d samples written by rejected inputs", n)
	}
}

func csvRows(rows []string) []byte {
	head := "sample_no,kind,level,year,category,product_name,brand,specification,batch,producer_uscc,producer_name,seller_uscc,seller_name,region_code,stage,sampled_on,lab,item,result,unit,limit,comparison,standard,lab_verdict\n"
	return []byte(head + strings.Join(rows, "\n") + "\n")
}

func TestImportSamples(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		prod := producer(t)
		var rows []string
		for i := range 50 {
			no := fmt.Sprintf("DC24440800%03d", i)
			common := no + ",food,city,2024,酒类/白酒,米酒,示例牌,500mL,2023-12-01," + prod + ",雷州市示例酒厂," + f.seller.USCC + "," + f.seller.Name + ",440803,流通,2024-01-05," + f.lab.Name
			res := "0.12"
			if i%10 == 0 {
				res = "0.9"
			}
			rows = append(rows, common+",甲醇,"+res+",g/L,≤0.6,,GB 2757-2012,", common+",铅,未检出,mg/kg,≤0.2,,GB 2762-2022,合格")
		}
		sum, err := f.svc.ImportSamples(f.official, bytes.NewReader(csvRows(rows)), "results.csv", sampling.ImportOptions{DryRun: true})
		if err != nil || sum.Samples != 50 || sum.Items != 100 || sum.Failed != 5 || !sum.DryRun {
			t.Fatalf("dry run: %+v %v", sum, err)
		}
		var n int
		d.QueryRow(context.Background(), `SELECT COUNT(*) FROM samples`).Scan(&n)
		if n != 0 {
			t.Fatalf("dry run wrote %d samples", n)
		}
		sum, err = f.svc.ImportSamples(f.official, bytes.NewReader(csvRows(rows)), "results.csv", sampling.ImportOptions{})
		if err != nil || sum.Samples != 50 {
			t.Fatalf("import: %+v %v", sum, err)
		}
		rowsStat, tot := f.svc.Stats.Query(sampling.StatsFilter{Kind: "food", Year: 2024, Group: sampling.GroupItem})
		if tot.Judged != 100 || tot.Failed != 5 || len(rowsStat) != 2 {
			t.Errorf("item stats: %+v %+v", tot, rowsStat)
		}
		_, tot = f.svc.Stats.Query(sampling.StatsFilter{Kind: "food", Year: 2024})
		if tot.Judged != 50 || tot.Passed != 45 || tot.PassRate() != 90 {
			t.Errorf("sample stats: %+v", tot)
		}
		// A second file: one row disagrees with its sample, one result is garbage, and a
		// sample number is taken. Nothing lands.
		bad := []string{
			"DC24440800999,food,city,2024,酒类/白酒,米酒,示例牌,500mL,2023-12-01," + prod + ",雷州市示例酒厂,,,440803,流通,2024-01-05," + f.lab.Name + ",甲醇,0.1,g/L,≤0.6,,,",
			"DC24440800999,food,city,2024,酒类/白酒,黄酒,示例牌,500mL,2023-12-01," + prod + ",雷州市示例酒厂,,,440803,流通,2024-01-05," + f.lab.Name + ",铅,很多,mg/kg,≤0.2,,,",
			"DC24440800001,food,city,2024,酒类/白酒,米酒,示例牌,500mL,2023-12-01," + prod + ",雷州市示例酒厂,,,440803,流通,2024-01-05," + f.lab.Name + ",甲醇,0.1,g/L,≤0.6,,,",
		}
		_, err = f.svc.ImportSamples(f.official, bytes.NewReader(csvRows(bad)), "bad.csv", sampling.ImportOptions{})
		qe := qcity.AsError(err)
		if qe == nil || qe.Code != qcity.EINVALID {
			t.Fatalf("bad file: %v", err)
		}
		want := map[string]bool{"3:product_name": false, "3:result": false, "4:sample_no": false}
		for _, fe := range qe.Fields {
			want[fmt.Sprintf("%d:%s", fe.Row, fe.Field)] = true
		}
		for k, ok := range want {
			if !ok {
				t.Errorf("missing error %s in %v", k, qe.Fields)
			}
		}
		d.QueryRow(context.Background(), `SELECT COUNT(*) FROM samples`).Scan(&n)
		if n != 50 {
			t.Errorf("rejected import changed samples: %d", n)
		}
	})
}

func TestPlanDraw(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		r := rand.New(rand.NewPCG(3, 3))
		for i := range 40 {
			if _, err := f.reg.CreateEntity(f.official, registry.EntityInput{USCC: uscc.Generate(r, '9', '2', "440803"),
				Name: fmt.Sprintf("霞山区第%d号食杂店", i), Type: "individual_business", LegalRepresentative: "林", Region: "440803", Industry: "5211"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, n := range []string{"陈一", "陈二", "陈三", "陈四"} {
			if err := f.svc.AddOfficer(f.official, n, "440803", ""); err != nil {
				t.Fatal(err)
			}
		}
		in := sampling.PlanInput{Year: 2024, Kind: "food_supervision", Level: "city", Name: "2024年市级食品安全监督抽检计划",
			Seed: 20240101, Categories: []sampling.PlanCategoryInput{{Category: "粮食加工品", TestItems: []string{"铅", "镉"}, JudgementBasis: "GB 2762-2022"}},
			Quotas: []sampling.QuotaInput{{Region: "440803", Category: "粮食加工品", Quota: 5}}, Labs: []string{f.lab.Name}}
		p1, err := f.svc.CreatePlan(f.official, in)
		if err != nil {
			t.Fatal(err)
		}
		in.Name += "（副本）"
		p2, err := f.svc.CreatePlan(f.official, in)
		if err != nil {
			t.Fatal(err)
		}
		t1, err := f.svc.DrawTasks(f.official, p1.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		t2, err := f.svc.DrawTasks(f.official, p2.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(t1) != 1 || len(t1[0].Targets) != 5 {
			t.Fatalf("tasks %+v", t1)
		}
		for i := range t1[0].Targets {
			a, b := t1[0].Targets[i], t2[0].Targets[i]
			if a.EntityID != b.EntityID || strings.Join(a.Officers, ",") != strings.Join(b.Officers, ",") {
				t.Errorf("same seed, different draw at %d: %+v vs %+v", i, a, b)
			}
			if len(a.Officers) != 2 || a.Officers[0] == a.Officers[1] {
				t.Errorf("officers %v: want a pair of two different officers", a.Officers)
			}
		}
		if _, err := f.svc.DrawTasks(f.official, p1.ID, nil); qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("second draw: %v", err)
		}
		// Risk weight: an entity weighted heavily is drawn first far more often.
		seen := map[int64]int{}
		for seed := uint64(1); seed <= 40; seed++ {
			in.Seed, in.Name = seed, fmt.Sprintf("权重测试%d", seed)
			p, err := f.svc.CreatePlan(f.official, in)
			if err != nil {
				t.Fatal(err)
			}
			heavy := t1[0].Targets[4].EntityID
			ts, err := f.svc.DrawTasks(f.official, p.ID, func(id int64) float64 {
				if id == heavy {
					return 1000
				}
				return 1
			})
			if err != nil {
				t.Fatal(err)
			}
			seen[ts[0].Targets[0].EntityID]++
		}
		if seen[t1[0].Targets[4].EntityID] < 30 {
			t.Errorf("a 1000× weight was drawn first only %d/40 times", seen[t1[0].Targets[4].EntityID])
		}
	})
}

// Every import column rejects a bad value with a row error on that column, and the file
// lands not at all.
func TestImportEveryColumn(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	prod := producer(t)
	cols := []string{"sample_no", "kind", "level", "year", "category", "product_name", "brand", "specification", "batch",
		"producer_uscc", "producer_name", "seller_uscc", "seller_name", "region_code", "stage", "sampled_on", "lab",
		"item", "result", "unit", "limit", "comparison", "standard", "lab_verdict"}
	good := []string{"DC24440800777", "food", "city", "2024", "酒类/白酒", "米酒", "示例牌", "500mL", "2023-12-01", prod, "雷州市示例酒厂",
		f.seller.USCC, f.seller.Name, "440803", "流通", "2024-01-05", f.lab.Name, "甲醇", "0.12", "g/L", "≤0.6", "full", "GB 2757-2012", "合格"}
	long := strings.Repeat("长", 201)
	bad := map[string]string{
		"sample_no": "DC 1", "kind": "drug", "level": "galactic", "year": "1999", "category": "外星食品", "product_name": "",
		"brand": long, "specification": long, "batch": long, "producer_uscc": "91440882MA4W00000X", "producer_name": "<b>x</b>",
		"seller_uscc": "12345", "seller_name": long, "region_code": "110105", "stage": "moon", "sampled_on": "2024-13-01",
		"lab": "无名实验室", "item": "", "result": "很多", "unit": strings.Repeat("u", 31), "limit": "差不多", "comparison": "eyeball",
		"standard": long, "lab_verdict": "还行",
	}
	for i, col := range cols {
		row := append([]string(nil), good...)
		row[i] = bad[col]
		var line []string
		for _, v := range row {
			if strings.ContainsAny(v, ",\"") {
				v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
			}
			line = append(line, v)
		}
		_, err := f.svc.ImportSamples(f.official, bytes.NewReader(csvRows([]string{strings.Join(line, ",")})), "x.csv", sampling.ImportOptions{})
		qe := qcity.AsError(err)
		if qe == nil || qe.Code != qcity.EINVALID {
			t.Errorf("column %s = %q: %v, want a rejection", col, bad[col], err)
			continue
		}
		found := false
		for _, fe := range qe.Fields {
			found = found || (fe.Row == 2 && fe.Field == col)
		}
		if !found {
			t.Errorf("column %s = %q: errors %v, want one on row 2, column %s", col, bad[col], qe.Fields, col)
		}
	}
	var n int
	f.d.QueryRow(context.Background(), `SELECT COUNT(*) FROM samples`).Scan(&n)
	if n != 0 {
		t.Errorf("%d samples written", n)
	}
}

// With no risk classes, businesses with failed samples in the last three years weigh
// more in the random draw.
func TestHistoryWeight(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	in := f.input("DC24440800501", methanolBad)
	in.ProducerUSCC = producer(t)
	if _, err := f.svc.CreateSample(f.official, in); err != nil {
		t.Fatal(err)
	}
	w, err := f.svc.HistoryWeight(f.official, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if got := w(f.seller.ID); got != 3 {
		t.Errorf("seller with one failure weighs %v, want 3", got)
	}
	if got := w(999999); got != 1 {
		t.Errorf("clean entity weighs %v, want 1", got)
	}
	if w2, _ := f.svc.HistoryWeight(f.official, 2028); w2(f.seller.ID) != 1 {
		t.Error("a failure more than three years before the plan still counts")
	}
}

// checkLog verifies the log from outside and compares its replayed states with the
// announcements' states.
func checkLog(t *testing.T, f *fixture, records int) {
	t.Helper()
	ctx := context.Background()
	v, err := translog.Verify(ctx, translog.DBSource{DB: f.d}, f.svc.Log.VerifierKey(), nil)
	if err != nil || len(v.Records) != records {
		t.Fatalf("log: %d records, %v", len(v.Records), err)
	}
	want, _ := translog.Replay(v.Records)
	got, err := sampling.LoggedStates(ctx, f.d)
	if err != nil {
		t.Fatal(err)
	}
	if diffs := translog.CompareStates(want, got); len(diffs) > 0 {
		t.Fatalf("log and data differ: %v", diffs)
	}
}

// Announcements made before the log existed are appended once when it starts.
func TestAnnouncementBackfill(t *testing.T) {
	d := dbtest.SQLite(t)
	f := newFixture(t, d)
	log := f.svc.Log
	f.svc.Log = nil // as before the upgrade
	in := f.input("DC24440800009", methanolBad)
	in.ProducerUSCC = producer(t)
	if _, err := f.svc.CreateSample(f.labCtx(f.lab), in); err != nil {
		t.Fatal(err)
	}
	for _, st := range []sampling.StepInput{{Step: "serve_notice"}} {
		f.clock.Advance(24 * time.Hour)
		if _, err := f.svc.ApplyStep(f.official, in.SampleNo, st); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Advance(15 * 24 * time.Hour)
	if _, err := f.svc.ApplyStep(f.official, in.SampleNo, sampling.StepInput{Step: "announce"}); err != nil {
		t.Fatal(err)
	}
	f.svc.Log = log
	if n, err := f.svc.BackfillLog(context.Background()); err != nil || n != 1 {
		t.Fatalf("backfill: %d %v", n, err)
	}
	if n, err := f.svc.BackfillLog(context.Background()); err != nil || n != 0 {
		t.Fatalf("second backfill: %d %v", n, err)
	}
	checkLog(t, f, 1)
}
