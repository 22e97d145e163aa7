package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"qcity"
	"qcity/internal/locale"
)

// testCols is a small table: a required code, a required name, an optional date.
var testCols = []Column{
	{Field: "uscc", ZH: "统一社会信用代码", EN: "USCC", Aliases: []string{"信用代码", "Credit Code"}, Required: true, Example: "91350100M000100Y43"},
	{Field: "name", ZH: "企业名称", EN: "Name", Aliases: []string{"单位名称"}, Required: true, Example: "福州示例食品有限公司"},
	{Field: "date", ZH: "成立日期", EN: "Established", Type: Date, Example: "2020-05-06"},
	{Field: "capital", ZH: "注册资本（万元）", EN: "Capital", Type: Number, Example: "100.5"},
}

// readAll opens a file and reads every row, returning the values and the lines.
func readAll(t testing.TB, data []byte, name string, cols []Column, lim Limits) ([][]string, []int, error) {
	t.Helper()
	r, err := Open(bytes.NewReader(data), name, cols, lim)
	if err != nil {
		return nil, nil, err
	}
	var rows [][]string
	var lines []int
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows, lines, nil
		}
		if err != nil {
			return rows, lines, err
		}
		if len(row.Values) != len(cols) {
			t.Fatalf("row has %d values for %d columns", len(row.Values), len(cols))
		}
		rows = append(rows, row.Values)
		lines = append(lines, row.Line)
	}
}

// wantErr checks that err is a *qcity.Error with the code and key, and the args given
// as name, value pairs, and that the key is in both catalogues.
func wantErr(t testing.TB, err error, code, key string, args ...any) {
	t.Helper()
	var qe *qcity.Error
	if !errors.As(err, &qe) {
		t.Fatalf("error %v (%T), want *qcity.Error %s", err, err, key)
	}
	if qe.Code != code || qe.Key != key {
		t.Fatalf("error %v, want %s %s", err, code, key)
	}
	for i := 0; i+1 < len(args); i += 2 {
		if got := fmt.Sprint(qe.Args[args[i].(string)]); got != fmt.Sprint(args[i+1]) {
			t.Errorf("%s: arg %s = %q, want %q", key, args[i], got, fmt.Sprint(args[i+1]))
		}
	}
	checkCatalogued(t, err)
}

// checkCatalogued fails unless err is a *qcity.Error whose key both catalogues have.
func checkCatalogued(t testing.TB, err error) {
	t.Helper()
	var qe *qcity.Error
	if !errors.As(err, &qe) {
		t.Fatalf("error %v is %T, not *qcity.Error", err, err)
	}
	for _, l := range locale.Langs {
		if !locale.Default().Has(l, qe.Key) {
			t.Fatalf("error key %q missing in %s catalogue", qe.Key, l)
		}
	}
	if qe.Code != qcity.EINVALID && qe.Code != qcity.ETOOLARGE {
		t.Fatalf("error %v: code %q", err, qe.Code)
	}
	// Every placeholder of the message must be filled.
	for _, l := range locale.Langs {
		msg := locale.Default().T(l, qe.Key, nil)
		for {
			i := strings.IndexByte(msg, '{')
			j := strings.IndexByte(msg[i+1:], '}')
			if i < 0 || j < 0 {
				break
			}
			if _, ok := qe.Args[msg[i+1:i+1+j]]; !ok {
				t.Fatalf("%s message of %v has no argument for %s", l, err, msg[i:i+j+2])
			}
			msg = msg[i+j+2:]
		}
	}
}

