package certification

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"qcity"
	"qcity/internal/db"
)

// QR tokens (二维码验证码). Every certificate's QR code carries a compact token that
// verifies offline against the bureau's published public key:
//
//	token   = base64url(payload) "." base64url(signature)
//	payload = "1|" keyhash "|" number "|" holder USCC "|" issued "|" expires "|" issuer
//
// keyhash is the 8 hex digits of the signing key's hash (so a verifier holding another
// key can say so), the dates are YYYYMMDD, the issuer is the body's CNCA approval
// number (批准号) or, without one, its USCC. The signature is Ed25519 over
// TokenContext + payload. The keys are golang.org/x/mod/sumdb/note keys, like the
// log's: the signer key "PRIVATE+KEY+name+hash+keydata" lives in a file next to the
// database; the verifier key "name+hash+keydata" is served at
// GET /api/v1/certificates/key.

// TokenContext separates token signatures from any other use of the key.
const TokenContext = "qcity certificate token v1\n"

// TokenVersion is the payload's version.
const TokenVersion = "1"

// MaxTokenLen bounds what the parser reads: a token is about 200 characters.
const MaxTokenLen = 600

// Token is what a token carries.
type Token struct {
	KeyHash   uint32     `json:"-"`
	Number    string     `json:"number"`
	USCC      string     `json:"holder_uscc"`
	IssuedOn  qcity.Date `json:"issued_on"`
	ExpiresOn qcity.Date `json:"expires_on"`
	Issuer    string     `json:"issuer"`
}

// TokenError says why a token does not verify. Key is a locale key cert.token.*.
type TokenError struct {
	Key  string
	Args map[string]any
}

func (e *TokenError) Error() string {
	s := strings.TrimPrefix(e.Key, "cert.token.")
	if len(e.Args) > 0 {
		s += fmt.Sprintf(" %v", e.Args)
	}
	return "token: " + s
}

// QError returns the error as an EINVALID *qcity.Error.
func (e *TokenError) QError() *qcity.Error {
	return &qcity.Error{Code: qcity.EINVALID, Key: e.Key, Args: e.Args}
}

