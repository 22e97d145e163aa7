package web_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"qcity/internal/db/dbtest"
)

// Every registered API route must be described in openapi.json, and nothing described
// may be missing from the router.
func TestOpenAPICoversRoutes(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	st, doc := e.api("GET", "/api/v1/openapi.json", "", "")
	if st != 200 {
		t.Fatal(st)
	}
	paths := doc["paths"].(map[string]any)
	described := map[string]bool{}
	for p, ops := range paths {
		for m := range ops.(map[string]any) {
			described[strings.ToUpper(m)+" "+p] = true
		}
	}
	registered := map[string]bool{}
	for _, rt := range e.srv.Routes() {
		if !rt.API() {
			continue
		}
		name := rt.Method + " " + rt.Pattern
		registered[name] = true
		if !described[name] {
			t.Errorf("API route %s is not in openapi.json", name)
		}
	}
	for name := range described {
		if !registered[name] {
			t.Errorf("openapi.json describes %s, which is not registered", name)
		}
	}
	// Every $ref resolves.
	raw, _ := json.Marshal(doc)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for _, m := range regexp.MustCompile(`#/components/schemas/(\w+)`).FindAllStringSubmatch(string(raw), -1) {
		if _, ok := schemas[m[1]]; !ok {
			t.Errorf("dangling $ref %s", m[0])
		}
	}
}

// Every page renders in both languages without a raw locale key showing.
func TestPagesBothLanguages(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	rawKey := regexp.MustCompile(`>[^<]*\b(ui|nav|field|registry|role|action|source|auth|web|region|industry|uscc|sheet)\.[a-z_]+(\.[a-z_0-9]+)*\b[^<]*<`)
	pages := []string{"/", "/search?q=霞山", "/e/" + e.inCounty.USCC, "/account", "/entities", "/entities?q=水产",
		"/entities/new", "/entities/import", "/entities/" + e.inCounty.USCC, "/entities/" + e.inCounty.USCC + "/edit",
		"/organisations", "/organisations/new", "/audit", "/admin/users", "/admin/apikeys", "/dashboard", "/no/such/page"}
	for _, lang := range []string{"zh-CN", "en"} {
		c := e.newClient()
		c.login("admin")
		c.get("/lang?to=" + lang + "&next=/")
		for _, p := range pages {
			resp, body := c.get(p)
			if resp.StatusCode != 200 && !(p == "/no/such/page" && resp.StatusCode == 404) {
				t.Errorf("%s %s: %d", lang, p, resp.StatusCode)
			}
			if m := rawKey.FindString(body); m != "" {
				t.Errorf("%s %s shows a raw key: %s", lang, p, m)
			}
			if !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("%s %s: wrong html lang", lang, p)
			}
			if lang == "en" && strings.Contains(body, "市场主体查询") && p != "/" {
				t.Errorf("en %s still shows Chinese navigation", p)
			}
		}
	}
	for _, lang := range []string{"zh-CN", "en"} {
		anon := e.newClient()
		anon.get("/lang?to=" + lang + "&next=/")
		if resp, body := anon.get("/login"); resp.StatusCode != 200 || rawKey.MatchString(body) || !strings.Contains(body, `<html lang="`+lang+`">`) {
			t.Errorf("%s /login: %d", lang, resp.StatusCode)
		}
	}
	// Ops endpoints.
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get(e.ts.URL + p)
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("%s: %v %v", p, resp.StatusCode, err)
		}
		resp.Body.Close()
	}
	_, metrics := e.newClient().get("/metrics")
	if !strings.Contains(metrics, "qcity_http_requests_total") || !strings.Contains(metrics, "qcity_entities_indexed 2") {
		t.Error("metrics lack qcity series")
	}
}
