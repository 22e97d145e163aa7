package credit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"qcity"
	"qcity/internal/workday"
)

// The pure rules of RULES.md §1–4: dates, terms and conditions, from plain values.
// Nothing here reads the database or the clock.

// ReportDeadline is the last day to file the report for year: 30 June of the next
// year (企业信息公示暂行条例 Art. 8).
func ReportDeadline(year int) qcity.Date { return qcity.NewDate(year+1, time.June, 30) }

// ReportWindowOpens is the first day the report for year may be filed: 1 January of
// the next year.
func ReportWindowOpens(year int) qcity.Date { return qcity.NewDate(year+1, time.January, 1) }

// LastClosedReportYear is the latest report year whose filing window had closed by d
// (the window closes at the end of 30 June).
func LastClosedReportYear(d qcity.Date) int {
	if d.Month >= time.July {
		return d.Year - 1
	}
	return d.Year - 2
}

// FiledLate reports whether a report for year filed on filed is a late filing (补报).
func FiledLate(year int, filed qcity.Date) bool { return filed.After(ReportDeadline(year)) }

// DueFacts are the facts that decide whether an entity owes a report.
type DueFacts struct {
	Type            string // registry entity type
	EstablishedOn   qcity.Date
	Status          string     // registry status now
	StatusChangedOn qcity.Date // when the status last changed; zero if unknown
}

// ReportDue reports whether the entity owes the report for year (应年报). qcity's
// working rule (RULES.md §1, the official denominator is UNCONFIRMED): every entity
// but a branch (分支机构, covered by its parent's report) that was established on or
// before 31 December of the year and still existed (存续) on that day. An entity that
// is no longer active counts only if it is known to have left after that day.
func ReportDue(f DueFacts, year int) bool {
	if f.Type == "branch" || f.EstablishedOn.IsZero() {
		return false
	}
	end := qcity.NewDate(year, time.December, 31)
	if f.EstablishedOn.After(end) {
		return false
	}
	return f.Status == "active" || !f.StatusChangedOn.IsZero() && f.StatusChangedOn.After(end)
}

// AbnormalProposalDecideBy is the day by which a listing for not filing the report for
// year must be decided: 10 working days after 30 June (经营异常名录管理办法 Art. 4(1)).
func AbnormalProposalDecideBy(cal *workday.Calendar, year int) qcity.Date {
	return cal.AddWorkingDays(ReportDeadline(year), 10)
}

// IndividualMarkPublicityEnds is the last day an individual business's abnormal mark
// for not filing is published: 30 June of the year after the listing year (个体工商户
// 年度报告办法 Art. 13: published from 1 July to the next 30 June).
func IndividualMarkPublicityEnds(markedOn qcity.Date) qcity.Date {
	y := markedOn.Year
	if markedOn.Month >= time.July {
		y++
	}
	return qcity.NewDate(y, time.June, 30)
}

// AbnormalRemovalDue is the day by which a removal must be decided: 5 working days
// after the application (经营异常名录管理办法 Arts. 11–14).
func AbnormalRemovalDue(cal *workday.Calendar, applied qcity.Date) qcity.Date {
	return cal.AddWorkingDays(applied, 5)
}

// ObjectionDeadline is the last day to object to an abnormal listing: 30 days after
// its publication (Art. 15).
func ObjectionDeadline(listedOn qcity.Date) qcity.Date { return listedOn.AddDays(30) }

// Objection deadlines: accept within 5 WD, verify within 20 WD of acceptance, correct
// within 5 WD of the finding (Art. 15).
func ObjectionAcceptBy(cal *workday.Calendar, filed qcity.Date) qcity.Date {
	return cal.AddWorkingDays(filed, 5)
}
func ObjectionVerifyBy(cal *workday.Calendar, accepted qcity.Date) qcity.Date {
	return cal.AddWorkingDays(accepted, 20)
}

