package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qcity"
)

// testXLSX writes, with excelize's ordinary API (shared strings, as Excel does), a
// workbook whose first sheet has the header USCC, Name and the given rows; nil rows
// give a workbook with nothing in it.
func testXLSX(t testing.TB, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if rows != nil {
		rows = append([][]string{{"USCC", "Name"}}, rows...)
	}
	for i, rec := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &rec); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawParts are the parts of a minimal workbook, as Excel names them.
var rawParts = map[string]string{
	"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
	"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
	"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
	"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
	"xl/styles.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="165" formatCode="000000"/><numFmt numFmtId="166" formatCode="#,##0.00&quot;元&quot;"/></numFmts><cellXfs count="9"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="9"/><xf numFmtId="22"/><xf numFmtId="21"/><xf numFmtId="49"/></cellXfs></styleSheet>`,
	"xl/sharedStrings.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>USCC</t></si><si><t>Name</t></si><si><r><rPr><b/></rPr><t>福州</t></r><r><t xml:space="preserve"> 示例</t></r><rPh sb="0" eb="2"><t>フクシュウ</t></rPh></si></sst>`,
	"xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c></row></sheetData></worksheet>`,
}

// rawXLSX zips rawParts with some replaced; an empty replacement removes a part.
func rawXLSX(t testing.TB, replace map[string]string) []byte {
	return zipParts(t, replace, zip.Deflate)
}

