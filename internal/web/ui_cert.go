package web

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/certification"
	"qcity/internal/credit"
	"qcity/internal/locale"
	"qcity/internal/registry"
	"qcity/internal/sheet"
)

// The working pages of certification oversight (认证监管): the bodies' portal (their
// certificates, registration, import, flags) and the officials' workspace (the
// registry, leads, cases, bodies' approvals, the dashboard). The certification service
// checks who may do what; the handlers show what it answers.

type certListData struct {
	Filter  certification.Filter
	Items   []certification.Certificate
	Schemes []certification.SchemeInfo
	Body    bool // a body's own list
	Pager
}

// certListFilter reads the list's filters; a body sees its own certificates.
func certListFilter(r *http.Request) (certification.Filter, error) {
	f, errs := certFilterOf(r.URL.Query(), 50)
	if len(errs) > 0 {
		return f, qcity.Invalid(errs...)
	}
	if a := reqFrom(r.Context()).Actor; a.Role == qcity.RoleCertificationBody {
		f.BodyID, f.Issuer = a.OrgID, ""
		if a.OrgID == 0 {
			return f, qcity.Errorf(qcity.EFORBIDDEN, "cert.account_no_body")
		}
	}
	return f, nil
}

func (s *Server) handleCertList(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	f, err := certListFilter(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &certListData{Filter: f, Schemes: certification.Schemes, Body: rq.Actor.Role == qcity.RoleCertificationBody}
	items, total, err := s.Certification.FindCertificates(r.Context(), f)
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID {
			s.renderError(w, r, err)
			return
		}
		p := s.newPage(r, s.Locale.T(rq.Lang, "certui.registry", nil), "cert_list")
		p.Error, p.Fields, p.Data = qe, s.fieldMessages(rq.Lang, qe), d
		s.render(w, r, statusOf(qe.Code), "cert_list", p)
		return
	}
	d.Items, d.Pager = items, newPager(total, f.Limit, f.Offset)
	title := "certui.registry"
	if d.Body {
		title = "certui.my_certificates"
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, title, nil), "cert_list")
	s.flashSaved(p, r)
	if n := r.URL.Query().Get("imported"); n != "" {
		p.Flash = p.T("certui.imported", "n", n)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "cert_list", p)
}

// handleCertExport exports the filtered list to Excel (up to 100,000 rows).
func (s *Server) handleCertExport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	f, err := certListFilter(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f.Offset = 0
	var all []certification.Certificate
	for {
		f.Limit = certification.MaxPageSize
		items, total, err := s.Certification.FindCertificates(r.Context(), f)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if total > maxListExportRows { // refused whole, as the other exports, never cut short
			s.renderError(w, r, qcity.Errorf(qcity.ETOOLARGE, "registry.export_too_large", "max", maxListExportRows, "count", total))
			return
		}
		all = append(all, items...)
		f.Offset += len(items)
		if len(items) == 0 || f.Offset >= total {
			break
		}
	}
	t := func(key string) string { return s.Locale.T(rq.Lang, key, nil) }
	rows := iter.Seq[[]string](func(yield func([]string) bool) {
		for _, c := range all {
			if !yield([]string{c.Number, t("cert.scheme." + string(c.Scheme)), c.HolderName, c.HolderUSCC, c.ScopeText(), c.Standard,
				c.BodyName, c.IssuedOn.String(), c.ExpiresOn.String(), t("cert.status." + string(c.Public.Status))}) {
				return
			}
		}
	})
	var buf bytes.Buffer
	if err := sheet.WriteXLSX(&buf, t("certui.registry"), certification.ExportColumns, string(rq.Lang), rows); err != nil {
		s.renderError(w, r, qcity.Internal(err))
		return
	}
	name := fmt.Sprintf("certificates-%s.xlsx", s.Clock.Now().In(qcity.China).Format("20060102-150405"))
	writeXLSX(w, name, buf.Bytes())
}

type certFormData struct {
	Input    certification.CertificateInput
	Schemes  []certification.SchemeInfo
	Official bool
	Bodies   []registry.Organisation
	Warnings []certification.Warning
}

