package registry_test

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
	"qcity/internal/uscc"
)

var now = time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)

func newService(t testing.TB, d *db.DB) (*registry.Service, *qcity.FixedClock) {
	t.Helper()
	j, err := region.Default().Jurisdiction("440800")
	if err != nil {
		t.Fatal(err)
	}
	clock := &qcity.FixedClock{T: now}
	s := registry.NewService(d, clock, j)
	if err := s.LoadIndex(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, clock
}

func official(region string) context.Context {
	role := qcity.RoleCityOfficial
	if region != "" {
		role = qcity.RoleCountyOfficial
	}
	return qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 1, Name: "tester", Role: role, Region: region})
}

func code(r *rand.Rand, typ byte, region string) string { return uscc.Generate(r, '9', typ, region) }

func TestValidate(t *testing.T) {
	v := registry.NewValidator()
	today := qcity.NewDate(2026, 11, 27)
	r := rand.New(rand.NewPCG(1, 2))
	base := registry.EntityInput{USCC: code(r, '1', "440803"), Name: "湛江市霞山区海鲜（餐饮）有限公司", Type: "company",
		LegalRepresentative: "张三", Region: "440803", Industry: "C1362", EstablishedOn: "2019-06-30",
		RegisteredCapital: "1,000.500", FormerNames: []string{" 湛江市霞山区海鲜店 ", "湛江市霞山区海鲜店", ""}}
	e, errs := v.Validate(base, today)
	if len(errs) != 0 {
		t.Fatalf("valid input: %v", errs)
	}
	if e.Industry != "1362" || e.RegisteredCapital != "1000.5" || len(e.FormerNames) != 1 || e.Status != registry.StatusActive ||
		e.EstablishedOn != qcity.NewDate(2019, 6, 30) {
		t.Errorf("normalised entity: %+v", e)
	}
	cases := []struct {
		name  string
		edit  func(*registry.EntityInput)
		field string
		key   string
	}{
		{"individual business with a company code", func(in *registry.EntityInput) { in.Type = "individual_business" }, "uscc", "registry.uscc_type_mismatch"},
		{"cooperative code for a company", func(in *registry.EntityInput) { in.USCC = code(r, '3', "440803") }, "uscc", "registry.uscc_type_mismatch"},
		{"public institution code", func(in *registry.EntityInput) { in.USCC = "121200004013590816" }, "uscc", "registry.uscc_not_market"},
		{"lower-case code is normalised, not an error", func(in *registry.EntityInput) { in.USCC = strings.ToLower(in.USCC) }, "", ""},
		{"full-width code is normalised", func(in *registry.EntityInput) { in.USCC = toFullWidth(in.USCC) }, "", ""},
		{"name with quote", func(in *registry.EntityInput) { in.Name = `湛江"引号"公司` }, "name", "registry.name_char"},
		{"1949 is the floor", func(in *registry.EntityInput) { in.EstablishedOn = "1948-12-31" }, "established_on", "registry.date_too_early"},
		{"tomorrow", func(in *registry.EntityInput) { in.EstablishedOn = "2026-11-28" }, "established_on", "registry.date_future"},
		{"today is fine", func(in *registry.EntityInput) { in.EstablishedOn = "2026-11-27" }, "", ""},
		{"capital with too many decimals", func(in *registry.EntityInput) { in.RegisteredCapital = "1.1234567" }, "registered_capital", "registry.capital_format"},
		{"capital in scientific notation", func(in *registry.EntityInput) { in.RegisteredCapital = "1e5" }, "registered_capital", "registry.capital_format"},
		{"township region is not a county", func(in *registry.EntityInput) { in.Region = "440803001" }, "region_code", "region.unknown"},
		{"region outside the jurisdiction is allowed (producers elsewhere)", func(in *registry.EntityInput) { in.Region = "110105" }, "", ""},
		{"industry section letter only", func(in *registry.EntityInput) { in.Industry = "C" }, "", ""},
		{"21 former names", func(in *registry.EntityInput) {
			in.FormerNames = nil
			for i := range 21 {
				in.FormerNames = append(in.FormerNames, fmt.Sprintf("湛江旧名%d号", i))
			}
		}, "former_names", "registry.too_many_former_names"},
	}
	for _, c := range cases {
		in := base
		in.FormerNames = append([]string(nil), base.FormerNames...)
		c.edit(&in)
		_, errs := v.Validate(in, today)
		if c.field == "" {
			if len(errs) != 0 {
				t.Errorf("%s: unexpected errors %v", c.name, errs)
			}
			continue
		}
		if len(errs) != 1 || errs[0].Field != c.field || errs[0].Key != c.key {
			t.Errorf("%s: errors %v, want %s on %s", c.name, errs, c.key, c.field)
		}
	}
}

func toFullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > ' ' && r < 0x7f {
			r += 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestEntityStorage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d)
		ctx := official("")
		r := rand.New(rand.NewPCG(3, 4))
		c := code(r, '1', "440802")
		e, err := s.CreateEntity(ctx, registry.EntityInput{USCC: c, Name: "湛江市赤坎区蓝海水产有限公司", Type: "company",
			LegalRepresentative: "林一", Region: "440802", EstablishedOn: "2010-10-10"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.FindEntityByUSCC(ctx, strings.ToLower(c))
		if err != nil || got.Name != e.Name || got.EstablishedOn != qcity.NewDate(2010, 10, 10) || got.Version != 1 {
			t.Fatalf("find: %+v %v", got, err)
		}
		if _, err := s.FindEntityByUSCC(ctx, code(r, '1', "440802")); qcity.ErrorCode(err) != qcity.ENOTFOUND {
			t.Errorf("missing: %v", err)
		}
		_, err = s.CreateEntity(ctx, registry.EntityInput{USCC: c, Name: "湛江重复有限公司", Type: "company", LegalRepresentative: "x", Region: "440802"})
		if qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("duplicate: %v", err)
		}
		clock.Advance(time.Minute)
		in := got.Input()
		in.Name = "湛江市赤坎区蓝海海洋食品有限公司"
		upd, err := s.UpdateEntity(ctx, c, in, 1)
		if err != nil {
			t.Fatal(err)
		}
		if upd.Version != 2 || len(upd.FormerNames) != 1 || upd.FormerNames[0] != "湛江市赤坎区蓝海水产有限公司" || !upd.UpdatedAt.Equal(now.Add(time.Minute)) {
			t.Errorf("update: %+v", upd)
		}
		if _, err := s.UpdateEntity(ctx, c, in, 1); qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("stale version: %v", err)
		}
		// A change of status is dated, for the annual-report rules; other edits keep the date.
		statusOn := func() string {
			var on qcity.Date
			if err := d.QueryRow(context.Background(), `SELECT status_changed_on FROM entities WHERE uscc = ?`, c).Scan(&on); err != nil {
				t.Fatal(err)
			}
			return on.String()
		}
		if on := statusOn(); on != "" {
			t.Errorf("status date before any status change: %q", on)
		}
		clock.T = time.Date(2026, 12, 3, 20, 0, 0, 0, time.UTC) // 4 December in China
		in2 := upd.Input()
		in2.Status = "deregistered"
		if upd, err = s.UpdateEntity(ctx, c, in2, 2); err != nil {
			t.Fatal(err)
		}
		clock.T = time.Date(2026, 12, 10, 2, 0, 0, 0, time.UTC)
		in2 = upd.Input()
		in2.Address = "湛江市赤坎区海滨路 1 号"
		if upd, err = s.UpdateEntity(ctx, c, in2, 3); err != nil {
			t.Fatal(err)
		}
		if on := statusOn(); on != "2026-12-04" {
			t.Errorf("status date %q, want 2026-12-04 (the day of the change, not of a later edit)", on)
		}
		in2 = upd.Input()
		in2.Status = "active"
		if upd, err = s.UpdateEntity(ctx, c, in2, 4); err != nil {
			t.Fatal(err)
		}
		if on := statusOn(); on != "2026-12-10" {
			t.Errorf("status date after reactivation %q, want 2026-12-10", on)
		}
		in = upd.Input()
		clock.T = now.Add(time.Minute)
		// Found by old and new names, and with filters.
		for _, q := range []string{"蓝海水产", "海洋食品", "赤坎"} {
			items, total, err := s.FindEntities(ctx, registry.EntityFilter{Q: q})
			if err != nil || total != 1 || items[0].USCC != c {
				t.Errorf("find %q: %d %v", q, total, err)
			}
		}
		if _, total, _ := s.FindEntities(ctx, registry.EntityFilter{Q: "蓝海", Region: "440803"}); total != 0 {
			t.Errorf("region filter: %d", total)
		}
		// County officials may not touch other districts.
		if _, err := s.UpdateEntity(official("440803"), c, in, 5); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("county official elsewhere: %v", err)
		}
		// Enterprises and anonymous callers may not write at all.
		ent := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, Role: qcity.RoleEnterprise, USCC: c})
		if _, err := s.UpdateEntity(ent, c, in, 5); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("enterprise: %v", err)
		}
		// Products.
		if _, err := s.AddProduct(ctx, c, registry.ProductInput{Name: "冻虾仁", Brand: "蓝海", Model: "1kg"}); err != nil {
			t.Fatal(err)
		}
		ps, err := s.FindProducts(ctx, got.ID)
		if err != nil || len(ps) != 1 || ps[0].Brand != "蓝海" {
			t.Errorf("products: %v %v", ps, err)
		}
		// Organisations.
		o, err := s.CreateOrganisation(ctx, registry.OrganisationInput{Kind: "lab", Name: "湛江市水产品检测中心", USCC: "121200004013590816",
			Region: "440802", AccreditationNo: "2019191234Z", Scope: "水产品\n食品", ValidUntil: "2027-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateOrganisation(ctx, registry.OrganisationInput{Kind: "lab", Name: "同码检测", USCC: "121200004013590816", Region: "440802"}); qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("duplicate lab: %v", err)
		}
		oin := o.Input()
		oin.Status = "suspended"
		if o2, err := s.UpdateOrganisation(ctx, o.ID, oin, 1); err != nil || o2.Status != registry.OrgSuspended || o2.Version != 2 {
			t.Errorf("update org: %+v %v", o2, err)
		}
		list, total, err := s.FindOrganisations(ctx, registry.OrganisationFilter{Kind: "lab", Q: "水产"})
		if err != nil || total != 1 || list[0].ID != o.ID {
			t.Errorf("find orgs: %v %d %v", list, total, err)
		}
		// LIKE wildcards in a query are literal.
		if _, total, _ := s.FindOrganisations(ctx, registry.OrganisationFilter{Q: "%"}); total != 0 {
			t.Errorf("%% matched %d", total)
		}
	})
}

