package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"qcity"
	"qcity/internal/auth"
	"qcity/internal/db/dbtest"
)

// Who may call what, written out by hand: the test fails if a registered route is
// missing here, or if the server lets in or keeps out anyone this table does not say.
var (
	everyone      = []string{"anonymous", "admin", "city", "county", "lab", "certbody", "enterprise", "apiuser", "key-api_client", "key-city_official", "key-county_official", "key-lab", "key-certification_body"}
	loggedIn      = everyone[1:]
	cityOfficials = []string{"admin", "city", "key-city_official"} // the city's own, not a county's
	labsOfficials = []string{"admin", "city", "county", "lab", "key-city_official", "key-county_official", "key-lab"}
	involved      = []string{"admin", "city", "county", "lab", "enterprise", "key-city_official", "key-county_official", "key-lab"}
	people        = []string{"admin", "city", "county", "lab", "certbody", "enterprise", "apiuser"}
	officials     = []string{"admin", "city", "county", "key-city_official", "key-county_official"}
	adminOnly     = []string{"admin"}
	entOfficials  = []string{"admin", "city", "county", "enterprise", "key-city_official", "key-county_official"}
	screeners     = []string{"admin", "city", "county", "apiuser", "key-api_client", "key-city_official", "key-county_official"}
	// certification: bodies register and answer flags; officials oversee.
	certRegistrars = []string{"admin", "city", "certbody", "key-city_official", "key-certification_body"}
	certViewers    = []string{"admin", "city", "county", "certbody", "key-city_official", "key-county_official", "key-certification_body"}
)

