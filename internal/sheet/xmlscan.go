package sheet

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner is a streaming tokenizer for the XML of worksheets and shared strings,
// several times faster than encoding/xml, which made reading a large .xlsx take
// seconds. It knows the syntax those parts use: elements with attributes, character
// data with the predefined and numeric entities, CDATA, comments and processing
// instructions. Namespace prefixes are dropped from element names, which is how the
// transitional and strict forms of OOXML read alike. A DOCTYPE is refused: OOXML has
// none, and it is how entity-expansion attacks start. Token slices are valid until the
// following call of next.
type xmlScanner struct {
	r        io.Reader
	buf      []byte
	pos, end int
	eof      bool
	err      error // the first error, final
	max      int   // the largest token, in bytes

	kind  tokKind
	name  []byte  // local name of a start or end tag
	attrs []xattr // attributes of a start tag
	empty bool    // the start tag closes itself: <c r="A1"/>
	data  []byte  // raw character data or literal CDATA
}

type tokKind uint8

const (
	tokErr tokKind = iota
	tokStart
	tokEnd
	tokText  // raw: entities not yet decoded
	tokCDATA // literal
	tokEOF
)

// xattr is an attribute; name keeps its prefix, value is raw.
type xattr struct{ name, value []byte }

var (
	errXML      = errors.New("malformed XML")
	errXMLToken = errors.New("XML token too large")
	errDOCTYPE  = errors.New("XML with a DOCTYPE")
)

func newXMLScanner(r io.Reader, bufSize, maxToken int) *xmlScanner {
	return &xmlScanner{r: r, buf: make([]byte, bufSize), max: maxToken}
}

// newXMLBytesScanner scans a part already in memory.
func newXMLBytesScanner(b []byte) *xmlScanner {
	return &xmlScanner{buf: b, end: len(b), eof: true, max: len(b)}
}

