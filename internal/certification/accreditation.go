package certification

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/registry"
)

// Accreditation (资质): certification bodies hold a CNCA approval (批准书), labs a CMA
// qualification (资质认定证书). Officials record changes of their status with a reason;
// a body's suspension, lapse or withdrawal changes its certificates' public status
// (PublicStatus) and each change shows in the certificates' history as a cascade.

// AccreditationEvent is one change of an organisation's approval.
type AccreditationEvent struct {
	ID        int64              `json:"id"`
	OrgID     int64              `json:"org_id"`
	From      registry.OrgStatus `json:"from_status"`
	To        registry.OrgStatus `json:"to_status"`
	Reason    string             `json:"reason"`
	On        qcity.Date         `json:"on"`
	ActorName string             `json:"actor"`
}

// AccreditationChange is what an official records.
type AccreditationChange struct {
	Status  string `json:"status"`
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

// SetAccreditation changes a certification body's or lab's approval status with a
// reason, and cascades a body's change to its certificates' history. City officials
// only (approvals are granted above the city; the bureau records what CNCA or the
// provincial SAMR decided). Returns ENOTFOUND, EINVALID, EFORBIDDEN, ECONFLICT.
func (s *Service) SetAccreditation(ctx context.Context, orgID int64, in AccreditationChange) (registry.Organisation, error) {
	if !isCityOfficial(qcity.ActorFrom(ctx)) {
		return registry.Organisation{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	before, err := s.Registry.FindOrganisationByID(ctx, orgID)
	if err != nil {
		return registry.Organisation{}, err
	}
	if before.Kind != registry.OrgCertificationBody && before.Kind != registry.OrgLab {
		return registry.Organisation{}, qcity.Errorf(qcity.ENOTFOUND, "registry.org_not_found")
	}
	var errs []qcity.FieldError
	to := registry.OrgStatus(strings.TrimSpace(in.Status))
	if !slices.Contains(registry.OrgStatuses, to) {
		errs = append(errs, qcity.Field("status", "registry.status_unknown", "value", string(to)))
	} else if to == before.Status {
		errs = append(errs, qcity.Field("status", "cert.accreditation_same"))
	}
	reason := checkText(&errs, "reason", in.Reason, true, 500)
	if len(errs) > 0 {
		return registry.Organisation{}, qcity.Invalid(errs...)
	}
	if in.Version != 0 && in.Version != before.Version {
		return registry.Organisation{}, qcity.Errorf(qcity.ECONFLICT, "registry.edit_conflict")
	}
	after, err := s.changeAccreditation(ctx, before, to, reason)
	if err != nil {
		return registry.Organisation{}, err
	}
	if err := s.RefreshBodies(ctx); err != nil {
		return after, err
	}
	return after, nil
}

// changeAccreditation writes one change of an approval's status in one transaction:
// the organisation, the audit record, the accreditation event and a body's cascade.
// The caller refreshes the bodies' index.
func (s *Service) changeAccreditation(ctx context.Context, before registry.Organisation, to registry.OrgStatus, reason string) (registry.Organisation, error) {
	now := s.Clock.Now().UTC()
	after := before
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE organisations SET status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			string(to), now, before.ID, before.Version)
		if err != nil {
			return qcity.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return qcity.Errorf(qcity.ECONFLICT, "registry.edit_conflict")
		}
		after.Status, after.UpdatedAt, after.Version = to, now, before.Version+1
		if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "organisation",
			ObjectID: fmt.Sprint(before.ID), Region: after.Region, Summary: "资质状态 " + string(before.Status) + " → " + string(to) + "：" + reason,
			Before: before, After: after}); err != nil {
			return err
		}
		return s.accreditationChanged(ctx, tx, before, after, reason, now)
	})
	return after, err
}

// LapseReason is the reason recorded when the daily run marks an approval lapsed.
const LapseReason = "资质有效期届满 / approval validity ended"

