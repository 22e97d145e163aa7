package sampling

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/registry"
)

// canRecord reports whether the actor may record samples: officials (in their region)
// and labs (as themselves).
func canRecord(a qcity.Actor) error {
	if a.IsOfficial() || a.Role == qcity.RoleLab {
		return nil
	}
	return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
}

// finish fills the workflow fields of a freshly recorded sample from its items: with
// results it is reported (passed, failed, or under review when qcity and the lab
// disagree); without, it waits for them.
func (s *Service) finish(c *checked, today qcity.Date) {
	c.Verdict, c.Disagreements, c.MicroFailure = verdictOf(c.items)
	c.FirstVerdict = c.Verdict
	snap := Snapshot{Kind: c.Kind, State: StateSampled, SampledOn: c.SampledOn, Dates: map[Step]qcity.Date{}}
	c.State = StateSampled
	if len(c.items) > 0 {
		c.ReportedOn = today
		c.State = verdictState(Outcome(c.Verdict))
		if c.Disagreements > 0 {
			c.State = StateReview
		}
		snap.Dates[StepReport] = today
	}
	snap.State = c.State
	c.NextStep, c.DueOn = "", qcity.Date{}
	if p := s.Workflow.Pending(snap); len(p) > 0 {
		c.NextStep, c.DueOn = p[0].Step, p[0].On
	}
}

// CreateSample records a sample, with its results when items are given: each item is
// judged against its limit (or the catalogued one) and disagreements with the lab's
// verdict send the sample to review. Unknown producers and sellers are registered,
// flagged for checking. Returns EINVALID with field errors, ECONFLICT for a sample
// number in use, EFORBIDDEN.
func (s *Service) CreateSample(ctx context.Context, in SampleInput) (Sample, error) {
	a := qcity.ActorFrom(ctx)
	if err := canRecord(a); err != nil {
		return Sample{}, err
	}
	today := s.today()
	c, errs, err := s.check(ctx, in, &labs{s: s}, today)
	if err != nil {
		return Sample{}, err
	}
	if len(errs) > 0 {
		return Sample{}, qcity.Invalid(errs...)
	}
	s.finish(&c, today)
	now := s.Clock.Now().UTC()
	c.CreatedAt, c.UpdatedAt, c.RecordedBy, c.RecordedRole = now, now, a.Name, string(a.Role)
	var indexNew func()
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		ids, idx, err := s.Registry.EnsureEntities(ctx, tx, parties(&c), c.Region)
		if err != nil {
			return partyErr(err)
		}
		indexNew = idx
		c.ProducerID, c.SellerID = ids[c.producer.USCC], ids[c.seller.USCC]
		if err := insertSample(ctx, tx, &c.Sample); err != nil {
			return err
		}
		if err := insertItems(ctx, tx, c.ID, c.items); err != nil {
			return err
		}
		if err := s.notifyFailed(ctx, tx, c.Sample, today); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "sample", ObjectID: c.SampleNo,
			Region: c.Region, Summary: c.ProductName, After: c.Sample})
	})
	if err != nil {
		return Sample{}, err
	}
	indexNew()
	s.Stats.Add(keyOf(&c.Sample), c.Verdict, c.items)
	c.Items = c.items
	return c.Sample, nil
}

func parties(c *checked) []registry.Party {
	var ps []registry.Party
	if c.producer.USCC != "" {
		ps = append(ps, c.producer)
	}
	if c.seller.USCC != "" {
		ps = append(ps, c.seller)
	}
	return ps
}

// partyErr names the sample field of an unknown-party error.
func partyErr(err error) error {
	qe := qcity.AsError(err)
	if qe.Code != qcity.EINVALID {
		return err
	}
	for i := range qe.Fields {
		qe.Fields[i].Field = map[string]string{"uscc": "producer_uscc", "name": "producer_name"}[qe.Fields[i].Field]
		qe.Fields[i].Row = 0
	}
	return qe
}

