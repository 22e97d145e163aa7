package sampling

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
)

// Plan is an annual sampling plan (抽检计划).
type Plan struct {
	ID         int64          `json:"id"`
	Year       int            `json:"year"`
	Kind       PlanKind       `json:"kind"`
	Level      Level          `json:"level"`
	Name       string         `json:"name"`
	Region     string         `json:"region_code"`
	Seed       uint64         `json:"seed"`
	Status     string         `json:"status"`
	Note       string         `json:"note"`
	CreatedBy  string         `json:"created_by"`
	CreatedAt  time.Time      `json:"created_at"`
	Categories []PlanCategory `json:"categories"`
	Quotas     []Quota        `json:"quotas"`
	Labs       []PlanLab      `json:"labs"`
}

// PlanCategory is a category a plan covers, with its test items and judgement basis.
type PlanCategory struct {
	CategoryCode   string   `json:"category_code"`
	CategoryName   string   `json:"category"`
	TestItems      []string `json:"test_items"`
	JudgementBasis string   `json:"judgement_basis"`
}

// Quota is the number of batches to sample in a district for a category.
type Quota struct {
	Region       string `json:"region_code"`
	CategoryCode string `json:"category_code"`
	Quota        int    `json:"quota"`
}

// PlanLab is a lab taking part in a plan.
type PlanLab struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// PlanInput is a new plan as an official submits it.
type PlanInput struct {
	Year       int                 `json:"year"`
	Kind       string              `json:"kind"`
	Level      string              `json:"level"`
	Name       string              `json:"name"`
	Region     string              `json:"region_code"`
	Seed       uint64              `json:"seed"` // 0: drawn now and recorded
	Note       string              `json:"note"`
	Categories []PlanCategoryInput `json:"categories"`
	Quotas     []QuotaInput        `json:"quotas"`
	Labs       []string            `json:"labs"`
}

// PlanCategoryInput names a category with its items and basis.
type PlanCategoryInput struct {
	Category       string   `json:"category"`
	TestItems      []string `json:"test_items"`
	JudgementBasis string   `json:"judgement_basis"`
}

// QuotaInput is a quota as submitted.
type QuotaInput struct {
	Region   string `json:"region_code"`
	Category string `json:"category"`
	Quota    int    `json:"quota"`
}

