package certification

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
	"qcity/internal/uscc"
)

// Cases (案件): officials open a case from a lead, a flag or on their own, attach
// evidence and record the outcome. A violation by a registered market entity can feed
// a penalty (credit's RecordPenalty, e.g. ¥30,000 for a forged or misused certificate,
// 认证证书和认证标志管理办法 Arts. 26–27 and CCC Art. 53) and, with a heavier penalty, a
// serious-list proposal (Order 44 Art. 7: 7.5 forged, misused or traded certificates
// or marks; 7.4 false certification conclusions; 7.6 uncertified CCC products).

// Offence is what a case is about.
type Offence struct {
	Code         string
	Circumstance string // Order 44 circumstance code
	Basis        string // the articles the penalty rests on
	FineYuan     string // the usual fine, as a default
}

// Offences lists the offences of RULES.md §8 with the basis and fine a penalty form
// starts from (the official edits both). RULES.md gives the articles and amounts of
// the certificate offences; those of uncertified CCC products and false conclusions
// are UNCONFIRMED and left for the official to fill in.
var Offences = []Offence{
	{"forged", "7.5", "《认证证书和认证标志管理办法》第二十六条；《强制性产品认证管理规定》第五十三条", "30000"},
	{"misused", "7.5", "《认证证书和认证标志管理办法》第二十六条、第二十七条", "30000"},
	{"traded", "7.5", "《认证证书和认证标志管理办法》第二十六条", "30000"},
	{"false_claim", "7.5", "《认证证书和认证标志管理办法》第二十六条（冒称获得认证，按伪造认证标志处理）", "30000"},
	{"wrong_type", "7.5", "《认证证书和认证标志管理办法》第二十七条（混淆使用认证证书类别）", "20000"},
	{"uncertified_ccc", "7.6", "《中华人民共和国认证认可条例》；《强制性产品认证管理规定》（条款待核）", ""},
	{"false_conclusion", "7.4", "《中华人民共和国认证认可条例》（条款待核）", ""},
}

// OffenceOf returns the offence with the code.
func OffenceOf(code string) (Offence, bool) {
	for _, o := range Offences {
		if o.Code == code {
			return o, true
		}
	}
	return Offence{}, false
}

// Case sources, states and outcomes.
const (
	SourceLead   = "lead"
	SourceFlag   = "flag"
	SourceManual = "manual"

	CaseOpen   = "open"
	CaseClosed = "closed"

	OutcomeViolation   = "violation"    // 违法事实成立
	OutcomeNoViolation = "no_violation" // 不构成违法
	OutcomeTransferred = "transferred"  // 移送其他机关
)

// Outcomes lists the outcomes.
var Outcomes = []string{OutcomeViolation, OutcomeNoViolation, OutcomeTransferred}

// Case is a case of certification oversight.
type Case struct {
	ID            int64        `json:"id"`
	CaseNo        string       `json:"case_no"`
	Source        string       `json:"source"`
	LeadID        int64        `json:"lead_id,omitempty"`
	FlagID        int64        `json:"flag_id,omitempty"`
	CertificateID int64        `json:"certificate_id,omitempty"`
	Number        string       `json:"number"`
	Offence       string       `json:"offence"`
	SubjectName   string       `json:"subject"`
	SubjectUSCC   string       `json:"subject_uscc"`
	EntityID      int64        `json:"-"`
	Region        string       `json:"region_code"`
	Summary       string       `json:"summary"`
	State         string       `json:"state"`
	OpenedOn      qcity.Date   `json:"opened_on"`
	OpenedBy      string       `json:"opened_by"`
	Outcome       string       `json:"outcome"`
	OutcomeNote   string       `json:"outcome_note"`
	ClosedOn      qcity.Date   `json:"closed_on"`
	PenaltyID     int64        `json:"penalty_id,omitempty"`
	PenaltyNo     string       `json:"penalty_decision_no"`
	SeriousID     int64        `json:"serious_id,omitempty"`
	Version       int          `json:"version"`
	Documents     []Document   `json:"documents,omitempty"`
	Events        []CaseEvent  `json:"events,omitempty"`
	Circumstance  string       `json:"circumstance"`
	Registered    bool         `json:"subject_registered"`
	Lead          *Lead        `json:"lead,omitempty"`
	Flag          *Flag        `json:"flag,omitempty"`
	Certificate   *Certificate `json:"certificate,omitempty"`
}

