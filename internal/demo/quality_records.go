package demo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"qcity"
	"qcity/internal/nqi"
	"qcity/internal/registry"
)

// The registers of quality development in the demo city: benchmarking, instruments,
// chief quality officers, IP, brands, the fund, campaigns, bright kitchens,
// improvement projects and events.

// anyEntity returns an active entity established before 2017 whose industry starts
// with one of the prefixes and whose region starts with within ("" for anywhere),
// preferring one not used yet; else a company or any active entity there; -1 if the
// region has none.
func (g *qualityGen) anyEntity(within string, prefixes ...string) int32 {
	n := len(g.city.Entities)
	for _, fresh := range []bool{true, false} {
		start := g.r.IntN(n)
		for k := range n {
			i := int32((start + k) % n)
			e := g.ent(i)
			if e.Status != registry.StatusActive || e.EstablishedOn.After(before2017) || !strings.HasPrefix(e.Region, within) ||
				e.Type == registry.TypeBranch || fresh && g.used[i] {
				continue
			}
			for _, p := range prefixes {
				if strings.HasPrefix(e.Industry, p) {
					g.used[i] = true
					return i
				}
			}
		}
	}
	for _, i := range g.companies {
		if strings.HasPrefix(g.ent(i).Region, within) {
			return i
		}
	}
	for i := range g.city.Entities {
		if e := g.ent(int32(i)); e.Status == registry.StatusActive && strings.HasPrefix(e.Region, within) {
			return int32(i)
		}
	}
	return -1
}

// scaled writes v × 10^-scale: decimalText(805, 1) = "80.5".
func decimalText(v, scale int) string {
	s := strconv.Itoa(v)
	if scale == 0 {
		return s
	}
	for len(s) <= scale {
		s = "0" + s
	}
	return s[:len(s)-scale] + "." + s[len(s)-scale:]
}

// Benchmarking.

type benchIndicator struct {
	name, unit  string
	higher      bool
	bench, step int // the benchmark's value and one step, × 10^scale
	scale       int
}

type benchProduct struct {
	product, category string
	industries        []string
	bench, source     string
	indicators        []benchIndicator
}

var benchProducts = []benchProduct{
	{"电饭锅", "家用电器", []string{"385", "38"}, "IEC 60335-2-15:2016", "international", []benchIndicator{
		{"热效率", "%", true, 80, 2, 0}, {"待机功率", "W", false, 10, 2, 1}, {"保温能耗", "Wh", false, 40, 3, 0}, {"运行噪声", "dB(A)", false, 55, 2, 0}}},
	{"电热水壶", "家用电器", []string{"385", "38"}, "IEC 60335-2-15:2016", "international", []benchIndicator{
		{"热效率", "%", true, 85, 1, 0}, {"待机功率", "W", false, 5, 1, 1}, {"煮沸时间", "min", false, 60, 3, 1}}},
	{"冻虾仁", "水产制品", []string{"136", "13"}, "CXS 92-1981", "international", []benchIndicator{
		{"菌落总数", "CFU/g", false, 100000, 20000, 0}, {"冰衣含量", "%", false, 20, 2, 0}, {"挥发性盐基氮", "mg/100g", false, 30, 3, 0}}},
	{"菠萝罐头", "罐头", []string{"145", "14"}, "CXS 42-1981", "international", []benchIndicator{
		{"固形物含量", "%", true, 58, 2, 0}, {"锡", "mg/kg", false, 250, 30, 0}, {"可溶性固形物", "%", true, 180, 5, 1}}},
	{"对虾配合饲料", "饲料", []string{"132", "13"}, "SC/T 2002-2017", "domestic_advanced", []benchIndicator{
		{"粗蛋白质", "%", true, 400, 10, 1}, {"水中稳定性（溶失率）", "%", false, 100, 10, 1}, {"粉化率", "%", false, 10, 2, 1}, {"水分", "%", false, 120, 5, 1}}},
	{"白砂糖", "食糖", []string{"134", "13"}, "GB/T 317-2018", "domestic_advanced", []benchIndicator{
		{"蔗糖分", "%", true, 9975, 5, 2}, {"还原糖分", "%", false, 4, 1, 2}, {"干燥失重", "%", false, 6, 1, 2}}},
	{"运动鞋", "鞋类", []string{"195", "19"}, "ASTM F2913-19", "foreign_advanced", []benchIndicator{
		{"耐折性能", "次", true, 40000, 5000, 0}, {"鞋帮与鞋底剥离力", "N", true, 70, 5, 0}, {"耐磨性能（磨痕长度）", "mm", false, 100, 5, 1}}},
}

