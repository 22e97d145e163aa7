package limits_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/limits"
	"qcity/internal/locale"
	"qcity/internal/sampling"
	"qcity/internal/sheet"
)

// The catalogue is the sampling service's limit lookup.
var _ sampling.LimitLookup = (*limits.Catalogue)(nil)

var testNow = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func official() context.Context {
	return qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 1, Name: "city", Role: qcity.RoleCityOfficial})
}

// newCatalogue returns a seeded catalogue over d, with a few sampling categories for
// category codes.
func newCatalogue(t testing.TB, d *db.DB) (*limits.Catalogue, *qcity.FixedClock) {
	t.Helper()
	ctx := qcity.WithActor(context.Background(), qcity.System("test"))
	for _, c := range [][4]string{{"food", "33", "食用农产品", ""}, {"food", "33.02", "蔬菜", "33"},
		{"food", "33.02.03", "叶菜类蔬菜", "33.02"}, {"food", "33.02.03.02", "芹菜", "33.02.03"}, {"food", "15", "酒类", ""},
		{"agri", "02", "蔬菜", ""}, {"agri", "02.03", "叶菜类蔬菜", "02"}} {
		if _, err := d.Exec(ctx, `INSERT INTO sampling_categories (kind, code, name, parent_code, level, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c[0], c[1], c[2], c[3], strings.Count(c[1], ".")+1, testNow, testNow); err != nil {
			t.Fatal(err)
		}
	}
	clock := &qcity.FixedClock{T: testNow}
	cat := &limits.Catalogue{DB: d, Clock: clock}
	if _, err := cat.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	return cat, clock
}

func count(t testing.TB, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestSeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		cat, _ := newCatalogue(t, d)
		ctx := official()
		if n := count(t, d, `SELECT COUNT(*) FROM limits`); n != 272 {
			t.Errorf("seeded %d entries, want 33 + 106 + 133 = 272", n)
		}
		for status, want := range map[limits.Status]int{limits.StatusCurrent: 53, limits.StatusSuperseded: 172, limits.StatusUnconfirmed: 47} {
			if _, total, err := cat.Find(ctx, limits.Filter{Status: string(status)}); err != nil || total != want {
				t.Errorf("%s: %d entries (%v), want %d", status, total, err, want)
			}
		}
		// A second start seeds nothing, and the seed is one audit record.
		if n, err := cat.Seed(ctx); n != 0 || err != nil {
			t.Errorf("second seed: %d %v", n, err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'limit' AND action = 'import'`); n != 1 {
			t.Errorf("%d seed audit records", n)
		}
		for _, c := range []struct {
			f    limits.Filter
			want int
		}{
			{limits.Filter{Standard: "GB 2762-2022"}, 33},
			{limits.Filter{Standard: "GB 2763-2021"}, 5},
			{limits.Filter{Standard: "2763"}, 59 + 17 + 3 + 5},
			{limits.Filter{Standard: "gb 2763", Status: "superseded"}, 59 + 17 + 3},
			{limits.Filter{Kind: "not_detected"}, 37},
			{limits.Filter{Kind: "micro_plan"}, 9},
			{limits.Filter{Q: "叶菜"}, 3}, // lead in leafy vegetables, and two exclusions of them
			{limits.Filter{Q: "Deltamethrin"}, 59},
			{limits.Filter{Q: "100%"}, 0},
		} {
			if _, total, err := cat.Find(ctx, c.f); err != nil || total != c.want {
				t.Errorf("Find(%+v) = %d %v, want %d", c.f, total, err, c.want)
			}
		}
		page, total, err := cat.Find(ctx, limits.Filter{Standard: "GB 2762-2022", Q: "新鲜蔬菜:叶菜"})
		if err != nil || total != 1 {
			t.Fatalf("lead in leafy vegetables: %d %v", total, err)
		}
		e := page[0]
		if e.StandardCode != "GB 2762" || e.StandardEdition != "2022" || e.Standard != "GB 2762-2022" ||
			e.Status != limits.StatusCurrent || e.Analyte != "铅" || e.AnalyteEN != "lead" || e.Limit != "0.3" ||
			e.Unit != "mg/kg" || e.Kind != "max" || e.Comparison != "full" || e.ValidFrom.String() != "2023-06-30" ||
			!e.ValidTo.IsZero() || !strings.Contains(e.Note, "以Pb计") || !strings.HasPrefix(e.Source, "https://") || e.Version != 1 {
			t.Errorf("seeded entry: %+v", e)
		}
		page, _, _ = cat.Find(ctx, limits.Filter{Standard: "GB 2763-2019", Q: "芹菜"}) // and 根芹菜
		if len(page) != 2 || page[0].ValidFrom.String() != "2020-02-15" || page[0].ValidTo.String() != "2021-09-02" ||
			page[0].Status != limits.StatusSuperseded {
			t.Errorf("GB 2763-2019 entry: %+v", page)
		}
		page, _, _ = cat.Find(ctx, limits.Filter{Q: "青椒"})
		if len(page) != 1 || page[0].StandardCode != "" || page[0].Status != limits.StatusUnconfirmed {
			t.Errorf("unnamed-standard entry: %+v", page)
		}
		// Current entries list first.
		page, _, _ = cat.Find(ctx, limits.Filter{Limit: 60})
		if page[0].Status != limits.StatusCurrent || page[59].Status != limits.StatusUnconfirmed {
			t.Errorf("order: %s … %s", page[0].Status, page[59].Status)
		}
		for _, bad := range []limits.Filter{{Status: "draft"}, {Kind: "maximum"}, {Limit: 5000}, {Q: strings.Repeat("铅", 101)}} {
			if _, _, err := cat.Find(ctx, bad); qcity.ErrorCode(err) != qcity.EINVALID {
				t.Errorf("Find(%+v): %v, want invalid", bad, err)
			}
		}
	})
}

