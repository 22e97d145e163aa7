package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"qcity"
	"qcity/internal/db/dbtest"
	"qcity/internal/nqi"
	"qcity/internal/registry"
	"qcity/internal/web"
)

// seedQuality enters a record in every register, as the city official, and returns
// the ids by register name.
func (e *env) seedQuality() map[string]int64 {
	e.t.Helper()
	ctx := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 1, Name: "city", Role: qcity.RoleCityOfficial})
	sys := qcity.WithActor(context.Background(), qcity.System("test"))
	metro, err := e.registry.CreateOrganisation(sys, registry.OrganisationInput{Kind: "metrology_institution", Name: "湛江市计量检定测试所",
		USCC: validCode(e.t, "12440800MB2C0002"), Region: "440800"})
	if err != nil {
		e.t.Fatal(err)
	}
	eatery := e.mustEntity(sys, "91440803MA4W0003", "湛江市霞山区海鲜酒家有限公司", "440803")
	if _, err := e.registry.UpdateEntity(sys, eatery.USCC, registry.EntityInput{Name: eatery.Name, Type: "company",
		LegalRepresentative: "李四", Region: "440803", Industry: "6210", EstablishedOn: "2015-03-02"}, eatery.Version); err != nil {
		e.t.Fatal(err)
	}
	ids := map[string]int64{}
	add := func(k *nqi.Kind, in nqi.Input) string {
		r, err := e.srv.NQI.Create(ctx, k, in)
		if err != nil {
			e.t.Fatalf("%s: %v", k.Name, err)
		}
		ids[k.Name] = r.ID
		return strconv.FormatInt(r.ID, 10)
	}
	std := add(nqi.Standards, nqi.Input{"code": "DB44/T 2234-2019", "title": "对虾养殖水质要求", "published_on": "2019-06-12", "region_code": "440800"})
	add(nqi.StandardDrafters, nqi.Input{"standard_id": std, "name": e.inCounty.Name, "uscc": e.inCounty.USCC, "role": "lead"})
	add(nqi.PilotProjects, nqi.Input{"name": "对虾养殖标准化示范区", "level": "national", "field": "agriculture", "owner_name": "湛江市渔业协会",
		"region_code": "440800", "start_on": "2018-03-01", "end_on": "2020-12-31"})
	b := add(nqi.Benchmarks, nqi.Input{"uscc": e.inCounty.USCC, "product": "冻虾仁", "year": "2019", "benchmark_standard": "CXS 92-1981",
		"benchmark_source": "international", "action": "adopt", "action_standard": "CXS 92-1981"})
	add(nqi.BenchmarkIndicators, nqi.Input{"benchmark_id": b, "name": "菌落总数", "unit": "CFU/g", "direction": "lower_better",
		"own_value": "≤5×10⁴", "benchmark_value": "≤1×10⁵"})
	add(nqi.Qualifications, nqi.Input{"org_id": strconv.FormatInt(metro.ID, 10), "qualification": "metrology_authorisation",
		"certificate_no": "(粤)法计(2017)44081", "issued_on": "2017-03-01", "valid_until": "2027-02-28"})
	ins := add(nqi.Instruments, nqi.Input{"uscc": e.inCounty.USCC, "instrument_type": "trade_scale", "serial_no": "JJ-001"})
	add(nqi.Verifications, nqi.Input{"instrument_id": ins, "verified_on": "2026-01-05", "institution_id": strconv.FormatInt(metro.ID, 10), "result": "pass"})
	o := add(nqi.QualityOfficers, nqi.Input{"uscc": e.inCounty.USCC, "name": "陈海", "appointed_on": "2018-05-01"})
	add(nqi.CQOTrainings, nqi.Input{"officer_id": o, "course": "首席质量官任职培训", "hours": "40", "completed_on": "2019-06-20"})
	add(nqi.IPEnterprises, nqi.Input{"uscc": e.inCounty.USCC, "level": "provincial", "year": "2019"})
	add(nqi.Brands, nqi.Input{"uscc": e.inCounty.USCC, "name": "海滨", "brand_type": "guangdong_famous", "year": "2018"})
	loan := add(nqi.FundLoans, nqi.Input{"uscc": e.inCounty.USCC, "bank": "湛江农村商业银行", "contract_no": "ZJNS-2019-001", "amount": "5000000",
		"ip_type": "patent", "pledged_ip": "ZL201810000001.X", "loan_on": "2019-04-01", "due_on": "2020-03-31", "status": "defaulted",
		"defaulted_on": "2020-04-30", "loss": "1000000"})
	add(nqi.FundCompensations, nqi.Input{"loan_id": loan, "paid_on": "2020-08-01", "amount": "300000"})
	c := add(nqi.Campaigns, nqi.Input{"name": "水产品专项整治", "area": "food", "year": "2019", "region_code": "440803",
		"start_on": "2019-04-01", "end_on": "2019-10-31"})
	add(nqi.CampaignInspections, nqi.Input{"campaign_id": c, "uscc": e.inCounty.USCC, "inspected_on": "2019-05-10", "outcome": "compliant"})
	add(nqi.BrightKitchens, nqi.Input{"uscc": eatery.USCC, "mode": "video", "implemented_on": "2019-03-01"})
	p := add(nqi.ImprovementProjects, nqi.Input{"name": "电饭锅质量提升行动", "product": "电饭锅", "year": "2019", "region_code": "440881",
		"start_on": "2019-03-01", "end_on": "2019-12-31"})
	add(nqi.ImprovementIndicators, nqi.Input{"project_id": p, "name": "监督抽查合格率", "unit": "%", "direction": "higher_better", "target": "92", "achieved": "93.5"})
	ev := add(nqi.QualityEvents, nqi.Input{"event_type": "quality_month", "year": "2019", "title": "2019年质量月", "region_code": "440800"})
	add(nqi.EventActivities, nqi.Input{"event_id": ev, "title": "质量开放日", "held_on": "2019-09-10", "participants": "200"})
	add(nqi.EventParticipants, nqi.Input{"event_id": ev, "name": e.inCounty.Name, "role": "participant"})
	return ids
}

