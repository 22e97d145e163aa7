package web

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/locale"
	"qcity/internal/region"
	"qcity/internal/sampling"
	"qcity/internal/sheet"
	"qcity/internal/workday"
)

// The dashboard (数据看板) shows the officials the pass-rate statistics of the
// sampling cube: KPI cards, then a chart per view with its data table one click away
// and an Excel export of that same table (UI.md, Dashboard). The charts are drawn by
// the vendored ECharts from static/dashboard.js; the page hands them their data as a
// JSON script element, because the Content-Security-Policy forbids inline script.

// Dashboard charts, the values of ?chart= on /dashboard/export.
const (
	chartTrend    = "trend"
	chartRegion   = "region"
	chartCategory = "category"
	chartItem     = "item"
)

var dashboardCharts = []string{chartTrend, chartRegion, chartCategory, chartItem}

// topFailingItems is how many test items the ranking lists (table and export alike).
const topFailingItems = 20

// tally is a count that prints with thousands separators (31,451) in a template and
// stays a plain number in JSON.
type tally int64

func (n tally) String() string { return formatInt(int(n)) }

// dashRow is one line of a dashboard table. Counts are exact; Rate is
// sampling.Count.PassRate (rounded on the integers) and nil when nothing was judged.
type dashRow struct {
	Key    string   `json:"key"`
	Label  string   `json:"label"`
	Judged tally    `json:"judged"`
	Passed tally    `json:"passed"`
	Failed tally    `json:"failed"`
	Rate   *float64 `json:"rate"`
}

func newDashRow(key, label string, c sampling.Count) dashRow {
	r := dashRow{Key: key, Label: label, Judged: tally(c.Judged), Passed: tally(c.Passed), Failed: tally(c.Judged - c.Passed)}
	if c.Judged > 0 {
		v := c.PassRate()
		r.Rate = &v
	}
	return r
}

// RateText is the rate to two decimals ("98.59%"), or "—" when nothing was judged.
func (r dashRow) RateText() string {
	if r.Rate == nil {
		return "—"
	}
	return strconv.FormatFloat(*r.Rate, 'f', 2, 64) + "%"
}

// rateCell is the rate as a number for a spreadsheet ("98.59"), or "" without data.
func (r dashRow) rateCell() string {
	if r.Rate == nil {
		return ""
	}
	return strconv.FormatFloat(*r.Rate, 'f', 2, 64)
}

// dashCols are the headers of a table's five columns, in the request's language.
type dashCols struct {
	Key    string `json:"key"`
	Judged string `json:"judged"`
	Passed string `json:"passed"`
	Failed string `json:"failed"`
	Rate   string `json:"rate"`
}

// dashTable is what one chart draws and what its data table and export show.
type dashTable struct {
	Chart string    `json:"chart"`
	Title string    `json:"title"`
	Note  string    `json:"-"`
	Cols  dashCols  `json:"cols"`
	Rows  []dashRow `json:"rows"`
	Total *dashRow  `json:"total,omitempty"` // nil for the item ranking, whose rows are a selection
	// colKeys name the columns' locale keys, for the export's headers in both languages.
	colKeys [5]string
}

// dashFilter is the dashboard's selection: a stream, a year, a level and a district.
type dashFilter struct {
	Kind   sampling.Kind
	Year   int
	Level  sampling.Level
	Region string
}

func (f dashFilter) stats(group string) sampling.StatsFilter {
	return sampling.StatsFilter{Kind: f.Kind, Year: f.Year, Level: f.Level, Region: f.Region, Group: group}
}

// query is the filter as URL parameters, for the export links.
func (f dashFilter) query() url.Values {
	q := url.Values{"kind": {string(f.Kind)}, "year": {strconv.Itoa(f.Year)}}
	if f.Level != "" {
		q.Set("level", string(f.Level))
	}
	if f.Region != "" {
		q.Set("region", f.Region)
	}
	return q
}

