package certification

import (
	"fmt"
	"testing"

	"qcity"
	"qcity/internal/registry"
)

func TestCheckNumber(t *testing.T) {
	for _, tc := range []struct {
		scheme Scheme
		number string
		max    int
		key    string // "" for valid
		conv   bool
	}{
		{SchemeCCC, "2016010901123456", 2026, "", false},
		{SchemeCCC, "2024010718000123", 2024, "", false},
		{SchemeCCC, "201601090112345", 2026, "cert.number.ccc_length", false},
		{SchemeCCC, "20160109011234567", 2026, "cert.number.ccc_length", false},
		{SchemeCCC, "2016O10901123456", 2026, "cert.number.ccc_digits", false},
		{SchemeCCC, "2001010901123456", 2026, "cert.number.ccc_year", false},
		{SchemeCCC, "2027010901123456", 2026, "cert.number.ccc_year", false},
		{SchemeCCC, "2020010901123456", 2019, "cert.number.ccc_year", false},
		{SchemeCCC, "2016000901123456", 2026, "cert.number.ccc_body", false},
		{SchemeCCC, "2016019901123456", 2026, "cert.number.ccc_category", false},
		{SchemeCCC, "2016010900123456", 2026, "cert.number.ccc_category", false},
		{SchemeCCC, "2016010901000000", 2026, "cert.number.ccc_sequence", false},
		{SchemeISO9001, "03410Q10286R0S", 2026, "", true},
		{SchemeISO9001, "00118Q31234R2M/3500", 2026, "", true},
		{SchemeISO9001, "03410E10286R0S", 2026, "cert.number.system_letter", false},
		{SchemeISO14001, "03410E10286R0S", 2026, "", true},
		{SchemeISO45001, "03410S10286R0S", 2026, "", true},
		{SchemeISO9001, "03430Q10286R0S", 2026, "cert.number.year_future", false},
		{SchemeISO9001, "CQM-2021-Q-0088", 2026, "", false}, // loose: another body's style
		{SchemeISO9001, "Q123", 2026, "cert.number.too_short", false},
		{SchemeISO9001, "ABC 12#45", 2026, "cert.number.char", false},
		{SchemeISO22000, "00120F20011R1M", 2026, "", true},
		{SchemeOrganic, "001OP2100123", 2026, "", false},
		{SchemeOrganic, "001OP2100123-1", 2026, "", false},
		{SchemeOrganic, "001OP21001", 2026, "cert.number.organic_format", false},
		{SchemeOrganic, "001OP2900123", 2026, "cert.number.year_future", false},
		{SchemeCCC, "", 2026, "cert.number.empty", false},
		{"nope", "2016010901123456", 2026, "cert.number.scheme_unknown", false},
	} {
		t.Run(string(tc.scheme)+"/"+tc.number, func(t *testing.T) {
			got := CheckNumber(tc.scheme, tc.number, tc.max)
			if tc.key == "" && !got.OK {
				t.Fatalf("want valid, got %s %v", got.Key, got.Args)
			}
			if tc.key != "" && (got.OK || got.Key != tc.key) {
				t.Fatalf("want %s, got ok=%v %s", tc.key, got.OK, got.Key)
			}
			if got.OK && got.Convention != tc.conv {
				t.Errorf("convention %v, want %v", got.Convention, tc.conv)
			}
		})
	}
	c := CheckNumber(SchemeCCC, "2016010901123456", 2026)
	if c.Year != 2016 || c.BodyCode != "01" || c.Category != "0901" {
		t.Errorf("CCC parts: %+v", c)
	}
}

func TestNormalizeAndGuess(t *testing.T) {
	if got := NormalizeNumber(" ２０１６ 0109 0112 3456 "); got != "2016010901123456" {
		t.Errorf("normalize: %q", got)
	}
	if got := NormalizeNumber("03410q10286r0s"); got != "03410Q10286R0S" {
		t.Errorf("normalize: %q", got)
	}
	for n, want := range map[string]Scheme{
		"2016010901123456": SchemeCCC, "001OP2100123": SchemeOrganic, "03410Q10286R0S": SchemeISO9001,
		"03410E10286R0S": SchemeISO14001, "03410S10286R0S": SchemeISO45001, "03410X10286R0S": SchemeVoluntary,
		"hello": "", "12345": "",
	} {
		if got := GuessScheme(n); got != want {
			t.Errorf("GuessScheme(%s) = %q, want %q", n, got, want)
		}
	}
}

func TestBodyCovers(t *testing.T) {
	scope := "质量管理体系认证；环境管理体系认证；职业健康安全管理体系认证；有机产品认证；强制性产品认证（家用电器、照明电器）"
	for sc, want := range map[Scheme]bool{SchemeISO9001: true, SchemeISO14001: true, SchemeISO45001: true, SchemeOrganic: true,
		SchemeCCC: true, SchemeISO22000: false, SchemeHACCP: false, "nope": false} {
		if got := BodyCovers(scope, sc); got != want {
			t.Errorf("%s: %v", sc, got)
		}
	}
	if BodyCovers("质量管理体系认证", SchemeCCC) {
		t.Error("CCC covered by a QMS-only scope")
	}
}

