package nqi

import (
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/region"
)

// Level is the level of a standard (标准层级).
type Level string

const (
	LevelInternational Level = "international" // 国际标准: ISO, IEC, ITU, Codex, OIML
	LevelNational      Level = "national"      // 国家标准: GB, GB/T, GB/Z (and JJG/JJF metrology rules)
	LevelIndustry      Level = "industry"      // 行业标准: QB/T, SN/T, NY/T …
	LevelLocal         Level = "local"         // 地方标准: DB44/T, DB4408/T
	LevelGroup         Level = "group"         // 团体标准: T/CAS …
	LevelEnterprise    Level = "enterprise"    // 企业标准: Q/…
	LevelForeign       Level = "foreign"       // a foreign national or association standard (EN, ASTM, JIS …): a benchmark only
)

// Nature is whether a Chinese standard is mandatory (强制性), recommended (推荐性, /T)
// or guidance (指导性技术文件, /Z). International, group and enterprise standards are
// voluntary, here "recommended".
type Nature string

const (
	Mandatory   Nature = "mandatory"
	Recommended Nature = "recommended"
	Guidance    Nature = "guidance"
)

// StandardCode is a parsed standard number (标准编号): prefix, number and year.
type StandardCode struct {
	Text   string // canonical: "GB/T 19001-2016", "DB44/T 2234-2019", "ISO 22000:2018"
	Prefix string // "GB/T", "DB44/T", "T/ZJSP", "Q/ZJHX", "ISO/IEC"
	Number string // "19001", "4706.1", "0001S", "17025"
	Year   int
	Level  Level
	Nature Nature
	// Area is the GB/T 2260 code of a local standard's issuer: a province ("440000")
	// or, for city-level local standards (设区的市地方标准, since 2018), a prefecture
	// ("440800").
	Area string
}

// industryPrefixes are the industry-standard codes (行业标准代号) of the 行业标准管理
// rules as published by SAC, compiled by hand for qcity. DB alone (without area
// digits) is the earthquake industry's code, as the list has it.
var industryPrefixes = map[string]bool{
	"AQ": true, "BB": true, "CB": true, "CH": true, "CJ": true, "CY": true, "DA": true, "DB": true, "DL": true,
	"DZ": true, "EJ": true, "FZ": true, "GA": true, "GC": true, "GH": true, "GM": true, "GY": true, "HB": true,
	"HG": true, "HJ": true, "HS": true, "HY": true, "JB": true, "JC": true, "JG": true, "JR": true, "JT": true,
	"JY": true, "LB": true, "LD": true, "LS": true, "LY": true, "MH": true, "MT": true, "MZ": true, "NB": true,
	"NY": true, "QB": true, "QC": true, "QJ": true, "QX": true, "RB": true, "SB": true, "SC": true, "SF": true,
	"SH": true, "SJ": true, "SL": true, "SN": true, "SW": true, "SY": true, "TB": true, "TD": true, "TY": true,
	"WB": true, "WH": true, "WJ": true, "WM": true, "WS": true, "WW": true, "XB": true, "XF": true, "YB": true,
	"YC": true, "YD": true, "YS": true, "YY": true, "YZ": true, "ZY": true,
}

// internationalPrefixes are the bodies whose standards count as international: ISO,
// IEC and their joint work, ITU, Codex Alimentarius (CXS/CAC), OIML.
var internationalPrefixes = map[string]bool{"ISO": true, "IEC": true, "ISO/IEC": true, "IEC/ISO": true,
	"ISO/TS": true, "ISO/TR": true, "ISO/PAS": true, "IEC/TS": true, "IEC/TR": true, "ISO/IEC/IEEE": true,
	"ITU-T": true, "ITU-R": true, "CXS": true, "CAC": true, "CAC/GL": true, "CXG": true, "OIML": true, "OIML R": true}

// foreignPrefixes are common foreign and regional standards used as benchmarks.
var foreignPrefixes = map[string]bool{"EN": true, "BS": true, "BS EN": true, "DIN": true, "DIN EN": true,
	"NF": true, "JIS": true, "KS": true, "ANSI": true, "ASTM": true, "UL": true, "AS": true, "AS/NZS": true,
	"CSA": true, "GOST": true, "IEEE": true, "SAE": true, "API": true, "NSF": true, "AOAC": true, "AHRI": true,
	"ASHRAE": true, "ASME": true}

