package credit

import (
	"testing"

	"qcity"
	"qcity/internal/workday"
)

func d(s string) qcity.Date {
	if s == "" {
		return qcity.Date{}
	}
	x, err := qcity.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func TestReportWindow(t *testing.T) {
	for _, c := range []struct {
		on   string
		year int
	}{
		{"2024-06-30", 2022}, {"2024-07-01", 2023}, {"2024-12-31", 2023}, {"2025-01-01", 2023}, {"2025-07-01", 2024},
	} {
		if got := LastClosedReportYear(d(c.on)); got != c.year {
			t.Errorf("LastClosedReportYear(%s) = %d, want %d", c.on, got, c.year)
		}
	}
	if ReportDeadline(2023) != d("2024-06-30") || ReportWindowOpens(2023) != d("2024-01-01") {
		t.Error("window of 2023")
	}
	for _, c := range []struct {
		filed string
		late  bool
	}{{"2024-06-30", false}, {"2024-07-01", true}, {"2024-01-01", false}, {"2025-03-01", true}} {
		if FiledLate(2023, d(c.filed)) != c.late {
			t.Errorf("FiledLate(2023, %s) != %v", c.filed, c.late)
		}
	}
}

func TestReportDue(t *testing.T) {
	for _, c := range []struct {
		name string
		f    DueFacts
		year int
		due  bool
	}{
		{"company set up in the year", DueFacts{Type: "company", EstablishedOn: d("2023-12-31"), Status: "active"}, 2023, true},
		{"set up the next year", DueFacts{Type: "company", EstablishedOn: d("2024-01-01"), Status: "active"}, 2023, false},
		{"branch", DueFacts{Type: "branch", EstablishedOn: d("2010-01-01"), Status: "active"}, 2023, false},
		{"individual business", DueFacts{Type: "individual_business", EstablishedOn: d("2010-01-01"), Status: "active"}, 2023, true},
		{"cooperative", DueFacts{Type: "farmer_cooperative", EstablishedOn: d("2010-01-01"), Status: "active"}, 2023, true},
		{"deregistered after the year", DueFacts{Type: "company", EstablishedOn: d("2010-01-01"), Status: "deregistered", StatusChangedOn: d("2024-03-01")}, 2023, true},
		{"deregistered in the year", DueFacts{Type: "company", EstablishedOn: d("2010-01-01"), Status: "deregistered", StatusChangedOn: d("2023-12-31")}, 2023, false},
		{"revoked, date unknown", DueFacts{Type: "company", EstablishedOn: d("2010-01-01"), Status: "revoked"}, 2023, false},
		{"no establishment date", DueFacts{Type: "company", Status: "active"}, 2023, false},
	} {
		if got := ReportDue(c.f, c.year); got != c.due {
			t.Errorf("%s: due = %v", c.name, got)
		}
	}
}

// Deadlines in working days across year ends, Spring Festival, National Day and the
// make-up working days that go with them (2024: Sunday 4 and 18 February, Sunday 29
// September and Saturday 12 October were working days).
func TestWorkingDayDeadlines(t *testing.T) {
	cal := workday.Default()
	for _, c := range []struct {
		name string
		got  qcity.Date
		want string
	}{
		{"listing decision 2023 reports (30 Jun 2024 is a Sunday)", AbnormalProposalDecideBy(cal, 2023), "2024-07-12"},
		{"listing decision 2024 reports", AbnormalProposalDecideBy(cal, 2024), "2025-07-14"},
		{"removal across National Day from the make-up Sunday", AbnormalRemovalDue(cal, d("2024-09-29")), "2024-10-11"},
		{"removal from the last day before National Day", AbnormalRemovalDue(cal, d("2024-09-30")), "2024-10-12"},
		{"accept across Spring Festival lands on the make-up Sunday", cal.AddWorkingDays(d("2024-02-08"), RepairAcceptWD), "2024-02-18"},
		{"decide 15 WD after the make-up Sunday", cal.AddWorkingDays(d("2024-02-18"), RepairDecideWD), "2024-03-08"},
		{"objection accept across New Year", ObjectionAcceptBy(cal, d("2024-12-30")), "2025-01-07"},
		{"objection verify 20 WD", ObjectionVerifyBy(cal, d("2025-01-07")), "2025-02-10"},
	} {
		if c.got.String() != c.want {
			t.Errorf("%s: %s, want %s", c.name, c.got, c.want)
		}
	}
}

func TestListingDates(t *testing.T) {
	for _, c := range []struct{ marked, ends string }{
		{"2024-07-10", "2025-06-30"}, {"2024-12-31", "2025-06-30"}, {"2025-03-01", "2025-06-30"}, {"2025-06-30", "2025-06-30"},
	} {
		if got := IndividualMarkPublicityEnds(d(c.marked)); got != d(c.ends) {
			t.Errorf("mark of %s published until %s, want %s", c.marked, got, c.ends)
		}
	}
	if ObjectionDeadline(d("2024-12-15")) != d("2025-01-14") {
		t.Error("objection deadline")
	}
	for _, c := range []struct {
		a, b string
		ok   bool
	}{{"2024-03-01", "2024-03-15", false}, {"2024-03-01", "2024-03-16", true}, {"2024-03-01", "2024-03-31", true},
		{"2024-03-01", "2024-04-01", false}, {"2024-03-16", "2024-03-01", false}, {"", "2024-03-16", false}} {
		if UnreachableLettersOK(d(c.a), d(c.b)) != c.ok {
			t.Errorf("letters %s, %s: want %v", c.a, c.b, c.ok)
		}
	}
	for _, c := range []struct {
		listed, on  string
		still, flag bool
	}{
		{"2019-07-10", "2022-07-11", true, true}, {"2019-07-10", "2022-07-10", true, false},
		{"2019-07-10", "2023-01-01", false, false}, {"2023-07-10", "2027-01-01", true, false}, {"2015-07-10", "2020-01-01", true, false},
		{"2021-12-31", "2025-01-01", true, true},
	} {
		if LegacyTransferFlag(d(c.listed), d(c.on), c.still) != c.flag {
			t.Errorf("legacy flag %v", c)
		}
	}
	for _, c := range []struct{ listed, restriction, expires string }{
		{"2024-02-29", "", "2027-02-28"}, {"2024-05-10", "", "2027-05-10"},
		{"2024-05-10", "2028-05-01", "2028-05-01"}, {"2024-05-10", "2026-01-01", "2027-05-10"},
	} {
		if got := SeriousExpires(d(c.listed), d(c.restriction)); got != d(c.expires) {
			t.Errorf("SeriousExpires(%s, %s) = %s, want %s", c.listed, c.restriction, got, c.expires)
		}
	}
	if SeriousEarlyRemovalFrom(d("2024-05-10")) != d("2025-05-11") {
		t.Error("early removal date")
	}
}

func TestPenaltyPublicity(t *testing.T) {
	pub := d("2024-08-31")
	th := DefaultThresholds
	for _, c := range []struct {
		name      string
		f         PenaltyFacts
		published bool
		term      string
		ends      string
		early     string
	}{
		{"warning only", PenaltyFacts{Kinds: []PenaltyKind{PenaltyWarning}}, false, "", "", ""},
		{"criticism only", PenaltyFacts{Kinds: []PenaltyKind{PenaltyCriticism}}, true, "3m", "2024-11-30", ""},
		{"warning and lower fine", PenaltyFacts{Kinds: []PenaltyKind{PenaltyWarning, PenaltyFine}, FineFen: 5000_00}, true, "3m", "2024-11-30", ""},
		{"organisation fine at the threshold", PenaltyFacts{Kinds: []PenaltyKind{PenaltyFine}, FineFen: 100_000_00}, true, "3m", "2024-11-30", ""},
		{"organisation fine over it", PenaltyFacts{Kinds: []PenaltyKind{PenaltyFine}, FineFen: 100_000_01, Domain: DomainQuality}, true, "3y", "2027-08-31", "2025-03-01"},
		{"person fine at the threshold", PenaltyFacts{Kinds: []PenaltyKind{PenaltyFine}, FineFen: 10_000_00, NaturalPerson: true}, true, "3m", "2024-11-30", ""},
		{"person fine over it", PenaltyFacts{Kinds: []PenaltyKind{PenaltyFine}, FineFen: 10_000_01, NaturalPerson: true, Domain: DomainOther}, true, "3y", "2027-08-31", "2025-03-01"},
		{"fine and confiscation", PenaltyFacts{Kinds: []PenaltyKind{PenaltyFine, PenaltyConfiscation}, FineFen: 100_00}, true, "3y", "2027-08-31", "2025-03-01"},
		{"food waits a year", PenaltyFacts{Kinds: []PenaltyKind{PenaltyConfiscation}, Domain: DomainFood}, true, "3y", "2027-08-31", "2025-09-01"},
		{"special equipment waits a year", PenaltyFacts{Kinds: []PenaltyKind{PenaltyFine}, FineFen: 200_000_00, Domain: DomainSpecialEquipment}, true, "3y", "2027-08-31", "2025-09-01"},
		{"licence revoked: never early", PenaltyFacts{Kinds: []PenaltyKind{PenaltyLicenceRevoked}}, true, "3y", "2027-08-31", ""},
		{"suspension: never early", PenaltyFacts{Kinds: []PenaltyKind{PenaltyFine, PenaltySuspendProduction}, FineFen: 1}, true, "3y", "2027-08-31", ""},
		{"longer restriction", PenaltyFacts{Kinds: []PenaltyKind{PenaltyRestrictPractice}, RestrictionUntil: d("2029-08-30")}, true, "restriction", "2029-08-30", ""},
		{"shorter restriction", PenaltyFacts{Kinds: []PenaltyKind{PenaltyRestrictOperations}, RestrictionUntil: d("2025-08-30")}, true, "3y", "2027-08-31", ""},
	} {
		p := PenaltyPublicity(c.f, th, pub)
		if p.Published != c.published || p.Term != c.term || p.EndsOn != d(c.ends) || p.EarlyEndFrom != d(c.early) {
			t.Errorf("%s: %+v, want %v %s %s %s", c.name, p, c.published, c.term, c.ends, c.early)
		}
	}
	// A province with other thresholds.
	gd := Thresholds{PersonFen: 5_000_00, OrgFen: 50_000_00}
	if p := PenaltyPublicity(PenaltyFacts{Kinds: []PenaltyKind{PenaltyFine}, FineFen: 60_000_00}, gd, pub); p.Term != "3y" {
		t.Errorf("configured threshold ignored: %+v", p)
	}
	if !Heavier([]PenaltyKind{PenaltyFine, PenaltyPermitRevoked}) || Heavier([]PenaltyKind{PenaltyFine, PenaltyConfiscation}) {
		t.Error("Heavier")
	}
}

func TestParseYuan(t *testing.T) {
	for in, want := range map[string]int64{"5000": 500000, "12,500.50": 1250050, "¥3000": 300000, "0.5": 50, "": 0, "3000元": 300000, "1.05": 105} {
		if got, err := ParseYuan(in); err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"-5", "1.234", "abc", "1e5", "1.", ".5", "9999999999999"} {
		if _, err := ParseYuan(in); err == nil {
			t.Errorf("ParseYuan(%q) accepted", in)
		}
	}
	if FormatYuan(1250050) != "12500.50" {
		t.Error("FormatYuan")
	}
}

func TestScore(t *testing.T) {
	c := DefaultRiskConfig()
	for _, x := range []struct {
		name  string
		f     Factors
		class string
	}{
		{"clean", Factors{}, "A"},
		{"new", Factors{NewEntity: true}, "B"},
		{"late report", Factors{ReportLate: true}, "A"},
		{"missing report", Factors{ReportMissing: true}, "B"},
		{"abnormal", Factors{AbnormalListed: 1}, "B"},
		{"abnormal twice and missing", Factors{AbnormalListed: 2, ReportMissing: true}, "C"},
		{"serious", Factors{SeriousListed: true}, "D"},
		{"two penalties, one heavier, a failure", Factors{Penalties: 2, HeavierPenalties: 1, SamplingFailures: 1}, "C"},
		{"penalties are capped", Factors{Penalties: 9, HeavierPenalties: 9}, "C"},
		{"everything", Factors{Penalties: 4, HeavierPenalties: 2, SamplingFailures: 3, AbnormalListed: 2, ReportMissing: true}, "D"},
	} {
		if _, cl := Score(x.f, c); cl != x.class {
			t.Errorf("%s: class %s, want %s", x.name, cl, x.class)
		}
	}
	if c.Ratio("A") != 5 || c.Ratio("D") != 100 || c.Ratio("?") != 20 {
		t.Error("ratios")
	}
	bad := c
	bad.ClassC = bad.ClassB
	if len(bad.validate()) == 0 {
		t.Error("thresholds out of order accepted")
	}
}
