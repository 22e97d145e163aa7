package credit

import (
	"context"
	"strings"
	"sync"

	"qcity"
	"qcity/internal/db"
)

// Risk classes (信用风险分类, 国市监信发〔2022〕6号): A low, B ordinary, C higher, D high.
// They are internal: never on a public page or in a public API.
var RiskClasses = []string{"A", "B", "C", "D"}

// RiskConfig is qcity's documented, configurable risk score. Each factor adds points;
// the class follows from the total by thresholds. Guangdong's "5 + 22 + 72" indicator
// tree is not public in full (RULES.md §9): this is a local score over what qcity
// holds, to be replaced by the provincial model when it is.
type RiskConfig struct {
	SeriousListed   int `json:"serious_listed"`   // on the serious list now (and the class is at least D)
	AbnormalListed  int `json:"abnormal_listed"`  // per abnormal listing in force
	AbnormalMax     int `json:"abnormal_max"`     //
	Penalty         int `json:"penalty"`          // per penalty decided in the last 3 years (not annulled, not a warning alone)
	PenaltyHeavier  int `json:"penalty_heavier"`  // extra per heavier penalty
	PenaltyMax      int `json:"penalty_max"`      //
	SamplingFailure int `json:"sampling_failure"` // per announced sampling failure in the last 3 years, as producer or seller
	SamplingMax     int `json:"sampling_max"`     //
	CertSuspension  int `json:"cert_suspension"`  // per certificate suspension in the last 3 years
	ReportMissing   int `json:"report_missing"`   // last closed year's report not filed
	ReportLate      int `json:"report_late"`      // last closed year's report filed late
	NewEntity       int `json:"new_entity"`       // established less than a year ago: little history
	// Thresholds: score ≥ ClassB is B, ≥ ClassC is C, ≥ ClassD is D; below ClassB is A.
	ClassB int `json:"class_b"`
	ClassC int `json:"class_c"`
	ClassD int `json:"class_d"`
	// Ratios are the random-inspection (双随机) ratios per class, in percent, after the
	// Daqing example (A ≤ 5%, B 5–20%, C 21–60%, D 61–100%). Sampling draws weigh
	// entities by them.
	RatioA float64 `json:"ratio_a"`
	RatioB float64 `json:"ratio_b"`
	RatioC float64 `json:"ratio_c"`
	RatioD float64 `json:"ratio_d"`
}

// DefaultRiskConfig is the score of a new installation.
func DefaultRiskConfig() RiskConfig {
	return RiskConfig{SeriousListed: 60, AbnormalListed: 15, AbnormalMax: 30, Penalty: 10, PenaltyHeavier: 10, PenaltyMax: 40,
		SamplingFailure: 8, SamplingMax: 24, CertSuspension: 10, ReportMissing: 10, ReportLate: 4, NewEntity: 5,
		ClassB: 5, ClassC: 20, ClassD: 50, RatioA: 5, RatioB: 20, RatioC: 60, RatioD: 100}
}

func (c RiskConfig) validate() []qcity.FieldError {
	var errs []qcity.FieldError
	for _, v := range []int{c.SeriousListed, c.AbnormalListed, c.AbnormalMax, c.Penalty, c.PenaltyHeavier, c.PenaltyMax,
		c.SamplingFailure, c.SamplingMax, c.CertSuspension, c.ReportMissing, c.ReportLate, c.NewEntity} {
		if v < 0 || v > 1000 {
			errs = append(errs, qcity.Field("risk", "credit.risk_points"))
			break
		}
	}
	if !(0 < c.ClassB && c.ClassB < c.ClassC && c.ClassC < c.ClassD) {
		errs = append(errs, qcity.Field("risk", "credit.risk_thresholds"))
	}
	if !(0 < c.RatioA && c.RatioA <= c.RatioB && c.RatioB <= c.RatioC && c.RatioC <= c.RatioD && c.RatioD <= 100) {
		errs = append(errs, qcity.Field("risk", "credit.risk_ratios"))
	}
	return errs
}

// Factors are an entity's inputs to the score.
type Factors struct {
	SeriousListed    bool `json:"serious_listed"`
	AbnormalListed   int  `json:"abnormal_listed"`
	Penalties        int  `json:"penalties"`
	HeavierPenalties int  `json:"heavier_penalties"`
	SamplingFailures int  `json:"sampling_failures"`
	CertSuspensions  int  `json:"cert_suspensions"`
	ReportMissing    bool `json:"report_missing"`
	ReportLate       bool `json:"report_late"`
	NewEntity        bool `json:"new_entity"`
}

