package sheet

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"qcity"
)

const csvText = "统一社会信用代码,企业名称\r\n91350100M000100Y43,福州示例食品有限公司\r\n91350100M000100Y44,\"厦门示例\"\"贸易\"\"有限公司\"\r\n"

var csvWant = [][]string{
	{"91350100M000100Y43", "福州示例食品有限公司"},
	{"91350100M000100Y44", `厦门示例"贸易"有限公司`},
}

func TestCSVEncodings(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(csvText)
	if err != nil {
		t.Fatal(err)
	}
	gb18030, err := simplifiedchinese.GB18030.NewEncoder().String(strings.Replace(csvText, "福州", "福州𠀀", 1))
	if err != nil {
		t.Fatal(err)
	}
	utf16le, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(csvText)
	if err != nil {
		t.Fatal(err)
	}
	utf16be, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().String(csvText)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, data string
		want       [][]string
	}{
		{"utf-8", csvText, csvWant},
		{"utf-8 with BOM", "\ufeff" + csvText, csvWant},
		{"LF line ends", strings.ReplaceAll(csvText, "\r\n", "\n"), csvWant},
		{"GBK, as Excel on Chinese Windows saves", gbk, csvWant},
		{"GB18030 four-byte", gb18030, [][]string{{"91350100M000100Y43", "福州𠀀示例食品有限公司"}, csvWant[1]}},
		{"UTF-16LE with BOM", utf16le, csvWant},
		{"UTF-16BE with BOM", utf16be, csvWant},
		{"tab-separated", strings.ReplaceAll(csvText, ",", "\t"), csvWant},
		{"no final line end", strings.TrimSuffix(csvText, "\r\n"), csvWant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.HasPrefix(tt.name, "GBK") && bytes.Equal([]byte(tt.data), []byte(csvText)) {
				t.Fatal("encoder did nothing")
			}
			got, _, err := readAll(t, []byte(tt.data), "e.csv", twoCols, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("read %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCSVErrors(t *testing.T) {
	tests := []struct {
		name, data, key string
		line            int
	}{
		// 0xFF is neither UTF-8 nor GB18030; it stands on line 3.
		{"neither UTF-8 nor GB18030", "USCC,Name\n1,\xd6\xd0\n2,\xff\n", "sheet.csv_encoding", 3},
		{"BOM promises UTF-8", "\ufeffUSCC,Name\n1,\xd6\xd0\n", "sheet.csv_encoding", 2},
		{"NUL byte", "USCC,Name\n1,a\x00\n", "sheet.csv_encoding", 2},
		{"NUL in a non-UTF-8 file", "USCC,Name\n\xd6\xd0,a\n\x00\n", "sheet.csv_encoding", 3},
		{"bare quote", "USCC,Name\n1,a\"b\n", "sheet.csv_quote", 2},
		{"unterminated quote", "USCC,Name\n1,\"abc\n2,def\n", "sheet.csv_quote", 2},
		{"text after quote", "USCC,Name\n1,\"a\"b\n", "sheet.csv_quote", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readAll(t, []byte(tt.data), "e.csv", twoCols, Limits{})
			wantErr(t, err, qcity.EINVALID, tt.key, "line", tt.line)
		})
	}
}

func TestWriteCSV(t *testing.T) {
	rows := [][]string{
		{"91350100M000100Y43", "福州示例, \"食品\"\n有限公司"},
		{"-12.5", "=HYPERLINK(\"http://x\")"},
		{"+86 591 1234", "@SUM(A1)"},
		{"1"},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, twoCols, "zh-CN", slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeff统一社会信用代码,企业名称\r\n")) {
		t.Fatalf("no BOM or header: %q", buf.String()[:40])
	}
	got, _, err := readAll(t, buf.Bytes(), "export.csv", twoCols, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		rows[0],
		{"-12.5", "'=HYPERLINK(\"http://x\")"},
		{"'+86 591 1234", "'@SUM(A1)"},
		{"1", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}
	if err := WriteCSV(&buf, twoCols, "en", slices.Values([][]string{{"a", "b", "c"}})); qcity.ErrorCode(err) != qcity.EINTERNAL {
		t.Errorf("too many values: %v", err)
	}
	buf.Reset()
	if err := WriteCSV(&buf, twoCols, "en", slices.Values([][]string(nil))); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "\ufeffUSCC,Name\r\n" {
		t.Errorf("English header: %q", buf.String())
	}
}