func (g *qualityGen) benchmarks() {
	perYear := map[int]int{2018: 12, 2019: 16, 2020: 18, 2021: 14}
	for _, year := range []int{2018, 2019, 2020, 2021} {
		for n := range perYear[year] {
			p := benchProducts[(n+year)%len(benchProducts)]
			e := g.ent(g.maker(p.industries...))
			in := nqi.Input{"uscc": e.USCC, "product": p.product, "category": p.category, "year": strconv.Itoa(year),
				"benchmark_standard": p.bench, "benchmark_source": p.source, "action": "none"}
			letters := "ZJ" + string(rune('A'+g.r.IntN(8))) + string(rune('K'+g.r.IntN(8)))
			own := fmt.Sprintf("Q/%s %04dS-%d", letters, 1+g.r.IntN(20), year-1-g.r.IntN(3))
			in["own_standard"] = own
			switch x := g.r.IntN(100); {
			case p.source != "domestic_advanced" && x < 45:
				in["action"], in["action_standard"] = "adopt", p.bench
			case p.source == "domestic_advanced" && x < 30:
				in["action"], in["action_standard"] = "build", fmt.Sprintf("Q/%s %04dS-%d", letters, 21+g.r.IntN(20), year)
			case x >= 88:
				in["action"], in["action_standard"] = "create", fmt.Sprintf("T/ZJSP %03d-%d", 10+n+(year-2018)*20, year)
			}
			key := g.add(nqi.Benchmarks, in, "", nil)
			for _, ind := range p.indicators {
				sign, bound := 1, "≥"
				if !ind.higher {
					sign, bound = -1, "≤"
				}
				own := ind.bench
				switch x := g.r.IntN(100); {
				case x < 35:
					own += sign * ind.step * (1 + g.r.IntN(3))
				case x >= 88:
					own -= sign * ind.step * (1 + g.r.IntN(2))
				}
				if own <= 0 {
					own = ind.step
				}
				g.add(nqi.BenchmarkIndicators, nqi.Input{"name": ind.name, "unit": ind.unit, "direction": map[bool]string{true: "higher_better", false: "lower_better"}[ind.higher],
					"own_value": decimalText(own, ind.scale), "benchmark_value": bound + decimalText(ind.bench, ind.scale)}, key, nil)
			}
		}
	}
}

// Measuring instruments under compulsory verification.

type plannedInstruments struct {
	kind       string
	count      int
	months     int
	industries []string
	serial     string
	model      []string
	location   string
}

var instrumentPlans = []plannedInstruments{
	{"fuel_dispenser", 24, 6, []string{"5265", "526"}, "JY", []string{"CS46", "TQ-2224", "LS-D"}, "加油区"},
	{"trade_scale", 40, 12, []string{"5224", "5223", "5221", "522", "512"}, "DZC", []string{"ACS-15", "TCS-30", "ACS-30"}, "营业区"},
	{"weighbridge", 10, 12, []string{"13", "30", "51"}, "SCS", []string{"SCS-60", "SCS-100"}, "厂区入口"},
	{"taxi_meter", 12, 12, []string{"5413", "54"}, "JJQ", []string{"JT-6", "DS-2018"}, "车载"},
	{"sphygmomanometer", 10, 12, []string{"84"}, "XYJ", []string{"HBP-1320", "YE-650"}, "诊室"},
	{"ecg", 4, 12, []string{"84"}, "XDT", []string{"ECG-1210"}, "心电图室"},
	{"pressure_gauge", 16, 6, []string{"13", "14", "26", "38"}, "YLB", []string{"Y-100", "Y-150"}, "锅炉房"},
	{"gas_detector", 8, 12, []string{"62"}, "KRQ", []string{"GT-A", "JB-TB"}, "厨房"},
}

