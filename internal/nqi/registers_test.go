package nqi_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/nqi"
)

type errCase struct {
	in         nqi.Input
	field, key string
}

// expectErrors creates each input (merged over base) and checks the error beside the
// field.
func (f *fixture) expectErrors(ctx context.Context, k *nqi.Kind, base nqi.Input, cases []errCase) {
	f.t.Helper()
	for _, c := range cases {
		in := nqi.Input{}
		for key, v := range base {
			in[key] = v
		}
		for key, v := range c.in {
			in[key] = v
		}
		_, err := f.svc.Create(ctx, k, in)
		if got := fieldErr(err, c.field); got != c.key {
			f.t.Errorf("%s %v: %s error %q, want %q (%v)", k.Name, c.in, c.field, got, c.key, err)
		}
	}
}

func TestPilotProjects(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		base := nqi.Input{"name": "湛江对虾养殖标准化示范区", "level": "national", "project_type": "demonstration", "field": "agriculture",
			"owner_name": "湛江市海洋与渔业局", "region_code": "440800", "start_on": "2018-03-01", "end_on": "2020-12-31", "status": "in_progress"}
		p := f.create(f.city, nqi.PilotProjects, base)
		f.create(f.city, nqi.PilotProjects, nqi.Input{"name": "霞山区家政服务标准化试点", "level": "provincial", "field": "services",
			"owner_name": "霞山区家政协会", "region_code": "440803", "start_on": "2020-01-01", "end_on": "2021-12-31"})
		// Under way in a year: the period touches it.
		for y, want := range map[string]int{"2017": 0, "2018": 1, "2019": 1, "2020": 2, "2021": 1, "2022": 0} {
			if _, n, _ := f.svc.Find(f.city, nqi.PilotProjects, nqi.Filter{Extra: map[string]string{"active_in": y}}); n != want {
				t.Errorf("under way in %s: %d, want %d", y, n, want)
			}
		}
		f.expectErrors(f.city, nqi.PilotProjects, base, []errCase{
			{nqi.Input{"name": "x", "end_on": "2017-01-01"}, "end_on", "nqi.error.date_order"},
			{nqi.Input{"name": "x", "status": "passed"}, "evaluated_on", "nqi.error.pilot_evaluation_required"},
			{nqi.Input{"name": "x", "status": "in_progress", "score": "90"}, "status", "nqi.error.pilot_evaluated_status"},
			{nqi.Input{"name": "x", "status": "passed", "evaluated_on": "2021-01-05", "score": "101"}, "score", "nqi.error.int_range"},
			{nqi.Input{"name": "x", "level": "county"}, "level", "nqi.error.enum"},
			{nqi.Input{"name": "x", "owner_uscc": "91440800MA4W12346B"}, "owner_uscc", "uscc.check"},
			{nqi.Input{}, "name", "nqi.error.duplicate"},
		})
		// A county official enters its own district's projects only.
		if _, err := f.svc.Create(f.county, nqi.PilotProjects, nqi.Input{"name": "赤坎区试点", "level": "city", "field": "services",
			"owner_name": "某协会", "region_code": "440802", "start_on": "2020-01-01", "end_on": "2021-12-31"}); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("county official in another district: %v", err)
		}
		passed, err := f.svc.Update(f.city, nqi.PilotProjects, p.ID, nqi.Input{"status": "passed", "evaluated_on": "2021-03-01", "score": "92",
			"evaluation": "通过验收"}, p.Version)
		if err != nil || passed.IntOr("score", 0) != 92 {
			t.Errorf("evaluation: %v", err)
		}
	})
}

