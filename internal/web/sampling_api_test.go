package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"qcity/internal/db"
	"qcity/internal/db/dbtest"
)

func sampleJSON(e *env, no string, override string) string {
	base := map[string]string{
		"sample_no": `"` + no + `"`, "kind": `"food"`, "level": `"city"`, "year": `2026`, "category": `"酒类/白酒"`,
		"product_name": `"米酒"`, "brand": `"示例牌"`, "specification": `"500mL"`, "batch": `"2026-11-01"`,
		"seller_uscc": `"` + e.inCounty.USCC + `"`, "seller_name": `"` + e.inCounty.Name + `"`,
		"region_code": `"440803"`, "stage": `"circulation"`, "sampled_on": `"2026-11-20"`, "lab": `"` + e.lab.Name + `"`,
		"items": `[{"item":"甲醇","result":"0.9","unit":"g/L","limit":"≤0.6","comparison":"full","standard":"GB 2757-2012","lab_verdict":"不合格"},
			{"item":"铅","result":"未检出","unit":"mg/kg","limit":"≤0.2","standard":"GB 2762-2022","lab_verdict":"合格"},
			{"item":"菌落总数","result":"10,20,5000,30,40","unit":"CFU/mL","limit":"n=5,c=2,m=1000,M=10000","lab_verdict":"合格"}]`,
	}
	for _, kv := range strings.Split(override, ";;") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			if v == "-" {
				delete(base, k)
			} else {
				base[k] = v
			}
		}
	}
	var parts []string
	for k, v := range base {
		parts = append(parts, `"`+k+`":`+v)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestSamplingAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		city := e.keys["city_official"]
		st, body := e.api("POST", "/api/v1/samples", city, sampleJSON(e, "DC26440803000001", ""))
		if st != 201 || body["sample_no"] != "DC26440803000001" || body["verdict"] != "fail" {
			t.Fatalf("create: %d %v", st, body)
		}
		items := body["items"].([]any)
		if len(items) != 3 {
			t.Fatalf("items: %v", items)
		}
		m0, m2 := items[0].(map[string]any), items[2].(map[string]any)
		if m0["verdict"] != "fail" || m0["lab_verdict_disagrees"] != false || !strings.Contains(m0["reason"].(string), "0.9") {
			t.Errorf("methanol: %v", m0)
		}
		// The lab passed the plate counts, but one of five exceeds m (1000) — within c=2 —
		// so qcity passes it too: no disagreement.
		if m2["verdict"] != "pass" || m2["lab_verdict_disagrees"] != false {
			t.Errorf("micro plan: %v", m2)
		}
		// A lab's system posts with its own key; the sample is the lab's.
		st, body = e.api("POST", "/api/v1/samples", e.keys["lab"], sampleJSON(e, "DC26440803000002", `lab="";;items=[{"item":"甲醇","result":"0.9","unit":"g/L","limit":"≤0.6","lab_verdict":"合格"}]`))
		if st != 201 || body["state"] != "review" || body["items"].([]any)[0].(map[string]any)["lab_verdict_disagrees"] != true {
			t.Fatalf("lab key: %d %v", st, body)
		}
		st, body = e.api("GET", "/api/v1/samples/DC26440803000002", e.keys["lab"], "")
		if st != 200 || body["lab"] != e.lab.Name {
			t.Errorf("lab reads its sample: %d %v", st, body["lab"])
		}
		// Another lab's key cannot see it; the public cannot list samples.
		if st, _ := e.api("GET", "/api/v1/samples/DC26440803000002", "", ""); st != 401 {
			t.Errorf("anonymous sample: %d", st)
		}
		// Workflow through the API: serving before review is refused with the reason.
		st, body = e.api("POST", "/api/v1/samples/DC26440803000002/steps", city, `{"step":"serve_notice"}`)
		if st != 422 || !strings.Contains(body["error"].(map[string]any)["message"].(string), "待复核") {
			t.Errorf("out of order: %d %v", st, body)
		}
		if st, _ = e.api("POST", "/api/v1/samples/DC26440803000002/steps", city, `{"step":"confirm_verdict","outcome":"fail"}`); st != 200 {
			t.Errorf("confirm: %d", st)
		}
		// A lab cannot serve notices.
		if st, _ = e.api("POST", "/api/v1/samples/DC26440803000002/steps", e.keys["lab"], `{"step":"serve_notice"}`); st != 403 {
			t.Errorf("lab serves: %d", st)
		}
		// Statistics with counts; both samples are food 2026, both failed.
		st, body = e.api("GET", "/api/v1/sampling/stats?kind=food&year=2026&group=region", "", "")
		if st != 200 {
			t.Fatalf("stats: %d %v", st, body)
		}
		total := body["total"].(map[string]any)
		if total["judged"].(float64) != 2 || total["passed"].(float64) != 0 || total["pass_rate"].(float64) != 0 {
			t.Errorf("stats total: %v", total)
		}
		rows := body["rows"].([]any)
		if len(rows) != 1 || rows[0].(map[string]any)["key"] != "440803" || rows[0].(map[string]any)["label"] != "霞山区" {
			t.Errorf("stats rows: %v", rows)
		}
		// Categories are data.
		st, body = e.api("GET", "/api/v1/sampling/categories?kind=food", "", "")
		if st != 200 || body["total"].(float64) < 100 {
			t.Errorf("categories: %d %v", st, body["total"])
		}
	})
}

