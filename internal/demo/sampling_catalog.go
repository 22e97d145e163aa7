package demo

import (
	"strconv"

	"qcity/internal/sampling"
)

// This file is the demo's sampling catalogue: what is sampled (categories of
// internal/sampling/data/categories.csv with product names and the items tested), how
// often (weights leaning to 湛江: aquatic products, vegetables, meat, catering, rice
// and rice noodles, condiments, peanut oil, sugar from 遂溪, rice cookers and small
// appliances from 廉江, shoes from 吴川), who makes and sells it (GB/T 4754 classes of
// the city's entities), and which items fail how often.

// product is a product name with its specification. Items replace the category's
// items of the same name: a rated power, an alcohol strength, a conductor size.
type product struct {
	Name, Spec string
	Items      []*itemSpec
}

func names(ns ...string) []product {
	out := make([]product, len(ns))
	for i, n := range ns {
		out[i] = product{Name: n}
	}
	return out
}

// catDef is a sampled category with its products and test panel.
type catDef struct {
	Key      string // unique: the path, or path/variety for categories sampled in varieties
	Kind     sampling.Kind
	Path     string // the category as samples give it
	Weight   uint64 // share of the kind's passing samples (per mille, roughly)
	Products []product
	Items    []*itemSpec // the panel; the first Must are always tested
	Must     int
	Fresh    bool     // 食用农产品: sold loose, no nominal producer
	Catering bool     // made and sampled in catering only
	Makers   []string // GB/T 4754 classes of the city's makers
	Sellers  string   // seller pool
	Word     string   // trade of producers from outside the city
	Months   uint16   // months in season (bit m-1); 0 for all year
	Farm     string   // agri: pool of farms
	From     int      // first year it is sampled (0: always)
}

func months(ms ...int) uint16 {
	var b uint16
	for _, m := range ms {
		b |= 1 << (m - 1)
	}
	return b
}

// Seller and farm pools: GB/T 4754 classes.
var pools = map[string][]string{
	"veg_retail":      {"5223", "5123", "5212"},
	"meat_retail":     {"5224", "5124", "5212"},
	"food_retail":     {"5212", "5213", "5219", "5229", "5221", "5226", "5121", "5122", "5125", "5127", "5129"},
	"grain_retail":    {"5221", "5121", "5212", "5213"},
	"drink_retail":    {"5226", "5127", "5212", "5213"},
	"catering":        {"6210", "6220", "6291", "6299", "6241", "6242"},
	"drinks_shop":     {"6239", "6220", "6291"},
	"online":          {"5193", "6432", "5299"},
	"appliance_shop":  {"5272", "5271", "5138", "5137", "5212"},
	"electrical_shop": {"5281", "5175", "5174", "5282"},
	"building_shop":   {"5165", "5287", "5289", "5281"},
	"clothing_shop":   {"5232", "5233", "5132", "5133"},
	"farm_input_shop": {"5166", "5113"},
	"daily_shop":      {"5235", "5239", "5135", "5212"},
	"pharmacy":        {"5251", "5252", "5234"},
	"moto_shop":       {"5264", "5173"},
	"furniture_shop":  {"5283", "5139"},
	"farm_veg":        {"0141", "0142", "0149"},
	"farm_fruit":      {"0151", "0152", "0153", "0154", "0159"},
	"farm_livestock":  {"0311", "0313", "0314", "0319"},
	"farm_poultry":    {"0321", "0322", "0323", "0329"},
	"farm_sea":        {"0411"},
	"farm_fresh":      {"0412"},
	"farm_grain":      {"0111", "0121"},
}

// producePanel is fresh produce, sampled as 食用农产品 in circulation (food) and at
// farms (agricultural-product monitoring); Sub is the path below 食用农产品.
type producePanel struct {
	Sub        string
	Products   []product
	Items      []*itemSpec
	Must       int
	Food, Agri uint64 // weights
	Sellers    string
	Farm       string
	Months     uint16
}

func vegetable(sub string, food, agri uint64, ns []string, items ...*itemSpec) producePanel {
	return producePanel{Sub: sub, Products: names(ns...), Items: items, Must: 2, Food: food, Agri: agri, Sellers: "veg_retail", Farm: "farm_veg"}
}

var produce = []producePanel{
	vegetable("蔬菜/芸薹属类蔬菜/普通白菜", 14, 55, []string{"小白菜", "上海青", "奶白菜"},
		itChlorpyrifos("0.1"), itAcetamiprid("1"), itOmethoate, itAbamectin, itMethamido, itCadmium("0.2"), itLead("0.3")),
	vegetable("蔬菜/芸薹属类蔬菜/菜薹", 12, 45, []string{"菜心", "菜薹"},
		itOmethoate, itChlorpyrifos("0.1"), itAcetamiprid("1"), itCarbofuran, itCadmium("0.2")),
	vegetable("蔬菜/芸薹属类蔬菜/结球甘蓝", 5, 20, []string{"椰菜", "包菜"},
		itMethamido, itOmethoate, itChlorpyrifos("1"), itCadmium("0.05")),
	vegetable("蔬菜/鳞茎类蔬菜/韭菜", 10, 45, []string{"韭菜"},
		itProcymidone("0.2"), itOmethoate, itChlorpyrifos("0.1"), itPhorate, itCarbofuran, itCarbendazim("2"), itCadmium("0.05")),
	vegetable("蔬菜/叶菜类蔬菜/芹菜", 10, 45, []string{"芹菜", "西芹"},
		itChlorpyrifos("0.05"), itPhorate, itOmethoate, itCarbofuran, itCadmium("0.2"), itLead("0.3")),
	vegetable("蔬菜/叶菜类蔬菜/菠菜", 7, 25, []string{"菠菜"},
		itChlorpyrifos("0.1"), itFipronil, itOmethoate, itPhorate, itCadmium("0.2"), itLead("0.3")),
	vegetable("蔬菜/叶菜类蔬菜/油麦菜", 6, 20, []string{"油麦菜"},
		itOmethoate, itChlorpyrifos("0.1"), itAcetamiprid("1"), itCadmium("0.2")),
	vegetable("蔬菜/豆类蔬菜/豇豆", 14, 70, []string{"豇豆", "长豆角"},
		itThiamethoxam("0.3"), itCyromazine, itOmethoate, itCarbofuran, itFenthion, itIsocarbo, itMethamido, itChlorpyrifos("0.02")),
	vegetable("蔬菜/茄果类蔬菜/辣椒", 8, 35, []string{"青椒", "尖椒", "红米椒", "螺丝椒"},
		itAcetamiprid("0.2"), itOmethoate, itCarbofuran, itPhorate, itCadmium("0.05"), itChlorpyrifos("0.5")),
	vegetable("蔬菜/茄果类蔬菜/番茄", 6, 20, []string{"番茄", "圣女果"},
		itProcymidone("2"), itOmethoate, itChlorpyrifos("0.5"), itCadmium("0.05"), itLead("0.1")),
	vegetable("蔬菜/茄果类蔬菜/茄子", 5, 15, []string{"茄子", "长茄"},
		itOmethoate, itCarbofuran, itChlorpyrifos("0.5"), itCadmium("0.05")),
	vegetable("蔬菜/瓜类蔬菜/黄瓜", 6, 25, []string{"黄瓜", "青瓜"},
		itProcymidone("2"), itThiamethoxam("0.5"), itOmethoate, itChlorpyrifos("0.1"), itPhorate),
	vegetable("蔬菜/瓜类蔬菜/苦瓜", 5, 15, []string{"苦瓜"},
		itOmethoate, itCarbofuran, itChlorpyrifos("0.1"), itCadmium("0.05")),
	vegetable("蔬菜/根茎类和薯芋类蔬菜/姜", 7, 20, []string{"生姜", "黄姜"},
		itClothianidin("0.2"), itThiamethoxam("0.3"), itImidacloprid("0.5"), itPhorate, itLead("0.2"), itCadmium("0.1")),
	vegetable("蔬菜/根茎类和薯芋类蔬菜/山药", 3, 8, []string{"山药", "淮山"},
		itProchloraz, itPhorate, itLead("0.1"), itCadmium("0.1")),
	vegetable("蔬菜/根茎类和薯芋类蔬菜/马铃薯", 3, 8, []string{"土豆", "马铃薯"},
		itPhorate, itCarbofuran, itLead("0.2"), itCadmium("0.1")),
	{Sub: "蔬菜/芽菜类蔬菜/豆芽", Products: names("绿豆芽", "黄豆芽"), Items: []*itemSpec{withCause(itCPA, causePesticide), withCause(it6BA, causePesticide),
		nu("赤霉素", "mg/kg", "原国家食品药品监督管理总局 农业部 国家卫生计生委关于豆芽生产过程中禁止使用6-苄基腺嘌呤等物质的公告(2015年第11号)", "0.03", "0.9"), itLead("0.2")},
		Must: 2, Food: 6, Sellers: "veg_retail", Farm: "farm_veg"},
	vegetable("蔬菜/食用菌/香菇", 3, 8, []string{"香菇", "鲜香菇"},
		itCypermethrin("0.5"), itCadmium("0.2"), itLead("1.0")),

	{Sub: "水果类/热带和亚热带水果/香蕉", Products: names("香蕉", "粉蕉"), Items: []*itemSpec{itImidacloprid("0.05"), itPyraclostrobin("0.02"),
		itCarbendazim("1"), itChlorpyrifos("2"), itCadmium("0.05")}, Must: 2, Food: 7, Agri: 40, Sellers: "veg_retail", Farm: "farm_fruit"},
	{Sub: "水果类/热带和亚热带水果/菠萝", Products: names("菠萝", "徐闻菠萝"), Items: []*itemSpec{itCarbendazim("0.5"), itChlorpyrifos("0.1"),
		itTriazophos, itCadmium("0.05")}, Must: 2, Food: 4, Agri: 30, Sellers: "veg_retail", Farm: "farm_fruit"},
	{Sub: "水果类/热带和亚热带水果/荔枝", Products: names("荔枝", "妃子笑荔枝"), Items: []*itemSpec{itChlorpyrifos("1"), itCypermethrin("0.5"),
		itCarbendazim("0.5"), itOmethoate}, Must: 2, Food: 3, Agri: 20, Sellers: "veg_retail", Farm: "farm_fruit", Months: months(5, 6, 7)},
	{Sub: "水果类/热带和亚热带水果/龙眼", Products: names("龙眼"), Items: []*itemSpec{itChlorpyrifos("1"), itCypermethrin("0.5"), itOmethoate},
		Must: 2, Food: 2, Agri: 10, Sellers: "veg_retail", Farm: "farm_fruit", Months: months(7, 8, 9)},
	{Sub: "水果类/热带和亚热带水果/火龙果", Products: names("火龙果", "红心火龙果"), Items: []*itemSpec{itOmethoate, itCarbofuran,
		itChlorpyrifos("0.5"), itCadmium("0.05")}, Must: 2, Food: 3, Agri: 15, Sellers: "veg_retail", Farm: "farm_fruit"},
	{Sub: "水果类/热带和亚热带水果/芒果", Products: names("芒果", "台农芒果"), Items: []*itemSpec{itPyraclostrobin("0.05"), itCarbendazim("2"),
		itOmethoate}, Must: 2, Food: 2, Agri: 10, Sellers: "veg_retail", Farm: "farm_fruit", Months: months(4, 5, 6, 7, 8)},
	{Sub: "水果类/柑橘类水果/柑", Products: names("砂糖柑", "贡柑"), Items: []*itemSpec{itIsocarbo, itTriazophos, itCarbofuran,
		itOmethoate, itChlorpyrifos("1")}, Must: 2, Food: 2, Agri: 15, Sellers: "veg_retail", Farm: "farm_fruit"},
	{Sub: "水果类/柑橘类水果/橙", Products: names("红江橙", "脐橙"), Items: []*itemSpec{itIsocarbo, itTriazophos, itCarbofuran,
		itChlorpyrifos("1")}, Must: 2, Food: 2, Agri: 15, Sellers: "veg_retail", Farm: "farm_fruit"},
	{Sub: "水果类/仁果类水果/苹果", Products: names("苹果", "红富士苹果"), Items: []*itemSpec{itCarbendazim("3"), itChlorpyrifos("1"),
		itOmethoate, itLead("0.1")}, Must: 2, Food: 2, Sellers: "veg_retail", Farm: "farm_fruit"},
	{Sub: "水果类/浆果和其他小型水果/葡萄", Products: names("葡萄", "阳光玫瑰葡萄"), Items: []*itemSpec{itCarbendazim("3"),
		itPyraclostrobin("2"), itOmethoate, itLead("0.1")}, Must: 2, Food: 2, Sellers: "veg_retail", Farm: "farm_fruit"},
	{Sub: "水果类/瓜果类水果/西瓜", Products: names("西瓜"), Items: []*itemSpec{itOmethoate, itCarbofuran, itCarbendazim("0.5")},
		Must: 2, Food: 1, Agri: 10, Sellers: "veg_retail", Farm: "farm_fruit", Months: months(4, 5, 6, 7, 8, 9)},

	{Sub: "水产品/海水产品/海水虾", Products: names("南美白对虾", "基围虾", "明虾", "斑节对虾"), Items: []*itemSpec{itFurazolidon, itEnro("100"),
		itChloramph, itNitrofural, itMalachite, itCadmium("0.5")}, Must: 2, Food: 16, Agri: 60, Sellers: "meat_retail", Farm: "farm_sea"},
	{Sub: "水产品/海水产品/海水鱼", Products: names("金鲳鱼", "马鲛鱼", "带鱼", "黄花鱼", "石斑鱼", "鲳鱼"), Items: []*itemSpec{itEnro("100"), itMalachite,
		itDiazepam, itChloramph, itCadmium("0.1"), mx("组胺", "mg/100g", "20", "GB 2733-2015", causeQuality, 500, 20, 400)},
		Must: 2, Food: 16, Agri: 45, Sellers: "meat_retail", Farm: "farm_sea"},
	{Sub: "水产品/淡水产品/淡水鱼", Products: names("罗非鱼", "鲫鱼", "草鱼", "鳊鱼", "黄鳝", "黑鱼", "鲈鱼"), Items: []*itemSpec{itMalachite, itEnro("100"),
		itDiazepam, itOfloxacin, itFurazolidon, itChloramph, itSulfa}, Must: 3, Food: 22, Agri: 70, Sellers: "meat_retail", Farm: "farm_fresh"},
	{Sub: "水产品/海水产品/贝类", Products: names("生蚝", "花甲", "扇贝", "文蛤"), Items: []*itemSpec{itCadmium("2.0"), itLead("1.5"),
		mx("无机砷(以As计)", "mg/kg", "0.5", stdContaminants, causeMetal, 200, 40, 400), itChloramph}, Must: 2, Food: 10, Agri: 35,
		Sellers: "meat_retail", Farm: "farm_sea"},
	{Sub: "水产品/海水产品/海水蟹", Products: names("青蟹", "花蟹"), Items: []*itemSpec{itCadmium("0.5"), itLead("0.5"), itEnro("100"), itChloramph},
		Must: 2, Food: 6, Agri: 15, Sellers: "meat_retail", Farm: "farm_sea"},
	{Sub: "水产品/海水产品/其他海水产品", Products: names("虾蛄", "鱿鱼", "墨鱼", "濑尿虾"), Items: []*itemSpec{itCadmium("0.5"), itLead("0.5"),
		itEnro("100"), itChloramph}, Must: 2, Food: 10, Agri: 10, Sellers: "meat_retail", Farm: "farm_sea"},
	{Sub: "水产品/淡水产品/淡水虾", Products: names("罗氏沼虾", "小龙虾"), Items: []*itemSpec{itEnro("100"), itFurazolidon, itMalachite, itCadmium("0.5")},
		Must: 2, Food: 4, Agri: 10, Sellers: "meat_retail", Farm: "farm_fresh"},
	{Sub: "水产品/淡水产品/其他淡水产品", Products: names("牛蛙", "甲鱼"), Items: []*itemSpec{itEnro("100"), itMalachite, itNitrofural, itOfloxacin},
		Must: 2, Food: 6, Agri: 10, Sellers: "meat_retail", Farm: "farm_fresh"},

	{Sub: "畜禽肉及副产品/畜肉/猪肉", Products: names("猪肉", "五花肉", "猪后腿肉"), Items: []*itemSpec{itClenbuterol, itRactopamine, itSalbutamol,
		itChloramph, itEnro("100"), itSulfa, itOxytet("100"), mx("挥发性盐基氮", "mg/100g", "15", "GB 2707-2016", causeQuality, 0, 300, 850)},
		Must: 3, Food: 20, Agri: 45, Sellers: "meat_retail", Farm: "farm_livestock"},
	{Sub: "畜禽肉及副产品/畜肉/牛肉", Products: names("牛肉", "黄牛肉"), Items: []*itemSpec{itClenbuterol, itRactopamine, itSalbutamol, itEnro("100"),
		itOxytet("100")}, Must: 3, Food: 6, Agri: 10, Sellers: "meat_retail", Farm: "farm_livestock"},
	{Sub: "畜禽肉及副产品/畜肉/羊肉", Products: names("羊肉", "山羊肉"), Items: []*itemSpec{itClenbuterol, itRactopamine, itEnro("100"), itSulfa,
		itOxytet("100")}, Must: 3, Food: 5, Agri: 15, Sellers: "meat_retail", Farm: "farm_livestock"},
	{Sub: "畜禽肉及副产品/禽肉/鸡肉", Products: names("鸡肉", "湛江鸡", "三黄鸡"), Items: []*itemSpec{itEnro("100"), itOfloxacin, itNicarbazin, itAmantadine,
		itFurazolidon, itSulfa, itChloramph}, Must: 3, Food: 14, Agri: 45, Sellers: "meat_retail", Farm: "farm_poultry"},
	{Sub: "畜禽肉及副产品/禽肉/鸭肉", Products: names("鸭肉", "番鸭"), Items: []*itemSpec{itEnro("100"), itOfloxacin, itFurazolidon, itChloramph},
		Must: 2, Food: 7, Agri: 15, Sellers: "meat_retail", Farm: "farm_poultry"},
	{Sub: "畜禽肉及副产品/禽肉/其他禽肉", Products: names("乌鸡", "鹅肉"), Items: []*itemSpec{itSulfa, itEnro("100"), itOfloxacin, itChloramph},
		Must: 2, Food: 2, Agri: 5, Sellers: "meat_retail", Farm: "farm_poultry"},
	{Sub: "畜禽肉及副产品/畜副产品/猪肝", Products: names("猪肝"), Items: []*itemSpec{itClenbuterol, itOxytet("300"), itCadmium("0.5"), itLead("0.5")},
		Must: 2, Food: 4, Agri: 5, Sellers: "meat_retail", Farm: "farm_livestock"},

	{Sub: "鲜蛋/鲜蛋/鸡蛋", Products: names("鸡蛋", "土鸡蛋", "鲜鸡蛋"), Items: []*itemSpec{itFlorfenicol, itEnroND, itOfloxacin, itMetronid, itAmantadine,
		itSulfaND}, Must: 3, Food: 18, Agri: 50, Sellers: "meat_retail", Farm: "farm_poultry"},
	{Sub: "鲜蛋/鲜蛋/其他禽蛋", Products: names("鸭蛋", "鹌鹑蛋"), Items: []*itemSpec{itFlorfenicol, itEnroND, itSulfaND}, Must: 2, Food: 4, Agri: 10,
		Sellers: "meat_retail", Farm: "farm_poultry"},
	{Sub: "豆类/豆类", Products: names("绿豆", "黄豆", "红豆"), Items: []*itemSpec{itLead("0.2"), itCadmium("0.2"), itChlorpyrifos("0.1")},
		Must: 2, Food: 2, Sellers: "grain_retail", Farm: "farm_grain"},
	{Sub: "生干坚果与籽类食品/生干坚果与籽类食品/生干坚果", Products: names("生花生", "花生仁"), Items: []*itemSpec{itAFB1("20"),
		itAcidValue("3", "GB 19300-2014"), itPeroxide("0.5", "GB 19300-2014"), itLead("0.2")}, Must: 2, Food: 4, Sellers: "grain_retail", Farm: "farm_grain"},
}

