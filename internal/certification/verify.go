package certification

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/registry"
	"qcity/internal/uscc"
)

// Verification is the answer to a public verification (证书查验): the certificate's
// public facts and status, and warnings. The JSON is the body of
// GET /api/v1/certificates/{number}/verify.
type Verification struct {
	Found          bool       `json:"found"`
	Number         string     `json:"number"`
	Scheme         Scheme     `json:"scheme,omitempty"`
	Status         Status     `json:"status"` // "" when not found: every field of the contract is always present
	StatusReason   string     `json:"status_reason,omitempty"`
	StatusSince    qcity.Date `json:"status_since"`
	Holder         string     `json:"holder"`
	USCC           string     `json:"uscc"`
	Scope          string     `json:"scope"`
	Standard       string     `json:"standard"`
	Issuer         string     `json:"issuer"`
	IssuerApproval string     `json:"issuer_approval_no"`
	IssuedOn       qcity.Date `json:"issued_on"`
	ExpiresOn      qcity.Date `json:"expires_on"`
	Warnings       []Warning  `json:"warnings"`
}

// VerifyOptions are what the asker gives besides the number.
type VerifyOptions struct {
	// Holder is the organisation the asker was shown the certificate by: a name or a
	// USCC. A certificate of another holder is a warning (and a misuse lead).
	Holder string
	// NoLead skips recording leads (officials looking at a lead they already have).
	NoLead bool
}

// Warning codes of a verification.
const (
	WarnUnknownNumber       = "unknown_number"        // not in the registry: possible forgery
	WarnFormatInvalid       = "format_invalid"        // inconsistent with its scheme's format
	WarnIssuerNotAccredited = "issuer_not_accredited" // the body's approved scope lacks the scheme
	WarnIssuerStatus        = "issuer_status"         // the body's approval is suspended, withdrawn or lapsed
	WarnHolderMismatch      = "holder_mismatch"       // another holder than the one named
	WarnExpired             = "expired"
	WarnSuspended           = "suspended"
	WarnRevoked             = "revoked"
	WarnCancelled           = "cancelled"
)

// Lead kinds.
const (
	LeadUnknownNumber  = "unknown_number"  // 疑似伪造: a number not in the registry
	LeadHolderMismatch = "holder_mismatch" // 疑似冒用: a certificate shown by another organisation
)

// MaxHolderQuery bounds the holder named in a query.
const MaxHolderQuery = 100

// Verify answers a verification by number. A number found in the registry gives its
// public facts with warnings for its status, its issuer's approval and scope, its
// format and a holder other than the one named; an unknown number gives the warning
// of a possible forgery and the format check against the scheme it looks like. Every
// query of an unknown number (of a plausible form: 6 to 40 letters, digits and
// - / ( )) and every query naming another holder is recorded as a lead for officials.
// Returns EINVALID only for an empty number or a holder query too long.
func (s *Service) Verify(ctx context.Context, number string, opt VerifyOptions) (Verification, error) {
	n := NormalizeNumber(number)
	holder := strings.TrimSpace(opt.Holder)
	if n == "" {
		return Verification{}, qcity.Invalid(qcity.Field("number", "registry.required"))
	}
	if utf8.RuneCountInString(n) > MaxNumberLen {
		// No scheme numbers this long: a typing accident or a probe, not a lead.
		return Verification{}, qcity.Invalid(qcity.Field("number", "cert.number.too_long", "max", MaxNumberLen))
	}
	if utf8.RuneCountInString(holder) > MaxHolderQuery {
		return Verification{}, qcity.Invalid(qcity.Field("holder", "registry.text_length", "max", MaxHolderQuery))
	}
	today := s.today()
	e, ok := s.index.get(n)
	if !ok && utf8.RuneCountInString(n) <= MaxNumberLen {
		// Registered by another instance since the last sync?
		row := s.DB.QueryRow(ctx, `SELECT `+entryColumns+` FROM certificates WHERE number = ?`, n)
		if de, err := scanEntry(row); err == nil {
			s.index.put(de)
			e, ok = de, true
		} else if !errors.Is(err, sql.ErrNoRows) {
			return Verification{}, qcity.Internal(err)
		}
	}
	if !ok {
		v := Verification{Number: n, Warnings: []Warning{warn(WarnUnknownNumber)}}
		guess := GuessScheme(n)
		formatOK := false
		if guess != "" {
			chk := CheckNumber(guess, n, today.Year)
			formatOK = chk.OK
			if !chk.OK {
				v.Warnings = append(v.Warnings, formatWarning(chk))
			}
		} else {
			v.Warnings = append(v.Warnings, warn(WarnFormatInvalid, "scheme", qcity.MsgKey("cert.scheme.none"), "reason", qcity.MsgKey("cert.number.no_scheme")))
		}
		if !opt.NoLead && plausible(n) {
			if err := s.recordLead(ctx, LeadUnknownNumber, n, holder, guess, formatOK); err != nil {
				return v, err
			}
		}
		return v, nil
	}
	b := s.index.body(e.BodyID)
	p := PublicStatus(e.Status, e.StatusReason, e.StatusOn, e.ExpiresOn, b.Status, b.StatusOn, today)
	v := Verification{Found: true, Number: e.Number, Scheme: e.Scheme, Status: p.Status, StatusReason: p.Reason,
		StatusSince: p.Since, Holder: e.HolderName, USCC: e.HolderUSCC, Scope: e.scopeText(), Standard: e.Standard,
		Issuer: b.Name, IssuerApproval: b.Approval, IssuedOn: e.IssuedOn, ExpiresOn: e.ExpiresOn, Warnings: []Warning{}}
	switch p.Status {
	case StatusExpired:
		v.Warnings = append(v.Warnings, warn(WarnExpired, "on", e.ExpiresOn.String()))
	case StatusSuspended, StatusRevoked, StatusCancelled:
		v.Warnings = append(v.Warnings, warn(string(p.Status), "since", p.Since.String(), "reason", qcity.MsgKey("cert.reason."+p.Reason)))
	}
	if b.Status != registry.OrgValid {
		v.Warnings = append(v.Warnings, warn(WarnIssuerStatus, "issuer", b.Name, "status", qcity.MsgKey("registry.org_status."+string(b.Status))))
	}
	if !BodyCovers(b.Scope, e.Scheme) {
		v.Warnings = append(v.Warnings, warn(WarnIssuerNotAccredited, "issuer", b.Name, "scheme", qcity.MsgKey("cert.scheme."+string(e.Scheme))))
	}
	if chk := CheckNumber(e.Scheme, e.Number, e.IssuedOn.Year); !chk.OK {
		v.Warnings = append(v.Warnings, formatWarning(chk))
	}
	if holder != "" && !holderMatches(holder, e) {
		v.Warnings = append(v.Warnings, warn(WarnHolderMismatch, "asked", holder, "holder", e.HolderName))
		if !opt.NoLead {
			if err := s.recordLead(ctx, LeadHolderMismatch, e.Number, holder, e.Scheme, true); err != nil {
				return v, err
			}
		}
	}
	return v, nil
}

