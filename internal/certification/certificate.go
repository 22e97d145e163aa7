package certification

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/registry"
	"qcity/internal/uscc"
)

// Certificate is a certificate (认证证书) with the fields RULES.md §8 lists: for product
// certificates (CCC Art. 7) the applicant (the holder), product, model and
// specification, brand, manufacturer, factory, standard, certification mode; for
// management-system certificates (Art. 9) the organisation, its address, the scope and
// the standard; for both the number, issuer and dates.
type Certificate struct {
	ID            int64              `json:"id"`
	Number        string             `json:"number"`
	Scheme        Scheme             `json:"scheme"`
	Category      string             `json:"category,omitempty"` // CCC product category (PPPP)
	BodyID        int64              `json:"body_id"`
	BodyName      string             `json:"issuer"`
	BodyUSCC      string             `json:"issuer_uscc"`
	BodyApproval  string             `json:"issuer_approval_no"`
	BodyStatus    registry.OrgStatus `json:"issuer_status"`
	HolderID      int64              `json:"-"`
	HolderName    string             `json:"holder"`
	HolderUSCC    string             `json:"holder_uscc"`
	HolderAddress string             `json:"holder_address"`
	Region        string             `json:"region_code"`
	Product       string             `json:"product"`
	Models        string             `json:"models"`
	Brand         string             `json:"brand"`
	Manufacturer  string             `json:"manufacturer"`
	Factory       string             `json:"factory"`
	Scope         string             `json:"scope"`
	Standard      string             `json:"standard"`
	CertMode      string             `json:"cert_mode"`
	IssuedOn      qcity.Date         `json:"issued_on"`
	ExpiresOn     qcity.Date         `json:"expires_on"`
	FirstIssuedOn qcity.Date         `json:"first_issued_on"`
	// Status is the certificate's own status as its body recorded it; Public is what
	// is published, with expiry and the body's approval applied.
	Status       Status     `json:"own_status"`
	StatusReason string     `json:"own_status_reason"`
	StatusOn     qcity.Date `json:"own_status_on"`
	Public       Public     `json:"public_status"`
	Source       string     `json:"source"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Version      int        `json:"version"`
}

// ScopeText is what verification shows as the scope: a management-system
// certificate's scope, or a product certificate's product and models.
func (c Certificate) ScopeText() string {
	if info, ok := InfoOf(c.Scheme); ok && info.Kind == KindProduct {
		s := c.Product
		if c.Models != "" {
			s += "（" + c.Models + "）"
		}
		if s == "" {
			s = c.Scope
		}
		return s
	}
	return c.Scope
}

// Event is one step of a certificate's history.
type Event struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"` // registered | status | renewed | cascade | expired | flagged
	From      Status     `json:"from_status,omitempty"`
	To        Status     `json:"to_status,omitempty"`
	Reason    string     `json:"reason"`
	Note      string     `json:"note"`
	On        qcity.Date `json:"on"`
	ActorName string     `json:"actor"`
	ActorRole string     `json:"actor_role"`
	CreatedAt time.Time  `json:"created_at"`
}

// Event kinds.
const (
	EventRegistered = "registered"
	EventStatus     = "status"
	EventRenewed    = "renewed"
	EventCascade    = "cascade"
	EventExpired    = "expired"
	EventFlagged    = "flagged"
)

const certColumns = `c.id, c.number, c.scheme, c.category, c.body_id, o.name, o.uscc, o.accreditation_no, o.status,
	COALESCE(c.holder_id, 0), c.holder_name, c.holder_uscc, c.holder_address, c.region_code, c.product, c.models, c.brand,
	c.manufacturer, c.factory, c.scope, c.standard, c.cert_mode, c.issued_on, c.expires_on, c.first_issued_on, c.status,
	c.status_reason, c.status_on, c.source, c.created_at, c.updated_at, c.version`

const certFrom = ` FROM certificates c JOIN organisations o ON o.id = c.body_id`

