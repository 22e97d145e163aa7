package demo

import "qcity/internal/registry"

// countyShares are the per-mille shares of market entities by county-level division of
// 湛江市; the package comment explains how they were chosen. Jurisdictions other than
// 湛江 spread entities evenly over their counties.
var countyShares = map[string]uint64{
	"440802": 120, // 赤坎区: urban core, old commercial centre
	"440803": 150, // 霞山区: urban core, port, the city's largest commercial district
	"440804": 55,  // 坡头区
	"440811": 90,  // 麻章区, with the economic and technological development zone
	"440823": 100, // 遂溪县
	"440825": 75,  // 徐闻县
	"440881": 160, // 廉江市: the most populous; small home appliances
	"440882": 140, // 雷州市
	"440883": 110, // 吴川市
}

// typeShares are the per-mille shares of entity types. Individual businesses are about
// two thirds of China's market entities and companies a quarter; the rest are small
// (SAMR's yearly 市场主体 statistics give this order of magnitude nationally).
var typeShares = []struct {
	Type  registry.EntityType
	Share uint64
}{
	{registry.TypeIndividualBusiness, 690},
	{registry.TypeCompany, 250},
	{registry.TypeFarmerCooperative, 20},
	{registry.TypeBranch, 20},
	{registry.TypePartnership, 10},
	{registry.TypeSoleProprietorship, 10},
}

// statusShares are the per-mille shares of registration statuses.
var statusShares = []struct {
	Status registry.Status
	Share  uint64
}{
	{registry.StatusActive, 880},
	{registry.StatusDeregistered, 70},
	{registry.StatusRevoked, 40},
	{registry.StatusMovedOut, 10},
}

// firstYear is the earliest establishment year the demo generates.
const firstYear = 1993

// yearWeight is the relative number of registrations in year y among entities that
// now have status s. Registrations grew steadily and jumped after the 2014 commercial
// registration reform (商事制度改革: subscribed capital, no minimum capital, licence
// before permit). Entities that were revoked (吊销, typically for not filing annual
// reports) are mostly older; deregistered ones (注销) are spread over all years.
func yearWeight(s registry.Status, y int) uint64 {
	switch s {
	case registry.StatusRevoked:
		switch {
		case y < 2014:
			return 10
		case y < 2019:
			return 8
		}
		return 3
	case registry.StatusDeregistered:
		switch {
		case y < 2000:
			return 4
		case y < 2010:
			return 6
		case y < 2014:
			return 8
		}
		return 10
	}
	switch {
	case y < 2000:
		return 2
	case y < 2005:
		return 3
	case y < 2010:
		return 4
	case y < 2014:
		return 6
	case y == 2014:
		return 9
	case y <= 2020:
		return uint64(11 + min(y-2015, 4))
	}
	return 17
}

// companyWordWeights are the relative weights of the 行业表述 of
// industry_words_compiled.csv in company names. Words of the file missing here get
// defaultWordWeight. Trade, construction, aquatic products, agriculture, food, feed,
// logistics and catering are heavy, as they are in 湛江's economy.
var companyWordWeights = map[string]uint64{
	"贸易": 80, "商贸": 80, "实业": 25, "科技": 40, "信息技术": 12, "网络科技": 20, "电子科技": 12,
	"食品": 30, "食品科技": 8, "农产品": 25, "水产": 35, "海产品": 20, "水产品加工": 10, "粮油": 10,
	"米业": 4, "饲料": 15, "肉类": 5, "调味品": 4, "饮料": 4, "茶业": 4, "酒业": 4, "糖业": 5,
	"乳业": 1, "糕点": 3, "电器": 15, "家用电器": 10, "小家电": 10, "电子": 6, "照明": 4,
	"电线电缆": 2, "电气": 5, "五金": 10, "机械": 10, "塑料制品": 6, "橡胶制品": 2, "包装": 5,
	"印刷": 4, "建材": 20, "建筑材料": 8, "陶瓷": 3, "水泥制品": 3, "门窗": 5, "涂料": 2,
	"装饰材料": 6, "家具": 12, "木业": 6, "化工": 6, "医药": 5, "医疗器械": 4, "化妆品": 3,
	"日用品": 5, "服装": 6, "纺织": 2, "鞋业": 4, "玩具": 2, "文具": 1, "儿童用品": 2,
	"汽车配件": 5, "摩托车": 2, "燃气具": 2, "消防设备": 3, "安防": 4, "生物科技": 6,
	"环保科技": 8, "农业发展": 15, "农业科技": 10, "种养": 8, "养殖": 15, "检测技术": 3,
	"检验检测": 2, "计量检测": 1, "认证": 0, "质量技术服务": 2, "标准化服务": 1, "餐饮管理": 15,
	"餐饮": 10, "酒店管理": 8, "物流": 25, "冷链物流": 8, "供应链管理": 10, "物业管理": 12,
	"建设工程": 20, "建筑工程": 20, "装饰工程": 18,
}