func (g *qualityGen) instruments() {
	n := 0
	for _, p := range instrumentPlans {
		var owner int32 = -1
		for k := range p.count {
			// Several instruments of a kind at one business: dispensers at a station,
			// scales at a shop.
			if owner < 0 || k%3 == 0 {
				owner = max(0, g.anyEntity("", p.industries...))
			}
			e := g.ent(owner)
			n++
			status := "in_use"
			if n%29 == 11 {
				status = "stopped"
			}
			key := g.add(nqi.Instruments, nqi.Input{"uscc": e.USCC, "instrument_type": p.kind, "model": p.model[k%len(p.model)],
				"serial_no": fmt.Sprintf("%s%06d", p.serial, 100000+g.r.IntN(900000)), "location": p.location,
				"cycle_months": strconv.Itoa(p.months), "status": status}, "", nil)
			overdue, failLast, failOnce := n%12 == 5, n%25 == 7, n%9 == 3
			stopBy := g.today
			if overdue {
				stopBy = nqi.AddMonths(g.today, -p.months).AddDays(-30)
			}
			v := g.between(date(2018, 1, 2), nqi.AddMonths(date(2018, 1, 2), p.months))
			var days []qcity.Date
			for !v.After(stopBy) {
				days = append(days, v)
				v = nqi.AddMonths(v, p.months).AddDays(-g.r.IntN(20))
			}
			failAt := -1
			if failOnce && len(days) > 2 {
				failAt = 1 + g.r.IntN(len(days)-2)
			}
			for k, d := range days {
				result := "pass"
				if k == failAt || failLast && k == len(days)-1 {
					result = "fail"
				}
				inst := g.authorisedOn(e.Region, d)
				if inst == "" {
					continue
				}
				in := nqi.Input{"verified_on": d.String(), "result": result}
				if result == "pass" {
					in["certificate_no"] = fmt.Sprintf("JD%d-%05d", d.Year, 1+g.r.IntN(99999))
				} else {
					in["note"] = "示值误差超出最大允许误差，出具检定结果通知书，停止使用"
				}
				g.add(nqi.Verifications, in, key, map[string]string{"institution_id": inst})
				if k == failAt {
					// Repaired and verified again within days.
					again := d.AddDays(3 + g.r.IntN(12))
					if inst2 := g.authorisedOn(e.Region, again); inst2 != "" && !again.After(g.today) && (k+1 >= len(days) || again.Before(days[k+1])) {
						g.add(nqi.Verifications, nqi.Input{"verified_on": again.String(), "result": "pass",
							"certificate_no": fmt.Sprintf("JD%d-%05d", again.Year, 1+g.r.IntN(99999))}, key, map[string]string{"institution_id": inst2})
					}
				}
			}
		}
	}
}

// Chief quality officers.

var cqoCourses = []string{"首席质量官任职培训", "卓越绩效管理模式培训", "质量管理体系内审员培训", "质量工程师专业能力提升培训"}

func (g *qualityGen) training(officer string, on qcity.Date, result string, course int) {
	provider := g.provinceShort + "质量协会"
	if course%2 == 1 {
		provider = g.cityName + "市场监督管理局"
	}
	in := nqi.Input{"course": cqoCourses[course%len(cqoCourses)], "provider": provider, "hours": strconv.Itoa(16 + 8*g.r.IntN(5)),
		"completed_on": on.String(), "result": result}
	if result == "passed" {
		in["certificate_no"] = fmt.Sprintf("SQG%d%04d", on.Year, 1+g.r.IntN(9999))
	}
	g.add(nqi.CQOTrainings, in, officer, nil)
}