func scanCertificate(row interface{ Scan(...any) error }) (Certificate, error) {
	var c Certificate
	var scheme, bodyStatus, status string
	err := row.Scan(&c.ID, &c.Number, &scheme, &c.Category, &c.BodyID, &c.BodyName, &c.BodyUSCC, &c.BodyApproval, &bodyStatus,
		&c.HolderID, &c.HolderName, &c.HolderUSCC, &c.HolderAddress, &c.Region, &c.Product, &c.Models, &c.Brand,
		&c.Manufacturer, &c.Factory, &c.Scope, &c.Standard, &c.CertMode, &c.IssuedOn, &c.ExpiresOn, &c.FirstIssuedOn, &status,
		&c.StatusReason, &c.StatusOn, &c.Source, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	c.Scheme, c.BodyStatus, c.Status = Scheme(scheme), registry.OrgStatus(bodyStatus), Status(status)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

func (s *Service) withPublic(c *Certificate, today qcity.Date) {
	bodyOn := s.index.bodyStatusOn(c.BodyID)
	c.Public = PublicStatus(c.Status, c.StatusReason, c.StatusOn, c.ExpiresOn, c.BodyStatus, bodyOn, today)
}

func findCertificate(ctx context.Context, q db.Querier, number string) (Certificate, error) {
	c, err := scanCertificate(q.QueryRow(ctx, `SELECT `+certColumns+certFrom+` WHERE c.number = ?`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return c, qcity.Errorf(qcity.ENOTFOUND, "cert.not_found", "number", number)
	}
	return c, qcity.Internal(err)
}

// FindCertificate returns a certificate by number with its public status. Every
// certificate is public (bodies must publish them, 证书标志办法 Art. 23). Returns
// ENOTFOUND.
func (s *Service) FindCertificate(ctx context.Context, number string) (Certificate, error) {
	c, err := findCertificate(ctx, s.DB, NormalizeNumber(number))
	if err != nil {
		return c, err
	}
	s.withPublic(&c, s.today())
	return c, nil
}

// History returns a certificate's events, oldest first.
func (s *Service) History(ctx context.Context, id int64) ([]Event, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, kind, from_status, to_status, reason, note, on_date, actor_name, actor_role, created_at
		FROM certificate_events WHERE certificate_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var from, to string
		if err := rows.Scan(&e.ID, &e.Kind, &from, &to, &e.Reason, &e.Note, &e.On, &e.ActorName, &e.ActorRole, &e.CreatedAt); err != nil {
			return nil, qcity.Internal(err)
		}
		e.From, e.To, e.CreatedAt = Status(from), Status(to), e.CreatedAt.UTC()
		out = append(out, e)
	}
	return out, qcity.Internal(rows.Err())
}

func insertEvent(ctx context.Context, tx *db.Tx, certID int64, e Event, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO certificate_events (certificate_id, kind, from_status, to_status, reason, note, on_date,
		actor_name, actor_role, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		certID, e.Kind, string(e.From), string(e.To), e.Reason, e.Note, e.On, e.ActorName, e.ActorRole, now)
	return qcity.Internal(err)
}

func actorEvent(ctx context.Context, kind string) Event {
	a := qcity.ActorFrom(ctx)
	return Event{Kind: kind, ActorName: a.Name, ActorRole: string(a.Role)}
}

// CertificateInput is a certificate as a body's form, import row or JSON body gives it
// (the body of POST /api/v1/certificates). Body names the issuing body by USCC or
// approval number; it is needed only when an official records on a body's behalf.
type CertificateInput struct {
	Number        string `json:"number"`
	Scheme        string `json:"scheme"`
	Body          string `json:"issuer"`
	HolderName    string `json:"holder"`
	HolderUSCC    string `json:"holder_uscc"`
	HolderAddress string `json:"holder_address"`
	Product       string `json:"product"`
	Models        string `json:"models"`
	Brand         string `json:"brand"`
	Manufacturer  string `json:"manufacturer"`
	Factory       string `json:"factory"`
	Scope         string `json:"scope"`
	Standard      string `json:"standard"`
	CertMode      string `json:"cert_mode"`
	IssuedOn      string `json:"issued_on"`
	ExpiresOn     string `json:"expires_on"`
	FirstIssuedOn string `json:"first_issued_on"`
}

// Validate checks a certificate's own fields against RULES.md §8 and returns it in
// canonical form. It does not look at the body or the registry.
//   - number: the scheme's format (CheckNumber; the year may not be after the issue
//     year, and a CCC number's year is the first-issue year);
//   - product certificates: the product; CCC also models, manufacturer, factory and
//     the certification mode (Art. 7); management systems: the address and scope
//     (Art. 9);
//   - the holder's USCC (GB 32100) and name;
//   - dates: issued on or before today, expiring after issue and within the scheme's
//     longest validity (CCC 5 years, Art. 22).
func Validate(in CertificateInput, today qcity.Date) (Certificate, []qcity.FieldError) {
	var errs []qcity.FieldError
	add := func(field, key string, args ...any) { errs = append(errs, qcity.Field(field, key, args...)) }
	c := Certificate{Number: NormalizeNumber(in.Number), Scheme: Scheme(strings.ToLower(strings.TrimSpace(in.Scheme)))}
	info, schemeOK := InfoOf(c.Scheme)
	if in.Scheme == "" {
		add("scheme", "registry.required")
	} else if !schemeOK {
		add("scheme", "cert.scheme_unknown", "value", strings.TrimSpace(in.Scheme))
	}
	c.HolderName = checkText(&errs, "holder", in.HolderName, true, 200)
	c.HolderUSCC = uscc.Normalize(in.HolderUSCC)
	if c.HolderUSCC == "" {
		add("holder_uscc", "registry.required")
	} else if err := uscc.Validate(c.HolderUSCC); err != nil {
		qe := qcity.AsError(err)
		errs = append(errs, qcity.FieldError{Field: "holder_uscc", Key: qe.Key, Args: qe.Args})
	}
	product := schemeOK && info.Kind == KindProduct
	ccc := c.Scheme == SchemeCCC
	c.HolderAddress = checkText(&errs, "holder_address", in.HolderAddress, schemeOK && !product, 200)
	c.Product = checkText(&errs, "product", in.Product, product, 500)
	c.Models = checkText(&errs, "models", in.Models, ccc, 1000)
	c.Brand = checkText(&errs, "brand", in.Brand, false, 100)
	c.Manufacturer = checkText(&errs, "manufacturer", in.Manufacturer, ccc, 200)
	c.Factory = checkText(&errs, "factory", in.Factory, ccc, 200)
	c.Scope = checkText(&errs, "scope", in.Scope, schemeOK && !product, 2000)
	c.CertMode = checkText(&errs, "cert_mode", in.CertMode, ccc, 200)
	c.Standard = checkText(&errs, "standard", in.Standard, false, 300)
	if c.Standard == "" && schemeOK {
		if info.Standard == "" {
			add("standard", "registry.required")
		}
		c.Standard = info.Standard
	}
	date := func(field, v string, required bool) qcity.Date {
		v = strings.TrimSpace(v)
		if v == "" {
			if required {
				add(field, "registry.required")
			}
			return qcity.Date{}
		}
		d, err := qcity.ParseDate(v)
		if err != nil {
			add(field, "registry.date_format", "value", v)
		}
		return d
	}
	c.IssuedOn = date("issued_on", in.IssuedOn, true)
	c.ExpiresOn = date("expires_on", in.ExpiresOn, true)
	c.FirstIssuedOn = date("first_issued_on", in.FirstIssuedOn, false)
	if !c.IssuedOn.IsZero() {
		switch {
		case c.IssuedOn.After(today):
			add("issued_on", "cert.date_future")
		case c.IssuedOn.Year < 1990:
			add("issued_on", "cert.date_too_old")
		}
		if !c.ExpiresOn.IsZero() {
			if !c.ExpiresOn.After(c.IssuedOn) {
				add("expires_on", "cert.expires_before_issue")
			} else if schemeOK && c.ExpiresOn.After(qcity.NewDate(c.IssuedOn.Year+info.MaxYears, c.IssuedOn.Month, c.IssuedOn.Day)) {
				add("expires_on", "cert.validity_too_long", "years", info.MaxYears)
			}
		}
		if !c.FirstIssuedOn.IsZero() && c.FirstIssuedOn.After(c.IssuedOn) {
			add("first_issued_on", "cert.first_after_issue")
		}
	}
	if c.Number == "" {
		add("number", "registry.required")
	} else if schemeOK {
		maxYear := today.Year
		if !c.IssuedOn.IsZero() {
			maxYear = c.IssuedOn.Year
		}
		chk := CheckNumber(c.Scheme, c.Number, maxYear)
		if !chk.OK {
			add("number", chk.Key, argList(chk.Args)...)
		} else {
			c.Category = chk.Category
			if ccc && !c.FirstIssuedOn.IsZero() && chk.Year != c.FirstIssuedOn.Year {
				add("number", "cert.number.ccc_first_year", "year", chk.Year, "first", c.FirstIssuedOn.Year)
			}
		}
	}
	if c.FirstIssuedOn.IsZero() {
		c.FirstIssuedOn = c.IssuedOn
	}
	return c, errs
}

func argList(m map[string]any) []any {
	var out []any
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}

// Warning is a remark on a certificate or a verification: a locale key cert.warn.*
// with its arguments, and the texts the web layer fills in.
type Warning struct {
	Code      string         `json:"code"`
	Key       string         `json:"-"`
	Args      map[string]any `json:"-"`
	Message   string         `json:"message"`
	MessageEN string         `json:"message_en"`
}

func warn(code string, args ...any) Warning {
	w := Warning{Code: code, Key: "cert.warn." + code}
	if len(args) > 0 {
		w.Args = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			w.Args[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	return w
}

// resolveBody finds the issuing body of a registration: the actor's own for a body's
// account or key, or the one named by USCC or approval number for an official.
func (s *Service) resolveBody(ctx context.Context, q db.Querier, named string) (bodyEntry, error) {
	a := qcity.ActorFrom(ctx)
	var where string
	var args []any
	switch {
	case a.Role == qcity.RoleCertificationBody:
		if a.OrgID == 0 {
			return bodyEntry{}, qcity.Errorf(qcity.EFORBIDDEN, "cert.account_no_body")
		}
		where, args = "id = ?", []any{a.OrgID}
	case isCityOfficial(a):
		named = strings.TrimSpace(named)
		if named == "" {
			return bodyEntry{}, qcity.Invalid(qcity.Field("issuer", "registry.required"))
		}
		where, args = "(uscc = ? OR accreditation_no = ?)", []any{uscc.Normalize(named), named}
	default:
		return bodyEntry{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	var b bodyEntry
	var status string
	err := q.QueryRow(ctx, `SELECT id, name, uscc, accreditation_no, scope, status, valid_until FROM organisations
		WHERE kind = 'certification_body' AND `+where, args...).Scan(&b.ID, &b.Name, &b.USCC, &b.Approval, &b.Scope, &status, &b.ValidUntil)
	if errors.Is(err, sql.ErrNoRows) {
		return b, qcity.Invalid(qcity.Field("issuer", "cert.body_unknown", "value", named))
	}
	if err != nil {
		return b, qcity.Internal(err)
	}
	b.Status = registry.OrgStatus(status)
	return b, nil
}

// Registered is the result of a registration: the certificate and any warnings.
type Registered struct {
	Certificate Certificate `json:"certificate"`
	Warnings    []Warning   `json:"warnings"`
}

// prepare validates a registration and resolves its body and holder, without writing.
func (s *Service) prepare(ctx context.Context, q db.Querier, in CertificateInput, body *bodyEntry, today qcity.Date) (Certificate, []Warning, []qcity.FieldError, error) {
	c, errs := Validate(in, today)
	var warns []Warning
	if body.ID == 0 {
		b, err := s.resolveBody(ctx, q, in.Body)
		if err != nil {
			if qe := qcity.AsError(err); qe.Code == qcity.EINVALID {
				return c, nil, append(errs, qe.Fields...), nil
			}
			return c, nil, nil, err
		}
		*body = b
	}
	// A body whose approval is not valid may not issue certificates (认证机构管理办法).
	if body.Status != registry.OrgValid {
		errs = append(errs, qcity.Field("issuer", "cert.body_not_valid", "status", qcity.MsgKey("registry.org_status."+string(body.Status))))
	}
	if c.Scheme != "" && !BodyCovers(body.Scope, c.Scheme) {
		warns = append(warns, warn("issuer_not_accredited", "scheme", qcity.MsgKey("cert.scheme."+string(c.Scheme))))
	}
	c.BodyID, c.BodyName, c.BodyUSCC, c.BodyApproval, c.BodyStatus = body.ID, body.Name, body.USCC, body.Approval, body.Status
	if len(errs) == 0 {
		var name, former, region string
		err := q.QueryRow(ctx, `SELECT id, name, former_names, region_code FROM entities WHERE uscc = ?`, c.HolderUSCC).
			Scan(&c.HolderID, &name, &former, &region)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// A holder registered elsewhere: kept by name and code only.
		case err != nil:
			return c, nil, nil, qcity.Internal(err)
		default:
			c.Region = region
			if name != c.HolderName && !strings.Contains(former, `"`+c.HolderName+`"`) {
				warns = append(warns, warn("holder_name_differs", "registered", name))
			}
		}
	}
	return c, warns, errs, nil
}

// RegisterCertificate records a certificate a body issued: by the body itself (its
// account or API key) or by a city official on its behalf (naming the body). The
// body's approval must be valid; a scheme outside its approved scope is recorded with
// a warning (and shows on the oversight dashboard). Returns EINVALID, ECONFLICT (the
// number is registered), EFORBIDDEN.
func (s *Service) RegisterCertificate(ctx context.Context, in CertificateInput) (Registered, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	var body bodyEntry
	c, warns, errs, err := s.prepare(ctx, s.DB, in, &body, today)
	if err != nil {
		return Registered{}, err
	}
	if len(errs) > 0 {
		return Registered{}, qcity.Invalid(errs...)
	}
	c.Source = "form"
	if qcity.ActorFrom(ctx).Kind == qcity.ActorAPIKey {
		c.Source = "api"
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		return s.insert(ctx, tx, &c, today, today, now)
	})
	if err != nil {
		return Registered{}, err
	}
	s.index.addBody(body)
	s.index.put(entryOf(c))
	s.withPublic(&c, today)
	if warns == nil {
		warns = []Warning{}
	}
	return Registered{Certificate: c, Warnings: warns}, nil
}

// insert writes a new certificate registered on registeredOn, its status as of today
// (expired if its validity has already ended), with its registration event.
func (s *Service) insert(ctx context.Context, tx *db.Tx, c *Certificate, registeredOn, today qcity.Date, now time.Time) error {
	c.Status, c.StatusReason, c.StatusOn = StatusValid, "registered", registeredOn
	expired := today.After(c.ExpiresOn)
	if expired {
		c.Status, c.StatusReason, c.StatusOn = StatusExpired, "expired", c.ExpiresOn.AddDays(1)
	}
	c.CreatedAt, c.UpdatedAt, c.Version = now, now, 1
	err := tx.QueryRow(ctx, `INSERT INTO certificates (number, scheme, category, body_id, holder_id, holder_name, holder_uscc,
		holder_address, region_code, product, models, brand, manufacturer, factory, scope, standard, cert_mode, issued_on,
		expires_on, first_issued_on, status, status_reason, status_on, source, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
		c.Number, string(c.Scheme), c.Category, c.BodyID, db.NullInt(c.HolderID), c.HolderName, c.HolderUSCC, c.HolderAddress,
		c.Region, c.Product, c.Models, c.Brand, c.Manufacturer, c.Factory, c.Scope, c.Standard, c.CertMode, c.IssuedOn,
		c.ExpiresOn, c.FirstIssuedOn, string(c.Status), c.StatusReason, c.StatusOn, c.Source, now, now).Scan(&c.ID)
	if db.IsUniqueViolation(err) {
		return &qcity.Error{Code: qcity.ECONFLICT, Key: "cert.number_taken", Args: map[string]any{"number": c.Number},
			Fields: []qcity.FieldError{qcity.Field("number", "cert.number_taken", "number", c.Number)}}
	}
	if err != nil {
		return qcity.Internal(err)
	}
	ev := actorEvent(ctx, EventRegistered)
	ev.To, ev.Reason, ev.On = StatusValid, "registered", registeredOn
	if err := insertEvent(ctx, tx, c.ID, ev, now); err != nil {
		return err
	}
	if expired {
		ev := Event{Kind: EventExpired, From: StatusValid, To: StatusExpired, Reason: "expired", On: c.StatusOn, ActorName: "rules",
			ActorRole: string(qcity.RoleAdmin)}
		if err := insertEvent(ctx, tx, c.ID, ev, now); err != nil {
			return err
		}
	}
	return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "certificate", ObjectID: c.Number,
		Region: c.Region, Summary: "认证证书 " + c.Number + " " + c.HolderName, After: c})
}

// BulkRegister registers certificates of the past in one transaction, all or
// nothing, for loaders replaying history (the demo city): each is validated as on the
// day it was registered (registeredOn[i], its first issue), by a city official or
// qcity naming its body, and gets its status as of today. Returns EINVALID with the
// 1-based position of each bad input as its row, EFORBIDDEN.
func (s *Service) BulkRegister(ctx context.Context, inputs []CertificateInput, registeredOn []qcity.Date) (int, error) {
	if !isCityOfficial(qcity.ActorFrom(ctx)) || len(registeredOn) != len(inputs) {
		return 0, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	today, now := s.today(), s.Clock.Now().UTC()
	bodies := map[string]bodyEntry{}
	certs := make([]Certificate, 0, len(inputs))
	var errs []qcity.FieldError
	for i, in := range inputs {
		body := bodies[in.Body]
		c, _, ferrs, err := s.prepare(ctx, s.DB, in, &body, registeredOn[i])
		if err != nil {
			return 0, err
		}
		bodies[in.Body] = body
		for _, fe := range ferrs {
			fe.Row = i + 1
			errs = append(errs, fe)
		}
		c.Source = "import"
		certs = append(certs, c)
	}
	if len(errs) > 0 {
		return 0, qcity.Invalid(errs[:min(len(errs), maxImportErrors)]...)
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		for i := range certs {
			if err := s.insert(ctx, tx, &certs[i], registeredOn[i], today, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, b := range bodies {
		s.index.addBody(b)
	}
	for i := range certs {
		s.index.put(entryOf(certs[i]))
	}
	return len(certs), nil
}

// StatusChange is a status change a body records (or a city official on its notice).
type StatusChange struct {
	Status  string `json:"status"`
	Reason  string `json:"reason"`
	Note    string `json:"note"`
	Version int    `json:"version"` // the version read; 0 skips the check
}

// ChangeStatus records a status change with its reason (CCC Arts. 26–28) and writes it
// to the history. Only the issuing body or a city official may; the change must be one
// CheckTransition allows. A suspension or revocation moves the holder's credit risk
// class (certificate suspensions are a risk factor). Returns ENOTFOUND, EINVALID,
// EFORBIDDEN, ECONFLICT (changed since read).
func (s *Service) ChangeStatus(ctx context.Context, number string, in StatusChange) (Certificate, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	var c Certificate
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		c, err = s.changeStatus(ctx, tx, NormalizeNumber(number), in, today, now)
		return err
	})
	if err != nil {
		return Certificate{}, err
	}
	s.index.put(entryOf(c))
	s.withPublic(&c, today)
	return c, nil
}

func (s *Service) changeStatus(ctx context.Context, tx *db.Tx, number string, in StatusChange, today qcity.Date, now time.Time) (Certificate, error) {
	c, err := findCertificate(ctx, tx, number)
	if err != nil {
		return c, err
	}
	if err := mayActForBody(qcity.ActorFrom(ctx), c.BodyID); err != nil {
		return c, err
	}
	if in.Version != 0 && in.Version != c.Version {
		return c, qcity.Errorf(qcity.ECONFLICT, "registry.edit_conflict")
	}
	to := Status(strings.TrimSpace(in.Status))
	reason := strings.TrimSpace(in.Reason)
	var errs []qcity.FieldError
	note := checkText(&errs, "note", in.Note, false, 1000)
	if len(errs) > 0 {
		return c, qcity.Invalid(errs...)
	}
	from := c.Status
	if from != StatusExpired && today.After(c.ExpiresOn) {
		from = StatusExpired // the daily run has not recorded it yet
	}
	if err := CheckTransition(from, to, reason); err != nil {
		return c, err
	}
	before := c
	res, err := tx.Exec(ctx, `UPDATE certificates SET status = ?, status_reason = ?, status_on = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, string(to), reason, today, now, c.ID, c.Version)
	if err != nil {
		return c, qcity.Internal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return c, qcity.Errorf(qcity.ECONFLICT, "registry.edit_conflict")
	}
	c.Status, c.StatusReason, c.StatusOn, c.UpdatedAt, c.Version = to, reason, today, now, c.Version+1
	ev := actorEvent(ctx, EventStatus)
	ev.From, ev.To, ev.Reason, ev.Note, ev.On = from, to, reason, note, today
	if err := insertEvent(ctx, tx, c.ID, ev, now); err != nil {
		return c, err
	}
	if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "certificate", ObjectID: c.Number,
		Region: c.Region, Summary: fmt.Sprintf("证书状态 %s → %s（%s）", from, to, reason), Before: before, After: c}); err != nil {
		return c, err
	}
	if (to == StatusSuspended || to == StatusRevoked) && c.HolderID != 0 && s.RiskHook != nil {
		if err := s.RiskHook(ctx, tx, c.HolderUSCC); err != nil {
			return c, err
		}
	}
	return c, nil
}

// Renewal extends a certificate's validity (延续).
type Renewal struct {
	IssuedOn  string `json:"issued_on"`
	ExpiresOn string `json:"expires_on"`
	Note      string `json:"note"`
	Version   int    `json:"version"`
}

// Renew records a renewal: within the 90 days before expiry for CCC (Art. 22), any
// time before expiry for other schemes; the new validity is checked as at
// registration. The number is kept. The body's approval must be valid. Returns
// ENOTFOUND, EINVALID, EFORBIDDEN, ECONFLICT.
func (s *Service) Renew(ctx context.Context, number string, in Renewal) (Certificate, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	var c Certificate
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if c, err = findCertificate(ctx, tx, NormalizeNumber(number)); err != nil {
			return err
		}
		if err := mayActForBody(qcity.ActorFrom(ctx), c.BodyID); err != nil {
			return err
		}
		if in.Version != 0 && in.Version != c.Version {
			return qcity.Errorf(qcity.ECONFLICT, "registry.edit_conflict")
		}
		// A renewal issues a new validity: like a registration, not by a body whose
		// approval is suspended, withdrawn or lapsed.
		if c.BodyStatus != registry.OrgValid {
			return qcity.Invalid(qcity.Field("expires_on", "cert.body_not_valid_renew",
				"status", qcity.MsgKey("registry.org_status."+string(c.BodyStatus))))
		}
		var errs []qcity.FieldError
		note := checkText(&errs, "note", in.Note, false, 1000)
		issued, e1 := qcity.ParseDate(strings.TrimSpace(in.IssuedOn))
		expires, e2 := qcity.ParseDate(strings.TrimSpace(in.ExpiresOn))
		if e1 != nil {
			errs = append(errs, qcity.Field("issued_on", "registry.date_format", "value", in.IssuedOn))
		} else if issued.After(today) {
			errs = append(errs, qcity.Field("issued_on", "cert.date_future"))
		} else if issued.Before(c.IssuedOn) {
			errs = append(errs, qcity.Field("issued_on", "cert.renew_before_issue"))
		}
		info, _ := InfoOf(c.Scheme)
		if e2 != nil {
			errs = append(errs, qcity.Field("expires_on", "registry.date_format", "value", in.ExpiresOn))
		} else if e1 == nil && (!expires.After(c.ExpiresOn) || !expires.After(issued)) {
			errs = append(errs, qcity.Field("expires_on", "cert.renew_not_later"))
		} else if e1 == nil && expires.After(qcity.NewDate(issued.Year+info.MaxYears, issued.Month, issued.Day)) {
			errs = append(errs, qcity.Field("expires_on", "cert.validity_too_long", "years", info.MaxYears))
		}
		if len(errs) > 0 {
			return qcity.Invalid(errs...)
		}
		if !MayRenew(c.Scheme, c.Status, c.ExpiresOn, today) {
			return qcity.Invalid(qcity.Field("expires_on", "cert.renew_window", "from", c.ExpiresOn.AddDays(-90).String(),
				"until", c.ExpiresOn.String(), "status", qcity.MsgKey("cert.status."+string(c.Status))))
		}
		before := c
		if _, err := tx.Exec(ctx, `UPDATE certificates SET issued_on = ?, expires_on = ?, updated_at = ?, version = version + 1
			WHERE id = ?`, issued, expires, now, c.ID); err != nil {
			return qcity.Internal(err)
		}
		c.IssuedOn, c.ExpiresOn, c.UpdatedAt, c.Version = issued, expires, now, c.Version+1
		ev := actorEvent(ctx, EventRenewed)
		ev.From, ev.To, ev.Reason, ev.On = c.Status, c.Status, "renewed", today
		ev.Note = strings.TrimSpace(before.ExpiresOn.String() + " → " + expires.String() + " " + note)
		if err := insertEvent(ctx, tx, c.ID, ev, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "certificate", ObjectID: c.Number,
			Region: c.Region, Summary: "证书延续 " + c.Number, Before: before, After: c})
	})
	if err != nil {
		return Certificate{}, err
	}
	s.index.put(entryOf(c))
	s.withPublic(&c, today)
	return c, nil
}

