package demo

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"qcity"
	"qcity/internal/limits"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/sampling"
	"qcity/internal/uscc"
	"qcity/internal/workday"
)

//go:embed data/failures_from_announcements.csv
var failuresCSV []byte

// party is a sampled unit or nominal producer.
type party struct {
	USCC, Name, Brand string
	Region            string
}

// entityPool is a set of active entities, in establishment order, by county.
type entityPool struct {
	all      []int32
	byCounty map[string][]int32
}

// samplingGen holds the state of one GenerateSampling call.
type samplingGen struct {
	r          *rand.Rand
	city       *City
	st         *staticTables
	names      *generator // for the deny list of brands
	cal        *workday.Calendar
	byClass    map[string][]int32
	pools      map[string]*entityPool
	counties   []string
	countyPick weighted[string]
	labs       sampleLabs
	outside    map[string][]party
	brands     map[string]string
	brandTaken map[string]bool
	staff      map[string][]string
	catPicks   map[string]*weighted[*catDef]
	failPicks  map[string]*weighted[failRef]
	workdays   map[int][]qcity.Date
}

// failRef is a failure pair resolved to its category and item.
type failRef struct {
	cat  *catDef
	item *itemSpec
}

// catalogueData is the catalogue resolved once per process: categories by kind and
// key, failure pairs with their items, and the published failing values by item.
type catalogueData struct {
	cats      map[sampling.Kind][]*catDef
	byKey     map[sampling.Kind]map[string]*catDef
	fails     map[sampling.Kind][]failRef
	weights   map[sampling.Kind][]uint64
	published map[*itemSpec][]publishedValue
}

// publishedValue is a failing value from an announcement.
type publishedValue struct {
	Food, Result string
}

var loadCatalogue = sync.OnceValues(func() (*catalogueData, error) {
	d := &catalogueData{cats: map[sampling.Kind][]*catDef{}, byKey: map[sampling.Kind]map[string]*catDef{},
		fails: map[sampling.Kind][]failRef{}, weights: map[sampling.Kind][]uint64{}, published: map[*itemSpec][]publishedValue{}}
	rows, err := readFailures()
	if err != nil {
		return nil, err
	}
	for _, k := range sampling.Kinds {
		d.byKey[k] = map[string]*catDef{}
		list := catalogue(k)
		for i := range list {
			c := &list[i]
			if _, dup := d.byKey[k][c.Key]; dup {
				return nil, fmt.Errorf("category %s listed twice", c.Key)
			}
			if len(c.Products) == 0 || len(c.Items) == 0 || c.Must < 1 || c.Must > len(c.Items) {
				return nil, fmt.Errorf("category %s: no products, no items or a bad Must", c.Key)
			}
			seen := map[string]bool{}
			for _, it := range c.Items {
				if seen[it.Name] {
					return nil, fmt.Errorf("category %s: item %s twice", c.Key, it.Name)
				}
				seen[it.Name] = true
				if _, ok := d.published[it]; !ok {
					d.published[it] = publishedFor(it, rows)
				}
			}
			for _, p := range c.Products {
				for _, it := range p.Items {
					if !seen[it.Name] {
						return nil, fmt.Errorf("category %s: product item %s not in the panel", c.Key, it.Name)
					}
					if _, ok := d.published[it]; !ok {
						d.published[it] = publishedFor(it, rows)
					}
				}
			}
			d.byKey[k][c.Key] = c
			d.cats[k] = append(d.cats[k], c)
		}
		for _, f := range failsOf(k) {
			c := d.byKey[k][f.Cat]
			if c == nil {
				return nil, fmt.Errorf("failure pair: no %s category %s", k, f.Cat)
			}
			var it *itemSpec
			for _, x := range c.Items {
				if x.Name == f.Item {
					it = x
				}
			}
			if it == nil {
				return nil, fmt.Errorf("failure pair: no item %s in %s", f.Item, f.Cat)
			}
			d.fails[k] = append(d.fails[k], failRef{c, it})
			d.weights[k] = append(d.weights[k], f.Weight)
		}
	}
	return d, nil
})

