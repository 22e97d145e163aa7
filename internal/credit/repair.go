package credit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
)

// Repair targets: what an application asks to end early.
const (
	TargetAbnormal = "abnormal" // removal from the abnormal list (or restoring an individual business's status)
	TargetSerious  = "serious"  // early removal from the serious list (Order 44 Art. 16)
	TargetPenalty  = "penalty"  // early end of a penalty's publicity (repair 办法 Art. 6)
)

// Targets lists the targets.
var Targets = []string{TargetAbnormal, TargetSerious, TargetPenalty}

// Application states.
const (
	RepairApplied  = "applied"
	RepairAccepted = "accepted"
	RepairApproved = "approved"
	RepairRejected = "rejected"
)

// Upload limits for commitment letters and evidence.
const (
	MaxFileBytes  = 10 << 20
	MaxFiles      = 10
	MaxTotalBytes = 30 << 20
)

// allowedTypes maps the sniffed content type to the extensions a file of that type
// may carry.
var allowedTypes = map[string][]string{
	"application/pdf": {".pdf"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"image/png":       {".png"},
}

// Upload is a file attached to an application.
type Upload struct {
	Name string
	Role string // "commitment" (守信承诺书) | "evidence"
	Data []byte
}

// Document describes a stored file.
type Document struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	SHA256      string `json:"sha256"`
}

// Repair is a credit-repair or early-removal application.
type Repair struct {
	ID           int64      `json:"id"`
	EntityID     int64      `json:"-"`
	USCC         string     `json:"uscc"`
	Name         string     `json:"name"`
	Region       string     `json:"region_code"`
	Target       string     `json:"target"`
	TargetID     int64      `json:"target_id"`
	State        string     `json:"state"`
	Statement    string     `json:"statement"`
	Conditions   Conditions `json:"conditions"`
	AppliedOn    qcity.Date `json:"applied_on"`
	Applicant    string     `json:"applicant"`
	AcceptBy     qcity.Date `json:"accept_by"`
	AcceptedOn   qcity.Date `json:"accepted_on"`
	DecideBy     qcity.Date `json:"decide_by"`
	DecidedOn    qcity.Date `json:"decided_on"`
	DecidedBy    string     `json:"decided_by"`
	DecisionNote string     `json:"decision_note"`
	StopBy       qcity.Date `json:"stop_by"`
	Documents    []Document `json:"documents"`
	Version      int        `json:"version"`
}

// Overdue reports whether the next deadline of an open application has passed on day.
func (r Repair) Overdue(day qcity.Date) bool {
	switch r.State {
	case RepairApplied:
		if !r.AcceptBy.IsZero() {
			return day.After(r.AcceptBy)
		}
		return day.After(r.DecideBy)
	case RepairAccepted:
		return day.After(r.DecideBy)
	}
	return false
}

const repairColumns = `r.id, r.entity_id, e.uscc, e.name, r.region_code, r.target, r.target_id, r.state, r.statement, r.conditions,
	r.applied_on, r.applicant, r.accept_by, r.accepted_on, r.decide_by, r.decided_on, r.decided_by, r.decision_note, r.stop_by, r.version`

func scanRepair(row interface{ Scan(...any) error }) (Repair, error) {
	var r Repair
	var cond string
	err := row.Scan(&r.ID, &r.EntityID, &r.USCC, &r.Name, &r.Region, &r.Target, &r.TargetID, &r.State, &r.Statement, &cond,
		&r.AppliedOn, &r.Applicant, &r.AcceptBy, &r.AcceptedOn, &r.DecideBy, &r.DecidedOn, &r.DecidedBy, &r.DecisionNote,
		&r.StopBy, &r.Version)
	unmarshalJSON(cond, &r.Conditions)
	return r, err
}