// ParseStandardCode parses a standard number as written: "GB/T 19001-2016",
// "GB/T19001—2016", "ＧＢ　２７６０－２０１４", "DB44/T 1234-2019", "DB4408/T 12-2020",
// "T/CAS 115-2005", "Q/ZJHX 0001S-2019", "ISO 9001:2015", "ISO/IEC 17025:2017",
// "IEC 60335-1:2020", "EN 60335-2-15:2016", "ASTM D6400-19". Two-digit years of old
// Chinese standards (GB 5749-85) are read as 19xx. regions checks the area of a local
// standard (DB + province or prefecture code).
//
// Returns EINVALID with key nqi.error.std_empty, nqi.error.std_format (not a standard
// number), nqi.error.std_prefix (an unknown body), nqi.error.std_year (no year or one
// outside 1946–2100) or nqi.error.std_area (a DB code whose area is not a province or
// prefecture of GB/T 2260).
func ParseStandardCode(s string, regions *region.Catalogue) (StandardCode, error) {
	t := strings.ToUpper(strings.TrimSpace(foldText(s)))
	t = strings.NewReplacer("—", "-", "－", "-", "／", "/", "：", ":").Replace(t)
	t = strings.Join(strings.Fields(t), " ")
	if t == "" {
		return StandardCode{}, qcity.Errorf(qcity.EINVALID, "nqi.error.std_empty")
	}
	bad := func(key string) (StandardCode, error) {
		return StandardCode{}, qcity.Errorf(qcity.EINVALID, key, "code", clip(s))
	}
	// Split the prefix (letters, slashes, digits of a DB area) from the number.
	prefix, rest := splitPrefix(t)
	if prefix == "" || rest == "" {
		return bad("nqi.error.std_format")
	}
	c := StandardCode{Prefix: prefix, Nature: Recommended}
	switch {
	case prefix == "GB" || prefix == "GB/T" || prefix == "GB/Z" || prefix == "JJG" || prefix == "JJF":
		c.Level, c.Nature = LevelNational, chineseNature(prefix)
	case strings.HasPrefix(prefix, "DB") && len(prefix) > 2 && isDigits(strings.TrimSuffix(strings.TrimSuffix(prefix[2:], "/T"), "/Z")):
		area := strings.TrimSuffix(strings.TrimSuffix(prefix[2:], "/T"), "/Z")
		switch len(area) {
		case 2:
			c.Area = area + "0000"
		case 4:
			c.Area = area + "00"
		default:
			return bad("nqi.error.std_area")
		}
		if regions != nil {
			d, ok := regions.Get(c.Area)
			if !ok || (len(area) == 2 && d.Level != 1) || (len(area) == 4 && d.Level != 2) {
				return bad("nqi.error.std_area")
			}
		}
		c.Level, c.Nature = LevelLocal, chineseNature(prefix)
	case strings.HasPrefix(prefix, "T/") && len(prefix) >= 4 && isAlnum(prefix[2:]):
		c.Level = LevelGroup
	case strings.HasPrefix(prefix, "Q/") && len(prefix) >= 3 && isAlnumDash(prefix[2:]):
		c.Level = LevelEnterprise
	case industryPrefixes[strings.TrimSuffix(strings.TrimSuffix(prefix, "/T"), "/Z")]:
		c.Level, c.Nature = LevelIndustry, chineseNature(prefix)
	case internationalPrefixes[prefix]:
		c.Level = LevelInternational
	case foreignPrefixes[prefix]:
		c.Level = LevelForeign
	default:
		return bad("nqi.error.std_prefix")
	}
	chinese := c.Level != LevelInternational && c.Level != LevelForeign
	var number, year string
	if chinese {
		// NUMBER-YEAR; the number may hold dots (parts) and, for enterprises, letters.
		i := strings.LastIndexByte(rest, '-')
		if i <= 0 {
			return bad("nqi.error.std_year")
		}
		number, year = rest[:i], rest[i+1:]
		if !isStdNumber(number, c.Level == LevelEnterprise || c.Level == LevelGroup) {
			return bad("nqi.error.std_format")
		}
	} else {
		// NUMBER[-PART]:YEAR; Codex writes NUMBER-YYYY and ASTM NUMBER-YY.
		if i := strings.LastIndexByte(rest, ':'); i > 0 {
			number, year = rest[:i], rest[i+1:]
		} else if i := strings.LastIndexByte(rest, '-'); i > 0 && (len(rest)-i-1 == 4 || len(rest)-i-1 == 2 && c.Level == LevelForeign) {
			number, year = rest[:i], rest[i+1:]
		} else {
			return bad("nqi.error.std_year")
		}
		if !isStdNumber(number, true) {
			return bad("nqi.error.std_format")
		}
	}
	y, err := strconv.Atoi(year)
	if err != nil || !isDigits(year) {
		return bad("nqi.error.std_year")
	}
	switch len(year) {
	case 2:
		if c.Level == LevelForeign {
			y += 1900
			if y < 1950 {
				y += 100
			}
		} else {
			y += 1900
		}
	case 4:
	default:
		return bad("nqi.error.std_year")
	}
	if y < 1946 || y > 2100 {
		return bad("nqi.error.std_year")
	}
	c.Number, c.Year = number, y
	// The separator and the year are kept as written: "ISO 9001:2015", "CXS 192-1995",
	// "GB 5749-85".
	c.Text = c.Prefix + " " + c.Number + rest[len(number):len(number)+1] + year
	return c, nil
}

