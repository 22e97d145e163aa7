package web

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/registry"
	"qcity/internal/sheet"
	"qcity/internal/translog"
	"qcity/internal/workday"
)

// The credit pages (质量诚信): the officials' workspace (信用监管) in this file, the
// public portal (信用信息公示) and the log in ui_credit_public.go, the enterprise portal
// (我的信用) in ui_credit_my.go. The credit service checks roles and regions; the
// handlers pass the request's context and show what it answers.

// Pager is the pagination of a list page, as the "pager" partial shows it.
type Pager struct {
	Total, Page, Pages, PrevOffset, NextOffset int
	HasPrev, HasNext                           bool
}

func newPager(total, limit, offset int) Pager {
	limit = max(limit, 1)
	return Pager{Total: total, Page: offset/limit + 1, Pages: (total + limit - 1) / limit,
		HasPrev: offset > 0, PrevOffset: max(0, offset-limit), HasNext: offset+limit < total, NextOffset: offset + limit}
}

// officialRegion is the region an official's list covers: the one asked for when it
// lies inside the actor's region, else the actor's whole region.
func officialRegion(a qcity.Actor, asked string) string {
	asked = strings.TrimSpace(asked)
	if asked == "" || !digitsOnly(asked) || !a.CoversRegion(asked) {
		return a.Region
	}
	return asked
}

// formDate parses an optional YYYY-MM-DD form value; a malformed one adds a field error.
func formDate(errs *[]qcity.FieldError, field, v string) qcity.Date {
	v = strings.TrimSpace(v)
	if v == "" {
		return qcity.Date{}
	}
	d, err := qcity.ParseDate(v)
	if err != nil {
		*errs = append(*errs, qcity.Field(field, "registry.date_format", "value", v))
	}
	return d
}

// checkRegion refuses a record outside an official's region.
func checkRegion(a qcity.Actor, regionCode string) error {
	if a.IsOfficial() && !a.CoversRegion(regionCode) {
		return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden_region")
	}
	return nil
}

// flashSaved sets the page's confirmation after a redirect with ?saved=1.
func (s *Server) flashSaved(p *page, r *http.Request) {
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("ui.saved")
	}
}

// showFailure renders a page again after a failed form: invalid input and conflicts
// show on the page, anything else is the error page. It reports whether it wrote.
func (s *Server) showFailure(w http.ResponseWriter, r *http.Request, p *page, err error) (int, bool) {
	qe := qcity.AsError(err)
	if qe.Code != qcity.EINVALID && qe.Code != qcity.ECONFLICT {
		s.renderError(w, r, err)
		return 0, true
	}
	p.Error, p.Fields = qe, s.fieldMessages(reqFrom(r.Context()).Lang, qe)
	return statusOf(qe.Code), false
}

// Yuan shows an amount in fen as yuan with thousands separators: 1250050 → 12,500.50.
func (p *page) Yuan(fen int64) string {
	s := credit.FormatYuan(fen)
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.Atoi(whole)
	return formatInt(n) + "." + frac
}

// CreditBadge is the badge class of a credit record's state, after UI.md's status
// colours: pending blue, in force orange, serious red, ended grey, approved green.
func (p *page) CreditBadge(kind, state string) string {
	switch state {
	case "proposed", "hearing", "pending_approval", "early_removal_applied", "applied", "accepted", "filed":
		return "pending"
	case "listed":
		if kind == "serious" {
			return "red"
		}
		return "warn"
	case "published":
		return "warn"
	case "approved", "upheld":
		return "status-active"
	case "rejected":
		return "red"
	}
	return "grey" // removed, revoked, expired, ended, withdrawn, publicity_ended
}

// reportField is one labelled value of an annual report.
type reportField struct {
	Key   string // credit.rfield.<field>
	Value string
}

// ReportFields lists a report's published contents in the order of Art. 9, then the
// optional fields it chose to publish (or, for the enterprise itself, all it filled).
func (p *page) ReportFields(r *credit.Report) []reportField {
	if r == nil {
		return nil
	}
	c := r.Contents
	out := []reportField{{"address", c.Address}, {"postcode", c.Postcode}, {"phone", c.Phone}, {"email", c.Email},
		{"operating_status", p.CorrectionValue("operating_status", c.OperatingStatus)}, {"investments", c.Investments},
		{"shareholders", c.Shareholders}, {"equity_transfers", c.EquityTransfers}, {"websites", c.Websites}}
	for _, k := range credit.OptionalFields {
		if v, ok := r.Optional[k]; ok {
			out = append(out, reportField{k, v})
		}
	}
	for i := range out {
		out[i].Key = "credit.rfield." + out[i].Key
	}
	return out
}

// CorrectionValue shows a report value in words where it is a code.
func (p *page) CorrectionValue(field, v string) string {
	switch field {
	case "operating_status":
		if v == "" {
			return ""
		}
		return p.T("credit.opstatus." + v)
	case "publish":
		if v == "true" {
			return p.T("ui.yes")
		}
		return p.T("ui.no")
	case "published_optional":
		var names []string
		for k := range strings.SplitSeq(v, ",") {
			if k != "" {
				names = append(names, p.T("credit.rfield."+k))
			}
		}
		return strings.Join(names, "、")
	}
	return v
}

// rulesStatus is the rules engine's last run, for the status line of the credit pages.
func (s *Server) rulesStatus(ctx context.Context) *credit.Summary {
	sum, ok, err := s.Credit.LastRun(ctx)
	if err != nil || !ok {
		return nil
	}
	return &sum
}