// Every pair of statuses: what a person may record, and which reasons go with it.
func TestTransitions(t *testing.T) {
	allowed := map[[2]Status]bool{
		{StatusValid, StatusSuspended}: true, {StatusValid, StatusRevoked}: true, {StatusValid, StatusCancelled}: true,
		{StatusSuspended, StatusValid}: true, {StatusSuspended, StatusRevoked}: true, {StatusSuspended, StatusCancelled}: true,
		{StatusExpired, StatusCancelled}: true,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			if got := CanTransition(from, to); got != allowed[[2]Status{from, to}] {
				t.Errorf("%s → %s: %v", from, to, got)
			}
			reasons := ReasonsTo(from, to)
			if allowed[[2]Status{from, to}] != (len(reasons) > 0) {
				t.Errorf("%s → %s: reasons %v", from, to, reasons)
			}
			for _, r := range reasons {
				if err := CheckTransition(from, to, r.Code); err != nil {
					t.Errorf("%s → %s (%s): %v", from, to, r.Code, err)
				}
			}
			if !allowed[[2]Status{from, to}] {
				err := CheckTransition(from, to, "surveillance_violation")
				if qe := qcity.AsError(err); qe == nil || len(qe.Fields) == 0 || qe.Fields[0].Field != "status" {
					t.Errorf("%s → %s allowed: %v", from, to, err)
				}
			}
		}
	}
	for _, tc := range []struct {
		from, to Status
		reason   string
		field    string
		key      string
	}{
		{StatusValid, StatusSuspended, "", "reason", "cert.reason_unknown"},
		{StatusValid, StatusSuspended, "fraud", "reason", "cert.reason_status"},
		{StatusValid, StatusRevoked, "not_fixed", "reason", "cert.reason_from"},
		{StatusSuspended, StatusRevoked, "not_fixed", "", ""},
		{StatusValid, StatusValid, "rectified", "status", "cert.transition"},
		{StatusValid, StatusExpired, "expired", "status", "cert.transition"},
		{StatusValid, "gone", "x", "status", "cert.status_unknown"},
		{StatusValid, StatusSuspended, "registered", "reason", "cert.reason_unknown"},
		{StatusExpired, StatusCancelled, "cancelled_after_expiry", "", ""},
		{StatusValid, StatusCancelled, "cancelled_after_expiry", "reason", "cert.reason_from"},
		// Art. 26(1), validity ended without renewal: not while the certificate still runs.
		{StatusExpired, StatusCancelled, "no_renewal", "", ""},
		{StatusValid, StatusCancelled, "no_renewal", "reason", "cert.reason_from"},
		{StatusSuspended, StatusCancelled, "no_renewal", "reason", "cert.reason_from"},
		{StatusRevoked, StatusValid, "rectified", "status", "cert.transition"},
		{StatusCancelled, StatusValid, "rectified", "status", "cert.transition"},
	} {
		err := CheckTransition(tc.from, tc.to, tc.reason)
		if tc.key == "" {
			if err != nil {
				t.Errorf("%s → %s (%s): %v", tc.from, tc.to, tc.reason, err)
			}
			continue
		}
		qe := qcity.AsError(err)
		if qe == nil || len(qe.Fields) != 1 || qe.Fields[0].Field != tc.field || qe.Fields[0].Key != tc.key {
			t.Errorf("%s → %s (%s): %v, want %s %s", tc.from, tc.to, tc.reason, err, tc.field, tc.key)
		}
	}
}

func TestPublicStatus(t *testing.T) {
	d := func(s string) qcity.Date { x, _ := qcity.ParseDate(s); return x }
	today := d("2026-06-01")
	on := d("2025-01-10")
	bodyOn := d("2026-03-01")
	for _, tc := range []struct {
		own     Status
		expires string
		body    registry.OrgStatus
		want    Status
		reason  string
		cascade bool
	}{
		{StatusValid, "2027-01-01", registry.OrgValid, StatusValid, "registered", false},
		{StatusValid, "2026-06-01", registry.OrgValid, StatusValid, "registered", false}, // the last valid day
		{StatusValid, "2026-05-31", registry.OrgValid, StatusExpired, "expired", false},
		{StatusSuspended, "2026-05-31", registry.OrgValid, StatusExpired, "expired", false},
		{StatusExpired, "2026-05-31", registry.OrgValid, StatusExpired, "expired", false},
		{StatusSuspended, "2027-01-01", registry.OrgValid, StatusSuspended, "registered", false},
		{StatusRevoked, "2027-01-01", registry.OrgValid, StatusRevoked, "registered", false},
		{StatusCancelled, "2027-01-01", registry.OrgSuspended, StatusCancelled, "registered", false},
		{StatusValid, "2027-01-01", registry.OrgSuspended, StatusSuspended, "body_suspended", true},
		{StatusValid, "2027-01-01", registry.OrgExpired, StatusSuspended, "body_expired", true},
		{StatusValid, "2027-01-01", registry.OrgRevoked, StatusRevoked, "body_withdrawn", true},
		{StatusSuspended, "2027-01-01", registry.OrgRevoked, StatusRevoked, "body_withdrawn", true},
		{StatusSuspended, "2027-01-01", registry.OrgSuspended, StatusSuspended, "registered", false},
		{StatusValid, "2026-05-31", registry.OrgRevoked, StatusExpired, "expired", false},
	} {
		name := fmt.Sprintf("%s/%s/%s", tc.own, tc.expires, tc.body)
		p := PublicStatus(tc.own, "registered", on, d(tc.expires), tc.body, bodyOn, today)
		if p.Status != tc.want || p.Reason != tc.reason || p.Cascade != tc.cascade {
			t.Errorf("%s: %+v, want %s %s cascade=%v", name, p, tc.want, tc.reason, tc.cascade)
		}
		if p.Cascade && p.Since != bodyOn {
			t.Errorf("%s: cascade since %s", name, p.Since)
		}
		if p.Status == StatusExpired && tc.own != StatusExpired && p.Since != d(tc.expires).AddDays(1) {
			t.Errorf("%s: expired since %s", name, p.Since)
		}
	}
}

