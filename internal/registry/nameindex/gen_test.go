package nameindex

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// This file generates realistic synthetic names of market entities in Zhanjiang
// (湛江) for the benchmarks: the district or city, a 2-character 字号 drawn with a
// skewed distribution, an industry word and an organisational-form suffix, after
// shared/data/enterprise/org_form_suffixes_compiled.csv and industry_words_compiled.csv.

// zihaoChars are 360 characters common at positions 3 and 4 of company names (where
// the 字号 sits), most frequent first, from the counts in
// shared/data/enterprise/company_name_char_freq.csv (wainshine/Company-Names-Corpus,
// Apache-2.0), without place-name and form characters.
const zihaoChars = "华中金业电新大国通鑫恒信瑞科达泰德装源博力盛工美创化和兴龙能润城宏联康机品鼎保正光丰三地汇资筑万宝宇车诚众利嘉商星汽合鸿设阳环智成顺佳投凯家产永方富饰际生一发高百航物明远庄石世文亿特房水长邦医乐亚滨威奥易贸艺林人港子融绿农腾企森元隆运祥古云精尚动开辉平程立聚诺银锦蓝普路食网优油展荣益进务九飞景健泽晟药昌交鹏思翔捷育尔维浩出道伟峰空冠杰同日友拓雅铭爱之实胜圣旭弘川格惠洋械欧斯吉园气钢教迪技豪卓太服铁计宁盈升双悦酒锐昊基旅睿红汉五游外塑器强欣餐启禾驰民青晨财政告茂辰久制英巨裕理险赛全饮都名风材坤时越管君清控意仁防自岛慧彩骏桥修田超耀沃代行马学千传洁经疗料泉志络奇贝旺木消艾讯咨视恩四春朗丽神好店克振轩软微体莱洲得速具居济包迈燃销小唐第标晶图纳息密门多口兰硕备询扬数米影点宜佰来澳瀚印松乾怡本申派心件原花台领境帝纺誉致置"

var genDistricts = []struct{ name, code string }{
	{"赤坎区", "440802"}, {"霞山区", "440803"}, {"坡头区", "440804"}, {"麻章区", "440811"},
	{"遂溪县", "440823"}, {"徐闻县", "440825"}, {"廉江市", "440881"}, {"雷州市", "440882"},
	{"吴川市", "440883"},
}

// genIndustries are industry words with a GB/T 4754 class each.
var genIndustries = []struct{ word, code string }{
	{"食品", "1499"}, {"贸易", "5181"}, {"水产", "1361"}, {"电器", "3857"}, {"建材", "5165"},
	{"五金", "5174"}, {"餐饮", "6210"}, {"科技", "7512"}, {"粮油", "5121"}, {"豆制品", "1392"},
	{"调味品", "1461"}, {"塑料制品", "2929"}, {"防水材料", "3033"}, {"海水养殖", "0411"},
	{"保健品", "5126"}, {"家电", "5137"}, {"百货", "5211"}, {"小吃", "6291"}, {"种植", "0190"},
	{"冷链物流", "5990"}, {"检测技术", "7452"}, {"农产品", "5129"}, {"饲料", "1320"},
}

var (
	companySuffixes = []string{"有限公司", "有限公司", "有限公司", "有限公司", "有限公司", "有限公司",
		"有限责任公司", "有限责任公司", "股份有限公司", "有限公司湛江分公司", "中心（普通合伙）"}
	shopSuffixes = []string{"商行", "经营部", "便利店", "店", "餐厅", "饭店", "批发部", "门市部",
		"超市", "工作室", "商店", "档"}
	genSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
	genGiven    = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红建国志文辉斌鹏飞鑫波宁"
)

// skewed draws an index in [0, n) with a power-law bias towards small indexes.
func skewed(r *rand.Rand, n int) int {
	return min(int(float64(n)*math.Pow(r.Float64(), 2.5)), n-1)
}

// genDocs returns n deterministic synthetic documents with IDs 1..n: about 35 %
// companies, 60 % individual businesses and 5 % farmer co-operatives; a few percent
// have a former name.
func genDocs(n int, seed uint64) []Doc {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	zihao := []rune(zihaoChars)
	surnames, given := []rune(genSurnames), []rune(genGiven)
	name2 := func() string {
		return string(zihao[skewed(r, len(zihao))]) + string(zihao[skewed(r, len(zihao))])
	}
	statuses := []string{"active", "active", "active", "active", "active", "active", "revoked", "deregistered", "deregistered", "moved_out"}
	docs := make([]Doc, n)
	var b strings.Builder
	for i := range docs {
		dist := genDistricts[skewed(r, len(genDistricts))]
		ind := genIndustries[skewed(r, len(genIndustries))]
		d := Doc{ID: int64(i + 1), Region: dist.code, Industry: ind.code, Status: statuses[r.IntN(len(statuses))]}
		if r.IntN(3) == 0 {
			d.Region += fmt.Sprintf("%03d", 1+r.IntN(20)) // a township
		}
		b.Reset()
		switch k := r.IntN(100); {
		case k < 35:
			d.Type = "company"
			switch r.IntN(4) {
			case 0:
				b.WriteString("湛江")
			case 1:
				b.WriteString("湛江市")
			case 2:
				b.WriteString("湛江市" + dist.name)
			default:
				b.WriteString("广东")
			}
			if r.IntN(20) == 0 {
				b.WriteString("（" + dist.name[:len(dist.name)-3] + "）") // 湛江（霞山）…
			}
			b.WriteString(name2())
			b.WriteString(ind.word)
			b.WriteString(companySuffixes[skewed(r, len(companySuffixes))])
		case k < 95:
			d.Type = "individual_business"
			if r.IntN(10) == 0 {
				// Without a 字号: 个体工商户（张伟）.
				b.WriteString(dist.name + "个体工商户（" + string(surnames[skewed(r, len(surnames))]) + string(given[r.IntN(len(given))]) + "）")
				break
			}
			if r.IntN(2) == 0 {
				b.WriteString(dist.name)
			}
			b.WriteString(name2())
			if r.IntN(3) > 0 {
				b.WriteString(ind.word)
			}
			b.WriteString(shopSuffixes[skewed(r, len(shopSuffixes))])
		default:
			d.Type = "farmer_cooperative"
			d.Industry = "0190"
			b.WriteString(dist.name + name2() + []string{"种植", "养殖", "水果", "蔬菜"}[r.IntN(4)] + "专业合作社")
		}
		d.Name = b.String()
		if r.IntN(25) == 0 {
			d.Alt = []string{dist.name + name2() + ind.word + "商行"}
		}
		docs[i] = d
	}
	return docs
}

// sectionOf maps a GB/T 4754 code to its section by the division ranges of the
// standard.
func sectionOf(code string) string {
	if len(code) < 2 {
		return ""
	}
	if code[0] >= 'A' && code[0] <= 'Z' {
		return code[:1]
	}
	div := int(code[0]-'0')*10 + int(code[1]-'0')
	for _, s := range []struct {
		last int
		sec  string
	}{{5, "A"}, {12, "B"}, {43, "C"}, {46, "D"}, {50, "E"}, {52, "F"}, {60, "G"}, {62, "H"},
		{65, "I"}, {69, "J"}, {70, "K"}, {72, "L"}, {75, "M"}, {79, "N"}, {82, "O"}, {83, "P"},
		{85, "Q"}, {90, "R"}, {96, "S"}, {97, "T"}} {
		if div <= s.last {
			return s.sec
		}
	}
	return ""
}
