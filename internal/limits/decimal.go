package limits

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"qcity"
)

// Decimal is an exact decimal number: a coefficient times 10^-scale, parsed from the
// text a lab wrote and never passed through float64 (STYLE.md: decimal values from
// labs are decimals). The coefficient lives in an int64 while it fits, which covers
// every value a lab writes, and in a big.Int beyond that.
//
// The scale keeps the precision as written: "0.50" has scale 2 and "1.2×10³" has scale
// −2 (1200 known to the hundreds), which is what GB/T 8170 修约值比较法 rounds to. The
// zero Decimal is 0. Decimals are values: no method changes its receiver, and the
// big.Int, when there is one, is never modified after it is built.
type Decimal struct {
	coef  int64
	big   *big.Int // the coefficient when it does not fit in int64; nil otherwise
	scale int32
}

// Bounds on parsed numbers, so that hostile input ("1E999999999") cannot make a
// comparison allocate without end. Lab values lie far inside them.
const (
	maxScale  = 1000 // |scale| of a parsed decimal
	maxDigits = 1000 // digits of a parsed decimal in plain notation, from the first non-zero one
)

// NewDecimal returns coef × 10^-scale.
func NewDecimal(coef int64, scale int) Decimal {
	return Decimal{coef: coef, scale: int32(scale)}
}

// ParseDecimal parses a number as labs and announcements write it: "0.012", "12",
// ".5", "1,234.5" (ASCII commas between groups of three digits), "1.2E3", "1.2e-3",
// "3.2×10³", "3.2×10^3", "3.2x10^3", "3.2*10^-3", "10^3", "10⁻³", full-width digits
// and signs ("０．５", "－1"), with leading and trailing spaces. Nothing may follow the
// number: units belong to ParseResult and ParseLimit.
//
// Returns EINVALID with key limits.error.decimal, or limits.error.decimal_range for a
// number of more than 1000 digits (written out, from the first non-zero digit) or with
// more than 1000 decimal places.
func ParseDecimal(s string) (Decimal, error) {
	t := trim(fold(s))
	d, n, key := scanDecimal(t, true)
	if key != "" {
		return Decimal{}, qcity.Errorf(qcity.EINVALID, key, "text", clip(s))
	}
	if n == 0 || n != len(t) {
		return Decimal{}, qcity.Errorf(qcity.EINVALID, KeyErrDecimal, "text", clip(s))
	}
	return d, nil
}

// MustParseDecimal is ParseDecimal for constants known to be valid; it panics on error.
func MustParseDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// pow10 holds 10^0 … 10^18, the powers of ten an int64 can hold.
var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// scanDecimal reads a number at the start of s, which the caller has folded (fold) and
// trimmed on the left. It returns the number and the bytes it used; n == 0 means s does
// not start with a number. key is a non-empty error key when a number was found but is
// out of range. With thousands, an ASCII comma followed by exactly three digits is a
// thousands separator; lists of values turn it off.
func scanDecimal(s string, thousands bool) (d Decimal, n int, key string) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var c uint64
	overflow := false
	sig := 0 // significant digits so far
	intDigits, fracDigits := 0, 0
	group, groups := 0, 0 // digits in the current thousands group; separators seen
	for i < len(s) {
		ch := s[i]
		if ch >= '0' && ch <= '9' {
			c, overflow, sig = accumulate(c, overflow, sig, ch)
			intDigits++
			group++
			i++
			continue
		}
		if ch == ',' && thousands && intDigits > 0 && (groups == 0 && group <= 3 || groups > 0 && group == 3) && isGroupOfThree(s[i+1:]) {
			groups++
			group = 0
			i++
			continue
		}
		break
	}
	if i < len(s) && s[i] == '.' && (intDigits > 0 || i+1 < len(s) && isDigit(s[i+1])) {
		i++
		for i < len(s) && isDigit(s[i]) {
			c, overflow, sig = accumulate(c, overflow, sig, s[i])
			fracDigits++
			i++
		}
	}
	if intDigits+fracDigits == 0 {
		return Decimal{}, 0, ""
	}
	mantEnd := i
	exp := 0
	// "10^3", "10³": a bare power of ten.
	if s[start:mantEnd] == "10" {
		if e, m, ok := scanPower(s[i:]); ok {
			c, exp, i = 1, e, i+m
		}
	}
	if exp == 0 && i == mantEnd {
		if e, m, ok := scanExponent(s[i:]); ok {
			exp, i = e, i+m
		}
	}
	// The bounds hold for the number written out in plain notation too, so that
	// whatever parses also reads back from its String.
	scale := fracDigits - exp
	if scale > maxScale || scale < -maxScale || sig+max(0, -scale) > maxDigits {
		return Decimal{}, i, KeyErrDecimalRange
	}
	if overflow || c > math.MaxInt64 {
		b := make([]byte, 0, intDigits+fracDigits)
		for j := start; j < mantEnd; j++ {
			if isDigit(s[j]) {
				b = append(b, s[j])
			}
		}
		bi, _ := new(big.Int).SetString(string(b), 10)
		if neg {
			bi.Neg(bi)
		}
		return fromBig(bi, scale), i, ""
	}
	v := int64(c)
	if neg {
		v = -v
	}
	return Decimal{coef: v, scale: int32(scale)}, i, ""
}

