// Package certification is certification oversight (认证监管, RULES.md §8): the registry
// of certificates — CCC product certificates (强制性产品认证), management-system
// certificates (ISO 9001, 14001, 45001 and others) and organic product certificates —
// registered by the certification bodies that issue them, with their statuses (有效,
// 暂停, 撤销, 注销, 过期), history and reasons; the accreditation of bodies and labs and
// its cascade to certificates' public status; public verification by number or holder
// with warnings, and leads of forged or misused numbers; signed QR tokens that verify
// offline; linked supervision (联动监管) that flags a certificate for its body's review
// when a covered product fails sampling, and the oversight dashboard of bodies and labs;
// and the bureau's cases, whose outcome can feed a penalty and the serious list (Order
// 44 Art. 7: forged, misused or traded certificates; false certification conclusions).
//
// The pure rules (number formats, transitions, public status, coverage, tokens) take
// plain values and are tested without a database.
package certification

import (
	"context"
	"strings"
	"unicode/utf8"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/registry"
	"qcity/internal/sampling"
	"qcity/internal/workday"
)

// Service runs certification oversight.
type Service struct {
	DB       *db.DB
	Clock    qcity.Clock
	Cal      *workday.Calendar
	Registry *registry.Service
	// Sampling resolves sample categories for linked supervision; nil: categories are
	// not known and coverage goes by product names only.
	Sampling *sampling.Service
	// Signer signs QR tokens; nil: no tokens (verification still works).
	Signer *Signer
	// Sanctions lets a case's outcome feed a penalty and a serious-list proposal;
	// credit.CertificationSanctions implements it. nil: cases record outcomes only.
	Sanctions Sanctions
	// RiskHook recomputes the credit risk class of the holders whose certificate was
	// suspended or revoked, inside the transaction of the change (credit.Service
	// RecomputeRisk). nil: the monthly recomputation picks the change up.
	RiskHook func(ctx context.Context, tx *db.Tx, usccs ...string) error
	// ReviewDays is the number of working days a body has to review a flagged
	// certificate (qcity's rule; no deadline in RULES.md). Default DefaultReviewDays.
	ReviewDays int

	index *index
}

// DefaultReviewDays is the default deadline of a flag, in working days.
const DefaultReviewDays = 20

// NewService returns a certification service; call Load before use.
func NewService(d *db.DB, clock qcity.Clock, reg *registry.Service) *Service {
	return &Service{DB: d, Clock: clock, Cal: workday.Default(), Registry: reg, ReviewDays: DefaultReviewDays, index: newIndex()}
}

// Load builds the in-memory verification index from the database.
func (s *Service) Load(ctx context.Context) error { return s.index.load(ctx, s.DB, s.Clock.Now()) }

// Sync folds into the index the certificates other instances changed since the last
// sync, and reloads the bodies' approvals. serve calls it every few seconds.
func (s *Service) Sync(ctx context.Context) error { return s.index.sync(ctx, s.DB, s.Clock.Now()) }

// RefreshBodies reloads the bodies' approvals into the index, after an organisation
// was edited through the registry.
func (s *Service) RefreshBodies(ctx context.Context) error { return s.index.loadBodies(ctx, s.DB) }

// Len is the number of certificates in the index.
func (s *Service) Len() int { return s.index.len() }

func (s *Service) today() qcity.Date { return qcity.DateOf(s.Clock.Now()) }

func (s *Service) reviewDays() int {
	if s.ReviewDays > 0 {
		return s.ReviewDays
	}
	return DefaultReviewDays
}

// isCityOfficial: administrators and city officials record for any body.
func isCityOfficial(a qcity.Actor) bool {
	return a.Kind == qcity.ActorSystem || a.Role == qcity.RoleAdmin || a.Role == qcity.RoleCityOfficial
}

// isOfficial: any official, or qcity itself.
func isOfficial(a qcity.Actor) bool { return a.Kind == qcity.ActorSystem || a.IsOfficial() }

// mayActForBody: the body's own account or key, or a city-level official.
func mayActForBody(a qcity.Actor, bodyID int64) error {
	if isCityOfficial(a) {
		return nil
	}
	if a.Role == qcity.RoleCertificationBody && a.OrgID != 0 && a.OrgID == bodyID {
		return nil
	}
	if a.Role == qcity.RoleCertificationBody {
		return qcity.Errorf(qcity.EFORBIDDEN, "cert.not_your_certificate")
	}
	return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
}

// checkText trims v and checks its length and characters: no control characters and
// no angle brackets.
func checkText(errs *[]qcity.FieldError, field, v string, required bool, max int) string {
	v = strings.TrimSpace(strings.NewReplacer("\r\n", " ", "\n", " ", "\t", " ").Replace(v))
	switch n := utf8.RuneCountInString(v); {
	case n == 0 && required:
		*errs = append(*errs, qcity.Field(field, "registry.required"))
	case n > max:
		*errs = append(*errs, qcity.Field(field, "registry.text_length", "max", max))
	case !utf8.ValidString(v):
		*errs = append(*errs, qcity.Field(field, "cert.text_chars"))
	default:
		for _, r := range v {
			if r < ' ' || r == '<' || r == '>' || r == 0x7f {
				*errs = append(*errs, qcity.Field(field, "cert.text_chars"))
				break
			}
		}
	}
	return v
}

// Page bounds of list queries.
const (
	DefaultPageSize = 20
	MaxPageSize     = 1000
)

func pageBounds(limit, offset int) (int, int) {
	if limit <= 0 {
		limit = DefaultPageSize
	}
	return min(limit, MaxPageSize), max(offset, 0)
}
