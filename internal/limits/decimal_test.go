package limits

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"qcity"
	"qcity/internal/locale"
)

// wantKey asserts that err is an EINVALID *qcity.Error with key, present in both
// catalogues.
func wantKey(t *testing.T, what string, err error, key string) {
	t.Helper()
	var qe *qcity.Error
	if !errors.As(err, &qe) {
		t.Errorf("%s: error %v (%T), want *qcity.Error %s", what, err, err, key)
		return
	}
	if qe.Code != qcity.EINVALID || qe.Key != key {
		t.Errorf("%s: error %s/%s %v, want invalid/%s", what, qe.Code, qe.Key, qe.Args, key)
	}
	for _, l := range locale.Langs {
		if !locale.Default().Has(l, qe.Key) {
			t.Errorf("%s: key %q missing in %s", what, qe.Key, l)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in    string
		want  string // String()
		scale int
	}{
		{"0", "0", 0},
		{"0.012", "0.012", 3},
		{"12", "12", 0},
		{"0.50", "0.50", 2},
		{".5", "0.5", 1},
		{"5.", "5", 0},
		{"+1.5", "1.5", 1},
		{"-1.5", "-1.5", 1},
		{"－1.5", "-1.5", 1},
		{"−1.5", "-1.5", 1},
		{"  0.2  ", "0.2", 1},
		{"\u30000.2\u3000", "0.2", 1},
		{"1,234.5", "1234.5", 1},
		{"1,234,567", "1234567", 0},
		{"12,345", "12345", 0},
		{"０．５", "0.5", 1},
		{"１２３", "123", 0},
		{"1.2E3", "1200", -2},
		{"1.2e3", "1200", -2},
		{"1.2E+3", "1200", -2},
		{"1.2E-3", "0.0012", 4},
		{"3.2×10³", "3200", -2},
		{"3.2×10^3", "3200", -2},
		{"3.2 × 10^3", "3200", -2},
		{"3.2x10^3", "3200", -2},
		{"3.2X10^3", "3200", -2},
		{"3.2*10^3", "3200", -2},
		{"3.2✕10³", "3200", -2},
		{"5.1×10^4", "51000", -3},
		{"2.77×10^2", "277", 0},
		{"1.0×10^3", "1000", -2},
		{"1×10⁻³", "0.001", 3},
		{"1×10^-3", "0.001", 3},
		{"1×10⁺³", "1000", -3},
		{"2×10", "20", -1},
		{"10^3", "1000", -3},
		{"10³", "1000", -3},
		{"10⁻²", "0.01", 2},
		{"1.5×10¹²", "1500000000000", -11},
		{"1×10^30", "1000000000000000000000000000000", -30},
		{"12345678901234567890123", "12345678901234567890123", 0},
		{"0.00000000000000000000001", "0.00000000000000000000001", 23},
		{"9223372036854775807", "9223372036854775807", 0},
		{"9223372036854775808", "9223372036854775808", 0},
		{"-9223372036854775808", "-9223372036854775808", 0},
		{"000012", "12", 0},
	}
	for _, tt := range tests {
		d, err := ParseDecimal(tt.in)
		if err != nil {
			t.Errorf("ParseDecimal(%q): %v", tt.in, err)
			continue
		}
		if got := d.String(); got != tt.want || d.Scale() != tt.scale {
			t.Errorf("ParseDecimal(%q) = %s scale %d, want %s scale %d", tt.in, got, d.Scale(), tt.want, tt.scale)
		}
	}

	bad := []struct{ in, key string }{
		{"", KeyErrDecimal},
		{" ", KeyErrDecimal},
		{".", KeyErrDecimal},
		{"-", KeyErrDecimal},
		{"abc", KeyErrDecimal},
		{"0.2mg/kg", KeyErrDecimal},
		{"1,23", KeyErrDecimal},
		{"1234,567", KeyErrDecimal},
		{"1，234", KeyErrDecimal},
		{"1.2.3", KeyErrDecimal},
		{"1E", KeyErrDecimal},
		{"1×10^", KeyErrDecimal},
		{"1×100", KeyErrDecimal},
		{"1e5000", KeyErrDecimalRange},
		{"1e-5000", KeyErrDecimalRange},
		{"1×10^99999999999", KeyErrDecimalRange},
		{"1" + strings.Repeat("1", 1200), KeyErrDecimalRange},
		{"0." + strings.Repeat("0", 1200) + "1", KeyErrDecimalRange},
	}
	for _, tt := range bad {
		_, err := ParseDecimal(tt.in)
		wantKey(t, "ParseDecimal("+clip(tt.in)+")", err, tt.key)
	}
}

func TestDecimalCmp(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"0.5", "0.50", 0},
		{"0.2", "0.20000000000000000000001", -1},
		{"1200", "1.2E3", 0},
		{"0", "-0", 0},
		{"-1", "0", -1},
		{"-1", "-2", 1},
		{"0.05", "0.13", -1},
		{"99999999999999999999", "1E20", -1},
		{"1E20", "99999999999999999999", 1},
		{"9223372036854775807", "922337203685477580.8", 1},
		{"1.000000000000000001", "1", 1},
		{"1×10^30", "1×10^30", 0},
		{"0.000000000000000000001", "0", 1},
		{"-0.000000000000000000001", "0", -1},
	}
	for _, tt := range tests {
		a, b := MustParseDecimal(tt.a), MustParseDecimal(tt.b)
		if got := a.Cmp(b); got != tt.want {
			t.Errorf("%s Cmp %s = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := b.Cmp(a); got != -tt.want {
			t.Errorf("%s Cmp %s = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

// GB/T 8170-2008 §3.3: 四舍六入五成双, on the exact digits.
func TestRoundHalfEven(t *testing.T) {
	tests := []struct {
		in    string
		scale int
		want  string
	}{
		{"0.25", 1, "0.2"},
		{"0.35", 1, "0.4"},
		{"0.250001", 1, "0.3"},
		{"0.2500", 1, "0.2"},
		{"0.24999", 1, "0.2"},
		{"0.26", 1, "0.3"},
		{"0.15", 1, "0.2"},
		{"0.45", 1, "0.4"},
		{"0.55", 1, "0.6"},
		{"0.05", 1, "0.0"},
		{"0.051", 1, "0.1"},
		{"1.5", 0, "2"},
		{"2.5", 0, "2"},
		{"3.5", 0, "4"},
		{"-2.5", 0, "-2"},
		{"-0.35", 1, "-0.4"},
		{"-0.250001", 1, "-0.3"},
		// GB/T 8170 examples: 修约间隔 0.1, 1, 10, 100.
		{"12.1498", 1, "12.1"},
		{"10.5002", 0, "11"},
		{"1268", -2, "1300"},
		{"1250", -2, "1200"},
		{"1350", -2, "1400"},
		{"2500", -3, "2000"},
		{"0.0325", 3, "0.032"},
		{"32500", -3, "32000"},
		// Padding: rounding to more places shows them.
		{"0.2", 2, "0.20"},
		{"3", 1, "3.0"},
		{"1.2E3", 0, "1200"},
		// No float64: 0.15 and 2.675 are not exactly representable in binary.
		{"2.675", 2, "2.68"},
		{"2.665", 2, "2.66"},
		{"1.005", 2, "1.00"},
		// Big coefficients and long discarded parts.
		{"12345678901234567890.5", 0, "12345678901234567890"},
		{"12345678901234567891.5", 0, "12345678901234567892"},
		{"0.50000000000000000000000001", 0, "1"},
		{"0.50000000000000000000000000", 0, "0"},
		{"9223372036854775807", -19, "10000000000000000000"},
		{"4999999999999999999", -19, "0"},
		{"5000000000000000001", -19, "10000000000000000000"},
		{"5000000000000000000", -19, "0"},
		{"15000000000000000000", -19, "20000000000000000000"},
	}
	for _, tt := range tests {
		d := MustParseDecimal(tt.in)
		got := d.RoundHalfEven(tt.scale)
		if got.String() != tt.want {
			t.Errorf("RoundHalfEven(%s, %d) = %s, want %s", tt.in, tt.scale, got, tt.want)
		}
		if ref := roundRef(d, tt.scale); got.Cmp(ref) != 0 {
			t.Errorf("RoundHalfEven(%s, %d) = %s, reference %s", tt.in, tt.scale, got, ref)
		}
	}
}

// roundRef is a slow reference for RoundHalfEven built on big.Rat.
func roundRef(d Decimal, scale int) Decimal {
	r := new(big.Rat).SetInt(d.bigCoef())
	r.Mul(r, ratPow10(-int(d.scale)+scale)) // value × 10^scale
	neg := r.Sign() < 0
	r.Abs(r)
	q := new(big.Int).Quo(r.Num(), r.Denom())
	frac := new(big.Rat).Sub(r, new(big.Rat).SetInt(q))
	switch frac.Cmp(big.NewRat(1, 2)) {
	case 1:
		q.Add(q, big.NewInt(1))
	case 0:
		if q.Bit(0) == 1 {
			q.Add(q, big.NewInt(1))
		}
	}
	if neg {
		q.Neg(q)
	}
	return fromBig(q, scale)
}

func ratPow10(k int) *big.Rat {
	if k >= 0 {
		return new(big.Rat).SetInt(bigPow10(k))
	}
	return new(big.Rat).SetFrac(big.NewInt(1), bigPow10(-k))
}

func TestDecimalText(t *testing.T) {
	d := MustParseDecimal("0.050")
	b, _ := d.MarshalText()
	if string(b) != "0.050" {
		t.Errorf("MarshalText = %s", b)
	}
	var e Decimal
	if err := e.UnmarshalText([]byte("3.2×10³")); err != nil || e.String() != "3200" {
		t.Errorf("UnmarshalText = %s, %v", e, err)
	}
	if err := e.UnmarshalText([]byte("x")); err == nil {
		t.Error("UnmarshalText(x) accepted")
	}
	if got := NewDecimal(-5, 3).String(); got != "-0.005" {
		t.Errorf("NewDecimal(-5, 3) = %s", got)
	}
	if got := (Decimal{}).String(); got != "0" {
		t.Errorf("zero Decimal = %s", got)
	}
	if got := NewDecimal(0, -3).String(); got != "0" {
		t.Errorf("0E3 = %s", got)
	}
}
