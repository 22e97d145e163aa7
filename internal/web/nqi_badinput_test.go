package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"qcity"
	"qcity/internal/db/dbtest"
	"qcity/internal/nqi"
)

// badValue is a value every field of the type refuses.
func badValue(f *nqi.Field) string {
	switch f.Type {
	case nqi.TEnum:
		return "nonsense"
	case nqi.TDate:
		return "2019-02-30"
	case nqi.TYear:
		return "19"
	case nqi.TInt:
		return "many"
	case nqi.TMoney:
		return "12.345"
	case nqi.TValue:
		return "about five"
	case nqi.TUSCC:
		return "91440803MA4W000"
	case nqi.TRegion:
		return "110101" // outside the jurisdiction
	case nqi.TRegionAny:
		return "999999"
	case nqi.TParent, nqi.TOrg:
		return "987654"
	}
	return strings.Repeat("长", 4001) // longer than any text, code or unit field takes
}

// Every input field of every register refuses a bad value in the form (the error
// beside the field, what was typed kept), in the JSON API (422 with the field named)
// and in an import column (the row and the column in the error table); nothing is
// written.
func TestQualityBadInputEveryField(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	ids := e.seedQuality()
	official := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 1, Name: "city", Role: qcity.RoleCityOfficial})
	key := e.keys["city_official"]
	c := e.newClient()
	c.login("city")
	count := func(k *nqi.Kind) string {
		var n, a int
		e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+k.Name).Scan(&n)
		e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action NOT IN ('login', 'login_failed', 'read')`).Scan(&a)
		return strconv.Itoa(n) + "/" + strconv.Itoa(a)
	}
	checked := 0
	for _, k := range nqi.Kinds() {
		rec, err := e.srv.NQI.Get(official, k, ids[k.Name])
		if err != nil {
			t.Fatalf("%s: %v", k.Name, err)
		}
		base := rec.Input()
		cols := e.srv.NQI.Columns(k)
		for i := range k.Fields {
			f := &k.Fields[i]
			if !f.Input() {
				continue
			}
			checked++
			bad := badValue(f)
			in := nqi.Input{}
			for name, v := range base {
				in[name] = v
			}
			in[f.Name] = bad
			name := k.Name + "." + f.Name
			before := count(k)

			// The JSON API.
			body, _ := json.Marshal(in)
			st, res := e.api("POST", "/api/v1/quality/"+k.Slug, key, string(body))
			if st != 422 {
				t.Errorf("%s API: %d, want 422 (%v)", name, st, res)
			} else if !apiFieldError(res, f.Name) {
				t.Errorf("%s API: no error beside the field: %v", name, res)
			}

			// The form: the error beside the field, the value kept.
			form := url.Values{}
			for n, v := range in {
				form.Set(n, v)
			}
			resp, page := c.post("/quality/"+k.Slug, form)
			if resp.StatusCode != 422 {
				t.Errorf("%s form: %d, want 422", name, resp.StatusCode)
			} else if seg := fieldBlock(page, f.Name); !strings.Contains(seg, `class="field-error"`) {
				t.Errorf("%s form: no error beside the field: %.300s", name, seg)
			} else if f.Type != nqi.TEnum && f.Type != nqi.TOrg && !strings.Contains(seg, bad) {
				t.Errorf("%s form: the typed value is not kept", name)
			}

			// An import column.
			var file bytes.Buffer
			w := csv.NewWriter(&file)
			var header, row []string
			label := ""
			for _, col := range cols {
				header, row = append(header, col.ZH), append(row, in[col.Field])
				if col.Field == f.Name {
					label = col.ZH
				}
			}
			w.Write(header)
			w.Write(row)
			w.Flush()
			resp, page = c.upload("/quality/"+k.Slug+"/import", k.Slug+".csv", file.String())
			st = resp.StatusCode
			errs := page
			if i := strings.Index(page, `id="import-errors"`); i >= 0 {
				errs = page[i:]
			}
			// Errors of a row's values are listed by row and column; a cell too long
			// for the reader is refused before, naming its row and column.
			inTable := strings.Contains(errs, "<td>2</td><td>"+label+"</td>")
			inBanner := strings.Contains(flashOf(page), "第 2 行") && strings.Contains(flashOf(page), label)
			if st != 422 || !inTable && !inBanner {
				t.Errorf("%s import: %d, no error for row 2, column %s: %s", name, st, label, flashOf(errs))
			}
			if after := count(k); after != before {
				t.Errorf("%s: bad input changed the database: %s → %s", name, before, after)
			}
		}
	}
	if checked < 150 {
		t.Errorf("only %d fields checked", checked)
	}
}

// apiFieldError reports whether an API error names the field.
func apiFieldError(res map[string]any, field string) bool {
	er, _ := res["error"].(map[string]any)
	fields, _ := er["fields"].([]any)
	for _, x := range fields {
		if m, _ := x.(map[string]any); m["field"] == field {
			return true
		}
	}
	return false
}

// fieldBlock returns the part of a form page from the field's input to the next
// field's label.
func fieldBlock(page, field string) string {
	i := strings.Index(page, `id="`+field+`"`)
	if i < 0 {
		return ""
	}
	rest := page[i:]
	if j := strings.Index(rest, "<label"); j >= 0 {
		return rest[:j]
	}
	if j := strings.Index(rest, `class="form-actions`); j >= 0 {
		return rest[:j]
	}
	return rest
}