// UnreachableLettersOK checks the proof of unreachability (Art. 9): two registered
// letters, unsigned, sent 15 to 30 days apart.
func UnreachableLettersOK(first, second qcity.Date) bool {
	if first.IsZero() || second.IsZero() {
		return false
	}
	gap := int(second.Time().Sub(first.Time()).Hours() / 24)
	return gap >= 15 && gap <= 30
}

// LegacyTransferFlag reports the legacy three-year flag (RULES.md §2): a record listed
// under the 2014 rules' regime (2016–2021) and still listed three years on. The 2014
// Art. 15 transfer to the serious list no longer exists; the flag only informs.
func LegacyTransferFlag(listedOn, on qcity.Date, stillListed bool) bool {
	if !stillListed || listedOn.Year < 2016 || listedOn.Year > 2021 {
		return false
	}
	return on.After(addYears(listedOn, 3))
}

// Periods in months and years run by the civil-law rule (民法典 Arts. 201–203): they
// start the day after the event and end on the corresponding day of the last month, or
// on that month's last day when it has no such day. addMonths(d, n) is that last day.
func addYears(d qcity.Date, n int) qcity.Date { return addMonths(d, 12*n) }
func addMonths(d qcity.Date, n int) qcity.Date {
	// The same day n months on, or the month's last day when it has no such day
	// (31 August + 6 months is 28/29 February).
	t := qcity.NewDate(d.Year, d.Month+time.Month(n), 1)
	last := qcity.NewDate(t.Year, t.Month+1, 0).Day
	return qcity.NewDate(t.Year, t.Month, min(d.Day, last))
}

// SeriousExpires is the last day of a serious-list listing: three years, or the end of
// a longer restriction (Order 44 Art. 21). The listing ends the day after.
func SeriousExpires(listedOn, restrictionUntil qcity.Date) qcity.Date {
	end := addYears(listedOn, 3)
	if restrictionUntil.After(end) {
		return restrictionUntil
	}
	return end
}

// SeriousEarlyRemovalFrom is the first day an early removal may be applied for: once
// a full year on the list has passed (Art. 16).
func SeriousEarlyRemovalFrom(listedOn qcity.Date) qcity.Date { return addYears(listedOn, 1).AddDays(1) }

// Early-removal deadlines (Arts. 17–18): accept within 2 WD of the application,
// decide within 15 WD of acceptance, stop publication within 3 WD of the decision.
// qcity uses the same limits for penalty-publicity repair (RULES.md §4, UNCONFIRMED).
const (
	RepairAcceptWD = 2
	RepairDecideWD = 15
	RepairStopWD   = 3
	// AbnormalRemovalWD: removal from the abnormal list within 5 WD.
	AbnormalRemovalWD = 5
	// AnnulWD: a listing or publication whose penalty is annulled is withdrawn within 3 WD.
	AnnulWD = 3
)

// Conditions are the four conditions of an early removal or early end of publicity.
type Conditions struct {
	PenaltyPerformed bool `json:"penalty_performed"` // 已履行行政处罚决定
	HarmRemoved      bool `json:"harm_removed"`      // 已主动消除危害后果和不良影响
	NoNewPenalty     bool `json:"no_new_penalty"`    // 未再受到（同类）较重/行政处罚
	NoRestriction    bool `json:"no_restriction"`    // 无仍在执行的法定限制 / 未列入名录名单
}

// Missing returns the locale keys of the unmet conditions.
func (c Conditions) Missing() []string {
	var out []string
	if !c.PenaltyPerformed {
		out = append(out, "credit.cond_penalty_performed")
	}
	if !c.HarmRemoved {
		out = append(out, "credit.cond_harm_removed")
	}
	if !c.NoNewPenalty {
		out = append(out, "credit.cond_no_new_penalty")
	}
	if !c.NoRestriction {
		out = append(out, "credit.cond_no_restriction")
	}
	return out
}

// PenaltyKind is one kind of administrative penalty (行政处罚种类).
type PenaltyKind string

