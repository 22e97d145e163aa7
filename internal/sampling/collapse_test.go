package sampling

import (
	"strings"
	"testing"
)

func TestCollapseSpaces(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a", "a ", "a  b", "a b", "米酒", "米 酒", "米\u3000酒", "\u3000米", "a\tb", "甲醇 ≤0.6", "  ", "a\u00a0b", "中文 text 混合"} {
		if got, want := collapseSpaces(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapseSpaces(%q) = %q, want %q", s, got, want)
		}
	}
}