func TestLimitFor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		cat, clock := newCatalogue(t, d)
		ctx := official()
		const celery = "食用农产品/蔬菜/叶菜类蔬菜/芹菜"
		day := func(s string) qcity.Date {
			d, err := qcity.ParseDate(s)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		type want struct {
			text, standard string // text "" = not found
		}
		check := func(analyte, category, on string, w want) {
			t.Helper()
			id, text, unit, cmp, ok, err := cat.LimitFor(ctx, analyte, category, day(on))
			if err != nil {
				t.Fatalf("%s/%s/%s: %v", analyte, category, on, err)
			}
			if w.text == "" {
				if ok {
					t.Errorf("%s in %s on %s: got %s (id %d), want none", analyte, category, on, text, id)
				}
				return
			}
			if !ok || text != w.text || cmp != "full" {
				t.Errorf("%s in %s on %s: %q %v, want %q", analyte, category, on, text, ok, w.text)
				return
			}
			e, err := cat.FindByID(ctx, id)
			if err != nil || e.Standard != w.standard || !strings.Contains(text, unit) {
				t.Errorf("%s in %s on %s: entry %d is %s (%v), want %s; unit %q", analyte, category, on, id, e.Standard, err, w.standard, unit)
			}
		}
		// The most specific food: leafy vegetables (0.3), brassica (0.2), the remaining
		// fresh vegetables (0.1, whose exclusions name the other two).
		check("铅", celery, "2024-05-01", want{"≤0.3 mg/kg", "GB 2762-2022"})
		check("铅", "食用农产品/蔬菜/叶菜类蔬菜", "2024-05-01", want{"≤0.3 mg/kg", "GB 2762-2022"})
		check("铅", "食用农产品/蔬菜/芸薹属类蔬菜/结球甘蓝", "2024-05-01", want{"≤0.2 mg/kg", "GB 2762-2022"})
		check("铅", "食用农产品/蔬菜/茄果类蔬菜/番茄", "2024-05-01", want{"≤0.1 mg/kg", "GB 2762-2022"})
		check("铅（以Pb计）", celery, "2024-05-01", want{"≤0.3 mg/kg", "GB 2762-2022"})
		check("镉", "食用农产品/蔬菜/叶菜类蔬菜/菠菜", "2024-05-01", want{}) // leafy vegetables are excluded
		check("镉", "食用农产品/蔬菜/茄果类蔬菜/番茄", "2024-05-01", want{"≤0.05 mg/kg", "GB 2762-2022"})
		// Before GB 2762-2022 took effect there is no catalogued lead limit.
		check("铅", celery, "2023-06-29", want{})
		check("铅", celery, "2023-06-30", want{"≤0.3 mg/kg", "GB 2762-2022"})
		// The edition in force on the sampling date.
		check("毒死蜱", celery, "2024-05-01", want{"≤0.05 mg/kg", "GB 2763-2021"})
		check("毒死蜱", celery, "2019-06-01", want{"≤0.05 mg/kg", "GB 2763-2016"})
		check("毒死蜱", celery, "2020-06-01", want{}) // GB 2763-2019 rows hold no chlorpyrifos
		check("溴氰菊酯", celery, "2021-09-02", want{"≤2 mg/kg", "GB 2763-2019"})
		check("溴氰菊酯", celery, "2021-09-03", want{})
		check("多菌灵", "食用农产品/蔬菜/鳞茎类蔬菜/韭菜", "2012-05-01", want{"≤2 mg/kg", "GB 26130-2010"})
		check("多菌灵", "食用农产品/蔬菜/鳞茎类蔬菜/韭菜", "2013-03-01", want{})
		check("镉", "粮食加工品/大米", "2015-01-01", want{"≤0.2 mg/kg", "GB 2762-2012"})
		check("镉", "粮食加工品/大米", "2018-01-01", want{})
		check("土霉素", "食用农产品/畜禽肉及副产品/畜肉/猪肉", "2019-01-01", want{"≤100 μg/kg", "农业部公告第235号"})
		check("土霉素", "食用农产品/畜禽肉及副产品/畜肉/猪肉", "2020-04-01", want{})
		check("沙门氏菌", "乳制品/调制乳", "2020-01-01", want{"n=5,c=0,m=0/25g(mL),M=-", "GB 29921-2013"})
		// Unconfirmed values are never applied.
		check("腐霉利", "食用农产品/蔬菜/鳞茎类蔬菜/韭菜", "2025-03-01", want{})
		check("甲醇", "酒类/白酒", "2025-03-01", want{})

		// Entries written through the catalogue are seen at once; category codes match
		// their category and below; current wins over superseded at the same depth.
		create := func(in limits.EntryInput) limits.Entry {
			t.Helper()
			e, err := cat.Create(ctx, in)
			if err != nil {
				t.Fatalf("create %+v: %v", in, err)
			}
			return e
		}
		create(limits.EntryInput{StandardCode: "GB 2763", StandardEdition: "2021", Analyte: "啶虫脒", Food: "蔬菜", Limit: "1", Unit: "mg/kg", ValidFrom: "2021-09-03"})
		check("啶虫脒", celery, "2024-05-01", want{"≤1 mg/kg", "GB 2763-2021"})
		create(limits.EntryInput{StandardCode: "GB 2763", StandardEdition: "2021", Analyte: "啶虫脒", Food: "叶类蔬菜（示例）",
			CategoryCode: "33.02.03", Limit: "≤1.5", Unit: "mg/kg", ValidFrom: "2021-09-03"})
		check("啶虫脒", celery, "2024-05-01", want{"≤1.5 mg/kg", "GB 2763-2021"})
		check("啶虫脒", "食用农产品/蔬菜/叶菜类蔬菜/菠菜", "2024-05-01", want{"≤1.5 mg/kg", "GB 2763-2021"})
		check("啶虫脒", "食用农产品/蔬菜/茄果类蔬菜/番茄", "2024-05-01", want{"≤1 mg/kg", "GB 2763-2021"})
		create(limits.EntryInput{StandardCode: "GB 2763", StandardEdition: "2021", Analyte: "啶虫脒", Food: "芹菜", Limit: "3", Unit: "mg/kg", ValidFrom: "2021-09-03"})
		create(limits.EntryInput{StandardCode: "DB44/T 1", StandardEdition: "2019", Status: "superseded", Analyte: "啶虫脒", Food: "芹菜",
			Limit: "5", Unit: "mg/kg", ValidFrom: "2019-01-01", ValidTo: "2030-12-31"})
		check("啶虫脒", celery, "2024-05-01", want{"≤3 mg/kg", "GB 2763-2021"})
		check("啶虫脒", celery, "2020-05-01", want{"≤5 mg/kg", "DB44/T 1-2019"})

		// Another instance's write is picked up when the index is older than MaxAge.
		if _, err := d.Exec(ctx, `UPDATE limits SET limit_text = '0.25' WHERE standard_code = 'GB 2762' AND food LIKE '%叶菜蔬菜'`); err != nil {
			t.Fatal(err)
		}
		check("铅", celery, "2024-05-01", want{"≤0.3 mg/kg", "GB 2762-2022"})
		clock.Advance(2 * time.Minute)
		check("铅", celery, "2024-05-01", want{"≤0.25 mg/kg", "GB 2762-2022"})
	})
}