// CaseEvent is one step of a case.
type CaseEvent struct {
	Kind      string     `json:"kind"`
	Note      string     `json:"note"`
	On        qcity.Date `json:"on"`
	ActorName string     `json:"actor"`
}

// Document is evidence attached to a case.
type Document struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// Upload is a file to attach.
type Upload struct {
	Name string
	Data []byte
}

// Upload limits: as for credit repair evidence.
const (
	MaxFileBytes  = 10 << 20
	MaxFiles      = 10
	MaxTotalBytes = 30 << 20
)

var allowedTypes = map[string][]string{
	"application/pdf": {".pdf"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"image/png":       {".png"},
}

// checkUploads checks names, sizes and the sniffed type against the extension.
func checkUploads(files []Upload) ([]Upload, []qcity.FieldError) {
	if len(files) > MaxFiles {
		return nil, []qcity.FieldError{qcity.Field("files", "cert.too_many_files", "max", MaxFiles)}
	}
	var errs []qcity.FieldError
	var out []Upload
	total := 0
	for _, f := range files {
		if len(f.Data) == 0 {
			continue
		}
		name := path.Base(strings.ReplaceAll(strings.TrimSpace(f.Name), "\\", "/"))
		if utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) || strings.ContainsAny(name, "<>\"\x00") {
			errs = append(errs, qcity.Field("files", "cert.file_name"))
			continue
		}
		if len(f.Data) > MaxFileBytes {
			errs = append(errs, qcity.Field("files", "cert.file_too_large", "name", name, "max", MaxFileBytes>>20))
			continue
		}
		total += len(f.Data)
		ct := sniff(f.Data)
		if exts, ok := allowedTypes[ct]; !ok || !slices.Contains(exts, strings.ToLower(path.Ext(name))) {
			errs = append(errs, qcity.Field("files", "cert.file_type", "name", name))
			continue
		}
		f.Name = name
		out = append(out, f)
	}
	if total > MaxTotalBytes {
		errs = append(errs, qcity.Field("files", "cert.files_too_large", "max", MaxTotalBytes>>20))
	}
	return out, errs
}

func sniff(b []byte) string {
	ct := http.DetectContentType(b)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return ct
}

// CaseInput opens a case.
type CaseInput struct {
	Source      string `json:"source"`
	LeadID      int64  `json:"lead_id"`
	FlagID      int64  `json:"flag_id"`
	Number      string `json:"number"`
	Offence     string `json:"offence"`
	SubjectName string `json:"subject"`
	SubjectUSCC string `json:"subject_uscc"`
	Summary     string `json:"summary"`
}

const caseColumns = `k.id, k.case_no, k.source, COALESCE(k.lead_id, 0), COALESCE(k.flag_id, 0), COALESCE(k.certificate_id, 0), k.number,
	k.offence, k.subject_name, k.subject_uscc, COALESCE(k.entity_id, 0), k.region_code, k.summary, k.state, k.opened_on, k.opened_by,
	k.outcome, k.outcome_note, k.closed_on, COALESCE(k.penalty_id, 0), COALESCE((SELECT decision_no FROM penalties WHERE id = k.penalty_id), ''),
	COALESCE(k.serious_id, 0), k.version`

