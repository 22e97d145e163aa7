// Package sheet reads the tabular files people upload for bulk input (CSV and .xlsx)
// into rows of strings for the domain code to validate, and writes .xlsx exports and
// input templates (ARCHITECTURE.md: every list can be exported, every bulk input has a
// template).
//
// A table is described by its []Column. Open matches the file's header row against
// them and then yields one Row per non-empty data row, with the values in the order of
// the []Column, trimmed of surrounding white space. The reader never guesses: a header
// it does not know, a column given twice, a value under a blank header or a missing
// required column stops the import with a message that names the column, because a
// typo in a header must not silently drop data.
//
// # What a cell reads as
//
// CSV cells are taken as they are. In .xlsx, text cells are taken as they are and
// numbers are turned into the text a validator can use, not into the rounded display
// of the cell:
//   - a number formatted as a date reads as YYYY-MM-DD, a time as HH:MM:SS, and a date
//     with a time of day as YYYY-MM-DD HH:MM:SS;
//   - any other number reads in plain decimal notation, never in scientific notation
//     and without binary float noise: an integer stored as digits is kept digit for
//     digit, anything else is rounded to 15 significant digits, the precision Excel
//     itself keeps (0.30000000000000004 reads as 0.3, 1.23456789012345E+17 as
//     123456789012345000). Thousands separators, currency signs and fixed decimals of
//     the cell's format are not applied, so "1,234.50" displayed reads as 1234.5;
//   - two formats change what a number means and are kept: a percentage reads with
//     its % sign (0.985 formatted as 0% reads as 98.5%), and an all-zeros format such as
//     000000 keeps its leading zeros (a postcode 10000 shown as 010000 reads 010000);
//   - TRUE and FALSE read as TRUE and FALSE, error values such as #N/A as themselves,
//     and a formula as its cached result.
//
// An 18-digit code typed into a General cell has already lost its last digits inside
// Excel, which keeps only 15 significant digits; it reads as those 15 digits and
// zeros, which the domain validation rejects. The templates format text columns as
// Text (@) so that typed codes stay text.
//
// # Limits
//
// Everything is bounded by Limits: the upload's size, the data rows, a cell's length
// and, for .xlsx, the bytes the zip decompresses to (a zip bomb stops at the limit,
// whatever sizes its headers claim). The worksheet is streamed from the zip, never held
// in memory whole.
package sheet

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"qcity"
)

// Type says how a column's values are written to .xlsx. Reading is unaffected: every
// value reads as text.
type Type uint8

const (
	// Text values are written as text cells, and the column is formatted as Text (@),
	// so that a code typed into it later stays text. The zero Type.
	Text Type = iota
	// Number values that are plain decimals of at most 15 significant digits are
	// written as numbers, so Excel can sum and sort them; others are written as text.
	Number
	// Date values of the form YYYY-MM-DD are written as Excel dates formatted
	// yyyy-mm-dd; others are written as text.
	Date
)

// Column describes one column of a table: a stable field name, its Chinese and English
// headers, and aliases accepted on input.
type Column struct {
	Field    string   // stable name, e.g. "uscc"; also accepted as a header
	ZH, EN   string   // header text, e.g. "统一社会信用代码", "USCC"
	Aliases  []string // other accepted headers, matched after normalisation
	Required bool     // the column must be present in the header
	Example  string   // example value for the template's second row and its notes
	Type     Type     // how WriteXLSX and Template write the column's values
}

// Limits bound what a reader accepts. A zero field takes its value from DefaultLimits.
type Limits struct {
	MaxBytes     int64 // the uploaded file
	MaxRows      int   // non-empty data rows, the header not counted
	MaxCellRunes int   // characters in one cell, after trimming
	// MaxUnzippedBytes bounds what an .xlsx decompresses to in all (the role of
	// excelize's UnzipSizeLimit). The worksheet is streamed, so this bounds time.
	MaxUnzippedBytes int64
	// MaxXMLBytes bounds each part held in memory whole: the shared strings, styles and
	// workbook (the role of excelize's UnzipXMLSizeLimit).
	MaxXMLBytes int64
}

