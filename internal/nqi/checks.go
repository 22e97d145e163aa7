package nqi

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/registry"
)

// The rules of each register: cross-field checks and the fields they compute.

// dateOrder fails later's field if it is before earlier's.
func (c *Check) dateOrder(earlier, later string) {
	a, b := c.Rec.Date(earlier), c.Rec.Date(later)
	if !a.IsZero() && !b.IsZero() && b.Before(a) && !c.Failed(earlier, later) {
		c.Fail(later, "nqi.error.date_order", "other", label(c.Rec.Kind.Name, earlier))
	}
}

// notFuture fails a date after today.
func (c *Check) notFuture(field string) {
	if d := c.Rec.Date(field); !d.IsZero() && d.After(c.Today) {
		c.Fail(field, "nqi.error.date_future")
	}
}

// standardCode parses a code field, writes its canonical form back and returns it.
func (c *Check) standardCode(field string) (StandardCode, bool) {
	text := c.Rec.Str(field)
	if text == "" || c.Failed(field) {
		return StandardCode{}, false
	}
	sc, err := ParseStandardCode(text, c.S.regions())
	if err != nil {
		qe := qcity.AsError(err)
		c.Fail(field, qe.Key, argList(qe.Args)...)
		return StandardCode{}, false
	}
	c.Rec.Values[field] = sc.Text
	return sc, true
}

func checkStandard(c *Check) {
	r := c.Rec
	status := r.Str("status")
	if sc, ok := c.standardCode("code"); ok {
		if sc.Level == LevelForeign {
			c.Fail("code", "nqi.error.std_foreign")
		} else {
			r.Values["level"], r.Values["nature"] = string(sc.Level), string(sc.Nature)
			// GB/T 1.1: the year of a standard's number is the year it is published.
			if pub := r.Date("published_on"); !pub.IsZero() && pub.Year != sc.Year {
				c.Fail("published_on", "nqi.error.std_published_year", "year", sc.Year)
			}
		}
		if rep, ok := c.standardCode("replaces"); ok {
			if rep.Year >= sc.Year {
				c.Fail("replaces", "nqi.error.std_replaces_year", "year", sc.Year)
			}
		}
	}
	switch r.Str("revision") {
	case "revised":
		if r.Str("replaces") == "" && !c.Failed("replaces") {
			c.Fail("replaces", "nqi.error.std_replaces_required")
		}
	case "new":
		if r.Str("replaces") != "" {
			c.Fail("replaces", "nqi.error.std_replaces_new")
		}
	}
	pub := r.Date("published_on")
	switch status {
	case "drafting":
		for _, f := range []string{"published_on", "effective_on", "withdrawn_on"} {
			if !r.Date(f).IsZero() {
				c.Fail(f, "nqi.error.std_drafting_dates")
			}
		}
	case "published", "in_force", "withdrawn":
		if pub.IsZero() && !c.Failed("published_on") {
			c.Fail("published_on", "nqi.error.std_published_required")
		}
	}
	if status == "withdrawn" && r.Date("withdrawn_on").IsZero() && !c.Failed("withdrawn_on") {
		c.Fail("withdrawn_on", "nqi.error.std_withdrawn_required")
	}
	if status != "withdrawn" && !r.Date("withdrawn_on").IsZero() {
		c.Fail("withdrawn_on", "nqi.error.std_withdrawn_status")
	}
	c.notFuture("published_on")
	c.dateOrder("published_on", "effective_on")
	c.dateOrder("published_on", "withdrawn_on")
	if !pub.IsZero() {
		r.Values["year"] = int64(pub.Year)
	}
}

