package nqi

import (
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"qcity"
	"qcity/internal/limits"
)

// Bound is the comparison sign written before an indicator value: "≤0.05" states a
// maximum, "≥95" a minimum. A bare number states the value itself.
type Bound uint8

const (
	BoundNone Bound = iota // 0.05
	BoundLE                // ≤0.05, <=0.05, 不大于0.05
	BoundLT                // <0.05, 小于0.05
	BoundGE                // ≥95, >=95, 不小于95
	BoundGT                // >95, 大于95
)

var boundText = [...]string{BoundNone: "", BoundLE: "≤", BoundLT: "<", BoundGE: "≥", BoundGT: ">"}

// Value is an indicator value of benchmarking (对标) or of a quality improvement
// project, parsed from the text a person wrote: an optional bound, an exact decimal
// (never a float64: internal/limits parses it) and an optional unit, or "not detected"
// (不得检出 / 未检出 / ND) for a lower-is-better indicator.
type Value struct {
	Bound       Bound
	NotDetected bool
	Number      limits.Decimal
	Unit        string // the unit written with the value, normalized; "" if none
}

// String writes the value back in canonical form: "≤0.05 mg/kg", "不得检出".
func (v Value) String() string {
	if v.NotDetected {
		return "不得检出"
	}
	s := boundText[v.Bound] + v.Number.String()
	if v.Unit != "" {
		s += " " + v.Unit
	}
	return s
}

// maxValueRunes bounds the text of one value; nobody writes a longer one.
const maxValueRunes = 60

// maxUnitRunes bounds a value's unit.
const maxUnitRunes = 20

// maxNumberDigits bounds a value's number written out in plain notation.
const maxNumberDigits = 30

// boundWords are the comparison signs and words a value may start with, longest
// first within each sign so that "<=" wins over "<".
var boundWords = []struct {
	text  string
	bound Bound
}{
	{"<=", BoundLE}, {"=<", BoundLE}, {"≤", BoundLE}, {"≦", BoundLE}, {"不大于", BoundLE}, {"不超过", BoundLE}, {"不高于", BoundLE},
	{"<", BoundLT}, {"小于", BoundLT}, {"低于", BoundLT},
	{">=", BoundGE}, {"=>", BoundGE}, {"≥", BoundGE}, {"≧", BoundGE}, {"不小于", BoundGE}, {"不低于", BoundGE},
	{">", BoundGT}, {"大于", BoundGT}, {"高于", BoundGT},
}

var notDetectedWords = []string{"不得检出", "未检出", "ND", "N.D.", "nd", "n.d."}

