package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// fuzzLimits keep fuzzed inputs small and let the limits themselves be reached.
var fuzzLimits = Limits{MaxBytes: 1 << 20, MaxRows: 200, MaxCellRunes: 300, MaxUnzippedBytes: 4 << 20, MaxXMLBytes: 1 << 20}

// checkRead reads a whole file and checks what any input must give: rows with valid,
// trimmed UTF-8 and increasing line numbers, or a catalogued *qcity.Error.
func checkRead(t *testing.T, data []byte, name string) {
	rows, lines, err := readAll(t, data, name, testCols, fuzzLimits)
	if err != nil {
		checkCatalogued(t, err)
	}
	for i, rec := range rows {
		empty := true
		for _, v := range rec {
			if !utf8.ValidString(v) {
				t.Fatalf("row %d: invalid UTF-8 %q", lines[i], v)
			}
			if v != trim(v) {
				t.Fatalf("row %d: untrimmed %q", lines[i], v)
			}
			if v != "" {
				empty = false
			}
		}
		if empty {
			t.Fatalf("row %d is empty", lines[i])
		}
		if lines[i] < 2 || (name == "f.csv" && i > 0 && lines[i] <= lines[i-1]) {
			t.Fatalf("line %d after %v", lines[i], lines[:i])
		}
	}
}

func FuzzCSV(f *testing.F) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(csvText)
	var export bytes.Buffer
	_ = WriteCSV(&export, testCols, "zh-CN", slices.Values([][]string{
		{"91350100M000100Y43", "福州示例\n食品", "2020-01-02", "1.5"}, {"=1", "\"q\""}}))
	for _, s := range []string{
		csvText, "\ufeff" + csvText, gbk, export.String(), strings.ReplaceAll(csvText, ",", "\t"),
		"USCC,Name\n1,\"a\"\"b\"\n", "USCC,Name\n1,\"open\n", "USCC,Name\n1,a\"b\n", "USCC,,Name\n1,2,3\n",
		"*统一社会信用代码,企业名称（必填）,成立日期\n\n\n1,2,3\n", "USCC,USCC\n", "Foo\n", "\xff\xfe", "\x00",
		"USCC,Name\n" + strings.Repeat("1,2\n", 300), "USCC,Name\n1," + strings.Repeat("长", 301) + "\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, data, "f.csv")
	})
}

// xlsxSeeds are valid workbooks of every kind the package reads.
func xlsxSeeds(t testing.TB) [][]byte {
	var export, template bytes.Buffer
	_ = WriteXLSX(&export, "Sheet1", testCols, "zh-CN", slices.Values([][]string{
		{"91350100M000100Y43", "福州示例食品有限公司", "2020-01-02", "1.5"}, {"1", "2", "x", "007"}}))
	_ = Template(&template, "导入", testCols, "en")
	return [][]byte{
		export.Bytes(), template.Bytes(), testXLSX(t, [][]string{{"1", "公司"}}), rawXLSX(t, nil),
		rawXLSX(t, map[string]string{"xl/worksheets/sheet1.xml": sheetXML(
			`<row r="2"><c r="A2" s="1"><v>45296.5</v></c><c r="B2" s="5" t="n"><v>0.5</v></c></row>`,
			`<row><c t="inlineStr"><is><r><t>a</t></r><rPh><t>b</t></rPh></is></c><c t="b"><v>1</v></c></row>`)}),
	}
}

func FuzzXLSX(f *testing.F) {
	for _, s := range xlsxSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, data, "f.xlsx")
	})
}

// FuzzSheetXML fuzzes the worksheet XML inside a valid package, where FuzzXLSX mostly
// meets checksum errors.
func FuzzSheetXML(f *testing.F) {
	f.Add(rawParts["xl/worksheets/sheet1.xml"])
	f.Add(sheetXML(`<row r="2"><c r="A2" s="1"><v>45296.5</v></c><c r="B2" s="5" t="n"><v>0.5</v></c></row>`))
	f.Add(sheetXML(`<x:row><x:c t="inlineStr"><x:is><x:r><x:t>a&amp;_x000D_</x:t></x:r><x:rPh><x:t>b</x:t></x:rPh></x:is></x:c><c t="str"><f>1</f><v><![CDATA[c]]></v></c></x:row>`))
	f.Add(sheetXML(`<row r="3" spans="1:2"><c r="B3" s="3"><v>12</v></c><c r="C3"/></row><!-- x --><row r="2"/>`))
	f.Fuzz(func(t *testing.T, sheet string) {
		// Stored, not deflated: quicker, and the other way parts are zipped.
		checkRead(t, zipParts(t, map[string]string{"xl/worksheets/sheet1.xml": sheet}, zip.Store), "f.xlsx")
	})
}

