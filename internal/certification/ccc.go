package certification

import "strings"

// CCCCategory is a product category of the CCC catalogue (强制性产品认证目录) as the
// PPPP part of a certificate number gives it, with the product sampling categories
// (internal/sampling categories, 产品质量监督抽查) whose products it covers.
//
// UNCONFIRMED (RULES.md §8, open gap 5): the codes follow the CQC numbering as
// published by certification bodies; no CNCA text fixing them was found. They are data
// for display and for matching sampling failures to certificates, not a validation
// rule: CheckNumber accepts any plausible category.
type CCCCategory struct {
	Code     string
	Name     string   // Chinese name of the category
	Sampling []string // product sampling category paths it covers
	Words    []string // product words that identify it in a sample's product name
}

// CCCCategories lists the categories qcity knows.
var CCCCategories = []CCCCategory{
	{"0101", "电线组件", nil, []string{"电线组件", "电源线"}},
	{"0102", "额定电压450/750V及以下橡皮绝缘电线电缆", nil, []string{"橡皮绝缘"}},
	{"0103", "额定电压450/750V及以下聚氯乙烯绝缘电线电缆", []string{"电线电缆及电工产品/电线电缆"}, []string{"聚氯乙烯绝缘", "电线", "电缆"}},
	{"0201", "插头插座", []string{"电线电缆及电工产品/插头插座"}, []string{"插头", "插座", "转换器"}},
	{"0202", "家用和类似用途固定式电气装置的开关", []string{"电线电缆及电工产品/插头插座"}, []string{"开关"}},
	{"0301", "断路器", nil, []string{"断路器"}},
	{"0501", "电钻", nil, []string{"电钻"}},
	{"0701", "家用电冰箱和食品冷冻箱", []string{"家用电器/电冰箱"}, []string{"冰箱", "冷冻箱", "冷柜"}},
	{"0702", "电风扇", []string{"家用电器/电风扇"}, []string{"风扇", "落地扇", "台扇", "壁扇"}},
	{"0703", "空调器", []string{"家用电器/空调器"}, []string{"空调", "空气调节器"}},
	{"0705", "家用电动洗衣机", []string{"家用电器/洗衣机"}, []string{"洗衣机"}},
	{"0706", "电热水器", nil, []string{"电热水器"}},
	{"0709", "皮肤和毛发护理器具", []string{"家用电器/电吹风"}, []string{"电吹风", "吹风机", "卷发器"}},
	{"0711", "电磁灶", []string{"家用电器/电磁灶"}, []string{"电磁炉", "电磁灶", "电陶炉"}},
	{"0714", "微波炉", nil, []string{"微波炉"}},
	{"0717", "液体加热器和冷热饮水机", []string{"家用电器/电热水壶"}, []string{"电热水壶", "养生壶", "饮水机"}},
	{"0718", "电饭锅", []string{"家用电器/电饭锅"}, []string{"电饭锅", "电饭煲", "电压力锅"}},
	{"0807", "音视频设备", nil, []string{"电视机", "音响"}},
	{"0901", "微型计算机", nil, []string{"计算机", "电脑"}},
	{"0907", "电源", nil, []string{"适配器", "充电器"}},
	{"1001", "灯具", []string{"电线电缆及电工产品/LED灯具"}, []string{"灯具", "吸顶灯", "筒灯", "台灯"}},
	{"1002", "镇流器", nil, []string{"镇流器"}},
	{"1119", "电动自行车", []string{"燃气器具与交通产品/电动自行车"}, []string{"电动自行车"}},
	{"2101", "家用燃气灶具", []string{"燃气器具与交通产品/燃气灶具"}, []string{"燃气灶"}},
	{"2102", "家用燃气快速热水器", nil, []string{"燃气热水器"}},
}

// CCCCategoryOf returns the category of a code.
func CCCCategoryOf(code string) (CCCCategory, bool) {
	for _, c := range CCCCategories {
		if c.Code == code {
			return c, true
		}
	}
	return CCCCategory{}, false
}

// CoverFacts is what coverage needs of a certificate.
type CoverFacts struct {
	Scheme   Scheme
	Category string // CCC category code
	Product  string // product name(s) of a product certificate
	Scope    string // the scope of a management-system certificate
}

// SampleFacts is what coverage needs of a failed sample.
type SampleFacts struct {
	Category    string // sampling category path, e.g. 家用电器/电饭锅
	ProductName string
}

// Covers reports whether a certificate of the sampled producer covers the failed
// product (linked supervision, 联动监管). qcity's rule: only schemes about the product's
// quality count (product certificates, quality and food-safety systems); a CCC
// certificate covers the sampling categories of its product category, or a product
// whose name carries one of the category's words or the certificate's product name;
// another product certificate covers a product it names; a management-system
// certificate covers a product its scope names, by the product's name, the leaf of its
// category or the category's first level.
func Covers(c CoverFacts, s SampleFacts) bool {
	info, ok := InfoOf(c.Scheme)
	if !ok || !info.Quality {
		return false
	}
	name := strings.TrimSpace(s.ProductName)
	leaf, top := s.Category, s.Category
	if i := strings.LastIndexByte(s.Category, '/'); i >= 0 {
		leaf = s.Category[i+1:]
	}
	if i := strings.IndexByte(s.Category, '/'); i >= 0 {
		top = s.Category[:i]
	}
	if info.Kind == KindProduct {
		if cat, ok := CCCCategoryOf(c.Category); ok && c.Scheme == SchemeCCC {
			for _, p := range cat.Sampling {
				if p == s.Category {
					return true
				}
			}
			for _, w := range cat.Words {
				if name != "" && strings.Contains(name, w) {
					return true
				}
			}
		}
		for _, p := range splitProducts(c.Product) {
			if name != "" && (strings.Contains(name, p) || strings.Contains(p, name)) {
				return true
			}
		}
		return false
	}
	scope := c.Scope
	for _, w := range []string{name, leaf, top} {
		if len([]rune(w)) >= 2 && strings.Contains(scope, w) {
			return true
		}
	}
	return false
}

// splitProducts splits a certificate's product field on the separators people use.
func splitProducts(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == '，' || r == ',' || r == '；' || r == ';' || r == '/' || r == ' '
	})
	out := f[:0]
	for _, p := range f {
		if len([]rune(p)) >= 2 {
			out = append(out, p)
		}
	}
	return out
}
