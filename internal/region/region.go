// Package region is the catalogue of China's administrative divisions (行政区划) by
// their GB/T 2260 codes, down to the township level (乡、镇、街道) in Guangdong, and the
// jurisdiction (辖区) of a prefecture-level market-supervision bureau.
//
// The data is embedded at build time; nothing is read from disk at run time:
//
//   - data/gbt2260_divisions_2024.csv: provinces, prefectures and counties as of
//     2024-12-31, the Ministry of Civil Affairs list 中华人民共和国县以上行政区划代码
//     (the GB/T 2260 code list), transcribed by yescallop/areacodes, file
//     data/2024.txt, commit eed219a0678d36bacaa717f62443b10e869f0291, licence CC0 1.0.
//   - data/guangdong_towns_2023.csv: Guangdong's townships from the National Bureau of
//     Statistics 2023 统计用区划代码 (cut-off 2023-06-30), transcribed by
//     modood/Administrative-divisions-of-China, file dist/streets.csv, commit
//     57a0aa9cef47169a2eb74cf057b0245052a34e8c, licence WTFPL.
//
// Township codes are statistics codes (9 digits: the county code and three more), not
// GB/T 2260 codes, and exist here for Guangdong only. The townships of prefectures
// without counties (441900 东莞市, 442000 中山市) hang directly off the prefecture.
// Municipalities (北京、天津、上海、重庆) have no 110100-style 市辖区 row in the MCA
// list, so their districts hang directly off the province; likewise the county-level
// units administered by a province (省直辖县级行政单位, e.g. 429004 仙桃市).
package region

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"qcity"
)

// The levels of Division.Level.
const (
	LevelProvince   = 1 // 省级: province, autonomous region, municipality, SAR
	LevelPrefecture = 2 // 地级: prefecture-level city, prefecture, league
	LevelCounty     = 3 // 县级: district, county, county-level city, banner
	LevelTownship   = 4 // 乡级: township, town, sub-district (statistics codes)
)

// DefaultPrefecture is the GB/T 2260 code of 湛江市, the jurisdiction qcity serves
// unless configured otherwise (RULES.md §10).
const DefaultPrefecture = "440800"

// Division is one administrative division. Code is the 6-digit GB/T 2260 code for
// levels 1 to 3 and the 9-digit statistics code for level 4. ParentCode is empty for a
// province.
type Division struct {
	Code, Name, ParentCode string
	Level                  int
}

// Catalogue is an immutable set of divisions indexed by code. It is safe for
// concurrent use.
type Catalogue struct {
	byCode   map[string]Division
	children map[string][]Division // by parent code, sorted by code; "" holds the provinces
}

//go:embed data/gbt2260_divisions_2024.csv
var divisionsCSV []byte

//go:embed data/guangdong_towns_2023.csv
var townsCSV []byte

var defaultCatalogue = sync.OnceValue(func() *Catalogue {
	c, err := parse(bytes.NewReader(divisionsCSV), bytes.NewReader(townsCSV))
	if err != nil {
		panic("region: embedded data is corrupt: " + err.Error())
	}
	return c
})

// Default returns the catalogue of the embedded data, parsed on first use. It panics
// if the embedded data is corrupt, which the package tests rule out.
func Default() *Catalogue { return defaultCatalogue() }

// parse reads a catalogue from CSV files with the header code,name,parent_code,level,
// as embedded in this package. Rows may come in any order and across any number of
// files. Pseudo-divisions such as 440884 其它区, which some older code lists carry
// for "other districts", are dropped: they are no place and nothing hangs off them.
// parse checks that codes are well formed and unique, that every parent exists and
// sits at a higher level, and that a code starts with its parent's prefix.
func parse(files ...io.Reader) (*Catalogue, error) {
	c := &Catalogue{byCode: make(map[string]Division, 5000), children: make(map[string][]Division)}
	for _, f := range files {
		if err := c.read(f); err != nil {
			return nil, err
		}
	}
	for _, d := range c.byCode {
		if d.Level == LevelProvince {
			c.children[""] = append(c.children[""], d)
			continue
		}
		p, ok := c.byCode[d.ParentCode]
		if !ok {
			return nil, fmt.Errorf("%s %s: parent %s does not exist", d.Code, d.Name, d.ParentCode)
		}
		if p.Level >= d.Level {
			return nil, fmt.Errorf("%s %s: parent %s is at level %d, not above %d", d.Code, d.Name, p.Code, p.Level, d.Level)
		}
		if !strings.HasPrefix(d.Code, p.Code[:significant(p.Level)]) {
			return nil, fmt.Errorf("%s %s: code does not start with its parent's %s", d.Code, d.Name, p.Code)
		}
		c.children[p.Code] = append(c.children[p.Code], d)
	}
	for _, ds := range c.children {
		slices.SortFunc(ds, func(a, b Division) int { return strings.Compare(a.Code, b.Code) })
	}
	return c, nil
}

func (c *Catalogue) read(f io.Reader) error {
	r := csv.NewReader(f)
	r.FieldsPerRecord = 4
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	if strings.Join(head, ",") != "code,name,parent_code,level" {
		return fmt.Errorf("header %q, want code,name,parent_code,level", strings.Join(head, ","))
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		line, _ := r.FieldPos(0)
		level, err := strconv.Atoi(rec[3])
		if err != nil || level < LevelProvince || level > LevelTownship {
			return fmt.Errorf("line %d: level %q is not 1 to 4", line, rec[3])
		}
		d := Division{Code: rec[0], Name: rec[1], ParentCode: rec[2], Level: level}
		if err := checkCode(d); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if d.Name == "" {
			return fmt.Errorf("line %d: %s has no name", line, d.Code)
		}
		if isPseudo(d) {
			continue
		}
		if _, dup := c.byCode[d.Code]; dup {
			return fmt.Errorf("line %d: duplicate code %s", line, d.Code)
		}
		c.byCode[d.Code] = d
	}
}