func scanCase(row interface{ Scan(...any) error }) (Case, error) {
	var c Case
	err := row.Scan(&c.ID, &c.CaseNo, &c.Source, &c.LeadID, &c.FlagID, &c.CertificateID, &c.Number, &c.Offence, &c.SubjectName,
		&c.SubjectUSCC, &c.EntityID, &c.Region, &c.Summary, &c.State, &c.OpenedOn, &c.OpenedBy, &c.Outcome, &c.OutcomeNote,
		&c.ClosedOn, &c.PenaltyID, &c.PenaltyNo, &c.SeriousID, &c.Version)
	if o, ok := OffenceOf(c.Offence); ok {
		c.Circumstance = o.Circumstance
	}
	c.Registered = c.EntityID != 0
	return c, err
}

func findCase(ctx context.Context, q db.Querier, id int64) (Case, error) {
	c, err := scanCase(q.QueryRow(ctx, `SELECT `+caseColumns+` FROM cert_cases k WHERE k.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, qcity.Errorf(qcity.ENOTFOUND, "cert.case_not_found")
	}
	return c, qcity.Internal(err)
}

// mayHandleCase: officials; a county official only the cases of its region (a case
// without a registered subject is the city's).
func mayHandleCase(a qcity.Actor, region string) error {
	if !isOfficial(a) {
		return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	if a.Region != "" && (region == "" || !a.CoversRegion(region)) {
		return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden_region")
	}
	return nil
}

// OpenCase opens a case. From a lead: the lead's number, and its holder query as the
// subject when none is given; the lead moves to state case. From a flag: the flagged
// certificate and its holder. The subject, when its USCC is registered, ties the case
// to a market entity (and its region). Returns EINVALID, ENOTFOUND, EFORBIDDEN,
// ECONFLICT (the lead or flag already has a case).
func (s *Service) OpenCase(ctx context.Context, in CaseInput) (Case, error) {
	a := qcity.ActorFrom(ctx)
	if !isOfficial(a) {
		return Case{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	today, now := s.today(), s.Clock.Now().UTC()
	var errs []qcity.FieldError
	c := Case{Source: strings.TrimSpace(in.Source), Offence: strings.TrimSpace(in.Offence), State: CaseOpen, OpenedOn: today, OpenedBy: a.Name}
	c.Summary = checkText(&errs, "summary", in.Summary, true, 4000)
	c.SubjectName = checkText(&errs, "subject", in.SubjectName, false, 200)
	c.Number = NormalizeNumber(in.Number)
	if utf8.RuneCountInString(c.Number) > MaxNumberLen {
		errs = append(errs, qcity.Field("number", "cert.number.too_long", "max", MaxNumberLen))
	}
	if _, ok := OffenceOf(c.Offence); !ok {
		if c.Offence == "" {
			errs = append(errs, qcity.Field("offence", "registry.required"))
		} else {
			errs = append(errs, qcity.Field("offence", "cert.offence_unknown", "value", c.Offence))
		}
	}
	if code := strings.TrimSpace(in.SubjectUSCC); code != "" {
		c.SubjectUSCC = uscc.Normalize(code)
		if err := uscc.Validate(c.SubjectUSCC); err != nil {
			qe := qcity.AsError(err)
			errs = append(errs, qcity.FieldError{Field: "subject_uscc", Key: qe.Key, Args: qe.Args})
		}
	}
	switch c.Source {
	case SourceLead:
		if in.LeadID == 0 {
			errs = append(errs, qcity.Field("lead_id", "registry.required"))
		}
	case SourceFlag:
		if in.FlagID == 0 {
			errs = append(errs, qcity.Field("flag_id", "registry.required"))
		}
	case SourceManual:
	case "":
		errs = append(errs, qcity.Field("source", "registry.required"))
	default:
		errs = append(errs, qcity.Field("source", "cert.case_source_unknown", "value", c.Source))
	}
	if len(errs) > 0 {
		return Case{}, qcity.Invalid(errs...)
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		switch c.Source {
		case SourceLead:
			l, err := findLead(ctx, tx, in.LeadID)
			if qcity.ErrorCode(err) == qcity.ENOTFOUND {
				return qcity.Invalid(qcity.Field("lead_id", "cert.lead_not_found"))
			} else if err != nil {
				return err
			}
			if l.State == LeadCase {
				return qcity.Errorf(qcity.ECONFLICT, "cert.lead_has_case")
			}
			c.LeadID, c.Number = l.ID, l.Number
			if c.SubjectName == "" && c.SubjectUSCC == "" {
				if code := uscc.Normalize(l.HolderQuery); uscc.Validate(code) == nil {
					c.SubjectUSCC = code
				} else {
					c.SubjectName = l.HolderQuery
				}
			}
			if _, err := tx.Exec(ctx, `UPDATE cert_leads SET state = ? WHERE id = ?`, LeadCase, l.ID); err != nil {
				return qcity.Internal(err)
			}
		case SourceFlag:
			f, err := s.findFlag(ctx, tx, in.FlagID)
			if qcity.ErrorCode(err) == qcity.ENOTFOUND {
				return qcity.Invalid(qcity.Field("flag_id", "cert.flag_not_found"))
			} else if err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM cert_cases WHERE flag_id = ?`, f.ID).Scan(&n); err != nil {
				return qcity.Internal(err)
			}
			if n > 0 {
				return qcity.Errorf(qcity.ECONFLICT, "cert.flag_has_case")
			}
			c.FlagID, c.Number = f.ID, f.Number
			if c.SubjectName == "" && c.SubjectUSCC == "" {
				c.SubjectName, c.SubjectUSCC = f.Holder, f.HolderUSCC
			}
		}
		if c.Number != "" {
			var id int64
			err := tx.QueryRow(ctx, `SELECT id FROM certificates WHERE number = ?`, c.Number).Scan(&id)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return qcity.Internal(err)
			}
			c.CertificateID = id
		}
		if c.SubjectUSCC != "" {
			var name string
			err := tx.QueryRow(ctx, `SELECT id, name, region_code FROM entities WHERE uscc = ?`, c.SubjectUSCC).Scan(&c.EntityID, &name, &c.Region)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return qcity.Internal(err)
			}
			if c.SubjectName == "" {
				c.SubjectName = name
			}
		}
		if err := mayHandleCase(a, c.Region); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM cert_cases WHERE case_no LIKE ?`, fmt.Sprintf("RZ%d-%%", today.Year)).Scan(&n); err != nil {
			return qcity.Internal(err)
		}
		c.CaseNo = fmt.Sprintf("RZ%d-%04d", today.Year, n+1)
		err := tx.QueryRow(ctx, `INSERT INTO cert_cases (case_no, source, lead_id, flag_id, certificate_id, number, offence, subject_name,
			subject_uscc, entity_id, region_code, summary, state, opened_on, opened_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.CaseNo, c.Source, db.NullInt(c.LeadID), db.NullInt(c.FlagID), db.NullInt(c.CertificateID), c.Number, c.Offence,
			c.SubjectName, c.SubjectUSCC, db.NullInt(c.EntityID), c.Region, c.Summary, c.State, c.OpenedOn, c.OpenedBy, now, now).Scan(&c.ID)
		if err != nil {
			return qcity.Internal(err)
		}
		c.Version = 1
		if err := s.caseEvent(ctx, tx, c.ID, "opened", c.Summary, today, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "cert_case", ObjectID: c.CaseNo,
			Region: c.Region, Summary: "认证案件立案 " + c.CaseNo + " " + c.Number, After: c})
	})
	if err != nil {
		return Case{}, err
	}
	if o, ok := OffenceOf(c.Offence); ok {
		c.Circumstance = o.Circumstance
	}
	c.Registered = c.EntityID != 0
	return c, nil
}