func TestCreateUpdate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		cat, _ := newCatalogue(t, d)
		ctx := official()
		good := limits.EntryInput{StandardCode: "GB 2763-2021", Analyte: "噻虫胺", Food: "豇豆", Limit: "0.01", Unit: "mg/kg",
			Comparison: "全数值比较法", ValidFrom: "2021-09-03", Note: "示例", Source: "GB 2763-2021 表"}
		before := count(t, d, `SELECT COUNT(*) FROM limits`)
		for _, c := range []struct {
			name, field string
			edit        func(*limits.EntryInput)
		}{
			{"limit unreadable", "limit", func(in *limits.EntryInput) { in.Limit = "about 0.01" }},
			{"limit missing", "limit", func(in *limits.EntryInput) { in.Limit = "" }},
			{"unit unknown", "unit", func(in *limits.EntryInput) { in.Unit = "furlong" }},
			{"number without unit", "unit", func(in *limits.EntryInput) { in.Unit = "" }},
			{"units disagree", "unit", func(in *limits.EntryInput) { in.Limit, in.Unit = "≤0.01mg/kg", "μg/kg" }},
			{"edition not a year", "standard_edition", func(in *limits.EntryInput) { in.StandardCode, in.StandardEdition = "GB 2763", "21" }},
			{"status unknown", "standard_status", func(in *limits.EntryInput) { in.Status = "draft" }},
			{"current without standard", "standard_code", func(in *limits.EntryInput) { in.StandardCode, in.Status = "", "current" }},
			{"dates reversed", "valid_to", func(in *limits.EntryInput) { in.ValidTo = "2020-01-01" }},
			{"bad date", "valid_from", func(in *limits.EntryInput) { in.ValidFrom = "2021-02-30" }},
			{"category unknown", "category_code", func(in *limits.EntryInput) { in.CategoryCode = "99.99" }},
			{"comparison unknown", "comparison", func(in *limits.EntryInput) { in.Comparison = "eyeball" }},
			{"analyte missing", "analyte", func(in *limits.EntryInput) { in.Analyte = " " }},
			{"food with HTML", "food", func(in *limits.EntryInput) { in.Food = "<b>豇豆</b>" }},
		} {
			in := good
			c.edit(&in)
			_, err := cat.Create(ctx, in)
			qe := qcity.AsError(err)
			if qe == nil || qe.Code != qcity.EINVALID || len(qe.Fields) == 0 || qe.Fields[0].Field != c.field {
				t.Errorf("%s: %v, want invalid %s", c.name, err, c.field)
			}
		}
		if _, err := cat.Create(qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, Role: qcity.RoleLab}), good); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("lab creates: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM limits`); n != before {
			t.Fatalf("refused creates wrote %d entries", n-before)
		}
		e, err := cat.Create(ctx, good)
		if err != nil || e.StandardCode != "GB 2763" || e.StandardEdition != "2021" || e.Kind != "max" || e.Version != 1 {
			t.Fatalf("create: %+v %v", e, err)
		}
		if _, err := cat.Create(ctx, good); qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("duplicate: %v", err)
		}
		upd := e.Input()
		upd.Limit = "0.02"
		u, err := cat.Update(ctx, e.ID, upd)
		if err != nil || u.Version != 2 || u.Limit != "0.02" || u.CreatedAt != e.CreatedAt {
			t.Fatalf("update: %+v %v", u, err)
		}
		if _, err := cat.Update(ctx, e.ID, upd); qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("stale update: %v", err)
		}
		upd.Version = 0
		if _, err := cat.Update(ctx, e.ID, upd); qcity.ErrorCode(err) != qcity.EINVALID {
			t.Errorf("update without version: %v", err)
		}
		upd.Version = 2
		if _, err := cat.Update(ctx, 999999, upd); qcity.ErrorCode(err) != qcity.ENOTFOUND {
			t.Errorf("update of a missing entry: %v", err)
		}
		upd.Analyte, upd.Food = "毒死蜱", "芹菜" // the key of a seeded GB 2763-2021 entry
		if _, err := cat.Update(ctx, e.ID, upd); qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("update onto another entry's key: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'limit' AND object_id = ?`, itoa(e.ID)); n != 2 {
			t.Errorf("%d audit records for the entry, want create and update", n)
		}
		if _, err := cat.FindByID(ctx, 999999); qcity.ErrorCode(err) != qcity.ENOTFOUND {
			t.Errorf("FindByID: %v", err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		cat, _ := newCatalogue(t, d)
		ctx := official()
		snapshot := func() string {
			return itoa(int64(count(t, d, `SELECT COUNT(*) FROM limits`))) + ":" +
				itoa(int64(count(t, d, `SELECT COALESCE(SUM(version), 0) FROM limits`))) + ":" +
				itoa(int64(count(t, d, `SELECT COUNT(*) FROM audit_log`)))
		}
		before := snapshot()
		const header = "标准编号,标准版本,标准状态,检验项目,食品,抽检类别代码,限量,单位,实施日期,废止日期,备注\n"
		// Bad rows: every one is reported, with its row and column, and nothing is written —
		// not even the good first row.
		bad := header +
			"GB 2763,2021,现行,噻虫嗪,豇豆,,0.3,mg/kg,2021-09-03,,ok\n" +
			"GB 2763,2021,现行,噻虫胺,豇豆,,about 0.01,mg/kg,2021-09-03,,\n" +
			"GB 2763,2021,草案,灭蝇胺,豇豆,,0.5,mg/kg,,,\n" +
			"GB 2763,2021,现行,噻虫嗪,豇豆,,0.2,mg/kg,2021-09-03,,same key as row 2\n" +
			",,现行,氧乐果,韭菜,,0.02,mg/kg,,,\n" +
			"GB 2763,2021,现行,甲拌磷,韭菜,99.01,0.01,mg/kg,,,\n" +
			"GB 2763,2021,现行,克百威,韭菜,,0.02,,,,\n" +
			"GB 2763,2021,现行,水胺硫磷,韭菜,,0.05,mg/kg,2021-09-03,2020-01-01,\n"
		_, err := cat.Import(ctx, strings.NewReader(bad), "limits.csv")
		qe := qcity.AsError(err)
		if qe == nil || qe.Code != qcity.EINVALID || qe.Key != "registry.import_rejected" {
			t.Fatalf("bad file: %v", err)
		}
		want := map[int]string{3: "limit", 4: "standard_status", 5: "analyte", 6: "standard_code", 7: "category_code", 8: "unit", 9: "valid_to"}
		got := map[int]string{}
		for _, f := range qe.Fields {
			got[f.Row] = f.Field
		}
		for row, field := range want {
			if got[row] != field {
				t.Errorf("row %d: error on %q, want %q (all: %+v)", row, got[row], field, qe.Fields)
			}
		}
		if len(qe.Fields) != len(want) {
			t.Errorf("%d row errors, want %d: %+v", len(qe.Fields), len(want), qe.Fields)
		}
		// Header problems stop the file before any row.
		for name, content := range map[string]string{
			"missing column": "标准编号,检验项目,食品\nGB 2763-2021,噻虫嗪,豇豆\n",
			"unknown column": "标准编号,检验项目,食品,限量,颜色\nGB 2763-2021,噻虫嗪,豇豆,0.3,红\n",
			"header only":    header,
		} {
			if _, err := cat.Import(ctx, strings.NewReader(content), "limits.csv"); qcity.ErrorCode(err) != qcity.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := cat.Import(qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, Role: qcity.RoleEnterprise}),
			strings.NewReader(header), "limits.csv"); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("enterprise import: %v", err)
		}
		if after := snapshot(); after != before {
			t.Fatalf("rejected imports changed the database: %s → %s", before, after)
		}

		// A good file: English headers, a new entry, an update of a seeded one (its key:
		// code, edition, analyte, food, category) and an unchanged one.
		page, _, _ := cat.Find(ctx, limits.Filter{Standard: "GB 2763-2021", Q: "香蕉"})
		if len(page) != 1 {
			t.Fatalf("banana: %+v", page)
		}
		banana := page[0]
		good := "Standard code,Edition,Status,Analyte,Food,Limit,Unit,Kind,Valid from,Note,Source\n" +
			"GB 2763-2021,,current,噻虫嗪,豇豆,0.3,mg/kg,Maximum,2021-09-03,new,file\n" +
			"GB 2763,2021,Current,毒死蜱,芹菜,0.06,mg/kg,max,2021-09-03,changed,file\n" +
			"GB 2763,2021,current,吡虫啉,香蕉," + banana.Limit + "," + banana.Unit + ",,2021-09-03," + csvQuote(banana.Note) + "," + banana.Source + "\n"
		res, err := cat.Import(ctx, strings.NewReader(good), "limits-en.csv")
		if err != nil || res.Rows != 3 || res.Created != 1 || res.Updated != 1 || res.Unchanged != 1 || len(res.SHA256) != 64 {
			t.Fatalf("good file: %+v %v", res, err)
		}
		on, _ := qcity.ParseDate("2024-05-01")
		if _, text, _, _, ok, _ := cat.LimitFor(ctx, "毒死蜱", "食用农产品/蔬菜/叶菜类蔬菜/芹菜", on); !ok || text != "≤0.06 mg/kg" {
			t.Errorf("after import: %q %v", text, ok)
		}
		if _, text, _, _, ok, _ := cat.LimitFor(ctx, "噻虫嗪", "食用农产品/蔬菜/豆类蔬菜/豇豆", on); !ok || text != "≤0.3 mg/kg" {
			t.Errorf("imported entry: %q %v", text, ok)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM limits`); n != 273 {
			t.Errorf("%d entries after import, want 273", n)
		}
		// A kind that contradicts the limit is a row error.
		if _, err := cat.Import(ctx, strings.NewReader("standard_code,analyte,food,limit,unit,kind\nGB 2763-2021,灭蝇胺,豇豆,0.5,mg/kg,不得检出\n"), "k.csv"); qcity.ErrorCode(err) != qcity.EINVALID {
			t.Errorf("kind mismatch: %v", err)
		}
	})
}

func csvQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// An export reads back through sheet.Open with the same columns, and imports as
// unchanged, in either language.
func TestExportRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		cat, _ := newCatalogue(t, d)
		ctx := official()
		for _, lang := range locale.Langs {
			label := func(key string) string { return locale.Default().T(lang, key, nil) }
			var buf bytes.Buffer
			n, err := cat.Export(ctx, &buf, limits.Filter{}, string(lang), label)
			if err != nil || n != 272 {
				t.Fatalf("%s export: %d %v", lang, n, err)
			}
			rd, err := sheet.Open(bytes.NewReader(buf.Bytes()), "limits.xlsx", limits.Columns, sheet.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			first, err := rd.Next()
			if err != nil || first.Get("standard_code") != "GB 2762" || first.Get("standard_edition") != "2022" ||
				first.Get("standard_status") != label("limitscat.status.current") || first.Get("analyte") != "铅" ||
				first.Get("limit") != "0.2" || first.Get("unit") != "mg/kg" || first.Get("valid_from") != "2023-06-30" ||
				first.Get("kind") != label("limitscat.kind.max") {
				t.Errorf("%s first row: %q %v", lang, first.Values, err)
			}
			rows := 1
			for {
				if _, err := rd.Next(); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					t.Fatal(err)
				}
				rows++
			}
			if rows != 272 {
				t.Errorf("%s export holds %d rows", lang, rows)
			}
			res, err := cat.Import(ctx, bytes.NewReader(buf.Bytes()), "limits.xlsx")
			if err != nil || res.Rows != 272 || res.Unchanged != 272 {
				t.Errorf("%s re-import: %+v %v", lang, res, err)
			}
		}
		// A filtered export holds only the filtered entries.
		var buf bytes.Buffer
		if n, err := cat.Export(ctx, &buf, limits.Filter{Status: "unconfirmed"}, "zh-CN", func(k string) string { return locale.Default().T(locale.ZH, k, nil) }); err != nil || n != 47 {
			t.Errorf("filtered export: %d %v", n, err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'limit' AND action = 'export'`); n != 3 {
			t.Errorf("%d export audit records", n)
		}
		// The template reads back as its one example row, which validates.
		buf.Reset()
		if err := limits.Template(&buf, "zh-CN", "标准限量"); err != nil {
			t.Fatal(err)
		}
		rd, err := sheet.Open(bytes.NewReader(buf.Bytes()), "t.xlsx", limits.Columns, sheet.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if row, err := rd.Next(); err != nil || row.Get("analyte") != "铅" {
			t.Errorf("template row: %v %v", row.Values, err)
		}
	})
}