// Bad input to the sampling API and forms: a 4xx with a bilingual message, and nothing
// written.
func TestSamplingBadInput(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	city := e.keys["city_official"]
	if st, body := e.api("POST", "/api/v1/samples", city, sampleJSON(e, "DC26440803000100", "")); st != 201 {
		t.Fatalf("setup: %d %v", st, body)
	}
	cases := []struct {
		name, method, path, key, body string
		status                        int
		field                         string
	}{
		{"missing sample number", "POST", "/api/v1/samples", city, sampleJSON(e, "", ""), 422, "sample_no"},
		{"sample number taken", "POST", "/api/v1/samples", city, sampleJSON(e, "DC26440803000100", ""), 409, "sample_no"},
		{"sample number with spaces", "POST", "/api/v1/samples", city, sampleJSON(e, "DC 1", ""), 422, "sample_no"},
		{"unknown kind", "POST", "/api/v1/samples", city, sampleJSON(e, "X1", `kind="drug"`), 422, "kind"},
		{"unknown level", "POST", "/api/v1/samples", city, sampleJSON(e, "X2", `level="galactic"`), 422, "level"},
		{"year not a number", "POST", "/api/v1/samples", city, sampleJSON(e, "X3", `year=true`), 422, "year"},
		{"unknown category", "POST", "/api/v1/samples", city, sampleJSON(e, "X4", `category="外星食品"`), 422, "category"},
		{"no product name", "POST", "/api/v1/samples", city, sampleJSON(e, "X5", `product_name=-`), 422, "product_name"},
		{"seller code bad", "POST", "/api/v1/samples", city, sampleJSON(e, "X6", `seller_uscc="91440803MA4W0001X0"`), 422, "seller_uscc"},
		{"unknown producer without name", "POST", "/api/v1/samples", city, sampleJSON(e, "X7", `producer_uscc="`+validCode(t, "91440882MA4W5555")+`"`), 422, "producer_name"},
		{"region outside", "POST", "/api/v1/samples", city, sampleJSON(e, "X8", `region_code="440106"`), 422, "region_code"},
		{"unknown stage", "POST", "/api/v1/samples", city, sampleJSON(e, "X9", `stage="moon"`), 422, "stage"},
		{"future date", "POST", "/api/v1/samples", city, sampleJSON(e, "X10", `sampled_on="2027-01-01"`), 422, "sampled_on"},
		{"impossible date", "POST", "/api/v1/samples", city, sampleJSON(e, "X11", `sampled_on="2026-02-30"`), 422, "sampled_on"},
		{"unknown lab", "POST", "/api/v1/samples", city, sampleJSON(e, "X12", `lab="无名实验室"`), 422, "lab"},
		{"result unparseable", "POST", "/api/v1/samples", city, sampleJSON(e, "X13", `items=[{"item":"铅","result":"很多","unit":"mg/kg","limit":"≤0.2"}]`), 422, "items[0].result"},
		{"limit unparseable", "POST", "/api/v1/samples", city, sampleJSON(e, "X14", `items=[{"item":"铅","result":"0.1","unit":"mg/kg","limit":"差不多"}]`), 422, "items[0].limit"},
		{"unit incompatible", "POST", "/api/v1/samples", city, sampleJSON(e, "X15", `items=[{"item":"铅","result":"0.1","unit":"CFU/g","limit":"≤0.2mg/kg"}]`), 422, "items[0]."},
		{"bad comparison", "POST", "/api/v1/samples", city, sampleJSON(e, "X16", `items=[{"item":"铅","result":"0.1","unit":"mg/kg","limit":"≤0.2","comparison":"eyeball"}]`), 422, "items[0].comparison"},
		{"bad lab verdict", "POST", "/api/v1/samples", city, sampleJSON(e, "X17", `items=[{"item":"铅","result":"0.1","unit":"mg/kg","limit":"≤0.2","lab_verdict":"还行"}]`), 422, "items[0].lab_verdict"},
		{"plan with wrong n", "POST", "/api/v1/samples", city, sampleJSON(e, "X18", `items=[{"item":"菌落总数","result":"10,20","unit":"CFU/g","limit":"n=5,c=2,m=100,M=1000"}]`), 422, "items[0]."},
		{"items not a list", "POST", "/api/v1/samples", city, sampleJSON(e, "X19", `items={"item":"铅"}`), 422, "items"},
		{"unknown field", "POST", "/api/v1/samples", city, sampleJSON(e, "X20", `colour="red"`), 422, "colour"},
		{"malformed JSON", "POST", "/api/v1/samples", city, `{"sample_no":`, 400, ""},
		{"oversized", "POST", "/api/v1/samples", city, `{"product_name":"` + strings.Repeat("米", 1<<20) + `"}`, 413, ""},
		{"step unknown", "POST", "/api/v1/samples/DC26440803000100/steps", city, `{"step":"bribe"}`, 422, ""},
		{"step without outcome", "POST", "/api/v1/samples/DC26440803000100/steps", city, `{"step":"recheck"}`, 422, ""},
		{"stats bad group", "GET", "/api/v1/sampling/stats?group=zodiac", "", "", 422, "group"},
		{"stats bad year", "GET", "/api/v1/sampling/stats?year=twenty", "", "", 422, "year"},
		{"stats bad month", "GET", "/api/v1/sampling/stats?year=2026&month=13", "", "", 422, "month"},
		{"announcements bad kind", "GET", "/api/v1/announcements?kind=drug", "", "", 422, "kind"},
		{"samples bad limit", "GET", "/api/v1/samples?limit=abc", city, "", 422, "limit"},
		{"categories bad kind", "GET", "/api/v1/sampling/categories?kind=x", "", "", 422, "kind"},
		{"plan without categories", "POST", "/api/v1/sampling/plans", city, `{"year":2026,"kind":"food_supervision","level":"city","name":"空计划","labs":["` + e.lab.Name + `"]}`, 422, "categories"},
		{"plan with bad quota", "POST", "/api/v1/sampling/plans", city, `{"year":2026,"kind":"food_supervision","level":"city","name":"计划","categories":[{"category":"粮食加工品"}],"quotas":[{"region_code":"440803","category":"粮食加工品","quota":0}],"labs":["` + e.lab.Name + `"]}`, 422, "quotas[0].quota"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.snapshot() + e.sampleCount()
			req, _ := http.NewRequest(c.method, e.ts.URL+c.path, strings.NewReader(c.body))
			if c.key != "" {
				req.Header.Set("Authorization", "Bearer "+c.key)
			}
			if c.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw := readBody(t, resp)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, c.status, raw)
			}
			if !strings.Contains(raw, `"message":"`) || !strings.Contains(raw, `"message_en":"`) {
				t.Errorf("no bilingual message: %.300s", raw)
			}
			if c.field != "" && !strings.Contains(raw, `"field":"`+c.field) {
				t.Errorf("no error on %s: %.500s", c.field, raw)
			}
			if after := e.snapshot() + e.sampleCount(); after != before {
				t.Errorf("database changed: %s → %s", before, after)
			}
		})
	}
	// The form shows errors beside the fields and keeps the input.
	c := e.newClient()
	c.login("city")
	before := e.sampleCount()
	resp, body := c.post("/sampling", url.Values{"sample_no": {"DC26"}, "kind": {"food"}, "level": {"city"}, "category": {"外星食品"},
		"product_name": {"米酒"}, "seller_uscc": {e.inCounty.USCC}, "region_code": {"440803"}, "stage": {"circulation"},
		"sampled_on": {"2026-11-20"}, "lab": {e.lab.Name}, "items": {"甲醇 | 很多 | g/L | ≤0.6"}})
	if resp.StatusCode != 422 || !strings.Contains(body, "外星食品") || !strings.Contains(body, `value="米酒"`) || !strings.Contains(body, "甲醇 | 很多") {
		t.Errorf("form: %d", resp.StatusCode)
	}
	if e.sampleCount() != before {
		t.Error("form wrote a sample")
	}
}