func tokenErr(key string, args ...any) *TokenError {
	e := &TokenError{Key: key}
	if len(args) > 0 {
		e.Args = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			e.Args[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	return e
}

// TokenKeyName is the name of a jurisdiction's token key.
func TokenKeyName(prefecture string) string { return "qcity-cert/" + prefecture }

// GenerateTokenKey makes a new signer key named name.
func GenerateTokenKey(name string) (string, error) {
	skey, _, err := note.GenerateKey(rand.Reader, name)
	return skey, err
}

// Signer signs tokens.
type Signer struct {
	priv ed25519.PrivateKey
	hash uint32
	vkey string
}

// NewSigner returns a signer for a signer key ("PRIVATE+KEY+name+hash+keydata").
func NewSigner(skey string) (*Signer, error) {
	skey = strings.TrimSpace(skey)
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return nil, errors.New("certification: not a signer key (PRIVATE+KEY+name+hash+keydata)")
	}
	kd, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(kd) != 1+ed25519.SeedSize || kd[0] != 1 {
		return nil, errors.New("certification: bad signer key data")
	}
	priv := ed25519.NewKeyFromSeed(kd[1:])
	vkey, err := note.NewEd25519VerifierKey(parts[2], priv.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	// The key hash in the signer key must be the one the key data gives.
	if h, err := strconv.ParseUint(parts[3], 16, 32); err != nil || uint32(h) != v.KeyHash() {
		return nil, errors.New("certification: signer key hash does not match its key")
	}
	return &Signer{priv: priv, hash: v.KeyHash(), vkey: vkey}, nil
}

// VerifierKey is the public key, as "name+hash+keydata".
func (s *Signer) VerifierKey() string { return s.vkey }

// Sign returns the token of t. It refuses fields that cannot be carried (a "|" or an
// empty number).
func (s *Signer) Sign(t Token) (string, error) {
	payload, err := t.payload(s.hash)
	if err != nil {
		return "", err
	}
	sig := ed25519.Sign(s.priv, []byte(TokenContext+payload))
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

func (t Token) payload(hash uint32) (string, error) {
	for _, f := range []string{t.Number, t.USCC, t.Issuer} {
		if f == "" || strings.ContainsAny(f, "|\n") {
			return "", fmt.Errorf("certification: field %q cannot be carried in a token", f)
		}
	}
	if t.IssuedOn.IsZero() || t.ExpiresOn.IsZero() {
		return "", errors.New("certification: a token needs both dates")
	}
	return strings.Join([]string{TokenVersion, fmt.Sprintf("%08x", hash), t.Number, t.USCC,
		compactDate(t.IssuedOn), compactDate(t.ExpiresOn), t.Issuer}, "|"), nil
}

func compactDate(d qcity.Date) string { return fmt.Sprintf("%04d%02d%02d", d.Year, d.Month, d.Day) }

func parseCompactDate(s string) (qcity.Date, bool) {
	if len(s) != 8 {
		return qcity.Date{}, false
	}
	t, err := time.Parse("20060102", s)
	if err != nil {
		return qcity.Date{}, false
	}
	return qcity.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, true
}

// TokenFromText extracts a token from what a person pastes: the token itself, or the
// URL a QR code carries (…/q/TOKEN).
func TokenFromText(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '/'); i >= 0 && strings.Contains(s, "://") {
		s = s[i+1:]
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	return s
}

// ParseToken reads a token without checking its signature: the fields, and the
// signed message and signature to check. Errors are *TokenError: cert.token.malformed
// (no "." or bad base64), cert.token.truncated (a signature shorter than Ed25519's),
// cert.token.version, cert.token.fields.
func ParseToken(s string) (Token, []byte, []byte, error) {
	if len(s) > MaxTokenLen {
		return Token{}, nil, nil, tokenErr("cert.token.malformed")
	}
	p64, s64, ok := strings.Cut(s, ".")
	if !ok || p64 == "" {
		return Token{}, nil, nil, tokenErr("cert.token.malformed")
	}
	payload, err := base64.RawURLEncoding.DecodeString(p64)
	if err != nil {
		return Token{}, nil, nil, tokenErr("cert.token.malformed")
	}
	sig, err := base64.RawURLEncoding.DecodeString(s64)
	if err != nil {
		// A token cut anywhere in its signature leaves base64 that may not decode.
		return Token{}, nil, nil, tokenErr("cert.token.truncated")
	}
	if len(sig) != ed25519.SignatureSize {
		return Token{}, nil, nil, tokenErr("cert.token.truncated")
	}
	f := strings.Split(string(payload), "|")
	if len(f) == 0 || f[0] != TokenVersion {
		return Token{}, nil, nil, tokenErr("cert.token.version")
	}
	if len(f) != 7 {
		return Token{}, nil, nil, tokenErr("cert.token.fields")
	}
	var t Token
	h, err := strconv.ParseUint(f[1], 16, 32)
	if err != nil || len(f[1]) != 8 {
		return Token{}, nil, nil, tokenErr("cert.token.fields")
	}
	t.KeyHash = uint32(h)
	t.Number, t.USCC, t.Issuer = f[2], f[3], f[6]
	var ok1, ok2 bool
	t.IssuedOn, ok1 = parseCompactDate(f[4])
	t.ExpiresOn, ok2 = parseCompactDate(f[5])
	if !ok1 || !ok2 || t.Number == "" || t.USCC == "" || t.Issuer == "" {
		return Token{}, nil, nil, tokenErr("cert.token.fields")
	}
	return t, append([]byte(TokenContext), payload...), sig, nil
}

// Verifier checks tokens against a verifier key.
type Verifier struct {
	v   note.Verifier
	pub ed25519.PublicKey
}

// NewVerifier parses a verifier key ("name+hash+keydata").
func NewVerifier(vkey string) (*Verifier, error) {
	vkey = strings.TrimSpace(vkey)
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("certification: bad verifier key: %w", err)
	}
	parts := strings.SplitN(vkey, "+", 3)
	kd, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(kd) != 1+ed25519.PublicKeySize || kd[0] != 1 {
		return nil, errors.New("certification: verifier key is not an Ed25519 key")
	}
	return &Verifier{v: v, pub: ed25519.PublicKey(kd[1:])}, nil
}

// KeyHash is the key's hash as tokens carry it.
func (v *Verifier) KeyHash() uint32 { return v.v.KeyHash() }

// Verify parses and checks a token: its form, that it names this key, its signature.
// Errors are *TokenError; besides ParseToken's, cert.token.other_key (signed by a key
// with another hash) and cert.token.signature (the signature does not match: the token
// was changed, or forged).
func (v *Verifier) Verify(s string) (Token, error) {
	t, msg, sig, err := ParseToken(s)
	if err != nil {
		return Token{}, err
	}
	if t.KeyHash != v.KeyHash() {
		return Token{}, tokenErr("cert.token.other_key", "got", fmt.Sprintf("%08x", t.KeyHash), "want", fmt.Sprintf("%08x", v.KeyHash()))
	}
	if !ed25519.Verify(v.pub, msg, sig) {
		return Token{}, tokenErr("cert.token.signature")
	}
	return t, nil
}

// tokenKeySetting is where the database keeps the verifier key of its tokens.
const tokenKeySetting = "certification/token_key"

// InitSigner records the signer's verifier key on first start and refuses a key
// other than the one the database's tokens were signed with, so a lost or swapped key
// file is noticed before printed QR codes stop verifying.
func (s *Service) InitSigner(ctx context.Context, signer *Signer) error {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var stored string
		err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, tokenKeySetting).Scan(&stored)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)`, tokenKeySetting,
				signer.VerifierKey(), s.Clock.Now().UTC())
			return err
		case err != nil:
			return err
		case stored != signer.VerifierKey():
			return fmt.Errorf("certification: the QR token key does not match the key this database's tokens were signed with (%s); restore the original key file", stored)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.Signer = signer
	return nil
}

// TokenKey is the verifier key of the QR tokens, or EINVALID when tokens are off.
func (s *Service) TokenKey() (string, error) {
	if s.Signer == nil {
		return "", qcity.Errorf(qcity.ENOTFOUND, "cert.tokens_off")
	}
	return s.Signer.VerifierKey(), nil
}

// TokenOf returns the signed token of a certificate. Returns ENOTFOUND.
func (s *Service) TokenOf(ctx context.Context, number string) (string, Certificate, error) {
	c, err := s.FindCertificate(ctx, number)
	if err != nil {
		return "", c, err
	}
	if s.Signer == nil {
		return "", c, qcity.Errorf(qcity.ENOTFOUND, "cert.tokens_off")
	}
	issuer := c.BodyApproval
	if issuer == "" {
		issuer = c.BodyUSCC
	}
	t, err := s.Signer.Sign(Token{Number: c.Number, USCC: c.HolderUSCC, IssuedOn: c.IssuedOn, ExpiresOn: c.ExpiresOn, Issuer: issuer})
	return t, c, qcity.Internal(err)
}

// TokenCheck is a scanned token checked online: the token's own content and
// signature, and the certificate it names as the registry holds it now.
type TokenCheck struct {
	Token       Token         `json:"token"`
	Valid       bool          `json:"signature_valid"`
	Error       *TokenError   `json:"-"`
	Found       bool          `json:"found"`
	Certificate *Certificate  `json:"certificate,omitempty"`
	Differences []string      `json:"differences"` // fields whose token value differs from the registry's
	Warnings    []Warning     `json:"warnings"`
	Verified    *Verification `json:"verification,omitempty"`
}

// CheckToken verifies a scanned token against this server's key and looks up the
// live status of the certificate it names. A token that does not verify is reported,
// not an error.
func (s *Service) CheckToken(ctx context.Context, text string) (TokenCheck, error) {
	var tc TokenCheck
	tc.Differences, tc.Warnings = []string{}, []Warning{}
	if s.Signer == nil {
		return tc, qcity.Errorf(qcity.ENOTFOUND, "cert.tokens_off")
	}
	v, err := NewVerifier(s.Signer.VerifierKey())
	if err != nil {
		return tc, qcity.Internal(err)
	}
	t, err := v.Verify(TokenFromText(text))
	if err != nil {
		var te *TokenError
		if errors.As(err, &te) {
			tc.Error = te
			// Show what a malformed or forged token claims, if it can be read.
			if pt, _, _, perr := ParseToken(TokenFromText(text)); perr == nil {
				tc.Token = pt
			}
			return tc, nil
		}
		return tc, err
	}
	tc.Token, tc.Valid = t, true
	c, err := s.FindCertificate(ctx, t.Number)
	if qcity.ErrorCode(err) == qcity.ENOTFOUND {
		return tc, nil
	}
	if err != nil {
		return tc, err
	}
	tc.Found, tc.Certificate = true, &c
	if c.HolderUSCC != t.USCC {
		tc.Differences = append(tc.Differences, "holder_uscc")
	}
	if c.ExpiresOn != t.ExpiresOn || c.IssuedOn != t.IssuedOn {
		tc.Differences = append(tc.Differences, "validity")
	}
	vr, err := s.Verify(ctx, c.Number, VerifyOptions{NoLead: true})
	if err != nil {
		return tc, err
	}
	tc.Verified, tc.Warnings = &vr, vr.Warnings
	return tc, nil
}
