package demo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"qcity"
	"qcity/internal/limits"
	"qcity/internal/registry"
	"qcity/internal/sampling"
	"qcity/internal/workday"
)

// LoadSampling stores the samples through the sampling service and then takes the
// workflow steps of their failures, dated in the past, so that the demo shows every
// stage of Orders 15 and 18.
//
// Samples are recorded with sampling.Service.BulkCreate, as the system actor
// "qcity demo", on the day their lab's report was uploaded (the end of the week the
// results were ready, 5–19 working days after sampling for food, 5–11 for farm
// produce, 10–22 days for products), one transaction per reporting day: BulkCreate
// dates a report "today", so a sampling.Service sharing svc's database, registry,
// workflow, limits and statistics runs on its own clock, set to each day. Then every
// failed sample is followed through, each step on its own date: the notice served,
// the failure announced and the disposal completed (food, farm produce), or
// rectification ordered and re-checked (products), some two thousand samples at full
// scale. A few dozen take the other paths: re-tests requested, accepted, assigned and
// recorded (upheld or overturned, one overturned after the announcement, which then
// shows as superseded), re-tests refused, objections rejected and upheld, disposals
// extended, products failing the re-check, announced by the province and re-checked
// again. Samples in review are confirmed, a few of the latest excepted. Some failures
// of late 2020 are left where the bureau stopped: not served, served with the disposal
// open, a re-test pending, upheld but not announced, an objection undecided, a product
// under rectification; their deadlines are long past, so the worklist and the
// dashboard show them overdue.
//
// Steps and their dates derive from the sample numbers, so the same inputs give the
// same history. Overturned failures count as passes: GenerateSampling makes one more
// sample fail at first for each of them (overturns), so the statistics come out as
// samplingFigures says.
//
// progress reports the samples stored (done of len(inputs)), then the steps taken
// (total grows by their number). Returns what BulkCreate returns: EINVALID with the
// row (the 1-based position in inputs) of each bad sample, sample numbers already
// recorded included (key sampling.sample_no_taken). A step the workflow refuses is an
// internal error: the plan is wrong.
func LoadSampling(ctx context.Context, svc *sampling.Service, inputs []sampling.SampleInput, progress func(done, total int)) error {
	if svc == nil || svc.DB == nil {
		return qcity.Internal(errors.New("demo: nil sampling service"))
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	ctx = qcity.WithActor(ctx, qcity.System("qcity demo"))
	today := qcity.DateOf(svc.Clock.Now())
	clock := &qcity.FixedClock{T: svc.Clock.Now()}
	own := sampling.NewService(svc.DB, clock, svc.Registry, svc.Jurisdiction)
	own.Limits = svc.Limits
	own.Log = svc.Log // announcements go to the tamper-evident log
	if svc.Workflow != nil {
		own.Workflow = svc.Workflow
	}
	if err := own.Load(ctx); err != nil {
		return err
	}
	own.Stats = svc.Stats // the caller's statistics count what is recorded here
	cal := own.Workflow.Cal
	if cal == nil {
		cal = workday.Default()
	}
	l := &loader{ctx: ctx, svc: own, clock: clock, cal: cal, today: today, inputs: inputs, index: map[string]int{}}
	for i, in := range inputs {
		l.index[strings.TrimSpace(in.SampleNo)] = i
	}
	if err := l.store(progress); err != nil {
		return err
	}
	steps, err := l.plan()
	if err != nil {
		return err
	}
	for i, st := range steps {
		clock.T = time.Date(st.on.Year, st.on.Month, st.on.Day, 10, 0, 0, 0, qcity.China).Add(time.Duration(i%600) * time.Second)
		if _, err := own.ApplyStep(ctx, st.no, st.in); err != nil {
			return qcity.Internal(fmt.Errorf("demo: step %s on %s dated %s: %w", st.in.Step, st.no, st.on, err))
		}
		if (i+1)%100 == 0 || i+1 == len(steps) {
			progress(len(inputs)+i+1, len(inputs)+len(steps))
		}
	}
	return nil
}

// loader holds the state of one LoadSampling call.
type loader struct {
	ctx    context.Context
	svc    *sampling.Service
	clock  *qcity.FixedClock
	cal    *workday.Calendar
	today  qcity.Date
	inputs []sampling.SampleInput
	index  map[string]int // sample number → position in inputs
	labs   []registry.Organisation
}

// hashOf is the seed of everything LoadSampling draws for a sample.
func hashOf(no string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(no))
	return h.Sum64()
}

