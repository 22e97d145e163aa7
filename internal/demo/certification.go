package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"qcity"
	"qcity/internal/certification"
	"qcity/internal/industry"
	"qcity/internal/registry"
)

// Certification demo (认证监管): certificates the city's enterprises hold, issued by
// the demo's certification bodies, with their numbers in the formats of RULES.md §8;
// some suspended, revoked, cancelled or expired; the flags linked supervision raises on
// the demo's failed samples, most answered by their bodies; and a morning of public
// verification queries with a few forged numbers among them, which become the leads an
// official sees. Only records are stored: every figure the pages show is counted from
// them.

// CertOptions control GenerateCertificates and LoadCertification.
type CertOptions struct {
	// Seed chooses the records; 0 means a seed derived from the city.
	Seed uint64
	// Certificates is how many to issue; 0 means one per four entities (5,000 for the
	// default city of 20,000), fewer if the city has too few eligible holders.
	Certificates int
	// Today is the loader's today. Required.
	Today qcity.Date
}

// DemoCert is a generated certificate: what its body registers, on which day, and the
// status changes its body records later.
type DemoCert struct {
	Input      certification.CertificateInput
	Registered qcity.Date
	Changes    []DemoCertChange
}

// DemoCertChange is one status change of a demo certificate.
type DemoCertChange struct {
	On     qcity.Date
	Status certification.Status
	Reason string
	Note   string
}

// certIssuer is a body that issues certificates in the demo, with its number codes.
type certIssuer struct {
	org     registry.Organisation
	msCode  string // 3-digit code in management-system numbers
	cccCode string // 2-digit code in CCC numbers
}

// applianceCCC maps the GB/T 4754 classes of household-appliance and lighting makers
// to the CCC categories (and products) they certify.
var applianceCCC = map[string][]struct{ Category, Product, Models, Standard string }{
	"3851": {{"0701", "家用电冰箱", "BCD-186 220V~ 50Hz；BCD-206 220V~ 50Hz", "GB 4706.1-2005；GB 4706.13-2014"}},
	"3852": {{"0703", "房间空气调节器", "KFR-35GW 220V~；KFR-26GW 220V~", "GB 4706.1-2005；GB 4706.32-2012"}},
	"3853": {{"0702", "电风扇", "FS40-12 220V~ 55W；FT30-8 220V~ 40W", "GB 4706.1-2005；GB 4706.27-2008"}},
	"3854": {
		{"0718", "电饭锅", "CFXB40-70 4.0L 220V~ 700W；CFXB50-90 5.0L 220V~ 900W", "GB 4706.1-2005；GB 4706.19-2008"},
		{"0717", "电热水壶", "SWF17E 1.7L 220V~ 1800W", "GB 4706.1-2005；GB 4706.19-2008"},
		{"0711", "电磁灶", "C21-RT2134 220V~ 2100W", "GB 4706.1-2005；GB 4706.29-2008"},
	},
	"3855": {{"0705", "家用电动洗衣机", "XQB80-3 220V~ 8.0kg", "GB 4706.1-2005；GB 4706.24-2008"}},
	"3856": {{"0709", "电吹风", "RCY-2201 220V~ 1200W", "GB 4706.1-2005；GB 4706.15-2008"}},
	"3872": {{"1001", "灯具", "XD-2801 LED吸顶灯 220V~ 24W", "GB 7000.1-2015；GB 7000.201-2008"}},
	"3831": {{"0103", "聚氯乙烯绝缘电线电缆", "BV 450/750V 1.5mm²；BV 450/750V 2.5mm²", "GB/T 5023.3-2008"}},
}

const cccMode = "型式试验+初始工厂检查+获证后监督"

