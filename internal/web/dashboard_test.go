package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"qcity"
	"qcity/internal/db/dbtest"
	"qcity/internal/locale"
	"qcity/internal/sampling"
)

var (
	itemPass    = sampling.ItemInput{Item: "甲醇", Result: "0.12", Unit: "g/L", Limit: "≤0.6", LabVerdict: "合格"}
	itemFail    = sampling.ItemInput{Item: "甲醇", Result: "0.9", Unit: "g/L", Limit: "≤0.6", LabVerdict: "不合格"}
	itemLeadBad = sampling.ItemInput{Item: "铅", Result: "0.5", Unit: "mg/kg", Limit: "≤0.2", LabVerdict: "不合格"}
)

// seedDashboard records judged samples through the sampling service as a city
// official:
//
//	food 2026: 霞山区 440803 4 passed + 1 failed, 赤坎区 440802 2 + 1, city level 440800 1 + 0
//	           → 7 / 9 = 77.78%; 甲醇 failed 2 times, 铅 once
//	product 2026: 赤坎区 1 + 1 → 50.00%
//	agri: nothing
//	food 2025: 霞山区 1 passed (another year)
func seedDashboard(t *testing.T, e *env) {
	t.Helper()
	ctx := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 1, Name: "city", Role: qcity.RoleCityOfficial})
	n := 0
	add := func(kind, category, regionCode, sampledOn string, items ...sampling.ItemInput) {
		t.Helper()
		n++
		in := sampling.SampleInput{SampleNo: fmt.Sprintf("DB26440800%03d", n), Kind: kind, Level: "city", Category: category,
			ProductName: "看板测试样品" + strconv.Itoa(n), SellerUSCC: e.inCounty.USCC, SellerName: e.inCounty.Name,
			Region: regionCode, Stage: "流通", SampledOn: sampledOn, Samplers: []string{"甲", "乙"}, Lab: e.lab.Name, Items: items}
		if _, err := e.sampling.CreateSample(ctx, in); err != nil {
			t.Fatalf("sample %d: %v", n, err)
		}
	}
	for range 4 {
		add("food", "酒类/白酒", "440803", "2026-03-10", itemPass)
	}
	add("food", "酒类/白酒", "440803", "2026-06-15", itemFail)
	add("food", "酒类/白酒", "440802", "2026-06-15", itemPass)
	add("food", "酒类/白酒", "440802", "2026-11-20", itemPass)
	add("food", "酒类/白酒", "440802", "2026-11-20", itemFail, itemLeadBad)
	add("food", "酒类/白酒", "440800", "2026-11-20", itemPass)
	add("product", "家用电器/电饭锅", "440802", "2026-06-15", itemPass)
	add("product", "家用电器/电饭锅", "440802", "2026-06-15", itemFail)
	add("food", "酒类/白酒", "440803", "2025-06-01", itemPass)
}

var (
	tagRE      = regexp.MustCompile(`<[^>]+>`)
	spaceRE    = regexp.MustCompile(`\s+`)
	tableRowRE = regexp.MustCompile(`(?s)<tr[^>]*data-key="([^"]*)"[^>]*>(.*?)</tr>`)
	cellRE     = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
)

// pageText is the text of a page without its tags, white space collapsed.
func pageText(body string) string {
	return spaceRE.ReplaceAllString(html.UnescapeString(tagRE.ReplaceAllString(body, "")), " ")
}

// tableRows reads the rows of the dashboard table id: the key, then the cell texts.
func tableRows(t *testing.T, body, id string) (rows [][]string) {
	t.Helper()
	start := strings.Index(body, `id="`+id+`"`)
	if start < 0 {
		t.Fatalf("no table %s", id)
	}
	end := strings.Index(body[start:], "</table>")
	for _, m := range tableRowRE.FindAllStringSubmatch(body[start:start+end], -1) {
		row := []string{m[1]}
		for _, c := range cellRE.FindAllStringSubmatch(m[2], -1) {
			row = append(row, strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(c[1], ""))))
		}
		rows = append(rows, row)
	}
	return rows
}

func atoiComma(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil {
		t.Fatalf("not a count: %q", s)
	}
	return n
}

// checkSums checks that the body rows of a table add up to its total row, and returns
// the total (judged, passed, failed).
func checkSums(t *testing.T, rows [][]string) [3]int {
	t.Helper()
	if len(rows) == 0 || rows[len(rows)-1][0] != "total" {
		t.Fatalf("no total row in %v", rows)
	}
	var sum, total [3]int
	for _, r := range rows[:len(rows)-1] {
		for i := range 3 {
			sum[i] += atoiComma(t, r[2+i])
		}
	}
	for i := range 3 {
		total[i] = atoiComma(t, rows[len(rows)-1][2+i])
	}
	if sum != total {
		t.Errorf("rows add up to %v, total row says %v", sum, total)
	}
	return total
}