// Product variants of appliances and other manufactured products.
func power(rated int) *itemSpec {
	// GB 4706.1-2005 §10.1, heating appliances above 200 W: +5 % / -10 % of the rated power.
	return rg("输入功率", "W", strconv.Itoa(rated*9/10), strconv.Itoa(rated*105/100), "GB 4706.1-2005", causeProduct)
}

func alcohol(tenths int) *itemSpec {
	// The labelled strength ±1.0 %vol (GB/T 20822, GB/T 10781 and the products' standards).
	return rg("酒精度", "%vol", format(int64(tenths-10), 1), format(int64(tenths+10), 1), stdLabel, causeQuality)
}

var (
	itMarks       = count("标志和说明", "GB 4706.1-2005")
	itLeakage     = mx("泄漏电流", "mA", "0.75", "GB 4706.1-2005", causeProduct, 0, 30, 500)
	itStrength    = &itemSpec{Name: "电气强度", Unit: "次", Limit: "≤0", Std: "GB 4706.1-2005", Cause: causeProduct, Kind: lkCount}
	itEarth       = mx("接地措施(接地电阻)", "Ω", "0.1", "GB 4706.1-2005", causeProduct, 0, 150, 800)
	itStructure   = count("结构", "GB 4706.1-2005")
	itLiveParts   = count("对触及带电部件的防护", "GB 4706.1-2005")
	itHeating     = mx("发热(温升)", "K", "75", "GB 4706.1-2005", causeProduct, 0, 400, 900)
	itStability   = count("稳定性和机械危险", "GB 4706.1-2005")
	itGasFlameOut = count("熄火保护装置", "GB 16410-2007")
)

func appliance(key, path string, weight uint64, std string, makers []string, prods []product, extra ...*itemSpec) catDef {
	items := []*itemSpec{itMarks, itLeakage, itStrength, itStructure, itEarth, itLiveParts, itHeating}
	items = append(items, extra...)
	cp := make([]*itemSpec, len(items))
	for i, it := range items {
		c := *it
		if c.Std == "GB 4706.1-2005" {
			c.Std = "GB 4706.1-2005、" + std
		}
		cp[i] = &c
	}
	return catDef{Key: key, Kind: sampling.KindProduct, Path: path, Weight: weight, Products: prods, Items: cp, Must: 2,
		Makers: makers, Sellers: "appliance_shop", Word: "电器"}
}

