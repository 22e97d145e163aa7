package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"qcity"
	"qcity/internal/nqi"
	"qcity/internal/region"
	"qcity/internal/registry"
)

// The demo city's quality infrastructure (质量基础) and quality development records:
// standards and their drafters, standardisation pilot projects, benchmarking, the
// qualification histories of the labs and legal metrology institutions, measuring
// instruments and their verifications, chief quality officers and their training,
// IP-advantage enterprises, brands, the IP pledge-loan fund, campaigns, bright
// kitchens, quality improvement projects and quality events, 2017–2021.
//
// The records are built so that the 2019 annual quality report, which counts them by
// its definitions (see nqi.Report), shows the programme's figures; nothing stores a
// total. Beside the records that count there are records that must not, so that the
// counting rules are exercised by the demo itself:
//
//   - standards made or revised with local drafters in 2019: 8 international or
//     national (1 ISO, 7 GB and GB/T) and 3 local (2 DB44/T, 1 of the city, DB4408/T);
//     not counted: a 2019 GB/T drafted only outside the city, the 2018 and 2020
//     standards, 2019 industry, group and enterprise standards, one still in drafting;
//   - pilot projects whose period touches 2019: 6 national and 13 provincial; not
//     counted: one national project that ended in 2018 and one that starts in 2020, two
//     provincial ones outside 2019, and the city-level ones;
//   - labs and legal metrology institutions: each of the city's 109 labs and 7
//     institutions gets its certificate history (CMA every six years, metrology
//     authorisations every five) back to 2017, so all are qualified on 31 December
//     2019; the suspensions, revocations and expiries of their current certificates
//     fall after 2019;
//   - IP-advantage enterprises recognised in 2019: 13 records of 12 enterprises (one is
//     both national and provincial); not counted: two 2019 demonstration enterprises,
//     one 2019 recognition revoked, and the 2018, 2020 and 2021 cohorts;
//   - enterprises with a trained chief quality officer in post on 31 December 2019: 14
//     (one has two such officers, one changed officer during 2019); not counted: officers
//     trained only in 2020, whose 2019 training was failed, who left on 31 December
//     2019, or appointed later.
//
// Names of standards, projects, outside drafters and brands are invented; standard
// numbers are synthetic and may coincide with real numbers of other standards. The
// Codex, IEC and ASTM benchmark standards are real standard numbers, used as
// benchmarks. Records are drawn from QualityOptions.Seed (or the city's seed) in a
// fixed order, so the same city gets the same records; any record that would be
// dated after today is left out.

// QualityOptions control GenerateQuality.
type QualityOptions struct {
	// Seed chooses the records; 0 means a seed derived from the city.
	Seed uint64
	// Today is the day the history runs to; records dated after it are left out.
	Today qcity.Date
}

// QualityRecord is one planned record: its register, its input as a form would send
// it, the key by which its child records name it, and its parent's key. Orgs maps the
// register's organisation fields to the organisation's credit code, resolved to its
// id when loading.
type QualityRecord struct {
	Kind   *nqi.Kind
	In     nqi.Input
	Key    string
	Parent string
	Orgs   map[string]string
}

// QualityPlan is the quality records of a city, parents before children.
type QualityPlan struct {
	Records []QualityRecord
}

// Count returns the number of planned records of a register.
func (p *QualityPlan) Count(k *nqi.Kind) int {
	n := 0
	for _, r := range p.Records {
		if r.Kind == k {
			n++
		}
	}
	return n
}