// GenerateCertificates builds the demo's certificates for a loaded city (its
// organisations must carry IDs). It is pure: the same city and options give the same
// certificates.
func GenerateCertificates(opts CertOptions, city *City) ([]DemoCert, error) {
	if city == nil {
		return nil, errors.New("demo: nil city")
	}
	if opts.Today.IsZero() {
		return nil, errors.New("demo: CertOptions.Today is required")
	}
	if opts.Seed == 0 {
		opts.Seed = citySeed(city) ^ 0xCE27
	}
	r := rand.New(rand.NewPCG(opts.Seed, 0x0CE271F1CA7E5))
	want := opts.Certificates
	if want == 0 {
		want = len(city.Entities) / 4
	}
	// The issuers: bodies with a valid approval (a suspended body may not issue), each
	// with its codes; CCC only from bodies approved for it.
	var issuers, cccIssuers []certIssuer
	msCodes, cccCodes := r.Perm(300), r.Perm(40)
	for _, o := range city.Organisations {
		if o.Kind != registry.OrgCertificationBody || o.Status != registry.OrgValid {
			continue
		}
		is := certIssuer{org: o, msCode: fmt.Sprintf("%03d", 1+msCodes[len(issuers)]), cccCode: fmt.Sprintf("%02d", 1+cccCodes[len(issuers)%40])}
		issuers = append(issuers, is)
		if certification.BodyCovers(o.Scope, certification.SchemeCCC) {
			cccIssuers = append(cccIssuers, is)
		}
	}
	if len(issuers) == 0 {
		return nil, nil
	}
	cat := industry.Default()
	g := &certGen{r: r, today: opts.Today, issuers: issuers, cat: cat, seq: map[string]int{}}
	var out []DemoCert
	// CCC: every household-appliance, lighting or wire maker holds one per product.
	if len(cccIssuers) > 0 {
		for i := range city.Entities {
			e := &city.Entities[i]
			prods, ok := applianceCCC[e.Industry]
			if !ok || e.Type != registry.TypeCompany || e.Status != registry.StatusActive {
				continue
			}
			is := cccIssuers[r.IntN(len(cccIssuers))]
			for _, p := range prods {
				if len(out) < want {
					out = append(out, g.ccc(e, is, p.Category, p.Product, p.Models, p.Standard))
				}
			}
		}
	}
	// Management systems: companies, most in manufacturing and construction; many hold
	// the three systems together (三体系), each on its own certificate.
	var holders []int
	for i := range city.Entities {
		e := &city.Entities[i]
		if e.Type == registry.TypeCompany && e.Status == registry.StatusActive && e.EstablishedOn.Before(opts.Today.AddDays(-400)) {
			holders = append(holders, i)
		}
	}
	r.Shuffle(len(holders), func(a, b int) { holders[a], holders[b] = holders[b], holders[a] })
	// Manufacturing (C) and construction (E) first: they are most of the holders.
	sort.SliceStable(holders, func(a, b int) bool {
		return certSector(cat, city.Entities[holders[a]].Industry) < certSector(cat, city.Entities[holders[b]].Industry)
	})
	for _, i := range holders {
		if len(out) >= want {
			break
		}
		e := &city.Entities[i]
		is := issuers[r.IntN(len(issuers))]
		systems := []certification.Scheme{certification.SchemeISO9001}
		switch x := r.IntN(100); {
		case x < 35:
			systems = append(systems, certification.SchemeISO14001, certification.SchemeISO45001)
		case x < 45:
			systems = append(systems, certification.SchemeISO14001)
		}
		if strings.HasPrefix(e.Industry, "13") || strings.HasPrefix(e.Industry, "14") {
			if r.IntN(3) == 0 {
				systems = append(systems, certification.SchemeHACCP)
			}
		}
		for _, s := range systems {
			if len(out) >= want {
				break
			}
			if !certification.BodyCovers(is.org.Scope, s) {
				continue
			}
			out = append(out, g.system(e, is, s))
		}
	}
	g.statuses(out)
	return out, nil
}

// certSector orders holders: manufacturing, then construction, then the rest.
func certSector(cat *industry.Catalogue, code string) int {
	cl, ok := cat.Get(code)
	switch {
	case !ok:
		return 3
	case cl.Section == "C":
		return 0
	case cl.Section == "E":
		return 1
	}
	return 2
}

type certGen struct {
	r       *rand.Rand
	today   qcity.Date
	issuers []certIssuer
	cat     *industry.Catalogue
	seq     map[string]int // next sequence per body, scheme and year
}

func (g *certGen) next(key string) int {
	g.seq[key]++
	return g.seq[key]
}