const defaultWordWeight = 2

// branchWordWeights weigh the words of branches of companies from elsewhere: chains,
// logistics, construction, property management and pharmacies open branches most.
var branchWordWeights = map[string]uint64{
	"物流": 30, "冷链物流": 8, "供应链管理": 10, "医药": 15, "餐饮管理": 15, "酒店管理": 8,
	"物业管理": 20, "建筑工程": 20, "建设工程": 15, "装饰工程": 8, "贸易": 20, "商贸": 15,
	"食品": 10, "水产": 8, "饲料": 10, "科技": 10, "信息技术": 8, "电器": 5, "家用电器": 5,
	"农业发展": 5, "检测技术": 3, "建材": 6, "汽车配件": 4,
}

// wordRefinements narrow a word's GB/T 4754 hint where the hint covers classes that do
// not fit the word (贸易 is F51, but not 拍卖). Every entry must lie under one of the
// word's hints; a test checks it. Entries may be groups or divisions; they expand to
// their classes.
var wordRefinements = map[string][]string{
	"农产品":  {"011", "014", "015", "5111", "5119", "5123"},
	"粮油":   {"1311", "1331", "5121"},
	"五金":   {"33", "5174"},
	"建材":   {"30", "5165"},
	"贸易":   {"511", "512", "513", "5165", "5169", "517", "5191", "5193", "5199"},
	"商贸":   {"511", "512", "513", "5165", "517", "5193", "5199"},
	"日用品":  {"268", "5235", "5239"},
	"儿童用品": {"245", "5239"},
	"电器":   {"385", "386"},
	"小家电":  {"3853", "3854", "3855", "3856", "3859"},
	"电气":   {"382", "383"},
	"茶业":   {"0164", "153"},
	"水产":   {"0411", "0412", "136"},
	"养殖":   {"031", "032", "0411", "0412"},
	"种养":   {"014", "015", "031", "032"},
}

// generalCodes are the classes of 实业 and other words the file marks (综合).
var generalCodes = []string{"7212", "5199", "7219"}

// countyWordBoost multiplies word weights (in per cent) in one county, for the
// industries the county is known for. These are the author's reading of 湛江's
// economic geography: 廉江's small home appliances (小家电之乡), 吴川's shoes,
// plastics and construction firms, 徐闻's pineapples and farm produce, 遂溪's sugar
// cane and feed, 雷州's and 坡头's aquaculture, 霞山's port, cold chain and aquatic
// wholesale markets, 麻章's feed and seafood processing.
var countyWordBoost = map[string]map[string]uint64{
	"440802": {"餐饮": 150, "科技": 150, "信息技术": 200, "网络科技": 200, "服装": 150},
	"440803": {"水产": 300, "海产品": 300, "物流": 200, "冷链物流": 300, "供应链管理": 200, "餐饮": 150},
	"440804": {"水产": 300, "养殖": 300, "海产品": 200, "水产养殖": 200},
	"440811": {"饲料": 400, "水产品加工": 300, "物流": 200, "机械": 200, "化工": 200},
	"440823": {"糖业": 600, "饲料": 300, "农产品": 200, "甘蔗种植": 500},
	"440825": {"农产品": 300, "农业发展": 200, "种养": 200, "水果": 400, "菠萝种植": 800},
	"440881": {"小家电": 800, "家用电器": 600, "电器": 400, "电子": 200, "红橙种植": 800},
	"440882": {"水产": 200, "养殖": 200, "农产品": 200, "对虾养殖": 200, "山羊养殖": 300},
	"440883": {"鞋业": 600, "塑料制品": 400, "建筑工程": 200, "建设工程": 200, "服装": 200, "鞋": 300},
}

// boost returns w scaled by the county's boost for word.
func boost(county, word string, w uint64) uint64 {
	if b, ok := countyWordBoost[county][word]; ok {
		return w * b / 100
	}
	return w
}

// trade is a kind of shop or small business: the 行业表述 in its name (may be empty,
// as in 便利店), the 组织形式 suffixes it takes and the GB/T 4754 classes it is
// registered under (one drawn at random).
type trade struct {
	Word     string
	Suffixes []string
	Codes    []string
	Weight   uint64
}