func (s *Service) caseEvent(ctx context.Context, tx *db.Tx, id int64, kind, note string, on qcity.Date, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO cert_case_events (case_id, kind, note, on_date, actor_name, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, kind, note, on, qcity.ActorFrom(ctx).Name, now)
	return qcity.Internal(err)
}

// FindCase returns a case with its documents, events, lead, flag and certificate.
func (s *Service) FindCase(ctx context.Context, id int64) (Case, error) {
	c, err := findCase(ctx, s.DB, id)
	if err != nil {
		return c, err
	}
	if err := mayHandleCase(qcity.ActorFrom(ctx), c.Region); err != nil {
		if qcity.ErrorCode(err) == qcity.EFORBIDDEN && isOfficial(qcity.ActorFrom(ctx)) {
			return Case{}, qcity.Errorf(qcity.ENOTFOUND, "cert.case_not_found")
		}
		return Case{}, err
	}
	rows, err := s.DB.Query(ctx, `SELECT id, name, content_type, size, sha256, uploaded_by, created_at FROM cert_case_documents
		WHERE case_id = ? ORDER BY id`, id)
	if err != nil {
		return c, qcity.Internal(err)
	}
	c.Documents = []Document{}
	for rows.Next() {
		var d Document
		if err := rows.Scan(&d.ID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedBy, &d.CreatedAt); err != nil {
			rows.Close()
			return c, qcity.Internal(err)
		}
		c.Documents = append(c.Documents, d)
	}
	rows.Close()
	rows, err = s.DB.Query(ctx, `SELECT kind, note, on_date, actor_name FROM cert_case_events WHERE case_id = ? ORDER BY id`, id)
	if err != nil {
		return c, qcity.Internal(err)
	}
	c.Events = []CaseEvent{}
	for rows.Next() {
		var e CaseEvent
		if err := rows.Scan(&e.Kind, &e.Note, &e.On, &e.ActorName); err != nil {
			rows.Close()
			return c, qcity.Internal(err)
		}
		c.Events = append(c.Events, e)
	}
	rows.Close()
	if c.LeadID != 0 {
		if l, err := findLead(ctx, s.DB, c.LeadID); err == nil {
			c.Lead = &l
		}
	}
	if c.FlagID != 0 {
		if f, err := s.findFlag(ctx, s.DB, c.FlagID); err == nil {
			c.Flag = &f
		}
	}
	if c.Number != "" {
		if cert, err := s.FindCertificate(ctx, c.Number); err == nil {
			c.Certificate = &cert
		}
	}
	return c, nil
}

