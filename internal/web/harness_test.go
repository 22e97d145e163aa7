package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"qcity"
	"qcity/internal/auth"
	"qcity/internal/certification"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/sampling"
	"qcity/internal/screening"
	"qcity/internal/translog"
	"qcity/internal/uscc"
	"qcity/internal/web"
)

// env is a running qcity web server on a real database with one account per role.
type env struct {
	t         *testing.T
	db        *db.DB
	clock     *qcity.FixedClock
	auth      *auth.Service
	registry  *registry.Service
	sampling  *sampling.Service
	credit    *credit.Service
	screening *screening.Service
	cert      *certification.Service // with a QR token signer
	log       *translog.Log
	srv       *web.Server
	ts        *httptest.Server
	// passwords by username; usernames are the role names, plus "county2" for a
	// second county.
	keys map[qcity.Role]string // an API key per key role
	// an entity in 440803 (霞山区, the "county" user's district) and one in 440802.
	inCounty, outCounty registry.Entity
	lab                 registry.Organisation
	certBody            registry.Organisation // the "certbody" user's body: CCC and QMS/EMS/OHSMS
}

const testPassword = "correct horse battery"

var testNow = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, d *db.DB, cfg ...web.Config) *env {
	t.Helper()
	ctx := qcity.WithActor(context.Background(), qcity.System("test"))
	clock := &qcity.FixedClock{T: testNow}
	j, err := region.Default().Jurisdiction("440800")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: d, clock: clock, keys: map[qcity.Role]string{}}
	e.auth = &auth.Service{DB: d, Clock: clock, Config: auth.DefaultConfig, Jurisdiction: j}
	e.registry = registry.NewService(d, clock, j)
	if err := e.registry.LoadIndex(ctx); err != nil {
		t.Fatal(err)
	}
	var c web.Config
	if len(cfg) > 0 {
		c = cfg[0]
	}
	if c.PublicPerMinute == 0 {
		c.PublicPerMinute = -1 // tests make many anonymous lookups from one address; TestPublicRateLimit sets a limit
	}
	e.sampling = sampling.NewService(d, clock, e.registry, j)
	if err := e.sampling.Load(ctx); err != nil {
		t.Fatal(err)
	}
	skey, err := translog.GenerateKey("qcity.test/440800")
	if err != nil {
		t.Fatal(err)
	}
	if e.log, err = translog.New(d, clock, skey); err != nil {
		t.Fatal(err)
	}
	if err := e.log.Init(ctx); err != nil {
		t.Fatal(err)
	}
	e.sampling.Log = e.log
	e.credit = credit.NewService(d, clock, e.registry, e.log, j)
	if err := e.credit.Load(ctx); err != nil {
		t.Fatal(err)
	}
	e.screening = screening.NewService(d, clock)
	if err := e.screening.Load(ctx); err != nil {
		t.Fatal(err)
	}
	// Certification oversight wired as cmd/qcity wires it.
	e.cert = certification.NewService(d, clock, e.registry)
	e.cert.Sampling = e.sampling
	e.cert.Sanctions = credit.CertificationSanctions{S: e.credit}
	e.cert.RiskHook = e.credit.RecomputeRisk
	e.sampling.OnFailure = e.cert
	e.registry.OrgStatusHook = e.cert.OrganisationStatusChanged
	e.credit.Certificates = e.cert
	if err := e.cert.Load(ctx); err != nil {
		t.Fatal(err)
	}
	certKey, err := certification.GenerateTokenKey(certification.TokenKeyName("440800"))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := certification.NewSigner(certKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.cert.InitSigner(ctx, signer); err != nil {
		t.Fatal(err)
	}
	e.srv, err = web.New(c, web.Server{DB: d, Clock: clock, Auth: e.auth, Registry: e.registry, Sampling: e.sampling,
		Credit: e.credit, TransLog: e.log, Screening: e.screening, Certification: e.cert, Jurisdiction: j}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.ts = httptest.NewServer(e.srv)
	t.Cleanup(e.ts.Close)

	e.lab, err = e.registry.CreateOrganisation(ctx, registry.OrganisationInput{Kind: "lab", Name: "湛江市测试检测中心",
		USCC: "91440800MA4W12346A", Region: "440802", AccreditationNo: "2019191234Z"})
	if err != nil {
		t.Fatal(err)
	}
	cb, err := e.registry.CreateOrganisation(ctx, registry.OrganisationInput{Kind: "certification_body", Name: "华南测试认证有限公司",
		USCC: "91440101MA5CJQ4N59", Region: "440106", AccreditationNo: "CNCA-R-2004-123", ValidUntil: "2029-12-31",
		Scope: "质量管理体系认证；环境管理体系认证；职业健康安全管理体系认证；强制性产品认证（家用电器、照明电器）"})
	if err != nil {
		t.Fatal(err)
	}
	e.certBody = cb
	e.inCounty = e.mustEntity(ctx, "91440803"+"MA4W0001", "湛江市霞山区海滨水产有限公司", "440803")
	e.outCounty = e.mustEntity(ctx, "91440802"+"MA4W0002", "湛江市赤坎区金帆电器有限公司", "440802")
	users := []auth.NewUser{
		{Username: "admin", Role: qcity.RoleAdmin},
		{Username: "city", Role: qcity.RoleCityOfficial},
		{Username: "county", Role: qcity.RoleCountyOfficial, Region: "440803"},
		{Username: "lab", Role: qcity.RoleLab, USCC: e.lab.USCC},
		{Username: "certbody", Role: qcity.RoleCertificationBody, USCC: cb.USCC},
		{Username: "enterprise", Role: qcity.RoleEnterprise, USCC: e.inCounty.USCC},
		{Username: "apiuser", Role: qcity.RoleAPIClient},
	}
	for _, u := range users {
		u.Password = testPassword
		if _, err := e.auth.CreateUser(ctx, u); err != nil {
			t.Fatalf("create %s: %v", u.Username, err)
		}
	}
	for _, r := range []struct {
		role   qcity.Role
		region string
	}{{qcity.RoleAPIClient, ""}, {qcity.RoleCityOfficial, ""}, {qcity.RoleCountyOfficial, "440803"}, {qcity.RoleLab, ""},
		{qcity.RoleCertificationBody, ""}} {
		keyUSCC := map[qcity.Role]string{qcity.RoleLab: e.lab.USCC, qcity.RoleCertificationBody: cb.USCC}[r.role]
		key, _, err := e.auth.CreateAPIKey(ctx, auth.APIKeyInput{Name: "key-" + string(r.role), Role: r.role, Region: r.region, USCC: keyUSCC})
		if err != nil {
			t.Fatal(err)
		}
		e.keys[r.role] = key
	}
	return e
}

// validCode completes a 16-character prefix into a valid USCC (org check + check).
func validCode(t testing.TB, prefix16 string) string {
	t.Helper()
	return completeUSCC(t, prefix16)
}

func (e *env) mustEntity(ctx context.Context, prefix16, name, regionCode string) registry.Entity {
	e.t.Helper()
	ent, err := e.registry.CreateEntity(ctx, registry.EntityInput{USCC: validCode(e.t, prefix16), Name: name,
		Type: "company", LegalRepresentative: "张三", Region: regionCode, Industry: "1362", EstablishedOn: "2015-03-02"})
	if err != nil {
		e.t.Fatalf("create entity %s: %v", name, err)
	}
	return ent
}

// client is a browser-like client with a cookie jar.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) newClient() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches a page and remembers the CSRF token in it.
func (c *client) get(path string) (*http.Response, string) {
	c.e.t.Helper()
	resp, err := c.http.Get(c.e.ts.URL + path)
	if err != nil {
		c.e.t.Fatal(err)
	}
	body := readBody(c.e.t, resp)
	if m := csrfRE.FindStringSubmatch(body); m != nil {
		c.csrf = m[1]
	}
	return resp, body
}

// post submits a form with the remembered CSRF token (unless form sets csrf).
func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	resp, err := c.http.PostForm(c.e.ts.URL+path, form)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return resp, readBody(c.e.t, resp)
}

