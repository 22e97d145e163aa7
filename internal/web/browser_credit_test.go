package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/db/dbtest"
)

// Credit repair as people click it: an enterprise listed for not filing its 2025 annual
// report files it late and applies for removal with a proof; a 霞山区 official approves;
// the public profile then shows the listing as removed, and the log shows the removal
// record with its verified inclusion proof.
func TestBrowserCreditRemovalFlow(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	ctx0 := sys()
	// 1 July 2026: the 2025 reports are overdue; the engine proposes, the bureau lists.
	e.clock.T = time.Date(2026, 7, 1, 1, 0, 0, 0, time.UTC)
	if _, err := e.credit.RunRules(ctx0, qcity.NewDate(2026, 7, 1), false); err != nil {
		t.Fatal(err)
	}
	props, _, err := e.credit.FindAbnormals(ctx0, credit.AbnormalFilter{State: credit.StateProposed, Q: e.inCounty.USCC}, true)
	if err != nil || len(props) != 1 {
		t.Fatalf("proposals: %v %v", props, err)
	}
	listed, _, err := e.credit.ConfirmProposals(ctx0, []int64{props[0].ID})
	if err != nil || len(listed) != 1 {
		t.Fatalf("confirm: %v %v", listed, err)
	}
	listing := listed[0]
	e.clock.T = time.Date(2026, 7, 20, 2, 0, 0, 0, time.UTC)

	proof := filepath.Join(t.TempDir(), "年报回执.pdf")
	if err := os.WriteFile(proof, pdfBytes(), 0o644); err != nil {
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
	fresh := func() {
		t.Helper()
		uctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		// The first call creates the tab and must not carry a timeout (it would close it).
		if err := chromedp.Do(uctx); err != nil {
			t.Fatal(err)
		}
		ctx = uctx
	}
	login := func(user string) {
		t.Helper()
		fresh()
		do(chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("#username")),
			chromedp.SendKeys(css("#username"), user), chromedp.SendKeys(css("#password"), testPassword),
			chromedp.Submit(css("#password")), chromedp.WaitVisible(css("#sidenav")))
	}

	// 1. The enterprise files its 2025 report late (补报) from its credit page.
	login("enterprise")
	do(chromedp.Click(css(`#sidenav a[href="/my/credit"]`)), chromedp.WaitVisible(css("#file-2025")))
	if got := text("#file-2025"); got != "补报" {
		t.Errorf("button for the overdue report: %q", got)
	}
	do(chromedp.Click(css("#file-2025")), chromedp.WaitVisible(css("#report-form")),
		chromedp.SendKeys(css("#address"), "湛江市霞山区海滨大道 18 号"),
		chromedp.SendKeys(css("#postcode"), "524000"),
		chromedp.SendKeys(css("#phone"), "0759-2288001"),
		chromedp.SendKeys(css("#opt-headcount"), "36"),
		chromedp.Click(css("#pub-headcount")),
		chromedp.Click(css("#submit-report")),
		chromedp.WaitVisible(css(".flash.ok")))
	if got := text("#report-2025"); !strings.Contains(got, "已报送") || !strings.Contains(got, "补报") {
		t.Errorf("report row after filing: %q", got)
	}

	// 2. It applies for removal from the abnormal list, with the filing receipt.
	removal := fmt.Sprintf("#remove-%d", listing.ID)
	do(chromedp.WaitVisible(css(removal)), chromedp.Click(css(removal)), chromedp.WaitVisible(css("#repair-form")),
		chromedp.SendKeys(css("#statement"), "已于 2026 年 7 月 20 日补报并公示 2025 年度报告，申请移出经营异常名录。"),
		chromedp.SetUploadFiles(css("#evidence"), []string{proof}),
		chromedp.Click(css("#submit-repair")),
		chromedp.WaitVisible(css(".flash.ok")))
	if got := text("#my-repairs"); !strings.Contains(got, "移出经营异常名录") || !strings.Contains(got, "已申请") {
		t.Errorf("applications after applying: %q", got)
	}
	var repairID int64
	if err := e.db.QueryRow(ctx0, `SELECT id FROM repair_applications WHERE target = 'abnormal' AND target_id = ?`, listing.ID).Scan(&repairID); err != nil {
		t.Fatal(err)
	}

	// 3. The 霞山区 official finds it on the worklist, sees the proof, and approves.
	login("county")
	do(chromedp.Navigate(base+"/credit/repairs"), chromedp.WaitVisible(css(fmt.Sprintf("#repair-%d a", repairID))))
	if got := text(fmt.Sprintf("#repair-%d", repairID)); !strings.Contains(got, "剩 5 个工作日") {
		t.Errorf("worklist row: %q", got)
	}
	do(chromedp.Click(css(fmt.Sprintf("#repair-%d a", repairID))), chromedp.WaitVisible(css("#decide-approve")))
	if got := text("#documents"); !strings.Contains(got, "年报回执.pdf") {
		t.Errorf("documents: %q", got)
	}
	do(chromedp.SendKeys(css("#decision-note"), "已补报，符合移出条件"), chromedp.Click(css("#decide-approve")),
		chromedp.WaitVisible(css(".flash.ok")))
	if got := text("#repair-state"); got != "准予修复" {
		t.Errorf("application state after approval: %q", got)
	}

	// 4. The public profile shows the listing as removed, with its proof.
	fresh()
	do(chromedp.Navigate(base+"/credit"), chromedp.WaitVisible(css("#credit-q")),
		chromedp.SendKeys(css("#credit-q"), e.inCounty.USCC), chromedp.Submit(css("#credit-q")),
		chromedp.WaitVisible(css(`#credit-results a[href="/credit/`+e.inCounty.USCC+`"]`)),
		chromedp.Click(css(`#credit-results a[href="/credit/`+e.inCounty.USCC+`"]`)),
		chromedp.WaitVisible(css("#profile-abnormal")))
	if got := text("#profile-abnormal tbody"); !strings.Contains(got, "已移出") || !strings.Contains(got, "已补报并公示年度报告") {
		t.Errorf("public abnormal tab: %q", got)
	}
	if got := text("#credit-status"); !strings.Contains(got, "未列入经营异常名录") {
		t.Errorf("status line: %q", got)
	}

	// 5. The log's newest record is the removal, and its proof verifies.
	do(chromedp.Navigate(base+"/log"), chromedp.WaitVisible(css("#log-table")))
	if got := text("#log-table tbody tr:first-child"); !strings.Contains(got, "移出经营异常名录") || !strings.Contains(got, e.inCounty.USCC) {
		t.Fatalf("newest log record: %q", got)
	}
	do(chromedp.Click(css("#log-table tbody tr:first-child a")), chromedp.WaitVisible(css("#record-json")))
	if _, err := chromedp.Run(ctx, chromedp.Text(css("#verified"))); err != nil {
		t.Errorf("the removal record is not shown as verified: %v", err)
	}
	if got := text("#record-json"); !strings.Contains(got, `"state": "removed"`) || !strings.Contains(got, fmt.Sprintf(`"ref": "abnormal/%d"`, listing.ID)) {
		t.Errorf("record: %q", got)
	}
	if got := text("#record-history"); !strings.Contains(got, "列入经营异常名录") || !strings.Contains(got, "移出经营异常名录") {
		t.Errorf("history of the listing: %q", got)
	}
}
