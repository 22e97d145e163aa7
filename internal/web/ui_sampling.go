package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/sampling"
	"qcity/internal/sheet"
	"qcity/internal/workday"
)

type samplesData struct {
	Filter     sampling.SampleFilter
	Items      []sampling.Sample
	Total      int
	HasPrev    bool
	HasNext    bool
	PrevOffset int
	NextOffset int
	Kinds      []sampling.Kind
	States     []sampling.State
	Worklist   bool
	Today      qcity.Date
}

var listStates = []sampling.State{sampling.StateSampled, sampling.StateReview, sampling.StatePassed, sampling.StateFailed,
	sampling.StateServed, sampling.StateRetestRequested, sampling.StateRetestAccepted, sampling.StateRetestLabAssigned,
	sampling.StateRetestRefused, sampling.StateUpheld, sampling.StateOverturned, sampling.StateRectifying,
	sampling.StateRecheckFailed, sampling.StateProvAnnounced, sampling.StateSuspended, sampling.StateLicenceRevoked, sampling.StateClosed}

func (s *Server) handleSampleList(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.samples", nil), "samples")
	f, err := sampleFilterOf(r)
	d := &samplesData{Filter: f, Kinds: sampling.Kinds, States: listStates, Today: qcity.DateOf(s.Clock.Now())}
	if err == nil {
		d.Items, d.Total, err = s.Sampling.FindSamples(r.Context(), f)
	}
	status := http.StatusOK
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID {
			s.renderError(w, r, err)
			return
		}
		p.Error, p.Fields, status = qe, s.fieldMessages(rq.Lang, qe), statusOf(qe.Code)
	}
	limit := max(f.Limit, 1)
	d.HasPrev, d.PrevOffset = f.Offset > 0, max(0, f.Offset-limit)
	d.HasNext, d.NextOffset = f.Offset+limit < d.Total, f.Offset+limit
	p.Data = d
	s.render(w, r, status, "samples", p)
}

// workRow is a line of the worklist: the sample and how many working days are left.
type workRow struct {
	sampling.Sample
	DaysLeft int
	Urgency  string // overdue | soon | ok
}

// worklistDays is the worklist's horizon: steps due within so many days, or overdue.
const worklistDays = 15

// workRowOf is a sample's worklist line on the day today.
func workRowOf(it sampling.Sample, today qcity.Date) workRow {
	left := workday.Default().WorkingDaysBetween(today, it.DueOn)
	urg := "ok"
	switch {
	case it.DueOn.Before(today):
		urg = "overdue"
	case left <= 3:
		urg = "soon"
	}
	return workRow{Sample: it, DaysLeft: left, Urgency: urg}
}

func (s *Server) handleWorklist(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.worklist", nil), "worklist")
	items, total, err := s.Sampling.Worklist(r.Context(), worklistDays, 500)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	today := qcity.DateOf(s.Clock.Now())
	rows := make([]workRow, 0, len(items))
	for _, it := range items {
		rows = append(rows, workRowOf(it, today))
	}
	p.Data = map[string]any{"Rows": rows, "Total": total, "Today": today}
	s.render(w, r, http.StatusOK, "worklist", p)
}

// stepForm is an action the current user may take on a sample now.
type stepForm struct {
	Step        sampling.Step
	NeedOutcome bool
	NeedItems   bool
	NeedDue     bool
	NeedLab     bool
}

type sampleData struct {
	sampling.Detail
	Steps    []stepForm
	Reasons  map[int64]string
	Category string
	Input    sampling.StepInput
	ItemText string
}

