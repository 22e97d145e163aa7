package web_test

import (
	"net/http"
	"net/url"
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