// ParseValue parses an indicator value: "0.05", "≤0.05", "<= 0.05 mg/kg", "≥95%",
// "不小于 85 %", "1.2×10³ CFU/g", "3,600 h", "－5 ℃", "不得检出". Full-width forms and
// spaces are accepted. The number is an exact decimal as internal/limits parses it;
// the unit is whatever follows it (letters, symbols, Chinese unit words), normalized.
//
// Returns EINVALID with key nqi.error.value_empty, nqi.error.value_long (more than 60
// characters), nqi.error.value_number (no number where one is needed, or a malformed
// one), nqi.error.value_range (a number of more than 30 digits written out) or
// nqi.error.value_unit (a unit of more than 20 characters, or holding digits).
func ParseValue(text string) (Value, error) {
	s := strings.TrimSpace(foldText(text))
	if s == "" {
		return Value{}, qcity.Errorf(qcity.EINVALID, "nqi.error.value_empty")
	}
	if utf8.RuneCountInString(s) > maxValueRunes {
		return Value{}, qcity.Errorf(qcity.EINVALID, "nqi.error.value_long", "max", maxValueRunes)
	}
	for _, w := range notDetectedWords {
		if s == w {
			return Value{NotDetected: true}, nil
		}
	}
	var v Value
	for _, w := range boundWords {
		if strings.HasPrefix(s, w.text) {
			v.Bound, s = w.bound, strings.TrimSpace(s[len(w.text):])
			break
		}
	}
	// The number is the longest prefix internal/limits reads as a decimal; the rest is
	// the unit. Values are short, so trying each rune boundary from the end is cheap.
	end := -1
	for i := len(s); i > 0; i-- {
		if i < len(s) && !utf8.RuneStart(s[i]) {
			continue
		}
		if d, err := limits.ParseDecimal(s[:i]); err == nil {
			v.Number, end = d, i
			break
		}
	}
	if end < 0 {
		return Value{}, qcity.Errorf(qcity.EINVALID, "nqi.error.value_number", "text", clip(text))
	}
	// No indicator needs more than 30 digits written out ("1E700" is a typing slip).
	if len(v.Number.String()) > maxNumberDigits {
		return Value{}, qcity.Errorf(qcity.EINVALID, "nqi.error.value_range", "text", clip(text))
	}
	unit := strings.TrimSpace(s[end:])
	if strings.HasPrefix(unit, "(") && strings.HasSuffix(unit, ")") {
		unit = strings.TrimSpace(unit[1 : len(unit)-1])
	}
	if unit != "" {
		if utf8.RuneCountInString(unit) > maxUnitRunes {
			return Value{}, qcity.Errorf(qcity.EINVALID, "nqi.error.value_unit", "text", clip(text))
		}
		if strings.ContainsFunc(unit, unicode.IsDigit) && !strings.ContainsAny(unit, "²³") && !isKnownUnit(unit) {
			return Value{}, qcity.Errorf(qcity.EINVALID, "nqi.error.value_unit", "text", clip(text))
		}
		v.Unit = NormalizeUnit(unit)
	}
	return v, nil
}

// foldText turns full-width letters, digits and signs into their ASCII forms and
// unifies the look-alike dashes and comparison signs, leaving Chinese as it is.
func foldText(s string) string {
	s = width.Narrow.String(s)
	return strings.NewReplacer("−", "-", "–", "-", "‐", "-", "‑", "-", "﹤", "<", "﹥", ">", "≦", "≤", "≧", "≥",
		"℃", "℃", "°C", "℃", "\u00a0", " ", "\u3000", " ").Replace(s)
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxValueRunes {
		return s
	}
	r := []rune(s)
	return string(r[:maxValueRunes]) + "…"
}

// Direction says which way an indicator is better.
type Direction string

const (
	HigherBetter Direction = "higher_better" // 越大越好: efficiency, strength, protein
	LowerBetter  Direction = "lower_better"  // 越小越好: contaminants, energy use, noise
)

// Class is the outcome of comparing an indicator with its benchmark (对标结果).
type Class string

const (
	Leading Class = "leading" // 领先: better than the benchmark
	Meeting Class = "meeting" // 达标: as good as the benchmark
	Below   Class = "below"   // 未达标: worse than the benchmark
)

