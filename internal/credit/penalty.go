package credit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/translog"
)

// Penalty states.
const (
	PenaltyUnpublished = "unpublished" // warning only: not published (Order 45 Art. 9)
	PenaltyPublished   = "published"
	PenaltyEnded       = "ended"       // publicity term over
	PenaltyEndedEarly  = "ended_early" // credit repair
	PenaltyWithdrawn   = "withdrawn"   // the decision was annulled
)

// Penalty is an administrative penalty decision (行政处罚决定) and its publicity.
type Penalty struct {
	ID                 int64         `json:"id"`
	EntityID           int64         `json:"-"`
	USCC               string        `json:"uscc"`
	Name               string        `json:"name"`
	EntityType         string        `json:"entity_type"`
	Region             string        `json:"region_code"`
	DecisionNo         string        `json:"decision_no"`
	Authority          string        `json:"authority"`
	DecidedOn          qcity.Date    `json:"decided_on"`
	Kinds              []PenaltyKind `json:"kinds"`
	FineFen            int64         `json:"fine_fen"`
	ConfiscatedFen     int64         `json:"confiscated_fen"`
	Domain             Domain        `json:"domain"`
	Violation          string        `json:"violation"`
	Basis              string        `json:"basis"`
	Heavier            bool          `json:"heavier"`
	RestrictionUntil   qcity.Date    `json:"restriction_until"`
	State              string        `json:"state"`
	PublishedOn        qcity.Date    `json:"published_on"`
	PublicityTerm      string        `json:"publicity_term"`
	PublicityEndsOn    qcity.Date    `json:"publicity_ends_on"`
	EarlyEndFrom       qcity.Date    `json:"early_end_from"`
	EndedOn            qcity.Date    `json:"ended_on"`
	LegalRepCommitment string        `json:"legal_rep_commitment,omitempty"`
	CreditChinaStatus  string        `json:"credit_china_status"`
	AnnulledOn         qcity.Date    `json:"annulled_on"`
	Version            int           `json:"version"`
}

// PublicState is the state the log records for a published penalty.
func (p Penalty) PublicState() PenaltyState {
	st := PenaltyState{USCC: p.USCC, DecisionNo: p.DecisionNo, Authority: p.Authority, DecidedOn: p.DecidedOn,
		Kinds: make([]string, len(p.Kinds)), Violation: p.Violation, Basis: p.Basis, PublishedOn: p.PublishedOn,
		PublicityEndsOn: p.PublicityEndsOn, State: p.State, EndedOn: p.EndedOn, LegalRep: p.LegalRepCommitment}
	for i, k := range p.Kinds {
		st.Kinds[i] = string(k)
	}
	if p.FineFen > 0 {
		st.Fine = FormatYuan(p.FineFen)
	}
	if p.ConfiscatedFen > 0 {
		st.Confiscated = FormatYuan(p.ConfiscatedFen)
	}
	return st
}

const penaltyColumns = `p.id, p.entity_id, e.uscc, e.name, e.entity_type, p.region_code, p.decision_no, p.authority, p.decided_on,
	p.kinds, p.fine_fen, p.confiscated_fen, p.domain, p.violation, p.basis, p.heavier, p.restriction_until, p.state,
	p.published_on, p.publicity_term, p.publicity_ends_on, p.early_end_from, p.ended_on, p.legal_rep_commitment,
	p.credit_china_status, p.annulled_on, p.version`

func scanPenalty(row interface{ Scan(...any) error }) (Penalty, error) {
	var p Penalty
	var kinds, domain string
	err := row.Scan(&p.ID, &p.EntityID, &p.USCC, &p.Name, &p.EntityType, &p.Region, &p.DecisionNo, &p.Authority, &p.DecidedOn,
		&kinds, &p.FineFen, &p.ConfiscatedFen, &domain, &p.Violation, &p.Basis, &p.Heavier, &p.RestrictionUntil, &p.State,
		&p.PublishedOn, &p.PublicityTerm, &p.PublicityEndsOn, &p.EarlyEndFrom, &p.EndedOn, &p.LegalRepCommitment,
		&p.CreditChinaStatus, &p.AnnulledOn, &p.Version)
	p.Domain = Domain(domain)
	for k := range strings.SplitSeq(kinds, ",") {
		if k != "" {
			p.Kinds = append(p.Kinds, PenaltyKind(k))
		}
	}
	return p, err
}

