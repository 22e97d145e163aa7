package registry

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/uscc"
)

// OrgKind is the kind of organisation the bureau supervises or commissions.
type OrgKind string

const (
	OrgLab                  OrgKind = "lab"                   // 检验检测机构 (CMA-qualified)
	OrgCertificationBody    OrgKind = "certification_body"    // 认证机构 (CNCA-approved)
	OrgMetrologyInstitution OrgKind = "metrology_institution" // 法定计量技术机构
)

// OrgKinds lists the kinds in display order.
var OrgKinds = []OrgKind{OrgLab, OrgCertificationBody, OrgMetrologyInstitution}

// OrgStatus is the state of an organisation's qualification.
type OrgStatus string

const (
	OrgValid     OrgStatus = "valid"     // 有效
	OrgSuspended OrgStatus = "suspended" // 暂停
	OrgRevoked   OrgStatus = "revoked"   // 撤销
	OrgExpired   OrgStatus = "expired"   // 过期
)

// OrgStatuses lists the statuses in display order.
var OrgStatuses = []OrgStatus{OrgValid, OrgSuspended, OrgRevoked, OrgExpired}

// Organisation is a testing lab, certification body or legal metrology institution.
// AccreditationNo is the CMA certificate number (资质认定证书编号) of a lab, the CNCA
// approval number (批准号, e.g. CNCA-R-2002-001) of a body, or the authorisation
// certificate number of a metrology institution.
type Organisation struct {
	ID              int64      `json:"id"`
	Kind            OrgKind    `json:"kind"`
	Name            string     `json:"name"`
	USCC            string     `json:"uscc"`
	Region          string     `json:"region_code"`
	Address         string     `json:"address"`
	AccreditationNo string     `json:"accreditation_no"`
	Scope           string     `json:"scope"`
	Status          OrgStatus  `json:"status"`
	ValidUntil      qcity.Date `json:"valid_until"`
	Contact         string     `json:"contact"`
	Phone           string     `json:"phone"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	Version         int        `json:"version"`
}

// OrganisationInput is an organisation as typed into a form or a JSON body.
type OrganisationInput struct {
	Kind            string `json:"kind"`
	Name            string `json:"name"`
	USCC            string `json:"uscc"`
	Region          string `json:"region_code"`
	Address         string `json:"address"`
	AccreditationNo string `json:"accreditation_no"`
	Scope           string `json:"scope"`
	Status          string `json:"status"`
	ValidUntil      string `json:"valid_until"`
	Contact         string `json:"contact"`
	Phone           string `json:"phone"`
}

// Input returns o as an input, for edit forms.
func (o Organisation) Input() OrganisationInput {
	return OrganisationInput{Kind: string(o.Kind), Name: o.Name, USCC: o.USCC, Region: o.Region,
		Address: o.Address, AccreditationNo: o.AccreditationNo, Scope: o.Scope, Status: string(o.Status),
		ValidUntil: o.ValidUntil.String(), Contact: o.Contact, Phone: o.Phone}
}

// ValidateOrganisation checks in. Labs and metrology institutions are often public
// institutions (事业单位, USCC authority 1), so any valid USCC is accepted.
func (v *Validator) ValidateOrganisation(in OrganisationInput) (Organisation, []qcity.FieldError) {
	var errs []qcity.FieldError
	add := func(field, key string, args ...any) { errs = append(errs, qcity.Field(field, key, args...)) }
	o := Organisation{Kind: OrgKind(strings.TrimSpace(in.Kind)), Name: cleanText(in.Name),
		USCC: uscc.Normalize(in.USCC), Region: strings.TrimSpace(in.Region), Address: cleanText(in.Address),
		AccreditationNo: strings.TrimSpace(in.AccreditationNo), Scope: strings.TrimSpace(in.Scope),
		Status: OrgStatus(strings.TrimSpace(in.Status)), Contact: cleanText(in.Contact), Phone: strings.TrimSpace(in.Phone)}
	kindOK := false
	for _, k := range OrgKinds {
		kindOK = kindOK || o.Kind == k
	}
	if !kindOK {
		add("kind", "registry.org_kind_unknown", "value", string(o.Kind))
	}
	if n := utf8.RuneCountInString(o.Name); n < 2 || n > maxNameRunes {
		add("name", "registry.name_length", "min", 2, "max", maxNameRunes)
	} else if r, pos, ok := badNameRune(o.Name); !ok {
		add("name", "registry.name_char", "char", displayRune(r), "pos", pos)
	}
	if o.USCC == "" {
		add("uscc", "registry.required")
	} else if err := uscc.Validate(o.USCC); err != nil {
		qe := qcity.AsError(err)
		errs = append(errs, qcity.FieldError{Field: "uscc", Key: qe.Key, Args: qe.Args})
	}
	if o.Region == "" {
		add("region_code", "registry.required")
	} else if d, ok := v.Regions.Get(o.Region); !ok || d.Level < 1 || d.Level > 3 {
		add("region_code", "region.unknown", "code", o.Region)
	}
	for field, val := range map[string]string{"address": o.Address, "contact": o.Contact} {
		if utf8.RuneCountInString(val) > maxAddressRunes {
			add(field, "registry.text_length", "max", maxAddressRunes)
		} else if r, pos, ok := badTextRune(val); !ok {
			add(field, "registry.text_char", "char", displayRune(r), "pos", pos)
		}
	}
	if len(o.AccreditationNo) > 64 {
		add("accreditation_no", "registry.text_length", "max", 64)
	} else if r, pos, ok := badNameRune(o.AccreditationNo); !ok {
		add("accreditation_no", "registry.text_char", "char", displayRune(r), "pos", pos)
	}
	if utf8.RuneCountInString(o.Scope) > 4000 {
		add("scope", "registry.text_length", "max", 4000)
	} else if r, pos, ok := badScopeRune(o.Scope); !ok {
		add("scope", "registry.text_char", "char", displayRune(r), "pos", pos)
	}
	if len(o.Phone) > 32 || strings.Trim(o.Phone, "0123456789-+ ()") != "" {
		add("phone", "registry.phone_format")
	}
	if o.Status == "" {
		o.Status = OrgValid
	} else {
		ok := false
		for _, s := range OrgStatuses {
			ok = ok || o.Status == s
		}
		if !ok {
			add("status", "registry.status_unknown", "value", string(o.Status))
		}
	}
	if s := strings.TrimSpace(in.ValidUntil); s != "" {
		d, err := qcity.ParseDate(s)
		if err != nil {
			add("valid_until", "registry.date_format", "value", s)
		} else {
			o.ValidUntil = d
		}
	}
	return o, errs
}

// badScopeRune allows line breaks in a scope, which may list many items.
func badScopeRune(s string) (rune, int, bool) {
	return badTextRune(strings.NewReplacer("\r\n", " ", "\n", " ", "\t", " ").Replace(s))
}

const orgColumns = `id, kind, name, uscc, region_code, address, accreditation_no, scope, status, valid_until,
	contact, phone, created_at, updated_at, version`

func scanOrganisation(row interface{ Scan(...any) error }) (Organisation, error) {
	var o Organisation
	var kind, status string
	if err := row.Scan(&o.ID, &kind, &o.Name, &o.USCC, &o.Region, &o.Address, &o.AccreditationNo, &o.Scope,
		&status, &o.ValidUntil, &o.Contact, &o.Phone, &o.CreatedAt, &o.UpdatedAt, &o.Version); err != nil {
		return Organisation{}, err
	}
	o.Kind, o.Status = OrgKind(kind), OrgStatus(status)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, nil
}

func orgConflict(o Organisation) *qcity.Error {
	return &qcity.Error{Code: qcity.ECONFLICT, Key: "registry.org_taken", Args: map[string]any{"uscc": o.USCC},
		Fields: []qcity.FieldError{qcity.Field("uscc", "registry.org_taken", "uscc", o.USCC)}}
}

// CreateOrganisation registers a lab, certification body or metrology institution.
// Returns EINVALID, ECONFLICT (same kind and USCC), EFORBIDDEN.
func (s *Service) CreateOrganisation(ctx context.Context, in OrganisationInput) (Organisation, error) {
	o, errs := s.Validator.ValidateOrganisation(in)
	if len(errs) > 0 {
		return Organisation{}, qcity.Invalid(errs...)
	}
	if err := canEdit(qcity.ActorFrom(ctx), o.Region); err != nil {
		return Organisation{}, err
	}
	now := s.Clock.Now().UTC()
	o.CreatedAt, o.UpdatedAt, o.Version = now, now, 1
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := insertOrganisation(ctx, tx, &o); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "organisation",
			ObjectID: strconv.FormatInt(o.ID, 10), Region: o.Region, Summary: o.Name, After: o})
	})
	return o, err
}

func insertOrganisation(ctx context.Context, q db.Querier, o *Organisation) error {
	err := q.QueryRow(ctx, `INSERT INTO organisations (kind, name, uscc, region_code, address, accreditation_no,
		scope, status, valid_until, contact, phone, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
		string(o.Kind), o.Name, o.USCC, o.Region, o.Address, o.AccreditationNo, o.Scope, string(o.Status),
		o.ValidUntil, o.Contact, o.Phone, o.CreatedAt, o.UpdatedAt).Scan(&o.ID)
	if db.IsUniqueViolation(err) {
		return orgConflict(*o)
	}
	if err != nil {
		return qcity.Internal(err)
	}
	o.Version = 1
	return nil
}

