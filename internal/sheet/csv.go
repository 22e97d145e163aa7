package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// csvSource reads CSV as Excel and WPS save it: comma-separated (tab-separated when
// the first line has tabs and no commas), RFC 4180 quoting, in UTF-8 with or without a
// BOM, UTF-16 with a BOM, or GB18030 (a superset of the GBK that Excel on Chinese
// Windows writes as "CSV (逗号分隔)").
type csvSource struct {
	r       *csv.Reader
	row     int // spreadsheet row of the last record
	prevEnd int // text line on which the last record ended
}

func newCSVSource(data []byte) (source, error) {
	text, err := decodeCSV(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	if first, _, _ := bytes.Cut(text, []byte("\n")); bytes.IndexByte(first, ',') < 0 &&
		bytes.IndexByte(first, '\t') >= 0 {
		r.Comma = '\t'
	}
	return &csvSource{r: r}, nil
}

// decodeCSV returns the text of a CSV file as UTF-8 without a BOM. A file with a UTF-8
// BOM must be valid UTF-8; one without is taken as GB18030 when it is not valid UTF-8.
// NUL bytes are refused: they mean a binary file or a UTF-16 one without a BOM.
func decodeCSV(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		data = data[len(utf8BOM):]
		if err := checkText(data); err != nil {
			return nil, err
		}
		return data, nil
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		text, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return nil, invalid("sheet.csv_encoding", "line", 1)
		}
		if err := checkText(text); err != nil {
			return nil, err
		}
		return bytes.TrimPrefix(text, utf8BOM), nil
	}
	if utf8.Valid(data) {
		if err := checkText(data); err != nil {
			return nil, err
		}
		return data, nil
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, invalid("sheet.csv_encoding", "line", lineAt(data, i))
	}
	text, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return nil, invalid("sheet.csv_encoding", "line", 1)
	}
	// The decoder turns bytes that are not GB18030 into U+FFFD. Lines are the same in
	// both encodings: a GB18030 trail byte is never a line feed.
	if i := bytes.Index(text, []byte("\uFFFD")); i >= 0 {
		return nil, invalid("sheet.csv_encoding", "line", lineAt(text, i))
	}
	return text, checkText(text)
}

// checkText refuses invalid UTF-8 and NUL bytes, naming the line.
func checkText(text []byte) error {
	if i := bytes.IndexByte(text, 0); i >= 0 {
		return invalid("sheet.csv_encoding", "line", lineAt(text, i))
	}
	if utf8.Valid(text) {
		return nil
	}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && n == 1 {
			return invalid("sheet.csv_encoding", "line", lineAt(text, i))
		}
		i += n
	}
	return nil
}

// lineAt returns the 1-based text line of byte offset i.
func lineAt(b []byte, i int) int { return 1 + bytes.Count(b[:i], []byte("\n")) }

func (s *csvSource) next() (int, []string, error) {
	rec, err := s.r.Read()
	if err == io.EOF {
		return 0, nil, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
				// An unclosed quote is found only at the end of the file; the line where
				// its value began is the one to fix.
				return 0, nil, invalid("sheet.csv_quote", "line", pe.StartLine)
			}
			return 0, nil, invalid("sheet.csv_invalid", "line", pe.Line)
		}
		return 0, nil, invalid("sheet.csv_invalid", "line", s.prevEnd+1)
	}
	// csv.Reader skips blank lines, which a spreadsheet shows as empty rows, and a
	// quoted value may span lines; count rows as a spreadsheet would.
	start, _ := s.r.FieldPos(0)
	if s.row == 0 {
		s.row = start
	} else {
		s.row += start - s.prevEnd
	}
	last := len(rec) - 1
	endLine, _ := s.r.FieldPos(last)
	s.prevEnd = endLine + strings.Count(rec[last], "\n")
	return s.row, rec, nil
}
