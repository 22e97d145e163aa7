package credit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
)

// Reasons for an abnormal listing (经营异常名录管理办法 Art. 4, as revised 2025).
const (
	ReasonAnnualReport = "annual_report" // 未按期公示年度报告
	ReasonAdhocInfo    = "adhoc_info"    // 未在责令期限内公示即时信息
	ReasonNameChange   = "name_change"   // 未依法办理名称变更登记
	ReasonUnreachable  = "unreachable"   // 通过登记的住所或者经营场所无法联系
)

// Reasons lists the reasons.
var Reasons = []string{ReasonAnnualReport, ReasonAdhocInfo, ReasonNameChange, ReasonUnreachable}

// Abnormal-listing states.
const (
	StateProposed       = "proposed"
	StateListed         = "listed"
	StateRemoved        = "removed"
	StateRevoked        = "revoked"
	StateWithdrawn      = "withdrawn"
	StatePublicityEnded = "publicity_ended"
)

// Objection states.
const (
	ObjectionFiled    = "filed"
	ObjectionAccepted = "accepted"
	ObjectionUpheld   = "upheld"
	ObjectionRejected = "rejected"
)

// Abnormal is an abnormal-list record, proposed, in force or ended.
type Abnormal struct {
	ID                 int64         `json:"id"`
	EntityID           int64         `json:"-"`
	USCC               string        `json:"uscc"`
	Name               string        `json:"name"`
	EntityType         string        `json:"entity_type"`
	Region             string        `json:"region_code"`
	Reason             string        `json:"reason"`
	ReportYear         int           `json:"report_year,omitempty"`
	Individual         bool          `json:"individual"`
	State              string        `json:"state"`
	Facts              AbnormalFacts `json:"facts"`
	ProposedOn         qcity.Date    `json:"proposed_on"`
	DecideBy           qcity.Date    `json:"decide_by"`
	ListedOn           qcity.Date    `json:"listed_on"`
	DecisionNo         string        `json:"decision_no"`
	Authority          string        `json:"authority"`
	PublicityEndsOn    qcity.Date    `json:"publicity_ends_on"`
	RemovedOn          qcity.Date    `json:"removed_on"`
	RemovalReason      string        `json:"removal_reason"`
	RemovalDecisionNo  string        `json:"removal_decision_no"`
	RemovalAuthority   string        `json:"removal_authority"`
	ObjectionOn        qcity.Date    `json:"objection_on"`
	ObjectionText      string        `json:"objection_text"`
	ObjectionState     string        `json:"objection_state"`
	ObjectionDue       qcity.Date    `json:"objection_due"`
	ObjectionDecidedOn qcity.Date    `json:"objection_decided_on"`
	Version            int           `json:"version"`
	Log                *LogReference `json:"log,omitempty"`
	Legacy             bool          `json:"legacy_transfer_flag"`
}

// AbnormalFacts are the facts behind a listing for reasons 2–4.
type AbnormalFacts struct {
	OrderedOn    qcity.Date `json:"ordered_on,omitzero"`     // reason 2: written order served
	OrderDue     qcity.Date `json:"order_due,omitzero"`      // reason 2: the ordered deadline
	Letter1On    qcity.Date `json:"letter1_on,omitzero"`     // reason 4: first registered letter
	Letter2On    qcity.Date `json:"letter2_on,omitzero"`     // reason 4: second registered letter
	ConfirmedOn  qcity.Date `json:"confirmed_on,omitzero"`   // reason 4: unreachability confirmed
	Note         string     `json:"note,omitempty"`          // free text
	RequiredName string     `json:"required_name,omitempty"` // reason 3
}

// LogReference points from a public entry to the log record behind it.
type LogReference struct {
	Ref   string `json:"ref"`
	Index int64  `json:"index"`
}

// PublicState is the state the log records for a. Only listed records have one.
func (a Abnormal) PublicState() AbnormalState {
	st := AbnormalState{USCC: a.USCC, Reason: a.Reason, ReportYear: a.ReportYear, Individual: a.Individual,
		State: a.State, ListedOn: a.ListedOn, DecisionNo: a.DecisionNo, Authority: a.Authority,
		PublicityEndsOn: a.PublicityEndsOn}
	if a.State == StateRemoved || a.State == StateRevoked {
		st.RemovedOn, st.RemovalReason, st.RemovalDecisionNo, st.RemovalAuthority = a.RemovedOn, a.RemovalReason, a.RemovalDecisionNo, a.RemovalAuthority
	}
	return st
}

