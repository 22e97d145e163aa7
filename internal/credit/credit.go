// Package credit keeps the statutory credit records of market entities (质量诚信): annual
// reports, the abnormal-operations list (经营异常名录), the serious illegal and dishonest
// list (严重违法失信名单), administrative penalties and their publicity, credit repair
// (信用修复), the internal risk classes A–D (信用风险分类), the public credit profile and
// the rules engine that performs the date-driven steps. Every list change and
// publication appends a record to the tamper-evident log (translog) in the same
// transaction. RULES.md §1–4 and §9 give the rules; rules.go holds them as pure
// functions.
package credit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"sync"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/translog"
	"qcity/internal/workday"
)

// Config holds the locally configurable rules. It is stored in the settings table
// and edited by administrators.
type Config struct {
	// Thresholds are the province's lower-amount fine limits (Order 45 Art. 13).
	Thresholds Thresholds `json:"thresholds"`
	// SeriousApproval: county and city bureaus need the higher level's consent before a
	// serious-list listing (Order 44 Art. 22). The October 2025 draft drops it.
	SeriousApproval bool `json:"serious_approval"`
	// Risk is the risk-class score.
	Risk RiskConfig `json:"risk"`
}

// DefaultConfig is the configuration of a new installation.
func DefaultConfig() Config {
	return Config{Thresholds: DefaultThresholds, SeriousApproval: true, Risk: DefaultRiskConfig()}
}

const configKey = "credit/config"

// Service runs the credit workflows.
type Service struct {
	DB           *db.DB
	Clock        qcity.Clock
	Cal          *workday.Calendar
	Registry     *registry.Service
	Log          *translog.Log
	Jurisdiction *region.Jurisdiction

	// Certificates lists an entity's certificates on its public profile; nil: none.
	Certificates Certificates

	// DeferMonthlyRisk stops RunRules from recomputing every risk class on the first run
	// of a month. A loader replaying years of history sets it and calls
	// RecomputeAllRisk once at the end.
	DeferMonthlyRisk bool

	mu     sync.RWMutex
	config Config
	risk   riskCache
}

// NewService returns a credit service; call Load before use.
func NewService(d *db.DB, clock qcity.Clock, reg *registry.Service, log *translog.Log, j *region.Jurisdiction) *Service {
	return &Service{DB: d, Clock: clock, Cal: workday.Default(), Registry: reg, Log: log, Jurisdiction: j, config: DefaultConfig()}
}

// Load reads the configuration and the risk classes.
func (s *Service) Load(ctx context.Context) error {
	var v string
	err := s.DB.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, configKey).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return qcity.Internal(err)
	default:
		c := DefaultConfig()
		if err := json.Unmarshal([]byte(v), &c); err != nil {
			return qcity.Internal(err)
		}
		s.mu.Lock()
		s.config = c
		s.mu.Unlock()
	}
	return s.loadRisk(ctx)
}

// Config returns the current configuration.
func (s *Service) Config() Config {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.config
}

// SaveConfig stores a new configuration (administrators only).
func (s *Service) SaveConfig(ctx context.Context, c Config) error {
	a := qcity.ActorFrom(ctx)
	if a.Role != qcity.RoleAdmin && a.Kind != qcity.ActorSystem {
		return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	var errs []qcity.FieldError
	if c.Thresholds.PersonFen <= 0 {
		errs = append(errs, qcity.Field("threshold_person", "credit.amount_positive"))
	}
	if c.Thresholds.OrgFen <= 0 {
		errs = append(errs, qcity.Field("threshold_org", "credit.amount_positive"))
	}
	errs = append(errs, c.Risk.validate()...)
	if len(errs) > 0 {
		return qcity.Invalid(errs...)
	}
	before := s.Config()
	b, _ := json.Marshal(c)
	now := s.Clock.Now().UTC()
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, configKey, string(b), now); err != nil {
			return qcity.Internal(err)
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "credit_config",
			ObjectID: configKey, Summary: "credit configuration", Before: before, After: c})
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.config = c
	s.mu.Unlock()
	return nil
}

func (s *Service) today() qcity.Date { return qcity.DateOf(s.Clock.Now()) }

// party is the entity a credit record is about, as the credit rooms need it.
type party struct {
	ID            int64
	USCC          string
	Name          string
	Type          string
	LegalRep      string
	Region        string
	Status        string
	EstablishedOn qcity.Date
}

// natural reports whether the party is a natural person for the publicity rules:
// qcity counts individual businesses (个体工商户) as their operator.
func (p party) natural() bool { return p.Type == string(registry.TypeIndividualBusiness) }