var foodCats = []catDef{
	{Key: "粮食加工品/大米", Path: "粮食加工品/大米", Weight: 25, Products: []product{{Name: "大米", Spec: "10kg/袋"}, {Name: "丝苗米", Spec: "5kg/袋"},
		{Name: "油粘米", Spec: "25kg/袋"}, {Name: "香米", Spec: "5kg/袋"}}, Items: []*itemSpec{itCadmium("0.2"), itLead("0.2"),
		mx("无机砷(以As计)", "mg/kg", "0.2", stdContaminants, causeMetal, 100, 150, 600), itAFB1("10"),
		mx("苯并[a]芘", "μg/kg", "5.0", stdContaminants, causeOrganic, 900, 40, 300)}, Must: 2, Makers: []string{"1311"},
		Sellers: "grain_retail", Word: "米业"},
	{Key: "粮食加工品/小麦粉", Path: "粮食加工品/小麦粉", Weight: 6, Products: []product{{Name: "小麦粉", Spec: "2.5kg/袋"},
		{Name: "高筋小麦粉", Spec: "1kg/袋"}}, Items: []*itemSpec{itLead("0.2"), itCadmium("0.1"), itAFB1("5.0"),
		mx("玉米赤霉烯酮", "μg/kg", "60", stdMycotoxins, causeToxin, 700, 20, 400), mx("脱氧雪腐镰刀菌烯醇", "μg/kg", "1000", stdMycotoxins, causeToxin, 400, 30, 500),
		nu("过氧化苯甲酰", "g/kg", stdAdditives, "0.01", "0.09")}, Must: 2, Makers: []string{"1312"}, Sellers: "grain_retail", Word: "粮油"},
	{Key: "粮食加工品/挂面", Path: "粮食加工品/挂面", Weight: 5, Products: []product{{Name: "挂面", Spec: "1kg/包"}, {Name: "鸡蛋挂面", Spec: "800g/包"}},
		Items: []*itemSpec{itLead("0.5"), itDHA, itBenzoic, itSorbic}, Must: 2, Makers: []string{"1431"}, Sellers: "grain_retail", Word: "食品"},
	{Key: "粮食加工品/其他粮食加工品", Path: "粮食加工品/其他粮食加工品", Weight: 14, Products: []product{{Name: "湿米粉", Spec: "散装"},
		{Name: "河粉", Spec: "散装"}, {Name: "干米粉", Spec: "400g/包"}, {Name: "濑粉", Spec: "散装"}}, Items: []*itemSpec{itDHA, itBenzoic,
		itSorbic, itLead("0.5"), itCadmium("0.2")}, Must: 3, Makers: []string{"1431", "1311"}, Sellers: "grain_retail", Word: "食品"},

	{Key: "食用油、油脂及其制品/食用植物油", Path: "食用油、油脂及其制品/食用植物油", Weight: 32, Products: []product{{Name: "花生油", Spec: "5L/桶"},
		{Name: "压榨花生油", Spec: "5L/桶"}, {Name: "土榨花生油", Spec: "散装"}, {Name: "食用植物调和油", Spec: "5L/桶"}, {Name: "大豆油", Spec: "5L/桶"}},
		Items: []*itemSpec{itAcidValue("3", "GB 2716-2018"), mx("过氧化值", "g/100g", "0.25", "GB 2716-2018", causeQuality, 0, 80, 600),
			itAFB1("20"), mx("苯并[a]芘", "μg/kg", "10", stdContaminants, causeOrganic, 500, 50, 500),
			withCause(mx("溶剂残留量", "mg/kg", "20", "GB 2716-2018", causeQuality, 850, 50, 400), causeOrganic),
			mx("特丁基对苯二酚(TBHQ)", "g/kg", "0.2", stdAdditives, causeAdditive, 750, 60, 500)}, Must: 3, Makers: []string{"1331"},
		Sellers: "grain_retail", Word: "粮油"},

	{Key: "调味品/酱油", Path: "调味品/酱油", Weight: 12, Products: []product{{Name: "酿造酱油", Spec: "500mL/瓶"}, {Name: "生抽", Spec: "500mL/瓶"},
		{Name: "老抽", Spec: "500mL/瓶"}}, Items: []*itemSpec{mn("氨基酸态氮", "g/100mL", "0.4", "GB 18186-2000", causeQuality, 1300, 2500),
		itBenzoicMx("1.0"), itSorbicMx("1.0"), plan("菌落总数", "CFU/mL", 5, 2, 5000, 50000, "GB 2717-2018"), itCyclamate}, Must: 3,
		Makers: []string{"1462"}, Sellers: "food_retail", Word: "调味品"},
	{Key: "调味品/食醋", Path: "调味品/食醋", Weight: 6, Products: []product{{Name: "米醋", Spec: "500mL/瓶"}, {Name: "白米醋", Spec: "500mL/瓶"}},
		Items: []*itemSpec{mn("总酸(以乙酸计)", "g/100mL", "3.5", "GB 2719-2018", causeQuality, 1050, 1600), itBenzoicMx("1.0"), itSorbicMx("1.0"),
			absent("游离矿酸", "GB 2719-2018", causeAdditive)}, Must: 2, Makers: []string{"1462"}, Sellers: "food_retail", Word: "调味品"},
	{Key: "调味品/酿造酱", Path: "调味品/酿造酱", Weight: 4, Products: []product{{Name: "黄豆酱", Spec: "300g/瓶"}, {Name: "海鲜酱", Spec: "240g/瓶"}},
		Items: []*itemSpec{mn("氨基酸态氮", "g/100g", "0.3", "GB 2718-2014", causeQuality, 1100, 2200), itAFB1("5.0"), itBenzoicMx("1.0"),
			itSorbicMx("0.5")}, Must: 2, Makers: []string{"1462", "1469"}, Sellers: "food_retail", Word: "调味品"},
	{Key: "调味品/香辛料类", Path: "调味品/香辛料类", Weight: 4, Products: []product{{Name: "辣椒粉", Spec: "100g/袋"}, {Name: "花椒", Spec: "散装"}},
		Items: []*itemSpec{nd("苏丹红Ⅰ", "μg/kg", stdIllegal, causeAdditive, "15", "420"), itLead("3.0"), itSO2("0.1")}, Must: 2,
		Makers: []string{"1469"}, Sellers: "food_retail", Word: "调味品"},
	{Key: "调味品/复合调味料", Path: "调味品/复合调味料", Weight: 10, Products: []product{{Name: "鸡精调味料", Spec: "200g/袋"}, {Name: "蚝油", Spec: "700g/瓶"},
		{Name: "鱼露", Spec: "750mL/瓶"}, {Name: "火锅底料", Spec: "150g/袋"}}, Items: []*itemSpec{itBenzoicMx("0.6"), itSorbicMx("1.0"),
		nd("罂粟碱", "μg/kg", stdIllegal, causeAdditive, "3", "90"), itCyclamate, itLead("1.0")}, Must: 2,
		Makers: []string{"1469", "1461"}, Sellers: "food_retail", Word: "调味品"},
	{Key: "调味品/味精", Path: "调味品/味精", Weight: 4, Products: []product{{Name: "味精", Spec: "454g/袋"}},
		Items: []*itemSpec{mn("谷氨酸钠", "g/100g", "99.0", "GB 2720-2015", causeQuality, 1001, 1009), itLead("1.0")}, Must: 2,
		Makers: []string{"1461"}, Sellers: "food_retail", Word: "调味品"},
	{Key: "调味品/食用盐", Path: "调味品/食用盐", Weight: 10, Products: []product{{Name: "加碘精制盐", Spec: "400g/袋"}, {Name: "海盐", Spec: "400g/袋"}},
		Items: []*itemSpec{rg("碘(以I计)", "mg/kg", "18", "33", "GB 26878-2011", causeQuality), mn("氯化钠(以干基计)", "g/100g", "97.00", "GB/T 5461-2016", causeQuality, 1005, 1025),
			mx("亚铁氰化钾(以亚铁氰根计)", "g/kg", "0.01", stdAdditives, causeAdditive, 200, 100, 700), itLead("2.0")}, Must: 2,
		Makers: []string{"1494"}, Sellers: "food_retail", Word: "盐业"},

	{Key: "肉制品/预制肉制品", Path: "肉制品/预制肉制品", Weight: 12, Products: []product{{Name: "广式腊肠", Spec: "500g/袋"}, {Name: "腊肉", Spec: "散装"},
		{Name: "腊鸭", Spec: "散装"}, {Name: "咸鹅", Spec: "散装"}}, Items: []*itemSpec{itPeroxide("0.5", "GB 2730-2015"), itNitrite("30", "GB 2760-2014"),
		itBenzoic, itSorbicMx("0.075"), nd("胭脂红", "g/kg", stdAdditives, causeAdditive, "0.002", "0.036")}, Must: 2,
		Makers: []string{"1353"}, Sellers: "food_retail", Word: "肉类", Months: months(1, 2, 10, 11, 12)},
	{Key: "肉制品/熟肉制品", Path: "肉制品/熟肉制品", Weight: 23, Products: []product{{Name: "卤猪耳", Spec: "散装"}, {Name: "叉烧", Spec: "散装"},
		{Name: "烧鸭", Spec: "散装"}, {Name: "牛肉丸", Spec: "500g/袋"}, {Name: "火腿肠", Spec: "270g/袋"}}, Items: []*itemSpec{itNitrite("30", "GB 2760-2014"),
		itColonies(10000, 100000, "GB 2726-2016"), itColiforms(10, 100, "GB 2726-2016"), itSalmonella("GB 29921-2013"),
		plan("单核细胞增生李斯特氏菌", "/25g", 5, 0, 0, 0, "GB 29921-2013"), itBenzoic, itSorbicMx("0.075"),
		nu("胭脂红", "g/kg", stdAdditives, "0.002", "0.036")}, Must: 3, Makers: []string{"1353", "1352"}, Sellers: "food_retail", Word: "肉类"},

	{Key: "乳制品/液体乳", Path: "乳制品/液体乳", Weight: 9, Products: []product{{Name: "纯牛奶", Spec: "250mL/盒"}, {Name: "巴氏杀菌乳", Spec: "950mL/瓶"},
		{Name: "水牛奶", Spec: "200mL/瓶"}}, Items: []*itemSpec{mn("蛋白质", "g/100g", "2.9", "GB 25190-2010", causeQuality, 1020, 1200),
		mx("三聚氰胺", "mg/kg", "2.5", "卫生部 工业和信息化部 农业部 工商总局 质检总局公告2011年第10号", causeAdditive, 950, 20, 200),
		mx("黄曲霉毒素M₁", "μg/kg", "0.5", stdMycotoxins, causeToxin, 800, 20, 300), itColiforms(1, 5, "GB 19645-2010")}, Must: 2,
		Makers: []string{"1441"}, Sellers: "drink_retail", Word: "乳业"},
	{Key: "乳制品/乳粉", Path: "乳制品/乳粉", Weight: 3, Products: []product{{Name: "全脂乳粉", Spec: "400g/袋"}, {Name: "中老年配方奶粉", Spec: "800g/罐"}},
		Items: []*itemSpec{mn("蛋白质", "g/100g", "16.5", "GB 19644-2010", causeQuality, 1050, 1600),
			mx("三聚氰胺", "mg/kg", "2.5", "卫生部 工业和信息化部 农业部 工商总局 质检总局公告2011年第10号", causeAdditive, 950, 20, 200),
			itColonies(50000, 200000, "GB 19644-2010")}, Must: 2, Makers: []string{"1442"}, Sellers: "food_retail", Word: "乳业"},

	{Key: "饮料/包装饮用水", Path: "饮料/包装饮用水", Weight: 18, Products: []product{{Name: "饮用纯净水", Spec: "18.9L/桶"}, {Name: "饮用天然山泉水", Spec: "18.9L/桶"},
		{Name: "饮用纯净水", Spec: "550mL/瓶"}}, Items: []*itemSpec{pathogen("铜绿假单胞菌", "GB 19298-2014"), pathogen("大肠菌群", "GB 19298-2014"),
		mx("溴酸盐", "mg/L", "0.01", "GB 19298-2014", causeOrganic, 850, 100, 600), mx("亚硝酸盐(以NO₂⁻计)", "mg/L", "0.005", "GB 19298-2014", causeQuality, 900, 100, 600),
		mx("余氯(游离氯)", "mg/L", "0.05", "GB 19298-2014", causeQuality, 700, 100, 600)}, Must: 3, Makers: []string{"1522"},
		Sellers: "drink_retail", Word: "饮料"},
	{Key: "饮料/果蔬汁类及其饮料", Path: "饮料/果蔬汁类及其饮料", Weight: 5, Products: []product{{Name: "橙汁饮料", Spec: "500mL/瓶"}, {Name: "菠萝汁饮料", Spec: "310mL/罐"}},
		Items: []*itemSpec{itBenzoicMx("1.0"), itCyclamateMx("0.65"), itSaccharin, plan("菌落总数", "CFU/mL", 5, 2, 100, 10000, "GB 7101-2015")}, Must: 2,
		Makers: []string{"1523"}, Sellers: "drink_retail", Word: "饮料"},
	{Key: "饮料/蛋白饮料", Path: "饮料/蛋白饮料", Weight: 5, Products: []product{{Name: "椰子汁", Spec: "245mL/罐"}, {Name: "椰汁", Spec: "1L/盒"},
		{Name: "花生牛奶", Spec: "250mL/盒"}}, Items: []*itemSpec{mn("蛋白质", "g/100g", "0.5", "GB/T 31325-2014", causeQuality, 1050, 1800),
		plan("菌落总数", "CFU/mL", 5, 2, 100, 10000, "GB 7101-2015"), itBenzoic, itCyclamate}, Must: 2, Makers: []string{"1524"},
		Sellers: "drink_retail", Word: "饮料"},
	{Key: "饮料/碳酸饮料", Path: "饮料/碳酸饮料", Weight: 3, Products: []product{{Name: "碳酸饮料", Spec: "500mL/瓶"}, {Name: "荔枝味汽水", Spec: "330mL/罐"}},
		Items: []*itemSpec{itBenzoicMx("0.2"), itCyclamateMx("0.65"), plan("菌落总数", "CFU/mL", 5, 2, 100, 10000, "GB 7101-2015")}, Must: 2,
		Makers: []string{"1521"}, Sellers: "drink_retail", Word: "饮料"},
	{Key: "饮料/茶饮料", Path: "饮料/茶饮料", Weight: 4, Products: []product{{Name: "凉茶植物饮料", Spec: "310mL/罐"}, {Name: "柠檬茶", Spec: "500mL/瓶"}},
		Items: []*itemSpec{itBenzoicMx("1.0"), itCyclamateMx("0.65"), plan("菌落总数", "CFU/mL", 5, 2, 100, 10000, "GB 7101-2015")}, Must: 2,
		Makers: []string{"1529"}, Sellers: "drink_retail", Word: "饮料"},
	{Key: "饮料/固体饮料", Path: "饮料/固体饮料", Weight: 3, Products: []product{{Name: "速溶咖啡", Spec: "15g×30条/盒"}, {Name: "姜汁红糖固体饮料", Spec: "250g/袋"}},
		Items: []*itemSpec{plan("菌落总数", "CFU/g", 5, 2, 1000, 10000, "GB 7101-2015"), itCyclamate, itLead("1.0")}, Must: 2,
		Makers: []string{"1525"}, Sellers: "drink_retail", Word: "饮料"},

	{Key: "方便食品", Path: "方便食品", Weight: 12, Products: []product{{Name: "油炸方便面", Spec: "105g/袋"}, {Name: "调味面制品", Spec: "102g/袋"},
		{Name: "方便粉丝", Spec: "80g/桶"}}, Items: []*itemSpec{itAcidValue("3", "GB 17400-2015"), mx("过氧化值(以脂肪计)", "g/100g", "0.25", "GB 17400-2015", causeQuality, 0, 80, 600),
		itColiforms(10, 100, "GB 17400-2015"), itDHAMx("0.5")}, Must: 2, Makers: []string{"1433", "1439"}, Sellers: "food_retail", Word: "食品"},
	{Key: "饼干", Path: "饼干", Weight: 10, Products: []product{{Name: "苏打饼干", Spec: "400g/袋"}, {Name: "夹心饼干", Spec: "200g/袋"}, {Name: "鸡仔饼", Spec: "250g/盒"}},
		Items: []*itemSpec{itAcidValue("5", "GB 7100-2015"), itPeroxide("0.25", "GB 7100-2015"), itAluminium("100"),
			itColonies(10000, 100000, "GB 7100-2015"), itMould("50", "GB 7100-2015")}, Must: 2, Makers: []string{"1419"}, Sellers: "food_retail", Word: "食品"},
	{Key: "罐头", Path: "罐头", Weight: 8, Products: []product{{Name: "菠萝罐头", Spec: "567g/罐"}, {Name: "豆豉鲮鱼罐头", Spec: "227g/罐"},
		{Name: "午餐肉罐头", Spec: "340g/罐"}}, Items: []*itemSpec{itBenzoic, itSorbic, itCyclamateMx("0.65"),
		mx("锡(以Sn计)", "mg/kg", "250", stdContaminants, causeMetal, 600, 10, 300)}, Must: 2, Makers: []string{"1451", "1452", "1453"},
		Sellers: "food_retail", Word: "食品"},
	{Key: "冷冻饮品", Path: "冷冻饮品", Weight: 10, Products: []product{{Name: "雪糕", Spec: "65g/支"}, {Name: "冰淇淋", Spec: "90g/杯"}, {Name: "椰子冰棒", Spec: "70g/支"}},
		Items: []*itemSpec{itColonies(25000, 100000, "GB 2759-2015"), itColiforms(10, 100, "GB 2759-2015"), itCyclamateMx("0.65"),
			itSaccharinMx("0.15")}, Must: 2, Makers: []string{"1493"}, Sellers: "food_retail", Word: "食品", Months: months(3, 4, 5, 6, 7, 8, 9, 10)},
	{Key: "速冻食品/速冻面米食品", Path: "速冻食品/速冻面米食品", Weight: 10, Products: []product{{Name: "速冻水饺", Spec: "500g/袋"}, {Name: "速冻汤圆", Spec: "400g/袋"},
		{Name: "速冻包子", Spec: "360g/袋"}}, Items: []*itemSpec{itPeroxide("0.25", "GB 19295-2011"), plan("金黄色葡萄球菌", "CFU/g", 5, 1, 1000, 10000, "GB 19295-2011"),
		itSaccharin, itLead("0.5")}, Must: 2, Makers: []string{"1432"}, Sellers: "food_retail", Word: "冷冻食品"},
	{Key: "速冻食品/速冻调制水产制品", Path: "速冻食品/速冻调制水产制品", Weight: 6, Products: []product{{Name: "鱼丸", Spec: "250g/袋"}, {Name: "虾滑", Spec: "150g/盒"},
		{Name: "墨鱼丸", Spec: "250g/袋"}}, Items: []*itemSpec{itLead("0.5"), itCadmium("0.1"), itBenzoic, nd("硼砂", "g/kg", stdIllegal, causeAdditive, "0.05", "1.2")},
		Must: 2, Makers: []string{"1362", "1369"}, Sellers: "food_retail", Word: "冷冻食品"},
	{Key: "速冻食品/速冻调理肉制品", Path: "速冻食品/速冻调理肉制品", Weight: 4, Products: []product{{Name: "速冻鸡翅", Spec: "1kg/袋"}, {Name: "冷冻肉丸", Spec: "500g/袋"}},
		Items: []*itemSpec{mx("挥发性盐基氮", "mg/100g", "15", "GB 19295-2011", causeQuality, 0, 300, 850), itPeroxide("0.25", "GB 19295-2011"),
			itChloramph}, Must: 2, Makers: []string{"1432", "1353"}, Sellers: "food_retail", Word: "冷冻食品"},
	{Key: "薯类和膨化食品/膨化食品", Path: "薯类和膨化食品/膨化食品", Weight: 10, Products: []product{{Name: "薯片", Spec: "70g/袋"}, {Name: "虾条", Spec: "60g/袋"},
		{Name: "爆米花", Spec: "100g/袋"}}, Items: []*itemSpec{itAcidValue("5", "GB 17401-2014"), itPeroxide("0.25", "GB 17401-2014"),
		itColonies(10000, 100000, "GB 17401-2014"), itAluminium("100"), itSaccharin}, Must: 2, Makers: []string{"1499", "1439"}, Sellers: "food_retail", Word: "食品"},
	{Key: "糖果制品/糖果", Path: "糖果制品/糖果", Weight: 6, Products: []product{{Name: "椰子糖", Spec: "200g/袋"}, {Name: "水果硬糖", Spec: "250g/袋"}},
		Items: []*itemSpec{itSaccharin, mx("柠檬黄", "g/kg", "0.1", stdAdditives, causeAdditive, 600, 40, 500), itLead("0.5"),
			itColonies(10000, 100000, "GB 17399-2016")}, Must: 2, Makers: []string{"1421"}, Sellers: "food_retail", Word: "食品"},
	{Key: "糖果制品/果冻", Path: "糖果制品/果冻", Weight: 2, Products: []product{{Name: "果冻", Spec: "150g/杯"}},
		Items: []*itemSpec{itBenzoicMx("0.5"), itSorbicMx("0.5"), itCyclamateMx("0.65"), itColonies(100, 1000, "GB 19299-2015")}, Must: 2,
		Makers: []string{"1421"}, Sellers: "food_retail", Word: "食品"},
	{Key: "茶叶及相关制品/茶叶", Path: "茶叶及相关制品/茶叶", Weight: 7, Products: []product{{Name: "绿茶", Spec: "250g/罐"}, {Name: "铁观音", Spec: "散装"},
		{Name: "红茶", Spec: "100g/盒"}}, Items: []*itemSpec{itLead("5.0"), itImidacloprid("0.5"), mx("草甘膦", "mg/kg", "1", stdPesticides, causePesticide, 900, 30, 300),
		itCypermethrin("20"), mx("氰戊菊酯和S-氰戊菊酯", "mg/kg", "0.1", stdPesticides, causePesticide, 950, 50, 400)}, Must: 2,
		Makers: []string{"1530"}, Sellers: "drink_retail", Word: "茶业"},
	{Key: "茶叶及相关制品/含茶制品和代用茶", Path: "茶叶及相关制品/含茶制品和代用茶", Weight: 3, Products: []product{{Name: "菊花茶", Spec: "50g/罐"},
		{Name: "代用茶", Spec: "散装"}}, Items: []*itemSpec{itLead("2"), itSO2("0.1")}, Must: 2, Makers: []string{"1530"}, Sellers: "drink_retail", Word: "茶业"},

	{Key: "酒类/白酒", Path: "酒类/白酒", Weight: 16, Products: []product{{Name: "米酒", Spec: "500mL/瓶 29%vol", Items: []*itemSpec{alcohol(290)}},
		{Name: "玉冰烧", Spec: "610mL/瓶 29.5%vol", Items: []*itemSpec{alcohol(295)}}, {Name: "三花酒", Spec: "500mL/瓶 38%vol", Items: []*itemSpec{alcohol(380)}},
		{Name: "浓香型白酒", Spec: "500mL/瓶 52%vol", Items: []*itemSpec{alcohol(520)}}, {Name: "散装白酒", Spec: "散装 45%vol", Items: []*itemSpec{alcohol(450)}}},
		Items: []*itemSpec{alcohol(290), mx("甲醇", "g/L", "0.6", "GB 2757-2012", causeQuality, 300, 50, 500), mx("氰化物(以HCN计)", "mg/L", "8.0", "GB 2757-2012", causeQuality, 400, 20, 300),
			itLead("0.5"), itCyclamate, itSaccharin, nu("三氯蔗糖", "g/kg", stdAdditives, "0.003", "0.02")}, Must: 3,
		Makers: []string{"1512", "1519"}, Sellers: "drink_retail", Word: "酒业"},
	{Key: "酒类/啤酒", Path: "酒类/啤酒", Weight: 6, Products: []product{{Name: "啤酒", Spec: "500mL/罐 3.6%vol", Items: []*itemSpec{alcohol(36)}},
		{Name: "纯生啤酒", Spec: "330mL/瓶 4.0%vol", Items: []*itemSpec{alcohol(40)}}}, Items: []*itemSpec{alcohol(36),
		mx("甲醛", "mg/L", "2.0", "GB 2758-2012", causeQuality, 200, 50, 400), itLead("0.5")}, Must: 2, Makers: []string{"1513"}, Sellers: "drink_retail", Word: "酒业"},
	{Key: "酒类/黄酒", Path: "酒类/黄酒", Weight: 2, Products: []product{{Name: "客家黄酒", Spec: "500mL/瓶 12%vol", Items: []*itemSpec{alcohol(120)}}},
		Items: []*itemSpec{alcohol(120), itBenzoic, itSorbic, itCyclamate}, Must: 2, Makers: []string{"1514"}, Sellers: "drink_retail", Word: "酒业"},
	{Key: "酒类/配制酒", Path: "酒类/配制酒", Weight: 4, Products: []product{{Name: "荔枝酒", Spec: "500mL/瓶 20%vol", Items: []*itemSpec{alcohol(200)}},
		{Name: "青梅酒", Spec: "375mL/瓶 15%vol", Items: []*itemSpec{alcohol(150)}}}, Items: []*itemSpec{alcohol(200), mx("甲醇", "g/L", "0.6", "GB 2757-2012", causeQuality, 300, 50, 500),
		itCyclamate, itSaccharin}, Must: 2, Makers: []string{"1519"}, Sellers: "drink_retail", Word: "酒业"},

	{Key: "蔬菜制品", Path: "蔬菜制品", Weight: 15, Products: []product{{Name: "萝卜干", Spec: "250g/袋"}, {Name: "酸菜", Spec: "散装"}, {Name: "榨菜", Spec: "80g/袋"},
		{Name: "橄榄菜", Spec: "180g/瓶"}}, Items: []*itemSpec{itBenzoicMx("1.0"), itNitrite("20", stdContaminants), itSorbicMx("1.0"), itDHAMx("0.3"),
		itSaccharinMx("0.15"), itCyclamateMx("1.0"), itPreservativeRatio, itColiforms(10, 1000, "GB 2714-2015")}, Must: 3,
		Makers: []string{"1499"}, Sellers: "food_retail", Word: "食品"},
	{Key: "水果制品", Path: "水果制品", Weight: 12, Products: []product{{Name: "话梅", Spec: "100g/袋"}, {Name: "菠萝干", Spec: "200g/袋"}, {Name: "陈皮", Spec: "散装"},
		{Name: "凉果", Spec: "散装"}}, Items: []*itemSpec{itSO2("0.35"), itBenzoicMx("0.5"), itSaccharinMx("5.0"), itCyclamateMx("8.0"),
		itColonies(1000, 10000, "GB 14884-2016"), itMould("50", "GB 14884-2016"), itSorbicMx("0.5")}, Must: 3, Makers: []string{"1422"},
		Sellers: "food_retail", Word: "食品"},
	{Key: "炒货食品及坚果制品", Path: "炒货食品及坚果制品", Weight: 15, Products: []product{{Name: "花生", Spec: "散装"}, {Name: "蒜香花生", Spec: "150g/袋"},
		{Name: "香瓜子", Spec: "200g/袋"}, {Name: "开心果", Spec: "120g/袋"}}, Items: []*itemSpec{itPeroxide("0.50", "GB 19300-2014"),
		itAcidValue("3", "GB 19300-2014"), itAFB1("20"), itSaccharinMx("1.0"), itCyclamateMx("6.0"), itColiforms(10, 100, "GB 19300-2014")}, Must: 3,
		Makers: []string{"1499"}, Sellers: "food_retail", Word: "食品"},
	{Key: "蛋制品", Path: "蛋制品", Weight: 5, Products: []product{{Name: "咸鸭蛋", Spec: "散装"}, {Name: "皮蛋", Spec: "散装"}, {Name: "卤蛋", Spec: "30g/个"}},
		Items: []*itemSpec{itLead("0.2"), itColonies(10000, 100000, "GB 2749-2015"), itBenzoic}, Must: 2, Makers: []string{"1499"},
		Sellers: "food_retail", Word: "食品"},
	{Key: "食糖", Path: "食糖", Weight: 8, Products: []product{{Name: "白砂糖", Spec: "500g/袋"}, {Name: "赤砂糖", Spec: "散装"}, {Name: "冰糖", Spec: "400g/袋"}},
		Items: []*itemSpec{itSO2("0.1"), negative("螨", "GB 13104-2014", causeQuality), mn("蔗糖分", "g/100g", "99.6", "GB/T 317-2018", causeQuality, 1001, 1003),
			mx("干燥失重", "g/100g", "0.06", "GB/T 317-2018", causeQuality, 0, 200, 900)}, Must: 2, Makers: []string{"1340"},
		Sellers: "food_retail", Word: "糖业"},
	{Key: "水产制品", Path: "水产制品", Weight: 30, Products: []product{{Name: "虾干", Spec: "散装"}, {Name: "鱿鱼干", Spec: "散装"}, {Name: "咸鱼", Spec: "散装"},
		{Name: "墨鱼干", Spec: "250g/袋"}, {Name: "即食鱼片", Spec: "100g/袋"}, {Name: "虾米", Spec: "散装"}}, Items: []*itemSpec{
		mx("镉(以Cd计)", "mg/kg", "2.0", stdContaminants, causeMetal, 100, 40, 500), itLead("1.0"),
		mx("N-二甲基亚硝胺", "μg/kg", "4.0", stdContaminants, causeOrganic, 600, 100, 600), itBenzoic, itSorbicMx("1.0"),
		mx("组胺", "mg/100g", "40", "GB 10136-2015", causeQuality, 500, 20, 400)}, Must: 3, Makers: []string{"1362", "1369", "1361"},
		Sellers: "meat_retail", Word: "水产"},
	{Key: "淀粉及淀粉制品", Path: "淀粉及淀粉制品", Weight: 10, Products: []product{{Name: "粉丝", Spec: "250g/袋"}, {Name: "红薯粉条", Spec: "400g/袋"},
		{Name: "木薯淀粉", Spec: "500g/袋"}}, Items: []*itemSpec{itAluminium("200"), itLead("0.5"), itSO2("0.1"), itBenzoic}, Must: 2,
		Makers: []string{"1431", "1499"}, Sellers: "grain_retail", Word: "食品"},
	{Key: "糕点/面包", Path: "糕点/面包", Weight: 8, Products: []product{{Name: "面包", Spec: "散装"}, {Name: "椰丝面包", Spec: "80g/个"}, {Name: "吐司", Spec: "400g/袋"}},
		Items: []*itemSpec{itDHAMx("0.5"), itSorbicMx("1.0"), itColonies(10000, 100000, "GB 7099-2015"), itColiforms(10, 100, "GB 7099-2015"),
			itMould("150", "GB 7099-2015"), itPreservativeRatio}, Must: 3, Makers: []string{"1411"}, Sellers: "food_retail", Word: "食品"},
	{Key: "糕点/月饼", Path: "糕点/月饼", Weight: 12, Products: []product{{Name: "广式莲蓉月饼", Spec: "750g/盒"}, {Name: "五仁月饼", Spec: "125g/个"},
		{Name: "双黄白莲蓉月饼", Spec: "185g/个"}}, Items: []*itemSpec{itAcidValue("5", "GB 7099-2015"), itPeroxide("0.25", "GB 7099-2015"),
		itDHAMx("0.5"), itSorbicMx("1.0"), itColonies(10000, 100000, "GB 7099-2015"), itAluminium("100")}, Must: 3,
		Makers: []string{"1411"}, Sellers: "food_retail", Word: "食品", Months: months(8, 9)},
	{Key: "糕点/粽子", Path: "糕点/粽子", Weight: 4, Products: []product{{Name: "鲜肉粽", Spec: "200g/个"}, {Name: "碱水粽", Spec: "散装"}},
		Items: []*itemSpec{itBenzoic, itSorbic, itDHA, itColonies(10000, 100000, "GB 7099-2015")}, Must: 2,
		Makers: []string{"1411", "1431"}, Sellers: "food_retail", Word: "食品", Months: months(5, 6)},
	{Key: "糕点/糕点", Path: "糕点/糕点", Weight: 16, Products: []product{{Name: "老婆饼", Spec: "散装"}, {Name: "蛋黄酥", Spec: "55g/个"},
		{Name: "鸡蛋糕", Spec: "散装"}, {Name: "年糕", Spec: "500g/袋"}, {Name: "马蹄糕", Spec: "散装"}}, Items: []*itemSpec{
		itColonies(10000, 100000, "GB 7099-2015"), itDHAMx("0.5"), itMould("150", "GB 7099-2015"), itSorbicMx("1.0"), itBenzoic,
		itSaccharin, itAluminium("100"), itPreservativeRatio, itColiforms(10, 100, "GB 7099-2015"), itSalmonella("GB 29921-2013")}, Must: 3,
		Makers: []string{"1411"}, Sellers: "food_retail", Word: "食品"},
	{Key: "豆制品", Path: "豆制品", Weight: 20, Products: []product{{Name: "豆腐", Spec: "散装"}, {Name: "腐竹", Spec: "250g/袋"}, {Name: "豆腐干", Spec: "散装"},
		{Name: "豆腐皮", Spec: "散装"}, {Name: "油豆腐", Spec: "散装"}}, Items: []*itemSpec{itBenzoic, itDHA, itSorbicMx("1.0"),
		itColiforms(10, 100, "GB 2712-2014"), itAluminium("100"), nd("碱性嫩黄", "mg/kg", stdIllegal, causeAdditive, "0.5", "12")}, Must: 3,
		Makers: []string{"1499"}, Sellers: "food_retail", Word: "食品"},
	{Key: "蜂产品/蜂蜜", Path: "蜂产品/蜂蜜", Weight: 5, Products: []product{{Name: "荔枝蜜", Spec: "500g/瓶"}, {Name: "龙眼蜜", Spec: "500g/瓶"}, {Name: "百花蜂蜜", Spec: "1kg/瓶"}},
		Items: []*itemSpec{mn("果糖和葡萄糖", "g/100g", "60", "GB 14963-2011", causeQuality, 1050, 1300), mx("蔗糖", "g/100g", "5", "GB 14963-2011", causeQuality, 400, 40, 600),
			itNorfloxacin, itChloramph, itColonies(1000, 10000, "GB 14963-2011")}, Must: 2, Makers: []string{"1499"}, Sellers: "food_retail", Word: "蜂业"},
	{Key: "保健食品", Path: "保健食品", Weight: 3, Products: []product{{Name: "蛋白粉", Spec: "400g/罐"}, {Name: "维生素C咀嚼片", Spec: "60片/瓶"}},
		Items: []*itemSpec{itLead("2.0"), itColonies(1000, 10000, "GB 16740-2014"), nd("西地那非", "mg/kg", stdIllegal, causeAdditive, "0.8", "42")}, Must: 2,
		Makers: []string{"1492"}, Sellers: "pharmacy", Word: "生物科技"},
	{Key: "婴幼儿配方食品", Path: "婴幼儿配方食品", Weight: 2, Products: []product{{Name: "婴儿配方奶粉(0~6月龄,1段)", Spec: "800g/罐"},
		{Name: "较大婴儿配方奶粉(6~12月龄,2段)", Spec: "800g/罐"}}, Items: []*itemSpec{rg("蛋白质", "g/100kJ", "0.45", "0.70", "GB 10765-2010", causeQuality),
		mx("三聚氰胺", "mg/kg", "1", "卫生部 工业和信息化部 农业部 工商总局 质检总局公告2011年第10号", causeAdditive, 950, 20, 200),
		mx("硝酸盐(以NaNO₃计)", "mg/kg", "100", stdContaminants, causeQuality, 300, 50, 400)}, Must: 2,
		Makers: []string{"1491"}, Sellers: "food_retail", Word: "乳业"},
	{Key: "食品添加剂", Path: "食品添加剂", Weight: 2, Products: []product{{Name: "复配膨松剂", Spec: "1kg/袋"}, {Name: "食品用香精", Spec: "1kg/瓶"}},
		Items: []*itemSpec{itLead("2.0"), mx("砷(以As计)", "mg/kg", "2.0", "GB 1886.1-2015", causeMetal, 300, 50, 400)}, Must: 2,
		Makers: []string{"1495"}, Sellers: "food_retail", Word: "食品科技"},

	// 餐饮食品 made in restaurants, canteens and stalls.
	{Key: "餐饮食品/复用餐饮具", Path: "餐饮食品", Weight: 45, Products: names("复用餐饮具(餐馆自行消毒)", "复用餐饮具(集中消毒)", "消毒碗", "消毒筷子"),
		Items: []*itemSpec{mx("阴离子合成洗涤剂(以十二烷基苯磺酸钠计)", "mg/100cm²", "0.014", stdTableware, causeOrganic, 750, 50, 700),
			pathogen("大肠菌群", stdTableware), pathogen("沙门氏菌", stdTableware)}, Must: 2, Catering: true},
	{Key: "餐饮食品/发酵面制品", Path: "餐饮食品", Weight: 20, Products: names("馒头", "包子", "花卷", "叉烧包"),
		Items: []*itemSpec{itCyclamate, itSaccharin, itBenzoic, itSorbic, nu("铝的残留量(干样品,以Al计)", "mg/kg", stdAdditives, "12", "430")}, Must: 3, Catering: true},
	{Key: "餐饮食品/油炸面制品", Path: "餐饮食品", Weight: 10, Products: names("油条", "油饼", "煎堆"),
		Items: []*itemSpec{itAluminium("100"), itAcidValue("5", "GB 2716-2018")}, Must: 2, Catering: true},
	{Key: "餐饮食品/米粉制品", Path: "餐饮食品", Weight: 15, Products: names("湿米粉(自制)", "河粉(自制)", "肠粉", "粉皮"),
		Items: []*itemSpec{itDHA, itBenzoic, itSorbic, nd("硼酸", "g/kg", stdIllegal, causeAdditive, "0.05", "1.5")}, Must: 3, Catering: true},
	{Key: "餐饮食品/熟肉制品", Path: "餐饮食品", Weight: 15, Products: names("白切鸡", "烧鹅", "叉烧(自制)", "卤水鸭", "卤猪手"),
		Items: []*itemSpec{itNitrite("30", stdAdditives), nu("胭脂红", "g/kg", stdAdditives, "0.002", "0.036"), itBenzoic, itSorbic,
			itColonies(10000, 100000, "GB 2726-2016")}, Must: 3, Catering: true},
	{Key: "餐饮食品/煎炸过程用油", Path: "餐饮食品", Weight: 10, Products: names("煎炸过程用油"),
		Items: []*itemSpec{mx("极性组分", "%", "27", "GB 2716-2018", causeQuality, 0, 300, 900), itAcidValue("5", "GB 2716-2018")}, Must: 2, Catering: true},
	{Key: "餐饮食品/凉拌菜", Path: "餐饮食品", Weight: 5, Products: names("凉皮", "凉拌木耳", "凉拌海蜇"),
		Items: []*itemSpec{itSorbic, itBenzoic, itDHA}, Must: 2, Catering: true},
	{Key: "餐饮食品/自制饮品", Path: "餐饮食品", Weight: 5, Products: names("奶茶(自制)", "鲜榨果汁", "酸梅汤(自制)"),
		Items: []*itemSpec{itCyclamate, itSaccharin, itBenzoic, itSorbic}, Must: 2, Catering: true},
	{Key: "餐饮食品/火锅底料(自制)", Path: "餐饮食品", Weight: 3, Products: names("火锅底料(自制)", "火锅汤底"),
		Items: []*itemSpec{nd("罂粟碱", "μg/kg", stdIllegal, causeAdditive, "3", "90"), nd("吗啡", "μg/kg", stdIllegal, causeAdditive, "2", "40"),
			nd("可待因", "μg/kg", stdIllegal, causeAdditive, "1", "20")}, Must: 3, Catering: true},
}

