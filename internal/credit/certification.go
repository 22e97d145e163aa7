package credit

import (
	"context"
	"strings"

	"qcity"
	"qcity/internal/certification"
)

// CertificationSanctions lets certification cases feed penalties and serious-list
// proposals through the credit rules (certification.Sanctions): the case's penalty is
// a quality-domain decision recorded and published as any other, and the proposal goes
// through the gate of Order 44 Arts. 2 and 12.
type CertificationSanctions struct{ S *Service }

// RecordPenalty records the case's decision.
func (c CertificationSanctions) RecordPenalty(ctx context.Context, in certification.PenaltyRequest) (certification.Sanction, error) {
	p, err := c.S.RecordPenalty(ctx, PenaltyInput{USCC: in.USCC, DecisionNo: in.DecisionNo, DecidedOn: in.DecidedOn, Kinds: in.Kinds,
		Fine: in.Fine, Confiscated: in.Confiscated, Domain: string(DomainQuality), Violation: in.Violation, Basis: in.Basis,
		Heavier: in.Heavier})
	if err != nil {
		return certification.Sanction{}, err
	}
	return certification.Sanction{ID: p.ID, DecisionNo: p.DecisionNo, USCC: p.USCC}, nil
}

// FindPenalty finds a decision by number (officials see every decision).
func (c CertificationSanctions) FindPenalty(ctx context.Context, decisionNo string) (certification.Sanction, error) {
	if strings.TrimSpace(decisionNo) == "" {
		return certification.Sanction{}, qcity.Errorf(qcity.ENOTFOUND, "credit.penalty_not_found")
	}
	p, err := findPenalty(ctx, c.S.DB, "p.decision_no = ?", strings.TrimSpace(decisionNo))
	if err != nil {
		return certification.Sanction{}, err
	}
	return certification.Sanction{ID: p.ID, DecisionNo: p.DecisionNo, USCC: p.USCC}, nil
}

// ProposeSerious proposes the listing.
func (c CertificationSanctions) ProposeSerious(ctx context.Context, in certification.SeriousRequest) (certification.Sanction, error) {
	l, err := c.S.ProposeSerious(ctx, SeriousInput{USCC: in.USCC, PenaltyDecisionNo: in.PenaltyDecisionNo, Circumstances: in.Circumstances,
		Facts: in.Facts, IntentEstablished: in.IntentEstablished, DecisionNo: in.DecisionNo})
	if err != nil {
		return certification.Sanction{}, err
	}
	return certification.Sanction{ID: l.ID, DecisionNo: l.DecisionNo, USCC: l.USCC}, nil
}
