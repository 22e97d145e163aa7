package locale

import (
	"strings"
	"testing"
)

// Every key must exist in every language, so no page shows a raw key or falls back to
// the other language.
func TestCatalogueKeysMatch(t *testing.T) {
	c := Default()
	zh, en := c.Keys(ZH), c.Keys(EN)
	if len(zh) == 0 {
		t.Fatal("empty zh-CN catalogue")
	}
	for _, k := range zh {
		if !c.Has(EN, k) {
			t.Errorf("key %q is in zh-CN but missing in en", k)
		}
	}
	for _, k := range en {
		if !c.Has(ZH, k) {
			t.Errorf("key %q is in en but missing in zh-CN", k)
		}
	}
}

// Placeholders must be the same in both languages, or an argument would vanish.
func TestCataloguePlaceholdersMatch(t *testing.T) {
	c := Default()
	for _, k := range c.Keys(ZH) {
		if !c.Has(EN, k) {
			continue
		}
		if a, b := placeholders(c.msgs[ZH][k]), placeholders(c.msgs[EN][k]); a != b {
			t.Errorf("key %q: zh-CN placeholders %s, en %s", k, a, b)
		}
	}
}

func placeholders(s string) string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		out = append(out, s[i:i+j+1])
		s = s[i+j+1:]
	}
	// order may differ between languages
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return strings.Join(out, ",")
}

func TestT(t *testing.T) {
	c := Default()
	if got := c.T(EN, "error.internal", nil); !strings.HasPrefix(got, "Internal error") {
		t.Errorf("T(en) = %q", got)
	}
	if got := c.T(ZH, "no.such.key", nil); got != "no.such.key" {
		t.Errorf("missing key = %q, want the key", got)
	}
	if got := Parse("en-US"); got != EN {
		t.Errorf("Parse(en-US) = %q", got)
	}
	if got := Parse(""); got != ZH {
		t.Errorf("Parse('') = %q", got)
	}
}

func TestFill(t *testing.T) {
	c := &Catalogue{msgs: map[Lang]map[string]string{ZH: {"k": "第{pos}位应为{want}，实际为{got}{missing}"}, EN: {}}}
	got := c.T(EN, "k", map[string]any{"pos": 18, "want": "3", "got": "4"})
	if got != "第18位应为3，实际为4{missing}" {
		t.Errorf("fill = %q", got)
	}
}
