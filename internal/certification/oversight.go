package certification

import (
	"context"
	"math"
	"sort"

	"qcity"
	"qcity/internal/registry"
)

// The oversight figures (认证监管看板) of certification bodies and labs, computed from the
// records on request: for each body, the sampling results of the products its
// certificates covered on the sampling day (the failure rate of certified products),
// its flags and how fast it answered them; for each lab, the certified products it
// tested, its failure rate and how long its reports took; and the anomalies worth an
// official's look. Rates are kept as counts; the web layer divides for display.

// BodyStats are one certification body's figures.
type BodyStats struct {
	ID           int64              `json:"id"`
	Name         string             `json:"name"`
	Approval     string             `json:"approval_no"`
	Status       registry.OrgStatus `json:"status"`
	Certificates int                `json:"certificates"`
	ByStatus     map[Status]int     `json:"by_status"`
	Sampled      int                `json:"sampled"` // judged samples of products its certificates covered
	Failed       int                `json:"failed"`
	Flags        int                `json:"flags"`
	Open         int                `json:"open"`
	Overdue      int                `json:"overdue"`
	Responded    int                `json:"responded"`
	Late         int                `json:"late"`          // answered after the deadline
	ResponseDays int                `json:"response_days"` // working days to answer, summed over Responded
	Suspended    int                `json:"suspended_after_flag"`
	Revoked      int                `json:"revoked_after_flag"`
	OutOfScope   int                `json:"out_of_scope"`
}

// LabStats are one lab's figures on certified products.
type LabStats struct {
	ID            int64              `json:"id"`
	Name          string             `json:"name"`
	Status        registry.OrgStatus `json:"status"`
	Tested        int                `json:"tested"`
	Failed        int                `json:"failed"`
	Disagreements int                `json:"disagreements"` // reports whose verdicts differed from qcity's judgement
	ReportDays    int                `json:"report_days"`   // working days from sampling to report, summed over Tested
	LateReports   int                `json:"late_reports"`  // over 20 working days (Order 15 Art. 27)
	AfterLapse    int                `json:"after_lapse"`   // samples reported after its approval lapsed (all products)
}

// Anomaly is something in the figures an official should look at. Key is a locale
// key cert.anomaly.*.
type Anomaly struct {
	Kind   string         `json:"kind"`
	OrgID  int64          `json:"org_id,omitempty"`
	Org    string         `json:"org"`
	Number string         `json:"number,omitempty"`
	Key    string         `json:"key"`
	Args   map[string]any `json:"args,omitempty"`
	Text   string         `json:"text"`
	TextEN string         `json:"text_en"`
}

// Oversight is the dashboard's data.
type Oversight struct {
	AsOf         qcity.Date     `json:"as_of"`
	Certificates int            `json:"certificates"`
	ByStatus     map[Status]int `json:"by_status"`
	Sampled      int            `json:"sampled"`
	Failed       int            `json:"failed"`
	Flags        int            `json:"flags"`
	OpenFlags    int            `json:"open_flags"`
	Overdue      int            `json:"overdue_flags"`
	OpenLeads    int            `json:"open_leads"`
	OpenCases    int            `json:"open_cases"`
	Bodies       []BodyStats    `json:"bodies"`
	Labs         []LabStats     `json:"labs"`
	Anomalies    []Anomaly      `json:"anomalies"`
}

// StatusCount is the number of certificates in a public status (for templates, which
// cannot convert a string to a Status).
func (o Oversight) StatusCount(st string) int { return o.ByStatus[Status(st)] }

// Thresholds of the anomaly tests.
const (
	minSampledForRate = 20 // a failure rate is compared only over this many samples
	rateSigmas        = 3  // more than three standard deviations from the city's rate
	labReportDays     = 20 // Order 15 Art. 27: report within 20 working days
)

// rateOutlier tells whether failed of n is more than rateSigmas standard deviations
// above (+1) or below (-1) the rate p, under the binomial model; 0 otherwise.
func rateOutlier(failed, n int, p float64) int {
	if n < minSampledForRate || p <= 0 || p >= 1 {
		return 0
	}
	exp := float64(n) * p
	sd := math.Sqrt(float64(n) * p * (1 - p))
	switch {
	case float64(failed) > exp+rateSigmas*sd:
		return 1
	case float64(failed) < exp-rateSigmas*sd:
		return -1
	}
	return 0
}

