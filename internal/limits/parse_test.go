package limits

import (
	"strings"
	"testing"
)

// describe writes a Result compactly for table comparisons: "num 0.012 mg/kg",
// "nd<0.01 mg/kg", "nd", "det", "pos", "neg", ">1100 MPN/g", "[10 <10 0 >0] CFU/g".
func (r Result) describe() string {
	var s string
	switch r.Kind {
	case Number:
		s = "num " + r.Value.String()
	case NotDetected:
		s = "nd"
		if r.HasLOD {
			s += "<" + r.LOD.String()
		}
	case Detected:
		s = "det"
	case Positive:
		s = "pos"
	case Negative:
		s = "neg"
	case Above:
		s = ">" + r.Value.String()
	case Values:
		parts := make([]string, len(r.Values))
		for i, v := range r.Values {
			b := Exact
			if r.Bounds != nil {
				b = r.Bounds[i]
			}
			parts[i] = valueArg(b, v)
		}
		s = "[" + strings.Join(parts, " ") + "]"
	}
	if r.Unit != "" {
		s += " " + r.Unit
	}
	return s
}

func TestParseResult(t *testing.T) {
	tests := []struct {
		text, unit, want string
	}{
		{"0.012", "mg/kg", "num 0.012 mg/kg"},
		{" 0.012 ", "mg/kg", "num 0.012 mg/kg"},
		{"0.012mg/kg", "", "num 0.012 mg/kg"},
		{"0.012 mg/kg", "μg/kg", "num 0.012 mg/kg"},
		{"150", "ug/kg", "num 150 μg/kg"},
		{"150", "µg/kg", "num 150 μg/kg"},
		{"150", "ＭＧ／ＫＧ", "num 150 mg/kg"},
		{"3.2×10³", "CFU/g", "num 3200 CFU/g"},
		{"3.2×10³ CFU/g", "", "num 3200 CFU/g"},
		{"5.1×10^4", "CFU/g", "num 51000 CFU/g"},
		{"3.8x10^3", "CFU/g", "num 3800 CFU/g"},
		{"1.2E3", "CFU/g", "num 1200 CFU/g"},
		{"1,234.5", "mg/kg", "num 1234.5 mg/kg"},
		{"０．０１２", "mg/kg", "num 0.012 mg/kg"},
		{"0.5%", "", "num 0.5 %"},
		{"0.5 ％", "", "num 0.5 %"},
		{"0.2(mg/kg)", "", "num 0.2 mg/kg"},
		{"50.4", "%vol", "num 50.4 %vol"},
		{"8.54", "μg (as published)", "num 8.54 μg (as published)"},
		{"0", "mg/kg", "num 0 mg/kg"},
		{"未检出", "mg/kg", "nd mg/kg"},
		{"ND", "mg/kg", "nd mg/kg"},
		{"nd", "", "nd"},
		{"N.D.", "", "nd"},
		{"n.d.", "", "nd"},
		{"not detected", "", "nd"},
		{"<LOD", "mg/kg", "nd mg/kg"},
		{"＜LOD", "mg/kg", "nd mg/kg"},
		{"低于检出限", "", "nd"},
		{"未检出(<0.01)", "mg/kg", "nd<0.01 mg/kg"},
		{"未检出（＜0.01）", "mg/kg", "nd<0.01 mg/kg"},
		{"未检出(<0.01mg/kg)", "μg/kg", "nd<0.01 mg/kg"},
		{"未检出（检出限0.01）", "mg/kg", "nd<0.01 mg/kg"},
		{"未检出(检出限：0.01 mg/kg)", "", "nd<0.01 mg/kg"},
		{"ND(0.01)", "mg/kg", "nd<0.01 mg/kg"},
		{"ND (LOD=0.01)", "mg/kg", "nd<0.01 mg/kg"},
		{"未检出/25g", "", "nd /25g"},
		{"<0.005", "mg/kg", "nd<0.005 mg/kg"},
		{"＜0.005", "mg/kg", "nd<0.005 mg/kg"},
		{"﹤0.005", "mg/kg", "nd<0.005 mg/kg"},
		{"< 0.005", "mg/kg", "nd<0.005 mg/kg"},
		{"小于0.005", "mg/kg", "nd<0.005 mg/kg"},
		{"<0.005mg/kg", "", "nd<0.005 mg/kg"},
		{"<0.01(未检出)", "mg/kg", "nd<0.01 mg/kg"},
		{"<0.01 mg/kg (ND)", "", "nd<0.01 mg/kg"},
		{"<10", "CFU/g", "nd<10 CFU/g"},
		{"检出", "", "det"},
		{"有检出", "", "det"},
		{"阳性", "", "pos"},
		{"阳性(+)", "", "pos"},
		{"阳性（+）", "", "pos"},
		{"(+)", "", "pos"},
		{"+", "", "pos"},
		{"阴性", "", "neg"},
		{"阴性(-)", "", "neg"},
		{"阴性（－）", "", "neg"},
		{"Negative", "", "neg"},
		{">1100", "MPN/g", ">1100 MPN/g"},
		{"＞2.4×10^3", "MPN/100mL", ">2400 MPN/100mL"},
		{"大于1100", "MPN/g", ">1100 MPN/g"},
		// Lists: the n results of a sampling plan.
		{"10, 20, 30, 40, 50", "CFU/g", "[10 20 30 40 50] CFU/g"},
		{"10，20，30，40，50", "CFU/g", "[10 20 30 40 50] CFU/g"},
		{"10;20;30；40、50", "CFU/g", "[10 20 30 40 50] CFU/g"},
		{"10 20 30 40 50", "CFU/g", "[10 20 30 40 50] CFU/g"},
		{"<10, 20, 1.2×10^3, >1100, 未检出", "CFU/g", "[<10 20 1200 >1100 0] CFU/g"},
		{"10 CFU/g, 20 CFU/g", "", "[10 20] CFU/g"},
		{"10, 20 CFU/mL", "CFU/g", "[10 20] CFU/mL"},
		{"10 CFU/g 20 CFU/g", "", "[10 20] CFU/g"},
		{"未检出，未检出，检出", "/25g", "[0 0 >0] /25g"},
		{"100,20", "CFU/g", "[100 20] CFU/g"},
	}
	for _, tt := range tests {
		r, err := ParseResult(tt.text, tt.unit)
		if err != nil {
			t.Errorf("ParseResult(%q, %q): %v", tt.text, tt.unit, err)
			continue
		}
		if got := r.describe(); got != tt.want {
			t.Errorf("ParseResult(%q, %q) = %s, want %s", tt.text, tt.unit, got, tt.want)
		}
	}

	bad := []struct{ text, unit, key string }{
		{"", "mg/kg", KeyErrResultMissing},
		{"  ", "mg/kg", KeyErrResultMissing},
		{"—", "mg/kg", KeyErrResultMissing},
		{"——", "mg/kg", KeyErrResultMissing},
		{"-", "mg/kg", KeyErrResultMissing},
		{"/", "mg/kg", KeyErrResultMissing},
		{"N/A", "mg/kg", KeyErrResultMissing},
		{"abc", "mg/kg", KeyErrResultInvalid},
		{"0.012 xyz/kg", "mg/kg", KeyErrUnitUnknown},
		{"0.012abc", "mg/kg", KeyErrUnitUnknown},
		{"0.012 和", "mg/kg", KeyErrResultInvalid},
		{"-0.5", "mg/kg", KeyErrNegative},
		{"－0.5", "mg/kg", KeyErrNegative},
		{"<-0.5", "mg/kg", KeyErrNegative},
		{"1e9999", "mg/kg", KeyErrDecimalRange},
		{"未检出(abc)", "mg/kg", KeyErrResultInvalid},
		{"未检出(<-1)", "mg/kg", KeyErrNegative},
		{"阳性(-)", "", KeyErrResultInvalid},
		{"阴性(+)", "", KeyErrResultInvalid},
		{"<", "mg/kg", KeyErrResultInvalid},
		{"10,,20", "CFU/g", KeyErrResultInvalid},
		{"10, 20,", "CFU/g", KeyErrResultInvalid},
		{"10 CFU/g, 20 CFU/mL", "", KeyErrResultInvalid},
		{"10, abc", "CFU/g", KeyErrResultInvalid},
		{"0.5~1.5", "mg/kg", KeyErrResultInvalid},
		{"多不可计", "CFU/g", KeyErrResultInvalid},
	}
	for _, tt := range bad {
		_, err := ParseResult(tt.text, tt.unit)
		wantKey(t, "ParseResult("+tt.text+")", err, tt.key)
	}
}