const (
	PenaltyWarning            PenaltyKind = "warning"             // 警告
	PenaltyCriticism          PenaltyKind = "criticism"           // 通报批评
	PenaltyFine               PenaltyKind = "fine"                // 罚款
	PenaltyConfiscation       PenaltyKind = "confiscation"        // 没收违法所得、没收非法财物
	PenaltyPermitSuspended    PenaltyKind = "permit_suspended"    // 暂扣许可证件
	PenaltyDowngrade          PenaltyKind = "downgrade"           // 降低资质等级
	PenaltyPermitRevoked      PenaltyKind = "permit_revoked"      // 吊销许可证件
	PenaltyRestrictOperations PenaltyKind = "restrict_operations" // 限制开展生产经营活动
	PenaltySuspendProduction  PenaltyKind = "suspend_production"  // 责令停产停业
	PenaltyClose              PenaltyKind = "close"               // 责令关闭
	PenaltyRestrictPractice   PenaltyKind = "restrict_practice"   // 限制从业
	PenaltyLicenceRevoked     PenaltyKind = "licence_revoked"     // 吊销营业执照
)

// PenaltyKinds lists the kinds in the order of 行政处罚法 Art. 9.
var PenaltyKinds = []PenaltyKind{PenaltyWarning, PenaltyCriticism, PenaltyFine, PenaltyConfiscation,
	PenaltyPermitSuspended, PenaltyDowngrade, PenaltyPermitRevoked, PenaltyRestrictOperations,
	PenaltySuspendProduction, PenaltyClose, PenaltyRestrictPractice, PenaltyLicenceRevoked}

// notRepairable are the kinds whose publicity never ends early (Order 45 Art. 14).
var notRepairable = []PenaltyKind{PenaltySuspendProduction, PenaltyRestrictOperations, PenaltyRestrictPractice,
	PenaltyDowngrade, PenaltyPermitRevoked, PenaltyLicenceRevoked, PenaltyClose}

// heavier are the kinds that count as a heavier penalty (较重处罚, Order 44 Art. 2)
// whatever the amount.
var heavier = []PenaltyKind{PenaltyDowngrade, PenaltyPermitRevoked, PenaltyLicenceRevoked, PenaltyRestrictOperations,
	PenaltySuspendProduction, PenaltyClose, PenaltyRestrictPractice}

// Domain is the field a penalty was given in; food, drug and special-equipment
// penalties wait a year before an early end of publicity.
type Domain string

const (
	DomainFood             Domain = "food"
	DomainDrug             Domain = "drug"
	DomainSpecialEquipment Domain = "special_equipment"
	DomainQuality          Domain = "quality"
	DomainOther            Domain = "other"
)

// Domains lists the domains.
var Domains = []Domain{DomainFood, DomainDrug, DomainSpecialEquipment, DomainQuality, DomainOther}

// Thresholds are the province's "lower-amount fine" limits (较低数额罚款), in fen,
// per party: natural persons (qcity counts individual businesses here) and
// organisations. A fine at or below the limit is lower-amount ("以下" includes the
// amount itself). Guangdong's figures are UNCONFIRMED; the default is Hubei's.
type Thresholds struct {
	PersonFen int64 `json:"person_fen"`
	OrgFen    int64 `json:"org_fen"`
}

// DefaultThresholds are Hubei's: ¥10,000 for natural persons, ¥100,000 for organisations.
var DefaultThresholds = Thresholds{PersonFen: 10_000_00, OrgFen: 100_000_00}

// PenaltyFacts are the facts that decide a penalty's publicity.
type PenaltyFacts struct {
	Kinds            []PenaltyKind
	FineFen          int64
	NaturalPerson    bool
	Domain           Domain
	RestrictionUntil qcity.Date // end of a restriction longer than the term, if any
}

// Publicity is the outcome of the publicity rules for one penalty.
type Publicity struct {
	Published bool
	Term      string     // "3m" | "3y" | "restriction"
	EndsOn    qcity.Date // the last day published
	// EarlyEndFrom is the first day an early end may be applied for; zero when never.
	EarlyEndFrom qcity.Date
}

