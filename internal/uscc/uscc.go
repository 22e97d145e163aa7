// Package uscc parses and validates the unified social credit code (统一社会信用代码,
// GB 32100-2015) and the organisation code it embeds (组织机构代码, GB 11714), following
// RULES.md §7.
//
// A code has 18 characters from the 31-character set Charset (digits and upper-case
// Latin letters without I, O, Z, S, V):
//
//	pos 1      registration authority (登记管理部门代码): 1, 5, 9, Y, …
//	pos 2      entity type (机构类别代码), meaningful per authority
//	pos 3–8    GB/T 2260 division code of the registering authority (digits only)
//	pos 9–17   GB 11714 organisation code: 8 body characters and its check character
//	pos 18     GB 32100 check character
//
// Parse is strict: it does not trim, upper-case or convert full-width characters.
// Input typed by people goes through Normalize first. Parse checks, in this order, and
// reports only the first failure:
//
//  1. empty input (uscc.empty);
//  2. length in characters, not bytes (uscc.length);
//  3. each character from left to right: a character outside Charset is
//     uscc.forbidden_char, a Charset character that is not a digit at positions 3–8
//     is uscc.region_digits;
//  4. the GB 11714 check character at position 17 (uscc.org_check);
//  5. the GB 32100 check character at position 18 (uscc.check).
//
// The org check comes before the final check because a wrong character in positions
// 9–17 usually breaks both; reporting position 17 first points the user at the
// organisation code, while a failure of the final check alone points at position 18.
//
// Every error is a *qcity.Error with Code qcity.EINVALID and a locale key from
// catalog/uscc.*.json. An unknown registration authority is not an error: RULES.md §7
// marks the list beyond 1, 5, 9 and Y as unconfirmed, so AuthorityKey reports it instead.
package uscc

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"qcity"
)

// Charset is the GB 32100 character set; a character's index is its value (0–30).
// RULES.md §7: no I, O, Z, S, V.
const Charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// Length is the number of characters of a unified social credit code.
const Length = 18

// Locale keys of the errors of this package. Each exists in catalog/uscc.zh-CN.json
// and catalog/uscc.en.json.
const (
	KeyEmpty         = "uscc.empty"          // no args
	KeyLength        = "uscc.length"         // want, got (characters)
	KeyForbiddenChar = "uscc.forbidden_char" // pos (1-based), char
	KeyRegionDigits  = "uscc.region_digits"  // pos (3–8), char
	KeyOrgCheck      = "uscc.org_check"      // want, got (position 17)
	KeyCheck         = "uscc.check"          // want, got (position 18)

	KeyOrgEmpty         = "orgcode.empty"          // no args
	KeyOrgLength        = "orgcode.length"         // want, got (characters of a whole code)
	KeyOrgBodyLength    = "orgcode.body_length"    // want, got (characters of a body)
	KeyOrgForbiddenChar = "orgcode.forbidden_char" // pos (1-based), char
	KeyOrgCheckChar     = "orgcode.check"          // want, got
)

// Keys for the names of registration authorities and entity types when the code does
// not name a known one.
const (
	KeyAuthorityUnknown = "uscc.authority.unknown"
	KeyTypeUnknown      = "uscc.type.unknown"
)

// weights are the GB 32100 weights of positions 1–17, 3^(i−1) mod 31 (RULES.md §7).
var weights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// values maps a byte to its Charset value, or −1 for a byte outside Charset.
var values = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(Charset); i++ {
		t[Charset[i]] = int8(i)
	}
	return t
}()

// Code is a parsed 统一社会信用代码 (GB 32100-2015). Its string fields share the
// memory of the parsed input.
type Code struct {
	Raw        string // the 18 characters, upper-cased
	Authority  byte   // position 1: '1','5','9','Y',...
	Type       byte   // position 2
	RegionCode string // positions 3-8, GB/T 2260 code of the registering authority
	OrgCode    string // positions 9-17 (GB 11714 organisation code incl. its check char)
}

// String returns the 18 characters of the code.
func (c Code) String() string { return c.Raw }

// Parse parses a unified social credit code strictly; see the package documentation
// for the order of the checks. Lower-case letters, spaces and full-width characters are
// rejected: call Normalize on typed input first.
//
// Returns EINVALID with key uscc.empty, uscc.length, uscc.forbidden_char,
// uscc.region_digits, uscc.org_check or uscc.check.
func Parse(s string) (Code, error) {
	if err := parse(s); err != nil {
		return Code{}, err
	}
	return Code{
		Raw:        s,
		Authority:  s[0],
		Type:       s[1],
		RegionCode: s[2:8],
		OrgCode:    s[8:17],
	}, nil
}

// Validate reports whether s is a valid unified social credit code, exactly as Parse
// does, without building the result.
func Validate(s string) error {
	if err := parse(s); err != nil {
		return err
	}
	return nil
}

// parse returns a concrete *qcity.Error so that the allocation-free success path
// never boxes anything; callers convert a nil result to a nil error themselves.
//
// It is the fast path: one pass over 18 ASCII bytes that accumulates both checksums.
// On any doubt it hands over to parseSlow, which applies the documented order of
// checks and names the error; the fuzz test asserts that both agree.
func parse(s string) *qcity.Error {
	if len(s) != Length {
		return parseSlow(s)
	}
	sum, orgSum := 0, 0
	for i := range Length - 1 {
		c := s[i]
		v := values[c]
		if v < 0 || i >= 2 && i < 8 && c > '9' {
			return parseSlow(s)
		}
		sum += int(v) * weights[i]
		if i >= 8 && i < 16 {
			orgSum += orgValue(c) * orgWeights[i-8]
		}
	}
	if values[s[17]] < 0 || s[16] != orgCheckOf(orgSum) || s[17] != Charset[(31-sum%31)%31] {
		return parseSlow(s)
	}
	return nil
}