// ParseValues reads every comma as a separator; ParseResult reads "1,234" as one number.
func TestParseValues(t *testing.T) {
	tests := []struct {
		text, unit string
		list, one  string // ParseValues, ParseResult
	}{
		{"100,200,300,400,500", "CFU/g", "[100 200 300 400 500] CFU/g", "num 100200300400500 CFU/g"},
		{"1,234", "CFU/g", "[1 234] CFU/g", "num 1234 CFU/g"},
		{"100", "CFU/g", "num 100 CFU/g", "num 100 CFU/g"},
		{"未检出", "", "nd", "nd"},
		{"<10,<10,<10,<10,<10", "CFU/g", "[<10 <10 <10 <10 <10] CFU/g", "[<10 <10 <10 <10 <10] CFU/g"},
	}
	for _, tt := range tests {
		r, err := ParseValues(tt.text, tt.unit)
		if err != nil || r.describe() != tt.list {
			t.Errorf("ParseValues(%q) = %s, %v; want %s", tt.text, r.describe(), err, tt.list)
		}
		r, err = ParseResult(tt.text, tt.unit)
		if err != nil || r.describe() != tt.one {
			t.Errorf("ParseResult(%q) = %s, %v; want %s", tt.text, r.describe(), err, tt.one)
		}
	}
	_, err := ParseValues("—", "")
	wantKey(t, "ParseValues(—)", err, KeyErrResultMissing)
}