// checkDrafter places a drafter: its region as entered, or that of its credit code's
// registering authority; it is local when that is the prefecture or one of its
// counties.
func checkDrafter(c *Check) {
	r := c.Rec
	place := r.Str("drafter_region")
	if place == "" && !c.Failed("drafter_region") {
		if code := r.Str("uscc"); code != "" && !c.Failed("uscc") {
			if d, ok := c.S.regions().Get(code[2:8]); ok && d.Level >= 1 && d.Level <= 3 {
				place = code[2:8]
				r.Values["drafter_region"] = place
			}
		}
	}
	if place == "" && !c.Failed("drafter_region", "uscc") {
		c.Fail("drafter_region", "nqi.error.drafter_region")
	}
	r.Values["local"] = "no"
	if place != "" && c.S.inJurisdiction(place) {
		r.Values["local"] = "yes"
	}
}

func checkPilot(c *Check) {
	r := c.Rec
	c.dateOrder("start_on", "end_on")
	switch r.Str("status") {
	case "passed", "failed":
		if r.Date("evaluated_on").IsZero() && !c.Failed("evaluated_on") {
			c.Fail("evaluated_on", "nqi.error.pilot_evaluation_required")
		}
	default:
		if !r.Date("evaluated_on").IsZero() || r.Values["score"] != nil {
			if r.Str("status") != "evaluating" && r.Str("status") != "terminated" {
				c.Fail("status", "nqi.error.pilot_evaluated_status")
			}
		}
	}
	c.dateOrder("start_on", "evaluated_on")
	c.notFuture("evaluated_on")
}

// benchmarkLevels are the levels a benchmark of each source may have.
var benchmarkLevels = map[string][]Level{
	"international":     {LevelInternational},
	"foreign_advanced":  {LevelForeign},
	"domestic_advanced": {LevelNational, LevelIndustry, LevelLocal, LevelGroup, LevelEnterprise},
}

// actionLevels are the levels of the standard behind each action: 采标 adopts an
// international or foreign standard; 建标 builds the enterprise's (or a group's)
// standard at the benchmark's level; 创标 creates a standard others follow.
var actionLevels = map[string][]Level{
	"adopt":  {LevelInternational, LevelForeign},
	"build":  {LevelEnterprise, LevelGroup},
	"create": {LevelGroup, LevelIndustry, LevelLocal, LevelNational, LevelInternational},
}

func levelIn(l Level, ls []Level) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

func checkBenchmark(c *Check) {
	r := c.Rec
	c.standardCode("own_standard")
	if sc, ok := c.standardCode("benchmark_standard"); ok && !c.Failed("benchmark_source") {
		if want := benchmarkLevels[r.Str("benchmark_source")]; !levelIn(sc.Level, want) {
			c.Fail("benchmark_source", "nqi.error.bench_source_level",
				"level", qcity.MsgKey("nqi.enum.std_level_any."+string(sc.Level)))
		}
	}
	action := r.Str("action")
	if sc, ok := c.standardCode("action_standard"); ok {
		if action == "none" {
			c.Fail("action_standard", "nqi.error.bench_action_none")
		} else if want := actionLevels[action]; !levelIn(sc.Level, want) {
			c.Fail("action_standard", "nqi.error.bench_action_level",
				"level", qcity.MsgKey("nqi.enum.std_level_any."+string(sc.Level)))
		}
	} else if action != "none" && action != "" && r.Str("action_standard") == "" && !c.Failed("action_standard") {
		c.Fail("action_standard", "nqi.error.bench_action_standard")
	}
	if y, ok := r.Int("year"); ok && int(y) > c.Today.Year {
		c.Fail("year", "nqi.error.year_future")
	}
}

// compareFields compares two value fields of a record and reports errors beside the
// field each concerns.
func (c *Check) compareFields(ownField, benchField string) (Class, bool) {
	r := c.Rec
	if c.Failed(ownField, benchField, "direction", "unit") || r.Str(ownField) == "" || r.Str(benchField) == "" {
		return "", false
	}
	own, _ := ParseValue(r.Str(ownField))
	bench, _ := ParseValue(r.Str(benchField))
	cl, err := Compare(own, bench, r.Str("unit"), Direction(r.Str("direction")))
	if err != nil {
		qe := qcity.AsError(err)
		field := "unit"
		switch qe.Args["side"] {
		case "own":
			field = ownField
		case "benchmark":
			field = benchField
		}
		if qe.Key == "nqi.error.direction" {
			field = "direction"
		}
		c.Fail(field, qe.Key, argList(qe.Args)...)
		return "", false
	}
	return cl, true
}