// GenerateQuality plans the quality records of a generated city. It is pure: the same
// city, jurisdiction and options give the same plan. Returns EINVALID
// (demo.today_invalid) without a Today, EINTERNAL for a city without entities. The
// figures above need a city of about 500 entities or more (enough distinct companies).
func GenerateQuality(opts QualityOptions, city *City, j *region.Jurisdiction) (*QualityPlan, error) {
	if city == nil || j == nil {
		return nil, qcity.Internal(errors.New("demo: nil city or jurisdiction"))
	}
	if opts.Today.IsZero() {
		return nil, qcity.Errorf(qcity.EINVALID, "demo.today_invalid", "first", firstYear+1)
	}
	if opts.Seed == 0 {
		opts.Seed = citySeed(city)
	}
	st, err := loadStatic()
	if err != nil {
		return nil, qcity.Internal(err)
	}
	r := rand.New(rand.NewPCG(opts.Seed, 0x5155_414C_4954_5931))
	g := &qualityGen{r: r, city: city, j: j, today: opts.Today, keys: map[string]bool{}, dropped: map[string]bool{},
		names: &generator{r: r, s: st, people: make([]string, st.d.surnames.len()*len(st.d.givenNames))},
		used:  map[int32]bool{}, certNos: map[string]bool{}}
	g.cityName = j.Prefecture.Name
	g.cityShort = shortName(g.cityName)
	path := region.Default().Path(j.Prefecture.Code)
	g.province = path[0]
	g.provinceShort = shortName(path[0].Name)
	if err := g.pools(); err != nil {
		return nil, err
	}
	g.standards()
	g.pilots()
	if err := g.qualifications(); err != nil {
		return nil, err
	}
	g.benchmarks()
	g.instruments()
	g.officers()
	g.ipEnterprises()
	g.brands()
	g.fund()
	g.campaigns()
	g.kitchens()
	g.improvement()
	g.events()
	// Parents first, in the registers' order, so a loader enters each register once.
	order := map[*nqi.Kind]int{}
	for i, k := range nqi.Kinds() {
		order[k] = i
	}
	slices.SortStableFunc(g.plan.Records, func(a, b QualityRecord) int { return order[a.Kind] - order[b.Kind] })
	return &g.plan, nil
}

type qualityGen struct {
	r             *rand.Rand
	city          *City
	j             *region.Jurisdiction
	today         qcity.Date
	names         *generator
	plan          QualityPlan
	keys, dropped map[string]bool
	seq           int
	cityName      string
	cityShort     string
	province      region.Division
	provinceShort string

	makers     []int32 // active manufacturing companies established before 2017
	companies  []int32 // active companies established before 2017
	catering   []int32 // active catering businesses (GB/T 4754 division 62)
	used       map[int32]bool
	labs       []registry.Organisation
	insts      []registry.Organisation
	authorised map[string][][2]qcity.Date // metrology institution USCC → windows of authorisation
	certNos    map[string]bool
}

var dateText = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// futureFields are the dates that may lie after today: ends of validity and periods.
var futureFields = map[string]bool{"valid_until": true, "due_on": true, "end_on": true}

// add plans a record and returns its key. A record dated after today (any date field
// but the ends of validity and periods, or its year) is left out, with its children.
func (g *qualityGen) add(k *nqi.Kind, in nqi.Input, parent string, orgs map[string]string) string {
	g.seq++
	key := k.Name + "/" + strconv.Itoa(g.seq)
	if parent != "" && g.dropped[parent] {
		g.dropped[key] = true
		return key
	}
	for name, v := range in {
		if dateText.MatchString(v) && !futureFields[name] {
			if d, err := qcity.ParseDate(v); err == nil && d.After(g.today) {
				g.dropped[key] = true
				return key
			}
		}
		if name == "year" {
			if y, err := strconv.Atoi(v); err == nil && y > g.today.Year {
				g.dropped[key] = true
				return key
			}
		}
	}
	g.plan.Records = append(g.plan.Records, QualityRecord{Kind: k, In: in, Key: key, Parent: parent, Orgs: orgs})
	return key
}

func date(y int, m time.Month, d int) qcity.Date { return qcity.NewDate(y, m, d) }

// between draws a day from lo to hi inclusive.
func (g *qualityGen) between(lo, hi qcity.Date) qcity.Date {
	days := int(hi.Time().Sub(lo.Time()).Hours() / 24)
	if days <= 0 {
		return lo
	}
	return lo.AddDays(g.r.IntN(days + 1))
}

func (g *qualityGen) ent(i int32) *registry.Entity { return &g.city.Entities[i] }

// before2017 is the day entities must exist by to take part in the 2017–2021 records.
var before2017 = date(2016, 12, 31)

func isManufacturing(industry string) bool {
	if len(industry) < 2 {
		return false
	}
	d, err := strconv.Atoi(industry[:2])
	return err == nil && d >= 13 && d <= 43
}

