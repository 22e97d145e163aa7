package uscc

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize prepares a code typed or pasted by a person for Parse: it converts
// full-width ASCII (U+FF01–U+FF5E, as Chinese input methods produce) to half-width,
// upper-cases ASCII letters, and removes white space anywhere in the string, including
// the ideographic space U+3000 and the zero-width space and byte-order mark that
// copying from web pages leaves behind. Other characters are kept, so Parse can name
// them. Only ASCII letters are upper-cased: Unicode case mapping would turn the dotless
// ı into I and the long ſ into S. Normalize returns s itself when nothing changes.
func Normalize(s string) string {
	if isNormal(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if dropped(r) {
			continue
		}
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isNormal reports whether Normalize would leave s unchanged, without allocating.
func isNormal(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return false // rare for codes; let the slow path decide
		}
		if 'a' <= c && c <= 'z' || c <= ' ' || c == 0x7F {
			return false
		}
	}
	return true
}

// dropped reports whether Normalize removes r: white space and invisible
// format characters found in pasted text.
func dropped(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
		return true
	}
	return unicode.IsSpace(r)
}
