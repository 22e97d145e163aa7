package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"qcity"
	"qcity/internal/certification"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
)

// Certification oversight (认证监管) through the HTTP surfaces: the API contract of
// issue 6, the pages in both languages, forms and their CSRF tokens, bad input, roles,
// and the audit trail of every write.

// certJSON is a CCC certificate for the "inCounty" entity, as the API takes it.
func (e *env) certJSON(number string) string {
	return `{"number":"` + number + `","scheme":"ccc","holder":"` + e.inCounty.Name + `","holder_uscc":"` + e.inCounty.USCC + `",
		"product":"电饭锅","models":"CFXB40-70 4.0L 220V~ 700W","brand":"海滨","manufacturer":"` + e.inCounty.Name + `",
		"factory":"` + e.inCounty.Name + `","standard":"GB 4706.1-2005；GB 4706.19-2008","cert_mode":"型式试验+初始工厂检查+获证后监督",
		"issued_on":"2024-03-01","expires_on":"2029-02-28","first_issued_on":"2024-03-01"}`
}

// auditCount counts audit records of an object type (writes only).
func (e *env) auditCount(objectType string) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE object_type = ? AND action NOT IN ('read')`,
		objectType).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// certTables sums up the certification tables, to show a refused request wrote nothing.
func (e *env) certTables() string {
	e.t.Helper()
	var parts []string
	for _, table := range []string{"certificates", "certificate_events", "cert_leads", "cert_flags", "cert_cases", "cert_case_documents"} {
		var s string
		if err := e.db.QueryRow(context.Background(), `SELECT COUNT(*) || '' FROM `+table).Scan(&s); err != nil {
			e.t.Fatal(err)
		}
		parts = append(parts, table+"="+s)
	}
	return strings.Join(parts, " ")
}

func warningCodes(v map[string]any) []string {
	var out []string
	ws, _ := v["warnings"].([]any)
	for _, w := range ws {
		out = append(out, w.(map[string]any)["code"].(string))
	}
	return out
}

func TestCertAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		body, city, county := e.keys[qcity.RoleCertificationBody], e.keys[qcity.RoleCityOfficial], e.keys[qcity.RoleCountyOfficial]
		const number = "2024010718000123"

		// A body registers through the API; its own key names the issuer.
		st, res := e.api("POST", "/api/v1/certificates", body, e.certJSON(number))
		if st != 201 {
			t.Fatalf("register: %d %v", st, res)
		}
		c := res["certificate"].(map[string]any)
		if c["issuer"] != e.certBody.Name || c["category"] != "0718" || c["public_status"].(map[string]any)["status"] != "valid" {
			t.Errorf("registered: %v", c)
		}
		if n := e.auditCount("certificate"); n != 1 {
			t.Errorf("audit records of the registration: %d", n)
		}
		// The same number again is a conflict and writes nothing.
		before := e.certTables()
		if st, res := e.api("POST", "/api/v1/certificates", body, e.certJSON(number)); st != 409 {
			t.Errorf("duplicate: %d %v", st, res)
		}
		if after := e.certTables(); after != before {
			t.Errorf("a refused registration wrote: %s → %s", before, after)
		}
		// Anyone may list and search.
		for _, q := range []string{"q=" + number, "holder_uscc=" + e.inCounty.USCC, "issuer=" + e.certBody.AccreditationNo,
			"status=valid", "scheme=ccc", "q=" + urlQuery("海滨水产")} {
			st, list := e.api("GET", "/api/v1/certificates?"+q, "", "")
			if st != 200 || list["total"].(float64) != 1 {
				t.Errorf("list %s: %d %v", q, st, list)
			}
		}
		if st, list := e.api("GET", "/api/v1/certificates?status=revoked", "", ""); st != 200 || list["total"].(float64) != 0 {
			t.Errorf("revoked: %d %v", st, list)
		}

		// Verification: the contract's fields, and the warnings as a table of cases.
		st, v := e.api("GET", "/api/v1/certificates/"+number+"/verify", "", "")
		if st != 200 {
			t.Fatal(st, v)
		}
		contract := []string{"found", "status", "holder", "uscc", "scope", "standard", "issuer", "issued_on", "expires_on", "warnings"}
		for _, k := range contract {
			if _, ok := v[k]; !ok {
				t.Errorf("verify lacks %q: %v", k, v)
			}
		}
		if v["found"] != true || v["status"] != "valid" || v["uscc"] != e.inCounty.USCC || v["issued_on"] != "2024-03-01" ||
			v["expires_on"] != "2029-02-28" || len(warningCodes(v)) != 0 {
			t.Errorf("verify: %v", v)
		}
		leadsBefore := e.leadCount()
		cases := []struct {
			name, path string
			found      bool
			warnings   []string
			newLead    bool
		}{
			{"valid, shown by its holder", number + "/verify?holder=" + e.inCounty.USCC, true, nil, false},
			{"valid, written with spaces", "2024%2001%200718%20000123" + "/verify", true, nil, false},
			{"shown by another firm", number + "/verify?holder=" + urlQuery(e.outCounty.Name), true, []string{"holder_mismatch"}, true},
			{"unknown number: possible forgery", "2025010718999999/verify", false, []string{"unknown_number"}, true},
			{"unknown and ill-formed", "2025000718999999/verify", false, []string{"unknown_number", "format_invalid"}, true},
			{"unknown management-system number", "03425Q10286R0S/verify", false, []string{"unknown_number"}, true},
		}
		for _, tc := range cases {
			n := e.leadCount()
			st, v := e.api("GET", "/api/v1/certificates/"+tc.path, "", "")
			got := warningCodes(v)
			if st != 200 || v["found"] != tc.found || fmt.Sprint(got) != fmt.Sprint(tc.warnings) {
				t.Errorf("%s: %d found=%v warnings=%v, want found=%v %v", tc.name, st, v["found"], got, tc.found, tc.warnings)
			}
			for _, w := range v["warnings"].([]any) {
				m := w.(map[string]any)
				if m["message"] == "" || m["message_en"] == "" || strings.Contains(m["message"].(string), "cert.") {
					t.Errorf("%s: warning text %v", tc.name, m)
				}
			}
			// Every field of the contract is there, found or not.
			for _, k := range contract {
				if _, ok := v[k]; !ok {
					t.Errorf("%s: verify lacks %q: %v", tc.name, k, v)
				}
			}
			if !tc.found && v["status"] != "" {
				t.Errorf("%s: status of an unknown number %v", tc.name, v["status"])
			}
			if grew := e.leadCount() > n; grew != tc.newLead {
				t.Errorf("%s: new lead %v, want %v", tc.name, grew, tc.newLead)
			}
		}
		// The same forged number asked again counts on the same lead.
		e.api("GET", "/api/v1/certificates/2025010718999999/verify", "", "")
		if got := e.leadCount(); got != leadsBefore+4 {
			t.Errorf("leads: %d, want %d", got, leadsBefore+4)
		}
		// Officials see the leads; the public and the bodies do not.
		st, leads := e.api("GET", "/api/v1/certification/leads?kind=unknown_number&q=2025010718999999", city, "")
		items, _ := leads["items"].([]any)
		if st != 200 || len(items) != 1 || items[0].(map[string]any)["queries"].(float64) != 2 {
			t.Fatalf("leads: %d %v", st, leads)
		}
		leadID := int64(items[0].(map[string]any)["id"].(float64))
		if st, _ := e.api("GET", "/api/v1/certification/leads", "", ""); st != 401 {
			t.Errorf("anonymous leads: %d", st)
		}
		if st, _ := e.api("GET", "/api/v1/certification/leads", body, ""); st != 403 {
			t.Errorf("a body's leads: %d", st)
		}

		// The QR token verifies offline against the published key; a tampered one does not.
		st, tok := e.api("GET", "/api/v1/certificates/"+number+"/token", "", "")
		if st != 200 || tok["token"] == "" || !strings.HasSuffix(tok["url"].(string), "/q/"+tok["token"].(string)) {
			t.Fatalf("token: %d %v", st, tok)
		}
		key := strings.TrimSpace(get(t, e.ts.URL+"/api/v1/certificates/key"))
		ver, err := certification.NewVerifier(key)
		if err != nil {
			t.Fatalf("key %q: %v", key, err)
		}
		tk, err := ver.Verify(tok["token"].(string))
		if err != nil || tk.Number != number || tk.USCC != e.inCounty.USCC || tk.ExpiresOn.String() != "2029-02-28" {
			t.Errorf("offline: %+v %v", tk, err)
		}
		raw := []byte(tok["token"].(string))
		raw[len(raw)/2] ^= 1
		if _, err := ver.Verify(string(raw)); err == nil {
			t.Error("a tampered token verified")
		}
		if st, _ := e.api("GET", "/api/v1/certificates/2025010718999999/token", "", ""); st != 404 {
			t.Errorf("token of an unknown number: %d", st)
		}

		// Status changes: the body suspends with a reason; a county official may not.
		if st, res := e.api("POST", "/api/v1/certificates/"+number+"/status", county, `{"status":"suspended","reason":"surveillance_violation"}`); st != 403 {
			t.Errorf("county suspends: %d %v", st, res)
		}
		if st, res := e.api("POST", "/api/v1/certificates/"+number+"/status", body, `{"status":"suspended","reason":"accident"}`); st != 422 {
			t.Errorf("suspension for a revocation reason: %d %v", st, res)
		}
		if st, res := e.api("POST", "/api/v1/certificates/"+number+"/status", body, `{"status":"suspended","reason":"surveillance_violation","note":"年度监督发现关键件变更未申报","version":99}`); st != 409 {
			t.Errorf("stale version: %d %v", st, res)
		}
		st, c = e.api("POST", "/api/v1/certificates/"+number+"/status", body, `{"status":"suspended","reason":"surveillance_violation","note":"年度监督发现关键件变更未申报"}`)
		if st != 200 || c["public_status"].(map[string]any)["status"] != "suspended" {
			t.Fatalf("suspend: %d %v", st, c)
		}
		st, v = e.api("GET", "/api/v1/certificates/"+number+"/verify", "", "")
		if st != 200 || v["status"] != "suspended" || fmt.Sprint(warningCodes(v)) != "[suspended]" {
			t.Errorf("verify after suspension: %v", v)
		}
		st, detail := e.api("GET", "/api/v1/certificates/"+number, "", "")
		if h, _ := detail["history"].([]any); st != 200 || len(h) != 2 {
			t.Errorf("history: %d %v", st, detail["history"])
		}
		// Renewal of a CCC certificate far from expiry is refused (Art. 22: 90 days).
		if st, res := e.api("POST", "/api/v1/certificates/"+number+"/renew", body, `{"issued_on":"2026-11-27","expires_on":"2031-11-26"}`); st != 422 {
			t.Errorf("early renewal: %d %v", st, res)
		}

		// A case from the lead, by an official; the lead then shows it.
		st, kase := e.api("POST", "/api/v1/certification/cases", city, fmt.Sprintf(`{"source":"lead","lead_id":%d,"offence":"forged",
			"subject":"%s","subject_uscc":"%s","summary":"市民核验的 CCC 证书编号不存在，疑似伪造"}`, leadID, e.outCounty.Name, e.outCounty.USCC))
		if st != 201 || kase["state"] != "open" || kase["circumstance"] != "7.5" {
			t.Fatalf("case: %d %v", st, kase)
		}
		if st, res := e.api("POST", "/api/v1/certification/cases", city, fmt.Sprintf(`{"source":"lead","lead_id":%d,"offence":"forged","summary":"again"}`, leadID)); st != 409 {
			t.Errorf("second case from one lead: %d %v", st, res)
		}
		st, list := e.api("GET", "/api/v1/certification/cases?state=open", city, "")
		if st != 200 || list["total"].(float64) != 1 {
			t.Errorf("cases: %d %v", st, list)
		}
		if e.auditCount("cert_case") < 1 {
			t.Error("no audit record of the case")
		}
		// The oversight figures.
		st, o := e.api("GET", "/api/v1/certification/oversight", city, "")
		if st != 200 || o["certificates"].(float64) != 1 || o["open_cases"].(float64) != 1 {
			t.Errorf("oversight: %d %v", st, o)
		}
	})
}

func (e *env) leadCount() int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM cert_leads`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// Every certification endpoint refuses bad input with 422 (or 400 for malformed
// JSON), names the field, and writes nothing.
func TestCertBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		body, city := e.keys[qcity.RoleCertificationBody], e.keys[qcity.RoleCityOfficial]
		const number = "2024010718000123"
		if st, res := e.api("POST", "/api/v1/certificates", body, e.certJSON(number)); st != 201 {
			t.Fatal(st, res)
		}
		good := map[string]any{}
		if err := json.Unmarshal([]byte(e.certJSON("2024010718000124")), &good); err != nil {
			t.Fatal(err)
		}
		with := func(k string, v any) string {
			m := map[string]any{}
			for kk, vv := range good {
				m[kk] = vv
			}
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
			b, _ := json.Marshal(m)
			return string(b)
		}
		cases := []struct {
			name, method, path, key, body string
			status                        int
			field                         string
		}{
			{"malformed JSON", "POST", "/api/v1/certificates", body, `{"number":`, 400, ""},
			{"unknown field", "POST", "/api/v1/certificates", body, `{"numbr":"1"}`, 422, "numbr"},
			{"no number", "POST", "/api/v1/certificates", body, with("number", nil), 422, "number"},
			{"CCC number of 15 digits", "POST", "/api/v1/certificates", body, with("number", "202401071800012"), 422, "number"},
			{"CCC number with body 00", "POST", "/api/v1/certificates", body, with("number", "2024000718000124"), 422, "number"},
			{"CCC number from the future", "POST", "/api/v1/certificates", body, with("number", "2030010718000124"), 422, "number"},
			{"number with a control character", "POST", "/api/v1/certificates", body, with("number", "2024\x0010718000124"), 422, "number"},
			{"unknown scheme", "POST", "/api/v1/certificates", body, with("scheme", "iso9999"), 422, "scheme"},
			{"bad holder USCC", "POST", "/api/v1/certificates", body, with("holder_uscc", "91440803MA4W0001XX"), 422, "holder_uscc"},
			{"no holder", "POST", "/api/v1/certificates", body, with("holder", ""), 422, "holder"},
			{"CCC without models", "POST", "/api/v1/certificates", body, with("models", ""), 422, "models"},
			{"not a date", "POST", "/api/v1/certificates", body, with("issued_on", "2024-02-30"), 422, "issued_on"},
			{"issued in the future", "POST", "/api/v1/certificates", body, with("issued_on", "2027-01-01"), 422, "issued_on"},
			{"expires before issue", "POST", "/api/v1/certificates", body, with("expires_on", "2023-01-01"), 422, "expires_on"},
			{"CCC valid over 5 years", "POST", "/api/v1/certificates", body, with("expires_on", "2030-03-01"), 422, "expires_on"},
			{"overlong product", "POST", "/api/v1/certificates", body, with("product", strings.Repeat("锅", 600)), 422, "product"},
			{"official without issuer", "POST", "/api/v1/certificates", city, with("issuer", ""), 422, "issuer"},
			{"official with unknown issuer", "POST", "/api/v1/certificates", city, with("issuer", "CNCA-R-1999-999"), 422, "issuer"},
			{"list: limit not a number", "GET", "/api/v1/certificates?limit=abc", "", "", 422, "limit"},
			{"list: negative offset", "GET", "/api/v1/certificates?offset=-1", "", "", 422, "offset"},
			{"list: unknown status", "GET", "/api/v1/certificates?status=lost", "", "", 422, "status"},
			{"list: unknown scheme", "GET", "/api/v1/certificates?scheme=iso9999", "", "", 422, "scheme"},
			{"verify: overlong number", "GET", "/api/v1/certificates/" + strings.Repeat("9", 200) + "/verify", "", "", 422, "number"},
			{"status: unknown status", "POST", "/api/v1/certificates/" + number + "/status", body, `{"status":"lost","reason":"fraud"}`, 422, "status"},
			{"status: no reason", "POST", "/api/v1/certificates/" + number + "/status", body, `{"status":"revoked"}`, 422, "reason"},
			{"status: a system reason", "POST", "/api/v1/certificates/" + number + "/status", body, `{"status":"revoked","reason":"body_withdrawn"}`, 422, "reason"},
			{"status: restore a valid one", "POST", "/api/v1/certificates/" + number + "/status", body, `{"status":"valid","reason":"rectified"}`, 422, "status"},
			{"renew: not a date", "POST", "/api/v1/certificates/" + number + "/renew", body, `{"issued_on":"soon","expires_on":"2031-01-01"}`, 422, "issued_on"},
			{"flag answer: no such flag", "POST", "/api/v1/certification/flags/999999/response", body, `{"response":"ignore","note":"x"}`, 404, ""},
			{"flags: bad state", "GET", "/api/v1/certification/flags?state=lost", body, "", 422, "state"},
			{"case: unknown offence", "POST", "/api/v1/certification/cases", city, `{"source":"manual","offence":"theft","number":"` + number + `","summary":"x"}`, 422, "offence"},
			{"case: no summary", "POST", "/api/v1/certification/cases", city, `{"source":"manual","offence":"forged","number":"` + number + `"}`, 422, "summary"},
			{"case: unknown source", "POST", "/api/v1/certification/cases", city, `{"source":"rumour","offence":"forged","summary":"x"}`, 422, "source"},
			{"case: lead that does not exist", "POST", "/api/v1/certification/cases", city, `{"source":"lead","lead_id":999,"offence":"forged","summary":"x"}`, 422, "lead_id"},
			{"leads: bad kind", "GET", "/api/v1/certification/leads?kind=rumour", city, "", 422, "kind"},
			{"cases: bad limit", "GET", "/api/v1/certification/cases?limit=x", city, "", 422, "limit"},
		}
		before, audits := e.certTables(), e.snapshot()
		for _, tc := range cases {
			st, res := e.api(tc.method, tc.path, tc.key, tc.body)
			if st != tc.status {
				t.Errorf("%s: %d, want %d: %v", tc.name, st, tc.status, res)
				continue
			}
			if tc.field == "" {
				continue
			}
			raw, _ := json.Marshal(res)
			if !strings.Contains(string(raw), `"field":"`+tc.field+`"`) {
				t.Errorf("%s: no error on %s: %s", tc.name, tc.field, raw)
			}
		}
		if after := e.certTables(); after != before {
			t.Errorf("bad input wrote: %s → %s", before, after)
		}
		if after := e.snapshot(); after != audits {
			t.Errorf("bad input audited writes: %s → %s", audits, after)
		}
	})
}

