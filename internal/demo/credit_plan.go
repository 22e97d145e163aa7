package demo

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/workday"
)

// The credit plan: what LoadCredit will do, decided up front from the seed alone. It
// is data (reports to insert, exit dates to record, dated steps to take through the
// credit service), so the same seed, city and day give the same plan, and a test can
// compare two plans.

// firstReportYear is the first report year generated. The demo's history starts with
// the 2017 reports (filed in the first half of 2018) so that the rules engine's runs of
// 2019, whose last closed report year is 2017, find that year complete.
const firstReportYear = 2017

// firstRulesRun is the first day the rules engine runs: the first 1 July after
// firstReportYear's window closed. From 2019 it runs on the first of every month.
var firstRulesRun = qcity.NewDate(2018, time.July, 1)

// reportRates are the per-mille shares of the entities owing the 2019 report that file
// it by 30 June (on time, 自然年报率) and at all (with the late filings, 补报), by type.
// Individual businesses file less: they may file on paper and many are one-person
// shops. Rates rise by yearDriftOnTime and yearDriftFinal per-mille a year.
var reportRates = map[registry.EntityType][2]int{
	registry.TypeCompany:            {905, 972},
	registry.TypePartnership:        {880, 960},
	registry.TypeSoleProprietorship: {875, 958},
	registry.TypeFarmerCooperative:  {845, 935},
	registry.TypeIndividualBusiness: {862, 942},
}

const (
	yearDriftOnTime = 7
	yearDriftFinal  = 3
)

// countyReportDelta moves the rates of 湛江's counties (per-mille): the two urban
// districts file more, the rural counties of the peninsula less.
var countyReportDelta = map[string]int{
	"440802": 35, "440803": 32, "440804": -5, "440811": 8, "440823": -12,
	"440825": -28, "440881": -6, "440882": -30, "440883": -14,
}

// countyPostcodes are the postcodes of 湛江's counties' seats.
var countyPostcodes = map[string]string{
	"440802": "524033", "440803": "524002", "440804": "524057", "440811": "524094", "440823": "524300",
	"440825": "524100", "440881": "524400", "440882": "524200", "440883": "524500",
}

// penaltyPrefixes abbreviate the bureaus in decision numbers (湛霞市监罚〔2019〕37号).
var penaltyPrefixes = map[string]string{
	"440802": "湛赤", "440803": "湛霞", "440804": "湛坡", "440811": "湛麻", "440823": "遂",
	"440825": "徐", "440881": "廉", "440882": "雷", "440883": "吴",
}

// domainClasses are the GB/T 4754 code prefixes of the entities a domain's penalties
// fall on: food producers, food shops and restaurants; manufacturers and shops of
// goods; hotels, property managers (lifts), gas and warehouses (special equipment);
// pharmacies and medical suppliers.
var domainClasses = map[credit.Domain][]string{
	credit.DomainFood:             {"13", "14", "15", "62", "512", "521", "522"},
	credit.DomainQuality:          {"17", "18", "19", "2", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "40", "41", "51", "52"},
	credit.DomainSpecialEquipment: {"61", "70", "45", "59", "13"},
	credit.DomainDrug:             {"27", "515", "525", "84", "52"},
	credit.DomainOther:            {""},
}

// domainShares are the per-mille shares of penalties by domain: food and product
// quality lead, as in the bureaus' published decisions.
var domainShares = []struct {
	D     credit.Domain
	Share uint64
}{{credit.DomainFood, 380}, {credit.DomainQuality, 240}, {credit.DomainOther, 220}, {credit.DomainSpecialEquipment, 90},
	{credit.DomainDrug, 70}}

// Event kinds, in the order steps of one day are taken after the rules run.
type evKind uint8

const (
	evRules           evKind = iota // the rules engine's run of the day
	evConfirm                       // a county's listing proposals confirmed in bulk
	evList                          // an official lists for reasons 2–4
	evObject                        // an enterprise objects to a listing
	evDecideObjection               // an official accepts, upholds or rejects it
	evPenalty                       // a penalty decision recorded (and published)
	evAnnul                         // a penalty decision annulled
	evPropose                       // a serious-list proposal
	evSeriousStep                   // hearing, submit, approve, reject, relist
	evApply                         // a repair or removal application
	evDecide                        // an official's step on an application
	evCorrect                       // an enterprise corrects its report before 30 June
)

// creditEvent is one dated step of the plan. Keys name the records the steps create
// and act on; LoadCredit maps them to the IDs the service gives.
type creditEvent struct {
	On     qcity.Date
	Kind   evKind
	Seq    int
	Entity int32  // index in City.Entities, or -1
	County string // evConfirm: the county whose proposals are confirmed
	Year   int    // evConfirm: the report year
	Count  int    // evConfirm: how many the plan expects listed
	Key    string // the record created or acted on
	Target string // evApply: credit.Target…
	Repair string // evApply, evDecide: the application's key
	Step   string // evDecide, evDecideObjection, evSeriousStep
	Note   string
	Files  bool // evApply: upload a commitment letter and evidence
	List   *credit.ListInput
	Pen    *credit.PenaltyInput
	Ser    *credit.SeriousInput
}

// plannedReport is an annual report to insert; its contents derive from the seed, the
// entity and the year (reportContent).
type plannedReport struct {
	Entity  int32
	Year    int
	FiledOn qcity.Date
	Paper   bool // an individual business's paper filing, entered by its county bureau
	Publish bool
}

// plannedExit is the day an entity that is no longer active left the register.
type plannedExit struct {
	Entity int32
	On     qcity.Date
}

// creditPlan is everything LoadCredit does, in order.
type creditPlan struct {
	Exits   []plannedExit   // by entity
	Reports []plannedReport // by filing day
	Events  []creditEvent   // by day, then rules run first, then in planning order
}

