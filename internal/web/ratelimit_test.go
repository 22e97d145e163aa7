package web_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"qcity"
	"qcity/internal/db/dbtest"
	"qcity/internal/web"
)

// TestPublicRateLimit: anonymous public lookups are limited per address; a refused
// lookup says when to come back (Chinese and English), writes nothing (no forgery
// lead), and logged-in callers, API keys and the other public pages are not limited.
func TestPublicRateLimit(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t), web.Config{PublicPerMinute: 3})
	verify := func(i int, key string) *http.Response {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/certificates/CNAS-FORGED-%04d/verify", e.ts.URL, i), nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, resp)
		return resp
	}
	leads := e.leadCount()
	for i := range 3 {
		if resp := verify(i, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("lookup %d within the limit: %d", i+1, resp.StatusCode)
		}
	}
	if got := e.leadCount(); got != leads+3 {
		t.Fatalf("%d leads after three unknown numbers, want %d", got, leads+3)
	}
	status, body := e.api("GET", "/api/v1/certificates/CNAS-FORGED-0099/verify", "", "")
	if status != http.StatusTooManyRequests {
		t.Fatalf("fourth lookup: %d, want 429", status)
	}
	errBody, _ := body["error"].(map[string]any)
	if errBody["key"] != "web.rate_limited" || !strings.Contains(fmt.Sprint(errBody["message"]), "秒后再试") ||
		!strings.Contains(fmt.Sprint(errBody["message_en"]), "seconds") {
		t.Errorf("refusal: %v", body)
	}
	resp := verify(100, "")
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 20 {
		t.Errorf("Retry-After %q, want 1-20 seconds at 3 a minute", resp.Header.Get("Retry-After"))
	}
	if got := e.leadCount(); got != leads+3 {
		t.Errorf("refused lookups made leads: %d, want %d", got, leads+3)
	}
	// The same address is limited on the pages too; the other public pages are not.
	c := e.newClient()
	if resp, _ := c.get("/credit?q=湛江"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("credit search over the limit: %d", resp.StatusCode)
	}
	for _, path := range []string{"/", "/lists/abnormal", "/healthz"} {
		if resp, _ := c.get(path); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d, want 200 (not a limited lookup)", path, resp.StatusCode)
		}
	}
	// Logged-in users and API keys are not limited.
	for i := range 5 {
		if resp := verify(200+i, e.keys[qcity.RoleAPIClient]); resp.StatusCode != http.StatusOK {
			t.Fatalf("API key lookup %d: %d", i, resp.StatusCode)
		}
	}
	c.login("city")
	if resp, _ := c.get("/credit?q=湛江"); resp.StatusCode != http.StatusOK {
		t.Errorf("logged-in credit search: %d", resp.StatusCode)
	}
}

// Behind a trusted proxy each client has its own allowance.
func TestPublicRateLimitBehindProxy(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t), web.Config{PublicPerMinute: 2, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	get := func(client string) int {
		req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/certificates/CNAS-FORGED-0001/verify", nil)
		req.Header.Set("X-Forwarded-For", client)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, resp)
		return resp.StatusCode
	}
	if a, b, c := get("203.0.113.5"), get("203.0.113.5"), get("203.0.113.5"); a != 200 || b != 200 || c != 429 {
		t.Errorf("one client: %d %d %d, want 200 200 429", a, b, c)
	}
	if st := get("203.0.113.6"); st != 200 {
		t.Errorf("another client behind the same proxy: %d", st)
	}
}