func findPenalty(ctx context.Context, q db.Querier, where string, arg any) (Penalty, error) {
	p, err := scanPenalty(q.QueryRow(ctx, `SELECT `+penaltyColumns+` FROM penalties p JOIN entities e ON e.id = p.entity_id
		WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return p, qcity.Errorf(qcity.ENOTFOUND, "credit.penalty_not_found")
	}
	return p, qcity.Internal(err)
}

// PenaltyInput is a penalty decision as an official records it.
type PenaltyInput struct {
	USCC             string     `json:"uscc"`
	DecisionNo       string     `json:"decision_no"`
	DecidedOn        qcity.Date `json:"decided_on"`
	Kinds            []string   `json:"kinds"`
	Fine             string     `json:"fine"`        // yuan
	Confiscated      string     `json:"confiscated"` // yuan
	Domain           string     `json:"domain"`
	Violation        string     `json:"violation"`
	Basis            string     `json:"basis"`
	Heavier          bool       `json:"heavier"` // a fine at the heavier end of the discretion benchmark (从重)
	RestrictionUntil qcity.Date `json:"restriction_until"`
}

func checkText(errs *[]qcity.FieldError, field, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	switch n := utf8.RuneCountInString(v); {
	case n == 0 && required:
		*errs = append(*errs, qcity.Field(field, "registry.required"))
	case n > max:
		*errs = append(*errs, qcity.Field(field, "registry.text_length", "max", max))
	case strings.ContainsAny(v, "<>\x00"):
		*errs = append(*errs, qcity.Field(field, "credit.text_chars"))
	}
	return v
}

// RecordPenalty records a decision and publishes it per Order 45: today, unless it is
// a warning only. The legal representative's name goes to the log as a commitment.
func (s *Service) RecordPenalty(ctx context.Context, in PenaltyInput) (Penalty, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	var errs []qcity.FieldError
	p := Penalty{DecidedOn: in.DecidedOn, Domain: Domain(in.Domain), Heavier: in.Heavier, RestrictionUntil: in.RestrictionUntil}
	p.DecisionNo = checkText(&errs, "decision_no", in.DecisionNo, true, 60)
	p.Violation = checkText(&errs, "violation", in.Violation, true, 2000)
	p.Basis = checkText(&errs, "basis", in.Basis, true, 1000)
	switch {
	case p.DecidedOn.IsZero():
		errs = append(errs, qcity.Field("decided_on", "registry.required"))
	case p.DecidedOn.After(today):
		errs = append(errs, qcity.Field("decided_on", "credit.date_future"))
	case p.DecidedOn.Year < 2000:
		errs = append(errs, qcity.Field("decided_on", "credit.date_too_old"))
	}
	if len(in.Kinds) == 0 {
		errs = append(errs, qcity.Field("kinds", "registry.required"))
	}
	for _, k := range in.Kinds {
		if !slices.Contains(PenaltyKinds, PenaltyKind(k)) {
			errs = append(errs, qcity.Field("kinds", "credit.kind_unknown", "kind", k))
			break
		}
		if !slices.Contains(p.Kinds, PenaltyKind(k)) {
			p.Kinds = append(p.Kinds, PenaltyKind(k))
		}
	}
	slices.SortFunc(p.Kinds, func(a, b PenaltyKind) int { return slices.Index(PenaltyKinds, a) - slices.Index(PenaltyKinds, b) })
	var err error
	if p.FineFen, err = ParseYuan(in.Fine); err != nil {
		errs = append(errs, qcity.Field("fine", "credit.amount_format"))
	} else if slices.Contains(p.Kinds, PenaltyFine) != (p.FineFen > 0) {
		errs = append(errs, qcity.Field("fine", "credit.fine_needs_kind"))
	}
	if p.ConfiscatedFen, err = ParseYuan(in.Confiscated); err != nil {
		errs = append(errs, qcity.Field("confiscated", "credit.amount_format"))
	}
	if !slices.Contains(Domains, p.Domain) {
		errs = append(errs, qcity.Field("domain", "credit.domain_unknown"))
	}
	if !p.RestrictionUntil.IsZero() && !p.DecidedOn.IsZero() && !p.RestrictionUntil.After(p.DecidedOn) {
		errs = append(errs, qcity.Field("restriction_until", "credit.restriction_before"))
	}
	pt, perr := findParty(ctx, s.DB, in.USCC)
	if perr != nil {
		if qcity.ErrorCode(perr) != qcity.ENOTFOUND {
			return Penalty{}, perr
		}
		errs = append(errs, qcity.Field("uscc", "registry.entity_not_found", "uscc", in.USCC))
	}
	if len(errs) > 0 {
		return Penalty{}, qcity.Invalid(errs...)
	}
	if err := canDecide(qcity.ActorFrom(ctx), pt.Region); err != nil {
		return Penalty{}, err
	}
	p.EntityID, p.USCC, p.Name, p.EntityType, p.Region = pt.ID, pt.USCC, pt.Name, pt.Type, pt.Region
	p.Authority = s.Authority(pt.Region)
	p.Heavier = p.Heavier || Heavier(p.Kinds)
	pub := PenaltyPublicity(PenaltyFacts{Kinds: p.Kinds, FineFen: p.FineFen, NaturalPerson: pt.natural(), Domain: p.Domain,
		RestrictionUntil: p.RestrictionUntil}, s.Config().Thresholds, today)
	p.State = PenaltyUnpublished
	var secret translog.Secret
	if pub.Published {
		p.State, p.PublishedOn, p.PublicityTerm, p.PublicityEndsOn, p.EarlyEndFrom = PenaltyPublished, today, pub.Term, pub.EndsOn, pub.EarlyEndFrom
		secret = translog.Commit(pt.LegalRep)
		p.LegalRepCommitment = secret.Commitment
	}
	kinds := make([]string, len(p.Kinds))
	for i, k := range p.Kinds {
		kinds[i] = string(k)
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO penalties (entity_id, region_code, decision_no, authority, decided_on, kinds, fine_fen,
			confiscated_fen, domain, violation, basis, heavier, restriction_until, state, published_on, publicity_term,
			publicity_ends_on, early_end_from, legal_rep_commitment, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.EntityID, p.Region, p.DecisionNo, p.Authority, p.DecidedOn, strings.Join(kinds, ","), p.FineFen, p.ConfiscatedFen,
			string(p.Domain), p.Violation, p.Basis, p.Heavier, p.RestrictionUntil, p.State, p.PublishedOn, p.PublicityTerm,
			p.PublicityEndsOn, p.EarlyEndFrom, p.LegalRepCommitment, now, now).Scan(&p.ID)
		if db.IsUniqueViolation(err) {
			return &qcity.Error{Code: qcity.ECONFLICT, Key: "credit.decision_taken",
				Fields: []qcity.FieldError{qcity.Field("decision_no", "credit.decision_taken")}}
		}
		if err != nil {
			return qcity.Internal(err)
		}
		p.Version = 1
		if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "penalty",
			ObjectID: fmt.Sprint(p.ID), Region: p.Region, Summary: "行政处罚 " + p.USCC + " " + p.DecisionNo, After: p}); err != nil {
			return err
		}
		var recs []logRec
		if pub.Published {
			recs = append(recs, logRec{p.USCC, recordOf(KindPenaltyPublished, penaltyRef(p.ID), p.USCC, today, p.PublicState(), secret)})
		}
		return s.finish(ctx, tx, recs, p.USCC)
	})
	return p, err
}

// endPublicity ends a penalty's publicity (term over, repair approved, or annulled)
// and erases the opening of its personal-data commitment.
func (s *Service) endPublicity(ctx context.Context, tx *db.Tx, p *Penalty, state, kind string, on qcity.Date) (logRec, error) {
	if p.State != PenaltyPublished {
		return logRec{}, qcity.Errorf(qcity.ECONFLICT, "credit.not_published")
	}
	p.State, p.EndedOn = state, on
	if state == PenaltyWithdrawn {
		p.AnnulledOn = on
	}
	now := s.Clock.Now().UTC()
	if _, err := tx.Exec(ctx, `UPDATE penalties SET state = ?, ended_on = ?, annulled_on = ?, updated_at = ?, version = version + 1
		WHERE id = ?`, p.State, p.EndedOn, p.AnnulledOn, now, p.ID); err != nil {
		return logRec{}, qcity.Internal(err)
	}
	p.Version++
	if err := translog.Erase(ctx, tx, now, p.LegalRepCommitment); err != nil {
		return logRec{}, err
	}
	return logRec{p.USCC, recordOf(kind, penaltyRef(p.ID), p.USCC, on, p.PublicState())}, nil
}

// FindPenalty returns a penalty. Published ones are public; others are visible to
// officials of the region and to the enterprise.
func (s *Service) FindPenalty(ctx context.Context, id int64) (Penalty, error) {
	p, err := findPenalty(ctx, s.DB, "p.id = ?", id)
	if err != nil {
		return p, err
	}
	if p.State != PenaltyPublished && !mayViewPrivate(qcity.ActorFrom(ctx), p.USCC, p.Region) {
		return Penalty{}, qcity.Errorf(qcity.ENOTFOUND, "credit.penalty_not_found")
	}
	return p, nil
}

// AnnulPenalty withdraws an annulled decision (撤销) within 3 WD: its publication ends
// and every serious-list listing grounded on it is revoked (Order 44 Art. 19).
func (s *Service) AnnulPenalty(ctx context.Context, id int64, note string) (Penalty, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	var p Penalty
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if p, err = findPenalty(ctx, tx, "p.id = ?", id); err != nil {
			return err
		}
		if err := canDecide(qcity.ActorFrom(ctx), p.Region); err != nil {
			return err
		}
		before := p
		var recs []logRec
		switch p.State {
		case PenaltyPublished:
			r, err := s.endPublicity(ctx, tx, &p, PenaltyWithdrawn, KindPenaltyWithdrawn, today)
			if err != nil {
				return err
			}
			recs = append(recs, r)
		case PenaltyUnpublished, PenaltyEnded, PenaltyEndedEarly:
			p.State, p.AnnulledOn = PenaltyWithdrawn, today
			if p.EndedOn.IsZero() {
				p.EndedOn = today
			}
			if _, err := tx.Exec(ctx, `UPDATE penalties SET state = ?, annulled_on = ?, ended_on = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
				p.State, p.AnnulledOn, p.EndedOn, now, p.ID); err != nil {
				return qcity.Internal(err)
			}
			if before.State != PenaltyUnpublished {
				recs = append(recs, logRec{p.USCC, recordOf(KindPenaltyWithdrawn, penaltyRef(p.ID), p.USCC, today, p.PublicState())})
			}
		default:
			return qcity.Errorf(qcity.ECONFLICT, "credit.already_withdrawn")
		}
		rs, err := s.revokeSeriousOf(ctx, tx, p.ID, today, strings.TrimSpace("行政处罚决定被撤销 "+note))
		if err != nil {
			return err
		}
		recs = append(recs, rs...)
		if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "penalty",
			ObjectID: fmt.Sprint(p.ID), Region: p.Region, Summary: "撤销行政处罚 " + p.DecisionNo, Before: before, After: p}); err != nil {
			return err
		}
		return s.finish(ctx, tx, recs)
	})
	return p, err
}