// more reads more input, keeping buf[pos:end] and moving it to the front. It reports
// whether it added any bytes.
func (s *xmlScanner) more() bool {
	if s.eof {
		return false
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.max {
			s.fail(errXMLToken)
			return false
		}
		nb := make([]byte, min(2*len(s.buf), s.max))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.fail(err)
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

func (s *xmlScanner) fail(err error) tokKind {
	if s.err == nil {
		s.err = err
	}
	s.eof = true
	s.kind = tokErr
	return tokErr
}

// next moves to the next token and returns its kind.
func (s *xmlScanner) next() tokKind {
	if s.err != nil {
		return tokErr
	}
	for {
		if s.pos >= s.end && !s.more() {
			if s.err != nil {
				return tokErr
			}
			s.kind = tokEOF
			return tokEOF
		}
		if s.buf[s.pos] != '<' {
			return s.text()
		}
		if !s.ensure(2) {
			return s.fail(errXML)
		}
		switch s.buf[s.pos+1] {
		case '/':
			i := s.findByte(2, '>')
			if i < 0 {
				return s.fail(errXML)
			}
			name := trimXMLSpaceRight(s.buf[s.pos+2 : s.pos+i])
			if len(name) == 0 {
				return s.fail(errXML)
			}
			s.name = localName(name)
			s.pos += i + 1
			s.kind = tokEnd
			return tokEnd
		case '?':
			i := s.find(2, "?>")
			if i < 0 {
				return s.fail(errXML)
			}
			s.pos += i + 2
		case '!':
			switch {
			case s.ensure(4) && string(s.buf[s.pos:s.pos+4]) == "<!--":
				i := s.find(4, "-->")
				if i < 0 {
					return s.fail(errXML)
				}
				s.pos += i + 3
			case s.ensure(9) && string(s.buf[s.pos:s.pos+9]) == "<![CDATA[":
				i := s.find(9, "]]>")
				if i < 0 {
					return s.fail(errXML)
				}
				s.data = s.buf[s.pos+9 : s.pos+i]
				s.pos += i + 3
				s.kind = tokCDATA
				return tokCDATA
			default:
				return s.fail(errDOCTYPE)
			}
		default:
			return s.startTag()
		}
	}
}

// ensure makes n bytes from pos available, reporting whether it could.
func (s *xmlScanner) ensure(n int) bool {
	for s.end-s.pos < n {
		if !s.more() {
			return false
		}
	}
	return true
}

// findByte returns the offset from pos of the first c at or after offset from,
// reading more input as needed, or -1.
func (s *xmlScanner) findByte(from int, c byte) int {
	for {
		if i := bytes.IndexByte(s.buf[s.pos+from:s.end], c); i >= 0 {
			return from + i
		}
		from = s.end - s.pos
		if !s.more() {
			return -1
		}
	}
}

// find returns the offset from pos of the first sep at or after offset from, reading
// more input as needed, or -1.
func (s *xmlScanner) find(from int, sep string) int {
	for {
		if i := bytes.Index(s.buf[s.pos+from:s.end], []byte(sep)); i >= 0 {
			return from + i
		}
		if next := s.end - s.pos - len(sep) + 1; next > from {
			from = next
		}
		if !s.more() {
			return -1
		}
	}
}

// text returns the character data up to the next '<' or the end of input.
func (s *xmlScanner) text() tokKind {
	from := 0
	for {
		if i := bytes.IndexByte(s.buf[s.pos+from:s.end], '<'); i >= 0 {
			from += i
			break
		}
		from = s.end - s.pos
		if !s.more() {
			if s.err != nil {
				return tokErr
			}
			break
		}
	}
	s.data = s.buf[s.pos : s.pos+from]
	s.pos += from
	s.kind = tokText
	return tokText
}

// startTag reads <name attr="value" …> or <name …/>.
func (s *xmlScanner) startTag() tokKind {
	for {
		if kind, done := s.parseStartTag(); done {
			return kind
		}
		// The tag runs past the buffer: read more and parse it again from its start.
		if !s.more() {
			return s.fail(errXML)
		}
	}
}

// parseStartTag parses the start tag at pos in one pass. It reports false, having
// consumed nothing, when the buffer ends inside the tag.
func (s *xmlScanner) parseStartTag() (tokKind, bool) {
	b := s.buf[s.pos:s.end]
	i := 1
	for i < len(b) && !isXMLSpace(b[i]) && b[i] != '>' && b[i] != '/' {
		i++
	}
	if i >= len(b) {
		return 0, false
	}
	if i == 1 {
		return s.fail(errXML), true
	}
	s.name = localName(b[1:i])
	s.attrs = s.attrs[:0]
	for {
		for i < len(b) && isXMLSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case '>':
			s.empty = false
			s.pos += i + 1
			s.kind = tokStart
			return tokStart, true
		case '/':
			if i+1 >= len(b) {
				return 0, false
			}
			if b[i+1] != '>' {
				return s.fail(errXML), true
			}
			s.empty = true
			s.pos += i + 2
			s.kind = tokStart
			return tokStart, true
		}
		n := i
		for i < len(b) && b[i] != '=' && !isXMLSpace(b[i]) && b[i] != '>' && b[i] != '/' {
			i++
		}
		name := b[n:i]
		for i < len(b) && isXMLSpace(b[i]) {
			i++
		}
		if i+1 >= len(b) {
			return 0, false
		}
		if b[i] != '=' || len(name) == 0 {
			return s.fail(errXML), true
		}
		i++
		for i < len(b) && isXMLSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return 0, false
		}
		q := b[i]
		if q != '"' && q != '\'' {
			return s.fail(errXML), true
		}
		j := bytes.IndexByte(b[i+1:], q)
		if j < 0 {
			return 0, false
		}
		s.attrs = append(s.attrs, xattr{name: name, value: b[i+1 : i+1+j]})
		i += j + 2
	}
}

// textElement reads open, raw text and close at pos, such as <v>42</v>, if they are
// there whole in the buffer: the fast path for the values of cells, which spares four
// tokens a cell. It reports false, having consumed nothing, otherwise.
func (s *xmlScanner) textElement(open, close string) ([]byte, bool) {
	b := s.buf[s.pos:s.end]
	if len(b) < len(open) || string(b[:len(open)]) != open {
		return nil, false
	}
	i := bytes.IndexByte(b[len(open):], '<')
	if i < 0 {
		return nil, false
	}
	rest := b[len(open)+i:]
	if len(rest) < len(close) || string(rest[:len(close)]) != close {
		return nil, false
	}
	s.pos += len(open) + i + len(close)
	return b[len(open) : len(open)+i], true
}