func (g *qualityGen) pools() error {
	for i := range g.city.Entities {
		e := &g.city.Entities[i]
		if e.Status != registry.StatusActive || e.Region == "" {
			continue
		}
		if strings.HasPrefix(e.Industry, "62") && e.Type != registry.TypeBranch {
			g.catering = append(g.catering, int32(i))
		}
		if e.Type != registry.TypeCompany || e.EstablishedOn.After(before2017) {
			continue
		}
		g.companies = append(g.companies, int32(i))
		if isManufacturing(e.Industry) {
			g.makers = append(g.makers, int32(i))
		}
	}
	if len(g.companies) == 0 {
		// A very small city: any entity stands in for the companies.
		for i := range g.city.Entities {
			g.companies = append(g.companies, int32(i))
		}
	}
	if len(g.companies) == 0 {
		return qcity.Internal(errors.New("demo: the city has no entities"))
	}
	g.r.Shuffle(len(g.makers), func(a, b int) { g.makers[a], g.makers[b] = g.makers[b], g.makers[a] })
	g.r.Shuffle(len(g.companies), func(a, b int) { g.companies[a], g.companies[b] = g.companies[b], g.companies[a] })
	for _, o := range g.city.Organisations {
		switch o.Kind {
		case registry.OrgLab:
			g.labs = append(g.labs, o)
		case registry.OrgMetrologyInstitution:
			g.insts = append(g.insts, o)
		}
	}
	return nil
}

// maker returns a manufacturer, preferring one whose industry starts with one of the
// prefixes and one not used yet: an unused match, then any match, then an unused
// manufacturer, then any company.
func (g *qualityGen) maker(prefixes ...string) int32 {
	matches := func(i int32) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(g.ent(i).Industry, p) {
				return true
			}
		}
		return len(prefixes) == 0
	}
	for pass := range 3 {
		pool := g.makers
		if len(pool) == 0 {
			break
		}
		start := g.r.IntN(len(pool))
		for k := range pool {
			i := pool[(start+k)%len(pool)]
			if pass == 0 && matches(i) && !g.used[i] || pass == 1 && matches(i) || pass == 2 && !g.used[i] {
				g.used[i] = true
				return i
			}
		}
	}
	return g.companies[g.r.IntN(len(g.companies))]
}

// distinct returns n different companies, manufacturers first, none of them in
// exclude; fewer if the city has fewer.
func (g *qualityGen) distinct(n int, exclude map[int32]bool) []int32 {
	var out []int32
	for _, pool := range [][]int32{g.makers, g.companies} {
		start := 0
		if len(pool) > 0 {
			start = g.r.IntN(len(pool))
		}
		for k := range pool {
			if len(out) == n {
				return out
			}
			i := pool[(start+k)%len(pool)]
			if !exclude[i] {
				exclude[i] = true
				out = append(out, i)
			}
		}
	}
	return out
}

// region returns a county code of the jurisdiction if present, else the prefecture.
func (g *qualityGen) region(code string) string {
	for _, c := range g.j.Counties {
		if c.Code == code {
			return code
		}
	}
	return g.j.Prefecture.Code
}

func (g *qualityGen) countyName(code string) string {
	for _, c := range g.j.Counties {
		if c.Code == code {
			return c.Name
		}
	}
	return g.cityName
}

func yuan(n int) string { return strconv.Itoa(n) }

// Standards.

// outsideDrafters are invented standardisation bodies outside the city, by GB/T 2260
// code of their seat.
var outsideDrafters = []struct{ Name, Region string }{
	{"中标质量标准化研究院", "110108"}, {"华南水产品标准化研究所", "440105"}, {"南方家用电器标准研究中心", "440106"},
	{"全国饲料工业标准化研究所", "110105"}, {"岭南热带农业标准化研究院", "440106"}, {"华东制糖工业研究所", "310115"},
	{"广东省质量标准技术研究院", "440104"}, {"中轻鞋类标准化研究中心", "110105"}, {"华南食品安全检测技术研究院", "440305"},
}

type plannedStandard struct {
	code, title, status, revision, replaces string
	published                               qcity.Date
	local                                   []string // industry prefixes of the local company drafters
	institute                               bool     // a city institution drafts too
	outside                                 int      // drafters from outside
	withdrawn                               qcity.Date
}