func TestBenchmarks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		base := nqi.Input{"uscc": f.maker.USCC, "product": "电饭锅", "year": "2019", "own_standard": "Q/ZJHY 0001-2019",
			"benchmark_standard": "IEC 60335-2-15:2016", "benchmark_source": "international", "action": "build", "action_standard": "Q/ZJHY 0001-2019"}
		b := f.create(f.city, nqi.Benchmarks, base)
		if b.Str("result") != "incomplete" || b.Str("region_code") != "440803" || b.Names["uscc"] != f.maker.Name {
			t.Fatalf("new benchmark: %v %v", b.Values, b.Names)
		}
		ind := func(name, unit, dir, own, bench string) *nqi.Record {
			return f.create(f.city, nqi.BenchmarkIndicators, nqi.Input{"benchmark_id": id(b), "name": name, "unit": unit,
				"direction": dir, "own_value": own, "benchmark_value": bench})
		}
		eff := ind("热效率", "%", "higher_better", "≥86", "≥85")
		if eff.Str("class") != "leading" {
			t.Errorf("efficiency: %s", eff.Str("class"))
		}
		ind("保温能耗", "", "lower_better", "0.09 kWh", "≤90 Wh")
		got, _ := f.svc.Get(f.city, nqi.Benchmarks, b.ID)
		if got.Str("result") != "leading" || got.IntOr("indicators", 0) != 2 || got.IntOr("leading", 0) != 1 {
			t.Errorf("after two indicators: %v", got.Values)
		}
		below := ind("待机功率", "W", "lower_better", "1.2", "≤1")
		if below.Str("class") != "below" {
			t.Errorf("standby: %s", below.Str("class"))
		}
		got, _ = f.svc.Get(f.city, nqi.Benchmarks, b.ID)
		if got.Str("result") != "below" {
			t.Errorf("one below: %s", got.Str("result"))
		}
		// Fixing the value updates the result.
		if _, err := f.svc.Update(f.city, nqi.BenchmarkIndicators, below.ID, nqi.Input{"own_value": "0.8"}, below.Version); err != nil {
			t.Fatal(err)
		}
		got, _ = f.svc.Get(f.city, nqi.Benchmarks, b.ID)
		if got.Str("result") != "leading" {
			t.Errorf("fixed: %s", got.Str("result"))
		}
		for r, want := range map[string]int{"leading": 1, "below": 0, "meeting,below": 0} {
			if _, n, _ := f.svc.Find(f.city, nqi.Benchmarks, nqi.Filter{Fields: map[string]string{"result": r}}); n != want {
				t.Errorf("result=%s: %d", r, n)
			}
		}
		f.expectErrors(f.city, nqi.BenchmarkIndicators, nqi.Input{"benchmark_id": id(b), "direction": "lower_better"}, []errCase{
			{nqi.Input{"name": "a", "own_value": "≥1", "benchmark_value": "2"}, "own_value", "nqi.error.bound_direction"},
			{nqi.Input{"name": "b", "own_value": "1", "benchmark_value": "≥2"}, "benchmark_value", "nqi.error.bound_direction"},
			{nqi.Input{"name": "c", "own_value": "1 kg", "benchmark_value": "2 m"}, "unit", "nqi.error.units"},
			{nqi.Input{"name": "d", "own_value": "abc", "benchmark_value": "2"}, "own_value", "nqi.error.value_number"},
			{nqi.Input{"name": "e", "own_value": "1", "benchmark_value": ""}, "benchmark_value", "nqi.error.required"},
			{nqi.Input{"name": "f", "own_value": "不得检出", "benchmark_value": "2", "direction": "higher_better"}, "own_value", "nqi.error.not_detected_direction"},
			{nqi.Input{"name": "g", "own_value": "1", "benchmark_value": "2", "direction": "up"}, "direction", "nqi.error.enum"},
			{nqi.Input{"name": "热效率", "own_value": "1", "benchmark_value": "2"}, "name", "nqi.error.duplicate"},
			{nqi.Input{"name": "h", "own_value": "1", "benchmark_value": "2", "benchmark_id": "999"}, "benchmark_id", "nqi.error.parent_unknown"},
		})
		f.expectErrors(f.city, nqi.Benchmarks, base, []errCase{
			{nqi.Input{"benchmark_source": "foreign_advanced"}, "benchmark_source", "nqi.error.bench_source_level"},
			{nqi.Input{"action": "adopt"}, "action_standard", "nqi.error.bench_action_level"},
			{nqi.Input{"action": "create", "action_standard": "Q/ZJHY 0002-2019"}, "action_standard", "nqi.error.bench_action_level"},
			{nqi.Input{"action": "none"}, "action_standard", "nqi.error.bench_action_none"},
			{nqi.Input{"action": "adopt", "action_standard": ""}, "action_standard", "nqi.error.bench_action_standard"},
			{nqi.Input{"uscc": completeUSCC(t, "91440803MA4W9999")}, "uscc", "nqi.error.entity_unknown"},
			{nqi.Input{"year": "2099"}, "year", "nqi.error.year_future"},
			{nqi.Input{"own_standard": "GB/T 1"}, "own_standard", "nqi.error.std_year"},
		})
		// The enterprise enters and sees its own benchmarking only.
		mine, err := f.svc.Create(f.ent, nqi.Benchmarks, nqi.Input{"uscc": f.maker.USCC, "product": "电压力锅", "year": "2020",
			"benchmark_standard": "GB/T 20000-2020", "benchmark_source": "domestic_advanced"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Create(f.ent, nqi.BenchmarkIndicators, nqi.Input{"benchmark_id": id(mine), "name": "热效率", "unit": "%",
			"direction": "higher_better", "own_value": "85", "benchmark_value": "85"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Create(f.ent, nqi.Benchmarks, nqi.Input{"uscc": f.other.USCC, "product": "饲料", "year": "2020",
			"benchmark_standard": "GB/T 20000-2020", "benchmark_source": "domestic_advanced"}); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("enterprise enters another's benchmark: %v", err)
		}
		other := f.create(f.city, nqi.Benchmarks, nqi.Input{"uscc": f.other.USCC, "product": "饲料", "year": "2020",
			"benchmark_standard": "GB/T 20000-2020", "benchmark_source": "domestic_advanced"})
		if _, err := f.svc.Get(f.ent, nqi.Benchmarks, other.ID); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("enterprise reads another's: %v", err)
		}
		if _, err := f.svc.Create(f.ent, nqi.BenchmarkIndicators, nqi.Input{"benchmark_id": id(other), "name": "x", "direction": "higher_better",
			"own_value": "1", "benchmark_value": "1"}); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("enterprise adds an indicator to another's: %v", err)
		}
		items, n, err := f.svc.Find(f.ent, nqi.Benchmarks, nqi.Filter{})
		if err != nil || n != 2 {
			t.Errorf("enterprise sees %d benchmarks, %v", n, err)
		}
		for _, it := range items {
			if it.Str("uscc") != f.maker.USCC {
				t.Errorf("enterprise sees %s", it.Str("uscc"))
			}
		}
		if _, n, _ := f.svc.Find(f.ent, nqi.BenchmarkIndicators, nqi.Filter{}); n != 4 {
			t.Errorf("enterprise sees %d indicators", n)
		}
	})
}

