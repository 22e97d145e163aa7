package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testMain(stdin string, env map[string]string) (*Main, *syncBuffer, *syncBuffer) {
	out, errOut := &syncBuffer{}, &syncBuffer{}
	return &Main{Stdin: strings.NewReader(stdin), Stdout: out, Stderr: errOut,
		Getenv: func(k string) string { return env[k] }, Clock: qcity.SystemClock{}}, out, errOut
}

// run runs one command to completion.
func run(t *testing.T, dbPath, stdin string, args ...string) (string, string, error) {
	t.Helper()
	m, out, errOut := testMain(stdin, map[string]string{"QCITY_DB": dbPath})
	err := m.Run(context.Background(), args)
	return out.String(), errOut.String(), err
}

// server runs `qcity serve` on a free port until the test ends.
type server struct {
	url  string
	out  *syncBuffer
	stop func() error
}

func serve(t *testing.T, dbPath string, args ...string) *server {
	t.Helper()
	m, out, _ := testMain("", map[string]string{"QCITY_DB": dbPath})
	addr := make(chan string, 1)
	m.Listening = addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	var s *server
	select {
	case a := <-addr:
		s = &server{url: "http://" + a, out: out}
	case err := <-done:
		cancel()
		t.Fatalf("serve exited: %v\n%s", err, out.String())
	case <-time.After(2 * time.Minute):
		cancel()
		t.Fatal("serve did not start")
	}
	var once sync.Once
	var stopErr error
	s.stop = func() error {
		once.Do(func() {
			cancel()
			stopErr = <-done
		})
		return stopErr
	}
	t.Cleanup(func() { s.stop() })
	return s
}

func getJSON(t *testing.T, url, key string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v
}