func (g *qualityGen) standards() {
	p2, p4 := g.province.Code[:2], g.j.Prefecture.Code[:4]
	list := []plannedStandard{
		// Counted in 2019: international and national.
		{code: "ISO 23890:2019", title: "冷冻对虾加工卫生规范", published: date(2019, 6, 14), local: []string{"136", "13"}, outside: 2},
		{code: "GB/T 37920-2019", title: "电饭锅 能效与性能试验方法", published: date(2019, 8, 30), local: []string{"385", "38"}, outside: 2},
		{code: "GB/T 37931-2019", title: "对虾配合饲料", published: date(2019, 8, 30), local: []string{"132", "13"}, institute: true, outside: 1},
		{code: "GB/T 38012-2019", title: "菠萝罐头质量通则", published: date(2019, 10, 18), local: []string{"145", "14"}, outside: 2},
		{code: "GB/T 38105-2019", title: "甘蔗制糖企业清洁生产技术规范", published: date(2019, 10, 18), local: []string{"134", "13"}, outside: 1},
		{code: "GB 38231-2019", title: "家用燃气灶具熄火保护装置安全要求", published: date(2019, 11, 4), local: []string{"38"}, outside: 2},
		{code: "GB/T 38150-2019", title: "冻罗非鱼片", revision: "revised", replaces: "GB/T 21290-2007", published: date(2019, 12, 10), local: []string{"136", "13"}, institute: true, outside: 1},
		{code: "GB/T 38312-2019", title: "鞋类 防滑性能试验方法", published: date(2019, 12, 31), local: []string{"195", "19"}, outside: 2},
		// Counted in 2019: local.
		{code: "DB" + p2 + "/T 2210-2019", title: "菠萝种植技术规程", published: date(2019, 3, 22), local: []string{"01", "14"}, institute: true, outside: 1},
		{code: "DB" + p2 + "/T 2233-2019", title: "对虾工厂化养殖技术规范", revision: "revised", replaces: "DB" + p2 + "/T 1150-2013", published: date(2019, 7, 5), local: []string{"04", "13"}, institute: true},
		{code: "DB" + p4 + "/T 5-2019", title: g.cityShort + "红橙生产技术规程", published: date(2019, 11, 26), local: []string{"01", "15"}, institute: true},
		// Not counted in 2019.
		{code: "GB/T 38320-2019", title: "水产品冷链物流服务规范", published: date(2019, 12, 17), outside: 3},
		{code: "GB/T 36890-2018", title: "电热水壶 性能要求", published: date(2018, 9, 17), local: []string{"385", "38"}, outside: 2},
		{code: "GB/T 39210-2020", title: "对虾苗种质量", published: date(2020, 11, 19), local: []string{"04", "13"}, outside: 1},
		{code: "GB/T 39602-2020", title: "家用电压力锅 能效试验方法", published: date(2020, 12, 14), local: []string{"385", "38"}, outside: 2},
		{code: "SC/T 3122-2019", title: "冻虾仁加工技术规程", published: date(2019, 8, 1), local: []string{"136", "13"}, outside: 1},
		{code: "QB/T 5360-2019", title: "电饭锅内锅涂层", published: date(2019, 5, 2), local: []string{"38"}, outside: 1},
		{code: "T/ZJSP 003-2019", title: "湛江对虾团体标准 生鲜对虾", published: date(2019, 9, 9), local: []string{"13", "51"}},
		{code: "T/ZJSP 007-2020", title: "预制菜 白切鸡", published: date(2020, 6, 18), local: []string{"13", "14"}},
		{code: "DB" + p2 + "/T 2100-2018", title: "甘蔗良种繁育技术规程", published: date(2018, 5, 30), local: []string{"01", "13"}, institute: true},
		{code: "DB" + p4 + "/T 2-2018", title: g.cityShort + "海鲜餐饮服务规范", published: date(2018, 12, 20), local: []string{"62", "13"}, institute: true, status: "withdrawn", withdrawn: date(2021, 6, 30)},
		{code: "DB" + p4 + "/T 9-2020", title: g.cityShort + "菠萝蜜种植技术规程", published: date(2020, 8, 12), local: []string{"01", "15"}, institute: true},
		{code: "DB" + p2 + "/T 2388-2021", title: "罗非鱼健康养殖技术规范", published: date(2021, 9, 15), local: []string{"04", "13"}, institute: true},
		{code: "DB" + p4 + "/T 15-" + strconv.Itoa(g.today.Year), title: g.cityShort + "预制菜生产规范", status: "drafting", local: []string{"13", "14"}, institute: true},
	}
	var institutes []registry.Organisation
	for _, o := range g.labs {
		if o.Region == g.j.Prefecture.Code && o.USCC[0] == '1' {
			institutes = append(institutes, o)
		}
	}
	for i, s := range list {
		status := s.status
		if status == "" {
			status = "in_force"
			if s.published.After(g.today.AddDays(-30)) {
				status = "published"
			}
		}
		rev := s.revision
		if rev == "" {
			rev = "new"
		}
		in := nqi.Input{"code": s.code, "title": s.title, "status": status, "revision": rev, "replaces": s.replaces,
			"region_code": g.j.Prefecture.Code}
		if status != "drafting" {
			in["published_on"] = s.published.String()
			if eff := s.published.AddDays(90 + g.r.IntN(90)); !eff.After(g.today) {
				in["effective_on"] = eff.String()
			}
		}
		if status == "withdrawn" {
			in["withdrawn_on"] = s.withdrawn.String()
		}
		key := g.add(nqi.Standards, in, "", nil)
		role := "lead"
		drafting := map[int32]bool{}
		for _, prefix := range s.local {
			// A small city may offer the same company twice: it drafts once.
			i := g.maker(prefix)
			for try := 0; drafting[i] && try < 5; try++ {
				i = g.maker()
			}
			if drafting[i] {
				continue
			}
			drafting[i] = true
			e := g.ent(i)
			g.add(nqi.StandardDrafters, nqi.Input{"name": e.Name, "uscc": e.USCC, "role": role}, key, nil)
			role = "participant"
		}
		if s.institute && len(institutes) > 0 {
			o := institutes[i%len(institutes)]
			g.add(nqi.StandardDrafters, nqi.Input{"name": o.Name, "uscc": o.USCC, "role": role}, key, nil)
			role = "participant"
		}
		for k := range s.outside {
			d := outsideDrafters[(i+k*3)%len(outsideDrafters)]
			if role == "lead" && k == 0 {
				g.add(nqi.StandardDrafters, nqi.Input{"name": d.Name, "drafter_region": d.Region, "role": "lead"}, key, nil)
				continue
			}
			g.add(nqi.StandardDrafters, nqi.Input{"name": d.Name, "drafter_region": d.Region, "role": "participant"}, key, nil)
		}
	}
}

