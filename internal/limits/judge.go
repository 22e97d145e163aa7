package limits

import (
	"strings"

	"qcity"
	"qcity/internal/locale"
)

// Comparison is how a measured value is compared with a limit (GB/T 8170-2008 §4).
type Comparison uint8

const (
	// Full is 全数值比较法, the default: the exact measured value against the limit.
	Full Comparison = iota
	// Rounded is 修约值比较法: the measured value is first rounded by GB/T 8170
	// (RoundHalfEven) to the decimal places of the limit value, then compared. The
	// standard or plan that states the limit says when it applies.
	Rounded
)

// ParseComparison reads the comparison method of an item: "" (Full), "full", "全数值",
// "全数值比较", "全数值比较法", "rounded", "round", "修约", "修约值", "修约值比较",
// "修约值比较法".
//
// Returns EINVALID with key limits.error.comparison for anything else.
func ParseComparison(s string) (Comparison, error) {
	c, err := parseComparison(s)
	if err != nil {
		return Full, err
	}
	return c, nil
}

func parseComparison(s string) (Comparison, *qcity.Error) {
	switch s {
	case "", "full":
		return Full, nil
	case "rounded":
		return Rounded, nil
	}
	switch strings.ToLower(trim(fold(s))) {
	case "", "full", "全数值", "全数值比较", "全数值比较法", "exact":
		return Full, nil
	case "rounded", "round", "rounding", "修约", "修约值", "修约值比较", "修约值比较法":
		return Rounded, nil
	}
	return Full, qcity.Errorf(qcity.EINVALID, KeyErrComparison, "text", clip(s))
}

// String returns "full" or "rounded".
func (c Comparison) String() string {
	if c == Rounded {
		return "rounded"
	}
	return "full"
}

// Verdict is the conclusion on an item or a sample.
type Verdict uint8

const (
	// Unjudged is the zero Verdict: no conclusion, e.g. an item that went to review
	// because it could not be judged. It never counts as a pass.
	Unjudged Verdict = iota
	Pass             // 合格
	Fail             // 不合格
)

// String returns "pass", "fail" or "" (Unjudged), the values of the API field verdict.
func (v Verdict) String() string {
	switch v {
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	}
	return ""
}

// MarshalText writes the verdict as String does.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText reads what ParseLabVerdict reads; empty is Unjudged.
func (v *Verdict) UnmarshalText(b []byte) error {
	got, _, err := ParseLabVerdict(string(b))
	if err != nil {
		return err
	}
	*v = got
	return nil
}

// ParseLabVerdict reads a lab's own conclusion: "合格", "符合", "符合要求", "pass",
// "passed" give Pass; "不合格", "不符合", "不符合要求", "fail", "failed" give Fail; ""
// and the no-value marks ("—", "/") give ok == false.
//
// Returns EINVALID with key limits.error.lab_verdict for anything else.
func ParseLabVerdict(s string) (v Verdict, ok bool, err error) {
	v, ok, e := parseLabVerdict(s)
	if e != nil {
		return Unjudged, false, e
	}
	return v, ok, nil
}

var labVerdicts = map[string]Verdict{
	"合格": Pass, "符合": Pass, "符合要求": Pass, "符合标准": Pass, "符合规定": Pass,
	"pass": Pass, "passed": Pass, "p": Pass, "ok": Pass, "qualified": Pass, "compliant": Pass, "√": Pass, "✓": Pass,
	"不合格": Fail, "不符合": Fail, "不符合要求": Fail, "不符合标准": Fail, "不符合规定": Fail,
	"fail": Fail, "failed": Fail, "f": Fail, "unqualified": Fail, "non-compliant": Fail, "noncompliant": Fail, "×": Fail, "✗": Fail,
}

func parseLabVerdict(s string) (Verdict, bool, *qcity.Error) {
	if v, ok := labVerdicts[s]; ok {
		return v, true, nil
	}
	t := strings.ToLower(trim(fold(s)))
	if isMissing(t) {
		return Unjudged, false, nil
	}
	if v, ok := labVerdicts[t]; ok {
		return v, true, nil
	}
	return Unjudged, false, qcity.Errorf(qcity.EINVALID, KeyErrLabVerdict, "text", clip(s))
}

