package nqi_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/nqi"
)

// The report counts what its definitions say, from records, and each figure's
// drill-down lists exactly the records counted.
func TestReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := f.city
		std := func(code, published, status string, local bool) *nqi.Record {
			s := f.create(ctx, nqi.Standards, nqi.Input{"code": code, "title": "标准" + code, "status": status, "published_on": published, "region_code": "440800"})
			region := "110108"
			if local {
				region = "440803"
			}
			f.create(ctx, nqi.StandardDrafters, nqi.Input{"standard_id": id(s), "name": "起草单位" + code, "drafter_region": region})
			return s
		}
		std("GB/T 38000-2019", "2019-03-01", "in_force", true)          // counted
		std("ISO 23000:2019", "2019-12-31", "published", true)          // counted
		std("GB/T 38001-2019", "2019-05-01", "published", false)        // no local drafter
		std("GB/T 37000-2018", "2018-12-31", "in_force", true)          // another year
		std("DB44/T 2300-2019", "2019-06-01", "in_force", true)         // local
		city := std("DB4408/T 12-2019", "2019-07-01", "in_force", true) // local; withdrawn since, still made in 2019
		std("T/ZJSP 001-2019", "2019-07-01", "in_force", true)          // group: neither figure
		f.create(ctx, nqi.Standards, nqi.Input{"code": "DB44/T 2301-2019", "title": "起草中", "status": "drafting", "region_code": "440800"})
		if _, err := f.svc.Update(ctx, nqi.Standards, city.ID, nqi.Input{"status": "withdrawn", "withdrawn_on": "2020-01-01"}, city.Version); err != nil {
			t.Fatal(err)
		}

		pilot := func(name, level, start, end string) {
			f.create(ctx, nqi.PilotProjects, nqi.Input{"name": name, "level": level, "field": "industry", "owner_name": "某公司",
				"region_code": "440800", "start_on": start, "end_on": end})
		}
		pilot("甲", "national", "2017-01-01", "2019-01-01")
		pilot("乙", "national", "2019-12-31", "2021-12-31")
		pilot("丙", "national", "2016-01-01", "2018-12-31")
		pilot("丁", "provincial", "2018-06-01", "2020-05-31")
		pilot("戊", "city", "2019-01-01", "2019-12-31")

		qual := func(org int64, kind, no, issued, until, status, ended string) {
			in := nqi.Input{"org_id": strconv.FormatInt(org, 10), "qualification": kind, "certificate_no": no, "issued_on": issued,
				"valid_until": until, "status": status}
			if ended != "" {
				in["ended_on"] = ended
			}
			f.create(ctx, nqi.Qualifications, in)
		}
		// The lab has two certificates in force on 31 December 2019 (a renewal): one lab.
		qual(f.lab.ID, "cma", "2014191111Z", "2014-01-01", "2020-03-31", "valid", "")
		qual(f.lab.ID, "cma", "2019192222Z", "2019-11-01", "2025-10-31", "valid", "")
		qual(f.metro.ID, "metrology_authorisation", "M1", "2015-01-01", "2019-12-31", "valid", "")
		qual(f.countyMI.ID, "metrology_authorisation", "M2", "2015-01-01", "2020-12-31", "revoked", "2019-12-31")

		ip := func(e string, level, designation, year, status string) {
			f.create(ctx, nqi.IPEnterprises, nqi.Input{"uscc": e, "level": level, "designation": designation, "year": year, "status": status})
		}
		ip(f.maker.USCC, "national", "advantage", "2019", "valid")
		ip(f.maker.USCC, "provincial", "advantage", "2019", "valid") // the same enterprise twice
		ip(f.other.USCC, "provincial", "advantage", "2019", "revoked")
		ip(f.eatery.USCC, "provincial", "demonstration", "2019", "valid")
		ip(f.other.USCC, "provincial", "advantage", "2018", "valid")

		o1 := f.create(ctx, nqi.QualityOfficers, nqi.Input{"uscc": f.maker.USCC, "name": "甲", "appointed_on": "2018-01-01"})
		f.create(ctx, nqi.CQOTrainings, nqi.Input{"officer_id": id(o1), "course": "培训", "hours": "8", "completed_on": "2019-12-31"})
		o2 := f.create(ctx, nqi.QualityOfficers, nqi.Input{"uscc": f.maker.USCC, "name": "乙", "appointed_on": "2019-01-01"})
		f.create(ctx, nqi.CQOTrainings, nqi.Input{"officer_id": id(o2), "course": "培训", "hours": "8", "completed_on": "2019-03-01"})
		o3 := f.create(ctx, nqi.QualityOfficers, nqi.Input{"uscc": f.other.USCC, "name": "丙", "appointed_on": "2018-01-01", "left_on": "2019-12-31"})
		f.create(ctx, nqi.CQOTrainings, nqi.Input{"officer_id": id(o3), "course": "培训", "hours": "8", "completed_on": "2018-03-01"})
		o4 := f.create(ctx, nqi.QualityOfficers, nqi.Input{"uscc": f.eatery.USCC, "name": "丁", "appointed_on": "2018-01-01"})
		f.create(ctx, nqi.CQOTrainings, nqi.Input{"officer_id": id(o4), "course": "培训", "hours": "8", "completed_on": "2020-01-01"})

		f.create(ctx, nqi.BrightKitchens, nqi.Input{"uscc": f.eatery.USCC, "mode": "video", "implemented_on": "2019-12-31"})

		rep, err := f.svc.Report(ctx, 2019)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]float64{"standards_international_national": 2, "standards_local": 2, "pilot_projects_national": 2,
			"pilot_projects_provincial": 1, "labs": 1, "metrology_institutions": 1, "ip_advantage_enterprises": 1,
			"cqo_trained_enterprises": 1, "bright_kitchen_coverage": 100, "food_batches": 0, "food_pass_rate": 0}
		for key, v := range want {
			ind, ok := rep.Indicator(key)
			if !ok || ind.Value != v {
				t.Errorf("%s = %v, want %v", key, ind.Value, v)
			}
		}
		for _, key := range nqi.IndicatorKeys {
			ind, ok := rep.Indicator(key)
			if !ok || ind.Label == "" || ind.LabelEN == "" || ind.Numerator == nil {
				t.Errorf("%s: %+v", key, ind)
			}
			if ind.IsRate() != (ind.Denominator != nil) {
				t.Errorf("%s: a rate needs its denominator, a count has none: %+v", key, ind)
			}
			// Every figure counted from records drills down to exactly those records.
			dr, err := f.svc.Drill(ctx, key, 2019, 100, 0)
			if err != nil {
				t.Fatalf("drill %s: %v", key, err)
			}
			if dr.Kind != nil && key != "bright_kitchen_coverage" && float64(dr.Total) != ind.Value {
				t.Errorf("drill %s: %d records, figure %v", key, dr.Total, ind.Value)
			}
		}
		// The bright-kitchen coverage drills down to the kitchens counted and to the
		// districts' coverage on the year's last day, which adds up to the figure; a
		// year earlier the kitchen (installed on 31 December 2019) covers nothing.
		kit, _ := rep.Indicator("bright_kitchen_coverage")
		dr, err := f.svc.Drill(ctx, "bright_kitchen_coverage", 2019, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		var covered, total int64
		for _, c := range dr.Coverage {
			covered, total = covered+c.Covered, total+c.Total
			if c.Region == f.eatery.Region && (c.Covered != 1 || c.Total != 1) {
				t.Errorf("coverage of %s: %+v", c.Region, c)
			}
		}
		if dr.CoverageOn != qcity.NewDate(2019, 12, 31) || len(dr.Coverage) != 9 || covered != *kit.Numerator || total != *kit.Denominator ||
			dr.CoverageTotal.Covered != covered || dr.CoverageTotal.Total != total || dr.Total != int(covered) {
			t.Errorf("bright kitchen drill-down: %d districts, %d of %d (total %+v, %d records), figure %d of %d", len(dr.Coverage),
				covered, total, dr.CoverageTotal, dr.Total, *kit.Numerator, *kit.Denominator)
		}
		if dr18, err := f.svc.Drill(ctx, "bright_kitchen_coverage", 2018, 100, 0); err != nil || dr18.CoverageTotal.Covered != 0 {
			t.Errorf("bright kitchen drill-down 2018: %+v %v", dr18, err)
		}
		// The annual report rate: reports for 2018, three entities due, none filed.
		if ind, _ := rep.Indicator("annual_report_rate"); *ind.Denominator != 3 || *ind.Numerator != 0 || len(rep.Ranking) != 2 {
			t.Errorf("annual report rate: %+v, ranking %v", ind, rep.Ranking)
		}
		// A year later the old figures change as the records say.
		rep20, _ := f.svc.Report(ctx, 2020)
		if ind, _ := rep20.Indicator("labs"); ind.Value != 1 {
			t.Errorf("labs 2020: %v", ind.Value)
		}
		if ind, _ := rep20.Indicator("metrology_institutions"); ind.Value != 0 {
			t.Errorf("metrology institutions 2020: %v", ind.Value)
		}
		if ind, _ := rep20.Indicator("cqo_trained_enterprises"); ind.Value != 2 {
			t.Errorf("trained CQO enterprises 2020: %v", ind.Value)
		}

		// The workbook holds every indicator and the ranking.
		var b bytes.Buffer
		if err := nqi.WriteReportXLSX(&b, rep, "湛江市2019年度质量工作主要指标", "zh-CN"); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("主要指标")
		if len(rows) != 4+len(nqi.IndicatorKeys) || rows[4][1] != "manufacturing_pass_rate" {
			t.Errorf("workbook: %d rows, %v", len(rows), rows[:min(5, len(rows))])
		}
		if rk, _ := x.GetRows("年报率排名"); len(rk) != 3+2 {
			t.Errorf("ranking sheet: %v", rk)
		}

		// The report is published: anyone reads the same figures; what stands behind
		// them is for officials only.
		for who, actor := range map[string]context.Context{"enterprise": f.ent, "anonymous": context.Background()} {
			pub, err := f.svc.Report(actor, 2019)
			if err != nil {
				t.Fatalf("%s: %v", who, err)
			}
			for _, ind := range rep.Indicators {
				if got, _ := pub.Indicator(ind.Key); got.Value != ind.Value {
					t.Errorf("%s reads %s = %v, the official %v", who, ind.Key, got.Value, ind.Value)
				}
			}
			if _, err := f.svc.Drill(actor, "standards_local", 2019, 10, 0); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
				t.Errorf("%s drills down: %v", who, err)
			}
		}
		// Before the first annual reports (for 2013) there is no rate to count, and the
		// report of such a year is still made.
		for _, year := range []int{2000, 2013} {
			old, err := f.svc.Report(ctx, year)
			if err != nil {
				t.Fatalf("%d: %v", year, err)
			}
			if ind, _ := old.Indicator("annual_report_rate"); ind.Value != 0 || *ind.Denominator != 0 || len(old.Ranking) != 0 {
				t.Errorf("%d annual report rate: %+v, ranking %v", year, ind, old.Ranking)
			}
			if dr, err := f.svc.Drill(ctx, "annual_report_rate", year, 10, 0); err != nil || len(dr.Ranking) != 0 {
				t.Errorf("%d drill of the annual report rate: %v", year, err)
			}
		}
		// Years within bounds.
		if _, err := f.svc.Report(ctx, 1999); fieldErr(err, "year") != "nqi.error.report_year" {
			t.Errorf("1999: %v", err)
		}
		if _, err := f.svc.Drill(ctx, "nonsense", 2019, 10, 0); qcity.ErrorCode(err) != qcity.ENOTFOUND {
			t.Errorf("unknown key: %v", err)
		}
	})
}
