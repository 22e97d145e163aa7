package certification_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"qcity"
	"qcity/internal/certification"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/sampling"
	"qcity/internal/translog"
	"qcity/internal/uscc"
)

type fixture struct {
	t        *testing.T
	d        *db.DB
	clock    *qcity.FixedClock
	reg      *registry.Service
	smp      *sampling.Service
	cred     *credit.Service
	cert     *certification.Service
	body     registry.Organisation // covers QMS, EMS, OHSMS and CCC
	body2    registry.Organisation // QMS only
	lab      registry.Organisation
	holder   registry.Entity // 霞山区 (440803)
	holder2  registry.Entity // 赤坎区 (440802)
	sys      context.Context
	official context.Context
	county   context.Context // 霞山区
	county2  context.Context // 赤坎区
	r        *rand.Rand
}

var fixtureNow = time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	j, _ := region.Default().Jurisdiction("440800")
	f := &fixture{t: t, d: d, clock: &qcity.FixedClock{T: fixtureNow}, r: rand.New(rand.NewPCG(7, 7))}
	ctx := context.Background()
	f.sys = qcity.WithActor(ctx, qcity.System("test"))
	f.official = qcity.WithActor(ctx, qcity.Actor{Kind: qcity.ActorUser, ID: 1, Name: "city", Role: qcity.RoleCityOfficial})
	f.county = qcity.WithActor(ctx, qcity.Actor{Kind: qcity.ActorUser, ID: 2, Name: "xiashan", Role: qcity.RoleCountyOfficial, Region: "440803"})
	f.county2 = qcity.WithActor(ctx, qcity.Actor{Kind: qcity.ActorUser, ID: 3, Name: "chikan", Role: qcity.RoleCountyOfficial, Region: "440802"})
	f.reg = registry.NewService(d, f.clock, j)
	if err := f.reg.LoadIndex(ctx); err != nil {
		t.Fatal(err)
	}
	f.smp = sampling.NewService(d, f.clock, f.reg, j)
	if err := f.smp.Load(ctx); err != nil {
		t.Fatal(err)
	}
	skey, _ := translog.GenerateKey("qcity.test/cert")
	log, err := translog.New(d, f.clock, skey)
	if err != nil {
		t.Fatal(err)
	}
	if err := log.Init(ctx); err != nil {
		t.Fatal(err)
	}
	f.cred = credit.NewService(d, f.clock, f.reg, log, j)
	if err := f.cred.Load(ctx); err != nil {
		t.Fatal(err)
	}
	f.cert = certification.NewService(d, f.clock, f.reg)
	f.cert.Sampling = f.smp
	f.cert.Sanctions = credit.CertificationSanctions{S: f.cred}
	f.cert.RiskHook = f.cred.RecomputeRisk
	f.smp.OnFailure = f.cert
	f.reg.OrgStatusHook = f.cert.OrganisationStatusChanged
	f.cred.Certificates = f.cert
	if err := f.cert.Load(ctx); err != nil {
		t.Fatal(err)
	}
	signerKey, _ := certification.GenerateTokenKey(certification.TokenKeyName("440800"))
	signer, err := certification.NewSigner(signerKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.cert.InitSigner(ctx, signer); err != nil {
		t.Fatal(err)
	}
	f.body = f.org("certification_body", "华南质量认证有限公司", "440106",
		"质量管理体系认证；环境管理体系认证；职业健康安全管理体系认证；强制性产品认证（家用电器、照明电器）", "CNCA-R-2004-123")
	f.body2 = f.org("certification_body", "北京华夏认证中心有限公司", "110108", "质量管理体系认证", "CNCA-R-2002-045")
	f.lab = f.org("lab", "湛江市产品质量监督检验所", "440803", "家用电器；电线电缆", "2021191234Z")
	f.holder = f.entity("湛江市霞山区海滨电器有限公司", "440803", "3854")
	f.holder2 = f.entity("湛江市赤坎区金帆电器有限公司", "440802", "3854")
	return f
}

func (f *fixture) org(kind, name, regionCode, scope, approval string) registry.Organisation {
	f.t.Helper()
	o, err := f.reg.CreateOrganisation(f.sys, registry.OrganisationInput{Kind: kind, Name: name, USCC: uscc.Generate(f.r, '9', '1', regionCode),
		Region: regionCode, Scope: scope, AccreditationNo: approval, ValidUntil: "2029-12-31"})
	if err != nil {
		f.t.Fatal(err)
	}
	return o
}

func (f *fixture) entity(name, regionCode, industry string) registry.Entity {
	f.t.Helper()
	e, err := f.reg.CreateEntity(f.sys, registry.EntityInput{USCC: uscc.Generate(f.r, '9', '1', regionCode), Name: name, Type: "company",
		LegalRepresentative: "陈海", Region: regionCode, Industry: industry, EstablishedOn: "2012-05-02"})
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

func (f *fixture) bodyCtx(o registry.Organisation) context.Context {
	return qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, ID: 50 + o.ID, Name: "body" + fmt.Sprint(o.ID),
		Role: qcity.RoleCertificationBody, OrgID: o.ID})
}

func (f *fixture) ccc(number string, holder registry.Entity) certification.CertificateInput {
	return certification.CertificateInput{Number: number, Scheme: "ccc", HolderName: holder.Name, HolderUSCC: holder.USCC,
		Product: "电饭锅", Models: "CFXB40-70 4.0L 220V~ 700W", Brand: "海滨", Manufacturer: holder.Name, Factory: holder.Name,
		Standard: "GB 4706.1-2005；GB 4706.19-2008", CertMode: "型式试验+初始工厂检查+获证后监督", IssuedOn: "2024-03-01",
		ExpiresOn: "2029-02-28", FirstIssuedOn: "2019-03-01"}
}

func (f *fixture) qms(number string, holder registry.Entity) certification.CertificateInput {
	return certification.CertificateInput{Number: number, Scheme: "iso9001", HolderName: holder.Name, HolderUSCC: holder.USCC,
		HolderAddress: "湛江市霞山区人民大道南 18 号", Scope: "电饭锅、电压力锅的设计和生产", IssuedOn: "2025-01-10", ExpiresOn: "2028-01-09"}
}

func (f *fixture) register(ctx context.Context, in certification.CertificateInput) certification.Certificate {
	f.t.Helper()
	r, err := f.cert.RegisterCertificate(ctx, in)
	if err != nil {
		f.t.Fatalf("register %s: %v", in.Number, err)
	}
	return r.Certificate
}

func fieldKeys(err error) string {
	qe := qcity.AsError(err)
	if qe == nil {
		return ""
	}
	var out []string
	for _, fe := range qe.Fields {
		out = append(out, fe.Field+":"+fe.Key)
	}
	if len(out) == 0 {
		return qe.Code + ":" + qe.Key
	}
	return strings.Join(out, " ")
}

func TestRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bctx := f.bodyCtx(f.body)
		r, err := f.cert.RegisterCertificate(bctx, f.ccc("2019010718000123", f.holder))
		if err != nil {
			t.Fatal(err)
		}
		c := r.Certificate
		if c.BodyID != f.body.ID || c.Category != "0718" || c.Region != "440803" || c.Public.Status != certification.StatusValid || len(r.Warnings) != 0 {
			t.Fatalf("registered %+v warnings %v", c, r.Warnings)
		}
		if _, err := f.cert.RegisterCertificate(bctx, f.ccc("2019010718000123", f.holder)); qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("same number twice: %v", err)
		}
		h, _ := f.cert.History(f.sys, c.ID)
		if len(h) != 1 || h[0].Kind != certification.EventRegistered || h[0].ActorName != "body"+fmt.Sprint(f.body.ID) {
			t.Errorf("history %+v", h)
		}
		// A scheme outside the body's approved scope is recorded with a warning.
		org := f.qms("03419F20011R0M", f.holder)
		org.Scheme, org.Scope = "iso22000", "电饭锅的生产"
		if r, err := f.cert.RegisterCertificate(f.bodyCtx(f.body2), org); err != nil || len(r.Warnings) != 1 || r.Warnings[0].Code != "issuer_not_accredited" {
			t.Errorf("out of scope: %v %+v", err, r.Warnings)
		}
		// A holder name other than the registry's is recorded with a warning.
		in := f.qms("03425Q10001R0S", f.holder)
		in.HolderName = "海滨电器"
		if r, err := f.cert.RegisterCertificate(bctx, in); err != nil || len(r.Warnings) != 1 || r.Warnings[0].Code != "holder_name_differs" {
			t.Errorf("name differs: %v %+v", err, r.Warnings)
		}
		// An official names the body; without one it is refused.
		off := f.qms("03425Q10002R0S", f.holder2)
		if _, err := f.cert.RegisterCertificate(f.official, off); fieldKeys(err) != "issuer:registry.required" {
			t.Errorf("official without issuer: %v", err)
		}
		off.Body = f.body.AccreditationNo
		if c := f.register(f.official, off); c.BodyID != f.body.ID || c.Source != "form" {
			t.Errorf("official's: %+v", c)
		}
		off.Number, off.Body = "03425Q10003R0S", "CNCA-R-1999-999"
		if _, err := f.cert.RegisterCertificate(f.official, off); fieldKeys(err) != "issuer:cert.body_unknown" {
			t.Errorf("unknown body: %v", err)
		}
		for _, ctx := range []context.Context{f.county, qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, Role: qcity.RoleLab, OrgID: f.lab.ID}),
			qcity.WithActor(context.Background(), qcity.Anonymous)} {
			if _, err := f.cert.RegisterCertificate(ctx, f.ccc("2019010718000999", f.holder)); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
				t.Errorf("%v registered: %v", qcity.ActorFrom(ctx).Role, err)
			}
		}
		// A body whose approval is suspended may not register.
		if _, err := f.cert.SetAccreditation(f.official, f.body2.ID, certification.AccreditationChange{Status: "suspended", Reason: "CNCA 暂停"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.cert.RegisterCertificate(f.bodyCtx(f.body2), f.qms("04525Q10001R0S", f.holder)); fieldKeys(err) != "issuer:cert.body_not_valid" {
			t.Errorf("suspended body: %v", err)
		}
	})
}

// Bad input, field by field.
func TestValidate(t *testing.T) {
	today := qcity.NewDate(2026, 3, 10)
	f := &fixture{}
	h := registry.Entity{Name: "湛江市霞山区海滨电器有限公司", USCC: "91440800MA4W12346A"}
	for _, tc := range []struct {
		name string
		edit func(in *certification.CertificateInput)
		want string
	}{
		{"ok", func(in *certification.CertificateInput) {}, ""},
		{"no number", func(in *certification.CertificateInput) { in.Number = " " }, "number:registry.required"},
		{"CCC 15 digits", func(in *certification.CertificateInput) { in.Number = "201901071800012" }, "number:cert.number.ccc_length"},
		{"CCC letter", func(in *certification.CertificateInput) { in.Number = "2019O10718000123" }, "number:cert.number.ccc_digits"},
		{"CCC year after issue", func(in *certification.CertificateInput) { in.Number = "2025010718000123" }, "number:cert.number.ccc_year"},
		{"CCC year not first issue", func(in *certification.CertificateInput) { in.Number = "2020010718000123" }, "number:cert.number.ccc_first_year"},
		{"number chars", func(in *certification.CertificateInput) { in.Number = "2019#10718000123" }, "number:cert.number.char"},
		{"number too long", func(in *certification.CertificateInput) { in.Number = strings.Repeat("1", 41) }, "number:cert.number.too_long"},
		{"no scheme", func(in *certification.CertificateInput) { in.Scheme = "" }, "scheme:registry.required"},
		{"unknown scheme", func(in *certification.CertificateInput) { in.Scheme = "iso9999" }, "scheme:cert.scheme_unknown"},
		{"no holder", func(in *certification.CertificateInput) { in.HolderName = "" }, "holder:registry.required"},
		{"holder with tag", func(in *certification.CertificateInput) { in.HolderName = "<b>x</b>" }, "holder:cert.text_chars"},
		{"holder USCC check", func(in *certification.CertificateInput) { in.HolderUSCC = "91440800MA4W12346B" }, "holder_uscc:uscc.check"},
		{"no holder USCC", func(in *certification.CertificateInput) { in.HolderUSCC = "" }, "holder_uscc:registry.required"},
		{"no product", func(in *certification.CertificateInput) { in.Product = "" }, "product:registry.required"},
		{"no models", func(in *certification.CertificateInput) { in.Models = "" }, "models:registry.required"},
		{"no manufacturer", func(in *certification.CertificateInput) { in.Manufacturer = "" }, "manufacturer:registry.required"},
		{"no factory", func(in *certification.CertificateInput) { in.Factory = "" }, "factory:registry.required"},
		{"no mode", func(in *certification.CertificateInput) { in.CertMode = "" }, "cert_mode:registry.required"},
		{"long brand", func(in *certification.CertificateInput) { in.Brand = strings.Repeat("牌", 101) }, "brand:registry.text_length"},
		{"no issue date", func(in *certification.CertificateInput) { in.IssuedOn = "" }, "issued_on:registry.required"},
		{"bad issue date", func(in *certification.CertificateInput) { in.IssuedOn = "2024-02-30" }, "issued_on:registry.date_format"},
		{"future issue", func(in *certification.CertificateInput) { in.IssuedOn = "2026-03-11" }, "issued_on:cert.date_future"},
		{"expires before issue", func(in *certification.CertificateInput) { in.ExpiresOn = "2024-03-01" }, "expires_on:cert.expires_before_issue"},
		{"CCC over 5 years", func(in *certification.CertificateInput) { in.ExpiresOn = "2029-03-02" }, "expires_on:cert.validity_too_long"},
		{"first after issue", func(in *certification.CertificateInput) {
			in.FirstIssuedOn = "2024-03-02"
			in.Number = "2024010718000123"
		}, "first_issued_on:cert.first_after_issue"},
		{"bad first date", func(in *certification.CertificateInput) { in.FirstIssuedOn = "x" }, "first_issued_on:registry.date_format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := f.ccc("2019010718000123", h)
			tc.edit(&in)
			_, errs := certification.Validate(in, today)
			got := fieldKeys(qcity.Invalid(errs...))
			if tc.want == "" && len(errs) > 0 || tc.want != "" && got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	// Management systems need address and scope; their numbers are checked loosely.
	in := f.qms("whatever-number-1", h)
	in.HolderAddress, in.Scope = "", ""
	_, errs := certification.Validate(in, today)
	if got := fieldKeys(qcity.Invalid(errs...)); got != "holder_address:registry.required scope:registry.required" {
		t.Errorf("management system: %q", got)
	}
	in = f.qms("03425E10001R0S", h)
	if _, errs := certification.Validate(in, today); fieldKeys(qcity.Invalid(errs...)) != "number:cert.number.system_letter" {
		t.Errorf("letter: %v", errs)
	}
	in = f.qms("03425Q10001R0S", h)
	in.ExpiresOn = "2028-01-11"
	if _, errs := certification.Validate(in, today); fieldKeys(qcity.Invalid(errs...)) != "expires_on:cert.validity_too_long" {
		t.Errorf("QMS over 3 years: %v", errs)
	}
}

func TestStatusChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bctx := f.bodyCtx(f.body)
		c := f.register(bctx, f.ccc("2019010718000123", f.holder))
		step := func(ctx context.Context, status, reason string, version int) (certification.Certificate, error) {
			return f.cert.ChangeStatus(ctx, c.Number, certification.StatusChange{Status: status, Reason: reason, Note: "监督检查", Version: version})
		}
		if _, err := step(f.bodyCtx(f.body2), "suspended", "surveillance_violation", 0); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("another body: %v", err)
		}
		if _, err := step(f.county, "suspended", "surveillance_violation", 0); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("county official: %v", err)
		}
		if _, err := step(bctx, "suspended", "surveillance_violation", 7); qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("stale version: %v", err)
		}
		if _, err := step(bctx, "suspended", "fraud", 0); fieldKeys(err) != "reason:cert.reason_status" {
			t.Errorf("wrong reason: %v", err)
		}
		c1, err := step(bctx, "suspended", "surveillance_violation", 1)
		if err != nil || c1.Status != certification.StatusSuspended || c1.Public.Status != certification.StatusSuspended || c1.Version != 2 {
			t.Fatalf("suspend: %+v %v", c1, err)
		}
		// A suspension moves the holder's risk class.
		rc, err := f.cred.RiskOf(f.official, f.holder.USCC)
		if err != nil || rc.Factors.CertSuspensions != 1 {
			t.Errorf("risk factor: %+v %v", rc, err)
		}
		f.clock.Advance(24 * time.Hour)
		if c2, err := step(bctx, "valid", "rectified", 0); err != nil || c2.Public.Status != certification.StatusValid {
			t.Fatalf("reinstate: %+v %v", c2, err)
		}
		if _, err := step(bctx, "revoked", "not_fixed", 0); fieldKeys(err) != "reason:cert.reason_from" {
			t.Errorf("not_fixed from valid: %v", err)
		}
		if c3, err := step(f.official, "revoked", "fraud", 0); err != nil || c3.Status != certification.StatusRevoked {
			t.Fatalf("revoke: %+v %v", c3, err)
		}
		for _, to := range []string{"valid", "suspended", "cancelled", "expired"} {
			if _, err := step(bctx, to, "rectified", 0); fieldKeys(err) != "status:cert.transition" && fieldKeys(err) != "status:cert.status_unknown" {
				t.Errorf("revoked → %s: %v", to, err)
			}
		}
		h, _ := f.cert.History(f.sys, c.ID)
		var got []string
		for _, e := range h {
			got = append(got, fmt.Sprintf("%s:%s>%s:%s", e.Kind, e.From, e.To, e.Reason))
		}
		want := "registered:>valid:registered status:valid>suspended:surveillance_violation status:suspended>valid:rectified status:valid>revoked:fraud"
		if strings.Join(got, " ") != want {
			t.Errorf("history\n got %s\nwant %s", strings.Join(got, " "), want)
		}
		if _, err := f.cert.ChangeStatus(bctx, "2099010718000123", certification.StatusChange{Status: "suspended", Reason: "nonconforming"}); qcity.ErrorCode(err) != qcity.ENOTFOUND {
			t.Errorf("unknown number: %v", err)
		}
	})
}

func TestRenewAndExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bctx := f.bodyCtx(f.body)
		in := f.ccc("2021010718000123", f.holder)
		in.IssuedOn, in.ExpiresOn, in.FirstIssuedOn = "2021-09-01", "2026-08-31", "2021-09-01"
		c := f.register(bctx, in)
		renew := func(issued, expires string) error {
			_, err := f.cert.Renew(bctx, c.Number, certification.Renewal{IssuedOn: issued, ExpiresOn: expires})
			return err
		}
		// 10 March: more than 90 days before the end of August.
		if err := renew("2026-03-10", "2031-03-09"); fieldKeys(err) != "expires_on:cert.renew_window" {
			t.Errorf("early renewal: %v", err)
		}
		if err := renew("2026-03-10", "2031-03-11"); fieldKeys(err) != "expires_on:cert.validity_too_long" {
			t.Errorf("long renewal: %v", err)
		}
		if err := renew("2026-03-10", "2026-05-01"); fieldKeys(err) != "expires_on:cert.renew_not_later" {
			t.Errorf("shorter renewal: %v", err)
		}
		if err := renew("2026-13-10", "x"); fieldKeys(err) != "issued_on:registry.date_format expires_on:registry.date_format" {
			t.Errorf("bad dates: %v", err)
		}
		// A renewal in the window keeps the number.
		in2 := f.ccc("2021010718000124", f.holder)
		in2.IssuedOn, in2.ExpiresOn, in2.FirstIssuedOn = "2021-06-01", "2026-05-31", "2021-06-01"
		c2 := f.register(bctx, in2)
		if _, err := f.cert.Renew(bctx, c2.Number, certification.Renewal{IssuedOn: "2026-03-10", ExpiresOn: "2031-03-09", Version: 1}); err != nil {
			t.Fatal(err)
		}
		got, _ := f.cert.FindCertificate(f.sys, c2.Number)
		if got.ExpiresOn != qcity.NewDate(2031, 3, 9) || got.FirstIssuedOn != qcity.NewDate(2021, 6, 1) {
			t.Errorf("renewed: %+v", got)
		}
		// Not while the body's approval is suspended: a renewal issues, as a registration does.
		q := f.register(f.bodyCtx(f.body2), f.qms("04525Q10001R0S", f.holder))
		if _, err := f.cert.SetAccreditation(f.official, f.body2.ID, certification.AccreditationChange{Status: "suspended", Reason: "CNCA 暂停"}); err != nil {
			t.Fatal(err)
		}
		qr := certification.Renewal{IssuedOn: "2026-03-10", ExpiresOn: "2029-03-09"}
		if _, err := f.cert.Renew(f.bodyCtx(f.body2), q.Number, qr); fieldKeys(err) != "expires_on:cert.body_not_valid_renew" {
			t.Errorf("renewal by a suspended body: %v", err)
		}
		if _, err := f.cert.SetAccreditation(f.official, f.body2.ID, certification.AccreditationChange{Status: "valid", Reason: "CNCA 恢复"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.cert.Renew(f.bodyCtx(f.body2), q.Number, qr); err != nil {
			t.Errorf("renewal once restored: %v", err)
		}
		// A certificate left to lapse: public status expired the day after, recorded by the run.
		f.clock.T = time.Date(2026, 9, 1, 3, 0, 0, 0, time.UTC)
		if v, _ := f.cert.Verify(f.sys, c.Number, certification.VerifyOptions{}); v.Status != certification.StatusExpired {
			t.Errorf("public status on 1 September: %s", v.Status)
		}
		n, err := f.cert.RunExpiry(f.sys, qcity.NewDate(2026, 9, 1))
		if err != nil || n != 1 {
			t.Fatalf("expiry: %d %v", n, err)
		}
		if n, _ := f.cert.RunExpiry(f.sys, qcity.NewDate(2026, 9, 1)); n != 0 {
			t.Errorf("second run: %d", n)
		}
		got, _ = f.cert.FindCertificate(f.sys, c.Number)
		if got.Status != certification.StatusExpired || got.StatusOn != qcity.NewDate(2026, 9, 1) {
			t.Errorf("after expiry %s %s", got.Status, got.StatusOn)
		}
		if err := renew("2026-09-01", "2031-08-31"); fieldKeys(err) != "expires_on:cert.renew_window" {
			t.Errorf("renewal after expiry: %v", err)
		}
		// An expired certificate may still be recorded as cancelled.
		if _, err := f.cert.ChangeStatus(bctx, c.Number, certification.StatusChange{Status: "cancelled", Reason: "cancelled_after_expiry"}); err != nil {
			t.Errorf("cancel after expiry: %v", err)
		}
		h, _ := f.cert.History(f.sys, c.ID)
		if len(h) != 3 || h[1].Kind != certification.EventExpired || h[1].On != qcity.NewDate(2026, 9, 1) || h[2].To != certification.StatusCancelled {
			t.Errorf("history %+v", h)
		}
	})
}

