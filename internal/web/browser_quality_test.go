package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"qcity/internal/db/dbtest"
)

// The annual quality report as an official uses it: from the quality workspace to the
// report, the year 2019 chosen, a figure drilled down to the records it counts, the
// printable view, the Excel export downloaded and read back, and the English page.
func TestBrowserQualityReport(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	e.seedQuality()
	ctx := chromium(t)
	base := e.ts.URL
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.location.href + "\n" + document.body.innerText`))
			t.Fatalf("%v\npage: %s", err, page)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}

	do(chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), "city"), chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Submit(css("#password")), chromedp.WaitVisible(css("#sidenav")))

	// 1. From the quality workspace to the report; last year is shown first.
	do(chromedp.Navigate(base+"/quality"), chromedp.WaitVisible(css("#report-link")), chromedp.Click(css("#report-link")),
		chromedp.WaitVisible(css("#report-title")))
	if got := text("#report-title"); !strings.Contains(got, "2025") || !strings.Contains(got, "湛江市") {
		t.Errorf("default report title: %q", got)
	}
	// 2. The official chooses 2019.
	do(chromedp.SetValue(css("#report-year"), "2019"), chromedp.Submit(css("#report-year")),
		chromedp.WaitVisible(css("#ind-standards_local")))
	if got := text("#report-title"); !strings.Contains(got, "2019") {
		t.Errorf("report title after choosing 2019: %q", got)
	}
	for sel, want := range map[string]string{
		"#ind-standards_local .kpi-rate":          "1",
		"#ind-pilot_projects_national .kpi-rate":  "1",
		"#ind-metrology_institutions .kpi-rate":   "1",
		"#ind-ip_advantage_enterprises .kpi-rate": "1",
		"#ind-cqo_trained_enterprises .kpi-rate":  "1",
		"#ind-bright_kitchen_coverage .kpi-rate":  "100.00%",
		"#ind-food_pass_rate .kpi-rate":           "—",
	} {
		if got := text(sel); got != want {
			t.Errorf("%s: %q, want %q", sel, got, want)
		}
	}
	if got := text("#ind-bright_kitchen_coverage .kpi-counts"); got != "（1 / 1）" {
		t.Errorf("bright kitchen counts: %q", got)
	}

	// 3. Drill down: the local standard counted, and from it to its record.
	do(chromedp.Click(css("#ind-standards_local")), chromedp.WaitVisible(css("#drill-records")))
	if got := text("#drill-value"); got != "1" {
		t.Errorf("drill value: %q", got)
	}
	if got := text("#drill-records"); !strings.Contains(got, "DB44/T 2234-2019") || !strings.Contains(got, "对虾养殖水质要求") {
		t.Errorf("drill records: %q", got)
	}
	do(chromedp.Click(css(`#drill-records a[href^="/quality/standards/"]`)), chromedp.WaitVisible(css("h1")))
	if got := text("main"); !strings.Contains(got, "DB44/T 2234-2019") || !strings.Contains(got, e.inCounty.Name) {
		t.Errorf("the standard's page: %q", got)
	}

	// The bright-kitchen coverage drills down to the districts' coverage at the year's end.
	do(chromedp.Navigate(base+"/quality/report?year=2019"), chromedp.WaitVisible(css("#ind-bright_kitchen_coverage")),
		chromedp.Click(css("#ind-bright_kitchen_coverage")), chromedp.WaitVisible(css("#drill-coverage")))
	if got := text("#drill-coverage"); !strings.Contains(got, "2019-12-31") || !strings.Contains(got, "霞山区") || !strings.Contains(got, "100.00%") {
		t.Errorf("bright kitchen coverage by district: %q", got)
	}

	// 4. The printable view of the same year.
	do(chromedp.Navigate(base+"/quality/report?year=2019"), chromedp.WaitVisible(css("#print-link")),
		chromedp.Click(css("#print-link")), chromedp.WaitVisible(css("#report-print")))
	if got := text("#p-standards_local"); !strings.Contains(got, "1") || !strings.Contains(got, "地方标准") {
		t.Errorf("printed row: %q", got)
	}

	// 5. The Excel export, downloaded by the browser and read back.
	dir := t.TempDir()
	ectx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	progress := chromedp.Events(ectx, browser.DownloadProgress)
	do(chromedp.Navigate(base+"/quality/report?year=2019"), chromedp.WaitVisible(css("#export-link")),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			yes := true
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes})
			return err
		}),
		chromedp.Click(css("#export-link")))
	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("download cancelled")
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("the export is not a workbook: %v", err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	values := map[string]string{}
	for _, r := range rows {
		if len(r) >= 4 {
			values[r[1]] = r[3]
		}
	}
	if !strings.Contains(rows[0][0], "2019") || values["standards_local"] != "1" || values["metrology_institutions"] != "1" {
		t.Errorf("exported workbook: title %q, values %v", rows[0][0], values)
	}

	// 6. The same report in English.
	do(chromedp.Navigate(base+"/lang?to=en&next=/quality/report?year=2019"), chromedp.WaitVisible(css("#ind-standards_local")))
	if got := text("#ind-standards_local .kpi-title"); !strings.Contains(strings.ToLower(got), "local") {
		t.Errorf("English label: %q", got)
	}

	// 7. Logged out, the public reaches the published report from the home page: the
	// same figures, none a link to the records behind it.
	do(chromedp.Navigate(base+"/lang?to=zh-CN&next=/quality/report?year=2019"), chromedp.WaitVisible(css(`form[action="/logout"] button`)),
		chromedp.Click(css(`form[action="/logout"] button`)), chromedp.WaitVisible(css("#tile-quality-report")),
		chromedp.Click(css("#tile-quality-report")), chromedp.WaitVisible(css("#report-year")),
		chromedp.SetValue(css("#report-year"), "2019"), chromedp.Submit(css("#report-year")),
		chromedp.WaitVisible(css("#ind-standards_local")))
	if got := text("#ind-standards_local .kpi-rate"); got != "1" {
		t.Errorf("public figure: %q", got)
	}
	links, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('a[href^="/quality/report/"]')].filter(a => !/\/(print|export)\?/.test(a.getAttribute("href"))).length`))
	if err != nil || links != 0 {
		t.Errorf("the public page has %d drill-down links (%v)", links, err)
	}
	if got := text("main"); strings.Contains(got, "质量基础总览") {
		t.Errorf("the public page shows the officials' workspace: %q", got)
	}
}
