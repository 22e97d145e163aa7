package nameindex

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize folds a name or a search fragment for matching. It maps each rune of s
// on its own, in one pass, as follows; every other rune is kept unchanged.
//
//   - U+FF01..U+FF5E, the full-width forms of printable ASCII (！ （ ） ， － ． ： ； ？
//     Ａ..Ｚ ａ..ｚ ０..９ …), become U+0021..U+007E; so （霞山） ≡ (霞山) and ，≡ ,.
//   - U+FFE0..U+FFE6, the full-width signs ￠ ￡ ￢ ￣ ￤ ￥ ￦, become ¢ £ ¬ ¯ ¦ ¥ ₩.
//   - Chinese punctuation with an ASCII counterpart:
//     。｡ → .   、､ → ,   【】〔〕〖〗 → [ ]   《》〈〉 → < >
//     “ ” „ ‟ 「 」 『 』 〝 〞 → "   ‘ ’ ‚ ‛ → '   〜 → ~   … → ...
//     the dashes ‐ ‑ ‒ – — ― − ﹣ → -
//   - The middle dots ・ ･ • ‧ ∙ become · (U+00B7), the dot of 阿卜杜·艾尼 and of
//     foreign brand names.
//   - ASCII A..Z become a..z (also when they were full-width).
//   - White space is removed: every rune for which unicode.IsSpace is true, which
//     includes U+3000 (ideographic space), U+00A0 and tabs and line breaks.
//   - Control characters (unicode.IsControl: C0, DEL, C1) and the invisible format
//     characters U+200B..U+200D, U+2060 and U+FEFF (zero-width space, joiners, word
//     joiner, byte-order mark) are removed.
//   - Bytes that are not valid UTF-8 become U+FFFD.
//
// Nothing else is folded: traditional and simplified characters, non-ASCII letters and
// other punctuation are compared as they are. Normalize is idempotent, its result is
// valid UTF-8 and never contains NUL, which the index uses as a separator between the
// names of one entity.
func Normalize(s string) string {
	// Fast path: most names are already normal; return them without allocating.
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == 0x7f || ('A' <= c && c <= 'Z') {
				return normalizeSlow(s, i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return normalizeSlow(s, i)
		}
		if _, changed := foldRune(r); changed {
			return normalizeSlow(s, i)
		}
		i += size
	}
	return s
}

// normalizeSlow normalises s whose first i bytes are known to be normal.
func normalizeSlow(s string, i int) string {
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		// range yields U+FFFD for each invalid byte, which is what we want.
		if f, changed := foldRune(r); changed {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldRune returns the replacement of r and true, or "" and false when r is kept.
// A replacement of "" with true means r is removed.
func foldRune(r rune) (string, bool) {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'A' <= r && r <= 'Z':
			return asciiLower[r-'A' : r-'A'+1], true
		case r <= ' ' || r == 0x7f:
			return "", true // controls and the space
		}
		return "", false
	case 0xFF01 <= r && r <= 0xFF5E:
		c := byte(r - 0xFF01 + 0x21)
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		return printableASCII[c-0x21 : c-0x21+1], true
	case 0xFFE0 <= r && r <= 0xFFE6:
		return fullWidthSigns[r-0xFFE0], true
	}
	if f, ok := punctFolds[r]; ok {
		return f, true
	}
	if unicode.IsSpace(r) || unicode.IsControl(r) {
		return "", true
	}
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF:
		return "", true
	}
	return "", false
}

const (
	asciiLower     = "abcdefghijklmnopqrstuvwxyz"
	printableASCII = "!\"#$%&'()*+,-./0123456789:;<=>?@abcdefghijklmnopqrstuvwxyz[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
)

// fullWidthSigns maps U+FFE0..U+FFE6 to their ordinary forms.
var fullWidthSigns = [...]string{"¢", "£", "¬", "¯", "¦", "¥", "₩"}

// punctFolds maps the Chinese punctuation listed in the doc of Normalize.
var punctFolds = map[rune]string{
	'。': ".", '｡': ".",
	'、': ",", '､': ",",
	'【': "[", '】': "]", '〔': "[", '〕': "]", '〖': "[", '〗': "]",
	'《': "<", '》': ">", '〈': "<", '〉': ">",
	'“': `"`, '”': `"`, '„': `"`, '‟': `"`, '「': `"`, '」': `"`, '『': `"`, '』': `"`, '〝': `"`, '〞': `"`,
	'‘': "'", '’': "'", '‚': "'", '‛': "'",
	'〜': "~",
	'…': "...",
	'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '―': "-", '−': "-", '﹣': "-",
	'・': "·", '･': "·", '•': "·", '‧': "·", '∙': "·",
}