func (g *qualityGen) officer(e int32, appointed, left qcity.Date) string {
	in := nqi.Input{"uscc": g.ent(e).USCC, "name": g.names.person(), "appointed_on": appointed.String(),
		"position": []string{"副总经理", "质量总监", "总工程师", "品质部经理"}[g.r.IntN(4)]}
	if !left.IsZero() {
		in["left_on"] = left.String()
	}
	return g.add(nqi.QualityOfficers, in, "", nil)
}

func (g *qualityGen) officers() {
	taken := map[int32]bool{}
	counted := g.distinct(14, taken)
	for k, e := range counted {
		appointed := g.between(date(2015, 1, 5), date(2019, 6, 28))
		if k == 1 {
			// The first officer was trained and left in 2019; the successor was trained
			// in October.
			o := g.officer(e, date(2016, 3, 1), date(2019, 5, 31))
			g.training(o, date(2017, 4, 20), "passed", 0)
			o2 := g.officer(e, date(2019, 6, 1), qcity.Date{})
			g.training(o2, date(2019, 10, 18), "passed", 0)
			continue
		}
		o := g.officer(e, appointed, qcity.Date{})
		lo := appointed.AddDays(10)
		if lo.Before(date(2016, 3, 1)) {
			lo = date(2016, 3, 1)
		}
		g.training(o, g.between(lo, date(2019, 12, 20)), "passed", k)
		if k%3 == 0 {
			g.training(o, g.between(date(2020, 3, 1), date(2021, 11, 30)), "passed", k+1)
		}
		if k == 0 {
			// A second trained officer at the same enterprise counts once.
			o2 := g.officer(e, date(2018, 3, 1), qcity.Date{})
			g.training(o2, date(2019, 7, 12), "passed", 2)
		}
	}
	// Not counted in 2019.
	others := g.distinct(9, taken)
	for k, e := range others {
		switch {
		case k < 3: // trained only in 2020
			o := g.officer(e, g.between(date(2017, 1, 1), date(2019, 9, 30)), qcity.Date{})
			g.training(o, g.between(date(2020, 4, 1), date(2020, 11, 30)), "passed", k)
		case k < 5: // failed in 2019, passed in 2020
			o := g.officer(e, g.between(date(2017, 1, 1), date(2019, 3, 31)), qcity.Date{})
			g.training(o, g.between(date(2019, 5, 1), date(2019, 11, 30)), "failed", 0)
			g.training(o, g.between(date(2020, 5, 1), date(2020, 12, 15)), "passed", 0)
		case k == 5: // left on 31 December 2019
			o := g.officer(e, date(2016, 8, 1), date(2019, 12, 31))
			g.training(o, date(2018, 6, 15), "passed", 0)
		default: // appointed in 2020 or 2021
			o := g.officer(e, g.between(date(2020, 1, 6), date(2021, 6, 30)), qcity.Date{})
			g.training(o, g.between(date(2021, 7, 1), date(2021, 12, 20)), "passed", k)
		}
	}
}

// IP-advantage enterprises.

func (g *qualityGen) ip(e int32, level, designation string, year int, status string) {
	doc := fmt.Sprintf("%s知函〔%d〕%d号", g.provinceShort, year, 100+g.r.IntN(400))
	if level == "national" {
		doc = fmt.Sprintf("国知办函运字〔%d〕%d号", year, 100+g.r.IntN(900))
	}
	in := nqi.Input{"uscc": g.ent(e).USCC, "level": level, "designation": designation, "year": strconv.Itoa(year),
		"document_no": doc, "status": status}
	if status == "revoked" {
		in["note"] = "复核不合格，撤销认定"
	}
	g.add(nqi.IPEnterprises, in, "", nil)
}