func TestParseLimit(t *testing.T) {
	tests := []struct {
		text, unit string
		kind       LimitKind
		want       string // String()
	}{
		{"≤0.2", "mg/kg", Max, "≤0.2 mg/kg"},
		{"<=0.2", "mg/kg", Max, "≤0.2 mg/kg"},
		{"=<0.2", "mg/kg", Max, "≤0.2 mg/kg"},
		{"≦0.2", "mg/kg", Max, "≤0.2 mg/kg"},
		{"≯0.2", "mg/kg", Max, "≤0.2 mg/kg"},
		{"＜＝0.2", "mg/kg", Max, "≤0.2 mg/kg"},
		{"不大于0.2", "mg/kg", Max, "≤0.2 mg/kg"},
		{"不超过0.2", "mg/kg", Max, "≤0.2 mg/kg"},
		{"≤ 0.2", "mg/kg", Max, "≤0.2 mg/kg"},
		{" ≤0.2 ", "mg/kg", Max, "≤0.2 mg/kg"},
		{"≤0.2mg/kg", "μg/kg", Max, "≤0.2 mg/kg"},
		{"≤0.2 mg/kg", "", Max, "≤0.2 mg/kg"},
		{"≤0.2（mg/kg）", "", Max, "≤0.2 mg/kg"},
		{"≤0.2 MG/KG", "", Max, "≤0.2 mg/kg"},
		{"≤０．２", "mg/kg", Max, "≤0.2 mg/kg"},
		{"0.2", "mg/kg", Max, "≤0.2 mg/kg"},
		{"0.50", "g/100g", Max, "≤0.50 g/100g"},
		{"100", "μg/kg", Max, "≤100 μg/kg"},
		{"1000", "CFU/g", Max, "≤1000 CFU/g"},
		{"≤1.0×10^3", "CFU/g", Max, "≤1000 CFU/g"},
		{"≤1,000", "CFU/g", Max, "≤1000 CFU/g"},
		{"5", "mg/g", Max, "≤5 mg/g"},
		{"<0.2", "mg/kg", MaxExclusive, "<0.2 mg/kg"},
		{"＜0.2", "mg/kg", MaxExclusive, "<0.2 mg/kg"},
		{"<1.0", "μg/kg", MaxExclusive, "<1.0 μg/kg"},
		{"小于1.0", "μg/kg", MaxExclusive, "<1.0 μg/kg"},
		{"≥3.0", "g/100g", Min, "≥3.0 g/100g"},
		{">=3.0", "g/100g", Min, "≥3.0 g/100g"},
		{"≧3.0", "g/100g", Min, "≥3.0 g/100g"},
		{"≮3.0", "g/100g", Min, "≥3.0 g/100g"},
		{"不小于3.0", "g/100g", Min, "≥3.0 g/100g"},
		{"不低于3.0", "g/100g", Min, "≥3.0 g/100g"},
		{">3.0", "g/100g", MinExclusive, ">3.0 g/100g"},
		{"＞3.0", "g/100g", MinExclusive, ">3.0 g/100g"},
		{"大于3.0", "g/100g", MinExclusive, ">3.0 g/100g"},
		{"0.5~1.5", "g/kg", Range, "0.5~1.5 g/kg"},
		{"0.5～1.5", "g/kg", Range, "0.5~1.5 g/kg"},
		{"0.5〜1.5", "g/kg", Range, "0.5~1.5 g/kg"},
		{"0.5-1.5", "g/kg", Range, "0.5~1.5 g/kg"},
		{"0.5－1.5", "g/kg", Range, "0.5~1.5 g/kg"},
		{"0.5–1.5", "g/kg", Range, "0.5~1.5 g/kg"},
		{"0.5至1.5", "g/kg", Range, "0.5~1.5 g/kg"},
		{"0.5 ~ 1.5 g/kg", "", Range, "0.5~1.5 g/kg"},
		{"0.5g/kg~1.5g/kg", "", Range, "0.5~1.5 g/kg"},
		{"1.5~1.5", "g/kg", Range, "1.5~1.5 g/kg"},
		{"不得检出", "", NotDetectedLimit, "不得检出"},
		{"不得检出", "mg/kg", NotDetectedLimit, "不得检出"},
		{"ND", "", NotDetectedLimit, "不得检出"},
		{"nd", "", NotDetectedLimit, "不得检出"},
		{"不得检出(0.01)", "mg/kg", NotDetectedLimit, "不得检出(0.01 mg/kg)"},
		{"不得检出（0.01）", "mg/kg", NotDetectedLimit, "不得检出(0.01 mg/kg)"},
		{"不得检出(0.01mg/kg)", "μg/kg", NotDetectedLimit, "不得检出(0.01 mg/kg)"},
		{"不得检出(<0.01)", "mg/kg", NotDetectedLimit, "不得检出(0.01 mg/kg)"},
		{"不得检出(检出限0.01)", "mg/kg", NotDetectedLimit, "不得检出(0.01 mg/kg)"},
		{"ND(0.01)", "mg/kg", NotDetectedLimit, "不得检出(0.01 mg/kg)"},
		{"不得检出/25g", "", NotDetectedLimit, "不得检出"},
		{"不得使用", "", NotDetectedLimit, "不得使用"},
		{"不得添加", "", NotDetectedLimit, "不得使用"},
		{"阴性", "", Qualitative, "阴性"},
		{"阴性(-)", "", Qualitative, "阴性"},
		{"阳性", "", Qualitative, "阳性"},
		{"n=5,c=2,m=100,M=1000", "CFU/g", MicroPlan, "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"},
		{"n=5,c=2,m=100,M=1000", "", MicroPlan, "n=5,c=2,m=100,M=1000"},
		{"n=5, c=2, m=100, M=1000", "CFU/g", MicroPlan, "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"},
		{"n=5，c=2，m=100，M=1000", "CFU/g", MicroPlan, "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"},
		{"ｎ＝5，ｃ＝2，ｍ＝100，Ｍ＝1000", "CFU/g", MicroPlan, "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"},
		{"n=5,c=2,m=100 CFU/g,M=1000 CFU/g", "", MicroPlan, "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"},
		{"n=5,c=1,m=100 CFU/g(mL),M=1000 CFU/g(mL)", "", MicroPlan, "n=5,c=1,m=100 CFU/g(mL),M=1000 CFU/g(mL)"},
		{"n=5,c=0,m=0/25g(mL),M=-", "", MicroPlan, "n=5,c=0,m=0/25g(mL),M=-"},
		{"n=5,c=0,m=0/25g(mL),M=—", "", MicroPlan, "n=5,c=0,m=0/25g(mL),M=-"},
		{"n=5,c=0,m=0/25g", "", MicroPlan, "n=5,c=0,m=0/25g,M=-"},
		{"n=5,c=2,m=10²,M=10³", "CFU/g", MicroPlan, "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"},
		{"n=5,c=2,m=1×10^2,M=1×10^3 CFU/g", "", MicroPlan, "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"},
		{"n=5,c=2,m=100 CFU/g,M=0.1×10^4", "", MicroPlan, "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"},
		{"n=5,c=2,m=0.1 CFU/g,M=100 CFU/100g", "", MicroPlan, "n=5,c=2,m=0.1 CFU/g,M=1.00 CFU/g"},
	}
	for _, tt := range tests {
		l, err := ParseLimit(tt.text, tt.unit)
		if err != nil {
			t.Errorf("ParseLimit(%q, %q): %v", tt.text, tt.unit, err)
			continue
		}
		if l.Kind != tt.kind || l.String() != tt.want {
			t.Errorf("ParseLimit(%q, %q) = kind %d %q, want kind %d %q", tt.text, tt.unit, l.Kind, l, tt.kind, tt.want)
		}
		// The canonical form reads back to itself.
		l2, err := ParseLimit(l.String(), "")
		if err != nil || l2.String() != l.String() {
			t.Errorf("ParseLimit(%q) = %q, %v; want it back", l.String(), l2.String(), err)
		}
	}

	// Fields beyond String.
	l, _ := ParseLimit("n=5,c=2,m=100 CFU/g,M=1000 CFU/g", "")
	if l.N != 5 || l.C != 2 || l.M_small.String() != "100" || l.M_big.String() != "1000" || l.Unit != "CFU/g" || l.TwoClass {
		t.Errorf("micro plan = %+v", l)
	}
	l, _ = ParseLimit("不得使用", "")
	if !l.Prohibited || l.Text != "不得使用" {
		t.Errorf("不得使用 = %+v", l)
	}
	l, _ = ParseLimit("阴性", "")
	if !l.Negative {
		t.Errorf("阴性 = %+v", l)
	}

	bad := []struct{ text, unit, key string }{
		{"", "mg/kg", KeyErrLimitMissing},
		{"—", "mg/kg", KeyErrLimitMissing},
		{"/", "mg/kg", KeyErrLimitMissing},
		{"abc", "mg/kg", KeyErrLimitInvalid},
		{"≤", "mg/kg", KeyErrLimitInvalid},
		{"≤abc", "mg/kg", KeyErrLimitInvalid},
		{"≤0.2 以Pb计", "mg/kg", KeyErrLimitInvalid},
		{"≤0.2 xyz/kg", "mg/kg", KeyErrUnitUnknown},
		{"≤-0.2", "mg/kg", KeyErrNegative},
		{"-0.2", "mg/kg", KeyErrNegative},
		{"1.5~0.5", "mg/kg", KeyErrRangeReversed},
		{"0.5~", "mg/kg", KeyErrLimitInvalid},
		{"0.5~-1", "mg/kg", KeyErrNegative},
		{"0.5mg/kg~1.5g/kg", "", KeyErrLimitInvalid},
		{"≤1e99999", "mg/kg", KeyErrDecimalRange},
		{"不得检出(abc)", "mg/kg", KeyErrLimitInvalid},
		{"不得检出 xyz", "mg/kg", KeyErrUnitUnknown},
		{"不得检出 和", "mg/kg", KeyErrLimitInvalid},
		{"阴性(+)", "", KeyErrLimitInvalid},
		{"n=5", "CFU/g", KeyErrMicroPlan},
		{"n=5,c=2", "CFU/g", KeyErrMicroPlan},
		{"n=5,c=6,m=100,M=1000", "CFU/g", KeyErrMicroPlan},
		{"n=0,c=0,m=100,M=1000", "CFU/g", KeyErrMicroPlan},
		{"n=5,c=2,m=100,M=1000,x=1", "CFU/g", KeyErrMicroPlan},
		{"n=5,c=2,m=100,m=100", "CFU/g", KeyErrMicroPlan},
		{"n=5,c=two,m=100,M=1000", "CFU/g", KeyErrMicroPlan},
		{"n=5,c=2,m=abc,M=1000", "CFU/g", KeyErrMicroPlan},
		{"n=5,c=2,m=100 abc,M=1000", "CFU/g", KeyErrUnitUnknown},
		{"n=5,c=2,m=100 和,M=1000", "CFU/g", KeyErrMicroPlan},
		{"n=5,c=2,m=-1,M=1000", "CFU/g", KeyErrNegative},
		{"n=5,c=2,m=1000,M=100", "CFU/g", KeyErrMicroMAboveM},
		{"n=5,c=2,m=100 CFU/g,M=1000 MPN/g", "", KeyErrUnitMismatch},
	}
	for _, tt := range bad {
		_, err := ParseLimit(tt.text, tt.unit)
		wantKey(t, "ParseLimit("+tt.text+")", err, tt.key)
	}
}

