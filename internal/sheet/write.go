package sheet

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"qcity"
	"qcity/internal/locale"
)

// sampleRows is how many rows WriteXLSX looks at to size its columns.
const sampleRows = 100

// WriteXLSX writes an export: one sheet with a bold, frozen header row in lang ("zh-CN"
// or "en") and a row for each []string that rows yields, its values in the order of
// cols. Columns are sized to the header and the first rows, and formatted by their
// Type. The sheet is streamed, so a large export does not sit in memory; excelize
// moves it to a temporary file past 16 MiB. A value longer than Excel's 32,767
// characters is cut there by excelize.
//
// Returns ETOOLARGE for more rows than a worksheet holds (1,048,575 under the header).
func WriteXLSX(w io.Writer, sheetName string, cols []Column, lang string, rows iter.Seq[[]string]) (err error) {
	l := locale.Parse(lang)
	f, st, err := newWorkbook(sheetName)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = qcity.Internal(cerr)
		}
	}()
	sw, err := f.NewStreamWriter(sheetName)
	if err != nil {
		return qcity.Internal(err)
	}
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = headerText(c, l)
	}
	var (
		sample  [][]string
		started bool
		n       = 1 // rows written, the header included
		values  = make([]any, len(cols))
	)
	start := func() error {
		started = true
		if err := setColumns(sw, cols, st, header, sample); err != nil {
			return err
		}
		if err := sw.SetPanes(frozenHeader()); err != nil {
			return err
		}
		for i, h := range header {
			values[i] = excelize.Cell{StyleID: st.header, Value: h}
		}
		if err := sw.SetRow("A1", values); err != nil {
			return err
		}
		for _, rec := range sample {
			if err := writeRow(sw, &n, cols, st, rec, values); err != nil {
				return err
			}
		}
		sample = nil
		return nil
	}
	var werr error
	rows(func(rec []string) bool {
		if len(rec) > len(cols) {
			werr = qcity.Internal(fmt.Errorf("sheet: row of %d values for %d columns", len(rec), len(cols)))
			return false
		}
		if !started {
			if len(sample) < sampleRows {
				sample = append(sample, append([]string(nil), rec...))
				return true
			}
			if werr = start(); werr != nil {
				return false
			}
		}
		werr = writeRow(sw, &n, cols, st, rec, values)
		return werr == nil
	})
	if werr == nil && !started {
		werr = start()
	}
	if werr != nil {
		var qe *qcity.Error
		if errors.As(werr, &qe) {
			return qe
		}
		return qcity.Internal(werr)
	}
	if err := sw.Flush(); err != nil {
		return qcity.Internal(err)
	}
	if err := f.Write(w); err != nil {
		return qcity.Internal(err)
	}
	return nil
}

func writeRow(sw *excelize.StreamWriter, n *int, cols []Column, st styles, rec []string, values []any) error {
	if *n >= maxRowNum {
		return tooLarge("sheet.export_too_many_rows", "max", maxRowNum-1)
	}
	*n++
	for i := range values {
		values[i] = nil
		if i < len(rec) && rec[i] != "" {
			values[i] = st.cell(cols[i].Type, rec[i])
		}
	}
	return sw.SetRow("A"+strconv.Itoa(*n), values)
}