func (g *qualityGen) ipEnterprises() {
	taken := map[int32]bool{}
	y2019 := g.distinct(12, taken)
	for k, e := range y2019 {
		if k < 2 {
			g.ip(e, "national", "advantage", 2019, "valid")
		}
		if k >= 1 {
			g.ip(e, "provincial", "advantage", 2019, "valid")
		}
	}
	rest := g.distinct(3+10+11+8, taken)
	for k, e := range rest {
		switch {
		case k == 0:
			g.ip(e, "national", "demonstration", 2019, "valid")
		case k == 1:
			g.ip(e, "provincial", "demonstration", 2019, "valid")
		case k == 2:
			g.ip(e, "provincial", "advantage", 2019, "revoked")
		case k < 13:
			g.ip(e, []string{"national", "provincial"}[min(1, k-3)], "advantage", 2018, "valid")
		case k < 24:
			g.ip(e, []string{"national", "provincial"}[min(1, k-13)], "advantage", 2020, "valid")
		default:
			g.ip(e, "provincial", "advantage", 2021, "valid")
		}
	}
}

// Brands.

var brandWords = []string{"海韵", "金帆", "蓝湾", "南珠", "港城", "椰风", "红土", "碧海", "鹭岛", "银滩",
	"绿洲", "丰泽", "粤珍", "湾鲜", "金岸", "凌霄", "雷州湾", "琼州", "半岛", "南极光"}

func (g *qualityGen) brands() {
	types := []struct {
		kind, product string
		n             int
	}{
		{"well_known_trademark", "家用电器", 2}, {"geographical_indication", "菠萝", 2}, {"geographical_indication", "对虾", 1},
		{"guangdong_famous", "饲料", 3}, {"guangdong_famous", "水产品", 3}, {"guangdong_famous", "鞋", 2},
		{"time_honoured", "糕点", 2}, {"regional_public", "红橙", 2}, {"other", "白砂糖", 3},
	}
	w := 0
	for _, t := range types {
		for range t.n {
			e := g.ent(g.maker())
			year := 2017 + g.r.IntN(5)
			in := nqi.Input{"uscc": e.USCC, "name": brandWords[w%len(brandWords)], "brand_type": t.kind, "product": t.product,
				"year": strconv.Itoa(year), "trademark_no": strconv.Itoa(10000000 + g.r.IntN(40000000)), "status": "valid"}
			if w%11 == 5 {
				in["status"] = "expired"
			}
			w++
			g.add(nqi.Brands, in, "", nil)
		}
	}
}

// The IP pledge-financing risk-compensation fund.

var banks = []string{"国有商业银行湛江分行", "农村商业银行营业部", "股份制商业银行湛江支行", "城市商业银行湛江分行", "邮政储蓄银行湛江分行"}

func (g *qualityGen) fund() {
	n := 0
	for _, year := range []int{2018, 2019, 2020, 2021} {
		for k := range 5 + year%3 {
			n++
			e := g.ent(g.maker())
			loanOn := g.between(date(year, 2, 1), date(year, 11, 30))
			due := qcity.NewDate(loanOn.Year+1+k%2, loanOn.Month, loanOn.Day)
			amount := (50 + g.r.IntN(40)*25) * 10000
			ipType := []string{"patent", "trademark", "mixed"}[k%3]
			pledged := fmt.Sprintf("发明专利 ZL%d1%07d.%d", year-2-k%3, g.r.IntN(10000000), g.r.IntN(10))
			if ipType == "trademark" {
				pledged = fmt.Sprintf("注册商标第%d号", 10000000+g.r.IntN(40000000))
			} else if ipType == "mixed" {
				pledged += fmt.Sprintf("；注册商标第%d号", 10000000+g.r.IntN(40000000))
			}
			in := nqi.Input{"uscc": e.USCC, "bank": g.cityShort + banks[n%len(banks)], "contract_no": fmt.Sprintf("ZYDK-%d-%03d", year, k+1),
				"amount": yuan(amount), "ip_type": ipType, "pledged_ip": pledged, "coverage_pct": []string{"50", "40", "30"}[n%3],
				"loan_on": loanOn.String(), "due_on": due.String(), "status": "active"}
			defaulted := n%7 == 3
			if due.Before(g.today) {
				in["status"] = "repaid"
			}
			if defaulted {
				def := due.AddDays(30 + g.r.IntN(60))
				if def.After(g.today) {
					defaulted = false
				} else {
					loss := amount * (30 + g.r.IntN(50)) / 100
					in["status"], in["defaulted_on"], in["loss"] = "defaulted", def.String(), yuan(loss)
				}
			}
			key := g.add(nqi.FundLoans, in, "", nil)
			if defaulted && n%2 == 1 {
				loss, _ := strconv.Atoi(in["loss"])
				pct, _ := strconv.Atoi(in["coverage_pct"])
				def, _ := qcity.ParseDate(in["defaulted_on"])
				capYuan := loss * pct / 100
				first := capYuan * 6 / 10
				g.add(nqi.FundCompensations, nqi.Input{"paid_on": def.AddDays(60 + g.r.IntN(30)).String(), "amount": yuan(first),
					"decision_no": fmt.Sprintf("%s知补〔%d〕%d号", g.cityShort, def.Year, 1+n)}, key, nil)
				g.add(nqi.FundCompensations, nqi.Input{"paid_on": def.AddDays(150 + g.r.IntN(30)).String(), "amount": yuan(capYuan - first),
					"decision_no": fmt.Sprintf("%s知补〔%d〕%d号", g.cityShort, def.Year, 20+n)}, key, nil)
			}
		}
	}
}