// CaseFilter selects cases.
type CaseFilter struct {
	State  string
	Q      string
	Limit  int
	Offset int
}

// FindCases lists cases, open first, newest first; a county official sees its region's.
func (s *Service) FindCases(ctx context.Context, f CaseFilter) ([]Case, int, error) {
	a := qcity.ActorFrom(ctx)
	if !isOfficial(a) {
		return nil, 0, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	var where []string
	var args []any
	if a.Region != "" {
		where, args = append(where, "k.region_code LIKE ?"), append(args, db.EscapeLike(a.Region)+"%")
	}
	switch st := strings.TrimSpace(f.State); st {
	case "":
	case CaseOpen, CaseClosed:
		where, args = append(where, "k.state = ?"), append(args, st)
	default:
		return nil, 0, qcity.Invalid(qcity.Field("state", "cert.case_state_unknown", "value", st))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where = append(where, `(k.case_no = ? OR k.number = ? OR k.subject_uscc = ? OR k.subject_name LIKE ? ESCAPE '\')`)
		args = append(args, q, NormalizeNumber(q), uscc.Normalize(q), "%"+db.EscapeLike(q)+"%")
	}
	limit, offset := pageBounds(f.Limit, f.Offset)
	out, total, err := db.Page(ctx, s.DB, db.List{Columns: caseColumns, From: "cert_cases k", Where: where, Args: args,
		Order: "CASE k.state WHEN 'open' THEN 0 ELSE 1 END, k.id DESC"}, limit, offset, scanCase)
	return out, total, qcity.Internal(err)
}

// lockCase reads a case for a change inside tx, checking who may change it and that it
// is open.
func lockCase(ctx context.Context, tx *db.Tx, id int64, mustBeOpen bool) (Case, error) {
	c, err := findCase(ctx, tx, id)
	if err != nil {
		return c, err
	}
	a := qcity.ActorFrom(ctx)
	if err := mayHandleCase(a, c.Region); err != nil {
		if isOfficial(a) {
			return Case{}, qcity.Errorf(qcity.ENOTFOUND, "cert.case_not_found")
		}
		return Case{}, err
	}
	if mustBeOpen && c.State != CaseOpen {
		return c, qcity.Invalid(qcity.Field("state", "cert.case_closed"))
	}
	return c, nil
}

// AddEvidence attaches files (PDF, JPEG or PNG, checked by content and extension, 10
// MB each, 30 MB and 10 files at a time) to an open case. Returns EINVALID,
// ENOTFOUND, EFORBIDDEN.
func (s *Service) AddEvidence(ctx context.Context, id int64, files []Upload) ([]Document, error) {
	files, errs := checkUploads(files)
	if len(errs) == 0 && len(files) == 0 {
		errs = append(errs, qcity.Field("files", "cert.files_required"))
	}
	if len(errs) > 0 {
		return nil, qcity.Invalid(errs...)
	}
	today, now := s.today(), s.Clock.Now().UTC()
	by := qcity.ActorFrom(ctx).Name
	var docs []Document
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := lockCase(ctx, tx, id, true)
		if err != nil {
			return err
		}
		docs = docs[:0]
		var names []string
		for _, f := range files {
			sum := sha256.Sum256(f.Data)
			d := Document{Name: f.Name, ContentType: sniff(f.Data), Size: len(f.Data), SHA256: hex.EncodeToString(sum[:]), UploadedBy: by, CreatedAt: now}
			if err := tx.QueryRow(ctx, `INSERT INTO cert_case_documents (case_id, name, content_type, size, sha256, data, uploaded_by, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, d.Name, d.ContentType, d.Size, d.SHA256, f.Data, by, now).Scan(&d.ID); err != nil {
				return qcity.Internal(err)
			}
			docs = append(docs, d)
			names = append(names, d.Name)
		}
		if err := s.caseEvent(ctx, tx, id, "evidence", strings.Join(names, "、"), today, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "cert_case_document", ObjectID: c.CaseNo,
			Region: c.Region, Summary: "案件证据 " + c.CaseNo + " " + strings.Join(names, "、"), After: docs})
	})
	return docs, err
}

// DocumentData returns a case document to the officials who may see the case, after
// checking its hash.
func (s *Service) DocumentData(ctx context.Context, docID int64) (Document, []byte, error) {
	var d Document
	var data []byte
	var caseID int64
	err := s.DB.QueryRow(ctx, `SELECT id, case_id, name, content_type, size, sha256, data FROM cert_case_documents WHERE id = ?`, docID).
		Scan(&d.ID, &caseID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil, qcity.Errorf(qcity.ENOTFOUND, "web.not_found")
	}
	if err != nil {
		return d, nil, qcity.Internal(err)
	}
	c, err := findCase(ctx, s.DB, caseID)
	if err != nil {
		return d, nil, err
	}
	if err := mayHandleCase(qcity.ActorFrom(ctx), c.Region); err != nil {
		return Document{}, nil, qcity.Errorf(qcity.ENOTFOUND, "web.not_found")
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != d.SHA256 {
		return d, nil, qcity.Internal(fmt.Errorf("case document %d: content does not match its hash", docID))
	}
	return d, data, nil
}

// CaseOutcome closes a case.
type CaseOutcome struct {
	Outcome string `json:"outcome"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

// CloseCase records the outcome and closes the case; a closed case's lead stays in
// state case. A violation found may then still be given its penalty and serious-list
// proposal. Returns EINVALID, ENOTFOUND, EFORBIDDEN, ECONFLICT.
func (s *Service) CloseCase(ctx context.Context, id int64, in CaseOutcome) (Case, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	var errs []qcity.FieldError
	outcome := strings.TrimSpace(in.Outcome)
	if !slices.Contains(Outcomes, outcome) {
		if outcome == "" {
			errs = append(errs, qcity.Field("outcome", "registry.required"))
		} else {
			errs = append(errs, qcity.Field("outcome", "cert.outcome_unknown", "value", outcome))
		}
	}
	note := checkText(&errs, "note", in.Note, true, 4000)
	if len(errs) > 0 {
		return Case{}, qcity.Invalid(errs...)
	}
	var c Case
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if c, err = lockCase(ctx, tx, id, true); err != nil {
			return err
		}
		if in.Version != 0 && in.Version != c.Version {
			return qcity.Errorf(qcity.ECONFLICT, "registry.edit_conflict")
		}
		before := c
		if _, err := tx.Exec(ctx, `UPDATE cert_cases SET state = ?, outcome = ?, outcome_note = ?, closed_on = ?, updated_at = ?,
			version = version + 1 WHERE id = ?`, CaseClosed, outcome, note, today, now, id); err != nil {
			return qcity.Internal(err)
		}
		c.State, c.Outcome, c.OutcomeNote, c.ClosedOn, c.Version = CaseClosed, outcome, note, today, c.Version+1
		if err := s.caseEvent(ctx, tx, id, "closed", outcome+"："+note, today, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "cert_case", ObjectID: c.CaseNo,
			Region: c.Region, Summary: "认证案件结案 " + c.CaseNo + " " + outcome, Before: before, After: c})
	})
	return c, err
}

// Sanctions is what a case needs of the credit rooms.
type Sanctions interface {
	// RecordPenalty records a penalty decision and publishes it (credit's rules).
	RecordPenalty(ctx context.Context, in PenaltyRequest) (Sanction, error)
	// FindPenalty finds a recorded decision by its number (ENOTFOUND if none).
	FindPenalty(ctx context.Context, decisionNo string) (Sanction, error)
	// ProposeSerious proposes a serious-list listing grounded on a heavier penalty.
	ProposeSerious(ctx context.Context, in SeriousRequest) (Sanction, error)
}

// PenaltyRequest is a penalty decision for a case's subject.
type PenaltyRequest struct {
	USCC        string     `json:"uscc"`
	DecisionNo  string     `json:"decision_no"`
	DecidedOn   qcity.Date `json:"decided_on"`
	Kinds       []string   `json:"kinds"`
	Fine        string     `json:"fine"`
	Confiscated string     `json:"confiscated"`
	Violation   string     `json:"violation"`
	Basis       string     `json:"basis"`
	Heavier     bool       `json:"heavier"`
}

// SeriousRequest is a serious-list proposal for a case's subject.
type SeriousRequest struct {
	USCC              string   `json:"uscc"`
	PenaltyDecisionNo string   `json:"penalty_decision_no"`
	Circumstances     []string `json:"circumstances"`
	Facts             string   `json:"facts"`
	IntentEstablished bool     `json:"intent_established"`
	DecisionNo        string   `json:"decision_no"`
}

// Sanction is a penalty or listing recorded for a case.
type Sanction struct {
	ID         int64  `json:"id"`
	DecisionNo string `json:"decision_no"`
	USCC       string `json:"uscc"`
}

// caseForSanction checks that a case may be given a sanction: closed with a violation
// found, its subject a registered market entity.
func (s *Service) caseForSanction(ctx context.Context, id int64) (Case, error) {
	if s.Sanctions == nil {
		return Case{}, qcity.Errorf(qcity.EINVALID, "cert.sanctions_unavailable")
	}
	c, err := findCase(ctx, s.DB, id)
	if err != nil {
		return c, err
	}
	a := qcity.ActorFrom(ctx)
	if err := mayHandleCase(a, c.Region); err != nil {
		if isOfficial(a) {
			return Case{}, qcity.Errorf(qcity.ENOTFOUND, "cert.case_not_found")
		}
		return Case{}, err
	}
	if c.Outcome != OutcomeViolation {
		return c, qcity.Invalid(qcity.Field("outcome", "cert.case_no_violation"))
	}
	if c.EntityID == 0 {
		return c, qcity.Invalid(qcity.Field("subject_uscc", "cert.case_subject_unregistered"))
	}
	return c, nil
}

// CasePenalty records the penalty decision of a case through credit (which checks and
// publishes it per Order 45), then ties it to the case. A decision already recorded
// with the same number for the same entity is tied without being recorded again, so a
// retry after a failure is safe. Returns EINVALID (credit's field errors), ENOTFOUND,
// EFORBIDDEN, ECONFLICT (the case has a penalty; the number is another entity's).
func (s *Service) CasePenalty(ctx context.Context, id int64, in PenaltyRequest) (Case, error) {
	c, err := s.caseForSanction(ctx, id)
	if err != nil {
		return c, err
	}
	if c.PenaltyID != 0 {
		return c, qcity.Errorf(qcity.ECONFLICT, "cert.case_has_penalty")
	}
	in.USCC = c.SubjectUSCC
	p, err := s.Sanctions.FindPenalty(ctx, strings.TrimSpace(in.DecisionNo))
	switch {
	case err == nil && p.USCC != c.SubjectUSCC:
		return c, &qcity.Error{Code: qcity.ECONFLICT, Key: "cert.penalty_other_entity",
			Fields: []qcity.FieldError{qcity.Field("decision_no", "cert.penalty_other_entity")}}
	case err == nil:
	case qcity.ErrorCode(err) == qcity.ENOTFOUND:
		if p, err = s.Sanctions.RecordPenalty(ctx, in); err != nil {
			return c, err
		}
	default:
		return c, err
	}
	today, now := s.today(), s.Clock.Now().UTC()
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		before := c
		res, err := tx.Exec(ctx, `UPDATE cert_cases SET penalty_id = ?, updated_at = ?, version = version + 1 WHERE id = ? AND penalty_id IS NULL`,
			p.ID, now, id)
		if err != nil {
			return qcity.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return qcity.Errorf(qcity.ECONFLICT, "cert.case_has_penalty")
		}
		c.PenaltyID, c.PenaltyNo, c.Version = p.ID, p.DecisionNo, c.Version+1
		if err := s.caseEvent(ctx, tx, id, "penalty", p.DecisionNo, today, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "cert_case", ObjectID: c.CaseNo,
			Region: c.Region, Summary: "认证案件行政处罚 " + c.CaseNo + " " + p.DecisionNo, Before: before, After: c})
	})
	return c, err
}