const abnormalColumns = `a.id, a.entity_id, e.uscc, e.name, e.entity_type, a.region_code, a.reason, a.report_year, a.individual,
	a.state, a.facts, a.proposed_on, a.decide_by, a.listed_on, a.decision_no, a.authority, a.publicity_ends_on, a.removed_on,
	a.removal_reason, a.removal_decision_no, a.removal_authority, a.objection_on, a.objection_text, a.objection_state,
	a.objection_due, a.objection_decided_on, a.version`

func scanAbnormal(row interface{ Scan(...any) error }) (Abnormal, error) {
	var a Abnormal
	var facts string
	err := row.Scan(&a.ID, &a.EntityID, &a.USCC, &a.Name, &a.EntityType, &a.Region, &a.Reason, &a.ReportYear, &a.Individual,
		&a.State, &facts, &a.ProposedOn, &a.DecideBy, &a.ListedOn, &a.DecisionNo, &a.Authority, &a.PublicityEndsOn, &a.RemovedOn,
		&a.RemovalReason, &a.RemovalDecisionNo, &a.RemovalAuthority, &a.ObjectionOn, &a.ObjectionText, &a.ObjectionState,
		&a.ObjectionDue, &a.ObjectionDecidedOn, &a.Version)
	if facts != "" {
		unmarshalJSON(facts, &a.Facts)
	}
	return a, err
}