// Another instance's writes reach this instance's index through SyncIndex.
func TestIndexSyncAcrossInstances(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		a, clockA := newService(t, d)
		b, clockB := newService(t, d)
		ctx := official("")
		r := rand.New(rand.NewPCG(5, 6))
		c := code(r, '2', "440881")
		if _, err := a.CreateEntity(ctx, registry.EntityInput{USCC: c, Name: "廉江市石城镇电饭锅维修店", Type: "individual_business",
			LegalRepresentative: "黄二", Region: "440881"}); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := b.FindEntities(ctx, registry.EntityFilter{Q: "电饭锅"}); total != 0 {
			t.Fatalf("b sees it before syncing: %d", total)
		}
		clockA.Advance(time.Second)
		clockB.Advance(time.Second)
		if err := b.SyncIndex(ctx); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := b.FindEntities(ctx, registry.EntityFilter{Q: "电饭锅"}); total != 1 {
			t.Errorf("b after sync: %d", total)
		}
	})
}

func csvOf(rows [][]string) []byte {
	var b bytes.Buffer
	b.WriteString("统一社会信用代码,名称,主体类型,法定代表人,行政区划代码,成立日期,登记状态,注册资本（万元）,曾用名\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return b.Bytes()
}

func TestImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := official("")
		r := rand.New(rand.NewPCG(7, 8))
		var rows [][]string
		for i := range 500 {
			rows = append(rows, []string{code(r, '2', "440823"), fmt.Sprintf("遂溪县第%d号杂货店", i), "个体工商户", "梁三", "440823",
				"2021-05-06", "存续", "", ""})
		}
		rows = append(rows, []string{code(r, '1', "440823"), "遂溪县甘蔗糖业有限公司", "企业（公司）", "梁四", "440823", "2001-01-01", "注销", "500", "遂溪县糖厂；遂溪糖业公司"})
		var phases []string
		res, err := s.ImportEntities(ctx, bytes.NewReader(csvOf(rows)), "entities.csv", func(phase string, done, total int) {
			if len(phases) == 0 || phases[len(phases)-1] != phase {
				phases = append(phases, phase)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 501 || len(res.SHA256) != 64 {
			t.Errorf("result %+v", res)
		}
		if strings.Join(phases, ",") != "read,check,write" {
			t.Errorf("progress phases %v", phases)
		}
		items, total, err := s.FindEntities(ctx, registry.EntityFilter{Q: "糖业"})
		if err != nil || total != 1 || items[0].Status != registry.StatusDeregistered || items[0].RegisteredCapital != "500" ||
			len(items[0].FormerNames) != 2 || items[0].Source != "import" {
			t.Errorf("imported company: %+v %d %v", items, total, err)
		}
		if _, total, _ := s.FindEntities(ctx, registry.EntityFilter{Q: "杂货店", Region: "440823"}); total != 500 {
			t.Errorf("imported shops: %d", total)
		}

		// A second file with one bad row and one already-registered code lands nothing.
		before := count(t, d)
		bad := [][]string{
			{code(r, '2', "440823"), "遂溪县新开杂货店", "个体工商户", "梁五", "440823", "", "", "", ""},
			{rows[0][0], "遂溪县已有杂货店", "个体工商户", "梁六", "440823", "", "", "", ""},
			{code(r, '2', "440823"), "遂溪县坏日期杂货店", "个体工商户", "梁七", "440823", "2021-13-01", "", "", ""},
			{code(r, '2', "440823"), "遂溪县坏类型杂货店", "信托", "梁八", "440823", "", "", "", ""},
		}
		_, err = s.ImportEntities(ctx, bytes.NewReader(csvOf(bad)), "bad.csv", nil)
		qe := qcity.AsError(err)
		if qe == nil || qe.Code != qcity.EINVALID || len(qe.Fields) != 3 {
			t.Fatalf("bad file: %v", err)
		}
		want := []struct {
			row   int
			field string
			key   string
		}{{3, "uscc", "registry.uscc_taken"}, {4, "established_on", "registry.date_format"}, {5, "entity_type", "registry.type_unknown"}}
		for i, w := range want {
			if f := qe.Fields[i]; f.Row != w.row || f.Field != w.field || f.Key != w.key {
				t.Errorf("error %d: %+v, want row %d %s %s", i, f, w.row, w.field, w.key)
			}
		}
		if after := count(t, d); after != before {
			t.Errorf("rejected import wrote rows: %d → %d", before, after)
		}
		// A county official may import only its own district's entities.
		_, err = s.ImportEntities(official("440803"), bytes.NewReader(csvOf(bad[:1])), "other.csv", nil)
		if qe := qcity.AsError(err); qe == nil || len(qe.Fields) != 1 || qe.Fields[0].Key != "auth.forbidden_region" {
			t.Errorf("county import elsewhere: %v", err)
		}
	})
}

func count(t testing.TB, d *db.DB) int {
	var n int
	if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM entities`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// BenchmarkImportSQLite measures entity import into SQLite including parsing and
// validation; the target is at least 20,000 rows/s.
func BenchmarkImportSQLite(b *testing.B) {
	const n = 20000
	r := rand.New(rand.NewPCG(9, 10))
	var rows [][]string
	for i := range n {
		rows = append(rows, []string{code(r, '2', "440803"), fmt.Sprintf("湛江市霞山区第%d号海鲜大排档", i), "个体工商户", "陈七", "440803",
			"2020-02-02", "存续", "", ""})
	}
	data := csvOf(rows)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		d := dbtest.SQLite(b)
		s, _ := newService(b, d)
		b.StartTimer()
		if _, err := s.ImportEntities(official(""), bytes.NewReader(data), "bench.csv", nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
