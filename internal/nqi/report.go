package nqi

import (
	"context"
	"qcity/internal/db"
	"slices"
	"strconv"
	"strings"
	"time"

	"qcity"
	"qcity/internal/credit"
	"qcity/internal/locale"
	"qcity/internal/sampling"
)

// The city's annual quality report (年度质量工作报告 indicators) assembles, for a
// chosen year, the programme's indicators. Every figure is computed when asked, from
// records: pass rates from the sampling statistics (integer counts), the annual
// report rate from the credit records, the rest from the registers here. Nothing is
// stored as a total.
//
// What each figure counts for year Y (D is 31 December of Y):
//
//   - manufacturing_pass_rate: product supervision sampling (产品质量监督抽查) of Y, all
//     levels: passed ÷ judged batches.
//   - agri_pass_rate_LEVEL: agricultural monitoring (农产品质量安全监测) of Y at the level.
//   - food_batches, food_pass_rate: food sampling (食品安全抽检) of Y, all levels.
//   - standards_international_national, standards_local: standards of that level
//     published in Y (made or revised), not in drafting, with at least one local
//     drafter (in the jurisdiction).
//   - pilot_projects_national, pilot_projects_provincial: standardisation pilot and
//     demonstration projects of that level whose period (start to end) touches Y.
//   - labs: registered labs holding a CMA qualification (资质认定) in force on D.
//   - metrology_institutions: registered legal metrology institutions holding a
//     metrology authorisation (计量授权) in force on D.
//   - ip_advantage_enterprises: enterprises recognised in Y as IP-advantage
//     enterprises (知识产权优势企业), national or provincial, not revoked.
//   - cqo_trained_enterprises: enterprises that on D had a chief quality officer in
//     post who had passed at least one training by then.
//   - annual_report_rate: the annual reports for Y−1 (filed in the window of Y) filed
//     by D ÷ those due, with the districts' ranking (credit.ReportRate).
//   - benchmark_products, campaign_inspections, fund_loans: benchmarking records of Y,
//     campaign inspections in Y, pledge loans made in Y.
//   - bright_kitchen_coverage: catering businesses (GB/T 4754 division 62) existing on
//     D with an active bright kitchen installed by D ÷ catering businesses existing on D.

// Indicator is one figure of the report. Value is the count, or for a rate the
// percentage to two decimals, rounded half to even on the integers; a rate carries
// its numerator and denominator, a count its count as numerator.
type Indicator struct {
	Key         string  `json:"key"`
	Label       string  `json:"label"`
	LabelEN     string  `json:"label_en"`
	Section     string  `json:"section"`
	Value       float64 `json:"value"`
	Numerator   *int64  `json:"numerator"`
	Denominator *int64  `json:"denominator"`
	Unit        string  `json:"unit"` // "%" for rates; batch, standard, project, organisation, enterprise, record for counts
	Kind        string  `json:"records"`
}

// UnitLabelKey is the locale key of a report unit's name.
func UnitLabelKey(unit string) string {
	if unit == "%" {
		return "nqi.unit.percent"
	}
	return "nqi.unit." + unit
}

// IsRate reports whether the indicator is a percentage.
func (i Indicator) IsRate() bool { return i.Unit == "%" }

// RankRow is a district's annual report rate and rank.
type RankRow struct {
	Region string  `json:"region_code"`
	Name   string  `json:"name"`
	Due    int     `json:"due"`
	Filed  int     `json:"filed"`
	Rate   float64 `json:"rate"`
	Rank   int     `json:"rank"`
}

// Report is the annual quality report of a year.
type Report struct {
	Year        int         `json:"year"`
	AsOf        qcity.Date  `json:"as_of"`
	ReportYear  int         `json:"annual_report_year"` // the year of the annual reports whose rate is shown
	Indicators  []Indicator `json:"indicators"`
	Ranking     []RankRow   `json:"ranking"`
	GeneratedAt time.Time   `json:"generated_at"`
}

// Indicator returns the indicator with the key, and whether there is one.
func (r *Report) Indicator(key string) (Indicator, bool) {
	for _, i := range r.Indicators {
		if i.Key == key {
			return i, true
		}
	}
	return Indicator{}, false
}

// IndicatorKeys lists the report's indicators in order.
var IndicatorKeys = []string{"manufacturing_pass_rate", "agri_pass_rate_national", "agri_pass_rate_provincial",
	"agri_pass_rate_city", "agri_pass_rate_county", "food_batches", "food_pass_rate",
	"standards_international_national", "standards_local", "pilot_projects_national", "pilot_projects_provincial",
	"labs", "metrology_institutions", "ip_advantage_enterprises", "cqo_trained_enterprises", "benchmark_products",
	"bright_kitchen_coverage", "campaign_inspections", "fund_loans", "annual_report_rate"}

