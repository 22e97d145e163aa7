package sheet

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
)

// benchCols is a typical enterprise import of 11 columns.
var benchCols = []Column{
	{Field: "uscc", ZH: "统一社会信用代码", EN: "USCC", Required: true},
	{Field: "name", ZH: "企业名称", EN: "Name", Required: true},
	{Field: "legal_rep", ZH: "法定代表人", EN: "Legal representative"},
	{Field: "capital", ZH: "注册资本（万元）", EN: "Registered capital", Type: Number},
	{Field: "established", ZH: "成立日期", EN: "Established", Type: Date},
	{Field: "region", ZH: "行政区划代码", EN: "Region code"},
	{Field: "address", ZH: "住所", EN: "Address"},
	{Field: "phone", ZH: "联系电话", EN: "Phone"},
	{Field: "industry", ZH: "行业代码", EN: "Industry code"},
	{Field: "status", ZH: "登记状态", EN: "Status"},
	{Field: "remark", ZH: "备注", EN: "Remark"},
}

const benchRows = 100_000

func benchRecords() [][]string {
	rows := make([][]string, benchRows)
	for i := range rows {
		rows[i] = []string{
			fmt.Sprintf("91350100M%08dX", i),
			fmt.Sprintf("福州市第%d示例食品有限公司", i),
			[]string{"张三", "李四", "王五", "欧阳娜娜"}[i%4],
			fmt.Sprintf("%d.%d", 50+i%1000, i%10),
			fmt.Sprintf("20%02d-%02d-%02d", i%24, 1+i%12, 1+i%28),
			[]string{"350102", "350103", "350104", "350105"}[i%4],
			fmt.Sprintf("福建省福州市鼓楼区五四路%d号", i%500),
			fmt.Sprintf("0591-8%07d", i),
			[]string{"C1391", "F5221", "H6210"}[i%3],
			[]string{"存续", "在业", "注销"}[i%3],
			[]string{"", "", "年报已公示"}[i%3],
		}
	}
	return rows
}

var benchFiles = sync.OnceValues(func() (map[string][]byte, error) {
	rows := benchRecords()
	files := map[string][]byte{}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, benchCols, "zh-CN", slices.Values(rows)); err != nil {
		return nil, err
	}
	files["csv"] = bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := WriteXLSX(&buf, "Sheet1", benchCols, "zh-CN", slices.Values(rows)); err != nil {
		return nil, err
	}
	files["xlsx inline strings"] = bytes.Clone(buf.Bytes())
	files["xlsx shared strings"] = sharedStringsXLSX(rows)
	return files, nil
})

// sharedStringsXLSX writes rows as Excel does: text in the shared string table, numbers
// and dates as numbers with styles.
func sharedStringsXLSX(rows [][]string) []byte {
	var sst, ws strings.Builder
	index := map[string]int{}
	str := func(s string) int {
		i, ok := index[s]
		if !ok {
			i = len(index)
			index[s] = i
			fmt.Fprintf(&sst, "<si><t>%s</t></si>", s)
		}
		return i
	}
	ws.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	all := append([][]string{{}}, rows...)
	for _, c := range benchCols {
		all[0] = append(all[0], c.ZH)
	}
	for r, rec := range all {
		fmt.Fprintf(&ws, `<row r="%d" spans="1:11">`, r+1)
		for c, v := range rec {
			ref := columnName(c) + fmt.Sprint(r+1)
			switch {
			case v == "":
			case r > 0 && benchCols[c].Type == Number:
				fmt.Fprintf(&ws, `<c r="%s"><v>%s</v></c>`, ref, v)
			case r > 0 && benchCols[c].Type == Date:
				fmt.Fprintf(&ws, `<c r="%s" s="1"><v>%d</v></c>`, ref, 40000+r%5000)
			default:
				fmt.Fprintf(&ws, `<c r="%s" t="s"><v>%d</v></c>`, ref, str(v))
			}
		}
		ws.WriteString(`</row>`)
	}
	ws.WriteString(`</sheetData></worksheet>`)
	return rawXLSX(&testing.T{}, map[string]string{
		"xl/sharedStrings.xml":     `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + sst.String() + `</sst>`,
		"xl/worksheets/sheet1.xml": ws.String(),
	})
}

func benchmarkRead(b *testing.B, name, kind string) {
	files, err := benchFiles()
	if err != nil {
		b.Fatal(err)
	}
	data := files[kind]
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		r, err := Open(bytes.NewReader(data), name, benchCols, Limits{})
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if row.Values[0] == "" {
				b.Fatalf("row %d without USCC", row.Line)
			}
			rows++
		}
		if rows != benchRows {
			b.Fatalf("%d rows", rows)
		}
		n += rows
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadCSV reads 100,000 rows of 11 columns from CSV.
func BenchmarkReadCSV(b *testing.B) { benchmarkRead(b, "import.csv", "csv") }

// BenchmarkReadXLSX reads 100,000 rows of 11 columns from .xlsx, as WriteXLSX writes
// them (inline strings) and as Excel does (shared strings).
func BenchmarkReadXLSX(b *testing.B) {
	for _, kind := range []string{"xlsx shared strings", "xlsx inline strings"} {
		b.Run(strings.Fields(kind)[1], func(b *testing.B) { benchmarkRead(b, "import.xlsx", kind) })
	}
}

// BenchmarkWriteXLSX writes 100,000 rows of 11 columns.
func BenchmarkWriteXLSX(b *testing.B) {
	rows := benchRecords()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteXLSX(io.Discard, "Sheet1", benchCols, "zh-CN", slices.Values(rows)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
