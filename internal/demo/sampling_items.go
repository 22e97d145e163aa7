package demo

import (
	"fmt"
	"strconv"
	"strings"
)

// This file holds the test items (检验项目) the demo's samples are tested for: each
// with its unit, its limit as a lab writes it, the standard that sets it, what
// passing and failing results look like, and the cause a failure is counted under in
// the national statistics (农药残留, 微生物污染, 食品添加剂, 重金属, 兽药残留, 有机物,
// 质量指标, 生物毒素).
//
// Limits follow the standards in force in 2018–2020 as announcements cite them:
// GB 2762-2017 (contaminants), GB 2761-2017 (mycotoxins), GB 2760-2014 (additives),
// GB 2763-2016 and GB 2763-2019 (pesticides; the 2019 edition from 2019-08-15),
// 农业部公告第235号 and from 2020-04-01 GB 31650-2019 (veterinary drugs), the
// product hygiene standards (GB 7099-2015 for 糕点 and so on) and, for manufactured
// products, the safety standards (GB 4706 for household appliances, GB/T 5023 for
// cables, GB 18401 and GB 31701 for textiles). The values that
// ../shared/data/limits names are used as given there (毒死蜱 on 芹菜 ≤0.05, 镉 on 虾蛄
// ≤0.5, 菌落总数 on 蜜饯, 过氧化值 on 坚果 and 腌腊肉制品, 吡虫啉 on 香蕉 …); the others
// are the values of the standards as commonly quoted. They make believable demo
// records; they are not a reference for legal judgements.

// cause is what a failure is counted under in the yearly statistics.
type cause uint8

const (
	causePesticide cause = iota + 1 // 农药残留
	causeVetDrug                    // 兽药残留
	causeMicrobe                    // 微生物污染
	causeAdditive                   // 食品添加剂超范围、超限量使用
	causeMetal                      // 重金属等元素污染
	causeOrganic                    // 有机物污染
	causeQuality                    // 质量指标
	causeToxin                      // 生物毒素
	causeProduct                    // 产品质量 (safety and performance of manufactured products)
)

var causeNames = map[cause]string{causePesticide: "农药残留", causeVetDrug: "兽药残留", causeMicrobe: "微生物污染",
	causeAdditive: "食品添加剂", causeMetal: "重金属等元素污染", causeOrganic: "有机物污染", causeQuality: "质量指标",
	causeToxin: "生物毒素", causeProduct: "产品质量"}

// limKind is the form of an item's limit.
type limKind uint8

const (
	lkMax      limKind = iota + 1 // ≤ value
	lkMin                         // ≥ value
	lkRange                       // low~high
	lkND                          // 不得检出 / 不得使用: detected values fail
	lkPlan                        // n, c, m, M sampling plan (GB 4789.1)
	lkPresence                    // a pathogen: 未检出 passes, 检出 fails
	lkNegative                    // 阴性 expected
	lkCount                       // non-conformities found by inspection: 0 passes
)

// num is a non-negative decimal v × 10^-s.
type num struct {
	v int64
	s int
}

func parseNum(t string) num {
	ip, fp, _ := strings.Cut(t, ".")
	v, err := strconv.ParseInt(ip+fp, 10, 64)
	if err != nil || v < 0 {
		panic("demo: bad number " + t)
	}
	return num{v, len(fp)}
}

// at returns n at scale s (s ≥ n.s).
func (n num) at(s int) int64 {
	v := n.v
	for k := n.s; k < s; k++ {
		v *= 10
	}
	return v
}

// format writes v × 10^-s.
func format(v int64, s int) string {
	t := strconv.FormatInt(v, 10)
	if s == 0 {
		return t
	}
	if len(t) <= s {
		t = strings.Repeat("0", s-len(t)+1) + t
	}
	return t[:len(t)-s] + "." + t[len(t)-s:]
}

// resultScale is the number of decimals of generated results for a limit: enough for
// three significant digits at the size of the limit.
func resultScale(n num) int {
	s := n.s
	for n.at(s) < 100 {
		s++
	}
	return s
}

