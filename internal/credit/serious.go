package credit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/translog"
)

// Serious-list states (Order 44; RULES.md §3).
const (
	SeriousProposed        = "proposed"
	SeriousHearing         = "hearing"
	SeriousPendingApproval = "pending_approval"
	SeriousListed          = "listed"
	SeriousRemovalApplied  = "early_removal_applied"
	SeriousRemovedEarly    = "removed_early"
	SeriousRejected        = "rejected"
	SeriousExpired         = "expired"
	SeriousRevoked         = "revoked"
)

// Measures of Order 44 Art. 15.
var Measures = []string{"procurement", "key_supervision", "no_commitment", "no_honours", "joint_punishment"}

// Serious is a serious-list record, from proposal to its end.
type Serious struct {
	ID                  int64      `json:"id"`
	EntityID            int64      `json:"-"`
	USCC                string     `json:"uscc"`
	Name                string     `json:"name"`
	Region              string     `json:"region_code"`
	PenaltyID           int64      `json:"penalty_id"`
	PenaltyNo           string     `json:"penalty_decision_no"`
	Circumstances       []string   `json:"circumstances"`
	Facts               string     `json:"facts"`
	Measures            []string   `json:"measures"`
	State               string     `json:"state"`
	ProposedOn          qcity.Date `json:"proposed_on"`
	ProposedBy          string     `json:"proposed_by"`
	HearingOn           qcity.Date `json:"hearing_on"`
	HearingNote         string     `json:"hearing_note"`
	ApprovalRequestedOn qcity.Date `json:"approval_requested_on"`
	ApprovedOn          qcity.Date `json:"approved_on"`
	ApprovedBy          string     `json:"approved_by"`
	ListedOn            qcity.Date `json:"listed_on"`
	RestrictionUntil    qcity.Date `json:"restriction_until"`
	ExpiresOn           qcity.Date `json:"expires_on"`
	DecisionNo          string     `json:"decision_no"`
	Authority           string     `json:"authority"`
	LegalRepCommitment  string     `json:"legal_rep_commitment,omitempty"`
	Relisted            int        `json:"relisted"`
	RemovedOn           qcity.Date `json:"removed_on"`
	RemovalNote         string     `json:"removal_note"`
	Version             int        `json:"version"`
}

// Public reports whether the record has ever been public (it was listed).
func (l Serious) Public() bool { return !l.ListedOn.IsZero() }

// PublicState is the state the log records.
func (l Serious) PublicState() SeriousState {
	st := SeriousState{USCC: l.USCC, Circumstances: l.Circumstances, DecisionNo: l.DecisionNo, Authority: l.Authority,
		ListedOn: l.ListedOn, ExpiresOn: l.ExpiresOn, State: l.State, Relisted: l.Relisted, LegalRep: l.LegalRepCommitment}
	if st.State == SeriousRemovalApplied {
		st.State = SeriousListed // an application does not change what is published
	}
	if st.State != SeriousListed {
		st.RemovedOn = l.RemovedOn
	}
	if st.Circumstances == nil {
		st.Circumstances = []string{}
	}
	return st
}

const seriousColumns = `l.id, l.entity_id, e.uscc, e.name, l.region_code, COALESCE(l.penalty_id, 0),
	COALESCE((SELECT decision_no FROM penalties WHERE id = l.penalty_id), ''), l.circumstances, l.facts, l.measures, l.state,
	l.proposed_on, l.proposed_by, l.hearing_on, l.hearing_note, l.approval_requested_on, l.approved_on, l.approved_by,
	l.listed_on, l.restriction_until, l.expires_on, l.decision_no, l.authority, l.legal_rep_commitment, l.relisted_count,
	l.removed_on, l.removal_note, l.version`

