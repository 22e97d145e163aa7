package sampling

import (
	"testing"

	"qcity"
	"qcity/internal/workday"
)

func d(s string) qcity.Date {
	x, err := qcity.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

var wf = &Workflow{Cal: workday.Default()}

const (
	official   = qcity.RoleCityOfficial
	lab        = qcity.RoleLab
	enterprise = qcity.RoleEnterprise
)

// snap builds a snapshot; dates are given as step=date pairs.
func snap(kind Kind, state State, dates ...string) Snapshot {
	s := Snapshot{Kind: kind, State: state, SampledOn: d("2024-01-02"), Dates: map[Step]qcity.Date{}}
	for i := 0; i+1 < len(dates); i += 2 {
		s.Dates[Step(dates[i])] = d(dates[i+1])
	}
	return s
}

func TestTransitions(t *testing.T) {
	served := func(k Kind) Snapshot {
		s := snap(k, StateServed, "report", "2024-01-10", "serve_notice", "2024-01-12")
		if k != KindProduct {
			s.DisposalState = DisposalOpen
		}
		return s
	}
	with := func(s Snapshot, f func(*Snapshot)) Snapshot { f(&s); return s }
	cases := []struct {
		name    string
		s       Snapshot
		step    Step
		on      string
		role    qcity.Role
		outcome Outcome
		want    State  // expected state after, when allowed
		err     string // expected error key, when refused
		late    bool
	}{
		// Reporting results.
		{"lab reports a pass", snap(KindFood, StateSampled), StepReport, "2024-01-20", lab, OutcomePass, StatePassed, "", false},
		{"lab reports a fail", snap(KindFood, StateSampled), StepReport, "2024-01-20", lab, OutcomeFail, StateFailed, "", false},
		{"report without a verdict", snap(KindFood, StateSampled), StepReport, "2024-01-20", lab, OutcomeNone, "", "sampling.outcome_required", false},
		{"late report is allowed but late", snap(KindFood, StateSampled), StepReport, "2024-03-20", lab, OutcomePass, StatePassed, "", true},
		{"report twice", snap(KindFood, StatePassed), StepReport, "2024-01-20", lab, OutcomePass, "", "sampling.step_not_allowed", false},
		{"enterprise cannot report", snap(KindFood, StateSampled), StepReport, "2024-01-20", enterprise, OutcomePass, "", "sampling.step_role", false},
		{"step before sampling", snap(KindFood, StateSampled), StepReport, "2023-12-31", lab, OutcomePass, "", "sampling.step_before_sampling", false},
		// Review of a disagreement.
		{"official confirms a fail", snap(KindFood, StateReview, "report", "2024-01-10"), StepConfirmVerdict, "2024-01-12", official, OutcomeFail, StateFailed, "", false},
		{"official confirms a pass", snap(KindFood, StateReview, "report", "2024-01-10"), StepConfirmVerdict, "2024-01-12", official, OutcomePass, StatePassed, "", false},
		{"lab cannot confirm", snap(KindFood, StateReview, "report", "2024-01-10"), StepConfirmVerdict, "2024-01-12", lab, OutcomePass, "", "sampling.step_role", false},
		{"confirm without review", snap(KindFood, StateFailed, "report", "2024-01-10"), StepConfirmVerdict, "2024-01-12", official, OutcomeFail, "", "sampling.step_not_allowed", false},
		// Serving the notice.
		{"serve a failure", snap(KindFood, StateFailed, "report", "2024-01-10"), StepServeNotice, "2024-01-12", official, OutcomeNone, StateServed, "", false},
		{"serve late (6 WD)", snap(KindFood, StateFailed, "report", "2024-01-10"), StepServeNotice, "2024-01-18", official, OutcomeNone, StateServed, "", true},
		{"serve a pass", snap(KindFood, StatePassed, "report", "2024-01-10"), StepServeNotice, "2024-01-12", official, OutcomeNone, "", "sampling.step_not_allowed", false},
		{"enterprise cannot serve", snap(KindFood, StateFailed, "report", "2024-01-10"), StepServeNotice, "2024-01-12", enterprise, OutcomeNone, "", "sampling.step_role", false},
		// Re-test applications.
		{"enterprise applies in time", served(KindFood), StepRequestRetest, "2024-01-19", enterprise, OutcomeNone, StateRetestRequested, "", false},
		{"7th working day is still in time", served(KindFood), StepRequestRetest, "2024-01-23", enterprise, OutcomeNone, StateRetestRequested, "", false},
		{"8th working day is late", served(KindFood), StepRequestRetest, "2024-01-24", enterprise, OutcomeNone, "", "sampling.retest_late", false},
		{"microbiological failure", with(served(KindFood), func(s *Snapshot) { s.MicroFailure = true }), StepRequestRetest, "2024-01-15", enterprise, OutcomeNone, "", "sampling.retest_micro", false},
		{"products may re-test microbiology", with(served(KindProduct), func(s *Snapshot) { s.MicroFailure = true }), StepRequestRetest, "2024-01-15", enterprise, OutcomeNone, StateRetestRequested, "", false},
		{"product: 15th day in time", served(KindProduct), StepRequestRetest, "2024-01-26", enterprise, OutcomeNone, StateRetestRequested, "", false},
		{"product: day 15 is a Saturday, rolled to Monday", served(KindProduct), StepRequestRetest, "2024-01-29", enterprise, OutcomeNone, StateRetestRequested, "", false},
		{"product: the day after the rolled deadline", served(KindProduct), StepRequestRetest, "2024-01-30", enterprise, OutcomeNone, "", "sampling.retest_late", false},
		{"re-test before service", snap(KindFood, StateFailed, "report", "2024-01-10"), StepRequestRetest, "2024-01-12", enterprise, OutcomeNone, "", "sampling.step_not_allowed", false},
		{"second re-test", snap(KindFood, StateUpheld, "serve_notice", "2024-01-12"), StepRequestRetest, "2024-01-15", enterprise, OutcomeNone, "", "sampling.step_not_allowed", false},
		{"accept", snap(KindFood, StateRetestRequested, "request_retest", "2024-01-15"), StepAcceptRetest, "2024-01-16", official, OutcomeNone, StateRetestAccepted, "", false},
		{"refuse", snap(KindFood, StateRetestRequested, "request_retest", "2024-01-15"), StepRefuseRetest, "2024-01-16", official, OutcomeNone, StateRetestRefused, "", false},
		{"accept without application", served(KindFood), StepAcceptRetest, "2024-01-16", official, OutcomeNone, "", "sampling.step_not_allowed", false},
		{"assign a lab", snap(KindFood, StateRetestAccepted, "accept_retest", "2024-01-16"), StepAssignRetestLab, "2024-01-17", official, OutcomeNone, StateRetestLabAssigned, "", false},
		{"assign before acceptance", snap(KindFood, StateRetestRequested), StepAssignRetestLab, "2024-01-17", official, OutcomeNone, "", "sampling.step_not_allowed", false},
		{"re-test overturns", snap(KindFood, StateRetestLabAssigned, "assign_retest_lab", "2024-01-17"), StepRecordRetest, "2024-01-25", lab, OutcomePass, StateOverturned, "", false},
		{"re-test upholds", snap(KindFood, StateRetestLabAssigned, "assign_retest_lab", "2024-01-17"), StepRecordRetest, "2024-01-25", lab, OutcomeFail, StateUpheld, "", false},
		{"re-test result before a lab", snap(KindFood, StateRetestAccepted), StepRecordRetest, "2024-01-25", lab, OutcomeFail, "", "sampling.step_not_allowed", false},
		// Objections.
		{"objection in time", served(KindFood), StepFileObjection, "2024-01-19", enterprise, OutcomeNone, StateServed, "", false},
		{"objection late", served(KindFood), StepFileObjection, "2024-01-25", enterprise, OutcomeNone, "", "sampling.objection_late", false},
		{"second objection", with(served(KindFood), func(s *Snapshot) { s.ObjectionState = ObjectionFiled }), StepFileObjection, "2024-01-15", enterprise, OutcomeNone, "", "sampling.objection_exists", false},
		{"objection before service", snap(KindFood, StateFailed), StepFileObjection, "2024-01-15", enterprise, OutcomeNone, "", "sampling.step_not_allowed", false},
		{"objection upheld overturns", with(served(KindFood), func(s *Snapshot) { s.ObjectionState = ObjectionFiled; s.Dates[StepFileObjection] = d("2024-01-15") }), StepDecideObjection, "2024-02-01", official, OutcomePass, StateOverturned, "", false},
		{"objection rejected", with(served(KindFood), func(s *Snapshot) { s.ObjectionState = ObjectionFiled; s.Dates[StepFileObjection] = d("2024-01-15") }), StepDecideObjection, "2024-02-01", official, OutcomeFail, StateServed, "", false},
		{"decide without objection", served(KindFood), StepDecideObjection, "2024-02-01", official, OutcomeFail, "", "sampling.no_objection", false},
		// Announcements.
		{"announce while the window is open", served(KindFood), StepAnnounce, "2024-01-19", official, OutcomeNone, "", "sampling.announce_window_open", false},
		{"announce after the window", served(KindFood), StepAnnounce, "2024-01-24", official, OutcomeNone, StateServed, "", false},
		{"announce with a re-test pending after the window", snap(KindFood, StateRetestAccepted, "serve_notice", "2024-01-12"), StepAnnounce, "2024-01-24", official, OutcomeNone, StateRetestAccepted, "", false},
		{"announce an upheld result at once", snap(KindFood, StateUpheld, "serve_notice", "2024-01-12", "record_retest", "2024-01-15"), StepAnnounce, "2024-01-15", official, OutcomeNone, StateUpheld, "", false},
		{"announce twice", with(served(KindFood), func(s *Snapshot) { s.Announced = true }), StepAnnounce, "2024-02-24", official, OutcomeNone, "", "sampling.already_announced", false},
		{"announce a pass", snap(KindFood, StatePassed), StepAnnounce, "2024-02-24", official, OutcomeNone, "", "sampling.step_not_allowed", false},
		{"announce an overturned result", snap(KindFood, StateOverturned), StepAnnounce, "2024-02-24", official, OutcomeNone, "", "sampling.step_not_allowed", false},
		// Disposal.
		{"finish disposal", served(KindFood), StepCompleteDisposal, "2024-03-01", official, OutcomeNone, StateServed, "", false},
		{"finish disposal late (day 91)", served(KindFood), StepCompleteDisposal, "2024-04-12", official, OutcomeNone, StateServed, "", true},
		{"disposal and announcement close the case", with(served(KindFood), func(s *Snapshot) { s.Announced = true }), StepCompleteDisposal, "2024-03-01", official, OutcomeNone, StateClosed, "", false},
		{"no disposal open", snap(KindFood, StateFailed), StepCompleteDisposal, "2024-03-01", official, OutcomeNone, "", "sampling.no_disposal", false},
		// Product re-checks (Order 18 Arts. 45–49).
		{"rectification for food", snap(KindFood, StateUpheld), StepOrderRectify, "2024-03-01", official, OutcomeNone, "", "sampling.product_only", false},
		{"order rectification", snap(KindProduct, StateUpheld, "serve_notice", "2024-01-12"), StepOrderRectify, "2024-02-01", official, OutcomeNone, StateRectifying, "", false},
		{"rectification while the window is open", served(KindProduct), StepOrderRectify, "2024-01-20", official, OutcomeNone, "", "sampling.step_not_allowed", false},
		{"re-check passes", snap(KindProduct, StateRectifying, "order_rectification", "2024-02-01"), StepRecheck, "2024-04-01", official, OutcomePass, StateClosed, "", false},
		{"re-check fails", snap(KindProduct, StateRectifying, "order_rectification", "2024-02-01"), StepRecheck, "2024-04-01", official, OutcomeFail, StateRecheckFailed, "", false},
		{"re-check late (day 76+)", snap(KindProduct, StateRectifying, "order_rectification", "2024-02-01"), StepRecheck, "2024-04-22", official, OutcomePass, StateClosed, "", true},
		{"provincial announcement", snap(KindProduct, StateRecheckFailed, "recheck", "2024-04-01"), StepProvAnnounce, "2024-04-10", official, OutcomeNone, StateProvAnnounced, "", false},
		{"second re-check too early (day 59)", snap(KindProduct, StateProvAnnounced, "provincial_announcement", "2024-04-10"), StepRecheck2, "2024-06-08", official, OutcomePass, "", "sampling.recheck2_early", false},
		{"second re-check on day 60", snap(KindProduct, StateProvAnnounced, "provincial_announcement", "2024-04-10"), StepRecheck2, "2024-06-11", official, OutcomePass, StateClosed, "", false},
		{"second re-check fails: suspension", snap(KindProduct, StateProvAnnounced, "provincial_announcement", "2024-04-10"), StepRecheck2, "2024-06-20", official, OutcomeFail, StateSuspended, "", false},
		{"third fails: licence revoked", snap(KindProduct, StateSuspended, "recheck2", "2024-06-20"), StepRecheck3, "2024-08-01", official, OutcomeFail, StateLicenceRevoked, "", false},
		{"third passes", snap(KindProduct, StateSuspended, "recheck2", "2024-06-20"), StepRecheck3, "2024-08-01", official, OutcomePass, StateClosed, "", false},
		{"unknown step", served(KindFood), Step("bribe"), "2024-02-01", official, OutcomeNone, "", "sampling.step_unknown", false},
	}
	for _, c := range cases {
		tr, err := wf.Check(c.s, c.step, d(c.on), c.role, c.outcome)
		if c.err != "" {
			if qcity.AsError(err) == nil || qcity.AsError(err).Key != c.err {
				t.Errorf("%s: got %v, want refusal %s", c.name, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: refused: %v", c.name, err)
			continue
		}
		if tr.To != c.want || tr.Late != c.late {
			t.Errorf("%s: to %s late %v (due %s), want %s late %v", c.name, tr.To, tr.Late, tr.DueOn, c.want, c.late)
		}
	}
}

// Deadlines count working days across Spring Festival and make-up working days.
func TestDeadlinesAcrossHolidays(t *testing.T) {
	// 2024 Spring Festival: Feb 10–17 off; Feb 4 (Sun) and Feb 18 (Sun) were working days.
	s := snap(KindFood, StateServed, "serve_notice", "2024-02-08")
	s.DisposalState = DisposalOpen
	// 7 working days after Thu Feb 8: Feb 9, 18 (make-up Sunday), 19, 20, 21, 22, 23.
	if _, err := wf.Check(s, StepRequestRetest, d("2024-02-23"), enterprise, OutcomeNone); err != nil {
		t.Errorf("Feb 23 is the 7th working day: %v", err)
	}
	if _, err := wf.Check(s, StepRequestRetest, d("2024-02-24"), enterprise, OutcomeNone); qcity.AsError(err) == nil {
		t.Error("Feb 24 is past the window")
	}
	// Product deadlines are calendar days rolled past holidays: served 2025-09-16,
	// +15 days = Oct 1 (National Day) → rolls to Oct 9.
	p := snap(KindProduct, StateServed, "serve_notice", "2025-09-16")
	if _, err := wf.Check(p, StepRequestRetest, d("2025-10-09"), enterprise, OutcomeNone); err != nil {
		t.Errorf("product window rolls to 2025-10-09: %v", err)
	}
	if _, err := wf.Check(p, StepRequestRetest, d("2025-10-10"), enterprise, OutcomeNone); qcity.AsError(err) == nil {
		t.Error("2025-10-10 is past the rolled window")
	}
	// The disposal deadline is 90 calendar days.
	pend := wf.Pending(s)
	var disposal qcity.Date
	for _, p := range pend {
		if p.Step == StepCompleteDisposal {
			disposal = p.On
		}
	}
	if disposal != d("2024-05-08") {
		t.Errorf("disposal due %s, want 2024-05-08", disposal)
	}
}

func TestPending(t *testing.T) {
	s := snap(KindFood, StateServed, "report", "2024-01-10", "serve_notice", "2024-01-12")
	s.DisposalState = DisposalOpen
	s.ObjectionState = ObjectionFiled
	s.Dates[StepFileObjection] = d("2024-01-15")
	got := wf.Pending(s)
	// Announcement: 7 WD window (to Jan 23) + 20 WD, counting the make-up Sundays Feb 4
	// and Feb 18 and skipping Spring Festival (Feb 10–17) → Feb 23. Objection decision:
	// 30 WD after Jan 15 → Feb 29. Disposal: 90 calendar days after Jan 12.
	want := []Due{{StepAnnounce, d("2024-02-23")}, {StepDecideObjection, d("2024-02-29")}, {StepCompleteDisposal, d("2024-04-11")}}
	if len(got) != len(want) {
		t.Fatalf("pending %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pending[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	for _, st := range []State{StatePassed, StateOverturned, StateClosed, StateLicenceRevoked} {
		if p := wf.Pending(snap(KindFood, st)); len(p) != 0 || !Final(st) {
			t.Errorf("final state %s has pending %v", st, p)
		}
	}
	if p := wf.Pending(snap(KindFood, StateSampled)); len(p) != 1 || p[0].Step != StepReport || p[0].On != d("2024-02-05") {
		t.Errorf("sampled: %v", p)
	}
}