var productCats = []catDef{
	appliance("家用电器/电饭锅", "家用电器/电饭锅", 300, "GB 4706.19-2008", []string{"3854"}, []product{
		{Name: "电饭锅", Spec: "CFXB40-70 4.0L 220V~ 700W", Items: []*itemSpec{power(700)}},
		{Name: "电饭煲", Spec: "MB-FB30 3.0L 220V~ 600W", Items: []*itemSpec{power(600)}},
		{Name: "智能电饭煲", Spec: "FD50 5.0L 220V~ 860W", Items: []*itemSpec{power(860)}},
		{Name: "电压力锅", Spec: "YL50 5.0L 220V~ 900W", Items: []*itemSpec{power(900)}},
		{Name: "迷你电饭锅", Spec: "CFXB16 1.6L 220V~ 350W", Items: []*itemSpec{power(350)}}}, power(700)),
	appliance("家用电器/电热水壶", "家用电器/电热水壶", 120, "GB 4706.19-2008", []string{"3854"}, []product{
		{Name: "电热水壶", Spec: "SWF17 1.7L 220V~ 1800W", Items: []*itemSpec{power(1800)}},
		{Name: "养生壶", Spec: "YS15 1.5L 220V~ 800W", Items: []*itemSpec{power(800)}}}, power(1800)),
	appliance("家用电器/电风扇", "家用电器/电风扇", 100, "GB 4706.27-2008", []string{"3853"}, []product{
		{Name: "落地扇", Spec: "FS40 220V~ 55W"}, {Name: "台扇", Spec: "FT30 220V~ 45W"}, {Name: "壁扇", Spec: "FW40 220V~ 60W"}}, itStability),
	appliance("家用电器/电磁灶", "家用电器/电磁灶", 80, "GB 4706.29-2008", []string{"3854"}, []product{
		{Name: "电磁炉", Spec: "C21 220V~ 2100W", Items: []*itemSpec{power(2100)}}, {Name: "电陶炉", Spec: "DT20 220V~ 2000W", Items: []*itemSpec{power(2000)}}}, power(2100)),
	appliance("家用电器/电吹风", "家用电器/电吹风", 60, "GB 4706.15-2008", []string{"3856"}, []product{
		{Name: "电吹风", Spec: "HD12 220V~ 1200W", Items: []*itemSpec{power(1200)}}, {Name: "负离子电吹风", Spec: "HD18 220V~ 1800W", Items: []*itemSpec{power(1800)}}}, power(1200)),
	appliance("家用电器/电冰箱", "家用电器/电冰箱", 10, "GB 4706.13-2014", []string{"3851"}, []product{{Name: "电冰箱", Spec: "BCD-186 220V~"}}),
	appliance("家用电器/洗衣机", "家用电器/洗衣机", 10, "GB 4706.24-2008", []string{"3855"}, []product{{Name: "波轮洗衣机", Spec: "XQB80 220V~"}}),
	appliance("家用电器/空调器", "家用电器/空调器", 10, "GB 4706.32-2012", []string{"3852"}, []product{{Name: "房间空气调节器", Spec: "KFR-35GW 220V~"}}),

	{Key: "电线电缆及电工产品/电线电缆", Kind: sampling.KindProduct, Path: "电线电缆及电工产品/电线电缆", Weight: 100, Products: []product{
		{Name: "聚氯乙烯绝缘电缆(电线)", Spec: "BV 450/750V 1×2.5mm²"},
		{Name: "聚氯乙烯绝缘电缆(电线)", Spec: "BV 450/750V 1×1.5mm²", Items: []*itemSpec{
			mx("导体电阻(20℃)", "Ω/km", "12.1", "GB/T 5023.3-2008", causeProduct, 0, 930, 995),
			mn("绝缘平均厚度", "mm", "0.7", "GB/T 5023.3-2008", causeProduct, 1005, 1100),
			mn("绝缘最薄处厚度", "mm", "0.53", "GB/T 5023.3-2008", causeProduct, 1030, 1250)}},
		{Name: "聚氯乙烯绝缘电缆(电线)", Spec: "BV 450/750V 1×4mm²", Items: []*itemSpec{
			mx("导体电阻(20℃)", "Ω/km", "4.61", "GB/T 5023.3-2008", causeProduct, 0, 930, 995)}}},
		Items: []*itemSpec{mx("导体电阻(20℃)", "Ω/km", "7.41", "GB/T 5023.3-2008", causeProduct, 0, 930, 995),
			mn("绝缘平均厚度", "mm", "0.8", "GB/T 5023.3-2008", causeProduct, 1005, 1100),
			mn("绝缘最薄处厚度", "mm", "0.62", "GB/T 5023.3-2008", causeProduct, 1030, 1250),
			mn("绝缘老化前抗张强度", "MPa", "12.5", "GB/T 5023.3-2008", causeProduct, 1050, 1400)}, Must: 2,
		Makers: []string{"3831"}, Sellers: "electrical_shop", Word: "电线电缆"},
	{Key: "电线电缆及电工产品/插头插座", Kind: sampling.KindProduct, Path: "电线电缆及电工产品/插头插座", Weight: 50, Products: []product{
		{Name: "移动式插座(转换器)", Spec: "10A 250V~ 四位"}, {Name: "墙壁开关插座", Spec: "10A 250V~ 五孔"}},
		Items: []*itemSpec{count("标志", "GB/T 2099.1-2008"), count("防触电保护", "GB/T 2099.1-2008"), count("接地措施", "GB/T 2099.1-2008"),
			count("结构", "GB/T 2099.1-2008"), count("端子和端头", "GB/T 2099.1-2008")}, Must: 3, Makers: []string{"3829", "3839", "3823"},
		Sellers: "electrical_shop", Word: "电器"},
	{Key: "电线电缆及电工产品/LED灯具", Kind: sampling.KindProduct, Path: "电线电缆及电工产品/LED灯具", Weight: 50, Products: []product{
		{Name: "LED吸顶灯", Spec: "XD-24 220V~ 24W"}, {Name: "LED筒灯", Spec: "TD-7 220V~ 7W"}},
		Items: []*itemSpec{count("标记", "GB 7000.1-2015"), count("爬电距离和电气间隙", "GB 7000.1-2015"), count("防触电保护", "GB 7000.1-2015"),
			count("外部接线和内部接线", "GB 7000.1-2015")}, Must: 3, Makers: []string{"3872", "3879"}, Sellers: "electrical_shop", Word: "照明"},
	{Key: "纺织服装和鞋/鞋类", Kind: sampling.KindProduct, Path: "纺织服装和鞋/鞋类", Weight: 60, Products: []product{
		{Name: "休闲鞋", Spec: "40码"}, {Name: "运动鞋", Spec: "42码"}, {Name: "胶面拖鞋", Spec: "39码"}},
		Items: []*itemSpec{mn("帮底剥离强度", "N/cm", "40", "QB/T 4331-2012", causeProduct, 1100, 1800), mx("外底耐磨性能", "mm", "10", "QB/T 4331-2012", causeProduct, 0, 300, 850),
			mn("衬里和内垫耐摩擦色牢度(干擦)", "级", "3", "QB/T 4331-2012", causeProduct, 1000, 1500)}, Must: 2,
		Makers: []string{"1951", "1952", "1953", "1954", "1959"}, Sellers: "clothing_shop", Word: "鞋业"},
	{Key: "纺织服装和鞋/服装", Kind: sampling.KindProduct, Path: "纺织服装和鞋/服装", Weight: 40, Products: []product{
		{Name: "男式衬衫", Spec: "170/88A"}, {Name: "女式连衣裙", Spec: "160/84A"}, {Name: "针织T恤", Spec: "175/92A"}},
		Items: []*itemSpec{mx("甲醛含量", "mg/kg", "75", "GB 18401-2010", causeProduct, 600, 100, 600), rg("pH值", "", "4.0", "8.5", "GB 18401-2010", causeProduct),
			mn("耐水色牢度(变色)", "级", "3", "GB 18401-2010", causeProduct, 1000, 1400), mn("耐汗渍色牢度(变色)", "级", "3", "GB 18401-2010", causeProduct, 1000, 1400),
			mx("可分解致癌芳香胺染料", "mg/kg", "20", "GB 18401-2010", causeProduct, 950, 50, 400)}, Must: 3,
		Makers: []string{"1811", "1819", "1821", "1829", "1830"}, Sellers: "clothing_shop", Word: "服装"},
	{Key: "儿童及学生用品/童装", Kind: sampling.KindProduct, Path: "儿童及学生用品/童装", Weight: 30, Products: []product{
		{Name: "儿童连帽卫衣", Spec: "120cm"}, {Name: "儿童套装", Spec: "110/56"}},
		Items: []*itemSpec{count("绳带要求", "GB 31701-2015"), mx("甲醛含量", "mg/kg", "75", "GB 31701-2015", causeProduct, 600, 100, 600),
			rg("pH值", "", "4.0", "8.5", "GB 31701-2015", causeProduct), count("附件抗拉强力", "GB 31701-2015")}, Must: 3,
		Makers: []string{"1819", "1829"}, Sellers: "clothing_shop", Word: "服装"},
	{Key: "农业生产资料/化肥", Kind: sampling.KindProduct, Path: "农业生产资料/化肥", Weight: 40, Products: []product{
		{Name: "复合肥料(15-15-15)", Spec: "40kg/袋"}, {Name: "复合肥料(17-17-17)", Spec: "50kg/袋"}},
		Items: []*itemSpec{mn("总养分(N+P₂O₅+K₂O)", "%", "40.0", "GB 15063-2009", causeProduct, 1080, 1160), mx("水分(H₂O)", "%", "2.0", "GB 15063-2009", causeProduct, 0, 300, 900),
			mx("氯离子", "%", "3.0", "GB 15063-2009", causeProduct, 0, 50, 600), mn("粒度(1.00mm~4.75mm)", "%", "90", "GB 15063-2009", causeProduct, 1010, 1090)}, Must: 3,
		Makers: []string{"2621", "2623", "2624"}, Sellers: "farm_input_shop", Word: "化肥"},
	{Key: "农业生产资料/饲料", Kind: sampling.KindProduct, Path: "农业生产资料/饲料", Weight: 40, Products: []product{
		{Name: "对虾配合饲料", Spec: "20kg/袋"}, {Name: "猪配合饲料", Spec: "40kg/袋"}, {Name: "罗非鱼配合饲料", Spec: "40kg/袋"}},
		Items: []*itemSpec{mn("粗蛋白质", "%", "16.0", stdLabel, causeProduct, 1020, 1600), mx("水分", "%", "12.5", stdLabel, causeProduct, 0, 600, 950),
			mx("黄曲霉毒素B₁", "μg/kg", "20", "GB 13078-2017", causeProduct, 500, 50, 400), mx("铅(以Pb计)", "mg/kg", "5", "GB 13078-2017", causeProduct, 200, 40, 400)}, Must: 3,
		Makers: []string{"1329", "1321"}, Sellers: "farm_input_shop", Word: "饲料"},
	{Key: "建筑和装饰装修材料/水泥", Kind: sampling.KindProduct, Path: "建筑和装饰装修材料/水泥", Weight: 30, Products: []product{
		{Name: "普通硅酸盐水泥", Spec: "P·O 42.5"}, {Name: "复合硅酸盐水泥", Spec: "P·C 42.5R"}},
		Items: []*itemSpec{mn("3d抗压强度", "MPa", "17.0", "GB 175-2007", causeProduct, 1200, 1700), mn("28d抗压强度", "MPa", "42.5", "GB 175-2007", causeProduct, 1030, 1300),
			mn("初凝时间", "min", "45", "GB 175-2007", causeProduct, 2500, 4500), mx("三氧化硫", "%", "3.5", "GB 175-2007", causeProduct, 0, 500, 850),
			mx("氯离子", "%", "0.06", "GB 175-2007", causeProduct, 0, 200, 700)}, Must: 3, Makers: []string{"3011"}, Sellers: "building_shop", Word: "建材"},
	{Key: "建筑和装饰装修材料/钢筋", Kind: sampling.KindProduct, Path: "建筑和装饰装修材料/钢筋", Weight: 30, Products: []product{
		{Name: "钢筋混凝土用热轧带肋钢筋", Spec: "HRB400E Φ12"}, {Name: "钢筋混凝土用热轧带肋钢筋", Spec: "HRB400E Φ16"}},
		Items: []*itemSpec{mn("下屈服强度", "MPa", "400", "GB/T 1499.2-2018", causeProduct, 1040, 1150), mn("抗拉强度", "MPa", "540", "GB/T 1499.2-2018", causeProduct, 1040, 1150),
			mn("断后伸长率", "%", "16", "GB/T 1499.2-2018", causeProduct, 1100, 1600), mn("最大力总延伸率", "%", "9.0", "GB/T 1499.2-2018", causeProduct, 1100, 1500),
			mn("强屈比", "", "1.25", "GB/T 1499.2-2018", causeProduct, 1010, 1100)}, Must: 3, Makers: []string{"3120", "3130"}, Sellers: "building_shop", Word: "钢铁"},
	{Key: "建筑和装饰装修材料/陶瓷砖", Kind: sampling.KindProduct, Path: "建筑和装饰装修材料/陶瓷砖", Weight: 20, Products: []product{
		{Name: "瓷质抛光砖", Spec: "800mm×800mm"}, {Name: "釉面内墙砖", Spec: "300mm×600mm"}},
		Items: []*itemSpec{mx("吸水率", "%", "0.5", "GB/T 4100-2015", causeProduct, 0, 100, 900), mn("破坏强度", "N", "1300", "GB/T 4100-2015", causeProduct, 1100, 2200),
			mn("断裂模数", "MPa", "35", "GB/T 4100-2015", causeProduct, 1050, 1500), mx("内照射指数", "", "1.0", "GB 6566-2010", causeProduct, 0, 100, 700)}, Must: 3,
		Makers: []string{"3071"}, Sellers: "building_shop", Word: "陶瓷"},
	{Key: "日用消费品/塑料餐饮具", Kind: sampling.KindProduct, Path: "日用消费品/塑料餐饮具", Weight: 20, Products: []product{
		{Name: "一次性塑料餐盒", Spec: "750mL"}, {Name: "塑料碗", Spec: "Φ120mm"}},
		Items: []*itemSpec{negative("脱色试验", "GB 4806.7-2016", causeProduct), mx("总迁移量", "mg/dm²", "10", "GB 4806.7-2016", causeProduct, 300, 50, 600),
			mx("高锰酸钾消耗量", "mg/kg", "10", "GB 4806.7-2016", causeProduct, 0, 100, 600), mx("重金属(以Pb计)", "mg/kg", "1", "GB 4806.7-2016", causeProduct, 800, 100, 500)}, Must: 3,
		Makers: []string{"2927", "2926"}, Sellers: "daily_shop", Word: "塑料制品"},
	{Key: "日用消费品/陶瓷餐具", Kind: sampling.KindProduct, Path: "日用消费品/陶瓷餐具", Weight: 20, Products: []product{
		{Name: "陶瓷碗", Spec: "4.5英寸"}, {Name: "陶瓷杯", Spec: "350mL"}},
		Items: []*itemSpec{mx("铅迁移量", "mg/L", "2.0", "GB 4806.4-2016", causeProduct, 700, 20, 300), mx("镉迁移量", "mg/L", "0.30", "GB 4806.4-2016", causeProduct, 800, 20, 300)}, Must: 2,
		Makers: []string{"3074"}, Sellers: "daily_shop", Word: "陶瓷"},
	{Key: "日用消费品/家具", Kind: sampling.KindProduct, Path: "日用消费品/家具", Weight: 20, Products: []product{
		{Name: "板式衣柜", Spec: "1800mm×600mm×2000mm"}, {Name: "实木餐桌", Spec: "1400mm×800mm"}},
		Items: []*itemSpec{mx("甲醛释放量", "mg/L", "1.5", "GB 18584-2001", causeProduct, 0, 150, 800), mx("可溶性铅", "mg/kg", "90", "GB 18584-2001", causeProduct, 700, 50, 400),
			count("稳定性", "GB 28007-2011")}, Must: 2, Makers: []string{"2110", "2190"}, Sellers: "furniture_shop", Word: "家具"},
	{Key: "防疫用品/口罩", Kind: sampling.KindProduct, Path: "防疫用品/口罩", Weight: 60, From: 2020, Products: []product{
		{Name: "KN95自吸过滤式防颗粒物呼吸器", Spec: "KN95 折叠式"}, {Name: "一次性使用医用口罩", Spec: "17.5cm×9.5cm"}, {Name: "日常防护型口罩", Spec: "成人款"}},
		Items: []*itemSpec{mn("过滤效率", "%", "95", "GB 2626-2006", causeProduct, 1005, 1045), mx("吸气阻力", "Pa", "350", "GB 2626-2006", causeProduct, 0, 300, 850),
			mx("呼气阻力", "Pa", "250", "GB 2626-2006", causeProduct, 0, 300, 850), count("标识", "GB 2626-2006")}, Must: 3,
		Makers: []string{"2770"}, Sellers: "pharmacy", Word: "医疗用品"},
	{Key: "防疫用品/消毒剂", Kind: sampling.KindProduct, Path: "防疫用品/消毒剂", Weight: 25, From: 2020, Products: []product{
		{Name: "84消毒液", Spec: "500mL/瓶"}, {Name: "含氯消毒液", Spec: "1L/瓶"}},
		Items: []*itemSpec{rg("有效氯含量", "%", "4.0", "6.5", "GB/T 36758-2018", causeProduct), mx("pH值", "", "13.5", "GB/T 36758-2018", causeProduct, 0, 850, 990),
			count("标签说明书", "GB 27952-2011")}, Must: 2, Makers: []string{"2681", "2669"}, Sellers: "pharmacy", Word: "日化"},
	{Key: "燃气器具与交通产品/电动自行车", Kind: sampling.KindProduct, Path: "燃气器具与交通产品/电动自行车", Weight: 30, Products: []product{
		{Name: "电动自行车", Spec: "TDT1205Z 48V"}, {Name: "电动自行车", Spec: "TDR201Z 48V"}},
		Items: []*itemSpec{mx("最高设计车速", "km/h", "25", "GB 17761-2018", causeProduct, 0, 800, 990), mx("整车质量", "kg", "55", "GB 17761-2018", causeProduct, 0, 700, 990),
			count("脚踏骑行能力", "GB 17761-2018"), count("防篡改", "GB 17761-2018"), count("制动性能", "GB 17761-2018")}, Must: 3,
		Makers: []string{"3770", "3761"}, Sellers: "moto_shop", Word: "电动车"},
	{Key: "燃气器具与交通产品/燃气灶具", Kind: sampling.KindProduct, Path: "燃气器具与交通产品/燃气灶具", Weight: 20, Products: []product{
		{Name: "家用燃气灶", Spec: "JZT-2 天然气 双眼"}, {Name: "嵌入式燃气灶", Spec: "JZY-B2 液化石油气"}},
		Items: []*itemSpec{itGasFlameOut, mx("干烟气中CO含量(α=1)", "%", "0.05", "GB 16410-2007", causeProduct, 0, 100, 700), count("标志和说明", "GB 16410-2007")}, Must: 2,
		Makers: []string{"3861"}, Sellers: "appliance_shop", Word: "燃气具"},
}