// checkCode checks the shape of a row's codes: 6 digits for levels 1 to 3 (ending in
// 0000 for a province, 00 for a prefecture) and 9 digits for a township.
func checkCode(d Division) error {
	n := 6
	if d.Level == LevelTownship {
		n = 9
	}
	if len(d.Code) != n || !digits(d.Code) {
		return fmt.Errorf("code %q is not %d digits", d.Code, n)
	}
	switch {
	case d.Level == LevelProvince && d.Code[2:] != "0000",
		d.Level == LevelPrefecture && (d.Code[4:] != "00" || d.Code[2:4] == "00"),
		d.Level == LevelCounty && d.Code[4:] == "00":
		return fmt.Errorf("code %s does not fit level %d", d.Code, d.Level)
	}
	if (d.Level == LevelProvince) != (d.ParentCode == "") {
		return fmt.Errorf("%s: only a province has no parent", d.Code)
	}
	return nil
}

// isPseudo reports whether d is a placeholder row rather than a division: the
// "其它区" (other districts) codes such as 440884 that older GB/T 2260 transcriptions
// carry. RULES.md §10 says to ignore them.
func isPseudo(d Division) bool {
	return d.Level == LevelCounty && (d.Name == "其它区" || d.Name == "其他区")
}

// significant is the number of leading code digits that identify a division of the
// level: 2 for a province, 4 for a prefecture, 6 for a county.
func significant(level int) int { return 2 * level }

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Get returns the division with the code.
func (c *Catalogue) Get(code string) (Division, bool) {
	d, ok := c.byCode[code]
	return d, ok
}

// Children returns the divisions directly below code, sorted by code; the empty code
// gives the provinces. A municipality's children are its districts and counties
// (level 3); a prefecture's children are its counties, or for 东莞 and 中山 their
// townships. The slice is the caller's to keep.
func (c *Catalogue) Children(code string) []Division {
	return slices.Clone(c.children[code])
}

// Path returns the chain of divisions from the province down to code, or nil if code
// is unknown.
func (c *Catalogue) Path(code string) []Division {
	var path []Division
	for d, ok := c.byCode[code]; ok; d, ok = c.byCode[d.ParentCode] {
		path = append(path, d)
	}
	slices.Reverse(path)
	return path
}

// FullName returns the names along Path joined without separator, as written on
// Chinese addresses: "广东省湛江市霞山区". It returns "" for an unknown code.
func (c *Catalogue) FullName(code string) string {
	var b strings.Builder
	for _, d := range c.Path(code) {
		b.WriteString(d.Name)
	}
	return b.String()
}

// Jurisdiction is the area a prefecture-level bureau (市局) supervises: a prefecture and
// its county-level divisions, each with a county-level bureau (区县局). Build it with
// Catalogue.Jurisdiction.
type Jurisdiction struct {
	// Prefecture is the level-2 division, or for a municipality (直辖市) the level-1
	// division, which plays the prefecture's part.
	Prefecture Division
	// Counties are the county-level divisions directly below Prefecture, sorted by code.
	Counties []Division

	cat      *Catalogue
	counties map[string]Division
}

// Jurisdiction returns the jurisdiction of the bureau of the prefecture-level
// division code, such as DefaultPrefecture.
//
// The municipalities 北京 110000, 天津 120000, 上海 310000 and 重庆 500000 are accepted
// too: they are level-1 divisions, but their market-supervision bureau stands where a
// prefecture's would, with district and county bureaus below, and their districts hang
// directly off the province code. Other provinces, counties (including county-level
// cities under a province such as 429004 仙桃市) and unknown codes are refused.
//
// Returns EINVALID (key region.not_prefecture, argument code) if code is neither a
// prefecture nor a municipality.
func (c *Catalogue) Jurisdiction(code string) (*Jurisdiction, error) {
	d, ok := c.byCode[code]
	if !ok || !(d.Level == LevelPrefecture || IsMunicipality(code)) {
		return nil, qcity.Errorf(qcity.EINVALID, "region.not_prefecture", "code", code)
	}
	j := &Jurisdiction{Prefecture: d, cat: c, counties: make(map[string]Division)}
	for _, ch := range c.children[code] {
		if ch.Level == LevelCounty {
			j.Counties = append(j.Counties, ch)
			j.counties[ch.Code] = ch
		}
	}
	return j, nil
}

// IsMunicipality reports whether code is one of the four municipalities directly under
// the central government (直辖市): 北京, 天津, 上海 and 重庆.
func IsMunicipality(code string) bool {
	switch code {
	case "110000", "120000", "310000", "500000":
		return true
	}
	return false
}

// Contains reports whether code is in the jurisdiction: the prefecture itself, one of
// its counties, or a township of either. The answer comes from the catalogue, so it
// also rejects codes that do not exist; township codes are known for Guangdong only.
// For a plain prefix test on codes, see qcity.Actor.CoversRegion.
func (j *Jurisdiction) Contains(code string) bool {
	if code == j.Prefecture.Code {
		return true
	}
	if _, ok := j.counties[code]; ok {
		return true
	}
	d, ok := j.cat.byCode[code]
	if !ok || d.Level != LevelTownship {
		return false
	}
	_, ok = j.counties[d.ParentCode]
	return ok || d.ParentCode == j.Prefecture.Code
}

// County returns the county-level division code if it is one of the jurisdiction's
// counties.
func (j *Jurisdiction) County(code string) (Division, bool) {
	d, ok := j.counties[code]
	return d, ok
}