func findAbnormal(ctx context.Context, q db.Querier, id int64) (Abnormal, error) {
	a, err := scanAbnormal(q.QueryRow(ctx, `SELECT `+abnormalColumns+` FROM abnormal_listings a
		JOIN entities e ON e.id = a.entity_id WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, qcity.Errorf(qcity.ENOTFOUND, "credit.listing_not_found")
	}
	return a, qcity.Internal(err)
}

// FindAbnormal returns one record. Proposals are visible to officials of the region
// and to the enterprise itself; listed records are public.
func (s *Service) FindAbnormal(ctx context.Context, id int64) (Abnormal, error) {
	a, err := findAbnormal(ctx, s.DB, id)
	if err != nil {
		return a, err
	}
	if !publicAbnormal(a.State) && !mayViewPrivate(qcity.ActorFrom(ctx), a.USCC, a.Region) {
		return Abnormal{}, qcity.Errorf(qcity.ENOTFOUND, "credit.listing_not_found")
	}
	a.Legacy = LegacyTransferFlag(a.ListedOn, s.today(), a.State == StateListed)
	return a, nil
}

func publicAbnormal(state string) bool {
	return state == StateListed || state == StateRemoved || state == StateRevoked || state == StatePublicityEnded
}

// mayViewPrivate: officials of the region and the enterprise itself see non-public records.
func mayViewPrivate(a qcity.Actor, code, regionCode string) bool {
	if a.Role == qcity.RoleEnterprise {
		return strings.EqualFold(a.USCC, code)
	}
	return (a.IsOfficial() || a.Kind == qcity.ActorSystem) && a.CoversRegion(regionCode)
}

// AbnormalFilter selects abnormal-list records.
type AbnormalFilter struct {
	Q          string // name fragment or USCC
	Region     string
	State      string // one state; "active" = listed; "" = any public state
	Reason     string
	ReportYear int
	EntityID   int64
	Limit      int
	Offset     int
}

// FindAbnormals lists records. Without Private, only public states are returned.
func (s *Service) FindAbnormals(ctx context.Context, f AbnormalFilter, private bool) ([]Abnormal, int, error) {
	var where []string
	var args []any
	switch {
	case f.State == "active":
		where, args = append(where, "a.state = ?"), append(args, StateListed)
	case f.State == "ended":
		where = append(where, "a.state IN ('removed', 'revoked', 'publicity_ended')")
	case f.State != "":
		where, args = append(where, "a.state = ?"), append(args, f.State)
	}
	if !private || f.State == "" {
		where = append(where, "a.state IN ('listed', 'removed', 'revoked', 'publicity_ended')")
	}
	if f.Region != "" {
		where, args = append(where, "a.region_code LIKE ?"), append(args, f.Region+"%")
	}
	if f.Reason != "" {
		where, args = append(where, "a.reason = ?"), append(args, f.Reason)
	}
	if f.ReportYear != 0 {
		where, args = append(where, "a.report_year = ?"), append(args, f.ReportYear)
	}
	if f.EntityID != 0 {
		where, args = append(where, "a.entity_id = ?"), append(args, f.EntityID)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where, args = append(where, `(e.uscc = ? OR e.name LIKE ? ESCAPE '\')`), append(args, strings.ToUpper(q), "%"+db.EscapeLike(q)+"%")
	}
	today := s.today()
	return page(ctx, s.DB, abnormalColumns, "abnormal_listings a JOIN entities e ON e.id = a.entity_id", where, args,
		"COALESCE(a.listed_on, a.proposed_on) DESC, a.id DESC", f.Limit, f.Offset,
		func(row interface{ Scan(...any) error }) (Abnormal, error) {
			a, err := scanAbnormal(row)
			a.Legacy = LegacyTransferFlag(a.ListedOn, today, a.State == StateListed)
			return a, err
		})
}

// ProposeUnfiled raises listing proposals for every entity that owed the report for
// year, had not filed it by 30 June and still exists on today (an entity deregistered,
// revoked or moved away since 31 December counts as due for the rate but cannot be
// listed; one that left later, as in a replayed history, existed then):
// enterprises for the list, individual businesses for the abnormal mark. Proposals
// for entities that filed since, or that ceased to exist, are withdrawn. It returns the numbers proposed and withdrawn. Idempotent.
func (s *Service) proposeUnfiled(ctx context.Context, tx *db.Tx, year int, today qcity.Date) (proposed, withdrawn int, err error) {
	now := s.Clock.Now().UTC()
	decideBy := AbnormalProposalDecideBy(s.Cal, year)
	yearEnd := qcity.NewDate(year, 12, 31)
	res, err := tx.Exec(ctx, `INSERT INTO abnormal_listings (entity_id, region_code, reason, report_year, individual, state,
		proposed_on, decide_by, created_at, updated_at)
		SELECT e.id, e.region_code, ?, ?, e.entity_type = ?, ?, ?, ?, ?, ?
		FROM entities e
		WHERE e.entity_type <> 'branch' AND e.established_on <= ?
		  AND (e.status = 'active' OR e.status_changed_on > ?)
		  AND NOT EXISTS (SELECT 1 FROM annual_reports r WHERE r.entity_id = e.id AND r.year = ?)
		  AND NOT EXISTS (SELECT 1 FROM abnormal_listings x WHERE x.entity_id = e.id AND x.reason = ? AND x.report_year = ?)`,
		ReasonAnnualReport, year, "individual_business", StateProposed, today, decideBy, now, now,
		yearEnd, today, year, ReasonAnnualReport, year)
	if err != nil {
		return 0, 0, qcity.Internal(err)
	}
	n, _ := res.RowsAffected()
	res, err = tx.Exec(ctx, `UPDATE abnormal_listings SET state = ?, updated_at = ?, version = version + 1
		WHERE state = ? AND reason = ? AND (EXISTS (SELECT 1 FROM annual_reports r
			WHERE r.entity_id = abnormal_listings.entity_id AND r.year = abnormal_listings.report_year)
			OR EXISTS (SELECT 1 FROM entities e WHERE e.id = abnormal_listings.entity_id AND e.status <> 'active'
				AND (e.status_changed_on IS NULL OR e.status_changed_on <= ?)))`,
		StateWithdrawn, now, StateProposed, ReasonAnnualReport, today)
	if err != nil {
		return 0, 0, qcity.Internal(err)
	}
	w, _ := res.RowsAffected()
	return int(n), int(w), nil
}

// ConfirmProposals lists the proposed records ids in bulk, as of today, each with its
// own decision number. Returns the listed records; ids that are no longer proposals
// (filed since, decided by someone else) are skipped and counted.
func (s *Service) ConfirmProposals(ctx context.Context, ids []int64) (listed []Abnormal, skipped int, err error) {
	if len(ids) == 0 {
		return nil, 0, qcity.Invalid(qcity.Field("ids", "credit.nothing_selected"))
	}
	if len(ids) > 10000 {
		return nil, 0, qcity.Invalid(qcity.Field("ids", "credit.too_many_selected", "max", 10000))
	}
	actor := qcity.ActorFrom(ctx)
	today, now := s.today(), s.Clock.Now().UTC()
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		listed, skipped = nil, 0
		var recs []logRec
		for _, id := range ids {
			a, err := findAbnormal(ctx, tx, id)
			if qcity.ErrorCode(err) == qcity.ENOTFOUND {
				skipped++
				continue
			}
			if err != nil {
				return err
			}
			if err := canDecide(actor, a.Region); err != nil {
				return err
			}
			if a.State != StateProposed {
				skipped++
				continue
			}
			if a.Reason == ReasonAnnualReport {
				var filed int
				if err := tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM annual_reports WHERE entity_id = ? AND year = ?)
					+ (SELECT COUNT(*) FROM entities WHERE id = ? AND status <> 'active'
						AND (status_changed_on IS NULL OR status_changed_on <= ?))`, a.EntityID, a.ReportYear, a.EntityID, today).Scan(&filed); err != nil {
					return qcity.Internal(err)
				}
				if filed > 0 { // filed since, or no longer exists
					if _, err := tx.Exec(ctx, `UPDATE abnormal_listings SET state = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
						StateWithdrawn, now, a.ID); err != nil {
						return qcity.Internal(err)
					}
					skipped++
					continue
				}
			}
			before := a
			if err := s.list(ctx, tx, &a, today); err != nil {
				return err
			}
			recs = append(recs, logRec{a.USCC, recordOf(KindAbnormalListed, abnormalRef(a.ID), a.USCC, today, a.PublicState())})
			if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "abnormal_listing",
				ObjectID: fmt.Sprint(a.ID), Region: a.Region, Summary: "列入经营异常名录 " + a.USCC + " " + a.DecisionNo,
				Before: before, After: a}); err != nil {
				return err
			}
			listed = append(listed, a)
		}
		return s.finish(ctx, tx, recs)
	})
	return listed, skipped, err
}

