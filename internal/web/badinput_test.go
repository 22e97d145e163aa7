package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/registry"
	"qcity/internal/web"
)

// Every malformed input gets a clear error (Chinese and English, or the field's message
// in the form), a 4xx status, and leaves the database unchanged.
func TestBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		key := e.keys["city_official"]
		ok := validCode(t, "91440803MA4W4242")
		entity := func(override string) string {
			base := map[string]string{"uscc": `"` + ok + `"`, "name": `"湛江市霞山区合规食品有限公司"`, "entity_type": `"company"`,
				"legal_representative": `"张三"`, "region_code": `"440803"`}
			if k, v, found := strings.Cut(override, "="); found {
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
		type apiCase struct {
			name, method, path, body string
			status                   int
			field                    string // a field error expected on this field
			contains                 string // in the Chinese or English message
		}
		cases := []apiCase{
			{"uscc check character", "POST", "/api/v1/entities", entity(`uscc="` + ok[:17] + flip(ok[17]) + `"`), 422, "uscc", "应为“" + string(ok[17]) + "”"},
			{"uscc forbidden letter", "POST", "/api/v1/entities", entity(`uscc="91440803IA4W42420X"`), 422, "uscc", "I"},
			{"uscc too short", "POST", "/api/v1/entities", entity(`uscc="9144080"`), 422, "uscc", "18"},
			{"uscc empty", "POST", "/api/v1/entities", entity(`uscc=""`), 422, "uscc", "必填"},
			{"uscc not market-regulated", "POST", "/api/v1/entities", entity(`uscc="121200004013590816"`), 422, "uscc", "9"},
			{"uscc type mismatch", "POST", "/api/v1/entities", entity(`uscc="` + validCode(t, "92440803MA4W4242") + `"`), 422, "uscc", "第2位"},
			{"name missing", "POST", "/api/v1/entities", entity(`name=-`), 422, "name", "必填"},
			{"name one character", "POST", "/api/v1/entities", entity(`name="湛"`), 422, "name", "2"},
			{"name with HTML", "POST", "/api/v1/entities", entity(`name="<script>alert(1)</script>有限公司"`), 422, "name", "<"},
			{"name with SQL", "POST", "/api/v1/entities", entity(`name="x'; DROP TABLE entities; --"`), 422, "name", "'"},
			{"name too long", "POST", "/api/v1/entities", entity(`name="` + strings.Repeat("湛", 101) + `"`), 422, "name", "100"},
			{"name wrong type", "POST", "/api/v1/entities", entity(`name=123`), 422, "name", "string"},
			{"former names wrong type", "POST", "/api/v1/entities", entity(`former_names="甲"`), 422, "former_names", "array"},
			{"unknown field", "POST", "/api/v1/entities", entity(`colour="red"`), 422, "colour", "colour"},
			{"malformed JSON", "POST", "/api/v1/entities", `{"uscc": "x",`, 400, "", "JSON"},
			{"empty body", "POST", "/api/v1/entities", ``, 400, "", "JSON"},
			{"array body", "POST", "/api/v1/entities", `[1,2]`, 400, "", "JSON"},
			{"trailing data", "POST", "/api/v1/entities", entity("") + `{}`, 400, "", "JSON"},
			{"oversized body", "POST", "/api/v1/entities", `{"name":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "", "MiB"},
			{"unknown region", "POST", "/api/v1/entities", entity(`region_code="999999"`), 422, "region_code", "999999"},
			{"province as region", "POST", "/api/v1/entities", entity(`region_code="440000"`), 422, "region_code", "440000"},
			{"unknown industry", "POST", "/api/v1/entities", entity(`industry_code="9999"`), 422, "industry_code", "9999"},
			{"impossible date", "POST", "/api/v1/entities", entity(`established_on="2020-02-30"`), 422, "established_on", "YYYY-MM-DD"},
			{"future date", "POST", "/api/v1/entities", entity(`established_on="2099-01-01"`), 422, "established_on", "2026-11-27"},
			{"unknown status", "POST", "/api/v1/entities", entity(`status="bankrupt"`), 422, "status", "bankrupt"},
			{"unknown type", "POST", "/api/v1/entities", entity(`entity_type="trust"`), 422, "entity_type", "trust"},
			{"negative capital", "POST", "/api/v1/entities", entity(`registered_capital="-5"`), 422, "registered_capital", "-5"},
			{"capital not a number", "POST", "/api/v1/entities", entity(`registered_capital="十万"`), 422, "registered_capital", "十万"},
			{"legal representative missing", "POST", "/api/v1/entities", entity(`legal_representative=-`), 422, "legal_representative", "必填"},
			{"control character in address", "POST", "/api/v1/entities", entity(`address="湛江\u0007路"`), 422, "address", "U+0007"},
			{"update without version", "PUT", "/api/v1/entities/" + e.inCounty.USCC, entity(`uscc="` + e.inCounty.USCC + `"`), 422, "version", "必填"},
			{"update changing uscc", "PUT", "/api/v1/entities/" + e.inCounty.USCC, strings.TrimSuffix(entity(""), "}") + `,"version":1}`, 422, "uscc", "不能修改"},
			{"limit negative", "GET", "/api/v1/entities?limit=-1", "", 422, "limit", "limit"},
			{"limit not a number", "GET", "/api/v1/entities?limit=abc", "", 422, "limit", "limit"},
			{"limit too large", "GET", "/api/v1/entities?limit=5000", "", 422, "limit", "1000"},
			{"region filter unknown", "GET", "/api/v1/entities?region=abc", "", 422, "region", "abc"},
			{"status filter unknown", "GET", "/api/v1/entities?status=foo", "", 422, "status", "foo"},
			{"query too long", "GET", "/api/v1/entities?q=" + strings.Repeat("湛", 101), "", 422, "q", "100"},
			{"organisation kind unknown", "POST", "/api/v1/organisations", `{"kind":"bank","name":"湛江某某","uscc":"` + ok + `","region_code":"440803"}`, 422, "kind", "bank"},
			{"organisation bad phone", "POST", "/api/v1/organisations", `{"kind":"lab","name":"湛江某某检测","uscc":"` + ok + `","region_code":"440803","phone":"call me"}`, 422, "phone", "32"},
			{"product without name", "POST", "/api/v1/entities/" + e.inCounty.USCC + "/products", `{"brand":"某牌"}`, 422, "name", "必填"},
			{"regions unknown parent", "GET", "/api/v1/regions?parent=123", "", 422, "parent", "123"},
			{"audit bad date", "GET", "/api/v1/audit?from=yesterday", "", 422, "from", "yesterday"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := e.snapshot()
				req, _ := http.NewRequest(c.method, e.ts.URL+c.path, strings.NewReader(c.body))
				req.Header.Set("Authorization", "Bearer "+key)
				if c.body != "" || c.method != "GET" {
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
				if after := e.snapshot(); after != before {
					t.Errorf("database changed: %s → %s", before, after)
				}
			})
		}

		// The same mistakes through the browser forms: the error shows beside the field
		// in the user's language, and the input is kept.
		c := e.newClient()
		c.login("city")
		type formCase struct {
			name, path string
			form       url.Values
			status     int
			contains   []string
		}
		good := func(k, v string) url.Values {
			f := url.Values{"uscc": {ok}, "name": {"湛江市霞山区合规食品有限公司"}, "entity_type": {"company"},
				"legal_representative": {"张三"}, "region_code": {"440803"}}
			f.Set(k, v)
			return f
		}
		formCases := []formCase{
			{"form bad uscc", "/entities", good("uscc", ok[:17]+flip(ok[17])), 422, []string{"第18位校验码应为“" + string(ok[17]) + "”", `value="` + ok[:17] + flip(ok[17]) + `"`}},
			{"form HTML name", "/entities", good("name", "<b>湛江</b>"), 422, []string{"不允许", "&lt;b&gt;湛江&lt;/b&gt;"}},
			{"form unknown region", "/entities", good("region_code", "123456"), 422, []string{"123456"}},
			{"form missing type", "/entities", good("entity_type", ""), 422, []string{"必填"}},
			{"form weak password", "/admin/users", url.Values{"username": {"newuser"}, "password": {"short"}, "role": {"city_official"}}, 422, []string{"10"}},
			{"form county user without region", "/admin/users", url.Values{"username": {"newuser"}, "password": {testPassword}, "role": {"county_official"}}, 422, []string{"区县"}},
			{"form api key bad role", "/admin/apikeys", url.Values{"name": {"平台"}, "role": {"admin"}}, 422, []string{"admin"}},
		}
		c2 := e.newClient()
		c2.login("admin")
		for _, fc := range formCases {
			t.Run(fc.name, func(t *testing.T) {
				cl := c
				if strings.HasPrefix(fc.path, "/admin") {
					cl = c2
				}
				before := e.snapshot()
				resp, body := cl.post(fc.path, fc.form)
				if resp.StatusCode != fc.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, fc.status)
				}
				for _, s := range fc.contains {
					if !strings.Contains(body, s) {
						t.Errorf("page lacks %q", s)
					}
				}
				if strings.Contains(body, "<b>湛江</b>") {
					t.Error("user input rendered unescaped")
				}
				if after := e.snapshot(); after != before {
					t.Errorf("database changed: %s → %s", before, after)
				}
			})
		}

		// Imports: malformed files and bad rows are rejected whole.
		importCases := []struct {
			name, filename, content string
			contains                []string
		}{
			{"malformed xlsx", "entities.xlsx", "this is not a zip file", []string{"xlsx"}},
			{"old xls", "entities.xls", "\xd0\xcf\x11\xe0 binary", []string{".xls"}},
			{"empty file", "entities.csv", "", []string{}},
			{"missing column", "entities.csv", "统一社会信用代码,名称\n" + ok + ",湛江市霞山区合规食品有限公司\n", []string{"主体类型"}},
			{"bad rows", "entities.csv", "统一社会信用代码,名称,主体类型,法定代表人,行政区划代码\n" +
				ok + ",湛江市霞山区合规食品有限公司,企业（公司）,张三,440803\n" +
				ok[:17] + flip(ok[17]) + ",湛江市霞山区第二食品有限公司,企业（公司）,李四,440803\n" +
				ok + ",湛江市霞山区重复食品有限公司,企业（公司）,王五,440803\n",
				[]string{"<td>3</td>", "<td>4</td>", "校验码", "重复"}},
		}
		for _, ic := range importCases {
			t.Run("import "+ic.name, func(t *testing.T) {
				before := e.snapshot()
				var buf bytes.Buffer
				mw := multipart.NewWriter(&buf)
				mw.WriteField("csrf", c.csrf)
				fw, _ := mw.CreateFormFile("file", ic.filename)
				fw.Write([]byte(ic.content))
				mw.Close()
				req, _ := http.NewRequest("POST", e.ts.URL+"/entities/import", &buf)
				req.Header.Set("Content-Type", mw.FormDataContentType())
				resp, err := c.http.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body := readBody(t, resp)
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
				if after := e.snapshot(); after != before {
					t.Errorf("database changed: %s → %s", before, after)
				}
			})
		}
	})
}

// flip returns a different valid check character.
func flip(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

func unescapeJSON(s string) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&", `\"`, `"`).Replace(s)
}

// A file larger than the synchronous limit imports in the background: the browser is
// sent to a progress page that shows the outcome when the job ends; nobody else can see
// the job.
func TestBackgroundImport(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t), web.Config{SyncImportBytes: 100})
	c := e.newClient()
	c.login("city")
	var rows strings.Builder
	rows.WriteString("统一社会信用代码,名称,主体类型,法定代表人,行政区划代码\n")
	for i := range 300 {
		code := validCode(t, "92440803MA"+fmt.Sprintf("%06d", i))
		rows.WriteString(code + ",霞山区第" + strconv.Itoa(i) + "号糖水铺,个体工商户,吴一,440803\n")
	}
	upload := func(content string) (*http.Response, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", c.csrf)
		fw, _ := mw.CreateFormFile("file", "big.csv")
		fw.Write([]byte(content))
		mw.Close()
		req, _ := http.NewRequest("POST", e.ts.URL+"/entities/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp, readBody(t, resp)
	}
	resp, _ := upload(rows.String())
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/entities/import/jobs/") {
		t.Fatalf("upload: %d %q", resp.StatusCode, loc)
	}
	// The page answers while the job runs (or after); ?wait=1 answers when it is done.
	if r, body := c.get(loc); r.StatusCode != 200 || !(strings.Contains(body, `id="import-progress"`) || strings.Contains(body, `id="import-ok"`)) {
		t.Errorf("progress page: %d", r.StatusCode)
	}
	if r, body := c.get(loc + "?wait=1"); r.StatusCode != 200 || !strings.Contains(body, `id="import-ok"`) || !strings.Contains(body, "300") {
		t.Errorf("finished job: %d", r.StatusCode)
	}
	if _, total, _ := e.registry.FindEntities(context.Background(), registry.EntityFilter{Q: "糖水铺"}); total != 300 {
		t.Errorf("imported %d", total)
	}
	// Another official cannot see the job.
	other := e.newClient()
	other.login("admin")
	if r, _ := other.get(loc); r.StatusCode != 404 {
		t.Errorf("someone else's job: %d", r.StatusCode)
	}
	// A bad file in the background ends with the error table and nothing written.
	before := e.snapshot()
	resp, _ = upload(rows.String())
	r, body := c.get(resp.Header.Get("Location") + "?wait=1")
	if r.StatusCode != 422 || !strings.Contains(body, `id="import-errors"`) || !strings.Contains(body, "已登记") {
		t.Errorf("failed job: %d", r.StatusCode)
	}
	if after := e.snapshot(); after != before {
		t.Errorf("failed background import changed the database: %s → %s", before, after)
	}
}
