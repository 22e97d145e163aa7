package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"qcity"
	"qcity/internal/certification"
	"qcity/internal/locale"
	"qcity/internal/registry"
	"qcity/internal/sheet"
)

// The 导出 Excel of the officials' working lists (UI.md: every list page has one). Each
// export is registered beside its page with the page's roles, reads the page's filters
// through the same service call, so that it holds what the page lists (region scoping
// included), just every page of it, and is refused whole above maxListExportRows. The
// headers are the page's own column labels, from the locale catalogs in both languages.

// maxListExportRows bounds one export of a working list.
const maxListExportRows = 100_000

// exportCol is one column of a list export: the locale key of its header and its type.
type exportCol struct {
	Key  string
	Type sheet.Type
}

// listExport describes one working list's export.
type listExport struct {
	Sheet string      // locale key of the sheet's name (the page's title)
	File  string      // the file name, before the date and ".xlsx"
	Audit string      // the audit object type of a non-public list; "" for none
	Cols  []exportCol // the columns
	Batch int         // rows fetched per call of Page
	// Page returns the rows from offset, at most limit of them, and how many match in all.
	Page func(limit, offset int) (rows [][]string, total int, err error)
}

// writeListExport writes the list as .xlsx: every matching row, or a 413 with a
// bilingual message when there are more than maxListExportRows.
func (s *Server) writeListExport(w http.ResponseWriter, r *http.Request, x listExport) {
	rq := reqFrom(r.Context())
	if x.Batch <= 0 {
		x.Batch = 1000
	}
	first, total, err := x.Page(x.Batch, 0)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if total > maxListExportRows {
		s.renderError(w, r, qcity.Errorf(qcity.ETOOLARGE, "registry.export_too_large", "max", maxListExportRows, "count", total))
		return
	}
	cols := make([]sheet.Column, len(x.Cols))
	for i, c := range x.Cols {
		cols[i] = sheet.Column{Field: c.Key, ZH: s.Locale.T(locale.ZH, c.Key, nil), EN: s.Locale.T(locale.EN, c.Key, nil), Type: c.Type}
	}
	var buf bytes.Buffer
	var ferr error
	err = sheet.WriteXLSX(&buf, sheetName(s.Locale.T(rq.Lang, x.Sheet, nil)), cols, string(rq.Lang), func(yield func([]string) bool) {
		page, offset := first, 0
		for {
			for _, row := range page {
				if !yield(row) {
					return
				}
			}
			offset += len(page)
			if len(page) < x.Batch || offset >= total {
				return
			}
			if page, _, ferr = x.Page(x.Batch, offset); ferr != nil {
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
	if x.Audit != "" {
		if err := s.auditExport(r, x.Audit, total); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	writeXLSX(w, x.File+"-"+s.Clock.Now().In(qcity.China).Format("20060102")+".xlsx", buf.Bytes())
}

// dayOf is a moment's date in China, YYYY-MM-DD, or "" for none.
func dayOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(qcity.China).Format("2006-01-02")
}

// exportT translates a key for an export's cells, in the request's language.
func (s *Server) exportT(r *http.Request) func(key string, args ...any) string {
	lang := reqFrom(r.Context()).Lang
	return func(key string, args ...any) string {
		var m map[string]any
		if len(args) > 1 {
			m = map[string]any{}
			for i := 0; i+1 < len(args); i += 2 {
				m[args[i].(string)] = args[i+1]
			}
		}
		return s.Locale.T(lang, key, m)
	}
}

// --- Certification oversight (认证监管) ------------------------------------------------

// pageQuery validates the page's own limit and offset, which an export ignores: it
// holds every page.
func pageQuery(r *http.Request) error {
	if _, _, errs := pageOf(r.URL.Query(), 50); len(errs) > 0 {
		return qcity.Invalid(errs...)
	}
	return nil
}

// handleCertLeadsExport exports the leads as /cert/leads filters them (open by default).
func (s *Server) handleCertLeadsExport(w http.ResponseWriter, r *http.Request) {
	if err := pageQuery(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := certification.LeadFilter{State: q.Get("state"), Kind: q.Get("kind"), Q: q.Get("q")}
	if _, ok := q["state"]; !ok {
		f.State = certification.LeadOpen
	}
	t := s.exportT(r)
	s.writeListExport(w, r, listExport{Sheet: "certui.leads", File: "cert-leads", Audit: "cert_lead", Batch: certification.MaxPageSize,
		Cols: []exportCol{{"certui.number", sheet.Text}, {"certui.scheme", sheet.Text}, {"certui.lead_kind", sheet.Text},
			{"certui.holder", sheet.Text}, {"certui.shown_by", sheet.Text}, {"certui.queries", sheet.Number},
			{"certui.first_seen", sheet.Date}, {"certui.last_seen", sheet.Date}, {"certui.lead_state", sheet.Text}, {"certui.note", sheet.Text}},
		Page: func(limit, offset int) ([][]string, int, error) {
			f.Limit, f.Offset = limit, offset
			items, total, err := s.Certification.FindLeads(r.Context(), f)
			rows := make([][]string, len(items))
			for i, l := range items {
				scheme := ""
				if l.SchemeGuess != "" {
					scheme = t("cert.scheme." + string(l.SchemeGuess))
				}
				rows[i] = []string{l.Number, scheme, t("certui.lead_kind." + l.Kind), l.Holder, l.HolderQuery, strconv.Itoa(l.Queries),
					dayOf(l.FirstSeenAt), dayOf(l.LastSeenAt), t("certui.lead_state." + l.State), l.Note}
			}
			return rows, total, err
		}})
}

// handleCertFlagsExport exports the flags as /cert/flags filters them: a body's own,
// every body's for officials.
func (s *Server) handleCertFlagsExport(w http.ResponseWriter, r *http.Request) {
	f, errs := flagFilterOf(r.URL.Query())
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	t := s.exportT(r)
	s.writeListExport(w, r, listExport{Sheet: "certui.flags", File: "cert-flags", Audit: "cert_flag", Batch: certification.MaxPageSize,
		Cols: []exportCol{{"certui.number", sheet.Text}, {"certui.scheme", sheet.Text}, {"certui.holder", sheet.Text},
			{"certui.holder_uscc", sheet.Text}, {"certui.issuer", sheet.Text}, {"certui.sample", sheet.Text}, {"certui.product", sheet.Text},
			{"certui.failed_items", sheet.Text}, {"certui.lab", sheet.Text}, {"certui.flagged_on", sheet.Date}, {"certui.due_on", sheet.Date},
			{"certui.flag_state", sheet.Text}, {"certui.response", sheet.Text}, {"certui.responded_on", sheet.Date},
			{"certui.response_note", sheet.Text}},
		Page: func(limit, offset int) ([][]string, int, error) {
			f.Limit, f.Offset = limit, offset
			items, total, err := s.Certification.FindFlags(r.Context(), f)
			rows := make([][]string, len(items))
			for i, x := range items {
				state := t("certui.flag_state." + x.State)
				if x.Overdue {
					state = t("certui.flag_state.overdue")
				}
				response := ""
				if x.Response != "" {
					response = t("certui.response." + x.Response)
				}
				rows[i] = []string{x.Number, t("cert.scheme." + string(x.Scheme)), x.Holder, x.HolderUSCC, x.BodyName, x.SampleNo, x.Product,
					x.FailedItems, x.LabName, dateText(x.FlaggedOn), dateText(x.DueOn), state, response, dateText(x.RespondedOn), x.ResponseNote}
			}
			return rows, total, err
		}})
}

// handleCertCasesExport exports the cases as /cert/cases filters them; a county
// official's are its district's.
func (s *Server) handleCertCasesExport(w http.ResponseWriter, r *http.Request) {
	if err := pageQuery(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := certification.CaseFilter{State: q.Get("state"), Q: q.Get("q")}
	t := s.exportT(r)
	s.writeListExport(w, r, listExport{Sheet: "certui.cases", File: "cert-cases", Audit: "cert_case", Batch: certification.MaxPageSize,
		Cols: []exportCol{{"certui.case_no", sheet.Text}, {"certui.offence", sheet.Text}, {"certui.subject", sheet.Text},
			{"certui.subject_uscc", sheet.Text}, {"field.region_code", sheet.Text}, {"certui.number", sheet.Text},
			{"certui.opened_on", sheet.Date}, {"certui.case_state", sheet.Text}, {"certui.outcome", sheet.Text},
			{"certui.closed_on", sheet.Date}, {"certui.summary", sheet.Text}},
		Page: func(limit, offset int) ([][]string, int, error) {
			f.Limit, f.Offset = limit, offset
			items, total, err := s.Certification.FindCases(r.Context(), f)
			rows := make([][]string, len(items))
			for i, c := range items {
				outcome := ""
				if c.Outcome != "" {
					outcome = t("certui.outcome." + c.Outcome)
				}
				rows[i] = []string{c.CaseNo, t("cert.offence." + c.Offence), c.SubjectName, c.SubjectUSCC, s.regionName(c.Region), c.Number,
					dateText(c.OpenedOn), t("certui.case_state." + c.State), outcome, dateText(c.ClosedOn), c.Summary}
			}
			return rows, total, err
		}})
}

// handleCertBodiesExport exports the bodies or labs of /cert/bodies (?kind=) with
// their approvals.
func (s *Server) handleCertBodiesExport(w http.ResponseWriter, r *http.Request) {
	kind := r.URL.Query().Get("kind")
	if kind == "" {
		kind = string(registry.OrgCertificationBody)
	}
	t := s.exportT(r)
	cols := []exportCol{{"field.name", sheet.Text}, {"field.uscc", sheet.Text}, {"field.accreditation_no", sheet.Text},
		{"field.scope", sheet.Text}, {"field.valid_until", sheet.Date}}
	body := kind == string(registry.OrgCertificationBody)
	if body {
		cols = append(cols, exportCol{"certui.certificates", sheet.Number})
	}
	cols = append(cols, exportCol{"certui.approval", sheet.Text})
	s.writeListExport(w, r, listExport{Sheet: "certui.bodies", File: "cert-bodies-" + kind, Audit: "cert_body", Cols: cols,
		Page: func(limit, offset int) ([][]string, int, error) {
			items, err := s.Certification.Bodies(r.Context(), kind)
			rows := make([][]string, 0, len(items))
			for _, b := range items {
				row := []string{b.Name, b.USCC, b.AccreditationNo, b.Scope, dateText(b.ValidUntil)}
				if body {
					row = append(row, strconv.Itoa(b.Certificates))
				}
				rows = append(rows, append(row, t("registry.org_status."+string(b.Status))))
			}
			return rows, len(rows), err
		}})
}

// regionName is a region's name, or its code when unknown.
func (s *Server) regionName(code string) string {
	if d, ok := s.Registry.Regions().Get(code); ok {
		return d.Name
	}
	return code
}

// ExportURL is a list page's 导出 Excel link: list + "/export" with the page's filters,
// without its paging and flash parameters. The template writes it as a whole attribute,
// so that html/template keeps its & and = (a value after a literal "?" would be escaped
// as one query component).
func (p *page) ExportURL(list string) string {
	q := url.Values{}
	for k, v := range p.Query {
		switch k {
		case "limit", "offset", "saved", "imported":
		default:
			q[k] = v
		}
	}
	if len(q) == 0 {
		return list + "/export"
	}
	return list + "/export?" + q.Encode()
}