// Filter selects certificates. Status is the public status.
type Filter struct {
	Q          string // number, holder name fragment or holder USCC
	HolderUSCC string
	Issuer     string // the body's USCC or approval number
	BodyID     int64
	Status     string
	Scheme     string
	Region     string
	Limit      int
	Offset     int
}

// publicStatusSQL is the SQL condition of a public status, the same rule as
// PublicStatus (a test checks they agree). It takes today's date twice or three times.
func publicStatusSQL(st Status) (string, int) {
	switch st {
	case StatusValid:
		return `(c.status = 'valid' AND c.expires_on >= ? AND o.status = 'valid')`, 1
	case StatusSuspended:
		return `(c.status IN ('valid', 'suspended') AND c.expires_on >= ? AND o.status <> 'revoked'
			AND (c.status = 'suspended' OR o.status IN ('suspended', 'expired')))`, 1
	case StatusRevoked:
		return `(c.status = 'revoked' OR (c.status IN ('valid', 'suspended') AND c.expires_on >= ? AND o.status = 'revoked'))`, 1
	case StatusCancelled:
		return `(c.status = 'cancelled')`, 0
	case StatusExpired:
		return `(c.status = 'expired' OR (c.status IN ('valid', 'suspended') AND c.expires_on < ?))`, 1
	}
	return "", 0
}