// attr returns the raw value of the unprefixed attribute name of a start tag.
func (s *xmlScanner) attr(name string) ([]byte, bool) {
	for _, a := range s.attrs {
		if string(a.name) == name {
			return a.value, true
		}
	}
	return nil, false
}

// is reports whether the current token is a start or end tag of the local name.
func (s *xmlScanner) is(kind tokKind, name string) bool {
	return s.kind == kind && string(s.name) == name
}

// skip moves past the end of the element whose start tag is the current token.
func (s *xmlScanner) skip() {
	if s.empty {
		return
	}
	for depth := 1; depth > 0; {
		switch s.next() {
		case tokStart:
			if !s.empty {
				depth++
			}
		case tokEnd:
			depth--
		case tokErr, tokEOF:
			s.fail(errXML)
			return
		}
	}
}

// appendText appends the current text or CDATA token to dst, decoding entities and
// normalising line ends as XML does.
func (s *xmlScanner) appendText(dst []byte) ([]byte, error) {
	if s.kind == tokCDATA {
		return append(dst, s.data...), nil
	}
	return unescapeXML(dst, s.data)
}

func unescapeXML(dst, raw []byte) ([]byte, error) {
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '&')
		if cr := bytes.IndexByte(raw, '\r'); cr >= 0 && (i < 0 || cr < i) {
			i = cr
		}
		if i < 0 {
			return append(dst, raw...), nil
		}
		dst = append(dst, raw[:i]...)
		if raw[i] == '\r' {
			dst = append(dst, '\n')
			raw = raw[i+1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
			continue
		}
		raw = raw[i+1:]
		j := bytes.IndexByte(raw, ';')
		if j <= 0 || j > 10 {
			return dst, errXML
		}
		ent := raw[:j]
		raw = raw[j+1:]
		switch string(ent) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			if ent[0] != '#' || len(ent) < 2 {
				return dst, errXML
			}
			var n uint64
			var err error
			if ent[1] == 'x' {
				n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
			} else {
				n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
			}
			if err != nil || n == 0 || !utf8.ValidRune(rune(n)) {
				return dst, errXML
			}
			dst = utf8.AppendRune(dst, rune(n))
		}
	}
	return dst, nil
}

// localName drops the prefix of a name as encoding/xml does: "x:c" is c, while ":c"
// and "x:" are names of their own.
func localName(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i > 0 && i < len(name)-1 {
		return name[i+1:]
	}
	return name
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimXMLSpaceRight(b []byte) []byte {
	for len(b) > 0 && isXMLSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// unescapeOOXML decodes the _xHHHH_ escapes with which OOXML strings carry characters
// XML cannot (ECMA-376 Part 1, 22.9.2.19 ST_Xstring): "_x000D_" is a carriage return,
// and "_x005F_" an underscore, so "_x005F_x000D_" is the literal text "_x000D_".
func unescapeOOXML(s []byte) []byte {
	i := bytes.Index(s, []byte("_x"))
	if i < 0 {
		return s
	}
	out := make([]byte, 0, len(s))
	for i >= 0 {
		out = append(out, s[:i]...)
		s = s[i:]
		if r, ok := ooxmlEscape(s); ok {
			if utf16IsHigh(r) {
				if lo, ok := ooxmlEscape(s[7:]); ok && utf16IsLow(lo) {
					out = utf8.AppendRune(out, 0x10000+(r-0xD800)<<10+(lo-0xDC00))
					s = s[14:]
				} else {
					out = append(out, s[:7]...)
					s = s[7:]
				}
			} else if utf16IsLow(r) {
				out = append(out, s[:7]...)
				s = s[7:]
			} else {
				out = utf8.AppendRune(out, r)
				s = s[7:]
			}
		} else {
			out = append(out, s[:2]...)
			s = s[2:]
		}
		i = bytes.Index(s, []byte("_x"))
	}
	return append(out, s...)
}

// ooxmlEscape decodes one _xHHHH_ at the start of s.
func ooxmlEscape(s []byte) (rune, bool) {
	if len(s) < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_' {
		return 0, false
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func utf16IsHigh(r rune) bool { return 0xD800 <= r && r < 0xDC00 }
func utf16IsLow(r rune) bool  { return 0xDC00 <= r && r < 0xE000 }
