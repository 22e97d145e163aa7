package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qcity"
	"qcity/internal/db/dbtest"
)

// Certificate verification as people click it: a buyer opens a certificate's QR link
// and sees its live status (valid); the body suspends it from its portal, and the
// same QR link then shows it suspended; someone verifies a forged number and sees the
// warning; a city official finds the forgery lead, opens a case from it, and sees the
// oversight dashboard drawn.
func TestBrowserCertFlow(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	const number = "2024010718000123"
	const forged = "2025010718999999"
	if st, res := e.api("POST", "/api/v1/certificates", e.keys[qcity.RoleCertificationBody], e.certJSON(number)); st != 201 {
		t.Fatal(st, res)
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
	fresh := func() {
		t.Helper()
		uctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
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

	// 1. A buyer opens the certificate's page, then its QR link: valid, live.
	fresh()
	do(chromedp.Navigate(base+"/certificates/"+number), chromedp.WaitVisible(css("#cert-qr svg")))
	if got := text("#cert-status"); got != "有效" {
		t.Errorf("certificate page status: %q", got)
	}
	qrLink, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#qr-link").href`))
	if err != nil || !strings.Contains(qrLink, "/q/") {
		t.Fatalf("QR link %q: %v", qrLink, err)
	}
	do(chromedp.Click(css("#qr-link")), chromedp.WaitVisible(css("#live-status")))
	if got := text("#token-ok"); !strings.Contains(got, "签名") {
		t.Errorf("token verdict: %q", got)
	}
	if got := text("#live-status"); got != "有效" {
		t.Errorf("live status from the QR link: %q", got)
	}

	// 2. The body suspends the certificate from its portal.
	login("certbody")
	do(chromedp.Click(css(`#sidenav a[href="/cert"]`)), chromedp.WaitVisible(css(`a[href="/certificates/`+number+`"]`)),
		chromedp.Click(css(`a[href="/certificates/`+number+`"]`)), chromedp.WaitVisible(css("#status-form")),
		chromedp.SetValue(css("#change"), "suspended/surveillance_violation"),
		chromedp.SendKeys(css("#note"), "年度监督发现关键元器件变更未申报"),
		chromedp.Click(css("#status-submit")), chromedp.WaitVisible(css(".flash.ok")))
	if got := text("#cert-status"); got != "暂停" {
		t.Errorf("status after suspension: %q", got)
	}

	// 3. The same QR link, scanned again, shows the live status: suspended.
	fresh()
	do(chromedp.Navigate(qrLink), chromedp.WaitVisible(css("#live-status")))
	if got := text("#live-status"); got != "暂停" {
		t.Errorf("live status after suspension: %q", got)
	}

	// 4. Someone verifies a forged number and is warned.
	do(chromedp.Navigate(base+"/certificates"), chromedp.WaitVisible(css("#number")),
		chromedp.SendKeys(css("#number"), forged), chromedp.Click(css("#verify-submit")),
		chromedp.WaitVisible(css("#verify-warnings")))
	if got := text("#verify-status"); got != "查无此证" {
		t.Errorf("verdict of a forged number: %q", got)
	}
	if got := text("#verify-warnings"); !strings.Contains(got, "伪造") {
		t.Errorf("warning of a forged number: %q", got)
	}

	// 5. A city official sees the lead and opens a case from it.
	var leadID int64
	if err := e.db.QueryRow(sys(), `SELECT id FROM cert_leads WHERE number = ?`, forged).Scan(&leadID); err != nil {
		t.Fatal(err)
	}
	login("city")
	row := fmt.Sprintf("#lead-%d", leadID)
	do(chromedp.Click(css(`#sidenav a[href="/cert/leads"]`)), chromedp.WaitVisible(css(row)))
	if got := text(row); !strings.Contains(got, forged) || !strings.Contains(got, "疑似伪造") {
		t.Errorf("lead row: %q", got)
	}
	form := fmt.Sprintf("#case-from-lead-%d", leadID)
	do(chromedp.Click(css(row+" details summary")), chromedp.WaitVisible(css(form+" textarea")),
		chromedp.SendKeys(css(form+" textarea"), "市民扫码核验的 CCC 证书编号不存在，疑似伪造，立案调查。"),
		chromedp.Submit(css(form+" textarea")), chromedp.WaitVisible(css("#case-state")))
	if got := text("#case-state"); got != "办理中" {
		t.Errorf("case state: %q", got)
	}
	if got := text("#case-facts"); !strings.Contains(got, forged) {
		t.Errorf("case facts: %q", got)
	}

	// 6. The oversight dashboard draws its charts (ECharts, vendored) from the page's data.
	do(chromedp.Click(css(`#sidenav a[href="/cert/oversight"]`)), chromedp.WaitVisible(css("#chart-status canvas")))
}