// Template writes the input template of a bulk import: a sheet with the header row,
// required columns marked "*", and one example row; and a second sheet, "说明" or
// "Notes", that lists each column, whether it is required, its format, its example and
// the other headers accepted for it. Text columns are formatted as Text (@), so that a
// code typed into them stays text. Read back, the template gives just the example row.
func Template(w io.Writer, sheetName string, cols []Column, lang string) (err error) {
	l := locale.Parse(lang)
	cat := locale.Default()
	f, st, err := newWorkbook(sheetName)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = qcity.Internal(cerr)
		}
	}()
	header := make([]string, len(cols))
	example := make([]string, len(cols))
	for i, c := range cols {
		header[i] = headerText(c, l)
		if c.Required {
			header[i] = "*" + header[i]
		}
		example[i] = c.Example
	}
	if err := setColumns(fileCols{f, sheetName}, cols, st, header, [][]string{example}); err != nil {
		return qcity.Internal(err)
	}
	for i := range cols {
		ref := columnName(i)
		style := st.header
		if cols[i].Required {
			style = st.required
		}
		if err := f.SetCellValue(sheetName, ref+"1", header[i]); err != nil {
			return qcity.Internal(err)
		}
		if err := f.SetCellStyle(sheetName, ref+"1", ref+"1", style); err != nil {
			return qcity.Internal(err)
		}
		if example[i] == "" {
			continue
		}
		c := st.cell(cols[i].Type, example[i])
		if err := f.SetCellValue(sheetName, ref+"2", c.Value); err != nil {
			return qcity.Internal(err)
		}
		if err := f.SetCellStyle(sheetName, ref+"2", ref+"2", c.StyleID); err != nil {
			return qcity.Internal(err)
		}
	}
	if err := f.SetPanes(sheetName, frozenHeader()); err != nil {
		return qcity.Internal(err)
	}

	notes := cat.T(l, "sheet.notes.sheet", nil)
	if _, err := f.NewSheet(notes); err != nil {
		return qcity.Internal(err)
	}
	t := func(key string) string { return cat.T(l, key, nil) }
	table := [][]string{{t("sheet.notes.column"), t("sheet.notes.required"), t("sheet.notes.format"),
		t("sheet.notes.example"), t("sheet.notes.aliases")}}
	for _, c := range cols {
		req := t("sheet.notes.no")
		if c.Required {
			req = t("sheet.notes.yes")
		}
		format := t("sheet.notes.type_text")
		switch c.Type {
		case Number:
			format = t("sheet.notes.type_number")
		case Date:
			format = t("sheet.notes.type_date")
		}
		aliases := ""
		for _, a := range append([]string{headerText(c, otherLang(l))}, c.Aliases...) {
			if a == "" || a == headerText(c, l) {
				continue
			}
			if aliases != "" {
				aliases += t("sheet.notes.separator")
			}
			aliases += a
		}
		table = append(table, []string{headerText(c, l), req, format, c.Example, aliases})
	}
	table = append(table, nil, []string{t("sheet.notes.help")})
	for i, rec := range table {
		ref := "A" + strconv.Itoa(i+1)
		if err := f.SetSheetRow(notes, ref, &rec); err != nil {
			return qcity.Internal(err)
		}
	}
	if err := f.SetCellStyle(notes, "A1", "E1", st.header); err != nil {
		return qcity.Internal(err)
	}
	for i, wd := range columnWidths(table[:len(cols)+1], 5) {
		if err := f.SetColWidth(notes, columnName(i), columnName(i), wd); err != nil {
			return qcity.Internal(err)
		}
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return qcity.Internal(err)
	}
	return nil
}

// WriteCSV writes an export as CSV for Excel: UTF-8 with a byte-order mark, without
// which Excel on Chinese Windows reads the file as GBK, and CRLF line ends. A value
// that Excel would run as a formula (one starting with =, +, -, @, a tab or a carriage
// return, and not a number) is prefixed with an apostrophe: a CSV cannot say "this is
// text", and a formula in an export is an attack on whoever opens it.
func WriteCSV(w io.Writer, cols []Column, lang string, rows iter.Seq[[]string]) error {
	l := locale.Parse(lang)
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.Write(utf8BOM); err != nil {
		return qcity.Internal(err)
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	rec := make([]string, len(cols))
	for i, c := range cols {
		rec[i] = headerText(c, l)
	}
	if err := cw.Write(rec); err != nil {
		return qcity.Internal(err)
	}
	var werr error
	rows(func(r []string) bool {
		if len(r) > len(cols) {
			werr = qcity.Internal(fmt.Errorf("sheet: row of %d values for %d columns", len(r), len(cols)))
			return false
		}
		for i := range rec {
			rec[i] = ""
			if i < len(r) {
				rec[i] = defuseFormula(r[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			werr = qcity.Internal(err)
			return false
		}
		return true
	})
	if werr != nil {
		return werr
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return qcity.Internal(err)
	}
	if err := bw.Flush(); err != nil {
		return qcity.Internal(err)
	}
	return nil
}

func defuseFormula(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if !isDecimal(v) {
			return "'" + v
		}
	}
	return v
}

// styles are the cell styles of a workbook.
type styles struct {
	header, required, text, number, date int
}

func newWorkbook(sheetName string) (*excelize.File, styles, error) {
	f := excelize.NewFile()
	var st styles
	fail := func(err error) (*excelize.File, styles, error) {
		_ = f.Close()
		return nil, st, qcity.Internal(fmt.Errorf("sheet: %w", err))
	}
	if sheetName != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheetName); err != nil {
			return fail(err)
		}
	}
	ymd := "yyyy-mm-dd"
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.header, excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}}},
		{&st.required, excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true, Color: "C00000"},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}}},
		{&st.text, excelize.Style{NumFmt: 49}},
		{&st.number, excelize.Style{NumFmt: 0}},
		{&st.date, excelize.Style{CustomNumFmt: &ymd}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return fail(err)
		}
		*s.id = id
	}
	return f, st, nil
}