// The whole program on a fresh SQLite file: first start with the demo, the one-time
// admin password, logging in, API keys made by the command line while it runs, import,
// and graceful shutdown.
func TestServeEndToEnd(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "qcity.db")
	s := serve(t, dbPath, "--demo", "--demo-entities", "800", "--demo-sampling", "0.02")
	out := s.out.String()
	if !strings.Contains(out, "http://127.0.0.1:") || !strings.Contains(out, "username: admin") {
		t.Fatalf("startup output lacks the address or the admin account:\n%s", out)
	}
	m := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatal("no admin password printed")
	}
	adminPW := m[1]

	for _, p := range []string{"/healthz", "/readyz", "/metrics", "/", "/api/v1/openapi.json"} {
		resp, err := http.Get(s.url + p)
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("GET %s: %v %v", p, resp.StatusCode, err)
		}
		resp.Body.Close()
	}
	st, list := getJSON(t, s.url+"/api/v1/entities?limit=5", "")
	// 800 generated entities, plus the producers from outside the city that the
	// sampling records registered (flagged for checking).
	entities := list["total"].(float64)
	if st != 200 || entities < 800 || entities > 900 || len(list["items"].([]any)) != 5 {
		t.Fatalf("demo entities: %d %v", st, list["total"])
	}
	// The demo's sampling records are there, judged, with statistics.
	if st, stats := getJSON(t, s.url+"/api/v1/sampling/stats?kind=food&year=2019", ""); st != 200 ||
		stats["total"].(map[string]any)["judged"].(float64) < 100 {
		t.Errorf("demo sampling stats: %d %v", st, stats)
	}
	st, orgs := getJSON(t, s.url+"/api/v1/organisations?kind=lab&limit=1", "")
	if st != 200 || orgs["total"].(float64) != 109 {
		t.Errorf("demo labs: %d %v", st, orgs["total"])
	}
	// The demo's credit history is loaded, and its log verifies from outside against
	// what the server publishes.
	if !strings.Contains(out, "Demo credit loaded: annual reports for 2019 filed by") {
		t.Errorf("no credit summary in the startup output:\n%s", out)
	}
	verifyOut, _, err := run(t, dbPath, "", "log", "verify", "--url", s.url, "--state", filepath.Join(t.TempDir(), "verify.json"))
	if err != nil {
		t.Errorf("log verify: %v\n%s", err, verifyOut)
	}

	// The printed password logs in.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(s.url + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	resp, err = browser.PostForm(s.url+"/login", url.Values{"csrf": {string(csrf[1])}, "username": {"admin"}, "password": {adminPW}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/entities" {
		t.Errorf("after login landed on %s", resp.Request.URL.Path)
	}

	// The demo's quality records are there, and the 2019 annual quality report counts
	// the programme's register figures from them.
	if !strings.Contains(out, "Demo quality records loaded:") {
		t.Errorf("no quality summary in the startup output:\n%s", out)
	}
	officialKey, _, err := run(t, dbPath, "", "apikey", "create", "--name", "质量报告", "--role", "city_official")
	if err != nil {
		t.Fatal(err)
	}
	st, rep := getJSON(t, s.url+"/api/v1/reports/quality?year=2019", strings.TrimSpace(officialKey))
	if st != 200 {
		t.Fatalf("quality report: %d %v", st, rep)
	}
	figures := map[string]float64{}
	for _, it := range rep["indicators"].([]any) {
		ind := it.(map[string]any)
		figures[ind["key"].(string)] = ind["value"].(float64)
	}
	for key, want := range map[string]float64{"standards_international_national": 8, "standards_local": 3,
		"pilot_projects_national": 6, "pilot_projects_provincial": 13, "labs": 109, "metrology_institutions": 7,
		"ip_advantage_enterprises": 12, "cqo_trained_enterprises": 14} {
		if figures[key] != want {
			t.Errorf("2019 report %s = %v, want %v", key, figures[key], want)
		}
	}
	// The annual report rate of the 2018 reports as of 31 December 2019, counted from
	// the demo's credit records, with the nine districts ranked; their reports add up
	// to the city's.
	var num, den float64
	for _, it := range rep["indicators"].([]any) {
		if ind := it.(map[string]any); ind["key"] == "annual_report_rate" {
			num, _ = ind["numerator"].(float64)
			den, _ = ind["denominator"].(float64)
		}
	}
	ranking, _ := rep["ranking"].([]any)
	if den < 300 || num >= den || figures["annual_report_rate"] < 80 || len(ranking) != 9 || rep["annual_report_year"].(float64) != 2018 {
		t.Errorf("2019 annual report rate %v (%v / %v), %d districts ranked", figures["annual_report_rate"], num, den, len(ranking))
	}
	var due, filed float64
	last := 101.0
	for i, x := range ranking {
		r := x.(map[string]any)
		due, filed = due+r["due"].(float64), filed+r["filed"].(float64)
		if r["rank"].(float64) != float64(i+1) || r["rate"].(float64) > last {
			t.Errorf("ranking row %d out of order: %v", i, r)
		}
		last = r["rate"].(float64)
	}
	if due != den || filed != num {
		t.Errorf("the districts' reports (%v of %v) do not add up to the city's (%v of %v)", filed, due, num, den)
	}
	// The report is published: read without logging in, it gives the same figures;
	// what stands behind them is not.
	if st, pub := getJSON(t, s.url+"/api/v1/reports/quality?year=2019", ""); st != 200 ||
		!reflect.DeepEqual(pub["indicators"], rep["indicators"]) || !reflect.DeepEqual(pub["ranking"], rep["ranking"]) {
		t.Errorf("anonymous quality report: %d, differs from the official's", st)
	}
	if st, _ := getJSON(t, s.url+"/api/v1/reports/quality/labs?year=2019", ""); st != 401 {
		t.Errorf("anonymous drill-down: %d, want 401", st)
	}

	// A key made on the command line works against the running server, until revoked.
	key, _, err := run(t, dbPath, "", "apikey", "create", "--name", "交易平台", "--role", "api_client")
	if err != nil {
		t.Fatal(err)
	}
	key = strings.TrimSpace(key)
	if st, me := getJSON(t, s.url+"/api/v1/me", key); st != 200 || me["role"] != "api_client" {
		t.Errorf("new key: %d %v", st, me)
	}
	if _, _, err := run(t, dbPath, "", "apikey", "revoke", "交易平台"); err != nil {
		t.Fatal(err)
	}
	if st, _ := getJSON(t, s.url+"/api/v1/me", key); st != 401 {
		t.Errorf("revoked key: %d", st)
	}

	// Graceful shutdown returns cleanly.
	if err := s.stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}

	// A second start neither reloads the demo nor prints a password.
	s2 := serve(t, dbPath, "--demo", "--demo-entities", "800", "--demo-sampling", "0")
	if strings.Contains(s2.out.String(), "password") || strings.Contains(s2.out.String(), "Generating") {
		t.Errorf("second start:\n%s", s2.out.String())
	}
	if _, list := getJSON(t, s2.url+"/api/v1/entities?limit=1", ""); list["total"].(float64) != entities {
		t.Errorf("after restart: %v", list["total"])
	}
	s2.stop()

	// Import from the command line; the next start finds the new entity.
	csv := filepath.Join(t.TempDir(), "new.csv")
	code := "91440803MA4W12346M"
	os.WriteFile(csv, []byte("uscc,name,entity_type,legal_representative,region_code\n"+code+",湛江市霞山区命令行导入有限公司,company,钟一,440803\n"), 0o644)
	stdout, stderr, err := run(t, dbPath, "", "import", "entities", csv)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "imported 1 entities") || !strings.Contains(stderr, "write") {
		t.Errorf("import output %q / progress %q", stdout, stderr)
	}
	s3 := serve(t, dbPath)
	if st, e := getJSON(t, s3.url+"/api/v1/entities?q=命令行", ""); st != 200 || e["total"].(float64) != 1 {
		t.Errorf("imported entity: %d %v", st, e)
	}
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "qcity.db")
	if out, _, err := run(t, dbPath, "", "migrate"); err != nil || !strings.Contains(out, "applied 0001_foundation") {
		t.Fatalf("migrate: %q %v", out, err)
	}
	if out, _, err := run(t, dbPath, "", "migrate"); err != nil || !strings.Contains(out, "up to date") {
		t.Errorf("second migrate: %q %v", out, err)
	}
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{"no command", "", nil, 2, "no command"},
		{"unknown command", "", []string{"frobnicate"}, 2, "unknown command"},
		{"user without password", "", []string{"user", "add", "--username", "zhang", "--role", "city_official"}, 2, "stdin"},
		{"user with short password", "short\n", []string{"user", "add", "--username", "zhang", "--role", "city_official"}, 2, "password"},
		{"county user without region", "a long password\n", []string{"user", "add", "--username", "zhang", "--role", "county_official"}, 2, "region"},
		{"county user outside the city", "a long password\n", []string{"user", "add", "--username", "zhang", "--role", "county_official", "--region", "440106"}, 2, "region"},
		{"enterprise with bad code", "a long password\n", []string{"user", "add", "--username", "zhang", "--role", "enterprise", "--uscc", "91440800MA4W12346B"}, 2, "uscc"},
		{"unknown role", "a long password\n", []string{"user", "add", "--username", "zhang", "--role", "emperor"}, 2, "role"},
		{"api key with admin role", "", []string{"apikey", "create", "--name", "x平台", "--role", "admin"}, 2, "role"},
		{"revoke unknown key", "", []string{"apikey", "revoke", "nope"}, 2, ""},
		{"import missing file", "", []string{"import", "entities", filepath.Join(dir, "missing.csv")}, 2, "no such file"},
		{"bad jurisdiction", "", []string{"serve", "--jurisdiction", "440000"}, 2, ""},
		{"bad flag", "", []string{"serve", "--bogus"}, 2, "bogus"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := run(t, dbPath, c.stdin, c.args...)
			if err == nil {
				t.Fatal("want an error")
			}
			if got := exitCode(err); got != c.code {
				t.Errorf("exit code %d, want %d (%v)", got, c.code, err)
			}
			msg := err.Error()
			if qe, ok := err.(*qcity.Error); ok {
				msg = describe(qe)
			}
			if !strings.Contains(strings.ToLower(msg), strings.ToLower(c.msg)) {
				t.Errorf("message %q lacks %q", msg, c.msg)
			}
		})
	}
	// A good user add works, and the password is read from stdin only.
	if out, _, err := run(t, dbPath, "a long password\n", "user", "add", "--username", "zhang", "--role", "county_official", "--region", "440803"); err != nil || !strings.Contains(out, "created user zhang") {
		t.Errorf("user add: %q %v", out, err)
	}
	if out, _, err := run(t, dbPath, "", "user", "list"); err != nil || !strings.Contains(out, "zhang\tcounty_official\t440803") {
		t.Errorf("user list: %q %v", out, err)
	}
}

