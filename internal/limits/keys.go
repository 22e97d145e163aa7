package limits

// Reason keys: the locale key of a Judgement, with the arguments each one takes. Every
// key exists in catalog/limits.zh-CN.json and catalog/limits.en.json. Values are
// strings in the limit's unit, exactly as Decimal.String writes them; counts are ints.
const (
	// Numeric results against numeric limits. limit is the condition without its
	// unit ("≤0.05", "0.5~1.5") for within, and the bare bound otherwise.
	KeyWithin         = "limits.reason.within"        // value, limit, unit
	KeyExceedsMax     = "limits.reason.exceeds_max"   // value, limit, unit (value > max of ≤)
	KeyNotBelowMax    = "limits.reason.not_below_max" // value, limit, unit (value ≥ bound of <)
	KeyBelowMin       = "limits.reason.below_min"     // value, limit, unit (value < min of ≥)
	KeyNotAboveMin    = "limits.reason.not_above_min" // value, limit, unit (value ≤ bound of >)
	KeyDetectedWithin = "limits.reason.detected_within"

	// The same under 修约值比较法, when rounding changed the value: rounded is the
	// value rounded to the limit's decimal places.
	KeyRoundedWithin      = "limits.reason.rounded_within"        // value, rounded, limit, unit
	KeyRoundedExceedsMax  = "limits.reason.rounded_exceeds_max"   // value, rounded, limit, unit
	KeyRoundedNotBelowMax = "limits.reason.rounded_not_below_max" // value, rounded, limit, unit
	KeyRoundedBelowMin    = "limits.reason.rounded_below_min"     // value, rounded, limit, unit
	KeyRoundedNotAboveMin = "limits.reason.rounded_not_above_min" // value, rounded, limit, unit

	// Not-detected results and 不得检出 limits.
	KeyNotDetected          = "limits.reason.not_detected"            // no args
	KeyNotDetectedLOD       = "limits.reason.not_detected_lod"        // lod, unit
	KeyNotDetectedWithin    = "limits.reason.not_detected_within"     // limit, unit
	KeyNotDetectedLODWithin = "limits.reason.not_detected_lod_within" // lod, limit, unit
	KeyNotDetectedBelowMin  = "limits.reason.not_detected_below_min"  // limit, unit
	KeyBelowLOD             = "limits.reason.below_lod"               // value, lod, unit
	KeyDetectedMustNot      = "limits.reason.detected_must_not"       // value, unit
	KeyDetectedAboveLOD     = "limits.reason.detected_above_lod"      // value, lod, unit
	KeyUsedNotPermitted     = "limits.reason.used_not_permitted"      // value, unit (不得使用)
	KeyDetected             = "limits.reason.detected"                // no args

	// Qualitative limits (阴性 / 阳性).
	KeyNegative           = "limits.reason.negative"             // no args
	KeyPositive           = "limits.reason.positive"             // no args
	KeyPositiveNotAllowed = "limits.reason.positive_not_allowed" // no args
	KeyNegativeNotAllowed = "limits.reason.negative_not_allowed" // no args

	// Microbiological sampling plans (n, c, m, M).
	KeyMicroWithin         = "limits.reason.micro_within"           // n, count, c
	KeyMicroWithinTwoClass = "limits.reason.micro_within_two_class" // n, count, c
	KeyMicroNotDetected    = "limits.reason.micro_not_detected"     // n
	KeyMicroOverM          = "limits.reason.micro_over_M"           // value, M, unit
	KeyMicroOverMCount     = "limits.reason.micro_over_m_count"     // count, c, m, unit
	KeyMicroDetected       = "limits.reason.micro_detected"         // m, unit
)

// Error keys: every error of this package is a *qcity.Error with Code EINVALID and one
// of these keys. The judging errors (lod_above_limit to micro_indeterminate) mean the
// item cannot be judged from what the lab wrote and goes to review; they are not
// guesses.
const (
	KeyErrDecimal      = "limits.error.decimal"       // text
	KeyErrDecimalRange = "limits.error.decimal_range" // text
	KeyErrNegative     = "limits.error.negative"      // text

	KeyErrResultMissing  = "limits.error.result_missing"     // no args
	KeyErrResultInvalid  = "limits.error.result_invalid"     // text
	KeyErrLimitMissing   = "limits.error.limit_missing"      // no args
	KeyErrLimitInvalid   = "limits.error.limit_invalid"      // text
	KeyErrRangeReversed  = "limits.error.range_reversed"     // low, high
	KeyErrMicroPlan      = "limits.error.micro_plan_invalid" // text
	KeyErrMicroMAboveM   = "limits.error.micro_m_above_M"    // m, M
	KeyErrUnitUnknown    = "limits.error.unit_unknown"       // unit
	KeyErrUnitMismatch   = "limits.error.unit_mismatch"      // from, to
	KeyErrComparison     = "limits.error.comparison"         // text
	KeyErrLabVerdict     = "limits.error.lab_verdict"        // text
	KeyErrLODAboveLimit  = "limits.error.lod_above_limit"    // lod, limit, unit
	KeyErrResultBound    = "limits.error.result_bound"       // value, limit, unit
	KeyErrNotNumeric     = "limits.error.result_not_numeric" // no args
	KeyErrNotQualitative = "limits.error.result_not_qualitative"
	KeyErrValuesNeedPlan = "limits.error.values_need_plan"    // count
	KeyErrMicroCount     = "limits.error.micro_count"         // count, n
	KeyErrMicroUndecided = "limits.error.micro_indeterminate" // no args
)