// Pilot projects.

type plannedPilot struct {
	name, level, kind, field, county string
	start, end                       qcity.Date
}

func (g *qualityGen) pilots() {
	var list []plannedPilot
	nat := func(name, kind, field, county string, start, end qcity.Date) {
		list = append(list, plannedPilot{name, "national", kind, field, county, start, end})
	}
	nat("国家级对虾养殖标准化示范区", "demonstration", "agriculture", "440811", date(2017, 6, 1), date(2020, 5, 31))
	nat("国家级菠萝种植标准化示范区", "demonstration", "agriculture", "440825", date(2018, 1, 1), date(2020, 12, 31))
	nat("国家级红橙种植标准化示范区", "demonstration", "agriculture", "440881", date(2016, 12, 1), date(2019, 12, 31))
	nat("国家级港口物流服务业标准化试点", "pilot", "services", "440803", date(2019, 3, 1), date(2021, 2, 28))
	nat("国家级甘蔗制糖循环经济标准化试点", "pilot", "industry", "440823", date(2017, 9, 1), date(2019, 9, 30))
	nat("国家级政务服务综合标准化试点", "pilot", "public_services", "", date(2019, 10, 15), date(2021, 10, 14))
	// Not counted in 2019.
	nat("国家级水产品加工标准化试点", "pilot", "industry", "440803", date(2015, 6, 1), date(2018, 6, 30))
	nat("国家级乡村旅游服务标准化试点", "pilot", "services", "440825", date(2020, 5, 1), date(2022, 4, 30))

	prov := []struct{ name, kind, field, county string }{
		{"省级罗非鱼养殖标准化示范区", "demonstration", "agriculture", "440823"},
		{"省级荔枝种植标准化示范区", "demonstration", "agriculture", "440881"},
		{"省级甘蔗种植标准化示范区", "demonstration", "agriculture", "440882"},
		{"省级火龙果种植标准化示范区", "demonstration", "agriculture", "440882"},
		{"省级番薯种植标准化示范区", "demonstration", "agriculture", "440883"},
		{"省级生猪养殖标准化示范区", "demonstration", "agriculture", "440881"},
		{"省级小家电制造标准化试点", "pilot", "industry", "440881"},
		{"省级饲料生产标准化试点", "pilot", "industry", "440811"},
		{"省级鞋业制造标准化试点", "pilot", "industry", "440883"},
		{"省级海鲜餐饮服务标准化试点", "pilot", "services", "440803"},
		{"省级滨海旅游服务标准化试点", "pilot", "services", "440802"},
		{"省级养老服务标准化试点", "pilot", "public_services", "440802"},
		{"省级社区卫生服务标准化试点", "pilot", "public_services", "440804"},
	}
	for i, p := range prov {
		// Periods of two or three years, all touching 2019.
		start := g.between(date(2017, 3, 1), date(2019, 10, 31))
		years := 2 + i%2
		end := qcity.NewDate(start.Year+years, start.Month, start.Day-1)
		if end.Before(date(2019, 1, 1)) {
			end = date(2019, 6, 30)
		}
		list = append(list, plannedPilot{p.name, "provincial", p.kind, p.field, p.county, start, end})
	}
	list = append(list,
		plannedPilot{"省级水产品冷链物流标准化试点", "provincial", "pilot", "services", "440803", date(2016, 4, 1), date(2018, 3, 31)},
		plannedPilot{"省级良姜种植标准化示范区", "provincial", "demonstration", "agriculture", "440804", date(2020, 3, 1), date(2022, 2, 28)},
		plannedPilot{"市级农贸市场管理标准化试点", "city", "pilot", "services", "440802", date(2018, 5, 1), date(2020, 4, 30)},
		plannedPilot{"市级物业服务标准化试点", "city", "pilot", "services", "440803", date(2019, 1, 1), date(2020, 12, 31)},
		plannedPilot{"市级沉香种植标准化示范区", "city", "demonstration", "agriculture", "440823", date(2019, 4, 1), date(2021, 3, 31)},
		plannedPilot{"市级家政服务标准化试点", "city", "pilot", "services", "440811", date(2020, 6, 1), date(2022, 5, 31)},
		plannedPilot{"市级海水珍珠养殖标准化示范区", "city", "demonstration", "agriculture", "440804", date(2021, 3, 1), date(2023, 2, 28)},
	)
	for i, p := range list {
		county := g.region(p.county)
		if p.county == "" {
			county = g.j.Prefecture.Code
		}
		place := g.countyName(county)
		var ownerName, ownerUSCC string
		switch p.field {
		case "industry":
			e := g.ent(g.maker())
			ownerName, ownerUSCC = e.Name, e.USCC
		case "public_services":
			ownerName = place + "政务服务数据管理局"
			if p.level != "national" {
				ownerName = place + "卫生健康局"
			}
		case "agriculture":
			ownerName = place + "农业农村局"
		default:
			e := g.ent(g.companies[(i*7)%len(g.companies)])
			ownerName, ownerUSCC = e.Name, e.USCC
		}
		docLevel := map[string]string{"national": "国标委", "provincial": g.provinceShort + "市监标", "city": g.cityShort + "市监标"}[p.level]
		in := nqi.Input{"name": p.name, "level": p.level, "project_type": p.kind, "field": p.field, "owner_name": ownerName,
			"owner_uscc": ownerUSCC, "region_code": county, "start_on": p.start.String(), "end_on": p.end.String(),
			"document_no": fmt.Sprintf("%s〔%d〕%d号", docLevel, p.start.Year, 3+g.r.IntN(60))}
		if p.start.After(g.today) {
			continue
		}
		switch {
		case !p.end.Before(g.today):
			in["status"] = "in_progress"
		case i == 9:
			in["status"] = "terminated"
		default:
			ev := p.end.AddDays(30 + g.r.IntN(90))
			if ev.After(g.today) {
				in["status"] = "evaluating"
				break
			}
			score := 80 + g.r.IntN(19)
			in["status"], in["evaluated_on"], in["score"] = "passed", ev.String(), strconv.Itoa(score)
			in["evaluation"] = "经考核评估，项目完成试点示范任务，标准体系健全，标准实施效果良好。"
			if i == 20 {
				in["status"], in["score"] = "failed", "62"
				in["evaluation"] = "标准实施覆盖面不足，考核评估未通过。"
			}
		}
		g.add(nqi.PilotProjects, in, "", nil)
	}
}