// dates picks a certificate's first issue, current issue and expiry: most current,
// some expired without renewal (about 7%).
func (g *certGen) dates(e *registry.Entity, years int) (first, issued, expires qcity.Date) {
	earliest := e.EstablishedOn.AddDays(180)
	if min := qcity.NewDate(2008, 1, 1); earliest.Before(min) {
		earliest = min
	}
	span := daysFrom(earliest, g.today)
	if span < 60 {
		span = 60
	}
	first = earliest.AddDays(g.r.IntN(span))
	if first.After(g.today.AddDays(-30)) {
		first = g.today.AddDays(-30 - g.r.IntN(300))
	}
	// The current cycle: the one running today, or for an expired certificate the last
	// one, which ended up to 18 months ago.
	cycleDays := years*365 - 1
	issued = first
	for issued.AddDays(cycleDays).Before(g.today) {
		issued = issued.AddDays(years * 365)
	}
	if g.r.IntN(100) < 7 && first.Before(issued) {
		issued = issued.AddDays(-years * 365)
		if ago := daysFrom(issued.AddDays(cycleDays), g.today); ago > 540 {
			issued = issued.AddDays(ago - 540)
		}
	}
	if issued.After(g.today) {
		issued = g.today.AddDays(-1)
	}
	if issued.Before(first) {
		first = issued
	}
	return first, issued, issued.AddDays(cycleDays)
}

func (g *certGen) ccc(e *registry.Entity, is certIssuer, category, product, models, standard string) DemoCert {
	first, issued, expires := g.dates(e, 5)
	number := fmt.Sprintf("%04d%s%s%06d", first.Year, is.cccCode, category, 100000+g.next(is.cccCode+category+strconv.Itoa(first.Year))*7%900000)
	brand := shortName(e.Name)
	return DemoCert{Registered: issued, Input: certification.CertificateInput{Number: number, Scheme: string(certification.SchemeCCC),
		Body: is.org.USCC, HolderName: e.Name, HolderUSCC: e.USCC, HolderAddress: e.Address, Product: product, Models: models,
		Brand: brand, Manufacturer: e.Name, Factory: e.Name, Standard: standard, CertMode: cccMode,
		IssuedOn: issued.String(), ExpiresOn: expires.String(), FirstIssuedOn: first.String()}}
}

// systemLetters are the system letters of management-system numbers.
var systemLetters = map[certification.Scheme]string{certification.SchemeISO9001: "Q", certification.SchemeISO14001: "E",
	certification.SchemeISO45001: "S", certification.SchemeHACCP: "H"}

func (g *certGen) system(e *registry.Entity, is certIssuer, s certification.Scheme) DemoCert {
	first, issued, expires := g.dates(e, 3)
	cycle := daysFrom(first, issued) / (3 * 365)
	size := "S"
	if c := capitalWan(e.RegisteredCapital); c >= 5000 {
		size = "L"
	} else if c >= 500 {
		size = "M"
	}
	yy := issued.Year % 100
	number := fmt.Sprintf("%s%02d%s%05dR%d%s", is.msCode, yy, systemLetters[s], g.next(is.msCode+strconv.Itoa(yy)), cycle, size)
	info, _ := certification.InfoOf(s)
	return DemoCert{Registered: issued, Input: certification.CertificateInput{Number: number, Scheme: string(s), Body: is.org.USCC,
		HolderName: e.Name, HolderUSCC: e.USCC, HolderAddress: e.Address, Scope: g.scope(e, s), Standard: info.Standard,
		IssuedOn: issued.String(), ExpiresOn: expires.String(), FirstIssuedOn: first.String()}}
}

// scope writes a management system's scope from the holder's industry.
func (g *certGen) scope(e *registry.Entity, s certification.Scheme) string {
	name := "经营范围内"
	if cl, ok := g.cat.Get(e.Industry); ok {
		name = cl.Name
	}
	var activity string
	switch {
	case strings.HasSuffix(name, "制造"):
		activity = strings.TrimSuffix(name, "制造") + "的设计、生产和销售"
	case strings.HasSuffix(name, "加工"):
		activity = name + "及其产品销售"
	case strings.HasSuffix(name, "业"):
		activity = strings.TrimSuffix(name, "业") + "服务"
	default:
		activity = name + "服务"
	}
	switch s {
	case certification.SchemeISO14001:
		return activity + "所涉及的相关环境管理活动"
	case certification.SchemeISO45001:
		return activity + "所涉及的相关职业健康安全管理活动"
	case certification.SchemeHACCP:
		return activity + "（危害分析与关键控制点体系）"
	}
	return activity
}