func TestHeader(t *testing.T) {
	tests := []struct {
		name   string
		header string
		fields []string // Header(), when no error
		key    string   // error key
		args   []any
	}{
		{"chinese", "统一社会信用代码,企业名称,成立日期", []string{"uscc", "name", "date"}, "", nil},
		{"english", "USCC,Name,Established,Capital", []string{"uscc", "name", "date", "capital"}, "", nil},
		{"english any case", "uscc,NAME,established", []string{"uscc", "name", "date"}, "", nil},
		{"order free", "企业名称,统一社会信用代码", []string{"name", "uscc"}, "", nil},
		{"aliases", "信用代码,单位名称", []string{"uscc", "name"}, "", nil},
		{"alias any case and spaces", " credit  CODE ,单位名称", []string{"uscc", "name"}, "", nil},
		{"field names", "uscc,name,capital", []string{"uscc", "name", "capital"}, "", nil},
		{"full-width", "ＵＳＣＣ,Ｎａｍｅ,注册资本(万元)", []string{"uscc", "name", "capital"}, "", nil},
		{"half-width brackets match full-width", "USCC,Name,注册资本（万元）", []string{"uscc", "name", "capital"}, "", nil},
		{"required markers", "*统一社会信用代码,＊企业名称 ,成立日期*", []string{"uscc", "name", "date"}, "", nil},
		{"required note", "统一社会信用代码（必填）,企业名称(必填),成立日期（选填）", []string{"uscc", "name", "date"}, "", nil},
		{"ideographic space and line break", "\u3000统一社会信用代码\u3000,\"企业\n名称\"", []string{"uscc", "name"}, "", nil},
		{"blank header column", "统一社会信用代码,,企业名称", []string{"uscc", "name"}, "", nil},
		{"missing one", "统一社会信用代码,成立日期", nil, "sheet.missing_columns", []any{"columns_zh", "企业名称", "columns_en", "Name"}},
		{"missing two", "成立日期", nil, "sheet.missing_columns", []any{"columns_zh", "统一社会信用代码、企业名称", "columns_en", "USCC, Name"}},
		{"duplicate", "统一社会信用代码,企业名称,USCC", nil, "sheet.duplicate_column", []any{"header", "USCC", "column", "C", "first_column", "A"}},
		{"duplicate by alias", "信用代码,企业名称,统一社会信用代码", nil, "sheet.duplicate_column", []any{"column", "C", "first_column", "A"}},
		{"unknown", "统一社会信用代码,企业名称,备注", nil, "sheet.unknown_column", []any{"header", "备注", "column", "C"}},
		{"typo names the typo, not the missing column", "统一社会信用代码,企业明称", nil, "sheet.unknown_column", []any{"header", "企业明称", "column", "B"}},
		{"unknown far right", "USCC,Name" + strings.Repeat(",", 27) + "Notes", nil, "sheet.unknown_column", []any{"column", "AC"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.header + "\n91350100M000100Y43,公司\n")
			r, err := Open(bytes.NewReader(data), "x.csv", testCols, Limits{})
			if tt.key != "" {
				wantErr(t, err, qcity.EINVALID, tt.key, tt.args...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Header(); !reflect.DeepEqual(got, tt.fields) {
				t.Errorf("Header() = %q, want %q", got, tt.fields)
			}
			for _, f := range tt.fields {
				if !r.Has(f) {
					t.Errorf("Has(%q) = false", f)
				}
			}
		})
	}
}

func TestNormalizeHeader(t *testing.T) {
	for in, want := range map[string]string{
		"  USCC ":                "uscc",
		"ＵＳＣＣ":                   "uscc",
		"*统一社会信用代码":              "统一社会信用代码",
		"统一社会信用代码 *":             "统一社会信用代码",
		"Legal   Representative": "legal representative",
		"Legal\nRepresentative":  "legal representative",
		"企业 名称":                  "企业名称",
		"注册资本 (万元)":              "注册资本(万元)",
		"USCC 代码":                "uscc代码",
		"\ufeffUSCC":             "uscc",
		"注册资本（万元）":               "注册资本(万元)",
		"企业名称（必填）":               "企业名称",
		"Name (required)":        "name",
		"\u3000\u3000企业名称\u3000": "企业名称",
		"":                       "",
		"*":                      "",
		"İstanbul":               "İstanbul", // only ASCII letters are folded
		"ＡＢＣ　ｄｅｆ":                "abc def",
		"\u200b企业\u200b名称\u200b": "企业名称",
	} {
		if got := normalizeHeader(in); got != want {
			t.Errorf("normalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRows(t *testing.T) {
	data := "USCC,Name,Established\n" +
		" 91350100M000100Y43 ,\u3000福州示例\u3000,2020-01-02\n" +
		",,\n" + // empty row: skipped, but counted in line numbers
		"\n" + // blank line: a spreadsheet shows it as an empty row
		"91350100M000100Y44,\"多行\n名称\",\n" +
		"91350100M000100Y45,末行\n"
	r, err := Open(strings.NewReader(data), "upload.CSV", testCols, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 2, Values: []string{"91350100M000100Y43", "福州示例", "2020-01-02", ""}},
		{Line: 5, Values: []string{"91350100M000100Y44", "多行\n名称", "", ""}},
		{Line: 6, Values: []string{"91350100M000100Y45", "末行", "", ""}},
	}
	for _, w := range want {
		row, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if row.Line != w.Line || !reflect.DeepEqual(row.Values, w.Values) {
			t.Errorf("row = %d %q, want %d %q", row.Line, row.Values, w.Line, w.Values)
		}
		if row.Get("uscc") != w.Values[0] || row.Get("nope") != "" || r.Index("name") != 1 || r.Index("nope") != -1 {
			t.Errorf("Get/Index wrong on %q", row.Values)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after last row: %v", err)
	}
	if r.Has("capital") {
		t.Error("Has(capital) for a file without the column")
	}
}

func TestValueWithoutHeader(t *testing.T) {
	_, _, err := readAll(t, []byte("USCC,,Name\n1,,2\n3,x,4\n"), "a.csv", testCols, Limits{})
	wantErr(t, err, qcity.EINVALID, "sheet.value_without_header", "row", 3, "column", "B")
	_, _, err = readAll(t, []byte("USCC,Name\n1,2,,\n3,4,,x\n"), "a.csv", testCols, Limits{})
	wantErr(t, err, qcity.EINVALID, "sheet.value_without_header", "row", 3, "column", "D")
}

func TestFormats(t *testing.T) {
	xlsx := testXLSX(t, [][]string{{"91350100M000100Y43", "公司"}})
	csv := []byte("USCC,Name\n1,2\n")
	tests := []struct {
		name, file string
		data       []byte
		key        string
	}{
		{"xls", "old.XLS", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), "sheet.xls_unsupported"},
		{"xls with any content", "old.xls", csv, "sheet.xls_unsupported"},
		{"encrypted xlsx or renamed xls", "a.xlsx", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), "sheet.xls_unsupported"},
		{"xls renamed to csv", "a.csv", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), "sheet.xls_unsupported"},
		{"txt", "a.txt", csv, "sheet.unknown_format"},
		{"no extension", "upload", csv, "sheet.unknown_format"},
		{"xlsm", "a.xlsm", xlsx, "sheet.unknown_format"},
		{"xlsx named csv", "a.csv", xlsx, "sheet.csv_is_xlsx"},
		{"csv named xlsx", "a.xlsx", csv, "sheet.xlsx_not_zip"},
		{"empty csv", "a.csv", nil, "sheet.empty"},
		{"empty xlsx", "a.xlsx", nil, "sheet.empty"},
		{"bom only", "a.csv", []byte("\xef\xbb\xbf\r\n"), "sheet.empty"},
		{"blank lines only", "a.csv", []byte("\n\n,,\n"), "sheet.empty"},
		{"empty sheet", "a.xlsx", testXLSX(t, nil), "sheet.empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(bytes.NewReader(tt.data), tt.file, testCols, Limits{})
			wantErr(t, err, qcity.EINVALID, tt.key)
		})
	}
	// A Windows path from an old browser.
	if _, err := Open(bytes.NewReader(csv), `C:\fakepath\企业.csv`, testCols, Limits{}); err != nil {
		t.Errorf("Windows path: %v", err)
	}
}