// Campaigns.

type plannedCampaign struct {
	name, area, county string
	year               int
	start, end         qcity.Date
	inspections        int
	industries         []string
}

func (g *qualityGen) campaigns() {
	list := []plannedCampaign{
		{"校园及周边食品安全专项整治行动", "food", "", 2019, date(2019, 3, 1), date(2019, 11, 30), 30, []string{"62", "5229", "5213"}},
		{"药品安全专项整治行动", "drugs", "", 2019, date(2019, 4, 1), date(2019, 12, 31), 20, []string{"525", "515", "84"}},
		{"农资打假专项治理行动", "agri_inputs", "", 2019, date(2019, 2, 15), date(2019, 10, 31), 18, []string{"516", "526", "51"}},
		{"儿童和学生用品质量安全专项整治", "children_students", "", 2019, date(2019, 8, 1), date(2019, 12, 15), 16, []string{"524", "52"}},
		{"小家电产品质量专项整治", "household_appliances", "440881", 2019, date(2019, 5, 1), date(2019, 11, 30), 20, []string{"385", "38", "527"}},
		{"建材产品质量专项整治", "building_materials", "", 2019, date(2019, 6, 1), date(2019, 12, 31), 14, []string{"30", "528", "5281"}},
		{"防疫用品质量安全专项整治", "epidemic_prevention", "", 2020, date(2020, 2, 1), date(2020, 8, 31), 28, []string{"525", "5213", "17"}},
		{"农村假冒伪劣食品专项整治行动", "food", "", 2020, date(2020, 6, 1), date(2020, 12, 31), 26, []string{"5213", "5229", "5212"}},
		{"电热水壶等家用电器质量专项整治", "household_appliances", "440881", 2020, date(2020, 4, 1), date(2020, 10, 31), 16, []string{"385", "38"}},
		{"学生校服质量专项整治", "children_students", "", 2021, date(2021, 3, 1), date(2021, 9, 30), 12, []string{"18", "524", "52"}},
		{"海鲜餐饮质量安全提升行动", "food", "440803", 2021, date(2021, 4, 1), date(2021, 10, 31), 20, []string{"62"}},
	}
	outcomes := []string{"rectification_ordered", "rectified", "rectified", "case_filed", "products_seized"}
	for _, c := range list {
		county := g.j.Prefecture.Code
		if c.county != "" {
			county = g.region(c.county)
		}
		status := "closed"
		if !c.end.Before(g.today) {
			status = "active"
		}
		lead := g.cityName + "市场监督管理局"
		if county != g.j.Prefecture.Code {
			lead = g.countyName(county) + "市场监督管理局"
		}
		in := nqi.Input{"name": c.name, "area": c.area, "year": strconv.Itoa(c.year), "region_code": county, "lead": lead,
			"start_on": c.start.String(), "end_on": c.end.String(), "status": status,
			"targets":            "排查风险隐患，检查重点经营主体，依法查处违法行为，督促落实主体责任。",
			"target_inspections": strconv.Itoa(c.inspections + c.inspections/5)}
		if status == "closed" {
			in["summary"] = "行动已按计划完成，问题主体均已整改或立案查处。"
		}
		key := g.add(nqi.Campaigns, in, "", nil)
		within := ""
		if county != g.j.Prefecture.Code {
			within = county
		}
		for range c.inspections {
			i := g.anyEntity(within, c.industries...)
			if i < 0 {
				break
			}
			e := g.ent(i)
			on := g.between(c.start, c.end)
			ins := nqi.Input{"uscc": e.USCC, "inspected_on": on.String(), "inspectors": g.names.person() + "、" + g.names.person(),
				"problems": "0", "outcome": "compliant"}
			if g.r.IntN(100) >= 68 {
				problems := 1 + g.r.IntN(4)
				outcome := outcomes[g.r.IntN(len(outcomes))]
				ins["problems"], ins["outcome"] = strconv.Itoa(problems), outcome
				ins["findings"] = []string{"进货查验记录不全", "标签标识不规范", "部分产品无合格证明", "过期产品未及时下架"}[g.r.IntN(4)]
				if outcome == "rectified" {
					ins["rectified_on"] = on.AddDays(7 + g.r.IntN(24)).String()
				}
			}
			g.add(nqi.CampaignInspections, ins, key, nil)
		}
	}
}

