// Package screening is the joint-punishment screening service (联合惩戒信用核查) that
// procurement and bidding platforms call before an award: one violation, restricted
// everywhere (一处违法、处处受限). It matches the subjects a client sends against an
// in-memory index of restricted entities — by credit code first, otherwise by
// normalised name, former names and a similarity score — and answers with every
// restriction that applies to the client's purpose, its legal basis and the measure.
package screening

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"qcity/internal/region"
	"qcity/internal/registry/nameindex"
)

// Name is an enterprise name taken apart for matching.
//
// Chinese enterprise names are built as region + trade name (字号) + industry +
// organisation form, e.g. 广东省湛江市霞山区 + 海滨 + 水产 + 有限责任公司. Bidders write the
// same name in many ways: with or without the province and city, with full- or
// half-width brackets, with spaces, with the region in brackets after the trade name
// (海滨水产（湛江）有限公司), with 有限责任公司 for 有限公司. ParseName strips the
// province- and prefecture-level prefixes (they never tell two entities of one city
// apart), keeps the county-level one apart (two shops of one name in two districts
// are two entities), and canonicalises the organisation form.
type Name struct {
	Prefecture string // the prefecture-level city ("湛江市"), written or implied by the county
	County     string // the county-level region written in the name ("霞山区"), if any
	Core       string // trade name and industry, punctuation removed
	Form       string // canonical organisation form: "公司", "分公司", "合作社", "店", …; "" if none
}

// Key is the name's exact-match key: prefecture, county, core and form.
func (n Name) Key() string {
	return n.Prefecture + "|" + n.County + "|" + n.Core + "|" + n.Form
}

// LooseKey leaves the regions out, for names written without them.
func (n Name) LooseKey() string { return n.Core + "|" + n.Form }

// regionsCompatible reports whether two names' regions allow them to be one entity:
// each level equal or missing on one side.
func regionsCompatible(a, b Name) bool {
	return (a.Prefecture == b.Prefecture || a.Prefecture == "" || b.Prefecture == "") &&
		(a.County == b.County || a.County == "" || b.County == "")
}

// Empty reports whether nothing is left to match on.
func (n Name) Empty() bool { return n.Core == "" }

// forms maps organisation-form suffixes to their canonical form, longest first.
var forms = []struct{ suffix, form string }{
	{"股份有限公司", "公司"}, {"有限责任公司", "公司"}, {"有限公司", "公司"}, {"分公司", "分公司"}, {"公司", "公司"},
	{"农民专业合作社联合社", "合作社"}, {"农民专业合作社", "合作社"}, {"专业合作社", "合作社"}, {"合作社", "合作社"},
	{"个人独资企业", "独资企业"}, {"普通合伙", "合伙企业"}, {"有限合伙", "合伙企业"}, {"合伙企业", "合伙企业"},
	{"经营部", "经营部"}, {"门市部", "经营部"}, {"商行", "商行"}, {"工作室", "工作室"}, {"加工厂", "厂"}, {"厂", "厂"},
	{"商店", "店"}, {"店", "店"}, {"中心", "中心"}, {"馆", "馆"}, {"场", "场"},
}

// regionNames holds the names stripped as prefixes.
type regionNames struct {
	upper    map[string]bool   // province and prefecture names, full and short ("广东省", "广东", "湛江市", "湛江")
	pref     map[string]string // prefecture names, full and short, to the full name ("湛江" → "湛江市")
	county   map[string]bool   // county-level names, full only ("霞山区", "廉江市")
	countyOf map[string]string // county name → its prefecture's full name, where only one prefecture has it
	maxLen   int               // longest name, in runes
}

var defaultRegions = sync.OnceValue(func() *regionNames {
	return newRegionNames(region.Default())
})

