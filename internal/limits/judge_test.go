package limits

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"qcity"
	"qcity/internal/locale"
)

// judgeCase is one item: what the lab wrote, and qcity's expected verdict and reason,
// or the expected error key (verdict Unjudged).
type judgeCase struct {
	name                     string
	result, unit, limit, cmp string
	verdict                  Verdict
	key                      string
	args                     string // "k=v k=v": arguments that must be present, as fmt.Sprint writes them
}

var judgeCases = []judgeCase{
	// Maximum, boundaries and full-value comparison.
	{"max below", "0.012", "mg/kg", "≤0.05", "", Pass, KeyWithin, "value=0.012 limit=≤0.05 unit=mg/kg"},
	{"max equal passes", "0.2", "mg/kg", "≤0.2", "", Pass, KeyWithin, ""},
	{"max equal other scale", "0.200", "mg/kg", "≤0.2", "", Pass, KeyWithin, ""},
	{"max just above", "0.2001", "mg/kg", "≤0.2", "", Fail, KeyExceedsMax, "value=0.2001 limit=0.2 unit=mg/kg"},
	{"max above", "0.13", "mg/kg", "≤0.05", "", Fail, KeyExceedsMax, "value=0.13 limit=0.05 unit=mg/kg"},
	{"max zero result", "0", "mg/kg", "≤0.05", "", Pass, KeyWithin, ""},
	{"bare number is max", "0.2", "mg/kg", "0.2", "", Pass, KeyWithin, "limit=≤0.2"},
	{"bare number exceeded", "0.29", "mg/kg", "0.2", "", Fail, KeyExceedsMax, ""},
	{"<= spelling", "0.2", "mg/kg", "<=0.2", "", Pass, KeyWithin, ""},
	{"不大于", "0.21", "mg/kg", "不大于0.2", "", Fail, KeyExceedsMax, ""},
	{"exclusive max equal fails", "0.2", "mg/kg", "<0.2", "", Fail, KeyNotBelowMax, "value=0.2 limit=0.2"},
	{"exclusive max below passes", "0.19", "mg/kg", "<0.2", "", Pass, KeyWithin, "limit=<0.2"},
	{"exclusive max full-width", "6.4", "μg/kg", "＜1.0", "", Fail, KeyNotBelowMax, ""},
	{"min equal passes", "3.0", "g/100g", "≥3.0", "", Pass, KeyWithin, ""},
	{"min below fails", "2.99", "g/100g", "≥3.0", "", Fail, KeyBelowMin, "value=2.99 limit=3.0"},
	{"min above passes", "3.5", "g/100g", ">=3.0", "", Pass, KeyWithin, ""},
	{"exclusive min equal fails", "3.0", "g/100g", ">3.0", "", Fail, KeyNotAboveMin, ""},
	{"exclusive min above passes", "3.01", "g/100g", ">3.0", "", Pass, KeyWithin, ""},
	{"range low end", "0.5", "g/kg", "0.5~1.5", "", Pass, KeyWithin, "limit=0.5~1.5"},
	{"range high end", "1.5", "g/kg", "0.5~1.5", "", Pass, KeyWithin, ""},
	{"range inside", "1.0", "g/kg", "0.5～1.5", "", Pass, KeyWithin, ""},
	{"range below", "0.49", "g/kg", "0.5~1.5", "", Fail, KeyBelowMin, "limit=0.5"},
	{"range above", "1.51", "g/kg", "0.5-1.5", "", Fail, KeyExceedsMax, "limit=1.5"},

	// Unit conversion into the limit's unit.
	{"μg against mg passes", "150", "μg/kg", "≤0.2mg/kg", "", Pass, KeyWithin, "value=0.150 unit=mg/kg"},
	{"μg against mg fails", "250", "μg/kg", "≤0.2mg/kg", "", Fail, KeyExceedsMax, "value=0.250 limit=0.2 unit=mg/kg"},
	{"μg against mg equal", "200", "ug/kg", "≤0.2 mg/kg", "", Pass, KeyWithin, ""},
	{"mg against μg", "0.15", "mg/kg", "≤100μg/kg", "", Fail, KeyExceedsMax, "value=150 unit=μg/kg"},
	{"unit in result", "0.15mg/kg", "μg/kg", "≤200", "", Pass, KeyWithin, "value=150 unit=μg/kg"},
	{"g/kg against mg/kg", "0.393", "g/kg", "≤250mg/kg", "", Fail, KeyExceedsMax, "value=393"},
	{"% against g/100g", "1.2", "%", "≤1.5g/100g", "", Pass, KeyWithin, ""},
	{"g/100g against g/kg", "2.8", "g/100g", "≤25 g/kg", "", Fail, KeyExceedsMax, "value=28"},
	{"ppm is mg/kg", "0.3", "ppm", "≤0.2 mg/kg", "", Fail, KeyExceedsMax, ""},
	{"CFU/g against CFU/g(mL)", "1200", "CFU/g", "≤1000 CFU/g(mL)", "", Fail, KeyExceedsMax, ""},
	{"mass vs volume refused", "0.1", "mg/L", "≤0.2 mg/kg", "", Unjudged, KeyErrUnitMismatch, "from=mg/L to=mg/kg"},
	{"mass vs count refused", "10", "CFU/g", "≤0.2 mg/kg", "", Unjudged, KeyErrUnitMismatch, ""},
	{"unknown unit refused", "10", "个/g", "≤0.2 mg/kg", "", Unjudged, KeyErrUnitUnknown, "unit=个/g"},
	{"same unknown unit", "10", "个/g", "≤20", "", Pass, KeyWithin, "unit=个/g"},

	// Large exponents, full-width and big numbers.
	{"plate count ×10^n", "5.1×10^4", "CFU/g", "≤1000", "", Fail, KeyExceedsMax, "value=51000"},
	{"superscript exponent", "3.2×10³", "CFU/g", "≤10⁴", "", Pass, KeyWithin, ""},
	{"E notation", "1.2E3", "CFU/g", "≤1.0×10^3", "", Fail, KeyExceedsMax, ""},
	{"huge exponent", "1×10^30", "CFU/g", "≤1×10^6", "", Fail, KeyExceedsMax, ""},
	{"tiny exponent", "1×10^-30", "mg/kg", "≤0.01", "", Pass, KeyWithin, ""},
	{"beyond int64", "123456789012345678901234567890", "CFU/g", "≤123456789012345678901234567891", "", Pass, KeyWithin, ""},
	{"beyond int64 fails", "123456789012345678901234567892", "CFU/g", "≤123456789012345678901234567891", "", Fail, KeyExceedsMax, ""},
	{"full-width everything", "０．３", "ｍｇ／ｋｇ", "≦０．２", "", Fail, KeyExceedsMax, "value=0.3 limit=0.2 unit=mg/kg"},
	{"thousands separator", "1,200", "CFU/g", "≤1,000", "", Fail, KeyExceedsMax, "value=1200"},
	{"spaces", "  0.012 ", " mg/kg ", " ≤ 0.05 ", "", Pass, KeyWithin, ""},

	// GB/T 8170 修约值比较法 against full-value comparison.
	{"rounded 0.25 → 0.2 passes", "0.25", "mg/kg", "≤0.2", "修约值比较法", Pass, KeyRoundedWithin, "value=0.25 rounded=0.2"},
	{"full 0.25 fails", "0.25", "mg/kg", "≤0.2", "全数值比较法", Fail, KeyExceedsMax, ""},
	{"rounded 0.35 → 0.4 fails ≤0.3", "0.35", "mg/kg", "≤0.3", "rounded", Fail, KeyRoundedExceedsMax, "value=0.35 rounded=0.4 limit=0.3"},
	{"rounded 0.250001 → 0.3", "0.250001", "mg/kg", "≤0.2", "rounded", Fail, KeyRoundedExceedsMax, "rounded=0.3"},
	{"rounded 0.24 → 0.2", "0.24", "mg/kg", "≤0.2", "rounded", Pass, KeyRoundedWithin, "rounded=0.2"},
	{"rounded same scale", "0.3", "mg/kg", "≤0.2", "rounded", Fail, KeyExceedsMax, ""},
	{"rounded to integer", "1000.5", "CFU/g", "≤1000", "rounded", Pass, KeyRoundedWithin, "rounded=1000"},
	{"rounded 1001.5 → 1002", "1001.5", "CFU/g", "≤1000", "rounded", Fail, KeyRoundedExceedsMax, "rounded=1002"},
	{"rounded exclusive", "0.96", "mg/kg", "<1.0", "rounded", Fail, KeyRoundedNotBelowMax, "rounded=1.0"},
	{"rounded min", "2.94", "g/100g", "≥3.0", "rounded", Fail, KeyRoundedBelowMin, "rounded=2.9"},
	{"rounded min half even", "2.95", "g/100g", "≥3.0", "rounded", Pass, KeyRoundedWithin, "rounded=3.0"},
	{"rounded min half even down", "2.85", "g/100g", "≥2.9", "rounded", Fail, KeyRoundedBelowMin, "rounded=2.8"},
	{"rounded min 2.96", "2.96", "g/100g", "≥3.0", "rounded", Pass, KeyRoundedWithin, "rounded=3.0"},
	{"rounded exclusive min", "3.04", "g/100g", ">3.0", "rounded", Fail, KeyRoundedNotAboveMin, "rounded=3.0"},
	{"rounded range high", "1.54", "g/kg", "0.5~1.5", "rounded", Pass, KeyRoundedWithin, "rounded=1.5"},
	{"rounded range high fails", "1.56", "g/kg", "0.5~1.5", "rounded", Fail, KeyRoundedExceedsMax, "rounded=1.6 limit=1.5"},
	{"rounded after conversion", "150.4", "μg/kg", "≤0.15 mg/kg", "rounded", Pass, KeyRoundedWithin, "value=0.1504 rounded=0.15"},
	{"rounded limit with exponent", "1049", "CFU/g", "≤1.0×10^3", "rounded", Pass, KeyRoundedWithin, "rounded=1000"},
	{"rounded limit with exponent fails", "1051", "CFU/g", "≤1.0×10^3", "rounded", Fail, KeyRoundedExceedsMax, "rounded=1100"},
	{"rounded 0.50 keeps 2 places", "0.505", "g/100g", "≤0.50", "rounded", Pass, KeyRoundedWithin, "rounded=0.50"},

	// Not detected against numeric limits.
	{"ND passes max", "未检出", "mg/kg", "≤0.2", "", Pass, KeyNotDetectedWithin, "limit=≤0.2 unit=mg/kg"},
	{"ND passes exclusive max", "ND", "mg/kg", "<0.2", "", Pass, KeyNotDetectedWithin, ""},
	{"<LOD passes max", "<0.005", "mg/kg", "≤0.2", "", Pass, KeyNotDetectedLODWithin, "lod=0.005 limit=≤0.2"},
	{"<LOD equal to max passes", "<0.2", "mg/kg", "≤0.2", "", Pass, KeyNotDetectedLODWithin, ""},
	{"<LOD equal to exclusive max passes", "<0.2", "mg/kg", "<0.2", "", Pass, KeyNotDetectedLODWithin, ""},
	{"<LOD above max undecided", "<0.05", "mg/kg", "≤0.01", "", Unjudged, KeyErrLODAboveLimit, "lod=0.05 limit=0.01 unit=mg/kg"},
	{"ND with LOD in parens", "未检出(<0.01)", "mg/kg", "≤0.02", "", Pass, KeyNotDetectedLODWithin, "lod=0.01"},
	{"<LOD converted", "<5", "μg/kg", "≤0.01 mg/kg", "", Pass, KeyNotDetectedLODWithin, "lod=0.005 unit=mg/kg"},
	{"<LOD converted undecided", "<50", "μg/kg", "≤0.01 mg/kg", "", Unjudged, KeyErrLODAboveLimit, ""},
	{"ND fails minimum", "未检出", "g/100g", "≥3.0", "", Fail, KeyNotDetectedBelowMin, "limit=3.0"},
	{"<LOD below minimum fails", "<0.1", "g/100g", "≥3.0", "", Fail, KeyNotDetectedBelowMin, ""},
	{"<LOD above minimum undecided", "<5", "g/100g", "≥3.0", "", Unjudged, KeyErrLODAboveLimit, ""},
	{"ND in range from 0", "未检出", "g/kg", "0~1.5", "", Pass, KeyNotDetectedWithin, ""},
	{"ND below range", "未检出", "g/kg", "0.5~1.5", "", Fail, KeyNotDetectedBelowMin, "limit=0.5"},
	{"detected without value vs max", "检出", "mg/kg", "≤0.2", "", Unjudged, KeyErrNotNumeric, ""},
	{"above bound fails max", ">1100", "MPN/g", "≤1000", "", Fail, KeyExceedsMax, "value=>1100"},
	{"above bound equal fails max", ">1000", "MPN/g", "≤1000", "", Fail, KeyExceedsMax, ""},
	{"above bound undecided", ">100", "MPN/g", "≤1000", "", Unjudged, KeyErrResultBound, "value=>100"},
	{"above bound passes min", ">5", "g/100g", "≥3.0", "", Pass, KeyWithin, "value=>5"},
	{"qualitative vs numeric", "阴性", "mg/kg", "≤0.2", "", Unjudged, KeyErrNotNumeric, ""},
	{"ND against <0", "未检出", "mg/kg", "<0", "", Fail, KeyNotBelowMax, "value=0 limit=0"},
	{"detected against ≤0", "检出", "mg/kg", "≤0", "", Fail, KeyDetected, ""},
	{"detected against ≥0", "检出", "mg/kg", "≥0", "", Pass, KeyDetectedWithin, "limit=≥0"},

	// 不得检出 / 不得使用.
	{"ND limit: 未检出", "未检出", "μg/kg", "不得检出", "", Pass, KeyNotDetected, ""},
	{"ND limit: ND", "ND", "μg/kg", "ND", "", Pass, KeyNotDetected, ""},
	{"ND limit: value", "0.74", "μg/kg", "不得检出", "", Fail, KeyDetectedMustNot, "value=0.74 unit=μg/kg"},
	{"ND limit: ×10^n value", "2.77×10^2", "μg/kg", "不得检出", "", Fail, KeyDetectedMustNot, "value=277"},
	{"ND limit: zero", "0", "μg/kg", "不得检出", "", Pass, KeyNotDetected, ""},
	{"ND limit: <LOD shown", "<0.005", "mg/kg", "不得检出", "", Pass, KeyNotDetectedLOD, "lod=0.005 unit=mg/kg"},
	{"ND limit: 检出", "检出", "", "不得检出", "", Fail, KeyDetected, ""},
	{"ND limit: 阳性", "阳性", "", "不得检出", "", Fail, KeyDetected, ""},
	{"ND limit: 阴性", "阴性", "", "不得检出", "", Pass, KeyNotDetected, ""},
	{"ND limit LOD: below", "0.005", "mg/kg", "不得检出(0.01)", "", Pass, KeyBelowLOD, "value=0.005 lod=0.01"},
	{"ND limit LOD: equal fails", "0.01", "mg/kg", "不得检出(0.01)", "", Fail, KeyDetectedAboveLOD, "value=0.01 lod=0.01"},
	{"ND limit LOD: above", "0.02", "mg/kg", "不得检出(0.01)", "", Fail, KeyDetectedAboveLOD, ""},
	{"ND limit LOD: converted", "5", "μg/kg", "不得检出(0.01 mg/kg)", "", Pass, KeyBelowLOD, "value=0.005 unit=mg/kg"},
	{"ND limit LOD: converted fails", "15", "μg/kg", "不得检出(0.01 mg/kg)", "", Fail, KeyDetectedAboveLOD, "value=0.015"},
	{"ND limit LOD: 未检出", "未检出", "mg/kg", "不得检出(0.01)", "", Pass, KeyNotDetected, ""},
	{"ND limit LOD: result LOD lower", "<0.005", "mg/kg", "不得检出(0.01)", "", Pass, KeyNotDetectedLOD, "lod=0.005"},
	{"ND limit LOD: result LOD equal", "未检出(<0.01)", "mg/kg", "不得检出(0.01)", "", Pass, KeyNotDetectedLOD, ""},
	{"ND limit LOD: result LOD higher", "<0.05", "mg/kg", "不得检出(0.01)", "", Unjudged, KeyErrLODAboveLimit, "lod=0.05 limit=0.01"},
	{"ND limit: values", "1, 2", "mg/kg", "不得检出", "", Unjudged, KeyErrValuesNeedPlan, "count=2"},
	{"不得使用: value", "0.393", "g/kg", "不得使用", "", Fail, KeyUsedNotPermitted, "value=0.393 unit=g/kg"},
	{"不得使用: ND", "未检出", "g/kg", "不得使用", "", Pass, KeyNotDetected, ""},
	{"ND limit: above bound", ">10", "μg/kg", "不得检出", "", Fail, KeyDetectedMustNot, "value=>10"},

	// Qualitative limits.
	{"阴性 expected, 阴性", "阴性", "", "阴性", "", Pass, KeyNegative, ""},
	{"阴性 expected, 阴性(-)", "阴性(-)", "", "阴性", "", Pass, KeyNegative, ""},
	{"阴性 expected, 未检出", "未检出", "", "阴性", "", Pass, KeyNegative, ""},
	{"阴性 expected, 阳性", "阳性", "", "阴性", "", Fail, KeyPositiveNotAllowed, ""},
	{"阴性 expected, 阳性(+)", "阳性(+)", "", "阴性", "", Fail, KeyPositiveNotAllowed, ""},
	{"阴性 expected, 检出", "检出", "", "阴性", "", Fail, KeyPositiveNotAllowed, ""},
	{"阳性 expected, 阳性", "阳性", "", "阳性", "", Pass, KeyPositive, ""},
	{"阳性 expected, 阴性", "阴性", "", "阳性", "", Fail, KeyNegativeNotAllowed, ""},
	{"阴性 expected, number", "0.1", "", "阴性", "", Unjudged, KeyErrNotQualitative, ""},

	// Microbiological plans n, c, m, M.
	{"plan all below m", "10,20,30,40,50", "CFU/g", "n=5,c=2,m=100,M=1000", "", Pass, KeyMicroWithin, "n=5 count=0 c=2"},
	{"plan c values above m", "150,200,30,40,50", "CFU/g", "n=5,c=2,m=100,M=1000", "", Pass, KeyMicroWithin, "count=2"},
	{"plan m boundary not exceeding", "100,100,100,100,100", "CFU/g", "n=5,c=2,m=100,M=1000", "", Pass, KeyMicroWithin, "count=0"},
	{"plan M boundary not exceeding", "1000,10,10,10,10", "CFU/g", "n=5,c=2,m=100,M=1000", "", Pass, KeyMicroWithin, "count=1"},
	{"plan too many above m", "150,200,300,40,50", "CFU/g", "n=5,c=2,m=100,M=1000", "", Fail, KeyMicroOverMCount, "count=3 c=2 m=100 unit=CFU/g"},
	{"plan one above M", "1001,20,30,40,50", "CFU/g", "n=5,c=2,m=100,M=1000", "", Fail, KeyMicroOverM, "value=1001 M=1000"},
	{"plan with units", "10,20,30,40,50", "", "n=5,c=2,m=100 CFU/g,M=1000 CFU/g", "", Pass, KeyMicroWithin, ""},
	{"plan Chinese commas", "1.5×10^2，2.0×10^2，30，<10，50", "CFU/g", "n=5，c=2，m=100，M=1000", "", Pass, KeyMicroWithin, "count=2"},
	{"plan <10 under m", "<10,<10,<10,<10,<10", "CFU/g", "n=5,c=0,m=10,M=100", "", Pass, KeyMicroWithin, "count=0"},
	{"plan <10 over m undecided", "<10,<10,<10,<10,<10", "CFU/g", "n=5,c=0,m=5,M=100", "", Unjudged, KeyErrMicroUndecided, ""},
	{"plan <10 over m but within c", "<10,10,10,10,10", "CFU/g", "n=5,c=1,m=5,M=100", "", Fail, KeyMicroOverMCount, "count=4"},
	{"plan <10 over m within c", "<10,1,1,1,1", "CFU/g", "n=5,c=1,m=5,M=100", "", Pass, KeyMicroWithin, "count=0"},
	{"plan >1100 above M", ">1100,10,10,10,10", "MPN/g", "n=5,c=1,m=100,M=1000", "", Fail, KeyMicroOverM, "value=>1100"},
	{"plan count mismatch", "10,20,30", "CFU/g", "n=5,c=2,m=100,M=1000", "", Unjudged, KeyErrMicroCount, "count=3 n=5"},
	{"plan single number", "10", "CFU/g", "n=5,c=2,m=100,M=1000", "", Unjudged, KeyErrMicroCount, "count=1 n=5"},
	{"plan n=1 single number", "150", "CFU/g", "n=1,c=0,m=100,M=1000", "", Fail, KeyMicroOverMCount, "count=1"},
	{"plan unit conversion", "1.2,2,3,4,5", "CFU/g", "n=5,c=0,m=100 CFU/100g,M=1000 CFU/100g", "", Fail, KeyMicroOverMCount, "count=5"},
	{"plan unit mismatch", "10,20,30,40,50", "MPN/g", "n=5,c=2,m=100 CFU/g,M=1000 CFU/g", "", Unjudged, KeyErrUnitMismatch, ""},
	{"plan rounded", "100.4,100.4,100.4,10,10", "CFU/g", "n=5,c=2,m=100,M=1000", "rounded", Pass, KeyMicroWithin, "count=0"},
	{"plan full", "100.4,100.4,100.4,10,10", "CFU/g", "n=5,c=2,m=100,M=1000", "", Fail, KeyMicroOverMCount, "count=3"},
	{"two-class all ND", "未检出,未检出,未检出,未检出,未检出", "", "n=5,c=0,m=0/25g(mL),M=-", "", Pass, KeyMicroWithinTwoClass, "n=5 count=0 c=0"},
	{"two-class single ND", "未检出", "", "n=5,c=0,m=0/25g(mL),M=-", "", Pass, KeyMicroNotDetected, "n=5"},
	{"two-class single 阴性", "阴性", "", "n=5,c=0,m=0/25g(mL),M=-", "", Pass, KeyMicroNotDetected, ""},
	{"two-class one detected", "未检出,未检出,检出,未检出,未检出", "", "n=5,c=0,m=0/25g(mL),M=-", "", Fail, KeyMicroOverMCount, "count=1 c=0"},
	{"two-class single detected", "检出", "", "n=5,c=0,m=0/25g(mL),M=-", "", Fail, KeyMicroDetected, "m=0 unit=/25g(mL)"},
	{"two-class zeros", "0,0,0,0,0", "/25g", "n=5,c=0,m=0/25g(mL),M=-", "", Pass, KeyMicroWithinTwoClass, ""},
	{"three-class single detected", "检出", "CFU/g", "n=5,c=2,m=100,M=1000", "", Unjudged, KeyErrMicroCount, ""},
	{"values without plan", "10,20,30,40,50", "CFU/g", "≤1000", "", Unjudged, KeyErrValuesNeedPlan, "count=5"},

	// Input errors surface with their keys.
	{"result missing", "—", "mg/kg", "≤0.2", "", Unjudged, KeyErrResultMissing, ""},
	{"limit missing", "0.1", "mg/kg", "", "", Unjudged, KeyErrLimitMissing, ""},
	{"bad comparison", "0.1", "mg/kg", "≤0.2", "大概", Unjudged, KeyErrComparison, ""},
}