// Compare classifies an enterprise's value of an indicator against the benchmark's.
// unit is the indicator's unit, taken by a value written without one. Both values are
// brought to the benchmark's unit exactly (rational arithmetic on the exact decimals;
// concentration units through internal/limits), then:
//
//   - higher is better: more than the benchmark is 领先, equal 达标, less 未达标;
//   - lower is better: the reverse; 不得检出 beats any positive value and equals 不得检出
//     or 0;
//   - at equal numbers a strict bound beats an inclusive one: "<0.05" (the value stays
//     below 0.05) leads "≤0.05" when lower is better, and ">95" leads "≥95" when higher
//     is better.
//
// A bound must agree with the direction: a lower-is-better value may carry ≤ or <, a
// higher-is-better one ≥ or >.
//
// Returns EINVALID with key nqi.error.direction (an unknown direction),
// nqi.error.bound_direction (field "own" or "benchmark": a bound against the
// direction), nqi.error.not_detected_direction (不得检出 for a higher-is-better
// indicator) or nqi.error.units (units that do not convert into each other).
func Compare(own, bench Value, unit string, dir Direction) (Class, error) {
	if dir != HigherBetter && dir != LowerBetter {
		return "", qcity.Errorf(qcity.EINVALID, "nqi.error.direction", "value", string(dir))
	}
	for _, side := range []struct {
		name string
		v    Value
	}{{"own", own}, {"benchmark", bench}} {
		if side.v.NotDetected && dir == HigherBetter {
			return "", qcity.Errorf(qcity.EINVALID, "nqi.error.not_detected_direction", "side", side.name)
		}
		if !boundAgrees(side.v.Bound, dir) {
			return "", qcity.Errorf(qcity.EINVALID, "nqi.error.bound_direction", "side", side.name,
				"bound", boundText[side.v.Bound])
		}
	}
	switch {
	case own.NotDetected && bench.NotDetected:
		return Meeting, nil
	case own.NotDetected:
		if bench.Number.Sign() > 0 {
			return Leading, nil
		}
		return Meeting, nil
	case bench.NotDetected:
		if own.Number.Sign() > 0 {
			return Below, nil
		}
		return Meeting, nil
	}
	ou, bu := own.Unit, bench.Unit
	if ou == "" {
		ou = NormalizeUnit(unit)
	}
	if bu == "" {
		bu = NormalizeUnit(unit)
	}
	o, err := ratIn(own.Number, ou, bu)
	if err != nil {
		return "", err
	}
	b := ratOf(bench.Number)
	c := o.Cmp(b)
	if c == 0 {
		c = strictness(own.Bound) - strictness(bench.Bound)
	}
	if dir == LowerBetter {
		c = -c
	}
	switch {
	case c > 0:
		return Leading, nil
	case c < 0:
		return Below, nil
	}
	return Meeting, nil
}

// boundAgrees reports whether a bound fits the direction: a maximum for a
// lower-is-better indicator, a minimum for a higher-is-better one.
func boundAgrees(b Bound, dir Direction) bool {
	switch b {
	case BoundLE, BoundLT:
		return dir == LowerBetter
	case BoundGE, BoundGT:
		return dir == HigherBetter
	}
	return true
}

// strictness is +1 for a bound that moves a value the better way: a strict bound (<,
// >) keeps the value strictly beyond the number. Its sign is relative to the number
// line: ">" pushes up (+1), "<" pushes down (−1), so that after the direction flips
// the sign, both mean "better".
func strictness(b Bound) int {
	switch b {
	case BoundGT:
		return 1
	case BoundLT:
		return -1
	}
	return 0
}

func ratOf(d limits.Decimal) *big.Rat {
	r, ok := new(big.Rat).SetString(d.String())
	if !ok { // cannot happen: String writes plain decimals
		return new(big.Rat)
	}
	return r
}

// ratIn returns d, in unit from, expressed in unit to, exactly.
func ratIn(d limits.Decimal, from, to string) (*big.Rat, error) {
	r := ratOf(d)
	if from == to || from == "" || to == "" {
		return r, nil
	}
	f, t := unitTable[unitKey(from)], unitTable[unitKey(to)]
	if f != nil && t != nil {
		if f.dim != t.dim {
			return nil, qcity.Errorf(qcity.EINVALID, "nqi.error.units", "from", from, "to", to)
		}
		r.Mul(r, f.factor)
		return r.Quo(r, t.factor), nil
	}
	// Concentrations (mg/kg, μg/kg, g/100g, mg/L, CFU/g …) convert as the limits
	// catalogue converts them.
	c, err := limits.ConvertUnit(d, from, to)
	if err != nil {
		return nil, qcity.Errorf(qcity.EINVALID, "nqi.error.units", "from", from, "to", to)
	}
	return ratOf(c), nil
}
