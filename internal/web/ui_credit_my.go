package web

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/registry"
)

// The enterprise portal (我的信用): the enterprise's own annual reports, list entries,
// penalties and repair applications, with the forms to file, correct, object and
// apply. An official of the entity's region opens the same pages with ?uscc= to act
// for it where the credit service allows (a paper filing, an application on paper).

// creditParty is the entity the enterprise pages are about: an enterprise's own; for an
// official, the one named by code, inside the official's region. An official naming no
// entity gets ENOTFOUND with the key "creditui.choose_entity".
func (s *Server) creditParty(r *http.Request, code string) (registry.Entity, error) {
	a := reqFrom(r.Context()).Actor
	if a.Role == qcity.RoleEnterprise {
		code = a.USCC
	}
	if strings.TrimSpace(code) == "" {
		return registry.Entity{}, qcity.Errorf(qcity.ENOTFOUND, "creditui.choose_entity")
	}
	e, err := s.Registry.FindEntityByUSCC(r.Context(), code)
	if qcity.ErrorCode(err) == qcity.EINVALID {
		err = qcity.Errorf(qcity.ENOTFOUND, "registry.entity_not_found", "uscc", strings.TrimSpace(code))
	}
	if err != nil {
		return e, err
	}
	if a.IsOfficial() && !a.CoversRegion(e.Region) {
		return e, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden_region")
	}
	return e, nil
}

// forQuery is the ?uscc= an official's links carry ("" for the enterprise itself).
func forQuery(r *http.Request, e registry.Entity) string {
	if reqFrom(r.Context()).Actor.Role == qcity.RoleEnterprise {
		return ""
	}
	return e.USCC
}

type myReportRow struct {
	Year       int
	Report     *credit.Report
	Deadline   qcity.Date
	CanFile    bool
	Late       bool // filing now is a late filing (补报)
	CanCorrect bool
}

type myAbnormalRow struct {
	credit.Abnormal
	CanRemove bool
	CanObject bool
	ObjectBy  qcity.Date
	Repair    *credit.Repair // an open application about it
}

type mySeriousRow struct {
	credit.Serious
	RemovalFrom qcity.Date
	CanApply    bool
	Repair      *credit.Repair
}

type myPenaltyRow struct {
	credit.Penalty
	CanApply bool
	Repair   *credit.Repair
}

type myCreditData struct {
	Entity    registry.Entity
	For       string // the USCC an official acts for
	Lookup    bool   // an official has not named an entity yet
	Reports   []myReportRow
	Proposals []credit.Abnormal
	Abnormal  []myAbnormalRow
	Serious   []mySeriousRow
	Penalties []myPenaltyRow
	Repairs   []repairRow
	Today     qcity.Date
	// The objection that failed, shown again with its text.
	ObjectionID   int64
	ObjectionText string
}

// Amp and Quest carry an official's ?uscc= on links: "&uscc=…" and "?uscc=…".
func (d *myCreditData) Amp() string   { return ampUSCC(d.For) }
func (d *myCreditData) Quest() string { return questUSCC(d.For) }

func ampUSCC(code string) string {
	if code == "" {
		return ""
	}
	return "&uscc=" + url.QueryEscape(code)
}

func questUSCC(code string) string {
	if code == "" {
		return ""
	}
	return "?uscc=" + url.QueryEscape(code)
}

func (s *Server) handleMyCredit(w http.ResponseWriter, r *http.Request) {
	s.myCredit(w, r, http.StatusOK, r.URL.Query().Get("uscc"), 0, "", nil)
}