// statuses gives some current certificates the status changes their bodies record:
// about 3% suspended (a few of them later revoked for not being put right), 0.5%
// revoked outright, 1.5% cancelled.
func (g *certGen) statuses(certs []DemoCert) {
	suspend := []struct{ reason, note string }{
		{"surveillance_violation", "年度监督审核发现体系运行不符合认证要求"},
		{"surveillance_refused", "无正当理由拒绝接受年度监督审核"},
		{"holder_request_suspend", "获证组织申请暂停，停产整改"},
		{"nonconforming", "监督抽样检验结果不符合认证要求"},
	}
	cancel := []struct{ reason, note string }{
		{"holder_request_cancel", "获证组织申请注销证书"},
		{"discontinued", "获证产品已停止生产"},
	}
	for i := range certs {
		c := &certs[i]
		issued, _ := qcity.ParseDate(c.Input.IssuedOn)
		expires, _ := qcity.ParseDate(c.Input.ExpiresOn)
		end := expires
		if g.today.Before(end) {
			end = g.today
		}
		days := daysFrom(issued, end)
		if days < 60 || expires.Before(g.today) {
			continue
		}
		on := issued.AddDays(30 + g.r.IntN(days-30))
		switch x := g.r.IntN(1000); {
		case x < 30:
			s := suspend[g.r.IntN(len(suspend))]
			c.Changes = append(c.Changes, DemoCertChange{On: on, Status: certification.StatusSuspended, Reason: s.reason, Note: s.note})
			if g.r.IntN(5) == 0 && on.AddDays(180).Before(end) {
				c.Changes = append(c.Changes, DemoCertChange{On: on.AddDays(180), Status: certification.StatusRevoked, Reason: "not_fixed",
					Note: "暂停期间未按期整改，撤销证书"})
			} else if g.r.IntN(3) == 0 && on.AddDays(90).Before(end) {
				c.Changes = append(c.Changes, DemoCertChange{On: on.AddDays(90), Status: certification.StatusValid, Reason: "rectified",
					Note: "整改完成，经验证恢复证书"})
			}
		case x < 35:
			c.Changes = append(c.Changes, DemoCertChange{On: on, Status: certification.StatusRevoked, Reason: "fraud",
				Note: "以提供虚假材料方式获得证书"})
		case x < 50:
			s := cancel[g.r.IntN(len(cancel))]
			if s.reason == "discontinued" && c.Input.Scheme != string(certification.SchemeCCC) {
				s = cancel[0]
			}
			c.Changes = append(c.Changes, DemoCertChange{On: on, Status: certification.StatusCancelled, Reason: s.reason, Note: s.note})
		}
	}
}

// CertSummary is what LoadCertification did, counted as it went.
type CertSummary struct {
	Certificates, Changes, Flags, Answered, Queries, Forged int
}

