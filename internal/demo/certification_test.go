package demo

import (
	"reflect"
	"strings"
	"testing"

	"qcity"
	"qcity/internal/certification"
)

// The demo's certificates: deterministic, in the number formats of RULES.md §8, and
// loaded with statuses, flags on failed samples and forgery leads that the services
// count from the records.
func TestCertificationDemo(t *testing.T) {
	s := newSamplingDB(t, 4000)
	today := qcity.DateOf(samplingNow)
	a, err := GenerateCertificates(CertOptions{Today: today}, s.city)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GenerateCertificates(CertOptions{Today: today}, s.city)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("GenerateCertificates is not deterministic")
	}
	if len(a) < 900 || len(a) > 1000 {
		t.Errorf("%d certificates for 4,000 entities, want about 1,000", len(a))
	}
	seen := map[string]bool{}
	schemes := map[string]int{}
	for _, c := range a {
		if seen[c.Input.Number] {
			t.Fatalf("number %s twice", c.Input.Number)
		}
		seen[c.Input.Number] = true
		schemes[c.Input.Scheme]++
		issued, _ := qcity.ParseDate(c.Input.IssuedOn)
		chk := certification.CheckNumber(certification.Scheme(c.Input.Scheme), c.Input.Number, issued.Year)
		if !chk.OK || (c.Input.Scheme != "ccc" && !chk.Convention) {
			t.Errorf("%s %s: %+v", c.Input.Scheme, c.Input.Number, chk)
		}
	}
	if schemes["ccc"] == 0 || schemes["iso9001"] < schemes["iso14001"] || schemes["iso45001"] == 0 {
		t.Errorf("schemes: %v", schemes)
	}

	// Loaded after the sampling history, so linked supervision has failures to flag.
	inputs, err := GenerateSampling(SamplingOptions{Scale: 0.1}, s.city)
	if err != nil {
		t.Fatal(err)
	}
	if err := LoadSampling(s.ctx, s.svc, inputs, nil); err != nil {
		t.Fatal(err)
	}
	clock := &qcity.FixedClock{T: samplingNow}
	svc := certification.NewService(s.d, clock, s.reg)
	svc.Sampling = s.svc
	if err := svc.Load(s.ctx); err != nil {
		t.Fatal(err)
	}
	sum, err := LoadCertification(s.ctx, svc, s.city, CertOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Certificates != len(a) || svc.Len() != len(a) || sum.Changes == 0 || sum.Forged == 0 {
		t.Errorf("summary %+v, index %d", sum, svc.Len())
	}
	o, err := svc.Oversight(s.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []certification.Status{certification.StatusValid, certification.StatusSuspended, certification.StatusExpired,
		certification.StatusRevoked, certification.StatusCancelled} {
		if o.ByStatus[st] == 0 {
			t.Errorf("no %s certificates: %v", st, o.ByStatus)
		}
	}
	if v := o.ByStatus[certification.StatusValid]; v*100/o.Certificates < 80 {
		t.Errorf("only %d of %d valid", v, o.Certificates)
	}
	if o.Flags != sum.Flags {
		t.Errorf("flags: dashboard %d, loader %d", o.Flags, sum.Flags)
	}
	// No certificate is suspended, revoked or cancelled since before its own issue
	// (flags on failures of earlier cycles are put right before the current one).
	for off := 0; ; off += 500 {
		page, _, err := svc.FindCertificates(s.ctx, certification.Filter{Limit: 500, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			if c.Status != certification.StatusValid && c.StatusOn.Before(c.IssuedOn) {
				t.Errorf("%s %s since %s, issued %s", c.Number, c.Status, c.StatusOn, c.IssuedOn)
			}
		}
		if len(page) < 500 {
			break
		}
	}
	// The forged numbers became leads; well-formed ones as well as ill-formed.
	leads, n, err := svc.FindLeads(s.ctx, certification.LeadFilter{Kind: certification.LeadUnknownNumber, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if n < 6 {
		t.Errorf("%d forgery leads: %+v", n, leads)
	}
	repeated := false
	for _, l := range leads {
		if l.Queries >= 3 {
			repeated = true
		}
		if seen[l.Number] {
			t.Errorf("a registered number is a forgery lead: %s", l.Number)
		}
	}
	if !repeated {
		t.Error("no forged number was asked about repeatedly")
	}
	// A real number verifies with its holder.
	for num := range seen {
		v, err := svc.Verify(s.ctx, num, certification.VerifyOptions{NoLead: true})
		if err != nil || !v.Found || strings.TrimSpace(v.Holder) == "" {
			t.Errorf("verify %s: %+v %v", num, v, err)
		}
		break
	}
}