func flashOf(page string) string {
	if i := strings.Index(page, `class="flash`); i >= 0 {
		return page[i:min(len(page), i+300)]
	}
	return ""
}

// Malformed requests to every register's routes get a 4xx answer with a clear error,
// never a 500, and write nothing.
func TestQualityBadRequests(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	ids := e.seedQuality()
	key := e.keys["city_official"]
	c := e.newClient()
	c.login("city")
	before := e.snapshot()
	for _, k := range nqi.Kinds() {
		api, ui := "/api/v1/quality/"+k.Slug, "/quality/"+k.Slug
		id := strconv.FormatInt(ids[k.Name], 10)
		for _, tc := range []struct {
			method, path, body string
			status             int
		}{
			{"POST", api, `{"title":`, 400},
			{"POST", api, `[1,2]`, 400},
			{"POST", api, `{"no_such_field":"x"}`, 422},
			{"PUT", api + "/" + id, `{"version":"one"}`, 422},
			{"PUT", api + "/" + id, `{}`, 422},
			{"PUT", api + "/987654", `{"version":1}`, 404},
			{"GET", api + "/abc", "", 404},
			{"GET", api + "/987654", "", 404},
			{"GET", api + "?limit=-1", "", 422},
			{"GET", api + "?limit=100000", "", 422},
			{"GET", api + "?offset=x", "", 422},
		} {
			st, res := e.api(tc.method, tc.path, key, tc.body)
			if st != tc.status {
				t.Errorf("%s %s %s: %d, want %d (%v)", tc.method, tc.path, tc.body, st, tc.status, res)
			}
			if er, _ := res["error"].(map[string]any); er == nil || er["message"] == "" || er["message_en"] == "" {
				t.Errorf("%s %s: no error message in both languages: %v", tc.method, tc.path, res)
			}
		}
		for path, status := range map[string]int{
			ui + "/abc": 404, ui + "/987654": 404, ui + "/987654/edit": 404, ui + "?limit=-1": 422, ui + "/export?offset=x": 422,
		} {
			if resp, _ := c.get(path); resp.StatusCode != status {
				t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, status)
			}
		}
		// An import without a file, or with a file that is not a spreadsheet.
		if resp, _ := c.upload(ui+"/import", "", ""); resp.StatusCode != 422 {
			t.Errorf("%s import without a file: %d", k.Name, resp.StatusCode)
		}
		if resp, _ := c.upload(ui+"/import", "x.doc", "not a sheet"); resp.StatusCode != 422 {
			t.Errorf("%s import of a .doc: %d", k.Name, resp.StatusCode)
		}
		if resp, _ := c.upload(ui+"/import", "x.csv", "颜色\n红\n"); resp.StatusCode != 422 {
			t.Errorf("%s import with unknown columns: %d", k.Name, resp.StatusCode)
		}
	}
	for path, status := range map[string]int{
		"/quality/report?year=abc": 422, "/quality/report/print?year=1999": 422, "/quality/report/export?year=2101": 422,
		"/quality/report/nonsense?year=2019": 404, "/quality/report/labs?year=2019&limit=-5": 422,
		"/quality/benchmarks/leaders?year=x": 422,
	} {
		if resp, _ := c.get(path); resp.StatusCode != status {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, status)
		}
	}
	if after := e.snapshot(); after != before {
		t.Errorf("bad requests changed the database: %s → %s", before, after)
	}
}

