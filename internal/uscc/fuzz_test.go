package uscc

import (
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"

	"qcity"
	"qcity/internal/locale"
)

// fuzzJunk seeds the fuzzers with near misses and garbage.
var fuzzJunk = []string{
	"", " ", "9", "91350100M000100Y4", "91350100M000100Y430", "91350100m000100y43",
	"91350100M000100Y44", "91350100M000100Y53", "9135A100M000100Y43", "91350100I000100Y43",
	"９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y4３", "91350100M000100Y4\xff",
	"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4\xf3\xf2\xf1\xf0\xef\xee",
	"统一社会信用代码统一社会信用代码统一", "000000000000000000", "YYYYYYYYYYYYYYYYYY",
	"91350100-M000100Y4", "M000100Y-4", "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
}

// FuzzParse checks that Parse never panics, that what it accepts is consistent with
// CheckChar and the org code rules, and that what it rejects is a catalogued EINVALID.
func FuzzParse(f *testing.F) {
	for _, s := range append(append(workedExamples, readVectors(f)...), fuzzJunk...) {
		f.Add(s)
	}
	cat := locale.Default()
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if fast, slow := parse(s), parseSlow(s); !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q: fast path %v, slow path %v", s, fast, slow)
		}
		if verr := Validate(s); (verr == nil) != (err == nil) {
			t.Fatalf("Parse error %v, Validate error %v", err, verr)
		}
		if err == nil {
			if len(c.Raw) != Length || utf8.RuneCountInString(c.Raw) != Length || c.Raw != s {
				t.Fatalf("Raw = %q for input %q", c.Raw, s)
			}
			want, cerr := CheckChar(c.Raw[:17])
			if cerr != nil || want != c.Raw[17] {
				t.Fatalf("%q: CheckChar = %q, %v", s, want, cerr)
			}
			if oerr := ValidateOrgCode(c.OrgCode); oerr != nil {
				t.Fatalf("%q: org code %q: %v", s, c.OrgCode, oerr)
			}
			if Normalize(s) != s {
				t.Fatalf("%q: valid code changed by Normalize", s)
			}
			return
		}
		var qe *qcity.Error
		if !errors.As(err, &qe) {
			t.Fatalf("%q: error %v is %T, not *qcity.Error", s, err, err)
		}
		if qe.Code != qcity.EINVALID {
			t.Fatalf("%q: code %q", s, qe.Code)
		}
		if !cat.Has(locale.ZH, qe.Key) || !cat.Has(locale.EN, qe.Key) {
			t.Fatalf("%q: key %q not in the catalogue", s, qe.Key)
		}
		if ch, ok := qe.Args["char"].(string); ok && !utf8.ValidString(ch) {
			t.Fatalf("%q: char argument %q is not UTF-8", s, ch)
		}
	})
}

// FuzzNormalize checks that Normalize is idempotent, leaves no white space or
// lower-case ASCII behind, and keeps valid codes valid.
func FuzzNormalize(f *testing.F) {
	for _, s := range append(workedExamples, fuzzJunk...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("Normalize(%q) = %q, not idempotent", s, n)
		}
		for _, r := range n {
			if dropped(r) || 'a' <= r && r <= 'z' || 0xFF01 <= r && r <= 0xFF5E {
				t.Fatalf("Normalize(%q) = %q keeps %q", s, n, r)
			}
		}
		if Validate(s) == nil && n != s {
			t.Fatalf("valid %q normalised to %q", s, n)
		}
	})
}

// FuzzValidateOrgCode checks that ValidateOrgCode never panics and agrees with
// OrgCheckChar.
func FuzzValidateOrgCode(f *testing.F) {
	for _, s := range append([]string{"M000100Y4", "M000100Y-4", "07837941X", "078382010"}, fuzzJunk...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateOrgCode(s)
		if err == nil {
			body, check := s[:8], s[len(s)-1]
			if want, cerr := OrgCheckChar(body); cerr != nil || want != check {
				t.Fatalf("%q accepted; OrgCheckChar = %q, %v", s, want, cerr)
			}
			return
		}
		var qe *qcity.Error
		if !errors.As(err, &qe) || qe.Code != qcity.EINVALID || !locale.Default().Has(locale.ZH, qe.Key) {
			t.Fatalf("%q: error %v", s, err)
		}
	})
}