// dashboardFilterOf reads the filters. The stream defaults to food and the year to the
// latest year with judged samples in the actor's scope. A county official always sees
// its own district, whatever the URL asks. Returns EINVALID with field errors.
func (s *Server) dashboardFilterOf(r *http.Request) (dashFilter, error) {
	q := r.URL.Query()
	in := url.Values{}
	for _, k := range []string{"kind", "year", "level", "region"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			in.Set(k, v)
		}
	}
	a := reqFrom(r.Context()).Actor
	if a.Region != "" {
		in.Set("region", a.Region)
	}
	sf, err := statsFilterOf(in, 0)
	f := dashFilter{Kind: sf.Kind, Year: sf.Year, Level: sf.Level, Region: sf.Region}
	var errs []qcity.FieldError
	if err != nil {
		errs = append(errs, qcity.AsError(err).Fields...)
	}
	if f.Region != "" && a.Region == "" && !slices.ContainsFunc(errs, func(e qcity.FieldError) bool { return e.Field == "region" }) {
		if _, ok := s.Jurisdiction.County(f.Region); !ok {
			errs = append(errs, qcity.Field("region", "region.not_in_jurisdiction", "code", f.Region))
		}
	}
	if len(errs) > 0 {
		return f, qcity.Invalid(errs...)
	}
	if f.Kind == "" {
		f.Kind = sampling.KindFood
	}
	if f.Year == 0 {
		f.Year = s.latestStatsYear(f.Region)
	}
	return f, nil
}

// statsYears lists the years with judged samples in region (all streams), newest first.
func (s *Server) statsYears(regionCode string) []int {
	rows, _ := s.Sampling.Stats.Query(sampling.StatsFilter{Region: regionCode, Group: sampling.GroupYear})
	var years []int
	for _, r := range rows {
		if y, err := strconv.Atoi(r.Key); err == nil && r.Judged > 0 {
			years = append(years, y)
		}
	}
	slices.SortFunc(years, func(a, b int) int { return cmp.Compare(b, a) })
	return years
}

// latestStatsYear is the newest year with data, or this year when there is none.
func (s *Server) latestStatsYear(regionCode string) int {
	if ys := s.statsYears(regionCode); len(ys) > 0 {
		return ys[0]
	}
	return s.Clock.Now().In(qcity.China).Year()
}

func (s *Server) dashCols(lang locale.Lang, keys [5]string) dashCols {
	t := func(k string) string { return s.Locale.T(lang, k, nil) }
	return dashCols{Key: t(keys[0]), Judged: t(keys[1]), Passed: t(keys[2]), Failed: t(keys[3]), Rate: t(keys[4])}
}

var batchCols = [4]string{"dashboard.col_judged", "dashboard.col_passed", "dashboard.col_failed", "dashboard.col_rate"}

func withKey(key string, rest [4]string) [5]string {
	return [5]string{key, rest[0], rest[1], rest[2], rest[3]}
}