// CreatePlan records an annual plan with its categories, quotas and labs. Officials
// only, for their own region. Returns EINVALID with field errors.
func (s *Service) CreatePlan(ctx context.Context, in PlanInput) (Plan, error) {
	a := qcity.ActorFrom(ctx)
	if !a.IsOfficial() {
		return Plan{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	var errs []qcity.FieldError
	add := func(field, key string, args ...any) { errs = append(errs, qcity.Field(field, key, args...)) }
	p := Plan{Year: in.Year, Kind: PlanKind(strings.TrimSpace(in.Kind)), Level: Level(strings.TrimSpace(in.Level)),
		Name: strings.TrimSpace(in.Name), Region: strings.TrimSpace(in.Region), Seed: in.Seed, Status: "active",
		Note: strings.TrimSpace(in.Note), CreatedBy: a.Name}
	today := s.today()
	if p.Year < 2000 || p.Year > today.Year+1 {
		add("year", "sampling.year_range")
	}
	if !slices.Contains(PlanKinds, p.Kind) {
		add("kind", "sampling.kind_unknown", "value", in.Kind)
	}
	if !slices.Contains(Levels, p.Level) {
		add("level", "sampling.level_unknown", "value", in.Level)
	}
	if n := utf8.RuneCountInString(p.Name); n < 2 || n > 100 {
		add("name", "registry.name_length", "min", 2, "max", 100)
	}
	if p.Region == "" {
		p.Region = a.Region
		if p.Region == "" {
			p.Region = s.Jurisdiction.Prefecture.Code
		}
	}
	if !s.Jurisdiction.Contains(p.Region) {
		add("region_code", "region.not_in_jurisdiction", "code", p.Region)
	} else if !a.CoversRegion(p.Region) {
		add("region_code", "auth.forbidden_region")
	}
	kind := p.Kind.SampleKind()
	catByText := map[string]string{}
	for i, c := range in.Categories {
		cat, err := s.cats.resolve(kind, c.Category)
		if err != nil {
			qe := qcity.AsError(err)
			errs = append(errs, qcity.FieldError{Field: "categories[" + strconv.Itoa(i) + "].category", Key: qe.Key, Args: qe.Args})
			continue
		}
		items := []string{}
		for _, it := range c.TestItems {
			if it = strings.TrimSpace(it); it != "" && !slices.Contains(items, it) {
				items = append(items, it)
			}
		}
		catByText[strings.TrimSpace(c.Category)] = cat.Code
		p.Categories = append(p.Categories, PlanCategory{CategoryCode: cat.Code, CategoryName: cat.Path, TestItems: items,
			JudgementBasis: strings.TrimSpace(c.JudgementBasis)})
	}
	if len(in.Categories) == 0 {
		add("categories", "sampling.plan_needs_categories")
	}
	seenQuota := map[string]bool{}
	for i, q := range in.Quotas {
		f := func(n string) string { return "quotas[" + strconv.Itoa(i) + "]." + n }
		code, ok := catByText[strings.TrimSpace(q.Category)]
		if !ok {
			if cat, err := s.cats.resolve(kind, q.Category); err == nil {
				code, ok = cat.Code, slices.ContainsFunc(p.Categories, func(pc PlanCategory) bool { return pc.CategoryCode == cat.Code })
			}
		}
		if !ok {
			add(f("category"), "sampling.quota_category", "category", q.Category)
		}
		if _, inJ := s.Jurisdiction.County(q.Region); !inJ || !strings.HasPrefix(q.Region, p.Region[:min(len(p.Region), 4)]) {
			add(f("region_code"), "region.not_in_jurisdiction", "code", q.Region)
		}
		if q.Quota < 1 || q.Quota > 100000 {
			add(f("quota"), "sampling.quota_range")
		}
		key := q.Region + "/" + code
		if seenQuota[key] {
			add(f("category"), "sampling.quota_duplicate")
		}
		seenQuota[key] = true
		p.Quotas = append(p.Quotas, Quota{Region: q.Region, CategoryCode: code, Quota: q.Quota})
	}
	lb := &labs{s: s}
	for i, l := range in.Labs {
		r, ok, err := lb.find(ctx, l)
		if err != nil {
			return Plan{}, err
		}
		if !ok {
			add("labs["+strconv.Itoa(i)+"]", "sampling.lab_unknown", "lab", l)
			continue
		}
		p.Labs = append(p.Labs, PlanLab{ID: r.ID, Name: r.Name})
	}
	if len(in.Labs) == 0 {
		add("labs", "sampling.plan_needs_labs")
	}
	if len(errs) > 0 {
		return Plan{}, qcity.Invalid(errs...)
	}
	if p.Seed == 0 {
		var b [8]byte
		rand.Read(b[:])
		p.Seed = binary.LittleEndian.Uint64(b[:]) >> 1 // fits a signed BIGINT
	}
	p.Seed &= math.MaxInt64
	now := s.Clock.Now().UTC()
	p.CreatedAt = now
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO sampling_plans (year, kind, level, name, region_code, seed, status, note,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.Year, string(p.Kind), string(p.Level), p.Name, p.Region, int64(p.Seed), p.Status, p.Note, p.CreatedBy, now, now).Scan(&p.ID); err != nil {
			return qcity.Internal(err)
		}
		for _, c := range p.Categories {
			if _, err := tx.Exec(ctx, `INSERT INTO plan_categories (plan_id, category_code, test_items, judgement_basis) VALUES (?, ?, ?, ?)`,
				p.ID, c.CategoryCode, marshalJSON(c.TestItems), c.JudgementBasis); err != nil {
				if db.IsUniqueViolation(err) {
					return qcity.Invalid(qcity.Field("categories", "sampling.category_duplicate"))
				}
				return qcity.Internal(err)
			}
		}
		for _, q := range p.Quotas {
			if _, err := tx.Exec(ctx, `INSERT INTO plan_quotas (plan_id, region_code, category_code, quota) VALUES (?, ?, ?, ?)`,
				p.ID, q.Region, q.CategoryCode, q.Quota); err != nil {
				return qcity.Internal(err)
			}
		}
		for _, l := range p.Labs {
			if _, err := tx.Exec(ctx, `INSERT INTO plan_labs (plan_id, org_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, p.ID, l.ID); err != nil {
				return qcity.Internal(err)
			}
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "sampling_plan",
			ObjectID: strconv.FormatInt(p.ID, 10), Region: p.Region, Summary: p.Name, After: p})
	})
	return p, err
}

// FindPlan returns a plan with its categories, quotas and labs. Returns ENOTFOUND.
func (s *Service) FindPlan(ctx context.Context, id int64) (Plan, error) {
	var p Plan
	var kind, level string
	var seed int64
	err := s.DB.QueryRow(ctx, `SELECT id, year, kind, level, name, region_code, seed, status, note, created_by, created_at
		FROM sampling_plans WHERE id = ?`, id).Scan(&p.ID, &p.Year, &kind, &level, &p.Name, &p.Region, &seed, &p.Status,
		&p.Note, &p.CreatedBy, &p.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Plan{}, qcity.Errorf(qcity.ENOTFOUND, "web.not_found")
	}
	if err != nil {
		return Plan{}, qcity.Internal(err)
	}
	p.Kind, p.Level, p.Seed = PlanKind(kind), Level(level), uint64(seed)
	// A district's officials see their district's plans and those of the regions that
	// enclose it (the city's plans, as the plan list shows them).
	if a := qcity.ActorFrom(ctx); !a.CoversRegion(p.Region) && !strings.HasPrefix(a.Region, regionStem(p.Region)) {
		return Plan{}, qcity.Errorf(qcity.ENOTFOUND, "web.not_found")
	}
	rows, err := s.DB.Query(ctx, `SELECT category_code, test_items, judgement_basis FROM plan_categories WHERE plan_id = ? ORDER BY category_code`, id)
	if err != nil {
		return Plan{}, qcity.Internal(err)
	}
	for rows.Next() {
		var c PlanCategory
		var items string
		rows.Scan(&c.CategoryCode, &items, &c.JudgementBasis)
		json.Unmarshal([]byte(items), &c.TestItems)
		if cat, ok := s.cats.get(p.Kind.SampleKind(), c.CategoryCode); ok {
			c.CategoryName = cat.Path
		}
		p.Categories = append(p.Categories, c)
	}
	rows.Close()
	rows, err = s.DB.Query(ctx, `SELECT region_code, category_code, quota FROM plan_quotas WHERE plan_id = ? ORDER BY region_code, category_code`, id)
	if err != nil {
		return Plan{}, qcity.Internal(err)
	}
	for rows.Next() {
		var q Quota
		rows.Scan(&q.Region, &q.CategoryCode, &q.Quota)
		p.Quotas = append(p.Quotas, q)
	}
	rows.Close()
	rows, err = s.DB.Query(ctx, `SELECT o.id, o.name FROM plan_labs pl JOIN organisations o ON o.id = pl.org_id WHERE pl.plan_id = ? ORDER BY o.id`, id)
	if err != nil {
		return Plan{}, qcity.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var l PlanLab
		rows.Scan(&l.ID, &l.Name)
		p.Labs = append(p.Labs, l)
	}
	return p, qcity.Internal(rows.Err())
}

// FindPlans lists the plans of a year (all years when 0) the actor may see.
func (s *Service) FindPlans(ctx context.Context, year int) ([]Plan, error) {
	a := qcity.ActorFrom(ctx)
	q := `SELECT id, year, kind, level, name, region_code, seed, status, created_by, created_at FROM sampling_plans`
	var where []string
	var args []any
	if year != 0 {
		where, args = append(where, "year = ?"), append(args, year)
	}
	if a.Region != "" {
		// A county official sees the city's plans and its own.
		where, args = append(where, "(region_code = ? OR region_code = ?)"), append(args, a.Region, s.Jurisdiction.Prefecture.Code)
	}
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.DB.Query(ctx, q+" ORDER BY year DESC, id DESC", args...)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Plan{}
	for rows.Next() {
		var p Plan
		var kind, level string
		var seed int64
		if err := rows.Scan(&p.ID, &p.Year, &kind, &level, &p.Name, &p.Region, &seed, &p.Status, &p.CreatedBy, &p.CreatedAt); err != nil {
			return nil, qcity.Internal(err)
		}
		p.Kind, p.Level, p.Seed = PlanKind(kind), Level(level), uint64(seed)
		out = append(out, p)
	}
	return out, qcity.Internal(rows.Err())
}

// Task is a lab's assignment under a plan, with the targets drawn for it.
type Task struct {
	ID           int64    `json:"id"`
	PlanID       int64    `json:"plan_id"`
	PlanName     string   `json:"plan,omitempty"`
	LabID        int64    `json:"lab_id"`
	LabName      string   `json:"lab"`
	Region       string   `json:"region_code"`
	CategoryCode string   `json:"category_code"`
	Quota        int      `json:"quota"`
	Status       string   `json:"status"`
	Targets      []Target `json:"targets"`
}

// Target is an enterprise drawn for a visit, with the pair of officers drawn for it.
type Target struct {
	Seq      int      `json:"seq"`
	EntityID int64    `json:"entity_id"`
	USCC     string   `json:"uscc"`
	Name     string   `json:"name"`
	Officers []string `json:"officers"`
}

// RiskWeight gives the draw weight of an entity (higher = more likely to be drawn).
// The credit module sets it from risk classes; by default it is HistoryWeight.
type RiskWeight func(entityID int64) float64

// candidateSections are the GB/T 4754 sections whose entities a plan kind draws from:
// food producers, traders and caterers; manufacturers; farms and agricultural traders.
var candidateSections = map[Kind][]string{
	KindFood:    {"13", "14", "15", "51", "52", "62"},
	KindProduct: {"17", "18", "19", "20", "21", "22", "23", "24", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "40", "41", "42"},
	KindAgri:    {"01", "02", "03", "04", "05", "51"},
}

// DrawTasks assigns the plan's quotas to its labs and draws the targets (双随机, random
// inspection): for each district and category, quota active entities of the district
// weighted by risk, each with a random pair of the district's sampling officers. The
// draw uses the plan's recorded seed, so it can be repeated exactly. Drawing a plan
// that already has tasks is refused.
func (s *Service) DrawTasks(ctx context.Context, planID int64, weight RiskWeight) ([]Task, error) {
	a := qcity.ActorFrom(ctx)
	if !a.IsOfficial() {
		return nil, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	p, err := s.FindPlan(ctx, planID)
	if err != nil {
		return nil, err
	}
	if !a.CoversRegion(p.Region) {
		return nil, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden_region")
	}
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM sampling_tasks WHERE plan_id = ?`, planID).Scan(&n); err != nil {
		return nil, qcity.Internal(err)
	}
	if n > 0 {
		return nil, qcity.Errorf(qcity.ECONFLICT, "sampling.plan_drawn")
	}
	if len(p.Labs) == 0 || len(p.Quotas) == 0 {
		return nil, qcity.Errorf(qcity.EINVALID, "sampling.plan_needs_quotas")
	}
	if weight == nil {
		w, err := s.HistoryWeight(ctx, p.Year)
		if err != nil {
			return nil, err
		}
		weight = w
	}
	tasks, err := s.draw(ctx, p, weight)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC()
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		for i := range tasks {
			t := &tasks[i]
			if err := tx.QueryRow(ctx, `INSERT INTO sampling_tasks (plan_id, lab_org_id, region_code, category_code, quota, status, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.ID, t.LabID, t.Region, t.CategoryCode, t.Quota, t.Status, now).Scan(&t.ID); err != nil {
				return qcity.Internal(err)
			}
			for _, tg := range t.Targets {
				if _, err := tx.Exec(ctx, `INSERT INTO task_targets (task_id, seq, entity_id, officers) VALUES (?, ?, ?, ?)`,
					t.ID, tg.Seq, tg.EntityID, marshalJSON(tg.Officers)); err != nil {
					return qcity.Internal(err)
				}
			}
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "sampling_tasks",
			ObjectID: strconv.FormatInt(p.ID, 10), Region: p.Region, Summary: "draw with seed " + strconv.FormatUint(p.Seed, 10),
			After: map[string]any{"tasks": len(tasks), "seed": p.Seed}})
	})
	return tasks, err
}

// draw computes the tasks of a plan without storing them (pure given the database
// contents and the seed).
func (s *Service) draw(ctx context.Context, p Plan, weight RiskWeight) ([]Task, error) {
	kind := p.Kind.SampleKind()
	sections := candidateSections[kind]
	var tasks []Task
	for qi, q := range p.Quotas {
		rng := mrand.New(mrand.NewPCG(p.Seed, uint64(qi)+1))
		type cand struct {
			id         int64
			uscc, name string
			key        float64
		}
		var cands []cand
		rows, err := s.DB.Query(ctx, `SELECT id, uscc, name, industry_code FROM entities WHERE region_code = ? AND status = 'active' ORDER BY id`, q.Region)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		for rows.Next() {
			var c cand
			var ind string
			if err := rows.Scan(&c.id, &c.uscc, &c.name, &ind); err != nil {
				rows.Close()
				return nil, qcity.Internal(err)
			}
			if len(ind) >= 2 && !slices.Contains(sections, ind[:2]) {
				continue
			}
			// Efraimidis–Spirakis: the n largest u^(1/w) are a weighted sample without
			// replacement.
			w := weight(c.id)
			if w <= 0 {
				continue
			}
			c.key = math.Pow(rng.Float64(), 1/w)
			cands = append(cands, c)
		}
		rows.Close()
		slices.SortStableFunc(cands, func(a, b cand) int {
			switch {
			case a.key > b.key:
				return -1
			case a.key < b.key:
				return 1
			}
			return 0
		})
		officers, err := s.officers(ctx, q.Region)
		if err != nil {
			return nil, err
		}
		lab := p.Labs[qi%len(p.Labs)]
		t := Task{PlanID: p.ID, LabID: lab.ID, LabName: lab.Name, Region: q.Region, CategoryCode: q.CategoryCode,
			Quota: q.Quota, Status: "assigned", Targets: []Target{}}
		for i := 0; i < q.Quota && i < len(cands); i++ {
			tg := Target{Seq: i + 1, EntityID: cands[i].id, USCC: cands[i].uscc, Name: cands[i].name, Officers: []string{}}
			if len(officers) >= 2 {
				a := rng.IntN(len(officers))
				b := rng.IntN(len(officers) - 1)
				if b >= a {
					b++
				}
				tg.Officers = []string{officers[a], officers[b]}
			}
			t.Targets = append(t.Targets, tg)
		}
		tasks = append(tasks, t)
	}
	return tasks, nil
}

func (s *Service) officers(ctx context.Context, regionCode string) ([]string, error) {
	rows, err := s.DB.Query(ctx, `SELECT name FROM sampling_officers WHERE region_code = ? AND active ORDER BY id`, regionCode)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return out, qcity.Internal(rows.Err())
}

// FindTasks lists a plan's tasks with their targets.
func (s *Service) FindTasks(ctx context.Context, planID int64) ([]Task, error) {
	// A district's officials see their district's tasks only, also of a city plan.
	cond, args := "", []any{planID}
	if a := qcity.ActorFrom(ctx); a.Region != "" {
		cond, args = " AND t.region_code LIKE ?", append(args, a.Region+"%")
	}
	rows, err := s.DB.Query(ctx, `SELECT t.id, t.plan_id, t.lab_org_id, o.name, t.region_code, t.category_code, t.quota, t.status
		FROM sampling_tasks t JOIN organisations o ON o.id = t.lab_org_id WHERE t.plan_id = ?`+cond+` ORDER BY t.id`, args...)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	var tasks []Task
	for rows.Next() {
		var t Task
		rows.Scan(&t.ID, &t.PlanID, &t.LabID, &t.LabName, &t.Region, &t.CategoryCode, &t.Quota, &t.Status)
		t.Targets = []Target{}
		tasks = append(tasks, t)
	}
	rows.Close()
	return tasks, s.fillTargets(ctx, tasks)
}

// regionStem is a GB/T 2260 code without its trailing zero pairs: 440800 → 4408,
// 440000 → 44; every region inside starts with it.
func regionStem(code string) string {
	for len(code) > 2 && strings.HasSuffix(code, "00") {
		code = code[:len(code)-2]
	}
	return code
}

// AddOfficer adds a sampling officer to a district's roster.
func (s *Service) AddOfficer(ctx context.Context, name, regionCode, badge string) error {
	a := qcity.ActorFrom(ctx)
	if !a.IsOfficial() {
		return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	name = strings.TrimSpace(name)
	var errs []qcity.FieldError
	if n := utf8.RuneCountInString(name); n < 2 || n > 20 {
		errs = append(errs, qcity.Field("name", "registry.name_length", "min", 2, "max", 20))
	}
	if _, ok := s.Jurisdiction.County(regionCode); !ok {
		errs = append(errs, qcity.Field("region_code", "region.not_in_jurisdiction", "code", regionCode))
	} else if !a.CoversRegion(regionCode) {
		errs = append(errs, qcity.Field("region_code", "auth.forbidden_region"))
	}
	if len(errs) > 0 {
		return qcity.Invalid(errs...)
	}
	now := s.Clock.Now().UTC()
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sampling_officers (name, region_code, badge_no, active, created_at) VALUES (?, ?, ?, ?, ?)`,
			name, regionCode, strings.TrimSpace(badge), true, now); err != nil {
			return qcity.Internal(err)
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "sampling_officer",
			ObjectID: name, Region: regionCode, Summary: name})
	})
}

// MyTasks lists the tasks the actor should see with their targets: a lab its own, an
// official those of plans in its region (all, for the city), newest plan first.
func (s *Service) MyTasks(ctx context.Context) ([]Task, error) {
	tasks, _, err := s.TaskPage(ctx, 200, 0)
	return tasks, err
}

// TaskPage is MyTasks from offset, at most limit of them (the export reads every
// page), with how many there are in all.
func (s *Service) TaskPage(ctx context.Context, limit, offset int) ([]Task, int, error) {
	a := qcity.ActorFrom(ctx)
	from := ` FROM sampling_tasks t JOIN sampling_plans p ON p.id = t.plan_id JOIN organisations o ON o.id = t.lab_org_id`
	var args []any
	switch {
	case a.Role == qcity.RoleLab && a.OrgID != 0:
		from += ` WHERE t.lab_org_id = ?`
		args = append(args, a.OrgID)
	case a.IsOfficial():
		if a.Region != "" {
			from += ` WHERE t.region_code LIKE ?`
			args = append(args, a.Region+"%")
		}
	default:
		return nil, 0, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, qcity.Internal(err)
	}
	rows, err := s.DB.Query(ctx, `SELECT t.id, t.plan_id, p.name, t.lab_org_id, o.name, t.region_code, t.category_code, t.quota, t.status`+
		from+` ORDER BY p.year DESC, t.plan_id DESC, t.id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, qcity.Internal(err)
	}
	var tasks []Task
	for rows.Next() {
		var t Task
		if err := rows.Scan(&t.ID, &t.PlanID, &t.PlanName, &t.LabID, &t.LabName, &t.Region, &t.CategoryCode, &t.Quota, &t.Status); err != nil {
			rows.Close()
			return nil, 0, qcity.Internal(err)
		}
		tasks = append(tasks, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, qcity.Internal(err)
	}
	return tasks, total, s.fillTargets(ctx, tasks)
}

// fillTargets reads the targets of tasks.
func (s *Service) fillTargets(ctx context.Context, tasks []Task) error {
	for i := range tasks {
		tasks[i].Targets = []Target{}
		rows, err := s.DB.Query(ctx, `SELECT tt.seq, tt.entity_id, e.uscc, e.name, tt.officers FROM task_targets tt
			JOIN entities e ON e.id = tt.entity_id WHERE tt.task_id = ? ORDER BY tt.seq`, tasks[i].ID)
		if err != nil {
			return qcity.Internal(err)
		}
		for rows.Next() {
			var tg Target
			var off string
			if err := rows.Scan(&tg.Seq, &tg.EntityID, &tg.USCC, &tg.Name, &off); err != nil {
				rows.Close()
				return qcity.Internal(err)
			}
			json.Unmarshal([]byte(off), &tg.Officers)
			tasks[i].Targets = append(tasks[i].Targets, tg)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return qcity.Internal(err)
		}
	}
	return nil
}

// HistoryWeight is the default risk weight of random draws until credit risk classes
// (A–D) are kept: an entity weighs 1, plus 2 for each sample of its that failed in the
// three years before the plan's year, as producer or as sampled business, so that
// businesses with a record of failures are drawn more often (RULES.md §9: the
// higher-risk, the higher the inspection ratio).
func (s *Service) HistoryWeight(ctx context.Context, year int) (RiskWeight, error) {
	rows, err := s.DB.Query(ctx, `SELECT producer_id, seller_id FROM samples WHERE first_verdict = 'fail' AND year >= ? AND year < ?`,
		year-3, year)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	fails := map[int64]int{}
	for rows.Next() {
		var p, sel sql.NullInt64
		if err := rows.Scan(&p, &sel); err != nil {
			return nil, qcity.Internal(err)
		}
		if p.Valid {
			fails[p.Int64]++
		}
		if sel.Valid && sel.Int64 != p.Int64 {
			fails[sel.Int64]++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, qcity.Internal(err)
	}
	return func(id int64) float64 { return 1 + 2*float64(fails[id]) }, nil
}
