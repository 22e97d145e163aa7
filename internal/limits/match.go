package limits

import (
	"strings"
	"unicode"
)

// How LimitFor matches an item and a sample's category to catalogue entries. The rules
// are deliberately plain — exact comparison of normalised names, never substrings —
// because a limit that is found wrongly is worse than one that is not found: an item
// without a limit goes to a person, an item with the wrong limit gets a wrong verdict.

// analyteKey is the lookup form of an analyte name: folded (full-width to ASCII), with
// no white space, ASCII in lower case. "铅（以Pb计）" and "铅(以 Pb 计)" are the same key.
func analyteKey(s string) string {
	s = fold(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// analyteBase is the key of an analyte without its trailing qualifier in parentheses,
// which labs and standards write or leave out as they please: "铅(以Pb计)" → "铅",
// "镉(以Cd计)" → "镉", "恩诺沙星(以恩诺沙星与环丙沙星之和计)" → "恩诺沙星". It is
// key itself when there is no such qualifier.
func analyteBase(key string) string {
	if !strings.HasSuffix(key, ")") {
		return key
	}
	depth := 0
	for i := len(key) - 1; i >= 0; i-- {
		switch key[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				if i == 0 {
					return key
				}
				return key[:i]
			}
		}
	}
	return key
}

// foodKey is the comparison form of a food or category name: folded, without white
// space, ASCII in lower case, and without "类", which the standards and the category
// tree use inconsistently ("叶菜蔬菜" in GB 2762, "叶菜类蔬菜" in the category tree).
func foodKey(s string) string {
	s = fold(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '类':
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foodAliases maps food keys that name the same group differently in the standards
// and in the category tree to one key: GB 2763 and the category tree say 芸薹属类蔬菜,
// GB 2762 says 芸薹类蔬菜.
var foodAliases = map[string]string{
	"芸薹属蔬菜": "芸薹蔬菜",
}

// foodKeyAliased is foodKey with foodAliases applied.
func foodKeyAliased(s string) string {
	k := foodKey(s)
	if a, ok := foodAliases[k]; ok {
		return a
	}
	return k
}

// categorySegments splits a category path ("食用农产品/蔬菜/叶菜类蔬菜") into the keys of
// its levels, top first. ＞, > and \ separate levels too, as the sampling service
// accepts them.
func categorySegments(path string) []string {
	parts := strings.FieldsFunc(fold(path), func(r rune) bool { return r == '/' || r == '>' || r == '\\' })
	out := parts[:0]
	for _, p := range parts {
		if k := foodKeyAliased(p); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// foodNames returns the keys under which a catalogue food matches a level of a
// category path, and the keys of the foods it excludes. Standards write foods as a
// path of their own with exclusions: "蔬菜及其制品:新鲜蔬菜(芸薹类蔬菜、叶菜蔬菜、豆类
// 蔬菜、生姜、薯类除外)". The name is the last part of that path without the exclusion
// ("新鲜蔬菜"); "新鲜X" also matches X, because the category tree calls fresh produce
// by its plain name; a trailing qualifier is dropped as a second name ("鸡蛋(红壳)" also
// matches 鸡蛋).
func foodNames(food string) (names, excluded []string) {
	s := fold(food)
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[i+1:]
	}
	base, excl := cutExclusions(s)
	add := func(list []string, n string) []string {
		k := foodKeyAliased(n)
		if k == "" {
			return list
		}
		for _, x := range list {
			if x == k {
				return list
			}
		}
		return append(list, k)
	}
	names = add(names, base)
	if plain := strings.TrimSpace(analyteBase(base)); plain != base {
		names = add(names, plain)
	}
	for _, n := range names {
		if rest, ok := strings.CutPrefix(n, "新鲜"); ok && rest != "" {
			names = add(names, rest)
		}
	}
	for _, x := range excl {
		excluded = add(excluded, x)
	}
	return names, excluded
}

// cutExclusions removes an exclusion "(A、B除外)" or "[A、B除外]" from a folded food
// name and returns the name and the excluded foods. Brackets may nest inside the
// exclusion ("[麦片、带馅(料)面米制品除外]").
func cutExclusions(s string) (string, []string) {
	const word = "除外"
	i := strings.LastIndex(s, word)
	end := i + len(word)
	if i < 0 || end >= len(s) || (s[end] != ')' && s[end] != ']') {
		return strings.TrimSpace(s), nil
	}
	depth, open := 0, -1
	for j := i - 1; j >= 0 && open < 0; j-- {
		switch s[j] {
		case ')', ']':
			depth++
		case '(', '[':
			if depth == 0 {
				open = j
			}
			depth--
		}
	}
	if open < 0 {
		return strings.TrimSpace(s), nil
	}
	var excl []string
	for _, x := range strings.FieldsFunc(s[open+1:i], func(r rune) bool { return r == '、' || r == ',' || r == '，' || r == ';' }) {
		if x = strings.TrimSpace(x); x != "" {
			excl = append(excl, x)
		}
	}
	return strings.TrimSpace(s[:open] + s[end+1:]), excl
}