// DefaultLimits returns limits that fit every bulk input of qcity: a 64 MiB file,
// 1,000,000 rows, 4,000 characters in a cell (the longest text field a form takes), 2 GiB unzipped and 256 MiB for the
// shared strings.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:         64 << 20,
		MaxRows:          1_000_000,
		MaxCellRunes:     4000,
		MaxUnzippedBytes: 2 << 30,
		MaxXMLBytes:      256 << 20,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxCellRunes <= 0 {
		l.MaxCellRunes = d.MaxCellRunes
	}
	if l.MaxUnzippedBytes <= 0 {
		l.MaxUnzippedBytes = d.MaxUnzippedBytes
	}
	if l.MaxXMLBytes <= 0 {
		l.MaxXMLBytes = d.MaxXMLBytes
	}
	return l
}

// Row is one data row. Values holds the trimmed cell values in the order of the
// []Column given to Open; a column absent from the file reads as "". The slice
// belongs to the caller.
type Row struct {
	Line   int // 1-based row number as a spreadsheet shows it, for error messages
	Values []string
	index  map[string]int
}

// Get returns the value of the column with the given field name, or "" for a field
// not among the columns.
func (r Row) Get(field string) string {
	if i, ok := r.index[field]; ok && i < len(r.Values) {
		return r.Values[i]
	}
	return ""
}

// source yields the records of a file in file order.
type source interface {
	// next returns the next record and its 1-based row number; io.EOF at the end. The
	// slice may be reused by the following call; the strings may not.
	next() (line int, rec []string, err error)
}

// Reader reads the data rows of an uploaded table.
type Reader struct {
	src        source
	cols       []Column
	lim        Limits
	index      map[string]int // field → position in cols
	fileCol    []int          // file column → position in cols, -1 for a blank header
	fileHeader []string       // file column → header as written, trimmed
	header     []string       // fields in file order
	present    []bool         // by position in cols
	rows       int
	err        error
	nonEmpty   []int  // scratch: file columns with a value in the current record
	sha256     string // of the whole upload, hex
}

// SHA256 returns the hex SHA-256 of the uploaded file, for audit records.
func (r *Reader) SHA256() string { return r.sha256 }

// Open reads the header row of an uploaded file and returns a Reader positioned at the
// first data row. filename is the name the user gave the file; its extension selects
// the format (.csv or .xlsx), and the content must agree with it. The whole upload is
// read into memory, up to lim.MaxBytes. The header is the first non-empty row; a file
// with a header and no data opens, and its first Next returns io.EOF.
//
// Returns EINVALID for an empty file, an unknown or unsupported format, a corrupt
// file, a CSV that is neither UTF-8 nor GB18030, and a header with a missing required,
// duplicate or unknown column. Returns ETOOLARGE for a file over the limits.
func Open(r io.Reader, filename string, cols []Column, lim Limits) (*Reader, error) {
	lim = lim.withDefaults()
	index, names, err := indexColumns(cols)
	if err != nil {
		return nil, err
	}
	ext := extension(filename)
	switch ext {
	case ".csv", ".xlsx":
	case ".xls":
		return nil, invalid("sheet.xls_unsupported")
	default:
		return nil, invalid("sheet.unknown_format", "name", baseName(filename))
	}
	data, err := readUpload(r, lim.MaxBytes+1)
	if err != nil {
		return nil, qcity.Internal(fmt.Errorf("sheet: read upload: %w", err))
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, tooLarge("sheet.file_too_large", "max_mb", mib(lim.MaxBytes))
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))) == 0 {
		return nil, invalid("sheet.empty")
	}
	isZip := bytes.HasPrefix(data, []byte("PK\x03\x04"))
	if bytes.HasPrefix(data, oleMagic) {
		// An .xls renamed, or an encrypted .xlsx, which is an OLE2 file too.
		return nil, invalid("sheet.xls_unsupported")
	}
	var src source
	switch {
	case ext == ".csv" && isZip:
		return nil, invalid("sheet.csv_is_xlsx")
	case ext == ".csv":
		src, err = newCSVSource(data)
	case !isZip:
		return nil, invalid("sheet.xlsx_not_zip")
	default:
		src, err = newXLSXSource(data, lim)
	}
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	rd := &Reader{src: src, cols: cols, lim: lim, index: index, present: make([]bool, len(cols)), sha256: hex.EncodeToString(sum[:])}
	if err := rd.readHeader(names); err != nil {
		return nil, err
	}
	return rd, nil
}

var (
	utf8BOM  = []byte("\xef\xbb\xbf")
	oleMagic = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
)

// Header returns the fields of the file's columns in file order. Blank header cells
// are left out.
func (r *Reader) Header() []string { return slices.Clone(r.header) }