// SampleVerdict is the verdict of a sample from the verdicts of its items: Fail when
// any item fails (RULES.md §5: the published failure lists the failed items), else
// Unjudged when any item is Unjudged or there are no items, else Pass.
func SampleVerdict(items []Verdict) Verdict {
	v := Pass
	if len(items) == 0 {
		v = Unjudged
	}
	for _, it := range items {
		switch it {
		case Fail:
			return Fail
		case Pass:
		default:
			v = Unjudged
		}
	}
	return v
}

// Judgement is qcity's verdict on one item with its reason: a locale key of
// catalog/limits.*.json (the Key* reason constants) and the key's arguments.
type Judgement struct {
	Verdict Verdict
	Key     string
	Args    map[string]any
}

// Message renders the reason in language l.
func (j Judgement) Message(c *locale.Catalogue, l locale.Lang) string {
	return c.T(l, j.Key, j.Args)
}

// Judge recomputes the verdict of one item from the lab's result and the limit.
//
// Semantics (each is a decision; the tests hold them):
//
//   - Boundaries: ≤0.2 passes 0.2, <0.2 fails 0.2, ≥ and > likewise; a range is
//     inclusive at both ends.
//   - Units: the result is converted exactly into the limit's unit first (150 μg/kg
//     against ≤0.2 mg/kg is 0.150 mg/kg: pass). An empty unit on either side is the
//     item's unit. Units of different families are an error, never a guess.
//   - Full compares the exact value. Rounded rounds the value by GB/T 8170 to the
//     decimal places of the limit value it is compared with (each bound of a range on
//     its own), then compares; the reason then shows the rounded value.
//   - A not-detected result with a detection limit ("<0.005", "未检出(<0.005)") means
//     the value lies in [0, 0.005): it passes a maximum ≥ 0.005, and against a maximum
//     below the detection limit it cannot be judged (limits.error.lod_above_limit), so
//     the item goes to review. Without a detection limit, "未检出" passes any maximum
//     (the method's detection limit is taken to be below the limit, as method
//     validation requires) and fails any positive minimum.
//   - 不得检出 / 不得使用: "未检出", "阴性" and a numeric 0 pass; "检出", "阳性" and any
//     value above 0 fail. With the limit's detection limit, 不得检出(0.01), a value
//     below 0.01 passes (it counts as not detected) and a value ≥ 0.01 fails; a
//     not-detected result whose own detection limit is above 0.01 cannot be judged.
//     Detection limits are compared exactly, whatever the comparison method.
//   - 阴性 expected: 阴性 and 未检出 pass, 阳性 and 检出 fail; 阳性 expected, the
//     reverse. Numbers against 阴性/阳性, and 阴性/阳性 against numeric limits, are
//     errors.
//   - Microbiological plans: the result holds n values (ParseValues); the item fails
//     when any value exceeds M or more than c values exceed m, and passes otherwise.
//     "<10" does not exceed m when 10 ≤ m; "未检出" exceeds nothing. When such bounds
//     leave the count undecided the item cannot be judged
//     (limits.error.micro_indeterminate). A two-class plan (M=-) has no M. A single
//     "未检出" or "阴性" stands for all n units; a single "检出" fails a plan with
//     m = 0 and c = 0 (presence/absence, e.g. Salmonella 0/25g).
//
// Returns EINVALID with key limits.error.result_missing, limits.error.limit_missing,
// limits.error.unit_unknown, limits.error.unit_mismatch, limits.error.lod_above_limit,
// limits.error.result_bound, limits.error.result_not_numeric,
// limits.error.result_not_qualitative, limits.error.values_need_plan,
// limits.error.micro_count or limits.error.micro_indeterminate.
func Judge(res Result, lim Limit, cmp Comparison) (Judgement, error) {
	res.Unit, lim.Unit = NormalizeUnit(res.Unit), NormalizeUnit(lim.Unit)
	j, err := judge(&res, &lim, cmp)
	if err != nil {
		return Judgement{}, err
	}
	return j, nil
}

// judge is Judge on normalized units. It takes pointers only to spare the copies of
// two large structs on the importer's hot path; it changes neither.
func judge(res *Result, lim *Limit, cmp Comparison) (Judgement, *qcity.Error) {
	if res.Kind == 0 {
		return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrResultMissing)
	}
	switch lim.Kind {
	case Max, MaxExclusive, Min, MinExclusive, Range:
		return judgeNumeric(res, lim, cmp)
	case NotDetectedLimit:
		return judgeNotDetected(res, lim)
	case Qualitative:
		return judgeQualitative(res, lim)
	case MicroPlan:
		return judgeMicro(res, lim, cmp)
	}
	return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrLimitMissing)
}

