package certification

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Scheme is a certification scheme (认证类别): compulsory product certification, a
// management system, organic products or voluntary product certification.
type Scheme string

const (
	SchemeCCC       Scheme = "ccc"       // 强制性产品认证 (CCC)
	SchemeISO9001   Scheme = "iso9001"   // 质量管理体系认证
	SchemeISO14001  Scheme = "iso14001"  // 环境管理体系认证
	SchemeISO45001  Scheme = "iso45001"  // 职业健康安全管理体系认证
	SchemeISO22000  Scheme = "iso22000"  // 食品安全管理体系认证
	SchemeHACCP     Scheme = "haccp"     // 危害分析与关键控制点（HACCP）体系认证
	SchemeISO50001  Scheme = "iso50001"  // 能源管理体系认证
	SchemeISO27001  Scheme = "iso27001"  // 信息安全管理体系认证
	SchemeGB29490   Scheme = "gb29490"   // 知识产权管理体系认证
	SchemeOrganic   Scheme = "organic"   // 有机产品认证
	SchemeVoluntary Scheme = "voluntary" // 自愿性产品认证
)

// Kind groups schemes by the fields their certificates carry (RULES.md §8): product
// certificates (CCC Art. 7) name products, models, manufacturer and factory;
// management-system certificates (Art. 9) an organisation, address and scope.
type Kind string

const (
	KindProduct    Kind = "product"
	KindManagement Kind = "management"
)

// SchemeInfo describes a scheme.
type SchemeInfo struct {
	Scheme Scheme
	Kind   Kind
	// Standard is the usual standard a certificate of the scheme names.
	Standard string
	// MaxYears is the longest validity qcity accepts: CCC 5 years (强制性产品认证管理规定
	// Art. 22); a management-system certification cycle 3 years (ISO/IEC 17021-1);
	// organic products 1 year (有机产品认证实施规则); voluntary product certificates 5.
	MaxYears int
	// Letters are the system letters of the body convention for management-system
	// numbers (RULES.md §8: Q = ISO 9001, E = 14001, S = 45001). Empty: none known.
	Letters []string
	// ScopeTerms are the words of a body's approved scope (批准范围) that cover the
	// scheme, as CNCA approvals list them.
	ScopeTerms []string
	// Quality reports whether a failed sample of the holder's product concerns the
	// certificate (linked supervision): product certificates and the quality and
	// food-safety systems, not environment, safety, energy, information or IP.
	Quality bool
}

// Schemes lists the schemes in display order.
var Schemes = []SchemeInfo{
	{SchemeCCC, KindProduct, "", 5, nil, []string{"强制性产品认证"}, true},
	{SchemeISO9001, KindManagement, "GB/T 19001-2016/ISO 9001:2015", 3, []string{"Q"}, []string{"质量管理体系"}, true},
	{SchemeISO14001, KindManagement, "GB/T 24001-2016/ISO 14001:2015", 3, []string{"E"}, []string{"环境管理体系"}, false},
	{SchemeISO45001, KindManagement, "GB/T 45001-2020/ISO 45001:2018", 3, []string{"S"}, []string{"职业健康安全管理体系"}, false},
	{SchemeISO22000, KindManagement, "GB/T 22000-2006/ISO 22000:2005", 3, []string{"F", "FSMS"}, []string{"食品安全管理体系"}, true},
	{SchemeHACCP, KindManagement, "GB/T 27341-2009", 3, []string{"H"}, []string{"HACCP", "危害分析与关键控制点"}, true},
	{SchemeISO50001, KindManagement, "GB/T 23331-2020/ISO 50001:2018", 3, []string{"EN", "En"}, []string{"能源管理体系"}, false},
	{SchemeISO27001, KindManagement, "GB/T 22080-2016/ISO/IEC 27001:2013", 3, []string{"I", "IS"}, []string{"信息安全管理体系"}, false},
	{SchemeGB29490, KindManagement, "GB/T 29490-2023", 3, []string{"IP"}, []string{"知识产权管理体系"}, false},
	{SchemeOrganic, KindProduct, "GB/T 19630-2019", 1, nil, []string{"有机产品"}, true},
	{SchemeVoluntary, KindProduct, "", 5, nil, []string{"自愿性产品认证"}, true},
}