func checkIndicator(c *Check) {
	if cl, ok := c.compareFields("own_value", "benchmark_value"); ok {
		c.Rec.Values["class"] = string(cl)
	}
}

func checkImprovementIndicator(c *Check) {
	r := c.Rec
	r.Values["class"] = "pending"
	if r.Str("baseline") != "" {
		// The target must improve on the baseline (or at least hold it).
		if cl, ok := c.compareFields("target", "baseline"); ok && cl == Below {
			c.Fail("target", "nqi.error.target_not_better")
		}
	}
	if r.Str("achieved") != "" {
		if cl, ok := c.compareFields("achieved", "target"); ok {
			r.Values["class"] = "met"
			if cl == Below {
				r.Values["class"] = "not_met"
			}
		}
	}
}

func checkQualification(c *Check) {
	r := c.Rec
	if c.Org != nil && !c.Failed("qualification") {
		want := registry.OrgLab
		if r.Str("qualification") == "metrology_authorisation" {
			want = registry.OrgMetrologyInstitution
		}
		if c.Org.Kind != want {
			c.Fail("qualification", "nqi.error.qual_org_kind", "name", c.Org.Name)
		}
	}
	if a, b := r.Date("issued_on"), r.Date("valid_until"); !a.IsZero() && !b.IsZero() && !b.After(a) && !c.Failed("issued_on", "valid_until") {
		c.Fail("valid_until", "nqi.error.date_order", "other", label("qualifications", "issued_on"))
	}
	c.notFuture("issued_on")
	ended := r.Date("ended_on")
	switch r.Str("status") {
	case "valid":
		if !ended.IsZero() {
			c.Fail("ended_on", "nqi.error.qual_ended_valid")
		}
	case "suspended", "revoked":
		if ended.IsZero() && !c.Failed("ended_on") {
			c.Fail("ended_on", "nqi.error.qual_ended_required")
		}
		c.dateOrder("issued_on", "ended_on")
		if v := r.Date("valid_until"); !ended.IsZero() && !v.IsZero() && ended.After(v) {
			c.Fail("ended_on", "nqi.error.qual_ended_after")
		}
		c.notFuture("ended_on")
	}
}

// instrumentType holds the usual verification cycle (检定周期, in months) and purpose
// of each kind of instrument under compulsory verification, after the JJG verification
// regulations; an instrument may set its own cycle.
type instrumentType struct {
	name    string
	months  int
	purpose string
}

var instrumentTypeList = []instrumentType{
	{"fuel_dispenser", 6, "trade_settlement"},             // 燃油加油机, JJG 443
	{"trade_scale", 12, "trade_settlement"},               // 电子计价秤 / 台案秤, JJG 539
	{"weighbridge", 12, "trade_settlement"},               // 汽车衡 (数字指示秤), JJG 539
	{"taxi_meter", 12, "trade_settlement"},                // 出租汽车计价器, JJG 517
	{"sphygmomanometer", 12, "medical_health"},            // 血压计, JJG 270 / JJG 692
	{"ecg", 12, "medical_health"},                         // 心电图机, JJG 543
	{"lens_meter", 12, "medical_health"},                  // 焦度计, JJG 580
	{"pressure_gauge", 6, "safety_protection"},            // 压力表 (安全防护), JJG 52
	{"gas_detector", 12, "safety_protection"},             // 可燃气体检测报警器, JJG 693
	{"breathalyzer", 12, "safety_protection"},             // 呼出气体酒精含量检测仪, JJG 657
	{"speed_meter", 12, "safety_protection"},              // 机动车雷达测速仪, JJG 528
	{"noise_meter", 12, "environmental_monitoring"},       // 声级计, JJG 188
	{"flue_gas_analyser", 12, "environmental_monitoring"}, // 烟气分析仪, JJG 968
}

