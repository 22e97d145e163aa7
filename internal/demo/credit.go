package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/registry"
)

// Credit records of the demo city (质量诚信): annual reports from 2017 to the last
// closed report year, the abnormal-operations list (经营异常名录), administrative
// penalties and their publicity, the serious illegal and dishonest list (严重违法失信
// 名单) and credit repair (信用修复), generated as records and steps, never as totals:
// every rate and count the credit pages show is computed from them, and every listing,
// removal and publication is in the tamper-evident log because the credit service
// wrote it there.
//
// # Annual reports
//
// Every entity that owes a report (credit.ReportDue: not a branch, established by 31
// December, still existing then) files it on time (by 30 June), late (补报, mostly in
// the weeks after the listing notice, some the next year) or never. For the 2019 report
// the on-time share is about 90% for companies, 86% for individual businesses (some of
// which file on paper, entered by their county bureau, and some of which choose not to
// publish) and 85% for farmer cooperatives; with the late filings about 97%, 94% and
// 96% file in the end (the default city as `qcity demo` loads it: 86.99% on time and
// 94.78% in all, 9,923 of 10,469). 赤坎 and 霞山, the urban districts, file about 3 points more,
// 徐闻 and 雷州 about 3 points less; rates rise by 0.7 point (on time) and 0.3 point
// (in the end) a year. An entity keeps its habits: most of those who file late or never
// do so year after year. Entities that left the register (注销, 吊销, 迁出) get the day
// they left for about two thirds of them (status_changed_on; the rest stay unknown and
// are never due), and file before leaving. Contents are what the credit service stores
// for a filing: the registered address, the county's postcode, a 0759 landline or a
// mobile number, often a QQ or 163 mailbox, shareholders' subscribed and paid-in
// capital for companies, and item-7 figures (headcount, assets, revenue, profit, tax)
// sized by type and registered capital, published as the enterprise chose.
//
// For speed the reports go in with multi-row INSERTs, in date order: before each step
// of the history those filed by its day are inserted (one transaction and one audit
// record per batch, as a daily synchronisation from the national publicity system
// would be), so the rules engine and the service see exactly what had been filed.
//
// # The history
//
// Everything else goes through the credit service (credit.Service), on a clock that
// moves forward through the dated steps, sorted by day: the rules engine runs on 1 July
// 2018 and on the first of every month from January 2019, proposing each 1 July the
// listing of every entity that has not filed; each county bureau confirms its proposals
// in bulk two to seven working days later. Enterprises that file late apply for removal
// (most companies, few individual businesses, whose mark stops being published after a
// year anyway) and are removed within five working days; a few object within 30 days
// (upheld: the listing is revoked; or rejected); a few enterprises that stopped filing
// are listed as unreachable after two registered letters, mostly those listed two years
// running, which makes them licence-revocation candidates; some are listed for not
// publishing ad-hoc information by the ordered deadline, one for a name change not
// registered.
//
// About 300 penalty decisions at 20,000 entities (湛霞市监罚〔2019〕37号, numbered per
// bureau and year), food and product quality the most, from warnings (not published)
// and lower-amount fines (published three months) to large fines, confiscations,
// suspensions and revoked permits (three years); a few revoke the business licence of
// an entity the register shows as revoked, on the day it records. A quarter of those
// that may end their publicity early through repair (commitment letter and evidence
// uploaded, accepted, approved; one refused), one is annulled. About 30 serious-list
// cases on heavier penalties, with circumstances of their field, heard (some),
// submitted and approved by the city: the first ones are refused, revoked when their
// penalty is annulled, removed early after a year, relisted after a fraudulent
// removal, still under way, or listed for a longer restriction; of the rest a quarter
// are removed early and the older ones expire after three years. At other sizes the
// counts scale, with floors so that a small city still shows every state.
//
// # Determinism
//
// planCredit decides everything from CreditOptions.Seed, the city and today, and
// reads neither the clock nor the database: the same inputs give the same records.
// Only the salts of the log's personal-data commitments are random.