var access = map[string][]string{
	"GET /healthz": everyone, "GET /readyz": everyone, "GET /metrics": everyone, "GET /static/": everyone,
	"GET /{$}": everyone, "GET /lang": everyone, "GET /login": everyone, "POST /login": everyone,
	"POST /logout": people, "GET /account": people, "POST /account/password": people,
	"GET /search": everyone, "GET /e/{uscc}": everyone,
	"GET /entities": officials, "GET /entities/export": officials, "GET /entities/new": officials,
	"POST /entities": officials, "GET /entities/import": officials, "GET /entities/import/template": officials,
	"POST /entities/import": officials, "GET /entities/import/jobs/{job}": officials, "GET /entities/{uscc}": officials, "GET /entities/{uscc}/edit": officials,
	"POST /entities/{uscc}": officials, "POST /entities/{uscc}/products": officials,
	"GET /organisations": officials, "GET /organisations/export": officials, "GET /organisations/new": officials, "POST /organisations": officials,
	"GET /organisations/{id}/edit": officials, "POST /organisations/{id}": officials,
	"GET /audit": officials, "GET /audit/export": officials,
	"GET /admin/users": adminOnly, "POST /admin/users": adminOnly, "POST /admin/users/{id}/disable": adminOnly,
	"POST /admin/users/{id}/enable": adminOnly, "GET /admin/apikeys": adminOnly, "POST /admin/apikeys": adminOnly,
	"POST /admin/apikeys/{id}/revoke": adminOnly,
	"GET /api/v1/openapi.json":        everyone, "GET /api/v1/uscc/{code}": everyone, "GET /api/v1/regions": everyone,
	"GET /api/v1/industries": everyone, "GET /api/v1/entities": everyone, "GET /api/v1/entities/{uscc}": everyone, "GET /api/v1/entities/export": officials,
	"POST /api/v1/entities": officials, "PUT /api/v1/entities/{uscc}": officials,
	"GET /api/v1/entities/{uscc}/products": everyone, "POST /api/v1/entities/{uscc}/products": officials,
	"GET /api/v1/organisations": everyone, "GET /api/v1/organisations/{id}": everyone,
	"POST /api/v1/organisations": officials, "PUT /api/v1/organisations/{id}": officials,
	"GET /api/v1/audit": officials, "GET /api/v1/me": loggedIn,

	"GET /sampling": involved, "GET /sampling/worklist": officials, "GET /sampling/worklist/export": officials, "GET /sampling/export": officials, "GET /sampling/new": labsOfficials,
	"POST /sampling": labsOfficials, "GET /sampling/import": labsOfficials, "GET /sampling/import/template": labsOfficials,
	"POST /sampling/import": labsOfficials, "GET /sampling/import/jobs/{job}": labsOfficials,
	"GET /sampling/plans": officials, "GET /sampling/plans/export": officials, "GET /sampling/tasks": labsOfficials, "GET /sampling/tasks/export": labsOfficials, "GET /sampling/plans/new": officials, "POST /sampling/plans": officials,
	"GET /sampling/plans/{id}": officials, "POST /sampling/plans/{id}/draw": officials, "POST /sampling/officers": officials,
	"GET /sampling/categories": officials, "POST /sampling/categories": cityOfficials,
	"GET /limits": officials, "GET /limits/export": officials, "GET /limits/template": officials,
	"POST /limits/import": officials, "GET /limits/new": officials, "POST /limits": officials,
	"GET /dashboard": officials, "GET /dashboard/export": officials,
	"GET /sampling/{no}": involved, "POST /sampling/{no}/steps": involved,
	"GET /announcements": everyone, "GET /announcements/{id}": everyone,
	"POST /api/v1/samples": labsOfficials, "GET /api/v1/samples": involved, "GET /api/v1/samples/{no}": involved,
	"POST /api/v1/samples/{no}/steps": involved, "GET /api/v1/sampling/worklist": officials,
	"GET /api/v1/sampling/stats": everyone, "GET /api/v1/sampling/categories": everyone,
	"GET /api/v1/limits": everyone, "POST /api/v1/limits": officials,
	"GET /api/v1/sampling/plans": officials, "POST /api/v1/sampling/plans": officials,
	"GET /api/v1/sampling/plans/{id}": officials, "POST /api/v1/sampling/plans/{id}/draw": officials,
	"GET /api/v1/announcements": everyone, "GET /api/v1/announcements/{id}": everyone,

	"GET /api/v1/entities/{uscc}/credit": everyone, "GET /api/v1/lists/abnormal": everyone, "GET /api/v1/lists/serious": everyone,
	"GET /api/v1/penalties": everyone, "GET /api/v1/annual-reports/{uscc}/{year}": everyone,
	"POST /api/v1/annual-reports": entOfficials, "PUT /api/v1/annual-reports": entOfficials,
	"GET /api/v1/credit/report-rate": officials, "GET /api/v1/credit/unfiled": officials, "GET /api/v1/credit/risk/{uscc}": officials,
	"GET /api/v1/lists/abnormal/proposals": officials, "POST /api/v1/lists/abnormal/proposals/confirm": officials,
	"POST /api/v1/lists/abnormal": officials, "POST /api/v1/lists/abnormal/{id}/objection": entOfficials,
	"POST /api/v1/lists/serious": officials, "POST /api/v1/lists/serious/{id}/steps": officials,
	"POST /api/v1/penalties": officials, "POST /api/v1/penalties/{id}/annul": officials,
	"POST /api/v1/repairs": entOfficials, "GET /api/v1/repairs": entOfficials, "GET /api/v1/repairs/{id}": entOfficials,
	"POST /api/v1/repairs/{id}/decision": officials,
	"GET /api/v1/log/key":                everyone, "GET /api/v1/log/checkpoint": everyone, "GET /api/v1/log/records": everyone,
	"GET /api/v1/log/proof/inclusion": everyone, "GET /api/v1/log/proof/consistency": everyone,

	"POST /api/v1/screening": screeners, "GET /api/v1/screening/history": screeners, "GET /api/v1/screening/changes": screeners,
	"GET /api/v1/screening/decisions": screeners, "POST /api/v1/screening/decisions": screeners,
	"POST /api/v1/screening/decisions/{id}/revoke": screeners, "GET /api/v1/screening/subscriptions": screeners,
	"POST /api/v1/screening/subscriptions": screeners, "POST /api/v1/screening/subscriptions/{id}/cancel": screeners,
	"GET /api/v1/screening/subscriptions/{id}/deliveries": screeners, "GET /api/v1/screening/certificates/{code}": everyone,
	"GET /api/v1/screening/{id}": screeners,
	"GET /screening":             screeners, "POST /screening": screeners, "GET /screening/template": screeners,
	"POST /screening/decisions": screeners, "POST /screening/decisions/{id}/revoke": screeners,
	"GET /screening/{id}": screeners, "GET /screening/{id}/export": screeners, "GET /screening/{id}/certificate": screeners,
	"GET /verify": everyone,

	"GET /credit": everyone, "GET /credit/{uscc}": everyone,
	"GET /lists/abnormal": everyone, "GET /lists/abnormal/export": everyone, "GET /lists/serious": everyone,
	"GET /lists/serious/export": everyone, "GET /lists/penalties": everyone, "GET /lists/penalties/export": everyone,
	"GET /log": everyone, "GET /log/{index}": everyone,
	"GET /my/credit": entOfficials, "GET /my/reports/new": entOfficials, "POST /my/reports": entOfficials,
	"GET /my/reports/{year}/edit": entOfficials, "POST /my/reports/{year}": entOfficials,
	"GET /my/repairs/new": entOfficials, "POST /my/repairs": entOfficials, "POST /my/abnormal/{id}/objection": entOfficials,
	"GET /credit/documents/{id}": entOfficials,
	"GET /credit/reports":        officials, "GET /credit/reports/export": officials, "GET /credit/reports/paper": officials,
	"POST /credit/reports/paper": officials,
	"GET /credit/abnormal":       officials, "GET /credit/abnormal/export": officials, "POST /credit/abnormal/confirm": officials, "POST /credit/abnormal": officials,
	"POST /credit/abnormal/{id}/objection": officials,
	"GET /credit/serious":                  officials, "GET /credit/serious/export": officials, "GET /credit/serious/new": officials, "POST /credit/serious": officials,
	"GET /credit/serious/{id}": officials, "POST /credit/serious/{id}/steps": officials,
	"GET /credit/penalties": officials, "GET /credit/penalties/export": officials, "GET /credit/penalties/new": officials, "POST /credit/penalties": officials,
	"GET /credit/penalties/{id}": officials, "POST /credit/penalties/{id}/annul": officials,
	"POST /credit/penalties/{id}/credit-china": officials,
	"GET /credit/repairs":                      officials, "GET /credit/repairs/export": officials, "GET /credit/repairs/{id}": officials, "POST /credit/repairs/{id}/decision": officials,
	"GET /credit/risk": officials, "GET /credit/risk/export": officials, "GET /admin/credit": adminOnly, "POST /admin/credit": adminOnly,

	"GET /certificates": everyone, "GET /certificates/{number}": everyone, "GET /certificates/{number}/qr.png": everyone,
	"GET /certificates/{number}/qr.svg": everyone, "GET /certificates/{number}/sheet": everyone, "GET /q/{token}": everyone,
	"GET /cert": certViewers, "GET /cert/export": certViewers, "GET /cert/new": certRegistrars, "POST /cert": certRegistrars,
	"GET /cert/import": certRegistrars, "GET /cert/import/template": certRegistrars, "POST /cert/import": certRegistrars,
	"POST /certificates/{number}/status": certRegistrars, "POST /certificates/{number}/renew": certRegistrars,
	"GET /cert/flags": certViewers, "GET /cert/flags/export": certViewers, "POST /cert/flags/{id}/response": certRegistrars,
	"GET /cert/leads": officials, "GET /cert/leads/export": officials, "POST /cert/leads/{id}/dismiss": officials,
	"GET /cert/cases": officials, "GET /cert/cases/export": officials,
	"POST /cert/cases": officials, "GET /cert/cases/{id}": officials, "POST /cert/cases/{id}/evidence": officials,
	"GET /cert/cases/documents/{id}": officials, "POST /cert/cases/{id}/outcome": officials,
	"POST /cert/cases/{id}/penalty": officials, "POST /cert/cases/{id}/serious": officials,
	"GET /cert/bodies": officials, "GET /cert/bodies/export": officials, "POST /cert/bodies/{id}/accreditation": cityOfficials, "GET /cert/oversight": officials,
	"GET /api/v1/certificates": everyone, "POST /api/v1/certificates": certRegistrars, "GET /api/v1/certificates/key": everyone,
	"GET /api/v1/certificates/{number}": everyone, "GET /api/v1/certificates/{number}/verify": everyone,
	"GET /api/v1/certificates/{number}/token": everyone, "POST /api/v1/certificates/{number}/status": certRegistrars,
	"POST /api/v1/certificates/{number}/renew": certRegistrars, "GET /api/v1/certification/flags": certViewers,
	"POST /api/v1/certification/flags/{id}/response": certRegistrars, "GET /api/v1/certification/leads": officials,
	"GET /api/v1/certification/cases": officials, "POST /api/v1/certification/cases": officials,
	"GET /api/v1/certification/oversight": officials,
}

