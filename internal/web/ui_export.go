package web

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/certification"
	"qcity/internal/credit"
	"qcity/internal/locale"
	"qcity/internal/registry"
	"qcity/internal/sampling"
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
		case "limit", "offset", "saved", "imported", "confirmed", "skipped":
		default:
			q[k] = v
		}
	}
	if len(q) == 0 {
		return list + "/export"
	}
	return list + "/export?" + q.Encode()
}

// --- Credit supervision (信用监管) -------------------------------------------------------

// handleAbnormalExport exports the tab of /credit/abnormal (proposed, listed or ended)
// as filtered; a county official's district only.
func (s *Server) handleAbnormalExport(w http.ResponseWriter, r *http.Request) {
	if err := pageQuery(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	state, ok := abnormalTabs[q.Get("tab")]
	if !ok {
		state = abnormalTabs["proposed"]
	}
	f := credit.AbnormalFilter{State: state, Region: officialRegion(reqFrom(r.Context()).Actor, q.Get("region")), Q: strings.TrimSpace(q.Get("q"))}
	t := s.exportT(r)
	s.writeListExport(w, r, listExport{Sheet: "creditui.abnormal_work", File: "abnormal", Audit: "abnormal", Batch: credit.MaxPageSize,
		Cols: []exportCol{{"field.name", sheet.Text}, {"field.uscc", sheet.Text}, {"field.region_code", sheet.Text},
			{"creditui.reason", sheet.Text}, {"creditui.col_report_year", sheet.Number}, {"creditui.proposed_on", sheet.Date},
			{"creditui.decide_by", sheet.Date}, {"creditui.listed_on", sheet.Date}, {"creditui.decision_no", sheet.Text},
			{"creditui.authority", sheet.Text}, {"field.state", sheet.Text}, {"creditui.removed_on", sheet.Date},
			{"creditui.removal_reason", sheet.Text}, {"creditui.objection", sheet.Text}},
		Page: func(limit, offset int) ([][]string, int, error) {
			f.Limit, f.Offset = limit, offset
			items, total, err := s.Credit.FindAbnormals(r.Context(), f, true)
			rows := make([][]string, len(items))
			for i, a := range items {
				year, objection := "", ""
				if a.ReportYear > 0 {
					year = strconv.Itoa(a.ReportYear)
				}
				if a.ObjectionState != "" {
					objection = t("credit.ostate." + a.ObjectionState)
				}
				rows[i] = []string{a.Name, a.USCC, s.regionName(a.Region), t("credit.reason." + a.Reason), year, dateText(a.ProposedOn),
					dateText(a.DecideBy), dateText(a.ListedOn), a.DecisionNo, a.Authority, t("credit.astate." + a.State),
					dateText(a.RemovedOn), a.RemovalReason, objection}
			}
			return rows, total, err
		}})
}

// handleSeriousExport exports /credit/serious's list as filtered (not the open
// proposals above it, which the state filter selects as well).
func (s *Server) handleSeriousExport(w http.ResponseWriter, r *http.Request) {
	if err := pageQuery(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := credit.SeriousFilter{State: q.Get("state"), Q: strings.TrimSpace(q.Get("q")), Region: officialRegion(reqFrom(r.Context()).Actor, q.Get("region"))}
	if f.State != "" && !slices.Contains(seriousStates, f.State) {
		f.State = ""
	}
	t := s.exportT(r)
	s.writeListExport(w, r, listExport{Sheet: "creditui.serious_work", File: "serious", Audit: "serious", Batch: credit.MaxPageSize,
		Cols: []exportCol{{"field.name", sheet.Text}, {"field.uscc", sheet.Text}, {"field.region_code", sheet.Text},
			{"creditui.circumstances", sheet.Text}, {"creditui.penalty_decision", sheet.Text}, {"creditui.proposed_on", sheet.Date},
			{"creditui.listed_on", sheet.Date}, {"creditui.decision_no", sheet.Text}, {"creditui.expires_on", sheet.Date},
			{"field.state", sheet.Text}, {"creditui.removed_on", sheet.Date}},
		Page: func(limit, offset int) ([][]string, int, error) {
			f.Limit, f.Offset = limit, offset
			items, total, err := s.Credit.FindSeriousList(r.Context(), f, true)
			rows := make([][]string, len(items))
			for i, l := range items {
				circ := make([]string, len(l.Circumstances))
				for j, c := range l.Circumstances {
					circ[j] = t("credit.circ." + c)
				}
				rows[i] = []string{l.Name, l.USCC, s.regionName(l.Region), strings.Join(circ, "；"), l.PenaltyNo, dateText(l.ProposedOn),
					dateText(l.ListedOn), l.DecisionNo, dateText(l.ExpiresOn), t("credit.sstate." + l.State), dateText(l.RemovedOn)}
			}
			return rows, total, err
		}})
}

// handlePenaltyExport exports /credit/penalties as filtered.
func (s *Server) handlePenaltyExport(w http.ResponseWriter, r *http.Request) {
	if err := pageQuery(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := credit.PenaltyFilter{State: q.Get("state"), Q: strings.TrimSpace(q.Get("q")), Region: officialRegion(reqFrom(r.Context()).Actor, q.Get("region"))}
	if !slices.Contains(penaltyStates, f.State) {
		f.State = "all"
	}
	t := s.exportT(r)
	yuan := func(fen int64) string {
		if fen == 0 {
			return ""
		}
		return credit.FormatYuan(fen)
	}
	s.writeListExport(w, r, listExport{Sheet: "creditui.penalty_work", File: "penalties", Audit: "penalty", Batch: credit.MaxPageSize,
		Cols: []exportCol{{"creditui.decision_no", sheet.Text}, {"field.name", sheet.Text}, {"field.uscc", sheet.Text},
			{"field.region_code", sheet.Text}, {"creditui.kinds", sheet.Text}, {"creditui.fine_yuan", sheet.Number},
			{"creditui.confiscated_yuan", sheet.Number}, {"creditui.violation", sheet.Text}, {"creditui.basis", sheet.Text},
			{"creditui.decided_on", sheet.Date}, {"creditui.authority", sheet.Text}, {"field.state", sheet.Text},
			{"creditui.published_on", sheet.Date}, {"creditui.publicity_ends_on", sheet.Date}, {"creditui.credit_china", sheet.Text}},
		Page: func(limit, offset int) ([][]string, int, error) {
			f.Limit, f.Offset = limit, offset
			items, total, err := s.Credit.FindPenalties(r.Context(), f)
			rows := make([][]string, len(items))
			for i, p := range items {
				kinds := make([]string, len(p.Kinds))
				for j, k := range p.Kinds {
					kinds[j] = t("credit.kind." + string(k))
				}
				cc := "credit.cc.none"
				if p.CreditChinaStatus != "" {
					cc = "credit.cc." + p.CreditChinaStatus
				}
				rows[i] = []string{p.DecisionNo, p.Name, p.USCC, s.regionName(p.Region), strings.Join(kinds, "、"), yuan(p.FineFen),
					yuan(p.ConfiscatedFen), p.Violation, p.Basis, dateText(p.DecidedOn), p.Authority, t("credit.pstate." + p.State),
					dateText(p.PublishedOn), dateText(p.PublicityEndsOn), t(cc)}
			}
			return rows, total, err
		}})
}

// handleRepairExport exports /credit/repairs as filtered (open ones by default), open
// applications first and the nearest deadline first, as the page orders them.
func (s *Server) handleRepairExport(w http.ResponseWriter, r *http.Request) {
	if err := pageQuery(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	state := r.URL.Query().Get("state")
	if !slices.Contains(repairStates, state) {
		state = "open"
	}
	if state == "all" {
		state = ""
	}
	t := s.exportT(r)
	today := qcity.DateOf(s.Clock.Now())
	s.writeListExport(w, r, listExport{Sheet: "creditui.repair_work", File: "repairs", Audit: "repair", Batch: maxListExportRows + 1,
		Cols: []exportCol{{"creditui.next_deadline", sheet.Date}, {"creditui.days_left", sheet.Text}, {"field.name", sheet.Text},
			{"field.uscc", sheet.Text}, {"field.region_code", sheet.Text}, {"creditui.target", sheet.Text}, {"creditui.applied_on", sheet.Date},
			{"field.state", sheet.Text}, {"creditui.decided_on", sheet.Date}},
		// Every row at once, to sort them as the page sorts one page.
		Page: func(_, _ int) ([][]string, int, error) {
			var all []repairRow
			for offset := 0; ; {
				items, total, err := s.Credit.FindRepairs(r.Context(), credit.RepairFilter{State: state, Limit: credit.MaxPageSize, Offset: offset})
				if err != nil || total > maxListExportRows {
					return nil, total, err
				}
				for _, it := range items {
					all = append(all, s.repairRowOf(it, today))
				}
				offset += len(items)
				if len(items) == 0 || offset >= total {
					break
				}
			}
			slices.SortStableFunc(all, repairOrder)
			rows := make([][]string, len(all))
			for i, x := range all {
				due, left := "", ""
				if x.Open {
					due, left = x.Due.String(), strconv.Itoa(x.DaysLeft)
					if x.Urgency == "overdue" {
						left = t("creditui.overdue")
					}
				}
				rows[i] = []string{due, left, x.Name, x.USCC, s.regionName(x.Region), t("credit.target." + x.Target), dateText(x.AppliedOn),
					t("credit.rstate." + x.State), dateText(x.DecidedOn)}
			}
			return rows, len(rows), nil
		}})
}

// handleRiskExport exports the risk-class distribution of /credit/risk (internal, for
// officials only; a county official's district only) with its total.
func (s *Server) handleRiskExport(w http.ResponseWriter, r *http.Request) {
	t := s.exportT(r)
	s.writeListExport(w, r, listExport{Sheet: "creditui.risk", File: "risk-classes", Audit: "risk",
		Cols: []exportCol{{"creditui.risk_class", sheet.Text}, {"creditui.entities", sheet.Number}, {"creditui.share_pct", sheet.Number},
			{"creditui.inspection_ratio_pct", sheet.Number}},
		Page: func(_, _ int) ([][]string, int, error) {
			dist, err := s.Credit.RiskDistribution(r.Context(), reqFrom(r.Context()).Actor.Region)
			if err != nil {
				return nil, 0, err
			}
			cfg := s.Credit.Config().Risk
			total := 0
			for _, c := range credit.RiskClasses {
				total += dist[c]
			}
			var rows [][]string
			for _, c := range credit.RiskClasses {
				share := ""
				if total > 0 {
					share = strconv.FormatFloat(float64(dist[c])*100/float64(total), 'f', 2, 64)
				}
				rows = append(rows, []string{t("credit.risk." + c), strconv.Itoa(dist[c]), share, strconv.FormatFloat(cfg.Ratio(c), 'f', -1, 64)})
			}
			rows = append(rows, []string{t("creditui.total"), strconv.Itoa(total), "", ""})
			return rows, len(rows), nil
		}})
}

// --- Organisations (机构名录) ------------------------------------------------------------

// handleOrgExport exports /organisations as filtered. The directory is public (GET
// /api/v1/organisations), so the export is not audited.
func (s *Server) handleOrgExport(w http.ResponseWriter, r *http.Request) {
	f, err := orgFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	t := s.exportT(r)
	s.writeListExport(w, r, listExport{Sheet: "ui.organisations", File: "organisations", Batch: registry.MaxPageSize,
		Cols: []exportCol{{"field.name", sheet.Text}, {"field.org_kind", sheet.Text}, {"field.uscc", sheet.Text},
			{"field.accreditation_no", sheet.Text}, {"field.region_code", sheet.Text}, {"field.address", sheet.Text},
			{"field.scope", sheet.Text}, {"field.valid_until", sheet.Date}, {"field.status", sheet.Text}},
		Page: func(limit, offset int) ([][]string, int, error) {
			f.Limit, f.Offset = limit, offset
			items, total, err := s.Registry.FindOrganisations(r.Context(), f)
			rows := make([][]string, len(items))
			for i, o := range items {
				rows[i] = []string{o.Name, t("registry.org_kind." + string(o.Kind)), o.USCC, o.AccreditationNo, s.regionName(o.Region),
					o.Address, o.Scope, dateText(o.ValidUntil), t("registry.org_status." + string(o.Status))}
			}
			return rows, total, err
		}})
}

// --- Sampling inspection (监督抽检) -------------------------------------------------------

// handlePlanExport exports /sampling/plans as filtered (?year=, read as the page reads
// it); a county official's are the city's plans and its district's, as on the page.
func (s *Server) handlePlanExport(w http.ResponseWriter, r *http.Request) {
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	t := s.exportT(r)
	s.writeListExport(w, r, listExport{Sheet: "ui.plans", File: "sampling-plans", Audit: "sampling_plan",
		Cols: []exportCol{{"field.year", sheet.Number}, {"ui.name", sheet.Text}, {"field.sample_kind", sheet.Text},
			{"field.level", sheet.Text}, {"field.region_code", sheet.Text}, {"ui.seed", sheet.Text}},
		Page: func(_, _ int) ([][]string, int, error) {
			plans, err := s.Sampling.FindPlans(r.Context(), year)
			rows := make([][]string, len(plans))
			for i, p := range plans {
				rows[i] = []string{strconv.Itoa(p.Year), p.Name, t("sampling.plan_kind." + string(p.Kind)), t("sampling.level." + string(p.Level)),
					s.regionName(p.Region), strconv.FormatUint(p.Seed, 10)}
			}
			return rows, len(rows), err
		}})
}

// handleTaskExport exports /sampling/tasks: a row for each target drawn, after its
// task's plan, district, category, lab, batches and how many were drawn (a task with
// none drawn yet has a row of its own); a lab's tasks for a lab, a county official's
// district's for one, every task rather than the page's first 200.
func (s *Server) handleTaskExport(w http.ResponseWriter, r *http.Request) {
	s.writeListExport(w, r, listExport{Sheet: "ui.tasks", File: "sampling-tasks", Audit: "sampling_tasks", Batch: maxListExportRows + 1,
		Cols: []exportCol{{"ui.task_plan", sheet.Text}, {"field.region_code", sheet.Text}, {"field.category", sheet.Text},
			{"field.lab", sheet.Text}, {"ui.quota", sheet.Number}, {"ui.drawn", sheet.Number}, {"ui.target_seq", sheet.Number},
			{"field.name", sheet.Text}, {"field.uscc", sheet.Text}, {"field.samplers", sheet.Text}},
		// Every row at once: a task is as many rows as it has targets.
		Page: func(_, _ int) ([][]string, int, error) {
			var rows [][]string
			for offset := 0; ; {
				tasks, total, err := s.Sampling.TaskPage(r.Context(), 200, offset)
				if err != nil || total > maxListExportRows {
					return nil, total, err
				}
				for _, k := range tasks {
					task := []string{k.PlanName, s.regionName(k.Region), k.CategoryCode, k.LabName, strconv.Itoa(k.Quota), strconv.Itoa(len(k.Targets))}
					if len(k.Targets) == 0 {
						rows = append(rows, append(slices.Clip(task), "", "", "", ""))
					}
					for _, tg := range k.Targets {
						rows = append(rows, append(slices.Clip(task), strconv.Itoa(tg.Seq), tg.Name, tg.USCC, strings.Join(tg.Officers, "、")))
					}
				}
				if len(rows) > maxListExportRows {
					return nil, len(rows), nil
				}
				offset += len(tasks)
				if len(tasks) == 0 || offset >= total {
					break
				}
			}
			return rows, len(rows), nil
		}})
}

// handleWorklistExport exports the 待办 worklist as the page orders it (by deadline,
// so the overdue first) with the deadline and the working days left, every line of it
// rather than the page's first 500; a county official's district's.
func (s *Server) handleWorklistExport(w http.ResponseWriter, r *http.Request) {
	t := s.exportT(r)
	today := qcity.DateOf(s.Clock.Now())
	f := sampling.SampleFilter{DueWithin: worklistDays}
	s.writeListExport(w, r, listExport{Sheet: "ui.worklist", File: "worklist", Audit: "sample", Batch: 1000,
		Cols: []exportCol{{"field.due_on", sheet.Date}, {"ui.days_left", sheet.Text}, {"field.next_step", sheet.Text},
			{"field.sample_no", sheet.Text}, {"field.product_name", sheet.Text}, {"field.region_code", sheet.Text}, {"field.state", sheet.Text}},
		Page: func(limit, offset int) ([][]string, int, error) {
			f.Limit, f.Offset = limit, offset
			items, total, err := s.Sampling.FindSamples(r.Context(), f)
			rows := make([][]string, len(items))
			for i, it := range items {
				x := workRowOf(it, today)
				left := strconv.Itoa(x.DaysLeft)
				if x.Urgency == "overdue" {
					left = t("ui.overdue_by", "n", -x.DaysLeft)
				}
				rows[i] = []string{x.DueOn.String(), left, t("sampling.step." + string(x.NextStep)), x.SampleNo, x.ProductName,
					s.regionName(x.Region), t("sampling.state." + string(x.State))}
			}
			return rows, total, err
		}})
}

// --- Audit log (审计日志) ---------------------------------------------------------------

// handleAuditExport exports /audit as filtered (actor, action, object, dates), newest
// first; a county official's district's records only, as on the page. Reading the
// log this way is itself recorded in it.
func (s *Server) handleAuditExport(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	t := s.exportT(r)
	s.writeListExport(w, r, listExport{Sheet: "ui.audit", File: "audit-log", Audit: "audit_log", Batch: 1000,
		Cols: []exportCol{{"ui.time", sheet.Text}, {"ui.actor", sheet.Text}, {"ui.role", sheet.Text}, {"ui.action", sheet.Text},
			{"ui.object_type", sheet.Text}, {"ui.object_id", sheet.Text}, {"field.region_code", sheet.Text}, {"ui.summary", sheet.Text},
			{"ui.before", sheet.Text}, {"ui.after", sheet.Text}, {"ui.request_id", sheet.Text}, {"ui.ip", sheet.Text}},
		Page: func(limit, offset int) ([][]string, int, error) {
			f.Limit, f.Offset = limit, offset
			items, total, err := audit.Find(r.Context(), s.DB, f)
			rows := make([][]string, len(items))
			for i, x := range items {
				role, region := "", ""
				if x.ActorRole != "" {
					role = t("role." + x.ActorRole)
				}
				if x.Region != "" {
					region = s.regionName(x.Region)
				}
				// An audit record keeps its time to the second (China time), not just the day.
				rows[i] = []string{x.At.In(qcity.China).Format("2006-01-02 15:04:05"), x.ActorName, role, t("action." + x.Action), x.ObjectType, x.ObjectID, region, x.Summary,
					string(x.Before), string(x.After), x.RequestID, x.IP}
			}
			return rows, total, err
		}})
}