// shopTrades are the trades of individual businesses (个体工商户). Shops sell, cook and
// repair rather than make, so their classes are the retail (52), wholesale (51),
// catering (62) and repair (80, 81) classes of the word, not the manufacturing class
// of the word's hint. Words not in industry_words_compiled.csv (水果, 小吃, 粉, 烟酒,
// 美发 …) are added here for shops, which name themselves differently from companies.
// Retail and catering are about four fifths of individual businesses.
var shopTrades = []trade{
	// catering
	{"", []string{"饭店"}, []string{"6210"}, 55},
	{"", []string{"餐厅"}, []string{"6210"}, 30},
	{"餐饮", []string{"店"}, []string{"6210", "6220"}, 35},
	{"小吃", []string{"店"}, []string{"6291"}, 30},
	{"粉", []string{"店"}, []string{"6291"}, 25},
	{"烧烤", []string{"店"}, []string{"6299"}, 12},
	{"奶茶", []string{"店"}, []string{"6239"}, 12},
	{"茶", []string{"餐厅"}, []string{"6210"}, 8},
	// general retail
	{"", []string{"便利店"}, []string{"5213"}, 50},
	{"", []string{"超市"}, []string{"5212"}, 35},
	{"", []string{"商行"}, []string{"5219", "5299"}, 25},
	// food
	{"水产", []string{"店", "商行", "经营部"}, []string{"5224"}, 25},
	{"水产", []string{"批发部"}, []string{"5124"}, 12},
	{"海产品", []string{"店", "商行"}, []string{"5224"}, 14},
	{"海产品", []string{"批发部"}, []string{"5124"}, 6},
	{"食品", []string{"店", "商行", "经营部"}, []string{"5229"}, 20},
	{"食品", []string{"批发部"}, []string{"5129"}, 5},
	{"粮油", []string{"店", "商行"}, []string{"5221"}, 9},
	{"粮油", []string{"批发部"}, []string{"5121"}, 3},
	{"水果", []string{"店", "商行"}, []string{"5223"}, 18},
	{"水果", []string{"批发部"}, []string{"5123"}, 7},
	{"肉类", []string{"店", "经营部"}, []string{"5224"}, 12},
	{"烟酒", []string{"商行", "店"}, []string{"5227", "5226"}, 12},
	{"茶叶", []string{"店", "商行"}, []string{"5226"}, 5},
	{"调味品", []string{"批发部", "商行"}, []string{"5125"}, 3},
	// hardware, building, home
	{"五金", []string{"店", "经营部", "门市部"}, []string{"5281"}, 20},
	{"五金", []string{"批发部"}, []string{"5174"}, 5},
	{"建材", []string{"门市部", "经营部", "商行"}, []string{"5289", "5287"}, 14},
	{"建材", []string{"批发部"}, []string{"5165"}, 4},
	{"陶瓷", []string{"门市部", "商行"}, []string{"5287"}, 5},
	{"装饰材料", []string{"门市部", "商行"}, []string{"5289"}, 5},
	{"涂料", []string{"店"}, []string{"5284"}, 2},
	{"照明", []string{"店"}, []string{"5282"}, 3},
	{"家具", []string{"店", "商行", "门市部"}, []string{"5283"}, 10},
	{"门窗", []string{"店"}, []string{"3312"}, 6},
	// clothing and daily goods
	{"服装", []string{"店"}, []string{"5232"}, 28},
	{"鞋", []string{"店"}, []string{"5233"}, 6},
	{"日用品", []string{"店", "商行"}, []string{"5239", "5235"}, 10},
	{"日用品", []string{"批发部"}, []string{"5135"}, 2},
	{"化妆品", []string{"店"}, []string{"5234"}, 8},
	{"文具", []string{"店"}, []string{"5241"}, 5},
	{"玩具", []string{"店"}, []string{"5249"}, 3},
	{"儿童用品", []string{"店"}, []string{"5239"}, 4},
	{"药", []string{"店"}, []string{"5251", "5252"}, 6},
	// appliances, vehicles, farm supplies
	{"电器", []string{"店", "商行", "经营部"}, []string{"5272", "5271"}, 12},
	{"家用电器", []string{"商行", "经营部"}, []string{"5272"}, 6},
	{"手机", []string{"店"}, []string{"5274"}, 10},
	{"电子", []string{"经营部", "店"}, []string{"5279"}, 5},
	{"汽车配件", []string{"经营部", "店"}, []string{"5263"}, 8},
	{"摩托车", []string{"店", "经营部", "商行"}, []string{"5264"}, 10},
	{"饲料", []string{"经营部", "门市部", "店"}, []string{"5113"}, 8},
	{"农资", []string{"经营部", "店"}, []string{"5166", "5167"}, 8},
	// services
	{"美发", []string{"店", "工作室"}, []string{"8040"}, 20},
	{"美容", []string{"店", "工作室"}, []string{"8040"}, 10},
	{"摄影", []string{"工作室", "店"}, []string{"8060"}, 5},
	{"设计", []string{"工作室"}, []string{"7492"}, 5},
	{"汽车维修", []string{"店"}, []string{"8111"}, 12},
	{"摩托车维修", []string{"店"}, []string{"8113"}, 8},
	{"家电维修", []string{"店"}, []string{"8132"}, 4},
	{"网络科技", []string{"工作室"}, []string{"6432", "6439"}, 4},
	{"信息技术", []string{"工作室"}, []string{"6513", "6519"}, 3},
	// small workshops
	{"食品", []string{"厂"}, []string{"1411", "1431", "1499"}, 5},
	{"水产品加工", []string{"厂"}, []string{"1361", "1362", "1369"}, 6},
	{"碾米", []string{"厂"}, []string{"1311"}, 4},
	{"家具", []string{"厂"}, []string{"2110"}, 4},
	{"木业", []string{"厂"}, []string{"2011", "2021"}, 3},
	{"饲料", []string{"厂"}, []string{"1329"}, 2},
}

