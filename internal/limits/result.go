package limits

import (
	"strings"

	"qcity"
)

// ResultKind says what a lab's result states.
type ResultKind uint8

const (
	// Number is a measured value: "0.012", "3.2×10³".
	Number ResultKind = iota + 1
	// NotDetected is "未检出", "ND", "<LOD", optionally with the detection limit:
	// "未检出(<0.01)", and "<0.005", which states that the value is below the
	// detection limit 0.005.
	NotDetected
	// Detected is "检出": present, amount not stated.
	Detected
	// Positive is "阳性", "阳性(+)".
	Positive
	// Negative is "阴性", "阴性(-)".
	Negative
	// Values is the list of n results of a microbiological sampling plan.
	Values
	// Above is a value beyond the upper end of a method's range: ">1100" (MPN tables,
	// plate counts): the true value is greater than Value.
	Above
)

var resultKindNames = [...]string{Number: "number", NotDetected: "not_detected", Detected: "detected", Positive: "positive", Negative: "negative", Values: "values", Above: "above"}

// String returns the kind as the API names it: "number", "not_detected", "detected",
// "positive", "negative", "values", "above"; "" for the zero kind.
func (k ResultKind) String() string {
	if int(k) < len(resultKindNames) {
		return resultKindNames[k]
	}
	return ""
}

// Bound qualifies one value of a list of results (ResultKind Values).
type Bound uint8

const (
	Exact   Bound = iota // the value itself
	Below                // "<10": less than the value
	Greater              // ">1100": more than the value
	Absent               // "未检出", "阴性": not detected; the value is 0
	Present              // "检出", "阳性": detected, amount unknown; the value is 0
)

// Result is a lab's result for one test item, parsed. Unit is the unit of Value, LOD
// and Values, normalized: the unit written in the result when there is one, else the
// item's unit.
type Result struct {
	Kind   ResultKind
	Value  Decimal // Number, Above
	LOD    Decimal // NotDetected with HasLOD
	HasLOD bool
	Values []Decimal // Values: the n results, in order
	Bounds []Bound   // Values: how each value is meant; nil when all are Exact
	Unit   string
	Text   string // the text as the lab wrote it, trimmed
}

// ParseResult parses a result as a lab writes it:
//
//   - numbers: "0.012", "3.2×10³", "5.1×10^4", "1.2E3", "1,234.5", "０．５", with an
//     optional unit that overrides the item's ("0.012mg/kg", "3.2×10³ CFU/g");
//   - not detected: "未检出", "ND", "N.D.", "<LOD", "未检出(<0.01)", "ND(0.01 mg/kg)",
//     and "<0.005", "＜0.005", "小于0.005" (not detected, detection limit 0.005);
//   - "检出" (detected), "阳性", "阳性(+)", "阴性", "阴性(-)";
//   - ">1100" (above the method's range);
//   - several values separated by "，", ";", "；", "、", ", " or spaces: the results
//     of a microbiological plan. An ASCII comma between digit groups of three is a
//     thousands separator here ("1,234"); ParseValues reads every comma as a separator.
//
// unit is the item's unit; a unit written in the result must be one qcity knows or the
// item's own. Negative values are refused: no lab value in a limit judgement is below
// zero.
//
// Returns EINVALID with key limits.error.result_missing (empty, "—", "/"),
// limits.error.result_invalid, limits.error.negative, limits.error.decimal_range or
// limits.error.unit_unknown.
func ParseResult(text, unit string) (Result, error) {
	var r Result
	if err := parseResult(text, NormalizeUnit(unit), false, &r); err != nil {
		return Result{}, err
	}
	return r, nil
}

// ParseValues parses the result of a microbiological plan: like ParseResult, but every
// comma separates values ("100,200,300,400,500" is five values). A single value gives
// a single result (Number, NotDetected, …), not a list of one.
func ParseValues(text, unit string) (Result, error) {
	var r Result
	if err := parseResult(text, NormalizeUnit(unit), true, &r); err != nil {
		return Result{}, err
	}
	return r, nil
}