// failDef is a (category, item) pair a failure falls on, with its weight.
type failDef struct {
	Cat, Item string
	Weight    uint64
}

// foodFails: per mille by cause, close to 广东 2023 (粤市监 2023年第126号: 农药残留
// 36.92%, 微生物 14.60%, 添加剂 13.69%, 重金属 11.15%, 兽药 11.06%, 质量指标 6.06%) with
// the national 有机物污染 share (11.01% of 2023) halved to fill the rest: 农药残留 370,
// 微生物 150, 添加剂 135, 重金属 110, 兽药 110, 有机物 65, 质量指标 45, 生物毒素 15.
var foodFails = []failDef{
	// 农药残留 370
	{"食用农产品/蔬菜/鳞茎类蔬菜/韭菜", "腐霉利", 44}, {"食用农产品/蔬菜/鳞茎类蔬菜/韭菜", "氧乐果", 15},
	{"食用农产品/蔬菜/鳞茎类蔬菜/韭菜", "毒死蜱", 12}, {"食用农产品/蔬菜/叶菜类蔬菜/芹菜", "毒死蜱", 40},
	{"食用农产品/蔬菜/叶菜类蔬菜/芹菜", "甲拌磷", 15}, {"食用农产品/蔬菜/豆类蔬菜/豇豆", "噻虫嗪", 35},
	{"食用农产品/蔬菜/豆类蔬菜/豇豆", "灭蝇胺", 20}, {"食用农产品/蔬菜/豆类蔬菜/豇豆", "氧乐果", 15},
	{"食用农产品/蔬菜/豆类蔬菜/豇豆", "克百威", 8}, {"食用农产品/蔬菜/芸薹属类蔬菜/菜薹", "氧乐果", 15},
	{"食用农产品/蔬菜/芸薹属类蔬菜/普通白菜", "啶虫脒", 25}, {"食用农产品/蔬菜/芸薹属类蔬菜/普通白菜", "毒死蜱", 10},
	{"食用农产品/蔬菜/叶菜类蔬菜/菠菜", "毒死蜱", 8}, {"食用农产品/蔬菜/叶菜类蔬菜/菠菜", "氟虫腈", 5},
	{"食用农产品/蔬菜/根茎类和薯芋类蔬菜/姜", "噻虫胺", 15}, {"食用农产品/蔬菜/根茎类和薯芋类蔬菜/姜", "噻虫嗪", 10},
	{"食用农产品/蔬菜/茄果类蔬菜/辣椒", "啶虫脒", 10}, {"食用农产品/蔬菜/茄果类蔬菜/辣椒", "克百威", 6},
	{"食用农产品/蔬菜/瓜类蔬菜/黄瓜", "腐霉利", 6}, {"食用农产品/蔬菜/茄果类蔬菜/番茄", "腐霉利", 4},
	{"食用农产品/蔬菜/芽菜类蔬菜/豆芽", "4-氯苯氧乙酸钠(以4-氯苯氧乙酸计)", 12}, {"食用农产品/蔬菜/根茎类和薯芋类蔬菜/山药", "咪鲜胺和咪鲜胺锰盐", 4},
	{"食用农产品/水果类/热带和亚热带水果/香蕉", "吡虫啉", 12}, {"食用农产品/水果类/热带和亚热带水果/香蕉", "吡唑醚菌酯", 6},
	{"食用农产品/水果类/热带和亚热带水果/荔枝", "毒死蜱", 4}, {"食用农产品/水果类/柑橘类水果/橙", "水胺硫磷", 5},
	{"食用农产品/水果类/柑橘类水果/柑", "三唑磷", 4}, {"茶叶及相关制品/茶叶", "吡虫啉", 5},
	// 兽药残留 110
	{"食用农产品/鲜蛋/鲜蛋/鸡蛋", "氟苯尼考", 18}, {"食用农产品/鲜蛋/鲜蛋/鸡蛋", "恩诺沙星(以恩诺沙星与环丙沙星之和计)", 10},
	{"食用农产品/鲜蛋/鲜蛋/鸡蛋", "甲硝唑", 3}, {"食用农产品/鲜蛋/鲜蛋/鸡蛋", "磺胺类(总量)", 4},
	{"食用农产品/水产品/淡水产品/淡水鱼", "恩诺沙星(以恩诺沙星与环丙沙星之和计)", 10}, {"食用农产品/水产品/淡水产品/淡水鱼", "地西泮", 10},
	{"食用农产品/水产品/淡水产品/淡水鱼", "孔雀石绿", 6}, {"食用农产品/水产品/淡水产品/淡水鱼", "氧氟沙星", 4},
	{"食用农产品/水产品/淡水产品/其他淡水产品", "恩诺沙星(以恩诺沙星与环丙沙星之和计)", 8}, {"食用农产品/水产品/海水产品/海水虾", "呋喃唑酮代谢物", 5},
	{"食用农产品/水产品/海水产品/海水虾", "恩诺沙星(以恩诺沙星与环丙沙星之和计)", 5}, {"食用农产品/水产品/海水产品/海水鱼", "地西泮", 3},
	{"食用农产品/畜禽肉及副产品/禽肉/鸡肉", "恩诺沙星(以恩诺沙星与环丙沙星之和计)", 6}, {"食用农产品/畜禽肉及副产品/禽肉/鸡肉", "尼卡巴嗪(残留标示物)", 3},
	{"食用农产品/畜禽肉及副产品/畜肉/羊肉", "恩诺沙星(以恩诺沙星与环丙沙星之和计)", 3}, {"食用农产品/畜禽肉及副产品/畜肉/猪肉", "克伦特罗", 2},
	{"食用农产品/畜禽肉及副产品/畜副产品/猪肝", "土霉素", 2}, {"蜂产品/蜂蜜", "诺氟沙星", 3},
	{"食用农产品/畜禽肉及副产品/禽肉/鸭肉", "氧氟沙星", 3}, {"食用农产品/畜禽肉及副产品/禽肉/其他禽肉", "磺胺类(总量)", 2},
	// 微生物污染 150
	{"餐饮食品/复用餐饮具", "大肠菌群", 35}, {"饮料/包装饮用水", "铜绿假单胞菌", 25}, {"糕点/糕点", "菌落总数", 15}, {"糕点/糕点", "霉菌", 8},
	{"肉制品/熟肉制品", "菌落总数", 10}, {"肉制品/熟肉制品", "大肠菌群", 6}, {"冷冻饮品", "菌落总数", 6}, {"冷冻饮品", "大肠菌群", 4},
	{"饮料/蛋白饮料", "菌落总数", 5}, {"水果制品", "菌落总数", 5}, {"水果制品", "霉菌", 4}, {"豆制品", "大肠菌群", 6}, {"饼干", "菌落总数", 3},
	{"速冻食品/速冻面米食品", "金黄色葡萄球菌", 3}, {"调味品/酱油", "菌落总数", 3}, {"方便食品", "大肠菌群", 3},
	{"薯类和膨化食品/膨化食品", "菌落总数", 3}, {"蔬菜制品", "大肠菌群", 3}, {"乳制品/液体乳", "大肠菌群", 3},
	// 食品添加剂 135
	{"餐饮食品/发酵面制品", "甜蜜素(以环己基氨基磺酸计)", 8}, {"餐饮食品/米粉制品", "脱氢乙酸及其钠盐(以脱氢乙酸计)", 8},
	{"餐饮食品/油炸面制品", "铝的残留量(干样品,以Al计)", 10}, {"餐饮食品/凉拌菜", "山梨酸及其钾盐(以山梨酸计)", 4},
	{"餐饮食品/熟肉制品", "亚硝酸盐(以亚硝酸钠计)", 6}, {"餐饮食品/熟肉制品", "胭脂红", 3},
	{"糕点/糕点", "脱氢乙酸及其钠盐(以脱氢乙酸计)", 10}, {"糕点/糕点", "防腐剂混合使用时各自用量占其最大使用量的比例之和", 6},
	{"糕点/糕点", "糖精钠(以糖精计)", 3}, {"糕点/糕点", "铝的残留量(干样品,以Al计)", 3}, {"蔬菜制品", "苯甲酸及其钠盐(以苯甲酸计)", 8},
	{"蔬菜制品", "甜蜜素(以环己基氨基磺酸计)", 3}, {"豆制品", "苯甲酸及其钠盐(以苯甲酸计)", 6}, {"豆制品", "脱氢乙酸及其钠盐(以脱氢乙酸计)", 4},
	{"粮食加工品/其他粮食加工品", "脱氢乙酸及其钠盐(以脱氢乙酸计)", 10}, {"粮食加工品/其他粮食加工品", "苯甲酸及其钠盐(以苯甲酸计)", 4},
	{"水果制品", "二氧化硫残留量", 6}, {"水果制品", "甜蜜素(以环己基氨基磺酸计)", 4}, {"水果制品", "糖精钠(以糖精计)", 3},
	{"酒类/白酒", "甜蜜素(以环己基氨基磺酸计)", 6}, {"酒类/白酒", "糖精钠(以糖精计)", 3}, {"炒货食品及坚果制品", "甜蜜素(以环己基氨基磺酸计)", 4},
	{"炒货食品及坚果制品", "糖精钠(以糖精计)", 3}, {"肉制品/熟肉制品", "亚硝酸盐(以亚硝酸钠计)", 3}, {"肉制品/熟肉制品", "山梨酸及其钾盐(以山梨酸计)", 2},
	{"淀粉及淀粉制品", "铝的残留量(干样品,以Al计)", 3}, {"薯类和膨化食品/膨化食品", "铝的残留量(干样品,以Al计)", 2},
	// 重金属等元素污染 110
	{"食用农产品/水产品/海水产品/其他海水产品", "镉(以Cd计)", 30}, {"食用农产品/水产品/海水产品/贝类", "镉(以Cd计)", 12},
	{"食用农产品/水产品/海水产品/海水蟹", "镉(以Cd计)", 10}, {"粮食加工品/大米", "镉(以Cd计)", 20}, {"食用农产品/蔬菜/茄果类蔬菜/辣椒", "镉(以Cd计)", 6},
	{"水产制品", "镉(以Cd计)", 12}, {"茶叶及相关制品/茶叶", "铅(以Pb计)", 3}, {"茶叶及相关制品/含茶制品和代用茶", "铅(以Pb计)", 3},
	{"食用农产品/蔬菜/鳞茎类蔬菜/韭菜", "镉(以Cd计)", 3}, {"食用农产品/蔬菜/叶菜类蔬菜/芹菜", "镉(以Cd计)", 3},
	{"食用农产品/畜禽肉及副产品/畜副产品/猪肝", "镉(以Cd计)", 3}, {"蛋制品", "铅(以Pb计)", 3}, {"粮食加工品/大米", "无机砷(以As计)", 2},
	// 有机物污染 65
	{"餐饮食品/复用餐饮具", "阴离子合成洗涤剂(以十二烷基苯磺酸钠计)", 40}, {"食用油、油脂及其制品/食用植物油", "苯并[a]芘", 10},
	{"食用油、油脂及其制品/食用植物油", "溶剂残留量", 5}, {"水产制品", "N-二甲基亚硝胺", 10},
	// 质量指标 45
	{"酒类/白酒", "酒精度", 8}, {"餐饮食品/煎炸过程用油", "极性组分", 8}, {"餐饮食品/煎炸过程用油", "酸价(以脂肪计)(KOH)", 4},
	{"食用油、油脂及其制品/食用植物油", "酸价(以脂肪计)(KOH)", 3}, {"食用油、油脂及其制品/食用植物油", "过氧化值", 4},
	{"炒货食品及坚果制品", "过氧化值(以脂肪计)", 5}, {"炒货食品及坚果制品", "酸价(以脂肪计)(KOH)", 2}, {"肉制品/预制肉制品", "过氧化值(以脂肪计)", 4},
	{"调味品/酱油", "氨基酸态氮", 3}, {"调味品/食醋", "总酸(以乙酸计)", 2}, {"方便食品", "酸价(以脂肪计)(KOH)", 2},
	// 生物毒素 15
	{"食用油、油脂及其制品/食用植物油", "黄曲霉毒素B₁", 8}, {"食用农产品/生干坚果与籽类食品/生干坚果与籽类食品/生干坚果", "黄曲霉毒素B₁", 3},
	{"粮食加工品/大米", "黄曲霉毒素B₁", 2}, {"粮食加工品/小麦粉", "玉米赤霉烯酮", 2},
}