var rawNQIKey = regexp.MustCompile(`>[^<]*\bnqi\.[a-z_]+(\.[a-z_0-9]+)*\b[^<]*<`)

// Every quality page renders in both languages without a raw locale key.
func TestQualityPagesBothLanguages(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	ids := e.seedQuality()
	pages := []string{"/quality", "/quality/report", "/quality/report?year=2019", "/quality/report/print?year=2019",
		"/quality/benchmarks/leaders?year=2019"}
	for _, key := range nqi.IndicatorKeys {
		pages = append(pages, "/quality/report/"+key+"?year=2019")
	}
	for _, k := range nqi.Kinds() {
		id := strconv.FormatInt(ids[k.Name], 10)
		pages = append(pages, "/quality/"+k.Slug, "/quality/"+k.Slug+"/new", "/quality/"+k.Slug+"/"+id, "/quality/"+k.Slug+"/"+id+"/edit")
	}
	for _, lang := range []string{"zh-CN", "en"} {
		c := e.newClient()
		c.login("city")
		c.get("/lang?to=" + lang + "&next=/")
		for _, p := range pages {
			resp, body := c.get(p)
			if resp.StatusCode != 200 {
				t.Errorf("%s %s: %d", lang, p, resp.StatusCode)
				continue
			}
			if m := rawNQIKey.FindString(body); m != "" {
				t.Errorf("%s %s shows a raw key: %s", lang, p, m)
			}
			if !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("%s %s: wrong html lang", lang, p)
			}
		}
	}
}