func BenchmarkLimitFor(b *testing.B) {
	cat, _ := newCatalogue(b, dbtest.SQLite(b))
	ctx := context.Background()
	on, _ := qcity.ParseDate("2024-05-01")
	if _, _, _, _, ok, err := cat.LimitFor(ctx, "铅", "食用农产品/蔬菜/叶菜类蔬菜/芹菜", on); !ok || err != nil {
		b.Fatal(ok, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		cat.LimitFor(ctx, "铅(以Pb计)", "食用农产品/蔬菜/叶菜类蔬菜/芹菜", on)
	}
}

// The importer judges items in parallel: lookups run concurrently with each other and
// with writes that replace the index.
func TestLimitForConcurrent(t *testing.T) {
	cat, _ := newCatalogue(t, dbtest.SQLite(t))
	ctx := official()
	on, _ := qcity.ParseDate("2024-05-01")
	done := make(chan error)
	for g := range 8 {
		go func() {
			for i := range 200 {
				_, text, _, _, ok, err := cat.LimitFor(ctx, "铅", "食用农产品/蔬菜/叶菜类蔬菜/芹菜", on)
				if err == nil && (!ok || text != "≤0.3 mg/kg") {
					err = errors.New("goroutine " + itoa(int64(g)) + " lookup " + itoa(int64(i)) + ": " + text)
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for i := range 5 {
		if _, err := cat.Create(ctx, limits.EntryInput{StandardCode: "GB 2763-2021", Analyte: "乙酰甲胺磷" + itoa(int64(i)),
			Food: "芹菜", Limit: "0.02", Unit: "mg/kg"}); err != nil {
			t.Fatal(err)
		}
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