func zipParts(t testing.TB, replace map[string]string, method uint16) []byte {
	t.Helper()
	parts := map[string]string{}
	for k, v := range rawParts {
		parts[k] = v
	}
	for k, v := range replace {
		parts[k] = v
		if v == "" {
			delete(parts, k)
		}
	}
	names := make([]string, 0, len(parts))
	for k := range parts {
		names = append(names, k)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sheetXML wraps rows of cell XML in a worksheet whose header is USCC, Name.
func sheetXML(rows ...string) string {
	return `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>` +
		strings.Join(rows, "") + `</sheetData></worksheet>`
}

var twoCols = testCols[:2]

func TestXLSXRoundTrip(t *testing.T) {
	cols := []Column{
		{Field: "uscc", ZH: "统一社会信用代码", EN: "USCC", Required: true},
		{Field: "name", ZH: "企业名称", EN: "Name"},
		{Field: "code", ZH: "长代码", EN: "Long code"},
		{Field: "capital", ZH: "注册资本", EN: "Capital", Type: Number},
		{Field: "date", ZH: "成立日期", EN: "Established", Type: Date},
		{Field: "note", ZH: "备注", EN: "Note"},
	}
	rows := [][]string{
		{"91350100M000100Y43", "福州示例食品有限公司", "123456789012345678", "100.5", "2020-05-06", "多行\n备注 & <标签> \"引号\""},
		{"91350100M000100Y44", "Fuzhou Example Co., Ltd.", "000123", "0", "1900-03-01", "_x000D_ is literal, \t tab"},
		{"91350100M000100Y45", "", "1e5", "-12345678901234", "2024-02-29", "=1+1"},
		{"91350100M000100Y46", "𠀀 surrogate pair", "0.1", "1.50", "2024-2-29", "not a date ↑"},
		{"", "", "", "", "", ""}, // empty: skipped on reading
		{"91350100M000100Y47", "short row"},
	}
	want := [][]string{
		rows[0], rows[1], rows[2],
		{"91350100M000100Y46", "𠀀 surrogate pair", "0.1", "1.5", "2024-2-29", "not a date ↑"}, // 1.50 written as a number
		{"91350100M000100Y47", "short row", "", "", "", ""},
	}
	for _, lang := range []string{"zh-CN", "en"} {
		var buf bytes.Buffer
		if err := WriteXLSX(&buf, "企业名单", cols, lang, slices.Values(rows)); err != nil {
			t.Fatal(err)
		}
		got, lines, err := readAll(t, buf.Bytes(), "export.xlsx", cols, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read back\n%q\nwant\n%q", lang, got, want)
		}
		if !reflect.DeepEqual(lines, []int{2, 3, 4, 5, 7}) {
			t.Errorf("%s: lines %v", lang, lines)
		}
		// The header is in the language asked for, bold and frozen.
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := f.GetCellValue("企业名单", "A1")
		if wantH := map[string]string{"zh-CN": "统一社会信用代码", "en": "USCC"}[lang]; h != wantH {
			t.Errorf("%s: header %q", lang, h)
		}
		panes, _ := f.GetPanes("企业名单")
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: panes %+v", lang, panes)
		}
		sid, _ := f.GetCellStyle("企业名单", "A1")
		if st, _ := f.GetStyle(sid); st == nil || st.Font == nil || !st.Font.Bold {
			t.Errorf("%s: header style %+v", lang, st)
		}
		if w, _ := f.GetColWidth("企业名单", "B"); w < 20 {
			t.Errorf("%s: column B width %v", lang, w)
		}
		// Typed columns are typed cells; the long code stays text.
		for cell, typ := range map[string]excelize.CellType{"C2": excelize.CellTypeInlineString, "D2": excelize.CellTypeNumber, "E2": excelize.CellTypeNumber} {
			if got, _ := f.GetCellType("企业名单", cell); got != typ && !(typ == excelize.CellTypeNumber && got == excelize.CellTypeUnset) {
				t.Errorf("%s: %s type %v, want %v", lang, cell, got, typ)
			}
		}
		f.Close()
	}
}

func TestWriteXLSXLarge(t *testing.T) {
	// More rows than the sample used for column widths, and enough to stream.
	n := 0
	rows := func(yield func([]string) bool) {
		rec := make([]string, 2)
		for i := range 3000 {
			rec[0], rec[1] = fmt.Sprintf("9135%014d", i), fmt.Sprintf("企业%d", i)
			n++
			if !yield(rec) { // the same slice each time, as a database loop would
				return
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "Sheet1", twoCols, "en", rows); err != nil {
		t.Fatal(err)
	}
	got, _, err := readAll(t, buf.Bytes(), "big.xlsx", twoCols, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3000 || got[2999][0] != "913500000000002999" || got[150][1] != "企业150" || got[0][1] != "企业0" {
		t.Fatalf("%d rows, last %q", len(got), got[len(got)-1])
	}

	err = WriteXLSX(&buf, "Sheet1", twoCols, "en", slices.Values([][]string{{"a", "b", "c"}}))
	if qcity.ErrorCode(err) != qcity.EINTERNAL {
		t.Errorf("too many values: %v", err)
	}
	err = WriteXLSX(&buf, "bad/name", twoCols, "en", slices.Values([][]string{{"a"}}))
	if qcity.ErrorCode(err) != qcity.EINTERNAL {
		t.Errorf("bad sheet name: %v", err)
	}
}

func TestTemplate(t *testing.T) {
	for _, lang := range []string{"zh-CN", "en"} {
		var buf bytes.Buffer
		if err := Template(&buf, "导入", testCols, lang); err != nil {
			t.Fatal(err)
		}
		r, err := Open(bytes.NewReader(buf.Bytes()), "template.xlsx", testCols, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Header(); !reflect.DeepEqual(got, []string{"uscc", "name", "date", "capital"}) {
			t.Errorf("%s: header %q", lang, got)
		}
		row, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"91350100M000100Y43", "福州示例食品有限公司", "2020-05-06", "100.5"}; row.Line != 2 || !reflect.DeepEqual(row.Values, want) {
			t.Errorf("%s: example row %d %q, want %q", lang, row.Line, row.Values, want)
		}
		if _, err := r.Next(); err == nil {
			t.Errorf("%s: a second row", lang)
		}

		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		notes := map[string]string{"zh-CN": "说明", "en": "Notes"}[lang]
		if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"导入", notes}) {
			t.Errorf("%s: sheets %q", lang, got)
		}
		h, _ := f.GetCellValue("导入", "A1")
		if want := map[string]string{"zh-CN": "*统一社会信用代码", "en": "*USCC"}[lang]; h != want {
			t.Errorf("%s: header %q, want %q", lang, h, want)
		}
		rows, _ := f.GetRows(notes)
		if len(rows) < 5 || len(rows[1]) < 5 || rows[1][3] != "91350100M000100Y43" || !strings.Contains(rows[1][4], "信用代码") {
			t.Errorf("%s: notes %q", lang, rows)
		}
		if rows[1][1] == rows[3][1] {
			t.Errorf("%s: required and optional read alike: %q", lang, rows)
		}
		// A code typed into the template's text column stays text.
		sid, _ := f.GetCellStyle("导入", "A100")
		if st, _ := f.GetStyle(sid); st == nil || st.NumFmt != 49 {
			t.Errorf("%s: column A style %+v, want Text", lang, st)
		}
		f.Close()
	}
}

func TestXLSXValues(t *testing.T) {
	// Cells as Excel, WPS and other programs write them, each in row 2 column B with
	// the style index s.
	tests := []struct {
		name, cell, want string
	}{
		{"shared rich text without phonetic", `<c r="B2" t="s"><v>2</v></c>`, "福州 示例"},
		{"inline string", `<c r="B2" t="inlineStr"><is><t>企业</t></is></c>`, "企业"},
		{"inline rich text", `<c r="B2" t="inlineStr"><is><r><t>a</t></r><r><rPr><b/></rPr><t xml:space="preserve"> b </t></r></is></c>`, "a b"},
		{"entities", `<c r="B2" t="inlineStr"><is><t>&lt;a&gt; &amp; &quot;b&quot; &apos;c&apos; &#20225;&#x4E1A;</t></is></c>`, `<a> & "b" 'c' 企业`},
		{"CDATA", `<c r="B2" t="inlineStr"><is><t><![CDATA[<x> & y]]></t></is></c>`, "<x> & y"},
		{"ooxml escapes", `<c r="B2" t="inlineStr"><is><t>a_x000D__x000A_b _x005F_x0041_ _x4e1a_ _xZZZZ_</t></is></c>`, "a\r\nb _x0041_ 业 _xZZZZ_"},
		{"crlf normalised", "<c r=\"B2\" t=\"inlineStr\"><is><t>a\r\nb</t></is></c>", "a\nb"},
		{"formula string", `<c r="B2" t="str"><f>A1&amp;"x"</f><v>USCCx</v></c>`, "USCCx"},
		{"formula number", `<c r="B2"><f>1/3</f><v>0.33333333333333331</v></c>`, "0.333333333333333"},
		{"integer", `<c r="B2"><v>42</v></c>`, "42"},
		{"18 digits kept", `<c r="B2"><v>913501001234567890</v></c>`, "913501001234567890"},
		{"18 digits as Excel stores them", `<c r="B2"><v>9.13501001234568E+17</v></c>`, "913501001234568000"},
		{"float noise", `<c r="B2"><v>0.30000000000000004</v></c>`, "0.3"},
		{"small", `<c r="B2"><v>1.5E-7</v></c>`, "0.00000015"},
		{"negative", `<c r="B2"><v>-12.5</v></c>`, "-12.5"},
		{"explicit n", `<c r="B2" t="n"><v>7</v></c>`, "7"},
		{"date", `<c r="B2" s="1"><v>45296</v></c>`, "2024-01-05"},
		{"chinese date", `<c r="B2" s="2"><v>45296</v></c>`, "2024-01-05"},
		{"date with time part", `<c r="B2" s="1"><v>45296.75</v></c>`, "2024-01-05"},
		{"datetime", `<c r="B2" s="6"><v>45296.75</v></c>`, "2024-01-05 18:00:00"},
		{"datetime at midnight", `<c r="B2" s="6"><v>45296</v></c>`, "2024-01-05"},
		{"time", `<c r="B2" s="7"><v>0.5</v></c>`, "12:00:00"},
		{"time rounds", `<c r="B2" s="7"><v>0.49999999999</v></c>`, "12:00:00"},
		{"early date", `<c r="B2" s="1"><v>59</v></c>`, "1900-02-28"},
		{"leap bug", `<c r="B2" s="1"><v>60</v></c>`, "1900-02-29"},
		{"after leap bug", `<c r="B2" s="1"><v>61</v></c>`, "1900-03-01"},
		{"date out of range", `<c r="B2" s="1"><v>-1</v></c>`, "-1"},
		{"zeros", `<c r="B2" s="3"><v>10000</v></c>`, "010000"},
		{"zeros wider", `<c r="B2" s="3"><v>12345678</v></c>`, "12345678"},
		{"currency ignored", `<c r="B2" s="4"><v>1234.5</v></c>`, "1234.5"},
		{"percent", `<c r="B2" s="5"><v>0.985</v></c>`, "98.5%"},
		{"text format number", `<c r="B2" s="8"><v>123</v></c>`, "123"},
		{"style out of range", `<c r="B2" s="99"><v>1</v></c>`, "1"},
		{"bool", `<c r="B2" t="b"><v>1</v></c>`, "TRUE"},
		{"bool false", `<c r="B2" t="b"><v>0</v></c>`, "FALSE"},
		{"error", `<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>`, "#DIV/0!"},
		{"iso date", `<c r="B2" t="d"><v>2024-01-05T00:00:00Z</v></c>`, "2024-01-05"},
		{"iso datetime", `<c r="B2" t="d"><v>2024-01-05T08:30:00</v></c>`, "2024-01-05 08:30:00"},
		{"empty value", `<c r="B2"><v></v></c><c r="C2" s="1"/>`, ""},
		{"prefixed", `<x:c r="B2" t="inlineStr"><x:is><x:t>p</x:t></x:is></x:c>`, "p"},
		{"whitespace and comments", "<c r=\"B2\" t=\"inlineStr\" >\n<!-- c --><is><t>w</t></is>\n</c >", "w"},
		{"attribute with >", `<c r="B2" t="inlineStr" foo="a>b"><is><t>q</t></is></c>`, "q"},
		{"single quotes", `<c r='B2' t='inlineStr'><is><t>sq</t></is></c>`, "sq"},
		{"extension inside cell", `<c r="B2"><v>5</v><extLst><ext><v>9</v></ext></extLst></c>`, "5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := `<row r="2"><c r="A2"><v>1</v></c>` + tt.cell + `</row>`
			data := rawXLSX(t, map[string]string{"xl/worksheets/sheet1.xml": sheetXML(row)})
			got, _, err := readAll(t, data, "v.xlsx", twoCols, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0][1] != tt.want {
				t.Errorf("read %q, want %q", got, tt.want)
			}
		})
	}
}

func TestXLSXStructure(t *testing.T) {
	tests := []struct {
		name  string
		parts map[string]string
		want  [][]string
		lines []int
	}{
		{"no r attributes", map[string]string{"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row><row><c><v>1</v></c><c><v>2</v></c></row></sheetData></worksheet>`},
			[][]string{{"1", "2"}}, []int{2}},
		{"gaps", map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="5"><c r="B5"><v>2</v></c></row>`, `<row r="6"/>`, `<row r="7" spans="1:2"><c r="A7" s="1"/><c r="B7"><v>3</v></c></row>`, `<row><c r="A8"><v>8</v></c></row>`)},
			[][]string{{"", "2"}, {"", "3"}, {"8", ""}}, []int{5, 7, 8}},
		{"strict namespace and prefixes", map[string]string{
			"xl/workbook.xml":          `<x:workbook xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships"><x:sheets><x:sheet name="S" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
			"xl/worksheets/sheet1.xml": `<x:worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>USCC</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>Name</x:t></x:is></x:c></x:row><x:row r="2"><x:c r="A2"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>`},
			[][]string{{"1", ""}}, []int{2}},
		{"hidden first sheet is skipped", map[string]string{
			"xl/workbook.xml":            `<workbook xmlns:r="r"><sheets><sheet name="lists" sheetId="2" state="hidden" r:id="rId9"/><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": strings.Replace(rawParts["xl/_rels/workbook.xml.rels"], "</Relationships>", `<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/lists.xml"/></Relationships>`, 1),
			"xl/worksheets/lists.xml":    `<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>other</t></is></c></row></sheetData></worksheet>`},
			[][]string{{"福州 示例", ""}}, nil},
		{"chart sheet first", map[string]string{
			"xl/workbook.xml":            `<workbook xmlns:r="r"><sheets><sheet name="chart" sheetId="2" r:id="rId9"/><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": strings.Replace(rawParts["xl/_rels/workbook.xml.rels"], "</Relationships>", `<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/></Relationships>`, 1)},
			[][]string{{"福州 示例", ""}}, nil},
		{"1904 dates", map[string]string{
			"xl/workbook.xml":          `<workbook xmlns:r="r"><workbookPr date1904="1"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
			"xl/worksheets/sheet1.xml": sheetXML(`<row r="2"><c r="A2"><v>1</v></c><c r="B2" s="1"><v>0</v></c></row>`)},
			[][]string{{"1", "1904-01-01"}}, nil},
		{"no styles, no shared strings", map[string]string{"xl/styles.xml": "", "xl/sharedStrings.xml": "",
			"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>USCC</t></is></c><c t="inlineStr"><is><t>Name</t></is></c></row><row r="2"><c><v>1.0</v></c></row></sheetData></worksheet>`},
			[][]string{{"1", ""}}, nil},
		{"no sheetData", map[string]string{"xl/worksheets/sheet1.xml": `<worksheet><sheetData/></worksheet>`}, nil, nil},
		{"workbook elsewhere", map[string]string{
			"_rels/.rels":                     strings.Replace(rawParts["_rels/.rels"], "xl/workbook.xml", "/book/wb.xml", 1),
			"xl/workbook.xml":                 "",
			"xl/_rels/workbook.xml.rels":      "",
			"book/wb.xml":                     rawParts["xl/workbook.xml"],
			"book/_rels/wb.xml.rels":          strings.ReplaceAll(rawParts["xl/_rels/workbook.xml.rels"], `Target="`, `Target="../xl/`),
			"xl/worksheets/sheet1.xml":        sheetXML(`<row r="2"><c r="A2"><v>3</v></c></row>`),
			"xl/worksheets/_rels/sheet1.rels": "<x/>"},
			[][]string{{"3", ""}}, nil},
		{"upper case part names", map[string]string{
			"xl/worksheets/sheet1.xml": "",
			"XL/Worksheets/Sheet1.XML": sheetXML(`<row r="2"><c r="A2"><v>4</v></c></row>`)},
			[][]string{{"4", ""}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := rawXLSX(t, tt.parts)
			got, lines, err := readAll(t, data, "s.xlsx", twoCols, Limits{})
			if tt.want == nil {
				wantErr(t, err, qcity.EINVALID, "sheet.empty")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("read %q, want %q", got, tt.want)
			}
			if tt.lines != nil && !reflect.DeepEqual(lines, tt.lines) {
				t.Errorf("lines %v, want %v", lines, tt.lines)
			}
		})
	}
}

// TestXLSXFromExcelize reads cells written through excelize's cell API, which is how
// other Go programs and many Chinese tools write .xlsx.
func TestXLSXFromExcelize(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	cnDate := `yyyy"年"m"月"d"日"`
	cnStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &cnDate})
	set := func(cell string, v any, style int) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
		if style != 0 {
			_ = f.SetCellStyle("Sheet1", cell, cell, style)
		}
	}
	set("A1", "USCC", 0)
	set("B1", "Name", 0)
	set("A2", 913501001234567890, 0) // int64: written digit for digit
	set("B2", 0.1+0.2, 0)
	set("A3", time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC), dateStyle)
	set("B3", time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC), cnStyle)
	set("A4", true, 0)
	set("B4", 1e21, 0)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, _, err := readAll(t, buf.Bytes(), "e.xlsx", twoCols, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"913501001234567890", "0.3"},
		{"2024-01-05", "2024-01-05"},
		{"TRUE", "1000000000000000000000"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}

	// A formula written by a program that does not calculate has no value to read.
	if err := f.SetCellFormula("Sheet1", "B5", "A2*2"); err != nil {
		t.Fatal(err)
	}
	set("A5", "x", 0)
	buf.Reset()
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, _, err = readAll(t, buf.Bytes(), "e.xlsx", twoCols, Limits{})
	wantErr(t, err, qcity.EINVALID, "sheet.formula_without_value", "row", 5, "column", "B")
}