// xlsxRows downloads an export and returns its rows, the header first.
func xlsxRows(t *testing.T, c *client, path string) [][]string {
	t.Helper()
	resp, body := c.get(path)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("%s: content type %q", path, ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, ".xlsx") {
		t.Errorf("%s: disposition %q", path, cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The dashboard shows each stream's exact pass rate with its counts, district rows
// that add up to the total, and exports every chart's table as the page shows it.
func TestDashboard(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	seedDashboard(t, e)
	// Let the failed samples' next steps run past their deadlines.
	e.clock.Advance(30 * 24 * time.Hour)
	c := e.newClient()
	c.login("city")
	resp, body := c.get("/dashboard")
	if resp.StatusCode != 200 {
		t.Fatalf("/dashboard: %d", resp.StatusCode)
	}
	text := pageText(body)
	// The year defaults to the latest with data; the 2025 sample is not counted.
	if !strings.Contains(body, `<option value="2026" selected>`) || !strings.Contains(body, `<option value="2025">`) {
		t.Errorf("year filter: want 2026 selected and 2025 offered")
	}
	for _, want := range []string{"食品安全抽检合格率 77.78%（7 / 9）", "产品质量监督抽查合格率 50.00%（1 / 2）", "农产品质量安全监测合格率 —",
		"检验批次 9", "不合格批次 2", "年报率", "在列名录 0 / 0"} {
		if !strings.Contains(text, want) {
			t.Errorf("KPI %q not on the page", want)
		}
	}
	// The overdue count is the city official's FindSamples{Overdue} total.
	cityCtx := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, Name: "city", Role: qcity.RoleCityOfficial})
	_, overdue, err := e.sampling.FindSamples(cityCtx, sampling.SampleFilter{Overdue: true, Limit: 1})
	if err != nil || overdue == 0 {
		t.Fatalf("overdue samples: %d %v", overdue, err)
	}
	if want := fmt.Sprintf("逾期未办环节 %d", overdue); !strings.Contains(text, want) {
		t.Errorf("overdue KPI: want %q", want)
	}
	if got := len(tableRows(t, body, "table-overdue")); got != overdue {
		t.Errorf("overdue table: %d rows, want %d", got, overdue)
	}

	// Districts add up to the city total, the city level included.
	region := tableRows(t, body, "table-region")
	if total := checkSums(t, region); total != [3]int{9, 7, 2} {
		t.Errorf("district total %v, want 9 judged, 7 passed, 2 failed", total)
	}
	byKey := map[string][]string{}
	for _, r := range region {
		byKey[r[0]] = r
	}
	if r := byKey["440803"]; r == nil || r[1] != "霞山区" || r[2] != "5" || r[5] != "80.00%" {
		t.Errorf("霞山区 row: %v", r)
	}
	if r := byKey["440800"]; r == nil || r[1] != "市本级" || r[2] != "1" {
		t.Errorf("city-level row: %v", r)
	}
	if len(region) != len(e.srv.Jurisdiction.Counties)+2 {
		t.Errorf("district table has %d rows, want every district, the city level and the total", len(region))
	}
	if total := checkSums(t, tableRows(t, body, "table-trend")); total != [3]int{9, 7, 2} {
		t.Errorf("trend total %v", total)
	}
	if total := checkSums(t, tableRows(t, body, "table-category")); total != [3]int{9, 7, 2} {
		t.Errorf("category total %v", total)
	}
	items := tableRows(t, body, "table-item")
	if len(items) != 2 || items[0][1] != "甲醇" || items[0][4] != "2" || items[1][1] != "铅" || items[1][4] != "1" {
		t.Errorf("failing items: %v", items)
	}

	// The chart data travels as JSON, HTML-escaped, with its labels.
	if !strings.Contains(body, `<script type="application/json" id="dashboard-data">`) ||
		!strings.Contains(body, `"series_rate":"合格率（%）"`) || !strings.Contains(body, `<script src="/static/vendor/echarts.min.js" defer>`) {
		t.Error("chart data or scripts missing")
	}
	if strings.Contains(body, " style=") || strings.Contains(body, "<style") {
		t.Error("inline style on the dashboard")
	}

	// Every export holds the rows of its table.
	for _, chart := range []string{"trend", "region", "category", "item"} {
		html := tableRows(t, body, "table-"+chart)
		xl := xlsxRows(t, c, "/dashboard/export?chart="+chart+"&kind=food&year=2026")
		if len(xl) != len(html)+1 {
			t.Errorf("%s: export has %d rows, page %d (+ header)", chart, len(xl), len(html))
			continue
		}
		if chart == "region" && (xl[0][0] != "区县" || xl[0][4] != "合格率（%）") {
			t.Errorf("region export header %v", xl[0])
		}
		for i, hr := range html {
			want := []string{hr[1], strings.ReplaceAll(hr[2], ",", ""), strings.ReplaceAll(hr[3], ",", ""),
				strings.ReplaceAll(hr[4], ",", ""), strings.TrimSuffix(strings.TrimSuffix(hr[5], "%"), "—")}
			got := append(xl[i+1], make([]string, 5)...)[:5]
			if v, err := strconv.ParseFloat(got[4], 64); err == nil {
				got[4] = strconv.FormatFloat(v, 'f', 2, 64) // a number cell: 100 shows as 100
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s row %d: export %v, page %v", chart, i+1, got, want)
			}
		}
	}
	if resp, _ := c.get("/dashboard/export?chart=pie"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown chart: %d", resp.StatusCode)
	}
	if resp, body := c.get("/dashboard?region=110101"); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "field-error") {
		t.Errorf("region outside the jurisdiction: %d", resp.StatusCode)
	}

	// Filters: the product stream, one district.
	_, body = c.get("/dashboard?kind=product&year=2026&region=440802")
	if total := checkSums(t, tableRows(t, body, "table-region")); total != [3]int{2, 1, 1} {
		t.Errorf("product in 赤坎区: %v", total)
	}

	// In English, the same numbers under English labels.
	c.get("/lang?to=en&next=/")
	_, body = c.get("/dashboard")
	text = pageText(body)
	food := locale.Default().T(locale.EN, "dashboard.kpi_rate", map[string]any{"kind": locale.Default().T(locale.EN, "sampling.kind.food", nil)})
	if !strings.Contains(text, food+" 77.78%（7 / 9）") || !strings.Contains(text, "Pass rate by district") || strings.Contains(text, "各区县合格率") {
		t.Errorf("English dashboard: %.300s", text)
	}
	xl := xlsxRows(t, c, "/dashboard/export?chart=region&year=2026")
	if xl[0][0] != "District" || xl[len(xl)-1][0] != "Total" {
		t.Errorf("English export: header %v, last %v", xl[0], xl[len(xl)-1])
	}
}