func pass(key string, args map[string]any) (Judgement, *qcity.Error) {
	return Judgement{Verdict: Pass, Key: key, Args: args}, nil
}

func fail(key string, args map[string]any) (Judgement, *qcity.Error) {
	return Judgement{Verdict: Fail, Key: key, Args: args}, nil
}

// displayUnit is the unit a reason names: the limit's, else the result's.
func displayUnit(res *Result, lim *Limit) any {
	if lim.Unit != "" {
		return unitArg(lim.Unit)
	}
	return unitArg(res.Unit)
}

// tri is the outcome of a check on a span of possible values.
type tri int8

const (
	undecided tri = iota
	holds
	broken
)

// span is the set of values a result may have, as a comparison sees it: [lo, hi]
// with open ends where loOpen/hiOpen, unbounded above when hiInf. Results are never
// negative, so the zero span is {0}.
type span struct {
	lo, hi         Decimal
	loOpen, hiOpen bool
	hiInf          bool
}

// spanOf returns the span of a value v qualified by b. Under Rounded, values are
// rounded to scale decimal places: since rounding is monotonic and leaves the limit
// unchanged, "x < b" becomes "rounded x ≤ rounded b", and likewise above.
func spanOf(b Bound, v Decimal, cmp Comparison, scale int) span {
	rounded := cmp == Rounded
	r := func(d Decimal) Decimal {
		if rounded && d.Scale() > scale {
			return d.RoundHalfEven(scale)
		}
		return d
	}
	switch b {
	case Below:
		if rounded {
			return span{hi: r(v)}
		}
		return span{hi: v, hiOpen: true}
	case Greater:
		if rounded {
			return span{lo: r(v), hiInf: true}
		}
		return span{lo: v, loOpen: true, hiInf: true}
	case Absent:
		return span{}
	case Present:
		return span{loOpen: !rounded, hiInf: true}
	}
	x := r(v)
	return span{lo: x, hi: x}
}

// atMost checks x ≤ l for every x of s.
func atMost(s span, l Decimal) tri {
	if !s.hiInf && s.hi.Cmp(l) <= 0 {
		return holds
	}
	if c := s.lo.Cmp(l); c > 0 || c == 0 && s.loOpen {
		return broken
	}
	return undecided
}

// lessThan checks x < l.
func lessThan(s span, l Decimal) tri {
	if !s.hiInf {
		if c := s.hi.Cmp(l); c < 0 || c == 0 && s.hiOpen {
			return holds
		}
	}
	if s.lo.Cmp(l) >= 0 {
		return broken
	}
	return undecided
}

// atLeast checks x ≥ l.
func atLeast(s span, l Decimal) tri {
	if s.lo.Cmp(l) >= 0 {
		return holds
	}
	if !s.hiInf {
		if c := s.hi.Cmp(l); c < 0 || c == 0 && s.hiOpen {
			return broken
		}
	}
	return undecided
}

// greaterThan checks x > l.
func greaterThan(s span, l Decimal) tri {
	if c := s.lo.Cmp(l); c > 0 || c == 0 && s.loOpen {
		return holds
	}
	if !s.hiInf && s.hi.Cmp(l) <= 0 {
		return broken
	}
	return undecided
}

// textOf returns d's canonical text, reusing the end of text when text already ends
// with it ("≤0.05" holds "0.05"), so that the importer's hot path builds no string.
func textOf(d Decimal, text string) string {
	var buf [32]byte
	b := d.appendTo(buf[:0])
	if n := len(text) - len(b); n >= 0 && text[n:] == string(b) {
		return text[n:]
	}
	return string(b)
}

// conditionOf returns lim.condition(), reusing lim.Text when it starts with it.
func conditionOf(lim *Limit) string {
	var buf [48]byte
	if b := lim.appendCondition(buf[:0]); len(lim.Text) >= len(b) && lim.Text[:len(b)] == string(b) {
		return lim.Text[:len(b)] // "≤0.2" of "≤0.2mg/kg"
	}
	return lim.condition()
}

// valueArg writes a qualified value for a reason: "0.13", ">1100", "<10", "0".
func valueArg(b Bound, v Decimal) string {
	switch b {
	case Greater:
		return ">" + v.String()
	case Below:
		return "<" + v.String()
	case Absent:
		return "0"
	case Present:
		return ">0"
	}
	return v.String()
}

// check is one condition of a numeric limit.
type check struct {
	kind  LimitKind // Max, MaxExclusive, Min or MinExclusive
	bound Decimal
}

