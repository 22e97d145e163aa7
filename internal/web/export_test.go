package web_test

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/locale"
)

// The 导出 Excel of the officials' working lists: each page links to its export with
// its current filters, the export holds the rows the filtered list holds (every page of
// them, a county official's own district where the list is scoped), with the page's
// column labels as headers, and reading it is audited where the data is not public.

var exportLinkRE = regexp.MustCompile(`<a class="button" id="export" href="([^"]*)"`)

// exportLink opens a list page and returns its 导出 Excel link.
func exportLink(t *testing.T, c *client, page string) string {
	t.Helper()
	resp, body := c.get(page)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", page, resp.StatusCode)
	}
	m := exportLinkRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s has no export button", page)
	}
	return html.UnescapeString(m[1])
}

// exportVia follows a page's export link and returns the workbook's rows after
// checking its header.
func exportVia(t *testing.T, c *client, page, wantLink string, header ...string) [][]string {
	t.Helper()
	link := exportLink(t, c, page)
	if link != wantLink {
		t.Errorf("%s: export link %q, want %q", page, link, wantLink)
	}
	rows := xlsxRows(t, c, link)
	if len(rows) == 0 || !slices.Equal(rows[0], header) {
		t.Fatalf("%s: header %q, want %q", link, rows, header)
	}
	return rows[1:]
}

// column returns column i of rows.
func column(rows [][]string, i int) []string {
	out := make([]string, len(rows))
	for j, r := range rows {
		if i < len(r) {
			out[j] = r[i]
		}
	}
	return out
}

// apiColumn lists a JSON API list's items' field, in order.
func (e *env) apiColumn(path, key, field string) []string {
	e.t.Helper()
	st, res := e.api("GET", path, key, "")
	if st != 200 {
		e.t.Fatalf("%s: %d %v", path, st, res)
	}
	items, _ := res["items"].([]any)
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = fmt.Sprint(it.(map[string]any)[field])
	}
	return out
}