func formatWarning(chk NumberCheck) Warning {
	w := warn(WarnFormatInvalid, "scheme", qcity.MsgKey("cert.scheme."+string(chk.Scheme)), "reason", qcity.MsgKey(chk.Key))
	for k, v := range chk.Args {
		w.Args[k] = v
	}
	return w
}

// plausible reports whether an unknown number is worth a lead: 6 to 40 characters of
// those numbers use. Random text typed into the box is not.
func plausible(n string) bool {
	if l := utf8.RuneCountInString(n); l < 6 || l > MaxNumberLen {
		return false
	}
	_, _, ok := numberChars(n)
	return ok && strings.ContainsAny(n, "0123456789")
}

// holderMatches compares the holder named by the asker with the certificate's: by
// USCC when a code is given, else by name ignoring spaces and bracket widths.
func holderMatches(asked string, e *entry) bool {
	if code := uscc.Normalize(asked); len(code) == uscc.Length && uscc.Validate(code) == nil {
		return code == e.HolderUSCC
	}
	norm := func(s string) string {
		return strings.NewReplacer(" ", "", "　", "", "（", "(", "）", ")").Replace(strings.TrimSpace(s))
	}
	return norm(asked) == norm(e.HolderName)
}

// recordLead counts a query in its lead, creating the lead on the first query (which
// the audit log records) and reopening a dismissed one. Repeated queries only count.
func (s *Service) recordLead(ctx context.Context, kind, number, holder string, guess Scheme, formatOK bool) error {
	now := s.Clock.Now().UTC()
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		var queries int
		err := tx.QueryRow(ctx, `INSERT INTO cert_leads (kind, number, holder_query, scheme_guess, format_ok, queries,
			first_seen_at, last_seen_at, state) VALUES (?, ?, ?, ?, ?, 1, ?, ?, 'open')
			ON CONFLICT (kind, number, holder_query) DO UPDATE SET queries = cert_leads.queries + 1,
			last_seen_at = excluded.last_seen_at,
			state = CASE WHEN cert_leads.state = 'dismissed' THEN 'open' ELSE cert_leads.state END
			RETURNING id, queries`, kind, number, holder, string(guess), formatOK, now, now).Scan(&id, &queries)
		if err != nil {
			return qcity.Internal(err)
		}
		if queries > 1 {
			return nil
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "cert_lead",
			ObjectID: fmt.Sprint(id), Summary: "证书查验线索 " + kind + " " + number})
	})
}

