package demo

import (
	"fmt"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/registry"
)

// labCategory is a kind of private testing lab (检验检测机构) with its count in the
// city: 湛江's CMA-qualified labs are mostly motor-vehicle inspection stations,
// construction-materials labs and environmental monitoring firms, then food and
// farm-produce labs.
type labCategory struct {
	Forms  []string
	Count  int
	Scope  string
	County string // where most of them are, or "" for anywhere
}

var labCategories = []labCategory{
	{[]string{"机动车检测有限公司", "机动车检测站有限公司", "机动车安全技术检测有限公司"}, 22,
		"机动车安全技术检验；机动车排放检验；机动车综合性能检验", ""},
	{[]string{"建设工程质量检测有限公司", "建筑工程质量检测有限公司", "工程检测有限公司"}, 18,
		"建筑材料及构配件；地基基础；主体结构及装饰装修；钢结构；市政道路工程材料", ""},
	{[]string{"环境检测有限公司", "环境检测技术有限公司", "环境监测技术有限公司"}, 16,
		"水和废水；环境空气和废气；土壤和沉积物；噪声；海水和海洋沉积物", ""},
	{[]string{"检测技术有限公司", "检验检测有限公司", "食品检测技术有限公司", "质量检测技术有限公司"}, 16,
		"食品；水产品；食用农产品；饲料；农药残留；兽药残留；微生物", ""},
	{[]string{"电器检测有限公司", "产品质量检测有限公司"}, 6,
		"家用和类似用途电器安全；电磁兼容；能效；电线电缆；灯具", "440881"},
	{[]string{"计量检测有限公司", "计量校准技术有限公司"}, 5,
		"长度、力学、热工、电学、理化、声学计量器具的校准", ""},
	{[]string{"防雷检测有限公司"}, 2, "防雷装置检测", ""},
	{[]string{"职业卫生技术服务有限公司"}, 2, "工作场所空气中有害物质；噪声；高温；照度", ""},
	{[]string{"消防设施检测有限公司"}, 2, "建筑消防设施检测", ""},
	{[]string{"电力试验有限公司"}, 2, "电力设备预防性试验；绝缘工器具试验", ""},
	{[]string{"水质检测有限公司"}, 2, "生活饮用水；水源水；游泳池水", ""},
}

// publicLabs are the city's public-institution labs (事业单位, USCC authority 1, type 2).
// {city} is replaced by the city's name. Each county also has a farm-produce testing
// station, added in organisations.
var publicLabs = []struct{ Name, Scope string }{
	{"{city}食品药品检验所", "食品；保健食品；药品；化妆品；食品添加剂"},
	{"{city}农产品质量安全检测中心", "蔬菜；水果；茶叶；畜禽产品；农药残留；兽药残留；重金属"},
	{"{city}水产品质量检验检测中心", "水产品；水产苗种；渔用饲料；渔药残留；养殖水质"},
	{"{city}产品质量监督检验所", "家用电器；电线电缆；建筑材料；纺织品；日用消费品；食品相关产品"},
	{"{city}环境监测中心站", "水和废水；环境空气和废气；噪声；海水；土壤"},
	{"{city}建设工程质量检测中心", "建筑材料及构配件；地基基础；主体结构；室内环境"},
	{"{city}纤维检验所", "纺织品；服装；棉花；茧丝；絮用纤维制品"},
}

const countyLabScope = "蔬菜；水果；畜禽产品；水产品；农药残留速测；兽药残留"

// certificationHomes are where the certification bodies (认证机构) active in the city
// are registered: most are national bodies in Beijing, Shanghai, Guangzhou and
// Shenzhen. "" stands for the city itself.
var certificationHomes = []struct {
	Code   string
	Places []string
	Phone  string
}{
	{"110108", []string{"北京"}, "010"}, {"110108", []string{"北京", "华北"}, "010"},
	{"110105", []string{"北京"}, "010"}, {"110105", []string{"北京"}, "010"},
	{"310115", []string{"上海"}, "021"}, {"310115", []string{"上海", "华东"}, "021"},
	{"440106", []string{"广州", "华南"}, "020"}, {"440106", []string{"广东", "华南"}, "020"},
	{"440104", []string{"广州", "广东"}, "020"}, {"440304", []string{"深圳", "南方"}, "0755"},
	{"440305", []string{"深圳", "南方"}, "0755"}, {"", nil, ""},
}