// exportAudits counts the audit records of exports of an object type.
func (e *env) exportAudits(objectType string) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(t0(), `SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND object_type = ?`, objectType).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestCertExports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		bodyKey, cityKey, countyKey := e.keys[qcity.RoleCertificationBody], e.keys[qcity.RoleCityOfficial], e.keys[qcity.RoleCountyOfficial]
		const number = "2024010718000123"
		if st, res := e.api("POST", "/api/v1/certificates", bodyKey, e.certJSON(number)); st != 201 {
			t.Fatal(st, res)
		}
		// Leads: three unknown numbers and a certificate shown by another firm.
		for _, p := range []string{"2025010718999999/verify", "2025010718999998/verify", "03425Q10286R0S/verify",
			number + "/verify?holder=" + urlQuery(e.outCounty.Name)} {
			if st, _ := e.api("GET", "/api/v1/certificates/"+p, "", ""); st != 200 {
				t.Fatalf("verify %s: %d", p, st)
			}
		}
		// A failing sample flags the certificate to its body.
		st, smp := e.api("POST", "/api/v1/samples", e.keys[qcity.RoleLab], sampleJSON(e, "CP26440803000001", `kind="product";;category="家用电器/电饭锅";;`+
			`product_name="智能电饭煲";;specification="CFXB40-70 4.0L 220V~ 700W";;stage="production";;`+
			`producer_uscc="`+e.inCounty.USCC+`";;producer_name="`+e.inCounty.Name+`";;`+
			`items=[{"item":"输入功率","result":"820","unit":"W","limit":"≤770","lab_verdict":"不合格"}]`))
		if st != 201 || smp["verdict"] != "fail" {
			t.Fatalf("sample: %d %v", st, smp)
		}
		// Cases: one from a lead against a firm of 440802, one by hand against one of 440803.
		leads := e.apiColumn("/api/v1/certification/leads?kind=unknown_number&q=2025010718999999", cityKey, "id")
		if len(leads) != 1 {
			t.Fatalf("leads: %v", leads)
		}
		if st, res := e.api("POST", "/api/v1/certification/cases", cityKey, `{"source":"lead","lead_id":`+leads[0]+`,"offence":"forged",
			"subject":"`+e.outCounty.Name+`","subject_uscc":"`+e.outCounty.USCC+`","summary":"疑似伪造"}`); st != 201 {
			t.Fatalf("case: %d %v", st, res)
		}
		if st, res := e.api("POST", "/api/v1/certification/cases", cityKey, `{"source":"manual","offence":"misused","number":"`+number+`",
			"subject":"`+e.inCounty.Name+`","subject_uscc":"`+e.inCounty.USCC+`","summary":"冒用认证证书"}`); st != 201 {
			t.Fatalf("manual case: %d %v", st, res)
		}

		city := e.newClient()
		city.login("city")

		// Leads, as filtered: the open ones by default, then by kind.
		rows := exportVia(t, city, "/cert/leads", "/cert/leads/export",
			"证书编号", "认证类别", "线索类型", "获证组织", "出示证书的单位", "查询次数", "首次查询", "最近查询", "处理状态", "说明")
		if got, want := column(rows, 0), e.apiColumn("/api/v1/certification/leads?state=open", cityKey, "number"); !slices.Equal(got, want) || len(got) != 3 {
			t.Errorf("open leads: export %v, list %v", got, want)
		}
		rows = exportVia(t, city, "/cert/leads?state=&kind=holder_mismatch", "/cert/leads/export?kind=holder_mismatch&state=",
			"证书编号", "认证类别", "线索类型", "获证组织", "出示证书的单位", "查询次数", "首次查询", "最近查询", "处理状态", "说明")
		if len(rows) != 1 || rows[0][0] != number || rows[0][2] != "疑似冒用" ||
			rows[0][3] != e.inCounty.Name || rows[0][4] != e.outCounty.Name || rows[0][5] != "1" || rows[0][7] != "2026-11-27" {
			t.Errorf("holder-mismatch leads: %q", rows)
		}
		rows = xlsxRows(t, city, "/cert/leads/export?state=case")
		if len(rows) != 2 || rows[1][0] != "2025010718999999" {
			t.Errorf("leads in a case: %q", rows)
		}

		// Flags: the officials see every body's, the body its own.
		rows = exportVia(t, city, "/cert/flags?state=open", "/cert/flags/export?state=open",
			"证书编号", "认证类别", "获证组织", "统一社会信用代码", "认证机构", "不合格样品", "产品名称", "不合格项目", "检验机构",
			"转核查日期", "答复期限", "核查状态", "核查结论", "答复日期", "核查说明")
		if len(rows) != 1 || rows[0][0] != number || rows[0][4] != e.certBody.Name || rows[0][5] != "CP26440803000001" ||
			rows[0][9] != "2026-11-27" || rows[0][11] != "待答复" {
			t.Errorf("flags: %q", rows)
		}
		if rows := xlsxRows(t, city, "/cert/flags/export?state=responded"); len(rows) != 1 {
			t.Errorf("responded flags: %q", rows)
		}
		body := e.newClient()
		body.login("certbody")
		if rows := xlsxRows(t, body, "/cert/flags/export"); len(rows) != 2 || rows[1][0] != number {
			t.Errorf("the body's flags: %q", rows)
		}

		// Cases: all for the city, the county official's district only.
		header := []string{"案件编号", "违法类型", "当事人", "当事人统一社会信用代码", "行政区划", "证书编号", "立案日期", "案件状态", "处理结果", "结案日期", "案情摘要"}
		rows = exportVia(t, city, "/cert/cases?state=open", "/cert/cases/export?state=open", header...)
		if got, want := column(rows, 0), e.apiColumn("/api/v1/certification/cases?state=open", cityKey, "case_no"); !slices.Equal(got, want) || len(got) != 2 {
			t.Errorf("cases: export %v, list %v", got, want)
		}
		county := e.newClient()
		county.login("county")
		rows = exportVia(t, county, "/cert/cases", "/cert/cases/export", header...)
		if got, want := column(rows, 0), e.apiColumn("/api/v1/certification/cases", countyKey, "case_no"); !slices.Equal(got, want) ||
			len(got) != 1 || rows[0][3] != e.inCounty.USCC || rows[0][4] != "霞山区" {
			t.Errorf("county cases: export %q, list %v", rows, want)
		}
		if rows := xlsxRows(t, city, "/cert/cases/export?q="+urlQuery(e.outCounty.USCC)); len(rows) != 2 || rows[1][2] != e.outCounty.Name {
			t.Errorf("cases by keyword: %q", rows)
		}

		// Bodies and labs with their approvals.
		rows = exportVia(t, city, "/cert/bodies", "/cert/bodies/export", "名称", "统一社会信用代码", "资质证书编号", "资质范围", "有效期至", "证书数", "资质状态")
		if len(rows) != 1 || rows[0][0] != e.certBody.Name || rows[0][4] != "2029-12-31" || rows[0][5] != "1" {
			t.Errorf("bodies: %q", rows)
		}
		rows = exportVia(t, city, "/cert/bodies?kind=lab", "/cert/bodies/export?kind=lab", "名称", "统一社会信用代码", "资质证书编号", "资质范围", "有效期至", "资质状态")
		if len(rows) != 1 || rows[0][0] != e.lab.Name {
			t.Errorf("labs: %q", rows)
		}

		// English headers; bad filters are refused as on the page.
		city.get("/lang?to=en&next=/")
		if rows := xlsxRows(t, city, "/cert/cases/export"); rows[0][0] != "Case number" {
			t.Errorf("English header: %q", rows[0])
		}
		for _, p := range []string{"/cert/leads/export?state=lost", "/cert/cases/export?state=lost", "/cert/flags/export?offset=x", "/cert/bodies/export?kind=bank"} {
			if resp, _ := city.get(p); resp.StatusCode != 422 {
				t.Errorf("%s: %d", p, resp.StatusCode)
			}
		}

		// Reading the non-public lists is audited; an API key's export as well.
		for _, o := range []string{"cert_lead", "cert_flag", "cert_case"} {
			if e.exportAudits(o) == 0 {
				t.Errorf("no audit record of the %s export", o)
			}
		}
		if st, _ := e.api("GET", "/cert/leads/export", bodyKey, ""); st != 403 {
			t.Errorf("a body's leads export: %d", st)
		}
	})
}