// token is one parsed value.
type token struct {
	kind   ResultKind
	v      Decimal // Number, Above; the detection limit of NotDetected with hasLOD
	hasLOD bool
	unit   string // the unit written with the value, normalized; "" if none
}

// parseResult parses into r, which it overwrites; on error r holds partial results.
func parseResult(text, itemUnit string, list bool, r *Result) *qcity.Error {
	raw := trim(text)
	s := fold(raw)
	if isMissing(s) {
		return qcity.Errorf(qcity.EINVALID, KeyErrResultMissing)
	}
	*r = Result{Unit: itemUnit, Text: raw}
	var firstErr *qcity.Error
	if !list || !hasListSeparator(s) {
		tok, err := parseToken(s, itemUnit, !list)
		if err == nil {
			r.Kind = tok.kind
			if tok.unit != "" {
				r.Unit = tok.unit
			}
			switch tok.kind {
			case NotDetected:
				r.LOD, r.HasLOD = tok.v, tok.hasLOD
			case Number, Above:
				r.Value = tok.v
			}
			return nil
		}
		firstErr = err
	}
	parts := splitValues(s)
	if len(parts) < 2 {
		if firstErr == nil {
			firstErr = qcity.Errorf(qcity.EINVALID, KeyErrResultInvalid, "text", clip(raw))
		}
		return firstErr
	}
	r.Kind, r.Values = Values, make([]Decimal, len(parts))
	named := ""
	for i, p := range parts {
		tok, err := parseToken(p, itemUnit, false)
		if err != nil {
			if firstErr != nil && firstErr.Key != KeyErrResultInvalid {
				return firstErr
			}
			return err
		}
		if tok.unit != "" {
			if named != "" && named != tok.unit {
				return qcity.Errorf(qcity.EINVALID, KeyErrResultInvalid, "text", clip(raw))
			}
			named = tok.unit
		}
		b := Exact
		switch tok.kind {
		case Number:
			r.Values[i] = tok.v
		case Above:
			b, r.Values[i] = Greater, tok.v
		case NotDetected:
			if tok.hasLOD {
				b, r.Values[i] = Below, tok.v
			} else {
				b = Absent
			}
		case Negative:
			b = Absent
		case Detected, Positive:
			b = Present
		}
		if b != Exact && r.Bounds == nil {
			r.Bounds = make([]Bound, len(parts))
		}
		if r.Bounds != nil {
			r.Bounds[i] = b
		}
	}
	if named != "" {
		r.Unit = named
	}
	return nil
}

// hasListSeparator reports whether s holds a separator of values.
func hasListSeparator(s string) bool {
	return strings.ContainsAny(s, ",，;；、")
}

// splitValues cuts a list of values at its separators: punctuation when there is any,
// else runs of spaces, where a part that does not start a value (a unit, "(+)") joins
// the part before it.
func splitValues(s string) []string {
	if hasListSeparator(s) {
		parts := strings.FieldsFunc(s, func(r rune) bool {
			return r == ',' || r == '，' || r == ';' || r == '；' || r == '、'
		})
		// FieldsFunc drops empty parts; "1,,2" and a trailing comma are still refused
		// by counting separators.
		seps := 0
		for _, r := range s {
			if r == ',' || r == '，' || r == ';' || r == '；' || r == '、' {
				seps++
			}
		}
		if seps != len(parts)-1 {
			return nil
		}
		for i := range parts {
			parts[i] = trim(parts[i])
		}
		return parts
	}
	var parts []string
	for _, f := range strings.Fields(s) {
		if len(parts) > 0 && !startsValue(f) {
			parts[len(parts)-1] += " " + f
			continue
		}
		parts = append(parts, f)
	}
	return parts
}

