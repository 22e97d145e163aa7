package nqi_test

import (
	"testing"

	"qcity"
	"qcity/internal/nqi"
	"qcity/internal/region"
)

// FuzzParseValue: any text parses or fails with an invalid-input error, never panics;
// what parses writes back to a text that parses to the same value, and compares equal
// to itself.
func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"0.05", "≤0.05 mg/kg", "≥95%", "不得检出", "1.2×10³ CFU/g", "3,600 h", "－5 ℃",
		"<=1e-3", "12 kW.h", "1E999999999", "≤", "(mg/kg)", "0.5~1.5", "5 dB(A)", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := nqi.ParseValue(s)
		if err != nil {
			if qcity.ErrorCode(err) != qcity.EINVALID {
				t.Fatalf("%q: %v is not an invalid-input error", s, err)
			}
			return
		}
		back, err := nqi.ParseValue(v.String())
		if err != nil {
			t.Fatalf("%q → %q does not parse again: %v", s, v.String(), err)
		}
		if back.String() != v.String() {
			t.Fatalf("%q → %q → %q", s, v.String(), back.String())
		}
		dir := nqi.LowerBetter
		if v.Bound == nqi.BoundGE || v.Bound == nqi.BoundGT {
			dir = nqi.HigherBetter
		}
		if v.NotDetected {
			dir = nqi.LowerBetter
		}
		if cl, err := nqi.Compare(v, v, "", dir); err == nil && cl != nqi.Meeting {
			t.Fatalf("%q compared with itself: %s", s, cl)
		}
	})
}

// FuzzParseStandardCode: never panics; a parsed code's canonical text parses to itself.
func FuzzParseStandardCode(f *testing.F) {
	for _, s := range []string{"GB/T 19001-2016", "DB44/T 1234-2019", "DB4408/T 12-2020", "T/CAS 115-2005",
		"Q/ZJHX 0001S-2019", "ISO 9001:2015", "OIML R 76-1:2006", "ASTM D6400-19", "GB 5749-85", "ＧＢ　２７６０－２０１４",
		"DB", "T/ 1-2019", "ISO :2015", "GB/T -2016"} {
		f.Add(s)
	}
	regions := region.Default()
	f.Fuzz(func(t *testing.T, s string) {
		c, err := nqi.ParseStandardCode(s, regions)
		if err != nil {
			if qcity.ErrorCode(err) != qcity.EINVALID {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		again, err := nqi.ParseStandardCode(c.Text, regions)
		if err != nil || again != c {
			t.Fatalf("%q → %+v → %+v, %v", s, c, again, err)
		}
	})
}
