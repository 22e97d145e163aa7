package web_test

import (
	"net/http"
	"strings"
	"testing"

	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/registry"
	"qcity/internal/sheet"
)

func TestAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		city := e.keys["city_official"]

		// USCC validation: 200 for valid and invalid alike.
		st, body := e.api("GET", "/api/v1/uscc/91350100M000100Y43", "", "")
		if st != 200 || body["valid"] != true || body["registration_authority"] != "9" || body["entity_type"] != "1" ||
			body["region_code"] != "350100" || body["org_code"] != "M000100Y4" || body["error"] != "" {
			t.Errorf("valid uscc: %d %v", st, body)
		}
		st, body = e.api("GET", "/api/v1/uscc/91350100M000100Y44", "", "")
		if st != 200 || body["valid"] != false || !strings.Contains(body["error"].(string), "3") ||
			!strings.Contains(body["error_en"].(string), `should be "3", got "4"`) {
			t.Errorf("bad check: %d %v", st, body)
		}
		st, body = e.api("GET", "/api/v1/uscc/91350100I000100Y43", "", "")
		if st != 200 || body["valid"] != false || !strings.Contains(body["error_en"].(string), "9") || body["error_key"] != "uscc.forbidden_char" {
			t.Errorf("forbidden letter: %d %v", st, body)
		}

		// Regions: the jurisdiction and its nine counties.
		st, body = e.api("GET", "/api/v1/regions", "", "")
		if st != 200 || len(body["items"].([]any)) != 9 || body["jurisdiction"].(map[string]any)["name"] != "湛江市" {
			t.Errorf("regions: %d %v", st, body)
		}

		// Create, conflict, read, search, update, not found.
		code := validCode(t, "91440811MA4W1234")
		in := `{"uscc":"` + code + `","name":"湛江市麻章区（示例）食品有限公司","entity_type":"company","legal_representative":"李四",
			"region_code":"440811","industry_code":"C1492","established_on":"2020-01-02","registered_capital":"100.50"}`
		st, body = e.api("POST", "/api/v1/entities", city, in)
		if st != http.StatusCreated || body["uscc"] != code || body["industry_code"] != "1492" || body["registered_capital"] != "100.5" {
			t.Fatalf("create: %d %v", st, body)
		}
		if st, body = e.api("POST", "/api/v1/entities", city, in); st != http.StatusConflict || body["error"].(map[string]any)["code"] != "conflict" {
			t.Errorf("duplicate: %d %v", st, body)
		}
		if st, body = e.api("GET", "/api/v1/entities/"+code, "", ""); st != 200 || body["name"] != "湛江市麻章区（示例）食品有限公司" {
			t.Errorf("get: %d %v", st, body)
		}
		if st, _ = e.api("GET", "/api/v1/entities/"+validCode(t, "91440811MA4W9999"), "", ""); st != 404 {
			t.Errorf("get unknown: %d", st)
		}
		if st, _ = e.api("GET", "/api/v1/entities/not-a-code", "", ""); st != 404 {
			t.Errorf("get malformed: %d", st)
		}
		// Half-width brackets find the full-width name; two characters suffice.
		for _, q := range []string{"(示例)", "（示例）", "麻章", "食品有限"} {
			st, body = e.api("GET", "/api/v1/entities?q="+urlEsc(q), "", "")
			if st != 200 || body["total"].(float64) != 1 {
				t.Errorf("search %q: %d %v", q, st, body)
			}
		}
		st, body = e.api("GET", "/api/v1/entities?q="+code, "", "")
		if st != 200 || body["total"].(float64) != 1 {
			t.Errorf("search by uscc: %d %v", st, body)
		}
		st, body = e.api("GET", "/api/v1/entities?region=440803&limit=10", "", "")
		if st != 200 || body["total"].(float64) != 1 {
			t.Errorf("region filter: %d %v", st, body)
		}
		upd := strings.Replace(in, "湛江市麻章区（示例）食品有限公司", "湛江市麻章区新名食品有限公司", 1)
		upd = strings.Replace(upd, `"registered_capital":"100.50"`, `"registered_capital":"200","version":1`, 1)
		st, body = e.api("PUT", "/api/v1/entities/"+code, city, upd)
		if st != 200 || body["version"].(float64) != 2 || body["former_names"].([]any)[0] != "湛江市麻章区（示例）食品有限公司" {
			t.Errorf("update: %d %v", st, body)
		}
		// The old name still finds it (former names are searchable), as does the new.
		for _, q := range []string{"示例", "新名"} {
			if _, body = e.api("GET", "/api/v1/entities?q="+urlEsc(q), "", ""); body["total"].(float64) != 1 {
				t.Errorf("after rename, search %q: %v", q, body)
			}
		}
		// A stale version is a conflict.
		if st, _ = e.api("PUT", "/api/v1/entities/"+code, city, upd); st != http.StatusConflict {
			t.Errorf("stale update: %d", st)
		}
		// Products.
		if st, body = e.api("POST", "/api/v1/entities/"+code+"/products", city, `{"name":"鱼丸","brand":"海味","model":"500g"}`); st != 201 {
			t.Errorf("add product: %d %v", st, body)
		}
		if st, body = e.api("GET", "/api/v1/entities/"+code+"/products", "", ""); st != 200 || body["total"].(float64) != 1 {
			t.Errorf("products: %d %v", st, body)
		}
		// Organisations.
		if st, body = e.api("GET", "/api/v1/organisations?kind=lab", "", ""); st != 200 || body["total"].(float64) != 1 {
			t.Errorf("orgs: %d %v", st, body)
		}
		// The audit log has the writes, with before and after.
		st, body = e.api("GET", "/api/v1/audit?object_type=entity&object_id="+code, city, "")
		if st != 200 || body["total"].(float64) != 2 {
			t.Fatalf("audit: %d %v", st, body)
		}
		last := body["items"].([]any)[0].(map[string]any)
		if last["action"] != "update" || last["before"].(map[string]any)["name"] != "湛江市麻章区（示例）食品有限公司" ||
			last["after"].(map[string]any)["name"] != "湛江市麻章区新名食品有限公司" || last["actor_name"] != "key-city_official" {
			t.Errorf("audit entry: %v", last)
		}
		// API-key reads of non-public data are audited too.
		st, body = e.api("GET", "/api/v1/audit?action=read", city, "")
		if st != 200 || body["total"].(float64) < 1 {
			t.Errorf("audited reads: %d %v", st, body)
		}
	})
}

func urlEsc(s string) string { return strings.NewReplacer("(", "%28", ")", "%29").Replace(urlQuery(s)) }

// The API exports the filtered registry as .xlsx for officials, and records the export.
func TestAPIExport(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/entities/export?region=440803", nil)
	req.Header.Set("Authorization", "Bearer "+e.keys["city_official"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(t, resp)
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "PK") || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("export: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rd, err := sheet.Open(strings.NewReader(body), "x.xlsx", registry.EntityColumns, sheet.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	row, err := rd.Next()
	if err != nil || row.Get("uscc") != e.inCounty.USCC || row.Get("name") != e.inCounty.Name {
		t.Errorf("first row %v %v", row.Values, err)
	}
	if _, err := rd.Next(); err == nil {
		t.Error("export holds more than the one entity of 440803")
	}
	st, log := e.api("GET", "/api/v1/audit?action=export", e.keys["city_official"], "")
	if st != 200 || log["total"].(float64) != 1 {
		t.Errorf("export audit: %d %v", st, log["total"])
	}
}