// agriFails: routine monitoring finds pesticide residues on vegetables and fruit
// (650‰), veterinary drugs in eggs, fish, shrimp and poultry (300‰) and cadmium in
// shellfish and peppers (50‰).
var agriFails = []failDef{
	{"蔬菜/豆类蔬菜/豇豆", "噻虫嗪", 80}, {"蔬菜/豆类蔬菜/豇豆", "灭蝇胺", 50}, {"蔬菜/豆类蔬菜/豇豆", "氧乐果", 40},
	{"蔬菜/豆类蔬菜/豇豆", "克百威", 25}, {"蔬菜/豆类蔬菜/豇豆", "倍硫磷", 15}, {"蔬菜/鳞茎类蔬菜/韭菜", "腐霉利", 60},
	{"蔬菜/鳞茎类蔬菜/韭菜", "氧乐果", 30}, {"蔬菜/鳞茎类蔬菜/韭菜", "毒死蜱", 25}, {"蔬菜/叶菜类蔬菜/芹菜", "毒死蜱", 50},
	{"蔬菜/叶菜类蔬菜/芹菜", "甲拌磷", 30}, {"蔬菜/芸薹属类蔬菜/菜薹", "氧乐果", 30}, {"蔬菜/芸薹属类蔬菜/普通白菜", "啶虫脒", 40},
	{"蔬菜/根茎类和薯芋类蔬菜/姜", "噻虫胺", 40}, {"蔬菜/根茎类和薯芋类蔬菜/姜", "噻虫嗪", 20}, {"蔬菜/茄果类蔬菜/辣椒", "啶虫脒", 20},
	{"蔬菜/瓜类蔬菜/黄瓜", "腐霉利", 15}, {"水果类/热带和亚热带水果/香蕉", "吡虫啉", 40}, {"水果类/柑橘类水果/柑", "水胺硫磷", 20},
	{"水果类/热带和亚热带水果/荔枝", "毒死蜱", 20},
	{"鲜蛋/鲜蛋/鸡蛋", "氟苯尼考", 60}, {"鲜蛋/鲜蛋/鸡蛋", "恩诺沙星(以恩诺沙星与环丙沙星之和计)", 40}, {"水产品/淡水产品/淡水鱼", "孔雀石绿", 40},
	{"水产品/淡水产品/淡水鱼", "地西泮", 30}, {"水产品/淡水产品/淡水鱼", "恩诺沙星(以恩诺沙星与环丙沙星之和计)", 30},
	{"水产品/海水产品/海水虾", "呋喃唑酮代谢物", 25}, {"水产品/海水产品/海水虾", "恩诺沙星(以恩诺沙星与环丙沙星之和计)", 20},
	{"畜禽肉及副产品/禽肉/鸡肉", "恩诺沙星(以恩诺沙星与环丙沙星之和计)", 25}, {"畜禽肉及副产品/禽肉/鸡肉", "尼卡巴嗪(残留标示物)", 15},
	{"畜禽肉及副产品/畜肉/猪肉", "克伦特罗", 5}, {"畜禽肉及副产品/畜肉/羊肉", "恩诺沙星(以恩诺沙星与环丙沙星之和计)", 10},
	{"水产品/海水产品/贝类", "镉(以Cd计)", 25}, {"蔬菜/茄果类蔬菜/辣椒", "镉(以Cd计)", 15}, {"水产品/海水产品/其他海水产品", "镉(以Cd计)", 10},
}