func TestCascade(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bctx := f.bodyCtx(f.body)
		a := f.register(bctx, f.ccc("2019010718000123", f.holder))
		b := f.register(bctx, f.qms("03425Q10001R0S", f.holder))
		s := f.register(bctx, f.ccc("2019010718000124", f.holder))
		if _, err := f.cert.ChangeStatus(bctx, s.Number, certification.StatusChange{Status: "suspended", Reason: "holder_request_suspend"}); err != nil {
			t.Fatal(err)
		}
		other := f.register(f.bodyCtx(f.body2), f.qms("04525Q10001R0S", f.holder))
		status := func(n string) (certification.Status, string) {
			v, err := f.cert.Verify(f.sys, n, certification.VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return v.Status, v.StatusReason
		}
		if _, err := f.cert.SetAccreditation(f.county, f.body.ID, certification.AccreditationChange{Status: "suspended", Reason: "x"}); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("county sets accreditation: %v", err)
		}
		if _, err := f.cert.SetAccreditation(f.official, f.body.ID, certification.AccreditationChange{Status: "suspended"}); fieldKeys(err) != "reason:registry.required" {
			t.Errorf("no reason: %v", err)
		}
		if _, err := f.cert.SetAccreditation(f.official, f.body.ID, certification.AccreditationChange{Status: "valid", Reason: "x"}); fieldKeys(err) != "status:cert.accreditation_same" {
			t.Errorf("same status: %v", err)
		}
		f.clock.Advance(48 * time.Hour)
		if _, err := f.cert.SetAccreditation(f.official, f.body.ID, certification.AccreditationChange{Status: "suspended", Reason: "CNCA 暂停批准"}); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{a.Number, b.Number} {
			if st, r := status(n); st != certification.StatusSuspended || r != "body_suspended" {
				t.Errorf("%s after the body's suspension: %s %s", n, st, r)
			}
		}
		if st, r := status(s.Number); st != certification.StatusSuspended || r != "holder_request_suspend" {
			t.Errorf("own suspension kept: %s %s", st, r)
		}
		if st, _ := status(other.Number); st != certification.StatusValid {
			t.Errorf("another body's certificate: %s", st)
		}
		// Withdrawn (through the registry's edit form this time): revoked.
		o, _ := f.reg.FindOrganisationByID(f.sys, f.body.ID)
		in := o.Input()
		in.Status = "revoked"
		if _, err := f.reg.UpdateOrganisation(f.official, o.ID, in, o.Version); err != nil {
			t.Fatal(err)
		}
		if err := f.cert.RefreshBodies(f.sys); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{a.Number, s.Number} {
			if st, r := status(n); st != certification.StatusRevoked || r != "body_withdrawn" {
				t.Errorf("%s after withdrawal: %s %s", n, st, r)
			}
		}
		// Restored: back to their own status, with the history showing each step.
		if _, err := f.cert.SetAccreditation(f.official, f.body.ID, certification.AccreditationChange{Status: "valid", Reason: "恢复"}); err != nil {
			t.Fatal(err)
		}
		if st, _ := status(a.Number); st != certification.StatusValid {
			t.Errorf("after restoration: %s", st)
		}
		h, _ := f.cert.History(f.sys, a.ID)
		var got []string
		for _, e := range h {
			if e.Kind == certification.EventCascade {
				got = append(got, fmt.Sprintf("%s>%s:%s", e.From, e.To, e.Reason))
			}
		}
		if want := "valid>suspended:body_suspended suspended>revoked:body_withdrawn revoked>valid:body_restored"; strings.Join(got, " ") != want {
			t.Errorf("cascade history: %s", strings.Join(got, " "))
		}
		hist, _ := f.cert.AccreditationHistory(f.sys, f.body.ID)
		if len(hist) != 3 || hist[0].To != registry.OrgValid || hist[2].To != registry.OrgSuspended {
			t.Errorf("accreditation history %+v", hist)
		}
	})
}

// The verification warnings, as a table of cases.
func TestVerifyWarnings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bctx := f.bodyCtx(f.body)
		valid := f.register(bctx, f.ccc("2019010718000123", f.holder))
		susp := f.register(bctx, f.ccc("2019010718000124", f.holder))
		rev := f.register(bctx, f.ccc("2019010718000125", f.holder))
		canc := f.register(bctx, f.ccc("2019010718000126", f.holder))
		old := f.ccc("2019010718000127", f.holder)
		old.IssuedOn, old.ExpiresOn, old.FirstIssuedOn = "2019-03-01", "2024-02-28", "2019-03-01"
		exp := f.register(bctx, old)
		for n, ch := range map[string]certification.StatusChange{
			susp.Number: {Status: "suspended", Reason: "nonconforming"},
			rev.Number:  {Status: "revoked", Reason: "fraud"},
			canc.Number: {Status: "cancelled", Reason: "discontinued"},
		} {
			if _, err := f.cert.ChangeStatus(bctx, n, ch); err != nil {
				t.Fatal(err)
			}
		}
		// A body approved for management systems only, certifying food safety: not accredited.
		outScope := f.qms("04519F20011R0M", f.holder2)
		outScope.Scheme = "iso22000"
		outScope.Scope = "电饭锅的生产"
		oos := f.register(f.bodyCtx(f.body2), outScope)
		for _, tc := range []struct {
			name, number, holder string
			found                bool
			status               certification.Status
			warnings             string
			lead                 string
		}{
			{"valid", valid.Number, "", true, "valid", "", ""},
			{"valid, holder by name", valid.Number, f.holder.Name, true, "valid", "", ""},
			{"valid, holder by code", valid.Number, f.holder.USCC, true, "valid", "", ""},
			{"shown by another", valid.Number, f.holder2.Name, true, "valid", "holder_mismatch", "holder_mismatch"},
			{"shown by another code", valid.Number, f.holder2.USCC, true, "valid", "holder_mismatch", "holder_mismatch"},
			{"suspended", susp.Number, "", true, "suspended", "suspended", ""},
			{"revoked", rev.Number, "", true, "revoked", "revoked", ""},
			{"cancelled", canc.Number, "", true, "cancelled", "cancelled", ""},
			{"expired", exp.Number, "", true, "expired", "expired", ""},
			{"issuer not accredited", oos.Number, "", true, "valid", "issuer_not_accredited", ""},
			{"unknown CCC number", "2019010718999999", "湛江市某电器厂", false, "", "unknown_number", "unknown_number"},
			{"unknown, bad format", "2019019918999999", "", false, "", "unknown_number format_invalid", "unknown_number"},
			{"unknown, no scheme", "ZJ-12345678", "", false, "", "unknown_number format_invalid", "unknown_number"},
			{"junk", "hello", "", false, "", "unknown_number format_invalid", ""},
			{"full-width typed", "２０１９０１０７１８０００１２３", "", true, "valid", "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var before int
				d.QueryRow(f.sys, `SELECT COALESCE(SUM(queries), 0) FROM cert_leads`).Scan(&before)
				v, err := f.cert.Verify(f.sys, tc.number, certification.VerifyOptions{Holder: tc.holder})
				if err != nil {
					t.Fatal(err)
				}
				var codes []string
				for _, w := range v.Warnings {
					codes = append(codes, w.Code)
				}
				if v.Found != tc.found || v.Status != tc.status || strings.Join(codes, " ") != tc.warnings {
					t.Errorf("found=%v status=%s warnings=%v", v.Found, v.Status, codes)
				}
				var after int
				d.QueryRow(f.sys, `SELECT COALESCE(SUM(queries), 0) FROM cert_leads`).Scan(&after)
				if (after > before) != (tc.lead != "") {
					t.Errorf("lead recorded: %v", after > before)
				}
			})
		}
		// The body's approval: a suspended body's certificates warn.
		if _, err := f.cert.SetAccreditation(f.official, f.body.ID, certification.AccreditationChange{Status: "suspended", Reason: "CNCA"}); err != nil {
			t.Fatal(err)
		}
		v, _ := f.cert.Verify(f.sys, valid.Number, certification.VerifyOptions{})
		var codes []string
		for _, w := range v.Warnings {
			codes = append(codes, w.Code)
		}
		if strings.Join(codes, " ") != "suspended issuer_status" {
			t.Errorf("suspended body: %v", codes)
		}
		// Repeated queries count in one lead; officials see it.
		for range 3 {
			f.cert.Verify(f.sys, "2019010718999999", certification.VerifyOptions{Holder: "湛江市某电器厂"})
		}
		leads, total, err := f.cert.FindLeads(f.official, certification.LeadFilter{Kind: "unknown_number"})
		if err != nil || total != 3 {
			t.Fatalf("leads %d %v", total, err)
		}
		for _, l := range leads {
			if l.Number == "2019010718999999" && (l.Queries != 4 || l.HolderQuery != "湛江市某电器厂" || !l.FormatOK) {
				t.Errorf("lead %+v", l)
			}
		}
		if _, _, err := f.cert.FindLeads(qcity.WithActor(context.Background(), qcity.Anonymous), certification.LeadFilter{}); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("anonymous sees leads: %v", err)
		}
		if _, _, err := f.cert.FindLeads(f.official, certification.LeadFilter{State: "x"}); fieldKeys(err) != "state:cert.lead_state_unknown" {
			t.Errorf("bad state filter: %v", err)
		}
		if _, err := f.cert.Verify(f.sys, " ", certification.VerifyOptions{}); fieldKeys(err) != "number:registry.required" {
			t.Errorf("empty number: %v", err)
		}
		if _, err := f.cert.Verify(f.sys, valid.Number, certification.VerifyOptions{Holder: strings.Repeat("名", 101)}); fieldKeys(err) != "holder:registry.text_length" {
			t.Errorf("long holder: %v", err)
		}
	})
}