// dashboardTable builds one chart's table. Its rows are the same for the page and the
// export.
func (s *Server) dashboardTable(f dashFilter, chart string, lang locale.Lang) dashTable {
	t := func(k string, args ...any) string {
		m := map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			m[fmt.Sprint(args[i])] = args[i+1]
		}
		return s.Locale.T(lang, k, m)
	}
	tb := dashTable{Chart: chart, Rows: []dashRow{}}
	total := func(c sampling.Count) *dashRow {
		r := newDashRow("total", t("dashboard.total"), c)
		return &r
	}
	switch chart {
	case chartTrend:
		tb.Title, tb.colKeys = t("dashboard.chart_trend"), withKey("dashboard.col_month", batchCols)
		rows, tot := s.Sampling.Stats.Query(f.stats(sampling.GroupMonth))
		byKey := map[string]sampling.Count{}
		for _, r := range rows {
			byKey[r.Key] = r.Count
		}
		// Every month of the year, so that the line has its gaps where nothing was judged.
		for m := 1; m <= 12; m++ {
			key := fmt.Sprintf("%d-%02d", f.Year, m)
			tb.Rows = append(tb.Rows, newDashRow(key, t("dashboard.month_"+strconv.Itoa(m)), byKey[key]))
		}
		tb.Total = total(tot)
	case chartRegion:
		tb.Title, tb.colKeys = t("dashboard.chart_region"), withKey("dashboard.col_region", batchCols)
		tb.Note = t("dashboard.region_note")
		rows, tot := s.Sampling.Stats.Query(f.stats(sampling.GroupRegion))
		byKey := map[string]sampling.Count{}
		for _, r := range rows {
			byKey[r.Key] = r.Count
		}
		// The districts in the scope, each shown even without samples, then whatever
		// else was counted (samples of the city level itself), so that the rows add up
		// to the total.
		for _, c := range s.Jurisdiction.Counties {
			if f.Region != "" && !strings.HasPrefix(c.Code, f.Region) {
				continue
			}
			tb.Rows = append(tb.Rows, newDashRow(c.Code, c.Name, byKey[c.Code]))
			delete(byKey, c.Code)
		}
		var rest []sampling.StatsRow
		for _, r := range rows {
			if _, ok := byKey[r.Key]; ok {
				rest = append(rest, r)
			}
		}
		for _, r := range rest {
			label := s.statsLabel(f.stats(sampling.GroupRegion), r.Key, lang)
			if r.Key == s.Jurisdiction.Prefecture.Code {
				label = t("dashboard.city_level")
			}
			tb.Rows = append(tb.Rows, newDashRow(r.Key, label, r.Count))
		}
		tb.Total = total(tot)
	case chartCategory:
		tb.Title, tb.colKeys = t("dashboard.chart_category"), withKey("dashboard.col_category", batchCols)
		sf := f.stats(sampling.GroupCategory)
		rows, tot := s.Sampling.Stats.Query(sf)
		for _, r := range rows {
			tb.Rows = append(tb.Rows, newDashRow(r.Key, s.statsLabel(sf, r.Key, lang), r.Count))
		}
		slices.SortStableFunc(tb.Rows, func(a, b dashRow) int {
			if c := cmp.Compare(b.Judged, a.Judged); c != 0 {
				return c
			}
			return strings.Compare(a.Key, b.Key)
		})
		tb.Total = total(tot)
	case chartItem:
		tb.Title = t("dashboard.chart_item")
		tb.colKeys = [5]string{"dashboard.col_item", "dashboard.col_item_judged", "dashboard.col_item_passed",
			"dashboard.col_item_failed", "dashboard.col_rate"}
		tb.Note = t("dashboard.item_note", "n", topFailingItems)
		rows, _ := s.Sampling.Stats.Query(f.stats(sampling.GroupItem))
		for _, r := range rows {
			if r.Failed > 0 {
				tb.Rows = append(tb.Rows, newDashRow(r.Key, r.Key, r.Count))
			}
		}
		slices.SortStableFunc(tb.Rows, func(a, b dashRow) int {
			if c := cmp.Compare(b.Failed, a.Failed); c != 0 {
				return c
			}
			if c := cmp.Compare(b.Judged, a.Judged); c != 0 {
				return c
			}
			return strings.Compare(a.Key, b.Key)
		})
		if len(tb.Rows) > topFailingItems {
			tb.Rows = tb.Rows[:topFailingItems]
		}
	}
	tb.Cols = s.dashCols(lang, tb.colKeys)
	return tb
}

// dashKPI is a pass-rate card: the rate and, beside it, the counts it comes from.
type dashKPI struct {
	Kind   sampling.Kind
	Title  string
	Rate   string // "98.59%", or "—" without data
	Counts string // "（31,008 / 31,451）"
	Text   string // both: formatPercent
}

func kpiOf(kind sampling.Kind, title string, c sampling.Count) dashKPI {
	text := formatPercent(int(c.Passed), int(c.Judged))
	k := dashKPI{Kind: kind, Title: title, Rate: text, Text: text}
	if i := strings.Index(text, "（"); i >= 0 {
		k.Rate, k.Counts = text[:i], text[i:]
	}
	return k
}