// Qualifications of labs and legal metrology institutions.

// historyFrom is how far back the certificate histories go.
var historyFrom = date(2017, 1, 1)

// issueOf is the issue day of a certificate valid for years until vu (the inverse of
// generator.certificate).
func issueOf(vu qcity.Date, years int) qcity.Date {
	return qcity.NewDate(vu.Year-years, vu.Month, vu.Day+1)
}

var yearInNo = regexp.MustCompile(`\d{4}`)

func (g *qualityGen) qualifications() error {
	for _, o := range append(append([]registry.Organisation(nil), g.labs...), g.insts...) {
		g.certNos[o.AccreditationNo] = true
	}
	g.authorised = map[string][][2]qcity.Date{}
	for _, o := range append(append([]registry.Organisation(nil), g.labs...), g.insts...) {
		if o.ValidUntil.IsZero() || o.AccreditationNo == "" {
			return qcity.Internal(fmt.Errorf("demo: organisation %s has no certificate", o.Name))
		}
		years, qual := labValidYears, "cma"
		if o.Kind == registry.OrgMetrologyInstitution {
			years, qual = metrologyValidYears, "metrology_authorisation"
		}
		type cert struct {
			no         string
			issue, end qcity.Date
		}
		certs := []cert{{o.AccreditationNo, issueOf(o.ValidUntil, years), o.ValidUntil}}
		for certs[0].issue.After(historyFrom) {
			end := certs[0].issue.AddDays(-1)
			issue := issueOf(end, years)
			no := g.olderNumber(certs[0].no, issue.Year, o.Kind)
			certs = append([]cert{{no, issue, end}}, certs...)
		}
		for k, c := range certs {
			in := nqi.Input{"qualification": qual, "certificate_no": c.no, "issued_on": c.issue.String(),
				"valid_until": c.end.String(), "status": "valid", "items": o.Scope}
			authEnd := c.end
			if k == len(certs)-1 && (o.Status == registry.OrgSuspended || o.Status == registry.OrgRevoked) {
				lo := c.issue.AddDays(1)
				if first := date(2020, 1, 1); lo.Before(first) {
					lo = first
				}
				hi := c.end
				if g.today.Before(hi) {
					hi = g.today
				}
				if !hi.Before(lo) {
					ended := g.between(lo, hi)
					in["status"], in["ended_on"] = string(o.Status), ended.String()
					authEnd = ended.AddDays(-1)
				}
			}
			if o.Kind == registry.OrgMetrologyInstitution {
				g.authorised[o.USCC] = append(g.authorised[o.USCC], [2]qcity.Date{c.issue, authEnd})
			}
			g.add(nqi.Qualifications, in, "", map[string]string{"org_id": o.USCC})
		}
	}
	return nil
}