// allowedSteps asks the workflow which steps the actor could take today, so the page
// shows only buttons that work.
func (s *Server) allowedSteps(ctx context.Context, d sampling.Detail) []stepForm {
	a := qcity.ActorFrom(ctx)
	snap := sampling.Snapshot{Kind: d.Kind, State: d.State, ObjectionState: d.ObjectionState, DisposalState: d.DisposalState,
		Announced: d.Announced, MicroFailure: d.MicroFailure, SampledOn: d.SampledOn, Dates: map[sampling.Step]qcity.Date{}}
	for _, e := range d.Events {
		snap.Dates[e.Step] = e.On
	}
	today := qcity.DateOf(s.Clock.Now())
	var out []stepForm
	for _, st := range sampling.Steps {
		switch {
		case a.Role == qcity.RoleLab && st == sampling.StepReport && a.OrgID != d.LabID,
			a.Role == qcity.RoleLab && st == sampling.StepRecordRetest && a.OrgID != d.RetestLabID:
			continue
		}
		need := st == sampling.StepReport || st == sampling.StepRecordRetest || st == sampling.StepConfirmVerdict ||
			st == sampling.StepDecideObjection || st == sampling.StepRecheck || st == sampling.StepRecheck2 || st == sampling.StepRecheck3
		outcome := sampling.OutcomeNone
		if need {
			outcome = sampling.OutcomeFail
		}
		if _, err := s.Sampling.Workflow.Check(snap, st, today, a.Role, outcome); err != nil {
			continue
		}
		f := stepForm{Step: st, NeedOutcome: need}
		if st == sampling.StepReport || st == sampling.StepRecordRetest {
			f.NeedOutcome, f.NeedItems = false, true
		}
		f.NeedDue = st == sampling.StepExtendDisposal
		f.NeedLab = st == sampling.StepAssignRetestLab
		out = append(out, f)
	}
	return out
}

func (s *Server) sampleDetail(w http.ResponseWriter, r *http.Request, status int, in *sampling.StepInput, itemText string, stepErr error) {
	rq := reqFrom(r.Context())
	d, err := s.Sampling.FindSample(r.Context(), r.PathValue("no"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, d.ProductName+" "+d.SampleNo, "samples")
	data := &sampleData{Detail: d, Steps: s.allowedSteps(r.Context(), d), Reasons: map[int64]string{}, ItemText: itemText}
	for _, it := range d.Items {
		data.Reasons[it.ID] = s.Locale.T(rq.Lang, it.ReasonKey, it.ReasonArgs)
	}
	if in != nil {
		data.Input = *in
	}
	if stepErr != nil {
		qe := qcity.AsError(stepErr)
		p.Error, p.Fields = qe, s.fieldMessages(rq.Lang, qe)
	}
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("ui.saved")
	}
	p.Data = data
	s.render(w, r, status, "sample", p)
}

func (s *Server) handleSampleDetail(w http.ResponseWriter, r *http.Request) {
	s.sampleDetail(w, r, http.StatusOK, nil, "", nil)
}

// parseItemLines reads test items typed one per line: item | result | unit | limit |
// lab verdict | standard | comparison (tabs also separate, as pasted from a sheet).
func parseItemLines(text string) []sampling.ItemInput {
	var out []sampling.ItemInput
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		sep := "|"
		if !strings.Contains(line, "|") && strings.Contains(line, "\t") {
			sep = "\t"
		}
		parts := strings.Split(line, sep)
		get := func(i int) string {
			if i < len(parts) {
				return strings.TrimSpace(parts[i])
			}
			return ""
		}
		out = append(out, sampling.ItemInput{Item: get(0), Result: get(1), Unit: get(2), Limit: get(3), LabVerdict: get(4),
			Standard: get(5), Comparison: get(6)})
	}
	return out
}

func (s *Server) handleSampleStep(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	version, _ := strconv.Atoi(f("version"))
	in := sampling.StepInput{Step: f("step"), Outcome: f("outcome"), Note: f("note"), Lab: f("lab"), DueOn: f("due_on"),
		Version: version}
	if docs := strings.TrimSpace(f("documents")); docs != "" {
		for _, d := range strings.FieldsFunc(docs, func(r rune) bool { return r == '\n' || r == '；' || r == ';' }) {
			if d = strings.TrimSpace(d); d != "" {
				in.Documents = append(in.Documents, d)
			}
		}
	}
	itemText := f("items")
	in.Items = parseItemLines(itemText)
	if _, err := s.Sampling.ApplyStep(r.Context(), r.PathValue("no"), in); err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID && qe.Code != qcity.ECONFLICT {
			s.renderError(w, r, err)
			return
		}
		s.sampleDetail(w, r, statusOf(qe.Code), &in, itemText, err)
		return
	}
	http.Redirect(w, r, "/sampling/"+r.PathValue("no")+"?saved=1", http.StatusSeeOther)
}

type sampleFormData struct {
	Input    sampling.SampleInput
	Kinds    []sampling.Kind
	Levels   []sampling.Level
	Stages   []sampling.Stage
	Samplers string
	ItemText string
}

