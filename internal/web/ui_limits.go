package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"qcity"
	"qcity/internal/limits"
)

// The limits catalogue (标准限量库) in the officials' workspace: the list with its
// filters, export, template and import, and the form for a new limit.

type limitsData struct {
	Filter     limits.Filter
	Items      []limits.Entry
	Total      int
	Page       int
	Pages      int
	PrevOffset int
	NextOffset int
	HasPrev    bool
	HasNext    bool
	Statuses   []limits.Status
	Kinds      []string
	Counts     map[string]int // entries by status
	Today      qcity.Date
}

// limitFilterOf reads the list filters shared by the page, the export and the API.
func limitFilterOf(r *http.Request) (limits.Filter, error) {
	q := r.URL.Query()
	f := limits.Filter{Q: q.Get("q"), Standard: q.Get("standard"), Status: q.Get("status"), Kind: q.Get("kind")}
	var errs []qcity.FieldError
	f.Limit, f.Offset, errs = pageOf(q, 50)
	if len(errs) > 0 {
		return f, qcity.Invalid(errs...)
	}
	if q.Get("limit") != "" && f.Limit == 0 {
		return f, qcity.Invalid(qcity.Field("limit", "registry.limit_range", "max", limits.MaxPageSize))
	}
	return f, nil
}

func (s *Server) handleLimitList(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.limits", nil), "limits")
	d := &limitsData{Statuses: limits.Statuses, Kinds: limits.LimitKinds, Today: qcity.DateOf(s.Clock.Now())}
	f, err := limitFilterOf(r)
	d.Filter = f
	if err == nil {
		d.Items, d.Total, err = s.Limits.Find(r.Context(), f)
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
	counts, err := s.Limits.StatusCounts(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Counts = map[string]int{}
	for st, n := range counts {
		d.Counts[string(st)] = n
	}
	limit := max(d.Filter.Limit, 1)
	d.Page, d.Pages = d.Filter.Offset/limit+1, (d.Total+limit-1)/limit
	d.HasPrev, d.PrevOffset = d.Filter.Offset > 0, max(0, d.Filter.Offset-limit)
	d.HasNext, d.NextOffset = d.Filter.Offset+limit < d.Total, d.Filter.Offset+limit
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("limitscat.saved")
	}
	p.Data = d
	s.render(w, r, status, "limits", p)
}

// LimitStatusClass is the badge class of a status: green for current, grey for
// superseded, orange for unconfirmed.
func (p *page) LimitStatusClass(st limits.Status) string {
	switch st {
	case limits.StatusCurrent:
		return "status-active"
	case limits.StatusSuperseded:
		return "grey"
	}
	return "org-suspended"
}

// LimitApplies reports whether LimitFor may ever choose the entry: unconfirmed
// entries and superseded ones without an end date are for reference only.
func (p *page) LimitApplies(e limits.Entry) bool {
	return e.Status == limits.StatusCurrent || e.Status == limits.StatusSuperseded && !e.ValidTo.IsZero()
}

func (s *Server) handleLimitExport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	f, err := limitFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// Rendered into memory first, so a failure half-way gives an error page rather
	// than a truncated file.
	var buf bytes.Buffer
	label := func(key string) string { return s.Locale.T(rq.Lang, key, nil) }
	if _, err := s.Limits.Export(r.Context(), &buf, f, string(rq.Lang), label); err != nil {
		s.renderError(w, r, err)
		return
	}
	name := fmt.Sprintf("limits-%s.xlsx", s.Clock.Now().In(qcity.China).Format("20060102-150405"))
	writeXLSX(w, name, buf.Bytes())
}

func (s *Server) handleLimitTemplate(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	var buf bytes.Buffer
	if err := limits.Template(&buf, string(rq.Lang), s.Locale.T(rq.Lang, "limitscat.sheet_name", nil)); err != nil {
		s.renderError(w, r, err)
		return
	}
	writeXLSX(w, "limits-template.xlsx", buf.Bytes())
}

type limitImportData struct {
	Result   *limits.ImportResult
	Filename string
	Columns  any
}

// handleLimitImport imports an uploaded CSV or .xlsx file of limits whole or not at
// all, and shows the outcome: the counts, or each row's errors.
func (s *Server) handleLimitImport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "limitscat.import", nil), "limits")
	d := &limitImportData{Columns: limits.Columns}
	p.Data = d
	file, header, ok := s.uploadedFile(w, r, p, "limits_import")
	if !ok {
		return
	}
	defer file.Close()
	d.Filename = header.Filename
	res, err := s.Limits.Import(r.Context(), file, header.Filename)
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code == qcity.EINTERNAL || qe.Code == qcity.EFORBIDDEN {
			s.renderError(w, r, err)
			return
		}
		p.Error = qe
		s.render(w, r, statusOf(qe.Code), "limits_import", p)
		return
	}
	d.Result = &res
	s.render(w, r, http.StatusOK, "limits_import", p)
}

// LimitImportErrors renders the row errors of a limits import for the template, each
// with its column's header in the page's language.
func (p *page) LimitImportErrors() []RowError {
	if p.Error == nil {
		return nil
	}
	header := map[string]string{}
	for _, c := range limits.Columns {
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

type limitFormData struct {
	Input    limits.EntryInput
	Statuses []limits.Status
}

func (s *Server) handleLimitNew(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "limitscat.new", nil), "limits")
	p.Data = &limitFormData{Input: limits.EntryInput{Status: string(limits.StatusCurrent), Comparison: "full"},
		Statuses: limits.Statuses}
	s.render(w, r, http.StatusOK, "limit_form", p)
}

func (s *Server) handleLimitCreate(w http.ResponseWriter, r *http.Request) {
	f := func(name string) string { return r.PostFormValue(name) }
	in := limits.EntryInput{StandardCode: f("standard_code"), StandardEdition: f("standard_edition"),
		Status: f("standard_status"), Analyte: f("analyte"), AnalyteEN: f("analyte_en"), Food: f("food"),
		FoodEN: f("food_en"), CategoryCode: f("category_code"), Limit: f("limit"), Unit: f("unit"),
		Comparison: f("comparison"), ValidFrom: f("valid_from"), ValidTo: f("valid_to"), Note: f("note"), Source: f("source")}
	e, err := s.Limits.Create(r.Context(), in)
	if err != nil {
		s.formFailure(w, r, err, "limit_form", s.Locale.T(reqFrom(r.Context()).Lang, "limitscat.new", nil), "limits",
			&limitFormData{Input: in, Statuses: limits.Statuses})
		return
	}
	q := url.Values{"standard": {e.Standard}, "q": {e.Analyte}, "saved": {"1"}}
	http.Redirect(w, r, "/limits?"+strings.ReplaceAll(q.Encode(), "+", "%20"), http.StatusSeeOther)
}