// span is an interval of days an entity is on a list: [From, To), To zero if open.
type span struct{ From, To qcity.Date }

type creditPlanner struct {
	r      *rand.Rand
	seed   uint64
	city   *City
	j      *region.Jurisdiction
	cal    *workday.Calendar
	today  qcity.Date
	scale  float64 // entities / DefaultEntities
	data   *sourceData
	exit   []qcity.Date
	county []string
	filed  map[uint64]qcity.Date // due reports: entity<<16 | year → filing day (zero: not filed)
	listed map[int32][]span      // days on any list, for the repair conditions
	used   map[int32]bool        // entities with a penalty
	events []creditEvent
	plan   creditPlan
	// lastYear is the last closed report year; openYear the year whose window is open
	// today (0 in the second half of the year).
	lastYear, openYear int
}

func reportKey(i int32, year int) uint64 { return uint64(i)<<16 | uint64(year) }

// planCredit plans the credit history of the city up to today. It is pure.
func planCredit(seed uint64, city *City, j *region.Jurisdiction, cal *workday.Calendar, today qcity.Date) (*creditPlan, error) {
	d, err := loadData()
	if err != nil {
		return nil, err
	}
	p := &creditPlanner{r: rand.New(rand.NewPCG(seed, 0x63726564_69742e31)), seed: seed, city: city, j: j, cal: cal,
		today: today, data: d, filed: map[uint64]qcity.Date{}, listed: map[int32][]span{}, used: map[int32]bool{},
		scale: float64(len(city.Entities)) / DefaultEntities}
	p.lastYear = credit.LastClosedReportYear(today)
	if !credit.ReportWindowOpens(p.lastYear + 1).After(today) {
		p.openYear = p.lastYear + 1
	}
	p.exit = make([]qcity.Date, len(city.Entities))
	p.county = make([]string, len(city.Entities))
	for i, e := range city.Entities {
		p.county[i] = e.Region[:min(6, len(e.Region))]
	}
	p.planExits()
	pens := p.planPenalties()
	p.planReports()
	p.planAbnormal()
	p.planPenaltyEvents(pens)
	p.planCorrections()
	p.planRulesRuns()
	slices.SortStableFunc(p.events, func(a, b creditEvent) int {
		if c := int(dayNumber(a.On) - dayNumber(b.On)); c != 0 {
			return c
		}
		if (a.Kind == evRules) != (b.Kind == evRules) {
			if a.Kind == evRules {
				return -1
			}
			return 1
		}
		return a.Seq - b.Seq
	})
	// Steps after today have not happened yet.
	for i, ev := range p.events {
		if ev.On.After(today) {
			p.events = p.events[:i]
			break
		}
	}
	p.plan.Events = p.events
	slices.SortStableFunc(p.plan.Reports, func(a, b plannedReport) int {
		if c := int(dayNumber(a.FiledOn) - dayNumber(b.FiledOn)); c != 0 {
			return c
		}
		if a.Entity != b.Entity {
			return int(a.Entity - b.Entity)
		}
		return a.Year - b.Year
	})
	for i, d := range p.exit {
		if !d.IsZero() {
			p.plan.Exits = append(p.plan.Exits, plannedExit{int32(i), d})
		}
	}
	return &p.plan, nil
}

// add appends an event and returns its day.
func (p *creditPlanner) add(ev creditEvent) qcity.Date {
	ev.Seq = len(p.events)
	p.events = append(p.events, ev)
	return ev.On
}

// entityRand is the random source of one entity's reports, so its filings do not
// depend on the order the entities are planned in.
func (p *creditPlanner) entityRand(i int32, salt uint64) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(p.city.Entities[i].USCC))
	return rand.New(rand.NewPCG(p.seed^h.Sum64(), salt))
}

// between draws a day in [lo, hi].
func between(r *rand.Rand, lo, hi qcity.Date) qcity.Date {
	n := int(dayNumber(hi) - dayNumber(lo))
	if n <= 0 {
		return lo
	}
	return lo.AddDays(r.IntN(n + 1))
}