// Score computes the score and class of f.
func Score(f Factors, c RiskConfig) (int, string) {
	capped := func(n, each, most int) int { return min(n*each, most) }
	score := capped(f.AbnormalListed, c.AbnormalListed, c.AbnormalMax) +
		capped(f.Penalties*c.Penalty+f.HeavierPenalties*c.PenaltyHeavier, 1, c.PenaltyMax) +
		capped(f.SamplingFailures, c.SamplingFailure, c.SamplingMax) +
		f.CertSuspensions*c.CertSuspension
	if f.SeriousListed {
		score += c.SeriousListed
	}
	if f.ReportMissing {
		score += c.ReportMissing
	} else if f.ReportLate {
		score += c.ReportLate
	}
	if f.NewEntity {
		score += c.NewEntity
	}
	class := "A"
	switch {
	case score >= c.ClassD || f.SeriousListed:
		class = "D"
	case score >= c.ClassC:
		class = "C"
	case score >= c.ClassB:
		class = "B"
	}
	return score, class
}

// Ratio is the random-inspection ratio of a class, in percent.
func (c RiskConfig) Ratio(class string) float64 {
	switch class {
	case "A":
		return c.RatioA
	case "C":
		return c.RatioC
	case "D":
		return c.RatioD
	}
	return c.RatioB
}

// riskCache holds every entity's class in memory for sampling draws.
type riskCache struct {
	mu      sync.RWMutex
	classes map[int64]byte
}

func (r *riskCache) set(id int64, class string) {
	r.mu.Lock()
	if r.classes == nil {
		r.classes = map[int64]byte{}
	}
	r.classes[id] = class[0]
	r.mu.Unlock()
}

func (s *Service) loadRisk(ctx context.Context) error {
	rows, err := s.DB.Query(ctx, `SELECT entity_id, class FROM risk_classes`)
	if err != nil {
		return qcity.Internal(err)
	}
	defer rows.Close()
	m := map[int64]byte{}
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			return qcity.Internal(err)
		}
		m[id] = c[0]
	}
	s.risk.mu.Lock()
	s.risk.classes = m
	s.risk.mu.Unlock()
	return qcity.Internal(rows.Err())
}

// RiskWeight weighs an entity in random target draws by its class's inspection ratio;
// an entity without a row has nothing against it: class A.
func (s *Service) RiskWeight(entityID int64) float64 {
	s.risk.mu.RLock()
	c, ok := s.risk.classes[entityID]
	s.risk.mu.RUnlock()
	cfg := s.Config().Risk
	if !ok {
		return cfg.RatioA
	}
	return cfg.Ratio(string(c))
}

// RiskClass is an entity's stored class.
type RiskClass struct {
	USCC       string     `json:"uscc"`
	Name       string     `json:"name"`
	Region     string     `json:"region_code"`
	Class      string     `json:"class"`
	Score      int        `json:"score"`
	Factors    Factors    `json:"factors"`
	ComputedOn qcity.Date `json:"computed_on"`
}