func rngOf(no string, salt uint64) *rand.Rand {
	return rand.New(rand.NewPCG(hashOf(no), salt))
}

// reportedOn is the day a sample's results are recorded. Labs finish a food sample
// 5–19 working days after sampling (Order 15 allows 5 for transport and 20 for
// testing), farm produce in 5–11, products in 10–22 calendar days, and upload their
// reports in weekly batches: the result is recorded on the last working day of the
// week it is ready in. Never after today.
func (l *loader) reportedOn(in *sampling.SampleInput) qcity.Date {
	d, err := qcity.ParseDate(strings.TrimSpace(in.SampledOn))
	if err != nil {
		return l.today // BulkCreate will name the error
	}
	r := rngOf(in.SampleNo, 1)
	var ready qcity.Date
	switch sampling.Kind(in.Kind) {
	case sampling.KindProduct:
		ready = l.cal.AddCalendarDays(d, 10+r.IntN(13))
	case sampling.KindAgri:
		ready = l.cal.AddWorkingDays(d, 5+r.IntN(7))
	default:
		ready = l.cal.AddWorkingDays(d, 5+r.IntN(15))
	}
	// The week's last working day: its Friday, or earlier when the Friday is a holiday.
	rep := ready.AddDays((int(time.Friday) - int(ready.Weekday()) + 7) % 7)
	for !l.cal.IsWorkingDay(rep) && rep.After(ready) {
		rep = rep.AddDays(-1)
	}
	if rep.After(l.today) {
		rep = l.today
	}
	return rep
}

