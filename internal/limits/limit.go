package limits

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"qcity"
)

// LimitKind says what a limit requires.
type LimitKind uint8

const (
	Max          LimitKind = iota + 1 // ≤ Value: "≤0.2", "<=0.2", "不大于0.2", or a bare "0.2"
	MaxExclusive                      // < Value: "<1.0", "小于1.0"
	Min                               // ≥ Value: "≥3.0", ">=3.0", "不小于3.0"
	MinExclusive                      // > Value: ">3.0"
	Range                             // Low ≤ x ≤ High: "0.5~1.5", "0.5-1.5", "0.5至1.5"
	// NotDetectedLimit is "不得检出", "ND", "不得检出(0.01)", "不得使用". (The result
	// kind is NotDetected; one package cannot give both the same name.)
	NotDetectedLimit
	Qualitative // 阴性 (Negative) or 阳性 expected
	MicroPlan   // n, c, m, M (GB 4789.1 / GB 29921 sampling plan)
)

var limitKindNames = [...]string{Max: "max", MaxExclusive: "max_exclusive", Min: "min", MinExclusive: "min_exclusive", Range: "range", NotDetectedLimit: "not_detected", Qualitative: "qualitative", MicroPlan: "micro_plan"}

// String returns the kind as the API and the limit files name it: "max",
// "max_exclusive", "min", "min_exclusive", "range", "not_detected", "qualitative",
// "micro_plan"; "" for the zero kind.
func (k LimitKind) String() string {
	if int(k) < len(limitKindNames) {
		return limitKindNames[k]
	}
	return ""
}

// Limit is a limit as a standard or a plan states it, parsed. Unit is the unit of every
// value of the limit, normalized: the unit written in the limit when there is one,
// else the item's unit.
type Limit struct {
	Kind      LimitKind
	Value     Decimal // Max, MaxExclusive, Min, MinExclusive
	Low, High Decimal // Range, inclusive
	LOD       Decimal // NotDetectedLimit with HasLOD: results below it count as not detected
	HasLOD    bool
	// Negative is true when a Qualitative limit expects 阴性, false when it expects 阳性.
	Negative bool
	// Prohibited marks "不得使用"/"不得添加" (a substance not permitted in the food),
	// judged like 不得检出 but reported in its own words.
	Prohibited bool
	// MicroPlan: n sample units, at most c of them above m, none above M. TwoClass is
	// a plan without M ("M=-"), where only m and c apply.
	N, C     int
	M_small  Decimal
	M_big    Decimal
	TwoClass bool
	Unit     string
	Text     string // the text as written, trimmed
}

// ParseLimit parses a limit as labs and standards write it:
//
//   - "≤0.2", "<=0.2", "≦0.2", "≯0.2", "不大于0.2", "不超过0.2", and a bare "0.2",
//     which announcements use for a maximum: Max;
//   - "<0.2", "＜0.2", "小于0.2": MaxExclusive; "≥3.0", ">=3.0", "不小于3.0": Min;
//     ">3.0", "大于3.0": MinExclusive;
//   - "0.5~1.5", "0.5～1.5", "0.5-1.5", "0.5－1.5", "0.5至1.5": Range, inclusive;
//   - "不得检出", "ND", "未检出", optionally with the detection limit: "不得检出(0.01)",
//     "不得检出(0.01 mg/kg)", "ND(<0.01)"; "不得使用", "不得添加": NotDetectedLimit;
//   - "阴性", "阳性": Qualitative;
//   - "n=5,c=2,m=100,M=1000", "n=5,c=2,m=100 CFU/g,M=1000 CFU/g",
//     "n=5,c=0,m=0/25g(mL),M=-" (a two-class plan): MicroPlan.
//
// A unit written in the limit ("≤0.2mg/kg", "≤0.2 (mg/kg)") wins over unit, the item's
// unit. Full-width forms and spaces are accepted everywhere.
//
// Returns EINVALID with key limits.error.limit_missing, limits.error.limit_invalid,
// limits.error.negative, limits.error.range_reversed, limits.error.micro_plan_invalid,
// limits.error.micro_m_above_M, limits.error.decimal_range, limits.error.unit_unknown
// or limits.error.unit_mismatch.
func ParseLimit(text, unit string) (Limit, error) {
	var l Limit
	if err := parseLimit(text, NormalizeUnit(unit), &l); err != nil {
		return Limit{}, err
	}
	return l, nil
}