// overdueRow is a sample whose next step is past its legal deadline.
type overdueRow struct {
	sampling.Sample
	DaysOverdue int // working days
}

// dashChartJSON is what static/dashboard.js draws: the tables and the labels, so that
// every word on a chart comes from the catalogue.
type dashChartJSON struct {
	Lang   string               `json:"lang"`
	Labels map[string]string    `json:"labels"`
	Charts map[string]dashTable `json:"charts"`
}

type dashboardData struct {
	Filter       dashFilter
	Kinds        []sampling.Kind
	Levels       []sampling.Level
	Years        []int
	Counties     []region.Division
	FixedRegion  string // a county official's district: shown, not chosen
	KPIs         []dashKPI
	KindName     string
	Judged       tally
	Failed       tally
	OverdueTotal int
	// Credit: the annual report rate of the year chosen, as of today, and the entries
	// in force on the two lists, in the district chosen.
	ReportRate     dashKPI
	AbnormalActive int
	SeriousActive  int
	Overdue        []overdueRow
	Today          qcity.Date
	Tables         []dashTable
	Chart          dashChartJSON
}

// ExportURL is the link that downloads a chart's table as .xlsx.
func (d *dashboardData) ExportURL(chart string) string {
	q := d.Filter.query()
	q.Set("chart", chart)
	return "/dashboard/export?" + q.Encode()
}

func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	p := s.newPage(r, s.Locale.T(rq.Lang, "ui.dashboard", nil), "dashboard")
	status := http.StatusOK
	f, err := s.dashboardFilterOf(r)
	if err != nil {
		qe := qcity.AsError(err)
		if qe.Code != qcity.EINVALID {
			s.renderError(w, r, err)
			return
		}
		// Show the errors beside the filters, and the dashboard for the defaults.
		p.Error, p.Fields, status = qe, s.fieldMessages(rq.Lang, qe), statusOf(qe.Code)
		f = dashFilter{Kind: sampling.KindFood, Region: rq.Actor.Region}
		f.Year = s.latestStatsYear(f.Region)
	}
	t := func(k string, args ...any) string { return p.T(k, args...) }
	d := &dashboardData{Filter: f, Kinds: sampling.Kinds, Levels: sampling.Levels, Years: s.statsYears(f.Region),
		Today: qcity.DateOf(s.Clock.Now())}
	if !slices.Contains(d.Years, f.Year) {
		d.Years = append(d.Years, f.Year)
		slices.SortFunc(d.Years, func(a, b int) int { return cmp.Compare(b, a) })
	}
	if rq.Actor.Region != "" {
		d.FixedRegion = p.RegionName(rq.Actor.Region)
	} else {
		d.Counties = s.Jurisdiction.Counties
	}
	// The three streams' pass rates in the year, level and district chosen.
	for _, k := range sampling.Kinds {
		kf := f
		kf.Kind = k
		_, c := s.Sampling.Stats.Query(kf.stats(sampling.GroupNone))
		d.KPIs = append(d.KPIs, kpiOf(k, t("dashboard.kpi_rate", "kind", t("sampling.kind."+string(k))), c))
		if k == f.Kind {
			d.Judged, d.Failed = tally(c.Judged), tally(c.Judged-c.Passed)
		}
	}
	d.KindName = t("sampling.kind." + string(f.Kind))
	if s.Credit != nil {
		_, tot, err := s.Credit.ReportRate(r.Context(), credit.RateFilter{Year: f.Year, Region: f.Region})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		text := formatPercent(tot.Filed, tot.Due)
		d.ReportRate = dashKPI{Title: t("dashboard.kpi_report_rate"), Rate: text, Text: text}
		if i := strings.Index(text, "（"); i >= 0 {
			d.ReportRate.Rate, d.ReportRate.Counts = text[:i], text[i:]
		}
		if _, d.AbnormalActive, err = s.Credit.FindAbnormals(r.Context(), credit.AbnormalFilter{State: "active", Region: f.Region, Limit: 1}, false); err != nil {
			s.renderError(w, r, err)
			return
		}
		if _, d.SeriousActive, err = s.Credit.FindSeriousList(r.Context(), credit.SeriousFilter{State: "active", Region: f.Region, Limit: 1}, false); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	// Overdue steps: every stream and year, in the district chosen; FindSamples keeps
	// a county official to its own district.
	items, total, err := s.Sampling.FindSamples(r.Context(), sampling.SampleFilter{Overdue: true, Region: f.Region, Limit: 20})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.OverdueTotal = total
	cal := workday.Default()
	for _, it := range items {
		d.Overdue = append(d.Overdue, overdueRow{Sample: it, DaysOverdue: cal.WorkingDaysBetween(it.DueOn, d.Today)})
	}
	d.Chart = dashChartJSON{Lang: string(rq.Lang), Charts: map[string]dashTable{}, Labels: map[string]string{}}
	for _, c := range dashboardCharts {
		tb := s.dashboardTable(f, c, rq.Lang)
		d.Tables = append(d.Tables, tb)
		d.Chart.Charts[c] = tb
	}
	for _, k := range []string{"series_rate", "series_batches", "series_passed", "series_failed", "series_item_failed",
		"no_data", "col_judged", "col_passed", "col_failed", "col_rate", "col_item_judged", "col_item_failed"} {
		d.Chart.Labels[k] = t("dashboard." + k)
	}
	p.Data = d
	s.render(w, r, status, "dashboard", p)
}