// store records the samples, a BulkCreate per reporting day.
func (l *loader) store(progress func(done, total int)) error {
	byDay := map[int64][]int{}
	for i := range l.inputs {
		day := dayNumber(l.reportedOn(&l.inputs[i]))
		byDay[day] = append(byDay[day], i)
	}
	days := make([]int64, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	slices.Sort(days)
	done := 0
	batch := make([]sampling.SampleInput, 0, 1024)
	for _, day := range days {
		idx := byDay[day]
		batch = batch[:0]
		for _, i := range idx {
			batch = append(batch, l.inputs[i])
		}
		l.clock.T = time.Unix(day*86400, 0).UTC().Add(2 * time.Hour) // 10:00 in China
		if _, err := l.svc.BulkCreate(l.ctx, batch, sampling.ImportOptions{}); err != nil {
			// Name the rows of inputs, not of the day's batch.
			if qe := qcity.AsError(err); qe != nil && qe.Code == qcity.EINVALID {
				for k := range qe.Fields {
					if r := qe.Fields[k].Row; r >= 1 && r <= len(idx) {
						qe.Fields[k].Row = idx[r-1] + 1
					}
				}
				return qe
			}
			return err
		}
		done += len(idx)
		progress(done, len(l.inputs))
	}
	return nil
}

// scenario is the path a failed sample takes through the workflow.
type scenario uint8

const (
	scClosed scenario = iota // food: served, announced, disposed; products: rectified and re-checked
	scRetestUpheld
	scRetestOverturned
	scRetestOverturnedAfterAnnouncement
	scRetestRefused
	scObjectionRejected
	scObjectionUpheld
	scDisposalExtended
	scRecheckFailed // products: the re-check fails, the province announces, the second re-check passes
	scSuspended     // products: the second re-check fails too; suspended, then passes
	// Left open at the end (late 2020).
	scOpenFailed
	scOpenServed
	scOpenRetestAssigned
	scOpenUpheld
	scOpenRectifying
	scOpenObjection
	scOpenReview
)

// special is a number of failed samples of a kind (and year, 0 for any) that take a
// scenario other than scClosed. Late ones are chosen among samples of late 2020.
type special struct {
	Kind     sampling.Kind
	Year     int
	Scenario scenario
	Count    int
	Late     bool
}

var specials = []special{
	// Left open: the bureau's 2020 backlog.
	{sampling.KindFood, 2020, scOpenFailed, 3, true}, {sampling.KindFood, 2020, scOpenServed, 4, true},
	{sampling.KindFood, 2020, scOpenRetestAssigned, 2, true}, {sampling.KindFood, 2020, scOpenUpheld, 2, true},
	{sampling.KindFood, 2020, scOpenObjection, 1, true}, {sampling.KindAgri, 2020, scOpenFailed, 1, true},
	{sampling.KindAgri, 2020, scOpenServed, 1, true}, {sampling.KindProduct, 2020, scOpenFailed, 1, true},
	{sampling.KindProduct, 2020, scOpenRetestAssigned, 1, true}, {sampling.KindProduct, 2020, scOpenRectifying, 2, true},
	// Closed by other paths.
	{sampling.KindFood, 2018, scRetestUpheld, 2, false}, {sampling.KindFood, 2019, scRetestUpheld, 2, false},
	{sampling.KindFood, 2020, scRetestUpheld, 2, false}, {sampling.KindFood, 2018, scRetestRefused, 1, false},
	{sampling.KindFood, 2019, scRetestRefused, 1, false}, {sampling.KindFood, 2020, scRetestRefused, 1, false},
	{sampling.KindFood, 2018, scObjectionRejected, 1, false}, {sampling.KindFood, 2019, scObjectionRejected, 1, false},
	{sampling.KindFood, 2020, scObjectionRejected, 1, false}, {sampling.KindFood, 2018, scDisposalExtended, 2, false},
	{sampling.KindFood, 2019, scDisposalExtended, 2, false}, {sampling.KindFood, 2020, scDisposalExtended, 2, false},
	{sampling.KindAgri, 2019, scRetestUpheld, 1, false}, {sampling.KindAgri, 2019, scDisposalExtended, 1, false},
	{sampling.KindProduct, 2018, scRetestUpheld, 1, false}, {sampling.KindProduct, 2019, scRetestUpheld, 1, false},
	{sampling.KindProduct, 2020, scRetestUpheld, 1, false}, {sampling.KindProduct, 2019, scObjectionRejected, 1, false},
	{sampling.KindProduct, 2018, scRecheckFailed, 1, false}, {sampling.KindProduct, 2019, scRecheckFailed, 1, false},
	{sampling.KindProduct, 2019, scSuspended, 1, false},
}

// openReviews is how many samples in review are left unconfirmed (the latest).
const openReviews = 4

// lateFrom is where the open samples of 2020 start.
var lateFrom = qcity.NewDate(2020, 10, 1)

// needsRetest reports whether a scenario re-tests the sample (not allowed after a
// microbiological failure of food, Order 15 Art. 33).
func (s scenario) needsRetest() bool {
	switch s {
	case scRetestUpheld, scRetestOverturned, scRetestOverturnedAfterAnnouncement, scRetestRefused, scOpenRetestAssigned, scOpenUpheld:
		return true
	}
	return false
}

// fits reports whether a scenario exists in a kind's workflow: re-checks and
// provincial announcements are for products (Order 18), disposal and re-test refusal
// for food and farm produce (Order 15).
func (s scenario) fits(k sampling.Kind) bool {
	switch s {
	case scRecheckFailed, scSuspended, scOpenRectifying:
		return k == sampling.KindProduct
	case scDisposalExtended, scRetestRefused, scOpenServed:
		return k != sampling.KindProduct
	}
	return true
}

// candidate is a failed (or in review) sample to plan.
type candidate struct {
	s        sampling.Sample
	in       *sampling.SampleInput
	key      uint64
	micro    bool
	scenario scenario
	assigned bool
}

// plannedStep is a workflow step to take on a date.
type plannedStep struct {
	on qcity.Date
	no string
	in sampling.StepInput
}

// plan assigns scenarios to the failed samples and returns their steps in date order.
func (l *loader) plan() ([]plannedStep, error) {
	cands, err := l.candidates()
	if err != nil {
		return nil, err
	}
	labs, _, err := l.svc.Registry.FindOrganisations(l.ctx, registry.OrganisationFilter{Kind: string(registry.OrgLab),
		Status: string(registry.OrgValid), Limit: registry.MaxPageSize})
	if err != nil {
		return nil, err
	}
	l.labs = labs
	// Review first: the latest few stay in review, the rest are confirmed.
	var review []*candidate
	for _, c := range cands {
		if c.s.State == sampling.StateReview {
			review = append(review, c)
		}
	}
	slices.SortStableFunc(review, func(a, b *candidate) int { return int(dayNumber(b.s.SampledOn) - dayNumber(a.s.SampledOn)) })
	for _, c := range review[:min(openReviews, len(review))] {
		c.scenario, c.assigned = scOpenReview, true
	}
	eligible := func(c *candidate, k sampling.Kind, year int, lv sampling.Level, sc scenario, late bool) bool {
		return !c.assigned && c.s.Verdict == sampling.VerdictFail && c.s.State != sampling.StateReview &&
			c.s.Kind == k && (year == 0 || c.s.Year == year) && (lv == "" || c.s.Level == lv) &&
			(!late || !c.s.SampledOn.Before(lateFrom)) && (!sc.needsRetest() || !c.micro) && sc.fits(k)
	}
	take := func(k sampling.Kind, year int, lv sampling.Level, sc scenario, late bool, n int) {
		var pool []*candidate
		for _, c := range cands {
			if eligible(c, k, year, lv, sc, late) {
				pool = append(pool, c)
			}
		}
		slices.SortStableFunc(pool, func(a, b *candidate) int {
			switch {
			case a.key < b.key:
				return -1
			case a.key > b.key:
				return 1
			}
			return 0
		})
		for _, c := range pool[:min(n, len(pool))] {
			c.scenario, c.assigned = sc, true
		}
	}
	for _, o := range overturns {
		take(o.Kind, o.Year, o.Level, o.Scenario, false, 1)
	}
	// Round by round, so that a small demo still gets one of each before seconds.
	for round := 1; ; round++ {
		more := false
		for _, sp := range specials {
			if sp.Count >= round {
				take(sp.Kind, sp.Year, "", sp.Scenario, sp.Late, 1)
				more = true
			}
		}
		if !more {
			break
		}
	}
	var steps []plannedStep
	for _, c := range cands {
		steps = append(steps, l.stepsOf(c)...)
	}
	slices.SortStableFunc(steps, func(a, b plannedStep) int { return int(dayNumber(a.on) - dayNumber(b.on)) })
	// Steps after today cannot be taken yet (a clock in the past): drop them.
	for i, st := range steps {
		if st.on.After(l.today) {
			return steps[:i], nil
		}
	}
	return steps, nil
}

// pathogenWords name microbiological items the judge cannot recognise by their limit.
var pathogenWords = []string{"菌", "霉", "酵母", "病毒", "弧菌", "李斯特", "螨"}

// candidates returns the samples of inputs that failed or wait in review, in sample
// number order.
func (l *loader) candidates() ([]*candidate, error) {
	byNo := map[string]*candidate{}
	for _, f := range []sampling.SampleFilter{{Verdict: sampling.VerdictFail}, {State: string(sampling.StateReview)}} {
		for off := 0; ; {
			f.Limit, f.Offset = 1000, off
			list, total, err := l.svc.FindSamples(l.ctx, f)
			if err != nil {
				return nil, err
			}
			for _, s := range list {
				i, ok := l.index[s.SampleNo]
				if !ok || byNo[s.SampleNo] != nil {
					continue
				}
				c := &candidate{s: s, in: &l.inputs[i], key: hashOf(s.SampleNo), micro: s.MicroFailure}
				for _, it := range c.in.Items {
					j, err := limits.JudgeItem(it.Result, it.Unit, it.Limit, it.Comparison, "")
					if err != nil || j.Verdict != limits.Fail {
						continue
					}
					for _, w := range pathogenWords {
						c.micro = c.micro || j.Microbiological || strings.Contains(it.Item, w)
					}
				}
				byNo[s.SampleNo] = c
			}
			off += len(list)
			if len(list) == 0 || off >= total {
				break
			}
		}
	}
	out := make([]*candidate, 0, len(byNo))
	for _, no := range sortedKeys(byNo) {
		out = append(out, byNo[no])
	}
	return out, nil
}

// stepsOf returns the steps of a candidate's scenario with their dates.
func (l *loader) stepsOf(c *candidate) []plannedStep {
	no := c.s.SampleNo
	r := rngOf(no, 2)
	product := c.s.Kind == sampling.KindProduct
	var out []plannedStep
	at := c.s.ReportedOn
	if at.IsZero() {
		at = c.s.SampledOn
	}
	add := func(on qcity.Date, in sampling.StepInput) qcity.Date {
		if on.Before(at) {
			on = at // never before the previous step
		}
		at = on
		out = append(out, plannedStep{on: on, no: no, in: in})
		return on
	}
	wd := func(from qcity.Date, lo, hi int) qcity.Date { return l.cal.AddWorkingDays(from, lo+r.IntN(hi-lo+1)) }
	cd := func(from qcity.Date, lo, hi int) qcity.Date { return l.cal.AddCalendarDays(from, lo+r.IntN(hi-lo+1)) }

	if c.s.State == sampling.StateReview {
		if c.scenario == scOpenReview {
			return nil
		}
		add(wd(at, 1, 3), sampling.StepInput{Step: string(sampling.StepConfirmVerdict), Outcome: c.s.Verdict,
			Note: "复核：按全数值比较法判定，以检验结果原始数据为准"})
		if c.s.Verdict != sampling.VerdictFail {
			return out
		}
	}
	if c.scenario == scOpenFailed {
		return out
	}
	var served qcity.Date
	if product {
		served = add(cd(at, 1, 8), sampling.StepInput{Step: string(sampling.StepServeNotice), Documents: []string{"检验结果通知书 " + no}})
	} else {
		served = add(wd(at, 1, 4), sampling.StepInput{Step: string(sampling.StepServeNotice), Documents: []string{"检验结果通知书 " + no}})
	}
	step := func(s sampling.Step, note string) sampling.StepInput {
		return sampling.StepInput{Step: string(s), Note: note}
	}
	// windowShut is the first working day after the re-test and objection windows.
	var windowShut qcity.Date
	if product {
		windowShut = l.cal.AddWorkingDays(l.cal.AddCalendarDays(served, 15), 1)
	} else {
		windowShut = l.cal.AddWorkingDays(served, 8)
	}
	later := func(a, b qcity.Date) qcity.Date {
		if a.After(b) {
			return a
		}
		return b
	}
	// closeFood announces the failure and completes the disposal, in date order.
	closeFood := func(annFrom qcity.Date) {
		ann := later(annFrom, wd(windowShut, 0, 12))
		disp := cd(served, 20, 85)
		annStep := step(sampling.StepAnnounce, "")
		dispStep := step(sampling.StepCompleteDisposal, "已责令经营者下架、召回不合格食品，并依法立案调查")
		if disp.Before(ann) {
			add(disp, dispStep)
			add(ann, annStep)
		} else {
			add(ann, annStep)
			add(disp, dispStep)
		}
	}
	rectify := func(from qcity.Date, recheck bool) {
		ord := add(later(from, wd(windowShut, 0, 6)), step(sampling.StepOrderRectify, "责令停止生产、销售同一产品，限期60日内整改"))
		if recheck {
			add(cd(ord, 40, 70), sampling.StepInput{Step: string(sampling.StepRecheck), Outcome: sampling.VerdictPass, Note: "复查合格"})
		}
	}
	retest := func(outcome string) qcity.Date {
		var req qcity.Date
		if product {
			req = add(cd(served, 3, 12), step(sampling.StepRequestRetest, "对检验结论有异议，申请复检"))
			add(cd(req, 1, 5), step(sampling.StepAcceptRetest, ""))
			add(cd(at, 2, 8), sampling.StepInput{Step: string(sampling.StepAssignRetestLab), Lab: l.retestLab(c)})
		} else {
			req = add(wd(served, 1, 5), step(sampling.StepRequestRetest, "对检验结论有异议，申请复检"))
			add(wd(req, 1, 3), step(sampling.StepAcceptRetest, ""))
			add(wd(at, 1, 3), sampling.StepInput{Step: string(sampling.StepAssignRetestLab), Lab: l.retestLab(c)})
		}
		if outcome == "" {
			return at
		}
		note := "复检结论：不合格，维持原检验结论"
		if outcome == sampling.VerdictPass {
			note = "复检结论：合格，原检验结论不成立"
		}
		rec := wd(at, 4, 9)
		if product {
			rec = cd(at, 10, 25)
		}
		return add(rec, sampling.StepInput{Step: string(sampling.StepRecordRetest), Items: l.retestItems(c, outcome, r), Note: note})
	}

	switch c.scenario {
	case scOpenServed:
	case scClosed:
		if product {
			rectify(at, true)
		} else {
			closeFood(at)
		}
	case scRetestUpheld:
		rec := retest(sampling.VerdictFail)
		if product {
			rectify(rec, true)
		} else {
			closeFood(wd(rec, 2, 12))
		}
	case scRetestOverturned:
		retest(sampling.VerdictPass)
	case scRetestOverturnedAfterAnnouncement:
		assigned := retest("")
		ann := add(later(assigned, windowShut), step(sampling.StepAnnounce, ""))
		add(wd(ann, 1, 3), sampling.StepInput{Step: string(sampling.StepRecordRetest), Items: l.retestItems(c, sampling.VerdictPass, r),
			Note: "复检结论：合格，原检验结论不成立，撤销此前公布的不合格信息"})
	case scRetestRefused:
		req := add(wd(served, 1, 5), step(sampling.StepRequestRetest, "申请复检"))
		ref := add(wd(req, 1, 3), step(sampling.StepRefuseRetest, "复检备份样品已超过保质期，不予复检（《食品安全抽样检验管理办法》第三十三条）"))
		closeFood(wd(ref, 1, 8))
	case scObjectionRejected, scObjectionUpheld, scOpenObjection:
		var filed qcity.Date
		if product {
			filed = add(cd(served, 2, 12), step(sampling.StepFileObjection, "对检验方法和判定依据提出异议"))
		} else {
			filed = add(wd(served, 1, 5), step(sampling.StepFileObjection, "对抽样过程和样品真实性提出异议"))
		}
		decided := wd(filed, 5, 12) // within 30 working days (Order 15 Art. 38)
		if product {
			decided = cd(filed, 10, 25) // within 30 days
		}
		switch c.scenario {
		case scOpenObjection:
		case scObjectionUpheld:
			add(decided, sampling.StepInput{Step: string(sampling.StepDecideObjection), Outcome: sampling.VerdictPass,
				Note: "经核查，检验方法适用有误，异议成立，原检验结论不予采信"})
		default:
			dec := add(decided, sampling.StepInput{Step: string(sampling.StepDecideObjection), Outcome: sampling.VerdictFail,
				Note: "经核查，抽样程序和检验方法符合规定，异议不成立"})
			if product {
				rectify(dec, true)
			} else {
				closeFood(wd(dec, 1, 8))
			}
		}
	case scDisposalExtended:
		due := l.cal.AddCalendarDays(l.cal.AddCalendarDays(served, 90), 30+r.IntN(31))
		add(wd(windowShut, 0, 12), step(sampling.StepAnnounce, ""))
		add(cd(served, 60, 80), sampling.StepInput{Step: string(sampling.StepExtendDisposal), DueOn: due.String(),
			Note: "涉及外地生产者协查，经负责人批准延长核查处置期限"})
		add(cd(served, 95, 115), step(sampling.StepCompleteDisposal, "协查结果已回复，已完成核查处置"))
	case scRecheckFailed, scSuspended:
		ord := add(wd(windowShut, 0, 6), step(sampling.StepOrderRectify, "责令停止生产、销售同一产品，限期60日内整改"))
		rc := add(cd(ord, 40, 70), sampling.StepInput{Step: string(sampling.StepRecheck), Outcome: sampling.VerdictFail, Note: "复查不合格"})
		ann := add(wd(rc, 3, 15), step(sampling.StepProvAnnounce, "由省级市场监督管理部门向社会公告"))
		second := l.cal.AddWorkingDays(l.cal.AddCalendarDays(ann, 60), r.IntN(12))
		if c.scenario == scRecheckFailed {
			add(second, sampling.StepInput{Step: string(sampling.StepRecheck2), Outcome: sampling.VerdictPass, Note: "公告后复查合格"})
			break
		}
		rc2 := add(second, sampling.StepInput{Step: string(sampling.StepRecheck2), Outcome: sampling.VerdictFail, Note: "公告后复查仍不合格，责令停业整顿"})
		add(cd(rc2, 40, 80), sampling.StepInput{Step: string(sampling.StepRecheck3), Outcome: sampling.VerdictPass, Note: "整顿后复查合格"})
	case scOpenRetestAssigned:
		retest("")
	case scOpenUpheld:
		retest(sampling.VerdictFail)
	case scOpenRectifying:
		rectify(at, false)
	}
	return out
}

// retestLab chooses the re-test lab: a valid lab testing the same kind of product,
// never the first lab (Order 15 Art. 32, Order 18 Art. 39).
func (l *loader) retestLab(c *candidate) string {
	want := []string{"食品", "农药残留"}
	if c.s.Kind == sampling.KindProduct {
		want = []string{"家用电器", "家用和类似用途电器安全", "纺织品", "建筑材料"}
	}
	var names []string
	for _, o := range l.labs {
		if o.ID == c.s.LabID || o.Name == c.s.LabName {
			continue
		}
		for _, field := range strings.Split(o.Scope, "；") {
			if slices.Contains(want, field) {
				names = append(names, o.Name)
				break
			}
		}
	}
	if len(names) == 0 {
		return "" // the service draws one
	}
	return names[c.key%uint64(len(names))]
}

// retestItems are the re-test's results for the failed items: near the first value
// when the re-test upholds the failure, a passing value when it overturns it.
func (l *loader) retestItems(c *candidate, outcome string, r *rand.Rand) []sampling.ItemInput {
	var out []sampling.ItemInput
	for _, it := range c.in.Items {
		j, err := limits.JudgeItem(it.Result, it.Unit, it.Limit, it.Comparison, "")
		if err != nil || j.Verdict != limits.Fail {
			continue
		}
		in := sampling.ItemInput{Item: it.Item, Unit: it.Unit, Limit: it.Limit, Comparison: it.Comparison, Standard: it.Standard}
		if outcome == sampling.VerdictFail {
			in.Result, in.LabVerdict = near(it, r), "不合格"
		} else {
			in.Result, in.LabVerdict = passing(it), "合格"
		}
		out = append(out, in)
	}
	return out
}

// near returns a failing value within ±8% of a numeric first result, or the first
// result itself.
func near(it sampling.ItemInput, r *rand.Rand) string {
	n, err := limits.ParseDecimal(it.Result)
	if err != nil || n.Scale() < 0 || strings.ContainsAny(it.Result, "×,，") {
		return it.Result
	}
	s := n.Scale()
	v, err := strconv.ParseInt(strings.ReplaceAll(n.String(), ".", ""), 10, 64)
	if err != nil || v <= 0 {
		return it.Result
	}
	cand := format(v*int64(920+r.IntN(161))/1000, s)
	if j, err := limits.JudgeItem(cand, it.Unit, it.Limit, it.Comparison, ""); err == nil && j.Verdict == limits.Fail {
		return cand
	}
	return it.Result
}

// passing returns a result that passes the item's limit: 未检出, 阴性, 0, or a value
// inside the limit.
func passing(it sampling.ItemInput) string {
	var cands []string
	if lim, err := limits.ParseLimit(it.Limit, it.Unit); err == nil {
		switch lim.Kind {
		case limits.Max:
			if lim.Value.IsZero() {
				cands = append(cands, "0")
			} else {
				cands = append(cands, halfOf(lim.Value))
			}
		case limits.Min:
			cands = append(cands, lim.Value.String())
		case limits.Range:
			cands = append(cands, lim.Low.String())
		}
	}
	cands = append(cands, "未检出", "阴性", "0")
	for _, c := range cands {
		if j, err := limits.JudgeItem(c, it.Unit, it.Limit, it.Comparison, ""); err == nil && j.Verdict == limits.Pass {
			return c
		}
	}
	return "未检出"
}

// halfOf returns about 60% of a decimal, with one more decimal place.
func halfOf(d limits.Decimal) string {
	s := d.Scale() + 1
	v, err := strconv.ParseInt(strings.ReplaceAll(d.RoundHalfEven(s).String(), ".", ""), 10, 64)
	if err != nil || s < 0 {
		return "0"
	}
	return format(max(1, v*6/10), s)
}
