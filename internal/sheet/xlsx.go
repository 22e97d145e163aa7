package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The .xlsx reader opens the zip itself and streams the first worksheet through
// xmlScanner, instead of going through excelize, whose row iterator reads about 30,000
// rows a second and hides the cell types and styles that dates and numbers need.
// Limits.MaxUnzippedBytes and MaxXMLBytes play the part of excelize's UnzipSizeLimit and
// UnzipXMLSizeLimit: every byte decompressed counts against the first, whatever the zip
// headers claim, and parts held in memory are bounded by the second.

const (
	maxColumns = 16384   // XFD, the last column Excel has
	maxRowNum  = 1048576 // the last row Excel has
	maxXMLTok  = 16 << 20
)

// xlsxSource streams the rows of one worksheet.
type xlsxSource struct {
	sc       *xmlScanner
	sst      []string
	xfs      []numFormat // by cell style index
	date1904 bool
	row      int      // row number of the last row
	rec      []string // reused
	buf      []byte   // scratch for cell text
	inData   bool     // inside <sheetData>
	done     bool

	maxUnzipped int64
}

// budget counts decompressed bytes against Limits.MaxUnzippedBytes.
type budget struct {
	left int64
}

var errBudget = errors.New("unzip budget exceeded")

type budgetReader struct {
	r io.Reader
	b *budget
}

func (br budgetReader) Read(p []byte) (int, error) {
	n, err := br.r.Read(p)
	br.b.left -= int64(n)
	if br.b.left < 0 {
		return n, errBudget
	}
	return n, err
}

type xlsxPackage struct {
	files map[string]*zip.File // by lower-cased name
	lim   Limits
	b     *budget
}

func newXLSXSource(data []byte, lim Limits) (source, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, corrupt(err)
	}
	p := &xlsxPackage{files: make(map[string]*zip.File, len(zr.File)), lim: lim,
		b: &budget{left: lim.MaxUnzippedBytes}}
	for _, f := range zr.File {
		p.files[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/"))] = f
	}
	src, err := p.open()
	if errors.Is(err, errBudget) {
		return nil, tooLarge("sheet.unzipped_too_large", "max_mb", mib(lim.MaxUnzippedBytes))
	}
	return src, err
}