// CreditOptions control LoadCredit.
type CreditOptions struct {
	// Seed chooses the records; 0 means a seed derived from the city, so one city
	// always gets the same credit history.
	Seed uint64
}

// LoadCredit generates and stores the credit history of a loaded city (its entities
// must carry the IDs Load gave them) up to svc's today. It works through its own
// credit.Service sharing svc's database, registry, log, jurisdiction and calendar, on a
// clock it moves through the history; at the end it reloads svc so its risk classes are
// current. The database should hold no credit records yet.
//
// progress reports the reports inserted and steps taken (done of total). A step the
// service refuses is an internal error naming the step: the plan is wrong.
func LoadCredit(ctx context.Context, svc *credit.Service, city *City, opts CreditOptions, progress func(done, total int)) error {
	_, err := loadCredit(ctx, svc, city, opts, progress)
	return err
}

// loadCredit is LoadCredit, returning the loader for its statistics.
func loadCredit(ctx context.Context, svc *credit.Service, city *City, opts CreditOptions, progress func(done, total int)) (*creditLoader, error) {
	if svc == nil || svc.DB == nil || svc.Clock == nil || svc.Jurisdiction == nil {
		return nil, qcity.Internal(errors.New("demo: incomplete credit service"))
	}
	if city == nil {
		return nil, qcity.Internal(errors.New("demo: nil city"))
	}
	for _, e := range city.Entities {
		if e.ID == 0 {
			return nil, qcity.Internal(errors.New("demo: the city is not loaded (entities without IDs)"))
		}
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	if opts.Seed == 0 {
		opts.Seed = citySeed(city)
	}
	today := qcity.DateOf(svc.Clock.Now())
	clock := &qcity.FixedClock{T: svc.Clock.Now()}
	own := credit.NewService(svc.DB, clock, svc.Registry, svc.Log, svc.Jurisdiction)
	own.DeferMonthlyRisk = true // recomputed once at the end
	if svc.Cal != nil {
		own.Cal = svc.Cal
	}
	if err := own.Load(ctx); err != nil {
		return nil, err
	}
	plan, err := planCredit(opts.Seed, city, svc.Jurisdiction, own.Cal, today)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	d, err := loadData()
	if err != nil {
		return nil, qcity.Internal(err)
	}
	l := &creditLoader{ctx: ctx, svc: own, clock: clock, city: city, plan: plan, seed: opts.Seed, data: d,
		ids: map[string]int64{}, reportAt: make(map[string]int, len(plan.Reports)), byID: make(map[int64]int32, len(city.Entities)), exit: map[int32]qcity.Date{},
		progress: progress, total: len(plan.Reports) + len(plan.Events)}
	for i, e := range city.Entities {
		l.byID[e.ID] = int32(i)
	}
	for _, x := range plan.Exits {
		l.exit[x.Entity] = x.On
	}
	for k, r := range plan.Reports {
		l.reportAt[annualKey(r.Entity, r.Year)] = k
	}
	if err := l.recordExits(); err != nil {
		return nil, err
	}
	if err := l.play(today); err != nil {
		return nil, err
	}
	if _, err := own.RecomputeAllRisk(ctx, today); err != nil {
		return nil, err
	}
	return l, svc.Load(ctx) // the caller's risk classes, as the history left them
}

// creditLoader plays a plan.
type creditLoader struct {
	ctx       context.Context
	svc       *credit.Service
	clock     *qcity.FixedClock
	city      *City
	plan      *creditPlan
	seed      uint64
	data      *sourceData
	ids       map[string]int64 // plan keys → record IDs
	byID      map[int64]int32  // entity ID → index
	exit      map[int32]qcity.Date
	next      int  // the next report to insert
	proposals bool // listing proposals may be pending (from a 1 July run to the last confirmation)
	done      int
	total     int
	progress  func(done, total int)
	took      [evCorrect + 2]time.Duration // time per event kind; the last is inserting reports
	reportAt  map[string]int               // annual listing key → its report's position in plan.Reports
	flushes   int                          // report batches inserted
}

// recordExits stores the days entities left the register, in one transaction.
func (l *creditLoader) recordExits() error {
	if len(l.plan.Exits) == 0 {
		return nil
	}
	return l.svc.DB.InTx(l.ctx, func(tx *db.Tx) error {
		stmt, err := tx.Prepare(l.ctx, `UPDATE entities SET status_changed_on = ? WHERE id = ?`)
		if err != nil {
			return qcity.Internal(err)
		}
		defer stmt.Close()
		for _, x := range l.plan.Exits {
			if _, err := stmt.ExecContext(l.ctx, tx.Args([]any{x.On, l.city.Entities[x.Entity].ID})...); err != nil {
				return qcity.Internal(err)
			}
		}
		return nil
	})
}

// at sets the clock to day d at 10:00 China time, plus n seconds so that steps of one
// day are ordered.
func (l *creditLoader) at(d qcity.Date, hour, n int) {
	l.clock.T = time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, qcity.China).Add(time.Duration(n%3000) * time.Second)
}

