package limits

import (
	"errors"
	"testing"

	"qcity"
	"qcity/internal/locale"
)

// fuzzJunk seeds the fuzzers with near misses and garbage.
var fuzzJunk = []string{
	"", " ", "—", "-", "<", ">", "≤", "~", "(", ")", "((", "()", "未检出(", "未检出()", "ND(<)",
	"1e", "1E99999", "1×10^", "10^", "10⁻", "×10³", ",", "1,", ",1", "1,,2", "1，", "0.", ".", "..",
	"n=", "n=5,", "n=5,c=,m=,M=", "n=5,c=2,m=100,M=-", "n=99999999999999999999",
	"不得检出(((0.01)))", "阳性(+)(+)", "0.5~~1.5", "1.5~0.5", "0.5~1.5~2.5",
	"\xff\xfe", "０．", "＜０．０１", "１×１０⁻⁹⁹⁹", "9999999999999999999999999.99999999999",
	"<0.01(未检出)(ND)", "未检出/25g/25g", "10 CFU/g CFU/g", "mg/kg", "% 5",
}

// checkErr asserts that err is an EINVALID *qcity.Error with a catalogued key.
func checkErr(t *testing.T, in string, err error) {
	t.Helper()
	var qe *qcity.Error
	if !errors.As(err, &qe) {
		t.Fatalf("%q: error %v is %T, not *qcity.Error", in, err, err)
	}
	if qe.Code != qcity.EINVALID {
		t.Fatalf("%q: code %q", in, qe.Code)
	}
	for _, l := range locale.Langs {
		if !locale.Default().Has(l, qe.Key) {
			t.Fatalf("%q: key %q missing in %s", in, qe.Key, l)
		}
	}
}

func FuzzParseResult(f *testing.F) {
	for _, tc := range judgeCases {
		f.Add(tc.result, tc.unit)
	}
	for _, s := range fuzzJunk {
		f.Add(s, "mg/kg")
	}
	f.Fuzz(func(t *testing.T, text, unit string) {
		for _, parse := range []func(string, string) (Result, error){ParseResult, ParseValues} {
			r, err := parse(text, unit)
			if err != nil {
				checkErr(t, text, err)
				continue
			}
			if r.Kind < Number || r.Kind > Above {
				t.Fatalf("%q: kind %d", text, r.Kind)
			}
			if r.Kind == Values && (len(r.Values) < 2 || r.Bounds != nil && len(r.Bounds) != len(r.Values)) {
				t.Fatalf("%q: %d values, %d bounds", text, len(r.Values), len(r.Bounds))
			}
			if r.Value.Sign() < 0 || r.LOD.Sign() < 0 {
				t.Fatalf("%q: negative value", text)
			}
			// What parses as a number reads back from its canonical form.
			if r.Kind == Number {
				d, err := ParseDecimal(r.Value.String())
				if err != nil || d.Cmp(r.Value) != 0 {
					t.Fatalf("%q: value %s does not read back: %v", text, r.Value, err)
				}
			}
		}
	})
}

func FuzzParseLimit(f *testing.F) {
	for _, tc := range judgeCases {
		f.Add(tc.limit, tc.unit)
	}
	for _, s := range fuzzJunk {
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, text, unit string) {
		l, err := ParseLimit(text, unit)
		if err != nil {
			checkErr(t, text, err)
			return
		}
		if l.Kind < Max || l.Kind > MicroPlan {
			t.Fatalf("%q: kind %d", text, l.Kind)
		}
		// The canonical form reads back to itself. An item unit qcity does not know
		// is free text ("(0" is one) and can make String ambiguous, so the check
		// covers known units.
		if l.Unit != "" && lookupUnit(l.Unit) == nil {
			return
		}
		s := l.String()
		l2, err := ParseLimit(s, l.Unit)
		if err != nil {
			t.Fatalf("%q: canonical %q does not parse: %v", text, s, err)
		}
		if s2 := l2.String(); s2 != s {
			t.Fatalf("%q: canonical %q reads back as %q", text, s, s2)
		}
	})
}

func FuzzJudgeItem(f *testing.F) {
	for _, tc := range judgeCases {
		f.Add(tc.result, tc.unit, tc.limit, tc.cmp, "")
	}
	for _, s := range fuzzJunk {
		f.Add(s, "mg/kg", "≤0.2", "", "合格")
		f.Add("0.1", "", s, "rounded", "")
	}
	cat := locale.Default()
	f.Fuzz(func(t *testing.T, result, unit, limit, cmp, lab string) {
		it, err := JudgeItem(result, unit, limit, cmp, lab)
		if err != nil {
			checkErr(t, result+" | "+limit, err)
			if it.Verdict != Unjudged {
				t.Fatalf("verdict %v with error %v", it.Verdict, err)
			}
			return
		}
		if it.Verdict != Pass && it.Verdict != Fail {
			t.Fatalf("verdict %d", it.Verdict)
		}
		for _, l := range locale.Langs {
			if !cat.Has(l, it.Key) {
				t.Fatalf("reason key %q missing in %s", it.Key, l)
			}
		}
		if it.Disagrees != (it.HasLabVerdict && it.LabVerdict != it.Verdict) {
			t.Fatalf("Disagrees = %v for lab %v/%v, verdict %v", it.Disagrees, it.LabVerdict, it.HasLabVerdict, it.Verdict)
		}
		// Rounding can move a value only to a neighbour at the limit's precision, and
		// for a plain maximum the full and rounded verdicts differ only when rounding
		// changed the value.
		if it.Limit.Kind == Max && it.Result.Kind == Number && cmp == "" {
			r, err := JudgeItem(result, unit, limit, "rounded", lab)
			if err == nil && r.Verdict != it.Verdict && it.Result.Value.Scale() <= it.Limit.Value.Scale() &&
				it.Result.Unit == it.Limit.Unit {
				t.Fatalf("full %v, rounded %v without rounding", it.Verdict, r.Verdict)
			}
		}
	})
}

// FuzzDecimal checks RoundHalfEven against the big.Rat reference and Cmp against
// the canonical text.
func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"0.25", "0.35", "0.250001", "-2.5", "12345678901234567890.5", "1.2E3", "3.2×10³", "0"} {
		f.Add(s, 1)
	}
	f.Fuzz(func(t *testing.T, s string, scale int) {
		d, err := ParseDecimal(s)
		if err != nil {
			checkErr(t, s, err)
			return
		}
		if scale < -40 || scale > 40 {
			scale %= 40
		}
		if got, want := d.RoundHalfEven(scale), roundRef(d, scale); got.Cmp(want) != 0 || got.Scale() != scale {
			t.Fatalf("RoundHalfEven(%s, %d) = %s, want %s", d, scale, got, want)
		}
		e, err := ParseDecimal(d.String())
		if err != nil || e.Cmp(d) != 0 || d.Cmp(e) != 0 {
			t.Fatalf("%q: String %s reads back as %s, %v", s, d, e, err)
		}
	})
}
