package certification

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/sampling"
)

// Linked supervision (联动监管): when a sample fails and its producer holds a certificate
// covering the product (Covers), the certificate is flagged for its body's review, to
// be answered within ReviewDays working days: the body keeps the certificate (with its
// reasons), suspends it or revokes it. A failure later overturned by a re-test or an
// objection withdraws its open flags.

// Flag is a certificate flagged for review.
type Flag struct {
	ID            int64      `json:"id"`
	CertificateID int64      `json:"certificate_id"`
	Number        string     `json:"number"`
	Scheme        Scheme     `json:"scheme"`
	Holder        string     `json:"holder"`
	HolderUSCC    string     `json:"holder_uscc"`
	BodyID        int64      `json:"body_id"`
	BodyName      string     `json:"body"`
	SampleID      int64      `json:"sample_id"`
	SampleNo      string     `json:"sample_no"`
	LabID         int64      `json:"lab_id,omitempty"`
	LabName       string     `json:"lab"`
	Product       string     `json:"product"`
	FailedItems   string     `json:"failed_items"`
	FlaggedOn     qcity.Date `json:"flagged_on"`
	DueOn         qcity.Date `json:"due_on"`
	State         string     `json:"state"`
	Response      string     `json:"response"`
	ResponseNote  string     `json:"response_note"`
	RespondedOn   qcity.Date `json:"responded_on"`
	RespondedBy   string     `json:"responded_by"`
	Overdue       bool       `json:"overdue"`
	ResponseDays  int        `json:"response_days,omitempty"` // working days from flag to response
}

// Flag states.
const (
	FlagOpen      = "open"
	FlagResponded = "responded"
	FlagWithdrawn = "withdrawn"
)

// Responses of a body to a flag.
const (
	ResponseMaintain = "maintain" // 保持证书: the failure does not put the certificate in doubt (reasons given)
	ResponseSuspend  = "suspend"  // 暂停 (CCC Art. 27(3)): the product no longer conforms
	ResponseRevoke   = "revoke"   // 撤销 (CCC Art. 28(2)): the product differs from the type-tested one
)

// Responses lists the responses.
var Responses = []string{ResponseMaintain, ResponseSuspend, ResponseRevoke}

// SampleFailed is sampling's failure hook: called inside the transaction that
// confirms a sample's failure, it flags every certificate of the producer that was in
// force on the sampling date (a renewed certificate, whose number is kept, from its
// first issue) and covers the product.
func (s *Service) SampleFailed(ctx context.Context, tx *db.Tx, smp sampling.Sample, on qcity.Date) error {
	_, err := s.flagSample(ctx, tx, failure{ID: smp.ID, No: smp.SampleNo, Category: smp.CategoryName, Product: smp.ProductName,
		ProducerID: smp.ProducerID, LabID: smp.LabID, SampledOn: smp.SampledOn}, on, s.Clock.Now().UTC())
	return err
}

// SampleOverturned is sampling's hook for a failure overturned by a re-test or an
// objection: the sample's open flags are withdrawn.
func (s *Service) SampleOverturned(ctx context.Context, tx *db.Tx, smp sampling.Sample, on qcity.Date) error {
	now := s.Clock.Now().UTC()
	rows, err := tx.Query(ctx, `SELECT id, certificate_id FROM cert_flags WHERE sample_id = ? AND state = ?`, smp.ID, FlagOpen)
	if err != nil {
		return qcity.Internal(err)
	}
	type fl struct{ id, cert int64 }
	var fs []fl
	for rows.Next() {
		var f fl
		if err := rows.Scan(&f.id, &f.cert); err != nil {
			rows.Close()
			return qcity.Internal(err)
		}
		fs = append(fs, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return qcity.Internal(err)
	}
	a := qcity.ActorFrom(ctx)
	for _, f := range fs {
		if _, err := tx.Exec(ctx, `UPDATE cert_flags SET state = ?, response_note = ?, updated_at = ? WHERE id = ?`,
			FlagWithdrawn, "overturned", now, f.id); err != nil {
			return qcity.Internal(err)
		}
		ev := Event{Kind: EventFlagged, Reason: "flag_withdrawn", Note: smp.SampleNo, On: on, ActorName: a.Name, ActorRole: string(a.Role)}
		if err := insertEvent(ctx, tx, f.cert, ev, now); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "cert_flag", ObjectID: fmt.Sprint(f.id),
			Summary: "抽检结论被推翻，撤回证书核查 " + smp.SampleNo}); err != nil {
			return err
		}
	}
	return nil
}