func (l *creditLoader) play(today qcity.Date) error {
	for k, ev := range l.plan.Events {
		switch ev.Kind {
		case evRules:
			// The engine runs at night: what was filed the day before is in.
			if err := l.flush(ev.On.AddDays(-1)); err != nil {
				return err
			}
			l.at(ev.On, 1, 0)
		case evConfirm, evApply, evCorrect:
			// Confirmation withdraws the proposals of those who filed since; removal
			// needs the report filed.
			if pos, ok := l.reportAt[ev.Key]; ev.Kind == evConfirm || ok && pos >= l.next {
				if err := l.flush(ev.On); err != nil {
					return err
				}
			}
			l.at(ev.On, 10, k)
		default:
			l.at(ev.On, 10, k)
		}
		t0 := time.Now()
		err := l.step(ev)
		l.took[ev.Kind] += time.Since(t0)
		if err != nil {
			return qcity.Internal(fmt.Errorf("demo: credit step %d (kind %d, %s) on %s: %w", k, ev.Kind, ev.Key, ev.On, err))
		}
		l.done++
		if l.done%50 == 0 {
			l.progress(l.done, l.total)
		}
	}
	if err := l.flush(today); err != nil {
		return err
	}
	l.progress(l.done, l.total)
	return nil
}

// Actors.

func (l *creditLoader) county(code string) context.Context {
	name := l.svc.Authority(code)
	return qcity.WithActor(l.ctx, qcity.Actor{Kind: qcity.ActorUser, Name: strings.TrimSuffix(name, "市场监督管理局") + "市场监管局信用监管股",
		Role: qcity.RoleCountyOfficial, Region: code})
}

func (l *creditLoader) cityOfficial() context.Context {
	return qcity.WithActor(l.ctx, qcity.Actor{Kind: qcity.ActorUser, Name: l.svc.Jurisdiction.Prefecture.Name + "市场监管局信用监督管理科",
		Role: qcity.RoleCityOfficial})
}

func (l *creditLoader) enterprise(i int32) context.Context {
	e := &l.city.Entities[i]
	return qcity.WithActor(l.ctx, qcity.Actor{Kind: qcity.ActorUser, Name: e.USCC, Role: qcity.RoleEnterprise, USCC: e.USCC})
}

func (l *creditLoader) countyOf(i int32) context.Context {
	r := l.city.Entities[i].Region
	return l.county(r[:min(6, len(r))])
}

func (l *creditLoader) id(key string) (int64, error) {
	id, ok := l.ids[key]
	if !ok {
		return 0, fmt.Errorf("no record for %s", key)
	}
	return id, nil
}