// rawKeyRE finds a locale key shown as text instead of its message.
var certRawKeyRE = regexp.MustCompile(`>[^<]*\b(cert|certui|ui|nav|field|registry|role|action|web)\.[a-z_]+(\.[a-z_0-9]+)*\b[^<]*<`)

// The certification pages render for their users in Chinese and English, without a
// raw locale key, and keep to the role and region rules.
func TestCertPages(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	const number = "2024010718000123"
	if st, res := e.api("POST", "/api/v1/certificates", e.keys[qcity.RoleCertificationBody], e.certJSON(number)); st != 201 {
		t.Fatal(st, res)
	}
	_, tok := e.api("GET", "/api/v1/certificates/"+number+"/token", "", "")
	e.api("GET", "/api/v1/certificates/2025010718999999/verify", "", "") // a lead
	public := []string{"/certificates", "/certificates?number=" + number, "/certificates?number=2025010718999998",
		"/certificates?number=" + number + "&holder=" + urlQuery(e.outCounty.Name), "/certificates?by=holder&holder=" + urlQuery("海滨"),
		"/certificates/" + number, "/certificates/" + number + "/sheet", "/q/" + tok["token"].(string)}
	official := []string{"/cert", "/cert?status=valid&scheme=ccc", "/cert/new", "/cert/import", "/cert/leads", "/cert/flags", "/cert/cases",
		"/cert/bodies", "/cert/bodies?kind=lab", "/cert/oversight", "/certificates/" + number}
	bodyPages := []string{"/cert", "/cert/new", "/cert/import", "/cert/flags", "/certificates/" + number}
	check := func(who string, pages []string) {
		c := e.newClient()
		if who != "" {
			c.login(who)
		}
		for _, lang := range []string{"zh-CN", "en"} {
			c.get("/lang?to=" + lang + "&next=/")
			for _, p := range pages {
				resp, html := c.get(p)
				if resp.StatusCode != 200 {
					t.Errorf("%s %s (%s): %d", who, p, lang, resp.StatusCode)
					continue
				}
				if m := certRawKeyRE.FindString(html); m != "" {
					t.Errorf("%s %s (%s): raw key %s", who, p, lang, m)
				}
			}
		}
	}
	check("", public)
	check("city", official)
	check("county", []string{"/cert", "/cert/leads", "/cert/cases", "/cert/oversight"})
	check("certbody", bodyPages)

	// The public page shows the live status, the QR code and the token.
	c := e.newClient()
	_, html := c.get("/certificates/" + number)
	for _, want := range []string{"有效", "<svg", tok["token"].(string), e.inCounty.Name, "华南测试认证有限公司"} {
		if !strings.Contains(html, want) {
			t.Errorf("certificate page lacks %q", want)
		}
	}
	resp, png := c.get("/certificates/" + number + "/qr.png")
	if resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(png, "\x89PNG") {
		t.Errorf("qr.png: %s", resp.Header.Get("Content-Type"))
	}
	resp, svg := c.get("/certificates/" + number + "/qr.svg")
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/svg+xml") || !strings.Contains(svg, "<svg") {
		t.Errorf("qr.svg: %s", resp.Header.Get("Content-Type"))
	}
	if resp, _ := c.get("/certificates/2099019999999999/qr.png"); resp.StatusCode != 404 {
		t.Errorf("qr of an unknown number: %d", resp.StatusCode)
	}
	_, html = c.get("/q/" + tok["token"].(string))
	if !strings.Contains(html, `id="token-ok"`) || !strings.Contains(html, `id="live-status"`) {
		t.Errorf("token page: %s", html)
	}
	resp, html = c.get("/q/not-a-token")
	if resp.StatusCode != 422 || !strings.Contains(html, `id="token-bad"`) || certRawKeyRE.MatchString(html) {
		t.Errorf("a bad token: %d", resp.StatusCode)
	}
	_, html = c.get("/certificates?number=2025010718999997")
	if !strings.Contains(html, `data-code="unknown_number"`) {
		t.Error("forged number: no warning on the page")
	}
	// The public sees no body actions; the body and a city official do.
	_, html = c.get("/certificates/" + number)
	if strings.Contains(html, `id="status-form"`) {
		t.Error("the public sees the status form")
	}
	for _, who := range []string{"certbody", "city"} {
		u := e.newClient()
		u.login(who)
		if _, html := u.get("/certificates/" + number); !strings.Contains(html, `id="status-form"`) {
			t.Errorf("%s lacks the status form", who)
		}
	}
	u := e.newClient()
	u.login("county")
	if _, html := u.get("/certificates/" + number); strings.Contains(html, `id="status-form"`) {
		t.Error("a county official sees the status form")
	}
}