// failure is a failed sample as linked supervision needs it.
type failure struct {
	ID         int64
	No         string
	Category   string
	Product    string
	ProducerID int64
	LabID      int64
	SampledOn  qcity.Date
}

// flagSample flags the certificates covering a failure, flagged on day on; it returns
// the number of new flags (a certificate already flagged for the sample is skipped).
func (s *Service) flagSample(ctx context.Context, tx *db.Tx, f failure, on qcity.Date, now time.Time) (int, error) {
	if f.ProducerID == 0 {
		return 0, nil
	}
	rows, err := tx.Query(ctx, `SELECT id, number, scheme, category, product, scope, body_id FROM certificates
		WHERE holder_id = ? AND status IN ('valid', 'suspended') AND COALESCE(first_issued_on, issued_on) <= ? AND expires_on >= ?`, f.ProducerID, f.SampledOn, f.SampledOn)
	if err != nil {
		return 0, qcity.Internal(err)
	}
	type cov struct {
		id     int64
		number string
		body   int64
	}
	var covered []cov
	for rows.Next() {
		var c cov
		var cf CoverFacts
		var scheme string
		if err := rows.Scan(&c.id, &c.number, &scheme, &cf.Category, &cf.Product, &cf.Scope, &c.body); err != nil {
			rows.Close()
			return 0, qcity.Internal(err)
		}
		cf.Scheme = Scheme(scheme)
		if Covers(cf, SampleFacts{Category: f.Category, ProductName: f.Product}) {
			covered = append(covered, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, qcity.Internal(err)
	}
	if len(covered) == 0 {
		return 0, nil
	}
	items, err := failedItems(ctx, tx, f.ID)
	if err != nil {
		return 0, err
	}
	due := s.Cal.AddWorkingDays(on, s.reviewDays())
	a := qcity.ActorFrom(ctx)
	n := 0
	for _, c := range covered {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO cert_flags (certificate_id, body_id, sample_id, sample_no, lab_id, product, failed_items,
			flagged_on, due_on, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (certificate_id, sample_id) DO NOTHING RETURNING id`,
			c.id, c.body, f.ID, f.No, db.NullInt(f.LabID), f.Product, items, on, due, FlagOpen, now, now).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return n, qcity.Internal(err)
		}
		n++
		ev := Event{Kind: EventFlagged, Reason: "sampling_failure", Note: f.No + " " + f.Product, On: on, ActorName: a.Name, ActorRole: string(a.Role)}
		if err := insertEvent(ctx, tx, c.id, ev, now); err != nil {
			return n, err
		}
		if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "cert_flag", ObjectID: fmt.Sprint(id),
			Summary: fmt.Sprintf("抽检不合格，证书 %s 交认证机构核查（%s 前）", c.number, due)}); err != nil {
			return n, err
		}
	}
	return n, nil
}

func failedItems(ctx context.Context, q db.Querier, sampleID int64) (string, error) {
	rows, err := q.Query(ctx, `SELECT item FROM sample_items WHERE sample_id = ? AND verdict = 'fail'
		AND round = (SELECT MAX(round) FROM sample_items WHERE sample_id = ?) ORDER BY seq`, sampleID, sampleID)
	if err != nil {
		return "", qcity.Internal(err)
	}
	defer rows.Close()
	var items []string
	for rows.Next() {
		var it string
		if err := rows.Scan(&it); err != nil {
			return "", qcity.Internal(err)
		}
		items = append(items, it)
	}
	return strings.Join(items, "、"), qcity.Internal(rows.Err())
}

// ScanOptions control ScanFailures.
type ScanOptions struct {
	// AtFailure dates each new flag on the day the failure was reported rather than
	// today: a loader replaying history uses it.
	AtFailure bool
}

// ScanFailures is linked supervision's catch-up: it flags the certificates covering
// failed samples that have no flag yet — failures recorded in bulk (imports), or
// before the certificate was registered but within its validity. Only failures that
// stand (not overturned) count. It returns the number of new flags.
func (s *Service) ScanFailures(ctx context.Context, opt ScanOptions) (int, error) {
	ctx = qcity.WithActor(ctx, qcity.System("rules"))
	cats := s.categoryPaths()
	type cand struct {
		f        failure
		reported qcity.Date
	}
	var cs []cand
	rows, err := s.DB.Query(ctx, `SELECT s.id, s.sample_no, s.kind, s.category_code, s.product_name, s.producer_id,
		COALESCE(s.lab_org_id, 0), s.sampled_on, s.reported_on FROM samples s
		WHERE s.verdict = 'fail' AND s.state NOT IN ('review', 'sampled', 'overturned') AND s.producer_id IN (SELECT holder_id FROM certificates)
		AND EXISTS (SELECT 1 FROM certificates c WHERE c.holder_id = s.producer_id AND COALESCE(c.first_issued_on, c.issued_on) <= s.sampled_on
			AND c.expires_on >= s.sampled_on AND NOT EXISTS (SELECT 1 FROM cert_flags f WHERE f.certificate_id = c.id AND f.sample_id = s.id))
		ORDER BY s.reported_on, s.id`)
	if err != nil {
		return 0, qcity.Internal(err)
	}
	for rows.Next() {
		var c cand
		var kind, code string
		if err := rows.Scan(&c.f.ID, &c.f.No, &kind, &code, &c.f.Product, &c.f.ProducerID, &c.f.LabID, &c.f.SampledOn, &c.reported); err != nil {
			rows.Close()
			return 0, qcity.Internal(err)
		}
		c.f.Category = cats[kind+"/"+code]
		cs = append(cs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, qcity.Internal(err)
	}
	if len(cs) == 0 {
		return 0, nil
	}
	today, now := s.today(), s.Clock.Now().UTC()
	total := 0
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		total = 0
		for _, c := range cs {
			on := today
			if opt.AtFailure && !c.reported.IsZero() {
				on = c.reported
			}
			n, err := s.flagSample(ctx, tx, c.f, on, now)
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	return total, err
}

// categoryPaths maps "kind/code" to the category path, when the sampling service is
// known.
func (s *Service) categoryPaths() map[string]string {
	out := map[string]string{}
	if s.Sampling == nil {
		return out
	}
	for _, k := range sampling.Kinds {
		for _, c := range s.Sampling.Categories(k) {
			out[string(k)+"/"+c.Code] = c.Path
		}
	}
	return out
}

const flagColumns = `f.id, f.certificate_id, c.number, c.scheme, c.holder_name, c.holder_uscc, f.body_id, o.name, f.sample_id, f.sample_no,
	COALESCE(f.lab_id, 0), COALESCE(l.name, ''), f.product, f.failed_items, f.flagged_on, f.due_on, f.state, f.response,
	f.response_note, f.responded_on, f.responded_by`

const flagFrom = `cert_flags f JOIN certificates c ON c.id = f.certificate_id JOIN organisations o ON o.id = f.body_id
	LEFT JOIN organisations l ON l.id = f.lab_id`

func (s *Service) scanFlag(row interface{ Scan(...any) error }, today qcity.Date) (Flag, error) {
	var f Flag
	var scheme string
	err := row.Scan(&f.ID, &f.CertificateID, &f.Number, &scheme, &f.Holder, &f.HolderUSCC, &f.BodyID, &f.BodyName, &f.SampleID,
		&f.SampleNo, &f.LabID, &f.LabName, &f.Product, &f.FailedItems, &f.FlaggedOn, &f.DueOn, &f.State, &f.Response,
		&f.ResponseNote, &f.RespondedOn, &f.RespondedBy)
	f.Scheme = Scheme(scheme)
	f.Overdue = f.State == FlagOpen && today.After(f.DueOn)
	if f.State == FlagResponded && !f.RespondedOn.IsZero() {
		f.ResponseDays = s.Cal.WorkingDaysBetween(f.FlaggedOn, f.RespondedOn)
	}
	return f, err
}

// FlagFilter selects flags.
type FlagFilter struct {
	State   string // open | responded | withdrawn | overdue
	BodyID  int64
	Number  string
	Limit   int
	Offset  int
	Overdue bool
}

// FindFlags lists flags, open and overdue first: a body sees its own, officials all.
func (s *Service) FindFlags(ctx context.Context, f FlagFilter) ([]Flag, int, error) {
	a := qcity.ActorFrom(ctx)
	today := s.today()
	var where []string
	var args []any
	switch {
	case a.Role == qcity.RoleCertificationBody:
		where, args = append(where, "f.body_id = ?"), append(args, a.OrgID)
	case !isOfficial(a):
		return nil, 0, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	switch st := strings.TrimSpace(f.State); st {
	case "":
	case FlagOpen, FlagResponded, FlagWithdrawn:
		where, args = append(where, "f.state = ?"), append(args, st)
	case "overdue":
		where, args = append(where, "f.state = ? AND f.due_on < ?"), append(args, FlagOpen, today)
	default:
		return nil, 0, qcity.Invalid(qcity.Field("state", "cert.flag_state_unknown", "value", st))
	}
	if f.BodyID != 0 {
		where, args = append(where, "f.body_id = ?"), append(args, f.BodyID)
	}
	if n := strings.TrimSpace(f.Number); n != "" {
		where, args = append(where, "c.number = ?"), append(args, NormalizeNumber(n))
	}
	limit, offset := pageBounds(f.Limit, f.Offset)
	out, total, err := db.Page(ctx, s.DB, db.List{Columns: flagColumns, From: flagFrom, Where: where, Args: args,
		Order: "CASE f.state WHEN 'open' THEN 0 ELSE 1 END, f.due_on, f.id DESC"}, limit, offset,
		func(row db.Scanner) (Flag, error) { return s.scanFlag(row, today) })
	return out, total, qcity.Internal(err)
}

// FindFlag returns a flag to its body or an official.
func (s *Service) FindFlag(ctx context.Context, id int64) (Flag, error) {
	f, err := s.findFlag(ctx, s.DB, id)
	if err != nil {
		return f, err
	}
	a := qcity.ActorFrom(ctx)
	if !isOfficial(a) && !(a.Role == qcity.RoleCertificationBody && a.OrgID == f.BodyID) {
		return Flag{}, qcity.Errorf(qcity.ENOTFOUND, "cert.flag_not_found")
	}
	return f, nil
}

func (s *Service) findFlag(ctx context.Context, q db.Querier, id int64) (Flag, error) {
	f, err := s.scanFlag(q.QueryRow(ctx, `SELECT `+flagColumns+` FROM `+flagFrom+` WHERE f.id = ?`, id), s.today())
	if errors.Is(err, sql.ErrNoRows) {
		return f, qcity.Errorf(qcity.ENOTFOUND, "cert.flag_not_found")
	}
	return f, qcity.Internal(err)
}

// FlagResponse is a body's answer to a flag.
type FlagResponse struct {
	Response string `json:"response"`
	Note     string `json:"note"`
}

// RespondFlag records the body's answer: maintain (with its reasons), suspend (CCC
// Art. 27(3), reason sampling_failure) or revoke (Art. 28(2), differs_from_sample); a
// suspension or revocation changes the certificate's status in the same transaction.
// Only the flagged certificate's body (or a city official on its notice) answers, once.
// Returns ENOTFOUND, EINVALID, EFORBIDDEN.
func (s *Service) RespondFlag(ctx context.Context, id int64, in FlagResponse) (Flag, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	var f Flag
	var changed *Certificate
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if f, err = s.findFlag(ctx, tx, id); err != nil {
			return err
		}
		a := qcity.ActorFrom(ctx)
		if err := mayActForBody(a, f.BodyID); err != nil {
			if a.Role == qcity.RoleCertificationBody {
				return qcity.Errorf(qcity.ENOTFOUND, "cert.flag_not_found")
			}
			return err
		}
		var errs []qcity.FieldError
		resp := strings.TrimSpace(in.Response)
		note := checkText(&errs, "note", in.Note, resp == ResponseMaintain, 2000)
		switch resp {
		case ResponseMaintain, ResponseSuspend, ResponseRevoke:
		case "":
			errs = append(errs, qcity.Field("response", "registry.required"))
		default:
			errs = append(errs, qcity.Field("response", "cert.response_unknown", "value", resp))
		}
		if len(errs) > 0 {
			return qcity.Invalid(errs...)
		}
		if f.State != FlagOpen {
			return qcity.Invalid(qcity.Field("response", "cert.flag_not_open"))
		}
		before := f
		switch resp {
		case ResponseSuspend, ResponseRevoke:
			to, reason := StatusSuspended, "sampling_failure"
			if resp == ResponseRevoke {
				to, reason = StatusRevoked, "differs_from_sample"
			}
			c, err := s.changeStatus(ctx, tx, f.Number, StatusChange{Status: string(to), Reason: reason, Note: f.SampleNo + " " + note}, today, now)
			if err != nil {
				return err
			}
			changed = &c
		}
		if _, err := tx.Exec(ctx, `UPDATE cert_flags SET state = ?, response = ?, response_note = ?, responded_on = ?, responded_by = ?,
			updated_at = ? WHERE id = ?`, FlagResponded, resp, note, today, a.Name, now, id); err != nil {
			return qcity.Internal(err)
		}
		f.State, f.Response, f.ResponseNote, f.RespondedOn, f.RespondedBy, f.Overdue = FlagResponded, resp, note, today, a.Name, false
		f.ResponseDays = s.Cal.WorkingDaysBetween(f.FlaggedOn, today)
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "cert_flag", ObjectID: fmt.Sprint(id),
			Summary: "认证机构核查答复 " + f.Number + " " + resp, Before: before, After: f})
	})
	if err != nil {
		return Flag{}, err
	}
	if changed != nil {
		s.index.put(entryOf(*changed))
	}
	return f, nil
}
