package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"qcity"
	"qcity/internal/auth"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/registry"
)

// creditWorld is what the credit UI tests start from, built through the credit
// service: the rules engine's run on 1 July 2026 proposed listings for the 2025 reports
// nobody filed; the 霞山区 company's was confirmed, the 赤坎区 one's is still a proposal.
type creditWorld struct {
	abnormal    credit.Abnormal // e.inCounty, listed (霞山区)
	outProposal credit.Abnormal // e.outCounty, proposed, not public (赤坎区)
	penalty     credit.Penalty  // e.inCounty, published for three months
	outPenalty  credit.Penalty  // e.outCounty, a heavier penalty
	serious     credit.Serious  // e.outCounty, proposed, not public
	individual  registry.Entity // an individual business in 霞山区 that has not filed
}

// creditToday is the day the credit tests run on: two weeks after the listings.
var creditToday = time.Date(2026, 7, 15, 2, 0, 0, 0, time.UTC) // 10:00 in China

func sys() context.Context { return qcity.WithActor(context.Background(), qcity.System("test")) }

func (e *env) creditWorld() creditWorld {
	e.t.Helper()
	ctx := sys()
	var w creditWorld
	var err error
	w.individual, err = e.registry.CreateEntity(ctx, registry.EntityInput{USCC: validCode(e.t, "92440803MA4W0003"),
		Name: "湛江市霞山区阿强糖水店", Type: "individual_business", LegalRepresentative: "李强", Region: "440803",
		Address: "湛江市霞山区海滨大道 8 号", Industry: "6210", EstablishedOn: "2020-05-06"})
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.T = time.Date(2026, 7, 1, 1, 0, 0, 0, time.UTC)
	if _, err := e.credit.RunRules(ctx, qcity.NewDate(2026, 7, 1), false); err != nil {
		e.t.Fatal(err)
	}
	props, _, err := e.credit.FindAbnormals(ctx, credit.AbnormalFilter{State: credit.StateProposed}, true)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, a := range props {
		switch a.USCC {
		case e.inCounty.USCC:
			listed, _, err := e.credit.ConfirmProposals(ctx, []int64{a.ID})
			if err != nil || len(listed) != 1 {
				e.t.Fatalf("confirm: %v %v", listed, err)
			}
			w.abnormal = listed[0]
		case e.outCounty.USCC:
			w.outProposal = a
		}
	}
	if w.abnormal.ID == 0 || w.outProposal.ID == 0 {
		e.t.Fatalf("proposals: %+v", props)
	}
	e.clock.T = creditToday
	w.penalty, err = e.credit.RecordPenalty(ctx, credit.PenaltyInput{USCC: e.inCounty.USCC, DecisionNo: "湛霞市监罚〔2026〕12号",
		DecidedOn: qcity.NewDate(2026, 7, 10), Kinds: []string{"fine"}, Fine: "5000", Domain: "quality",
		Violation: "销售不合格电线电缆", Basis: "《中华人民共和国产品质量法》第四十九条"})
	if err != nil {
		e.t.Fatal(err)
	}
	w.outPenalty, err = e.credit.RecordPenalty(ctx, credit.PenaltyInput{USCC: e.outCounty.USCC, DecisionNo: "湛赤市监罚〔2026〕7号",
		DecidedOn: qcity.NewDate(2026, 7, 12), Kinds: []string{"fine", "permit_revoked"}, Fine: "200000", Domain: "food",
		Violation: "生产经营农药残留超标的食品", Basis: "《中华人民共和国食品安全法》第一百二十四条"})
	if err != nil {
		e.t.Fatal(err)
	}
	w.serious, err = e.credit.ProposeSerious(ctx, credit.SeriousInput{USCC: e.outCounty.USCC, PenaltyDecisionNo: w.outPenalty.DecisionNo,
		Circumstances: []string{"5.4"}, Facts: "多次生产经营农药残留超标的蔬菜制品", IntentEstablished: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

// creditSnapshot summarises every credit table a refused request might touch.
func (e *env) creditSnapshot() string {
	e.t.Helper()
	var parts []string
	for _, q := range []string{
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM annual_reports`,
		`SELECT COUNT(*) || '' FROM annual_report_corrections`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM abnormal_listings`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM serious_listings`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM penalties`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM repair_applications`,
		`SELECT COUNT(*) || '' FROM documents`,
		`SELECT COUNT(*) || '' FROM translog_records`,
		`SELECT COALESCE(MAX(value), '-') FROM settings WHERE key = 'credit/config'`,
	} {
		var s string
		if err := e.db.QueryRow(context.Background(), q).Scan(&s); err != nil {
			e.t.Fatalf("%s: %v", q, err)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ") + " " + e.snapshot()
}

// rawCreditKey finds a locale key shown instead of its text.
var rawCreditKey = regexp.MustCompile(`>[^<]*\b(creditui|credit|ui|nav|field|registry|role|sampling|web|translog)\.[a-z_]+(\.[a-z_0-9]+)*\b[^<]*<`)

// Every credit page renders in Chinese and in English, without a raw key, for the
// people who use it.
func TestCreditPagesBothLanguages(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	w := e.creditWorld()
	ctx := sys()
	// A report filed late, a removal application and a document, so that every page
	// has rows to show.
	if _, err := e.credit.FileReport(qcity.WithActor(ctx, enterpriseActor(e)), goodReport(e.inCounty.USCC, 2025)); err != nil {
		t.Fatal(err)
	}
	rp, err := e.credit.ApplyRepair(qcity.WithActor(ctx, enterpriseActor(e)), credit.RepairInput{USCC: e.inCounty.USCC,
		Target: credit.TargetAbnormal, TargetID: w.abnormal.ID, Statement: "已补报并公示 2025 年度报告",
		Files: []credit.Upload{{Name: "证明.pdf", Role: "evidence", Data: pdfBytes()}}})
	if err != nil {
		t.Fatal(err)
	}
	var idx int64
	e.db.QueryRow(ctx, `SELECT MAX(idx) FROM translog_records`).Scan(&idx)
	official := []string{"/credit/reports", "/credit/reports?group=type", "/credit/reports?group=industry", "/credit/reports/paper",
		"/credit/reports/paper?uscc=" + w.individual.USCC + "&year=2025",
		"/credit/abnormal", "/credit/abnormal?tab=listed", "/credit/abnormal?tab=ended", "/credit/serious", "/credit/serious?state=proposed",
		"/credit/serious/new", fmt.Sprintf("/credit/serious/%d", w.serious.ID), "/credit/penalties", "/credit/penalties/new",
		fmt.Sprintf("/credit/penalties/%d", w.penalty.ID), fmt.Sprintf("/credit/penalties/%d", w.outPenalty.ID), "/credit/repairs",
		"/credit/repairs?state=all", fmt.Sprintf("/credit/repairs/%d", rp.ID), "/credit/risk", "/credit/risk?uscc=" + e.inCounty.USCC,
		"/admin/credit", "/my/credit", "/my/credit?uscc=" + e.inCounty.USCC}
	enterprise := []string{"/my/credit", "/my/reports/new?year=2025", "/my/reports/2025/edit",
		fmt.Sprintf("/my/repairs/new?target=penalty&id=%d", w.penalty.ID)}
	public := []string{"/credit", "/credit?q=" + url.QueryEscape("霞山"), "/credit/" + e.inCounty.USCC, "/credit/" + e.outCounty.USCC,
		"/lists/abnormal", "/lists/abnormal?active=false", "/lists/serious", "/lists/penalties", "/log", fmt.Sprintf("/log/%d", idx), "/"}
	for _, lang := range []string{"zh-CN", "en"} {
		for _, who := range []struct {
			user  string
			pages []string
		}{{"admin", official}, {"enterprise", enterprise}, {"", public}} {
			c := e.newClient()
			if who.user != "" {
				c.login(who.user)
			}
			c.get("/lang?to=" + lang + "&next=/")
			for _, p := range who.pages {
				resp, body := c.get(p)
				if resp.StatusCode != 200 {
					t.Errorf("%s %s %s: %d\n%s", lang, who.user, p, resp.StatusCode, excerpt(body))
					continue
				}
				if m := rawCreditKey.FindString(body); m != "" {
					t.Errorf("%s %s shows a raw key: %s", lang, p, m)
				}
				if !strings.Contains(body, `<html lang="`+lang+`">`) {
					t.Errorf("%s %s: wrong html lang", lang, p)
				}
				if lang == "en" && strings.Contains(body, "经营异常名录") && !strings.Contains(p, "/credit/") && p != "/lists/abnormal" {
					// Data (names, decision numbers, reasons written by officials) may be Chinese; labels may not.
					if strings.Contains(body, ">经营异常名录<") {
						t.Errorf("en %s shows a Chinese label", p)
					}
				}
			}
		}
	}
}

func enterpriseActor(e *env) qcity.Actor {
	return qcity.Actor{Kind: qcity.ActorUser, ID: 900, Name: "enterprise", Role: qcity.RoleEnterprise, USCC: e.inCounty.USCC}
}

func goodReport(code string, year int) credit.ReportInput {
	return credit.ReportInput{USCC: code, Year: year, Contents: credit.ReportContents{Address: "湛江市霞山区人民大道南 1 号",
		Postcode: "524000", Phone: "0759-2288001", Email: "info@example.cn", OperatingStatus: "operating"},
		Optional: map[string]string{"headcount": "25"}, PublishOptional: []string{"headcount"}}
}

// pdfBytes is a small file that sniffs as PDF.
func pdfBytes() []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

func excerpt(body string) string {
	if i := strings.Index(body, `<main id="main">`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 800 {
		body = body[:800]
	}
	return body
}

// Forms refuse bad input with the error beside the field, in Chinese and in English,
// keep what was typed, and write nothing.
func TestCreditFormsBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		w := e.creditWorld()
		type formCase struct {
			name, user, path string
			form             url.Values
			status           int
			zh, en           []string // on the page in each language (the input kept included)
		}
		cases := []formCase{
			{"report postcode and phone", "enterprise", "/my/reports", url.Values{"year": {"2025"}, "address": {"湛江市霞山区人民大道南 1 号"},
				"postcode": {"52400"}, "phone": {"call me"}, "operating_status": {"operating"}, "headcount": {"25人"}}, 422,
				[]string{"邮政编码应为 6 位数字", "联系电话格式不正确", `value="52400"`, `value="call me"`, `value="25人"`},
				[]string{"A postcode has 6 digits.", "Not a phone number.", `value="52400"`}},
			{"report not yet due", "enterprise", "/my/reports", url.Values{"year": {"2026"}, "address": {"湛江市霞山区人民大道南 1 号"},
				"postcode": {"524000"}, "phone": {"0759-2288001"}, "operating_status": {"operating"}}, 422,
				[]string{"2027-01-01"}, []string{"2027-01-01"}},
			{"paper filing of a company", "county", "/credit/reports/paper", url.Values{"uscc": {e.inCounty.USCC}, "year": {"2025"},
				"address": {"湛江市霞山区人民大道南 1 号"}, "postcode": {"524000"}, "phone": {"0759-2288001"}, "operating_status": {"operating"}}, 403,
				[]string{"个体工商户"}, []string{"individual"}},
			{"penalty without facts", "city", "/credit/penalties", url.Values{"uscc": {e.inCounty.USCC}, "decision_no": {"湛霞市监罚〔2026〕99号"},
				"decided_on": {"2026-07-14"}, "kinds": {"fine"}, "fine": {"五千"}, "domain": {"food"}}, 422,
				[]string{"金额格式不正确", "此项为必填项", `value="五千"`, `value="湛霞市监罚〔2026〕99号"`},
				[]string{"Not an amount", "This field is required."}},
			{"penalty bad date", "city", "/credit/penalties", url.Values{"uscc": {e.inCounty.USCC}, "decision_no": {"湛霞市监罚〔2026〕98号"},
				"decided_on": {"2026-02-30"}, "kinds": {"warning"}, "domain": {"food"}, "violation": {"x"}, "basis": {"y"}}, 422,
				[]string{"“2026-02-30”不是有效日期"}, []string{"2026-02-30", "is not a valid date"}},
			{"penalty decision number taken", "city", "/credit/penalties", url.Values{"uscc": {e.inCounty.USCC}, "decision_no": {w.penalty.DecisionNo},
				"decided_on": {"2026-07-14"}, "kinds": {"warning"}, "domain": {"food"}, "violation": {"销售过期食品"}, "basis": {"食品安全法"}}, 409,
				[]string{"该处罚决定书文号已登记"}, []string{"already"}},
			{"serious without intent", "city", "/credit/serious", url.Values{"uscc": {e.outCounty.USCC}, "penalty_decision_no": {w.penalty.DecisionNo},
				"facts": {"事实"}}, 422,
				[]string{"未认定主观故意的，不得列入", "该处罚决定不是对本主体作出的", `value="` + w.penalty.DecisionNo + `"`},
				[]string{"Without established intent"}},
			{"listing letters too close", "county", "/credit/abnormal", url.Values{"uscc": {w.individual.USCC}, "reason": {"unreachable"},
				"letter1_on": {"2026-07-01"}, "letter2_on": {"2026-07-05"}}, 422,
				[]string{"间隔 15 至 30 日", `value="2026-07-05"`}, []string{"15 to 30 days apart"}},
			{"listing for the annual report by hand", "county", "/credit/abnormal", url.Values{"uscc": {w.individual.USCC}, "reason": {"annual_report"}}, 422,
				[]string{"由规则引擎提出"}, []string{"rules engine"}},
			{"objection too short", "enterprise", fmt.Sprintf("/my/abnormal/%d/objection", w.abnormal.ID), url.Values{"text": {"不服"}}, 422,
				[]string{"请写明异议理由（至少 10 个字）", ">不服</textarea>"}, []string{"at least 10 characters"}},
			{"confirm nothing", "county", "/credit/abnormal/confirm", url.Values{}, 422, []string{"请至少选择一条记录"}, []string{"Select at least one"}},
			{"serious step out of order", "city", fmt.Sprintf("/credit/serious/%d/steps", w.serious.ID), url.Values{"step": {"approve"}}, 409,
				[]string{"当前状态下不能执行“批准列入”"}, []string{"is not allowed in the current state"}},
			{"hearing without a note", "city", fmt.Sprintf("/credit/serious/%d/steps", w.serious.ID), url.Values{"step": {"hearing"}}, 422,
				[]string{"请填写说明"}, []string{"note"}},
			{"config thresholds", "admin", "/admin/credit", url.Values{"threshold_person": {"abc"}, "threshold_org": {"100000"},
				"class_b": {"30"}, "class_c": {"20"}, "class_d": {"50"}, "ratio_a": {"5"}, "ratio_b": {"20"}, "ratio_c": {"60"}, "ratio_d": {"100"},
				"serious_listed": {"60"}, "abnormal_listed": {"15"}, "abnormal_max": {"30"}, "penalty": {"10"}, "penalty_heavier": {"10"},
				"penalty_max": {"40"}, "sampling_failure": {"8"}, "sampling_max": {"24"}, "cert_suspension": {"10"}, "report_missing": {"10"},
				"report_late": {"4"}, "new_entity": {"x"}}, 422,
				[]string{"金额格式不正确", "须为整数", `value="abc"`}, []string{"Not an amount", "whole number"}},
			{"config order", "admin", "/admin/credit", url.Values{"threshold_person": {"10000"}, "threshold_org": {"100000"},
				"class_b": {"30"}, "class_c": {"20"}, "class_d": {"50"}, "ratio_a": {"5"}, "ratio_b": {"20"}, "ratio_c": {"60"}, "ratio_d": {"100"},
				"serious_listed": {"60"}, "abnormal_listed": {"15"}, "abnormal_max": {"30"}, "penalty": {"10"}, "penalty_heavier": {"10"},
				"penalty_max": {"40"}, "sampling_failure": {"8"}, "sampling_max": {"24"}, "cert_suspension": {"10"}, "report_missing": {"10"},
				"report_late": {"4"}, "new_entity": {"5"}}, 422,
				[]string{"分类阈值须满足 0 &lt; B &lt; C &lt; D", `value="30"`}, []string{"0 &lt; B &lt; C &lt; D"}},
		}
		clients := map[string]map[string]*client{}
		for _, lang := range []string{"zh-CN", "en"} {
			clients[lang] = map[string]*client{}
			for _, u := range []string{"enterprise", "county", "city", "admin"} {
				c := e.newClient()
				c.login(u)
				c.get("/lang?to=" + lang + "&next=/account")
				c.get("/account")
				clients[lang][u] = c
			}
		}
		for _, fc := range cases {
			for _, lang := range []string{"zh-CN", "en"} {
				t.Run(fc.name+" "+lang, func(t *testing.T) {
					before := e.creditSnapshot()
					form := url.Values{}
					for k, v := range fc.form {
						form[k] = v
					}
					resp, body := clients[lang][fc.user].post(fc.path, form)
					if resp.StatusCode != fc.status {
						t.Fatalf("status %d, want %d\n%s", resp.StatusCode, fc.status, excerpt(body))
					}
					want := fc.zh
					if lang == "en" {
						want = fc.en
					}
					for _, s := range want {
						if !strings.Contains(body, s) {
							t.Errorf("page lacks %q\n%s", s, excerpt(body))
						}
					}
					if resp.StatusCode == 422 && !strings.Contains(body, `class="field-error"`) {
						t.Error("no error beside a field")
					}
					if after := e.creditSnapshot(); after != before {
						t.Errorf("database changed: %s → %s", before, after)
					}
				})
			}
		}

		// A repair application without its statement, and with a file that is not what
		// its name says: the errors show beside the fields and nothing is stored.
		c := clients["zh-CN"]["enterprise"]
		c.get(fmt.Sprintf("/my/repairs/new?target=abnormal&id=%d", w.abnormal.ID))
		before := e.creditSnapshot()
		resp, body := c.uploadFiles(fmt.Sprintf("/my/repairs?target=abnormal&id=%d", w.abnormal.ID),
			url.Values{"target": {"abnormal"}, "id": {strconv.FormatInt(w.abnormal.ID, 10)}},
			map[string][]fileUpload{"evidence": {{"证明.pdf", []byte("MZ\x90\x00 not a pdf")}}})
		if resp.StatusCode != 422 || !strings.Contains(body, "此项为必填项") || !strings.Contains(body, "不是 PDF、JPEG 或 PNG") ||
			!strings.Contains(body, "请先补报 2025 年度报告") {
			t.Errorf("repair without statement: %d\n%s", resp.StatusCode, excerpt(body))
		}
		if after := e.creditSnapshot(); after != before {
			t.Errorf("refused application changed the database: %s → %s", before, after)
		}
	})
}

type fileUpload struct {
	name string
	data []byte
}

// uploadFiles posts a multipart form with the remembered CSRF token.
func (c *client) uploadFiles(path string, fields url.Values, files map[string][]fileUpload) (*http.Response, string) {
	c.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for field, fs := range files {
		for _, f := range fs {
			fw, _ := mw.CreateFormFile(field, f.name)
			fw.Write(f.data)
		}
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return resp, readBody(c.e.t, resp)
}

// A county official (霞山区) sees and acts on nothing outside its district.
func TestCreditCountyScope(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	w := e.creditWorld()
	c := e.newClient()
	c.login("county")
	before := e.creditSnapshot()
	for _, tc := range []struct {
		method, path string
		form         url.Values
	}{
		{"POST", "/credit/abnormal/confirm", url.Values{"ids": {strconv.FormatInt(w.outProposal.ID, 10)}}},
		{"POST", "/credit/penalties", url.Values{"uscc": {e.outCounty.USCC}, "decision_no": {"湛赤市监罚〔2026〕8号"}, "decided_on": {"2026-07-14"},
			"kinds": {"warning"}, "domain": {"food"}, "violation": {"销售过期食品"}, "basis": {"食品安全法"}}},
		{"POST", fmt.Sprintf("/credit/penalties/%d/annul", w.outPenalty.ID), url.Values{"note": {"复议撤销"}}},
		{"POST", fmt.Sprintf("/credit/penalties/%d/credit-china", w.outPenalty.ID), url.Values{"credit_china_status": {"requested"}}},
		{"GET", fmt.Sprintf("/credit/penalties/%d", w.outPenalty.ID), nil},
		{"POST", fmt.Sprintf("/credit/serious/%d/steps", w.serious.ID), url.Values{"step": {"submit"}}},
		{"POST", "/credit/serious", url.Values{"uscc": {e.outCounty.USCC}, "penalty_decision_no": {w.outPenalty.DecisionNo},
			"circumstances": {"5.4"}, "facts": {"多次生产经营农药残留超标的蔬菜制品"}, "intent_established": {"1"}}},
		{"POST", "/credit/abnormal", url.Values{"uscc": {e.outCounty.USCC}, "reason": {"name_change"}, "note": {"名称含有禁止使用的文字"}}},
		{"GET", "/my/credit?uscc=" + e.outCounty.USCC, nil},
		{"GET", "/credit/risk?uscc=" + e.outCounty.USCC, nil},
		{"GET", "/credit/reports/paper?uscc=" + e.outCounty.USCC, nil},
	} {
		var resp *http.Response
		var body string
		if tc.method == "GET" {
			resp, body = c.get(tc.path)
		} else {
			resp, body = c.post(tc.path, tc.form)
		}
		if resp.StatusCode != 403 && resp.StatusCode != 404 {
			t.Errorf("%s %s: %d, want 403 or 404\n%s", tc.method, tc.path, resp.StatusCode, excerpt(body))
		}
		if strings.Contains(body, "农药残留") {
			t.Errorf("%s %s shows the other district's record", tc.method, tc.path)
		}
	}
	// The proposal of the other district is neither listed nor shown.
	_, body := c.get("/credit/abnormal?tab=proposed")
	if strings.Contains(body, e.outCounty.Name) || strings.Contains(body, e.outCounty.USCC) {
		t.Error("county official sees the other district's proposal")
	}
	if resp, _ := c.get(fmt.Sprintf("/credit/serious/%d", w.serious.ID)); resp.StatusCode != 404 && resp.StatusCode != 403 {
		t.Errorf("other district's serious proposal: %d", resp.StatusCode)
	}
	_, body = c.get("/credit/serious?state=proposed")
	if strings.Contains(body, e.outCounty.Name) {
		t.Error("county official sees the other district's serious proposal")
	}
	_, body = c.get("/credit/penalties")
	if strings.Contains(body, w.outPenalty.DecisionNo) {
		t.Error("county official sees the other district's penalties")
	}
	if after := e.creditSnapshot(); after != before {
		t.Errorf("refused requests changed the database: %s → %s", before, after)
	}
	// In its own district it works: a listing for a name change.
	resp, body := c.post("/credit/abnormal", url.Values{"uscc": {w.individual.USCC}, "reason": {"name_change"}, "note": {"名称含有禁止使用的文字"}})
	if resp.StatusCode != 303 {
		t.Fatalf("own district listing: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if _, body := c.get("/credit/abnormal?tab=listed"); !strings.Contains(body, w.individual.Name) {
		t.Error("the new listing is not on the listed tab")
	}
}

// Public pages never show a risk class or a record that is not public.
func TestCreditPublicPagesHideInternal(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	w := e.creditWorld()
	if _, err := e.credit.RunRules(sys(), qcity.DateOf(creditToday), false); err != nil {
		t.Fatal(err)
	}
	// Every entity has a risk class now.
	if rc, err := e.credit.RiskOf(qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, Role: qcity.RoleCityOfficial}),
		e.inCounty.USCC); err != nil || rc.Class == "" {
		t.Fatalf("risk class: %+v %v", rc, err)
	}
	riskWords := []string{"风险", "credit.risk", "Risk class", "risk-A", "risk-B", "risk-C", "risk-D", "A 类", "B 类", "C 类", "D 类"}
	anon := e.newClient()
	var idx int64
	e.db.QueryRow(context.Background(), `SELECT MAX(idx) FROM translog_records`).Scan(&idx)
	for _, p := range []string{"/credit", "/credit?q=" + url.QueryEscape("湛江"), "/credit/" + e.inCounty.USCC, "/credit/" + e.outCounty.USCC,
		"/lists/abnormal", "/lists/serious", "/lists/penalties", "/log", fmt.Sprintf("/log/%d", idx)} {
		for _, lang := range []string{"zh-CN", "en"} {
			anon.get("/lang?to=" + lang + "&next=/")
			resp, body := anon.get(p)
			if resp.StatusCode != 200 {
				t.Errorf("%s: %d", p, resp.StatusCode)
			}
			for _, s := range riskWords {
				if strings.Contains(body, s) {
					t.Errorf("%s (%s) shows %q", p, lang, s)
				}
			}
			// The 赤坎区 proposals (abnormal and serious) are not public.
			for _, s := range []string{"农药残留超标的蔬菜制品", "拟列入", "待确认", "Proposed", "To confirm"} {
				if strings.Contains(body, s) {
					t.Errorf("%s (%s) shows the proposal: %q", p, lang, s)
				}
			}
		}
	}
	_, body := anon.get("/lists/abnormal")
	if !strings.Contains(body, e.inCounty.Name) || strings.Contains(body, e.outCounty.Name) {
		t.Error("the public abnormal list should show the listing and not the proposal")
	}
	_, body = anon.get("/credit/" + e.inCounty.USCC)
	if !strings.Contains(body, w.abnormal.DecisionNo) || !strings.Contains(body, w.penalty.DecisionNo) || !strings.Contains(body, `class="proof"`) {
		t.Errorf("profile lacks the listing, the penalty or their proofs\n%s", excerpt(body))
	}
	// The profile is a credit query: each visit is in the audit log.
	var n int
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE object_type = 'credit_query' AND summary LIKE ?`,
		"/credit/"+e.inCounty.USCC+"%").Scan(&n)
	if n == 0 {
		t.Error("profile visits are not audited as credit queries")
	}
}

// Applications' files are limited in size before they are read; documents download as
// attachments only to those who may see them.
func TestCreditUploadsAndDocuments(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	w := e.creditWorld()
	ent := e.newClient()
	ent.login("enterprise")
	ent.get("/my/credit")
	path := fmt.Sprintf("/my/repairs?target=abnormal&id=%d", w.abnormal.ID)
	before := e.creditSnapshot()
	big := bytes.Repeat([]byte("%PDF-1.4 "), (credit.MaxTotalBytes+2<<20)/9)
	resp, body := ent.uploadFiles(path, url.Values{"statement": {"已补报"}}, map[string][]fileUpload{"evidence": {{"big.pdf", big}}})
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "上传文件合计不能超过 30 MB") ||
		!strings.Contains(body, `id="repair-form"`) {
		t.Errorf("oversized upload: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if after := e.creditSnapshot(); after != before {
		t.Errorf("oversized upload changed the database: %s → %s", before, after)
	}
	// File the report, then apply with a proof.
	if _, err := e.credit.FileReport(qcity.WithActor(sys(), enterpriseActor(e)), goodReport(e.inCounty.USCC, 2025)); err != nil {
		t.Fatal(err)
	}
	resp, body = ent.uploadFiles(path, url.Values{"statement": {"已补报并公示 2025 年度报告"}},
		map[string][]fileUpload{"evidence": {{"回执.pdf", pdfBytes()}}})
	if resp.StatusCode != 303 {
		t.Fatalf("application: %d\n%s", resp.StatusCode, excerpt(body))
	}
	var docID int64
	e.db.QueryRow(context.Background(), `SELECT MAX(id) FROM documents`).Scan(&docID)
	for _, who := range []string{"enterprise", "county"} {
		c := e.newClient()
		c.login(who)
		resp, body := c.get(fmt.Sprintf("/credit/documents/%d", docID))
		if resp.StatusCode != 200 || body != string(pdfBytes()) {
			t.Fatalf("%s download: %d", who, resp.StatusCode)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, url.PathEscape("回执.pdf")) {
			t.Errorf("Content-Disposition %q", cd)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("headers %v", resp.Header)
		}
	}
	// Another enterprise does not get it.
	ctx := sys()
	if _, err := e.auth.CreateUser(ctx, newUser("ent2", qcity.RoleEnterprise, e.outCounty.USCC)); err != nil {
		t.Fatal(err)
	}
	other := e.newClient()
	other.login("ent2")
	if resp, _ := other.get(fmt.Sprintf("/credit/documents/%d", docID)); resp.StatusCode != 404 {
		t.Errorf("another enterprise's download: %d", resp.StatusCode)
	}
}

// The public lists and the unfiled list export to Excel.
func TestCreditExports(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	e.creditWorld()
	anon := e.newClient()
	for _, p := range []string{"/lists/abnormal/export", "/lists/serious/export?active=true", "/lists/penalties/export?region=440803"} {
		resp, body := anon.get(p)
		if resp.StatusCode != 200 || !strings.HasPrefix(body, "PK") ||
			resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Errorf("%s: %d %s", p, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	if resp, _ := anon.get("/lists/abnormal/export?region=abc"); resp.StatusCode != 422 {
		t.Errorf("bad region filter: %d", resp.StatusCode)
	}
	c := e.newClient()
	c.login("county")
	resp, body := c.get("/credit/reports/export?year=2025")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "PK") {
		t.Errorf("unfiled export: %d", resp.StatusCode)
	}
	// The rate page shows the rate with its counts, and the county sees its district only.
	_, body = c.get("/credit/reports?year=2025")
	if !strings.Contains(body, "0.00%（0 / 2）") || strings.Contains(body, e.outCounty.Name) {
		t.Errorf("rate page for 霞山区\n%s", excerpt(body))
	}
}

// The log page shows a record verified against the signed checkpoint, and says so no
// longer when the record's bytes were altered behind qcity's back.
func TestCreditLogRecordVerification(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	w := e.creditWorld()
	anon := e.newClient()
	var idx int64
	e.db.QueryRow(context.Background(), `SELECT MAX(idx) FROM translog_records WHERE ref = ?`, fmt.Sprintf("abnormal/%d", w.abnormal.ID)).Scan(&idx)
	resp, body := anon.get(fmt.Sprintf("/log/%d", idx))
	if resp.StatusCode != 200 || !strings.Contains(body, `id="verified"`) || !strings.Contains(body, "abnormal.listed") ||
		!strings.Contains(body, w.abnormal.DecisionNo) {
		t.Fatalf("log record: %d\n%s", resp.StatusCode, excerpt(body))
	}
	_, body = anon.get("/log")
	if !strings.Contains(body, fmt.Sprintf(`href="/log/%d"`, idx)) || !strings.Contains(body, "qcity log verify --url") {
		t.Errorf("log page\n%s", excerpt(body))
	}
	// Someone with database access drops the guard and rewrites the record.
	var trigger string
	if err := e.db.QueryRow(context.Background(), `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'translog_records'
		AND sql LIKE '%UPDATE%'`).Scan(&trigger); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Exec(context.Background(), `DROP TRIGGER `+trigger); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Exec(context.Background(), `UPDATE translog_records SET data = ? WHERE idx = ?`,
		[]byte(strings.Replace(recordData(t, e, idx), "listed", "removed", 1)), idx); err != nil {
		t.Fatal(err)
	}
	if _, body = anon.get(fmt.Sprintf("/log/%d", idx)); !strings.Contains(body, `id="unverified"`) || strings.Contains(body, `id="verified"`) {
		t.Error("an altered record still shows as verified")
	}
	if resp, _ := anon.get("/log/999999"); resp.StatusCode != 404 {
		t.Errorf("missing record: %d", resp.StatusCode)
	}
}

func recordData(t *testing.T, e *env, idx int64) string {
	var data []byte
	if err := e.db.QueryRow(context.Background(), `SELECT data FROM translog_records WHERE idx = ?`, idx).Scan(&data); err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func newUser(name string, role qcity.Role, code string) auth.NewUser {
	return auth.NewUser{Username: name, Password: testPassword, Role: role, USCC: code}
}

// An enterprise files and corrects its report before 30 June; the public profile shows
// the old and the new value together; after 30 June the correction is refused.
func TestCreditReportCorrection(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	e.clock.T = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	c := e.newClient()
	c.login("enterprise")
	if resp, body := c.get("/my/reports/new?year=2025"); resp.StatusCode != 200 || !strings.Contains(body, "2026-06-30") {
		t.Fatalf("report form: %d", resp.StatusCode)
	}
	form := url.Values{"year": {"2025"}, "address": {"湛江市霞山区人民大道南 1 号"}, "postcode": {"524000"}, "phone": {"0759-2288001"},
		"operating_status": {"operating"}, "headcount": {"25"}, "revenue": {"1,200.50"}, "publish_optional": {"headcount"}}
	if resp, body := c.post("/my/reports", form); resp.StatusCode != 303 {
		t.Fatalf("file: %d\n%s", resp.StatusCode, excerpt(body))
	}
	form.Del("csrf")
	if resp, body := c.post("/my/reports", form); resp.StatusCode != 409 || !strings.Contains(body, "2025 年度报告已报送") {
		t.Errorf("second filing: %d", resp.StatusCode)
	}
	_, body := c.get("/my/reports/2025/edit")
	if !strings.Contains(body, `value="0759-2288001"`) || !strings.Contains(body, `value="1200.50"`) {
		t.Fatalf("edit form lacks the filed values\n%s", excerpt(body))
	}
	form.Set("phone", "0759-3399002")
	form.Del("csrf")
	if resp, body := c.post("/my/reports/2025", form); resp.StatusCode != 303 {
		t.Fatalf("correct: %d\n%s", resp.StatusCode, excerpt(body))
	}
	anon := e.newClient()
	_, body = anon.get("/credit/" + e.inCounty.USCC)
	for _, s := range []string{"0759-2288001", "0759-3399002", "更正记录", "从业人数"} {
		if !strings.Contains(body, s) {
			t.Errorf("profile lacks %q", s)
		}
	}
	if strings.Contains(body, "1200.50") || strings.Contains(body, "营业总收入") {
		t.Error("profile shows an optional field the enterprise did not publish")
	}
	// After 30 June corrections are closed.
	e.clock.T = time.Date(2026, 7, 2, 2, 0, 0, 0, time.UTC)
	c = e.newClient()
	c.login("enterprise")
	before := e.creditSnapshot()
	form.Set("phone", "0759-4400003")
	form.Del("csrf")
	resp, body := c.post("/my/reports/2025", form)
	if resp.StatusCode != 409 || !strings.Contains(body, "年度报告更正须在 2026-06-30 前完成") || !strings.Contains(body, `value="0759-4400003"`) {
		t.Errorf("late correction: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if after := e.creditSnapshot(); after != before {
		t.Errorf("refused correction changed the database: %s → %s", before, after)
	}
	if _, body := c.get("/my/credit"); strings.Contains(body, `href="/my/reports/2025/edit"`) {
		t.Error("the correction button is still offered after 30 June")
	}
}

// An official enters an individual business's paper report, which chose not to publish
// its contents; the public sees that it filed and nothing more.
func TestCreditPaperFiling(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	w := e.creditWorld()
	c := e.newClient()
	c.login("county")
	_, body := c.get("/credit/reports?year=2025")
	link := "/credit/reports/paper?uscc=" + w.individual.USCC + "&amp;year=2025"
	if !strings.Contains(body, link) {
		t.Fatalf("unfiled list lacks the paper link for the individual business")
	}
	if resp, body := c.get(strings.ReplaceAll(link, "&amp;", "&")); resp.StatusCode != 200 || !strings.Contains(body, `id="publish"`) {
		t.Fatalf("paper form: %d", resp.StatusCode)
	}
	resp, body := c.post("/credit/reports/paper", url.Values{"uscc": {w.individual.USCC}, "year": {"2025"},
		"address": {"湛江市霞山区海滨大道 8 号"}, "phone": {"13800138000"}, "operating_status": {"operating"}})
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/credit/reports?year=2025") {
		t.Fatalf("paper filing: %d\n%s", resp.StatusCode, excerpt(body))
	}
	rep, err := e.credit.FindReport(sys(), w.individual.USCC, 2025)
	if err != nil || rep.Channel != credit.ChannelPaper || rep.Publish || !rep.Late {
		t.Errorf("report: %+v %v", rep, err)
	}
	_, body = e.newClient().get("/credit/" + w.individual.USCC)
	if !strings.Contains(body, "选择不公示年度报告内容") || strings.Contains(body, "13800138000") {
		t.Error("the profile shows the contents of an unpublished report")
	}
}

// The officials' steps through the forms: bulk confirmation, an objection, the serious
// list from proposal to listing, Credit China status, annulment and the settings.
func TestCreditOfficialWorkflows(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	w := e.creditWorld()
	ctx := sys()
	county, city, ent, admin := e.newClient(), e.newClient(), e.newClient(), e.newClient()
	county.login("county")
	city.login("city")
	ent.login("enterprise")
	admin.login("admin")

	// Bulk confirmation of the individual business's proposal.
	props, _, _ := e.credit.FindAbnormals(ctx, credit.AbnormalFilter{State: credit.StateProposed, Q: w.individual.USCC}, true)
	if len(props) != 1 {
		t.Fatalf("proposals: %v", props)
	}
	_, body := county.get("/credit/abnormal?tab=proposed")
	if !strings.Contains(body, fmt.Sprintf(`name="ids" value="%d"`, props[0].ID)) {
		t.Fatal("proposal lacks its checkbox")
	}
	resp, _ := county.post("/credit/abnormal/confirm", url.Values{"ids": {strconv.FormatInt(props[0].ID, 10)}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || !strings.Contains(loc, "confirmed=1") {
		t.Fatalf("confirm: %d %s", resp.StatusCode, loc)
	}
	if _, body := county.get(resp.Header.Get("Location")); !strings.Contains(body, "已列入 1 条，跳过 0 条") || !strings.Contains(body, w.individual.Name) {
		t.Error("listed tab after confirmation")
	}
	if _, body := e.newClient().get("/lists/abnormal?q=" + url.QueryEscape("阿强")); !strings.Contains(body, w.individual.Name) {
		t.Error("public list lacks the new listing")
	}

	// The enterprise objects; the county accepts, then rejects it with a note.
	ent.get("/my/credit")
	resp, body = ent.post(fmt.Sprintf("/my/abnormal/%d/objection", w.abnormal.ID), url.Values{"text": {"我司已于 6 月 28 日通过纸质方式报送年度报告，列入有误。"}})
	if resp.StatusCode != 303 {
		t.Fatalf("objection: %d\n%s", resp.StatusCode, excerpt(body))
	}
	county.get("/credit/abnormal?tab=listed")
	for _, step := range []string{"accept", "reject"} {
		resp, body = county.post(fmt.Sprintf("/credit/abnormal/%d/objection", w.abnormal.ID), url.Values{"step": {step}, "note": {"经核查，未收到纸质年报"}})
		if resp.StatusCode != 303 {
			t.Fatalf("objection %s: %d\n%s", step, resp.StatusCode, excerpt(body))
		}
	}
	if _, body := ent.get("/my/credit"); !strings.Contains(body, "不成立") {
		t.Error("the enterprise does not see the outcome of its objection")
	}

	// The serious-list proposal goes for approval and the city approves it.
	resp, body = city.post(fmt.Sprintf("/credit/serious/%d/steps", w.serious.ID), url.Values{"step": {"submit"}})
	if resp.StatusCode != 303 {
		t.Fatalf("submit: %d\n%s", resp.StatusCode, excerpt(body))
	}
	_, body = city.get(fmt.Sprintf("/credit/serious/%d", w.serious.ID))
	if !strings.Contains(body, `id="step-approve"`) || !strings.Contains(body, "待上级同意") {
		t.Fatalf("pending approval page\n%s", excerpt(body))
	}
	resp, _ = city.post(fmt.Sprintf("/credit/serious/%d/steps", w.serious.ID), url.Values{"step": {"approve"}})
	if resp.StatusCode != 303 {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	_, body = e.newClient().get("/lists/serious")
	if !strings.Contains(body, e.outCounty.Name) || !strings.Contains(body, "张三") || !strings.Contains(body, `class="proof"`) {
		t.Errorf("public serious list after approval\n%s", excerpt(body))
	}

	// Credit China status, then annulment of the penalty: the listing is revoked with it.
	resp, _ = city.post(fmt.Sprintf("/credit/penalties/%d/credit-china", w.outPenalty.ID), url.Values{"credit_china_status": {"requested"}})
	if resp.StatusCode != 303 {
		t.Fatalf("credit china: %d", resp.StatusCode)
	}
	if _, body := city.get(fmt.Sprintf("/credit/penalties/%d", w.outPenalty.ID)); !strings.Contains(body, `<dd id="cc-status">已申请</dd>`) {
		t.Error("Credit China status not shown")
	}
	resp, _ = city.post(fmt.Sprintf("/credit/penalties/%d/annul", w.outPenalty.ID), url.Values{"note": {"行政复议决定撤销"}})
	if resp.StatusCode != 303 {
		t.Fatalf("annul: %d", resp.StatusCode)
	}
	if _, body := city.get(fmt.Sprintf("/credit/serious/%d", w.serious.ID)); !strings.Contains(body, "撤销列入") {
		t.Error("the listing grounded on the annulled penalty is not revoked")
	}

	// The settings: serious-list approval off, a new threshold.
	_, body = admin.get("/admin/credit")
	if !strings.Contains(body, `value="10000.00"`) || !strings.Contains(body, `id="serious_approval" checked`) {
		t.Fatalf("settings form\n%s", excerpt(body))
	}
	form := url.Values{"threshold_person": {"20,000"}, "threshold_org": {"100000"}}
	for k, v := range map[string]string{"serious_listed": "60", "abnormal_listed": "15", "abnormal_max": "30", "penalty": "10",
		"penalty_heavier": "10", "penalty_max": "40", "sampling_failure": "8", "sampling_max": "24", "cert_suspension": "10",
		"report_missing": "10", "report_late": "4", "new_entity": "5", "class_b": "5", "class_c": "20", "class_d": "50",
		"ratio_a": "5", "ratio_b": "20", "ratio_c": "60", "ratio_d": "100"} {
		form.Set(k, v)
	}
	if resp, body := admin.post("/admin/credit", form); resp.StatusCode != 303 {
		t.Fatalf("save settings: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if cfg := e.credit.Config(); cfg.SeriousApproval || cfg.Thresholds.PersonFen != 20_000_00 {
		t.Errorf("settings not saved: %+v", cfg)
	}

	// A removal application rejected: the reason is required, and shown to the enterprise.
	if _, err := e.credit.FileReport(qcity.WithActor(ctx, enterpriseActor(e)), goodReport(e.inCounty.USCC, 2025)); err != nil {
		t.Fatal(err)
	}
	rp, err := e.credit.ApplyRepair(qcity.WithActor(ctx, enterpriseActor(e)), credit.RepairInput{USCC: e.inCounty.USCC,
		Target: credit.TargetAbnormal, TargetID: w.abnormal.ID, Statement: "已补报"})
	if err != nil {
		t.Fatal(err)
	}
	county.get(fmt.Sprintf("/credit/repairs/%d", rp.ID))
	before := e.creditSnapshot()
	resp, body = county.post(fmt.Sprintf("/credit/repairs/%d/decision", rp.ID), url.Values{"decision": {"reject"}})
	if resp.StatusCode != 422 || !strings.Contains(body, `<p class="field-error">请填写不予通过的理由。</p>`) {
		t.Errorf("rejection without a reason: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if after := e.creditSnapshot(); after != before {
		t.Errorf("refused decision changed the database: %s → %s", before, after)
	}
	resp, _ = county.post(fmt.Sprintf("/credit/repairs/%d/decision", rp.ID), url.Values{"decision": {"reject"}, "note": {"年报内容与登记信息不符"}})
	if resp.StatusCode != 303 {
		t.Fatalf("reject: %d", resp.StatusCode)
	}
	if _, body := ent.get("/my/credit"); !strings.Contains(body, "不予修复") || !strings.Contains(body, "年报内容与登记信息不符") {
		t.Error("the enterprise does not see the rejection and its reason")
	}
}