func TestMayRenew(t *testing.T) {
	d := func(s string) qcity.Date { x, _ := qcity.ParseDate(s); return x }
	exp := d("2026-12-31")
	for _, tc := range []struct {
		scheme Scheme
		own    Status
		day    string
		want   bool
	}{
		{SchemeCCC, StatusValid, "2026-10-01", false}, // 91 days before
		{SchemeCCC, StatusValid, "2026-10-02", true},  // 90 days before (Art. 22)
		{SchemeCCC, StatusValid, "2026-12-31", true},
		{SchemeCCC, StatusValid, "2027-01-01", false},
		{SchemeISO9001, StatusValid, "2025-01-01", true},
		{SchemeCCC, StatusSuspended, "2026-12-01", false},
		{SchemeCCC, StatusRevoked, "2026-12-01", false},
	} {
		if got := MayRenew(tc.scheme, tc.own, exp, d(tc.day)); got != tc.want {
			t.Errorf("%s %s %s: %v", tc.scheme, tc.own, tc.day, got)
		}
	}
}

func TestCovers(t *testing.T) {
	for _, tc := range []struct {
		c    CoverFacts
		s    SampleFacts
		want bool
	}{
		{CoverFacts{Scheme: SchemeCCC, Category: "0718", Product: "电饭锅"}, SampleFacts{"家用电器/电饭锅", "智能电饭煲"}, true},
		{CoverFacts{Scheme: SchemeCCC, Category: "0718", Product: "电饭锅"}, SampleFacts{"", "电饭煲"}, true},
		{CoverFacts{Scheme: SchemeCCC, Category: "0718", Product: "电饭锅"}, SampleFacts{"家用电器/电风扇", "落地扇"}, false},
		{CoverFacts{Scheme: SchemeCCC, Category: "0103", Product: "聚氯乙烯绝缘电缆(电线)"}, SampleFacts{"电线电缆及电工产品/电线电缆", "聚氯乙烯绝缘电缆(电线)"}, true},
		{CoverFacts{Scheme: SchemeVoluntary, Product: "陶瓷碗、陶瓷杯"}, SampleFacts{"日用消费品/陶瓷餐具", "陶瓷碗"}, true},
		{CoverFacts{Scheme: SchemeISO9001, Scope: "电饭锅、电压力锅的设计和生产"}, SampleFacts{"家用电器/电饭锅", "智能电饭煲"}, true},
		{CoverFacts{Scheme: SchemeISO9001, Scope: "家用电器的生产"}, SampleFacts{"家用电器/电饭锅", "智能电饭煲"}, true},
		{CoverFacts{Scheme: SchemeISO9001, Scope: "水泥的生产"}, SampleFacts{"家用电器/电饭锅", "智能电饭煲"}, false},
		{CoverFacts{Scheme: SchemeISO14001, Scope: "电饭锅的生产"}, SampleFacts{"家用电器/电饭锅", "电饭锅"}, false},
		{CoverFacts{Scheme: SchemeHACCP, Scope: "速冻水产品的生产"}, SampleFacts{"速冻食品/速冻水产品", "冻虾仁"}, true},
		{CoverFacts{Scheme: "nope", Scope: "电饭锅"}, SampleFacts{"家用电器/电饭锅", "电饭锅"}, false},
	} {
		if got := Covers(tc.c, tc.s); got != tc.want {
			t.Errorf("%+v covers %+v: %v", tc.c, tc.s, got)
		}
	}
}

func TestRateOutlier(t *testing.T) {
	for _, tc := range []struct {
		failed, n int
		p         float64
		want      int
	}{
		{5, 100, 0.05, 0}, {20, 100, 0.05, 1}, {0, 400, 0.05, -1}, {0, 19, 0.5, 0}, {3, 30, 0, 0},
	} {
		if got := rateOutlier(tc.failed, tc.n, tc.p); got != tc.want {
			t.Errorf("%d/%d at %.2f: %d", tc.failed, tc.n, tc.p, got)
		}
	}
}
