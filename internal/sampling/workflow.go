package sampling

import (
	"slices"

	"qcity"
	"qcity/internal/workday"
)

// State is where a sample stands in its workflow (the main track; objections and
// disposal run beside it).
type State string

const (
	StateSampled           State = "sampled"             // 已抽样: awaiting the lab's results
	StateReview            State = "review"              // 待复核: qcity's verdict differs from the lab's
	StatePassed            State = "passed"              // 合格 (final)
	StateFailed            State = "failed"              // 不合格: notice to be served
	StateServed            State = "served"              // 已送达: windows for re-test and objection open
	StateRetestRequested   State = "retest_requested"    // 复检已申请
	StateRetestAccepted    State = "retest_accepted"     // 复检已受理
	StateRetestLabAssigned State = "retest_lab_assigned" // 复检机构已确定
	StateRetestRefused     State = "retest_refused"      // 复检不予受理
	StateUpheld            State = "upheld"              // 复检维持不合格 (final)
	StateOverturned        State = "overturned"          // 复检/异议推翻, final pass
	StateRectifying        State = "rectifying"          // 产品: 责令整改
	StateRecheckFailed     State = "recheck_failed"      // 产品: 复查不合格
	StateProvAnnounced     State = "provincially_announced"
	StateSuspended         State = "suspended"       // 产品: 责令停业整顿
	StateLicenceRevoked    State = "licence_revoked" // 产品: 吊销营业执照 (final)
	StateClosed            State = "closed"          // 结案
)

// Step is a workflow action taken on a sample.
type Step string

const (
	StepRegister         Step = "register" // the sample is recorded (not applied through Check)
	StepReport           Step = "report"
	StepConfirmVerdict   Step = "confirm_verdict"
	StepServeNotice      Step = "serve_notice"
	StepFileObjection    Step = "file_objection"
	StepDecideObjection  Step = "decide_objection"
	StepRequestRetest    Step = "request_retest"
	StepAcceptRetest     Step = "accept_retest"
	StepRefuseRetest     Step = "refuse_retest"
	StepAssignRetestLab  Step = "assign_retest_lab"
	StepRecordRetest     Step = "record_retest"
	StepAnnounce         Step = "announce"
	StepCompleteDisposal Step = "complete_disposal"
	StepExtendDisposal   Step = "extend_disposal"
	StepOrderRectify     Step = "order_rectification"
	StepRecheck          Step = "recheck"
	StepProvAnnounce     Step = "provincial_announcement"
	StepRecheck2         Step = "recheck2"
	StepRecheck3         Step = "recheck3"
)

// Steps lists every step a user can take, in workflow order.
var Steps = []Step{StepReport, StepConfirmVerdict, StepServeNotice, StepFileObjection, StepDecideObjection,
	StepRequestRetest, StepAcceptRetest, StepRefuseRetest, StepAssignRetestLab, StepRecordRetest, StepAnnounce,
	StepCompleteDisposal, StepExtendDisposal, StepOrderRectify, StepRecheck, StepProvAnnounce, StepRecheck2, StepRecheck3}

// Objection and disposal tracks.
const (
	ObjectionFiled    = "filed"
	ObjectionUpheld   = "upheld"
	ObjectionRejected = "rejected"
	DisposalOpen      = "open"
	DisposalDone      = "done"
)

// Outcome is the result a step carries where it has one (a verdict, a decision).
type Outcome string

const (
	OutcomeNone Outcome = ""
	OutcomePass Outcome = "pass"
	OutcomeFail Outcome = "fail"
)

// Snapshot is what the workflow needs to know about a sample.
type Snapshot struct {
	Kind           Kind
	State          State
	ObjectionState string
	DisposalState  string
	Announced      bool
	MicroFailure   bool       // a failing item is microbiological (food re-tests refused)
	SampledOn      qcity.Date // the sampling date
	// Dates holds the date each step was last taken.
	Dates map[Step]qcity.Date
	// DisposalDue overrides the disposal deadline after an approved extension.
	DisposalDue qcity.Date
}

// Transition is the effect of an allowed step.
type Transition struct {
	To             State
	ObjectionState string
	DisposalState  string
	Announced      bool
	DueOn          qcity.Date // the deadline the step was measured against (zero if none)
	Late           bool       // taken after its deadline (allowed for the bureau's own steps)
}