func TestCreditWorkExports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		w := e.creditWorld()
		if _, err := e.credit.FileReport(qcity.WithActor(sys(), enterpriseActor(e)), goodReport(e.inCounty.USCC, 2025)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.credit.ApplyRepair(qcity.WithActor(sys(), enterpriseActor(e)), credit.RepairInput{USCC: e.inCounty.USCC,
			Target: credit.TargetAbnormal, TargetID: w.abnormal.ID, Statement: "已补报并公示 2025 年度报告",
			Files: []credit.Upload{{Name: "证明.pdf", Role: "evidence", Data: pdfBytes()}}}); err != nil {
			t.Fatal(err)
		}
		city, county := e.newClient(), e.newClient()
		city.login("city")
		county.login("county")

		// Abnormal list: the tab as filtered; a county official's district only.
		abnormalHeader := []string{"名称", "统一社会信用代码", "行政区划", "列入原因", "报告年度", "提出日期", "应决定日期", "列入日期",
			"决定书文号", "作出决定机关", "状态", "移出日期", "移出原因", "异议"}
		abnormalHeader = e.headersOf(abnormalHeader, "field.name", "field.uscc", "field.region_code", "creditui.reason", "creditui.col_report_year",
			"creditui.proposed_on", "creditui.decide_by", "creditui.listed_on", "creditui.decision_no", "creditui.authority", "field.state",
			"creditui.removed_on", "creditui.removal_reason", "creditui.objection")
		rows := exportVia(t, city, "/credit/abnormal?tab=listed&q="+urlQuery("海滨"), "/credit/abnormal/export?q="+urlQuery("海滨")+"&tab=listed", abnormalHeader...)
		if len(rows) != 1 || rows[0][1] != e.inCounty.USCC || rows[0][2] != "霞山区" || rows[0][4] != "2025" || rows[0][7] != "2026-07-01" || rows[0][10] != "列入" {
			t.Errorf("listed: %q", rows)
		}
		rows = exportVia(t, city, "/credit/abnormal", "/credit/abnormal/export", abnormalHeader...)
		if !slices.Contains(column(rows, 1), e.outCounty.USCC) || slices.Contains(column(rows, 1), e.inCounty.USCC) {
			t.Errorf("city proposals: %q", rows)
		}
		rows = exportVia(t, county, "/credit/abnormal?tab=proposed&region=440802", "/credit/abnormal/export?region=440802&tab=proposed", abnormalHeader...)
		for _, r := range rows {
			if r[2] != "霞山区" || r[1] == e.outCounty.USCC {
				t.Errorf("county proposals hold another district's: %q", r)
			}
		}

		// Serious list.
		seriousHeader := e.headersOf(nil, "field.name", "field.uscc", "field.region_code", "creditui.circumstances", "creditui.penalty_decision",
			"creditui.proposed_on", "creditui.listed_on", "creditui.decision_no", "creditui.expires_on", "field.state", "creditui.removed_on")
		rows = exportVia(t, city, "/credit/serious?state=proposed", "/credit/serious/export?state=proposed", seriousHeader...)
		if len(rows) != 1 || rows[0][1] != e.outCounty.USCC || rows[0][4] != w.outPenalty.DecisionNo || rows[0][5] != "2026-07-15" || rows[0][9] != "拟列入" {
			t.Errorf("serious: %q", rows)
		}
		if rows := exportVia(t, county, "/credit/serious?state=proposed", "/credit/serious/export?state=proposed", seriousHeader...); len(rows) != 0 {
			t.Errorf("county serious: %q", rows)
		}

		// Penalties: every page of the list, not the one shown.
		penaltyHeader := e.headersOf(nil, "creditui.decision_no", "field.name", "field.uscc", "field.region_code", "creditui.kinds",
			"creditui.fine_yuan", "creditui.confiscated_yuan", "creditui.violation", "creditui.basis", "creditui.decided_on",
			"creditui.authority", "field.state", "creditui.published_on", "creditui.publicity_ends_on", "creditui.credit_china")
		rows = exportVia(t, city, "/credit/penalties?limit=1", "/credit/penalties/export", penaltyHeader...)
		if got := column(rows, 0); len(got) != 2 || !slices.Contains(got, w.penalty.DecisionNo) || !slices.Contains(got, w.outPenalty.DecisionNo) {
			t.Errorf("penalties: %q", rows)
		}
		rows = exportVia(t, county, "/credit/penalties", "/credit/penalties/export", penaltyHeader...)
		if len(rows) != 1 || rows[0][0] != w.penalty.DecisionNo || rows[0][5] != "5000" || rows[0][9] != "2026-07-10" || rows[0][11] != "公示中" {
			t.Errorf("county penalties: %q", rows)
		}

		// Repairs: open ones by default.
		repairHeader := e.headersOf(nil, "creditui.next_deadline", "creditui.days_left", "field.name", "field.uscc", "field.region_code",
			"creditui.target", "creditui.applied_on", "field.state", "creditui.decided_on")
		rows = exportVia(t, city, "/credit/repairs", "/credit/repairs/export", repairHeader...)
		if len(rows) != 1 || rows[0][3] != e.inCounty.USCC || rows[0][0] == "" || rows[0][6] != "2026-07-15" || rows[0][7] != "已申请" {
			t.Errorf("repairs: %q", rows)
		}
		if rows := xlsxRows(t, city, "/credit/repairs/export?state=approved"); len(rows) != 1 {
			t.Errorf("approved repairs: %q", rows)
		}

		// Risk classes: the distribution, as on the page, for officials only.
		rows = exportVia(t, city, "/credit/risk", "/credit/risk/export", e.headersOf(nil, "creditui.risk_class", "creditui.entities",
			"creditui.share_pct", "creditui.inspection_ratio_pct")...)
		if len(rows) != 5 || rows[4][0] != "合计" {
			t.Errorf("risk: %q", rows)
		}
		sum := 0
		for _, r := range rows[:4] {
			n := 0
			fmt.Sscan(r[1], &n)
			sum += n
		}
		if fmt.Sprint(sum) != rows[4][1] || sum == 0 {
			t.Errorf("risk rows add up to %d, total %s", sum, rows[4][1])
		}
		if resp, _ := e.newClient().get("/credit/risk/export"); resp.StatusCode != 303 {
			t.Errorf("anonymous risk export: %d", resp.StatusCode)
		}
		if st, _ := e.api("GET", "/credit/risk/export", e.keys[qcity.RoleAPIClient], ""); st != 403 {
			t.Errorf("API client's risk export: %d", st)
		}

		for _, o := range []string{"abnormal", "serious", "penalty", "repair", "risk"} {
			if e.exportAudits(o) == 0 {
				t.Errorf("no audit record of the %s export", o)
			}
		}
	})
}