// LoadCertification registers the demo's certificates through the certification
// service (as the city's officials record what bodies notify), plays their status
// changes on their days, flags the certificates covering the demo's failed samples
// (linked supervision) and has their bodies answer most flags, then runs a morning of
// verification queries with a few forged numbers. svc's clock is not moved: the loader
// works through its own service on a clock of its own, then reloads svc's index.
func LoadCertification(ctx context.Context, svc *certification.Service, city *City, opts CertOptions, progress func(done, total int)) (CertSummary, error) {
	var sum CertSummary
	if svc == nil || svc.DB == nil || svc.Clock == nil {
		return sum, qcity.Internal(errors.New("demo: incomplete certification service"))
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	today := qcity.DateOf(svc.Clock.Now())
	opts.Today = today
	certs, err := GenerateCertificates(opts, city)
	if err != nil {
		return sum, qcity.Internal(err)
	}
	clock := &qcity.FixedClock{T: svc.Clock.Now()}
	own := certification.NewService(svc.DB, clock, svc.Registry)
	own.Sampling, own.Cal = svc.Sampling, svc.Cal
	if err := own.Load(ctx); err != nil {
		return sum, err
	}
	at := func(d qcity.Date, hour, n int) {
		clock.T = time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, qcity.China).Add(time.Duration(n%3000) * time.Second)
	}
	official := qcity.WithActor(ctx, qcity.System("demo"))
	total := len(certs) + 1
	// Registration in batches of 1,000, each one transaction.
	inputs := make([]certification.CertificateInput, len(certs))
	regs := make([]qcity.Date, len(certs))
	for i, c := range certs {
		inputs[i], regs[i] = c.Input, c.Registered
	}
	at(today, 9, 0)
	for i := 0; i < len(inputs); i += 1000 {
		j := min(i+1000, len(inputs))
		n, err := own.BulkRegister(official, inputs[i:j], regs[i:j])
		if err != nil {
			return sum, fmt.Errorf("demo: certificates %d–%d: %w", i+1, j, err)
		}
		sum.Certificates += n
		progress(j, total)
	}
	bodyIDs, bodyNames := map[string]int64{}, map[int64]string{}
	for _, o := range city.Organisations {
		bodyIDs[o.USCC], bodyNames[o.ID] = o.ID, o.Name
	}
	bodyCtx := func(uscc string) context.Context {
		id := bodyIDs[uscc]
		return qcity.WithActor(ctx, qcity.Actor{Kind: qcity.ActorUser, Name: bodyNames[id], Role: qcity.RoleCertificationBody, OrgID: id})
	}
	// Linked supervision: the demo's failed samples of certified products flag their
	// certificates on the day the failure was reported; most bodies answer within the
	// 20 working days, some late, a few not yet.
	n, err := own.ScanFailures(official, certification.ScanOptions{AtFailure: true})
	if err != nil {
		return sum, err
	}
	sum.Flags = n
	r := rand.New(rand.NewPCG(opts.Seed^0xF1A6, 0x0CE271F1CA7E5))
	flags, _, err := own.FindFlags(official, certification.FlagFilter{State: certification.FlagOpen, Limit: 1000})
	if err != nil {
		return sum, err
	}
	busy := map[string]qcity.Date{} // a certificate suspended after a flag: until it was restored
	for k, f := range flags {
		x := r.IntN(100)
		if x >= 90 && daysFrom(f.FlaggedOn, today) < 60 {
			continue // not answered yet
		}
		days := 3 + r.IntN(15)
		if x >= 80 {
			days = 22 + r.IntN(30) // late
		}
		on := own.Cal.AddWorkingDays(f.FlaggedOn, days)
		if on.After(today) {
			continue
		}
		resp := certification.FlagResponse{Response: certification.ResponseMaintain,
			Note: "已对获证产品进行监督检查，不合格项为标签标识问题，不影响产品认证符合性，责令获证企业整改"}
		c, err := own.FindCertificate(official, f.Number)
		if err != nil {
			return sum, err
		}
		// Only a current certificate can be suspended or revoked, and not while an
		// earlier suspension is still being put right.
		current := c.Status == certification.StatusValid && !c.ExpiresOn.Before(on) && !on.Before(busy[c.Number])
		// A failure in an earlier cycle than the one registered (the demo's samples are
		// of 2018–2020, most current cycles later): a suspension then was put right
		// before the current cycle was issued, so the certificate is not left
		// suspended since before its own issue, and a revocation then would have
		// ended the number, so the body suspended instead.
		earlier := on.Before(c.IssuedOn)
		var restore qcity.Date
		if y := r.IntN(100); !current {
		} else if y < 30 && earlier {
			restore = own.Cal.AddWorkingDays(on, 20+r.IntN(40))
			if restore.Before(c.IssuedOn) && restore.Before(today) {
				resp = certification.FlagResponse{Response: certification.ResponseSuspend, Note: "不合格项目涉及产品安全性能，暂停证书并要求整改"}
			} else {
				restore = qcity.Date{}
			}
		} else if y < 25 {
			resp = certification.FlagResponse{Response: certification.ResponseSuspend, Note: "不合格项目涉及产品安全性能，暂停证书并要求整改"}
		} else if y < 30 {
			resp = certification.FlagResponse{Response: certification.ResponseRevoke, Note: "抽样产品与型式试验样品不一致"}
		}
		at(on, 15, k)
		body := bodyCtx(bodyUSCC(city, f.BodyID))
		if _, err := own.RespondFlag(body, f.ID, resp); err != nil {
			return sum, fmt.Errorf("demo: flag %d: %w", f.ID, err)
		}
		sum.Answered++
		if !restore.IsZero() {
			at(restore, 11, k)
			if _, err := own.ChangeStatus(body, c.Number, certification.StatusChange{Status: string(certification.StatusValid),
				Reason: "rectified", Note: "整改完成，经验证恢复证书"}); err != nil {
				return sum, fmt.Errorf("demo: %s restored on %s: %w", c.Number, restore, err)
			}
			busy[c.Number] = restore.AddDays(1)
			sum.Changes++
		}
	}
	// Status changes, in date order, each on its day by the certificate's body.
	type change struct {
		number string
		body   string
		DemoCertChange
	}
	var changes []change
	for _, c := range certs {
		for _, ch := range c.Changes {
			changes = append(changes, change{c.Input.Number, c.Input.Body, ch})
		}
	}
	sort.SliceStable(changes, func(a, b int) bool { return changes[a].On.Before(changes[b].On) })
	for k, ch := range changes {
		// A change planned on a certificate a flag's answer has changed since, or
		// after its validity, is not made (nor then the changes that follow it).
		c, err := own.FindCertificate(official, ch.number)
		if err != nil {
			return sum, err
		}
		from := certification.StatusValid
		if ch.Reason == "not_fixed" || ch.Reason == "rectified" {
			from = certification.StatusSuspended
		}
		if c.Status != from || !ch.On.After(c.StatusOn) || !ch.On.Before(c.ExpiresOn) {
			continue
		}
		at(ch.On, 10, k)
		if _, err := own.ChangeStatus(bodyCtx(ch.body), ch.number, certification.StatusChange{Status: string(ch.Status),
			Reason: ch.Reason, Note: ch.Note}); err != nil {
			return sum, fmt.Errorf("demo: %s %s on %s: %w", ch.number, ch.Status, ch.On, err)
		}
		sum.Changes++
	}
	// Expiry recorded as the daily run would have.
	at(today, 1, 0)
	if _, err := own.RunExpiry(official, today); err != nil {
		return sum, err
	}
	// A morning of public verification: real numbers, some shown by another firm, and a
	// few forged numbers, one of them asked about again.
	at(today, 8, 0)
	public := qcity.WithActor(ctx, qcity.Anonymous)
	forged := forgedNumbers(r, today)
	var queries []string
	for i := 0; i < 240 && len(certs) > 0; i++ {
		queries = append(queries, certs[r.IntN(len(certs))].Input.Number)
	}
	for _, f := range forged {
		queries = append(queries, f)
	}
	queries = append(queries, forged[0], forged[0])
	r.Shuffle(len(queries), func(a, b int) { queries[a], queries[b] = queries[b], queries[a] })
	for k, q := range queries {
		at(today, 8, k*37)
		opt := certification.VerifyOptions{}
		if k%40 == 7 && len(city.Entities) > 0 && !slices.Contains(forged, q) {
			opt.Holder = city.Entities[r.IntN(len(city.Entities))].Name // shown by another firm: a misuse lead
		}
		if _, err := own.Verify(public, q, opt); err != nil {
			return sum, fmt.Errorf("demo: verify %s: %w", q, err)
		}
		sum.Queries++
	}
	sum.Forged = len(forged)
	progress(total, total)
	return sum, svc.Load(ctx)
}