// FuzzXMLScanner checks the tokenizer against encoding/xml: on any input encoding/xml
// reads without error, it must give the same elements and text, whatever the sizes of
// the reads feeding it.
func FuzzXMLScanner(f *testing.F) {
	for _, s := range []string{
		rawParts["xl/worksheets/sheet1.xml"], rawParts["xl/sharedStrings.xml"], rawParts["xl/styles.xml"],
		`<a x='1' y="&lt;>"><b/>t&amp;x<![CDATA[<c>]]><!--d--><?pi x?>e&#x4E1A;&#20225;</a>`,
		"<a>\r\n\r</a>", `<p:a xmlns:p="u"><p:b p:c="d">text</p:b></p:a>`, "<a  b = \"c\" ></a >",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		want, ok := stdTokens(doc)
		if !ok {
			return
		}
		for _, r := range []io.Reader{strings.NewReader(doc), iotest.OneByteReader(strings.NewReader(doc)),
			iotest.HalfReader(strings.NewReader(doc))} {
			got, err := scanTokens(newXMLScanner(r, 4, 1<<20))
			if err != nil {
				t.Fatalf("encoding/xml reads %q, scanner fails: %v", doc, err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%q:\nscanner  %q\nencoding %q", doc, got, want)
			}
		}
		got, err := scanTokens(newXMLBytesScanner([]byte(doc)))
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("%q in memory: %q, %v", doc, got, err)
		}
	})
}

// stdTokens lists the elements, attributes and merged text of doc as encoding/xml
// reads it, or reports false if it does not, or if doc has a directive (which the
// scanner refuses) or a non-UTF-8 encoding declaration.
func stdTokens(doc string) ([]string, bool) {
	d := xml.NewDecoder(strings.NewReader(doc))
	var out []string
	var text []byte
	flush := func() {
		if len(text) > 0 {
			out = append(out, "text:"+string(text))
			text = text[:0]
		}
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			flush()
			return out, true
		}
		if err != nil {
			return nil, false
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			flush()
			out = append(out, "start:"+tok.Name.Local)
			for _, a := range tok.Attr {
				out = append(out, "attr:"+a.Name.Local+"="+a.Value)
			}
		case xml.EndElement:
			flush()
			out = append(out, "end:"+tok.Name.Local)
		case xml.CharData:
			text = append(text, tok...)
		case xml.Directive:
			return nil, false
		case xml.ProcInst:
			if tok.Target == "xml" && bytes.Contains(bytes.ToLower(tok.Inst), []byte("encoding")) {
				return nil, false
			}
		}
	}
}

// scanTokens lists what stdTokens lists, as the scanner reads it. A self-closing tag
// gives a start and an end, as in encoding/xml.
func scanTokens(s *xmlScanner) ([]string, error) {
	var out []string
	var text []byte
	flush := func() {
		if len(text) > 0 {
			out = append(out, "text:"+string(text))
			text = text[:0]
		}
	}
	for {
		switch s.next() {
		case tokEOF:
			flush()
			return out, nil
		case tokErr:
			return out, s.err
		case tokStart:
			flush()
			out = append(out, "start:"+string(s.name))
			for _, a := range s.attrs {
				v, err := unescapeXML(nil, a.value)
				if err != nil {
					return out, err
				}
				out = append(out, "attr:"+string(localName(a.name))+"="+string(v))
			}
			if s.empty {
				out = append(out, "end:"+string(s.name))
			}
		case tokEnd:
			flush()
			out = append(out, "end:"+string(s.name))
		case tokText, tokCDATA:
			var err error
			if text, err = s.appendText(text); err != nil {
				return out, err
			}
		default:
			return out, errors.New("unknown token")
		}
	}
}
