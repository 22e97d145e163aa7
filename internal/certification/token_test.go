package certification

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"image/png"
	"strings"
	"testing"

	"qcity"
)

func testSigner(t testing.TB) *Signer {
	t.Helper()
	skey, err := GenerateTokenKey(TokenKeyName("440800"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var testToken = Token{Number: "2016010718123456", USCC: "91440800MA4W12346A", IssuedOn: qcity.NewDate(2021, 3, 1),
	ExpiresOn: qcity.NewDate(2026, 2, 28), Issuer: "CNCA-R-2002-001"}

func tokenKey(err error) string {
	var te *TokenError
	if errors.As(err, &te) {
		return te.Key
	}
	if err == nil {
		return ""
	}
	return "other: " + err.Error()
}

func TestTokenSignVerify(t *testing.T) {
	s := testSigner(t)
	tok, err := s.Sign(testToken)
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) > 220 {
		t.Errorf("token of %d characters: not compact", len(tok))
	}
	v, err := NewVerifier(s.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	got.KeyHash = 0
	if got != testToken {
		t.Errorf("round trip: %+v", got)
	}
	// The QR's URL verifies as well as the bare token.
	if _, err := v.Verify(TokenFromText("https://qcity.example.gov.cn/q/" + tok)); err != nil {
		t.Errorf("from URL: %v", err)
	}

	p64, s64, _ := strings.Cut(tok, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(p64)
	reencode := func(p string) string { return base64.RawURLEncoding.EncodeToString([]byte(p)) + "." + s64 }
	other := testSigner(t)
	otherTok, _ := other.Sign(testToken)
	// A token signed by another key that claims this key's hash: the signature fails.
	op64, os64, _ := strings.Cut(otherTok, ".")
	opayload, _ := base64.RawURLEncoding.DecodeString(op64)
	claimed := strings.Replace(string(opayload), strings.Split(string(opayload), "|")[1], strings.Split(string(payload), "|")[1], 1)
	for _, tc := range []struct {
		name, token, key string
	}{
		{"tampered number", reencode(strings.Replace(string(payload), "123456", "123457", 1)), "cert.token.signature"},
		{"tampered expiry", reencode(strings.Replace(string(payload), "20260228", "20310228", 1)), "cert.token.signature"},
		{"tampered holder", reencode(strings.Replace(string(payload), "MA4W12346A", "MA4W12347Y", 1)), "cert.token.signature"},
		{"tampered signature", p64 + "." + flip(s64), "cert.token.signature"},
		{"truncated signature", tok[:len(tok)-5], "cert.token.truncated"},
		{"truncated to one char of signature", p64 + "." + s64[:1], "cert.token.truncated"},
		{"signature cut off", p64 + ".", "cert.token.truncated"},
		{"payload only", p64, "cert.token.malformed"},
		{"truncated payload", p64[:10] + "." + s64, "cert.token.fields"},
		{"empty", "", "cert.token.malformed"},
		{"not base64", "!!!." + s64, "cert.token.malformed"},
		{"wrong key", otherTok, "cert.token.other_key"},
		{"another key claiming this hash", base64.RawURLEncoding.EncodeToString([]byte(claimed)) + "." + os64, "cert.token.signature"},
		{"version 2", reencode("2" + string(payload[1:])), "cert.token.version"},
		{"extra field", reencode(string(payload) + "|x"), "cert.token.fields"},
		{"bad date", reencode(strings.Replace(string(payload), "20210301", "20210231", 1)), "cert.token.fields"},
		{"too long", strings.Repeat("A", MaxTokenLen+1), "cert.token.malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Verify(tc.token)
			if got := tokenKey(err); got != tc.key {
				t.Errorf("got %q, want %q", got, tc.key)
			}
		})
	}
	// Every truncation of a good token fails, none panics.
	for i := range len(tok) {
		if _, err := v.Verify(tok[:i]); err == nil {
			t.Fatalf("token cut at %d verified", i)
		}
	}
}

func flip(s string) string {
	b := []byte(s)
	if b[3] == 'A' {
		b[3] = 'B'
	} else {
		b[3] = 'A'
	}
	return string(b)
}

func TestTokenRefusesUncarriableFields(t *testing.T) {
	s := testSigner(t)
	for _, tk := range []Token{
		{Number: "a|b", USCC: "x", Issuer: "y", IssuedOn: qcity.NewDate(2020, 1, 1), ExpiresOn: qcity.NewDate(2021, 1, 1)},
		{Number: "", USCC: "x", Issuer: "y", IssuedOn: qcity.NewDate(2020, 1, 1), ExpiresOn: qcity.NewDate(2021, 1, 1)},
		{Number: "n", USCC: "x", Issuer: "y"},
	} {
		if _, err := s.Sign(tk); err == nil {
			t.Errorf("%+v signed", tk)
		}
	}
}

func TestKeys(t *testing.T) {
	if _, err := NewSigner("not a key"); err == nil {
		t.Error("bad signer key accepted")
	}
	s := testSigner(t)
	if _, err := NewVerifier("PRIVATE+KEY+x"); err == nil {
		t.Error("bad verifier key accepted")
	}
	if !strings.HasPrefix(s.VerifierKey(), "qcity-cert/440800+") {
		t.Errorf("verifier key %q", s.VerifierKey())
	}
}

func TestQR(t *testing.T) {
	q, err := EncodeQR("https://qcity.example.gov.cn/q/" + strings.Repeat("x", 190))
	if err != nil {
		t.Fatal(err)
	}
	n := q.Size()
	if (n-17)%4 != 0 || n < 21 {
		t.Fatalf("size %d is not a QR version's", n)
	}
	// The three finder patterns: a dark 7×7 ring with a dark 3×3 centre.
	for _, o := range [][2]int{{0, 0}, {n - 7, 0}, {0, n - 7}} {
		for y := range 7 {
			for x := range 7 {
				ring := x == 0 || y == 0 || x == 6 || y == 6
				centre := x >= 2 && x <= 4 && y >= 2 && y <= 4
				if q.Black(o[0]+x, o[1]+y) != (ring || centre) {
					t.Fatalf("finder at %v wrong at %d,%d", o, x, y)
				}
			}
		}
	}
	img, err := png.Decode(bytes.NewReader(q.PNG(4)))
	if err != nil {
		t.Fatal(err)
	}
	if w := img.Bounds().Dx(); w != (n+8)*4 {
		t.Errorf("PNG width %d", w)
	}
	// The quiet zone is white; the first finder's corner black.
	if r, _, _, _ := img.At(0, 0).RGBA(); r == 0 {
		t.Error("quiet zone not white")
	}
	if r, _, _, _ := img.At(16, 16).RGBA(); r != 0 {
		t.Error("finder corner not black")
	}
	svg := q.SVG()
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Errorf("SVG is not XML: %v", err)
	}
	if strings.Contains(svg, "style=") || strings.Contains(svg, "<script") {
		t.Error("SVG carries style or script")
	}
}

func FuzzParseToken(f *testing.F) {
	s := testSigner(f)
	tok, _ := s.Sign(testToken)
	f.Add(tok)
	f.Add(tok[:40])
	f.Add("")
	f.Add("MXx4fHx8fHw.AAAA")
	v, _ := NewVerifier(s.VerifierKey())
	f.Fuzz(func(t *testing.T, in string) {
		tk, msg, sig, err := ParseToken(in)
		if err != nil {
			var te *TokenError
			if !errors.As(err, &te) {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if len(sig) != 64 || !bytes.HasPrefix(msg, []byte(TokenContext)) || tk.Number == "" || tk.IssuedOn.IsZero() {
			t.Fatalf("parsed %q into %+v", in, tk)
		}
		if _, err := v.Verify(in); err == nil && in != tok {
			// A different string that verifies must carry the same signed payload.
			if p, _, _ := strings.Cut(in, "."); p != strings.SplitN(tok, ".", 2)[0] {
				t.Fatalf("forged token verified: %q", in)
			}
		}
	})
}

func FuzzCheckNumber(f *testing.F) {
	for _, n := range []string{"2016010901123456", "03410Q10286R0S", "001OP2100123-1", "00118Q31234R2M/3500", "２０１６", ""} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n := NormalizeNumber(in)
		if NormalizeNumber(n) != n {
			t.Fatalf("normalize not idempotent on %q", in)
		}
		for _, sc := range Schemes {
			c := CheckNumber(sc.Scheme, n, 2026)
			if c.OK == (c.Key != "") {
				t.Fatalf("%s %q: ok=%v key=%q", sc.Scheme, n, c.OK, c.Key)
			}
			if c.OK && (len(n) > MaxNumberLen*4 || n == "") {
				t.Fatalf("%s accepted %q", sc.Scheme, n)
			}
		}
		if g := GuessScheme(n); g != "" {
			if _, ok := InfoOf(g); !ok {
				t.Fatalf("guessed unknown scheme %q", g)
			}
		}
	})
}
