package demo

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
	"unicode/utf8"
)

//go:embed data/company_name_char_freq.csv
var charFreqCSV []byte

//go:embed data/industry_words_compiled.csv
var industryWordsCSV []byte

//go:embed data/org_form_suffixes_compiled.csv
var orgFormsCSV []byte

//go:embed data/surnames_faker_zh_cn.csv
var surnamesCSV []byte

//go:embed data/given_names_faker_zh_cn.csv
var givenNamesCSV []byte

// sourceData is the embedded reference data, parsed once. It holds no randomness:
// everything a seed decides is drawn in Generate.
type sourceData struct {
	brandFirst  weighted[string] // 字号 first characters: position 3 of real names
	brandSecond weighted[string] // 字号 second characters: position 4
	words       []industryWord   // 行业表述 with their GB/T 4754 hints, in file order
	wordHints   map[string][]string
	forms       map[string][]string // 组织形式 suffix → the entity types the file allows it for
	surnames    weighted[string]
	givenNames  []string
}

// industryWord is one row of industry_words_compiled.csv.
type industryWord struct {
	Word  string
	Hints []string // GB/T 4754 codes with their section letter ("C14"), or nil for 综合
}

var loadData = sync.OnceValues(func() (*sourceData, error) {
	d := &sourceData{wordHints: map[string][]string{}, forms: map[string][]string{}}
	var err error
	if d.brandFirst, d.brandSecond, err = readCharFreq(charFreqCSV); err != nil {
		return nil, fmt.Errorf("company_name_char_freq.csv: %w", err)
	}
	if err := readCSV(industryWordsCSV, "industry_word,gbt4754_hint", func(rec []string) error {
		w := industryWord{Word: rec[0]}
		if !strings.HasPrefix(rec[1], "(") {
			w.Hints = strings.Split(rec[1], "/")
		}
		if _, dup := d.wordHints[w.Word]; dup {
			return fmt.Errorf("duplicate word %s", w.Word)
		}
		d.words = append(d.words, w)
		d.wordHints[w.Word] = w.Hints
		return nil
	}); err != nil {
		return nil, fmt.Errorf("industry_words_compiled.csv: %w", err)
	}
	if err := readCSV(orgFormsCSV, "suffix,entity_type,typical_use,example", func(rec []string) error {
		if rec[0] != "" {
			d.forms[rec[0]] = formTypes(rec[1])
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("org_form_suffixes_compiled.csv: %w", err)
	}
	if err := readCSV(surnamesCSV, "rank,surname,percent", func(rec []string) error {
		w, err := parseScaled(rec[2], 4)
		if err != nil || w <= 0 {
			return fmt.Errorf("surname %s: percent %q", rec[1], rec[2])
		}
		d.surnames.add(rec[1], uint64(w)*uint64(localSurnameBoost(rec[1])))
		return nil
	}); err != nil {
		return nil, fmt.Errorf("surnames_faker_zh_cn.csv: %w", err)
	}
	if err := readCSV(givenNamesCSV, "given_name,gender", func(rec []string) error {
		d.givenNames = append(d.givenNames, rec[0])
		return nil
	}); err != nil {
		return nil, fmt.Errorf("given_names_faker_zh_cn.csv: %w", err)
	}
	if d.surnames.len() == 0 || len(d.givenNames) == 0 || len(d.words) == 0 {
		return nil, fmt.Errorf("empty name or industry data")
	}
	return d, nil
})

// readCSV reads an embedded CSV with the given header, calling fn for every record.
func readCSV(b []byte, header string, fn func(rec []string) error) error {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = strings.Count(header, ",") + 1
	head, err := r.Read()
	if err != nil {
		return err
	}
	if strings.Join(head, ",") != header {
		return fmt.Errorf("header %q, want %q", strings.Join(head, ","), header)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			line, _ := r.FieldPos(0)
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
}

// Brand characters: the corpus counts characters by position in about 4.8 million real
// names. Positions 3 and 4 follow a two-character place name (广州, 深圳), so they are
// mostly the 字号; names with a three-character place (湛江市) or a province (广东省)
// put 市, 省 or the district there, and stopChars removes those. Only the commonest
// characters are kept (minBrandCount), which keeps rare, archaic and unfortunate
// characters out of the city.
const minBrandCount = 2000

// stopChars are characters frequent at positions 3–4 that are not 字号 material: parts
// of place names and organisational forms, industry words (which belong after the
// 字号), words a name may not use without approval (国, 中, 军), and a few that read
// oddly in a random pair.
const stopChars = "市省县区州中国公司有限责任股份业厂店部行院所站局会社村镇乡街路号室楼庄京沪渝津港澳台粤闽浙苏湘鲁豫晋皖赣桂琼冀辽陕杭深广上" +
	"装饰汽车医药疗房地产贸易务育教学程筑设投资物流网络餐饮食品服管理商咨询酒旅游农牧渔养殖种植机械电器材料化工建技术实" +
	"劳保险告息讯件具属售输销测检修运油气煤矿钢铁铝塑胶纸印刷包纺织燃废货营经计政型用场厦屋间团集控传媒照影视动能消防空调" +
	"冷梯锈线码璃玻陶瓷橡木门窗牌氏第一二四六七八十人子出口进外内不之为可来对度态年月日目里本无至今未自代专户项原索派法雨真" +
	"移皇帝神军警客点巴阿哈王凡沙租才加义际企交制体置水五造重船供节现知模净图米热速前多快时数软微小厚固顶御仪标卡首备密压" +
	"划策研境舶士色球纪寿然象味果都谷土域观典牛伦玛"

func readCharFreq(b []byte) (first, second weighted[string], err error) {
	err = readCSV(b, "position,char,count", func(rec []string) error {
		if rec[0] != "3" && rec[0] != "4" {
			return nil
		}
		n, err := strconv.Atoi(rec[2])
		if err != nil {
			return fmt.Errorf("count %q", rec[2])
		}
		c, size := utf8.DecodeRuneInString(rec[1])
		if n < minBrandCount || size != len(rec[1]) || c < 0x4E00 || c > 0x9FFF || strings.ContainsRune(stopChars, c) {
			return nil
		}
		if rec[0] == "3" {
			first.add(rec[1], uint64(n))
		} else {
			second.add(rec[1], uint64(n))
		}
		return nil
	})
	if err == nil && (first.len() < 100 || second.len() < 100) {
		err = fmt.Errorf("too few brand characters: %d and %d", first.len(), second.len())
	}
	return first, second, err
}

// formTypes maps the file's 市场主体类型 column to entity types; "个体工商户（无字号）"
// and other descriptions that name several types give several.
func formTypes(desc string) []string {
	var out []string
	for _, m := range []struct{ text, typ string }{
		{"有限责任公司", "company"}, {"股份有限公司", "company"}, {"分支机构", "branch"},
		{"合伙企业", "partnership"}, {"个人独资企业", "sole_proprietorship"},
		{"个体工商户", "individual_business"}, {"农民专业合作社", "farmer_cooperative"},
	} {
		if strings.Contains(desc, m.text) && !slices.Contains(out, m.typ) {
			out = append(out, m.typ)
		}
	}
	return out
}

// parseScaled parses a non-negative decimal such as "7.17" as an integer in units of
// 10^-places, without floating point, so weights are the same on every platform.
func parseScaled(s string, places int) (int64, error) {
	ip, fp, _ := strings.Cut(s, ".")
	if ip == "" || len(fp) > places {
		return 0, fmt.Errorf("bad decimal %q", s)
	}
	fp += strings.Repeat("0", places-len(fp))
	n, err := strconv.ParseInt(ip+fp, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad decimal %q", s)
	}
	return n, nil
}

// localSurnameBoost multiplies the national share of surnames that are markedly more
// common in western Guangdong (粤西) than in China as a whole. The figures are a
// judgement, not a statistic: the Faker list gives national shares only.
func localSurnameBoost(s string) int {
	switch s {
	case "陈", "梁":
		return 3
	case "黄", "林", "吴":
		return 2
	case "庞", "莫":
		return 4
	}
	return 1
}