var certificationForms = []string{"认证有限公司", "认证中心有限公司", "检验认证有限公司", "质量认证有限公司"}

const certificationScopeBase = "质量管理体系认证；环境管理体系认证；职业健康安全管理体系认证"

var certificationScopeExtra = []string{"食品安全管理体系认证", "危害分析与关键控制点（HACCP）体系认证",
	"有机产品认证", "良好农业规范（GAP）认证", "能源管理体系认证", "信息安全管理体系认证",
	"知识产权管理体系认证", "自愿性产品认证", "强制性产品认证（家用电器、照明电器）"}

const metrologyScope = "衡器、压力表、电能表、水表、燃气表、出租汽车计价器、燃油加油机、血压计、" +
	"眼镜片顶焦度计等强制检定工作计量器具的检定"

// Validity of certificates, in years: CMA certificates (检验检测机构资质认定证书) and
// certification body approvals run six years; metrology authorisations (计量授权证书)
// are taken as five.
const (
	labValidYears       = 6
	certValidYears      = 6
	metrologyValidYears = 5
)

// cmaProvinceCodes are the two-digit province codes in CMA certificate numbers; 19 is
// Guangdong. Other provinces use their GB/T 2260 prefix as a stand-in.
var cmaProvinceCodes = map[string]string{"44": "19"}

// areaCodes are telephone area codes of prefectures.
var areaCodes = map[string]string{"440800": "0759"}

// organisations builds the labs, certification bodies and metrology institutions:
// about 109 labs, 12 bodies and 7 institutions for 湛江.
func (g *generator) organisations() ([]registry.Organisation, error) {
	var out []registry.Organisation
	labs, err := g.labs()
	if err != nil {
		return nil, err
	}
	out = append(out, labs...)
	bodies, err := g.certificationBodies()
	if err != nil {
		return nil, err
	}
	out = append(out, bodies...)
	inst, err := g.metrologyInstitutions()
	if err != nil {
		return nil, err
	}
	return append(out, inst...), nil
}

// urbanCore is the county where city-level institutions sit: 霞山区 in 湛江, else the
// first district.
func (g *generator) urbanCore() *county {
	for _, c := range g.counties {
		if c.Div.Code == "440803" {
			return c
		}
	}
	for _, c := range g.counties {
		if c.IsDistrict {
			return c
		}
	}
	return g.counties[0]
}

func (g *generator) countyByCode(code string) *county {
	for _, c := range g.counties {
		if c.Div.Code == code {
			return c
		}
	}
	return nil
}

// urbanCounty draws a county for an office-based organisation: by entity share, the
// districts twice as likely.
func (g *generator) urbanCounty() *county {
	for {
		c := g.counties[g.countyPick.pick(g.r)]
		if c.IsDistrict || g.r.IntN(2) == 0 {
			return c
		}
	}
}