// Bright kitchens: about half the catering businesses by the end of 2019, four in five
// by 2022.
func (g *qualityGen) kitchens() {
	modes := []string{"open_kitchen", "glass_partition", "glass_partition", "video", "video", "internet_live"}
	yearWeights := []struct{ year, w int }{{2017, 15}, {2018, 20}, {2019, 25}, {2020, 20}, {2021, 12}, {2022, 8}}
	for n, i := range g.catering {
		if g.r.IntN(100) >= 85 {
			continue
		}
		x, year := g.r.IntN(100), 2022
		for _, yw := range yearWeights {
			if x < yw.w {
				year = yw.year
				break
			}
			x -= yw.w
		}
		e := g.ent(i)
		lo := date(year, 1, 2)
		if est := e.EstablishedOn.AddDays(15); est.After(lo) {
			lo = est
		}
		hi := date(year, 12, 28)
		if hi.Before(lo) {
			hi = lo.AddDays(30)
		}
		on := g.between(lo, hi)
		in := nqi.Input{"uscc": e.USCC, "mode": modes[g.r.IntN(len(modes))], "implemented_on": on.String(), "status": "active"}
		if chk := on.AddDays(20 + g.r.IntN(280)); !chk.After(g.today) {
			in["checked_on"] = chk.String()
		}
		if n%37 == 17 {
			in["status"], in["note"] = "lapsed", "复查发现视频设备停用，责令恢复"
		}
		g.add(nqi.BrightKitchens, in, "", nil)
	}
}

// Key-product quality improvement projects.