// factorsOf gathers the factors of the entities ids on day on, in bulk: one query per
// source, so the monthly run over a million entities is a handful of scans.
func (s *Service) factorsOf(ctx context.Context, q db.Querier, on qcity.Date, only []int64) (map[int64]*Factors, error) {
	out := map[int64]*Factors{}
	var filter string
	var fargs []any
	if only != nil {
		if len(only) == 0 {
			return out, nil
		}
		filter = " AND e.id IN (?" + strings.Repeat(",?", len(only)-1) + ")"
		for _, id := range only {
			fargs = append(fargs, id)
		}
	}
	get := func(id int64) *Factors {
		f := out[id]
		if f == nil {
			f = &Factors{}
			out[id] = f
		}
		return f
	}
	year := LastClosedReportYear(on)
	rows, err := q.Query(ctx, `SELECT e.id, e.entity_type, e.established_on, e.status, e.status_changed_on, r.filed_on
		FROM entities e LEFT JOIN annual_reports r ON r.entity_id = e.id AND r.year = ? WHERE 1 = 1`+filter,
		append([]any{year}, fargs...)...)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	for rows.Next() {
		var id int64
		var df DueFacts
		var filed qcity.Date
		if err := rows.Scan(&id, &df.Type, &df.EstablishedOn, &df.Status, &df.StatusChangedOn, &filed); err != nil {
			rows.Close()
			return nil, qcity.Internal(err)
		}
		f := get(id)
		f.NewEntity = df.EstablishedOn.After(addYears(on, -1))
		if ReportDue(df, year) {
			f.ReportMissing = filed.IsZero() || filed.After(on)
			f.ReportLate = !f.ReportMissing && FiledLate(year, filed)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, qcity.Internal(err)
	}
	since := addYears(on, -3)
	type agg struct {
		sql  string
		args []any
		set  func(f *Factors, n, m int)
		by   string
	}
	for _, a := range []agg{
		{`SELECT x.entity_id, COUNT(*), 0 FROM serious_listings x JOIN entities e ON e.id = x.entity_id
			WHERE x.state IN ('listed', 'early_removal_applied')`, nil, func(f *Factors, n, _ int) { f.SeriousListed = n > 0 }, "x.entity_id"},
		{`SELECT x.entity_id, COUNT(*), 0 FROM abnormal_listings x JOIN entities e ON e.id = x.entity_id
			WHERE x.state = 'listed'`, nil, func(f *Factors, n, _ int) { f.AbnormalListed = n }, "x.entity_id"},
		{`SELECT x.entity_id, COUNT(*), SUM(CASE WHEN x.heavier THEN 1 ELSE 0 END) FROM penalties x JOIN entities e ON e.id = x.entity_id
			WHERE x.decided_on > ? AND x.decided_on <= ? AND x.state NOT IN ('withdrawn', 'unpublished')`, []any{since, on},
			func(f *Factors, n, m int) { f.Penalties, f.HeavierPenalties = n, m }, "x.entity_id"},
		{`SELECT e.id, COUNT(*), 0 FROM announcements a JOIN samples sm ON sm.id = a.sample_id
			JOIN entities e ON e.id = sm.producer_id OR e.id = sm.seller_id
			WHERE a.status = 'published' AND a.published_on > ? AND a.published_on <= ?`, []any{since, on},
			func(f *Factors, n, _ int) { f.SamplingFailures = n }, "e.id"},
		// Certificate suspensions by the issuing body (a revocation counts as one), not
		// the public status a body's own suspension gives its certificates.
		{`SELECT c.holder_id, COUNT(*), 0 FROM certificate_events ev JOIN certificates c ON c.id = ev.certificate_id
			JOIN entities e ON e.id = c.holder_id
			WHERE ev.kind = 'status' AND ev.to_status IN ('suspended', 'revoked') AND ev.on_date > ? AND ev.on_date <= ?`, []any{since, on},
			func(f *Factors, n, _ int) { f.CertSuspensions = n }, "c.holder_id"},
	} {
		rows, err := q.Query(ctx, a.sql+filter+" GROUP BY "+a.by, append(a.args, fargs...)...)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		for rows.Next() {
			var id int64
			var n, m int
			if err := rows.Scan(&id, &n, &m); err != nil {
				rows.Close()
				return nil, qcity.Internal(err)
			}
			if f, ok := out[id]; ok {
				a.set(f, n, m)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, qcity.Internal(err)
		}
	}
	return out, nil
}

// RecomputeRisk recomputes the classes of the entities with the given USCCs inside tx,
// the transaction of a change that moves them (certification's suspensions).
func (s *Service) RecomputeRisk(ctx context.Context, tx *db.Tx, usccs ...string) error {
	return s.recomputeRisk(ctx, tx, usccs...)
}

// recomputeRisk recomputes the classes of the entities with the given USCCs inside tx.
func (s *Service) recomputeRisk(ctx context.Context, tx *db.Tx, usccs ...string) error {
	seen := map[string]bool{}
	var ids []int64
	for _, code := range usccs {
		if code == "" || seen[code] {
			continue
		}
		seen[code] = true
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM entities WHERE uscc = ?`, code).Scan(&id); err != nil {
			return qcity.Internal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil
	}
	fs, err := s.factorsOf(ctx, tx, s.today(), ids)
	if err != nil {
		return err
	}
	_, err = s.storeRisk(ctx, tx, fs, s.today(), false)
	return err
}

// storeRisk writes the classes of fs. Only entities with a score above zero get a
// row: the great majority, with nothing against them, are class A by the absence of a
// row, which keeps the monthly run over a million entities to the few that carry a
// factor. With onlyChanged it compares with the stored rows first and writes only
// those that moved (and deletes those back to zero). It returns the rows written.
func (s *Service) storeRisk(ctx context.Context, tx *db.Tx, fs map[int64]*Factors, on qcity.Date, onlyChanged bool) (int, error) {
	cfg := s.Config().Risk
	old := map[int64][2]int{}
	if onlyChanged {
		rows, err := tx.Query(ctx, `SELECT entity_id, class, score FROM risk_classes`)
		if err != nil {
			return 0, qcity.Internal(err)
		}
		for rows.Next() {
			var id int64
			var c string
			var sc int
			if err := rows.Scan(&id, &c, &sc); err != nil {
				rows.Close()
				return 0, qcity.Internal(err)
			}
			old[id] = [2]int{int(c[0]), sc}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, qcity.Internal(err)
		}
	}
	const width, batch = 5, 400
	args := make([]any, 0, width*batch)
	var gone []any
	written := 0
	flush := func() error {
		if len(args) > 0 {
			n := len(args) / width
			q := `INSERT INTO risk_classes (entity_id, class, score, factors, computed_on) VALUES (?,?,?,?,?)` +
				strings.Repeat(",(?,?,?,?,?)", n-1) +
				` ON CONFLICT (entity_id) DO UPDATE SET class = excluded.class, score = excluded.score, factors = excluded.factors,
				computed_on = excluded.computed_on`
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return qcity.Internal(err)
			}
			args = args[:0]
		}
		if len(gone) > 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM risk_classes WHERE entity_id IN (?`+strings.Repeat(",?", len(gone)-1)+`)`, gone...); err != nil {
				return qcity.Internal(err)
			}
			gone = gone[:0]
		}
		return nil
	}
	type change struct {
		id    int64
		class string
	}
	var changes []change
	for id, f := range fs {
		score, class := Score(*f, cfg)
		o, had := old[id]
		switch {
		case score == 0 && onlyChanged && !had:
			continue
		case score == 0:
			gone = append(gone, id)
		case onlyChanged && had && o[0] == int(class[0]) && o[1] == score:
			continue
		default:
			args = append(args, id, class, score, marshal(f), on)
			written++
		}
		changes = append(changes, change{id, class})
		if len(args) == width*batch || len(gone) == batch {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	for _, c := range changes {
		s.risk.set(c.id, c.class)
	}
	return written, nil
}

// RecomputeAllRisk recomputes every entity's class as of on, writing those that moved.
func (s *Service) recomputeAllRisk(ctx context.Context, tx *db.Tx, on qcity.Date) (int, error) {
	fs, err := s.factorsOf(ctx, tx, on, nil)
	if err != nil {
		return 0, err
	}
	return s.storeRisk(ctx, tx, fs, on, true)
}

// RiskOf returns an entity's class (officials only: risk classes are internal).
func (s *Service) RiskOf(ctx context.Context, code string) (RiskClass, error) {
	a := qcity.ActorFrom(ctx)
	p, err := findParty(ctx, s.DB, code)
	if err != nil {
		return RiskClass{}, err
	}
	if !a.IsOfficial() || !a.CoversRegion(p.Region) {
		return RiskClass{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	rc := RiskClass{USCC: p.USCC, Name: p.Name, Region: p.Region}
	var factors string
	err = s.DB.QueryRow(ctx, `SELECT class, score, factors, computed_on FROM risk_classes WHERE entity_id = ?`, p.ID).
		Scan(&rc.Class, &rc.Score, &factors, &rc.ComputedOn)
	if err != nil {
		// Not classed yet: compute it now without storing.
		fs, ferr := s.factorsOf(ctx, s.DB, s.today(), []int64{p.ID})
		if ferr != nil {
			return rc, ferr
		}
		rc.Factors = *fs[p.ID]
		rc.Score, rc.Class = Score(rc.Factors, s.Config().Risk)
		rc.ComputedOn = s.today()
		return rc, nil
	}
	unmarshalJSON(factors, &rc.Factors)
	return rc, nil
}

// RiskDistribution counts entities per class in a region (officials only).
func (s *Service) RiskDistribution(ctx context.Context, region string) (map[string]int, error) {
	// Entities without a row are class A (nothing against them).
	var all int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM entities WHERE region_code LIKE ?`, region+"%").Scan(&all); err != nil {
		return nil, qcity.Internal(err)
	}
	rows, err := s.DB.Query(ctx, `SELECT r.class, COUNT(*) FROM risk_classes r JOIN entities e ON e.id = r.entity_id
		WHERE e.region_code LIKE ? GROUP BY r.class`, region+"%")
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := map[string]int{"A": 0, "B": 0, "C": 0, "D": 0}
	rowed := 0
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, qcity.Internal(err)
		}
		out[c] += n
		rowed += n
	}
	out["A"] += all - rowed
	return out, qcity.Internal(rows.Err())
}