// InfoOf returns the description of a scheme.
func InfoOf(s Scheme) (SchemeInfo, bool) {
	for _, i := range Schemes {
		if i.Scheme == s {
			return i, true
		}
	}
	return SchemeInfo{}, false
}

// BodyCovers reports whether a certification body's approved scope, as the text the
// registry holds ("质量管理体系认证；环境管理体系认证；…"), covers the scheme.
func BodyCovers(scope string, s Scheme) bool {
	info, ok := InfoOf(s)
	if !ok {
		return false
	}
	for _, t := range info.ScopeTerms {
		if strings.Contains(scope, t) {
			return true
		}
	}
	return false
}

// NormalizeNumber turns a certificate number as people type it into its canonical
// form: full-width characters made half-width, spaces and the separators printed
// between groups removed, letters upper-cased.
func NormalizeNumber(s string) string {
	s = width.Narrow.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// MaxNumberLen is the longest certificate number accepted.
const MaxNumberLen = 40

// NumberCheck is what a number says about itself, checked against one scheme's format.
type NumberCheck struct {
	Scheme Scheme `json:"scheme"`
	OK     bool   `json:"ok"`
	// Key and Args explain the first problem found (a locale key cert.number.*).
	Key  string         `json:"key,omitempty"`
	Args map[string]any `json:"args,omitempty"`
	// The parts a well-formed number carries.
	Year     int    `json:"year,omitempty"`      // first-issue year (CCC) or year (conventions)
	BodyCode string `json:"body_code,omitempty"` // the body's code in the number
	Category string `json:"category,omitempty"`  // CCC product category (PPPP)
	Letter   string `json:"system,omitempty"`    // management-system letter
	// Convention reports whether a management-system or voluntary number follows the
	// bodies' convention; a number that does not is still accepted (loose validation).
	Convention bool `json:"convention,omitempty"`
}

func bad(s Scheme, key string, args ...any) NumberCheck {
	c := NumberCheck{Scheme: s, Key: key}
	if len(args) > 0 {
		c.Args = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			c.Args[args[i].(string)] = args[i+1]
		}
	}
	return c
}

var (
	// msConvention: BBB YY {letters} NNNNN R<cycle> {S|M|L}, optionally /NNNN (a branch
	// office suffix some bodies print), e.g. 03410Q10286R0S, 00118Q31234R2M/3500.
	msConvention = regexp.MustCompile(`^(\d{3})(\d{2})([A-Z][A-Za-z]{0,3})(\d{4,6})R(\d{1,2})([SML])(/\d{4})?$`)
	// organicFormat: BBB OP YY NNNNN[-n] (unified CNCA numbering).
	organicFormat = regexp.MustCompile(`^(\d{3})OP(\d{2})(\d{5})(-\d{1,2})?$`)
)

// numberChars reports the first character a number may not contain: letters, digits
// and - / ( ) are allowed.
func numberChars(n string) (rune, int, bool) {
	for i, r := range n {
		if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r == '-' || r == '/' || r == '(' || r == ')' {
			continue
		}
		return r, utf8.RuneCountInString(n[:i]) + 1, false
	}
	return 0, 0, true
}