func (s *Server) certForm(r *http.Request, in certification.CertificateInput) *certFormData {
	d := &certFormData{Input: in, Schemes: certification.Schemes}
	if a := reqFrom(r.Context()).Actor; a.Role != qcity.RoleCertificationBody {
		d.Official = true
		d.Bodies, _, _ = s.Registry.FindOrganisations(r.Context(), registry.OrganisationFilter{Kind: string(registry.OrgCertificationBody),
			Status: string(registry.OrgValid), Limit: registry.MaxPageSize})
	}
	return d
}

func (s *Server) handleCertNew(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "certui.new", nil), "cert_new")
	in := certification.CertificateInput{Scheme: r.URL.Query().Get("scheme")}
	if in.Scheme == "" {
		in.Scheme = string(certification.SchemeCCC)
	}
	p.Data = s.certForm(r, in)
	s.render(w, r, http.StatusOK, "cert_form", p)
}

func certInputOf(r *http.Request) certification.CertificateInput {
	f := r.PostFormValue
	return certification.CertificateInput{Number: f("number"), Scheme: f("scheme"), Body: f("issuer"), HolderName: f("holder"),
		HolderUSCC: f("holder_uscc"), HolderAddress: f("holder_address"), Product: f("product"), Models: f("models"),
		Brand: f("brand"), Manufacturer: f("manufacturer"), Factory: f("factory"), Scope: f("scope"), Standard: f("standard"),
		CertMode: f("cert_mode"), IssuedOn: f("issued_on"), ExpiresOn: f("expires_on"), FirstIssuedOn: f("first_issued_on")}
}

func (s *Server) handleCertCreate(w http.ResponseWriter, r *http.Request) {
	in := certInputOf(r)
	res, err := s.Certification.RegisterCertificate(r.Context(), in)
	if err != nil {
		s.formFailure(w, r, err, "cert_form", s.Locale.T(reqFrom(r.Context()).Lang, "certui.new", nil), "cert_new", s.certForm(r, in))
		return
	}
	next := "/certificates/" + url.PathEscape(res.Certificate.Number) + "?saved=1"
	for _, wn := range res.Warnings {
		next += "&warn=" + url.QueryEscape(wn.Code)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

type certImportData struct {
	Columns  []sheet.Column
	Filename string
	Result   *certification.ImportResult
}

func (s *Server) handleCertImportForm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "certui.import", nil), "cert_import")
	p.Data = &certImportData{Columns: certification.Columns}
	s.render(w, r, http.StatusOK, "cert_import", p)
}

func (s *Server) handleCertTemplate(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	cols := certification.Columns
	if rq.Actor.Role == qcity.RoleCertificationBody {
		cols = cols[:len(cols)-1] // a body's file registers its own: no issuer column
	}
	var buf bytes.Buffer
	if err := sheet.Template(&buf, s.Locale.T(rq.Lang, "certui.registry", nil), cols, string(rq.Lang)); err != nil {
		s.renderError(w, r, qcity.Internal(err))
		return
	}
	writeXLSX(w, "certificates-template.xlsx", buf.Bytes())
}

func (s *Server) handleCertImport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "certui.import", nil), "cert_import")
	d := &certImportData{Columns: certification.Columns}
	p.Data = d
	file, header, ok := s.uploadedFile(w, r, p, "cert_import")
	if !ok {
		return
	}
	defer file.Close()
	d.Filename = header.Filename
	res, err := s.Certification.ImportCertificates(r.Context(), file, header.Filename)
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code == qcity.EINTERNAL || qe.Code == qcity.EFORBIDDEN {
			s.renderError(w, r, err)
			return
		}
		p.Error, p.Fields = qe, s.fieldMessages(rq.Lang, qe)
		s.render(w, r, statusOf(qe.Code), "cert_import", p)
		return
	}
	d.Result = &res
	s.render(w, r, http.StatusOK, "cert_import", p)
}