func (e *env) sampleCount() string {
	var n, items, events int
	e.db.QueryRow(t0(), `SELECT COUNT(*) FROM samples`).Scan(&n)
	e.db.QueryRow(t0(), `SELECT COUNT(*) FROM sample_items`).Scan(&items)
	e.db.QueryRow(t0(), `SELECT COUNT(*) FROM sample_events`).Scan(&events)
	return " samples:" + itoa(n) + "/" + itoa(items) + "/" + itoa(events)
}

// The sampling forms show errors beside their fields and keep the input; nothing is
// written.
func TestSamplingFormsBadInput(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	if st, body := e.api("POST", "/api/v1/samples", e.keys["city_official"], sampleJSON(e, "DC26440803000200", "")); st != 201 {
		t.Fatalf("setup: %d %v", st, body)
	}
	c := e.newClient()
	c.login("city")
	cases := []struct {
		name, path string
		form       url.Values
		status     int
		contains   []string
	}{
		{"officer name too short", "/sampling/officers", url.Values{"name": {"王"}, "region_code": {"440803"}, "badge_no": {"A1"}}, 422, []string{"2 至 20", `value="A1"`}},
		{"officer outside the city", "/sampling/officers", url.Values{"name": {"王五"}, "region_code": {"440106"}}, 422, []string{"440106"}},
		{"category name with slash", "/sampling/categories", url.Values{"kind": {"food"}, "parent_code": {"15"}, "name": {"白/酒"}}, 422, []string{"1 至 50", `value="白/酒"`}},
		{"category under a missing parent", "/sampling/categories", url.Values{"kind": {"food"}, "parent_code": {"99.99"}, "name": {"新类"}}, 422, []string{"99.99"}},
		{"plan without labs", "/sampling/plans", url.Values{"year": {"2026"}, "kind": {"food_supervision"}, "level": {"city"}, "name": {"测试计划"},
			"categories": {"粮食加工品 | 铅, 镉 | GB 2762-2022"}, "quotas": {"440803 | 粮食加工品 | 5"}}, 422, []string{"承检机构", "粮食加工品 | 铅, 镉"}},
		{"plan quota outside the city", "/sampling/plans", url.Values{"year": {"2026"}, "kind": {"food_supervision"}, "level": {"city"}, "name": {"测试计划"},
			"categories": {"粮食加工品"}, "quotas": {"440106 | 粮食加工品 | 5"}, "labs": {e.lab.Name}}, 422, []string{"440106"}},
		{"step without an outcome", "/sampling/DC26440803000200/steps", url.Values{"step": {"recheck"}}, 422, []string{"class=\"flash error\""}},
		{"step out of order", "/sampling/DC26440803000200/steps", url.Values{"step": {"announce"}}, 422, []string{"不合格待送达"}},
		{"report without results", "/sampling/DC26440803000200/steps", url.Values{"step": {"record_retest"}}, 422, []string{"class=\"flash error\""}},
	}
	for _, fc := range cases {
		t.Run(fc.name, func(t *testing.T) {
			before := e.snapshot() + e.sampleCount()
			resp, body := c.post(fc.path, fc.form)
			if resp.StatusCode != fc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, fc.status)
			}
			for _, s := range fc.contains {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			if after := e.snapshot() + e.sampleCount(); after != before {
				t.Errorf("database changed: %s → %s", before, after)
			}
		})
	}
}
