package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"qcity"
	"qcity/internal/industry"
	"qcity/internal/region"
	"qcity/internal/registry"
)

// wordInfo is a 行业表述 with the GB/T 4754 classes it may be registered under.
type wordInfo struct {
	Word  string
	Codes []string
}

// staticTables are derived from the embedded data and the embedded catalogues alone,
// so they are built once per process.
type staticTables struct {
	d            *sourceData
	words        []wordInfo // in file order
	wordIndex    map[string]int
	shopTrades   []trade
	coopProducts []trade
	companyForms weighted[string]
	deny         map[uint64][]string // by the first two runes of each deny-listed 字号
}

var loadStatic = sync.OnceValues(func() (*staticTables, error) {
	d, err := loadData()
	if err != nil {
		return nil, err
	}
	cat := industry.Default()
	s := &staticTables{d: d, wordIndex: map[string]int{}, deny: map[uint64][]string{}}
	for _, w := range d.words {
		codes, err := wordCodes(cat, w)
		if err != nil {
			return nil, err
		}
		s.wordIndex[w.Word] = len(s.words)
		s.words = append(s.words, wordInfo{Word: w.Word, Codes: codes})
	}
	for _, list := range [][]trade{shopTrades, coopProducts, {investmentWord}} {
		for _, t := range list {
			for _, c := range t.Codes {
				if cl, ok := cat.Get(c); !ok || cl.Level != industry.LevelClass {
					return nil, fmt.Errorf("trade %s: %s is not a GB/T 4754 class", t.Word, c)
				}
			}
		}
	}
	s.shopTrades, s.coopProducts = shopTrades, coopProducts
	// The company forms are the file's forms for companies, weighted by how common
	// each is in a prefecture's register.
	formWeights := map[string]uint64{"有限公司": 850, "有限责任公司": 100, "股份有限公司": 30,
		"集团有限公司": 15, "集团股份有限公司": 5}
	for _, f := range sortedKeys(d.forms) {
		if slices.Contains(d.forms[f], string(registry.TypeCompany)) {
			s.companyForms.add(f, formWeights[f])
		}
	}
	if s.companyForms.len() == 0 {
		return nil, fmt.Errorf("no company forms in org_form_suffixes_compiled.csv")
	}
	for _, b := range denyBrands {
		k, ok := pairKey(b)
		if !ok {
			return nil, fmt.Errorf("deny-listed brand %q is shorter than two characters", b)
		}
		s.deny[k] = append(s.deny[k], b)
	}
	return s, nil
})

// wordCodes returns the classes a word may be registered under: the classes below its
// refinement if it has one, else below its hints, else generalCodes.
func wordCodes(cat *industry.Catalogue, w industryWord) ([]string, error) {
	from := wordRefinements[w.Word]
	if from == nil {
		from = w.Hints
	}
	if from == nil {
		return generalCodes, nil
	}
	var out []string
	for _, c := range from {
		cl, ok := cat.Get(c)
		if !ok {
			return nil, fmt.Errorf("word %s: %s is not a GB/T 4754 code", w.Word, c)
		}
		out = appendClasses(cat, out, cl)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("word %s: no classes", w.Word)
	}
	return out, nil
}