// productFails: household appliances fail most on 标志和说明 and 输入功率, then on
// structure, heating and earthing; cables on conductor resistance and insulation
// thickness; fertiliser on 总养分; children's clothes on 绳带; masks (2020) on
// filtration.
var productFails = []failDef{
	{"家用电器/电饭锅", "标志和说明", 120}, {"家用电器/电饭锅", "输入功率", 70}, {"家用电器/电饭锅", "结构", 40},
	{"家用电器/电饭锅", "发热(温升)", 30}, {"家用电器/电饭锅", "接地措施(接地电阻)", 30}, {"家用电器/电饭锅", "泄漏电流", 20},
	{"家用电器/电热水壶", "标志和说明", 50}, {"家用电器/电热水壶", "输入功率", 30}, {"家用电器/电热水壶", "结构", 20},
	{"家用电器/电风扇", "标志和说明", 30}, {"家用电器/电风扇", "稳定性和机械危险", 20}, {"家用电器/电磁灶", "标志和说明", 20},
	{"家用电器/电磁灶", "输入功率", 15}, {"家用电器/电吹风", "标志和说明", 15}, {"家用电器/电吹风", "发热(温升)", 10},
	{"电线电缆及电工产品/电线电缆", "导体电阻(20℃)", 60}, {"电线电缆及电工产品/电线电缆", "绝缘平均厚度", 25},
	{"电线电缆及电工产品/电线电缆", "绝缘最薄处厚度", 15}, {"电线电缆及电工产品/插头插座", "结构", 30}, {"电线电缆及电工产品/插头插座", "标志", 15},
	{"电线电缆及电工产品/LED灯具", "标记", 20}, {"电线电缆及电工产品/LED灯具", "爬电距离和电气间隙", 20},
	{"纺织服装和鞋/鞋类", "帮底剥离强度", 25}, {"纺织服装和鞋/鞋类", "外底耐磨性能", 15}, {"纺织服装和鞋/服装", "pH值", 15},
	{"纺织服装和鞋/服装", "耐水色牢度(变色)", 10}, {"儿童及学生用品/童装", "绳带要求", 25}, {"儿童及学生用品/童装", "甲醛含量", 10},
	{"农业生产资料/化肥", "总养分(N+P₂O₅+K₂O)", 40}, {"农业生产资料/化肥", "水分(H₂O)", 10}, {"建筑和装饰装修材料/水泥", "3d抗压强度", 10},
	{"建筑和装饰装修材料/钢筋", "断后伸长率", 10}, {"建筑和装饰装修材料/钢筋", "下屈服强度", 10}, {"建筑和装饰装修材料/陶瓷砖", "吸水率", 10},
	{"日用消费品/塑料餐饮具", "脱色试验", 10}, {"防疫用品/口罩", "过滤效率", 40}, {"防疫用品/口罩", "标识", 10},
	{"燃气器具与交通产品/电动自行车", "最高设计车速", 20}, {"燃气器具与交通产品/电动自行车", "整车质量", 15},
	{"燃气器具与交通产品/燃气灶具", "熄火保护装置", 10}, {"日用消费品/家具", "甲醛释放量", 10},
}