// The report API answers the contract: every key, rates with their counts.
func TestQualityReportAPI(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	e.seedQuality()
	key := e.keys["city_official"]
	st, rep := e.api("GET", "/api/v1/reports/quality?year=2019", key, "")
	if st != 200 || rep["year"].(float64) != 2019 {
		t.Fatalf("%d %v", st, rep)
	}
	got := map[string]map[string]any{}
	for _, it := range rep["indicators"].([]any) {
		m := it.(map[string]any)
		for _, f := range []string{"key", "label", "value", "numerator", "denominator", "unit"} {
			if _, ok := m[f]; !ok {
				t.Errorf("indicator %v lacks %s", m["key"], f)
			}
		}
		got[m["key"].(string)] = m
	}
	for _, k := range []string{"manufacturing_pass_rate", "agri_pass_rate_national", "agri_pass_rate_provincial", "agri_pass_rate_city",
		"agri_pass_rate_county", "food_batches", "food_pass_rate", "standards_international_national", "standards_local",
		"pilot_projects_national", "pilot_projects_provincial", "labs", "metrology_institutions", "ip_advantage_enterprises",
		"cqo_trained_enterprises", "annual_report_rate"} {
		m, ok := got[k]
		if !ok {
			t.Errorf("no %s", k)
			continue
		}
		if strings.Contains(k, "rate") && (m["unit"] != "%" || m["denominator"] == nil) {
			t.Errorf("%s: a rate without its denominator: %v", k, m)
		}
	}
	for k, want := range map[string]float64{"standards_local": 1, "pilot_projects_national": 1, "metrology_institutions": 1,
		"ip_advantage_enterprises": 1, "cqo_trained_enterprises": 1, "bright_kitchen_coverage": 100} {
		if got[k]["value"].(float64) != want {
			t.Errorf("%s = %v, want %v", k, got[k]["value"], want)
		}
	}
	st, dr := e.api("GET", "/api/v1/reports/quality/standards_local?year=2019", key, "")
	if st != 200 || dr["total"].(float64) != 1 || len(dr["items"].([]any)) != 1 {
		t.Errorf("drill: %d %v", st, dr)
	}
	st, dr = e.api("GET", "/api/v1/reports/quality/bright_kitchen_coverage?year=2019", key, "")
	if cov, _ := dr["coverage_by_region"].([]any); st != 200 || len(cov) != 9 || dr["coverage_on"] != "2019-12-31" ||
		dr["coverage_total"].(map[string]any)["covered"].(float64) != 1 || dr["total"].(float64) != 1 {
		t.Errorf("bright kitchen drill: %d %v", st, dr)
	}
	st, dr = e.api("GET", "/api/v1/reports/quality/food_pass_rate?year=2019", key, "")
	if st != 200 || dr["by_region"] == nil {
		t.Errorf("sampling drill: %d %v", st, dr)
	}
	st, dr = e.api("GET", "/api/v1/reports/quality/annual_report_rate?year=2019", key, "")
	if st != 200 || dr["ranking"] == nil {
		t.Errorf("credit drill: %d %v", st, dr)
	}
	for path, code := range map[string]int{
		"/api/v1/reports/quality":                           422,
		"/api/v1/reports/quality?year=19":                   422,
		"/api/v1/reports/quality?year=abc":                  422,
		"/api/v1/reports/quality?year=2101":                 422,
		"/api/v1/reports/quality/nonsense?year=2019":        404,
		"/api/v1/reports/quality/labs?year=2019&limit=5000": 422,
		"/api/v1/reports/quality/labs?year=2019&offset=-1":  422,
	} {
		if st, body := e.api("GET", path, key, ""); st != code {
			t.Errorf("%s: %d, want %d (%v)", path, st, code, body)
		}
	}
	if st, _ := e.api("GET", "/api/v1/reports/quality/labs?year=2019", e.keys["api_client"], ""); st != 403 {
		t.Errorf("api client drills down: %d", st)
	}
}

