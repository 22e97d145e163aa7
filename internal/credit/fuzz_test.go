package credit

import (
	"strings"
	"testing"
)

// ParseYuan never panics, accepts only what FormatYuan can render back, and round-trips.
func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"5000", "12,500.50", "¥3000", "0.5", "", "1e5", "-1", "9999999999999", "1.234", "３０００", "１.５元"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := ParseYuan(s)
		if err != nil {
			return
		}
		if fen < 0 {
			t.Fatalf("ParseYuan(%q) = %d: negative", s, fen)
		}
		back, err := ParseYuan(FormatYuan(fen))
		if err != nil || back != fen {
			t.Fatalf("round trip of %q: %d → %q → %d %v", s, fen, FormatYuan(fen), back, err)
		}
		if strings.ContainsAny(FormatYuan(fen), "-e") {
			t.Fatalf("FormatYuan(%d) = %q", fen, FormatYuan(fen))
		}
	})
}