func TestParseComparison(t *testing.T) {
	for _, s := range []string{"", "full", "Full", " 全数值 ", "全数值比较", "全数值比较法", "exact"} {
		if c, err := ParseComparison(s); err != nil || c != Full {
			t.Errorf("ParseComparison(%q) = %v, %v", s, c, err)
		}
	}
	for _, s := range []string{"rounded", "ROUNDED", "round", "修约", "修约值", "修约值比较", "修约值比较法"} {
		if c, err := ParseComparison(s); err != nil || c != Rounded {
			t.Errorf("ParseComparison(%q) = %v, %v", s, c, err)
		}
	}
	_, err := ParseComparison("approximately")
	wantKey(t, "ParseComparison", err, KeyErrComparison)
	if Full.String() != "full" || Rounded.String() != "rounded" {
		t.Error("Comparison.String")
	}
}

func TestParseLabVerdict(t *testing.T) {
	tests := []struct {
		in   string
		want Verdict
		ok   bool
	}{
		{"合格", Pass, true}, {"符合", Pass, true}, {"符合要求", Pass, true}, {" 合格 ", Pass, true},
		{"pass", Pass, true}, {"PASS", Pass, true}, {"Passed", Pass, true},
		{"不合格", Fail, true}, {"不符合", Fail, true}, {"不符合要求", Fail, true},
		{"fail", Fail, true}, {"FAIL", Fail, true}, {"failed", Fail, true},
		{"", Unjudged, false}, {"  ", Unjudged, false}, {"—", Unjudged, false}, {"/", Unjudged, false},
	}
	for _, tt := range tests {
		v, ok, err := ParseLabVerdict(tt.in)
		if err != nil || v != tt.want || ok != tt.ok {
			t.Errorf("ParseLabVerdict(%q) = %v, %v, %v; want %v, %v", tt.in, v, ok, err, tt.want, tt.ok)
		}
	}
	_, _, err := ParseLabVerdict("基本合格")
	wantKey(t, "ParseLabVerdict", err, KeyErrLabVerdict)

	var v Verdict
	if err := v.UnmarshalText([]byte("不合格")); err != nil || v != Fail {
		t.Errorf("UnmarshalText = %v, %v", v, err)
	}
	if b, _ := Pass.MarshalText(); string(b) != "pass" {
		t.Errorf("MarshalText(Pass) = %s", b)
	}
	if Fail.String() != "fail" || Unjudged.String() != "" {
		t.Error("Verdict.String")
	}
}

