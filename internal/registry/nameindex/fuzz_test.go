package nameindex

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "湛江（霞山）食品有限公司", "ＡＢＣ　科技", "a—b", "bad\xff", "【华达】…", "\u200b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q, not valid UTF-8", s, n)
		}
		if Normalize(n) != n {
			t.Fatalf("Normalize(%q) = %q, not idempotent: %q", s, n, Normalize(n))
		}
		if slow := normalizeSlow(s, 0); slow != n {
			t.Fatalf("Normalize(%q) = %q, slow path %q", s, n, slow)
		}
		for _, r := range n {
			if unicode.IsSpace(r) || unicode.IsControl(r) || ('A' <= r && r <= 'Z') || (0xFF01 <= r && r <= 0xFF5E) {
				t.Fatalf("Normalize(%q) = %q keeps %q", s, n, r)
			}
		}
	})
}

// FuzzSearch builds an index of the names in names (separated by "|", a name's former
// names after "/") and compares a search for fragment with brute force, once with the
// documents in the segment and once in the delta.
func FuzzSearch(f *testing.F) {
	f.Add("湛江（霞山）食品有限公司|湛江(霞山)水产|公司公司公司/华达", "(霞山)")
	f.Add("ab|ba|aba|abab", "aba")
	f.Add("ＡＢ|ab|Ab", "aB")
	f.Add("公司公司公司|公司", "公司公司公司公")
	f.Add("x", "x")
	f.Fuzz(func(t *testing.T, names, fragment string) {
		if len(names) > 2000 {
			return
		}
		var docs []Doc
		for i, n := range strings.Split(names, "|") {
			parts := strings.Split(n, "/")
			docs = append(docs, Doc{ID: int64(i + 1), Name: parts[0], Alt: parts[1:], Status: []string{"active", "revoked"}[i%2]})
		}
		ref := newReference(nil)
		ref.build(docs)
		built := New(nil)
		built.Build(docs)
		upserted := New(nil)
		upserted.threshold = 1 << 30
		for _, d := range docs {
			upserted.Upsert(d)
		}
		small := New(nil)
		small.alphabet = 2
		small.Build(docs)
		for _, q := range []Query{
			{Text: fragment, Limit: 3},
			{Text: fragment, Offset: 1, Limit: 2, Status: "active"},
		} {
			checkSearch(t, built, ref, q)
			checkSearch(t, upserted, ref, q)
			checkSearch(t, small, ref, q)
		}
	})
}