func (p *xlsxPackage) open() (*xlsxSource, error) {
	// The package relationships name the workbook; the workbook's, its sheets,
	// shared strings and styles.
	wbPath := "xl/workbook.xml"
	if rels, err := p.rels("_rels/.rels", ""); err != nil {
		return nil, err
	} else if t := rels.target("/officeDocument"); t != "" {
		wbPath = t
	}
	var wb struct {
		Pr *struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			ID    string `xml:"id,attr"`
			State string `xml:"state,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := p.unmarshal(wbPath, &wb); err != nil {
		return nil, err
	}
	rels, err := p.rels(path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels"), path.Dir(wbPath))
	if err != nil {
		return nil, err
	}
	// The first visible worksheet: a hidden first sheet is usually a lookup list for
	// drop-downs, not what the user filled in.
	sheetPath := ""
	for pass := 0; pass < 2 && sheetPath == ""; pass++ {
		for _, s := range wb.Sheets {
			r, ok := rels.byID[s.ID]
			if !ok || !strings.HasSuffix(r.Type, "/worksheet") || (pass == 0 && s.State != "" && s.State != "visible") {
				continue
			}
			sheetPath = r.target
			break
		}
	}
	if sheetPath == "" {
		return nil, corrupt(errors.New("no worksheet"))
	}
	src := &xlsxSource{date1904: wb.Pr != nil && xmlBool(wb.Pr.Date1904), maxUnzipped: p.lim.MaxUnzippedBytes}
	if src.xfs, err = p.styles(rels.targetOr("/styles", path.Join(path.Dir(wbPath), "styles.xml"))); err != nil {
		return nil, err
	}
	if src.sst, err = p.sharedStrings(rels.targetOr("/sharedStrings", path.Join(path.Dir(wbPath), "sharedStrings.xml"))); err != nil {
		return nil, err
	}
	f := p.files[strings.ToLower(sheetPath)]
	if f == nil {
		return nil, corrupt(fmt.Errorf("no part %s", sheetPath))
	}
	if f.UncompressedSize64 > 1<<62 || int64(f.UncompressedSize64) > p.b.left {
		return nil, errBudget
	}
	rc, err := f.Open()
	if err != nil {
		return nil, corrupt(err)
	}
	bufSize := 64 << 10
	if f.UncompressedSize64 < uint64(bufSize) {
		bufSize = max(int(f.UncompressedSize64), 512)
	}
	src.sc = newXMLScanner(budgetReader{rc, p.b}, bufSize, maxXMLTok)
	return src, nil
}

// read returns a part held in memory, or nil if the package has no such part.
func (p *xlsxPackage) read(name string) ([]byte, error) {
	f := p.files[strings.ToLower(name)]
	if f == nil {
		return nil, nil
	}
	if f.UncompressedSize64 > uint64(p.lim.MaxXMLBytes) {
		return nil, tooLarge("sheet.unzipped_too_large", "max_mb", mib(p.lim.MaxXMLBytes))
	}
	if int64(f.UncompressedSize64) > p.b.left { // MaxXMLBytes keeps the conversion exact
		return nil, errBudget
	}
	rc, err := f.Open()
	if err != nil {
		return nil, corrupt(err)
	}
	defer rc.Close()
	// archive/zip fails a part that inflates past the size its header declares, so the
	// checks above hold for what is actually read.
	b, err := io.ReadAll(budgetReader{io.LimitReader(rc, p.lim.MaxXMLBytes+1), p.b})
	if errors.Is(err, errBudget) {
		return nil, err
	}
	if err != nil {
		return nil, corrupt(fmt.Errorf("%s: %w", name, err))
	}
	if int64(len(b)) > p.lim.MaxXMLBytes {
		return nil, tooLarge("sheet.unzipped_too_large", "max_mb", mib(p.lim.MaxXMLBytes))
	}
	return b, nil
}

func (p *xlsxPackage) unmarshal(name string, v any) error {
	b, err := p.read(name)
	if err != nil {
		return err
	}
	if b == nil {
		return corrupt(fmt.Errorf("no part %s", name))
	}
	if err := xml.Unmarshal(b, v); err != nil {
		return corrupt(fmt.Errorf("%s: %w", name, err))
	}
	return nil
}

type relationship struct {
	Type, target string
}

type relationships struct {
	byID  map[string]relationship
	order []relationship
}

// rels reads a relationships part, resolving targets against base.
func (p *xlsxPackage) rels(name, base string) (relationships, error) {
	var x struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
			Mode   string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	rs := relationships{byID: map[string]relationship{}}
	b, err := p.read(name)
	if err != nil || b == nil {
		return rs, err
	}
	if err := xml.Unmarshal(b, &x); err != nil {
		return rs, corrupt(fmt.Errorf("%s: %w", name, err))
	}
	for _, r := range x.Rels {
		if strings.EqualFold(r.Mode, "External") {
			continue
		}
		t := strings.ReplaceAll(r.Target, `\`, "/")
		if strings.HasPrefix(t, "/") {
			t = path.Clean(t)[1:]
		} else {
			t = strings.TrimPrefix(path.Clean(path.Join("/", base, t)), "/")
		}
		rel := relationship{Type: r.Type, target: t}
		rs.byID[r.ID] = rel
		rs.order = append(rs.order, rel)
	}
	return rs, nil
}

func (rs relationships) target(typeSuffix string) string {
	for _, r := range rs.order {
		if strings.HasSuffix(r.Type, typeSuffix) {
			return r.target
		}
	}
	return ""
}

func (rs relationships) targetOr(typeSuffix, def string) string {
	if t := rs.target(typeSuffix); t != "" {
		return t
	}
	return def
}

// styles reads the number format of every cell style.
func (p *xlsxPackage) styles(name string) ([]numFormat, error) {
	var x struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	b, err := p.read(name)
	if err != nil || b == nil {
		return nil, err
	}
	if err := xml.Unmarshal(b, &x); err != nil {
		return nil, corrupt(fmt.Errorf("%s: %w", name, err))
	}
	custom := make(map[int]string, len(x.NumFmts))
	for _, f := range x.NumFmts {
		custom[f.ID] = f.Code
	}
	xfs := make([]numFormat, len(x.Xfs))
	for i, xf := range x.Xfs {
		if code, ok := custom[xf.NumFmtID]; ok {
			xfs[i] = parseNumFormat(code)
		} else {
			xfs[i] = builtinNumFormat(xf.NumFmtID)
		}
	}
	return xfs, nil
}

// sharedStrings reads the shared string table: the text of each <si>, its runs
// joined, phonetic guides (<rPh>) left out.
func (p *xlsxPackage) sharedStrings(name string) ([]string, error) {
	b, err := p.read(name)
	if err != nil || b == nil {
		return nil, err
	}
	sc := newXMLBytesScanner(b)
	var sst []string
	var text []byte
	depthRPh, inT, inSI := 0, false, false
	for {
		switch sc.next() {
		case tokErr:
			return nil, corrupt(fmt.Errorf("%s: %w", name, sc.err))
		case tokEOF:
			return sst, nil
		case tokStart:
			switch {
			case sc.is(tokStart, "si"):
				if sc.empty {
					sst = append(sst, "")
					continue
				}
				inSI, text = true, text[:0]
			case sc.is(tokStart, "rPh"):
				if !sc.empty {
					depthRPh++
				}
			case sc.is(tokStart, "t"):
				inT = !sc.empty
			}
		case tokEnd:
			switch {
			case sc.is(tokEnd, "si"):
				if !inSI {
					return nil, corrupt(fmt.Errorf("%s: unbalanced si", name))
				}
				s, err := cellString(text)
				if err != nil {
					return nil, err
				}
				sst = append(sst, s)
				inSI = false
			case sc.is(tokEnd, "rPh"):
				depthRPh--
			case sc.is(tokEnd, "t"):
				inT = false
			}
		case tokText, tokCDATA:
			if inSI && inT && depthRPh == 0 {
				if text, err = sc.appendText(text); err != nil {
					return nil, corrupt(fmt.Errorf("%s: %w", name, err))
				}
			}
		}
	}
}

// cellString turns the decoded text of a string cell into a Go string.
func cellString(text []byte) (string, error) {
	text = unescapeOOXML(text)
	if !utf8.Valid(text) {
		return "", corrupt(errors.New("invalid UTF-8 in a string"))
	}
	return string(text), nil
}

func xmlBool(s string) bool { return s == "1" || s == "true" }

func (s *xlsxSource) next() (int, []string, error) {
	if s.done {
		return 0, nil, io.EOF
	}
	line, rec, err := s.nextRow()
	if err != nil {
		s.done = true
		if errors.Is(err, errBudget) {
			return 0, nil, tooLarge("sheet.unzipped_too_large", "max_mb", mib(s.maxUnzipped))
		}
	}
	return line, rec, err
}

// nextRow returns the cells of the next <row>, by column.
func (s *xlsxSource) nextRow() (int, []string, error) {
	sc := s.sc
	for !s.inData {
		switch sc.next() {
		case tokErr:
			return 0, nil, s.scanErr()
		case tokEOF:
			return 0, nil, io.EOF // a worksheet without <sheetData> has no rows
		case tokStart:
			if sc.is(tokStart, "sheetData") {
				if sc.empty {
					return 0, nil, io.EOF
				}
				s.inData = true
			}
		}
	}
	for {
		switch sc.next() {
		case tokErr:
			return 0, nil, s.scanErr()
		case tokEOF:
			return 0, nil, corrupt(errors.New("worksheet ends inside sheetData"))
		case tokEnd:
			if sc.is(tokEnd, "sheetData") {
				return 0, nil, io.EOF
			}
		case tokStart:
			if !sc.is(tokStart, "row") {
				sc.skip()
				continue
			}
			row := s.row + 1
			if v, ok := sc.attr("r"); ok {
				n, err := strconv.Atoi(string(v))
				if err != nil || n < 1 || n > maxRowNum {
					return 0, nil, corrupt(fmt.Errorf("row number %q", v))
				}
				row = n
			}
			s.row = row
			s.rec = s.rec[:0]
			if sc.empty {
				return row, s.rec, nil
			}
			if err := s.readCells(); err != nil {
				return 0, nil, err
			}
			return row, s.rec, nil
		}
	}
}

func (s *xlsxSource) scanErr() error {
	if errors.Is(s.sc.err, errBudget) {
		return errBudget
	}
	return corrupt(s.sc.err)
}

// readCells reads the <c> elements of a row up to </row>.
func (s *xlsxSource) readCells() error {
	sc := s.sc
	col := -1
	for {
		switch sc.next() {
		case tokErr:
			return s.scanErr()
		case tokEOF:
			return corrupt(errors.New("worksheet ends inside a row"))
		case tokEnd:
			if sc.is(tokEnd, "row") {
				return nil
			}
		case tokStart:
			if !sc.is(tokStart, "c") {
				sc.skip()
				continue
			}
			col++
			if ref, ok := sc.attr("r"); ok {
				c, ok := refColumn(ref)
				if !ok {
					return corrupt(fmt.Errorf("cell reference %q", ref))
				}
				col = c
			}
			if col >= maxColumns {
				return corrupt(errors.New("too many columns"))
			}
			var c cell
			if v, ok := sc.attr("s"); ok {
				n, err := strconv.Atoi(string(v))
				if err != nil || n < 0 {
					return corrupt(fmt.Errorf("cell style %q", v))
				}
				c.style = n
			}
			if v, ok := sc.attr("t"); ok {
				// Constants, so that no cell allocates its type.
				switch string(v) {
				case "s":
					c.typ = "s"
				case "str":
					c.typ = "str"
				case "inlineStr":
					c.typ = "inlineStr"
				case "b":
					c.typ = "b"
				case "e":
					c.typ = "e"
				case "d":
					c.typ = "d"
				case "n", "":
				default:
					return corrupt(fmt.Errorf("cell type %q", v))
				}
			}
			if !sc.empty {
				if err := s.readCell(&c); err != nil {
					return err
				}
			}
			if c.formula && !c.hasV {
				// Written by a program that does not calculate: the value is unknown.
				return invalid("sheet.formula_without_value", "row", s.row, "column", columnName(col))
			}
			v, err := s.value(&c)
			if err != nil {
				return err
			}
			if v == "" {
				continue
			}
			for len(s.rec) <= col {
				s.rec = append(s.rec, "")
			}
			s.rec[col] = v
		}
	}
}

// cell is one <c> as read.
type cell struct {
	typ     string
	style   int
	text    []byte // the decoded <v>, or the text of <is>
	formula bool
	hasV    bool
}

// readCell reads the content of a <c> up to </c>.
func (s *xlsxSource) readCell(c *cell) error {
	sc := s.sc
	s.buf = s.buf[:0]
	var inV, inIS, inT bool
	depthRPh := 0
	for {
		if !inV && !inIS {
			raw, ok := sc.textElement("<v>", "</v>")
			if !ok {
				raw, ok = sc.textElement("<is><t>", "</t></is>")
			}
			if ok {
				c.hasV = true
				var err error
				if s.buf, err = unescapeXML(s.buf, raw); err != nil {
					return corrupt(err)
				}
				continue
			}
		}
		switch sc.next() {
		case tokErr:
			return s.scanErr()
		case tokEOF:
			return corrupt(errors.New("worksheet ends inside a cell"))
		case tokStart:
			switch {
			case sc.is(tokStart, "v"):
				inV, c.hasV = !sc.empty, true
			case sc.is(tokStart, "f"):
				c.formula = true
				sc.skip()
			case sc.is(tokStart, "is"):
				inIS = !sc.empty
			case inIS && sc.is(tokStart, "rPh"):
				if !sc.empty {
					depthRPh++
				}
			case inIS && sc.is(tokStart, "t"):
				inT = !sc.empty
			case inIS:
				// runs (<r>) and their properties
			default:
				sc.skip()
			}
			if sc.err != nil {
				return s.scanErr()
			}
		case tokEnd:
			switch {
			case sc.is(tokEnd, "c"):
				c.text = s.buf
				return nil
			case sc.is(tokEnd, "v"):
				inV = false
			case sc.is(tokEnd, "is"):
				inIS = false
			case sc.is(tokEnd, "rPh"):
				depthRPh--
			case sc.is(tokEnd, "t"):
				inT = false
			}
		case tokText, tokCDATA:
			if inV || (inIS && inT && depthRPh == 0) {
				var err error
				if s.buf, err = sc.appendText(s.buf); err != nil {
					return corrupt(err)
				}
			}
		}
	}
}

// value returns the text of a cell as the package documentation describes.
func (s *xlsxSource) value(c *cell) (string, error) {
	switch c.typ {
	case "s":
		i, err := strconv.Atoi(string(bytes.TrimSpace(c.text)))
		if err != nil || i < 0 || i >= len(s.sst) {
			if !c.hasV {
				return "", nil
			}
			return "", corrupt(fmt.Errorf("shared string %q", c.text))
		}
		return s.sst[i], nil
	case "inlineStr", "str", "e":
		return cellString(c.text)
	case "b":
		switch string(bytes.TrimSpace(c.text)) {
		case "1", "true":
			return "TRUE", nil
		case "0", "false":
			return "FALSE", nil
		}
		return cellString(c.text)
	case "d":
		return isoDate(string(bytes.TrimSpace(c.text)))
	}
	raw := bytes.TrimSpace(c.text)
	if len(raw) == 0 {
		return "", nil
	}
	var f numFormat
	if c.style < len(s.xfs) {
		f = s.xfs[c.style]
	}
	v, ok := formatNumber(string(raw), f, s.date1904)
	if !ok {
		return "", corrupt(fmt.Errorf("number %q", raw))
	}
	return v, nil
}

// refColumn returns the 0-based column of a cell reference such as "AB12".
func refColumn(ref []byte) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i]
		switch {
		case 'A' <= c && c <= 'Z':
			col = col*26 + int(c-'A'+1)
		case 'a' <= c && c <= 'z':
			col = col*26 + int(c-'a'+1)
		default:
			return col - 1, i > 0 && col <= maxColumns
		}
		if col > maxColumns {
			return 0, false
		}
	}
	return col - 1, i > 0
}