func TestCorruptXLSX(t *testing.T) {
	good := rawXLSX(t, nil)
	sheet := func(rows ...string) map[string]string {
		return map[string]string{"xl/worksheets/sheet1.xml": sheetXML(rows...)}
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"truncated", good[:len(good)/2]},
		{"zip magic only", []byte("PK\x03\x04garbage garbage garbage")},
		{"flipped byte in the sheet", flip(good, dataOffset(t, good, "xl/worksheets/sheet1.xml")+5)},
		{"no workbook", rawXLSX(t, map[string]string{"xl/workbook.xml": ""})},
		{"workbook not XML", rawXLSX(t, map[string]string{"xl/workbook.xml": "<workbook><sheets>"})},
		{"no sheets", rawXLSX(t, map[string]string{"xl/workbook.xml": "<workbook><sheets/></workbook>"})},
		{"sheet part missing", rawXLSX(t, map[string]string{"xl/worksheets/sheet1.xml": ""})},
		{"bad styles", rawXLSX(t, map[string]string{"xl/styles.xml": `<styleSheet><cellXfs><xf numFmtId="x"/></cellXfs></styleSheet>`})},
		{"bad shared strings", rawXLSX(t, map[string]string{"xl/sharedStrings.xml": `<sst><si><t>a &bogus; b</t></si></sst>`})},
		{"unclosed sheetData", rawXLSX(t, map[string]string{"xl/worksheets/sheet1.xml": strings.TrimSuffix(sheetXML(`<row r="2"><c r="A2"><v>1</v></c></row>`), "</sheetData></worksheet>")})},
		{"unclosed tag", rawXLSX(t, map[string]string{"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row r="1"`})},
		{"doctype", rawXLSX(t, map[string]string{"xl/worksheets/sheet1.xml": `<!DOCTYPE x [<!ENTITY a "b">]><worksheet/>`})},
		{"shared string index", rawXLSX(t, sheet(`<row r="2"><c r="A2" t="s"><v>99</v></c></row>`))},
		{"negative shared string index", rawXLSX(t, sheet(`<row r="2"><c r="A2" t="s"><v>-1</v></c></row>`))},
		{"not a number", rawXLSX(t, sheet(`<row r="2"><c r="A2"><v>abc</v></c></row>`))},
		{"row number", rawXLSX(t, sheet(`<row r="x"><c r="A2"><v>1</v></c></row>`))},
		{"row number too large", rawXLSX(t, sheet(`<row r="1048577"><c r="A2"><v>1</v></c></row>`))},
		{"cell reference", rawXLSX(t, sheet(`<row r="2"><c r="2A"><v>1</v></c></row>`))},
		{"column too far", rawXLSX(t, sheet(`<row r="2"><c r="XFE2"><v>1</v></c></row>`))},
		{"cell type", rawXLSX(t, sheet(`<row r="2"><c r="A2" t="q"><v>1</v></c></row>`))},
		{"style", rawXLSX(t, sheet(`<row r="2"><c r="A2" s="-1"><v>1</v></c></row>`))},
		{"entity", rawXLSX(t, sheet(`<row r="2"><c r="A2" t="inlineStr"><is><t>&#0;</t></is></c></row>`))},
		{"invalid UTF-8", rawXLSX(t, sheet("<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>\xff</t></is></c></row>"))},
		{"number NaN", rawXLSX(t, sheet(`<row r="2"><c r="A2"><v>NaN</v></c></row>`))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readAll(t, tt.data, "c.xlsx", twoCols, Limits{})
			var qe *qcity.Error
			if err == nil {
				t.Fatal("no error")
			}
			checkCatalogued(t, err)
			if qcity.ErrorCode(err) != qcity.EINVALID || !isKey(err, "sheet.corrupt_xlsx", &qe) {
				t.Fatalf("error %v, want sheet.corrupt_xlsx", err)
			}
		})
	}
}

func isKey(err error, key string, qe **qcity.Error) bool {
	e := qcity.AsError(err)
	*qe = e
	return e != nil && e.Key == key
}

// dataOffset returns where the compressed data of a zip entry starts.
func dataOffset(t *testing.T, data []byte, name string) int {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			return int(off)
		}
	}
	t.Fatalf("no %s", name)
	return 0
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0xff
	return c
}