// Oversight computes the dashboard (officials only).
func (s *Service) Oversight(ctx context.Context) (Oversight, error) {
	a := qcity.ActorFrom(ctx)
	if !isOfficial(a) {
		return Oversight{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	today := s.today()
	o := Oversight{AsOf: today, ByStatus: map[Status]int{}, Bodies: []BodyStats{}, Labs: []LabStats{}, Anomalies: []Anomaly{}}
	orgs, _, err := s.Registry.FindOrganisations(ctx, registry.OrganisationFilter{Kind: string(registry.OrgCertificationBody), Limit: registry.MaxPageSize})
	if err != nil {
		return o, err
	}
	labOrgs, _, err := s.Registry.FindOrganisations(ctx, registry.OrganisationFilter{Kind: string(registry.OrgLab), Limit: registry.MaxPageSize})
	if err != nil {
		return o, err
	}
	bodies := map[int64]*BodyStats{}
	orgByID := map[int64]registry.Organisation{}
	for _, b := range orgs {
		orgByID[b.ID] = b
		bodies[b.ID] = &BodyStats{ID: b.ID, Name: b.Name, Approval: b.AccreditationNo, Status: b.Status, ByStatus: map[Status]int{}}
	}
	labs := map[int64]*LabStats{}
	for _, l := range labOrgs {
		orgByID[l.ID] = l
		labs[l.ID] = &LabStats{ID: l.ID, Name: l.Name, Status: l.Status}
	}
	addAnomaly := func(kind string, org int64, number string, args ...any) {
		an := Anomaly{Kind: kind, OrgID: org, Org: orgByID[org].Name, Number: number, Key: "cert.anomaly." + kind, Args: map[string]any{}}
		for i := 0; i+1 < len(args); i += 2 {
			an.Args[args[i].(string)] = args[i+1]
		}
		an.Args["org"] = an.Org
		an.Args["number"] = number
		o.Anomalies = append(o.Anomalies, an)
	}

	// Certificates: counts by public status, scope, issued while the body could not.
	lapses, err := s.bodyLapses(ctx)
	if err != nil {
		return o, err
	}
	entries := s.index.all()
	byHolder := map[int64][]*entry{}
	type issues struct {
		n       int
		example string
	}
	invalidIssues := map[int64]issues{}
	for _, e := range entries {
		b := s.index.body(e.BodyID)
		p := PublicStatus(e.Status, e.StatusReason, e.StatusOn, e.ExpiresOn, b.Status, b.StatusOn, today)
		o.Certificates++
		o.ByStatus[p.Status]++
		if bs := bodies[e.BodyID]; bs != nil {
			bs.Certificates++
			bs.ByStatus[p.Status]++
			if !BodyCovers(b.Scope, e.Scheme) {
				bs.OutOfScope++
			}
		}
		for _, l := range lapses[e.BodyID] {
			if !e.IssuedOn.Before(l.from) && (l.to.IsZero() || e.IssuedOn.Before(l.to)) {
				w := invalidIssues[e.BodyID]
				if w.n == 0 || e.Number < w.example {
					w.example = e.Number
				}
				w.n++
				invalidIssues[e.BodyID] = w
				break
			}
		}
		if e.HolderID != 0 {
			byHolder[e.HolderID] = append(byHolder[e.HolderID], e)
		}
	}
	for id, w := range invalidIssues {
		addAnomaly("issued_while_invalid", id, w.example, "n", w.n)
	}
	for _, bs := range bodies {
		if bs.OutOfScope > 0 {
			addAnomaly("out_of_scope", bs.ID, "", "n", bs.OutOfScope)
		}
	}

	// Samples of certified producers.
	cats := s.categoryPaths()
	rows, err := s.DB.Query(ctx, `SELECT s.kind, s.category_code, s.product_name, s.producer_id, COALESCE(s.lab_org_id, 0), s.verdict,
		s.sampled_on, s.reported_on, s.disagreements FROM samples s
		WHERE s.verdict IN ('pass', 'fail') AND s.state NOT IN ('sampled', 'review')
		AND s.producer_id IN (SELECT holder_id FROM certificates WHERE holder_id IS NOT NULL)`)
	if err != nil {
		return o, qcity.Internal(err)
	}
	for rows.Next() {
		var kind, code, product, verdict string
		var producer, lab int64
		var sampled, reported qcity.Date
		var dis int
		if err := rows.Scan(&kind, &code, &product, &producer, &lab, &verdict, &sampled, &reported, &dis); err != nil {
			rows.Close()
			return o, qcity.Internal(err)
		}
		sf := SampleFacts{Category: cats[kind+"/"+code], ProductName: product}
		seen := map[int64]bool{}
		for _, e := range byHolder[producer] {
			if e.FirstIssued.After(sampled) || sampled.After(e.ExpiresOn) {
				continue
			}
			if (e.Status == StatusRevoked || e.Status == StatusCancelled) && !e.StatusOn.After(sampled) {
				continue
			}
			if !Covers(CoverFacts{Scheme: e.Scheme, Category: e.Category, Product: e.Product, Scope: e.Scope}, sf) {
				continue
			}
			seen[e.BodyID] = true
		}
		if len(seen) == 0 {
			continue
		}
		failed := verdict == "fail"
		o.Sampled++
		if failed {
			o.Failed++
		}
		for id := range seen {
			if bs := bodies[id]; bs != nil {
				bs.Sampled++
				if failed {
					bs.Failed++
				}
			}
		}
		if ls := labs[lab]; ls != nil {
			ls.Tested++
			if failed {
				ls.Failed++
			}
			if dis > 0 {
				ls.Disagreements++
			}
			if !reported.IsZero() {
				d := s.Cal.WorkingDaysBetween(sampled, reported)
				ls.ReportDays += d
				if d > labReportDays {
					ls.LateReports++
				}
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return o, qcity.Internal(err)
	}

	// Samples any lab reported after its approval lapsed.
	rows, err = s.DB.Query(ctx, `SELECT s.lab_org_id, COUNT(*) FROM samples s JOIN organisations l ON l.id = s.lab_org_id
		WHERE l.valid_until IS NOT NULL AND s.reported_on > l.valid_until GROUP BY s.lab_org_id`)
	if err != nil {
		return o, qcity.Internal(err)
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return o, qcity.Internal(err)
		}
		if ls := labs[id]; ls != nil {
			ls.AfterLapse = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return o, qcity.Internal(err)
	}

	// Flags and answers.
	rows, err = s.DB.Query(ctx, `SELECT f.body_id, f.certificate_id, c.number, f.state, f.response, f.flagged_on, f.due_on, f.responded_on
		FROM cert_flags f JOIN certificates c ON c.id = f.certificate_id`)
	if err != nil {
		return o, qcity.Internal(err)
	}
	maintained := map[int64]int{}
	numberOf := map[int64]string{}
	bodyOf := map[int64]int64{}
	for rows.Next() {
		var body, cert int64
		var number, state, resp string
		var flagged, due, responded qcity.Date
		if err := rows.Scan(&body, &cert, &number, &state, &resp, &flagged, &due, &responded); err != nil {
			rows.Close()
			return o, qcity.Internal(err)
		}
		bs := bodies[body]
		if bs == nil || state == FlagWithdrawn {
			continue
		}
		o.Flags++
		bs.Flags++
		switch state {
		case FlagOpen:
			bs.Open++
			o.OpenFlags++
			if today.After(due) {
				bs.Overdue++
				o.Overdue++
			}
		case FlagResponded:
			bs.Responded++
			bs.ResponseDays += s.Cal.WorkingDaysBetween(flagged, responded)
			if responded.After(due) {
				bs.Late++
			}
			switch resp {
			case ResponseMaintain:
				maintained[cert]++
				numberOf[cert], bodyOf[cert] = number, body
			case ResponseSuspend:
				bs.Suspended++
			case ResponseRevoke:
				bs.Revoked++
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return o, qcity.Internal(err)
	}
	for cert, n := range maintained {
		if n >= 2 {
			addAnomaly("repeated_maintain", bodyOf[cert], numberOf[cert], "n", n)
		}
	}
	if err := s.DB.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM cert_leads WHERE state = 'open'),
		(SELECT COUNT(*) FROM cert_cases WHERE state = 'open')`).Scan(&o.OpenLeads, &o.OpenCases); err != nil {
		return o, qcity.Internal(err)
	}

	// Rates far from the city's.
	p := 0.0
	if o.Sampled > 0 {
		p = float64(o.Failed) / float64(o.Sampled)
	}
	for _, bs := range bodies {
		if bs.Overdue > 0 {
			addAnomaly("flags_overdue", bs.ID, "", "n", bs.Overdue)
		}
		if bs.Late > 0 {
			addAnomaly("flags_late", bs.ID, "", "n", bs.Late)
		}
		if rateOutlier(bs.Failed, bs.Sampled, p) > 0 {
			addAnomaly("body_failure_rate", bs.ID, "", "failed", bs.Failed, "sampled", bs.Sampled)
		}
		o.Bodies = append(o.Bodies, *bs)
	}
	for _, ls := range labs {
		switch rateOutlier(ls.Failed, ls.Tested, p) {
		case 1:
			addAnomaly("lab_failure_rate_high", ls.ID, "", "failed", ls.Failed, "tested", ls.Tested)
		case -1:
			addAnomaly("lab_failure_rate_low", ls.ID, "", "failed", ls.Failed, "tested", ls.Tested)
		}
		if ls.Disagreements > 0 {
			addAnomaly("lab_disagreements", ls.ID, "", "n", ls.Disagreements)
		}
		if ls.AfterLapse > 0 {
			addAnomaly("lab_after_lapse", ls.ID, "", "n", ls.AfterLapse)
		}
		if ls.Tested > 0 || ls.AfterLapse > 0 {
			o.Labs = append(o.Labs, *ls)
		}
	}
	sort.Slice(o.Bodies, func(i, j int) bool {
		if o.Bodies[i].Certificates != o.Bodies[j].Certificates {
			return o.Bodies[i].Certificates > o.Bodies[j].Certificates
		}
		return o.Bodies[i].ID < o.Bodies[j].ID
	})
	sort.Slice(o.Labs, func(i, j int) bool {
		if o.Labs[i].Tested != o.Labs[j].Tested {
			return o.Labs[i].Tested > o.Labs[j].Tested
		}
		return o.Labs[i].ID < o.Labs[j].ID
	})
	rank := map[string]int{"issued_while_invalid": 0, "flags_overdue": 1, "body_failure_rate": 2, "lab_failure_rate_low": 3,
		"lab_after_lapse": 4, "repeated_maintain": 5, "out_of_scope": 6, "lab_failure_rate_high": 7, "flags_late": 8, "lab_disagreements": 9}
	sort.SliceStable(o.Anomalies, func(i, j int) bool {
		if rank[o.Anomalies[i].Kind] != rank[o.Anomalies[j].Kind] {
			return rank[o.Anomalies[i].Kind] < rank[o.Anomalies[j].Kind]
		}
		if o.Anomalies[i].Org != o.Anomalies[j].Org {
			return o.Anomalies[i].Org < o.Anomalies[j].Org
		}
		return o.Anomalies[i].Number < o.Anomalies[j].Number
	})
	return o, nil
}

// lapse is a period a body's approval was not valid: from its change away from valid
// to its restoration (zero: still).
type lapse struct {
	from, to qcity.Date
	status   registry.OrgStatus
}

// bodyLapses reads the periods bodies could not certify, from their recorded
// approval changes and, for a lapsed approval without a record, from its end date.
func (s *Service) bodyLapses(ctx context.Context) (map[int64][]lapse, error) {
	out := map[int64][]lapse{}
	rows, err := s.DB.Query(ctx, `SELECT a.org_id, a.to_status, a.on_date FROM accreditation_events a
		JOIN organisations o ON o.id = a.org_id WHERE o.kind = 'certification_body' ORDER BY a.org_id, a.id`)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	open := map[int64]int{} // index of the open lapse per body, +1
	for rows.Next() {
		var id int64
		var to string
		var on qcity.Date
		if err := rows.Scan(&id, &to, &on); err != nil {
			rows.Close()
			return nil, qcity.Internal(err)
		}
		st := registry.OrgStatus(to)
		if i := open[id]; i > 0 {
			if st == registry.OrgValid {
				out[id][i-1].to = on
				open[id] = 0
			}
			continue
		}
		if st != registry.OrgValid {
			out[id] = append(out[id], lapse{from: on, status: st})
			open[id] = len(out[id])
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, qcity.Internal(err)
	}
	rows, err = s.DB.Query(ctx, `SELECT id, valid_until FROM organisations WHERE kind = 'certification_body' AND status = 'expired'
		AND valid_until IS NOT NULL`)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var until qcity.Date
		if err := rows.Scan(&id, &until); err != nil {
			return nil, qcity.Internal(err)
		}
		if len(out[id]) == 0 {
			out[id] = append(out[id], lapse{from: until.AddDays(1), status: registry.OrgExpired})
		}
	}
	return out, qcity.Internal(rows.Err())
}
