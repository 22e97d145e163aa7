package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/translog"
)

// creditTables sums up every credit table, to show a refused request wrote nothing.
func (e *env) creditTables() string {
	e.t.Helper()
	var parts []string
	for _, table := range []string{"annual_reports", "annual_report_corrections", "abnormal_listings", "serious_listings",
		"penalties", "repair_applications", "documents", "translog_records"} {
		var s string
		if err := e.db.QueryRow(context.Background(), `SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM `+table).Scan(&s); err != nil {
			if err := e.db.QueryRow(context.Background(), `SELECT COUNT(*) || '' FROM `+table).Scan(&s); err != nil {
				e.t.Fatal(err)
			}
		}
		parts = append(parts, table+"="+s)
	}
	return strings.Join(parts, " ")
}

// jsonAs sends a JSON request as a logged-in browser user (session cookie + CSRF header).
func (c *client) jsonAs(method, path, body string) (int, string) {
	req, _ := http.NewRequest(method, c.e.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return resp.StatusCode, readBody(c.e.t, resp)
}

func TestCreditAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		city := e.keys[qcity.RoleCityOfficial]
		// A penalty through the API: published for three years with the legal
		// representative shown while published, and only a commitment in the log.
		st, p := e.api("POST", "/api/v1/penalties", city, `{"uscc":"`+e.inCounty.USCC+`","decision_no":"湛霞市监罚〔2026〕88号",
			"decided_on":"2026-11-20","kinds":["fine","confiscation"],"fine":"120000","confiscated":"8600.50","domain":"food",
			"violation":"销售致病菌超标的冷冻水产品","basis":"《食品安全法》第一百二十四条"}`)
		if st != 201 || p["publicity_term"] != "3y" || p["publicity_ends_on"] != "2029-11-27" {
			t.Fatalf("penalty: %d %v", st, p)
		}
		st, list := e.api("GET", "/api/v1/penalties?q="+e.inCounty.USCC, "", "")
		items, _ := list["items"].([]any)
		if st != 200 || len(items) != 1 {
			t.Fatalf("public penalties: %d %v", st, list)
		}
		entry := items[0].(map[string]any)
		if entry["legal_rep"] == "" || entry["log_index"].(float64) != 0 {
			t.Errorf("entry: %v", entry)
		}
		// The log, checked from outside with nothing but the public endpoints.
		key := get(t, e.ts.URL+"/api/v1/log/key")
		signed := get(t, e.ts.URL+"/api/v1/log/checkpoint")
		cp, err := translog.OpenCheckpoint([]byte(signed), strings.TrimSpace(key))
		if err != nil || cp.Size != 1 {
			t.Fatalf("checkpoint: %+v %v\n%s", cp, err, signed)
		}
		var recs struct {
			Records []struct {
				Index int64  `json:"index"`
				Data  []byte `json:"data"`
			} `json:"records"`
		}
		json.Unmarshal([]byte(get(t, e.ts.URL+"/api/v1/log/records?start=0&end=1")), &recs)
		if len(recs.Records) != 1 || strings.Contains(string(recs.Records[0].Data), "张") {
			t.Fatalf("records: %+v", recs)
		}
		// Two more log records: a listing and a removal-free state.
		st, a := e.api("POST", "/api/v1/lists/abnormal", city, `{"uscc":"`+e.inCounty.USCC+`","reason":"unreachable",
			"facts":{"letter1_on":"2026-09-01","letter2_on":"2026-09-20"}}`)
		if st != 201 || a["state"] != "listed" {
			t.Fatalf("listing: %d %v", st, a)
		}
		signed2 := get(t, e.ts.URL+"/api/v1/log/checkpoint")
		cp2, err := translog.OpenCheckpoint([]byte(signed2), strings.TrimSpace(key))
		if err != nil || cp2.Size != 2 {
			t.Fatalf("checkpoint 2: %+v %v", cp2, err)
		}
		var proof struct {
			Proof []string `json:"proof"`
		}
		json.Unmarshal([]byte(get(t, e.ts.URL+"/api/v1/log/proof/inclusion?index=0&size=2")), &proof)
		hashes, err := translog.DecodeProof(proof.Proof)
		if err != nil || tlog.CheckRecord(hashes, 2, cp2.Root, 0, tlog.RecordHash(recs.Records[0].Data)) != nil {
			t.Errorf("inclusion proof does not check: %v %v", proof, err)
		}
		json.Unmarshal([]byte(get(t, e.ts.URL+"/api/v1/log/proof/consistency?old=1&new=2")), &proof)
		hashes, _ = translog.DecodeProof(proof.Proof)
		if err := tlog.CheckTree(hashes, 2, cp2.Root, 1, cp.Root); err != nil {
			t.Errorf("the old checkpoint is not a prefix of the new: %v", err)
		}
		// The profile: a credit query, audited even when anonymous.
		st, prof := e.api("GET", "/api/v1/entities/"+e.inCounty.USCC+"/credit", "", "")
		status, _ := prof["status"].(map[string]any)
		if st != 200 || status["abnormal_listed"] != true || status["published_penalties"].(float64) != 1 {
			t.Fatalf("profile: %d %v", st, prof)
		}
		if strings.Contains(toJSON(prof), `"class"`) {
			t.Error("risk class on the public profile")
		}
		var n int
		e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE object_type = 'credit_query' AND actor_kind = 'anonymous'`).Scan(&n)
		if n != 1 {
			t.Errorf("credit queries audited: %d", n)
		}
		// The enterprise files its report through the API with its session.
		c := e.newClient()
		c.login("enterprise")
		st, body := c.jsonAs("POST", "/api/v1/annual-reports", `{"uscc":"`+e.inCounty.USCC+`","year":2025,"contents":{"address":"湛江市霞山区海滨大道1号",
			"postcode":"524000","phone":"0759-2288001","email":"hb@example.cn","operating_status":"operating"},"optional":{"headcount":"12"},"publish_optional":["headcount"]}`)
		if st != 201 || !strings.Contains(body, `"late":false`) == (time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC).After(testNow)) {
			t.Fatalf("report: %d %s", st, body)
		}
		st, body = c.jsonAs("POST", "/api/v1/annual-reports", `{"uscc":"`+e.outCounty.USCC+`","year":2025,"contents":{"address":"x","postcode":"524000","phone":"0759-2288001","operating_status":"operating"}}`)
		if st != 403 {
			t.Errorf("report for another enterprise: %d %s", st, body)
		}
		// Rate for officials.
		st, rate := e.api("GET", "/api/v1/credit/report-rate?year=2025", city, "")
		total, _ := rate["total"].(map[string]any)
		if st != 200 || total["filed"].(float64) != 1 {
			t.Errorf("rate: %d %v", st, rate)
		}
		// The county key sees the rate of its own district only.
		st, rate = e.api("GET", "/api/v1/credit/report-rate?year=2025&region=440802", e.keys[qcity.RoleCountyOfficial], "")
		total, _ = rate["total"].(map[string]any)
		if st != 200 || total["due"].(float64) != 1 {
			t.Errorf("county rate: %d %v", st, rate)
		}
	})
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	return body
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Bad input on every credit endpoint: a clear bilingual error, the right status and
// field, and nothing written.
func TestCreditAPIBadInput(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	city := e.keys[qcity.RoleCityOfficial]
	u := e.inCounty.USCC
	pen := func(over string) string {
		base := map[string]string{"uscc": `"` + u + `"`, "decision_no": `"湛市监罚〔2026〕1号"`, "decided_on": `"2026-11-20"`,
			"kinds": `["fine"]`, "fine": `"5000"`, "domain": `"quality"`, "violation": `"标签不符合标准"`, "basis": `"产品质量法"`}
		if over != "" {
			k, v, _ := strings.Cut(over, "=")
			if v == "-" {
				delete(base, k)
			} else {
				base[k] = v
			}
		}
		var parts []string
		for k, v := range base {
			parts = append(parts, `"`+k+`":`+v)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4 承诺"))
	exe := base64.StdEncoding.EncodeToString([]byte("MZ\x90\x00binary"))
	cases := []struct {
		name, method, path, body string
		status                   int
		field, contains          string
	}{
		{"penalty bad uscc", "POST", "/api/v1/penalties", pen(`uscc="91440803MA4W00000X"`), 422, "uscc", "91440803MA4W00000X"},
		{"penalty without decision number", "POST", "/api/v1/penalties", pen(`decision_no=-`), 422, "decision_no", "必填"},
		{"penalty future date", "POST", "/api/v1/penalties", pen(`decided_on="2030-01-01"`), 422, "decided_on", "今天"},
		{"penalty impossible date", "POST", "/api/v1/penalties", pen(`decided_on="2026-02-30"`), 422, "decided_on", "YYYY-MM-DD"},
		{"penalty unknown kind", "POST", "/api/v1/penalties", pen(`kinds=["flogging"]`), 422, "kinds", "flogging"},
		{"penalty no kinds", "POST", "/api/v1/penalties", pen(`kinds=[]`), 422, "kinds", "必填"},
		{"penalty fine without amount", "POST", "/api/v1/penalties", pen(`fine=""`), 422, "fine", "罚款"},
		{"penalty amount not a number", "POST", "/api/v1/penalties", pen(`fine="五千"`), 422, "fine", "金额"},
		{"penalty amount negative", "POST", "/api/v1/penalties", pen(`fine="-5"`), 422, "fine", "金额"},
		{"penalty unknown domain", "POST", "/api/v1/penalties", pen(`domain="weather"`), 422, "domain", "领域"},
		{"penalty HTML in violation", "POST", "/api/v1/penalties", pen(`violation="<script>x</script>"`), 422, "violation", "<"},
		{"penalty kinds wrong type", "POST", "/api/v1/penalties", pen(`kinds="fine"`), 422, "kinds", "array"},
		{"penalty unknown field", "POST", "/api/v1/penalties", pen(`colour="red"`), 422, "colour", "colour"},
		{"penalty malformed JSON", "POST", "/api/v1/penalties", `{"uscc":`, 400, "", "JSON"},
		{"penalty oversized", "POST", "/api/v1/penalties", `{"violation":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "", "MiB"},
		{"annul unknown penalty", "POST", "/api/v1/penalties/999999/annul", `{}`, 404, "", "处罚"},
		{"listing with engine reason", "POST", "/api/v1/lists/abnormal", `{"uscc":"` + u + `","reason":"annual_report"}`, 422, "reason", "规则引擎"},
		{"listing unknown reason", "POST", "/api/v1/lists/abnormal", `{"uscc":"` + u + `","reason":"bored"}`, 422, "reason", "事由"},
		{"listing letters too close", "POST", "/api/v1/lists/abnormal", `{"uscc":"` + u + `","reason":"unreachable","facts":{"letter1_on":"2026-09-01","letter2_on":"2026-09-05"}}`, 422, "letter2_on", "15"},
		{"listing order not due", "POST", "/api/v1/lists/abnormal", `{"uscc":"` + u + `","reason":"adhoc_info","facts":{"ordered_on":"2026-11-20","order_due":"2026-12-30"}}`, 422, "order_due", "2026-12-30"},
		{"listing unknown entity", "POST", "/api/v1/lists/abnormal", `{"uscc":"` + validCode(t, "91440803MA4W9999") + `","reason":"name_change","facts":{"note":"未按规定变更名称登记"}}`, 422, "uscc", "未找到"},
		{"confirm nothing", "POST", "/api/v1/lists/abnormal/proposals/confirm", `{"ids":[]}`, 422, "ids", "至少"},
		{"confirm wrong type", "POST", "/api/v1/lists/abnormal/proposals/confirm", `{"ids":"1"}`, 422, "ids", "array"},
		{"objection unknown listing", "POST", "/api/v1/lists/abnormal/999999/objection", `{"step":"accept"}`, 404, "", "名录"},
		{"serious without intent", "POST", "/api/v1/lists/serious", `{"uscc":"` + u + `","penalty_decision_no":"无","circumstances":["5.4"],"facts":"事实"}`, 422, "intent_established", "故意"},
		{"serious unknown circumstance", "POST", "/api/v1/lists/serious", `{"uscc":"` + u + `","penalty_decision_no":"无","circumstances":["99.9"],"facts":"事实","intent_established":true}`, 422, "circumstances", "99.9"},
		{"serious unknown penalty", "POST", "/api/v1/lists/serious", `{"uscc":"` + u + `","penalty_decision_no":"无此文号","circumstances":["5.4"],"facts":"事实","intent_established":true}`, 422, "penalty_decision_no", "处罚"},
		{"serious step on nothing", "POST", "/api/v1/lists/serious/999999/steps", `{"step":"approve"}`, 404, "", "名录"},
		{"repair unknown target", "POST", "/api/v1/repairs", `{"uscc":"` + u + `","target":"karma","target_id":1,"statement":"申请"}`, 422, "target", "事项"},
		{"repair bad base64", "POST", "/api/v1/repairs", `{"uscc":"` + u + `","target":"penalty","target_id":1,"statement":"申请","files":[{"name":"a.pdf","role":"commitment","data":"@@@"}]}`, 422, "files[0].data", "Base64"},
		{"repair bad role", "POST", "/api/v1/repairs", `{"uscc":"` + u + `","target":"penalty","target_id":1,"statement":"申请","files":[{"name":"a.pdf","role":"selfie","data":"` + pdf + `"}]}`, 422, "files[0].role", "commitment"},
		{"repair missing listing", "POST", "/api/v1/repairs", `{"uscc":"` + u + `","target":"abnormal","target_id":999999,"statement":"申请","files":[{"name":"a.pdf","role":"evidence","data":"` + exe + `"}]}`, 404, "", "名录"},
		{"decide unknown repair", "POST", "/api/v1/repairs/999999/decision", `{"decision":"approve"}`, 404, "", "申请"},
		{"report bad year", "POST", "/api/v1/annual-reports", `{"uscc":"` + u + `","year":2030,"contents":{"address":"x","postcode":"524000","phone":"0759-2288001","operating_status":"operating"}}`, 403, "", ""},
		{"rate bad year", "GET", "/api/v1/credit/report-rate?year=abc", "", 422, "year", "年度"},
		{"rate bad date", "GET", "/api/v1/credit/report-rate?as_of=yesterday", "", 422, "as_of", "yesterday"},
		{"rate bad group", "GET", "/api/v1/credit/report-rate?group=colour", "", 422, "group", "region"},
		{"list bad active", "GET", "/api/v1/lists/abnormal?active=maybe", "", 422, "active", "true"},
		{"list limit too large", "GET", "/api/v1/lists/serious?limit=5000", "", 422, "limit", "1000"},
		{"list bad region", "GET", "/api/v1/penalties?region=x1", "", 422, "region", "x1"},
		{"records missing end", "GET", "/api/v1/log/records?start=0", "", 422, "end", "end"},
		{"records beyond the log", "GET", "/api/v1/log/records?start=0&end=99", "", 422, "end", "99"},
		{"inclusion beyond the tree", "GET", "/api/v1/log/proof/inclusion?index=5&size=1", "", 422, "", "1"},
		{"consistency backwards", "GET", "/api/v1/log/proof/consistency?old=5&new=1", "", 422, "", "1"},
		{"consistency negative", "GET", "/api/v1/log/proof/consistency?old=-1&new=0", "", 422, "old", "old"},
		{"profile unknown entity", "GET", "/api/v1/entities/91440803MA4W00000X/credit", "", 404, "", "91440803MA4W00000X"},
		{"risk of unknown entity", "GET", "/api/v1/credit/risk/" + validCode(t, "91440803MA4W9998"), "", 404, "", "未找到"},
		{"report of unknown year", "GET", "/api/v1/annual-reports/" + u + "/abc", "", 404, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.creditTables()
			req, _ := http.NewRequest(c.method, e.ts.URL+c.path, strings.NewReader(c.body))
			req.Header.Set("Authorization", "Bearer "+city)
			if c.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw := readBody(t, resp)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, raw)
			}
			if !strings.Contains(raw, `"message":"`) || !strings.Contains(raw, `"message_en":"`) {
				t.Errorf("no bilingual message: %s", raw)
			}
			if c.field != "" && !strings.Contains(raw, `"field":"`+c.field+`"`) {
				t.Errorf("no error on field %s: %s", c.field, raw)
			}
			if !strings.Contains(unescapeJSON(raw), c.contains) {
				t.Errorf("message does not mention %q: %s", c.contains, raw)
			}
			if after := e.creditTables(); after != before {
				t.Errorf("database changed: %s → %s", before, after)
			}
		})
	}
	if len(cases) < 30 {
		t.Errorf("only %d cases", len(cases))
	}
	_ = strconv.Itoa
}
