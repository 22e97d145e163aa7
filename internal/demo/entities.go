package demo

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"qcity"
	"qcity/internal/industry"
	"qcity/internal/registry"
	"qcity/internal/uscc"
)

// nameParts are the parts of an enterprise name in order (企业名称登记管理规定 Art. 6:
// 行政区划 + 字号 + 行业 + 组织形式). A branch's Prefix is its parent's whole name
// and Tail its own part, such as 湛江分公司.
type nameParts struct {
	Prefix, Town, Brand, Word, Form, Tail string
}

// Former names (曾用名): the share of entities with at least one, and of those with
// a second, in per mille.
const (
	formerNamePerMille   = 40
	secondFormerPerMille = 150
)

// maxNameTries bounds the draws for one unique name. With 2,000-odd characters and
// dozens of words a collision is rare, and after a few tries the 字号 grows a third
// character, so the bound is never reached in practice.
const maxNameTries = 200

func (g *generator) entities(n int) ([]registry.Entity, error) {
	es := make([]registry.Entity, n)
	for i := range es {
		if err := g.entity(es, i); err != nil {
			return nil, err
		}
	}
	sortByEstablishment(es)
	return es, nil
}

// entity fills es[i]. Earlier entities may serve as a branch's parent.
func (g *generator) entity(es []registry.Entity, i int) error {
	e := &es[i]
	c := g.counties[g.countyPick.pick(g.r)]
	e.Type = g.typePick.pick(g.r)
	var farm *town // a cooperative's township
	if e.Type == registry.TypeFarmerCooperative {
		// Cooperatives farm: draw again for a county with rural townships, if any.
		for range 8 {
			if farm = c.ruralTown(g.r); farm != nil {
				break
			}
			c = g.counties[g.countyPick.pick(g.r)]
		}
	}
	e.Status = g.statusPick.pick(g.r)
	e.Region = c.Div.Code
	e.EstablishedOn = g.dates[e.Status].pick(g.r)
	e.FormerNames = []string{}

	var p nameParts
	var err error
	parent := -1
	for try := 0; ; try++ {
		if try == maxNameTries {
			return fmt.Errorf("no unique name for a %s in %s after %d tries", e.Type, c.Div.Name, try)
		}
		p = nameParts{}
		switch e.Type {
		case registry.TypeCompany:
			e.Industry = g.companyParts(c, &p)
		case registry.TypeSoleProprietorship:
			e.Industry = g.soleProprietorshipParts(c, &p)
		case registry.TypePartnership:
			e.Industry = g.partnershipParts(c, &p)
		case registry.TypeIndividualBusiness:
			e.Industry = g.shopParts(c, &p)
		case registry.TypeFarmerCooperative:
			e.Industry = g.coopParts(c, farm, &p)
		case registry.TypeBranch:
			parent = -1
			if try < 3 && len(g.companies) > 0 && g.r.IntN(100) < 35 {
				k := int(g.companies[g.r.IntN(len(g.companies))])
				if es[k].Region != c.Div.Code {
					parent = k
					p.Prefix, p.Tail, e.Industry = es[k].Name, c.Short+"分公司", es[k].Industry
				}
			}
			if parent < 0 {
				e.Industry = g.externalBranchParts(c, &p)
			}
		}
		if p.Prefix != "" && parent < 0 {
			p.Brand = g.brand(try)
		}
		if e.Name, err = g.claimName(&p); err == nil {
			break
		}
	}
	if parent >= 0 {
		// A branch opens after its parent.
		pd, last := es[parent].EstablishedOn, g.dates[e.Status].last
		if !pd.After(last) {
			e.EstablishedOn = pd.AddDays(g.r.IntN(int(dayNumber(last)-dayNumber(pd)) + 1))
		}
	}
	if e.Type == registry.TypeCompany {
		g.companies = append(g.companies, int32(i))
	}
	if e.Type != registry.TypeBranch && g.r.IntN(1000) < formerNamePerMille {
		g.formerName(e, c, p)
		if g.r.IntN(1000) < secondFormerPerMille {
			g.formerName(e, c, p)
		}
	}
	e.LegalRepresentative = g.person()
	e.Address = g.address(c, farm, e.Type == registry.TypeIndividualBusiness)
	e.USCC = g.newUSCC('9', usccTypeDigit(e.Type), c.Div.Code)
	e.RegisteredCapital = g.capital(e.Type, p.Form)
	return nil
}

// usccTypeDigit is the type character GB 32100 gives market entities registered by
// market regulation (authority 9): 1 enterprise, 2 individual business, 3 farmer
// cooperative.
func usccTypeDigit(t registry.EntityType) byte {
	switch t {
	case registry.TypeIndividualBusiness:
		return '2'
	case registry.TypeFarmerCooperative:
		return '3'
	}
	return '1'
}