// Workflow applies the rules of SAMR Order 15 (food sampling, working days) and
// Order 18 (product supervision sampling, calendar days rolled forward past holidays).
// Agricultural-product monitoring follows the food rules.
type Workflow struct {
	Cal *workday.Calendar
}

// span is a deadline: n working days (food) or n calendar days rolled forward to the
// next working day (products, Order 18 Art. 55).
type span struct {
	n       int
	working bool
}

func (w *Workflow) add(d qcity.Date, s span) qcity.Date {
	if s.working {
		return w.Cal.AddWorkingDays(d, s.n)
	}
	return w.Cal.AddCalendarDays(d, s.n)
}

// rules holds the deadlines of a sampling kind.
type rules struct {
	report     span // sampled → results (5 WD transit + 20 WD testing for food)
	confirm    span // review of a disagreement
	serve      span // results → notice served (Order 15 Art. 29: 5 WD)
	retestWin  span // served → re-test application (food 7 WD, Art. 31; products 15 days, Order 18 Art. 37)
	objWin     span // served → objection (food 7 WD, Art. 37)
	objDecide  span // objection → decision (30 WD, Art. 38)
	accept     span // application → accepted (5 WD; products: formalities within 7 days)
	assign     span // accepted → re-test lab (5 WD; products 10 days)
	retest     span // lab assigned → conclusion (10 WD)
	announce   span // window closed or re-test final → announcement (20 WD, Art. 14 of Order 44 pattern)
	disposal   span // served → disposal finished (90 calendar days, Art. 46)
	rectify    span // products: order → re-check (75 days, Order 18 Art. 47)
	provAnn    span // products: failed re-check → provincial announcement
	recheck2lo span // products: announcement → second re-check, not before day 60 …
	recheck2hi span // … and by day 90 (Art. 48)
	recheck3   span // products: suspension → final re-check
}

var foodRules = rules{
	report: span{25, true}, confirm: span{5, true}, serve: span{5, true}, retestWin: span{7, true},
	objWin: span{7, true}, objDecide: span{30, true}, accept: span{5, true}, assign: span{5, true},
	retest: span{10, true}, announce: span{20, true}, disposal: span{90, false},
}

var productRules = rules{
	report: span{30, false}, confirm: span{5, true}, serve: span{10, false}, retestWin: span{15, false},
	objWin: span{15, false}, objDecide: span{30, false}, accept: span{7, false}, assign: span{10, false},
	retest: span{30, false}, announce: span{20, true}, disposal: span{90, false},
	rectify: span{75, false}, provAnn: span{20, true}, recheck2lo: span{60, false}, recheck2hi: span{90, false},
	recheck3: span{90, false},
}

func rulesOf(k Kind) rules {
	if k == KindProduct {
		return productRules
	}
	return foodRules
}

// stepRoles says who may take each step; the service adds who exactly (the lab of the
// sample, the sampled enterprise, an official of the region).
var stepRoles = map[Step][]qcity.Role{
	StepReport:           {qcity.RoleLab, qcity.RoleAdmin, qcity.RoleCityOfficial, qcity.RoleCountyOfficial},
	StepRecordRetest:     {qcity.RoleLab, qcity.RoleAdmin, qcity.RoleCityOfficial, qcity.RoleCountyOfficial},
	StepRequestRetest:    {qcity.RoleEnterprise, qcity.RoleAdmin, qcity.RoleCityOfficial, qcity.RoleCountyOfficial},
	StepFileObjection:    {qcity.RoleEnterprise, qcity.RoleAdmin, qcity.RoleCityOfficial, qcity.RoleCountyOfficial},
	StepConfirmVerdict:   officialRoles,
	StepServeNotice:      officialRoles,
	StepDecideObjection:  officialRoles,
	StepAcceptRetest:     officialRoles,
	StepRefuseRetest:     officialRoles,
	StepAssignRetestLab:  officialRoles,
	StepAnnounce:         officialRoles,
	StepCompleteDisposal: officialRoles,
	StepExtendDisposal:   officialRoles,
	StepOrderRectify:     officialRoles,
	StepRecheck:          officialRoles,
	StepProvAnnounce:     officialRoles,
	StepRecheck2:         officialRoles,
	StepRecheck3:         officialRoles,
}

var officialRoles = []qcity.Role{qcity.RoleAdmin, qcity.RoleCityOfficial, qcity.RoleCountyOfficial}