// workdayOnOrAfter returns d or the next working day.
func (p *creditPlanner) workdayOnOrAfter(d qcity.Date) qcity.Date {
	for !p.cal.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

func (p *creditPlanner) wd(from qcity.Date, lo, hi int) qcity.Date {
	return p.cal.AddWorkingDays(from, lo+p.r.IntN(hi-lo+1))
}

// scaled returns n × the city's size relative to the default, at least least.
func (p *creditPlanner) scaled(n, least int) int {
	return max(least, int(float64(n)*p.scale+0.5))
}

// activeOn reports whether entity i existed on d: established at least a couple of
// months before and not yet gone (an inactive entity whose exit day is unknown never
// counts).
func (p *creditPlanner) activeOn(i int32, d qcity.Date) bool {
	e := &p.city.Entities[i]
	if !e.EstablishedOn.Before(d.AddDays(-60)) {
		return false
	}
	if e.Status == registry.StatusActive {
		return true
	}
	return !p.exit[i].IsZero() && p.exit[i].After(d.AddDays(60))
}

// planExits gives about two thirds of the entities that are no longer active the day
// they left (status_changed_on); the others keep it unknown, as records migrated from
// older systems do, so the annual-report denominator rule meets both cases.
func (p *creditPlanner) planExits() {
	floor := qcity.NewDate(2015, time.January, 1)
	hi := p.today.AddDays(-20)
	for i := range p.city.Entities {
		e := &p.city.Entities[i]
		if e.Status == registry.StatusActive || p.r.IntN(100) >= 67 {
			continue
		}
		lo := e.EstablishedOn.AddDays(180)
		if lo.Before(floor) {
			lo = floor
		}
		if lo.After(hi) {
			continue
		}
		d := between(p.r, lo, hi)
		if d.Month == time.January && d.Day <= 10 {
			d = d.AddDays(12) // not in the first days of a report window
		}
		if d.After(hi) {
			d = hi
		}
		p.exit[i] = d
	}
}

// rates returns the on-time and final per-mille rates of an entity's report for year.
func (p *creditPlanner) rates(i int32, year int) (int, int) {
	e := &p.city.Entities[i]
	r, ok := reportRates[e.Type]
	if !ok {
		r = reportRates[registry.TypeCompany]
	}
	delta := countyReportDelta[p.county[i]]
	on := r[0] + delta + (year-2019)*yearDriftOnTime
	fin := r[1] + delta/2 + (year-2019)*yearDriftFinal
	return min(on, 975), min(max(fin, on+10), 992)
}

// planReports decides every due report: filed on time, late, or not at all, and when.
func (p *creditPlanner) planReports() {
	last := p.lastYear
	if p.openYear != 0 {
		last = p.openYear
	}
	for i := range p.city.Entities {
		e := &p.city.Entities[i]
		if e.Type == registry.TypeBranch {
			continue
		}
		idx := int32(i)
		r := p.entityRand(idx, 1)
		u := r.IntN(1000) // the entity's habit: high values file late or never
		facts := credit.DueFacts{Type: string(e.Type), EstablishedOn: e.EstablishedOn, Status: string(e.Status), StatusChangedOn: p.exit[i]}
		paperHabit := r.IntN(100)
		privateHabit := r.IntN(100)
		for year := firstReportYear; year <= last; year++ {
			if !credit.ReportDue(facts, year) {
				continue
			}
			x := u
			if r.IntN(100) >= 75 {
				x = r.IntN(1000)
			}
			onTime, final := p.rates(idx, year)
			opens, deadline := credit.ReportWindowOpens(year), credit.ReportDeadline(year)
			var filed qcity.Date
			ex := p.exit[i]
			switch {
			case !ex.IsZero() && !ex.After(deadline.AddDays(60)):
				// Leaving the register soon: the report is filed before, on time.
				hi := ex.AddDays(-1)
				if hi.After(deadline) {
					hi = deadline
				}
				filed = between(r, opens, hi)
			case x < onTime:
				filed = onTimeDay(r, year)
			case x < final:
				filed = lateDay(r, year)
			}
			if !filed.IsZero() && (filed.After(p.today) || !ex.IsZero() && !filed.Before(ex)) {
				filed = qcity.Date{}
			}
			if year == p.openYear && filed.IsZero() {
				continue // not due yet: the window is still open
			}
			p.filed[reportKey(idx, year)] = filed
			if filed.IsZero() {
				continue
			}
			rep := plannedReport{Entity: idx, Year: year, FiledOn: filed, Publish: true}
			if e.Type == registry.TypeIndividualBusiness {
				rep.Paper = paperHabit < max(6, 30-3*(year-firstReportYear))
				rep.Publish = privateHabit >= 12
			}
			p.plan.Reports = append(p.plan.Reports, rep)
		}
	}
}

// onTimeDay draws the day of an on-time filing: few in the first months, most in May
// and June, and the last fortnight of June busiest; weekends are quieter.
func onTimeDay(r *rand.Rand, year int) qcity.Date {
	weights := []int{4, 4, 11, 15, 22, 44}
	n := r.IntN(100)
	m := 0
	for n >= weights[m] {
		n -= weights[m]
		m++
	}
	days := qcity.NewDate(year+1, time.Month(m+2), 0).Day
	day := 1 + r.IntN(days)
	if m == 5 && r.IntN(2) == 0 {
		day = 16 + r.IntN(15)
	}
	d := qcity.NewDate(year+1, time.Month(m+1), day)
	if wd := d.Weekday(); (wd == time.Saturday || wd == time.Sunday) && r.IntN(5) < 3 {
		back := 1
		if wd == time.Sunday {
			back = 2
		}
		if d.Day > back {
			d = d.AddDays(-back)
		}
	}
	return d
}

// lateDay draws the day of a late filing (补报): a rush in the weeks after the listing
// notice, then a long tail into the next year.
func lateDay(r *rand.Rand, year int) qcity.Date {
	jun30 := credit.ReportDeadline(year)
	var off int
	switch n := r.IntN(100); {
	case n < 25:
		off = 1 + r.IntN(12)
	case n < 65:
		off = 12 + r.IntN(64)
	case n < 90:
		off = 75 + r.IntN(106)
	default:
		off = 180 + r.IntN(241)
	}
	return jun30.AddDays(off)
}

// onList records that entity i is on a list during [from, to).
func (p *creditPlanner) onList(i int32, from, to qcity.Date) {
	p.listed[i] = append(p.listed[i], span{from, to})
}

// clean reports whether entity i is on no list on any day of [from, to].
func (p *creditPlanner) clean(i int32, from, to qcity.Date) bool {
	for _, s := range p.listed[i] {
		if !s.From.After(to) && (s.To.IsZero() || s.To.After(from)) {
			return false
		}
	}
	return true
}

// planAbnormal plans the abnormal list: the bulk listing of each year's non-filers,
// removals after a late filing, objections, and listings for the other reasons.
func (p *creditPlanner) planAbnormal() {
	counties := make([]string, 0, len(p.j.Counties))
	for _, c := range p.j.Counties {
		counties = append(counties, c.Code)
	}
	type listing struct {
		i      int32
		filed  qcity.Date
		listed qcity.Date
	}
	unreachable := map[int32]bool{}
	nUnreachable := 0
	prevNever := map[int32]bool{} // listed for the previous year and never filed it
	for year := firstReportYear; year <= p.lastYear; year++ {
		run := credit.ReportDeadline(year).AddDays(1)
		if run.Before(firstRulesRun) || run.After(p.today) {
			continue
		}
		confirm := map[string]qcity.Date{}
		for _, c := range counties {
			// Decided within 10 working days of 30 June (Order 68 Art. 4): here 2 to 7.
			confirm[c] = p.cal.AddWorkingDays(credit.ReportDeadline(year), 2+p.r.IntN(6))
		}
		var listed []listing
		count := map[string]int{}
		for i := range p.city.Entities {
			idx := int32(i)
			filed, due := p.filed[reportKey(idx, year)]
			if !due {
				continue
			}
			c := confirm[p.county[i]]
			if !filed.IsZero() && !filed.After(c) {
				continue
			}
			if c.After(p.today) {
				continue
			}
			listed = append(listed, listing{idx, filed, c})
			count[p.county[i]]++
		}
		for _, c := range counties {
			if d := confirm[c]; !d.After(p.today) && count[c] > 0 {
				p.add(creditEvent{On: d, Kind: evConfirm, Entity: -1, County: c, Year: year, Count: count[c]})
			}
		}
		// Objections: a few rejected, fewer upheld (the listing revoked).
		objecting := map[int32]qcity.Date{} // entity → day the objection was decided
		upheld := map[int32]bool{}
		nReject, nUphold := max(1, len(listed)/600), max(1, len(listed)/1200)
		for _, k := range p.r.Perm(len(listed)) {
			if nReject+nUphold == 0 {
				break
			}
			l := listed[k]
			e := &p.city.Entities[l.i]
			if e.Type == registry.TypeIndividualBusiness || !p.activeOn(l.i, l.listed.AddDays(120)) {
				continue
			}
			on := l.listed.AddDays(2 + p.r.IntN(25))
			accept := p.wd(on, 1, 4)
			decided := p.wd(accept, 3, 15)
			if decided.After(p.today) {
				continue
			}
			key := annualKey(l.i, year)
			uphold := nUphold > 0 && (nReject == 0 || p.r.IntN(2) == 0)
			text := objectionRejected
			if uphold {
				text = objectionUpheld
				nUphold--
			} else {
				nReject--
			}
			p.add(creditEvent{On: on, Kind: evObject, Entity: l.i, Key: key, Note: text})
			p.add(creditEvent{On: accept, Kind: evDecideObjection, Entity: l.i, Key: key, Step: "accept"})
			if uphold {
				p.add(creditEvent{On: decided, Kind: evDecideObjection, Entity: l.i, Key: key, Step: "uphold", Note: noteObjectionUphold})
				upheld[l.i] = true
				// The report it says it sent is entered now, before the objection.
				f := on.AddDays(-1 - p.r.IntN(2))
				if f.After(l.listed) {
					p.setFiled(l.i, year, f)
					listed[k].filed = f
				}
			} else {
				p.add(creditEvent{On: decided, Kind: evDecideObjection, Entity: l.i, Key: key, Step: "reject", Note: noteObjectionReject})
			}
			objecting[l.i] = decided
		}
		// Removal after a late filing: most enterprises apply; few individual businesses
		// bother (their mark stops being published after a year anyway).
		never := map[int32]bool{}
		for _, l := range listed {
			e := &p.city.Entities[l.i]
			key := annualKey(l.i, year)
			if l.filed.IsZero() {
				never[l.i] = true
				p.onList(l.i, l.listed, qcity.Date{})
				continue
			}
			if upheld[l.i] {
				p.onList(l.i, l.listed, objecting[l.i])
				continue
			}
			apply := p.workdayOnOrAfter(l.filed.AddDays(p.r.IntN(10)))
			if d, ok := objecting[l.i]; ok && !apply.After(d) {
				apply = p.workdayOnOrAfter(d.AddDays(1 + p.r.IntN(5)))
			}
			share := 60
			if e.Type == registry.TypeIndividualBusiness {
				share = 12
			}
			if p.r.IntN(100) >= share || apply.After(p.today) || !p.exit[l.i].IsZero() && !apply.Before(p.exit[l.i]) {
				p.onList(l.i, l.listed, qcity.Date{})
				continue
			}
			rk := "r/" + key
			p.add(creditEvent{On: apply, Kind: evApply, Entity: l.i, Key: key, Target: credit.TargetAbnormal, Repair: rk,
				Note: fmt.Sprintf(stmtAbnormalReport, year)})
			removed := p.wd(apply, 1, 4) // within 5 working days
			p.add(creditEvent{On: removed, Kind: evDecide, Entity: l.i, Repair: rk, Step: credit.DecisionApprove, Note: noteApproveAbnormal})
			p.onList(l.i, l.listed, removed)
		}
		// Unreachable (reason 4): a few enterprises that stopped filing are found gone
		// from their registered address, mostly those listed two years running.
		want := p.scaled(3, 1)
		for pass := 0; pass < 2 && want > 0; pass++ {
			for _, k := range p.r.Perm(len(listed)) {
				l := listed[k]
				e := &p.city.Entities[l.i]
				if want == 0 || !never[l.i] || unreachable[l.i] || e.Type == registry.TypeIndividualBusiness ||
					e.Status != registry.StatusActive || pass == 0 && !prevNever[l.i] {
					continue
				}
				letter1 := p.workdayOnOrAfter(l.listed.AddDays(20 + p.r.IntN(60)))
				letter2 := p.workdayOnOrAfter(letter1.AddDays(15 + p.r.IntN(10)))
				if !credit.UnreachableLettersOK(letter1, letter2) {
					continue
				}
				confirmed := p.workdayOnOrAfter(letter2.AddDays(3 + p.r.IntN(8)))
				on := p.wd(confirmed, 1, 5)
				if on.After(p.today) {
					continue
				}
				unreachable[l.i] = true
				want--
				key := fmt.Sprintf("a/%d/%s", l.i, credit.ReasonUnreachable)
				p.add(creditEvent{On: on, Kind: evList, Entity: l.i, Key: key, List: &credit.ListInput{USCC: e.USCC,
					Reason: credit.ReasonUnreachable, Facts: credit.AbnormalFacts{Letter1On: letter1, Letter2On: letter2,
						ConfirmedOn: confirmed, Note: noteUnreachableFacts}}})
				// One in four is found again: it registers a new address and applies.
				if nUnreachable++; nUnreachable%4 == 2 {
					apply := p.workdayOnOrAfter(on.AddDays(60 + p.r.IntN(300)))
					if !apply.After(p.today) {
						rk := "r/" + key
						p.add(creditEvent{On: apply, Kind: evApply, Entity: l.i, Key: key, Target: credit.TargetAbnormal,
							Repair: rk, Note: stmtAbnormalAddress, Files: true})
						removed := p.wd(apply, 1, 4)
						p.add(creditEvent{On: removed, Kind: evDecide, Entity: l.i, Repair: rk, Step: credit.DecisionApprove,
							Note: noteApproveAddress})
						p.onList(l.i, on, removed)
						continue
					}
				}
				p.onList(l.i, on, qcity.Date{})
			}
		}
		prevNever = never
	}
	p.planAdhoc()
}

func annualKey(i int32, year int) string { return fmt.Sprintf("a/%d/%d", i, year) }

// setFiled moves a planned report's filing day.
func (p *creditPlanner) setFiled(i int32, year int, d qcity.Date) {
	old := p.filed[reportKey(i, year)]
	p.filed[reportKey(i, year)] = d
	for k := range p.plan.Reports {
		if r := &p.plan.Reports[k]; r.Entity == i && r.Year == year {
			r.FiledOn = d
			return
		}
	}
	if old.IsZero() {
		p.plan.Reports = append(p.plan.Reports, plannedReport{Entity: i, Year: year, FiledOn: d, Publish: true})
	}
}

// planAdhoc plans listings for ad-hoc information not published by the ordered
// deadline (reason 2) each year, most removed once published, and one for a name
// change not registered (reason 3).
func (p *creditPlanner) planAdhoc() {
	var companies []int32
	for i := range p.city.Entities {
		if p.city.Entities[i].Type == registry.TypeCompany {
			companies = append(companies, int32(i))
		}
	}
	if len(companies) == 0 {
		return
	}
	used := map[int32]bool{}
	n := 0
	for year := 2018; year <= p.today.Year; year++ {
		for range p.scaled(4, 1) {
			i := companies[p.r.IntN(len(companies))]
			ordered := p.workdayOnOrAfter(between(p.r, qcity.NewDate(year, 1, 5), qcity.NewDate(year, 12, 10)))
			due := ordered.AddDays(10 + p.r.IntN(6))
			on := p.wd(due, 1, 8)
			if used[i] || on.After(p.today) || !p.activeOn(i, on.AddDays(200)) {
				continue
			}
			used[i] = true
			e := &p.city.Entities[i]
			key := fmt.Sprintf("a/%d/%s", i, credit.ReasonAdhocInfo)
			p.add(creditEvent{On: on, Kind: evList, Entity: i, Key: key, List: &credit.ListInput{USCC: e.USCC,
				Reason: credit.ReasonAdhocInfo, Facts: credit.AbnormalFacts{OrderedOn: ordered, OrderDue: due, Note: noteAdhocFacts}}})
			if n++; n%5 != 0 && n%5 != 3 { // three in five publish and apply
				apply := p.workdayOnOrAfter(on.AddDays(10 + p.r.IntN(110)))
				if !apply.After(p.today) {
					rk := "r/" + key
					p.add(creditEvent{On: apply, Kind: evApply, Entity: i, Key: key, Target: credit.TargetAbnormal, Repair: rk,
						Note: stmtAbnormalAdhoc, Files: true})
					removed := p.wd(apply, 1, 4)
					p.add(creditEvent{On: removed, Kind: evDecide, Entity: i, Repair: rk, Step: credit.DecisionApprove, Note: noteApproveAdhoc})
					p.onList(i, on, removed)
					continue
				}
			}
			p.onList(i, on, qcity.Date{})
		}
	}
	for range 20 {
		i := companies[p.r.IntN(len(companies))]
		on := p.workdayOnOrAfter(between(p.r, qcity.NewDate(2021, 3, 1), p.today.AddDays(-30)))
		if used[i] || on.After(p.today) || !p.activeOn(i, on) {
			continue
		}
		key := fmt.Sprintf("a/%d/%s", i, credit.ReasonNameChange)
		p.add(creditEvent{On: on, Kind: evList, Entity: i, Key: key, List: &credit.ListInput{USCC: p.city.Entities[i].USCC,
			Reason: credit.ReasonNameChange, Facts: credit.AbnormalFacts{Note: noteNameChangeFacts}}})
		p.onList(i, on, qcity.Date{})
		break
	}
}

// planRulesRuns runs the engine on 1 July 2018 and on the first of every month from
// January 2019 (every 1 January and 1 July among them), up to today.
func (p *creditPlanner) planRulesRuns() {
	for d := firstRulesRun; !d.After(p.today); {
		p.add(creditEvent{On: d, Kind: evRules, Entity: -1})
		if d.Year < 2019 {
			d = qcity.NewDate(2019, time.January, 1)
		} else {
			d = qcity.NewDate(d.Year, d.Month+1, 1)
		}
	}
}

// Penalty plans.

// penaltyPlan is a decision to record and what follows it.
type penaltyPlan struct {
	Key      string
	Entity   int32
	Decided  qcity.Date
	Publish  qcity.Date // the day it is recorded (and published)
	In       credit.PenaltyInput
	Viol     violation
	Serious  int // serious-list role, -1 for none
	Annul    bool
	Repair   bool // apply for an early end of publicity
	RejectIt bool // … and be refused
}

// Serious-list roles: the first cases take these paths, so that a small city still
// shows each; the rest take the common paths (listed, then expired or removed early).
const (
	serRejected   = iota // the city does not approve
	serRevoked           // its penalty is annulled: the listing is revoked
	serRemoved           // removed early after a year
	serRelisted          // removed early, then relisted: the removal was obtained by fraud
	serPending           // recent: still under way
	serRestricted        // a longer restriction: listed until it ends
	serCommon
)

// pool returns the entities a domain's penalties fall on.
func (p *creditPlanner) pool(d credit.Domain) []int32 {
	var out []int32
	for i := range p.city.Entities {
		code := p.city.Entities[i].Industry
		for _, pre := range domainClasses[d] {
			if strings.HasPrefix(code, pre) {
				out = append(out, int32(i))
				break
			}
		}
	}
	return out
}

// pickEntity draws an entity of pool active around d without a penalty yet; any active
// entity if the pool has none.
func (p *creditPlanner) pickEntity(pool []int32, d qcity.Date, revoked bool) (int32, bool) {
	for try := range 400 {
		list := pool
		if try >= 200 || len(list) == 0 {
			list = nil
			for i := range p.city.Entities {
				list = append(list, int32(i))
			}
		}
		i := list[p.r.IntN(len(list))]
		e := &p.city.Entities[i]
		if p.used[i] || e.Type == registry.TypeBranch && try < 300 {
			continue
		}
		if revoked {
			if e.Status == registry.StatusRevoked && e.EstablishedOn.Before(d.AddDays(-400)) && (p.exit[i].IsZero() || p.exit[i].After(d)) {
				p.used[i] = true
				return i, true
			}
			continue
		}
		if p.activeOn(i, d) && p.activeOn(i, d.AddDays(400)) {
			p.used[i] = true
			return i, true
		}
	}
	return 0, false
}

// roundFine rounds yuan to a plausible figure: hundreds below ¥10,000, thousands above.
func roundFine(y int64) int64 {
	switch {
	case y < 10000:
		return y / 500 * 500
	case y < 100000:
		return y / 1000 * 1000
	}
	return y / 10000 * 10000
}

// planPenalties decides the penalty decisions, their entities and kinds. Exits for
// business-licence revocations are set here, so the reports that follow know them.
func (p *creditPlanner) planPenalties() []*penaltyPlan {
	n := p.scaled(300, 40)
	nSer := p.scaled(30, 10)
	var domains weighted[credit.Domain]
	for _, d := range domainShares {
		domains.add(d.D, d.Share)
	}
	pools := map[credit.Domain][]int32{}
	for _, d := range credit.Domains {
		pools[d] = p.pool(d)
	}
	start, end := qcity.NewDate(2018, time.January, 10), p.today.AddDays(-5)
	spanDays := int(dayNumber(end) - dayNumber(start))
	if spanDays < 30 {
		return nil
	}
	var out []*penaltyPlan
	for k := range n + nSer {
		pp := &penaltyPlan{Key: fmt.Sprintf("p/%d", k), Serious: -1}
		serious := k >= n
		role := serCommon
		// Stratified over the years, enforcement a little heavier recently.
		frac := (float64(k) + p.r.Float64()) / float64(n)
		if serious {
			role = min(k-n, serCommon)
			pp.Serious = role
			// The common cases spread over the whole period (the oldest expire).
			frac = (float64(k-n-serCommon) + p.r.Float64()) / float64(max(1, nSer-serCommon))
			if role != serCommon {
				frac = p.r.Float64()
			}
		}
		frac = math.Pow(frac, 0.85)
		decided := start.AddDays(int(frac * float64(spanDays)))
		switch role {
		case serRemoved:
			decided = between(p.r, start, p.today.AddDays(-600))
		case serRelisted: // relisted a year and a half on, and listed still
			decided = between(p.r, p.today.AddDays(-1500), p.today.AddDays(-700))
		case serPending:
			decided = p.today.AddDays(-8 - p.r.IntN(10))
		case serRejected, serRevoked:
			decided = between(p.r, start, p.today.AddDays(-200))
		}
		if decided.Before(start) {
			decided = start
		}
		decided = p.workdayOnOrAfter(decided)
		pp.Decided = decided
		pp.Publish = p.wd(decided, 1, 12) // published within 20 working days
		if pp.Publish.After(p.today) {
			pp.Publish = p.today
		}
		d := domains.pick(p.r)
		kindRoll := p.r.IntN(100)
		revokeLicence := !serious && kindRoll >= 99
		vs := violationsOf(d, serious)
		if len(vs) == 0 {
			d = credit.DomainQuality
			vs = violationsOf(d, serious)
		}
		v := vs[p.r.IntN(len(vs))]
		if role == serRestricted {
			v = violationsOf(credit.DomainOther, true)[0]
			for _, x := range violations {
				if x.Circ == "8.1" {
					v = x
				}
			}
			d = v.Domain
		}
		i, ok := p.pickEntity(pools[d], decided, revokeLicence)
		if !ok {
			if i, ok = p.pickEntity(pools[d], decided, false); !ok {
				continue
			}
			revokeLicence = false
		}
		pp.Entity, pp.Viol = i, v
		e := &p.city.Entities[i]
		natural := e.Type == registry.TypeIndividualBusiness
		in := credit.PenaltyInput{USCC: e.USCC, DecidedOn: decided, Domain: string(d), Violation: v.Text, Basis: v.Basis}
		var fine, conf int64
		var kinds []credit.PenaltyKind
		switch {
		case serious:
			fine = roundFine(100000 + p.r.Int64N(400001))
			conf = roundFine(20000 + p.r.Int64N(200000))
			kinds = []credit.PenaltyKind{credit.PenaltyFine, credit.PenaltyConfiscation}
			in.Heavier = true
			switch {
			case role == serRestricted:
				kinds = append(kinds, credit.PenaltyRestrictOperations)
				in.RestrictionUntil = qcity.NewDate(decided.Year+4, decided.Month, decided.Day) // longer than the 3-year term
			case d == credit.DomainFood || d == credit.DomainDrug:
				if p.r.IntN(2) == 0 {
					kinds = append(kinds, credit.PenaltyPermitRevoked)
				}
			case p.r.IntN(3) == 0:
				kinds = append(kinds, credit.PenaltySuspendProduction)
			}
		case revokeLicence:
			fine = roundFine(20000 + p.r.Int64N(80000))
			kinds = []credit.PenaltyKind{credit.PenaltyFine, credit.PenaltyLicenceRevoked}
			p.exit[i] = decided // the register records the revocation on the decision day
		case kindRoll < 8:
			kinds = []credit.PenaltyKind{credit.PenaltyWarning} // not published
		case kindRoll < 45:
			limit := int64(100000)
			if natural {
				limit = 10000
			}
			fine = roundFine(2000 + p.r.Int64N(limit-1999))
			kinds = []credit.PenaltyKind{credit.PenaltyFine}
			if p.r.IntN(3) == 0 {
				kinds = append(kinds, credit.PenaltyWarning)
			}
		case kindRoll < 82:
			fine = roundFine(3000 + p.r.Int64N(97000))
			conf = int64(200 + p.r.IntN(30000))
			kinds = []credit.PenaltyKind{credit.PenaltyFine, credit.PenaltyConfiscation}
		case kindRoll < 93:
			fine = roundFine(100000 + p.r.Int64N(400001))
			kinds = []credit.PenaltyKind{credit.PenaltyFine, credit.PenaltyConfiscation}
			conf = int64(5000 + p.r.IntN(100000))
			in.Heavier = fine >= 300000
		case kindRoll < 96:
			fine = roundFine(10000 + p.r.Int64N(90000))
			kinds = []credit.PenaltyKind{credit.PenaltyFine, credit.PenaltyPermitSuspended}
		default:
			fine = roundFine(50000 + p.r.Int64N(150000))
			kinds = []credit.PenaltyKind{credit.PenaltyFine, credit.PenaltySuspendProduction}
		}
		if fine > 0 {
			in.Fine = fmt.Sprint(fine)
		}
		if conf > 0 {
			in.Confiscated = fmt.Sprint(conf)
		}
		for _, k := range kinds {
			in.Kinds = append(in.Kinds, string(k))
		}
		pp.In = in
		out = append(out, pp)
	}
	// Decision numbers: each bureau numbers its decisions of a year in order; the demo
	// holds a few of them, so the numbers run with gaps.
	slices.SortStableFunc(out, func(a, b *penaltyPlan) int { return int(dayNumber(a.Decided) - dayNumber(b.Decided)) })
	seq := map[string]int{}
	for _, pp := range out {
		c := p.county[pp.Entity]
		k := fmt.Sprintf("%s/%d", c, pp.Decided.Year)
		if seq[k] == 0 {
			seq[k] = p.r.IntN(20)
		}
		seq[k] += 1 + p.r.IntN(30)
		pp.In.DecisionNo = fmt.Sprintf("%s市监罚〔%d〕%d号", p.bureauPrefix(c), pp.Decided.Year, seq[k])
	}
	return out
}

// bureauPrefix abbreviates a county's bureau: 湛霞 for 霞山区 of 湛江, 遂 for 遂溪县.
func (p *creditPlanner) bureauPrefix(code string) string {
	if s, ok := penaltyPrefixes[code]; ok && p.j.Prefecture.Code == region.DefaultPrefecture {
		return s
	}
	city := []rune(p.j.Prefecture.Name)
	c, ok := p.j.County(code)
	if !ok {
		return string(city[:1])
	}
	name := []rune(c.Name)
	if strings.HasSuffix(c.Name, "区") {
		return string(city[:1]) + string(name[:1])
	}
	return string(name[:1])
}

// planPenaltyEvents plans the recording of the decisions and what follows: early ends
// of publicity through repair, annulments, and the serious-list cases with their
// hearings, approvals, early removals and relisting.
func (p *creditPlanner) planPenaltyEvents(pens []*penaltyPlan) {
	annulled := false
	repairs := 0
	for _, pp := range pens {
		e := &p.city.Entities[pp.Entity]
		in := pp.In
		p.add(creditEvent{On: pp.Publish, Kind: evPenalty, Entity: pp.Entity, Key: pp.Key, Pen: &in})
		if pp.Serious >= 0 {
			p.planSerious(pp)
			continue
		}
		var kinds []credit.PenaltyKind
		for _, k := range in.Kinds {
			kinds = append(kinds, credit.PenaltyKind(k))
		}
		fine, _ := credit.ParseYuan(in.Fine)
		pub := credit.PenaltyPublicity(credit.PenaltyFacts{Kinds: kinds, FineFen: fine,
			NaturalPerson: e.Type == registry.TypeIndividualBusiness, Domain: credit.Domain(in.Domain)}, credit.DefaultThresholds, pp.Publish)
		// One published decision is annulled on administrative review.
		if !annulled && pub.Published && pp.Publish.Year >= 2020 && p.r.IntN(4) == 0 {
			on := p.wd(pp.Publish, 30, 80)
			if !on.After(p.today) {
				annulled = true
				p.add(creditEvent{On: on, Kind: evAnnul, Entity: pp.Entity, Key: pp.Key, Note: noteAnnul})
				continue
			}
		}
		// Early end of publicity (repair): a quarter of those that may, if the entity is
		// on no list then.
		if !pub.Published || pub.EarlyEndFrom.IsZero() || p.r.IntN(4) != 0 {
			continue
		}
		apply := p.workdayOnOrAfter(pub.EarlyEndFrom.AddDays(p.r.IntN(120)))
		accept := p.wd(apply, 1, 2)
		decided := p.wd(accept, 3, 12)
		if decided.After(p.today) || !decided.Before(pub.EndsOn) || !p.clean(pp.Entity, apply, decided) ||
			!p.activeOn(pp.Entity, decided) {
			continue
		}
		rk := "r/" + pp.Key
		p.add(creditEvent{On: apply, Kind: evApply, Entity: pp.Entity, Key: pp.Key, Target: credit.TargetPenalty, Repair: rk,
			Note: stmtPenalty, Files: true})
		p.add(creditEvent{On: accept, Kind: evDecide, Entity: pp.Entity, Repair: rk, Step: credit.DecisionAccept})
		if repairs++; repairs == 2 { // one application is refused
			p.add(creditEvent{On: decided, Kind: evDecide, Entity: pp.Entity, Repair: rk, Step: credit.DecisionReject, Note: noteRejectPenalty})
			continue
		}
		p.add(creditEvent{On: decided, Kind: evDecide, Entity: pp.Entity, Repair: rk, Step: credit.DecisionApprove, Note: noteApprovePenalty})
	}
}

// planSerious plans a serious-list case on a heavier penalty: proposed with the
// decision (Order 44 Art. 13), heard if the party asks, submitted, approved by the city
// (Art. 22), then by its role removed early, relisted, revoked or left to expire.
func (p *creditPlanner) planSerious(pp *penaltyPlan) {
	e := &p.city.Entities[pp.Entity]
	key := "s/" + strings.TrimPrefix(pp.Key, "p/")
	fine, _ := credit.ParseYuan(pp.In.Fine)
	in := &credit.SeriousInput{USCC: e.USCC, PenaltyDecisionNo: pp.In.DecisionNo, Circumstances: []string{pp.Viol.Circ},
		Facts: seriousFacts(pp.Viol, fine/100), IntentEstablished: true}
	on := p.add(creditEvent{On: pp.Publish, Kind: evPropose, Entity: pp.Entity, Key: key, Ser: in})
	if pp.Serious == serPending && p.r.IntN(2) == 0 {
		return // still at the proposal
	}
	if pp.Serious == serPending || p.r.IntN(100) < 35 {
		on = p.add(creditEvent{On: p.wd(on, 3, 8), Kind: evSeriousStep, Entity: pp.Entity, Key: key, Step: credit.StepHearing, Note: noteHearing})
	}
	on = p.add(creditEvent{On: p.wd(on, 3, 10), Kind: evSeriousStep, Entity: pp.Entity, Key: key, Step: credit.StepSubmit})
	if pp.Serious == serPending {
		return
	}
	decided := p.wd(on, 2, 8)
	if pp.Serious == serRejected {
		p.add(creditEvent{On: decided, Kind: evSeriousStep, Entity: pp.Entity, Key: key, Step: credit.StepReject, Note: noteRejectSerious})
		return
	}
	listed := p.add(creditEvent{On: decided, Kind: evSeriousStep, Entity: pp.Entity, Key: key, Step: credit.StepApprove, Note: noteApprovalConsent})
	expires := credit.SeriousExpires(listed, pp.In.RestrictionUntil)
	p.onList(pp.Entity, listed, expires.AddDays(1))
	switch {
	case pp.Serious == serRevoked:
		p.add(creditEvent{On: p.wd(listed, 20, 60), Kind: evAnnul, Entity: pp.Entity, Key: pp.Key, Note: noteAnnul})
	case pp.Serious == serRemoved || pp.Serious == serRelisted || pp.Serious == serCommon && p.r.IntN(100) < 25:
		apply := p.workdayOnOrAfter(credit.SeriousEarlyRemovalFrom(listed).AddDays(p.r.IntN(90)))
		accept := p.wd(apply, 1, 2)
		removed := p.wd(accept, 4, 14)
		if removed.After(p.today) || !removed.Before(expires) {
			return
		}
		rk := "r/" + key
		p.add(creditEvent{On: apply, Kind: evApply, Entity: pp.Entity, Key: key, Target: credit.TargetSerious, Repair: rk,
			Note: stmtSerious, Files: true})
		p.add(creditEvent{On: accept, Kind: evDecide, Entity: pp.Entity, Repair: rk, Step: credit.DecisionAccept})
		p.add(creditEvent{On: removed, Kind: evDecide, Entity: pp.Entity, Repair: rk, Step: credit.DecisionApprove, Note: noteApproveSerious})
		if pp.Serious == serRelisted {
			p.add(creditEvent{On: p.wd(removed, 40, 120), Kind: evSeriousStep, Entity: pp.Entity, Key: key, Step: credit.StepRelist, Note: noteRelist})
		}
	}
}

// planCorrections plans a few corrections of reports filed early each year: a new
// phone number, sometimes the revenue published too, before 30 June (Art. 12).
func (p *creditPlanner) planCorrections() {
	byYear := map[int][]int{}
	for k, r := range p.plan.Reports {
		e := &p.city.Entities[r.Entity]
		if !r.Paper && r.Publish && e.Type != registry.TypeIndividualBusiness &&
			r.FiledOn.Before(credit.ReportDeadline(r.Year).AddDays(-10)) {
			byYear[r.Year] = append(byYear[r.Year], k)
		}
	}
	for year := firstReportYear; year <= max(p.lastYear, p.openYear); year++ {
		list := byYear[year]
		want := p.scaled(15, 2)
		for _, k := range p.r.Perm(len(list)) {
			if want == 0 {
				break
			}
			r := p.plan.Reports[list[k]]
			on := between(p.r, r.FiledOn.AddDays(1), credit.ReportDeadline(year))
			if on.After(p.today) || !p.activeOn(r.Entity, on) {
				continue
			}
			want--
			p.add(creditEvent{On: on, Kind: evCorrect, Entity: r.Entity, Year: year, Key: annualKey(r.Entity, year)})
		}
	}
}