func (c check) eval(b Bound, v Decimal, cmp Comparison) tri {
	s := spanOf(b, v, cmp, c.bound.Scale())
	switch c.kind {
	case Max:
		return atMost(s, c.bound)
	case MaxExclusive:
		return lessThan(s, c.bound)
	case Min:
		return atLeast(s, c.bound)
	}
	return greaterThan(s, c.bound)
}

var failKeys = map[LimitKind][2]string{
	Max:          {KeyExceedsMax, KeyRoundedExceedsMax},
	MaxExclusive: {KeyNotBelowMax, KeyRoundedNotBelowMax},
	Min:          {KeyBelowMin, KeyRoundedBelowMin},
	MinExclusive: {KeyNotAboveMin, KeyRoundedNotAboveMin},
}

func judgeNumeric(res *Result, lim *Limit, cmp Comparison) (Judgement, *qcity.Error) {
	b, v := Exact, res.Value
	switch res.Kind {
	case Number:
	case Above:
		b = Greater
	case NotDetected:
		b, v = Absent, Decimal{}
		if res.HasLOD {
			b, v = Below, res.LOD
		}
	case Detected:
		b = Present
	case Values:
		return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrValuesNeedPlan, "count", len(res.Values))
	default:
		return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrNotNumeric)
	}
	if b != Absent && b != Present {
		var err *qcity.Error
		if v, err = convert(v, res.Unit, lim.Unit); err != nil {
			return Judgement{}, err
		}
	}
	unit := displayUnit(res, lim)

	checks := [2]check{{lim.Kind, lim.Value}}
	n := 1
	if lim.Kind == Range {
		checks = [2]check{{Min, lim.Low}, {Max, lim.High}}
		n = 2
	}
	outcome, at := holds, checks[0]
	for _, c := range checks[:n] {
		switch c.eval(b, v, cmp) {
		case broken:
			outcome, at = broken, c
		case undecided:
			if outcome == holds {
				outcome, at = undecided, c
			}
		}
		if outcome == broken {
			break
		}
	}

	switch outcome {
	case holds:
		cond := conditionOf(lim)
		switch b {
		case Below:
			return pass(KeyNotDetectedLODWithin, map[string]any{"lod": v.String(), "limit": cond, "unit": unit})
		case Absent:
			return pass(KeyNotDetectedWithin, map[string]any{"limit": cond, "unit": unit})
		case Present:
			return pass(KeyDetectedWithin, map[string]any{"limit": cond, "unit": unit})
		case Exact:
			if scale := limitScale(lim); cmp == Rounded && v.Scale() > scale {
				return pass(KeyRoundedWithin, map[string]any{"value": v.String(), "rounded": v.RoundHalfEven(scale).String(), "limit": cond, "unit": unit})
			}
		}
		value := textOf(v, res.Text)
		if b != Exact {
			value = valueArg(b, v)
		}
		return pass(KeyWithin, map[string]any{"value": value, "limit": cond, "unit": unit})
	case broken:
		switch {
		case (b == Below || b == Absent) && (at.kind == Min || at.kind == MinExclusive):
			return fail(KeyNotDetectedBelowMin, map[string]any{"limit": at.bound.String(), "unit": unit})
		case b == Present:
			return fail(KeyDetected, nil)
		}
		keys := failKeys[at.kind]
		if b == Exact && cmp == Rounded && v.Scale() > at.bound.Scale() {
			return fail(keys[1], map[string]any{"value": v.String(), "rounded": v.RoundHalfEven(at.bound.Scale()).String(), "limit": at.bound.String(), "unit": unit})
		}
		value := textOf(v, res.Text)
		if b != Exact {
			value = valueArg(b, v)
		}
		return fail(keys[0], map[string]any{"value": value, "limit": textOf(at.bound, lim.Text), "unit": unit})
	}
	switch b {
	case Below:
		return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrLODAboveLimit, "lod", v.String(), "limit", at.bound.String(), "unit", unit)
	case Greater:
		return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrResultBound, "value", valueArg(b, v), "limit", lim.condition(), "unit", unit)
	}
	return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrNotNumeric)
}

// limitScale is the scale a passing value is shown rounded to: the limit value's, or
// the finer of a range's bounds.
func limitScale(lim *Limit) int {
	if lim.Kind == Range {
		return max(lim.Low.Scale(), lim.High.Scale())
	}
	return lim.Value.Scale()
}