// logRecordsOf returns the log records about a ref, newest first, for a detail page.
func (s *Server) logRecordsOf(ctx context.Context, ref string) []translog.Stored {
	recs, err := translog.RecordsOf(ctx, s.DB, ref)
	if err != nil {
		s.Log.Error("log records", "ref", ref, "err", err)
		return nil
	}
	slices.Reverse(recs)
	return recs
}

// LogKind is the name of a log record's kind.
func (p *page) LogKind(kind string) string { return p.T("credit.logkind." + kind) }

// --- Annual reports (年报统计) -------------------------------------------------------

type rateRow struct {
	credit.RateRow
	Label string
}

// rateChart is what static/credit.js draws: the rate by district, with its labels.
type rateChart struct {
	Lang   string            `json:"lang"`
	Labels map[string]string `json:"labels"`
	Rows   []rateChartRow    `json:"rows"`
}

type rateChartRow struct {
	Label string  `json:"label"`
	Due   int     `json:"due"`
	Filed int     `json:"filed"`
	Rate  float64 `json:"rate"`
}

type creditReportsData struct {
	Filter    credit.RateFilter
	AsOf      qcity.Date
	Groups    []string
	Rows      []rateRow
	Sum       credit.RateRow // the whole selection
	Chart     rateChart
	Unfiled   []credit.Unfiled
	Years     []int
	LastRun   *credit.Summary
	Query     string // the filter as a query string, for the export link
	Fixed     string // the official's own region, when the filter cannot leave it
	PaperType string // the entity type whose reports officials may enter on paper
	Pager
}

func (s *Server) handleCreditReports(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.reports", nil), "credit_reports")
	s.flashSaved(p, r)
	today := qcity.DateOf(s.Clock.Now())
	d := &creditReportsData{Groups: []string{"region", "type", "industry"}, LastRun: s.rulesStatus(r.Context()),
		PaperType: string(registry.TypeIndividualBusiness)}
	for y := credit.LastClosedReportYear(today) + 1; y >= credit.LastClosedReportYear(today)-4; y-- {
		d.Years = append(d.Years, y)
	}
	if rq.Actor.Region != "" {
		d.Fixed = p.RegionName(rq.Actor.Region)
	}
	p.Data = d
	status := http.StatusOK
	f, err := s.rateFilterOf(r)
	d.Filter = f
	if f.Group == "" {
		d.Filter.Group = "region"
	}
	d.AsOf = f.AsOf
	if d.AsOf.IsZero() {
		d.AsOf = today
	}
	q := url.Values{"year": {strconv.Itoa(f.Year)}, "as_of": {d.AsOf.String()}, "region": {f.Region}}
	d.Query = q.Encode()
	var rows []credit.RateRow
	if err == nil {
		rows, d.Sum, err = s.Credit.ReportRate(r.Context(), d.Filter)
	}
	var byRegion []credit.RateRow
	if err == nil {
		byRegion = rows
		if d.Filter.Group != "region" {
			byRegion, _, err = s.Credit.ReportRate(r.Context(), credit.RateFilter{Year: f.Year, AsOf: f.AsOf, Region: f.Region})
		}
	}
	limit, offset, perrs := pageOf(r.URL.Query(), credit.DefaultPageSize)
	if err == nil && len(perrs) > 0 {
		err = qcity.Invalid(perrs...)
	}
	if err == nil {
		var total int
		d.Unfiled, total, err = s.Credit.FindUnfiled(r.Context(), f.Year, d.AsOf, f.Region, limit, offset)
		d.Pager = newPager(total, limit, offset)
	}
	if err != nil {
		var done bool
		if status, done = s.showFailure(w, r, p, err); done {
			return
		}
	}
	for _, row := range rows {
		d.Rows = append(d.Rows, rateRow{RateRow: row, Label: s.rateLabel(p, d.Filter.Group, row.Key)})
	}
	if d.Filter.Group == "region" {
		slices.SortStableFunc(d.Rows, func(a, b rateRow) int { return cmp.Compare(a.Rank, b.Rank) })
	}
	d.Chart = rateChart{Lang: string(rq.Lang), Rows: []rateChartRow{}, Labels: map[string]string{}}
	for _, k := range []string{"chart_rate", "chart_filed", "chart_due", "no_data"} {
		d.Chart.Labels[k] = p.T("creditui." + k)
	}
	for _, row := range byRegion {
		d.Chart.Rows = append(d.Chart.Rows, rateChartRow{Label: p.RegionName(row.Key), Due: row.Due, Filed: row.Filed, Rate: row.Rate})
	}
	s.render(w, r, status, "credit_reports", p)
}

func (s *Server) rateLabel(p *page, group, key string) string {
	switch group {
	case "type":
		return p.T("registry.type." + key)
	case "industry":
		if key == "" {
			return p.T("creditui.industry_none")
		}
		return key + " " + p.IndustryName(key)
	}
	return p.RegionName(key)
}

// unfiledColumns are the columns of the unfiled-entities export.
var unfiledColumns = []sheet.Column{
	{Field: "uscc", ZH: "统一社会信用代码", EN: "USCC"},
	{Field: "name", ZH: "名称", EN: "Name"},
	{Field: "entity_type", ZH: "主体类型", EN: "Entity type"},
	{Field: "region", ZH: "行政区划", EN: "District"},
	{Field: "established_on", ZH: "成立日期", EN: "Established", Type: sheet.Date},
	{Field: "listed", ZH: "已列入经营异常名录", EN: "On the abnormal list"},
}