// list moves a proposed record to listed on day on, with a decision number.
func (s *Service) list(ctx context.Context, tx *db.Tx, a *Abnormal, on qcity.Date) error {
	a.State, a.ListedOn, a.Authority = StateListed, on, s.Authority(a.Region)
	if a.DecisionNo == "" {
		no, err := s.nextDecisionNo(ctx, tx, "异列", on.Year)
		if err != nil {
			return err
		}
		a.DecisionNo = no
	}
	if a.Individual && a.Reason == ReasonAnnualReport {
		// Only the mark for not filing has a fixed publicity (个体工商户年度报告办法: 1 July
		// to the next 30 June); a mark for being unreachable is published until removed.
		a.PublicityEndsOn = IndividualMarkPublicityEnds(on)
	}
	_, err := tx.Exec(ctx, `UPDATE abnormal_listings SET state = ?, listed_on = ?, decision_no = ?, authority = ?,
		publicity_ends_on = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
		a.State, a.ListedOn, a.DecisionNo, a.Authority, a.PublicityEndsOn, s.Clock.Now().UTC(), a.ID)
	a.Version++
	return qcity.Internal(err)
}

// nextDecisionNo numbers decisions per kind and year: "湛市监异列〔2026〕17号".
func (s *Service) nextDecisionNo(ctx context.Context, tx *db.Tx, kind string, year int) (string, error) {
	key := fmt.Sprintf("credit/seq/%s/%d", kind, year)
	var n int
	err := tx.QueryRow(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, '1', ?)
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(settings.value AS INTEGER) + 1 AS TEXT), updated_at = excluded.updated_at
		RETURNING CAST(value AS INTEGER)`, key, s.Clock.Now().UTC()).Scan(&n)
	if err != nil {
		return "", qcity.Internal(err)
	}
	prefix := "市监"
	if s.Jurisdiction != nil {
		r := []rune(s.Jurisdiction.Prefecture.Name)
		prefix = string(r[:1]) + "市监"
	}
	return fmt.Sprintf("%s%s〔%d〕%d号", prefix, kind, year, n), nil
}

