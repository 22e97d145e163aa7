package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qcity"
	"qcity/internal/auth"
	"qcity/internal/db/dbtest"
	"qcity/internal/registry"
	"qcity/internal/sampling"
	"qcity/internal/sheet"
)

// The sampling workflow as people click it: a lab uploads an Excel of results; an
// official sees a lab-verdict disagreement flagged, confirms the failure and serves the
// notice; the enterprise applies for a re-test; the re-test lab's result overturns the
// failure; the public announcement shows the history.
func TestBrowserSamplingFlow(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	ctx0 := qcity.WithActor(context.Background(), qcity.System("test"))
	lab2, err := e.registry.CreateOrganisation(ctx0, registry.OrganisationInput{Kind: "lab", Name: "广东复检检测有限公司",
		USCC: validCode(t, "91440100MA5C0002"), Region: "440106"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.auth.CreateUser(ctx0, auth.NewUser{Username: "lab2", Password: testPassword, Role: qcity.RoleLab, USCC: lab2.USCC}); err != nil {
		t.Fatal(err)
	}

	// The lab's results: methanol over the limit although the lab wrote 合格.
	var xlsx strings.Builder
	rows := [][]string{
		{"DC26440803000777", "food", "city", "2026", "酒类/白酒", "米酒", "示例牌", "500mL", "2026-11-01", "", "", e.inCounty.USCC, e.inCounty.Name,
			"440803", "流通", "2026-11-20", "", "甲醇", "0.9", "g/L", "≤0.6", "", "GB 2757-2012", "合格"},
		{"DC26440803000777", "food", "city", "2026", "酒类/白酒", "米酒", "示例牌", "500mL", "2026-11-01", "", "", e.inCounty.USCC, e.inCounty.Name,
			"440803", "流通", "2026-11-20", "", "铅", "未检出", "mg/kg", "≤0.2", "", "GB 2762-2022", "合格"},
	}
	err = sheet.WriteXLSX(&xlsx, "results", sampling.SampleColumns, "zh-CN", func(yield func([]string) bool) {
		for _, r := range rows {
			if !yield(r) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "results.xlsx")
	if err := os.WriteFile(file, []byte(xlsx.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	browser := chromium(t)
	ctx := browser
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
		return v
	}
	// Each person works in a browser context of their own (their own cookies).
	login := func(user string) {
		t.Helper()
		uctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		// The first call creates the tab and must not carry a timeout (it would close it).
		if err := chromedp.Do(uctx); err != nil {
			t.Fatal(err)
		}
		ctx = uctx
		do(chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("#username")),
			chromedp.SendKeys(css("#username"), user), chromedp.SendKeys(css("#password"), testPassword),
			chromedp.Submit(css("#password")), chromedp.WaitVisible(css("#sidenav")))
	}
	sample := base + "/sampling/DC26440803000777"
	step := func(name string, extra ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		form := "#step-" + name
		acts := []chromedp.Action[chromedp.Void]{chromedp.Navigate(sample), chromedp.WaitVisible(css(form))}
		acts = append(acts, extra...)
		acts = append(acts, chromedp.Click(css(form+" button[type=submit]")), chromedp.WaitVisible(css(".flash.ok")))
		do(acts...)
	}

	// 1. The lab uploads its Excel.
	login("lab")
	do(chromedp.Navigate(base+"/sampling/import"), chromedp.WaitVisible(css("#file")),
		chromedp.SetUploadFiles(css("#file"), []string{file}),
		chromedp.Click(css("#import-form button[type=submit]")), chromedp.WaitVisible(css("#import-ok")))
	if got := text("#import-ok"); !strings.Contains(got, "1 个样品") || !strings.Contains(got, "待复核 1") {
		t.Fatalf("import outcome: %q", got)
	}

	// 2. The official sees the disagreement, confirms the failure, serves the notice.
	login("city")
	do(chromedp.Navigate(sample), chromedp.WaitVisible(css("#disagreement")))
	if got := text("#items"); !strings.Contains(got, "结论不一致") || !strings.Contains(got, "不合格") {
		t.Errorf("items table: %q", got)
	}
	step("confirm_verdict", chromedp.Click(css(`#step-confirm_verdict input[value="fail"]`)))
	step("serve_notice", chromedp.SendKeys(css("#docs-serve_notice"), "湛霞市监食检〔2026〕77号"))
	if got := text("#sample-state"); got != "已送达" {
		t.Errorf("state after serving: %q", got)
	}

	// 3. The enterprise applies for a re-test in its portal.
	login("enterprise")
	do(chromedp.Navigate(base+"/sampling"), chromedp.WaitVisible(css(`a[href="/sampling/DC26440803000777"]`)))
	step("request_retest", chromedp.SendKeys(css("#note-request_retest"), "对甲醇结果有异议，申请复检"))

	// 4. The official accepts it and the re-test lab is drawn (never the first lab); once
	// the re-test window has closed the failure is announced, re-test pending.
	login("city")
	step("accept_retest")
	step("assign_retest_lab")
	e.clock.Advance(12 * 24 * time.Hour) // sessions expire meanwhile: log in again
	login("city")
	step("announce")

	// 5. The re-test lab reports a pass: the result is overturned.
	login("lab2")
	step("record_retest", chromedp.SendKeys(css("#items-record_retest"), "甲醇 | 0.31 | g/L | ≤0.6 | 合格"),
		chromedp.SendKeys(css("#note-record_retest"), "复检合格，原结论不成立"))
	if got := text("#sample-state"); got != "结论已推翻" {
		t.Errorf("state after the re-test: %q", got)
	}

	// 6. The public announcement shows it superseded, with its history.
	login("city")
	do(chromedp.Navigate(base+"/announcements"), chromedp.WaitVisible(css("#announcements a")),
		chromedp.Click(css("#announcements a")), chromedp.WaitVisible(css("#ann-history")))
	if got := text("#ann-status"); got != "已更正" {
		t.Errorf("announcement status: %q", got)
	}
	if got := text("#superseded"); !strings.Contains(got, "复检合格，原结论不成立") {
		t.Errorf("superseded note: %q", got)
	}
	if got := text("#ann-history"); !strings.Contains(got, "发布公告") || !strings.Contains(got, "已更正") {
		t.Errorf("history: %q", got)
	}
}
