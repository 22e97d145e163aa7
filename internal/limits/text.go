package limits

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fold maps the variants labs type to the forms the parsers read: full-width ASCII
// (＜０．５，％，（ ）) to ASCII, ≦ ≧ ⩽ ⩾ to ≤ ≥, the Chinese "not more than" signs ≯ ≮
// to ≤ ≥, wave dashes to ~, minus signs and the en dash to -, the micro sign µ to the
// Greek μ, and ideographic and no-break spaces to a space. The full-width comma "，"
// stays: it separates values and is never a thousands separator. Text that needs no
// change is returned as is, without allocating.
func fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			continue
		}
		if c := s[i]; c >= 0xE4 && c <= 0xE9 {
			i += 2 // U+4000–U+9FFF, CJK ideographs: nothing to fold
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if foldRune(r) == r {
			i += size - 1
			continue
		}
		var b strings.Builder
		b.Grow(len(s))
		b.WriteString(s[:i])
		for _, r := range s[i:] {
			b.WriteRune(foldRune(r))
		}
		return b.String()
	}
	return s
}

func foldRune(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E && r != '，' {
		return r - 0xFEE0 // full-width ASCII block
	}
	switch r {
	case '≦', '⩽', '≯':
		return '≤'
	case '≧', '⩾', '≮':
		return '≥'
	case '〜', '∼':
		return '~'
	case '−', '–', '‐', '‑':
		return '-'
	case '﹤':
		return '<'
	case '﹥':
		return '>'
	case '✕', '✖':
		return '×'
	case 'µ':
		return 'μ'
	case '\u3000', '\u00a0', '\u2002', '\u2003', '\u2009', '\u202f':
		return ' '
	}
	return r
}

// clip shortens text for an error argument, so a pasted page does not become a message.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// cutFold removes prefix from s, comparing ASCII letters without case. Prefixes are
// lower-case.
func cutFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) {
		return s, false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return s, false
		}
	}
	return s[len(prefix):], true
}

// cutAny removes the first of prefixes that s starts with (ASCII case-insensitive).
func cutAny(s string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if rest, ok := cutFold(s, p); ok {
			return rest, true
		}
	}
	return s, false
}

// cutParens splits "(inner)rest" at the parenthesis matching the first one. ok is
// false when s does not start with "(" or the parenthesis is not closed.
func cutParens(s string) (inner, rest string, ok bool) {
	if s == "" || s[0] != '(' {
		return "", s, false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return s[1:i], s[i+1:], true
			}
		}
	}
	return "", s, false
}

// isMissing reports whether s (folded and trimmed) is one of the marks that stand for
// "no value": empty, dashes, a slash, "N/A", "无".
func isMissing(s string) bool {
	switch s {
	case "", "-", "--", "—", "——", "/", "\\", "n/a", "N/A", "NA", "na", "无", "未检测", "未测", "空":
		return true
	}
	return false
}

// trim removes leading and trailing white space, Unicode spaces (U+3000, U+00A0)
// included. Unlike strings.TrimSpace it stays on a fast path for text that starts or
// ends with a Chinese character.
func trim(s string) string {
	for len(s) > 0 {
		c := s[0]
		if c < utf8.RuneSelf {
			if !isASCIISpace(c) {
				break
			}
			s = s[1:]
			continue
		}
		r, size := utf8.DecodeRuneInString(s)
		if !unicode.IsSpace(r) {
			break
		}
		s = s[size:]
	}
	for len(s) > 0 {
		c := s[len(s)-1]
		if c < utf8.RuneSelf {
			if !isASCIISpace(c) {
				break
			}
			s = s[:len(s)-1]
			continue
		}
		r, size := utf8.DecodeLastRuneInString(s)
		if !unicode.IsSpace(r) {
			break
		}
		s = s[:len(s)-size]
	}
	return s
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