func instrumentTypes() []string {
	out := make([]string, len(instrumentTypeList))
	for i, t := range instrumentTypeList {
		out[i] = t.name
	}
	return out
}

func instrumentTypeOf(name string) (instrumentType, bool) {
	for _, t := range instrumentTypeList {
		if t.name == name {
			return t, true
		}
	}
	return instrumentType{}, false
}

func checkInstrument(c *Check) {
	r := c.Rec
	t, ok := instrumentTypeOf(r.Str("instrument_type"))
	if !ok {
		return
	}
	if r.Values["cycle_months"] == nil && !c.Failed("cycle_months") {
		r.Values["cycle_months"] = int64(t.months)
	}
	if r.Str("purpose") == "" && !c.Failed("purpose") {
		r.Values["purpose"] = t.purpose
	}
}

// AddMonths returns d plus n months by the civil rule: the same day of the month, or
// the month's last day when it has no such day (31 August + 6 months = 28 or 29
// February).
func AddMonths(d qcity.Date, n int) qcity.Date {
	t := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return qcity.Date{Year: t.Year(), Month: t.Month(), Day: min(d.Day, last)}
}

// NextDue is the due date of an instrument's next verification: a pass holds for the
// cycle; a failed instrument may not be used until it passes again, so it is due at
// once (the day of the failure).
func NextDue(last qcity.Date, result string, cycleMonths int) qcity.Date {
	if last.IsZero() {
		return qcity.Date{}
	}
	if result != "pass" {
		return last
	}
	return AddMonths(last, cycleMonths)
}

