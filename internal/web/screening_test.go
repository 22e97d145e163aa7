package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/db/dbtest"

	"github.com/xuri/excelize/v2"
)

// listInCounty puts the harness's 霞山区 entity on the abnormal list.
func (e *env) listInCounty() {
	e.t.Helper()
	ctx := qcity.WithActor(context.Background(), qcity.System("test"))
	if _, err := e.credit.ListAbnormal(ctx, credit.ListInput{USCC: e.inCounty.USCC, Reason: credit.ReasonUnreachable,
		Facts: credit.AbnormalFacts{Letter1On: qcity.NewDate(2026, 9, 1), Letter2On: qcity.NewDate(2026, 9, 20)}}); err != nil {
		e.t.Fatal(err)
	}
}

func TestScreeningAPI(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	e.listInCounty()
	key := e.keys[qcity.RoleAPIClient]
	st, body := e.api("POST", "/api/v1/screening", key, `{"purpose":"procurement","subjects":[
		{"ref":"b1","uscc":"`+e.inCounty.USCC+`"},
		{"ref":"b2","name":"湛江市赤坎区金帆电器有限公司"},
		{"ref":"b3","uscc":"`+e.inCounty.USCC[:17]+flip(e.inCounty.USCC[17])+`","name":"湛江市霞山区海滨水产有限公司"}]}`)
	if st != 200 {
		t.Fatalf("screen: %d %v", st, body)
	}
	results := body["results"].([]any)
	status := func(i int) string { return results[i].(map[string]any)["status"].(string) }
	if status(0) != "restricted" || status(1) != "clear" || status(2) != "review" {
		t.Fatalf("statuses: %s %s %s", status(0), status(1), status(2))
	}
	r0 := results[0].(map[string]any)
	restr := r0["restrictions"].([]any)[0].(map[string]any)
	if restr["list"] != "abnormal" || !strings.Contains(restr["reason"].(string), "无法联系") || restr["reason_en"] == "" ||
		!strings.Contains(restr["legal_basis"].(string), "第十九条") || restr["measure"] == "" {
		t.Errorf("restriction: %v", restr)
	}
	note := results[2].(map[string]any)["notes"].([]any)[0].(map[string]any)
	if !strings.Contains(note["text"].(string), "校验码") || note["text_en"] == "" {
		t.Errorf("bad check character note: %v", note)
	}
	code := body["verification_code"].(string)
	// The certificate is public.
	st, cert := e.api("GET", "/api/v1/screening/certificates/"+code, "", "")
	if st != 200 || len(cert["subjects"].([]any)) != 3 {
		t.Errorf("certificate: %d %v", st, cert)
	}
	// History is the client's own.
	st, hist := e.api("GET", "/api/v1/screening/history", key, "")
	if st != 200 || hist["total"].(float64) != 1 {
		t.Errorf("history: %d %v", st, hist)
	}
	st, hist = e.api("GET", "/api/v1/screening/history", e.keys[qcity.RoleCityOfficial], "")
	if st != 200 || hist["total"].(float64) != 0 {
		t.Errorf("another client's history: %d %v", st, hist)
	}
	// Bad input.
	big := make([]string, 1001)
	for i := range big {
		big[i] = fmt.Sprintf(`{"ref":"%d","name":"甲"}`, i)
	}
	for _, c := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"oversized batch", `{"purpose":"procurement","subjects":[` + strings.Join(big, ",") + `]}`, 422, "subjects"},
		{"malformed JSON", `{"purpose":"procurement","subjects":[`, 400, ""},
		{"unknown purpose", `{"purpose":"gossip","subjects":[{"ref":"1","name":"甲公司"}]}`, 422, "purpose"},
		{"subjects wrong type", `{"purpose":"procurement","subjects":{"ref":"1"}}`, 422, "subjects"},
		{"repeated ref", `{"purpose":"procurement","subjects":[{"ref":"1","name":"甲公司"},{"ref":"1","name":"乙公司"}]}`, 422, "subjects[1].ref"},
		{"neither code nor name", `{"purpose":"procurement","subjects":[{"ref":"1","uscc":""}]}`, 422, "subjects[0].name"},
		{"unknown field", `{"purpose":"procurement","subjects":[],"colour":"red"}`, 422, "colour"},
	} {
		st, body := e.api("POST", "/api/v1/screening", key, c.body)
		raw, _ := json.Marshal(body)
		if st != c.status || c.field != "" && !strings.Contains(string(raw), `"field":"`+c.field+`"`) {
			t.Errorf("%s: %d %s", c.name, st, raw)
		}
	}
	// Subscriptions through the API; a webhook to a bad URL is refused.
	st, sub := e.api("POST", "/api/v1/screening/subscriptions", key, `{"url":"https://platform.example.cn/qcity","subjects":["`+e.inCounty.USCC+`"]}`)
	if st != 201 || !strings.HasPrefix(sub["secret"].(string), "whsec_") {
		t.Errorf("subscribe: %d %v", st, sub)
	}
	if st, _ := e.api("POST", "/api/v1/screening/subscriptions", key, `{"url":"javascript:alert(1)","subjects":["`+e.inCounty.USCC+`"]}`); st != 422 {
		t.Errorf("bad webhook: %d", st)
	}
	st, ch := e.api("GET", "/api/v1/screening/changes?cursor=0", key, "")
	if st != 200 || len(ch["changes"].([]any)) != 1 {
		t.Errorf("changes: %d %v", st, ch)
	}
}