// brand draws a 字号 of two characters weighted by their frequency at positions 3 and
// 4 of real names, or three after several collisions.
func (g *generator) brand(try int) string {
	d := g.s.d
	for {
		a, b := d.brandFirst.pick(g.r), d.brandSecond.pick(g.r)
		if a == b {
			continue
		}
		if try >= 5 {
			c := d.brandSecond.pick(g.r)
			if c == b {
				continue
			}
			return a + b + c
		}
		return a + b
	}
}

// claimName assembles p and reserves it, or fails if it is taken or names a brand.
func (g *generator) claimName(p *nameParts) (string, error) {
	g.buf = append(append(append(append(append(append(g.buf[:0], p.Prefix...), p.Town...), p.Brand...),
		p.Word...), p.Form...), p.Tail...)
	if g.denied(g.buf) {
		return "", errTaken
	}
	if _, dup := g.names[string(g.buf)]; dup {
		return "", errTaken
	}
	name := string(g.buf)
	g.names[name] = struct{}{}
	return name, nil
}

var errTaken = errors.New("name taken")

// denied reports whether b contains a deny-listed brand.
func (g *generator) denied(b []byte) bool {
	prev, prevAt := rune(-1), 0
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if prev >= 0 {
			for _, t := range g.s.deny[uint64(prev)<<32|uint64(r)] {
				if len(b)-prevAt >= len(t) && string(b[prevAt:prevAt+len(t)]) == t {
					return true
				}
			}
		}
		prev, prevAt = r, i
		i += n
	}
	return false
}

// pickCode draws one of codes.
func (g *generator) pickCode(codes []string) string { return codes[g.r.IntN(len(codes))] }

// companyPrefix draws the 行政区划 of a company name: the city (湛江市, 湛江), the
// county (湛江市霞山区, 遂溪县) or, for larger firms, the province (广东).
func (g *generator) companyPrefix(c *county, province bool) string {
	switch x := g.r.IntN(100); {
	case x < 40:
		return g.cityName
	case x < 55:
		return g.cityShort
	case x < 90 || !province:
		return c.Qualified
	}
	return g.provinceShort
}

func (g *generator) companyParts(c *county, p *nameParts) string {
	w := c.Words.pick(g.r)
	p.Prefix, p.Word = g.companyPrefix(c, true), w.Word
	p.Form = g.s.companyForms.pick(g.r)
	if p.Prefix == c.Qualified && (p.Form == "集团有限公司" || p.Form == "集团股份有限公司") {
		p.Form = "有限公司" // groups register at city or province level
	}
	return g.pickCode(w.Codes)
}

// soleProprietorshipParts: 个人独资企业 take the written-out form or one that fits their
// business (soleProprietorshipForms), as the forms file allows.
func (g *generator) soleProprietorshipParts(c *county, p *nameParts) string {
	w := c.Words.pick(g.r)
	code := g.pickCode(w.Codes)
	p.Prefix, p.Word = g.companyPrefix(c, false), w.Word
	section := ""
	if cl, ok := industry.Default().Get(code); ok {
		section = cl.Section
	}
	forms := soleProprietorshipForms[section]
	if forms == nil {
		forms = soleProprietorshipForms[""]
	}
	p.Form = forms[g.r.IntN(len(forms))]
	return code
}

// soleProprietorshipForms are the forms a sole proprietorship takes by the GB/T 4754
// section of its business: 厂 for makers, 商行 and 经营部 for traders, 中心 and 工作室
// for services; the written-out 个人独资企业 for any, and most often.
var soleProprietorshipForms = map[string][]string{
	"C": {"个人独资企业", "个人独资企业", "厂", "厂", "商行"},
	"F": {"个人独资企业", "个人独资企业", "商行", "商行", "经营部", "店"},
	"H": {"个人独资企业", "个人独资企业", "店", "中心"},
	"I": {"个人独资企业", "个人独资企业", "工作室", "中心"},
	"M": {"个人独资企业", "个人独资企业", "工作室", "中心"},
	"":  {"个人独资企业", "个人独资企业", "中心"},
}

// partnershipParts: most limited partnerships are investment vehicles; general
// partnerships trade or serve under the company words.
func (g *generator) partnershipParts(c *county, p *nameParts) string {
	p.Prefix = g.companyPrefix(c, true)
	if g.r.IntN(100) < 40 {
		p.Word, p.Form = investmentWord.Word, "合伙企业（有限合伙）"
		return g.pickCode(investmentWord.Codes)
	}
	w := c.Words.pick(g.r)
	p.Word = w.Word
	if g.r.IntN(2) == 0 {
		p.Form = "中心（普通合伙）"
	} else {
		p.Form = "合伙企业（普通合伙）"
	}
	return g.pickCode(w.Codes)
}

