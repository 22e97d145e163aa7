package nqi_test

import (
	"testing"

	"qcity"
	"qcity/internal/nqi"
	"qcity/internal/region"
)

func TestParseValue(t *testing.T) {
	cases := []struct {
		in, want string // want: canonical form, or the error key
	}{
		{"0.05", "0.05"},
		{"≤0.05", "≤0.05"},
		{"<= 0.05 mg/kg", "≤0.05 mg/kg"},
		{"=<0.05", "≤0.05"},
		{"不大于0.05", "≤0.05"},
		{"＜０．０５", "<0.05"},
		{"≥95%", "≥95 %"},
		{"不小于 85 %", "≥85 %"},
		{">3.0", ">3.0"},
		{"1.2×10³ CFU/g", "1200 CFU/g"},
		{"3,600 h", "3600 h"},
		{"－5 ℃", "-5 ℃"},
		{"-5°C", "-5 ℃"},
		{"12 kW.h", "12 kWh"},
		{"12 度", "12 kWh"},
		{"0.5g/kg", "0.5 g/kg"},
		{"30 ug/kg", "30 μg/kg"},
		{"5 m3", "5 m³"},
		{"72 dB(A)", "72 dB(A)"},
		{"2 (mg/L)", "2 mg/L"},
		{"不得检出", "不得检出"},
		{"ND", "不得检出"},
		{"未检出", "不得检出"},
		{"", "nqi.error.value_empty"},
		{"   ", "nqi.error.value_empty"},
		{"abc", "nqi.error.value_number"},
		{"≤", "nqi.error.value_number"},
		{"mg/kg 5", "nqi.error.value_number"},
		{"5 mg2x", "nqi.error.value_unit"},
		{"1234567890123456789012345678901234567890123456789012345678901", "nqi.error.value_long"},
	}
	for _, c := range cases {
		v, err := nqi.ParseValue(c.in)
		got := v.String()
		if err != nil {
			got = qcity.AsError(err).Key
		}
		if got != c.want {
			t.Errorf("ParseValue(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Every comparison rule of benchmarking, one case each.
func TestCompare(t *testing.T) {
	cases := []struct {
		name       string
		own, bench string
		unit       string
		dir        nqi.Direction
		want       string // class or error key
	}{
		// Higher is better.
		{"higher: more leads", "92", "90", "%", nqi.HigherBetter, "leading"},
		{"higher: equal meets", "90", "90.0", "%", nqi.HigherBetter, "meeting"},
		{"higher: less is below", "89.9", "90", "%", nqi.HigherBetter, "below"},
		{"higher: bounds as minima", "≥92", "≥90", "%", nqi.HigherBetter, "leading"},
		{"higher: strict bound beats inclusive at equal numbers", ">90", "≥90", "", nqi.HigherBetter, "leading"},
		{"higher: inclusive bound below strict", "≥90", ">90", "", nqi.HigherBetter, "below"},
		{"higher: maximum sign refused", "≤92", "90", "", nqi.HigherBetter, "nqi.error.bound_direction"},
		{"higher: not detected refused", "不得检出", "90", "", nqi.HigherBetter, "nqi.error.not_detected_direction"},
		// Lower is better.
		{"lower: less leads", "≤0.03", "≤0.05", "mg/kg", nqi.LowerBetter, "leading"},
		{"lower: equal meets", "0.050", "0.05", "mg/kg", nqi.LowerBetter, "meeting"},
		{"lower: more is below", "0.06", "≤0.05", "mg/kg", nqi.LowerBetter, "below"},
		{"lower: strict bound beats inclusive at equal numbers", "<0.05", "≤0.05", "", nqi.LowerBetter, "leading"},
		{"lower: inclusive bound below strict", "≤0.05", "<0.05", "", nqi.LowerBetter, "below"},
		{"lower: minimum sign refused", "≥0.03", "0.05", "", nqi.LowerBetter, "nqi.error.bound_direction"},
		{"lower: minimum sign on the benchmark refused", "0.03", "≥0.05", "", nqi.LowerBetter, "nqi.error.bound_direction"},
		{"lower: not detected beats a limit", "不得检出", "≤0.05", "mg/kg", nqi.LowerBetter, "leading"},
		{"lower: not detected on both meets", "ND", "不得检出", "", nqi.LowerBetter, "meeting"},
		{"lower: any amount is below not detected", "0.001", "不得检出", "mg/kg", nqi.LowerBetter, "below"},
		{"lower: zero meets not detected", "0", "不得检出", "mg/kg", nqi.LowerBetter, "meeting"},
		// Units: converted exactly before comparing.
		{"units: g/kg against mg/kg (limits' concentrations)", "≤0.02 g/kg", "≤30 mg/kg", "", nqi.LowerBetter, "leading"},
		{"units: μg/kg against mg/kg, equal", "50 μg/kg", "0.05 mg/kg", "", nqi.LowerBetter, "meeting"},
		{"units: the indicator's unit for a bare value", "0.04", "30 mg/kg", "g/kg", nqi.LowerBetter, "below"},
		{"units: hours against minutes", "2 h", "120 min", "", nqi.HigherBetter, "meeting"},
		{"units: kWh against Wh", "0.9 kWh", "1000 Wh", "", nqi.LowerBetter, "leading"},
		{"units: kW against W", "1.2 kW", "1150 W", "", nqi.HigherBetter, "leading"},
		{"units: ‰ against %", "5 ‰", "0.4 %", "", nqi.LowerBetter, "below"},
		{"units: % against g/100g", "12 %", "12 g/100g", "", nqi.LowerBetter, "meeting"},
		{"units: km/h against m/s", "36 km/h", "10 m/s", "", nqi.HigherBetter, "meeting"},
		{"units: exact thirds (min against h)", "20 min", "0.333 h", "", nqi.HigherBetter, "leading"},
		{"units: different dimensions refused", "5 kg", "5 m", "", nqi.HigherBetter, "nqi.error.units"},
		{"units: mass against length concentration refused", "5 mg/kg", "5 mg/L", "", nqi.LowerBetter, "nqi.error.units"},
		{"units: unknown units must be equal", "5 级", "4 级", "", nqi.HigherBetter, "leading"},
		{"units: unknown different units refused", "5 级", "4 星", "", nqi.HigherBetter, "nqi.error.units"},
		{"direction unknown", "1", "2", "", nqi.Direction("sideways"), "nqi.error.direction"},
	}
	for _, c := range cases {
		own, err := nqi.ParseValue(c.own)
		if err != nil {
			t.Fatalf("%s: own %q: %v", c.name, c.own, err)
		}
		bench, err := nqi.ParseValue(c.bench)
		if err != nil {
			t.Fatalf("%s: benchmark %q: %v", c.name, c.bench, err)
		}
		cl, err := nqi.Compare(own, bench, c.unit, c.dir)
		got := string(cl)
		if err != nil {
			got = qcity.AsError(err).Key
		}
		if got != c.want {
			t.Errorf("%s: Compare(%q, %q, %q, %s) = %s, want %s", c.name, c.own, c.bench, c.unit, c.dir, got, c.want)
		}
	}
}

func TestParseStandardCode(t *testing.T) {
	cases := []struct {
		in, text string
		level    nqi.Level
		nature   nqi.Nature
		year     int
		area     string
	}{
		{"GB/T 19001-2016", "GB/T 19001-2016", nqi.LevelNational, nqi.Recommended, 2016, ""},
		{"GB/T19001—2016", "GB/T 19001-2016", nqi.LevelNational, nqi.Recommended, 2016, ""},
		{"ＧＢ　２７６０－２０１４", "GB 2760-2014", nqi.LevelNational, nqi.Mandatory, 2014, ""},
		{"gb/z 1234-2020", "GB/Z 1234-2020", nqi.LevelNational, nqi.Guidance, 2020, ""},
		{"GB 4706.1-2005", "GB 4706.1-2005", nqi.LevelNational, nqi.Mandatory, 2005, ""},
		{"GB 5749-85", "GB 5749-85", nqi.LevelNational, nqi.Mandatory, 1985, ""},
		{"JJG 443-2015", "JJG 443-2015", nqi.LevelNational, nqi.Mandatory, 2015, ""},
		{"SN/T 0001-2016", "SN/T 0001-2016", nqi.LevelIndustry, nqi.Recommended, 2016, ""},
		{"QB/T 4099-2019", "QB/T 4099-2019", nqi.LevelIndustry, nqi.Recommended, 2019, ""},
		{"DB/T 15-2009", "DB/T 15-2009", nqi.LevelIndustry, nqi.Recommended, 2009, ""},
		{"DB44/T 1234-2019", "DB44/T 1234-2019", nqi.LevelLocal, nqi.Recommended, 2019, "440000"},
		{"DB44/T1234-2019", "DB44/T 1234-2019", nqi.LevelLocal, nqi.Recommended, 2019, "440000"},
		{"DB4408/T 12-2020", "DB4408/T 12-2020", nqi.LevelLocal, nqi.Recommended, 2020, "440800"},
		{"DB44 100-2019", "DB44 100-2019", nqi.LevelLocal, nqi.Mandatory, 2019, "440000"},
		{"T/CAS 115-2005", "T/CAS 115-2005", nqi.LevelGroup, nqi.Recommended, 2005, ""},
		{"T/ZJSP 003-2020", "T/ZJSP 003-2020", nqi.LevelGroup, nqi.Recommended, 2020, ""},
		{"Q/ZJHX 0001S-2019", "Q/ZJHX 0001S-2019", nqi.LevelEnterprise, nqi.Recommended, 2019, ""},
		{"Q/440800ZJ 001-2019", "Q/440800ZJ 001-2019", nqi.LevelEnterprise, nqi.Recommended, 2019, ""},
		{"ISO 9001:2015", "ISO 9001:2015", nqi.LevelInternational, nqi.Recommended, 2015, ""},
		{"ISO/IEC 17025:2017", "ISO/IEC 17025:2017", nqi.LevelInternational, nqi.Recommended, 2017, ""},
		{"IEC 60335-1:2020", "IEC 60335-1:2020", nqi.LevelInternational, nqi.Recommended, 2020, ""},
		{"OIML R 76-1:2006", "OIML R 76-1:2006", nqi.LevelInternational, nqi.Recommended, 2006, ""},
		{"CXS 192-1995", "CXS 192-1995", nqi.LevelInternational, nqi.Recommended, 1995, ""},
		{"EN 60335-2-15:2016", "EN 60335-2-15:2016", nqi.LevelForeign, nqi.Recommended, 2016, ""},
		{"ASTM D6400-19", "ASTM D6400-19", nqi.LevelForeign, nqi.Recommended, 2019, ""},
		{"JIS C 9335-1:2014", "", "", "", 0, ""}, // JIS letter groups with spaces are not read
	}
	for _, c := range cases {
		sc, err := nqi.ParseStandardCode(c.in, region.Default())
		if c.text == "" {
			if err == nil {
				t.Errorf("%q: parsed as %+v, want an error", c.in, sc)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if sc.Text != c.text || sc.Level != c.level || sc.Nature != c.nature || sc.Year != c.year || sc.Area != c.area {
			t.Errorf("%q: %+v", c.in, sc)
		}
	}
	for in, key := range map[string]string{
		"": "nqi.error.std_empty", "19001-2016": "nqi.error.std_format", "GB/T 19001": "nqi.error.std_year",
		"GB/T 19001-1850": "nqi.error.std_year", "GB/T 19001-20166": "nqi.error.std_year", "XY 1-2019": "nqi.error.std_prefix",
		"DB99/T 1-2019": "nqi.error.std_area", "DB440/T 1-2019": "nqi.error.std_area", "DB4499/T 1-2019": "nqi.error.std_area",
		"GB/T 19..1-2016": "nqi.error.std_format", "ISO 9001": "nqi.error.std_year", "GB/T": "nqi.error.std_format",
	} {
		_, err := nqi.ParseStandardCode(in, region.Default())
		if got := qcity.AsError(err); got == nil || got.Key != key {
			t.Errorf("%q: %v, want %s", in, err, key)
		}
	}
}

func TestAddMonths(t *testing.T) {
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2019-01-31", 1, "2019-02-28"}, {"2020-08-31", 6, "2021-02-28"}, {"2019-08-31", 6, "2020-02-29"},
		{"2019-06-15", 12, "2020-06-15"}, {"2019-12-31", 6, "2020-06-30"}, {"2019-03-01", 0, "2019-03-01"},
	} {
		d, _ := qcity.ParseDate(c.from)
		if got := nqi.AddMonths(d, c.n).String(); got != c.want {
			t.Errorf("%s + %d months = %s, want %s", c.from, c.n, got, c.want)
		}
	}
	d, _ := qcity.ParseDate("2019-05-10")
	if nqi.NextDue(d, "fail", 12) != d || nqi.NextDue(d, "pass", 6).String() != "2019-11-10" || !nqi.NextDue(qcity.Date{}, "pass", 6).IsZero() {
		t.Error("NextDue")
	}
}
