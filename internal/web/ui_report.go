package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/locale"
	"qcity/internal/nqi"
)

// The city's annual quality report: a page of indicator cards, each drilling down to
// what stands behind it; a printable view (A4, the bureau's header, page numbers);
// and an Excel export.

type reportSection struct {
	Key        string
	Indicators []nqi.Indicator
}

type reportData struct {
	Year     int
	Years    []int
	Report   *nqi.Report
	Sections []reportSection
	Title    string
	Printed  qcity.Date
}

// reportYearOrDefault reads ?year=, defaulting to last year.
func (s *Server) reportYearOrDefault(r *http.Request) (int, error) {
	if strings.TrimSpace(r.URL.Query().Get("year")) == "" {
		return qcity.DateOf(s.Clock.Now()).Year - 1, nil
	}
	return reportYear(r)
}

func (s *Server) reportTitle(lang locale.Lang, year int) string {
	return s.Locale.T(lang, "nqi.report.title", map[string]any{"city": s.Jurisdiction.Prefecture.Name, "year": year})
}

func (s *Server) reportData(w http.ResponseWriter, r *http.Request) (*reportData, bool) {
	rq := reqFrom(r.Context())
	year, err := s.reportYearOrDefault(r)
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	rep, err := s.NQI.Report(r.Context(), year)
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	d := &reportData{Year: year, Report: rep, Title: s.reportTitle(rq.Lang, year), Printed: qcity.DateOf(s.Clock.Now())}
	for y := qcity.DateOf(s.Clock.Now()).Year; y >= 2015; y-- {
		d.Years = append(d.Years, y)
	}
	for _, ind := range rep.Indicators {
		if n := len(d.Sections); n == 0 || d.Sections[n-1].Key != ind.Section {
			d.Sections = append(d.Sections, reportSection{Key: ind.Section})
		}
		d.Sections[len(d.Sections)-1].Indicators = append(d.Sections[len(d.Sections)-1].Indicators, ind)
	}
	return d, true
}

// IndLabel is an indicator's label in the page's language.
func (p *page) IndLabel(ind nqi.Indicator) string {
	if p.EN() {
		return ind.LabelEN
	}
	return ind.Label
}

// IndValue is an indicator's value as shown: 98.59% or 31,451.
func (p *page) IndValue(ind nqi.Indicator) string {
	if ind.IsRate() {
		if ind.Denominator == nil || *ind.Denominator == 0 {
			return "—"
		}
		r, _, _ := strings.Cut(formatPercent(int(*ind.Numerator), int(*ind.Denominator)), "（")
		return r
	}
	return formatInt(int(ind.Value))
}

// IndCounts is a rate's counts as shown beside it: （31,008 / 31,451）.
func (p *page) IndCounts(ind nqi.Indicator) string {
	if !ind.IsRate() || ind.Denominator == nil || *ind.Denominator == 0 {
		return ""
	}
	return "（" + formatInt(int(*ind.Numerator)) + " / " + formatInt(int(*ind.Denominator)) + "）"
}

// UnitLabel is a count's unit in the page's language.
func (p *page) UnitLabel(ind nqi.Indicator) string {
	if ind.IsRate() {
		return ""
	}
	return p.T(nqi.UnitLabelKey(ind.Unit))
}

func (s *Server) handleQualityReport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	d, ok := s.reportData(w, r)
	if !ok {
		return
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, "nqi.report.nav", nil), "q_report")
	p.Data = d
	s.render(w, r, http.StatusOK, "quality_report", p)
}

func (s *Server) handleQualityReportPrint(w http.ResponseWriter, r *http.Request) {
	d, ok := s.reportData(w, r)
	if !ok {
		return
	}
	p := s.newPage(r, d.Title, "q_report")
	p.Data = d
	s.render(w, r, http.StatusOK, "quality_report_print", p)
}

func (s *Server) handleQualityReportExport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	d, ok := s.reportData(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := nqi.WriteReportXLSX(&buf, d.Report, d.Title, string(rq.Lang)); err != nil {
		s.renderError(w, r, err)
		return
	}
	writeXLSX(w, "quality-report-"+strconv.Itoa(d.Year)+".xlsx", buf.Bytes())
}

// drillData is what a figure's page shows.
type drillData struct {
	Year      int
	Indicator nqi.Indicator
	Drill     *nqi.Drill
	Fields    []*nqi.Field
	Samples   string // the samples list behind a sampling figure
	Failures  string
	Credit    string // the annual reports page behind the rate
	Total     int
	Page      int
	Pages     int
	HasPrev   bool
	HasNext   bool
	PrevOffset,
	NextOffset int
}

func (s *Server) handleQualityDrill(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	key := r.PathValue("key")
	year, err := s.reportYearOrDefault(r)
	var errs []qcity.FieldError
	if err != nil {
		errs = append(errs, qcity.AsError(err).Fields...)
	}
	limit, offset, perrs := pageOf(r.URL.Query(), 50)
	errs = append(errs, perrs...)
	if limit > nqi.MaxPageSize {
		errs = append(errs, qcity.Field("limit", "registry.limit_range", "max", nqi.MaxPageSize))
	}
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	rep, err := s.NQI.Report(r.Context(), year)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ind, ok := rep.Indicator(key)
	if !ok {
		s.renderError(w, r, qcity.Errorf(qcity.ENOTFOUND, "nqi.error.indicator_unknown", "key", key))
		return
	}
	dr, err := s.NQI.Drill(r.Context(), key, year, limit, offset)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &drillData{Year: year, Indicator: ind, Drill: dr, Total: dr.Total}
	if dr.Kind != nil {
		d.Fields = listFields(dr.Kind)
		d.Page, d.Pages = offset/max(limit, 1)+1, (dr.Total+max(limit, 1)-1)/max(limit, 1)
		d.HasPrev, d.PrevOffset = offset > 0, max(0, offset-limit)
		d.HasNext, d.NextOffset = offset+limit < dr.Total, offset+limit
	}
	if dr.Stats != nil {
		q := url.Values{"kind": {string(dr.Stats.Kind)}, "year": {strconv.Itoa(year)}}
		if dr.Stats.Level != "" {
			q.Set("level", string(dr.Stats.Level))
		}
		d.Samples = "/sampling?" + q.Encode()
		q.Set("verdict", "fail")
		d.Failures = "/sampling?" + q.Encode()
	}
	if key == "annual_report_rate" {
		d.Credit = "/credit/reports?" + url.Values{"year": {strconv.Itoa(year - 1)}, "as_of": {rep.AsOf.String()}}.Encode()
	}
	label := ind.Label
	if rq.Lang == locale.EN {
		label = ind.LabelEN
	}
	p := s.newPage(r, s.Locale.T(rq.Lang, "nqi.report.drill_title", map[string]any{"indicator": label, "year": year}), "q_report")
	p.Data = d
	s.render(w, r, http.StatusOK, "quality_drill", p)
}