// The public status filter of the list agrees with PublicStatus for every kind of
// certificate.
func TestStatusFilterAgrees(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bodies := []registry.Organisation{f.body, f.body2,
			f.org("certification_body", "上海东方认证有限公司", "310115", "质量管理体系认证", "CNCA-R-2003-011"),
			f.org("certification_body", "深圳南方认证有限公司", "440305", "质量管理体系认证", "CNCA-R-2005-077")}
		seq := 0
		for bi, b := range bodies {
			for _, own := range []string{"valid", "suspended", "revoked", "cancelled"} {
				for _, lapsed := range []bool{false, true} {
					seq++
					in := f.qms(fmt.Sprintf("0%d421Q1%04dR0S", bi, seq), f.holder)
					if lapsed {
						in.IssuedOn, in.ExpiresOn = "2022-01-10", "2025-01-09"
					}
					c := f.register(f.bodyCtx(b), in)
					if own != "valid" {
						reason := map[string]string{"suspended": "nonconforming", "revoked": "fraud", "cancelled": "discontinued"}[own]
						if lapsed && own != "cancelled" {
							continue // an expired certificate is only cancelled
						}
						if lapsed {
							reason = "cancelled_after_expiry"
						}
						if _, err := f.cert.ChangeStatus(f.bodyCtx(b), c.Number, certification.StatusChange{Status: own, Reason: reason}); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
		}
		for i, st := range []string{"suspended", "revoked", "expired"} {
			if i+1 < len(bodies) {
				if _, err := f.cert.SetAccreditation(f.official, bodies[i+1].ID, certification.AccreditationChange{Status: st, Reason: "test"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		all, total, err := f.cert.FindCertificates(f.sys, certification.Filter{Limit: 1000})
		if err != nil || total != len(all) || total < 20 {
			t.Fatalf("all: %d %v", total, err)
		}
		want := map[certification.Status]map[string]bool{}
		for _, c := range all {
			if want[c.Public.Status] == nil {
				want[c.Public.Status] = map[string]bool{}
			}
			want[c.Public.Status][c.Number] = true
		}
		for _, st := range certification.Statuses {
			list, n, err := f.cert.FindCertificates(f.sys, certification.Filter{Status: string(st), Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if n != len(want[st]) {
				t.Errorf("%s: %d listed, %d by PublicStatus", st, n, len(want[st]))
			}
			for _, c := range list {
				if !want[st][c.Number] {
					t.Errorf("%s lists %s (%s)", st, c.Number, c.Public.Status)
				}
			}
		}
		if _, _, err := f.cert.FindCertificates(f.sys, certification.Filter{Status: "lost", Scheme: "x"}); fieldKeys(err) != "status:cert.status_unknown scheme:cert.scheme_unknown" {
			t.Errorf("bad filters: %v", err)
		}
		if list, _, _ := f.cert.FindCertificates(f.sys, certification.Filter{Q: "海滨电器", Issuer: f.body.AccreditationNo}); len(list) == 0 {
			t.Error("search by holder name and issuer found nothing")
		}
	})
}

func (f *fixture) productSample(no, product string, fail bool) sampling.SampleInput {
	res := "650"
	if fail {
		res = "820"
	}
	return sampling.SampleInput{SampleNo: no, Kind: "product", Level: "city", Category: "家用电器/电饭锅", ProductName: product,
		Brand: "海滨", Specification: "CFXB40-70 4.0L 220V~ 700W", Batch: "2025-12", ProducerUSCC: f.holder.USCC, ProducerName: f.holder.Name,
		Region: "440803", Stage: "生产", SampledOn: "2026-03-02", Samplers: []string{"甲", "乙"}, Lab: f.lab.Name,
		Items: []sampling.ItemInput{{Item: "输入功率", Result: res, Unit: "W", Limit: "≤770", LabVerdict: map[bool]string{true: "不合格", false: "合格"}[fail]}}}
}

func TestLinkedSupervision(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bctx := f.bodyCtx(f.body)
		ccc := f.register(bctx, f.ccc("2019010718000123", f.holder))
		qms := f.register(bctx, f.qms("03425Q10001R0S", f.holder))
		ems := f.qms("03425E10001R0S", f.holder)
		ems.Scheme = "iso14001"
		f.register(bctx, ems) // environment: not about the product
		fan := f.ccc("2019010702000123", f.holder)
		fan.Product = "电风扇"
		f.register(bctx, fan) // another product
		labCtx := qcity.WithActor(context.Background(), qcity.Actor{Kind: qcity.ActorUser, Name: "lab", Role: qcity.RoleLab, OrgID: f.lab.ID})
		if _, err := f.smp.CreateSample(labCtx, f.productSample("CP2026001", "智能电饭煲", false)); err != nil {
			t.Fatal(err)
		}
		smp, err := f.smp.CreateSample(labCtx, f.productSample("CP2026002", "智能电饭煲", true))
		if err != nil || smp.State != sampling.StateFailed {
			t.Fatalf("failed sample: %+v %v", smp, err)
		}
		flags, total, err := f.cert.FindFlags(f.official, certification.FlagFilter{})
		if err != nil || total != 2 {
			t.Fatalf("flags %d %v", total, err)
		}
		numbers := map[string]bool{}
		for _, fl := range flags {
			numbers[fl.Number] = true
			if fl.SampleNo != "CP2026002" || fl.FailedItems != "输入功率" || fl.DueOn != f.cert.Cal.AddWorkingDays(qcity.NewDate(2026, 3, 10), 20) || fl.LabID != f.lab.ID {
				t.Errorf("flag %+v", fl)
			}
		}
		if !numbers[ccc.Number] || !numbers[qms.Number] {
			t.Errorf("flagged %v", numbers)
		}
		// Each body sees its own; another body none.
		if _, n, _ := f.cert.FindFlags(bctx, certification.FlagFilter{State: "open"}); n != 2 {
			t.Errorf("body sees %d", n)
		}
		if _, n, _ := f.cert.FindFlags(f.bodyCtx(f.body2), certification.FlagFilter{}); n != 0 {
			t.Errorf("another body sees %d", n)
		}
		var cccFlag, qmsFlag certification.Flag
		for _, fl := range flags {
			if fl.Number == ccc.Number {
				cccFlag = fl
			} else {
				qmsFlag = fl
			}
		}
		if _, err := f.cert.RespondFlag(f.bodyCtx(f.body2), cccFlag.ID, certification.FlagResponse{Response: "suspend"}); qcity.ErrorCode(err) != qcity.ENOTFOUND {
			t.Errorf("another body answers: %v", err)
		}
		if _, err := f.cert.RespondFlag(bctx, qmsFlag.ID, certification.FlagResponse{Response: "maintain"}); fieldKeys(err) != "note:registry.required" {
			t.Errorf("maintain without reasons: %v", err)
		}
		if _, err := f.cert.RespondFlag(bctx, qmsFlag.ID, certification.FlagResponse{Response: "ignore", Note: "x"}); fieldKeys(err) != "response:cert.response_unknown" {
			t.Errorf("unknown response: %v", err)
		}
		f.clock.Advance(3 * 24 * time.Hour)
		fl, err := f.cert.RespondFlag(bctx, cccFlag.ID, certification.FlagResponse{Response: "suspend", Note: "暂停至整改完成"})
		if err != nil || fl.State != certification.FlagResponded || fl.ResponseDays != 3 {
			t.Fatalf("respond: %+v %v", fl, err)
		}
		if c, _ := f.cert.FindCertificate(f.sys, ccc.Number); c.Status != certification.StatusSuspended || c.StatusReason != "sampling_failure" {
			t.Errorf("certificate after suspension: %s %s", c.Status, c.StatusReason)
		}
		if _, err := f.cert.RespondFlag(bctx, cccFlag.ID, certification.FlagResponse{Response: "maintain", Note: "x"}); fieldKeys(err) != "response:cert.flag_not_open" {
			t.Errorf("second answer: %v", err)
		}
		if _, err := f.cert.RespondFlag(bctx, qmsFlag.ID, certification.FlagResponse{Response: "maintain", Note: "单批次偶发，已监督整改"}); err != nil {
			t.Fatal(err)
		}
		// Overturned failures withdraw their open flags.
		s3, err := f.smp.CreateSample(labCtx, f.productSample("CP2026003", "电饭锅", true))
		if err != nil {
			t.Fatal(err)
		}
		// (As a re-test would: the sample becomes a pass, and the hook is told.)
		if err := d.InTx(f.sys, func(tx *db.Tx) error {
			if _, err := tx.Exec(f.sys, `UPDATE samples SET state = 'overturned', verdict = 'pass' WHERE id = ?`, s3.ID); err != nil {
				return err
			}
			return f.cert.SampleOverturned(f.sys, tx, s3, qcity.NewDate(2026, 3, 13))
		}); err != nil {
			t.Fatal(err)
		}
		if _, n, _ := f.cert.FindFlags(f.official, certification.FlagFilter{State: "withdrawn"}); n != 2 {
			t.Errorf("withdrawn: %d", n)
		}
		// The catch-up flags failures recorded before the certificate was.
		if _, err := f.smp.CreateSample(labCtx, f.productSample("CP2026004", "电饭锅", true)); err != nil {
			t.Fatal(err)
		}
		late := f.ccc("2018010718000555", f.holder)
		late.IssuedOn, late.ExpiresOn, late.FirstIssuedOn = "2023-06-01", "2028-05-31", "2018-06-01"
		f.register(bctx, late)
		n, err := f.cert.ScanFailures(f.sys, certification.ScanOptions{})
		if err != nil || n != 2 {
			t.Errorf("scan: %d %v", n, err)
		}
		if n2, _ := f.cert.ScanFailures(f.sys, certification.ScanOptions{}); n2 != 0 {
			t.Errorf("second scan: %d", n2)
		}
		var lateFlags int
		d.QueryRow(f.sys, `SELECT COUNT(*) FROM cert_flags f JOIN certificates c ON c.id = f.certificate_id WHERE c.number = ?`, late.Number).Scan(&lateFlags)
		if lateFlags != 2 { // CP2026002 and CP2026004; CP2026003 is not a standing failure
			var rows []string
			r, _ := d.Query(f.sys, `SELECT f.sample_no FROM cert_flags f JOIN certificates c ON c.id = f.certificate_id WHERE c.number = ?`, late.Number)
			for r.Next() {
				var s string
				r.Scan(&s)
				rows = append(rows, s)
			}
			r.Close()
			t.Errorf("catch-up flags of the late certificate: %v", rows)
		}
		// The oversight figures.
		o, err := f.cert.Oversight(f.official)
		if err != nil {
			t.Fatal(err)
		}
		var bs certification.BodyStats
		for _, b := range o.Bodies {
			if b.ID == f.body.ID {
				bs = b
			}
		}
		if bs.Sampled != 4 || bs.Failed != 2 || bs.Flags != 6 || bs.Open != 4 || bs.Responded != 2 || bs.Suspended != 1 || bs.ResponseDays != 6 {
			t.Errorf("body figures %+v", bs)
		}
		if len(o.Labs) != 1 || o.Labs[0].Tested != 4 || o.Labs[0].Failed != 2 {
			t.Errorf("lab figures %+v", o.Labs)
		}
		if _, err := f.cert.Oversight(bctx); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("a body sees the dashboard: %v", err)
		}
	})
}

func pdf() []byte { return []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n") }

func TestCases(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		// A forged number shown by a registered enterprise.
		if _, err := f.cert.Verify(f.sys, "2020010718654321", certification.VerifyOptions{Holder: f.holder.USCC}); err != nil {
			t.Fatal(err)
		}
		leads, _, _ := f.cert.FindLeads(f.official, certification.LeadFilter{})
		if len(leads) != 1 {
			t.Fatalf("leads %v", leads)
		}
		if _, err := f.cert.OpenCase(f.official, certification.CaseInput{Source: "lead", LeadID: leads[0].ID, Offence: "stolen"}); fieldKeys(err) != "summary:registry.required offence:cert.offence_unknown" {
			t.Errorf("bad case: %v", err)
		}
		if _, err := f.cert.OpenCase(f.county2, certification.CaseInput{Source: "lead", LeadID: leads[0].ID, Offence: "forged", Summary: "x"}); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("other county opens: %v", err)
		}
		c, err := f.cert.OpenCase(f.county, certification.CaseInput{Source: "lead", LeadID: leads[0].ID, Offence: "forged",
			Summary: "企业在投标文件中使用的 CCC 证书编号在认证信息平台查无此证。"})
		if err != nil {
			t.Fatal(err)
		}
		if c.CaseNo != "RZ2026-0001" || c.SubjectUSCC != f.holder.USCC || c.Region != "440803" || c.Circumstance != "7.5" {
			t.Errorf("case %+v", c)
		}
		if _, err := f.cert.OpenCase(f.official, certification.CaseInput{Source: "lead", LeadID: leads[0].ID, Offence: "forged", Summary: "again"}); qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("second case on the lead: %v", err)
		}
		if l, _ := f.cert.FindLead(f.official, leads[0].ID); l.State != certification.LeadCase {
			t.Errorf("lead state %s", l.State)
		}
		if _, err := f.cert.FindCase(f.county2, c.ID); qcity.ErrorCode(err) != qcity.ENOTFOUND {
			t.Errorf("another county sees the case: %v", err)
		}
		// Evidence: type and size checked.
		if _, err := f.cert.AddEvidence(f.county, c.ID, []certification.Upload{{Name: "x.pdf", Data: []byte("MZ not a pdf")}}); fieldKeys(err) != "files:cert.file_type" {
			t.Errorf("bad file: %v", err)
		}
		if _, err := f.cert.AddEvidence(f.county, c.ID, []certification.Upload{{Name: "x.pdf", Data: bytes.Repeat([]byte("%PDF"), 3<<20)}}); fieldKeys(err) != "files:cert.file_too_large" {
			t.Errorf("big file: %v", err)
		}
		if _, err := f.cert.AddEvidence(f.county, c.ID, nil); fieldKeys(err) != "files:cert.files_required" {
			t.Errorf("no file: %v", err)
		}
		docs, err := f.cert.AddEvidence(f.county, c.ID, []certification.Upload{{Name: "投标文件截图.pdf", Data: pdf()}})
		if err != nil || len(docs) != 1 {
			t.Fatalf("evidence: %v %v", docs, err)
		}
		if _, data, err := f.cert.DocumentData(f.county, docs[0].ID); err != nil || !bytes.Equal(data, pdf()) {
			t.Errorf("document: %v", err)
		}
		if _, _, err := f.cert.DocumentData(f.county2, docs[0].ID); qcity.ErrorCode(err) != qcity.ENOTFOUND {
			t.Errorf("another county reads the evidence: %v", err)
		}
		// A penalty before the outcome is refused.
		pen := certification.PenaltyRequest{DecisionNo: "湛霞市监罚〔2026〕12号", DecidedOn: qcity.NewDate(2026, 3, 10), Kinds: []string{"fine"},
			Fine: "30000", Violation: "伪造强制性产品认证证书", Basis: "《认证证书和认证标志管理办法》第二十六条", Heavier: true}
		if _, err := f.cert.CasePenalty(f.county, c.ID, pen); fieldKeys(err) != "outcome:cert.case_no_violation" {
			t.Errorf("penalty before outcome: %v", err)
		}
		if _, err := f.cert.CloseCase(f.county, c.ID, certification.CaseOutcome{Outcome: "guilty", Note: ""}); fieldKeys(err) != "outcome:cert.outcome_unknown note:registry.required" {
			t.Errorf("bad outcome: %v", err)
		}
		if c, err = f.cert.CloseCase(f.county, c.ID, certification.CaseOutcome{Outcome: "violation", Note: "伪造证书属实"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.cert.AddEvidence(f.county, c.ID, []certification.Upload{{Name: "y.pdf", Data: pdf()}}); fieldKeys(err) != "state:cert.case_closed" {
			t.Errorf("evidence on a closed case: %v", err)
		}
		// The penalty through credit, whose own checks apply.
		bad := pen
		bad.Fine = "abc"
		if _, err := f.cert.CasePenalty(f.county, c.ID, bad); fieldKeys(err) != "fine:credit.amount_format" {
			t.Errorf("credit's checks: %v", err)
		}
		if _, err := f.cert.CaseSerious(f.county, c.ID, certification.SeriousRequest{Facts: "x", IntentEstablished: true}); fieldKeys(err) != "penalty_decision_no:cert.case_needs_penalty" {
			t.Errorf("serious before penalty: %v", err)
		}
		if c, err = f.cert.CasePenalty(f.county, c.ID, pen); err != nil || c.PenaltyNo != pen.DecisionNo {
			t.Fatalf("penalty: %+v %v", c, err)
		}
		if _, err := f.cert.CasePenalty(f.county, c.ID, pen); qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("second penalty: %v", err)
		}
		ps, _, _ := f.cred.FindPenalties(f.official, credit.PenaltyFilter{State: "all", Q: f.holder.USCC})
		if len(ps) != 1 || ps[0].State != credit.PenaltyPublished || ps[0].FineFen != 30000_00 {
			t.Errorf("credit penalties %+v", ps)
		}
		if c, err = f.cert.CaseSerious(f.county, c.ID, certification.SeriousRequest{Facts: "伪造 CCC 证书用于投标", IntentEstablished: true}); err != nil {
			t.Fatal(err)
		}
		l, err := f.cred.FindSerious(f.official, c.SeriousID)
		if err != nil || len(l.Circumstances) != 1 || l.Circumstances[0] != "7.5" || l.State != credit.SeriousProposed {
			t.Errorf("serious proposal %+v %v", l, err)
		}
		full, _ := f.cert.FindCase(f.county, c.ID)
		var kinds []string
		for _, e := range full.Events {
			kinds = append(kinds, e.Kind)
		}
		if strings.Join(kinds, " ") != "opened evidence closed penalty serious" || len(full.Documents) != 1 || full.Lead == nil {
			t.Errorf("case record: %v %d", kinds, len(full.Documents))
		}
		// A case on an unregistered subject records its outcome but cannot feed credit.
		c2, err := f.cert.OpenCase(f.official, certification.CaseInput{Source: "manual", Number: "2020010718000001", Offence: "misused",
			SubjectName: "外地某贸易公司", Summary: "网店使用他人证书"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.cert.OpenCase(f.county, certification.CaseInput{Source: "manual", Offence: "misused", Summary: "外地", SubjectName: "外地某公司"}); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("county opens a city case: %v", err)
		}
		f.cert.CloseCase(f.official, c2.ID, certification.CaseOutcome{Outcome: "violation", Note: "移交属地"})
		if _, err := f.cert.CasePenalty(f.official, c2.ID, pen); fieldKeys(err) != "subject_uscc:cert.case_subject_unregistered" {
			t.Errorf("unregistered subject: %v", err)
		}
		if list, total, _ := f.cert.FindCases(f.county, certification.CaseFilter{}); total != 1 || list[0].ID != c.ID {
			t.Errorf("county's cases: %d", total)
		}
	})
}

func TestImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bctx := f.bodyCtx(f.body)
		header := "证书编号,认证类别,获证组织,统一社会信用代码,组织地址,产品名称,型号规格,商标,生产者（制造商）,生产企业,认证覆盖范围,认证依据,认证模式,发证日期,有效期至,初次发证日期\n"
		good := header +
			"2019010718000123,强制性产品认证," + f.holder.Name + "," + f.holder.USCC + ",,电饭锅,CFXB40,海滨," + f.holder.Name + "," + f.holder.Name + ",,GB 4706.19-2008,型式试验+初始工厂检查+获证后监督,2024-03-01,2029-02-28,2019-03-01\n" +
			"03425Q10001R0S,ISO 9001," + f.holder.Name + "," + f.holder.USCC + ",湛江市霞山区人民大道南 18 号,,,,,,电饭锅的设计和生产,,,2025-01-10,2028-01-09,\n" +
			"03425E10001R0S,环境管理体系认证," + f.holder2.Name + "," + f.holder2.USCC + ",湛江市赤坎区,,,,,,电饭锅的生产,,,2025-01-10,2028-01-09,\n"
		res, err := f.cert.ImportCertificates(bctx, strings.NewReader(good), "证书.csv")
		if err != nil || res.Rows != 3 {
			t.Fatalf("import: %+v %v", res, err)
		}
		if c, _ := f.cert.FindCertificate(f.sys, "03425E10001R0S"); c.Scheme != certification.SchemeISO14001 || c.Source != "import" || c.Standard == "" {
			t.Errorf("imported %+v", c)
		}
		// One bad cell per column, a duplicate in the file and a number already registered.
		bad := header +
			"2019010718000124,CCC," + f.holder.Name + "," + f.holder.USCC + ",,,CFXB40,,x,x,,GB,模式,2024-03-01,2029-02-28,\n" + // product
			"03425Q10002R0S,ISO 9999," + f.holder.Name + "," + f.holder.USCC + ",地址,,,,,,范围,,,2025-01-10,2028-01-09,\n" + // scheme
			"03425Q10003R0S,ISO 9001,," + f.holder.USCC + ",地址,,,,,,范围,,,2025-01-10,2028-01-09,\n" + // holder
			"03425Q10004R0S,ISO 9001,某公司,91440800MA4W12346B,地址,,,,,,范围,,,2025-01-10,2028-01-09,\n" + // holder_uscc
			"03425Q10005R0S,ISO 9001,某公司," + f.holder.USCC + ",,,,,,,范围,,,2025-01-10,2028-01-09,\n" + // holder_address
			"03425Q10006R0S,ISO 9001,某公司," + f.holder.USCC + ",地址,,,,,,,,,2025-01-10,2028-01-09,\n" + // scope
			"03425Q10007R0S,ISO 9001,某公司," + f.holder.USCC + ",地址,,,,,,范围,,,2025/01/10,2028-01-09,\n" + // issued_on
			"03425Q10008R0S,ISO 9001,某公司," + f.holder.USCC + ",地址,,,,,,范围,,,2025-01-10,2031-01-09,\n" + // expires_on
			"03425Q10009R0S,ISO 9001,某公司," + f.holder.USCC + ",地址,,,,,,范围,,,2025-01-10,2028-01-09,2026-01-01\n" + // first_issued_on
			"2019010718000125,CCC," + f.holder.Name + "," + f.holder.USCC + ",,电饭锅,,,x,x,,GB,模式,2024-03-01,2029-02-28,\n" + // models
			"2019010718000126,CCC," + f.holder.Name + "," + f.holder.USCC + ",,电饭锅,M,,,x,,GB,模式,2024-03-01,2029-02-28,\n" + // manufacturer
			"2019010718000127,CCC," + f.holder.Name + "," + f.holder.USCC + ",,电饭锅,M,,x,,,GB,模式,2024-03-01,2029-02-28,\n" + // factory
			"2019010718000128,CCC," + f.holder.Name + "," + f.holder.USCC + ",,电饭锅,M,,x,x,,GB,,2024-03-01,2029-02-28,\n" + // cert_mode
			"2019010718000129,CCC," + f.holder.Name + "," + f.holder.USCC + ",,电饭锅,M,<b>,x,x,,GB,模式,2024-03-01,2029-02-28,\n" + // brand
			"2019010718000130,CCC," + f.holder.Name + "," + f.holder.USCC + ",,电饭锅,M,,x,x,,,模式,2024-03-01,2029-02-28,\n" + // standard (CCC has no default)
			"20190107180001,CCC," + f.holder.Name + "," + f.holder.USCC + ",,电饭锅,M,,x,x,,GB,模式,2024-03-01,2029-02-28,\n" + // number
			"2019010718000123,CCC," + f.holder.Name + "," + f.holder.USCC + ",,电饭锅,M,,x,x,,GB,模式,2024-03-01,2029-02-28,\n" + // registered
			"2019010718000131,CCC," + f.holder.Name + "," + f.holder.USCC + ",,电饭锅,M,,x,x,,GB,模式,2024-03-01,2029-02-28,\n" +
			"2019010718000131,CCC," + f.holder.Name + "," + f.holder.USCC + ",,电饭锅,M,,x,x,,GB,模式,2024-03-01,2029-02-28,\n" // duplicate
		before := f.count(`SELECT COUNT(*) FROM certificates`)
		_, err = f.cert.ImportCertificates(bctx, strings.NewReader(bad), "bad.csv")
		qe := qcity.AsError(err)
		if qe == nil || qe.Key != "cert.import_rejected" {
			t.Fatalf("bad file: %v", err)
		}
		got := map[string]int{}
		for _, fe := range qe.Fields {
			got[fe.Field] = fe.Row
		}
		want := map[string]int{"product": 2, "scheme": 3, "holder": 4, "holder_uscc": 5, "holder_address": 6, "scope": 7, "issued_on": 8,
			"expires_on": 9, "first_issued_on": 10, "models": 11, "manufacturer": 12, "factory": 13, "cert_mode": 14, "brand": 15,
			"standard": 16, "number": 20}
		for field, row := range want {
			if got[field] == 0 {
				t.Errorf("no error for column %s (want row %d); got %v", field, row, qe.Fields)
			} else if field != "number" && got[field] != row {
				t.Errorf("column %s: row %d, want %d", field, got[field], row)
			}
		}
		if after := f.count(`SELECT COUNT(*) FROM certificates`); after != before {
			t.Errorf("a rejected file wrote %d certificates", after-before)
		}
		// The number already registered is reported once the rest is clean.
		dup := header + "2019010718000123,CCC," + f.holder.Name + "," + f.holder.USCC + ",,电饭锅,M,,x,x,,GB,模式,2024-03-01,2029-02-28,\n"
		if _, err := f.cert.ImportCertificates(bctx, strings.NewReader(dup), "dup.csv"); fieldKeys(err) != "number:cert.number_taken" {
			t.Errorf("registered number: %v", err)
		}
		if _, err := f.cert.ImportCertificates(bctx, strings.NewReader(header), "empty.csv"); fieldKeys(err) != "file:cert.import_empty" {
			t.Errorf("empty file: %v", err)
		}
		if _, err := f.cert.ImportCertificates(f.county, strings.NewReader(good), "x.csv"); qcity.ErrorCode(err) != qcity.EFORBIDDEN {
			t.Errorf("county imports: %v", err)
		}
		// An official's file names the issuer in each row.
		off := header[:len(header)-1] + ",认证机构\n" +
			"03425Q10010R0S,ISO 9001," + f.holder.Name + "," + f.holder.USCC + ",地址,,,,,,电饭锅的生产,,,2025-01-10,2028-01-09,," + f.body.AccreditationNo + "\n" +
			"03425Q10011R0S,ISO 9001," + f.holder.Name + "," + f.holder.USCC + ",地址,,,,,,电饭锅的生产,,,2025-01-10,2028-01-09,,\n"
		if _, err := f.cert.ImportCertificates(f.official, strings.NewReader(off), "off.csv"); fieldKeys(err) != "issuer:registry.required" {
			t.Errorf("official's file without issuer: %v", err)
		}
	})
}