// serve refuses a database whose schema is behind, unless told to migrate; a database
// newer than the binary is refused outright.
func TestServeRefusesStaleSchema(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "qcity.db")
	if _, _, err := run(t, dbPath, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	// Pretend the last migration has not been applied.
	all, _ := db.Migrations(db.SQLite)
	last := all[len(all)-1].Version
	if _, err := d.Exec(context.Background(), `DELETE FROM schema_migrations WHERE version = ?`, last); err != nil {
		t.Fatal(err)
	}
	_, _, err = run(t, dbPath, "", "serve", "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "out of date") || !strings.Contains(err.Error(), last) {
		t.Errorf("stale schema: %v", err)
	}
	// A version this binary does not know.
	d.Exec(context.Background(), `INSERT INTO schema_migrations (version, applied_at) VALUES ('9999_future', 'x')`)
	d.Close()
	_, _, err = run(t, dbPath, "", "serve", "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Errorf("future schema: %v", err)
	}
}

// The same program runs on PostgreSQL.
func TestServePostgres(t *testing.T) {
	dsn := dbtest.PostgresDSN(t)
	ctx := context.Background()
	admin, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := "e2e_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
	s := serve(t, db.WithSearchPath(dsn, schema), "--demo", "--demo-entities", "300", "--demo-sampling", "0")
	if !strings.Contains(s.out.String(), "database: postgres") {
		t.Errorf("output: %s", s.out.String())
	}
	if st, list := getJSON(t, s.url+"/api/v1/entities?limit=1", ""); st != 200 || list["total"].(float64) != 300 {
		t.Errorf("entities on postgres: %d %v", st, list["total"])
	}
	if err := s.stop(); err != nil {
		t.Error(err)
	}
}