// RolesFor returns who may take a step.
func RolesFor(s Step) []qcity.Role { return stepRoles[s] }

func refuse(key string, args ...any) *qcity.Error { return qcity.Errorf(qcity.EINVALID, key, args...) }

// notAllowed is the error for a step taken in the wrong state.
func notAllowed(step Step, state State) *qcity.Error {
	return refuse("sampling.step_not_allowed", "step", qcity.MsgKey("sampling.step."+string(step)),
		"state", qcity.MsgKey("sampling.state."+string(state)))
}

// windowClosed reports whether the re-test window of a served sample has closed on d.
func (w *Workflow) windowClosed(s Snapshot, d qcity.Date) bool {
	served, ok := s.Dates[StepServeNotice]
	return ok && d.After(w.add(served, rulesOf(s.Kind).retestWin))
}

// Check decides whether step may be taken on date on by role, given the sample and
// the step's outcome (verdicts for report, confirm_verdict, record_retest and
// re-checks; upheld/rejected as pass/fail for decide_objection). It returns the
// transition or an EINVALID error whose key says why not.
func (w *Workflow) Check(s Snapshot, step Step, on qcity.Date, role qcity.Role, outcome Outcome) (Transition, error) {
	roles, known := stepRoles[step]
	if !known {
		return Transition{}, refuse("sampling.step_unknown", "step", string(step))
	}
	if !slices.Contains(roles, role) {
		return Transition{}, qcity.Errorf(qcity.EFORBIDDEN, "sampling.step_role", "step", qcity.MsgKey("sampling.step."+string(step)))
	}
	if on.Before(s.SampledOn) {
		return Transition{}, refuse("sampling.step_before_sampling")
	}
	r := rulesOf(s.Kind)
	t := Transition{To: s.State, ObjectionState: s.ObjectionState, DisposalState: s.DisposalState, Announced: s.Announced}
	deadline := func(from Step, sp span) {
		if d, ok := s.Dates[from]; ok {
			t.DueOn = w.add(d, sp)
			t.Late = on.After(t.DueOn)
		}
	}
	needOutcome := func() error {
		if outcome != OutcomePass && outcome != OutcomeFail {
			return refuse("sampling.outcome_required")
		}
		return nil
	}
	product := s.Kind == KindProduct
	switch step {
	case StepReport:
		if s.State != StateSampled {
			return t, notAllowed(step, s.State)
		}
		if err := needOutcome(); err != nil {
			return t, err
		}
		t.DueOn = w.add(s.SampledOn, r.report)
		t.Late = on.After(t.DueOn)
		t.To = verdictState(outcome)
	case StepConfirmVerdict:
		if s.State != StateReview {
			return t, notAllowed(step, s.State)
		}
		if err := needOutcome(); err != nil {
			return t, err
		}
		deadline(StepReport, r.confirm)
		t.To = verdictState(outcome)
	case StepServeNotice:
		if s.State != StateFailed {
			return t, notAllowed(step, s.State)
		}
		deadline(StepReport, r.serve)
		if d, ok := s.Dates[StepConfirmVerdict]; ok {
			t.DueOn = w.add(d, r.serve)
			t.Late = on.After(t.DueOn)
		}
		t.To = StateServed
		if !product {
			t.DisposalState = DisposalOpen // Order 15 Art. 40: disposal starts at once
		}
	case StepRequestRetest:
		if s.State != StateServed {
			return t, notAllowed(step, s.State)
		}
		deadline(StepServeNotice, r.retestWin)
		if t.Late {
			// Art. 31 (food) / Art. 37 (products): a late application is refused.
			return t, refuse("sampling.retest_late", "due", t.DueOn.String())
		}
		if !product && s.MicroFailure {
			return t, refuse("sampling.retest_micro") // Art. 33: no re-test of microbiological failures
		}
		t.To = StateRetestRequested
	case StepAcceptRetest, StepRefuseRetest:
		if s.State != StateRetestRequested {
			return t, notAllowed(step, s.State)
		}
		deadline(StepRequestRetest, r.accept)
		t.To = StateRetestAccepted
		if step == StepRefuseRetest {
			t.To = StateRetestRefused
		}
	case StepAssignRetestLab:
		if s.State != StateRetestAccepted {
			return t, notAllowed(step, s.State)
		}
		deadline(StepAcceptRetest, r.assign)
		t.To = StateRetestLabAssigned
	case StepRecordRetest:
		if s.State != StateRetestLabAssigned {
			return t, notAllowed(step, s.State)
		}
		if err := needOutcome(); err != nil {
			return t, err
		}
		deadline(StepAssignRetestLab, r.retest)
		if outcome == OutcomePass {
			t.To = StateOverturned // the re-test is final (Art. 35)
			t.DisposalState = ""
		} else {
			t.To = StateUpheld
		}
	case StepFileObjection:
		if !inAny(s.State, StateServed, StateRetestRequested, StateRetestAccepted, StateRetestLabAssigned, StateRetestRefused, StateUpheld) {
			return t, notAllowed(step, s.State)
		}
		if s.ObjectionState != "" {
			return t, refuse("sampling.objection_exists")
		}
		deadline(StepServeNotice, r.objWin)
		if t.Late {
			return t, refuse("sampling.objection_late", "due", t.DueOn.String())
		}
		t.ObjectionState = ObjectionFiled
	case StepDecideObjection:
		if s.ObjectionState != ObjectionFiled {
			return t, refuse("sampling.no_objection")
		}
		if err := needOutcome(); err != nil {
			return t, err
		}
		deadline(StepFileObjection, r.objDecide)
		if outcome == OutcomePass { // the objection succeeds: the result is corrected
			t.ObjectionState = ObjectionUpheld
			t.To = StateOverturned
			t.DisposalState = ""
		} else {
			t.ObjectionState = ObjectionRejected
		}
	case StepAnnounce:
		if s.Announced {
			return t, refuse("sampling.already_announced")
		}
		final := inAny(s.State, StateUpheld, StateRetestRefused)
		pendingOrOpen := inAny(s.State, StateServed, StateRetestRequested, StateRetestAccepted, StateRetestLabAssigned)
		switch {
		case final:
		case pendingOrOpen && w.windowClosed(s, on):
		case pendingOrOpen:
			served := s.Dates[StepServeNotice]
			return t, refuse("sampling.announce_window_open", "after", w.add(served, r.retestWin).String())
		default:
			return t, notAllowed(step, s.State)
		}
		if d, ok := s.Dates[StepRecordRetest]; ok && s.State == StateUpheld {
			t.DueOn = w.add(d, r.announce)
		} else if served, ok := s.Dates[StepServeNotice]; ok {
			t.DueOn = w.add(w.add(served, r.retestWin), r.announce)
		}
		t.Late = !t.DueOn.IsZero() && on.After(t.DueOn)
		t.Announced = true
	case StepCompleteDisposal, StepExtendDisposal:
		if s.DisposalState != DisposalOpen {
			return t, refuse("sampling.no_disposal")
		}
		if served, ok := s.Dates[StepServeNotice]; ok {
			t.DueOn = w.add(served, r.disposal)
			if !s.DisposalDue.IsZero() {
				t.DueOn = s.DisposalDue
			}
			t.Late = on.After(t.DueOn)
		}
		if step == StepCompleteDisposal {
			t.DisposalState = DisposalDone
		}
	case StepOrderRectify:
		if !product {
			return t, refuse("sampling.product_only")
		}
		final := inAny(s.State, StateUpheld, StateRetestRefused)
		if !(final || (s.State == StateServed && w.windowClosed(s, on))) {
			return t, notAllowed(step, s.State)
		}
		t.To = StateRectifying
	case StepRecheck:
		if s.State != StateRectifying {
			return t, notAllowed(step, s.State)
		}
		if err := needOutcome(); err != nil {
			return t, err
		}
		deadline(StepOrderRectify, r.rectify)
		t.To = StateClosed
		if outcome == OutcomeFail {
			t.To = StateRecheckFailed
		}
	case StepProvAnnounce:
		if s.State != StateRecheckFailed {
			return t, notAllowed(step, s.State)
		}
		deadline(StepRecheck, r.provAnn)
		t.To = StateProvAnnounced
		t.Announced = true
	case StepRecheck2:
		if s.State != StateProvAnnounced {
			return t, notAllowed(step, s.State)
		}
		if err := needOutcome(); err != nil {
			return t, err
		}
		ann := s.Dates[StepProvAnnounce]
		if earliest := w.add(ann, r.recheck2lo); on.Before(earliest) {
			// Order 18 Art. 48: the second re-check is 60 to 90 days after the announcement.
			return t, refuse("sampling.recheck2_early", "from", earliest.String())
		}
		deadline(StepProvAnnounce, r.recheck2hi)
		t.To = StateClosed
		if outcome == OutcomeFail {
			t.To = StateSuspended
		}
	case StepRecheck3:
		if s.State != StateSuspended {
			return t, notAllowed(step, s.State)
		}
		if err := needOutcome(); err != nil {
			return t, err
		}
		deadline(StepRecheck2, r.recheck3)
		t.To = StateClosed
		if outcome == OutcomeFail {
			t.To = StateLicenceRevoked
		}
	}
	// Food and agricultural samples close once disposal is done and the failure is
	// announced (or the result was overturned).
	if !product && (t.To == StateUpheld || t.To == StateRetestRefused || t.To == StateServed) &&
		t.DisposalState == DisposalDone && t.Announced && t.ObjectionState != ObjectionFiled {
		t.To = StateClosed
	}
	return t, nil
}