// PenaltyPublicity applies Order 45 Arts. 2, 9, 13, 14 and the repair 办法 Art. 6 to a
// penalty published on publishedOn: warnings alone are not published; criticism or
// a lower-amount fine alone is published 3 months; anything else 3 years, or the
// longer restriction.
func PenaltyPublicity(f PenaltyFacts, th Thresholds, publishedOn qcity.Date) Publicity {
	onlyWarning := len(f.Kinds) > 0
	light := len(f.Kinds) > 0
	for _, k := range f.Kinds {
		if k != PenaltyWarning {
			onlyWarning = false
		}
		switch k {
		case PenaltyWarning, PenaltyCriticism:
		case PenaltyFine:
			limit := th.OrgFen
			if f.NaturalPerson {
				limit = th.PersonFen
			}
			if f.FineFen > limit {
				light = false
			}
		default:
			light = false
		}
	}
	if onlyWarning {
		return Publicity{}
	}
	p := Publicity{Published: true}
	if light {
		p.Term, p.EndsOn = "3m", addMonths(publishedOn, 3)
	} else {
		p.Term, p.EndsOn = "3y", addYears(publishedOn, 3)
		if !f.RestrictionUntil.IsZero() && f.RestrictionUntil.After(p.EndsOn) {
			p.Term, p.EndsOn = "restriction", f.RestrictionUntil
		}
	}
	if Repairable(f.Kinds) {
		wait := 6
		if f.Domain == DomainFood || f.Domain == DomainDrug || f.Domain == DomainSpecialEquipment {
			wait = 12
		}
		if from := addMonths(publishedOn, wait).AddDays(1); !from.After(p.EndsOn) {
			p.EarlyEndFrom = from
		}
	}
	return p
}

// Repairable reports whether a penalty's publicity may end early at all.
func Repairable(kinds []PenaltyKind) bool {
	for _, k := range kinds {
		if slices.Contains(notRepairable, k) {
			return false
		}
	}
	return true
}

// Heavier reports whether the penalty is a heavier one (较重处罚) by its kinds alone.
// A fine can be heavier too (the upper part of the discretion range): officials say so
// when they record it.
func Heavier(kinds []PenaltyKind) bool {
	for _, k := range kinds {
		if slices.Contains(heavier, k) {
			return true
		}
	}
	return false
}

// ParseYuan parses an amount in yuan ("5000", "12,500.50", "¥3000") into fen.
func ParseYuan(s string) (int64, error) {
	s = strings.NewReplacer(",", "", "，", "", "¥", "", "￥", "", "元", "", " ", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0, nil
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || hasFrac && (len(frac) == 0 || len(frac) > 2) {
		return 0, fmt.Errorf("not an amount: %q", s)
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("not an amount: %q", s)
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	var f int64
	if hasFrac {
		f, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	return w*100 + f, nil
}

// FormatYuan renders fen as yuan with two decimals ("12500.50").
func FormatYuan(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

// Circumstance is a circumstance of Order 44 Arts. 5–11 that grounds a serious-list
// listing.
type Circumstance struct {
	Code    string // "5.1", "7.3", …: article and item
	Article int
}

// Circumstances are those of Order 44 Arts. 5–11, by code. Their texts are in the
// locale catalogue under "credit.circ_<code>".
var Circumstances = []string{
	"5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7", // food
	"6.1", "6.2", "6.3", // drugs, devices, cosmetics
	"7.1", "7.2", "7.3", "7.4", "7.5", "7.6", // quality, sampling, certification
	"8.1", "8.2", "8.3", // consumer rights
	"9.1", "9.2", "9.3", "9.4", // competition, IP, prices, pyramid selling, ads
	"10.1", "10.2", "10.3", // licensing, obstruction
	"11.1",  // refusing to perform a decision
	"ar.18", // 企业信息公示暂行条例 Art. 18: false annual-report information, serious (the legal representative is barred three years)
}

// CircumstanceFalseReport is the circumstance whose listing bars the legal
// representative from the same role elsewhere for three years.
const CircumstanceFalseReport = "ar.18"

// ValidCircumstance reports whether code is one of Circumstances.
func ValidCircumstance(code string) bool { return slices.Contains(Circumstances, code) }