// Lead is a verification lead (证书查验线索).
type Lead struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	Number      string    `json:"number"`
	HolderQuery string    `json:"holder_query"`
	SchemeGuess Scheme    `json:"scheme_guess"`
	FormatOK    bool      `json:"format_ok"`
	Queries     int       `json:"queries"`
	FirstSeenAt time.Time `json:"first_seen_at"`
	LastSeenAt  time.Time `json:"last_seen_at"`
	State       string    `json:"state"`
	Note        string    `json:"note"`
	// Holder is the certificate's holder for a misuse lead.
	Holder string `json:"holder,omitempty"`
}

// Lead states.
const (
	LeadOpen      = "open"
	LeadCase      = "case"
	LeadDismissed = "dismissed"
)

// LeadFilter selects leads.
type LeadFilter struct {
	State  string
	Kind   string
	Q      string
	Limit  int
	Offset int
}

const leadColumns = `l.id, l.kind, l.number, l.holder_query, l.scheme_guess, l.format_ok, l.queries, l.first_seen_at, l.last_seen_at,
	l.state, l.note, COALESCE(c.holder_name, '')`

const leadFrom = `cert_leads l LEFT JOIN certificates c ON c.number = l.number`

func scanLead(row interface{ Scan(...any) error }) (Lead, error) {
	var l Lead
	var guess string
	err := row.Scan(&l.ID, &l.Kind, &l.Number, &l.HolderQuery, &guess, &l.FormatOK, &l.Queries, &l.FirstSeenAt, &l.LastSeenAt,
		&l.State, &l.Note, &l.Holder)
	l.SchemeGuess, l.FirstSeenAt, l.LastSeenAt = Scheme(guess), l.FirstSeenAt.UTC(), l.LastSeenAt.UTC()
	return l, err
}

// FindLeads lists leads, most recently seen first (officials only).
func (s *Service) FindLeads(ctx context.Context, f LeadFilter) ([]Lead, int, error) {
	if !isOfficial(qcity.ActorFrom(ctx)) {
		return nil, 0, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	var where []string
	var args []any
	switch st := strings.TrimSpace(f.State); st {
	case "":
	case LeadOpen, LeadCase, LeadDismissed:
		where, args = append(where, "l.state = ?"), append(args, st)
	default:
		return nil, 0, qcity.Invalid(qcity.Field("state", "cert.lead_state_unknown", "value", st))
	}
	switch k := strings.TrimSpace(f.Kind); k {
	case "":
	case LeadUnknownNumber, LeadHolderMismatch:
		where, args = append(where, "l.kind = ?"), append(args, k)
	default:
		return nil, 0, qcity.Invalid(qcity.Field("kind", "cert.lead_kind_unknown", "value", k))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where = append(where, `(l.number = ? OR l.holder_query LIKE ? ESCAPE '\')`)
		args = append(args, NormalizeNumber(q), "%"+db.EscapeLike(q)+"%")
	}
	limit, offset := pageBounds(f.Limit, f.Offset)
	out, total, err := db.Page(ctx, s.DB, db.List{Columns: leadColumns, From: leadFrom, Where: where, Args: args,
		Order: "l.last_seen_at DESC, l.id DESC"}, limit, offset, scanLead)
	return out, total, qcity.Internal(err)
}

// FindLead returns one lead (officials only).
func (s *Service) FindLead(ctx context.Context, id int64) (Lead, error) {
	if !isOfficial(qcity.ActorFrom(ctx)) {
		return Lead{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	return findLead(ctx, s.DB, id)
}

func findLead(ctx context.Context, q db.Querier, id int64) (Lead, error) {
	l, err := scanLead(q.QueryRow(ctx, `SELECT `+leadColumns+` FROM `+leadFrom+` WHERE l.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return l, qcity.Errorf(qcity.ENOTFOUND, "cert.lead_not_found")
	}
	return l, qcity.Internal(err)
}

// DismissLead closes an open lead with a note (a typo, a certificate issued abroad …).
// Returns ENOTFOUND, EINVALID (no note, or not open), EFORBIDDEN.
func (s *Service) DismissLead(ctx context.Context, id int64, note string) (Lead, error) {
	if !isOfficial(qcity.ActorFrom(ctx)) {
		return Lead{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	var errs []qcity.FieldError
	note = checkText(&errs, "note", note, true, 1000)
	if len(errs) > 0 {
		return Lead{}, qcity.Invalid(errs...)
	}
	now := s.Clock.Now().UTC()
	var l Lead
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if l, err = findLead(ctx, tx, id); err != nil {
			return err
		}
		if l.State != LeadOpen {
			return qcity.Invalid(qcity.Field("state", "cert.lead_not_open"))
		}
		before := l
		if _, err := tx.Exec(ctx, `UPDATE cert_leads SET state = ?, note = ? WHERE id = ?`, LeadDismissed, note, id); err != nil {
			return qcity.Internal(err)
		}
		l.State, l.Note = LeadDismissed, note
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "cert_lead", ObjectID: fmt.Sprint(id),
			Summary: "线索不予立案 " + l.Number, Before: before, After: l})
	})
	return l, err
}