// handleUnfiledExport writes who has not filed the year's report as .xlsx.
func (s *Server) handleUnfiledExport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	f, err := s.rateFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	const maxRows, batch = 200_000, 1000
	first, total, err := s.Credit.FindUnfiled(r.Context(), f.Year, f.AsOf, f.Region, batch, 0)
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
	err = sheet.WriteXLSX(&buf, t("creditui.unfiled"), unfiledColumns, string(rq.Lang), func(yield func([]string) bool) {
		page, offset := first, 0
		for {
			for _, u := range page {
				listed := t("ui.no")
				if u.Listed {
					listed = t("ui.yes")
				}
				name := u.Region
				if d, ok := s.Registry.Regions().Get(u.Region); ok {
					name = d.Name
				}
				if !yield([]string{u.USCC, u.Name, t("registry.type." + u.EntityType), name, u.EstablishedOn.String(), listed}) {
					return
				}
			}
			if len(page) < batch {
				return
			}
			offset += batch
			if page, _, ferr = s.Credit.FindUnfiled(r.Context(), f.Year, f.AsOf, f.Region, batch, offset); ferr != nil {
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
	if err := s.auditExport(r, "unfiled_reports", total); err != nil {
		s.renderError(w, r, err)
		return
	}
	writeXLSX(w, fmt.Sprintf("unfiled-%d.xlsx", f.Year), buf.Bytes())
}

// --- Abnormal list (经营异常名录) ------------------------------------------------------

// listForm is the form of a listing an official decides (reasons 2–4), as typed.
type listForm struct {
	USCC, Reason, OrderedOn, OrderDue, Letter1On, Letter2On, ConfirmedOn, RequiredName, Note, DecisionNo string
}

type abnormalWorkData struct {
	Tab        string // proposed | listed | ended
	Q, Region  string
	Items      []credit.Abnormal
	Counts     map[string]int
	Form       listForm
	Reasons    []string
	Candidates []credit.RevocationCandidate
	Reminders  []credit.Reminder
	LastRun    *credit.Summary
	Today      qcity.Date
	// The objection decision that failed, shown again with its note.
	ObjectionID   int64
	ObjectionNote string
	Pager
}

// ObjectionOpen reports whether an objection to a awaits a decision.
func (d *abnormalWorkData) ObjectionOpen(a credit.Abnormal) bool {
	return a.ObjectionState == credit.ObjectionFiled || a.ObjectionState == credit.ObjectionAccepted
}

var abnormalTabs = map[string]string{"proposed": credit.StateProposed, "listed": "active", "ended": "ended"}

func (s *Server) handleAbnormalWork(w http.ResponseWriter, r *http.Request) {
	s.abnormalWork(w, r, http.StatusOK, nil, 0, "", nil)
}

// abnormalWork renders the abnormal-list workspace; form (a new listing) or objection
// and note (a decision on an objection) are a failed submission to show again with ferr.
func (s *Server) abnormalWork(w http.ResponseWriter, r *http.Request, status int, form *listForm, objection int64, note string, ferr error) {
	rq := reqFrom(r.Context())
	a := rq.Actor
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.abnormal_work", nil), "credit_abnormal")
	s.flashSaved(p, r)
	q := r.URL.Query()
	if n := q.Get("confirmed"); n != "" {
		p.Flash = p.T("creditui.confirmed", "n", n, "skipped", q.Get("skipped"))
	}
	d := &abnormalWorkData{Tab: q.Get("tab"), Q: strings.TrimSpace(q.Get("q")), Region: officialRegion(a, q.Get("region")),
		Counts: map[string]int{}, Reasons: []string{credit.ReasonAdhocInfo, credit.ReasonNameChange, credit.ReasonUnreachable},
		LastRun: s.rulesStatus(r.Context()), Today: qcity.DateOf(s.Clock.Now())}
	if _, ok := abnormalTabs[d.Tab]; !ok {
		d.Tab = "proposed"
	}
	if form != nil {
		d.Form = *form
	}
	d.ObjectionID, d.ObjectionNote = objection, note
	p.Data = d
	ctx := r.Context()
	limit, offset, errs := pageOf(q, credit.DefaultPageSize)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	for tab, state := range abnormalTabs {
		_, n, err := s.Credit.FindAbnormals(ctx, credit.AbnormalFilter{State: state, Region: d.Region, Q: d.Q, Limit: 1}, true)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		d.Counts[tab] = n
	}
	items, total, err := s.Credit.FindAbnormals(ctx, credit.AbnormalFilter{State: abnormalTabs[d.Tab], Region: d.Region, Q: d.Q,
		Limit: limit, Offset: offset}, true)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Items, d.Pager = items, newPager(total, limit, offset)
	if d.Candidates, err = s.Credit.RevocationCandidates(ctx, a.Region); err != nil {
		s.renderError(w, r, err)
		return
	}
	if d.Reminders, err = s.Credit.Reminders(ctx, a.Region, 20); err != nil {
		s.renderError(w, r, err)
		return
	}
	if ferr != nil {
		if _, done := s.showFailure(w, r, p, ferr); done {
			return
		}
	}
	s.render(w, r, status, "credit_abnormal", p)
}

func (s *Server) handleAbnormalConfirm(w http.ResponseWriter, r *http.Request) {
	var ids []int64
	for _, v := range r.PostForm["ids"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	listed, skipped, err := s.Credit.ConfirmProposals(r.Context(), ids)
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID {
			s.renderError(w, r, err)
			return
		}
		s.abnormalWork(w, r, statusOf(qe.Code), nil, 0, "", err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/credit/abnormal?tab=listed&confirmed=%d&skipped=%d", len(listed), skipped), http.StatusSeeOther)
}

func (s *Server) handleAbnormalCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	form := listForm{USCC: strings.TrimSpace(f("uscc")), Reason: f("reason"), OrderedOn: f("ordered_on"), OrderDue: f("order_due"),
		Letter1On: f("letter1_on"), Letter2On: f("letter2_on"), ConfirmedOn: f("confirmed_on"), RequiredName: f("required_name"),
		Note: f("note"), DecisionNo: f("decision_no")}
	var errs []qcity.FieldError
	in := credit.ListInput{USCC: form.USCC, Reason: form.Reason, DecisionNo: form.DecisionNo, Facts: credit.AbnormalFacts{
		OrderedOn: formDate(&errs, "ordered_on", form.OrderedOn), OrderDue: formDate(&errs, "order_due", form.OrderDue),
		Letter1On: formDate(&errs, "letter1_on", form.Letter1On), Letter2On: formDate(&errs, "letter2_on", form.Letter2On),
		ConfirmedOn: formDate(&errs, "confirmed_on", form.ConfirmedOn), Note: form.Note, RequiredName: strings.TrimSpace(form.RequiredName)}}
	var err error
	if len(errs) > 0 {
		err = qcity.Invalid(errs...)
	} else {
		_, err = s.Credit.ListAbnormal(r.Context(), in)
	}
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID && qe.Code != qcity.ECONFLICT {
			s.renderError(w, r, err)
			return
		}
		s.abnormalWork(w, r, statusOf(qe.Code), &form, 0, "", err)
		return
	}
	http.Redirect(w, r, "/credit/abnormal?tab=listed&saved=1", http.StatusSeeOther)
}

func (s *Server) handleAbnormalObjectionDecide(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	note := r.PostFormValue("note")
	if _, err := s.Credit.DecideObjection(r.Context(), id, r.PostFormValue("step"), note); err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID && qe.Code != qcity.ECONFLICT {
			s.renderError(w, r, err)
			return
		}
		// Show the listed tab again, the failed decision with its note.
		r.URL.RawQuery = "tab=listed"
		s.abnormalWork(w, r, statusOf(qe.Code), nil, id, note, err)
		return
	}
	http.Redirect(w, r, "/credit/abnormal?tab=listed&saved=1", http.StatusSeeOther)
}

// --- Serious list (严重违法失信名单) ----------------------------------------------------

// seriousStates are the states an official can filter the serious list by.
var seriousStates = []string{credit.SeriousProposed, credit.SeriousHearing, credit.SeriousPendingApproval, "active",
	credit.SeriousRemovedEarly, credit.SeriousExpired, credit.SeriousRevoked, credit.SeriousRejected}

type seriousWorkData struct {
	State, Q, Region string
	States           []string
	Open             []credit.Serious // proposals awaiting a step
	Items            []credit.Serious
	Pager
}

func (s *Server) handleSeriousWork(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.serious_work", nil), "credit_serious")
	q := r.URL.Query()
	d := &seriousWorkData{State: q.Get("state"), Q: strings.TrimSpace(q.Get("q")), Region: officialRegion(rq.Actor, q.Get("region")),
		States: seriousStates}
	if d.State != "" && !slices.Contains(seriousStates, d.State) {
		d.State = ""
	}
	p.Data = d
	limit, offset, errs := pageOf(q, credit.DefaultPageSize)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	for _, st := range []string{credit.SeriousProposed, credit.SeriousHearing, credit.SeriousPendingApproval} {
		items, _, err := s.Credit.FindSeriousList(r.Context(), credit.SeriousFilter{State: st, Region: rq.Actor.Region, Limit: 100}, true)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		d.Open = append(d.Open, items...)
	}
	items, total, err := s.Credit.FindSeriousList(r.Context(), credit.SeriousFilter{State: d.State, Q: d.Q, Region: d.Region,
		Limit: limit, Offset: offset}, true)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Items, d.Pager = items, newPager(total, limit, offset)
	s.render(w, r, http.StatusOK, "credit_serious_work", p)
}

type seriousFormData struct {
	Input            credit.SeriousInput
	RestrictionUntil string
	Circumstances    []string
	Measures         []string
}

func (d *seriousFormData) HasCirc(c string) bool    { return slices.Contains(d.Input.Circumstances, c) }
func (d *seriousFormData) HasMeasure(m string) bool { return slices.Contains(d.Input.Measures, m) }

func (s *Server) handleSeriousNew(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.serious_new", nil), "credit_serious")
	p.Data = &seriousFormData{Input: credit.SeriousInput{USCC: r.URL.Query().Get("uscc"), PenaltyDecisionNo: r.URL.Query().Get("penalty"),
		Measures: credit.Measures}, Circumstances: credit.Circumstances, Measures: credit.Measures}
	s.render(w, r, http.StatusOK, "credit_serious_form", p)
}

func (s *Server) handleSeriousCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	var errs []qcity.FieldError
	in := credit.SeriousInput{USCC: strings.TrimSpace(f("uscc")), PenaltyDecisionNo: f("penalty_decision_no"),
		Circumstances: r.PostForm["circumstances"], Facts: f("facts"), Measures: r.PostForm["measures"],
		IntentEstablished: f("intent_established") == "1", DecisionNo: f("decision_no")}
	in.RestrictionUntil = formDate(&errs, "restriction_until", f("restriction_until"))
	var err error
	var l credit.Serious
	if len(errs) > 0 {
		err = qcity.Invalid(errs...)
	} else {
		l, err = s.Credit.ProposeSerious(r.Context(), in)
	}
	if err != nil {
		s.formFailure(w, r, err, "credit_serious_form", s.Locale.T(reqFrom(r.Context()).Lang, "creditui.serious_new", nil),
			"credit_serious", &seriousFormData{Input: in, RestrictionUntil: f("restriction_until"), Circumstances: credit.Circumstances,
				Measures: credit.Measures})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/credit/serious/%d?saved=1", l.ID), http.StatusSeeOther)
}

type seriousDetailData struct {
	L       credit.Serious
	Steps   []string
	Records []translog.Stored
	Step    string // the step that failed
	Note    string
}

func (s *Server) handleSeriousDetail(w http.ResponseWriter, r *http.Request) {
	s.seriousDetail(w, r, http.StatusOK, "", "", nil)
}

func (s *Server) seriousDetail(w http.ResponseWriter, r *http.Request, status int, step, note string, ferr error) {
	rq := reqFrom(r.Context())
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l, err := s.Credit.FindSerious(r.Context(), id)
	if err == nil {
		err = checkRegion(rq.Actor, l.Region)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, l.Name, "credit_serious")
	s.flashSaved(p, r)
	d := &seriousDetailData{L: l, Step: step, Note: note, Records: s.logRecordsOf(r.Context(), fmt.Sprintf("serious/%d", l.ID))}
	for _, st := range credit.NextSeriousSteps(l.State) {
		// Only the higher level consents to a listing: a county official has no button.
		if st == credit.StepApprove && rq.Actor.Role == qcity.RoleCountyOfficial {
			continue
		}
		d.Steps = append(d.Steps, st)
	}
	p.Data = d
	if ferr != nil {
		if _, done := s.showFailure(w, r, p, ferr); done {
			return
		}
	}
	s.render(w, r, status, "credit_serious", p)
}

func (s *Server) handleSeriousStep(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	step, note := r.PostFormValue("step"), r.PostFormValue("note")
	if _, err := s.Credit.StepSerious(r.Context(), id, step, note); err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID && qe.Code != qcity.ECONFLICT {
			s.renderError(w, r, err)
			return
		}
		s.seriousDetail(w, r, statusOf(qe.Code), step, note, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/credit/serious/%d?saved=1", id), http.StatusSeeOther)
}

// --- Penalties (行政处罚) -------------------------------------------------------------

var penaltyStates = []string{credit.PenaltyPublished, credit.PenaltyUnpublished, credit.PenaltyEnded, credit.PenaltyEndedEarly,
	credit.PenaltyWithdrawn}

type penaltyWorkData struct {
	State, Q, Region string
	States           []string
	Items            []credit.Penalty
	Pager
}

func (s *Server) handlePenaltyWork(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.penalty_work", nil), "credit_penalties")
	q := r.URL.Query()
	d := &penaltyWorkData{State: q.Get("state"), Q: strings.TrimSpace(q.Get("q")), Region: officialRegion(rq.Actor, q.Get("region")),
		States: penaltyStates}
	if !slices.Contains(penaltyStates, d.State) {
		d.State = ""
	}
	p.Data = d
	limit, offset, errs := pageOf(q, credit.DefaultPageSize)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	state := d.State
	if state == "" {
		state = "all"
	}
	items, total, err := s.Credit.FindPenalties(r.Context(), credit.PenaltyFilter{State: state, Q: d.Q, Region: d.Region,
		Limit: limit, Offset: offset})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Items, d.Pager = items, newPager(total, limit, offset)
	s.render(w, r, http.StatusOK, "credit_penalties", p)
}

type penaltyFormData struct {
	Input            credit.PenaltyInput
	DecidedOn        string
	RestrictionUntil string
	Kinds            []credit.PenaltyKind
	Domains          []credit.Domain
}

func (d *penaltyFormData) HasKind(k credit.PenaltyKind) bool {
	return slices.Contains(d.Input.Kinds, string(k))
}

func (s *Server) handlePenaltyNew(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.penalty_new", nil), "credit_penalties")
	p.Data = &penaltyFormData{Input: credit.PenaltyInput{USCC: r.URL.Query().Get("uscc")},
		DecidedOn: qcity.DateOf(s.Clock.Now()).String(), Kinds: credit.PenaltyKinds, Domains: credit.Domains}
	s.render(w, r, http.StatusOK, "credit_penalty_form", p)
}

func (s *Server) handlePenaltyCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	var errs []qcity.FieldError
	in := credit.PenaltyInput{USCC: strings.TrimSpace(f("uscc")), DecisionNo: f("decision_no"), Kinds: r.PostForm["kinds"],
		Fine: f("fine"), Confiscated: f("confiscated"), Domain: f("domain"), Violation: f("violation"), Basis: f("basis"),
		Heavier: f("heavier") == "1"}
	in.DecidedOn = formDate(&errs, "decided_on", f("decided_on"))
	in.RestrictionUntil = formDate(&errs, "restriction_until", f("restriction_until"))
	var err error
	var pen credit.Penalty
	if len(errs) > 0 {
		err = qcity.Invalid(errs...)
	} else {
		pen, err = s.Credit.RecordPenalty(r.Context(), in)
	}
	if err != nil {
		s.formFailure(w, r, err, "credit_penalty_form", s.Locale.T(reqFrom(r.Context()).Lang, "creditui.penalty_new", nil),
			"credit_penalties", &penaltyFormData{Input: in, DecidedOn: f("decided_on"), RestrictionUntil: f("restriction_until"),
				Kinds: credit.PenaltyKinds, Domains: credit.Domains})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/credit/penalties/%d?saved=1", pen.ID), http.StatusSeeOther)
}

type penaltyDetailData struct {
	P           credit.Penalty
	Records     []translog.Stored
	CCStatuses  []string
	CanAnnul    bool
	AnnulNote   string
	Repairable  bool
	NextSerious bool // a heavier penalty may ground a serious-list proposal
}

func (s *Server) handlePenaltyDetail(w http.ResponseWriter, r *http.Request) {
	s.penaltyDetail(w, r, http.StatusOK, "", nil)
}

func (s *Server) penaltyDetail(w http.ResponseWriter, r *http.Request, status int, note string, ferr error) {
	rq := reqFrom(r.Context())
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pen, err := s.Credit.FindPenalty(r.Context(), id)
	if err == nil {
		err = checkRegion(rq.Actor, pen.Region)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, pen.DecisionNo, "credit_penalties")
	s.flashSaved(p, r)
	p.Data = &penaltyDetailData{P: pen, Records: s.logRecordsOf(r.Context(), fmt.Sprintf("penalty/%d", pen.ID)),
		CCStatuses: credit.CreditChinaStatuses, CanAnnul: pen.State != credit.PenaltyWithdrawn, AnnulNote: note,
		Repairable: credit.Repairable(pen.Kinds), NextSerious: pen.Heavier && pen.State != credit.PenaltyWithdrawn}
	if ferr != nil {
		if _, done := s.showFailure(w, r, p, ferr); done {
			return
		}
	}
	s.render(w, r, status, "credit_penalty", p)
}

// CCKey is the catalogue key of a Credit China (信用中国) status; "" is none.
func (p *page) CCKey(status string) string {
	if status == "" {
		return "credit.cc.none"
	}
	return "credit.cc." + status
}

func (s *Server) handlePenaltyAnnul(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	note := r.PostFormValue("note")
	if _, err := s.Credit.AnnulPenalty(r.Context(), id, note); err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID && qe.Code != qcity.ECONFLICT {
			s.renderError(w, r, err)
			return
		}
		s.penaltyDetail(w, r, statusOf(qe.Code), note, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/credit/penalties/%d?saved=1", id), http.StatusSeeOther)
}

func (s *Server) handlePenaltyCreditChina(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if _, err := s.Credit.SetCreditChina(r.Context(), id, r.PostFormValue("credit_china_status")); err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID {
			s.renderError(w, r, err)
			return
		}
		s.penaltyDetail(w, r, statusOf(qe.Code), "", err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/credit/penalties/%d?saved=1", id), http.StatusSeeOther)
}

// --- Credit repair (信用修复) ---------------------------------------------------------

// repairRow is a line of the repair worklist: the next deadline and the working days
// left to it.
type repairRow struct {
	credit.Repair
	Open     bool
	Due      qcity.Date
	DaysLeft int
	Urgency  string // overdue | soon | ok | done
}

func (s *Server) repairRowOf(rp credit.Repair, today qcity.Date) repairRow {
	row := repairRow{Repair: rp, Urgency: "done"}
	switch rp.State {
	case credit.RepairApplied:
		row.Due = rp.DecideBy
		if !rp.AcceptBy.IsZero() {
			row.Due = rp.AcceptBy
		}
	case credit.RepairAccepted:
		row.Due = rp.DecideBy
	default:
		return row
	}
	row.Open = true
	row.DaysLeft = workday.Default().WorkingDaysBetween(today, row.Due)
	switch {
	case rp.Overdue(today):
		row.Urgency = "overdue"
	case row.DaysLeft <= 2:
		row.Urgency = "soon"
	default:
		row.Urgency = "ok"
	}
	return row
}

// repairOrder puts open applications first, the nearest deadline first.
func repairOrder(a, b repairRow) int {
	if a.Open != b.Open {
		if a.Open {
			return -1
		}
		return 1
	}
	if a.Open {
		return cmp.Compare(a.Due.String(), b.Due.String())
	}
	return 0
}

var repairStates = []string{"open", credit.RepairApplied, credit.RepairAccepted, credit.RepairApproved, credit.RepairRejected, "all"}

type repairWorkData struct {
	State  string
	States []string
	Rows   []repairRow
	Today  qcity.Date
	Pager
}

func (s *Server) handleRepairWork(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.repair_work", nil), "credit_repairs")
	q := r.URL.Query()
	today := qcity.DateOf(s.Clock.Now())
	d := &repairWorkData{State: q.Get("state"), States: repairStates, Today: today}
	if !slices.Contains(repairStates, d.State) {
		d.State = "open"
	}
	p.Data = d
	limit, offset, errs := pageOf(q, credit.DefaultPageSize)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	state := d.State
	if state == "all" {
		state = ""
	}
	items, total, err := s.Credit.FindRepairs(r.Context(), credit.RepairFilter{State: state, Limit: limit, Offset: offset})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, it := range items {
		d.Rows = append(d.Rows, s.repairRowOf(it, today))
	}
	slices.SortStableFunc(d.Rows, repairOrder)
	d.Pager = newPager(total, limit, offset)
	s.render(w, r, http.StatusOK, "credit_repairs", p)
}

// repairTarget is what an application is about, for its pages.
type repairTarget struct {
	Abnormal *credit.Abnormal
	Serious  *credit.Serious
	Penalty  *credit.Penalty
}

func (s *Server) repairTargetOf(ctx context.Context, target string, id int64) (repairTarget, error) {
	var t repairTarget
	switch target {
	case credit.TargetAbnormal:
		a, err := s.Credit.FindAbnormal(ctx, id)
		if err != nil {
			return t, err
		}
		t.Abnormal = &a
	case credit.TargetSerious:
		l, err := s.Credit.FindSerious(ctx, id)
		if err != nil {
			return t, err
		}
		t.Serious = &l
	case credit.TargetPenalty:
		pen, err := s.Credit.FindPenalty(ctx, id)
		if err != nil {
			return t, err
		}
		t.Penalty = &pen
	default:
		return t, qcity.Errorf(qcity.ENOTFOUND, "web.not_found")
	}
	return t, nil
}

type repairDetailData struct {
	repairRow
	Of        repairTarget // what the application is about
	Decisions []string
	Note      string
}

func (s *Server) handleRepairDetail(w http.ResponseWriter, r *http.Request) {
	s.repairDetail(w, r, http.StatusOK, "", nil)
}

func (s *Server) repairDetail(w http.ResponseWriter, r *http.Request, status int, note string, ferr error) {
	rq := reqFrom(r.Context())
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rp, err := s.Credit.FindRepair(r.Context(), id)
	if err == nil {
		err = checkRegion(rq.Actor, rp.Region)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	t, err := s.repairTargetOf(r.Context(), rp.Target, rp.TargetID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, "credit.target."+rp.Target, nil)+" · "+rp.Name, "credit_repairs")
	s.flashSaved(p, r)
	d := &repairDetailData{repairRow: s.repairRowOf(rp, qcity.DateOf(s.Clock.Now())), Of: t, Note: note}
	switch rp.State {
	case credit.RepairApplied:
		if rp.Target != credit.TargetAbnormal {
			d.Decisions = []string{credit.DecisionAccept, credit.DecisionReject}
		} else {
			d.Decisions = []string{credit.DecisionApprove, credit.DecisionReject}
		}
	case credit.RepairAccepted:
		d.Decisions = []string{credit.DecisionApprove, credit.DecisionReject}
	}
	p.Data = d
	if ferr != nil {
		if _, done := s.showFailure(w, r, p, ferr); done {
			return
		}
	}
	s.render(w, r, status, "credit_repair", p)
}

func (s *Server) handleRepairDecide(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	note := r.PostFormValue("note")
	if _, err := s.Credit.DecideRepair(r.Context(), id, r.PostFormValue("decision"), note); err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID && qe.Code != qcity.ECONFLICT {
			s.renderError(w, r, err)
			return
		}
		s.repairDetail(w, r, statusOf(qe.Code), note, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/credit/repairs/%d?saved=1", id), http.StatusSeeOther)
}

// handleCreditDocument sends a stored document as an attachment, never to be shown
// inline: the enterprise's own or, for officials, one of their region's.
func (s *Server) handleCreditDocument(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	doc, data, err := s.Credit.DocumentData(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	sendAttachment(w, doc.Name, doc.ContentType, data)
}

// --- Risk classes (信用风险分类, internal) ----------------------------------------------

type riskRow struct {
	Class string
	N     int
	Total int
	Ratio float64
}

type riskData struct {
	Rows    []riskRow
	Total   int
	USCC    string
	Class   *credit.RiskClass
	Config  credit.RiskConfig
	Factors []reportField // the looked-up entity's factors, labelled
}

func (s *Server) handleRiskPage(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.risk", nil), "credit_risk")
	cfg := s.Credit.Config().Risk
	d := &riskData{USCC: strings.TrimSpace(r.URL.Query().Get("uscc")), Config: cfg}
	p.Data = d
	dist, err := s.Credit.RiskDistribution(r.Context(), rq.Actor.Region)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, c := range credit.RiskClasses {
		d.Total += dist[c]
	}
	for _, c := range credit.RiskClasses {
		d.Rows = append(d.Rows, riskRow{Class: c, N: dist[c], Total: d.Total, Ratio: cfg.Ratio(c)})
	}
	status := http.StatusOK
	if d.USCC != "" {
		rc, err := s.Credit.RiskOf(r.Context(), d.USCC)
		switch qcity.ErrorCode(err) {
		case "":
			d.Class = &rc
			f := rc.Factors
			yes := func(b bool) string { return map[bool]string{true: p.T("ui.yes"), false: p.T("ui.no")}[b] }
			d.Factors = []reportField{{"creditui.factor_serious", yes(f.SeriousListed)},
				{"creditui.factor_abnormal", strconv.Itoa(f.AbnormalListed)}, {"creditui.factor_penalties", strconv.Itoa(f.Penalties)},
				{"creditui.factor_heavier", strconv.Itoa(f.HeavierPenalties)}, {"creditui.factor_sampling", strconv.Itoa(f.SamplingFailures)},
				{"creditui.factor_certs", strconv.Itoa(f.CertSuspensions)}, {"creditui.factor_report_missing", yes(f.ReportMissing)},
				{"creditui.factor_report_late", yes(f.ReportLate)}, {"creditui.factor_new", yes(f.NewEntity)}}
		case qcity.ENOTFOUND, qcity.EINVALID:
			p.Error = qcity.Invalid(qcity.Field("uscc", "registry.entity_not_found", "uscc", d.USCC))
			p.Fields, status = s.fieldMessages(rq.Lang, p.Error), http.StatusNotFound
		default:
			s.renderError(w, r, err)
			return
		}
	}
	s.render(w, r, status, "credit_risk", p)
}

// --- Configuration (信用配置, administrators) --------------------------------------------

// riskFields are the integer fields of the risk score, in the form's order.
var riskFields = []string{"serious_listed", "abnormal_listed", "abnormal_max", "penalty", "penalty_heavier", "penalty_max",
	"sampling_failure", "sampling_max", "cert_suspension", "report_missing", "report_late", "new_entity", "class_b", "class_c", "class_d"}

var ratioFields = []string{"ratio_a", "ratio_b", "ratio_c", "ratio_d"}

func riskInts(c *credit.RiskConfig) map[string]*int {
	return map[string]*int{"serious_listed": &c.SeriousListed, "abnormal_listed": &c.AbnormalListed, "abnormal_max": &c.AbnormalMax,
		"penalty": &c.Penalty, "penalty_heavier": &c.PenaltyHeavier, "penalty_max": &c.PenaltyMax, "sampling_failure": &c.SamplingFailure,
		"sampling_max": &c.SamplingMax, "cert_suspension": &c.CertSuspension, "report_missing": &c.ReportMissing,
		"report_late": &c.ReportLate, "new_entity": &c.NewEntity, "class_b": &c.ClassB, "class_c": &c.ClassC, "class_d": &c.ClassD}
}

func riskRatios(c *credit.RiskConfig) map[string]*float64 {
	return map[string]*float64{"ratio_a": &c.RatioA, "ratio_b": &c.RatioB, "ratio_c": &c.RatioC, "ratio_d": &c.RatioD}
}

type configFormData struct {
	Values      map[string]string
	Approval    bool
	RiskFields  []string
	RatioFields []string
}

func configFormOf(c credit.Config) *configFormData {
	d := &configFormData{Values: map[string]string{"threshold_person": credit.FormatYuan(c.Thresholds.PersonFen),
		"threshold_org": credit.FormatYuan(c.Thresholds.OrgFen)}, Approval: c.SeriousApproval, RiskFields: riskFields, RatioFields: ratioFields}
	for k, v := range riskInts(&c.Risk) {
		d.Values[k] = strconv.Itoa(*v)
	}
	for k, v := range riskRatios(&c.Risk) {
		d.Values[k] = strconv.FormatFloat(*v, 'f', -1, 64)
	}
	return d
}

func (s *Server) handleCreditConfig(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "creditui.config", nil), "credit_config")
	s.flashSaved(p, r)
	p.Data = configFormOf(s.Credit.Config())
	s.render(w, r, http.StatusOK, "credit_config", p)
}

func (s *Server) handleCreditConfigSave(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	c := s.Credit.Config()
	d := &configFormData{Values: map[string]string{}, Approval: f("serious_approval") == "1", RiskFields: riskFields, RatioFields: ratioFields}
	var errs []qcity.FieldError
	for _, k := range []string{"threshold_person", "threshold_org"} {
		d.Values[k] = strings.TrimSpace(f(k))
		fen, err := credit.ParseYuan(d.Values[k])
		if err != nil {
			errs = append(errs, qcity.Field(k, "credit.amount_format"))
		}
		if k == "threshold_person" {
			c.Thresholds.PersonFen = fen
		} else {
			c.Thresholds.OrgFen = fen
		}
	}
	for k, ptr := range riskInts(&c.Risk) {
		d.Values[k] = strings.TrimSpace(f(k))
		n, err := strconv.Atoi(d.Values[k])
		if err != nil {
			errs = append(errs, qcity.Field(k, "creditui.integer"))
		}
		*ptr = n
	}
	for k, ptr := range riskRatios(&c.Risk) {
		d.Values[k] = strings.TrimSpace(f(k))
		x, err := strconv.ParseFloat(d.Values[k], 64)
		if err != nil {
			errs = append(errs, qcity.Field(k, "creditui.number"))
		}
		*ptr = x
	}
	c.SeriousApproval = d.Approval
	var err error
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b qcity.FieldError) int { return strings.Compare(a.Field, b.Field) })
		err = qcity.Invalid(errs...)
	} else {
		err = s.Credit.SaveConfig(r.Context(), c)
	}
	if err != nil {
		s.formFailure(w, r, err, "credit_config", s.Locale.T(reqFrom(r.Context()).Lang, "creditui.config", nil), "credit_config", d)
		return
	}
	http.Redirect(w, r, "/admin/credit?saved=1", http.StatusSeeOther)
}

// YuanText shows an amount in yuan written as text ("5000.00") with thousands
// separators; text that is not an amount is shown as it is.
func (p *page) YuanText(s string) string {
	fen, err := credit.ParseYuan(s)
	if err != nil || s == "" {
		return s
	}
	return p.Yuan(fen)
}