func (g *generator) labs() ([]registry.Organisation, error) {
	var labs []registry.Organisation
	for _, cat := range labCategories {
		for range cat.Count {
			c := g.urbanCounty()
			if cat.County != "" && g.r.IntN(100) < 70 {
				if cc := g.countyByCode(cat.County); cc != nil {
					c = cc
				}
			}
			name, err := g.orgName(func(p *nameParts, try int) {
				switch x := g.r.IntN(100); {
				case x < 60:
					p.Prefix = g.cityName
				case x < 85:
					p.Prefix = c.Qualified
				default:
					p.Prefix = g.provinceShort
				}
				p.Brand, p.Form = g.brand(try), cat.Forms[g.r.IntN(len(cat.Forms))]
			})
			if err != nil {
				return nil, err
			}
			labs = append(labs, registry.Organisation{Kind: registry.OrgLab, Name: name,
				USCC: g.newUSCC('9', '1', c.Div.Code), Region: c.Div.Code, Address: g.address(c, nil, false),
				Scope: cat.Scope, Status: registry.OrgValid})
		}
	}
	// A few private labs are suspended, revoked or expired.
	perm := g.r.Perm(len(labs))
	for i, idx := range perm[:min(8, len(perm))] {
		switch {
		case i < 3:
			labs[idx].Status = registry.OrgSuspended
		case i < 7:
			labs[idx].Status = registry.OrgExpired
		default:
			labs[idx].Status = registry.OrgRevoked
		}
	}
	core := g.urbanCore()
	for _, pl := range publicLabs {
		name := strings.ReplaceAll(pl.Name, "{city}", g.cityName)
		if _, err := g.claimName(&nameParts{Prefix: name}); err != nil {
			return nil, fmt.Errorf("public lab %s: name taken", name)
		}
		code := g.j.Prefecture.Code
		labs = append(labs, registry.Organisation{Kind: registry.OrgLab, Name: name,
			USCC: g.newUSCC('1', '2', code), Region: code, Address: g.address(core, nil, false),
			Scope: pl.Scope, Status: registry.OrgValid})
	}
	for _, c := range g.counties {
		name := c.Div.Name + "农产品质量安全检验检测站"
		if _, err := g.claimName(&nameParts{Prefix: name}); err != nil {
			return nil, fmt.Errorf("public lab %s: name taken", name)
		}
		labs = append(labs, registry.Organisation{Kind: registry.OrgLab, Name: name,
			USCC: g.newUSCC('1', '2', c.Div.Code), Region: c.Div.Code, Address: g.address(c, nil, false),
			Scope: countyLabScope, Status: registry.OrgValid})
	}
	province := cmaProvinceCodes[g.j.Prefecture.Code[:2]]
	if province == "" {
		province = g.j.Prefecture.Code[:2]
	}
	seen := map[string]bool{}
	for i := range labs {
		o := &labs[i]
		issue := g.certificate(o, labValidYears)
		for {
			no := fmt.Sprintf("%04d%s%04dZ", issue.Year, province, 1+g.r.IntN(9999))
			if !seen[no] {
				seen[no], o.AccreditationNo = true, no
				break
			}
		}
		o.Contact, o.Phone = g.person(), g.phone(areaCodes[g.j.Prefecture.Code])
	}
	return labs, nil
}

// certificate sets o.ValidUntil for a certificate valid for years, issued so that it
// is in force today unless o is expired, and returns the issue date.
func (g *generator) certificate(o *registry.Organisation, years int) qcity.Date {
	var issue qcity.Date
	if o.Status == registry.OrgExpired {
		issue = g.today.AddDays(-(years*365 + 30 + g.r.IntN(700)))
	} else {
		issue = g.today.AddDays(-g.r.IntN(years*365 - 60))
	}
	o.ValidUntil = qcity.NewDate(issue.Year+years, issue.Month, issue.Day-1)
	return issue
}