// argsHave reports whether args hold every "k=v" of want.
func argsHave(args map[string]any, want string) error {
	for _, kv := range strings.Fields(want) {
		k, v, _ := strings.Cut(kv, "=")
		got, ok := args[k]
		if !ok {
			return fmt.Errorf("missing arg %s", k)
		}
		if fmt.Sprint(got) != v {
			return fmt.Errorf("arg %s = %v, want %s", k, got, v)
		}
	}
	return nil
}

func TestJudgeItemTable(t *testing.T) {
	if len(judgeCases) < 80 {
		t.Fatalf("only %d judge cases", len(judgeCases))
	}
	cat := locale.Default()
	for _, tc := range judgeCases {
		t.Run(tc.name, func(t *testing.T) {
			it, err := JudgeItem(tc.result, tc.unit, tc.limit, tc.cmp, "")
			if tc.verdict == Unjudged {
				wantKey(t, tc.name, err, tc.key)
				var qe *qcity.Error
				if errors.As(err, &qe) {
					if len(qe.Fields) != 1 || qe.Fields[0].Key != tc.key {
						t.Errorf("fields = %+v", qe.Fields)
					}
					if e := argsHave(qe.Args, tc.args); e != nil {
						t.Errorf("%v (args %v)", e, qe.Args)
					}
				}
				if it.Verdict != Unjudged {
					t.Errorf("verdict %v with an error", it.Verdict)
				}
				return
			}
			if err != nil {
				t.Fatalf("JudgeItem(%q, %q, %q, %q): %v", tc.result, tc.unit, tc.limit, tc.cmp, err)
			}
			if it.Verdict != tc.verdict || it.Key != tc.key {
				t.Errorf("JudgeItem(%q, %q, %q, %q) = %v %s %v, want %v %s", tc.result, tc.unit, tc.limit, tc.cmp, it.Verdict, it.Key, it.Args, tc.verdict, tc.key)
			}
			if e := argsHave(it.Args, tc.args); e != nil {
				t.Errorf("%v (args %v)", e, it.Args)
			}
			for _, l := range locale.Langs {
				msg := it.Message(cat, l)
				if msg == it.Key || strings.Contains(msg, "{") {
					t.Errorf("%s message %q: key or placeholder left", l, msg)
				}
			}
		})
	}
}