func (g *qualityGen) improvement() {
	type ind struct{ name, unit, dir, baseline, target, achieved string }
	list := []struct {
		name, product, county string
		year                  int
		start, end            qcity.Date
		enterprises           int
		inds                  []ind
	}{
		{"电饭锅质量提升行动", "电饭锅", "440881", 2019, date(2019, 3, 1), date(2019, 12, 31), 46, []ind{
			{"监督抽查合格率", "%", "higher_better", "88.5", "92", "93.2"},
			{"热效率达到1级能效的产品比例", "%", "higher_better", "35", "50", "47.8"},
			{"内锅涂层附着力合格率", "%", "higher_better", "90", "95", "96.1"}}},
		{"鞋类产品质量提升行动", "鞋", "440883", 2020, date(2020, 3, 1), date(2020, 12, 31), 38, []ind{
			{"监督抽查合格率", "%", "higher_better", "86", "90", "91.4"},
			{"耐折性能不合格批次", "次", "lower_better", "12", "6", "5"}}},
		{"对虾配合饲料质量提升行动", "对虾配合饲料", "440811", 2021, date(2021, 3, 1), date(2022, 2, 28), 24, []ind{
			{"监督抽查合格率", "%", "higher_better", "94", "97", "97.6"},
			{"粉化率", "%", "lower_better", "1.5", "1.0", "0.9"}}},
	}
	for _, p := range list {
		county := g.region(p.county)
		status := "completed"
		if !p.end.Before(g.today) {
			status = "active"
		}
		key := g.add(nqi.ImprovementProjects, nqi.Input{"name": p.name, "product": p.product, "year": strconv.Itoa(p.year),
			"region_code": county, "lead": g.countyName(county) + "市场监督管理局", "start_on": p.start.String(), "end_on": p.end.String(),
			"enterprises": strconv.Itoa(p.enterprises), "status": status,
			"summary": "组织企业对标国际先进标准，开展质量比对和技术帮扶，提升产品质量。"}, "", nil)
		for _, i := range p.inds {
			in := nqi.Input{"name": i.name, "unit": i.unit, "direction": i.dir, "baseline": i.baseline, "target": i.target}
			if status == "completed" {
				in["achieved"] = i.achieved
			}
			g.add(nqi.ImprovementIndicators, in, key, nil)
		}
	}
}

// Quality events.

func (g *qualityGen) events() {
	type event struct {
		kind, title, theme string
		month              int
		day                int
		activities         []string
	}
	list := []event{
		{"world_metrology_day", "世界计量日主题宣传活动", "计量守护民生 精准服务发展", 5, 20, []string{"计量器具免费检定进社区", "计量开放日", "加油机计量专项宣传"}},
		{"accreditation_day", "世界认可日宣传活动", "认可助力质量提升", 6, 9, []string{"检验检测机构开放日", "认证认可知识讲座"}},
		{"quality_month", "质量月活动", "推动高质量发展 建设质量强市", 9, 1, []string{"质量月启动仪式", "质量提升成果展", "企业首席质量官座谈会", "质量知识竞赛"}},
		{"world_standards_day", "世界标准日宣传活动", "标准引领 品质生活", 10, 14, []string{"标准化知识进企业", "地方标准宣贯会"}},
	}
	places := []string{"市民广场", "市场监督管理局会议中心", "海滨公园", "会展中心"}
	for _, year := range []int{2018, 2019, 2020, 2021} {
		for k, ev := range list {
			key := g.add(nqi.QualityEvents, nqi.Input{"event_type": ev.kind, "year": strconv.Itoa(year),
				"title": fmt.Sprintf("%d年%s%s", year, g.cityShort, ev.title), "theme": ev.theme,
				"region_code": g.j.Prefecture.Code, "organiser": g.cityName + "市场监督管理局"}, "", nil)
			for a, title := range ev.activities {
				held := qcity.NewDate(year, time.Month(ev.month), ev.day+a*3)
				if held.Year != year {
					held = qcity.NewDate(year, 12, 20)
				}
				g.add(nqi.EventActivities, nqi.Input{"title": title, "held_on": held.String(), "place": g.cityShort + places[(a+k)%len(places)],
					"organiser": g.cityName + "市场监督管理局", "participants": strconv.Itoa(100 + g.r.IntN(30)*50)}, key, nil)
			}
			names := map[string]bool{}
			addP := func(name, uscc, role string) {
				if names[name] {
					return
				}
				names[name] = true
				g.add(nqi.EventParticipants, nqi.Input{"name": name, "uscc": uscc, "role": role}, key, nil)
			}
			addP(g.cityName+"市场监督管理局", "", "organiser")
			if len(g.labs) > 0 {
				o := g.labs[g.r.IntN(len(g.labs))]
				addP(o.Name, o.USCC, "co_organiser")
			}
			if ev.kind == "world_metrology_day" && len(g.insts) > 0 {
				addP(g.insts[0].Name, g.insts[0].USCC, "co_organiser")
			}
			for range 2 + g.r.IntN(4) {
				e := g.ent(g.maker())
				addP(e.Name, e.USCC, []string{"participant", "exhibitor"}[g.r.IntN(2)])
			}
		}
	}
}
