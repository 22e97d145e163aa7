package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"qcity/internal/db/dbtest"
)

// TestNoOpenRedirect: next= never sends the browser off the site, including the
// forms browsers read as a host: a backslash (also after path cleaning, "/./\"),
// and tabs or newlines, which browsers drop from URLs ("/\t/evil" is "//evil").
func TestNoOpenRedirect(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	bad := []string{"//evil.example", "/\\evil.example", "/./\\evil.example", "/.\\/evil.example",
		"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/%09/evil.example", "https://evil.example", "/a/../\\evil.example"}
	check := func(what, loc string) {
		t.Helper()
		u, err := url.Parse(loc)
		if err != nil || u.Host != "" || u.Scheme != "" || len(loc) < 1 || loc[0] != '/' || (len(loc) > 1 && (loc[1] == '/' || loc[1] == '\\')) {
			t.Errorf("%s: redirect to %q leaves the site", what, loc)
		}
		for _, c := range []byte(loc) {
			if c < 0x20 || c == 0x7f || c == '\\' {
				t.Errorf("%s: redirect to %q carries %q", what, loc, c)
			}
		}
	}
	anon := e.newClient()
	for _, next := range bad {
		resp, _ := anon.get("/lang?to=en&next=" + url.QueryEscape(next))
		check("lang "+next, resp.Header.Get("Location"))
	}
	for _, next := range bad {
		c := e.newClient()
		c.get("/login")
		resp, _ := c.post("/login", url.Values{"username": {"enterprise"}, "password": {testPassword}, "next": {next}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", resp.StatusCode)
		}
		check("login "+next, resp.Header.Get("Location"))
		resp, _ = c.get("/login?next=" + url.QueryEscape(next))
		check("login form "+next, resp.Header.Get("Location"))
	}
	// Local paths with queries still work.
	resp, _ := anon.get("/lang?to=en&next=" + url.QueryEscape("/credit?q=海滨"))
	if loc, _ := url.PathUnescape(resp.Header.Get("Location")); loc != "/credit?q=海滨" {
		t.Errorf("local next: %q", loc)
	}
}

// TestAnnualReportReadAudited: the annual-report route is public, but shows officials
// (and the enterprise) what is not published (the optional figures the enterprise
// keeps private, who filed). An API key's read of it is written to the audit log, as
// for every other route that answers with non-public data.
func TestAnnualReportReadAudited(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.newClient()
	c.login("enterprise")
	st, body := c.jsonAs("POST", "/api/v1/annual-reports", `{"uscc":"`+e.inCounty.USCC+`","year":2025,"contents":{"address":"湛江市霞山区海滨大道1号",
		"postcode":"524000","phone":"0759-2288001","email":"hb@example.cn","operating_status":"operating"},"optional":{"headcount":"12","revenue":"3456"},"publish_optional":["headcount"]}`)
	if st != 201 {
		t.Fatalf("report: %d %s", st, body)
	}
	audited := func() int {
		var n int
		if err := e.db.QueryRow(t0(), `SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND summary LIKE '%annual-reports%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	path := "/api/v1/annual-reports/" + e.inCounty.USCC + "/2025"
	// The public answer: no private figure, nothing to audit.
	st, out := e.api("GET", path, "", "")
	if opt, _ := out["optional"].(map[string]any); st != 200 || opt["revenue"] != nil {
		t.Fatalf("anonymous: %d %v", st, out)
	}
	if n := audited(); n != 0 {
		t.Errorf("anonymous read audited %d times", n)
	}
	st, out = e.api("GET", path, e.keys["county_official"], "")
	if opt, _ := out["optional"].(map[string]any); st != 200 || opt["revenue"] != "3456" {
		t.Fatalf("county key: %d %v", st, out)
	}
	if n := audited(); n != 1 {
		t.Errorf("an official key's read of a private report: %d audit records, want 1", n)
	}
}

// The account page links an enterprise to its public entity page; a lab's or a
// certification body's code is an organisation's, with no entity page to link to.
func TestAccountPageLinks(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	for _, c := range []struct {
		user string
		link bool
	}{{"enterprise", true}, {"lab", false}, {"certbody", false}} {
		cl := e.newClient()
		cl.login(c.user)
		resp, body := cl.get("/account")
		if resp.StatusCode != 200 || strings.Contains(body, `href="/e/`) != c.link {
			t.Errorf("%s: %d, entity link %v, want %v", c.user, resp.StatusCode, strings.Contains(body, `href="/e/`), c.link)
		}
		if c.link {
			m := regexp.MustCompile(`href="(/e/[0-9A-Z]+)"`).FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("%s: no entity link", c.user)
			}
			if resp, _ := cl.get(m[1]); resp.StatusCode != 200 {
				t.Errorf("%s: %s answers %d", c.user, m[1], resp.StatusCode)
			}
		}
	}
}