func scanSerious(row interface{ Scan(...any) error }) (Serious, error) {
	var l Serious
	var circ, measures string
	err := row.Scan(&l.ID, &l.EntityID, &l.USCC, &l.Name, &l.Region, &l.PenaltyID, &l.PenaltyNo, &circ, &l.Facts, &measures, &l.State,
		&l.ProposedOn, &l.ProposedBy, &l.HearingOn, &l.HearingNote, &l.ApprovalRequestedOn, &l.ApprovedOn, &l.ApprovedBy,
		&l.ListedOn, &l.RestrictionUntil, &l.ExpiresOn, &l.DecisionNo, &l.Authority, &l.LegalRepCommitment, &l.Relisted,
		&l.RemovedOn, &l.RemovalNote, &l.Version)
	unmarshalJSON(circ, &l.Circumstances)
	unmarshalJSON(measures, &l.Measures)
	return l, err
}

func findSerious(ctx context.Context, q db.Querier, id int64) (Serious, error) {
	l, err := scanSerious(q.QueryRow(ctx, `SELECT `+seriousColumns+` FROM serious_listings l JOIN entities e ON e.id = l.entity_id
		WHERE l.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return l, qcity.Errorf(qcity.ENOTFOUND, "credit.listing_not_found")
	}
	return l, qcity.Internal(err)
}

// FindSerious returns one record: public once listed; proposals only to officials of
// the region and the enterprise.
func (s *Service) FindSerious(ctx context.Context, id int64) (Serious, error) {
	l, err := findSerious(ctx, s.DB, id)
	if err != nil {
		return l, err
	}
	if !l.Public() && !mayViewPrivate(qcity.ActorFrom(ctx), l.USCC, l.Region) {
		return Serious{}, qcity.Errorf(qcity.ENOTFOUND, "credit.listing_not_found")
	}
	return l, nil
}

// SeriousInput proposes a listing together with its penalty decision (Art. 13).
type SeriousInput struct {
	USCC              string     `json:"uscc"`
	PenaltyDecisionNo string     `json:"penalty_decision_no"`
	Circumstances     []string   `json:"circumstances"`
	Facts             string     `json:"facts"`
	Measures          []string   `json:"measures"`
	IntentEstablished bool       `json:"intent_established"` // Art. 12: no intent proven, no listing
	RestrictionUntil  qcity.Date `json:"restriction_until"`
	DecisionNo        string     `json:"decision_no"`
}

// ProposeSerious records a proposal. The gate of Art. 2: the penalty must be a heavier
// one (较重处罚) on the same entity, and intent must be established (Art. 12).
func (s *Service) ProposeSerious(ctx context.Context, in SeriousInput) (Serious, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	actor := qcity.ActorFrom(ctx)
	var errs []qcity.FieldError
	l := Serious{State: SeriousProposed, ProposedOn: today, ProposedBy: actor.Name, RestrictionUntil: in.RestrictionUntil}
	l.Facts = checkText(&errs, "facts", in.Facts, true, 4000)
	l.DecisionNo = checkText(&errs, "decision_no", in.DecisionNo, false, 60)
	if len(in.Circumstances) == 0 {
		errs = append(errs, qcity.Field("circumstances", "registry.required"))
	}
	for _, c := range in.Circumstances {
		if !ValidCircumstance(c) {
			errs = append(errs, qcity.Field("circumstances", "credit.circumstance_unknown", "code", c))
			break
		}
		if !slices.Contains(l.Circumstances, c) {
			l.Circumstances = append(l.Circumstances, c)
		}
	}
	l.Measures = in.Measures
	if len(l.Measures) == 0 {
		l.Measures = Measures
	}
	for _, m := range l.Measures {
		if !slices.Contains(Measures, m) {
			errs = append(errs, qcity.Field("measures", "credit.measure_unknown"))
			break
		}
	}
	if !in.IntentEstablished {
		errs = append(errs, qcity.Field("intent_established", "credit.intent_required"))
	}
	if !l.RestrictionUntil.IsZero() && !l.RestrictionUntil.After(today) {
		errs = append(errs, qcity.Field("restriction_until", "credit.restriction_before"))
	}
	p, perr := findParty(ctx, s.DB, in.USCC)
	if perr != nil {
		if qcity.ErrorCode(perr) != qcity.ENOTFOUND {
			return Serious{}, perr
		}
		errs = append(errs, qcity.Field("uscc", "registry.entity_not_found", "uscc", in.USCC))
	}
	var pen Penalty
	if perr == nil {
		var err error
		pen, err = findPenalty(ctx, s.DB, "p.decision_no = ?", strings.TrimSpace(in.PenaltyDecisionNo))
		switch {
		case qcity.ErrorCode(err) == qcity.ENOTFOUND:
			errs = append(errs, qcity.Field("penalty_decision_no", "credit.penalty_not_found"))
		case err != nil:
			return Serious{}, err
		case pen.EntityID != p.ID:
			errs = append(errs, qcity.Field("penalty_decision_no", "credit.penalty_other_entity"))
		case !pen.Heavier:
			errs = append(errs, qcity.Field("penalty_decision_no", "credit.penalty_not_heavier"))
		case pen.State == PenaltyWithdrawn:
			errs = append(errs, qcity.Field("penalty_decision_no", "credit.penalty_withdrawn"))
		}
	}
	if len(errs) > 0 {
		return Serious{}, qcity.Invalid(errs...)
	}
	if err := canDecide(actor, p.Region); err != nil {
		return Serious{}, err
	}
	l.EntityID, l.USCC, l.Name, l.Region, l.PenaltyID, l.PenaltyNo = p.ID, p.USCC, p.Name, p.Region, pen.ID, pen.DecisionNo
	if l.RestrictionUntil.IsZero() {
		l.RestrictionUntil = pen.RestrictionUntil
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM serious_listings WHERE penalty_id = ? AND state NOT IN (?, ?, ?, ?)`,
			pen.ID, SeriousRejected, SeriousExpired, SeriousRevoked, SeriousRemovedEarly).Scan(&n); err != nil {
			return qcity.Internal(err)
		}
		if n > 0 {
			return qcity.Errorf(qcity.ECONFLICT, "credit.already_listed")
		}
		err := tx.QueryRow(ctx, `INSERT INTO serious_listings (entity_id, region_code, penalty_id, circumstances, facts, measures,
			state, proposed_on, proposed_by, restriction_until, decision_no, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			l.EntityID, l.Region, l.PenaltyID, marshal(l.Circumstances), l.Facts, marshal(l.Measures), l.State, l.ProposedOn,
			l.ProposedBy, l.RestrictionUntil, l.DecisionNo, now, now).Scan(&l.ID)
		if err != nil {
			return qcity.Internal(err)
		}
		l.Version = 1
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "serious_listing",
			ObjectID: fmt.Sprint(l.ID), Region: l.Region, Summary: "拟列入严重违法失信名单 " + l.USCC, After: l})
	})
	return l, err
}

// Serious-list steps an official takes.
const (
	StepHearing = "hearing" // the party asked for a hearing; it is recorded
	StepSubmit  = "submit"  // proposal goes for approval, or is listed where none is needed
	StepApprove = "approve" // the higher level consents: listed
	StepReject  = "reject"  // the proposal is not approved
	StepRevoke  = "revoke"  // the penalty was annulled (Art. 19)
	StepRelist  = "relist"  // an early removal was obtained by fraud: listed again, term restarted (Art. 20)
)

// SeriousSteps lists the steps.
var SeriousSteps = []string{StepHearing, StepSubmit, StepApprove, StepReject, StepRevoke, StepRelist}

// NextSeriousSteps returns the steps allowed from a state under the configuration.
func NextSeriousSteps(state string) []string {
	switch state {
	case SeriousProposed:
		return []string{StepHearing, StepSubmit, StepReject}
	case SeriousHearing:
		return []string{StepSubmit, StepReject}
	case SeriousPendingApproval:
		return []string{StepApprove, StepReject}
	case SeriousListed, SeriousRemovalApplied:
		return []string{StepRevoke}
	case SeriousRemovedEarly:
		return []string{StepRelist}
	}
	return nil
}

// StepSerious moves a record on by one step, refusing a step out of order.
func (s *Service) StepSerious(ctx context.Context, id int64, step, note string) (Serious, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	actor := qcity.ActorFrom(ctx)
	note = strings.TrimSpace(note)
	var l Serious
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if l, err = findSerious(ctx, tx, id); err != nil {
			return err
		}
		if err := canDecide(actor, l.Region); err != nil {
			return err
		}
		if !slices.Contains(NextSeriousSteps(l.State), step) {
			return qcity.Errorf(qcity.ECONFLICT, "credit.step_not_allowed", "step", qcity.MsgKey("credit.step_"+step))
		}
		if len([]rune(note)) > 2000 {
			return qcity.Invalid(qcity.Field("note", "registry.text_length", "max", 2000))
		}
		if (step == StepReject || step == StepRevoke) && note == "" {
			// The reasons, or the decision that annulled the listing's basis (Art. 19).
			return qcity.Invalid(qcity.Field("note", "credit.note_required"))
		}
		before := l
		var recs []logRec
		switch step {
		case StepHearing:
			if note == "" {
				return qcity.Invalid(qcity.Field("note", "credit.note_required"))
			}
			l.State, l.HearingOn, l.HearingNote = SeriousHearing, today, note
		case StepSubmit:
			if s.Config().SeriousApproval {
				l.State, l.ApprovalRequestedOn = SeriousPendingApproval, today
				break
			}
			r, err := s.listSerious(ctx, tx, &l, today)
			if err != nil {
				return err
			}
			recs = append(recs, r)
		case StepApprove:
			// The higher level's consent: a county's proposal is approved by the city; a
			// city's proposal records the provincial consent in the note.
			if actor.Role == qcity.RoleCountyOfficial {
				return qcity.Errorf(qcity.EFORBIDDEN, "credit.approval_higher_level")
			}
			if len(l.Region) >= 6 && s.Jurisdiction != nil && l.Region[:6] == s.Jurisdiction.Prefecture.Code && note == "" {
				return qcity.Invalid(qcity.Field("note", "credit.consent_reference"))
			}
			l.ApprovedOn, l.ApprovedBy = today, actor.Name
			r, err := s.listSerious(ctx, tx, &l, today)
			if err != nil {
				return err
			}
			recs = append(recs, r)
		case StepReject:
			l.State, l.RemovalNote = SeriousRejected, note
		case StepRevoke:
			l.State, l.RemovedOn, l.RemovalNote = SeriousRevoked, today, note
			recs = append(recs, logRec{l.USCC, recordOf(KindSeriousRevoked, seriousRef(l.ID), l.USCC, today, l.PublicState())})
			if err := s.closeRepairs(ctx, tx, "serious", l.ID, today); err != nil {
				return err
			}
		case StepRelist:
			if note == "" {
				return qcity.Invalid(qcity.Field("note", "credit.note_required"))
			}
			l.Relisted++
			l.RemovalNote = note
			r, err := s.listSerious(ctx, tx, &l, today)
			if err != nil {
				return err
			}
			r.rec.Kind = KindSeriousRelisted
			recs = append(recs, r)
		}
		if err := s.saveSerious(ctx, tx, &l); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "serious_listing",
			ObjectID: fmt.Sprint(l.ID), Region: l.Region, Summary: "严重违法失信名单 " + step + " " + l.USCC, Before: before, After: l}); err != nil {
			return err
		}
		return s.finish(ctx, tx, recs, l.USCC)
	})
	return l, err
}

// listSerious puts l on the list on day on: term of three years or the longer
// restriction, a decision number, a fresh commitment to the legal representative.
func (s *Service) listSerious(ctx context.Context, tx *db.Tx, l *Serious, on qcity.Date) (logRec, error) {
	p, err := findPartyByID(ctx, tx, l.EntityID)
	if err != nil {
		return logRec{}, err
	}
	l.State, l.ListedOn, l.RemovedOn = SeriousListed, on, qcity.Date{}
	l.ExpiresOn = SeriousExpires(on, l.RestrictionUntil)
	l.Authority = s.Authority(l.Region)
	if l.DecisionNo == "" || l.Relisted > 0 {
		if l.DecisionNo, err = s.nextDecisionNo(ctx, tx, "严失列", on.Year); err != nil {
			return logRec{}, err
		}
	}
	sec := translog.Commit(p.LegalRep)
	l.LegalRepCommitment = sec.Commitment
	return logRec{l.USCC, recordOf(KindSeriousListed, seriousRef(l.ID), l.USCC, on, l.PublicState(), sec)}, nil
}

func (s *Service) saveSerious(ctx context.Context, tx *db.Tx, l *Serious) error {
	_, err := tx.Exec(ctx, `UPDATE serious_listings SET state = ?, hearing_on = ?, hearing_note = ?, approval_requested_on = ?,
		approved_on = ?, approved_by = ?, listed_on = ?, expires_on = ?, decision_no = ?, authority = ?, legal_rep_commitment = ?,
		relisted_count = ?, removed_on = ?, removal_note = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
		l.State, l.HearingOn, l.HearingNote, l.ApprovalRequestedOn, l.ApprovedOn, l.ApprovedBy, l.ListedOn, l.ExpiresOn,
		l.DecisionNo, l.Authority, l.LegalRepCommitment, l.Relisted, l.RemovedOn, l.RemovalNote, s.Clock.Now().UTC(), l.ID)
	l.Version++
	return qcity.Internal(err)
}

// revokeSeriousOf revokes the listings grounded on an annulled penalty and drops the
// proposals.
func (s *Service) revokeSeriousOf(ctx context.Context, tx *db.Tx, penaltyID int64, on qcity.Date, note string) ([]logRec, error) {
	rows, err := tx.Query(ctx, `SELECT l.id FROM serious_listings l WHERE l.penalty_id = ? AND l.state IN (?, ?, ?, ?, ?)`,
		penaltyID, SeriousProposed, SeriousHearing, SeriousPendingApproval, SeriousListed, SeriousRemovalApplied)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var recs []logRec
	for _, id := range ids {
		l, err := findSerious(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if l.Public() {
			l.State, l.RemovedOn, l.RemovalNote = SeriousRevoked, on, note
			recs = append(recs, logRec{l.USCC, recordOf(KindSeriousRevoked, seriousRef(l.ID), l.USCC, on, l.PublicState())})
			if err := s.closeRepairs(ctx, tx, "serious", l.ID, on); err != nil {
				return nil, err
			}
		} else {
			l.State, l.RemovalNote = SeriousRejected, note
		}
		if err := s.saveSerious(ctx, tx, &l); err != nil {
			return nil, err
		}
	}
	return recs, nil
}

// SeriousFilter selects serious-list records.
type SeriousFilter struct {
	Q        string
	Region   string
	State    string // "active" = listed (incl. an early removal pending); a state; "" = every public record
	EntityID int64
	Limit    int
	Offset   int
}

// FindSeriousList lists records. Non-public states (proposals) only with private.
func (s *Service) FindSeriousList(ctx context.Context, f SeriousFilter, private bool) ([]Serious, int, error) {
	var where []string
	var args []any
	switch {
	case f.State == "active":
		where, args = append(where, "l.state IN (?, ?)"), append(args, SeriousListed, SeriousRemovalApplied)
	case f.State != "":
		where, args = append(where, "l.state = ?"), append(args, f.State)
	}
	if !private || f.State == "" {
		where = append(where, "l.listed_on IS NOT NULL")
	}
	if f.Region != "" {
		where, args = append(where, "l.region_code LIKE ?"), append(args, f.Region+"%")
	}
	if f.EntityID != 0 {
		where, args = append(where, "l.entity_id = ?"), append(args, f.EntityID)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where, args = append(where, `(e.uscc = ? OR e.name LIKE ? ESCAPE '\')`), append(args, strings.ToUpper(q), "%"+db.EscapeLike(q)+"%")
	}
	return page(ctx, s.DB, seriousColumns, "serious_listings l JOIN entities e ON e.id = l.entity_id", where, args,
		"COALESCE(l.listed_on, l.proposed_on) DESC, l.id DESC", f.Limit, f.Offset, scanSerious)
}
