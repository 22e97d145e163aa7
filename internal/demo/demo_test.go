package demo

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"qcity"
	"qcity/internal/industry"
	"qcity/internal/region"
	"qcity/internal/registry"
)

var testToday = qcity.Date{Year: 2026, Month: 5, Day: 15}

func zhanjiang(t testing.TB) *region.Jurisdiction {
	t.Helper()
	j, err := region.Default().Jurisdiction(region.DefaultPrefecture)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// city20k is the default city, generated once for the tests that only read it.
var city20k = sync.OnceValues(func() (*City, error) {
	j, err := region.Default().Jurisdiction(region.DefaultPrefecture)
	if err != nil {
		return nil, err
	}
	return Generate(Options{Seed: 1, Today: testToday}, j)
})

func defaultCity(t *testing.T) *City {
	t.Helper()
	c, err := city20k()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGenerateDefaults(t *testing.T) {
	c := defaultCity(t)
	if len(c.Entities) != DefaultEntities {
		t.Errorf("%d entities, want %d", len(c.Entities), DefaultEntities)
	}
	count := map[registry.OrgKind]int{}
	for _, o := range c.Organisations {
		count[o.Kind]++
	}
	want := map[registry.OrgKind]int{registry.OrgLab: 109, registry.OrgCertificationBody: 12, registry.OrgMetrologyInstitution: 7}
	if !reflect.DeepEqual(count, want) {
		t.Errorf("organisations %v, want %v", count, want)
	}
}

func TestGenerateOptions(t *testing.T) {
	j := zhanjiang(t)
	for _, tc := range []struct {
		name string
		opts Options
		key  string
	}{
		{"negative", Options{Entities: -1, Today: testToday}, "demo.entities_range"},
		{"too many", Options{Entities: MaxEntities + 1, Today: testToday}, "demo.entities_range"},
		{"no today", Options{Entities: 10}, "demo.today_invalid"},
		{"today too early", Options{Entities: 10, Today: qcity.Date{Year: 1993, Month: 6, Day: 1}}, "demo.today_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(tc.opts, j)
			var qe *qcity.Error
			if !errors.As(err, &qe) || qe.Code != qcity.EINVALID || qe.Key != tc.key {
				t.Fatalf("err = %v, want EINVALID %s", err, tc.key)
			}
		})
	}
	if _, err := Generate(Options{Entities: 10, Today: testToday}, nil); qcity.ErrorCode(err) != qcity.EINTERNAL {
		t.Errorf("nil jurisdiction: err = %v, want EINTERNAL", err)
	}
	c, err := Generate(Options{Entities: 1, Today: testToday}, j)
	if err != nil || len(c.Entities) != 1 {
		t.Fatalf("one entity: %v, %v", c, err)
	}
}

// Same options, same bytes; another seed, another city; seed 0 is seed 1.
func TestGenerateDeterministic(t *testing.T) {
	j := zhanjiang(t)
	gen := func(seed uint64) []byte {
		c, err := Generate(Options{Seed: seed, Entities: 3000, Today: testToday}, j)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := gen(7), gen(7)
	if !bytes.Equal(a, b) {
		t.Error("two runs with seed 7 differ")
	}
	if bytes.Equal(a, gen(8)) {
		t.Error("seeds 7 and 8 give the same city")
	}
	if !bytes.Equal(gen(0), gen(1)) {
		t.Error("seed 0 is not the default seed 1")
	}
	// Nothing depends on the goroutine or on state left by earlier runs.
	done := make(chan []byte)
	go func() { done <- gen(7) }()
	if !bytes.Equal(<-done, a) {
		t.Error("a run in another goroutine differs")
	}
}

// Every entity passes the registry's validator and is already in the canonical form
// the validator returns.
func TestEntitiesValidate(t *testing.T) {
	c := defaultCity(t)
	v := registry.NewValidator()
	for i, e := range c.Entities {
		got, errs := v.Validate(e.Input(), testToday)
		if len(errs) > 0 {
			t.Fatalf("entity %d %s: %v", i, e.Name, errs)
		}
		if !reflect.DeepEqual(got, e) {
			t.Fatalf("entity %d is not canonical:\n got %+v\nwant %+v", i, e, got)
		}
		if e.ID != 0 || e.Source != "" || !e.CreatedAt.IsZero() || e.Version != 0 {
			t.Fatalf("entity %d has registry-assigned fields: %+v", i, e)
		}
	}
}

func TestOrganisationsValidate(t *testing.T) {
	c := defaultCity(t)
	v := registry.NewValidator()
	for i, o := range c.Organisations {
		got, errs := v.ValidateOrganisation(o.Input())
		if len(errs) > 0 {
			t.Fatalf("organisation %d %s: %v", i, o.Name, errs)
		}
		if !reflect.DeepEqual(got, o) {
			t.Fatalf("organisation %d is not canonical:\n got %+v\nwant %+v", i, o, got)
		}
		if o.Contact == "" || o.Phone == "" || o.Address == "" || o.Scope == "" || o.AccreditationNo == "" {
			t.Errorf("organisation %d %s has empty fields: %+v", i, o.Name, o)
		}
		// Status and validity agree with today.
		expired := o.ValidUntil.Before(testToday)
		if expired != (o.Status == registry.OrgExpired) {
			t.Errorf("%s: status %s, valid until %s, today %s", o.Name, o.Status, o.ValidUntil, testToday)
		}
	}
}

func TestOrganisationNumbers(t *testing.T) {
	c := defaultCity(t)
	for _, o := range c.Organisations {
		no := o.AccreditationNo
		var ok bool
		switch o.Kind {
		case registry.OrgLab: // 2019191234Z: year, 19 for Guangdong, sequence, Z
			ok = len(no) == 11 && no[4:6] == "19" && no[10] == 'Z' && strings.Trim(no[:10], "0123456789") == ""
		case registry.OrgCertificationBody: // CNCA-R-2004-123
			ok = len(no) == 15 && strings.HasPrefix(no, "CNCA-R-") && no[11] == '-'
		case registry.OrgMetrologyInstitution: // (粤)法计(2018)44083
			ok = strings.HasPrefix(no, "(粤)法计(") && strings.Contains(no, ")4408")
		}
		if !ok {
			t.Errorf("%s %s: accreditation number %q", o.Kind, o.Name, no)
		}
		authority := o.USCC[0]
		public := strings.HasSuffix(o.Name, "所") || strings.HasSuffix(o.Name, "站") || strings.HasSuffix(o.Name, "中心")
		if public != (authority == '1') {
			t.Errorf("%s: USCC %s, public institution %v", o.Name, o.USCC, public)
		}
	}
}

func TestUnique(t *testing.T) {
	c := defaultCity(t)
	codes := map[string]string{}
	names := map[string]string{}
	seen := func(m map[string]string, key, who string) {
		if other, dup := m[key]; dup {
			t.Errorf("%q of %s is also %s's", key, who, other)
		}
		m[key] = who
	}
	for _, e := range c.Entities {
		seen(codes, e.USCC, e.Name)
		seen(names, e.Name, e.USCC)
		for _, f := range e.FormerNames {
			seen(names, f, e.USCC)
		}
	}
	for _, o := range c.Organisations {
		seen(codes, o.USCC, o.Name)
		seen(names, o.Name, o.USCC)
	}
}

func TestUSCCMatchesEntity(t *testing.T) {
	c := defaultCity(t)
	for _, e := range c.Entities {
		if e.USCC[0] != '9' || e.USCC[1] != usccTypeDigit(e.Type) || e.USCC[2:8] != e.Region {
			t.Fatalf("%s (%s in %s): USCC %s", e.Name, e.Type, e.Region, e.USCC)
		}
	}
}

// share checks a per-mille share against a count out of total within tol per mille.
func checkShare(t *testing.T, what string, got, total int, wantPerMille uint64, tol float64) {
	t.Helper()
	share := float64(got) * 1000 / float64(total)
	if d := share - float64(wantPerMille); d < -tol || d > tol {
		t.Errorf("%s: %.1f‰ (%d of %d), want %d‰ ± %.0f", what, share, got, total, wantPerMille, tol)
	}
}

func TestShares(t *testing.T) {
	c := defaultCity(t)
	n := len(c.Entities)
	byCounty, byType, byStatus := map[string]int{}, map[registry.EntityType]int{}, map[registry.Status]int{}
	for _, e := range c.Entities {
		byCounty[e.Region]++
		byType[e.Type]++
		byStatus[e.Status]++
	}
	// At 20,000 entities one standard deviation of a 15% share is 2.5‰; 12‰ is
	// about five.
	for code, share := range countyShares {
		checkShare(t, code, byCounty[code], n, share, 12)
	}
	if len(byCounty) != 9 {
		t.Errorf("entities in %d counties, want 9", len(byCounty))
	}
	for _, s := range typeShares {
		checkShare(t, string(s.Type), byType[s.Type], n, s.Share, 12)
	}
	for _, s := range statusShares {
		checkShare(t, string(s.Status), byStatus[s.Status], n, s.Share, 12)
	}
	// The brief's ranges, independently of the tables.
	if ib := byType[registry.TypeIndividualBusiness] * 100 / n; ib < 65 || ib > 71 {
		t.Errorf("individual businesses %d%%, want 65–70%%", ib)
	}
	if a := byStatus[registry.StatusActive] * 100 / n; a < 86 || a > 90 {
		t.Errorf("active %d%%, want about 88%%", a)
	}
	// Urban cores and the populous counties outnumber the small ones.
	if byCounty["440803"] <= byCounty["440804"]*2 || byCounty["440881"] <= byCounty["440825"] {
		t.Errorf("county counts implausible: %v", byCounty)
	}
}

func TestShareTablesSumTo1000(t *testing.T) {
	var sum uint64
	for _, s := range countyShares {
		sum += s
	}
	if sum != 1000 {
		t.Errorf("county shares sum to %d", sum)
	}
	sum = 0
	for _, s := range typeShares {
		sum += s.Share
	}
	if sum != 1000 {
		t.Errorf("type shares sum to %d", sum)
	}
	sum = 0
	for _, s := range statusShares {
		sum += s.Share
	}
	if sum != 1000 {
		t.Errorf("status shares sum to %d", sum)
	}
	j := zhanjiang(t)
	for _, c := range j.Counties {
		if countyShares[c.Code] == 0 {
			t.Errorf("county %s %s has no share", c.Code, c.Name)
		}
	}
}

func TestDates(t *testing.T) {
	c := defaultCity(t)
	first := qcity.Date{Year: firstYear, Month: 1, Day: 1}
	afterReform, before2000 := 0, 0
	for i, e := range c.Entities {
		if e.EstablishedOn.Before(first) || !e.EstablishedOn.Before(testToday) {
			t.Fatalf("%s established %s", e.Name, e.EstablishedOn)
		}
		if i > 0 && e.EstablishedOn.Before(c.Entities[i-1].EstablishedOn) {
			t.Fatalf("entities not in establishment order at %d", i)
		}
		if e.EstablishedOn.Year >= 2014 {
			afterReform++
		}
		if e.EstablishedOn.Year < 2000 {
			before2000++
		}
	}
	n := len(c.Entities)
	if afterReform*100/n < 65 || before2000*100/n > 10 {
		t.Errorf("%d%% established since 2014 and %d%% before 2000: not skewed recent", afterReform*100/n, before2000*100/n)
	}
}

func TestCapital(t *testing.T) {
	c := defaultCity(t)
	for _, e := range c.Entities {
		switch e.Type {
		case registry.TypeIndividualBusiness, registry.TypeBranch:
			if e.RegisteredCapital != "" {
				t.Fatalf("%s (%s) has capital %s", e.Name, e.Type, e.RegisteredCapital)
			}
		default:
			if e.RegisteredCapital == "" || e.RegisteredCapital[0] == '0' {
				t.Fatalf("%s (%s) has capital %q", e.Name, e.Type, e.RegisteredCapital)
			}
		}
	}
}

func TestNames(t *testing.T) {
	c := defaultCity(t)
	former := 0
	for _, e := range c.Entities {
		if len(e.FormerNames) > 0 {
			former++
		}
		var ok bool
		switch e.Type {
		case registry.TypeCompany:
			ok = strings.HasSuffix(e.Name, "公司") && !strings.Contains(e.Name, "分公司")
		case registry.TypeBranch:
			ok = strings.HasSuffix(e.Name, "分公司")
		case registry.TypePartnership:
			ok = strings.HasSuffix(e.Name, "合伙）")
		case registry.TypeFarmerCooperative:
			ok = strings.HasSuffix(e.Name, "专业合作社") || strings.HasSuffix(e.Name, "专业合作社联合社")
		case registry.TypeIndividualBusiness:
			ok = !strings.Contains(e.Name, "公司")
		case registry.TypeSoleProprietorship:
			ok = !strings.Contains(e.Name, "公司") && !strings.Contains(e.Name, "合伙")
		}
		if !ok {
			t.Errorf("%s: name %s does not fit", e.Type, e.Name)
		}
		county, _ := region.Default().Get(e.Region)
		rest, ok := strings.CutPrefix(e.Address, "广东省湛江市"+county.Name)
		if !ok {
			t.Errorf("%s: address %s is not in %s", e.Name, e.Address, county.Name)
		}
		if e.Type == registry.TypeFarmerCooperative && !strings.ContainsAny(rest, "镇乡") {
			t.Errorf("cooperative %s is not in a rural township: %s", e.Name, e.Address)
		}
	}
	if p := former * 1000 / len(c.Entities); p < 25 || p > 55 {
		t.Errorf("%d‰ have former names, want a few per cent", p)
	}
}

// The brief's deny-list, kept here separately from the package's so a shortened list
// fails the test.
var briefBrands = []string{"华为", "美的", "格力", "海尔", "联想", "腾讯", "阿里", "茅台", "五粮", "娃哈",
	"伊利", "蒙牛", "康师", "统一", "农夫", "怡宝", "京东", "小米", "比亚", "万科", "碧桂", "恒大", "平安",
	"招商", "中兴", "海信", "长虹", "TCL", "创维", "李宁", "安踏", "湛江国联", "国联"}

func TestNoBrands(t *testing.T) {
	c := defaultCity(t)
	var names []string
	for _, e := range c.Entities {
		names = append(names, e.Name)
		names = append(names, e.FormerNames...)
	}
	for _, o := range c.Organisations {
		names = append(names, o.Name)
	}
	for _, b := range append(slices.Clone(briefBrands), denyBrands...) {
		for _, n := range names {
			if strings.Contains(n, b) {
				t.Errorf("%s contains the brand %s", n, b)
			}
		}
	}
	// The brand pools hold no stop character.
	d, err := loadData()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range append(slices.Clone(d.brandFirst.items), d.brandSecond.items...) {
		if strings.Contains(stopChars, c) {
			t.Errorf("stop character %s in a brand pool", c)
		}
	}
}

// The generator avoids brands actively: with a city that would otherwise produce them,
// denied reports them wherever they fall.
func TestDenied(t *testing.T) {
	s, err := loadStatic()
	if err != nil {
		t.Fatal(err)
	}
	g := &generator{s: s}
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"湛江市华为电子有限公司", true},
		{"湛江市小米业有限公司", true},
		{"广东五粮油有限公司", true},
		{"湛江TCL电器有限公司", true},
		{"湛江市华达贸易有限公司", false},
		{"霞山区金源水产批发部", false},
	} {
		if got := g.denied([]byte(tc.name)); got != tc.want {
			t.Errorf("denied(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Industries: valid classes, mostly consistent with the words in names.
func TestIndustries(t *testing.T) {
	c := defaultCity(t)
	s, err := loadStatic()
	if err != nil {
		t.Fatal(err)
	}
	cat := industry.Default()
	consistent, companies := 0, 0
	sections := map[string]int{}
	for _, e := range c.Entities {
		cl, ok := cat.Get(e.Industry)
		if !ok || cl.Level != industry.LevelClass {
			t.Fatalf("%s: industry %q is not a class", e.Name, e.Industry)
		}
		sections[cl.Section]++
		if e.Type != registry.TypeCompany {
			continue
		}
		companies++
		for _, w := range s.words {
			if strings.Contains(e.Name, w.Word) && slices.Contains(w.Codes, e.Industry) {
				consistent++
				break
			}
		}
	}
	if consistent*100/companies < 97 {
		t.Errorf("only %d of %d company industries match a word of their name", consistent, companies)
	}
	// Retail and wholesale (F) and catering (H) dominate, as in any register.
	if f := sections["F"] * 100 / len(c.Entities); f < 35 {
		t.Errorf("section F holds %d%%", f)
	}
	if h := sections["H"] * 100 / len(c.Entities); h < 12 {
		t.Errorf("section H holds %d%%", h)
	}
}

// The tables refer to the data files: words from industry_words_compiled.csv,
// refinements below the words' hints, suffixes the forms file allows for the type.
func TestTablesMatchData(t *testing.T) {
	s, err := loadStatic()
	if err != nil {
		t.Fatal(err)
	}
	d, cat := s.d, industry.Default()
	for _, m := range []map[string]uint64{companyWordWeights, branchWordWeights} {
		for w := range m {
			if _, ok := d.wordHints[w]; !ok {
				t.Errorf("weighted word %s is not in industry_words_compiled.csv", w)
			}
		}
	}
	for w, codes := range wordRefinements {
		hints, ok := d.wordHints[w]
		if !ok {
			t.Errorf("refined word %s is not in the file", w)
			continue
		}
		for _, c := range codes {
			if !slices.ContainsFunc(hints, func(h string) bool { return cat.Covers(h, c) }) {
				t.Errorf("refinement %s of %s is not under its hints %v", c, w, hints)
			}
		}
	}
	for _, w := range d.words {
		for _, h := range w.Hints {
			if _, ok := cat.Get(h); !ok {
				t.Errorf("word %s: hint %s is not in GB/T 4754", w.Word, h)
			}
		}
	}
	allows := func(form string, typ registry.EntityType) bool {
		return slices.Contains(d.forms[form], string(typ))
	}
	for _, tr := range shopTrades {
		for _, suf := range tr.Suffixes {
			if !allows(suf, registry.TypeIndividualBusiness) {
				t.Errorf("shop suffix %s is not an individual business form in the file", suf)
			}
		}
	}
	for _, f := range []string{"个人独资企业", "商行", "经营部", "厂", "中心", "工作室", "店"} {
		if !allows(f, registry.TypeSoleProprietorship) && !allows(f, registry.TypeIndividualBusiness) {
			t.Errorf("sole proprietorship form %s is not in the file", f)
		}
	}
	for _, f := range []string{"（有限合伙）", "（普通合伙）"} {
		if !allows(f, registry.TypePartnership) {
			t.Errorf("partnership form %s is not in the file", f)
		}
	}
	if !allows("专业合作社", registry.TypeFarmerCooperative) || !allows("分公司", registry.TypeBranch) {
		t.Error("cooperative or branch form missing from the file")
	}
	for _, f := range s.companyForms.items {
		if !allows(f, registry.TypeCompany) {
			t.Errorf("company form %s", f)
		}
	}
	if s.companyForms.len() < 4 {
		t.Errorf("company forms %v", s.companyForms.items)
	}
}

// Other prefectures get an even spread and their own names; outside Guangdong, where
// no townships are known, addresses go from the county straight to the road.
func TestOtherJurisdiction(t *testing.T) {
	for _, tc := range []struct{ code, address, abbr string }{
		{"440100", "广东省广州市", "(粤)"},
		{"110000", "北京市", "(京)"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			j, err := region.Default().Jurisdiction(tc.code)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Generate(Options{Entities: 2000, Today: testToday}, j)
			if err != nil {
				t.Fatal(err)
			}
			v := registry.NewValidator()
			for _, e := range c.Entities {
				if _, errs := v.Validate(e.Input(), testToday); len(errs) > 0 {
					t.Fatalf("%s: %v", e.Name, errs)
				}
				if !j.Contains(e.Region) || !strings.HasPrefix(e.Address, tc.address) || strings.Contains(e.Name, "湛江") {
					t.Fatalf("entity outside %s: %+v", tc.address, e)
				}
			}
			metrology := 0
			for _, o := range c.Organisations {
				if _, errs := v.ValidateOrganisation(o.Input()); len(errs) > 0 {
					t.Fatalf("%s: %v", o.Name, errs)
				}
				if o.Kind == registry.OrgMetrologyInstitution {
					metrology++
					if !strings.HasPrefix(o.AccreditationNo, tc.abbr) {
						t.Errorf("%s: %s", o.Name, o.AccreditationNo)
					}
				}
			}
			if metrology != 7 {
				t.Errorf("%d metrology institutions", metrology)
			}
		})
	}
}

func TestParseScaled(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{{"7.17", 71700, true}, {"0.0073", 73, true}, {"7", 70000, true}, {"7.123456", 0, false}, {"", 0, false}, {"-1", 0, false}} {
		got, err := parseScaled(tc.in, 4)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseScaled(%q) = %d, %v", tc.in, got, err)
		}
	}
}

// A million entities: the upper limit works and stays quick. Skipped with -short.
func TestGenerateMillion(t *testing.T) {
	if testing.Short() {
		t.Skip("a million entities: skipped with -short")
	}
	j := zhanjiang(t)
	start := time.Now()
	c, err := Generate(Options{Seed: 3, Entities: MaxEntities, Today: testToday}, j)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	t.Logf("generated %d entities in %s", len(c.Entities), elapsed)
	if len(c.Entities) != MaxEntities {
		t.Fatalf("%d entities", len(c.Entities))
	}
	if elapsed > 60*time.Second {
		t.Errorf("a million entities took %s", elapsed)
	}
	codes := make(map[string]struct{}, len(c.Entities))
	names := make(map[string]struct{}, len(c.Entities))
	for _, e := range c.Entities {
		if _, dup := codes[e.USCC]; dup {
			t.Fatalf("duplicate USCC %s", e.USCC)
		}
		if _, dup := names[e.Name]; dup {
			t.Fatalf("duplicate name %s", e.Name)
		}
		codes[e.USCC], names[e.Name] = struct{}{}, struct{}{}
	}
	v := registry.NewValidator()
	for i := 0; i < len(c.Entities); i += 997 {
		if _, errs := v.Validate(c.Entities[i].Input(), testToday); len(errs) > 0 {
			t.Fatalf("%s: %v", c.Entities[i].Name, errs)
		}
	}
}

func BenchmarkGenerate20k(b *testing.B) {
	j := zhanjiang(b)
	if _, err := loadStatic(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(Options{Seed: 1, Entities: 20000, Today: testToday}, j); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGenerate1M(b *testing.B) {
	if testing.Short() {
		b.Skip("a million entities: skipped with -short")
	}
	j := zhanjiang(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(Options{Seed: 1, Entities: MaxEntities, Today: testToday}, j); err != nil {
			b.Fatal(err)
		}
	}
}