func judgeNotDetected(res *Result, lim *Limit) (Judgement, *qcity.Error) {
	unit := displayUnit(res, lim)
	switch res.Kind {
	case Number, Above:
		b := Exact
		if res.Kind == Above {
			b = Greater
		}
		if lim.HasLOD {
			v, err := convert(res.Value, res.Unit, lim.Unit)
			if err != nil {
				return Judgement{}, err
			}
			switch {
			case v.Cmp(lim.LOD) >= 0:
				return fail(KeyDetectedAboveLOD, map[string]any{"value": valueArg(b, v), "lod": lim.LOD.String(), "unit": unit})
			case b == Exact:
				return pass(KeyBelowLOD, map[string]any{"value": v.String(), "lod": lim.LOD.String(), "unit": unit})
			}
			return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrResultBound, "value", valueArg(b, v), "limit", lim.LOD.String(), "unit", unit)
		}
		if b == Exact && res.Value.IsZero() {
			return pass(KeyNotDetected, nil)
		}
		// Without a detection limit, the value is shown in the lab's unit.
		if res.Unit != "" {
			unit = unitArg(res.Unit)
		}
		key := KeyDetectedMustNot
		if lim.Prohibited {
			key = KeyUsedNotPermitted
		}
		return fail(key, map[string]any{"value": valueArg(b, res.Value), "unit": unit})
	case NotDetected:
		if !res.HasLOD {
			return pass(KeyNotDetected, nil)
		}
		if !lim.HasLOD {
			u := unit
			if res.Unit != "" {
				u = unitArg(res.Unit)
			}
			return pass(KeyNotDetectedLOD, map[string]any{"lod": res.LOD.String(), "unit": u})
		}
		lod, err := convert(res.LOD, res.Unit, lim.Unit)
		if err != nil {
			return Judgement{}, err
		}
		if lod.Cmp(lim.LOD) > 0 {
			return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrLODAboveLimit, "lod", lod.String(), "limit", lim.LOD.String(), "unit", unit)
		}
		return pass(KeyNotDetectedLOD, map[string]any{"lod": lod.String(), "unit": unit})
	case Negative:
		return pass(KeyNotDetected, nil)
	case Detected, Positive:
		return fail(KeyDetected, nil)
	}
	return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrValuesNeedPlan, "count", len(res.Values))
}

func judgeQualitative(res *Result, lim *Limit) (Judgement, *qcity.Error) {
	var negative bool
	switch res.Kind {
	case Negative, NotDetected:
		negative = true
	case Positive, Detected:
	default:
		return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrNotQualitative)
	}
	switch {
	case lim.Negative && negative:
		return pass(KeyNegative, nil)
	case lim.Negative:
		return fail(KeyPositiveNotAllowed, nil)
	case !negative:
		return pass(KeyPositive, nil)
	}
	return fail(KeyNegativeNotAllowed, nil)
}

func judgeMicro(res *Result, lim *Limit, cmp Comparison) (Judgement, *qcity.Error) {
	unit := displayUnit(res, lim)
	var one [1]Decimal
	var oneBound [1]Bound
	vals, bounds := res.Values, res.Bounds
	switch res.Kind {
	case Values:
	case Negative:
		return pass(KeyMicroNotDetected, map[string]any{"n": lim.N})
	case NotDetected:
		if !res.HasLOD {
			return pass(KeyMicroNotDetected, map[string]any{"n": lim.N})
		}
		one[0], oneBound[0] = res.LOD, Below
		vals, bounds = one[:], oneBound[:]
	case Detected, Positive:
		if lim.C == 0 && lim.M_small.IsZero() {
			return fail(KeyMicroDetected, map[string]any{"m": lim.M_small.String(), "unit": unit})
		}
		return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrMicroCount, "count", 1, "n", lim.N)
	case Number, Above:
		one[0], oneBound[0] = res.Value, Exact
		if res.Kind == Above {
			oneBound[0] = Greater
		}
		vals, bounds = one[:], oneBound[:]
	}
	if len(vals) != lim.N {
		return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrMicroCount, "count", len(vals), "n", lim.N)
	}
	overM, maybeM := -1, false
	var overMArg string
	count, maybe := 0, 0
	for i, v := range vals {
		b := Exact
		if bounds != nil {
			b = bounds[i]
		}
		if b != Absent && b != Present {
			var err *qcity.Error
			if v, err = convert(v, res.Unit, lim.Unit); err != nil {
				return Judgement{}, err
			}
		}
		switch (check{Max, lim.M_small}).eval(b, v, cmp) {
		case broken:
			count++
		case undecided:
			maybe++
		}
		if lim.TwoClass {
			continue
		}
		switch (check{Max, lim.M_big}).eval(b, v, cmp) {
		case broken:
			if overM < 0 {
				overM, overMArg = i, valueArg(b, v)
			}
		case undecided:
			maybeM = true
		}
	}
	switch {
	case overM >= 0:
		return fail(KeyMicroOverM, map[string]any{"value": overMArg, "M": lim.M_big.String(), "unit": unit})
	case count > lim.C:
		return fail(KeyMicroOverMCount, map[string]any{"count": count, "c": lim.C, "m": lim.M_small.String(), "unit": unit})
	case maybeM || count+maybe > lim.C:
		return Judgement{}, qcity.Errorf(qcity.EINVALID, KeyErrMicroUndecided)
	case lim.TwoClass:
		return pass(KeyMicroWithinTwoClass, map[string]any{"n": lim.N, "count": count, "c": lim.C})
	}
	return pass(KeyMicroWithin, map[string]any{"n": lim.N, "count": count, "c": lim.C})
}

