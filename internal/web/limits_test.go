package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/limits"
	"qcity/internal/sheet"
)

// withLimits gives the env a seeded catalogue, shared by the sampling service (for
// items without a limit) and the server (for the pages and the API).
func withLimits(t *testing.T, e *env) *limits.Catalogue {
	t.Helper()
	cat := &limits.Catalogue{DB: e.db, Clock: e.clock}
	if n, err := cat.Seed(qcity.WithActor(context.Background(), qcity.System("test"))); err != nil || n != 272 {
		t.Fatalf("seed: %d %v", n, err)
	}
	e.sampling.Limits = cat
	e.srv.Limits = cat
	return cat
}

// limitsSnapshot is env.snapshot with the catalogue.
func (e *env) limitsSnapshot() string {
	e.t.Helper()
	var s string
	if err := e.db.QueryRow(context.Background(), `SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) || ':' ||
		COALESCE(SUM(LENGTH(limit_text)), 0) FROM limits`).Scan(&s); err != nil {
		e.t.Fatal(err)
	}
	return e.snapshot() + " " + s
}

// upload posts a file to a form route as the client.
func (c *client) upload(path, filename, content string) (*http.Response, string) {
	c.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", c.csrf)
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write([]byte(content))
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

// An item posted without a limit is judged against the catalogued limit in force on
// the sampling date for the sample's category, and records which entry that was.
func TestSampleItemTakesCataloguedLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cat := withLimits(t, e)
		city := e.keys["city_official"]
		body := sampleJSON(e, "DC26440803000101", `category="食用农产品/蔬菜/叶菜类蔬菜/芹菜";;product_name="芹菜";;`+
			`items=[{"item":"铅（以Pb计）","result":"0.35","unit":"mg/kg","lab_verdict":"不合格"},`+
			`{"item":"毒死蜱","result":"0.02"},{"item":"镉","result":"0.1","unit":"mg/kg","limit":"≤0.2"}]`)
		st, res := e.api("POST", "/api/v1/samples", city, body)
		if st != http.StatusCreated || res["verdict"] != "fail" {
			t.Fatalf("create: %d %v", st, res)
		}
		items := res["items"].([]any)
		lead, chlor := items[0].(map[string]any), items[1].(map[string]any)
		if lead["verdict"] != "fail" || !strings.Contains(lead["reason"].(string), "0.3") || lead["lab_verdict_disagrees"] != false {
			t.Errorf("lead: %v", lead)
		}
		if chlor["verdict"] != "pass" {
			t.Errorf("chlorpyrifos: %v", chlor)
		}
		st, smp := e.api("GET", "/api/v1/samples/DC26440803000101", city, "")
		if st != 200 {
			t.Fatalf("get: %d", st)
		}
		on, _ := qcity.ParseDate("2026-11-20")
		for i, w := range []struct{ analyte, limit, unit string }{{"铅", "≤0.3 mg/kg", "mg/kg"}, {"毒死蜱", "≤0.05 mg/kg", "mg/kg"}} {
			it := smp["items"].([]any)[i].(map[string]any)
			id, _, _, _, ok, err := cat.LimitFor(context.Background(), w.analyte, "食用农产品/蔬菜/叶菜类蔬菜/芹菜", on)
			if !ok || err != nil || it["limit"] != w.limit || it["unit"] != w.unit || it["limit_id"] != float64(id) {
				t.Errorf("item %d: %v; catalogue %d %v %v", i, it, id, ok, err)
			}
		}
		// A limit the lab gives is kept as given, with no catalogue reference.
		if it := smp["items"].([]any)[2].(map[string]any); it["limit"] != "≤0.2" || it["limit_id"] != nil {
			t.Errorf("given limit: %v", it)
		}
		// Nothing catalogued, nothing given: the item is refused, naming the field.
		before := e.limitsSnapshot()
		st, res = e.api("POST", "/api/v1/samples", city, sampleJSON(e, "DC26440803000102",
			`items=[{"item":"甲醇","result":"0.1","unit":"g/L"}]`))
		if st != 422 || !strings.Contains(unescapeJSON(mustJSON(t, res)), `"field":"items[0].limit"`) {
			t.Errorf("uncatalogued item: %d %v", st, res)
		}
		// The same item sampled before GB 2762-2022 took effect finds no lead limit.
		st, _ = e.api("POST", "/api/v1/samples", city, sampleJSON(e, "DC23440803000103", `year=2023;;sampled_on="2023-06-29";;`+
			`category="食用农产品/蔬菜/叶菜类蔬菜/芹菜";;items=[{"item":"铅","result":"0.35","unit":"mg/kg"}]`))
		if st != 422 {
			t.Errorf("lead before 2023-06-30: %d", st)
		}
		if after := e.limitsSnapshot(); after != before {
			t.Errorf("refused samples changed the database: %s → %s", before, after)
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLimitsPagesAndAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cat := withLimits(t, e)

		// The API: public reads with filters, officials' writes.
		for _, c := range []struct {
			query string
			total float64
		}{{"", 272}, {"?standard=GB%202762-2022", 33}, {"?status=unconfirmed", 47}, {"?status=superseded&standard=2763", 79},
			{"?q=" + url.QueryEscape("芹菜") + "&standard=GB%202763-2021", 1}, {"?kind=micro_plan&limit=5", 9}} {
			st, body := e.api("GET", "/api/v1/limits"+c.query, "", "")
			if st != 200 || body["total"] != c.total {
				t.Errorf("GET /api/v1/limits%s: %d %v, want %v", c.query, st, body["total"], c.total)
			}
		}
		_, body := e.api("GET", "/api/v1/limits?standard=GB%202762-2022&limit=1", "", "")
		first := body["items"].([]any)[0].(map[string]any)
		if first["standard"] != "GB 2762-2022" || first["standard_edition"] != "2022" || first["standard_status"] != "current" ||
			first["kind"] != "max" || first["valid_from"] != "2023-06-30" || first["valid_to"] != nil {
			t.Errorf("API entry: %v", first)
		}
		in := `{"standard_code":"GB 2763-2021","analyte":"噻虫嗪","food":"豇豆","limit":"0.3","unit":"mg/kg","valid_from":"2021-09-03"}`
		if st, _ := e.api("POST", "/api/v1/limits", "", in); st != 401 {
			t.Errorf("anonymous create: %d", st)
		}
		if st, _ := e.api("POST", "/api/v1/limits", e.keys["lab"], in); st != 403 {
			t.Errorf("lab create: %d", st)
		}
		st, created := e.api("POST", "/api/v1/limits", e.keys["city_official"], in)
		if st != 201 || created["standard"] != "GB 2763-2021" || created["kind"] != "max" || created["version"] != float64(1) {
			t.Fatalf("create: %d %v", st, created)
		}
		if st, _ := e.api("POST", "/api/v1/limits", e.keys["county_official"], in); st != 409 {
			t.Errorf("duplicate: %d", st)
		}

		// The pages, in both languages: every row shows its edition and status.
		c := e.newClient()
		c.login("city")
		for _, lang := range []string{"zh-CN", "en"} {
			c.get("/lang?to=" + lang + "&next=/")
			for _, p := range []string{"/limits", "/limits?status=superseded&standard=2763", "/limits?kind=not_detected&offset=20", "/limits/new"} {
				resp, page := c.get(p)
				if resp.StatusCode != 200 || strings.Contains(page, "limitscat.") || !strings.Contains(page, `<html lang="`+lang+`">`) {
					t.Errorf("%s %s: %d or a raw key", lang, p, resp.StatusCode)
				}
			}
		}
		c.get("/lang?to=zh-CN&next=/")
		_, page := c.get("/limits?standard=" + url.QueryEscape("GB 2763") + "&q=" + url.QueryEscape("芹菜") + "&limit=100")
		for _, s := range []string{`现行 54</a>`, // 53 seeded and one created through the API
			`已被替代 172</a>`, `待确认 47</a>`, `<span class="mono">GB 2763</span><span class="mono">-2021</span>`, `<span class="mono">-2019</span>`,
			`<span class="mono">-2016</span>`, `class="badge status-active">现行`, `class="badge grey">已被替代`, "2020-02-15 ~ 2021-09-02",
			`aria-current="page">标准限量`} {
			if !strings.Contains(page, s) {
				t.Errorf("list lacks %q", s)
			}
		}
		_, page = c.get("/limits?status=unconfirmed")
		if !strings.Contains(page, `class="badge org-suspended">待确认`) || !strings.Contains(page, "不自动适用") {
			t.Error("unconfirmed rows lack their badge or the not-applied note")
		}

		// Create through the form: back to the list with the new entry.
		form := url.Values{"standard_code": {"GB 2763"}, "standard_edition": {"2021"}, "standard_status": {"current"},
			"analyte": {"灭蝇胺"}, "food": {"豇豆"}, "limit": {"0.5"}, "unit": {"mg/kg"}, "comparison": {"full"}, "valid_from": {"2021-09-03"}}
		resp, _ := c.post("/limits", form)
		if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || !strings.HasPrefix(loc, "/limits?") {
			t.Fatalf("form create: %d %s", resp.StatusCode, loc)
		} else if _, page := c.get(loc); !strings.Contains(page, "限量已保存") || !strings.Contains(page, "灭蝇胺") {
			t.Error("after create: no flash or no entry")
		}

		// Export of the filtered list, read back with the import columns.
		resp, raw := c.get("/limits/export?status=current")
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("export: %d", resp.StatusCode)
		}
		rd, err := sheet.Open(strings.NewReader(raw), "limits.xlsx", limits.Columns, sheet.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		rows := 0
		for {
			row, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			if rows++; row.Get("standard_status") != "现行" {
				t.Errorf("exported row %d: %v", row.Line, row.Values)
			}
		}
		if rows != 53+2 {
			t.Errorf("export holds %d current entries, want 55", rows)
		}
		if resp, raw := c.get("/limits/template"); resp.StatusCode != 200 || !strings.HasPrefix(raw, "PK") {
			t.Errorf("template: %d", resp.StatusCode)
		}
		// Importing the export changes nothing; a file with a new row adds it.
		if resp, page := c.upload("/limits/import", "limits.xlsx", raw); resp.StatusCode != 200 || !strings.Contains(page, `id="import-ok"`) ||
			!strings.Contains(page, "未变化 55 条") {
			t.Errorf("re-import: %d", resp.StatusCode)
		}
		resp, page = c.upload("/limits/import", "new.csv", "标准编号,检验项目,食品,限量,单位,实施日期\nGB 2763-2021,倍硫磷,豇豆,0.05,mg/kg,2021-09-03\n")
		if resp.StatusCode != 200 || !strings.Contains(page, "新增 1 条") {
			t.Errorf("import: %d", resp.StatusCode)
		}
		on, _ := qcity.ParseDate("2024-01-01")
		if _, text, _, _, ok, _ := cat.LimitFor(context.Background(), "倍硫磷", "食用农产品/蔬菜/豆类蔬菜/豇豆", on); !ok || text != "≤0.05 mg/kg" {
			t.Errorf("imported limit: %q %v", text, ok)
		}
	})
}

