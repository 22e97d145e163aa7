package uscc

import (
	"unicode/utf8"

	"qcity"
)

// orgWeights are the GB 11714 weights of the 8 body characters (RULES.md §7).
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// orgValue returns the GB 11714 value of a body character: 0–9 for digits and
// A=10 … Z=35 for upper-case letters, or −1. The value follows the Latin alphabet, not
// Charset: inside a USCC, J is 19 here although it is 18 in Charset.
func orgValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// orgCheck computes the GB 11714 check character of 8 body characters that orgValue
// accepts: C = 11 − (Σ value·weight mod 11), with 10 → X and 11 → 0 (RULES.md §7).
func orgCheck[T ~string | ~[]byte](body T) byte {
	sum := 0
	for i := range 8 {
		sum += orgValue(body[i]) * orgWeights[i]
	}
	return orgCheckOf(sum)
}

// orgCheckOf maps a GB 11714 weighted sum to its check character.
func orgCheckOf(sum int) byte {
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// OrgCheckChar returns the GB 11714 check character (0–9 or X) of an 8-character
// organisation-code body made of digits and upper-case letters.
//
// Returns EINVALID with key orgcode.empty, orgcode.body_length (want 8) or
// orgcode.forbidden_char.
func OrgCheckChar(body8 string) (byte, error) {
	if body8 == "" {
		return 0, qcity.Errorf(qcity.EINVALID, KeyOrgEmpty)
	}
	if n := utf8.RuneCountInString(body8); n != 8 {
		return 0, qcity.Errorf(qcity.EINVALID, KeyOrgBodyLength, "want", 8, "got", n)
	}
	if err := checkOrgBody(body8); err != nil {
		return 0, err
	}
	return orgCheck(body8), nil
}

// ValidateOrgCode validates a 9-character GB 11714 organisation code (组织机构代码),
// either plain ("M000100Y4") or in its printed form with a hyphen before the check
// character ("M000100Y-4"). The body may use any digit or upper-case letter, as
// GB 11714 allows; only the body of a code embedded in a USCC is limited to Charset,
// which Parse enforces. Like Parse it is strict: normalise typed input first.
//
// The checks run in this order: empty input, length (9 characters, or 10 with the
// hyphen at position 9), the body characters from left to right, the check character.
// Positions in errors count characters of the input as given.
//
// Returns EINVALID with key orgcode.empty, orgcode.length (want 9),
// orgcode.forbidden_char or orgcode.check.
func ValidateOrgCode(s string) error {
	if s == "" {
		return qcity.Errorf(qcity.EINVALID, KeyOrgEmpty)
	}
	n := len(s)
	if !isASCII(s) {
		n = utf8.RuneCountInString(s)
	}
	var body, check string
	switch {
	case n == 9:
		if err := checkOrgBody(s); err != nil {
			return err
		}
		body = s[:8]
		check = checkArg(s[8:])
	case n == 10 && s[8] == '-':
		if err := checkOrgBody(s); err != nil {
			return err
		}
		body = s[:8]
		check = checkArg(s[9:])
	default:
		return qcity.Errorf(qcity.EINVALID, KeyOrgLength, "want", 9, "got", n)
	}
	if want := orgCheck(body); check != string(want) {
		return qcity.Errorf(qcity.EINVALID, KeyOrgCheckChar, "want", string(want), "got", check)
	}
	return nil
}

// checkOrgBody checks the first 8 characters of s against the GB 11714 body set. Once
// it returns nil, s[:8] is 8 ASCII bytes.
func checkOrgBody(s string) *qcity.Error {
	pos := 0
	for i, r := range s {
		pos++
		if pos > 8 {
			break
		}
		if r >= utf8.RuneSelf || orgValue(byte(r)) < 0 {
			return qcity.Errorf(qcity.EINVALID, KeyOrgForbiddenChar, "pos", pos, "char", charArg(s, i))
		}
	}
	return nil
}

// checkArg returns the single character rest as an error argument.
func checkArg(rest string) string {
	return charArg(rest, 0)
}