// A county official's dashboard and exports cover its own district only, whatever
// the URL asks for.
func TestDashboardCountyOfficial(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	seedDashboard(t, e)
	e.clock.Advance(30 * 24 * time.Hour)
	c := e.newClient()
	c.login("county")
	for _, path := range []string{"/dashboard", "/dashboard?region=440802", "/dashboard?region="} {
		resp, body := c.get(path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		text := pageText(body)
		if !strings.Contains(text, "食品安全抽检合格率 80.00%（4 / 5）") || !strings.Contains(text, "产品质量监督抽查合格率 —") {
			t.Errorf("%s: KPIs of another district: %.400s", path, text)
		}
		region := tableRows(t, body, "table-region")
		if len(region) != 2 || region[0][0] != "440803" {
			t.Errorf("%s: district rows %v", path, region)
		}
		if total := checkSums(t, region); total != [3]int{5, 4, 1} {
			t.Errorf("%s: total %v", path, total)
		}
		if strings.Contains(text, "赤坎区") || strings.Contains(body, `id="filter-region"`) {
			t.Errorf("%s: county official offered or shown another district", path)
		}
	}
	countyCtx := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, Name: "county", Role: qcity.RoleCountyOfficial, Region: "440803"})
	_, overdue, err := e.sampling.FindSamples(countyCtx, sampling.SampleFilter{Overdue: true, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, body := c.get("/dashboard")
	if want := fmt.Sprintf("逾期未办环节 %d", overdue); !strings.Contains(pageText(body), want) {
		t.Errorf("overdue KPI: want %q", want)
	}
	xl := xlsxRows(t, c, "/dashboard/export?chart=region&region=440802&year=2026")
	if len(xl) != 3 || xl[1][0] != "霞山区" || xl[2][1] != "5" {
		t.Errorf("county export: %v", xl)
	}
	// The county's API key sees the same.
	req, _ := http.NewRequest("GET", e.ts.URL+"/dashboard/export?chart=region&year=2026", nil)
	req.Header.Set("Authorization", "Bearer "+e.keys[qcity.RoleCountyOfficial])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw := readBody(t, resp)
	f, err := excelize.OpenReader(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("API key export: %d %v", resp.StatusCode, err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	f.Close()
	if len(rows) != 3 || rows[1][0] != "霞山区" {
		t.Errorf("API key export: %v", rows)
	}
}

// The dashboard's charts render in a real browser without network access beyond the
// server, with no console error (a CSP violation would be one), and each data table is
// one click away.
func TestBrowserDashboard(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	seedDashboard(t, e)
	ctx := chromium(t)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	consoleCtx, stopConsole := context.WithCancel(ctx)
	messages := chromedp.Console(consoleCtx)
	var logged []chromedp.ConsoleMessage
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			logged = append(logged, m)
		}
	}()

	if err := chromedp.Do(ctx, chromedp.Navigate(e.ts.URL+"/login"),
		chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), "admin"),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css("#entity-table")),
		chromedp.Navigate(e.ts.URL+"/dashboard"),
		chromedp.WaitVisible(css("#chart-trend canvas")),
		chromedp.WaitVisible(css("#chart-item canvas")),
	); err != nil {
		t.Fatal(err)
	}
	rendered, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`["trend", "region", "category", "item"].every(function (id) {
		var el = document.getElementById("chart-" + id);
		var chart = echarts.getInstanceByDom(el);
		var c = el.querySelector("canvas");
		return !!chart && chart.getOption().series.length > 0 && !!c && c.width > 100 && c.height > 100;
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if !rendered {
		t.Error("not every chart rendered an ECharts canvas with series")
	}
	// A tooltip shows the rate with its counts (and, built by ECharts under the CSP,
	// must not log a violation).
	tip, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
		var el = document.getElementById("chart-region");
		echarts.getInstanceByDom(el).dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex: 1 });
		return el.innerText;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tip, "霞山区") || !strings.Contains(tip, "80.00%（4 / 5）") {
		t.Errorf("region tooltip: %q", tip)
	}
	// A closed <details> keeps its content's boxes in current Chromium (content-visibility:
	// hidden), so ask checkVisibility rather than the layout.
	shown := `document.getElementById("data-region").open && document.getElementById("table-region").checkVisibility()`
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!("+shown+")"))
	if err != nil {
		t.Fatal(err)
	}
	if !hidden {
		t.Error("data table shown before the toggle")
	}
	if err := chromedp.Do(ctx, chromedp.Click(css("#data-region summary")), chromedp.WaitVisible(css("#table-region"))); err != nil {
		t.Fatal(err)
	}
	if open, err := chromedp.Run(ctx, chromedp.Evaluate[bool](shown)); err != nil || !open {
		t.Errorf("after a click on its summary, the data table is not shown (%v)", err)
	}
	cell, err := chromedp.Run(ctx, chromedp.Text(css(`#table-region tfoot td.num`)))
	if err != nil {
		t.Fatal(err)
	}
	if cell != "9" {
		t.Errorf("district total in the opened table: %q", cell)
	}
	if dir := os.Getenv("QCITY_TEST_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "dashboard.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stopConsole()
	<-done
	for _, m := range logged {
		if (m.Type == chromedp.ConsoleError || m.IsException()) && !strings.Contains(m.URL+m.Text, "favicon") {
			t.Errorf("console: %s (%s)", m, m.URL)
		}
	}
}