// The annual quality report is published: anyone reads the page, the printable view,
// the workbook and the API with the officials' figures, but no figure links to the
// records behind it, and the drill-down asks for a login. Anonymous callers are
// limited per address, as for the other public lookups.
func TestQualityReportPublic(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t), web.Config{PublicPerMinute: 3})
	e.seedQuality()
	st, official := e.api("GET", "/api/v1/reports/quality?year=2019", e.keys["city_official"], "")
	if st != 200 {
		t.Fatalf("official: %d", st)
	}
	st, public := e.api("GET", "/api/v1/reports/quality?year=2019", "", "")
	if st != 200 || !reflect.DeepEqual(public["indicators"], official["indicators"]) || !reflect.DeepEqual(public["ranking"], official["ranking"]) {
		t.Fatalf("anonymous: %d, the figures differ from the official's: %v", st, public)
	}
	if st, _ := e.api("GET", "/api/v1/reports/quality/standards_local?year=2019", "", ""); st != 401 {
		t.Errorf("anonymous API drill-down: %d, want 401", st)
	}
	c := e.newClient()
	resp, page := c.get("/quality/report?year=2019")
	if resp.StatusCode != 200 || !strings.Contains(page, `id="ind-standards_local"`) || !strings.Contains(page, `id="print-link"`) {
		t.Fatalf("anonymous page: %d", resp.StatusCode)
	}
	for _, key := range nqi.IndicatorKeys {
		if strings.Contains(page, `href="/quality/report/`+key+`?`) {
			t.Errorf("the public page links %s to its drill-down", key)
		}
	}
	if strings.Contains(page, `href="/quality"`) {
		t.Errorf("the public page links to the officials' workspace")
	}
	if resp, _ := c.get("/quality/report/standards_local?year=2019"); resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("anonymous drill-down page: %d %s, want a redirect to the login", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := c.get("/quality/report/export?year=2019"); resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheet") {
		t.Errorf("anonymous export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Three anonymous reports so far (API, page, workbook): the fourth is refused, an
	// official's is not.
	if resp, _ := c.get("/quality/report/print?year=2019"); resp.StatusCode != 429 {
		t.Errorf("anonymous report over the limit: %d, want 429", resp.StatusCode)
	}
	if st, _ := e.api("GET", "/api/v1/reports/quality?year=2019", e.keys["city_official"], ""); st != 200 {
		t.Errorf("official over the anonymous limit: %d", st)
	}
	// The official's page links every figure to its records.
	o := e.newClient()
	o.login("city")
	_, page = o.get("/quality/report?year=2019")
	for _, key := range nqi.IndicatorKeys {
		if !strings.Contains(page, `href="/quality/report/`+key+`?year=2019"`) {
			t.Errorf("the official's page does not link %s to its drill-down", key)
		}
	}
}

// The register API: list, create, read, edit with the version, errors beside fields.
func TestQualityRegisterAPI(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	key := e.keys["city_official"]
	body := `{"code":"GB/T 38000-2019","title":"冻虾仁","published_on":"2019-08-30","region_code":"440800","status":"in_force"}`
	st, rec := e.api("POST", "/api/v1/quality/standards", key, body)
	if st != 201 || rec["level"] != "national" || rec["version"].(float64) != 1 {
		t.Fatalf("create: %d %v", st, rec)
	}
	id := strconv.Itoa(int(rec["id"].(float64)))
	st, rec = e.api("PUT", "/api/v1/quality/standards/"+id, key, `{"title":"冻虾仁（修改）","version":1}`)
	if st != 200 || rec["title"] != "冻虾仁（修改）" || rec["code"] != "GB/T 38000-2019" {
		t.Fatalf("update: %d %v", st, rec)
	}
	if st, _ := e.api("PUT", "/api/v1/quality/standards/"+id, key, `{"title":"再改","version":1}`); st != 409 {
		t.Errorf("stale version: %d", st)
	}
	st, list := e.api("GET", "/api/v1/quality/standards?level=national&q="+url.QueryEscape("冻虾"), key, "")
	if st != 200 || list["total"].(float64) != 1 {
		t.Errorf("list: %d %v", st, list)
	}
	// Numbers are accepted where text is expected; a GET body round-trips.
	if st, rec = e.api("GET", "/api/v1/quality/standards/"+id, key, ""); st != 200 {
		t.Fatalf("read back: %d %v", st, rec)
	}
	raw, _ := json.Marshal(rec)
	if st, _ := e.api("PUT", "/api/v1/quality/standards/"+id, key, string(raw)); st != 200 {
		t.Errorf("round trip of a GET body: %d", st)
	}
	st, sch := e.api("GET", "/api/v1/quality/schema", "", "")
	if st != 200 || len(sch["registers"].([]any)) != len(nqi.Kinds()) {
		t.Errorf("schema: %d", st)
	}
}