// itemSpec is a test item as tested in one category.
type itemSpec struct {
	Name  string
	Unit  string
	Limit string // as a lab writes it
	Std   string // judgement basis; GB 2763, VET and BANNED are replaced by the edition in force
	Cause cause
	Kind  limKind
	v     num   // lkMax, lkMin
	lo    num   // lkRange
	hi    num   // lkRange
	n, c  int   // lkPlan
	m, M  int64 // lkPlan, in the item's unit
	// ND is the per mille of passing lkMax results reported 未检出; PLo and PHi bound
	// the detected passing values in per mille of the limit (lkMax, lkMin).
	ND, PLo, PHi int
	// Det bounds the values of failing lkND items, in the item's unit.
	Det [2]num
	// Micro marks microbiological items: no re-test after they fail (Order 15 Art. 33).
	Micro bool
}

// Item constructors. Limits are written as labs write them: "≤0.2", "≥0.4",
// "28.0~30.0", "不得检出", "n=5,c=2,m=1000,M=10000".

func mx(name, unit, limit, std string, c cause, nd, pLo, pHi int) *itemSpec {
	return &itemSpec{Name: name, Unit: unit, Limit: "≤" + limit, Std: std, Cause: c, Kind: lkMax, v: parseNum(limit), ND: nd, PLo: pLo, PHi: pHi}
}

func mn(name, unit, limit, std string, c cause, pLo, pHi int) *itemSpec {
	return &itemSpec{Name: name, Unit: unit, Limit: "≥" + limit, Std: std, Cause: c, Kind: lkMin, v: parseNum(limit), PLo: pLo, PHi: pHi}
}

func rg(name, unit, lo, hi, std string, c cause) *itemSpec {
	return &itemSpec{Name: name, Unit: unit, Limit: lo + "~" + hi, Std: std, Cause: c, Kind: lkRange, lo: parseNum(lo), hi: parseNum(hi)}
}

// nd is an item that must not be detected; dLo and dHi bound the detected values.
func nd(name, unit, std string, c cause, dLo, dHi string) *itemSpec {
	return &itemSpec{Name: name, Unit: unit, Limit: "不得检出", Std: std, Cause: c, Kind: lkND, Det: [2]num{parseNum(dLo), parseNum(dHi)}}
}

// nu is an additive not permitted in the food (不得使用).
func nu(name, unit, std string, dLo, dHi string) *itemSpec {
	it := nd(name, unit, std, causeAdditive, dLo, dHi)
	it.Limit = "不得使用"
	return it
}

// plan is a three-class microbiological plan, or a two-class presence plan when M is 0.
func plan(name, unit string, n, c int, m, M int64, std string) *itemSpec {
	it := &itemSpec{Name: name, Unit: unit, Std: std, Cause: causeMicrobe, Kind: lkPlan, n: n, c: c, m: m, M: M, Micro: true}
	it.Limit = fmt.Sprintf("n=%d,c=%d,m=%d,M=%d", n, c, m, M)
	if M == 0 {
		it.Kind, it.Limit = lkPresence, fmt.Sprintf("n=%d,c=%d,m=0%s", n, c, unit)
	}
	return it
}

// pathogen is a pathogen or indicator organism that must not be detected, judged
// qualitatively.
func pathogen(name, std string) *itemSpec {
	return &itemSpec{Name: name, Limit: "不得检出", Std: std, Cause: causeMicrobe, Kind: lkPresence, Micro: true}
}

// absent is a substance judged qualitatively: 未检出 passes, 检出 fails.
func absent(name, std string, c cause) *itemSpec {
	return &itemSpec{Name: name, Limit: "不得检出", Std: std, Cause: c, Kind: lkPresence}
}

func negative(name, std string, c cause) *itemSpec {
	return &itemSpec{Name: name, Limit: "阴性", Std: std, Cause: c, Kind: lkNegative}
}

// count is an inspection item of a manufactured product: the number of
// non-conforming clauses found, which must be 0.
func count(name, std string) *itemSpec {
	return &itemSpec{Name: name, Unit: "项", Limit: "≤0", Std: std, Cause: causeProduct, Kind: lkCount}
}