func TestEveryRouteEveryRole(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	clients := map[string]*client{}
	for _, who := range everyone {
		c := e.newClient()
		if who != "anonymous" && !strings.HasPrefix(who, "key-") {
			c.login(who)
		} else {
			c.get("/login") // anonymous forms still need the double-submit token
		}
		clients[who] = c
	}
	seen := map[string]bool{}
	for _, rt := range e.srv.Routes() {
		name := rt.Method + " " + rt.Pattern
		seen[name] = true
		allowed, ok := access[name]
		if !ok {
			t.Errorf("route %s is not in the access table", name)
			continue
		}
		if name == "POST /logout" || name == "POST /login" {
			continue // they change the caller's own session; tested on their own below
		}
		path := strings.NewReplacer("{$}", "", "{uscc}", e.inCounty.USCC, "{code}", e.inCounty.USCC, "{id}", "999999", "{job}", "nosuchjob", "{no}", "NOSUCHSAMPLE", "{year}", "2025", "{index}", "0", "{number}", "NOSUCHCERT", "{token}", "NOSUCHTOKEN").Replace(rt.Pattern)
		if path == "/static/" {
			path = "/static/app.css"
		}
		for _, who := range everyone {
			c := clients[who]
			var req *http.Request
			body := ""
			if rt.Method != "GET" {
				if rt.API() {
					body = "{}"
				} else {
					body = url.Values{"csrf": {c.csrf}}.Encode()
				}
			}
			req, _ = http.NewRequest(rt.Method, e.ts.URL+path, strings.NewReader(body))
			if rt.API() && rt.Method != "GET" {
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-CSRF-Token", c.csrf)
			} else if rt.Method != "GET" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if strings.HasPrefix(who, "key-") {
				req.Header.Set("Authorization", "Bearer "+e.keys[qcity.Role(strings.TrimPrefix(who, "key-"))])
			}
			resp, err := c.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			readBody(t, resp)
			denied := resp.StatusCode == 401 || resp.StatusCode == 403 ||
				(resp.StatusCode == 303 && strings.HasPrefix(resp.Header.Get("Location"), "/login"))
			want := contains(allowed, who)
			if want && denied {
				t.Errorf("%s as %s: %d, want allowed", name, who, resp.StatusCode)
			}
			if !want && !denied {
				t.Errorf("%s as %s: %d, want denied", name, who, resp.StatusCode)
			}
			if !want && rt.API() && who == "anonymous" && resp.StatusCode != 401 {
				t.Errorf("%s anonymously: %d, want 401", name, resp.StatusCode)
			}
		}
	}
	for name := range access {
		if !seen[name] {
			t.Errorf("access table lists %s, which is not registered", name)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A county official sees and edits only its own district's non-public data.
func TestRegionScoping(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	key := e.keys["county_official"]
	put := func(code, name string, version int) int {
		body := `{"name":"` + name + `","entity_type":"company","legal_representative":"张三","region_code":"` +
			map[bool]string{true: "440803", false: "440802"}[code == e.inCounty.USCC] + `","version":` + itoa(version) + `}`
		st, _ := e.api("PUT", "/api/v1/entities/"+code, key, body)
		return st
	}
	if st := put(e.inCounty.USCC, "湛江市霞山区海滨水产二号有限公司", 1); st != 200 {
		t.Errorf("own district: %d", st)
	}
	before := e.snapshot()
	if st := put(e.outCounty.USCC, "湛江市赤坎区被改名有限公司", 1); st != 403 {
		t.Errorf("other district: %d, want 403", st)
	}
	// Moving an own entity into another district is refused too.
	body := `{"name":"湛江市霞山区海滨水产二号有限公司","entity_type":"company","legal_representative":"张三","region_code":"440802","version":2}`
	if st, _ := e.api("PUT", "/api/v1/entities/"+e.inCounty.USCC, key, body); st != 403 {
		t.Errorf("move out: %d, want 403", st)
	}
	code := validCode(t, "91440802MA4W7777")
	if st, _ := e.api("POST", "/api/v1/entities", key, `{"uscc":"`+code+`","name":"湛江市赤坎区越权有限公司","entity_type":"company","legal_representative":"王五","region_code":"440802"}`); st != 403 {
		t.Errorf("create in other district: %d, want 403", st)
	}
	if after := e.snapshot(); after != before {
		t.Errorf("refused writes changed the database: %s → %s", before, after)
	}
	// The UI edit form and its save are refused as well.
	c := e.newClient()
	c.login("county")
	if resp, _ := c.get("/entities/" + e.outCounty.USCC + "/edit"); resp.StatusCode != 403 {
		t.Errorf("edit form of other district: %d", resp.StatusCode)
	}
	if resp, _ := c.post("/entities/"+e.outCounty.USCC, url.Values{"name": {"x"}, "version": {"1"}}); resp.StatusCode != 403 {
		t.Errorf("save in other district: %d", resp.StatusCode)
	}
	// The audit log shows the county official only its district's entries.
	st, res := e.api("GET", "/api/v1/audit?object_type=entity", key, "")
	if st != 200 {
		t.Fatal(st)
	}
	for _, it := range res["items"].([]any) {
		if r := it.(map[string]any)["region_code"].(string); !strings.HasPrefix(r, "440803") {
			t.Errorf("county official sees audit entry of region %s", r)
		}
	}
	// Even asking for another region explicitly.
	if st, res = e.api("GET", "/api/v1/audit?region=440802", key, ""); st != 200 {
		t.Fatalf("audit with another region: %d %v", st, res)
	}
	for _, it := range res["items"].([]any) {
		if r := it.(map[string]any)["region_code"].(string); !strings.HasPrefix(r, "440803") {
			t.Errorf("region=440802 leaked entry of region %s", r)
		}
	}
	// The city official sees both.
	_, res = e.api("GET", "/api/v1/audit?object_type=entity&action=create", e.keys["city_official"], "")
	if res["total"].(float64) < 2 {
		t.Errorf("city official sees %v entity creations, want ≥ 2", res["total"])
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCSRF(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.newClient()
	c.login("city")
	form := url.Values{"uscc": {validCode(t, "91440803MA4W5555")}, "name": {"湛江市霞山区跨站有限公司"},
		"entity_type": {"company"}, "legal_representative": {"赵六"}, "region_code": {"440803"}}
	before := e.snapshot()
	for name, token := range map[string]string{"missing": "", "wrong": "not-the-token"} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("csrf", token)
		if resp, body := c.post("/entities", f); resp.StatusCode != 403 || !strings.Contains(body, "CSRF") {
			t.Errorf("%s token: %d", name, resp.StatusCode)
		}
	}
	// A cross-site request is refused even with the right token.
	req, _ := http.NewRequest("POST", e.ts.URL+"/entities", strings.NewReader(url.Values{"csrf": {c.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if resp.StatusCode != 403 {
		t.Errorf("cross-site: %d", resp.StatusCode)
	}
	// The JSON API with a session cookie needs the X-CSRF-Token header.
	req, _ = http.NewRequest("POST", e.ts.URL+"/api/v1/entities", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	resp, _ = c.http.Do(req)
	readBody(t, resp)
	if resp.StatusCode != 403 {
		t.Errorf("API with cookie, no header: %d", resp.StatusCode)
	}
	// The login form needs the anonymous double-submit token.
	anon := e.newClient()
	if resp, _ := anon.post("/login", url.Values{"username": {"city"}, "password": {testPassword}, "csrf": {"forged"}}); resp.StatusCode != 403 {
		t.Errorf("login CSRF: %d", resp.StatusCode)
	}
	if after := e.snapshot(); after != before {
		t.Errorf("CSRF-refused writes changed the database: %s → %s", before, after)
	}
	// With the token the same form works.
	if resp, body := c.post("/entities", form); resp.StatusCode != 303 {
		t.Errorf("with token: %d %s", resp.StatusCode, body)
	}
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.newClient()
	c.login("city")
	if resp, _ := c.get("/entities"); resp.StatusCode != 200 {
		t.Fatalf("logged in: %d", resp.StatusCode)
	}
	// Idle for the idle timeout: the session is gone.
	e.clock.Advance(auth.DefaultConfig.IdleTimeout)
	if resp, _ := c.get("/entities"); resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("after idle timeout: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Active use keeps a session only until its absolute lifetime.
	c = e.newClient()
	c.login("city")
	for elapsed := time.Duration(0); elapsed < auth.DefaultConfig.SessionTTL-time.Hour; elapsed += time.Hour {
		e.clock.Advance(time.Hour)
		if resp, _ := c.get("/entities"); resp.StatusCode != 200 {
			t.Fatalf("active session refused after %v: %d", elapsed+time.Hour, resp.StatusCode)
		}
	}
	e.clock.Advance(time.Hour)
	if resp, _ := c.get("/entities"); resp.StatusCode != 303 {
		t.Errorf("after absolute lifetime: %d", resp.StatusCode)
	}
	// Logging out ends the session on the server: the old cookie no longer works.
	c = e.newClient()
	c.login("city")
	u, _ := url.Parse(e.ts.URL)
	old := c.http.Jar.Cookies(u)
	if resp, _ := c.post("/logout", nil); resp.StatusCode != 303 {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	replay := e.newClient()
	replay.http.Jar.SetCookies(u, old)
	if resp, _ := replay.get("/entities"); resp.StatusCode != 303 {
		t.Errorf("replayed cookie after logout: %d", resp.StatusCode)
	}
}

func TestRevokedAPIKey(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	key := e.keys["city_official"]
	if st, _ := e.api("GET", "/api/v1/me", key, ""); st != 200 {
		t.Fatalf("live key: %d", st)
	}
	ctx := qcity.WithActor(context.Background(), qcity.System("test"))
	if _, err := e.auth.RevokeAPIKey(ctx, "key-city_official"); err != nil {
		t.Fatal(err)
	}
	st, body := e.api("GET", "/api/v1/me", key, "")
	if st != 401 || body["error"].(map[string]any)["key"] != "auth.apikey_revoked" {
		t.Errorf("revoked key: %d %v", st, body)
	}
	if st, _ := e.api("GET", "/api/v1/me", key+"x", ""); st != 401 {
		t.Errorf("unknown key: %d", st)
	}
	// Keys are stored hashed: the key text appears nowhere in the database.
	var n int
	if err := e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM api_keys WHERE key_hash = ? OR prefix = ?`, key, key).Scan(&n); err != nil || n != 0 {
		t.Errorf("key stored in clear: %d %v", n, err)
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.newClient()
	c.get("/login")
	for i := 0; i < auth.DefaultConfig.MaxFailures; i++ {
		if resp, _ := c.post("/login", url.Values{"username": {"city"}, "password": {"wrong password"}}); resp.StatusCode != 401 {
			t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
		}
	}
	// Now even the right password is refused until the window passes.
	if resp, body := c.post("/login", url.Values{"username": {"city"}, "password": {testPassword}}); resp.StatusCode != 429 || !strings.Contains(body, "15") {
		t.Errorf("after %d failures: %d", auth.DefaultConfig.MaxFailures, resp.StatusCode)
	}
	e.clock.Advance(auth.DefaultConfig.FailureWindow + time.Second)
	if resp, _ := c.post("/login", url.Values{"username": {"city"}, "password": {testPassword}}); resp.StatusCode != 303 {
		t.Errorf("after the window: %d", resp.StatusCode)
	}
	// Failures are in the audit log.
	var n int
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'`).Scan(&n)
	if n != auth.DefaultConfig.MaxFailures {
		t.Errorf("audited failures: %d", n)
	}
}

// Session cookies are HttpOnly and SameSite; passwords are argon2id.
func TestCookieAndPasswordStorage(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.newClient()
	c.get("/login")
	resp, _ := c.post("/login", url.Values{"username": {"admin"}, "password": {testPassword}})
	var found bool
	for _, ck := range resp.Cookies() {
		if ck.Name == "qcity_session" {
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie: HttpOnly=%v SameSite=%v", ck.HttpOnly, ck.SameSite)
			}
		}
	}
	if !found {
		t.Fatal("no session cookie")
	}
	var hash string
	e.db.QueryRow(context.Background(), `SELECT password_hash FROM users WHERE username = 'admin'`).Scan(&hash)
	if !strings.HasPrefix(hash, "$argon2id$v=19$") {
		t.Errorf("password hash %q is not argon2id", hash)
	}
}