// readFailures reads the failing values published in announcements, by the base name
// of the analyte (恩诺沙星 for 恩诺沙星(以恩诺沙星与环丙沙星之和计)).
func readFailures() (map[string][]publishedRow, error) {
	out := map[string][]publishedRow{}
	err := readCSV(failuresCSV, "year,food_category,food_cn,analyte_cn,result,unit,limit,standard,stage,source", func(rec []string) error {
		if rec[4] == "" || rec[5] == "" {
			return nil
		}
		b := baseName(rec[3])
		out[b] = append(out[b], publishedRow{Food: rec[2], Result: rec[4], Unit: rec[5]})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("failures_from_announcements.csv: %w", err)
	}
	return out, nil
}

type publishedRow struct {
	Food, Result, Unit string
}

// baseName is an analyte's name without its parenthesised qualifier.
func baseName(s string) string {
	if i := strings.IndexAny(s, "(（"); i > 0 {
		return s[:i]
	}
	return s
}

// publishedFor returns the published values of it's analyte, in it's unit, that fail
// it's limit.
func publishedFor(it *itemSpec, rows map[string][]publishedRow) []publishedValue {
	if it.Kind != lkMax && it.Kind != lkND {
		return nil
	}
	var out []publishedValue
	for _, row := range rows[baseName(it.Name)] {
		if row.Unit != it.Unit {
			continue
		}
		j, err := limits.JudgeItem(row.Result, it.Unit, it.Limit, "", "")
		if err == nil && j.Verdict == limits.Fail {
			out = append(out, publishedValue{Food: row.Food, Result: row.Result})
		}
	}
	return out
}

// sampleLabs are the city's valid labs by what they test.
type sampleLabs struct {
	food, appliance, any                          []string
	cityFood, cityAgri, cityAqua, product, fibres string
	stations                                      map[string]string // county → farm-produce station
}

func newSamplingGen(seed uint64, city *City) (*samplingGen, error) {
	st, err := loadStatic()
	if err != nil {
		return nil, qcity.Internal(err)
	}
	if _, err := loadCatalogue(); err != nil {
		return nil, qcity.Internal(err)
	}
	g := &samplingGen{r: rand.New(rand.NewPCG(seed, 0x5A4D_504C_494E_4721)), city: city, st: st, names: &generator{s: st},
		cal: workday.Default(), byClass: map[string][]int32{}, pools: map[string]*entityPool{}, outside: map[string][]party{},
		brands: map[string]string{}, brandTaken: map[string]bool{}, staff: map[string][]string{}, catPicks: map[string]*weighted[*catDef]{},
		failPicks: map[string]*weighted[failRef]{}, workdays: map[int][]qcity.Date{}}
	perCounty := map[string]uint64{}
	for i := range city.Entities {
		e := &city.Entities[i]
		if e.Status != registry.StatusActive || e.Region == "" {
			continue
		}
		g.byClass[e.Industry] = append(g.byClass[e.Industry], int32(i))
		perCounty[e.Region]++
	}
	g.counties = sortedKeys(perCounty)
	for _, c := range g.counties {
		g.countyPick.add(c, perCounty[c])
	}
	if g.countyPick.len() == 0 {
		return nil, qcity.Internal(errors.New("demo: the city has no active entities to sample"))
	}
	if err := g.findLabs(); err != nil {
		return nil, err
	}
	g.makeOutsideProducers()
	return g, nil
}

func (g *samplingGen) findLabs() error {
	l := &g.labs
	l.stations = map[string]string{}
	for _, o := range g.city.Organisations {
		if o.Kind != registry.OrgLab || o.Status != registry.OrgValid {
			continue
		}
		l.any = append(l.any, o.Name)
		switch {
		case strings.HasSuffix(o.Name, "食品药品检验所"):
			l.cityFood = o.Name
		case strings.HasSuffix(o.Name, "农产品质量安全检测中心"):
			l.cityAgri = o.Name
		case strings.HasSuffix(o.Name, "水产品质量检验检测中心"):
			l.cityAqua = o.Name
		case strings.HasSuffix(o.Name, "产品质量监督检验所"):
			l.product = o.Name
		case strings.HasSuffix(o.Name, "纤维检验所"):
			l.fibres = o.Name
		case strings.HasSuffix(o.Name, "农产品质量安全检验检测站"):
			l.stations[o.Region] = o.Name
		case strings.HasPrefix(o.Scope, "食品；"):
			l.food = append(l.food, o.Name)
		case strings.HasPrefix(o.Scope, "家用和类似用途电器安全"):
			l.appliance = append(l.appliance, o.Name)
		}
	}
	if len(l.any) == 0 {
		return qcity.Internal(errors.New("demo: the city has no valid lab to test samples"))
	}
	// Missing kinds of lab fall back to others.
	first := func(names ...string) string {
		for _, n := range names {
			if n != "" {
				return n
			}
		}
		return l.any[0]
	}
	if len(l.food) == 0 {
		l.food = []string{first(l.cityFood, l.cityAgri)}
	}
	if len(l.appliance) == 0 {
		l.appliance = []string{first(l.product)}
	}
	l.cityFood = first(l.cityFood, l.food[0])
	l.cityAgri = first(l.cityAgri, l.cityFood)
	l.cityAqua = first(l.cityAqua, l.cityAgri)
	l.product = first(l.product, l.appliance[0])
	l.fibres = first(l.fibres, l.product)
	return nil
}

// outsideHomes are where the few nominal producers from outside the city are
// registered, by trade: 江门 and 佛山 for condiments, 仁怀 for liquor, 海口 for coconut
// drinks, 台山 for rice, 顺德 and 中山 for appliances, 晋江 for shoes …
var outsideHomes = map[string][]string{
	"调味品": {"440705", "440604"}, "食品": {"441900", "350582"}, "饮料": {"460106", "440113"}, "酒业": {"520382", "440604"},
	"乳业": {"150105"}, "粮油": {"440113"}, "米业": {"440781"}, "茶业": {"350725"}, "冷冻食品": {"410102"}, "肉类": {"441900"},
	"水产": {"440902"}, "糖业": {"450102"}, "盐业": {"440106"}, "蜂业": {"430102"}, "生物科技": {"440106"}, "食品科技": {"440106"},
	"电器": {"440606", "442000"}, "电线电缆": {"441900"}, "照明": {"442000"}, "鞋业": {"350582"}, "服装": {"440106"},
	"化肥": {"450102"}, "饲料": {"440605"}, "建材": {"441202"}, "钢铁": {"441302"}, "陶瓷": {"440604"}, "塑料制品": {"441900"},
	"家具": {"440606"}, "医疗用品": {"441900"}, "日化": {"440106"}, "电动车": {"440705"}, "燃气具": {"442000"},
}

// outsideTrades are the 行业表述 of their names.
var outsideTrades = map[string]string{"调味品": "调味食品", "冷冻食品": "冷冻食品", "肉类": "肉类食品", "水产": "水产食品",
	"服装": "服饰", "化肥": "肥业", "建材": "水泥", "电动车": "车业", "照明": "照明电器"}

func (g *samplingGen) makeOutsideProducers() {
	regions := region.Default()
	taken := map[string]bool{}
	for _, word := range sortedKeys(outsideHomes) {
		trade := outsideTrades[word]
		if trade == "" {
			trade = word
		}
		for _, code := range outsideHomes[word] {
			prefix := ""
			for _, d := range regions.Path(code) {
				if d.Level == region.LevelPrefecture {
					prefix = d.Name
				}
			}
			if prefix == "" {
				continue
			}
			form := "有限公司"
			if g.r.IntN(100) < 15 {
				form = "股份有限公司"
			}
			for try := 0; try < 50; try++ {
				brand := g.brandChars(try)
				name := prefix + brand + trade + form
				if taken[name] || g.names.denied([]byte(name)) {
					continue
				}
				taken[name] = true
				g.outside[word] = append(g.outside[word], party{USCC: uscc.Generate(g.r, '9', '1', code), Name: name, Brand: brand, Region: code})
				break
			}
		}
	}
}

// brandChars draws a 字号 of two characters (three after collisions), as Generate does.
func (g *samplingGen) brandChars(try int) string {
	d := g.st.d
	for {
		a, b := d.brandFirst.pick(g.r), d.brandSecond.pick(g.r)
		if a == b {
			continue
		}
		if try >= 5 {
			return a + b + d.brandSecond.pick(g.r)
		}
		return a + b
	}
}

// brandOf returns the brand (商标) of a local maker, drawn on first use.
func (g *samplingGen) brandOf(code string) string {
	if b, ok := g.brands[code]; ok {
		return b
	}
	for try := 0; ; try++ {
		b := g.brandChars(try)
		if !g.brandTaken[b] && !g.names.denied([]byte(b)) {
			g.brandTaken[b] = true
			g.brands[code] = b
			return b
		}
	}
}

// pool returns the active entities of a pool of pools or of a list of classes.
func (g *samplingGen) pool(classes []string) *entityPool {
	key := strings.Join(classes, ",")
	if p, ok := g.pools[key]; ok {
		return p
	}
	p := &entityPool{byCounty: map[string][]int32{}}
	for _, c := range classes {
		p.all = append(p.all, g.byClass[c]...)
	}
	es := g.city.Entities
	slices.SortFunc(p.all, func(a, b int32) int {
		if c := dayNumber(es[a].EstablishedOn) - dayNumber(es[b].EstablishedOn); c != 0 {
			return int(c)
		}
		return int(a - b)
	})
	for _, i := range p.all {
		p.byCounty[es[i].Region] = append(p.byCounty[es[i].Region], i)
	}
	g.pools[key] = p
	return p
}

// pickFrom draws an entity of list established before d.
func (g *samplingGen) pickFrom(list []int32, d qcity.Date) (int32, bool) {
	es := g.city.Entities
	n := sort.Search(len(list), func(i int) bool { return !es[list[i]].EstablishedOn.Before(d) })
	if n == 0 {
		return 0, false
	}
	return list[g.r.IntN(n)], true
}

// entityParty draws an entity of classes established before d: in a county drawn by
// the spread of entities when inCounty, else anywhere.
func (g *samplingGen) entityParty(classes []string, d qcity.Date, inCounty bool) (party, bool) {
	p := g.pool(classes)
	if inCounty {
		if i, ok := g.pickFrom(p.byCounty[g.countyPick.pick(g.r)], d); ok {
			return g.partyOf(i), true
		}
	}
	if i, ok := g.pickFrom(p.all, d); ok {
		return g.partyOf(i), true
	}
	return party{}, false
}

func (g *samplingGen) partyOf(i int32) party {
	e := &g.city.Entities[i]
	return party{USCC: e.USCC, Name: e.Name, Region: e.Region}
}

// anyActive is the last resort for a tiny city: any active entity established before d.
func (g *samplingGen) anyActive(d qcity.Date) (party, error) {
	for i := range g.city.Entities {
		e := &g.city.Entities[i]
		if e.Status == registry.StatusActive && e.Region != "" && e.EstablishedOn.Before(d) {
			return g.partyOf(int32(i)), nil
		}
	}
	return party{}, qcity.Internal(fmt.Errorf("demo: no entity established before %s to sample", d))
}

// person draws a name as the city generator does.
func (g *samplingGen) person() string {
	d := g.st.d
	return d.surnames.pick(g.r) + d.givenNames[g.r.IntN(len(d.givenNames))]
}

// samplers returns two different samplers of a team: a county's market supervision
// (or, for agricultural monitoring, agriculture) bureau, or a lab for national and
// provincial sampling.
func (g *samplingGen) samplers(team string) []string {
	list := g.staff[team]
	if list == nil {
		seen := map[string]bool{}
		for len(list) < 12 {
			if n := g.person(); !seen[n] {
				seen[n] = true
				list = append(list, n)
			}
		}
		g.staff[team] = list
	}
	a := g.r.IntN(len(list))
	b := (a + 1 + g.r.IntN(len(list)-1)) % len(list)
	return []string{list[a], list[b]}
}

// Month weights of sampling: food sampling slows at the Spring Festival (and stopped
// in February 2020), product sampling runs from spring to autumn, agricultural
// monitoring comes in quarterly rounds.
var monthWeights = map[sampling.Kind][12]uint64{
	sampling.KindFood:    {7, 4, 9, 9, 9, 9, 8, 9, 10, 8, 9, 9},
	sampling.KindProduct: {3, 2, 6, 9, 10, 10, 10, 10, 10, 9, 9, 6},
	sampling.KindAgri:    {4, 4, 12, 10, 6, 12, 8, 6, 12, 8, 12, 6},
}

var monthWeights2020 = map[sampling.Kind][12]uint64{
	sampling.KindFood:    {8, 1, 5, 9, 10, 10, 9, 10, 10, 9, 10, 9},
	sampling.KindProduct: {3, 1, 5, 9, 10, 10, 10, 10, 10, 9, 9, 6},
	sampling.KindAgri:    {4, 1, 8, 12, 6, 12, 8, 6, 12, 8, 12, 6},
}

// date draws a working day of year for kind, in the months of mask (0: any).
func (g *samplingGen) date(k sampling.Kind, year int, mask uint16) qcity.Date {
	w := monthWeights[k]
	if year == 2020 {
		w = monthWeights2020[k]
	}
	var months weighted[int]
	for m := 1; m <= 12; m++ {
		if mask == 0 || mask&(1<<(m-1)) != 0 {
			months.add(m, max(w[m-1], 1))
		}
	}
	m := months.pick(g.r)
	key := year*100 + m
	days := g.workdays[key]
	if days == nil {
		for d := qcity.NewDate(year, time.Month(m), 1); d.Month == time.Month(m); d = d.AddDays(1) {
			if g.cal.IsWorkingDay(d) {
				days = append(days, d)
			}
		}
		g.workdays[key] = days
	}
	return days[g.r.IntN(len(days))]
}

// draft is a sample before numbering.
type draft struct {
	in    sampling.SampleInput
	date  qcity.Date
	order int
	code  string // GC, SC, DC, CP, NC
}

func numberPrefix(k sampling.Kind, lv sampling.Level) string {
	switch k {
	case sampling.KindProduct:
		return "CP"
	case sampling.KindAgri:
		return "NC"
	}
	switch lv {
	case sampling.LevelNational:
		return "GC"
	case sampling.LevelProvincial:
		return "SC"
	}
	return "DC"
}

func (g *samplingGen) generate(scale float64) ([]sampling.SampleInput, error) {
	var drafts []draft
	for _, f := range samplingFigures {
		n := scaled(f.Judged, scale)
		fails := scaled(f.Judged-f.Passed, scale)
		extra := 0
		for _, o := range overturns {
			if o.Kind == f.Kind && o.Year == f.Year && o.Level == f.Level {
				extra++
			}
		}
		fails = min(fails+extra, n)
		fail := make([]uint8, n) // 1 fails, 2 fails on a non-microbiological item
		for i, p := range g.r.Perm(n)[:fails] {
			fail[p] = 1
			if i < extra {
				fail[p] = 2
			}
		}
		for i := range n {
			d, err := g.sample(f.Kind, f.Year, f.Level, fail[i] > 0, fail[i] == 2)
			if err != nil {
				return nil, err
			}
			d.order = len(drafts)
			drafts = append(drafts, d)
		}
	}
	slices.SortStableFunc(drafts, func(a, b draft) int {
		if c := dayNumber(a.date) - dayNumber(b.date); c != 0 {
			return int(c)
		}
		return a.order - b.order
	})
	seq := map[string]int{}
	out := make([]sampling.SampleInput, len(drafts))
	for i := range drafts {
		d := &drafts[i]
		key := d.code + strconv.Itoa(d.date.Year%100) + d.in.Region
		seq[key]++
		d.in.SampleNo = fmt.Sprintf("%s%02d%s%06d", d.code, d.date.Year%100, d.in.Region, seq[key])
		out[i] = d.in
	}
	return out, nil
}

// Stage weights by level (food): national and provincial sampling lean to
// production and circulation, county sampling to markets and catering.
var foodStages = map[sampling.Level][]struct {
	Stage  sampling.Stage
	Weight uint64
}{
	sampling.LevelNational:   {{sampling.StageProduction, 30}, {sampling.StageCirculation, 62}, {sampling.StageCatering, 3}, {sampling.StageOnline, 5}},
	sampling.LevelProvincial: {{sampling.StageProduction, 20}, {sampling.StageCirculation, 55}, {sampling.StageCatering, 20}, {sampling.StageOnline, 5}},
	sampling.LevelCity:       {{sampling.StageProduction, 15}, {sampling.StageCirculation, 55}, {sampling.StageCatering, 28}, {sampling.StageOnline, 2}},
	sampling.LevelCounty:     {{sampling.StageProduction, 8}, {sampling.StageCirculation, 57}, {sampling.StageCatering, 34}, {sampling.StageOnline, 1}},
}

// stage draws the stage of a sample of category cat (nil: any) at level lv.
func (g *samplingGen) stage(k sampling.Kind, lv sampling.Level, cat *catDef) sampling.Stage {
	switch k {
	case sampling.KindAgri:
		return sampling.StagePlanting
	case sampling.KindProduct:
		if g.r.IntN(100) < 60 {
			return sampling.StageProduction
		}
		return sampling.StageCirculation
	}
	switch {
	case cat == nil:
	case cat.Catering:
		return sampling.StageCatering
	case cat.Fresh:
		if g.r.IntN(100) < 85 {
			return sampling.StageCirculation
		}
		return sampling.StageCatering
	}
	var w weighted[sampling.Stage]
	for _, s := range foodStages[lv] {
		if cat == nil || s.Stage != sampling.StageCatering {
			w.add(s.Stage, s.Weight)
		}
	}
	return w.pick(g.r)
}

// category draws the category of a passing sample at a stage.
func (g *samplingGen) category(k sampling.Kind, year int, st sampling.Stage) *catDef {
	cd, _ := loadCatalogue()
	group := "all"
	switch {
	case k != sampling.KindFood:
	case st == sampling.StageCatering:
		group = "catering"
		if g.r.IntN(100) < 15 {
			group = "fresh"
		}
	case st == sampling.StageProduction || st == sampling.StageOnline:
		group = "packaged"
	case st == sampling.StageCirculation:
		group = "circulation"
	}
	key := string(k) + "/" + strconv.Itoa(year) + "/" + group
	w := g.catPicks[key]
	if w == nil {
		w = &weighted[*catDef]{}
		for _, c := range cd.cats[k] {
			if c.From > year {
				continue
			}
			ok := true
			switch group {
			case "catering":
				ok = c.Catering
			case "fresh":
				ok = c.Fresh
			case "packaged":
				ok = !c.Fresh && !c.Catering
			case "circulation":
				ok = !c.Catering
			}
			if ok {
				w.add(c, c.Weight)
			}
		}
		g.catPicks[key] = w
	}
	return w.pick(g.r)
}

// failure draws the (category, item) a failing sample fails on.
func (g *samplingGen) failure(k sampling.Kind, year int, nonMicro bool) failRef {
	cd, _ := loadCatalogue()
	key := string(k) + "/" + strconv.Itoa(year) + "/" + strconv.FormatBool(nonMicro)
	w := g.failPicks[key]
	if w == nil {
		w = &weighted[failRef]{}
		for i, f := range cd.fails[k] {
			if f.cat.From <= year && (!nonMicro || !f.item.Micro) {
				w.add(f, cd.weights[k][i])
			}
		}
		g.failPicks[key] = w
	}
	return w.pick(g.r)
}

func (g *samplingGen) sample(k sampling.Kind, year int, lv sampling.Level, fail, nonMicro bool) (draft, error) {
	var cat *catDef
	var failing *itemSpec
	var st sampling.Stage
	if fail {
		f := g.failure(k, year, nonMicro)
		cat, failing = f.cat, f.item
		st = g.stage(k, lv, cat)
	} else {
		st = g.stage(k, lv, nil)
		cat = g.category(k, year, st)
	}
	date := g.date(k, year, cat.Months)
	prod := &cat.Products[g.r.IntN(len(cat.Products))]

	var producer, seller party
	var ok bool
	if st == sampling.StageProduction {
		if producer, ok = g.entityParty(cat.Makers, date, false); ok {
			producer.Brand = g.brandOf(producer.USCC)
			seller = producer
		} else {
			st = sampling.StageCirculation // no maker of this in the city yet
		}
	}
	switch st {
	case sampling.StagePlanting:
		producer, ok = g.entityParty(pools[cat.Farm], date, true)
		seller = producer
	case sampling.StageCirculation, sampling.StageOnline, sampling.StageCatering:
		role := cat.Sellers
		switch {
		case st == sampling.StageOnline:
			role = "online"
		case st == sampling.StageCatering && strings.HasSuffix(cat.Key, "自制饮品"):
			role = "drinks_shop"
		case st == sampling.StageCatering:
			role = "catering"
		}
		seller, ok = g.entityParty(pools[role], date, true)
		if !cat.Fresh && !cat.Catering && st != sampling.StageCatering {
			producer = g.producer(cat, date)
		}
	}
	if !ok {
		var err error
		if seller, err = g.anyActive(date); err != nil {
			return draft{}, err
		}
		if st == sampling.StagePlanting || st == sampling.StageProduction {
			producer = seller
		}
	}

	in := sampling.SampleInput{Kind: string(k), Level: string(lv), Year: jsonYear(year), Category: cat.Path,
		ProductName: prod.Name, Specification: prod.Spec, Brand: producer.Brand, ProducerUSCC: producer.USCC,
		ProducerName: producer.Name, SellerUSCC: seller.USCC, SellerName: seller.Name, Region: seller.Region,
		Stage: string(st), SampledOn: date.String()}
	switch {
	case cat.Catering || st == sampling.StageCatering:
		in.Batch = date.String() // 加工日期
	case cat.Fresh:
		in.Batch = date.AddDays(-g.r.IntN(2)).String() // 购进日期
	case k == sampling.KindProduct:
		in.Batch = date.AddDays(-10 - g.r.IntN(300)).String()
	default:
		in.Batch = date.AddDays(-3 - g.r.IntN(150)).String()
	}
	lab, team := g.lab(k, cat, lv, in.Region)
	in.Lab = lab
	in.Samplers = g.samplers(team)
	in.Items = g.items(cat, prod, failing, date)
	return draft{in: in, date: date, code: numberPrefix(k, lv)}, nil
}

func jsonYear(y int) json.Number { return json.Number(strconv.Itoa(y)) }

// producer returns the nominal producer of a packaged product sold in the city: a maker
// of the city two times in three where there is one, else a producer from elsewhere.
func (g *samplingGen) producer(cat *catDef, d qcity.Date) party {
	if len(cat.Makers) > 0 && g.r.IntN(3) > 0 {
		if p, ok := g.entityParty(cat.Makers, d, false); ok {
			p.Brand = g.brandOf(p.USCC)
			return p
		}
	}
	list := g.outside[cat.Word]
	if len(list) == 0 {
		list = g.outside["食品"]
	}
	return list[g.r.IntN(len(list))]
}

// lab chooses the testing lab and the team that took the sample.
func (g *samplingGen) lab(k sampling.Kind, cat *catDef, lv sampling.Level, county string) (lab, team string) {
	l := &g.labs
	pickOf := func(list []string) string { return list[g.r.IntN(len(list))] }
	high := lv == sampling.LevelNational || lv == sampling.LevelProvincial
	aquatic := strings.Contains(cat.Path, "水产")
	x := g.r.IntN(100)
	switch k {
	case sampling.KindAgri:
		team = "agri/" + county
		switch {
		case high:
			lab = pickOf(l.food)
		case lv == sampling.LevelCounty && x < 75 && l.stations[county] != "":
			lab = l.stations[county]
		case aquatic && x < 60:
			lab = l.cityAqua
		default:
			lab = l.cityAgri
		}
	case sampling.KindProduct:
		team = "samr/" + county
		switch {
		case strings.HasPrefix(cat.Path, "家用电器") || strings.HasPrefix(cat.Path, "电线电缆") || strings.HasPrefix(cat.Path, "燃气器具"):
			if x < 65 {
				lab = pickOf(l.appliance)
			} else {
				lab = l.product
			}
		case strings.HasPrefix(cat.Path, "纺织") || strings.HasPrefix(cat.Path, "儿童"):
			if x < 70 {
				lab = l.fibres
			} else {
				lab = l.product
			}
		default:
			lab = l.product
		}
	default:
		team = "samr/" + county
		switch {
		case high && x < 30:
			lab = l.cityFood
		case high:
			lab = pickOf(l.food)
		case aquatic && x < 35:
			lab = l.cityAqua
		case cat.Fresh && x < 20:
			lab = l.cityAgri
		case x < 25:
			lab = l.cityFood
		default:
			lab = pickOf(l.food)
		}
	}
	if high {
		team = "lab/" + lab // commissioned sampling: the lab's staff sample
	}
	return lab, team
}
