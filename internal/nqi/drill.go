package nqi

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"qcity"
	"qcity/internal/locale"
	"qcity/internal/sampling"
)

// Drill is what stands behind one figure of the report: the records counted (for a
// figure counted from a register; for the bright-kitchen coverage also the districts'
// coverage), the statistics by district (for a pass rate or a count of batches), or
// the districts' ranking (for the annual report rate).
type Drill struct {
	Key   string
	Year  int
	Kind  *Kind     // the register whose records are counted, or nil
	Items []*Record // a page of them
	Total int       // all of them the actor may see
	// Sampling figures: the statistics filter and its rows by district.
	Stats       *sampling.StatsFilter
	StatsRows   []sampling.StatsRow
	StatsTotal  sampling.Count
	Ranking     []RankRow
	RankingYear int
	// Bright-kitchen coverage: the districts' coverage on the year's last day.
	Coverage      []CoverageRow
	CoverageTotal CoverageRow
	CoverageOn    qcity.Date
}

// Drill returns what stands behind a figure of the report of a year. Only officials
// may read it; a county official sees the records of non-public registers of its own
// district only. Returns EINVALID for a bad year, ENOTFOUND for an unknown key,
// EFORBIDDEN.
func (s *Service) Drill(ctx context.Context, key string, year, limit, offset int) (*Drill, error) {
	if !qcity.ActorFrom(ctx).IsOfficial() {
		return nil, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	if err := ValidYear(year); err != nil {
		return nil, err
	}
	d := &Drill{Key: key, Year: year}
	if f, ok := SamplingFilter(key, year); ok {
		f.Group = sampling.GroupRegion
		d.Stats = &f
		if s.Sampling != nil {
			d.StatsRows, d.StatsTotal = s.Sampling.Stats.Query(f)
		}
		return d, nil
	}
	if key == "annual_report_rate" {
		rows, _, err := s.reportRate(ctx, year)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			d.Ranking = append(d.Ranking, RankRow{Region: r.Key, Name: s.regionName(r.Key), Due: r.Due, Filed: r.Filed,
				Rate: Rate(int64(r.Filed), int64(r.Due)), Rank: r.Rank})
		}
		d.RankingYear = year - 1
		return d, nil
	}
	k := KindByName(recordsKind(key))
	if k == nil {
		return nil, qcity.Errorf(qcity.ENOTFOUND, "nqi.error.indicator_unknown", "key", key)
	}
	ids, err := s.indicatorIDs(ctx, key, year)
	if err != nil {
		return nil, err
	}
	if ids == nil {
		ids = []int64{}
	}
	d.Kind = k
	d.Items, d.Total, err = s.Find(ctx, k, Filter{IDs: ids, Limit: limit, Offset: offset})
	if err != nil {
		return nil, err
	}
	if key == "bright_kitchen_coverage" {
		// The records are the kitchens counted; the districts' coverage shows the
		// catering businesses that have none as well.
		d.CoverageOn = qcity.NewDate(year, 12, 31)
		d.Coverage, d.CoverageTotal, err = s.KitchenCoverage(ctx, d.CoverageOn)
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

// WriteReportXLSX writes the report as a workbook: the indicators, with numerator and
// denominator beside each rate, and the districts' annual report ranking. title is the
// report's heading in lang.
func WriteReportXLSX(w io.Writer, rep *Report, title, lang string) error {
	l := locale.Parse(lang)
	cat := locale.Default()
	t := func(key string, args ...any) string {
		m := map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			m[fmt.Sprint(args[i])] = args[i+1]
		}
		return cat.T(l, key, m)
	}
	f := excelize.NewFile()
	defer f.Close()
	fail := func(err error) error { return qcity.Internal(fmt.Errorf("report workbook: %w", err)) }
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return fail(err)
	}
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return fail(err)
	}
	pct := "0.00"
	rateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &pct})
	if err != nil {
		return fail(err)
	}
	sheet1 := sheetName(t("nqi.report.sheet_indicators"))
	if err := f.SetSheetName("Sheet1", sheet1); err != nil {
		return fail(err)
	}
	set := func(sheet, cell string, v any) {
		if err == nil {
			err = f.SetCellValue(sheet, cell, v)
		}
	}
	set(sheet1, "A1", title)
	set(sheet1, "A2", t("nqi.report.as_of_note", "date", rep.AsOf.String(), "year", rep.ReportYear))
	headers := []string{t("nqi.report.col_section"), t("nqi.report.col_key"), t("nqi.report.col_indicator"),
		t("nqi.report.col_value"), t("nqi.report.col_unit"), t("nqi.report.col_numerator"), t("nqi.report.col_denominator")}
	for i, h := range headers {
		c, _ := excelize.CoordinatesToCellName(i+1, 4)
		set(sheet1, c, h)
	}
	for i, ind := range rep.Indicators {
		row := strconv.Itoa(5 + i)
		label := ind.Label
		if l == locale.EN {
			label = ind.LabelEN
		}
		set(sheet1, "A"+row, t("nqi.report.section."+ind.Section))
		set(sheet1, "B"+row, ind.Key)
		set(sheet1, "C"+row, label)
		set(sheet1, "D"+row, ind.Value)
		set(sheet1, "E"+row, t(UnitLabelKey(ind.Unit)))
		if ind.Numerator != nil {
			set(sheet1, "F"+row, *ind.Numerator)
		}
		if ind.Denominator != nil {
			set(sheet1, "G"+row, *ind.Denominator)
		}
		if ind.IsRate() && err == nil {
			err = f.SetCellStyle(sheet1, "D"+row, "D"+row, rateStyle)
		}
	}
	sheet2 := sheetName(t("nqi.report.sheet_ranking"))
	if _, e := f.NewSheet(sheet2); e != nil && err == nil {
		err = e
	}
	set(sheet2, "A1", t("nqi.report.ranking_title", "year", rep.ReportYear, "date", rep.AsOf.String()))
	for i, h := range []string{t("nqi.report.col_rank"), t("nqi.report.col_region_code"), t("nqi.report.col_region"),
		t("nqi.report.col_due"), t("nqi.report.col_filed"), t("nqi.report.col_rate")} {
		c, _ := excelize.CoordinatesToCellName(i+1, 3)
		set(sheet2, c, h)
	}
	for i, r := range rep.Ranking {
		row := strconv.Itoa(4 + i)
		set(sheet2, "A"+row, r.Rank)
		set(sheet2, "B"+row, r.Region)
		set(sheet2, "C"+row, r.Name)
		set(sheet2, "D"+row, r.Due)
		set(sheet2, "E"+row, r.Filed)
		set(sheet2, "F"+row, r.Rate)
		if err == nil {
			err = f.SetCellStyle(sheet2, "F"+row, "F"+row, rateStyle)
		}
	}
	if err != nil {
		return fail(err)
	}
	for _, st := range []struct {
		sheet, from, to string
		style           int
	}{{sheet1, "A1", "A1", titleStyle}, {sheet1, "A4", "G4", bold}, {sheet2, "A1", "A1", titleStyle}, {sheet2, "A3", "F3", bold}} {
		if err := f.SetCellStyle(st.sheet, st.from, st.to, st.style); err != nil {
			return fail(err)
		}
	}
	for _, c := range []struct {
		sheet, col string
		width      float64
	}{{sheet1, "A", 14}, {sheet1, "B", 30}, {sheet1, "C", 42}, {sheet1, "D", 12}, {sheet1, "E", 10}, {sheet1, "F", 12},
		{sheet1, "G", 12}, {sheet2, "C", 16}, {sheet2, "B", 12}} {
		if err := f.SetColWidth(c.sheet, c.col, c.col, c.width); err != nil {
			return fail(err)
		}
	}
	if err := f.Write(w); err != nil {
		return fail(err)
	}
	return nil
}