// CaseSerious proposes the case's subject for the serious list on the case's penalty,
// with the circumstance of its offence (Order 44 Art. 7). Credit applies the gate of
// Art. 2 (a heavier penalty) and Art. 12 (intent). Returns EINVALID, ENOTFOUND,
// EFORBIDDEN, ECONFLICT.
func (s *Service) CaseSerious(ctx context.Context, id int64, in SeriousRequest) (Case, error) {
	c, err := s.caseForSanction(ctx, id)
	if err != nil {
		return c, err
	}
	if c.PenaltyID == 0 {
		return c, qcity.Invalid(qcity.Field("penalty_decision_no", "cert.case_needs_penalty"))
	}
	if c.SeriousID != 0 {
		return c, qcity.Errorf(qcity.ECONFLICT, "cert.case_has_serious")
	}
	in.USCC, in.PenaltyDecisionNo, in.Circumstances = c.SubjectUSCC, c.PenaltyNo, []string{c.Circumstance}
	l, err := s.Sanctions.ProposeSerious(ctx, in)
	if err != nil {
		return c, err
	}
	today, now := s.today(), s.Clock.Now().UTC()
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		before := c
		if _, err := tx.Exec(ctx, `UPDATE cert_cases SET serious_id = ?, updated_at = ?, version = version + 1 WHERE id = ?`, l.ID, now, id); err != nil {
			return qcity.Internal(err)
		}
		c.SeriousID, c.Version = l.ID, c.Version+1
		if err := s.caseEvent(ctx, tx, id, "serious", c.Circumstance, today, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "cert_case", ObjectID: c.CaseNo,
			Region: c.Region, Summary: "认证案件拟列入严重违法失信名单 " + c.CaseNo, Before: before, After: c})
	})
	return c, err
}