// catalogue returns the categories of a kind: food includes the fresh produce under
// 食用农产品, agri the same produce at the farm.
func catalogue(k sampling.Kind) []catDef {
	switch k {
	case sampling.KindProduct:
		return productCats
	case sampling.KindAgri:
		var out []catDef
		for _, p := range produce {
			if p.Agri > 0 {
				out = append(out, catDef{Key: p.Sub, Kind: sampling.KindAgri, Path: p.Sub, Weight: p.Agri, Products: p.Products, Items: p.Items,
					Must: p.Must, Fresh: true, Farm: p.Farm, Months: p.Months})
			}
		}
		return out
	}
	out := append([]catDef(nil), foodCats...)
	for i := range out {
		out[i].Kind = sampling.KindFood
	}
	for _, p := range produce {
		if p.Food > 0 {
			out = append(out, catDef{Key: "食用农产品/" + p.Sub, Kind: sampling.KindFood, Path: "食用农产品/" + p.Sub, Weight: p.Food,
				Products: p.Products, Items: p.Items, Must: p.Must, Fresh: true, Sellers: p.Sellers, Farm: p.Farm, Months: p.Months})
		}
	}
	return out
}

// failsOf returns the failure pairs of a kind.
func failsOf(k sampling.Kind) []failDef {
	switch k {
	case sampling.KindProduct:
		return productFails
	case sampling.KindAgri:
		return agriFails
	}
	return foodFails
}