// cutComparator removes a comparison sign or word from the start of s and returns the
// kind of limit it makes: "≤", "<=", "=<", "不大于", "不高于", "不超过" (Max); "<",
// "小于", "低于" (MaxExclusive); "≥", ">=", "=>", "不小于", "不低于" (Min); ">", "大于",
// "高于" (MinExclusive). ≦, ≯ and full-width forms arrive folded.
func cutComparator(s string) (LimitKind, string, bool) {
	switch s[0] {
	case '<':
		if strings.HasPrefix(s, "<=") {
			return Max, s[2:], true
		}
		return MaxExclusive, s[1:], true
	case '>':
		if strings.HasPrefix(s, ">=") {
			return Min, s[2:], true
		}
		return MinExclusive, s[1:], true
	case '=':
		if strings.HasPrefix(s, "=<") {
			return Max, s[2:], true
		}
		if strings.HasPrefix(s, "=>") {
			return Min, s[2:], true
		}
		return 0, s, false
	}
	if s[0] < utf8.RuneSelf {
		return 0, s, false
	}
	r, size := utf8.DecodeRuneInString(s)
	rest := s[size:]
	switch r {
	case '≤':
		return Max, rest, true
	case '≥':
		return Min, rest, true
	case '不':
		for _, w := range [...]string{"大于", "高于", "超过"} {
			if strings.HasPrefix(rest, w) {
				return Max, rest[len(w):], true
			}
		}
		for _, w := range [...]string{"小于", "低于"} {
			if strings.HasPrefix(rest, w) {
				return Min, rest[len(w):], true
			}
		}
	case '小', '低':
		if strings.HasPrefix(rest, "于") {
			return MaxExclusive, rest[len("于"):], true
		}
	case '大', '高':
		if strings.HasPrefix(rest, "于") {
			return MinExclusive, rest[len("于"):], true
		}
	}
	return 0, s, false
}

var (
	ndLimitWords         = []string{"不得检出", "未检出", "not detected", "n.d.", "n.d", "nd"}
	prohibitedLimitWords = []string{"不得使用", "不得添加"}
)

func parseLimit(text, itemUnit string, l *Limit) *qcity.Error {
	raw := trim(text)
	s := fold(raw)
	if isMissing(s) {
		return qcity.Errorf(qcity.EINVALID, KeyErrLimitMissing)
	}
	invalid := func() *qcity.Error { return qcity.Errorf(qcity.EINVALID, KeyErrLimitInvalid, "text", clip(raw)) }
	*l = Limit{Unit: itemUnit, Text: raw}

	if c := s[0]; isDigit(c) || c == '.' {
		return parseBareLimit(s, raw, l)
	}
	if isMicroPlan(s) {
		return parseMicroPlan(s, raw, l)
	}
	if kind, rest, ok := cutComparator(s); ok {
		t := strings.TrimLeft(rest, " ")
		d, n, err := limitNumber(t, raw)
		if err != nil {
			return err
		}
		if n == 0 {
			return invalid()
		}
		u, err := limitUnit(trim(t[n:]), itemUnit, raw)
		if err != nil {
			return err
		}
		l.Kind, l.Value = kind, d
		if u != "" {
			l.Unit = u
		}
		return nil
	}

	if rest, ok := cutAny(s, prohibitedLimitWords...); ok {
		l.Kind, l.Prohibited = NotDetectedLimit, true
		return ndLimitRest(l, rest, raw)
	}
	if rest, ok := cutAny(s, ndLimitWords...); ok {
		l.Kind = NotDetectedLimit
		return ndLimitRest(l, rest, raw)
	}
	if rest, ok := cutAny(s, "阴性", "negative"); ok {
		l.Kind, l.Negative = Qualitative, true
		return qualitativeLimitRest(l, rest, raw)
	}
	if rest, ok := cutAny(s, "阳性", "positive"); ok {
		l.Kind = Qualitative
		return qualitativeLimitRest(l, rest, raw)
	}
	return parseBareLimit(s, raw, l)
}

