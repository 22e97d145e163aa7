package web

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/translog"
)

// The credit API: public credit profiles and lists, annual reports, the officials'
// list and penalty workflows, repair applications, and the public tamper-evident log.

func (s *Server) handleAPICreditProfile(w http.ResponseWriter, r *http.Request) {
	p, err := s.Credit.Profile(r.Context(), r.PathValue("uscc"), s.Sampling)
	if qcity.ErrorCode(err) == qcity.EINVALID {
		err = qcity.Errorf(qcity.ENOTFOUND, "registry.entity_not_found", "uscc", r.PathValue("uscc"))
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, p)
}

// listQuery reads ?q=&region=&active=&limit=&offset= of the public lists.
func listQuery(r *http.Request) (q, region, active string, limit, offset int, err error) {
	v := r.URL.Query()
	var errs []qcity.FieldError
	limit, offset, errs = pageOf(v, credit.DefaultPageSize)
	if limit > credit.MaxPageSize {
		errs = append(errs, qcity.Field("limit", "registry.limit_range", "max", credit.MaxPageSize))
	}
	active = strings.TrimSpace(v.Get("active"))
	switch active {
	case "", "true", "false", "1", "0":
	default:
		errs = append(errs, qcity.Field("active", "credit.active_param"))
	}
	region = strings.TrimSpace(v.Get("region"))
	if region != "" && !digitsOnly(region) {
		errs = append(errs, qcity.Field("region", "region.unknown", "code", region))
	}
	if len(errs) > 0 {
		return "", "", "", 0, 0, qcity.Invalid(errs...)
	}
	return strings.TrimSpace(v.Get("q")), region, active, limit, offset, nil
}

// digitsOnly accepts region filters of digits only (a prefix of a GB/T 2260 code).
func digitsOnly(code string) bool {
	if len(code) > 12 {
		return false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (s *Server) handleAPIAbnormalList(w http.ResponseWriter, r *http.Request) {
	q, region, active, limit, offset, err := listQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items, total, err := s.Credit.PublicAbnormalList(r.Context(), credit.AbnormalFilter{Q: q, Region: region, Limit: limit, Offset: offset}, active)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPISeriousList(w http.ResponseWriter, r *http.Request) {
	q, region, active, limit, offset, err := listQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items, total, err := s.Credit.PublicSeriousList(r.Context(), credit.SeriousFilter{Q: q, Region: region, Limit: limit, Offset: offset}, active)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPIPenaltyList(w http.ResponseWriter, r *http.Request) {
	q, region, _, limit, offset, err := listQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items, total, err := s.Credit.PublicPenaltyList(r.Context(), credit.PenaltyFilter{Q: q, Region: region, Limit: limit, Offset: offset})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

// handleAPIReportFile files an annual report (enterprise) or a paper filing (official).
func (s *Server) handleAPIReportFile(w http.ResponseWriter, r *http.Request) {
	var in credit.ReportInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	rep, err := s.Credit.FileReport(r.Context(), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, rep)
}

func (s *Server) handleAPIReportCorrect(w http.ResponseWriter, r *http.Request) {
	var in credit.ReportInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	rep, err := s.Credit.CorrectReport(r.Context(), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, rep)
}

func (s *Server) handleAPIReport(w http.ResponseWriter, r *http.Request) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		s.renderError(w, r, qcity.Errorf(qcity.ENOTFOUND, "web.not_found"))
		return
	}
	rep, err := s.Credit.FindReport(r.Context(), r.PathValue("uscc"), year)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, rep)
}

// rateFilterOf reads ?year=&as_of=&region=&group= of the annual report rate.
func (s *Server) rateFilterOf(r *http.Request) (credit.RateFilter, error) {
	q := r.URL.Query()
	var errs []qcity.FieldError
	f := credit.RateFilter{Region: strings.TrimSpace(q.Get("region")), Group: strings.TrimSpace(q.Get("group"))}
	f.Year = credit.LastClosedReportYear(qcity.DateOf(s.Clock.Now()))
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, qcity.Field("year", "credit.report_year"))
		}
		f.Year = y
	}
	if v := q.Get("as_of"); v != "" {
		d, err := qcity.ParseDate(v)
		if err != nil {
			errs = append(errs, qcity.Field("as_of", "registry.date_format", "value", v))
		}
		f.AsOf = d
	}
	if a := qcity.ActorFrom(r.Context()); a.Region != "" && !strings.HasPrefix(f.Region, a.Region) {
		f.Region = a.Region
	}
	if f.Region != "" && !digitsOnly(f.Region) {
		errs = append(errs, qcity.Field("region", "region.unknown", "code", f.Region))
	}
	if len(errs) > 0 {
		return f, qcity.Invalid(errs...)
	}
	return f, nil
}