// Every dashboard key the code names exists in both languages, and every key of the
// dashboard catalogue is used: the Go code builds some names (month_1 … month_12, the
// chart labels), which the key test of internal/locale cannot see.
func TestDashboardKeys(t *testing.T) {
	cat := locale.Default()
	var src strings.Builder
	for _, name := range []string{"ui_dashboard.go", "templates/pages/dashboard.html"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`"(dashboard\.[a-z0-9_]+)"`).FindAllStringSubmatch(src.String(), -1) {
		if !strings.HasSuffix(m[1], "_") && !strings.HasSuffix(m[1], ".") { // a prefix completed at run time
			used[m[1]] = true
		}
	}
	// Names built at run time.
	for m := 1; m <= 12; m++ {
		used["dashboard.month_"+strconv.Itoa(m)] = true
	}
	for _, m := range regexp.MustCompile(`"((?:series|col|no)_[a-z_]+)"`).FindAllStringSubmatch(src.String(), -1) {
		used["dashboard."+m[1]] = true
	}
	for k := range used {
		for _, l := range locale.Langs {
			if !cat.Has(l, k) {
				t.Errorf("%s: missing in %s", k, l)
			}
		}
	}
	for _, k := range cat.Keys(locale.ZH) {
		if strings.HasPrefix(k, "dashboard.") && !used[k] {
			t.Errorf("%s is in the catalogue but not used", k)
		}
	}
}