// sectionOf groups the indicators as the report prints them.
func sectionOf(key string) string {
	switch key {
	case "manufacturing_pass_rate", "agri_pass_rate_national", "agri_pass_rate_provincial", "agri_pass_rate_city",
		"agri_pass_rate_county", "food_batches", "food_pass_rate":
		return "quality"
	case "standards_international_national", "standards_local", "pilot_projects_national", "pilot_projects_provincial",
		"labs", "metrology_institutions":
		return "infrastructure"
	case "annual_report_rate":
		return "credit"
	}
	return "development"
}

// FirstReportYear and LastReportYear bound the years a report may be asked for.
const (
	FirstReportYear = 2000
	LastReportYear  = 2100
)

// FirstAnnualReportYear is the first year of enterprise annual reports (企业信息公示暂行
// 条例, in force 2014-10-01: the reports for 2013 were the first filed). A report of an
// earlier year counts no annual reports: its rate is 0 of 0, shown as "—".
const FirstAnnualReportYear = 2013

// ValidYear checks a report year. Returns EINVALID (field year).
func ValidYear(y int) error {
	if y < FirstReportYear || y > LastReportYear {
		return qcity.Invalid(qcity.Field("year", "nqi.error.report_year", "min", FirstReportYear, "max", LastReportYear))
	}
	return nil
}

// samplingIndicators are the pass rates and counts taken from the statistics cube.
var samplingIndicators = map[string]sampling.StatsFilter{
	"manufacturing_pass_rate":   {Kind: sampling.KindProduct},
	"agri_pass_rate_national":   {Kind: sampling.KindAgri, Level: sampling.LevelNational},
	"agri_pass_rate_provincial": {Kind: sampling.KindAgri, Level: sampling.LevelProvincial},
	"agri_pass_rate_city":       {Kind: sampling.KindAgri, Level: sampling.LevelCity},
	"agri_pass_rate_county":     {Kind: sampling.KindAgri, Level: sampling.LevelCounty},
	"food_batches":              {Kind: sampling.KindFood},
	"food_pass_rate":            {Kind: sampling.KindFood},
}

// SamplingFilter returns the statistics filter behind a sampling indicator of a year,
// and whether the key is one.
func SamplingFilter(key string, year int) (sampling.StatsFilter, bool) {
	f, ok := samplingIndicators[key]
	f.Year = year
	return f, ok
}

// Rate returns n ÷ d × 100 to two decimals, rounded half to even on the integers
// (98.59 comes out of 31,008 / 31,451); 0 when d is 0.
func Rate(n, d int64) float64 {
	return sampling.Count{Judged: d, Passed: n}.PassRate()
}

// Report computes the report of a year. Anyone may read it: a city's annual quality
// report is published, and its figures are totals and rates that name no record
// (sampling pass rates are public already, /api/v1/sampling/stats). What stands
// behind each figure may hold records that are not public (instruments, loans,
// inspections), so the drill-down (Drill) is for officials only.
// Returns EINVALID for a year outside 2000–2100.
func (s *Service) Report(ctx context.Context, year int) (*Report, error) {
	if err := ValidYear(year); err != nil {
		return nil, err
	}
	rep := &Report{Year: year, AsOf: qcity.NewDate(year, 12, 31), ReportYear: year - 1, GeneratedAt: s.Clock.Now().UTC()}
	cat := locale.Default()
	add := func(key string, value float64, num, den *int64, unit string) {
		rep.Indicators = append(rep.Indicators, Indicator{Key: key, Section: sectionOf(key),
			Label: cat.T(locale.ZH, "nqi.report."+key, nil), LabelEN: cat.T(locale.EN, "nqi.report."+key, nil),
			Value: value, Numerator: num, Denominator: den, Unit: unit, Kind: recordsKind(key)})
	}
	count := func(key string, n int64, unit string) { add(key, float64(n), &n, nil, unit) }
	rate := func(key string, n, d int64) { add(key, Rate(n, d), &n, &d, "%") }
	for _, key := range IndicatorKeys {
		if f, ok := SamplingFilter(key, year); ok {
			var c sampling.Count
			if s.Sampling != nil {
				_, c = s.Sampling.Stats.Query(f)
			}
			if key == "food_batches" {
				count(key, c.Judged, "batch")
			} else {
				rate(key, c.Passed, c.Judged)
			}
			continue
		}
		switch key {
		case "annual_report_rate":
			rows, total, err := s.reportRate(ctx, year)
			if err != nil {
				return nil, err
			}
			rate(key, int64(total.Filed), int64(total.Due))
			for _, r := range rows {
				rep.Ranking = append(rep.Ranking, RankRow{Region: r.Key, Name: s.regionName(r.Key), Due: r.Due,
					Filed: r.Filed, Rate: Rate(int64(r.Filed), int64(r.Due)), Rank: r.Rank})
			}
			slices.SortFunc(rep.Ranking, func(a, b RankRow) int { return a.Rank - b.Rank })
		case "bright_kitchen_coverage":
			n, d, err := s.kitchenCoverage(ctx, rep.AsOf, s.regionPrefix())
			if err != nil {
				return nil, err
			}
			rate(key, n, d)
		default:
			ids, err := s.indicatorIDs(ctx, key, year)
			if err != nil {
				return nil, err
			}
			count(key, int64(len(ids)), unitOf(key))
		}
	}
	return rep, nil
}