// parseBareLimit reads a limit that starts with a number: a maximum ("0.2",
// "0.2 mg/kg") or a range ("0.5~1.5").
func parseBareLimit(s, raw string, l *Limit) *qcity.Error {
	itemUnit := l.Unit
	invalid := func() *qcity.Error { return qcity.Errorf(qcity.EINVALID, KeyErrLimitInvalid, "text", clip(raw)) }
	low, n, err := limitNumber(s, raw)
	if err != nil {
		return err
	}
	if n == 0 {
		return invalid()
	}
	rest := trim(s[n:])
	lowUnit := ""
	if i := rangeSeparator(rest); i >= 0 {
		if i > 0 {
			if lowUnit, err = limitUnit(trim(rest[:i]), itemUnit, raw); err != nil {
				return err
			}
		}
		_, size := utf8.DecodeRuneInString(rest[i:])
		t := strings.TrimLeft(rest[i+size:], " ")
		high, m, err := limitNumber(t, raw)
		if err != nil {
			return err
		}
		if m == 0 {
			return invalid()
		}
		u, err := limitUnit(trim(t[m:]), itemUnit, raw)
		if err != nil {
			return err
		}
		switch {
		case u == "":
			u = lowUnit
		case lowUnit != "" && lowUnit != u:
			return invalid()
		}
		if low.Cmp(high) > 0 {
			return qcity.Errorf(qcity.EINVALID, KeyErrRangeReversed, "low", low.String(), "high", high.String())
		}
		l.Kind, l.Low, l.High = Range, low, high
		if u != "" {
			l.Unit = u
		}
		return nil
	}
	u, err := limitUnit(rest, itemUnit, raw)
	if err != nil {
		return err
	}
	l.Kind, l.Value = Max, low
	if u != "" {
		l.Unit = u
	}
	return nil
}

// limitNumber scans a non-negative number of a limit.
func limitNumber(t, raw string) (Decimal, int, *qcity.Error) {
	d, n, key := scanDecimal(t, true)
	if key != "" {
		return Decimal{}, 0, qcity.Errorf(qcity.EINVALID, key, "text", clip(raw))
	}
	if n > 0 && (d.Sign() < 0 || t[0] == '-') {
		return Decimal{}, 0, qcity.Errorf(qcity.EINVALID, KeyErrNegative, "text", clip(raw))
	}
	return d, n, nil
}

// limitUnit is unitOf for limits: an unknown word after the number is an invalid limit.
func limitUnit(rest, itemUnit, raw string) (string, *qcity.Error) {
	u, err := unitOf(rest, itemUnit, raw)
	if err != nil && err.Key == KeyErrResultInvalid {
		return "", qcity.Errorf(qcity.EINVALID, KeyErrLimitInvalid, "text", clip(raw))
	}
	return u, err
}

// rangeSeparator returns the byte index of the separator between the two bounds of a
// range, or −1.
func rangeSeparator(s string) int {
	for i, r := range s {
		switch r {
		case '~', '-', '—', '至', '到':
			return i
		}
	}
	return -1
}

// ndLimitRest reads what may follow "不得检出": nothing, a detection limit in
// parentheses, a unit ("不得检出/25g").
func ndLimitRest(l *Limit, rest, raw string) *qcity.Error {
	rest = trim(rest)
	if inner, after, ok := cutParens(rest); ok {
		d, u, err := parseLODInner(inner, l.Unit, raw)
		if err != nil {
			if err.Key == KeyErrResultInvalid {
				err = qcity.Errorf(qcity.EINVALID, KeyErrLimitInvalid, "text", clip(raw))
			}
			return err
		}
		l.LOD, l.HasLOD = d, true
		if u != "" {
			l.Unit = u
		}
		rest = trim(after)
	}
	if rest != "" {
		u, err := limitUnit(rest, l.Unit, raw)
		if err != nil {
			return err
		}
		l.Unit = u
	}
	return nil
}

func qualitativeLimitRest(l *Limit, rest, raw string) *qcity.Error {
	rest = trim(rest)
	if inner, after, ok := cutParens(rest); ok {
		if inner = trim(inner); l.Negative && inner != "-" || !l.Negative && inner != "+" {
			return qcity.Errorf(qcity.EINVALID, KeyErrLimitInvalid, "text", clip(raw))
		}
		rest = trim(after)
	}
	if rest != "" {
		u, err := limitUnit(rest, l.Unit, raw)
		if err != nil {
			return err
		}
		l.Unit = u
	}
	return nil
}

// isMicroPlan reports whether s starts like "n=5".
func isMicroPlan(s string) bool {
	if s == "" || s[0] != 'n' && s[0] != 'N' {
		return false
	}
	t := strings.TrimLeft(s[1:], " ")
	return t != "" && (t[0] == '=' || t[0] == ':')
}