// step takes one event through the service.
func (l *creditLoader) step(ev creditEvent) error {
	s := l.svc
	switch ev.Kind {
	case evRules:
		sum, err := s.RunRules(l.ctx, ev.On, false)
		l.proposals = l.proposals || sum.Proposed > 0
		return err
	case evConfirm:
		return l.confirm(ev)
	case evList:
		a, err := s.ListAbnormal(l.countyOf(ev.Entity), *ev.List)
		l.ids[ev.Key] = a.ID
		return err
	case evObject:
		id, err := l.id(ev.Key)
		if err != nil {
			return err
		}
		_, err = s.ObjectAbnormal(l.enterprise(ev.Entity), id, ev.Note)
		return err
	case evDecideObjection:
		id, err := l.id(ev.Key)
		if err != nil {
			return err
		}
		_, err = s.DecideObjection(l.countyOf(ev.Entity), id, ev.Step, ev.Note)
		return err
	case evPenalty:
		p, err := s.RecordPenalty(l.countyOf(ev.Entity), *ev.Pen)
		l.ids[ev.Key] = p.ID
		return err
	case evAnnul:
		id, err := l.id(ev.Key)
		if err != nil {
			return err
		}
		_, err = s.AnnulPenalty(l.countyOf(ev.Entity), id, ev.Note)
		return err
	case evPropose:
		x, err := s.ProposeSerious(l.countyOf(ev.Entity), *ev.Ser)
		l.ids[ev.Key] = x.ID
		return err
	case evSeriousStep:
		id, err := l.id(ev.Key)
		if err != nil {
			return err
		}
		ctx := l.countyOf(ev.Entity)
		if ev.Step == credit.StepApprove || ev.Step == credit.StepReject && ev.Note == noteRejectSerious || ev.Step == credit.StepRelist {
			ctx = l.cityOfficial() // the higher level decides (Order 44 Art. 22)
		}
		_, err = s.StepSerious(ctx, id, ev.Step, ev.Note)
		return err
	case evApply:
		id, err := l.id(ev.Key)
		if err != nil {
			return err
		}
		e := &l.city.Entities[ev.Entity]
		in := credit.RepairInput{USCC: e.USCC, Target: ev.Target, TargetID: id, Statement: ev.Note}
		if ev.Target != credit.TargetAbnormal {
			in.Conditions = credit.Conditions{PenaltyPerformed: true, HarmRemoved: true, NoNewPenalty: true, NoRestriction: true}
		}
		if ev.Files {
			evidence := "整改情况报告"
			switch {
			case ev.Target == credit.TargetPenalty:
				evidence = "罚没款缴纳凭证"
			case strings.Contains(ev.Key, credit.ReasonUnreachable):
				evidence = "住所变更登记通知书"
			case strings.Contains(ev.Key, credit.ReasonAdhocInfo):
				evidence = "即时信息公示截图"
			}
			in.Files = commitmentFiles(e.USCC, ev.On.String(), evidence, ev.Target != credit.TargetAbnormal, uint64(ev.Seq))
			if ev.Target == credit.TargetAbnormal {
				in.Files = in.Files[1:] // evidence only
			}
		}
		r, err := s.ApplyRepair(l.enterprise(ev.Entity), in)
		l.ids[ev.Repair] = r.ID
		return err
	case evCorrect:
		return l.correct(ev)
	case evDecide:
		id, err := l.id(ev.Repair)
		if err != nil {
			return err
		}
		_, err = s.DecideRepair(l.countyOf(ev.Entity), id, ev.Step, ev.Note)
		return err
	}
	return fmt.Errorf("unknown event kind %d", ev.Kind)
}

// correct files a correction of a report: a new phone number, and every other time
// the revenue published as well.
func (l *creditLoader) correct(ev creditEvent) error {
	pos, ok := l.reportAt[ev.Key]
	if !ok {
		return fmt.Errorf("no report %s", ev.Key)
	}
	rep := l.plan.Reports[pos]
	e := &l.city.Entities[ev.Entity]
	c, opt, pub := reportContent(l.seed, e, rep, l.exit[ev.Entity], l.data)
	c.Phone = fmt.Sprintf("0759-%d%06d", 2+ev.Seq%2, (ev.Seq*7919)%1000000)
	if _, ok := opt["revenue"]; ok && ev.Seq%2 == 0 && !slices.Contains(pub, "revenue") {
		pub = append(slices.Clone(pub), "revenue")
	}
	publish := rep.Publish
	_, err := l.svc.CorrectReport(l.enterprise(ev.Entity), credit.ReportInput{USCC: e.USCC, Year: rep.Year, Contents: c,
		Optional: opt, PublishOptional: pub, Publish: &publish})
	return err
}