// shortSuffixes are dropped to give the short form of a province or prefecture name.
var shortSuffixes = []string{"维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "地区", "省", "市", "盟"}

func newRegionNames(c *region.Catalogue) *regionNames {
	rn := &regionNames{upper: map[string]bool{}, pref: map[string]string{}, county: map[string]bool{}, countyOf: map[string]string{}}
	ambiguous := map[string]bool{}
	add := func(m map[string]bool, s string) {
		if utf8.RuneCountInString(s) < 2 {
			return
		}
		m[s] = true
		rn.maxLen = max(rn.maxLen, utf8.RuneCountInString(s))
	}
	var walk func(code, prefecture string)
	walk = func(code, prefecture string) {
		for _, d := range c.Children(code) {
			switch d.Level {
			case region.LevelProvince, region.LevelPrefecture:
				names := []string{d.Name}
				add(rn.upper, d.Name)
				for _, suf := range shortSuffixes {
					if short, ok := strings.CutSuffix(d.Name, suf); ok {
						add(rn.upper, short)
						names = append(names, short)
						break
					}
				}
				pref := ""
				if d.Level == region.LevelPrefecture || region.IsMunicipality(d.Code) {
					pref = d.Name
					for _, n := range names {
						rn.pref[n] = d.Name
					}
				}
				walk(d.Code, pref)
			case region.LevelCounty:
				if d.Name == "市辖区" {
					continue
				}
				add(rn.county, d.Name)
				if old, ok := rn.countyOf[d.Name]; ok && old != prefecture {
					ambiguous[d.Name] = true
				}
				rn.countyOf[d.Name] = prefecture
			}
		}
	}
	walk("", "")
	for n := range ambiguous {
		delete(rn.countyOf, n)
	}
	return rn
}

// ParseName takes a name apart. It never fails; a name of punctuation only gives an
// empty Core.
func ParseName(s string) Name { return parseName(s, defaultRegions()) }

func parseName(s string, rn *regionNames) Name {
	var n Name
	s = simplify(nameindex.Normalize(s))
	// Regions written in brackets anywhere ("海滨水产（湛江）有限公司") go first; other
	// bracketed words (普通合伙, a branch's 霞山) stay as text.
	s = stripBracketedRegions(s, rn, &n)
	s = stripPunct(s)
	// Leading province and prefecture names, then one county-level name.
	for {
		p, ok := longestPrefix(s, rn.upper, rn.maxLen)
		if !ok {
			break
		}
		if full, ok := rn.pref[p]; ok {
			n.Prefecture = full
		}
		s = s[len(p):]
	}
	if p, ok := longestPrefix(s, rn.county, rn.maxLen); ok {
		n.County, s = p, s[len(p):]
		if n.Prefecture == "" {
			n.Prefecture = rn.countyOf[p]
		}
	}
	for _, f := range forms {
		if rest, ok := strings.CutSuffix(s, f.suffix); ok && rest != "" {
			n.Form, s = f.form, rest
			break
		}
	}
	if n.Form == "分公司" {
		// 某某有限公司霞山分公司: the parent's form inside the core is canonicalised too.
		for _, f := range forms[:3] {
			s = strings.Replace(s, f.suffix, "公司", 1)
		}
	}
	n.Core = s
	return n
}

// longestPrefix finds the longest name in set that s starts with, leaving something after it.
func longestPrefix(s string, set map[string]bool, maxLen int) (string, bool) {
	best := ""
	i, runes := 0, 0
	for i < len(s) && runes < maxLen {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		runes++
		if i < len(s) && set[s[:i]] {
			best = s[:i]
		}
	}
	return best, best != ""
}

// stripBracketedRegions removes "(湛江)", "[广东省]" and the like: brackets holding only
// a region name.
func stripBracketedRegions(s string, rn *regionNames, n *Name) string {
	if !strings.ContainsAny(s, "([") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c == '(' || c == '[' {
			closer := byte(')')
			if c == '[' {
				closer = ']'
			}
			if j := strings.IndexByte(s[i+1:], closer); j >= 0 {
				inner := s[i+1 : i+1+j]
				if rn.upper[inner] || rn.county[inner] {
					if full, ok := rn.pref[inner]; ok {
						n.Prefecture = full
					}
					i += j + 2
					continue
				}
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// stripPunct keeps letters, digits and CJK, dropping brackets, dots, dashes, quotes.
func stripPunct(s string) string {
	clean := true
	for _, r := range s {
		if !keep(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if keep(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func keep(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '&' || r == '+'
}

// NormalizePerson folds a person's name for comparison: width, spaces and the middle
// dots of minority and foreign names (阿卜杜·艾尼 ≡ 阿卜杜艾尼).
func NormalizePerson(s string) string {
	return personDots.Replace(nameindex.Normalize(s))
}

var personDots = strings.NewReplacer("·", "", ".", "", "-", "")

// traditional maps the traditional characters common in enterprise names to their
// simplified forms (bidders from Hong Kong, Macao and Taiwan, and old seals).
var traditional = map[rune]rune{
	'產': '产', '業': '业', '貿': '贸', '電': '电', '華': '华', '東': '东', '廣': '广', '灣': '湾', '龍': '龙',
	'發': '发', '國': '国', '際': '际', '實': '实', '興': '兴', '機': '机', '設': '设', '備': '备', '區': '区',
	'縣': '县', '門': '门', '飲': '饮', '農': '农', '藥': '药', '醫': '医', '療': '疗', '環': '环', '學': '学',
	'術': '术', '達': '达', '豐': '丰', '億': '亿', '貨': '货', '運': '运', '車': '车', '輛': '辆', '銷': '销',
	'務': '务', '資': '资', '訊': '讯', '號': '号', '廠': '厂', '麗': '丽', '僑': '侨', '飾': '饰',
	'裝': '装', '鋼': '钢', '鐵': '铁', '鋁': '铝', '銅': '铜', '錦': '锦', '滙': '汇', '匯': '汇',
	'漁': '渔', '粵': '粤', '魚': '鱼', '蝦': '虾', '鮮': '鲜', '養': '养', '場': '场', '園': '园', '藝': '艺',
	'陽': '阳', '雲': '云', '強': '强', '聯': '联', '義': '义', '順': '顺', '寶': '宝', '愛': '爱', '樂': '乐',
	'網': '网', '絡': '络', '數': '数', '碼': '码', '測': '测', '檢': '检', '驗': '验', '質': '质', '標': '标',
	'準': '准', '認': '认', '證': '证', '記': '记', '們': '们', '來': '来', '時': '时', '間': '间', '長': '长',
	'萬': '万', '與': '与', '衛': '卫', '頭': '头', '島': '岛', '嶺': '岭', '濱': '滨', '灘': '滩',
	'穀': '谷', '麥': '麦', '蘭': '兰', '葉': '叶', '楊': '杨', '陳': '陈', '劉': '刘', '張': '张', '黃': '黄',
	'趙': '赵', '吳': '吴', '鄭': '郑', '馮': '冯', '蔣': '蒋', '鄧': '邓', '蕭': '萧', '盧': '卢', '羅': '罗',
	'遠': '远', '開': '开', '總': '总', '廈': '厦', '貴': '贵', '鴻': '鸿', '廳': '厅', '莊': '庄', '館': '馆', '鳳': '凤', '進': '进', '澤': '泽', '濟': '济', '價': '价', '優': '优', '創': '创', '點': '点', '紡': '纺', '織': '织', '銀': '银', '綠': '绿', '橋': '桥', '勝': '胜', '雙': '双', '漢': '汉', '輝': '辉', '氣': '气', '燈': '灯', '傳': '传', '營': '营', '個': '个', '體': '体', '經': '经', '閣': '阁', '樓': '楼', '鋪': '铺',
}

// simplify maps traditional characters to simplified ones.
func simplify(s string) string {
	for _, r := range s {
		if _, ok := traditional[r]; ok {
			return strings.Map(func(r rune) rune {
				if t, ok := traditional[r]; ok {
					return t
				}
				return r
			}, s)
		}
	}
	return s
}