func accumulate(c uint64, overflow bool, sig int, ch byte) (uint64, bool, int) {
	if c != 0 || ch != '0' {
		sig++
	}
	if overflow {
		return c, true, sig
	}
	if c > (math.MaxUint64-9)/10 {
		return c, true, sig
	}
	return c*10 + uint64(ch-'0'), false, sig
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// isGroupOfThree reports whether s starts with exactly three digits.
func isGroupOfThree(s string) bool {
	return len(s) >= 3 && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && (len(s) == 3 || !isDigit(s[3]))
}

// scanExponent reads an exponent after a mantissa: "E3", "e-3", "×10³", " × 10^3",
// "x10^-3", "*10^3", or "×10" alone (×10¹). It returns the exponent and the bytes used.
func scanExponent(s string) (exp, n int, ok bool) {
	if s == "" {
		return 0, 0, false
	}
	if s[0] == 'e' || s[0] == 'E' {
		i := 1
		neg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			neg = s[i] == '-'
			i++
		}
		e, m := scanInt(s[i:])
		if m == 0 {
			return 0, 0, false
		}
		if neg {
			e = -e
		}
		return e, i + m, true
	}
	i := skipSpaces(s, 0)
	switch {
	case strings.HasPrefix(s[i:], "×"):
		i += len("×")
	case i < len(s) && (s[i] == 'x' || s[i] == 'X' || s[i] == '*'):
		i++
	default:
		return 0, 0, false
	}
	i = skipSpaces(s, i)
	if !strings.HasPrefix(s[i:], "10") {
		return 0, 0, false
	}
	i += 2
	if i < len(s) && isDigit(s[i]) {
		return 0, 0, false // "×100": not a power of ten we read
	}
	if e, m, ok := scanPower(s[i:]); ok {
		return e, i + m, true
	}
	return 1, i, true
}

// scanPower reads the exponent part after "10": "^3", "^-3", "^+3", "³", "⁻³".
func scanPower(s string) (exp, n int, ok bool) {
	if s == "" {
		return 0, 0, false
	}
	if s[0] == '^' {
		i := 1
		neg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			neg = s[i] == '-'
			i++
		}
		e, m := scanInt(s[i:])
		if m == 0 {
			return 0, 0, false
		}
		if neg {
			e = -e
		}
		return e, i + m, true
	}
	i := 0
	neg := false
	if r, size := utf8.DecodeRuneInString(s); r == '⁻' || r == '⁺' {
		neg = r == '⁻'
		i += size
	}
	e, digits := 0, 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		v := superscriptDigit(r)
		if v < 0 {
			break
		}
		if e < 1e6 {
			e = e*10 + v
		}
		digits++
		i += size
	}
	if digits == 0 {
		return 0, 0, false
	}
	if neg {
		e = -e
	}
	return e, i, true
}

func superscriptDigit(r rune) int {
	switch r {
	case '⁰':
		return 0
	case '¹':
		return 1
	case '²':
		return 2
	case '³':
		return 3
	case '⁴', '⁵', '⁶', '⁷', '⁸', '⁹':
		return int(r-'⁴') + 4
	}
	return -1
}