// confirm lists a county's proposals for a report year in bulk and checks that the
// service listed as many as the plan expects.
func (l *creditLoader) confirm(ev creditEvent) error {
	rows, err := l.svc.DB.Query(l.ctx, `SELECT id FROM abnormal_listings WHERE state = ? AND reason = ? AND report_year = ?
		AND region_code LIKE ? ORDER BY id`, credit.StateProposed, credit.ReasonAnnualReport, ev.Year, ev.County+"%")
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ids) == 0 {
		return fmt.Errorf("%s %d: no proposals, %d expected", ev.County, ev.Year, ev.Count)
	}
	listed, _, err := l.svc.ConfirmProposals(l.county(ev.County), ids)
	if err != nil {
		return err
	}
	var left int
	if err := l.svc.DB.QueryRow(l.ctx, `SELECT COUNT(*) FROM abnormal_listings WHERE state = ?`, credit.StateProposed).Scan(&left); err != nil {
		return err
	}
	l.proposals = left > 0
	if len(listed) != ev.Count {
		return fmt.Errorf("%s %d: %d listed, %d expected", ev.County, ev.Year, len(listed), ev.Count)
	}
	for _, a := range listed {
		l.ids[annualKey(l.byID[a.EntityID], ev.Year)] = a.ID
	}
	return nil
}

// flush inserts the planned reports filed up to and including day d.
func (l *creditLoader) flush(d qcity.Date) error {
	end := l.next
	for end < len(l.plan.Reports) && !l.plan.Reports[end].FiledOn.After(d) {
		end++
	}
	if end == l.next {
		return nil
	}
	t0 := time.Now()
	l.flushes++
	defer func() { l.took[len(l.took)-1] += time.Since(t0) }()
	batch := l.plan.Reports[l.next:end]
	const width, perStmt = 11, 400
	late := false
	err := l.svc.DB.InTx(l.ctx, func(tx *db.Tx) error {
		args := make([]any, 0, width*perStmt)
		exec := func() error {
			if len(args) == 0 {
				return nil
			}
			n := len(args) / width
			q := `INSERT INTO annual_reports (entity_id, year, filed_on, channel, publish, contents, optional, published_optional,
				filed_by, created_at, updated_at) VALUES ` + strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?,?,?,?,?,?),", n), ",")
			if _, err := tx.Exec(l.ctx, q, args...); err != nil {
				return qcity.Internal(err)
			}
			args = args[:0]
			return nil
		}
		for k, rep := range batch {
			e := &l.city.Entities[rep.Entity]
			c, opt, pub := reportContent(l.seed, e, rep, l.exit[rep.Entity], l.data)
			channel, by := credit.ChannelOnline, e.USCC
			if rep.Paper {
				channel = credit.ChannelPaper
				by = qcity.ActorFrom(l.countyOf(rep.Entity)).Name
			}
			at := time.Date(rep.FiledOn.Year, rep.FiledOn.Month, rep.FiledOn.Day, 9, 0, 0, 0, qcity.China).Add(time.Duration(k%30000) * time.Second)
			args = append(args, e.ID, rep.Year, rep.FiledOn, channel, rep.Publish, marshalJSON(c), marshalJSON(opt), marshalJSON(pub), by, at, at)
			late = late || credit.FiledLate(rep.Year, rep.FiledOn)
			if len(args) == width*perStmt {
				if err := exec(); err != nil {
					return err
				}
			}
		}
		if err := exec(); err != nil {
			return err
		}
		now := time.Date(d.Year, d.Month, d.Day, 23, 0, 0, 0, qcity.China)
		if late && l.proposals {
			// As FileReport does: a proposal for a year now filed is withdrawn.
			if _, err := tx.Exec(l.ctx, `UPDATE abnormal_listings SET state = ?, updated_at = ?, version = version + 1
				WHERE state = ? AND reason = ? AND EXISTS (SELECT 1 FROM annual_reports r
					WHERE r.entity_id = abnormal_listings.entity_id AND r.year = abnormal_listings.report_year)`,
				credit.StateWithdrawn, now, credit.StateProposed, credit.ReasonAnnualReport); err != nil {
				return qcity.Internal(err)
			}
		}
		ctx := qcity.WithActor(l.ctx, qcity.System("qcity demo"))
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionImport, ObjectType: "annual_report",
			ObjectID: d.String(), Summary: fmt.Sprintf("同步国家企业信用信息公示系统年度报告 %d 份（截至 %s）", len(batch), d)})
	})
	if err != nil {
		return err
	}
	l.next = end
	l.done += len(batch)
	l.progress(l.done, l.total)
	return nil
}

func marshalJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Report contents.

// reportContent returns a report's mandatory contents, its item-7 figures and the
// figures it publishes, exactly as credit.FileReport would store them. They derive
// from the seed, the entity and the year: stable facts (phone, mailbox, shareholders,
// size) from the entity alone, figures from the year too.
func reportContent(seed uint64, e *registry.Entity, rep plannedReport, exit qcity.Date, d *sourceData) (credit.ReportContents, map[string]string, []string) {
	h := hashOf(e.USCC)
	er := rand.New(rand.NewPCG(seed^h, 2)) // the entity's stable facts
	yr := rand.New(rand.NewPCG(seed^h, 1000+uint64(rep.Year)))
	code := e.Region[:min(6, len(e.Region))]
	individual := e.Type == registry.TypeIndividualBusiness
	c := credit.ReportContents{Address: e.Address, OperatingStatus: "operating"}
	c.Postcode = countyPostcodes[code]
	if c.Postcode == "" {
		c.Postcode = code[:2] + "0000"
	}
	if individual && er.IntN(100) < 40 {
		c.Postcode = "" // optional for individual businesses
	}
	mobile := individual && er.IntN(100) < 65 || !individual && er.IntN(100) < 20
	if mobile {
		prefixes := []string{"134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182", "183", "187", "188", "130", "131", "132", "155", "156", "186", "133", "153", "180", "189", "177"}
		c.Phone = fmt.Sprintf("%s%08d", prefixes[er.IntN(len(prefixes))], er.IntN(100000000))
	} else {
		first := []string{"2", "3", "6", "7", "8"}
		c.Phone = fmt.Sprintf("0759-%s%06d", first[er.IntN(len(first))], er.IntN(1000000))
	}
	switch n := er.IntN(100); {
	case individual && n < 70, !individual && n < 30:
	case n < 80:
		c.Email = fmt.Sprintf("%d@qq.com", 100000000+er.IntN(2900000000))
	default:
		c.Email = fmt.Sprintf("zj%d@163.com", 1000+er.IntN(900000))
	}
	if rep.Year >= 2020 && er.IntN(100) < 25 && c.Email == "" && !individual {
		c.Email = fmt.Sprintf("%d@qq.com", 100000000+er.IntN(2900000000)) // got one later
	}
	switch {
	case !exit.IsZero() && exit.Before(rep.FiledOn.AddDays(300)) && e.Status == registry.StatusDeregistered && yr.IntN(2) == 0:
		c.OperatingStatus = "liquidating"
	case yr.IntN(100) < 2:
		c.OperatingStatus = "suspended"
	}
	capital := capitalWan(e.RegisteredCapital)
	if e.Type == registry.TypeCompany {
		other := d.surnames.pick(er) + d.givenNames[er.IntN(len(d.givenNames))]
		share := 100
		if er.IntN(100) < 40 {
			share = 51 + er.IntN(40)
		}
		paid := er.IntN(100) < 45 || e.EstablishedOn.Year < 2014
		line := func(name string, pct int) string {
			sub := capital * int64(pct) / 100 // hundredths of 万元
			p := int64(0)
			if paid {
				p = sub
			}
			return fmt.Sprintf("%s：认缴出资%s万元，实缴出资%s万元，出资方式：货币，认缴出资日期：%s", name, wan(sub), wan(p), e.EstablishedOn)
		}
		c.Shareholders = line(e.LegalRepresentative, share)
		if share < 100 {
			c.Shareholders += "\n" + line(other, 100-share)
			if yr.IntN(100) < 3 {
				c.EquityTransfers = fmt.Sprintf("%s将其持有的%d%%股权转让给%s，变更日期：%s", other, 100-share, e.LegalRepresentative,
					qcity.NewDate(rep.Year, time.Month(1+yr.IntN(12)), 1+yr.IntN(28)))
			}
		}
	}
	if strings.HasPrefix(e.Industry, "62") && er.IntN(100) < 20 {
		c.Websites = "美团外卖店铺：" + e.Name
	} else if strings.HasPrefix(e.Industry, "52") && er.IntN(100) < 10 {
		c.Websites = "淘宝店铺：" + e.Name
	}
	// Item-7 figures, in 万元 (hundredths kept as integers) and persons.
	size := int64(60 + er.IntN(190))  // percent of the type's typical size
	growth := int64(90 + yr.IntN(30)) // this year against the typical
	opt := map[string]string{}
	switch e.Type {
	case registry.TypeIndividualBusiness:
		revenue := (300 + er.Int64N(3000)) * size / 100 * growth / 100 // about 2–80 万元
		opt["headcount"] = strconv.Itoa(1 + er.IntN(4) + yr.IntN(2))
		opt["revenue"] = wan(revenue)
		opt["tax_paid"] = wan(revenue * int64(yr.IntN(3)) / 100)
	default:
		base := max(capital, 50*100) // hundredths of 万元: at least 50 万元
		if e.Type == registry.TypeFarmerCooperative {
			base = max(capital*60/100, 30*100)
		}
		assets := base * size / 100 * growth / 100
		liab := assets * int64(15+yr.IntN(55)) / 100
		revenue := assets * int64(30+yr.IntN(200)) / 100
		profit := revenue * int64(yr.IntN(20)-6) / 100
		net := profit
		if profit > 0 {
			net = profit * 3 / 4
		}
		head := 2 + int(assets/100/40) + er.IntN(8)
		if e.Type == registry.TypeFarmerCooperative {
			head = 5 + er.IntN(40)
		}
		opt["headcount"] = strconv.Itoa(min(head, 3000))
		opt["total_assets"] = wan(assets)
		opt["total_liabilities"] = wan(liab)
		opt["owners_equity"] = wan(assets - liab)
		opt["revenue"] = wan(revenue)
		opt["main_revenue"] = wan(revenue * int64(85+yr.IntN(16)) / 100)
		opt["total_profit"] = wan(profit)
		opt["net_profit"] = wan(net)
		opt["tax_paid"] = wan(revenue * int64(1+yr.IntN(5)) / 100)
		opt["guarantees"] = "0"
	}
	pub := []string{}
	switch n := er.IntN(100); {
	case individual && n < 80, !individual && n < 55:
	case individual || n < 85:
		pub = []string{"headcount"}
	default:
		for _, k := range credit.OptionalFields {
			if _, ok := opt[k]; ok {
				pub = append(pub, k)
			}
		}
	}
	slices.SortFunc(pub, func(a, b string) int {
		return slices.Index(credit.OptionalFields, a) - slices.Index(credit.OptionalFields, b)
	})
	return c, opt, pub
}

// capitalWan parses registered capital in 万元 into hundredths of 万元 (0 if none).
func capitalWan(s string) int64 {
	whole, frac, _ := strings.Cut(s, ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0
	}
	frac = (frac + "00")[:2]
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f
}

// wan formats hundredths of 万元 as a decimal with two places.
func wan(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}