// sheetName makes a title fit an Excel sheet name: at most 31 characters, none of
// []:*?/\.
func sheetName(title string) string {
	title = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return ' '
		}
		return r
	}, title)
	if rs := []rune(title); len(rs) > 31 {
		title = string(rs[:31])
	}
	return strings.TrimSpace(title)
}

// handleDashboardExport writes one chart's data table as .xlsx: the rows the page
// shows, the total last.
func (s *Server) handleDashboardExport(w http.ResponseWriter, r *http.Request) {
	rq := reqFrom(r.Context())
	chart := strings.TrimSpace(r.URL.Query().Get("chart"))
	f, err := s.dashboardFilterOf(r)
	if !slices.Contains(dashboardCharts, chart) {
		fe := qcity.Field("chart", "dashboard.chart_unknown", "value", chart)
		if qe := qcity.AsError(err); err != nil {
			qe.Fields = append(qe.Fields, fe)
		} else {
			err = qcity.Invalid(fe)
		}
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	tb := s.dashboardTable(f, chart, rq.Lang)
	cols := make([]sheet.Column, 5)
	for i, k := range tb.colKeys {
		cols[i] = sheet.Column{Field: k, ZH: s.Locale.T(locale.ZH, k, nil), EN: s.Locale.T(locale.EN, k, nil), Type: sheet.Number}
	}
	cols[0].Type = sheet.Text
	cols[4].ZH, cols[4].EN = s.Locale.T(locale.ZH, "dashboard.col_rate_pct", nil), s.Locale.T(locale.EN, "dashboard.col_rate_pct", nil)
	rows := tb.Rows
	if tb.Total != nil {
		rows = append(slices.Clip(rows), *tb.Total)
	}
	var buf bytes.Buffer
	err = sheet.WriteXLSX(&buf, sheetName(tb.Title), cols, string(rq.Lang), func(yield func([]string) bool) {
		for _, row := range rows {
			rec := []string{row.Label, strconv.FormatInt(int64(row.Judged), 10), strconv.FormatInt(int64(row.Passed), 10),
				strconv.FormatInt(int64(row.Failed), 10), row.rateCell()}
			if !yield(rec) {
				return
			}
		}
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	name := fmt.Sprintf("dashboard-%s-%s-%d.xlsx", chart, f.Kind, f.Year)
	writeXLSX(w, name, buf.Bytes())
}