func (g *generator) certificationBodies() ([]registry.Organisation, error) {
	var bodies []registry.Organisation
	seen := map[string]bool{}
	for _, h := range certificationHomes {
		code, places, phone := h.Code, h.Places, h.Phone
		var address string
		if code == "" {
			c := g.urbanCore()
			code, places, phone = c.Div.Code, []string{g.cityShort}, areaCodes[g.j.Prefecture.Code]
			address = g.address(c, nil, false)
		} else {
			road := g.placeNames(1, []string{"路", "大道", "街"})
			address = g.regions.FullName(code) + strings.Join(road, "") + strconv.Itoa(1+g.r.IntN(300)) + "号"
			if g.r.IntN(2) == 0 {
				address += strconv.Itoa(2+g.r.IntN(25)) + "层"
			}
		}
		name, err := g.orgName(func(p *nameParts, try int) {
			p.Prefix = places[g.r.IntN(len(places))]
			p.Brand, p.Form = g.brand(try), certificationForms[g.r.IntN(len(certificationForms))]
		})
		if err != nil {
			return nil, err
		}
		scope := certificationScopeBase
		for _, s := range certificationScopeExtra {
			if g.r.IntN(100) < 40 {
				scope += "；" + s
			}
		}
		o := registry.Organisation{Kind: registry.OrgCertificationBody, Name: name,
			USCC: g.newUSCC('9', '1', code), Region: code, Address: address, Scope: scope,
			Status: registry.OrgValid, Contact: g.person(), Phone: g.phone(phone)}
		for {
			y := g.today.Year - 1
			if y > 2002 {
				y = 2002 + g.r.IntN(y-2002+1)
			}
			no := fmt.Sprintf("CNCA-R-%04d-%03d", y, 1+g.r.IntN(999))
			if !seen[no] {
				seen[no], o.AccreditationNo = true, no
				break
			}
		}
		bodies = append(bodies, o)
	}
	perm := g.r.Perm(len(bodies))
	bodies[perm[0]].Status = registry.OrgSuspended
	bodies[perm[1]].Status = registry.OrgExpired
	for i := range bodies {
		// Approvals are renewed every six years; the date is the current approval's.
		if bodies[i].Status == registry.OrgExpired {
			bodies[i].ValidUntil = g.today.AddDays(-(30 + g.r.IntN(600)))
		} else {
			bodies[i].ValidUntil = g.today.AddDays(30 + g.r.IntN(certValidYears*365-30))
		}
	}
	return bodies, nil
}

// metrologyInstitutions: the city's legal metrology institution (法定计量检定机构),
// those of up to five counties (county-level cities and counties first), and one
// specialised station.
func (g *generator) metrologyInstitutions() ([]registry.Organisation, error) {
	type inst struct {
		name string
		c    *county
		code string // region and USCC area: the prefecture for city-level bodies
	}
	core := g.urbanCore()
	list := []inst{{g.cityName + "计量检定测试所", core, g.j.Prefecture.Code}}
	var rest []*county
	for _, c := range g.counties {
		if !c.IsDistrict {
			list = append(list, inst{c.Div.Name + "计量检定测试所", c, c.Div.Code})
		} else {
			rest = append(rest, c)
		}
	}
	for _, c := range rest {
		list = append(list, inst{c.Div.Name + "计量检定测试所", c, c.Div.Code})
	}
	list = append(list[:min(6, len(list))], inst{g.cityName + "供水计量检定站", core, g.j.Prefecture.Code})
	var out []registry.Organisation
	for i, in := range list {
		if _, err := g.claimName(&nameParts{Prefix: in.name}); err != nil {
			return nil, fmt.Errorf("metrology institution %s: name taken", in.name)
		}
		o := registry.Organisation{Kind: registry.OrgMetrologyInstitution, Name: in.name,
			USCC: g.newUSCC('1', '2', in.code), Region: in.code, Address: g.address(in.c, nil, false),
			Scope: metrologyScope, Status: registry.OrgValid, Contact: g.person(),
			Phone: g.phone(areaCodes[g.j.Prefecture.Code])}
		if i == len(list)-2 && len(list) > 2 {
			o.Status = registry.OrgExpired // one county institution let its authorisation lapse
		}
		issue := g.certificate(&o, metrologyValidYears)
		o.AccreditationNo = fmt.Sprintf("(%s)法计(%04d)%s%d", g.provinceAbbr, issue.Year,
			g.j.Prefecture.Code[:4], i+1)
		out = append(out, o)
	}
	return out, nil
}

// orgName draws names with fill until one is free.
func (g *generator) orgName(fill func(p *nameParts, try int)) (string, error) {
	for try := range maxNameTries {
		var p nameParts
		fill(&p, try)
		if name, err := g.claimName(&p); err == nil {
			return name, nil
		}
	}
	return "", fmt.Errorf("no unique organisation name")
}

// phone draws a landline number in the area, or "" when the area code is unknown.
func (g *generator) phone(area string) string {
	if area == "" {
		return ""
	}
	digits := 8
	if len(area) == 4 && area != "0755" {
		digits = 7 // smaller cities have seven-digit numbers
	}
	n := 2 + g.r.IntN(7) // local numbers start with 2–8
	for range digits - 1 {
		n = n*10 + g.r.IntN(10)
	}
	return area + "-" + strconv.Itoa(n)
}