func (f *fixture) count(q string) int {
	var n int
	if err := f.d.QueryRow(f.sys, q).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestProfileAndTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bctx := f.bodyCtx(f.body)
		c := f.register(bctx, f.ccc("2019010718000123", f.holder))
		f.register(bctx, f.qms("03425Q10001R0S", f.holder))
		p, err := f.cred.Profile(qcity.WithActor(context.Background(), qcity.Anonymous), f.holder.USCC, nil)
		if err != nil || len(p.Certificates) != 2 {
			t.Fatalf("profile certificates %+v %v", p.Certificates, err)
		}
		tok, _, err := f.cert.TokenOf(f.sys, c.Number)
		if err != nil {
			t.Fatal(err)
		}
		key, _ := f.cert.TokenKey()
		v, _ := certification.NewVerifier(key)
		if tk, err := v.Verify(tok); err != nil || tk.Number != c.Number || tk.USCC != f.holder.USCC || tk.Issuer != f.body.AccreditationNo {
			t.Errorf("token %+v %v", tk, err)
		}
		tc, err := f.cert.CheckToken(f.sys, "https://x/q/"+tok)
		if err != nil || !tc.Valid || !tc.Found || tc.Certificate.Public.Status != certification.StatusValid {
			t.Errorf("check %+v %v", tc, err)
		}
		// A suspension shows live on the scanned token; a tampered one does not verify.
		f.cert.ChangeStatus(bctx, c.Number, certification.StatusChange{Status: "suspended", Reason: "nonconforming"})
		if tc, _ := f.cert.CheckToken(f.sys, tok); tc.Certificate.Public.Status != certification.StatusSuspended {
			t.Errorf("live status %s", tc.Certificate.Public.Status)
		}
		if tc, _ := f.cert.CheckToken(f.sys, tok[:len(tok)-3]); tc.Valid || tc.Error == nil || tc.Error.Key != "cert.token.truncated" {
			t.Errorf("truncated: %+v", tc)
		}
		// The database refuses another key later.
		other, _ := certification.GenerateTokenKey("qcity-cert/440800")
		s2, _ := certification.NewSigner(other)
		if err := f.cert.InitSigner(f.sys, s2); err == nil {
			t.Error("another key accepted")
		}
	})
}