// shopParts: an individual business is named after its county (霞山区, 湛江市霞山区 or
// just 霞山), then 字号, trade and form.
func (g *generator) shopParts(c *county, p *nameParts) string {
	t := c.Shops.pick(g.r)
	switch x := g.r.IntN(100); {
	case x < 75:
		p.Prefix = c.Div.Name
	case x < 90:
		p.Prefix = c.Qualified
	default:
		p.Prefix = c.Short
	}
	p.Word, p.Form = t.Word, t.Suffixes[g.r.IntN(len(t.Suffixes))]
	return g.pickCode(t.Codes)
}

// coopParts: a cooperative is named after its county and often its township.
func (g *generator) coopParts(c *county, farm *town, p *nameParts) string {
	t := c.Coops.pick(g.r)
	p.Prefix = c.Div.Name
	if farm != nil && g.r.IntN(100) < 30 {
		p.Town = farm.Name
	}
	p.Word, p.Form = t.Word, "专业合作社"
	if g.r.IntN(100) < 2 {
		p.Form = "专业合作社联合社"
	}
	return g.pickCode(t.Codes)
}

// branchHomes are where the parents of branches from outside the city are registered.
var branchHomes = []struct {
	Place  string
	Weight uint64
}{{"广东", 25}, {"广州", 25}, {"深圳", 20}, {"佛山", 8}, {"东莞", 6}, {"茂名", 6}, {"阳江", 3},
	{"珠海", 3}, {"江门", 2}, {"中山", 2}}

// externalBranchParts: a branch of a company from elsewhere in the province, named
// after the parent and the branch's place: 广州华达物流有限公司湛江分公司.
func (g *generator) externalBranchParts(c *county, p *nameParts) string {
	var total uint64
	for _, h := range branchHomes {
		total += h.Weight
	}
	x := g.r.Uint64N(total)
	for _, h := range branchHomes {
		if x < h.Weight {
			p.Prefix = h.Place
			break
		}
		x -= h.Weight
	}
	w := c.Branches.pick(g.r)
	p.Word = w.Word
	switch x := g.r.IntN(100); {
	case x < 80:
		p.Form = "有限公司"
	case x < 92:
		p.Form = "股份有限公司"
	default:
		p.Form = "有限责任公司"
	}
	switch x := g.r.IntN(100); {
	case x < 45:
		p.Tail = g.cityShort + "分公司"
	case x < 75:
		p.Tail = g.cityShort + c.Short + "分公司"
	default:
		p.Tail = c.Short + "分公司"
	}
	return g.pickCode(w.Codes)
}

// formerName gives e a former name (曾用名): the same entity under another 字号 (a
// rename), another trade (a change of business) or, for companies, another 行政区划.
func (g *generator) formerName(e *registry.Entity, c *county, cur nameParts) {
	for try := 0; try < 10; try++ {
		p := cur
		switch x := g.r.IntN(100); {
		case x < 50 || p.Brand == "":
			p.Brand = g.brand(try)
		case x < 80:
			switch e.Type {
			case registry.TypeIndividualBusiness:
				t := c.Shops.pick(g.r)
				p.Word, p.Form = t.Word, t.Suffixes[g.r.IntN(len(t.Suffixes))]
			case registry.TypeFarmerCooperative:
				p.Word = c.Coops.pick(g.r).Word
			default:
				p.Word = c.Words.pick(g.r).Word
			}
		default:
			if e.Type == registry.TypeCompany {
				p.Prefix = g.companyPrefix(c, true)
			} else {
				p.Brand = g.brand(try)
			}
		}
		if name, err := g.claimName(&p); err == nil {
			e.FormerNames = append(e.FormerNames, name)
			return
		}
	}
}

// person draws a name: a surname by its share of the population (boosted for 粤西
// surnames) and a given name uniformly.
func (g *generator) person() string {
	d := g.s.d
	i := d.surnames.pickIndex(g.r)*len(d.givenNames) + g.r.IntN(len(d.givenNames))
	if g.people[i] == "" {
		g.people[i] = d.surnames.items[i/len(d.givenNames)] + d.givenNames[i%len(d.givenNames)]
	}
	return g.people[i]
}