// FindCertificates lists certificates, newest first, with the total. Every
// certificate is public. Returns EINVALID for an unknown status or scheme filter.
func (s *Service) FindCertificates(ctx context.Context, f Filter) ([]Certificate, int, error) {
	today := s.today()
	var where []string
	var args []any
	var errs []qcity.FieldError
	if q := strings.TrimSpace(f.Q); q != "" {
		n := NormalizeNumber(q)
		code := uscc.Normalize(q)
		where = append(where, `(c.number = ? OR c.holder_uscc = ? OR c.holder_name LIKE ? ESCAPE '\')`)
		args = append(args, n, code, "%"+db.EscapeLike(q)+"%")
	}
	if h := strings.TrimSpace(f.HolderUSCC); h != "" {
		where, args = append(where, "c.holder_uscc = ?"), append(args, uscc.Normalize(h))
	}
	if i := strings.TrimSpace(f.Issuer); i != "" {
		where, args = append(where, "(o.uscc = ? OR o.accreditation_no = ?)"), append(args, uscc.Normalize(i), i)
	}
	if f.BodyID != 0 {
		where, args = append(where, "c.body_id = ?"), append(args, f.BodyID)
	}
	if st := strings.TrimSpace(f.Status); st != "" {
		cond, n := publicStatusSQL(Status(st))
		if cond == "" {
			errs = append(errs, qcity.Field("status", "cert.status_unknown", "value", st))
		} else {
			where = append(where, cond)
			for range n {
				args = append(args, today)
			}
		}
	}
	if sc := strings.TrimSpace(f.Scheme); sc != "" {
		if _, ok := InfoOf(Scheme(sc)); !ok {
			errs = append(errs, qcity.Field("scheme", "cert.scheme_unknown", "value", sc))
		}
		where, args = append(where, "c.scheme = ?"), append(args, sc)
	}
	if r := strings.TrimSpace(f.Region); r != "" {
		where, args = append(where, "c.region_code LIKE ?"), append(args, db.EscapeLike(r)+"%")
	}
	if len(errs) > 0 {
		return nil, 0, qcity.Invalid(errs...)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*)`+certFrom+cond, args...).Scan(&total); err != nil {
		return nil, 0, qcity.Internal(err)
	}
	limit, offset := pageBounds(f.Limit, f.Offset)
	rows, err := s.DB.Query(ctx, `SELECT `+certColumns+certFrom+cond+` ORDER BY c.issued_on DESC, c.id DESC LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Certificate{}
	for rows.Next() {
		c, err := scanCertificate(rows)
		if err != nil {
			return nil, 0, qcity.Internal(err)
		}
		s.withPublic(&c, today)
		out = append(out, c)
	}
	return out, total, qcity.Internal(rows.Err())
}