func (s *Server) handleSampleNew(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.sample_new", nil), "samples")
	in := sampling.SampleInput{Kind: string(sampling.KindFood), Level: string(sampling.LevelCity), Region: rq.Actor.Region,
		SampledOn: qcity.DateOf(s.Clock.Now()).String(), Stage: string(sampling.StageCirculation)}
	p.Data = &sampleFormData{Input: in, Kinds: sampling.Kinds, Levels: sampling.Levels, Stages: sampling.Stages}
	s.render(w, r, http.StatusOK, "sample_form", p)
}

func (s *Server) handleSampleCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	in := sampling.SampleInput{SampleNo: f("sample_no"), Kind: f("kind"), Level: f("level"), Category: f("category"),
		ProductName: f("product_name"), Brand: f("brand"), Specification: f("specification"), Batch: f("batch"),
		ProducerUSCC: f("producer_uscc"), ProducerName: f("producer_name"), SellerUSCC: f("seller_uscc"),
		SellerName: f("seller_name"), Region: f("region_code"), Stage: f("stage"), SampledOn: f("sampled_on"), Lab: f("lab")}
	for _, n := range strings.FieldsFunc(f("samplers"), func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == '\n' }) {
		in.Samplers = append(in.Samplers, strings.TrimSpace(n))
	}
	in.Items = parseItemLines(f("items"))
	smp, err := s.Sampling.CreateSample(r.Context(), in)
	if err != nil {
		s.formFailure(w, r, err, "sample_form", s.Locale.T(reqFrom(r.Context()).Lang, "ui.sample_new", nil), "samples",
			&sampleFormData{Input: in, Kinds: sampling.Kinds, Levels: sampling.Levels, Stages: sampling.Stages,
				Samplers: f("samplers"), ItemText: f("items")})
		return
	}
	http.Redirect(w, r, "/sampling/"+smp.SampleNo+"?saved=1", http.StatusSeeOther)
}

type sampleImportData struct {
	Summary  *sampling.ImportSummary
	Filename string
	Columns  []sheet.Column
	Job      *importProgress
}

func (d *sampleImportData) Percent() int {
	if d.Job == nil || d.Job.Total == 0 {
		return 0
	}
	return 100 * d.Job.Done / d.Job.Total
}

func (s *Server) handleSampleImportForm(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.sample_import", nil), "samples")
	p.Data = &sampleImportData{Columns: sampling.SampleColumns}
	s.render(w, r, http.StatusOK, "sample_import", p)
}

func (s *Server) handleSampleTemplate(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	var buf bytes.Buffer
	if err := sheet.Template(&buf, s.Locale.T(rq.Lang, "ui.samples", nil), sampling.SampleColumns, string(rq.Lang)); err != nil {
		s.renderError(w, r, qcity.Internal(err))
		return
	}
	writeXLSX(w, "samples-template.xlsx", buf.Bytes())
}

// handleSampleImport imports a results file: small files at once, large ones in the
// background with a progress page, like entity imports.
func (s *Server) handleSampleImport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.sample_import", nil), "samples")
	d := &sampleImportData{Columns: sampling.SampleColumns}
	p.Data = d
	file, header, ok := s.uploadedFile(w, r, p, "sample_import")
	if !ok {
		return
	}
	defer file.Close()
	d.Filename = header.Filename
	dry := r.PostFormValue("dry_run") == "1"
	if header.Size > s.Config.SyncImportBytes && rq.User != nil {
		data, err := io.ReadAll(file)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		ctx := context.WithoutCancel(r.Context())
		job := s.jobs.start(ctx, s.Clock.Now(), rq.User.ID, header.Filename, func(ctx context.Context, progress func(string, int, int)) (any, error) {
			return s.Sampling.ImportSamples(ctx, bytes.NewReader(data), header.Filename, sampling.ImportOptions{DryRun: dry, Progress: progress})
		})
		http.Redirect(w, r, "/sampling/import/jobs/"+job.ID, http.StatusSeeOther)
		return
	}
	sum, err := s.Sampling.ImportSamples(r.Context(), file, header.Filename, sampling.ImportOptions{DryRun: dry})
	s.sampleImportOutcome(w, r, p, d, &sum, err)
}

func (s *Server) sampleImportOutcome(w http.ResponseWriter, r *http.Request, p *page, d *sampleImportData, sum *sampling.ImportSummary, err error) {
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code == qcity.EINTERNAL || qe.Code == qcity.EFORBIDDEN {
			s.renderError(w, r, err)
			return
		}
		p.Error = qe
		s.render(w, r, statusOf(qe.Code), "sample_import", p)
		return
	}
	d.Summary = sum
	s.render(w, r, http.StatusOK, "sample_import", p)
}