func findParty(ctx context.Context, q db.Querier, code string) (party, error) {
	var p party
	err := q.QueryRow(ctx, `SELECT id, uscc, name, entity_type, legal_representative, region_code, status, established_on
		FROM entities WHERE uscc = ?`, strings.ToUpper(strings.TrimSpace(code))).
		Scan(&p.ID, &p.USCC, &p.Name, &p.Type, &p.LegalRep, &p.Region, &p.Status, &p.EstablishedOn)
	if errors.Is(err, sql.ErrNoRows) {
		return p, qcity.Errorf(qcity.ENOTFOUND, "registry.entity_not_found", "uscc", code)
	}
	return p, qcity.Internal(err)
}

func findPartyByID(ctx context.Context, q db.Querier, id int64) (party, error) {
	var p party
	err := q.QueryRow(ctx, `SELECT id, uscc, name, entity_type, legal_representative, region_code, status, established_on
		FROM entities WHERE id = ?`, id).
		Scan(&p.ID, &p.USCC, &p.Name, &p.Type, &p.LegalRep, &p.Region, &p.Status, &p.EstablishedOn)
	if errors.Is(err, sql.ErrNoRows) {
		return p, qcity.Errorf(qcity.ENOTFOUND, "web.not_found")
	}
	return p, qcity.Internal(err)
}

// canDecide: officials decide for entities in their region.
func canDecide(a qcity.Actor, regionCode string) error {
	if !a.IsOfficial() && a.Kind != qcity.ActorSystem {
		return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	if !a.CoversRegion(regionCode) {
		return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden_region")
	}
	return nil
}

// canActFor: the enterprise itself, or an official of its region (entering a paper
// filing or an application on its behalf).
func canActFor(a qcity.Actor, p party) error {
	if a.Role == qcity.RoleEnterprise {
		if !strings.EqualFold(a.USCC, p.USCC) {
			return qcity.Errorf(qcity.EFORBIDDEN, "credit.not_your_entity")
		}
		return nil
	}
	return canDecide(a, p.Region)
}

// Authority is the name of the bureau deciding for a region: the county's bureau for
// a district or county code, the city's otherwise.
func (s *Service) Authority(regionCode string) string {
	if len(regionCode) > 6 {
		regionCode = regionCode[:6]
	}
	if s.Jurisdiction != nil {
		if c, ok := s.Jurisdiction.County(regionCode); ok {
			return s.Jurisdiction.Prefecture.Name + c.Name + "市场监督管理局"
		}
		return s.Jurisdiction.Prefecture.Name + "市场监督管理局"
	}
	return "市场监督管理局"
}

// logRec is a log record with the entity (USCC) whose risk class the change may move.
type logRec struct {
	uscc string
	rec  translog.Record
}

// finish ends a credit write inside its transaction: it appends the log records and
// recomputes the risk class of the entities concerned. A service without a log (some
// tests) skips the log.
func (s *Service) finish(ctx context.Context, tx *db.Tx, recs []logRec, alsoRisk ...string) error {
	var trs []translog.Record
	usccs := alsoRisk
	for _, r := range recs {
		if r.rec.Kind != "" {
			trs = append(trs, r.rec)
		}
		usccs = append(usccs, r.uscc)
	}
	if s.Log != nil && len(trs) > 0 {
		if _, err := s.Log.Append(ctx, tx, trs...); err != nil {
			return err
		}
	}
	// The change feed: screening indexes of every instance and the subscriptions read it.
	now := s.Clock.Now().UTC()
	for _, r := range recs {
		if r.rec.Kind == "" {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO credit_changes (entity_id, uscc, kind, ref, changed_on, created_at)
			SELECT id, uscc, ?, ?, ?, ? FROM entities WHERE uscc = ?`, r.rec.Kind, r.rec.Ref, r.rec.Date, now, r.uscc); err != nil {
			return qcity.Internal(err)
		}
	}
	return s.recomputeRisk(ctx, tx, usccs...)
}

func unmarshalJSON(s string, v any) {
	if s != "" {
		json.Unmarshal([]byte(s), v)
	}
}

func marshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Page bounds shared by the list queries.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

func pageBounds(limit, offset int) (int, int) {
	if limit <= 0 {
		limit = DefaultPageSize
	}
	return min(limit, MaxPageSize), max(offset, 0)
}

// page runs a filtered list query: the total count and one page of rows, scanned by
// scan. from is the FROM clause with its joins, columns the select list.
func page[T any](ctx context.Context, q db.Querier, columns, from string, where []string, args []any, order string,
	limit, offset int, scan func(db.Scanner) (T, error)) ([]T, int, error) {
	limit, offset = pageBounds(limit, offset)
	out, total, err := db.Page(ctx, q, db.List{Columns: columns, From: from, Where: where, Args: args, Order: order}, limit, offset, scan)
	return out, total, qcity.Internal(err)
}