// splitPrefix cuts "GB/T 19001-2016" into "GB/T" and "19001-2016", accepting a
// missing space ("GB/T19001-2016", "DB44/T1234-2019") and multi-word prefixes
// ("ISO/IEC 17025:2017", "OIML R 76-1:2006", "BS EN 1234:2010"). Group and enterprise
// codes (T/…, Q/…) run to the first space, since they may hold digits.
func splitPrefix(t string) (string, string) {
	for _, p := range []string{"OIML R", "BS EN", "DIN EN", "ITU-T", "ITU-R"} {
		if strings.HasPrefix(t, p+" ") {
			return p, strings.TrimSpace(t[len(p):])
		}
	}
	if (strings.HasPrefix(t, "T/") || strings.HasPrefix(t, "Q/")) && strings.IndexByte(t, ' ') > 2 {
		i := strings.IndexByte(t, ' ')
		return t[:i], strings.TrimSpace(t[i:])
	}
	i := 0
	for i < len(t) && (t[i] >= 'A' && t[i] <= 'Z' || t[i] == '/') {
		i++
	}
	if i == 2 && strings.HasPrefix(t, "DB") {
		// The area digits of a local standard belong to the prefix: DB44/T, DB4408.
		j := i
		for j < len(t) && t[j] >= '0' && t[j] <= '9' {
			j++
		}
		if j > i && j < len(t) && (t[j] == '/' || t[j] == ' ') {
			if strings.HasPrefix(t[j:], "/T") || strings.HasPrefix(t[j:], "/Z") {
				j += 2
			}
			return t[:j], strings.TrimSpace(t[j:])
		}
	}
	return strings.TrimRight(t[:i], "/"), strings.TrimSpace(t[i:])
}

func chineseNature(prefix string) Nature {
	switch {
	case strings.HasSuffix(prefix, "/T"):
		return Recommended
	case strings.HasSuffix(prefix, "/Z"):
		return Guidance
	case prefix == "JJF":
		return Recommended
	}
	return Mandatory
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isAlnum(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isAlnumDash(s string) bool {
	return isAlnum(strings.ReplaceAll(s, "-", ""))
}

// isStdNumber checks the number part: digits with dots or dashes for parts ("4706.1",
// "60335-2-15"), and, where letters is set, letters too ("0001S", "D6400", "R76-1").
func isStdNumber(s string, letters bool) bool {
	if s == "" || s[0] == '.' || s[0] == '-' || s[len(s)-1] == '.' || s[len(s)-1] == '-' {
		return false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == '-':
			if s[i-1] == '.' || s[i-1] == '-' {
				return false
			}
		case letters && c >= 'A' && c <= 'Z':
		default:
			return false
		}
	}
	return digits > 0 && len(s) <= 24
}
