package sampling

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/limits"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/translog"
	"qcity/internal/uscc"
	"qcity/internal/workday"
)

// LimitLookup finds the catalogued limit of an analyte for a category in force on a
// date, for items that come without one.
type LimitLookup interface {
	LimitFor(ctx context.Context, analyte, category string, on qcity.Date) (id int64, text, unit, comparison string, ok bool, err error)
}

// Service runs sampling inspection.
type Service struct {
	DB           *db.DB
	Clock        qcity.Clock
	Registry     *registry.Service
	Jurisdiction *region.Jurisdiction
	Workflow     *Workflow
	Limits       LimitLookup // may be nil: items must then carry their limit
	Stats        *Cube
	Log          *translog.Log // the tamper-evident log announcements are appended to; nil: none
	// OnFailure hears of confirmed and overturned failures (certification's linked
	// supervision); nil: nobody.
	OnFailure FailureHook

	cats categories
}

// FailureHook is told, inside the transaction that records it, when a sample's
// failure is confirmed (its state becomes failed: reported failing, or confirmed after
// review) and when a re-test or objection overturns it.
type FailureHook interface {
	SampleFailed(ctx context.Context, tx *db.Tx, smp Sample, on qcity.Date) error
	SampleOverturned(ctx context.Context, tx *db.Tx, smp Sample, on qcity.Date) error
}

// notifyFailed calls the failure hook, with the sample's category path filled in.
func (s *Service) notifyFailed(ctx context.Context, tx *db.Tx, smp Sample, on qcity.Date) error {
	if s.OnFailure == nil || smp.State != StateFailed {
		return nil
	}
	if c, ok := s.cats.get(smp.Kind, smp.CategoryCode); ok {
		smp.CategoryName = c.Path
	}
	return s.OnFailure.SampleFailed(ctx, tx, smp, on)
}

// NewService returns a sampling service; call Load before use.
func NewService(d *db.DB, clock qcity.Clock, reg *registry.Service, j *region.Jurisdiction) *Service {
	return &Service{DB: d, Clock: clock, Registry: reg, Jurisdiction: j,
		Workflow: &Workflow{Cal: workday.Default()}, Stats: NewCube()}
}

// Load reads the categories (seeding them on first start) and builds the statistics.
func (s *Service) Load(ctx context.Context) error {
	if err := s.loadCategories(ctx); err != nil {
		return err
	}
	return s.Stats.Rebuild(ctx, s.DB)
}

func (s *Service) today() qcity.Date { return qcity.DateOf(s.Clock.Now()) }

// checked is a validated sample ready to store, with its parties and judged items.
type checked struct {
	Sample
	producer, seller registry.Party
	items            []Item
}

var sampleNoRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_\-]{0,39}$`)

var stageLabels = map[string]Stage{"生产": StageProduction, "生产环节": StageProduction, "流通": StageCirculation,
	"流通环节": StageCirculation, "餐饮": StageCatering, "餐饮环节": StageCatering, "网络销售": StageOnline, "网购": StageOnline,
	"种植": StagePlanting, "养殖": StagePlanting, "种植/养殖": StagePlanting, "种植养殖": StagePlanting}

var kindLabels = map[string]Kind{"食品": KindFood, "产品": KindProduct, "农产品": KindAgri}

var levelLabels = map[string]Level{"国家级": LevelNational, "国抽": LevelNational, "省级": LevelProvincial, "省抽": LevelProvincial,
	"市级": LevelCity, "市抽": LevelCity, "县级": LevelCounty, "县抽": LevelCounty, "区县级": LevelCounty}

func textField(errs *[]qcity.FieldError, field, v string, required bool, max int) string {
	return checkText(errs, field, v, required, max, false)
}

// measureField is textField for results and limits, which may hold < and > ("<0.005").
func measureField(errs *[]qcity.FieldError, field, v string, required bool, max int) string {
	return checkText(errs, field, v, required, max, true)
}

func checkText(errs *[]qcity.FieldError, field, v string, required bool, max int, angles bool) string {
	v = collapseSpaces(v)
	n := utf8.RuneCountInString(v)
	switch {
	case n == 0 && required:
		*errs = append(*errs, qcity.Field(field, "registry.required"))
	case n > max:
		*errs = append(*errs, qcity.Field(field, "registry.text_length", "max", max))
	default:
		for i, r := range v {
			if r < ' ' || (!angles && (r == '<' || r == '>')) || r == utf8.RuneError {
				*errs = append(*errs, qcity.Field(field, "registry.text_char", "char", strconv.QuoteRune(r), "pos", utf8.RuneCountInString(v[:i])+1))
				break
			}
		}
	}
	return v
}

// labRef is a lab resolved from the text a record gives (name, USCC, CMA number or id).
type labRef struct {
	ID   int64
	Name string
}

// labs resolves lab references with a per-call cache (imports name the same lab often).
type labs struct {
	s     *Service
	cache map[string]labRef
}

func (l *labs) find(ctx context.Context, text string) (labRef, bool, error) {
	text = strings.TrimSpace(text)
	if r, ok := l.cache[text]; ok {
		return r, r.ID != 0, nil
	}
	var r labRef
	id, _ := strconv.ParseInt(text, 10, 64)
	err := l.s.DB.QueryRow(ctx, `SELECT id, name FROM organisations WHERE kind = 'lab' AND (name = ? OR uscc = ? OR accreditation_no = ? OR id = ?)
		ORDER BY id LIMIT 1`, text, uscc.Normalize(text), text, id).Scan(&r.ID, &r.Name)
	if err != nil && !strings.Contains(err.Error(), "no rows") {
		return r, false, qcity.Internal(err)
	}
	if l.cache == nil {
		l.cache = map[string]labRef{}
	}
	l.cache[text] = r
	return r, r.ID != 0, nil
}

// check validates a sample input and judges its items. Field names of item errors are
// "items[i].field" (0-based i). It does not touch the database except to resolve the
// lab and catalogued limits.
func (s *Service) check(ctx context.Context, in SampleInput, lb *labs, today qcity.Date) (checked, []qcity.FieldError, error) {
	var errs []qcity.FieldError
	add := func(field, key string, args ...any) { errs = append(errs, qcity.Field(field, key, args...)) }
	a := qcity.ActorFrom(ctx)
	var c checked
	c.SampleNo = strings.TrimSpace(in.SampleNo)
	if c.SampleNo == "" {
		add("sample_no", "registry.required")
	} else if !sampleNoRE.MatchString(c.SampleNo) {
		add("sample_no", "sampling.sample_no_format")
	}
	kt := strings.TrimSpace(in.Kind)
	c.Kind = Kind(kt)
	if k, ok := kindLabels[kt]; ok {
		c.Kind = k
	}
	kindOK := validKind(c.Kind)
	if !kindOK {
		add("kind", "sampling.kind_unknown", "value", kt)
	}
	lt := strings.TrimSpace(in.Level)
	c.Level = Level(lt)
	if l, ok := levelLabels[lt]; ok {
		c.Level = l
	}
	levelOK := false
	for _, l := range Levels {
		levelOK = levelOK || c.Level == l
	}
	if !levelOK {
		add("level", "sampling.level_unknown", "value", lt)
	}
	if d, err := qcity.ParseDate(strings.TrimSpace(in.SampledOn)); err != nil {
		add("sampled_on", "registry.date_format", "value", in.SampledOn)
	} else if d.After(today) {
		add("sampled_on", "sampling.date_future", "today", today.String())
	} else if d.Year < 2000 {
		add("sampled_on", "sampling.date_too_early")
	} else {
		c.SampledOn = d
	}
	if y := strings.TrimSpace(in.Year.String()); y == "" {
		c.Year = c.SampledOn.Year
	} else if n, err := strconv.Atoi(y); err != nil || n < 2000 || n > 2100 {
		add("year", "sampling.year_range")
	} else {
		c.Year = n
		if !c.SampledOn.IsZero() && (n < c.SampledOn.Year-1 || n > c.SampledOn.Year) {
			add("year", "sampling.year_mismatch", "year", n, "sampled", c.SampledOn.String())
		}
	}
	if kindOK {
		if cat, err := s.cats.resolve(c.Kind, in.Category); err != nil {
			qe := qcity.AsError(err)
			errs = append(errs, qcity.FieldError{Field: "category", Key: qe.Key, Args: qe.Args})
		} else {
			c.CategoryCode, c.Category1, c.CategoryName = cat.Code, top(cat.Code), cat.Path
		}
	}
	c.ProductName = textField(&errs, "product_name", in.ProductName, true, 100)
	c.Brand = textField(&errs, "brand", in.Brand, false, 100)
	c.Specification = textField(&errs, "specification", in.Specification, false, 100)
	c.Batch = textField(&errs, "batch", in.Batch, false, 100)
	party := func(codeField, nameField, code, name string) registry.Party {
		p := registry.Party{USCC: uscc.Normalize(code), Name: textField(&errs, nameField, name, false, 100)}
		if p.USCC == "" {
			if p.Name != "" {
				add(codeField, "registry.required")
			}
			return p
		}
		if err := uscc.Validate(p.USCC); err != nil {
			qe := qcity.AsError(err)
			errs = append(errs, qcity.FieldError{Field: codeField, Key: qe.Key, Args: qe.Args})
		}
		return p
	}
	c.producer = party("producer_uscc", "producer_name", in.ProducerUSCC, in.ProducerName)
	c.seller = party("seller_uscc", "seller_name", in.SellerUSCC, in.SellerName)
	if c.producer.USCC == "" && c.seller.USCC == "" {
		add("seller_uscc", "sampling.party_required")
	}
	c.ProducerUSCC, c.ProducerName, c.SellerUSCC, c.SellerName = c.producer.USCC, c.producer.Name, c.seller.USCC, c.seller.Name
	c.Region = strings.TrimSpace(in.Region)
	if _, ok := s.Jurisdiction.County(c.Region); !ok && c.Region != s.Jurisdiction.Prefecture.Code {
		add("region_code", "region.not_in_jurisdiction", "code", c.Region)
	} else if !a.CoversRegion(c.Region) && a.IsOfficial() {
		add("region_code", "auth.forbidden_region")
	}
	st := strings.TrimSpace(in.Stage)
	c.Stage = Stage(st)
	if v, ok := stageLabels[st]; ok {
		c.Stage = v
	}
	stageOK := false
	for _, x := range Stages {
		stageOK = stageOK || c.Stage == x
	}
	if !stageOK {
		add("stage", "sampling.stage_unknown", "value", st)
	}
	c.Samplers = []string{}
	for _, n := range in.Samplers {
		if n = strings.TrimSpace(n); n != "" {
			c.Samplers = append(c.Samplers, n)
		}
	}
	if len(c.Samplers) == 1 {
		add("samplers", "sampling.two_samplers") // Order 15 Art. 12, Order 18 Art. 15: at least two
	}
	// The lab: a lab account always reports as itself.
	labText := strings.TrimSpace(in.Lab)
	if a.Role == qcity.RoleLab {
		c.LabID = a.OrgID
		if labText != "" {
			r, ok, err := lb.find(ctx, labText)
			if err != nil {
				return c, nil, err
			}
			if !ok || r.ID != a.OrgID {
				add("lab", "sampling.lab_not_you", "lab", labText)
			}
		}
	} else if labText == "" {
		add("lab", "registry.required")
	} else if r, ok, err := lb.find(ctx, labText); err != nil {
		return c, nil, err
	} else if !ok {
		add("lab", "sampling.lab_unknown", "lab", labText)
	} else {
		c.LabID, c.LabName = r.ID, r.Name
	}
	if len(in.Items) > 500 {
		add("items", "sampling.too_many_items", "max", 500)
		return c, errs, nil
	}
	c.items, errs = s.judgeItems(ctx, in.Items, c.CategoryName, c.SampledOn, 1, errs)
	return c, errs, nil
}

// judgeItems validates and judges test items, appending field errors named
// items[i].field.
func (s *Service) judgeItems(ctx context.Context, in []ItemInput, category string, on qcity.Date, round int, errs []qcity.FieldError) ([]Item, []qcity.FieldError) {
	out := make([]Item, 0, len(in))
	seen := map[string]int{}
	for i, it := range in {
		f := func(name string) string { return "items[" + strconv.Itoa(i) + "]." + name }
		var ierrs []qcity.FieldError
		item := Item{Round: round, Seq: i + 1}
		item.Item = textField(&ierrs, f("item"), it.Item, true, 100)
		item.Result = measureField(&ierrs, f("result"), it.Result, true, 200)
		item.Unit = textField(&ierrs, f("unit"), it.Unit, false, 30)
		item.Limit = measureField(&ierrs, f("limit"), it.Limit, false, 200)
		item.Standard = textField(&ierrs, f("standard"), it.Standard, false, 200)
		item.LabVerdict = strings.TrimSpace(it.LabVerdict)
		item.Comparison = strings.TrimSpace(it.Comparison)
		if prev, dup := seen[item.Item]; dup && item.Item != "" {
			ierrs = append(ierrs, qcity.Field(f("item"), "sampling.item_duplicate", "item", item.Item, "first", prev+1))
		}
		seen[item.Item] = i
		if item.Limit == "" && item.Item != "" && s.Limits != nil {
			id, text, unit, cmp, ok, err := s.Limits.LimitFor(ctx, item.Item, category, on)
			if err != nil {
				ierrs = append(ierrs, qcity.FieldError{Field: f("limit"), Key: qcity.AsError(err).Key})
			} else if ok {
				item.LimitID, item.Limit = id, text
				if item.Unit == "" {
					item.Unit = unit
				}
				if item.Comparison == "" {
					item.Comparison = cmp
				}
			}
		}
		if item.Limit == "" && item.Item != "" {
			ierrs = append(ierrs, qcity.Field(f("limit"), "sampling.limit_missing", "item", item.Item))
		}
		if len(ierrs) == 0 {
			j, err := limits.JudgeItem(item.Result, item.Unit, item.Limit, item.Comparison, item.LabVerdict)
			if err != nil {
				// The judge names the input at fault (result, unit, limit, comparison,
				// lab_verdict); an error it does not place is about the result.
				qe := qcity.AsError(err)
				field := f("result")
				if len(qe.Fields) > 0 && qe.Fields[0].Field != "" {
					field = f(qe.Fields[0].Field)
				}
				ierrs = append(ierrs, qcity.FieldError{Field: field, Key: qe.Key, Args: qe.Args})
			} else {
				item.Verdict = VerdictPass
				if j.Verdict == limits.Fail {
					item.Verdict = VerdictFail
				}
				item.ReasonKey, item.ReasonArgs = j.Key, j.Args
				item.Disagrees, item.Micro = j.Disagrees, j.Microbiological || isPathogen(item.Item)
				if item.Comparison == "" {
					item.Comparison = "full"
				}
				if j.HasLabVerdict {
					item.LabVerdict = VerdictPass
					if j.LabVerdict == limits.Fail {
						item.LabVerdict = VerdictFail
					}
				}
			}
		}
		errs = append(errs, ierrs...)
		out = append(out, item)
	}
	return out, errs
}

// verdictOf sums up judged items: the sample fails when any item fails.
func verdictOf(items []Item) (verdict string, disagreements int, micro bool) {
	if len(items) == 0 {
		return "", 0, false
	}
	verdict = VerdictPass
	for _, it := range items {
		if it.Verdict == VerdictFail {
			verdict = VerdictFail
			micro = micro || it.Micro
		}
		if it.Disagrees {
			disagreements++
		}
	}
	return verdict, disagreements, micro
}

func marshalJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// pathogens are the microbiological test items judged qualitatively (阴性, 不得检出)
// that the judge cannot recognise by their limit or unit. A failure in any of them is
// microbiological: no re-test (Order 15 Art. 33).
var pathogens = []string{"沙门氏菌", "金黄色葡萄球菌", "李斯特", "大肠埃希氏菌", "O157", "副溶血性弧菌", "蜡样芽胞杆菌",
	"志贺氏菌", "克罗诺杆菌", "阪崎", "肉毒", "菌落总数", "大肠菌群", "霉菌", "酵母", "商业无菌", "致病菌", "诺如病毒",
	"铜绿假单胞菌", "螨", "溶血性链球菌", "产气荚膜梭菌"}

func isPathogen(item string) bool {
	for _, p := range pathogens {
		if strings.Contains(item, p) {
			return true
		}
	}
	return false
}

// collapseSpaces trims v and folds runs of white space to one space, without
// allocating when v is already clean (the usual case, a million times per import).
func collapseSpaces(v string) string {
	prevSpace := true // a leading space is not clean
	for i := 0; i < len(v); {
		c := v[i]
		var sp bool
		size := 1
		if c < utf8.RuneSelf {
			sp = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
			if sp && c != ' ' {
				return strings.Join(strings.Fields(v), " ")
			}
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(v[i:])
			if unicode.IsSpace(r) {
				return strings.Join(strings.Fields(v), " ")
			}
		}
		if sp && prevSpace {
			return strings.Join(strings.Fields(v), " ")
		}
		prevSpace = sp
		i += size
	}
	if prevSpace && v != "" {
		return strings.Join(strings.Fields(v), " ")
	}
	return v
}