// Detail is a sample with its items, events and announcements.
type Detail struct {
	Sample
	Events        []Event        `json:"events"`
	Announcements []Announcement `json:"announcements"`
}

// visible reports whether the actor may see a sample's non-public details: officials
// of its region, its lab and re-test lab, and the sampled enterprises.
func visible(a qcity.Actor, s *Sample) bool {
	switch {
	case a.IsOfficial():
		return a.CoversRegion(s.Region)
	case a.Role == qcity.RoleLab:
		return a.OrgID != 0 && (a.OrgID == s.LabID || a.OrgID == s.RetestLabID)
	case a.Role == qcity.RoleEnterprise:
		return a.USCC != "" && (a.USCC == s.ProducerUSCC || a.USCC == s.SellerUSCC)
	}
	return false
}

// FindSample returns a sample with its items, events and announcements. Returns
// ENOTFOUND (also for samples the actor may not see).
func (s *Service) FindSample(ctx context.Context, no string) (Detail, error) {
	smp, err := findSample(ctx, s.DB, strings.TrimSpace(no))
	if err != nil {
		return Detail{}, err
	}
	if !visible(qcity.ActorFrom(ctx), &smp) {
		return Detail{}, qcity.Errorf(qcity.ENOTFOUND, "sampling.sample_not_found", "sample_no", no)
	}
	d := Detail{Sample: smp}
	if d.Items, err = findItems(ctx, s.DB, smp.ID); err != nil {
		return Detail{}, err
	}
	if c, ok := s.cats.get(smp.Kind, smp.CategoryCode); ok {
		d.CategoryName = c.Path
	}
	if d.Events, err = history(ctx, s.DB, &smp); err != nil {
		return Detail{}, err
	}
	if d.Announcements, err = findAnnouncementsOf(ctx, s.DB, smp.ID); err != nil {
		return Detail{}, err
	}
	return d, nil
}

// SampleFilter selects samples.
type SampleFilter struct {
	Kind      string
	Year      int
	Level     string
	Region    string
	Category1 string
	State     string
	Verdict   string
	Q         string // sample number, product, producer or seller name
	Overdue   bool   // only samples whose next step is past due
	DueWithin int    // only samples due within this many days (worklists); 0 = no limit
	Limit     int
	Offset    int
}