func appendClasses(cat *industry.Catalogue, out []string, cl industry.Class) []string {
	if cl.Level == industry.LevelClass {
		return append(out, cl.Code)
	}
	for _, ch := range cat.Children(cl.Code) {
		out = appendClasses(cat, out, ch)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// pairKey packs the first two runes of s.
func pairKey(s string) (uint64, bool) {
	a, n := utf8.DecodeRuneInString(s)
	b, m := utf8.DecodeRuneInString(s[n:])
	if n == 0 || m == 0 {
		return 0, false
	}
	return uint64(a)<<32 | uint64(b), true
}

// county is a county-level division with everything drawn per county.
type county struct {
	Div        region.Division
	Short      string // 霞山, 遂溪, 廉江
	Qualified  string // 湛江市霞山区 for a district, 遂溪县 and 廉江市 for the others
	IsDistrict bool
	Towns      weighted[*town]
	Words      weighted[*wordInfo] // company words, weighted for the county
	Branches   weighted[*wordInfo]
	Shops      weighted[*trade]
	Coops      weighted[*trade]
	hasRural   bool // has a 镇 or 乡
}

// ruralTown draws one of the county's 镇 and 乡, or returns nil if it has none.
func (c *county) ruralTown(r *rand.Rand) *town {
	if !c.hasRural {
		return nil
	}
	for {
		if t := c.Towns.pick(r); !t.IsStreet {
			return t
		}
	}
}

// town is a township (乡、镇、街道) with its synthetic roads and villages.
type town struct {
	Name     string
	IsStreet bool // 街道: urban, addresses on roads only
	Roads    []string
	Villages []string
}

// generator holds the state of one Generate call.
type generator struct {
	r       *rand.Rand
	s       *staticTables
	regions *region.Catalogue
	j       *region.Jurisdiction
	today   qcity.Date

	cityName, cityShort string // 湛江市, 湛江
	provinceShort       string // 广东
	provinceAbbr        string // 粤
	addressPrefix       string // 广东省湛江市
	counties            []*county
	countyPick          weighted[int]
	typePick            weighted[registry.EntityType]
	statusPick          weighted[registry.Status]
	dates               map[registry.Status]*dateTable
	names               map[string]struct{} // every current and former name so far
	usccs               map[string]struct{}
	people              []string // interned person names by surname*len(given)+given
	companies           []int32  // entities that can be a branch's parent
	buf, tmp            []byte
	capitalRound        weighted[string]
}

func newGenerator(opts Options, j *region.Jurisdiction) (*generator, error) {
	s, err := loadStatic()
	if err != nil {
		return nil, err
	}
	regions := region.Default()
	g := &generator{r: newRand(opts.Seed), s: s, regions: regions, j: j, today: opts.Today,
		names:  make(map[string]struct{}, opts.Entities+opts.Entities/16+256),
		usccs:  make(map[string]struct{}, opts.Entities+256),
		people: make([]string, s.d.surnames.len()*len(s.d.givenNames)),
		dates:  map[registry.Status]*dateTable{}}
	g.cityName = j.Prefecture.Name
	g.cityShort = shortName(g.cityName)
	g.addressPrefix = regions.FullName(j.Prefecture.Code)
	path := regions.Path(j.Prefecture.Code)
	g.provinceShort = shortName(path[0].Name)
	g.provinceAbbr = provinceAbbr(path[0].Code, path[0].Name)

	for i, d := range j.Counties {
		share := countyShares[d.Code]
		if j.Prefecture.Code != region.DefaultPrefecture || share == 0 {
			share = 100
		}
		g.countyPick.add(i, share)
		g.counties = append(g.counties, g.newCounty(d))
	}
	for _, t := range typeShares {
		g.typePick.add(t.Type, t.Share)
	}
	for _, st := range statusShares {
		g.statusPick.add(st.Status, st.Share)
		end := g.today.AddDays(-1) // establishment dates fall before today
		if st.Status == registry.StatusRevoked || st.Status == registry.StatusDeregistered {
			// Revocation and deregistration come months after establishment at least.
			if e := g.today.AddDays(-180); e.Year >= firstYear {
				end = e
			}
		}
		g.dates[st.Status] = newDateTable(st.Status, end)
	}
	for _, c := range []struct {
		v string
		w uint64
	}{{"10", 80}, {"20", 60}, {"30", 60}, {"50", 120}, {"80", 30}, {"100", 180}, {"150", 30},
		{"200", 100}, {"300", 70}, {"500", 90}, {"800", 20}, {"1000", 70}, {"1500", 10},
		{"2000", 30}, {"3000", 20}, {"5000", 20}} {
		g.capitalRound.add(c.v, c.w)
	}
	return g, nil
}

// shortName drops the 省/市/区/县 of a division's name: 湛江市 → 湛江, 遂溪县 → 遂溪. Names
// that would be left with one character keep their suffix.
func shortName(name string) string {
	for _, suf := range []string{"省", "市", "区", "县"} {
		if s, ok := strings.CutSuffix(name, suf); ok && utf8.RuneCountInString(s) >= 2 {
			return s
		}
	}
	return name
}

// provinceAbbrs are the one-character abbreviations (简称) of the provinces, by the
// first two digits of their codes, as used in certificate numbers such as (粤)法计.
var provinceAbbrs = map[string]string{"11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙",
	"21": "辽", "22": "吉", "23": "黑", "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽",
	"36": "赣", "37": "鲁", "41": "豫", "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼",
	"50": "渝", "51": "川", "52": "黔", "53": "滇", "54": "藏", "61": "陕", "62": "甘", "63": "青",
	"64": "宁", "65": "新", "71": "台", "81": "港", "82": "澳"}

// provinceAbbr returns the province's 简称, or the first character of its name.
func provinceAbbr(code, name string) string {
	if a, ok := provinceAbbrs[code[:2]]; ok {
		return a
	}
	r, _ := utf8.DecodeRuneInString(name)
	return string(r)
}

func (g *generator) newCounty(d region.Division) *county {
	c := &county{Div: d, Short: shortName(d.Name), IsDistrict: strings.HasSuffix(d.Name, "区")}
	c.Qualified = d.Name
	if c.IsDistrict {
		c.Qualified = g.cityName + d.Name
	}
	for _, t := range g.regions.Children(d.Code) {
		if t.Level != region.LevelTownship {
			continue
		}
		isStreet := strings.HasSuffix(t.Name, "街道")
		if !isStreet && !strings.HasSuffix(t.Name, "镇") && !strings.HasSuffix(t.Name, "乡") {
			continue // development zones and other statistical areas are no address
		}
		tw := &town{Name: t.Name, IsStreet: isStreet}
		c.hasRural = c.hasRural || !isStreet
		tw.Roads = g.placeNames(6+g.r.IntN(10), []string{"路", "路", "路", "街", "街", "大道"})
		if !isStreet {
			tw.Villages = g.placeNames(8+g.r.IntN(12), []string{"村"})
		}
		w := uint64(1)
		if isStreet && !c.IsDistrict {
			w = 3 // a county's seat (its 街道) holds most of its shops and firms
		}
		c.Towns.add(tw, w)
	}
	if c.Towns.len() == 0 {
		// Townships are known for Guangdong only: elsewhere roads hang off the county.
		c.Towns.add(&town{IsStreet: true, Roads: g.placeNames(12, []string{"路", "路", "街", "大道"})}, 1)
	}
	for i := range g.s.words {
		w := &g.s.words[i]
		weight, ok := companyWordWeights[w.Word]
		if !ok {
			weight = defaultWordWeight
		}
		c.Words.add(w, boost(d.Code, w.Word, weight))
		c.Branches.add(w, boost(d.Code, w.Word, branchWordWeights[w.Word]))
	}
	for i := range g.s.shopTrades {
		t := &g.s.shopTrades[i]
		c.Shops.add(t, boost(d.Code, t.Word, t.Weight))
	}
	for i := range g.s.coopProducts {
		t := &g.s.coopProducts[i]
		c.Coops.add(t, boost(d.Code, t.Word, t.Weight))
	}
	return c
}

// placeNames draws n distinct names of roads or villages: two 字号-style characters
// and a suffix, such as 金海路 or 新华村.
func (g *generator) placeNames(n int, suffixes []string) []string {
	out := make([]string, 0, n)
	for tries := 0; len(out) < n && tries < 20*n; tries++ {
		a, b := g.s.d.brandFirst.pick(g.r), g.s.d.brandSecond.pick(g.r)
		if a == b {
			continue
		}
		name := a + b + suffixes[g.r.IntN(len(suffixes))]
		if !slices.Contains(out, name) && !g.denied([]byte(name)) {
			out = append(out, name)
		}
	}
	return out
}

// dateTable draws establishment dates for one status: a year by yearWeight times the
// number of days of the year in range, then a day of that year.
type dateTable struct {
	years weighted[int]
	last  qcity.Date
}

func newDateTable(s registry.Status, last qcity.Date) *dateTable {
	t := &dateTable{last: last}
	for y := firstYear; y <= last.Year; y++ {
		t.years.add(y, yearWeight(s, y)*uint64(daysIn(y, last)))
	}
	return t
}

// daysIn is the number of days of year y up to and including last.
func daysIn(y int, last qcity.Date) int {
	end := qcity.Date{Year: y, Month: 12, Day: 31}
	if y == last.Year {
		end = last
	}
	return int(dayNumber(end)-dayNumber(qcity.Date{Year: y, Month: 1, Day: 1})) + 1
}

func (t *dateTable) pick(r *rand.Rand) qcity.Date {
	y := t.years.pick(r)
	return qcity.NewDate(y, 1, 1+r.IntN(daysIn(y, t.last)))
}

// dayNumber counts days from 1970-01-01.
func dayNumber(d qcity.Date) int64 { return d.Time().Unix() / 86400 }