// CertImportErrors are the row errors of a rejected file, with the column headers.
func (p *page) CertImportErrors() []RowError {
	if p.Error == nil {
		return nil
	}
	header := map[string]string{}
	for _, c := range certification.Columns {
		header[c.Field] = map[bool]string{true: c.EN, false: c.ZH}[p.EN()]
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

// certActionFailure shows the certificate page again with the error beside its form.
func (s *Server) certActionFailure(w http.ResponseWriter, r *http.Request, err error) {
	qe := qcity.AsError(err)
	if qe.Code != qcity.EINVALID && qe.Code != qcity.ECONFLICT {
		s.renderError(w, r, err)
		return
	}
	d, derr := s.certPage(r, r.PathValue("number"))
	if derr != nil {
		s.renderError(w, r, derr)
		return
	}
	rq := reqFrom(r.Context())
	p := s.newPage(r, d.C.Number, "cert_verify")
	p.Error, p.Fields, p.Data = qe, s.fieldMessages(rq.Lang, qe), d
	s.render(w, r, statusOf(qe.Code), "cert_detail", p)
}

func (s *Server) handleCertStatus(w http.ResponseWriter, r *http.Request) {
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	status, reason := r.PostFormValue("status"), r.PostFormValue("reason")
	// The page's form offers each allowed change as one choice, "status/reason".
	if st, rs, ok := strings.Cut(r.PostFormValue("change"), "/"); ok {
		status, reason = st, rs
	}
	c, err := s.Certification.ChangeStatus(r.Context(), r.PathValue("number"), certification.StatusChange{
		Status: status, Reason: reason, Note: r.PostFormValue("note"), Version: version})
	if err != nil {
		s.certActionFailure(w, r, err)
		return
	}
	http.Redirect(w, r, "/certificates/"+url.PathEscape(c.Number)+"?saved=1", http.StatusSeeOther)
}

func (s *Server) handleCertRenew(w http.ResponseWriter, r *http.Request) {
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	c, err := s.Certification.Renew(r.Context(), r.PathValue("number"), certification.Renewal{IssuedOn: r.PostFormValue("issued_on"),
		ExpiresOn: r.PostFormValue("expires_on"), Note: r.PostFormValue("note"), Version: version})
	if err != nil {
		s.certActionFailure(w, r, err)
		return
	}
	http.Redirect(w, r, "/certificates/"+url.PathEscape(c.Number)+"?saved=1", http.StatusSeeOther)
}

type certFlagsData struct {
	State     string
	States    []string
	Items     []certification.Flag
	Responses []string
	Offences  []certification.Offence
	Body      bool
	Pager
}

func (s *Server) certFlagsPage(w http.ResponseWriter, r *http.Request, p *page, status int) {
	f, errs := flagFilterOf(r.URL.Query())
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	d := &certFlagsData{State: f.State, States: []string{certification.FlagOpen, "overdue", certification.FlagResponded, certification.FlagWithdrawn}, Responses: certification.Responses, Offences: certification.Offences,
		Body: reqFrom(r.Context()).Actor.Role == qcity.RoleCertificationBody}
	items, total, err := s.Certification.FindFlags(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Items, d.Pager = items, newPager(total, f.Limit, f.Offset)
	p.Data = d
	s.render(w, r, status, "cert_flags", p)
}

func (s *Server) handleCertFlags(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "certui.flags", nil), "cert_flags")
	s.flashSaved(p, r)
	s.certFlagsPage(w, r, p, http.StatusOK)
}

func (s *Server) handleCertFlagRespond(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	_, err = s.Certification.RespondFlag(r.Context(), id, certification.FlagResponse{Response: r.PostFormValue("response"),
		Note: r.PostFormValue("note")})
	if err != nil {
		p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "certui.flags", nil), "cert_flags")
		status, done := s.showFailure(w, r, p, err)
		if done {
			return
		}
		// The field errors name the flag, so the page shows them beside its form.
		p.Fields = map[string][]string{fmt.Sprintf("flag-%d", id): flatten(p.Fields)}
		s.certFlagsPage(w, r, p, status)
		return
	}
	http.Redirect(w, r, "/cert/flags?saved=1", http.StatusSeeOther)
}

func flatten(m map[string][]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v...)
	}
	return out
}

type certLeadsData struct {
	State, Kind, Q string
	States, Kinds  []string
	Items          []certification.Lead
	Offences       []certification.Offence
	Pager
}