// FindSamples lists samples the actor may see, newest first, with the total.
func (s *Service) FindSamples(ctx context.Context, f SampleFilter) ([]Sample, int, error) {
	a := qcity.ActorFrom(ctx)
	var where []string
	var args []any
	cond := func(c string, v ...any) { where, args = append(where, c), append(args, v...) }
	switch {
	case a.IsOfficial():
		if a.Region != "" {
			cond("s.region_code LIKE ?", a.Region+"%")
		}
	case a.Role == qcity.RoleLab && a.OrgID != 0:
		cond("(s.lab_org_id = ? OR s.retest_lab_org_id = ?)", a.OrgID, a.OrgID)
	case a.Role == qcity.RoleEnterprise && a.USCC != "":
		cond("(p.uscc = ? OR e.uscc = ?)", a.USCC, a.USCC)
	default:
		return nil, 0, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	if f.Kind != "" {
		cond("s.kind = ?", f.Kind)
	}
	if f.Year != 0 {
		cond("s.year = ?", f.Year)
	}
	if f.Level != "" {
		cond("s.level = ?", f.Level)
	}
	if f.Region != "" {
		cond("s.region_code LIKE ?", f.Region+"%")
	}
	if f.Category1 != "" {
		cond("s.category1 = ?", f.Category1)
	}
	if f.State != "" {
		cond("s.state = ?", f.State)
	}
	if f.Verdict != "" {
		cond("s.verdict = ?", f.Verdict)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
		cond(`(s.sample_no = ? OR s.product_name LIKE ? ESCAPE '\' OR s.producer_name LIKE ? ESCAPE '\' OR s.seller_name LIKE ? ESCAPE '\')`, q, like, like, like)
	}
	today := s.today()
	if f.Overdue {
		cond("s.due_on < ?", today)
	}
	if f.DueWithin > 0 {
		cond("s.due_on <= ?", today.AddDays(f.DueWithin))
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*)`+sampleFrom+w, args...).Scan(&total); err != nil {
		return nil, 0, qcity.Internal(err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 20
	}
	order := " ORDER BY s.sampled_on DESC, s.id DESC"
	if f.Overdue || f.DueWithin > 0 {
		order = " ORDER BY s.due_on, s.id"
	}
	rows, err := s.DB.Query(ctx, `SELECT `+sampleColumns+sampleFrom+w+order+` LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Sample{}
	for rows.Next() {
		smp, err := scanSample(rows)
		if err != nil {
			return nil, 0, qcity.Internal(err)
		}
		if c, ok := s.cats.get(smp.Kind, smp.CategoryCode); ok {
			smp.CategoryName = c.Path
		}
		out = append(out, smp)
	}
	return out, total, qcity.Internal(rows.Err())
}

// StepInput is a workflow step as an official, a lab or an enterprise submits it.
type StepInput struct {
	Step      string      `json:"step"`
	Outcome   string      `json:"outcome"`   // pass|fail where the step has one
	Note      string      `json:"note"`      // reason, decision text
	Documents []string    `json:"documents"` // document references (file names, numbers)
	Lab       string      `json:"lab"`       // assign_retest_lab: a chosen lab (else drawn at random)
	Items     []ItemInput `json:"items"`     // report / record_retest: the results
	DueOn     string      `json:"due_on"`    // extend_disposal: the approved new deadline
	Version   int         `json:"version"`   // the version the user saw (0: don't check)
}

// snapshotOf builds the workflow view of a sample from its row and events.
func snapshotOf(smp *Sample, events []Event) Snapshot {
	snap := Snapshot{Kind: smp.Kind, State: smp.State, ObjectionState: smp.ObjectionState, DisposalState: smp.DisposalState,
		Announced: smp.Announced, MicroFailure: smp.MicroFailure, SampledOn: smp.SampledOn, Dates: map[Step]qcity.Date{}}
	for _, e := range events {
		snap.Dates[e.Step] = e.On
		if e.Step == StepExtendDisposal {
			if v, ok := e.Data["due_on"].(string); ok {
				if d, err := qcity.ParseDate(v); err == nil {
					snap.DisposalDue = d
				}
			}
		}
	}
	return snap
}

// ApplyStep takes a workflow step on a sample. The step must be allowed in the
// sample's state and its deadline rules; the actor must have the step's role and be
// the sample's lab (report), re-test lab (record_retest), sampled enterprise
// (request_retest, file_objection) or an official of its region. Returns the updated
// sample, or EINVALID with the reason the step is refused, EFORBIDDEN, ENOTFOUND,
// ECONFLICT (changed meanwhile).
func (s *Service) ApplyStep(ctx context.Context, no string, in StepInput) (Detail, error) {
	a := qcity.ActorFrom(ctx)
	step := Step(strings.TrimSpace(in.Step))
	today := s.today()
	now := s.Clock.Now().UTC()
	var annNew *Announcement
	var statsBefore, statsAfter string
	var statsKey cubeKey
	var newItems []Item
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		smp, err := findSample(ctx, tx, strings.TrimSpace(no))
		if err != nil {
			return err
		}
		if !visible(a, &smp) {
			return qcity.Errorf(qcity.ENOTFOUND, "sampling.sample_not_found", "sample_no", no)
		}
		switch {
		case a.Role == qcity.RoleLab && step == StepReport && a.OrgID != smp.LabID,
			a.Role == qcity.RoleLab && step == StepRecordRetest && a.OrgID != smp.RetestLabID,
			a.Role == qcity.RoleEnterprise && (step != StepRequestRetest && step != StepFileObjection):
			return qcity.Errorf(qcity.EFORBIDDEN, "sampling.step_role", "step", qcity.MsgKey("sampling.step."+string(step)))
		}
		if in.Version != 0 && in.Version != smp.Version {
			return qcity.Errorf(qcity.ECONFLICT, "registry.edit_conflict")
		}
		events, err := history(ctx, tx, &smp)
		if err != nil {
			return err
		}
		snap := snapshotOf(&smp, events)
		outcome := Outcome(strings.TrimSpace(in.Outcome))
		data := map[string]any{}
		// Steps that carry results judge them; their outcome comes from the judge.
		if step == StepReport || step == StepRecordRetest {
			round := 1
			if step == StepRecordRetest {
				round = 2
			}
			var errs []qcity.FieldError
			cat := ""
			if c, ok := s.cats.get(smp.Kind, smp.CategoryCode); ok {
				cat = c.Path
			}
			if len(in.Items) == 0 {
				errs = append(errs, qcity.Field("items", "sampling.items_required"))
			}
			newItems, errs = s.judgeItems(ctx, in.Items, cat, smp.SampledOn, round, errs)
			if len(errs) > 0 {
				return qcity.Invalid(errs...)
			}
			v, dis, micro := verdictOf(newItems)
			outcome = Outcome(v)
			data["verdict"], data["disagreements"] = v, dis
			if step == StepReport {
				smp.Disagreements, smp.MicroFailure = dis, micro
			}
		}
		tr, err := s.Workflow.Check(snap, step, today, a.Role, outcome)
		if err != nil {
			return err
		}
		before := smp
		statsKey, statsBefore = keyOf(&smp), smp.Verdict
		switch step {
		case StepReport:
			smp.Verdict, smp.FirstVerdict, smp.ReportedOn = string(outcome), string(outcome), today
			if smp.Disagreements > 0 {
				tr.To = StateReview // qcity and the lab disagree: an official decides
			}
		case StepConfirmVerdict:
			smp.Verdict, smp.FirstVerdict = string(outcome), string(outcome)
			data["verdict"] = string(outcome)
		case StepServeNotice:
			smp.ServedOn = today
		case StepAssignRetestLab:
			lab, err := s.drawRetestLab(ctx, tx, &smp, in.Lab)
			if err != nil {
				return err
			}
			smp.RetestLabID, smp.RetestLabName = lab.ID, lab.Name
			data["lab"], data["lab_id"] = lab.Name, lab.ID
		case StepRecordRetest:
			data["final"] = true
		case StepDecideObjection:
			data["outcome"] = string(outcome)
		case StepExtendDisposal:
			due, err := qcity.ParseDate(strings.TrimSpace(in.DueOn))
			if err != nil || !due.After(tr.DueOn) {
				return qcity.Invalid(qcity.Field("due_on", "sampling.extension_date", "after", tr.DueOn.String()))
			}
			if strings.TrimSpace(in.Note) == "" {
				return qcity.Invalid(qcity.Field("note", "sampling.extension_reason"))
			}
			data["due_on"] = due.String()
		case StepRecheck, StepRecheck2, StepRecheck3:
			data["outcome"] = string(outcome)
		}
		if tr.To == StateOverturned {
			smp.Verdict = VerdictPass // the re-test or objection is final
			if err := s.supersedeAnnouncements(ctx, tx, smp.ID, today, in.Note); err != nil {
				return err
			}
		}
		smp.State, smp.ObjectionState, smp.DisposalState = tr.To, tr.ObjectionState, tr.DisposalState
		if tr.Announced && !smp.Announced && (step == StepAnnounce || step == StepProvAnnounce) {
			ann, err := s.publish(ctx, tx, &smp, today, now)
			if err != nil {
				return err
			}
			annNew = &ann
		}
		smp.Announced = tr.Announced
		snap2 := snap
		snap2.State, snap2.ObjectionState, snap2.DisposalState, snap2.Announced = smp.State, smp.ObjectionState, smp.DisposalState, smp.Announced
		snap2.MicroFailure = smp.MicroFailure
		snap2.Dates[step] = today
		if d, ok := data["due_on"].(string); ok {
			snap2.DisposalDue, _ = qcity.ParseDate(d)
		}
		smp.NextStep, smp.DueOn = "", qcity.Date{}
		if p := s.Workflow.Pending(snap2); len(p) > 0 {
			smp.NextStep, smp.DueOn = p[0].Step, p[0].On
		}
		smp.UpdatedAt = now
		if err := updateSampleState(ctx, tx, &smp); err != nil {
			return err
		}
		if len(newItems) > 0 {
			if step == StepReport {
				if _, err := tx.Exec(ctx, `DELETE FROM sample_items WHERE sample_id = ? AND round = 1`, smp.ID); err != nil {
					return qcity.Internal(err)
				}
			}
			if err := insertItems(ctx, tx, smp.ID, newItems); err != nil {
				return err
			}
		}
		if tr.To == StateFailed && before.State != StateFailed {
			if err := s.notifyFailed(ctx, tx, smp, today); err != nil {
				return err
			}
		}
		if tr.To == StateOverturned && before.State != StateOverturned && s.OnFailure != nil {
			if err := s.OnFailure.SampleOverturned(ctx, tx, smp, today); err != nil {
				return err
			}
		}
		docs := in.Documents
		for i := range docs {
			docs[i] = strings.TrimSpace(docs[i])
		}
		ev := Event{Step: step, On: today, At: now, ActorName: a.Name, ActorRole: string(a.Role),
			Note: strings.TrimSpace(in.Note), Documents: docs, Data: data, DueOn: tr.DueOn, Late: tr.Late}
		if err := insertEvent(ctx, tx, smp.ID, ev); err != nil {
			return err
		}
		statsAfter = smp.Verdict
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "sample", ObjectID: smp.SampleNo,
			Region: smp.Region, Summary: string(step), Before: before, After: smp})
	})
	if err != nil {
		return Detail{}, err
	}
	if statsBefore != statsAfter || len(newItems) > 0 {
		s.Stats.Replace(statsKey, statsBefore, statsAfter, newItems)
	}
	_ = annNew
	return s.FindSample(ctx, no)
}