// parseSlow checks s in the order the package documentation gives and returns the
// first failure, or nil.
func parseSlow(s string) *qcity.Error {
	if s == "" {
		return qcity.Errorf(qcity.EINVALID, KeyEmpty)
	}
	if len(s) != Length || !isASCII(s) {
		n := utf8.RuneCountInString(s)
		if n != Length {
			return qcity.Errorf(qcity.EINVALID, KeyLength, "want", Length, "got", n)
		}
	}
	pos := 0
	for i, r := range s {
		pos++
		if r >= utf8.RuneSelf || values[r] < 0 {
			return qcity.Errorf(qcity.EINVALID, KeyForbiddenChar, "pos", pos, "char", charArg(s, i))
		}
		// RULES.md §7: positions 3–8 are a GB/T 2260 division code, digits only.
		if pos >= 3 && pos <= 8 && r > '9' {
			return qcity.Errorf(qcity.EINVALID, KeyRegionDigits, "pos", pos, "char", s[i:i+1])
		}
	}
	// From here s is 18 bytes of Charset.
	if want := orgCheck(s[8:16]); s[16] != want {
		return qcity.Errorf(qcity.EINVALID, KeyOrgCheck, "want", string(want), "got", s[16:17])
	}
	if want := usccCheck(s[:17]); s[17] != want {
		return qcity.Errorf(qcity.EINVALID, KeyCheck, "want", string(want), "got", s[17:18])
	}
	return nil
}

// CheckChar returns the GB 32100 check character (position 18) of the first 17
// characters of a code. It checks only the length and the character set, not the
// region digits or the organisation check, so it also serves to build codes.
//
// Returns EINVALID with key uscc.empty, uscc.length (want 17) or uscc.forbidden_char.
func CheckChar(first17 string) (byte, error) {
	if first17 == "" {
		return 0, qcity.Errorf(qcity.EINVALID, KeyEmpty)
	}
	if n := utf8.RuneCountInString(first17); n != Length-1 {
		return 0, qcity.Errorf(qcity.EINVALID, KeyLength, "want", Length-1, "got", n)
	}
	pos := 0
	for i, r := range first17 {
		pos++
		if r >= utf8.RuneSelf || values[r] < 0 {
			return 0, qcity.Errorf(qcity.EINVALID, KeyForbiddenChar, "pos", pos, "char", charArg(first17, i))
		}
	}
	return usccCheck(first17), nil
}

// usccCheck computes the GB 32100 check character of 17 Charset bytes (RULES.md §7):
// C = 31 − (Σ value·weight mod 31), with 31 → 0, mapped back through Charset.
func usccCheck[T ~string | ~[]byte](s T) byte {
	sum := 0
	for i := range 17 {
		sum += int(values[s[i]]) * weights[i]
	}
	return Charset[(31-sum%31)%31]
}

// AuthorityKey returns the locale key naming the registration authority of position 1
// (RULES.md §7), such as "uscc.authority.9", or "uscc.authority.unknown" for a
// character outside the confirmed list 1, 5, 9, Y.
func (c Code) AuthorityKey() string {
	switch c.Authority {
	case '1':
		return "uscc.authority.1"
	case '5':
		return "uscc.authority.5"
	case '9':
		return "uscc.authority.9"
	case 'Y':
		return "uscc.authority.Y"
	}
	return KeyAuthorityUnknown
}

// EntityTypeKey returns the locale key naming the entity type of position 2 for the
// code's authority (RULES.md §7), such as "uscc.type.9.1" (enterprise), "uscc.type.9.2"
// (individual business) or "uscc.type.9.3" (farmer cooperative). Types under 1 are
// 1, 2, 3, 9 and under 5 are 1, 2, 3, 9; any other pair, and every type under Y,
// gives "uscc.type.unknown".
func (c Code) EntityTypeKey() string {
	switch c.Authority {
	case '1':
		switch c.Type {
		case '1':
			return "uscc.type.1.1"
		case '2':
			return "uscc.type.1.2"
		case '3':
			return "uscc.type.1.3"
		case '9':
			return "uscc.type.1.9"
		}
	case '5':
		switch c.Type {
		case '1':
			return "uscc.type.5.1"
		case '2':
			return "uscc.type.5.2"
		case '3':
			return "uscc.type.5.3"
		case '9':
			return "uscc.type.5.9"
		}
	case '9':
		switch c.Type {
		case '1':
			return "uscc.type.9.1"
		case '2':
			return "uscc.type.9.2"
		case '3':
			return "uscc.type.9.3"
		}
	}
	return KeyTypeUnknown
}

// isASCII reports whether s has only bytes below 0x80.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// charArg returns the character at byte offset i of s as an error argument: the
// character itself when it is printable, U+XXXX for an invisible one (a zero-width or
// full-width space, a control character), and \xNN for a byte that is not UTF-8.
func charArg(s string, i int) string {
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf(`\x%02X`, s[i])
	}
	if !unicode.IsPrint(r) {
		return fmt.Sprintf("U+%04X", r)
	}
	return s[i : i+size]
}