// login logs the client in as username.
func (c *client) login(username string) {
	c.e.t.Helper()
	c.get("/login")
	resp, body := c.post("/login", url.Values{"username": {username}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		c.e.t.Fatalf("login %s: %d %s", username, resp.StatusCode, body)
	}
	c.get("/account")
}

func readBody(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// api sends a JSON request with an optional Bearer key and decodes the answer.
func (e *env) api(method, path, key, body string) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	raw := readBody(e.t, resp)
	var out map[string]any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			e.t.Fatalf("%s %s: bad JSON %q", method, path, raw)
		}
	}
	return resp.StatusCode, out
}

// snapshot summarises every table a bad request might touch.
func (e *env) snapshot() string {
	e.t.Helper()
	var parts []string
	for _, q := range []string{
		`SELECT COUNT(*) || ':' || COALESCE(MAX(version), 0) || ':' || COALESCE(SUM(LENGTH(name)), 0) FROM entities`,
		`SELECT COUNT(*) || '' FROM products`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM organisations`,
		`SELECT COUNT(*) || '' FROM users`,
		`SELECT COUNT(*) || '' FROM api_keys`,
		`SELECT COUNT(*) || '' FROM audit_log WHERE action NOT IN ('login', 'login_failed', 'read')`,
	} {
		var s string
		if err := e.db.QueryRow(context.Background(), q).Scan(&s); err != nil {
			e.t.Fatalf("%s: %v", q, err)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func completeUSCC(t testing.TB, prefix16 string) string {
	t.Helper()
	if len(prefix16) != 16 {
		t.Fatalf("prefix %q: want 16 characters", prefix16)
	}
	oc, err := uscc.OrgCheckChar(prefix16[8:16])
	if err != nil {
		t.Fatal(err)
	}
	c, err := uscc.CheckChar(prefix16 + string(oc))
	if err != nil {
		t.Fatal(err)
	}
	return prefix16 + string(oc) + string(c)
}

func urlQuery(s string) string { return url.QueryEscape(s) }

func t0() context.Context { return context.Background() }