// startsValue reports whether f can begin a value of a list.
func startsValue(f string) bool {
	switch c := f[0]; {
	case isDigit(c), c == '<', c == '>', c == '.', c == '+':
		return true
	}
	_, ok := cutAny(f, "未检出", "nd", "n.d", "not detected", "检出", "阴性", "阳性", "negative", "positive", "小于", "低于", "大于", "高于")
	return ok
}

// Words for results. Order matters: longer forms first.
var (
	notDetectedWords = []string{"未检出", "not detected", "n.d.", "n.d", "nd", "<lod", "<检出限", "低于检出限", "小于检出限"}
	detectedWords    = []string{"有检出", "检出", "detected"}
	positiveWords    = []string{"阳性", "positive", "(+)", "+"}
	negativeWords    = []string{"阴性", "negative", "(-)"}
	lessWords        = []string{"<", "小于", "低于"}
	greaterWords     = []string{">", "大于", "高于"}
)

// parseToken parses one value (s folded and trimmed).
func parseToken(s, itemUnit string, thousands bool) (token, *qcity.Error) {
	if s == "" {
		return token{}, qcity.Errorf(qcity.EINVALID, KeyErrResultInvalid, "text", "")
	}
	if c := s[0]; isDigit(c) || c == '.' {
		return parseNumberToken(s, s, itemUnit, Number, thousands)
	}
	if rest, ok := cutAny(s, notDetectedWords...); ok {
		return parseNotDetectedRest(s, rest, itemUnit)
	}
	if rest, ok := cutAny(s, detectedWords...); ok {
		return qualitativeRest(s, rest, itemUnit, Detected, "")
	}
	if rest, ok := cutAny(s, positiveWords...); ok {
		return qualitativeRest(s, rest, itemUnit, Positive, "+")
	}
	if rest, ok := cutAny(s, negativeWords...); ok {
		return qualitativeRest(s, rest, itemUnit, Negative, "-")
	}
	kind := Number
	t := s
	if rest, ok := cutAny(s, lessWords...); ok {
		kind, t = NotDetected, strings.TrimLeft(rest, " ")
	} else if rest, ok := cutAny(s, greaterWords...); ok {
		kind, t = Above, strings.TrimLeft(rest, " ")
	}
	return parseNumberToken(s, t, itemUnit, kind, thousands)
}

// parseNumberToken reads the number t of a token s of the given kind (Number, or
// NotDetected and Above after "<" and ">") and the unit after it.
func parseNumberToken(s, t, itemUnit string, kind ResultKind, thousands bool) (token, *qcity.Error) {
	d, n, key := scanDecimal(t, thousands)
	if key != "" {
		return token{}, qcity.Errorf(qcity.EINVALID, key, "text", clip(s))
	}
	if n == 0 {
		return token{}, qcity.Errorf(qcity.EINVALID, KeyErrResultInvalid, "text", clip(s))
	}
	if d.Sign() < 0 || kind != Number && t[0] == '-' {
		return token{}, qcity.Errorf(qcity.EINVALID, KeyErrNegative, "text", clip(s))
	}
	rest := trim(t[n:])
	if kind == NotDetected {
		// "<0.01(未检出)", "<0.01 mg/kg (ND)": the remark repeats what "<" said.
		if i := strings.LastIndexByte(rest, '('); i >= 0 && strings.HasSuffix(rest, ")") {
			if r, ok := cutAny(rest[i+1:len(rest)-1], notDetectedWords...); ok && r == "" {
				rest = trim(rest[:i])
			}
		}
	}
	u, err := unitOf(rest, itemUnit, s)
	if err != nil {
		return token{}, err
	}
	return token{kind: kind, v: d, hasLOD: kind == NotDetected, unit: u}, nil
}