// drawRetestLab picks the re-test lab: the one named, or one drawn at random from the
// valid labs, never the lab of the first test (Order 15 Art. 32; Order 18 Art. 39). The
// draw is seeded by the sample, so it can be reproduced.
func (s *Service) drawRetestLab(ctx context.Context, tx *db.Tx, smp *Sample, named string) (labRef, error) {
	if named = strings.TrimSpace(named); named != "" {
		r, ok, err := (&labs{s: s}).find(ctx, named)
		if err != nil {
			return labRef{}, err
		}
		if !ok {
			return labRef{}, qcity.Invalid(qcity.Field("lab", "sampling.lab_unknown", "lab", named))
		}
		if r.ID == smp.LabID {
			return labRef{}, qcity.Invalid(qcity.Field("lab", "sampling.retest_same_lab"))
		}
		return r, nil
	}
	rows, err := tx.Query(ctx, `SELECT id, name FROM organisations WHERE kind = 'lab' AND status = 'valid' AND id <> ? ORDER BY id`, smp.LabID)
	if err != nil {
		return labRef{}, qcity.Internal(err)
	}
	defer rows.Close()
	var roster []labRef
	for rows.Next() {
		var r labRef
		if err := rows.Scan(&r.ID, &r.Name); err != nil {
			return labRef{}, qcity.Internal(err)
		}
		roster = append(roster, r)
	}
	if len(roster) == 0 {
		return labRef{}, qcity.Errorf(qcity.EINVALID, "sampling.no_retest_lab")
	}
	rng := rand.New(rand.NewPCG(uint64(smp.ID), 0x5eed))
	return roster[rng.IntN(len(roster))], nil
}

// Worklist returns the actor's samples with a pending step due within days (overdue
// first), for the officials' worklist (待办).
func (s *Service) Worklist(ctx context.Context, days, limit int) ([]Sample, int, error) {
	return s.FindSamples(ctx, SampleFilter{DueWithin: days, Limit: limit})
}

var _ = strconv.Itoa
