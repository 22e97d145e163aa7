package region

import (
	"strings"
	"testing"

	"qcity"
)

// RULES.md §10: Zhanjiang and its nine county-level divisions.
func TestZhanjiangJurisdiction(t *testing.T) {
	t.Parallel()
	j, err := Default().Jurisdiction(DefaultPrefecture)
	if err != nil {
		t.Fatal(err)
	}
	if j.Prefecture != (Division{"440800", "湛江市", "440000", LevelPrefecture}) {
		t.Errorf("Prefecture = %+v", j.Prefecture)
	}
	want := []Division{
		{"440802", "赤坎区", "440800", 3},
		{"440803", "霞山区", "440800", 3},
		{"440804", "坡头区", "440800", 3},
		{"440811", "麻章区", "440800", 3},
		{"440823", "遂溪县", "440800", 3},
		{"440825", "徐闻县", "440800", 3},
		{"440881", "廉江市", "440800", 3},
		{"440882", "雷州市", "440800", 3},
		{"440883", "吴川市", "440800", 3},
	}
	if len(j.Counties) != len(want) {
		t.Fatalf("%d counties, want %d: %+v", len(j.Counties), len(want), j.Counties)
	}
	for i, w := range want {
		if j.Counties[i] != w {
			t.Errorf("county %d = %+v, want %+v", i, j.Counties[i], w)
		}
		if d, ok := j.County(w.Code); !ok || d != w {
			t.Errorf("County(%s) = %+v, %v", w.Code, d, ok)
		}
	}
}

// The data README: Zhanjiang has 125 townships, by county as listed there.
func TestZhanjiangTownships(t *testing.T) {
	t.Parallel()
	c := Default()
	want := map[string]int{
		"440881": 22, "440882": 22, "440823": 16, "440825": 15, "440883": 15,
		"440803": 12, "440802": 8, "440804": 8, "440811": 7,
	}
	j, _ := c.Jurisdiction(DefaultPrefecture)
	total := 0
	for _, county := range j.Counties {
		towns := c.Children(county.Code)
		if len(towns) != want[county.Code] {
			t.Errorf("%s %s: %d townships, want %d", county.Code, county.Name, len(towns), want[county.Code])
		}
		for _, d := range towns {
			if d.Level != LevelTownship || len(d.Code) != 9 || !strings.HasPrefix(d.Code, county.Code) {
				t.Errorf("bad township %+v", d)
			}
			if !j.Contains(d.Code) {
				t.Errorf("Contains(%s %s) = false", d.Code, d.Name)
			}
		}
		total += len(towns)
	}
	if total != 125 {
		t.Errorf("%d townships in Zhanjiang, want 125", total)
	}
}

