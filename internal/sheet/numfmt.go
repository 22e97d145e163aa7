package sheet

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// numFormat is what a cell's number format means for reading its value.
type numFormat struct {
	kind  numKind
	width int // digits of a fmtZeros format
}

type numKind uint8

const (
	fmtPlain numKind = iota
	fmtDate
	fmtTime
	fmtDateTime
	fmtPercent
	fmtZeros // 000000: an integer padded with zeros
)

// builtinNumFormat classifies the built-in formats (ECMA-376 Part 1, 18.8.30), with
// the ids 27–36 and 50–58 as Excel uses them in Chinese, Japanese and Korean locales,
// where they are dates and times (31 is yyyy"年"m"月"d"日").
func builtinNumFormat(id int) numFormat {
	switch {
	case id >= 14 && id <= 17, id >= 27 && id <= 31, id == 36, id >= 50 && id <= 54, id == 57, id == 58:
		return numFormat{kind: fmtDate}
	case id >= 18 && id <= 21, id >= 32 && id <= 35, id >= 45 && id <= 47, id == 55, id == 56:
		return numFormat{kind: fmtTime}
	case id == 22:
		return numFormat{kind: fmtDateTime}
	case id == 9, id == 10:
		return numFormat{kind: fmtPercent}
	}
	return numFormat{}
}

// parseNumFormat classifies a custom format code by its first section: date and time
// codes (y, m, d, h, s, AM/PM, [h]), percentages and all-zeros integer formats.
// Literal text in quotes, escaped characters and bracketed colours, conditions and
// locales are ignored.
func parseNumFormat(code string) numFormat {
	var date, tm, month, percent bool
	zeros, other := 0, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case ';':
			i = len(code) // the first section is the one for positive numbers
			continue
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
			other = true
			continue
		case '\\', '_', '*':
			i++
			other = true
			continue
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				continue
			}
			switch strings.Trim(strings.ToLower(code[i+1:i+j]), "hms") {
			case "":
				if j > 1 {
					tm = true // [h]:mm:ss, elapsed time
				}
			}
			i += j
			continue
		case '0':
			zeros++
			continue
		case '%':
			percent = true
			continue
		}
		lc := c | 0x20
		switch {
		case lc == 'g' && len(code)-i >= 7 && strings.EqualFold(code[i:i+7], "general"):
			i += 6
			other = true
		case lc == 'a' && (hasFoldPrefix(code[i:], "am/pm") || hasFoldPrefix(code[i:], "a/p")):
			tm = true
			i += 2
		case lc == 'e' && i+1 < len(code) && (code[i+1] == '+' || code[i+1] == '-'):
			i++ // scientific notation
			other = true
		case lc == 'y' || lc == 'd':
			date = true
		case lc == 'h' || lc == 's':
			tm = true
		case lc == 'm':
			month = true
		default:
			other = true
		}
	}
	switch {
	case date || (month && !tm):
		if tm {
			return numFormat{kind: fmtDateTime}
		}
		return numFormat{kind: fmtDate}
	case tm:
		return numFormat{kind: fmtTime}
	case percent:
		return numFormat{kind: fmtPercent}
	case zeros >= 2 && !other:
		return numFormat{kind: fmtZeros, width: zeros}
	}
	return numFormat{}
}

func hasFoldPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// formatNumber returns the text of a number cell whose raw value is raw. It reports
// false for a value that is not a number.
func formatNumber(raw string, f numFormat, date1904 bool) (string, bool) {
	if f.kind == fmtPlain && isPlainInteger(raw) {
		return strings.TrimPrefix(raw, "+"), true
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return "", false
	}
	switch f.kind {
	case fmtDate, fmtTime, fmtDateTime:
		if s, ok := excelTime(v, f.kind, date1904); ok {
			return s, true
		}
	case fmtPercent:
		return plainNumber(v*100) + "%", true
	case fmtZeros:
		if v >= 0 && v < 1e15 && v == math.Trunc(v) {
			s := strconv.FormatInt(int64(v), 10)
			if len(s) < f.width {
				s = strings.Repeat("0", f.width-len(s)) + s
			}
			return s, true
		}
	}
	if isPlainInteger(raw) {
		return strings.TrimPrefix(raw, "+"), true
	}
	return plainNumber(v), true
}

// isPlainInteger reports whether s is an integer written in digits, which is kept
// digit for digit rather than passed through float64.
func isPlainInteger(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" || len(s) > 30 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// plainNumber writes v in decimal notation, never scientific, rounded to the 15
// significant digits Excel keeps.
func plainNumber(v float64) string {
	if v == 0 {
		return "0"
	}
	e := strconv.AppendFloat(make([]byte, 0, 24), v, 'e', 14, 64) // -d.dddddddddddddde±dd
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	x := strings.IndexByte(string(e), 'e')
	exp, _ := strconv.Atoi(string(e[x+1:]))
	digits := append([]byte{e[0]}, e[2:x]...)
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch point := exp + 1; {
	case point <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.Write(digits)
	case point >= len(digits):
		b.Write(digits)
		b.WriteString(strings.Repeat("0", point-len(digits)))
	default:
		b.Write(digits[:point])
		b.WriteByte('.')
		b.Write(digits[point:])
	}
	return b.String()
}

// maxSerial is 9999-12-31, the last date Excel has.
const maxSerial = 2958465

// excelTime converts a date serial number: days since 1899-12-30 (with Excel's 29
// February 1900, serial 60, that never was) or, in the 1904 date system, since
// 1904-01-01. It rounds to the second and reports false outside Excel's range.
func excelTime(v float64, kind numKind, date1904 bool) (string, bool) {
	if v < 0 || v >= maxSerial+1 {
		return "", false
	}
	secs := int64(math.Round(v * 86400))
	days, rem := int(secs/86400), int(secs%86400)
	var d time.Time
	switch {
	case date1904:
		d = time.Date(1904, 1, 1+days, 0, 0, 0, 0, time.UTC)
	case days == 60:
		if kind == fmtTime {
			break
		}
		return "1900-02-29" + clock(rem, kind), true
	case days < 60:
		d = time.Date(1899, 12, 31+days, 0, 0, 0, 0, time.UTC)
	default:
		d = time.Date(1899, 12, 30+days, 0, 0, 0, 0, time.UTC)
	}
	if kind == fmtTime {
		return clock(rem, kind)[1:], true
	}
	return d.Format("2006-01-02") + clock(rem, kind), true
}

// clock returns " HH:MM:SS" for a time of day, or "" where the format shows none.
func clock(rem int, kind numKind) string {
	if kind == fmtDate || (kind == fmtDateTime && rem == 0) {
		return ""
	}
	b := make([]byte, 0, 9)
	b = append(b, ' ')
	for i, n := range []int{rem / 3600, rem / 60 % 60, rem % 60} {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, byte('0'+n/10), byte('0'+n%10))
	}
	return string(b)
}

// isoDate reads the value of a cell of type d, an ISO 8601 date, time or both.
func isoDate(s string) (string, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
				return t.Format("2006-01-02"), nil
			}
			return t.Format("2006-01-02 15:04:05"), nil
		}
	}
	if t, err := time.Parse("15:04:05.999999999", s); err == nil {
		return t.Format("15:04:05"), nil
	}
	return cellString([]byte(s))
}