// An approval whose validity ends lapses by itself in the daily run, with the same
// record and cascade as an official's change; a second run changes nothing.
func TestApprovalLapse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.register(f.bodyCtx(f.body), f.ccc("2019010718000123", f.holder))
		other := f.register(f.bodyCtx(f.body2), f.qms("04525Q10001R0S", f.holder))
		for _, o := range []registry.Organisation{f.body, f.lab} {
			in := o.Input()
			in.ValidUntil = "2026-03-20"
			if _, err := f.reg.UpdateOrganisation(f.official, o.ID, in, o.Version); err != nil {
				t.Fatal(err)
			}
		}
		status := func(n string) (certification.Status, string) {
			v, err := f.cert.Verify(f.sys, n, certification.VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return v.Status, v.StatusReason
		}
		// On its last valid day the approval still holds.
		if sum, err := f.cert.RunDaily(f.sys, qcity.NewDate(2026, 3, 20)); err != nil || sum.Lapsed != 0 {
			t.Fatalf("run on the last valid day: %+v, %v", sum, err)
		}
		f.clock.T = time.Date(2026, 3, 21, 1, 0, 0, 0, time.UTC)
		audits := f.count(`SELECT COUNT(*) FROM audit_log WHERE object_type = 'organisation'`)
		sum, err := f.cert.RunDaily(f.sys, qcity.NewDate(2026, 3, 21))
		if err != nil || sum.Lapsed != 2 {
			t.Fatalf("run on the day after: %+v, %v (want the body and the lab lapsed)", sum, err)
		}
		if got := f.count(`SELECT COUNT(*) FROM audit_log WHERE object_type = 'organisation'`); got != audits+2 {
			t.Errorf("%d organisation audit records, want %d", got, audits+2)
		}
		for _, o := range []registry.Organisation{f.body, f.lab} {
			now, _ := f.reg.FindOrganisationByID(f.sys, o.ID)
			hist, _ := f.cert.AccreditationHistory(f.sys, o.ID)
			if now.Status != registry.OrgExpired || len(hist) == 0 || hist[0].To != registry.OrgExpired || hist[0].Reason != certification.LapseReason {
				t.Errorf("%s: status %s, history %+v", o.Name, now.Status, hist)
			}
		}
		if st, r := status(a.Number); st != certification.StatusSuspended || r != "body_expired" {
			t.Errorf("certificate of the lapsed body: %s %s", st, r)
		}
		if st, _ := status(other.Number); st != certification.StatusValid {
			t.Errorf("another body's certificate: %s", st)
		}
		h, _ := f.cert.History(f.sys, a.ID)
		if last := h[len(h)-1]; last.Kind != certification.EventCascade || last.Reason != "body_expired" {
			t.Errorf("cascade event: %+v", h)
		}
		if sum, err := f.cert.RunDaily(f.sys, qcity.NewDate(2026, 3, 21)); err != nil || sum.Lapsed != 0 {
			t.Errorf("second run: %+v, %v", sum, err)
		}
		// Renewed by CNCA, recorded by an official: the certificate is valid again.
		if _, err := f.cert.SetAccreditation(f.official, f.body.ID, certification.AccreditationChange{Status: "valid", Reason: "CNCA 换发批准书"}); err != nil {
			t.Fatal(err)
		}
		if st, _ := status(a.Number); st != certification.StatusValid {
			t.Errorf("after renewal of the approval: %s", st)
		}
	})
}