// The lab's verdict is compared with qcity's, and every disagreement is flagged.
func TestJudgeItemLabVerdict(t *testing.T) {
	tests := []struct {
		result, lab string
		has, dis    bool
	}{
		{"0.13", "不合格", true, false},
		{"0.13", "合格", true, true},
		{"0.13", "fail", true, false},
		{"0.13", "pass", true, true},
		{"0.01", "合格", true, false},
		{"0.01", "不合格", true, true},
		{"0.01", "", false, false},
		{"0.13", "—", false, false},
	}
	for _, tt := range tests {
		it, err := JudgeItem(tt.result, "mg/kg", "≤0.05", "", tt.lab)
		if err != nil {
			t.Fatal(err)
		}
		if it.HasLabVerdict != tt.has || it.Disagrees != tt.dis {
			t.Errorf("result %s lab %q: has %v disagrees %v, want %v %v", tt.result, tt.lab, it.HasLabVerdict, it.Disagrees, tt.has, tt.dis)
		}
	}

	// A lab verdict qcity cannot read is an error on its field.
	_, err := JudgeItem("0.13", "mg/kg", "≤0.05", "", "maybe")
	wantKey(t, "lab verdict", err, KeyErrLabVerdict)
	var qe *qcity.Error
	if errors.As(err, &qe) && (len(qe.Fields) != 1 || qe.Fields[0].Field != "lab_verdict") {
		t.Errorf("fields = %+v", qe.Fields)
	}

	// An item that cannot be judged keeps the lab's verdict for the reviewer.
	it, err := JudgeItem("<0.05", "mg/kg", "≤0.01", "", "合格")
	wantKey(t, "undecided", err, KeyErrLODAboveLimit)
	if !it.HasLabVerdict || it.LabVerdict != Pass || it.Verdict != Unjudged {
		t.Errorf("undecided item = %+v", it)
	}
}