func TestMetrology(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		auth := f.create(f.city, nqi.Qualifications, nqi.Input{"org_id": strconv.FormatInt(f.metro.ID, 10), "qualification": "metrology_authorisation",
			"certificate_no": "(粤)法计(2017)44081", "items": "燃油加油机、电子计价秤", "issued_on": "2017-03-01", "valid_until": "2022-02-28"})
		if auth.Str("region_code") != "440800" || auth.Names["org_id"] != f.metro.Name {
			t.Errorf("authorisation: %v %v", auth.Values, auth.Names)
		}
		f.create(f.city, nqi.Qualifications, nqi.Input{"org_id": strconv.FormatInt(f.metro.ID, 10), "qualification": "metrology_authorisation",
			"certificate_no": "(粤)法计(2022)44081", "issued_on": "2022-03-01", "valid_until": "2027-02-28"})
		f.create(f.city, nqi.Qualifications, nqi.Input{"org_id": strconv.FormatInt(f.countyMI.ID, 10), "qualification": "metrology_authorisation",
			"certificate_no": "(粤)法计(2016)44083", "issued_on": "2016-05-01", "valid_until": "2021-04-30", "status": "revoked", "ended_on": "2019-06-30"})
		f.create(f.city, nqi.Qualifications, nqi.Input{"org_id": strconv.FormatInt(f.lab.ID, 10), "qualification": "cma",
			"certificate_no": "2018191234Z", "issued_on": "2018-01-10", "valid_until": "2024-01-09"})
		for day, want := range map[string]int{"2019-06-29": 3, "2019-06-30": 2, "2022-02-28": 2, "2022-03-01": 2, "2030-01-01": 0} {
			if _, n, _ := f.svc.Find(f.city, nqi.Qualifications, nqi.Filter{Extra: map[string]string{"in_force_on": day}}); n != want {
				t.Errorf("in force on %s: %d, want %d", day, n, want)
			}
		}
		f.expectErrors(f.city, nqi.Qualifications, nqi.Input{"org_id": strconv.FormatInt(f.metro.ID, 10), "qualification": "metrology_authorisation",
			"issued_on": "2017-03-01", "valid_until": "2022-02-28"}, []errCase{
			{nqi.Input{"certificate_no": "a", "qualification": "cma"}, "qualification", "nqi.error.qual_org_kind"},
			{nqi.Input{"certificate_no": "b", "valid_until": "2017-03-01"}, "valid_until", "nqi.error.date_order"},
			{nqi.Input{"certificate_no": "c", "status": "suspended"}, "ended_on", "nqi.error.qual_ended_required"},
			{nqi.Input{"certificate_no": "d", "ended_on": "2018-01-01"}, "ended_on", "nqi.error.qual_ended_valid"},
			{nqi.Input{"certificate_no": "e", "status": "revoked", "ended_on": "2023-01-01"}, "ended_on", "nqi.error.qual_ended_after"},
			{nqi.Input{"certificate_no": "f", "org_id": "999999"}, "org_id", "nqi.error.org_unknown"},
			{nqi.Input{"certificate_no": "(粤)法计(2017)44081"}, "certificate_no", "nqi.error.duplicate"},
		})

		// An instrument and its verifications: the next due date follows the cycle.
		ins := f.create(f.county, nqi.Instruments, nqi.Input{"uscc": f.maker.USCC, "instrument_type": "fuel_dispenser", "serial_no": "JY-0001",
			"location": "1号加油岛"})
		if ins.IntOr("cycle_months", 0) != 6 || ins.Str("purpose") != "trade_settlement" || !ins.Date("next_due_on").IsZero() {
			t.Fatalf("instrument defaults: %v", ins.Values)
		}
		// Never verified: overdue at once.
		if _, n, _ := f.svc.Find(f.county, nqi.Instruments, nqi.Filter{Extra: map[string]string{"due": "overdue"}}); n != 1 {
			t.Errorf("unverified not overdue: %d", n)
		}
		verify := func(day, result string, org int64) error {
			_, err := f.svc.Create(f.county, nqi.Verifications, nqi.Input{"instrument_id": id(ins), "verified_on": day,
				"institution_id": strconv.FormatInt(org, 10), "result": result})
			return err
		}
		if err := verify("2025-10-15", "pass", f.metro.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := f.svc.Get(f.county, nqi.Instruments, ins.ID)
		if got.Date("next_due_on").String() != "2026-04-15" || got.Str("last_result") != "pass" {
			t.Errorf("after a pass: %v", got.Values)
		}
		// Today is 2026-03-02: due within 30 days? No (15 April); not overdue.
		if _, n, _ := f.svc.Find(f.county, nqi.Instruments, nqi.Filter{Extra: map[string]string{"due": "overdue"}}); n != 0 {
			t.Errorf("overdue after a pass: %d", n)
		}
		f.clock.T = time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
		if _, n, _ := f.svc.Find(f.county, nqi.Instruments, nqi.Filter{Extra: map[string]string{"due": "soon"}}); n != 1 {
			t.Errorf("due soon: %d", n)
		}
		// A failure makes it due at once; the county institution was not authorised then.
		if err := verify("2026-03-10", "fail", f.metro.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = f.svc.Get(f.county, nqi.Instruments, ins.ID)
		if got.Date("next_due_on").String() != "2026-03-10" || got.Str("last_result") != "fail" {
			t.Errorf("after a failure: %v", got.Values)
		}
		if _, n, _ := f.svc.Find(f.county, nqi.Instruments, nqi.Filter{Extra: map[string]string{"due": "overdue"}}); n != 1 {
			t.Errorf("failed not overdue: %d", n)
		}
		if err := verify("2026-03-12", "pass", f.countyMI.ID); fieldErr(err, "institution_id") != "nqi.error.not_authorised" {
			t.Errorf("unauthorised institution: %v", err)
		}
		if err := verify("2026-04-12", "pass", f.metro.ID); fieldErr(err, "verified_on") != "nqi.error.date_future" {
			t.Errorf("future verification: %v", err)
		}
		if err := verify("2026-03-12", "pass", f.lab.ID); fieldErr(err, "institution_id") != "nqi.error.org_kind" {
			t.Errorf("a lab verifying: %v", err)
		}
		// Changing the cycle moves the due date.
		if err := verify("2026-03-12", "pass", f.metro.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = f.svc.Get(f.county, nqi.Instruments, ins.ID)
		up, err := f.svc.Update(f.county, nqi.Instruments, ins.ID, nqi.Input{"cycle_months": "12"}, got.Version)
		if err != nil || up.Date("next_due_on").String() != "2027-03-12" {
			t.Errorf("cycle 12: %v %v", up, err)
		}
		// Instruments are not public: another district's official does not see them.
		other := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 9, Role: qcity.RoleCountyOfficial, Region: "440802"})
		if _, n, _ := f.svc.Find(other, nqi.Instruments, nqi.Filter{}); n != 0 {
			t.Errorf("another district sees %d instruments", n)
		}
		if _, err := f.svc.Get(other, nqi.Instruments, ins.ID); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("another district reads the instrument: %v", err)
		}
		// The enterprise reads its own instruments, and may not enter them.
		if _, n, err := f.svc.Find(f.ent, nqi.Instruments, nqi.Filter{}); n != 1 || err != nil {
			t.Errorf("enterprise sees %d instruments, %v", n, err)
		}
		if _, err := f.svc.Create(f.ent, nqi.Instruments, nqi.Input{"uscc": f.maker.USCC, "instrument_type": "trade_scale", "serial_no": "X"}); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("enterprise enters an instrument: %v", err)
		}
		f.expectErrors(f.county, nqi.Instruments, nqi.Input{"uscc": f.maker.USCC, "instrument_type": "trade_scale"}, []errCase{
			{nqi.Input{"serial_no": "a", "cycle_months": "0"}, "cycle_months", "nqi.error.int_range"},
			{nqi.Input{"serial_no": "b", "instrument_type": "thermometer"}, "instrument_type", "nqi.error.enum"},
			{nqi.Input{"serial_no": ""}, "serial_no", "nqi.error.required"},
		})
		if _, err := f.svc.Create(f.county, nqi.Instruments, nqi.Input{"uscc": f.other.USCC, "instrument_type": "trade_scale", "serial_no": "c"}); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("county official enters another district's instrument: %v", err)
		}
	})
}