func unitOf(key string) string {
	switch key {
	case "standards_international_national", "standards_local":
		return "standard"
	case "pilot_projects_national", "pilot_projects_provincial":
		return "project"
	case "labs", "metrology_institutions":
		return "organisation"
	case "ip_advantage_enterprises", "cqo_trained_enterprises":
		return "enterprise"
	}
	return "record"
}

// recordsKind is the register whose records a figure counts ("" for sampling and
// credit figures).
func recordsKind(key string) string {
	switch key {
	case "standards_international_national", "standards_local":
		return "standards"
	case "pilot_projects_national", "pilot_projects_provincial":
		return "pilot_projects"
	case "labs", "metrology_institutions":
		return "qualifications"
	case "ip_advantage_enterprises":
		return "ip_enterprises"
	case "cqo_trained_enterprises":
		return "quality_officers"
	case "benchmark_products":
		return "benchmarks"
	case "bright_kitchen_coverage":
		return "bright_kitchens"
	case "campaign_inspections":
		return "campaign_inspections"
	case "fund_loans":
		return "fund_loans"
	}
	return ""
}

func (s *Service) regionName(code string) string {
	if d, ok := s.regions().Get(code); ok {
		return d.Name
	}
	return code
}

// reportRate is the rate of the annual reports for year−1 as of 31 December of year,
// by district.
func (s *Service) reportRate(ctx context.Context, year int) ([]credit.RateRow, credit.RateRow, error) {
	if s.Credit == nil || year-1 < FirstAnnualReportYear {
		return nil, credit.RateRow{}, nil
	}
	return s.Credit.ReportRate(ctx, credit.RateFilter{Year: year - 1, AsOf: qcity.NewDate(year, 12, 31), Group: "region"})
}

// indicatorQuery returns, for a figure counted from a register, the query that
// selects one record id per unit counted (a standard, a project, a lab, an
// enterprise) in a year: the figure is the number of ids, and the drill-down shows
// those records. first and last are the year's first and last days.
func indicatorQuery(key string, year int, prefix string) (string, []any, bool) {
	first, last := qcity.NewDate(year, 1, 1), qcity.NewDate(year, 12, 31)
	switch key {
	case "standards_international_national", "standards_local":
		levels := "'international', 'national'"
		if key == "standards_local" {
			levels = "'local'"
		}
		return `SELECT t.id FROM standards t WHERE t.published_on >= ? AND t.published_on <= ?
			AND t.status <> 'drafting' AND t.level IN (` + levels + `)
			AND EXISTS (SELECT 1 FROM standard_drafters d WHERE d.standard_id = t.id AND d.local = 'yes')`,
			[]any{first, last}, true
	case "pilot_projects_national", "pilot_projects_provincial":
		level := "national"
		if key == "pilot_projects_provincial" {
			level = "provincial"
		}
		return `SELECT t.id FROM pilot_projects t WHERE t.end_on >= ? AND t.start_on <= ? AND t.level = ?`,
			[]any{first, last, level}, true
	case "labs", "metrology_institutions":
		// For each organisation of the kind qualified on the year's last day, its
		// latest qualification in force that day.
		org, qual := "lab", "cma"
		if key == "metrology_institutions" {
			org, qual = "metrology_institution", "metrology_authorisation"
		}
		return `SELECT MAX(t.id) FROM qualifications t JOIN organisations o ON o.id = t.org_id
			WHERE o.kind = ? AND t.qualification = ? AND t.issued_on <= ? AND t.valid_until >= ?
			AND (t.ended_on IS NULL OR t.ended_on > ?) GROUP BY t.org_id`,
			[]any{org, qual, last, last, last}, true
	case "ip_advantage_enterprises":
		return `SELECT MIN(t.id) FROM ip_enterprises t WHERE t.year = ? AND t.designation = 'advantage'
			AND t.status <> 'revoked' GROUP BY t.uscc`, []any{year}, true
	case "cqo_trained_enterprises":
		return `SELECT MIN(t.id) FROM quality_officers t WHERE t.appointed_on <= ? AND (t.left_on IS NULL OR t.left_on > ?)
			AND EXISTS (SELECT 1 FROM cqo_trainings c WHERE c.officer_id = t.id AND c.result = 'passed' AND c.completed_on <= ?)
			GROUP BY t.uscc`, []any{last, last, last}, true
	case "benchmark_products":
		return `SELECT t.id FROM benchmarks t WHERE t.year = ?`, []any{year}, true
	case "campaign_inspections":
		return `SELECT t.id FROM campaign_inspections t WHERE t.inspected_on >= ? AND t.inspected_on <= ?`, []any{first, last}, true
	case "fund_loans":
		return `SELECT t.id FROM fund_loans t WHERE t.loan_on >= ? AND t.loan_on <= ?`, []any{first, last}, true
	case "bright_kitchen_coverage":
		q, args := kitchenQuery(last, prefix)
		return `SELECT k.id FROM bright_kitchens k WHERE k.uscc IN (SELECT e.uscc ` + q + `)
			AND k.implemented_on <= ? AND k.status = 'active'`, append(args, last), true
	}
	return "", nil, false
}