// Has reports whether the file has a column for field, so an update can tell a column
// left out (keep the stored value) from a cell left empty.
func (r *Reader) Has(field string) bool {
	i, ok := r.index[field]
	return ok && r.present[i]
}

// Index returns the position of field in the Values of a Row, or -1.
func (r *Reader) Index(field string) int {
	if i, ok := r.index[field]; ok {
		return i
	}
	return -1
}

// Next returns the next non-empty data row, or io.EOF after the last. Any other error
// is final: the following calls return it again.
//
// Returns EINVALID for a value too long, a value under a blank header and a corrupt
// file. Returns ETOOLARGE after lim.MaxRows rows.
func (r *Reader) Next() (Row, error) {
	if r.err != nil {
		return Row{}, r.err
	}
	row, err := r.next()
	if err != nil {
		r.err = err
	}
	return row, err
}

func (r *Reader) next() (Row, error) {
	for {
		line, rec, err := r.src.next()
		if err != nil {
			return Row{}, err
		}
		r.nonEmpty = r.nonEmpty[:0]
		for i, v := range rec {
			if v = trim(v); v != "" {
				rec[i] = v
				r.nonEmpty = append(r.nonEmpty, i)
			}
		}
		if len(r.nonEmpty) == 0 {
			continue
		}
		if r.rows >= r.lim.MaxRows {
			return Row{}, tooLarge("sheet.too_many_rows", "max", r.lim.MaxRows)
		}
		r.rows++
		vals := make([]string, len(r.cols))
		for _, i := range r.nonEmpty {
			c := -1
			if i < len(r.fileCol) {
				c = r.fileCol[i]
			}
			if c < 0 {
				return Row{}, invalid("sheet.value_without_header", "row", line, "column", columnName(i))
			}
			v := rec[i]
			if len(v) > r.lim.MaxCellRunes && utf8.RuneCountInString(v) > r.lim.MaxCellRunes {
				return Row{}, invalid("sheet.cell_too_long", "row", line, "column", columnName(i),
					"header", r.fileHeader[i], "max", r.lim.MaxCellRunes)
			}
			vals[c] = v
		}
		return Row{Line: line, Values: vals, index: r.index}, nil
	}
}

// readHeader reads the first non-empty record and maps its cells to columns.
func (r *Reader) readHeader(names map[string]int) error {
	var rec []string
	for {
		_, rr, err := r.src.next()
		if err == io.EOF {
			return invalid("sheet.empty")
		}
		if err != nil {
			return err
		}
		empty := true
		for _, v := range rr {
			if trim(v) != "" {
				empty = false
				break
			}
		}
		if !empty {
			rec = rr
			break
		}
	}
	r.fileCol = make([]int, len(rec))
	r.fileHeader = make([]string, len(rec))
	firstAt := make([]int, len(r.cols))
	for i := range r.cols {
		firstAt[i] = -1
	}
	var unknown, dup error
	for i, h := range rec {
		r.fileCol[i] = -1
		r.fileHeader[i] = clip(trim(h), 50)
		n := normalizeHeader(h)
		if n == "" {
			continue
		}
		c, ok := names[n]
		if !ok {
			if unknown == nil {
				unknown = invalid("sheet.unknown_column", "header", r.fileHeader[i], "column", columnName(i))
			}
			continue
		}
		if firstAt[c] >= 0 {
			if dup == nil {
				dup = invalid("sheet.duplicate_column", "header", r.fileHeader[i], "column", columnName(i),
					"first_column", columnName(firstAt[c]))
			}
			continue
		}
		firstAt[c] = i
		r.fileCol[i] = c
		r.present[c] = true
		r.header = append(r.header, r.cols[c].Field)
	}
	// A misspelt header is both unknown and, often, a missing required column: name the
	// misspelling, which is the cause.
	if unknown != nil {
		return unknown
	}
	if dup != nil {
		return dup
	}
	var zh, en []string
	for i, c := range r.cols {
		if c.Required && !r.present[i] {
			zh = append(zh, c.ZH)
			en = append(en, c.EN)
		}
	}
	if len(zh) > 0 {
		return invalid("sheet.missing_columns", "columns_zh", strings.Join(zh, "、"),
			"columns_en", strings.Join(en, ", "))
	}
	return nil
}