// myCredit renders the enterprise's credit page; objection and text are a failed
// objection shown again with ferr.
func (s *Server) myCredit(w http.ResponseWriter, r *http.Request, status int, code string, objection int64, text string, ferr error) {
	rq := reqFrom(r.Context())
	ctx := r.Context()
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.my_credit", nil), "my_credit")
	s.flashSaved(p, r)
	today := qcity.DateOf(s.Clock.Now())
	d := &myCreditData{Today: today, ObjectionID: objection, ObjectionText: text}
	p.Data = d
	e, err := s.creditParty(r, code)
	if err != nil {
		if qe := qcity.AsError(err); rq.Actor.IsOfficial() && qe.Code == qcity.ENOTFOUND {
			d.Lookup = true
			if qe.Key != "creditui.choose_entity" {
				p.Error = qcity.Invalid(qcity.Field("uscc", qe.Key, "uscc", strings.TrimSpace(code)))
				p.Fields, status = s.fieldMessages(rq.Lang, p.Error), http.StatusNotFound
			}
			s.render(w, r, status, "credit_my", p)
			return
		}
		s.renderError(w, r, err)
		return
	}
	d.Entity, d.For = e, forQuery(r, e)
	reports, err := s.Credit.ReportsOf(ctx, e.ID, true)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	byYear := map[int]*credit.Report{}
	for i := range reports {
		byYear[reports[i].Year] = &reports[i]
	}
	df := credit.DueFacts{Type: string(e.Type), EstablishedOn: e.EstablishedOn, Status: string(e.Status)}
	last := credit.LastClosedReportYear(today)
	for y := last + 1; y >= max(e.EstablishedOn.Year, last-4); y-- {
		row := myReportRow{Year: y, Report: byYear[y], Deadline: credit.ReportDeadline(y), Late: today.After(credit.ReportDeadline(y))}
		due := credit.ReportDue(df, y) && !today.Before(credit.ReportWindowOpens(y))
		row.CanFile = due && row.Report == nil
		row.CanCorrect = row.Report != nil && !row.Late
		if due || row.Report != nil {
			d.Reports = append(d.Reports, row)
		}
	}
	repairs, _, err := s.Credit.FindRepairs(ctx, credit.RepairFilter{EntityID: e.ID, Limit: credit.MaxPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	open := map[string]*credit.Repair{}
	for i, rp := range repairs {
		d.Repairs = append(d.Repairs, s.repairRowOf(rp, today))
		if rp.State == credit.RepairApplied || rp.State == credit.RepairAccepted {
			open[fmt.Sprintf("%s/%d", rp.Target, rp.TargetID)] = &repairs[i]
		}
	}
	if d.Proposals, _, err = s.Credit.FindAbnormals(ctx, credit.AbnormalFilter{EntityID: e.ID, State: credit.StateProposed,
		Limit: 100}, true); err != nil {
		s.renderError(w, r, err)
		return
	}
	abn, _, err := s.Credit.FindAbnormals(ctx, credit.AbnormalFilter{EntityID: e.ID, Limit: 100}, true)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, a := range abn {
		row := myAbnormalRow{Abnormal: a, Repair: open[fmt.Sprintf("abnormal/%d", a.ID)], ObjectBy: credit.ObjectionDeadline(a.ListedOn)}
		row.CanRemove = (a.State == credit.StateListed || a.State == credit.StatePublicityEnded) && row.Repair == nil
		row.CanObject = a.State == credit.StateListed && a.ObjectionState == "" && !today.After(row.ObjectBy)
		d.Abnormal = append(d.Abnormal, row)
	}
	ser, _, err := s.Credit.FindSeriousList(ctx, credit.SeriousFilter{EntityID: e.ID, Limit: 100}, false)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, l := range ser {
		row := mySeriousRow{Serious: l, RemovalFrom: credit.SeriousEarlyRemovalFrom(l.ListedOn), Repair: open[fmt.Sprintf("serious/%d", l.ID)]}
		row.CanApply = l.State == credit.SeriousListed && !today.Before(row.RemovalFrom) && row.Repair == nil
		d.Serious = append(d.Serious, row)
	}
	pens, _, err := s.Credit.FindPenalties(ctx, credit.PenaltyFilter{EntityID: e.ID, Limit: 100})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, pen := range pens {
		row := myPenaltyRow{Penalty: pen, Repair: open[fmt.Sprintf("penalty/%d", pen.ID)]}
		row.CanApply = pen.State == credit.PenaltyPublished && !pen.EarlyEndFrom.IsZero() && !today.Before(pen.EarlyEndFrom) &&
			credit.Repairable(pen.Kinds) && row.Repair == nil
		d.Penalties = append(d.Penalties, row)
	}
	if ferr != nil {
		if _, done := s.showFailure(w, r, p, ferr); done {
			return
		}
	}
	s.render(w, r, status, "credit_my", p)
}

// handleMyObjection files the enterprise's objection to an abnormal listing.
func (s *Server) handleMyObjection(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	code, text := r.PostFormValue("uscc"), r.PostFormValue("text")
	if _, err := s.Credit.ObjectAbnormal(r.Context(), id, text); err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID && qe.Code != qcity.ECONFLICT {
			s.renderError(w, r, err)
			return
		}
		s.myCredit(w, r, statusOf(qe.Code), code, id, text, err)
		return
	}
	http.Redirect(w, r, "/my/credit?saved=1"+ampUSCC(code)+"#abnormal", http.StatusSeeOther)
}

// --- Annual report form (年度报告) ----------------------------------------------------

type reportFormData struct {
	Entity      registry.Entity
	Input       credit.ReportInput
	YearText    string
	Edit        bool
	Paper       bool // an official enters an individual business's paper filing
	Lookup      bool // a paper filing whose entity is not chosen yet
	Action      string
	Back        string
	For         string
	Individual  bool
	Publish     bool
	Statuses    []string
	Optional    []string
	Corrections []credit.Correction
	Deadline    qcity.Date
	Closed      bool // the correction window is over
}

// Opt is the value typed for an optional field; Pub whether it is to be published.
func (d *reportFormData) Opt(k string) string { return d.Input.Optional[k] }
func (d *reportFormData) Pub(k string) bool   { return slices.Contains(d.Input.PublishOptional, k) }

func (s *Server) reportForm(r *http.Request, e registry.Entity, in credit.ReportInput, yearText string) *reportFormData {
	today := qcity.DateOf(s.Clock.Now())
	d := &reportFormData{Entity: e, Input: in, YearText: yearText, Individual: e.Type == registry.TypeIndividualBusiness,
		Publish: in.Publish == nil || *in.Publish, Statuses: credit.OperatingStatuses, Optional: credit.OptionalFields,
		For: forQuery(r, e)}
	if in.Year > 0 {
		d.Deadline = credit.ReportDeadline(in.Year)
		d.Closed = today.After(d.Deadline)
	}
	d.Back = "/my/credit" + questUSCC(d.For)
	if in.Optional == nil {
		d.Input.Optional = map[string]string{}
	}
	return d
}

// reportInputOf reads the report form.
func reportInputOf(r *http.Request, e registry.Entity, year int) credit.ReportInput {
	f := r.PostFormValue
	in := credit.ReportInput{USCC: e.USCC, Year: year, Contents: credit.ReportContents{Address: f("address"), Postcode: f("postcode"),
		Phone: f("phone"), Email: f("email"), OperatingStatus: f("operating_status"), Investments: f("investments"),
		Shareholders: f("shareholders"), EquityTransfers: f("equity_transfers"), Websites: f("websites")},
		Optional: map[string]string{}, PublishOptional: r.PostForm["publish_optional"]}
	for _, k := range credit.OptionalFields {
		if v := strings.TrimSpace(f(k)); v != "" {
			in.Optional[k] = v
		}
	}
	// Only an individual business chooses whether to publish (个体工商户年度报告办法).
	if e.Type == registry.TypeIndividualBusiness {
		b := f("publish") == "1"
		in.Publish = &b
	}
	return in
}

func yearOf(v string) int {
	y, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0
	}
	return y
}