// Bad input to the catalogue's API, form and import: a 4xx with a message in Chinese and
// English (or beside the field, in the page's language), and no change to the database.
func TestLimitsBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		withLimits(t, e)
		key := e.keys["city_official"]
		entry := func(override string) string {
			base := map[string]string{"standard_code": `"GB 2763"`, "standard_edition": `"2021"`, "analyte": `"噻虫胺"`,
				"food": `"豇豆"`, "limit": `"0.01"`, "unit": `"mg/kg"`, "valid_from": `"2021-09-03"`}
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
		cases := []struct {
			name, method, path, body string
			status                   int
			field, contains          string
		}{
			{"limit unreadable", "POST", "/api/v1/limits", entry(`limit="about 0.01"`), 422, "limit", "about 0.01"},
			{"limit missing", "POST", "/api/v1/limits", entry(`limit=-`), 422, "limit", "必填"},
			{"range reversed", "POST", "/api/v1/limits", entry(`limit="1.5~0.5"`), 422, "limit", "1.5"},
			{"unit unknown", "POST", "/api/v1/limits", entry(`unit="furlong"`), 422, "unit", "furlong"},
			{"number without unit", "POST", "/api/v1/limits", entry(`unit=""`), 422, "unit", "unit"},
			{"units disagree", "POST", "/api/v1/limits", entry(`limit="≤0.01mg/kg";;unit="μg/kg"`), 422, "unit", "μg/kg"},
			{"edition not a year", "POST", "/api/v1/limits", entry(`standard_edition="21"`), 422, "standard_edition", "21"},
			{"status unknown", "POST", "/api/v1/limits", entry(`standard_status="draft"`), 422, "standard_status", "draft"},
			{"current without standard", "POST", "/api/v1/limits", entry(`standard_code="";;standard_edition="";;standard_status="current"`), 422, "standard_code", "unconfirmed"},
			{"dates reversed", "POST", "/api/v1/limits", entry(`valid_to="2020-01-01"`), 422, "valid_to", "2020-01-01"},
			{"impossible date", "POST", "/api/v1/limits", entry(`valid_from="2021-02-30"`), 422, "valid_from", "YYYY-MM-DD"},
			{"category unknown", "POST", "/api/v1/limits", entry(`category_code="99.99"`), 422, "category_code", "99.99"},
			{"comparison unknown", "POST", "/api/v1/limits", entry(`comparison="eyeball"`), 422, "comparison", "eyeball"},
			{"analyte with HTML", "POST", "/api/v1/limits", entry(`analyte="<b>噻虫胺</b>"`), 422, "analyte", "<"},
			{"food too long", "POST", "/api/v1/limits", entry(`food="` + strings.Repeat("豆", 201) + `"`), 422, "food", "200"},
			{"limit wrong type", "POST", "/api/v1/limits", entry(`limit=0.01`), 422, "limit", "string"},
			{"unknown field", "POST", "/api/v1/limits", entry(`colour="red"`), 422, "colour", "colour"},
			{"malformed JSON", "POST", "/api/v1/limits", `{"analyte": `, 400, "", "JSON"},
			{"duplicate", "POST", "/api/v1/limits", entry(`analyte="毒死蜱";;food="芹菜"`), 409, "analyte", "GB 2763-2021"},
			{"status filter unknown", "GET", "/api/v1/limits?status=draft", "", 422, "status", "draft"},
			{"kind filter unknown", "GET", "/api/v1/limits?kind=maximum", "", 422, "kind", "maximum"},
			{"page too large", "GET", "/api/v1/limits?limit=5000", "", 422, "limit", "1000"},
			{"page negative", "GET", "/api/v1/limits?limit=-1", "", 422, "limit", "limit"},
			{"query too long", "GET", "/api/v1/limits?q=" + strings.Repeat("铅", 101), "", 422, "q", "100"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := e.limitsSnapshot()
				req, _ := http.NewRequest(c.method, e.ts.URL+c.path, strings.NewReader(c.body))
				req.Header.Set("Authorization", "Bearer "+key)
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
				if after := e.limitsSnapshot(); after != before {
					t.Errorf("database changed: %s → %s", before, after)
				}
			})
		}

		// The form: the error beside the field, in the page's language, the input kept
		// and escaped.
		c := e.newClient()
		c.login("city")
		good := func(k, v string) url.Values {
			f := url.Values{"standard_code": {"GB 2763"}, "standard_edition": {"2021"}, "standard_status": {"current"},
				"analyte": {"噻虫胺"}, "food": {"豇豆"}, "limit": {"0.01"}, "unit": {"mg/kg"}, "comparison": {"full"}}
			f.Set(k, v)
			return f
		}
		dup := good("analyte", "毒死蜱") // with 芹菜: the key of a seeded GB 2763-2021 entry
		dup.Set("food", "芹菜")
		formCases := []struct {
			name, lang string
			form       url.Values
			status     int
			contains   []string
		}{
			{"form limit unreadable", "zh-CN", good("limit", "约0.01"), 422, []string{`value="约0.01"`, "约0.01", `class="field-error"`}},
			{"form limit unreadable en", "en", good("limit", "about 0.01"), 422, []string{`value="about 0.01"`, "about 0.01", `class="field-error"`}},
			{"form HTML food", "zh-CN", good("food", "<b>豇豆</b>"), 422, []string{"&lt;b&gt;豇豆&lt;/b&gt;", "不允许"}},
			{"form unit missing", "zh-CN", good("unit", ""), 422, []string{"须填写单位"}},
			{"form unit missing en", "en", good("unit", ""), 422, []string{"needs a unit"}},
			{"form missing analyte", "zh-CN", good("analyte", ""), 422, []string{"必填"}},
			{"form duplicate", "zh-CN", dup, 409, []string{"已登记"}},
		}
		for _, fc := range formCases {
			t.Run(fc.name, func(t *testing.T) {
				c.get("/lang?to=" + fc.lang + "&next=/limits/new")
				before := e.limitsSnapshot()
				resp, body := c.post("/limits", fc.form)
				if resp.StatusCode != fc.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, fc.status)
				}
				for _, s := range fc.contains {
					if !strings.Contains(body, s) {
						t.Errorf("page lacks %q", s)
					}
				}
				if strings.Contains(body, "<b>豇豆</b>") {
					t.Error("input rendered unescaped")
				}
				if after := e.limitsSnapshot(); after != before {
					t.Errorf("database changed: %s → %s", before, after)
				}
			})
		}

		// Imports: bad files and bad columns are refused whole, with the row errors.
		c.get("/lang?to=zh-CN&next=/limits")
		importCases := []struct {
			name, filename, content string
			contains                []string
		}{
			{"no file", "", "", []string{"请选择要导入的文件"}},
			{"malformed xlsx", "limits.xlsx", "this is not a zip file", []string{"xlsx"}},
			{"missing column", "limits.csv", "标准编号,检验项目,食品\nGB 2763-2021,噻虫嗪,豇豆\n", []string{"限量"}},
			{"unknown column", "limits.csv", "标准编号,检验项目,食品,限量,颜色\nGB 2763-2021,噻虫嗪,豇豆,0.3,红\n", []string{"颜色"}},
			{"bad rows", "limits.csv", "标准编号,检验项目,食品,限量,单位,标准状态\n" +
				"GB 2763-2021,噻虫嗪,豇豆,0.3,mg/kg,现行\n" +
				"GB 2763-2021,噻虫胺,豇豆,约0.01,mg/kg,现行\n" +
				"GB 2763-2021,灭蝇胺,豇豆,0.5,mg/kg,草案\n" +
				"GB 2763-2021,噻虫嗪,豇豆,0.2,mg/kg,现行\n",
				[]string{`id="import-errors"`, "<td>3</td>", "<td>4</td>", "<td>5</td>", "约0.01", "草案", "第 2 行", "<td>限量</td>", "<td>标准状态</td>"}},
		}
		for _, ic := range importCases {
			t.Run("import "+ic.name, func(t *testing.T) {
				before := e.limitsSnapshot()
				resp, body := c.upload("/limits/import", ic.filename, ic.content)
				if resp.StatusCode != 422 {
					t.Fatalf("status %d, want 422", resp.StatusCode)
				}
				if !strings.Contains(body, `class="flash error"`) {
					t.Error("no error banner")
				}
				for _, s := range ic.contains {
					if !strings.Contains(body, s) {
						t.Errorf("page lacks %q", s)
					}
				}
				if after := e.limitsSnapshot(); after != before {
					t.Errorf("database changed: %s → %s", before, after)
				}
			})
		}
	})
}