// indicatorIDs runs the figure's query for a year.
func (s *Service) indicatorIDs(ctx context.Context, key string, year int) ([]int64, error) {
	q, args, ok := indicatorQuery(key, year, s.regionPrefix())
	if !ok {
		return nil, qcity.Errorf(qcity.ENOTFOUND, "nqi.error.indicator_unknown", "key", key)
	}
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, qcity.Internal(err)
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, qcity.Internal(rows.Err())
}

// kitchenQuery is the FROM clause of the catering businesses existing on day (in a
// region, if given): GB/T 4754 division 62, established by then, and active or known
// to have closed after it — the denominator rule of the annual report rate.
func kitchenQuery(day qcity.Date, region string) (string, []any) {
	return `FROM entities e WHERE e.industry_code LIKE '62%' AND e.established_on <= ?
		AND (e.status = 'active' OR e.status_changed_on > ?) AND e.region_code LIKE ?`,
		[]any{day, day, db.EscapeLike(region) + "%"}
}

// kitchenCoverage counts the catering businesses existing on day and those of them
// with an active bright kitchen installed by then.
func (s *Service) kitchenCoverage(ctx context.Context, day qcity.Date, region string) (int64, int64, error) {
	q, args := kitchenQuery(day, region)
	var n, d int64
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM bright_kitchens k
		WHERE k.uscc = e.uscc AND k.status = 'active' AND k.implemented_on <= ?) THEN 1 ELSE 0 END), 0) `+q,
		append([]any{day}, args...)...).Scan(&d, &n)
	if err != nil {
		return 0, 0, qcity.Internal(err)
	}
	return n, d, nil
}

// CoverageRow is a district's bright-kitchen coverage.
type CoverageRow struct {
	Region  string `json:"region_code"`
	Covered int64  `json:"covered"`
	Total   int64  `json:"total"`
}

// KitchenCoverage returns the bright-kitchen coverage of each district on day, and
// the total.
func (s *Service) KitchenCoverage(ctx context.Context, day qcity.Date) ([]CoverageRow, CoverageRow, error) {
	var out []CoverageRow
	var total CoverageRow
	for _, c := range s.Jurisdiction.Counties {
		n, d, err := s.kitchenCoverage(ctx, day, c.Code)
		if err != nil {
			return nil, CoverageRow{}, err
		}
		out = append(out, CoverageRow{Region: c.Code, Covered: n, Total: d})
		total.Covered += n
		total.Total += d
	}
	total.Region = "total"
	return out, total, nil
}

// Leaders returns the benchmarking leaders (对标领跑者) of a year: the products whose
// benchmarking result is 领先, most leading indicators first (then most indicators,
// then the enterprise's code). Only officials may read it. Returns EINVALID for a bad
// year, EFORBIDDEN.
func (s *Service) Leaders(ctx context.Context, year int) ([]*Record, error) {
	if !qcity.ActorFrom(ctx).IsOfficial() {
		return nil, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	if err := ValidYear(year); err != nil {
		return nil, err
	}
	items, _, err := s.Find(ctx, Benchmarks, Filter{Fields: map[string]string{"year": strconv.Itoa(year), "result": "leading"}, Limit: MaxPageSize})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(items, func(a, b *Record) int {
		if x, y := a.IntOr("leading", 0), b.IntOr("leading", 0); x != y {
			return int(y - x)
		}
		if x, y := a.IntOr("indicators", 0), b.IntOr("indicators", 0); x != y {
			return int(y - x)
		}
		return strings.Compare(a.Str("uscc"), b.Str("uscc"))
	})
	return items, nil
}
