package sheet

import "testing"

func TestParseNumFormat(t *testing.T) {
	for code, want := range map[string]numFormat{
		"General":                        {},
		"0":                              {},
		"0.00":                           {},
		"#,##0.00":                       {},
		"0.00E+00":                       {},
		"@":                              {},
		`0"元"`:                           {},
		"000000":                         {kind: fmtZeros, width: 6},
		"00":                             {kind: fmtZeros, width: 2},
		"0%":                             {kind: fmtPercent},
		"0.00%":                          {kind: fmtPercent},
		"yyyy-mm-dd":                     {kind: fmtDate},
		"m/d/yy":                         {kind: fmtDate},
		`yyyy"年"m"月"d"日"`:                {kind: fmtDate},
		"[$-804]yyyy年m月d日":               {kind: fmtDate},
		"[DBNum1][$-804]yyyy\"年\"m\"月\"": {kind: fmtDate},
		"mmm-yy":                         {kind: fmtDate},
		"mmmm":                           {kind: fmtDate},
		"dddd":                           {kind: fmtDate},
		"yyyy-mm-dd hh:mm:ss":            {kind: fmtDateTime},
		"yyyy/m/d h:mm AM/PM":            {kind: fmtDateTime},
		"h:mm":                           {kind: fmtTime},
		"hh:mm:ss":                       {kind: fmtTime},
		"mm:ss":                          {kind: fmtTime},
		"[h]:mm:ss":                      {kind: fmtTime},
		"h:mm AM/PM":                     {kind: fmtTime},
		`[Red]0.00;[Blue]-0.00`:          {},
		`0;"yyyy"`:                       {},
		`\d0`:                            {},
		`"date: "0`:                      {},
		"[>=100]0;0.0":                   {},
		"[Red]yyyy-mm-dd":                {kind: fmtDate},
	} {
		if got := parseNumFormat(code); got != want {
			t.Errorf("parseNumFormat(%q) = %+v, want %+v", code, got, want)
		}
	}
}

func TestPlainNumber(t *testing.T) {
	for v, want := range map[float64]string{
		0:                       "0",
		1:                       "1",
		-1:                      "-1",
		0.1 + 0.2:               "0.3",
		1.0 / 3:                 "0.333333333333333",
		123456789012345678:      "123456789012346000",
		9.13501001234568e17:     "913501001234568000",
		1e21:                    "1000000000000000000000",
		1.5e-7:                  "0.00000015",
		-0.000123:               "-0.000123",
		98.49999999999999:       "98.5",
		1234.5:                  "1234.5",
		999999999999999.9:       "1000000000000000",
		100:                     "100",
		45296.750000000007:      "45296.75",
		2.2250738585072014e-308: "0." + zeros(307) + "22250738585072",
	} {
		if got := plainNumber(v); got != want {
			t.Errorf("plainNumber(%v) = %q, want %q", v, got, want)
		}
	}
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func TestExcelTime(t *testing.T) {
	tests := []struct {
		v        float64
		kind     numKind
		date1904 bool
		want     string
	}{
		{1, fmtDate, false, "1900-01-01"},
		{45292, fmtDate, false, "2024-01-01"},
		{45292.99999999, fmtDate, false, "2024-01-02"}, // rounds to the second first
		{45292.5, fmtDateTime, false, "2024-01-01 12:00:00"},
		{0.75, fmtTime, false, "18:00:00"},
		{45292.25, fmtTime, false, "06:00:00"},
		{0, fmtDate, true, "1904-01-01"},
		{2958465, fmtDate, false, "9999-12-31"},
	}
	for _, tt := range tests {
		if got, ok := excelTime(tt.v, tt.kind, tt.date1904); !ok || got != tt.want {
			t.Errorf("excelTime(%v, %v, %v) = %q, %v, want %q", tt.v, tt.kind, tt.date1904, got, ok, tt.want)
		}
	}
	for _, v := range []float64{-1, 2958466} {
		if got, ok := excelTime(v, fmtDate, false); ok {
			t.Errorf("excelTime(%v) = %q, want out of range", v, got)
		}
	}
}

func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := columnName(i); got != want {
			t.Errorf("columnName(%d) = %q, want %q", i, got, want)
		}
		if c, ok := refColumn([]byte(want + "12")); !ok || c != i {
			t.Errorf("refColumn(%s12) = %d, %v", want, c, ok)
		}
	}
}

func TestIsDecimal(t *testing.T) {
	for v, want := range map[string]bool{
		"0": true, "12": true, "-12.5": true, "0.05": true, "007": false, "1e5": false, "1.": false,
		".5": false, "": false, "-": false, "1,000": false, "NaN": false, "Inf": false, "0x10": false,
	} {
		if got := isDecimal(v); got != want {
			t.Errorf("isDecimal(%q) = %v", v, got)
		}
	}
	for v, want := range map[string]int{"0": 0, "100": 3, "100.50": 4, "0.0012": 2, "-123456789012345": 15} {
		if got := significantDigits(v); got != want {
			t.Errorf("significantDigits(%q) = %d, want %d", v, got, want)
		}
	}
}