func TestContains(t *testing.T) {
	t.Parallel()
	j, err := Default().Jurisdiction(DefaultPrefecture)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		code string
		want bool
	}{
		{"440800", true},     // the prefecture itself
		{"440803", true},     // 霞山区
		{"440883", true},     // 吴川市
		{"440803001", true},  // a township of 霞山区
		{"440000", false},    // the province is above the jurisdiction
		{"440100", false},    // 广州市
		{"440103", false},    // 荔湾区, Guangzhou
		{"440103001", false}, // 沙面街道, Guangzhou
		{"440884", false},    // pseudo-code 其它区
		{"440803999", false}, // no such township
		{"4408", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := j.Contains(tt.code); got != tt.want {
			t.Errorf("Contains(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
	if _, ok := j.County("440800"); ok {
		t.Error("County(440800) is the prefecture, not a county")
	}
	if _, ok := j.County("440803001"); ok {
		t.Error("County of a township")
	}
}

// Municipalities are accepted as jurisdictions (documented on Catalogue.Jurisdiction);
// provinces, counties and unknown codes are not.
func TestJurisdictionCodes(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		code     string
		counties int // -1: refused
	}{
		{"440800", 9},
		{"441900", 0}, // 东莞市: no counties, townships hang off the prefecture
		{"440100", 11},
		{"110000", 16}, // 北京市
		{"120000", 16}, // 天津市
		{"310000", 16}, // 上海市
		{"500000", 38}, // 重庆市: 26 districts and 12 counties
		{"440000", -1}, // a province
		{"460000", -1}, // 海南省: has county-level children of its own, still a province
		{"810000", -1}, // 香港
		{"440803", -1}, // a county
		{"429004", -1}, // 仙桃市, county-level under a province
		{"440803001", -1},
		{"440884", -1},
		{"110100", -1}, // no 市辖区 rows
		{"", -1},
		{"abc", -1},
	}
	for _, tt := range tests {
		j, err := c.Jurisdiction(tt.code)
		if tt.counties < 0 {
			var qe *qcity.Error
			if err == nil {
				t.Errorf("Jurisdiction(%q) succeeded", tt.code)
			} else if qe = qcity.AsError(err); qe.Code != qcity.EINVALID || qe.Key != "region.not_prefecture" || qe.Args["code"] != tt.code {
				t.Errorf("Jurisdiction(%q) error = %v", tt.code, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Jurisdiction(%q): %v", tt.code, err)
			continue
		}
		if len(j.Counties) != tt.counties {
			t.Errorf("Jurisdiction(%q): %d counties, want %d", tt.code, len(j.Counties), tt.counties)
		}
	}

	bj, _ := c.Jurisdiction("110000")
	for _, code := range []string{"110000", "110101", "110119"} {
		if !bj.Contains(code) {
			t.Errorf("Beijing does not contain %s", code)
		}
	}
	if bj.Contains("120101") {
		t.Error("Beijing contains Tianjin's 和平区")
	}

	dg, _ := c.Jurisdiction("441900")
	towns := c.Children("441900")
	if len(towns) == 0 || !dg.Contains(towns[0].Code) {
		t.Errorf("Dongguan does not contain its townships: %v", towns)
	}
}

func TestGet(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		code string
		want Division
		ok   bool
	}{
		{"440000", Division{"440000", "广东省", "", 1}, true},
		{"440800", Division{"440800", "湛江市", "440000", 2}, true},
		{"440803", Division{"440803", "霞山区", "440800", 3}, true},
		{"429004", Division{"429004", "仙桃市", "420000", 3}, true}, // 省直辖县级
		{"110101", Division{"110101", "东城区", "110000", 3}, true},
		{"440884", Division{}, false}, // pseudo-code
		{"110100", Division{}, false},
		{"", Division{}, false},
	}
	for _, tt := range tests {
		got, ok := c.Get(tt.code)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Get(%q) = %+v, %v; want %+v, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPathAndFullName(t *testing.T) {
	t.Parallel()
	c := Default()
	tests := []struct {
		code  string
		codes string // the path's codes
		name  string
	}{
		{"440803", "440000 440800 440803", "广东省湛江市霞山区"},
		{"440800", "440000 440800", "广东省湛江市"},
		{"440000", "440000", "广东省"},
		{"429004", "420000 429004", "湖北省仙桃市"},
		{"110101", "110000 110101", "北京市东城区"},
		{"", "", ""},
		{"999999", "", ""},
	}
	for _, tt := range tests {
		var codes []string
		for _, d := range c.Path(tt.code) {
			codes = append(codes, d.Code)
		}
		if got := strings.Join(codes, " "); got != tt.codes {
			t.Errorf("Path(%q) = %s, want %s", tt.code, got, tt.codes)
		}
		if got := c.FullName(tt.code); got != tt.name {
			t.Errorf("FullName(%q) = %q, want %q", tt.code, got, tt.name)
		}
	}
	// A township's full name runs through its county.
	towns := c.Children("440803")
	if got := c.FullName(towns[0].Code); got != "广东省湛江市霞山区"+towns[0].Name {
		t.Errorf("FullName(%s) = %q", towns[0].Code, got)
	}
}

// The data README: 34 provinces, 333 prefectures, 2,846 counties; Guangdong 144 rows at
// levels 1 to 3 and 1,757 townships; every parent exists.
func TestCatalogueCounts(t *testing.T) {
	t.Parallel()
	c := Default()
	byLevel := map[int]int{}
	guangdong := 0
	for code, d := range c.byCode {
		byLevel[d.Level]++
		if d.Level <= LevelCounty && strings.HasPrefix(code, "44") {
			guangdong++
		}
		if d.Level == LevelProvince {
			continue
		}
		p, ok := c.Get(d.ParentCode)
		if !ok || p.Level >= d.Level {
			t.Errorf("%s %s: bad parent %q", d.Code, d.Name, d.ParentCode)
		}
	}
	want := map[int]int{1: 34, 2: 333, 3: 2846, 4: 1757}
	for l, n := range want {
		if byLevel[l] != n {
			t.Errorf("level %d: %d divisions, want %d", l, byLevel[l], n)
		}
	}
	if guangdong != 144 {
		t.Errorf("Guangdong: %d divisions at levels 1-3, want 144", guangdong)
	}
	if n := len(c.Children("")); n != 34 {
		t.Errorf("Children(\"\"): %d provinces, want 34", n)
	}
}

func TestChildrenSortedAndOwned(t *testing.T) {
	t.Parallel()
	c := Default()
	for code := range c.children {
		ch := c.Children(code)
		for i := 1; i < len(ch); i++ {
			if ch[i-1].Code >= ch[i].Code {
				t.Fatalf("Children(%q) not sorted at %d", code, i)
			}
		}
	}
	ch := c.Children("440800")
	ch[0].Name = "changed"
	if c.Children("440800")[0].Name == "changed" {
		t.Error("Children returns the catalogue's own slice")
	}
	if c.Children("440803001") != nil {
		t.Error("a township has children")
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const head = "code,name,parent_code,level\n"
	tests := []struct {
		name, csv, want string
	}{
		{"header", "code,name,level\n", "header"},
		{"fields", head + "440000,广东省,\n", "wrong number of fields"},
		{"level", head + "440000,广东省,,5\n", "level"},
		{"code", head + "44000,广东省,,1\n", "not 6 digits"},
		{"letters", head + "44000x,广东省,,1\n", "not 6 digits"},
		{"province code", head + "440100,广东省,,1\n", "does not fit"},
		{"province parent", head + "440000,广东省,110000,1\n", "only a province"},
		{"no name", head + "440000,,,1\n", "no name"},
		{"duplicate", head + "440000,广东省,,1\n440000,广东省,,1\n", "duplicate"},
		{"missing parent", head + "440000,广东省,,1\n440803,霞山区,440800,3\n", "does not exist"},
		{"parent level", head + "440000,广东省,,1\n440800,湛江市,440000,2\n440803,霞山区,440800,3\n440900,茂名市,440803,2\n", "not above"},
		{"prefix", head + "440000,广东省,,1\n450000,广西,,1\n450100,南宁市,440000,2\n", "does not start"},
		{"township", head + "440000,广东省,,1\n440800,湛江市,440000,2\n440803,霞山区,440800,3\n440804001,x,440803,4\n", "does not start"},
	}
	for _, tt := range tests {
		_, err := parse(strings.NewReader(tt.csv))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// RULES.md §10: ignore pseudo-code 440884 其它区 should a code list carry it.
func TestParseSkipsPseudoCodes(t *testing.T) {
	t.Parallel()
	c, err := parse(strings.NewReader("code,name,parent_code,level\n" +
		"440000,广东省,,1\n440800,湛江市,440000,2\n440803,霞山区,440800,3\n440884,其它区,440800,3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("440884"); ok {
		t.Error("440884 其它区 kept")
	}
	j, err := c.Jurisdiction("440800")
	if err != nil || len(j.Counties) != 1 {
		t.Errorf("Jurisdiction = %+v, %v", j, err)
	}
}

func BenchmarkGet(b *testing.B) {
	c := Default()
	codes := []string{"440803", "440803001", "110101", "999999"}
	for i := 0; b.Loop(); i++ {
		c.Get(codes[i%len(codes)])
	}
}

func BenchmarkContains(b *testing.B) {
	j, _ := Default().Jurisdiction(DefaultPrefecture)
	codes := []string{"440803", "440803001", "440103001", "999999"}
	for i := 0; b.Loop(); i++ {
		j.Contains(codes[i%len(codes)])
	}
}

func BenchmarkDefaultParse(b *testing.B) {
	for b.Loop() {
		if _, err := parse(strings.NewReader(string(divisionsCSV)), strings.NewReader(string(townsCSV))); err != nil {
			b.Fatal(err)
		}
	}
}