// ListInput is a listing an official decides directly, for reasons 2–4.
type ListInput struct {
	USCC       string        `json:"uscc"`
	Reason     string        `json:"reason"`
	Facts      AbnormalFacts `json:"facts"`
	DecisionNo string        `json:"decision_no"`
}

// ListAbnormal lists an entity for reason 2 (ad-hoc information not published by the
// ordered deadline), 3 (name change not registered) or 4 (unreachable), checking the
// reason's facts: the order's deadline has passed (10 days after service at least);
// two unsigned registered letters 15–30 days apart.
func (s *Service) ListAbnormal(ctx context.Context, in ListInput) (Abnormal, error) {
	var errs []qcity.FieldError
	today := s.today()
	switch in.Reason {
	case ReasonAdhocInfo:
		f := in.Facts
		switch {
		case f.OrderedOn.IsZero():
			errs = append(errs, qcity.Field("ordered_on", "registry.required"))
		case f.OrderDue.IsZero():
			errs = append(errs, qcity.Field("order_due", "registry.required"))
		case f.OrderDue.Before(f.OrderedOn.AddDays(10)):
			errs = append(errs, qcity.Field("order_due", "credit.order_due_short"))
		case !today.After(f.OrderDue):
			errs = append(errs, qcity.Field("order_due", "credit.order_not_due", "date", f.OrderDue.String()))
		}
	case ReasonUnreachable:
		if !UnreachableLettersOK(in.Facts.Letter1On, in.Facts.Letter2On) {
			errs = append(errs, qcity.Field("letter2_on", "credit.letters_gap"))
		} else if in.Facts.Letter2On.After(today) {
			errs = append(errs, qcity.Field("letter2_on", "credit.date_future"))
		}
	case ReasonNameChange:
		if utf8.RuneCountInString(strings.TrimSpace(in.Facts.Note)) < 4 {
			errs = append(errs, qcity.Field("note", "credit.note_required"))
		}
	case ReasonAnnualReport:
		errs = append(errs, qcity.Field("reason", "credit.reason_by_engine"))
	default:
		errs = append(errs, qcity.Field("reason", "credit.reason_unknown"))
	}
	if utf8.RuneCountInString(in.Facts.Note) > 2000 {
		errs = append(errs, qcity.Field("note", "registry.text_length", "max", 2000))
	}
	if utf8.RuneCountInString(in.DecisionNo) > 60 {
		errs = append(errs, qcity.Field("decision_no", "registry.text_length", "max", 60))
	}
	p, err := findParty(ctx, s.DB, in.USCC)
	if err != nil {
		if qcity.ErrorCode(err) == qcity.ENOTFOUND {
			errs = append(errs, qcity.Field("uscc", "registry.entity_not_found", "uscc", in.USCC))
		} else {
			return Abnormal{}, err
		}
	}
	if len(errs) > 0 {
		return Abnormal{}, qcity.Invalid(errs...)
	}
	if err := canDecide(qcity.ActorFrom(ctx), p.Region); err != nil {
		return Abnormal{}, err
	}
	now := s.Clock.Now().UTC()
	var a Abnormal
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO abnormal_listings (entity_id, region_code, reason, report_year, individual, state,
			facts, proposed_on, decision_no, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.ID, p.Region, in.Reason, p.natural(), StateProposed, marshal(in.Facts), today, strings.TrimSpace(in.DecisionNo), now, now).Scan(&id)
		if db.IsUniqueViolation(err) {
			return qcity.Errorf(qcity.ECONFLICT, "credit.already_listed")
		}
		if err != nil {
			return qcity.Internal(err)
		}
		if a, err = findAbnormal(ctx, tx, id); err != nil {
			return err
		}
		if err := s.list(ctx, tx, &a, today); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "abnormal_listing",
			ObjectID: fmt.Sprint(a.ID), Region: a.Region, Summary: "列入经营异常名录 " + a.USCC + " " + a.DecisionNo, After: a}); err != nil {
			return err
		}
		return s.finish(ctx, tx, []logRec{{a.USCC, recordOf(KindAbnormalListed, abnormalRef(a.ID), a.USCC, today, a.PublicState())}})
	})
	return a, err
}

