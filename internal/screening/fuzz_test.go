package screening

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzParseName: any input parses without panic; the core is free of spaces; spaces
// around a name change nothing; the similarity of any two names lies in [0, 1], is
// symmetric, and a name is wholly like itself.
func FuzzParseName(f *testing.F) {
	for _, s := range []string{"湛江市霞山区海滨水产有限公司", "广东 湛江 海滨水产（湛江）股份有限公司", "湛江市海滨水产有限公司霞山分公司",
		"湛江市ＡＢＣ科技有限公司", "（）", "公司", "湛江市霞山區海濱水產有限公司", "a\x00b", "\xff\xfe", "阿卜杜·艾尼"} {
		f.Add(s, "湛江市海滨水产有限公司")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		na, nb := ParseName(a), ParseName(b)
		if strings.IndexFunc(na.Core, unicode.IsSpace) >= 0 {
			t.Errorf("ParseName(%q).Core = %q has a space", a, na.Core)
		}
		if padded := ParseName("  " + a + " "); padded.Key() != na.Key() {
			t.Errorf("spaces around %q change the key: %q vs %q", a, padded.Key(), na.Key())
		}
		s, r := Similarity(na, nb), Similarity(nb, na)
		if s < 0 || s > 1 || s != r {
			t.Errorf("Similarity(%q, %q) = %v, reversed %v", a, b, s, r)
		}
		if !na.Empty() {
			if self := Similarity(na, na); self < 0.999 && len([]rune(na.Core)) > 1 {
				t.Errorf("Similarity of %q with itself = %v", a, self)
			}
		}
		if p := NormalizePerson(a); NormalizePerson(p) != p {
			t.Errorf("NormalizePerson(%q) = %q is not a fixed point", a, p)
		}
	})
}
