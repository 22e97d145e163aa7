package web_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qcity/internal/db/dbtest"
)

// chromium starts a headless Chromium from QCITY_TEST_CHROMIUM and returns a browser
// context. It skips without the variable (fails under QCITY_TEST_STRICT=1).
func chromium(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("QCITY_TEST_CHROMIUM")
	if path == "" {
		if os.Getenv("QCITY_TEST_STRICT") == "1" {
			t.Fatal("QCITY_TEST_CHROMIUM is not set, and QCITY_TEST_STRICT=1 forbids skipping browser tests")
		}
		t.Skip("QCITY_TEST_CHROMIUM not set: browser test skipped")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1366, 768),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelCtx := chromedp.NewContext(actx)
	// The first call starts the browser and must not carry a timeout (it would stop
	// the browser); later calls run under one derived from this context.
	if err := chromedp.Do(bctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start chromium %s: %v", path, err)
	}
	ctx, cancelTimeout := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// An official logs in, enters an entity with a bad credit code and sees the error in
// Chinese beside the field, corrects it, finds the entity by a two-character fragment
// of its name, and switches to English.
func TestBrowserEntityFlow(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	ctx := chromium(t)
	base := e.ts.URL
	good := validCode(t, "91440803MA4W6868")
	bad := good[:17] + flip(good[17])
	name := "湛江市霞山区椰风海韵食品有限公司"

	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}

	do(chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), "admin"),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css("#entity-table")),

		chromedp.Navigate(base+"/entities/new"),
		chromedp.WaitVisible(css("#entity-form")),
		chromedp.SendKeys(css("#uscc"), bad),
		chromedp.SendKeys(css("#name"), name),
		chromedp.SetValue(css("#entity_type"), "company"),
		chromedp.SendKeys(css("#legal_representative"), "陈海"),
		chromedp.SendKeys(css("#region_code"), "440803"),
		chromedp.Click(css("#save")),
		chromedp.WaitVisible(css(".field-error")))
	fieldErr := text(".field-error")
	want := "第18位校验码应为“" + string(good[17]) + "”，实际为“" + string(bad[17]) + "”"
	if !strings.Contains(fieldErr, want) {
		t.Fatalf("field error %q, want it to contain %q", fieldErr, want)
	}

	// The form kept what was typed; correct only the code.
	do(chromedp.Clear(css("#uscc")),
		chromedp.SendKeys(css("#uscc"), good),
		chromedp.Click(css("#save")),
		chromedp.WaitVisible(css(".flash.ok")))
	heading := text("h1")

	do(chromedp.Navigate(base+"/entities"),
		chromedp.WaitVisible(css("#filter-q")),
		chromedp.SendKeys(css("#filter-q"), "椰风"),
		chromedp.Submit(css("#filter-q")),
		// Wait for the result page itself, not the list page it replaces.
		chromedp.WaitVisible(css(`#entity-table a[href="/entities/`+good+`"]`)))
	table := text("#entity-table tbody")

	do(chromedp.Click(css("#lang-switch")),
		chromedp.WaitVisible(css(`html[lang="en"]`)))
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(css("html"), "lang"))
	if err != nil {
		t.Fatal(err)
	}
	htmlLang := attr.Value
	nav := text("#sidenav")
	if !strings.Contains(heading, name) {
		t.Errorf("after saving, heading %q", heading)
	}
	if !strings.Contains(table, name) || !strings.Contains(table, good) {
		t.Errorf("search for a two-character fragment: table %q", table)
	}
	if htmlLang != "en" || !strings.Contains(nav, "Market entities") || strings.Contains(nav, "市场主体") {
		t.Errorf("after the switch: lang %q, nav %q", htmlLang, nav)
	}
	// The search kept its query across the switch, now in English.
	table2 := text("#entity-table")
	if !strings.Contains(table2, "Company") || !strings.Contains(table2, name) {
		t.Errorf("English table: %q", table2)
	}
}