func (s *Server) certLeadsPage(w http.ResponseWriter, r *http.Request, p *page, status int) {
	q := r.URL.Query()
	limit, offset, errs := pageOf(q, 50)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	d := &certLeadsData{State: q.Get("state"), Kind: q.Get("kind"), Q: q.Get("q"), Offences: certification.Offences,
		States: []string{certification.LeadOpen, certification.LeadCase, certification.LeadDismissed},
		Kinds:  []string{certification.LeadUnknownNumber, certification.LeadHolderMismatch}}
	if _, ok := q["state"]; !ok {
		d.State = certification.LeadOpen
	}
	items, total, err := s.Certification.FindLeads(r.Context(), certification.LeadFilter{State: d.State, Kind: d.Kind, Q: d.Q,
		Limit: limit, Offset: offset})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Items, d.Pager = items, newPager(total, limit, offset)
	p.Data = d
	s.render(w, r, status, "cert_leads", p)
}

func (s *Server) handleCertLeads(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "certui.leads", nil), "cert_leads")
	s.flashSaved(p, r)
	s.certLeadsPage(w, r, p, http.StatusOK)
}

func (s *Server) handleCertLeadDismiss(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if _, err := s.Certification.DismissLead(r.Context(), id, r.PostFormValue("note")); err != nil {
		p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "certui.leads", nil), "cert_leads")
		status, done := s.showFailure(w, r, p, err)
		if done {
			return
		}
		p.Fields = map[string][]string{fmt.Sprintf("lead-%d", id): flatten(p.Fields)}
		s.certLeadsPage(w, r, p, status)
		return
	}
	http.Redirect(w, r, "/cert/leads?saved=1", http.StatusSeeOther)
}

type certCasesData struct {
	State, Q string
	Items    []certification.Case
	Offences []certification.Offence
	Input    certification.CaseInput
	Pager
}

func (s *Server) certCasesPage(w http.ResponseWriter, r *http.Request, p *page, status int, in certification.CaseInput) {
	q := r.URL.Query()
	limit, offset, errs := pageOf(q, 50)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	d := &certCasesData{State: q.Get("state"), Q: q.Get("q"), Offences: certification.Offences, Input: in}
	items, total, err := s.Certification.FindCases(r.Context(), certification.CaseFilter{State: d.State, Q: d.Q, Limit: limit, Offset: offset})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Items, d.Pager = items, newPager(total, limit, offset)
	p.Data = d
	s.render(w, r, status, "cert_cases", p)
}

func (s *Server) handleCertCases(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "certui.cases", nil), "cert_cases")
	s.certCasesPage(w, r, p, http.StatusOK, certification.CaseInput{Source: certification.SourceManual})
}

// handleCertCaseOpen opens a case from a lead, a flag or the manual form.
func (s *Server) handleCertCaseOpen(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	leadID, _ := strconv.ParseInt(f("lead_id"), 10, 64)
	flagID, _ := strconv.ParseInt(f("flag_id"), 10, 64)
	in := certification.CaseInput{Source: f("source"), LeadID: leadID, FlagID: flagID, Number: f("number"), Offence: f("offence"),
		SubjectName: f("subject"), SubjectUSCC: f("subject_uscc"), Summary: f("summary")}
	c, err := s.Certification.OpenCase(r.Context(), in)
	if err != nil {
		rq := reqFrom(r.Context())
		p := s.newPage(r, s.Locale.T(rq.Lang, "certui.cases", nil), "cert_cases")
		status, done := s.showFailure(w, r, p, err)
		if done {
			return
		}
		switch in.Source {
		case certification.SourceLead:
			p.Fields = map[string][]string{fmt.Sprintf("lead-%d", leadID): flatten(p.Fields)}
			s.certLeadsPage(w, r, p, status)
		case certification.SourceFlag:
			p.Fields = map[string][]string{fmt.Sprintf("flag-%d", flagID): flatten(p.Fields)}
			s.certFlagsPage(w, r, p, status)
		default:
			s.certCasesPage(w, r, p, status, in)
		}
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cert/cases/%d?saved=1", c.ID), http.StatusSeeOther)
}

type certCaseData struct {
	Case     certification.Case
	Offence  certification.Offence
	Outcomes []string
	Penalty  certification.PenaltyRequest
	Kinds    []credit.PenaltyKind
	Facts    string
	Files    int
}

func (s *Server) certCasePage(w http.ResponseWriter, r *http.Request, p *page, status int, edit func(d *certCaseData)) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c, err := s.Certification.FindCase(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	o, _ := certification.OffenceOf(c.Offence)
	d := &certCaseData{Case: c, Offence: o, Outcomes: certification.Outcomes, Kinds: credit.PenaltyKinds, Files: certification.MaxFiles,
		Penalty: certification.PenaltyRequest{Kinds: []string{string(credit.PenaltyFine)}, Fine: o.FineYuan, Basis: o.Basis,
			DecidedOn: qcity.DateOf(s.Clock.Now()), Violation: p.T("certui.violation_default", "offence", p.T("cert.offence."+c.Offence), "number", c.Number)},
		Facts: c.Summary}
	if edit != nil {
		edit(d)
	}
	p.Title = c.CaseNo
	p.Data = d
	s.render(w, r, status, "cert_case", p)
}

func (s *Server) handleCertCase(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "", "cert_cases")
	s.flashSaved(p, r)
	s.certCasePage(w, r, p, http.StatusOK, nil)
}