// recomputeInstrument sets an instrument's last verification, its result and the due
// date of the next from its verification records.
func recomputeInstrument(ctx context.Context, tx *db.Tx, s *Service, id int64) error {
	var last qcity.Date
	var result sql.NullString
	err := tx.QueryRow(ctx, `SELECT verified_on, result FROM verifications WHERE instrument_id = ?
		ORDER BY verified_on DESC, id DESC LIMIT 1`, id).Scan(&last, &result)
	if err != nil && err != sql.ErrNoRows {
		return qcity.Internal(err)
	}
	var cycle int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(cycle_months, 12) FROM instruments WHERE id = ?`, id).Scan(&cycle); err != nil {
		return qcity.Internal(err)
	}
	next := NextDue(last, result.String, cycle)
	_, err = tx.Exec(ctx, `UPDATE instruments SET last_verified_on = ?, last_result = ?, next_due_on = ? WHERE id = ?`,
		last, result.String, next, id)
	return qcity.Internal(err)
}

// checkVerification: only a legal metrology institution authorised on the day may
// verify (计量法 Art. 20: compulsory verification by institutions of the metrology
// authority or those it authorises).
func checkVerification(c *Check) {
	r := c.Rec
	c.notFuture("verified_on")
	id, ok := r.Int("institution_id")
	day := r.Date("verified_on")
	if !ok || day.IsZero() || c.Failed("institution_id", "verified_on") {
		return
	}
	var n int
	err := c.Q.QueryRow(c.Ctx, `SELECT COUNT(*) FROM qualifications WHERE org_id = ? AND qualification = 'metrology_authorisation'
		AND issued_on <= ? AND valid_until >= ? AND (ended_on IS NULL OR ended_on > ?)`, id, day, day, day).Scan(&n)
	if err != nil {
		c.Fail("institution_id", "error.internal")
		return
	}
	if n == 0 {
		c.Fail("institution_id", "nqi.error.not_authorised", "date", day.String())
	}
}

func checkOfficer(c *Check) {
	c.dateOrder("appointed_on", "left_on")
	c.notFuture("appointed_on")
}

func checkTraining(c *Check) {
	c.notFuture("completed_on")
}

func checkIPEnterprise(c *Check) {
	checkYearNotFuture(c)
}

func checkYearNotFuture(c *Check) {
	if y, ok := c.Rec.Int("year"); ok && int(y) > c.Today.Year {
		c.Fail("year", "nqi.error.year_future")
	}
}

func checkLoan(c *Check) {
	r := c.Rec
	if a, b := r.Date("loan_on"), r.Date("due_on"); !a.IsZero() && !b.IsZero() && !b.After(a) && !c.Failed("loan_on", "due_on") {
		c.Fail("due_on", "nqi.error.date_order", "other", label("fund_loans", "loan_on"))
	}
	c.notFuture("loan_on")
	if amt, ok := r.Int("amount"); ok && amt == 0 {
		c.Fail("amount", "nqi.error.money_positive")
	}
	status := r.Str("status")
	defaulted := status == "defaulted" || status == "compensated"
	if defaulted {
		if r.Date("defaulted_on").IsZero() && !c.Failed("defaulted_on") {
			c.Fail("defaulted_on", "nqi.error.loan_default_required")
		}
		loss, ok := r.Int("loss")
		if !ok && !c.Failed("loss") {
			c.Fail("loss", "nqi.error.loan_default_required")
		}
		if amt, ok2 := r.Int("amount"); ok && ok2 && (loss == 0 || loss > amt) {
			c.Fail("loss", "nqi.error.loan_loss_range")
		}
		c.dateOrder("loan_on", "defaulted_on")
		c.notFuture("defaulted_on")
	} else {
		if !r.Date("defaulted_on").IsZero() {
			c.Fail("defaulted_on", "nqi.error.loan_not_defaulted")
		}
		if r.Values["loss"] != nil {
			c.Fail("loss", "nqi.error.loan_not_defaulted")
		}
		if c.Before != nil {
			var n int
			if err := c.Q.QueryRow(c.Ctx, `SELECT COUNT(*) FROM fund_compensations WHERE loan_id = ?`, c.Before.ID).Scan(&n); err == nil && n > 0 {
				c.Fail("status", "nqi.error.loan_has_compensations")
			}
		}
	}
	if d := r.Date("loan_on"); !d.IsZero() {
		r.Values["year"] = int64(d.Year)
	}
}

// CompensationCap is what the fund pays at most on a loan: coverage_pct percent of the
// loss, in fen, rounded down.
func CompensationCap(loss int64, pct int64) int64 { return loss * pct / 100 }

// checkCompensation: the fund pays only on a defaulted loan, after the default, and
// never more in all than its share of the loss.
func checkCompensation(c *Check) {
	r := c.Rec
	c.notFuture("paid_on")
	if amt, ok := r.Int("amount"); ok && amt == 0 {
		c.Fail("amount", "nqi.error.money_positive")
	}
	p := c.Parent
	if p == nil {
		return
	}
	if st := p.Str("status"); st != "defaulted" && st != "compensated" {
		c.Fail("loan_id", "nqi.error.loan_not_defaulted_pay")
		return
	}
	if d, paid := p.Date("defaulted_on"), r.Date("paid_on"); !d.IsZero() && !paid.IsZero() && paid.Before(d) {
		c.Fail("paid_on", "nqi.error.date_order", "other", label("fund_loans", "defaulted_on"))
	}
	amt, ok := r.Int("amount")
	if !ok {
		return
	}
	var others sql.NullInt64
	if err := c.Q.QueryRow(c.Ctx, `SELECT SUM(amount) FROM fund_compensations WHERE loan_id = ? AND id <> ?`,
		p.ID, beforeID(c)).Scan(&others); err != nil {
		c.Fail("amount", "error.internal")
		return
	}
	// Earlier rows of the same batch are not in the table yet.
	for _, x := range c.lk.batchPaid[p.ID] {
		others.Int64 += x
	}
	cp := CompensationCap(p.IntOr("loss", 0), p.IntOr("coverage_pct", 0))
	if others.Int64+amt > cp {
		c.Fail("amount", "nqi.error.compensation_cap", "cap", FormatYuan(cp), "paid", FormatYuan(others.Int64))
		return
	}
	if c.lk.batchPaid == nil {
		c.lk.batchPaid = map[int64][]int64{}
	}
	c.lk.batchPaid[p.ID] = append(c.lk.batchPaid[p.ID], amt)
}

func beforeID(c *Check) int64 {
	if c.Before != nil {
		return c.Before.ID
	}
	return 0
}

// markCompensated marks a defaulted loan compensated once the fund has paid on it.
func markCompensated(ctx context.Context, tx *db.Tx, s *Service, loanID int64) error {
	_, err := tx.Exec(ctx, `UPDATE fund_loans SET status = 'compensated' WHERE id = ? AND status = 'defaulted'
		AND EXISTS (SELECT 1 FROM fund_compensations c WHERE c.loan_id = fund_loans.id)`, loanID)
	return qcity.Internal(err)
}

func checkCampaign(c *Check) {
	checkCampaignLike(c)
}

// checkCampaignLike: a campaign or project runs from start to end, and its year is
// one of the years it runs in.
func checkCampaignLike(c *Check) {
	r := c.Rec
	c.dateOrder("start_on", "end_on")
	y, ok := r.Int("year")
	a, b := r.Date("start_on"), r.Date("end_on")
	if ok && !a.IsZero() && !b.IsZero() && !c.Failed("year", "start_on", "end_on") && (int(y) < a.Year || int(y) > b.Year) {
		c.Fail("year", "nqi.error.year_period")
	}
}

func checkInspection(c *Check) {
	r := c.Rec
	c.notFuture("inspected_on")
	if p := c.Parent; p != nil {
		if d := r.Date("inspected_on"); !d.IsZero() && (d.Before(p.Date("start_on")) || d.After(p.Date("end_on"))) {
			c.Fail("inspected_on", "nqi.error.inspection_period", "start", p.Date("start_on").String(), "end", p.Date("end_on").String())
		}
		if pr := p.Str("region_code"); c.Entity != nil && pr != c.S.Prefecture() && !strings.HasPrefix(c.Entity.Region, pr) {
			c.Fail("uscc", "nqi.error.inspection_region")
		}
	}
	problems, ok := r.Int("problems")
	outcome := r.Str("outcome")
	if ok && outcome != "" && !c.Failed("problems", "outcome") {
		if problems == 0 && outcome != "compliant" {
			c.Fail("outcome", "nqi.error.inspection_outcome_none")
		}
		if problems > 0 && outcome == "compliant" {
			c.Fail("outcome", "nqi.error.inspection_outcome_problems")
		}
	}
	if outcome == "rectified" && r.Date("rectified_on").IsZero() && !c.Failed("rectified_on") {
		c.Fail("rectified_on", "nqi.error.inspection_rectified_on")
	}
	if outcome != "rectified" && !r.Date("rectified_on").IsZero() {
		c.Fail("rectified_on", "nqi.error.inspection_not_rectified")
	}
	c.dateOrder("inspected_on", "rectified_on")
	c.notFuture("rectified_on")
}

// cateringDivision is GB/T 4754-2017 division 62, 餐饮业.
const cateringDivision = "62"

func checkKitchen(c *Check) {
	if c.Entity != nil && !strings.HasPrefix(c.Entity.Industry, cateringDivision) {
		c.Fail("uscc", "nqi.error.not_catering")
	}
	c.notFuture("implemented_on")
	c.dateOrder("implemented_on", "checked_on")
	c.notFuture("checked_on")
}

func checkActivity(c *Check) {
	if p := c.Parent; p != nil {
		if d := c.Rec.Date("held_on"); !d.IsZero() && int64(d.Year) != p.IntOr("year", 0) {
			c.Fail("held_on", "nqi.error.event_year", "year", p.IntOr("year", 0))
		}
	}
}