func TestOfficersIPBrands(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		o := f.create(f.city, nqi.QualityOfficers, nqi.Input{"uscc": f.maker.USCC, "name": "陈海", "position": "副总经理", "appointed_on": "2018-05-01"})
		f.create(f.city, nqi.CQOTrainings, nqi.Input{"officer_id": id(o), "course": "首席质量官任职培训", "hours": "40", "completed_on": "2019-06-20"})
		f.create(f.city, nqi.CQOTrainings, nqi.Input{"officer_id": id(o), "course": "卓越绩效模式", "hours": "16", "completed_on": "2020-04-10", "result": "failed"})
		got, _ := f.svc.Get(f.city, nqi.QualityOfficers, o.ID)
		if got.IntOr("trainings", 0) != 1 || got.Date("last_trained_on").String() != "2019-06-20" {
			t.Errorf("officer: %v", got.Values)
		}
		f.expectErrors(f.city, nqi.QualityOfficers, nqi.Input{"uscc": f.maker.USCC, "name": "李明"}, []errCase{
			{nqi.Input{"appointed_on": "2019-01-01", "left_on": "2018-01-01"}, "left_on", "nqi.error.date_order"},
			{nqi.Input{"appointed_on": "2027-01-01"}, "appointed_on", "nqi.error.date_future"},
			{nqi.Input{"appointed_on": ""}, "appointed_on", "nqi.error.required"},
		})
		f.expectErrors(f.city, nqi.CQOTrainings, nqi.Input{"officer_id": id(o), "course": "x", "completed_on": "2019-01-01"}, []errCase{
			{nqi.Input{"hours": "0"}, "hours", "nqi.error.int_range"},
			{nqi.Input{"hours": "8", "completed_on": "2030-01-01"}, "completed_on", "nqi.error.date_future"},
			{nqi.Input{"hours": "8", "result": "ok"}, "result", "nqi.error.enum"},
		})
		f.create(f.city, nqi.IPEnterprises, nqi.Input{"uscc": f.maker.USCC, "level": "provincial", "year": "2019"})
		f.expectErrors(f.city, nqi.IPEnterprises, nqi.Input{"uscc": f.maker.USCC, "level": "provincial", "year": "2019"}, []errCase{
			{nqi.Input{}, "year", "nqi.error.duplicate"},
			{nqi.Input{"year": "2030"}, "year", "nqi.error.year_future"},
			{nqi.Input{"level": "city"}, "level", "nqi.error.enum"},
		})
		f.create(f.city, nqi.Brands, nqi.Input{"uscc": f.maker.USCC, "name": "海韵", "brand_type": "guangdong_famous", "product": "电饭锅", "year": "2018"})
		f.expectErrors(f.city, nqi.Brands, nqi.Input{"uscc": f.maker.USCC, "name": "海韵", "brand_type": "guangdong_famous", "year": "2018"}, []errCase{
			{nqi.Input{}, "name", "nqi.error.duplicate"},
			{nqi.Input{"brand_type": "famous"}, "brand_type", "nqi.error.enum"},
			{nqi.Input{"year": "1900"}, "year", "nqi.error.year"},
		})
	})
}