// cell returns the cell to write for a value of a column of type t.
func (st styles) cell(t Type, v string) excelize.Cell {
	switch t {
	case Number:
		if isDecimal(v) && significantDigits(v) <= 15 {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return excelize.Cell{StyleID: st.number, Value: f}
			}
		}
	case Date:
		if d, err := time.Parse("2006-01-02", v); err == nil && len(v) == 10 && !d.Before(serial61) {
			return excelize.Cell{StyleID: st.date, Value: float64(d.Sub(epoch1900) / (24 * time.Hour))}
		}
	}
	return excelize.Cell{StyleID: st.text, Value: v}
}

var (
	epoch1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	serial61  = time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC) // before it, Excel's calendar is off by a day
)

// isDecimal reports whether v is a decimal number as people write one, without
// leading zeros that a number would lose ("007"), an exponent or a thousands separator.
func isDecimal(v string) bool {
	if v != "" && v[0] == '-' {
		v = v[1:]
	}
	intPart, frac, dot := cut(v, '.')
	if intPart == "" || (len(intPart) > 1 && intPart[0] == '0') || (dot && frac == "") {
		return false
	}
	for _, s := range []string{intPart, frac} {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
	}
	return true
}

func cut(s string, sep byte) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// significantDigits counts the digits of a decimal without leading and, after the
// point, trailing zeros.
func significantDigits(v string) int {
	n, leading := 0, true
	intPart, frac, _ := cut(v, '.')
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	for _, c := range []byte(intPart + frac) {
		if c < '0' || c > '9' {
			continue
		}
		if c == '0' && leading {
			continue
		}
		leading = false
		n++
	}
	return n
}

// colSetter is what setColumns needs of a File and of a StreamWriter.
type colSetter interface {
	SetColWidth(minVal, maxVal int, width float64) error
	SetColStyle(minVal, maxVal, styleID int) error
}

type fileCols struct {
	f     *excelize.File
	sheet string
}

func (fc fileCols) SetColWidth(minVal, maxVal int, w float64) error {
	return fc.f.SetColWidth(fc.sheet, columnName(minVal-1), columnName(maxVal-1), w)
}

func (fc fileCols) SetColStyle(minVal, maxVal, styleID int) error {
	return fc.f.SetColStyle(fc.sheet, columnName(minVal-1)+":"+columnName(maxVal-1), styleID)
}

// setColumns sizes and formats the columns.
func setColumns(cs colSetter, cols []Column, st styles, header []string, sample [][]string) error {
	widths := columnWidths(append([][]string{header}, sample...), len(cols))
	for i, c := range cols {
		if err := cs.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
		style := st.text
		switch c.Type {
		case Number:
			style = st.number
		case Date:
			style = st.date
		}
		if err := cs.SetColStyle(i+1, i+1, style); err != nil {
			return err
		}
	}
	return nil
}

// columnWidths sizes n columns to fit the widest of rows, a CJK character counting as
// two, within 8 and 60 characters.
func columnWidths(rows [][]string, n int) []float64 {
	widths := make([]float64, n)
	for _, rec := range rows {
		for i := 0; i < n && i < len(rec); i++ {
			w := 0
			for _, r := range rec[i] {
				switch width.LookupRune(r).Kind() {
				case width.EastAsianWide, width.EastAsianFullwidth:
					w += 2
				default:
					w++
				}
			}
			widths[i] = max(widths[i], float64(w)+2)
		}
	}
	for i := range widths {
		widths[i] = min(max(widths[i], 8), 60)
	}
	return widths
}

func frozenHeader() *excelize.Panes {
	return &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}
}

// headerText is a column's header in language l, falling back to the other language
// and then to the field name.
func headerText(c Column, l locale.Lang) string {
	a, b := c.ZH, c.EN
	if l == locale.EN {
		a, b = b, a
	}
	switch {
	case a != "":
		return a
	case b != "":
		return b
	}
	return c.Field
}

func otherLang(l locale.Lang) locale.Lang {
	if l == locale.EN {
		return locale.ZH
	}
	return locale.EN
}