// olderNumber is the number of the certificate before one numbered no: the same
// number with the earlier issue year, or, if that is taken, a new sequence.
func (g *qualityGen) olderNumber(no string, year int, kind registry.OrgKind) string {
	loc := yearInNo.FindStringIndex(no)
	if kind == registry.OrgMetrologyInstitution {
		loc = regexp.MustCompile(`\(\d{4}\)`).FindStringIndex(no)
		if loc != nil {
			loc[0], loc[1] = loc[0]+1, loc[1]-1
		}
	}
	if loc == nil {
		return fmt.Sprintf("%s-%d", no, year)
	}
	cand := no[:loc[0]] + fmt.Sprintf("%04d", year) + no[loc[1]:]
	for g.certNos[cand] && kind == registry.OrgLab && len(no) == 11 {
		cand = fmt.Sprintf("%04d%s%04dZ", year, no[4:6], 1+g.r.IntN(9999))
	}
	g.certNos[cand] = true
	return cand
}

// authorisedOn returns a metrology institution authorised on day, the county's own
// first, else the city's; "" if none.
func (g *qualityGen) authorisedOn(county string, day qcity.Date) string {
	try := func(o registry.Organisation) bool {
		for _, w := range g.authorised[o.USCC] {
			if !day.Before(w[0]) && !day.After(w[1]) {
				return true
			}
		}
		return false
	}
	for _, o := range g.insts {
		if strings.HasPrefix(county, o.Region) && o.Region != g.j.Prefecture.Code && try(o) {
			return o.USCC
		}
	}
	for _, o := range g.insts {
		if try(o) {
			return o.USCC
		}
	}
	return ""
}