// ItemJudgement is the judgement of one test item of a sample, as the importer and
// the API need it: qcity's verdict and reason, the lab's own verdict, and whether they
// disagree (every disagreement goes to review).
type ItemJudgement struct {
	Verdict       Verdict
	Key           string
	Args          map[string]any
	LabVerdict    Verdict
	HasLabVerdict bool
	// Disagrees is true when the lab gave a verdict and it differs from qcity's.
	Disagrees bool
	// Microbiological is true for a sampling-plan limit or a count unit (CFU, MPN,
	// /25g). RULES.md §5: no re-test after a microbiological failure. Qualitative
	// pathogen items without a count unit ("沙门氏菌 阴性") are not recognised here;
	// the caller's test-item catalogue decides those.
	Microbiological bool
	Result          Result
	Limit           Limit
}

// Message renders the reason in language l.
func (it ItemJudgement) Message(c *locale.Catalogue, l locale.Lang) string {
	return c.T(l, it.Key, it.Args)
}

// JudgeItem parses one item as the lab entered it and judges it: the result (read with
// ParseValues when the limit is a sampling plan), the item's unit, the limit, the
// comparison method ("" is Full) and the lab's verdict ("" for none).
//
// On error, the returned ItemJudgement still holds what could be read (the lab's
// verdict, the limit, Microbiological), so the caller can flag the item for review
// beside the lab's conclusion. The error is a *qcity.Error with Code EINVALID, the
// key of the first problem (ParseLabVerdict, ParseLimit, ParseResult,
// ParseComparison, Judge), and one FieldError naming the input: "lab_verdict",
// "limit", "result" or "comparison".
func JudgeItem(resultText, unit, limitText, comparison, labVerdict string) (ItemJudgement, error) {
	var it ItemJudgement
	u := NormalizeUnit(unit)
	lv, ok, err := parseLabVerdict(labVerdict)
	if err != nil {
		return it, fieldError("lab_verdict", err)
	}
	it.LabVerdict, it.HasLabVerdict = lv, ok
	microUnit := isMicrobialUnit(u)
	if err := parseLimit(limitText, u, &it.Limit); err != nil {
		it.Limit = Limit{}
		it.Microbiological = microUnit
		return it, fieldError("limit", err)
	}
	lim := &it.Limit
	it.Microbiological = lim.Kind == MicroPlan || microUnit && lim.Unit == u || lim.Unit != u && isMicrobialUnit(lim.Unit)
	if err := parseResult(resultText, u, lim.Kind == MicroPlan, &it.Result); err != nil {
		it.Result = Result{}
		return it, fieldError("result", err)
	}
	res := &it.Result
	it.Microbiological = it.Microbiological || res.Unit != u && isMicrobialUnit(res.Unit)
	cmp, err := parseComparison(comparison)
	if err != nil {
		return it, fieldError("comparison", err)
	}
	j, err := judge(res, lim, cmp)
	if err != nil {
		return it, fieldError("result", err)
	}
	it.Verdict, it.Key, it.Args = j.Verdict, j.Key, j.Args
	it.Disagrees = it.HasLabVerdict && it.LabVerdict != it.Verdict
	return it, nil
}

// fieldError names the input an error is about.
func fieldError(field string, e *qcity.Error) error {
	e.Fields = []qcity.FieldError{{Field: field, Key: e.Key, Args: e.Args}}
	return e
}