func TestNormalizeAndConvertUnit(t *testing.T) {
	norm := map[string]string{
		"mg/kg": "mg/kg", "MG/KG": "mg/kg", "mg / kg": "mg/kg", "ｍｇ／ｋｇ": "mg/kg", "ppm": "mg/kg",
		"ug/kg": "μg/kg", "µg/kg": "μg/kg", "μg/kg": "μg/kg", "UG/KG": "μg/kg", "ppb": "μg/kg",
		"mg/l": "mg/L", "cfu/g": "CFU/g", "cfu/g(ml)": "CFU/g(mL)", "CFU/g（mL）": "CFU/g(mL)",
		"mpn/100ml": "MPN/100mL", "％": "%", " g/100g ": "g/100g", "% vol": "%vol",
		"/25g(mL)": "/25g(mL)", "": "", " 个/g ": "个/g", "μg (as published)": "μg (as published)",
	}
	for in, want := range norm {
		if got := NormalizeUnit(in); got != want {
			t.Errorf("NormalizeUnit(%q) = %q, want %q", in, got, want)
		}
	}

	conv := []struct{ v, from, to, want string }{
		{"150", "μg/kg", "mg/kg", "0.150"},
		{"0.2", "mg/kg", "μg/kg", "200"},
		{"0.393", "g/kg", "mg/kg", "393"},
		{"2.8", "g/100g", "%", "2.8"},
		{"2.8", "g/100g", "g/kg", "28"},
		{"5", "mg/g", "mg/kg", "5000"},
		{"1", "ng/g", "μg/kg", "1"},
		{"1", "ppm", "mg/kg", "1"},
		{"1", "ng/kg", "mg/kg", "0.000001"},
		{"3", "mg/100g", "mg/kg", "30"},
		{"1.5", "g/L", "mg/L", "1500"},
		{"1.5", "g/100mL", "g/L", "15"},
		{"1500", "CFU/100g", "CFU/g", "15.00"},
		{"15", "CFU/g", "CFU/g(mL)", "15"},
		{"15", "CFU/g(mL)", "CFU/mL", "15"},
		{"2400", "MPN/100mL", "MPN/mL", "24.00"},
		{"7", "个/g", "个/g", "7"},
		{"7", "", "mg/kg", "7"},
	}
	for _, tt := range conv {
		got, err := ConvertUnit(MustParseDecimal(tt.v), tt.from, tt.to)
		if err != nil || got.String() != tt.want {
			t.Errorf("ConvertUnit(%s %s → %s) = %s, %v; want %s", tt.v, tt.from, tt.to, got, err, tt.want)
		}
	}
	badConv := []struct{ from, to, key string }{
		{"mg/kg", "mg/L", KeyErrUnitMismatch},
		{"mg/kg", "CFU/g", KeyErrUnitMismatch},
		{"CFU/g", "CFU/mL", KeyErrUnitMismatch},
		{"CFU/g", "MPN/g", KeyErrUnitMismatch},
		{"%", "%vol", KeyErrUnitMismatch},
		{"个/g", "mg/kg", KeyErrUnitUnknown},
		{"mg/kg", "μg (as published)", KeyErrUnitUnknown},
	}
	for _, tt := range badConv {
		_, err := ConvertUnit(MustParseDecimal("1"), tt.from, tt.to)
		wantKey(t, "ConvertUnit("+tt.from+"→"+tt.to+")", err, tt.key)
	}
}

// No two units may share a lookup key, or one spelling would silently mean another.
func TestUnitTableUnambiguous(t *testing.T) {
	seen := map[string]string{}
	for _, u := range units {
		for _, s := range append([]string{u.name}, u.aliases...) {
			k := unitKey(s)
			if prev, ok := seen[k]; ok && prev != u.name {
				t.Errorf("%q (%s) and %s share key %q", s, u.name, prev, k)
			}
			seen[k] = u.name
		}
	}
}

func TestKindStrings(t *testing.T) {
	if Number.String() != "number" || NotDetected.String() != "not_detected" || Above.String() != "above" || ResultKind(0).String() != "" || ResultKind(99).String() != "" {
		t.Error("ResultKind.String")
	}
	if Max.String() != "max" || NotDetectedLimit.String() != "not_detected" || MicroPlan.String() != "micro_plan" || LimitKind(0).String() != "" || LimitKind(99).String() != "" {
		t.Error("LimitKind.String")
	}
}