func (s *Server) handleSampleImportJob(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	var owner int64
	if rq.User != nil {
		owner = rq.User.ID
	}
	job, err := s.jobs.get(r.PathValue("job"), owner)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if r.URL.Query().Get("wait") == "1" {
		select {
		case <-job.finished:
		case <-r.Context().Done():
			return
		case <-time.After(30 * time.Second):
		}
	}
	st := job.snapshot()
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.sample_import", nil), "samples")
	d := &sampleImportData{Columns: sampling.SampleColumns, Filename: job.Filename, Job: &st}
	p.Data = d
	if !st.Finished {
		p.Refresh = 1
		s.render(w, r, http.StatusOK, "sample_import", p)
		return
	}
	var sum *sampling.ImportSummary
	if v, ok := st.Result.(sampling.ImportSummary); ok {
		sum = &v
	}
	s.sampleImportOutcome(w, r, p, d, sum, st.Err)
}

// RowErrors renders the row errors of a sample import for the template.
func (p *page) SampleImportErrors() []RowError {
	if p.Error == nil {
		return nil
	}
	header := map[string]string{}
	for _, c := range sampling.SampleColumns {
		header[c.Field] = c.ZH
		if p.EN() {
			header[c.Field] = c.EN
		}
	}
	var out []RowError
	for _, f := range p.Error.Fields {
		col := header[f.Field]
		if col == "" {
			col = f.Field
		}
		out = append(out, RowError{Row: f.Row, Column: col, Message: p.S.Locale.T(p.R.Lang, f.Key, f.Args)})
	}
	return out
}

func (s *Server) handleAnnouncementList(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.announcements", nil), "announcements")
	f, err := announcementFilterOf(r)
	data := map[string]any{"Filter": f, "Kinds": sampling.Kinds}
	if err == nil {
		var items []sampling.Announcement
		var total int
		items, total, err = s.Sampling.FindAnnouncements(r.Context(), f)
		data["Items"], data["Total"] = items, total
		limit := max(f.Limit, 1)
		data["HasPrev"], data["Prev"] = f.Offset > 0, max(0, f.Offset-limit)
		data["HasNext"], data["Next"] = f.Offset+limit < total, f.Offset+limit
	}
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID {
			s.renderError(w, r, err)
			return
		}
		p.Error, p.Fields = qe, s.fieldMessages(rq.Lang, qe)
	}
	p.Data = data
	s.render(w, r, http.StatusOK, "announcements", p)
}

func (s *Server) handleAnnouncementDetail(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	a, hist, err := s.Sampling.FindAnnouncement(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, a.ProductName, "announcements")
	p.Data = map[string]any{"A": a, "History": hist}
	s.render(w, r, http.StatusOK, "announcement", p)
}

func (s *Server) handlePlanList(w http.ResponseWriter, r *http.Request) {
	s.planList(w, r, http.StatusOK, nil, nil)
}

// planList renders the plans page, with the officer form's input and errors after a
// failed submission.
func (s *Server) planList(w http.ResponseWriter, r *http.Request, status int, officer map[string]string, ferr error) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.plans", nil), "plans")
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	plans, err := s.Sampling.FindPlans(r.Context(), year)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if ferr != nil {
		qe := qcity.AsError(ferr)
		p.Error, p.Fields = qe, s.fieldMessages(rq.Lang, qe)
	}
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = s.Locale.T(rq.Lang, "ui.saved", nil)
	}
	p.Data = map[string]any{"Plans": plans, "Officer": officer}
	s.render(w, r, status, "plans", p)
}

type planFormData struct {
	Input      sampling.PlanInput
	Categories string
	Quotas     string
	Labs       string
	Kinds      []sampling.PlanKind
	Levels     []sampling.Level
}

func (s *Server) handlePlanNew(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.plan_new", nil), "plans")
	p.Data = &planFormData{Input: sampling.PlanInput{Year: qcity.DateOf(s.Clock.Now()).Year, Kind: string(sampling.PlanFoodSupervision),
		Level: string(sampling.LevelCity), Region: rq.Actor.Region}, Kinds: sampling.PlanKinds, Levels: sampling.Levels}
	s.render(w, r, http.StatusOK, "plan_form", p)
}

