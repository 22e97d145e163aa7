// Package limits is the judging core of sampling inspection (抽样检验, RULES.md §5–6):
// it reads a lab's result and the limit of the judgement basis (判定依据) as labs and
// announcements write them, recomputes the verdict of every test item, and says why,
// so that every disagreement with the lab's own verdict can be flagged for review.
//
// The judge is pure: no database, no clock, no configuration. Values are exact decimals
// (Decimal), never float64; units convert exactly by powers of ten (ConvertUnit);
// rounding follows GB/T 8170-2008 (Decimal.RoundHalfEven) on the decimal digits.
//
// The pieces:
//
//   - ParseDecimal, ParseResult/ParseValues, ParseLimit, ParseComparison and
//     ParseLabVerdict read the inputs of an item;
//   - Judge compares a Result with a Limit; Judge's documentation lists every
//     decision (boundaries, units, 全数值/修约值比较法, not detected and detection
//     limits, 阴性/阳性, n/c/m/M plans);
//   - JudgeItem does all of it for one row of a lab's entry, and SampleVerdict
//     combines the items of a sample;
//   - a Judgement's reason is a locale key with arguments (the Key* constants,
//     catalog/limits.*.json) rendered by Judgement.Message.
//
// Every error is a *qcity.Error with Code qcity.EINVALID and a key from the KeyErr*
// constants. Judging errors are not failures: they mean the item cannot be judged from
// what was written (a detection limit above the limit, "<10" against m = 5, units of
// different families) and must be reviewed by a person, never guessed.
//
// Beside the judge, and apart from it, is the limits catalogue (标准限量库, Catalogue in
// catalogue.go): versioned standard limits stored in the database, seeded from the
// embedded data files, edited, imported and exported by officials, and looked up by
// LimitFor for items that come without a limit — the limit in force on the sampling
// date, for the most specific food. Only the catalogue touches the database; the
// judging functions never do.
//
// The importer judges 100,000 item rows a second; JudgeItem on a typical row takes a
// few hundred nanoseconds (BenchmarkJudgeItem). Small values take an int64 fast path;
// big.Int is used only when a coefficient does not fit.
package limits