func TestFund(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		base := nqi.Input{"uscc": f.maker.USCC, "bank": "湛江农村商业银行", "contract_no": "ZJNS-2019-001", "amount": "5,000,000",
			"ip_type": "patent", "pledged_ip": "ZL201810000001.X", "loan_on": "2019-04-01", "due_on": "2020-03-31"}
		loan := f.create(f.county, nqi.FundLoans, base)
		if loan.IntOr("amount", 0) != 500000000 || loan.IntOr("coverage_pct", 0) != 50 || loan.IntOr("year", 0) != 2019 {
			t.Fatalf("loan: %v", loan.Values)
		}
		pay := func(amount string) error {
			_, err := f.svc.Create(f.county, nqi.FundCompensations, nqi.Input{"loan_id": id(loan), "paid_on": "2020-08-01", "amount": amount})
			return err
		}
		if err := pay("100"); fieldErr(err, "loan_id") != "nqi.error.loan_not_defaulted_pay" {
			t.Errorf("paying an active loan: %v", err)
		}
		loan, err := f.svc.Update(f.county, nqi.FundLoans, loan.ID, nqi.Input{"status": "defaulted", "defaulted_on": "2020-04-30", "loss": "1200000.01"}, loan.Version)
		if err != nil {
			t.Fatal(err)
		}
		// The fund bears 50% of 1,200,000.01 yuan: 600,000.00 (rounded down to the fen).
		if err := pay("400000"); err != nil {
			t.Fatal(err)
		}
		got, _ := f.svc.Get(f.county, nqi.FundLoans, loan.ID)
		if got.Str("status") != "compensated" || got.IntOr("compensated", 0) != 40000000 {
			t.Errorf("after a payment: %v", got.Values)
		}
		err = pay("200000.01")
		if fieldErr(err, "amount") != "nqi.error.compensation_cap" {
			t.Errorf("over the cap: %v", err)
		}
		if err := pay("200000.00"); err != nil {
			t.Errorf("up to the cap: %v", err)
		}
		// A loan with compensations cannot go back to active.
		if _, err := f.svc.Update(f.county, nqi.FundLoans, loan.ID, nqi.Input{"status": "active", "defaulted_on": "", "loss": ""}, got.Version); fieldErr(err, "status") != "nqi.error.loan_has_compensations" {
			t.Errorf("back to active: %v", err)
		}
		// Several payments in one batch count together against the cap.
		l2 := f.create(f.county, nqi.FundLoans, nqi.Input{"uscc": f.maker.USCC, "bank": "中国银行湛江分行", "contract_no": "ZJBOC-2020-7",
			"amount": "1000000", "ip_type": "trademark", "pledged_ip": "第12345678号", "loan_on": "2020-01-10", "due_on": "2021-01-09",
			"status": "defaulted", "defaulted_on": "2020-12-01", "loss": "800000", "coverage_pct": "40"})
		_, err = f.svc.BulkCreate(f.county, nqi.FundCompensations, []nqi.Input{
			{"loan_id": id(l2), "paid_on": "2021-02-01", "amount": "200000"},
			{"loan_id": id(l2), "paid_on": "2021-03-01", "amount": "120000.01"},
		}, "test")
		if qe := qcity.AsError(err); qe == nil || len(qe.Fields) != 1 || qe.Fields[0].Row != 2 || qe.Fields[0].Key != "nqi.error.compensation_cap" {
			t.Errorf("batch over the cap: %v", err)
		}
		f.expectErrors(f.county, nqi.FundLoans, base, []errCase{
			{nqi.Input{"contract_no": "a", "amount": "0"}, "amount", "nqi.error.money_positive"},
			{nqi.Input{"contract_no": "b", "amount": "12.345"}, "amount", "nqi.error.money"},
			{nqi.Input{"contract_no": "c", "due_on": "2019-04-01"}, "due_on", "nqi.error.date_order"},
			{nqi.Input{"contract_no": "d", "status": "defaulted"}, "defaulted_on", "nqi.error.loan_default_required"},
			{nqi.Input{"contract_no": "e", "status": "defaulted", "defaulted_on": "2019-09-01", "loss": "6000000"}, "loss", "nqi.error.loan_loss_range"},
			{nqi.Input{"contract_no": "f", "loss": "100"}, "loss", "nqi.error.loan_not_defaulted"},
			{nqi.Input{"contract_no": "g", "coverage_pct": "120"}, "coverage_pct", "nqi.error.int_range"},
			{nqi.Input{"contract_no": "ZJNS-2019-001"}, "contract_no", "nqi.error.duplicate"},
		})
		// Loans are not public.
		other := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 9, Role: qcity.RoleCountyOfficial, Region: "440802"})
		if _, n, _ := f.svc.Find(other, nqi.FundLoans, nqi.Filter{}); n != 0 {
			t.Errorf("another district sees %d loans", n)
		}
	})
}

func TestCampaignsKitchensProjectsEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		c := f.create(f.county, nqi.Campaigns, nqi.Input{"name": "小家电质量安全专项整治", "area": "household_appliances", "year": "2019",
			"region_code": "440803", "start_on": "2019-04-01", "end_on": "2019-10-31", "target_inspections": "3"})
		insp := func(in nqi.Input) (*nqi.Record, error) {
			in["campaign_id"] = id(c)
			return f.svc.Create(f.county, nqi.CampaignInspections, in)
		}
		if _, err := insp(nqi.Input{"uscc": f.maker.USCC, "inspected_on": "2019-05-10", "problems": "2", "findings": "标签不规范", "outcome": "rectified", "rectified_on": "2019-06-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := insp(nqi.Input{"uscc": f.eatery.USCC, "inspected_on": "2019-05-11", "outcome": "compliant"}); err != nil {
			t.Fatal(err)
		}
		got, _ := f.svc.Get(f.county, nqi.Campaigns, c.ID)
		if got.IntOr("inspections", 0) != 2 || got.IntOr("problems", 0) != 2 || got.IntOr("rectified", 0) != 1 {
			t.Errorf("campaign counts: %v", got.Values)
		}
		for _, ec := range []errCase{
			{nqi.Input{"uscc": f.maker.USCC, "inspected_on": "2019-11-10", "outcome": "compliant"}, "inspected_on", "nqi.error.inspection_period"},
			{nqi.Input{"uscc": f.other.USCC, "inspected_on": "2019-05-10", "outcome": "compliant"}, "uscc", "nqi.error.inspection_region"},
			{nqi.Input{"uscc": f.maker.USCC, "inspected_on": "2019-05-10", "problems": "1", "outcome": "compliant"}, "outcome", "nqi.error.inspection_outcome_problems"},
			{nqi.Input{"uscc": f.maker.USCC, "inspected_on": "2019-05-10", "outcome": "case_filed"}, "outcome", "nqi.error.inspection_outcome_none"},
			{nqi.Input{"uscc": f.maker.USCC, "inspected_on": "2019-05-10", "problems": "1", "outcome": "rectified"}, "rectified_on", "nqi.error.inspection_rectified_on"},
			{nqi.Input{"uscc": f.maker.USCC, "inspected_on": "2019-05-10", "outcome": "compliant", "rectified_on": "2019-06-01"}, "rectified_on", "nqi.error.inspection_not_rectified"},
		} {
			if _, err := insp(ec.in); fieldErr(err, ec.field) != ec.key {
				t.Errorf("%v: %v, want %s beside %s", ec.in, err, ec.key, ec.field)
			}
		}
		f.expectErrors(f.county, nqi.Campaigns, nqi.Input{"name": "x", "area": "food", "region_code": "440803", "start_on": "2019-04-01", "end_on": "2019-10-31"}, []errCase{
			{nqi.Input{"year": "2020"}, "year", "nqi.error.year_period"},
			{nqi.Input{"year": "2019", "end_on": "2019-01-01"}, "end_on", "nqi.error.date_order"},
			{nqi.Input{"year": "2019", "area": "toys"}, "area", "nqi.error.enum"},
		})

		// Bright kitchens: catering businesses only; coverage counts them.
		if _, err := f.svc.Create(f.city, nqi.BrightKitchens, nqi.Input{"uscc": f.maker.USCC, "mode": "video", "implemented_on": "2019-03-01"}); fieldErr(err, "uscc") != "nqi.error.not_catering" {
			t.Errorf("a manufacturer's kitchen: %v", err)
		}
		f.create(f.city, nqi.BrightKitchens, nqi.Input{"uscc": f.eatery.USCC, "mode": "internet_live", "implemented_on": "2019-03-01"})
		rows, total, err := f.svc.KitchenCoverage(f.city, qcity.NewDate(2019, 12, 31))
		if err != nil || total.Covered != 1 || total.Total != 1 || len(rows) != 9 {
			t.Errorf("coverage: %v %v %v", rows, total, err)
		}
		if _, total, _ := f.svc.KitchenCoverage(f.city, qcity.NewDate(2018, 12, 31)); total.Covered != 0 || total.Total != 1 {
			t.Errorf("coverage before: %v", total)
		}

		// Improvement projects: indicators met or not against their targets.
		p := f.create(f.city, nqi.ImprovementProjects, nqi.Input{"name": "电饭锅质量提升行动", "product": "电饭锅", "year": "2019", "region_code": "440881",
			"start_on": "2019-03-01", "end_on": "2019-12-31", "enterprises": "23"})
		met := f.create(f.city, nqi.ImprovementIndicators, nqi.Input{"project_id": id(p), "name": "监督抽查合格率", "unit": "%", "direction": "higher_better",
			"baseline": "85.0", "target": "92", "achieved": "93.5"})
		pend := f.create(f.city, nqi.ImprovementIndicators, nqi.Input{"project_id": id(p), "name": "热效率平均值", "unit": "%", "direction": "higher_better", "target": "≥86"})
		if met.Str("class") != "met" || pend.Str("class") != "pending" {
			t.Errorf("indicators: %s %s", met.Str("class"), pend.Str("class"))
		}
		if _, err := f.svc.Create(f.city, nqi.ImprovementIndicators, nqi.Input{"project_id": id(p), "name": "不良率", "direction": "lower_better",
			"baseline": "3%", "target": "4%"}); fieldErr(err, "target") != "nqi.error.target_not_better" {
			t.Errorf("target worse than the baseline: %v", err)
		}
		got, _ = f.svc.Get(f.city, nqi.ImprovementProjects, p.ID)
		if got.IntOr("indicators", 0) != 2 || got.IntOr("met", 0) != 1 {
			t.Errorf("project: %v", got.Values)
		}

		// Quality events and their activities.
		e := f.create(f.city, nqi.QualityEvents, nqi.Input{"event_type": "world_metrology_day", "year": "2019", "title": "2019年世界计量日宣传活动",
			"theme": "国际单位制（SI）——根本性的变革", "region_code": "440800"})
		f.create(f.city, nqi.EventActivities, nqi.Input{"event_id": id(e), "title": "计量器具免费检测", "held_on": "2019-05-20", "participants": "300"})
		f.create(f.city, nqi.EventParticipants, nqi.Input{"event_id": id(e), "name": f.metro.Name, "role": "organiser"})
		if _, err := f.svc.Create(f.city, nqi.EventActivities, nqi.Input{"event_id": id(e), "title": "x", "held_on": "2020-05-20"}); fieldErr(err, "held_on") != "nqi.error.event_year" {
			t.Errorf("activity in another year: %v", err)
		}
		got, _ = f.svc.Get(f.city, nqi.QualityEvents, e.ID)
		if got.IntOr("activities", 0) != 1 || got.IntOr("people", 0) != 300 {
			t.Errorf("event: %v", got.Values)
		}
	})
}