// Credit China (信用中国) repair statuses, tracked separately (NDRC Order 58).
var CreditChinaStatuses = []string{"", "requested", "repaired", "refused"}

// SetCreditChina records the separate Credit China repair status of a penalty.
func (s *Service) SetCreditChina(ctx context.Context, id int64, status string) (Penalty, error) {
	if !slices.Contains(CreditChinaStatuses, status) {
		return Penalty{}, qcity.Invalid(qcity.Field("credit_china_status", "credit.status_unknown"))
	}
	now := s.Clock.Now().UTC()
	var p Penalty
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if p, err = findPenalty(ctx, tx, "p.id = ?", id); err != nil {
			return err
		}
		if err := canDecide(qcity.ActorFrom(ctx), p.Region); err != nil {
			return err
		}
		before := p
		p.CreditChinaStatus = status
		if _, err := tx.Exec(ctx, `UPDATE penalties SET credit_china_status = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
			status, now, p.ID); err != nil {
			return qcity.Internal(err)
		}
		p.Version++
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "penalty",
			ObjectID: fmt.Sprint(p.ID), Region: p.Region, Summary: "信用中国修复状态 " + status, Before: before, After: p})
	})
	return p, err
}

// PenaltyFilter selects penalties.
type PenaltyFilter struct {
	Q        string
	Region   string
	State    string // "" = published (public); "all" = every state (officials)
	EntityID int64
	Limit    int
	Offset   int
}

// FindPenalties lists penalties. Only officials may ask for states other than published.
func (s *Service) FindPenalties(ctx context.Context, f PenaltyFilter) ([]Penalty, int, error) {
	a := qcity.ActorFrom(ctx)
	var where []string
	var args []any
	switch {
	case f.State == "" || !a.IsOfficial() && a.Kind != qcity.ActorSystem:
		where, args = append(where, "p.state = ?"), append(args, PenaltyPublished)
	case f.State != "all":
		where, args = append(where, "p.state = ?"), append(args, f.State)
	}
	if a.IsOfficial() && a.Region != "" && f.State != "" {
		where, args = append(where, "p.region_code LIKE ?"), append(args, a.Region+"%")
	}
	if f.Region != "" {
		where, args = append(where, "p.region_code LIKE ?"), append(args, f.Region+"%")
	}
	if f.EntityID != 0 {
		where, args = append(where, "p.entity_id = ?"), append(args, f.EntityID)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where, args = append(where, `(e.uscc = ? OR e.name LIKE ? ESCAPE '\' OR p.decision_no = ?)`), append(args, strings.ToUpper(q), "%"+db.EscapeLike(q)+"%", q)
	}
	return page(ctx, s.DB, penaltyColumns, "penalties p JOIN entities e ON e.id = p.entity_id", where, args,
		"p.decided_on DESC, p.id DESC", f.Limit, f.Offset, scanPenalty)
}