// CheckNumber checks a normalised number against the format of scheme (RULES.md §8).
// maxYear is the latest year a number may carry (the issue year, or today's year for a
// number being verified).
//
//   - CCC: 16 digits, YYYY CC PPPP NNNNNN: first-issue year (2002, the first year of
//     CCC certificates, to maxYear), body code (not 00), product category (major 01–30,
//     minor not 00), sequence (not all zeros). Strict.
//   - Organic: BBB OP YY NNNNN[-n]. Strict.
//   - Management systems and voluntary product certificates: loose — 6 to 40 letters,
//     digits and - / ( ); a number that follows the bodies' convention BBB YY {Q|E|S}
//     NNNNN R<cycle> {S|M|L} must carry its scheme's system letter.
func CheckNumber(s Scheme, n string, maxYear int) NumberCheck {
	info, ok := InfoOf(s)
	if !ok {
		return bad(s, "cert.number.scheme_unknown")
	}
	if n == "" {
		return bad(s, "cert.number.empty")
	}
	if l := utf8.RuneCountInString(n); l > MaxNumberLen {
		return bad(s, "cert.number.too_long", "max", MaxNumberLen)
	}
	if r, pos, ok := numberChars(n); !ok {
		return bad(s, "cert.number.char", "char", strconv.QuoteRune(r), "pos", pos)
	}
	switch {
	case s == SchemeCCC:
		return checkCCC(n, maxYear)
	case s == SchemeOrganic:
		m := organicFormat.FindStringSubmatch(n)
		if m == nil {
			return bad(s, "cert.number.organic_format")
		}
		yy, _ := strconv.Atoi(m[2])
		year := 2000 + yy
		if year > maxYear {
			return bad(s, "cert.number.year_future", "year", year)
		}
		return NumberCheck{Scheme: s, OK: true, BodyCode: m[1], Year: year}
	}
	if len(n) < 6 {
		return bad(s, "cert.number.too_short", "min", 6)
	}
	c := NumberCheck{Scheme: s, OK: true}
	if m := msConvention.FindStringSubmatch(n); m != nil {
		c.Convention, c.BodyCode, c.Letter = true, m[1], m[3]
		yy, _ := strconv.Atoi(m[2])
		c.Year = 2000 + yy
		if len(info.Letters) > 0 && !containsFold(info.Letters, c.Letter) && info.Kind == KindManagement {
			return bad(s, "cert.number.system_letter", "letter", c.Letter, "want", info.Letters[0])
		}
		if c.Year > maxYear {
			return bad(s, "cert.number.year_future", "year", c.Year)
		}
	}
	return c
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// FirstCCCYear is the year of the first CCC certificates.
const FirstCCCYear = 2002

func checkCCC(n string, maxYear int) NumberCheck {
	if len(n) != 16 {
		return bad(SchemeCCC, "cert.number.ccc_length", "got", utf8.RuneCountInString(n))
	}
	for i := 0; i < 16; i++ {
		if n[i] < '0' || n[i] > '9' {
			return bad(SchemeCCC, "cert.number.ccc_digits", "pos", i+1)
		}
	}
	year, _ := strconv.Atoi(n[:4])
	if year < FirstCCCYear || year > maxYear {
		return bad(SchemeCCC, "cert.number.ccc_year", "year", year, "min", FirstCCCYear, "max", maxYear)
	}
	if n[4:6] == "00" {
		return bad(SchemeCCC, "cert.number.ccc_body")
	}
	major, _ := strconv.Atoi(n[6:8])
	if major < 1 || major > 30 || n[8:10] == "00" {
		return bad(SchemeCCC, "cert.number.ccc_category", "category", n[6:10])
	}
	if n[10:] == "000000" {
		return bad(SchemeCCC, "cert.number.ccc_sequence")
	}
	return NumberCheck{Scheme: SchemeCCC, OK: true, Year: year, BodyCode: n[4:6], Category: n[6:10]}
}

// GuessScheme names the scheme whose format an unknown number has: CCC for 16 digits,
// organic for BBB OP YY NNNNN, a management system by the system letter of the
// convention. It returns "" when the number has no recognisable format.
func GuessScheme(n string) Scheme {
	switch {
	case len(n) == 16 && strings.Trim(n, "0123456789") == "":
		return SchemeCCC
	case organicFormat.MatchString(n):
		return SchemeOrganic
	}
	if m := msConvention.FindStringSubmatch(n); m != nil {
		for _, i := range Schemes {
			if i.Kind == KindManagement && containsFold(i.Letters, m[3]) {
				return i.Scheme
			}
		}
		return SchemeVoluntary
	}
	return ""
}