// Summary is a certificate as an entity's public credit profile lists it.
type Summary struct {
	Number    string     `json:"number"`
	Scheme    Scheme     `json:"scheme"`
	Scope     string     `json:"scope"`
	Issuer    string     `json:"issuer"`
	IssuedOn  qcity.Date `json:"issued_on"`
	ExpiresOn qcity.Date `json:"expires_on"`
	Public    Public     `json:"public_status"`
}

// CertificatesOf lists the certificates held by the entity with the USCC, from the
// index, valid ones first.
func (s *Service) CertificatesOf(ctx context.Context, code string) ([]Summary, error) {
	today := s.today()
	entries := s.index.ofHolder(uscc.Normalize(code))
	out := make([]Summary, 0, len(entries))
	for _, e := range entries {
		b := s.index.body(e.BodyID)
		p := PublicStatus(e.Status, e.StatusReason, e.StatusOn, e.ExpiresOn, b.Status, b.StatusOn, today)
		out = append(out, Summary{Number: e.Number, Scheme: e.Scheme, Scope: e.scopeText(), Issuer: b.Name,
			IssuedOn: e.IssuedOn, ExpiresOn: e.ExpiresOn, Public: p})
	}
	rank := func(st Status) int {
		for i, x := range Statuses {
			if x == st {
				return i
			}
		}
		return len(Statuses)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if ri, rj := rank(out[i].Public.Status), rank(out[j].Public.Status); ri != rj {
			return ri < rj
		}
		return out[i].IssuedOn.After(out[j].IssuedOn)
	})
	return out, nil
}