// The certification forms: CSRF required, errors beside their fields with what was
// typed kept, and every accepted write audited.
func TestCertForms(t *testing.T) { dbtest.Each(t, testCertForms) }

func testCertForms(t *testing.T, d *db.DB) {
	e := newEnv(t, d)
	c := e.newClient()
	c.login("certbody")
	c.get("/cert/new")
	form := url.Values{"number": {"2024010718000123"}, "scheme": {"ccc"}, "holder": {e.inCounty.Name}, "holder_uscc": {e.inCounty.USCC},
		"product": {"电饭锅"}, "models": {"CFXB40-70"}, "manufacturer": {e.inCounty.Name}, "factory": {e.inCounty.Name},
		"standard": {"GB 4706.1-2005"}, "cert_mode": {"型式试验+初始工厂检查+获证后监督"}, "issued_on": {"2024-03-01"},
		"expires_on": {"2029-02-28"}}
	// Without the CSRF token: refused, nothing written.
	before := e.certTables()
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("csrf", "forged")
	if resp, _ := c.post("/cert", bad); resp.StatusCode != 403 {
		t.Errorf("POST /cert without CSRF: %d", resp.StatusCode)
	}
	// Bad fields: 422, errors beside the fields, the typed values kept.
	bad = url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("number", "20240107180001")
	bad.Set("expires_on", "2035-01-01")
	resp, html := c.post("/cert", bad)
	if resp.StatusCode != 422 || !strings.Contains(html, `value="20240107180001"`) || !strings.Contains(html, "16") ||
		!strings.Contains(html, `value="CFXB40-70"`) {
		t.Errorf("bad form: %d\n%s", resp.StatusCode, html)
	}
	if after := e.certTables(); after != before {
		t.Errorf("refused forms wrote: %s → %s", before, after)
	}
	// A good form registers and lands on the certificate's page.
	resp, _ = c.post("/cert", form)
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/certificates/2024010718000123") {
		t.Fatalf("register: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Status change through the page's form: "status/reason" as one choice.
	c.get("/certificates/2024010718000123")
	resp, _ = c.post("/certificates/2024010718000123/status", url.Values{"change": {"suspended/fraud"}})
	if resp.StatusCode != 422 {
		t.Errorf("suspension for a revocation reason: %d", resp.StatusCode)
	}
	resp, _ = c.post("/certificates/2024010718000123/status", url.Values{"change": {"suspended/holder_request_suspend"}, "note": {"委托人申请"}})
	if resp.StatusCode != 303 {
		t.Errorf("suspend: %d", resp.StatusCode)
	}
	if n := e.auditCount("certificate"); n != 2 {
		t.Errorf("audit records: %d, want 2 (registration, suspension)", n)
	}
	// The import: a template to download, a file with a bad row refused whole.
	resp, tmpl := c.get("/cert/import/template")
	if resp.StatusCode != 200 || !strings.HasPrefix(tmpl, "PK") {
		t.Errorf("template: %d", resp.StatusCode)
	}
	csv := "证书编号,认证类别,获证组织,统一社会信用代码,产品名称,型号规格,生产者（制造商）,生产企业,认证模式,认证依据,发证日期,有效期至\n" +
		"2024010718000200,强制性产品认证," + e.inCounty.Name + "," + e.inCounty.USCC + ",电饭锅,CFXB50,甲,甲,型式试验,GB 4706.1-2005,2024-03-01,2029-02-28\n" +
		"2024010718000201,强制性产品认证," + e.inCounty.Name + ",9144080300000000XX,电饭锅,CFXB50,甲,甲,型式试验,GB 4706.1-2005,2024-03-01,2029-02-28\n" +
		"2024010718000202,星级认证," + e.inCounty.Name + "," + e.inCounty.USCC + ",电饭锅,CFXB50,甲,甲,型式试验,GB 4706.1-2005,2024-03-01,2029-02-28\n" +
		"2024010718000203,强制性产品认证," + e.inCounty.Name + "," + e.inCounty.USCC + ",电饭锅,CFXB50,甲,甲,型式试验,GB 4706.1-2005,2024-03-01,2029-13-01\n"
	before = e.certTables()
	resp, html = c.upload("/cert/import", "certs.csv", csv)
	if st := resp.StatusCode; st != 422 || !strings.Contains(html, "<td>3</td><td>统一社会信用代码</td>") ||
		!strings.Contains(html, "<td>4</td><td>认证类别</td>") || !strings.Contains(html, "<td>5</td><td>有效期至</td>") ||
		strings.Contains(html, "<td>2</td>") {
		t.Errorf("bad import: %d\n%s", st, html)
	}
	if after := e.certTables(); after != before {
		t.Errorf("a refused import wrote: %s → %s", before, after)
	}
	good := strings.Join(strings.Split(csv, "\n")[:2], "\n") + "\n"
	if resp, html := c.upload("/cert/import", "certs.csv", good); resp.StatusCode != 200 && resp.StatusCode != 303 {
		t.Errorf("good import: %d\n%s", resp.StatusCode, html)
	}
	if n := e.certCount(); n != 2 {
		t.Errorf("certificates after import: %d", n)
	}
	// An official dismisses a lead with a note (audited), and must give one.
	e.api("GET", "/api/v1/certificates/2025010718999999/verify", "", "")
	var leadID int64
	if err := e.db.QueryRow(t0(), `SELECT id FROM cert_leads`).Scan(&leadID); err != nil {
		t.Fatal(err)
	}
	o := e.newClient()
	o.login("city")
	o.get("/cert/leads")
	if resp, _ := o.post(fmt.Sprintf("/cert/leads/%d/dismiss", leadID), url.Values{"note": {""}}); resp.StatusCode != 422 {
		t.Errorf("dismiss without a note: %d", resp.StatusCode)
	}
	leadAudits := e.auditCount("cert_lead")
	if resp, _ := o.post(fmt.Sprintf("/cert/leads/%d/dismiss", leadID), url.Values{"note": {"核实为打字错误"}}); resp.StatusCode != 303 {
		t.Errorf("dismiss: %d", resp.StatusCode)
	}
	if e.auditCount("cert_lead") != leadAudits+1 {
		t.Error("dismissal not audited")
	}
}

func (e *env) certCount() int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM certificates`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// A failed sample flags the certificate covering the product; the body answers on its
// flags page; an official opens a case from the flag, attaches evidence, closes it with
// a violation found and feeds a penalty and a serious-list proposal; an approval change
// cascades. Every form refuses bad input first, beside the field, writing nothing.
func TestCertFlagAndCaseForms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		const number = "2024010718000123"
		if st, res := e.api("POST", "/api/v1/certificates", e.keys[qcity.RoleCertificationBody], e.certJSON(number)); st != 201 {
			t.Fatal(st, res)
		}
		// A failing rice cooker made by the holder.
		st, smp := e.api("POST", "/api/v1/samples", e.keys[qcity.RoleLab], sampleJSON(e, "CP26440803000001", `kind="product";;category="家用电器/电饭锅";;`+
			`product_name="智能电饭煲";;specification="CFXB40-70 4.0L 220V~ 700W";;stage="production";;`+
			`producer_uscc="`+e.inCounty.USCC+`";;producer_name="`+e.inCounty.Name+`";;`+
			`items=[{"item":"输入功率","result":"820","unit":"W","limit":"≤770","lab_verdict":"不合格"}]`))
		if st != 201 || smp["verdict"] != "fail" {
			t.Fatalf("sample: %d %v", st, smp)
		}
		var flagID int64
		if err := e.db.QueryRow(t0(), `SELECT id FROM cert_flags`).Scan(&flagID); err != nil {
			t.Fatalf("no flag after the failure: %v", err)
		}
		respond := fmt.Sprintf("/cert/flags/%d/response", flagID)

		body := e.newClient()
		body.login("certbody")
		if _, html := body.get("/cert/flags"); !strings.Contains(html, number) || !strings.Contains(html, "CP26440803000001") {
			t.Errorf("the body's flags page lacks the flag")
		}
		before := e.certTables()
		for _, bad := range []url.Values{{"response": {"ignore"}, "note": {"x"}}, {"response": {"maintain"}, "note": {""}}} {
			if resp, _ := body.post(respond, bad); resp.StatusCode != 422 {
				t.Errorf("flag answer %v: %d", bad, resp.StatusCode)
			}
		}
		if after := e.certTables(); after != before {
			t.Errorf("refused answers wrote: %s → %s", before, after)
		}
		if resp, _ := body.post(respond, url.Values{"response": {"suspend"}, "note": {"输入功率超标，暂停证书并要求整改"}}); resp.StatusCode != 303 {
			t.Fatalf("answer: %d", resp.StatusCode)
		}
		if _, v := e.api("GET", "/api/v1/certificates/"+number+"/verify", "", ""); v["status"] != "suspended" {
			t.Errorf("after the body's suspension: %v", v["status"])
		}
		if resp, _ := body.post(respond, url.Values{"response": {"revoke"}, "note": {"again"}}); resp.StatusCode != 409 && resp.StatusCode != 422 {
			t.Errorf("a second answer: %d", resp.StatusCode)
		}

		// The official: a case from the flag.
		city := e.newClient()
		city.login("city")
		city.get("/cert/flags")
		if resp, _ := city.post("/cert/cases", url.Values{"source": {"flag"}, "flag_id": {fmt.Sprint(flagID)}, "offence": {"misused"}, "summary": {""}}); resp.StatusCode != 422 {
			t.Errorf("case without a summary: %d", resp.StatusCode)
		}
		resp, _ := city.post("/cert/cases", url.Values{"source": {"flag"}, "flag_id": {fmt.Sprint(flagID)}, "offence": {"uncertified_ccc"},
			"summary": {"获证产品监督抽查不合格，与型式试验样品不一致，立案调查"}})
		if resp.StatusCode != 303 {
			t.Fatalf("open case: %d", resp.StatusCode)
		}
		casePath := strings.TrimSuffix(resp.Header.Get("Location"), "?saved=1")
		_, html := city.get(casePath)
		if !strings.Contains(html, number) || !strings.Contains(html, `id="evidence-form"`) {
			t.Fatalf("case page: %s", html)
		}
		// Evidence: a text file named .pdf is refused; a PDF is kept and downloadable.
		if resp, _ := city.uploadFiles(casePath+"/evidence", nil, map[string][]fileUpload{"files": {{"抽检报告.pdf", []byte("not a pdf")}}}); resp.StatusCode != 422 {
			t.Errorf("fake PDF: %d", resp.StatusCode)
		}
		if resp, _ := city.uploadFiles(casePath+"/evidence", nil, map[string][]fileUpload{"files": {{"抽检报告.pdf", pdfBytes()}}}); resp.StatusCode != 303 {
			t.Fatalf("evidence: %d", resp.StatusCode)
		}
		var docID int64
		if err := e.db.QueryRow(t0(), `SELECT id FROM cert_case_documents`).Scan(&docID); err != nil {
			t.Fatal(err)
		}
		if resp, pdf := city.get(fmt.Sprintf("/cert/cases/documents/%d", docID)); resp.StatusCode != 200 || !strings.HasPrefix(pdf, "%PDF") {
			t.Errorf("document: %d", resp.StatusCode)
		}
		// Sanctions wait for the outcome.
		penalty := url.Values{"decision_no": {"湛市监罚〔2026〕301号"}, "decided_on": {"2026-11-26"}, "kinds": {"fine"}, "fine": {"30000"},
			"violation": {"销售与型式试验样品不一致的强制性认证产品"}, "basis": {"《强制性产品认证管理规定》第五十三条"}, "heavier": {"1"}}
		if resp, _ := city.post(casePath+"/penalty", penalty); resp.StatusCode != 422 {
			t.Errorf("penalty before the outcome: %d", resp.StatusCode)
		}
		city.get(casePath)
		for _, bad := range []url.Values{{"outcome": {"guilty"}, "note": {"x"}}, {"outcome": {"violation"}, "note": {""}}} {
			if resp, _ := city.post(casePath+"/outcome", bad); resp.StatusCode != 422 {
				t.Errorf("outcome %v: %d", bad, resp.StatusCode)
			}
		}
		if resp, _ := city.post(casePath+"/outcome", url.Values{"outcome": {"violation"}, "note": {"违法事实成立"}}); resp.StatusCode != 303 {
			t.Fatalf("outcome: %d", resp.StatusCode)
		}
		badPenalty := url.Values{}
		for k, v := range penalty {
			badPenalty[k] = v
		}
		badPenalty.Set("fine", "三万")
		badPenalty.Set("decided_on", "2026-02-30")
		resp, html = city.post(casePath+"/penalty", badPenalty)
		if resp.StatusCode != 422 || !strings.Contains(html, "三万") {
			t.Errorf("bad penalty: %d", resp.StatusCode)
		}
		if resp, _ := city.post(casePath+"/penalty", penalty); resp.StatusCode != 303 {
			t.Fatalf("penalty: %d", resp.StatusCode)
		}
		if st, list := e.api("GET", "/api/v1/penalties?q="+e.inCounty.USCC, "", ""); st != 200 || list["total"].(float64) != 1 {
			t.Errorf("published penalty: %d %v", st, list)
		}
		if resp, _ := city.post(casePath+"/serious", url.Values{"facts": {""}}); resp.StatusCode != 422 {
			t.Errorf("serious without facts: %d", resp.StatusCode)
		}
		resp, _ = city.post(casePath+"/serious", url.Values{"facts": {"伪造、冒用认证证书，情节严重"}, "intent_established": {"1"}})
		if resp.StatusCode != 303 {
			_, html := city.get(casePath)
			t.Fatalf("serious: %d\n%s", resp.StatusCode, html)
		}
		_, html = city.get(casePath)
		if !strings.Contains(html, `id="case-state"`) || !strings.Contains(html, "湛市监罚〔2026〕301号") || !strings.Contains(html, `id="case-serious"`) {
			t.Errorf("closed case page lacks its sanctions")
		}
		if n := e.auditCount("cert_case"); n < 4 {
			t.Errorf("case audit records: %d", n)
		}

		// Renewal form: bad dates refused beside the field.
		body.get("/certificates/" + number)
		if resp, html := body.post("/certificates/"+number+"/renew", url.Values{"issued_on": {"2026-11-27"}, "expires_on": {"明年"}}); resp.StatusCode != 422 || !strings.Contains(html, `id="form-error"`) {
			t.Errorf("bad renewal: %d", resp.StatusCode)
		}

		// An approval change cascades to the body's certificates, and back.
		city.get("/cert/bodies")
		acc := fmt.Sprintf("/cert/bodies/%d/accreditation", e.certBody.ID)
		if resp, _ := city.post(acc, url.Values{"status": {"withdrawn_forever"}, "reason": {"x"}}); resp.StatusCode != 422 {
			t.Errorf("unknown approval status: %d", resp.StatusCode)
		}
		if resp, _ := city.post(acc, url.Values{"status": {"suspended"}, "reason": {""}}); resp.StatusCode != 422 {
			t.Errorf("approval change without a reason: %d", resp.StatusCode)
		}
		// The certificate: restored by its body first, so the cascade alone suspends it.
		if st, res := e.api("POST", "/api/v1/certificates/"+number+"/status", e.keys[qcity.RoleCertificationBody], `{"status":"valid","reason":"rectified","note":"整改完成"}`); st != 200 {
			t.Fatalf("restore: %d %v", st, res)
		}
		if resp, _ := city.post(acc, url.Values{"status": {"suspended"}, "reason": {"CNCA 暂停认证机构批准"}}); resp.StatusCode != 303 {
			t.Fatalf("suspend the body: %d", resp.StatusCode)
		}
		_, v := e.api("GET", "/api/v1/certificates/"+number+"/verify", "", "")
		if v["status"] != "suspended" || !strings.Contains(fmt.Sprint(warningCodes(v)), "issuer_status") {
			t.Errorf("after the body's suspension: %v %v", v["status"], warningCodes(v))
		}
		if resp, _ := city.post(acc, url.Values{"status": {"valid"}, "reason": {"CNCA 恢复批准"}}); resp.StatusCode != 303 {
			t.Fatalf("restore the body: %d", resp.StatusCode)
		}
		if _, v := e.api("GET", "/api/v1/certificates/"+number+"/verify", "", ""); v["status"] != "valid" {
			t.Errorf("after the body's restoration: %v", v["status"])
		}
	})
}

// Every column of the certificates file refuses a bad value, naming the row and the
// column; the file is then refused whole.
func TestCertImportColumns(t *testing.T) { dbtest.Each(t, testCertImportColumns) }

func testCertImportColumns(t *testing.T, d *db.DB) {
	e := newEnv(t, d)
	c := e.newClient()
	c.login("city")
	c.get("/cert/import")
	header := []string{"证书编号", "认证类别", "获证组织", "统一社会信用代码", "组织地址", "产品名称", "型号规格", "商标", "生产者（制造商）",
		"生产企业", "认证覆盖范围", "认证依据", "认证模式", "发证日期", "有效期至", "初次发证日期", "认证机构"}
	ccc := []string{"2024010718000301", "强制性产品认证", e.inCounty.Name, e.inCounty.USCC, "", "电饭锅", "CFXB40", "海滨", "甲", "甲", "",
		"GB 4706.19-2008", "型式试验+初始工厂检查+获证后监督", "2024-03-01", "2029-02-28", "2024-03-01", e.certBody.AccreditationNo}
	qms := []string{"03424Q00301R0S", "质量管理体系认证", e.inCounty.Name, e.inCounty.USCC, "湛江市霞山区人民大道南 18 号", "", "", "", "", "", "电饭锅的生产",
		"GB/T 19001-2016/ISO 9001:2015", "", "2024-03-01", "2027-02-28", "", e.certBody.USCC}
	row := func(base []string, col int, v string) string {
		r := append([]string(nil), base...)
		if col >= 0 {
			r[col] = v
		}
		return strings.Join(r, ",")
	}
	file := func(rows ...string) string { return strings.Join(header, ",") + "\n" + strings.Join(rows, "\n") + "\n" }
	// Both good rows import (the control).
	before := e.certTables()
	cases := []struct {
		name string
		base []string
		col  int
		v    string
	}{
		{"number: CCC of 15 digits", ccc, 0, "202401071800030"},
		{"number: characters", ccc, 0, "2024010718#00301"},
		{"scheme: unknown", ccc, 1, "星级认证"},
		{"holder: empty", ccc, 2, ""},
		{"holder USCC: check character", ccc, 3, e.inCounty.USCC[:17] + "0"},
		{"address: empty for a management system", qms, 4, ""},
		{"product: empty for CCC", ccc, 5, ""},
		{"models: empty for CCC", ccc, 6, ""},
		{"brand: too long", ccc, 7, strings.Repeat("牌", 101)},
		{"manufacturer: empty for CCC", ccc, 8, ""},
		{"factory: empty for CCC", ccc, 9, ""},
		{"scope: empty for a management system", qms, 10, ""},
		{"standard: empty", ccc, 11, ""},
		{"mode: empty for CCC", ccc, 12, ""},
		{"issued: not a date", ccc, 13, "2024-02-30"},
		{"expires: before issue", ccc, 14, "2023-01-01"},
		{"first issue: after issue", ccc, 15, "2025-01-01"},
		{"issuer: unknown", ccc, 16, "CNCA-R-1999-999"},
	}
	for _, tc := range cases {
		resp, html := c.upload("/cert/import", "certs.csv", file(row(tc.base, tc.col, tc.v), row(qms, 0, "03424Q00302R0S")))
		want := "<td>2</td><td>" + header[tc.col] + "</td>"
		if resp.StatusCode != 422 || !strings.Contains(html, want) || strings.Contains(html, "<td>3</td>") {
			m := regexp.MustCompile(`(?s)<tbody><tr><td>.*?</tbody>`).FindString(html)
			t.Errorf("%s: %d, want an error at %s; got %s", tc.name, resp.StatusCode, want, m)
		}
	}
	if after := e.certTables(); after != before {
		t.Errorf("refused files wrote: %s → %s", before, after)
	}
	if resp, html := c.upload("/cert/import", "certs.csv", file(row(ccc, -1, ""), row(qms, -1, ""))); resp.StatusCode != 200 && resp.StatusCode != 303 {
		t.Fatalf("good file: %d\n%s", resp.StatusCode, html)
	}
	if n := e.certCount(); n != 2 {
		t.Errorf("certificates after the good file: %d", n)
	}
}