func findRepair(ctx context.Context, q db.Querier, id int64) (Repair, error) {
	r, err := scanRepair(q.QueryRow(ctx, `SELECT `+repairColumns+` FROM repair_applications r JOIN entities e ON e.id = r.entity_id
		WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, qcity.Errorf(qcity.ENOTFOUND, "credit.repair_not_found")
	}
	if err != nil {
		return r, qcity.Internal(err)
	}
	r.Documents, err = repairDocuments(ctx, q, r.ID)
	return r, err
}

func repairDocuments(ctx context.Context, q db.Querier, id int64) ([]Document, error) {
	rows, err := q.Query(ctx, `SELECT d.id, d.name, rd.role, d.content_type, d.size, d.sha256 FROM repair_documents rd
		JOIN documents d ON d.id = rd.document_id WHERE rd.application_id = ? ORDER BY d.id`, id)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Document{}
	for rows.Next() {
		var d Document
		if err := rows.Scan(&d.ID, &d.Name, &d.Role, &d.ContentType, &d.Size, &d.SHA256); err != nil {
			return nil, qcity.Internal(err)
		}
		out = append(out, d)
	}
	return out, qcity.Internal(rows.Err())
}

// FindRepair returns an application to officials of the region or the enterprise.
func (s *Service) FindRepair(ctx context.Context, id int64) (Repair, error) {
	r, err := findRepair(ctx, s.DB, id)
	if err != nil {
		return r, err
	}
	if !mayViewPrivate(qcity.ActorFrom(ctx), r.USCC, r.Region) {
		return Repair{}, qcity.Errorf(qcity.ENOTFOUND, "credit.repair_not_found")
	}
	return r, nil
}

// RepairInput is an application as the enterprise files it.
type RepairInput struct {
	USCC       string
	Target     string
	TargetID   int64
	Statement  string
	Conditions Conditions
	Files      []Upload
}

// checkUploads checks names, sizes and sniffed types.
func checkUploads(files []Upload) ([]Upload, []qcity.FieldError) {
	var errs []qcity.FieldError
	var out []Upload
	total := 0
	if len(files) > MaxFiles {
		return nil, []qcity.FieldError{qcity.Field("files", "credit.too_many_files", "max", MaxFiles)}
	}
	for _, f := range files {
		if len(f.Data) == 0 {
			continue
		}
		name := path.Base(strings.ReplaceAll(strings.TrimSpace(f.Name), "\\", "/"))
		field := f.Role
		if utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) || strings.ContainsAny(name, "<>\"\x00") {
			errs = append(errs, qcity.Field(field, "credit.file_name"))
			continue
		}
		if len(f.Data) > MaxFileBytes {
			errs = append(errs, qcity.Field(field, "credit.file_too_large", "name", name, "max", MaxFileBytes>>20))
			continue
		}
		total += len(f.Data)
		ct := http.DetectContentType(f.Data)
		if i := strings.IndexByte(ct, ';'); i >= 0 {
			ct = ct[:i]
		}
		exts, ok := allowedTypes[ct]
		ext := strings.ToLower(path.Ext(name))
		if !ok || !slices.Contains(exts, ext) {
			errs = append(errs, qcity.Field(field, "credit.file_type", "name", name))
			continue
		}
		f.Name = name
		out = append(out, f)
	}
	if total > MaxTotalBytes {
		errs = append(errs, qcity.Field("files", "credit.files_too_large", "max", MaxTotalBytes>>20))
	}
	return out, errs
}

// ApplyRepair files an application. Each target has its conditions:
//   - abnormal: the listing is in force and its cause is corrected (for a missing report,
//     the report has been filed); decided within 5 WD;
//   - serious: listed at least a year; the four conditions; a commitment letter;
//     accepted within 2 WD, decided within 15 WD of acceptance;
//   - penalty: published, of a repairable kind, past its waiting period (6 months, a
//     year for food, drug and special equipment); the four conditions; not on the
//     abnormal or the serious list; a commitment letter; 2 / 15 WD as above.
func (s *Service) ApplyRepair(ctx context.Context, in RepairInput) (Repair, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	actor := qcity.ActorFrom(ctx)
	var errs []qcity.FieldError
	r := Repair{Target: in.Target, TargetID: in.TargetID, State: RepairApplied, Conditions: in.Conditions, AppliedOn: today, Applicant: actor.Name}
	r.Statement = checkText(&errs, "statement", in.Statement, true, 4000)
	files, ferrs := checkUploads(in.Files)
	errs = append(errs, ferrs...)
	hasCommitment := slices.ContainsFunc(files, func(f Upload) bool { return f.Role == "commitment" })
	hasEvidence := slices.ContainsFunc(files, func(f Upload) bool { return f.Role == "evidence" })
	p, err := findParty(ctx, s.DB, in.USCC)
	if err != nil {
		if qcity.ErrorCode(err) == qcity.ENOTFOUND {
			return Repair{}, qcity.Invalid(qcity.Field("uscc", "registry.entity_not_found", "uscc", in.USCC))
		}
		return Repair{}, err
	}
	if err := canActFor(actor, p); err != nil {
		return Repair{}, err
	}
	r.EntityID, r.USCC, r.Name, r.Region = p.ID, p.USCC, p.Name, p.Region
	needConditions := func() {
		for _, k := range r.Conditions.Missing() {
			errs = append(errs, qcity.Field("conditions", k))
		}
		if !hasCommitment {
			errs = append(errs, qcity.Field("commitment", "credit.commitment_required"))
		}
		if !hasEvidence {
			errs = append(errs, qcity.Field("evidence", "credit.evidence_required"))
		}
	}
	switch in.Target {
	case TargetAbnormal:
		a, err := findAbnormal(ctx, s.DB, in.TargetID)
		if err != nil || a.EntityID != p.ID {
			return Repair{}, qcity.Errorf(qcity.ENOTFOUND, "credit.listing_not_found")
		}
		if a.State != StateListed && a.State != StatePublicityEnded {
			return Repair{}, qcity.Errorf(qcity.ECONFLICT, "credit.not_listed")
		}
		switch a.Reason {
		case ReasonAnnualReport:
			var n int
			if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM annual_reports WHERE entity_id = ? AND year = ?`, p.ID, a.ReportYear).Scan(&n); err != nil {
				return Repair{}, qcity.Internal(err)
			}
			if n == 0 {
				errs = append(errs, qcity.Field("target_id", "credit.report_missing", "year", a.ReportYear))
			}
		default:
			if !hasEvidence {
				errs = append(errs, qcity.Field("evidence", "credit.evidence_required"))
			}
		}
		r.DecideBy = AbnormalRemovalDue(s.Cal, today)
	case TargetSerious:
		l, err := findSerious(ctx, s.DB, in.TargetID)
		if err != nil || l.EntityID != p.ID {
			return Repair{}, qcity.Errorf(qcity.ENOTFOUND, "credit.listing_not_found")
		}
		if l.State != SeriousListed {
			return Repair{}, qcity.Errorf(qcity.ECONFLICT, "credit.not_listed")
		}
		if from := SeriousEarlyRemovalFrom(l.ListedOn); today.Before(from) {
			errs = append(errs, qcity.Field("target_id", "credit.too_early", "date", from.String()))
		}
		blocked, err := s.seriousRemovalBlocked(ctx, s.DB, l, today)
		if err != nil {
			return Repair{}, err
		}
		errs = append(errs, blocked...)
		needConditions()
		r.AcceptBy = s.Cal.AddWorkingDays(today, RepairAcceptWD)
		r.DecideBy = s.Cal.AddWorkingDays(r.AcceptBy, RepairDecideWD)
	case TargetPenalty:
		pen, err := findPenalty(ctx, s.DB, "p.id = ?", in.TargetID)
		if err != nil || pen.EntityID != p.ID {
			return Repair{}, qcity.Errorf(qcity.ENOTFOUND, "credit.penalty_not_found")
		}
		if pen.State != PenaltyPublished {
			return Repair{}, qcity.Errorf(qcity.ECONFLICT, "credit.not_published")
		}
		switch {
		case !Repairable(pen.Kinds) || pen.EarlyEndFrom.IsZero():
			errs = append(errs, qcity.Field("target_id", "credit.not_repairable"))
		case today.Before(pen.EarlyEndFrom):
			errs = append(errs, qcity.Field("target_id", "credit.too_early", "date", pen.EarlyEndFrom.String()))
		}
		onList, err := s.onAnyList(ctx, s.DB, p.ID)
		if err != nil {
			return Repair{}, err
		}
		if onList {
			errs = append(errs, qcity.Field("conditions", "credit.on_a_list"))
		}
		needConditions()
		r.AcceptBy = s.Cal.AddWorkingDays(today, RepairAcceptWD)
		r.DecideBy = s.Cal.AddWorkingDays(r.AcceptBy, RepairDecideWD)
	default:
		return Repair{}, qcity.Invalid(qcity.Field("target", "credit.target_unknown"))
	}
	if len(errs) > 0 {
		return Repair{}, qcity.Invalid(errs...)
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO repair_applications (entity_id, region_code, target, target_id, state, statement,
			conditions, applied_on, applicant, accept_by, decide_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.EntityID, r.Region, r.Target, r.TargetID, r.State, r.Statement, marshal(r.Conditions), r.AppliedOn, r.Applicant,
			r.AcceptBy, r.DecideBy, now, now).Scan(&r.ID)
		if db.IsUniqueViolation(err) {
			return qcity.Errorf(qcity.ECONFLICT, "credit.repair_open")
		}
		if err != nil {
			return qcity.Internal(err)
		}
		r.Version = 1
		for _, f := range files {
			d, err := saveDocument(ctx, tx, p.ID, f, actor.Name, now)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO repair_documents (application_id, document_id, role) VALUES (?, ?, ?)`, r.ID, d.ID, f.Role); err != nil {
				return qcity.Internal(err)
			}
			r.Documents = append(r.Documents, d)
		}
		if r.Target == TargetSerious {
			if _, err := tx.Exec(ctx, `UPDATE serious_listings SET state = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
				SeriousRemovalApplied, now, r.TargetID); err != nil {
				return qcity.Internal(err)
			}
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "repair_application",
			ObjectID: fmt.Sprint(r.ID), Region: r.Region, Summary: "信用修复申请 " + r.Target + " " + r.USCC, After: r})
	})
	return r, err
}