// withCause returns a copy of it counted under c.
func withCause(it *itemSpec, c cause) *itemSpec {
	cp := *it
	cp.Cause = c
	return &cp
}

// Standards.
const (
	stdContaminants = "GB 2762-2017"
	stdMycotoxins   = "GB 2761-2017"
	stdAdditives    = "GB 2760-2014"
	stdPesticides   = "GB 2763" // edition by date: stdFor
	stdVet          = "VET"     // 农业部公告第235号, then GB 31650-2019
	stdBanned       = "BANNED"  // 农业部公告第235号, then 农业农村部公告第250号
	stdIllegal      = "整顿办函〔2011〕1号"
	stdLabel        = "产品明示标准和质量要求"
	stdTableware    = "GB 14934-2016"
)

// Shared items.
var (
	itLead = func(limit string) *itemSpec {
		return mx("铅(以Pb计)", "mg/kg", limit, stdContaminants, causeMetal, 300, 40, 450)
	}
	itCadmium = func(limit string) *itemSpec {
		return mx("镉(以Cd计)", "mg/kg", limit, stdContaminants, causeMetal, 250, 40, 500)
	}
	itAFB1 = func(limit string) *itemSpec {
		return mx("黄曲霉毒素B₁", "μg/kg", limit, stdMycotoxins, causeToxin, 700, 50, 400)
	}
	itBenzoic   = nu("苯甲酸及其钠盐(以苯甲酸计)", "g/kg", stdAdditives, "0.052", "1.86")
	itSorbic    = nu("山梨酸及其钾盐(以山梨酸计)", "g/kg", stdAdditives, "0.031", "0.78")
	itDHA       = nu("脱氢乙酸及其钠盐(以脱氢乙酸计)", "g/kg", stdAdditives, "0.021", "0.62")
	itSaccharin = nu("糖精钠(以糖精计)", "g/kg", stdAdditives, "0.011", "0.35")
	itCyclamate = nu("甜蜜素(以环己基氨基磺酸计)", "g/kg", stdAdditives, "0.032", "1.25")
	itBenzoicMx = func(limit string) *itemSpec {
		return mx("苯甲酸及其钠盐(以苯甲酸计)", "g/kg", limit, stdAdditives, causeAdditive, 650, 60, 700)
	}
	itSorbicMx = func(limit string) *itemSpec {
		return mx("山梨酸及其钾盐(以山梨酸计)", "g/kg", limit, stdAdditives, causeAdditive, 550, 60, 750)
	}
	itDHAMx = func(limit string) *itemSpec {
		return mx("脱氢乙酸及其钠盐(以脱氢乙酸计)", "g/kg", limit, stdAdditives, causeAdditive, 700, 50, 700)
	}
	itSaccharinMx = func(limit string) *itemSpec {
		return mx("糖精钠(以糖精计)", "g/kg", limit, stdAdditives, causeAdditive, 750, 50, 600)
	}
	itCyclamateMx = func(limit string) *itemSpec {
		return mx("甜蜜素(以环己基氨基磺酸计)", "g/kg", limit, stdAdditives, causeAdditive, 600, 50, 700)
	}
	itAluminium = func(limit string) *itemSpec {
		return mx("铝的残留量(干样品,以Al计)", "mg/kg", limit, stdAdditives, causeAdditive, 500, 30, 600)
	}
	itSO2 = func(limit string) *itemSpec {
		return mx("二氧化硫残留量", "g/kg", limit, stdAdditives, causeAdditive, 600, 40, 600)
	}
	itPreservativeRatio = mx("防腐剂混合使用时各自用量占其最大使用量的比例之和", "", "1", stdAdditives, causeAdditive, 0, 80, 800)
	itAcidValue         = func(limit, std string) *itemSpec {
		return mx("酸价(以脂肪计)(KOH)", "mg/g", limit, std, causeQuality, 0, 80, 700)
	}
	itPeroxide = func(limit, std string) *itemSpec {
		return mx("过氧化值(以脂肪计)", "g/100g", limit, std, causeQuality, 0, 60, 700)
	}
	itNitrite = func(limit, std string) *itemSpec {
		return mx("亚硝酸盐(以亚硝酸钠计)", "mg/kg", limit, std, causeAdditive, 350, 40, 600)
	}
	itColonies   = func(m, M int64, std string) *itemSpec { return plan("菌落总数", "CFU/g", 5, 2, m, M, std) }
	itColiforms  = func(m, M int64, std string) *itemSpec { return plan("大肠菌群", "CFU/g", 5, 2, m, M, std) }
	itSalmonella = func(std string) *itemSpec { return plan("沙门氏菌", "/25g", 5, 0, 0, 0, std) }
	itMould      = func(limit, std string) *itemSpec {
		it := mx("霉菌", "CFU/g", limit, std, causeMicrobe, 700, 100, 600)
		it.Micro = true
		return it
	}

	// Pesticides (GB 2763): the organophosphates and carbamates of the national
	// priority list, and the neonicotinoids and fungicides announcements cite most.
	itChlorpyrifos = func(limit string) *itemSpec {
		return mx("毒死蜱", "mg/kg", limit, stdPesticides, causePesticide, 900, 50, 600)
	}
	itOmethoate   = mx("氧乐果", "mg/kg", "0.02", stdPesticides, causePesticide, 960, 100, 600)
	itCarbofuran  = mx("克百威", "mg/kg", "0.02", stdPesticides, causePesticide, 960, 100, 600)
	itPhorate     = mx("甲拌磷", "mg/kg", "0.01", stdPesticides, causePesticide, 970, 100, 600)
	itMethamido   = mx("甲胺磷", "mg/kg", "0.05", stdPesticides, causePesticide, 970, 60, 500)
	itIsocarbo    = mx("水胺硫磷", "mg/kg", "0.05", stdPesticides, causePesticide, 960, 60, 500)
	itTriazophos  = mx("三唑磷", "mg/kg", "0.2", stdPesticides, causePesticide, 920, 20, 400)
	itFenthion    = mx("倍硫磷", "mg/kg", "0.05", stdPesticides, causePesticide, 970, 60, 500)
	itProcymidone = func(limit string) *itemSpec {
		return mx("腐霉利", "mg/kg", limit, stdPesticides, causePesticide, 820, 20, 600)
	}
	itAcetamiprid = func(limit string) *itemSpec {
		return mx("啶虫脒", "mg/kg", limit, stdPesticides, causePesticide, 780, 20, 500)
	}
	itImidacloprid = func(limit string) *itemSpec {
		return mx("吡虫啉", "mg/kg", limit, stdPesticides, causePesticide, 780, 40, 600)
	}
	itThiamethoxam = func(limit string) *itemSpec {
		return mx("噻虫嗪", "mg/kg", limit, stdPesticides, causePesticide, 760, 30, 600)
	}
	itClothianidin = func(limit string) *itemSpec {
		return mx("噻虫胺", "mg/kg", limit, stdPesticides, causePesticide, 800, 30, 600)
	}
	itCyromazine  = mx("灭蝇胺", "mg/kg", "0.5", stdPesticides, causePesticide, 820, 20, 500)
	itFipronil    = mx("氟虫腈", "mg/kg", "0.02", stdPesticides, causePesticide, 960, 100, 500)
	itAbamectin   = mx("阿维菌素", "mg/kg", "0.05", stdPesticides, causePesticide, 900, 40, 500)
	itCarbendazim = func(limit string) *itemSpec {
		return mx("多菌灵", "mg/kg", limit, stdPesticides, causePesticide, 800, 10, 400)
	}
	itCypermethrin = func(limit string) *itemSpec {
		return mx("氯氰菊酯和高效氯氰菊酯", "mg/kg", limit, stdPesticides, causePesticide, 800, 10, 400)
	}
	itPyraclostrobin = func(limit string) *itemSpec {
		return mx("吡唑醚菌酯", "mg/kg", limit, stdPesticides, causePesticide, 800, 50, 600)
	}
	itProchloraz = mx("咪鲜胺和咪鲜胺锰盐", "mg/kg", "0.3", stdPesticides, causePesticide, 850, 20, 500)
	itCPA        = nu("4-氯苯氧乙酸钠(以4-氯苯氧乙酸计)", "μg/kg", "原国家食品药品监督管理总局 农业部 国家卫生计生委关于豆芽生产过程中禁止使用6-苄基腺嘌呤等物质的公告(2015年第11号)", "12.5", "620")
	it6BA        = nu("6-苄基腺嘌呤(6-BA)", "μg/kg", "原国家食品药品监督管理总局 农业部 国家卫生计生委关于豆芽生产过程中禁止使用6-苄基腺嘌呤等物质的公告(2015年第11号)", "8.1", "310")

	// Veterinary drugs.
	itEnro = func(limit string) *itemSpec {
		return mx("恩诺沙星(以恩诺沙星与环丙沙星之和计)", "μg/kg", limit, stdVet, causeVetDrug, 920, 20, 500)
	}
	itEnroND      = nd("恩诺沙星(以恩诺沙星与环丙沙星之和计)", "μg/kg", stdVet, causeVetDrug, "2.1", "239")
	itFlorfenicol = nd("氟苯尼考", "μg/kg", stdVet, causeVetDrug, "0.74", "406")
	itOfloxacin   = nd("氧氟沙星", "μg/kg", "农业部公告第2292号", causeVetDrug, "2.3", "25.4")
	itNorfloxacin = nd("诺氟沙星", "μg/kg", "农业部公告第2292号", causeVetDrug, "2.5", "30")
	itChloramph   = nd("氯霉素", "μg/kg", stdBanned, causeVetDrug, "0.12", "2.6")
	itFurazolidon = nd("呋喃唑酮代谢物", "μg/kg", stdBanned, causeVetDrug, "1.1", "39.2")
	itNitrofural  = nd("呋喃西林代谢物", "μg/kg", stdBanned, causeVetDrug, "1.2", "18.6")
	itMalachite   = nd("孔雀石绿", "μg/kg", stdBanned, causeVetDrug, "0.6", "18.8")
	itDiazepam    = nd("地西泮", "μg/kg", stdVet, causeVetDrug, "0.8", "7.9")
	itMetronid    = nd("甲硝唑", "μg/kg", stdBanned, causeVetDrug, "1.2", "8.54")
	itAmantadine  = nd("金刚烷胺", "μg/kg", "农业部公告第560号", causeVetDrug, "2.2", "62.0")
	itSulfaND     = nd("磺胺类(总量)", "μg/kg", stdVet, causeVetDrug, "12", "277")
	itSulfa       = mx("磺胺类(总量)", "μg/kg", "100", stdVet, causeVetDrug, 920, 20, 500)
	itClenbuterol = nd("克伦特罗", "μg/kg", stdBanned, causeVetDrug, "0.3", "4.8")
	itRactopamine = nd("莱克多巴胺", "μg/kg", stdBanned, causeVetDrug, "0.3", "3.5")
	itSalbutamol  = nd("沙丁胺醇", "μg/kg", stdBanned, causeVetDrug, "0.3", "2.9")
	itOxytet      = func(limit string) *itemSpec {
		return mx("土霉素", "μg/kg", limit, stdVet, causeVetDrug, 900, 20, 400)
	}
	itNicarbazin = mx("尼卡巴嗪(残留标示物)", "μg/kg", "200", stdVet, causeVetDrug, 880, 20, 500)
)

// stdFor returns the judgement basis in force on a date: GB 2763-2016 until
// 2019-08-14 and GB 2763-2019 from 2019-08-15; 农业部公告第235号 for veterinary drugs
// until 2020-03-31, GB 31650-2019 from 2020-04-01; 农业部公告第235号 for banned drugs
// until 2020-01-05, 农业农村部公告第250号 from 2020-01-06.
func stdFor(std string, year, month, day int) string {
	ymd := year*10000 + month*100 + day
	switch std {
	case stdPesticides:
		if ymd < 20190815 {
			return "GB 2763-2016"
		}
		return "GB 2763-2019"
	case stdVet:
		if ymd < 20200401 {
			return "农业部公告第235号"
		}
		return "GB 31650-2019"
	case stdBanned:
		if ymd < 20200106 {
			return "农业部公告第235号"
		}
		return "农业农村部公告第250号"
	}
	return std
}