// UpdateOrganisation edits an organisation; version as in UpdateEntity. The kind cannot
// change. Returns ENOTFOUND, EINVALID, ECONFLICT, EFORBIDDEN.
func (s *Service) UpdateOrganisation(ctx context.Context, id int64, in OrganisationInput, version int) (Organisation, error) {
	before, err := s.FindOrganisationByID(ctx, id)
	if err != nil {
		return Organisation{}, err
	}
	a := qcity.ActorFrom(ctx)
	if err := canEdit(a, before.Region); err != nil {
		return Organisation{}, err
	}
	in.Kind = string(before.Kind)
	o, errs := s.Validator.ValidateOrganisation(in)
	if len(errs) > 0 {
		return Organisation{}, qcity.Invalid(errs...)
	}
	if err := canEdit(a, o.Region); err != nil {
		return Organisation{}, err
	}
	now := s.Clock.Now().UTC()
	o.ID, o.CreatedAt, o.UpdatedAt = id, before.CreatedAt, now
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE organisations SET name = ?, uscc = ?, region_code = ?, address = ?,
			accreditation_no = ?, scope = ?, status = ?, valid_until = ?, contact = ?, phone = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`,
			o.Name, o.USCC, o.Region, o.Address, o.AccreditationNo, o.Scope, string(o.Status), o.ValidUntil,
			o.Contact, o.Phone, now, id, version)
		if db.IsUniqueViolation(err) {
			return orgConflict(o)
		}
		if err != nil {
			return qcity.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return qcity.Errorf(qcity.ECONFLICT, "registry.edit_conflict")
		}
		o.Version = version + 1
		if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "organisation",
			ObjectID: strconv.FormatInt(id, 10), Region: o.Region, Summary: o.Name, Before: before, After: o}); err != nil {
			return err
		}
		if s.OrgStatusHook != nil && before.Status != o.Status {
			o.Kind = before.Kind
			return s.OrgStatusHook(ctx, tx, before, o)
		}
		return nil
	})
	return o, err
}

// FindOrganisationByID returns the organisation, or ENOTFOUND.
func (s *Service) FindOrganisationByID(ctx context.Context, id int64) (Organisation, error) {
	o, err := scanOrganisation(s.DB.QueryRow(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Organisation{}, qcity.Errorf(qcity.ENOTFOUND, "registry.org_not_found")
	}
	if err != nil {
		return Organisation{}, qcity.Internal(err)
	}
	return o, nil
}

// OrganisationFilter selects organisations.
type OrganisationFilter struct {
	Kind   string
	Q      string // substring of the name, or the USCC or accreditation number
	Region string
	Status string
	Limit  int
	Offset int
}

// FindOrganisations returns a page of organisations by name and the total. There are
// at most thousands, so a LIKE scan is fine here.
func (s *Service) FindOrganisations(ctx context.Context, f OrganisationFilter) ([]Organisation, int, error) {
	var where []string
	var args []any
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + db.EscapeLike(q) + "%"
		where = append(where, `(name LIKE ? ESCAPE '\' OR uscc = ? OR accreditation_no = ?)`)
		args = append(args, like, uscc.Normalize(q), q)
	}
	if f.Region != "" {
		where, args = append(where, "region_code LIKE ?"), append(args, db.EscapeLike(f.Region)+"%")
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxPageSize {
		limit = 20
	}
	out, total, err := db.Page(ctx, s.DB, db.List{Columns: orgColumns, From: "organisations", Where: where, Args: args,
		Order: "kind, name"}, limit, max(f.Offset, 0), scanOrganisation)
	return out, total, qcity.Internal(err)
}