// parseMicroPlan reads "n=5,c=2,m=100,M=1000" with optional units after m and M
// ("m=100 CFU/g", "m=0/25g(mL)") and "M=-" for a two-class plan. Keys are n, c, m and
// M (m and M by case; n and c in either case), separated by commas, "，", ";" or "、".
func parseMicroPlan(s, raw string, l *Limit) *qcity.Error {
	invalid := func() *qcity.Error { return qcity.Errorf(qcity.EINVALID, KeyErrMicroPlan, "text", clip(raw)) }
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == ';' || r == '；' || r == '、'
	})
	var seen [4]bool // n, c, m, M
	var mUnit, bigUnit string
	for _, p := range parts {
		p = trim(p)
		eq := strings.IndexAny(p, "=:")
		if eq < 0 {
			return invalid()
		}
		key, val := trim(p[:eq]), trim(p[eq+1:])
		idx := -1
		switch key {
		case "n", "N":
			idx = 0
		case "c", "C":
			idx = 1
		case "m":
			idx = 2
		case "M":
			idx = 3
		}
		if idx < 0 || seen[idx] {
			return invalid()
		}
		seen[idx] = true
		switch idx {
		case 0, 1:
			v, err := strconv.Atoi(val)
			if err != nil || v < 0 || v > 10000 {
				return invalid()
			}
			if idx == 0 {
				l.N = v
			} else {
				l.C = v
			}
		case 2, 3:
			if idx == 3 && isMissing(val) {
				l.TwoClass = true
				continue
			}
			d, n, err := limitNumber(val, raw)
			if err != nil {
				return err
			}
			if n == 0 {
				return invalid()
			}
			u, err := unitOf(trim(val[n:]), l.Unit, raw)
			if err != nil {
				if err.Key == KeyErrResultInvalid {
					err = invalid()
				}
				return err
			}
			if idx == 2 {
				l.M_small, mUnit = d, u
			} else {
				l.M_big, bigUnit = d, u
			}
		}
	}
	if !seen[0] || !seen[1] || !seen[2] || l.N < 1 || l.C > l.N {
		return invalid()
	}
	if !seen[3] {
		l.TwoClass = true
	}
	switch {
	case mUnit != "":
		l.Unit = mUnit
	case bigUnit != "":
		l.Unit = bigUnit
	}
	if !l.TwoClass {
		if bigUnit != "" && bigUnit != l.Unit {
			d, err := convert(l.M_big, bigUnit, l.Unit)
			if err != nil {
				return err
			}
			l.M_big = d
		}
		if l.M_small.Cmp(l.M_big) > 0 {
			return qcity.Errorf(qcity.EINVALID, KeyErrMicroMAboveM, "m", l.M_small.String(), "M", l.M_big.String())
		}
	}
	l.Kind = MicroPlan
	return nil
}

// String returns the limit in canonical form, which ParseLimit reads back to the
// same limit: "≤0.2 mg/kg", "<1.0 μg/kg", "0.5~1.5", "不得检出", "不得检出(0.01 mg/kg)",
// "不得使用", "阴性", "n=5,c=2,m=100 CFU/g,M=1000 CFU/g", "n=5,c=0,m=0/25g(mL),M=-".
func (l Limit) String() string {
	unit := func(b []byte) []byte {
		if l.Unit == "" {
			return b
		}
		if l.Unit[0] != '/' {
			b = append(b, ' ')
		}
		return append(b, l.Unit...)
	}
	var b []byte
	switch l.Kind {
	case Max, MaxExclusive, Min, MinExclusive, Range:
		b = l.appendCondition(b)
		b = unit(b)
	case NotDetectedLimit:
		if l.Prohibited {
			b = append(b, "不得使用"...)
		} else {
			b = append(b, "不得检出"...)
		}
		if l.HasLOD {
			b = append(b, '(')
			b = l.LOD.appendTo(b)
			b = unit(b)
			b = append(b, ')')
		}
	case Qualitative:
		if l.Negative {
			b = append(b, "阴性"...)
		} else {
			b = append(b, "阳性"...)
		}
	case MicroPlan:
		b = append(b, "n="...)
		b = strconv.AppendInt(b, int64(l.N), 10)
		b = append(b, ",c="...)
		b = strconv.AppendInt(b, int64(l.C), 10)
		b = append(b, ",m="...)
		b = l.M_small.appendTo(b)
		b = unit(b)
		b = append(b, ",M="...)
		if l.TwoClass {
			b = append(b, '-')
		} else {
			b = l.M_big.appendTo(b)
			b = unit(b)
		}
	}
	return string(b)
}

// condition returns a numeric limit without its unit: "≤0.05", "0.5~1.5".
func (l Limit) condition() string {
	var buf [40]byte
	return string(l.appendCondition(buf[:0]))
}

func (l Limit) appendCondition(b []byte) []byte {
	switch l.Kind {
	case Max:
		b = append(b, "≤"...)
	case MaxExclusive:
		b = append(b, '<')
	case Min:
		b = append(b, "≥"...)
	case MinExclusive:
		b = append(b, '>')
	case Range:
		b = l.Low.appendTo(b)
		b = append(b, '~')
		return l.High.appendTo(b)
	}
	return l.Value.appendTo(b)
}