func TestJudgeItemFields(t *testing.T) {
	tests := []struct{ result, unit, limit, cmp, field string }{
		{"x", "mg/kg", "≤0.2", "", "result"},
		{"0.1", "mg/kg", "x", "", "limit"},
		{"0.1", "mg/kg", "≤0.2", "x", "comparison"},
		{"0.1", "mg/L", "≤0.2 mg/kg", "", "result"},
	}
	for _, tt := range tests {
		_, err := JudgeItem(tt.result, tt.unit, tt.limit, tt.cmp, "")
		var qe *qcity.Error
		if !errors.As(err, &qe) || len(qe.Fields) != 1 || qe.Fields[0].Field != tt.field {
			t.Errorf("JudgeItem(%q, %q, %q, %q) error %v, want field %s", tt.result, tt.unit, tt.limit, tt.cmp, err, tt.field)
		}
	}
}

func TestMicrobiological(t *testing.T) {
	tests := []struct {
		result, unit, limit string
		want                bool
	}{
		{"10,20,30,40,50", "", "n=5,c=2,m=100,M=1000", true},
		{"5.1×10^4", "CFU/g", "≤1000", true},
		{"5.1×10^4 CFU/g", "", "≤1000", true},
		{"未检出", "", "n=5,c=0,m=0/25g(mL),M=-", true},
		{"23", "MPN/100g", "≤30", true},
		{"0.13", "mg/kg", "≤0.05", false},
		{"阴性", "", "阴性", false},
	}
	for _, tt := range tests {
		it, err := JudgeItem(tt.result, tt.unit, tt.limit, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if it.Microbiological != tt.want {
			t.Errorf("JudgeItem(%q, %q, %q).Microbiological = %v", tt.result, tt.unit, tt.limit, it.Microbiological)
		}
	}
}

func TestJudgeDirect(t *testing.T) {
	// Judge works on parsed values, and on values built by hand.
	res := Result{Kind: Number, Value: NewDecimal(250, 0), Unit: "ug/kg"}
	lim := Limit{Kind: Max, Value: NewDecimal(2, 1), Unit: "mg/kg"}
	j, err := Judge(res, lim, Full)
	if err != nil || j.Verdict != Fail || j.Key != KeyExceedsMax {
		t.Errorf("Judge = %+v, %v", j, err)
	}
	if got := j.Message(locale.Default(), locale.EN); got != "Result 0.250 mg/kg exceeds the maximum of 0.2 mg/kg." {
		t.Errorf("message = %q", got)
	}
	if got := j.Message(locale.Default(), locale.ZH); got != "检测值 0.250 mg/kg，超过最大限量 0.2 mg/kg。" {
		t.Errorf("message = %q", got)
	}
	_, err = Judge(Result{}, lim, Full)
	wantKey(t, "zero result", err, KeyErrResultMissing)
	_, err = Judge(res, Limit{}, Full)
	wantKey(t, "zero limit", err, KeyErrLimitMissing)
}

func TestSampleVerdict(t *testing.T) {
	tests := []struct {
		items []Verdict
		want  Verdict
	}{
		{nil, Unjudged},
		{[]Verdict{Pass}, Pass},
		{[]Verdict{Pass, Pass, Pass}, Pass},
		{[]Verdict{Pass, Fail, Pass}, Fail},
		{[]Verdict{Fail}, Fail},
		{[]Verdict{Pass, Unjudged}, Unjudged},
		{[]Verdict{Unjudged, Fail}, Fail},
	}
	for _, tt := range tests {
		if got := SampleVerdict(tt.items); got != tt.want {
			t.Errorf("SampleVerdict(%v) = %v, want %v", tt.items, got, tt.want)
		}
	}
}