// A district's official edits its own district's records of every register and no
// one else's (the city's own records belong to the city bureau), and sees other
// districts' records of the registers that are not public only as the city does not.
func TestQualityRegionScope(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	ids := e.seedQuality()
	official := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 1, Name: "city", Role: qcity.RoleCityOfficial})
	county := e.keys[qcity.RoleCountyOfficial] // 440803
	c := e.newClient()
	c.login("county")
	for _, k := range nqi.Kinds() {
		rec, err := e.srv.NQI.Get(official, k, ids[k.Name])
		if err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(rec.ID, 10)
		own := strings.HasPrefix(rec.Str("region_code"), "440803")
		want := map[bool]int{true: 200, false: 403}[own]
		if st, res := e.api("PUT", "/api/v1/quality/"+k.Slug+"/"+id, county, `{"version":`+strconv.Itoa(rec.Version)+`}`); st != want {
			t.Errorf("%s in %s: county PUT %d, want %d (%v)", k.Name, rec.Str("region_code"), st, want, res)
		}
		if !own {
			form := url.Values{"version": {strconv.Itoa(rec.Version)}}
			if resp, _ := c.post("/quality/"+k.Slug+"/"+id, form); resp.StatusCode != 403 {
				t.Errorf("%s in %s: county form edit %d, want 403", k.Name, rec.Str("region_code"), resp.StatusCode)
			}
		}
	}
	// Records of another district in registers that are not public.
	loan, err := e.srv.NQI.Create(official, nqi.FundLoans, nqi.Input{"uscc": e.outCounty.USCC, "bank": "湛江某银行", "contract_no": "ZJ-2020-009",
		"amount": "1000000", "ip_type": "trademark", "pledged_ip": "注册商标第12345678号", "loan_on": "2020-04-01", "due_on": "2021-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	ins, err := e.srv.NQI.Create(official, nqi.Instruments, nqi.Input{"uscc": e.outCounty.USCC, "instrument_type": "trade_scale", "serial_no": "CK-001"})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		k  *nqi.Kind
		id int64
	}{{nqi.FundLoans, loan.ID}, {nqi.Instruments, ins.ID}} {
		path := "/api/v1/quality/" + x.k.Slug
		if st, _ := e.api("GET", path+"/"+strconv.FormatInt(x.id, 10), county, ""); st != 403 {
			t.Errorf("county reads another district's %s: %d", x.k.Name, st)
		}
		if resp, _ := c.get("/quality/" + x.k.Slug + "/" + strconv.FormatInt(x.id, 10)); resp.StatusCode != 403 {
			t.Errorf("county opens another district's %s page: %d", x.k.Name, resp.StatusCode)
		}
		st, list := e.api("GET", path, county, "")
		if st != 200 || list["total"].(float64) != 1 {
			t.Errorf("county's %s list: %d %v", x.k.Name, st, list["total"])
		}
		if st, list := e.api("GET", path, e.keys[qcity.RoleCityOfficial], ""); st != 200 || list["total"].(float64) != 2 {
			t.Errorf("city's %s list: %d %v", x.k.Name, st, list["total"])
		}
	}
}

// Every quality form refuses a post without the session's CSRF token.
func TestQualityFormsCSRF(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	ids := e.seedQuality()
	c := e.newClient()
	c.login("city")
	before := e.snapshot()
	for _, k := range nqi.Kinds() {
		id := strconv.FormatInt(ids[k.Name], 10)
		for _, path := range []string{"/quality/" + k.Slug, "/quality/" + k.Slug + "/" + id, "/quality/" + k.Slug + "/import"} {
			if resp, body := c.post(path, url.Values{"csrf": {"forged"}, "version": {"1"}}); resp.StatusCode != 403 || !strings.Contains(body, "CSRF") {
				t.Errorf("POST %s with a forged token: %d", path, resp.StatusCode)
			}
		}
	}
	if after := e.snapshot(); after != before {
		t.Errorf("refused posts changed the database: %s → %s", before, after)
	}
}