// RunLapses records the lapse (资质过期) of every certification body's and lab's
// approval still marked valid although its validity ended before on, as an official's
// change is recorded (SetAccreditation): status, audit record, accreditation event and
// a body's cascade to its certificates, one transaction per organisation. A second run
// changes nothing.
func (s *Service) RunLapses(ctx context.Context, on qcity.Date) (int, error) {
	ctx = qcity.WithActor(ctx, qcity.System("rules"))
	ids, err := db.All(ctx, s.DB, func(r db.Scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, `SELECT id FROM organisations WHERE kind IN ('certification_body', 'lab') AND status = 'valid'
		AND valid_until IS NOT NULL AND valid_until < ? ORDER BY id`, on)
	if err != nil {
		return 0, qcity.Internal(err)
	}
	n := 0
	for _, id := range ids {
		before, err := s.Registry.FindOrganisationByID(ctx, id)
		if err != nil {
			return n, err
		}
		if _, err := s.changeAccreditation(ctx, before, registry.OrgExpired, LapseReason); err != nil {
			return n, err
		}
		n++
	}
	if n > 0 {
		return n, s.RefreshBodies(ctx)
	}
	return 0, nil
}

// OrganisationStatusChanged is the registry's hook (registry.Service.OrgStatusHook):
// an organisation's status edited in the registry is recorded and cascaded as
// SetAccreditation does, inside the registry's transaction.
func (s *Service) OrganisationStatusChanged(ctx context.Context, tx *db.Tx, before, after registry.Organisation) error {
	if before.Status == after.Status || (after.Kind != registry.OrgCertificationBody && after.Kind != registry.OrgLab) {
		return nil
	}
	return s.accreditationChanged(ctx, tx, before, after, "registry edit", s.Clock.Now().UTC())
}

// accreditationChanged records the change and, for a body, the cascade: every
// certificate whose public status moves gets a cascade event.
func (s *Service) accreditationChanged(ctx context.Context, tx *db.Tx, before, after registry.Organisation, reason string, now time.Time) error {
	today := qcity.DateOf(now)
	a := qcity.ActorFrom(ctx)
	if _, err := tx.Exec(ctx, `INSERT INTO accreditation_events (org_id, from_status, to_status, reason, on_date, actor_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, after.ID, string(before.Status), string(after.Status), reason, today, a.Name, now); err != nil {
		return qcity.Internal(err)
	}
	if after.Kind != registry.OrgCertificationBody {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT id, status, status_reason, status_on, expires_on FROM certificates
		WHERE body_id = ? AND status IN ('valid', 'suspended') AND expires_on >= ?`, after.ID, today)
	if err != nil {
		return qcity.Internal(err)
	}
	type moved struct {
		id       int64
		from, to Public
	}
	var ms []moved
	for rows.Next() {
		var id int64
		var st, reason string
		var on, expires qcity.Date
		if err := rows.Scan(&id, &st, &reason, &on, &expires); err != nil {
			rows.Close()
			return qcity.Internal(err)
		}
		from := PublicStatus(Status(st), reason, on, expires, before.Status, qcity.Date{}, today)
		to := PublicStatus(Status(st), reason, on, expires, after.Status, today, today)
		if from.Status != to.Status {
			ms = append(ms, moved{id, from, to})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return qcity.Internal(err)
	}
	for _, m := range ms {
		r := m.to.Reason
		if !m.to.Cascade {
			r = "body_restored"
		}
		ev := Event{Kind: EventCascade, From: m.from.Status, To: m.to.Status, Reason: r, Note: reason, On: today,
			ActorName: a.Name, ActorRole: string(a.Role)}
		if err := insertEvent(ctx, tx, m.id, ev, now); err != nil {
			return err
		}
	}
	return nil
}

// AccreditationHistory returns an organisation's approval changes, newest first.
func (s *Service) AccreditationHistory(ctx context.Context, orgID int64) ([]AccreditationEvent, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, org_id, from_status, to_status, reason, on_date, actor_name FROM accreditation_events
		WHERE org_id = ? ORDER BY id DESC`, orgID)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := []AccreditationEvent{}
	for rows.Next() {
		var e AccreditationEvent
		var from, to string
		if err := rows.Scan(&e.ID, &e.OrgID, &from, &to, &e.Reason, &e.On, &e.ActorName); err != nil {
			return nil, qcity.Internal(err)
		}
		e.From, e.To = registry.OrgStatus(from), registry.OrgStatus(to)
		out = append(out, e)
	}
	return out, qcity.Internal(rows.Err())
}

// BodyInfo is a body or lab with its approval, for the accreditation pages.
type BodyInfo struct {
	registry.Organisation
	Certificates int                  `json:"certificates"`
	History      []AccreditationEvent `json:"history,omitempty"`
}

// Bodies lists the certification bodies and labs with their approvals (officials).
func (s *Service) Bodies(ctx context.Context, kind string) ([]BodyInfo, error) {
	if !isOfficial(qcity.ActorFrom(ctx)) {
		return nil, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	if kind != string(registry.OrgCertificationBody) && kind != string(registry.OrgLab) {
		return nil, qcity.Invalid(qcity.Field("kind", "registry.org_kind_unknown", "value", kind))
	}
	orgs, _, err := s.Registry.FindOrganisations(ctx, registry.OrganisationFilter{Kind: kind, Limit: registry.MaxPageSize})
	if err != nil {
		return nil, err
	}
	counts := map[int64]int{}
	rows, err := s.DB.Query(ctx, `SELECT body_id, COUNT(*) FROM certificates GROUP BY body_id`)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, qcity.Internal(err)
		}
		counts[id] = n
	}
	rows.Close()
	out := make([]BodyInfo, len(orgs))
	for i, o := range orgs {
		out[i] = BodyInfo{Organisation: o, Certificates: counts[o.ID]}
	}
	return out, nil
}

// FindBody returns a body or lab with its history (officials).
func (s *Service) FindBody(ctx context.Context, id int64) (BodyInfo, error) {
	if !isOfficial(qcity.ActorFrom(ctx)) {
		return BodyInfo{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	o, err := s.Registry.FindOrganisationByID(ctx, id)
	if err != nil {
		return BodyInfo{}, err
	}
	if o.Kind != registry.OrgCertificationBody && o.Kind != registry.OrgLab {
		return BodyInfo{}, qcity.Errorf(qcity.ENOTFOUND, "registry.org_not_found")
	}
	b := BodyInfo{Organisation: o}
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM certificates WHERE body_id = ?`, id).Scan(&b.Certificates); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return b, qcity.Internal(err)
	}
	b.History, err = s.AccreditationHistory(ctx, id)
	return b, err
}