func TestLimits(t *testing.T) {
	var big strings.Builder
	big.WriteString("USCC,Name\n")
	for i := range 100 {
		fmt.Fprintf(&big, "%d,name %d\n", i, i)
	}
	data := []byte(big.String())

	_, _, err := readAll(t, data, "a.csv", testCols, Limits{MaxBytes: int64(len(data) - 1)})
	wantErr(t, err, qcity.ETOOLARGE, "sheet.file_too_large", "max_mb", 1)
	if _, _, err := readAll(t, data, "a.csv", testCols, Limits{MaxBytes: int64(len(data))}); err != nil {
		t.Errorf("file at the limit: %v", err)
	}

	rows, _, err := readAll(t, data, "a.csv", testCols, Limits{MaxRows: 99})
	wantErr(t, err, qcity.ETOOLARGE, "sheet.too_many_rows", "max", 99)
	if len(rows) != 99 {
		t.Errorf("%d rows before the limit error, want 99", len(rows))
	}
	if rows, _, err := readAll(t, data, "a.csv", testCols, Limits{MaxRows: 100}); err != nil || len(rows) != 100 {
		t.Errorf("rows at the limit: %d, %v", len(rows), err)
	}

	long := []byte("USCC,Name\n1," + strings.Repeat("长", 10) + "\n2," + strings.Repeat("长", 11) + "\n")
	_, _, err = readAll(t, long, "a.csv", testCols, Limits{MaxCellRunes: 10})
	wantErr(t, err, qcity.EINVALID, "sheet.cell_too_long", "row", 3, "column", "B", "header", "Name", "max", 10)

	// The default takes the longest text a form takes (4,000 characters), and no more.
	long = []byte("USCC,Name\n1," + strings.Repeat("长", 4000) + "\n2," + strings.Repeat("长", 4001) + "\n")
	rows, _, err = readAll(t, long, "a.csv", testCols, Limits{})
	wantErr(t, err, qcity.EINVALID, "sheet.cell_too_long", "row", 3, "column", "B", "max", 4000)
	if len(rows) != 1 {
		t.Errorf("%d rows before the long cell, want 1", len(rows))
	}

	// The same limits hold for .xlsx.
	x := testXLSX(t, [][]string{{"1", strings.Repeat("长", 11)}})
	_, _, err = readAll(t, x, "a.xlsx", testCols, Limits{MaxCellRunes: 10})
	wantErr(t, err, qcity.EINVALID, "sheet.cell_too_long", "row", 2, "column", "B")
	x = testXLSX(t, [][]string{{"1", "a"}, {"2", "b"}, {"3", "c"}})
	_, _, err = readAll(t, x, "a.xlsx", testCols, Limits{MaxRows: 2})
	wantErr(t, err, qcity.ETOOLARGE, "sheet.too_many_rows", "max", 2)
}