// handlePlanCreate reads a plan from the form: categories one per line as
// "category | item, item, … | judgement basis", quotas as "region | category | quota",
// labs one per line.
func (s *Server) handlePlanCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	year, _ := strconv.Atoi(f("year"))
	seed, _ := strconv.ParseUint(strings.TrimSpace(f("seed")), 10, 63)
	in := sampling.PlanInput{Year: year, Kind: f("kind"), Level: f("level"), Name: f("name"), Region: f("region_code"),
		Seed: seed, Note: f("note")}
	for _, line := range lines(f("categories")) {
		parts := strings.Split(line, "|")
		c := sampling.PlanCategoryInput{Category: strings.TrimSpace(parts[0])}
		if len(parts) > 1 {
			for _, it := range strings.FieldsFunc(parts[1], func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
				c.TestItems = append(c.TestItems, strings.TrimSpace(it))
			}
		}
		if len(parts) > 2 {
			c.JudgementBasis = strings.TrimSpace(parts[2])
		}
		in.Categories = append(in.Categories, c)
	}
	for _, line := range lines(f("quotas")) {
		parts := strings.Split(line, "|")
		q := sampling.QuotaInput{Region: strings.TrimSpace(parts[0])}
		if len(parts) > 1 {
			q.Category = strings.TrimSpace(parts[1])
		}
		if len(parts) > 2 {
			q.Quota, _ = strconv.Atoi(strings.TrimSpace(parts[2]))
		}
		in.Quotas = append(in.Quotas, q)
	}
	in.Labs = lines(f("labs"))
	plan, err := s.Sampling.CreatePlan(r.Context(), in)
	if err != nil {
		s.formFailure(w, r, err, "plan_form", s.Locale.T(reqFrom(r.Context()).Lang, "ui.plan_new", nil), "plans",
			&planFormData{Input: in, Categories: f("categories"), Quotas: f("quotas"), Labs: f("labs"),
				Kinds: sampling.PlanKinds, Levels: sampling.Levels})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/sampling/plans/%d?saved=1", plan.ID), http.StatusSeeOther)
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (s *Server) handlePlanDetail(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	plan, err := s.Sampling.FindPlan(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	tasks, err := s.Sampling.FindTasks(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, plan.Name, "plans")
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = s.Locale.T(rq.Lang, "ui.saved", nil)
	}
	p.Data = map[string]any{"Plan": plan, "Tasks": tasks}
	s.render(w, r, http.StatusOK, "plan", p)
}

func (s *Server) handlePlanDraw(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		_, err = s.Sampling.DrawTasks(r.Context(), id, s.RiskWeight)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/sampling/plans/%d?saved=1#tasks", id), http.StatusSeeOther)
}

func (s *Server) handleOfficerCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	if err := s.Sampling.AddOfficer(r.Context(), f("name"), f("region_code"), f("badge_no")); err != nil {
		if qe := qcity.AsError(err); qe.Code == qcity.EINVALID {
			s.planList(w, r, statusOf(qe.Code), map[string]string{"name": f("name"), "region_code": f("region_code"), "badge_no": f("badge_no")}, err)
			return
		}
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/sampling/plans?saved=1", http.StatusSeeOther)
}

func (s *Server) handleCategoryList(w http.ResponseWriter, r *http.Request) {
	s.categoryList(w, r, http.StatusOK, sampling.Kind(r.URL.Query().Get("kind")), nil, nil)
}

func (s *Server) categoryList(w http.ResponseWriter, r *http.Request, status int, kind sampling.Kind, in map[string]string, ferr error) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.categories", nil), "categories")
	if !validKindText(string(kind)) {
		kind = sampling.KindFood
	}
	if ferr != nil {
		qe := qcity.AsError(ferr)
		p.Error, p.Fields = qe, s.fieldMessages(rq.Lang, qe)
	}
	p.Data = map[string]any{"Kind": kind, "Kinds": sampling.Kinds, "Items": s.Sampling.Categories(kind), "Input": in}
	s.render(w, r, status, "categories", p)
}