func (s *Server) handleMyReportNew(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	q := r.URL.Query()
	e, err := s.creditParty(r, q.Get("uscc"))
	if err != nil {
		if rq.Actor.IsOfficial() && qcity.ErrorCode(err) == qcity.ENOTFOUND {
			http.Redirect(w, r, "/my/credit", http.StatusSeeOther)
			return
		}
		s.renderError(w, r, err)
		return
	}
	year := yearOf(q.Get("year"))
	if year == 0 {
		year = qcity.DateOf(s.Clock.Now()).Year - 1
	}
	in := credit.ReportInput{USCC: e.USCC, Year: year, Contents: credit.ReportContents{Address: e.Address, OperatingStatus: "operating"}}
	d := s.reportForm(r, e, in, strconv.Itoa(year))
	d.Action = "/my/reports"
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.report_new", map[string]any{"year": year}), "my_credit")
	p.Data = d
	s.render(w, r, http.StatusOK, "credit_report_form", p)
}

func (s *Server) handleMyReportFile(w http.ResponseWriter, r *http.Request) {
	s.fileReport(w, r, "/my/reports", false)
}

// fileReport files a report from the form: the enterprise's own, or an official's
// entry of a paper filing.
func (s *Server) fileReport(w http.ResponseWriter, r *http.Request, action string, paper bool) {
	rq := reqFrom(r.Context())
	yearText := r.PostFormValue("year")
	year := yearOf(yearText)
	e, err := s.creditParty(r, r.PostFormValue("uscc"))
	if err != nil {
		if qcity.ErrorCode(err) == qcity.ENOTFOUND {
			err = qcity.Invalid(qcity.Field("uscc", "registry.entity_not_found", "uscc", strings.TrimSpace(r.PostFormValue("uscc"))))
			d := &reportFormData{Lookup: true, Paper: paper, Action: action, YearText: yearText, Input: credit.ReportInput{USCC: r.PostFormValue("uscc")}}
			s.formFailure(w, r, err, "credit_report_form", s.Locale.T(rq.Lang, "creditui.report_paper", nil), navOfReport(paper), d)
			return
		}
		s.renderError(w, r, err)
		return
	}
	in := reportInputOf(r, e, year)
	_, err = s.Credit.FileReport(r.Context(), in)
	if err != nil {
		d := s.reportForm(r, e, in, yearText)
		d.Action, d.Paper = action, paper
		if paper {
			d.Back = "/credit/reports"
		}
		s.formFailure(w, r, err, "credit_report_form", s.Locale.T(rq.Lang, "creditui.report_new", map[string]any{"year": yearText}),
			navOfReport(paper), d)
		return
	}
	if paper {
		http.Redirect(w, r, fmt.Sprintf("/credit/reports?year=%d&saved=1", year), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/my/credit?saved=1"+ampUSCC(forQuery(r, e))+"#reports", http.StatusSeeOther)
}

func navOfReport(paper bool) string {
	if paper {
		return "credit_reports"
	}
	return "my_credit"
}

func (s *Server) handleMyReportEdit(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	e, err := s.creditParty(r, r.URL.Query().Get("uscc"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	year := yearOf(r.PathValue("year"))
	rep, err := s.Credit.FindReport(r.Context(), e.USCC, year)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	publish := rep.Publish
	in := credit.ReportInput{USCC: e.USCC, Year: year, Contents: rep.Contents, Optional: rep.Optional,
		PublishOptional: rep.PublishedOptional, Publish: &publish}
	d := s.reportForm(r, e, in, strconv.Itoa(year))
	d.Edit, d.Action, d.Corrections = true, fmt.Sprintf("/my/reports/%d", year), rep.Corrections
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.report_edit", map[string]any{"year": year}), "my_credit")
	p.Data = d
	s.render(w, r, http.StatusOK, "credit_report_form", p)
}

func (s *Server) handleMyReportCorrect(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	e, err := s.creditParty(r, r.PostFormValue("uscc"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	year := yearOf(r.PathValue("year"))
	in := reportInputOf(r, e, year)
	if _, err := s.Credit.CorrectReport(r.Context(), in); err != nil {
		d := s.reportForm(r, e, in, strconv.Itoa(year))
		d.Edit, d.Action = true, fmt.Sprintf("/my/reports/%d", year)
		if rep, ferr := s.Credit.FindReport(r.Context(), e.USCC, year); ferr == nil {
			d.Corrections = rep.Corrections
		}
		s.formFailure(w, r, err, "credit_report_form", s.Locale.T(rq.Lang, "creditui.report_edit", map[string]any{"year": year}), "my_credit", d)
		return
	}
	http.Redirect(w, r, "/my/credit?saved=1"+ampUSCC(forQuery(r, e))+"#reports", http.StatusSeeOther)
}

// handlePaperReportNew is the same form for an official entering an individual
// business's paper filing (纸质年报代录); without ?uscc= it asks for the entity.
func (s *Server) handlePaperReportNew(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	q := r.URL.Query()
	year := yearOf(q.Get("year"))
	if year == 0 {
		year = qcity.DateOf(s.Clock.Now()).Year - 1
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.report_paper", nil), "credit_reports")
	status := http.StatusOK
	code := strings.TrimSpace(q.Get("uscc"))
	e, err := s.creditParty(r, code)
	if err != nil {
		if qcity.ErrorCode(err) != qcity.ENOTFOUND {
			s.renderError(w, r, err)
			return
		}
		d := &reportFormData{Lookup: true, Paper: true, Action: "/credit/reports/paper", YearText: strconv.Itoa(year),
			Input: credit.ReportInput{USCC: code}}
		if code != "" {
			p.Error = qcity.Invalid(qcity.Field("uscc", "registry.entity_not_found", "uscc", code))
			p.Fields, status = s.fieldMessages(rq.Lang, p.Error), http.StatusNotFound
		}
		p.Data = d
		s.render(w, r, status, "credit_report_form", p)
		return
	}
	in := credit.ReportInput{USCC: e.USCC, Year: year, Contents: credit.ReportContents{Address: e.Address, OperatingStatus: "operating"}}
	d := s.reportForm(r, e, in, strconv.Itoa(year))
	d.Action, d.Paper, d.Back = "/credit/reports/paper", true, "/credit/reports"
	p.Data = d
	s.render(w, r, http.StatusOK, "credit_report_form", p)
}

func (s *Server) handlePaperReportFile(w http.ResponseWriter, r *http.Request) {
	s.fileReport(w, r, "/credit/reports/paper", true)
}

// --- Repair and removal applications (信用修复) ----------------------------------------

type repairFormData struct {
	Entity         registry.Entity
	Target         string
	TargetID       int64
	T              repairTarget
	Statement      string
	Cond           credit.Conditions
	NeedConditions bool
	Action         string
	Back           string
	MaxFileMB      int
	MaxTotalMB     int
	MaxFiles       int
}

// repairForm loads what an application is about and checks that it is the entity's.
func (s *Server) repairForm(r *http.Request, code, target, idText string) (*repairFormData, error) {
	e, err := s.creditParty(r, code)
	if err != nil {
		return nil, err
	}
	id, _ := strconv.ParseInt(strings.TrimSpace(idText), 10, 64)
	t, err := s.repairTargetOf(r.Context(), target, id)
	if err != nil {
		return nil, err
	}
	var of string
	switch {
	case t.Abnormal != nil:
		of = t.Abnormal.USCC
	case t.Serious != nil:
		of = t.Serious.USCC
	case t.Penalty != nil:
		of = t.Penalty.USCC
	}
	if !strings.EqualFold(of, e.USCC) {
		return nil, qcity.Errorf(qcity.ENOTFOUND, "web.not_found")
	}
	forUSCC := forQuery(r, e)
	q := url.Values{"target": {target}, "id": {strconv.FormatInt(id, 10)}}
	if forUSCC != "" {
		q.Set("uscc", forUSCC)
	}
	return &repairFormData{Entity: e, Target: target, TargetID: id, T: t, NeedConditions: target != credit.TargetAbnormal,
		Action: "/my/repairs?" + q.Encode(), Back: "/my/credit" + questUSCC(forUSCC), MaxFileMB: credit.MaxFileBytes >> 20,
		MaxTotalMB: credit.MaxTotalBytes >> 20, MaxFiles: credit.MaxFiles}, nil
}

func (s *Server) repairTitle(r *http.Request, target string) string {
	rq := reqFrom(r.Context())
	if target != credit.TargetAbnormal && target != credit.TargetSerious && target != credit.TargetPenalty {
		return s.Locale.T(rq.Lang, "creditui.repair_new", nil)
	}
	return s.Locale.T(rq.Lang, "credit.target."+target, nil)
}

func (s *Server) handleMyRepairNew(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d, err := s.repairForm(r, q.Get("uscc"), q.Get("target"), q.Get("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, s.repairTitle(r, d.Target), "my_credit")
	p.Data = d
	s.render(w, r, http.StatusOK, "credit_repair_form", p)
}

// uploadsOf reads the files of the repair form's two file inputs.
func uploadsOf(form *multipart.Form) ([]credit.Upload, error) {
	if form == nil {
		return nil, nil
	}
	var out []credit.Upload
	for _, role := range []string{"commitment", "evidence"} {
		for _, fh := range form.File[role] {
			f, err := fh.Open()
			if err != nil {
				return nil, qcity.Internal(err)
			}
			data, err := io.ReadAll(io.LimitReader(f, credit.MaxFileBytes+1))
			f.Close()
			if err != nil {
				return nil, qcity.Internal(err)
			}
			out = append(out, credit.Upload{Name: fh.Filename, Role: role, Data: data})
		}
	}
	return out, nil
}

func (s *Server) handleMyRepairCreate(w http.ResponseWriter, r *http.Request) {
	get := func(k string) string {
		if v := r.PostFormValue(k); v != "" {
			return v
		}
		return r.URL.Query().Get(k)
	}
	code, target, idText := get("uscc"), get("target"), get("id")
	d, err := s.repairForm(r, code, target, idText)
	if err != nil {
		if qcity.ErrorCode(err) == qcity.ENOTFOUND && code == "" && target == "" {
			err = qcity.Invalid(qcity.Field("target", "credit.target_unknown"))
		}
		s.renderError(w, r, err)
		return
	}
	f := r.PostFormValue
	d.Statement = f("statement")
	d.Cond = credit.Conditions{PenaltyPerformed: f("penalty_performed") == "1", HarmRemoved: f("harm_removed") == "1",
		NoNewPenalty: f("no_new_penalty") == "1", NoRestriction: f("no_restriction") == "1"}
	files, err := uploadsOf(r.MultipartForm)
	if err == nil {
		_, err = s.Credit.ApplyRepair(r.Context(), credit.RepairInput{USCC: d.Entity.USCC, Target: d.Target, TargetID: d.TargetID,
			Statement: d.Statement, Conditions: d.Cond, Files: files})
	}
	if err != nil {
		s.formFailure(w, r, err, "credit_repair_form", s.repairTitle(r, d.Target), "my_credit", d)
		return
	}
	http.Redirect(w, r, "/my/credit?saved=1"+ampUSCC(forQuery(r, d.Entity))+"#repairs", http.StatusSeeOther)
}

// handleMyRepairTooLarge answers an application whose files exceed the upload limit:
// the form again (from the target in its address), the error beside the files.
func (s *Server) handleMyRepairTooLarge(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d, err := s.repairForm(r, q.Get("uscc"), q.Get("target"), q.Get("id"))
	if err != nil {
		s.renderError(w, r, qcity.Errorf(qcity.ETOOLARGE, "credit.files_too_large", "max", credit.MaxTotalBytes>>20))
		return
	}
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.repairTitle(r, d.Target), "my_credit")
	p.Error = &qcity.Error{Code: qcity.ETOOLARGE, Key: "credit.files_too_large", Args: map[string]any{"max": credit.MaxTotalBytes >> 20},
		Fields: []qcity.FieldError{qcity.Field("files", "credit.files_too_large", "max", credit.MaxTotalBytes>>20)}}
	p.Fields = s.fieldMessages(rq.Lang, p.Error)
	p.Data = d
	s.render(w, r, http.StatusRequestEntityTooLarge, "credit_repair_form", p)
}