// TestZipBomb builds a worksheet that inflates many times over and checks that reading
// stops at MaxUnzippedBytes, whether or not the zip header admits the size.
func TestZipBomb(t *testing.T) {
	var sheet bytes.Buffer
	sheet.WriteString(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>USCC</t></is></c><c r="B1" t="inlineStr"><is><t>Name</t></is></c></row>`)
	for i := 2; sheet.Len() < 8<<20; i++ {
		fmt.Fprintf(&sheet, `<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"><v>2</v></c></row>`, i, i, i)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	data := rawXLSX(t, map[string]string{"xl/worksheets/sheet1.xml": sheet.String()})
	t.Logf("%d bytes inflate to %d", len(data), sheet.Len())
	lim := Limits{MaxUnzippedBytes: 4 << 20}
	_, err := Open(bytes.NewReader(data), "bomb.xlsx", testCols, lim)
	wantErr(t, err, qcity.ETOOLARGE, "sheet.unzipped_too_large", "max_mb", 4)

	// A zip whose header understates the size is stopped while streaming.
	lied := lieAboutSize(t, data, "xl/worksheets/sheet1.xml", 1000)
	_, _, err = readAll(t, lied, "bomb.xlsx", testCols, lim)
	var qe *qcity.Error
	if !errors.As(err, &qe) || (qe.Key != "sheet.unzipped_too_large" && qe.Key != "sheet.corrupt_xlsx") {
		t.Fatalf("lying bomb: %v", err)
	}
	checkCatalogued(t, err)

	// Within the limits the same file reads.
	rows, _, err := readAll(t, data, "bomb.xlsx", testCols, Limits{})
	if err != nil || len(rows) < 100000 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}

	// Parts held in memory have their own bound.
	sst := `<sst>` + strings.Repeat(`<si><t>x</t></si>`, 100000) + `</sst>`
	data = rawXLSX(t, map[string]string{"xl/sharedStrings.xml": sst})
	_, err = Open(bytes.NewReader(data), "sst.xlsx", testCols, Limits{MaxXMLBytes: 1 << 20})
	wantErr(t, err, qcity.ETOOLARGE, "sheet.unzipped_too_large", "max_mb", 1)
}

// lieAboutSize rewrites the uncompressed size of one entry in the local and central
// headers of a zip written by archive/zip with sizes in the central directory only.
func lieAboutSize(t *testing.T, data []byte, name string, size uint32) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		raw, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		h := f.FileHeader
		if f.Name == name {
			h.UncompressedSize64 = uint64(size)
		}
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Columns that contradict each other are a programming error, reported as internal.
func TestBadColumns(t *testing.T) {
	for name, cols := range map[string][]Column{
		"none":             nil,
		"no field":         {{ZH: "名称"}},
		"field twice":      {{Field: "a"}, {Field: "a"}},
		"header twice":     {{Field: "a", ZH: "名称"}, {Field: "b", EN: "名称"}},
		"alias is a field": {{Field: "a"}, {Field: "b", Aliases: []string{"A"}}},
	} {
		_, err := Open(strings.NewReader("a\n1\n"), "a.csv", cols, Limits{})
		if qcity.ErrorCode(err) != qcity.EINTERNAL {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestUnescapeOOXML(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                  "plain",
		"_x0041_":                "A",
		"_xD840__xDC00_":         "\U00020000",
		"_xD840_":                "_xD840_", // a lone surrogate stays as written
		"_xDC00_x":               "_xDC00_x",
		"_x005F_x0041_":          "_x0041_",
		"a_x":                    "a_x",
		"_x00410_":               "_x00410_",
		"_x_x0042_":              "_xB",
		"end _x000A_":            "end \n",
		"_xD840__x0041_":         "_xD840_A",
		"_x4E1A__x4e1a_ _xg000_": "业业 _xg000_",
	} {
		if got := string(unescapeOOXML([]byte(in))); got != want {
			t.Errorf("unescapeOOXML(%q) = %q, want %q", in, got, want)
		}
	}
}