// address builds 广东省湛江市 + county + township + road or village + number, with a
// floor or unit now and then. t is the township, or nil to draw one.
func (g *generator) address(c *county, t *town, shop bool) string {
	b := append(append(g.tmp[:0], g.addressPrefix...), c.Div.Name...)
	if t == nil {
		t = c.Towns.pick(g.r)
	}
	b = append(b, t.Name...)
	village := !t.IsStreet && len(t.Villages) > 0 && g.r.IntN(100) < 45
	if village {
		b = append(b, t.Villages[g.r.IntN(len(t.Villages))]...)
		b = strconv.AppendInt(b, int64(1+g.r.IntN(200)), 10)
	} else {
		b = append(b, t.Roads[g.r.IntN(len(t.Roads))]...)
		b = strconv.AppendInt(b, int64(1+g.r.IntN(400)), 10)
	}
	b = append(b, "号"...)
	// Shops give their ground floor; offices in town (not in villages) a floor or room.
	switch x := g.r.IntN(100); {
	case shop && x < 15:
		b = append(b, "首层"...)
	case shop && x < 22:
		b = append(b, "之一"...)
	case shop && x < 25:
		b = append(b, "首层之二"...)
	case shop || village || !t.IsStreet && x < 90:
	case x < 20:
		b = strconv.AppendInt(b, int64(2+g.r.IntN(20)), 10)
		b = append(b, "楼"...)
	case x < 30:
		b = strconv.AppendInt(b, int64(100*(1+g.r.IntN(12))+1+g.r.IntN(12)), 10)
		b = append(b, "房"...)
	}
	g.tmp = b
	return string(b)
}

// newUSCC draws codes until one is not yet taken.
func (g *generator) newUSCC(authority, typ byte, regionCode string) string {
	for {
		code := uscc.Generate(g.r, authority, typ, regionCode)
		if _, dup := g.usccs[code]; !dup {
			g.usccs[code] = struct{}{}
			return code
		}
	}
}

// capital draws the registered capital (注册资本, 万元) for an entity that has one:
// companies mostly declare round sums, spread log-normally between 10 and 5,000 万元
// (groups and joint-stock companies more); partnerships, sole proprietorships and
// cooperatives declare their contributed funds (出资额). Individual businesses and
// branches have no registered capital.
func (g *generator) capital(t registry.EntityType, form string) string {
	switch t {
	case registry.TypeIndividualBusiness, registry.TypeBranch:
		return ""
	case registry.TypePartnership:
		return oneOf(g, "10", "50", "100", "100", "200", "300", "500", "1000")
	case registry.TypeSoleProprietorship:
		return oneOf(g, "3", "5", "10", "10", "20", "30", "50", "100")
	case registry.TypeFarmerCooperative:
		return oneOf(g, "5", "10", "20", "30", "50", "50", "100", "200", "300", "500")
	}
	switch form {
	case "集团有限公司", "集团股份有限公司":
		return strconv.Itoa(5000 + 1000*g.r.IntN(16))
	case "股份有限公司":
		return oneOf(g, "1000", "2000", "3000", "5000", "8000", "10000")
	}
	switch x := g.r.IntN(100); {
	case x < 90:
		return g.capitalRound.pick(g.r)
	case x < 95:
		return strconv.Itoa(10 + g.r.IntN(90))
	case x < 98:
		return strconv.Itoa(100 + g.r.IntN(900))
	}
	return strconv.Itoa(10+g.r.IntN(90)) + ".5"
}

func oneOf(g *generator, vals ...string) string { return vals[g.r.IntN(len(vals))] }

// sortByEstablishment orders es by establishment date, stably, with a counting sort
// on the day and an in-place permutation: no second copy of a million entities.
func sortByEstablishment(es []registry.Entity) {
	if len(es) < 2 {
		return
	}
	base := dayNumber(qcity.Date{Year: firstYear, Month: 1, Day: 1})
	days := make([]int32, len(es))
	maxDay := int32(0)
	for i := range es {
		days[i] = int32(dayNumber(es[i].EstablishedOn) - base)
		maxDay = max(maxDay, days[i])
	}
	start := make([]int32, maxDay+2)
	for _, d := range days {
		start[d+1]++
	}
	for d := 1; d < len(start); d++ {
		start[d] += start[d-1]
	}
	// from[k] is the index of the entity that goes to position k.
	from := make([]int32, len(es))
	for i, d := range days {
		from[start[d]] = int32(i)
		start[d]++
	}
	done := make([]bool, len(es))
	for i := range es {
		if done[i] {
			continue
		}
		tmp := es[i]
		k := i
		for {
			done[k] = true
			src := int(from[k])
			if src == i {
				es[k] = tmp
				break
			}
			es[k] = es[src]
			k = src
		}
	}
}