// scanInt reads ASCII digits, saturating at a million so that the caller's range
// check, not an overflow, rejects absurd exponents.
func scanInt(s string) (v, n int) {
	for n < len(s) && isDigit(s[n]) {
		if v < 1e6 {
			v = v*10 + int(s[n]-'0')
		}
		n++
	}
	return v, n
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// fromBig returns b × 10^-scale, in the int64 form when b fits.
func fromBig(b *big.Int, scale int) Decimal {
	if b.IsInt64() {
		return Decimal{coef: b.Int64(), scale: int32(scale)}
	}
	return Decimal{big: b, scale: int32(scale)}
}

// bigCoef returns the coefficient as a big.Int the caller may not modify.
func (d Decimal) bigCoef() *big.Int {
	if d.big != nil {
		return d.big
	}
	return big.NewInt(d.coef)
}

// Scale returns the number of decimal places as written: 2 for "0.50", 0 for "12",
// −2 for "1.2E3".
func (d Decimal) Scale() int { return int(d.scale) }

// Sign returns −1, 0 or +1.
func (d Decimal) Sign() int {
	if d.big != nil {
		return d.big.Sign()
	}
	switch {
	case d.coef < 0:
		return -1
	case d.coef > 0:
		return 1
	}
	return 0
}

// IsZero reports whether d is 0 (at any scale).
func (d Decimal) IsZero() bool { return d.Sign() == 0 }

// Cmp compares the exact values of d and e, whatever their scales: −1 if d < e, 0 if
// they are equal ("0.50" equals "0.5"), +1 if d > e.
func (d Decimal) Cmp(e Decimal) int {
	if d.big == nil && e.big == nil {
		if d.scale == e.scale {
			return cmpInt64(d.coef, e.coef)
		}
		if sd, se := d.Sign(), e.Sign(); sd != se || sd == 0 {
			return cmpInt64(int64(sd), int64(se))
		}
		if d.scale < e.scale {
			if a, ok := mulPow10(d.coef, int(e.scale-d.scale)); ok {
				return cmpInt64(a, e.coef)
			}
		} else if b, ok := mulPow10(e.coef, int(d.scale-e.scale)); ok {
			return cmpInt64(d.coef, b)
		}
	}
	a, b := d.bigCoef(), e.bigCoef()
	switch {
	case d.scale < e.scale:
		a = new(big.Int).Mul(a, bigPow10(int(e.scale-d.scale)))
	case d.scale > e.scale:
		b = new(big.Int).Mul(b, bigPow10(int(d.scale-e.scale)))
	}
	return a.Cmp(b)
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// mulPow10 returns a × 10^k when it fits in an int64.
func mulPow10(a int64, k int) (int64, bool) {
	if k < 0 || k >= len(pow10) {
		return 0, a == 0
	}
	p := pow10[k]
	if a > math.MaxInt64/p || a < -math.MaxInt64/p {
		return 0, false
	}
	return a * p, true
}

func bigPow10(k int) *big.Int {
	if k < len(pow10) {
		return big.NewInt(pow10[k])
	}
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)
}

// shift returns d × 10^k, exactly: only the scale changes. Unit conversions are shifts.
func (d Decimal) shift(k int) Decimal {
	d.scale -= int32(k)
	return d
}

// RoundHalfEven rounds d to scale decimal places by GB/T 8170-2008 §3.3 (数值修约规则,
// 四舍六入五成双) on the exact decimal digits: a discarded part below half rounds down,
// above half rounds up (so a 5 followed by any non-zero digit rounds up: 0.250001 →
// 0.3), and exactly half rounds to the even neighbour (0.25 → 0.2, 0.35 → 0.4). The
// result has exactly scale decimal places ("0.2" to two places is "0.20"); a negative
// scale rounds to tens, hundreds, …. Negative numbers round as their absolute value
// (GB/T 8170 §3.3.4).
func (d Decimal) RoundHalfEven(scale int) Decimal {
	k := int(d.scale) - scale
	if k <= 0 {
		if d.big == nil {
			if c, ok := mulPow10(d.coef, -k); ok {
				return Decimal{coef: c, scale: int32(scale)}
			}
		}
		return fromBig(new(big.Int).Mul(d.bigCoef(), bigPow10(-k)), scale)
	}
	if d.big == nil && k < len(pow10) {
		p := pow10[k]
		q, r := d.coef/p, d.coef%p
		if r < 0 {
			r = -r
		}
		if half := p / 2; r > half || r == half && q%2 != 0 {
			if d.coef < 0 {
				q--
			} else {
				q++
			}
		}
		return Decimal{coef: q, scale: int32(scale)}
	}
	c := d.bigCoef()
	p := bigPow10(k)
	q, r := new(big.Int).QuoRem(c, p, new(big.Int))
	r.Abs(r).Lsh(r, 1) // 2|r| against 10^k
	if cmp := r.Cmp(p); cmp > 0 || cmp == 0 && q.Bit(0) == 1 {
		if c.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return fromBig(q, scale)
}

// String returns d in plain notation with its scale: "0.050", "1200" for 1.2E3.
func (d Decimal) String() string {
	var buf [32]byte
	return string(d.appendTo(buf[:0]))
}

// MarshalText writes d as String does, so API responses carry exact decimals.
func (d Decimal) MarshalText() ([]byte, error) { return d.appendTo(nil), nil }

// UnmarshalText parses d with ParseDecimal.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := ParseDecimal(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func (d Decimal) appendTo(b []byte) []byte {
	var digits []byte
	var small [20]byte
	neg := false
	if d.big != nil {
		digits = d.big.Append(small[:0], 10)
		if digits[0] == '-' {
			neg, digits = true, digits[1:]
		}
	} else {
		c := d.coef
		if c < 0 {
			neg = true
		}
		digits = strconv.AppendUint(small[:0], absUint(c), 10)
	}
	if neg {
		b = append(b, '-')
	}
	scale := int(d.scale)
	if scale <= 0 {
		b = append(b, digits...)
		if !(len(digits) == 1 && digits[0] == '0') {
			for range -scale {
				b = append(b, '0')
			}
		}
		return b
	}
	if len(digits) <= scale {
		b = append(b, '0', '.')
		for range scale - len(digits) {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	b = append(b, digits[:len(digits)-scale]...)
	b = append(b, '.')
	return append(b, digits[len(digits)-scale:]...)
}

func absUint(c int64) uint64 {
	if c < 0 {
		return uint64(-(c + 1)) + 1
	}
	return uint64(c)
}