func verdictState(o Outcome) State {
	if o == OutcomePass {
		return StatePassed
	}
	return StateFailed
}

func inAny(s State, states ...State) bool { return slices.Contains(states, s) }

// Due is one pending deadline of a sample.
type Due struct {
	Step Step
	On   qcity.Date
}

// Pending lists the steps a sample is waiting for and their deadlines, earliest
// first. Final states have none.
func (w *Workflow) Pending(s Snapshot) []Due {
	r := rulesOf(s.Kind)
	var out []Due
	add := func(step Step, on qcity.Date) {
		if !on.IsZero() {
			out = append(out, Due{step, on})
		}
	}
	from := func(step Step, sp span) qcity.Date {
		if d, ok := s.Dates[step]; ok {
			return w.add(d, sp)
		}
		return qcity.Date{}
	}
	switch s.State {
	case StateSampled:
		add(StepReport, w.add(s.SampledOn, r.report))
	case StateReview:
		add(StepConfirmVerdict, from(StepReport, r.confirm))
	case StateFailed:
		due := from(StepReport, r.serve)
		if d, ok := s.Dates[StepConfirmVerdict]; ok {
			due = w.add(d, r.serve)
		}
		add(StepServeNotice, due)
	case StateRetestRequested:
		add(StepAcceptRetest, from(StepRequestRetest, r.accept))
	case StateRetestAccepted:
		add(StepAssignRetestLab, from(StepAcceptRetest, r.assign))
	case StateRetestLabAssigned:
		add(StepRecordRetest, from(StepAssignRetestLab, r.retest))
	case StateRectifying:
		add(StepRecheck, from(StepOrderRectify, r.rectify))
	case StateRecheckFailed:
		add(StepProvAnnounce, from(StepRecheck, r.provAnn))
	case StateProvAnnounced:
		add(StepRecheck2, from(StepProvAnnounce, r.recheck2hi))
	case StateSuspended:
		add(StepRecheck3, from(StepRecheck2, r.recheck3))
	}
	if !s.Announced && inAny(s.State, StateServed, StateRetestRequested, StateRetestAccepted, StateRetestLabAssigned, StateUpheld, StateRetestRefused) &&
		s.Kind != KindProduct {
		if s.State == StateUpheld {
			add(StepAnnounce, from(StepRecordRetest, r.announce))
		} else if served, ok := s.Dates[StepServeNotice]; ok {
			add(StepAnnounce, w.add(w.add(served, r.retestWin), r.announce))
		}
	}
	if s.Kind == KindProduct && (s.State == StateUpheld || s.State == StateRetestRefused) {
		add(StepOrderRectify, from(StepServeNotice, r.rectify))
	}
	if s.DisposalState == DisposalOpen {
		due := from(StepServeNotice, r.disposal)
		if !s.DisposalDue.IsZero() {
			due = s.DisposalDue
		}
		add(StepCompleteDisposal, due)
	}
	if s.ObjectionState == ObjectionFiled {
		add(StepDecideObjection, from(StepFileObjection, r.objDecide))
	}
	slices.SortStableFunc(out, func(a, b Due) int {
		switch {
		case a.On.Before(b.On):
			return -1
		case b.On.Before(a.On):
			return 1
		}
		return 0
	})
	return out
}

// Final reports whether a state ends the workflow.
func Final(s State) bool {
	return inAny(s, StatePassed, StateOverturned, StateClosed, StateLicenceRevoked)
}