// headersOf is the Chinese text of locale keys, the export's header; want, when
// given, is checked against it (it spells the header out for the reader).
func (e *env) headersOf(want []string, keys ...string) []string {
	e.t.Helper()
	c := locale.Default()
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = c.T(locale.ZH, k, nil)
	}
	if want != nil && !slices.Equal(want, out) {
		e.t.Errorf("header %q, want %q", out, want)
	}
	return out
}

func TestOrganisationExport(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	city := e.newClient()
	city.login("county")
	header := e.headersOf([]string{"名称", "机构类型", "统一社会信用代码", "资质证书编号", "行政区划", "住所", "资质范围", "有效期至", "状态"},
		"field.name", "field.org_kind", "field.uscc", "field.accreditation_no", "field.region_code", "field.address", "field.scope",
		"field.valid_until", "field.status")
	rows := exportVia(t, city, "/organisations?limit=1", "/organisations/export", header...)
	if got, want := column(rows, 0), e.apiColumn("/api/v1/organisations?limit=1000", "", "name"); !slices.Equal(got, want) || len(got) != 2 {
		t.Errorf("organisations: export %v, list %v", got, want)
	}
	rows = exportVia(t, city, "/organisations?kind=certification_body&q="+urlQuery("华南"), "/organisations/export?kind=certification_body&q="+urlQuery("华南"), header...)
	if len(rows) != 1 || rows[0][0] != e.certBody.Name || rows[0][1] != "认证机构" || rows[0][7] != "2029-12-31" {
		t.Errorf("certification bodies: %q", rows)
	}
	if resp, _ := city.get("/organisations/export?kind=bank"); resp.StatusCode != 422 {
		t.Errorf("unknown kind: %d", resp.StatusCode)
	}
}