// coopProducts are what farmer cooperatives (农民专业合作社) grow or raise, with the
// class of the product. 湛江's specialities are heavy: pineapples (徐闻), sugar cane
// (遂溪, 雷州), 红橙 oranges (廉江), shrimp farming, 雷州 goats.
var coopProducts = []trade{
	{"水稻种植", nil, []string{"0111"}, 10},
	{"蔬菜种植", nil, []string{"0141"}, 15},
	{"水果种植", nil, []string{"0159"}, 10},
	{"菠萝种植", nil, []string{"0154"}, 8},
	{"香蕉种植", nil, []string{"0154"}, 6},
	{"荔枝种植", nil, []string{"0154"}, 4},
	{"甘蔗种植", nil, []string{"0133"}, 8},
	{"红橙种植", nil, []string{"0153"}, 3},
	{"火龙果种植", nil, []string{"0159"}, 3},
	{"中药材种植", nil, []string{"0171"}, 3},
	{"生猪养殖", nil, []string{"0313"}, 8},
	{"家禽养殖", nil, []string{"0321", "0322", "0323"}, 8},
	{"水产养殖", nil, []string{"0411", "0412"}, 12},
	{"对虾养殖", nil, []string{"0411"}, 6},
	{"肉牛养殖", nil, []string{"0311"}, 3},
	{"山羊养殖", nil, []string{"0314"}, 3},
	{"蜜蜂养殖", nil, []string{"0392"}, 1},
	{"种养", nil, []string{"0141", "0159", "0313", "0321"}, 5},
}

// investmentWord is the 行业表述 of limited partnerships (有限合伙), which are mostly
// investment vehicles; it is not in industry_words_compiled.csv.
var investmentWord = trade{"投资", nil, []string{"7212"}, 0}

// denyBrands are 字号 of famous brands and of well-known 湛江 firms. A generated name
// containing one is drawn again, so the demo never puts a real brand's name on a
// synthetic (and possibly dishonest) record. Two characters are enough: any name with
// 华为 is refused, whatever surrounds it.
var denyBrands = []string{
	"华为", "美的", "格力", "海尔", "联想", "腾讯", "阿里", "百度", "茅台", "五粮", "娃哈", "伊利",
	"蒙牛", "康师", "统一", "农夫", "怡宝", "京东", "小米", "比亚", "万科", "碧桂", "恒大", "平安",
	"招商", "中兴", "海信", "长虹", "TCL", "创维", "李宁", "安踏",
	// 湛江 and 廉江 firms
	"国联", "恒兴", "粤海", "海大", "冠豪", "湛化", "广垦", "三角",
	// appliances, cars, furniture, food and drink, retail, property, state groups
	"格兰", "九阳", "苏泊", "志高", "万和", "万家", "容声", "科龙", "美菱", "奥克", "康佳", "长城",
	"吉利", "广汽", "东鹏", "欧派", "索菲", "顾家", "红星", "华润", "华能", "华电", "国电", "大唐",
	"中粮", "中信", "光大", "中远", "中海", "宝钢", "保利", "万达", "富力", "金地", "绿地", "融创",
	"世茂", "龙湖", "苏宁", "国美", "网易", "大疆", "美团", "顺丰", "中通", "圆通", "申通", "韵达",
	"汇源", "王老", "加多", "雪花", "燕京", "海天", "老干", "三九", "同仁", "金龙鱼", "鲁花", "福临",
	"双汇", "雨润", "金锣", "海底", "真功", "百果", "屈臣", "永辉", "沃尔", "家乐", "海澜", "森马",
	"波司", "七匹", "特步", "匹克", "鸿星", "健力", "红牛", "椰树", "民生", "万宁", "天猫", "淘宝",
	"拼多", "抖音", "快手", "字节", "携程", "唯品", "立白", "蓝月", "雕牌", "心相", "恒安", "达利",
	"旺旺", "盼盼", "喜之", "徐福", "好丽", "华侨城", "华夏", "方圆", "中检", "中国",
}