func (s *Server) handleCategorySave(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	in := sampling.CategoryInput{Kind: f("kind"), ParentCode: f("parent_code"), Name: f("name")}
	if v := f("active"); v != "" {
		b := v == "1"
		in.Active = &b
	}
	if _, err := s.Sampling.SaveCategory(r.Context(), f("code"), in); err != nil {
		if qe := qcity.AsError(err); qe.Code == qcity.EINVALID || qe.Code == qcity.ENOTFOUND {
			s.categoryList(w, r, statusOf(qe.Code), sampling.Kind(in.Kind),
				map[string]string{"code": f("code"), "parent_code": f("parent_code"), "name": f("name")}, err)
			return
		}
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/sampling/categories?kind="+in.Kind, http.StatusSeeOther)
}

// handleTaskList shows the tasks of the plans: a lab sees its own, with the targets
// drawn for it and the officer pairs; officials see every task of their region.
func (s *Server) handleTaskList(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.tasks", nil), "tasks")
	tasks, err := s.Sampling.MyTasks(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p.Data = map[string]any{"Tasks": tasks}
	s.render(w, r, http.StatusOK, "tasks", p)
}

// sampleExportColumns are the columns of the sample list export.
var sampleExportColumns = []sheet.Column{
	{Field: "sample_no", ZH: "样品编号", EN: "Sample number"},
	{Field: "kind", ZH: "抽检类型", EN: "Kind"},
	{Field: "level", ZH: "抽检级别", EN: "Level"},
	{Field: "year", ZH: "年度", EN: "Year", Type: sheet.Number},
	{Field: "category", ZH: "类别", EN: "Category"},
	{Field: "product_name", ZH: "样品名称", EN: "Product"},
	{Field: "producer_name", ZH: "标称生产者", EN: "Producer"},
	{Field: "seller_name", ZH: "被抽样单位", EN: "Sampled business"},
	{Field: "region", ZH: "地区", EN: "District"},
	{Field: "stage", ZH: "环节", EN: "Stage"},
	{Field: "sampled_on", ZH: "抽样日期", EN: "Sampled on", Type: sheet.Date},
	{Field: "lab", ZH: "检验机构", EN: "Lab"},
	{Field: "verdict", ZH: "结论", EN: "Verdict"},
	{Field: "state", ZH: "状态", EN: "State"},
	{Field: "next_step", ZH: "下一步", EN: "Next step"},
	{Field: "due_on", ZH: "期限", EN: "Due", Type: sheet.Date},
}

// handleSampleExport writes the filtered sample list (up to 200,000 rows) as .xlsx.
func (s *Server) handleSampleExport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	f, err := sampleFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	const maxRows = 200_000
	f.Offset, f.Limit = 0, 1000
	first, total, err := s.Sampling.FindSamples(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if total > maxRows {
		s.renderError(w, r, qcity.Errorf(qcity.ETOOLARGE, "registry.export_too_large", "max", maxRows, "count", total))
		return
	}
	t := func(key string) string { return s.Locale.T(rq.Lang, key, nil) }
	var buf bytes.Buffer
	var ferr error
	err = sheet.WriteXLSX(&buf, t("ui.samples"), sampleExportColumns, string(rq.Lang), func(yield func([]string) bool) {
		page := first
		for {
			for _, x := range page {
				verdict := ""
				if x.Verdict != "" {
					verdict = t("sampling.verdict." + x.Verdict)
				}
				next := ""
				if x.NextStep != "" {
					next = t("sampling.step." + string(x.NextStep))
				}
				name := x.Region
				if d, ok := s.Registry.Regions().Get(x.Region); ok {
					name = d.Name
				}
				if !yield([]string{x.SampleNo, t("sampling.kind." + string(x.Kind)), t("sampling.level." + string(x.Level)),
					strconv.Itoa(x.Year), x.CategoryName, x.ProductName, x.ProducerName, x.SellerName, name,
					t("sampling.stage." + string(x.Stage)), x.SampledOn.String(), x.LabName, verdict,
					t("sampling.state." + string(x.State)), next, x.DueOn.String()}) {
					return
				}
			}
			if len(page) < f.Limit {
				return
			}
			f.Offset += f.Limit
			if page, _, ferr = s.Sampling.FindSamples(r.Context(), f); ferr != nil {
				return
			}
		}
	})
	if ferr != nil {
		s.renderError(w, r, ferr)
		return
	}
	if err != nil {
		s.renderError(w, r, qcity.Internal(err))
		return
	}
	if err := s.auditExport(r, "sample", total); err != nil {
		s.renderError(w, r, err)
		return
	}
	writeXLSX(w, "samples.xlsx", buf.Bytes())
}

// auditExport records an export of non-public data.
func (s *Server) auditExport(r *http.Request, objectType string, rows int) error {
	a := reqFrom(r.Context()).Actor
	return audit.Write(r.Context(), s.DB, s.Clock.Now().UTC(), audit.Record{Action: audit.ActionExport, ObjectType: objectType,
		Region: a.Region, Summary: r.URL.RequestURI(), After: map[string]any{"rows": rows}})
}