// parseNotDetectedRest reads what may follow "未检出"/"ND": nothing, a detection limit
// in parentheses ("(<0.01)", "(0.01 mg/kg)", "(检出限 0.01)", "(LOD=0.01)"), a unit.
func parseNotDetectedRest(s, rest, itemUnit string) (token, *qcity.Error) {
	rest = trim(rest)
	tok := token{kind: NotDetected}
	if inner, after, ok := cutParens(rest); ok {
		d, u, err := parseLODInner(inner, itemUnit, s)
		if err != nil {
			return token{}, err
		}
		tok.v, tok.hasLOD, tok.unit = d, true, u
		rest = trim(after)
	}
	if rest != "" {
		u, err := unitOf(rest, itemUnit, s)
		if err != nil {
			return token{}, err
		}
		if tok.unit != "" && u != tok.unit {
			return token{}, qcity.Errorf(qcity.EINVALID, KeyErrResultInvalid, "text", clip(s))
		}
		tok.unit = u
	}
	return tok, nil
}

// parseLODInner reads a detection limit written in parentheses, without them:
// "<0.01", "0.01 mg/kg", "检出限 0.01", "检出限：0.01", "LOD=0.01", "LOD 0.01".
func parseLODInner(inner, itemUnit, s string) (Decimal, string, *qcity.Error) {
	t := trim(inner)
	for {
		r, ok := cutAny(t, "检出限", "lod", "<", "≤", "=", ":", "为", "是", " ")
		if !ok {
			break
		}
		t = r
	}
	d, n, key := scanDecimal(t, true)
	if key != "" {
		return Decimal{}, "", qcity.Errorf(qcity.EINVALID, key, "text", clip(s))
	}
	if n == 0 {
		return Decimal{}, "", qcity.Errorf(qcity.EINVALID, KeyErrResultInvalid, "text", clip(s))
	}
	if d.Sign() < 0 {
		return Decimal{}, "", qcity.Errorf(qcity.EINVALID, KeyErrNegative, "text", clip(s))
	}
	u, err := unitOf(trim(t[n:]), itemUnit, s)
	if err != nil {
		return Decimal{}, "", err
	}
	return d, u, nil
}

// qualitativeRest reads what may follow "阳性", "阴性" or "检出": nothing, the sign
// in parentheses ("阳性(+)", "阴性(-)", "阳性(阳性)"), or a unit ("检出/25g").
func qualitativeRest(s, rest, itemUnit string, kind ResultKind, sign string) (token, *qcity.Error) {
	rest = trim(rest)
	if inner, after, ok := cutParens(rest); ok {
		inner = trim(inner)
		same := inner == sign && sign != ""
		switch kind {
		case Positive:
			same = same || inner == "阳性"
		case Negative:
			same = same || inner == "阴性"
		}
		if !same {
			return token{}, qcity.Errorf(qcity.EINVALID, KeyErrResultInvalid, "text", clip(s))
		}
		rest = trim(after)
	}
	u, err := unitOf(rest, itemUnit, s)
	if err != nil {
		return token{}, err
	}
	return token{kind: kind, unit: u}, nil
}

// unitOf returns the normalized unit written after a value, "" for none. The unit
// must be one qcity knows or the item's own; one pair of parentheses around it is
// dropped ("0.2(mg/kg)").
func unitOf(rest, itemUnit, s string) (string, *qcity.Error) {
	if rest == "" {
		return "", nil
	}
	if inner, after, ok := cutParens(rest); ok && after == "" {
		if rest = trim(inner); rest == "" {
			return "", qcity.Errorf(qcity.EINVALID, KeyErrResultInvalid, "text", clip(s))
		}
	}
	if u := lookupUnit(rest); u != nil {
		return u.name, nil
	}
	if u := NormalizeUnit(rest); u == itemUnit && u != "" {
		return u, nil
	}
	if startsUnit(rest) {
		return "", qcity.Errorf(qcity.EINVALID, KeyErrUnitUnknown, "unit", clip(rest))
	}
	return "", qcity.Errorf(qcity.EINVALID, KeyErrResultInvalid, "text", clip(s))
}

// startsUnit reports whether rest looks like a unit rather than stray text, to choose
// between the errors unit_unknown and *_invalid.
func startsUnit(rest string) bool {
	c := rest[0]
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '%' || strings.HasPrefix(rest, "μ")
}