// daysFrom is the number of days from a to b.
func daysFrom(a, b qcity.Date) int { return int(b.Time().Sub(a.Time()).Hours() / 24) }

func bodyUSCC(city *City, id int64) string {
	for _, o := range city.Organisations {
		if o.ID == id {
			return o.USCC
		}
	}
	return ""
}

// forgedNumbers are numbers printed on forged certificates: well-formed CCC and
// management-system numbers that no body issued, and ill-formed ones.
func forgedNumbers(r *rand.Rand, today qcity.Date) []string {
	return []string{
		fmt.Sprintf("%04d01071%d%06d", today.Year-1-r.IntN(3), 8, 900000+r.IntN(99999)),
		fmt.Sprintf("%04d01100%d%06d", today.Year-2-r.IntN(3), 1, 900000+r.IntN(99999)),
		fmt.Sprintf("%03d%02dQ%05dR%dM", 900+r.IntN(99), today.Year%100-1, 90000+r.IntN(9999), r.IntN(3)),
		fmt.Sprintf("%03d%02dE%05dR0S", 900+r.IntN(99), today.Year%100-2, 90000+r.IntN(9999)),
		fmt.Sprintf("%04d00071%d%06d", today.Year-1, 8, 100000+r.IntN(99999)),                 // body code 00: not a CCC number
		fmt.Sprintf("%d0107180%05d", today.Year+3, 10000+r.IntN(9999)),                        // issued in the future
		fmt.Sprintf("ZJ-%04d-%06d", today.Year-1, r.IntN(999999)),                             // no scheme's format
		fmt.Sprintf("%03d%02dQ%05dR1L", 900+r.IntN(99), today.Year%100-1, 90000+r.IntN(9999)), // a second well-formed QMS number
	}
}