func (s *Server) handleAPIReportRate(w http.ResponseWriter, r *http.Request) {
	f, err := s.rateFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rows, total, err := s.Credit.ReportRate(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"year": f.Year, "group": f.Group, "rows": rows, "total": total})
}

func (s *Server) handleAPIUnfiled(w http.ResponseWriter, r *http.Request) {
	f, err := s.rateFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	limit, offset, errs := pageOf(r.URL.Query(), credit.DefaultPageSize)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	items, total, err := s.Credit.FindUnfiled(r.Context(), f.Year, f.AsOf, f.Region, limit, offset)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPIProposals(w http.ResponseWriter, r *http.Request) {
	limit, offset, errs := pageOf(r.URL.Query(), credit.DefaultPageSize)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	items, total, err := s.Credit.FindAbnormals(r.Context(), credit.AbnormalFilter{State: credit.StateProposed,
		Region: qcity.ActorFrom(r.Context()).Region, Limit: limit, Offset: offset}, true)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPIConfirmProposals(w http.ResponseWriter, r *http.Request) {
	var in struct {
		IDs []int64 `json:"ids"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	listed, skipped, err := s.Credit.ConfirmProposals(r.Context(), in.IDs)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"listed": listed, "skipped": skipped})
}

func (s *Server) handleAPIAbnormalCreate(w http.ResponseWriter, r *http.Request) {
	var in credit.ListInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	a, err := s.Credit.ListAbnormal(r.Context(), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, a)
}

func (s *Server) handleAPIAbnormalObjection(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var in struct {
		Step string `json:"step"` // file (enterprise) | accept | uphold | reject (officials)
		Text string `json:"text"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	var a credit.Abnormal
	if in.Step == "file" {
		a, err = s.Credit.ObjectAbnormal(r.Context(), id, in.Text)
	} else {
		a, err = s.Credit.DecideObjection(r.Context(), id, in.Step, in.Text)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, a)
}

func (s *Server) handleAPIPenaltyCreate(w http.ResponseWriter, r *http.Request) {
	var in credit.PenaltyInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	p, err := s.Credit.RecordPenalty(r.Context(), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, p)
}

func (s *Server) handleAPIPenaltyAnnul(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	p, err := s.Credit.AnnulPenalty(r.Context(), id, in.Note)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, p)
}

func (s *Server) handleAPISeriousPropose(w http.ResponseWriter, r *http.Request) {
	var in credit.SeriousInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	l, err := s.Credit.ProposeSerious(r.Context(), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, l)
}

func (s *Server) handleAPISeriousStep(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var in struct {
		Step string `json:"step"`
		Note string `json:"note"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	l, err := s.Credit.StepSerious(r.Context(), id, in.Step, in.Note)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, l)
}

// repairJSON is a repair application as JSON: files as base64.
type repairJSON struct {
	USCC       string            `json:"uscc"`
	Target     string            `json:"target"`
	TargetID   int64             `json:"target_id"`
	Statement  string            `json:"statement"`
	Conditions credit.Conditions `json:"conditions"`
	Files      []struct {
		Name string `json:"name"`
		Role string `json:"role"`
		Data string `json:"data"`
	} `json:"files"`
}

func (s *Server) handleAPIRepairCreate(w http.ResponseWriter, r *http.Request) {
	var in repairJSON
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	ri := credit.RepairInput{USCC: in.USCC, Target: in.Target, TargetID: in.TargetID, Statement: in.Statement, Conditions: in.Conditions}
	for i, f := range in.Files {
		data, err := base64.StdEncoding.DecodeString(f.Data)
		if err != nil {
			s.renderError(w, r, qcity.Invalid(qcity.Field("files["+strconv.Itoa(i)+"].data", "credit.base64")))
			return
		}
		if f.Role != "commitment" && f.Role != "evidence" {
			s.renderError(w, r, qcity.Invalid(qcity.Field("files["+strconv.Itoa(i)+"].role", "credit.file_role")))
			return
		}
		ri.Files = append(ri.Files, credit.Upload{Name: f.Name, Role: f.Role, Data: data})
	}
	rep, err := s.Credit.ApplyRepair(r.Context(), ri)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, rep)
}

func (s *Server) handleAPIRepairs(w http.ResponseWriter, r *http.Request) {
	limit, offset, errs := pageOf(r.URL.Query(), credit.DefaultPageSize)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	items, total, err := s.Credit.FindRepairs(r.Context(), credit.RepairFilter{State: r.URL.Query().Get("state"), Limit: limit, Offset: offset})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPIRepair(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rep, err := s.Credit.FindRepair(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, rep)
}

func (s *Server) handleAPIRepairDecide(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var in struct {
		Decision string `json:"decision"`
		Note     string `json:"note"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	rep, err := s.Credit.DecideRepair(r.Context(), id, in.Decision, in.Note)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, rep)
}

func (s *Server) handleAPIRisk(w http.ResponseWriter, r *http.Request) {
	rc, err := s.Credit.RiskOf(r.Context(), r.PathValue("uscc"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, rc)
}

// The public log.

func (s *Server) handleAPILogKey(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte(s.TransLog.VerifierKey() + "\n"))
}

func (s *Server) handleAPILogCheckpoint(w http.ResponseWriter, r *http.Request) {
	h, err := s.TransLog.Head(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write([]byte(h.Checkpoint))
}

// int64Params reads named non-negative integer query parameters.
func int64Params(r *http.Request, names ...string) ([]int64, error) {
	out := make([]int64, len(names))
	var errs []qcity.FieldError
	for i, n := range names {
		v := r.URL.Query().Get(n)
		x, err := strconv.ParseInt(v, 10, 64)
		if v == "" || err != nil || x < 0 {
			errs = append(errs, qcity.Field(n, "translog.param", "name", n))
		}
		out[i] = x
	}
	if len(errs) > 0 {
		return nil, qcity.Invalid(errs...)
	}
	return out, nil
}

func (s *Server) handleAPILogRecords(w http.ResponseWriter, r *http.Request) {
	p, err := int64Params(r, "start", "end")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	h, err := s.TransLog.Head(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if p[1] < p[0] || p[1] > h.Size {
		s.renderError(w, r, qcity.Invalid(qcity.Field("end", "translog.range_size", "size", p[1], "current", h.Size)))
		return
	}
	recs, err := translog.ReadRecords(r.Context(), s.DB, p[0], p[1])
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"records": recs})
}

func (s *Server) handleAPILogInclusion(w http.ResponseWriter, r *http.Request) {
	p, err := int64Params(r, "index", "size")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	proof, err := translog.ProveInclusion(r.Context(), s.DB, p[0], p[1])
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"proof": translog.EncodeProof(proof)})
}

func (s *Server) handleAPILogConsistency(w http.ResponseWriter, r *http.Request) {
	p, err := int64Params(r, "old", "new")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	proof, err := translog.ProveConsistency(r.Context(), s.DB, p[0], p[1])
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"proof": translog.EncodeProof(proof)})
}