// caseFailure shows the case page again with the error beside the form that failed.
func (s *Server) caseFailure(w http.ResponseWriter, r *http.Request, err error, edit func(d *certCaseData)) {
	p := s.newPage(r, "", "cert_cases")
	status, done := s.showFailure(w, r, p, err)
	if done {
		return
	}
	s.certCasePage(w, r, p, status, edit)
}

func (s *Server) handleCertCaseEvidence(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var files []certification.Upload
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["files"] {
			f, err := fh.Open()
			if err != nil {
				s.renderError(w, r, qcity.Internal(err))
				return
			}
			data, err := io.ReadAll(io.LimitReader(f, certification.MaxFileBytes+1))
			f.Close()
			if err != nil {
				s.renderError(w, r, qcity.Internal(err))
				return
			}
			files = append(files, certification.Upload{Name: fh.Filename, Data: data})
		}
	}
	if _, err := s.Certification.AddEvidence(r.Context(), id, files); err != nil {
		s.caseFailure(w, r, err, nil)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cert/cases/%d?saved=1#evidence", id), http.StatusSeeOther)
}

func (s *Server) handleCertCaseDocument(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	doc, data, err := s.Certification.DocumentData(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	sendAttachment(w, doc.Name, doc.ContentType, data)
}

func (s *Server) handleCertCaseOutcome(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err := s.Certification.CloseCase(r.Context(), id, certification.CaseOutcome{Outcome: r.PostFormValue("outcome"),
		Note: r.PostFormValue("note"), Version: version}); err != nil {
		s.caseFailure(w, r, err, nil)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cert/cases/%d?saved=1", id), http.StatusSeeOther)
}

func (s *Server) handleCertCasePenalty(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := r.PostFormValue
	var errs []qcity.FieldError
	in := certification.PenaltyRequest{DecisionNo: f("decision_no"), DecidedOn: formDate(&errs, "decided_on", f("decided_on")),
		Kinds: r.PostForm["kinds"], Fine: f("fine"), Confiscated: f("confiscated"), Violation: f("violation"), Basis: f("basis"),
		Heavier: f("heavier") == "1"}
	if len(errs) == 0 {
		_, err = s.Certification.CasePenalty(r.Context(), id, in)
	} else {
		err = qcity.Invalid(errs...)
	}
	if err != nil {
		s.caseFailure(w, r, err, func(d *certCaseData) { d.Penalty = in })
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cert/cases/%d?saved=1", id), http.StatusSeeOther)
}

func (s *Server) handleCertCaseSerious(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := r.PostFormValue
	in := certification.SeriousRequest{Facts: f("facts"), IntentEstablished: f("intent_established") == "1", DecisionNo: f("decision_no")}
	if _, err := s.Certification.CaseSerious(r.Context(), id, in); err != nil {
		s.caseFailure(w, r, err, func(d *certCaseData) { d.Facts = in.Facts })
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cert/cases/%d?saved=1", id), http.StatusSeeOther)
}

type certBodiesData struct {
	Kind     string
	Items    []certification.BodyInfo
	Statuses []registry.OrgStatus
}

func (s *Server) certBodiesPage(w http.ResponseWriter, r *http.Request, p *page, status int) {
	kind := r.URL.Query().Get("kind")
	if kind == "" {
		kind = string(registry.OrgCertificationBody)
	}
	items, err := s.Certification.Bodies(r.Context(), kind)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for i := range items {
		items[i].History, _ = s.Certification.AccreditationHistory(r.Context(), items[i].ID)
	}
	p.Data = &certBodiesData{Kind: kind, Items: items, Statuses: registry.OrgStatuses}
	s.render(w, r, status, "cert_bodies", p)
}

func (s *Server) handleCertBodies(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "certui.bodies", nil), "cert_bodies")
	s.flashSaved(p, r)
	s.certBodiesPage(w, r, p, http.StatusOK)
}

func (s *Server) handleCertAccreditation(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	o, err := s.Certification.SetAccreditation(r.Context(), id, certification.AccreditationChange{Status: r.PostFormValue("status"),
		Reason: r.PostFormValue("reason"), Version: version})
	if err != nil {
		p := s.newPage(r, s.Locale.T(reqFrom(r.Context()).Lang, "certui.bodies", nil), "cert_bodies")
		status, done := s.showFailure(w, r, p, err)
		if done {
			return
		}
		p.Fields = map[string][]string{fmt.Sprintf("org-%d", id): flatten(p.Fields)}
		s.certBodiesPage(w, r, p, status)
		return
	}
	http.Redirect(w, r, "/cert/bodies?saved=1&kind="+string(o.Kind)+"#org-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

type certOversightData struct {
	O     certification.Oversight
	Chart map[string]any // drawn by static/cert.js; the template writes it as JSON
}

// ResponseMean shows the mean working days a body took to answer its flags.
func (p *page) ResponseMean(b certification.BodyStats) string {
	if b.Responded == 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(b.ResponseDays)/float64(b.Responded), 'f', 1, 64)
}

// LabReportMean shows the mean working days a lab took to report.
func (p *page) LabReportMean(l certification.LabStats) string {
	if l.Tested == 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(l.ReportDays)/float64(l.Tested), 'f', 1, 64)
}

// handleCertOversight is the dashboard (认证监管看板): KPI cards, failure rates of
// certified products by body and by lab, how fast bodies answer their flags, and the
// anomalies; each chart's data table is on the page.
func (s *Server) handleCertOversight(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	o, err := s.Certification.Oversight(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.localizeAnomalies(o.Anomalies)
	t := func(key string) string { return s.Locale.T(rq.Lang, key, nil) }
	type bar struct {
		Label   string   `json:"label"`
		Failed  int      `json:"failed"`
		Judged  int      `json:"judged"`
		Rate    *float64 `json:"rate"`
		Days    *float64 `json:"days,omitempty"`
		Overdue int      `json:"overdue"`
		Open    int      `json:"open"`
	}
	rate := func(n, d int) *float64 {
		if d == 0 {
			return nil
		}
		v := float64(n*10000/d) / 100
		return &v
	}
	var bodies, labs []bar
	for _, b := range o.Bodies {
		x := bar{Label: b.Name, Failed: b.Failed, Judged: b.Sampled, Rate: rate(b.Failed, b.Sampled), Overdue: b.Overdue, Open: b.Open}
		if b.Responded > 0 {
			v := float64(b.ResponseDays) / float64(b.Responded)
			x.Days = &v
		}
		bodies = append(bodies, x)
	}
	for i, l := range o.Labs {
		if i == 15 {
			break
		}
		labs = append(labs, bar{Label: l.Name, Failed: l.Failed, Judged: l.Tested, Rate: rate(l.Failed, l.Tested)})
	}
	chart := map[string]any{"lang": string(rq.Lang), "bodies": bodies, "labs": labs,
		"status": func() []map[string]any {
			var out []map[string]any
			for _, st := range certification.Statuses {
				out = append(out, map[string]any{"status": st, "label": t("cert.status." + string(st)), "n": o.ByStatus[st]})
			}
			return out
		}(),
		"labels": map[string]string{"failure_rate": t("certui.failure_rate"), "samples": t("certui.sampled"), "failed": t("certui.failed"),
			"response_days": t("certui.response_days"), "open": t("certui.open_flags"), "overdue": t("certui.overdue_flags"),
			"no_data": t("certui.no_data"), "status": t("certui.status_mix")}}
	if rq.Lang == locale.EN {
		chart["lang"] = "en"
	}
	p := s.newPage(r, t("certui.oversight"), "cert_oversight")
	p.Data = &certOversightData{O: o, Chart: chart}
	s.render(w, r, http.StatusOK, "cert_oversight", p)
}