// A bounded load test on loopback: 8 clients × 25 calls of 200 subjects each, zero errors.
func TestScreeningLoad(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	e.listInCounty()
	key := e.keys[qcity.RoleAPIClient]
	subjects := make([]string, 200)
	for i := range subjects {
		switch i % 4 {
		case 0:
			subjects[i] = fmt.Sprintf(`{"ref":"%d","uscc":"%s"}`, i, e.inCounty.USCC)
		case 1:
			subjects[i] = fmt.Sprintf(`{"ref":"%d","name":"湛江市霞山区海滨水产有限公司"}`, i)
		default:
			subjects[i] = fmt.Sprintf(`{"ref":"%d","name":"湛江市第%d建材有限公司","legal_representative":"李四"}`, i, i)
		}
	}
	body := `{"purpose":"bidding","subjects":[` + strings.Join(subjects, ",") + `]}`
	var wg sync.WaitGroup
	var mu sync.Mutex
	errs, restricted := 0, 0
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/screening", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+key)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				var out struct {
					Restricted int `json:"restricted"`
				}
				if err == nil {
					err = json.NewDecoder(resp.Body).Decode(&out)
					resp.Body.Close()
				}
				mu.Lock()
				if err != nil || resp.StatusCode != 200 {
					errs++
				} else {
					restricted += out.Restricted
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if errs != 0 || restricted != 200*100 {
		t.Errorf("%d errors, %d restricted (want 0 and %d)", errs, restricted, 200*100)
	}
	var n int
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM screenings`).Scan(&n)
	if n != 200 {
		t.Errorf("%d screenings recorded, want 200", n)
	}
}

func TestScreeningPage(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	e.listInCounty()
	c := e.newClient()
	c.login("apiuser")
	// Bad input keeps the text and shows the error.
	resp, page := c.post("/screening", url.Values{"csrf": {c.csrf}, "purpose": {"gossip"}, "subjects": {"湛江市某某有限公司"}})
	if resp.StatusCode != 422 || !strings.Contains(page, "湛江市某某有限公司") || !strings.Contains(page, "field-error") {
		t.Fatalf("bad purpose: %d", resp.StatusCode)
	}
	resp, _ = c.post("/screening", url.Values{"csrf": {c.csrf}, "purpose": {"procurement"},
		"subjects": {e.inCounty.Name + ", " + e.inCounty.USCC + "\n湛江市霞山区海滨水产有限责任公司，张三\n湛江市赤坎区诚信建材有限公司"}})
	if resp.StatusCode != 303 {
		t.Fatalf("screen: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	_, page = c.get(loc)
	text := pageText(page)
	for _, want := range []string{"3 个主体：2 个受限", "受限", "未见限制", "经营异常名录", "《企业信息公示暂行条例》（2024年修订）第十九条", "标记为误报"} {
		if !strings.Contains(text, want) {
			t.Errorf("result page lacks %q", want)
		}
	}
	resp, _ = c.get(loc + "/export")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	_, cert := c.get(loc + "/certificate")
	i := strings.Index(cert, `<strong class="mono">`)
	code := cert[i+len(`<strong class="mono">`) : i+len(`<strong class="mono">`)+19]
	// Anyone can verify the printed code.
	anon := e.newClient()
	_, v := anon.get("/verify?code=" + url.QueryEscape(code))
	if !strings.Contains(v, "verify-ok") || !strings.Contains(v, e.inCounty.Name) {
		t.Errorf("verification of %q failed", code)
	}
	if resp, v := anon.get("/verify?code=AAAA-BBBB-CCCC-DDDD"); resp.StatusCode != 404 || !strings.Contains(v, "verify-none") {
		t.Errorf("unknown code: %d", resp.StatusCode)
	}
	// Marking the name match a false positive clears it in the next screening.
	resp, _ = c.post("/screening/decisions", url.Values{"csrf": {c.csrf}, "subject_name": {"湛江市霞山区海滨水产有限责任公司"}, "entity_uscc": {e.inCounty.USCC}})
	if resp.StatusCode != 303 {
		t.Fatalf("decision: %d", resp.StatusCode)
	}
	resp, _ = c.post("/screening", url.Values{"csrf": {c.csrf}, "purpose": {"procurement"}, "subjects": {"湛江市霞山区海滨水产有限责任公司"}})
	_, page = c.get(resp.Header.Get("Location"))
	if !strings.Contains(pageText(page), "1 个主体：0 个受限") {
		t.Errorf("suppressed match still restricted")
	}
	// Enterprises cannot screen.
	ent := e.newClient()
	ent.login("enterprise")
	if resp, _ := ent.get("/screening"); resp.StatusCode != 403 {
		t.Errorf("enterprise: %d", resp.StatusCode)
	}
}

// An uploaded Excel list of bidders is screened, and the result comes back as Excel
// with a row per bidder, its status and the basis.
func TestScreeningPageUploadExcel(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	e.listInCounty()
	c := e.newClient()
	c.login("apiuser")
	c.get("/screening") // for the CSRF token
	resp, err := c.http.Get(e.ts.URL + "/screening/template")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := excelize.OpenReader(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("template: %v", err)
	}
	sh := tmpl.GetSheetList()[0]
	tmpl.SetSheetRow(sh, "A2", &[]any{"b1", "", e.inCounty.USCC, ""})
	tmpl.SetSheetRow(sh, "A3", &[]any{"b2", "湛江市赤坎区诚信建材有限公司", "", ""})
	var file bytes.Buffer
	if err := tmpl.Write(&file); err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.csrf)
	mw.WriteField("purpose", "bidding")
	fw, _ := mw.CreateFormFile("file", "bidders.xlsx")
	fw.Write(file.Bytes())
	mw.Close()
	req, _ := http.NewRequest("POST", e.ts.URL+"/screening", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err = c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	resp, err = c.http.Get(e.ts.URL + loc + "/export")
	if err != nil {
		t.Fatal(err)
	}
	out, err := excelize.OpenReader(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	rows, _ := out.GetRows(out.GetSheetList()[0])
	if len(rows) != 3 {
		t.Fatalf("export rows: %q", rows)
	}
	if r := rows[1]; r[0] != "b1" || r[2] != e.inCounty.USCC || r[3] != "受限" || !strings.Contains(strings.Join(r, " "), "经营异常名录") ||
		!strings.Contains(strings.Join(r, " "), "第十九条") {
		t.Errorf("restricted bidder row: %q", r)
	}
	if r := rows[2]; r[0] != "b2" || r[3] != "未见限制" {
		t.Errorf("clear bidder row: %q", r)
	}
}