// removeAbnormal removes a listed record (after a repair application is approved).
func (s *Service) removeAbnormal(ctx context.Context, tx *db.Tx, a *Abnormal, on qcity.Date, reason string) (logRec, error) {
	if a.State != StateListed && a.State != StatePublicityEnded {
		return logRec{}, qcity.Errorf(qcity.ECONFLICT, "credit.not_listed")
	}
	no, err := s.nextDecisionNo(ctx, tx, "异移", on.Year)
	if err != nil {
		return logRec{}, err
	}
	a.State, a.RemovedOn, a.RemovalReason, a.RemovalDecisionNo, a.RemovalAuthority = StateRemoved, on, reason, no, s.Authority(a.Region)
	if _, err := tx.Exec(ctx, `UPDATE abnormal_listings SET state = ?, removed_on = ?, removal_reason = ?, removal_decision_no = ?,
		removal_authority = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
		a.State, a.RemovedOn, a.RemovalReason, a.RemovalDecisionNo, a.RemovalAuthority, s.Clock.Now().UTC(), a.ID); err != nil {
		return logRec{}, qcity.Internal(err)
	}
	a.Version++
	return logRec{a.USCC, recordOf(KindAbnormalRemoved, abnormalRef(a.ID), a.USCC, on, a.PublicState())}, nil
}

// ObjectAbnormal files the enterprise's objection to a listing, within 30 days of its
// publication (Art. 15).
func (s *Service) ObjectAbnormal(ctx context.Context, id int64, text string) (Abnormal, error) {
	text = strings.TrimSpace(text)
	today, now := s.today(), s.Clock.Now().UTC()
	var a Abnormal
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if a, err = findAbnormal(ctx, tx, id); err != nil {
			return err
		}
		p := party{USCC: a.USCC, Region: a.Region}
		if err := canActFor(qcity.ActorFrom(ctx), p); err != nil {
			return err
		}
		switch n := utf8.RuneCountInString(text); {
		case n < 10:
			return qcity.Invalid(qcity.Field("text", "credit.objection_short"))
		case n > 4000:
			return qcity.Invalid(qcity.Field("text", "registry.text_length", "max", 4000))
		}
		if a.State != StateListed {
			return qcity.Errorf(qcity.ECONFLICT, "credit.not_listed")
		}
		if a.ObjectionState != "" {
			return qcity.Errorf(qcity.ECONFLICT, "credit.objection_exists")
		}
		if today.After(ObjectionDeadline(a.ListedOn)) {
			return qcity.Errorf(qcity.ECONFLICT, "credit.objection_late", "date", ObjectionDeadline(a.ListedOn).String())
		}
		before := a
		a.ObjectionOn, a.ObjectionText, a.ObjectionState, a.ObjectionDue = today, text, ObjectionFiled, ObjectionAcceptBy(s.Cal, today)
		if _, err := tx.Exec(ctx, `UPDATE abnormal_listings SET objection_on = ?, objection_text = ?, objection_state = ?, objection_due = ?,
			updated_at = ?, version = version + 1 WHERE id = ?`, a.ObjectionOn, a.ObjectionText, a.ObjectionState, a.ObjectionDue, now, a.ID); err != nil {
			return qcity.Internal(err)
		}
		a.Version++
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "abnormal_listing",
			ObjectID: fmt.Sprint(a.ID), Region: a.Region, Summary: "异议 " + a.USCC, Before: before, After: a})
	})
	return a, err
}

// DecideObjection moves an objection on: accept (within 5 WD; verification is then
// due within 20 WD), uphold (the listing was wrong: it is revoked) or reject.
func (s *Service) DecideObjection(ctx context.Context, id int64, step, note string) (Abnormal, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	var a Abnormal
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if a, err = findAbnormal(ctx, tx, id); err != nil {
			return err
		}
		if err := canDecide(qcity.ActorFrom(ctx), a.Region); err != nil {
			return err
		}
		before := a
		var recs []logRec
		switch {
		case step == "accept" && a.ObjectionState == ObjectionFiled:
			a.ObjectionState, a.ObjectionDue = ObjectionAccepted, ObjectionVerifyBy(s.Cal, today)
		case (step == "uphold" || step == "reject") && (a.ObjectionState == ObjectionFiled || a.ObjectionState == ObjectionAccepted):
			a.ObjectionDecidedOn, a.ObjectionDue = today, qcity.Date{}
			a.ObjectionState = ObjectionRejected
			if step == "uphold" {
				a.ObjectionState = ObjectionUpheld
				if a.State == StateListed {
					a.State, a.RemovedOn, a.RemovalReason, a.RemovalAuthority = StateRevoked, today, "异议成立，撤销列入决定", s.Authority(a.Region)
					if a.RemovalDecisionNo, err = s.nextDecisionNo(ctx, tx, "异撤", today.Year); err != nil {
						return err
					}
					recs = append(recs, logRec{a.USCC, recordOf(KindAbnormalRevoked, abnormalRef(a.ID), a.USCC, today, a.PublicState())})
					// An application to remove the revoked listing has nothing left to decide.
					if err := s.closeRepairs(ctx, tx, TargetAbnormal, a.ID, today); err != nil {
						return err
					}
				}
			}
		default:
			return qcity.Errorf(qcity.ECONFLICT, "credit.step_not_allowed", "step", qcity.MsgKey("credit.objection_"+step))
		}
		if _, err := tx.Exec(ctx, `UPDATE abnormal_listings SET state = ?, removed_on = ?, removal_reason = ?, removal_decision_no = ?,
			removal_authority = ?, objection_state = ?, objection_due = ?, objection_decided_on = ?, updated_at = ?, version = version + 1
			WHERE id = ?`, a.State, a.RemovedOn, a.RemovalReason, a.RemovalDecisionNo, a.RemovalAuthority, a.ObjectionState,
			a.ObjectionDue, a.ObjectionDecidedOn, now, a.ID); err != nil {
			return qcity.Internal(err)
		}
		a.Version++
		if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "abnormal_listing",
			ObjectID: fmt.Sprint(a.ID), Region: a.Region, Summary: "异议处理 " + step + " " + strings.TrimSpace(note), Before: before, After: a}); err != nil {
			return err
		}
		return s.finish(ctx, tx, recs)
	})
	return a, err
}

// RevocationCandidate is an entity the rules surface for business-licence revocation
// (企业信息公示暂行条例 Art. 18 as revised 2024): listed for not filing two consecutive
// years' reports, still uncorrected, and unreachable.
type RevocationCandidate struct {
	EntityID int64  `json:"-"`
	USCC     string `json:"uscc"`
	Name     string `json:"name"`
	Region   string `json:"region_code"`
	Years    [2]int `json:"report_years"`
}

// RevocationCandidates returns the entities in the actor's region meeting the rule on on.
func (s *Service) RevocationCandidates(ctx context.Context, region string) ([]RevocationCandidate, error) {
	rows, err := s.DB.Query(ctx, `SELECT e.id, e.uscc, e.name, e.region_code, a1.report_year
		FROM abnormal_listings a1
		JOIN abnormal_listings a2 ON a2.entity_id = a1.entity_id AND a2.reason = a1.reason
			AND a2.report_year = a1.report_year + 1 AND a2.state = 'listed'
		JOIN entities e ON e.id = a1.entity_id
		WHERE a1.reason = ? AND a1.state = 'listed' AND e.status = 'active' AND e.region_code LIKE ?
		  AND EXISTS (SELECT 1 FROM abnormal_listings u WHERE u.entity_id = a1.entity_id AND u.reason = ? AND u.state = 'listed')
		ORDER BY e.region_code, e.uscc, a1.report_year`, ReasonAnnualReport, region+"%", ReasonUnreachable)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := []RevocationCandidate{}
	for rows.Next() {
		var c RevocationCandidate
		if err := rows.Scan(&c.EntityID, &c.USCC, &c.Name, &c.Region, &c.Years[0]); err != nil {
			return nil, qcity.Internal(err)
		}
		c.Years[1] = c.Years[0] + 1
		if n := len(out); n > 0 && out[n-1].EntityID == c.EntityID {
			out[n-1].Years = c.Years // the latest consecutive pair
			continue
		}
		out = append(out, c)
	}
	return out, qcity.Internal(rows.Err())
}