// The export buttons that were there before keep the page's filters: a query written
// after a literal "?" in a template is escaped by html/template as one component
// (q%3dabc%26status%3d…), which the export read as no filter at all.
func TestExportLinksKeepFilters(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.newClient()
	c.login("city")
	link := regexp.MustCompile(`href="(/[a-z/-]*/export[^"]*)"`)
	for page, want := range map[string]string{
		"/cert?q=abc&status=valid":                "/cert/export?q=abc&status=valid",
		"/lists/abnormal?q=abc&region=440803":     "/lists/abnormal/export?q=abc&region=440803",
		"/lists/serious?q=abc":                    "/lists/serious/export?q=abc",
		"/credit/reports?year=2025&region=440803": "/credit/reports/export?as_of=2026-11-27&region=440803&year=2025",
		"/quality/standards?q=abc":                "/quality/standards/export?q=abc",
	} {
		_, body := c.get(page)
		m := link.FindStringSubmatch(body)
		if m == nil {
			t.Errorf("%s: no export link", page)
			continue
		}
		got := html.UnescapeString(m[1])
		if !strings.Contains(got, want) {
			t.Errorf("%s: export link %q, want %q", page, got, want)
		}
	}
}

// planJSON is a plan of region ("" for the city) with one category and a quota in
// quotaRegion.
func (e *env) planJSON(year int, level, name, region, quotaRegion string) string {
	return fmt.Sprintf(`{"year":%d,"kind":"food_supervision","level":%q,"name":%q,"region_code":%q,"seed":20260101,
		"categories":[{"category":"粮食加工品","test_items":["铅"],"judgement_basis":"GB 2762-2022"}],
		"quotas":[{"region_code":%q,"category":"粮食加工品","quota":1}],"labs":[%q]}`, year, level, name, region, quotaRegion, e.lab.Name)
}

func TestSamplingPlanExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cityKey, countyKey := e.keys[qcity.RoleCityOfficial], e.keys[qcity.RoleCountyOfficial]
		for _, p := range []struct {
			key, json string
		}{
			{cityKey, e.planJSON(2026, "city", "2026年市级食品安全监督抽检计划", "", "440802")},
			{cityKey, e.planJSON(2025, "county", "2025年赤坎区抽检计划", "440802", "440802")},
			{countyKey, e.planJSON(2026, "county", "2026年霞山区抽检计划", "440803", "440803")},
		} {
			if st, res := e.api("POST", "/api/v1/sampling/plans", p.key, p.json); st != 201 {
				t.Fatalf("plan: %d %v", st, res)
			}
		}
		header := e.headersOf([]string{"年度", "名称", "抽检类型", "抽检级别", "行政区划", "随机种子"},
			"field.year", "ui.name", "field.sample_kind", "field.level", "field.region_code", "ui.seed")
		city, county := e.newClient(), e.newClient()
		city.login("city")
		county.login("county")

		rows := exportVia(t, city, "/sampling/plans", "/sampling/plans/export", header...)
		if got, want := column(rows, 1), e.apiColumn("/api/v1/sampling/plans", cityKey, "name"); !slices.Equal(got, want) || len(got) != 3 {
			t.Errorf("plans: export %v, list %v", got, want)
		}
		rows = exportVia(t, city, "/sampling/plans?year=2026", "/sampling/plans/export?year=2026", header...)
		if got, want := column(rows, 1), e.apiColumn("/api/v1/sampling/plans?year=2026", cityKey, "name"); !slices.Equal(got, want) || len(got) != 2 {
			t.Errorf("2026 plans: export %v, list %v", got, want)
		}
		for _, r := range rows {
			if r[0] != "2026" || r[2] != "食品安全监督抽检" || r[5] != "20260101" {
				t.Errorf("2026 plan row: %q", r)
			}
		}
		// The county official (霞山区) sees the city's plans and its district's.
		rows = exportVia(t, county, "/sampling/plans", "/sampling/plans/export", header...)
		if got, want := column(rows, 1), e.apiColumn("/api/v1/sampling/plans", countyKey, "name"); !slices.Equal(got, want) || len(got) != 2 ||
			slices.Contains(got, "2025年赤坎区抽检计划") || rows[0][4] != "霞山区" {
			t.Errorf("county plans: export %q, list %v", rows, want)
		}
		city.get("/lang?to=en&next=/")
		if rows := xlsxRows(t, city, "/sampling/plans/export"); rows[0][0] != "Year" || rows[0][5] != "Seed" {
			t.Errorf("English header: %q", rows[0])
		}
		if e.exportAudits("sampling_plan") == 0 {
			t.Error("no audit record of the plans export")
		}
		if st, _ := e.api("GET", "/sampling/plans/export", e.keys[qcity.RoleLab], ""); st != 403 {
			t.Errorf("a lab's plans export: %d", st)
		}
	})
}

func TestSamplingTaskExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cityKey := e.keys[qcity.RoleCityOfficial]
		// Two plans, one district each, drawn; what the draw gives is what the page lists.
		type drawn struct{ region, uscc string }
		var want []drawn
		for _, region := range []string{"440803", "440802"} {
			st, p := e.api("POST", "/api/v1/sampling/plans", cityKey, e.planJSON(2026, "city", "2026年抽检计划 "+region, "", region))
			if st != 201 {
				t.Fatalf("plan: %d %v", st, p)
			}
			id := fmt.Sprint(p["id"])
			st, res := e.api("POST", "/api/v1/sampling/plans/"+id+"/draw", cityKey, "")
			if st != 201 {
				t.Fatalf("draw: %d %v", st, res)
			}
			var got []drawn
			for _, task := range res["tasks"].([]any) {
				targets := task.(map[string]any)["targets"].([]any)
				if len(targets) == 0 {
					got = append(got, drawn{region, ""})
				}
				for _, tg := range targets {
					got = append(got, drawn{region, fmt.Sprint(tg.(map[string]any)["uscc"])})
				}
			}
			want = append(got, want...) // the newest plan first
		}
		header := e.headersOf([]string{"计划名称", "行政区划", "类别", "检验机构", "批次", "已抽取", "序号", "名称", "统一社会信用代码", "抽样人员"},
			"ui.task_plan", "field.region_code", "field.category", "field.lab", "ui.quota", "ui.drawn", "ui.target_seq", "field.name",
			"field.uscc", "field.samplers")
		regionOf := map[string]string{"440803": "霞山区", "440802": "赤坎区"}
		city, county, lab := e.newClient(), e.newClient(), e.newClient()
		city.login("city")
		county.login("county")
		lab.login("lab")

		if !slices.ContainsFunc(want, func(w drawn) bool { return w.uscc != "" }) {
			t.Fatalf("nothing drawn: %v", want)
		}
		rows := exportVia(t, city, "/sampling/tasks", "/sampling/tasks/export", header...)
		if len(rows) != len(want) {
			t.Fatalf("tasks: export %q, drawn %v", rows, want)
		}
		for i, w := range want {
			if rows[i][1] != regionOf[w.region] || rows[i][8] != w.uscc || rows[i][3] != e.lab.Name || rows[i][4] != "1" {
				t.Errorf("task row %d: %q, want %v", i, rows[i], w)
			}
		}
		// The county official sees its district's tasks only, the lab those assigned to it.
		rows = exportVia(t, county, "/sampling/tasks", "/sampling/tasks/export", header...)
		if len(rows) == 0 || len(rows) == len(want) {
			t.Errorf("county tasks: %q", rows)
		}
		for _, r := range rows {
			if r[1] != "霞山区" {
				t.Errorf("county export holds another district's task: %q", r)
			}
		}
		if rows := exportVia(t, lab, "/sampling/tasks", "/sampling/tasks/export", header...); len(rows) != len(want) {
			t.Errorf("lab tasks: %q", rows)
		}
		if e.exportAudits("sampling_tasks") == 0 {
			t.Error("no audit record of the tasks export")
		}
		if st, _ := e.api("GET", "/sampling/tasks/export", e.keys[qcity.RoleCertificationBody], ""); st != 403 {
			t.Errorf("a certification body's tasks export: %d", st)
		}
	})
}

var worklistSampleRE = regexp.MustCompile(`<td class="mono"><a href="/sampling/([A-Z0-9]+)">`)

func TestWorklistExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		// Failing samples of both districts, two recorded three weeks ago: their next step
		// (serving the result) is overdue, the others' due soon.
		for i, s := range []struct{ no, region, uscc, name, on string }{
			{"DC26440803000301", "440803", e.inCounty.USCC, e.inCounty.Name, "2026-11-20"},
			{"DC26440803000302", "440803", e.inCounty.USCC, e.inCounty.Name, "2026-09-01"},
			{"DC26440802000303", "440802", e.outCounty.USCC, e.outCounty.Name, "2026-10-15"},
			{"DC26440802000304", "440802", e.outCounty.USCC, e.outCounty.Name, "2026-11-24"},
		} {
			body := sampleJSON(e, s.no, fmt.Sprintf(`region_code=%q;;seller_uscc=%q;;seller_name=%q;;sampled_on=%q;;batch="2026-08-0%d"`,
				s.region, s.uscc, s.name, s.on, i+1))
			now := e.clock.T
			if s.on < "2026-11-01" {
				e.clock.T = now.AddDate(0, 0, -21)
			}
			st, res := e.api("POST", "/api/v1/samples", e.keys[qcity.RoleLab], body)
			e.clock.T = now
			if st != 201 {
				t.Fatalf("sample %s: %d %v", s.no, st, res)
			}
		}
		header := e.headersOf([]string{"期限", "剩余", "下一步", "样品编号", "产品名称", "行政区划", "状态"},
			"field.due_on", "ui.days_left", "field.next_step", "field.sample_no", "field.product_name", "field.region_code", "field.state")
		city, county := e.newClient(), e.newClient()
		city.login("city")
		county.login("county")
		pageSamples := func(c *client) []string {
			_, body := c.get("/sampling/worklist")
			var out []string
			for _, m := range worklistSampleRE.FindAllStringSubmatch(body, -1) {
				out = append(out, m[1])
			}
			return out
		}

		rows := exportVia(t, city, "/sampling/worklist", "/sampling/worklist/export", header...)
		if got, want := column(rows, 3), pageSamples(city); !slices.Equal(got, want) || len(got) < 2 {
			t.Fatalf("worklist: export %q, page %v", rows, want)
		}
		// By deadline, so the overdue first; each with its working days left.
		overdue := 0
		for i, r := range rows {
			if i > 0 && r[0] < rows[i-1][0] {
				t.Errorf("worklist out of deadline order: %q after %q", r, rows[i-1])
			}
			if !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(r[0]) || r[1] == "" || r[2] == "" {
				t.Errorf("worklist row: %q", r)
			}
			if strings.HasPrefix(r[1], "逾期") {
				overdue++
				if r[0] >= "2026-11-27" || (i > 0 && !strings.HasPrefix(rows[i-1][1], "逾期")) {
					t.Errorf("overdue row %q not before the others", r)
				}
			}
		}
		if overdue == 0 || overdue == len(rows) {
			t.Errorf("worklist: %d of %d overdue: %q", overdue, len(rows), rows)
		}
		// The county official's district only, as on its page.
		rows = exportVia(t, county, "/sampling/worklist", "/sampling/worklist/export", header...)
		if got, want := column(rows, 3), pageSamples(county); !slices.Equal(got, want) || len(got) == 0 {
			t.Errorf("county worklist: export %q, page %v", rows, want)
		}
		for _, r := range rows {
			if r[5] != "霞山区" {
				t.Errorf("county worklist holds another district's sample: %q", r)
			}
		}
		city.get("/lang?to=en&next=/")
		if rows := xlsxRows(t, city, "/sampling/worklist/export"); rows[0][0] != "Due" {
			t.Errorf("English header: %q", rows[0])
		}
		if st, _ := e.api("GET", "/sampling/worklist/export", e.keys[qcity.RoleLab], ""); st != 403 {
			t.Errorf("a lab's worklist export: %d", st)
		}
		var n int
		if err := e.db.QueryRow(t0(), `SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND object_type = 'sample' AND summary LIKE '/sampling/worklist/export%'`).Scan(&n); err != nil || n == 0 {
			t.Errorf("no audit record of the worklist export: %d %v", n, err)
		}
	})
}

func TestAuditExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cityKey, countyKey := e.keys[qcity.RoleCityOfficial], e.keys[qcity.RoleCountyOfficial]
		// Records of both: plans created, and exports of them read by the city and the county.
		if st, res := e.api("POST", "/api/v1/sampling/plans", cityKey, e.planJSON(2026, "city", "2026年市级计划", "", "440802")); st != 201 {
			t.Fatalf("plan: %d %v", st, res)
		}
		if st, res := e.api("POST", "/api/v1/sampling/plans", countyKey, e.planJSON(2026, "county", "2026年霞山区计划", "440803", "440803")); st != 201 {
			t.Fatalf("plan: %d %v", st, res)
		}
		city, county := e.newClient(), e.newClient()
		city.login("city")
		county.login("county")
		xlsxRows(t, city, "/sampling/plans/export")
		xlsxRows(t, county, "/sampling/plans/export?year=2026")

		header := e.headersOf([]string{"时间", "操作人", "角色", "操作", "对象类型", "对象编号", "行政区划", "摘要", "修改前", "修改后", "请求编号", "IP 地址"},
			"ui.time", "ui.actor", "ui.role", "ui.action", "ui.object_type", "ui.object_id", "field.region_code", "ui.summary",
			"ui.before", "ui.after", "ui.request_id", "ui.ip")
		// The filtered log as the API lists it, newest first.
		want := e.apiColumn("/api/v1/audit?action=export&limit=1000", cityKey, "summary")
		rows := exportVia(t, city, "/audit?action=export", "/audit/export?action=export", header...)
		if got := column(rows, 7); !slices.Equal(got, want) || len(got) < 2 {
			t.Errorf("exports: export %v, list %v", got, want)
		}
		for _, r := range rows {
			if r[0] != testNow.In(qcity.China).Format("2006-01-02 15:04:05") || r[3] != "导出" { // the time to the second
				t.Errorf("export record: %q", r)
			}
		}
		want = e.apiColumn("/api/v1/audit?action=create&object_type=sampling_plan&from=2026-11-27&to=2026-11-27&limit=1000", cityKey, "object_id")
		rows = exportVia(t, city, "/audit?action=create&object_type=sampling_plan&from=2026-11-27&to=2026-11-27",
			"/audit/export?action=create&from=2026-11-27&object_type=sampling_plan&to=2026-11-27", header...)
		if got := column(rows, 5); !slices.Equal(got, want) || len(got) != 2 || rows[0][1] != "key-county_official" || rows[0][6] != "霞山区" || rows[1][6] != "湛江市" {
			t.Errorf("plans created: export %q, list %v", rows, want)
		}
		if rows := xlsxRows(t, city, "/audit/export?action=create&object_type=sampling_plan&to=2026-11-26"); len(rows) != 1 {
			t.Errorf("plans created before today: %q", rows)
		}
		// The county official's district's records only. The API key's read of the log is
		// recorded after it lists: the export, after it, holds that record first.
		want = e.apiColumn("/api/v1/audit?limit=1000", countyKey, "summary")
		rows = exportVia(t, county, "/audit", "/audit/export", header...)
		if got := column(rows, 7); len(got) == 0 || got[0] != "/api/v1/audit?limit=1000" || !slices.Equal(got[1:], want) || len(want) == 0 {
			t.Errorf("county log: export %v, list %v", got, want)
		}
		for _, r := range rows {
			if r[6] != "霞山区" {
				t.Errorf("county export holds another district's record: %q", r)
			}
		}
		// Reading the log is itself audited; bad filters are refused as on the page.
		if e.exportAudits("audit_log") < 3 {
			t.Errorf("audit log exports recorded: %d", e.exportAudits("audit_log"))
		}
		if resp, _ := city.get("/audit/export?from=yesterday"); resp.StatusCode != 422 {
			t.Errorf("bad date: %d", resp.StatusCode)
		}
		city.get("/lang?to=en&next=/")
		if rows := xlsxRows(t, city, "/audit/export?action=export"); rows[0][0] != "Time" || rows[0][11] != "IP address" {
			t.Errorf("English header: %q", rows[0])
		}
		if st, _ := e.api("GET", "/audit/export", e.keys[qcity.RoleLab], ""); st != 403 {
			t.Errorf("a lab's audit export: %d", st)
		}
	})
}

// A district's officials open the city's plans, which their plan list shows them, and
// see their own district's tasks in them only.
func TestCityPlanForDistrict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cityKey, countyKey := e.keys[qcity.RoleCityOfficial], e.keys[qcity.RoleCountyOfficial]
		plan := fmt.Sprintf(`{"year":2026,"kind":"food_supervision","level":"city","name":"2026年市级计划","region_code":"","seed":1,
			"categories":[{"category":"粮食加工品","test_items":["铅"],"judgement_basis":"GB 2762-2022"}],
			"quotas":[{"region_code":"440802","category":"粮食加工品","quota":1},{"region_code":"440803","category":"粮食加工品","quota":1}],
			"labs":[%q]}`, e.lab.Name)
		st, res := e.api("POST", "/api/v1/sampling/plans", cityKey, plan)
		if st != 201 {
			t.Fatalf("plan: %d %v", st, res)
		}
		id := res["id"]
		if st, res := e.api("POST", fmt.Sprintf("/api/v1/sampling/plans/%v/draw", id), countyKey, ""); st != 403 {
			t.Errorf("a district draws the city's plan: %d %v", st, res)
		}
		if st, res := e.api("POST", fmt.Sprintf("/api/v1/sampling/plans/%v/draw", id), cityKey, ""); st != 201 {
			t.Fatalf("draw: %d %v", st, res)
		}
		regions := func(key string) []string {
			st, res := e.api("GET", fmt.Sprintf("/api/v1/sampling/plans/%v", id), key, "")
			if st != 200 {
				t.Fatalf("plan detail: %d %v", st, res)
			}
			var out []string
			tasks, _ := res["tasks"].([]any)
			for _, x := range tasks {
				out = append(out, x.(map[string]any)["region_code"].(string))
			}
			slices.Sort(out)
			return out
		}
		if got := regions(cityKey); !slices.Equal(got, []string{"440802", "440803"}) {
			t.Errorf("city official's tasks: %v", got)
		}
		if got := regions(countyKey); !slices.Equal(got, []string{"440803"}) {
			t.Errorf("霞山区 official's tasks: %v", got)
		}
		county := e.newClient()
		county.login("county")
		if resp, body := county.get(fmt.Sprintf("/sampling/plans/%v", id)); resp.StatusCode != 200 {
			t.Errorf("plan page for the district: %d %s", resp.StatusCode, body[max(0, len(body)-1500):])
		}
	})
}