func saveDocument(ctx context.Context, tx *db.Tx, entityID int64, f Upload, by string, now time.Time) (Document, error) {
	sum := sha256.Sum256(f.Data)
	ct := http.DetectContentType(f.Data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	d := Document{Name: f.Name, Role: f.Role, ContentType: ct, Size: len(f.Data), SHA256: hex.EncodeToString(sum[:])}
	err := tx.QueryRow(ctx, `INSERT INTO documents (entity_id, name, content_type, size, sha256, data, uploaded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, entityID, d.Name, d.ContentType, d.Size, d.SHA256, f.Data, by, now).Scan(&d.ID)
	return d, qcity.Internal(err)
}

// onAnyList reports whether the entity is on the abnormal or the serious list now.
func (s *Service) onAnyList(ctx context.Context, q db.Querier, entityID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM abnormal_listings WHERE entity_id = ? AND state = ?)
		+ (SELECT COUNT(*) FROM serious_listings WHERE entity_id = ? AND state IN (?, ?))`,
		entityID, StateListed, entityID, SeriousListed, SeriousRemovalApplied).Scan(&n)
	return n > 0, qcity.Internal(err)
}

// seriousRemovalBlocked checks what qcity itself knows of the conditions of Order 44
// Art. 16 on day: no early removal while a restriction set by law still runs, nor
// after a new heavier penalty (较重行政处罚) decided since the listing and not annulled.
// The enterprise's ticked conditions cannot override these.
func (s *Service) seriousRemovalBlocked(ctx context.Context, q db.Querier, l Serious, day qcity.Date) ([]qcity.FieldError, error) {
	var errs []qcity.FieldError
	if !l.RestrictionUntil.IsZero() && !day.After(l.RestrictionUntil) {
		errs = append(errs, qcity.Field("conditions", "credit.restriction_running", "date", l.RestrictionUntil.String()))
	}
	var no string
	err := q.QueryRow(ctx, `SELECT decision_no FROM penalties WHERE entity_id = ? AND id <> ? AND heavier = ? AND state <> ?
		AND decided_on > ? ORDER BY decided_on, id LIMIT 1`, l.EntityID, l.PenaltyID, true, PenaltyWithdrawn, l.ListedOn).Scan(&no)
	switch {
	case err == nil:
		errs = append(errs, qcity.Field("conditions", "credit.new_heavier_penalty", "no", no))
	case !errors.Is(err, sql.ErrNoRows):
		return nil, qcity.Internal(err)
	}
	return errs, nil
}

// DocumentData returns a stored file to officials of the entity's region or the
// enterprise itself.
func (s *Service) DocumentData(ctx context.Context, id int64) (Document, []byte, error) {
	var d Document
	var data []byte
	var code, region string
	err := s.DB.QueryRow(ctx, `SELECT d.id, d.name, d.content_type, d.size, d.sha256, d.data, e.uscc, e.region_code
		FROM documents d JOIN entities e ON e.id = d.entity_id WHERE d.id = ?`, id).
		Scan(&d.ID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &data, &code, &region)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !mayViewPrivate(qcity.ActorFrom(ctx), code, region) {
		return Document{}, nil, qcity.Errorf(qcity.ENOTFOUND, "web.not_found")
	}
	if err != nil {
		return Document{}, nil, qcity.Internal(err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != d.SHA256 {
		return Document{}, nil, qcity.Internal(fmt.Errorf("document %d: content does not match its hash", id))
	}
	return d, data, nil
}

// Repair decisions.
const (
	DecisionAccept  = "accept"
	DecisionApprove = "approve"
	DecisionReject  = "reject"
)

// DecideRepair takes an official's step on an application: accept (serious and
// penalty applications, within 2 WD), approve (the listing is removed or the
// publication ends at once, inside the 3-WD stop limit) or reject (with a reason).
func (s *Service) DecideRepair(ctx context.Context, id int64, decision, note string) (Repair, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	actor := qcity.ActorFrom(ctx)
	note = strings.TrimSpace(note)
	var r Repair
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if r, err = findRepair(ctx, tx, id); err != nil {
			return err
		}
		if err := canDecide(actor, r.Region); err != nil {
			return err
		}
		if utf8.RuneCountInString(note) > 2000 {
			return qcity.Invalid(qcity.Field("note", "registry.text_length", "max", 2000))
		}
		before := r
		var recs []logRec
		switch {
		case decision == DecisionAccept && r.State == RepairApplied && r.Target != TargetAbnormal:
			r.State, r.AcceptedOn, r.DecideBy = RepairAccepted, today, s.Cal.AddWorkingDays(today, RepairDecideWD)
		case decision == DecisionApprove && (r.State == RepairAccepted || r.State == RepairApplied && r.Target == TargetAbnormal):
			r.State, r.DecidedOn, r.DecidedBy, r.DecisionNote = RepairApproved, today, actor.Name, note
			r.StopBy = s.Cal.AddWorkingDays(today, RepairStopWD)
			rec, err := s.applyRepair(ctx, tx, r, today)
			if err != nil {
				return err
			}
			recs = append(recs, rec)
		case decision == DecisionReject && (r.State == RepairApplied || r.State == RepairAccepted):
			if note == "" {
				return qcity.Invalid(qcity.Field("note", "credit.reason_required"))
			}
			r.State, r.DecidedOn, r.DecidedBy, r.DecisionNote = RepairRejected, today, actor.Name, note
			if r.Target == TargetSerious {
				if _, err := tx.Exec(ctx, `UPDATE serious_listings SET state = ?, updated_at = ?, version = version + 1 WHERE id = ? AND state = ?`,
					SeriousListed, now, r.TargetID, SeriousRemovalApplied); err != nil {
					return qcity.Internal(err)
				}
			}
		default:
			return qcity.Errorf(qcity.ECONFLICT, "credit.step_not_allowed", "step", qcity.MsgKey("credit.decision_"+decision))
		}
		if _, err := tx.Exec(ctx, `UPDATE repair_applications SET state = ?, accepted_on = ?, decide_by = ?, decided_on = ?,
			decided_by = ?, decision_note = ?, stop_by = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
			r.State, r.AcceptedOn, r.DecideBy, r.DecidedOn, r.DecidedBy, r.DecisionNote, r.StopBy, now, r.ID); err != nil {
			return qcity.Internal(err)
		}
		r.Version++
		if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "repair_application",
			ObjectID: fmt.Sprint(r.ID), Region: r.Region, Summary: "信用修复 " + decision + " " + r.USCC, Before: before, After: r}); err != nil {
			return err
		}
		return s.finish(ctx, tx, recs)
	})
	return r, err
}

// applyRepair carries out an approved application.
func (s *Service) applyRepair(ctx context.Context, tx *db.Tx, r Repair, on qcity.Date) (logRec, error) {
	switch r.Target {
	case TargetAbnormal:
		a, err := findAbnormal(ctx, tx, r.TargetID)
		if err != nil {
			return logRec{}, err
		}
		reason := "已补报并公示年度报告，申请移出"
		switch a.Reason {
		case ReasonAdhocInfo:
			reason = "已公示即时信息，申请移出"
		case ReasonNameChange:
			reason = "已办理名称变更登记，申请移出"
		case ReasonUnreachable:
			reason = "已变更住所或经营场所/恢复正常联系，申请移出"
		}
		return s.removeAbnormal(ctx, tx, &a, on, reason)
	case TargetSerious:
		l, err := findSerious(ctx, tx, r.TargetID)
		if err != nil {
			return logRec{}, err
		}
		if l.State != SeriousRemovalApplied && l.State != SeriousListed {
			return logRec{}, qcity.Errorf(qcity.ECONFLICT, "credit.not_listed")
		}
		// The conditions must still hold when the decision is taken.
		blocked, err := s.seriousRemovalBlocked(ctx, tx, l, on)
		if err != nil {
			return logRec{}, err
		}
		if len(blocked) > 0 {
			return logRec{}, qcity.Invalid(blocked...)
		}
		l.State, l.RemovedOn, l.RemovalNote = SeriousRemovedEarly, on, "信用修复：提前移出"
		if err := s.saveSerious(ctx, tx, &l); err != nil {
			return logRec{}, err
		}
		return logRec{l.USCC, recordOf(KindSeriousRemovedEarly, seriousRef(l.ID), l.USCC, on, l.PublicState())}, nil
	case TargetPenalty:
		p, err := findPenalty(ctx, tx, "p.id = ?", r.TargetID)
		if err != nil {
			return logRec{}, err
		}
		// Condition 4 (repair 办法 Art. 6) must still hold when the decision is taken.
		onList, err := s.onAnyList(ctx, tx, p.EntityID)
		if err != nil {
			return logRec{}, err
		}
		if onList {
			return logRec{}, qcity.Invalid(qcity.Field("conditions", "credit.on_a_list"))
		}
		return s.endPublicity(ctx, tx, &p, PenaltyEndedEarly, KindPenaltyEndedEarly, on)
	}
	return logRec{}, qcity.Errorf(qcity.EINVALID, "credit.target_unknown")
}

// closeRepairs rejects the open applications about a record that ended otherwise.
func (s *Service) closeRepairs(ctx context.Context, tx *db.Tx, target string, id int64, on qcity.Date) error {
	_, err := tx.Exec(ctx, `UPDATE repair_applications SET state = ?, decided_on = ?, decided_by = 'system',
		decision_note = '记录已终止，申请不再处理', updated_at = ?, version = version + 1
		WHERE target = ? AND target_id = ? AND state IN (?, ?)`,
		RepairRejected, on, s.Clock.Now().UTC(), target, id, RepairApplied, RepairAccepted)
	return qcity.Internal(err)
}

// RepairFilter selects applications.
type RepairFilter struct {
	Region   string
	State    string // "open" = applied or accepted
	EntityID int64
	Limit    int
	Offset   int
}

// FindRepairs lists applications: officials see their region's, an enterprise its own.
func (s *Service) FindRepairs(ctx context.Context, f RepairFilter) ([]Repair, int, error) {
	a := qcity.ActorFrom(ctx)
	var where []string
	var args []any
	if a.Role == qcity.RoleEnterprise {
		where, args = append(where, "e.uscc = ?"), append(args, strings.ToUpper(a.USCC))
	} else if !a.IsOfficial() && a.Kind != qcity.ActorSystem {
		return nil, 0, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	if a.Region != "" {
		where, args = append(where, "r.region_code LIKE ?"), append(args, a.Region+"%")
	}
	if f.Region != "" {
		where, args = append(where, "r.region_code LIKE ?"), append(args, f.Region+"%")
	}
	switch f.State {
	case "":
	case "open":
		where, args = append(where, "r.state IN (?, ?)"), append(args, RepairApplied, RepairAccepted)
	default:
		where, args = append(where, "r.state = ?"), append(args, f.State)
	}
	if f.EntityID != 0 {
		where, args = append(where, "r.entity_id = ?"), append(args, f.EntityID)
	}
	return page(ctx, s.DB, repairColumns, "repair_applications r JOIN entities e ON e.id = r.entity_id", where, args,
		"r.decide_by, r.id", f.Limit, f.Offset, scanRepair)
}
