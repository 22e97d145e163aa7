package uscc

import (
	"bufio"
	"errors"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"qcity"
	"qcity/internal/locale"
)

// workedExamples are the codes RULES.md §7 lists as valid.
var workedExamples = []string{
	"91350100M000100Y43",
	"91440101MA5CJQ4N59",
	"91350200776049653A",
	"91350213678251743X",
	"91440800MA4W12346A", // synthetic Zhanjiang test code
}

// readVectors returns the codes of testdata/uscc_valid_python_stdnum.txt, one a line.
func readVectors(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open("testdata/uscc_valid_python_stdnum.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// wantErr asserts that err is an EINVALID *qcity.Error with exactly key and args.
func wantErr(t *testing.T, err error, key string, args map[string]any) {
	t.Helper()
	var qe *qcity.Error
	if !errors.As(err, &qe) {
		t.Fatalf("error = %v (%T), want *qcity.Error %s %v", err, err, key, args)
	}
	if qe.Code != qcity.EINVALID {
		t.Errorf("code = %q, want %q", qe.Code, qcity.EINVALID)
	}
	if qe.Key != key {
		t.Errorf("key = %q, want %q (args %v)", qe.Key, key, qe.Args)
	}
	if (len(args) != 0 || len(qe.Args) != 0) && !reflect.DeepEqual(qe.Args, args) {
		t.Errorf("args = %#v, want %#v", qe.Args, args)
	}
	for _, l := range locale.Langs {
		if !locale.Default().Has(l, qe.Key) {
			t.Errorf("key %q missing in the %s catalogue", qe.Key, l)
		}
	}
}

func TestWorkedExamples(t *testing.T) {
	for _, s := range workedExamples {
		if err := Validate(s); err != nil {
			t.Errorf("Validate(%q) = %v", s, err)
		}
	}
	c, err := Parse("91350100M000100Y43")
	if err != nil {
		t.Fatal(err)
	}
	want := Code{Raw: "91350100M000100Y43", Authority: '9', Type: '1', RegionCode: "350100", OrgCode: "M000100Y4"}
	if c != want {
		t.Errorf("Parse = %+v, want %+v", c, want)
	}
	if c.String() != want.Raw {
		t.Errorf("String = %q", c.String())
	}
}

// RULES.md §7 works the first example by hand: Σ = 1640 → 3; org Σ = 139 → 4.
func TestWorkedExampleArithmetic(t *testing.T) {
	sum := 0
	for i, c := range []byte("91350100M000100Y4") {
		sum += int(values[c]) * weights[i]
	}
	if sum != 1640 {
		t.Errorf("Σ = %d, want 1640", sum)
	}
	sum = 0
	for i, c := range []byte("M000100Y") {
		sum += orgValue(c) * orgWeights[i]
	}
	if sum != 139 {
		t.Errorf("org Σ = %d, want 139", sum)
	}
	// The weights are 3^(i−1) mod 31.
	w := 1
	for i := range weights {
		if weights[i] != w {
			t.Errorf("weight %d = %d, want %d", i+1, weights[i], w)
		}
		w = w * 3 % 31
	}
}

func TestVectorsFile(t *testing.T) {
	codes := readVectors(t)
	if len(codes) != 200 {
		t.Errorf("%d codes in the vectors file, want 200", len(codes))
	}
	for i, s := range codes {
		c, err := Parse(s)
		if err != nil {
			t.Errorf("line %d: Parse(%q) = %v", i+1, s, err)
			continue
		}
		if c.AuthorityKey() == KeyAuthorityUnknown || c.EntityTypeKey() == KeyTypeUnknown {
			t.Errorf("line %d: %q has authority %s, type %s", i+1, s, c.AuthorityKey(), c.EntityTypeKey())
		}
	}
}

func TestParseInvalid(t *testing.T) {
	type args = map[string]any
	tests := []struct {
		name string
		in   string
		key  string
		args args
	}{
		{"empty", "", KeyEmpty, nil},
		{"too short", "9135010", KeyLength, args{"want": 18, "got": 7}},
		{"too long", "91350100M000100Y430", KeyLength, args{"want": 18, "got": 19}},
		{"leading space not trimmed", " 91350100M000100Y43", KeyLength, args{"want": 18, "got": 19}},
		{"printed with a hyphen", "91350100-M000100Y43", KeyLength, args{"want": 18, "got": 19}},
		{"counts characters, not bytes", "统一社会信用代码", KeyLength, args{"want": 18, "got": 8}},
		{"forbidden I in the body", "91350100I000100Y43", KeyForbiddenChar, args{"pos": 9, "char": "I"}},
		{"forbidden O in the region", "913O0100M000100Y43", KeyForbiddenChar, args{"pos": 4, "char": "O"}},
		{"forbidden Z at position 1", "Z1350100M000100Y43", KeyForbiddenChar, args{"pos": 1, "char": "Z"}},
		{"forbidden S at position 18", "91350100M000100Y4S", KeyForbiddenChar, args{"pos": 18, "char": "S"}},
		{"forbidden V at position 2", "9V350100M000100Y43", KeyForbiddenChar, args{"pos": 2, "char": "V"}},
		{"lower case needs Normalize", "91350100m000100y43", KeyForbiddenChar, args{"pos": 9, "char": "m"}},
		{"full-width digit needs Normalize", "９1350100M000100Y43", KeyForbiddenChar, args{"pos": 1, "char": "９"}},
		{"full-width last char", "91350100M000100Y4３", KeyForbiddenChar, args{"pos": 18, "char": "３"}},
		{"Chinese characters", "统一社会信用代码统一社会信用代码统一", KeyForbiddenChar, args{"pos": 1, "char": "统"}},
		{"inner space", "91350100 000100Y43", KeyForbiddenChar, args{"pos": 9, "char": " "}},
		{"zero-width space", "91350100\u200b000100Y43", KeyForbiddenChar, args{"pos": 9, "char": "U+200B"}},
		{"ideographic space", "9135\u30000100M000100Y4", KeyForbiddenChar, args{"pos": 5, "char": "U+3000"}},
		{"invalid UTF-8", "91350100M000100Y4\xff", KeyForbiddenChar, args{"pos": 18, "char": `\xFF`}},
		{"hyphen inside", "91350100M000-00Y43", KeyForbiddenChar, args{"pos": 13, "char": "-"}},
		{"first error wins, left to right", "9I3501O0M000100Y43", KeyForbiddenChar, args{"pos": 2, "char": "I"}},
		{"letter in the region", "9135A100M000100Y43", KeyRegionDigits, args{"pos": 5, "char": "A"}},
		{"letter at position 3", "91B50100M000100Y43", KeyRegionDigits, args{"pos": 3, "char": "B"}},
		{"letter at position 8", "9135010AM000100Y43", KeyRegionDigits, args{"pos": 8, "char": "A"}},
		{"region before later forbidden char", "9135A100I000100Y43", KeyRegionDigits, args{"pos": 5, "char": "A"}},
		{"wrong org check", "91350100M000100Y53", KeyOrgCheck, args{"want": "4", "got": "5"}},
		{"org check is a letter", "91350100M000100YA3", KeyOrgCheck, args{"want": "4", "got": "A"}},
		{"org check should be X", "91350100M000200Y43", KeyOrgCheck, args{"want": "X", "got": "4"}},
		{"transposed body", "91440101MA5CJQN459", KeyOrgCheck, args{"want": "0", "got": "5"}},
		{"org check before final check", "91350100M000100Y54", KeyOrgCheck, args{"want": "4", "got": "5"}},
		{"wrong final check", "91350100M000100Y44", KeyCheck, args{"want": "3", "got": "4"}},
		{"final check should be X", "91350213678251743Y", KeyCheck, args{"want": "X", "got": "Y"}},
		{"final check should be A", "91440800MA4W123460", KeyCheck, args{"want": "A", "got": "0"}},
		{"final check 31 becomes 0", "911522010783762861", KeyCheck, args{"want": "0", "got": "1"}},
		{"wrong region digit", "91350200M000100Y43", KeyCheck, args{"want": "8", "got": "3"}},
		{"wrong authority", "51350100M000100Y43", KeyCheck, args{"want": "7", "got": "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.in)
			wantErr(t, err, tt.key, tt.args)
			if c != (Code{}) {
				t.Errorf("Parse returned %+v with the error", c)
			}
			if verr := Validate(tt.in); !reflect.DeepEqual(verr, err) {
				t.Errorf("Validate = %v, Parse = %v", verr, err)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"91350100M000100Y43", "91350100M000100Y43"},
		{"  91350100m000100y43\n", "91350100M000100Y43"},
		{"9135 0100 M000 100Y 43", "91350100M000100Y43"},
		{"\t9135\u30000100M000100Y43\u00a0", "91350100M000100Y43"},
		{"\ufeff91350100\u200bM000100Y43", "91350100M000100Y43"},
		{"９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"},
		{"９１３５０１００ｍ０００１００ｙ４３", "91350100M000100Y43"},
		{"９１３５０１００－Ｍ", "91350100-M"},
		{"统一 社会", "统一社会"},
		{"ı ſ", "ıſ"}, // no Unicode case mapping into I or S
		{"", ""},
		{"   ", ""},
	}
	for _, tt := range tests {
		got := Normalize(tt.in)
		if got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := Normalize(got); again != got {
			t.Errorf("Normalize not idempotent on %q: %q", got, again)
		}
	}
	// Typed input that only Normalize makes valid.
	for _, in := range []string{"91350100m000100y43", " 91440800ma4w12346a ", "９１３５０２１３６７８２５１７４３Ｘ", "9144 0101 MA5C JQ4N 59"} {
		if err := Validate(in); err == nil {
			t.Errorf("Validate(%q) accepted input that needs Normalize", in)
		}
		if err := Validate(Normalize(in)); err != nil {
			t.Errorf("Validate(Normalize(%q)) = %v", in, err)
		}
	}
	if Normalize("") != "" || Normalize("   ") != "" {
		t.Error("blank input should normalise to empty")
	}
	wantErr(t, Validate(Normalize(" \u3000 ")), KeyEmpty, nil)
}

func TestCheckChar(t *testing.T) {
	for _, s := range append(workedExamples, readVectors(t)...) {
		c, err := CheckChar(s[:17])
		if err != nil || c != s[17] {
			t.Errorf("CheckChar(%q) = %q, %v; want %q", s[:17], c, err, s[17])
		}
	}
	_, err := CheckChar("")
	wantErr(t, err, KeyEmpty, nil)
	_, err = CheckChar("91350100M000100Y43")
	wantErr(t, err, KeyLength, map[string]any{"want": 17, "got": 18})
	_, err = CheckChar("91350100M000I00Y4")
	wantErr(t, err, KeyForbiddenChar, map[string]any{"pos": 13, "char": "I"})
}

func TestOrgCheckChar(t *testing.T) {
	tests := []struct {
		body string
		want byte
	}{
		{"M000100Y", '4'},
		{"MA5CJQ4N", '5'},
		{"77604965", '3'},
		{"07837941", 'X'}, // 11 − r = 10 → X
		{"07838201", '0'}, // 11 − r = 11 → 0
	}
	for _, tt := range tests {
		got, err := OrgCheckChar(tt.body)
		if err != nil || got != tt.want {
			t.Errorf("OrgCheckChar(%q) = %q, %v; want %q", tt.body, got, err, tt.want)
		}
	}
	_, err := OrgCheckChar("")
	wantErr(t, err, KeyOrgEmpty, nil)
	_, err = OrgCheckChar("M000100Y4")
	wantErr(t, err, KeyOrgBodyLength, map[string]any{"want": 8, "got": 9})
	_, err = OrgCheckChar("M000a00Y")
	wantErr(t, err, KeyOrgForbiddenChar, map[string]any{"pos": 5, "char": "a"})
}

func TestValidateOrgCode(t *testing.T) {
	valid := []string{"M000100Y4", "M000100Y-4", "MA5CJQ4N5", "776049653", "07837941X", "07837941-X", "078382010",
		"IOZSV000" + mustOrgCheck(t, "IOZSV000")} // GB 11714 bodies may use every letter
	for _, s := range valid {
		if err := ValidateOrgCode(s); err != nil {
			t.Errorf("ValidateOrgCode(%q) = %v", s, err)
		}
	}
	type args = map[string]any
	tests := []struct {
		in   string
		key  string
		args args
	}{
		{"", KeyOrgEmpty, nil},
		{"M000100Y", KeyOrgLength, args{"want": 9, "got": 8}},
		{"M000100Y43", KeyOrgLength, args{"want": 9, "got": 10}},
		{"M00010-0Y4", KeyOrgLength, args{"want": 9, "got": 10}},
		{"M000100Y--4", KeyOrgLength, args{"want": 9, "got": 11}},
		{"组织机构代码", KeyOrgLength, args{"want": 9, "got": 6}},
		{"m000100Y4", KeyOrgForbiddenChar, args{"pos": 1, "char": "m"}},
		{"M00０100Y4", KeyOrgForbiddenChar, args{"pos": 4, "char": "０"}},
		{"M000100Y-\xff", KeyOrgCheckChar, args{"want": "4", "got": `\xFF`}},
		{"M000100Y5", KeyOrgCheckChar, args{"want": "4", "got": "5"}},
		{"M000100Y-5", KeyOrgCheckChar, args{"want": "4", "got": "5"}},
		{"07837941x", KeyOrgCheckChar, args{"want": "X", "got": "x"}},
		{"078379410", KeyOrgCheckChar, args{"want": "X", "got": "0"}},
		{"M000100Y４", KeyOrgCheckChar, args{"want": "4", "got": "４"}},
	}
	for _, tt := range tests {
		wantErr(t, ValidateOrgCode(tt.in), tt.key, tt.args)
	}
}

func mustOrgCheck(t *testing.T, body string) string {
	t.Helper()
	c, err := OrgCheckChar(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(c)
}

// The organisation code of every valid USCC is itself a valid GB 11714 code.
func TestOrgCodeOfUSCC(t *testing.T) {
	for _, s := range append(workedExamples, readVectors(t)...) {
		c, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := ValidateOrgCode(c.OrgCode); err != nil {
			t.Errorf("ValidateOrgCode(%q) = %v", c.OrgCode, err)
		}
		if err := ValidateOrgCode(c.OrgCode[:8] + "-" + c.OrgCode[8:]); err != nil {
			t.Errorf("printed form of %q: %v", c.OrgCode, err)
		}
	}
}

func TestAuthorityAndTypeKeys(t *testing.T) {
	tests := []struct {
		authority, typ byte
		authKey        string
		typeKey        string
	}{
		{'9', '1', "uscc.authority.9", "uscc.type.9.1"},
		{'9', '2', "uscc.authority.9", "uscc.type.9.2"},
		{'9', '3', "uscc.authority.9", "uscc.type.9.3"},
		{'9', '9', "uscc.authority.9", KeyTypeUnknown},
		{'1', '1', "uscc.authority.1", "uscc.type.1.1"},
		{'1', '2', "uscc.authority.1", "uscc.type.1.2"},
		{'1', '3', "uscc.authority.1", "uscc.type.1.3"},
		{'1', '9', "uscc.authority.1", "uscc.type.1.9"},
		{'1', '4', "uscc.authority.1", KeyTypeUnknown},
		{'5', '1', "uscc.authority.5", "uscc.type.5.1"},
		{'5', '2', "uscc.authority.5", "uscc.type.5.2"},
		{'5', '3', "uscc.authority.5", "uscc.type.5.3"},
		{'5', '9', "uscc.authority.5", "uscc.type.5.9"},
		{'Y', '1', "uscc.authority.Y", KeyTypeUnknown},
		{'A', '1', KeyAuthorityUnknown, KeyTypeUnknown},
		{'2', '1', KeyAuthorityUnknown, KeyTypeUnknown},
		{0, 0, KeyAuthorityUnknown, KeyTypeUnknown},
	}
	cat := locale.Default()
	for _, tt := range tests {
		c := Code{Authority: tt.authority, Type: tt.typ}
		if got := c.AuthorityKey(); got != tt.authKey {
			t.Errorf("%c%c: AuthorityKey = %q, want %q", tt.authority, tt.typ, got, tt.authKey)
		}
		if got := c.EntityTypeKey(); got != tt.typeKey {
			t.Errorf("%c%c: EntityTypeKey = %q, want %q", tt.authority, tt.typ, got, tt.typeKey)
		}
		for _, l := range locale.Langs {
			if !cat.Has(l, tt.authKey) || !cat.Has(l, tt.typeKey) {
				t.Errorf("%s: %q or %q missing", l, tt.authKey, tt.typeKey)
			}
		}
	}
	// An unconfirmed authority is not an error (RULES.md §7).
	s := Generate(rand.New(rand.NewPCG(1, 2)), 'A', '1', "440800")
	c, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q) = %v", s, err)
	}
	if c.AuthorityKey() != KeyAuthorityUnknown {
		t.Errorf("AuthorityKey = %q", c.AuthorityKey())
	}
	if got := cat.T(locale.ZH, Code{Authority: '9', Type: '2'}.EntityTypeKey(), nil); got != "个体工商户" {
		t.Errorf("9.2 in Chinese = %q", got)
	}
}

func TestErrorKeysInCatalogue(t *testing.T) {
	keys := []string{KeyEmpty, KeyLength, KeyForbiddenChar, KeyRegionDigits, KeyOrgCheck, KeyCheck,
		KeyOrgEmpty, KeyOrgLength, KeyOrgBodyLength, KeyOrgForbiddenChar, KeyOrgCheckChar,
		KeyAuthorityUnknown, KeyTypeUnknown}
	for _, k := range keys {
		for _, l := range locale.Langs {
			if !locale.Default().Has(l, k) {
				t.Errorf("key %q missing in %s", k, l)
			}
		}
	}
}

func TestMessages(t *testing.T) {
	cat := locale.Default()
	tests := []struct {
		in     string
		lang   locale.Lang
		expect string
	}{
		{"91350100M000100Y44", locale.ZH, "统一社会信用代码第18位校验码应为“3”，实际为“4”。"},
		{"91350100M000100Y44", locale.EN, `Check character (position 18) should be "3", got "4".`},
		{"9135010", locale.ZH, "统一社会信用代码应为18位，实际为7位。"},
		{"91350100I000100Y43", locale.EN, `Character "I" at position 9 is not allowed: the unified social credit code uses only digits and upper-case letters, and GB 32100 excludes I, O, Z, S and V.`},
	}
	for _, tt := range tests {
		var qe *qcity.Error
		if !errors.As(Validate(tt.in), &qe) {
			t.Fatalf("Validate(%q) gave no *qcity.Error", tt.in)
		}
		if got := cat.T(tt.lang, qe.Key, qe.Args); got != tt.expect {
			t.Errorf("%s %q:\n got %q\nwant %q", tt.lang, tt.in, got, tt.expect)
		}
		if strings.Contains(cat.T(tt.lang, qe.Key, qe.Args), "{") {
			t.Errorf("unfilled placeholder in %q", cat.T(tt.lang, qe.Key, qe.Args))
		}
	}
}

func TestGenerate(t *testing.T) {
	cases := []struct {
		authority, typ byte
		region         string
	}{
		{'9', '1', "440800"}, {'9', '2', "440802"}, {'9', '3', "440883"},
		{'1', '2', "440000"}, {'5', '1', "440811"}, {'Y', '1', "440825"},
	}
	seen := map[string]bool{}
	for seed := uint64(0); seed < 2000; seed++ {
		tc := cases[seed%uint64(len(cases))]
		s := Generate(rand.New(rand.NewPCG(seed, 42)), tc.authority, tc.typ, tc.region)
		c, err := Parse(s)
		if err != nil {
			t.Fatalf("seed %d: Generate = %q, Parse: %v", seed, s, err)
		}
		if c.Authority != tc.authority || c.Type != tc.typ || c.RegionCode != tc.region {
			t.Errorf("seed %d: %q does not carry %c%c%s", seed, s, tc.authority, tc.typ, tc.region)
		}
		if again := Generate(rand.New(rand.NewPCG(seed, 42)), tc.authority, tc.typ, tc.region); again != s {
			t.Errorf("seed %d: %q then %q", seed, s, again)
		}
		seen[s] = true
	}
	if len(seen) < 1990 {
		t.Errorf("only %d distinct codes out of 2000", len(seen))
	}
	// One generator gives a stream of distinct valid codes.
	r := rand.New(rand.NewPCG(7, 7))
	for range 10000 {
		if s := Generate(r, '9', '1', "440800"); Validate(s) != nil {
			t.Fatalf("Generate = %q: %v", s, Validate(s))
		}
	}
}

func TestGeneratePanicsOnBadArguments(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		authority, typ byte
		region         string
	}{
		{'I', '1', "440800"}, {'9', 'O', "440800"}, {'9', '1', "44080"}, {'9', '1', "44080A"}, {'9', 0xFF, "440800"},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Generate(%q, %q, %q) did not panic", tc.authority, tc.typ, tc.region)
				}
			}()
			Generate(r, tc.authority, tc.typ, tc.region)
		}()
	}
}

func TestValidateAllocations(t *testing.T) {
	codes := readVectors(t)
	allocs := testing.AllocsPerRun(100, func() {
		for _, s := range codes {
			if Validate(s) != nil {
				t.Fatal("invalid")
			}
			if _, err := Parse(s); err != nil {
				t.Fatal("invalid")
			}
			_ = Normalize(s)
		}
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per run of valid codes, want 0", allocs)
	}
}

// charArg must not split a character or lose an invalid byte.
func TestCharArg(t *testing.T) {
	for _, tt := range []struct{ s, want string }{
		{"I", "I"}, {"统", "统"}, {"\xff", `\xFF`}, {"\u200b", "U+200B"}, {"\x00", "U+0000"}, {"\U0001F600", "\U0001F600"},
	} {
		if got := charArg(tt.s, 0); got != tt.want || !utf8.ValidString(got) {
			t.Errorf("charArg(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}