// indexColumns maps field names to positions, and every accepted header, normalised,
// to its column. Two columns accepting the same header is a programming error.
func indexColumns(cols []Column) (map[string]int, map[string]int, error) {
	if len(cols) == 0 {
		return nil, nil, qcity.Internal(errors.New("sheet: no columns"))
	}
	index := make(map[string]int, len(cols))
	names := make(map[string]int, 4*len(cols))
	for i, c := range cols {
		if c.Field == "" {
			return nil, nil, qcity.Internal(fmt.Errorf("sheet: column %d has no field name", i))
		}
		if _, dup := index[c.Field]; dup {
			return nil, nil, qcity.Internal(fmt.Errorf("sheet: field %q given twice", c.Field))
		}
		index[c.Field] = i
		for _, h := range append([]string{c.Field, c.ZH, c.EN}, c.Aliases...) {
			n := normalizeHeader(h)
			if n == "" {
				continue
			}
			if j, dup := names[n]; dup && j != i {
				return nil, nil, qcity.Internal(fmt.Errorf("sheet: header %q accepted by both %q and %q",
					h, cols[j].Field, c.Field))
			}
			names[n] = i
		}
	}
	return index, names, nil
}

// normalizeHeader folds the ways people write the same header: full-width and
// half-width forms, ASCII letter case, white space around and inside it (one space
// between words, none beside a Chinese character), a "*" marking a required column and
// a "(必填)" or "(required)" note.
func normalizeHeader(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	var last rune
	for _, r := range s {
		if r == 0xFEFF || (r >= 0x200B && r <= 0x200D) {
			continue // byte-order mark and zero-width spaces left by copying
		}
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		if isSpace(r) {
			space = b.Len() > 0
			continue
		}
		// Keep one space between words, none next to a Chinese character: "企业\n名称"
		// wrapped to fit a narrow column is "企业名称".
		if space && last < 0x80 && r < 0x80 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
		last = r
	}
	n := b.String()
	for _, note := range []string{"(必填)", "(选填)", "(required)", "(optional)"} {
		n = strings.TrimSpace(strings.TrimSuffix(n, note))
	}
	return strings.TrimSpace(strings.Trim(n, "*"))
}

// trim removes white space around a value, including the ideographic space U+3000 and
// the no-break space U+00A0 that pasting from web pages leaves. It does not allocate.
func trim(s string) string {
	if s == "" || (s[0] > ' ' && s[0] < 0x80 && s[len(s)-1] > ' ' && s[len(s)-1] < 0x80) {
		return s
	}
	return strings.TrimFunc(s, isSpace)
}

// clip shortens s to n characters and an ellipsis, for quoting user input in a message.
func clip(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x85, 0xA0, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200B || r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0x205F
}

// columnName returns the spreadsheet letters of a 0-based column: A, B, …, Z, AA.
func columnName(i int) string {
	var buf [8]byte
	n := len(buf)
	for i++; i > 0 && n > 0; i = (i - 1) / 26 {
		n--
		buf[n] = byte('A' + (i-1)%26)
	}
	return string(buf[n:])
}

// extension returns the lower-cased extension of a file name as a browser sends it,
// which may be a Windows path.
func extension(name string) string {
	return strings.ToLower(path.Ext(baseName(name)))
}

func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return name
}

func mib(n int64) int64 { return (n + 1<<20 - 1) >> 20 }

func invalid(key string, args ...any) error {
	return qcity.Errorf(qcity.EINVALID, key, args...)
}

func tooLarge(key string, args ...any) error {
	return qcity.Errorf(qcity.ETOOLARGE, key, args...)
}

// corrupt reports a damaged .xlsx; the cause goes to the log.
func corrupt(cause error) error {
	e := qcity.Errorf(qcity.EINVALID, "sheet.corrupt_xlsx")
	e.Err = cause
	return e
}

// readUpload reads at most limit bytes of r into one buffer sized up front when r can tell
// its size (files, in-memory readers), so a large upload is not copied while the
// buffer doubles.
func readUpload(r io.Reader, limit int64) ([]byte, error) {
	size := int64(-1)
	switch v := r.(type) {
	case interface{ Len() int }:
		size = int64(v.Len())
	case interface{ Size() int64 }:
		size = v.Size()
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	if size < 0 {
		return io.ReadAll(io.LimitReader(r, limit))
	}
	var buf bytes.Buffer
	buf.Grow(int(min(size, limit)) + bytes.MinRead)
	_, err := buf.ReadFrom(io.LimitReader(r, limit))
	return buf.Bytes(), err
}
